//! Projections: current state derived from events. `apply` is the only code that writes them,
//! used both when an event is appended and when projections are rebuilt, so the two can't drift.

use crate::domain::{manufacturer_key, serial_key, ItemStatus, Role, WeaponRecord};
use crate::error::Result;
use crate::event::EventBody;
use crate::schema::PROJECTION_TABLES;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// A state change that must hit exactly one row: a second execute, close or receipt is a
/// replay of a finished step, refused inside the write and named by verify.
pub(crate) fn once(changed: usize, what: &str) -> Result<()> {
    if changed == 1 {
        Ok(())
    } else {
        Err(crate::error::CustodyError::Damaged(what.to_string()))
    }
}

pub(crate) fn roles_text(roles: &[Role]) -> String {
    let mut sorted: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.join(",")
}

/// A new row of `items`: weapons and exhibits share one table (an exhibit may be a weapon).
struct ItemRow<'a> {
    id: &'a str,
    code: &'a str,
    kind: &'static str,
    weapon: &'a WeaponRecord,
    case_number: &'a str,
    exhibit_number: &'a str,
    description: &'a str,
    legal_hold: bool,
    location_id: Option<&'a str>,
    category: &'a str,
    review_date: Option<&'a str>,
}

fn insert_item(conn: &Connection, row: &ItemRow<'_>, seq: i64) -> Result<()> {
    let w = row.weapon;
    conn.prepare_cached(
        "INSERT INTO items (id, code, kind, serial, serial_key, manufacturer, manufacturer_key,
         model, weapon_type, calibre, case_number, exhibit_number, description, legal_hold,
         status, location_id, registered_seq, last_seq, category, review_date)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,'in_store',?15,?16,?16,?17,?18)",
    )?
    .execute(params![
        row.id,
        row.code,
        row.kind,
        w.serial.trim(),
        serial_key(&w.serial),
        w.manufacturer.trim(),
        manufacturer_key(&w.manufacturer),
        w.model.trim(),
        w.weapon_type.map(|t| t.as_str()),
        w.calibre.trim(),
        row.case_number,
        row.exhibit_number,
        row.description,
        row.legal_hold,
        row.location_id,
        seq,
        row.category,
        row.review_date
    ])?;
    Ok(())
}

/// The record an item was registered with, as JSON (a weapon record, or an evidence record),
/// read from its register event's `kind` and `payload` columns. `items` keeps no copy of it.
pub(crate) fn register_record(kind: &str, payload: &str) -> Result<String> {
    let unreadable = |e: String| {
        crate::error::CustodyError::Damaged(format!("the item's register event is unreadable: {e}"))
    };
    match EventBody::from_columns(kind, payload).map_err(unreadable)? {
        EventBody::RegisterWeapon { weapon, .. } => {
            serde_json::to_string(&weapon).map_err(|e| unreadable(e.to_string()))
        }
        EventBody::RegisterEvidence { evidence, .. } => {
            serde_json::to_string(&evidence).map_err(|e| unreadable(e.to_string()))
        }
        _ => Err(unreadable(format!("event kind '{kind}' registers no item"))),
    }
}

