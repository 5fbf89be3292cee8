//! Shared helpers for the end-to-end scenarios in tests/*.rs: where the `custody` binary is,
//! and a small site to work on.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The `custody` binary of this workspace, built once if a test runs before it exists.
pub fn custody_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        // target/<profile>/deps/<test> -> target/<profile>/custody
        let exe = std::env::current_exe().expect("test executable path");
        let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
        let bin = dir.join(format!("custody{}", std::env::consts::EXE_SUFFIX));
        if !bin.exists() {
            let status = std::process::Command::new(env!("CARGO"))
                .args(["build", "-p", "custody-cli", "--bin", "custody"])
                .status()
                .expect("cargo build of the custody binary");
            assert!(status.success(), "could not build the custody binary");
        }
        bin
    })
    .clone()
}
