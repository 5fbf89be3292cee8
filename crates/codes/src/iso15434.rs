//! ISO/IEC 15434 envelopes: `[)>` RS, then one or more formats (`05` GS1 AIs, `06` ASC MH10
//! data identifiers, `12` text element identifiers, `DD`, others kept raw), each ended by RS,
//! and EOT at the end of the message. Sans-IO.

use serde::Serialize;

use crate::gs1::{self, Gs1Element, Gs1Error};

pub const RS: u8 = 0x1E;
pub const GS: u8 = 0x1D;
pub const EOT: u8 = 0x04;
/// The message header: `[)>` followed by RS.
pub const HEADER: &[u8] = b"[)>\x1e";

/// One ASC MH10 data identifier field (format 06), e.g. `18S` + `0CVA5674A36458`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiField {
    pub di: String,
    pub value: String,
}

/// One text element identifier field (format 12), e.g. `MFR` + `0CVA5`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeiField {
    pub tei: String,
    pub value: String,
}

/// One format inside the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "format")]
pub enum Format {
    #[serde(rename = "05")]
    Gs1 { elements: Vec<Gs1Element> },
    #[serde(rename = "06")]
    DataIdentifiers { fields: Vec<DiField> },
    #[serde(rename = "12")]
    TextElements { fields: Vec<TeiField> },
    /// `DD` and every other format indicator: the GS-separated fields, uninterpreted.
    #[serde(rename = "other")]
    Other {
        indicator: String,
        fields: Vec<String>,
    },
}

/// A parsed ISO/IEC 15434 message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub formats: Vec<Format>,
}

impl Envelope {
    /// Every format 06 field in message order.
    pub fn data_identifiers(&self) -> impl Iterator<Item = &DiField> {
        self.formats.iter().flat_map(|f| match f {
            Format::DataIdentifiers { fields } => fields.as_slice(),
            _ => &[],
        })
    }

    pub fn text_elements(&self) -> impl Iterator<Item = &TeiField> {
        self.formats.iter().flat_map(|f| match f {
            Format::TextElements { fields } => fields.as_slice(),
            _ => &[],
        })
    }

    pub fn gs1_elements(&self) -> impl Iterator<Item = &Gs1Element> {
        self.formats.iter().flat_map(|f| match f {
            Format::Gs1 { elements } => elements.as_slice(),
            _ => &[],
        })
    }
}

/// Why an envelope was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("not an ISO/IEC 15434 message: it must start with [)> and RS (0x1E)")]
    NoHeader,
    #[error("the message has no format after its header; the code is damaged, rescan it")]
    NoFormat,
    #[error("format '{indicator}' is not ended by RS (0x1E); the scan was cut off or the scanner drops control characters")]
    UnterminatedFormat { indicator: String },
    #[error("format indicator '{found}' is not two characters followed by GS (0x1D)")]
    BadFormatHeader { found: String },
    #[error("format 06 field '{field}' does not start with a data identifier (digits then a letter, like 18S)")]
    BadDataIdentifier { field: String },
    #[error("format 12 field '{field}' does not start with a text element identifier (like MFR or SER followed by a space)")]
    BadTextElement { field: String },
    #[error("format 05 holds bad GS1 data: {0}")]
    Gs1(#[from] Gs1Error),
    #[error("a field is not valid text (UTF-8)")]
    NotText,
}

pub fn looks_like_envelope(data: &[u8]) -> bool {
    data.starts_with(HEADER)
}

fn text(bytes: &[u8]) -> Result<&str, EnvelopeError> {
    std::str::from_utf8(bytes).map_err(|_| EnvelopeError::NotText)
}

/// Splits `18S0CVA5` into (`18S`, `0CVA5`): up to three digits, then one letter.
fn split_di(field: &str) -> Option<(&str, &str)> {
    let digits = field.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits > 3 {
        return None;
    }
    let letter = *field.as_bytes().get(digits)?;
    letter
        .is_ascii_uppercase()
        .then(|| field.split_at(digits + 1))
}

/// Splits `MFR 0CVA5` into (`MFR`, `0CVA5`): two to four capital letters, a space, the value.
fn split_tei(field: &str) -> Option<(&str, &str)> {
    let (tei, value) = field.split_once(' ')?;
    ((2..=4).contains(&tei.len()) && tei.bytes().all(|b| b.is_ascii_uppercase()))
        .then_some((tei, value))
}

/// Parses a whole message. A missing EOT is tolerated (many scanners strip it);
/// a format without its closing RS is not, because we cannot tell where it ended.
pub fn parse_envelope(data: &[u8]) -> Result<Envelope, EnvelopeError> {
    let mut rest = data.strip_prefix(HEADER).ok_or(EnvelopeError::NoHeader)?;
    if let Some(body) = rest.strip_suffix(&[EOT]) {
        rest = body;
    }
    // Some scanners append CR/LF after EOT or instead of it.
    while let [body @ .., b'\r' | b'\n'] = rest {
        rest = body;
    }
    if let Some(body) = rest.strip_suffix(&[EOT]) {
        rest = body;
    }
    let mut formats = Vec::new();
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == RS);
        let header_len = rest.len().min(2);
        let indicator = String::from_utf8_lossy(&rest[..header_len]).into_owned();
        let end = end.ok_or(EnvelopeError::UnterminatedFormat {
            indicator: indicator.clone(),
        })?;
        let body = &rest[..end];
        rest = &rest[end + 1..];
        if body.len() < 2 || (body.len() > 2 && body[2] != GS) {
            return Err(EnvelopeError::BadFormatHeader {
                found: String::from_utf8_lossy(&body[..body.len().min(4)]).into_owned(),
            });
        }
        let fields_bytes = body.get(3..).unwrap_or(&[]);
        let fields = fields_bytes
            .split(|&b| b == GS)
            .filter(|f| !f.is_empty())
            .map(text)
            .collect::<Result<Vec<&str>, _>>()?;
        let format = match &body[..2] {
            b"05" => Format::Gs1 {
                elements: gs1::parse_element_string(fields_bytes)?.elements,
            },
            b"06" => Format::DataIdentifiers {
                fields: fields
                    .iter()
                    .map(|f| {
                        split_di(f)
                            .map(|(di, value)| DiField {
                                di: di.to_string(),
                                value: value.to_string(),
                            })
                            .ok_or_else(|| EnvelopeError::BadDataIdentifier {
                                field: f.to_string(),
                            })
                    })
                    .collect::<Result<_, _>>()?,
            },
            b"12" => Format::TextElements {
                fields: fields
                    .iter()
                    .map(|f| {
                        split_tei(f)
                            .map(|(tei, value)| TeiField {
                                tei: tei.to_string(),
                                value: value.to_string(),
                            })
                            .ok_or_else(|| EnvelopeError::BadTextElement {
                                field: f.to_string(),
                            })
                    })
                    .collect::<Result<_, _>>()?,
            },
            other => Format::Other {
                indicator: String::from_utf8_lossy(other).into_owned(),
                fields: fields.iter().map(|f| f.to_string()).collect(),
            },
        };
        formats.push(format);
    }
    if formats.is_empty() {
        return Err(EnvelopeError::NoFormat);
    }
    Ok(Envelope { formats })
}
