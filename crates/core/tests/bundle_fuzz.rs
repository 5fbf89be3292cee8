//! The audit's fuzzing, kept in the suite as property tests: random bytes, random damage to a
//! genuine bundle and receipt, and damage re-signed with the sender's own key (what a
//! compromised or malicious trusted site can send). Nothing may panic; nothing damaged may be
//! accepted unless every id, code and digest still checks out; the ledger always verifies.
//! `PROPTEST_CASES` raises the case count (the closing note gives the counts run).

mod common;

use common::{site, weapon, Site};
use custody_core::bundle::{compose, open_handover, open_receipt, BundleKind};
use custody_core::keys::{key_path_for, parse_public_key, SiteKey};
use custody_core::{HandoverDetails, Ledger};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Exchange {
    a: Site,
    b: Site,
    bundle: Vec<u8>,
    receipt: Vec<u8>,
}

/// Alpha hands one rifle to Bravo; with `receipt`, Bravo imports, counts and signs, and its
/// receipt comes back (not yet imported at Alpha).
fn exchange(receipt: bool) -> Exchange {
    let (mut a, mut b) = (site(), site());
    let a_key = a.ledger.public_key_hex().unwrap();
    let b_key = b.ledger.public_key_hex().unwrap();
    a.ledger.trust_key(&a.admin, &b_key, "Bravo").unwrap();
    b.ledger.trust_key(&b.admin, &a_key, "Alpha").unwrap();
    let rifle = a
        .ledger
        .register_weapon(&a.officer, weapon("FZ-1", "Zastava"), Some("Vault A"))
        .unwrap()
        .code;
    let details = HandoverDetails {
        sender: "Alpha".into(),
        receiver: "Bravo".into(),
        legal_basis: "Order 1".into(),
        transport: "Van".into(),
        ..Default::default()
    };
    let h = a
        .ledger
        .handover_dispatch(&a.officer, &details, std::slice::from_ref(&rifle))
        .unwrap();
    let bundle = a
        .ledger
        .handover_export(&a.officer, &h.code, "Bravo")
        .unwrap();
    let receipt = if receipt {
        b.ledger.handover_import(&b.officer, &bundle).unwrap();
        b.ledger
            .handover_receive(&b.officer, &h.code, std::slice::from_ref(&rifle))
            .unwrap();
        b.ledger
            .handover_accept(&b.officer, None, &h.code, None)
            .unwrap();
        b.ledger.handover_receipt(&b.officer, &h.code).unwrap()
    } else {
        Vec::new()
    };
    Exchange {
        a,
        b,
        bundle,
        receipt,
    }
}

fn trusted(l: &Ledger) -> impl Fn(&str) -> Option<ed25519_dalek::VerifyingKey> {
    let keys: Vec<(String, String)> = l
        .trusted_keys()
        .unwrap()
        .into_iter()
        .map(|k| (k.key_id, k.public_key))
        .collect();
    move |kid: &str| {
        keys.iter()
            .find(|(k, _)| k == kid)
            .and_then(|(_, p)| parse_public_key(p))
    }
}

fn resign(bytes: &[u8], signer: &Ledger, body: &serde_json::Value) -> Vec<u8> {
    let kind = if bytes.starts_with(b"custody-bundle/v1 receipt") {
        BundleKind::Receipt
    } else {
        BundleKind::Handover
    };
    let key = SiteKey::load(&key_path_for(signer.path())).unwrap();
    compose(kind, &key.key_id(), &body.to_string(), |m| Ok(key.sign(m))).unwrap()
}

/// Text an attacker would try in any field.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("../../../../var/lib/custody/site.db".to_string()),
        Just("M/..".to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("a\0b".to_string()),
        Just("x".repeat(5000)),
        Just("=cmd|' /C calc'!A0".to_string()),
        Just(String::new()),
        ".{0,40}",
    ]
}

