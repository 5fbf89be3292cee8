//! A real (virtual) X server for the tests that start the kiosk binary: Xvfb on its own display,
//! killed when the test ends, passed or not.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A child process killed (and reaped) on drop.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether a program is on the PATH.
pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts Xvfb on `display` with one screen of `size` (e.g. "1280x800x24"), no window manager.
pub fn start(display: &str, size: &str) -> Killed {
    assert!(
        have("Xvfb"),
        "Xvfb is not installed: run scripts/install-test-deps.sh (apt-get install xvfb)"
    );
    let x = Killed(
        Command::new("Xvfb")
            .args([display, "-screen", "0", size, "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts"),
    );
    std::thread::sleep(Duration::from_millis(800));
    x
}
