//! The QR seal: a short signed text that binds a document's id, date, counts, item-list digest
//! and ledger checkpoint to the site key. The byte-exact format is in crates/docs/SEAL.md.

use std::fmt;

use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::SealError;
use crate::hex;
use crate::model::{CheckpointRef, ItemLine, LotQuantityLine, StocktakeReport};

/// Every format 1 seal text begins with this; the trailing version digit changes with the
/// format.
pub const SEAL_PREFIX: &str = "CUSTODY-SEAL:1:";
/// Format 1: the seal covers a document's items (weapons, exhibits) only.
pub const FORMAT_ITEMS: u8 = 1;
/// Format 2: a certificate, manifest or stocktake report that lists ammunition lots; the
/// sealed list has a `#lots` section and the counts one number more (SEAL.md).
pub const FORMAT_LOTS: u8 = 2;
const MAX_DOCUMENT_ID: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    DestructionCertificate,
    HandoverManifest,
    StocktakeReport,
    ReleaseReceipt,
    DispositionReport,
}

impl DocumentKind {
    fn letter(self) -> char {
        match self {
            DocumentKind::DestructionCertificate => 'D',
            DocumentKind::HandoverManifest => 'H',
            DocumentKind::StocktakeReport => 'S',
            DocumentKind::ReleaseReceipt => 'R',
            DocumentKind::DispositionReport => 'P',
        }
    }

    fn from_letter(letter: &str) -> Option<Self> {
        match letter {
            "D" => Some(DocumentKind::DestructionCertificate),
            "H" => Some(DocumentKind::HandoverManifest),
            "S" => Some(DocumentKind::StocktakeReport),
            "R" => Some(DocumentKind::ReleaseReceipt),
            "P" => Some(DocumentKind::DispositionReport),
            _ => None,
        }
    }

    /// Certificates and manifests count their items; stocktakes count each of their five lists.
    /// Format 2 adds the count of lot lines.
    pub fn count_fields(self, format: u8) -> usize {
        let lots = usize::from(format == FORMAT_LOTS);
        match self {
            DocumentKind::StocktakeReport => 5 + lots,
            DocumentKind::DestructionCertificate | DocumentKind::HandoverManifest => 1 + lots,
            DocumentKind::ReleaseReceipt | DocumentKind::DispositionReport => 1,
        }
    }

    /// Only documents that can list ammunition have a format 2.
    fn has_format(self, format: u8) -> bool {
        format == FORMAT_ITEMS
            || (format == FORMAT_LOTS
                && !matches!(
                    self,
                    DocumentKind::ReleaseReceipt | DocumentKind::DispositionReport
                ))
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocumentKind::DestructionCertificate => "destruction certificate",
            DocumentKind::HandoverManifest => "handover manifest",
            DocumentKind::StocktakeReport => "stocktake report",
            DocumentKind::ReleaseReceipt => "release receipt",
            DocumentKind::DispositionReport => "disposition report",
        })
    }
}

/// First 8 bytes of SHA-256 over the 32-byte Ed25519 public key, printed as 16 upper-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    pub fn of(key: &VerifyingKey) -> KeyId {
        let digest = Sha256::digest(key.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    pub fn parse(text: &str) -> Option<KeyId> {
        if text.len() != 16 || text.bytes().any(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let mut id = [0u8; 8];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            id[i] = (hi * 16 + lo) as u8;
        }
        Some(KeyId(id))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0).to_ascii_uppercase())
    }
}

/// What a seal asserts, before signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealFields {
    /// [`FORMAT_ITEMS`] or [`FORMAT_LOTS`]: the version digit of the text.
    pub format: u8,
    pub kind: DocumentKind,
    pub document_id: String,
    pub date: NaiveDate,
    pub counts: Vec<u64>,
    pub list_digest: [u8; 32],
    pub checkpoint: CheckpointRef,
}

