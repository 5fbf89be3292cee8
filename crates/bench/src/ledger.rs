//! Suite `ledger`: scan-to-commit latency, bulk import and full verification, each against a
//! plain anchor doing the same storage or hashing work without the ledger's rules.

use crate::report::{figure, ms, percentile};
use anyhow::{bail, Context, Result};
use custody_core::event::{canonical_bytes, chain_hash, EventFields, GENESIS_HASH};
use custody_core::import::weapon_csv_rows;
use custody_core::scans::ScanInput;
use custody_core::{Actor, CheckpointPolicy, Ledger, PersonRecord, Role};
use rusqlite::Connection;
use std::path::Path;
use std::time::Instant;

const SUITE: &str = "ledger";

fn new_site(path: &Path) -> Result<(Ledger, Actor)> {
    let admin = PersonRecord {
        name: "Bench Admin".into(),
        service_number: String::new(),
        badge: "ADM".into(),
        roles: vec![Role::Administrator, Role::Officer],
    };
    Ok(Ledger::create(path, "Bench Depot", admin, "731904")?)
}

fn campaign_csv(path: &Path, rows: usize) -> Result<()> {
    let mut csv = String::with_capacity(rows * 60);
    csv.push_str("serial,manufacturer,model,type,calibre,country,year\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "S{i:08},Zastava Arms,M70,rifle,7.62x39,RS,{}\n",
            1950 + i % 70
        ));
    }
    std::fs::write(path, csv)?;
    Ok(())
}

fn import(ledger: &mut Ledger, actor: &Actor, csv: &Path) -> Result<Vec<String>> {
    // As `custody import weapons` does: the file is read as the import writes.
    let rows = weapon_csv_rows(std::io::BufReader::new(std::fs::File::open(csv)?))?;
    // The batch `custody import weapons` takes by default.
    let batch = custody_core::import::DEFAULT_IMPORT_BATCH;
    let report = ledger.import_weapons(actor, rows, batch, |_| {})?;
    if !report.rejected.is_empty() {
        bail!("bench import rejected {} rows", report.rejected.len());
    }
    Ok(report.imported.into_iter().map(|i| i.code).collect())
}

/// `CUSTODY_BENCH_ONLY=import` (or `scan`, `verify`, comma-separated) runs only those parts,
/// for profiling one of them.
pub fn run() -> Result<()> {
    let only = std::env::var("CUSTODY_BENCH_ONLY").unwrap_or_default();
    let wanted = |part: &str| only.is_empty() || only.split(',').any(|p| p.trim() == part);
    let dir = tempfile::tempdir()?;
    if wanted("scan") {
        scan_commit(dir.path())?;
    }
    if wanted("import") {
        import_100k(dir.path())?;
    }
    if wanted("verify") {
        verify_1m(dir.path())?;
    }
    Ok(())
}

/// Same pragmas as the ledger; one ~300-byte row per transaction.
fn anchor_db(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (seq INTEGER PRIMARY KEY, id TEXT, payload TEXT, hash BLOB);",
    )?;
    Ok(conn)
}

/// A scan at the desk's scanner, of `code`.
fn desk_scan(code: &str) -> ScanInput {
    ScanInput {
        device: "bench".into(),
        port: "/dev/null".into(),
        profile: "generic-cdc".into(),
        aim: "]C0".into(),
        data: code.as_bytes().to_vec(),
        ignored: None,
    }
}

/// The anchor's one row in its own transaction; milliseconds.
fn anchor_commit(anchor: &Connection, id: &str, payload: &str) -> Result<f64> {
    let t = Instant::now();
    let tx = anchor.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO t (id, payload, hash) VALUES (?1, ?2, ?3)",
        rusqlite::params![id, payload, [0u8; 32].as_slice()],
    )?;
    tx.commit()?;
    Ok(ms(t.elapsed()))
}