/// Applies one event to the projections. `time` is the event's time column.
pub(crate) fn apply(conn: &Connection, seq: i64, time: &str, body: &EventBody) -> Result<()> {
    match body {
        EventBody::SiteInit {
            site_id,
            site_name,
            public_key,
            key_id,
            demo,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO site (site_id, name, public_key, key_id, created, demo)
                 VALUES (?1,?2,?3,?4,?5,?6)",
            )?
            .execute(params![site_id, site_name, public_key, key_id, time, demo])?;
        }
        EventBody::PersonRegister {
            person_id,
            label_code,
            person,
        } => {
            conn.prepare_cached(
                "INSERT INTO persons (id, name, service_number, badge, label_code, roles, active,
                 failed_logins, last_failure, last_seq) VALUES (?1,?2,?3,?4,?5,?6,1,0,NULL,?7)",
            )?
            .execute(params![
                person_id,
                person.name,
                person.service_number,
                person.badge,
                label_code,
                roles_text(&person.roles),
                seq
            ])?;
        }
        EventBody::PersonRoles { person_id, roles } => {
            conn.prepare_cached("UPDATE persons SET roles = ?2, last_seq = ?3 WHERE id = ?1")?
                .execute(params![person_id, roles_text(roles), seq])?;
        }
        EventBody::PersonActive { person_id, active } => {
            conn.prepare_cached("UPDATE persons SET active = ?2, last_seq = ?3 WHERE id = ?1")?
                .execute(params![person_id, active, seq])?;
        }
        EventBody::PersonPinSet { person_id, .. } => {
            conn.prepare_cached("UPDATE persons SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![person_id, seq])?;
        }
        // Sign-in events change only the lock-out counters, never `last_seq` (the last change
        // to the person's record), so signing in leaves the record as it was.
        // An attempt while locked is counted but never moves the lock's start: otherwise
        // anyone could keep a sole administrator locked out for ever.
        EventBody::AuthFailed {
            person_id, reason, ..
        } if reason == crate::auth::WHILE_LOCKED => {
            conn.prepare_cached(
                "UPDATE persons SET failed_logins = failed_logins + 1 WHERE id = ?1",
            )?
            .execute(params![person_id])?;
        }
        EventBody::AuthFailed { person_id, .. } => {
            conn.prepare_cached(
                "UPDATE persons SET failed_logins = failed_logins + 1, last_failure = ?2 WHERE id = ?1",
            )?
            .execute(params![person_id, time])?;
        }
        // Attempts are made only on unlocked badges; one after an expired lock starts a new
        // count.
        EventBody::AuthAttempt { person_id, .. } => {
            conn.prepare_cached(&format!(
                "UPDATE persons SET failed_logins = CASE WHEN failed_logins >= {max} THEN 1
                 ELSE failed_logins + 1 END, last_failure = ?2 WHERE id = ?1",
                max = crate::auth::MAX_FAILURES
            ))?
            .execute(params![person_id, time])?;
        }
        EventBody::AdminBreakGlass { person_id, .. } => {
            conn.prepare_cached(
                "UPDATE persons SET active = 1, failed_logins = 0, last_failure = NULL,
                 roles = CASE WHEN (',' || roles || ',') LIKE '%,administrator,%' THEN roles
                         ELSE roles || ',administrator' END,
                 last_seq = ?2 WHERE id = ?1",
            )?
            .execute(params![person_id, seq])?;
        }
        EventBody::AuthReset { person_id, .. } => {
            conn.prepare_cached(
                "UPDATE persons SET failed_logins = 0, last_failure = NULL WHERE id = ?1",
            )?
            .execute(params![person_id])?;
        }
        EventBody::LocationRegister {
            location_id,
            code,
            location,
        } => {
            conn.prepare_cached(
                "INSERT INTO locations (id, code, name, building, room, shelf, last_seq)
                 VALUES (?1,?2,?3,?4,?5,?6,?7)",
            )?
            .execute(params![
                location_id,
                code,
                location.name.trim(),
                location.building,
                location.room,
                location.shelf,
                seq
            ])?;
        }
        EventBody::RegisterWeapon {
            item_id,
            code,
            location_id,
            weapon,
        } => insert_item(
            conn,
            &ItemRow {
                id: item_id,
                code,
                kind: "weapon",
                weapon,
                case_number: "",
                exhibit_number: "",
                description: "",
                legal_hold: false,
                location_id: location_id.as_deref(),
                category: "weapon",
                review_date: None,
            },
            seq,
        )?,
        EventBody::RegisterEvidence {
            item_id,
            code,
            location_id,
            evidence,
        } => insert_item(
            conn,
            &ItemRow {
                id: item_id,
                code,
                kind: "evidence",
                weapon: evidence.weapon.as_ref().unwrap_or(&WeaponRecord::default()),
                case_number: evidence.case_number.trim(),
                exhibit_number: evidence.exhibit_number.trim(),
                description: evidence.description.trim(),
                legal_hold: evidence.legal_hold,
                location_id: location_id.as_deref(),
                category: evidence.category.trim(),
                review_date: Some(evidence.retention_date.trim()).filter(|d| !d.is_empty()),
            },
            seq,
        )?,
        EventBody::Move {
            item_id,
            to_location,
            ..
        } => {
            conn.prepare_cached("UPDATE items SET location_id = ?2, last_seq = ?3 WHERE id = ?1")?
                .execute(params![item_id, to_location, seq])?;
        }
        EventBody::Transfer {
            item_id, to_person, ..
        } => {
            conn.prepare_cached("UPDATE items SET holder_id = ?2, last_seq = ?3 WHERE id = ?1")?
                .execute(params![item_id, to_person, seq])?;
        }
        EventBody::CheckOut {
            item_id,
            to_whom,
            purpose,
            due,
        } => {
            conn.prepare_cached(
                "UPDATE items SET status = 'checked_out', checked_out_to = ?2, checkout_purpose = ?3,
                 due = ?4, last_seq = ?5 WHERE id = ?1",
            )?
            .execute(params![item_id, to_whom, purpose, due, seq])?;
        }
        EventBody::CheckIn {
            item_id,
            location_id,
            ..
        } => {
            conn.prepare_cached(
                "UPDATE items SET status = 'in_store', checked_out_to = NULL, checkout_purpose = NULL,
                 due = NULL, location_id = COALESCE(?2, location_id), last_seq = ?3 WHERE id = ?1",
            )?
            .execute(params![item_id, location_id, seq])?;
        }
        EventBody::Status {
            item_id, status, ..
        } => {
            // A terminal item is no longer on a shelf at this site.
            let clears_location = status.is_terminal();
            conn.prepare_cached(
                "UPDATE items SET status = ?2, last_seq = ?3,
                 location_id = CASE WHEN ?4 THEN NULL ELSE location_id END WHERE id = ?1",
            )?
            .execute(params![item_id, status.as_str(), seq, clears_location])?;
        }
        EventBody::ScanRecorded { .. } => {}
        // Issuing a document changes no current state; the event is the record.
        EventBody::DocumentIssued { .. } => {}
        EventBody::RegistryCosign { .. } => {}
        EventBody::ClockBehind { .. } => {}
        EventBody::KeyTrust {
            key_id,
            public_key,
            name,
        } => {
            conn.prepare_cached(
                "INSERT INTO trusted_keys (key_id, public_key, name, trusted_seq) VALUES (?1,?2,?3,?4)",
            )?
            .execute(params![key_id, public_key, name, seq])?;
        }
        EventBody::HandoverExport {
            manifest_id,
            recipient_key_id,
        } => {
            conn.prepare_cached(
                "UPDATE handovers SET peer_key_id = ?2, last_seq = ?3 WHERE id = ?1",
            )?
            .execute(params![manifest_id, recipient_key_id, seq])?;
        }
        EventBody::KeyRevoke { key_id, .. } => {
            conn.prepare_cached("UPDATE trusted_keys SET revoked_seq = ?2 WHERE key_id = ?1")?
                .execute(params![key_id, seq])?;
        }
        EventBody::StocktakeOpen {
            stocktake_id,
            code,
            location_ids,
            note,
        } => {
            conn.prepare_cached(
                "INSERT INTO stocktakes (id, code, whole_site, note, state, opened_by, opened_seq,
                 scans, distinct_codes, closed_seq, summary, last_seq)
                 VALUES (?1,?2,?3,?4,'open',NULL,?5,0,0,NULL,NULL,?5)",
            )?
            .execute(params![
                stocktake_id,
                code,
                location_ids.is_empty(),
                note,
                seq
            ])?;
            let mut insert = conn.prepare_cached(
                "INSERT OR IGNORE INTO stocktake_locations (stocktake_id, location_id) VALUES (?1,?2)",
            )?;
            for l in location_ids {
                insert.execute(params![stocktake_id, l])?;
            }
            // The expected list is what the register said when the count opened: items on a
            // shelf in scope. Later moves (including resolutions) do not rewrite it.
            conn.prepare_cached(
                "INSERT INTO stocktake_expected (stocktake_id, item_id, code, location_id)
                 SELECT ?1, id, code, location_id FROM items
                 WHERE status IN ('in_store', 'awaiting_destruction')
                   AND (?2 OR location_id IN
                        (SELECT location_id FROM stocktake_locations WHERE stocktake_id = ?1))",
            )?
            .execute(params![stocktake_id, location_ids.is_empty()])?;
        }
        EventBody::StocktakeScan {
            stocktake_id,
            scanned,
            item_id,
            at_location,
        } => {
            // Distinct counting keys on what was matched: the item's code, or the raw text.
            let key = match item_id {
                Some(id) => conn
                    .prepare_cached("SELECT code FROM items WHERE id = ?1")?
                    .query_row([id], |r| r.get::<_, String>(0))
                    .optional()?
                    .unwrap_or_else(|| scanned.clone()),
                None => scanned.clone(),
            };
            // The count's progress counters (schema 5), kept here so a scan costs the same
            // at the end of a 100,000-item count as at its start: distinct codes, distinct
            // unknown codes, and distinct items that were in a terminal status when scanned.
            // `INDEXED BY`: otherwise SQLite walks all the count's scans by primary key.
            conn.prepare_cached(
                "UPDATE stocktakes SET scans = scans + 1, last_seq = ?3,
                 distinct_codes = distinct_codes + NOT EXISTS
                    (SELECT 1 FROM stocktake_scans WHERE stocktake_id = ?1 AND code = ?2),
                 unknown_codes = unknown_codes + (?4 IS NULL AND NOT EXISTS
                    (SELECT 1 FROM stocktake_scans INDEXED BY stocktake_scans_code
                     WHERE stocktake_id = ?1 AND code = ?2 AND item_id IS NULL)),
                 alarms = alarms + (?4 IS NOT NULL
                    AND (SELECT status FROM items WHERE id = ?4) IN (SELECT value FROM json_each(?5))
                    AND NOT EXISTS (SELECT 1 FROM stocktake_scans INDEXED BY stocktake_scans_code
                     WHERE stocktake_id = ?1 AND code = ?2 AND item_id = ?4))
                 WHERE id = ?1",
            )?
            .execute(params![
                stocktake_id,
                key,
                seq,
                item_id,
                ItemStatus::terminal_json()
            ])?;
            if let Some(place) = at_location {
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO stocktake_places (stocktake_id, location_id, first_seq)
                     VALUES (?1,?2,?3)",
                )?
                .execute(params![stocktake_id, place, seq])?;
            }
            conn.prepare_cached(
                "INSERT INTO stocktake_scans (stocktake_id, seq, code, item_id, at_location)
                 VALUES (?1,?2,?3,?4,?5)",
            )?
            .execute(params![stocktake_id, seq, key, item_id, at_location])?;
        }
        EventBody::StocktakeResolve {
            stocktake_id,
            discrepancy,
            resolution,
            reference,
            note,
        } => {
            conn.prepare_cached(
                "INSERT INTO stocktake_resolutions (stocktake_id, discrepancy, seq, resolution,
                 reference, note) VALUES (?1,?2,?3,?4,?5,?6)",
            )?
            .execute(params![
                stocktake_id,
                discrepancy,
                seq,
                resolution.as_str(),
                reference,
                note
            ])?;
            conn.prepare_cached("UPDATE stocktakes SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![stocktake_id, seq])?;
        }
        EventBody::StocktakeClose {
            stocktake_id,
            summary,
        } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE stocktakes SET state = 'closed', closed_seq = ?2, summary = ?3,
                     last_seq = ?2 WHERE id = ?1 AND state != 'closed'",
                )?
                .execute(params![
                    stocktake_id,
                    seq,
                    serde_json::to_string(summary).expect("summaries serialize")
                ])?;
            once(changed, "a stocktake that is not open was closed")?;
        }
        EventBody::DestructionCreate {
            batch_id,
            code,
            authority,
            decision_reference,
            note,
        } => {
            conn.prepare_cached(
                "INSERT INTO destruction_batches (id, code, authority, decision_reference, note, state,
                 created_seq, item_count, last_seq) VALUES (?1,?2,?3,?4,?5,'open',?6,0,?6)",
            )?
            .execute(params![batch_id, code, authority, decision_reference, note, seq])?;
        }
        EventBody::DestructionAdd { batch_id, item_id } => {
            conn.prepare_cached(
                "INSERT INTO destruction_items (batch_id, item_id, code, added_seq)
                 SELECT ?1, id, code, ?3 FROM items WHERE id = ?2",
            )?
            .execute(params![batch_id, item_id, seq])?;
            conn.prepare_cached(
                "UPDATE destruction_batches SET item_count = item_count + 1, last_seq = ?2 WHERE id = ?1",
            )?
            .execute(params![batch_id, seq])?;
        }
        EventBody::DestructionFreeze {
            batch_id, digest, ..
        } => {
            conn.prepare_cached(
                "UPDATE destruction_batches SET state = 'frozen', digest = ?2, frozen_seq = ?3,
                 last_seq = ?3 WHERE id = ?1",
            )?
            .execute(params![batch_id, digest, seq])?;
            batch_items_status(conn, batch_id, seq, ItemStatus::AwaitingDestruction)?;
        }
        EventBody::DestructionRecount { batch_id, .. } => {
            conn.prepare_cached(
                "UPDATE destruction_batches SET state = 'recounted', recount_seq = ?2, last_seq = ?2
                 WHERE id = ?1",
            )?
            .execute(params![batch_id, seq])?;
        }
        EventBody::DestructionRecordSet { batch_id, record } => {
            conn.prepare_cached(
                "UPDATE destruction_batches SET record = ?2, last_seq = ?3 WHERE id = ?1",
            )?
            .execute(params![
                batch_id,
                serde_json::to_string(record).expect("records serialize"),
                seq
            ])?;
        }
        EventBody::DestructionExecute {
            batch_id,
            operator,
            witnesses,
            ..
        } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE destruction_batches SET state = 'executed', executed_seq = ?2,
                     operator = ?3, witnesses = ?4, last_seq = ?2
                     WHERE id = ?1 AND state != 'executed'",
                )?
                .execute(params![batch_id, seq, operator, witnesses.join(",")])?;
            once(changed, "a destruction batch was executed a second time")?;
            batch_items_status(conn, batch_id, seq, ItemStatus::Destroyed)?;
        }
        EventBody::HandoverDispatch {
            manifest_id,
            code,
            details,
            item_ids,
            items_digest,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO handovers (id, code, direction, state, details, items, items_digest,
                 created_seq, last_seq) VALUES (?1,?2,'out','dispatched',?3,?4,?5,?6,?6)",
            )?
            .execute(params![
                manifest_id,
                code,
                serde_json::to_string(details).expect("details serialize"),
                item_ids.len() as i64,
                items_digest,
                seq
            ])?;
            let mut add = conn.prepare_cached(
                "INSERT INTO handover_items (manifest_id, item_id, code, state)
                 SELECT ?1, id, code, 'dispatched' FROM items WHERE id = ?2",
            )?;
            let mut status = conn.prepare_cached(
                "UPDATE items SET status = 'in_transit', last_seq = ?2 WHERE id = ?1",
            )?;
            let mut index =
                conn.prepare_cached("INSERT INTO item_events (item_id, seq) VALUES (?1, ?2)")?;
            for id in item_ids {
                add.execute(params![manifest_id, id])?;
                status.execute(params![id, seq])?;
                index.execute(params![id, seq])?;
            }
        }
        EventBody::HandoverImport {
            manifest_id,
            code,
            sender_site_id,
            sender_key_id,
            bundle_sha256,
            details,
            items_digest,
            items,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO handovers (id, code, direction, state, peer_site_id, peer_key_id, details,
                 items, items_digest, bundle_sha256, created_seq, last_seq)
                 VALUES (?1,?2,'in','imported',?3,?4,?5,?6,?7,?8,?9,?9)",
            )?
            .execute(params![
                manifest_id,
                code,
                sender_site_id,
                sender_key_id,
                serde_json::to_string(details).expect("details serialize"),
                items.len() as i64,
                items_digest,
                bundle_sha256,
                seq
            ])?;
            let mut add = conn.prepare_cached(
                "INSERT INTO handover_items (manifest_id, item_id, code, state, record, history_digest)
                 VALUES (?1,?2,?3,'expected',?4,?5)",
            )?;
            for item in items {
                add.execute(params![
                    manifest_id,
                    item.item_id,
                    item.code,
                    serde_json::to_string(item).expect("items serialize"),
                    item.history_digest
                ])?;
            }
        }
        EventBody::HandoverReceiveScan {
            manifest_id,
            scanned,
            item_id,
        } => {
            conn.prepare_cached(
                "INSERT INTO handover_scans (manifest_id, seq, code, item_id) VALUES (?1,?2,?3,?4)",
            )?
            .execute(params![manifest_id, seq, scanned, item_id])?;
            conn.prepare_cached("UPDATE handovers SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![manifest_id, seq])?;
        }
        EventBody::HandoverDiscrepancy { manifest_id, .. } => {
            conn.prepare_cached("UPDATE handovers SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![manifest_id, seq])?;
        }
        EventBody::HandoverAccept {
            manifest_id,
            received,
            ..
        } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE handovers SET state = 'accepted', accepted_seq = ?2, last_seq = ?2
                     WHERE id = ?1 AND state = 'imported'",
                )?
                .execute(params![manifest_id, seq])?;
            once(
                changed,
                "a handover that was not waiting for its count was signed for",
            )?;
            conn.prepare_cached(
                "UPDATE handover_items SET state = 'missing' WHERE manifest_id = ?1",
            )?
            .execute(params![manifest_id])?;
            let mut mark = conn.prepare_cached(
                "UPDATE handover_items SET state = 'received', local_item_id = ?3
                 WHERE manifest_id = ?1 AND item_id = ?2",
            )?;
            let mut index =
                conn.prepare_cached("INSERT INTO item_events (item_id, seq) VALUES (?1, ?2)")?;
            for r in received {
                mark.execute(params![manifest_id, r.origin_item_id, r.item_id])?;
                index.execute(params![r.item_id, seq])?;
            }
        }
        EventBody::HandoverReceipt {
            manifest_id,
            receiver_site_id,
            receiver_key_id,
            receipt_sha256,
            received,
            missing,
            ..
        } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE handovers SET state = 'receipted', peer_site_id = ?2, peer_key_id = ?3,
                     bundle_sha256 = ?4, receipt_seq = ?5, last_seq = ?5
                     WHERE id = ?1 AND state = 'dispatched'",
                )?
                .execute(params![
                    manifest_id,
                    receiver_site_id,
                    receiver_key_id,
                    receipt_sha256,
                    seq
                ])?;
            once(
                changed,
                "a receipt was imported for a handover that was not dispatched",
            )?;
            let mut item_state = conn.prepare_cached(
                "UPDATE handover_items SET state = ?3 WHERE manifest_id = ?1 AND item_id = ?2",
            )?;
            let mut gone = conn.prepare_cached(
                "UPDATE items SET status = 'transferred_out', location_id = NULL, last_seq = ?2
                 WHERE id = ?1",
            )?;
            let mut index =
                conn.prepare_cached("INSERT INTO item_events (item_id, seq) VALUES (?1, ?2)")?;
            for id in received {
                item_state.execute(params![manifest_id, id, "received"])?;
                gone.execute(params![id, seq])?;
                index.execute(params![id, seq])?;
            }
            for id in missing {
                item_state.execute(params![manifest_id, id, "missing"])?;
                index.execute(params![id, seq])?;
            }
        }
        EventBody::ItemAmend {
            item_id,
            weapon,
            evidence,
            ..
        } => {
            crate::amend::apply_item_amend(conn, seq, item_id, weapon.as_ref(), evidence.as_ref())?
        }
        EventBody::LocationAmend {
            location_id,
            changes,
            ..
        } => crate::amend::apply_row_amend(
            conn,
            "locations",
            &crate::amend::LOCATION_FIELDS,
            location_id,
            seq,
            changes,
        )?,
        EventBody::PersonAmend {
            person_id, changes, ..
        } => crate::amend::apply_row_amend(
            conn,
            "persons",
            &crate::amend::PERSON_FIELDS,
            person_id,
            seq,
            changes,
        )?,
        EventBody::SiteSetting { name, value } => {
            conn.prepare_cached(
                "INSERT INTO site_settings (name, value, seq) VALUES (?1,?2,?3)
                 ON CONFLICT(name) DO UPDATE SET value = excluded.value, seq = excluded.seq",
            )?
            .execute(params![name, value, seq])?;
        }
        EventBody::EvidenceDisposition {
            item_id,
            decision,
            authority_kind,
            authority,
            order_reference,
            review_date,
            ..
        } => {
            // keep_until moves the review date, retain_permanently ends reviews; the other
            // decisions leave the date and take the exhibit off the due list.
            conn.prepare_cached(
                "UPDATE items SET disposition = ?2, disposal_order = ?3, last_seq = ?4,
                 review_date = CASE ?2 WHEN 'keep_until' THEN ?5
                                       WHEN 'retain_permanently' THEN NULL
                                       ELSE review_date END
                 WHERE id = ?1",
            )?
            .execute(params![
                item_id,
                decision.as_str(),
                format!("{} {authority}, {order_reference}", authority_kind.as_str()),
                seq,
                review_date
            ])?;
        }
        EventBody::EvidenceHold {
            item_id,
            legal_hold,
            ..
        } => {
            conn.prepare_cached("UPDATE items SET legal_hold = ?2, last_seq = ?3 WHERE id = ?1")?
                .execute(params![item_id, legal_hold, seq])?;
        }
        EventBody::EvidenceRelease { item_id, .. } => {
            conn.prepare_cached(
                "UPDATE items SET status = 'released', location_id = NULL, last_seq = ?2
                 WHERE id = ?1",
            )?
            .execute(params![item_id, seq])?;
        }
        EventBody::DestructionRemove {
            batch_id, item_id, ..
        } => {
            let changed = conn
                .prepare_cached(
                    "DELETE FROM destruction_items WHERE batch_id = ?1 AND item_id = ?2",
                )?
                .execute(params![batch_id, item_id])?;
            once(changed, "an item not in the batch was removed from it")?;
            conn.prepare_cached(
                "UPDATE destruction_batches SET item_count = item_count - 1, last_seq = ?2
                 WHERE id = ?1",
            )?
            .execute(params![batch_id, seq])?;
        }
        EventBody::DestructionUnfreeze { batch_id, .. } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE destruction_batches SET state = 'open', digest = NULL, frozen_seq = NULL,
                     recount_seq = NULL, last_seq = ?2
                     WHERE id = ?1 AND state IN ('frozen', 'recounted')",
                )?
                .execute(params![batch_id, seq])?;
            once(changed, "a batch that was not frozen was unfrozen")?;
            batch_items_back_in_store(conn, batch_id, seq)?;
        }
        EventBody::DestructionCancel { batch_id, .. } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE destruction_batches SET state = 'cancelled', item_count = 0,
                     last_seq = ?2 WHERE id = ?1 AND state IN ('open', 'frozen', 'recounted')",
                )?
                .execute(params![batch_id, seq])?;
            once(changed, "an executed or cancelled batch was cancelled")?;
            batch_items_back_in_store(conn, batch_id, seq)?;
            // The items are free for another batch; the events keep the list.
            conn.prepare_cached("DELETE FROM destruction_items WHERE batch_id = ?1")?
                .execute([batch_id])?;
        }
        EventBody::HandoverSettle {
            manifest_id,
            item_ids,
            ..
        } => {
            let mut lost = conn.prepare_cached(
                "UPDATE items SET status = 'lost_in_transit', location_id = NULL, last_seq = ?2
                 WHERE id = ?1 AND status = 'in_transit'",
            )?;
            let mut item_state = conn.prepare_cached(
                "UPDATE handover_items SET state = 'lost' WHERE manifest_id = ?1 AND item_id = ?2
                 AND state = 'missing'",
            )?;
            let mut index =
                conn.prepare_cached("INSERT INTO item_events (item_id, seq) VALUES (?1, ?2)")?;
            for id in item_ids {
                once(
                    lost.execute(params![id, seq])?,
                    "an item not in transit was settled as lost",
                )?;
                once(
                    item_state.execute(params![manifest_id, id])?,
                    "an item not missing on arrival was settled as lost",
                )?;
                index.execute(params![id, seq])?;
            }
            conn.prepare_cached("UPDATE handovers SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![manifest_id, seq])?;
        }
        EventBody::ItemReturn {
            item_id,
            location_id,
            ..
        } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE items SET status = 'in_store', location_id = ?2, holder_id = NULL,
                     checked_out_to = NULL, checkout_purpose = NULL, due = NULL, last_seq = ?3
                     WHERE id = ?1 AND status = 'transferred_out'",
                )?
                .execute(params![item_id, location_id, seq])?;
            once(changed, "an item that was not transferred out came back")?;
        }
        EventBody::AmmoReceive { .. }
        | EventBody::AmmoSplit { .. }
        | EventBody::AmmoIssue { .. }
        | EventBody::AmmoReturn { .. }
        | EventBody::AmmoExpend { .. }
        | EventBody::AmmoInspect { .. }
        | EventBody::AmmoCount { .. }
        | EventBody::AmmoAdjust { .. }
        | EventBody::AmmoHold { .. }
        | EventBody::AmmoTransferIn { .. }
        | EventBody::DestructionAddLot { .. }
        | EventBody::DestructionRemoveLot { .. } => crate::ammo::apply(conn, seq, body)?,
        EventBody::LocationLimits { .. } => crate::limits::apply(conn, seq, body)?,
        EventBody::Checkpoint {
            covered_seq,
            head_hash,
            reason,
            signature,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO checkpoints (seq, covered_seq, head_hash, reason, signature)
                 VALUES (?1,?2,?3,?4,?5)",
            )?
            .execute(params![seq, covered_seq, head_hash, reason, signature])?;
        }
    }
    // The ammunition side of counts, destructions and handovers (lot quantities).
    if matches!(
        body,
        EventBody::StocktakeOpen { .. }
            | EventBody::DestructionExecute { .. }
            | EventBody::HandoverDispatch { .. }
            | EventBody::HandoverImport { .. }
            | EventBody::HandoverAccept { .. }
            | EventBody::HandoverReceipt { .. }
            | EventBody::HandoverSettle { .. }
    ) {
        crate::ammo::apply(conn, seq, body)?;
    }
    if let Some(item_id) = body.item_id() {
        conn.prepare_cached("INSERT INTO item_events (item_id, seq) VALUES (?1, ?2)")?
            .execute(params![item_id, seq])?;
    }
    Ok(())
}

