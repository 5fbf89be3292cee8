//! The auditor's exercise: a ledger is tampered with in each of the ways an intruder with
//! write access to the file (or to an export) could, and `custody verify` and the independent
//! `docs/tools/verify_export.py` must name the same first bad event. Where they cannot agree by
//! design (a forged event after the last checkpoint is visible to `custody verify` only
//! through the projections, which an export does not carry), what each says is asserted.

mod common;

use common::{depot, ok, run, text, Site};
use custody_core::event::{canonical_bytes, chain_hash, EventFields};
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use std::process::Command;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../docs/tools/verify_export.py"
);

/// `custody verify`'s first bad event, or None when it says the ledger is intact.
fn custody_verdict(db: &Path) -> Option<i64> {
    let out = run(db, &["verify"], "", None);
    first_bad(&text(&out), out.status.code())
}

/// verify_export.py's first bad event for an export file, or None when it says intact.
fn script_verdict(export: &Path) -> Option<i64> {
    let out = Command::new("python3")
        .arg(SCRIPT)
        .arg(export)
        .output()
        .expect("python3 with the cryptography package is needed for this test");
    first_bad(&text(&out), out.status.code())
}

fn first_bad(out: &str, code: Option<i32>) -> Option<i64> {
    match code {
        Some(0) => {
            assert!(out.contains("OK:"), "{out}");
            None
        }
        Some(1) => {
            let n = common::word_after(out, "first bad event: ");
            Some(
                n.parse()
                    .unwrap_or_else(|_| panic!("no event number in {out}")),
            )
        }
        other => panic!("unexpected exit {other:?}: {out}"),
    }
}

fn export(db: &Path, to: &Path) {
    ok(run(
        db,
        &[
            "export",
            "events",
            "--format",
            "jsonl",
            "-o",
            to.to_str().unwrap(),
        ],
        "",
        None,
    ));
}

