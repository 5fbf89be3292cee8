//! The ammunition screen (ui/ammunition.slint): lots received, issued and taken back, split
//! between stores, inspected and expended, counted by packages and loose units in an open
//! stocktake and, for a reconciler, adjusted with a co-signer. Every rule is core's; a refusal
//! is shown as core's typed error and nothing is recorded.

use super::workflows::{good, refused, Answer};
use super::{model, Kiosk};
use crate::messages::{counted, kg_text, msg, msg1, msg2, msg3, number_text};
use crate::MsgKind;
use crate::{AmmoState, AppWindow, LotCountRow, LotRow, Msg, ScanMark};
use custody_core::ammo::{AmmoIssue, LotRecord, LotView};
use custody_core::ammo_count::LotCountLine;
use custody_core::ammo_labels::read_maker_marking;
use custody_core::domain::Origin;
use custody_core::{Actor, Ledger};
use slint::{ComponentHandle, SharedString};

/// A whole number typed into a quantity field. Empty reads as 0 and a minus sign is kept, so
/// that core refuses them with its own words; anything else is not a number.
pub(super) fn whole_number(text: &str) -> Result<i64, Msg> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse::<i64>().map_err(|_| msg1(MsgKind::NotANumber, t))
}

/// What the person knows a lot by: its lot number as marked when no other lot has it, else
/// the lot label's code (which a scan of that label gives too).
fn lot_key(lot: &LotView, all: &[LotView]) -> String {
    let number = lot.lot.lot_number.trim();
    let unique = !number.is_empty()
        && all
            .iter()
            .filter(|l| l.lot.lot_number.trim().eq_ignore_ascii_case(number))
            .count()
            == 1;
    if unique {
        number.to_string()
    } else {
        crate::messages::display_code(&lot.label_code)
    }
}

fn lot_row(lot: &LotView, all: &[LotView]) -> LotRow {
    let r = &lot.lot;
    let what: Vec<&str> = [&r.ammo_type, &r.calibre, &r.manufacturer, &r.description]
        .into_iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let places: Vec<String> = lot
        .stock
        .iter()
        .map(|(place, q)| format!("{place} — {}", number_text(*q)))
        .collect();
    let key = lot_key(lot, all);
    LotRow {
        lot: key.clone().into(),
        key: key.into(),
        what: what.join(", ").into(),
        hazard: r.hazard.clone().into(),
        condition: lot.condition.as_str().into(),
        unit: r.unit.as_str().into(),
        places: places.join(" · ").into(),
        issued: if lot.issued_out > 0 {
            number_text(lot.issued_out).into()
        } else {
            SharedString::new()
        },
        hold: lot.legal_hold.clone().into(),
    }
}

fn is_lot_label(text: &str) -> bool {
    custody_codes::LabelCode::parse(text).is_ok_and(|c| c.kind() == custody_codes::LabelKind::Lot)
}

/// A quantity line of a count as its key on screen: the lot's id and the location's name.
fn line_key(l: &LotCountLine) -> String {
    format!("{}@{}", l.lot_id, l.location)
}

impl Kiosk {
    pub fn refresh_ammunition(&mut self, app: &AppWindow) {
        let st = app.global::<AmmoState>();
        match self.ledger.ammo_lots() {
            Ok(lots) => {
                let rows = lots.iter().map(|l| lot_row(l, &lots)).collect();
                st.set_lots(model(rows));
            }
            Err(e) => {
                st.set_message(self.report(app, &e));
            }
        }
        self.take_up_open_count();
        let code = self.stocktake.count.as_ref().map(|r| r.code.clone());
        st.set_count_code(
            code.as_deref()
                .map(crate::messages::display_code)
                .unwrap_or_default()
                .into(),
        );
        if code.is_none() {
            st.set_reconciling(false);
        }
    }

    /// Says what an action came to on this screen, and shows the lots as they are now.
    fn ammo_said(&mut self, app: &AppWindow, answer: Result<Msg, Msg>) {
        say!(app.global::<AmmoState>(), answer);
        self.refresh_ammunition(app);
    }

