//! Versioned schema migrations. `PRAGMA user_version` holds the version a file is at.
//!
//! Projection tables are listed in [`PROJECTION_TABLES`]; they can be dropped and rebuilt from
//! `events` at any time. `events` and `credentials` are never rebuilt.

use crate::error::{CustodyError, Result};
use rusqlite::Connection;

/// The append-only log. Triggers make UPDATE and DELETE fail inside SQLite itself.
const EVENTS: &str = "
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    time      TEXT NOT NULL,
    actor     TEXT,
    witness   TEXT,
    kind      TEXT NOT NULL,
    subject   TEXT,
    payload   TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correcting event instead'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correcting event instead'); END;
CREATE TABLE credentials (
    person_id TEXT PRIMARY KEY,
    pin_hash  TEXT NOT NULL
);
";

/// Projections of schema version 1.
const PROJECTIONS_V1: &str = "
CREATE TABLE site (
    site_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    public_key TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    created    TEXT NOT NULL
);
CREATE TABLE persons (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    service_number TEXT NOT NULL,
    badge          TEXT NOT NULL UNIQUE,
    label_code     TEXT NOT NULL UNIQUE,
    roles          TEXT NOT NULL,
    active         INTEGER NOT NULL,
    failed_logins  INTEGER NOT NULL,
    last_failure   TEXT,
    last_seq       INTEGER NOT NULL
);
CREATE TABLE locations (
    id       TEXT PRIMARY KEY,
    code     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL UNIQUE,
    building TEXT NOT NULL,
    room     TEXT NOT NULL,
    shelf    TEXT NOT NULL,
    last_seq INTEGER NOT NULL
);
CREATE TABLE items (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    serial           TEXT NOT NULL,
    serial_key       TEXT NOT NULL,
    manufacturer     TEXT NOT NULL,
    manufacturer_key TEXT NOT NULL,
    model            TEXT NOT NULL,
    weapon_type      TEXT,
    calibre          TEXT NOT NULL,
    case_number      TEXT NOT NULL,
    exhibit_number   TEXT NOT NULL,
    description      TEXT NOT NULL,
    legal_hold       INTEGER NOT NULL,
    record           TEXT NOT NULL,
    status           TEXT NOT NULL,
    location_id      TEXT,
    holder_id        TEXT,
    checked_out_to   TEXT,
    checkout_purpose TEXT,
    due              TEXT,
    registered_seq   INTEGER NOT NULL,
    last_seq         INTEGER NOT NULL
);
CREATE UNIQUE INDEX items_weapon_identity ON items(manufacturer_key, serial_key)
    WHERE serial_key <> '';
CREATE INDEX items_serial ON items(serial_key);
CREATE INDEX items_location ON items(location_id);
";

/// Version 2: an index of events per item (fast histories) and signed checkpoints.
const PROJECTIONS_V2: &str = "
CREATE TABLE item_events (
    item_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (item_id, seq)
) WITHOUT ROWID;
CREATE TABLE checkpoints (
    seq         INTEGER PRIMARY KEY,
    covered_seq INTEGER NOT NULL,
    head_hash   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    signature   TEXT NOT NULL
);
";

