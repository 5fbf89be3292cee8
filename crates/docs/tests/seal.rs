//! The seal format as written in SEAL.md: the published test vector, and the QR size a
//! printed seal needs.

mod common;

use common::*;
use custody_docs::*;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

fn spec() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/SEAL.md")).expect("SEAL.md")
}

fn value(spec: &str, key: &str) -> String {
    spec.lines()
        .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
        .unwrap_or_else(|| panic!("SEAL.md has no line starting with {key:?}"))
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex in SEAL.md"))
        .collect()
}

#[test]
fn an_outside_auditor_checks_the_published_test_vector() {
    let spec = spec();
    let public: [u8; 32] = unhex(&value(&spec, "public key"))
        .try_into()
        .expect("32 bytes");
    let public = VerifyingKey::from_bytes(&public).expect("RFC 8032 key");
    let text = value(&spec, "seal ");

    // The signature is over the text up to the last '.', checked with ed25519-dalek directly.
    let cut = text.rfind('.').expect("fields") + 1;
    let (message, sig) = text.split_at(cut);
    let seal = Seal::parse(&text).expect("the vector parses");
    let sig_bytes = base32_decode(sig);
    let signature = Signature::from_slice(&sig_bytes).expect("64 bytes");
    public
        .verify(message.as_bytes(), &signature)
        .expect("the RFC 8032 public key verifies the vector");

    // The key id is the first 8 bytes of SHA-256(public key).
    assert_eq!(value(&spec, "key id"), seal.key_id.to_string());
    let id: [u8; 8] = Sha256::digest(public.as_bytes())[..8]
        .try_into()
        .expect("8");
    assert_eq!(seal.key_id, KeyId(id));

    // The list digest equals the sha256sum published for the canonical list...
    let published = unhex(&value(&spec, "list sha256"));
    assert_eq!(seal.fields.list_digest.to_vec(), published);
    // ...and recomputing it from the items (in ledger order) gives the same bytes.
    let items: Vec<ItemLine> = spec
        .lines()
        .filter_map(|l| l.strip_prefix("item "))
        .map(|l| {
            let mut parts = l.split(' ');
            ItemLine {
                custody_code: parts.next().expect("code").into(),
                item_type: String::new(),
                make: String::new(),
                model: String::new(),
                calibre: String::new(),
                serial: parts.next().unwrap_or("").into(),
            }
        })
        .collect();
    assert_eq!(items.len(), 3);
    assert_eq!(
        item_list_digest(&items).expect("digest").to_vec(),
        published
    );
    assert_eq!(
        seal.fields.checkpoint.head_hash.to_vec(),
        Sha256::digest(b"custody test vector head").to_vec()
    );
    assert_eq!(seal.fields.checkpoint.seq, 184467);

    // And the library's own verification agrees, including the annex recheck.
    let verified = seal
        .verify(&[(KeyId::of(&public), public)])
        .expect("verifies")
        .recheck_items(&items)
        .expect("items match");
    assert_eq!(verified.annex, AnnexCheck::Rechecked { lines: 3 });
    // Ed25519 is deterministic, so signing the same fields with the test key reproduces it.
    assert_eq!(
        Seal::sign(seal.fields.clone(), &site_key())
            .expect("sign")
            .text(),
        text
    );
}

/// RFC 4648 base32 written independently of the library, for the vector check.
fn base32_decode(s: &str) -> Vec<u8> {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = String::new();
    for c in s.chars() {
        let v = alphabet.find(c).expect("base32 letter");
        bits.push_str(&format!("{v:05b}"));
    }
    bits.as_bytes()
        .chunks(8)
        .filter(|c| c.len() == 8)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).expect("ascii"), 2).expect("bits"))
        .collect()
}

