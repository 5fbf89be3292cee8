//! Projections: current state derived from events. `apply` is the only code that writes them,
//! used both when an event is appended and when projections are rebuilt, so the two can't drift.

use crate::domain::{manufacturer_key, serial_key, ItemStatus, Role, WeaponRecord};
use crate::error::Result;
use crate::event::EventBody;
use crate::schema::PROJECTION_TABLES;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

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
    record: String,
    location_id: Option<&'a str>,
}

fn insert_item(conn: &Connection, row: &ItemRow<'_>, seq: i64) -> Result<()> {
    let w = row.weapon;
    conn.prepare_cached(
        "INSERT INTO items (id, code, kind, serial, serial_key, manufacturer, manufacturer_key,
         model, weapon_type, calibre, case_number, exhibit_number, description, legal_hold,
         record, status, location_id, registered_seq, last_seq)
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,'in_store',?16,?17,?17)",
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
        row.record,
        row.location_id,
        seq
    ])?;
    Ok(())
}

/// Applies one event to the projections. `time` is the event's time column.
pub(crate) fn apply(conn: &Connection, seq: i64, time: &str, body: &EventBody) -> Result<()> {
    match body {
        EventBody::SiteInit {
            site_id,
            site_name,
            public_key,
            key_id,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO site (site_id, name, public_key, key_id, created) VALUES (?1,?2,?3,?4,?5)",
            )?
            .execute(params![site_id, site_name, public_key, key_id, time])?;
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
        EventBody::PersonPinSet { person_id } => {
            conn.prepare_cached("UPDATE persons SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![person_id, seq])?;
        }
        EventBody::AuthFailed { person_id, .. } => {
            conn.prepare_cached(
                "UPDATE persons SET failed_logins = failed_logins + 1, last_failure = ?2,
                 last_seq = ?3 WHERE id = ?1",
            )?
            .execute(params![person_id, time, seq])?;
        }
        EventBody::AuthReset { person_id, .. } => {
            conn.prepare_cached(
                "UPDATE persons SET failed_logins = 0, last_failure = NULL, last_seq = ?2 WHERE id = ?1",
            )?
            .execute(params![person_id, seq])?;
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
                record: serde_json::to_string(weapon).expect("records serialize"),
                location_id: location_id.as_deref(),
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
                record: serde_json::to_string(evidence).expect("records serialize"),
                location_id: location_id.as_deref(),
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
    if let Some(item_id) = body.item_id() {
        conn.prepare_cached("INSERT INTO item_events (item_id, seq) VALUES (?1, ?2)")?
            .execute(params![item_id, seq])?;
    }
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