/// Version 3: stocktakes, destruction batches, handovers and trusted site keys.
const PROJECTIONS_V3: &str = "
CREATE TABLE stocktakes (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    whole_site     INTEGER NOT NULL,
    note           TEXT NOT NULL,
    state          TEXT NOT NULL,
    opened_by      TEXT,
    opened_seq     INTEGER NOT NULL,
    scans          INTEGER NOT NULL,
    distinct_codes INTEGER NOT NULL,
    closed_seq     INTEGER,
    summary        TEXT,
    last_seq       INTEGER NOT NULL
);
CREATE TABLE stocktake_locations (
    stocktake_id TEXT NOT NULL,
    location_id  TEXT NOT NULL,
    PRIMARY KEY (stocktake_id, location_id)
) WITHOUT ROWID;
CREATE TABLE stocktake_expected (
    stocktake_id TEXT NOT NULL,
    item_id      TEXT NOT NULL,
    code         TEXT NOT NULL,
    location_id  TEXT,
    PRIMARY KEY (stocktake_id, item_id)
) WITHOUT ROWID;
CREATE TABLE stocktake_scans (
    stocktake_id TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    code         TEXT NOT NULL,
    item_id      TEXT,
    at_location  TEXT,
    PRIMARY KEY (stocktake_id, seq)
) WITHOUT ROWID;
CREATE INDEX stocktake_scans_code ON stocktake_scans(stocktake_id, code);
CREATE TABLE stocktake_resolutions (
    stocktake_id TEXT NOT NULL,
    discrepancy  TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    resolution   TEXT NOT NULL,
    reference    TEXT NOT NULL,
    note         TEXT NOT NULL,
    PRIMARY KEY (stocktake_id, discrepancy)
) WITHOUT ROWID;
CREATE TABLE destruction_batches (
    id                 TEXT PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    authority          TEXT NOT NULL,
    decision_reference TEXT NOT NULL,
    note               TEXT NOT NULL,
    state              TEXT NOT NULL,
    created_seq        INTEGER NOT NULL,
    item_count         INTEGER NOT NULL,
    digest             TEXT,
    frozen_seq         INTEGER,
    recount_seq        INTEGER,
    record             TEXT,
    executed_seq       INTEGER,
    operator           TEXT,
    witnesses          TEXT,
    last_seq           INTEGER NOT NULL
);
CREATE TABLE destruction_items (
    batch_id  TEXT NOT NULL,
    item_id   TEXT NOT NULL UNIQUE,
    code      TEXT NOT NULL,
    added_seq INTEGER NOT NULL,
    PRIMARY KEY (batch_id, item_id)
) WITHOUT ROWID;
CREATE TABLE handovers (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL,
    direction     TEXT NOT NULL,
    state         TEXT NOT NULL,
    peer_site_id  TEXT,
    peer_key_id   TEXT,
    details       TEXT NOT NULL,
    items         INTEGER NOT NULL,
    items_digest  TEXT NOT NULL,
    bundle_sha256 TEXT,
    created_seq   INTEGER NOT NULL,
    accepted_seq  INTEGER,
    receipt_seq   INTEGER,
    last_seq      INTEGER NOT NULL
);
CREATE TABLE handover_items (
    manifest_id    TEXT NOT NULL,
    item_id        TEXT NOT NULL,
    code           TEXT NOT NULL,
    state          TEXT NOT NULL,
    local_item_id  TEXT,
    record         TEXT,
    history_digest TEXT,
    PRIMARY KEY (manifest_id, item_id)
) WITHOUT ROWID;
CREATE INDEX handover_items_code ON handover_items(manifest_id, code);
CREATE TABLE handover_scans (
    manifest_id TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    code        TEXT NOT NULL,
    item_id     TEXT,
    PRIMARY KEY (manifest_id, seq)
) WITHOUT ROWID;
CREATE TABLE trusted_keys (
    key_id      TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    trusted_seq INTEGER NOT NULL
);
";

/// Projection columns of schema version 4: demo ledgers and revoked keys.
const PROJECTIONS_V4: &str = "
ALTER TABLE site ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trusted_keys ADD COLUMN revoked_seq INTEGER;
";

/// Schema version 4 outside the projections: which PIN hashes carry the site's pepper.
const CREDENTIALS_V4: &str = "
ALTER TABLE credentials ADD COLUMN peppered INTEGER NOT NULL DEFAULT 0;
";

/// Version 5: `items` no longer keeps a second copy of each register event's record (readers
/// take it from the event at `registered_seq`), and each stocktake keeps its progress counters
/// so a scan costs the same at the 100,000th item as at the first.
const PROJECTIONS_V5: &str = "
ALTER TABLE items DROP COLUMN record;
ALTER TABLE stocktakes ADD COLUMN unknown_codes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stocktakes ADD COLUMN alarms INTEGER NOT NULL DEFAULT 0;
CREATE TABLE stocktake_places (
    stocktake_id TEXT NOT NULL,
    location_id  TEXT NOT NULL,
    first_seq    INTEGER NOT NULL,
    PRIMARY KEY (stocktake_id, location_id)
) WITHOUT ROWID;
";

