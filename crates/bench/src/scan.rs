//! Scanner benchmarks: framer throughput against a plain terminator split of the same bytes,
//! and pty-to-event latency of a ScannerSession against a raw read of the same pty.
//! Prints one JSON line per figure on stdout; progress goes to stderr.

use crate::report::{ms, percentile};
use custody_scan::framer::{Framer, Framing};
use custody_scan::profile;
use custody_scan::session::{ScanEvent, ScannerSession, SessionConfig};
use custody_scan::sim::PtySimulator;
use std::hint::black_box;
use std::io::Read;
use std::time::{Duration, Instant};

pub fn run() -> anyhow::Result<()> {
    framer_throughput();
    pty_latency();
    pty_scan_commit()
}

/// From the scanner's bytes on a real pty to a committed, acknowledged ledger event, against a
/// raw read of the same bytes plus a raw SQLite insert+commit with the same durability.
fn pty_scan_commit() -> anyhow::Result<()> {
    use custody_core::scans::ScanInput;
    use custody_scan::session::Outcome;
    const N: usize = 500;
    eprintln!("scan: pty scan-to-commit latency over {N} scans ...");
    let dir = tempfile::tempdir()?;
    let admin = custody_core::PersonRecord {
        name: "Bench".into(),
        service_number: String::new(),
        badge: "ADM".into(),
        roles: vec![custody_core::Role::Administrator],
    };
    let (mut ledger, actor) =
        custody_core::Ledger::create(&dir.path().join("pty.db"), "Bench", admin, "731904")?;
    let prof = profile::builtin_profile("honeywell-xenon-1950g")?;
    let framing = prof.framing.clone();
    let scan = |i: usize| framing.wrap(format!("]C0CUS-{i:06}").as_bytes());
    let link = dir.path().join("scanner");
    let mut sim = PtySimulator::create(Some(&link))?;
    let session = ScannerSession::start(SessionConfig::new(&link, prof.clone()))?;
    while !matches!(
        session.next_event(Duration::from_secs(5)),
        Some(ScanEvent::Connected { .. }) | None
    ) {}
    let mut ours = Vec::with_capacity(N);
    for i in 0..N {
        let t = Instant::now();
        sim.write(&scan(i))?;
        let s = loop {
            match session.next_event(Duration::from_secs(5)) {
                Some(ScanEvent::Scan(s)) => break s,
                Some(_) => continue,
                None => anyhow::bail!("no scan event within 5 s"),
            }
        };
        let input = ScanInput {
            device: "bench".into(),
            port: link.display().to_string(),
            profile: prof.name.clone(),
            aim: s.line.aim.map(|a| a.to_string()).unwrap_or_default(),
            data: s.line.data.clone(),
            ignored: None,
        };
        ledger.record_scan(Some(&actor), &input)?;
        session.acknowledge(s.id, Outcome::Refused)?;
        ours.push(ms(t.elapsed()));
    }
    session.shutdown();
    drop(sim);

    let anchor_db = rusqlite::Connection::open(dir.path().join("anchor.db"))?;
    anchor_db.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (seq INTEGER PRIMARY KEY, data BLOB);",
    )?;
    let mut sim = PtySimulator::create(None)?;
    let mut port = std::fs::OpenOptions::new().read(true).open(sim.device())?;
    let mut buf = [0u8; 256];
    let mut anchor = Vec::with_capacity(N);
    for i in 0..N {
        let bytes = scan(i);
        let t = Instant::now();
        sim.write(&bytes)?;
        let mut got = 0;
        while got < bytes.len() {
            got += port.read(&mut buf[got..])?;
        }
        let tx = anchor_db.unchecked_transaction()?;
        tx.execute("INSERT INTO t (data) VALUES (?1)", [&buf[..got]])?;
        tx.commit()?;
        anchor.push(ms(t.elapsed()));
    }
    ours.sort_by(f64::total_cmp);
    anchor.sort_by(f64::total_cmp);
    let name = "raw pty read + raw SQLite insert+commit, WAL, synchronous=FULL";
    for (label, p) in [("pty_scan_commit_p50", 50.0), ("pty_scan_commit_p99", 99.0)] {
        crate::report::figure(
            "scan",
            label,
            "ms",
            percentile(&ours, p),
            percentile(&anchor, p),
            name,
        );
    }
    Ok(())
}

