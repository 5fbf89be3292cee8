//! Registry sync, both sides' pure parts and the site's ledger side.
//!
//! A *segment* (docs/segment-format.md) carries a site's events since the last segment the
//! registry accepted, ending with a freshly signed checkpoint. The registry answers with a
//! *cosignature* (in the spirit of C2SP tlog-cosignature): its Ed25519 signature over the site's
//! log size and head. The site stores that answer as a `registry.cosign` event, and
//! `verify_cosignatures` later proves the ledger was not rewritten or truncated below it.
//!
//! Everything here that the registry uses is a pure function over bytes: no SQL, no I/O.

use crate::error::{CustodyError, Result};
use crate::event::{canonical_bytes, chain_hash, EventBody, StoredEvent};
use crate::keys::{checkpoint_note, key_id, parse_public_key, verify_signature};
use crate::ledger::Ledger;
use crate::refusal::{KeyProblem, Refusal};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

/// The 18 bytes every segment starts with.
pub const SEGMENT_MAGIC: &[u8; 18] = b"CUSTODY-SEGMENT-1\n";
/// First line of a registry public key file (`custody-registry keys export`).
pub const REGISTRY_KEY_MAGIC: &str = "custody-registry-key/v1";
/// `format` of a cosignature file.
pub const COSIGNATURE_FORMAT: &str = "custody-cosignature/v1";
/// Largest canonical event a segment may carry (a payload is never near this).
pub const MAX_EVENT_BYTES: usize = 4 << 20;

/// Why a segment was refused before anything about it was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error("segment is truncated: {0}")]
    Truncated(String),
    #[error("segment is malformed: {0}")]
    Malformed(String),
    #[error("segment event {seq}: {what}")]
    BadEvent { seq: i64, what: String },
    #[error("segment does not end with a checkpoint event")]
    NoCheckpoint,
    #[error("checkpoint at event {seq} is not signed by the site's enrolled key")]
    BadSignature { seq: i64 },
    #[error("segment has no events")]
    Empty,
}

/// A decoded segment: the site it claims to come from and its events, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub site_id: String,
    pub events: Vec<StoredEvent>,
}

/// What a checked segment proves: its range, the chain head before and after, and the final
/// checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentSummary {
    pub first_seq: i64,
    pub last_seq: i64,
    /// `prev_hash` of the first event: the head the registry must already hold.
    pub first_prev_hash: [u8; 32],
    /// Hash of the last event (the checkpoint).
    pub head_hash: [u8; 32],
}

fn push_field(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
        Some(v) => {
            out.extend_from_slice(&(v.len() as u32).to_be_bytes());
            out.extend_from_slice(v.as_bytes());
        }
    }
}

/// Encodes a segment (docs/segment-format.md).
pub fn encode_segment(site_id: &str, events: &[StoredEvent]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + events.len() * 400);
    out.extend_from_slice(SEGMENT_MAGIC);
    push_field(&mut out, Some(site_id));
    out.extend_from_slice(&(events.len() as u32).to_be_bytes());
    let mut scratch = Vec::with_capacity(512);
    for e in events {
        canonical_bytes(&e.fields(), &mut scratch);
        out.extend_from_slice(&(scratch.len() as u32).to_be_bytes());
        out.extend_from_slice(&scratch);
        out.extend_from_slice(&e.prev_hash);
        out.extend_from_slice(&e.hash);
    }
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> std::result::Result<&'a [u8], SegmentError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let s = &self.bytes[self.at..end];
                self.at = end;
                Ok(s)
            }
            None => Err(SegmentError::Truncated(format!(
                "{what} needs {n} bytes at offset {}, only {} left",
                self.at,
                self.bytes.len() - self.at
            ))),
        }
    }

    fn u32(&mut self, what: &str) -> std::result::Result<u32, SegmentError> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn hash(&mut self, what: &str) -> std::result::Result<[u8; 32], SegmentError> {
        let mut h = [0u8; 32];
        h.copy_from_slice(self.take(32, what)?);
        Ok(h)
    }

    fn field(&mut self, what: &str) -> std::result::Result<Option<String>, SegmentError> {
        let len = self.u32(what)?;
        if len == u32::MAX {
            return Ok(None);
        }
        let bytes = self.take(len as usize, what)?;
        String::from_utf8(bytes.to_vec())
            .map(Some)
            .map_err(|_| SegmentError::Malformed(format!("{what} is not UTF-8")))
    }
}

