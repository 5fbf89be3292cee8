//! Verification and rebuild. `verify` recomputes the hash chain, checks every checkpoint
//! signature, replays the events into projections and compares them with the stored ones.
//! The default replays only the events since the last clean verify, starting from the
//! projections it replayed then (`<ledger>.verified`, see `verified.rs`); `verify_full`
//! replays every event.

use crate::error::Result;
use crate::event::{canonical_bytes, chain_hash, EventBody, EventFields, GENESIS_HASH};
use crate::keys::{checkpoint_note, parse_public_key, verify_signature};
use crate::ledger::Ledger;
use crate::projection;
use crate::schema::{create_projection_tables, drop_projection_tables};
use ed25519_dalek::VerifyingKey;
use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What verification found: counts, the head, and the first problem if there is one.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub events: i64,
    pub checkpoints: u64,
    pub head_hash: String,
    /// Events after the last signed checkpoint: covered by no signature yet, so a person
    /// with write access could rewrite them without the key (docs/ledger-format.md).
    pub unsigned_tail: i64,
    pub problem: Option<Problem>,
    /// The first event replayed into projections: 1 for the whole replay, S+1 when the replay
    /// started from the projections a clean verify replayed up to event S.
    pub replayed_from: i64,
    /// Why the default verify replayed every event after all (no usable sidecar, or the
    /// replay from it disagreed and the whole replay was run to name the problem).
    pub full_because: Option<String>,
    /// Whether this verify wrote the sidecar at the head (only after a clean verify).
    pub sidecar_written: bool,
    /// Why writing the sidecar failed (a read-only medium, a full disk): verify is still valid.
    pub sidecar_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The first bad event, when the problem is in the log itself.
    pub seq: Option<i64>,
    pub what: String,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replay {
    /// From the sidecar of the last clean verify when it fits the chain.
    FromSidecar,
    Full,
}

/// One verification's outcome, with the projections it replayed (written as the sidecar).
struct Pass {
    report: VerifyReport,
    fresh: Connection,
    /// The replay or the projection comparison found the problem (not the chain walk).
    projection_problem: bool,
}

fn problem(seq: i64, what: impl Into<String>) -> Option<Problem> {
    Some(Problem {
        seq: Some(seq),
        what: what.into(),
    })
}

/// Whether the walk itself reads this event's payload: event 1 and the kinds whose payload
/// carries a key, a signature, a PIN commitment or an ammunition count. Every other payload is
/// parsed by the replay worker, off the thread that hashes the chain.
fn walk_reads(seq: i64, kind: &str) -> bool {
    seq == 1
        || matches!(
            kind,
            "site.init" | "checkpoint" | "document.issued" | "admin.break_glass" | "person.pin_set"
        )
        || crate::ammo::Tally::reads_kind(kind)
}

