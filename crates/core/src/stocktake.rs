//! Stocktakes: a blind count of one location, several, or the whole site. Every scan is an
//! event as it comes; the counter only ever sees tallies. Reconciliation (for inspectors) sets
//! the scans against the items registered in scope with hash sets, in two queries; every
//! discrepancy needs a resolution event before the count closes, signed by the counter and a
//! second person, with a signed checkpoint in the same transaction.

use crate::domain::{ItemStatus, Resolution, Role, StocktakeSummary};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{new_id, new_label, Actor, Ledger, Writer};
use crate::projection::status_from_column;
use crate::refusal::{Needed, Refusal, SamePerson};
use crate::workflows::{find_item_in, location_id_of};
use custody_codes::LabelKind;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Anyone on the staff may count.
pub const COUNTERS: [Role; 4] = [
    Role::Officer,
    Role::Custodian,
    Role::Inspector,
    Role::Administrator,
];
/// Only a supervisor sees the expected list and settles discrepancies: that keeps the count
/// blind for the person scanning.
pub const RECONCILERS: [Role; 2] = [Role::Inspector, Role::Administrator];

/// A stocktake as the projections show it. Deliberately without the expected list.
#[derive(Debug, Clone, Serialize)]
pub struct StocktakeView {
    pub id: String,
    pub code: String,
    pub whole_site: bool,
    pub locations: Vec<String>,
    pub note: String,
    pub state: String,
    pub scans: u64,
    pub distinct_codes: u64,
    pub summary: Option<StocktakeSummary>,
}

/// How far an open count has come, for the person scanning: still blind (no expected list),
/// and taken from the ledger so that a count resumed after a restart, or at another kiosk,
/// shows the same figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StocktakeProgress {
    pub scans: u64,
    pub distinct_codes: u64,
    /// Distinct scanned codes that are no known item.
    pub unknown: u64,
    /// Distinct destroyed or transferred-out items that turned up.
    pub alarms: u64,
    /// Names of the places where something was counted, in the order first counted there.
    pub places_counted: Vec<String>,
}

/// What the counter hears back after a scan: how far the count is, never what is expected.
#[derive(Debug, Clone, Serialize)]
pub struct StocktakeTally {
    pub seq: i64,
    pub scans: u64,
    pub distinct_codes: u64,
    pub last: ScanNote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanNote {
    Counted,
    /// Scanned before in this count (still recorded).
    CountedAgain,
    /// Not a known item code or serial.
    Unknown,
    /// A destroyed or transferred-out item: put it aside and call the supervisor.
    Alarm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscrepancyKind {
    Missing,
    Misplaced,
    Unknown,
    Duplicate,
    Alarm,
}

impl DiscrepancyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiscrepancyKind::Missing => "missing",
            DiscrepancyKind::Misplaced => "misplaced",
            DiscrepancyKind::Unknown => "unknown",
            DiscrepancyKind::Duplicate => "duplicate",
            DiscrepancyKind::Alarm => "alarm",
        }
    }
}

/// One difference between count and register. `key` (`<kind>:<code>`) names it in resolutions.
#[derive(Debug, Clone, Serialize)]
pub struct Discrepancy {
    pub key: String,
    pub kind: DiscrepancyKind,
    pub code: String,
    pub detail: String,
    pub resolution: Option<String>,
}

/// The outcome of setting the scans against the register.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub code: String,
    pub expected: u64,
    pub scans: u64,
    pub found: u64,
    pub discrepancies: Vec<Discrepancy>,
    pub counted_digest: String,
    /// Ammunition counted by quantity: every lot at every location expected or counted
    /// (crates/core/src/ammo_count.rs).
    pub lots: Vec<crate::ammo_count::LotCountLine>,
}

impl Reconciliation {
    pub fn count(&self, kind: DiscrepancyKind) -> u64 {
        self.discrepancies.iter().filter(|d| d.kind == kind).count() as u64
    }

    /// Discrepancies and quantity lines still to settle before the count can close.
    pub fn unresolved(&self) -> usize {
        self.discrepancies
            .iter()
            .filter(|d| d.resolution.is_none())
            .count()
            + self.lots.iter().filter(|l| l.unresolved()).count()
    }

