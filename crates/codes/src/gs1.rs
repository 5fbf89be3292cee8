//! GS1 element strings: the AI table, FNC1/GS separated element strings as scanners send them,
//! the bracketed human-readable form people type, and GS1 Digital Link URIs. Sans-IO.
//!
//! Facts from the GS1 General Specifications: AI formats, the "predefined length" AI prefixes
//! that need no separator, character set 82, the mod-10 check digit and YYMMDD dates.

use serde::Serialize;

/// GS, the group separator a scanner sends for FNC1 between fields.
pub const GS: u8 = 0x1D;

/// What the value of an AI looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    /// Exactly n digits.
    Digits(usize),
    /// 1..=max digits.
    DigitsUpTo(usize),
    /// 1..=max characters of set 82.
    TextUpTo(usize),
    /// Exactly n digits, then 0..=max characters of set 82 (GDTI, GRAI).
    DigitsThenText(usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    None,
    /// Mod-10 check digit at the end of the digit part.
    CheckDigit,
    /// YYMMDD, day 00 allowed (means the last day of the month).
    Date,
    /// YYMMDDHHMM.
    DateTime,
}

/// One row of the AI table.
#[derive(Debug, Clone, Copy)]
pub struct AiSpec {
    pub ai: &'static str,
    pub title: &'static str,
    content: Content,
    extra: Extra,
}

use Content::*;
use Extra::{CheckDigit, Date, DateTime};

const fn ai(ai: &'static str, title: &'static str, content: Content, extra: Extra) -> AiSpec {
    AiSpec {
        ai,
        title,
        content,
        extra,
    }
}

/// The AIs Custody understands. Others are rejected by name rather than guessed at.
static AI_TABLE: &[AiSpec] = &[
    ai("00", "SSCC", Digits(18), CheckDigit),
    ai("01", "GTIN", Digits(14), CheckDigit),
    ai("02", "CONTENT", Digits(14), CheckDigit),
    ai("10", "BATCH/LOT", TextUpTo(20), Extra::None),
    ai("11", "PROD DATE", Digits(6), Date),
    ai("12", "DUE DATE", Digits(6), Date),
    ai("13", "PACK DATE", Digits(6), Date),
    ai("15", "BEST BEFORE", Digits(6), Date),
    ai("16", "SELL BY", Digits(6), Date),
    ai("17", "USE BY", Digits(6), Date),
    ai("20", "VARIANT", Digits(2), Extra::None),
    ai("21", "SERIAL", TextUpTo(20), Extra::None),
    ai("22", "CPV", TextUpTo(20), Extra::None),
    ai("240", "ADDITIONAL ID", TextUpTo(30), Extra::None),
    ai("241", "CUST. PART No.", TextUpTo(30), Extra::None),
    ai("250", "SECONDARY SERIAL", TextUpTo(30), Extra::None),
    ai("251", "REF. TO SOURCE", TextUpTo(30), Extra::None),
    ai("253", "GDTI", DigitsThenText(13, 17), CheckDigit),
    ai("254", "GLN EXTENSION COMPONENT", TextUpTo(20), Extra::None),
    ai("30", "VAR. COUNT", DigitsUpTo(8), Extra::None),
    ai("37", "COUNT", DigitsUpTo(8), Extra::None),
    ai("400", "ORDER NUMBER", TextUpTo(30), Extra::None),
    ai("401", "GINC", TextUpTo(30), Extra::None),
    ai("402", "GSIN", Digits(17), CheckDigit),
    ai("410", "SHIP TO LOC", Digits(13), CheckDigit),
    ai("411", "BILL TO", Digits(13), CheckDigit),
    ai("412", "PURCHASE FROM", Digits(13), CheckDigit),
    ai("413", "SHIP FOR LOC", Digits(13), CheckDigit),
    ai("414", "LOC No.", Digits(13), CheckDigit),
    ai("415", "PAY TO", Digits(13), CheckDigit),
    ai("416", "PROD/SERV LOC", Digits(13), CheckDigit),
    ai("417", "PARTY", Digits(13), CheckDigit),
    ai("422", "ORIGIN", Digits(3), Extra::None),
    ai("7003", "EXPIRY TIME", Digits(10), DateTime),
    ai("8003", "GRAI", DigitsThenText(14, 16), CheckDigit),
    ai("8004", "GIAI", TextUpTo(30), Extra::None),
    ai("90", "INTERNAL", TextUpTo(30), Extra::None),
    ai("91", "INTERNAL", TextUpTo(90), Extra::None),
    ai("92", "INTERNAL", TextUpTo(90), Extra::None),
    ai("93", "INTERNAL", TextUpTo(90), Extra::None),
    ai("94", "INTERNAL", TextUpTo(90), Extra::None),
    ai("95", "INTERNAL", TextUpTo(90), Extra::None),
    ai("96", "INTERNAL", TextUpTo(90), Extra::None),
    ai("97", "INTERNAL", TextUpTo(90), Extra::None),
    ai("98", "INTERNAL", TextUpTo(90), Extra::None),
    ai("99", "INTERNAL", TextUpTo(90), Extra::None),
];

