//! Limits on the text that enters the ledger. Every event payload passes [`check_payload`]
//! before it is appended, so no front end, import or bundle can put a control character (a
//! terminal escape, a NUL, a line break inside a name) or a multi-megabyte field into the log.
//! The limits are documented in docs/SECURITY.md ("Text fields").

use crate::error::{CustodyError, Result};

/// The longest value any text field may hold, unless [`max_len`] names a smaller one.
pub const MAX_TEXT: usize = 2000;
/// The longest badge code; longer text typed or scanned at sign-in is refused unrecorded.
pub const MAX_BADGE: usize = 64;

/// The documented maximum length, in characters, of a payload field by its JSON key.
pub fn max_len(field: &str) -> usize {
    match field {
        "badge" => MAX_BADGE,
        // A scan is kept whole (hex of the raw bytes); frames are capped by the framer.
        "data_hex" => 65_536,
        "serial" | "manufacturer" | "model" | "calibre" | "case_number" | "exhibit_number"
        | "service_number" | "code" | "scanned" | "package_id" | "seal" | "reference"
        | "decision_reference" | "country" | "import_country" | "import_mark"
        | "order_reference" | "id_document_number" | "field" | "ammo_type" | "lot_number"
        | "hazard" | "neq_kg" | "max_neq_kg" | "groups" => 200,
        "name" | "site_name" | "building" | "room" | "shelf" | "checked_out_to" | "to"
        | "purpose" | "authority" | "sender" | "receiver" | "transport" | "legal_basis"
        | "owner_name" | "value" | "to_whom" | "signer" | "found_at" => 300,
        _ => MAX_TEXT,
    }
}

/// Scanned text keeps its separators (GS, RS, EOT in GS1 and ISO/IEC 15434 data) as their
/// visible Unicode control pictures (U+241D for GS), so a scan is recorded as it came without
/// a control character entering the log; other controls become `\u{..}` escapes.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c as u32 {
            n @ 0..=0x1f => out.push(char::from_u32(0x2400 + n).unwrap_or('?')),
            0x7f => out.push('\u{2421}'),
            n if c.is_control() => out.push_str(&format!("\\u{{{n:x}}}")),
            _ => out.push(c),
        }
    }
    out
}

/// Refuses `value` for `field` when it holds a control character or is too long.
pub fn check_text(field: &str, value: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(CustodyError::ControlCharacters {
            field: field.to_string(),
        });
    }
    let len = value.chars().count();
    let max = max_len(field);
    if len > max {
        return Err(CustodyError::FieldTooLong {
            field: field.to_string(),
            len,
            max,
        });
    }
    Ok(())
}