impl SealFields {
    /// The fields of a document whose seal covers a list of items (certificate, manifest,
    /// release receipt, national report): the count is the list's length, the digest the
    /// list's canonical digest.
    pub fn for_items(
        kind: DocumentKind,
        document_id: &str,
        date: NaiveDate,
        items: &[ItemLine],
        checkpoint: CheckpointRef,
    ) -> Result<SealFields, SealError> {
        Ok(SealFields {
            format: FORMAT_ITEMS,
            kind,
            document_id: document_id.to_string(),
            date,
            counts: vec![items.len() as u64],
            list_digest: item_list_digest(items)?,
            checkpoint,
        })
    }

    /// A certificate's or manifest's fields: as [`SealFields::for_items`] when it lists no
    /// lots; otherwise format 2, counting items and lot lines and covering both.
    pub fn for_items_and_lots(
        kind: DocumentKind,
        document_id: &str,
        date: NaiveDate,
        items: &[ItemLine],
        lots: &[LotQuantityLine],
        checkpoint: CheckpointRef,
    ) -> Result<SealFields, SealError> {
        if lots.is_empty() {
            return SealFields::for_items(kind, document_id, date, items, checkpoint);
        }
        Ok(SealFields {
            format: FORMAT_LOTS,
            kind,
            document_id: document_id.to_string(),
            date,
            counts: vec![items.len() as u64, lots.len() as u64],
            list_digest: Sha256::digest(canonical_items_and_lots(items, lots)?).into(),
            checkpoint,
        })
    }

    /// The exact bytes a seal signs (SEAL.md, "Signed message"): the seal text from the first
    /// `C` up to and including the `.` before the signature. Refuses fields no seal may carry.
    pub fn signing_bytes(&self, key_id: KeyId) -> Result<Vec<u8>, SealError> {
        check_fields(self)?;
        Ok(signed_part(self, key_id).into_bytes())
    }
}

/// A signed seal, either just made or parsed from a QR code, a PDF or typed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub fields: SealFields,
    pub key_id: KeyId,
    signature: [u8; 64],
    text: String,
}

impl Seal {
    pub fn sign(fields: SealFields, key: &SigningKey) -> Result<Seal, SealError> {
        check_fields(&fields)?;
        let key_id = KeyId::of(&key.verifying_key());
        let body = signed_part(&fields, key_id);
        let signature = key.sign(body.as_bytes()).to_bytes();
        let text = format!("{body}{}", hex::base32(&signature));
        Ok(Seal {
            fields,
            key_id,
            signature,
            text,
        })
    }

    /// Builds a seal from a signature made elsewhere (e.g. by a ledger that keeps its key to
    /// itself) over [`SealFields::signing_bytes`]. The signature is not checked here: verify
    /// the result with [`Seal::verify`] against the signer's public key.
    pub fn from_signature(
        fields: SealFields,
        key_id: KeyId,
        signature: [u8; 64],
    ) -> Result<Seal, SealError> {
        check_fields(&fields)?;
        let body = signed_part(&fields, key_id);
        let text = format!("{body}{}", hex::base32(&signature));
        Ok(Seal {
            fields,
            key_id,
            signature,
            text,
        })
    }

