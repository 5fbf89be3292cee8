//! Sans-IO framer: cuts a scanner's byte stream into scans using the prefix/suffix the scanner
//! is set to send (or an idle gap). It is fed byte chunks and the time; it never reads a clock.
//! Every byte that arrives ends up in exactly one frame or one error event, never dropped.

use crate::aim::{Aim, AimError, AIM_LEN};
use std::time::{Duration, Instant};
use thiserror::Error;

/// Bytes kept from the start of an overlong frame, to show the person what arrived.
const OVERLONG_HEAD: usize = 64;

/// How scans are delimited on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framing {
    /// Bytes before each scan (e.g. STX); empty for none.
    pub prefix: Vec<u8>,
    /// Bytes after each scan (e.g. CR LF); empty when scans end by an idle gap.
    pub suffix: Vec<u8>,
    /// A pause this long ends a scan (needed when there is no suffix).
    pub idle_flush: Option<Duration>,
    /// Longest scan accepted, in bytes, without prefix and suffix.
    pub max_len: usize,
    /// Whether each scan starts with an AIM symbology identifier such as `]C1`.
    pub aim: bool,
}

/// A framing setting that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FramingError {
    #[error("framing has no suffix and no idle timeout, so a scan would never end: set a suffix (e.g. crlf) or an idle timeout")]
    NoBoundary,
    #[error(
        "the maximum scan length is 0: set it to a positive number of bytes (4096 is a safe value)"
    )]
    ZeroMaxLen,
    #[error("framing '{name}' is not known: use crlf, cr, lf, tab, stx-etx or none")]
    UnknownName { name: String },
}

impl Framing {
    /// Default longest scan: far above any barcode we read (a full PDF417 is ~1.8 KB).
    pub const DEFAULT_MAX_LEN: usize = 4096;

    fn with(prefix: &[u8], suffix: &[u8], idle_flush: Option<Duration>) -> Framing {
        Framing {
            prefix: prefix.to_vec(),
            suffix: suffix.to_vec(),
            idle_flush,
            max_len: Self::DEFAULT_MAX_LEN,
            aim: false,
        }
    }
    /// Scans end with CR LF (the recommended serial setting).
    pub fn crlf() -> Framing {
        Self::with(b"", b"\r\n", None)
    }
    /// Scans end with CR.
    pub fn cr() -> Framing {
        Self::with(b"", b"\r", None)
    }
    /// Scans end with LF.
    pub fn lf() -> Framing {
        Self::with(b"", b"\n", None)
    }
    /// Scans wrapped in STX (0x02) ... ETX (0x03).
    pub fn stx_etx() -> Framing {
        Self::with(b"\x02", b"\x03", None)
    }
    /// No delimiters: a pause of `idle` ends the scan.
    pub fn idle(idle: Duration) -> Framing {
        Self::with(b"", b"", Some(idle))
    }

    /// Looks up a framing by the names used on the command line and in profiles.
    pub fn by_name(name: &str) -> Result<Framing, FramingError> {
        match name.to_ascii_lowercase().as_str() {
            "crlf" => Ok(Self::crlf()),
            "cr" => Ok(Self::cr()),
            "lf" => Ok(Self::lf()),
            "tab" => Ok(Self::with(b"", b"\t", None)),
            "stx-etx" | "stxetx" => Ok(Self::stx_etx()),
            "none" => Ok(Self::idle(Duration::from_millis(50))),
            _ => Err(FramingError::UnknownName {
                name: name.to_string(),
            }),
        }
    }

    /// Checks that a scan can end at all.
    pub fn validate(&self) -> Result<(), FramingError> {
        if self.suffix.is_empty() && self.idle_flush.is_none() {
            return Err(FramingError::NoBoundary);
        }
        if self.max_len == 0 {
            return Err(FramingError::ZeroMaxLen);
        }
        Ok(())
    }

    /// The bytes a scanner would send for one scan of `data` (used by the simulator).
    pub fn wrap(&self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.prefix.len() + data.len() + self.suffix.len());
        out.extend_from_slice(&self.prefix);
        out.extend_from_slice(data);
        out.extend_from_slice(&self.suffix);
        out
    }
}

/// How a frame ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameEnd {
    /// The configured suffix arrived.
    Suffix,
    /// No suffix is configured and the line went quiet.
    Idle,
    /// No suffix is configured and the next prefix arrived.
    NextPrefix,
}

/// One scan as it arrived, bytes untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Everything between prefix and suffix, AIM identifier included.
    pub raw: Vec<u8>,
    /// The AIM identifier, when AIM is on and the frame starts with a valid one.
    pub aim: Option<Aim>,
    /// Why the AIM identifier was missing or bad, when AIM is on.
    pub aim_error: Option<AimError>,
    /// How the frame ended.
    pub end: FrameEnd,
}