/// Parses one canonical event encoding back into its fields.
fn decode_canonical(
    bytes: &[u8],
    prev_hash: [u8; 32],
    hash: [u8; 32],
) -> std::result::Result<StoredEvent, SegmentError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(16, "event magic")? != crate::event::CANONICAL_MAGIC {
        return Err(SegmentError::Malformed(
            "an event does not start with CUSTODY-EVENT-1".into(),
        ));
    }
    let s = r.take(8, "seq")?;
    let mut seq_bytes = [0u8; 8];
    seq_bytes.copy_from_slice(s);
    let seq = i64::from_be_bytes(seq_bytes);
    let required = |v: Option<String>, name: &str| {
        v.ok_or_else(|| SegmentError::BadEvent {
            seq,
            what: format!("{name} is absent"),
        })
    };
    let id = required(r.field("id")?, "id")?;
    let time = required(r.field("time")?, "time")?;
    let actor = r.field("actor")?;
    let witness = r.field("witness")?;
    let kind = required(r.field("kind")?, "kind")?;
    let subject = r.field("subject")?;
    let payload = required(r.field("payload")?, "payload")?;
    if r.at != bytes.len() {
        return Err(SegmentError::BadEvent {
            seq,
            what: "trailing bytes after the payload".into(),
        });
    }
    Ok(StoredEvent {
        seq,
        id,
        time,
        actor,
        witness,
        kind,
        subject,
        payload,
        prev_hash,
        hash,
    })
}

/// Decodes a segment. Never panics on any input; `max_events` bounds the allocation.
pub fn decode_segment(bytes: &[u8], max_events: u32) -> std::result::Result<Segment, SegmentError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(SEGMENT_MAGIC.len(), "magic")? != SEGMENT_MAGIC {
        return Err(SegmentError::Malformed(
            "not a Custody segment (magic CUSTODY-SEGMENT-1 missing)".into(),
        ));
    }
    let site_id = r
        .field("site id")?
        .ok_or_else(|| SegmentError::Malformed("site id is absent".into()))?;
    let count = r.u32("event count")?;
    if count == 0 {
        return Err(SegmentError::Empty);
    }
    if count > max_events {
        return Err(SegmentError::Malformed(format!(
            "{count} events is more than the {max_events} a segment may carry"
        )));
    }
    let mut events = Vec::with_capacity(count.min(65_536) as usize);
    for _ in 0..count {
        let len = r.u32("event length")? as usize;
        if len > MAX_EVENT_BYTES {
            return Err(SegmentError::Malformed(format!(
                "an event of {len} bytes is larger than {MAX_EVENT_BYTES}"
            )));
        }
        let canonical = r.take(len, "event")?;
        let prev = r.hash("prev_hash")?;
        let hash = r.hash("hash")?;
        events.push(decode_canonical(canonical, prev, hash)?);
    }
    if r.at != bytes.len() {
        return Err(SegmentError::Malformed(format!(
            "{} bytes after the last event",
            bytes.len() - r.at
        )));
    }
    Ok(Segment { site_id, events })
}

/// Checks a segment on its own: consecutive seqs, every `prev_hash` links to the event before,
/// every hash recomputes, every checkpoint describes the head before it and is signed by
/// `site_key`, and the last event is a checkpoint. The caller checks the link to what it holds.
pub fn check_segment(
    segment: &Segment,
    site_key: &VerifyingKey,
) -> std::result::Result<SegmentSummary, SegmentError> {
    let first = segment.events.first().ok_or(SegmentError::Empty)?;
    let last = segment.events.last().ok_or(SegmentError::Empty)?;
    let mut scratch = Vec::with_capacity(512);
    let site_key_id = key_id(site_key);
    let mut running = first.prev_hash;
    if first.seq < 1 {
        return Err(SegmentError::BadEvent {
            seq: first.seq,
            what: "sequence numbers start at 1".into(),
        });
    }
    for (expected_seq, e) in (first.seq..).zip(segment.events.iter()) {
        let bad = |what: &str| SegmentError::BadEvent {
            seq: e.seq,
            what: what.to_string(),
        };
        if e.seq != expected_seq {
            return Err(SegmentError::BadEvent {
                seq: expected_seq,
                what: format!("sequence gap: expected {expected_seq}, found {}", e.seq),
            });
        }
        if e.prev_hash != running {
            return Err(bad(
                "prev_hash does not match the hash of the event before it",
            ));
        }
        if chrono::DateTime::parse_from_rfc3339(&e.time).is_err() {
            return Err(bad("time is not RFC 3339"));
        }
        canonical_bytes(&e.fields(), &mut scratch);
        if chain_hash(&running, &scratch) != e.hash {
            return Err(bad(
                "contents changed: the hash does not match the recomputed hash",
            ));
        }
        if e.kind == "checkpoint" {
            match EventBody::from_columns(&e.kind, &e.payload) {
                Ok(EventBody::Checkpoint {
                    site_id,
                    covered_seq,
                    head_hash,
                    time,
                    signature,
                    key_id,
                    ..
                }) => {
                    if covered_seq != e.seq - 1
                        || head_hash != hex::encode(running)
                        || site_id != segment.site_id
                    {
                        return Err(bad("checkpoint does not describe the log head before it"));
                    }
                    let note = checkpoint_note(&site_id, covered_seq, &head_hash, &time);
                    if !verify_signature(site_key, note.as_bytes(), &signature) {
                        return Err(SegmentError::BadSignature { seq: e.seq });
                    }
                    if key_id != site_key_id || time != e.time || e.actor.is_some() {
                        return Err(bad(
                            "checkpoint must carry the site key's id and its own row's time, and no actor",
                        ));
                    }
                }
                _ => return Err(bad("checkpoint payload is not a checkpoint")),
            }
        }
        running = e.hash;
    }
    if last.kind != "checkpoint" {
        return Err(SegmentError::NoCheckpoint);
    }
    Ok(SegmentSummary {
        first_seq: first.seq,
        last_seq: last.seq,
        first_prev_hash: first.prev_hash,
        head_hash: last.hash,
    })
}