    /// Parses the text form. Only the canonical spelling is accepted, so a seal has exactly one text.
    pub fn parse(text: &str) -> Result<Seal, SealError> {
        let text = text.trim();
        let Some(rest) = text.strip_prefix("CUSTODY-SEAL:") else {
            return Err(SealError::NotASeal);
        };
        let (version, rest) = rest.split_once(':').ok_or(SealError::NotASeal)?;
        let format = match version {
            "1" => FORMAT_ITEMS,
            "2" => FORMAT_LOTS,
            _ => {
                return Err(SealError::UnsupportedVersion(
                    version.chars().take(8).collect(),
                ))
            }
        };
        let parts: Vec<&str> = rest.split('.').collect();
        if parts.len() != 9 {
            return Err(malformed(
                "layout",
                format!("has {} dot-separated fields instead of 9", parts.len()),
            ));
        }
        let kind = DocumentKind::from_letter(parts[0])
            .ok_or_else(|| malformed("document kind", "is not D, H, S, R or P"))?;
        let document_id = parts[1].to_string();
        let key_id = KeyId::parse(parts[2])
            .ok_or_else(|| malformed("key id", "is not 16 upper-case hex digits"))?;
        let date = parse_date(parts[3])?;
        let counts = parts[4]
            .split('+')
            .map(|c| parse_decimal(c, "count"))
            .collect::<Result<Vec<u64>, _>>()?;
        let seq = parse_decimal(parts[5], "checkpoint sequence")?;
        let list_digest = unbase32_array::<32>(parts[6], "item-list digest")?;
        let head_hash = unbase32_array::<32>(parts[7], "checkpoint head hash")?;
        let signature = unbase32_array::<64>(parts[8], "signature")?;
        let fields = SealFields {
            format,
            kind,
            document_id,
            date,
            counts,
            list_digest,
            checkpoint: CheckpointRef { seq, head_hash },
        };
        check_fields(&fields)?;
        Ok(Seal {
            fields,
            key_id,
            signature,
            text: text.to_string(),
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Checks the signature against the trusted site keys. The item list is not checked here:
    /// see [`Verification::recheck_items`] and [`crate::verify_pdf`].
    pub fn verify(&self, trusted: &[(KeyId, VerifyingKey)]) -> Result<Verification, SealError> {
        let (_, key) = trusted
            .iter()
            .find(|(id, _)| *id == self.key_id)
            .ok_or(SealError::UnknownKey(self.key_id))?;
        let actual = KeyId::of(key);
        if actual != self.key_id {
            return Err(SealError::MislabelledKey {
                listed: self.key_id,
                actual,
            });
        }
        let body = signed_part(&self.fields, self.key_id);
        // The stored text must be exactly what was signed; parse() already enforces canonical form.
        if !self.text.starts_with(&body) {
            return Err(SealError::BadSignature(self.key_id));
        }
        key.verify_strict(body.as_bytes(), &Signature::from_bytes(&self.signature))
            .map_err(|_| SealError::BadSignature(self.key_id))?;
        Ok(Verification {
            seal: self.clone(),
            annex: AnnexCheck::NotChecked,
        })
    }
}

/// Whether the document's own item list was compared with the sealed digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnexCheck {
    NotChecked,
    Rechecked { lines: usize },
}

/// A seal whose signature checked out, and what that does and does not prove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub seal: Seal,
    pub annex: AnnexCheck,
}

impl Verification {
    /// Recomputes the item-list digest from a certificate's or manifest's items.
    pub fn recheck_items(self, items: &[ItemLine]) -> Result<Verification, SealError> {
        let canonical = canonical_item_list(items)?;
        self.recheck_canonical(&canonical)
    }

    /// Recomputes the digest from a certificate's or manifest's items and lot lines (format 2;
    /// with no lot lines the same as [`Verification::recheck_items`]).
    pub fn recheck_items_and_lots(
        self,
        items: &[ItemLine],
        lots: &[LotQuantityLine],
    ) -> Result<Verification, SealError> {
        let canonical = canonical_items_and_lots(items, lots)?;
        self.recheck_canonical(&canonical)
    }

    /// Recomputes the digest from a stocktake report's five lists.
    pub fn recheck_stocktake(self, report: &StocktakeReport) -> Result<Verification, SealError> {
        let canonical = canonical_stocktake(report)?;
        self.recheck_canonical(&canonical)
    }

    /// `canonical` is the exact byte string of SEAL.md, e.g. the list embedded in a PDF.
    pub fn recheck_canonical(mut self, canonical: &[u8]) -> Result<Verification, SealError> {
        let digest: [u8; 32] = Sha256::digest(canonical).into();
        let counts = section_counts(canonical);
        let lines = counts.iter().sum::<u64>() as usize;
        if counts != self.seal.fields.counts {
            return Err(SealError::ItemListMismatch {
                detail: format!(
                    "the document lists {} but the seal counts {}",
                    join_counts(&counts),
                    join_counts(&self.seal.fields.counts)
                ),
            });
        }
        if digest != self.seal.fields.list_digest {
            return Err(SealError::ItemListMismatch {
                detail: format!(
                    "the {lines} lines hash to {} but the seal holds {}",
                    hex::encode(&digest),
                    hex::encode(&self.seal.fields.list_digest)
                ),
            });
        }
        self.annex = AnnexCheck::Rechecked { lines };
        Ok(self)
    }

