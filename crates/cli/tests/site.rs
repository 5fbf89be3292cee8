//! Backups that verify, restores that refuse what does not, and a doctor that says what a
//! site PC lacks, driven through the binary as an administrator or a timer would.

mod common;

use common::{depot, ok, run, text, BIN};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn backups_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn campaign(path: &Path, prefix: &str, rows: usize) {
    let mut csv = String::from("serial,manufacturer,model,type,calibre,country,year\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{prefix}{i:06},Zastava,M70,rifle,7.62x39,RS,1984\n"
        ));
    }
    std::fs::write(path, csv).unwrap();
}

fn restore(db: &Path, from: &Path) -> std::process::Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .arg("restore")
        .arg(from)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_backup_taken_while_another_process_commits_ten_thousand_events_verifies_and_restores() {
    let s = depot("Depot", vec![]);
    let csv = s.file("campaign.csv");
    campaign(&csv, "BK", 10_000);
    let writer = Command::new(BIN)
        .arg("--db")
        .arg(&s.db)
        .args(["--as", "OFF", "import", "weapons"])
        .arg(&csv)
        .args(["--batch", "50"])
        .env("CUSTODY_PIN", "375298")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stick = tempfile::tempdir().unwrap();
    // Backups while the import commits, batch after batch.
    let mut taken = 0;
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let out = ok(run(
            &s.db,
            &["backup", "--to", stick.path().to_str().unwrap()],
            "",
            None,
        ));
        assert!(out.contains("Backup verified"), "{out}");
        taken += 1;
    }
    let status = writer.wait_with_output().unwrap().status;
    assert!(status.success());
    let folders = backups_in(stick.path());
    assert_eq!(folders.len(), taken);
    for folder in &folders {
        let target = stick.path().join(format!(
            "restored-{}.db",
            folder.file_name().unwrap().to_string_lossy()
        ));
        let out = restore(&target, folder);
        assert!(out.status.success(), "{}", text(&out));
        let verified = ok(run(&target, &["verify"], "", None));
        assert!(verified.starts_with("OK:"), "{verified}");
    }
    // The live ledger is untouched and complete.
    let items = ok(run(
        &s.db,
        &["export", "items", "--format", "csv"],
        "",
        None,
    ));
    assert_eq!(items.lines().filter(|l| l.contains("BK0")).count(), 10_000);
}

#[test]
fn an_interrupted_or_tampered_backup_is_never_restored() {
    let s = depot("Depot", vec!["T1".into()]);
    let csv = s.file("campaign.csv");
    campaign(&csv, "KL", 20_000);
    ok(run(
        &s.db,
        &["--as", "OFF", "import", "weapons", csv.to_str().unwrap()],
        "375298",
        None,
    ));
    let stick = tempfile::tempdir().unwrap();
    // SIGKILL in the middle of a backup of 20,000 weapons.
    let mut child = Command::new(BIN)
        .arg("--db")
        .arg(&s.db)
        .args(["backup", "--to"])
        .arg(stick.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    child.kill().unwrap();
    let killed = child.wait().unwrap();
    let target = s.file("restored.db");
    let leftovers = backups_in(stick.path());
    for folder in &leftovers {
        let finished = folder.join("MANIFEST").exists();
        let out = restore(&target, folder);
        assert_eq!(
            out.status.success(),
            finished,
            "{}: {}",
            folder.display(),
            text(&out)
        );
    }
    if !killed.success() {
        // Killed before it finished: no folder under a backup's final name was left.
        assert!(
            leftovers
                .iter()
                .all(|f| f.file_name().unwrap().to_string_lossy().starts_with('.')),
            "{leftovers:?}"
        );
    }
    let _ = std::fs::remove_file(&target);

    // A finished backup with one byte of its ledger changed: refused by its SHA-256.
    ok(run(
        &s.db,
        &["backup", "--to", stick.path().to_str().unwrap()],
        "",
        None,
    ));
    let good = backups_in(stick.path())
        .into_iter()
        .find(|f| f.join("MANIFEST").exists())
        .unwrap();
    let copy = good.join("ledger.db");
    let mut bytes = std::fs::read(&copy).unwrap();
    // The rifle's serial in its register event, wherever the file holds it: a page may also
    // keep a stale copy in its free space, which no reader sees.
    let needle = b"\"serial\":\"T1\"";
    let found: Vec<usize> = (0..bytes.len() - needle.len())
        .filter(|&at| &bytes[at..at + needle.len()] == needle)
        .collect();
    assert!(!found.is_empty());
    for at in found {
        bytes[at + needle.len() - 2] = b'7';
    }
    std::fs::write(&copy, &bytes).unwrap();
    let out = restore(&target, &good);
    assert!(!out.status.success());
    assert!(text(&out).contains("SHA-256"), "{}", text(&out));
    // And with the manifest's checksum forged to match: refused because it does not verify.
    let manifest = std::fs::read_to_string(good.join("MANIFEST")).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&bytes))
    };
    m["sha256"] = digest.into();
    std::fs::write(good.join("MANIFEST"), m.to_string()).unwrap();
    let out = restore(&target, &good);
    assert!(!out.status.success());
    assert!(text(&out).contains("does not verify"), "{}", text(&out));
    assert!(!target.exists(), "nothing was put in place");
}

