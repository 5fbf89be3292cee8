//! Kiosk benchmarks, each against an anchor measured in the same run:
//! - `scan_to_screen_p50/p99`: bytes written to a pty by a simulated serial scanner, through
//!   the kiosk's `ScannerSession`, its 30 ms poll timer, `record_scan` (committed), the view
//!   model, to a frame drawn by the software renderer. Anchor: the same pty bytes through a
//!   `ScannerSession` read directly and `record_scan`, with no UI and no poll timer.
//! - `startup_to_login_100k` / `home_after_login_100k`: a fresh process opening a ledger of
//!   100,000 items, building the window and drawing the sign-in screen (then signing in and
//!   drawing the overview). Anchor: a fresh process opening the same ledger and counting its
//!   items with custody-core alone (`items().len()`).
//! - `vmhwm_login_100k`: peak resident memory (VmHWM) of that kiosk process, against the peak
//!   of the core-only process.
//!
//! Process-level figures run in child processes of this same binary (environment variable
//! `CUSTODY_BENCH_KIOSK_PROBE`), so seeding 100,000 items does not inflate the peak memory.

use crate::report::{figure, ms, percentile};
use custody_core::scans::ScanInput;
use custody_core::{Ledger, PersonRecord, Role};
use custody_kiosk::headless::Headless;
use custody_kiosk::scanner::{profile_or_generic, DemoScanner, LinkState, ScannerLink};
use custody_kiosk::Screen;
use custody_kiosk::{build_app, Kiosk, KioskOptions};
use custody_scan::session::{ScanEvent, ScannerSession, SessionConfig};
use custody_scan::sim::PtySimulator;
use std::path::Path;
use std::time::{Duration, Instant};

const SUITE: &str = "kiosk";
const PROBE: &str = "CUSTODY_BENCH_KIOSK_PROBE";
const POLL: Duration = Duration::from_millis(30);

pub fn run() -> anyhow::Result<()> {
    if let Ok(probe) = std::env::var(PROBE) {
        return run_probe(&probe);
    }
    let mut headless = Headless::install(1280, 800)?;
    if let Err(e) = scan_to_screen(&mut headless) {
        eprintln!("kiosk: scan to screen failed: {e:#}");
        error_line("scan_to_screen_p50", &e);
        error_line("scan_to_screen_p99", &e);
    }
    startup_and_memory()
}

fn error_line(name: &str, e: &anyhow::Error) {
    println!(
        "{}",
        serde_json::json!({"suite": SUITE, "name": name, "error": format!("{e:#}")})
    );
}