/// A copy of the ledger with the append-only triggers removed: the intruder's file.
fn tampered_copy(s: &Site, name: &str) -> (PathBuf, Connection) {
    let copy = s.file(&format!("{name}.db"));
    Connection::open(&s.db)
        .unwrap()
        .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    let conn = Connection::open(&copy).unwrap();
    conn.execute_batch("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
        .unwrap();
    (copy, conn)
}

/// Recomputes `prev_hash` and `hash` of every event from `from` on, as an intruder who knows
/// the format (but not the site key) would after changing one.
fn rechain(conn: &Connection, from: i64) {
    let mut prev: [u8; 32] = if from == 1 {
        [0u8; 32]
    } else {
        conn.query_row("SELECT hash FROM events WHERE seq = ?1", [from - 1], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .unwrap()
        .try_into()
        .unwrap()
    };
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = conn
        .prepare(
            "SELECT seq, id, time, actor, witness, kind, subject, payload FROM events
             WHERE seq >= ?1 ORDER BY seq",
        )
        .unwrap()
        .query_map([from], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut buf = Vec::new();
    for (seq, id, time, actor, witness, kind, subject, payload) in rows {
        canonical_bytes(
            &EventFields {
                seq,
                id: &id,
                time: &time,
                actor: actor.as_deref(),
                witness: witness.as_deref(),
                kind: &kind,
                subject: subject.as_deref(),
                payload: &payload,
            },
            &mut buf,
        );
        let hash = chain_hash(&prev, &buf);
        conn.execute(
            "UPDATE events SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            params![seq, &prev[..], &hash[..]],
        )
        .unwrap();
        prev = hash;
    }
}

fn seq_of(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Both verifiers on a tampered file: custody on the file, the script on its export.
fn both(db: &Path) -> (Option<i64>, Option<i64>) {
    let file = db.with_extension("jsonl");
    export(db, &file);
    (custody_verdict(db), script_verdict(&file))
}

/// A depot with history on both sides of a checkpoint: weapons registered and moved, a
/// checkpoint, then two more moves that no signature covers yet.
fn audited_depot() -> (Site, i64) {
    let s = depot(
        "Depot Audit",
        vec!["AU1".into(), "AU2".into(), "AU3".into()],
    );
    for code in &s.weapons {
        ok(run(
            &s.db,
            &["--as", "OFF", "move", code, "--to", "Vault B"],
            "375298",
            None,
        ));
    }
    ok(run(
        &s.db,
        &["--as", "ADM", "checkpoint", "--reason", "audit"],
        "731904",
        None,
    ));
    let checkpoint = seq_of(
        &Connection::open(&s.db).unwrap(),
        "SELECT max(seq) FROM events WHERE kind = 'checkpoint'",
    );
    for code in &s.weapons[..2] {
        ok(run(
            &s.db,
            &["--as", "OFF", "move", code, "--to", "Vault A"],
            "375298",
            None,
        ));
    }
    (s, checkpoint)
}

#[test]
fn both_verifiers_name_the_same_first_bad_event_for_every_tamper_to_signed_history() {
    let (s, checkpoint) = audited_depot();
    let original = Connection::open(&s.db).unwrap();
    let head = seq_of(&original, "SELECT max(seq) FROM events");
    // The untouched ledger: both say intact.
    assert_eq!(both(&s.db), (None, None));
    // A move before the checkpoint, whose payload the intruder edits.
    let moved = seq_of(
        &original,
        "SELECT min(seq) FROM events WHERE kind = 'item.move'",
    );
    assert!(moved < checkpoint && checkpoint < head);

    // 1. Content change: a payload edited in place.
    let (db, conn) = tampered_copy(&s, "content");
    conn.execute(
        "UPDATE events SET payload = payload || ' ' WHERE seq = ?1",
        [moved],
    )
    .unwrap();
    drop(conn);
    assert_eq!(both(&db), (Some(moved), Some(moved)));

    // 2. A deleted event in the middle: both name the missing sequence number.
    let (db, conn) = tampered_copy(&s, "deleted");
    conn.execute("DELETE FROM events WHERE seq = ?1", [moved])
        .unwrap();
    drop(conn);
    assert_eq!(both(&db), (Some(moved), Some(moved)));

    // 3. Reordered: two neighbouring events swap their sequence numbers.
    let (db, conn) = tampered_copy(&s, "reordered");
    conn.execute_batch(&format!(
        "UPDATE events SET seq = -1 WHERE seq = {a};
         UPDATE events SET seq = {a} WHERE seq = {b};
         UPDATE events SET seq = {b} WHERE seq = -1;",
        a = moved,
        b = moved + 1
    ))
    .unwrap();
    drop(conn);
    assert_eq!(both(&db), (Some(moved), Some(moved)));

    // 4. A changed event with the whole chain recomputed after it: the hashes agree again,
    // but the next checkpoint signed the old head.
    let (db, conn) = tampered_copy(&s, "rechained");
    conn.execute(
        "UPDATE events SET payload = payload || ' ' WHERE seq = ?1",
        [moved],
    )
    .unwrap();
    rechain(&conn, moved);
    drop(conn);
    assert_eq!(both(&db), (Some(checkpoint), Some(checkpoint)));

    // 5. A checkpoint whose signature was altered (and the chain recomputed so only the
    // signature is wrong).
    let (db, conn) = tampered_copy(&s, "signature");
    let payload: String = conn
        .query_row(
            "SELECT payload FROM events WHERE seq = ?1",
            [checkpoint],
            |r| r.get(0),
        )
        .unwrap();
    let at = payload.find("\"signature\":\"").unwrap() + "\"signature\":\"".len();
    let flipped = if &payload[at..at + 1] == "0" {
        "1"
    } else {
        "0"
    };
    let forged = format!("{}{}{}", &payload[..at], flipped, &payload[at + 1..]);
    conn.execute(
        "UPDATE events SET payload = ?2 WHERE seq = ?1",
        params![checkpoint, forged],
    )
    .unwrap();
    rechain(&conn, checkpoint);
    drop(conn);
    assert_eq!(both(&db), (Some(checkpoint), Some(checkpoint)));
}

#[test]
fn a_duplicated_or_cut_short_export_is_named_like_the_ledger_names_the_gap() {
    let (s, _) = audited_depot();
    let file = s.file("events.jsonl");
    export(&s.db, &file);
    let original = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let head = (lines.len() - 1) as i64;
    // A duplicated event line: its sequence number comes twice; the second copy is where the
    // export stops making sense, named by the number that should have come next.
    let mut dup = lines.clone();
    dup.insert(5, lines[4]);
    let dup_file = s.file("dup.jsonl");
    std::fs::write(&dup_file, dup.join("\n") + "\n").unwrap();
    assert_eq!(script_verdict(&dup_file), Some(6));
    // The last event deleted from the ledger file: custody verify sees it through the
    // projections (the item still records the move) and names the missing event; the export
    // of that file closes consistently, so the script sees an intact, shorter log. The other
    // way round, an export cut short under its original closing record names the same event.
    let (db, conn) = tampered_copy(&s, "truncated");
    conn.execute("DELETE FROM events WHERE seq = ?1", [head])
        .unwrap();
    drop(conn);
    assert_eq!(custody_verdict(&db), Some(head));
    let cut_export = db.with_extension("jsonl");
    export(&db, &cut_export);
    assert_eq!(script_verdict(&cut_export), None);
    let mut cut = lines.clone();
    cut.remove(lines.len() - 2);
    let cut_file = s.file("cut.jsonl");
    std::fs::write(&cut_file, cut.join("\n") + "\n").unwrap();
    assert_eq!(script_verdict(&cut_file), Some(head));
}

#[test]
fn a_forged_event_after_the_last_checkpoint_is_named_by_custody_and_invisible_in_the_export() {
    let (s, checkpoint) = audited_depot();
    let (db, conn) = tampered_copy(&s, "forged");
    let head = seq_of(&conn, "SELECT max(seq) FROM events");
    assert!(head > checkpoint);
    // The intruder appends a move of the first rifle back to Vault B, copying a genuine move
    // event's columns with a new seq and id, and chains it correctly. No key is needed.
    conn.execute(
        "INSERT INTO events (seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash)
         SELECT ?1, '01890a5d-ac96-774b-bcce-b302099a8fff', time, actor, witness, kind, subject,
                payload, prev_hash, hash
         FROM events WHERE kind = 'item.move' ORDER BY seq LIMIT 1",
        [head + 1],
    )
    .unwrap();
    rechain(&conn, head + 1);
    drop(conn);
    // custody verify replays the log and finds the stored item rows disagree at the forged
    // event; the export carries no projections, so the script sees a longer, intact log whose
    // tail no signature covers.
    assert_eq!(custody_verdict(&db), Some(head + 1));
    let file = db.with_extension("jsonl");
    export(&db, &file);
    assert_eq!(script_verdict(&file), None);
}