/// AI prefixes whose element length is predefined, so no separator follows them
/// (GS1 General Specifications, figure "element strings with predefined length").
const PREDEFINED_LENGTH_PREFIXES: &[&str] = &[
    "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "31",
    "32", "33", "34", "35", "36", "41",
];

/// Looks an AI up in Custody's table.
pub fn ai_spec(ai: &str) -> Option<&'static AiSpec> {
    AI_TABLE.iter().find(|s| s.ai == ai)
}

fn has_predefined_length(ai: &str) -> bool {
    PREDEFINED_LENGTH_PREFIXES.iter().any(|p| ai.starts_with(p))
}

/// One AI and its value, in the order they were scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gs1Element {
    pub ai: String,
    pub value: String,
}

/// How the GS1 data reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gs1Source {
    /// FNC1/GS separated element string from a GS1 symbol.
    ElementString,
    /// The bracketed form printed under a barcode and typed by a person.
    HumanReadable,
    /// A GS1 Digital Link web address.
    DigitalLink,
    /// An EAN-13/EAN-8/UPC-A symbol: a GTIN only.
    EanUpc,
}

/// Parsed, validated GS1 data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gs1Data {
    pub elements: Vec<Gs1Element>,
    pub source: Gs1Source,
}

impl Gs1Data {
    /// The value of the first occurrence of `ai`.
    pub fn get(&self, ai: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.as_str())
    }

    /// The bracketed human-readable form, e.g. `(01)09506000134352(21)ABC`.
    pub fn human_readable(&self) -> String {
        self.elements
            .iter()
            .map(|e| format!("({}){}", e.ai, e.value))
            .collect()
    }

    /// The element string with GS after every variable-length field that is not last.
    pub fn element_string(&self) -> String {
        let mut out = String::new();
        for (i, e) in self.elements.iter().enumerate() {
            out.push_str(&e.ai);
            out.push_str(&e.value);
            if i + 1 < self.elements.len() && !has_predefined_length(&e.ai) {
                out.push(GS as char);
            }
        }
        out
    }
}

/// Why GS1 data was rejected. Each message says what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Gs1Error {
    #[error("no GS1 data: the scan was empty; scan the code again")]
    Empty,
    #[error("'{found}' is not an application identifier Custody knows; check the label or record the item by hand")]
    UnknownAi { found: String },
    #[error("AI ({ai}) has no value; the code is damaged or cut off, rescan it")]
    MissingValue { ai: String },
    #[error("AI ({ai}) '{value}': check digit is wrong (expected {expected}); the number was misread or mistyped")]
    BadCheckDigit {
        ai: String,
        value: String,
        expected: char,
    },
    #[error("AI ({ai}) is {found} characters long, at most {max} are allowed; a GS separator is probably missing after it")]
    TooLong {
        ai: String,
        max: usize,
        found: usize,
    },
    #[error(
        "AI ({ai}) is {found} characters long, it needs {min}; the code is cut off or mistyped"
    )]
    TooShort {
        ai: String,
        min: usize,
        found: usize,
    },
    #[error("AI ({ai}) must be followed by a GS separator before the next AI; the scanner may not be sending GS (0x1D)")]
    MissingSeparator { ai: String },
    #[error("AI ({ai}) contains '{ch}', which is not allowed there ({allowed})")]
    IllegalCharacter {
        ai: String,
        ch: char,
        allowed: &'static str,
    },
    #[error("AI ({ai}) '{value}' is not a valid date/time ({format}); check the label")]
    BadDate {
        ai: String,
        value: String,
        format: &'static str,
    },
    #[error("bracketed GS1 text is malformed at byte {at}: {reason}")]
    BadHumanReadable { at: usize, reason: &'static str },
    #[error("not a GS1 Digital Link: {reason}")]
    NotDigitalLink { reason: String },
}