impl Frame {
    /// The barcode data without the AIM identifier.
    pub fn data(&self) -> &[u8] {
        if self.aim.is_some() {
            &self.raw[AIM_LEN..]
        } else {
            &self.raw
        }
    }

    /// The data as text, if it is valid UTF-8 (GS 0x1D and other controls stay as they are).
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(self.data()).ok()
    }
}

/// Bytes that did not form a good scan. Each variant keeps the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    #[error("{} bytes arrived outside a scan (before the start marker); they are kept in the log. If this repeats, the scanner's prefix setting does not match its profile", bytes.len())]
    JunkBeforePrefix { bytes: Vec<u8> },
    #[error("an empty scan arrived (only the end marker); the scanner may be sending two suffixes, e.g. CR LF while the profile expects CR")]
    Empty,
    #[error("a scan was longer than {max_len} bytes and was refused; everything up to its end marker was skipped. Check the scanner's suffix setting or raise the limit")]
    Overlong { max_len: usize, head: Vec<u8> },
    #[error("a scan of {} bytes never got its end marker and the line went quiet; it is kept in the log. Check the scanner's suffix setting", partial.len())]
    MissingTerminator { partial: Vec<u8> },
    #[error("a new scan started before the previous one ({} bytes) ended; the partial scan is kept in the log. Check the scanner's suffix setting", partial.len())]
    Interrupted { partial: Vec<u8> },
}

/// What the framer saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameEvent {
    Frame(Frame),
    Error(FrameError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for the prefix; bytes here are junk.
    Hunting,
    /// Collecting a scan.
    InFrame,
    /// Skipping the rest of an overlong scan until a prefix or suffix.
    Discarding,
}

/// The sans-IO framer. Feed it with [`Framer::push`], and call [`Framer::poll_timeout`] when
/// [`Framer::next_deadline`] passes so a scan without suffix is flushed.
#[derive(Debug, Clone)]
pub struct Framer {
    framing: Framing,
    state: State,
    buf: Vec<u8>,
    junk: Vec<u8>,
    tail: Vec<u8>,
    last_at: Option<Instant>,
}

impl Framer {
    /// A framer for `framing`; fails when the framing could never end a scan.
    pub fn new(framing: Framing) -> Result<Framer, FramingError> {
        framing.validate()?;
        let state = Self::start_state(&framing);
        Ok(Framer {
            framing,
            state,
            buf: Vec::new(),
            junk: Vec::new(),
            tail: Vec::new(),
            last_at: None,
        })
    }

    fn start_state(framing: &Framing) -> State {
        if framing.prefix.is_empty() {
            State::InFrame
        } else {
            State::Hunting
        }
    }

    /// The framing in use.
    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    /// Feeds bytes that arrived at `now`; returns the frames and errors they complete.
    pub fn push(&mut self, bytes: &[u8], now: Instant) -> Vec<FrameEvent> {
        let mut events = Vec::new();
        self.push_into(bytes, now, &mut events);
        events
    }

    /// Like [`Framer::push`] but appends to `events` (no allocation per call).
    pub fn push_into(&mut self, bytes: &[u8], now: Instant, events: &mut Vec<FrameEvent>) {
        if bytes.is_empty() {
            return;
        }
        // A gap before these bytes ends the pending scan, whatever time poll_timeout was called.
        self.check_idle(now, events);
        self.last_at = Some(now);
        let mut rest = bytes;
        while !rest.is_empty() {
            let used = match self.state {
                State::Hunting => self.step_hunting(rest[0], events),
                State::InFrame => self.step_in_frame(rest, events),
                State::Discarding => self.step_discarding(rest[0]),
            };
            rest = &rest[used..];
        }
    }

    /// When the pending scan should be flushed by the idle timeout, if anything is pending.
    pub fn next_deadline(&self) -> Option<Instant> {
        let idle = self.framing.idle_flush?;
        if self.is_idle() {
            return None;
        }
        self.last_at.map(|t| t + idle)
    }

    /// Flushes the pending scan if the line has been quiet for the idle timeout.
    pub fn poll_timeout(&mut self, now: Instant) -> Vec<FrameEvent> {
        let mut events = Vec::new();
        self.check_idle(now, &mut events);
        events
    }

    /// Flushes everything pending now (e.g. the scanner was unplugged mid-scan).
    pub fn finish(&mut self) -> Vec<FrameEvent> {
        let mut events = Vec::new();
        self.flush(&mut events);
        events
    }

    fn is_idle(&self) -> bool {
        self.buf.is_empty() && self.junk.is_empty() && self.state != State::Discarding
    }

    fn check_idle(&mut self, now: Instant, events: &mut Vec<FrameEvent>) {
        if let (Some(idle), Some(last)) = (self.framing.idle_flush, self.last_at) {
            if now.saturating_duration_since(last) >= idle && !self.is_idle() {
                self.flush(events);
            }
        }
    }

