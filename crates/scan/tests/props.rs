//! Property tests: arbitrary bytes never panic the parsers, and how the bytes are chunked never
//! changes what comes out.

use custody_scan::framer::{FrameEvent, Framer, Framing};
use custody_scan::honeywell::{parse_reply, LineItem, ReplyDemux};
use custody_scan::ssi::{Packet, SsiDecoder, SsiEvent};
use proptest::prelude::*;
use std::time::Instant;

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

fn framings() -> impl Strategy<Value = Framing> {
    prop_oneof![
        Just(Framing::crlf()),
        Just(Framing::cr()),
        Just(Framing::stx_etx()),
        Just(Framing {
            aim: true,
            max_len: 8,
            ..Framing::crlf()
        }),
        Just(Framing {
            prefix: b"<<".to_vec(),
            suffix: b">>".to_vec(),
            max_len: 5,
            ..Framing::crlf()
        }),
    ]
}

/// Bytes rich in the characters framing cares about.
fn line_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            any::<u8>(),
            Just(b'\r'),
            Just(b'\n'),
            Just(2u8),
            Just(3u8),
            Just(b']'),
            Just(b'<'),
            Just(b'>')
        ],
        0..300,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn framer_output_does_not_depend_on_chunking(framing in framings(), bytes in line_bytes(), cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let now = Instant::now();
        let mut whole = Framer::new(framing.clone()).unwrap();
        let mut expected = whole.push(&bytes, now);
        expected.extend(whole.finish());
        let mut f = Framer::new(framing).unwrap();
        let mut got = chunked(&bytes, &cuts, |c| f.push(c, now));
        got.extend(f.finish());
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn framer_loses_no_byte_on_a_prefixless_line(bytes in line_bytes()) {
        // With only a suffix, every byte is in a frame, an error, or a terminator.
        let framing = Framing { max_len: 1 << 20, ..Framing::crlf() };
        let mut f = Framer::new(framing).unwrap();
        let mut events = f.push(&bytes, Instant::now());
        events.extend(f.finish());
        let mut rebuilt = Vec::new();
        for e in events {
            match e {
                FrameEvent::Frame(fr) => { rebuilt.extend(fr.raw); rebuilt.extend_from_slice(b"\r\n"); }
                FrameEvent::Error(custody_scan::FrameError::Empty) => rebuilt.extend_from_slice(b"\r\n"),
                FrameEvent::Error(custody_scan::FrameError::MissingTerminator { partial }) => rebuilt.extend(partial),
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
        prop_assert_eq!(rebuilt, bytes);
    }

    #[test]
    fn ssi_decoder_output_does_not_depend_on_chunking(junk in prop::collection::vec(any::<u8>(), 0..40), payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..60), 0..5), cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let mut bytes = junk;
        for p in &payloads {
            let packet = Packet { opcode: 0xF3, source: custody_scan::ssi::Source::Decoder, status: 0, data: p.clone() };
            bytes.extend(packet.encode().unwrap());
        }
        let expected = SsiDecoder::new().push(&bytes);
        let mut d = SsiDecoder::new();
        let got = chunked(&bytes, &cuts, |c| d.push(c));
        prop_assert_eq!(&got, &expected);
    }

    #[test]
    fn valid_ssi_packets_after_a_clean_start_all_decode(payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..60), 1..5)) {
        let mut bytes = Vec::new();
        for p in &payloads {
            bytes.extend(Packet { opcode: 0xF3, source: custody_scan::ssi::Source::Decoder, status: 0, data: p.clone() }.encode().unwrap());
        }
        let decoded: Vec<Vec<u8>> = SsiDecoder::new().push(&bytes).into_iter().filter_map(|e| match e { SsiEvent::Decoded(d) => Some(d.data), _ => None }).collect();
        let expected: Vec<Vec<u8>> = payloads.iter().map(|p| p[1..].to_vec()).collect();
        prop_assert_eq!(decoded, expected);
    }

    #[test]
    fn honeywell_reply_parsing_and_demux_never_panic_and_keep_scan_bytes(bytes in prop::collection::vec(prop_oneof![any::<u8>(), Just(6u8), Just(b'.'), Just(b'T'), Just(b'R'), Just(b'M')], 0..200), cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let _ = parse_reply(&bytes);
        let run = |cuts: &[usize]| {
            let mut d = ReplyDemux::new(b"\r\n");
            d.expect_reply("TRM");
            let mut items = chunked(&bytes, cuts, |c| d.push(c));
            items.extend(d.give_up());
            items
        };
        let whole = run(&[]);
        let split = run(&cuts);
        let flat = |items: &[LineItem]| -> Vec<u8> { items.iter().flat_map(|i| match i { LineItem::ScanBytes(b) => b.clone(), LineItem::Reply(Ok(_)) => vec![], LineItem::Reply(Err((_, raw))) => raw.clone() }).collect() };
        prop_assert_eq!(flat(&whole), flat(&split));
    }
}
