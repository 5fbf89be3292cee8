//! Fuzzing by property: the framer, the SSI decoder, the Honeywell reply demultiplexer, the
//! whole line decoder of each protocol and the fake devices get arbitrary bytes in arbitrary
//! chunks. None may panic; the framer, decoder and demux give the same result however the
//! bytes are chunked; and a line of AIM-prefixed scans with menu replies between them comes
//! apart into exactly those scans and those replies.
//!
//! `CUSTODY_FUZZ_CASES` sets the cases per property (default 500, what CI runs in about half a minute of debug build). A long run:
//! `CUSTODY_FUZZ_CASES=200000 cargo test --release -p custody-scan --test fuzz_props`.

use custody_scan::decoder::{LineDecoder, LineEvent};
use custody_scan::fake::{FakeDevice, HoneywellFake, SsiFake};
use custody_scan::framer::{Framer, Framing};
use custody_scan::honeywell::{LineItem, ReplyDemux};
use custody_scan::profile::Protocol;
use custody_scan::ssi::{checksum, SsiDecoder};
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn cases() -> u32 {
    std::env::var("CUSTODY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn chunked<T>(bytes: &[u8], cuts: &[usize], mut f: impl FnMut(&[u8]) -> Vec<T>) -> Vec<T> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut out = Vec::new();
    let mut prev = 0;
    for p in points.into_iter().chain(std::iter::once(bytes.len())) {
        out.extend(f(&bytes[prev..p]));
        prev = p;
    }
    out
}

/// Bytes that matter to some parser here, plus anything.
fn noisy_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => any::<u8>(),
            1 => Just(b'\r'),
            1 => Just(b'\n'),
            1 => Just(b']'),
            1 => Just(0x06u8),
            1 => Just(0x05u8),
            1 => Just(0x15u8),
            1 => Just(b'.'),
            1 => Just(b'!'),
            1 => Just(b','),
            1 => Just(b';'),
            1 => Just(b':'),
            1 => Just(0xF3u8),
            1 => Just(0x00u8),
            1 => Just(0x04u8),
            1 => Just(0x16u8),
            1 => Just(0x1Bu8),
            2 => prop::sample::select(b"TRMUSB0123456789ABCDEF".to_vec()),
        ],
        0..max,
    )
}

/// A framing with arbitrary small prefix and suffix.
fn any_framing() -> impl Strategy<Value = Framing> {
    (
        prop::collection::vec(any::<u8>(), 0..3),
        prop::collection::vec(any::<u8>(), 0..3),
        any::<bool>(),
        1usize..64,
        prop::option::of(1u64..50),
    )
        .prop_map(|(prefix, suffix, aim, max_len, idle)| Framing {
            prefix,
            suffix,
            aim,
            max_len,
            idle_flush: idle.map(Duration::from_millis),
        })
}

