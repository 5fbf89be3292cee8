//! Signed handover bundles and receipts (docs/bundle-format.md): sans-IO, bytes in and typed
//! values out. Nothing here touches the database or the file system, and no input panics:
//! every defect is a typed [`CustodyError`] saying what was wrong.
//!
//! A bundle is three lines: a header naming the format, kind and signing key id; the body as
//! one line of JSON; the Ed25519 signature over the first two lines.

use crate::destruction::list_digest;
use crate::domain::{BundleItem, HandoverDetails};
use crate::error::{CustodyError, Result};
use crate::keys::{checkpoint_note, key_id, parse_public_key, verify_signature};
use crate::refusal::KeyProblem;
use custody_codes::{LabelCode, LabelKind};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// First word of every bundle file.
pub const BUNDLE_MAGIC: &str = "custody-bundle/v1";
/// Body `format` this program writes and reads. Format 2 names the recipient's key.
pub const BUNDLE_FORMAT: u32 = 2;
/// First line of an exported public key file.
pub const PUBLIC_KEY_MAGIC: &str = "custody-public-key/v1";
/// Larger files are refused before any parsing (a 100,000-item bundle is about 60 MB).
pub const MAX_BUNDLE_BYTES: usize = 512 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleKind {
    Handover,
    Receipt,
}

impl BundleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BundleKind::Handover => "handover",
            BundleKind::Receipt => "receipt",
        }
    }
}

/// The sender's signed checkpoint the bundle was issued at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleCheckpoint {
    /// Sequence number of the last event the checkpoint covers.
    pub seq: i64,
    pub head_hash: String,
    pub time: String,
    pub signature: String,
}

/// What travels with the items: the manifest, every item's record and history digest, and
/// the sender's identity and checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoverBundle {
    pub format: u32,
    pub manifest_id: String,
    pub manifest_code: String,
    pub sender_site_id: String,
    pub sender_site_name: String,
    pub public_key: String,
    pub key_id: String,
    /// Key id of the site the bundle is addressed to; any other site refuses it.
    pub recipient_key_id: String,
    pub details: HandoverDetails,
    /// SHA-256 over the sorted item codes, one per line.
    pub items_digest: String,
    pub items: Vec<BundleItem>,
    pub checkpoint: BundleCheckpoint,
    /// Ammunition lots with the quantity dispatched; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<crate::ammo::BundleLot>,
}

/// The receiving site's signed answer: which items passed custody, which were missing, and
/// which codes arrived that were not on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptBundle {
    pub format: u32,
    pub manifest_id: String,
    pub manifest_code: String,
    pub sender_site_id: String,
    pub receiver_site_id: String,
    pub receiver_site_name: String,
    pub public_key: String,
    pub key_id: String,
    /// The sender's item ids that were counted and received.
    pub received: Vec<String>,
    /// The sender's item ids that did not arrive.
    pub missing: Vec<String>,
    /// Codes scanned on arrival that were not in the bundle.
    pub extra: Vec<String>,
    /// SHA-256 over the sorted received item ids, one per line.
    pub received_digest: String,
    pub checkpoint: BundleCheckpoint,
    /// The sender's lots with the quantity counted on arrival; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<crate::ammo::ReceivedLot>,
}

/// A bundle split into its parts, signature not yet checked.
#[derive(Debug, Clone)]
pub struct SignedBundle<'a> {
    pub kind: BundleKind,
    pub key_id: String,
    /// The bytes the signature covers: header line and body line, with their newlines.
    pub message: &'a [u8],
    pub body: &'a [u8],
    pub signature: [u8; 64],
}

fn bad_id(value: &str, expected: &str) -> CustodyError {
    let shown: String = value.chars().take(80).collect();
    CustodyError::BadIdentifier {
        value: shown.escape_default().to_string(),
        expected: expected.to_string(),
    }
}

/// An id from outside must be a UUID written the way Custody writes one (lower-case, hyphens).
pub fn uuid_field(value: &str, what: &str) -> Result<()> {
    match uuid::Uuid::parse_str(value) {
        Ok(u) if u.hyphenated().to_string() == value => Ok(()),
        _ => Err(bad_id(value, &format!("{what} (a UUID)"))),
    }
}

