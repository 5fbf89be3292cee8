//! Suite `workflows`: closing a 100,000-item stocktake, freezing and executing a 5,000-item
//! destruction batch, exporting and importing a 10,000-item handover bundle, issuing the
//! certificate of 300,000 rounds destroyed across 1,000 lots, and closing a count of 5,000
//! lots, each against a plain anchor doing the comparable set, storage, hashing or document
//! work without the ledger's rules.

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
    ammo_certificate_300k_rounds(dir.path())?;
    ammo_stocktake_5k_lots(dir.path())?;
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
        ("stocktake_scan_in_100k_max", 100.0),
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

/// `lots` lots of `per_lot` rounds each, received through the CSV import into the site's
/// only location; returns the lot numbers.
fn lots(
    site: &mut BenchSite,
    dir: &Path,
    prefix: &str,
    lots: usize,
    per_lot: u64,
) -> Result<Vec<String>> {
    site.ledger.register_location(
        &site.admin,
        custody_core::LocationRecord {
            name: "Magazine 1".into(),
            ..Default::default()
        },
    )?;
    let mut csv = String::from(
        "type,calibre,manufacturer,lot,year,hazard,neq_kg,per_package,quantity,location\n",
    );
    let numbers: Vec<String> = (0..lots).map(|i| format!("{prefix}-{i:05}")).collect();
    for n in &numbers {
        csv.push_str(&format!(
            "cartridge,7.62x39,PPU,{n},2019,1.4S,0.0016,20,{per_lot},Magazine 1\n"
        ));
    }
    let rows = custody_core::ammo_import::parse_lot_csv(csv.as_bytes())?;
    let report = site.ledger.import_lots(&site.admin, rows, 2000)?;
    if !report.rejected.is_empty() {
        bail!("bench lot import rejected {} rows", report.rejected.len());
    }
    let _ = dir;
    Ok(numbers)
}

fn demolition() -> DestructionRecord {
    DestructionRecord {
        method: DestructionMethod::Detonation,
        equipment: "Open detonation pit".into(),
        place: "Bench range".into(),
        date: "2026-03-02".into(),
        scrap_weight_kg: "0".into(),
        photo_digests: vec![],
    }
}

fn certificate_pdf(site: &mut BenchSite, batch: &str) -> Result<(f64, usize)> {
    let options = custody_issue::IssueOptions::new(
        custody_docs::Language::SerbianLatin,
        custody_issue::Format::Pdf,
    );
    let t = Instant::now();
    let issued = custody_issue::certificate(&mut site.ledger, &site.admin, batch, &options)?;
    Ok((ms(t.elapsed()), issued.bytes.len()))
}

/// Issuing the sealed destruction certificate of 300,000 rounds destroyed across 1,000 lots,
/// against the certificate of a 1,000-weapon batch issued by the same code in the same run.
fn ammo_certificate_300k_rounds(dir: &Path) -> Result<()> {
    const LOTS: usize = 1_000;
    const ROUNDS: u64 = 300;
    eprintln!("ammo_certificate_300k_rounds: receiving 1,000 lots and destroying 300,000 rounds");
    let mut site = new_site(&dir.join("ammo-certificate.db"), "Bench Ammunition")?;
    let numbers = lots(&mut site, dir, "AC", LOTS, ROUNDS)?;
    let lines: Vec<custody_core::ammo_disposal::LotQuantity> = numbers
        .iter()
        .map(|n| custody_core::ammo_disposal::LotQuantity {
            lot: n.clone(),
            location: "Magazine 1".into(),
            quantity: ROUNDS as i64,
        })
        .collect();
    let b =
        site.ledger
            .destruction_create(&site.admin, "Ministry of Interior", "BENCH-AMMO", "")?;
    site.ledger
        .destruction_add_lots(&site.admin, &b.code, &lines)?;
    site.ledger.destruction_freeze(&site.admin, &b.code)?;
    site.ledger
        .destruction_recount_counted(&site.inspector, &b.code, &[], &lines)?;
    site.ledger
        .destruction_record(&site.admin, &b.code, demolition())?;
    site.ledger
        .destruction_execute(&site.admin, &[&site.inspector, &site.witness], &b.code)?;
    let destroyed: u64 = site.ledger.ammo_lots()?.iter().map(|l| l.destroyed).sum();
    if destroyed != LOTS as u64 * ROUNDS {
        bail!("bench destroyed {destroyed} rounds");
    }
    let (ours, bytes) = certificate_pdf(&mut site, &b.code)?;
    // Anchor: a 1,000-weapon batch's certificate on a site of its own, the same pipeline.
    let mut anchor = new_site(&dir.join("weapon-certificate.db"), "Bench Weapons")?;
    let codes = weapons(&mut anchor, dir, "WC", LOTS)?;
    let wb =
        anchor
            .ledger
            .destruction_create(&anchor.admin, "Ministry of Interior", "BENCH-W", "")?;
    anchor
        .ledger
        .destruction_add(&anchor.admin, &wb.code, &codes)?;
    anchor.ledger.destruction_freeze(&anchor.admin, &wb.code)?;
    anchor
        .ledger
        .destruction_recount(&anchor.inspector, &wb.code, &codes)?;
    anchor
        .ledger
        .destruction_record(&anchor.admin, &wb.code, demolition())?;
    anchor.ledger.destruction_execute(
        &anchor.admin,
        &[&anchor.inspector, &anchor.witness],
        &wb.code,
    )?;
    let (theirs, anchor_bytes) = certificate_pdf(&mut anchor, &wb.code)?;
    eprintln!(
        "ammo_certificate_300k_rounds: certificate {bytes} bytes, weapons anchor {anchor_bytes} bytes"
    );
    figure(
        SUITE,
        "ammo_certificate_300k_rounds",
        "ms",
        ours,
        theirs,
        "the sealed certificate of a 1,000-weapon batch, same code, same run",
    );
    Ok(())
}

