//! Each attack from the security audit (docs/SECURITY.md), performed against the ledger, and
//! what it now achieves: nothing. Every test asserts the typed refusal, that the ledger still
//! verifies, and that nothing outside the intended place changed.

mod common;

use common::{event_count, person, site, weapon, Site};
use custody_core::bundle::{compose, BundleKind};
use custody_core::keys::{key_path_for, SiteKey};
use custody_core::{
    Actor, CustodyError, DestructionMethod, DestructionRecord, HandoverDetails, Ledger, Role,
};
use rusqlite::Connection;
use std::sync::{Arc, Barrier};

fn raw(l: &Ledger) -> Connection {
    Connection::open(l.path()).unwrap()
}

fn intact(l: &Ledger) {
    let report = l.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
}

fn details() -> HandoverDetails {
    HandoverDetails {
        sender: "MoI Depot Belgrade, Oleg Officer".into(),
        receiver: "Forensic Centre Novi Sad".into(),
        legal_basis: "Order 55/2026".into(),
        transport: "Van BG-123-AA".into(),
        ..Default::default()
    }
}

/// Each site trusts the other's key under the other's name.
fn trust_each_other(a: &mut Site, a_name: &str, b: &mut Site, b_name: &str) {
    let a_key = a.ledger.public_key_hex().unwrap();
    let b_key = b.ledger.public_key_hex().unwrap();
    a.ledger.trust_key(&a.admin, &b_key, b_name).unwrap();
    b.ledger.trust_key(&b.admin, &a_key, a_name).unwrap();
}

/// Re-signs a bundle's body after `edit` with the key of the site that wrote it, as an
/// attacker holding that site's key file (or a malicious site) would.
fn resign(bytes: &[u8], signer: &Ledger, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let kind = if header.contains(" receipt ") {
        BundleKind::Receipt
    } else {
        BundleKind::Handover
    };
    let mut body: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    edit(&mut body);
    let key = SiteKey::load(&key_path_for(signer.path())).unwrap();
    compose(kind, &key.key_id(), &body.to_string(), |m| Ok(key.sign(m))).unwrap()
}

/// A rifle only site A has, dispatched (the test sites share their other serials).
fn dispatched(a: &mut Site) -> String {
    let rifle = a
        .ledger
        .register_weapon(&a.officer, weapon("ALPHA-1", "Zastava"), Some("Vault A"))
        .unwrap()
        .code;
    a.weapons[0] = rifle;
    let codes = vec![a.weapons[0].clone()];
    a.ledger
        .handover_dispatch(&a.officer, &details(), &codes)
        .unwrap()
        .code
}

// ---- 1. A courier's stick ---------------------------------------------------------------

#[test]
fn a_signed_bundle_whose_codes_climb_out_of_the_stick_is_refused_and_changes_nothing() {
    let (mut a, mut b) = (site(), site());
    trust_each_other(&mut a, "Alpha", &mut b, "Bravo");
    let manifest = dispatched(&mut a);
    let bundle = a
        .ledger
        .handover_export(&a.officer, &manifest, "Bravo")
        .unwrap();
    for (field, value) in [
        ("manifest_code", "a/../../../../var/lib/custody/site.db"),
        ("manifest_id", "../../x"),
        ("sender_site_id", "not-a-uuid"),
    ] {
        let evil = resign(&bundle, &a.ledger, |body| {
            body[field] = serde_json::Value::String(value.into());
        });
        let before = (
            event_count(&b.ledger),
            b.ledger.projection_digests().unwrap(),
        );
        let err = b.ledger.handover_import(&b.officer, &evil).unwrap_err();
        assert!(
            matches!(err, CustodyError::BadIdentifier { .. }),
            "{field}: {err}"
        );
        assert_eq!(
            (
                event_count(&b.ledger),
                b.ledger.projection_digests().unwrap()
            ),
            before
        );
    }
    // An item code that is not a weapon or evidence label (a location label, a path).
    let evil = resign(&bundle, &a.ledger, |body| {
        body["items"][0]["code"] = "../../etc/passwd".into();
    });
    assert!(matches!(
        b.ledger.handover_import(&b.officer, &evil),
        Err(CustodyError::BadIdentifier { .. })
    ));
    // The genuine bundle still goes in.
    b.ledger.handover_import(&b.officer, &bundle).unwrap();
    intact(&b.ledger);
}