#[test]
fn a_restore_keeps_the_ledger_it_replaces_and_refuses_to_go_back_before_signed_history() {
    let s = depot("Depot", vec!["R1".into()]);
    let stick = tempfile::tempdir().unwrap();
    ok(run(
        &s.db,
        &["backup", "--to", stick.path().to_str().unwrap()],
        "",
        None,
    ));
    let backup = backups_in(stick.path()).remove(0);
    // More signed history after the backup: restoring over it is refused.
    ok(run(
        &s.db,
        &["--as", "ADM", "checkpoint", "--reason", "after the backup"],
        "731904",
        None,
    ));
    let out = restore(&s.db, &backup);
    assert!(!out.status.success());
    assert!(text(&out).contains("erase history"), "{}", text(&out));
    // With the live ledger moved away (it was lost), the backup goes in; a file that stands
    // where the ledger goes is kept aside, not overwritten.
    std::fs::rename(&s.db, s.file("damaged.db")).unwrap();
    std::fs::write(&s.db, b"not a ledger").unwrap();
    let out = restore(&s.db, &backup);
    assert!(out.status.success(), "{}", text(&out));
    let aside: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".replaced-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        std::fs::read(s.dir.path().join(&aside[0])).unwrap(),
        b"not a ledger"
    );
    assert!(ok(run(&s.db, &["verify"], "", None)).starts_with("OK:"));
}

