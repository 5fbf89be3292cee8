//! Bulk intake from CSV for collection campaigns. Parsing is sans-IO (any `Read`); each good
//! row is committed as one event, a bad row is reported with its line number and never
//! half-written, and commits happen in batches so a crash loses at most the open batch.

use crate::domain::WeaponRecord;
use crate::domain::{manufacturer_key, serial_key};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::Writer;
use crate::ledger::{Actor, Encoded, Ledger};
use crate::refusal::Refusal;
use crate::workflows::{
    append_registration, check_not_duplicate, check_weapon, location_id_of, weapon_body, HANDLERS,
};
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

/// Progress after each batch whose commit synced the log (at least every
/// [`IMPORT_DURABLE_ROWS`] rows, and the last): rows looked at, rows committed so far, and the
/// last committed CSV line (everything reported here is durable).
#[derive(Debug, Clone, Copy)]
pub struct ImportProgress {
    pub processed: usize,
    pub committed: usize,
    pub last_committed_line: u64,
}

/// Reads the CSV into rows and row errors. Fails as a whole only when the header is unusable.
pub fn parse_weapon_csv(input: impl Read) -> Result<Vec<WeaponRowOrError>> {
    Ok(weapon_csv_rows(input)?.collect())
}

/// Reads the CSV a row at a time, for an import that starts writing before the whole file is
/// read. The header is checked here: an unusable one is the only error.
pub fn weapon_csv_rows<R: Read>(input: R) -> Result<WeaponCsvRows<R>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| Refusal::CsvHeaderUnreadable {
            detail: e.to_string(),
        })?
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
        return Err(Refusal::CsvHeader {
            missing: missing.iter().map(|s| s.to_string()).collect(),
            unknown: unknown.iter().map(|s| s.to_string()).collect(),
        }
        .into());
    }
    let column = |name: &str| names.iter().position(|n| n == name);
    let idx: HashMap<&'static str, usize> = REQUIRED_COLUMNS
        .iter()
        .chain(OPTIONAL_COLUMNS.iter())
        .filter_map(|c| column(c).map(|i| (*c, i)))
        .collect();
    Ok(WeaponCsvRows {
        reader,
        idx,
        width: names.len(),
        record: csv::ByteRecord::new(),
        stopped: false,
    })
}

/// The data rows of a weapons CSV file, each parsed or refused with its line.
pub struct WeaponCsvRows<R> {
    reader: csv::Reader<R>,
    idx: HashMap<&'static str, usize>,
    width: usize,
    record: csv::ByteRecord,
    stopped: bool,
}

impl<R: Read> Iterator for WeaponCsvRows<R> {
    type Item = WeaponRowOrError;

    fn next(&mut self) -> Option<WeaponRowOrError> {
        if self.stopped {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map(|p| p.line()).unwrap_or(0);
                Some(parse_row(&self.record, &self.idx, self.width, line))
            }
            Err(e) => {
                // A file that cannot be read further is said once; a bad row is skipped.
                self.stopped = matches!(e.kind(), csv::ErrorKind::Io(_));
                Some(Err(RowError {
                    line: e.position().map(|p| p.line()).unwrap_or(0),
                    reason: format!("unreadable CSV row: {e}"),
                }))
            }
        }
    }

    /// As many as `next` would give, without parsing the rows: `custody import weapons`
    /// counts a file's rows before importing it.
    fn count(mut self) -> usize {
        let mut n = 0;
        while !self.stopped {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => break,
                Ok(true) => n += 1,
                Err(e) => {
                    self.stopped = matches!(e.kind(), csv::ErrorKind::Io(_));
                    n += 1;
                }
            }
        }
        n
    }
}

/// A spreadsheet cell as a person meant it: line breaks typed inside a cell (Alt+Enter) and
/// runs of spaces become one space. Other control characters stay, and the ledger refuses the
/// row naming the column (docs/SECURITY.md, "Text fields").
pub(crate) fn fold_cell(cell: &str) -> String {
    // Most cells have nothing to fold: copied as they are (bulk import reads millions).
    let bytes = cell.as_bytes();
    let plain = bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !bytes.iter().any(|&b| b == b'\r' || b == b'\n')
        && !bytes.windows(2).any(|w| w == b"  ");
    if plain {
        return cell.to_owned();
    }
    fold_cell_parts(cell)
}