/// A code from outside must be a Custody label of one of `kinds`, written canonically, so it
/// is safe to build a file name from it.
pub fn label_field(value: &str, kinds: &[LabelKind], what: &str) -> Result<()> {
    match LabelCode::parse(value) {
        Ok(c) if kinds.contains(&c.kind()) && c.to_string() == value => Ok(()),
        _ => Err(bad_id(value, what)),
    }
}

fn malformed(what: impl Into<String>) -> CustodyError {
    CustodyError::BundleMalformed(what.into())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Splits a bundle file into header, body and signature. Checks shape only.
pub fn split(bytes: &[u8]) -> Result<SignedBundle<'_>> {
    if bytes.len() > MAX_BUNDLE_BYTES {
        return Err(malformed(format!(
            "the file is {} bytes, more than the {} a bundle may have",
            bytes.len(),
            MAX_BUNDLE_BYTES
        )));
    }
    let header_end = bytes
        .iter()
        .take(128)
        .position(|&b| b == b'\n')
        .ok_or_else(|| malformed("no bundle header line (is this the right file?)"))?;
    let header = std::str::from_utf8(&bytes[..header_end])
        .map_err(|_| malformed("the header line is not text"))?;
    let mut words = header.split(' ');
    if words.next() != Some(BUNDLE_MAGIC) {
        return Err(malformed(format!(
            "the file does not start with '{BUNDLE_MAGIC}' (is this the right file?)"
        )));
    }
    let kind = match words.next() {
        Some("handover") => BundleKind::Handover,
        Some("receipt") => BundleKind::Receipt,
        other => {
            return Err(malformed(format!(
                "unknown bundle kind {:?}",
                other.unwrap_or("")
            )))
        }
    };
    let key_id = words
        .next()
        .filter(|k| is_hex(k, 16))
        .ok_or_else(|| malformed("the header has no key id (16 hex digits)"))?
        .to_string();
    if words.next().is_some() {
        return Err(malformed("the header line has extra words"));
    }
    let rest = &bytes[header_end + 1..];
    let rest = rest
        .strip_suffix(b"\n")
        .ok_or_else(|| malformed("the file is cut short (no final newline)"))?;
    let sig_start = rest
        .iter()
        .rposition(|&b| b == b'\n')
        .ok_or_else(|| malformed("the file has no signature line"))?;
    let body = &rest[..sig_start];
    let sig_line = std::str::from_utf8(&rest[sig_start + 1..])
        .map_err(|_| malformed("the signature line is not text"))?;
    let sig_hex = sig_line
        .strip_prefix("signature ")
        .filter(|s| is_hex(s, 128))
        .ok_or_else(|| malformed("the last line is not 'signature <128 hex digits>'"))?;
    let mut signature = [0u8; 64];
    hex::decode_to_slice(sig_hex, &mut signature)
        .map_err(|_| malformed("the signature is not hex"))?;
    if body.contains(&b'\n') {
        return Err(malformed("the body must be one line"));
    }
    let message = &bytes[..header_end + 1 + sig_start + 1];
    Ok(SignedBundle {
        kind,
        key_id,
        message,
        body,
        signature,
    })
}

/// Composes a bundle file around `body` (one line of JSON) and signs it with `sign`.
pub fn compose(
    kind: BundleKind,
    key_id: &str,
    body: &str,
    sign: impl FnOnce(&[u8]) -> Result<[u8; 64]>,
) -> Result<Vec<u8>> {
    if body.contains('\n') {
        return Err(CustodyError::Internal(
            "bundle body must be one line".into(),
        ));
    }
    let mut out = Vec::with_capacity(body.len() + 256);
    out.extend_from_slice(format!("{BUNDLE_MAGIC} {} {key_id}\n", kind.as_str()).as_bytes());
    out.extend_from_slice(body.as_bytes());
    out.push(b'\n');
    let signature = sign(&out)?;
    out.extend_from_slice(format!("signature {}\n", hex::encode(signature)).as_bytes());
    Ok(out)
}

/// Checks the signature with the key the header names, found by `trusted` (key id -> key).
fn verified<'a>(
    bytes: &'a [u8],
    kind: BundleKind,
    trusted: &dyn Fn(&str) -> Option<VerifyingKey>,
) -> Result<(SignedBundle<'a>, VerifyingKey)> {
    let b = split(bytes)?;
    if b.kind != kind {
        return Err(malformed(format!(
            "this is a {} bundle, not a {}",
            b.kind.as_str(),
            kind.as_str()
        )));
    }
    let key = trusted(&b.key_id).ok_or_else(|| CustodyError::BundleUntrustedKey {
        key_id: b.key_id.clone(),
    })?;
    if !verify_signature(&key, b.message, &hex::encode(b.signature)) {
        return Err(CustodyError::BundleBadSignature);
    }
    Ok((b, key))
}