/// Version 6: corrections and the evidence life cycle. `items` keeps the current record when
/// it was amended (`current_record`, NULL while it is as registered), the category, the review
/// date and the current disposition decision; people and locations remember their last
/// amendment; administrators' settings (review defaults per category, the release witness).
const PROJECTIONS_V6: &str = "
ALTER TABLE items ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN current_record TEXT;
ALTER TABLE items ADD COLUMN amended_seq INTEGER;
ALTER TABLE items ADD COLUMN review_date TEXT;
ALTER TABLE items ADD COLUMN disposition TEXT;
ALTER TABLE items ADD COLUMN disposal_order TEXT;
CREATE INDEX items_review ON items(review_date) WHERE review_date IS NOT NULL;
ALTER TABLE persons ADD COLUMN amended_seq INTEGER;
ALTER TABLE locations ADD COLUMN amended_seq INTEGER;
CREATE TABLE site_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    seq   INTEGER NOT NULL
);
";

/// Version 7: ammunition and explosive ordnance by lot and quantity (crates/core/src/ammo.rs).
/// `identity_key` (manufacturer, lot number, calibre, normalised) keeps lots from being received
/// twice; a location's row is removed when its quantity reaches zero.
const PROJECTIONS_V7: &str = "
CREATE TABLE ammo_lots (
    id                TEXT PRIMARY KEY,
    ammo_type         TEXT NOT NULL,
    description       TEXT NOT NULL,
    calibre           TEXT NOT NULL,
    manufacturer      TEXT NOT NULL,
    lot_number        TEXT NOT NULL,
    identity_key      TEXT NOT NULL,
    year              INTEGER,
    hazard            TEXT NOT NULL,
    neq_kg            TEXT NOT NULL,
    unit              TEXT NOT NULL,
    units_per_package INTEGER NOT NULL,
    origin            TEXT NOT NULL,
    found_at          TEXT NOT NULL,
    condition         TEXT NOT NULL,
    received          INTEGER NOT NULL CHECK (received > 0),
    issued_out        INTEGER NOT NULL CHECK (issued_out >= 0),
    expended          INTEGER NOT NULL CHECK (expended >= 0),
    received_seq      INTEGER NOT NULL,
    last_seq          INTEGER NOT NULL
);
CREATE UNIQUE INDEX ammo_lots_identity ON ammo_lots(identity_key) WHERE identity_key <> '';
CREATE INDEX ammo_lots_number ON ammo_lots(lot_number COLLATE NOCASE);
CREATE TABLE ammo_stock (
    lot_id      TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity >= 0),
    last_seq    INTEGER NOT NULL,
    PRIMARY KEY (lot_id, location_id)
) WITHOUT ROWID;
";

/// Version 8: storage limits per location (crates/core/src/limits.rs): the licensed maximum
/// NEQ in kilograms as decimal text (empty: none) and the allowed compatibility group letters
/// (empty: any). A location without limits has no row.
const PROJECTIONS_V8: &str = "
CREATE TABLE location_limits (
    location_id TEXT PRIMARY KEY,
    max_neq_kg  TEXT NOT NULL,
    groups      TEXT NOT NULL,
    last_seq    INTEGER NOT NULL
);
";

/// Ammunition counted, destroyed and handed over by quantity (crates/core/src/ammo.rs): a lot's
/// quantities found and lost (only through a co-signed stocktake adjustment), destroyed and
/// transferred out, its legal hold (the order's reference; empty: none) and its label code
/// (derived from its id, crates/core/src/ammo.rs `lot_label_code`); a count's lines
/// per lot and location (expected as the count opened, counted), a batch's and a handover's
/// lot lines. Self-contained: appended after the last step, whatever its number.
const PROJECTIONS_AMMO_QUANTITIES: &str = "
ALTER TABLE ammo_lots ADD COLUMN found INTEGER NOT NULL DEFAULT 0 CHECK (found >= 0);
ALTER TABLE ammo_lots ADD COLUMN lost INTEGER NOT NULL DEFAULT 0 CHECK (lost >= 0);
ALTER TABLE ammo_lots ADD COLUMN destroyed INTEGER NOT NULL DEFAULT 0 CHECK (destroyed >= 0);
ALTER TABLE ammo_lots ADD COLUMN transferred_out INTEGER NOT NULL DEFAULT 0
    CHECK (transferred_out >= 0);
