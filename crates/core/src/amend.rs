//! Corrections: an `item.amend`, `location.amend` or `person.amend` event names each corrected
//! field with its old and new value, a reason and a reference. The register event is never
//! touched; the projections show the current values and the history shows every amendment.
//! Identity fields of an item need a second authenticated person and pass the duplicate check
//! again.

use crate::domain::{manufacturer_key, serial_key, EvidenceRecord, FieldChange, WeaponRecord};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger};
use crate::refusal::{Needed, Record, Refusal, SamePerson, SecondPersonFor};
use crate::workflows::{find_item_in, location_id_of, person_by_badge_in, HANDLERS};
use crate::Role;
use rusqlite::{params, Connection, OptionalExtension};

/// Fields that say which item this is: amending one needs a second person.
pub const IDENTITY_FIELDS: [&str; 5] = [
    "serial",
    "manufacturer",
    "case_number",
    "exhibit_number",
    "marking_code",
];

/// Amendable fields of a weapon record (also of the weapon record inside an exhibit).
pub const WEAPON_FIELDS: [&str; 12] = [
    "serial",
    "manufacturer",
    "model",
    "type",
    "calibre",
    "country",
    "year",
    "import_country",
    "import_year",
    "import_mark",
    "legal_status",
    "marking_code",
];

/// Amendable fields of an evidence record, besides its weapon record's.
pub const EVIDENCE_FIELDS: [&str; 9] = [
    "case_number",
    "exhibit_number",
    "description",
    "category",
    "seized_by",
    "seized_where",
    "seized_when",
    "package_id",
    "condition",
];

pub const LOCATION_FIELDS: [&str; 4] = ["name", "building", "room", "shelf"];
pub const PERSON_FIELDS: [&str; 2] = ["name", "service_number"];

fn year_text(y: Option<i32>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
}

fn parse_year(field: &str, value: &str) -> Result<Option<i32>> {
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i32>()
        .ok()
        .filter(|y| (1800..=2200).contains(y))
        .map(Some)
        .ok_or_else(|| {
            Refusal::NotAYear {
                field: field.to_string(),
                value: value.to_string(),
            }
            .into()
        })
}

fn weapon_field(w: &WeaponRecord, field: &str) -> Option<String> {
    Some(match field {
        "serial" => w.serial.clone(),
        "manufacturer" => w.manufacturer.clone(),
        "model" => w.model.clone(),
        "type" => w
            .weapon_type
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        "calibre" => w.calibre.clone(),
        "country" => w.country.clone(),
        "year" => year_text(w.year),
        "import_country" => w.import_country.clone(),
        "import_year" => year_text(w.import_year),
        "import_mark" => w.import_mark.clone(),
        "legal_status" => w.legal_status.clone(),
        "marking_code" => w.marking_code.clone(),
        _ => return None,
    })
}

/// Sets `field` to `value` (already trimmed); returns the value as stored.
fn set_weapon_field(w: &mut WeaponRecord, field: &str, value: &str) -> Result<String> {
    let v = value.to_string();
    match field {
        "serial" | "manufacturer" if v.is_empty() => {
            return Err(Refusal::FieldEmpty {
                field: field.to_string(),
            }
            .into())
        }
        "serial" => w.serial = v,
        "manufacturer" => w.manufacturer = v,
        "model" => w.model = v,
        "type" => {
            w.weapon_type = if v.is_empty() {
                None
            } else {
                Some(
                    v.parse()
                        .map_err(|_| Refusal::UnknownWeaponType { value: v.clone() })?,
                )
            }
        }
        "calibre" => w.calibre = v,
        "country" => w.country = v,
        "year" => w.year = parse_year(field, &v)?,
        "import_country" => w.import_country = v,
        "import_year" => w.import_year = parse_year(field, &v)?,
        "import_mark" => w.import_mark = v,
        "legal_status" => w.legal_status = v,
        "marking_code" => w.marking_code = v,
        _ => {
            return Err(CustodyError::UnknownAmendField {
                field: field.to_string(),
                what: "a weapon",
                allowed: WEAPON_FIELDS.join(", "),
            })
        }
    }
    Ok(weapon_field(w, field).unwrap_or_default())
}