fn sample_stream() -> Vec<u8> {
    let framing = Framing::crlf();
    let mut bytes = Vec::new();
    let mut i = 0u64;
    while bytes.len() < 16 << 20 {
        let scan = format!("]C10104012345678901\x1d21SER{i:08}\x1d10LOT{}", i % 97);
        bytes.extend(framing.wrap(scan.as_bytes()));
        i += 1;
    }
    bytes
}

fn best_of<F: FnMut() -> usize>(rounds: usize, mut f: F) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut out = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        out = black_box(f());
        best = best.min(t.elapsed());
    }
    (best, out)
}

fn framer_throughput() {
    eprintln!("scan: framer throughput on 16 MB of GS1 scans ...");
    let bytes = sample_stream();
    let mb = bytes.len() as f64 / 1e6;
    let (ours, frames) = best_of(5, || {
        let mut f = Framer::new(Framing {
            aim: true,
            ..Framing::crlf()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let now = Instant::now();
        let mut events = Vec::new();
        let mut n = 0;
        // 4 KB chunks, as a serial read would deliver them.
        for chunk in bytes.chunks(4096) {
            f.push_into(chunk, now, &mut events);
            n += events.len();
            events.clear();
        }
        n
    });
    let (anchor, lines) = best_of(5, || bytes.split(|b| *b == b'\n').count());
    eprintln!("scan: {frames} frames, {lines} split pieces");
    crate::report::figure(
        "scan",
        "framer_throughput",
        "MB/s",
        mb / ours.as_secs_f64(),
        mb / anchor.as_secs_f64(),
        "memchr-style scan of the same bytes for the terminator",
    );
}

fn pty_latency() {
    const N: usize = 500;
    eprintln!("scan: pty latency over {N} scans ...");
    let prof = match profile::builtin_profile("honeywell-xenon-1950g") {
        Ok(p) => p,
        Err(e) => return eprintln!("scan: skipped pty latency: {e}"),
    };
    let framing = prof.framing.clone();
    let scan = |i: usize| framing.wrap(format!("]C0CUS-{i:06}").as_bytes());

    // Ours: write to the master, wait for the ScanEvent.
    let mut ours = Vec::with_capacity(N);
    let link = std::env::temp_dir().join(format!("custody-bench-{}", std::process::id()));
    let Ok(mut sim) = PtySimulator::create(Some(&link)) else {
        return eprintln!("scan: skipped pty latency: cannot create a pty");
    };
    let Ok(session) = ScannerSession::start(SessionConfig::new(&link, prof.clone())) else {
        return eprintln!("scan: skipped pty latency: session did not start");
    };
    while !matches!(
        session.next_event(Duration::from_secs(5)),
        Some(ScanEvent::Connected { .. }) | None
    ) {}
    for i in 0..N {
        let t = Instant::now();
        if sim.write(&scan(i)).is_err() {
            break;
        }
        loop {
            match session.next_event(Duration::from_secs(5)) {
                Some(ScanEvent::Scan(_)) => break,
                Some(_) => continue,
                None => return eprintln!("scan: skipped pty latency: no scan event within 5 s"),
            }
        }
        ours.push(t.elapsed().as_secs_f64() * 1e3);
    }
    session.shutdown();
    drop(sim);

    // Anchor: the same bytes read raw from the slave side.
    let mut anchor = Vec::with_capacity(N);
    let Ok(mut sim) = PtySimulator::create(None) else {
        return eprintln!("scan: skipped pty anchor: cannot create a pty");
    };
    // The simulator already put the pty in raw mode; a plain file read is the bare minimum.
    let Ok(mut port) = std::fs::OpenOptions::new().read(true).open(sim.device()) else {
        return eprintln!("scan: skipped pty anchor: cannot open the pty");
    };
    let mut buf = [0u8; 256];
    for i in 0..N {
        let bytes = scan(i);
        let t = Instant::now();
        if sim.write(&bytes).is_err() {
            break;
        }
        let mut got = 0;
        while got < bytes.len() {
            match port.read(&mut buf) {
                Ok(n) if n > 0 => got += n,
                _ => return eprintln!("scan: skipped pty anchor: read failed"),
            }
        }
        anchor.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ours.sort_by(f64::total_cmp);
    anchor.sort_by(f64::total_cmp);
    let name = "raw read of the same bytes from the pty slave";
    crate::report::figure(
        "scan",
        "pty_frame_p50",
        "ms",
        percentile(&ours, 50.0),
        percentile(&anchor, 50.0),
        name,
    );
    crate::report::figure(
        "scan",
        "pty_frame_p99",
        "ms",
        percentile(&ours, 99.0),
        percentile(&anchor, 99.0),
        name,
    );
}