fn check_identity(public_key: &str, header_key_id: &str, key: &VerifyingKey) -> Result<()> {
    let body_key = parse_public_key(public_key)
        .ok_or_else(|| malformed("the body's public key is not an Ed25519 key"))?;
    if body_key != *key || key_id(&body_key) != header_key_id {
        return Err(CustodyError::BundleDigestMismatch(
            "the public key inside the bundle is not the key that signed it".into(),
        ));
    }
    Ok(())
}

fn check_checkpoint(site_id: &str, cp: &BundleCheckpoint, key: &VerifyingKey) -> Result<()> {
    let note = checkpoint_note(site_id, cp.seq, &cp.head_hash, &cp.time);
    if !verify_signature(key, note.as_bytes(), &cp.signature) {
        return Err(CustodyError::BundleDigestMismatch(
            "the sender's checkpoint signature is not valid".into(),
        ));
    }
    Ok(())
}

fn check_format(format: u32) -> Result<()> {
    if format != BUNDLE_FORMAT {
        return Err(malformed(format!(
            "body format {format}; this program reads format {BUNDLE_FORMAT}: update Custody"
        )));
    }
    Ok(())
}

/// Verifies and reads a handover bundle: signature by a trusted key, the key inside the body,
/// the sender's checkpoint signature, the item-list digest and every history digest's form.
pub fn open_handover(
    bytes: &[u8],
    trusted: &dyn Fn(&str) -> Option<VerifyingKey>,
) -> Result<HandoverBundle> {
    let (b, key) = verified(bytes, BundleKind::Handover, trusted)?;
    let body: HandoverBundle = serde_json::from_slice(b.body)
        .map_err(|e| malformed(format!("the body does not read as a handover: {e}")))?;
    check_format(body.format)?;
    check_identity(&body.public_key, &b.key_id, &key)?;
    uuid_field(&body.manifest_id, "the manifest id")?;
    uuid_field(&body.sender_site_id, "the sender's site id")?;
    check_checkpoint(&body.sender_site_id, &body.checkpoint, &key)?;
    label_field(
        &body.manifest_code,
        &[LabelKind::Manifest],
        "a manifest code",
    )?;
    if !is_hex(&body.recipient_key_id, 16) {
        return Err(bad_id(&body.recipient_key_id, "a key id (16 hex digits)"));
    }
    let mut codes = HashSet::new();
    for item in &body.items {
        uuid_field(&item.item_id, "an item id")?;
        label_field(
            &item.code,
            &[LabelKind::Weapon, LabelKind::Evidence],
            "a weapon or evidence code",
        )?;
        if !codes.insert(item.code.as_str()) {
            return Err(CustodyError::BundleDigestMismatch(format!(
                "item {} is listed twice",
                item.code
            )));
        }
        if !is_hex(&item.history_digest, 64) {
            return Err(CustodyError::BundleDigestMismatch(format!(
                "item {} has no valid history digest",
                item.code
            )));
        }
        let fits = match item.kind {
            crate::domain::ItemKind::Weapon => item.weapon.is_some() && item.evidence.is_none(),
            crate::domain::ItemKind::Evidence => item.evidence.is_some(),
        };
        if !fits {
            return Err(malformed(format!(
                "item {} has no record of its kind",
                item.code
            )));
        }
    }
    if list_digest(body.items.iter().map(|i| i.code.as_str())) != body.items_digest {
        return Err(CustodyError::BundleDigestMismatch(
            "the item list does not match its digest".into(),
        ));
    }
    crate::ammo_disposal::check_bundle_lots(&body.lots)?;
    Ok(body)
}

