//! Field scenarios for the framer, driven by captured byte fixtures.

use custody_scan::framer::{FrameEnd, FrameError, FrameEvent, Framer, Framing};
use custody_scan::replay::parse_capture;
use custody_scan::Aim;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    parse_capture(&text)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.bytes)
        .collect()
}

fn honeywell_framing() -> Framing {
    Framing {
        aim: true,
        ..Framing::crlf()
    }
}

/// Feeds `bytes` split at `cut` (all at the same instant) and returns the events.
fn run_split(framing: &Framing, bytes: &[u8], cut: usize) -> Vec<FrameEvent> {
    let mut f = Framer::new(framing.clone()).unwrap();
    let now = Instant::now();
    let mut ev = f.push(&bytes[..cut], now);
    ev.extend(f.push(&bytes[cut..], now));
    ev
}

fn frames(events: &[FrameEvent]) -> Vec<&custody_scan::Frame> {
    events
        .iter()
        .filter_map(|e| match e {
            FrameEvent::Frame(f) => Some(f),
            _ => None,
        })
        .collect()
}

#[test]
fn an_officer_scans_seven_labels_on_a_honeywell_in_serial_mode() {
    let bytes = fixture("honeywell_crlf_aim.capture");
    let events = run_split(&honeywell_framing(), &bytes, 0);
    let got = frames(&events);
    assert_eq!(got.len(), 7);
    // Expectations from the fixture's comment: AIM ids and data as the scanner sent them.
    assert_eq!(
        got[0].aim,
        Some(Aim {
            code: 'C',
            modifier: '1'
        })
    );
    assert_eq!(got[0].aim.unwrap().symbology(), "GS1-128");
    assert_eq!(got[0].data(), b"0104012345678901\x1d21ABC123");
    assert_eq!(got[1].aim.unwrap().symbology(), "GS1 DataMatrix");
    assert_eq!(got[2].text(), Some("CUS-00042-7"));
    assert_eq!(got[3].aim.unwrap().symbology(), "QR Code");
    assert_eq!(got[4].aim.unwrap().symbology(), "EAN/UPC");
    assert_eq!(got[5].aim.unwrap().symbology(), "Code 39");
    // NUL and invalid UTF-8 survive byte for byte; text() declines rather than guessing.
    assert_eq!(got[6].data(), b"SER\x00\xff\xfeNUL");
    assert_eq!(got[6].text(), None);
    assert!(got.iter().all(|f| f.end == FrameEnd::Suffix));
    assert_eq!(events.last(), Some(&FrameEvent::Error(FrameError::Empty)));
}

#[test]
fn the_same_capture_split_at_every_byte_boundary_gives_the_same_scans() {
    let bytes = fixture("honeywell_crlf_aim.capture");
    let whole = run_split(&honeywell_framing(), &bytes, 0);
    for cut in 0..=bytes.len() {
        assert_eq!(
            run_split(&honeywell_framing(), &bytes, cut),
            whole,
            "split at byte {cut}"
        );
    }
}

#[test]
fn a_slow_link_delivering_one_byte_at_a_time_gives_the_same_scans() {
    let bytes = fixture("honeywell_crlf_aim.capture");
    let whole = run_split(&honeywell_framing(), &bytes, 0);
    let mut f = Framer::new(honeywell_framing()).unwrap();
    let now = Instant::now();
    let events: Vec<_> = bytes.iter().flat_map(|b| f.push(&[*b], now)).collect();
    assert_eq!(events, whole);
}

