//! Destruction batches: created under a legal authority, filled by scan or list, frozen (a
//! SHA-256 digest over the sorted codes; items await destruction), re-counted by scan at the
//! destruction site, method and place recorded, then executed by an operator before at least
//! two distinct, authenticated witnesses. Execution is signed with a checkpoint.

use crate::ammo::LotLine;
use crate::ammo_disposal::{batch_lot_lines, check_line, line_key, recount_lines, LotQuantity};
use crate::domain::{DestructionRecord, Disposition, EvidenceRecord, ItemStatus, Role};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{new_id, new_label, Actor, Ledger, Writer};
use crate::refusal::{DateField, Needed, Refusal, SamePerson};
use crate::workflows::{find_item_in, refuse_terminal, ItemView};
use custody_codes::LabelKind;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// Who prepares batches: depot officers, evidence custodians, administrators.
pub const PREPARERS: [Role; 3] = [Role::Officer, Role::Custodian, Role::Administrator];
/// Who counts at the destruction site (the commission included).
pub const RECOUNTERS: [Role; 4] = [
    Role::Officer,
    Role::Custodian,
    Role::Inspector,
    Role::Administrator,
];
/// Who operates the destruction.
pub const OPERATORS: [Role; 3] = [Role::Officer, Role::Custodian, Role::Administrator];
/// Who may witness: commission members hold the inspector role.
pub const WITNESSES: [Role; 2] = [Role::Inspector, Role::Administrator];
/// The law's minimum number of witnesses besides the operator.
pub const MIN_WITNESSES: usize = 2;

/// A destruction batch as the projections show it.
#[derive(Debug, Clone, Serialize)]
pub struct BatchView {
    pub id: String,
    pub code: String,
    pub authority: String,
    pub decision_reference: String,
    pub note: String,
    pub state: String,
    pub items: u64,
    pub digest: Option<String>,
    pub record: Option<DestructionRecord>,
    pub operator: Option<String>,
    pub witnesses: Vec<String>,
    pub executed_seq: Option<i64>,
    pub codes: Vec<String>,
}