    fn flush(&mut self, events: &mut Vec<FrameEvent>) {
        if !self.junk.is_empty() {
            events.push(FrameEvent::Error(FrameError::JunkBeforePrefix {
                bytes: std::mem::take(&mut self.junk),
            }));
        }
        if !self.buf.is_empty() {
            let partial = std::mem::take(&mut self.buf);
            if self.framing.suffix.is_empty() {
                events.push(self.complete(partial, FrameEnd::Idle));
            } else {
                events.push(FrameEvent::Error(FrameError::MissingTerminator { partial }));
            }
        }
        self.tail.clear();
        self.state = Self::start_state(&self.framing);
    }

    fn complete(&self, raw: Vec<u8>, end: FrameEnd) -> FrameEvent {
        if raw.is_empty() {
            return FrameEvent::Error(FrameError::Empty);
        }
        let (aim, aim_error) = if self.framing.aim {
            match Aim::parse(&raw) {
                Ok(aim) => (Some(aim), None),
                Err(err) => (None, Some(err)),
            }
        } else {
            (None, None)
        };
        FrameEvent::Frame(Frame {
            raw,
            aim,
            aim_error,
            end,
        })
    }

    fn step_hunting(&mut self, byte: u8, events: &mut Vec<FrameEvent>) -> usize {
        self.junk.push(byte);
        let prefix = &self.framing.prefix;
        if self.junk.ends_with(prefix) {
            self.junk.truncate(self.junk.len() - prefix.len());
            if !self.junk.is_empty() {
                events.push(FrameEvent::Error(FrameError::JunkBeforePrefix {
                    bytes: std::mem::take(&mut self.junk),
                }));
            }
            self.state = State::InFrame;
        } else if self.junk.len() > self.framing.max_len + prefix.len() {
            // Bound memory on a line that never sends the prefix; keep a possible partial prefix.
            let keep = prefix.len() - 1;
            let cut = self.junk.len() - keep;
            let tail = self.junk.split_off(cut);
            events.push(FrameEvent::Error(FrameError::JunkBeforePrefix {
                bytes: std::mem::replace(&mut self.junk, tail),
            }));
        }
        1
    }

    fn step_in_frame(&mut self, rest: &[u8], events: &mut Vec<FrameEvent>) -> usize {
        let suffix_last = self.framing.suffix.last().copied();
        let prefix_last = self.framing.prefix.last().copied();
        let limit = self.framing.max_len + self.framing.suffix.len().saturating_sub(1);
        // Copy in bulk up to the next byte that could end a prefix or suffix.
        let stop = rest
            .iter()
            .position(|b| Some(*b) == suffix_last || Some(*b) == prefix_last);
        let room = limit + 1 - self.buf.len();
        let take = stop.map_or(rest.len(), |p| p + 1).min(room);
        self.buf.extend_from_slice(&rest[..take]);

        let suffix = &self.framing.suffix;
        let prefix = &self.framing.prefix;
        if !suffix.is_empty() && self.buf.ends_with(suffix) {
            let mut raw = std::mem::take(&mut self.buf);
            raw.truncate(raw.len() - suffix.len());
            events.push(self.complete(raw, FrameEnd::Suffix));
            self.state = Self::start_state(&self.framing);
        } else if !prefix.is_empty() && self.buf.ends_with(prefix) {
            let mut raw = std::mem::take(&mut self.buf);
            raw.truncate(raw.len() - prefix.len());
            if suffix.is_empty() {
                if !raw.is_empty() {
                    events.push(self.complete(raw, FrameEnd::NextPrefix));
                }
            } else if !raw.is_empty() {
                events.push(FrameEvent::Error(FrameError::Interrupted { partial: raw }));
            }
            // Either way the prefix just seen opens the next scan.
            self.state = State::InFrame;
        } else if self.buf.len() > limit {
            let head = self.buf[..self.buf.len().min(OVERLONG_HEAD)].to_vec();
            events.push(FrameEvent::Error(FrameError::Overlong {
                max_len: self.framing.max_len,
                head,
            }));
            // Keep the last bytes: they may be the start of the suffix.
            let keep = suffix.len().max(prefix.len()).saturating_sub(1);
            self.tail = self.buf[self.buf.len() - keep.min(self.buf.len())..].to_vec();
            self.buf.clear();
            self.state = State::Discarding;
        }
        take
    }

    fn step_discarding(&mut self, byte: u8) -> usize {
        self.tail.push(byte);
        let window = self.framing.suffix.len().max(self.framing.prefix.len());
        if self.tail.len() > window {
            self.tail.remove(0);
        }
        let suffix = &self.framing.suffix;
        let prefix = &self.framing.prefix;
        if !suffix.is_empty() && self.tail.ends_with(suffix) {
            self.tail.clear();
            self.state = Self::start_state(&self.framing);
        } else if !prefix.is_empty() && self.tail.ends_with(prefix) {
            self.tail.clear();
            self.state = State::InFrame;
        }
        1
    }
}
