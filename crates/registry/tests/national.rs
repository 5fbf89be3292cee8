//! Two real sites push to a registry on a real PostgreSQL; the national view must say what the
//! sites' own records say. Tamper tests: a rewritten cosigned event, a truncated ledger.

mod common;
#[path = "common/sites.rs"]
mod sites;

use common::*;
use custody_core::event::{canonical_bytes, chain_hash};
use custody_core::keys::{checkpoint_note, key_path_for, SiteKey};
use custody_core::sync::{read_registry_key, Cosignature};
use custody_core::{Ledger, WeaponType};
use custody_registry::auth::{add_user, create_token, Role};
use custody_registry::db::connect;
use sites::*;
use std::path::Path;

/// What `custody sync push` does: ask the head, send the rest, store the cosignature.
async fn push_http(url: &str, ledger: &mut Ledger) -> Result<Cosignature, Answer> {
    let head = http(
        "GET",
        &format!("{url}/api/v1/sites/{}/head", ledger.site_id()),
        None,
        None,
    )
    .await;
    assert_eq!(head.status, 200, "{}", head.body);
    let held = head.json()["seq"].as_i64().unwrap();
    let (bytes, _, _) = ledger.export_segment(held + 1).unwrap();
    let answer = http("POST", &format!("{url}/api/v1/segments"), None, Some(bytes)).await;
    if answer.status != 200 {
        return Err(answer);
    }
    let c: Cosignature = serde_json::from_str(&answer.body).unwrap();
    ledger.store_cosignature(&c).unwrap();
    Ok(c)
}

fn registry_cli(server: &Server, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_custody-registry"))
        .args(args)
        .env("DATABASE_URL", &server.db)
        .env(
            "CUSTODY_REGISTRY_KEY_FILE",
            server.key_dir.path().join("registry.key"),
        )
        .output()
        .unwrap()
}