/// SSI packets from the scanner, some with continuation, some damaged, between junk.
fn ssi_line() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        (
            prop::collection::vec(any::<u8>(), 0..40),
            prop::sample::select(vec![0xF3u8, 0xD0, 0xD1, 0xC6, 0xF6]),
            prop::sample::select(vec![0u8, 1, 2, 3, 8]),
            any::<bool>(),
            prop::collection::vec(any::<u8>(), 0..6),
        ),
        0..6,
    )
    .prop_map(|parts| {
        let mut out = Vec::new();
        for (data, op, status, damage, junk) in parts {
            let mut p = vec![(4 + data.len()) as u8, op, 0x00, status];
            p.extend_from_slice(&data);
            let c = checksum(&p);
            p.extend_from_slice(&c);
            if damage {
                let i = p.len() - 1;
                p[i] ^= 0xA5;
            }
            out.extend(p);
            out.extend(junk);
        }
        out
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_framer_never_panics_and_chunking_changes_nothing(framing in any_framing(), bytes in noisy_bytes(400), cuts in prop::collection::vec(any::<usize>(), 0..10), idle_ms in 0u64..100) {
        if framing.validate().is_err() {
            // A framing the profile loader refuses is never built.
            prop_assert!(Framer::new(framing).is_err());
            return Ok(());
        }
        let t0 = Instant::now();
        let run = |cuts: &[usize]| {
            let mut f = Framer::new(framing.clone()).unwrap();
            let mut out = chunked(&bytes, cuts, |c| f.push(c, t0));
            out.extend(f.poll_timeout(t0 + Duration::from_millis(idle_ms)));
            out.extend(f.finish());
            out
        };
        prop_assert_eq!(run(&[]), run(&cuts));
    }

    #[test]
    fn the_ssi_decoder_never_panics_and_chunking_changes_nothing(bytes in prop_oneof![ssi_line(), noisy_bytes(400)], cuts in prop::collection::vec(any::<usize>(), 0..10)) {
        let mut whole = SsiDecoder::new();
        let expected = whole.push(&bytes);
        let mut d = SsiDecoder::new();
        let got = chunked(&bytes, &cuts, |c| d.push(c));
        prop_assert_eq!(got, expected);
        prop_assert_eq!(d.pending(), whole.pending());
    }

    #[test]
    fn the_listening_demux_never_panics_and_chunking_changes_nothing(bytes in noisy_bytes(400), cuts in prop::collection::vec(any::<usize>(), 0..10), expect in any::<bool>()) {
        let run = |cuts: &[usize]| {
            let mut d = ReplyDemux::listening(b"\r\n");
            if expect {
                d.expect_reply("TRM");
            }
            let mut items = chunked(&bytes, cuts, |c| d.push(c));
            items.extend(d.give_up());
            // Adjacent scan byte runs may be split differently; join them.
            let mut joined: Vec<LineItem> = Vec::new();
            for item in items {
                match (joined.last_mut(), item) {
                    (Some(LineItem::ScanBytes(a)), LineItem::ScanBytes(b)) => a.extend(b),
                    (_, item) => joined.push(item),
                }
            }
            joined
        };
        prop_assert_eq!(run(&[]), run(&cuts));
    }

    #[test]
    fn scans_and_replies_on_one_line_come_apart_exactly(
        lines in prop::collection::vec(
            prop_oneof![
                prop::collection::vec(0x20u8..0x7F, 0..30).prop_map(|d| (true, d)),
                (prop::sample::select(vec!["TRMUSB130", "BEPBEP1", "PREBK2995C81", "HSTACK1"]), prop::sample::select(vec![0x06u8, 0x05, 0x15]), prop::sample::select(vec![b'.', b'!']))
                    .prop_map(|(t, s, e)| { let mut v = t.as_bytes().to_vec(); v.push(s); v.push(e); (false, v) }),
            ],
            0..12,
        ),
        cuts in prop::collection::vec(any::<usize>(), 0..10),
    ) {
        let mut bytes = Vec::new();
        let mut scans = Vec::new();
        let mut replies = 0;
        for (is_scan, data) in &lines {
            if *is_scan {
                let mut s = b"]C0".to_vec();
                s.extend_from_slice(data);
                bytes.extend_from_slice(&s);
                bytes.extend_from_slice(b"\r\n");
                scans.push(s);
            } else {
                bytes.extend_from_slice(data);
                replies += 1;
            }
        }
        let mut dec = LineDecoder::new(Protocol::HoneywellMenu, Framing { aim: true, ..Framing::crlf() }).unwrap();
        let t0 = Instant::now();
        let mut events = chunked(&bytes, &cuts, |c| dec.push(c, t0).0);
        events.extend(dec.finish(t0));
        let got: Vec<Vec<u8>> = events.iter().filter_map(|e| match e { LineEvent::Scan(s) => Some(s.raw.clone()), _ => None }).collect();
        let got_replies = events.iter().filter(|e| matches!(e, LineEvent::MenuReply(_))).count();
        prop_assert_eq!(got, scans);
        prop_assert_eq!(got_replies, replies);
        prop_assert!(!events.iter().any(|e| matches!(e, LineEvent::Error(_))), "{:?}", events);
    }

    #[test]
    fn every_line_decoder_takes_any_bytes(bytes in prop_oneof![ssi_line(), noisy_bytes(400)], cuts in prop::collection::vec(any::<usize>(), 0..10), later in 0u64..5_000) {
        for protocol in [Protocol::HoneywellMenu, Protocol::ZebraSsi, Protocol::Plain] {
            let mut dec = LineDecoder::new(protocol, Framing { aim: true, idle_flush: Some(Duration::from_millis(30)), ..Framing::crlf() }).unwrap();
            let t0 = Instant::now();
            let _ = chunked(&bytes, &cuts, |c| dec.push(c, t0).0);
            let _ = dec.poll(t0 + Duration::from_millis(later));
            let _ = dec.finish(t0);
        }
    }

    #[test]
    fn the_fake_scanners_take_any_host_bytes(bytes in prop_oneof![ssi_line(), noisy_bytes(400)], cuts in prop::collection::vec(any::<usize>(), 0..10)) {
        let mut devices: Vec<Box<dyn FakeDevice>> = vec![
            Box::new(HoneywellFake::new(None, Duration::from_secs(1))),
            Box::new(HoneywellFake::new(Some("Xenon"), Duration::from_secs(1))),
            Box::new(SsiFake::new()),
        ];
        for d in devices.iter_mut() {
            let _ = chunked(&bytes, &cuts, |c| { d.receive(c, Duration::ZERO); Vec::<()>::new() });
            d.trigger(&custody_scan::fake::Symbol::code128(b"X"), Duration::from_millis(5));
            d.poll(Duration::from_secs(5));
            let _ = d.take_output();
        }
    }
}
