//! Field scenarios through a real pseudo-terminal: a fake scanner that follows its manual, a
//! real `ScannerSession`, and the fake's timeline of every byte and tone. The officer must
//! hear nothing from the device before Custody has committed, the good tone after the commit,
//! the error tone after a refusal, and (Honeywell) the timeout tone when Custody never answers.

use custody_scan::configure::configure;
use custody_scan::emulate::Emulator;
use custody_scan::fake::{Entry, HoneywellFake, PlainFake, SsiFake, Symbol, Timeline, Tone};
use custody_scan::profile::{self, FeedbackCapability, Profile};
use custody_scan::session::{Outcome, Scan, ScanEvent, ScannerSession, SessionConfig};
use std::time::{Duration, Instant};

fn link_path(tag: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("custody-timeline-{tag}-{}", std::process::id()))
}

fn next_scan(session: &ScannerSession) -> Scan {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        match session.next_event(Duration::from_millis(100)) {
            Some(ScanEvent::Scan(s)) => return s,
            Some(other) => seen.push(other),
            None => {}
        }
    }
    panic!("no scan arrived; saw {seen:?}");
}

/// Tones after the last trigger.
fn tones_since_last_trigger(t: &Timeline) -> Vec<Tone> {
    let from = t
        .entries
        .iter()
        .rposition(|(_, e)| matches!(e, Entry::Trigger { .. }))
        .unwrap_or(0);
    t.entries[from..]
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::Tone(tone) => Some(*tone),
            _ => None,
        })
        .collect()
}

fn setup(
    tag: &str,
    device: Box<dyn custody_scan::fake::FakeDevice>,
    p: &Profile,
) -> (Emulator, ScannerSession) {
    let link = link_path(tag);
    let emu = Emulator::start(device, Some(&link)).unwrap();
    let report = configure(emu.host_path(), p, Duration::from_secs(2)).unwrap();
    assert!(report.all_ok(), "{:?}", report.steps);
    let session = ScannerSession::start(SessionConfig::new(emu.host_path(), p.clone())).unwrap();
    (emu, session)
}

/// Scans a label, checks the device stayed silent while Custody had not answered, answers,
/// and returns the tones the device then made.
fn scan_and_answer(
    emu: &Emulator,
    session: &ScannerSession,
    label: &[u8],
    outcome: Outcome,
) -> Vec<Tone> {
    emu.trigger(Symbol::code128(label));
    let scan = next_scan(session);
    assert_eq!(scan.line.data, label);
    // The scan has reached Custody; the ledger has not committed yet: no tone from the device.
    let before = emu.timeline();
    assert_eq!(
        tones_since_last_trigger(&before),
        vec![],
        "{}",
        before.render()
    );
    session.acknowledge(scan.id, outcome).unwrap();
    let after = emu.wait_timeline(Duration::from_secs(10), |t| {
        !tones_since_last_trigger(t).is_empty()
    });
    tones_since_last_trigger(&after)
}

#[test]
fn honeywell_in_host_ack_mode_sounds_only_after_the_commit_or_the_refusal() {
    let p = profile::builtin_profile("honeywell-xenon-1950g").unwrap();
    let fake = HoneywellFake::new(None, Duration::from_secs(5));
    let (emu, session) = setup("honeywell", Box::new(fake), &p);

    assert_eq!(
        scan_and_answer(&emu, &session, b"CUS-00001-1", Outcome::Accepted),
        vec![Tone::Good]
    );
    // A destroyed weapon scanned into a move: Custody refuses, the device razzes.
    assert_eq!(
        scan_and_answer(&emu, &session, b"CUS-00002-9", Outcome::Refused),
        vec![Tone::Error]
    );

    // Custody never answers (hung, or the disk is gone): the scanner's own timeout tone.
    emu.trigger(Symbol::code128(b"CUS-00003-7"));
    let _unanswered = next_scan(&session);
    let t = emu.wait_timeline(Duration::from_secs(10), |t| {
        !tones_since_last_trigger(t).is_empty()
    });
    assert_eq!(
        tones_since_last_trigger(&t),
        vec![Tone::Timeout],
        "{}",
        t.render()
    );
    session.shutdown();
}

#[test]
fn zebra_with_its_decode_beep_off_beeps_only_when_custody_says() {
    let p = profile::builtin_profile("zebra-ds3678").unwrap();
    let (emu, session) = setup("zebra", Box::new(SsiFake::new()), &p);
    assert_eq!(
        scan_and_answer(&emu, &session, b"CUS-00001-1", Outcome::Accepted),
        vec![Tone::Good]
    );
    assert_eq!(
        scan_and_answer(&emu, &session, b"CUS-00002-9", Outcome::Refused),
        vec![Tone::Error]
    );
    session.shutdown();
}

