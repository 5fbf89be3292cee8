//! The site PC's first minute: the kiosk is started exactly as the package's unit starts it
//! (its arguments are read from packaging/debian/custody.custody-kiosk.service), on an X server
//! with no window manager, as `xinit` gives it on a site PC. Nobody clicks and nothing is told to
//! focus anything: a keyboard-wedge scanner's first scan (typed by `xdotool type`) must land in
//! the ledger, and the window must cover the whole screen. The screen is larger than the
//! kiosk's default window, so the pointer does not start over it.

use custody_core::domain::{PersonRecord, Role};
use custody_core::Ledger;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use xvfb::{have, Killed};

#[path = "common/xvfb.rs"]
mod xvfb;

/// The kiosk's arguments in the unit's `ExecStart=xinit /usr/bin/custody-kiosk ARGS -- SERVER`.
fn kiosk_args_from_unit(db: &Path) -> Vec<String> {
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../packaging/debian/custody.custody-kiosk.service"),
    )
    .expect("the kiosk unit file");
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("ExecStart in the unit");
    let client = exec
        .split_once("/usr/bin/custody-kiosk ")
        .and_then(|(_, rest)| rest.split_once(" -- "))
        .map(|(client, _server)| client)
        .expect("ExecStart runs xinit /usr/bin/custody-kiosk ... -- server");
    client
        .split_whitespace()
        .filter(|w| *w != "$CUSTODY_KIOSK_ARGS")
        .map(|w| match w {
            "${CUSTODY_DB}" => db.display().to_string(),
            other => other.to_string(),
        })
        .collect()
}

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_wedge_scan_right_after_boot_lands_in_the_ledger_with_no_click_and_no_focus_command() {
    assert!(
        have("xdotool"),
        "xdotool is not installed: run scripts/install-test-deps.sh"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("custody.db");
    let admin = PersonRecord {
        name: "Ana Admin".into(),
        service_number: "A-1".into(),
        badge: "ADM1".into(),
        roles: vec![Role::Administrator],
    };
    drop(Ledger::create(&db, "Boot Test Depot", admin, "731904").unwrap());
    let args = kiosk_args_from_unit(&db);
    assert!(args.iter().any(|a| a == "--fullscreen"), "{args:?}");

    let display = format!(":{}", 60 + std::process::id() % 20);
    let _x = xvfb::start(&display, "1920x1080x24");
    let log = tempfile::NamedTempFile::new().unwrap();
    let kiosk = Killed(
        Command::new(env!("CARGO_BIN_EXE_custody-kiosk"))
            .args(&args)
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .spawn()
            .expect("custody-kiosk starts"),
    );
    // Wait for the window to exist (a query, not a focus command), plus a moment to settle.
    let pid = kiosk.0.id().to_string();
    let started = Instant::now();
    let window = loop {
        let found = xdotool(&display, &["search", "--onlyvisible", "--pid", &pid]);
        if let Some(w) = found.lines().next() {
            break w.to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no kiosk window: {}",
            std::fs::read_to_string(log.path()).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_millis(1500));

    let badge = "BOOT-SCAN-4711";
    xdotool(&display, &["type", "--delay", "8", &format!("{badge}\n")]);

    let wanted = badge
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let started = Instant::now();
    loop {
        let ledger = Ledger::open(&db).unwrap();
        let scans: Vec<_> = ledger
            .events_from(1)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == "scan.recorded")
            .collect();
        if let Some(scan) = scans
            .iter()
            .find(|e| e.payload.contains(&format!("\"data_hex\":\"{wanted}\"")))
        {
            assert!(
                scan.payload.contains("\"device\":\"keyboard wedge\""),
                "recorded as a wedge burst, not as typing: {}",
                scan.payload
            );
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the scan typed after boot is not in the ledger (scans there: {scans:?}); kiosk said: {}",
            std::fs::read_to_string(log.path()).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let geometry = xdotool(&display, &["getwindowgeometry", &window]);
    assert!(
        geometry.contains("Geometry: 1920x1080"),
        "the kiosk does not cover the screen: {geometry}"
    );
}