ALTER TABLE ammo_lots ADD COLUMN legal_hold TEXT NOT NULL DEFAULT '';
ALTER TABLE ammo_lots ADD COLUMN label_code TEXT NOT NULL DEFAULT '';
CREATE INDEX ammo_lots_label ON ammo_lots(label_code);
CREATE TABLE stocktake_ammo (
    stocktake_id TEXT NOT NULL,
    lot_id       TEXT NOT NULL,
    location_id  TEXT NOT NULL,
    expected     INTEGER NOT NULL,
    packages     INTEGER NOT NULL,
    loose        INTEGER NOT NULL,
    counted      INTEGER NOT NULL,
    reason       TEXT,
    adjusted_seq INTEGER,
    PRIMARY KEY (stocktake_id, lot_id, location_id)
) WITHOUT ROWID;
CREATE TABLE destruction_lots (
    batch_id    TEXT NOT NULL,
    lot_id      TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (batch_id, lot_id, location_id)
) WITHOUT ROWID;
CREATE INDEX destruction_lots_lot ON destruction_lots(lot_id, location_id);
CREATE TABLE handover_lots (
    manifest_id TEXT NOT NULL,
    lot_id      TEXT NOT NULL,
    location_id TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    received    INTEGER,
    PRIMARY KEY (manifest_id, lot_id, location_id)
) WITHOUT ROWID;
";

/// A lot shortfall on arrival of a handover settled at the sender as lost in transit
/// (`handover.settle` with lots): per lot, and per handover lot line how much was settled.
/// Self-contained: appended after the last step, whatever its number.
const PROJECTIONS_LOTS_LOST_IN_TRANSIT: &str = "
ALTER TABLE ammo_lots ADD COLUMN lost_in_transit INTEGER NOT NULL DEFAULT 0
    CHECK (lost_in_transit >= 0);
ALTER TABLE handover_lots ADD COLUMN settled INTEGER NOT NULL DEFAULT 0 CHECK (settled >= 0);
";

/// Fewer indexes for bulk import to keep up (`custody-bench ledger`, `import_100k`): the weapon
/// identity index leads with the serial, so it also serves a look-up by serial alone and
/// `items_serial` goes; items with no location are left out of `items_location`, as nothing
/// looks an item up by a missing location. A look-up by serial says `serial_key <> ''` so that
/// SQLite may use the partial index. Self-contained: appended after the last step.
const PROJECTIONS_LEANER_ITEM_INDEXES: &str = "
DROP INDEX IF EXISTS items_serial;
DROP INDEX IF EXISTS items_weapon_identity;
CREATE UNIQUE INDEX items_weapon_identity ON items(serial_key, manufacturer_key)
    WHERE serial_key <> '';
DROP INDEX IF EXISTS items_location;
CREATE INDEX items_location ON items(location_id) WHERE location_id IS NOT NULL;
";

/// The look-ups of the register by serial, kept beside the index they need: each says
/// `serial_key <> ''`, without which SQLite may not use the partial identity index and would
/// read every item. A test reads each one's query plan.
pub(crate) mod by_serial {
    /// Manufacturer + serial already registered (?1 maker key, ?2 serial key).
    pub(crate) const IDENTITY_TAKEN: &str = "SELECT code FROM items
        WHERE manufacturer_key = ?1 AND serial_key = ?2 AND serial_key <> '' LIMIT 1";
    /// The same, by an item other than ?3 (a correction of ?3's serial).
    pub(crate) const IDENTITY_TAKEN_BY_OTHER: &str = "SELECT code FROM items
        WHERE manufacturer_key = ?1 AND serial_key = ?2 AND serial_key <> '' AND id != ?3
        LIMIT 1";
    /// Items with serial ?1, the maker ?2 first (the intake screen's check as one types).
    pub(crate) const MATCHES: &str =
        "SELECT code, manufacturer, model, status, manufacturer_key FROM items
        WHERE serial_key = ?1 AND serial_key <> ''
        ORDER BY manufacturer_key = ?2 DESC, registered_seq LIMIT 10";
    /// The condition finding an item (`i`) by its serial ?1, after `ITEM_SELECT`.
    pub(crate) const ITEM_WHERE: &str = "WHERE i.serial_key = ?1 AND i.serial_key <> '' LIMIT 5";
    /// A bulk import batch's serials (?1, a JSON array) already in the register.
    pub(crate) const REGISTERED_OF_BATCH: &str =
        "SELECT i.manufacturer_key, i.serial_key, i.code FROM items i
        WHERE i.serial_key IN (SELECT value FROM json_each(?1)) AND i.serial_key <> ''";
}

