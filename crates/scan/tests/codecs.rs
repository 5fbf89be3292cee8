//! Honeywell menu commands and Zebra SSI packets, checked against the vendor byte layouts.

use custody_scan::honeywell::{self, LineItem, MenuCommand, MenuStatus, ReplyDemux, Storage};
use custody_scan::replay::parse_capture;
use custody_scan::ssi::{self, Packet, SsiDecoder, SsiError, SsiEvent};

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

#[test]
fn ssi_checksum_matches_the_example_in_the_design() {
    // DESIGN.md: 0A 80 04 00 00 06 20 00 FF FF -> FD 4E.
    assert_eq!(
        ssi::checksum(&[0x0A, 0x80, 0x04, 0x00, 0x00, 0x06, 0x20, 0x00, 0xFF, 0xFF]),
        [0xFD, 0x4E]
    );
}

#[test]
fn an_ssi_packet_from_the_host_has_length_source_and_checksum_as_specified() {
    let bytes = Packet::host(ssi::opcode::BEEP, &[0x00]).encode().unwrap();
    // Len 05 (4 header bytes + 1 data), opcode E6, source 04 host, status 00, data 00.
    assert_eq!(&bytes[..5], &[0x05, 0xE6, 0x04, 0x00, 0x00]);
    let sum: u32 = bytes[..5].iter().map(|b| u32::from(*b)).sum();
    let check = u16::from_be_bytes([bytes[5], bytes[6]]);
    assert_eq!((sum + u32::from(check)) & 0xFFFF, 0);
}

fn decode_all(bytes: &[u8], cut: usize) -> Vec<SsiEvent> {
    let mut d = SsiDecoder::new();
    let mut ev = d.push(&bytes[..cut]);
    ev.extend(d.push(&bytes[cut..]));
    ev
}

#[test]
fn a_zebra_cradle_sends_scans_and_one_corrupted_packet_is_skipped() {
    let bytes = fixture("zebra_ssi_decode.capture");
    let ev = decode_all(&bytes, 0);
    let decoded: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            SsiEvent::Decoded(d) => Some(d.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(decoded.len(), 3, "{ev:?}");
    assert_eq!(decoded[0].symbology(), "GS1-128");
    assert_eq!(decoded[0].data, b"0104012345678901\x1d21XYZ");
    assert_eq!(decoded[1].symbology(), "Data Matrix");
    assert_eq!(decoded[1].data, b"LONG-PART-ONE-PART-TWO");
    assert_eq!(decoded[2].symbology(), "Code 128");
    assert_eq!(decoded[2].data, b"CUS-00099-3");
    assert!(ev
        .iter()
        .any(|e| matches!(e, SsiEvent::Error(SsiError::BadChecksum { .. }))));
    assert!(ev
        .iter()
        .any(|e| matches!(e, SsiEvent::Packet(p) if p.opcode == ssi::opcode::ACK)));
}

#[test]
fn ssi_decoding_does_not_depend_on_where_the_usb_reads_split_the_bytes() {
    let bytes = fixture("zebra_ssi_decode.capture");
    let whole = decode_all(&bytes, 0);
    for cut in 0..=bytes.len() {
        assert_eq!(decode_all(&bytes, cut), whole, "split at {cut}");
    }
    let mut d = SsiDecoder::new();
    let one: Vec<_> = bytes.iter().flat_map(|b| d.push(&[*b])).collect();
    assert_eq!(one, whole);
}

#[test]
fn honeywell_menu_commands_are_encoded_with_syn_m_cr_and_joined_by_tag() {
    let cmds: Vec<_> = ["SUFBK2990D0A", "SUFCA2", "TRMUSB130"]
        .iter()
        .map(|c| MenuCommand::parse(c).unwrap())
        .collect();
    let bytes = honeywell::encode(&cmds, Storage::Flash).unwrap();
    // Same tag joined by ',', new tag after ';', '.' = flash.
    let mut expected = vec![0x16, 0x4D, 0x0D];
    expected.extend_from_slice(b"SUFBK2990D0A,CA2;TRMUSB130.");
    assert_eq!(bytes, expected);
    let ram = honeywell::encode(&cmds[2..], Storage::Ram).unwrap();
    assert_eq!(ram.last(), Some(&b'!'));
    assert_eq!(honeywell::revinf(), b"\x16M\rREVINF.".to_vec());
    assert_eq!(honeywell::BEEP, [0x16, 0x07, 0x0D]);
}

#[test]
fn bad_menu_commands_are_refused_before_anything_is_sent() {
    assert!(MenuCommand::parse("TRM").is_err());
    assert!(MenuCommand::parse("trmusb130").is_err());
    assert!(MenuCommand::parse("TRMUSB1.3").is_err());
    assert!(honeywell::encode(&[], Storage::Ram).is_err());
}

#[test]
fn a_reply_with_ack_enq_and_nak_is_read_entry_by_entry() {
    let reply = honeywell::parse_reply(b"SUFBK2990D0A\x06,XYZ1\x05;TRMUSB999\x15.").unwrap();
    let got: Vec<_> = reply
        .entries
        .iter()
        .map(|e| (e.text.as_str(), e.status))
        .collect();
    assert_eq!(
        got,
        vec![
            ("SUFBK2990D0A", MenuStatus::Ack),
            ("SUFXYZ1", MenuStatus::Unknown),
            ("TRMUSB999", MenuStatus::BadValue)
        ]
    );
    assert_eq!(reply.storage, Storage::Flash);
    assert!(honeywell::parse_reply(b"TRMUSB130").is_err());
    assert!(honeywell::parse_reply(b"TRMUSB130\x06X").is_err());
}

#[test]
fn a_config_reply_between_two_scans_is_split_from_the_scan_data() {
    let bytes = fixture("honeywell_menu_mixed.capture");
    for cut in 0..=bytes.len() {
        let mut demux = ReplyDemux::new(b"\r\n");
        demux.expect_reply("TRM");
        let mut items = demux.push(&bytes[..cut]);
        items.extend(demux.push(&bytes[cut..]));
        let scan: Vec<u8> = items
            .iter()
            .flat_map(|i| match i {
                LineItem::ScanBytes(b) => b.clone(),
                _ => vec![],
            })
            .collect();
        assert_eq!(
            scan,
            b"]C0BEFORE-1\r\n]C0AFTER-2\r\n".to_vec(),
            "split at {cut}"
        );
        let replies: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                LineItem::Reply(Ok(r)) => Some(r.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(replies.len(), 1, "split at {cut}");
        assert!(replies[0]
            .entries
            .iter()
            .all(|e| e.status == MenuStatus::Ack));
        assert_eq!(replies[0].entries[1].text, "PREBK2995C80");
    }
}

#[test]
fn without_a_command_outstanding_everything_is_scan_data() {
    let mut demux = ReplyDemux::new(b"\r\n");
    let items = demux.push(b"TRMUSB130\x06.\r\n");
    assert_eq!(
        items,
        vec![LineItem::ScanBytes(b"TRMUSB130\x06.\r\n".to_vec())]
    );
}
