//! Shared by the binary-driven scenario tests: run `custody` as a script would, read its output.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_custody");

/// Runs `custody --db DB ARGS` with the acting PIN (and witness PINs) in the environment.
pub fn run(db: &Path, args: &[&str], pin: &str, witness_pins: Option<&str>) -> Output {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("CUSTODY_PIN", pin)
        .env("CUSTODY_NEW_PIN", "5555")
        .env_remove("CUSTODY_AS")
        .env_remove("CUSTODY_WITNESS_PINS")
        .stdin(Stdio::null());
    if let Some(p) = witness_pins {
        c.env("CUSTODY_WITNESS_PINS", p);
    }
    c.output().expect("the custody binary runs")
}

/// Standard output and standard error together.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn ok(o: Output) -> String {
    assert!(o.status.success(), "command failed: {}", text(&o));
    text(&o)
}

/// The word after `prefix` in `out`.
pub fn word_after(out: &str, prefix: &str) -> String {
    let at = out
        .find(prefix)
        .unwrap_or_else(|| panic!("no '{prefix}' in {out}"))
        + prefix.len();
    out[at..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}
