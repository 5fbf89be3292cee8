//! Ammunition and explosive ordnance, managed by lot and quantity (IATG 03.10 inventory
//! management, 03.20 lotting and batching): a lot is received with a quantity at a location,
//! split between locations, issued to a unit or person, returned, expended and inspected.
//!
//! Rules: quantities are positive whole numbers; no quantity ever goes negative, anywhere
//! (the refusal says how much is there); lots are never merged (a split keeps the lot, and a
//! second lot with the same manufacturer, lot number and calibre is refused as a duplicate).
//! Conservation — received + found = in store + issued out + expended + destroyed + transferred
//! out + lost + lost in transit — is checked by `custody verify` from the events alone ([`Tally`]). Found and lost
//! come only from a counted stocktake's co-signed adjustment (crates/core/src/ammo_count.rs);
//! destroyed and transferred out from destruction batches and handovers
//! (crates/core/src/ammo_disposal.rs). Every event that adds to a location (receive, split,
//! return) first passes the location's storage limits (crates/core/src/limits.rs).

use crate::domain::{Origin, Role};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{new_id, Actor, Ledger, Writer};
use crate::refusal::{Refusal, StockPlace};
use crate::verify::Problem;
use crate::workflows::{location_id_of, HANDLERS};
use custody_codes::{LabelCode, LabelKind};
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

pub(crate) fn check_quantity(quantity: i64) -> Result<u64> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(quantity as u64)
    } else {
        Err(CustodyError::BadQuantity {
            given: quantity,
            max: MAX_QUANTITY,
        })
    }
}

pub(crate) fn required(text: &str, field: &'static str, action: &'static str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        Err(CustodyError::AmmoFieldRequired { field, action })
    } else {
        Ok(t.to_string())
    }
}

/// The lot with the record's fields trimmed and checked.
pub(crate) fn checked_lot(lot: LotRecord) -> Result<LotRecord> {
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
pub(crate) fn identity_key(lot: &LotRecord) -> String {
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

/// A quantity of a lot at a location, in a destruction batch or a handover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotLine {
    pub lot_id: String,
    pub location_id: String,
    pub quantity: u64,
}

/// A lot as a handover bundle carries it: the sender's lot id, its record and condition, and
/// the quantity dispatched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleLot {
    pub lot_id: String,
    pub lot: LotRecord,
    pub condition: AmmoCondition,
    pub quantity: u64,
}

/// A lot of a handover as the receiver counted it: the sender's lot id, the receiver's new lot
/// id (empty when nothing arrived) and the quantity counted on arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedLot {
    pub lot_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub new_lot_id: String,
    /// Where the receiver stored it (in the `handover.accept` only; omitted when nothing
    /// arrived and in the receipt).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location_id: String,
    pub quantity: u64,
}

/// A lot shortfall of a handover settled at the sender as lost in transit: the quantity
/// dispatched but not counted on arrival (or part of what was left of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledLot {
    pub lot_id: String,
    pub quantity: u64,
}

