//! Ammunition leaving the site's stock by quantity: lot lines in destruction batches (frozen,
//! re-counted and executed before two witnesses with the batch's items,
//! crates/core/src/destruction.rs) and in handovers (crates/core/src/handover.rs), and the
//! legal hold that keeps a lot from either. A lot line is a quantity of one lot at one
//! location; what open batches already hold of it there cannot go into another.

use crate::ammo::{
    check_quantity, identity_key, lot_in, receive_as, required, stock_at, BundleLot, LotLine,
    LotRecord, LotState, ReceivedLot, SettledLot,
};
use crate::destruction::{batch_row, require_open, PREPARERS};
use crate::domain::Origin;
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::evidence::EVIDENCE_ROLES;
use crate::ledger::{Actor, Ledger, Writer};
use crate::refusal::StockPlace;
use crate::workflows::location_id_of;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

/// A lot line of a batch or handover with what the documents print about it.
#[derive(Debug, Clone, Serialize)]
pub struct LotLineView {
    pub lot_id: String,
    pub lot_number: String,
    pub ammo_type: String,
    pub calibre: String,
    pub hazard: String,
    pub location: String,
    pub quantity: u64,
    pub unit: String,
    /// NEQ per unit and of the whole line, in kilograms (decimal text).
    pub neq_kg: String,
    pub line_neq_kg: String,
    /// The line's NEQ in milligrams, for exact totals.
    #[serde(skip)]
    pub line_neq_mg: u128,
    /// In a handover: what the receiver counted on arrival; None until counted (receiver) or
    /// until the receipt came back (sender).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
    /// In a handover sent from here: the shortfall settled as lost in transit.
    #[serde(skip_serializing_if = "is_zero")]
    pub lost_in_transit: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Totals of lot lines: units and NEQ in kilograms (decimal text, exact).
pub fn totals(lines: &[LotLineView]) -> (u64, String) {
    let units = lines.iter().map(|l| l.quantity).sum();
    let mg = lines.iter().map(|l| l.line_neq_mg).sum();
    (units, crate::limits::mg_to_kg(mg))
}

/// The text a lot line adds to a batch's list digest, beside the item codes.
pub(crate) fn line_key(l: &LotLine) -> String {
    format!("lot:{}@{}={}", l.lot_id, l.location_id, l.quantity)
}

/// Refuses a lot on legal hold.
pub(crate) fn refuse_held(lot: &LotState, action: &'static str) -> Result<()> {
    if lot.legal_hold.is_empty() {
        Ok(())
    } else {
        Err(CustodyError::LotOnHold {
            lot: lot.label.clone(),
            order: lot.legal_hold.clone(),
            action,
        })
    }
}

pub(crate) fn batch_lot_lines(conn: &Connection, batch_id: &str) -> Result<Vec<LotLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lot_id, location_id, quantity FROM destruction_lots WHERE batch_id = ?1
         ORDER BY lot_id, location_id",
    )?;
    let lines = stmt
        .query_map([batch_id], |r| {
            Ok(LotLine {
                lot_id: r.get(0)?,
                location_id: r.get(1)?,
                quantity: r.get::<_, i64>(2)?.max(0) as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines)
}

fn location_name(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT name FROM locations WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .unwrap_or_else(|_| id.to_string()))
}

/// What batches not yet executed or cancelled, other than `except`, hold of a lot at a place.
fn reserved(conn: &Connection, lot_id: &str, location_id: &str, except: &str) -> Result<u64> {
    let q: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(d.quantity), 0) FROM destruction_lots d
             JOIN destruction_batches b ON b.id = d.batch_id
             WHERE d.lot_id = ?1 AND d.location_id = ?2 AND d.batch_id <> ?3
               AND b.state IN ('open', 'frozen', 'recounted')",
        )?
        .query_row(params![lot_id, location_id, except], |r| r.get(0))?;
    Ok(q.max(0) as u64)
}

