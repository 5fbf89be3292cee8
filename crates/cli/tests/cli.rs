//! The `custody` command-line contract, driven as an outside script would drive it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_custody");

struct Site {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

fn custody(db: &Path, args: &[&str], pin: &str) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("CUSTODY_PIN", pin)
        .env("CUSTODY_NEW_PIN", "375298")
        .env_remove("CUSTODY_AS")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "command failed: {}", text(&o));
    text(&o)
}

fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("depot.db");
    ok(custody(
        &db,
        &[
            "init",
            "--site-name",
            "Depot Test",
            "--admin-name",
            "Ana Admin",
            "--admin-badge",
            "ADM",
        ],
        "731904",
    ));
    ok(custody(
        &db,
        &[
            "--as",
            "ADM",
            "user",
            "add",
            "--name",
            "Oleg Officer",
            "--badge",
            "OFF",
            "--role",
            "officer",
        ],
        "731904",
    ));
    ok(custody(
        &db,
        &["--as", "OFF", "location", "add", "--name", "Vault A"],
        "375298",
    ));
    Site { _dir: dir, db }
}

fn write_csv(path: &Path, rows: usize, extra: &str) {
    let mut csv = String::from("serial,manufacturer,model,type,calibre,country,year,location\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "S{i:07},Zastava,M70,rifle,7.62x39,RS,1980,Vault A\n"
        ));
    }
    csv.push_str(extra);
    std::fs::write(path, csv).unwrap();
}

#[test]
fn an_officer_imports_a_campaign_list_and_bad_rows_are_reported_by_line() {
    let s = site();
    let csv = s.db.with_file_name("campaign.csv");
    write_csv(&csv, 50, "S0000003,ZASTAVA,M70,rifle,7.62x39,RS,1980,Vault A\n,Zastava,M70,rifle,,RS,1980,\nX1,Zastava,M70,rilfe,,RS,1980,\nX2,Zastava,M70,rifle,,RS,19x0,\nX3,Zastava,M70,rifle,,RS,1980,Nowhere\n");
    let out = custody(
        &s.db,
        &["--as", "OFF", "import", "weapons", csv.to_str().unwrap()],
        "375298",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("line 52: duplicate") && t.contains("is already registered as W"),
        "{t}"
    );
    assert!(t.contains("line 53: serial is empty"), "{t}");
    assert!(t.contains("line 54: unknown weapon type 'rilfe'"), "{t}");
    assert!(t.contains("line 55: year '19x0' is not a number"), "{t}");
    assert!(
        t.contains("line 56: no location with code or name 'Nowhere'"),
        "{t}"
    );
    assert!(t.contains("Imported 50 of 55 rows; 5 rejected"), "{t}");
    let export = ok(custody(&s.db, &["export", "items", "--format", "csv"], ""));
    assert_eq!(export.lines().count(), 51, "header + 50 items");
    // A clean file exits 0.
    let clean = s.db.with_file_name("clean.csv");
    write_csv(&clean, 0, "Z1,Beretta,92FS,pistol,9x19,IT,1999,Vault A\n");
    let out = custody(
        &s.db,
        &["--as", "OFF", "import", "weapons", clean.to_str().unwrap()],
        "375298",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_malformed_csv_header_is_refused_before_anything_is_written() {
    let s = site();
    let csv = s.db.with_file_name("bad.csv");
    std::fs::write(&csv, "serail,manufacturer\nA1,Zastava\n").unwrap();
    let out = custody(
        &s.db,
        &["--as", "OFF", "import", "weapons", csv.to_str().unwrap()],
        "375298",
    );
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(
        t.contains("missing: [serial, model, type, calibre, country, year], unknown: [serail]"),
        "{t}"
    );
}

#[test]
fn verify_names_the_first_bad_event_after_tampering() {
    let s = site();
    let out = ok(custody(&s.db, &["verify"], ""));
    assert!(out.starts_with("OK: "), "{out}");
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.execute_batch("DROP TRIGGER events_no_update; UPDATE events SET time = '2020-01-01T00:00:00.000000Z' WHERE seq = 4").unwrap();
    let out = custody(&s.db, &["verify"], "");
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert!(t.contains("first bad event: 4"), "{t}");
}

#[test]
fn verify_full_replays_every_event_and_the_default_only_the_new_ones() {
    let s = site();
    let first = ok(custody(&s.db, &["verify"], ""));
    assert!(
        first.contains("every event was replayed: no sidecar"),
        "{first}"
    );
    ok(custody(
        &s.db,
        &["--as", "OFF", "location", "add", "--name", "Vault B"],
        "375298",
    ));
    let out = ok(custody(&s.db, &["verify"], ""));
    assert!(out.contains("on top of the last verify's replay"), "{out}");
    let out = ok(custody(&s.db, &["verify", "--full"], ""));
    assert!(out.contains("every event replayed (whole replay)"), "{out}");
    assert!(!out.contains("every event was replayed:"), "{out}");
    let json = ok(custody(&s.db, &["verify", "--full", "--json"], ""));
    let report: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(report["replayed_from"], 1, "{json}");
    assert_eq!(report["sidecar_written"], true, "{json}");
    // A stored row edited behind the ledger's back is named by both.
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute(
            "UPDATE locations SET name = 'Elsewhere' WHERE name = 'Vault A'",
            [],
        )
        .unwrap();
    for args in [&["verify"][..], &["verify", "--full"][..]] {
        let out = custody(&s.db, args, "");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out).contains("projection 'locations'"),
            "{}",
            text(&out)
        );
    }
}

