//! The ledger: one SQLite file per site, an append-only hash-chained `events` table and the
//! projections derived from it, always written together in one `BEGIN IMMEDIATE` transaction.

use crate::domain::{PersonRecord, Role};
use crate::error::{CustodyError, Result};
use crate::event::{canonical_bytes, chain_hash, EventBody, EventFields, GENESIS_HASH};
use crate::keys::{checkpoint_note, key_path_for, SiteKey};
use crate::projection;
use crate::schema;
use chrono::{DateTime, Utc};
use custody_codes::{LabelCode, LabelKind};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};

/// Format version written into `site.init`.
pub const LEDGER_FORMAT: u32 = 1;

/// A person who proved who they are (badge + PIN) in this process. Only `authenticate` and
/// `create` make one, so front ends cannot act for someone who did not log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub(crate) person_id: String,
    pub name: String,
    pub badge: String,
    pub roles: Vec<Role>,
}

impl Actor {
    pub fn person_id(&self) -> &str {
        &self.person_id
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.roles.iter().any(|r| roles.contains(r))
    }

    /// Refuses with a typed error unless the actor holds one of `roles`.
    pub fn require(&self, action: &'static str, roles: &[Role]) -> Result<()> {
        if self.has_any(roles) {
            Ok(())
        } else {
            Err(CustodyError::wrong_role(&self.name, action, roles))
        }
    }
}

/// The clock is injectable so lock-out expiry and due dates can be tested.
pub type Clock = Box<dyn Fn() -> DateTime<Utc> + Send>;

pub struct Ledger {
    pub(crate) conn: Connection,
    path: PathBuf,
    site_key: Option<SiteKey>,
    pub(crate) site_id: String,
    clock: Clock,
    warnings: Vec<OpenWarning>,
}

/// When the ledger signs its head by itself: after this many events, or once the oldest
/// unsigned event is this old (checked at the next write). The window an intruder without
/// the key could rewrite is at most this many events (docs/ledger-format.md, "Checkpoints").
/// An administrator sets it; it is kept as two site settings, so the window is in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CheckpointPolicy {
    pub every_events: u32,
    pub every_minutes: u32,
}

/// The site settings (`site.setting` events) that hold the checkpoint policy.
pub const CHECKPOINT_EVERY_EVENTS: &str = "checkpoint.every_events";
pub const CHECKPOINT_EVERY_MINUTES: &str = "checkpoint.every_minutes";

impl CheckpointPolicy {
    /// At most 10,000 unsigned events and one day: a wider window is not a small one. At
    /// least one of each, as zero would mean "never" rather than "always".
    pub const EVENTS: std::ops::RangeInclusive<u32> = 1..=10_000;
    pub const MINUTES: std::ops::RangeInclusive<u32> = 1..=1_440;

    /// A policy from an administrator's numbers, refused when either is out of bounds.
    pub fn new(every_events: u64, every_minutes: u64) -> Result<CheckpointPolicy> {
        let within = |value: u64, limit, range: &std::ops::RangeInclusive<u32>| {
            u32::try_from(value)
                .ok()
                .filter(|v| range.contains(v))
                .ok_or(crate::refusal::Refusal::BadCheckpointPolicy {
                    limit,
                    value,
                    min: u64::from(*range.start()),
                    max: u64::from(*range.end()),
                })
        };
        use crate::refusal::CheckpointLimit;
        Ok(CheckpointPolicy {
            every_events: within(every_events, CheckpointLimit::Events, &Self::EVENTS)?,
            every_minutes: within(every_minutes, CheckpointLimit::Minutes, &Self::MINUTES)?,
        })
    }

    /// The policy in force: the administrator's settings, the default for a half never set.
    pub(crate) fn read(conn: &Connection) -> Result<CheckpointPolicy> {
        let mut policy = CheckpointPolicy::default();
        let mut stmt =
            conn.prepare_cached("SELECT name, value FROM site_settings WHERE name IN (?1, ?2)")?;
        let mut rows = stmt.query([CHECKPOINT_EVERY_EVENTS, CHECKPOINT_EVERY_MINUTES])?;
        while let Some(r) = rows.next()? {
            let (name, value): (String, String) = (r.get(0)?, r.get(1)?);
            // Written only after `new` accepted it; anything else is a damaged projection,
            // which verify reports, and the default stands meanwhile.
            if let Ok(v) = value.parse::<u32>() {
                match name.as_str() {
                    CHECKPOINT_EVERY_EVENTS if Self::EVENTS.contains(&v) => policy.every_events = v,
                    CHECKPOINT_EVERY_MINUTES if Self::MINUTES.contains(&v) => {
                        policy.every_minutes = v
                    }
                    _ => {}
                }
            }
        }
        Ok(policy)
    }
}