fn scan_to_screen(headless: &mut Headless) -> anyhow::Result<()> {
    const N: usize = 300;
    let dir = tempfile::tempdir()?;
    eprintln!("kiosk: seeding a demo site with {N} weapons ...");
    let site = custody_kiosk::demo::seed(dir.path(), N + 10)?;
    let ledger = Ledger::open(&site.ledger_path)?;
    let (app, kiosk) = build_app(Kiosk::new(ledger, KioskOptions::default()))?;
    headless.show(&app)?;
    let sim = DemoScanner::create(&dir.path().join("scanner"))?;
    let profile = profile_or_generic(None).ok_or_else(|| anyhow::anyhow!("no scanner profile"))?;
    let link = ScannerLink::start(sim.host_path(), profile, true).map_err(anyhow::Error::msg)?;
    kiosk.borrow_mut().scanners.push(link);
    kiosk.borrow_mut().demo = Some(sim);
    let deadline = Instant::now() + Duration::from_secs(5);
    while kiosk.borrow().scanners[0].state != LinkState::Connected {
        anyhow::ensure!(
            Instant::now() < deadline,
            "simulated scanner did not connect"
        );
        kiosk.borrow_mut().poll_scanners(&app);
        std::thread::sleep(Duration::from_millis(10));
    }
    kiosk.borrow_mut().login(&app, "OFF1", "642087");
    anyhow::ensure!(app.get_screen() == Screen::Home, "sign-in failed");
    headless.draw_all();

    eprintln!("kiosk: {N} scans from the pty to a drawn frame (30 ms poll timer) ...");
    let mut ours = Vec::with_capacity(N);
    let start = Instant::now();
    let mut tick = 0u64;
    for (i, code) in site.weapon_codes.iter().take(N).enumerate() {
        // Write at a phase that drifts against the timer, as a person's trigger pull would.
        std::thread::sleep(Duration::from_millis((i as u64 * 7) % 30));
        let shown = custody_kiosk::messages::display_code(code);
        let t0 = Instant::now();
        if let Some(d) = kiosk.borrow_mut().demo.as_mut() {
            d.scan(code.as_bytes())?;
        }
        loop {
            // The kiosk's poll timer fires every 30 ms from start, wherever the scan falls.
            tick += 1;
            let next = start + POLL * tick as u32;
            if let Some(wait) = next.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            } else {
                tick = (start.elapsed().as_millis() / POLL.as_millis()) as u64;
            }
            kiosk.borrow_mut().poll_scanners(&app);
            let seen = kiosk.borrow().last_scan_shown().as_deref() == Some(shown.as_str());
            if seen {
                break;
            }
            anyhow::ensure!(
                t0.elapsed() < Duration::from_secs(5),
                "scan {i} never shown"
            );
        }
        anyhow::ensure!(headless.draw(), "the confirmation frame was not drawn");
        ours.push(ms(t0.elapsed()));
    }
    drop(app);
    drop(kiosk);

    eprintln!("kiosk: anchor: the same pty bytes to a committed scan without the UI ...");
    let mut ledger = Ledger::open(&site.ledger_path)?;
    let actor = ledger.authenticate("OFF1", "642087")?;
    let link = dir.path().join("anchor-scanner");
    let mut sim = PtySimulator::create(Some(&link))?;
    let profile = profile_or_generic(None).ok_or_else(|| anyhow::anyhow!("no scanner profile"))?;
    let framing = profile.framing.clone();
    let session = ScannerSession::start(SessionConfig::new(&link, profile.clone()))?;
    while !matches!(
        session.next_event(Duration::from_secs(5)),
        Some(ScanEvent::Connected { .. }) | None
    ) {}
    let mut anchor = Vec::with_capacity(N);
    for (i, code) in site.weapon_codes.iter().take(N).enumerate() {
        std::thread::sleep(Duration::from_millis((i as u64 * 7) % 30));
        let t0 = Instant::now();
        sim.write(&framing.wrap(code.as_bytes()))?;
        let s = loop {
            match session.next_event(Duration::from_secs(5)) {
                Some(ScanEvent::Scan(s)) => break s,
                Some(_) => continue,
                None => anyhow::bail!("no scan event within 5 s"),
            }
        };
        let input = ScanInput {
            device: "bench".into(),
            port: link.display().to_string(),
            profile: profile.name.clone(),
            aim: String::new(),
            data: s.line.data.clone(),
            ignored: None,
        };
        ledger.record_scan(Some(&actor), &input)?;
        session.acknowledge(s.id, custody_scan::Outcome::Accepted)?;
        anchor.push(ms(t0.elapsed()));
    }
    ours.sort_by(f64::total_cmp);
    anchor.sort_by(f64::total_cmp);
    let anchor_name = "pty -> ScannerSession -> record_scan, no UI, no poll timer (same run)";
    for (name, p) in [("scan_to_screen_p50", 50.0), ("scan_to_screen_p99", 99.0)] {
        figure(
            SUITE,
            name,
            "ms",
            percentile(&ours, p),
            percentile(&anchor, p),
            anchor_name,
        );
    }
    Ok(())
}