/// GS1 character set 82 (General Specifications, figure 7.11-1).
pub fn is_cset82(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'!' | b'"'
                | b'%'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b'-'
                | b'.'
                | b'/'
                | b':'
                | b';'
                | b'<'
                | b'='
                | b'>'
                | b'?'
                | b'_'
        )
}

/// GS1 mod-10 check digit over `digits` (weights 3,1,3,... from the right). None if not digits.
pub fn mod10_check_digit(digits: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = (c - b'0') as u32;
        sum += if i % 2 == 0 { 3 * d } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// True when the last digit of `digits` is the right mod-10 check digit for the rest.
pub fn has_valid_check_digit(digits: &str) -> bool {
    match digits.len().checked_sub(1) {
        Some(n) if n > 0 => {
            let (body, check) = digits.split_at(n);
            mod10_check_digit(body).map(|d| (b'0' + d) as char) == check.chars().next()
        }
        _ => false,
    }
}

fn two_digits(s: &str) -> u32 {
    s.bytes().fold(0, |n, b| n * 10 + (b - b'0') as u32)
}

fn valid_yymmdd(v: &str) -> bool {
    let (yy, mm, dd) = (
        two_digits(&v[0..2]),
        two_digits(&v[2..4]),
        two_digits(&v[4..6]),
    );
    // Two-digit years: within the GS1 sliding window, YY % 4 == 0 is exactly the leap rule.
    let days = match mm {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if yy % 4 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    dd <= days
}

/// Checks one value against its AI's rules.
pub fn validate_element(ai: &str, value: &str) -> Result<(), Gs1Error> {
    let spec = ai_spec(ai).ok_or_else(|| Gs1Error::UnknownAi {
        found: ai.to_string(),
    })?;
    let err_ai = || ai.to_string();
    if value.is_empty() {
        return Err(Gs1Error::MissingValue { ai: err_ai() });
    }
    let bytes = value.as_bytes();
    let digits_part = |n: usize| -> Result<(), Gs1Error> {
        if let Some(&c) = bytes[..n.min(bytes.len())]
            .iter()
            .find(|c| !c.is_ascii_digit())
        {
            return Err(Gs1Error::IllegalCharacter {
                ai: err_ai(),
                ch: c as char,
                allowed: "digits only",
            });
        }
        Ok(())
    };
    let text_part = |from: usize| -> Result<(), Gs1Error> {
        if let Some(ch) = value[from.min(value.len())..]
            .chars()
            .find(|&c| !(c.is_ascii() && is_cset82(c as u8)))
        {
            return Err(Gs1Error::IllegalCharacter {
                ai: err_ai(),
                ch,
                allowed: "GS1 character set 82: letters, digits and !\"%&'()*+,-./:;<=>?_",
            });
        }
        Ok(())
    };
    let len = value.chars().count();
    let digit_len = match spec.content {
        Digits(n) => {
            digits_part(len)?;
            if len < n {
                return Err(Gs1Error::TooShort {
                    ai: err_ai(),
                    min: n,
                    found: len,
                });
            }
            if len > n {
                return Err(Gs1Error::TooLong {
                    ai: err_ai(),
                    max: n,
                    found: len,
                });
            }
            n
        }
        DigitsUpTo(max) => {
            digits_part(len)?;
            if len > max {
                return Err(Gs1Error::TooLong {
                    ai: err_ai(),
                    max,
                    found: len,
                });
            }
            len
        }
        TextUpTo(max) => {
            text_part(0)?;
            if len > max {
                return Err(Gs1Error::TooLong {
                    ai: err_ai(),
                    max,
                    found: len,
                });
            }
            0
        }
        DigitsThenText(n, max) => {
            if len < n {
                digits_part(len)?;
                return Err(Gs1Error::TooShort {
                    ai: err_ai(),
                    min: n,
                    found: len,
                });
            }
            digits_part(n)?;
            text_part(n)?;
            if len > n + max {
                return Err(Gs1Error::TooLong {
                    ai: err_ai(),
                    max: n + max,
                    found: len,
                });
            }
            n
        }
    };
    match spec.extra {
        Extra::None => {}
        CheckDigit => {
            let digits = &value[..digit_len];
            if !has_valid_check_digit(digits) {
                let expected = mod10_check_digit(&digits[..digit_len - 1]).unwrap_or(0);
                return Err(Gs1Error::BadCheckDigit {
                    ai: err_ai(),
                    value: value.to_string(),
                    expected: (b'0' + expected) as char,
                });
            }
        }
        Date => {
            if !valid_yymmdd(value) {
                return Err(Gs1Error::BadDate {
                    ai: err_ai(),
                    value: value.to_string(),
                    format: "YYMMDD",
                });
            }
        }
        DateTime => {
            let ok = valid_yymmdd(&value[..6])
                && two_digits(&value[6..8]) < 24
                && two_digits(&value[8..10]) < 60;
            if !ok {
                return Err(Gs1Error::BadDate {
                    ai: err_ai(),
                    value: value.to_string(),
                    format: "YYMMDDHHMM",
                });
            }
        }
    }
    Ok(())
}

/// Finds the AI at the start of `data` (AIs are prefix-free, so at most one matches).
fn match_ai(data: &[u8]) -> Result<&'static AiSpec, Gs1Error> {
    for len in 2..=4 {
        if data.len() < len {
            break;
        }
        if let Ok(candidate) = std::str::from_utf8(&data[..len]) {
            if let Some(spec) = ai_spec(candidate) {
                return Ok(spec);
            }
        }
    }
    let shown: String = String::from_utf8_lossy(&data[..data.len().min(4)]).into_owned();
    Err(Gs1Error::UnknownAi { found: shown })
}

/// Parses an element string as a GS1 symbol delivers it (FNC1 in first position implied by
/// the symbology identifier; a leading GS is tolerated; GS between fields).
pub fn parse_element_string(data: &[u8]) -> Result<Gs1Data, Gs1Error> {
    let mut rest = data;
    while let [GS, tail @ ..] = rest {
        rest = tail;
    }
    if rest.is_empty() {
        return Err(Gs1Error::Empty);
    }
    let mut elements = Vec::new();
    while !rest.is_empty() {
        let spec = match_ai(rest)?;
        rest = &rest[spec.ai.len()..];
        let fixed = match spec.content {
            Digits(n) => Some(n),
            _ => None,
        };
        let (raw, after) = match fixed {
            Some(n) => {
                let cut = rest
                    .iter()
                    .take(n)
                    .position(|&b| b == GS)
                    .unwrap_or(n.min(rest.len()));
                (&rest[..cut], &rest[cut..])
            }
            None => {
                let cut = rest.iter().position(|&b| b == GS).unwrap_or(rest.len());
                (&rest[..cut], &rest[cut..])
            }
        };
        let value = std::str::from_utf8(raw).map_err(|_| Gs1Error::IllegalCharacter {
            ai: spec.ai.to_string(),
            ch: char::REPLACEMENT_CHARACTER,
            allowed: "ASCII only",
        })?;
        validate_element(spec.ai, value)?;
        rest = after;
        match rest.first() {
            None => {}
            Some(&GS) => {
                // Extra separators (after predefined-length AIs, or doubled) are harmless.
                while let [GS, tail @ ..] = rest {
                    rest = tail;
                }
            }
            Some(_) if has_predefined_length(spec.ai) => {}
            Some(_) => {
                return Err(Gs1Error::MissingSeparator {
                    ai: spec.ai.to_string(),
                })
            }
        }
        elements.push(Gs1Element {
            ai: spec.ai.to_string(),
            value: value.to_string(),
        });
    }
    Ok(Gs1Data {
        elements,
        source: Gs1Source::ElementString,
    })
}

/// Parses the bracketed form `(01)09506000134352(21)ABC`. A value ends at the next `(`
/// followed by digits and `)`; so a value may itself hold brackets, but not `(NN)`.
pub fn parse_human_readable(text: &str) -> Result<Gs1Data, Gs1Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Gs1Error::Empty);
    }
    let bytes = text.as_bytes();
    // Positions of every "(digits)" group: each one starts an element.
    let mut starts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'(' {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if (2..=4).contains(&digits) && bytes.get(i + 1 + digits) == Some(&b')') {
                starts.push((i, digits));
                i += digits + 2;
                continue;
            }
        }
        i += 1;
    }
    match starts.first() {
        Some(&(0, _)) => {}
        _ => {
            return Err(Gs1Error::BadHumanReadable {
                at: 0,
                reason: "it must start with an AI in brackets, like (01)",
            })
        }
    }
    let mut elements = Vec::new();
    for (n, &(start, digits)) in starts.iter().enumerate() {
        let ai = &text[start + 1..start + 1 + digits];
        let value_start = start + digits + 2;
        let value_end = starts.get(n + 1).map(|s| s.0).unwrap_or(text.len());
        let value = &text[value_start..value_end];
        validate_element(ai, value)?;
        elements.push(Gs1Element {
            ai: ai.to_string(),
            value: value.to_string(),
        });
    }
    Ok(Gs1Data {
        elements,
        source: Gs1Source::HumanReadable,
    })
}