/// The events after the newest signed checkpoint: covered by the chain, by no signature.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnsignedTail {
    pub events: i64,
    /// The time of the oldest of them.
    pub since: Option<String>,
}

impl Default for CheckpointPolicy {
    fn default() -> Self {
        CheckpointPolicy {
            every_events: 1000,
            every_minutes: 60,
        }
    }
}

/// Something found on opening that does not stop work but that an administrator must hear.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenWarning {
    #[error("the site key {path} was readable by others (mode {mode:o}); it is now 0600, but it may have been copied: consider it exposed")]
    KeyReadableByOthers { path: String, mode: u32 },
    #[error("{path} was readable by others; it is now 0600")]
    ModeTightened { path: String },
    #[error("the ledger was upgraded from schema {from} to {to}; the ledger as it was is kept at {copy}")]
    Migrated { from: i64, to: i64, copy: String },
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A ledger time as it goes into a file name: letters and digits only (`20261130T012345…Z`).
pub(crate) fn file_stamp(time: &str) -> String {
    time.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// RFC 3339 UTC with microseconds, the only time format in the ledger.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

thread_local! {
    // One CSPRNG per thread, seeded from the OS once: bulk intake draws two values per row and a
    // system call for each showed up in profiles.
    static RNG: std::cell::RefCell<rand_chacha::ChaCha20Rng> = std::cell::RefCell::new(
        <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::from_rng(rand_core::OsRng)
            .expect("the operating system's random source is available"),
    );
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    RNG.with(|rng| rand_core::RngCore::fill_bytes(&mut *rng.borrow_mut(), &mut out));
    out
}

/// A UUIDv7: milliseconds since the epoch, then random bits.
pub(crate) fn new_id() -> String {
    let millis = Utc::now().timestamp_millis().max(0) as u64;
    uuid::Builder::from_unix_timestamp_millis(millis, &random_bytes::<10>())
        .into_uuid()
        .to_string()
}

pub(crate) fn new_label(kind: LabelKind) -> LabelCode {
    LabelCode::from_random(kind, random_bytes::<8>())
}

/// The page size of a new ledger file. Bulk import measured about a tenth faster with 16 KiB
/// pages than with SQLite's 4 KiB (fewer pages and log frames per row; `custody-bench ledger`),
/// while a scan's commit stays a fraction of a millisecond. The log is still copied back every
/// 1,000 pages (SQLite's default), now 16 MiB: a scan that triggers the copy waits longer, as
/// often as before (`scan_commit_max`). Files made before keep their page size: a file in WAL
/// mode cannot change it.
pub const NEW_LEDGER_PAGE_SIZE: u32 = 16_384;

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )?;
    Ok(())
}

/// An event body written to its `kind` and `payload` columns and its text fields checked,
/// before the write that appends it: bulk import checks each row this way, then appends the
/// same bytes (one serialisation per row, not two).
pub(crate) struct Encoded {
    pub(crate) body: EventBody,
    kind: String,
    payload: String,
}

impl Encoded {
    pub(crate) fn new(body: EventBody) -> Result<Encoded> {
        let (kind, payload) = body.to_columns();
        crate::fields::check_payload(&payload)?;
        Ok(Encoded {
            body,
            kind,
            payload,
        })
    }
}

/// An open write transaction with the chain head, through which every event is appended.
pub(crate) struct Writer<'a> {
    pub(crate) conn: &'a Connection,
    head_seq: i64,
    head_hash: [u8; 32],
    pub(crate) time: String,
    scratch: Vec<u8>,
}