/// Replaces one string somewhere in the JSON body (picked by `pick`) with `text`.
fn replace_one_string(v: &mut serde_json::Value, pick: &mut usize, text: &str) -> bool {
    match v {
        serde_json::Value::String(s) => {
            if *pick == 0 {
                *s = text.to_string();
                return true;
            }
            *pick -= 1;
            false
        }
        serde_json::Value::Array(a) => a.iter_mut().any(|x| replace_one_string(x, pick, text)),
        serde_json::Value::Object(o) => o.values_mut().any(|x| replace_one_string(x, pick, text)),
        _ => false,
    }
}

#[test]
fn random_bytes_and_random_damage_never_panic_and_are_never_accepted() {
    let x = exchange(true);
    let at_b = trusted(&x.b.ledger);
    let at_a = trusted(&x.a.ledger);
    let genuine = open_handover(&x.bundle, &at_b).unwrap();
    let genuine_receipt = open_receipt(&x.receipt, &at_a).unwrap();
    let mut runner = TestRunner::new(Config::with_cases(cases(2000)));
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..2048), |bytes| {
            prop_assert!(open_handover(&bytes, &at_b).is_err());
            prop_assert!(open_receipt(&bytes, &at_a).is_err());
            Ok(())
        })
        .unwrap();
    let damage = (
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        any::<bool>(),
    );
    runner
        .run(&damage, |(edits, truncate)| {
            for original in [&x.bundle, &x.receipt] {
                let mut bytes = original.clone();
                for (at, value) in &edits {
                    let i = at.index(bytes.len());
                    bytes[i] = *value;
                }
                if truncate {
                    bytes.truncate(bytes.len() / 2);
                }
                let opened_h = open_handover(&bytes, &at_b);
                let opened_r = open_receipt(&bytes, &at_a);
                if bytes != *original {
                    // Damage that survives the signature check must leave the body the same
                    // (a byte changed to itself, or outside the signed text is impossible).
                    if let Ok(h) = opened_h {
                        prop_assert_eq!(h, genuine.clone());
                    }
                    if let Ok(r) = opened_r {
                        prop_assert_eq!(r, genuine_receipt.clone());
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn hostile_fields_re_signed_with_the_senders_key_never_get_a_bad_id_into_the_ledger() {
    let x = exchange(false);
    let body: serde_json::Value =
        serde_json::from_slice(x.bundle.split(|&b| b == b'\n').nth(1).unwrap()).unwrap();
    let strings = {
        let mut n = 0usize;
        loop {
            let mut probe = body.clone();
            let mut pick = n;
            if !replace_one_string(&mut probe, &mut pick, "") {
                break n;
            }
            n += 1;
        }
    };
    // Bravo's ledger as it stood before the bundle came: each case starts from a fresh copy.
    let Site {
        dir: b_dir,
        ledger: b_ledger,
        officer,
        ..
    } = x.b;
    let b_path = b_ledger.path().to_path_buf();
    drop(b_ledger);
    let fresh_b = || {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("site.db");
        std::fs::copy(&b_path, &db).unwrap();
        std::fs::copy(key_path_for(&b_path), key_path_for(&db)).unwrap();
        (dir, db)
    };
    let mut runner = TestRunner::new(Config::with_cases(cases(300)));
    runner
        .run(&(0..strings, hostile_text()), |(which, text)| {
            let mut edited = body.clone();
            let mut pick = which;
            replace_one_string(&mut edited, &mut pick, &text);
            let bytes = resign(&x.bundle, &x.a.ledger, &edited);
            let (_dir, db) = fresh_b();
            let mut b = Ledger::open(&db).unwrap();
            match b.handover_import(&officer, &bytes) {
                Ok(view) => {
                    // Accepted only with every id and code well formed; nothing else.
                    prop_assert!(custody_codes::LabelCode::parse(&view.code).is_ok());
                    prop_assert!(uuid::Uuid::parse_str(&view.id).is_ok());
                    prop_assert!(!text.contains('/') || !view.code.contains('/'));
                }
                Err(e) => {
                    let said = e.to_string();
                    prop_assert!(!said.is_empty());
                }
            }
            let report = b.verify().unwrap();
            prop_assert!(report.is_intact(), "{:?}", report.problem);
            Ok(())
        })
        .unwrap();
    drop(b_dir);
}
