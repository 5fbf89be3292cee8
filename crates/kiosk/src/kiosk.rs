//! The kiosk's view model: holds the open ledger and who is signed in, answers the screens'
//! callbacks by calling custody-core, and routes every scan (serial or keyboard wedge) through
//! a core commit before any feedback. No SQL and no workflow rule lives here.

use crate::messages::{
    date_text, display_code, msg, msg1, msg2, msg3, number_text, printable, problem, time_text,
};
use crate::scanner::{DemoScanner, LinkState, ScannerLink};
use crate::{
    AlertRow, AppWindow, CheckoutState, DemoPerson, DemoState, DestructionState, DocumentsState,
    HandoverState, HistoryRow, HomeState, IntakeState, ItemLine, LoginState, MoveState, Msg,
    PrintingState, ScanRow, ScanState, ScannerRow, SearchState, SettingsState, StatusCount,
    StocktakeState, TrustedSite,
};
use custody_codes::{LabelCode, LabelKind};
use custody_core::scans::{ScanInput, ScanOutcome};
use custody_core::{Actor, CustodyError, EvidenceRecord, ItemView, Ledger, WeaponRecord};
use custody_scan::session::ScanEvent;
use custody_scan::wedge::{BurstDetector, BurstThresholds, Key, WedgeEvent};
use custody_scan::Outcome;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Shows an answer on a screen's message box: green for `Ok`, red for `Err`. Every screen's
/// global has the same two properties, but Slint gives them no common trait.
macro_rules! say {
    ($state:expr, $answer:expr $(,)?) => {{
        let answer: Result<$crate::Msg, $crate::Msg> = $answer;
        $state.set_message_good(answer.is_ok());
        $state.set_message(answer.unwrap_or_else(|m| m));
    }};
}

pub mod documents;
pub mod workflows;

const RECENT_SCANS: usize = 20;
const FLASH: Duration = Duration::from_millis(700);

/// How the kiosk was started.
#[derive(Debug, Clone)]
pub struct KioskOptions {
    pub idle_logout: Duration,
    pub fullscreen: bool,
    /// People listed on the login screen (demo mode only).
    pub demo_people: Vec<crate::demo::DemoPersonInfo>,
}

impl Default for KioskOptions {
    fn default() -> Self {
        KioskOptions {
            idle_logout: Duration::from_secs(5 * 60),
            fullscreen: false,
            demo_people: Vec::new(),
        }
    }
}

/// Where a scan came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanSource {
    Serial,
    Wedge,
    Typed,
}

/// The view model behind every screen.
pub struct Kiosk {
    ledger: Ledger,
    actor: Option<Actor>,
    options: KioskOptions,
    recent: VecDeque<ScanRow>,
    move_items: Vec<ItemView>,
    session_alarms: Vec<(String, String)>,
    last_activity: Instant,
    flash_until: Option<Instant>,
    wedge: BurstDetector,
    wedge_seen: String,
    pub scanners: Vec<ScannerLink>,
    pub demo: Option<DemoScanner>,
    pub demo_codes: (Vec<String>, Vec<String>),
    /// Codes of destroyed items at the demo site, for the demo panel's alarm button.
    pub demo_destroyed: Vec<String>,
    flows: workflows::Flows,
    /// The item registered last here (code, label text), for "Print label".
    last_registered: Option<(String, String)>,
    /// This PC's language, folders and printers, kept beside the ledger.
    pub settings: crate::local_settings::LocalSettings,
    /// The PC's own good/bad tone after each committed scan.
    pub sound: crate::sound::Sound,
    /// Holds the tone files for as long as the kiosk runs.
    _sound_dir: Option<tempfile::TempDir>,
}

fn model<T: Clone + 'static>(rows: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(rows))
}

fn now_hms() -> SharedString {
    chrono::Local::now().format("%H:%M:%S").to_string().into()
}

fn is_location_code(text: &str) -> bool {
    LabelCode::parse(text).is_ok_and(|c| c.kind() == LabelKind::Location)
}

/// The serial to type into the intake form from a scanned marking, and the marking itself
/// when it is a standard one (GS1 with AI 21, or an IUID UII) worth keeping whole.
fn marking_serial(aim: &str, data: &[u8], text: &str) -> (String, String) {
    let mut wire = aim.as_bytes().to_vec();
    wire.extend_from_slice(data);
    match custody_codes::classify(None, &wire) {
        Ok(custody_codes::Scanned::Gs1 { data, .. }) => match data.get("21") {
            Some(serial) => (serial.to_string(), data.human_readable()),
            None => (text.to_string(), String::new()),
        },
        Ok(custody_codes::Scanned::Uii { uii, .. }) => match &uii.serial {
            Some(serial) => (serial.clone(), uii.uii.clone()),
            None => (text.to_string(), String::new()),
        },
        _ => (text.to_string(), String::new()),
    }
}

/// One history row in the screen's language: what happened (custody-docs' words for the
/// event kind, the same as on a printed history), from where to where, and who did it. Core's
/// English summary is shown only when the event moved nothing.
fn history_line(l: custody_docs::Language, h: &custody_core::HistoryEntry) -> String {
    let m = &h.movement;
    let mut parts = vec![l.event(&h.kind)];
    match (m.from.is_empty(), m.to.is_empty()) {
        (true, true) => {}
        (true, false) => parts.push(format!("→ {}", m.to)),
        (false, true) => parts.push(format!("{} →", m.from)),
        (false, false) => parts.push(format!("{} → {}", m.from, m.to)),
    }
    if !m.notes.is_empty() {
        parts.push(m.notes.clone());
    } else if m.from.is_empty() && m.to.is_empty() {
        parts.push(h.summary.clone());
    }
    if let Some(actor) = &h.actor {
        parts.push(format!("({actor})"));
    }
    parts.join(" · ")
}

fn item_summary(item: &ItemView) -> String {
    item.label_text()
}