/// Checks that a lot line can still be destroyed: not on hold, and the location still holds
/// the quantity beside what other batches hold of it.
pub(crate) fn check_line(
    conn: &Connection,
    line: &LotLine,
    batch_id: &str,
    action: &'static str,
) -> Result<()> {
    let lot = lot_in(conn, &line.lot_id)?;
    refuse_held(&lot, action)?;
    let free = stock_at(conn, &lot.id, &line.location_id)?.saturating_sub(reserved(
        conn,
        &lot.id,
        &line.location_id,
        batch_id,
    )?);
    if line.quantity > free {
        return Err(CustodyError::InsufficientQuantity {
            lot: lot.label,
            place: StockPlace::FreeOfBatches(location_name(conn, &line.location_id)?),
            wanted: line.quantity,
            available: free,
        });
    }
    Ok(())
}

/// Adds a quantity to the line of its lot and location, or starts that line.
fn add_to_line(lines: &mut Vec<LotLine>, lot_id: String, location_id: String, quantity: u64) {
    match lines
        .iter_mut()
        .find(|l| l.lot_id == lot_id && l.location_id == location_id)
    {
        Some(l) => l.quantity += quantity,
        None => lines.push(LotLine {
            lot_id,
            location_id,
            quantity,
        }),
    }
}

/// Lot lines with their lot's description and NEQ, for views and documents.
pub(crate) fn line_views(conn: &Connection, lines: &[LotLine]) -> Result<Vec<LotLineView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lot_number, ammo_type, calibre, hazard, unit, neq_kg FROM ammo_lots WHERE id = ?1",
    )?;
    lines
        .iter()
        .map(|l| {
            let lot = stmt
                .query_row([&l.lot_id], |r| {
                    Ok(LotRecord {
                        lot_number: r.get(0)?,
                        ammo_type: r.get(1)?,
                        calibre: r.get(2)?,
                        hazard: r.get(3)?,
                        unit: r.get::<_, String>(4)?.parse().unwrap_or_default(),
                        neq_kg: r.get(5)?,
                        ..LotRecord::default()
                    })
                })
                .optional()?
                .ok_or_else(|| CustodyError::UnknownLot(l.lot_id.clone()))?;
            line_view(conn, &l.lot_id, &lot, &l.location_id, l.quantity)
        })
        .collect()
}

/// One lot line described from a lot record (this site's, or the sender's in a bundle).
fn line_view(
    conn: &Connection,
    lot_id: &str,
    lot: &LotRecord,
    location_id: &str,
    quantity: u64,
) -> Result<LotLineView> {
    let per_unit = crate::limits::kg_to_mg(&lot.neq_kg, 100_000).unwrap_or(0);
    Ok(LotLineView {
        lot_id: lot_id.to_string(),
        lot_number: lot.lot_number.clone(),
        ammo_type: lot.ammo_type.clone(),
        calibre: lot.calibre.clone(),
        hazard: lot.hazard.clone(),
        location: location_name(conn, location_id)?,
        quantity,
        unit: lot.unit.as_str().to_string(),
        line_neq_kg: crate::limits::mg_to_kg(per_unit * u128::from(quantity)),
        line_neq_mg: per_unit * u128::from(quantity),
        neq_kg: lot.neq_kg.clone(),
        received: None,
        lost_in_transit: 0,
    })
}

/// A quantity of a lot (id or number) at a location (code or name), as a person gives it: to
/// put in a batch or a handover, or counted at a re-count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotQuantity {
    pub lot: String,
    pub location: String,
    pub quantity: i64,
}

impl LotQuantity {
    /// Reads `LOT@LOCATION=QUANTITY` (e.g. `23-01@Vault A=1200`).
    pub fn parse(text: &str) -> Result<LotQuantity> {
        let bad = || CustodyError::BadLotQuantity(text.to_string());
        let (place, quantity) = text.trim().rsplit_once('=').ok_or_else(bad)?;
        let (lot, location) = place.split_once('@').ok_or_else(bad)?;
        let quantity = quantity.trim().parse::<i64>().map_err(|_| bad())?;
        if lot.trim().is_empty() || location.trim().is_empty() {
            return Err(bad());
        }
        Ok(LotQuantity {
            lot: lot.trim().to_string(),
            location: location.trim().to_string(),
            quantity,
        })
    }
}

