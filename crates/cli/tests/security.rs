//! The audit's attacks on the command line (docs/SECURITY.md), run through the binary as an
//! attacker would: each is refused with a clear message and changes nothing it should not.

mod common;

use common::{depot, ok, run, text};
use std::path::Path;

/// Events other than sign-in attempts (a refused command still records who tried).
fn events(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM events WHERE kind NOT LIKE 'auth.%'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn refused(db: &Path, args: &[&str], pin: &str, needle: &str) {
    let before = events(db);
    let o = run(db, args, pin, None);
    assert!(!o.status.success(), "{args:?} was accepted: {}", text(&o));
    assert!(
        text(&o).contains(needle),
        "expected '{needle}' in: {}",
        text(&o)
    );
    assert_eq!(events(db), before, "{args:?} wrote to the ledger");
}

#[test]
fn nothing_writes_to_the_ledger_without_a_signed_in_person() {
    let s = depot("Depot", vec!["S1".into()]);
    let out = s.file("history.pdf");
    for args in [
        vec!["checkpoint", "--reason", "x"],
        vec!["rebuild"],
        vec![
            "report",
            "history",
            &s.weapons[0],
            "-o",
            out.to_str().unwrap(),
        ],
        vec!["scan", "--port", "/dev/null"],
    ] {
        refused(&s.db, &args, "", "--as BADGE");
    }
    assert!(!out.exists());
    // An officer may not rebuild; the administrator may.
    refused(
        &s.db,
        &["--as", "OFF", "rebuild"],
        "375298",
        "needs the role administrator",
    );
    ok(run(&s.db, &["--as", "ADM", "rebuild"], "731904", None));
    // An on-demand checkpoint names who asked for it.
    ok(run(
        &s.db,
        &["--as", "OFF", "checkpoint", "--reason", "end of shift"],
        "375298",
        None,
    ));
    let reason: String = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row(
            "SELECT json_extract(payload, '$.reason') FROM events WHERE kind = 'checkpoint'
             ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(reason.contains("Oleg Officer (OFF)"), "{reason}");
}

#[cfg(unix)]
#[test]
fn an_output_path_planted_as_a_symlink_is_replaced_not_written_through() {
    use std::os::unix::fs::PermissionsExt;
    let s = depot("Depot", vec!["S1".into()]);
    let ledger_before = std::fs::read(&s.db).unwrap();
    let trap = s.file("items.csv");
    std::os::unix::fs::symlink(&s.db, &trap).unwrap();
    ok(run(
        &s.db,
        &[
            "export",
            "items",
            "--format",
            "csv",
            "-o",
            trap.to_str().unwrap(),
        ],
        "",
        None,
    ));
    assert_eq!(std::fs::read(&s.db).unwrap(), ledger_before);
    let meta = std::fs::symlink_metadata(&trap).unwrap();
    assert!(meta.file_type().is_file());
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&trap).unwrap().contains("S1"));
}

#[test]
fn formula_cells_leave_the_export_as_text() {
    let s = depot("Depot", vec![]);
    ok(run(
        &s.db,
        &[
            "--as",
            "OFF",
            "weapon",
            "add",
            "--serial",
            "=HYPERLINK(\"http://evil\",\"x\")",
            "--manufacturer",
            "+SUM(A1)",
            "--model",
            "@cmd",
            "--type",
            "rifle",
        ],
        "375298",
        None,
    ));
    let csv = ok(run(
        &s.db,
        &["export", "items", "--format", "csv"],
        "",
        None,
    ));
    for formula in ["=HYPERLINK", "+SUM", "@cmd"] {
        assert!(
            csv.contains(&format!("'{formula}")),
            "{formula} not neutralised: {csv}"
        );
        for line in csv.lines() {
            for cell in line.split(',') {
                assert!(
                    !cell.trim_start_matches('"').starts_with(formula),
                    "{formula} runs in a spreadsheet: {line}"
                );
            }
        }
    }
    // A terminal escape never gets into the record in the first place.
    refused(
        &s.db,
        &[
            "--as",
            "OFF",
            "weapon",
            "add",
            "--serial",
            "ESC-1",
            "--manufacturer",
            "Zastava",
            "--model",
            "\u{1b}[2J",
            "--type",
            "rifle",
        ],
        "375298",
        "control characters",
    );
}

