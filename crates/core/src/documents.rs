//! What documents are made of, and issuing them. Core knows no PDF: these functions return
//! plain records of everything a destruction certificate, handover manifest or stocktake
//! report prints, and [`Ledger::sign_document`] signs a document's seal with the site key
//! (which never leaves core), recording a `document.issued` event in the same transaction.
//!
//! Domain separation: the site key signs checkpoint notes (`custody-checkpoint/v1\n...`),
//! bundles and receipts (`CUSTODY-BUNDLE...`, docs/bundle-format.md) and document seals. A seal
//! message must begin with [`SEAL_DOMAIN`] (`CUSTODY-SEAL:`), which no other signed message
//! does, so a signature over one can never pass for another.

use crate::destruction::BatchView;
use crate::domain::{
    BundleItem, DestructionRecord, HandoverDetails, Resolution, Role, StocktakeSummary,
};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger};
use crate::refusal::Refusal;
use crate::stocktake::{reconcile_in, DiscrepancyKind, RECONCILERS};
use crate::workflows::{find_item_by_id, ItemView};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Every message [`Ledger::sign_document`] signs begins with these bytes.
pub const SEAL_DOMAIN: &str = "CUSTODY-SEAL:";
/// Seal texts are short (SEAL.md: at most 341 characters with the signature).
const MAX_MESSAGE: usize = 512;

/// Who may issue each document. A stocktake report shows the expected list, so only those
/// who may see it issue it.
const CERTIFICATE_ISSUERS: [Role; 4] = [
    Role::Officer,
    Role::Custodian,
    Role::Inspector,
    Role::Administrator,
];
const MANIFEST_ISSUERS: [Role; 4] = CERTIFICATE_ISSUERS;
/// A release receipt names the owner and their identity document: the evidence room's people.
const RECEIPT_ISSUERS: [Role; 3] = [Role::Custodian, Role::Inspector, Role::Administrator];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    DestructionCertificate,
    HandoverManifest,
    StocktakeReport,
    ReleaseReceipt,
    DispositionReport,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::DestructionCertificate => "destruction_certificate",
            DocumentKind::HandoverManifest => "handover_manifest",
            DocumentKind::StocktakeReport => "stocktake_report",
            DocumentKind::ReleaseReceipt => "release_receipt",
            DocumentKind::DispositionReport => "disposition_report",
        }
    }

    fn issuers(self) -> &'static [Role] {
        match self {
            DocumentKind::DestructionCertificate => &CERTIFICATE_ISSUERS,
            DocumentKind::HandoverManifest => &MANIFEST_ISSUERS,
            DocumentKind::StocktakeReport => &RECONCILERS,
            DocumentKind::ReleaseReceipt => &RECEIPT_ISSUERS,
            DocumentKind::DispositionReport => &CERTIFICATE_ISSUERS,
        }
    }
}

/// Something a document can be issued for: an executed destruction batch, a handover (either
/// direction), a closed stocktake or an exhibit released to its owner. Newest first in [`Ledger::documents_available`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentSubject {
    pub kind: DocumentKind,
    /// The batch, manifest, stocktake or exhibit code (`B-…`, `M-…`, `S-…`, `E-…`).
    pub code: String,
    /// When it was executed, dispatched or imported, or closed (RFC 3339, UTC).
    pub time: String,
    /// Items destroyed, items on the manifest, or scans in the count.
    pub items: u64,
    /// For a handover: `out` (sent from here) or `in` (received here); empty otherwise.
    pub direction: String,
}

/// The signed checkpoint a document is issued at: the sequence it covers and that event's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DocumentCheckpoint {
    pub covered_seq: i64,
    #[serde(serialize_with = "hex_32")]
    pub head_hash: [u8; 32],
    /// The `checkpoint` event itself.
    pub seq: i64,
}

fn hex_32<S: serde::Serializer>(b: &[u8; 32], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(b))
}

/// A person as a document names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentPerson {
    /// The person's id in this ledger.
    pub id: String,
    pub name: String,
    pub service_number: String,
    pub roles: Vec<Role>,
}

/// One item as a list on a document shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentItem {
    pub code: String,
    /// Weapon type (pistol, rifle, ...), or `evidence` for an exhibit that is not a weapon.
    pub item_type: String,
    pub make: String,
    pub model: String,
    pub calibre: String,
    pub serial: String,
    /// The item's record was amended after intake (the values above are the current ones).
    pub amended: bool,
}

