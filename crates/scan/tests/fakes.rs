//! Every profile against a fake that behaves as its vendor's manual says: configure, read every
//! setting back, power-cycle, scan again. Plus what goes wrong with the old command strings,
//! and the SSI and Honeywell line details (multi-packet decode data, resend after a damaged
//! packet, replies in the middle of scans). No pty here: the fakes are sans-IO.

use custody_scan::configure::{configure_port, StepOutcome};
use custody_scan::decoder::{LineDecoder, LineEvent, LineScan};
use custody_scan::fake::{
    Entry, FakeDevice, FakePort, HoneywellFake, PlainFake, SsiFake, Symbol, Tone,
};
use custody_scan::profile::{self, Profile, Protocol};
use std::time::{Duration, Instant};

fn fake_for(p: &Profile) -> Box<dyn FakeDevice> {
    match p.protocol {
        Protocol::HoneywellMenu if p.menu_address.is_some() => {
            Box::new(HoneywellFake::new(Some("Xenon"), Duration::from_secs(10)))
        }
        Protocol::HoneywellMenu => Box::new(HoneywellFake::new(None, Duration::from_secs(10))),
        Protocol::ZebraSsi => Box::new(SsiFake::new()),
        // Datalogic: AIM ID and CR LF are set with programming bar codes; the fake is set so.
        Protocol::Plain => Box::new(PlainFake::new(b"\r\n", p.framing.aim)),
    }
}

/// Scans the label on the fake and runs the device's bytes through the session's decoder,
/// sending the decoder's answers (SSI ACKs) back, until the device is quiet.
fn scan_through(
    dev: &mut dyn FakeDevice,
    decoder: &mut LineDecoder,
    symbol: &Symbol,
    at: Duration,
) -> Vec<LineEvent> {
    let t0 = Instant::now();
    dev.trigger(symbol, at);
    let mut events = Vec::new();
    for _ in 0..100 {
        let out = dev.take_output();
        if out.is_empty() {
            break;
        }
        let (evs, reply) = decoder.push(&out, t0);
        events.extend(evs);
        if !reply.is_empty() {
            dev.receive(&reply, at);
        }
    }
    events
}