    /// The signed-in person and the lot the page acts on; a message when either is missing.
    fn ammo_actor_and_lot(&mut self, app: &AppWindow) -> Option<(Actor, String)> {
        self.touch();
        let actor = self.signed_in(app)?;
        let st = app.global::<AmmoState>();
        let lot = st.get_lot().trim().to_string();
        if lot.is_empty() {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NeedLot));
            return None;
        }
        Some((actor, lot))
    }

    fn lot_from_form(st: &AmmoState<'_>) -> Result<(LotRecord, i64), Msg> {
        let text = |s: SharedString| s.trim().to_string();
        let year = match st.get_year().trim() {
            "" => None,
            y => Some(y.parse::<i32>().map_err(|_| msg(MsgKind::BadYear))?),
        };
        let per_package = match st.get_per_package().trim() {
            "" => 1,
            p => u32::try_from(whole_number(p)?).unwrap_or(0),
        };
        let lot = LotRecord {
            ammo_type: text(st.get_ammo_type()),
            description: text(st.get_description()),
            calibre: text(st.get_calibre()),
            manufacturer: text(st.get_manufacturer()),
            lot_number: text(st.get_lot_number()),
            year,
            hazard: text(st.get_hazard()),
            neq_kg: text(st.get_neq()).replace(',', "."),
            unit: st.get_unit().parse().unwrap_or_default(),
            units_per_package: per_package,
            origin: Origin::StateStock,
            found_at: String::new(),
        };
        Ok((lot, whole_number(&st.get_quantity())?))
    }

    /// "Receive lot": a new lot with its quantity at a location, all checks in core.
    pub fn ammo_receive(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<AmmoState>();
        let answer = Self::lot_from_form(&st).and_then(|(lot, quantity)| {
            let condition = st.get_condition().parse().unwrap_or_default();
            let location = st.get_location().trim().to_string();
            let number = lot.lot_number.clone();
            match self
                .ledger
                .ammo_receive(&actor, lot, quantity, &location, condition)
            {
                Ok((id, _)) => {
                    let shown = if number.is_empty() { id } else { number };
                    Ok(msg3(
                        MsgKind::LotReceived,
                        shown,
                        location,
                        number_text(quantity.unsigned_abs()),
                    ))
                }
                Err(e) => Err(self.report(app, &e)),
            }
        });
        if answer.is_ok() {
            for set in [
                AmmoState::set_lot_number,
                AmmoState::set_year,
                AmmoState::set_quantity,
                AmmoState::set_description,
            ] {
                set(&st, SharedString::new());
            }
        }
        self.ammo_said(app, answer);
    }

    /// A maker's GS1 marking, scanned or typed into the lot number: its lot number (AI 10) and
    /// the count in a package (AI 30) fill the form. A plain lot number is kept as typed.
    pub fn ammo_marking(&mut self, app: &AppWindow, text: &str) -> Result<Msg, Msg> {
        self.touch();
        let st = app.global::<AmmoState>();
        let marking = read_maker_marking(text).map_err(|e| self.report(app, &e))?;
        st.set_lot_number(marking.lot_number.clone().into());
        Ok(match marking.count {
            Some(n) if n > 0 => {
                st.set_per_package(n.to_string().into());
                msg2(MsgKind::MarkingReadCount, marking.lot_number, n)
            }
            _ => msg1(MsgKind::MarkingRead, marking.lot_number),
        })
    }

    /// An action on a quantity of the page's lot: the quantity as typed, handed to core with
    /// the signed-in person and the lot; core's answer worded as `kind` (lot, quantity, `to`),
    /// or its refusal. `None` when nobody is signed in or no lot is given (already said).
    fn lot_quantity_action(
        &mut self,
        app: &AppWindow,
        kind: MsgKind,
        to: &str,
        act: impl FnOnce(&mut Ledger, &Actor, &str, i64) -> custody_core::Result<i64>,
    ) -> Option<Result<Msg, Msg>> {
        let (actor, lot) = self.ammo_actor_and_lot(app)?;
        let amount = app.global::<AmmoState>().get_amount();
        Some(whole_number(&amount).and_then(|quantity| {
            act(&mut self.ledger, &actor, &lot, quantity)
                .map(|_| msg3(kind, &lot, number_text(quantity.unsigned_abs()), to.trim()))
                .map_err(|e| self.report(app, &e))
        }))
    }

    pub fn ammo_issue(&mut self, app: &AppWindow) {
        let st = app.global::<AmmoState>();
        let issue = AmmoIssue {
            from_location: st.get_from_location().trim().to_string(),
            quantity: 0,
            to_whom: st.get_to_whom().to_string(),
            purpose: st.get_purpose().to_string(),
            signer: st.get_signer().to_string(),
        };
        let to_whom = issue.to_whom.clone();
        let Some(answer) =
            self.lot_quantity_action(app, MsgKind::LotIssued, &to_whom, |ledger, a, lot, q| {
                ledger.ammo_issue(
                    a,
                    lot,
                    &AmmoIssue {
                        quantity: q,
                        ..issue
                    },
                )
            })
        else {
            return;
        };
        if answer.is_ok() {
            st.set_signer("".into());
        }
        self.ammo_said(app, answer);
    }

    pub fn ammo_take_back(&mut self, app: &AppWindow) {
        let st = app.global::<AmmoState>();
        let (place, note) = (st.get_to_location(), st.get_note());
        if let Some(answer) =
            self.lot_quantity_action(app, MsgKind::LotReturned, &place, |ledger, a, lot, q| {
                ledger.ammo_return(a, lot, &place, q, &note)
            })
        {
            self.ammo_said(app, answer);
        }
    }

    pub fn ammo_split(&mut self, app: &AppWindow) {
        let st = app.global::<AmmoState>();
        let (from, to) = (st.get_from_location(), st.get_to_location());
        if let Some(answer) =
            self.lot_quantity_action(app, MsgKind::LotMoved, &to, |ledger, a, lot, q| {
                ledger.ammo_split(a, lot, &from, &to, q)
            })
        {
            self.ammo_said(app, answer);
        }
    }

    pub fn ammo_inspect(&mut self, app: &AppWindow) {
        let Some((actor, lot)) = self.ammo_actor_and_lot(app) else {
            return;
        };
        let st = app.global::<AmmoState>();
        let condition = st.get_new_condition().parse().unwrap_or_default();
        let answer = self
            .ledger
            .ammo_inspect(&actor, &lot, condition, &st.get_note())
            .map(|_| msg2(MsgKind::LotInspected, &lot, condition.as_str()))
            .map_err(|e| self.report(app, &e));
        if answer.is_ok() {
            st.set_note("".into());
        }
        self.ammo_said(app, answer);
    }

    pub fn ammo_expend(&mut self, app: &AppWindow) {
        let st = app.global::<AmmoState>();
        let from = st.get_from_location().trim().to_string();
        let reference = st.get_reference().to_string();
        let Some(answer) = self.lot_quantity_action(
            app,
            MsgKind::LotExpended,
            &reference,
            |ledger, a, lot, q| {
                let from = (!from.is_empty()).then_some(from.as_str());
                ledger.ammo_expend(a, lot, from, q, &reference)
            },
        ) else {
            return;
        };
        if answer.is_ok() {
            st.set_reference("".into());
        }
        self.ammo_said(app, answer);
    }

    /// The open count's code, or the message that none is open.
    fn open_count_code(&mut self) -> Result<String, Msg> {
        self.take_up_open_count();
        self.stocktake
            .count
            .as_ref()
            .map(|r| r.code.clone())
            .ok_or_else(|| msg(MsgKind::NoOpenCount))
    }

    /// "Record count": packages and loose units of a lot at a location. Blind: the answer is
    /// the counter's own running count, never what is expected.
    pub fn ammo_count(&mut self, app: &AppWindow) {
        let Some((actor, lot)) = self.ammo_actor_and_lot(app) else {
            return;
        };
        let st = app.global::<AmmoState>();
        let answer = self.open_count_code().and_then(|code| {
            let packages = whole_number(&st.get_packages())?;
            let loose = whole_number(&st.get_loose())?;
            self.ledger
                .ammo_count(
                    &actor,
                    &code,
                    &lot,
                    &st.get_count_location(),
                    packages,
                    loose,
                )
                .map(|t| msg3(MsgKind::LotTally, t.lot, t.location, number_text(t.counted)))
                .map_err(|e| self.report(app, &e))
        });
        if answer.is_ok() {
            st.set_packages("".into());
            st.set_loose("".into());
        }
        self.ammo_said(app, answer);
    }

    /// The reconciler's view of the quantity lines that differ from the register. Core refuses
    /// it to a counter, which keeps the count blind.
    pub fn ammo_reconcile(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<AmmoState>();
        let answer = self.open_count_code().and_then(|code| {
            let lines = self
                .ledger
                .ammo_count_lines(&actor, &code)
                .map_err(|e| self.report(app, &e))?;
            let differing: Vec<&LotCountLine> = lines.iter().filter(|l| l.differs()).collect();
            // Each lot by what the person knows it by, not core's "number (id)".
            let lots = self.ledger.ammo_lots().unwrap_or_default();
            let shown = |l: &LotCountLine| {
                lots.iter()
                    .find(|v| v.id == l.lot_id)
                    .map_or_else(|| l.lot.clone(), |v| lot_key(v, &lots))
            };
            let open: Vec<String> = differing
                .iter()
                .filter(|l| l.unresolved())
                .map(|l| line_key(l))
                .collect();
            if !open.contains(&st.get_selected_line().to_string()) {
                st.set_selected_line(open.first().cloned().unwrap_or_default().into());
            }
            let rows = differing
                .iter()
                .map(|l| LotCountRow {
                    key: line_key(l).into(),
                    lot: shown(l).into(),
                    location: l.location.clone().into(),
                    expected: number_text(l.expected).into(),
                    counted: number_text(l.counted).into(),
                    differs: l.differs(),
                    reason: l.reason.clone().unwrap_or_default().into(),
                })
                .collect();
            st.set_count_lines(model(rows));
            st.set_reconciling(true);
            let m = msg2(MsgKind::LotDifferences, differing.len(), open.len());
            if open.is_empty() {
                Ok(counted(m, differing.len()))
            } else {
                Err(counted(m, differing.len()))
            }
        });
        self.ammo_said(app, answer);
    }

    /// Settles the selected quantity difference: the reconciler signed in, a second person
    /// co-signs with badge and PIN on the spot, and the reason is recorded.
    pub fn ammo_adjust(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<AmmoState>();
        let key = st.get_selected_line().to_string();
        let (badge, pin) = (st.get_cosigner_badge(), st.get_cosigner_pin());
        st.set_cosigner_pin("".into());
        let Some((lot, place)) = key
            .split_once('@')
            .map(|(l, p)| (l.to_string(), p.to_string()))
        else {
            return self.ammo_said(app, Err(msg(MsgKind::SelectDiscrepancy)));
        };
        let answer = self.open_count_code().and_then(|code| {
            let cosigner = match self.second_person(&badge, &pin) {
                None => return Err(msg(MsgKind::CosignerAuth)),
                Some(Err(e)) => return Err(self.report(app, &e)),
                Some(Ok(c)) => c,
            };
            let reason = st.get_adjust_reason();
            self.ledger
                .ammo_adjust(&actor, &cosigner, &code, &lot, &place, &reason)
                .map_err(|e| self.report(app, &e))?;
            let line = self
                .ledger
                .ammo_count_lines(&actor, &code)
                .ok()
                .and_then(|ls| ls.into_iter().find(|l| line_key(l) == key));
            let (shown, counted) = line
                .map(|l| (l.lot, number_text(l.counted)))
                .unwrap_or((lot.clone(), String::new()));
            Ok(msg3(MsgKind::LotAdjusted, shown, &place, counted))
        });
        if let Ok(m) = answer {
            st.set_adjust_reason("".into());
            st.set_cosigner_badge("".into());
            // The list again, with this line settled; the sentence stays the adjustment's.
            self.ammo_reconcile(app);
            return self.ammo_said(app, Ok(m));
        }
        self.ammo_said(app, answer);
    }

    /// "Clear form" on Receive.
    pub fn ammo_clear(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<AmmoState>();
        clear_receive(&st);
        st.set_message(msg(MsgKind::None));
    }

    /// One scan on the ammunition screen: a location fills the page's place; on Receive a
    /// maker's marking fills the lot number; in a count a package label or marking counts;
    /// anything else selects the lot it names. `wire` is the scan with its symbology
    /// identifier, which tells a GS1 marking from plain text.
    pub(super) fn ammo_scan(&mut self, app: &AppWindow, text: &str, wire: &str) -> Answer {
        let st = app.global::<AmmoState>();
        let page = st.get_page().to_string();
        let answer = if let Some(place) = self.location_named(text) {
            let fill = match page.as_str() {
                "receive" => AmmoState::set_location,
                "count" => AmmoState::set_count_location,
                "issue" if !st.get_from_location().is_empty() => AmmoState::set_to_location,
                "move" if !st.get_from_location().is_empty() => AmmoState::set_to_location,
                _ => AmmoState::set_from_location,
            };
            fill(&st, place.clone().into());
            good(msg1(MsgKind::LocationFilled, place))
        } else if page == "receive" {
            match self.ammo_marking(app, wire) {
                Ok(m) => good(m),
                Err(m) => refused(ScanMark::Refused, m),
            }
        } else if page == "count" && !is_lot_label(text) {
            // A package label or a maker's marking counts; a lot label only selects the lot.
            self.ammo_count_scan(app, wire)
        } else {
            match self.ledger.ammo_lot(text) {
                Ok(lot) => {
                    let all = self.ledger.ammo_lots().unwrap_or_default();
                    let key = lot_key(&lot, &all);
                    st.set_lot(key.clone().into());
                    good(msg1(MsgKind::LotSelected, key))
                }
                Err(e) => refused(ScanMark::Unknown, self.report(app, &e)),
            }
        };
        st.set_message_good(answer.outcome == custody_scan::Outcome::Accepted);
        st.set_message(answer.message.clone());
        self.refresh_ammunition(app);
        answer
    }

    /// A package label or a maker's marking scanned during a count: one package of its lot (or
    /// the marking's count) at the place being counted.
    fn ammo_count_scan(&mut self, app: &AppWindow, text: &str) -> Answer {
        let Some(actor) = self.actor.clone() else {
            return refused(ScanMark::Refused, msg(MsgKind::EnterBadge));
        };
        let place = app.global::<AmmoState>().get_count_location();
        if place.trim().is_empty() {
            return refused(ScanMark::Refused, msg(MsgKind::NeedLocation));
        }
        let code = match self.open_count_code() {
            Ok(c) => c,
            Err(m) => return refused(ScanMark::Refused, m),
        };
        match self.ledger.ammo_count_scan(&actor, &code, text, &place) {
            Ok(t) => good(msg3(
                MsgKind::LotTally,
                t.lot,
                t.location,
                number_text(t.counted),
            )),
            Err(e) => refused(ScanMark::Refused, self.report(app, &e)),
        }
    }
}

