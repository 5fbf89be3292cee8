//! Renders every screen to PNG through Slint's software renderer (a custom platform with a
//! `MinimalSoftwareWindow`, no display needed), in English and, for some screens, in Serbian
//! Cyrillic, Albanian, Romanian and Croatian. The files land in the target folder
//! (`screenshots/` under Cargo's test temp dir, or `CUSTODY_SCREENSHOTS` if set) for a person
//! to look at, not in the repository; the test checks that each one was drawn and that the
//! translation took effect.
//!
//! To review a translation on every screen, set `CUSTODY_SCREENSHOT_LANG` to a language code
//! (`CUSTODY_SCREENSHOT_LANG=mk cargo test -p custody-kiosk --test screenshots`): the whole walk
//! is then drawn in that language, as `mk-*.png` under target/tmp/screenshots-mk/.

mod common;
use custody_codes::ScanCommand;
use custody_core::scans::ScanInput;
use custody_kiosk::scanner::{profile_or_generic, DemoScanner, ScannerLink};
use custody_kiosk::Screen;
use custody_kiosk::{select_language, AppWindow, IntakeState, Kiosk};
use i_slint_backend_testing::ElementHandle;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::Rgb8Pixel;
use slint::{ComponentHandle, PhysicalSize};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

const W: u32 = 1280;
const H: u32 = 800;

struct ScreenshotPlatform {
    window: Rc<MinimalSoftwareWindow>,
    start: Instant,
}

impl Platform for ScreenshotPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }
    fn duration_since_start(&self) -> Duration {
        self.start.elapsed()
    }
}

fn out_dir() -> PathBuf {
    let dir = match (
        std::env::var_os("CUSTODY_SCREENSHOTS"),
        std::env::var("CUSTODY_SCREENSHOT_LANG"),
    ) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Ok(lang)) if lang != "en" => {
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("screenshots-{lang}"))
        }
        _ => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"),
    };
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Draws the window and writes `name.png`; returns how many distinct colours it has.
fn shoot(window: &MinimalSoftwareWindow, name: &str) -> usize {
    // Let animations (the scan flash) settle before drawing.
    slint::platform::update_timers_and_animations();
    window.request_redraw();
    let mut pixels = vec![Rgb8Pixel::new(0, 0, 0); (W * H) as usize];
    let drawn = window.draw_if_needed(|renderer| {
        renderer.render(&mut pixels, W as usize);
    });
    assert!(drawn, "{name}: nothing was drawn");
    let bytes: Vec<u8> = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    let file = std::fs::File::create(out_dir().join(format!("{name}.png"))).expect("png file");
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), W, H);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header()
        .and_then(|mut w| w.write_image_data(&bytes))
        .expect("png written");
    let mut colours: Vec<[u8; 3]> = pixels.iter().map(|p| [p.r, p.g, p.b]).collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

fn has_text(app: &AppWindow, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}

fn scan(kiosk: &Rc<RefCell<Kiosk>>, app: &AppWindow, data: &str) {
    let input = ScanInput {
        device: "screenshot".into(),
        data: data.as_bytes().to_vec(),
        ..Default::default()
    };
    kiosk.borrow_mut().handle_scan(app, input);
}

