//! What one scan is: a Custody label, GS1 data, an IUID mark (UII), another ISO/IEC 15434
//! message, or a manufacturer's plain serial text. The AIM identifier, when the scanner sends
//! one, decides GS1 vs text; without it the data's own shape decides.

use serde::Serialize;

use crate::escape::Aim;
use crate::gs1::{self, Gs1Data, Gs1Error};
use crate::iso15434::{self, Envelope, EnvelopeError};
use crate::label::{LabelCode, LabelCodeError};
use crate::serial::normalize_serial;
use crate::uii::{self, Uii, UiiError};

/// A classified scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scanned {
    /// One of Custody's own labels (including command labels).
    Custody {
        code: String,
        display: String,
        label_kind: crate::LabelKind,
        #[serde(skip_serializing_if = "Option::is_none")]
        command: Option<crate::ScanCommand>,
        #[serde(skip)]
        label: LabelCode,
    },
    Gs1 {
        #[serde(flatten)]
        data: Gs1Data,
        /// The UII equivalent when the data holds a GIAI (8004) or serialised GRAI (8003).
        #[serde(skip_serializing_if = "Option::is_none")]
        uii: Option<Uii>,
    },
    /// An IUID mark: the UII and the envelope it came in.
    Uii {
        #[serde(flatten)]
        uii: Uii,
        envelope: Envelope,
    },
    /// An ISO/IEC 15434 message that holds no UII.
    Iso15434 { envelope: Envelope },
    /// Anything else readable: a serial plate's Code 128 / Code 39, or typed text.
    ManufacturerText { text: String, normalized: String },
}

impl Scanned {
    /// `custody`, `gs1`, `uii`, `iso15434` or `manufacturer_text`.
    pub fn kind(&self) -> &'static str {
        match self {
            Scanned::Custody { .. } => "custody",
            Scanned::Gs1 { .. } => "gs1",
            Scanned::Uii { .. } => "uii",
            Scanned::Iso15434 { .. } => "iso15434",
            Scanned::ManufacturerText { .. } => "manufacturer_text",
        }
    }

    pub fn label(&self) -> Option<&LabelCode> {
        match self {
            Scanned::Custody { label, .. } => Some(label),
            _ => None,
        }
    }

    fn custody(label: LabelCode) -> Scanned {
        Scanned::Custody {
            code: label.as_str().to_string(),
            display: label.display_form(),
            label_kind: label.kind(),
            command: label.command(),
            label,
        }
    }
}

/// Why a scan could not be classified. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("empty scan: nothing was read; scan again")]
    Empty,
    #[error("{0}")]
    Label(#[from] LabelCodeError),
    #[error("{0}")]
    Gs1(#[from] Gs1Error),
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    #[error("{0}")]
    Uii(#[from] UiiError),
    #[error("the scan is not text (byte 0x{0:02X} is not valid UTF-8); the scanner may use the wrong keyboard or code page setting")]
    NotText(u8),
    #[error("the scan holds control character 0x{0:02X} but is not GS1 or ISO/IEC 15434 data; check the scanner's suffix and prefix settings")]
    ControlCharacter(u8),
}

fn looks_like_label_display_form(text: &str) -> bool {
    // W-XXXXX-XXXXX-X: someone typed a Custody code, so a bad check is a typo, not a serial.
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 4
        && parts[0].len() == 1
        && parts[1].len() == 5
        && parts[2].len() == 5
        && parts[3].len() == 1
}

/// Classifies one scan. `aim` is the symbology identifier if the scanner reported one
/// separately; one at the start of `data` is also recognised.
pub fn classify(aim: Option<Aim>, data: &[u8]) -> Result<Scanned, CodeError> {
    let (aim, data) = match aim {
        Some(a) => (Some(a), data),
        None => Aim::split(data),
    };
    // A trailing CR/LF is the scanner's suffix, not data.
    let mut data = data;
    while let [body @ .., b'\r' | b'\n'] = data {
        data = body;
    }
    if data.is_empty() {
        return Err(CodeError::Empty);
    }
    if iso15434::looks_like_envelope(data) {
        let envelope = iso15434::parse_envelope(data)?;
        return Ok(match uii::uii_from_envelope(&envelope)? {
            Some(uii) => Scanned::Uii { uii, envelope },
            None => Scanned::Iso15434 { envelope },
        });
    }
    if let Some(aim) = aim {
        if aim.is_ean_upc() {
            return gs1_scanned(gs1::parse_ean_upc(data)?);
        }
        if aim.is_gs1() {
            return gs1_scanned(gs1::parse_element_string(data)?);
        }
    }
    if data[0] == gs1::GS {
        // FNC1 in first position reached us as GS: GS1 data without an AIM identifier.
        return gs1_scanned(gs1::parse_element_string(data)?);
    }
    let text = match std::str::from_utf8(data) {
        Ok(t) => t,
        Err(e) => return Err(CodeError::NotText(data[e.valid_up_to()])),
    };
    if let Some(&c) = text
        .as_bytes()
        .iter()
        .find(|b| b.is_ascii_control() && **b != b'\t')
    {
        return Err(CodeError::ControlCharacter(c));
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(CodeError::Empty);
    }
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return gs1_scanned(gs1::parse_digital_link(trimmed)?);
    }
    if trimmed.starts_with('(') {
        return gs1_scanned(gs1::parse_human_readable(trimmed)?);
    }
    match LabelCode::parse(trimmed) {
        Ok(label) => return Ok(Scanned::custody(label)),
        Err(e) if looks_like_label_display_form(trimmed) => return Err(e.into()),
        Err(_) => {}
    }
    Ok(Scanned::ManufacturerText {
        text: trimmed.to_string(),
        normalized: normalize_serial(trimmed),
    })
}

fn gs1_scanned(data: Gs1Data) -> Result<Scanned, CodeError> {
    let uii = uii::uii_from_gs1(&data.elements);
    Ok(Scanned::Gs1 { data, uii })
}
