//! The default `verify` replays only the events since the last clean verify, starting from
//! the projections it replayed then (`<ledger>.verified`); it must still find everything the
//! whole replay finds, and a sidecar that does not fit is ignored, never believed.

mod common;

use common::site;
use custody_core::Ledger;
use rusqlite::{params, Connection};
use std::path::PathBuf;

fn raw(ledger: &Ledger) -> Connection {
    Connection::open(ledger.path()).unwrap()
}

fn sidecar(ledger: &Ledger) -> PathBuf {
    let mut name = ledger.path().as_os_str().to_owned();
    name.push(".verified");
    PathBuf::from(name)
}

fn last_seq_of(ledger: &Ledger, code: &str) -> i64 {
    raw(ledger)
        .query_row("SELECT last_seq FROM items WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .unwrap()
}

/// A site whose sidecar was written by a whole replay; returns the event it covers.
fn site_with_sidecar() -> (common::Site, i64) {
    let s = site();
    let full = s.ledger.verify_full().unwrap();
    assert!(full.is_intact(), "{:?}", full.problem);
    assert_eq!(full.replayed_from, 1);
    assert!(full.sidecar_written, "{:?}", full.sidecar_error);
    (s, full.events)
}

#[test]
fn default_verify_after_a_full_one_replays_only_the_new_events() {
    let (mut s, covered) = site_with_sidecar();
    assert_eq!(
        custody_core::files::mode_of(&sidecar(&s.ledger)),
        0o600,
        "the sidecar is private"
    );
    s.ledger
        .move_item(&s.officer, &s.weapons[1], "Vault B")
        .unwrap();
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    assert_eq!(report.full_because, None);
    assert_eq!(report.replayed_from, covered + 1);
    assert!(report.events > covered);
    assert!(report.sidecar_written);

    // Nothing new: nothing replayed, nothing rewritten.
    let again = s.ledger.verify().unwrap();
    assert!(again.is_intact());
    assert_eq!(again.replayed_from, report.events + 1);
    assert!(!again.sidecar_written);

    // The whole replay ignores the sidecar and agrees.
    let full = s.ledger.verify_full().unwrap();
    assert_eq!(full.replayed_from, 1);
    assert_eq!(full.head_hash, report.head_hash);
}

/// Tampers the `items` row of `code` and checks the default verify names it with `seq`, and
/// that it was the replay from the sidecar that disagreed (not a fallback for another reason).
fn tampered_row_is_named(s: &common::Site, code: &str) {
    let seq = last_seq_of(&s.ledger, code);
    raw(&s.ledger)
        .execute(
            "UPDATE items SET status = 'destroyed' WHERE code = ?1",
            [code],
        )
        .unwrap();
    let report = s.ledger.verify().unwrap();
    let problem = report.problem.expect("the edited row must be found");
    assert!(
        problem.what.contains("projection 'items'"),
        "{}",
        problem.what
    );
    assert_eq!(problem.seq, Some(seq));
    assert!(
        report
            .full_because
            .as_deref()
            .is_some_and(|w| w.contains("disagreed")),
        "{:?}",
        report.full_because
    );
    assert!(
        !report.sidecar_written,
        "a ledger with a problem gets no sidecar"
    );
}

#[test]
fn a_row_edited_after_the_sidecar_is_named_when_its_item_moved_since() {
    let (mut s, covered) = site_with_sidecar();
    s.ledger
        .move_item(&s.officer, &s.weapons[1], "Vault B")
        .unwrap();
    assert!(last_seq_of(&s.ledger, &s.weapons[1]) > covered);
    tampered_row_is_named(&s, &s.weapons[1]);
}

#[test]
fn a_row_edited_after_the_sidecar_is_named_when_its_item_did_not_move() {
    let (mut s, covered) = site_with_sidecar();
    s.ledger
        .move_item(&s.officer, &s.weapons[1], "Vault B")
        .unwrap();
    assert!(last_seq_of(&s.ledger, &s.weapons[0]) <= covered);
    tampered_row_is_named(&s, &s.weapons[0]);
}

#[test]
fn a_tampered_event_before_or_after_the_sidecar_is_named() {
    for before_sidecar in [true, false] {
        let (mut s, covered) = site_with_sidecar();
        s.ledger
            .move_item(&s.officer, &s.weapons[1], "Vault B")
            .unwrap();
        let conn = raw(&s.ledger);
        let seq: i64 = conn
            .query_row(
                "SELECT seq FROM events WHERE (seq <= ?1) = ?2 AND seq > 1 ORDER BY seq DESC LIMIT 1",
                params![covered, before_sidecar],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute_batch("DROP TRIGGER events_no_update").unwrap();
        // Change one digit of the fraction: still well formed, different hash.
        conn.execute(
            "UPDATE events SET time = substr(time, 1, 20) || CASE substr(time, 21, 1) WHEN '9' THEN '8' ELSE '9' END || substr(time, 22) WHERE seq = ?1",
            [seq],
        )
        .unwrap();
        let problem = s.ledger.verify().unwrap().problem.expect("tampering found");
        assert_eq!(
            problem.seq,
            Some(seq),
            "before the sidecar: {before_sidecar}"
        );
        assert!(problem.what.contains("hash"), "{}", problem.what);
    }
}

#[test]
fn a_sidecar_of_another_ledger_is_ignored() {
    let (s, _) = site_with_sidecar();
    let (other, _) = site_with_sidecar();
    std::fs::copy(sidecar(&other.ledger), sidecar(&s.ledger)).unwrap();
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    assert_eq!(report.replayed_from, 1);
    let why = report.full_because.unwrap();
    assert!(why.contains("site"), "{why}");
    assert!(
        report.sidecar_written,
        "the sidecar is replaced by this ledger's"
    );
    assert_eq!(s.ledger.verify().unwrap().full_because, None);
}

#[test]
fn a_truncated_or_garbage_sidecar_is_ignored_and_problems_are_still_named() {
    for damage in ["truncate", "garbage", "empty"] {
        let (s, _) = site_with_sidecar();
        let path = sidecar(&s.ledger);
        let bytes = std::fs::read(&path).unwrap();
        let damaged = match damage {
            "truncate" => bytes[..bytes.len() / 2].to_vec(),
            "garbage" => b"not a database at all".repeat(500),
            _ => Vec::new(),
        };
        std::fs::write(&path, damaged).unwrap();
        let report = s.ledger.verify().unwrap();
        assert!(report.is_intact(), "{damage}: {:?}", report.problem);
        assert_eq!(report.replayed_from, 1, "{damage}");
        assert!(report.full_because.is_some(), "{damage}");

        std::fs::write(&path, b"garbage again").unwrap();
        tampered_row_is_named_in_full(&s);
    }
}

/// With no usable sidecar the whole replay names an edited row.
fn tampered_row_is_named_in_full(s: &common::Site) {
    let code = &s.weapons[2];
    let seq = last_seq_of(&s.ledger, code);
    raw(&s.ledger)
        .execute("UPDATE items SET status = 'lost' WHERE code = ?1", [code])
        .unwrap();
    let report = s.ledger.verify().unwrap();
    assert_eq!(report.replayed_from, 1);
    let problem = report.problem.expect("the edited row must be found");
    assert_eq!(problem.seq, Some(seq));
}

#[test]
fn a_sidecar_whose_head_hash_disagrees_is_ignored() {
    let (s, covered) = site_with_sidecar();
    Connection::open(sidecar(&s.ledger))
        .unwrap()
        .execute("UPDATE verified_head SET hash = zeroblob(32)", [])
        .unwrap();
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    assert_eq!(report.replayed_from, 1);
    let why = report.full_because.unwrap();
    assert!(why.contains(&format!("event {covered}")), "{why}");
}

#[test]
fn a_sidecar_with_wrong_tables_raises_no_false_alarm() {
    // Its head fits, its tables do not: the replay from it disagrees, and the whole replay
    // then finds the ledger intact.
    let (s, _) = site_with_sidecar();
    Connection::open(sidecar(&s.ledger))
        .unwrap()
        .execute("UPDATE items SET status = 'destroyed'", [])
        .unwrap();
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    assert_eq!(report.replayed_from, 1);
    assert!(report.full_because.unwrap().contains("disagreed"));
    assert!(report.sidecar_written);
    assert_eq!(s.ledger.verify().unwrap().full_because, None);
}

#[test]
fn a_sidecar_that_cannot_be_written_does_not_fail_verify() {
    let s = site();
    // A folder where the file should be: the rename over it fails.
    std::fs::create_dir(sidecar(&s.ledger)).unwrap();
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    assert!(!report.sidecar_written);
    assert!(report.sidecar_error.is_some());
    assert!(report.full_because.is_some());
}

#[test]
fn backups_neither_use_nor_get_a_sidecar() {
    let (s, _) = site_with_sidecar();
    let out = tempfile::tempdir().unwrap();
    let backup = s.ledger.backup_to(out.path(), None).unwrap();
    let files: Vec<String> = std::fs::read_dir(&backup.folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!files.iter().any(|f| f.ends_with(".verified")), "{files:?}");
    custody_core::backup::check_backup(&backup.folder).unwrap();
}

/// Appends an event of `kind` with `payload` after the head, with a correct hash (an intruder
/// without the key, after the last checkpoint); returns its seq.
fn forge_tail_event(ledger: &Ledger, kind: &str, payload: &str) -> i64 {
    use custody_core::event::{canonical_bytes, chain_hash, EventFields};
    let conn = raw(ledger);
    let (head_seq, head_hash): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let seq = head_seq + 1;
    let id = uuid::Uuid::now_v7().to_string();
    let time = "2026-03-03T10:00:00.000000Z";
    let mut bytes = Vec::new();
    canonical_bytes(
        &EventFields {
            seq,
            id: &id,
            time,
            actor: None,
            witness: None,
            kind,
            subject: None,
            payload,
        },
        &mut bytes,
    );
    let prev: [u8; 32] = head_hash.try_into().unwrap();
    let hash = chain_hash(&prev, &bytes);
    conn.execute(
        "INSERT INTO events (seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash)
         VALUES (?1,?2,?3,NULL,NULL,?4,NULL,?5,?6,?7)",
        params![seq, id, time, kind, payload, &prev[..], &hash[..]],
    )
    .unwrap();
    seq
}

/// The payloads the chain walk does not read itself (scans, moves) are parsed by the replay
/// worker: a forged one that is not JSON, or does not fit its kind, is still named, by the
/// default verify and the whole replay alike, with the same words as before.
#[test]
fn a_forged_payload_that_does_not_parse_is_named_by_both_verifies() {
    for (payload, words) in [
        ("{not json", "payload is not JSON"),
        ("{\"item_id\":7}", "payload does not fit kind 'item.move'"),
    ] {
        let (s, covered) = site_with_sidecar();
        let seq = forge_tail_event(&s.ledger, "item.move", payload);
        assert!(seq > covered);
        for report in [s.ledger.verify().unwrap(), s.ledger.verify_full().unwrap()] {
            let problem = report.problem.expect("a forged payload is a problem");
            assert_eq!(problem.seq, Some(seq), "{}", problem.what);
            assert!(problem.what.contains(words), "{}", problem.what);
        }
    }
}

/// A malformed payload is named before a later broken hash, as when the walk parsed it.
#[test]
fn a_malformed_payload_is_named_before_a_later_broken_hash() {
    let (s, _) = site_with_sidecar();
    let bad = forge_tail_event(&s.ledger, "item.move", "[]");
    let later = forge_tail_event(&s.ledger, "item.move", "{}");
    let conn = raw(&s.ledger);
    conn.execute_batch("DROP TRIGGER events_no_update").unwrap();
    conn.execute(
        "UPDATE events SET hash = zeroblob(32) WHERE seq = ?1",
        [later],
    )
    .unwrap();
    for report in [s.ledger.verify().unwrap(), s.ledger.verify_full().unwrap()] {
        let problem = report.problem.expect("two problems");
        assert_eq!(problem.seq, Some(bad), "{}", problem.what);
    }
}