/// Checks every string value in a JSON payload (as serde_json writes it) in one pass over
/// the text, without parsing it into a tree: bulk intake appends hundreds of thousands.
pub fn check_payload(json: &str) -> Result<()> {
    let bytes = json.as_bytes();
    let mut i = 0;
    // The last key read names the values that follow it, in an array too; each open container
    // remembers whether it is an object (keys expected after a comma) and the key it hangs on.
    let mut last_key: &str = "";
    let mut expect_key = true;
    let mut open: Vec<(bool, &str)> = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut chars = 0usize;
                let mut control = false;
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        // serde_json escapes control characters as \n \r \t \b \f or \u00XX;
                        // quote, backslash and slash escapes are ordinary text.
                        match bytes.get(j + 1) {
                            Some(b'"' | b'\\' | b'/') => {}
                            Some(b'u') => {
                                let hex = json.get(j + 2..j + 6).unwrap_or("");
                                let code = u32::from_str_radix(hex, 16).unwrap_or(0);
                                if code < 0x20 || (0x7f..=0x9f).contains(&code) {
                                    control = true;
                                }
                                j += 4;
                            }
                            _ => control = true,
                        }
                        j += 2;
                        chars += 1;
                        continue;
                    }
                    // Count characters, not bytes: skip UTF-8 continuation bytes.
                    if bytes[j] & 0xC0 != 0x80 {
                        chars += 1;
                    }
                    // DEL and the C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) are not
                    // escaped by JSON writers.
                    if bytes[j] == 0x7f
                        || (bytes[j] == 0xC2 && matches!(bytes.get(j + 1), Some(0x80..=0x9f)))
                    {
                        control = true;
                    }
                    j += 1;
                }
                let text = json.get(start..j.min(bytes.len())).unwrap_or("");
                if expect_key {
                    last_key = text;
                } else {
                    let field = if last_key.is_empty() {
                        "text"
                    } else {
                        last_key
                    };
                    if control {
                        return Err(CustodyError::ControlCharacters {
                            field: field.to_string(),
                        });
                    }
                    let max = max_len(field);
                    if chars > max {
                        return Err(CustodyError::FieldTooLong {
                            field: field.to_string(),
                            len: chars,
                            max,
                        });
                    }
                }
                i = j + 1;
                continue;
            }
            b'{' => {
                open.push((true, last_key));
                expect_key = true;
            }
            b'[' => {
                open.push((false, last_key));
                expect_key = false;
            }
            b'}' | b']' => {
                if let Some((_, key)) = open.pop() {
                    last_key = key;
                }
            }
            b',' => expect_key = open.last().is_some_and(|(object, _)| *object),
            b':' => expect_key = false,
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(value: &str) -> String {
        serde_json::json!({"name": value}).to_string()
    }

    #[test]
    fn every_string_of_an_array_is_checked_under_the_array_key() {
        let json = serde_json::json!({"seals": ["S-1", "ok", "S\u{1b}[2J"], "n": 1}).to_string();
        assert!(matches!(
            check_payload(&json),
            Err(CustodyError::ControlCharacters { ref field }) if field == "seals"
        ));
        let nested = serde_json::json!({"items": [{"serial": "1"}, {"serial": "x".repeat(201)}]});
        assert!(matches!(
            check_payload(&nested.to_string()),
            Err(CustodyError::FieldTooLong { ref field, .. }) if field == "serial"
        ));
        check_payload(&serde_json::json!({"seals": ["a", "b"], "x": {"y": ["z"]}}).to_string())
            .unwrap();
    }

    #[test]
    fn terminal_escapes_nul_and_line_breaks_are_refused() {
        for bad in [
            "\u{1b}[2J",
            "a\0b",
            "two\nlines",
            "tab\there",
            "\u{85}next",
            "del\u{7f}",
        ] {
            let err = check_payload(&payload(bad)).unwrap_err();
            assert!(
                matches!(err, CustodyError::ControlCharacters { ref field } if field == "name"),
                "{bad:?}: {err}"
            );
            assert!(check_text("name", bad).is_err());
        }
    }

    #[test]
    fn ordinary_text_in_every_script_passes() {
        for good in [
            "Zastava M70 \"AB\" 7.62×39",
            "Ћирилица — Đurđević",
            "back\\slash / slash",
            "",
        ] {
            check_payload(&payload(good)).unwrap();
            check_text("name", good).unwrap();
        }
    }

    #[test]
    fn scanned_separators_stay_visible_and_pass() {
        let gs1 = "\u{1d}0104012345678901\u{1d}21ABC\u{1e}\u{4}";
        let shown = visible(gs1);
        assert_eq!(
            shown,
            "\u{241d}0104012345678901\u{241d}21ABC\u{241e}\u{2404}"
        );
        check_text("scanned", &shown).unwrap();
        assert_eq!(visible("\u{85}"), "\\u{85}");
    }

    #[test]
    fn a_field_longer_than_its_limit_is_refused_by_name() {
        let long = "x".repeat(MAX_BADGE + 1);
        let json = serde_json::json!({"badge": long, "note": "x".repeat(MAX_TEXT)}).to_string();
        let err = check_payload(&json).unwrap_err();
        assert!(
            matches!(err, CustodyError::FieldTooLong { ref field, max: MAX_BADGE, .. } if field == "badge"),
            "{err}"
        );
        let huge = serde_json::json!({"note": "é".repeat(2_000_000)}).to_string();
        assert!(matches!(
            check_payload(&huge),
            Err(CustodyError::FieldTooLong { .. })
        ));
        // Characters, not bytes: 2000 two-byte letters are within the limit.
        check_payload(&serde_json::json!({"note": "é".repeat(MAX_TEXT)}).to_string()).unwrap();
    }
}
