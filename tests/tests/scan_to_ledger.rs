//! A scanner on a real pseudo-terminal feeds `custody scan`: 10,000 scans, an unplug and
//! replug half way, and every scan ends up in the ledger exactly once.

use custody_core::{Ledger, PersonRecord, Role};
use custody_e2e::custody_bin;
use custody_scan::profile::builtin_profile;
use custody_scan::sim::PtySimulator;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const TOTAL: usize = 10_000;

fn wait_line(rx: &mpsc::Receiver<String>, what: &str, pred: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if pred(&line) => return,
            Ok(_) => {}
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}

#[test]
fn ten_thousand_scans_with_an_unplug_are_each_recorded_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("depot.db");
    let admin = PersonRecord {
        name: "Ana".into(),
        service_number: String::new(),
        badge: "ADM".into(),
        roles: vec![Role::Administrator],
    };
    drop(Ledger::create(&db, "Depot", admin, "731904").unwrap());
    let link = dir.path().join("scanner");
    let mut sim = PtySimulator::create(Some(&link)).unwrap();
    let framing = builtin_profile("generic-cdc").unwrap().framing;

    let mut child = Command::new(custody_bin())
        .arg("--db")
        .arg(&db)
        .args([
            "--as",
            "ADM",
            "scan",
            "--json",
            "--debounce-ms",
            "0",
            "--profile",
            "generic-cdc",
            "--port",
        ])
        .arg(&link)
        .env_remove("CUSTODY_AS")
        .env("CUSTODY_PIN", "731904")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (out_tx, out_rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if out_tx.send(line).is_err() {
                break;
            }
        }
    });
    let (err_tx, err_rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = err_tx.send(line);
        }
    });
    wait_line(&err_rx, "the scanner to connect", |l| {
        l.starts_with("connected")
    });

    let code = |i: usize| format!("SCAN-{i:05}");
    let mut seen = Vec::new();
    for i in 0..TOTAL / 2 {
        sim.write(&framing.wrap(code(i).as_bytes())).unwrap();
    }
    // Wait until the first half is recorded, then pull the cable and plug it back.
    while seen.len() < TOTAL / 2 {
        seen.push(
            out_rx
                .recv_timeout(Duration::from_secs(60))
                .expect("first half recorded"),
        );
    }
    sim.unplug();
    wait_line(&err_rx, "the disconnect", |l| l.contains("disconnected"));
    std::thread::sleep(Duration::from_millis(300));
    sim.replug().unwrap();
    wait_line(&err_rx, "the reconnect", |l| l.contains("scanner back"));
    for i in TOTAL / 2..TOTAL {
        sim.write(&framing.wrap(code(i).as_bytes())).unwrap();
    }
    while seen.len() < TOTAL {
        seen.push(
            out_rx
                .recv_timeout(Duration::from_secs(60))
                .expect("second half recorded"),
        );
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "custody scan exits cleanly on SIGTERM: {status:?}"
    );

    // Every JSON line names a committed event, in order, one per scan.
    let mut seqs = Vec::new();
    let mut texts = Vec::new();
    for line in &seen {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        seqs.push(v["seq"].as_i64().expect("every scan was recorded"));
        texts.push(v["text"].as_str().unwrap().to_string());
        assert_eq!(v["outcome"], "unknown", "{line}");
    }
    let expected: Vec<String> = (0..TOTAL).map(code).collect();
    assert_eq!(
        texts, expected,
        "scans arrive in order, none lost, none doubled"
    );
    // In order; between two scans only the ledger's own periodic checkpoints (every 1,000
    // events) may stand.
    assert!(seqs.windows(2).all(|w| w[1] > w[0]));
    let between: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM events WHERE seq > ?1 AND seq < ?2 AND kind != 'scan.recorded'
             AND kind != 'checkpoint'",
            [seqs[0], seqs[seqs.len() - 1]],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        between, 0,
        "only scans and checkpoints between the first and last scan"
    );

    let ledger = Ledger::open(&db).unwrap();
    assert!(ledger.verify().unwrap().is_intact());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT payload FROM events WHERE kind = 'scan.recorded'")
        .unwrap();
    let payloads: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(payloads.len(), TOTAL, "exactly one event per scan");
    let recorded: HashSet<String> = payloads
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_str(p).unwrap();
            let hex = v["data_hex"].as_str().unwrap();
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            String::from_utf8(bytes).unwrap()
        })
        .collect();
    assert_eq!(recorded, expected.into_iter().collect::<HashSet<_>>());
}
