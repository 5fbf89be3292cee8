//! Bulk intake from CSV for collection campaigns. Parsing is sans-IO (any `Read`); each good
//! row is committed as one event, a bad row is reported with its line number and never
//! half-written, and commits happen in batches so a crash loses at most the open batch.

use crate::domain::WeaponRecord;
use crate::error::{CustodyError, Result};
use crate::ledger::{Actor, Ledger};
use crate::workflows::{append_weapon, location_id_of, HANDLERS};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;

pub const REQUIRED_COLUMNS: [&str; 7] = [
    "serial",
    "manufacturer",
    "model",
    "type",
    "calibre",
    "country",
    "year",
];
pub const OPTIONAL_COLUMNS: [&str; 1] = ["location"];

/// One parsed row, with the line it came from.
#[derive(Debug, Clone)]
pub struct WeaponRow {
    pub line: u64,
    pub weapon: WeaponRecord,
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub line: u64,
    pub code: String,
    pub seq: i64,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub rejected: Vec<RowError>,
}

/// Progress after each committed batch: rows looked at, rows committed so far, and the last
/// committed CSV line (everything reported here is durable).
#[derive(Debug, Clone, Copy)]
pub struct ImportProgress {
    pub processed: usize,
    pub committed: usize,
    pub last_committed_line: u64,
}