fn scan_commit(dir: &Path) -> Result<()> {
    const SAMPLES: usize = 2000;
    eprintln!("scan_commit: preparing 2,000 registered weapons");
    let (mut ledger, actor) = new_site(&dir.join("scan.db"))?;
    let csv = dir.join("scan.csv");
    campaign_csv(&csv, 2000)?;
    let codes = import(&mut ledger, &actor, &csv)?;
    let anchor = anchor_db(&dir.join("scan-anchor.db"))?;
    let payload = "x".repeat(300);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    // Interleaved, so both see the same disk and cache conditions.
    for i in 0..SAMPLES {
        let scan = desk_scan(&codes[i % codes.len()]);
        let t = Instant::now();
        let recorded = ledger.record_scan(Some(&actor), &scan)?;
        ours.push(ms(t.elapsed()));
        if !recorded.outcome.is_good() {
            bail!("bench scan was not found: {:?}", recorded.outcome);
        }
        theirs.push(anchor_commit(&anchor, &format!("{i:036}"), &payload)?);
    }
    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);
    let anchor_name = "raw rusqlite insert+commit, WAL, synchronous=FULL";
    // The slowest scan is the one whose commit copied the log back into the file.
    for (name, p) in [
        ("scan_commit_p50", 50.0),
        ("scan_commit_p99", 99.0),
        ("scan_commit_max", 100.0),
    ] {
        figure(
            SUITE,
            name,
            "ms",
            percentile(&ours, p),
            percentile(&theirs, p),
            anchor_name,
        );
    }
    // What the periodic signing of the tail costs: one checkpoint (signature and signed event)
    // per 1,000 events by default.
    const CHECKPOINTS: usize = 200;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for i in 0..CHECKPOINTS {
        let scan = desk_scan(&codes[i % codes.len()]);
        ledger.record_scan(Some(&actor), &scan)?;
        let before = ledger.head()?.0;
        let t = Instant::now();
        let seq = ledger.checkpoint_by(&actor, "bench")?;
        ours.push(ms(t.elapsed()));
        if seq != before + 1 {
            bail!("the bench checkpoint is event {seq}, not {}", before + 1);
        }
        theirs.push(anchor_commit(&anchor, &format!("c{i:035}"), &payload)?);
    }
    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);
    let (one, raw) = (percentile(&ours, 50.0), percentile(&theirs, 50.0));
    eprintln!(
        "checkpoint_periodic: {one:.3} ms per checkpoint, {:.4} ms per event at one per 1,000",
        one / 1000.0
    );
    figure(
        SUITE,
        "checkpoint_periodic_p50",
        "ms",
        one,
        raw,
        anchor_name,
    );
    checkpoint_policies(&mut ledger, &actor, &codes, &anchor, anchor_name)
}

/// What the checkpoint policy costs a scan, amortised: the mean time of 2,000 scans while the
/// ledger signs its head every N events, against the same number of raw commits.
fn checkpoint_policies(
    ledger: &mut Ledger,
    actor: &Actor,
    codes: &[String],
    anchor: &Connection,
    anchor_name: &str,
) -> Result<()> {
    const SCANS: usize = 2000;
    let payload = "x".repeat(300);
    for every in [10u64, 100, 1000] {
        ledger.set_checkpoint_policy(actor, CheckpointPolicy::new(every, 1440)?)?;
        ledger.checkpoint_by(actor, "bench: start of a policy")?;
        let before = ledger.latest_checkpoint()?.0;
        let (mut ours, mut theirs) = (0.0, 0.0);
        for i in 0..SCANS {
            let scan = desk_scan(&codes[i % codes.len()]);
            let t = Instant::now();
            ledger.record_scan(Some(actor), &scan)?;
            ours += ms(t.elapsed());
            theirs += anchor_commit(anchor, &format!("p{every}-{i:030}"), &payload)?;
        }
        let signed = ledger.latest_checkpoint()?.0 - before;
        if signed < SCANS as i64 - every as i64 {
            bail!(
                "with a policy of {every} events the ledger signed only up to {signed} events on"
            );
        }
        figure(
            SUITE,
            &format!("checkpoint_every_{every}_per_scan"),
            "ms",
            ours / SCANS as f64,
            theirs / SCANS as f64,
            anchor_name,
        );
    }
    Ok(())
}

