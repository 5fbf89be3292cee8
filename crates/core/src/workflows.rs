//! The foundation workflows: register people, locations, weapons and exhibits; move; transfer
//! custody; check out and in. Every rule is checked here, before anything is appended.

use crate::domain::{
    manufacturer_key, serial_key, EvidenceRecord, ItemStatus, LocationRecord, PersonRecord, Role,
    WeaponRecord,
};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{new_id, new_label, Actor, Encoded, Ledger, Writer};
use crate::projection::status_from_column;
use crate::refusal::{DateField, Needed, Refusal, SamePerson};
use custody_codes::{LabelCode, LabelKind};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;

/// Who may register and handle items.
pub const HANDLERS: [Role; 3] = [Role::Officer, Role::Custodian, Role::Administrator];

/// An item as the projections show it now.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: String,
    pub code: String,
    pub kind: String,
    pub serial: String,
    pub manufacturer: String,
    pub model: String,
    pub weapon_type: Option<String>,
    pub calibre: String,
    pub case_number: String,
    pub exhibit_number: String,
    pub description: String,
    pub legal_hold: bool,
    pub status: ItemStatus,
    pub location_id: Option<String>,
    pub location_name: Option<String>,
    pub holder_id: Option<String>,
    pub holder_name: Option<String>,
    pub checked_out_to: Option<String>,
    pub checkout_purpose: Option<String>,
    pub due: Option<String>,
    /// The full record (weapon or evidence fields) as JSON: as registered, or its current
    /// values when it was amended.
    pub record: String,
    /// weapon for a weapon; the exhibit's category (weapon, ammunition, explosive, other).
    pub category: String,
    /// An exhibit's next review date (YYYY-MM-DD).
    pub review_date: Option<String>,
    /// The current disposition decision (`keep_until`, `release_to_owner`, ...).
    pub disposition: Option<String>,
    /// The order the current decision rests on: authority kind, authority, reference.
    pub disposal_order: Option<String>,
    /// The record was amended after registration (the history shows each amendment).
    pub amended: bool,
}

/// An item that already carries a serial being typed at intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SerialMatch {
    pub code: String,
    pub manufacturer: String,
    pub model: String,
    pub status: ItemStatus,
    /// Same manufacturer too: registering would be refused as a duplicate.
    pub same_manufacturer: bool,
}

impl ItemView {
    /// One short line that tells the item apart on a label or a list: make, model and serial
    /// of a weapon; case and exhibit number and description of an exhibit without them.
    pub fn label_text(&self) -> String {
        let text = if self.kind == "evidence" && self.manufacturer.is_empty() {
            format!(
                "Case {} / {} {}",
                self.case_number, self.exhibit_number, self.description
            )
        } else {
            format!("{} {} {}", self.manufacturer, self.model, self.serial)
        };
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub service_number: String,
    pub badge: String,
    pub label_code: String,
    pub roles: Vec<Role>,
    pub active: bool,
    pub failed_logins: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct LocationView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub building: String,
    pub room: String,
    pub shelf: String,
}

/// One line of an item's custody history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub time: String,
    pub kind: String,
    pub actor: Option<String>,
    pub witness: Option<String>,
    /// Plain-language account of the event, with names resolved.
    pub summary: String,
    #[serde(flatten)]
    pub movement: crate::history::Movement,
}

/// What registering produced: the new item's id, its Custody code and the event.
#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    pub id: String,
    pub code: String,
    pub seq: i64,
}

pub(crate) const ITEM_SELECT: &str = "
SELECT i.id, i.code, i.kind, i.serial, i.manufacturer, i.model, i.weapon_type, i.calibre,
       i.case_number, i.exhibit_number, i.description, i.legal_hold, i.status, i.location_id,
       l.name, i.holder_id, p.name, i.checked_out_to, i.checkout_purpose, i.due,
       reg.kind, reg.payload, i.current_record, i.category, i.review_date, i.disposition,
       i.disposal_order, i.amended_seq IS NOT NULL
FROM items i LEFT JOIN locations l ON l.id = i.location_id LEFT JOIN persons p ON p.id = i.holder_id
     LEFT JOIN events reg ON reg.seq = i.registered_seq";

