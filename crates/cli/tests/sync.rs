//! `custody sync export|cosign` and `custody verify --registry-key`, with a registry
//! cosignature made here from docs/segment-format.md (no registry needed).

use custody_core::{Ledger, PersonRecord, Role};
use ed25519_dalek::{Signer, SigningKey};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_custody");

fn custody(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CUSTODY_AS")
        .env("CUSTODY_PIN", "731904")
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

/// A registry's answer for event `size` of the ledger, signed with `key`, as the format
/// document specifies it.
fn cosignature(key: &SigningKey, site: &str, size: i64, head: &str) -> serde_json::Value {
    let time = 1_795_000_000u64;
    let message = format!("cosignature/v1\ntime {time}\ncustody-site/{site}\n{size}\n{head}\n");
    let public = key.verifying_key();
    serde_json::json!({
        "format": "custody-cosignature/v1",
        "registry_key_id": custody_core::keys::key_id(&public),
        "registry_public_key": hex::encode(public.as_bytes()),
        "site_id": site, "size": size, "head": head, "time": time,
        "signature": hex::encode(key.sign(message.as_bytes()).to_bytes()),
    })
}

fn key_file(key: &SigningKey) -> String {
    let public = key.verifying_key();
    format!(
        "custody-registry-key/v1\npublic_key {}\nkey_id {}\n",
        hex::encode(public.as_bytes()),
        custody_core::keys::key_id(&public)
    )
}

#[test]
fn a_cosigned_checkpoint_is_stored_checked_and_a_truncation_below_it_fails_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("site.db");
    let (ledger, _) = Ledger::create(
        &db,
        "Depot",
        PersonRecord {
            name: "Ana".into(),
            service_number: String::new(),
            badge: "ADM".into(),
            roles: vec![Role::Administrator],
        },
        "731904",
    )
    .unwrap();
    let site = ledger.site_id().to_string();
    drop(ledger);

    let seg = dir.path().join("site.seg");
    let out = custody(&db, &["sync", "export", "-o", seg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(std::fs::read(&seg)
        .unwrap()
        .starts_with(b"CUSTODY-SEGMENT-1\n"));

    // The export ended with a fresh checkpoint: the newest event.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (size, kind, hash): (i64, String, Vec<u8>) = conn
        .query_row(
            "SELECT seq, kind, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kind, "checkpoint");
    drop(conn);

    let registry = SigningKey::from_bytes(&[9; 32]);
    let reg_pub = dir.path().join("registry.pub");
    std::fs::write(&reg_pub, key_file(&registry)).unwrap();
    let cos = dir.path().join("site.cos");
    std::fs::write(
        &cos,
        cosignature(&registry, &site, size, &hex::encode(&hash)).to_string(),
    )
    .unwrap();

    // A cosignature for an event that is not this head is refused.
    let wrong = dir.path().join("wrong.cos");
    std::fs::write(
        &wrong,
        cosignature(&registry, &site, size, &"00".repeat(32)).to_string(),
    )
    .unwrap();
    let out = custody(&db, &["sync", "status"]);
    assert!(text(&out).contains("No checkpoint of this site has been cosigned yet"));
    let out = custody(&db, &["sync", "cosign", wrong.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let out = custody(&db, &["sync", "cosign", cos.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let out = custody(
        &db,
        &["verify", "--registry-key", reg_pub.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("1 registry cosignatures hold"));

    // Against another registry's key the stored cosignature proves nothing.
    let other = dir.path().join("other.pub");
    std::fs::write(&other, key_file(&SigningKey::from_bytes(&[8; 32]))).unwrap();
    let out = custody(&db, &["verify", "--registry-key", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains(&format!("cosigned checkpoint {size}")));

    // Cut the ledger below the cosigned checkpoint: the site's own verify passes, the
    // registry's answer kept outside the ledger does not.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER IF EXISTS events_no_delete")
        .unwrap();
    conn.execute("DELETE FROM events WHERE seq >= ?1", [size - 1])
        .unwrap();
    drop(conn);
    // Rebuilt as the intruder would, without signing in (which would itself add events).
    Ledger::open(&db).unwrap().rebuild().unwrap();
    let out = custody(&db, &["verify"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = custody(
        &db,
        &[
            "verify",
            "--registry-key",
            reg_pub.to_str().unwrap(),
            "--cosignature",
            cos.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains(&format!("cosigned checkpoint {size}")),
        "{said}"
    );
    assert!(said.contains("truncated"), "{said}");
}
