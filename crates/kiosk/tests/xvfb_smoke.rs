//! The real window on a real (virtual) X server: `custody-kiosk --demo` starts under Xvfb,
//! builds its demo site, opens its window, stays up, and a screenshot of the X screen is taken
//! with ImageMagick's `import` (into target/tmp/screenshots/). CI installs xvfb and imagemagick (scripts/install-test-deps.sh).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use xvfb::{have, Killed};

#[path = "common/xvfb.rs"]
mod xvfb;

#[test]
fn the_demo_kiosk_opens_its_window_under_xvfb_and_stays_up() {
    let display = format!(":{}", 90 + std::process::id() % 9);
    let _x = xvfb::start(&display, "1280x800x24");
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut kiosk = Killed(
        Command::new(env!("CARGO_BIN_EXE_custody-kiosk"))
            .args(["--demo", "--demo-weapons", "30"])
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .spawn()
            .expect("custody-kiosk starts"),
    );
    // Seeding hashes four PINs and imports the weapons; then the window appears.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if let Some(status) = kiosk.0.try_wait().unwrap() {
            let said = std::fs::read_to_string(log.path()).unwrap_or_default();
            panic!("custody-kiosk --demo exited with {status}: {said}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    if have("import") {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let png = dir.join("xvfb-demo.png");
        let ok = Command::new("import")
            .args([
                "-display",
                &display,
                "-window",
                "root",
                png.to_str().unwrap(),
            ])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "ImageMagick could not capture the X screen");
        assert!(
            std::fs::metadata(&png).unwrap().len() > 10_000,
            "screenshot looks empty"
        );
    } else {
        eprintln!("imagemagick not installed: no screenshot taken");
    }
    assert!(
        kiosk.0.try_wait().unwrap().is_none(),
        "the kiosk is still running"
    );
}