/// Sets the counted lot lines against the frozen ones; returns the counted lines' digest keys.
pub(crate) fn recount_lines(
    conn: &Connection,
    batch_id: &str,
    batch_code: &str,
    counted: &[LotQuantity],
) -> Result<Vec<String>> {
    let frozen = batch_lot_lines(conn, batch_id)?;
    let mut seen: Vec<LotLine> = Vec::new();
    for c in counted {
        let lot = lot_in(conn, &c.lot)?;
        let location_id = location_id_of(conn, &c.location)?;
        let quantity = u64::try_from(c.quantity).map_err(|_| CustodyError::BadCount {
            what: "quantity counted",
            given: c.quantity,
            max: crate::ammo::MAX_QUANTITY,
        })?;
        add_to_line(&mut seen, lot.id, location_id, quantity);
    }
    for s in &seen {
        if !frozen
            .iter()
            .any(|f| f.lot_id == s.lot_id && f.location_id == s.location_id)
        {
            return Err(CustodyError::LotNotInBatch {
                lot: lot_in(conn, &s.lot_id)?.label,
                location: location_name(conn, &s.location_id)?,
                batch: batch_code.to_string(),
            });
        }
    }
    for f in &frozen {
        let got = seen
            .iter()
            .find(|s| s.lot_id == f.lot_id && s.location_id == f.location_id)
            .map_or(0, |s| s.quantity);
        if got != f.quantity {
            return Err(CustodyError::LotRecountMismatch {
                batch: batch_code.to_string(),
                lot: lot_in(conn, &f.lot_id)?.label,
                location: location_name(conn, &f.location_id)?,
                frozen: f.quantity,
                counted: got,
            });
        }
    }
    Ok(seen.iter().map(line_key).collect())
}

impl Ledger {
    /// Puts a lot on legal hold on a recorded order (`held`), or lifts it: a held lot is not
    /// destroyed or handed over.
    pub fn ammo_hold(&mut self, actor: &Actor, lot: &str, held: bool, order: &str) -> Result<i64> {
        actor.require("place or lift legal holds", &EVIDENCE_ROLES)?;
        let order = required(order, "the order's reference", "a legal hold")?;
        self.write(|w| {
            let lot = lot_in(w.conn, lot)?;
            if !held && lot.legal_hold.is_empty() {
                return Err(CustodyError::LotNotOnHold { lot: lot.label });
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::AmmoHold {
                    lot_id: lot.id,
                    held,
                    order,
                },
            )
        })
    }

