//! The stocktake, destruction and handover screens. Each answer comes from custody-core: the
//! kiosk keeps only what a person has scanned but not yet handed to core as a list (a re-count,
//! a dispatch list) and what is on screen. Core's typed errors become message codes.

use super::documents::DocumentTarget;
use super::{item_summary, model, Kiosk};
use crate::messages::{display_code, msg, msg1, msg2, msg3};
use crate::output::save_durably;
use crate::{
    AppWindow, DestructionState, DiscrepancyRow, HandoverState, ItemLine, Msg, StocktakeState,
};
use custody_codes::{LabelCode, LabelKind, ScanCommand};
use custody_core::documents::DocumentKind;
use custody_core::stocktake::ScanNote;
use custody_core::{
    Actor, CustodyError, DestructionMethod, DestructionRecord, HandoverDetails, ItemView,
    Resolution,
};
use custody_scan::Outcome;
use slint::ComponentHandle;

/// A count in progress at this kiosk. Tallies (scans, unknown codes, alarms, places counted)
/// come from core, so a count taken up after a restart shows the same figures; the kiosk keeps
/// only where the counter stands and the places they scanned a label of.
#[derive(Debug, Default)]
pub(crate) struct CountRun {
    code: String,
    scope: Vec<String>,
    whole_site: bool,
    here: Option<String>,
    visited: Vec<String>,
}

/// Screen state of the counted, witnessed and signed workflows.
#[derive(Debug, Default)]
pub(crate) struct Flows {
    count: Option<CountRun>,
    batch: Option<String>,
    recount: Vec<String>,
    send_list: Vec<ItemView>,
    outgoing: Option<String>,
    incoming: Option<String>,
    /// The handover signed for here last: its receipt and manifest are still to hand out.
    received: Option<String>,
    /// The count closed here last, whose report may be printed.
    closed_count: Option<String>,
}

/// What one scan on a workflow screen came to: feedback, the scan-strip row, the sentence.
pub struct Answer {
    pub outcome: Outcome,
    pub row: &'static str,
    pub message: Msg,
}

fn good(message: Msg) -> Answer {
    Answer {
        outcome: Outcome::Accepted,
        row: "added",
        message,
    }
}

fn refused(row: &'static str, message: Msg) -> Answer {
    Answer {
        outcome: Outcome::Refused,
        row,
        message,
    }
}

