//! Capture files: a scanner's bytes with their timing, for replaying a session without the
//! scanner. Sans-IO: text in, timed chunks out.
//!
//! Format (UTF-8 text, one chunk per line):
//! ```text
//! # comment lines start with '#'; blank lines are ignored
//! +0 5D 43 31 30 31 0D 0A        <- "+<ms since the previous chunk> <hex bytes>"
//! +35 30 31 32 33 0D 0A
//! ```

use crate::bytes::parse_hex;
use std::time::Duration;
use thiserror::Error;

/// One chunk of bytes and when it arrived, counted from the start of the capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub at: Duration,
    pub bytes: Vec<u8>,
}

/// A capture line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CaptureError {
    #[error("capture line {line}: it must start with '+' and a number of milliseconds, e.g. `+35 30 31 0D 0A`")]
    MissingDelay { line: usize },
    #[error("capture line {line}: '{text}' is not a number of milliseconds")]
    BadDelay { line: usize, text: String },
    #[error("capture line {line}: {problem}")]
    BadBytes { line: usize, problem: String },
}

/// Reads a whole capture.
pub fn parse_capture(text: &str) -> Result<Vec<Chunk>, CaptureError> {
    let mut at = Duration::ZERO;
    let mut chunks = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some(rest) = line.strip_prefix('+') else {
            return Err(CaptureError::MissingDelay { line: line_no });
        };
        let (delay, hex) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let ms: u64 = delay.parse().map_err(|_| CaptureError::BadDelay {
            line: line_no,
            text: delay.to_string(),
        })?;
        let bytes = parse_hex(hex).map_err(|e| CaptureError::BadBytes {
            line: line_no,
            problem: e.to_string(),
        })?;
        at += Duration::from_millis(ms);
        chunks.push(Chunk { at, bytes });
    }
    Ok(chunks)
}

/// Writes chunks in the capture format (the inverse of [`parse_capture`]).
pub fn write_capture(chunks: &[Chunk]) -> String {
    let mut out =
        String::from("# custody scanner capture: +<ms since previous chunk> <hex bytes>\n");
    let mut prev = Duration::ZERO;
    for c in chunks {
        let delta = c.at.saturating_sub(prev);
        prev = c.at;
        out.push_str(&format!(
            "+{} {}\n",
            delta.as_millis(),
            crate::bytes::to_hex(&c.bytes)
        ));
    }
    out
}
