//! `custody scanner` from a technician's chair: which scanners keep "the beep means it is in
//! the ledger", and an emulated Honeywell set up with `configure`, watched with `monitor`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_custody");

#[test]
fn the_profile_list_says_which_scanners_beep_before_the_record_is_committed() {
    let out = Command::new(BIN)
        .args(["scanner", "profiles", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_name = |n: &str| {
        lines
            .iter()
            .find(|v| v["name"] == n)
            .unwrap_or_else(|| panic!("{n} missing"))
            .clone()
    };
    for name in ["datalogic-gryphon-gd4500", "generic-cdc"] {
        let v = by_name(name);
        assert_eq!(v["beep_means_recorded"], false, "{name}");
        assert_eq!(
            v["feedback"],
            "this scanner beeps on read; the screen confirms the record"
        );
    }
    for name in ["honeywell-granit-1981i", "zebra-ds2208"] {
        assert_eq!(by_name(name)["beep_means_recorded"], true, "{name}");
    }
}

#[test]
fn an_emulated_honeywell_is_configured_then_watched_and_every_answer_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("codes.txt");
    std::fs::write(&script, "CUS-00001-1\n").unwrap();
    let link = dir.path().join("honeywell");
    let mut sim = Command::new(BIN)
        .args(["scanner", "simulate", "--emulate", "honeywell", "--script"])
        .arg(&script)
        .arg("--link")
        .arg(&link)
        .args(["--start-delay-ms", "4000", "--interval-ms", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The emulator prints the port's path once it exists.
    let mut first = String::new();
    BufReader::new(sim.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first.trim(), link.display().to_string());

    let conf = Command::new(BIN)
        .args(["scanner", "configure"])
        .arg(&link)
        .args(["--profile", "honeywell-xenon-1950g"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&conf.stdout).into_owned();
    assert!(conf.status.success(), "{text}");
    assert!(
        text.contains("check OK       Prefix is the AIM ID"),
        "{text}"
    );
    assert!(text.contains("check OK       Host ACK is on"), "{text}");

    let mon = Command::new(BIN)
        .args(["scanner", "monitor"])
        .arg(&link)
        .args(["--profile", "honeywell-xenon-1950g", "--count", "1"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&mon.stdout).into_owned();
    assert!(mon.status.success(), "{out}");
    let scan: serde_json::Value = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["event"] == "scan")
        .unwrap();
    assert_eq!(scan["scan"]["aim"], "]C0");
    assert_eq!(scan["scan"]["data"], "CUS-00001-1");
    let _ = sim.wait();
}
