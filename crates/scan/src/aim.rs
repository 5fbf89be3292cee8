//! AIM symbology identifiers (ISO/IEC 15424): the three bytes `]` + code + modifier that a
//! scanner puts in front of the data to say which kind of barcode it read.

use thiserror::Error;

/// A parsed AIM symbology identifier such as `]C1` (GS1-128).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Aim {
    /// The code character: which symbology family (`C` = Code 128, `d` = Data Matrix, ...).
    pub code: char,
    /// The modifier character: options within the family (`1` on `C` = GS1-128).
    pub modifier: char,
}

/// Why the start of a frame is not a valid AIM symbology identifier.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AimError {
    #[error("the scan is {len} bytes long, too short for an AIM identifier (3 bytes such as ]C1); turn AIM identifiers on in the scanner profile")]
    TooShort { len: usize },
    #[error("the scan does not start with ']' (it starts with byte 0x{first:02X}); the scanner is not sending AIM identifiers: apply the profile again with `custody scanner configure`")]
    NoBracket { first: u8 },
    #[error("byte 0x{byte:02X} after ']' is not an AIM code letter (A-Z, a-z); the data may be garbled, e.g. by a keyboard layout")]
    BadCode { byte: u8 },
    #[error("byte 0x{byte:02X} is not an AIM modifier (0-9, A-Z, a-z); the data may be garbled, e.g. by a keyboard layout")]
    BadModifier { byte: u8 },
}

/// Length of an AIM identifier on the wire.
pub const AIM_LEN: usize = 3;

impl Aim {
    /// Reads the AIM identifier at the start of `bytes`; the data follows at offset [`AIM_LEN`].
    pub fn parse(bytes: &[u8]) -> Result<Aim, AimError> {
        if bytes.len() < AIM_LEN {
            // A lone byte that is not ']' is more useful to report as "no bracket".
            if let Some(&first) = bytes.first() {
                if first != b']' {
                    return Err(AimError::NoBracket { first });
                }
            }
            return Err(AimError::TooShort { len: bytes.len() });
        }
        if bytes[0] != b']' {
            return Err(AimError::NoBracket { first: bytes[0] });
        }
        let code = bytes[1];
        if !code.is_ascii_alphabetic() {
            return Err(AimError::BadCode { byte: code });
        }
        let modifier = bytes[2];
        if !modifier.is_ascii_alphanumeric() {
            return Err(AimError::BadModifier { byte: modifier });
        }
        Ok(Aim {
            code: code as char,
            modifier: modifier as char,
        })
    }

    /// The identifier as it appears on the wire, e.g. `]C1`.
    pub fn to_wire(&self) -> String {
        format!("]{}{}", self.code, self.modifier)
    }

    /// A person-readable symbology name, e.g. "GS1-128" for `]C1`.
    pub fn symbology(&self) -> &'static str {
        // Code letters and modifiers from ISO/IEC 15424 and the AIM symbology specifications.
        match (self.code, self.modifier) {
            ('C', '1') => "GS1-128",
            ('C', _) => "Code 128",
            ('d', '2') | ('d', '5') => "GS1 DataMatrix",
            ('d', _) => "Data Matrix",
            ('Q', '3') | ('Q', '5') => "GS1 QR Code",
            ('Q', _) => "QR Code",
            ('e', _) => "GS1 DataBar",
            ('E', '4') => "EAN-8",
            ('E', _) => "EAN/UPC",
            ('A', _) => "Code 39",
            ('L', _) => "PDF417",
            ('I', _) => "Interleaved 2 of 5",
            ('F', _) => "Codabar",
            ('G', _) => "Code 93",
            ('z', _) => "Aztec",
            ('U', _) => "MaxiCode",
            ('X', _) => "other barcode",
            ('Z', _) => "non-barcode data",
            _ => "unknown symbology",
        }
    }

    /// Whether the modifier says the data follows GS1 rules (FNC1 in first position).
    pub fn is_gs1(&self) -> bool {
        matches!(
            (self.code, self.modifier),
            ('C', '1') | ('d', '2') | ('d', '5') | ('Q', '3') | ('Q', '5') | ('e', _)
        )
    }
}

impl std::fmt::Display for Aim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "]{}{}", self.code, self.modifier)
    }
}