/// SHA-256 over the sorted codes, each followed by `\n` (docs/ledger-format.md).
pub fn list_digest<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    let sorted: BTreeSet<&str> = codes.into_iter().collect();
    let mut h = Sha256::new();
    for c in sorted {
        h.update(c.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// The digest of a batch's list: its item codes and, beside them, its lot lines.
fn batch_digest(members: &[(String, String)], lots: &[LotLine]) -> String {
    let keys: Vec<String> = lots.iter().map(line_key).collect();
    list_digest(
        members
            .iter()
            .map(|(_, c)| c.as_str())
            .chain(keys.iter().map(String::as_str)),
    )
}

pub(crate) struct BatchRow {
    pub(crate) id: String,
    pub(crate) code: String,
    state: String,
    record: Option<String>,
}

pub(crate) fn batch_row(conn: &Connection, key: &str) -> Result<BatchRow> {
    let key = key.trim();
    let code = crate::workflows::label_of_kind(key, LabelKind::Batch);
    conn.prepare_cached(
        "SELECT id, code, state, record FROM destruction_batches WHERE code = ?1 OR id = ?2",
    )?
    .query_row(params![code, key], |r| {
        Ok(BatchRow {
            id: r.get(0)?,
            code: r.get(1)?,
            state: r.get(2)?,
            record: r.get(3)?,
        })
    })
    .optional()?
    .ok_or_else(|| CustodyError::UnknownBatch(key.to_string()))
}

fn batch_codes(conn: &Connection, batch_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT item_id, code FROM destruction_items WHERE batch_id = ?1 ORDER BY code",
    )?;
    let rows = stmt.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rules an item must pass to go into a batch (and again at freezing).
fn check_destroyable(conn: &Connection, item: &ItemView, batch_id: &str) -> Result<()> {
    refuse_terminal(item, "put in a destruction batch")?;
    let in_batch: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT b.id, b.code FROM destruction_items d JOIN destruction_batches b ON b.id = d.batch_id
             WHERE d.item_id = ?1",
        )?
        .query_row([&item.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, code)) = in_batch {
        if id != batch_id {
            return Err(CustodyError::ItemInBatch {
                code: item.code.clone(),
                batch: code,
            });
        }
    }
    if !matches!(
        item.status,
        ItemStatus::InStore | ItemStatus::AwaitingDestruction
    ) {
        return Err(CustodyError::WrongStatus {
            code: item.code.clone(),
            status: item.status,
            action: "put in a destruction batch (it must be in store)",
        });
    }
    if item.kind == "evidence" {
        let record: EvidenceRecord = serde_json::from_str(&item.record).map_err(|e| {
            CustodyError::Damaged(format!(
                "exhibit {} has an unreadable record ({e}); run custody verify",
                item.code
            ))
        })?;
        // The hold column starts as the record's flag and follows every recorded hold order.
        if item.legal_hold {
            return Err(CustodyError::LegalHold {
                code: item.code.clone(),
            });
        }
        let destroy_ordered = item.disposition.as_deref() == Some(Disposition::Destroy.as_str());
        if record.disposal_authority.trim().is_empty() && !destroy_ordered {
            return Err(CustodyError::NoDisposalAuthority {
                code: item.code.clone(),
            });
        }
    }
    Ok(())
}

fn add_one(w: &mut Writer<'_>, actor: &str, batch: &BatchRow, item: &str) -> Result<i64> {
    let item = find_item_in(w.conn, item)?;
    let already: bool = w
        .conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM destruction_items WHERE item_id = ?1)")?
        .query_row([&item.id], |r| r.get(0))?;
    if already {
        // Terminal items raise their alarm first; otherwise name the batch it is in.
        refuse_terminal(&item, "put in a destruction batch")?;
        let code: String = w.conn.query_row(
            "SELECT b.code FROM destruction_items d JOIN destruction_batches b ON b.id = d.batch_id
             WHERE d.item_id = ?1",
            [&item.id],
            |r| r.get(0),
        )?;
        return Err(CustodyError::ItemInBatch {
            code: item.code,
            batch: code,
        });
    }
    check_destroyable(w.conn, &item, &batch.id)?;
    w.append(
        Some(actor),
        None,
        &EventBody::DestructionAdd {
            batch_id: batch.id.clone(),
            item_id: item.id,
        },
    )
}

pub(crate) fn require_open(batch: &BatchRow) -> Result<()> {
    match batch.state.as_str() {
        "open" => Ok(()),
        "executed" => Err(CustodyError::BatchExecuted(batch.code.clone())),
        "cancelled" => Err(CustodyError::BatchCancelled(batch.code.clone())),
        _ => Err(CustodyError::BatchFrozen(batch.code.clone())),
    }
}

fn require_frozen(batch: &BatchRow) -> Result<()> {
    match batch.state.as_str() {
        "frozen" | "recounted" => Ok(()),
        "executed" => Err(CustodyError::BatchExecuted(batch.code.clone())),
        "cancelled" => Err(CustodyError::BatchCancelled(batch.code.clone())),
        _ => Err(CustodyError::BatchNotFrozen(batch.code.clone())),
    }
}

fn check_text(what: Needed, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() || v.chars().any(char::is_control) {
        return Err(what.into());
    }
    Ok(v.to_string())
}

