//! Byte helpers shared by profiles, scripts and captures: hex text, backslash escapes, and a
//! printable form of raw scanner bytes that never loses information.

use thiserror::Error;

/// Why a hex or escaped byte string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ByteTextError {
    #[error("'{text}' is not hex bytes: write pairs of hex digits such as `16 4D 0D`")]
    BadHex { text: String },
    #[error("escape `{escape}` is not understood: use \\r, \\n, \\t, \\0, \\\\ or \\xHH (two hex digits)")]
    BadEscape { escape: String },
}

/// Reads hex bytes such as `16 4D 0D` or `164d0d` (spaces, commas and `0x` are allowed).
pub fn parse_hex(text: &str) -> Result<Vec<u8>, ByteTextError> {
    let cleaned: String = text
        .replace("0x", "")
        .replace("0X", "")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let bad = || ByteTextError::BadHex {
        text: text.to_string(),
    };
    if cleaned.len() % 2 == 1 {
        return Err(bad());
    }
    let digits = cleaned.as_bytes();
    digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).map_err(|_| bad())?;
            u8::from_str_radix(s, 16).map_err(|_| bad())
        })
        .collect()
}

/// Writes bytes as upper-case hex pairs separated by spaces: `16 4D 0D`.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02X}"));
    }
    out
}

/// Turns `\x1D`, `\r`, `\n`, `\t`, `\0` and `\\` into bytes; other text is taken as UTF-8.
pub fn unescape(text: &str) -> Result<Vec<u8>, ByteTextError> {
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('r') => out.push(b'\r'),
            Some('n') => out.push(b'\n'),
            Some('t') => out.push(b'\t'),
            Some('0') => out.push(0),
            Some('\\') => out.push(b'\\'),
            Some('x') => {
                let hi = chars.next();
                let lo = chars.next();
                let pair: String = [hi, lo].iter().flatten().collect();
                match (pair.len(), u8::from_str_radix(&pair, 16)) {
                    (2, Ok(b)) => out.push(b),
                    _ => {
                        return Err(ByteTextError::BadEscape {
                            escape: format!("\\x{pair}"),
                        })
                    }
                }
            }
            Some(other) => {
                return Err(ByteTextError::BadEscape {
                    escape: format!("\\{other}"),
                })
            }
            None => {
                return Err(ByteTextError::BadEscape {
                    escape: "\\".to_string(),
                })
            }
        }
    }
    Ok(out)
}

/// Printable form of raw bytes: printable ASCII as is, everything else as `\xHH`, `\` as `\\`.
/// `unescape(escape(b)) == b` for every input, so nothing is lost in logs.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7E => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02X}")),
        }
    }
    out
}