    fn summary(&self) -> StocktakeSummary {
        StocktakeSummary {
            expected: self.expected,
            scans: self.scans,
            found: self.found,
            missing: self.count(DiscrepancyKind::Missing),
            misplaced: self.count(DiscrepancyKind::Misplaced),
            unknown: self.count(DiscrepancyKind::Unknown),
            duplicates: self.count(DiscrepancyKind::Duplicate),
            alarms: self.count(DiscrepancyKind::Alarm),
            resolved: self
                .discrepancies
                .iter()
                .filter(|d| d.resolution.is_some())
                .count() as u64,
            counted_digest: self.counted_digest.clone(),
            lot_lines: self.lots.len() as u64,
            quantity_discrepancies: self.lots.iter().filter(|l| l.differs()).count() as u64,
        }
    }
}

/// The stocktake's id, code and state, by Custody code (S-...) or id.
fn stocktake_row(conn: &Connection, key: &str) -> Result<(String, String, String)> {
    let key = key.trim();
    let code = crate::workflows::label_of_kind(key, LabelKind::Stocktake);
    conn.prepare_cached("SELECT id, code, state FROM stocktakes WHERE code = ?1 OR id = ?2")?
        .query_row(params![code, key], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| CustodyError::UnknownStocktake(key.to_string()))
}

fn open_stocktake(conn: &Connection, key: &str) -> Result<(String, String)> {
    let (id, code, state) = stocktake_row(conn, key)?;
    if state != "open" {
        return Err(CustodyError::StocktakeClosed(code));
    }
    Ok((id, code))
}

fn scan_one(
    w: &mut Writer<'_>,
    actor: &str,
    stocktake_id: &str,
    scanned: &str,
    at_location: Option<&str>,
) -> Result<(i64, ScanNote)> {
    let text: String =
        crate::fields::visible(scanned.trim_matches(|c: char| c.is_control() || c == ' '));
    if text.is_empty() {
        return Err(Needed::ScannedCode.into());
    }
    let at = at_location.map(|l| location_id_of(w.conn, l)).transpose()?;
    let item = match find_item_in(w.conn, &text) {
        Ok(item) => Some(item),
        Err(CustodyError::UnknownItem(_)) | Err(CustodyError::AmbiguousItem(..)) => None,
        Err(e) => return Err(e),
    };
    let note = match &item {
        None => ScanNote::Unknown,
        Some(i) if i.status.is_terminal() => ScanNote::Alarm,
        Some(i) => {
            let seen: bool = w
                .conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM stocktake_scans WHERE stocktake_id = ?1 AND code = ?2)",
                )?
                .query_row(params![stocktake_id, i.code], |r| r.get(0))?;
            if seen {
                ScanNote::CountedAgain
            } else {
                ScanNote::Counted
            }
        }
    };
    let seq = w.append(
        Some(actor),
        None,
        &EventBody::StocktakeScan {
            stocktake_id: stocktake_id.to_string(),
            scanned: text,
            item_id: item.map(|i| i.id),
            at_location: at,
        },
    )?;
    Ok((seq, note))
}

fn tally(conn: &Connection, id: &str, seq: i64, last: ScanNote) -> Result<StocktakeTally> {
    let (scans, distinct_codes) = conn.query_row(
        "SELECT scans, distinct_codes FROM stocktakes WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(StocktakeTally {
        seq,
        scans,
        distinct_codes,
        last,
    })
}

