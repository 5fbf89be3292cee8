//! Ammunition counted by quantity in a stocktake (IATG 03.10): for each lot at each location,
//! the counter records packages and loose units — blind, as for weapons: the counter sees only
//! what they counted, never what is expected. The expected quantities are the stock in scope
//! when the count opened. A line whose count differs is a quantity discrepancy; it is settled
//! only by an adjustment with a reason, signed by a reconciler and co-signed by a second
//! person — the one way a quantity is ever made or removed. The count closes (with the weapon
//! count, `custody stocktake close`) only when every such line is settled.

use crate::ammo::{lot_in, lot_label, required, take_from};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger, Writer};
use crate::refusal::SecondPersonFor;
use crate::stocktake::{COUNTERS, RECONCILERS};
use crate::workflows::location_id_of;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// The most packages or loose units one count entry may carry.
pub const MAX_COUNT: i64 = 10_000_000;

/// What the counter hears back: their own running count of this lot here, never the expected.
#[derive(Debug, Clone, Serialize)]
pub struct LotCountTally {
    pub seq: i64,
    pub lot: String,
    pub location: String,
    pub packages: u64,
    pub loose: u64,
    pub counted: u64,
}

/// One lot at one location in a count, for reconcilers: expected against counted.
#[derive(Debug, Clone, Serialize)]
pub struct LotCountLine {
    pub lot_id: String,
    /// The lot number as marked, with its id.
    pub lot: String,
    pub location_id: String,
    pub location: String,
    pub expected: u64,
    pub packages: u64,
    pub loose: u64,
    pub counted: u64,
    pub neq_kg: String,
    /// The adjustment's reason once the line was settled.
    pub reason: Option<String>,
}

impl LotCountLine {
    pub fn differs(&self) -> bool {
        self.counted != self.expected
    }

    pub fn unresolved(&self) -> bool {
        self.differs() && self.reason.is_none()
    }
}

/// The open stocktake's id and code, or a typed refusal.
fn open_count(conn: &Connection, stocktake: &str) -> Result<(String, String)> {
    let key = stocktake.trim();
    let code = crate::workflows::label_of_kind(key, custody_codes::LabelKind::Stocktake);
    let (id, code, state): (String, String, String) = conn
        .prepare_cached("SELECT id, code, state FROM stocktakes WHERE code = ?1 OR id = ?2")?
        .query_row(params![code, key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| CustodyError::UnknownStocktake(key.to_string()))?;
    if state != "open" {
        return Err(CustodyError::StocktakeClosed(code));
    }
    Ok((id, code))
}

fn check_count(given: i64, what: &'static str) -> Result<u64> {
    if (0..=MAX_COUNT).contains(&given) {
        Ok(given as u64)
    } else {
        Err(CustodyError::BadCount {
            what,
            given,
            max: MAX_COUNT,
        })
    }
}

fn location_name(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT name FROM locations WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| id.to_string()))
}

/// One entry of a count: a lot (id or number) at a location, packages and loose units, and the
/// package label when the entry is a scan.
pub(crate) struct CountEntry<'a> {
    pub lot: &'a str,
    pub location: &'a str,
    pub packages: u64,
    pub loose: u64,
    pub scanned: &'a str,
}