    pub fn proves(&self) -> Vec<String> {
        let f = &self.seal.fields;
        let mut out = vec![
            format!(
                "The seal was made with trusted site key {} and has not been changed since.",
                self.seal.key_id
            ),
            format!(
                "The site's signed ledger was at checkpoint {} (head hash {}) when {} {} was issued on {} with {} listed.",
                f.checkpoint.seq,
                hex::encode(&f.checkpoint.head_hash),
                f.kind,
                f.document_id,
                f.date.format("%Y-%m-%d"),
                join_counts(&f.counts)
            ),
        ];
        if let AnnexCheck::Rechecked { lines } = self.annex {
            out.push(format!(
                "The item list in this document ({lines} lines) is exactly the list the site sealed."
            ));
        }
        out
    }

    pub fn does_not_prove(&self) -> Vec<String> {
        let f = &self.seal.fields;
        let mut out = vec![format!(
            "That the {} describes physical reality: the seal shows what the site recorded and signed, not that the weapons were destroyed, handed over or counted as written.",
            f.kind
        )];
        if f.format == FORMAT_ITEMS && f.kind.has_format(FORMAT_LOTS) {
            out.push("That any ammunition lot lines printed with it are the site's: a format 1 seal covers the weapons and exhibits only (a document listing lots is sealed in format 2).".to_string());
        }
        if self.annex == AnnexCheck::NotChecked {
            out.push("That this copy's item pages are complete and unaltered: they were not compared with the seal. Verify the PDF itself, or recheck the CSV list, to prove that.".to_string());
        } else {
            out.push("That the printed pages match the embedded list: the check used the list embedded in the PDF; compare a paper copy with the CSV export if in doubt.".to_string());
        }
        out.push(format!(
            "That checkpoint {} is still part of the site's ledger: run `custody verify` on the ledger or a signed bundle to confirm it.",
            self.seal.fields.checkpoint.seq
        ));
        out
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "VERIFIED. This proves:")?;
        for line in self.proves() {
            writeln!(f, "  - {line}")?;
        }
        writeln!(f, "It does NOT prove:")?;
        for line in self.does_not_prove() {
            writeln!(f, "  - {line}")?;
        }
        Ok(())
    }
}

/// SHA-256 of the canonical item list (SEAL.md): lines `code TAB serial LF`, sorted by code, then serial.
pub fn item_list_digest(items: &[ItemLine]) -> Result<[u8; 32], SealError> {
    Ok(Sha256::digest(canonical_item_list(items)?).into())
}

/// Format 2 (SEAL.md): `#items LF`, the item lines, `#lots LF`, the lot lines
/// `lot code TAB lot number TAB location TAB quantity TAB unit TAB NEQ kg TAB counted on
/// arrival LF` (the last empty when not counted), each section sorted by bytes. Without lot
/// lines, the format 1 list.
pub fn canonical_items_and_lots(
    items: &[ItemLine],
    lots: &[LotQuantityLine],
) -> Result<Vec<u8>, SealError> {
    if lots.is_empty() {
        return canonical_item_list(items);
    }
    let mut out = b"#items\n".to_vec();
    out.extend(canonical_item_list(items)?);
    let lines = lots
        .iter()
        .map(|l| {
            let received = l.received.map(|r| r.to_string()).unwrap_or_default();
            lot_line(&[
                &l.lot_code,
                &l.lot_number,
                &l.location,
                &l.quantity.to_string(),
                &l.unit,
                &l.neq_kg,
                &received,
            ])
        })
        .collect::<Result<Vec<_>, _>>()?;
    out.extend(lots_section(lines));
    Ok(out)
}

