//! Suite `workflows`: closing a 100,000-item stocktake, freezing and executing a 5,000-item
//! destruction batch, exporting and importing a 10,000-item handover bundle, each against a
//! plain anchor doing the comparable set, storage or hashing work without the ledger's rules.

use crate::report::{figure, ms, percentile};
use anyhow::{bail, Result};
use custody_core::import::parse_weapon_csv;
use custody_core::{
    Actor, DestructionMethod, DestructionRecord, HandoverDetails, Ledger, PersonRecord, Role,
};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

const SUITE: &str = "workflows";

struct BenchSite {
    ledger: Ledger,
    admin: Actor,
    inspector: Actor,
    witness: Actor,
}

fn person(name: &str, badge: &str, roles: Vec<Role>) -> PersonRecord {
    PersonRecord {
        name: name.into(),
        service_number: String::new(),
        badge: badge.into(),
        roles,
    }
}

fn new_site(path: &Path, name: &str) -> Result<BenchSite> {
    let (mut ledger, admin) = Ledger::create(
        path,
        name,
        person(
            "Bench Admin",
            "ADM",
            vec![Role::Administrator, Role::Officer],
        ),
        "731904",
    )?;
    ledger.register_person(
        &admin,
        person("Ivo", "INS", vec![Role::Inspector]),
        "642087",
    )?;
    ledger.register_person(
        &admin,
        person("Vesna", "WIT", vec![Role::Inspector]),
        "553719",
    )?;
    let inspector = ledger.authenticate("INS", "642087")?;
    let witness = ledger.authenticate("WIT", "553719")?;
    Ok(BenchSite {
        ledger,
        admin,
        inspector,
        witness,
    })
}

fn weapons(site: &mut BenchSite, dir: &Path, prefix: &str, rows: usize) -> Result<Vec<String>> {
    let mut csv = String::with_capacity(rows * 60);
    csv.push_str("serial,manufacturer,model,type,calibre,country,year\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "{prefix}{i:08},Zastava Arms,M70,rifle,7.62x39,RS,1980\n"
        ));
    }
    let path = dir.join(format!("{prefix}.csv"));
    std::fs::write(&path, csv)?;
    let parsed = parse_weapon_csv(std::io::BufReader::new(std::fs::File::open(&path)?))?;
    let report = site
        .ledger
        .import_weapons(&site.admin, parsed, 5000, |_| {})?;
    if !report.rejected.is_empty() {
        bail!("bench import rejected {} rows", report.rejected.len());
    }
    Ok(report.imported.into_iter().map(|i| i.code).collect())
}

pub fn run() -> Result<()> {
    let dir = tempfile::tempdir()?;
    stocktake_close_100k(dir.path())?;
    destruction_5k(dir.path())?;
    handover_10k(dir.path())?;
    Ok(())
}

