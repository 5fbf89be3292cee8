//! Scenarios from the depot floor against the ledger: tampering, refusals, lock-outs,
//! migrations, a full disk, rebuilds.

mod common;

use common::{event_count, site, weapon};
use custody_core::event::{canonical_bytes, chain_hash, EventFields};
use custody_core::{CheckpointPolicy, CustodyError, Ledger, Role};
use rusqlite::{params, Connection};

fn raw(ledger: &Ledger) -> Connection {
    Connection::open(ledger.path()).unwrap()
}

#[test]
fn sqlite_itself_rejects_update_and_delete_of_events() {
    let s = site();
    let conn = raw(&s.ledger);
    let update = conn.execute("UPDATE events SET payload = '{}' WHERE seq = 5", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM events WHERE seq = 5", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn a_row_changed_behind_the_ledgers_back_is_named_by_verify() {
    let s = site();
    let before = s.ledger.verify().unwrap();
    assert!(before.is_intact(), "{:?}", before.problem);
    let conn = raw(&s.ledger);
    let (seq, payload): (i64, String) = conn
        .query_row(
            "SELECT seq, payload FROM events WHERE kind = 'item.register_weapon' AND payload LIKE '%A101%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute_batch("DROP TRIGGER events_no_update").unwrap();
    conn.execute(
        "UPDATE events SET payload = ?1 WHERE seq = ?2",
        params![payload.replace("A101", "A999"), seq],
    )
    .unwrap();
    let report = s.ledger.verify().unwrap();
    let problem = report.problem.expect("tampering must be found");
    assert_eq!(problem.seq, Some(seq));
    assert!(problem.what.contains("hash"), "{}", problem.what);
}

#[test]
fn a_deleted_event_is_named_as_a_gap() {
    let s = site();
    let conn = raw(&s.ledger);
    conn.execute_batch("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 7")
        .unwrap();
    let problem = s.ledger.verify().unwrap().problem.unwrap();
    assert_eq!(problem.seq, Some(7));
    assert!(problem.what.contains("gap"));
}

#[test]
fn a_projection_edited_directly_is_caught_and_rebuild_repairs_it() {
    let mut s = site();
    let digests = s.ledger.projection_digests().unwrap();
    let code = s.weapons[0].clone();
    let registered_seq: i64 = raw(&s.ledger)
        .query_row("SELECT last_seq FROM items WHERE code = ?1", [&code], |r| {
            r.get(0)
        })
        .unwrap();
    raw(&s.ledger)
        .execute(
            "UPDATE items SET status = 'destroyed' WHERE code = ?1",
            [&code],
        )
        .unwrap();
    let problem = s.ledger.verify().unwrap().problem.unwrap();
    assert!(
        problem.what.contains("projection 'items'"),
        "{}",
        problem.what
    );
    assert_eq!(problem.seq, Some(registered_seq));
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn rebuilding_an_intact_ledger_gives_identical_projections() {
    let mut s = site();
    s.ledger
        .move_item(&s.officer, &s.weapons[1], "Vault B")
        .unwrap();
    let before = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), before);
}

/// An intruder with write access but without the site key rewrites a serial and recomputes
/// every later hash. The chain then looks consistent; the signed checkpoint does not.
#[test]
fn a_recomputed_chain_is_caught_by_the_signed_checkpoint() {
    let mut s = site();
    s.ledger.checkpoint_by(&s.admin, "end of shift").unwrap();
    let conn = raw(&s.ledger);
    conn.execute_batch("DROP TRIGGER events_no_update").unwrap();
    let target: i64 = conn
        .query_row(
            "SELECT seq FROM events WHERE kind = 'item.register_weapon' AND payload LIKE '%A100%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    type Row = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
        String,
        Vec<u8>,
    );
    let rows: Vec<Row> = conn
        .prepare("SELECT seq, id, time, actor, witness, kind, subject, payload, prev_hash FROM events WHERE seq >= ?1 ORDER BY seq")
        .unwrap()
        .query_map([target], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev: [u8; 32] = rows[0].8.clone().try_into().unwrap();
    let mut buf = Vec::new();
    for (seq, id, time, actor, witness, kind, subject, mut payload, _) in rows {
        if seq == target {
            payload = payload.replace("A100", "B666");
        }
        if kind == "checkpoint" {
            let mut v: serde_json::Value = serde_json::from_str(&payload).unwrap();
            v["head_hash"] = serde_json::Value::String(hex::encode(prev));
            payload = v.to_string();
        }
        let fields = EventFields {
            seq,
            id: &id,
            time: &time,
            actor: actor.as_deref(),
            witness: witness.as_deref(),
            kind: &kind,
            subject: subject.as_deref(),
            payload: &payload,
        };
        canonical_bytes(&fields, &mut buf);
        let hash = chain_hash(&prev, &buf);
        conn.execute(
            "UPDATE events SET payload = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            params![payload, &prev[..], &hash[..], seq],
        )
        .unwrap();
        prev = hash;
    }
    let problem = s.ledger.verify().unwrap().problem.unwrap();
    assert!(problem.what.contains("signature"), "{}", problem.what);
}

#[test]
fn a_duplicate_serial_is_refused_naming_the_existing_item_and_nothing_changes() {
    let mut s = site();
    let before = (
        event_count(&s.ledger),
        s.ledger.projection_digests().unwrap(),
    );
    let err = s
        .ledger
        .register_weapon(&s.officer, weapon(" a-100 ", "ZASTAVA"), None)
        .unwrap_err();
    match err {
        CustodyError::DuplicateSerial { existing_code, .. } => {
            assert_eq!(existing_code, s.weapons[0])
        }
        other => panic!("expected a duplicate, got {other}"),
    }
    assert_eq!(
        (
            event_count(&s.ledger),
            s.ledger.projection_digests().unwrap()
        ),
        before
    );
    // The same serial from another manufacturer is a different weapon.
    s.ledger
        .register_weapon(&s.officer, weapon("A100", "Izhmash"), None)
        .unwrap();
}

#[test]
fn a_wrong_pin_is_refused_and_recorded_as_a_failed_login_only() {
    let mut s = site();
    let items_before = s.ledger.items().unwrap().len();
    let seq_before = event_count(&s.ledger);
    let err = s.ledger.authenticate("OFF", "9999").unwrap_err();
    assert!(
        matches!(err, CustodyError::WrongPin { remaining: 4, .. }),
        "{err}"
    );
    assert_eq!(event_count(&s.ledger), seq_before + 1);
    let kind: String = raw(&s.ledger)
        .query_row(
            "SELECT kind FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // The attempt is counted (and committed) before the PIN is checked; no second event.
    assert_eq!(kind, "auth.attempt");
    assert_eq!(s.ledger.items().unwrap().len(), items_before);
    let unknown = s.ledger.authenticate("NOBODY", "418276").unwrap_err();
    assert!(matches!(unknown, CustodyError::UnknownBadge(_)));
}

#[test]
fn five_wrong_pins_lock_the_badge_until_it_expires_or_an_admin_unlocks() {
    let mut s = site();
    let start = chrono::Utc::now();
    s.ledger.set_clock(Box::new(move || start));
    for _ in 0..4 {
        assert!(matches!(
            s.ledger.authenticate("OFF", "0000"),
            Err(CustodyError::WrongPin { .. })
        ));
    }
    assert!(matches!(
        s.ledger.authenticate("OFF", "0000"),
        Err(CustodyError::LockedOut { .. })
    ));
    // Even the right PIN is refused while locked, and the attempt is recorded.
    let before = event_count(&s.ledger);
    assert!(matches!(
        s.ledger.authenticate("OFF", "642087"),
        Err(CustodyError::LockedOut { .. })
    ));
    assert_eq!(event_count(&s.ledger), before + 1);
    // Sixteen minutes later the lock has expired.
    s.ledger
        .set_clock(Box::new(move || start + chrono::Duration::minutes(16)));
    let officer = s.ledger.authenticate("OFF", "642087").unwrap();
    assert_eq!(officer.badge, "OFF");
    assert_eq!(s.ledger.person_by_badge("OFF").unwrap().failed_logins, 0);
    // Locked again; this time an administrator lifts it.
    for _ in 0..5 {
        let _ = s.ledger.authenticate("OFF", "0000");
    }
    assert!(matches!(
        s.ledger.authenticate("OFF", "642087"),
        Err(CustodyError::LockedOut { .. })
    ));
    let officer = s.officer.clone();
    assert!(matches!(
        s.ledger.unlock_person(&officer, "OFF"),
        Err(CustodyError::WrongRole { .. })
    ));
    let admin = s.admin.clone();
    s.ledger.unlock_person(&admin, "OFF").unwrap();
    s.ledger.authenticate("OFF", "642087").unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn custody_cannot_pass_to_someone_who_did_not_authenticate() {
    let mut s = site();
    let before = (
        event_count(&s.ledger),
        s.ledger.projection_digests().unwrap(),
    );
    let officer = s.officer.clone();
    let err = s
        .ledger
        .transfer_custody(&officer, None, &s.weapons[0], "to lab")
        .unwrap_err();
    assert!(matches!(err, CustodyError::ReceiverNotAuthenticated));
    let err = s
        .ledger
        .transfer_custody(&officer, Some(&officer), &s.weapons[0], "to lab")
        .unwrap_err();
    assert!(matches!(err, CustodyError::SamePerson(_)));
    let inspector = s.inspector.clone();
    let err = s
        .ledger
        .transfer_custody(&officer, Some(&inspector), &s.weapons[0], "to lab")
        .unwrap_err();
    assert!(matches!(err, CustodyError::WrongRole { .. }));
    assert_eq!(
        (
            event_count(&s.ledger),
            s.ledger.projection_digests().unwrap()
        ),
        before
    );
    let custodian = s.custodian.clone();
    s.ledger
        .transfer_custody(&officer, Some(&custodian), &s.weapons[0], "to lab")
        .unwrap();
    let item = s.ledger.find_item(&s.weapons[0]).unwrap();
    assert_eq!(item.holder_name.as_deref(), Some("Cora Custodian"));
}

#[test]
fn an_inspector_may_not_register_weapons_or_people() {
    let mut s = site();
    let inspector = s.inspector.clone();
    let before = event_count(&s.ledger);
    let err = s
        .ledger
        .register_weapon(&inspector, weapon("Z1", "Zastava"), None)
        .unwrap_err();
    assert!(matches!(err, CustodyError::WrongRole { .. }), "{err}");
    let err = s
        .ledger
        .register_person(
            &inspector,
            common::person("X", "X1", Role::Officer),
            "418276",
        )
        .unwrap_err();
    assert!(matches!(err, CustodyError::WrongRole { .. }));
    assert_eq!(event_count(&s.ledger), before);
}

#[test]
fn check_out_and_in_with_an_overdue_list() {
    let mut s = site();
    let start = chrono::Utc::now();
    s.ledger.set_clock(Box::new(move || start));
    let custodian = s.custodian.clone();
    let due = (start + chrono::Duration::days(3)).date_naive();
    s.ledger
        .check_out(
            &custodian,
            &s.weapons[2],
            "Ballistics lab",
            "test firing",
            due,
        )
        .unwrap();
    let err = s
        .ledger
        .check_out(&custodian, &s.weapons[2], "Court", "trial", due)
        .unwrap_err();
    assert!(matches!(err, CustodyError::WrongStatus { .. }));
    let err = s
        .ledger
        .move_item(&custodian, &s.weapons[2], "Vault B")
        .unwrap_err();
    assert!(matches!(err, CustodyError::WrongStatus { .. }));
    assert!(s.ledger.overdue(start.date_naive()).unwrap().is_empty());
    let late = (start + chrono::Duration::days(4)).date_naive();
    assert_eq!(s.ledger.overdue(late).unwrap()[0].code, s.weapons[2]);
    s.ledger
        .check_in(&custodian, &s.weapons[2], Some("Vault B"), "seal intact")
        .unwrap();
    let item = s.ledger.find_item(&s.weapons[2]).unwrap();
    assert_eq!(item.location_name.as_deref(), Some("Vault B"));
    assert!(s.ledger.overdue(late).unwrap().is_empty());
    let (_, history) = s.ledger.history(&s.weapons[2]).unwrap();
    let kinds: Vec<&str> = history.iter().map(|h| h.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["item.register_weapon", "item.check_out", "item.check_in"]
    );
}

#[test]
fn the_overview_counts_by_status_agree_with_the_item_list_after_a_check_out() {
    let mut s = site();
    let custodian = s.custodian.clone();
    let due = chrono::Utc::now().date_naive() + chrono::Duration::days(7);
    s.ledger
        .check_out(&custodian, &s.weapons[0], "Court", "trial", due)
        .unwrap();
    let counts = s.ledger.status_counts().unwrap();
    let items = s.ledger.items().unwrap();
    assert_eq!(counts.len(), custody_core::ItemStatus::ALL.len());
    for (status, n) in &counts {
        let listed = items.iter().filter(|i| i.status == *status).count() as u64;
        assert_eq!(*n, listed, "{status:?}");
    }
    let checked_out = counts
        .iter()
        .find(|c| c.0 == custody_core::ItemStatus::CheckedOut)
        .unwrap();
    assert_eq!(checked_out.1, 1);
}

#[test]
fn a_full_disk_records_nothing_and_the_ledger_stays_whole() {
    let mut s = site();
    let before = (
        event_count(&s.ledger),
        s.ledger.projection_digests().unwrap(),
    );
    let pages: u32 = rusqlite::Connection::open(s.ledger.path())
        .unwrap()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    s.ledger.limit_file_size_pages(pages).unwrap();
    let officer = s.officer.clone();
    let mut refused = 0;
    for i in 0..200 {
        match s
            .ledger
            .register_weapon(&officer, weapon(&format!("FULL{i:04}"), "Zastava"), None)
        {
            Err(CustodyError::DiskFull) => {
                refused += 1;
                break;
            }
            Err(other) => panic!("expected a full disk, got {other}"),
            Ok(_) => {}
        }
    }
    assert_eq!(refused, 1, "the disk never filled up");
    let after_full = event_count(&s.ledger);
    assert!(after_full >= before.0);
    s.ledger.limit_file_size_pages(1_073_741_823).unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
    // Every weapon that was acknowledged is there; the refused one is not.
    let items = s.ledger.items().unwrap();
    assert_eq!(items.len() as i64, 3 + (after_full - before.0));
    s.ledger
        .register_weapon(&officer, weapon("AFTER", "Zastava"), None)
        .unwrap();
}

/// What a schema 6 file looked like: no ammunition tables (schema 7) and no storage limits
/// (schema 8).
const V6_TABLES: &str = "DROP TABLE stocktake_ammo; DROP TABLE destruction_lots; DROP TABLE handover_lots; DROP TABLE location_limits; DROP TABLE ammo_lots; DROP TABLE ammo_stock;";

/// What a schema 5 file looked like: no category, amendment, review or disposition columns and
/// no settings table (schema 6).
const V5_TABLES: &str = "DROP INDEX items_review; ALTER TABLE items DROP COLUMN category;
    ALTER TABLE items DROP COLUMN current_record; ALTER TABLE items DROP COLUMN amended_seq;
    ALTER TABLE items DROP COLUMN review_date; ALTER TABLE items DROP COLUMN disposition;
    ALTER TABLE items DROP COLUMN disposal_order; ALTER TABLE persons DROP COLUMN amended_seq;
    ALTER TABLE locations DROP COLUMN amended_seq; DROP TABLE site_settings;";

/// What a schema 4 file looked like: `items` kept a copy of each register event's record
/// (filled here the way schema 4 wrote it), and stocktakes kept no progress counters.
const V4_TABLES: &str = "ALTER TABLE items ADD COLUMN record TEXT NOT NULL DEFAULT '';
    UPDATE items SET record = (SELECT json_extract(e.payload,
        CASE items.kind WHEN 'evidence' THEN '$.evidence' ELSE '$.weapon' END)
        FROM events e WHERE e.seq = items.registered_seq);
    ALTER TABLE stocktakes DROP COLUMN unknown_codes; ALTER TABLE stocktakes DROP COLUMN alarms;
    DROP TABLE stocktake_places;";

/// What schema 3 and 4 added: a file from before it has none of these tables and columns.
const V3_TABLES: &str =
    "ALTER TABLE site DROP COLUMN demo; ALTER TABLE credentials DROP COLUMN peppered;
    DROP TABLE stocktakes; DROP TABLE stocktake_locations; DROP TABLE stocktake_expected;
    DROP TABLE stocktake_scans; DROP TABLE stocktake_resolutions; DROP TABLE destruction_batches;
    DROP TABLE destruction_items; DROP TABLE handovers; DROP TABLE handover_items;
    DROP TABLE handover_scans; DROP TABLE trusted_keys;";

#[test]
fn a_schema_2_file_with_a_deactivated_person_migrates_to_3_with_identical_projections() {
    let mut s = site();
    s.ledger.set_person_active(&s.admin, "INS", false).unwrap();
    let digests = s.ledger.projection_digests().unwrap();
    let path = s.ledger.path().to_path_buf();
    drop(s.ledger);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "{V6_TABLES} {V5_TABLES} {V4_TABLES} {V3_TABLES} PRAGMA user_version = 2;"
    ))
    .unwrap();
    drop(conn);
    let mut ledger = Ledger::open(&path).unwrap();
    let version: i64 = rusqlite::Connection::open(ledger.path())
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, custody_core::schema::CURRENT_VERSION);
    assert_eq!(ledger.projection_digests().unwrap(), digests);
    assert!(ledger.verify().unwrap().is_intact());
    // The deactivation survived the migration: the inspector can no longer log in.
    assert!(matches!(
        ledger.authenticate("INS", "464102"),
        Err(CustodyError::Inactive(_))
    ));
}

#[test]
fn a_schema_4_file_with_a_count_under_way_migrates_to_5_with_its_progress_and_records() {
    let mut s = site();
    let officer = s.officer.clone();
    let st = s.ledger.stocktake_open(&officer, &[], "").unwrap();
    for (code, at) in [
        (s.weapons[0].as_str(), "Vault B"),
        (s.weapons[0].as_str(), "Vault A"),
        ("NO-SUCH-GUN", "Vault A"),
        ("NO-SUCH-GUN", "Vault B"),
        (s.weapons[1].as_str(), "Vault A"),
    ] {
        s.ledger
            .stocktake_scan(&officer, &st.code, code, Some(at))
            .unwrap();
    }
    let progress = s.ledger.stocktake_progress(&st.code).unwrap();
    // Counted by hand from the scans above.
    assert_eq!(
        (
            progress.scans,
            progress.distinct_codes,
            progress.unknown,
            progress.alarms
        ),
        (5, 3, 1, 0)
    );
    assert_eq!(progress.places_counted, ["Vault B", "Vault A"]);
    let record = s.ledger.find_item(&s.weapons[1]).unwrap().record;
    let digests = s.ledger.projection_digests().unwrap();
    let path = s.ledger.path().to_path_buf();
    drop(s.ledger);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "{V6_TABLES} {V5_TABLES} {V4_TABLES} PRAGMA user_version = 4;"
    ))
    .unwrap();
    // The schema 4 copy of the record is the register event's record.
    let old: String = conn
        .query_row(
            "SELECT record FROM items WHERE code = ?1",
            [&s.weapons[1]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&old).unwrap(),
        serde_json::from_str::<serde_json::Value>(&record).unwrap()
    );
    assert!(old.contains("\"serial\":\"A101\""));
    let events_before: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let ledger = Ledger::open(&path).unwrap();
    let version: i64 = rusqlite::Connection::open(ledger.path())
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, custody_core::schema::CURRENT_VERSION);
    // The upgrade kept the ledger as it was, beside it, and said where.
    let copies: Vec<_> = ledger
        .warnings()
        .iter()
        .filter_map(|w| match w {
            custody_core::ledger::OpenWarning::Migrated { from: 4, copy, .. } => Some(copy.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copies.len(), 1, "{:?}", ledger.warnings());
    let kept = Connection::open(&copies[0]).unwrap();
    let (kept_version, kept_events): (i64, i64) = kept
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM events",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kept_version, kept_events), (4, events_before));
    assert!(
        kept.prepare("SELECT record FROM items LIMIT 1").is_ok(),
        "the copy still has schema 4's items.record"
    );
    drop(kept);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&copies[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let columns: Vec<String> = rusqlite::Connection::open(ledger.path())
        .unwrap()
        .prepare("SELECT name FROM pragma_table_info('items')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(!columns.iter().any(|c| c == "record"), "{columns:?}");
    assert_eq!(ledger.projection_digests().unwrap(), digests);
    let after = ledger.stocktake_progress(&st.code).unwrap();
    assert_eq!(
        (
            after.scans,
            after.distinct_codes,
            after.unknown,
            after.alarms
        ),
        (5, 3, 1, 0)
    );
    assert_eq!(after.places_counted, ["Vault B", "Vault A"]);
    assert_eq!(ledger.find_item(&s.weapons[1]).unwrap().record, record);
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn migration_from_an_empty_file_and_from_schema_1() {
    let s = site();
    let version: i64 = raw(&s.ledger)
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, custody_core::schema::CURRENT_VERSION);
    let digests = s.ledger.projection_digests().unwrap();
    let path = s.ledger.path().to_path_buf();
    drop(s.ledger);
    // What a version-1 file looked like: no item history index, no checkpoint table.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "{V6_TABLES} {V5_TABLES} {V4_TABLES} DROP TABLE item_events; DROP TABLE checkpoints; {V3_TABLES} PRAGMA user_version = 1;"
    ))
    .unwrap();
    drop(conn);
    let ledger = Ledger::open(&path).unwrap();
    let version: i64 = rusqlite::Connection::open(ledger.path())
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, custody_core::schema::CURRENT_VERSION);
    assert_eq!(ledger.projection_digests().unwrap(), digests);
    assert!(ledger.verify().unwrap().is_intact());
    assert_eq!(ledger.history(&s.weapons[0]).unwrap().1.len(), 1);
}