/// The version this program writes.
pub const CURRENT_VERSION: i64 = 11;

/// Projection tables in a fixed order (used by rebuild and the projection digest).
pub const PROJECTION_TABLES: [&str; 25] = [
    "site",
    "persons",
    "locations",
    "items",
    "item_events",
    "checkpoints",
    "stocktakes",
    "stocktake_locations",
    "stocktake_expected",
    "stocktake_scans",
    "stocktake_resolutions",
    "destruction_batches",
    "destruction_items",
    "handovers",
    "handover_items",
    "handover_scans",
    "trusted_keys",
    "stocktake_places",
    "site_settings",
    "ammo_lots",
    "ammo_stock",
    "location_limits",
    "stocktake_ammo",
    "destruction_lots",
    "handover_lots",
];

struct Migration {
    version: i64,
    sql: &'static str,
    /// New projection tables start empty: the ledger replays its events into them.
    needs_rebuild: bool,
}

const MIGRATIONS: [Migration; 11] = [
    Migration {
        version: 1,
        sql: "",
        needs_rebuild: false,
    },
    Migration {
        version: 2,
        sql: PROJECTIONS_V2,
        needs_rebuild: true,
    },
    Migration {
        version: 3,
        sql: PROJECTIONS_V3,
        needs_rebuild: true,
    },
    Migration {
        version: 4,
        sql: PROJECTIONS_V4,
        needs_rebuild: true,
    },
    // The stocktake counters start at zero and the new table empty: replayed from the events.
    Migration {
        version: 5,
        sql: PROJECTIONS_V5,
        needs_rebuild: true,
    },
    // Categories and review dates come from the register events: replayed.
    Migration {
        version: 6,
        sql: PROJECTIONS_V6,
        needs_rebuild: true,
    },
    // No event before schema 7 concerns ammunition: the new tables start rightly empty.
    Migration {
        version: 7,
        sql: PROJECTIONS_V7,
        needs_rebuild: false,
    },
    // No event before schema 8 sets limits: the new table starts rightly empty.
    Migration {
        version: 8,
        sql: PROJECTIONS_V8,
        needs_rebuild: false,
    },
    // Counts open when the file is migrated get their lot lines from the replay of their open.
    Migration {
        version: 9,
        sql: PROJECTIONS_AMMO_QUANTITIES,
        needs_rebuild: true,
    },
    // No event before schema 10 settles a lot shortfall: the new columns start rightly at zero.
    Migration {
        version: 10,
        sql: PROJECTIONS_LOTS_LOST_IN_TRANSIT,
        needs_rebuild: false,
    },
    // Indexes only: SQLite fills the new ones from the rows in place.
    Migration {
        version: 11,
        sql: PROJECTIONS_LEANER_ITEM_INDEXES,
        needs_rebuild: false,
    },
];

fn version_1_sql() -> String {
    format!("{EVENTS}{PROJECTIONS_V1}")
}

/// Creates every projection table (empty) on `conn`, as the current version has them.
pub fn create_projection_tables(conn: &Connection) -> Result<()> {
    conn.execute_batch(PROJECTIONS_V1)?;
    conn.execute_batch(PROJECTIONS_V2)?;
    conn.execute_batch(PROJECTIONS_V3)?;
    conn.execute_batch(PROJECTIONS_V4)?;
    conn.execute_batch(PROJECTIONS_V5)?;
    conn.execute_batch(PROJECTIONS_V6)?;
    conn.execute_batch(PROJECTIONS_V7)?;
    conn.execute_batch(PROJECTIONS_V8)?;
    conn.execute_batch(PROJECTIONS_AMMO_QUANTITIES)?;
    conn.execute_batch(PROJECTIONS_LOTS_LOST_IN_TRANSIT)?;
    conn.execute_batch(PROJECTIONS_LEANER_ITEM_INDEXES)?;
    Ok(())
}