#[test]
fn item_show_history_and_exports_agree() {
    let s = site();
    let out = ok(custody(
        &s.db,
        &[
            "--as",
            "OFF",
            "weapon",
            "add",
            "--serial",
            "AB123",
            "--manufacturer",
            "Zastava",
            "--type",
            "pistol",
            "--location",
            "Vault A",
        ],
        "375298",
    ));
    let code = out
        .split_whitespace()
        .find(|w| w.starts_with('W'))
        .unwrap()
        .to_string();
    ok(custody(
        &s.db,
        &["--as", "OFF", "location", "add", "--name", "Vault B"],
        "375298",
    ));
    ok(custody(
        &s.db,
        &["--as", "OFF", "move", &code, "--to", "Vault B"],
        "375298",
    ));
    let show = ok(custody(&s.db, &["item", "show", "ab-123"], ""));
    assert!(
        show.contains("status:   in_store") && show.contains("location: Vault B"),
        "{show}"
    );
    assert!(show.contains("moved from Vault A to Vault B"), "{show}");
    let events = ok(custody(
        &s.db,
        &["export", "events", "--format", "jsonl"],
        "",
    ));
    let mut lines = events.lines().rev();
    let end: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let last: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(last["kind"], "item.move");
    // The export closes with a record of its length and head.
    assert_eq!(end["end"], "custody-export/v1");
    assert_eq!(end["head_seq"], last["seq"]);
    assert_eq!(end["head_hash"], last["hash"]);
    assert_eq!(last["hash"].as_str().unwrap().len(), 64);
    // Duplicate intake is refused with the existing code named.
    let dup = custody(
        &s.db,
        &[
            "--as",
            "OFF",
            "weapon",
            "add",
            "--serial",
            "ab 123",
            "--manufacturer",
            "zastava",
        ],
        "375298",
    );
    assert_eq!(dup.status.code(), Some(1));
    assert!(
        text(&dup).contains(&format!("already registered as {code}")),
        "{}",
        text(&dup)
    );
}