fn evidence_field(e: &EvidenceRecord, field: &str) -> Option<String> {
    Some(match field {
        "case_number" => e.case_number.clone(),
        "exhibit_number" => e.exhibit_number.clone(),
        "description" => e.description.clone(),
        "category" => e.category.clone(),
        "seized_by" => e.seized_by.clone(),
        "seized_where" => e.seized_where.clone(),
        "seized_when" => e.seized_when.clone(),
        "package_id" => e.package_id.clone(),
        "condition" => e.condition.clone(),
        _ => return e.weapon.as_ref().and_then(|w| weapon_field(w, field)),
    })
}

fn set_evidence_field(e: &mut EvidenceRecord, field: &str, value: &str) -> Result<String> {
    let v = value.to_string();
    match field {
        "case_number" | "exhibit_number" if v.is_empty() => {
            return Err(Refusal::FieldEmpty {
                field: field.to_string(),
            }
            .into())
        }
        "case_number" => e.case_number = v,
        "exhibit_number" => e.exhibit_number = v,
        "description" => e.description = v,
        "category" => e.category = v,
        "seized_by" => e.seized_by = v,
        "seized_where" => e.seized_where = v,
        "seized_when" => e.seized_when = v,
        "package_id" => e.package_id = v,
        "condition" => e.condition = v,
        _ => {
            let w = e
                .weapon
                .as_mut()
                .ok_or_else(|| CustodyError::UnknownAmendField {
                    field: field.to_string(),
                    what: "an exhibit without a weapon record",
                    allowed: EVIDENCE_FIELDS.join(", "),
                })?;
            return set_weapon_field(w, field, value);
        }
    }
    Ok(evidence_field(e, field).unwrap_or_default())
}

/// An item's record (weapon or evidence, as JSON) with one field set. Returns the value as
/// stored and the new record. The projection replays amendments through this same function.
pub(crate) fn amend_record(
    kind: &str,
    record: &str,
    field: &str,
    value: &str,
) -> Result<(String, String)> {
    let unreadable =
        |e: serde_json::Error| CustodyError::Damaged(format!("item record unreadable: {e}"));
    let unknown = |what: &'static str, allowed: String| CustodyError::UnknownAmendField {
        field: field.to_string(),
        what,
        allowed,
    };
    if kind == "evidence" {
        let mut e: EvidenceRecord = serde_json::from_str(record).map_err(unreadable)?;
        if !EVIDENCE_FIELDS.contains(&field) && !WEAPON_FIELDS.contains(&field) {
            let allowed = EVIDENCE_FIELDS.iter().chain(WEAPON_FIELDS.iter());
            return Err(unknown(
                "an exhibit",
                allowed.copied().collect::<Vec<_>>().join(", "),
            ));
        }
        let stored = set_evidence_field(&mut e, field, value)?;
        Ok((stored, serde_json::to_string(&e).map_err(unreadable)?))
    } else {
        let mut w: WeaponRecord = serde_json::from_str(record).map_err(unreadable)?;
        if !WEAPON_FIELDS.contains(&field) {
            return Err(unknown("a weapon", WEAPON_FIELDS.join(", ")));
        }
        let stored = set_weapon_field(&mut w, field, value)?;
        Ok((stored, serde_json::to_string(&w).map_err(unreadable)?))
    }
}

/// The value of `field` in an item's record, empty if the record has none.
fn record_field(kind: &str, record: &str, field: &str) -> String {
    if kind == "evidence" {
        serde_json::from_str::<EvidenceRecord>(record)
            .ok()
            .and_then(|e| evidence_field(&e, field))
    } else {
        serde_json::from_str::<WeaponRecord>(record)
            .ok()
            .and_then(|w| weapon_field(&w, field))
    }
    .unwrap_or_default()
}