/// AIs that may be the primary key of a Digital Link path.
const DL_PRIMARY_KEYS: &[&str] = &[
    "01", "00", "253", "401", "402", "414", "417", "8003", "8004",
];

fn percent_decode(s: &str) -> Result<String, Gs1Error> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| Gs1Error::NotDigitalLink {
                    reason: format!("bad percent escape in '{s}'"),
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| Gs1Error::NotDigitalLink {
        reason: format!("'{s}' does not decode to text"),
    })
}

/// Parses a GS1 Digital Link URI (`https://id.example/01/09506000134352/21/ABC?17=201231`).
/// Non-numeric query keys (linkType and the like) are ignored; short names are not supported.
pub fn parse_digital_link(uri: &str) -> Result<Gs1Data, Gs1Error> {
    let uri = uri.trim();
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
        .or_else(|| uri.strip_prefix("HTTPS://"))
        .or_else(|| uri.strip_prefix("HTTP://"))
        .ok_or_else(|| Gs1Error::NotDigitalLink {
            reason: "it does not start with http:// or https://".into(),
        })?;
    let rest = rest.split('#').next().unwrap_or("");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let segments: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    let start = segments
        .iter()
        .enumerate()
        .position(|(i, s)| DL_PRIMARY_KEYS.contains(s) && i + 1 < segments.len())
        .ok_or_else(|| Gs1Error::NotDigitalLink {
            reason: "no GS1 key (such as /01/ followed by a GTIN) in the path".into(),
        })?;
    let pairs = &segments[start..];
    if !pairs.len().is_multiple_of(2) {
        return Err(Gs1Error::NotDigitalLink {
            reason: format!("the path after /{}/ has an AI without a value", pairs[0]),
        });
    }
    let mut elements = Vec::new();
    let mut push = |ai: &str, raw: &str| -> Result<(), Gs1Error> {
        let mut value = percent_decode(raw)?;
        // Digital Link allows GTIN-8/12/13; the element string form is always 14 digits.
        if ai == "01" && value.len() < 14 && value.bytes().all(|b| b.is_ascii_digit()) {
            value = format!("{value:0>14}");
        }
        validate_element(ai, &value)?;
        elements.push(Gs1Element {
            ai: ai.to_string(),
            value,
        });
        Ok(())
    };
    for pair in pairs.chunks(2) {
        if !pair[0].bytes().all(|b| b.is_ascii_digit()) {
            return Err(Gs1Error::NotDigitalLink {
                reason: format!("'{}' in the path is not a numeric AI", pair[0]),
            });
        }
        push(pair[0], pair[1])?;
    }
    for param in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            push(key, value)?;
        }
    }
    Ok(Gs1Data {
        elements,
        source: Gs1Source::DigitalLink,
    })
}