fn stocktake_close_100k(dir: &Path) -> Result<()> {
    const N: usize = 100_000;
    eprintln!("stocktake_close_100k: registering 100,000 weapons and scanning them all");
    let mut site = new_site(&dir.join("stocktake.db"), "Bench Stocktake")?;
    let codes = weapons(&mut site, dir, "ST", N)?;
    let st = site.ledger.stocktake_open(&site.admin, &[], "bench")?;
    // The last scans of the count one at a time, as a kiosk records them, each followed by the
    // progress the counter's screen shows: the cost of a scan late in a 100,000-item count.
    const ONE_BY_ONE: usize = 1_000;
    let (bulk, last) = codes.split_at(N - ONE_BY_ONE);
    for chunk in bulk.chunks(10_000) {
        site.ledger
            .stocktake_scan_batch(&site.admin, &st.code, chunk, None)?;
    }
    let anchor = Connection::open(dir.join("stocktake-anchor.db"))?;
    anchor.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (seq INTEGER PRIMARY KEY, code TEXT NOT NULL);",
    )?;
    let (mut ours_scan, mut theirs_scan) = (Vec::new(), Vec::new());
    for (i, code) in last.iter().enumerate() {
        let t = Instant::now();
        site.ledger
            .stocktake_scan(&site.admin, &st.code, code, None)?;
        let progress = site.ledger.stocktake_progress(&st.code)?;
        ours_scan.push(ms(t.elapsed()));
        if progress.scans != (N - ONE_BY_ONE + i + 1) as u64 {
            bail!("bench stocktake lost a scan: {}", progress.scans);
        }
        let t = Instant::now();
        let tx = anchor.unchecked_transaction()?;
        tx.execute("INSERT INTO t (code) VALUES (?1)", [code])?;
        tx.commit()?;
        theirs_scan.push(ms(t.elapsed()));
    }
    ours_scan.sort_by(f64::total_cmp);
    theirs_scan.sort_by(f64::total_cmp);
    for (name, p) in [
        ("stocktake_scan_in_100k_p50", 50.0),
        ("stocktake_scan_in_100k_p99", 99.0),
    ] {
        figure(
            SUITE,
            name,
            "ms",
            percentile(&ours_scan, p),
            percentile(&theirs_scan, p),
            "raw rusqlite insert+commit of the code, WAL, synchronous=FULL",
        );
    }
    eprintln!("stocktake_close_100k: closing");
    let t = Instant::now();
    let (summary, _) = site
        .ledger
        .stocktake_close(&site.admin, &site.inspector, &st.code)?;
    let ours = t.elapsed();
    if summary.found != N as u64 || summary.missing != 0 {
        bail!("bench stocktake did not reconcile: {summary:?}");
    }
    // Anchor: the same codes as two in-memory hash sets and both differences.
    let expected: Vec<String> = codes.clone();
    let scanned: Vec<String> = codes.iter().rev().cloned().collect();
    let t = Instant::now();
    let e: HashSet<&str> = expected.iter().map(String::as_str).collect();
    let s: HashSet<&str> = scanned.iter().map(String::as_str).collect();
    let missing = e.difference(&s).count();
    let extra = s.difference(&e).count();
    let theirs = t.elapsed();
    if missing + extra != 0 {
        bail!("anchor sets differ");
    }
    figure(
        SUITE,
        "stocktake_close_100k",
        "ms",
        ms(ours),
        ms(theirs),
        "in-memory HashSet differences of the same 100,000 codes",
    );
    Ok(())
}

/// Same pragmas as the ledger; `rows` rows to update in one transaction.
fn anchor_update(path: &Path, rows: usize) -> Result<f64> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE items (id TEXT PRIMARY KEY, status TEXT NOT NULL);",
    )?;
    {
        let tx = conn.unchecked_transaction()?;
        for i in 0..rows {
            tx.execute(
                "INSERT INTO items (id, status) VALUES (?1, 'in_store')",
                [format!("{i:036}")],
            )?;
        }
        tx.commit()?;
    }
    let t = Instant::now();
    let tx = conn.unchecked_transaction()?;
    let mut stmt = tx.prepare("UPDATE items SET status = 'destroyed' WHERE id = ?1")?;
    for i in 0..rows {
        stmt.execute([format!("{i:036}")])?;
    }
    drop(stmt);
    tx.commit()?;
    Ok(ms(t.elapsed()))
}

