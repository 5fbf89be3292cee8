//! 10,000 scans per protocol through a pty and a real session, with the scanner unplugged and
//! plugged back half way: Honeywell (framed text on a line that also carries menu replies),
//! Zebra SSI (every scan a DECODE_DATA packet the host must ACK), plain CDC. Every scan
//! arrives once, in order, with no line error; the figures are printed (run with
//! `--nocapture` to see them).

use custody_scan::configure::configure;
use custody_scan::emulate::Emulator;
use custody_scan::fake::{FakeDevice, HoneywellFake, PlainFake, SsiFake, Symbol};
use custody_scan::profile::{self, Profile};
use custody_scan::session::{ScanEvent, ScannerSession, SessionConfig};
use std::time::{Duration, Instant};

const TOTAL: usize = 10_000;

fn label(i: usize) -> Vec<u8> {
    format!("CUS-{i:05}-X").into_bytes()
}

fn wait_until(
    session: &ScannerSession,
    what: &str,
    got: &mut Vec<Vec<u8>>,
    errors: &mut Vec<String>,
    mut done: impl FnMut(&ScanEvent, usize) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let Some(ev) = session.next_event(Duration::from_millis(100)) else {
            continue;
        };
        match &ev {
            ScanEvent::Scan(s) => got.push(s.line.data.clone()),
            ScanEvent::LineError(e) => errors.push(e.to_string()),
            ScanEvent::Duplicate { data, .. } => {
                errors.push(format!("duplicate {}", String::from_utf8_lossy(data)))
            }
            _ => {}
        }
        if done(&ev, got.len()) {
            return;
        }
    }
    panic!(
        "timed out waiting for {what}: {} scans so far, errors {errors:?}",
        got.len()
    );
}

fn soak(tag: &str, device: Box<dyn FakeDevice>, p: &Profile) {
    let link = std::env::temp_dir().join(format!("custody-soak-{tag}-{}", std::process::id()));
    let emu = Emulator::start(device, Some(&link)).unwrap();
    if !p.init.is_empty() {
        let report = configure(emu.host_path(), p, Duration::from_secs(2)).unwrap();
        assert!(report.all_ok(), "{:?}", report.steps);
    }
    let session = ScannerSession::start(SessionConfig::new(&link, p.clone())).unwrap();
    let (mut got, mut errors) = (Vec::new(), Vec::new());
    wait_until(&session, "connect", &mut got, &mut errors, |e, _| {
        matches!(e, ScanEvent::Connected { .. })
    });
    let start = Instant::now();
    let half = TOTAL / 2;
    for i in 0..half {
        emu.trigger(Symbol::code128(&label(i)));
    }
    wait_until(&session, "first half", &mut got, &mut errors, |_, n| {
        n >= half
    });
    let first_half = start.elapsed();

    emu.unplug();
    wait_until(&session, "unplug", &mut got, &mut errors, |e, _| {
        matches!(e, ScanEvent::Disconnected { .. })
    });
    emu.replug();
    wait_until(&session, "replug", &mut got, &mut errors, |e, _| {
        matches!(e, ScanEvent::Reconnected { .. })
    });
    for i in half..TOTAL {
        emu.trigger(Symbol::code128(&label(i)));
    }
    wait_until(&session, "second half", &mut got, &mut errors, |_, n| {
        n >= TOTAL
    });
    let all = start.elapsed();
    session.shutdown();

    let expected: Vec<Vec<u8>> = (0..TOTAL).map(label).collect();
    assert!(
        got == expected,
        "{tag}: scans missing, doubled or out of order"
    );
    assert!(errors.is_empty(), "{tag}: {errors:?}");
    eprintln!(
        "soak {tag}: {TOTAL} scans, unplug after {half}: first half {:.2} s, all {:.2} s ({:.0} scans/s), 0 lost, 0 line errors",
        first_half.as_secs_f64(),
        all.as_secs_f64(),
        TOTAL as f64 / all.as_secs_f64()
    );
}

#[test]
fn ten_thousand_honeywell_scans_with_an_unplug_half_way() {
    // Host ACK off for the soak (one scan in flight at a time would make it a latency test);
    // the AIM ID and CR LF are in the non-volatile table, so the replug keeps them.
    let mut p = profile::builtin_profile("honeywell-xenon-1950g").unwrap();
    p.init.retain(|c| !c.what.starts_with("Host ACK"));
    p.readback
        .retain(|r| !r.command.what.starts_with("Host ACK"));
    soak(
        "honeywell",
        Box::new(HoneywellFake::new(None, Duration::from_secs(10))),
        &p,
    );
}

#[test]
fn ten_thousand_zebra_ssi_scans_with_an_unplug_half_way() {
    let p = profile::builtin_profile("zebra-ds3678").unwrap();
    soak("zebra-ssi", Box::new(SsiFake::new()), &p);
}

#[test]
fn ten_thousand_plain_cdc_scans_with_an_unplug_half_way() {
    let p = profile::builtin_profile("generic-cdc").unwrap();
    soak("plain-cdc", Box::new(PlainFake::new(b"\r\n", false)), &p);
}