/// The folding itself: the pieces between line breaks and spaces, joined by one space.
fn fold_cell_parts(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for part in cell.split(['\r', '\n', ' ']).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// One data row of an imported CSV file (weapons or ammunition lots): its cells by column
/// name, as folded text, after the row's width was checked against the header.
pub(crate) struct CsvRow<'a, K> {
    record: &'a csv::ByteRecord,
    idx: &'a HashMap<K, usize>,
    line: u64,
}

impl<'a, K: std::borrow::Borrow<str> + std::hash::Hash + Eq> CsvRow<'a, K> {
    pub(crate) fn new(
        record: &'a csv::ByteRecord,
        idx: &'a HashMap<K, usize>,
        width: usize,
        line: u64,
    ) -> std::result::Result<Self, RowError> {
        if record.len() != width {
            return Err(RowError {
                line,
                reason: format!("has {} fields, the header has {width}", record.len()),
            });
        }
        Ok(CsvRow { record, idx, line })
    }

    /// The cell under `name` (empty when the column is absent), line breaks and runs of
    /// spaces folded to one space.
    pub(crate) fn field(&self, name: &str) -> std::result::Result<String, RowError> {
        let bytes = self
            .idx
            .get(name)
            .and_then(|&i| self.record.get(i))
            .unwrap_or(b"");
        std::str::from_utf8(bytes)
            .map(fold_cell)
            .map_err(|_| RowError {
                line: self.line,
                reason: format!("column '{name}' is not valid UTF-8 text; save the file as UTF-8"),
            })
    }
}