impl DocumentItem {
    fn from_view(v: &ItemView) -> DocumentItem {
        DocumentItem {
            code: v.code.clone(),
            item_type: v.weapon_type.clone().unwrap_or_else(|| v.kind.clone()),
            make: v.manufacturer.clone(),
            model: v.model.clone(),
            calibre: v.calibre.clone(),
            serial: v.serial.clone(),
            amended: v.amended,
        }
    }

    fn from_bundle(b: &BundleItem) -> DocumentItem {
        let weapon = b
            .weapon
            .as_ref()
            .or_else(|| b.evidence.as_ref().and_then(|e| e.weapon.as_ref()));
        let item_type = match (weapon, &b.evidence) {
            (Some(w), _) => w
                .weapon_type
                .map(|t| t.as_str().to_string())
                .unwrap_or_else(|| b.kind.as_str().to_string()),
            (None, Some(e)) if !e.category.is_empty() => e.category.clone(),
            _ => b.kind.as_str().to_string(),
        };
        DocumentItem {
            code: b.code.clone(),
            item_type,
            make: weapon.map(|w| w.manufacturer.clone()).unwrap_or_default(),
            model: weapon.map(|w| w.model.clone()).unwrap_or_default(),
            calibre: weapon.map(|w| w.calibre.clone()).unwrap_or_default(),
            serial: weapon.map(|w| w.serial.clone()).unwrap_or_default(),
            // A bundle carries the sender's current record without its amendment history.
            amended: false,
        }
    }
}

/// Everything a destruction certificate prints, for an executed batch.
#[derive(Debug, Clone, Serialize)]
pub struct DestructionDocument {
    pub batch_id: String,
    pub code: String,
    pub authority: String,
    pub decision_reference: String,
    pub note: String,
    /// Method, equipment, place, date, scrap weight and photo digests.
    pub record: DestructionRecord,
    pub items: Vec<DocumentItem>,
    pub operator: DocumentPerson,
    pub witnesses: Vec<DocumentPerson>,
    /// RFC 3339 times of the batch's creation, freezing and execution.
    pub created_at: String,
    pub frozen_at: String,
    pub executed_at: String,
    pub executed_seq: i64,
    /// The checkpoint written with the execution.
    pub checkpoint: DocumentCheckpoint,
}

/// A difference found when a handover was counted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandoverDifference {
    /// `missing` (on the list, not arrived) or `extra` (arrived, not on the list).
    pub kind: String,
    pub code: String,
    /// Which event recorded it.
    pub seq: i64,
}

/// Everything a handover manifest prints.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestDocument {
    pub manifest_id: String,
    pub code: String,
    /// `out` (dispatched from this site) or `in` (imported here).
    pub direction: String,
    pub state: String,
    pub peer_site_id: Option<String>,
    pub details: HandoverDetails,
    pub items: Vec<DocumentItem>,
    /// Dispatch here (out), or import of the sender's bundle here (in).
    pub dispatched_at: String,
    pub dispatched_by: Option<DocumentPerson>,
    /// Acceptance here (in) or the receiver's receipt coming back (out).
    pub received_at: Option<String>,
    pub received_by: Option<DocumentPerson>,
    pub differences: Vec<HandoverDifference>,
    /// The last event about this handover; the document's checkpoint must cover it.
    pub last_seq: i64,
}

/// One item line of a stocktake report with where it was expected and counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StocktakeLine {
    pub item: DocumentItem,
    pub expected_location: String,
    pub counted_location: String,
    pub times_scanned: u64,
    /// How the discrepancy was settled; None for found items.
    pub settled: Option<Settled>,
}

/// A recorded resolution of a stocktake discrepancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settled {
    pub resolution: Resolution,
    /// Loss report number, correcting event, ...
    pub reference: String,
    pub note: String,
}

/// A scanned code that matched no item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownCode {
    pub scanned: String,
    pub counted_location: String,
    pub settled: Option<Settled>,
}

