//! The evidence screen (ui/evidence.slint): the exhibits due for review, and for one exhibit
//! its disposition decision, legal hold and release to the owner, each on a recorded order.

use super::*;
use crate::{EvidenceState, ExhibitRow};
use custody_core::documents::DocumentKind;
use custody_core::evidence::{Order, Owner};
use custody_core::{AuthorityKind, Disposition, IdDocumentType};

/// The review date a "keep until" decision asks for: `days` from today, 1 to 3650 (ten years;
/// longer keeping is "retain permanently").
fn review_after(days: &str) -> Option<chrono::NaiveDate> {
    let days = days.trim().parse::<i64>().ok()?;
    (1..=3650)
        .contains(&days)
        .then(|| chrono::Local::now().date_naive() + chrono::Duration::days(days))
}

impl Kiosk {
    pub(super) fn refresh_evidence(&mut self, app: &AppWindow) {
        let st = app.global::<EvidenceState>();
        match self.ledger.evidence_due(chrono::Local::now().date_naive()) {
            Ok(due) => st.set_due(model(
                due.iter()
                    .map(|i| ExhibitRow {
                        code: display_code(&i.code).into(),
                        summary: item_summary(i).into(),
                        review: date_text(&i.review_date.clone().unwrap_or_default()).into(),
                        hold: i.legal_hold,
                    })
                    .collect(),
            )),
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        let code = st.get_code().to_string();
        if code.is_empty() {
            return;
        }
        match self.ledger.find_item(&code) {
            Ok(item) => {
                st.set_title(item_summary(&item).into());
                st.set_status(item.status.as_str().into());
                st.set_review(date_text(&item.review_date.clone().unwrap_or_default()).into());
                st.set_decision(item.disposition.clone().unwrap_or_default().into());
                // Stored as "<kind key> <authority>, <reference>": the words after the key.
                let order = item.disposal_order.clone().unwrap_or_default();
                let order = order.split_once(' ').map_or("", |(_, rest)| rest);
                st.set_order(order.into());
                st.set_hold(item.legal_hold);
            }
            Err(e) => {
                st.set_code("".into());
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }

    /// Shows one exhibit (scanned, typed or picked from the review list).
    pub fn evidence_show(&mut self, app: &AppWindow, text: &str) {
        self.touch();
        let st = app.global::<EvidenceState>();
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        match self.ledger.find_item(text) {
            Ok(item) if item.kind == "evidence" => {
                st.set_entry("".into());
                st.set_code(display_code(&item.code).into());
                st.set_message(msg(MsgKind::None));
                // A decision already recorded to release the exhibit leads to the release.
                let releasing = item.disposition.as_deref() == Some("release_to_owner");
                st.set_tab(if releasing { "release" } else { "decision" }.into());
            }
            Ok(item) => {
                st.set_message_good(false);
                st.set_message(msg1(MsgKind::NotAnExhibit, display_code(&item.code)));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_evidence(app);
    }

    pub fn evidence_back(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<EvidenceState>();
        st.set_code("".into());
        st.set_message(msg(MsgKind::None));
        self.refresh_evidence(app);
    }

    fn evidence_order(st: &EvidenceState) -> Order {
        Order {
            authority_kind: st
                .get_authority_kind()
                .parse()
                .unwrap_or(AuthorityKind::Court),
            authority: st.get_authority().to_string(),
            reference: st.get_reference().to_string(),
        }
    }

    /// Clears what one decision, hold or release was recorded with, so that the next exhibit
    /// does not inherit its order or its owner.
    pub(super) fn evidence_clear_form(st: &EvidenceState) {
        for set in [
            EvidenceState::set_authority,
            EvidenceState::set_reference,
            EvidenceState::set_note,
            EvidenceState::set_owner,
            EvidenceState::set_id_number,
            EvidenceState::set_witness_badge,
            EvidenceState::set_witness_pin,
        ] {
            set(st, "".into());
        }
    }

    pub fn evidence_decide(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<EvidenceState>();
        let code = st.get_code().to_string();
        let decision: Disposition = st.get_choice().parse().unwrap_or(Disposition::KeepUntil);
        let review = match decision {
            Disposition::KeepUntil => match review_after(&st.get_days()) {
                Some(d) => Some(d),
                None => {
                    st.set_message_good(false);
                    st.set_message(msg1(MsgKind::BadKeepDays, st.get_days()));
                    return;
                }
            },
            _ => None,
        };
        let order = Self::evidence_order(&st);
        let answer = self
            .ledger
            .evidence_dispose(&actor, &code, decision, &order, review, &st.get_note())
            .map(|_| {
                Self::evidence_clear_form(&st);
                msg2(MsgKind::DecisionRecorded, &code, decision.as_str())
            })
            .map_err(|e| self.report(app, &e));
        say!(st, answer);
        self.refresh_evidence(app);
    }

    pub fn evidence_hold(&mut self, app: &AppWindow, hold: bool) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<EvidenceState>();
        let code = st.get_code().to_string();
        let order = Self::evidence_order(&st);
        let answer = self
            .ledger
            .evidence_hold(&actor, &code, hold, &order, &st.get_note())
            .map(|_| {
                Self::evidence_clear_form(&st);
                let kind = if hold {
                    MsgKind::HoldPlaced
                } else {
                    MsgKind::HoldLifted
                };
                msg1(kind, &code)
            })
            .map_err(|e| self.report(app, &e));
        say!(st, answer);
        self.refresh_evidence(app);
    }

    /// The signed-in custodian hands the exhibit to its owner, before a witness who signs on
    /// the spot (core says whether the site requires one).
    pub fn evidence_release(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<EvidenceState>();
        let code = st.get_code().to_string();
        let witness = match self.second_person(&st.get_witness_badge(), &st.get_witness_pin()) {
            None => None,
            Some(Ok(w)) => Some(w),
            Some(Err(e)) => {
                st.set_witness_pin("".into());
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                return;
            }
        };
        st.set_witness_pin("".into());
        let owner = Owner {
            name: st.get_owner().to_string(),
            id_document_type: st
                .get_id_type()
                .parse()
                .unwrap_or(IdDocumentType::NationalId),
            id_document_number: st.get_id_number().to_string(),
        };
        let answer = self
            .ledger
            .evidence_release(&actor, witness.as_ref(), &code, &owner, "")
            .map(|_| {
                Self::evidence_clear_form(&st);
                msg2(MsgKind::ReleasedToOwner, &code, owner.name.trim())
            })
            .map_err(|e| self.report(app, &e));
        say!(st, answer);
        self.refresh_evidence(app);
    }

    pub fn evidence_print_receipt(&mut self, app: &AppWindow) {
        let st = app.global::<EvidenceState>();
        let code = Some(st.get_code().to_string()).filter(|c| !c.is_empty());
        let answer = self.print_finished(app, DocumentKind::ReleaseReceipt, code);
        say!(st, answer);
    }
}