/// The fields of `item` that can be amended, each with its current value, in the order a form
/// shows them: an exhibit's own fields, then its weapon record's (if it has one).
pub fn amendable_fields(item: &crate::ItemView) -> Vec<(&'static str, String)> {
    let weapon = weapon_of(&item.kind, &item.record).is_some();
    let fields: Vec<&'static str> = if item.kind == "evidence" {
        let weapon_fields = WEAPON_FIELDS.iter().filter(|_| weapon);
        EVIDENCE_FIELDS
            .iter()
            .chain(weapon_fields)
            .copied()
            .collect()
    } else {
        WEAPON_FIELDS.to_vec()
    };
    fields
        .into_iter()
        .map(|f| (f, record_field(&item.kind, &item.record, f)))
        .collect()
}

/// Amending this field needs a second authenticated person.
pub fn is_identity_field(field: &str) -> bool {
    IDENTITY_FIELDS.contains(&field)
}

/// The changes a request makes to a record whose fields `current` reads. Refuses an unknown
/// field, a field named twice and a request that changes nothing.
fn changes_for(
    requested: &[(String, String)],
    allowed: &[&str],
    what: Record,
    mut current: impl FnMut(&str) -> String,
) -> Result<Vec<FieldChange>> {
    let mut out: Vec<FieldChange> = Vec::new();
    for (field, value) in requested {
        let field = field.trim().to_ascii_lowercase().replace('-', "_");
        if !allowed.contains(&field.as_str()) {
            return Err(CustodyError::UnknownAmendField {
                field,
                what: what.as_str(),
                allowed: allowed.join(", "),
            });
        }
        if out.iter().any(|c| c.field == field) {
            return Err(Refusal::FieldNamedTwice { field }.into());
        }
        crate::fields::check_text(&field, value.trim())?;
        let old = current(&field);
        if old != value.trim() {
            out.push(FieldChange {
                field,
                old,
                new: value.trim().to_string(),
            });
        }
    }
    if out.is_empty() {
        return Err(CustodyError::NothingAmended(what));
    }
    Ok(out)
}

fn check_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Needed::AmendReason.into());
    }
    Ok(reason.to_string())
}

/// Refuses a weapon identity (manufacturer + serial) that another item already carries.
fn check_identity_free(conn: &Connection, item_id: &str, record: &WeaponRecord) -> Result<()> {
    let existing: Option<String> = conn
        .prepare_cached(crate::schema::by_serial::IDENTITY_TAKEN_BY_OTHER)?
        .query_row(
            params![
                manufacturer_key(&record.manufacturer),
                serial_key(&record.serial),
                item_id
            ],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(existing_code) => Err(CustodyError::DuplicateSerial {
            manufacturer: record.manufacturer.clone(),
            serial: record.serial.clone(),
            existing_code,
        }),
        None => Ok(()),
    }
}

/// The weapon record inside an item's record, if it has one.
pub(crate) fn weapon_of(kind: &str, record: &str) -> Option<WeaponRecord> {
    if kind == "evidence" {
        serde_json::from_str::<EvidenceRecord>(record).ok()?.weapon
    } else {
        serde_json::from_str::<WeaponRecord>(record).ok()
    }
}