/// Three runs of each, alternated so both see the same machine; the medians are compared (one
/// run of each swung by a tenth on this shared machine).
fn import_100k(dir: &Path) -> Result<()> {
    const ROWS: usize = 100_000;
    const RUNS: usize = 3;
    let csv = dir.join("import.csv");
    campaign_csv(&csv, ROWS)?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let (mut ledger, actor) = new_site(&dir.join(format!("import-{run}.db")))?;
        eprintln!(
            "import_100k: importing 100,000 rows (run {} of {RUNS})",
            run + 1
        );
        let t = Instant::now();
        let codes = import(&mut ledger, &actor, &csv)?;
        ours.push(ms(t.elapsed()));
        if codes.len() != ROWS {
            bail!("imported {} of {ROWS}", codes.len());
        }
        drop(ledger);
        let anchor_db = dir.join(format!("import-anchor-{run}.db"));
        let t = Instant::now();
        let out = std::process::Command::new("sqlite3")
            .arg(&anchor_db)
            .arg(format!(".import --csv {} weapons", csv.display()))
            .output()
            .context(
                "the sqlite3 command-line program is needed for this anchor (apt-get install sqlite3)",
            )?;
        theirs.push(ms(t.elapsed()));
        if !out.status.success() {
            bail!(
                "sqlite3 .import failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    ours.sort_by(f64::total_cmp);
    theirs.sort_by(f64::total_cmp);
    figure(
        SUITE,
        "import_100k",
        "ms",
        percentile(&ours, 50.0),
        percentile(&theirs, 50.0),
        "sqlite3 CLI .import of the same CSV into a plain table (medians of 3 alternated runs)",
    );
    Ok(())
}

/// Scans the weapons in turn (one event each) until the ledger holds `target` events.
fn scan_until(ledger: &mut Ledger, actor: &Actor, codes: &[String], target: i64) -> Result<()> {
    let mut i = ledger.head()?.0 as usize;
    while ledger.head()?.0 < target {
        let left = (target - ledger.head()?.0) as usize;
        let batch: Vec<ScanInput> = (0..left.min(20_000))
            .map(|_| {
                i += 1;
                ScanInput {
                    device: "bench".into(),
                    port: "/dev/ttyACM0".into(),
                    profile: "honeywell-xenon-1950g".into(),
                    aim: "]C0".into(),
                    data: codes[i % codes.len()].as_bytes().to_vec(),
                    ignored: None,
                }
            })
            .collect();
        ledger.record_scans(Some(actor), &batch)?;
    }
    Ok(())
}

/// `verify_1m`: the default verify as it runs daily, after a clean verify and 1,000 new
/// events (the replay starts from the sidecar); `verify_1m_full`: the whole replay.
fn verify_1m(dir: &Path) -> Result<()> {
    const WEAPONS: usize = 100_000;
    const TOTAL: i64 = 1_000_000;
    const SINCE_LAST_VERIFY: i64 = 1_000;
    let path = dir.join("verify.db");
    let (mut ledger, actor) = new_site(&path)?;
    let csv = dir.join("verify.csv");
    campaign_csv(&csv, WEAPONS)?;
    eprintln!("verify_1m: building a ledger of 1,000,000 events (100k weapons, the rest scans)");
    let codes = import(&mut ledger, &actor, &csv)?;
    scan_until(&mut ledger, &actor, &codes, TOTAL - SINCE_LAST_VERIFY)?;
    eprintln!("verify_1m: yesterday's verify (whole replay, writes the sidecar)");
    let yesterday = ledger.verify_full()?;
    if !yesterday.sidecar_written {
        bail!("the sidecar was not written: {:?}", yesterday.sidecar_error);
    }
    scan_until(&mut ledger, &actor, &codes, TOTAL)?;
    eprintln!("verify_1m: verifying (default)");
    let t = Instant::now();
    let report = ledger.verify()?;
    let ours = t.elapsed();
    // The ledger's own periodic checkpoints (one per 1,000 events) come on top of the million.
    if !report.is_intact() || report.events < TOTAL {
        bail!("bench ledger did not verify: {:?}", report.problem);
    }
    if report.replayed_from != yesterday.events + 1 {
        bail!(
            "the default verify replayed from event {}, not from the sidecar's {}",
            report.replayed_from,
            yesterday.events + 1
        );
    }
    eprintln!(
        "verify_1m: replayed events {}..{}; sidecar {} MiB",
        report.replayed_from,
        report.events,
        std::fs::metadata(dir.join("verify.db.verified"))?.len() / (1024 * 1024)
    );
    eprintln!("verify_1m: verifying (--full)");
    let t = Instant::now();
    let full = ledger.verify_full()?;
    let ours_full = t.elapsed();
    if !full.is_intact() || full.replayed_from != 1 || full.head_hash != report.head_hash {
        bail!("the whole replay disagrees: {:?}", full.problem);
    }
    // Anchor: the same canonical bytes, already in memory, through SHA-256 alone.
    let mut all = Vec::with_capacity(TOTAL as usize);
    let mut buf = Vec::new();
    ledger.for_each_event(|e| {
        canonical_bytes(
            &EventFields {
                seq: e.seq,
                id: &e.id,
                time: &e.time,
                actor: e.actor.as_deref(),
                witness: e.witness.as_deref(),
                kind: &e.kind,
                subject: e.subject.as_deref(),
                payload: &e.payload,
            },
            &mut buf,
        );
        all.push(buf.clone());
        Ok::<(), custody_core::CustodyError>(())
    })?;
    let t = Instant::now();
    let mut head = GENESIS_HASH;
    for bytes in &all {
        head = chain_hash(&head, bytes);
    }
    let theirs = t.elapsed();
    if hex::encode(head) != report.head_hash {
        bail!("anchor chain disagrees with verify");
    }
    let mb: usize = all.iter().map(Vec::len).sum::<usize>() / (1024 * 1024);
    eprintln!("verify_1m: {mb} MiB of canonical event bytes");
    let anchor = "SHA-256 chain over the same canonical bytes in memory";
    figure(SUITE, "verify_1m", "ms", ms(ours), ms(theirs), anchor);
    figure(
        SUITE,
        "verify_1m_full",
        "ms",
        ms(ours_full),
        ms(theirs),
        anchor,
    );
    Ok(())
}