#[test]
fn a_receipt_with_a_forged_manifest_code_is_refused() {
    let (mut a, mut b) = (site(), site());
    trust_each_other(&mut a, "Alpha", &mut b, "Bravo");
    let manifest = dispatched(&mut a);
    let bundle = a
        .ledger
        .handover_export(&a.officer, &manifest, "Bravo")
        .unwrap();
    b.ledger.handover_import(&b.officer, &bundle).unwrap();
    b.ledger
        .handover_receive(&b.officer, &manifest, std::slice::from_ref(&a.weapons[0]))
        .unwrap();
    b.ledger
        .handover_accept(&b.officer, None, &manifest, Some("Vault B"))
        .unwrap();
    let receipt = b.ledger.handover_receipt(&b.officer, &manifest).unwrap();
    let evil = resign(&receipt, &b.ledger, |body| {
        body["manifest_code"] = "M/../../../../root/.ssh/authorized_keys".into();
    });
    let before = event_count(&a.ledger);
    assert!(matches!(
        a.ledger.handover_import_receipt(&a.officer, &evil),
        Err(CustodyError::BadIdentifier { .. })
    ));
    assert_eq!(event_count(&a.ledger), before);
    a.ledger
        .handover_import_receipt(&a.officer, &receipt)
        .unwrap();
    intact(&a.ledger);
}

// ---- 2. Parallel sign-ins -------------------------------------------------------------

#[test]
fn fifty_rounds_of_parallel_wrong_pins_never_get_past_the_lock_out() {
    let mut s = site();
    let rounds = 50;
    let threads = 12;
    for round in 0..rounds {
        s.ledger
            .register_person(
                &s.admin,
                person(
                    &format!("Target {round}"),
                    &format!("T{round}"),
                    Role::Officer,
                ),
                "482915",
            )
            .unwrap();
    }
    let path = s.ledger.path().to_path_buf();
    for round in 0..rounds {
        let badge = format!("T{round}");
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let (path, badge, barrier) = (path.clone(), badge.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut l = Ledger::open(&path).unwrap();
                    barrier.wait();
                    // Busy is a refusal too: the write lock was held by another attempt.
                    l.authenticate(&badge, &format!("90{i:04}"))
                })
            })
            .collect();
        for h in handles {
            assert!(h.join().unwrap().is_err());
        }
        // PINs actually checked are the attempts recorded before Argon2: never more than 5.
        let checked: i64 = raw(&s.ledger)
            .query_row(
                "SELECT count(*) FROM events WHERE kind = 'auth.attempt'
                 AND subject = (SELECT id FROM persons WHERE badge = ?1)",
                [&badge],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            checked <= custody_core::auth::MAX_FAILURES as i64,
            "round {round}: {checked} PINs checked, the limit is 5"
        );
        // And the right PIN is refused now: the badge is locked.
        assert!(matches!(
            s.ledger.authenticate(&badge, "482915"),
            Err(CustodyError::LockedOut { .. })
        ));
    }
    intact(&s.ledger);
}

// ---- 4. A thief with the disk -----------------------------------------------------------