pub(crate) fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ItemView> {
    Ok(ItemView {
        id: r.get(0)?,
        code: r.get(1)?,
        kind: r.get(2)?,
        serial: r.get(3)?,
        manufacturer: r.get(4)?,
        model: r.get(5)?,
        weapon_type: r.get(6)?,
        calibre: r.get(7)?,
        case_number: r.get(8)?,
        exhibit_number: r.get(9)?,
        description: r.get(10)?,
        legal_hold: r.get(11)?,
        status: status_from_column(&r.get::<_, String>(12)?),
        location_id: r.get(13)?,
        location_name: r.get(14)?,
        holder_id: r.get(15)?,
        holder_name: r.get(16)?,
        checked_out_to: r.get(17)?,
        checkout_purpose: r.get(18)?,
        due: r.get(19)?,
        record: match r.get::<_, Option<String>>(22)? {
            Some(current) => current,
            None => crate::projection::register_record(
                r.get_ref(20)?.as_str_or_null()?.unwrap_or(""),
                r.get_ref(21)?.as_str_or_null()?.unwrap_or(""),
            )
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    21,
                    rusqlite::types::Type::Text,
                    format!("{e}; run `custody verify`").into(),
                )
            })?,
        },
        category: r.get(23)?,
        review_date: r.get(24)?,
        disposition: r.get(25)?,
        disposal_order: r.get(26)?,
        amended: r.get(27)?,
    })
}

pub(crate) fn check_person(p: &PersonRecord) -> Result<()> {
    if p.name.trim().is_empty() {
        return Err(Needed::PersonName.into());
    }
    if p.badge.trim().is_empty() || p.badge.chars().any(char::is_control) {
        return Err(Needed::Badge.into());
    }
    if p.roles.is_empty() {
        return Err(Needed::Role.into());
    }
    Ok(())
}

/// Appends a person and stores their PIN hash (used by `create` and `register_person`).
pub(crate) fn append_person(
    w: &mut Writer<'_>,
    actor: Option<&str>,
    person: &PersonRecord,
    pin_hash: &str,
    peppered: bool,
) -> Result<String> {
    let taken: bool = w.conn.query_row(
        "SELECT count(*) FROM persons WHERE badge = ?1",
        params![person.badge.trim()],
        |r| r.get(0),
    )?;
    if taken {
        return Err(CustodyError::DuplicateBadge(
            person.badge.trim().to_string(),
        ));
    }
    let person_id = new_id();
    let record = PersonRecord {
        name: person.name.trim().to_string(),
        service_number: person.service_number.trim().to_string(),
        badge: person.badge.trim().to_string(),
        roles: person.roles.clone(),
    };
    w.append(
        actor,
        None,
        &EventBody::PersonRegister {
            person_id: person_id.clone(),
            label_code: new_label(LabelKind::Person).to_string(),
            person: record,
        },
    )?;
    crate::auth::store_credential(w, actor, &person_id, pin_hash, peppered)?;
    Ok(person_id)
}

pub(crate) fn check_weapon(w: &WeaponRecord) -> Result<()> {
    if w.serial.trim().is_empty() {
        return Err(Needed::Serial.into());
    }
    if w.manufacturer.trim().is_empty() {
        return Err(Needed::Manufacturer.into());
    }
    if w.serial
        .chars()
        .chain(w.manufacturer.chars())
        .any(char::is_control)
    {
        return Err(Refusal::WeaponNotPrintable.into());
    }
    if let Some(y) = w.year {
        check_year(y)?;
    }
    Ok(())
}

/// A year of manufacture from 1800 to this year.
pub(crate) fn check_year(y: i32) -> Result<()> {
    // Read as a number, not formatted and parsed: bulk import checks every row.
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    if !(1800..=this_year).contains(&y) {
        return Err(Refusal::YearOutOfRange {
            year: y,
            latest: this_year,
        }
        .into());
    }
    Ok(())
}

/// Refuses a weapon whose manufacturer + serial is already registered, naming the item.
pub(crate) fn check_not_duplicate(conn: &Connection, w: &WeaponRecord) -> Result<()> {
    let existing: Option<String> = conn
        .prepare_cached(crate::schema::by_serial::IDENTITY_TAKEN)?
        .query_row(
            params![manufacturer_key(&w.manufacturer), serial_key(&w.serial)],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(existing_code) => Err(CustodyError::DuplicateSerial {
            manufacturer: w.manufacturer.trim().to_string(),
            serial: w.serial.trim().to_string(),
            existing_code,
        }),
        None => Ok(()),
    }
}

/// The canonical form of `key` when it is a valid Custody label of `kind`, else empty (so a
/// lookup `WHERE code = ?` matches nothing and the other key — a name or id — decides).
pub(crate) fn label_of_kind(key: &str, kind: LabelKind) -> String {
    LabelCode::parse(key)
        .ok()
        .filter(|c| c.kind() == kind)
        .map(|c| c.to_string())
        .unwrap_or_default()
}