fn parse_row(
    record: &csv::ByteRecord,
    idx: &HashMap<&str, usize>,
    width: usize,
    line: u64,
) -> std::result::Result<WeaponRow, RowError> {
    let err = |reason: String| RowError { line, reason };
    let row = CsvRow::new(record, idx, width, line)?;
    let field = |name: &str| row.field(name);
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
/// The batch `custody import weapons` takes unless told otherwise: the largest, as each commit
/// rewrites the pages of the label-code index that its (random) codes touched, and fewer
/// commits rewrite fewer of them.
pub const DEFAULT_IMPORT_BATCH: usize = MAX_IMPORT_BATCH;

/// Log size between automatic checkpoints while a bulk import runs (1,000 pages otherwise):
/// fewer, larger copies back into the database file. Restored when the import ends, which
/// checkpoints once so the next scan does not pay for the import's copy.
const IMPORT_WAL_BYTES: u32 = 64 << 20;
/// Rows a bulk import commits between syncs of the log file. The batches in between commit
/// without waiting for the disk (SQLite's `synchronous = NORMAL` in WAL mode: a power cut may
/// take them back, never half of one); progress is reported only at a sync, so every row
/// reported committed is on disk.
pub const IMPORT_DURABLE_ROWS: usize = 10_000;
/// Page cache while a bulk import runs (negative: KiB), so the register's indexes stay in
/// memory as they grow. Restored when the import ends.
const IMPORT_CACHE_KIB: i64 = -65_536;

/// A row that passed every check made before writing: its location resolved, its record
/// checked, and its register event encoded with its text fields checked.
struct Checked {
    line: u64,
    event: Encoded,
    /// Manufacturer and serial keys, normalised once for the look-up and the batch.
    key: (String, String),
}

/// One batch of rows, each checked or refused, in file order.
struct CheckedBatch {
    checked: Vec<std::result::Result<Checked, RowError>>,
    /// No rows follow: this batch's commit syncs the log.
    last: bool,
}

/// The locations a file names, each looked up once, on a read connection of its own: its id,
/// or why the name is refused.
struct Places {
    path: std::path::PathBuf,
    conn: Option<rusqlite::Connection>,
    found: HashMap<String, std::result::Result<String, String>>,
}

impl Places {
    fn new(path: &std::path::Path) -> Places {
        Places {
            path: path.to_path_buf(),
            conn: None,
            found: HashMap::new(),
        }
    }

    /// The location's id, `Ok(Err(reason))` for a name that is refused; an error is trouble
    /// with the store.
    fn id_of(&mut self, name: &str) -> Result<std::result::Result<String, String>> {
        if let Some(found) = self.found.get(name) {
            return Ok(found.clone());
        }
        let conn = match &mut self.conn {
            Some(conn) => conn,
            empty => {
                let conn = rusqlite::Connection::open_with_flags(
                    &self.path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )?;
                // As the ledger's own connection waits (a reader rarely has to).
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                empty.insert(conn)
            }
        };
        let found = match location_id_of(conn, name) {
            Ok(id) => Ok(id),
            Err(e) if is_storage(&e) => return Err(e),
            Err(e) => Err(e.to_string()),
        };
        self.found.insert(name.to_string(), found.clone());
        Ok(found)
    }
}

impl Ledger {
    /// Imports rows (parsed, or read from the file as the import goes:
    /// [`weapon_csv_rows`]), `batch` rows per transaction (at most [`MAX_IMPORT_BATCH`]).
    /// Each row goes in whole or not at all.
    ///
    /// Each batch is first checked as a whole (locations, records, text fields, and one
    /// set-based look-up of its serials in the register), then its good rows are appended
    /// without a savepoint per row. Should a row still fail while being appended, the batch is
    /// rolled back and written again with a savepoint per row, so a bad row never half-imports
    /// and never takes the good ones with it. Reading the rows and the checks that need no
    /// write run on a second thread, one batch ahead of the writer.
    pub fn import_weapons<I>(
        &mut self,
        actor: &Actor,
        rows: I,
        batch: usize,
        mut progress: impl FnMut(ImportProgress),
    ) -> Result<ImportReport>
    where
        I: IntoIterator<Item = WeaponRowOrError>,
        I::IntoIter: Send,
    {
        actor.require("import weapons", &HANDLERS)?;
        let pragma = |name: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?)
        };
        let (cache, synchronous, autocheckpoint) = (
            pragma("cache_size")?,
            pragma("synchronous")?,
            pragma("wal_autocheckpoint")?,
        );
        let page_size = pragma("page_size")?.max(512) as u32;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", IMPORT_WAL_BYTES / page_size)?;
        self.conn
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        let result = self.import_batches(actor, rows.into_iter(), batch, &mut progress);
        let restored = self
            .conn
            .pragma_update(None, "wal_autocheckpoint", autocheckpoint)
            .and_then(|()| self.conn.pragma_update(None, "cache_size", cache))
            .and_then(|()| self.conn.pragma_update(None, "synchronous", synchronous));
        let report = result?;
        restored?;
        // The import's log goes back into the file now (readers are not waited for).
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(report)
    }

    fn import_batches(
        &mut self,
        actor: &Actor,
        rows: impl Iterator<Item = WeaponRowOrError> + Send,
        batch: usize,
        progress: &mut impl FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let batch = batch.clamp(1, MAX_IMPORT_BATCH);
        let mut places = Places::new(self.path());
        std::thread::scope(|scope| {
            // One batch read and checked ahead. When the writer stops early the channel
            // closes and the reading thread ends with it.
            let (ahead, checked) = std::sync::mpsc::sync_channel(1);
            // Written batches are freed on a third thread: freeing what another thread
            // allocated showed up in the writer's profile.
            let (spent, to_free) = std::sync::mpsc::channel::<CheckedBatch>();
            scope.spawn(move || to_free.into_iter().for_each(drop));
            scope.spawn(move || {
                let mut rows = rows.peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<WeaponRowOrError> = rows.by_ref().take(batch).collect();
                    let checked = check_batch(chunk, rows.peek().is_none(), &mut places);
                    let trouble = checked.is_err();
                    if ahead.send(checked).is_err() || trouble {
                        return;
                    }
                }
            });
            self.write_checked_batches(actor, checked.into_iter(), spent, progress)
        })
    }

    fn write_checked_batches(
        &mut self,
        actor: &Actor,
        batches: impl Iterator<Item = Result<CheckedBatch>>,
        spent: std::sync::mpsc::Sender<CheckedBatch>,
        progress: &mut impl FnMut(ImportProgress),
    ) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut processed = 0usize;
        let mut since_durable = 0usize;
        for batch in batches {
            let batch = batch?;
            let rows = batch.checked.len();
            // Batches commit without waiting for the disk, except the one that closes a durable
            // stretch: its commit syncs the log file, and with it every batch before.
            since_durable += rows;
            let durable = batch.last || since_durable >= IMPORT_DURABLE_ROWS;
            let level = if durable { "FULL" } else { "NORMAL" };
            self.conn.pragma_update(None, "synchronous", level)?;
            let mut retry = false;
            let fast = self.write(|w| match write_batch_checked(w, actor, &batch.checked)? {
                Some(done) => Ok(done),
                None => {
                    // `write` commits only on Ok: an error rolls the whole batch back.
                    retry = true;
                    Err(CustodyError::Internal(
                        "batch written again row by row".into(),
                    ))
                }
            });
            let (imported, rejected) = match fast {
                Ok(done) => done,
                Err(_) if retry => self.write_batch_per_row(actor, &batch.checked)?,
                Err(e) => return Err(e),
            };
            processed += rows;
            report.imported.extend(imported);
            report.rejected.extend(rejected);
            // Should the freeing thread be gone, the batch is freed here.
            let _ = spent.send(batch);
            if !durable {
                continue;
            }
            since_durable = 0;
            // Only rows on disk are reported committed.
            progress(ImportProgress {
                processed,
                committed: report.imported.len(),
                last_committed_line: report.imported.last().map(|i| i.line).unwrap_or(0),
            });
        }
        Ok(report)
    }

    /// The careful path: the batch's checked events again, one savepoint each, each after
    /// the register's own duplicate check (earlier rows of the batch are in it by then).
    fn write_batch_per_row(
        &mut self,
        actor: &Actor,
        checked: &[std::result::Result<Checked, RowError>],
    ) -> Result<(Vec<Imported>, Vec<RowError>)> {
        self.write(|w| {
            rows_one_by_one(
                w,
                checked,
                |c| c.line,
                |w, c| {
                    if let EventBody::RegisterWeapon { weapon, .. } = &c.event.body {
                        check_not_duplicate(w.conn, weapon)?;
                    }
                    let r = append_registration(w, actor, &c.event)?;
                    Ok((r.code, r.seq))
                },
            )
        })
    }
}