fn destruction_5k(dir: &Path) -> Result<()> {
    const N: usize = 5_000;
    eprintln!("destruction_5k: registering 5,000 weapons and filling a batch");
    let mut site = new_site(&dir.join("destruction.db"), "Bench Destruction")?;
    let codes = weapons(&mut site, dir, "DX", N)?;
    let b = site
        .ledger
        .destruction_create(&site.admin, "Ministry of Interior", "BENCH-1", "")?;
    site.ledger.destruction_add(&site.admin, &b.code, &codes)?;
    let t = Instant::now();
    let frozen = site.ledger.destruction_freeze(&site.admin, &b.code)?;
    let freeze = ms(t.elapsed());
    if frozen.items != N as u64 {
        bail!("frozen {} of {N}", frozen.items);
    }
    site.ledger
        .destruction_recount(&site.inspector, &b.code, &codes)?;
    site.ledger.destruction_record(
        &site.admin,
        &b.code,
        DestructionRecord {
            method: DestructionMethod::Shredding,
            equipment: "Shredder".into(),
            place: "Bench".into(),
            date: "2026-03-02".into(),
            scrap_weight_kg: "17500".into(),
            photo_digests: vec![],
        },
    )?;
    let t = Instant::now();
    site.ledger
        .destruction_execute(&site.admin, &[&site.inspector, &site.witness], &b.code)?;
    let execute = ms(t.elapsed());
    let anchor = anchor_update(&dir.join("destruction-anchor.db"), N)?;
    let anchor_name =
        "raw rusqlite UPDATE of 5,000 rows by key in one transaction, WAL, synchronous=FULL";
    figure(
        SUITE,
        "destruction_freeze_5k",
        "ms",
        freeze,
        anchor,
        anchor_name,
    );
    figure(
        SUITE,
        "destruction_execute_5k",
        "ms",
        execute,
        anchor,
        anchor_name,
    );
    Ok(())
}

fn handover_10k(dir: &Path) -> Result<()> {
    const N: usize = 10_000;
    eprintln!("handover_10k: registering and dispatching 10,000 weapons");
    let mut a = new_site(&dir.join("sender.db"), "Bench Sender")?;
    let mut b = new_site(&dir.join("receiver.db"), "Bench Receiver")?;
    let codes = weapons(&mut a, dir, "HX", N)?;
    let details = HandoverDetails {
        sender: "Bench Sender".into(),
        receiver: "Bench Receiver".into(),
        legal_basis: "Bench order".into(),
        transport: "Truck".into(),
        ..HandoverDetails::default()
    };
    let h = a.ledger.handover_dispatch(&a.admin, &details, &codes)?;
    let receiver_key = b.ledger.public_key_hex()?;
    a.ledger
        .trust_key(&a.admin, &receiver_key, "Bench Receiver")?;
    let t = Instant::now();
    let bundle = a
        .ledger
        .handover_export(&a.admin, &h.code, "Bench Receiver")?;
    let export = ms(t.elapsed());
    let public_key = a.ledger.public_key_hex()?;
    b.ledger.trust_key(&b.admin, &public_key, "Bench Sender")?;
    let t = Instant::now();
    let imported = b.ledger.handover_import(&b.admin, &bundle)?;
    let import = ms(t.elapsed());
    if imported.items != N as u64 {
        bail!("imported {} of {N}", imported.items);
    }
    // Anchors: the same bytes through a generic JSON parse / serialize plus SHA-256.
    let body_start = bundle.iter().position(|&c| c == b'\n').unwrap_or(0) + 1;
    let sig_line = bundle[..bundle.len() - 1]
        .iter()
        .rposition(|&c| c == b'\n')
        .unwrap_or(body_start);
    let body = &bundle[body_start..sig_line];
    let t = Instant::now();
    let value: serde_json::Value = serde_json::from_slice(body)?;
    let digest = Sha256::digest(body);
    let parse_anchor = ms(t.elapsed());
    let t = Instant::now();
    let bytes = serde_json::to_vec(&value)?;
    let digest2 = Sha256::digest(&bytes);
    let write_anchor = ms(t.elapsed());
    if digest.is_empty() || digest2.is_empty() {
        bail!("anchor digests are empty");
    }
    eprintln!("handover_10k: bundle is {} bytes", bundle.len());
    figure(
        SUITE,
        "handover_export_10k",
        "ms",
        export,
        write_anchor,
        "serde_json serialize of the same body (as a JSON value) + SHA-256",
    );
    figure(
        SUITE,
        "handover_import_10k",
        "ms",
        import,
        parse_anchor,
        "serde_json parse of the same body (as a JSON value) + SHA-256",
    );
    Ok(())
}