/// One lot line: its fields joined by TAB. The first (the lot's code) may not be empty or
/// begin with `#`; no field may hold a control character.
fn lot_line(fields: &[&str]) -> Result<String, SealError> {
    check_item(fields[0], &fields[1..].concat())?;
    Ok(fields.join("\t"))
}

/// `#lots LF` and the lines sorted by bytes, each ending in LF.
fn lots_section(mut lines: Vec<String>) -> Vec<u8> {
    lines.sort_unstable();
    let mut out = b"#lots\n".to_vec();
    for line in lines {
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

pub fn canonical_item_list(items: &[ItemLine]) -> Result<Vec<u8>, SealError> {
    let mut pairs = Vec::with_capacity(items.len());
    for item in items {
        check_item(&item.custody_code, &item.serial)?;
        pairs.push((item.custody_code.as_str(), item.serial.as_str()));
    }
    Ok(encode_pairs(pairs))
}

/// Five sections in a fixed order, each introduced by a `#name LF` line (SEAL.md).
pub fn canonical_stocktake(report: &StocktakeReport) -> Result<Vec<u8>, SealError> {
    let mut out = Vec::new();
    let sections: [(&str, Vec<(&str, &str)>); 5] = [
        (
            "found",
            report
                .found
                .iter()
                .map(|i| (i.custody_code.as_str(), i.serial.as_str()))
                .collect(),
        ),
        (
            "missing",
            report
                .missing
                .iter()
                .map(|f| (f.item.custody_code.as_str(), f.item.serial.as_str()))
                .collect(),
        ),
        (
            "misplaced",
            report
                .misplaced
                .iter()
                .map(|f| (f.item.custody_code.as_str(), f.item.serial.as_str()))
                .collect(),
        ),
        (
            "unknown",
            report
                .unknown
                .iter()
                .map(|u| (u.scanned_code.as_str(), ""))
                .collect(),
        ),
        (
            "duplicates",
            report
                .duplicates
                .iter()
                .map(|d| (d.item.custody_code.as_str(), d.item.serial.as_str()))
                .collect(),
        ),
    ];
    for (name, pairs) in sections {
        for (code, serial) in &pairs {
            check_item(code, serial)?;
        }
        out.extend_from_slice(format!("#{name}\n").as_bytes());
        out.extend(encode_pairs(pairs));
    }
    // Format 2: the lot lines counted, `lot code TAB lot number TAB location TAB expected TAB
    // counted`.
    if !report.lots.is_empty() {
        let lines = report
            .lots
            .iter()
            .map(|l| {
                lot_line(&[
                    &l.lot_code,
                    &l.lot_number,
                    &l.location,
                    &l.expected.to_string(),
                    &l.counted.to_string(),
                ])
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.extend(lots_section(lines));
    }
    Ok(out)
}

/// A disposition report's rows as a canonical list (SEAL.md): one line per category,
/// `category TAB intake/destroyed/released/transferred out/lost in transit`.
pub fn canonical_disposition(
    report: &crate::model::DispositionReport,
) -> Result<Vec<u8>, SealError> {
    let figures: Vec<(String, String)> = report
        .rows
        .iter()
        .map(|r| {
            (
                r.category.clone(),
                format!(
                    "{}/{}/{}/{}/{}",
                    r.intake, r.destroyed, r.released, r.transferred_out, r.lost_in_transit
                ),
            )
        })
        .collect();
    for (category, line) in &figures {
        check_item(category, line)?;
    }
    Ok(encode_pairs(
        figures
            .iter()
            .map(|(c, l)| (c.as_str(), l.as_str()))
            .collect(),
    ))
}

pub fn stocktake_counts(report: &StocktakeReport) -> Vec<u64> {
    let mut counts = [
        report.found.len(),
        report.missing.len(),
        report.misplaced.len(),
        report.unknown.len(),
        report.duplicates.len(),
    ]
    .map(|n| n as u64)
    .to_vec();
    if !report.lots.is_empty() {
        counts.push(report.lots.len() as u64);
    }
    counts
}

/// The format a stocktake report is sealed in: 2 when it counted lots.
pub fn stocktake_format(report: &StocktakeReport) -> u8 {
    if report.lots.is_empty() {
        FORMAT_ITEMS
    } else {
        FORMAT_LOTS
    }
}

fn encode_pairs(mut pairs: Vec<(&str, &str)>) -> Vec<u8> {
    pairs.sort_unstable();
    let mut out = Vec::with_capacity(pairs.iter().map(|(c, s)| c.len() + s.len() + 2).sum());
    for (code, serial) in pairs {
        out.extend_from_slice(code.as_bytes());
        out.push(b'\t');
        out.extend_from_slice(serial.as_bytes());
        out.push(b'\n');
    }
    out
}

/// Item lines per section: one section without headers, or one per `#` header.
fn section_counts(canonical: &[u8]) -> Vec<u64> {
    let mut counts: Vec<u64> = Vec::new();
    for line in canonical.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        if line.first() == Some(&b'#') {
            counts.push(0);
        } else if let Some(last) = counts.last_mut() {
            *last += 1;
        } else {
            counts.push(1);
        }
    }
    if counts.is_empty() {
        counts.push(0);
    }
    counts
}

fn check_item(code: &str, serial: &str) -> Result<(), SealError> {
    if code.is_empty() {
        return Err(SealError::BadItem {
            code: code.to_string(),
            problem: "the custody code is empty".into(),
        });
    }
    if code.starts_with('#') {
        return Err(SealError::BadItem {
            code: code.to_string(),
            problem: "a custody code may not begin with '#'".into(),
        });
    }
    if code.chars().chain(serial.chars()).any(char::is_control) {
        return Err(SealError::BadItem {
            code: code.to_string(),
            problem: "the code or serial contains a tab, line break or other control character"
                .into(),
        });
    }
    Ok(())
}

fn check_fields(fields: &SealFields) -> Result<(), SealError> {
    let id = &fields.document_id;
    let id_ok = !id.is_empty()
        && id.len() <= MAX_DOCUMENT_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'/');
    if !id_ok {
        return Err(SealError::BadDocumentId(id.chars().take(40).collect()));
    }
    if !fields.kind.has_format(fields.format) {
        return Err(SealError::UnsupportedVersion(fields.format.to_string()));
    }
    let expected = fields.kind.count_fields(fields.format);
    if fields.counts.len() != expected {
        return Err(SealError::WrongCounts {
            kind: fields.kind,
            expected,
            found: fields.counts.len(),
        });
    }
    Ok(())
}

fn signed_part(fields: &SealFields, key_id: KeyId) -> String {
    format!(
        "CUSTODY-SEAL:{}:{}.{}.{}.{}.{}.{}.{}.{}.",
        fields.format,
        fields.kind.letter(),
        fields.document_id,
        key_id,
        fields.date.format("%Y%m%d"),
        join_counts(&fields.counts),
        fields.checkpoint.seq,
        hex::base32(&fields.list_digest),
        hex::base32(&fields.checkpoint.head_hash),
    )
}

fn join_counts(counts: &[u64]) -> String {
    counts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("+")
}

fn malformed(field: &'static str, problem: impl Into<String>) -> SealError {
    SealError::Malformed {
        field,
        problem: problem.into(),
    }
}

fn parse_decimal(text: &str, field: &'static str) -> Result<u64, SealError> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(malformed(field, "is not a plain decimal number"));
    }
    text.parse()
        .map_err(|_| malformed(field, "is too large a number"))
}

fn parse_date(text: &str) -> Result<NaiveDate, SealError> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed("date", "is not YYYYMMDD"));
    }
    NaiveDate::parse_from_str(text, "%Y%m%d").map_err(|_| malformed("date", "is not a real date"))
}

fn unbase32_array<const N: usize>(text: &str, field: &'static str) -> Result<[u8; N], SealError> {
    let bytes = hex::unbase32(text, N)
        .ok_or_else(|| malformed(field, format!("is not {N} bytes of base32")))?;
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes);
    Ok(out)
}
