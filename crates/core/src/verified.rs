//! `<ledger>.verified`: the projection tables as replayed at the last clean verify, so the
//! daily `custody verify` replays only the events since. Derived data only: it is trusted
//! for nothing but a starting point. It is used only when its head event's hash is the one
//! in the (fully walked) chain, and any problem it seems to show is named by the whole replay
//! (docs/ledger-format.md, "Verification").

use crate::schema::{create_projection_tables, CURRENT_VERSION};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// The one row saying at which event the tables were replayed, for which site and schema.
const HEAD_TABLE: &str = "CREATE TABLE verified_head (
    seq            INTEGER NOT NULL,
    hash           BLOB NOT NULL,
    site_id        TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    program        TEXT NOT NULL
)";

/// Which build replayed the tables: another program version may replay differently.
const PROGRAM: &str = env!("CARGO_PKG_VERSION");

/// Copy every page in one step: nobody else writes the databases being copied.
const ALL_PAGES: std::os::raw::c_int = std::os::raw::c_int::MAX;

/// A sidecar larger than this is not read (a projection of many millions of events is far
/// smaller; anything larger is not ours).
const SIZE_LIMIT: u64 = 16 << 30;

pub(crate) fn path_for(ledger: &Path) -> PathBuf {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".verified");
    PathBuf::from(name)
}

/// The event the sidecar's tables were replayed up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    pub seq: i64,
    pub hash: Vec<u8>,
}

/// Reads the sidecar's head and checks that it belongs to the ledger read through `events`:
/// same site, schema and program, and its head event has the hash the sidecar recorded.
/// `Err` says in words why the sidecar cannot be used.
pub(crate) fn usable_head(
    path: &Path,
    events: &Connection,
    site_id: &str,
) -> std::result::Result<Head, String> {
    match std::fs::metadata(path) {
        Err(_) => return Err("no sidecar from an earlier verify".into()),
        Ok(m) if !m.is_file() || m.len() > SIZE_LIMIT => {
            return Err("the sidecar is not a plain file of a plausible size".into())
        }
        Ok(_) => {}
    }
    let unreadable = |e: rusqlite::Error| format!("the sidecar cannot be read ({e})");
    let side = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    let (seq, hash, site, schema, program): (i64, Vec<u8>, String, i64, String) = side
        .query_row(
            "SELECT seq, hash, site_id, schema_version, program FROM verified_head",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .map_err(unreadable)?;
    if site != site_id {
        return Err(format!("the sidecar is of site {site}, not this ledger"));
    }
    if schema != CURRENT_VERSION || program != PROGRAM {
        return Err(format!(
            "the sidecar was written by schema {schema} / program {program}, not schema {CURRENT_VERSION} / program {PROGRAM}"
        ));
    }
    let stored: Option<Vec<u8>> = events
        .query_row("SELECT hash FROM events WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| e.to_string())?;
    if stored.as_deref() != Some(hash.as_slice()) {
        return Err(format!(
            "the sidecar's event {seq} is not this ledger's event {seq} (its hash differs, or the event is missing)"
        ));
    }
    Ok(Head { seq, hash })
}

/// The schema every sidecar has: the projection tables as this program creates them, and
/// the head table.
fn expected_schema() -> crate::error::Result<Vec<String>> {
    let reference = Connection::open_in_memory()?;
    create_projection_tables(&reference)?;
    reference.execute_batch(HEAD_TABLE)?;
    Ok(schema_of(&reference)?)
}

fn schema_of(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_master ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Copies the sidecar into memory and checks it is what [`usable_head`] said: exactly the
/// expected tables, and one head row equal to `head` (another verify may have replaced the
/// file meanwhile).
pub(crate) fn load(path: &Path, head: &Head) -> std::result::Result<Connection, String> {
    let inner = || -> crate::error::Result<std::result::Result<Connection, String>> {
        let side = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut memory = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(&side, &mut memory)?.run_to_completion(
            ALL_PAGES,
            std::time::Duration::ZERO,
            None,
        )?;
        drop(side);
        if schema_of(&memory)? != expected_schema()? {
            return Ok(Err(
                "the sidecar's tables are not the ones this program writes".into(),
            ));
        }
        let found: Vec<(i64, Vec<u8>)> = {
            let mut stmt = memory.prepare("SELECT seq, hash FROM verified_head")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        if found != [(head.seq, head.hash.clone())] {
            return Ok(Err("the sidecar changed while it was read".into()));
        }
        Ok(Ok(memory))
    };
    inner().unwrap_or_else(|e| Err(format!("the sidecar cannot be read ({e})")))
}

/// Writes the replayed projections in `projections` as the sidecar at `seq`/`hash`
/// (private temporary file, synced, renamed over the old one).
pub(crate) fn save(
    projections: &Connection,
    path: &Path,
    seq: i64,
    hash: &[u8],
    site_id: &str,
) -> std::result::Result<(), String> {
    let head = || -> rusqlite::Result<()> {
        projections.execute_batch(&format!(
            "DROP TABLE IF EXISTS verified_head; {HEAD_TABLE};"
        ))?;
        projections.execute(
            "INSERT INTO verified_head (seq, hash, site_id, schema_version, program)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![seq, hash, site_id, CURRENT_VERSION, PROGRAM],
        )?;
        Ok(())
    };
    head().map_err(|e| e.to_string())?;
    crate::files::write_atomically_with(path, |tmp| {
        let copy = || -> rusqlite::Result<()> {
            let mut dest = Connection::open(tmp)?;
            rusqlite::backup::Backup::new(projections, &mut dest)?.run_to_completion(
                ALL_PAGES,
                std::time::Duration::ZERO,
                None,
            )?;
            dest.close().map_err(|(_, e)| e)
        };
        copy().map_err(|e| {
            // A failed copy may leave SQLite's journal beside the temporary file.
            let mut journal = tmp.as_os_str().to_owned();
            journal.push("-journal");
            let _ = std::fs::remove_file(journal);
            std::io::Error::other(e.to_string())
        })
    })
    .map(|_| ())
    .map_err(|e| e.to_string())
}