/// Reads the CSV into rows and row errors. Fails as a whole only when the header is unusable.
pub fn parse_weapon_csv(input: impl Read) -> Result<Vec<std::result::Result<WeaponRow, RowError>>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| CustodyError::Invalid(format!("cannot read the CSV header: {e}")))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| {
            !REQUIRED_COLUMNS.contains(&n.as_str()) && !OPTIONAL_COLUMNS.contains(&n.as_str())
        })
        .collect();
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|c| !names.iter().any(|n| n == c))
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        return Err(CustodyError::Invalid(format!(
            "CSV header must be serial,manufacturer,model,type,calibre,country,year[,location]; \
             missing: [{}], unknown: [{}]",
            missing.join(", "),
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let column = |name: &str| names.iter().position(|n| n == name);
    let idx: HashMap<&str, usize> = REQUIRED_COLUMNS
        .iter()
        .chain(OPTIONAL_COLUMNS.iter())
        .filter_map(|c| column(c).map(|i| (*c, i)))
        .collect();
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                rows.push(Err(RowError {
                    line,
                    reason: format!("unreadable CSV row: {e}"),
                }));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        rows.push(parse_row(&record, &idx, names.len(), line));
    }
    Ok(rows)
}

/// A spreadsheet cell as a person meant it: line breaks typed inside a cell (Alt+Enter) and
/// runs of spaces become one space. Other control characters stay, and the ledger refuses the
/// row naming the column (docs/SECURITY.md, "Text fields").
fn fold_cell(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for part in cell.split(['\r', '\n', ' ']).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

fn parse_row(
    record: &csv::ByteRecord,
    idx: &HashMap<&str, usize>,
    width: usize,
    line: u64,
) -> std::result::Result<WeaponRow, RowError> {
    let err = |reason: String| RowError { line, reason };
    if record.len() != width {
        return Err(err(format!(
            "has {} fields, the header has {width}",
            record.len()
        )));
    }
    let field = |name: &str| -> std::result::Result<String, RowError> {
        let bytes = idx.get(name).and_then(|&i| record.get(i)).unwrap_or(b"");
        std::str::from_utf8(bytes).map(fold_cell).map_err(|_| {
            err(format!(
                "column '{name}' is not valid UTF-8 text; save the file as UTF-8"
            ))
        })
    };
    let serial = field("serial")?;
    if serial.is_empty() {
        return Err(err("serial is empty".into()));
    }
    let manufacturer = field("manufacturer")?;
    if manufacturer.is_empty() {
        return Err(err(
            "manufacturer is empty (write UNKNOWN if it cannot be read)".into(),
        ));
    }
    let type_text = field("type")?;
    let weapon_type = if type_text.is_empty() {
        None
    } else {
        Some(type_text.parse().map_err(err)?)
    };
    let year_text = field("year")?;
    let year = if year_text.is_empty() {
        None
    } else {
        Some(
            year_text
                .parse::<i32>()
                .map_err(|_| err(format!("year '{year_text}' is not a number")))?,
        )
    };
    let location = field("location")?;
    Ok(WeaponRow {
        line,
        weapon: WeaponRecord {
            serial,
            manufacturer,
            model: field("model")?,
            weapon_type,
            calibre: field("calibre")?,
            country: field("country")?,
            year,
            origin: crate::domain::Origin::VoluntarySurrender,
            ..WeaponRecord::default()
        },
        location: (!location.is_empty()).then_some(location),
    })
}

/// The most rows one import transaction may hold: about 200 ms of writing on a site PC, so
/// a scan at another kiosk never waits long behind an import (docs/SECURITY.md).
pub const MAX_IMPORT_BATCH: usize = 2000;

impl Ledger {
    /// Imports parsed rows, `batch` rows per transaction (at most [`MAX_IMPORT_BATCH`]). Each row goes in whole or not at all.
    pub fn import_weapons(
        &mut self,
        actor: &Actor,
        rows: Vec<std::result::Result<WeaponRow, RowError>>,
        batch: usize,
        mut progress: impl FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        actor.require("import weapons", &HANDLERS)?;
        let mut report = ImportReport::default();
        let mut locations: HashMap<String, String> = HashMap::new();
        let mut processed = 0usize;
        for chunk in rows.chunks(batch.clamp(1, MAX_IMPORT_BATCH)) {
            let (imported, rejected) = self.write(|w| {
                let mut imported = Vec::new();
                let mut rejected = Vec::new();
                for row in chunk {
                    let row = match row {
                        Ok(r) => r,
                        Err(e) => {
                            rejected.push(e.clone());
                            continue;
                        }
                    };
                    let outcome = w.attempt(|w| {
                        let location_id = match &row.location {
                            None => None,
                            Some(name) => Some(match locations.get(name) {
                                Some(id) => id.clone(),
                                None => {
                                    let id = location_id_of(w.conn, name)?;
                                    locations.insert(name.clone(), id.clone());
                                    id
                                }
                            }),
                        };
                        append_weapon(w, actor, &row.weapon, location_id)
                    });
                    match outcome {
                        Ok(r) => imported.push(Imported {
                            line: row.line,
                            code: r.code,
                            seq: r.seq,
                        }),
                        Err(
                            e @ (CustodyError::DiskFull
                            | CustodyError::Storage(_)
                            | CustodyError::Busy),
                        ) => return Err(e),
                        Err(e) => rejected.push(RowError {
                            line: row.line,
                            reason: e.to_string(),
                        }),
                    }
                }
                Ok((imported, rejected))
            })?;
            processed += chunk.len();
            report.imported.extend(imported);
            report.rejected.extend(rejected);
            progress(ImportProgress {
                processed,
                committed: report.imported.len(),
                last_committed_line: report.imported.last().map(|i| i.line).unwrap_or(0),
            });
        }
        Ok(report)
    }
}

#[cfg(test)]
mod fold_tests {
    use super::*;

    #[test]
    fn a_cell_with_a_line_break_inside_reads_as_one_line() {
        let csv = "serial,manufacturer,model,type,calibre,country,year\n\
                   \"A 1\",\"Zastava\r\nArms\",\"M70  AB\n\",rifle,7.62x39,RS,1984\n\
                   B2,Zastava,\"M70\tX\",rifle,7.62x39,RS,1984\n";
        let rows = parse_weapon_csv(csv.as_bytes()).unwrap();
        let first = rows[0].as_ref().unwrap();
        assert_eq!(first.weapon.manufacturer, "Zastava Arms");
        assert_eq!(first.weapon.model, "M70 AB");
        // A tab is not folded: the ledger refuses it when the row is appended.
        let second = rows[1].as_ref().unwrap();
        assert!(crate::fields::check_text("model", &second.weapon.model).is_err());
    }
}