fn seed_100k(path: &Path) -> anyhow::Result<()> {
    const ITEMS: usize = 100_000;
    let admin = PersonRecord {
        name: "Bench Admin".into(),
        service_number: String::new(),
        badge: "ADM1".into(),
        roles: vec![Role::Administrator, Role::Officer],
    };
    let (mut ledger, actor) = Ledger::create(path, "Bench depot", admin, "731904")?;
    let mut csv = String::from("serial,manufacturer,model,type,calibre,country,year\n");
    for i in 0..ITEMS {
        csv.push_str(&format!(
            "B{i:07},Zastava Arms,M70,rifle,7.62x39,RS,{}\n",
            1960 + i % 60
        ));
    }
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes())?;
    let t = Instant::now();
    let report = ledger.import_weapons(&actor, rows, 5_000, |_| {})?;
    anyhow::ensure!(
        report.imported.len() == ITEMS,
        "imported {} of {ITEMS}",
        report.imported.len()
    );
    eprintln!(
        "kiosk: seeded {ITEMS} items in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

#[derive(Default)]
struct ProbeResult {
    first_ms: f64,
    second_ms: f64,
    vmhwm_kib: f64,
}

fn probe(mode: &str, path: &Path) -> anyhow::Result<ProbeResult> {
    let exe = std::env::current_exe()?;
    let out = std::process::Command::new(exe)
        .arg("kiosk")
        .env(PROBE, format!("{mode}:{}", path.display()))
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "probe {mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(text.trim())?;
    let get = |k: &str| v.get(k).and_then(|x| x.as_f64()).unwrap_or(f64::NAN);
    Ok(ProbeResult {
        first_ms: get("first_ms"),
        second_ms: get("second_ms"),
        vmhwm_kib: get("vmhwm_kib"),
    })
}

fn startup_and_memory() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("100k.db");
    eprintln!("kiosk: seeding 100,000 items with import_weapons ...");
    seed_100k(&path)?;
    // Warm the page cache once so both sides read the file from memory.
    probe("core", &path)?;
    let mut ui = Vec::new();
    let mut core = Vec::new();
    for _ in 0..3 {
        ui.push(probe("ui", &path)?);
        core.push(probe("core", &path)?);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut ui_first: Vec<f64> = ui.iter().map(|r| r.first_ms).collect();
    let mut ui_home: Vec<f64> = ui.iter().map(|r| r.second_ms).collect();
    let mut ui_mem: Vec<f64> = ui.iter().map(|r| r.vmhwm_kib).collect();
    let mut core_open: Vec<f64> = core.iter().map(|r| r.first_ms).collect();
    let mut core_mem: Vec<f64> = core.iter().map(|r| r.vmhwm_kib).collect();
    let anchor =
        "fresh process: Ledger::open + items().len() with custody-core alone (median of 3)";
    let core_ms = median(&mut core_open);
    figure(
        SUITE,
        "startup_to_login_100k",
        "ms",
        median(&mut ui_first),
        core_ms,
        anchor,
    );
    figure(
        SUITE,
        "home_after_login_100k",
        "ms",
        median(&mut ui_home),
        core_ms,
        anchor,
    );
    if ui_mem.iter().chain(&core_mem).any(|m| !m.is_finite()) {
        println!(
            "{}",
            serde_json::json!({"suite": SUITE, "name": "vmhwm_login_100k",
                "error": "VmHWM not readable from /proc/self/status"})
        );
    } else {
        figure(
            SUITE,
            "vmhwm_login_100k",
            "MiB",
            median(&mut ui_mem) / 1024.0,
            median(&mut core_mem) / 1024.0,
            "VmHWM of a fresh process: Ledger::open + items().len() with custody-core alone",
        );
    }
    Ok(())
}

fn vmhwm_kib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<f64>().ok())
        })
        .unwrap_or(f64::NAN)
}

/// Runs in the child process: prints one JSON object and nothing else on stdout.
fn run_probe(spec: &str) -> anyhow::Result<()> {
    let (mode, path) = spec
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("bad probe spec"))?;
    let path = Path::new(path);
    let (first, second) = match mode {
        "core" => {
            let t = Instant::now();
            let ledger = Ledger::open(path)?;
            let n = ledger.items()?.len();
            anyhow::ensure!(n > 0, "no items");
            (ms(t.elapsed()), f64::NAN)
        }
        "ui" => {
            let t = Instant::now();
            let mut headless = Headless::install(1280, 800)?;
            let ledger = Ledger::open(path)?;
            let (app, kiosk) = build_app(Kiosk::new(ledger, KioskOptions::default()))?;
            headless.show(&app)?;
            anyhow::ensure!(headless.draw_all(), "login not drawn");
            let first = ms(t.elapsed());
            let t = Instant::now();
            kiosk.borrow_mut().login(&app, "ADM1", "731904");
            anyhow::ensure!(app.get_screen() == Screen::Home, "sign-in failed");
            anyhow::ensure!(headless.draw(), "home not drawn");
            (first, ms(t.elapsed()))
        }
        other => anyhow::bail!("unknown probe {other}"),
    };
    println!(
        "{}",
        serde_json::json!({"first_ms": first, "second_ms": second, "vmhwm_kib": vmhwm_kib()})
    );
    Ok(())
}