/// The exact bytes a registry cosignature signs, modelled on C2SP tlog-cosignature: a
/// `cosignature/v1` header with the time, then a checkpoint body (origin, size, head).
pub fn cosignature_message(site_id: &str, size: i64, head_hex: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\ncustody-site/{site_id}\n{size}\n{head_hex}\n")
}

/// The registry's answer for one accepted checkpoint (a JSON file or HTTP response body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cosignature {
    pub format: String,
    pub registry_key_id: String,
    /// Ed25519 public key of the registry, hex.
    pub registry_public_key: String,
    pub site_id: String,
    /// Log size cosigned: the seq of the checkpoint event the segment ended with.
    pub size: i64,
    /// Hash of event `size`, hex.
    pub head: String,
    /// Seconds since the Unix epoch, as the registry's clock said.
    pub time: u64,
    /// Ed25519 over `cosignature_message`, hex.
    pub signature: String,
}

impl Cosignature {
    pub fn message(&self) -> String {
        cosignature_message(&self.site_id, self.size, &self.head, self.time)
    }

    /// True when the signature is valid for the key the cosignature names.
    pub fn signature_valid(&self) -> bool {
        match parse_public_key(&self.registry_public_key) {
            Some(key) => {
                key_id(&key) == self.registry_key_id
                    && verify_signature(&key, self.message().as_bytes(), &self.signature)
            }
            None => false,
        }
    }
}

/// The registry public key file text.
pub fn registry_key_file(public: &VerifyingKey) -> String {
    format!(
        "{REGISTRY_KEY_MAGIC}\npublic_key {}\nkey_id {}\n",
        hex::encode(public.as_bytes()),
        key_id(public)
    )
}

/// Reads a registry public key file.
pub fn read_registry_key(text: &str) -> Result<VerifyingKey> {
    let rest = text
        .trim_start_matches('\u{feff}')
        .strip_prefix(REGISTRY_KEY_MAGIC)
        .ok_or_else(|| CustodyError::BadPublicKey(KeyProblem::NotARegistryKeyFile))?;
    let hex_key = rest
        .lines()
        .find_map(|l| l.strip_prefix("public_key "))
        .ok_or_else(|| CustodyError::BadPublicKey(KeyProblem::RegistryKeyMissing))?;
    parse_public_key(hex_key.trim())
        .ok_or_else(|| CustodyError::BadPublicKey(KeyProblem::RegistryKeyNotEd25519))
}

/// Site id, public key (hex) and name from a site public key file (`custody keys export`).
pub fn read_site_key_file(text: &str) -> Option<(String, String, String)> {
    let rest = text
        .trim_start_matches('\u{feff}')
        .strip_prefix(crate::bundle::PUBLIC_KEY_MAGIC)?;
    let get = |name: &str| {
        rest.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    let site_id = get("site_id ")?;
    let key = get("public_key ")?;
    parse_public_key(&key)?;
    Some((site_id, key, get("site_name ").unwrap_or_default()))
}

/// A cosignature that does not hold for this ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CosignProblem {
    /// The cosigned checkpoint's seq (the log size the registry saw).
    pub checkpoint_seq: i64,
    pub what: String,
}