#[test]
fn an_outside_auditors_verifier_accepts_the_export_and_catches_a_change() {
    let s = site();
    ok(custody(
        &s.db,
        &["--as", "ADM", "checkpoint", "--reason", "audit"],
        "731904",
    ));
    let export = s.db.with_file_name("events.jsonl");
    ok(custody(
        &s.db,
        &[
            "export",
            "events",
            "--format",
            "jsonl",
            "-o",
            export.to_str().unwrap(),
        ],
        "",
    ));
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/tools/verify_export.py"
    );
    let run = |file: &Path| {
        Command::new("python3")
            .arg(script)
            .arg(file)
            .output()
            .expect("python3 is needed for this test")
    };
    let good = run(&export);
    assert!(good.status.success(), "{}", text(&good));
    assert!(
        text(&good).contains("1 checkpoints") || text(&good).contains("2 checkpoints"),
        "{}",
        text(&good)
    );
    let original = std::fs::read_to_string(&export).unwrap();
    let oleg_seq = original
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|e| e["payload"].as_str().unwrap().contains("Oleg Officer"))
        .unwrap()["seq"]
        .clone();
    let tampered = original.replace("Oleg Officer", "Olga Officer");
    let bad_file = s.db.with_file_name("tampered.jsonl");
    std::fs::write(&bad_file, tampered).unwrap();
    let bad = run(&bad_file);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad).contains(&format!("first bad event: {oleg_seq}")),
        "{}",
        text(&bad)
    );
    // A truncated export (the last events and the closing record lost) is refused, naming the
    // first event that is missing; so is a deleted event in the middle. The Rust verifier and
    // this one name the same number for a gap: the missing sequence number.
    let lines: Vec<&str> = original.lines().collect();
    let cut = s.db.with_file_name("cut.jsonl");
    std::fs::write(&cut, lines[..lines.len() - 3].join("\n") + "\n").unwrap();
    let out = run(&cut);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let first_missing = lines.len() - 3 + 1;
    assert!(
        text(&out).contains(&format!("first bad event: {first_missing}")),
        "{}",
        text(&out)
    );
    let gap = s.db.with_file_name("gap.jsonl");
    let mut without_5: Vec<&str> = lines.clone();
    without_5.remove(4);
    std::fs::write(&gap, without_5.join("\n") + "\n").unwrap();
    let out = run(&gap);
    assert!(text(&out).contains("first bad event: 5"), "{}", text(&out));
    // Without arguments it says how to use it.
    let usage = Command::new("python3").arg(script).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(text(&usage).contains("usage"), "{}", text(&usage));
}

#[test]
fn pins_never_come_from_argv_and_a_missing_pin_is_explained() {
    let s = site();
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&s.db)
        .args(["--as", "OFF", "location", "add", "--name", "Vault C"])
        .env_remove("CUSTODY_PIN")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("set CUSTODY_PIN"), "{}", text(&out));
    let wrong = custody(
        &s.db,
        &["--as", "OFF", "location", "add", "--name", "Vault C"],
        "0000",
    );
    assert!(
        text(&wrong).contains("wrong PIN for badge 'OFF' (4 attempts left"),
        "{}",
        text(&wrong)
    );
}

/// The process is killed with SIGKILL in the middle of a bulk import: the ledger must verify
/// and contain every row that was reported committed.
#[cfg(unix)]
#[test]
fn a_bulk_import_killed_mid_way_loses_nothing_it_reported_committed() {
    let s = site();
    let csv = s.db.with_file_name("big.csv");
    write_csv(&csv, 40_000, "");
    let mut child = Command::new(BIN)
        .arg("--db")
        .arg(&s.db)
        .args([
            "--as",
            "OFF",
            "import",
            "weapons",
            csv.to_str().unwrap(),
            "--batch",
            "500",
        ])
        .env("CUSTODY_PIN", "375298")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut reported = (0usize, 0u64);
    for line in lines.by_ref() {
        let line = line.unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"committed") {
            reported = (
                words[1].parse().unwrap(),
                words.last().unwrap().trim_end_matches(')').parse().unwrap(),
            );
            if reported.0 >= 3_000 {
                break;
            }
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import must have been killed mid-way, not finished"
    );
    assert!(reported.0 >= 3_000 && reported.0 < 40_000, "{reported:?}");
    let out = ok(custody(&s.db, &["verify"], ""));
    assert!(out.starts_with("OK"), "{out}");
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let count: usize = conn
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .unwrap();
    assert!(
        count >= reported.0,
        "{count} items in the ledger, {} reported",
        reported.0
    );
    // Every serial up to the last reported line is present (line 2 holds S0000000).
    let last_serial = format!("S{:07}", reported.1 - 2);
    let present: usize = conn
        .query_row(
            "SELECT count(*) FROM items WHERE serial <= ?1",
            [&last_serial],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(present as u64, reported.1 - 1);
}
