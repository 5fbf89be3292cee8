//! The test vectors in docs/ledger-format.md, computed there by an independent implementation,
//! must match what the ledger computes.

use custody_core::event::{canonical_bytes, chain_hash, EventFields, GENESIS_HASH};
use custody_core::keys::{checkpoint_note, key_id, parse_public_key, verify_signature};
use std::collections::HashMap;

fn blocks(tag: &str) -> Vec<HashMap<String, String>> {
    let doc = include_str!("../../../docs/ledger-format.md");
    let fence = format!("```{tag}\n");
    doc.split(&fence)
        .skip(1)
        .map(|rest| {
            let body = rest.split("\n```").next().unwrap();
            body.lines()
                .filter_map(|l| {
                    l.split_once(": ")
                        .or_else(|| l.strip_suffix(':').map(|k| (k, "")))
                })
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn opt(v: &str) -> Option<&str> {
    (v != "-").then_some(v)
}

#[test]
fn the_documented_hash_chain_vectors_hold() {
    let vectors = blocks("vector");
    assert_eq!(vectors.len(), 3, "the document has three event vectors");
    let mut prev = GENESIS_HASH;
    let mut buf = Vec::new();
    for v in vectors {
        let fields = EventFields {
            seq: v["seq"].parse().unwrap(),
            id: &v["id"],
            time: &v["time"],
            actor: opt(&v["actor"]),
            witness: opt(&v["witness"]),
            kind: &v["kind"],
            subject: opt(&v["subject"]),
            payload: &v["payload"],
        };
        canonical_bytes(&fields, &mut buf);
        assert_eq!(
            buf.len(),
            v["canonical_length"].parse::<usize>().unwrap(),
            "length of seq {}",
            v["seq"]
        );
        let hash = chain_hash(&prev, &buf);
        assert_eq!(hex::encode(hash), v["hash"], "hash of seq {}", v["seq"]);
        prev = hash;
    }
}

#[test]
fn the_documented_checkpoint_signature_verifies_and_a_changed_head_does_not() {
    let cp = &blocks("checkpoint")[0];
    let key = parse_public_key(&cp["public_key"]).unwrap();
    assert_eq!(key_id(&key), cp["key_id"]);
    let note = checkpoint_note(
        &cp["site"],
        cp["seq"].parse().unwrap(),
        &cp["head"],
        &cp["time"],
    );
    assert!(verify_signature(&key, note.as_bytes(), &cp["signature"]));
    let forged = checkpoint_note(
        &cp["site"],
        cp["seq"].parse().unwrap(),
        &cp["head"].replace('2', "3"),
        &cp["time"],
    );
    assert!(!verify_signature(&key, forged.as_bytes(), &cp["signature"]));
}

#[test]
fn the_site_key_signs_like_the_documented_key() {
    let seed: [u8; 32] =
        hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap()
            .try_into()
            .unwrap();
    let key = custody_core::keys::SiteKey::from_seed(seed);
    let cp = &blocks("checkpoint")[0];
    let note = checkpoint_note(
        &cp["site"],
        cp["seq"].parse().unwrap(),
        &cp["head"],
        &cp["time"],
    );
    assert_eq!(hex::encode(key.sign(note.as_bytes())), cp["signature"]);
    assert_eq!(key.key_id(), cp["key_id"]);
}

#[test]
fn every_event_kind_is_documented_with_its_payload() {
    // The kinds are the serde names of `EventBody`'s variants, read from the source so a new
    // kind cannot be added without this test seeing it.
    let source = include_str!("../src/event.rs");
    let start = source
        .find("pub enum EventBody")
        .expect("EventBody in event.rs");
    let end = start + source[start..].find("\n}\n").expect("end of EventBody");
    let kinds: Vec<&str> = source[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("#[serde(rename = \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert!(
        kinds.len() >= 40,
        "only {} kinds found: {kinds:?}",
        kinds.len()
    );
    let doc = include_str!("../../../docs/ledger-format.md");
    let missing: Vec<&&str> = kinds
        .iter()
        .filter(|k| !doc.contains(&format!("\n| `{k}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "not in docs/ledger-format.md's table: {missing:?}"
    );
}
