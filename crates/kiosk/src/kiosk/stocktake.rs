//! The stocktake screen (ui/stocktake.slint): a blind count, its reconciliation by an inspector,
//! resolutions, the co-signed close and its report.

use super::workflows::*;
use super::{model, Kiosk};
use crate::messages::{counted, display_code, msg, msg1, msg2, msg3};
use crate::MsgKind;
use crate::{AppWindow, DiscrepancyRow, Msg, ScanMark, StocktakeState};
use custody_core::documents::DocumentKind;
use custody_core::stocktake::ScanNote;
use custody_core::{CustodyError, Resolution};
use custody_scan::Outcome;
use slint::ComponentHandle;

/// A count in progress at this kiosk. Tallies (scans, unknown codes, alarms, places counted)
/// come from core, so a count taken up after a restart shows the same figures; the kiosk keeps
/// only where the counter stands and the places they scanned a label of.
#[derive(Debug, Default)]
pub(crate) struct CountRun {
    pub(super) code: String,
    pub(super) scope: Vec<String>,
    pub(super) whole_site: bool,
    pub(super) here: Option<String>,
    pub(super) visited: Vec<String>,
}

impl CountRun {
    /// A count as core shows it, taken up here; with one place, the counter stands there.
    fn of(view: &custody_core::stocktake::StocktakeView) -> CountRun {
        CountRun {
            code: view.code.clone(),
            here: (view.locations.len() == 1).then(|| view.locations[0].clone()),
            scope: view.locations.clone(),
            whole_site: view.whole_site,
            ..Default::default()
        }
    }
}

/// This screen's own state: the count in progress here, and the one closed here last.
#[derive(Debug, Default)]
pub(crate) struct StocktakeScreen {
    pub(super) count: Option<CountRun>,
    /// The count closed here last, whose report may be printed.
    pub(super) closed_count: Option<String>,
}

impl Kiosk {
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
                self.stocktake.count = Some(CountRun::of(&view));
                st.set_message_good(true);
                st.set_message(msg1(MsgKind::StocktakeOpened, display_code(&view.code)));
                st.set_scope("".into());
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
        self.refresh_stocktake(app);
    }

    /// Takes up a count left open (by this kiosk before a restart, or another one), if this
    /// kiosk has none in progress.
    pub(super) fn take_up_open_count(&mut self) {
        if self.stocktake.count.is_some() {
            return;
        }
        if let Ok(open) = self.ledger.stocktakes() {
            if let Some(v) = open.into_iter().rev().find(|v| v.state == "open") {
                self.stocktake.count = Some(CountRun::of(&v));
            }
        }
    }

    pub(super) fn refresh_stocktake(&mut self, app: &AppWindow) {
        let st = app.global::<StocktakeState>();
        self.take_up_open_count();
        st.set_closed_code(
            self.stocktake
                .closed_count
                .as_deref()
                .map(display_code)
                .unwrap_or_default()
                .into(),
        );
        let Some(run) = &self.stocktake.count else {
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
            return refused(ScanMark::Refused, msg(MsgKind::EnterBadge));
        };
        let st = app.global::<StocktakeState>();
        let Some(code) = self.stocktake.count.as_ref().map(|r| r.code.clone()) else {
            return refused(ScanMark::Refused, msg(MsgKind::NoOpenCount));
        };
        if let Some(place) = self.location_named(text) {
            if let Some(run) = &mut self.stocktake.count {
                run.here = Some(place.clone());
                if !run.visited.contains(&place) {
                    run.visited.push(place.clone());
                }
            }
            self.refresh_stocktake(app);
            let m = msg1(MsgKind::CountingAt, &place);
            st.set_message_good(true);
            st.set_message(m.clone());
            return good(m);
        }
        let here = self.stocktake.count.as_ref().and_then(|r| r.here.clone());
        let answer = match self
            .ledger
            .stocktake_scan(&actor, &code, text, here.as_deref())
        {
            Ok(t) => match t.last {
                ScanNote::Counted => good(counted(msg1(MsgKind::Counted, t.scans), t.scans)),
                ScanNote::CountedAgain => {
                    good(counted(msg1(MsgKind::CountedAgain, t.scans), t.scans))
                }
                ScanNote::Unknown => refused(
                    ScanMark::Unknown,
                    msg1(MsgKind::CountUnknown, display_code(text)),
                ),
                ScanNote::Alarm => {
                    let (code, status) = match self.ledger.find_item(text) {
                        Ok(i) => (i.code, i.status.as_str().to_string()),
                        Err(_) => (text.to_string(), String::new()),
                    };
                    self.session_alarms.push((code.clone(), status.clone()));
                    refused(
                        ScanMark::Alarm,
                        msg2(MsgKind::Alarm, display_code(&code), status),
                    )
                }
            },
            Err(e) => refused(ScanMark::Error, self.report(app, &e)),
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
        let Some(code) = self.stocktake.count.as_ref().map(|r| r.code.clone()) else {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::NoOpenCount));
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
                st.set_message(counted(
                    msg2(MsgKind::Reconciled, r.discrepancies.len(), r.unresolved()),
                    r.discrepancies.len(),
                ));
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
        let Some(code) = self.stocktake.count.as_ref().map(|r| r.code.clone()) else {
            return;
        };
        let key = st.get_selected().to_string();
        if key.is_empty() {
            st.set_message_good(false);
            st.set_message(msg(MsgKind::SelectDiscrepancy));
            return;
        }
        let resolution: Resolution = match st.get_resolution().parse() {
            Ok(r) => r,
            Err(_) => Resolution::FoundLater,
        };
        let here = self.stocktake.count.as_ref().and_then(|r| r.here.clone());
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
                st.set_message(msg1(MsgKind::Resolved, &key));
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
        let Some(code) = self.stocktake.count.as_ref().map(|r| r.code.clone()) else {
            return fail(msg(MsgKind::NoOpenCount));
        };
        let (badge, pin) = (st.get_cosigner_badge(), st.get_cosigner_pin());
        st.set_cosigner_pin("".into());
        let cosigner = match self.second_person(&badge, &pin) {
            None => return fail(msg(MsgKind::CosignerAuth)),
            Some(Err(e)) => return fail(self.report(app, &e)),
            Some(Ok(c)) => c,
        };
        match self.ledger.stocktake_close(&actor, &cosigner, &code) {
            Ok((summary, checkpoint)) => {
                let _ = checkpoint;
                self.stocktake.count = None;
                self.stocktake.closed_count = Some(code.clone());
                st.set_cosigner_badge("".into());
                st.set_reconciling(false);
                st.set_discrepancies(model(Vec::new()));
                st.set_message_good(true);
                st.set_message(counted(
                    msg3(
                        MsgKind::StocktakeClosed,
                        display_code(&code),
                        summary.found,
                        summary.resolved,
                    ),
                    summary.resolved,
                ));
                self.refresh_stocktake(app);
            }
            Err(CustodyError::SamePerson(_)) => fail(msg(MsgKind::CosignerDistinct)),
            Err(CustodyError::UnresolvedDiscrepancies { count, .. }) => {
                fail(counted(msg1(MsgKind::Unresolved, count), count))
            }
            Err(e) => fail(self.report(app, &e)),
        }
    }

    pub fn stocktake_print_report(&mut self, app: &AppWindow) {
        let code = self.stocktake.closed_count.clone();
        let answer = self.print_finished(app, DocumentKind::StocktakeReport, code);
        say!(app.global::<StocktakeState>(), answer);
    }
}
