//! Ammunition and explosive ordnance, managed by lot and quantity (IATG 03.10 inventory
//! management, 03.20 lotting and batching): a lot is received with a quantity at a location,
//! split between locations, issued to a unit or person, returned, expended and inspected.
//!
//! Rules: quantities are positive whole numbers; no quantity ever goes negative, anywhere
//! (the refusal says how much is there); lots are never merged (a split keeps the lot, and a
//! second lot with the same manufacturer, lot number and calibre is refused as a duplicate).
//! Conservation — received = in store + issued out + expended — is checked by `custody verify`
//! from the events alone ([`Tally`]). Destruction and handover by quantity are not built yet, so
//! their terms of the sum are zero. Every event that adds to a location (receive, split, return)
//! first passes the location's storage limits (crates/core/src/limits.rs).

use crate::domain::{Origin, Role};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{new_id, Actor, Ledger};
use crate::refusal::{Refusal, StockPlace};
use crate::verify::Problem;
use crate::workflows::{location_id_of, HANDLERS};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// The largest quantity one event may carry: keeps every sum far inside SQLite's integers.
pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// Who may inspect ammunition and change a lot's condition.
pub const INSPECTORS: [Role; 2] = [Role::Inspector, Role::Administrator];

/// What a lot's quantity counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AmmoUnit {
    #[default]
    Rounds,
    Pieces,
    Kilograms,
}

/// The condition of a lot (IATG 03.10 condition codes, simplified).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AmmoCondition {
    #[default]
    Serviceable,
    Unserviceable,
    AwaitingInspection,
    ForDisposal,
}