#[test]
fn a_typical_seal_fits_a_version_10_qr_at_ecc_m_and_the_worst_case_stays_printable() {
    let mut cert = certificate(1);
    cert.items = items(250_000); // a whole depot in one batch
    cert.checkpoint.seq = 9_999_999_999;
    let seal = Seal::sign(cert.seal_fields().expect("fields"), &site_key()).expect("sign");
    let grid = qr::encode(seal.text()).expect("QR");
    assert!(
        grid.version <= 10,
        "typical certificate needs version {}",
        grid.version
    );

    // Worst case: 32-character id, six six-digit counts (a format 2 stocktake with lots), the
    // largest sequence number.
    let fields = SealFields {
        format: custody_docs::seal::FORMAT_LOTS,
        kind: DocumentKind::StocktakeReport,
        document_id: "ST-2025-ABCDEFGHIJKLMNOPQRSTUVWX".into(),
        date: date(2025, 12, 31),
        counts: vec![999_999; 6],
        list_digest: [0xff; 32],
        checkpoint: CheckpointRef {
            seq: u64::MAX,
            head_hash: [0xff; 32],
        },
    };
    let worst = Seal::sign(fields, &site_key()).expect("sign");
    let grid = qr::encode(worst.text()).expect("QR");
    eprintln!(
        "worst-case seal: {} characters, QR version {}",
        worst.text().len(),
        grid.version
    );
    assert!(
        grid.version <= 11,
        "worst case needs version {}",
        grid.version
    );
}

#[test]
fn garbage_and_truncated_seals_are_refused_without_a_panic() {
    let seal =
        Seal::sign(certificate(2).seal_fields().expect("fields"), &site_key()).expect("sign");
    let text = seal.text();
    for end in 0..text.len() {
        assert!(
            Seal::parse(&text[..end]).is_err(),
            "prefix of length {end} parsed"
        );
    }
    for junk in [
        "",
        "hello",
        "CUSTODY-SEAL:2:D",
        "CUSTODY-SEAL:1:",
        "CUSTODY-SEAL:1:D........",
        "CUSTODY-SEAL:1:X.A.B.C.D.E.F.G.H",
    ] {
        assert!(Seal::parse(junk).is_err(), "{junk:?} parsed");
    }
    let err = Seal::parse("CUSTODY-SEAL:3:whatever").expect_err("future version");
    assert!(err.to_string().contains("update Custody"), "{err}");
}

#[test]
fn a_document_id_that_cannot_be_printed_in_a_qr_is_refused_at_signing() {
    let mut cert = certificate(1);
    cert.certificate_id = "dc 2025.42".into();
    let err = Seal::sign(cert.seal_fields().expect("fields"), &site_key()).expect_err("bad id");
    assert!(matches!(err, SealError::BadDocumentId(_)), "{err:?}");
}

#[test]
fn a_serial_with_a_tab_cannot_be_sealed() {
    let mut list = items(2);
    list[1].serial = "12\t34".into();
    let err = item_list_digest(&list).expect_err("tab in serial");
    assert!(err.to_string().contains("control character"), "{err}");
}

#[test]
fn a_ledger_that_keeps_its_key_signs_the_signing_bytes_and_rebuilds_the_published_vector() {
    // The ledger signs outside this crate: it gets the bytes, returns 64 signature bytes.
    let spec = spec();
    let secret: [u8; 32] = unhex(&value(&spec, "secret key"))
        .try_into()
        .expect("32 bytes");
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    let published = value(&spec, "seal ");
    let fields = Seal::parse(&published).expect("the vector parses").fields;
    let key_id = KeyId::of(&key.verifying_key());

    let message = fields.signing_bytes(key_id).expect("valid fields");
    assert!(published.as_bytes().starts_with(&message));
    assert_eq!(message.last(), Some(&b'.'));
    let signature = ed25519_dalek::Signer::sign(&key, &message).to_bytes();
    let seal = Seal::from_signature(fields.clone(), key_id, signature).expect("seal");
    assert_eq!(seal.text(), published);
    seal.verify(&[(key_id, key.verifying_key())])
        .expect("the rebuilt seal verifies");

    // A signature over anything else gives a seal that does not verify.
    let wrong = ed25519_dalek::Signer::sign(&key, b"CUSTODY-SEAL:1:other").to_bytes();
    let forged = Seal::from_signature(fields, key_id, wrong).expect("well-formed");
    assert!(forged.verify(&[(key_id, key.verifying_key())]).is_err());
}
