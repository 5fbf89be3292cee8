//! Ammunition labels and markings as scanned: a package label (Custody code of kind `K`)
//! counted in a stocktake counts the package's contents; a maker's GS1 marking gives the lot
//! number (AI 10) and the count in the package (AI 30) — at receipt it fills the lot number, in
//! a count it counts that many units of the lot it names.

use crate::ammo_count::{count_in, CountEntry, LotCountTally};
use crate::error::{CustodyError, Result};
use crate::ledger::{Actor, Ledger};
use crate::stocktake::COUNTERS;
use custody_codes::{classify, LabelKind, Scanned};
use serde::Serialize;

/// What a maker's GS1 marking on a package says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MakerMarking {
    /// AI 10, batch/lot.
    pub lot_number: String,
    /// AI 30, the count of units in the package.
    pub count: Option<u32>,
    /// AI 01, the trade item number.
    pub gtin: Option<String>,
}

/// Reads a maker's GS1 marking (element string as scanned, the bracketed form, or a Digital
/// Link). Refused when it is no GS1 data or carries no lot number.
pub fn read_maker_marking(scanned: &str) -> Result<MakerMarking> {
    let text = scanned.trim_matches(|c: char| c == '\r' || c == '\n' || c == ' ');
    match classify(None, text.as_bytes()) {
        Ok(Scanned::Gs1 { data, .. }) => {
            let lot_number = data
                .get("10")
                .map(str::to_string)
                .ok_or_else(|| CustodyError::NoLotInMarking(crate::fields::visible(text)))?;
            Ok(MakerMarking {
                lot_number,
                // AI 30 holds up to eight digits, so it always fits.
                count: data.get("30").and_then(|c| c.parse().ok()),
                gtin: data.get("01").map(str::to_string),
            })
        }
        _ => Err(CustodyError::NoLotInMarking(crate::fields::visible(text))),
    }
}

impl Ledger {
    /// Counts one scanned package at a location in an open stocktake: a Custody package
    /// label counts one package of its lot; a maker's GS1 marking counts the units of its AI 30
    /// (or one package without it) of the lot its AI 10 names. Blind, as any count entry.
    pub fn ammo_count_scan(
        &mut self,
        actor: &Actor,
        stocktake: &str,
        scanned: &str,
        location: &str,
    ) -> Result<LotCountTally> {
        actor.require("count in a stocktake", &COUNTERS)?;
        // Classified as it came (GS1 separators included), recorded in visible form.
        let raw = scanned.trim_matches(|c: char| c == '\r' || c == '\n' || c == ' ');
        let text = crate::fields::visible(raw);
        let (lot, packages, loose) = match classify(None, raw.as_bytes()) {
            Ok(Scanned::Custody {
                label_kind: LabelKind::Package,
                code,
                ..
            }) => (code, 1, 0),
            Ok(Scanned::Gs1 { .. }) => {
                let marking = read_maker_marking(raw)?;
                match marking.count {
                    Some(count) if count > 0 => (marking.lot_number, 0, u64::from(count)),
                    _ => (marking.lot_number, 1, 0),
                }
            }
            _ => return Err(CustodyError::NotAPackageLabel(text)),
        };
        let entry = CountEntry {
            lot: &lot,
            location,
            packages,
            loose,
            scanned: &text,
        };
        self.write(|w| count_in(w, actor, stocktake, &entry))
    }
}