impl Ledger {
    /// Opens a batch under a legal authority and decision reference. Returns its B-code.
    pub fn destruction_create(
        &mut self,
        actor: &Actor,
        authority: &str,
        decision_reference: &str,
        note: &str,
    ) -> Result<BatchView> {
        actor.require("create destruction batches", &PREPARERS)?;
        let authority = check_text(Needed::DestructionAuthority, authority)?;
        let decision_reference = check_text(Needed::DecisionReference, decision_reference)?;
        let id = new_id();
        self.write(|w| {
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::DestructionCreate {
                    batch_id: id.clone(),
                    code: new_label(LabelKind::Batch).to_string(),
                    authority,
                    decision_reference,
                    note: note.trim().to_string(),
                },
            )
        })?;
        self.destruction_batch(&id)
    }

    /// Adds items (codes or serials, scanned or from a list) to an open batch. All or none:
    /// one refused item refuses the list, naming it.
    pub fn destruction_add(
        &mut self,
        actor: &Actor,
        batch: &str,
        items: &[String],
    ) -> Result<Vec<i64>> {
        actor.require("add items to destruction batches", &PREPARERS)?;
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_open(&b)?;
            items
                .iter()
                .map(|i| add_one(w, actor.person_id(), &b, i))
                .collect()
        })
    }

    /// Freezes the list: digest over the sorted codes; items become awaiting destruction.
    pub fn destruction_freeze(&mut self, actor: &Actor, batch: &str) -> Result<BatchView> {
        actor.require("freeze destruction batches", &PREPARERS)?;
        let id = self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_open(&b)?;
            let members = batch_codes(w.conn, &b.id)?;
            let lots = batch_lot_lines(w.conn, &b.id)?;
            if members.is_empty() && lots.is_empty() {
                return Err(Refusal::BatchEmpty { batch: b.code }.into());
            }
            // Items may have changed since they were added (checked out, put on hold); lots
            // may have been put on hold or moved.
            for (item_id, _) in &members {
                let item = crate::workflows::find_item_by_id(w.conn, item_id)?;
                check_destroyable(w.conn, &item, &b.id)?;
            }
            for line in &lots {
                check_line(w.conn, line, &b.id, "destroyed")?;
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::DestructionFreeze {
                    batch_id: b.id.clone(),
                    items: members.len() as u64,
                    digest: batch_digest(&members, &lots),
                },
            )?;
            Ok(b.id)
        })?;
        self.destruction_batch(&id)
    }

    /// The re-count at the destruction site: every scanned code against the frozen list.
    /// Missing or extra items refuse the re-count (nothing is recorded); count again.
    pub fn destruction_recount(
        &mut self,
        actor: &Actor,
        batch: &str,
        scanned: &[String],
    ) -> Result<i64> {
        self.destruction_recount_counted(actor, batch, scanned, &[])
    }

    /// The re-count of a batch with lots: the scanned item codes, and the quantity counted of
    /// each lot line; every line must be counted exactly as frozen.
    pub fn destruction_recount_counted(
        &mut self,
        actor: &Actor,
        batch: &str,
        scanned: &[String],
        lots: &[LotQuantity],
    ) -> Result<i64> {
        actor.require("re-count destruction batches", &RECOUNTERS)?;
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_frozen(&b)?;
            let members = batch_codes(w.conn, &b.id)?;
            let frozen: BTreeSet<&str> = members.iter().map(|(_, c)| c.as_str()).collect();
            let mut counted: BTreeSet<String> = BTreeSet::new();
            let mut extra: BTreeSet<String> = BTreeSet::new();
            for s in scanned {
                let text = s.trim();
                if text.is_empty() {
                    continue;
                }
                match find_item_in(w.conn, text) {
                    Ok(item) if frozen.contains(item.code.as_str()) => {
                        counted.insert(item.code);
                    }
                    Ok(item) => {
                        extra.insert(item.code);
                    }
                    Err(CustodyError::UnknownItem(_)) | Err(CustodyError::AmbiguousItem(..)) => {
                        extra.insert(text.to_string());
                    }
                    Err(e) => return Err(e),
                }
            }
            let missing: Vec<String> = frozen
                .iter()
                .filter(|c| !counted.contains(**c))
                .map(|c| c.to_string())
                .collect();
            if !missing.is_empty() || !extra.is_empty() {
                return Err(CustodyError::RecountMismatch {
                    batch: b.code,
                    missing,
                    extra: extra.into_iter().collect(),
                });
            }
            let lot_keys = recount_lines(w.conn, &b.id, &b.code, lots)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::DestructionRecount {
                    batch_id: b.id,
                    counted: counted.len() as u64,
                    digest: list_digest(
                        counted
                            .iter()
                            .map(String::as_str)
                            .chain(lot_keys.iter().map(String::as_str)),
                    ),
                },
            )
        })
    }

    /// Records method, equipment, place, date, scrap weight and photo digests.
    pub fn destruction_record(
        &mut self,
        actor: &Actor,
        batch: &str,
        record: DestructionRecord,
    ) -> Result<i64> {
        actor.require("record destruction details", &RECOUNTERS)?;
        let record = DestructionRecord {
            equipment: check_text(Needed::DestructionEquipment, &record.equipment)?,
            place: check_text(Needed::DestructionPlace, &record.place)?,
            date: chrono::NaiveDate::parse_from_str(record.date.trim(), "%Y-%m-%d")
                .map_err(|_| Refusal::NotADate {
                    field: DateField::DestructionDate,
                    value: record.date.trim().to_string(),
                })?
                .to_string(),
            scrap_weight_kg: {
                let w = record.scrap_weight_kg.trim().replace(',', ".");
                match w.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => w,
                    _ => {
                        return Err(Refusal::BadScrapWeight {
                            value: record.scrap_weight_kg.clone(),
                        }
                        .into())
                    }
                }
            },
            photo_digests: record
                .photo_digests
                .iter()
                .map(|d| {
                    let d = d.trim().to_ascii_lowercase();
                    if d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()) {
                        Ok(d)
                    } else {
                        Err(Refusal::BadPhotoDigest { value: d }.into())
                    }
                })
                .collect::<Result<_>>()?,
            method: record.method,
        };
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_frozen(&b)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::DestructionRecordSet {
                    batch_id: b.id,
                    record,
                },
            )
        })
    }

    /// Executes a frozen, re-counted, recorded batch. The operator and at least two witnesses,
    /// all distinct and each authenticated, sign it; items become destroyed; a signed
    /// checkpoint is written in the same transaction. Returns (event, checkpoint) numbers.
    pub fn destruction_execute(
        &mut self,
        operator: &Actor,
        witnesses: &[&Actor],
        batch: &str,
    ) -> Result<(i64, i64)> {
        operator.require("operate a destruction", &OPERATORS)?;
        if witnesses.len() < MIN_WITNESSES {
            return Err(CustodyError::NotEnoughWitnesses {
                needed: MIN_WITNESSES,
                got: witnesses.len(),
            });
        }
        let mut ids: Vec<String> = Vec::new();
        for w in witnesses {
            if w.person_id() == operator.person_id() {
                return Err(CustodyError::SamePerson(SamePerson::OperatorWitness {
                    person: w.name.clone(),
                }));
            }
            if ids.iter().any(|i| i == w.person_id()) {
                return Err(CustodyError::SamePerson(SamePerson::WitnessTwice {
                    person: w.name.clone(),
                }));
            }
            ids.push(w.person_id().to_string());
        }
        for w in witnesses {
            w.require("witness a destruction", &WITNESSES)?;
        }
        let ready = |b: &BatchRow| -> Result<()> {
            match b.state.as_str() {
                "recounted" => {}
                "open" => return Err(CustodyError::BatchNotFrozen(b.code.clone())),
                "frozen" => return Err(CustodyError::BatchNotRecounted(b.code.clone())),
                "cancelled" => return Err(CustodyError::BatchCancelled(b.code.clone())),
                _ => return Err(CustodyError::BatchExecuted(b.code.clone())),
            }
            if b.record.is_none() {
                return Err(CustodyError::DestructionNotRecorded(b.code.clone()));
            }
            Ok(())
        };
        let b = batch_row(&self.conn, batch)?;
        ready(&b)?;
        let reason = format!("destruction batch {} executed", b.code);
        self.write_checkpointed(&reason, |w| {
            // Again inside the write: a second kiosk may have executed it in the meantime.
            let b = batch_row(w.conn, &b.id)?;
            ready(&b)?;
            let members = batch_codes(w.conn, &b.id)?;
            let lots = batch_lot_lines(w.conn, &b.id)?;
            for line in &lots {
                check_line(w.conn, line, &b.id, "destroyed")?;
            }
            w.append(
                Some(operator.person_id()),
                Some(&ids[0]),
                &EventBody::DestructionExecute {
                    batch_id: b.id.clone(),
                    operator: operator.person_id().to_string(),
                    items: members.len() as u64,
                    digest: batch_digest(&members, &lots),
                    witnesses: ids.clone(),
                    lots,
                },
            )
        })
    }

    /// Takes items off an open batch, with a reason. A frozen batch's list is fixed: unfreeze
    /// it first. All or none.
    pub fn destruction_remove(
        &mut self,
        actor: &Actor,
        batch: &str,
        items: &[String],
        reason: &str,
    ) -> Result<Vec<i64>> {
        actor.require("remove items from destruction batches", &PREPARERS)?;
        let reason = check_text(Needed::BatchReason, reason)?;
        if items.is_empty() {
            return Err(Needed::ItemsToRemove.into());
        }
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_open(&b)?;
            let mut seqs = Vec::with_capacity(items.len());
            for key in items {
                let item = find_item_in(w.conn, key)?;
                let member: bool = w
                    .conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM destruction_items
                         WHERE batch_id = ?1 AND item_id = ?2)",
                    )?
                    .query_row(params![b.id, item.id], |r| r.get(0))?;
                if !member {
                    return Err(CustodyError::ItemNotInBatch {
                        code: item.code,
                        batch: b.code.clone(),
                    });
                }
                seqs.push(w.append(
                    Some(actor.person_id()),
                    None,
                    &EventBody::DestructionRemove {
                        batch_id: b.id.clone(),
                        item_id: item.id,
                        reason: reason.clone(),
                    },
                )?);
            }
            Ok(seqs)
        })
    }

    /// Opens a frozen (or re-counted) batch again, with a reason: its items are back in store
    /// and its list can change; it must be frozen and re-counted again before execution.
    pub fn destruction_unfreeze(
        &mut self,
        actor: &Actor,
        batch: &str,
        reason: &str,
    ) -> Result<i64> {
        actor.require("unfreeze destruction batches", &PREPARERS)?;
        let reason = check_text(Needed::BatchReason, reason)?;
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_frozen(&b)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::DestructionUnfreeze {
                    batch_id: b.id,
                    reason,
                },
            )
        })
    }

    /// Gives up a batch that was not executed, with a reason: its items are back in store and
    /// free to go into another batch.
    pub fn destruction_cancel(&mut self, actor: &Actor, batch: &str, reason: &str) -> Result<i64> {
        actor.require("cancel destruction batches", &PREPARERS)?;
        let reason = check_text(Needed::BatchReason, reason)?;
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            match b.state.as_str() {
                "executed" => return Err(CustodyError::BatchExecuted(b.code)),
                "cancelled" => return Err(CustodyError::BatchCancelled(b.code)),
                _ => {}
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::DestructionCancel {
                    batch_id: b.id,
                    reason,
                },
            )
        })
    }

    pub fn destruction_batch(&self, batch: &str) -> Result<BatchView> {
        let b = batch_row(&self.conn, batch)?;
        let codes = batch_codes(&self.conn, &b.id)?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        self.conn
            .query_row(
                "SELECT id, code, authority, decision_reference, note, state, item_count, digest,
                        record, operator, witnesses, executed_seq
                 FROM destruction_batches WHERE id = ?1",
                [&b.id],
                |r| {
                    let record: Option<String> = r.get(8)?;
                    let witnesses: Option<String> = r.get(10)?;
                    Ok(BatchView {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        authority: r.get(2)?,
                        decision_reference: r.get(3)?,
                        note: r.get(4)?,
                        state: r.get(5)?,
                        items: r.get(6)?,
                        digest: r.get(7)?,
                        record: record.and_then(|t| serde_json::from_str(&t).ok()),
                        operator: r.get(9)?,
                        witnesses: witnesses
                            .filter(|w| !w.is_empty())
                            .map(|w| w.split(',').map(str::to_string).collect())
                            .unwrap_or_default(),
                        executed_seq: r.get(11)?,
                        codes: vec![],
                    })
                },
            )
            .map(|v| BatchView { codes, ..v })
            .map_err(Into::into)
    }
}