/// Drops every projection table (inside the caller's transaction).
pub fn drop_projection_tables(conn: &Connection) -> Result<()> {
    for table in PROJECTION_TABLES {
        conn.execute_batch(&format!("DROP TABLE IF EXISTS {table};"))?;
    }
    Ok(())
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings `conn` up to `target`. Returns true when projections must be rebuilt afterwards.
/// Runs inside the caller's transaction so a failed migration leaves the file as it was.
pub fn migrate_to(conn: &Connection, target: i64) -> Result<bool> {
    let found = version(conn)?;
    if found > CURRENT_VERSION {
        return Err(CustodyError::SchemaTooNew {
            found,
            known: CURRENT_VERSION,
        });
    }
    let mut rebuild = false;
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > found && m.version <= target)
    {
        if m.version == 1 {
            conn.execute_batch(&version_1_sql())?;
        } else {
            conn.execute_batch(m.sql)?;
        }
        if m.version == 4 {
            conn.execute_batch(CREDENTIALS_V4)?;
        }
        rebuild |= m.needs_rebuild && found > 0;
        conn.execute_batch(&format!("PRAGMA user_version = {}", m.version))?;
    }
    Ok(rebuild)
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    /// What SQLite will do for `sql`: the detail lines of its query plan.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let n = stmt.parameter_count();
        let params: Vec<String> = (1..=n).map(|i| format!("p{i}")).collect();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    /// Every look-up by serial finds its rows through the identity index: were one to read
    /// every item instead, each intake would slow as the register grows.
    #[test]
    fn every_look_up_by_serial_uses_the_identity_index_and_none_scans_the_items() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, CURRENT_VERSION).unwrap();
        let item_select = format!(
            "{} {}",
            crate::workflows::ITEM_SELECT,
            by_serial::ITEM_WHERE
        );
        for sql in [
            by_serial::IDENTITY_TAKEN,
            by_serial::IDENTITY_TAKEN_BY_OTHER,
            by_serial::MATCHES,
            &item_select,
            by_serial::REGISTERED_OF_BATCH,
        ] {
            let plan = plan(&conn, sql);
            assert!(
                plan.contains("items_weapon_identity"),
                "{sql}\nplans:\n{plan}"
            );
            assert!(
                !plan.lines().any(|l| l == "SCAN items" || l == "SCAN i"),
                "{sql}\nplans:\n{plan}"
            );
        }
        // The same condition without `serial_key <> ''` cannot use the partial index: the
        // check above is one that can fail.
        let without = by_serial::IDENTITY_TAKEN.replace("AND serial_key <> ''", "");
        assert!(!plan(&conn, &without).contains("items_weapon_identity"));
    }

    /// Items are looked up by location through the partial location index.
    #[test]
    fn a_look_up_by_location_uses_the_location_index() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, CURRENT_VERSION).unwrap();
        let plan = plan(&conn, "SELECT code FROM items WHERE location_id = ?1");
        assert!(plan.contains("items_location"), "{plan}");
    }

    /// A file at schema 10 gets the leaner indexes, and a weapon identity taken twice is still
    /// refused by the database itself.
    #[test]
    fn schema_10_moves_to_11_with_the_identity_still_unique() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, 10).unwrap();
        let indexes = |conn: &Connection| -> Vec<String> {
            let mut stmt = conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND sql IS NOT NULL ORDER BY name")
                .unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert!(indexes(&conn).contains(&"items_serial".to_string()));
        assert!(
            !migrate_to(&conn, CURRENT_VERSION).unwrap(),
            "no replay needed"
        );
        assert_eq!(version(&conn).unwrap(), 11);
        assert_eq!(
            indexes(&conn),
            ["items_location", "items_review", "items_weapon_identity"]
        );
        let insert = "INSERT INTO items (id, code, kind, serial, serial_key, manufacturer,
            manufacturer_key, model, calibre, case_number, exhibit_number, description,
            legal_hold, status, registered_seq, last_seq)
            VALUES (?1, ?2, 'weapon', 'A1', 'A1', 'Zastava', 'ZASTAVA', '', '', '', '', '', 0,
            'in_store', 1, 1)";
        conn.execute(insert, ["i1", "c1"]).unwrap();
        let again = conn.execute(insert, ["i2", "c2"]).unwrap_err();
        assert!(again.to_string().contains("UNIQUE"), "{again}");
    }
}