#[test]
fn a_file_from_a_newer_program_or_not_a_ledger_is_refused_clearly() {
    let s = site();
    let path = s.ledger.path().to_path_buf();
    drop(s.ledger);
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    assert!(matches!(
        Ledger::open(&path),
        Err(CustodyError::SchemaTooNew { found: 99, .. })
    ));
    let junk = s.dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not sqlite at all, just text").unwrap();
    assert!(matches!(
        Ledger::open(&junk),
        Err(CustodyError::NotALedger(..))
    ));
    assert!(matches!(
        Ledger::open(&s.dir.path().join("missing.db")),
        Err(CustodyError::NoLedger(_))
    ));
}

#[cfg(unix)]
#[test]
fn the_site_key_file_is_private_and_never_overwritten() {
    use std::os::unix::fs::PermissionsExt;
    let s = site();
    let key = custody_core::keys::key_path_for(s.ledger.path());
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let again = Ledger::create(
        s.ledger.path(),
        "Again",
        common::person("B", "B", Role::Administrator),
        "418276",
    );
    assert!(matches!(again, Err(CustodyError::LedgerExists(_))));
}

#[test]
fn a_pin_hashed_before_the_pepper_still_signs_in_and_is_rehashed_with_it() {
    let mut s = site();
    let path = s.ledger.path().to_path_buf();
    let officer_id = s.officer.person_id().to_string();
    drop(s.ledger);
    // A credential as schema 3 wrote it: Argon2id without the site's pepper.
    let legacy = custody_core::auth::hash_pin("375298").unwrap();
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE credentials SET pin_hash = ?1, peppered = 0 WHERE person_id = ?2",
            rusqlite::params![legacy, officer_id],
        )
        .unwrap();
    s.ledger = Ledger::open(&path).unwrap();
    assert_eq!(s.ledger.authenticate("OFF", "375298").unwrap().badge, "OFF");
    let (peppered, hash): (bool, String) = raw(&s.ledger)
        .query_row(
            "SELECT peppered, pin_hash FROM credentials WHERE person_id = ?1",
            [&officer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(peppered);
    assert_ne!(hash, legacy);
    // The new hash is committed to by a new person.pin_set, so the ledger verifies again.
    assert!(s.ledger.verify().unwrap().is_intact());
    assert_eq!(s.ledger.authenticate("OFF", "375298").unwrap().badge, "OFF");
}

#[test]
fn the_unsigned_tail_is_signed_after_the_policy_and_verify_says_how_long_it_is() {
    let mut s = site();
    let report = s.ledger.verify().unwrap();
    let tail_before = report.unsigned_tail;
    assert!(tail_before > 0, "site() leaves unsigned events");
    s.ledger
        .set_checkpoint_policy(&s.admin, CheckpointPolicy::new(10, 60).unwrap())
        .unwrap();
    let start = event_count(&s.ledger);
    for i in 0..25 {
        s.ledger
            .register_weapon(&s.officer, weapon(&format!("T{i}"), "Zastava"), None)
            .unwrap();
    }
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    assert!(
        report.unsigned_tail < 10,
        "tail {} after 25 registrations with a policy of 10",
        report.unsigned_tail
    );
    let periodic: i64 = raw(&s.ledger)
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'checkpoint' AND seq > ?1
             AND payload LIKE '%periodic%'",
            [start],
            |r| r.get(0),
        )
        .unwrap();
    assert!(periodic >= 2, "{periodic} periodic checkpoints");
    // An hour without a checkpoint: the next write signs the tail.
    let later = chrono::Utc::now() + chrono::Duration::minutes(61);
    s.ledger.set_clock(Box::new(move || later));
    s.ledger
        .register_weapon(&s.officer, weapon("LATE", "Zastava"), None)
        .unwrap();
    assert_eq!(s.ledger.verify().unwrap().unsigned_tail, 0);
}