/// Verifies and reads a receipt bundle (signature, key, checkpoint, received-list digest).
pub fn open_receipt(
    bytes: &[u8],
    trusted: &dyn Fn(&str) -> Option<VerifyingKey>,
) -> Result<ReceiptBundle> {
    let (b, key) = verified(bytes, BundleKind::Receipt, trusted)?;
    let body: ReceiptBundle = serde_json::from_slice(b.body)
        .map_err(|e| malformed(format!("the body does not read as a receipt: {e}")))?;
    check_format(body.format)?;
    check_identity(&body.public_key, &b.key_id, &key)?;
    uuid_field(&body.manifest_id, "the manifest id")?;
    uuid_field(&body.sender_site_id, "the sender's site id")?;
    uuid_field(&body.receiver_site_id, "the receiver's site id")?;
    check_checkpoint(&body.receiver_site_id, &body.checkpoint, &key)?;
    label_field(
        &body.manifest_code,
        &[LabelKind::Manifest],
        "a manifest code",
    )?;
    for id in body.received.iter().chain(&body.missing) {
        uuid_field(id, "an item id")?;
    }
    if list_digest(body.received.iter().map(String::as_str)) != body.received_digest {
        return Err(CustodyError::BundleDigestMismatch(
            "the received list does not match its digest".into(),
        ));
    }
    Ok(body)
}

/// The text of an exported public key file.
pub fn public_key_file(site_id: &str, site_name: &str, public_key_hex: &str, kid: &str) -> String {
    format!(
        "{PUBLIC_KEY_MAGIC}\nsite_id {site_id}\nsite_name {}\npublic_key {public_key_hex}\nkey_id {kid}\n",
        site_name.replace('\n', " ")
    )
}

/// Reads a public key from an exported key file or from plain hex. Returns (hex, site name).
pub fn read_public_key(text: &str) -> Result<(String, Option<String>)> {
    let text = text.trim_start_matches('\u{feff}').trim();
    let (hex_text, name) = if let Some(rest) = text.strip_prefix(PUBLIC_KEY_MAGIC) {
        let mut hex_text = None;
        let mut name = None;
        let mut kid = None;
        for line in rest.lines() {
            if let Some(v) = line.strip_prefix("public_key ") {
                hex_text = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("site_name ") {
                name = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("key_id ") {
                kid = Some(v.trim().to_string());
            }
        }
        let hex_text =
            hex_text.ok_or_else(|| CustodyError::BadPublicKey(KeyProblem::NoPublicKeyLine))?;
        if let (Some(kid), Some(key)) = (kid, parse_public_key(&hex_text)) {
            if key_id(&key) != kid {
                return Err(CustodyError::BadPublicKey(KeyProblem::KeyIdMismatch));
            }
        }
        (hex_text, name)
    } else {
        (text.to_string(), None)
    };
    let hex_text = hex_text.to_ascii_lowercase();
    if parse_public_key(&hex_text).is_none() {
        return Err(CustodyError::BadPublicKey(KeyProblem::NotAKeyOrKeyFile));
    }
    Ok((hex_text, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_never_panics_and_is_a_typed_error() {
        let none = |_: &str| None;
        let inputs: Vec<Vec<u8>> = vec![
            vec![],
            b"\n".to_vec(),
            b"custody-bundle/v1".to_vec(),
            b"custody-bundle/v1 handover\n{}\nsignature 00\n".to_vec(),
            b"custody-bundle/v1 handover 0011223344556677\n{}\n".to_vec(),
            vec![0xff; 300],
            "custody-bundle/v1 receipt 0011223344556677\n{\"a\":1}\nsignature "
                .to_string()
                .into_bytes(),
        ];
        for input in inputs {
            assert!(open_handover(&input, &none).is_err());
            assert!(open_receipt(&input, &none).is_err());
        }
        // Every prefix of a well-formed file is refused too.
        let good = compose(BundleKind::Handover, "0011223344556677", "{}", |_| {
            Ok([7u8; 64])
        })
        .unwrap();
        for n in 0..good.len() {
            assert!(split(&good[..n]).is_err(), "prefix of {n} bytes accepted");
        }
        assert!(split(&good).is_ok());
    }

    #[test]
    fn a_plain_hex_key_and_a_key_file_read_the_same() {
        let hex_key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
        let file = public_key_file("site", "Depot", hex_key, "21fe31dfa154a261");
        assert_eq!(read_public_key(hex_key).unwrap().0, hex_key);
        let (k, name) = read_public_key(&file).unwrap();
        assert_eq!((k.as_str(), name.as_deref()), (hex_key, Some("Depot")));
        let damaged = file.replace("21fe31dfa154a261", "21fe31dfa154a262");
        assert!(matches!(
            read_public_key(&damaged),
            Err(CustodyError::BadPublicKey(_))
        ));
        assert!(read_public_key("zz").is_err());
    }
}