pub(crate) fn location_id_of(conn: &Connection, code_or_name: &str) -> Result<String> {
    let key = code_or_name.trim();
    let code = label_of_kind(key, LabelKind::Location);
    conn.prepare_cached("SELECT id FROM locations WHERE code = ?1 OR name = ?2 COLLATE NOCASE")?
        .query_row(params![code, key], |r| r.get(0))
        .optional()?
        .ok_or_else(|| CustodyError::UnknownLocation(key.to_string()))
}

pub(crate) fn person_by_badge_in(conn: &Connection, badge: &str) -> Result<PersonView> {
    conn.query_row(
        "SELECT id, name, service_number, badge, label_code, roles, active, failed_logins
         FROM persons WHERE badge = ?1 OR label_code = upper(replace(?1, '-', ''))",
        [badge.trim()],
        person_from_row,
    )
    .optional()?
    .ok_or_else(|| CustodyError::UnknownBadge(badge.trim().to_string()))
}

/// Refuses to take the administrator role (or activity) from the last active administrator.
fn refuse_last_administrator(conn: &Connection, person: &PersonView) -> Result<()> {
    if !person.active || !person.roles.contains(&Role::Administrator) {
        return Ok(());
    }
    let others: i64 = conn.query_row(
        "SELECT count(*) FROM persons WHERE active = 1 AND id != ?1
         AND (',' || roles || ',') LIKE '%,administrator,%'",
        [&person.id],
        |r| r.get(0),
    )?;
    if others == 0 {
        return Err(CustodyError::LastAdministrator(person.name.clone()));
    }
    Ok(())
}

/// Registers a weapon inside an open transaction (used by intake and bulk import).
pub(crate) fn append_weapon(
    w: &mut Writer<'_>,
    actor: &Actor,
    weapon: &WeaponRecord,
    location_id: Option<String>,
) -> Result<Registered> {
    check_weapon(weapon)?;
    check_not_duplicate(w.conn, weapon)?;
    append_registration(w, actor, &Encoded::new(weapon_body(weapon, location_id))?)
}

/// A new weapon's register event: a new item id and a new label code.
pub(crate) fn weapon_body(weapon: &WeaponRecord, location_id: Option<String>) -> EventBody {
    EventBody::RegisterWeapon {
        item_id: new_id(),
        code: new_label(LabelKind::Weapon).to_string(),
        location_id,
        weapon: weapon.clone(),
    }
}

/// Appends a weapon's register event encoded beforehand (bulk import encodes and checks a
/// whole batch before writing it).
pub(crate) fn append_registration(
    w: &mut Writer<'_>,
    actor: &Actor,
    event: &Encoded,
) -> Result<Registered> {
    let EventBody::RegisterWeapon { item_id, code, .. } = &event.body else {
        return Err(CustodyError::Internal("not a weapon registration".into()));
    };
    let seq = w.append_encoded(Some(actor.person_id()), None, event)?;
    Ok(Registered {
        id: item_id.clone(),
        code: code.clone(),
        seq,
    })
}

impl Ledger {
    pub fn register_person(
        &mut self,
        admin: &Actor,
        person: PersonRecord,
        pin: &str,
    ) -> Result<Registered> {
        admin.require("register people", &[Role::Administrator])?;
        check_person(&person)?;
        crate::auth::check_new_pin(pin, &person.badge)?;
        let pepper = self.pin_pepper();
        let pin_hash = crate::auth::hash_pin_peppered(pin, pepper.as_ref())?;
        let admin_id = admin.person_id().to_string();
        self.write(|w| {
            let id = append_person(w, Some(&admin_id), &person, &pin_hash, pepper.is_some())?;
            let (seq, _) = w.head();
            let code =
                w.conn
                    .query_row("SELECT label_code FROM persons WHERE id = ?1", [&id], |r| {
                        r.get(0)
                    })?;
            Ok(Registered { id, code, seq })
        })
    }

    /// Replaces a person's roles. Only an administrator signs role changes off, and the last
    /// active administrator cannot give the role up (checked inside the write).
    pub fn set_roles(&mut self, admin: &Actor, badge: &str, roles: Vec<Role>) -> Result<i64> {
        if roles.is_empty() {
            return Err(Needed::Role.into());
        }
        let keeps_admin = roles.contains(&Role::Administrator);
        self.append_admin_event(admin, "change roles", badge, |w, person| {
            if !keeps_admin {
                refuse_last_administrator(w.conn, person)?;
            }
            Ok(EventBody::PersonRoles {
                person_id: person.id.clone(),
                roles,
            })
        })
    }

