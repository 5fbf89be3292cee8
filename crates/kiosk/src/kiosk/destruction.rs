//! The destruction screen (ui/destruction.slint): a batch from creation to freezing, the re-count
//! by scan, the record, two witnesses, execution and the certificate.

use super::workflows::*;
use super::{model, Kiosk};
use crate::messages::{counted, display_code, msg, msg1, msg2, msg3};
use crate::MsgKind;
use crate::{AppWindow, DestructionState, ItemLine, LotLineRow, Msg, ScanMark};
use custody_codes::{LabelCode, LabelKind};
use custody_core::ammo_disposal::{totals, LotQuantity};
use custody_core::documents::DocumentKind;
use custody_core::{Actor, CustodyError, DestructionMethod, DestructionRecord};
use custody_scan::Outcome;
use slint::ComponentHandle;

/// This screen's own state: the batch on screen and the codes re-counted so far.
#[derive(Debug, Default)]
pub(crate) struct DestructionScreen {
    pub(super) batch: Option<String>,
    pub(super) recount: Vec<String>,
    /// The lot quantities counted so far at the re-count.
    pub(super) lot_recount: Vec<LotQuantity>,
}

impl Kiosk {
    pub fn destruction_create(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        match self
            .ledger
            .destruction_create(&actor, &st.get_authority(), &st.get_decision(), "")
        {
            Ok(b) => {
                self.destruction.batch = Some(b.code.clone());
                self.destruction.recount.clear();
                self.destruction.lot_recount.clear();
                st.set_authority("".into());
                st.set_decision("".into());
                st.set_message_good(true);
                st.set_message(msg1(MsgKind::BatchCreated, display_code(&b.code)));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_destruction(app);
    }

    pub(super) fn refresh_destruction(&mut self, app: &AppWindow) {
        let st = app.global::<DestructionState>();
        let Some(code) = self.destruction.batch.clone() else {
            st.set_stage("".into());
            st.set_code("".into());
            st.set_heading("".into());
            st.set_items(model(Vec::new()));
            return;
        };
        let b = match self.ledger.destruction_batch(&code) {
            Ok(b) => b,
            Err(e) => {
                st.set_message(self.report(app, &e));
                return;
            }
        };
        st.set_stage(b.state.clone().into());
        st.set_code(display_code(&b.code).into());
        st.set_heading(format!("{} · {}", b.authority, b.decision_reference).into());
        st.set_item_count(b.items as i32);
        st.set_recorded(b.record.is_some());
        let lines: Vec<ItemLine> = b
            .codes
            .iter()
            .map(|c| match self.ledger.find_item(c) {
                Ok(i) => line(&i),
                Err(_) => ItemLine {
                    code: display_code(c).into(),
                    summary: "".into(),
                },
            })
            .collect();
        st.set_items(model(lines));
        // What the re-count has seen against the frozen list (display only: core decides).
        let counted = b
            .codes
            .iter()
            .filter(|c| self.destruction.recount.contains(c))
            .count();
        let missing: Vec<slint::SharedString> = b
            .codes
            .iter()
            .filter(|c| !self.destruction.recount.contains(c))
            .map(|c| display_code(c).into())
            .collect();
        let extra: Vec<slint::SharedString> = self
            .destruction
            .recount
            .iter()
            .filter(|c| !b.codes.contains(c))
            .map(|c| display_code(c).into())
            .collect();
        st.set_counted(counted as i32);
        st.set_missing(model(missing));
        st.set_extra(model(extra));
        let lots = self.ledger.destruction_lots(&code).unwrap_or_default();
        let (units, neq) = totals(&lots);
        st.set_lot_units(crate::messages::number_text(units).into());
        st.set_lot_neq(crate::messages::kg_text(&neq).into());
        let rows: Vec<LotLineRow> = lots
            .iter()
            .map(|l| LotLineRow {
                key: format!("{}@{}", l.lot_id, l.location).into(),
                lot: if l.lot_number.is_empty() {
                    l.lot_id.clone()
                } else {
                    l.lot_number.clone()
                }
                .into(),
                location: l.location.clone().into(),
                quantity: crate::messages::number_text(l.quantity).into(),
                unit: l.unit.clone().into(),
                neq: crate::messages::kg_text(&l.line_neq_kg).into(),
            })
            .collect();
        st.set_lot_lines(model(rows));
    }

    /// The signed-in person and the batch on screen, if both are there.
    fn actor_and_batch(&mut self, app: &AppWindow) -> Option<(Actor, String)> {
        self.touch();
        let actor = self.signed_in(app)?;
        Some((actor, self.destruction.batch.clone()?))
    }

    /// The lot, location and quantity typed on the destruction screen.
    fn lot_quantity(st: &DestructionState<'_>) -> Result<LotQuantity, Msg> {
        let lot = st.get_lot().trim().to_string();
        if lot.is_empty() {
            return Err(msg(MsgKind::NeedLot));
        }
        Ok(LotQuantity {
            lot,
            location: st.get_lot_location().trim().to_string(),
            quantity: super::ammunition::whole_number(&st.get_lot_quantity())?,
        })
    }

    /// "Add lot": a quantity of a lot at a location into the open batch.
    pub fn destruction_add_lot(&mut self, app: &AppWindow) {
        let Some((actor, code)) = self.actor_and_batch(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let answer = Self::lot_quantity(&st).and_then(|l| {
            self.ledger
                .destruction_add_lots(&actor, &code, std::slice::from_ref(&l))
                .map(|_| {
                    msg3(
                        MsgKind::LotBatchAdded,
                        &l.lot,
                        &l.location,
                        crate::messages::number_text(l.quantity.unsigned_abs()),
                    )
                })
                .map_err(|e| self.report(app, &e))
        });
        self.lot_line_said(app, answer, |st| {
            st.set_lot("".into());
            st.set_lot_quantity("".into());
        });
    }

    /// What a lot-line action came to; on success `clear` empties the fields it used.
    fn lot_line_said(
        &mut self,
        app: &AppWindow,
        answer: Result<Msg, Msg>,
        clear: impl Fn(&DestructionState<'_>),
    ) {
        let st = app.global::<DestructionState>();
        if answer.is_ok() {
            clear(&st);
        }
        say!(st, answer);
        self.refresh_destruction(app);
    }

    /// "Take lot off": the lot at the place in the fields leaves the open batch, with the
    /// batch's reason field.
    pub fn destruction_remove_lot(&mut self, app: &AppWindow) {
        let Some((actor, code)) = self.actor_and_batch(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let (lot, place) = (st.get_lot().trim().to_string(), st.get_lot_location());
        let answer = if lot.is_empty() {
            Err(msg(MsgKind::NeedLot))
        } else {
            self.ledger
                .destruction_remove_lot(&actor, &code, &lot, &place, &st.get_reason())
                .map(|_| msg2(MsgKind::LotBatchRemoved, &lot, place.trim()))
                .map_err(|e| self.report(app, &e))
        };
        self.lot_line_said(app, answer, |st| {
            st.set_lot("".into());
            st.set_reason("".into());
        });
    }

    /// "Count lot" at the re-count: the quantity found of a lot line, handed to core with the
    /// scanned items when the re-count is confirmed.
    pub fn destruction_recount_lot(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<DestructionState>();
        let answer = Self::lot_quantity(&st).map(|l| {
            let m = msg3(
                MsgKind::LotRecounted,
                &l.lot,
                &l.location,
                crate::messages::number_text(l.quantity.unsigned_abs()),
            );
            self.destruction.lot_recount.push(l);
            m
        });
        self.lot_line_said(app, answer, |st| {
            st.set_lot("".into());
            st.set_lot_quantity("".into());
        });
    }

    /// A scan or typed code on the destruction screen: added to an open batch, or counted in
    /// the re-count of a frozen one. A batch label takes that batch up.
    pub fn destruction_add(&mut self, app: &AppWindow, text: &str) -> Answer {
        self.touch();
        let Some(actor) = self.actor.clone() else {
            return refused(ScanMark::Refused, msg(MsgKind::EnterBadge));
        };
        let st = app.global::<DestructionState>();
        let text = text.trim().to_string();
        if text.is_empty() {
            return refused(ScanMark::Refused, msg(MsgKind::None));
        }
        if LabelCode::parse(&text).is_ok_and(|c| c.kind() == LabelKind::Batch) {
            return match self.ledger.destruction_batch(&text) {
                Ok(b) => {
                    self.destruction.batch = Some(b.code.clone());
                    self.destruction.recount.clear();
                    self.destruction.lot_recount.clear();
                    self.refresh_destruction(app);
                    good(msg1(MsgKind::ScanFound, display_code(&b.code)))
                }
                Err(e) => refused(ScanMark::Unknown, self.report(app, &e)),
            };
        }
        let stage = self
            .destruction
            .batch
            .as_ref()
            .and_then(|c| self.ledger.destruction_batch(c).ok())
            .map(|b| (b.code, b.state));
        let answer = match stage {
            Some((code, state)) if state == "open" => {
                match self
                    .ledger
                    .destruction_add(&actor, &code, std::slice::from_ref(&text))
                {
                    Ok(_) => {
                        st.set_entry("".into());
                        let shown = self
                            .ledger
                            .find_item(&text)
                            .map(|i| display_code(&i.code))
                            .unwrap_or_else(|_| text.clone());
                        good(msg1(MsgKind::BatchAdded, shown))
                    }
                    Err(e) => refused(ScanMark::Refused, self.report(app, &e)),
                }
            }
            Some((code, state)) if state == "frozen" => {
                st.set_entry("".into());
                let item = self.ledger.find_item(&text).ok();
                let key = item
                    .as_ref()
                    .map(|i| i.code.clone())
                    .unwrap_or(text.clone());
                let on_list = self
                    .ledger
                    .destruction_batch(&code)
                    .is_ok_and(|b| b.codes.contains(&key));
                if !self.destruction.recount.contains(&key) {
                    self.destruction.recount.push(key.clone());
                }
                if on_list {
                    good(msg1(MsgKind::RecountScan, display_code(&key)))
                } else {
                    refused(
                        ScanMark::Refused,
                        msg1(MsgKind::RecountExtra, display_code(&key)),
                    )
                }
            }
            _ => refused(
                ScanMark::Refused,
                msg1(MsgKind::NotInStage, display_code(&text)),
            ),
        };
        st.set_message_good(answer.outcome == Outcome::Accepted);
        st.set_message(answer.message.clone());
        self.refresh_destruction(app);
        answer
    }

    pub fn destruction_freeze(&mut self, app: &AppWindow) {
        let Some((actor, code)) = self.actor_and_batch(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        match self.ledger.destruction_freeze(&actor, &code) {
            Ok(b) => {
                self.destruction.recount.clear();
                self.destruction.lot_recount.clear();
                st.set_message_good(true);
                st.set_message(counted(msg1(MsgKind::BatchFrozen, b.items), b.items));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_destruction(app);
    }

    pub fn destruction_confirm_recount(&mut self, app: &AppWindow) -> Outcome {
        let Some((actor, code)) = self.actor_and_batch(app) else {
            return Outcome::Refused;
        };
        let st = app.global::<DestructionState>();
        let outcome = match self.ledger.destruction_recount_counted(
            &actor,
            &code,
            &self.destruction.recount,
            &self.destruction.lot_recount,
        ) {
            Ok(_) => {
                let n = self.destruction.recount.len();
                self.destruction.recount.clear();
                self.destruction.lot_recount.clear();
                st.set_message_good(true);
                st.set_message(counted(msg1(MsgKind::Recounted, n), n));
                Outcome::Accepted
            }
            Err(CustodyError::RecountMismatch { missing, extra, .. }) => {
                st.set_message_good(false);
                st.set_message(msg2(MsgKind::RecountMismatch, missing.len(), extra.len()));
                Outcome::Refused
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                Outcome::Refused
            }
        };
        self.refresh_destruction(app);
        outcome
    }

    pub fn destruction_record(&mut self, app: &AppWindow) {
        let Some((actor, code)) = self.actor_and_batch(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let method: DestructionMethod = st
            .get_method()
            .parse()
            .unwrap_or(DestructionMethod::Cutting);
        let record = DestructionRecord {
            method,
            equipment: st.get_equipment().to_string(),
            place: st.get_place().to_string(),
            date: chrono::Local::now().date_naive().to_string(),
            scrap_weight_kg: st.get_weight().to_string(),
            photo_digests: Vec::new(),
        };
        match self.ledger.destruction_record(&actor, &code, record) {
            Ok(_) => {
                st.set_message_good(true);
                st.set_message(msg(MsgKind::DestructionRecorded));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_destruction(app);
    }

    /// The signed-in operator executes the batch before two witnesses who sign on the spot.
    pub fn destruction_execute(&mut self, app: &AppWindow) {
        let Some((operator, code)) = self.actor_and_batch(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let fail = |m: Msg| {
            st.set_message_good(false);
            st.set_message(m);
        };
        let pairs = [
            (st.get_w1_badge(), st.get_w1_pin()),
            (st.get_w2_badge(), st.get_w2_pin()),
        ];
        st.set_w1_pin("".into());
        st.set_w2_pin("".into());
        let mut witnesses = Vec::new();
        for (badge, pin) in pairs {
            match self.second_person(&badge, &pin) {
                None => return fail(msg(MsgKind::WitnessAuth)),
                Some(Err(e)) => return fail(self.report(app, &e)),
                Some(Ok(w)) => witnesses.push(w),
            }
        }
        let refs: Vec<&Actor> = witnesses.iter().collect();
        match self.ledger.destruction_execute(&operator, &refs, &code) {
            Ok((_, checkpoint)) => {
                let n = self
                    .ledger
                    .destruction_batch(&code)
                    .map(|b| b.items)
                    .unwrap_or(0);
                st.set_w1_badge("".into());
                st.set_w2_badge("".into());
                st.set_message_good(true);
                st.set_message(counted(
                    msg3(MsgKind::Executed, display_code(&code), n, checkpoint),
                    n,
                ));
            }
            Err(CustodyError::SamePerson(_)) => fail(msg(MsgKind::WitnessDistinct)),
            Err(e) => fail(self.report(app, &e)),
        }
        self.refresh_destruction(app);
    }

    pub fn destruction_new(&mut self, app: &AppWindow) {
        self.touch();
        self.destruction.batch = None;
        self.destruction.recount.clear();
        self.destruction.lot_recount.clear();
        app.global::<DestructionState>()
            .set_message(msg(MsgKind::None));
        self.refresh_destruction(app);
    }

    pub fn destruction_print_certificate(&mut self, app: &AppWindow) {
        let code = self.destruction.batch.clone();
        let answer = self.print_finished(app, DocumentKind::DestructionCertificate, code);
        say!(app.global::<DestructionState>(), answer);
    }

    /// Takes the item in the entry field off the open batch, with the reason given.
    pub fn destruction_remove(&mut self, app: &AppWindow, text: &str) {
        let Some((actor, code)) = self.actor_and_batch(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let item = text.trim().to_string();
        let answer = self
            .ledger
            .destruction_remove(&actor, &code, std::slice::from_ref(&item), &st.get_reason())
            .map(|_| {
                st.set_entry("".into());
                msg1(MsgKind::BatchItemRemoved, display_code(&item))
            })
            .map_err(|e| self.report(app, &e));
        say!(st, answer);
        self.refresh_destruction(app);
    }

    /// Opens a frozen or re-counted batch again, with the reason given.
    pub fn destruction_unfreeze(&mut self, app: &AppWindow) {
        self.destruction_undo(app, false);
    }

    /// Gives the batch up, with the reason given: its items are back in store.
    pub fn destruction_cancel(&mut self, app: &AppWindow) {
        self.destruction_undo(app, true);
    }

    /// Reopens (`cancel` false) or gives up (`cancel` true) the batch on screen.
    fn destruction_undo(&mut self, app: &AppWindow, cancel: bool) {
        let Some((actor, code)) = self.actor_and_batch(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let reason = st.get_reason();
        let done = if cancel {
            self.ledger.destruction_cancel(&actor, &code, &reason)
        } else {
            self.ledger.destruction_unfreeze(&actor, &code, &reason)
        };
        let answer = done
            .map(|_| {
                st.set_reason("".into());
                if cancel {
                    self.destruction = DestructionScreen::default();
                    msg1(MsgKind::BatchCancelled, display_code(&code))
                } else {
                    self.destruction.recount.clear();
                    self.destruction.lot_recount.clear();
                    msg1(MsgKind::BatchUnfrozen, display_code(&code))
                }
            })
            .map_err(|e| self.report(app, &e));
        say!(st, answer);
        self.refresh_destruction(app);
    }
}