#[test]
fn every_screen_renders_in_english_and_some_in_serbian_cyrillic_albanian_romanian_and_croatian() {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(ScreenshotPlatform {
        window: window.clone(),
        start: Instant::now(),
    }))
    .expect("platform");
    window.set_size(PhysicalSize::new(W, H));

    let d = common::depot(40);
    let (app, kiosk) = (&d.app, &d.kiosk);
    // A simulated serial scanner on a pty, read by a real session, as in --demo.
    let scanner_dir = tempfile::tempdir().unwrap();
    let sim = DemoScanner::create(&scanner_dir.path().join("scanner")).unwrap();
    let link =
        ScannerLink::start(sim.host_path(), profile_or_generic(None).unwrap(), true).unwrap();
    kiosk.borrow_mut().scanners.push(link);
    kiosk.borrow_mut().demo = Some(sim);
    app.global::<custody_kiosk::DemoState>().set_enabled(true);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        kiosk.borrow_mut().poll_scanners(app);
        if kiosk.borrow().scanners[0].state == custody_kiosk::scanner::LinkState::Connected {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    app.show().unwrap();
    let mut shots: Vec<(String, usize)> = Vec::new();
    // The language of the walk through every screen: English unless a reviewer asks for another.
    let lang = std::env::var("CUSTODY_SCREENSHOT_LANG").unwrap_or_else(|_| "en".into());
    assert!(select_language(&lang), "{lang} is bundled");
    app.global::<custody_kiosk::SettingsState>()
        .set_language(lang.as_str().into());
    let name = |screen: &str| format!("{lang}-{screen}");

    // Sign-in with the demo people and a wrong PIN.
    kiosk.borrow_mut().login(app, "OFF1", "9999");
    shots.push((name("login"), shoot(&window, &name("login"))));

    kiosk.borrow_mut().login(app, "OFF1", "642087");
    scan(kiosk, app, &d.site.weapon_codes[7]);
    scan(kiosk, app, "W0000000000");
    scan(kiosk, app, "\u{1b}garbage");
    kiosk.borrow_mut().refresh_home(app);
    shots.push((name("home"), shoot(&window, &name("home"))));

    kiosk.borrow_mut().navigate(app, Screen::Intake);
    let intake = app.global::<IntakeState>();
    intake.set_serial("M200000".into());
    intake.set_manufacturer("Zastava Arms".into());
    intake.set_model("M70".into());
    intake.set_calibre("7.62x39".into());
    intake.set_country("RS".into());
    intake.set_year("1961".into());
    intake.set_weapon_type("rifle".into());
    intake.set_location("Vault A / Rack 1".into());
    kiosk.borrow_mut().intake_identity_edited(app);
    kiosk.borrow_mut().register(app);
    shots.push((
        name("intake-duplicate"),
        shoot(&window, &name("intake-duplicate")),
    ));
    // An exhibit that is a weapon, typed by a custodian; its serial exists under another maker.
    kiosk.borrow_mut().logout(app, None);
    kiosk.borrow_mut().login(app, "CUS1", "553719");
    kiosk.borrow_mut().navigate(app, Screen::Intake);
    let intake = app.global::<IntakeState>();
    intake.set_kind("evidence".into());
    intake.set_case_number("KT-118/26".into());
    intake.set_exhibit_number("4.1".into());
    intake.set_description("Pistol with magazine, in sealed bag".into());
    intake.set_seized_by("Insp. Kovač".into());
    intake.set_seized_where("Ul. Vojvode Stepe 12, Beograd".into());
    intake.set_seized_when("2026-11-20".into());
    intake.set_package_id("BAG-0041".into());
    intake.set_seal_numbers("PL-0041".into());
    intake.set_legal_hold(true);
    intake.set_serial("M200000".into());
    intake.set_manufacturer("Norinco".into());
    intake.set_model("Type 54".into());
    intake.set_calibre("7.62x25".into());
    kiosk.borrow_mut().intake_identity_edited(app);
    shots.push((
        name("intake-evidence"),
        shoot(&window, &name("intake-evidence")),
    ));
    kiosk.borrow_mut().register(app);
    shots.push((
        name("intake-evidence-registered"),
        shoot(&window, &name("intake-evidence-registered")),
    ));
    intake.set_kind("weapon".into());
    kiosk.borrow_mut().logout(app, None);
    kiosk.borrow_mut().login(app, "OFF1", "642087");

    kiosk.borrow_mut().navigate(app, Screen::Move);
    for code in d.site.weapon_codes.iter().take(3) {
        scan(kiosk, app, code);
    }
    shots.push((name("move"), shoot(&window, &name("move"))));

    kiosk.borrow_mut().navigate(app, Screen::Checkout);
    let checkout = app.global::<custody_kiosk::CheckoutState>();
    checkout.set_item(d.site.weapon_codes[10].clone().into());
    checkout.set_to_whom("Ballistics lab, Dr. Ilić".into());
    checkout.set_purpose("test firing".into());
    kiosk.borrow_mut().check_out(app);
    shots.push((name("checkout"), shoot(&window, &name("checkout"))));

    kiosk.borrow_mut().navigate(app, Screen::Search);
    kiosk.borrow_mut().search(app, &d.site.weapon_codes[3]);
    shots.push((
        name("search-history"),
        shoot(&window, &name("search-history")),
    ));

    // Correcting the record shown: the form with one field changed.
    kiosk.borrow_mut().search_start_amend(app);
    kiosk.borrow_mut().search_amend_edited(app, 2, "M70 AB");
    let search = app.global::<custody_kiosk::SearchState>();
    search.set_amend_reason("model mistyped at intake".into());
    shots.push((
        name("search-correct"),
        shoot(&window, &name("search-correct")),
    ));
    kiosk.borrow_mut().search_cancel_amendment(app);

    kiosk.borrow_mut().navigate(app, Screen::Settings);
    shots.push((name("settings"), shoot(&window, &name("settings"))));
    let settings = app.global::<custody_kiosk::SettingsState>();
    for page in ["scanners", "printing", "sites"] {
        settings.set_page(page.into());
        let shot = name(&format!("settings-{page}"));
        shots.push((shot.clone(), shoot(&window, &shot)));
    }
    settings.set_page("general".into());

    // Stocktake: counting (blind tallies), then the inspector's reconciliation.
    kiosk.borrow_mut().navigate(app, Screen::Stocktake);
    shots.push((
        name("stocktake-open"),
        shoot(&window, &name("stocktake-open")),
    ));
    app.global::<custody_kiosk::StocktakeState>()
        .set_scope("Vault A / Rack 1".into());
    kiosk.borrow_mut().stocktake_open(app);
    scan(kiosk, app, &d.site.location_codes[0]);
    for code in d.site.weapon_codes.iter().take(7) {
        scan(kiosk, app, code);
    }
    scan(kiosk, app, "W0000000000");
    scan(kiosk, app, &d.site.destroyed_codes[0]);
    shots.push((
        name("stocktake-count"),
        shoot(&window, &name("stocktake-count")),
    ));
    kiosk.borrow_mut().logout(app, None);
    kiosk.borrow_mut().login(app, "INS1", "375298");
    kiosk.borrow_mut().navigate(app, Screen::Stocktake);
    kiosk.borrow_mut().stocktake_reconcile(app);
    shots.push((
        name("stocktake-reconcile"),
        shoot(&window, &name("stocktake-reconcile")),
    ));
    kiosk.borrow_mut().logout(app, None);
    kiosk.borrow_mut().login(app, "OFF1", "642087");

    // Destruction: create, fill, freeze, a re-count with one missing and one extra, then
    // the details and witnesses stage.
    kiosk.borrow_mut().navigate(app, Screen::Destruction);
    shots.push((
        name("destruction-create"),
        shoot(&window, &name("destruction-create")),
    ));
    let dest = app.global::<custody_kiosk::DestructionState>();
    dest.set_authority("Ministry of Interior, Weapons Directorate".into());
    dest.set_decision("03-1234/26".into());
    kiosk.borrow_mut().destruction_create(app);
    for code in d.site.weapon_codes.iter().skip(20).take(4) {
        scan(kiosk, app, code);
    }
    shots.push((
        name("destruction-fill"),
        shoot(&window, &name("destruction-fill")),
    ));
    kiosk.borrow_mut().destruction_freeze(app);
    for code in d.site.weapon_codes.iter().skip(20).take(3) {
        scan(kiosk, app, code);
    }
    scan(kiosk, app, &d.site.weapon_codes[30]);
    shots.push((
        name("destruction-recount"),
        shoot(&window, &name("destruction-recount")),
    ));
    scan(kiosk, app, &ScanCommand::UndoLast.code().to_string());
    scan(kiosk, app, &d.site.weapon_codes[23]);
    scan(kiosk, app, &ScanCommand::Done.code().to_string());
    dest.set_equipment("Hydraulic shear HS-40".into());
    dest.set_place("Depot workshop".into());
    dest.set_weight("31.5".into());
    kiosk.borrow_mut().destruction_record(app);
    dest.set_w1_badge("OFF1".into());
    dest.set_w1_pin("642087".into());
    dest.set_w2_badge("INS2".into());
    dest.set_w2_pin("286451".into());
    kiosk.borrow_mut().destruction_execute(app);
    shots.push((
        name("destruction-witnesses"),
        shoot(&window, &name("destruction-witnesses")),
    ));
    dest.set_w1_badge("INS1".into());
    dest.set_w1_pin("375298".into());
    dest.set_w2_pin("286451".into());
    kiosk.borrow_mut().destruction_execute(app);
    shots.push((
        name("destruction-executed"),
        shoot(&window, &name("destruction-executed")),
    ));

    // Another site (Niš) that this site hands over to and receives from: each trusts the
    // other's key, since a bundle is addressed to one trusted site.
    let other_dir = tempfile::tempdir().unwrap();
    let other = custody_kiosk::demo::seed(other_dir.path(), 45).unwrap();
    let mut other_ledger = custody_core::Ledger::open(&other.ledger_path).unwrap();
    {
        let path = kiosk.borrow().ledger().path().to_path_buf();
        let mut admin_session = custody_core::Ledger::open(&path).unwrap();
        let admin = admin_session.authenticate("ADM1", "731904").unwrap();
        admin_session
            .trust_key(&admin, &other_ledger.public_key_hex().unwrap(), "Depot Niš")
            .unwrap();
        let other_admin = other_ledger.authenticate("ADM1", "731904").unwrap();
        other_ledger
            .trust_key(
                &other_admin,
                &admin_session.public_key_hex().unwrap(),
                "MoI Demo Depot",
            )
            .unwrap();
    }
    let off = other_ledger.authenticate("OFF1", "642087").unwrap();

    // Handover, sending side: the list, the manifest head, dispatched and exported.
    let stick = tempfile::tempdir().unwrap();
    kiosk.borrow_mut().navigate(app, Screen::Handover);
    let hand = app.global::<custody_kiosk::HandoverState>();
    hand.set_sender("MoI Demo Depot, Marko Petrović".into());
    hand.set_receiver("Forensic Centre Belgrade, Dr. Ilić".into());
    hand.set_legal_basis("Order 12-77/26".into());
    hand.set_transport("Van BG-123-AA, two escorts".into());
    hand.set_seals("S-1001, S-1002".into());
    for code in d.site.weapon_codes.iter().skip(32).take(3) {
        scan(kiosk, app, code);
    }
    shots.push((
        name("handover-send"),
        shoot(&window, &name("handover-send")),
    ));
    kiosk.borrow_mut().handover_dispatch(app);
    hand.set_folder(stick.path().display().to_string().into());
    kiosk.borrow_mut().handover_export(app);
    shots.push((
        name("handover-exported"),
        shoot(&window, &name("handover-exported")),
    ));

    // The other site signs for none of the three (lost on the road): its receipt names them
    // missing, and this site settles them on the Settle missing page.
    let exported = std::fs::read_dir(stick.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "custody"))
        .expect("the exported bundle");
    let outgoing = other_ledger
        .handover_import(&off, &std::fs::read(&exported).unwrap())
        .unwrap();
    std::fs::remove_file(&exported).unwrap();
    other_ledger
        .handover_accept(&off, None, &outgoing.code, None)
        .unwrap();
    let receipt = stick.path().join("back.receipt");
    std::fs::write(
        &receipt,
        other_ledger.handover_receipt(&off, &outgoing.code).unwrap(),
    )
    .unwrap();
    hand.set_receipt_path(receipt.display().to_string().into());
    kiosk.borrow_mut().handover_import_receipt(app);
    hand.set_mode("settle".into());
    kiosk.borrow_mut().handover_settle_show(app, &outgoing.code);
    hand.set_settle_reference("Police report 44-1/26".into());
    shots.push((
        name("handover-settle"),
        shoot(&window, &name("handover-settle")),
    ));
    hand.set_mode("send".into());

    // Receiving side: a bundle from another site whose key this site trusts.
    let details = custody_core::HandoverDetails {
        sender: "MoI Depot Niš, Arben Hoxha".into(),
        receiver: "MoI Demo Depot".into(),
        legal_basis: "Order 12-80/26".into(),
        transport: "Truck NI-555-BB".into(),
        seals: vec!["S-2001".into()],
        ..Default::default()
    };
    let sent: Vec<String> = other.weapon_codes[41..45].to_vec();
    let h = other_ledger
        .handover_dispatch(&off, &details, &sent)
        .unwrap();
    let bytes = other_ledger
        .handover_export(&off, &h.code, "MoI Demo Depot")
        .unwrap();
    let bundle = stick.path().join("incoming.custody");
    std::fs::write(&bundle, bytes).unwrap();
    hand.set_mode("receive".into());
    hand.set_bundle_path(bundle.display().to_string().into());
    kiosk.borrow_mut().handover_import(app);
    scan(kiosk, app, &sent[0]);
    scan(kiosk, app, &sent[1]);
    scan(kiosk, app, &d.site.weapon_codes[36]);
    shots.push((
        name("handover-receive"),
        shoot(&window, &name("handover-receive")),
    ));
    kiosk.borrow_mut().handover_accept(app);
    shots.push((
        name("handover-received"),
        shoot(&window, &name("handover-received")),
    ));
    hand.set_mode("send".into());

    // Documents: everything issued so far, one certificate saved to the stick.
    kiosk.borrow_mut().navigate(app, Screen::Documents);
    shots.push((name("documents"), shoot(&window, &name("documents"))));
    let docs = app.global::<custody_kiosk::DocumentsState>();
    docs.set_selected(0);
    docs.set_folder(stick.path().display().to_string().into());
    kiosk.borrow_mut().documents_issue(app, false);
    shots.push((
        name("documents-saved"),
        shoot(&window, &name("documents-saved")),
    ));

    // Evidence: the review list, one exhibit's decision, its hold and its release.
    kiosk.borrow_mut().logout(app, None);
    kiosk.borrow_mut().login(app, "CUS1", "553719");
    kiosk.borrow_mut().navigate(app, Screen::Evidence);
    shots.push((name("evidence-due"), shoot(&window, &name("evidence-due"))));
    let due = kiosk
        .borrow()
        .ledger()
        .evidence_due(chrono::Local::now().date_naive())
        .unwrap();
    kiosk.borrow_mut().evidence_show(app, &due[0].code);
    let ev = app.global::<custody_kiosk::EvidenceState>();
    ev.set_authority("Basic Court Belgrade".into());
    ev.set_reference("K-412/26".into());
    shots.push((
        name("evidence-decision"),
        shoot(&window, &name("evidence-decision")),
    ));
    kiosk.borrow_mut().evidence_hold(app, true);
    ev.set_tab("hold".into());
    shots.push((
        name("evidence-hold"),
        shoot(&window, &name("evidence-hold")),
    ));
    ev.set_authority("Basic Court Belgrade".into());
    ev.set_reference("K-412/26-2".into());
    kiosk.borrow_mut().evidence_hold(app, false);
    ev.set_authority("Basic Court Belgrade".into());
    ev.set_reference("K-412/26-3".into());
    ev.set_choice("release_to_owner".into());
    kiosk.borrow_mut().evidence_decide(app);
    ev.set_tab("release".into());
    ev.set_owner("Petar Nikolić".into());
    ev.set_id_number("009876543".into());
    ev.set_witness_badge("INS1".into());
    ev.set_witness_pin("375298".into());
    kiosk.borrow_mut().evidence_release(app);
    shots.push((
        name("evidence-released"),
        shoot(&window, &name("evidence-released")),
    ));
    kiosk.borrow_mut().logout(app, None);
    kiosk.borrow_mut().login(app, "OFF1", "642087");

    // Serbian Cyrillic: sign-in and home.
    assert!(select_language("sr"), "Serbian Cyrillic is bundled");
    kiosk.borrow_mut().navigate(app, Screen::Home);
    shots.push(("sr-home".into(), shoot(&window, "sr-Cyrl-home")));
    assert!(has_text(app, "Почетна"), "the navigation reads in Cyrillic");
    kiosk.borrow_mut().logout(app, None);
    kiosk.borrow_mut().login(app, "OFF1", "9999");
    shots.push(("sr-login".into(), shoot(&window, "sr-Cyrl-login")));

    // Albanian: sign-in and intake.
    assert!(select_language("sq"), "Albanian is bundled");
    shots.push(("sq-login".into(), shoot(&window, "sq-login")));
    assert!(has_text(app, "Hyr"), "the sign-in button reads in Albanian");
    kiosk.borrow_mut().login(app, "OFF1", "642087");
    kiosk.borrow_mut().navigate(app, Screen::Intake);
    shots.push(("sq-intake".into(), shoot(&window, "sq-intake")));

    // Romanian and Croatian: the overview, and Settings with all nine languages on it.
    for (code, home) in [("ro", "Acasă"), ("hr", "Početna")] {
        assert!(select_language(code), "{code} is bundled");
        app.global::<custody_kiosk::SettingsState>()
            .set_language(code.into());
        kiosk.borrow_mut().navigate(app, Screen::Home);
        let shot = format!("{code}-home");
        shots.push((shot.clone(), shoot(&window, &shot)));
        assert!(has_text(app, home), "the navigation reads in {code}");
        kiosk.borrow_mut().navigate(app, Screen::Settings);
        let shot = format!("{code}-settings");
        shots.push((shot.clone(), shoot(&window, &shot)));
        for language in custody_i18n::Language::ALL {
            let own_name = language.native_name();
            assert!(has_text(app, own_name), "Settings offers {own_name}");
        }
    }

    assert!(select_language("en"));
    for (name, colours) in shots {
        // A blank or single-colour frame means the screen did not draw.
        assert!(colours > 50, "{name}: only {colours} colours");
    }
}

/// The same walk through every screen, once per language, each in its own process (Slint's
/// platform and translation are process-wide): screenshots-<code>/ under the target folder.
#[test]
fn every_screen_renders_in_each_of_the_nine_languages() {
    if std::env::var_os("CUSTODY_SCREENSHOT_LANG").is_some() {
        return; // a child of this test: only the walk runs
    }
    let me = std::env::current_exe().expect("this test binary");
    let walk = "every_screen_renders_in_english_and_some_in_serbian_cyrillic_albanian_romanian_and_croatian";
    // All at once: each walk is mostly one thread, and the machine has more than one core.
    let children: Vec<_> = custody_i18n::Language::ALL
        .into_iter()
        .skip(1)
        .map(|language| {
            let child = std::process::Command::new(&me)
                .args(["--exact", walk, "--test-threads", "1"])
                .env("CUSTODY_SCREENSHOT_LANG", language.code())
                .env_remove("CUSTODY_SCREENSHOTS")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("the test binary runs");
            (language, child)
        })
        .collect();
    let mut failed = Vec::new();
    for (language, child) in children {
        let out = child.wait_with_output().expect("the test binary runs");
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !text.contains("1 passed") {
            failed.push(format!(
                "{}: {}{}",
                language.code(),
                text,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
