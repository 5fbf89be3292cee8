//! libFuzzer target: arbitrary bytes, cut into arbitrary chunks, into the framer, the SSI
//! decoder, the Honeywell reply demultiplexer (listening and expecting), the line decoder of
//! every protocol, and the fake devices (host side). Any panic is a bug.
#![no_main]

use custody_scan::decoder::LineDecoder;
use custody_scan::fake::{FakeDevice, HoneywellFake, SsiFake, Symbol};
use custody_scan::framer::{Framer, Framing};
use custody_scan::honeywell::{parse_reply, ReplyDemux};
use custody_scan::profile::Protocol;
use custody_scan::ssi::SsiDecoder;
use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};

fuzz_target!(|input: &[u8]| {
    let Some((&cut, data)) = input.split_first() else {
        return;
    };
    let step = usize::from(cut % 17) + 1;
    let t0 = Instant::now();
    let _ = parse_reply(data);
    let framings = [
        Framing {
            aim: true,
            ..Framing::crlf()
        },
        Framing::stx_etx(),
        Framing {
            idle_flush: Some(Duration::from_millis(20)),
            ..Framing::cr()
        },
    ];
    for framing in framings {
        if let Ok(mut f) = Framer::new(framing) {
            for c in data.chunks(step) {
                let _ = f.push(c, t0);
            }
            let _ = f.poll_timeout(t0 + Duration::from_secs(1));
            let _ = f.finish();
        }
    }
    let mut ssi = SsiDecoder::new();
    let mut listening = ReplyDemux::listening(b"\r\n");
    let mut expecting = ReplyDemux::new(b"\r\n");
    expecting.expect_reply("TRM");
    for c in data.chunks(step) {
        let _ = ssi.push(c);
        let _ = listening.push(c);
        let _ = expecting.push(c);
    }
    let _ = listening.give_up();
    let _ = expecting.give_up();
    for protocol in [Protocol::HoneywellMenu, Protocol::ZebraSsi, Protocol::Plain] {
        if let Ok(mut d) = LineDecoder::new(
            protocol,
            Framing {
                aim: true,
                ..Framing::crlf()
            },
        ) {
            for c in data.chunks(step) {
                let _ = d.push(c, t0);
            }
            let _ = d.poll(t0 + Duration::from_secs(1));
            let _ = d.finish(t0);
        }
    }
    let mut devices: Vec<Box<dyn FakeDevice>> = vec![
        Box::new(HoneywellFake::new(None, Duration::from_secs(1))),
        Box::new(HoneywellFake::new(Some("Xenon"), Duration::from_secs(1))),
        Box::new(SsiFake::new()),
    ];
    for dev in devices.iter_mut() {
        for c in data.chunks(step) {
            dev.receive(c, Duration::ZERO);
        }
        dev.trigger(&Symbol::code128(b"CUS-1"), Duration::from_millis(1));
        dev.poll(Duration::from_secs(5));
        let _ = dev.take_output();
    }
});