    /// An administrator's event about one person, found by badge. `body` runs inside the
    /// write transaction, so the state it checks cannot change before the event is appended.
    pub(crate) fn append_admin_event(
        &mut self,
        admin: &Actor,
        action: &'static str,
        badge: &str,
        body: impl FnOnce(&mut Writer<'_>, &PersonView) -> Result<EventBody>,
    ) -> Result<i64> {
        admin.require(action, &[Role::Administrator])?;
        let admin_id = admin.person_id().to_string();
        let badge = badge.to_string();
        self.write(|w| {
            let person = person_by_badge_in(w.conn, &badge)?;
            let event = body(w, &person)?;
            w.append(Some(&admin_id), None, &event)
        })
    }

    /// Deactivates or reactivates a person (administrators only). A deactivated badge can no
    /// longer log in; the person's past events stay theirs. The last active administrator
    /// cannot be deactivated, so the site never locks itself out.
    pub fn set_person_active(&mut self, admin: &Actor, badge: &str, active: bool) -> Result<i64> {
        let action = if active {
            "reactivate people"
        } else {
            "deactivate people"
        };
        self.append_admin_event(admin, action, badge, |w, person| {
            if person.active == active {
                return Err(Refusal::AlreadyActive {
                    person: person.name.clone(),
                    active,
                }
                .into());
            }
            if !active {
                refuse_last_administrator(w.conn, person)?;
            }
            Ok(EventBody::PersonActive {
                person_id: person.id.clone(),
                active,
            })
        })
    }

    /// Break-glass recovery when no administrator can sign in (the last one demoted, locked
    /// out or gone): whoever holds this site's key file makes `badge` an active, unlocked
    /// administrator with a new PIN. `key_file` must be the site key that signed this ledger;
    /// the event carries the key's signature over the break-glass note, so the recovery is
    /// itself on the record and cannot be made without the key.
    pub fn break_glass(
        &mut self,
        key_file: &Path,
        badge: &str,
        new_pin: &str,
        reason: &str,
    ) -> Result<i64> {
        let key = crate::keys::SiteKey::load(key_file)?;
        if hex::encode(key.public().as_bytes()) != self.public_key_hex()? {
            return Err(CustodyError::WrongSiteKey {
                path: key_file.display().to_string(),
                found: key.key_id(),
                expected: self.key_id()?,
            });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Needed::RecoveryReason.into());
        }
        let person = self.person_by_badge(badge)?;
        crate::auth::check_new_pin(new_pin, &person.badge)?;
        let pepper = key.pin_pepper();
        let hash = crate::auth::hash_pin_peppered(new_pin, Some(&pepper))?;
        let digest = crate::auth::credential_digest(&hash);
        let time = crate::ledger::format_time(self.now());
        let note = crate::keys::break_glass_note(&self.site_id, &person.id, &digest, &time);
        let signature = hex::encode(key.sign(note.as_bytes()));
        let reason = reason.to_string();
        self.write(|w| {
            w.conn.execute(
                "INSERT INTO credentials (person_id, pin_hash, peppered) VALUES (?1, ?2, 1)
                 ON CONFLICT(person_id) DO UPDATE SET pin_hash = excluded.pin_hash, peppered = 1",
                params![person.id, hash],
            )?;
            w.time = time;
            w.append(
                None,
                None,
                &EventBody::AdminBreakGlass {
                    person_id: person.id.clone(),
                    reason,
                    credential_digest: digest,
                    signature,
                },
            )
        })
    }

    pub fn register_location(
        &mut self,
        actor: &Actor,
        location: LocationRecord,
    ) -> Result<Registered> {
        actor.require("register locations", &HANDLERS)?;
        let name = location.name.trim().to_string();
        if name.is_empty() {
            return Err(Needed::LocationName.into());
        }
        let actor_id = actor.person_id().to_string();
        self.write(|w| {
            let taken: bool = w.conn.query_row(
                "SELECT count(*) FROM locations WHERE name = ?1 COLLATE NOCASE",
                [&name],
                |r| r.get(0),
            )?;
            if taken {
                return Err(CustodyError::DuplicateLocation(name.clone()));
            }
            let id = new_id();
            let code = new_label(LabelKind::Location).to_string();
            let seq = w.append(
                Some(&actor_id),
                None,
                &EventBody::LocationRegister {
                    location_id: id.clone(),
                    code: code.clone(),
                    location: LocationRecord { name, ..location },
                },
            )?;
            Ok(Registered { id, code, seq })
        })
    }

    pub fn register_weapon(
        &mut self,
        actor: &Actor,
        weapon: WeaponRecord,
        location: Option<&str>,
    ) -> Result<Registered> {
        actor.require("register weapons", &HANDLERS)?;
        self.write(|w| {
            let location_id = location.map(|l| location_id_of(w.conn, l)).transpose()?;
            append_weapon(w, actor, &weapon, location_id)
        })
    }