/// Records one count entry (in the caller's write) and returns the counter's running count.
pub(crate) fn count_in(
    w: &mut Writer<'_>,
    actor: &Actor,
    stocktake: &str,
    entry: &CountEntry<'_>,
) -> Result<LotCountTally> {
    let CountEntry {
        packages, loose, ..
    } = *entry;
    let (id, code) = open_count(w.conn, stocktake)?;
    let lot = lot_in(w.conn, entry.lot)?;
    let location_id = location_id_of(w.conn, entry.location)?;
    let (whole_site, in_scope): (bool, bool) = w.conn.query_row(
        "SELECT whole_site, EXISTS (SELECT 1 FROM stocktake_locations
                                    WHERE stocktake_id = ?1 AND location_id = ?2)
         FROM stocktakes WHERE id = ?1",
        params![id, location_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let place = location_name(w.conn, &location_id)?;
    if !whole_site && !in_scope {
        return Err(CustodyError::LocationNotInCount {
            stocktake: code,
            location: place,
        });
    }
    let quantity = packages
        .checked_mul(lot.units_per_package)
        .and_then(|q| q.checked_add(loose))
        .filter(|q| *q <= crate::ammo::MAX_QUANTITY as u64)
        .ok_or(CustodyError::BadCount {
            what: "packages",
            given: packages as i64,
            max: crate::ammo::MAX_QUANTITY / lot.units_per_package as i64,
        })?;
    let seq = w.append(
        Some(actor.person_id()),
        None,
        &EventBody::AmmoCount {
            stocktake_id: id.clone(),
            lot_id: lot.id.clone(),
            location_id: location_id.clone(),
            packages,
            loose,
            quantity,
            scanned: entry.scanned.to_string(),
        },
    )?;
    let (packages, loose, counted): (i64, i64, i64) = w.conn.query_row(
        "SELECT packages, loose, counted FROM stocktake_ammo
         WHERE stocktake_id = ?1 AND lot_id = ?2 AND location_id = ?3",
        params![id, lot.id, location_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(LotCountTally {
        seq,
        lot: lot.label,
        location: place,
        packages: packages as u64,
        loose: loose as u64,
        counted: counted as u64,
    })
}

/// Every lot line of a count: expected when it opened, counted since, and settlements.
pub(crate) fn lot_lines_in(conn: &Connection, stocktake_id: &str) -> Result<Vec<LotCountLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.lot_id, l.lot_number, c.location_id, coalesce(p.name, c.location_id),
                c.expected, c.packages, c.loose, c.counted, l.neq_kg, c.reason
         FROM stocktake_ammo c JOIN ammo_lots l ON l.id = c.lot_id
         LEFT JOIN locations p ON p.id = c.location_id
         WHERE c.stocktake_id = ?1 ORDER BY l.received_seq, p.name",
    )?;
    let lines = stmt
        .query_map([stocktake_id], |r| {
            let lot_id: String = r.get(0)?;
            let number: String = r.get(1)?;
            let q = |i: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
            Ok(LotCountLine {
                lot: lot_label(&number, &lot_id),
                lot_id,
                location_id: r.get(2)?,
                location: r.get(3)?,
                expected: q(4)?,
                packages: q(5)?,
                loose: q(6)?,
                counted: q(7)?,
                neq_kg: r.get(8)?,
                reason: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines)
}

impl Ledger {
    /// Records packages and loose units of a lot counted at a location during an open
    /// stocktake. Entries for the same lot and place add up. Blind: the reply is what this
    /// count found so far, never what is expected.
    pub fn ammo_count(
        &mut self,
        actor: &Actor,
        stocktake: &str,
        lot: &str,
        location: &str,
        packages: i64,
        loose: i64,
    ) -> Result<LotCountTally> {
        actor.require("count in a stocktake", &COUNTERS)?;
        let packages = check_count(packages, "packages")?;
        let loose = check_count(loose, "loose units")?;
        if packages == 0 && loose == 0 {
            return Err(CustodyError::NothingCounted);
        }
        let entry = CountEntry {
            lot,
            location,
            packages,
            loose,
            scanned: "",
        };
        self.write(|w| count_in(w, actor, stocktake, &entry))
    }

    /// The count's lot lines, expected against counted. For reconcilers only: the counter
    /// does not see the expected quantities.
    pub fn ammo_count_lines(&self, actor: &Actor, stocktake: &str) -> Result<Vec<LotCountLine>> {
        actor.require("see a stocktake's expected quantities", &RECONCILERS)?;
        let key = stocktake.trim();
        let code = crate::workflows::label_of_kind(key, custody_codes::LabelKind::Stocktake);
        let id: String = self
            .conn
            .prepare_cached("SELECT id FROM stocktakes WHERE code = ?1 OR id = ?2")?
            .query_row(params![code, key], |r| r.get(0))
            .optional()?
            .ok_or_else(|| CustodyError::UnknownStocktake(key.to_string()))?;
        lot_lines_in(&self.conn, &id)
    }

    /// Settles a quantity discrepancy: the lot's stock at the location goes from what was
    /// expected to what was counted, with a reason; signed by a reconciler and co-signed by a
    /// second, authenticated person. Returns the event's number.
    pub fn ammo_adjust(
        &mut self,
        reconciler: &Actor,
        cosigner: &Actor,
        stocktake: &str,
        lot: &str,
        location: &str,
        reason: &str,
    ) -> Result<i64> {
        reconciler.require("adjust a counted quantity", &RECONCILERS)?;
        cosigner.require("co-sign a quantity adjustment", &COUNTERS)?;
        if reconciler.person_id() == cosigner.person_id() {
            return Err(CustodyError::SecondPersonRequired {
                action: SecondPersonFor::QuantityAdjustment,
            });
        }
        let reason = required(reason, "a reason", "a quantity adjustment")?;
        self.write(|w| {
            let (id, code) = open_count(w.conn, stocktake)?;
            let lot = lot_in(w.conn, lot)?;
            let location_id = location_id_of(w.conn, location)?;
            let line = lot_lines_in(w.conn, &id)?
                .into_iter()
                .find(|l| l.lot_id == lot.id && l.location_id == location_id)
                .filter(LotCountLine::unresolved)
                .ok_or_else(|| CustodyError::NoQuantityDiscrepancy {
                    stocktake: code,
                    lot: lot.label.clone(),
                    location: location.trim().to_string(),
                })?;
            // Less counted than expected: what is taken away must still be there (stock may
            // have moved since the count opened).
            if line.counted < line.expected {
                take_from(w.conn, &lot, &location_id, line.expected - line.counted)?;
            }
            w.append(
                Some(reconciler.person_id()),
                Some(cosigner.person_id()),
                &EventBody::AmmoAdjust {
                    stocktake_id: id,
                    lot_id: lot.id,
                    location_id,
                    expected: line.expected,
                    counted: line.counted,
                    reason,
                },
            )
        })
    }
}