/// Walks the chain. `replay` receives every event in order once its hash checked out, with its
/// parsed body when the walk read it ([`walk_reads`]); when it returns false, the walk stops
/// there (the replay found the problem).
fn walk_chain(
    conn: &Connection,
    mut replay: impl FnMut(&EventFields<'_>, Option<EventBody>) -> bool,
) -> Result<(VerifyReport, Option<VerifyingKey>)> {
    let mut stmt = conn.prepare(
        "SELECT seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash
         FROM events ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut running = GENESIS_HASH;
    let mut scratch = Vec::with_capacity(512);
    let mut site: Option<(String, VerifyingKey)> = None;
    let mut checkpoints = 0u64;
    let mut last_checkpoint = 0i64;
    let report = |problem: Option<Problem>, events: i64, head: [u8; 32], cps: u64| VerifyReport {
        events,
        checkpoints: cps,
        head_hash: hex::encode(head),
        unsigned_tail: 0,
        problem,
        replayed_from: 1,
        full_because: None,
        sidecar_written: false,
        sidecar_error: None,
    };
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let fields = EventFields {
            seq,
            id: row.get_ref(1)?.as_str().unwrap_or(""),
            time: row.get_ref(2)?.as_str().unwrap_or(""),
            actor: row.get_ref(3)?.as_str_or_null().ok().flatten(),
            witness: row.get_ref(4)?.as_str_or_null().ok().flatten(),
            kind: row.get_ref(5)?.as_str().unwrap_or(""),
            subject: row.get_ref(6)?.as_str_or_null().ok().flatten(),
            payload: row.get_ref(7)?.as_str().unwrap_or(""),
        };
        let stored_prev = row.get_ref(8)?.as_blob().unwrap_or(&[]);
        let stored_hash = row.get_ref(9)?.as_blob().unwrap_or(&[]);
        let done = seq - 1;
        if seq != expected_seq {
            let what = format!(
                "sequence gap: expected event {expected_seq}, found {seq} (events were removed)"
            );
            return Ok((
                report(problem(expected_seq, what), done, running, checkpoints),
                None,
            ));
        }
        if stored_prev != running {
            return Ok((
                report(
                    problem(
                        seq,
                        "prev_hash does not match the hash of the event before it",
                    ),
                    done,
                    running,
                    checkpoints,
                ),
                None,
            ));
        }
        canonical_bytes(&fields, &mut scratch);
        let hash = chain_hash(&running, &scratch);
        if stored_hash != hash {
            return Ok((
                report(
                    problem(
                        seq,
                        "contents changed: the stored hash does not match the recomputed hash",
                    ),
                    done,
                    running,
                    checkpoints,
                ),
                None,
            ));
        }
        let body = if walk_reads(seq, fields.kind) {
            match EventBody::from_columns(fields.kind, fields.payload) {
                Ok(b) => Some(b),
                Err(e) => return Ok((report(problem(seq, e), done, running, checkpoints), None)),
            }
        } else {
            None
        };
        if uuid::Uuid::parse_str(fields.id).is_err()
            || chrono::DateTime::parse_from_rfc3339(fields.time).is_err()
        {
            return Ok((
                report(
                    problem(seq, "id or time is not well formed"),
                    done,
                    running,
                    checkpoints,
                ),
                None,
            ));
        }
        match (&body, &site) {
            (
                Some(EventBody::SiteInit {
                    site_id,
                    public_key,
                    key_id,
                    ..
                }),
                None,
            ) if seq == 1 => match parse_public_key(public_key) {
                Some(key) if *key_id == crate::keys::key_id(&key) => {
                    site = Some((site_id.clone(), key))
                }
                _ => return Ok((
                    report(
                        problem(
                            seq,
                            "site public key is not a valid Ed25519 key, or key_id is not its id",
                        ),
                        done,
                        running,
                        checkpoints,
                    ),
                    None,
                )),
            },
            (Some(EventBody::SiteInit { .. }), _) | (_, None) => {
                return Ok((
                    report(
                        problem(
                            seq,
                            "the first event, and only the first, must be site.init",
                        ),
                        done,
                        running,
                        checkpoints,
                    ),
                    None,
                ));
            }
            (
                Some(EventBody::Checkpoint {
                    site_id,
                    covered_seq,
                    head_hash,
                    time,
                    signature,
                    key_id,
                    ..
                }),
                Some((sid, key)),
            ) => {
                if *covered_seq != seq - 1
                    || *head_hash != hex::encode(running)
                    || site_id != sid
                    || *key_id != crate::keys::key_id(key)
                    || fields.actor.is_some()
                    || time != fields.time
                {
                    return Ok((
                        report(
                            problem(
                                seq,
                                "checkpoint does not describe the log head before it (seq, head, site, key id, time, or an actor where none belongs)",
                            ),
                            done,
                            running,
                            checkpoints,
                        ),
                        None,
                    ));
                }
                let note = checkpoint_note(site_id, *covered_seq, head_hash, time);
                if !verify_signature(key, note.as_bytes(), signature) {
                    return Ok((
                        report(
                            problem(seq, "checkpoint signature is not valid for the site key"),
                            done,
                            running,
                            checkpoints,
                        ),
                        None,
                    ));
                }
                checkpoints += 1;
                last_checkpoint = seq;
            }
            (
                Some(EventBody::DocumentIssued {
                    message,
                    message_sha256,
                    signature,
                    ..
                }),
                Some((_, key)),
            ) => {
                let digest_ok = hex::encode(Sha256::digest(message.as_bytes())) == *message_sha256;
                if !digest_ok || !verify_signature(key, message.as_bytes(), signature) {
                    return Ok((
                        report(
                            problem(seq, "document seal signature is not valid for the site key"),
                            done,
                            running,
                            checkpoints,
                        ),
                        None,
                    ));
                }
            }
            (
                Some(EventBody::AdminBreakGlass {
                    person_id,
                    credential_digest,
                    signature,
                    ..
                }),
                Some((sid, key)),
            ) => {
                let note =
                    crate::keys::break_glass_note(sid, person_id, credential_digest, fields.time);
                if !verify_signature(key, note.as_bytes(), signature) {
                    return Ok((
                        report(
                            problem(seq, "break-glass recovery is not signed by the site key"),
                            done,
                            running,
                            checkpoints,
                        ),
                        None,
                    ));
                }
            }
            _ => {}
        }
        if !replay(&fields, body) {
            break;
        }
        running = hash;
        expected_seq += 1;
    }
    let key = site.map(|(_, k)| k);
    let mut done = report(None, expected_seq - 1, running, checkpoints);
    done.unsigned_tail = (expected_seq - 1 - last_checkpoint).max(0);
    Ok((done, key))
}

/// Applies the events after `after` from `events` to the projections in `into`; returns the
/// last sequence number applied.
fn replay_events(events: &Connection, into: &Connection, after: i64) -> Result<i64> {
    let mut stmt = events
        .prepare("SELECT seq, time, kind, payload FROM events WHERE seq > ?1 ORDER BY seq")?;
    let mut rows = stmt.query([after])?;
    let mut last = after;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let time = row.get_ref(1)?.as_str().unwrap_or("");
        let body = EventBody::from_columns(
            row.get_ref(2)?.as_str().unwrap_or(""),
            row.get_ref(3)?.as_str().unwrap_or(""),
        )
        .map_err(|e| {
            crate::error::CustodyError::Invalid(format!("event {seq}: {e}; run `custody verify`"))
        })?;
        projection::apply(into, seq, time, &body)?;
        last = seq;
    }
    Ok(last)
}