/// Everything a stocktake report prints, for a closed count.
#[derive(Debug, Clone, Serialize)]
pub struct StocktakeDocument {
    pub stocktake_id: String,
    pub code: String,
    pub whole_site: bool,
    /// Location names in scope (empty for the whole site).
    pub locations: Vec<String>,
    pub note: String,
    pub opened_at: String,
    pub closed_at: String,
    pub summary: StocktakeSummary,
    pub found: Vec<StocktakeLine>,
    pub missing: Vec<StocktakeLine>,
    pub misplaced: Vec<StocktakeLine>,
    /// Destroyed or transferred-out items that turned up in the count.
    pub alarms: Vec<StocktakeLine>,
    pub unknown: Vec<UnknownCode>,
    pub duplicates: Vec<StocktakeLine>,
    pub counter: DocumentPerson,
    pub cosigner: DocumentPerson,
    /// The checkpoint written with the close.
    pub checkpoint: DocumentCheckpoint,
}

/// Everything a release receipt prints: the exhibit as it is now, the order, the owner and
/// their identity document, who handed it over and who witnessed.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseDocument {
    pub item_id: String,
    pub item: DocumentItem,
    pub case_number: String,
    pub exhibit_number: String,
    pub description: String,
    /// The record was amended after intake: the receipt prints its current values.
    pub amended: bool,
    pub owner_name: String,
    pub id_document_type: crate::domain::IdDocumentType,
    pub id_document_number: String,
    /// The decision's order: who issued it and its reference.
    pub authority_kind: crate::domain::AuthorityKind,
    pub authority: String,
    pub order_reference: String,
    pub note: String,
    pub released_by: DocumentPerson,
    pub witness: Option<DocumentPerson>,
    pub released_at: String,
    pub release_seq: i64,
    /// The first checkpoint covering the release (written now if there was none).
    pub checkpoint: DocumentCheckpoint,
}

/// What is being issued: recorded in the `document.issued` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentIssue {
    pub kind: DocumentKind,
    /// The document id printed in the seal (e.g. the batch code).
    pub document_id: String,
    /// The batch, manifest or stocktake the document is about (code or id).
    pub subject: String,
}

/// A seal signature and the event that logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocument {
    pub signature: [u8; 64],
    pub seq: i64,
}

fn event_time_actor(
    conn: &Connection,
    seq: i64,
) -> Result<(String, Option<String>, Option<String>)> {
    conn.prepare_cached("SELECT time, actor, witness FROM events WHERE seq = ?1")?
        .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| {
            CustodyError::Damaged(format!(
                "event {seq} is missing from the log; run `custody verify`"
            ))
        })
}

fn person(conn: &Connection, person_id: &str) -> Result<DocumentPerson> {
    conn.prepare_cached("SELECT name, service_number, roles FROM persons WHERE id = ?1")?
        .query_row([person_id], |r| {
            let roles: String = r.get(2)?;
            Ok(DocumentPerson {
                id: person_id.to_string(),
                name: r.get(0)?,
                service_number: r.get(1)?,
                roles: crate::auth::parse_roles(&roles),
            })
        })
        .optional()?
        .ok_or_else(|| {
            CustodyError::Damaged(format!(
                "person {person_id} named in the log is not registered; run `custody verify`"
            ))
        })
}

/// The first checkpoint covering `seq`, if one was written.
fn checkpoint_covering(conn: &Connection, seq: i64) -> Result<Option<DocumentCheckpoint>> {
    let row: Option<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT seq, covered_seq, head_hash FROM checkpoints WHERE covered_seq >= ?1
             ORDER BY seq LIMIT 1",
        )?
        .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(cp_seq, covered_seq, head)| {
        let head_hash = hex::decode(&head)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                CustodyError::Damaged(format!(
                    "checkpoint {cp_seq} has a damaged head hash; run `custody verify`"
                ))
            })?;
        Ok(DocumentCheckpoint {
            covered_seq,
            head_hash,
            seq: cp_seq,
        })
    })
    .transpose()
}