/// Writes a chunk of parsed rows (weapons, lots), each in its own savepoint: a row that was
/// refused at parsing or by core is named with its line and the others go on; trouble with
/// the store itself stops the import. `write` returns the new record's code and event seq.
pub(crate) fn rows_one_by_one<R>(
    w: &mut Writer<'_>,
    chunk: &[std::result::Result<R, RowError>],
    line_of: impl Fn(&R) -> u64,
    mut write: impl FnMut(&mut Writer<'_>, &R) -> Result<(String, i64)>,
) -> Result<(Vec<Imported>, Vec<RowError>)> {
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
        let line = line_of(row);
        match w.attempt(|w| write(w, row)) {
            Ok((code, seq)) => imported.push(Imported { line, code, seq }),
            Err(e) if is_storage(&e) => return Err(e),
            Err(e) => rejected.push(RowError {
                line,
                reason: e.to_string(),
            }),
        }
    }
    Ok((imported, rejected))
}

/// Trouble with the store itself, which stops the import. A constraint the row broke (a
/// unique index, a trigger) is the row's problem: it is refused and the others go on.
pub(crate) fn is_storage(e: &CustodyError) -> bool {
    match e {
        CustodyError::DiskFull | CustodyError::Busy => true,
        CustodyError::Storage(rusqlite::Error::SqliteFailure(f, _)) => {
            f.code != rusqlite::ErrorCode::ConstraintViolation
        }
        CustodyError::Storage(_) => true,
        _ => false,
    }
}

/// A row as parsed, or why it could not be.
pub type WeaponRowOrError = std::result::Result<WeaponRow, RowError>;