fn enroll(server: &Server, site: &Site, name: &str) {
    let key_file = site.dir.path().join("site.pub");
    std::fs::write(&key_file, site.ledger.public_key_export().unwrap()).unwrap();
    let out = registry_cli(
        server,
        &[
            "site",
            "enroll",
            "--name",
            name,
            "--key-file",
            key_file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn registry_key(server: &Server) -> ed25519_dalek::VerifyingKey {
    let file = server.key_dir.path().join("registry.pub");
    let out = registry_cli(server, &["keys", "export", "-o", file.to_str().unwrap()]);
    assert!(out.status.success());
    read_registry_key(&std::fs::read_to_string(file).unwrap()).unwrap()
}

async fn token(db: &str, role: Role) -> String {
    let c = connect(db).await.unwrap();
    format!("Bearer {}", create_token(&c, "test", role).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sites_push_and_the_national_view_says_what_their_records_say() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let inspector = token(&db, Role::Inspector).await;

    let mut a = site(
        "Depot A",
        &[
            ("AK-1001", WeaponType::Rifle),
            ("AK-1002", WeaponType::Rifle),
            ("P-77", WeaponType::Pistol),
            ("SHARED-9", WeaponType::Rifle),
            ("H-1", WeaponType::Rifle),
        ],
    );
    let mut b = site("Depot B", &[("shared 9", WeaponType::Rifle)]);
    let destroyed = vec![a.codes[0].clone(), a.codes[1].clone(), a.codes[2].clone()];
    let batch = destroy(&mut a, &destroyed);
    let moved = vec![a.codes[4].clone()];
    let manifest = hand_over(&mut a, &mut b, &moved);
    enroll(&server, &a, "Depot A");
    enroll(&server, &b, "Depot B");
    let (site_a, site_b) = (
        a.ledger.site_id().to_string(),
        b.ledger.site_id().to_string(),
    );

    // A over HTTP.
    let cos_a = push_http(&server.url, &mut a.ledger).await.unwrap();
    assert_eq!(cos_a.size, a.ledger.head().unwrap().0 - 1);
    // B on a file, through `custody-registry import`, and the answer back with store_cosignature.
    let seg = b.dir.path().join("b.seg");
    let cos_file = b.dir.path().join("b.cos");
    let (bytes, _, _) = b.ledger.export_segment(1).unwrap();
    std::fs::write(&seg, bytes).unwrap();
    let out = registry_cli(
        &server,
        &[
            "import",
            seg.to_str().unwrap(),
            "-o",
            cos_file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cos_b: Cosignature =
        serde_json::from_str(&std::fs::read_to_string(&cos_file).unwrap()).unwrap();
    b.ledger.store_cosignature(&cos_b).unwrap();

    // Both sites' ledgers check out against the registry key.
    let rkey = registry_key(&server);
    for s in [&a, &b] {
        let (checked, problems) = s.ledger.verify_cosignatures(&rkey, &[]).unwrap();
        assert_eq!((checked, problems), (1, vec![]));
    }

    // A serial across sites: the shared one at both, in store at both, flagged as a diversion.
    let found = http(
        "GET",
        &format!("{}/api/v1/items?serial=Shared-9", server.url),
        Some(&inspector),
        None,
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.body);
    let rows = found.json();
    let mut at: Vec<(String, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["site_id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    at.sort();
    let mut want = vec![
        (site_a.clone(), "in_store".to_string()),
        (site_b.clone(), "in_store".to_string()),
    ];
    want.sort();
    assert_eq!(at, want);

    // The handed-over weapon: transferred out at A, in store at B; its history spans both.
    let moved_rows = http(
        "GET",
        &format!("{}/api/v1/items?serial=H-1", server.url),
        Some(&inspector),
        None,
    )
    .await
    .json();
    let mut states: Vec<(String, String)> = moved_rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["site_id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    states.sort();
    let mut want = vec![
        (site_a.clone(), "transferred_out".to_string()),
        (site_b.clone(), "in_store".to_string()),
    ];
    want.sort();
    assert_eq!(states, want);
    let history = http(
        "GET",
        &format!("{}/api/v1/items/history?serial=H-1", server.url),
        Some(&inspector),
        None,
    )
    .await
    .json();
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "item.register_weapon",
        "handover.dispatch",
        "handover.receipt",
        "handover.accept",
    ] {
        assert!(kinds.contains(&k), "history lacks {k}: {kinds:?}");
    }

    // The handover matched A -> B.
    let handovers = http(
        "GET",
        &format!("{}/api/v1/handovers", server.url),
        Some(&inspector),
        None,
    )
    .await
    .json();
    let h = &handovers.as_array().unwrap()[..];
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["code"].as_str().unwrap(), manifest);
    assert_eq!(h[0]["sender_site_id"].as_str().unwrap(), site_a);
    assert_eq!(h[0]["receiver_site_id"].as_str().unwrap(), site_b);
    assert!(h[0]["accepted_time"].is_string());
    assert_eq!(
        (h[0]["items"].as_i64(), h[0]["received"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(h[0]["overdue"], serde_json::json!(false));

    // Destruction totals equal the site's own batch record: two rifles and a pistol at A.
    let site_batch = a.ledger.destruction_batch(&batch).unwrap();
    let totals = http(
        "GET",
        &format!("{}/api/v1/destructions", server.url),
        Some(&inspector),
        None,
    )
    .await
    .json();
    let mut per_type: Vec<(String, String, i64)> = totals
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["site_id"].as_str().unwrap().to_string(),
                r["weapon_type"].as_str().unwrap().to_string(),
                r["destroyed"].as_i64().unwrap(),
            )
        })
        .collect();
    per_type.sort();
    assert_eq!(
        per_type,
        vec![
            (site_a.clone(), "pistol".to_string(), 1),
            (site_a.clone(), "rifle".to_string(), 2)
        ]
    );
    assert_eq!(
        per_type.iter().map(|r| r.2).sum::<i64>() as u64,
        site_batch.items as u64
    );

    // Alarms: the shared serial in store at two sites; no fork, no overdue handover.
    let alarms = http(
        "GET",
        &format!("{}/api/v1/alarms", server.url),
        Some(&inspector),
        None,
    )
    .await
    .json();
    assert_eq!(alarms["forks"], serde_json::json!([]));
    assert_eq!(alarms["overdue_handovers"], serde_json::json!([]));
    let div = alarms["diversions"].as_array().unwrap();
    assert_eq!(div.len(), 1);
    assert_eq!(div[0]["serial_norm"], "SHARED9");

    // Stock per site, from the sites' own item lists: A has SHARED-9 in store (3 destroyed,
    // 1 transferred out), B has its own and the received one.
    let stock = http(
        "GET",
        &format!("{}/api/v1/stock", server.url),
        Some(&inspector),
        None,
    )
    .await
    .json();
    let in_store = |site: &str| -> i64 {
        stock
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["site_id"] == site && r["status"] == "in_store")
            .map(|r| r["items"].as_i64().unwrap())
            .sum()
    };
    assert_eq!((in_store(&site_a), in_store(&site_b)), (1, 2));

    // A goes on working and pushes again: only the new events travel, the head follows.
    a.ledger
        .register_weapon(
            &a.officer,
            weapon("NEW-1", WeaponType::Pistol),
            Some("Vault A"),
        )
        .unwrap();
    let again = push_http(&server.url, &mut a.ledger).await.unwrap();
    assert!(again.size > cos_a.size);
    let held = http(
        "GET",
        &format!("{}/api/v1/sites/{site_a}/head", server.url),
        None,
        None,
    )
    .await
    .json();
    assert_eq!(held["seq"].as_i64().unwrap(), again.size);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM events WHERE site_id = '{site_a}'")
        )
        .await,
        again.size
    );

    // Rebuild from the events alone gives identical tables.
    let c = connect(&db).await.unwrap();
    let before = custody_registry::projection::digests(&c).await.unwrap();
    let out = registry_cli(&server, &["rebuild"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = custody_registry::projection::digests(&c).await.unwrap();
    assert_eq!(before, after);
    assert!(count(&db, "SELECT count(*) FROM items").await >= 8);
}

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

/// Re-hashes the chain from `seq` after replacing that event's payload, re-signing every
/// checkpoint with the site key, as someone holding the site PC could.
fn rewrite(db: &Path, seq: i64, payload: &str) {
    let key = SiteKey::load(&key_path_for(db)).unwrap();
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER IF EXISTS events_no_update")
        .unwrap();
    let rows: Vec<Row> = {
        let mut st = conn
            .prepare("SELECT seq, id, time, actor, witness, kind, subject, payload, prev_hash FROM events WHERE seq >= ?1 ORDER BY seq")
            .unwrap();
        st.query_map([seq], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let mut running: [u8; 32] = rows[0].8.clone().try_into().unwrap();
    let mut scratch = Vec::new();
    for (s, id, time, actor, witness, kind, subject, old_payload, _) in rows {
        let mut p = if s == seq {
            payload.to_string()
        } else {
            old_payload
        };
        if kind == "checkpoint" {
            let mut v: serde_json::Value = serde_json::from_str(&p).unwrap();
            let head = hex::encode(running);
            let note = checkpoint_note(
                v["site_id"].as_str().unwrap(),
                s - 1,
                &head,
                v["time"].as_str().unwrap(),
            );
            v["head_hash"] = head.into();
            v["signature"] = hex::encode(key.sign(note.as_bytes())).into();
            p = v.to_string();
        }
        canonical_bytes(
            &custody_core::event::EventFields {
                seq: s,
                id: &id,
                time: &time,
                actor: actor.as_deref(),
                witness: witness.as_deref(),
                kind: &kind,
                subject: subject.as_deref(),
                payload: &p,
            },
            &mut scratch,
        );
        let hash = chain_hash(&running, &scratch);
        conn.execute(
            "UPDATE events SET payload = ?2, prev_hash = ?3, hash = ?4 WHERE seq = ?1",
            rusqlite::params![s, p, &running[..], &hash[..]],
        )
        .unwrap();
        running = hash;
    }
}

fn truncate(db: &Path, keep: i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER IF EXISTS events_no_delete")
        .unwrap();
    conn.execute("DELETE FROM events WHERE seq > ?1", [keep])
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_edited_cosigned_event_is_a_fork_refused_and_recorded_and_verify_names_the_checkpoint() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let mut a = site(
        "Depot A",
        &[("AK-1", WeaponType::Rifle), ("AK-2", WeaponType::Rifle)],
    );
    enroll(&server, &a, "Depot A");
    let cos = push_http(&server.url, &mut a.ledger).await.unwrap();
    let site_a = a.ledger.site_id().to_string();
    let events_before = count(&db, "SELECT count(*) FROM events").await;

    // The registration of AK-2 says AK-3 now; the chain and checkpoints are redone with the
    // site key, so the site's own verify passes.
    let (seq, payload): (i64, String) = rusqlite::Connection::open(a.ledger.path()).unwrap()
        .query_row("SELECT seq, payload FROM events WHERE kind = 'item.register_weapon' ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let old_hash: Vec<u8> = rusqlite::Connection::open(a.ledger.path())
        .unwrap()
        .query_row("SELECT hash FROM events WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();
    let path = a.ledger.path().to_path_buf();
    drop(std::mem::replace(
        &mut a.ledger,
        Ledger::open(&path).unwrap(),
    ));
    rewrite(&path, seq, &payload.replace("AK-2", "AK-3"));
    a.ledger = Ledger::open(&path).unwrap();
    a.ledger.rebuild().unwrap();
    assert!(
        a.ledger.verify().unwrap().is_intact(),
        "the site key alone cannot see the rewrite"
    );
    let new_hash: Vec<u8> = rusqlite::Connection::open(a.ledger.path())
        .unwrap()
        .query_row("SELECT hash FROM events WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();

    // The registry cosignature does.
    let rkey = registry_key(&server);
    let (_, problems) = a.ledger.verify_cosignatures(&rkey, &[]).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].checkpoint_seq, cos.size);
    assert!(
        problems[0].what.contains("rewritten"),
        "{}",
        problems[0].what
    );

    // Pushing the rewritten history: refused as a fork, recorded with both hashes.
    let (bytes, _, _) = a.ledger.export_segment(1).unwrap();
    let answer = http(
        "POST",
        &format!("{}/api/v1/segments", server.url),
        None,
        Some(bytes),
    )
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (409, "fork"),
        "{}",
        answer.body
    );
    assert!(answer.json()["message"]
        .as_str()
        .unwrap()
        .contains(&format!("event {seq}")));
    let alarms = http(
        "GET",
        &format!("{}/api/v1/alarms", server.url),
        Some(&token(&db, Role::Inspector).await),
        None,
    )
    .await
    .json();
    let forks = alarms["forks"].as_array().unwrap();
    assert_eq!(forks.len(), 1);
    assert_eq!(forks[0]["site_id"], site_a.as_str());
    assert_eq!(forks[0]["seq"].as_i64(), Some(seq));
    assert_eq!(forks[0]["held_hash"], hex::encode(&old_hash).as_str());
    assert_eq!(forks[0]["offered_hash"], hex::encode(&new_hash).as_str());
    assert_eq!(
        count(&db, "SELECT count(*) FROM events").await,
        events_before
    );
    let held = http(
        "GET",
        &format!("{}/api/v1/sites/{site_a}/head", server.url),
        None,
        None,
    )
    .await
    .json();
    assert_eq!(held["seq"].as_i64(), Some(cos.size));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_ledger_truncated_below_a_cosigned_checkpoint_fails_verify_against_the_registry_answer() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let mut a = site(
        "Depot A",
        &[("AK-1", WeaponType::Rifle), ("AK-2", WeaponType::Rifle)],
    );
    enroll(&server, &a, "Depot A");
    let cos = push_http(&server.url, &mut a.ledger).await.unwrap();
    let rkey = registry_key(&server);
    assert_eq!(
        a.ledger
            .verify_cosignatures(&rkey, std::slice::from_ref(&cos))
            .unwrap()
            .1,
        vec![]
    );

    let path = a.ledger.path().to_path_buf();
    drop(std::mem::replace(
        &mut a.ledger,
        Ledger::open(&path).unwrap(),
    ));
    truncate(&path, cos.size - 3);
    let mut ledger = Ledger::open(&path).unwrap();
    ledger.rebuild().unwrap();
    assert!(
        ledger.verify().unwrap().is_intact(),
        "a clean truncation passes the site's own verify"
    );
    let (_, problems) = ledger
        .verify_cosignatures(&rkey, std::slice::from_ref(&cos))
        .unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].checkpoint_seq, cos.size);
    assert!(
        problems[0].what.contains("truncated"),
        "{}",
        problems[0].what
    );
    // A cosignature by another key proves nothing and is reported, not trusted.
    let other = ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key();
    let (_, problems) = ledger.verify_cosignatures(&other, &[cos]).unwrap();
    assert!(problems[0].what.contains("not the given key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn users_and_tokens_are_checked_and_each_refusal_is_typed() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let c = connect(&db).await.unwrap();
    add_user(&c, "insp", "correct horse battery", Role::Inspector)
        .await
        .unwrap();
    add_user(&c, "boss", "correct horse staple!", Role::Administrator)
        .await
        .unwrap();
    let basic = |u: &str, p: &str| {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
        )
    };
    let sites = format!("{}/api/v1/sites", server.url);
    let cases: Vec<(Option<String>, u16, &str)> = vec![
        (None, 401, "no_credentials"),
        (Some("Bearer crt_0000".into()), 401, "bad_token"),
        (Some(basic("insp", "wrong password!!")), 401, "bad_password"),
        (
            Some(basic("nobody", "correct horse battery")),
            401,
            "bad_password",
        ),
        (Some("Digest abc".into()), 401, "no_credentials"),
    ];
    for (auth, status, code) in cases {
        let a = http("GET", &sites, auth.as_deref(), None).await;
        assert_eq!(
            (a.status, a.code().as_str()),
            (status, code),
            "{auth:?}: {}",
            a.body
        );
        assert!(!a.json()["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        http(
            "GET",
            &sites,
            Some(&basic("insp", "correct horse battery")),
            None
        )
        .await
        .status,
        200
    );
    // Only an administrator makes tokens; the token made works, as the role it was given.
    let tokens = format!("{}/api/v1/tokens", server.url);
    let body = br#"{"name":"dashboard","role":"inspector"}"#.to_vec();
    let refused = http(
        "POST",
        &tokens,
        Some(&basic("insp", "correct horse battery")),
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (403, "forbidden")
    );
    let made = http(
        "POST",
        &tokens,
        Some(&basic("boss", "correct horse staple!")),
        Some(body),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let t = format!("Bearer {}", made.json()["token"].as_str().unwrap());
    assert_eq!(http("GET", &sites, Some(&t), None).await.status, 200);
    let again = http(
        "POST",
        &tokens,
        Some(&t),
        Some(br#"{"name":"x","role":"administrator"}"#.to_vec()),
    )
    .await;
    assert_eq!(again.status, 403);
    // Bad input to the API is a typed 400, not a crash.
    let bad = http(
        "GET",
        &format!("{}/api/v1/items", server.url),
        Some(&t),
        None,
    )
    .await;
    assert_eq!((bad.status, bad.code().as_str()), (400, "bad_request"));
    let short = http(
        "POST",
        &tokens,
        Some(&basic("boss", "correct horse staple!")),
        Some(b"{".to_vec()),
    )
    .await;
    assert_eq!((short.status, short.code().as_str()), (400, "bad_request"));
    assert!(add_user(&c, "weak", "short", Role::Inspector)
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batch_changes_releases_and_returns_reach_the_national_view_as_the_site_records_them() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let mut a = site(
        "Depot A",
        &[
            ("X-1", WeaponType::Rifle),
            ("X-2", WeaponType::Rifle),
            ("X-3", WeaponType::Pistol),
            ("X-4", WeaponType::Rifle),
        ],
    );
    let mut lab = site("Lab", &[("L-1", WeaponType::Rifle)]);
    let (x1, x2, x3) = (a.codes[0].clone(), a.codes[1].clone(), a.codes[2].clone());
    let x4 = a.codes[3].clone();
    // X-2 is taken off the batch before it is frozen: the batch destroys X-1 only.
    let b = a
        .ledger
        .destruction_create(&a.officer, "Ministry of Interior", "DEC-2026/9", "")
        .unwrap();
    a.ledger
        .destruction_add(&a.officer, &b.code, &[x1.clone(), x2.clone()])
        .unwrap();
    a.ledger
        .destruction_remove(
            &a.officer,
            &b.code,
            std::slice::from_ref(&x2),
            "kept as evidence",
        )
        .unwrap();
    a.ledger.destruction_freeze(&a.officer, &b.code).unwrap();
    a.ledger
        .destruction_recount(&a.inspector, &b.code, std::slice::from_ref(&x1))
        .unwrap();
    a.ledger
        .destruction_record(
            &a.officer,
            &b.code,
            custody_core::DestructionRecord {
                method: custody_core::DestructionMethod::Cutting,
                equipment: "Hydraulic shear".into(),
                place: "Smederevo".into(),
                date: "2026-03-02".into(),
                scrap_weight_kg: "3.5".into(),
                photo_digests: vec![],
            },
        )
        .unwrap();
    a.ledger
        .destruction_execute(&a.officer, &[&a.inspector, &a.witness], &b.code)
        .unwrap();
    // X-3 goes into a batch that is frozen and then cancelled.
    let c = a
        .ledger
        .destruction_create(&a.officer, "Ministry of Interior", "DEC-2026/10", "")
        .unwrap();
    a.ledger
        .destruction_add(&a.officer, &c.code, std::slice::from_ref(&x3))
        .unwrap();
    a.ledger.destruction_freeze(&a.officer, &c.code).unwrap();
    a.ledger
        .destruction_cancel(&a.officer, &c.code, "decision withdrawn")
        .unwrap();
    // X-4 goes to the lab and comes back to its own record.
    hand_over(&mut a, &mut lab, std::slice::from_ref(&x4));
    hand_over(&mut lab, &mut a, std::slice::from_ref(&x4));
    enroll(&server, &a, "Depot A");
    enroll(&server, &lab, "Lab");
    push_http(&server.url, &mut a.ledger).await.unwrap();
    push_http(&server.url, &mut lab.ledger).await.unwrap();
    let c = connect(&db).await.unwrap();
    let status = |site: String, code: String| {
        let c = &c;
        async move {
            let rows = c
                .query(
                    "SELECT status FROM items WHERE site_id = $1 AND code = $2",
                    &[&site, &code],
                )
                .await
                .unwrap();
            assert_eq!(rows.len(), 1, "{code} at {site}: one national row");
            rows[0].get::<_, String>(0)
        }
    };
    let site_a = a.ledger.site_id().to_string();
    let site_lab = lab.ledger.site_id().to_string();
    // What each site's own ledger says, item by item.
    for (site, ledger, code) in [
        (&site_a, &a.ledger, &x1),
        (&site_a, &a.ledger, &x2),
        (&site_a, &a.ledger, &x3),
        (&site_a, &a.ledger, &x4),
        (&site_lab, &lab.ledger, &x4),
    ] {
        let here = ledger.find_item(code).unwrap().status.as_str().to_string();
        assert_eq!(status(site.clone(), code.clone()).await, here, "{code}");
    }
    assert_eq!(status(site_a.clone(), x1.clone()).await, "destroyed");
    assert_eq!(status(site_a.clone(), x2.clone()).await, "in_store");
    assert_eq!(status(site_a.clone(), x3.clone()).await, "in_store");
    assert_eq!(status(site_a.clone(), x4.clone()).await, "in_store");
    assert_eq!(status(site_lab, x4).await, "transferred_out");
}