impl<'a> Writer<'a> {
    /// Reads the chain head. `time` is the time of the events to be written; `None` only
    /// reads the head (nothing will be appended).
    fn begin(conn: &'a Connection, time: Option<String>) -> Result<Writer<'a>> {
        let head: Option<(i64, Vec<u8>, String)> = conn
            .query_row(
                "SELECT seq, hash, time FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (head_seq, head_hash, head_time) = match head {
            Some((seq, hash, head_time)) => (
                seq,
                hash.try_into().map_err(|_| {
                    CustodyError::Damaged(format!(
                        "event {seq} has a damaged hash; run `custody verify`"
                    ))
                })?,
                Some(head_time),
            ),
            None => (0, GENESIS_HASH, None),
        };
        let writing = time.is_some();
        let mut writer = Writer {
            conn,
            head_seq,
            head_hash,
            time: time.unwrap_or_default(),
            scratch: Vec::with_capacity(512),
        };
        // A clock that went backwards makes what follows look older than what came before:
        // the ledger says so itself, once per jump, ahead of the event being written. (One
        // time format throughout, so text order is time order.)
        if let Some(newest) = head_time.filter(|t| writing && writer.time < *t) {
            writer.append(
                None,
                None,
                &EventBody::ClockBehind {
                    clock: writer.time.clone(),
                    newest_event_time: newest,
                },
            )?;
        }
        Ok(writer)
    }

    pub(crate) fn head(&self) -> (i64, [u8; 32]) {
        (self.head_seq, self.head_hash)
    }

    /// Appends one event and applies it to the projections. Returns its sequence number.
    pub(crate) fn append(
        &mut self,
        actor: Option<&str>,
        witness: Option<&str>,
        body: &EventBody,
    ) -> Result<i64> {
        let (kind, payload) = body.to_columns();
        crate::fields::check_payload(&payload)?;
        self.append_columns(actor, witness, body, &kind, &payload)
    }

    /// Appends an event encoded and checked beforehand ([`Encoded`]).
    pub(crate) fn append_encoded(
        &mut self,
        actor: Option<&str>,
        witness: Option<&str>,
        event: &Encoded,
    ) -> Result<i64> {
        self.append_columns(actor, witness, &event.body, &event.kind, &event.payload)
    }

    fn append_columns(
        &mut self,
        actor: Option<&str>,
        witness: Option<&str>,
        body: &EventBody,
        kind: &str,
        payload: &str,
    ) -> Result<i64> {
        let subject = body.subject();
        let id = new_id();
        let seq = self.head_seq + 1;
        let fields = EventFields {
            seq,
            id: &id,
            time: &self.time,
            actor,
            witness,
            kind,
            subject: subject.as_deref(),
            payload,
        };
        canonical_bytes(&fields, &mut self.scratch);
        let hash = chain_hash(&self.head_hash, &self.scratch);
        self.conn
            .prepare_cached(
                "INSERT INTO events (seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash)
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
            )?
            .execute(params![
                seq,
                id,
                self.time,
                actor,
                witness,
                kind,
                subject,
                payload,
                &self.head_hash[..],
                &hash[..]
            ])?;
        projection::apply(self.conn, seq, &self.time, body)?;
        self.head_seq = seq;
        self.head_hash = hash;
        Ok(seq)
    }

    /// Runs `f` all-or-nothing inside the transaction: on error its events and projection
    /// changes are rolled back and the chain head restored, and the error is returned.
    pub(crate) fn attempt<T>(&mut self, f: impl FnOnce(&mut Writer<'a>) -> Result<T>) -> Result<T> {
        let saved = (self.head_seq, self.head_hash);
        // Cached statements: bulk import takes a savepoint per row.
        self.conn.prepare_cached("SAVEPOINT attempt")?.execute([])?;
        match f(self) {
            Ok(v) => {
                self.conn.prepare_cached("RELEASE attempt")?.execute([])?;
                Ok(v)
            }
            Err(e) => {
                self.conn
                    .prepare_cached("ROLLBACK TO attempt")?
                    .execute([])?;
                self.conn.prepare_cached("RELEASE attempt")?.execute([])?;
                (self.head_seq, self.head_hash) = saved;
                Err(e)
            }
        }
    }
}

impl Ledger {
    /// Creates a new ledger file, its site key and its first administrator.
    pub fn create(
        path: &Path,
        site_name: &str,
        admin: PersonRecord,
        admin_pin: &str,
    ) -> Result<(Ledger, Actor)> {
        Ledger::create_with(path, site_name, admin, admin_pin, false)
    }

    /// A demonstration ledger: marked as such in its first event, so every front end says so
    /// on every screen and it never issues a sealed document.
    pub fn create_demo(
        path: &Path,
        site_name: &str,
        admin: PersonRecord,
        admin_pin: &str,
    ) -> Result<(Ledger, Actor)> {
        Ledger::create_with(path, site_name, admin, admin_pin, true)
    }

    fn create_with(
        path: &Path,
        site_name: &str,
        admin: PersonRecord,
        admin_pin: &str,
        demo: bool,
    ) -> Result<(Ledger, Actor)> {
        if path.exists() {
            return Err(CustodyError::LedgerExists(path.display().to_string()));
        }
        if site_name.trim().is_empty() {
            return Err(crate::refusal::Needed::SiteName.into());
        }
        crate::auth::check_new_pin(admin_pin, &admin.badge)?;
        crate::workflows::check_person(&admin)?;
        let key_path = key_path_for(path);
        if key_path.exists() {
            return Err(CustodyError::SiteKey {
                path: key_path.display().to_string(),
                reason: "a key file already exists here; move it away before creating a new site"
                    .into(),
            });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                // A folder made for the ledger is the custody user's alone.
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut builder, crate::files::DIR_MODE);
                builder.create(dir)?;
            }
        }
        let key = SiteKey::generate();
        // The file exists, 0600, before SQLite opens it; SQLite gives its -wal and -shm files
        // the same permissions.
        drop(crate::files::create_new_private(path)?);
        let conn = Connection::open(path)?;
        // Before the first table: SQLite fixes the page size when it writes the file's header.
        conn.pragma_update(None, "page_size", NEW_LEDGER_PAGE_SIZE)?;
        configure(&conn)?;
        let site_id = new_id();
        let mut ledger = Ledger {
            conn,
            path: path.to_path_buf(),
            site_key: None,
            site_id: site_id.clone(),
            clock: Box::new(Utc::now),
            warnings: Vec::new(),
        };
        let pin_hash = crate::auth::hash_pin_peppered(admin_pin, Some(&key.pin_pepper()))?;
        let created = ledger.migrate().and_then(|()| {
            ledger.write(|w| {
                w.append(
                    None,
                    None,
                    &EventBody::SiteInit {
                        site_id: site_id.clone(),
                        site_name: site_name.trim().to_string(),
                        public_key: hex::encode(key.public().as_bytes()),
                        key_id: key.key_id(),
                        format: LEDGER_FORMAT,
                        demo,
                    },
                )?;
                Ok(())
            })
        });
        if let Err(e) = created {
            drop(ledger);
            let _ = std::fs::remove_file(path);
            return Err(e);
        }
        key.save(&key_path)?;
        ledger.site_key = Some(key);
        let admin_id = ledger.write(|w| {
            let id = crate::workflows::append_person(w, None, &admin, &pin_hash, true)?;
            Ok(id)
        })?;
        let actor = Actor {
            person_id: admin_id.clone(),
            name: admin.name.clone(),
            badge: admin.badge.clone(),
            roles: admin.roles.clone(),
        };
        ledger.checkpoint("site created")?;
        Ok((ledger, actor))
    }