#[test]
fn junk_around_stx_etx_frames_is_reported_and_kept() {
    let bytes = fixture("stx_etx_junk.capture");
    let mut f = Framer::new(Framing {
        idle_flush: Some(Duration::from_millis(100)),
        ..Framing::stx_etx()
    })
    .unwrap();
    let t0 = Instant::now();
    let mut events = f.push(&bytes, t0);
    events.extend(f.poll_timeout(t0 + Duration::from_millis(150)));
    let raws: Vec<_> = frames(&events).iter().map(|f| f.raw.clone()).collect();
    assert_eq!(raws, vec![b"ABC-1".to_vec(), b"DEF-2".to_vec()]);
    let junk: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            FrameEvent::Error(FrameError::JunkBeforePrefix { bytes }) => Some(bytes.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(junk, vec![b"xx".to_vec(), b"zz".to_vec(), b"q".to_vec()]);
}

#[test]
fn a_scanner_without_suffix_is_framed_by_the_pause_after_each_scan() {
    let mut f = Framer::new(Framing::idle(Duration::from_millis(50))).unwrap();
    let t0 = Instant::now();
    assert!(f.push(b"CUS-0", t0).is_empty());
    assert!(f.push(b"0042-7", t0 + Duration::from_millis(3)).is_empty());
    assert_eq!(f.next_deadline(), Some(t0 + Duration::from_millis(53)));
    assert!(f.poll_timeout(t0 + Duration::from_millis(40)).is_empty());
    let ev = f.poll_timeout(t0 + Duration::from_millis(60));
    assert_eq!(frames(&ev)[0].raw, b"CUS-00042-7");
    assert_eq!(frames(&ev)[0].end, FrameEnd::Idle);
    // Bytes arriving after a pause end the previous scan even if nobody polled.
    f.push(b"A1", t0 + Duration::from_millis(100));
    let ev = f.push(b"B2", t0 + Duration::from_millis(200));
    assert_eq!(frames(&ev)[0].raw, b"A1");
}

#[test]
fn a_scan_that_loses_its_terminator_is_flushed_as_an_error_with_its_bytes() {
    let mut f = Framer::new(Framing {
        idle_flush: Some(Duration::from_millis(200)),
        ..Framing::crlf()
    })
    .unwrap();
    let t0 = Instant::now();
    assert!(f.push(b"HALF-A-SC", t0).is_empty());
    let ev = f.poll_timeout(t0 + Duration::from_millis(250));
    assert_eq!(
        ev,
        vec![FrameEvent::Error(FrameError::MissingTerminator {
            partial: b"HALF-A-SC".to_vec()
        })]
    );
    // The next scan is clean.
    let ev = f.push(b"NEXT\r\n", t0 + Duration::from_millis(300));
    assert_eq!(frames(&ev)[0].raw, b"NEXT");
}

#[test]
fn an_overlong_scan_is_refused_and_nothing_after_its_terminator_is_lost() {
    let framing = Framing {
        max_len: 16,
        ..Framing::crlf()
    };
    let mut input = b"OK-1\r\n".to_vec();
    input.extend(std::iter::repeat_n(b'X', 40));
    input.extend_from_slice(b"\r\nOK-2\r\n");
    for cut in 0..=input.len() {
        let ev = run_split(&framing, &input, cut);
        let raws: Vec<_> = frames(&ev).iter().map(|f| f.raw.clone()).collect();
        assert_eq!(
            raws,
            vec![b"OK-1".to_vec(), b"OK-2".to_vec()],
            "split at {cut}"
        );
        assert!(ev.iter().any(|e| matches!(e, FrameEvent::Error(FrameError::Overlong { max_len: 16, head }) if head.iter().all(|b| *b == b'X'))));
    }
}

#[test]
fn a_scan_of_exactly_the_maximum_length_is_accepted() {
    let framing = Framing {
        max_len: 8,
        ..Framing::crlf()
    };
    let ev = run_split(&framing, b"12345678\r\n", 9);
    assert_eq!(frames(&ev)[0].raw, b"12345678");
}

#[test]
fn a_scan_without_aim_id_when_aim_is_expected_is_kept_and_flagged() {
    let ev = run_split(&honeywell_framing(), b"NOAIM\r\n", 0);
    let f = frames(&ev)[0];
    assert_eq!(f.aim, None);
    assert!(f.aim_error.is_some());
    assert_eq!(f.data(), b"NOAIM");
}

#[test]
fn a_new_start_marker_inside_a_frame_reports_the_partial_scan() {
    let mut f = Framer::new(Framing::stx_etx()).unwrap();
    let ev = f.push(b"\x02PART\x02WHOLE\x03", Instant::now());
    assert_eq!(
        ev[0],
        FrameEvent::Error(FrameError::Interrupted {
            partial: b"PART".to_vec()
        })
    );
    assert_eq!(frames(&ev)[0].raw, b"WHOLE");
}

#[test]
fn framing_that_can_never_end_a_scan_is_refused() {
    let bad = Framing {
        suffix: vec![],
        idle_flush: None,
        ..Framing::crlf()
    };
    assert!(Framer::new(bad).is_err());
    assert!(Framing::by_name("semicolon").is_err());
}
