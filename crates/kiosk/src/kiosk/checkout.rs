//! The check-out / check-in screen (ui/checkout.slint).

use super::*;
use crate::MsgKind;

impl Kiosk {
    pub fn check_out(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<CheckoutState>();
        let Some(actor) = self.actor.clone() else {
            return self.logout(app, None);
        };
        let fail = |m: Msg| {
            st.set_message_good(false);
            st.set_message(m);
        };
        let item = st.get_item().trim().to_string();
        if item.is_empty()
            || st.get_to_whom().trim().is_empty()
            || st.get_purpose().trim().is_empty()
        {
            return fail(msg(MsgKind::NeedCheckout));
        }
        let days = match st.get_days().trim().parse::<i64>() {
            Ok(d) if (0..=365).contains(&d) => d,
            _ => return fail(msg(MsgKind::BadDays)),
        };
        let due = chrono::Local::now().date_naive() + chrono::Duration::days(days);
        match self
            .ledger
            .check_out(&actor, &item, &st.get_to_whom(), &st.get_purpose(), due)
        {
            Ok(_) => {
                st.set_message_good(true);
                st.set_message(msg2(
                    MsgKind::CheckedOut,
                    display_code(&item),
                    date_text(&due.to_string()),
                ));
            }
            Err(e) => fail(self.report(app, &e)),
        }
    }

    pub fn check_in(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<CheckoutState>();
        let Some(actor) = self.actor.clone() else {
            return self.logout(app, None);
        };
        let item = st.get_item().trim().to_string();
        if item.is_empty() {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NeedCheckout));
            return;
        }
        let location = st.get_return_location().trim().to_string();
        let location = (!location.is_empty()).then_some(location);
        match self
            .ledger
            .check_in(&actor, &item, location.as_deref(), &st.get_note())
        {
            Ok(_) => {
                st.set_message_good(true);
                st.set_message(msg1(MsgKind::CheckedIn, display_code(&item)));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }
}