    /// Opens an existing ledger, migrating it to the current schema if it is older.
    pub fn open(path: &Path) -> Result<Ledger> {
        if !path.exists() {
            return Err(CustodyError::NoLedger(path.display().to_string()));
        }
        let conn = Connection::open(path)?;
        configure(&conn).map_err(|e| match e {
            CustodyError::Storage(s) => {
                CustodyError::NotALedger(path.display().to_string(), s.to_string())
            }
            other => other,
        })?;
        let has_events: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'events'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| CustodyError::NotALedger(path.display().to_string(), e.to_string()))?;
        if !has_events {
            return Err(CustodyError::NotALedger(
                path.display().to_string(),
                "it has no events table".into(),
            ));
        }
        let mut ledger = Ledger {
            conn,
            path: path.to_path_buf(),
            site_key: None,
            site_id: String::new(),
            clock: Box::new(Utc::now),
            warnings: Vec::new(),
        };
        let version = schema::version(&ledger.conn)?;
        if version > schema::CURRENT_VERSION {
            return Err(CustodyError::SchemaTooNew {
                found: version,
                known: schema::CURRENT_VERSION,
            });
        }
        if version < schema::CURRENT_VERSION {
            // A file that already holds a ledger is copied as it was before anything changes it:
            // a migration that goes wrong, or a program that must be rolled back, loses nothing.
            if version > 0 {
                let copy = ledger.copy_before_migration(version)?;
                ledger.warnings.push(OpenWarning::Migrated {
                    from: version,
                    to: schema::CURRENT_VERSION,
                    copy: copy.display().to_string(),
                });
            }
            ledger.migrate()?;
        }
        ledger.site_id = ledger
            .conn
            .query_row("SELECT site_id FROM site", [], |r| r.get(0))
            .optional()?
            .ok_or_else(|| {
                CustodyError::NotALedger(path.display().to_string(), "it has no site".into())
            })?;
        for file in [
            path.to_path_buf(),
            sidecar(path, "-wal"),
            sidecar(path, "-shm"),
        ] {
            if crate::files::tighten(&file, crate::files::FILE_MODE).unwrap_or(false) {
                ledger.warnings.push(OpenWarning::ModeTightened {
                    path: file.display().to_string(),
                });
            }
        }
        let key_path = key_path_for(path);
        if key_path.exists() {
            let key = SiteKey::load(&key_path)?;
            let expected = ledger.public_key_hex()?;
            if hex::encode(key.public().as_bytes()) != expected {
                return Err(CustodyError::WrongSiteKey {
                    path: key_path.display().to_string(),
                    found: key.key_id(),
                    expected: ledger.key_id()?,
                });
            }
            if crate::files::mode_of(&key_path) & 0o077 != 0 {
                ledger.warnings.push(OpenWarning::KeyReadableByOthers {
                    path: key_path.display().to_string(),
                    mode: crate::files::mode_of(&key_path),
                });
                let _ = crate::files::tighten(&key_path, crate::files::FILE_MODE);
            }
            ledger.site_key = Some(key);
        }
        Ok(ledger)
    }

    /// What opening the ledger found that an administrator should hear about.
    pub fn warnings(&self) -> &[OpenWarning] {
        &self.warnings
    }

    /// True for a demonstration ledger (`custody demo`, the kiosk's `--demo`).
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT demo FROM site", [], |r| r.get(0))?)
    }

    pub(crate) fn site_key(&self) -> Option<&SiteKey> {
        self.site_key.as_ref()
    }

    /// `<ledger>.schema-<version>-<UTC time>.bak`, beside the ledger, private, taken with
    /// SQLite's online backup API. Fails (and so stops the migration) when the disk is full.
    fn copy_before_migration(&self, version: i64) -> Result<PathBuf> {
        let stamp = file_stamp(&format_time(Utc::now()));
        let copy = sidecar(&self.path, &format!(".schema-{version}-{stamp}.bak"));
        if let Err(e) = crate::backup::online_copy(&self.conn, &copy) {
            let _ = std::fs::remove_file(&copy);
            return Err(e);
        }
        Ok(copy)
    }

    fn migrate(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if schema::migrate_to(&tx, schema::CURRENT_VERSION)? {
            crate::verify::rebuild_in(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn site_id(&self) -> &str {
        &self.site_id
    }

    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction; commits only if it returns Ok. Then, if
    /// the unsigned tail has grown past the checkpoint policy, signs it.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let time = format_time(self.now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (value, head) = {
            let mut w = Writer::begin(&tx, Some(time))?;
            let value = f(&mut w)?;
            (value, w.head().0)
        };
        tx.commit()?;
        self.checkpoint_if_due(head);
        Ok(value)
    }

    /// How often the unsigned tail is signed without anyone asking, as the site's settings say.
    pub fn checkpoint_policy(&self) -> Result<CheckpointPolicy> {
        CheckpointPolicy::read(&self.conn)
    }

    /// An administrator sets the checkpoint policy: one `site.setting` event for each half that
    /// changes (none when nothing does), so the window stated is part of the record. Returns
    /// the events written. A new policy that makes a checkpoint due signs one at once.
    pub fn set_checkpoint_policy(
        &mut self,
        admin: &Actor,
        policy: CheckpointPolicy,
    ) -> Result<Vec<i64>> {
        admin.require("change site settings", &[Role::Administrator])?;
        let policy = CheckpointPolicy::new(
            u64::from(policy.every_events),
            u64::from(policy.every_minutes),
        )?;
        let admin_id = admin.person_id().to_string();
        self.write(|w| {
            let current = CheckpointPolicy::read(w.conn)?;
            let mut written = Vec::new();
            for (name, old, new) in [
                (
                    CHECKPOINT_EVERY_EVENTS,
                    current.every_events,
                    policy.every_events,
                ),
                (
                    CHECKPOINT_EVERY_MINUTES,
                    current.every_minutes,
                    policy.every_minutes,
                ),
            ] {
                if old != new {
                    written.push(w.append(
                        Some(&admin_id),
                        None,
                        &EventBody::SiteSetting {
                            name: name.to_string(),
                            value: new.to_string(),
                        },
                    )?);
                }
            }
            Ok(written)
        })
    }

    /// The events no checkpoint signs yet (from the stored tables; `verify` counts them from
    /// the events themselves).
    pub fn unsigned_tail(&self) -> Result<UnsignedTail> {
        let (covered, head): (i64, i64) = self.conn.query_row(
            "SELECT (SELECT coalesce(max(seq), 0) FROM checkpoints),
                    (SELECT coalesce(max(seq), 0) FROM events)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let since = self
            .conn
            .query_row(
                "SELECT time FROM events WHERE seq = ?1",
                [covered + 1],
                |r| r.get(0),
            )
            .optional()?;
        Ok(UnsignedTail {
            events: (head - covered).max(0),
            since,
        })
    }

    /// Signs the head when more than `every_events` events, or events older than
    /// `every_minutes`, are covered by no checkpoint. Best effort: the write it follows is
    /// already committed, and a PC without its key file simply keeps a longer tail (verify
    /// says how long).
    fn checkpoint_if_due(&mut self, head: i64) {
        if self.site_key.is_none() {
            return;
        }
        let last: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT c.seq, e.time FROM checkpoints c JOIN events e ON e.seq = c.seq
                 ORDER BY c.seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ok()
            .flatten();
        let (last_seq, last_time) = last.unwrap_or((0, String::new()));
        if head <= last_seq {
            return;
        }
        let policy = CheckpointPolicy::read(&self.conn).unwrap_or_default();
        let by_count = head - last_seq >= i64::from(policy.every_events);
        let by_age = DateTime::parse_from_rfc3339(&last_time)
            .map(|t| {
                self.now() - t.with_timezone(&Utc)
                    >= chrono::Duration::minutes(i64::from(policy.every_minutes))
            })
            .unwrap_or(false);
        if by_count || by_age {
            let _ = self.checkpoint("periodic: unsigned tail reached the checkpoint policy");
        }
    }

    /// Appends a signed checkpoint over the current head. Needs the site key file.
    pub(crate) fn checkpoint(&mut self, reason: &str) -> Result<i64> {
        Ok(self.write_checkpointed(reason, |_| Ok(()))?.1)
    }

    /// A checkpoint a signed-in person asked for ("end of shift"): the reason names who asked
    /// (a checkpoint event itself has no actor, docs/ledger-format.md).
    pub fn checkpoint_by(&mut self, actor: &Actor, reason: &str) -> Result<i64> {
        let reason = reason.trim();
        crate::fields::check_text("reason", reason)?;
        let reason = if reason.is_empty() {
            format!("requested by {} ({})", actor.name, actor.badge)
        } else {
            format!("requested by {} ({}): {reason}", actor.name, actor.badge)
        };
        self.checkpoint(&reason)
    }

    fn missing_key(&self) -> CustodyError {
        CustodyError::SiteKey {
            path: key_path_for(&self.path).display().to_string(),
            reason: "missing: checkpoints and bundles cannot be signed without it".into(),
        }
    }

    /// Like [`Ledger::write`], then a signed checkpoint over the new head in the same
    /// transaction: a closed count or an executed batch is never committed unsigned.
    /// Returns `f`'s value and the checkpoint's sequence number.
    pub(crate) fn write_checkpointed<T>(
        &mut self,
        reason: &str,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<(T, i64)> {
        if self.site_key.is_none() {
            return Err(self.missing_key());
        }
        let time = format_time(self.now());
        let site_id = self.site_id.clone();
        let key = self.site_key.as_ref().ok_or(CustodyError::Internal(
            "site key vanished while signing".into(),
        ))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = {
            let mut w = Writer::begin(&tx, Some(time.clone()))?;
            let value = f(&mut w)?;
            let (covered_seq, head) = w.head();
            let head_hash = hex::encode(head);
            let note = checkpoint_note(&site_id, covered_seq, &head_hash, &time);
            let seq = w.append(
                None,
                None,
                &EventBody::Checkpoint {
                    site_id,
                    covered_seq,
                    head_hash,
                    time: time.clone(),
                    key_id: key.key_id(),
                    reason: reason.to_string(),
                    signature: hex::encode(key.sign(note.as_bytes())),
                },
            )?;
            (value, seq)
        };
        tx.commit()?;
        Ok(out)
    }

    /// Signs `message` with the site key. The private key never leaves core; callers get
    /// signatures over bytes core itself composed (bundles, receipts).
    pub(crate) fn sign(&self, message: &[u8]) -> Result<[u8; 64]> {
        match &self.site_key {
            Some(key) => Ok(key.sign(message)),
            None => Err(self.missing_key()),
        }
    }

    /// Key id of the site key (first 8 bytes of SHA-256 of the public key, hex).
    pub fn key_id(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT key_id FROM site", [], |r| r.get(0))?)
    }

    /// The newest signed checkpoint: the sequence it covers and that event's hash (hex).
    pub fn latest_checkpoint(&self) -> Result<(i64, String)> {
        self.conn
            .query_row(
                "SELECT covered_seq, head_hash FROM checkpoints ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| crate::refusal::Refusal::NoCheckpoint.into())
    }

    /// Public keys (hex) whose signatures this site accepts on documents: its own, and every
    /// key an administrator imported as trusted (`custody keys trust`).
    pub fn trusted_public_keys(&self) -> Result<Vec<String>> {
        let mut keys = vec![self.public_key_hex()?];
        keys.extend(self.trusted_keys()?.into_iter().map(|k| k.public_key));
        Ok(keys)
    }

    /// The public key recorded in the ledger's first event.
    pub fn public_key_hex(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT public_key FROM site", [], |r| r.get(0))?)
    }

    pub fn site_name(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT name FROM site", [], |r| r.get(0))?)
    }

    /// The time column of the newest event (RFC 3339 UTC), if any.
    pub fn last_event_time(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT time FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sequence number and hash of the newest event.
    pub fn head(&self) -> Result<(i64, [u8; 32])> {
        let tx = self.conn.unchecked_transaction()?;
        let w = Writer::begin(&tx, None)?;
        Ok(w.head())
    }

    /// Streams every stored event in order (for exports and outside verifiers).
    pub fn for_each_event<E: From<CustodyError>>(
        &self,
        mut f: impl FnMut(&crate::event::StoredEvent) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash
                 FROM events ORDER BY seq",
            )
            .map_err(CustodyError::from)?;
        let mut rows = stmt.query([]).map_err(CustodyError::from)?;
        while let Some(r) = rows.next().map_err(CustodyError::from)? {
            let blob32 = |i: usize| -> rusqlite::Result<[u8; 32]> {
                let v: Vec<u8> = r.get(i)?;
                Ok(v.try_into().unwrap_or([0u8; 32]))
            };
            let event = (|| -> rusqlite::Result<crate::event::StoredEvent> {
                Ok(crate::event::StoredEvent {
                    seq: r.get(0)?,
                    id: r.get(1)?,
                    time: r.get(2)?,
                    actor: r.get(3)?,
                    witness: r.get(4)?,
                    kind: r.get(5)?,
                    subject: r.get(6)?,
                    payload: r.get(7)?,
                    prev_hash: blob32(8)?,
                    hash: blob32(9)?,
                })
            })()
            .map_err(CustodyError::from)?;
            f(&event)?;
        }
        Ok(())
    }

    /// Caps the ledger file at `pages` database pages on this ledger's own connection, so that
    /// a test can make the disk "full" for it (SQLite then refuses writes with SQLITE_FULL).
    /// It sets one pragma and exposes no SQL; other crates read the file through their own
    /// connection.
    pub fn limit_file_size_pages(&self, pages: u32) -> Result<()> {
        self.conn
            .pragma_update(None, "max_page_count", pages)
            .map_err(CustodyError::from)
    }
}