#[cfg(unix)]
#[test]
fn an_endless_or_oversized_bundle_file_is_refused_before_it_is_read() {
    let s = depot("Depot", vec![]);
    refused(
        &s.db,
        &["--as", "OFF", "handover", "import", "/dev/zero"],
        "375298",
        "larger than",
    );
}

#[test]
fn a_demo_ledger_says_so_and_issues_no_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::BIN)
        .args(["demo", "--weapons", "20", "--dir"])
        .arg(dir.path())
        .env_remove("CUSTODY_DB")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let db = dir.path().join("demo-site.db");
    let listed = run(&db, &["item", "show", "M70"], "", None);
    assert!(text(&listed).contains("DEMO LEDGER"), "{}", text(&listed));
    // No certificate, manifest or stocktake report is sealed from a demo ledger.
    for kind in ["certificate", "manifest", "stocktake"] {
        let pdf = dir.path().join(format!("{kind}.pdf"));
        refused(
            &db,
            &[
                "--as",
                "ADM1",
                "report",
                kind,
                "X-1",
                "-o",
                pdf.to_str().unwrap(),
            ],
            "731904",
            "demo ledger",
        );
        assert!(!pdf.exists());
    }
}

#[test]
fn witnesses_pins_are_never_taken_from_the_operators_environment() {
    let s = depot("Depot", vec!["S1".into()]);
    let mut c = std::process::Command::new(common::BIN);
    c.arg("--db")
        .arg(&s.db)
        .args(["--as", "OFF", "stocktake", "open", "--location", "Vault A"])
        .env("CUSTODY_PIN", "375298")
        .stdin(std::process::Stdio::null());
    let opened = c.output().unwrap();
    assert!(opened.status.success(), "{}", text(&opened));
    let code = common::word_after(&text(&opened), "Stocktake ");
    let before: i64 = rusqlite::Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT max(seq) FROM events", [], |r| r.get(0))
        .unwrap();
    let o = std::process::Command::new(common::BIN)
        .arg("--db")
        .arg(&s.db)
        .args([
            "--as",
            "OFF",
            "stocktake",
            "close",
            &code,
            "--witness",
            "INS",
        ])
        .env("CUSTODY_PIN", "375298")
        .env("CUSTODY_WITNESS_PINS", "375298")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("types their own PIN"), "{}", text(&o));
    // Only the operator's own sign-in attempt was recorded.
    let written: Vec<String> = {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        let mut stmt = conn
            .prepare("SELECT kind FROM events WHERE seq > ?1")
            .unwrap();
        stmt.query_map([before], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(
        written.iter().all(|k| k.starts_with("auth.")),
        "{written:?}"
    );
}

#[test]
fn an_import_batch_larger_than_the_lock_allows_is_refused_by_name() {
    let s = depot("Depot", vec![]);
    let csv = s.file("rows.csv");
    std::fs::write(
        &csv,
        "serial,manufacturer,model,type,calibre,country,year\nQ1,Zastava,M70,rifle,7.62x39,RS,1984\n",
    )
    .unwrap();
    refused(
        &s.db,
        &[
            "--as",
            "OFF",
            "import",
            "weapons",
            csv.to_str().unwrap(),
            "--batch",
            "150000",
        ],
        "375298",
        "--batch",
    );
}

#[test]
fn break_glass_restores_an_administrator_with_the_site_key_and_is_on_the_record() {
    let s = depot("Depot", vec![]);
    let key = format!("{}.key", s.db.display());
    let out = std::process::Command::new(common::BIN)
        .arg("--db")
        .arg(&s.db)
        .args([
            "break-glass",
            "--key-file",
            &key,
            "--badge",
            "OFF",
            "--reason",
            "the only administrator retired",
        ])
        .env("CUSTODY_NEW_PIN", "570913")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    ok(run(
        &s.db,
        &[
            "--as",
            "OFF",
            "user",
            "add",
            "--name",
            "New Admin",
            "--badge",
            "NA1",
            "--role",
            "administrator",
        ],
        "570913",
        None,
    ));
    assert!(ok(run(&s.db, &["verify"], "", None)).starts_with("OK:"));
}