/// A store's NEQ against its licence for the home screen: stores that hold explosives or are
/// licensed for them; "near" from nine tenths of the licence.
pub(super) fn store_rows(stores: &[custody_core::limits::StoreView]) -> Vec<crate::StoreRow> {
    let kg = |s: &str| s.parse::<f64>().unwrap_or(0.0);
    stores
        .iter()
        .filter(|s| kg(&s.neq_kg) > 0.0 || s.limits.max_neq_kg.is_some())
        .map(|s| {
            let limit = s.limits.max_neq_kg.clone();
            let state = match (&limit, &s.over_licence_kg) {
                (_, Some(_)) => "over",
                (None, None) => "unlimited",
                (Some(l), None) if kg(&s.neq_kg) >= 0.9 * kg(l) => "near",
                (Some(_), None) => "ok",
            };
            crate::StoreRow {
                location: s.location.clone().into(),
                neq: kg_text(&s.neq_kg).into(),
                limit: limit.as_deref().map(kg_text).unwrap_or_default().into(),
                excess: s
                    .over_licence_kg
                    .as_deref()
                    .map(kg_text)
                    .unwrap_or_default()
                    .into(),
                state: state.into(),
            }
        })
        .collect()
}

fn clear_receive(st: &AmmoState<'_>) {
    for set in [
        AmmoState::set_ammo_type,
        AmmoState::set_description,
        AmmoState::set_calibre,
        AmmoState::set_manufacturer,
        AmmoState::set_lot_number,
        AmmoState::set_year,
        AmmoState::set_hazard,
        AmmoState::set_neq,
        AmmoState::set_per_package,
        AmmoState::set_quantity,
        AmmoState::set_location,
    ] {
        set(st, SharedString::new());
    }
}

/// Everything a signed-out person typed on this screen.
pub(super) fn clear_all(st: &AmmoState<'_>) {
    clear_receive(st);
    for set in [
        AmmoState::set_lot,
        AmmoState::set_amount,
        AmmoState::set_from_location,
        AmmoState::set_to_location,
        AmmoState::set_to_whom,
        AmmoState::set_purpose,
        AmmoState::set_signer,
        AmmoState::set_note,
        AmmoState::set_reference,
        AmmoState::set_count_location,
        AmmoState::set_packages,
        AmmoState::set_loose,
        AmmoState::set_adjust_reason,
        AmmoState::set_cosigner_badge,
        AmmoState::set_cosigner_pin,
        AmmoState::set_selected_line,
    ] {
        set(st, SharedString::new());
    }
    st.set_reconciling(false);
    st.set_message(msg(MsgKind::None));
}
