//! Field scenarios driven through the real screens with Slint's testing backend: elements are
//! found by accessible label, fields typed into, buttons tapped, exactly as an officer would.

mod common;
use common::{depot, key_in, reads, sign_in, tap, type_into};
use custody_core::scans::ScanInput;
use custody_kiosk::messages::display_code;
use custody_kiosk::Screen;
use custody_scan::Outcome;

fn init() {
    i_slint_backend_testing::init_no_event_loop();
}

#[test]
fn an_officer_mistypes_the_pin_is_told_the_attempts_left_then_signs_in() {
    init();
    let d = depot(6);
    assert_eq!(d.app.get_screen(), Screen::Login);
    type_into(&d.app, "Badge", "OFF1");
    key_in(&d.app, "9999");
    tap(&d.app, "Sign in");
    let said = reads(&d.app, "Login message");
    assert!(
        said.contains("Wrong PIN") && said.contains("4 attempts left"),
        "{said}"
    );
    assert_eq!(d.app.get_screen(), Screen::Login);

    key_in(&d.app, "642087");
    tap(&d.app, "Sign in");
    assert_eq!(d.app.get_screen(), Screen::Home);
    assert_eq!(d.app.get_user_name(), "Marko Petrović");
    // The home screen counts what is in store.
    let in_store: i32 = reads(&d.app, "in store").parse().unwrap();
    assert!(in_store >= 3, "in store: {in_store}");
}

#[test]
fn a_badge_is_locked_after_five_wrong_pins_and_the_screen_says_so() {
    init();
    let d = depot(3);
    for _ in 0..5 {
        sign_in(&d.app, "CUS1", "0000");
    }
    sign_in(&d.app, "CUS1", "553719");
    let said = reads(&d.app, "Login message");
    assert!(said.contains("locked"), "{said}");
    assert_eq!(
        d.app.get_screen(),
        Screen::Login,
        "a locked badge must not get in"
    );
}

#[test]
fn an_unknown_badge_is_refused_by_name() {
    init();
    let d = depot(3);
    sign_in(&d.app, "NOBODY7", "418276");
    assert!(reads(&d.app, "Login message").contains("NOBODY7"));
}

#[test]
fn an_officer_registers_a_weapon_and_a_duplicate_serial_is_refused_with_the_existing_code() {
    init();
    let d = depot(3);
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Intake");
    assert_eq!(d.app.get_screen(), Screen::Intake);
    type_into(&d.app, "Serial number", "ZA-778899");
    type_into(&d.app, "Manufacturer", "Zastava Arms");
    type_into(&d.app, "Model", "M70AB2");
    type_into(&d.app, "Calibre", "7.62x39");
    type_into(&d.app, "Country of manufacture", "RS");
    type_into(&d.app, "Year of manufacture", "1984");
    tap(&d.app, "Rifle");
    type_into(&d.app, "Location", "Vault A / Rack 2");
    tap(&d.app, "Register weapon");
    let said = reads(&d.app, "Intake message");
    assert!(said.starts_with("Registered as W-"), "{said}");
    let item = d.kiosk.borrow().ledger().find_item("ZA-778899").unwrap();
    assert_eq!(item.location_name.as_deref(), Some("Vault A / Rack 2"));
    assert_eq!(item.weapon_type.as_deref(), Some("rifle"));
    assert!(said.contains(&display_code(&item.code)));

    // The same serial under another maker: a warning while typing, not a refusal.
    type_into(&d.app, "Manufacturer", "Norinco");
    type_into(&d.app, "Serial number", "za778899");
    let check = reads(&d.app, "Serial check");
    assert!(check.contains("another maker"), "{check}");
    // The same weapon again, serial typed differently: the screen says so as it is typed...
    type_into(&d.app, "Manufacturer", "ZASTAVA ARMS");
    let check = reads(&d.app, "Serial check");
    assert!(check.starts_with("Already registered"), "{check}");
    assert!(check.contains(&display_code(&item.code)), "{check}");
    // ...and registering is refused: core names the first code (the screen shows one red box,
    // the serial check, rather than saying it twice).
    tap(&d.app, "Register weapon");
    let shown: Vec<_> =
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(&d.app, "Intake message")
            .filter_map(|e| e.accessible_value())
            .filter(|v| !v.is_empty())
            .collect();
    assert!(
        shown.is_empty(),
        "the refusal is the serial check above: {shown:?}"
    );
    assert!(reads(&d.app, "Serial check").contains(&display_code(&item.code)));
    // 3 weapons, 3 exhibits, 2 destroyed rifles of the demo, and the one just registered.
    assert_eq!(
        d.kiosk.borrow().ledger().items().unwrap().len(),
        3 + 3 + 2 + 1
    );
}