/// Sets the status of every item of a destruction batch and indexes the event in their
/// histories: one event stands for the whole batch.
fn batch_items_status(
    conn: &Connection,
    batch_id: &str,
    seq: i64,
    status: ItemStatus,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE items SET status = ?2, last_seq = ?3,
         location_id = CASE WHEN ?4 THEN NULL ELSE location_id END
         WHERE id IN (SELECT item_id FROM destruction_items WHERE batch_id = ?1)",
    )?
    .execute(params![
        batch_id,
        status.as_str(),
        seq,
        status.is_terminal()
    ])?;
    conn.prepare_cached(
        "INSERT INTO item_events (item_id, seq)
         SELECT item_id, ?2 FROM destruction_items WHERE batch_id = ?1",
    )?
    .execute(params![batch_id, seq])?;
    Ok(())
}

/// Items of a batch that await destruction go back in store (unfreeze, cancel); the event is
/// indexed in the history of every item of the batch.
fn batch_items_back_in_store(conn: &Connection, batch_id: &str, seq: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE items SET status = 'in_store', last_seq = ?2
         WHERE status = 'awaiting_destruction'
           AND id IN (SELECT item_id FROM destruction_items WHERE batch_id = ?1)",
    )?
    .execute(params![batch_id, seq])?;
    conn.prepare_cached(
        "INSERT INTO item_events (item_id, seq)
         SELECT item_id, ?2 FROM destruction_items WHERE batch_id = ?1",
    )?
    .execute(params![batch_id, seq])?;
    Ok(())
}