/// The lot's own Custody label code (kind `A`), derived from its id: the lot needs no event
/// to have one, and every site and every rebuild derives the same.
pub fn lot_label_code(lot_id: &str) -> LabelCode {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(lot_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    LabelCode::from_number(LabelKind::Lot, u64::from_be_bytes(first) & ((1 << 50) - 1))
}

/// The label code printed on each package of the lot (kind `K`, the lot code's number).
pub fn package_label_code(lot_id: &str) -> LabelCode {
    LabelCode::from_number(LabelKind::Package, lot_label_code(lot_id).number())
}

/// A lot as the projections show it now.
#[derive(Debug, Clone, Serialize)]
pub struct LotView {
    pub id: String,
    /// The lot label's code and the code on each of its packages.
    pub label_code: String,
    pub package_code: String,
    #[serde(flatten)]
    pub lot: LotRecord,
    pub condition: AmmoCondition,
    pub received: u64,
    pub in_store: u64,
    pub issued_out: u64,
    pub expended: u64,
    /// Counted more than expected in a stocktake (co-signed adjustments).
    pub found: u64,
    /// Counted less than expected in a stocktake (co-signed adjustments).
    pub lost: u64,
    pub destroyed: u64,
    pub transferred_out: u64,
    /// Handed over but not counted on arrival, settled at this (sending) site.
    pub lost_in_transit: u64,
    /// The order the lot is held on; empty when it is not on legal hold.
    pub legal_hold: String,
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
pub(crate) struct LotState {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) condition: AmmoCondition,
    pub(crate) issued_out: u64,
    pub(crate) hazard: String,
    pub(crate) neq_kg: String,
    pub(crate) units_per_package: u64,
    /// The hold order, empty when none.
    pub(crate) legal_hold: String,
}

impl LotState {
    /// Refuses `quantity` of this lot at a location whose storage limits do not allow it.
    pub(crate) fn check_room(
        &self,
        conn: &Connection,
        location_id: &str,
        quantity: u64,
    ) -> Result<()> {
        let add = crate::limits::Addition {
            hazard: &self.hazard,
            neq_kg: &self.neq_kg,
            quantity,
        };
        crate::limits::check_addition(conn, location_id, &add)
    }
}

pub(crate) fn lot_label(lot_number: &str, id: &str) -> String {
    if lot_number.is_empty() {
        id.to_string()
    } else {
        format!("{lot_number} ({id})")
    }
}

/// Finds a lot by its id or by its lot number when only one lot has it.
pub(crate) fn lot_in(conn: &Connection, key: &str) -> Result<LotState> {
    let key = key.trim();
    // A lot or package label scanned or typed finds its lot by the lot's label code.
    let by_label = LabelCode::parse(key)
        .ok()
        .filter(|c| matches!(c.kind(), LabelKind::Lot | LabelKind::Package))
        .map(|c| LabelCode::from_number(LabelKind::Lot, c.number()).to_string());
    let key = by_label.as_deref().unwrap_or(key);
    let mut stmt = conn.prepare_cached(
        "SELECT id, lot_number, condition, issued_out, hazard, neq_kg, units_per_package,
                legal_hold
         FROM ammo_lots
         WHERE id = ?1 OR label_code = ?1
            OR (lot_number = ?1 COLLATE NOCASE AND lot_number <> '') ORDER BY id",
    )?;
    let mut found: Vec<LotState> = stmt
        .query_map([key], |r| {
            let id: String = r.get(0)?;
            let number: String = r.get(1)?;
            Ok(LotState {
                label: lot_label(&number, &id),
                id,
                condition: r.get::<_, String>(2)?.parse().unwrap_or_default(),
                issued_out: r.get::<_, i64>(3)?.max(0) as u64,
                hazard: r.get(4)?,
                neq_kg: r.get(5)?,
                units_per_package: r.get::<_, i64>(6)?.max(1) as u64,
                legal_hold: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if found.len() > 1 {
        return Err(CustodyError::AmbiguousLot {
            key: key.to_string(),
            ids: found
                .iter()
                .map(|l| l.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    found
        .pop()
        .ok_or_else(|| CustodyError::UnknownLot(key.to_string()))
}

/// How many units of a lot a location holds.
pub(crate) fn stock_at(conn: &Connection, lot_id: &str, location_id: &str) -> Result<u64> {
    let q: Option<i64> = conn
        .prepare_cached("SELECT quantity FROM ammo_stock WHERE lot_id = ?1 AND location_id = ?2")?
        .query_row(params![lot_id, location_id], |r| r.get(0))
        .optional()?;
    Ok(q.unwrap_or(0).max(0) as u64)
}

/// Refuses to take `wanted` from a location holding less, saying how much is there.
pub(crate) fn take_from(
    conn: &Connection,
    lot: &LotState,
    location_id: &str,
    wanted: u64,
) -> Result<()> {
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
            receive_in(w, actor, &lot, quantity, location_id, condition)
        })
    }
}

/// Receives a checked lot at a location inside the caller's write: refused as a duplicate lot
/// or over the location's limits. Returns the new lot's id and the event.
pub(crate) fn receive_in(
    w: &mut Writer<'_>,
    actor: &Actor,
    lot: &LotRecord,
    quantity: u64,
    location_id: String,
    condition: AmmoCondition,
) -> Result<(String, i64)> {
    receive_as(w, actor, new_id(), lot, quantity, location_id, condition)
}

/// [`receive_in`] under a given lot id: a lot arriving from another site keeps the sender's,
/// so that its label codes stay valid and it is known again if it comes back.
pub(crate) fn receive_as(
    w: &mut Writer<'_>,
    actor: &Actor,
    lot_id: String,
    lot: &LotRecord,
    quantity: u64,
    location_id: String,
    condition: AmmoCondition,
) -> Result<(String, i64)> {
    let key = identity_key(lot);
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
}

impl Ledger {
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

pub(crate) fn lot_views(conn: &Connection, only: Option<&str>) -> Result<Vec<LotView>> {
    let mut stmt = conn.prepare(
        "SELECT id, ammo_type, description, calibre, manufacturer, lot_number, year, hazard,
                neq_kg, unit, units_per_package, origin, found_at, condition, received,
                issued_out, expended,
                (SELECT coalesce(sum(quantity), 0) FROM ammo_stock s WHERE s.lot_id = l.id),
                found, lost, destroyed, transferred_out, legal_hold, lost_in_transit
         FROM ammo_lots l WHERE ?1 IS NULL OR id = ?1 ORDER BY received_seq",
    )?;
    let count = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<u64> {
        Ok(r.get::<_, i64>(i)?.max(0) as u64)
    };
    let mut lots: Vec<LotView> = stmt
        .query_map([only], |r| {
            let id: String = r.get(0)?;
            Ok(LotView {
                label_code: lot_label_code(&id).to_string(),
                package_code: package_label_code(&id).to_string(),
                id,
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
                found: count(r, 18)?,
                lost: count(r, 19)?,
                destroyed: count(r, 20)?,
                transferred_out: count(r, 21)?,
                legal_hold: r.get(22)?,
                lost_in_transit: count(r, 23)?,
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
                 found_at, condition, received, issued_out, expended, received_seq, last_seq,
                 label_code)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,0,0,?17,?17,?18)",
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
                seq,
                lot_label_code(lot_id).to_string()
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
        EventBody::AmmoCount {
            stocktake_id,
            lot_id,
            location_id,
            packages,
            loose,
            quantity,
            ..
        } => {
            conn.prepare_cached(
                "INSERT INTO stocktake_ammo (stocktake_id, lot_id, location_id, expected, packages,
                 loose, counted) VALUES (?1,?2,?3,0,?4,?5,?6)
                 ON CONFLICT(stocktake_id, lot_id, location_id) DO UPDATE
                 SET packages = packages + excluded.packages, loose = loose + excluded.loose,
                     counted = counted + excluded.counted",
            )?
            .execute(params![
                stocktake_id,
                lot_id,
                location_id,
                *packages as i64,
                *loose as i64,
                *quantity as i64
            ])?;
        }
        EventBody::AmmoAdjust {
            stocktake_id,
            lot_id,
            location_id,
            expected,
            counted,
            reason,
        } => {
            let changed = if counted >= expected {
                put(lot_id, location_id, counted - expected)?;
                touch(lot_id, "found = found + ?3", counted - expected)?
            } else {
                take(lot_id, location_id, expected - counted)?;
                touch(lot_id, "lost = lost + ?3", expected - counted)?
            };
            once(changed, "unknown lot adjusted")?;
            let changed = conn
                .prepare_cached(
                    "UPDATE stocktake_ammo SET reason = ?4, adjusted_seq = ?5
                     WHERE stocktake_id = ?1 AND lot_id = ?2 AND location_id = ?3
                       AND reason IS NULL",
                )?
                .execute(params![stocktake_id, lot_id, location_id, reason, seq])?;
            once(changed, "a count line was adjusted that was not open")?;
        }
        EventBody::AmmoTransferIn {
            lot_id,
            location_id,
            quantity,
            condition,
            ..
        } => {
            once(
                touch(lot_id, "received = received + ?3", *quantity)?,
                "an unknown lot was transferred in",
            )?;
            conn.prepare_cached("UPDATE ammo_lots SET condition = ?2 WHERE id = ?1")?
                .execute(params![lot_id, condition.as_str()])?;
            put(lot_id, location_id, *quantity)?;
        }
        EventBody::HandoverSettle {
            manifest_id, lots, ..
        } => {
            for l in lots {
                once(
                    touch(
                        &l.lot_id,
                        "transferred_out = transferred_out - ?3,
                         lost_in_transit = lost_in_transit + ?3",
                        l.quantity,
                    )?,
                    "an unknown lot was settled as lost in transit",
                )?;
                // The shortfall is settled on the manifest's lines of the lot in turn.
                let left = spread(conn, manifest_id, &l.lot_id, Column::Settled, l.quantity)?;
                if left > 0 {
                    return Err(CustodyError::Damaged(format!(
                        "more of lot {} was settled as lost in transit than arrived short",
                        l.lot_id
                    )));
                }
            }
        }
        EventBody::AmmoHold {
            lot_id,
            held,
            order,
        } => {
            let order = if *held { order.as_str() } else { "" };
            let changed = conn
                .prepare_cached(
                    "UPDATE ammo_lots SET legal_hold = ?3, last_seq = ?2 WHERE id = ?1",
                )?
                .execute(params![lot_id, seq, order])?;
            once(changed, "unknown lot held")?;
        }
        EventBody::DestructionAddLot {
            batch_id,
            lot_id,
            location_id,
            quantity,
        } => {
            conn.prepare_cached(
                "INSERT INTO destruction_lots (batch_id, lot_id, location_id, quantity)
                 VALUES (?1,?2,?3,?4)",
            )?
            .execute(params![batch_id, lot_id, location_id, *quantity as i64])?;
            conn.prepare_cached("UPDATE destruction_batches SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![batch_id, seq])?;
        }
        EventBody::DestructionRemoveLot {
            batch_id,
            lot_id,
            location_id,
            ..
        } => {
            let changed = conn
                .prepare_cached(
                    "DELETE FROM destruction_lots
                     WHERE batch_id = ?1 AND lot_id = ?2 AND location_id = ?3",
                )?
                .execute(params![batch_id, lot_id, location_id])?;
            once(changed, "a lot not in the batch was removed from it")?;
            conn.prepare_cached("UPDATE destruction_batches SET last_seq = ?2 WHERE id = ?1")?
                .execute(params![batch_id, seq])?;
        }
        // The quantity side of events that belong to other workflows.
        EventBody::StocktakeOpen {
            stocktake_id,
            location_ids,
            ..
        } => {
            // The expected quantities are the stock in scope when the count opened.
            conn.prepare_cached(
                "INSERT INTO stocktake_ammo (stocktake_id, lot_id, location_id, expected, packages,
                 loose, counted)
                 SELECT ?1, lot_id, location_id, quantity, 0, 0, 0 FROM ammo_stock
                 WHERE ?2 OR location_id IN
                       (SELECT location_id FROM stocktake_locations WHERE stocktake_id = ?1)",
            )?
            .execute(params![stocktake_id, location_ids.is_empty()])?;
        }
        EventBody::DestructionExecute { lots, .. } => {
            for l in lots {
                take(&l.lot_id, &l.location_id, l.quantity)?;
                once(
                    touch(&l.lot_id, "destroyed = destroyed + ?3", l.quantity)?,
                    "unknown lot destroyed",
                )?;
            }
        }
        EventBody::HandoverDispatch {
            manifest_id, lots, ..
        } => {
            for l in lots {
                take(&l.lot_id, &l.location_id, l.quantity)?;
                once(
                    touch(
                        &l.lot_id,
                        "transferred_out = transferred_out + ?3",
                        l.quantity,
                    )?,
                    "unknown lot handed over",
                )?;
                conn.prepare_cached(
                    "INSERT INTO handover_lots (manifest_id, lot_id, location_id, quantity)
                     VALUES (?1,?2,?3,?4)",
                )?
                .execute(params![
                    manifest_id,
                    l.lot_id,
                    l.location_id,
                    l.quantity as i64
                ])?;
            }
        }
        EventBody::HandoverImport {
            manifest_id, lots, ..
        } => {
            for l in lots {
                conn.prepare_cached(
                    "INSERT INTO handover_lots (manifest_id, lot_id, location_id, quantity)
                     VALUES (?1,?2,'',?3)",
                )?
                .execute(params![manifest_id, l.lot_id, l.quantity as i64])?;
            }
        }
        EventBody::HandoverAccept {
            manifest_id, lots, ..
        }
        | EventBody::HandoverReceipt {
            manifest_id, lots, ..
        } => {
            for l in lots.iter().filter(|l| !l.location_id.is_empty()) {
                // The receiver's one line of an imported lot: where it was stored here.
                conn.prepare_cached(
                    "UPDATE handover_lots SET location_id = ?3
                     WHERE manifest_id = ?1 AND lot_id = ?2 AND location_id = ''",
                )?
                .execute(params![manifest_id, l.lot_id, l.location_id])?;
            }
            for l in lots {
                // A lot dispatched from several locations has a line for each: what arrived
                // fills them in turn (the last takes any excess), so the lines add up.
                spread(conn, manifest_id, &l.lot_id, Column::Received, l.quantity)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Which quantity of a handover's lot lines [`spread`] adds to.
#[derive(Clone, Copy, PartialEq)]
enum Column {
    Received,
    Settled,
}

/// Adds `quantity` of a lot to the handover's lines of it in location order, each line up to
/// what it still has open (dispatched less counted, or less counted and settled). What was
/// counted beyond every line goes on the last; what is settled never exceeds the lines: the
/// rest is returned.
fn spread(
    conn: &Connection,
    manifest_id: &str,
    lot_id: &str,
    column: Column,
    quantity: u64,
) -> Result<i64> {
    let (open, update) = match column {
        Column::Received => (
            "quantity - coalesce(received, 0)",
            "received = coalesce(received, 0) + ?4",
        ),
        Column::Settled => (
            "quantity - coalesce(received, 0) - settled",
            "settled = settled + ?4",
        ),
    };
    let lines: Vec<(String, i64)> = conn
        .prepare_cached(&format!(
            "SELECT location_id, {open} FROM handover_lots
             WHERE manifest_id = ?1 AND lot_id = ?2 ORDER BY location_id"
        ))?
        .query_map(params![manifest_id, lot_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut left = quantity as i64;
    let last = lines.len().saturating_sub(1);
    for (n, (location_id, open)) in lines.into_iter().enumerate() {
        let part = if n == last && column == Column::Received {
            left
        } else {
            open.clamp(0, left)
        };
        left -= part;
        conn.prepare_cached(&format!(
            "UPDATE handover_lots SET {update}
             WHERE manifest_id = ?1 AND lot_id = ?2 AND location_id = ?3"
        ))?
        .execute(params![manifest_id, lot_id, location_id, part])?;
    }
    Ok(left)
}

/// Quantities of one lot as the events say, for the conservation check.
#[derive(Debug, Default, Clone)]
struct LotCount {
    label: String,
    received: u64,
    store: HashMap<String, u64>,
    issued_out: u64,
    expended: u64,
    found: u64,
    lost: u64,
    destroyed: u64,
    transferred_out: u64,
    lost_in_transit: u64,
}

impl LotCount {
    fn in_store(&self) -> u64 {
        self.store.values().sum()
    }

    /// What the lot's quantity went to: the right-hand side of the conservation sum.
    fn accounted(&self) -> u64 {
        self.in_store()
            + self.issued_out
            + self.expended
            + self.destroyed
            + self.transferred_out
            + self.lost
            + self.lost_in_transit
    }
}

/// Conservation of every lot, counted from the events alone (`custody verify`): received +
/// found = in store + issued out + expended + destroyed + transferred out + lost + lost in
/// transit. An event that
/// takes more than is there names its lot.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    lots: HashMap<String, LotCount>,
}

impl Tally {
    /// Whether [`Tally::count`] needs this kind's payload: every ammunition event, and the
    /// destruction and handover events that carry lot lines.
    pub(crate) fn reads_kind(kind: &str) -> bool {
        kind.starts_with("ammo.")
            || matches!(
                kind,
                "destruction.add_lot"
                    | "destruction.execute"
                    | "handover.dispatch"
                    | "handover.settle"
            )
    }

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
            EventBody::AmmoTransferIn {
                lot_id,
                location_id,
                quantity,
                ..
            } => {
                let lot = self.lots.get_mut(lot_id).ok_or_else(|| unknown(lot_id))?;
                lot.received += quantity;
                *lot.store.entry(location_id.clone()).or_default() += quantity;
            }
            EventBody::HandoverSettle { lots, .. } => {
                for l in lots {
                    let lot = self
                        .lots
                        .get_mut(&l.lot_id)
                        .ok_or_else(|| unknown(&l.lot_id))?;
                    if lot.transferred_out < l.quantity {
                        let out = lot.transferred_out;
                        return Err(problem(
                            lot,
                            format!(
                                "the events settle {} as lost in transit while {out} are transferred out",
                                l.quantity
                            ),
                        ));
                    }
                    lot.transferred_out -= l.quantity;
                    lot.lost_in_transit += l.quantity;
                }
            }
            EventBody::AmmoInspect { lot_id, .. }
            | EventBody::AmmoHold { lot_id, .. }
            | EventBody::AmmoCount { lot_id, .. }
            | EventBody::DestructionAddLot { lot_id, .. }
                if !self.lots.contains_key(lot_id) =>
            {
                return Err(unknown(lot_id));
            }
            EventBody::AmmoAdjust {
                lot_id,
                location_id,
                expected,
                counted,
                ..
            } => {
                let lot = self.lots.get_mut(lot_id).ok_or_else(|| unknown(lot_id))?;
                if counted >= expected {
                    lot.found += counted - expected;
                    *lot.store.entry(location_id.clone()).or_default() += counted - expected;
                } else {
                    take(lot, location_id, expected - counted)?;
                    lot.lost += expected - counted;
                }
            }
            EventBody::DestructionExecute { lots, .. }
            | EventBody::HandoverDispatch { lots, .. } => {
                let destroyed = matches!(body, EventBody::DestructionExecute { .. });
                for l in lots {
                    let lot = self
                        .lots
                        .get_mut(&l.lot_id)
                        .ok_or_else(|| unknown(&l.lot_id))?;
                    take(lot, &l.location_id, l.quantity)?;
                    if destroyed {
                        lot.destroyed += l.quantity;
                    } else {
                        lot.transferred_out += l.quantity;
                    }
                }
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
                    (SELECT coalesce(sum(quantity), 0) FROM ammo_stock s WHERE s.lot_id = l.id),
                    found, lost, destroyed, transferred_out, lost_in_transit
             FROM ammo_lots l WHERE id = ?1",
        )?;
        for id in ids {
            let lot = &self.lots[id];
            // Every counted event moves a quantity and none makes one, so this holds unless
            // the count itself is wrong; said as a problem rather than assumed.
            let counted = lot.accounted();
            if counted != lot.received + lot.found {
                return Ok(Some(Problem {
                    seq: None,
                    what: format!(
                        "ammunition lot {}: the events received {} and found {} but account for {counted}",
                        lot.label, lot.received, lot.found
                    ),
                }));
            }
            let stored: Option<[i64; 10]> = stored_lot
                .query_row([id], |r| {
                    let mut row = [0i64; 10];
                    for (i, v) in row.iter_mut().enumerate() {
                        *v = r.get(i)?;
                    }
                    Ok(row)
                })
                .optional()?;
            let Some(
                [received, out, expended, last_seq, in_store, found, lost, destroyed, transferred, in_transit_lost],
            ) = stored
            else {
                return Ok(Some(Problem {
                    seq: None,
                    what: format!(
                        "ammunition lot {}: received {} by the events, but the stored projections have no such lot; run `custody rebuild` after investigating",
                        lot.label, lot.received
                    ),
                }));
            };
            let accounted =
                in_store + out + expended + destroyed + transferred + lost + in_transit_lost;
            let stored = [
                received,
                found,
                in_store,
                out,
                expended,
                destroyed,
                transferred,
                lost,
                in_transit_lost,
            ];
            let expected = [
                lot.received,
                lot.found,
                lot.in_store(),
                lot.issued_out,
                lot.expended,
                lot.destroyed,
                lot.transferred_out,
                lot.lost,
                lot.lost_in_transit,
            ]
            .map(|q| q as i64);
            if accounted != received + found || stored != expected {
                let terms = |q: &[i64; 9]| {
                    format!(
                        "received {}, found {} = in store {}, issued out {}, expended {}, destroyed {}, transferred out {}, lost {}, lost in transit {}",
                        q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]
                    )
                };
                return Ok(Some(Problem {
                    seq: Some(last_seq),
                    what: format!(
                        "ammunition lot {}: the events say {}, but the stored projections account for {accounted} of {} ({}); run `custody rebuild` after investigating",
                        lot.label,
                        terms(&expected),
                        received + found,
                        terms(&stored)
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
