//! Typed scans at the kiosk keyboard and serial numbers typed by different officers.

use custody_codes::escape::Aim;
use custody_codes::{normalize_manufacturer, normalize_serial, unescape, EscapeError};

#[test]
fn an_officer_types_control_characters_as_escapes() {
    assert_eq!(unescape(r"01\x1D21").unwrap(), b"01\x1d21");
    assert_eq!(
        unescape("[)><RS>06<gs>S1<RS><EOT>").unwrap(),
        b"[)>\x1e06\x1dS1\x1e\x04"
    );
    assert_eq!(unescape(r"a\\b\n\r\t").unwrap(), b"a\\b\n\r\t");
    assert_eq!(unescape("Ž-7").unwrap(), "Ž-7".as_bytes());
    assert_eq!(unescape("<G>").unwrap(), b"<G>");
}

#[test]
fn a_broken_escape_is_explained() {
    assert_eq!(unescape(r"\q"), Err(EscapeError::UnknownEscape('q')));
    assert_eq!(unescape(r"\x1"), Err(EscapeError::BadHex));
    assert_eq!(unescape(r"\xZZ"), Err(EscapeError::BadHex));
    assert_eq!(unescape(r"\x+1"), Err(EscapeError::BadHex));
    assert_eq!(unescape("end\\"), Err(EscapeError::TrailingBackslash));
}

#[test]
fn a_leading_aim_identifier_is_split_off() {
    let (aim, rest) = Aim::split(b"]C10109506000134352");
    let aim = aim.unwrap();
    assert_eq!((aim.code, aim.modifier), ('C', '1'));
    assert!(aim.is_gs1());
    assert_eq!(aim.symbology(), "code128");
    assert_eq!(rest, b"0109506000134352");
    assert_eq!(Aim::split(b"]"), (None, &b"]"[..]));
    assert_eq!(Aim::split(b"W0000"), (None, &b"W0000"[..]));
}

#[test]
fn the_same_rifle_typed_three_ways_matches() {
    // Latin, Cyrillic look-alikes (А, В, К are Cyrillic here), lower case, dashes and spaces.
    let forms = ["AB-123 456K", "ab123456k", "АВ–123456К", " AB 123-456 K "];
    for f in forms {
        assert_eq!(normalize_serial(f), "AB123456K", "{f:?}");
    }
    // O and 0 stay different: they can be different serials.
    assert_ne!(normalize_serial("O123"), normalize_serial("0123"));
    assert_ne!(normalize_serial("12/3"), normalize_serial("123"));
}

#[test]
fn manufacturer_names_fold_case_punctuation_and_spacing() {
    assert_eq!(
        normalize_manufacturer("Zastava  Arms d.o.o."),
        "ZASTAVA ARMS DOO"
    );
    assert_eq!(normalize_manufacturer("zastava-arms"), "ZASTAVA ARMS");
    assert_eq!(
        normalize_manufacturer("  Crvena Zastava "),
        "CRVENA ZASTAVA"
    );
    // Genuinely Cyrillic names keep their letters; only Latin look-alikes fold.
    assert_eq!(normalize_manufacturer("Ижмаш"), "ИЖMAШ");
}
