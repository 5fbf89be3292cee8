//! The intake screen (ui/intake.slint): registering weapons and exhibits, their labels.

use super::*;
use crate::MsgKind;

/// This screen's own state: the item registered here last (code, label text), for "Print label".
#[derive(Debug, Default)]
pub(crate) struct IntakeScreen {
    pub(super) last_registered: Option<(String, String)>,
}

impl Kiosk {
    /// The weapon part of the intake form (a weapon, or an exhibit that is one).
    pub(super) fn weapon_from_form(st: &IntakeState<'_>) -> Result<WeaponRecord, Msg> {
        if st.get_serial().trim().is_empty() || st.get_manufacturer().trim().is_empty() {
            return Err(msg(MsgKind::NeedSerial));
        }
        let year = match st.get_year().trim() {
            "" => None,
            y => Some(y.parse::<i32>().map_err(|_| msg(MsgKind::BadYear))?),
        };
        Ok(WeaponRecord {
            serial: st.get_serial().trim().into(),
            manufacturer: st.get_manufacturer().trim().into(),
            model: st.get_model().trim().into(),
            weapon_type: st.get_weapon_type().parse().ok(),
            calibre: st.get_calibre().trim().into(),
            country: st.get_country().trim().into(),
            year,
            origin: st.get_origin().parse().unwrap_or_default(),
            marking_code: st.get_marking().trim().into(),
            ..Default::default()
        })
    }

    pub(super) fn evidence_from_form(st: &IntakeState<'_>) -> Result<EvidenceRecord, Msg> {
        if st.get_case_number().trim().is_empty() || st.get_exhibit_number().trim().is_empty() {
            return Err(msg(MsgKind::NeedExhibit));
        }
        let is_weapon = st.get_category() == "weapon";
        let weapon = if is_weapon && !st.get_serial().trim().is_empty() {
            Some(Self::weapon_from_form(st)?)
        } else {
            None
        };
        let text = |s: SharedString| s.trim().to_string();
        Ok(EvidenceRecord {
            case_number: text(st.get_case_number()),
            exhibit_number: text(st.get_exhibit_number()),
            description: text(st.get_description()),
            category: st.get_category().to_string(),
            seized_by: text(st.get_seized_by()),
            seized_where: text(st.get_seized_where()),
            seized_when: text(st.get_seized_when()),
            package_id: text(st.get_package_id()),
            seal_numbers: st
                .get_seal_numbers()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            legal_hold: st.get_legal_hold(),
            weapon,
            ..Default::default()
        })
    }

    /// "Register weapon" / "Register exhibit": core checks roles and duplicates.
    pub fn register(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<IntakeState>();
        let Some(actor) = self.actor.clone() else {
            return self.logout(app, None);
        };
        let fail = |m: Msg| {
            st.set_message_good(false);
            st.set_message(m);
        };
        let location = st.get_location().trim().to_string();
        let location = (!location.is_empty()).then_some(location);
        let registered = if st.get_kind() == "evidence" {
            match Self::evidence_from_form(&st) {
                Ok(e) => self
                    .ledger
                    .register_evidence(&actor, e, location.as_deref()),
                Err(m) => return fail(m),
            }
        } else {
            match Self::weapon_from_form(&st) {
                Ok(w) => self.ledger.register_weapon(&actor, w, location.as_deref()),
                Err(m) => return fail(m),
            }
        };
        match registered {
            Ok(r) => {
                let text = self
                    .ledger
                    .find_item(&r.code)
                    .map(|i| i.label_text())
                    .unwrap_or_default();
                self.intake.last_registered = Some((r.code.clone(), text));
                st.set_last_code(display_code(&r.code).into());
                st.set_message_good(true);
                st.set_message(msg1(MsgKind::Registered, display_code(&r.code)));
                for set in [
                    IntakeState::set_serial,
                    IntakeState::set_model,
                    IntakeState::set_year,
                    IntakeState::set_exhibit_number,
                    IntakeState::set_description,
                    IntakeState::set_seal_numbers,
                    IntakeState::set_marking,
                ] {
                    set(&st, SharedString::new());
                }
                st.set_check(msg(MsgKind::None));
            }
            Err(e) => fail(self.report(app, &e)),
        }
    }

    /// The serial or maker changed: say at once whether the serial is already registered.
    pub fn intake_identity_edited(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<IntakeState>();
        let found = self
            .ledger
            .serial_matches(&st.get_manufacturer(), &st.get_serial())
            .unwrap_or_default();
        let (check, blocks) = match found.first() {
            None => (msg(MsgKind::None), false),
            Some(m) if m.same_manufacturer => (
                msg3(
                    MsgKind::SerialTaken,
                    format!("{} {}", m.manufacturer, m.model).trim(),
                    st.get_serial().trim(),
                    display_code(&m.code),
                ),
                true,
            ),
            Some(_) => {
                let others: Vec<String> = found
                    .iter()
                    .map(|m| format!("{} ({})", m.manufacturer, display_code(&m.code)))
                    .collect();
                (
                    msg2(
                        MsgKind::SerialElsewhere,
                        st.get_serial().trim(),
                        others.join(", "),
                    ),
                    false,
                )
            }
        };
        st.set_check_blocks(blocks);
        st.set_check(check);
    }

    /// "Print label" after registering: the new item's label on this kiosk's label printer.
    pub fn intake_print_label(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<IntakeState>();
        let Some((code, text)) = self.intake.last_registered.clone() else {
            return;
        };
        let answer = self.print_label(&code, &text);
        say!(st, answer);
    }
}
