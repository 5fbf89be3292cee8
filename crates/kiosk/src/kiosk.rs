//! The kiosk's view model: holds the open ledger and who is signed in, answers the screens'
//! callbacks by calling custody-core, and routes every scan (serial or keyboard wedge) through
//! a core commit before any feedback. No SQL and no workflow rule lives here.

use crate::messages::{
    counted, date_text, display_code, msg, msg1, msg2, msg3, number_text, printable, problem,
    time_text, unknown_scan,
};
use crate::scanner::{DemoScanner, LinkState, ScannerLink};
use crate::MsgKind;
use crate::{
    AlertRow, AppWindow, CheckoutState, DemoPerson, DemoState, DestructionState, DocumentsState,
    EvidenceState, HandoverState, HistoryRow, HomeState, IntakeState, ItemLine, LoginState,
    MoveState, Msg, PrintingState, ScanMark, ScanRow, ScanState, ScannerRow, Screen, SearchState,
    SettingsState, StatusCount, StocktakeState, TrustedSite,
};
use custody_codes::{LabelCode, LabelKind};
use custody_core::scans::{IgnoredReason, ScanInput, ScanOutcome};
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

mod checkout;
mod destruction;
pub mod documents;
mod evidence;
mod handover;
mod home;
mod intake;
mod r#move;
mod scanstrip;
mod search;
mod settings;
mod stocktake;
mod wiring;
pub mod workflows;

pub use wiring::{build_app, start_timers};

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
    // Each screen's own state, defined in its module; cleared at sign-out.
    moving: r#move::MoveScreen,
    intake: intake::IntakeScreen,
    stocktake: stocktake::StocktakeScreen,
    destruction: destruction::DestructionScreen,
    handover: handover::HandoverScreen,
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

use custody_docs::Words;

/// One history row in the screen's language: what happened (custody-docs' words for the
/// event kind, the same as on a printed history), from where to where, the notes recorded with
/// it, and who did it. Core's English summary (for the CLI) is never shown.
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
            moving: Default::default(),
            session_alarms: Vec::new(),
            last_activity: Instant::now(),
            flash_until: None,
            wedge: BurstDetector::new(BurstThresholds::default()),
            wedge_seen: String::new(),
            scanners: Vec::new(),
            demo: None,
            demo_codes: (Vec::new(), Vec::new()),
            demo_destroyed: Vec::new(),
            stocktake: Default::default(),
            destruction: Default::default(),
            handover: Default::default(),
            intake: Default::default(),
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
            st.set_message(msg(MsgKind::EnterBadge));
            return;
        }
        if pin.is_empty() {
            st.set_message(msg(MsgKind::EnterPin));
            return;
        }
        match self.ledger.authenticate(badge, pin) {
            Ok(actor) => {
                app.set_user_name(actor.name.clone().into());
                self.actor = Some(actor);
                st.set_badge("".into());
                st.set_message(msg(MsgKind::None));
                self.navigate(app, Screen::Home);
            }
            Err(e) => st.set_message(self.report(app, &e)),
        }
    }

    pub fn logout(&mut self, app: &AppWindow, reason: Option<Msg>) {
        self.actor = None;
        self.moving = Default::default();
        self.intake = Default::default();
        self.clear_flows();
        app.set_user_name("".into());
        clear_forms(app);
        let st = app.global::<LoginState>();
        st.set_pin("".into());
        st.set_badge("".into());
        st.set_message(reason.unwrap_or_default());
        app.set_screen(Screen::Login);
    }

    pub fn navigate(&mut self, app: &AppWindow, screen: Screen) {
        self.touch();
        if self.actor.is_none() {
            app.set_screen(Screen::Login);
            return;
        }
        app.set_screen(screen);
        match screen {
            Screen::Home => self.refresh_home(app),
            Screen::Settings => self.refresh_settings(app),
            Screen::Move => self.refresh_move(app),
            Screen::Stocktake => self.refresh_stocktake(app),
            Screen::Destruction => self.refresh_destruction(app),
            Screen::Handover => self.refresh_handover(app),
            Screen::Evidence => self.refresh_evidence(app),
            Screen::Documents => self.refresh_documents(app),
            _ => {}
        }
    }

    /// Once a second or so: end the flash, sign out an idle session.
    pub fn tick(&mut self, app: &AppWindow) {
        if self.flash_until.is_some_and(|t| Instant::now() >= t) {
            self.flash_until = None;
            app.global::<ScanState>().set_flash(0);
        }
        if self.actor.is_some() && self.last_activity.elapsed() >= self.options.idle_logout {
            self.logout(app, Some(msg(MsgKind::LoggedOutIdle)));
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
                        eprintln!("demo scanner: {e}");
                        app.set_banner(msg(MsgKind::DemoScannerFailed));
                    }
                }
                return;
            }
            _ => return,
        };
        if let Some(d) = &mut self.demo {
            if let Err(e) = d.scan(&data) {
                eprintln!("demo scanner: {e}");
                app.set_banner(msg(MsgKind::DemoScannerFailed));
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
    i.set_message(msg(MsgKind::None));
    i.set_check(msg(MsgKind::None));
    let m = app.global::<MoveState>();
    m.set_items(model(Vec::new()));
    m.set_message(msg(MsgKind::None));
    m.set_receiver_badge("".into());
    m.set_receiver_pin("".into());
    let c = app.global::<CheckoutState>();
    c.set_item("".into());
    c.set_message(msg(MsgKind::None));
    let s = app.global::<SearchState>();
    s.set_query("".into());
    s.set_title("".into());
    s.set_code("".into());
    s.set_message(msg(MsgKind::None));
    s.set_history(model(Vec::new()));
    s.set_amending(false);
    s.set_second_pin("".into());
    let e = app.global::<EvidenceState>();
    e.set_code("".into());
    e.set_message(msg(MsgKind::None));
    Kiosk::evidence_clear_form(&e);
    let h = app.global::<HandoverState>();
    h.set_cosigner_pin("".into());
    h.set_settle_code("".into());
}