/// What a front end shows about the registry (the kiosk's Settings, `custody sync status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistryStatus {
    /// When the last cosignature was stored here (the end of the last successful sync).
    pub last_sync_time: String,
    /// The last checkpoint the registry cosigned, and its hash.
    pub cosigned_seq: i64,
    pub cosigned_head: String,
    pub registry_key_id: String,
}

impl Ledger {
    /// The last sync with the registry, or None if no checkpoint was ever cosigned.
    pub fn registry_status(&self) -> Result<Option<RegistryStatus>> {
        let last: Option<(i64, String)> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT seq, time FROM events WHERE kind = 'registry.cosign' ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        ))?;
        let Some((seq, time)) = last else {
            return Ok(None);
        };
        let all = self.stored_cosignatures()?;
        let Some((_, c)) = all.into_iter().find(|(s, _)| *s == seq) else {
            return Ok(None);
        };
        Ok(Some(RegistryStatus {
            last_sync_time: time,
            cosigned_seq: c.size,
            cosigned_head: c.head,
            registry_key_id: c.registry_key_id,
        }))
    }

    /// Events with `seq >= from`, in order.
    pub fn events_from(&self, from: i64) -> Result<Vec<StoredEvent>> {
        let mut out = Vec::new();
        self.for_each_event(|e| -> Result<()> {
            if e.seq >= from {
                out.push(e.clone());
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Seq of the newest checkpoint a `registry.cosign` event covers, 0 if none.
    pub fn last_cosigned_seq(&self) -> Result<i64> {
        Ok(self
            .stored_cosignatures()?
            .iter()
            .map(|(_, c)| c.size)
            .max()
            .unwrap_or(0))
    }

    /// Every `registry.cosign` event: its own seq and the cosignature it holds.
    pub fn stored_cosignatures(&self) -> Result<Vec<(i64, Cosignature)>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, payload FROM events WHERE kind = 'registry.cosign' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, payload) = row?;
            match EventBody::from_columns("registry.cosign", &payload) {
                Ok(EventBody::RegistryCosign { cosignature }) => out.push((seq, cosignature)),
                _ => {
                    return Err(CustodyError::Damaged(format!(
                        "event {seq}: registry.cosign payload is damaged; run `custody verify`"
                    )))
                }
            }
        }
        Ok(out)
    }

    /// Writes a fresh checkpoint and returns the segment of events from `from` (at least 1)
    /// to it, encoded (docs/segment-format.md).
    pub fn export_segment(&mut self, from: i64) -> Result<(Vec<u8>, i64, i64)> {
        let checkpoint_seq = self.checkpoint("registry sync")?;
        let from = from.clamp(1, checkpoint_seq);
        let events = self.events_from(from)?;
        Ok((encode_segment(&self.site_id, &events), from, checkpoint_seq))
    }

    /// Stores the registry's cosignature as a `registry.cosign` event. Rule: it is for this
    /// site, its signature is valid for the key it names, and the event it cosigns is in this
    /// ledger with exactly that hash and is a checkpoint. Storing the same cosignature twice
    /// is harmless: the seq of the earlier event is returned.
    pub fn store_cosignature(&mut self, cosignature: &Cosignature) -> Result<i64> {
        if cosignature.format != COSIGNATURE_FORMAT {
            return Err(Refusal::NotACosignature {
                format: cosignature.format.clone(),
            }
            .into());
        }
        if cosignature.site_id != self.site_id {
            return Err(Refusal::CosignatureForOtherSite {
                theirs: cosignature.site_id.clone(),
                ours: self.site_id.clone(),
            }
            .into());
        }
        if !cosignature.signature_valid() {
            return Err(Refusal::CosignatureInvalid.into());
        }
        if let Some((seq, _)) = self
            .stored_cosignatures()?
            .into_iter()
            .find(|(_, c)| c == cosignature)
        {
            return Ok(seq);
        }
        let row: Option<(String, Vec<u8>)> =
            rusqlite::OptionalExtension::optional(self.conn.query_row(
                "SELECT kind, hash FROM events WHERE seq = ?1",
                [cosignature.size],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ))?;
        match row {
            Some((kind, hash))
                if kind == "checkpoint" && hex::encode(&hash) == cosignature.head => {}
            Some(_) => {
                return Err(Refusal::CosignedEventDiffers {
                    seq: cosignature.size,
                    head: cosignature.head.clone(),
                }
                .into())
            }
            None => {
                return Err(Refusal::CosignedEventMissing {
                    seq: cosignature.size,
                }
                .into())
            }
        }
        let body = EventBody::RegistryCosign {
            cosignature: cosignature.clone(),
        };
        self.write(|w| w.append(None, None, &body))
    }

    /// Checks every stored cosignature, and any given from outside (an auditor's copies of the
    /// registry's answers), against `registry_key` and this ledger: each must be signed by that
    /// key and name a checkpoint this ledger still holds with the same hash. Returns the
    /// problems found, first the ones with the lowest checkpoint.
    pub fn verify_cosignatures(
        &self,
        registry_key: &VerifyingKey,
        external: &[Cosignature],
    ) -> Result<(usize, Vec<CosignProblem>)> {
        let stored = self.stored_cosignatures()?;
        let all: Vec<&Cosignature> = stored
            .iter()
            .map(|(_, c)| c)
            .chain(external.iter())
            .collect();
        let want_id = key_id(registry_key);
        let head_seq = self.head()?.0;
        let mut problems = Vec::new();
        for c in &all {
            let name = |what: String| CosignProblem {
                checkpoint_seq: c.size,
                what,
            };
            if c.registry_key_id != want_id
                || parse_public_key(&c.registry_public_key).as_ref() != Some(registry_key)
            {
                problems.push(name(format!(
                    "cosignature of checkpoint {} is by registry key {}, not the given key {want_id}",
                    c.size, c.registry_key_id
                )));
                continue;
            }
            if !verify_signature(registry_key, c.message().as_bytes(), &c.signature) {
                problems.push(name(format!(
                    "cosignature of checkpoint {} has an invalid signature",
                    c.size
                )));
                continue;
            }
            if c.site_id != self.site_id {
                problems.push(name(format!(
                    "cosignature of checkpoint {} is for another site ({})",
                    c.size, c.site_id
                )));
                continue;
            }
            let hash: Option<Vec<u8>> = rusqlite::OptionalExtension::optional(
                self.conn
                    .query_row("SELECT hash FROM events WHERE seq = ?1", [c.size], |r| {
                        r.get(0)
                    }),
            )?;
            match hash {
                None => problems.push(name(format!(
                    "cosigned checkpoint {} (head {}) is missing: the ledger ends at event {head_seq}, it was truncated below a checkpoint the registry cosigned",
                    c.size, c.head
                ))),
                Some(h) if hex::encode(&h) != c.head => problems.push(name(format!(
                    "cosigned checkpoint {} has head {} in the registry's cosignature but {} in this ledger: history below it was rewritten",
                    c.size,
                    c.head,
                    hex::encode(&h)
                ))),
                Some(_) => {}
            }
        }
        problems.sort_by_key(|p| p.checkpoint_seq);
        Ok((all.len(), problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, prev: [u8; 32], kind: &str, payload: &str) -> StoredEvent {
        let mut e = StoredEvent {
            seq,
            id: format!("01890a5d-ac96-774b-bcce-b302099a80{seq:02}"),
            time: "2026-03-01T08:00:00.000000Z".into(),
            actor: None,
            witness: Some(String::new()),
            kind: kind.into(),
            subject: None,
            payload: payload.into(),
            prev_hash: prev,
            hash: [0; 32],
        };
        let mut s = Vec::new();
        canonical_bytes(&e.fields(), &mut s);
        e.hash = chain_hash(&prev, &s);
        e
    }

    #[test]
    fn segments_round_trip_and_every_truncation_is_refused() {
        let a = event(1, [0; 32], "site.init", "{}");
        let b = event(2, a.hash, "item.move", "{\"x\":\"é\"}");
        let bytes = encode_segment("site-1", &[a.clone(), b.clone()]);
        let back = decode_segment(&bytes, 10).unwrap();
        assert_eq!(back.site_id, "site-1");
        assert_eq!(back.events, vec![a, b]);
        for cut in 0..bytes.len() {
            assert!(decode_segment(&bytes[..cut], 10).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_segment(&longer, 10).is_err());
        assert!(decode_segment(&bytes, 1).is_err());
    }

    #[test]
    fn a_segment_without_a_checkpoint_or_with_a_bad_link_is_refused() {
        let key = crate::keys::SiteKey::from_seed([7; 32]);
        let a = event(1, [0; 32], "site.init", "{}");
        let b = event(2, a.hash, "item.move", "{}");
        let seg = Segment {
            site_id: "s".into(),
            events: vec![a.clone(), b],
        };
        assert_eq!(
            check_segment(&seg, &key.public()),
            Err(SegmentError::NoCheckpoint)
        );
        let c = event(2, [9; 32], "item.move", "{}");
        let seg = Segment {
            site_id: "s".into(),
            events: vec![a, c],
        };
        assert!(matches!(
            check_segment(&seg, &key.public()),
            Err(SegmentError::BadEvent { seq: 2, .. })
        ));
    }
}