impl Kiosk {
    pub fn new(ledger: Ledger, options: KioskOptions) -> Kiosk {
        let settings = crate::local_settings::LocalSettings::load(ledger.path());
        let sound_dir = tempfile::tempdir().ok();
        let mut sound = match &sound_dir {
            Some(d) => crate::sound::Sound::new(d.path()),
            None => crate::sound::Sound::with_player(std::path::Path::new("."), None),
        };
        sound.enabled = settings.sound;
        Kiosk {
            settings,
            sound,
            _sound_dir: sound_dir,
            ledger,
            actor: None,
            options,
            recent: VecDeque::new(),
            move_items: Vec::new(),
            session_alarms: Vec::new(),
            last_activity: Instant::now(),
            flash_until: None,
            wedge: BurstDetector::new(BurstThresholds::default()),
            wedge_seen: String::new(),
            scanners: Vec::new(),
            demo: None,
            demo_codes: (Vec::new(), Vec::new()),
            demo_destroyed: Vec::new(),
            flows: workflows::Flows::default(),
            last_registered: None,
        }
    }

    pub fn actor(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The code of the newest row on the scan strip, as shown.
    pub fn last_scan_shown(&self) -> Option<String> {
        self.recent.front().map(|r| r.code.to_string())
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Shows a core error where the person is looking, and on the banner if the ledger itself
    /// is in trouble. Core rolled the transaction back, so nothing half-done remains.
    fn report(&self, app: &AppWindow, e: &CustodyError) -> Msg {
        let p = problem(e);
        if p.banner {
            app.set_banner(p.msg.clone());
        }
        p.msg
    }

    pub fn touch(&mut self) {
        self.last_activity = Instant::now();
    }

    // ---- login -------------------------------------------------------------------------

    pub fn login(&mut self, app: &AppWindow, badge: &str, pin: &str) {
        self.touch();
        let st = app.global::<LoginState>();
        st.set_pin("".into());
        if badge.trim().is_empty() {
            st.set_message(msg("enter-badge"));
            return;
        }
        if pin.is_empty() {
            st.set_message(msg("enter-pin"));
            return;
        }
        match self.ledger.authenticate(badge, pin) {
            Ok(actor) => {
                app.set_user_name(actor.name.clone().into());
                self.actor = Some(actor);
                st.set_badge("".into());
                st.set_message(msg(""));
                self.navigate(app, "home");
            }
            Err(e) => st.set_message(self.report(app, &e)),
        }
    }

    pub fn logout(&mut self, app: &AppWindow, reason: Option<Msg>) {
        self.actor = None;
        self.move_items.clear();
        self.last_registered = None;
        self.clear_flows();
        app.set_user_name("".into());
        clear_forms(app);
        let st = app.global::<LoginState>();
        st.set_pin("".into());
        st.set_badge("".into());
        st.set_message(reason.unwrap_or_default());
        app.set_screen("login".into());
    }

    pub fn navigate(&mut self, app: &AppWindow, screen: &str) {
        self.touch();
        if self.actor.is_none() {
            app.set_screen("login".into());
            return;
        }
        app.set_screen(screen.into());
        match screen {
            "home" => self.refresh_home(app),
            "settings" => self.refresh_settings(app),
            "move" => self.refresh_move(app),
            "stocktake" => self.refresh_stocktake(app),
            "destruction" => self.refresh_destruction(app),
            "handover" => self.refresh_handover(app),
            "documents" => self.refresh_documents(app),
            _ => {}
        }
    }

    // ---- home --------------------------------------------------------------------------

    pub fn refresh_home(&mut self, app: &AppWindow) {
        let st = app.global::<HomeState>();
        // One aggregate query in core: the overview stays instant at 100,000 items.
        let counts = match self.ledger.status_counts() {
            Ok(counts) => counts,
            Err(e) => {
                self.report(app, &e);
                return;
            }
        };
        let total: u64 = counts.iter().map(|c| c.1).sum();
        let rows = counts
            .iter()
            .map(|(s, n)| StatusCount {
                status: s.as_str().into(),
                count: i32::try_from(*n).unwrap_or(i32::MAX),
                text: number_text(*n).into(),
            })
            .collect();
        st.set_counts(model(rows));
        st.set_total(i32::try_from(total).unwrap_or(i32::MAX));
        st.set_total_text(number_text(total).into());
        let mut alerts = Vec::new();
        for (code, status) in self.session_alarms.iter().rev() {
            alerts.push(AlertRow {
                message: msg2("alarm-scan", display_code(code), status),
                severe: true,
            });
        }
        match self.ledger.overdue(chrono::Local::now().date_naive()) {
            Ok(overdue) => {
                for i in overdue {
                    alerts.push(AlertRow {
                        message: msg3(
                            "overdue",
                            display_code(&i.code),
                            date_text(&i.due.clone().unwrap_or_default()),
                            i.checked_out_to.clone().unwrap_or_default(),
                        ),
                        severe: false,
                    });
                }
            }
            Err(e) => {
                self.report(app, &e);
            }
        }
        // Counts left open (here or at another kiosk) until someone finishes them.
        match self.ledger.stocktakes() {
            Ok(counts) => {
                for c in counts.iter().filter(|c| c.state == "open") {
                    alerts.push(AlertRow {
                        message: msg2("open-count", display_code(&c.code), number_text(c.scans)),
                        severe: false,
                    });
                }
            }
            Err(e) => {
                self.report(app, &e);
            }
        }
        for s in &self.scanners {
            if s.state != LinkState::Connected {
                alerts.push(AlertRow {
                    message: msg1("scanner-status", s.path.display()),
                    severe: false,
                });
            }
        }
        st.set_alerts(model(alerts));
    }

    // ---- intake ------------------------------------------------------------------------

    /// The weapon part of the intake form (a weapon, or an exhibit that is one).
    fn weapon_from_form(st: &IntakeState<'_>) -> Result<WeaponRecord, Msg> {
        if st.get_serial().trim().is_empty() || st.get_manufacturer().trim().is_empty() {
            return Err(msg("need-serial"));
        }
        let year = match st.get_year().trim() {
            "" => None,
            y => Some(y.parse::<i32>().map_err(|_| msg("bad-year"))?),
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

    fn evidence_from_form(st: &IntakeState<'_>) -> Result<EvidenceRecord, Msg> {
        if st.get_case_number().trim().is_empty() || st.get_exhibit_number().trim().is_empty() {
            return Err(msg("need-exhibit"));
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
                self.last_registered = Some((r.code.clone(), text));
                st.set_last_code(display_code(&r.code).into());
                st.set_message_good(true);
                st.set_message(msg1("registered", display_code(&r.code)));
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
                st.set_check(msg(""));
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
            None => (msg(""), false),
            Some(m) if m.same_manufacturer => (
                msg3(
                    "serial-taken",
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
                        "serial-elsewhere",
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
        let Some((code, text)) = self.last_registered.clone() else {
            return;
        };
        let answer = self.print_label(&code, &text);
        say!(st, answer);
    }

    // ---- move and transfer -------------------------------------------------------------

    fn refresh_move(&self, app: &AppWindow) {
        let rows = self
            .move_items
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
                    "alarm",
                    display_code(&item.code),
                    item.status.as_str(),
                ));
                false
            }
            Ok(item) => {
                st.set_message_good(true);
                st.set_message(msg1("item-added", display_code(&item.code)));
                if !self.move_items.iter().any(|i| i.id == item.id) {
                    self.move_items.push(item);
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
        if self.move_items.is_empty() {
            st.set_message_good(false);
            st.set_message(msg("need-items"));
            return 0;
        }
        if location.is_empty() {
            st.set_message_good(false);
            st.set_message(msg("need-location"));
            return 0;
        }
        // One transaction in core: every listed item moves, or none does and the list stays.
        let codes: Vec<&str> = self.move_items.iter().map(|i| i.code.as_str()).collect();
        match self.ledger.move_items(&actor, &codes, location) {
            Ok(seqs) => {
                let name = self
                    .ledger
                    .find_location(location)
                    .ok()
                    .flatten()
                    .map(|l| l.name)
                    .unwrap_or_else(|| location.to_string());
                self.move_items.clear();
                st.set_message_good(true);
                st.set_message(msg2("moved", seqs.len(), name));
                st.set_location("".into());
                self.refresh_move(app);
                seqs.len()
            }
            Err(CustodyError::UnknownLocation(l)) => {
                st.set_message_good(false);
                st.set_message(msg1("unknown-location", l));
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
        self.move_items.clear();
        app.global::<MoveState>().set_message(msg(""));
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
        if self.move_items.is_empty() {
            return fail(msg("need-items"));
        }
        if st.get_reason().trim().is_empty() {
            return fail(msg("need-reason"));
        }
        let (badge, pin) = (st.get_receiver_badge(), st.get_receiver_pin());
        st.set_receiver_pin("".into());
        if badge.trim().is_empty() || pin.is_empty() {
            return fail(msg("receiver-auth"));
        }
        let receiver = match self.ledger.authenticate(&badge, &pin) {
            Ok(r) => r,
            Err(e) => return fail(self.report(app, &e)),
        };
        let reason = st.get_reason().to_string();
        let mut remaining = Vec::new();
        let mut last = None;
        let mut passed = Vec::new();
        for item in std::mem::take(&mut self.move_items) {
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
        self.move_items = remaining;
        match last {
            None => {
                st.set_message_good(true);
                st.set_message(msg2("transferred", passed.join(", "), &receiver.name));
                st.set_reason("".into());
                st.set_receiver_badge("".into());
            }
            Some(m) => fail(m),
        }
        self.refresh_move(app);
    }

    // ---- check out / in ----------------------------------------------------------------

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
            return fail(msg("need-checkout"));
        }
        let days = match st.get_days().trim().parse::<i64>() {
            Ok(d) if (0..=365).contains(&d) => d,
            _ => return fail(msg("bad-days")),
        };
        let due = chrono::Local::now().date_naive() + chrono::Duration::days(days);
        match self
            .ledger
            .check_out(&actor, &item, &st.get_to_whom(), &st.get_purpose(), due)
        {
            Ok(_) => {
                st.set_message_good(true);
                st.set_message(msg2(
                    "checked-out",
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
            st.set_message(msg("need-checkout"));
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
                st.set_message(msg1("checked-in", display_code(&item)));
            }
            Err(e) => {
                st.set_message_good(false);
                st.set_message(self.report(app, &e));
            }
        }
    }

    // ---- search ------------------------------------------------------------------------

    pub fn search(&mut self, app: &AppWindow, query: &str) {
        self.touch();
        let st = app.global::<SearchState>();
        let query = query.trim();
        // A scanned code is shown as printed on its label (W-XXXXX-XXXXX-X).
        st.set_query(display_code(query).into());
        if query.is_empty() {
            return;
        }
        match self.ledger.history(query) {
            Ok((item, history)) => {
                let language = crate::kiosk::documents::document_language(
                    &app.global::<SettingsState>().get_language(),
                );
                st.set_message(msg(""));
                st.set_code(item.code.clone().into());
                st.set_title(
                    format!("{}  {}", display_code(&item.code), item_summary(&item)).into(),
                );
                st.set_status(item.status.as_str().into());
                let mut details = Vec::new();
                if let Some(l) = &item.location_name {
                    details.push(l.clone());
                }
                if let Some(h) = &item.holder_name {
                    details.push(h.clone());
                }
                if let Some(t) = &item.checked_out_to {
                    details.push(format!(
                        "{t} ({})",
                        date_text(&item.due.clone().unwrap_or_default())
                    ));
                }
                if !item.calibre.is_empty() {
                    details.push(item.calibre.clone());
                }
                st.set_details(details.join(" · ").into());
                let rows = history
                    .into_iter()
                    .map(|h| HistoryRow {
                        seq: h.seq.to_string().into(),
                        time: time_text(&h.time).into(),
                        summary: history_line(language, &h).into(),
                        kind: h.kind.into(),
                        actor: h.actor.unwrap_or_default().into(),
                    })
                    .collect();
                st.set_history(model(rows));
            }
            Err(e) => {
                st.set_title("".into());
                st.set_code("".into());
                st.set_message_good(false);
                st.set_history(model(Vec::new()));
                st.set_message(match e {
                    CustodyError::UnknownItem(_) => msg1("no-results", query),
                    other => self.report(app, &other),
                });
            }
        }
    }

    /// "Print label" on the search screen: a new label for the item shown (torn, lost, faded).
    pub fn search_print_label(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<SearchState>();
        let answer = self
            .ledger
            .find_item(&st.get_code())
            .map_err(|e| self.report(app, &e))
            .and_then(|item| self.print_label(&item.code, &item.label_text()));
        say!(st, answer);
    }

    // ---- settings ----------------------------------------------------------------------

    pub fn refresh_settings(&self, app: &AppWindow) {
        let st = app.global::<SettingsState>();
        let rows = self
            .scanners
            .iter()
            .map(|s| ScannerRow {
                path: s.path.display().to_string().into(),
                profile: format!(
                    "{} {} ({})",
                    s.profile.vendor, s.profile.model, s.profile.name
                )
                .into(),
                status: s.status_key().into(),
                detail: match &s.state {
                    LinkState::Connected => String::new(),
                    LinkState::Waiting(r) | LinkState::Disconnected(r) => r.clone(),
                }
                .into(),
            })
            .collect();
        st.set_scanners(model(rows));
        st.set_fullscreen(self.options.fullscreen);
        st.set_idle_minutes((self.options.idle_logout.as_secs() / 60) as i32);
        st.set_ledger_path(self.ledger.path().display().to_string().into());
        st.set_sound(self.settings.sound);
        st.set_sound_available(self.sound.available());
        st.set_site_key_id(self.ledger.key_id().unwrap_or_default().into());
        match self.ledger.registry_status().ok().flatten() {
            Some(r) => {
                st.set_registry_last_push(crate::messages::time_text(&r.last_sync_time).into());
                st.set_registry_cosigned_seq(r.cosigned_seq.to_string().into());
            }
            None => {
                st.set_registry_last_push("".into());
                st.set_registry_cosigned_seq("".into());
            }
        }
        let trusted = self
            .ledger
            .trusted_keys()
            .unwrap_or_default()
            .into_iter()
            .map(|k| TrustedSite {
                name: k.name.into(),
                key_id: k.key_id.into(),
            })
            .collect();
        st.set_trusted(model(trusted));
        if st.get_key_folder().is_empty() {
            st.set_key_folder(self.settings.documents_folder.display().to_string().into());
        }
    }

    /// Sound after each scan, on or off, remembered for this PC.
    pub fn set_sound(&mut self, app: &AppWindow, on: bool) {
        self.touch();
        self.settings.sound = on;
        self.sound.enabled = on;
        app.global::<SettingsState>().set_sound(on);
        if let Err(m) = self.save_settings() {
            app.set_banner(m);
        }
    }

    /// Writes this site's public key file into the chosen folder, for another site's
    /// administrator to trust.
    pub fn export_key(&mut self, app: &AppWindow) {
        self.touch();
        let st = app.global::<SettingsState>();
        let folder = st.get_key_folder().trim().to_string();
        let answer = if folder.is_empty() {
            Err(msg("need-folder"))
        } else {
            self.ledger
                .public_key_export()
                .map_err(|e| self.report(app, &e))
                .and_then(|text| {
                    let name = format!("{}.custody-key", self.ledger.key_id().unwrap_or_default());
                    crate::output::save_durably(Path::new(&folder), &name, text.as_bytes())
                        .map_err(|e| msg2("export-failed", &folder, e))
                })
                .map(|path| msg1("key-written", path.display()))
        };
        say!(st, answer);
    }

    /// An administrator trusts another site's key from its key file; core checks the role
    /// and records the trust as an event.
    pub fn trust_key(&mut self, app: &AppWindow) {
        self.touch();
        let Some(actor) = self.actor.clone() else {
            return self.logout(app, None);
        };
        let st = app.global::<SettingsState>();
        let path = st.get_key_file().trim().to_string();
        let answer = if path.is_empty() {
            Err(msg("need-key-file"))
        } else {
            std::fs::read_to_string(&path)
                .map_err(|e| msg2("read-failed", &path, e))
                .and_then(|text| {
                    custody_core::bundle::read_public_key(&text).map_err(|e| self.report(app, &e))
                })
                .and_then(|(key, name_in_file)| {
                    let typed = st.get_key_name().trim().to_string();
                    let name = if typed.is_empty() {
                        name_in_file.unwrap_or_default()
                    } else {
                        typed
                    };
                    if name.is_empty() {
                        return Err(msg("need-site-name"));
                    }
                    self.ledger
                        .trust_key(&actor, &key, &name)
                        .map_err(|e| self.report(app, &e))?;
                    st.set_key_file("".into());
                    st.set_key_name("".into());
                    Ok(msg1("key-trusted", name))
                })
        };
        say!(st, answer);
        self.refresh_settings(app);
    }

    /// Switches the UI language and remembers it for this PC.
    pub fn choose_language(&mut self, app: &AppWindow, code: &str) {
        self.touch();
        if !crate::select_language(code) {
            app.set_banner(msg1("other", format!("language {code} is not available")));
            return;
        }
        app.global::<SettingsState>().set_language(code.into());
        self.settings.language = code.to_string();
        if let Err(m) = self.save_settings() {
            app.set_banner(m);
        }
    }

    pub fn refresh_scanner_status(&self, app: &AppWindow) {
        let st = app.global::<ScanState>();
        let connected: Vec<_> = self
            .scanners
            .iter()
            .filter(|s| s.state == LinkState::Connected)
            .collect();
        let names: Vec<String> = connected
            .iter()
            .map(|s| format!("{} ({})", s.profile.model, s.path.display()))
            .collect();
        // Say plainly when a scanner's own beep comes at decode, before anything is recorded.
        let beeps_on_read = connected
            .iter()
            .any(|s| !s.profile.feedback_capability().keeps_the_promise());
        if names.is_empty() {
            st.set_scanner_ok(false);
            st.set_scanner(msg("scanner-missing"));
        } else if beeps_on_read {
            st.set_scanner_ok(true);
            st.set_scanner(msg1("scanner-beeps-on-read", names.join(", ")));
        } else {
            st.set_scanner_ok(true);
            st.set_scanner(msg1("scanner-status", names.join(", ")));
        }
    }

    // ---- scans -------------------------------------------------------------------------

    fn push_scan(&mut self, app: &AppWindow, code: String, outcome: &str, message: Msg) {
        self.recent.push_front(ScanRow {
            time: now_hms(),
            code: code.into(),
            outcome: outcome.into(),
            message,
        });
        self.recent.truncate(RECENT_SCANS);
        let st = app.global::<ScanState>();
        st.set_recent(model(self.recent.iter().cloned().collect()));
        let good = matches!(outcome, "found" | "moved" | "added");
        st.set_flash(if good { 1 } else { 2 });
        self.sound.play(good);
        self.flash_until = Some(Instant::now() + FLASH);
    }

    /// One scan from any source: committed through core first, then routed to the current
    /// screen, then shown. Returns the feedback the scanner should give.
    pub fn handle_scan(&mut self, app: &AppWindow, input: ScanInput) -> Outcome {
        self.touch();
        let shown = printable(&input.data);
        let text = String::from_utf8(input.data.clone())
            .map(|t| t.trim().to_string())
            .unwrap_or_default();
        let screen = app.get_screen();
        let at_sign_in = self.actor.is_none() || screen == "login";
        // At the sign-in screen a readable scan is a badge: recorded as one, not looked up.
        let recorded = if at_sign_in && input.ignored.is_none() && !text.is_empty() {
            self.ledger.record_badge_scan(&input)
        } else {
            self.ledger.record_scan(self.actor.as_ref(), &input)
        };
        let recorded = match recorded {
            Ok(r) => r,
            Err(e) => {
                let m = self.report(app, &e);
                self.push_scan(app, shown, "error", m);
                return Outcome::Refused;
            }
        };
        if at_sign_in {
            // A badge at the sign-in screen: it fills the badge field.
            if !text.is_empty() {
                app.global::<LoginState>().set_badge(text.clone().into());
                self.push_scan(app, shown, "added", msg("enter-pin"));
                return Outcome::Accepted;
            }
            self.push_scan(app, shown, "unknown", msg("scan-garbled"));
            return Outcome::Refused;
        }
        let is_location = !text.is_empty()
            && (is_location_code(&text)
                || self.ledger.find_location(&text).is_ok_and(|l| l.is_some()));
        if matches!(screen.as_str(), "stocktake" | "destruction" | "handover")
            && !text.is_empty()
            && !matches!(recorded.outcome, ScanOutcome::Ignored { .. })
        {
            let answer = self.workflow_scan(app, &screen, &text);
            let row_text = match workflows::command_of(&text) {
                Some(cmd) => format!("[{}]", cmd.name()),
                None => display_code(&text),
            };
            self.push_scan(app, row_text, answer.row, answer.message);
            return answer.outcome;
        }
        match (screen.as_str(), &recorded.outcome) {
            ("move", ScanOutcome::Found { code, .. }) => {
                let ok = self.move_add(app, code);
                let row = if ok { "added" } else { "refused" };
                let m = app.global::<MoveState>().get_message();
                self.push_scan(app, display_code(code), row, m);
                return if ok {
                    Outcome::Accepted
                } else {
                    Outcome::Refused
                };
            }
            ("move", ScanOutcome::Unknown { .. }) if is_location => {
                let moved = self.move_to(app, &text);
                let m = app.global::<MoveState>().get_message();
                let row = if moved > 0 { "moved" } else { "refused" };
                self.push_scan(app, display_code(&text), row, m);
                return if moved > 0 {
                    Outcome::Accepted
                } else {
                    Outcome::Refused
                };
            }
            ("intake", ScanOutcome::Unknown { .. }) if !text.is_empty() => {
                let st = app.global::<IntakeState>();
                if is_location {
                    st.set_location(text.clone().into());
                } else {
                    // A GS1 or IUID marking carries the serial inside; the whole mark is kept.
                    let (serial, marking) = marking_serial(&input.aim, &input.data, &text);
                    st.set_serial(serial.into());
                    st.set_marking(marking.into());
                    self.intake_identity_edited(app);
                }
                self.push_scan(app, shown, "added", msg(""));
                return Outcome::Accepted;
            }
            ("checkout", ScanOutcome::Unknown { .. }) if is_location => {
                app.global::<CheckoutState>()
                    .set_return_location(text.clone().into());
                self.push_scan(app, display_code(&text), "added", msg(""));
                return Outcome::Accepted;
            }
            ("checkout", ScanOutcome::Found { code, .. }) => {
                app.global::<CheckoutState>()
                    .set_item(display_code(code).into());
            }
            ("search", ScanOutcome::Found { code, .. } | ScanOutcome::Alarm { code, .. }) => {
                let code = code.clone();
                self.search(app, &code);
            }
            _ => {}
        }
        match recorded.outcome {
            ScanOutcome::Found { code, status } => {
                self.push_scan(
                    app,
                    display_code(&code),
                    "found",
                    msg2("scan-found", display_code(&code), status),
                );
                Outcome::Accepted
            }
            ScanOutcome::Alarm { code, status } => {
                self.session_alarms.push((code.clone(), status.clone()));
                self.push_scan(
                    app,
                    display_code(&code),
                    "alarm",
                    msg2("alarm", display_code(&code), status),
                );
                if screen == "home" {
                    self.refresh_home(app);
                }
                Outcome::Refused
            }
            ScanOutcome::Ignored { .. } | ScanOutcome::Badge => {
                self.push_scan(app, shown, "unknown", msg("scan-garbled"));
                Outcome::Refused
            }
            ScanOutcome::Unknown { .. } if is_location => {
                // A known place, not an item: a good read, and the screen says what it is.
                let place = self
                    .location_named(&text)
                    .unwrap_or_else(|| display_code(&text));
                self.push_scan(
                    app,
                    display_code(&text),
                    "found",
                    msg1("location-scanned", place),
                );
                Outcome::Accepted
            }
            ScanOutcome::Unknown { .. } => {
                // Core's reason is English prose; the screen says it in the chosen language.
                let m = if text.is_empty() {
                    msg("scan-garbled")
                } else {
                    msg1("unknown-item", &shown)
                };
                self.push_scan(app, shown, "unknown", m);
                Outcome::Refused
            }
        }
    }

    /// Scanner-session events: scans are committed and acknowledged; state changes shown.
    pub fn poll_scanners(&mut self, app: &AppWindow) {
        let mut changed = false;
        for idx in 0..self.scanners.len() {
            let events = self.scanners[idx].drain();
            for ev in events {
                match ev {
                    ScanEvent::Scan(scan) => {
                        let link = &self.scanners[idx];
                        let input = ScanInput {
                            device: if link.simulated {
                                "demo simulator"
                            } else {
                                "serial"
                            }
                            .into(),
                            port: link.path.display().to_string(),
                            profile: link.profile.name.clone(),
                            aim: scan.line.aim.map(|a| a.to_wire()).unwrap_or_default(),
                            data: scan.line.data.clone(),
                            ignored: None,
                        };
                        let outcome = self.handle_scan(app, input);
                        // Only now, after the commit, does the scanner beep.
                        self.scanners[idx].acknowledge(scan.id, outcome);
                    }
                    ScanEvent::Duplicate { data, .. } => {
                        // The same code again within the debounce window: counted once, but
                        // the read is evidence like every frame (as `custody scan` records it).
                        let link = &self.scanners[idx];
                        let input = ScanInput {
                            device: if link.simulated {
                                "demo simulator"
                            } else {
                                "serial"
                            }
                            .into(),
                            port: link.path.display().to_string(),
                            profile: link.profile.name.clone(),
                            aim: String::new(),
                            data,
                            ignored: Some(format!(
                                "repeat within {} ms of the same code: counted once",
                                link.debounce.as_millis()
                            )),
                        };
                        if let Err(err) = self.ledger.record_scan(self.actor.as_ref(), &input) {
                            self.report(app, &err);
                        }
                    }
                    ScanEvent::LineError(e) => {
                        // Unreadable frames are evidence too: recorded, never acted on.
                        let link = &self.scanners[idx];
                        let input = ScanInput {
                            device: "serial".into(),
                            port: link.path.display().to_string(),
                            profile: link.profile.name.clone(),
                            aim: String::new(),
                            data: e.bytes().to_vec(),
                            ignored: Some(e.to_string()),
                        };
                        if let Err(err) = self.ledger.record_scan(self.actor.as_ref(), &input) {
                            self.report(app, &err);
                        }
                        let m = msg("scan-garbled");
                        self.push_scan(app, printable(e.to_string().as_bytes()), "error", m);
                    }
                    _ => changed = true,
                }
            }
        }
        if changed {
            self.refresh_scanner_status(app);
            if app.get_screen() == "settings" {
                self.refresh_settings(app);
            }
        }
    }

    /// The keyboard-wedge scan field changed: new characters go to the burst detector with the
    /// time they arrived, so a scanner's burst is told apart from a person typing.
    pub fn wedge_edited(&mut self, text: &str) {
        self.touch();
        let now = Instant::now();
        let new: String = match text.strip_prefix(self.wedge_seen.as_str()) {
            Some(rest) => rest.to_string(),
            None => {
                // Edited in the middle or deleted: start over with what is there.
                self.wedge = BurstDetector::new(BurstThresholds::default());
                text.to_string()
            }
        };
        for c in new.chars() {
            let _ = self.wedge.push(Key::Char(c), now);
        }
        self.wedge_seen = text.to_string();
    }

    /// A key typed while a button had the keyboard focus: the start of a wedge scan (or typing
    /// meant for the scan field). It goes into the scan field, which takes the focus, so the
    /// rest of the burst and its Enter land there and no button is pressed by a scan.
    pub fn stray_key(&mut self, app: &AppWindow, text: &str) {
        let printable: String = text
            .chars()
            .filter(|c| !c.is_control() && !('\u{f700}'..='\u{f8ff}').contains(c))
            .collect();
        app.invoke_focus_scan_field();
        if printable.is_empty() {
            return;
        }
        let st = app.global::<ScanState>();
        let now = format!("{}{printable}", st.get_wedge_text());
        st.set_wedge_text(now.clone().into());
        self.wedge_edited(&now);
    }

    /// Enter in the scan field: a scan (burst) or a typed code; both are looked up.
    pub fn wedge_accepted(&mut self, app: &AppWindow, text: &str) -> Option<Outcome> {
        if self.wedge_seen != text {
            self.wedge_edited(text);
        }
        let events = self.wedge.push(Key::Enter, Instant::now());
        self.wedge_seen.clear();
        app.global::<ScanState>().set_wedge_text("".into());
        let mut last = None;
        for ev in events {
            let (text, source) = match ev {
                WedgeEvent::Scan(t) => (t, ScanSource::Wedge),
                WedgeEvent::Typed { text, enter: true } => (text, ScanSource::Typed),
                WedgeEvent::Typed { enter: false, .. } => continue,
            };
            if text.trim().is_empty() {
                continue;
            }
            let input = ScanInput {
                device: match source {
                    ScanSource::Wedge => "keyboard wedge",
                    _ => "keyboard (typed)",
                }
                .into(),
                port: String::new(),
                profile: String::new(),
                aim: String::new(),
                data: text.into_bytes(),
                ignored: None,
            };
            last = Some(self.handle_scan(app, input));
        }
        last
    }

    /// Once a second or so: end the flash, sign out an idle session.
    pub fn tick(&mut self, app: &AppWindow) {
        if self.flash_until.is_some_and(|t| Instant::now() >= t) {
            self.flash_until = None;
            app.global::<ScanState>().set_flash(0);
        }
        if self.actor.is_some() && self.last_activity.elapsed() >= self.options.idle_logout {
            self.logout(app, Some(msg("logged-out-idle")));
        }
    }

    /// The demo panel's buttons: bytes into the simulated scanner's pty.
    pub fn demo_fire(&mut self, app: &AppWindow, what: &str) {
        self.touch();
        let pick = |codes: &Vec<String>, n: usize| {
            codes
                .get(n % codes.len().max(1))
                .cloned()
                .unwrap_or_default()
        };
        let n = self.recent.len() * 7;
        let data: Vec<u8> = match what {
            "weapon" => pick(&self.demo_codes.0, n).into_bytes(),
            "location" => pick(&self.demo_codes.1, n).into_bytes(),
            "unknown" => format!("W{:010}", 1000 + n).into_bytes(),
            "garbage" => vec![0xFF, 0xFE, 0x1B, b'[', b'?', 0x80, 0x00, b'x'],
            "destroyed" => match self.demo_destroyed.first() {
                Some(code) => code.clone().into_bytes(),
                None => return,
            },
            "unplug" => {
                if let Some(d) = &mut self.demo {
                    if let Err(e) = d.toggle_plug() {
                        app.set_banner(msg1("other", e));
                    }
                }
                return;
            }
            _ => return,
        };
        if let Some(d) = &mut self.demo {
            if let Err(e) = d.scan(&data) {
                app.set_banner(msg1("other", format!("demo scanner: {e}")));
            }
        }
    }
}

fn clear_forms(app: &AppWindow) {
    let i = app.global::<IntakeState>();
    for set in [
        IntakeState::set_serial,
        IntakeState::set_manufacturer,
        IntakeState::set_model,
        IntakeState::set_calibre,
        IntakeState::set_country,
        IntakeState::set_year,
        IntakeState::set_location,
        IntakeState::set_case_number,
        IntakeState::set_exhibit_number,
        IntakeState::set_description,
        IntakeState::set_seized_by,
        IntakeState::set_seized_where,
        IntakeState::set_seized_when,
        IntakeState::set_package_id,
        IntakeState::set_seal_numbers,
        IntakeState::set_last_code,
        IntakeState::set_marking,
    ] {
        set(&i, SharedString::new());
    }
    i.set_legal_hold(false);
    i.set_message(msg(""));
    i.set_check(msg(""));
    let m = app.global::<MoveState>();
    m.set_items(model(Vec::new()));
    m.set_message(msg(""));
    m.set_receiver_badge("".into());
    m.set_receiver_pin("".into());
    let c = app.global::<CheckoutState>();
    c.set_item("".into());
    c.set_message(msg(""));
    let s = app.global::<SearchState>();
    s.set_query("".into());
    s.set_title("".into());
    s.set_code("".into());
    s.set_message(msg(""));
    s.set_history(model(Vec::new()));
}

/// Creates the window, wires every callback to the view model and starts the timers. The
/// returned handle keeps the view model alive as long as the window.
pub fn build_app(kiosk: Kiosk) -> Result<(AppWindow, Rc<RefCell<Kiosk>>), slint::PlatformError> {
    let app = AppWindow::new()?;
    let people: Vec<DemoPerson> = kiosk
        .options
        .demo_people
        .iter()
        .map(|p| DemoPerson {
            name: p.name.clone().into(),
            badge: p.badge.clone().into(),
            pin: p.pin.clone().into(),
            role: p.role.as_str().into(),
        })
        .collect();
    let site = kiosk.ledger.site_name().unwrap_or_default();
    app.set_demo_ledger(kiosk.ledger.is_demo().unwrap_or(false));
    app.set_site_name(site.clone().into());
    let login = app.global::<LoginState>();
    login.set_site_name(site.into());
    login.set_demo_people(model(people));
    app.global::<DemoState>().set_enabled(kiosk.demo.is_some());
    let kiosk = Rc::new(RefCell::new(kiosk));
    kiosk.borrow().refresh_scanner_status(&app);
    kiosk.borrow().refresh_settings(&app);
    kiosk.borrow().refresh_printing(&app);
    {
        // The language this PC used last; `--lang` may still change it after this.
        let language = kiosk.borrow().settings.language.clone();
        if crate::select_language(&language) {
            app.global::<SettingsState>().set_language(language.into());
        }
    }

    // Each callback holds a weak window handle and the shared view model.
    macro_rules! on {
        ($global:ty, $setter:ident, |$k:ident, $a:ident $(, $arg:ident)*| $body:expr) => {{
            let weak = app.as_weak();
            let kiosk = kiosk.clone();
            app.global::<$global>().$setter(move |$($arg),*| {
                if let Some($a) = weak.upgrade() {
                    // A re-entrant call (a callback fired while the view model is busy) is
                    // dropped rather than panicking on the RefCell.
                    if let Ok(mut $k) = kiosk.try_borrow_mut() {
                        $body;
                    }
                }
            });
        }};
    }
    on!(LoginState, on_login, |k, a, badge, pin| k
        .login(&a, &badge, &pin));
    on!(LoginState, on_backspace, |k, a| {
        k.touch();
        let st = a.global::<LoginState>();
        let mut pin = st.get_pin().to_string();
        pin.pop();
        st.set_pin(pin.into());
    });
    on!(HomeState, on_refresh, |k, a| k.refresh_home(&a));
    on!(IntakeState, on_register, |k, a| k.register(&a));
    on!(IntakeState, on_identity_edited, |k, a| k
        .intake_identity_edited(&a));
    on!(IntakeState, on_print_label, |k, a| k.intake_print_label(&a));
    on!(IntakeState, on_clear, |k, a| {
        k.touch();
        clear_forms(&a);
    });
    on!(MoveState, on_add_item, |k, a, t| k.move_add(&a, &t));
    on!(MoveState, on_move_to, |k, a, t| k.move_to(&a, &t));
    on!(MoveState, on_clear, |k, a| k.move_clear(&a));
    on!(MoveState, on_transfer, |k, a| k.transfer(&a));
    on!(CheckoutState, on_check_out, |k, a| k.check_out(&a));
    on!(CheckoutState, on_check_in, |k, a| k.check_in(&a));
    on!(SearchState, on_search, |k, a, q| k.search(&a, &q));
    on!(SearchState, on_print_label, |k, a| k.search_print_label(&a));
    on!(SettingsState, on_choose_language, |k, a, code| {
        k.choose_language(&a, &code)
    });
    on!(SettingsState, on_set_sound, |k, a, on| k.set_sound(&a, on));
    on!(SettingsState, on_export_key, |k, a| k.export_key(&a));
    on!(SettingsState, on_trust_key, |k, a| k.trust_key(&a));
    on!(DocumentsState, on_save, |k, a| k.documents_issue(&a, false));
    on!(DocumentsState, on_print, |k, a| k.documents_issue(&a, true));
    on!(DocumentsState, on_use_usb, |k, a| k.documents_use_usb(&a));
    on!(PrintingState, on_save, |k, a| k.printing_save(&a));
    on!(PrintingState, on_test_label, |k, a| k
        .printing_test_label(&a));
    on!(SettingsState, on_rescan, |k, a| {
        k.touch();
        k.refresh_settings(&a);
    });
    on!(ScanState, on_wedge_edited, |k, a, t| {
        let _ = &a;
        k.wedge_edited(&t)
    });
    on!(ScanState, on_wedge_accepted, |k, a, t| k
        .wedge_accepted(&a, &t));
    on!(StocktakeState, on_open, |k, a| k.stocktake_open(&a));
    on!(StocktakeState, on_reconcile, |k, a| k
        .stocktake_reconcile(&a));
    on!(StocktakeState, on_resolve, |k, a| k.stocktake_resolve(&a));
    on!(StocktakeState, on_close, |k, a| k.stocktake_close(&a));
    on!(StocktakeState, on_back, |k, a| {
        k.touch();
        a.global::<StocktakeState>().set_reconciling(false);
        k.refresh_stocktake(&a);
    });
    on!(DestructionState, on_create, |k, a| k.destruction_create(&a));
    on!(DestructionState, on_add, |k, a, t| {
        let answer = k.destruction_add(&a, &t);
        let _ = answer;
    });
    on!(DestructionState, on_freeze, |k, a| k.destruction_freeze(&a));
    on!(DestructionState, on_confirm_recount, |k, a| {
        let _ = k.destruction_confirm_recount(&a);
    });
    on!(DestructionState, on_record, |k, a| k.destruction_record(&a));
    on!(DestructionState, on_execute, |k, a| k
        .destruction_execute(&a));
    on!(DestructionState, on_new_batch, |k, a| k.destruction_new(&a));
    on!(DestructionState, on_print_certificate, |k, a| k
        .destruction_print_certificate(&a));
    on!(StocktakeState, on_print_report, |k, a| k
        .stocktake_print_report(&a));
    on!(HandoverState, on_write_receipt, |k, a| {
        let _ = k.handover_write_receipt(&a);
    });
    on!(HandoverState, on_import_receipt, |k, a| k
        .handover_import_receipt(&a));
    on!(HandoverState, on_print_manifest, |k, a| k
        .handover_print_manifest(&a));
    on!(HandoverState, on_add_item, |k, a, t| {
        let _ = k.handover_add(&a, &t);
    });
    on!(HandoverState, on_clear, |k, a| k.handover_clear(&a));
    on!(HandoverState, on_dispatch, |k, a| {
        let _ = k.handover_dispatch(&a);
    });
    on!(HandoverState, on_export, |k, a| {
        let _ = k.handover_export(&a);
    });
    on!(HandoverState, on_import, |k, a| k.handover_import(&a));
    on!(HandoverState, on_receive, |k, a, t| {
        let _ = k.handover_receive(&a, &t);
    });
    on!(HandoverState, on_accept, |k, a| k.handover_accept(&a));
    on!(HandoverState, on_mode_changed, |k, a| {
        k.touch();
        a.global::<HandoverState>().set_message(Msg::default());
        k.refresh_handover(&a);
    });
    on!(DemoState, on_fire, |k, a, what| k.demo_fire(&a, &what));
    on!(crate::Activity, on_stray_key, |k, a, text| k
        .stray_key(&a, &text));
    on!(crate::Activity, on_touched, |k, a| {
        let _ = &a;
        k.touch()
    });
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        app.on_navigate(move |screen| {
            if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                k.navigate(&a, &screen);
            }
        });
    }
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        app.on_logout(move || {
            if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                k.logout(&a, None);
            }
        });
    }
    {
        let weak = app.as_weak();
        app.on_dismiss_banner(move || {
            if let Some(a) = weak.upgrade() {
                a.set_banner(Msg::default());
            }
        });
    }
    Ok((app, kiosk))
}

/// Starts the timers that poll the scanners (every 30 ms) and check idleness (every second).
/// Keep the returned timers alive while the window runs.
pub fn start_timers(app: &AppWindow, kiosk: &Rc<RefCell<Kiosk>>) -> Vec<slint::Timer> {
    let poll = slint::Timer::default();
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        poll.start(
            slint::TimerMode::Repeated,
            Duration::from_millis(30),
            move || {
                if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                    k.poll_scanners(&a);
                }
            },
        );
    }
    let tick = slint::Timer::default();
    {
        let weak = app.as_weak();
        let kiosk = kiosk.clone();
        tick.start(
            slint::TimerMode::Repeated,
            Duration::from_millis(250),
            move || {
                if let (Some(a), Ok(mut k)) = (weak.upgrade(), kiosk.try_borrow_mut()) {
                    k.tick(&a);
                }
            },
        );
    }
    vec![poll, tick]
}