/// Sets the scans against the register. Two queries, then hash sets: no per-item queries.
pub(crate) fn reconcile_in(conn: &Connection, stocktake_id: &str) -> Result<Reconciliation> {
    let code: String = conn.query_row(
        "SELECT code FROM stocktakes WHERE id = ?1",
        [stocktake_id],
        |r| r.get(0),
    )?;
    // Expected: the items on a shelf in scope when the count opened (snapshot taken by the
    // projection of `stocktake.open`).
    let mut expected: HashMap<String, (String, Option<String>)> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT item_id, code, location_id FROM stocktake_expected WHERE stocktake_id = ?1",
        )?;
        let mut rows = stmt.query([stocktake_id])?;
        while let Some(r) = rows.next()? {
            expected.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
    }
    // Scans, joined with the scanned item's current record.
    let mut stmt = conn.prepare(
        "SELECT s.code, s.item_id, s.at_location, i.status, i.location_id, l.name
         FROM stocktake_scans s LEFT JOIN items i ON i.id = s.item_id
         LEFT JOIN locations l ON l.id = i.location_id
         WHERE s.stocktake_id = ?1 ORDER BY s.seq",
    )?;
    let mut rows = stmt.query([stocktake_id])?;
    let mut scans = 0u64;
    let mut times_seen: HashMap<String, u64> = HashMap::new();
    let mut found: HashSet<String> = HashSet::new();
    let mut counted_codes: HashSet<String> = HashSet::new();
    let mut discrepancies = Vec::new();
    let mut flagged: HashSet<String> = HashSet::new();
    let mut flag = |kind: DiscrepancyKind, code: &str, detail: String| {
        let key = format!("{}:{code}", kind.as_str());
        if flagged.insert(key.clone()) {
            discrepancies.push(Discrepancy {
                key,
                kind,
                code: code.to_string(),
                detail,
                resolution: None,
            });
        }
    };
    while let Some(r) = rows.next()? {
        scans += 1;
        let scanned: String = r.get(0)?;
        let item_id: Option<String> = r.get(1)?;
        let at: Option<String> = r.get(2)?;
        let status: Option<String> = r.get(3)?;
        let location_name: Option<String> = r.get(5)?;
        counted_codes.insert(scanned.clone());
        let Some(item_id) = item_id else {
            flag(
                DiscrepancyKind::Unknown,
                &scanned,
                "not a registered item".into(),
            );
            continue;
        };
        let n = times_seen.entry(item_id.clone()).or_insert(0);
        *n += 1;
        if *n == 2 {
            flag(
                DiscrepancyKind::Duplicate,
                &scanned,
                "scanned more than once".into(),
            );
        }
        let status = status_from_column(status.as_deref().unwrap_or("in_store"));
        if status.is_terminal() {
            flag(
                DiscrepancyKind::Alarm,
                &scanned,
                format!("ALARM: the item is {status} at this site"),
            );
            continue;
        }
        let registered_at = location_name.unwrap_or_else(|| "no location".into());
        if let Some((_, expected_at)) = expected.get(&item_id) {
            let expected_at = expected_at.clone();
            found.insert(item_id);
            if at.is_some() && at != expected_at {
                flag(
                    DiscrepancyKind::Misplaced,
                    &scanned,
                    format!("counted at another location than registered ({registered_at})"),
                );
            }
        } else if status == ItemStatus::InStore || status == ItemStatus::AwaitingDestruction {
            flag(
                DiscrepancyKind::Misplaced,
                &scanned,
                format!("not expected here: registered at {registered_at}"),
            );
        } else {
            flag(
                DiscrepancyKind::Misplaced,
                &scanned,
                format!("registered as {status}, not on a shelf"),
            );
        }
    }
    let mut missing: Vec<&String> = expected
        .iter()
        .filter(|(id, _)| !found.contains(*id))
        .map(|(_, (code, _))| code)
        .collect();
    missing.sort_unstable();
    for code in missing {
        flag(
            DiscrepancyKind::Missing,
            code,
            "registered here, not counted".into(),
        );
    }
    let resolved: HashMap<String, String> = conn
        .prepare(
            "SELECT discrepancy, resolution FROM stocktake_resolutions WHERE stocktake_id = ?1",
        )?
        .query_map([stocktake_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for d in &mut discrepancies {
        d.resolution = resolved.get(&d.key).cloned();
    }
    let mut sorted: Vec<&String> = counted_codes.iter().collect();
    sorted.sort_unstable();
    let mut h = Sha256::new();
    for c in sorted {
        h.update(c.as_bytes());
        h.update(b"\n");
    }
    Ok(Reconciliation {
        code,
        expected: expected.len() as u64,
        scans,
        found: found.len() as u64,
        discrepancies,
        counted_digest: hex::encode(h.finalize()),
        lots: crate::ammo_count::lot_lines_in(conn, stocktake_id)?,
    })
}

impl Ledger {
    /// Opens a count for the given locations (codes or names), or the whole site if none.
    pub fn stocktake_open(
        &mut self,
        actor: &Actor,
        locations: &[String],
        note: &str,
    ) -> Result<StocktakeView> {
        actor.require("open a stocktake", &COUNTERS)?;
        let id = self.write(|w| {
            let mut location_ids = Vec::new();
            for l in locations {
                let lid = location_id_of(w.conn, l)?;
                if !location_ids.contains(&lid) {
                    location_ids.push(lid);
                }
            }
            let id = new_id();
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::StocktakeOpen {
                    stocktake_id: id.clone(),
                    code: new_label(LabelKind::Stocktake).to_string(),
                    location_ids,
                    note: note.trim().to_string(),
                },
            )?;
            Ok(id)
        })?;
        self.stocktake(&id)
    }

    /// Records one scan of the count and commits it. Returns tallies only (blind count).
    pub fn stocktake_scan(
        &mut self,
        actor: &Actor,
        stocktake: &str,
        scanned: &str,
        at_location: Option<&str>,
    ) -> Result<StocktakeTally> {
        actor.require("count in a stocktake", &COUNTERS)?;
        self.write(|w| {
            let (id, _) = open_stocktake(w.conn, stocktake)?;
            let (seq, note) = scan_one(w, actor.person_id(), &id, scanned, at_location)?;
            tally(w.conn, &id, seq, note)
        })
    }

    /// A scanner's stored round (inventory mode) uploaded at once: all scans or none.
    pub fn stocktake_scan_batch(
        &mut self,
        actor: &Actor,
        stocktake: &str,
        scans: &[String],
        at_location: Option<&str>,
    ) -> Result<StocktakeTally> {
        actor.require("count in a stocktake", &COUNTERS)?;
        self.write(|w| {
            let (id, _) = open_stocktake(w.conn, stocktake)?;
            let mut last = (0, ScanNote::Counted);
            for s in scans {
                last = scan_one(w, actor.person_id(), &id, s, at_location)?;
            }
            tally(w.conn, &id, last.0, last.1)
        })
    }

    /// The count as it stands: tallies, never the expected list.
    pub fn stocktake(&self, stocktake: &str) -> Result<StocktakeView> {
        let (id, _, _) = stocktake_row(&self.conn, stocktake)?;
        self.conn.query_row(
            "SELECT s.id, s.code, s.whole_site, s.note, s.state, s.scans, s.distinct_codes, s.summary,
                    (SELECT group_concat(l.name, '|') FROM stocktake_locations sl
                     JOIN locations l ON l.id = sl.location_id WHERE sl.stocktake_id = s.id)
             FROM stocktakes s WHERE s.id = ?1",
            [&id],
            stocktake_from_row,
        )
        .map_err(Into::into)
    }

    /// Tallies of the count so far: scans, unknown codes, alarms and places counted. Called
    /// after every scan of a count, so it aggregates in SQL over the count's own scans (its
    /// primary-key range) rather than reading them all into Rust.
    pub fn stocktake_progress(&self, stocktake: &str) -> Result<StocktakeProgress> {
        let (id, _, _) = stocktake_row(&self.conn, stocktake)?;
        // Counters kept by the projection as each scan is applied (schema 5): constant time
        // per scan however long the count. An alarm is an item that was in a terminal status
        // (`ItemStatus::is_terminal`) when it was scanned.
        let (scans, distinct_codes, unknown, alarms): (u64, u64, u64, u64) = self.conn.query_row(
            "SELECT scans, distinct_codes, unknown_codes, alarms FROM stocktakes WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let places_counted = self
            .conn
            .prepare_cached(
                "SELECT l.name FROM stocktake_places sp JOIN locations l ON l.id = sp.location_id
                 WHERE sp.stocktake_id = ?1 ORDER BY sp.first_seq",
            )?
            .query_map([&id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(StocktakeProgress {
            scans,
            distinct_codes,
            unknown,
            alarms,
            places_counted,
        })
    }

    pub fn stocktakes(&self) -> Result<Vec<StocktakeView>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, s.code, s.whole_site, s.note, s.state, s.scans, s.distinct_codes, s.summary,
                    (SELECT group_concat(l.name, '|') FROM stocktake_locations sl
                     JOIN locations l ON l.id = sl.location_id WHERE sl.stocktake_id = s.id)
             FROM stocktakes s ORDER BY s.opened_seq",
        )?;
        let rows = stmt.query_map([], stocktake_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Found, missing, misplaced, unknown, duplicates and alarms, with their resolutions.
    /// For inspectors and administrators only: the counter does not see the expected list.
    pub fn stocktake_reconcile(&self, actor: &Actor, stocktake: &str) -> Result<Reconciliation> {
        actor.require("see a stocktake's expected list", &RECONCILERS)?;
        let (id, _, _) = stocktake_row(&self.conn, stocktake)?;
        let read = self.conn.unchecked_transaction()?;
        reconcile_in(&read, &id)
    }

    /// Records how one discrepancy was settled. `Moved` moves the item to `to_location` (or
    /// to where it was counted) with a move event in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn stocktake_resolve(
        &mut self,
        actor: &Actor,
        stocktake: &str,
        discrepancy: &str,
        resolution: Resolution,
        reference: &str,
        note: &str,
        to_location: Option<&str>,
    ) -> Result<i64> {
        actor.require("resolve stocktake discrepancies", &RECONCILERS)?;
        let reference = reference.trim();
        if matches!(
            resolution,
            Resolution::ReportedLost | Resolution::DataErrorCorrected
        ) && reference.is_empty()
        {
            return Err(Refusal::ResolutionNeedsReference { resolution }.into());
        }
        self.write(|w| {
            let (id, code) = open_stocktake(w.conn, stocktake)?;
            let rec = reconcile_in(w.conn, &id)?;
            let key = discrepancy.trim();
            let found = rec
                .discrepancies
                .iter()
                .find(|d| d.key.eq_ignore_ascii_case(key) && d.resolution.is_none())
                .ok_or_else(|| CustodyError::UnknownDiscrepancy {
                    code: code.clone(),
                    discrepancy: key.to_string(),
                })?
                .clone();
            let seq = w.append(
                Some(actor.person_id()),
                None,
                &EventBody::StocktakeResolve {
                    stocktake_id: id.clone(),
                    discrepancy: found.key.clone(),
                    resolution,
                    reference: reference.to_string(),
                    note: note.trim().to_string(),
                },
            )?;
            if resolution == Resolution::Moved {
                let item = find_item_in(w.conn, &found.code)?;
                let to = match to_location {
                    Some(l) => location_id_of(w.conn, l)?,
                    None => w
                        .conn
                        .query_row(
                            "SELECT at_location FROM stocktake_scans
                             WHERE stocktake_id = ?1 AND item_id = ?2 AND at_location IS NOT NULL
                             ORDER BY seq DESC LIMIT 1",
                            params![id, item.id],
                            |r| r.get::<_, String>(0),
                        )
                        .optional()?
                        .ok_or(CustodyError::from(Needed::MoveDestination))?,
                };
                crate::workflows::append_move(w, actor, item, to)?;
            }
            Ok(seq)
        })
    }

    /// Closes the count, signed by the counter and a second authenticated person, with a
    /// signed checkpoint. Refused while any discrepancy is unresolved.
    pub fn stocktake_close(
        &mut self,
        counter: &Actor,
        cosigner: &Actor,
        stocktake: &str,
    ) -> Result<(StocktakeSummary, i64)> {
        counter.require("close a stocktake", &COUNTERS)?;
        cosigner.require("co-sign a stocktake", &COUNTERS)?;
        if counter.person_id() == cosigner.person_id() {
            return Err(CustodyError::SamePerson(SamePerson::StocktakeCosigner));
        }
        let (id, code, state) = stocktake_row(&self.conn, stocktake)?;
        if state != "open" {
            return Err(CustodyError::StocktakeClosed(code));
        }
        let reason = format!("stocktake {code} closed");
        let (summary, checkpoint) = self.write_checkpointed(&reason, |w| {
            // Again inside the write: another kiosk may have closed it in the meantime.
            if stocktake_row(w.conn, &id)?.2 != "open" {
                return Err(CustodyError::StocktakeClosed(code.clone()));
            }
            let rec = reconcile_in(w.conn, &id)?;
            let unresolved = rec.unresolved();
            if unresolved > 0 {
                return Err(CustodyError::UnresolvedDiscrepancies {
                    code: code.clone(),
                    count: unresolved,
                });
            }
            let summary = rec.summary();
            w.append(
                Some(counter.person_id()),
                Some(cosigner.person_id()),
                &EventBody::StocktakeClose {
                    stocktake_id: id.clone(),
                    summary: summary.clone(),
                },
            )?;
            Ok(summary)
        })?;
        Ok((summary, checkpoint))
    }
}

fn stocktake_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StocktakeView> {
    let summary: Option<String> = r.get(7)?;
    let locations: Option<String> = r.get(8)?;
    Ok(StocktakeView {
        id: r.get(0)?,
        code: r.get(1)?,
        whole_site: r.get(2)?,
        note: r.get(3)?,
        state: r.get(4)?,
        scans: r.get(5)?,
        distinct_codes: r.get(6)?,
        summary: summary.and_then(|s| serde_json::from_str(&s).ok()),
        locations: locations
            .map(|l| l.split('|').map(str::to_string).collect())
            .unwrap_or_default(),
    })
}
