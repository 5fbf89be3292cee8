//! Through a real pseudo-terminal: a session reads 1,000 scans in order, survives the scanner
//! being unplugged and plugged back, and beeps only when a scan is acknowledged.

use custody_scan::profile;
use custody_scan::session::{Outcome, ScanEvent, ScannerSession, SessionConfig};
use custody_scan::sim::PtySimulator;
use std::io::Read;
use std::time::{Duration, Instant};

fn link_path(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("custody-scanner-{tag}-{}", std::process::id()))
}

fn wait_for(
    session: &ScannerSession,
    what: &str,
    mut pred: impl FnMut(&ScanEvent) -> bool,
) -> Vec<ScanEvent> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Some(ev) = session.next_event(Duration::from_millis(100)) {
            let done = pred(&ev);
            seen.push(ev);
            if done {
                return seen;
            }
        }
    }
    panic!("timed out waiting for {what}; saw {seen:?}");
}

fn label(i: usize) -> Vec<u8> {
    format!("]C0CUS-{i:05}").into_bytes()
}

fn scans_in(events: &[ScanEvent]) -> Vec<Vec<u8>> {
    events
        .iter()
        .filter_map(|e| match e {
            ScanEvent::Scan(s) => Some(s.line.raw.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_thousand_scans_arrive_in_order_and_an_unplug_loses_nothing_after_the_replug() {
    let link = link_path("thousand");
    let mut sim = PtySimulator::create(Some(&link)).unwrap();
    let profile = profile::builtin_profile("honeywell-xenon-1950g").unwrap();
    let session = ScannerSession::start(SessionConfig::new(&link, profile.clone())).unwrap();
    wait_for(&session, "connect", |e| {
        matches!(e, ScanEvent::Connected { .. })
    });

    let writer = std::thread::spawn(move || {
        for i in 0..1000 {
            sim.write(&profile.framing.wrap(&label(i))).unwrap();
        }
        sim
    });
    let events = wait_for(&session, "1000 scans", {
        let mut n = 0;
        move |e| {
            n += usize::from(matches!(e, ScanEvent::Scan(_)));
            n == 1000
        }
    });
    let mut sim = writer.join().unwrap();
    let expected: Vec<Vec<u8>> = (0..1000).map(label).collect();
    assert_eq!(scans_in(&events), expected);
    assert!(!events
        .iter()
        .any(|e| matches!(e, ScanEvent::LineError(_) | ScanEvent::Duplicate { .. })));

    // Half a scan is on the wire when the cable is pulled.
    sim.write(b"]C0CUS-HALF").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    sim.unplug();
    let events = wait_for(&session, "disconnect", |e| {
        matches!(e, ScanEvent::Disconnected { .. })
    });
    assert!(
        events.iter().any(|e| matches!(e, ScanEvent::LineError(_))),
        "the half scan is reported: {events:?}"
    );
    std::thread::sleep(Duration::from_millis(300));
    sim.replug().unwrap();
    wait_for(&session, "reconnect", |e| {
        matches!(e, ScanEvent::Reconnected { .. })
    });
    let framing = profile::builtin_profile("honeywell-xenon-1950g")
        .unwrap()
        .framing;
    for i in 1000..1100 {
        sim.write(&framing.wrap(&label(i))).unwrap();
    }
    let events = wait_for(&session, "100 scans after replug", {
        let mut n = 0;
        move |e| {
            n += usize::from(matches!(e, ScanEvent::Scan(_)));
            n == 100
        }
    });
    assert_eq!(
        scans_in(&events),
        (1000..1100).map(label).collect::<Vec<_>>()
    );
    session.shutdown();
}

#[test]
fn the_scanner_beeps_only_after_the_caller_acknowledges_and_a_double_read_is_reported() {
    let link = link_path("ack");
    let mut sim = PtySimulator::create(Some(&link)).unwrap();
    let mut host_output = sim.host_output().unwrap();
    let profile = profile::builtin_profile("honeywell-xenon-1950g").unwrap();
    let session = ScannerSession::start(SessionConfig::new(&link, profile.clone())).unwrap();
    wait_for(&session, "connect", |e| {
        matches!(e, ScanEvent::Connected { .. })
    });

    sim.write(b"]C0CUS-00042-7\r\n]C0CUS-00042-7\r\n").unwrap();
    let events = wait_for(&session, "duplicate", |e| {
        matches!(e, ScanEvent::Duplicate { .. })
    });
    let scan = events
        .iter()
        .find_map(|e| match e {
            ScanEvent::Scan(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap();
    let dup_of = events.iter().find_map(|e| match e {
        ScanEvent::Duplicate { of, .. } => Some(*of),
        _ => None,
    });
    assert_eq!(dup_of, Some(scan.id));

    // Nothing was sent to the scanner yet: no beep before the ledger commit.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        while let Ok(n) = host_output.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());

    session.acknowledge(scan.id, Outcome::Accepted).unwrap();
    let beep = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(beep, b"\x1b7,".to_vec()); // Host ACK: <ESC>7, = good-read tone

    // A second acknowledgement of the same scan is refused and reported.
    session.acknowledge(scan.id, Outcome::Refused).unwrap();
    wait_for(&session, "feedback refused", |e| {
        matches!(e, ScanEvent::FeedbackFailed { .. })
    });
    session.shutdown();
    drop(sim);
}

#[test]
fn configure_reports_each_command_with_the_scanners_answer() {
    use custody_scan::configure::{configure, StepOutcome};
    use custody_scan::emulate::Emulator;
    use custody_scan::fake::HoneywellFake;
    let link = link_path("configure");
    let emu = Emulator::start(
        Box::new(HoneywellFake::new(None, Duration::from_secs(10))),
        Some(&link),
    )
    .unwrap();
    // The profile plus a tag this scanner does not know (ENQ) and a value it refuses (NAK).
    let text = profile::BUILTIN
        .iter()
        .find(|(n, _)| *n == "honeywell-xenon-1950g")
        .unwrap()
        .1
        .to_string()
        + "\n[[init]]\nwhat = \"Unknown tag\"\nmenu = \"ZZZZZZ1\"\nexpect = \"ack\"\n"
        + "\n[[init]]\nwhat = \"USB mode 999\"\nmenu = \"TRMUSB999\"\nexpect = \"ack\"\n";
    let profile = profile::parse_profile("honeywell-xenon-1950g.toml", &text).unwrap();
    let report = configure(emu.host_path(), &profile, Duration::from_secs(2)).unwrap();
    let outcomes: Vec<(&str, &StepOutcome)> = report
        .steps
        .iter()
        .map(|s| (s.what.as_str(), &s.outcome))
        .collect();
    assert_eq!(
        report.steps.len(),
        profile.init.len() + profile.readback.len()
    );
    let n = profile.init.len();
    assert_eq!(outcomes[n - 2], ("Unknown tag", &StepOutcome::Unknown));
    assert_eq!(outcomes[n - 1], ("USB mode 999", &StepOutcome::BadValue));
    assert!(
        report
            .steps
            .iter()
            .enumerate()
            .all(|(i, s)| i == n - 2 || i == n - 1 || s.outcome == StepOutcome::Ok),
        "{outcomes:?}"
    );
    assert!(!report.all_ok());
    assert_eq!(
        report.revision.as_deref(),
        Some("REVINF Product Name: fake per user guide")
    );
}

#[test]
fn a_session_on_a_port_that_is_not_there_waits_for_it() {
    let link = link_path("late");
    let profile = profile::builtin_profile("generic-cdc").unwrap();
    let session = ScannerSession::start(SessionConfig::new(&link, profile.clone())).unwrap();
    wait_for(&session, "waiting", |e| {
        matches!(e, ScanEvent::Waiting { .. })
    });
    let mut sim = PtySimulator::create(Some(&link)).unwrap();
    wait_for(&session, "connect", |e| {
        matches!(e, ScanEvent::Connected { .. })
    });
    sim.write(b"LATE-1\r\n").unwrap();
    let events = wait_for(&session, "scan", |e| matches!(e, ScanEvent::Scan(_)));
    assert_eq!(scans_in(&events), vec![b"LATE-1".to_vec()]);
    session.shutdown();
}