impl Ledger {
    /// Amends fields of an item's record (`field`, `new value` pairs). One handler amends
    /// descriptive fields; identity fields also need `second`, another authenticated person,
    /// and a weapon's new manufacturer + serial must not be another item's.
    pub fn amend_item(
        &mut self,
        actor: &Actor,
        second: Option<&Actor>,
        item: &str,
        requested: &[(String, String)],
        reason: &str,
        reference: &str,
    ) -> Result<i64> {
        actor.require("amend item records", &HANDLERS)?;
        let reason = check_reason(reason)?;
        crate::fields::check_text("reference", reference.trim())?;
        if let Some(s) = second {
            if s.person_id() == actor.person_id() {
                return Err(CustodyError::SamePerson(SamePerson::AmendmentConfirmer));
            }
        }
        self.write(|w| {
            let item = find_item_in(w.conn, item)?;
            let what = if item.kind == "evidence" {
                Record::Exhibit
            } else {
                Record::Weapon
            };
            let allowed: Vec<&str> = if item.kind == "evidence" {
                EVIDENCE_FIELDS
                    .iter()
                    .chain(WEAPON_FIELDS.iter())
                    .copied()
                    .collect()
            } else {
                WEAPON_FIELDS.to_vec()
            };
            let changes = changes_for(requested, &allowed, what, |f| {
                record_field(&item.kind, &item.record, f)
            })?;
            // Apply them as the projection will, so a value it would refuse is refused here.
            let mut record = item.record.clone();
            let mut stored = Vec::with_capacity(changes.len());
            for c in changes {
                let (value, next) = amend_record(&item.kind, &record, &c.field, &c.new)?;
                record = next;
                stored.push(FieldChange { new: value, ..c });
            }
            let identity = stored
                .iter()
                .any(|c| IDENTITY_FIELDS.contains(&c.field.as_str()));
            if identity && second.is_none() {
                return Err(CustodyError::SecondPersonRequired {
                    action: SecondPersonFor::IdentityAmendment {
                        code: item.code.clone(),
                        fields: stored
                            .iter()
                            .filter(|c| IDENTITY_FIELDS.contains(&c.field.as_str()))
                            .map(|c| c.field.clone())
                            .collect(),
                    },
                });
            }
            if stored
                .iter()
                .any(|c| c.field == "serial" || c.field == "manufacturer")
            {
                if let Some(weapon) = weapon_of(&item.kind, &record) {
                    check_identity_free(w.conn, &item.id, &weapon)?;
                }
            }
            let unreadable = |e: serde_json::Error| {
                CustodyError::Damaged(format!("item record unreadable: {e}"))
            };
            let (weapon, evidence) = if item.kind == "evidence" {
                (
                    None,
                    Some(serde_json::from_str(&record).map_err(unreadable)?),
                )
            } else {
                (
                    Some(serde_json::from_str(&record).map_err(unreadable)?),
                    None,
                )
            };
            w.append(
                Some(actor.person_id()),
                if identity {
                    second.map(|s| s.person_id())
                } else {
                    None
                },
                &EventBody::ItemAmend {
                    item_id: item.id,
                    changes: stored,
                    weapon,
                    evidence,
                    reason,
                    reference: reference.trim().to_string(),
                },
            )
        })
    }

    /// Amends a location's name, building, room or shelf. The name stays unique.
    pub fn amend_location(
        &mut self,
        actor: &Actor,
        location: &str,
        requested: &[(String, String)],
        reason: &str,
        reference: &str,
    ) -> Result<i64> {
        actor.require("amend locations", &HANDLERS)?;
        let reason = check_reason(reason)?;
        self.write(|w| {
            let id = location_id_of(w.conn, location)?;
            let row: (String, String, String, String) = w.conn.query_row(
                "SELECT name, building, room, shelf FROM locations WHERE id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let changes = changes_for(requested, &LOCATION_FIELDS, Record::Location, |f| {
                match f {
                    "name" => &row.0,
                    "building" => &row.1,
                    "room" => &row.2,
                    _ => &row.3,
                }
                .clone()
            })?;
            if let Some(name) = changes.iter().find(|c| c.field == "name") {
                if name.new.is_empty() {
                    return Err(Needed::LocationName.into());
                }
                let taken: bool = w.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM locations WHERE name = ?1 COLLATE NOCASE AND id != ?2)",
                    params![name.new, id],
                    |r| r.get(0),
                )?;
                if taken {
                    return Err(CustodyError::DuplicateLocation(name.new.clone()));
                }
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::LocationAmend {
                    location_id: id,
                    changes,
                    reason,
                    reference: reference.trim().to_string(),
                },
            )
        })
    }

    /// Amends a person's name or service number (administrators only).
    pub fn amend_person(
        &mut self,
        admin: &Actor,
        badge: &str,
        requested: &[(String, String)],
        reason: &str,
        reference: &str,
    ) -> Result<i64> {
        admin.require("amend people's records", &[Role::Administrator])?;
        let reason = check_reason(reason)?;
        self.write(|w| {
            let person = person_by_badge_in(w.conn, badge)?;
            let changes = changes_for(requested, &PERSON_FIELDS, Record::Person, |f| {
                if f == "name" {
                    person.name.clone()
                } else {
                    person.service_number.clone()
                }
            })?;
            if changes
                .iter()
                .any(|c| c.field == "name" && c.new.is_empty())
            {
                return Err(Needed::PersonName.into());
            }
            w.append(
                Some(admin.person_id()),
                None,
                &EventBody::PersonAmend {
                    person_id: person.id,
                    changes,
                    reason,
                    reference: reference.trim().to_string(),
                },
            )
        })
    }
}