/// Replays all events into the (empty) projection tables of `conn` (inside a transaction).
pub(crate) fn rebuild_in(conn: &Connection) -> Result<()> {
    drop_projection_tables(conn)?;
    create_projection_tables(conn)?;
    replay_events(conn, conn, 0)?;
    Ok(())
}

impl Ledger {
    /// Recomputes the chain and checkpoint signatures, then the projections, and names the
    /// first problem found. The projections are replayed from those of the last clean verify
    /// when its sidecar fits this chain (else from the first event); the sidecar is then
    /// written at the head.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_with(Replay::FromSidecar, true)
    }

    /// Like [`Ledger::verify`], but replays every event whatever the sidecar says (and writes
    /// the sidecar afresh when clean).
    pub fn verify_full(&self) -> Result<VerifyReport> {
        self.verify_with(Replay::Full, true)
    }

    /// The whole replay, writing nothing beside the file: for copies (a backup being made or
    /// checked), which have no sidecar to trust and must not get one.
    pub(crate) fn verify_copy(&self) -> Result<VerifyReport> {
        self.verify_with(Replay::Full, false)
    }

    fn verify_with(&self, replay: Replay, save: bool) -> Result<VerifyReport> {
        let sidecar = crate::verified::path_for(self.path());
        let mut full_because = None;
        let mut pass = None;
        if replay == Replay::FromSidecar {
            let read = self.conn.unchecked_transaction()?;
            let head = crate::verified::usable_head(&sidecar, &read, &self.site_id);
            drop(read);
            match head {
                Err(why) => full_because = Some(why),
                Ok(head) => match self.verify_pass(Some((&sidecar, head))) {
                    Ok(p) if !p.projection_problem => pass = Some(p),
                    // A difference is decided by the whole replay, so a sidecar gone wrong can
                    // never be what names a problem.
                    Ok(_) => {
                        full_because = Some(
                            "the replay from the sidecar disagreed with the stored projections, so the whole replay decides".into(),
                        )
                    }
                    Err(e) => full_because = Some(format!("the sidecar could not be used ({e})")),
                },
            }
        }
        let Pass {
            mut report, fresh, ..
        } = match pass {
            Some(p) => p,
            None => self.verify_pass(None)?,
        };
        report.full_because = full_because;
        let moved = report.replayed_from <= report.events;
        if save && report.is_intact() && moved {
            let head_hash = hex::decode(&report.head_hash).unwrap_or_default();
            match crate::verified::save(&fresh, &sidecar, report.events, &head_hash, &self.site_id)
            {
                Ok(()) => report.sidecar_written = true,
                Err(e) => report.sidecar_error = Some(e),
            }
        }
        Ok(report)
    }

    /// One verification: the chain walk, and a replay into the sidecar's tables (`from`) or
    /// into empty ones.
    fn verify_pass(&self, from: Option<(&std::path::Path, crate::verified::Head)>) -> Result<Pass> {
        let after = from.as_ref().map_or(0, |(_, head)| head.seq);
        let start = from.map(|(path, head)| (path.to_path_buf(), head));
        // Two cores: this thread reads and hashes the chain while a worker parses the payloads
        // of the events after `after` that the walk does not read itself, replays them into
        // in-memory projections and digests those, and a second worker digests the stored
        // tables.
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(16);
        type Digests = Vec<(&'static str, [u8; 32])>;
        let worker =
            std::thread::spawn(move || -> Result<(Connection, Option<Problem>, Digests)> {
                let fresh = match start {
                    Some((path, head)) => crate::verified::load(&path, &head)
                        .map_err(crate::error::CustodyError::Invalid)?,
                    None => {
                        let fresh = Connection::open_in_memory()?;
                        create_projection_tables(&fresh)?;
                        fresh
                    }
                };
                fresh.execute_batch("BEGIN")?;
                for batch in receiver {
                    for row in batch.rows {
                        let body = match row.body {
                            Some(body) => body,
                            None => match EventBody::from_columns(
                                &batch.text[row.kind.clone()],
                                &batch.text[row.payload.clone()],
                            ) {
                                Ok(body) => body,
                                Err(e) => return Ok((fresh, problem(row.seq, e), Vec::new())),
                            },
                        };
                        let time = &batch.text[row.time.clone()];
                        if let Err(e) = projection::apply(&fresh, row.seq, time, &body) {
                            let what = format!("event cannot be applied in order: {e}");
                            return Ok((fresh, problem(row.seq, what), Vec::new()));
                        }
                    }
                }
                fresh.execute_batch("COMMIT")?;
                let digests = projection::digests(&fresh)?;
                Ok((fresh, None, digests))
            });
        // The stored tables are digested by a second worker on its own read connection while
        // the chain is walked; its digests count only if it saw the same head as the walk.
        let stored_worker = self.digest_stored_in_background();
        let read = self.conn.unchecked_transaction()?;
        let mut batch = Batch::new();
        // The credential each person's last PIN event committed to: (event, digest).
        let mut committed: std::collections::HashMap<String, (i64, String)> =
            std::collections::HashMap::new();
        // Ammunition conservation, counted from the events alone; the first event that does
        // not add up stops the walk and is named with its lot.
        let mut tally = crate::ammo::Tally::default();
        let mut ammo_problem: Option<Problem> = None;
        let (mut report, _) = walk_chain(&read, |fields, body| {
            let seq = fields.seq;
            if let Some(body) = &body {
                if let Err(p) = tally.count(seq, body) {
                    ammo_problem = Some(p);
                    return false;
                }
                match body {
                    EventBody::PersonPinSet {
                        person_id,
                        credential_digest: Some(digest),
                    }
                    | EventBody::AdminBreakGlass {
                        person_id,
                        credential_digest: digest,
                        ..
                    } => {
                        committed.insert(person_id.clone(), (seq, digest.clone()));
                    }
                    // A PIN set before digests were recorded: nothing to compare against.
                    EventBody::PersonPinSet { person_id, .. } => {
                        committed.remove(person_id);
                    }
                    _ => {}
                }
            }
            // The sidecar's tables already hold the events up to its head, replayed by the
            // clean verify that parsed these very bytes (the walk just matched its head hash).
            if seq <= after {
                return true;
            }
            batch.push(fields, body);
            if batch.rows.len() < BATCH_EVENTS {
                return true;
            }
            sender
                .send(std::mem::replace(&mut batch, Batch::new()))
                .is_ok()
        })?;
        // A closed channel means the worker stopped at a problem; it reports it below.
        let _ = sender.send(batch);
        drop(sender);
        let in_background = stored_worker.join().ok().and_then(|r| r.ok());
        let stored = match report.problem {
            None => match in_background {
                Some((seq, hash, digests))
                    if seq == report.events && hex::encode(&hash) == report.head_hash =>
                {
                    Some(digests)
                }
                // Another write came between the two snapshots (or the worker failed): digest
                // the tables as this walk's snapshot has them.
                _ => Some(projection::digests(&read)?),
            },
            Some(_) => None,
        };
        let (fresh, replay_problem, rebuilt) = worker.join().map_err(|_| {
            crate::error::CustodyError::Invalid("the verify worker failed".into())
        })??;
        report.replayed_from = after + 1;
        let mut pass = Pass {
            report,
            fresh,
            projection_problem: replay_problem.is_some(),
        };
        let report = &mut pass.report;
        // The replay only ever saw events whose hashes were good, so its problem comes first
        // (unless the conservation count stopped at the same event: it names the lot).
        report.problem = match (replay_problem, ammo_problem) {
            (Some(r), Some(a)) if r.seq < a.seq => Some(r),
            (_, Some(a)) => Some(a),
            (Some(r), None) => Some(r),
            (None, None) => report.problem.take(),
        };
        let Some(stored) = stored.filter(|_| report.problem.is_none()) else {
            return Ok(pass);
        };
        if let Some(p) = credential_problem(&read, &committed)? {
            report.problem = Some(p);
            return Ok(pass);
        }
        if let Some(p) = tally.check_stored(&read)? {
            report.problem = Some(p);
            return Ok(pass);
        }
        // A difference is named from this walk's own snapshot, never the worker's.
        let stored = if stored == rebuilt {
            stored
        } else {
            projection::digests(&read)?
        };
        for ((table, a), (_, b)) in stored.iter().zip(rebuilt.iter()) {
            if a != b {
                pass.projection_problem = true;
                pass.report.problem = Some(Problem {
                    seq: first_differing_row(&read, &pass.fresh, table)?,
                    what: format!(
                        "projection '{table}' differs from what the events say; run `custody rebuild` after investigating"
                    ),
                });
                break;
            }
        }
        Ok(pass)
    }

    /// Starts a worker that digests the stored projection tables on a read-only connection of
    /// its own and says at which head (event count and last hash) its snapshot stood.
    fn digest_stored_in_background(&self) -> std::thread::JoinHandle<Result<StoredDigests>> {
        let path = self.path().to_path_buf();
        std::thread::spawn(move || -> Result<StoredDigests> {
            let conn = Connection::open_with_flags(
                &path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            let read = conn.unchecked_transaction()?;
            let (seq, hash): (i64, Vec<u8>) = read.query_row(
                "SELECT ifnull(max(seq), 0), ifnull((SELECT hash FROM events ORDER BY seq DESC LIMIT 1), x'') FROM events",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let digests = projection::digests(&read)?;
            Ok((seq, hash, digests))
        })
    }

    /// Drops and rebuilds every projection from the events, in one transaction (tools and
    /// tests; front ends call [`Ledger::rebuild_by`]).
    pub fn rebuild(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        rebuild_in(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// An administrator rebuilds every projection from the events. The replay runs into a
    /// scratch file beside the ledger while the kiosks keep writing; the write lock is taken
    /// only to copy the result in and apply the events that arrived meanwhile, so scans wait
    /// for the copy, not for the whole replay.
    pub fn rebuild_by(&mut self, admin: &crate::Actor) -> Result<()> {
        admin.require("rebuild the projections", &[crate::Role::Administrator])?;
        let scratch_path = {
            let mut name = self.path().as_os_str().to_owned();
            name.push(format!(".rebuild-{}", std::process::id()));
            std::path::PathBuf::from(name)
        };
        let _ = std::fs::remove_file(&scratch_path);
        drop(crate::files::create_new_private(&scratch_path)?);
        let result = self.rebuild_via(&scratch_path);
        let _ = std::fs::remove_file(&scratch_path);
        result
    }

    fn rebuild_via(&mut self, scratch_path: &std::path::Path) -> Result<()> {
        let replayed_to = {
            let scratch = Connection::open(scratch_path)?;
            scratch.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
            create_projection_tables(&scratch)?;
            scratch.execute_batch("BEGIN")?;
            let read = self.conn.unchecked_transaction()?;
            let last = replay_events(&read, &scratch, 0)?;
            drop(read);
            scratch.execute_batch("COMMIT")?;
            last
        };
        self.conn.execute(
            "ATTACH DATABASE ?1 AS fresh",
            [scratch_path.to_string_lossy()],
        )?;
        let copied = (|| -> Result<()> {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for table in crate::schema::PROJECTION_TABLES {
                tx.execute_batch(&format!(
                    "DELETE FROM main.{table}; INSERT INTO main.{table} SELECT * FROM fresh.{table};"
                ))?;
            }
            // Events committed while the replay ran.
            replay_events(&tx, &tx, replayed_to)?;
            tx.commit()?;
            Ok(())
        })();
        self.conn.execute_batch("DETACH DATABASE fresh")?;
        copied
    }

    /// Per-table digests of the projections (equal digests = byte-identical projections).
    pub fn projection_digests(&self) -> Result<Vec<(&'static str, String)>> {
        Ok(projection::digests(&self.conn)?
            .into_iter()
            .map(|(t, d)| (t, hex::encode(d)))
            .collect())
    }
}

/// Events handed from the walk to the replay worker: their text in one buffer (one copy,
/// no allocation per event), and the body when the walk already parsed it.
struct Batch {
    text: String,
    rows: Vec<BatchRow>,
}

struct BatchRow {
    seq: i64,
    time: std::ops::Range<usize>,
    kind: std::ops::Range<usize>,
    payload: std::ops::Range<usize>,
    body: Option<EventBody>,
}

/// Events per batch: large enough that handing one over costs nothing, small enough that
/// the worker starts early.
const BATCH_EVENTS: usize = 4096;

impl Batch {
    fn new() -> Batch {
        Batch {
            // About what a batch of scans holds, so the buffer is not grown in steps.
            text: String::with_capacity(BATCH_EVENTS * 512),
            rows: Vec::with_capacity(BATCH_EVENTS),
        }
    }

    fn push(&mut self, fields: &EventFields<'_>, body: Option<EventBody>) {
        let mut put = |s: &str| {
            let at = self.text.len();
            self.text.push_str(s);
            at..self.text.len()
        };
        let time = put(fields.time);
        // The kind and payload are needed only when the worker parses them.
        let (kind, payload) = match body {
            Some(_) => (0..0, 0..0),
            None => (put(fields.kind), put(fields.payload)),
        };
        self.rows.push(BatchRow {
            seq: fields.seq,
            time,
            kind,
            payload,
            body,
        });
    }
}

/// The stored tables' digests and the head (event count, last hash) they were read at.
type StoredDigests = (i64, Vec<u8>, Vec<(&'static str, [u8; 32])>);

/// A PIN hash in `credentials` that is not the one the log committed to (copied from another
/// person, or written outside Custody): named with the event that committed to the real one.
fn credential_problem(
    conn: &Connection,
    committed: &std::collections::HashMap<String, (i64, String)>,
) -> Result<Option<Problem>> {
    let mut stmt = conn.prepare("SELECT person_id, pin_hash FROM credentials")?;
    let mut rows = stmt.query([])?;
    let mut worst: Option<Problem> = None;
    while let Some(r) = rows.next()? {
        let person: String = r.get(0)?;
        let hash: String = r.get(1)?;
        if let Some((seq, digest)) = committed.get(&person) {
            if crate::auth::credential_digest(&hash) != *digest
                && worst.as_ref().is_none_or(|w| w.seq > Some(*seq))
            {
                worst = Some(Problem {
                    seq: Some(*seq),
                    what: format!(
                        "the stored PIN credential of person {person} is not the one event {seq} committed to (copied from another person or altered outside Custody); reset that PIN"
                    ),
                });
            }
        }
    }
    Ok(worst)
}

/// The `last_seq` (or `seq`) of the first row where two projection tables disagree.
fn first_differing_row(a: &Connection, b: &Connection, table: &str) -> Result<Option<i64>> {
    if table == "site" {
        return Ok(Some(1));
    }
    // The event that last wrote a row, under whichever name its table gives it; a table
    // without one (lists of a count or a handover) is named without a row.
    let columns: Vec<String> = a
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let Some(seq_column) = ["last_seq", "seq", "first_seq", "added_seq", "trusted_seq"]
        .into_iter()
        .find(|c| columns.iter().any(|have| have == c))
    else {
        return Ok(None);
    };
    let dump = |c: &Connection| -> Result<Vec<(String, Option<i64>)>> {
        let mut stmt = c.prepare(&format!(
            "SELECT *, {seq_column} FROM {table} ORDER BY 1, 2"
        ))?;
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| {
            let mut text = String::new();
            for i in 0..n - 1 {
                text.push_str(&format!("{:?}|", r.get_ref(i)?));
            }
            Ok((text, r.get(n - 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let (left, right) = (dump(a)?, dump(b)?);
    for i in 0..left.len().max(right.len()) {
        match (left.get(i), right.get(i)) {
            (Some(l), Some(r)) if l.0 == r.0 => continue,
            // The stored row names the last event that genuinely touched it; the replay names
            // the event that changed it since, so the later of the two is the first event
            // whose replay disagrees (a forged event appended after the last checkpoint).
            (Some(l), Some(r)) => return Ok(l.1.max(r.1)),
            (Some(l), None) => return Ok(l.1),
            (None, Some(r)) => return Ok(r.1),
            (None, None) => break,
        }
    }
    Ok(None)
}