/// An EAN-13, EAN-8 or UPC-A number as a GTIN element (01), padded to 14 digits.
pub fn parse_ean_upc(data: &[u8]) -> Result<Gs1Data, Gs1Error> {
    let text = std::str::from_utf8(data).map_err(|_| Gs1Error::IllegalCharacter {
        ai: "01".into(),
        ch: char::REPLACEMENT_CHARACTER,
        allowed: "digits only",
    })?;
    let text = text.trim();
    if text.is_empty() {
        return Err(Gs1Error::Empty);
    }
    if !matches!(text.len(), 8 | 12 | 13 | 14) {
        return Err(Gs1Error::TooShort {
            ai: "01".into(),
            min: 8,
            found: text.len(),
        });
    }
    let gtin = format!("{text:0>14}");
    validate_element("01", &gtin)?;
    Ok(Gs1Data {
        elements: vec![Gs1Element {
            ai: "01".into(),
            value: gtin,
        }],
        source: Gs1Source::EanUpc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ai_table_is_prefix_free() {
        // Greedy 2-3-4 digit matching is only sound if no AI is a prefix of another.
        for a in AI_TABLE {
            for b in AI_TABLE {
                if a.ai != b.ai {
                    assert!(!b.ai.starts_with(a.ai), "{} is a prefix of {}", a.ai, b.ai);
                }
            }
        }
    }
}
