//! Typed scans: the escapes a person uses to type control characters (`\x1D`, `<GS>`) and the
//! optional AIM symbology identifier (`]C1`) some scanners put in front of the data.

use serde::Serialize;

/// An AIM symbology identifier (ISO/IEC 15424): `]` + code character + modifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Aim {
    pub code: char,
    pub modifier: char,
}

impl Aim {
    pub fn new(code: char, modifier: char) -> Aim {
        Aim { code, modifier }
    }

    /// Reads `]C1` from the start of `data`; returns the identifier and the rest.
    pub fn split(data: &[u8]) -> (Option<Aim>, &[u8]) {
        match data {
            [b']', code, modifier, rest @ ..]
                if code.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() =>
            {
                (Some(Aim::new(*code as char, *modifier as char)), rest)
            }
            _ => (None, data),
        }
    }

    /// The symbology this identifier names, in the words Custody prints.
    pub fn symbology(self) -> &'static str {
        match self.code {
            'A' => "code39",
            'C' => "code128",
            'd' => "datamatrix",
            'E' => "ean_upc",
            'e' => "gs1_databar",
            'F' => "codabar",
            'G' => "code93",
            'I' => "itf",
            'L' => "pdf417",
            'Q' => "qr",
            'z' => "aztec",
            'X' => "other",
            _ => "unknown",
        }
    }

    /// True when the identifier says the data is a GS1 element string (FNC1 in first position).
    pub fn is_gs1(self) -> bool {
        matches!(
            (self.code, self.modifier),
            ('C', '1') | ('d', '2') | ('Q', '3') | ('e', '0') | ('z', '1') | ('L', '1')
        )
    }

    /// True for EAN/UPC symbols (a GTIN, not an element string).
    pub fn is_ean_upc(self) -> bool {
        self.code == 'E'
    }
}

impl std::fmt::Display for Aim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "]{}{}", self.code, self.modifier)
    }
}

/// Why a typed scan could not be unescaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EscapeError {
    #[error("'\\{0}' is not an escape; use \\xHH, \\\\, \\n, \\r, \\t, <GS>, <RS> or <EOT>")]
    UnknownEscape(char),
    #[error("'\\x' must be followed by two hex digits, like \\x1D")]
    BadHex,
    #[error("the text ends with a lone backslash; write \\\\ for a backslash")]
    TrailingBackslash,
}

/// Turns typed escapes into bytes: `\xHH`, `\\`, `\n`, `\r`, `\t`, and `<GS>`, `<RS>`,
/// `<EOT>` (also `<FS>`, `<US>`). Everything else passes through as UTF-8.
pub fn unescape(text: &str) -> Result<Vec<u8>, EscapeError> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let named = [
                ("<GS>", 0x1D),
                ("<RS>", 0x1E),
                ("<EOT>", 0x04),
                ("<FS>", 0x1C),
                ("<US>", 0x1F),
            ]
            .iter()
            .find(|(name, _)| {
                rest.get(..name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(name))
            });
            if let Some((name, byte)) = named {
                out.push(*byte);
                rest = &rest[name.len()..];
                continue;
            }
        }
        if c == '\\' {
            let mut chars = rest[1..].chars();
            let next = chars.next().ok_or(EscapeError::TrailingBackslash)?;
            match next {
                '\\' => out.push(b'\\'),
                'n' => out.push(b'\n'),
                'r' => out.push(b'\r'),
                't' => out.push(b'\t'),
                'x' | 'X' => {
                    let hex = rest.get(2..4).ok_or(EscapeError::BadHex)?;
                    let byte = u8::from_str_radix(hex, 16).map_err(|_| EscapeError::BadHex)?;
                    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Err(EscapeError::BadHex);
                    }
                    out.push(byte);
                    rest = &rest[4..];
                    continue;
                }
                other => return Err(EscapeError::UnknownEscape(other)),
            }
            rest = &rest[1 + next.len_utf8()..];
            continue;
        }
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}
