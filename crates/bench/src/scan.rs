//! Scanner benchmarks: framer throughput against a plain terminator split of the same bytes,
//! and pty-to-event latency of a ScannerSession against a raw read of the same pty.
//! Prints one JSON line per figure on stdout; progress goes to stderr.

use custody_scan::framer::{Framer, Framing};
use custody_scan::profile;
use custody_scan::session::{ScanEvent, ScannerSession, SessionConfig};
use custody_scan::sim::PtySimulator;
use serde_json::json;
use std::hint::black_box;
use std::io::Read;
use std::time::{Duration, Instant};

pub fn run() {
    framer_throughput();
    pty_latency();
}

fn report(name: &str, unit: &str, ours: f64, anchor: f64, anchor_name: &str) {
    let ratio = if anchor > 0.0 {
        ours / anchor
    } else {
        f64::NAN
    };
    println!(
        "{}",
        json!({"suite": "scan", "name": name, "unit": unit, "ours": ours, "anchor": anchor,
               "anchor_name": anchor_name, "ratio": ratio})
    );
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
    report(
        "framer_throughput",
        "MB/s",
        mb / ours.as_secs_f64(),
        mb / anchor.as_secs_f64(),
        "memchr-style scan of the same bytes for the terminator",
    );
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[idx]
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
    report(
        "pty_frame_p50",
        "ms",
        percentile(&ours, 0.5),
        percentile(&anchor, 0.5),
        name,
    );
    report(
        "pty_frame_p99",
        "ms",
        percentile(&ours, 0.99),
        percentile(&anchor, 0.99),
        name,
    );
}