macro_rules! text_enum {
    ($ty:ident, $what:literal, $($variant:ident => $text:literal),+) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // `pad`, so that list columns line up.
                f.pad(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                match key.as_str() {
                    $($text => Ok($ty::$variant),)+
                    _ => Err(format!(
                        "unknown {} '{s}': use {}", $what, [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

text_enum!(AmmoUnit, "unit", Rounds => "rounds", Pieces => "pieces", Kilograms => "kilograms");
text_enum!(AmmoCondition, "condition", Serviceable => "serviceable",
    Unserviceable => "unserviceable", AwaitingInspection => "awaiting_inspection",
    ForDisposal => "for_disposal");

/// A lot as received: what it is, whose it is, how hazardous. Explosive ordnance handed in at
/// a collection is a lot too (origin `found` or `voluntary_surrender`, with `found_at`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LotRecord {
    /// e.g. "cartridge", "hand grenade", "mortar bomb".
    pub ammo_type: String,
    pub description: String,
    pub calibre: String,
    pub manufacturer: String,
    /// The lot number as marked on the packaging or the munition.
    pub lot_number: String,
    pub year: Option<i32>,
    /// UN hazard division and compatibility group, e.g. `1.4S` ([`check_hazard`]).
    pub hazard: String,
    /// Net explosive quantity per unit, in kilograms, as decimal text (e.g. `0.0032`).
    pub neq_kg: String,
    pub unit: AmmoUnit,
    pub units_per_package: u32,
    pub origin: Origin,
    /// Where collected ordnance was found or handed in; empty for state stock.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub found_at: String,
}

/// The UN hazard classification `1.1`–`1.6` followed by a compatibility group letter A–L
/// (without I), N or S, written without spaces (`1.4S`); returned upper-case.
pub fn check_hazard(text: &str) -> Result<String> {
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let bytes = code.as_bytes();
    let ok = bytes.len() == 4
        && bytes[0] == b'1'
        && bytes[1] == b'.'
        && (b'1'..=b'6').contains(&bytes[2])
        && matches!(bytes[3], b'A'..=b'L' | b'N' | b'S')
        && bytes[3] != b'I';
    if ok {
        Ok(code)
    } else {
        Err(CustodyError::BadHazardCode(text.to_string()))
    }
}

/// NEQ in kilograms as decimal text (up to 6 decimals, at most 100,000 kg per unit), returned
/// in a canonical spelling so equal quantities are stored as equal text.
pub fn check_neq(text: &str) -> Result<String> {
    crate::limits::kg_to_mg(text, 100_000)
        .map(crate::limits::mg_to_kg)
        .ok_or_else(|| {
            Refusal::BadNeq {
                value: text.to_string(),
            }
            .into()
        })
}

fn check_quantity(quantity: i64) -> Result<u64> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(quantity as u64)
    } else {
        Err(CustodyError::BadQuantity {
            given: quantity,
            max: MAX_QUANTITY,
        })
    }
}

fn required(text: &str, field: &'static str, action: &'static str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        Err(CustodyError::AmmoFieldRequired { field, action })
    } else {
        Ok(t.to_string())
    }
}

/// The lot with the record's fields trimmed and checked.
fn checked_lot(lot: LotRecord) -> Result<LotRecord> {
    let trim = |s: String| s.trim().to_string();
    let lot = LotRecord {
        ammo_type: required(&lot.ammo_type, "an ammunition type", "receiving a lot")?,
        description: trim(lot.description),
        calibre: trim(lot.calibre),
        manufacturer: trim(lot.manufacturer),
        lot_number: trim(lot.lot_number),
        hazard: check_hazard(&lot.hazard)?,
        neq_kg: check_neq(&lot.neq_kg)?,
        found_at: trim(lot.found_at),
        ..lot
    };
    // State stock and stock from another site carry a marked lot number; ordnance found or
    // handed in often has none legible.
    if matches!(lot.origin, Origin::StateStock | Origin::TransferredIn) {
        required(
            &lot.lot_number,
            "the lot number as marked",
            "receiving stock",
        )?;
    }
    if lot.units_per_package == 0 {
        return Err(Refusal::NoUnitsPerPackage.into());
    }
    if let Some(y) = lot.year {
        crate::workflows::check_year(y)?;
    }
    Ok(lot)
}

/// The key under which a second lot is a duplicate: manufacturer, lot number and calibre,
/// ignoring case, spacing and dashes; empty (never a duplicate) without a lot number.
fn identity_key(lot: &LotRecord) -> String {
    if lot.lot_number.trim().is_empty() {
        return String::new();
    }
    format!(
        "{}|{}|{}",
        crate::domain::manufacturer_key(&lot.manufacturer),
        crate::domain::serial_key(&lot.lot_number),
        crate::domain::serial_key(&lot.calibre)
    )
}

/// A lot as the projections show it now.
#[derive(Debug, Clone, Serialize)]
pub struct LotView {
    pub id: String,
    #[serde(flatten)]
    pub lot: LotRecord,
    pub condition: AmmoCondition,
    pub received: u64,
    pub in_store: u64,
    pub issued_out: u64,
    pub expended: u64,
    /// Quantity per location that holds some: (location name, quantity).
    pub stock: Vec<(String, u64)>,
}

/// What an issue names: from where, how much, to whom, why, and who signed for it.
#[derive(Debug, Clone, Default)]
pub struct AmmoIssue {
    pub from_location: String,
    pub quantity: i64,
    pub to_whom: String,
    pub purpose: String,
    /// The name of the person who signs for the ammunition on receipt.
    pub signer: String,
}

/// The lot's id and quantity columns, read inside a write.
struct LotState {
    id: String,
    label: String,
    condition: AmmoCondition,
    issued_out: u64,
    hazard: String,
    neq_kg: String,
}

impl LotState {
    /// Refuses `quantity` of this lot at a location whose storage limits do not allow it.
    fn check_room(&self, conn: &Connection, location_id: &str, quantity: u64) -> Result<()> {
        let add = crate::limits::Addition {
            hazard: &self.hazard,
            neq_kg: &self.neq_kg,
            quantity,
        };
        crate::limits::check_addition(conn, location_id, &add)
    }
}

fn lot_label(lot_number: &str, id: &str) -> String {
    if lot_number.is_empty() {
        id.to_string()
    } else {
        format!("{lot_number} ({id})")
    }
}

/// Finds a lot by its id or by its lot number when only one lot has it.
fn lot_in(conn: &Connection, key: &str) -> Result<LotState> {
    let key = key.trim();
    let mut stmt = conn.prepare_cached(
        "SELECT id, lot_number, condition, issued_out, hazard, neq_kg FROM ammo_lots
         WHERE id = ?1 OR (lot_number = ?1 COLLATE NOCASE AND lot_number <> '') ORDER BY id",
    )?;
    type Row = (String, String, String, i64, String, String);
    let found: Vec<Row> = stmt
        .query_map([key], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    match found.as_slice() {
        [] => Err(CustodyError::UnknownLot(key.to_string())),
        [(id, number, condition, out, hazard, neq_kg)] => Ok(LotState {
            id: id.clone(),
            label: lot_label(number, id),
            condition: condition.parse().unwrap_or_default(),
            issued_out: (*out).max(0) as u64,
            hazard: hazard.clone(),
            neq_kg: neq_kg.clone(),
        }),
        many => Err(CustodyError::AmbiguousLot {
            key: key.to_string(),
            ids: many
                .iter()
                .map(|f| f.0.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// How many units of a lot a location holds.
fn stock_at(conn: &Connection, lot_id: &str, location_id: &str) -> Result<u64> {
    let q: Option<i64> = conn
        .prepare_cached("SELECT quantity FROM ammo_stock WHERE lot_id = ?1 AND location_id = ?2")?
        .query_row(params![lot_id, location_id], |r| r.get(0))
        .optional()?;
    Ok(q.unwrap_or(0).max(0) as u64)
}

/// Refuses to take `wanted` from a location holding less, saying how much is there.
fn take_from(conn: &Connection, lot: &LotState, location_id: &str, wanted: u64) -> Result<()> {
    let available = stock_at(conn, &lot.id, location_id)?;
    if wanted > available {
        let place: String = conn
            .prepare_cached("SELECT name FROM locations WHERE id = ?1")?
            .query_row([location_id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| location_id.to_string());
        return Err(CustodyError::InsufficientQuantity {
            lot: lot.label.clone(),
            place: StockPlace::At(place),
            wanted,
            available,
        });
    }
    Ok(())
}

impl Ledger {
    /// Receives a new lot with its quantity at a location. Returns the lot's id and the event.
    pub fn ammo_receive(
        &mut self,
        actor: &Actor,
        lot: LotRecord,
        quantity: i64,
        location: &str,
        condition: AmmoCondition,
    ) -> Result<(String, i64)> {
        actor.require("receive ammunition", &HANDLERS)?;
        let quantity = check_quantity(quantity)?;
        let lot = checked_lot(lot)?;
        self.write(|w| {
            let location_id = location_id_of(w.conn, location)?;
            let key = identity_key(&lot);
            if !key.is_empty() {
                let existing: Option<String> = w
                    .conn
                    .prepare_cached("SELECT id FROM ammo_lots WHERE identity_key = ?1")?
                    .query_row([&key], |r| r.get(0))
                    .optional()?;
                if let Some(existing) = existing {
                    return Err(CustodyError::DuplicateLot {
                        manufacturer: lot.manufacturer.clone(),
                        lot_number: lot.lot_number.clone(),
                        calibre: lot.calibre.clone(),
                        existing,
                    });
                }
            }
            let add = crate::limits::Addition {
                hazard: &lot.hazard,
                neq_kg: &lot.neq_kg,
                quantity,
            };
            crate::limits::check_addition(w.conn, &location_id, &add)?;
            let lot_id = new_id();
            let seq = w.append(
                Some(actor.person_id()),
                None,
                &EventBody::AmmoReceive {
                    lot_id: lot_id.clone(),
                    location_id,
                    quantity,
                    condition,
                    lot: lot.clone(),
                },
            )?;
            Ok((lot_id, seq))
        })
    }

    /// Moves part of a lot from one location to another; the lot stays one lot.
    pub fn ammo_split(
        &mut self,
        actor: &Actor,
        lot: &str,
        from: &str,
        to: &str,
        quantity: i64,
    ) -> Result<i64> {
        actor.require("move ammunition", &HANDLERS)?;
        let quantity = check_quantity(quantity)?;
        self.write(|w| {
            let lot = lot_in(w.conn, lot)?;
            let from_location = location_id_of(w.conn, from)?;
            let to_location = location_id_of(w.conn, to)?;
            if from_location == to_location {
                return Err(Refusal::SplitToSameLocation.into());
            }
            take_from(w.conn, &lot, &from_location, quantity)?;
            lot.check_room(w.conn, &to_location, quantity)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::AmmoSplit {
                    lot_id: lot.id,
                    from_location,
                    to_location,
                    quantity,
                },
            )
        })
    }

    /// Issues a quantity of a serviceable lot to a unit or person, signed for by name.
    pub fn ammo_issue(&mut self, actor: &Actor, lot: &str, issue: &AmmoIssue) -> Result<i64> {
        actor.require("issue ammunition", &HANDLERS)?;
        let quantity = check_quantity(issue.quantity)?;
        let signer = issue.signer.trim();
        if signer.is_empty() {
            return Err(CustodyError::SignerRequired);
        }
        let to_whom = required(&issue.to_whom, "to whom it goes", "an issue")?;
        let purpose = required(&issue.purpose, "a purpose", "an issue")?;
        self.write(|w| {
            let lot = lot_in(w.conn, lot)?;
            if lot.condition != AmmoCondition::Serviceable {
                return Err(CustodyError::LotNotServiceable {
                    lot: lot.label,
                    condition: lot.condition.as_str(),
                });
            }
            let from_location = location_id_of(w.conn, &issue.from_location)?;
            take_from(w.conn, &lot, &from_location, quantity)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::AmmoIssue {
                    lot_id: lot.id,
                    from_location,
                    quantity,
                    to_whom,
                    purpose,
                    signer: signer.to_string(),
                },
            )
        })
    }

    /// Takes back part of what was issued from a lot, into a location.
    pub fn ammo_return(
        &mut self,
        actor: &Actor,
        lot: &str,
        location: &str,
        quantity: i64,
        note: &str,
    ) -> Result<i64> {
        actor.require("take back ammunition", &HANDLERS)?;
        let quantity = check_quantity(quantity)?;
        self.write(|w| {
            let lot = lot_in(w.conn, lot)?;
            if quantity > lot.issued_out {
                return Err(CustodyError::ReturnExceedsIssued {
                    lot: lot.label,
                    wanted: quantity,
                    issued_out: lot.issued_out,
                });
            }
            let to_location = location_id_of(w.conn, location)?;
            lot.check_room(w.conn, &to_location, quantity)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::AmmoReturn {
                    lot_id: lot.id,
                    to_location,
                    quantity,
                    note: note.trim().to_string(),
                },
            )
        })
    }

    /// Records a quantity used (fired, consumed in training or testing): from a location, or
    /// from what is issued out when `from` is `None`. A reference (range order, report) is
    /// required.
    pub fn ammo_expend(
        &mut self,
        actor: &Actor,
        lot: &str,
        from: Option<&str>,
        quantity: i64,
        reference: &str,
    ) -> Result<i64> {
        actor.require("record ammunition expended", &HANDLERS)?;
        let quantity = check_quantity(quantity)?;
        let reference = required(reference, "a reference", "an expenditure")?;
        self.write(|w| {
            let lot = lot_in(w.conn, lot)?;
            let from_location = match from {
                Some(place) => {
                    let id = location_id_of(w.conn, place)?;
                    take_from(w.conn, &lot, &id, quantity)?;
                    Some(id)
                }
                None if quantity > lot.issued_out => {
                    return Err(CustodyError::InsufficientQuantity {
                        lot: lot.label,
                        place: StockPlace::IssuedOut,
                        wanted: quantity,
                        available: lot.issued_out,
                    })
                }
                None => None,
            };
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::AmmoExpend {
                    lot_id: lot.id,
                    from_location,
                    quantity,
                    reference,
                },
            )
        })
    }

    /// An inspection sets the lot's condition, with a note of what was found.
    pub fn ammo_inspect(
        &mut self,
        actor: &Actor,
        lot: &str,
        condition: AmmoCondition,
        note: &str,
    ) -> Result<i64> {
        actor.require("inspect ammunition", &INSPECTORS)?;
        let note = required(note, "a note of what was found", "an inspection")?;
        self.write(|w| {
            let lot = lot_in(w.conn, lot)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::AmmoInspect {
                    lot_id: lot.id,
                    previous: lot.condition,
                    condition,
                    note,
                },
            )
        })
    }

    /// One lot by id or lot number, with its quantity per location.
    pub fn ammo_lot(&self, key: &str) -> Result<LotView> {
        let id = lot_in(&self.conn, key)?.id;
        lot_views(&self.conn, Some(&id))?
            .pop()
            .ok_or_else(|| CustodyError::UnknownLot(key.trim().to_string()))
    }

    /// Every lot, oldest first.
    pub fn ammo_lots(&self) -> Result<Vec<LotView>> {
        lot_views(&self.conn, None)
    }
}

fn lot_views(conn: &Connection, only: Option<&str>) -> Result<Vec<LotView>> {
    let mut stmt = conn.prepare(
        "SELECT id, ammo_type, description, calibre, manufacturer, lot_number, year, hazard,
                neq_kg, unit, units_per_package, origin, found_at, condition, received,
                issued_out, expended,
                (SELECT coalesce(sum(quantity), 0) FROM ammo_stock s WHERE s.lot_id = l.id)
         FROM ammo_lots l WHERE ?1 IS NULL OR id = ?1 ORDER BY received_seq",
    )?;
    let count = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<u64> {
        Ok(r.get::<_, i64>(i)?.max(0) as u64)
    };
    let mut lots: Vec<LotView> = stmt
        .query_map([only], |r| {
            Ok(LotView {
                id: r.get(0)?,
                lot: LotRecord {
                    ammo_type: r.get(1)?,
                    description: r.get(2)?,
                    calibre: r.get(3)?,
                    manufacturer: r.get(4)?,
                    lot_number: r.get(5)?,
                    year: r.get(6)?,
                    hazard: r.get(7)?,
                    neq_kg: r.get(8)?,
                    unit: r.get::<_, String>(9)?.parse().unwrap_or_default(),
                    units_per_package: r.get(10)?,
                    origin: r.get::<_, String>(11)?.parse().unwrap_or_default(),
                    found_at: r.get(12)?,
                },
                condition: r.get::<_, String>(13)?.parse().unwrap_or_default(),
                received: count(r, 14)?,
                issued_out: count(r, 15)?,
                expended: count(r, 16)?,
                in_store: count(r, 17)?,
                stock: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stock = conn.prepare(
        "SELECT l.name, s.quantity FROM ammo_stock s JOIN locations l ON l.id = s.location_id
         WHERE s.lot_id = ?1 ORDER BY l.name",
    )?;
    for lot in &mut lots {
        lot.stock = stock
            .query_map([&lot.id], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(lots)
}

/// Applies an ammunition event to the projections (called by `projection::apply` only).
pub(crate) fn apply(conn: &Connection, seq: i64, body: &EventBody) -> Result<()> {
    let once = |changed: usize, what: &str| crate::projection::once(changed, what);
    let touch = |lot_id: &str, sql: &str, quantity: u64| -> Result<usize> {
        Ok(conn
            .prepare_cached(&format!(
                "UPDATE ammo_lots SET {sql}, last_seq = ?2 WHERE id = ?1"
            ))?
            .execute(params![lot_id, seq, quantity as i64])?)
    };
    // A location's stock goes down only as far as zero; an emptied row is removed.
    let take = |lot_id: &str, location_id: &str, quantity: u64| -> Result<()> {
        let changed = conn
            .prepare_cached(
                "UPDATE ammo_stock SET quantity = quantity - ?3, last_seq = ?4
                 WHERE lot_id = ?1 AND location_id = ?2 AND quantity >= ?3",
            )?
            .execute(params![lot_id, location_id, quantity as i64, seq])?;
        once(
            changed,
            "more ammunition was taken from a location than it held",
        )?;
        conn.prepare_cached(
            "DELETE FROM ammo_stock WHERE lot_id = ?1 AND location_id = ?2 AND quantity = 0",
        )?
        .execute(params![lot_id, location_id])?;
        Ok(())
    };
    let put = |lot_id: &str, location_id: &str, quantity: u64| -> Result<()> {
        conn.prepare_cached(
            "INSERT INTO ammo_stock (lot_id, location_id, quantity, last_seq) VALUES (?1,?2,?3,?4)
             ON CONFLICT(lot_id, location_id) DO UPDATE
             SET quantity = quantity + excluded.quantity, last_seq = excluded.last_seq",
        )?
        .execute(params![lot_id, location_id, quantity as i64, seq])?;
        Ok(())
    };
    match body {
        EventBody::AmmoReceive {
            lot_id,
            location_id,
            quantity,
            condition,
            lot,
        } => {
            conn.prepare_cached(
                "INSERT INTO ammo_lots (id, ammo_type, description, calibre, manufacturer,
                 lot_number, identity_key, year, hazard, neq_kg, unit, units_per_package, origin,
                 found_at, condition, received, issued_out, expended, received_seq, last_seq)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,0,0,?17,?17)",
            )?
            .execute(params![
                lot_id,
                lot.ammo_type,
                lot.description,
                lot.calibre,
                lot.manufacturer,
                lot.lot_number,
                identity_key(lot),
                lot.year,
                lot.hazard,
                lot.neq_kg,
                lot.unit.as_str(),
                lot.units_per_package,
                lot.origin.as_str(),
                lot.found_at,
                condition.as_str(),
                *quantity as i64,
                seq
            ])?;
            put(lot_id, location_id, *quantity)?;
        }
        EventBody::AmmoSplit {
            lot_id,
            from_location,
            to_location,
            quantity,
        } => {
            let changed = conn
                .prepare_cached("UPDATE ammo_lots SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![lot_id, seq])?;
            once(changed, "unknown lot split")?;
            take(lot_id, from_location, *quantity)?;
            put(lot_id, to_location, *quantity)?;
        }
        EventBody::AmmoIssue {
            lot_id,
            from_location,
            quantity,
            ..
        } => {
            take(lot_id, from_location, *quantity)?;
            once(
                touch(lot_id, "issued_out = issued_out + ?3", *quantity)?,
                "unknown lot issued",
            )?;
        }
        EventBody::AmmoReturn {
            lot_id,
            to_location,
            quantity,
            ..
        } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE ammo_lots SET issued_out = issued_out - ?3, last_seq = ?2
                     WHERE id = ?1 AND issued_out >= ?3",
                )?
                .execute(params![lot_id, seq, *quantity as i64])?;
            once(changed, "more ammunition came back than was issued out")?;
            put(lot_id, to_location, *quantity)?;
        }
        EventBody::AmmoExpend {
            lot_id,
            from_location,
            quantity,
            ..
        } => {
            let changed = match from_location {
                Some(place) => {
                    take(lot_id, place, *quantity)?;
                    touch(lot_id, "expended = expended + ?3", *quantity)?
                }
                None => conn
                    .prepare_cached(
                        "UPDATE ammo_lots SET issued_out = issued_out - ?3,
                         expended = expended + ?3, last_seq = ?2
                         WHERE id = ?1 AND issued_out >= ?3",
                    )?
                    .execute(params![lot_id, seq, *quantity as i64])?,
            };
            once(changed, "more ammunition was expended than was issued out")?;
        }
        EventBody::AmmoInspect {
            lot_id, condition, ..
        } => {
            let changed = conn
                .prepare_cached("UPDATE ammo_lots SET condition = ?3, last_seq = ?2 WHERE id = ?1")?
                .execute(params![lot_id, seq, condition.as_str()])?;
            once(changed, "unknown lot inspected")?;
        }
        _ => {}
    }
    Ok(())
}

/// Quantities of one lot as the events say, for the conservation check.
#[derive(Debug, Default, Clone)]
struct LotCount {
    label: String,
    received: u64,
    store: HashMap<String, u64>,
    issued_out: u64,
    expended: u64,
}

impl LotCount {
    fn in_store(&self) -> u64 {
        self.store.values().sum()
    }
}

/// Conservation of every lot, counted from the events alone (`custody verify`): received =
/// in store + issued out + expended (+ destroyed + transferred out, zero until destruction and
/// handover by quantity exist). An event that takes more than is there names its lot.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    lots: HashMap<String, LotCount>,
}

impl Tally {
    /// Counts one event; an ammunition event that does not add up is a problem at `seq`.
    pub(crate) fn count(&mut self, seq: i64, body: &EventBody) -> std::result::Result<(), Problem> {
        let problem = |lot: &LotCount, what: String| Problem {
            seq: Some(seq),
            what: format!("ammunition lot {}: {what}", lot.label),
        };
        let unknown = |lot_id: &str| Problem {
            seq: Some(seq),
            what: format!("ammunition lot {lot_id}: the event names a lot never received"),
        };
        let take = |lot: &mut LotCount, place: &str, q: u64| match lot.store.get_mut(place) {
            Some(held) if *held >= q => {
                *held -= q;
                Ok(())
            }
            held => {
                let held = held.copied().unwrap_or(0);
                Err(problem(
                    lot,
                    format!("the events take {q} from location {place}, which holds {held}"),
                ))
            }
        };
        match body {
            EventBody::AmmoReceive {
                lot_id,
                location_id,
                quantity,
                lot,
                ..
            } => {
                if self.lots.contains_key(lot_id) {
                    return Err(Problem {
                        seq: Some(seq),
                        what: format!("ammunition lot {lot_id} is received twice"),
                    });
                }
                let mut count = LotCount {
                    label: lot_label(&lot.lot_number, lot_id),
                    received: *quantity,
                    ..LotCount::default()
                };
                count.store.insert(location_id.clone(), *quantity);
                self.lots.insert(lot_id.clone(), count);
            }
            EventBody::AmmoSplit {
                lot_id,
                from_location,
                to_location,
                quantity,
            } => {
                let lot = self.lots.get_mut(lot_id).ok_or_else(|| unknown(lot_id))?;
                take(lot, from_location, *quantity)?;
                *lot.store.entry(to_location.clone()).or_default() += quantity;
            }
            EventBody::AmmoIssue {
                lot_id,
                from_location,
                quantity,
                ..
            } => {
                let lot = self.lots.get_mut(lot_id).ok_or_else(|| unknown(lot_id))?;
                take(lot, from_location, *quantity)?;
                lot.issued_out += quantity;
            }
            EventBody::AmmoReturn {
                lot_id,
                to_location,
                quantity,
                ..
            } => {
                let lot = self.lots.get_mut(lot_id).ok_or_else(|| unknown(lot_id))?;
                if lot.issued_out < *quantity {
                    let out = lot.issued_out;
                    return Err(problem(
                        lot,
                        format!("the events return {quantity} while {out} are issued out"),
                    ));
                }
                lot.issued_out -= quantity;
                *lot.store.entry(to_location.clone()).or_default() += quantity;
            }
            EventBody::AmmoExpend {
                lot_id,
                from_location,
                quantity,
                ..
            } => {
                let lot = self.lots.get_mut(lot_id).ok_or_else(|| unknown(lot_id))?;
                match from_location {
                    Some(place) => take(lot, place, *quantity)?,
                    None if lot.issued_out < *quantity => {
                        let out = lot.issued_out;
                        return Err(problem(
                            lot,
                            format!("the events expend {quantity} while {out} are issued out"),
                        ));
                    }
                    None => lot.issued_out -= quantity,
                }
                lot.expended += quantity;
            }
            EventBody::AmmoInspect { lot_id, .. } if !self.lots.contains_key(lot_id) => {
                return Err(unknown(lot_id));
            }
            _ => {}
        }
        Ok(())
    }

    /// Compares the stored projections with the events' count, lot by lot: the first lot whose
    /// stored quantities do not add up to what the events received is named.
    pub(crate) fn check_stored(&self, conn: &Connection) -> Result<Option<Problem>> {
        let mut ids: Vec<&String> = self.lots.keys().collect();
        ids.sort();
        let mut stored_lot = conn.prepare(
            "SELECT received, issued_out, expended, last_seq,
                    (SELECT coalesce(sum(quantity), 0) FROM ammo_stock s WHERE s.lot_id = l.id)
             FROM ammo_lots l WHERE id = ?1",
        )?;
        for id in ids {
            let lot = &self.lots[id];
            // Every counted event moves a quantity and none makes one, so this holds unless
            // the count itself is wrong; said as a problem rather than assumed.
            let counted = lot.in_store() + lot.issued_out + lot.expended;
            if counted != lot.received {
                return Ok(Some(Problem {
                    seq: None,
                    what: format!(
                        "ammunition lot {}: the events received {} but account for {counted}",
                        lot.label, lot.received
                    ),
                }));
            }
            let stored: Option<(i64, i64, i64, i64, i64)> = stored_lot
                .query_row([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?;
            let Some((received, out, expended, last_seq, in_store)) = stored else {
                return Ok(Some(Problem {
                    seq: None,
                    what: format!(
                        "ammunition lot {}: received {} by the events, but the stored projections have no such lot; run `custody rebuild` after investigating",
                        lot.label, lot.received
                    ),
                }));
            };
            let accounted = in_store + out + expended;
            let expected = (
                lot.received as i64,
                lot.in_store() as i64,
                lot.issued_out as i64,
                lot.expended as i64,
            );
            if accounted != lot.received as i64 || (received, in_store, out, expended) != expected {
                return Ok(Some(Problem {
                    seq: Some(last_seq),
                    what: format!(
                        "ammunition lot {}: the events received {} (in store {}, issued out {}, expended {}), but the stored projections account for {accounted} of {received} (in store {in_store}, issued out {out}, expended {expended}); run `custody rebuild` after investigating",
                        lot.label, lot.received, expected.1, expected.2, expected.3
                    ),
                }));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazard_codes_follow_the_un_divisions_and_compatibility_groups() {
        for good in ["1.1A", "1.2E", "1.4S", "1.6N", "1.3l", " 1.5 D "] {
            assert!(check_hazard(good).is_ok(), "{good}");
        }
        assert_eq!(check_hazard("1.3l").unwrap(), "1.3L");
        for bad in [
            "1.7C", "1.0C", "1.4I", "1.4M", "1.4", "2.1A", "1.4SS", "", "1,4S",
        ] {
            assert!(
                matches!(check_hazard(bad), Err(CustodyError::BadHazardCode(ref t)) if t == bad),
                "{bad}"
            );
        }
    }

    #[test]
    fn neq_is_canonical_decimal_kilograms() {
        assert_eq!(check_neq("0.00320").unwrap(), "0.0032");
        assert_eq!(check_neq("2.000").unwrap(), "2");
        assert_eq!(check_neq("12").unwrap(), "12");
        for bad in ["", "-1", "1e3", "0.0000001", "1.2.3", ".5", "100001", "abc"] {
            assert!(check_neq(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn units_and_conditions_read_their_own_names() {
        for c in [
            AmmoCondition::Serviceable,
            AmmoCondition::Unserviceable,
            AmmoCondition::AwaitingInspection,
            AmmoCondition::ForDisposal,
        ] {
            assert_eq!(c.as_str().parse::<AmmoCondition>().unwrap(), c);
        }
        assert_eq!(
            "for disposal".parse::<AmmoCondition>().unwrap(),
            AmmoCondition::ForDisposal
        );
        assert_eq!(
            "Kilograms".parse::<AmmoUnit>().unwrap(),
            AmmoUnit::Kilograms
        );
        assert!("boxes".parse::<AmmoUnit>().is_err());
    }
}
