//! Whatever a scanner, a keyboard or a file sends, the parsers answer with a value or an error.

use proptest::prelude::*;

fn scanner_bytes() -> impl Strategy<Value = Vec<u8>> {
    // Bias towards the bytes that matter: digits, separators, envelope and AIM markers.
    let interesting = prop_oneof![
        4 => any::<u8>(),
        3 => b'0'..=b'9',
        2 => Just(0x1Du8),
        1 => Just(0x1Eu8),
        1 => Just(0x04u8),
        1 => prop::sample::select(b"[)>](/%?&=:W-ABCSV".to_vec()),
    ];
    prop::collection::vec(interesting, 0..80)
}

fn prefixed() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop::sample::select(vec![
        &b""[..],
        b"]C1",
        b"]d2",
        b"]E0",
        b"[)>\x1e06\x1d",
        b"[)>\x1e05\x1d",
        b"[)>\x1e12\x1d",
        b"https://x.org/01/",
        b"(01)",
        b"\x1d",
    ]);
    (prefix, scanner_bytes()).prop_map(|(p, rest)| [p, &rest[..]].concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn classify_never_panics(data in prefixed()) {
        let _ = custody_codes::classify(None, &data);
        let _ = custody_codes::classify(Some(custody_codes::Aim::new('d', '2')), &data);
    }

    #[test]
    fn gs1_parsers_never_panic(data in prefixed()) {
        let _ = custody_codes::gs1::parse_element_string(&data);
        let _ = custody_codes::gs1::parse_ean_upc(&data);
        let text = String::from_utf8_lossy(&data);
        let _ = custody_codes::gs1::parse_human_readable(&text);
        let _ = custody_codes::gs1::parse_digital_link(&text);
    }

    #[test]
    fn envelope_parser_never_panics(data in prefixed()) {
        if let Ok(env) = custody_codes::parse_envelope(&data) {
            let _ = custody_codes::uii::uii_from_envelope(&env);
        }
    }

    #[test]
    fn text_helpers_never_panic(text in "\\PC{0,40}") {
        let _ = custody_codes::unescape(&text);
        let _ = custody_codes::normalize_serial(&text);
        let _ = custody_codes::normalize_manufacturer(&text);
        let _ = custody_codes::LabelCode::parse(&text);
    }

    #[test]
    fn escapes_round_trip_through_hex(data in prop::collection::vec(any::<u8>(), 0..40)) {
        let typed: String = data.iter().map(|b| format!("\\x{b:02X}")).collect();
        prop_assert_eq!(custody_codes::unescape(&typed).unwrap(), data);
    }

    #[test]
    fn a_valid_element_string_parses_to_its_elements(
        serial in "[A-Za-z0-9]{1,20}",
        lot in "[A-Z0-9!%&*+,./:;<=>?_-]{1,20}",
    ) {
        let data = format!("0109506000134352\x1d21{serial}\x1d10{lot}");
        let parsed = custody_codes::gs1::parse_element_string(data.as_bytes()).unwrap();
        prop_assert_eq!(parsed.get("21"), Some(serial.as_str()));
        prop_assert_eq!(parsed.get("10"), Some(lot.as_str()));
    }
}

#[test]
fn image_decoder_survives_garbage_pixels() {
    let mut seed = 12345u32;
    let pixels: Vec<u8> = (0..120 * 80)
        .map(|_| {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            (seed >> 16) as u8
        })
        .collect();
    let result = custody_codes::decode_luma(pixels, 120, 80, std::time::Duration::from_secs(30));
    assert!(result.is_ok(), "{result:?}");
    assert!(
        custody_codes::decode_luma(vec![0; 10], 5, 5, std::time::Duration::from_secs(1)).is_err()
    );
}
