//! Field scenarios for classifying scans, driven by the vector files in tests/vectors/.

use custody_codes::{classify, unescape, CodeError, Gs1Error, LabelKind, ScanCommand, Scanned};
use custody_codes::{EnvelopeError, LabelCodeError, UiiError};

fn vectors(name: &str) -> Vec<(String, Vec<String>)> {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<_> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty() || *l == "\tempty")
        .map(|l| {
            let mut cols = l.split('\t').map(str::to_string);
            let scan = cols.next().unwrap_or_default();
            (scan, cols.collect())
        })
        .collect();
    assert!(rows.len() >= 5, "{path} has too few vectors");
    rows
}

fn scan(typed: &str) -> Result<Scanned, CodeError> {
    classify(
        None,
        &unescape(typed).expect("vector files use valid escapes"),
    )
}

fn error_name(e: &CodeError) -> &'static str {
    match e {
        CodeError::Empty | CodeError::Gs1(Gs1Error::Empty) => "empty",
        CodeError::Gs1(g) => match g {
            Gs1Error::UnknownAi { .. } => "unknown_ai",
            Gs1Error::MissingValue { .. } => "missing_value",
            Gs1Error::BadCheckDigit { .. } => "bad_check_digit",
            Gs1Error::TooLong { .. } => "too_long",
            Gs1Error::TooShort { .. } => "too_short",
            Gs1Error::MissingSeparator { .. } => "missing_separator",
            Gs1Error::IllegalCharacter { .. } => "illegal_character",
            Gs1Error::BadDate { .. } => "bad_date",
            Gs1Error::BadHumanReadable { .. } => "bad_human_readable",
            Gs1Error::NotDigitalLink { .. } => "not_digital_link",
            Gs1Error::Empty => "empty",
        },
        CodeError::Envelope(e) => match e {
            EnvelopeError::UnterminatedFormat { .. } => "unterminated_format",
            EnvelopeError::BadDataIdentifier { .. } => "bad_data_identifier",
            EnvelopeError::BadTextElement { .. } => "bad_text_element",
            EnvelopeError::NoFormat => "no_format",
            _ => "envelope_other",
        },
        CodeError::Uii(UiiError::NoSerial(_)) => "uii_no_serial",
        CodeError::Uii(UiiError::NoEnterprise) => "uii_no_enterprise",
        CodeError::Label(LabelCodeError::BadCheck) => "label_bad_check",
        CodeError::Label(_) => "label_other",
        CodeError::ControlCharacter(_) => "control_character",
        CodeError::NotText(_) => "not_text",
    }
}

#[test]
fn gs1_scans_from_the_standards_parse_into_their_elements() {
    for (typed, expected) in vectors("gs1_valid.txt") {
        match scan(&typed) {
            Ok(Scanned::Gs1 { data, .. }) => {
                assert_eq!(data.human_readable(), expected[0], "scan {typed:?}")
            }
            other => panic!("scan {typed:?} gave {other:?}"),
        }
    }
}

#[test]
fn a_gs1_element_string_survives_printing_and_rescanning() {
    // The GS-separated form we rebuild parses back to the same elements.
    for (typed, _) in vectors("gs1_valid.txt") {
        let Ok(Scanned::Gs1 { data, .. }) = scan(&typed) else {
            panic!("{typed:?}")
        };
        let again = custody_codes::gs1::parse_element_string(data.element_string().as_bytes())
            .unwrap_or_else(|e| panic!("{typed:?}: {e}"));
        assert_eq!(again.elements, data.elements);
    }
}

#[test]
fn damaged_or_mistyped_scans_are_refused_with_the_right_reason() {
    for (typed, expected) in vectors("invalid.txt") {
        match scan(&typed) {
            Err(e) => {
                assert_eq!(error_name(&e), expected[0], "scan {typed:?}: {e}");
                let message = e.to_string();
                assert!(
                    message.len() > 20,
                    "message for {typed:?} says too little: {message}"
                );
            }
            Ok(s) => panic!(
                "scan {typed:?} was accepted as {s:?}, expected {}",
                expected[0]
            ),
        }
    }
}

#[test]
fn iuid_marks_give_the_uii_the_dod_registry_knows() {
    for (typed, expected) in vectors("uii.txt") {
        let uii = match scan(&typed) {
            Ok(Scanned::Uii { uii, .. }) => uii,
            Ok(Scanned::Gs1 { uii: Some(uii), .. }) => uii,
            other => panic!("scan {typed:?} gave {other:?}"),
        };
        assert_eq!(uii.uii, expected[0], "scan {typed:?}");
        let construct = serde_json::to_value(uii.construct).unwrap();
        assert_eq!(construct, expected[1].as_str(), "scan {typed:?}");
    }
}

#[test]
fn an_envelope_without_a_uii_is_still_read() {
    let s = scan("[)><RS>06<GS>1PABC-1<GS>Q10<RS><EOT>").unwrap();
    let Scanned::Iso15434 { envelope } = s else {
        panic!("{s:?}")
    };
    assert_eq!(envelope.formats.len(), 1);
    let dis: Vec<_> = envelope.data_identifiers().map(|f| f.di.as_str()).collect();
    assert_eq!(dis, ["1P", "Q"]);
}

#[test]
fn an_officer_scans_a_weapon_label_in_every_printed_form() {
    // docs/label-codes.md: W-00000-00001-W is weapon number 1.
    for typed in [
        "W0000000001W",
        "w-00000-00001-w",
        "]C0W0000000001W",
        "W0000000001W\r\n",
    ] {
        let s = scan(typed).unwrap_or_else(|e| panic!("{typed:?}: {e}"));
        assert_eq!(s.kind(), "custody");
        let code = s.label().unwrap();
        assert_eq!(code.as_str(), "W0000000001W");
        assert_eq!(code.kind(), LabelKind::Weapon);
    }
}

#[test]
fn command_labels_are_recognised_as_commands() {
    for command in ScanCommand::ALL {
        let s = classify(None, command.code().as_str().as_bytes()).unwrap();
        let Scanned::Custody { command: got, .. } = s else {
            panic!("{s:?}")
        };
        assert_eq!(got, Some(command));
    }
}

#[test]
fn a_serial_plate_read_as_code_39_is_manufacturer_text() {
    let s = classify(Some(custody_codes::Aim::new('A', '0')), b" zv-123 456 ").unwrap();
    let Scanned::ManufacturerText { text, normalized } = s else {
        panic!("{s:?}")
    };
    assert_eq!(text, "zv-123 456");
    assert_eq!(normalized, "ZV123456");
}

#[test]
fn json_output_names_the_kind_and_lists_gs1_elements_in_order() {
    let s = scan("]C10109506000134352<GS>21ABC").unwrap();
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["kind"], "gs1");
    assert_eq!(v["elements"][0]["ai"], "01");
    assert_eq!(v["elements"][0]["value"], "09506000134352");
    assert_eq!(v["elements"][1]["ai"], "21");
    assert_eq!(v["elements"][1]["value"], "ABC");
}