/// Step 1 of a batch: every check that needs no write, row by row in file order (the record,
/// the location, the event encoded and its text fields checked). An error is trouble with the
/// store while looking up a location.
fn check_batch(
    rows: Vec<WeaponRowOrError>,
    last: bool,
    places: &mut Places,
) -> Result<CheckedBatch> {
    let mut checked = Vec::with_capacity(rows.len());
    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                checked.push(Err(e));
                continue;
            }
        };
        let refused = |reason: String| RowError {
            line: row.line,
            reason,
        };
        let location_id = match &row.location {
            None => Ok(None),
            Some(name) => places.id_of(name)?.map(Some).map_err(refused),
        };
        checked.push(location_id.and_then(|location_id| {
            check_weapon(&row.weapon).map_err(|e| refused(e.to_string()))?;
            let event = Encoded::new(weapon_body(&row.weapon, location_id))
                .map_err(|e| refused(e.to_string()))?;
            Ok(Checked {
                line: row.line,
                event,
                key: (
                    manufacturer_key(&row.weapon.manufacturer),
                    serial_key(&row.weapon.serial),
                ),
            })
        }));
    }
    Ok(CheckedBatch { checked, last })
}

/// Steps 2 and 3 of a batch, inside its transaction. `Ok(None)` asks for the per-row path
/// (the caller rolls the batch back); an error is storage trouble and stops the import.
fn write_batch_checked(
    w: &mut Writer<'_>,
    actor: &Actor,
    checked: &[std::result::Result<Checked, RowError>],
) -> Result<Option<(Vec<Imported>, Vec<RowError>)>> {
    let mut rejected = Vec::new();
    // 2. One look-up of the batch's serials in the register.
    let keys: Vec<&str> = checked
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .map(|c| c.key.1.as_str())
        .collect();
    let mut registered: HashMap<(String, String), String> = HashMap::new();
    {
        let mut stmt = w
            .conn
            .prepare_cached(crate::schema::by_serial::REGISTERED_OF_BATCH)?;
        let json = serde_json::to_string(&keys)
            .map_err(|e| CustodyError::Internal(format!("serial keys: {e}")))?;
        let mut rows = stmt.query([json])?;
        while let Some(r) = rows.next()? {
            registered
                .entry((r.get(0)?, r.get(1)?))
                .or_insert(r.get(2)?);
        }
    }
    // 3. Append, in file order; a serial registered earlier in this batch (found by its
    // place in `imported`) is a duplicate like one registered before it.
    let mut imported: Vec<Imported> = Vec::with_capacity(checked.len());
    // Sized for the whole batch: growing it row by row showed up in profiles.
    let mut in_batch: HashMap<&(String, String), usize> = HashMap::with_capacity(checked.len());
    for c in checked {
        let c = match c {
            Ok(c) => c,
            Err(e) => {
                rejected.push(e.clone());
                continue;
            }
        };
        // One hash of the key per row: the entry is kept for the append below.
        let earlier = match in_batch.entry(&c.key) {
            std::collections::hash_map::Entry::Occupied(seen) => Err(&imported[*seen.get()].code),
            std::collections::hash_map::Entry::Vacant(free) => Ok(free),
        };
        let existing = match &earlier {
            Err(code) => Some(*code),
            // Most batches find none of their serials registered: no look-up then.
            Ok(_) if registered.is_empty() => None,
            Ok(_) => registered.get(&c.key),
        };
        if let Some(existing_code) = existing {
            let (manufacturer, serial) = match &c.event.body {
                EventBody::RegisterWeapon { weapon, .. } => {
                    (weapon.manufacturer.trim(), weapon.serial.trim())
                }
                _ => ("", ""),
            };
            rejected.push(RowError {
                line: c.line,
                reason: CustodyError::DuplicateSerial {
                    manufacturer: manufacturer.to_string(),
                    serial: serial.to_string(),
                    existing_code: existing_code.clone(),
                }
                .to_string(),
            });
            continue;
        }
        match append_registration(w, actor, &c.event) {
            Ok(r) => {
                if let Ok(free) = earlier {
                    free.insert(imported.len());
                }
                imported.push(Imported {
                    line: c.line,
                    code: r.code,
                    seq: r.seq,
                });
            }
            Err(e) if is_storage(&e) => return Err(e),
            // Passed the checks, failed the append: start the batch again, carefully.
            Err(_) => return Ok(None),
        }
    }
    Ok(Some((imported, rejected)))
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

    /// Counting a file's rows gives as many as reading them, bad rows included.
    #[test]
    fn counting_the_rows_gives_as_many_as_reading_them() {
        let csv = "serial,manufacturer,model,type,calibre,country,year\n\
                   A1,Zastava,M70,rifle,7.62x39,RS,1984\n\
                   A2,Zastava,M70,rifle,7.62x39,RS,1984,extra\n\
                   \"A3\nX\",Zastava,M70,rifle,7.62x39,RS,nineteen\n\
                   ,Zastava,M70,rifle,7.62x39,RS,1984\n";
        let read: Vec<_> = weapon_csv_rows(csv.as_bytes()).unwrap().collect();
        assert_eq!(read.len(), 4);
        assert_eq!(read.iter().filter(|r| r.is_err()).count(), 3);
        assert_eq!(weapon_csv_rows(csv.as_bytes()).unwrap().count(), 4);
    }

    /// The shortcut for cells with nothing to fold gives what folding gives, for every cell of
    /// up to six characters drawn from letters, a space, a tab and both line breaks.
    #[test]
    fn a_cell_copied_as_it_is_reads_the_same_as_a_folded_one() {
        let alphabet = ['a', 'b', ' ', '\t', '\r', '\n'];
        let mut cells = vec![String::new()];
        let mut checked = 0;
        for _ in 0..6 {
            let mut longer = Vec::new();
            for cell in &cells {
                for c in alphabet {
                    let mut next = cell.clone();
                    next.push(c);
                    assert_eq!(fold_cell(&next), fold_cell_parts(&next), "{next:?}");
                    checked += 1;
                    longer.push(next);
                }
            }
            cells = longer;
        }
        assert_eq!(checked, 6 + 36 + 216 + 1296 + 7776 + 46656);
    }
}