#[test]
fn a_datalogic_in_usb_com_beeps_on_read_and_custody_says_so() {
    let p = profile::builtin_profile("datalogic-gryphon-gd4500").unwrap();
    assert_eq!(p.feedback_capability(), FeedbackCapability::BeepsOnRead);
    let link = link_path("datalogic");
    let emu = Emulator::start(Box::new(PlainFake::new(b"\r\n", true)), Some(&link)).unwrap();
    let session = ScannerSession::start(SessionConfig::new(emu.host_path(), p.clone())).unwrap();
    emu.trigger(Symbol::code128(b"CUS-00001-1"));
    let scan = next_scan(&session);
    // The device beeped at decode, before Custody saw the scan: the screen must confirm.
    let t = emu.timeline();
    assert_eq!(tones_since_last_trigger(&t), vec![Tone::Good]);
    assert!(!t
        .entries
        .iter()
        .any(|(_, e)| matches!(e, Entry::HostToDevice(_))));
    session.acknowledge(scan.id, Outcome::Accepted).unwrap();
    session.shutdown();
}

/// Waits for `n` device replies (the scanner's answers to the init the session sent).
fn wait_replies(session: &ScannerSession, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut got = 0;
    while got < n && Instant::now() < deadline {
        match session.next_event(Duration::from_millis(100)) {
            Some(ScanEvent::DeviceReply(_)) => got += 1,
            Some(ScanEvent::Scan(s)) => panic!("unexpected scan {s:?}"),
            _ => {}
        }
    }
    assert_eq!(got, n, "the scanner did not answer the init");
}

fn wait_event(session: &ScannerSession, what: &str, pred: impl Fn(&ScanEvent) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(ev) = session.next_event(Duration::from_millis(100)) {
            if pred(&ev) {
                return;
            }
        }
    }
    panic!("timed out waiting for {what}");
}

/// A Zebra profile whose packet format is only a temporary change (lost at power off).
fn zebra_with_temporary_settings() -> Profile {
    let text = profile::BUILTIN
        .iter()
        .find(|(n, _)| *n == "zebra-ds3678")
        .unwrap()
        .1
        .replace("permanent = true", "permanent = false");
    profile::parse_profile("zebra-ds3678.toml", &text).unwrap()
}

#[test]
fn a_session_that_re_sends_the_init_on_every_connect_keeps_a_replugged_zebra_packeted() {
    let p = zebra_with_temporary_settings();
    let link = link_path("reinit");
    let emu = Emulator::start(Box::new(SsiFake::new()), Some(&link)).unwrap();
    let mut config = SessionConfig::new(&link, p.clone());
    config.reinit_on_connect = true;
    let session = ScannerSession::start(config).unwrap();
    wait_replies(&session, p.init.len());
    emu.trigger(Symbol::code128(b"CUS-00001-1"));
    assert_eq!(next_scan(&session).line.symbology, Some("Code 128"));

    // Unplugged and plugged back: the scanner powered up with factory settings.
    emu.unplug();
    wait_event(&session, "disconnect", |e| {
        matches!(e, ScanEvent::Disconnected { .. })
    });
    emu.replug();
    wait_replies(&session, p.init.len());
    emu.trigger(Symbol::code128(b"CUS-00002-9"));
    let scan = next_scan(&session);
    assert_eq!(scan.line.data, b"CUS-00002-9");
    assert_eq!(scan.line.symbology, Some("Code 128"));
    session.shutdown();
}

#[test]
fn without_the_re_init_a_replugged_zebra_with_temporary_settings_sends_raw_text() {
    let p = zebra_with_temporary_settings();
    let link = link_path("noreinit");
    let emu = Emulator::start(Box::new(SsiFake::new()), Some(&link)).unwrap();
    assert!(configure(emu.host_path(), &p, Duration::from_secs(2))
        .unwrap()
        .all_ok());
    emu.power_cycle();
    emu.trigger(Symbol::code128(b"CUS-00003-7"));
    let t = emu.wait_timeline(Duration::from_secs(10), |t| {
        t.entries
            .iter()
            .any(|(_, e)| *e == Entry::DeviceToHost(b"CUS-00003-7\r\n".to_vec()))
    });
    assert!(
        t.entries
            .iter()
            .any(|(_, e)| *e == Entry::DeviceToHost(b"CUS-00003-7\r\n".to_vec())),
        "{}",
        t.render()
    );
}