    /// Puts quantities of lots at locations into an open destruction batch: all or none, a
    /// refused line names its lot.
    pub fn destruction_add_lots(
        &mut self,
        actor: &Actor,
        batch: &str,
        lines: &[LotQuantity],
    ) -> Result<Vec<i64>> {
        actor.require("add items to destruction batches", &PREPARERS)?;
        for l in lines {
            check_quantity(l.quantity)?;
        }
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_open(&b)?;
            lines
                .iter()
                .map(|l| {
                    let lot = lot_in(w.conn, &l.lot)?;
                    let location_id = location_id_of(w.conn, &l.location)?;
                    let already: bool = w
                        .conn
                        .prepare_cached(
                            "SELECT EXISTS (SELECT 1 FROM destruction_lots
                             WHERE batch_id = ?1 AND lot_id = ?2 AND location_id = ?3)",
                        )?
                        .query_row(params![b.id, lot.id, location_id], |r| r.get(0))?;
                    if already {
                        return Err(CustodyError::LotInBatch {
                            lot: lot.label,
                            location: location_name(w.conn, &location_id)?,
                            batch: b.code.clone(),
                        });
                    }
                    let line = LotLine {
                        lot_id: lot.id,
                        location_id,
                        quantity: l.quantity as u64,
                    };
                    check_line(w.conn, &line, &b.id, "put in a destruction batch")?;
                    w.append(
                        Some(actor.person_id()),
                        None,
                        &EventBody::DestructionAddLot {
                            batch_id: b.id.clone(),
                            lot_id: line.lot_id,
                            location_id: line.location_id,
                            quantity: line.quantity,
                        },
                    )
                })
                .collect()
        })
    }

    /// Takes a lot line off an open batch, with a reason.
    pub fn destruction_remove_lot(
        &mut self,
        actor: &Actor,
        batch: &str,
        lot: &str,
        location: &str,
        reason: &str,
    ) -> Result<i64> {
        actor.require("remove items from destruction batches", &PREPARERS)?;
        let reason = required(reason, "a reason", "taking a lot off a batch")?;
        self.write(|w| {
            let b = batch_row(w.conn, batch)?;
            require_open(&b)?;
            let lot = lot_in(w.conn, lot)?;
            let location_id = location_id_of(w.conn, location)?;
            let member = batch_lot_lines(w.conn, &b.id)?
                .iter()
                .any(|l| l.lot_id == lot.id && l.location_id == location_id);
            if !member {
                return Err(CustodyError::LotNotInBatch {
                    lot: lot.label,
                    location: location_name(w.conn, &location_id)?,
                    batch: b.code,
                });
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::DestructionRemoveLot {
                    batch_id: b.id,
                    lot_id: lot.id,
                    location_id,
                    reason,
                },
            )
        })
    }

    /// A batch's lot lines with their description and NEQ.
    pub fn destruction_lots(&self, batch: &str) -> Result<Vec<LotLineView>> {
        let b = batch_row(&self.conn, batch)?;
        line_views(&self.conn, &batch_lot_lines(&self.conn, &b.id)?)
    }

    /// A handover's lot lines with their description and NEQ, what was counted on arrival and
    /// what of a shortfall was settled. Lots imported here are described from the sender's
    /// record in the bundle, so the lines read the same before and after acceptance.
    pub fn handover_lots(&self, manifest: &str) -> Result<Vec<LotLineView>> {
        let view = self.handover(manifest)?;
        let rows: Vec<(String, String, i64, Option<i64>, i64)> = self
            .conn
            .prepare_cached(
                "SELECT lot_id, location_id, quantity, received, settled FROM handover_lots
                 WHERE manifest_id = ?1 ORDER BY lot_id, location_id",
            )?
            .query_map([&view.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let imported = if view.direction == "in" {
            imported_lots(&self.conn, &view.id)?
        } else {
            Vec::new()
        };
        let count = |q: i64| q.max(0) as u64;
        rows.into_iter()
            .map(|(lot_id, location_id, quantity, received, settled)| {
                let mut line = if view.direction == "in" {
                    let sent = imported
                        .iter()
                        .find(|l| l.lot_id == lot_id)
                        .ok_or_else(|| CustodyError::UnknownLot(lot_id.clone()))?;
                    line_view(
                        &self.conn,
                        &lot_id,
                        &sent.lot,
                        &location_id,
                        count(quantity),
                    )?
                } else {
                    let lot = LotLine {
                        lot_id,
                        location_id,
                        quantity: count(quantity),
                    };
                    line_views(&self.conn, std::slice::from_ref(&lot))?.remove(0)
                };
                line.received = received.map(count);
                line.lost_in_transit = count(settled);
                Ok(line)
            })
            .collect()
    }
}

/// The lot lines of a dispatch, checked inside its write: each lot not on hold, and each
/// location holding the quantity free of destruction batches. Lines of the same lot and
/// location are one line.
pub(crate) fn dispatch_lines(conn: &Connection, lots: &[LotQuantity]) -> Result<Vec<LotLine>> {
    let mut lines: Vec<LotLine> = Vec::new();
    for l in lots {
        let quantity = check_quantity(l.quantity)?;
        let lot = lot_in(conn, &l.lot)?;
        refuse_held(&lot, "handed over")?;
        let location_id = location_id_of(conn, &l.location)?;
        add_to_line(&mut lines, lot.id, location_id, quantity);
    }
    for line in &lines {
        check_line(conn, line, "", "handed over")?;
    }
    Ok(lines)
}

/// The lots a dispatched handover carries, one per lot (its lines summed), with their records
/// as they are now.
pub(crate) fn bundle_lots(conn: &Connection, manifest_id: &str) -> Result<Vec<BundleLot>> {
    let mut stmt = conn.prepare(
        "SELECT h.lot_id, sum(h.quantity), l.condition FROM handover_lots h
         JOIN ammo_lots l ON l.id = h.lot_id WHERE h.manifest_id = ?1
         GROUP BY h.lot_id ORDER BY h.lot_id",
    )?;
    let rows: Vec<(String, i64, String)> = stmt
        .query_map([manifest_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(lot_id, quantity, condition)| {
            let view = crate::ammo::lot_views(conn, Some(&lot_id))?
                .pop()
                .ok_or_else(|| CustodyError::UnknownLot(lot_id.clone()))?;
            Ok(BundleLot {
                lot_id,
                lot: view.lot,
                condition: condition.parse().unwrap_or_default(),
                quantity: quantity.max(0) as u64,
            })
        })
        .collect()
}

/// Checks a bundle's lots as read from another site: ids, quantities and records.
pub(crate) fn check_bundle_lots(lots: &[BundleLot]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for l in lots {
        crate::bundle::uuid_field(&l.lot_id, "a lot id")?;
        if !seen.insert(l.lot_id.as_str()) {
            return Err(CustodyError::BundleDigestMismatch(format!(
                "lot {} is listed twice",
                l.lot_id
            )));
        }
        check_quantity(i64::try_from(l.quantity).unwrap_or(-1))?;
        crate::ammo::checked_lot(l.lot.clone())?;
    }
    Ok(())
}

/// The lots of an imported handover as its import event carries them.
fn imported_lots(conn: &Connection, manifest_id: &str) -> Result<Vec<BundleLot>> {
    let payload: Option<String> = conn
        .query_row(
            "SELECT payload FROM events WHERE kind = 'handover.import' AND subject = ?1",
            [manifest_id],
            |r| r.get(0),
        )
        .optional()?;
    match payload.map(|p| EventBody::from_columns("handover.import", &p)) {
        Some(Ok(EventBody::HandoverImport { lots, .. })) => Ok(lots),
        _ => Ok(Vec::new()),
    }
}

/// Registers, inside the acceptance's write, each lot of an imported handover with the
/// quantity counted on arrival (`counted`: the sender's lot id or the lot number, and the
/// quantity) as a new lot here at `location`. A lot not counted arrived with nothing.
pub(crate) fn receive_lots(
    w: &mut Writer<'_>,
    receiver: &Actor,
    manifest_id: &str,
    manifest_code: &str,
    location: Option<&str>,
    counted: &[(String, i64)],
) -> Result<Vec<ReceivedLot>> {
    let lots = imported_lots(w.conn, manifest_id)?;
    let mut quantities: Vec<u64> = vec![0; lots.len()];
    for (key, quantity) in counted {
        let key = key.trim();
        let index = lots
            .iter()
            .position(|l| l.lot_id == key || l.lot.lot_number.eq_ignore_ascii_case(key))
            .ok_or_else(|| CustodyError::LotNotInHandover {
                manifest: manifest_code.to_string(),
                lot: key.to_string(),
            })?;
        quantities[index] += check_quantity(*quantity)?;
    }
    if lots.is_empty() {
        return Ok(Vec::new());
    }
    let location_id = match location {
        Some(l) => location_id_of(w.conn, l)?,
        None if quantities.iter().all(|q| *q == 0) => String::new(),
        None => {
            return Err(CustodyError::AmmoFieldRequired {
                field: "a location for the lots (--location)",
                action: "signing for ammunition",
            })
        }
    };
    let mut received = Vec::with_capacity(lots.len());
    for (l, quantity) in lots.into_iter().zip(quantities) {
        let new_lot_id = if quantity == 0 {
            String::new()
        } else if let Some(known) = known_lot(w.conn, &l)? {
            // The lot's record here continues, as a returning weapon's does.
            lot_in(w.conn, &known)?.check_room(w.conn, &location_id, quantity)?;
            w.append(
                Some(receiver.person_id()),
                None,
                &EventBody::AmmoTransferIn {
                    lot_id: known.clone(),
                    manifest_id: manifest_id.to_string(),
                    origin_lot_id: l.lot_id.clone(),
                    location_id: location_id.clone(),
                    quantity,
                    condition: l.condition,
                },
            )?;
            known
        } else {
            let record = LotRecord {
                origin: Origin::TransferredIn,
                ..l.lot
            };
            receive_as(
                w,
                receiver,
                l.lot_id.clone(),
                &record,
                quantity,
                location_id.clone(),
                l.condition,
            )?
            .0
        };
        received.push(ReceivedLot {
            lot_id: l.lot_id,
            location_id: if quantity == 0 {
                String::new()
            } else {
                location_id.clone()
            },
            new_lot_id,
            quantity,
        });
    }
    Ok(received)
}

/// The lot of this site that a handover's lot is: the same lot id (it was received from or
/// sent to this site before), or, for a lot whose id changed on an earlier handover, the lot
/// with the same manufacturer, lot number and calibre that this site once handed over. None:
/// a new lot here. A lot id known here with another identity is a damaged or forged bundle.
fn known_lot(conn: &Connection, l: &BundleLot) -> Result<Option<String>> {
    let key = identity_key(&l.lot);
    let by_id: Option<String> = conn
        .prepare_cached("SELECT identity_key FROM ammo_lots WHERE id = ?1")?
        .query_row([&l.lot_id], |r| r.get(0))
        .optional()?;
    if let Some(ours) = by_id {
        if ours != key {
            return Err(CustodyError::BundleDigestMismatch(format!(
                "lot {} is known here as another lot (manufacturer, lot number or calibre differ)",
                l.lot_id
            )));
        }
        return Ok(Some(l.lot_id.clone()));
    }
    if key.is_empty() {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached(
            "SELECT id FROM ammo_lots WHERE identity_key = ?1
             AND transferred_out + lost_in_transit > 0",
        )?
        .query_row([&key], |r| r.get(0))
        .optional()?)
}

/// Each lot of a handover sent from here whose quantity dispatched exceeds what the receipt
/// says arrived and what was settled already: the open shortfall.
pub(crate) fn lot_shortfalls(conn: &Connection, manifest_id: &str) -> Result<Vec<SettledLot>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lot_id, sum(quantity) - sum(coalesce(received, 0)) - sum(settled) AS open
         FROM handover_lots WHERE manifest_id = ?1 GROUP BY lot_id HAVING open > 0
         ORDER BY lot_id",
    )?;
    let rows = stmt.query_map([manifest_id], |r| {
        Ok(SettledLot {
            lot_id: r.get(0)?,
            quantity: r.get::<_, i64>(1)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the receiver counted of each lot, by the sender's lot id, for the receipt.
pub(crate) fn receipt_lots(conn: &Connection, manifest_id: &str) -> Result<Vec<ReceivedLot>> {
    let mut stmt = conn.prepare(
        "SELECT lot_id, coalesce(received, 0) FROM handover_lots WHERE manifest_id = ?1
         ORDER BY lot_id",
    )?;
    let rows = stmt.query_map([manifest_id], |r| {
        Ok(ReceivedLot {
            lot_id: r.get(0)?,
            location_id: String::new(),
            new_lot_id: String::new(),
            quantity: r.get::<_, i64>(1)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks that a receipt's lots are this handover's, each once.
pub(crate) fn check_receipt_lots(
    conn: &Connection,
    manifest_id: &str,
    manifest_code: &str,
    lots: &[ReceivedLot],
) -> Result<()> {
    let ours: Vec<String> = conn
        .prepare("SELECT DISTINCT lot_id FROM handover_lots WHERE manifest_id = ?1")?
        .query_map([manifest_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut seen = std::collections::HashSet::new();
    for l in lots {
        if !ours.contains(&l.lot_id) || !seen.insert(l.lot_id.as_str()) {
            return Err(CustodyError::BundleDigestMismatch(format!(
                "the receipt names lot {}, which is not (once) on manifest {manifest_code}",
                l.lot_id
            )));
        }
        if l.quantity > crate::ammo::MAX_QUANTITY as u64 {
            return Err(CustodyError::BadQuantity {
                given: i64::try_from(l.quantity).unwrap_or(i64::MAX),
                max: crate::ammo::MAX_QUANTITY,
            });
        }
    }
    Ok(())
}
