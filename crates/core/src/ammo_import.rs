//! Bulk intake of ammunition lots from CSV (a depot's stock list, a collection campaign's
//! register of ordnance). Parsing is sans-IO (any `Read`); each good row is received as one
//! lot, a bad row is reported with its line number and the reason, and never half-written.

use crate::ammo::{check_quantity, checked_lot, receive_in, AmmoCondition, LotRecord};
use crate::domain::Origin;
use crate::error::{CustodyError, Result};
use crate::import::{rows_one_by_one, CsvRow, ImportReport, RowError, MAX_IMPORT_BATCH};
use crate::ledger::{Actor, Ledger};
use crate::workflows::{location_id_of, HANDLERS};
use std::collections::HashMap;
use std::io::Read;

pub const LOT_REQUIRED_COLUMNS: [&str; 6] =
    ["type", "lot", "hazard", "neq_kg", "quantity", "location"];
pub const LOT_OPTIONAL_COLUMNS: [&str; 9] = [
    "description",
    "calibre",
    "manufacturer",
    "year",
    "unit",
    "per_package",
    "origin",
    "found_at",
    "condition",
];

/// One parsed row: the lot, its quantity and where it goes, with the line it came from.
#[derive(Debug, Clone)]
pub struct LotRow {
    pub line: u64,
    pub lot: LotRecord,
    pub quantity: i64,
    pub location: String,
    pub condition: AmmoCondition,
}

/// Reads the CSV into rows and row errors. Fails as a whole only when the header is unusable.
pub fn parse_lot_csv(input: impl Read) -> Result<Vec<std::result::Result<LotRow, RowError>>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let header_error = |missing: Vec<String>, unknown: Vec<String>| CustodyError::BadCsvHeader {
        expected: format!(
            "{} (and optionally {})",
            LOT_REQUIRED_COLUMNS.join(","),
            LOT_OPTIONAL_COLUMNS.join(",")
        ),
        missing: missing.join(", "),
        unknown: unknown.join(", "),
    };
    let headers = reader
        .headers()
        .map_err(|e| header_error(vec![format!("(unreadable header: {e})")], vec![]))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    let known = |n: &str| LOT_REQUIRED_COLUMNS.contains(&n) || LOT_OPTIONAL_COLUMNS.contains(&n);
    let unknown: Vec<String> = names.iter().filter(|n| !known(n)).cloned().collect();
    let missing: Vec<String> = LOT_REQUIRED_COLUMNS
        .iter()
        .filter(|c| !names.iter().any(|n| n == *c))
        .map(|c| c.to_string())
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        return Err(header_error(missing, unknown));
    }
    let idx: HashMap<String, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i))
        .collect();
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        match record {
            Ok(r) => {
                let line = r.position().map(|p| p.line()).unwrap_or(0);
                rows.push(parse_row(&r, &idx, names.len(), line));
            }
            Err(e) => rows.push(Err(RowError {
                line: e.position().map(|p| p.line()).unwrap_or(0),
                reason: format!("unreadable CSV row: {e}"),
            })),
        }
    }
    Ok(rows)
}

fn parse_row(
    record: &csv::ByteRecord,
    idx: &HashMap<String, usize>,
    width: usize,
    line: u64,
) -> std::result::Result<LotRow, RowError> {
    let err = |reason: String| RowError { line, reason };
    let row = CsvRow::new(record, idx, width, line)?;
    let field = |name: &str| row.field(name);
    // An empty optional cell takes the default; a filled one must read.
    fn parsed<T: std::str::FromStr>(text: String, default: T) -> std::result::Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        if text.is_empty() {
            Ok(default)
        } else {
            text.parse::<T>().map_err(|e| e.to_string())
        }
    }
    let number = |name: &str| -> std::result::Result<Option<i64>, RowError> {
        let text = field(name)?;
        if text.is_empty() {
            return Ok(None);
        }
        text.replace([' ', '\u{a0}'], "")
            .parse::<i64>()
            .map(Some)
            .map_err(|_| err(format!("{name} '{text}' is not a whole number")))
    };
    let quantity = number("quantity")?.ok_or_else(|| err("quantity is empty".into()))?;
    let per_package = number("per_package")?.unwrap_or(1);
    let units_per_package = u32::try_from(per_package)
        .map_err(|_| err(format!("per_package {per_package} is not a count of units")))?;
    let year = number("year")?
        .map(|y| i32::try_from(y).map_err(|_| err(format!("year {y} is not a year"))))
        .transpose()?;
    Ok(LotRow {
        line,
        lot: LotRecord {
            ammo_type: field("type")?,
            description: field("description")?,
            calibre: field("calibre")?,
            manufacturer: field("manufacturer")?,
            lot_number: field("lot")?,
            year,
            hazard: field("hazard")?,
            neq_kg: field("neq_kg")?,
            unit: parsed(field("unit")?, Default::default()).map_err(err)?,
            units_per_package,
            origin: parsed(field("origin")?, Origin::StateStock).map_err(err)?,
            found_at: field("found_at")?,
        },
        quantity,
        location: field("location")?,
        condition: parsed(field("condition")?, AmmoCondition::Serviceable).map_err(err)?,
    })
}

impl Ledger {
    /// Receives parsed lot rows, `batch` rows per transaction (at most [`MAX_IMPORT_BATCH`]).
    /// Each row is received whole or not at all; a refused row (a duplicate lot, a bad hazard
    /// code, a location over its licence...) is reported with its line and reason.
    pub fn import_lots(
        &mut self,
        actor: &Actor,
        rows: Vec<std::result::Result<LotRow, RowError>>,
        batch: usize,
    ) -> Result<ImportReport> {
        actor.require("receive ammunition", &HANDLERS)?;
        let mut report = ImportReport::default();
        for chunk in rows.chunks(batch.clamp(1, MAX_IMPORT_BATCH)) {
            let (imported, rejected) = self.write(|w| {
                rows_one_by_one(
                    w,
                    chunk,
                    |r| r.line,
                    |w, row| {
                        let quantity = check_quantity(row.quantity)?;
                        let lot = checked_lot(row.lot.clone())?;
                        let location_id = location_id_of(w.conn, &row.location)?;
                        receive_in(w, actor, &lot, quantity, location_id, row.condition)
                    },
                )
            })?;
            report.imported.extend(imported);
            report.rejected.extend(rejected);
        }
        Ok(report)
    }
}