fn scans(events: &[LineEvent]) -> Vec<LineScan> {
    events
        .iter()
        .filter_map(|e| match e {
            LineEvent::Scan(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_profile_configures_reads_back_survives_a_power_cycle_and_still_frames_scans() {
    for p in profile::builtin_profiles().unwrap() {
        let mut dev = fake_for(&p);
        let report = configure_port(&mut FakePort::new(dev.as_mut()), &p, Duration::from_secs(2));
        let outcomes: Vec<_> = report
            .steps
            .iter()
            .map(|s| (s.what.clone(), s.outcome.clone()))
            .collect();
        assert!(report.all_ok(), "{}: {outcomes:?}", p.name);
        assert_eq!(report.steps.len(), p.init.len() + p.readback.len());
        for step in report.steps.iter().filter(|s| s.readback) {
            assert_eq!(step.outcome, StepOutcome::Ok, "{}: {}", p.name, step.what);
        }

        dev.power_cycle(Duration::from_secs(60));
        let mut decoder = LineDecoder::new(p.protocol, p.framing.clone()).unwrap();
        let label = Symbol::code128(b"CUS-00042-7");
        let events = scan_through(dev.as_mut(), &mut decoder, &label, Duration::from_secs(61));
        let got = scans(&events);
        assert_eq!(got.len(), 1, "{}: {events:?}", p.name);
        assert_eq!(got[0].data, b"CUS-00042-7", "{}", p.name);
        match p.protocol {
            // Still AIM-prefixed after the power cycle.
            Protocol::HoneywellMenu => {
                assert_eq!(got[0].raw, b"]C0CUS-00042-7", "{}", p.name);
                assert!(got[0].aim.is_some() && got[0].aim_error.is_none());
            }
            // Still packeted: the code type came from the DECODE_DATA packet.
            Protocol::ZebraSsi => assert_eq!(got[0].symbology, Some("Code 128"), "{}", p.name),
            Protocol::Plain => {}
        }
        assert!(
            !events.iter().any(|e| matches!(e, LineEvent::Error(_))),
            "{}: {events:?}",
            p.name
        );
    }
}

#[test]
fn the_old_prefix_command_gives_honeywells_code_id_and_the_framer_refuses_it() {
    let old = profile::BUILTIN
        .iter()
        .find(|(n, _)| *n == "honeywell-xenon-1950g")
        .unwrap()
        .1
        .replace("PREBK2995C81", "PREBK2995C80");
    let p = profile::parse_profile("honeywell-xenon-1950g.toml", &old).unwrap();
    let mut dev = HoneywellFake::new(None, Duration::from_secs(10));
    configure_port(&mut FakePort::new(&mut dev), &p, Duration::from_secs(2));
    let mut decoder = LineDecoder::new(p.protocol, p.framing.clone()).unwrap();
    let events = scan_through(
        &mut dev,
        &mut decoder,
        &Symbol::code128(b"CUS-1"),
        Duration::ZERO,
    );
    let got = scans(&events);
    // Code 128's Honeywell Code ID is 'j': "jCUS-1", no ]C0.
    assert_eq!(got[0].raw, b"jCUS-1");
    assert!(got[0].aim_error.is_some());
}

#[test]
fn a_cordless_base_keeps_settings_sent_without_a_name_and_the_scanner_never_gets_them() {
    let unaddressed = profile::BUILTIN
        .iter()
        .find(|(n, _)| *n == "honeywell-xenon-1952g")
        .unwrap()
        .1
        .replace("menu_address = \"*\"", "");
    let p = profile::parse_profile("honeywell-xenon-1952g.toml", &unaddressed).unwrap();
    assert!(p.menu_address.is_none());
    let mut dev = HoneywellFake::new(Some("Xenon"), Duration::from_secs(10));
    // The base acknowledges and even reads its own table back...
    let report = configure_port(&mut FakePort::new(&mut dev), &p, Duration::from_secs(2));
    assert!(report.all_ok());
    // ...but the scanner still sends plain data, with no AIM ID and no CR LF.
    assert_eq!(dev.setting("PREBK2").as_deref(), Some(""));
    dev.trigger(&Symbol::code128(b"CUS-1"), Duration::ZERO);
    assert_eq!(dev.take_output(), b"CUS-1");

    // Addressed to :Xenon: (its name) the same command reaches the scanner.
    let mut port = FakePort::new(&mut dev);
    std::io::Write::write_all(&mut port, b"\x16M\r:Xenon:PREBK2995C81.").unwrap();
    drop(port);
    assert_eq!(dev.setting("PREBK2").as_deref(), Some("995C81"));
}

#[test]
fn a_temporary_packet_format_is_lost_at_power_off_and_raw_scans_are_not_taken_as_scans() {
    let temporary = profile::BUILTIN
        .iter()
        .find(|(n, _)| *n == "zebra-ds3678")
        .unwrap()
        .1
        .replace("permanent = true", "permanent = false");
    let p = profile::parse_profile("zebra-ds3678.toml", &temporary).unwrap();
    let mut dev = SsiFake::new();
    assert!(configure_port(&mut FakePort::new(&mut dev), &p, Duration::from_secs(2)).all_ok());
    assert_eq!(dev.param(0xEE), 1);
    dev.power_cycle(Duration::from_secs(1));
    assert_eq!(dev.param(0xEE), 0);
    let mut decoder = LineDecoder::new(p.protocol, p.framing.clone()).unwrap();
    let events = scan_through(
        &mut dev,
        &mut decoder,
        &Symbol::code128(b"CUS-00042-7"),
        Duration::from_secs(2),
    );
    assert!(scans(&events).is_empty(), "{events:?}");
    // Raw ASCII after the power cycle; and the decoder beep is back on (factory default).
    assert!(dev
        .timeline()
        .entries
        .iter()
        .any(|(_, e)| *e == Entry::DeviceToHost(b"CUS-00042-7\r\n".to_vec())));
    assert_eq!(dev.timeline().tones(), vec![Tone::Good]);
}

#[test]
fn a_long_code_in_several_ssi_packets_is_joined_and_each_packet_acknowledged() {
    let p = profile::builtin_profile("zebra-ds8178").unwrap();
    let mut dev = SsiFake::new();
    assert!(configure_port(&mut FakePort::new(&mut dev), &p, Duration::from_secs(2)).all_ok());
    dev.max_chunk = 10;
    let data: Vec<u8> = (0..35).map(|i| b'A' + (i % 26) as u8).collect();
    let mut decoder = LineDecoder::new(p.protocol, p.framing.clone()).unwrap();
    let events = scan_through(
        &mut dev,
        &mut decoder,
        &Symbol::code128(&data),
        Duration::ZERO,
    );
    let got = scans(&events);
    assert_eq!(got.len(), 1, "{events:?}");
    assert_eq!(got[0].data, data);
    // 35 bytes in packets of 10: four packets, each answered with CMD_ACK.
    assert_eq!(dev.decode_acks, 4);
    // The device's own beep is off: no tone at all so far.
    assert!(dev.timeline().tones().is_empty());
}

#[test]
fn a_damaged_ssi_packet_is_refused_and_the_scanner_sends_it_again() {
    let p = profile::builtin_profile("zebra-ds3678").unwrap();
    let mut dev = SsiFake::new();
    assert!(configure_port(&mut FakePort::new(&mut dev), &p, Duration::from_secs(2)).all_ok());
    let mut decoder = LineDecoder::new(p.protocol, p.framing.clone()).unwrap();
    let t0 = Instant::now();
    dev.trigger(&Symbol::code128(b"CUS-7"), Duration::ZERO);
    let mut first = dev.take_output();
    let last = first.len() - 1;
    first[last] ^= 0x55; // a bit error in the checksum on the cable
    let (events, reply) = decoder.push(&first, t0);
    assert!(scans(&events).is_empty());
    // The host answers CMD_NAK, cause RESEND: 05 D1 04 00 01, checksum 0x10000 - 0xDB = FF25.
    assert_eq!(reply, [0x05, 0xD1, 0x04, 0x00, 0x01, 0xFF, 0x25]);
    dev.receive(&reply, Duration::ZERO);
    let again = dev.take_output();
    assert_eq!(again[3] & 0x01, 0x01, "retransmit bit set");
    let (events, reply) = decoder.push(&again, t0);
    assert_eq!(scans(&events)[0].data, b"CUS-7");
    dev.receive(&reply, Duration::ZERO);
    assert_eq!(dev.decode_acks, 1);
}

#[test]
fn the_ssi_fake_refuses_a_damaged_host_packet_with_nak_resend() {
    let mut dev = SsiFake::new();
    // BEEP 00 with a wrong checksum.
    dev.receive(&[0x05, 0xE6, 0x04, 0x00, 0x00, 0x00, 0x00], Duration::ZERO);
    assert_eq!(
        dev.take_output(),
        [0x05, 0xD1, 0x00, 0x00, 0x01, 0xFF, 0x29]
    );
    assert!(dev.timeline().tones().is_empty());
}

#[test]
fn a_honeywell_reply_between_scans_reaches_the_session_as_a_reply_not_as_scan_data() {
    let p = profile::builtin_profile("honeywell-xenon-1950g").unwrap();
    let mut decoder = LineDecoder::new(p.protocol, p.framing.clone()).unwrap();
    let now = Instant::now();
    let mut events = Vec::new();
    for chunk in [
        &b"]C0CUS-1\r\nTRMUSB1"[..],
        b"30\x06.]C0CUS-2\r",
        b"\nBEPBEP1\x06;HSTACK1\x06.",
        b"]C0CUS-3\r\n",
    ] {
        events.extend(decoder.push(chunk, now).0);
    }
    let raw: Vec<Vec<u8>> = scans(&events).into_iter().map(|s| s.raw).collect();
    assert_eq!(
        raw,
        vec![
            b"]C0CUS-1".to_vec(),
            b"]C0CUS-2".to_vec(),
            b"]C0CUS-3".to_vec()
        ]
    );
    let replies = events
        .iter()
        .filter(|e| matches!(e, LineEvent::MenuReply(_)))
        .count();
    assert_eq!(replies, 2, "{events:?}");
    assert!(!events.iter().any(|e| matches!(e, LineEvent::Error(_))));
}

#[test]
fn a_scan_without_aim_id_that_starts_like_a_reply_is_still_a_scan() {
    let p = profile::builtin_profile("honeywell-xenon-1950g").unwrap();
    let mut decoder = LineDecoder::new(p.protocol, p.framing.clone()).unwrap();
    let events = decoder.push(b"TRMUSB130 is a label\r\n", Instant::now()).0;
    let got = scans(&events);
    assert_eq!(got.len(), 1, "{events:?}");
    assert_eq!(got[0].raw, b"TRMUSB130 is a label");
}

#[test]
fn honeywell_host_ack_keeps_the_scanner_silent_until_the_host_answers() {
    let mut dev = HoneywellFake::new(None, Duration::from_secs(10));
    dev.receive(b"\x16M\rHSTACK1.", Duration::ZERO);
    assert_eq!(dev.take_output(), b"HSTACK1\x06.");
    dev.trigger(&Symbol::code128(b"A"), Duration::from_secs(1));
    assert!(dev.timeline().tones().is_empty());
    // While it waits, the trigger does nothing.
    dev.trigger(&Symbol::code128(b"B"), Duration::from_secs(2));
    assert!(dev.timeline().entries.iter().any(|(_, e)| *e
        == Entry::Trigger {
            data: b"B".to_vec(),
            sent: false
        }));
    dev.receive(b"\x1b8,", Duration::from_secs(3));
    assert_eq!(dev.timeline().tones(), vec![Tone::Error]);
    // The host never answers this one: the error tone after the timeout (10 s by default).
    dev.trigger(&Symbol::code128(b"C"), Duration::from_secs(4));
    dev.poll(Duration::from_millis(13_900));
    assert_eq!(dev.timeline().tones(), vec![Tone::Error]);
    dev.poll(Duration::from_secs(14));
    assert_eq!(dev.timeline().tones(), vec![Tone::Error, Tone::Timeout]);
}

#[test]
fn honeywell_menu_replies_follow_the_manual_grammar() {
    let mut dev = HoneywellFake::new(None, Duration::from_secs(10));
    // Two subtags of one tag joined with ',', another tag after ';', a query, a bad value,
    // an unknown tag; "!" = volatile.
    dev.receive(
        b"\x16M\rPREBK2995C81,CA2;TRMUSB999;ABCDEF1;SUFBK2?!",
        Duration::ZERO,
    );
    assert_eq!(
        dev.take_output(),
        b"PREBK2995C81\x06,CA2\x06;TRMUSB999\x15;ABCDEF1\x05;SUFBK2\x06!"
    );
    // "^" asks the factory value.
    dev.receive(b"\x16M\rTRMUSB^.", Duration::ZERO);
    assert_eq!(dev.take_output(), b"TRMUSB130\x06.");
    // A volatile setting is gone after a power cycle; a non-volatile one stays.
    dev.receive(b"\x16M\rBEPBEP0!", Duration::ZERO);
    dev.receive(b"\x16M\rSUFBK2990D0A.", Duration::ZERO);
    dev.power_cycle(Duration::from_secs(1));
    assert_eq!(dev.setting("BEPBEP").as_deref(), Some("1"));
    assert_eq!(dev.setting("SUFBK2").as_deref(), Some("990D0A"));
}