/// SHA-256 over every projection row in primary-key order, one digest per table. Two ledgers
/// with equal digests have byte-identical projections.
pub fn digests(conn: &Connection) -> Result<Vec<(&'static str, [u8; 32])>> {
    let mut out = Vec::new();
    for table in PROJECTION_TABLES {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut h = Sha256::new();
        while let Some(row) = rows.next()? {
            for i in 0..columns {
                hash_value(&mut h, row.get_ref(i)?);
            }
        }
        out.push((table, h.finalize().into()));
    }
    Ok(out)
}

fn hash_value(h: &mut Sha256, v: rusqlite::types::ValueRef<'_>) {
    use rusqlite::types::ValueRef;
    // Type tag + length prefix keep rows from running into each other.
    match v {
        ValueRef::Null => h.update([0u8]),
        ValueRef::Integer(i) => {
            h.update([1u8]);
            h.update(i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            h.update([2u8]);
            h.update(f.to_be_bytes());
        }
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            h.update([3u8]);
            h.update((t.len() as u64).to_be_bytes());
            h.update(t);
        }
    }
}

/// The status text stored in `items.status`, read back.
pub(crate) fn status_from_column(s: &str) -> ItemStatus {
    ItemStatus::parse(s).unwrap_or(ItemStatus::InStore)
}