#[cfg(test)]
mod settings_tests {
    use crate::{Ledger, PersonRecord, Role};

    fn settings(l: &Ledger) -> Vec<i64> {
        ["synchronous", "wal_autocheckpoint", "cache_size"]
            .iter()
            .map(|p| {
                l.conn
                    .query_row(&format!("PRAGMA {p}"), [], |r| r.get(0))
                    .unwrap()
            })
            .collect()
    }

    /// The import's faster settings (no sync between durable stretches, rarer WAL copies, a
    /// larger cache) are the connection's own again afterwards, also after a refused import.
    #[test]
    fn an_import_leaves_the_connection_as_it_found_it() {
        let dir = tempfile::tempdir().unwrap();
        let admin = PersonRecord {
            name: "Ana Admin".into(),
            service_number: String::new(),
            badge: "ADM".into(),
            roles: vec![Role::Administrator, Role::Officer],
        };
        let (mut l, actor) =
            Ledger::create(&dir.path().join("l.db"), "Depot", admin, "731904").unwrap();
        let before = settings(&l);
        assert_eq!(before[0], 2, "the ledger writes with synchronous = FULL");
        let csv = "serial,manufacturer,model,type,calibre,country,year\nA1,Zastava,M70,rifle,7.62x39,RS,1984\nA2,Zastava,M70,rifle,7.62x39,RS,1984\n";
        let rows = super::parse_weapon_csv(csv.as_bytes()).unwrap();
        let report = l.import_weapons(&actor, rows, 1, |_| {}).unwrap();
        assert_eq!(report.imported.len(), 2);
        assert_eq!(settings(&l), before);
        let rows = super::parse_weapon_csv(csv.as_bytes()).unwrap();
        let again = l.import_weapons(&actor, rows, 1, |_| {}).unwrap();
        assert_eq!(again.rejected.len(), 2, "duplicates refused");
        assert_eq!(settings(&l), before);
    }
}