/// Projection of an `item.amend`: the record it carries becomes the current record, and the
/// columns are read from it. (Projections see no events: verify replays into fresh tables.)
pub(crate) fn apply_item_amend(
    conn: &Connection,
    seq: i64,
    item_id: &str,
    weapon: Option<&WeaponRecord>,
    evidence: Option<&EvidenceRecord>,
) -> Result<()> {
    let unreadable = |e: serde_json::Error| CustodyError::Internal(format!("amended record: {e}"));
    let (record, weapon, (case_number, exhibit_number, description, category)) =
        match (weapon, evidence) {
            (Some(w), None) => (
                serde_json::to_string(w).map_err(unreadable)?,
                w.clone(),
                (
                    String::new(),
                    String::new(),
                    String::new(),
                    "weapon".to_string(),
                ),
            ),
            (None, Some(e)) => (
                serde_json::to_string(e).map_err(unreadable)?,
                e.weapon.clone().unwrap_or_default(),
                (
                    e.case_number.clone(),
                    e.exhibit_number.clone(),
                    e.description.clone(),
                    e.category.clone(),
                ),
            ),
            _ => {
                return Err(CustodyError::Damaged(
                    "an item amendment carries exactly one record, weapon or evidence".into(),
                ))
            }
        };
    let changed = conn
        .prepare_cached(
            "UPDATE items SET serial = ?2, serial_key = ?3, manufacturer = ?4, manufacturer_key = ?5,
             model = ?6, weapon_type = ?7, calibre = ?8, case_number = ?9, exhibit_number = ?10,
             description = ?11, category = ?12, current_record = ?13, amended_seq = ?14,
             last_seq = ?14 WHERE id = ?1 AND kind = ?15",
        )?
        .execute(params![
            item_id,
            weapon.serial.trim(),
            serial_key(&weapon.serial),
            weapon.manufacturer.trim(),
            manufacturer_key(&weapon.manufacturer),
            weapon.model.trim(),
            weapon.weapon_type.map(|t| t.as_str()),
            weapon.calibre.trim(),
            case_number.trim(),
            exhibit_number.trim(),
            description.trim(),
            category.trim(),
            record,
            seq,
            if evidence.is_some() { "evidence" } else { "weapon" }
        ])?;
    if changed != 1 {
        return Err(CustodyError::Damaged(
            "an amendment names an item of another kind, or no item".into(),
        ));
    }
    Ok(())
}

/// Projection of a `location.amend` or `person.amend`: each named column gets its new value.
pub(crate) fn apply_row_amend(
    conn: &Connection,
    table: &'static str,
    columns: &[&str],
    id: &str,
    seq: i64,
    changes: &[FieldChange],
) -> Result<()> {
    for c in changes {
        // Column names come from the fixed list, never from the payload's text.
        let Some(column) = columns.iter().find(|col| **col == c.field) else {
            return Err(CustodyError::Damaged(format!(
                "{table} has no amendable field '{}'",
                c.field
            )));
        };
        conn.execute(
            &format!(
                "UPDATE {table} SET {column} = ?2, amended_seq = ?3, last_seq = ?3 WHERE id = ?1"
            ),
            params![id, c.new, seq],
        )?;
    }
    Ok(())
}