#[test]
fn a_forged_event_after_the_last_checkpoint_is_named_not_the_genuine_one_before_it() {
    use custody_core::event::{canonical_bytes, chain_hash, EventFields};
    let mut s = site();
    s.ledger
        .checkpoint_by(&s.admin, "before the forgery")
        .unwrap();
    let item = s.ledger.find_item(&s.weapons[0]).unwrap();
    let conn = raw(&s.ledger);
    let (head_seq, head_hash): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // The intruder appends a move that never happened, with a valid hash, without the key.
    let payload = format!(
        "{{\"item_id\":\"{}\",\"from_location\":\"{}\",\"to_location\":null}}",
        item.id,
        item.location_id.clone().unwrap()
    );
    let id = "01890a5d-ac96-774b-bcce-b302099a9999";
    let time = "2026-03-03T10:00:00.000000Z";
    let mut bytes = Vec::new();
    canonical_bytes(
        &EventFields {
            seq: head_seq + 1,
            id,
            time,
            actor: Some(s.officer.person_id()),
            witness: None,
            kind: "item.move",
            subject: Some(&item.id),
            payload: &payload,
        },
        &mut bytes,
    );
    let prev: [u8; 32] = head_hash.try_into().unwrap();
    let hash = chain_hash(&prev, &bytes);
    conn.execute(
        "INSERT INTO events (seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash)
         VALUES (?1,?2,?3,?4,NULL,'item.move',?5,?6,?7,?8)",
        rusqlite::params![
            head_seq + 1,
            id,
            time,
            s.officer.person_id(),
            item.id,
            payload,
            &prev[..],
            &hash[..]
        ],
    )
    .unwrap();
    let report = s.ledger.verify().unwrap();
    let problem = report.problem.expect("the forged move is found");
    assert_eq!(problem.seq, Some(head_seq + 1), "{}", problem.what);
}

