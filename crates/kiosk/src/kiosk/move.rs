//! The move screen (ui/move.slint): moving a list of items, passing custody to a colleague.

use super::*;
use crate::MsgKind;

/// This screen's own state: the items listed to move or to pass on.
#[derive(Debug, Default)]
pub(crate) struct MoveScreen {
    pub(super) items: Vec<ItemView>,
}

impl Kiosk {
    pub(super) fn refresh_move(&self, app: &AppWindow) {
        let rows = self
            .moving
            .items
            .iter()
            .map(|i| ItemLine {
                code: display_code(&i.code).into(),
                summary: item_summary(i).into(),
            })
            .collect();
        app.global::<MoveState>().set_items(model(rows));
    }

    /// Adds an item to the list to move; true when it was added.
    pub fn move_add(&mut self, app: &AppWindow, text: &str) -> bool {
        self.touch();
        let st = app.global::<MoveState>();
        let text = text.trim();
        if text.is_empty() {
            return false;
        }
        if is_location_code(text) {
            self.move_to(app, text);
            return true;
        }
        let added = match self.ledger.find_item(text) {
            Ok(item) if item.status.is_terminal() => {
                st.set_message_good(false);
                st.set_message(msg2(
                    MsgKind::Alarm,
                    display_code(&item.code),
                    item.status.as_str(),
                ));
                false
            }
            Ok(item) => {
                st.set_message_good(true);
                st.set_message(msg1(MsgKind::ItemAdded, display_code(&item.code)));
                if !self.moving.items.iter().any(|i| i.id == item.id) {
                    self.moving.items.push(item);
                }
                st.set_item_entry("".into());
                true
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                false
            }
        };
        self.refresh_move(app);
        added
    }

    /// Moves every listed item to `location`; returns how many moved.
    pub fn move_to(&mut self, app: &AppWindow, location: &str) -> usize {
        self.touch();
        let st = app.global::<MoveState>();
        let Some(actor) = self.actor.clone() else {
            self.logout(app, None);
            return 0;
        };
        let location = location.trim();
        if self.moving.items.is_empty() {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NeedItems));
            return 0;
        }
        if location.is_empty() {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NeedLocation));
            return 0;
        }
        // One transaction in core: every listed item moves, or none does and the list stays.
        let codes: Vec<&str> = self.moving.items.iter().map(|i| i.code.as_str()).collect();
        match self.ledger.move_items(&actor, &codes, location) {
            Ok(seqs) => {
                let name = self
                    .ledger
                    .find_location(location)
                    .ok()
                    .flatten()
                    .map(|l| l.name)
                    .unwrap_or_else(|| location.to_string());
                self.moving.items.clear();
                st.set_message_good(true);
                st.set_message(counted(msg2(MsgKind::Moved, seqs.len(), name), seqs.len()));
                st.set_location("".into());
                self.refresh_move(app);
                seqs.len()
            }
            Err(CustodyError::UnknownLocation(l)) => {
                st.set_message_good(false);
                st.set_message(msg1(MsgKind::UnknownLocation, l));
                self.refresh_move(app);
                0
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                self.refresh_move(app);
                0
            }
        }
    }

    pub fn move_clear(&mut self, app: &AppWindow) {
        self.touch();
        self.moving.items.clear();
        app.global::<MoveState>().set_message(msg(MsgKind::None));
        self.refresh_move(app);
    }

    /// Passes custody of every listed item to the receiver, who signs in on the spot.
    pub fn transfer(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<MoveState>();
        let Some(giver) = self.actor.clone() else {
            return self.logout(app, None);
        };
        let fail = |m: Msg| {
            st.set_message_good(false);
            st.set_message(m);
        };
        if self.moving.items.is_empty() {
            return fail(msg(MsgKind::NeedItems));
        }
        if st.get_reason().trim().is_empty() {
            return fail(msg(MsgKind::NeedReason));
        }
        let (badge, pin) = (st.get_receiver_badge(), st.get_receiver_pin());
        st.set_receiver_pin("".into());
        if badge.trim().is_empty() || pin.is_empty() {
            return fail(msg(MsgKind::ReceiverAuth));
        }
        let receiver = match self.ledger.authenticate(&badge, &pin) {
            Ok(r) => r,
            Err(e) => return fail(self.report(app, &e)),
        };
        let reason = st.get_reason().to_string();
        let mut remaining = Vec::new();
        let mut last = None;
        let mut passed = Vec::new();
        for item in std::mem::take(&mut self.moving.items) {
            match self
                .ledger
                .transfer_custody(&giver, Some(&receiver), &item.code, &reason)
            {
                Ok(_) => passed.push(display_code(&item.code)),
                Err(e) => {
                    last = Some(self.report(app, &e));
                    remaining.push(item);
                }
            }
        }
        self.moving.items = remaining;
        match last {
            None => {
                st.set_message_good(true);
                st.set_message(msg2(
                    MsgKind::Transferred,
                    passed.join(", "),
                    &receiver.name,
                ));
                st.set_reason("".into());
                st.set_receiver_badge("".into());
            }
            Some(m) => fail(m),
        }
        self.refresh_move(app);
    }
}
