//! Suite `security`: the costs and timings the security design promises, measured.
//! - `signin_unknown_badge`: refusing an unknown badge, against refusing a known badge's wrong
//!   PIN in the same run (the ratio should be near 1: badges cannot be found by timing).
//! - `rebuild_longest_scan_wait`: the longest a scan waits while `rebuild_by` runs on 100,000
//!   events, against the time the old rebuild held the write lock (a full rebuild inside one
//!   transaction) on the same ledger.

use crate::report::{figure, ms, percentile};
use anyhow::Result;
use custody_core::scans::ScanInput;
use custody_core::{Ledger, PersonRecord, Role};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

const SUITE: &str = "security";

pub fn run() -> Result<()> {
    let dir = tempfile::tempdir()?;
    signin_timing(&dir.path().join("signin.db"))?;
    rebuild_lock(&dir.path().join("rebuild.db"))?;
    Ok(())
}

fn site(path: &std::path::Path) -> Result<(Ledger, custody_core::Actor)> {
    let admin = PersonRecord {
        name: "Bench Admin".into(),
        service_number: String::new(),
        badge: "ADM".into(),
        roles: vec![Role::Administrator, Role::Officer],
    };
    Ok(Ledger::create(path, "Bench Depot", admin, "731904")?)
}

fn signin_timing(path: &std::path::Path) -> Result<()> {
    let (mut ledger, admin) = site(path)?;
    const SAMPLES: usize = 25;
    for i in 0..SAMPLES {
        ledger.register_person(
            &admin,
            PersonRecord {
                name: format!("Officer {i}"),
                service_number: String::new(),
                badge: format!("OFF{i}"),
                roles: vec![Role::Officer],
            },
            "482915",
        )?;
    }
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for i in 0..SAMPLES {
        let t = Instant::now();
        let _ = ledger.authenticate(&format!("NOBODY{i}"), "570913");
        unknown.push(ms(t.elapsed()));
        let t = Instant::now();
        let _ = ledger.authenticate(&format!("OFF{i}"), "570913");
        wrong.push(ms(t.elapsed()));
    }
    unknown.sort_by(f64::total_cmp);
    wrong.sort_by(f64::total_cmp);
    figure(
        SUITE,
        "signin_unknown_badge_p50",
        "ms",
        percentile(&unknown, 50.0),
        percentile(&wrong, 50.0),
        "sign-in refused for a known badge's wrong PIN (same run)",
    );
    Ok(())
}

fn rebuild_lock(path: &std::path::Path) -> Result<()> {
    let (mut ledger, admin) = site(path)?;
    let mut csv = String::from("serial,manufacturer,model,type,calibre,country,year\n");
    for i in 0..100_000 {
        csv.push_str(&format!("R{i:08},Zastava Arms,M70,rifle,7.62x39,RS,1984\n"));
    }
    eprintln!("rebuild: importing 100,000 weapons");
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes())?;
    ledger.import_weapons(&admin, rows, 2000, |_| {})?;
    // The old way: one transaction for the whole replay, writers blocked throughout.
    let t = Instant::now();
    ledger.rebuild()?;
    let held = ms(t.elapsed());
    // The new way, with a scanner recording all the while from another connection.
    let stop = Arc::new(AtomicBool::new(false));
    let scanner = {
        let (path, stop, admin) = (path.to_path_buf(), stop.clone(), admin.clone());
        std::thread::spawn(move || -> Result<Vec<f64>> {
            let mut l = Ledger::open(&path)?;
            let mut waits = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let scan = ScanInput {
                    device: "bench".into(),
                    port: "/dev/null".into(),
                    profile: "generic-cdc".into(),
                    aim: "]C0".into(),
                    data: b"R00000001".to_vec(),
                    ignored: None,
                };
                let t = Instant::now();
                l.record_scan(Some(&admin), &scan)?;
                waits.push(ms(t.elapsed()));
            }
            Ok(waits)
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    ledger.rebuild_by(&admin)?;
    stop.store(true, Ordering::Relaxed);
    let mut waits = scanner
        .join()
        .map_err(|_| anyhow::anyhow!("scanner thread failed"))??;
    waits.sort_by(f64::total_cmp);
    figure(
        SUITE,
        "rebuild_longest_scan_wait_100k",
        "ms",
        waits.last().copied().unwrap_or(f64::NAN),
        held,
        "a full rebuild in one write transaction on the same ledger (what a scan waited before)",
    );
    Ok(())
}