    pub fn register_evidence(
        &mut self,
        actor: &Actor,
        evidence: EvidenceRecord,
        location: Option<&str>,
    ) -> Result<Registered> {
        actor.require("register evidence", &[Role::Custodian, Role::Administrator])?;
        if evidence.case_number.trim().is_empty() || evidence.exhibit_number.trim().is_empty() {
            return Err(Needed::ExhibitNumbers.into());
        }
        if let Some(weapon) = &evidence.weapon {
            check_weapon(weapon)?;
        }
        let mut evidence = evidence;
        if !evidence.retention_date.trim().is_empty() {
            evidence.retention_date =
                crate::evidence::parse_date(DateField::ReviewDate, &evidence.retention_date)?
                    .to_string();
        }
        let today = self.now().date_naive();
        self.write(|w| {
            if let Some(weapon) = &evidence.weapon {
                check_not_duplicate(w.conn, weapon)?;
            }
            // No review date given: the administrator's default for the category, if any.
            if evidence.retention_date.is_empty() {
                if let Some(days) = crate::evidence::review_days(w.conn, &evidence.category)? {
                    evidence.retention_date = (today + chrono::Duration::days(days)).to_string();
                }
            }
            let location_id = location.map(|l| location_id_of(w.conn, l)).transpose()?;
            let id = new_id();
            let code = new_label(LabelKind::Evidence).to_string();
            let seq = w.append(
                Some(actor.person_id()),
                None,
                &EventBody::RegisterEvidence {
                    item_id: id.clone(),
                    code: code.clone(),
                    location_id,
                    evidence: evidence.clone(),
                },
            )?;
            Ok(Registered { id, code, seq })
        })
    }

    /// Moves an item to a location. Terminal items raise an alarm instead.
    pub fn move_item(&mut self, actor: &Actor, item: &str, location: &str) -> Result<i64> {
        Ok(self.move_items(actor, &[item], location)?[0])
    }

    /// Moves every listed item to `location` in one transaction: all of them or none. Each is
    /// checked as one move is (it exists, is still held, is not checked out); the first refusal
    /// names its item and nothing is written. An item listed twice moves once. Returns the
    /// move events' numbers in list order.
    pub fn move_items(
        &mut self,
        actor: &Actor,
        items: &[&str],
        location: &str,
    ) -> Result<Vec<i64>> {
        actor.require("move items", &HANDLERS)?;
        if items.is_empty() {
            return Err(Needed::ItemsToMove.into());
        }
        self.write(|w| {
            let to = location_id_of(w.conn, location)?;
            let mut seen = std::collections::HashSet::new();
            let mut seqs = Vec::with_capacity(items.len());
            for item in items {
                let item = find_item_in(w.conn, item)?;
                if seen.insert(item.id.clone()) {
                    seqs.push(append_move(w, actor, item, to.clone())?);
                }
            }
            Ok(seqs)
        })
    }

