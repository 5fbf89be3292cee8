//! `custody codes parse` and `custody labels print` as an outside script uses them.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_custody");

fn parse(args: &[&str], stdin: Option<&str>) -> (Vec<serde_json::Value>, Option<i32>) {
    let mut child = Command::new(BIN)
        .args(["codes", "parse"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, out.status.code())
}

#[test]
fn a_gs1_128_scan_with_a_separator_gives_its_elements_in_order() {
    // GS1 General Specifications example GTIN 09506000134352 (check digit 2), serial ABC123.
    let (out, code) = parse(&[r"]C10109506000134352\x1D21ABC123"], None);
    assert_eq!(code, Some(0));
    assert_eq!(out[0]["kind"], "gs1");
    assert_eq!(
        out[0]["elements"],
        serde_json::json!([{"ai": "01", "value": "09506000134352"}, {"ai": "21", "value": "ABC123"}])
    );
}

#[test]
fn a_mil_std_130_construct_1_envelope_gives_its_uii() {
    // DESIGN.md: [)>RS 06 GS 18S0CVA5674A36458 RS EOT -> D0CVA5674A36458
    let (out, code) = parse(&[r"[)>\x1E06\x1D18S0CVA5674A36458\x1E\x04"], None);
    assert_eq!(code, Some(0));
    assert_eq!(out[0]["kind"], "uii");
    assert_eq!(out[0]["uii"], "D0CVA5674A36458");
}

#[test]
fn bad_input_gives_an_error_object_and_a_non_zero_exit_after_all_lines() {
    let (out, code) = parse(&[], Some("]C10109506000134353\nW-00000-00001-W\n\n"));
    assert_ne!(code, Some(0));
    assert!(
        out[0]["error"].as_str().unwrap().contains("check digit"),
        "{}",
        out[0]
    );
    assert_eq!(out[1]["kind"], "custody");
    assert_eq!(out[1]["code"], "W0000000001W");
}

#[test]
fn shelf_labels_for_every_location_print_on_an_a4_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("CUSTODY_PIN", "731904")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&[
        "init",
        "--site-name",
        "D",
        "--admin-name",
        "A",
        "--admin-badge",
        "A",
    ]);
    run(&["--as", "A", "location", "add", "--name", "Vault A / Rack 1"]);
    run(&["--as", "A", "location", "add", "--name", "Vault A / Rack 2"]);
    let pdf = dir.path().join("shelves.pdf");
    run(&[
        "labels",
        "print",
        "--locations",
        "--badges",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Vault A / Rack 1") && text.contains("Vault A / Rack 2"),
        "{text}"
    );
    let list = run(&["location", "list"]);
    for line in list.lines() {
        let code = line.split_whitespace().next().unwrap();
        let display = format!(
            "{}-{}-{}-{}",
            &code[..1],
            &code[1..6],
            &code[6..11],
            &code[11..]
        );
        assert!(text.contains(&display), "{display} missing from {text}");
    }
}