#[test]
fn the_doctor_names_what_a_site_lacks() {
    let s = depot("Depot", vec![]);
    let stick = tempfile::tempdir().unwrap();
    let out = run(
        &s.db,
        &["doctor", "--backups", stick.path().to_str().unwrap()],
        "",
        None,
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("ok       ledger verifies"), "{said}");
    assert!(said.contains("PROBLEM  no verified backup"), "{said}");
    ok(run(
        &s.db,
        &["backup", "--to", stick.path().to_str().unwrap()],
        "",
        None,
    ));
    let out = run(
        &s.db,
        &["doctor", "--backups", stick.path().to_str().unwrap()],
        "",
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("last verified backup"),
        "{}",
        text(&out)
    );
    // The key file readable by others, then gone.
    let key = PathBuf::from(format!("{}.key", s.db.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = run(&s.db, &["doctor"], "", None);
        assert!(
            text(&out).contains("WARNING  the site key"),
            "{}",
            text(&out)
        );
    }
    std::fs::rename(&key, s.file("away.key")).unwrap();
    let out = run(&s.db, &["doctor"], "", None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("site key"), "{}", text(&out));
    assert!(text(&out).contains("is missing"), "{}", text(&out));
}

/// A package downgrade leaves an older program in front of a newer ledger: it must refuse to
/// open it, say why and what to do, and change nothing.
#[test]
fn an_older_program_refuses_a_ledger_written_by_a_newer_one_and_changes_nothing() {
    let s = depot("Depot", vec![]);
    {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        conn.execute_batch("PRAGMA user_version = 999;").unwrap();
    }
    let before = std::fs::read(&s.db).unwrap();
    for args in [
        &["verify"][..],
        &["doctor"][..],
        &["--as", "ADM", "backup", "--to", "x"][..],
    ] {
        let out = run(&s.db, args, "731904", None);
        assert!(!out.status.success(), "{args:?} opened a newer ledger");
        let said = text(&out);
        assert!(
            said.contains("newer Custody (schema 999") && said.contains("update the program"),
            "{args:?}: {said}"
        );
    }
    assert_eq!(
        std::fs::read(&s.db).unwrap(),
        before,
        "the ledger file changed"
    );
}

#[test]
fn an_administrator_sets_the_checkpoint_policy_and_site_show_and_verify_state_the_window() {
    let s = depot("Depot", vec!["CP1".into(), "CP2".into()]);
    let show = ok(run(&s.db, &["site", "show"], "", None));
    assert!(
        show.contains("after at most 1000 unsigned events, or at the first write 60 minutes"),
        "{show}"
    );
    assert!(show.contains("not yet covered by a signature:"), "{show}");
    // Nonsense is refused with the bounds, by the core (0, too large) or by the parser.
    let admin = ["--as", "ADM", "site", "checkpoint-policy"];
    let with = |extra: &[&'static str]| [&admin[..], extra].concat();
    common::refused(
        &s.db,
        &with(&["--every-events", "0"]),
        "731904",
        None,
        "events between checkpoints must be from 1 to 10000, not 0",
    );
    common::refused(
        &s.db,
        &with(&["--every-minutes", "1441"]),
        "731904",
        None,
        "minutes between checkpoints must be from 1 to 1440, not 1441",
    );
    common::refused(
        &s.db,
        &[
            "--as",
            "OFF",
            "site",
            "checkpoint-policy",
            "--every-events",
            "50",
        ],
        "375298",
        None,
        "administrator",
    );
    let before = common::state(&s.db);
    let o = run(&s.db, &with(&["--every-events", "-5"]), "731904", None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run(&s.db, &with(&[]), "731904", None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("--every-events N, --every-minutes M"));
    assert_eq!(common::state(&s.db), before);
    // A good policy is two recorded settings; the minutes stay when only events are given.
    let set = ok(run(
        &s.db,
        &with(&["--every-events", "5", "--every-minutes", "30"]),
        "731904",
        None,
    ));
    assert!(set.contains("Checkpoint policy recorded (event "), "{set}");
    let again = ok(run(&s.db, &with(&["--every-events", "7"]), "731904", None));
    assert!(
        again.contains("after at most 7 unsigned events, or at the first write 30 minutes"),
        "{again}"
    );
    let verify = ok(run(&s.db, &["verify"], "", None));
    assert!(
        verify.contains(
            "checkpoint policy: the ledger signs its head after at most 7 unsigned events"
        ),
        "{verify}"
    );
    let settings = ok(run(&s.db, &["evidence", "settings"], "", None));
    assert!(
        settings.contains("checkpoint.every_events = 7"),
        "{settings}"
    );
    assert!(
        settings.contains("checkpoint.every_minutes = 30"),
        "{settings}"
    );
    // Ten weapons imported three to a transaction under a policy of 7: the tail shown stays
    // under 7.
    let csv = s.file("policy.csv");
    campaign(&csv, "CPW", 10);
    let csv_path = csv.to_str().unwrap();
    ok(run(
        &s.db,
        &["--as", "OFF", "import", "weapons", csv_path, "--batch", "3"],
        "375298",
        None,
    ));
    let show = ok(run(&s.db, &["site", "show"], "", None));
    let tail = common::word_after(&show, "not yet covered by a signature: ");
    let n: i64 = if tail == "none" {
        0
    } else {
        tail.parse().unwrap()
    };
    assert!(n < 7, "{show}");
    common::verified_and_rebuildable(&s.db);
}