#[cfg(unix)]
#[test]
fn the_ledger_its_journal_and_its_key_are_readable_by_the_owner_only() {
    use custody_core::files::mode_of;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("custody");
    let db = folder.join("site.db");
    let (mut l, admin) = Ledger::create(
        &db,
        "Depot",
        person("Ana", "ADM", Role::Administrator),
        "731904",
    )
    .unwrap();
    l.register_location(
        &admin,
        custody_core::LocationRecord {
            name: "Vault".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(mode_of(&folder), 0o700);
    for suffix in ["", "-wal", "-shm", ".key"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        assert_eq!(mode_of(&p), 0o600, "{}", p.display());
    }
}

#[test]
fn a_stolen_ledger_without_its_key_cracks_no_pin() {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let s = site();
    let hash: String = raw(&s.ledger)
        .query_row(
            "SELECT pin_hash FROM credentials WHERE person_id = ?1",
            [s.officer.person_id()],
            |r| r.get(0),
        )
        .unwrap();
    // The thief knows the PIN format and even guesses the right PIN: plain Argon2id over the
    // hash in the file does not confirm it, because the pepper lives with the site key.
    let parsed = PasswordHash::new(&hash).unwrap();
    assert!(argon2::Argon2::default()
        .verify_password(b"642087", &parsed)
        .is_err());
    // Short and obvious PINs are refused when set.
    let mut s = s;
    for weak in ["1234", "000000", "123456", "987654"] {
        assert!(matches!(
            s.ledger.set_pin(&s.officer, "OFF", weak),
            Err(CustodyError::WeakPin(_))
        ));
    }
}

// ---- 5, 10. The last administrator --------------------------------------------------------

#[test]
fn the_last_administrator_cannot_demote_himself_and_break_glass_needs_the_site_key() {
    let mut s = site();
    let before = event_count(&s.ledger);
    assert!(matches!(
        s.ledger.set_roles(&s.admin, "ADM", vec![Role::Officer]),
        Err(CustodyError::LastAdministrator(_))
    ));
    assert!(matches!(
        s.ledger.set_person_active(&s.admin, "ADM", false),
        Err(CustodyError::LastAdministrator(_))
    ));
    assert_eq!(event_count(&s.ledger), before);
    // Locked out for good: five wrong PINs, and attempts while locked do not extend the lock.
    let start = chrono::Utc::now();
    s.ledger.set_clock(Box::new(move || start));
    for _ in 0..5 {
        let _ = s.ledger.authenticate("ADM", "000001");
    }
    for minute in [5, 10, 14] {
        s.ledger
            .set_clock(Box::new(move || start + chrono::Duration::minutes(minute)));
        assert!(matches!(
            s.ledger.authenticate("ADM", "731904"),
            Err(CustodyError::LockedOut { .. })
        ));
    }
    s.ledger
        .set_clock(Box::new(move || start + chrono::Duration::minutes(16)));
    s.ledger.authenticate("ADM", "731904").unwrap();

    // Break-glass with another site's key file: refused.
    let other = site();
    let foreign = key_path_for(other.ledger.path());
    assert!(matches!(
        s.ledger
            .break_glass(&foreign, "OFF", "570913", "administrator left"),
        Err(CustodyError::WrongSiteKey { .. })
    ));
    // With this site's key: the officer becomes an administrator, on the record.
    let own = key_path_for(s.ledger.path());
    let seq = s
        .ledger
        .break_glass(&own, "OFF", "570913", "administrator left the service")
        .unwrap();
    let kind: String = raw(&s.ledger)
        .query_row("SELECT kind FROM events WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kind, "admin.break_glass");
    let recovered = s.ledger.authenticate("OFF", "570913").unwrap();
    assert!(recovered.roles.contains(&Role::Administrator));
    intact(&s.ledger);
}

// ---- 6. A wrong key file -------------------------------------------------------------------

#[test]
fn another_sites_key_file_is_refused_before_it_signs_anything() {
    let s = site();
    let other = site();
    let path = s.ledger.path().to_path_buf();
    let before = event_count(&s.ledger);
    drop(s.ledger);
    let own = std::fs::read(key_path_for(&path)).unwrap();
    std::fs::copy(key_path_for(other.ledger.path()), key_path_for(&path)).unwrap();
    assert!(matches!(
        Ledger::open(&path),
        Err(CustodyError::WrongSiteKey { .. })
    ));
    // Nothing was signed with it: with the site's own key back, the ledger is as it was.
    std::fs::write(key_path_for(&path), own).unwrap();
    let l = Ledger::open(&path).unwrap();
    assert_eq!(event_count(&l), before);
    intact(&l);
}

#[cfg(unix)]
#[test]
fn a_key_file_readable_by_others_is_named_and_narrowed() {
    use std::os::unix::fs::PermissionsExt;
    let s = site();
    let path = s.ledger.path().to_path_buf();
    drop(s.ledger);
    let key = key_path_for(&path);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let l = Ledger::open(&path).unwrap();
    assert!(
        l.warnings().iter().any(|w| matches!(
            w,
            custody_core::ledger::OpenWarning::KeyReadableByOthers { .. }
        )),
        "{:?}",
        l.warnings()
    );
    assert_eq!(custody_core::files::mode_of(&key), 0o600);
}

// ---- 7. A handover taken by a third site ------------------------------------------------

#[test]
fn a_bundle_addressed_to_one_site_is_refused_by_another_and_its_receipt_too() {
    let (mut a, mut b, mut c) = (site(), site(), site());
    trust_each_other(&mut a, "Alpha", &mut b, "Bravo");
    trust_each_other(&mut a, "Alpha", &mut c, "Charlie");
    let manifest = dispatched(&mut a);
    let bundle = a
        .ledger
        .handover_export(&a.officer, &manifest, "Bravo")
        .unwrap();
    let before = event_count(&c.ledger);
    assert!(matches!(
        c.ledger.handover_import(&c.officer, &bundle),
        Err(CustodyError::BundleNotForThisSite { .. })
    ));
    assert_eq!(event_count(&c.ledger), before);
    // Charlie re-addresses it to itself: the signature breaks, or Charlie must sign it, and
    // then it is not the sender's bundle.
    let readdressed = resign(&bundle, &c.ledger, |body| {
        body["recipient_key_id"] = c.ledger.key_id().unwrap().into();
    });
    assert!(c.ledger.handover_import(&c.officer, &readdressed).is_err());
    // A receipt signed by Charlie for Bravo's handover is refused at the sender.
    b.ledger.handover_import(&b.officer, &bundle).unwrap();
    b.ledger
        .handover_receive(&b.officer, &manifest, std::slice::from_ref(&a.weapons[0]))
        .unwrap();
    b.ledger
        .handover_accept(&b.officer, None, &manifest, None)
        .unwrap();
    let receipt = b.ledger.handover_receipt(&b.officer, &manifest).unwrap();
    let forged = resign(&receipt, &c.ledger, |body| {
        body["public_key"] = c.ledger.public_key_hex().unwrap().into();
        body["key_id"] = c.ledger.key_id().unwrap().into();
        body["receiver_site_id"] = c.ledger.site_id().into();
    });
    let before = event_count(&a.ledger);
    assert!(matches!(
        a.ledger.handover_import_receipt(&a.officer, &forged),
        Err(CustodyError::ReceiptWrongSigner { .. }) | Err(CustodyError::BundleDigestMismatch(_))
    ));
    assert_eq!(event_count(&a.ledger), before);
    a.ledger
        .handover_import_receipt(&a.officer, &receipt)
        .unwrap();
    intact(&a.ledger);
}

// ---- 8. Two kiosks executing the same batch ------------------------------------------------

fn frozen_batch(s: &mut Site, witness2: &Actor, serial: &str) -> String {
    let w = s
        .ledger
        .register_weapon(&s.officer, weapon(serial, "Zastava"), Some("Vault A"))
        .unwrap()
        .code;
    let b = s
        .ledger
        .destruction_create(&s.officer, "Ministry of Interior", "DEC-1", "")
        .unwrap();
    s.ledger
        .destruction_add(&s.officer, &b.code, std::slice::from_ref(&w))
        .unwrap();
    s.ledger.destruction_freeze(&s.officer, &b.code).unwrap();
    s.ledger
        .destruction_recount(&s.inspector, &b.code, std::slice::from_ref(&w))
        .unwrap();
    s.ledger
        .destruction_record(
            &s.inspector,
            &b.code,
            DestructionRecord {
                method: DestructionMethod::Cutting,
                equipment: "Shear".into(),
                place: "Smederevo".into(),
                date: "2026-03-02".into(),
                scrap_weight_kg: "4.1".into(),
                photo_digests: vec![],
            },
        )
        .unwrap();
    let _ = witness2;
    b.code
}

#[test]
fn fifty_rounds_of_two_parallel_executions_record_one_execution_each() {
    let mut s = site();
    s.ledger
        .register_person(
            &s.admin,
            person("Vesna Witness", "WIT", Role::Inspector),
            "286451",
        )
        .unwrap();
    let witness2 = s.ledger.authenticate("WIT", "286451").unwrap();
    let batches: Vec<String> = (0..50)
        .map(|i| frozen_batch(&mut s, &witness2, &format!("X{i}")))
        .collect();
    let path = s.ledger.path().to_path_buf();
    for batch in &batches {
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (path, batch, barrier) = (path.clone(), batch.clone(), barrier.clone());
                let (op, w1, w2) = (s.officer.clone(), s.inspector.clone(), witness2.clone());
                std::thread::spawn(move || {
                    let mut l = Ledger::open(&path).unwrap();
                    barrier.wait();
                    l.destruction_execute(&op, &[&w1, &w2], &batch)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let executed = results.iter().filter(|r| r.is_ok()).count();
        assert!(executed <= 1, "batch {batch} executed twice: {results:?}");
        if executed == 0 {
            // Both lost the race to the busy lock: a third try executes it once.
            s.ledger
                .destruction_execute(&s.officer, &[&s.inspector, &witness2], batch)
                .unwrap();
        }
        for r in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                matches!(r, CustodyError::BatchExecuted(_) | CustodyError::Busy),
                "{r}"
            );
        }
    }
    let executes: i64 = raw(&s.ledger)
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'destruction.execute'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(executes, 50);
    intact(&s.ledger);
}

#[test]
fn verify_names_a_second_execute_appended_with_a_recomputed_chain() {
    use custody_core::event::{canonical_bytes, chain_hash, EventFields};
    let mut s = site();
    s.ledger
        .register_person(
            &s.admin,
            person("Vesna Witness", "WIT", Role::Inspector),
            "286451",
        )
        .unwrap();
    let witness2 = s.ledger.authenticate("WIT", "286451").unwrap();
    let batch = frozen_batch(&mut s, &witness2, "X1");
    let (seq, _) = s
        .ledger
        .destruction_execute(&s.officer, &[&s.inspector, &witness2], &batch)
        .unwrap();
    // The intruder copies the execute event and appends it again with a valid hash.
    let conn = raw(&s.ledger);
    let (actor, witness, kind, subject, payload): (String, String, String, String, String) = conn
        .query_row(
            "SELECT actor, witness, kind, subject, payload FROM events WHERE seq = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    let (head_seq, head_hash): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let id = uuid::Uuid::now_v7().to_string();
    let time = "2026-03-03T10:00:00.000000Z";
    let mut bytes = Vec::new();
    canonical_bytes(
        &EventFields {
            seq: head_seq + 1,
            id: &id,
            time,
            actor: Some(&actor),
            witness: Some(&witness),
            kind: &kind,
            subject: Some(&subject),
            payload: &payload,
        },
        &mut bytes,
    );
    let prev: [u8; 32] = head_hash.try_into().unwrap();
    let hash = chain_hash(&prev, &bytes);
    conn.execute(
        "INSERT INTO events (seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
        rusqlite::params![
            head_seq + 1,
            id,
            time,
            actor,
            witness,
            kind,
            subject,
            payload,
            &prev[..],
            &hash[..]
        ],
    )
    .unwrap();
    let report = s.ledger.verify().unwrap();
    let problem = report.problem.expect("the second execute is found");
    assert_eq!(problem.seq, Some(head_seq + 1));
    assert!(problem.what.contains("second time"), "{}", problem.what);
}

// ---- 9, 14. Sign-in flooding and enumeration ---------------------------------------------

#[test]
fn huge_unknown_badges_add_little_to_the_log_and_a_flood_is_throttled() {
    let mut s = site();
    let size = |l: &Ledger| -> i64 {
        raw(l)
            .query_row("SELECT sum(length(payload)) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    let before = size(&s.ledger);
    let huge = "B".repeat(120_000);
    let mut recorded = 0;
    let mut throttled = 0;
    for _ in 0..50 {
        match s.ledger.authenticate(&huge, "482915") {
            Err(CustodyError::UnknownBadge(_)) => recorded += 1,
            Err(CustodyError::SignInThrottled) => throttled += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        recorded,
        custody_core::auth::UNKNOWN_BADGE_EVENTS_PER_MINUTE
    );
    assert_eq!(throttled, 50 - recorded);
    let grown = size(&s.ledger) - before;
    assert!(grown < 200 * recorded, "the log grew by {grown} bytes");
    intact(&s.ledger);
}

#[test]
fn a_pin_typed_into_the_badge_field_is_not_kept_as_typed() {
    let mut s = site();
    assert!(matches!(
        s.ledger.authenticate("642087", "642087"),
        Err(CustodyError::UnknownBadge(_))
    ));
    let payload: String = raw(&s.ledger)
        .query_row(
            "SELECT payload FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!payload.contains("642087"), "{payload}");
    assert!(payload.contains("withheld"), "{payload}");
}

// ---- 11. A PIN hash copied from one officer to another ------------------------------------

#[test]
fn a_pin_hash_copied_over_another_persons_fails_verify() {
    let s = site();
    let conn = raw(&s.ledger);
    conn.execute(
        "UPDATE credentials SET pin_hash = (SELECT pin_hash FROM credentials WHERE person_id = ?1)
         WHERE person_id = ?2",
        [s.officer.person_id(), s.inspector.person_id()],
    )
    .unwrap();
    let report = s.ledger.verify().unwrap();
    let problem = report.problem.expect("the copied credential is found");
    assert!(problem.what.contains("PIN credential"), "{}", problem.what);
    assert!(problem.seq.is_some());
    // The export carries only the digest, never the hash.
    let mut exported = String::new();
    s.ledger
        .for_each_event(|e| {
            exported.push_str(&e.payload);
            Ok::<(), CustodyError>(())
        })
        .unwrap();
    assert!(!exported.contains("$argon2id$"));
}

// ---- 12. Control characters and huge fields ------------------------------------------------

#[test]
fn terminal_escapes_nul_bytes_and_megabyte_fields_are_refused_at_intake() {
    let mut s = site();
    let before = event_count(&s.ledger);
    for (serial, model) in [
        ("ESC1", "\u{1b}[2J\u{1b}[H"),
        ("NUL1", "M70\0"),
        ("BIG1", &*"x".repeat(3_000_000)),
    ] {
        let mut w = weapon(serial, "Zastava");
        w.model = model.to_string();
        let err = s.ledger.register_weapon(&s.officer, w, None).unwrap_err();
        assert!(
            matches!(
                err,
                CustodyError::ControlCharacters { .. } | CustodyError::FieldTooLong { .. }
            ),
            "{err}"
        );
    }
    assert_eq!(event_count(&s.ledger), before);
}

// ---- 16. Demo ledgers ------------------------------------------------------------------------

#[test]
fn a_demo_ledger_says_so_and_issues_no_sealed_document() {
    let dir = tempfile::tempdir().unwrap();
    let (l, _) = Ledger::create_demo(
        &dir.path().join("demo.db"),
        "Demo",
        person("Ana", "ADM", Role::Administrator),
        "731904",
    )
    .unwrap();
    assert!(l.is_demo().unwrap());
    let s = site();
    assert!(!s.ledger.is_demo().unwrap());
}

// ---- 17. Bulk intake holds the lock briefly ---------------------------------------------------

#[test]
fn a_huge_import_batch_is_cut_into_transactions_of_at_most_two_thousand_rows() {
    let mut s = site();
    let csv: String =
        std::iter::once("serial,manufacturer,model,type,calibre,country,year\n".to_string())
            .chain((0..5_000).map(|i| format!("IMP{i},Zastava,M70,rifle,7.62x39,RS,1984\n")))
            .collect();
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes()).unwrap();
    let mut commits = Vec::new();
    let (before, _) = s.ledger.head().unwrap();
    let report = s
        .ledger
        .import_weapons(&s.officer, rows, 150_000, |p| commits.push(p.committed))
        .unwrap();
    assert_eq!(report.imported.len(), 5_000);
    // Every event of one transaction carries the transaction's time.
    let transactions: Vec<i64> = raw(&s.ledger)
        .prepare(
            "SELECT count(*) FROM events WHERE kind = 'item.register_weapon' AND seq > ?1
             GROUP BY time ORDER BY min(seq)",
        )
        .unwrap()
        .query_map([before], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(transactions, [2_000, 2_000, 1_000]);
    // Progress is reported where the log was synced: here only at the end.
    assert_eq!(commits, [5_000]);
}

/// Between syncs of the log an import commits without waiting for the disk, and reports
/// progress only once a sync made it durable.
#[test]
fn an_import_reports_progress_only_where_the_log_was_synced() {
    let mut s = site();
    let stretch = custody_core::import::IMPORT_DURABLE_ROWS;
    let total = stretch + 500;
    let csv: String =
        std::iter::once("serial,manufacturer,model,type,calibre,country,year\n".to_string())
            .chain((0..total).map(|i| format!("DUR{i},Zastava,M70,rifle,7.62x39,RS,1984\n")))
            .collect();
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes()).unwrap();
    let mut commits = Vec::new();
    let report = s
        .ledger
        .import_weapons(&s.officer, rows, 2_000, |p| commits.push(p.committed))
        .unwrap();
    assert_eq!(report.imported.len(), total);
    assert_eq!(commits, [stretch, total]);
}

// ---- 18. Revoked keys ----------------------------------------------------------------------------

#[test]
fn a_revoked_sites_bundle_is_refused() {
    let (mut a, mut b) = (site(), site());
    trust_each_other(&mut a, "Alpha", &mut b, "Bravo");
    let manifest = dispatched(&mut a);
    let bundle = a
        .ledger
        .handover_export(&a.officer, &manifest, "Bravo")
        .unwrap();
    assert!(matches!(
        b.ledger.revoke_key(&b.officer, "Alpha", "compromised"),
        Err(CustodyError::WrongRole { .. })
    ));
    b.ledger
        .revoke_key(&b.admin, "Alpha", "key reported stolen")
        .unwrap();
    assert!(matches!(
        b.ledger.handover_import(&b.officer, &bundle),
        Err(CustodyError::BundleUntrustedKey { .. })
    ));
    intact(&b.ledger);
}

#[test]
fn a_scan_behind_a_writer_that_holds_the_lock_past_the_busy_timeout_is_retried_not_lost() {
    let mut s = site();
    let path = s.ledger.path().to_path_buf();
    let before = event_count(&s.ledger);
    let holding = Arc::new(Barrier::new(2));
    let holder = {
        let (path, holding) = (path.clone(), holding.clone());
        std::thread::spawn(move || {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("BEGIN IMMEDIATE").unwrap();
            holding.wait();
            // Longer than one busy timeout (5 s), shorter than the retries together.
            std::thread::sleep(std::time::Duration::from_millis(6500));
            conn.execute_batch("COMMIT").unwrap();
        })
    };
    holding.wait();
    let scan = custody_core::scans::ScanInput {
        device: "test".into(),
        port: "/dev/null".into(),
        profile: "generic-cdc".into(),
        aim: "]C0".into(),
        data: s.weapons[0].as_bytes().to_vec(),
        ignored: None,
    };
    let recorded = s.ledger.record_scan(Some(&s.officer), &scan).unwrap();
    holder.join().unwrap();
    assert_eq!(recorded.seq, before + 1);
    assert_eq!(event_count(&s.ledger), before + 1, "recorded exactly once");
}