#[test]
fn a_terminal_escape_typed_into_intake_is_refused_in_the_officers_words_and_nothing_recorded() {
    init();
    let d = depot(3);
    let before = d.kiosk.borrow().ledger().head().unwrap().0;
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Intake");
    type_into(&d.app, "Serial number", "ESC-1");
    type_into(&d.app, "Manufacturer", "Zastava Arms");
    type_into(&d.app, "Model", "M70\u{1b}[2J");
    tap(&d.app, "Rifle");
    tap(&d.app, "Register weapon");
    let said = reads(&d.app, "Intake message");
    assert!(
        said.contains("must not contain control characters"),
        "{said}"
    );
    assert!(d.kiosk.borrow().ledger().find_item("ESC-1").is_err());
    // Only the sign-in was recorded.
    let kinds: Vec<String> = {
        let file = rusqlite::Connection::open(d.kiosk.borrow().ledger().path()).unwrap();
        let mut stmt = file
            .prepare("SELECT kind FROM events WHERE seq > ?1")
            .unwrap();
        stmt.query_map([before], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(kinds.iter().all(|k| k.starts_with("auth.")), "{kinds:?}");
}

#[test]
fn intake_without_a_serial_or_with_a_bad_year_says_what_is_missing() {
    init();
    let d = depot(3);
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Intake");
    tap(&d.app, "Register weapon");
    assert!(reads(&d.app, "Intake message").contains("serial number"));
    type_into(&d.app, "Serial number", "X1");
    type_into(&d.app, "Manufacturer", "Beretta");
    type_into(&d.app, "Year of manufacture", "nineteen");
    tap(&d.app, "Register weapon");
    assert!(reads(&d.app, "Intake message").contains("1984"));
}

#[test]
fn an_officer_moves_two_rifles_to_another_rack_then_hands_one_over_to_the_custodian() {
    init();
    let d = depot(6);
    let (a, b) = (
        d.site.weapon_codes[0].clone(),
        d.site.weapon_codes[1].clone(),
    );
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Move");
    tap(&d.app, "Move items here");
    assert!(reads(&d.app, "Move message").contains("Scan the items first"));
    type_into(&d.app, "Item code or serial", &a);
    tap(&d.app, "Add item");
    type_into(&d.app, "Item code or serial", &display_code(&b));
    tap(&d.app, "Add item");
    assert_eq!(reads(&d.app, "Items to move"), "2");
    type_into(&d.app, "Destination location", "Armoury counter");
    tap(&d.app, "Move items here");
    assert_eq!(
        reads(&d.app, "Move message"),
        "2 items moved to Armoury counter."
    );
    for code in [&a, &b] {
        let item = d.kiosk.borrow().ledger().find_item(code).unwrap();
        assert_eq!(item.location_name.as_deref(), Some("Armoury counter"));
    }

    // Hand-over: the receiver's wrong PIN is refused, the right one passes custody.
    type_into(&d.app, "Item code or serial", &a);
    tap(&d.app, "Add item");
    type_into(&d.app, "Receiver's badge", "CUS1");
    type_into(&d.app, "Receiver's PIN", "418276");
    type_into(&d.app, "Reason", "to the lab for examination");
    tap(&d.app, "Transfer custody");
    assert!(reads(&d.app, "Move message").contains("Wrong PIN"));
    type_into(&d.app, "Receiver's PIN", "553719");
    tap(&d.app, "Transfer custody");
    let said = reads(&d.app, "Move message");
    assert!(said.contains("passed to Elena Popescu"), "{said}");
    let item = d.kiosk.borrow().ledger().find_item(&a).unwrap();
    assert_eq!(item.holder_name.as_deref(), Some("Elena Popescu"));
}

#[test]
fn moving_to_a_place_that_does_not_exist_keeps_the_list_and_moves_nothing() {
    init();
    let d = depot(3);
    let a = d.site.weapon_codes[0].clone();
    let before = d
        .kiosk
        .borrow()
        .ledger()
        .find_item(&a)
        .unwrap()
        .location_name;
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Move");
    type_into(&d.app, "Item code or serial", &a);
    tap(&d.app, "Add item");
    type_into(&d.app, "Destination location", "Vault Z");
    tap(&d.app, "Move items here");
    assert!(reads(&d.app, "Move message").contains("No location"));
    assert_eq!(reads(&d.app, "Items to move"), "1");
    let after = d
        .kiosk
        .borrow()
        .ledger()
        .find_item(&a)
        .unwrap()
        .location_name;
    assert_eq!(before, after);
}

#[test]
fn on_the_move_screen_scanning_items_then_a_location_label_moves_them_and_only_then_beeps() {
    init();
    let d = depot(4);
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Move");
    let scan = |data: &str| ScanInput {
        device: "test".into(),
        data: data.as_bytes().to_vec(),
        ..Default::default()
    };
    let mut k = d.kiosk.borrow_mut();
    let (w, loc) = (
        d.site.weapon_codes[2].clone(),
        d.site.location_codes[2].clone(),
    );
    assert_eq!(k.handle_scan(&d.app, scan(&w)), Outcome::Accepted);
    assert_eq!(k.handle_scan(&d.app, scan(&loc)), Outcome::Accepted);
    let item = k.ledger().find_item(&w).unwrap();
    assert_eq!(item.location_name.as_deref(), Some("Vault B / Rack 1"));
    // An unknown code and garbage bytes are refused (bad-read feedback), never a crash.
    assert_eq!(k.handle_scan(&d.app, scan("W0000000000")), Outcome::Refused);
    let garbage = ScanInput {
        data: vec![0xFF, 0x00, 0xFE],
        ..Default::default()
    };
    assert_eq!(k.handle_scan(&d.app, garbage), Outcome::Refused);
    drop(k);
    assert_eq!(reads(&d.app, "Recent scans"), "bad");
}

#[test]
fn a_badge_scanned_at_the_sign_in_screen_fills_the_badge_field() {
    init();
    let d = depot(3);
    let input = ScanInput {
        device: "test".into(),
        data: b"OFF1\r\n".to_vec(),
        ..Default::default()
    };
    let outcome = d.kiosk.borrow_mut().handle_scan(&d.app, input);
    assert_eq!(outcome, Outcome::Accepted);
    use slint::ComponentHandle;
    let login = d.app.global::<custody_kiosk::LoginState>();
    assert_eq!(login.get_badge(), "OFF1");
    // Recorded as a badge read, not as a failed item lookup.
    let (kind, payload): (String, String) =
        rusqlite::Connection::open(d.kiosk.borrow().ledger().path())
            .unwrap()
            .query_row(
                "SELECT kind, payload FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
    assert_eq!(kind, "scan.recorded");
    assert!(payload.contains("\"outcome\":\"badge\""), "{payload}");
    key_in(&d.app, "642087");
    tap(&d.app, "Sign in");
    assert_eq!(d.app.get_screen(), Screen::Home);
}

#[test]
fn the_kiosk_signs_out_after_the_idle_time_and_says_why() {
    init();
    let dir = tempfile::tempdir().unwrap();
    let site = custody_kiosk::demo::seed(dir.path(), 2).unwrap();
    let ledger = custody_core::Ledger::open(&site.ledger_path).unwrap();
    let options = custody_kiosk::KioskOptions {
        idle_logout: std::time::Duration::from_millis(200),
        ..Default::default()
    };
    let (app, kiosk) =
        custody_kiosk::build_app(custody_kiosk::Kiosk::new(ledger, options)).unwrap();
    sign_in(&app, "OFF1", "642087");
    assert_eq!(app.get_screen(), Screen::Home);
    kiosk.borrow_mut().tick(&app);
    assert_eq!(app.get_screen(), Screen::Home, "not idle yet");
    std::thread::sleep(std::time::Duration::from_millis(300));
    kiosk.borrow_mut().tick(&app);
    assert_eq!(app.get_screen(), Screen::Login);
    assert!(reads(&app, "Login message").contains("without activity"));
}

#[test]
fn a_custodian_registers_a_seized_pistol_as_an_exhibit_and_prints_its_label() {
    init();
    let d = depot(3);
    let printer = common::FakeLabelPrinter::new();
    {
        let mut k = d.kiosk.borrow_mut();
        k.settings.label_printer = custody_kiosk::local_settings::LabelPrinter::Zpl;
        k.settings.label_device = printer.path.clone();
    }
    // An officer may not register exhibits: core says so, nothing is recorded.
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Intake");
    tap(&d.app, "Evidence exhibit");
    type_into(&d.app, "Case number", "KT-118/26");
    tap(&d.app, "Register exhibit");
    assert!(reads(&d.app, "Intake message").contains("exhibit number"));
    type_into(&d.app, "Exhibit number", "4.1");
    type_into(&d.app, "Description", "Pistol in a plastic bag");
    tap(&d.app, "Register exhibit");
    assert!(reads(&d.app, "Intake message").contains("may not"));
    tap(&d.app, "Sign out");

    sign_in(&d.app, "CUS1", "553719");
    tap(&d.app, "Intake");
    tap(&d.app, "Evidence exhibit");
    type_into(&d.app, "Case number", "KT-118/26");
    type_into(&d.app, "Exhibit number", "4.1");
    type_into(&d.app, "Description", "Pistol in a plastic bag");
    type_into(&d.app, "Seized by", "Insp. Kovač");
    type_into(&d.app, "Seal numbers", "PL-0041, PL-0042");
    tap(&d.app, "Legal hold");
    // It is a weapon (the default category): its serial is checked like any weapon's.
    type_into(&d.app, "Serial number", "CZ-5521");
    type_into(&d.app, "Manufacturer", "Česká zbrojovka");
    type_into(&d.app, "Model", "CZ 75");
    tap(&d.app, "Register exhibit");
    let said = reads(&d.app, "Intake message");
    assert!(said.starts_with("Registered as E-"), "{said}");
    let item = d.kiosk.borrow().ledger().find_item("cz5521").unwrap();
    assert_eq!(item.kind, "evidence");
    assert_eq!(item.case_number, "KT-118/26");
    assert!(item.legal_hold);
    assert!(item.record.contains("PL-0042"), "{}", item.record);

    tap(&d.app, "Print label");
    let said = reads(&d.app, "Intake message");
    assert!(said.contains("sent to the label printer"), "{said}");
    let zpl = printer.printed();
    assert!(zpl.contains(&item.code), "{zpl}");
    assert!(zpl.contains("CZ-5521"), "{zpl}");
}

#[test]
fn scanning_a_gs1_marking_at_intake_types_its_serial_and_keeps_the_whole_mark() {
    init();
    let d = depot(3);
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Intake");
    // A GS1 DataMatrix on the receiver: GTIN (01) and serial (21), read with AIM ]d2.
    let input = ScanInput {
        device: "test".into(),
        aim: "]d2".into(),
        data: b"010950110102091721SN77A".to_vec(),
        ..Default::default()
    };
    assert_eq!(
        d.kiosk.borrow_mut().handle_scan(&d.app, input),
        Outcome::Accepted
    );
    use slint::ComponentHandle;
    let intake = d.app.global::<custody_kiosk::IntakeState>();
    assert_eq!(intake.get_serial(), "SN77A");
    type_into(&d.app, "Manufacturer", "Beretta");
    tap(&d.app, "Register weapon");
    let said = reads(&d.app, "Intake message");
    assert!(said.starts_with("Registered as W-"), "{said}");
    let item = d.kiosk.borrow().ledger().find_item("SN77A").unwrap();
    assert!(
        item.record.contains("(01)09501101020917(21)SN77A"),
        "{}",
        item.record
    );
}

#[test]
fn a_wedge_scan_that_starts_on_a_focused_button_lands_in_the_scan_field_and_presses_nothing() {
    init();
    let d = depot(3);
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Move");
    let code = d.site.weapon_codes[0].clone();
    use slint::ComponentHandle;
    let scan_state = d.app.global::<custody_kiosk::ScanState>();
    // The officer had tabbed to a button; the scanner types: the first key reaches the button,
    // which hands it (and the focus) to the scan field; Shift and arrow keys are dropped.
    let mut k = d.kiosk.borrow_mut();
    k.stray_key(&d.app, "\u{10}");
    k.stray_key(&d.app, &code[..1]);
    assert_eq!(scan_state.get_wedge_text(), code[..1]);
    // The rest of the burst arrives in the scan field, then its Enter.
    k.wedge_edited(&code);
    scan_state.set_wedge_text(code.clone().into());
    let outcome = k.wedge_accepted(&d.app, &code);
    drop(k);
    assert_eq!(outcome, Some(Outcome::Accepted));
    assert!(reads(&d.app, "Move message").contains("added"));
    assert_eq!(scan_state.get_wedge_text(), "");
}

#[test]
fn a_full_disk_shows_the_banner_records_nothing_half_done_and_the_kiosk_carries_on() {
    init();
    let d = depot(3);
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Intake");
    let limit = |pages: u32| {
        d.kiosk
            .borrow()
            .ledger()
            .limit_file_size_pages(pages)
            .unwrap();
    };
    let pages: u32 = rusqlite::Connection::open(d.kiosk.borrow().ledger().path())
        .unwrap()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    limit(pages);
    let before = d.kiosk.borrow().ledger().items().unwrap().len();
    let mut registered = 0;
    let mut full = false;
    for i in 0..300 {
        type_into(&d.app, "Serial number", &format!("FULL{i:04}"));
        type_into(&d.app, "Manufacturer", "Zastava Arms");
        tap(&d.app, "Register weapon");
        let said = reads(&d.app, "Intake message");
        if said.starts_with("Registered") {
            registered += 1;
            continue;
        }
        assert!(said.contains("disk is full"), "{said}");
        full = true;
        break;
    }
    assert!(full, "the disk never filled up");
    assert!(reads(&d.app, "Error banner").contains("disk is full"));
    // Scans while the disk is full (a small scan event may still fit a half-used page): the
    // first one that does not fit is refused, and the strip says it was not recorded.
    use slint::{ComponentHandle, Model};
    let mut refused = false;
    for _ in 0..300 {
        let input = ScanInput {
            device: "test".into(),
            data: d.site.weapon_codes[0].clone().into_bytes(),
            ..Default::default()
        };
        if d.kiosk.borrow_mut().handle_scan(&d.app, input) == Outcome::Refused {
            refused = true;
            break;
        }
    }
    assert!(refused, "no scan was refused on a full disk");
    let recent = d.app.global::<custody_kiosk::ScanState>().get_recent();
    assert_eq!(
        recent.row_data(0).unwrap().outcome,
        custody_kiosk::ScanMark::Error
    );
    // Space is freed: every acknowledged registration is there, the ledger is whole, and the
    // kiosk carries on.
    limit(1_073_741_823);
    let items = d.kiosk.borrow().ledger().items().unwrap().len();
    assert_eq!(items, before + registered);
    assert!(d.kiosk.borrow().ledger().verify().unwrap().is_intact());
    tap(&d.app, "Dismiss");
    type_into(&d.app, "Serial number", "AFTER-1");
    tap(&d.app, "Register weapon");
    assert!(reads(&d.app, "Intake message").starts_with("Registered"));
}

#[test]
fn an_item_history_reads_in_the_kiosk_language() {
    init();
    let d = depot(5);
    sign_in(&d.app, "OFF1", "642087");
    tap(&d.app, "Search");
    use slint::{ComponentHandle, Model};
    let code = d.site.weapon_codes[0].clone();
    d.kiosk.borrow_mut().search(&d.app, &code);
    let first = |app: &custody_kiosk::AppWindow| {
        app.global::<custody_kiosk::SearchState>()
            .get_history()
            .row_data(0)
            .expect("a history row")
            .summary
            .to_string()
    };
    let english = first(&d.app);
    assert!(english.starts_with("registered (weapon)"), "{english}");
    assert!(english.contains("Marko Petrović"), "{english}");
    // Only the kiosk's language setting, not the process-wide translation: tests run in
    // parallel and read English sentences.
    d.app
        .global::<custody_kiosk::SettingsState>()
        .set_language("hr".into());
    d.kiosk.borrow_mut().search(&d.app, &code);
    let croatian = first(&d.app);
    assert!(croatian.starts_with("evidentirano (oružje)"), "{croatian}");
    // A weapon checked out three weeks ago: none of core's English summaries of its events
    // reaches the Croatian screen.
    let exhibit = d.site.weapon_codes[3].clone();
    d.kiosk.borrow_mut().search(&d.app, &exhibit);
    let rows: Vec<String> = d
        .app
        .global::<custody_kiosk::SearchState>()
        .get_history()
        .iter()
        .map(|r| r.summary.to_string())
        .collect();
    let entries = d
        .kiosk
        .borrow()
        .ledger()
        .history(&exhibit)
        .expect("history")
        .1;
    assert_eq!(rows.len(), entries.len(), "{rows:#?}");
    for (row, entry) in rows.iter().zip(&entries) {
        assert!(
            !row.contains(&entry.summary),
            "English summary on screen: {row}"
        );
    }
}

/// A scanner that reads the same label twice within the debounce window: the kiosk acts once,
/// but both reads are in the ledger (the second as a repeat), as `custody scan` records them.
#[test]
fn a_repeat_read_within_the_debounce_window_is_recorded_as_evidence_and_acted_on_once() {
    use custody_kiosk::scanner::{profile_or_generic, DemoScanner, LinkState, ScannerLink};
    use std::time::{Duration, Instant};
    init();
    let d = depot(4);
    let dir = tempfile::tempdir().unwrap();
    let mut sim = DemoScanner::create(&dir.path().join("scanner")).unwrap();
    let link =
        ScannerLink::start(sim.host_path(), profile_or_generic(None).unwrap(), true).unwrap();
    d.kiosk.borrow_mut().scanners.push(link);
    let deadline = Instant::now() + Duration::from_secs(5);
    while d.kiosk.borrow().scanners[0].state != LinkState::Connected {
        assert!(
            Instant::now() < deadline,
            "the simulated scanner never connected"
        );
        d.kiosk.borrow_mut().poll_scanners(&d.app);
        std::thread::sleep(Duration::from_millis(20));
    }
    sign_in(&d.app, "OFF1", "642087");
    let code = d.site.weapon_codes[1].clone();
    let count = |k: &custody_kiosk::Kiosk| -> Vec<String> {
        k.ledger()
            .events_from(1)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "scan.recorded")
            .map(|e| e.payload)
            .collect()
    };
    let before = count(&d.kiosk.borrow()).len();
    sim.scan(code.as_bytes()).unwrap();
    sim.scan(code.as_bytes()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    let scans = loop {
        d.kiosk.borrow_mut().poll_scanners(&d.app);
        let scans = count(&d.kiosk.borrow());
        if scans.len() >= before + 2 || Instant::now() > deadline {
            break scans;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let new = &scans[before..];
    assert_eq!(new.len(), 2, "{new:?}");
    let hex = hex::encode(code.as_bytes());
    assert!(new.iter().all(|p| p.contains(&hex)), "{new:?}");
    assert!(!new[0].contains("\"outcome\":\"ignored\""), "{}", new[0]);
    assert!(
        new[1].contains("\"outcome\":\"ignored\"") && new[1].contains("repeat within"),
        "{}",
        new[1]
    );
}

#[test]
fn the_home_screen_lists_the_exhibits_whose_review_date_has_come() {
    use slint::{ComponentHandle, Model};
    init();
    let d = depot(5);
    sign_in(&d.app, "CUS1", "553719");
    d.kiosk.borrow_mut().navigate(&d.app, Screen::Home);
    // The demo's two "other" exhibits were taken in 45 days ago with a 30-day review period;
    // the ammunition exhibit has no default period and is not due.
    let alerts = d.app.global::<custody_kiosk::HomeState>().get_alerts();
    let due: Vec<(String, String)> = alerts
        .iter()
        .filter(|a| a.message.kind == custody_kiosk::MsgKind::ReviewDue)
        .map(|a| (a.message.b.to_string(), a.message.c.to_string()))
        .collect();
    let review = (chrono::Local::now().date_naive() - chrono::Duration::days(15)).to_string();
    assert_eq!(
        due,
        vec![("KT-2026-0412".to_string(), review.clone()); 2],
        "{:?}",
        alerts
            .iter()
            .map(|a| format!("{:?}", a.message.kind))
            .collect::<Vec<_>>()
    );
}