fn resolutions(conn: &Connection, stocktake_id: &str) -> Result<HashMap<String, Settled>> {
    let mut stmt = conn.prepare(
        "SELECT discrepancy, resolution, reference, note FROM stocktake_resolutions
         WHERE stocktake_id = ?1",
    )?;
    let rows: Vec<(String, String, String, String)> = stmt
        .query_map([stocktake_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(key, resolution, reference, note)| {
            let resolution = resolution.parse::<Resolution>().map_err(|e| {
                CustodyError::Damaged(format!(
                    "stocktake resolution of {key}: {e}; run `custody verify`"
                ))
            })?;
            Ok((
                key,
                Settled {
                    resolution,
                    reference,
                    note,
                },
            ))
        })
        .collect()
}

fn location_name(conn: &Connection, id: Option<&str>) -> Result<String> {
    let Some(id) = id else {
        return Ok(String::new());
    };
    Ok(conn
        .prepare_cached("SELECT name FROM locations WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

impl Ledger {
    /// Everything a sealed document can be issued for, newest first: what the documents screen
    /// offers. Open counts, unexecuted batches and nothing else are left out.
    pub fn documents_available(&self) -> Result<Vec<DocumentSubject>> {
        let mut stmt = self.conn.prepare(
            "SELECT 0, b.code, e.time, b.item_count, '', e.seq FROM destruction_batches b
               JOIN events e ON e.seq = b.executed_seq WHERE b.state = 'executed'
             UNION ALL
             SELECT 1, h.code, e.time, h.items, h.direction, e.seq FROM handovers h
               JOIN events e ON e.seq = h.created_seq
             UNION ALL
             SELECT 2, s.code, e.time, s.scans, '', e.seq FROM stocktakes s
               JOIN events e ON e.seq = s.closed_seq WHERE s.state = 'closed'
             UNION ALL
             SELECT 3, i.code, e.time, 1, '', e.seq FROM events e
               JOIN items i ON i.id = e.subject WHERE e.kind = 'evidence.release'
             ORDER BY 6 DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DocumentSubject {
                kind: match r.get::<_, i64>(0)? {
                    0 => DocumentKind::DestructionCertificate,
                    1 => DocumentKind::HandoverManifest,
                    2 => DocumentKind::StocktakeReport,
                    _ => DocumentKind::ReleaseReceipt,
                },
                code: r.get(1)?,
                time: r.get(2)?,
                items: r.get(3)?,
                direction: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Everything a destruction certificate needs. Refused (typed) unless the batch was
    /// executed; the certificate's checkpoint is the one written with the execution.
    pub fn destruction_document(&self, actor: &Actor, batch: &str) -> Result<DestructionDocument> {
        self.refuse_demo()?;
        actor.require(
            "issue destruction certificates",
            DocumentKind::DestructionCertificate.issuers(),
        )?;
        let view: BatchView = self.destruction_batch(batch)?;
        let executed = view.state == "executed";
        let (Some(executed_seq), Some(record), Some(operator), true) = (
            view.executed_seq,
            view.record.clone(),
            view.operator.clone(),
            executed,
        ) else {
            return Err(CustodyError::BatchNotExecuted {
                code: view.code,
                state: view.state,
            });
        };
        let conn = &self.conn;
        let (created_seq, frozen_seq): (i64, Option<i64>) = conn.query_row(
            "SELECT created_seq, frozen_seq FROM destruction_batches WHERE id = ?1",
            [&view.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let time = |seq: i64| event_time_actor(conn, seq).map(|t| t.0);
        let mut items = Vec::with_capacity(view.items as usize);
        {
            let mut stmt = conn.prepare(
                "SELECT item_id FROM destruction_items WHERE batch_id = ?1 ORDER BY code",
            )?;
            let ids: Vec<String> = stmt
                .query_map([&view.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                items.push(DocumentItem::from_view(&find_item_by_id(conn, &id)?));
            }
        }
        let checkpoint = checkpoint_covering(conn, executed_seq)?.ok_or_else(|| {
            CustodyError::Damaged(format!(
                "batch {} was executed without its checkpoint; run `custody verify`",
                view.code
            ))
        })?;
        Ok(DestructionDocument {
            created_at: time(created_seq)?,
            frozen_at: frozen_seq.map(time).transpose()?.unwrap_or_default(),
            executed_at: time(executed_seq)?,
            operator: person(conn, &operator)?,
            witnesses: view
                .witnesses
                .iter()
                .map(|w| person(conn, w))
                .collect::<Result<_>>()?,
            batch_id: view.id,
            code: view.code,
            authority: view.authority,
            decision_reference: view.decision_reference,
            note: view.note,
            record,
            items,
            executed_seq,
            checkpoint,
        })
    }

    /// Everything a handover manifest needs, in either direction and any state.
    pub fn handover_document(&self, actor: &Actor, manifest: &str) -> Result<ManifestDocument> {
        self.refuse_demo()?;
        actor.require(
            "issue handover manifests",
            DocumentKind::HandoverManifest.issuers(),
        )?;
        let view = self.handover(manifest)?;
        let conn = &self.conn;
        let (created_seq, accepted_seq, receipt_seq, last_seq): (
            i64,
            Option<i64>,
            Option<i64>,
            i64,
        ) = conn.query_row(
            "SELECT created_seq, accepted_seq, receipt_seq, last_seq FROM handovers WHERE id = ?1",
            [&view.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut items = Vec::with_capacity(view.items as usize);
        {
            let mut stmt = conn.prepare(
                "SELECT item_id, code, record FROM handover_items WHERE manifest_id = ?1
                 ORDER BY code",
            )?;
            let rows: Vec<(String, String, Option<String>)> = stmt
                .query_map([&view.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (item_id, code, record) in rows {
                let line = match record {
                    Some(json) => {
                        let b: BundleItem = serde_json::from_str(&json).map_err(|e| {
                            CustodyError::Damaged(format!(
                                "handover item {code} has an unreadable record ({e}); run `custody verify`"
                            ))
                        })?;
                        DocumentItem::from_bundle(&b)
                    }
                    None => DocumentItem::from_view(&find_item_by_id(conn, &item_id)?),
                };
                items.push(line);
            }
        }
        let (dispatched_at, dispatcher, _) = event_time_actor(conn, created_seq)?;
        let received_seq = if view.direction == "in" {
            accepted_seq
        } else {
            receipt_seq
        };
        let (received_at, received_by) = match received_seq {
            Some(seq) => {
                let (time, by, _) = event_time_actor(conn, seq)?;
                // On the sending side the receipt is recorded by whoever imported it; the
                // receiving person signed at the other site.
                let by = if view.direction == "in" {
                    by.map(|p| person(conn, &p)).transpose()?
                } else {
                    None
                };
                (Some(time), by)
            }
            None => (None, None),
        };
        let mut differences = Vec::new();
        {
            let mut stmt = conn.prepare(
                "SELECT seq, kind, payload FROM events WHERE subject = ?1
                 AND kind IN ('handover.discrepancy', 'handover.receipt') ORDER BY seq",
            )?;
            let rows: Vec<(i64, String, String)> = stmt
                .query_map([&view.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let codes: HashMap<String, String> = conn
                .prepare("SELECT item_id, code FROM handover_items WHERE manifest_id = ?1")?
                .query_map([&view.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (seq, kind, payload) in rows {
                match EventBody::from_columns(&kind, &payload) {
                    Ok(EventBody::HandoverDiscrepancy {
                        discrepancy, code, ..
                    }) => differences.push(HandoverDifference {
                        kind: discrepancy,
                        code,
                        seq,
                    }),
                    Ok(EventBody::HandoverReceipt { missing, extra, .. }) => {
                        for id in missing {
                            differences.push(HandoverDifference {
                                kind: "missing".into(),
                                code: codes.get(&id).cloned().unwrap_or(id),
                                seq,
                            });
                        }
                        for code in extra {
                            differences.push(HandoverDifference {
                                kind: "extra".into(),
                                code,
                                seq,
                            });
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        return Err(CustodyError::Damaged(format!(
                            "event {seq} is unreadable ({e}); run `custody verify`"
                        )))
                    }
                }
            }
        }
        Ok(ManifestDocument {
            manifest_id: view.id,
            code: view.code,
            direction: view.direction,
            state: view.state,
            peer_site_id: view.peer_site_id,
            details: view.details,
            items,
            dispatched_at,
            dispatched_by: dispatcher.map(|p| person(conn, &p)).transpose()?,
            received_at,
            received_by,
            differences,
            last_seq,
        })
    }

    /// Everything a stocktake report needs, for a closed count. Shows the expected list, so
    /// only inspectors and administrators may ask for it.
    pub fn stocktake_document(&self, actor: &Actor, stocktake: &str) -> Result<StocktakeDocument> {
        self.refuse_demo()?;
        actor.require(
            "issue stocktake reports",
            DocumentKind::StocktakeReport.issuers(),
        )?;
        let view = self.stocktake(stocktake)?;
        let conn = &self.conn;
        let (opened_seq, closed_seq): (i64, Option<i64>) = conn.query_row(
            "SELECT opened_seq, closed_seq FROM stocktakes WHERE id = ?1",
            [&view.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(closed_seq), Some(summary)) = (closed_seq, view.summary.clone()) else {
            return Err(CustodyError::StocktakeNotClosed(view.code));
        };
        let read = conn.unchecked_transaction()?;
        let rec = reconcile_in(&read, &view.id)?;
        let resolutions = resolutions(&read, &view.id)?;
        // Expected items with where they were registered when the count opened.
        let expected: HashMap<String, (String, Option<String>)> = read
            .prepare(
                "SELECT item_id, code, location_id FROM stocktake_expected WHERE stocktake_id = ?1",
            )?
            .query_map([&view.id], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        // Per scanned code: times scanned, the item, and where it was last counted.
        let mut scanned: HashMap<String, (u64, Option<String>, Option<String>)> = HashMap::new();
        {
            let mut stmt = read.prepare(
                "SELECT code, item_id, at_location FROM stocktake_scans WHERE stocktake_id = ?1
                 ORDER BY seq",
            )?;
            let mut rows = stmt.query([&view.id])?;
            while let Some(r) = rows.next()? {
                let code: String = r.get(0)?;
                let e = scanned.entry(code).or_insert((0, None, None));
                e.0 += 1;
                e.1 = r.get(1)?;
                let at: Option<String> = r.get(2)?;
                if at.is_some() {
                    e.2 = at;
                }
            }
        }
        let line = |code: &str, settled: Option<Settled>| -> Result<StocktakeLine> {
            let (times, scanned_id, at) = scanned.get(code).cloned().unwrap_or((0, None, None));
            let item_id = scanned_id.or_else(|| {
                expected
                    .iter()
                    .find(|(_, (c, _))| c == code)
                    .map(|(id, _)| id.clone())
            });
            let item = match &item_id {
                Some(id) => DocumentItem::from_view(&find_item_by_id(&read, id)?),
                None => DocumentItem {
                    code: code.to_string(),
                    item_type: String::new(),
                    make: String::new(),
                    model: String::new(),
                    calibre: String::new(),
                    serial: String::new(),
                    amended: false,
                },
            };
            let expected_location = match item_id.as_ref().and_then(|id| expected.get(id)) {
                Some((_, loc)) => location_name(&read, loc.as_deref())?,
                None => String::new(),
            };
            Ok(StocktakeLine {
                item,
                expected_location,
                counted_location: location_name(&read, at.as_deref())?,
                times_scanned: times,
                settled,
            })
        };
        let mut found = Vec::new();
        let mut found_codes: Vec<&String> = expected
            .values()
            .map(|(code, _)| code)
            .filter(|code| scanned.contains_key(*code))
            .collect();
        found_codes.sort_unstable();
        for code in found_codes {
            found.push(line(code, None)?);
        }
        let (mut missing, mut misplaced, mut alarms, mut unknown, mut duplicates) =
            (vec![], vec![], vec![], vec![], vec![]);
        for d in &rec.discrepancies {
            let settled = resolutions.get(&d.key).cloned();
            match d.kind {
                DiscrepancyKind::Missing => missing.push(line(&d.code, settled)?),
                DiscrepancyKind::Misplaced => misplaced.push(line(&d.code, settled)?),
                DiscrepancyKind::Alarm => alarms.push(line(&d.code, settled)?),
                DiscrepancyKind::Duplicate => duplicates.push(line(&d.code, settled)?),
                DiscrepancyKind::Unknown => {
                    let at = scanned.get(&d.code).and_then(|s| s.2.clone());
                    unknown.push(UnknownCode {
                        scanned: d.code.clone(),
                        counted_location: location_name(&read, at.as_deref())?,
                        settled,
                    });
                }
            }
        }
        let (closed_at, counter, cosigner) = event_time_actor(&read, closed_seq)?;
        let (opened_at, _, _) = event_time_actor(&read, opened_seq)?;
        let who = |p: Option<String>, what: &str| -> Result<DocumentPerson> {
            let id = p.ok_or_else(|| {
                CustodyError::Damaged(format!(
                    "stocktake {} was closed without a {what}; run `custody verify`",
                    view.code
                ))
            })?;
            person(&read, &id)
        };
        let checkpoint = checkpoint_covering(&read, closed_seq)?.ok_or_else(|| {
            CustodyError::Damaged(format!(
                "stocktake {} was closed without its checkpoint; run `custody verify`",
                view.code
            ))
        })?;
        Ok(StocktakeDocument {
            counter: who(counter, "counter")?,
            cosigner: who(cosigner, "co-signer")?,
            stocktake_id: view.id.clone(),
            code: view.code.clone(),
            whole_site: view.whole_site,
            locations: view.locations.clone(),
            note: view.note.clone(),
            opened_at,
            closed_at,
            summary,
            found,
            missing,
            misplaced,
            alarms,
            unknown,
            duplicates,
            checkpoint,
        })
    }

    /// Everything the release receipt of a released exhibit needs. The release is covered by a
    /// signed checkpoint (written now if none covers it yet).
    pub fn release_document(&mut self, actor: &Actor, item: &str) -> Result<ReleaseDocument> {
        self.refuse_demo()?;
        actor.require(
            "issue release receipts",
            DocumentKind::ReleaseReceipt.issuers(),
        )?;
        let view = self.find_item(item)?;
        let release: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT e.seq, e.payload FROM item_events ie JOIN events e ON e.seq = ie.seq
                 WHERE ie.item_id = ?1 AND e.kind = 'evidence.release' ORDER BY e.seq DESC LIMIT 1",
                [&view.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((release_seq, payload)) = release else {
            return Err(CustodyError::WrongStatus {
                code: view.code,
                status: view.status,
                action: "given a release receipt (it was not released to its owner)",
            });
        };
        let damaged = |e: String| CustodyError::Damaged(format!("{e}; run `custody verify`"));
        let Ok(EventBody::EvidenceRelease {
            owner_name,
            id_document_type,
            id_document_number,
            order_reference,
            note,
            ..
        }) = EventBody::from_columns("evidence.release", &payload)
        else {
            return Err(damaged(format!(
                "the release of {} is unreadable",
                view.code
            )));
        };
        // The order the release rests on is the latest decision before it.
        let decision: String = self.conn.query_row(
            "SELECT e.payload FROM item_events ie JOIN events e ON e.seq = ie.seq
             WHERE ie.item_id = ?1 AND e.kind = 'evidence.disposition' AND e.seq < ?2
             ORDER BY e.seq DESC LIMIT 1",
            params![view.id, release_seq],
            |r| r.get(0),
        )?;
        let Ok(EventBody::EvidenceDisposition {
            authority_kind,
            authority,
            ..
        }) = EventBody::from_columns("evidence.disposition", &decision)
        else {
            return Err(damaged(format!(
                "the release order of {} is unreadable",
                view.code
            )));
        };
        let (released_at, actor_id, witness_id) = event_time_actor(&self.conn, release_seq)?;
        let released_by = person(&self.conn, actor_id.as_deref().unwrap_or_default())?;
        let witness = witness_id
            .as_deref()
            .map(|id| person(&self.conn, id))
            .transpose()?;
        let checkpoint = self.document_checkpoint(
            release_seq,
            &format!("release receipt for {} issued", view.code),
        )?;
        Ok(ReleaseDocument {
            item_id: view.id.clone(),
            item: DocumentItem::from_view(&view),
            case_number: view.case_number.clone(),
            exhibit_number: view.exhibit_number.clone(),
            description: view.description.clone(),
            amended: view.amended,
            owner_name,
            id_document_type,
            id_document_number,
            authority_kind,
            authority,
            order_reference,
            note,
            released_by,
            witness,
            released_at,
            release_seq,
            checkpoint,
        })
    }

    /// A demonstration ledger's records are not a site's: nothing is issued from them.
    fn refuse_demo(&self) -> Result<()> {
        if self.is_demo()? {
            return Err(CustodyError::DemoLedger);
        }
        Ok(())
    }

    /// The first signed checkpoint covering event `seq`; if there is none yet, one is written
    /// now (with `reason`). A document issued at it proves the log held `seq` when it was signed.
    pub fn document_checkpoint(&mut self, seq: i64, reason: &str) -> Result<DocumentCheckpoint> {
        if let Some(cp) = checkpoint_covering(&self.conn, seq)? {
            return Ok(cp);
        }
        self.checkpoint(reason)?;
        checkpoint_covering(&self.conn, seq)?
            .ok_or_else(|| CustodyError::Refused(Refusal::EventNotInLedger { seq }))
    }

    /// Signs a document seal with the site key and logs it as a `document.issued` event in the
    /// same transaction, so no seal exists that the log does not show. `message` is the exact
    /// byte string the seal format signs (crates/docs/SEAL.md: the seal text up to and including
    /// the `.` before the signature). It must start with [`SEAL_DOMAIN`], be printable ASCII of
    /// at most 512 bytes, and carry `issue.document_id` as its second `.`-separated field (as
    /// every seal format does: `CUSTODY-SEAL:<version>:<kind>.<document id>.`).
    pub fn sign_document(
        &mut self,
        actor: &Actor,
        issue: &DocumentIssue,
        message: &[u8],
    ) -> Result<IssuedDocument> {
        actor.require("issue sealed documents", issue.kind.issuers())?;
        if self.is_demo()? {
            return Err(CustodyError::DemoLedger);
        }
        let refuse = |why: String| Err(CustodyError::DocumentRefused(why));
        let Ok(text) = std::str::from_utf8(message) else {
            return refuse("the seal message is not text".into());
        };
        if !text.starts_with(SEAL_DOMAIN) {
            return refuse(format!(
                "the seal message does not begin with {SEAL_DOMAIN}"
            ));
        }
        if message.len() > MAX_MESSAGE || !message.iter().all(|b| (0x20..0x7f).contains(b)) {
            return refuse(format!(
                "the seal message must be at most {MAX_MESSAGE} printable ASCII characters"
            ));
        }
        let id = issue.document_id.as_str();
        if id.is_empty() || text.split('.').nth(1) != Some(id) {
            return refuse(format!("the seal message does not name document {id}"));
        }
        let subject_id = match issue.kind {
            DocumentKind::DestructionCertificate => {
                let b = self.destruction_batch(&issue.subject)?;
                if b.state != "executed" {
                    return Err(CustodyError::BatchNotExecuted {
                        code: b.code,
                        state: b.state,
                    });
                }
                b.id
            }
            DocumentKind::HandoverManifest => self.handover(&issue.subject)?.id,
            DocumentKind::StocktakeReport => {
                let s = self.stocktake(&issue.subject)?;
                if s.state == "open" {
                    return Err(CustodyError::StocktakeNotClosed(s.code));
                }
                s.id
            }
            DocumentKind::ReleaseReceipt => {
                let item = self.find_item(&issue.subject)?;
                if item.status != crate::domain::ItemStatus::Released {
                    return Err(CustodyError::WrongStatus {
                        code: item.code,
                        status: item.status,
                        action: "given a release receipt (it was not released to its owner)",
                    });
                }
                item.id
            }
            // A report covers the whole site over a period: its subject is the site.
            DocumentKind::DispositionReport => self.site_id.clone(),
        };
        let signature = self.sign(message)?;
        let body = EventBody::DocumentIssued {
            document_id: id.to_string(),
            document_kind: issue.kind.as_str().to_string(),
            subject_id,
            message_sha256: hex::encode(Sha256::digest(message)),
            message: text.to_string(),
            signature: hex::encode(signature),
        };
        let seq = self.write(|w| w.append(Some(actor.person_id()), None, &body))?;
        Ok(IssuedDocument { signature, seq })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PersonRecord;

    fn site() -> (tempfile::TempDir, Ledger, Actor) {
        let dir = tempfile::tempdir().unwrap();
        let admin = PersonRecord {
            name: "Ana Admin".into(),
            service_number: "A-1".into(),
            badge: "100".into(),
            roles: vec![Role::Administrator],
        };
        let (ledger, actor) =
            Ledger::create(&dir.path().join("site.db"), "Depot", admin, "418276").unwrap();
        (dir, ledger, actor)
    }

    #[test]
    fn the_site_key_refuses_to_sign_anything_but_a_seal_naming_the_document() {
        let (_dir, mut ledger, admin) = site();
        let issue = DocumentIssue {
            kind: DocumentKind::HandoverManifest,
            document_id: "M-1".into(),
            subject: "nothing".into(),
        };
        for bad in [
            &b"custody-checkpoint/v1\nsite x\n"[..],
            b"CUSTODY-BUNDLE:1:whatever",
            b"CUSTODY-SEAL:1:H.M-2.ABC.",
            b"CUSTODY-SEAL:1:H.M-1.\n.",
        ] {
            let err = ledger.sign_document(&admin, &issue, bad).unwrap_err();
            assert!(
                matches!(err, CustodyError::DocumentRefused(_)),
                "{bad:?} gave {err}"
            );
        }
        // Nothing was logged by the refusals.
        let issued: i64 = ledger
            .conn
            .query_row(
                "SELECT count(*) FROM events WHERE kind = 'document.issued'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(issued, 0);
    }
}