fn count_i32(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn line(item: &ItemView) -> ItemLine {
    ItemLine {
        code: display_code(&item.code).into(),
        summary: item_summary(item).into(),
    }
}

/// A scanned command label ("done", "cancel", "undo last", "next"), if it is one.
pub(super) fn command_of(text: &str) -> Option<ScanCommand> {
    LabelCode::parse(text).ok().and_then(|c| c.command())
}

impl Kiosk {
    fn signed_in(&mut self, app: &AppWindow) -> Option<Actor> {
        let actor = self.actor.clone();
        if actor.is_none() {
            self.logout(app, None);
        }
        actor
    }

    /// Another person signs on the spot with badge and PIN (co-signer, witness).
    fn second_person(&mut self, badge: &str, pin: &str) -> Option<Result<Actor, CustodyError>> {
        if badge.trim().is_empty() || pin.is_empty() {
            return None;
        }
        Some(self.ledger.authenticate(badge.trim(), pin))
    }

    pub(super) fn clear_flows(&mut self) {
        self.flows = Flows::default();
    }

    // ---- stocktake ---------------------------------------------------------------------

    pub fn stocktake_open(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<StocktakeState>();
        let scope = st.get_scope().trim().to_string();
        let locations: Vec<String> = if scope.is_empty() {
            Vec::new()
        } else {
            vec![scope]
        };
        match self.ledger.stocktake_open(&actor, &locations, "") {
            Ok(view) => {
                self.flows.count = Some(CountRun {
                    code: view.code.clone(),
                    here: (view.locations.len() == 1).then(|| view.locations[0].clone()),
                    scope: view.locations,
                    whole_site: view.whole_site,
                    ..Default::default()
                });
                st.set_message_good(true);
                st.set_message(msg1("stocktake-opened", display_code(&view.code)));
                st.set_scope("".into());
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_stocktake(app);
    }

    pub(super) fn refresh_stocktake(&mut self, app: &AppWindow) {
        let st = app.global::<StocktakeState>();
        if self.flows.count.is_none() {
            // Take up a count left open (by this kiosk before a restart, or another one).
            if let Ok(open) = self.ledger.stocktakes() {
                if let Some(v) = open.into_iter().rev().find(|v| v.state == "open") {
                    self.flows.count = Some(CountRun {
                        code: v.code.clone(),
                        here: (v.locations.len() == 1).then(|| v.locations[0].clone()),
                        scope: v.locations,
                        whole_site: v.whole_site,
                        ..Default::default()
                    });
                }
            }
        }
        st.set_closed_code(
            self.flows
                .closed_count
                .as_deref()
                .map(display_code)
                .unwrap_or_default()
                .into(),
        );
        let Some(run) = &self.flows.count else {
            st.set_code("".into());
            st.set_reconciling(false);
            return;
        };
        let progress = match self.ledger.stocktake_progress(&run.code) {
            Ok(p) => p,
            Err(e) => {
                self.report(app, &e);
                return;
            }
        };
        let places_total = if run.whole_site {
            self.ledger.locations().map(|l| l.len()).unwrap_or(0)
        } else {
            run.scope.len()
        };
        let mut places: Vec<&String> = run.visited.iter().collect();
        places.extend(&progress.places_counted);
        places.extend(run.here.iter().filter(|_| run.scope.len() == 1));
        places.sort_unstable();
        places.dedup();
        let places_done = places
            .iter()
            .filter(|p| run.whole_site || run.scope.iter().any(|s| s == **p))
            .count();
        st.set_code(display_code(&run.code).into());
        st.set_scope_text(run.scope.join(", ").into());
        st.set_here(run.here.clone().unwrap_or_default().into());
        st.set_unexpected(count_i32(progress.unknown));
        st.set_alarms(count_i32(progress.alarms));
        st.set_places_total(places_total as i32);
        st.set_places_done(places_done.min(places_total) as i32);
        st.set_scans(count_i32(progress.scans));
        st.set_distinct(count_i32(progress.distinct_codes));
    }

    /// One scan during a count: a location label says where the counter stands, anything
    /// else is counted by core, which answers with tallies only.
    pub(super) fn stocktake_scan_text(&mut self, app: &AppWindow, text: &str) -> Answer {
        let Some(actor) = self.actor.clone() else {
            return refused("refused", msg("enter-badge"));
        };
        let st = app.global::<StocktakeState>();
        let Some(code) = self.flows.count.as_ref().map(|r| r.code.clone()) else {
            return refused("refused", msg("no-open-count"));
        };
        if let Some(place) = self.location_named(text) {
            if let Some(run) = &mut self.flows.count {
                run.here = Some(place.clone());
                if !run.visited.contains(&place) {
                    run.visited.push(place.clone());
                }
            }
            self.refresh_stocktake(app);
            let m = msg1("counting-at", &place);
            st.set_message_good(true);
            st.set_message(m.clone());
            return good(m);
        }
        let here = self.flows.count.as_ref().and_then(|r| r.here.clone());
        let answer = match self
            .ledger
            .stocktake_scan(&actor, &code, text, here.as_deref())
        {
            Ok(t) => match t.last {
                ScanNote::Counted => good(msg1("counted", t.scans)),
                ScanNote::CountedAgain => good(msg1("counted-again", t.scans)),
                ScanNote::Unknown => refused("unknown", msg1("count-unknown", display_code(text))),
                ScanNote::Alarm => {
                    let (code, status) = match self.ledger.find_item(text) {
                        Ok(i) => (i.code, i.status.as_str().to_string()),
                        Err(_) => (text.to_string(), String::new()),
                    };
                    self.session_alarms.push((code.clone(), status.clone()));
                    refused("alarm", msg2("alarm", display_code(&code), status))
                }
            },
            Err(e) => refused("error", self.report(app, &e)),
        };
        st.set_message_good(answer.outcome == Outcome::Accepted);
        st.set_message(answer.message.clone());
        self.refresh_stocktake(app);
        answer
    }

    /// The inspector's view: found, missing, misplaced, unknown, duplicates. Core refuses it
    /// to anyone without the inspector or administrator role, which keeps the count blind.
    pub fn stocktake_reconcile(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<StocktakeState>();
        let Some(code) = self.flows.count.as_ref().map(|r| r.code.clone()) else {
            st.set_message_good(false);
            st.set_message(msg("no-open-count"));
            return;
        };
        use custody_core::stocktake::DiscrepancyKind as K;
        match self.ledger.stocktake_reconcile(&actor, &code) {
            Ok(r) => {
                st.set_reconciling(true);
                st.set_expected(r.expected as i32);
                st.set_found(r.found as i32);
                st.set_missing(r.count(K::Missing) as i32);
                st.set_misplaced(r.count(K::Misplaced) as i32);
                st.set_unknown(r.count(K::Unknown) as i32);
                st.set_duplicates(r.count(K::Duplicate) as i32);
                st.set_unresolved(r.unresolved() as i32);
                let selected = st.get_selected().to_string();
                let open_keys: Vec<&str> = r
                    .discrepancies
                    .iter()
                    .filter(|d| d.resolution.is_none())
                    .map(|d| d.key.as_str())
                    .collect();
                if !open_keys.contains(&selected.as_str()) {
                    st.set_selected(open_keys.first().copied().unwrap_or_default().into());
                }
                let rows = r
                    .discrepancies
                    .iter()
                    .map(|d| DiscrepancyRow {
                        key: d.key.clone().into(),
                        kind: d.kind.as_str().into(),
                        code: display_code(&d.code).into(),
                        detail: d.detail.clone().into(),
                        resolution: d.resolution.clone().unwrap_or_default().into(),
                    })
                    .collect();
                st.set_discrepancies(model(rows));
                st.set_message_good(r.unresolved() == 0);
                st.set_message(msg2("reconciled", r.discrepancies.len(), r.unresolved()));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }

    pub fn stocktake_resolve(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<StocktakeState>();
        let Some(code) = self.flows.count.as_ref().map(|r| r.code.clone()) else {
            return;
        };
        let key = st.get_selected().to_string();
        if key.is_empty() {
            st.set_message_good(false);
            st.set_message(msg("select-discrepancy"));
            return;
        }
        let resolution: Resolution = match st.get_resolution().parse() {
            Ok(r) => r,
            Err(_) => Resolution::FoundLater,
        };
        let here = self.flows.count.as_ref().and_then(|r| r.here.clone());
        let to = (resolution == Resolution::Moved).then_some(here).flatten();
        match self.ledger.stocktake_resolve(
            &actor,
            &code,
            &key,
            resolution,
            &st.get_reference(),
            "",
            to.as_deref(),
        ) {
            Ok(_) => {
                st.set_reference("".into());
                self.stocktake_reconcile(app);
                st.set_message_good(true);
                st.set_message(msg1("resolved", &key));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }

    /// Closes the count: the signed-in person and a second person who signs on the spot.
    pub fn stocktake_close(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<StocktakeState>();
        let fail = |m: Msg| {
            st.set_message_good(false);
            st.set_message(m);
        };
        let Some(code) = self.flows.count.as_ref().map(|r| r.code.clone()) else {
            return fail(msg("no-open-count"));
        };
        let (badge, pin) = (st.get_cosigner_badge(), st.get_cosigner_pin());
        st.set_cosigner_pin("".into());
        let cosigner = match self.second_person(&badge, &pin) {
            None => return fail(msg("cosigner-auth")),
            Some(Err(e)) => return fail(self.report(app, &e)),
            Some(Ok(c)) => c,
        };
        match self.ledger.stocktake_close(&actor, &cosigner, &code) {
            Ok((summary, checkpoint)) => {
                let _ = checkpoint;
                self.flows.count = None;
                self.flows.closed_count = Some(code.clone());
                st.set_cosigner_badge("".into());
                st.set_reconciling(false);
                st.set_discrepancies(model(Vec::new()));
                st.set_message_good(true);
                st.set_message(msg3(
                    "stocktake-closed",
                    display_code(&code),
                    summary.found,
                    summary.resolved,
                ));
                self.refresh_stocktake(app);
            }
            Err(CustodyError::SamePerson(_)) => fail(msg("cosigner-distinct")),
            Err(CustodyError::UnresolvedDiscrepancies { count, .. }) => {
                fail(msg1("unresolved", count))
            }
            Err(e) => fail(self.report(app, &e)),
        }
    }

    // ---- destruction -------------------------------------------------------------------

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
                self.flows.batch = Some(b.code.clone());
                self.flows.recount.clear();
                st.set_authority("".into());
                st.set_decision("".into());
                st.set_message_good(true);
                st.set_message(msg1("batch-created", display_code(&b.code)));
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
        let Some(code) = self.flows.batch.clone() else {
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
            .filter(|c| self.flows.recount.contains(c))
            .count();
        let missing: Vec<slint::SharedString> = b
            .codes
            .iter()
            .filter(|c| !self.flows.recount.contains(c))
            .map(|c| display_code(c).into())
            .collect();
        let extra: Vec<slint::SharedString> = self
            .flows
            .recount
            .iter()
            .filter(|c| !b.codes.contains(c))
            .map(|c| display_code(c).into())
            .collect();
        st.set_counted(counted as i32);
        st.set_missing(model(missing));
        st.set_extra(model(extra));
    }

    /// A scan or typed code on the destruction screen: added to an open batch, or counted in
    /// the re-count of a frozen one. A batch label takes that batch up.
    pub fn destruction_add(&mut self, app: &AppWindow, text: &str) -> Answer {
        self.touch();
        let Some(actor) = self.actor.clone() else {
            return refused("refused", msg("enter-badge"));
        };
        let st = app.global::<DestructionState>();
        let text = text.trim().to_string();
        if text.is_empty() {
            return refused("refused", msg(""));
        }
        if LabelCode::parse(&text).is_ok_and(|c| c.kind() == LabelKind::Batch) {
            return match self.ledger.destruction_batch(&text) {
                Ok(b) => {
                    self.flows.batch = Some(b.code.clone());
                    self.flows.recount.clear();
                    self.refresh_destruction(app);
                    good(msg1("scan-found", display_code(&b.code)))
                }
                Err(e) => refused("unknown", self.report(app, &e)),
            };
        }
        let stage = self
            .flows
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
                        good(msg1("batch-added", shown))
                    }
                    Err(e) => refused("refused", self.report(app, &e)),
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
                if !self.flows.recount.contains(&key) {
                    self.flows.recount.push(key.clone());
                }
                if on_list {
                    good(msg1("recount-scan", display_code(&key)))
                } else {
                    refused("refused", msg1("recount-extra", display_code(&key)))
                }
            }
            _ => refused("refused", msg1("not-in-stage", display_code(&text))),
        };
        st.set_message_good(answer.outcome == Outcome::Accepted);
        st.set_message(answer.message.clone());
        self.refresh_destruction(app);
        answer
    }

    pub fn destruction_freeze(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let Some(code) = self.flows.batch.clone() else {
            return;
        };
        match self.ledger.destruction_freeze(&actor, &code) {
            Ok(b) => {
                self.flows.recount.clear();
                st.set_message_good(true);
                st.set_message(msg1("batch-frozen", b.items));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_destruction(app);
    }

    pub fn destruction_confirm_recount(&mut self, app: &AppWindow) -> Outcome {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return Outcome::Refused;
        };
        let st = app.global::<DestructionState>();
        let Some(code) = self.flows.batch.clone() else {
            return Outcome::Refused;
        };
        let outcome = match self
            .ledger
            .destruction_recount(&actor, &code, &self.flows.recount)
        {
            Ok(_) => {
                let n = self.flows.recount.len();
                self.flows.recount.clear();
                st.set_message_good(true);
                st.set_message(msg1("recounted", n));
                Outcome::Accepted
            }
            Err(CustodyError::RecountMismatch { missing, extra, .. }) => {
                st.set_message_good(false);
                st.set_message(msg2("recount-mismatch", missing.len(), extra.len()));
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
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let Some(code) = self.flows.batch.clone() else {
            return;
        };
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
                st.set_message(msg("destruction-recorded"));
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
        self.touch();
        let Some(operator) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<DestructionState>();
        let fail = |m: Msg| {
            st.set_message_good(false);
            st.set_message(m);
        };
        let Some(code) = self.flows.batch.clone() else {
            return;
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
                None => return fail(msg("witness-auth")),
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
                st.set_message(msg3("executed", display_code(&code), n, checkpoint));
            }
            Err(CustodyError::SamePerson(_)) => fail(msg("witness-distinct")),
            Err(e) => fail(self.report(app, &e)),
        }
        self.refresh_destruction(app);
    }

    pub fn destruction_new(&mut self, app: &AppWindow) {
        self.touch();
        self.flows.batch = None;
        self.flows.recount.clear();
        app.global::<DestructionState>().set_message(msg(""));
        self.refresh_destruction(app);
    }

    // ---- handover ----------------------------------------------------------------------

    pub(super) fn refresh_handover(&self, app: &AppWindow) {
        let st = app.global::<HandoverState>();
        st.set_items(model(self.flows.send_list.iter().map(line).collect()));
        st.set_out_code(
            self.flows
                .outgoing
                .as_deref()
                .map(display_code)
                .unwrap_or_default()
                .into(),
        );
        match self
            .flows
            .incoming
            .as_ref()
            .and_then(|c| self.ledger.handover(c).ok())
        {
            Some(h) => {
                st.set_in_code(display_code(&h.code).into());
                st.set_in_heading(
                    format!(
                        "{} → {} · {} · {}",
                        h.details.sender,
                        h.details.receiver,
                        h.details.legal_basis,
                        h.details.seals.join(", ")
                    )
                    .into(),
                );
                st.set_expected(h.items as i32);
            }
            None => {
                st.set_in_code("".into());
                st.set_in_heading("".into());
            }
        }
        st.set_done_code(
            self.flows
                .received
                .as_deref()
                .map(display_code)
                .unwrap_or_default()
                .into(),
        );
    }

    /// Adds an item to the dispatch list; core checks it again when the list is dispatched.
    pub fn handover_add(&mut self, app: &AppWindow, text: &str) -> Answer {
        self.touch();
        let st = app.global::<HandoverState>();
        let answer = match self.ledger.find_item(text.trim()) {
            Ok(item) if item.status.is_terminal() => refused(
                "alarm",
                msg2("alarm", display_code(&item.code), item.status.as_str()),
            ),
            Ok(item) => {
                let m = msg1("listed", display_code(&item.code));
                if !self.flows.send_list.iter().any(|i| i.id == item.id) {
                    self.flows.send_list.push(item);
                }
                st.set_entry("".into());
                good(m)
            }
            Err(e) => refused("unknown", self.report(app, &e)),
        };
        st.set_message_good(answer.outcome == Outcome::Accepted);
        st.set_message(answer.message.clone());
        self.refresh_handover(app);
        answer
    }

    pub fn handover_clear(&mut self, app: &AppWindow) {
        self.touch();
        self.flows.send_list.clear();
        let st = app.global::<HandoverState>();
        st.set_message_good(true);
        st.set_message(msg("list-cleared"));
        self.refresh_handover(app);
    }

    pub fn handover_dispatch(&mut self, app: &AppWindow) -> Outcome {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return Outcome::Refused;
        };
        let st = app.global::<HandoverState>();
        if self.flows.send_list.is_empty() {
            st.set_message_good(false);
            st.set_message(msg("need-items"));
            return Outcome::Refused;
        }
        let list = |s: &str| -> Vec<String> {
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        };
        let details = HandoverDetails {
            sender: st.get_sender().to_string(),
            receiver: st.get_receiver().to_string(),
            legal_basis: st.get_legal_basis().to_string(),
            transport: st.get_transport().to_string(),
            containers: Vec::new(),
            seals: list(&st.get_seals()),
            note: String::new(),
        };
        let codes: Vec<String> = self
            .flows
            .send_list
            .iter()
            .map(|i| i.code.clone())
            .collect();
        let outcome = match self.ledger.handover_dispatch(&actor, &details, &codes) {
            Ok(h) => {
                self.flows.outgoing = Some(h.code.clone());
                self.flows.send_list.clear();
                st.set_message_good(true);
                st.set_message(msg2("dispatched", display_code(&h.code), h.items));
                Outcome::Accepted
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                Outcome::Refused
            }
        };
        self.refresh_handover(app);
        outcome
    }

    /// Writes a signed file from core (a bundle, a receipt) into the handover screen's folder
    /// as `<manifest code>.<extension>`, through a temporary file renamed into place, so a
    /// pulled stick never holds half a file. `code` is the handover it is about, if any.
    fn write_handover_file(
        &mut self,
        app: &AppWindow,
        code: Option<String>,
        missing: &str,
        extension: &str,
        signed: impl FnOnce(&mut custody_core::Ledger, &Actor, &str) -> custody_core::Result<Vec<u8>>,
    ) -> Result<std::path::PathBuf, Msg> {
        self.touch();
        let actor = self.signed_in(app).ok_or_else(|| msg("enter-badge"))?;
        let code = code.ok_or_else(|| msg(missing))?;
        let folder = app
            .global::<HandoverState>()
            .get_folder()
            .trim()
            .to_string();
        if folder.is_empty() {
            return Err(msg("need-folder"));
        }
        let bytes = signed(&mut self.ledger, &actor, &code).map_err(|e| self.report(app, &e))?;
        let name = format!("{}.{extension}", display_code(&code));
        save_durably(std::path::Path::new(&folder), &name, &bytes)
            .map_err(|e| msg2("export-failed", &folder, e))
    }

    /// Reads the file named in one of the handover screen's fields (a bundle, a receipt).
    fn read_handover_file(path: &str, missing: &str) -> Result<Vec<u8>, Msg> {
        let path = path.trim();
        if path.is_empty() {
            return Err(msg(missing));
        }
        custody_core::files::read_limited(
            std::path::Path::new(path),
            custody_core::bundle::MAX_BUNDLE_BYTES as u64,
        )
        .map_err(|e| msg2("read-failed", path, e))
    }

    /// The site a bundle is addressed to: the one typed, or the only trusted site.
    fn export_recipient(&self, app: &AppWindow) -> Result<String, Msg> {
        let typed = app
            .global::<HandoverState>()
            .get_recipient()
            .trim()
            .to_string();
        if !typed.is_empty() {
            return Ok(typed);
        }
        let trusted = self
            .ledger
            .trusted_keys()
            .map_err(|e| self.report(app, &e))?;
        match trusted.as_slice() {
            [only] => Ok(only.key_id.clone()),
            [] => Err(msg("trust-needed")),
            _ => Err(msg("name-recipient")),
        }
    }

    /// Sending side: the signed bundle onto the stick that travels with the items.
    pub fn handover_export(&mut self, app: &AppWindow) -> Option<std::path::PathBuf> {
        let code = self.flows.outgoing.clone();
        // A handover must be dispatched before it matters where its bundle goes.
        let recipient = match code {
            Some(_) => self.export_recipient(app),
            None => Ok(String::new()),
        };
        let written = recipient.and_then(|recipient| {
            self.write_handover_file(app, code, "nothing-dispatched", "custody", |l, a, c| {
                l.handover_export(a, c, &recipient)
            })
        });
        let path = written.as_ref().ok().cloned();
        say!(
            app.global::<HandoverState>(),
            written.map(|p| msg1("exported", p.display())),
        );
        path
    }

    pub fn handover_import(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<HandoverState>();
        let answer =
            Self::read_handover_file(&st.get_bundle_path(), "need-bundle-file").and_then(|bytes| {
                let h = self
                    .ledger
                    .handover_import(&actor, &bytes)
                    .map_err(|e| self.report(app, &e))?;
                self.flows.incoming = Some(h.code.clone());
                st.set_counted(0);
                Ok(msg2("imported", display_code(&h.code), h.items))
            });
        say!(st, answer);
        self.refresh_handover(app);
    }

    /// One item scanned on arrival: core logs it (on the list or extra) and answers the tally.
    pub fn handover_receive(&mut self, app: &AppWindow, text: &str) -> Answer {
        self.touch();
        let Some(actor) = self.actor.clone() else {
            return refused("refused", msg("enter-badge"));
        };
        let st = app.global::<HandoverState>();
        let Some(code) = self.flows.incoming.clone() else {
            return refused("refused", msg("nothing-imported"));
        };
        let text = text.trim().to_string();
        let answer = match self
            .ledger
            .handover_receive(&actor, &code, std::slice::from_ref(&text))
        {
            Ok(t) => {
                st.set_counted(t.counted as i32);
                st.set_expected(t.expected as i32);
                st.set_entry("".into());
                if t.on_list {
                    good(msg1("arrived", display_code(&text)))
                } else {
                    refused("refused", msg1("arrived-extra", display_code(&text)))
                }
            }
            Err(e) => refused("error", self.report(app, &e)),
        };
        st.set_message_good(answer.outcome == Outcome::Accepted);
        st.set_message(answer.message.clone());
        answer
    }

    pub fn handover_accept(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<HandoverState>();
        let Some(code) = self.flows.incoming.clone() else {
            st.set_message_good(false);
            st.set_message(msg("nothing-imported"));
            return;
        };
        let location = st.get_location().trim().to_string();
        let location = (!location.is_empty()).then_some(location);
        // A witness at the sign-for is optional; when named, they sign with their own PIN.
        let (badge, pin) = (st.get_witness_badge(), st.get_witness_pin());
        st.set_witness_pin("".into());
        let witness = match self.second_person(&badge, &pin) {
            None if !badge.trim().is_empty() => {
                st.set_message_good(false);
                st.set_message(msg("witness-auth"));
                return;
            }
            None => None,
            Some(Err(e)) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
                return;
            }
            Some(Ok(w)) => Some(w),
        };
        match self
            .ledger
            .handover_accept(&actor, witness.as_ref(), &code, location.as_deref())
        {
            Ok(a) => {
                self.flows.incoming = None;
                self.flows.received = Some(code.clone());
                st.set_location("".into());
                st.set_witness_badge("".into());
                st.set_message_good(a.missing.is_empty() && a.extra.is_empty());
                st.set_message(msg3(
                    "accepted",
                    a.received.len(),
                    a.missing.len(),
                    a.extra.len(),
                ));
            }
            Err(CustodyError::SamePerson(_)) => {
                st.set_message_good(false);
                st.set_message(msg("witness-distinct"));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_handover(app);
    }

    /// Receiving side: the signed receipt, written to the folder (the USB stick going back).
    pub fn handover_write_receipt(&mut self, app: &AppWindow) -> Option<std::path::PathBuf> {
        let code = self.flows.received.clone();
        let written =
            self.write_handover_file(app, code, "nothing-imported", "receipt", |l, a, c| {
                l.handover_receipt(a, c)
            });
        let path = written.as_ref().ok().cloned();
        say!(
            app.global::<HandoverState>(),
            written.map(|p| msg1("receipt-written", p.display())),
        );
        path
    }

    /// Sending side: the receiver's signed receipt closes the handover here.
    pub fn handover_import_receipt(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.signed_in(app) else {
            return;
        };
        let st = app.global::<HandoverState>();
        let answer = Self::read_handover_file(&st.get_receipt_path(), "need-receipt-file")
            .and_then(|bytes| {
                let h = self
                    .ledger
                    .handover_import_receipt(&actor, &bytes)
                    .map_err(|e| self.report(app, &e))?;
                let received = h
                    .counts
                    .iter()
                    .find(|(state, _)| state == "received")
                    .map_or(0, |(_, n)| *n);
                st.set_receipt_path("".into());
                Ok(msg2("receipt-imported", display_code(&h.code), received))
            });
        say!(st, answer);
    }

    /// Seals and prints a document about what this screen just finished (into this PC's
    /// documents folder); `None` when there is nothing yet.
    fn print_finished(
        &mut self,
        app: &AppWindow,
        kind: DocumentKind,
        code: Option<String>,
    ) -> Result<Msg, Msg> {
        self.touch();
        let code = code.ok_or_else(|| msg("nothing-dispatched"))?;
        let target = DocumentTarget::Sealed(kind, code);
        self.issue_document(app, &target, std::path::Path::new(""), false, true)
    }

    /// The manifest of the handover on screen (sent or just received), sealed and printed.
    pub fn handover_print_manifest(&mut self, app: &AppWindow) {
        let code = match app.global::<HandoverState>().get_mode().as_str() {
            "send" => self.flows.outgoing.clone(),
            _ => self.flows.received.clone(),
        };
        let answer = self.print_finished(app, DocumentKind::HandoverManifest, code);
        say!(app.global::<HandoverState>(), answer);
    }

    pub fn destruction_print_certificate(&mut self, app: &AppWindow) {
        let code = self.flows.batch.clone();
        let answer = self.print_finished(app, DocumentKind::DestructionCertificate, code);
        say!(app.global::<DestructionState>(), answer);
    }

    pub fn stocktake_print_report(&mut self, app: &AppWindow) {
        let code = self.flows.closed_count.clone();
        let answer = self.print_finished(app, DocumentKind::StocktakeReport, code);
        say!(app.global::<StocktakeState>(), answer);
    }

    pub(super) fn workflow_scan(&mut self, app: &AppWindow, screen: &str, text: &str) -> Answer {
        if let Some(cmd) = command_of(text) {
            return self.workflow_command(app, screen, cmd);
        }
        match screen {
            "stocktake" => self.stocktake_scan_text(app, text),
            "destruction" => self.destruction_add(app, text),
            "handover" if app.global::<HandoverState>().get_mode() == "receive" => {
                self.handover_receive(app, text)
            }
            _ => {
                if self.location_named(text).is_some() {
                    return good(msg1("scan-found", text));
                }
                self.handover_add(app, text)
            }
        }
    }

    fn workflow_command(&mut self, app: &AppWindow, screen: &str, cmd: ScanCommand) -> Answer {
        let dest = app.global::<DestructionState>();
        let hand = app.global::<HandoverState>();
        match (screen, cmd) {
            ("destruction", ScanCommand::Done) => {
                let o = self.destruction_confirm_recount(app);
                Answer {
                    outcome: o,
                    row: if o == Outcome::Accepted {
                        "added"
                    } else {
                        "refused"
                    },
                    message: dest.get_message(),
                }
            }
            ("destruction", ScanCommand::UndoLast) if self.flows.recount.pop().is_some() => {
                self.refresh_destruction(app);
                dest.set_message(msg("recount-undone"));
                good(msg("recount-undone"))
            }
            ("destruction", ScanCommand::Cancel) => {
                self.flows.recount.clear();
                self.refresh_destruction(app);
                dest.set_message(msg("recount-cleared"));
                good(msg("recount-cleared"))
            }
            ("handover", ScanCommand::Done) if hand.get_mode() == "send" => {
                let o = self.handover_dispatch(app);
                Answer {
                    outcome: o,
                    row: if o == Outcome::Accepted {
                        "added"
                    } else {
                        "refused"
                    },
                    message: hand.get_message(),
                }
            }
            ("handover", ScanCommand::UndoLast) if self.flows.send_list.pop().is_some() => {
                self.refresh_handover(app);
                hand.set_message(msg("list-undone"));
                good(msg("list-undone"))
            }
            ("handover", ScanCommand::Cancel) => {
                self.handover_clear(app);
                good(msg("list-cleared"))
            }
            _ => refused("refused", msg1("scan-unknown", cmd.name())),
        }
    }

    /// The location a scanned text names (label code or name), if any.
    pub(super) fn location_named(&self, text: &str) -> Option<String> {
        self.ledger
            .find_location(text)
            .ok()
            .flatten()
            .map(|l| l.name)
    }
}