#[test]
fn a_clock_that_went_backwards_is_recorded_once_ahead_of_the_write_and_verify_still_holds() {
    let mut s = site();
    let head_time: String = raw(&s.ledger)
        .query_row(
            "SELECT time FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // Someone sets the PC's clock two days back (a dead CMOS battery does the same).
    let behind = chrono::Utc::now() - chrono::Duration::days(2);
    s.ledger.set_clock(Box::new(move || behind));
    let before = event_count(&s.ledger);
    s.ledger
        .register_weapon(&s.officer, weapon("EARLY1", "Zastava"), None)
        .unwrap();
    s.ledger
        .register_weapon(&s.officer, weapon("EARLY2", "Zastava"), None)
        .unwrap();
    let rows: Vec<(String, Option<String>, String)> = raw(&s.ledger)
        .prepare("SELECT kind, actor, payload FROM events WHERE seq > ?1 ORDER BY seq")
        .unwrap()
        .query_map([before], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "clock.behind").count(),
        1,
        "once per jump: {kinds:?}"
    );
    assert_eq!(kinds[0], "clock.behind", "ahead of the write: {kinds:?}");
    let (_, actor, payload) = &rows[0];
    assert_eq!(actor, &None);
    let payload: serde_json::Value = serde_json::from_str(payload).unwrap();
    assert_eq!(payload["newest_event_time"], head_time.as_str());
    assert!(payload["clock"].as_str().unwrap() < head_time.as_str());
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    let digests = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
    // A clock that is right again records nothing.
    s.ledger.set_clock(Box::new(chrono::Utc::now));
    let before = event_count(&s.ledger);
    s.ledger
        .register_weapon(&s.officer, weapon("ONTIME", "Zastava"), None)
        .unwrap();
    let behind_now: i64 = raw(&s.ledger)
        .query_row(
            "SELECT count(*) FROM events WHERE seq > ?1 AND kind = 'clock.behind'",
            [before],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(behind_now, 0);
}

/// Every projection table names its tampered row through its own sequence column; a setting
/// rewritten behind the ledger's back is a verify problem at the event that set it, not an SQL
/// error.
#[test]
fn a_site_setting_changed_behind_the_ledgers_back_is_named_by_verify() {
    let mut s = site();
    let seq = s
        .ledger
        .set_setting(&s.admin, "release_witness", "required")
        .unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
    raw(&s.ledger)
        .execute(
            "UPDATE site_settings SET value = 'optional' WHERE name = 'release_witness'",
            [],
        )
        .unwrap();
    let report = s.ledger.verify().unwrap();
    let problem = report.problem.expect("the rewritten setting is found");
    assert_eq!(problem.seq, Some(seq), "{}", problem.what);
    assert!(problem.what.contains("site_settings"), "{}", problem.what);
}

#[test]
fn the_checkpoint_policy_is_an_administrators_recorded_setting_and_nonsense_changes_nothing() {
    use custody_core::refusal::{CheckpointLimit, Refusal};
    let mut s = site();
    assert_eq!(
        s.ledger.checkpoint_policy().unwrap(),
        CheckpointPolicy {
            every_events: 1000,
            every_minutes: 60
        }
    );
    let before = event_count(&s.ledger);
    // Out of bounds, either half: a typed refusal naming the half, the value and the bounds.
    for (events, minutes, limit, value, min, max) in [
        (0, 60, CheckpointLimit::Events, 0, 1, 10_000),
        (10_001, 60, CheckpointLimit::Events, 10_001, 1, 10_000),
        (u64::MAX, 60, CheckpointLimit::Events, u64::MAX, 1, 10_000),
        (100, 0, CheckpointLimit::Minutes, 0, 1, 1_440),
        (100, 1_441, CheckpointLimit::Minutes, 1_441, 1, 1_440),
    ] {
        match CheckpointPolicy::new(events, minutes) {
            Err(CustodyError::Refused(r)) => assert_eq!(
                r,
                Refusal::BadCheckpointPolicy {
                    limit,
                    value,
                    min,
                    max
                }
            ),
            other => panic!("{events}/{minutes}: {other:?}"),
        }
    }
    // A policy built by hand past `new` is refused by the ledger too.
    let zero = CheckpointPolicy {
        every_events: 0,
        every_minutes: 60,
    };
    assert!(matches!(
        s.ledger.set_checkpoint_policy(&s.admin, zero),
        Err(CustodyError::Refused(Refusal::BadCheckpointPolicy {
            limit: CheckpointLimit::Events,
            ..
        }))
    ));
    // Only an administrator sets it.
    let fifty = CheckpointPolicy::new(50, 30).unwrap();
    assert!(matches!(
        s.ledger.set_checkpoint_policy(&s.officer, fifty),
        Err(CustodyError::WrongRole { .. })
    ));
    assert_eq!(event_count(&s.ledger), before, "a refusal records nothing");
    let written = s.ledger.set_checkpoint_policy(&s.admin, fifty).unwrap();
    assert_eq!(written, vec![before + 1, before + 2]);
    let settings: Vec<(String, String)> = raw(&s.ledger)
        .prepare("SELECT kind, payload FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq")
        .unwrap()
        .query_map([before, before + 2], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        settings,
        vec![
            (
                "site.setting".to_string(),
                r#"{"name":"checkpoint.every_events","value":"50"}"#.to_string()
            ),
            (
                "site.setting".to_string(),
                r#"{"name":"checkpoint.every_minutes","value":"30"}"#.to_string()
            ),
        ]
    );
    // The same policy again records nothing; one half changed records one event.
    assert_eq!(
        s.ledger.set_checkpoint_policy(&s.admin, fifty).unwrap(),
        Vec::<i64>::new()
    );
    let events_only = CheckpointPolicy::new(20, 30).unwrap();
    assert_eq!(
        s.ledger
            .set_checkpoint_policy(&s.admin, events_only)
            .unwrap()
            .len(),
        1
    );
    // Read back after reopening and after a rebuild from the events.
    let path = s.ledger.path().to_path_buf();
    s.ledger = Ledger::open(&path).unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(
        s.ledger.checkpoint_policy().unwrap(),
        CheckpointPolicy {
            every_events: 20,
            every_minutes: 30
        }
    );
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    assert_eq!(
        s.ledger.unsigned_tail().unwrap().events,
        report.unsigned_tail
    );
}

#[test]
fn the_unsigned_tail_counts_the_events_after_the_newest_checkpoint_and_when_they_began() {
    let mut s = site();
    s.ledger.checkpoint_by(&s.admin, "start").unwrap();
    let tail = s.ledger.unsigned_tail().unwrap();
    assert_eq!((tail.events, tail.since), (0, None));
    for serial in ["U1", "U2"] {
        s.ledger
            .register_weapon(&s.officer, weapon(serial, "Zastava"), None)
            .unwrap();
    }
    let first_time: String = raw(&s.ledger)
        .query_row(
            "SELECT time FROM events WHERE kind = 'item.register_weapon' ORDER BY seq DESC LIMIT 1 OFFSET 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let tail = s.ledger.unsigned_tail().unwrap();
    assert_eq!(tail.events, 2);
    assert_eq!(tail.since, Some(first_time));
}

#[test]
fn an_import_folds_a_line_break_in_a_cell_and_refuses_a_tab_naming_the_line_it_is_on() {
    let mut s = site();
    let registered = |l: &Ledger| -> i64 {
        raw(l)
            .query_row(
                "SELECT count(*) FROM events WHERE kind = 'item.register_weapon'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = registered(&s.ledger);
    // Line 2 holds a cell typed with Alt+Enter, so its record runs on to line 3; the tab in
    // the model is on line 4.
    let csv = "serial,manufacturer,model,type,calibre,country,year\n\
               \"F 1\",\"Zastava\r\nArms\",M70,rifle,7.62x39,RS,1984\n\
               F2,Zastava,\"M70\tX\",rifle,7.62x39,RS,1984\n\
               F3,Zastava,M70,rifle,7.62x39,RS,1984\n";
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes()).unwrap();
    let report = s
        .ledger
        .import_weapons(&s.officer, rows, 2000, |_| {})
        .unwrap();
    let lines: Vec<u64> = report.imported.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![2, 5]);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 4);
    assert!(
        report.rejected[0].reason.contains("model"),
        "{}",
        report.rejected[0].reason
    );
    assert_eq!(
        registered(&s.ledger),
        before + 2,
        "the refused row wrote nothing"
    );
    assert_eq!(
        s.ledger.find_item("F 1").unwrap().manufacturer,
        "Zastava Arms"
    );
    assert!(s.ledger.find_item("F2").is_err());
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn an_on_demand_checkpoint_names_who_asked_and_refuses_a_reason_that_is_not_text() {
    let mut s = site();
    let reason_of = |l: &Ledger, seq: i64| -> String {
        let payload: String = raw(l)
            .query_row("SELECT payload FROM events WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&payload).unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let seq = s.ledger.checkpoint_by(&s.admin, " end of shift ").unwrap();
    assert_eq!(
        reason_of(&s.ledger, seq),
        "requested by Ana Admin (ADM): end of shift"
    );
    let seq = s.ledger.checkpoint_by(&s.officer, "").unwrap();
    assert_eq!(reason_of(&s.ledger, seq), "requested by Oleg Officer (OFF)");
    let before = event_count(&s.ledger);
    assert!(s.ledger.checkpoint_by(&s.admin, "shift\u{7}end").is_err());
    assert_eq!(event_count(&s.ledger), before);
}