/// Closing a count of 5,000 lots (each counted once by packages and loose units, 25 of them
/// short and settled by co-signed adjustments), against comparing the same expected and
/// counted quantities in an in-memory map.
fn ammo_stocktake_5k_lots(dir: &Path) -> Result<()> {
    const LOTS: usize = 5_000;
    eprintln!("ammo_stocktake_5k_lots: receiving and counting 5,000 lots");
    let mut site = new_site(&dir.join("ammo-count.db"), "Bench Ammunition Count")?;
    let numbers = lots(&mut site, dir, "AS", LOTS, 1_000)?;
    let st = site.ledger.stocktake_open(&site.admin, &[], "bench")?;
    let mut counted: Vec<(String, u64)> = Vec::with_capacity(LOTS);
    for (i, n) in numbers.iter().enumerate() {
        // 50 boxes of 20; every 200th lot is two rounds short (49 boxes and 18 loose).
        let (boxes, loose) = if i % 200 == 0 { (49, 18) } else { (50, 0) };
        site.ledger
            .ammo_count(&site.admin, &st.code, n, "Magazine 1", boxes, loose)?;
        counted.push((n.clone(), boxes as u64 * 20 + loose as u64));
    }
    for n in numbers.iter().step_by(200) {
        site.ledger.ammo_adjust(
            &site.inspector,
            &site.witness,
            &st.code,
            n,
            "Magazine 1",
            "two rounds short, loss report",
        )?;
    }
    let t = Instant::now();
    let (summary, _) = site
        .ledger
        .stocktake_close(&site.admin, &site.inspector, &st.code)?;
    let ours = ms(t.elapsed());
    if summary.lot_lines != LOTS as u64 || summary.quantity_discrepancies != 25 {
        bail!("bench count did not reconcile: {summary:?}");
    }
    // Anchor: the expected and counted quantities as two in-memory maps, and the differences.
    let expected: Vec<(String, u64)> = numbers.iter().map(|n| (n.clone(), 1_000)).collect();
    let t = Instant::now();
    let e: std::collections::HashMap<&str, u64> =
        expected.iter().map(|(n, q)| (n.as_str(), *q)).collect();
    let c: std::collections::HashMap<&str, u64> =
        counted.iter().map(|(n, q)| (n.as_str(), *q)).collect();
    let differ = e.iter().filter(|(n, q)| c.get(*n) != Some(*q)).count();
    let theirs = ms(t.elapsed());
    if differ != 25 {
        bail!("anchor maps differ in {differ} lots");
    }
    figure(
        SUITE,
        "ammo_stocktake_5k_lots",
        "ms",
        ours,
        theirs,
        "in-memory HashMap comparison of the same 5,000 expected and counted quantities",
    );
    Ok(())
}