    /// The place a scanned or typed text names (a location label or a location's name), if any.
    pub fn find_location(&self, code_or_name: &str) -> Result<Option<LocationView>> {
        let key = code_or_name.trim();
        if key.is_empty() {
            return Ok(None);
        }
        let code = label_of_kind(key, LabelKind::Location);
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, code, name, building, room, shelf FROM locations
                 WHERE code = ?1 OR name = ?2 COLLATE NOCASE",
            )?
            .query_row(params![code, key], |r| {
                Ok(LocationView {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    building: r.get(3)?,
                    room: r.get(4)?,
                    shelf: r.get(5)?,
                })
            })
            .optional()?)
    }

    /// Passes custody of an item from `giver` to `receiver`; both must have authenticated.
    pub fn transfer_custody(
        &mut self,
        giver: &Actor,
        receiver: Option<&Actor>,
        item: &str,
        reason: &str,
    ) -> Result<i64> {
        giver.require("hand over custody", &HANDLERS)?;
        let receiver = receiver.ok_or(CustodyError::ReceiverNotAuthenticated)?;
        if receiver.person_id() == giver.person_id() {
            return Err(CustodyError::SamePerson(SamePerson::Transfer));
        }
        receiver.require("receive custody", &HANDLERS)?;
        if reason.trim().is_empty() {
            return Err(Needed::TransferReason.into());
        }
        self.write(|w| {
            let item = find_item_in(w.conn, item)?;
            refuse_terminal(&item, "transferred")?;
            w.append(
                Some(giver.person_id()),
                Some(receiver.person_id()),
                &EventBody::Transfer {
                    item_id: item.id,
                    from_person: item.holder_id,
                    to_person: receiver.person_id().to_string(),
                    reason: reason.trim().to_string(),
                },
            )
        })
    }

    pub fn check_out(
        &mut self,
        actor: &Actor,
        item: &str,
        to_whom: &str,
        purpose: &str,
        due: chrono::NaiveDate,
    ) -> Result<i64> {
        actor.require("check items out", &HANDLERS)?;
        if to_whom.trim().is_empty() || purpose.trim().is_empty() {
            return Err(Needed::CheckoutDetails.into());
        }
        let today = self.now().date_naive();
        if due < today {
            return Err(Refusal::DueInPast { due }.into());
        }
        self.write(|w| {
            let item = find_item_in(w.conn, item)?;
            refuse_terminal(&item, "checked out")?;
            if item.status != ItemStatus::InStore {
                return Err(CustodyError::WrongStatus {
                    code: item.code,
                    status: item.status,
                    action: "checked out",
                });
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::CheckOut {
                    item_id: item.id,
                    to_whom: to_whom.trim().to_string(),
                    purpose: purpose.trim().to_string(),
                    due: due.to_string(),
                },
            )
        })
    }

    pub fn check_in(
        &mut self,
        actor: &Actor,
        item: &str,
        location: Option<&str>,
        note: &str,
    ) -> Result<i64> {
        actor.require("check items in", &HANDLERS)?;
        self.write(|w| {
            let item = find_item_in(w.conn, item)?;
            refuse_terminal(&item, "checked in")?;
            if item.status != ItemStatus::CheckedOut {
                return Err(CustodyError::WrongStatus {
                    code: item.code,
                    status: item.status,
                    action: "checked in (it is not checked out)",
                });
            }
            let location_id = location.map(|l| location_id_of(w.conn, l)).transpose()?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::CheckIn {
                    item_id: item.id,
                    location_id,
                    note: note.trim().to_string(),
                },
            )
        })
    }

    /// Items checked out whose due date is before `today`.
    pub fn overdue(&self, today: chrono::NaiveDate) -> Result<Vec<ItemView>> {
        let sql =
            format!("{ITEM_SELECT} WHERE i.status = 'checked_out' AND i.due < ?1 ORDER BY i.due");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([today.to_string()], item_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn find_item(&self, code_or_serial: &str) -> Result<ItemView> {
        find_item_in(&self.conn, code_or_serial)
    }

    /// Items already registered with this serial (matched as `register_weapon` matches it:
    /// case, spacing, dashes and look-alike letters folded), same manufacturer first. For the
    /// intake screen's check as the officer types; registering still decides.
    pub fn serial_matches(&self, manufacturer: &str, serial: &str) -> Result<Vec<SerialMatch>> {
        let key = serial_key(serial);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        let maker = manufacturer_key(manufacturer);
        let mut stmt = self
            .conn
            .prepare_cached(crate::schema::by_serial::MATCHES)?;
        let rows = stmt.query_map(params![key, maker], |r| {
            let status: String = r.get(3)?;
            let item_maker: String = r.get(4)?;
            Ok(SerialMatch {
                code: r.get(0)?,
                manufacturer: r.get(1)?,
                model: r.get(2)?,
                status: status_from_column(&status),
                same_manufacturer: !maker.is_empty() && item_maker == maker,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many items are in each status, every status listed (zero included), in
    /// `ItemStatus::ALL` order. One aggregate query: cheap at 100,000 items.
    pub fn status_counts(&self) -> Result<Vec<(ItemStatus, u64)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT status, count(*) FROM items GROUP BY status")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut counts: Vec<(ItemStatus, u64)> = ItemStatus::ALL.iter().map(|s| (*s, 0)).collect();
        for row in rows {
            let (status, n) = row?;
            let status = crate::projection::status_from_column(&status);
            if let Some(c) = counts.iter_mut().find(|c| c.0 == status) {
                c.1 += n.max(0) as u64;
            }
        }
        Ok(counts)
    }

    pub fn items(&self) -> Result<Vec<ItemView>> {
        let mut stmt = self
            .conn
            .prepare(&format!("{ITEM_SELECT} ORDER BY i.registered_seq"))?;
        let rows = stmt.query_map([], item_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn persons(&self) -> Result<Vec<PersonView>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, service_number, badge, label_code, roles, active, failed_logins
             FROM persons ORDER BY name",
        )?;
        let rows = stmt.query_map([], person_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn person_by_badge(&self, badge: &str) -> Result<PersonView> {
        person_by_badge_in(&self.conn, badge)
    }

    pub fn locations(&self) -> Result<Vec<LocationView>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, code, name, building, room, shelf FROM locations ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(LocationView {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                building: r.get(3)?,
                room: r.get(4)?,
                shelf: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every event that concerns the item, oldest first, with names resolved.
    pub fn history(&self, code_or_serial: &str) -> Result<(ItemView, Vec<HistoryEntry>)> {
        let item = self.find_item(code_or_serial)?;
        let mut stmt = self.conn.prepare(
            "SELECT e.seq, e.time, e.kind, e.payload, a.name, w.name
             FROM item_events ie JOIN events e ON e.seq = ie.seq
             LEFT JOIN persons a ON a.id = e.actor LEFT JOIN persons w ON w.id = e.witness
             WHERE ie.item_id = ?1 ORDER BY e.seq",
        )?;
        let rows = stmt.query_map([&item.id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, time, kind, payload, actor, witness) = row?;
            let (summary, movement) = match EventBody::from_columns(&kind, &payload) {
                Ok(body) => (self.describe(&body)?, self.movement(&body)?),
                Err(e) => (format!("unreadable event: {e}"), Default::default()),
            };
            out.push(HistoryEntry {
                seq,
                time,
                kind,
                actor,
                witness,
                summary,
                movement,
            });
        }
        Ok((item, out))
    }

    pub(crate) fn name_of(&self, table: &str, id: Option<&str>) -> Result<String> {
        let Some(id) = id else {
            return Ok("(store)".into());
        };
        Ok(self
            .conn
            .query_row(
                &format!("SELECT name FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_else(|| id.to_string()))
    }

    /// One line in plain English for an item event.
    fn describe(&self, body: &EventBody) -> Result<String> {
        Ok(match body {
            EventBody::RegisterWeapon {
                weapon,
                location_id,
                ..
            } => format!(
                "registered: {} {} serial {} at {}",
                weapon.manufacturer,
                weapon.model,
                weapon.serial,
                self.name_of("locations", location_id.as_deref())?
            ),
            EventBody::RegisterEvidence {
                evidence,
                location_id,
                ..
            } => format!(
                "exhibit registered: case {} item {} ({}) at {}",
                evidence.case_number,
                evidence.exhibit_number,
                evidence.description,
                self.name_of("locations", location_id.as_deref())?
            ),
            EventBody::Move {
                from_location,
                to_location,
                ..
            } => format!(
                "moved from {} to {}",
                self.name_of("locations", from_location.as_deref())?,
                self.name_of("locations", Some(to_location))?
            ),
            EventBody::Transfer {
                from_person,
                to_person,
                reason,
                ..
            } => format!(
                "custody from {} to {}: {reason}",
                self.name_of("persons", from_person.as_deref())?,
                self.name_of("persons", Some(to_person))?
            ),
            EventBody::CheckOut {
                to_whom,
                purpose,
                due,
                ..
            } => format!("checked out to {to_whom} for {purpose}, due back {due}"),
            EventBody::CheckIn {
                location_id, note, ..
            } => format!(
                "checked in at {}{}",
                self.name_of("locations", location_id.as_deref())?,
                if note.is_empty() {
                    String::new()
                } else {
                    format!(": {note}")
                }
            ),
            EventBody::Status {
                status, reference, ..
            } => format!("status {status} ({reference})"),
            EventBody::ScanRecorded { outcome, port, .. } => {
                format!("scanned on {port}: {outcome}")
            }
            EventBody::ItemAmend {
                changes,
                reason,
                reference,
                ..
            } => format!(
                "amended: {} ({reason}{})",
                changes
                    .iter()
                    .map(|c| format!("{} '{}' -> '{}'", c.field, c.old, c.new))
                    .collect::<Vec<_>>()
                    .join(", "),
                if reference.is_empty() {
                    String::new()
                } else {
                    format!("; ref. {reference}")
                }
            ),
            EventBody::EvidenceDisposition {
                decision,
                authority_kind,
                authority,
                order_reference,
                review_date,
                ..
            } => format!(
                "decision {}{} on the order of {} {authority} ({order_reference})",
                decision.as_str(),
                if review_date.is_empty() {
                    String::new()
                } else {
                    format!(" {review_date}")
                },
                authority_kind.as_str()
            ),
            EventBody::EvidenceHold {
                legal_hold,
                authority_kind,
                authority,
                order_reference,
                ..
            } => format!(
                "legal hold {} on the order of {} {authority} ({order_reference})",
                if *legal_hold { "placed" } else { "lifted" },
                authority_kind.as_str()
            ),
            EventBody::EvidenceRelease {
                owner_name,
                id_document_type,
                id_document_number,
                order_reference,
                ..
            } => format!(
                "released to {owner_name} ({} {id_document_number}) on order {order_reference}",
                id_document_type.as_str()
            ),
            EventBody::DestructionRemove { reason, .. } => {
                format!("removed from destruction batch: {reason}")
            }
            EventBody::DestructionUnfreeze { reason, .. } => {
                format!("destruction batch unfrozen: {reason}")
            }
            EventBody::DestructionCancel { reason, .. } => {
                format!("destruction batch cancelled: {reason}")
            }
            EventBody::HandoverSettle { reference, .. } => {
                format!("settled as lost in transit ({reference})")
            }
            EventBody::ItemReturn { location_id, .. } => format!(
                "returned through a handover; record continued, at {}",
                self.name_of("locations", location_id.as_deref())?
            ),
            other => other.to_columns().0,
        })
    }
}

fn person_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PersonView> {
    Ok(PersonView {
        id: r.get(0)?,
        name: r.get(1)?,
        service_number: r.get(2)?,
        badge: r.get(3)?,
        label_code: r.get(4)?,
        roles: crate::auth::parse_roles(&r.get::<_, String>(5)?),
        active: r.get(6)?,
        failed_logins: r.get(7)?,
    })
}

/// The one place a move event is appended (a move, a list of moves, a stocktake resolution
/// "moved"), with the one rule: an item no longer held, or checked out, does not move.
pub(crate) fn append_move(
    w: &mut Writer<'_>,
    actor: &Actor,
    item: ItemView,
    to: String,
) -> Result<i64> {
    refuse_terminal(&item, "moved")?;
    if item.status == ItemStatus::CheckedOut {
        return Err(CustodyError::WrongStatus {
            code: item.code,
            status: item.status,
            action: "moved before it is checked in",
        });
    }
    w.append(
        Some(actor.person_id()),
        None,
        &EventBody::Move {
            item_id: item.id,
            from_location: item.location_id,
            to_location: to,
        },
    )
}

/// An item that may leave the site's hands (released to its owner, handed over): in store and
/// in no destruction batch.
pub(crate) fn refuse_unless_free_in_store(
    conn: &Connection,
    item: &ItemView,
    action: &'static str,
) -> Result<()> {
    if item.status != ItemStatus::InStore {
        return Err(CustodyError::WrongStatus {
            code: item.code.clone(),
            status: item.status,
            action,
        });
    }
    let batch: Option<String> = conn
        .prepare_cached(
            "SELECT b.code FROM destruction_items d JOIN destruction_batches b
             ON b.id = d.batch_id WHERE d.item_id = ?1",
        )?
        .query_row([&item.id], |r| r.get(0))
        .optional()?;
    match batch {
        Some(batch) => Err(CustodyError::ItemInBatch {
            code: item.code.clone(),
            batch,
        }),
        None => Ok(()),
    }
}

pub(crate) fn refuse_terminal(item: &ItemView, action: &'static str) -> Result<()> {
    if item.status.is_terminal() {
        return Err(CustodyError::TerminalItem {
            code: item.code.clone(),
            status: item.status,
            action,
        });
    }
    Ok(())
}

/// An item by its id (ids come from the ledger itself, so a miss means a damaged projection).
pub(crate) fn find_item_by_id(conn: &Connection, item_id: &str) -> Result<ItemView> {
    conn.prepare_cached(&format!("{ITEM_SELECT} WHERE i.id = ?1"))?
        .query_row([item_id], item_from_row)
        .optional()?
        .ok_or_else(|| CustodyError::UnknownItem(item_id.to_string()))
}

/// Finds an item by Custody code (W/E label) or by serial (any manufacturer, if unique).
pub(crate) fn find_item_in(conn: &Connection, code_or_serial: &str) -> Result<ItemView> {
    let key = code_or_serial.trim();
    if let Ok(code) = LabelCode::parse(key) {
        if matches!(code.kind(), LabelKind::Weapon | LabelKind::Evidence) {
            let found = conn
                .prepare_cached(&format!("{ITEM_SELECT} WHERE i.code = ?1"))?
                .query_row([code.as_str()], item_from_row)
                .optional()?;
            if let Some(item) = found {
                return Ok(item);
            }
        }
    }
    if serial_key(key).is_empty() {
        return Err(CustodyError::UnknownItem(key.to_string()));
    }
    let mut stmt = conn.prepare_cached(&format!(
        "{ITEM_SELECT} {}",
        crate::schema::by_serial::ITEM_WHERE
    ))?;
    let mut matches: Vec<ItemView> = stmt
        .query_map([serial_key(key)], item_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    match matches.len() {
        0 => Err(CustodyError::UnknownItem(key.to_string())),
        1 => Ok(matches.remove(0)),
        _ => Err(CustodyError::AmbiguousItem(
            key.to_string(),
            matches
                .iter()
                .map(|m| format!("{} {}", m.code, m.manufacturer))
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}
