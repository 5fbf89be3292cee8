//! One sans-IO line decoder per protocol: plain framing, Honeywell (framing + menu replies),
//! or Zebra SSI packets. It turns line bytes into scans, errors and replies, and says which
//! bytes must be sent back (SSI acknowledgements).

use crate::aim::Aim;
use crate::framer::{FrameError, FrameEvent, Framer, Framing, FramingError};
use crate::honeywell::{LineItem, MenuReply, MenuReplyError, ReplyDemux};
use crate::profile::Protocol;
use crate::ssi::{self, Packet, SsiDecoder, SsiError, SsiEvent};
use std::time::Instant;
use thiserror::Error;

/// A scan read off the line, before debouncing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineScan {
    /// The bytes as received (AIM identifier included when present).
    pub raw: Vec<u8>,
    /// The barcode data (without AIM identifier).
    pub data: Vec<u8>,
    pub aim: Option<Aim>,
    /// Symbology name from the AIM id or the SSI code type, when known.
    pub symbology: Option<&'static str>,
    /// Why the AIM identifier was missing or bad, when the profile expects one.
    pub aim_error: Option<crate::aim::AimError>,
}

/// Something on the line that was not a good scan. The bytes are inside.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LineError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error(transparent)]
    Ssi(#[from] SsiError),
    #[error("{0}")]
    Reply(MenuReplyError, Vec<u8>),
}

impl LineError {
    /// The bytes the error concerns, as received (empty when there were none), so that a
    /// refused frame can be recorded as evidence too.
    pub fn bytes(&self) -> &[u8] {
        use crate::framer::FrameError as F;
        use crate::ssi::SsiError as S;
        match self {
            LineError::Frame(F::JunkBeforePrefix { bytes }) => bytes,
            LineError::Frame(F::Overlong { head, .. }) => head,
            LineError::Frame(F::MissingTerminator { partial } | F::Interrupted { partial }) => {
                partial
            }
            LineError::Frame(F::Empty) => &[],
            LineError::Ssi(S::BadChecksum { bytes, .. } | S::Skipped { bytes }) => bytes,
            LineError::Ssi(S::BrokenContinuation { partial }) => partial,
            LineError::Ssi(S::EmptyDecode) => &[],
            LineError::Reply(_, bytes) => bytes,
        }
    }
}

/// What came off the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEvent {
    Scan(LineScan),
    Error(LineError),
    MenuReply(MenuReply),
    SsiPacket(Packet),
}

enum Inner {
    Text {
        framer: Framer,
        demux: Option<ReplyDemux>,
    },
    Ssi(SsiDecoder),
}

/// The per-protocol decoder.
pub struct LineDecoder {
    inner: Inner,
}

impl LineDecoder {
    pub fn new(protocol: Protocol, framing: Framing) -> Result<LineDecoder, FramingError> {
        let inner = match protocol {
            Protocol::ZebraSsi => Inner::Ssi(SsiDecoder::new()),
            Protocol::HoneywellMenu => Inner::Text {
                demux: Some(ReplyDemux::listening(&framing.suffix)),
                framer: Framer::new(framing)?,
            },
            Protocol::Plain => Inner::Text {
                framer: Framer::new(framing)?,
                demux: None,
            },
        };
        Ok(LineDecoder { inner })
    }

    /// Honeywell only: a menu command with this first tag was just sent.
    pub fn expect_menu_reply(&mut self, tag: &str) {
        if let Inner::Text {
            demux: Some(demux), ..
        } = &mut self.inner
        {
            demux.expect_reply(tag);
        }
    }

    /// Feeds line bytes; returns events and the bytes to write back to the scanner.
    pub fn push(&mut self, bytes: &[u8], now: Instant) -> (Vec<LineEvent>, Vec<u8>) {
        let mut events = Vec::new();
        let mut reply = Vec::new();
        match &mut self.inner {
            Inner::Text { framer, demux } => {
                let items = match demux {
                    Some(d) => d.push(bytes),
                    None => vec![LineItem::ScanBytes(bytes.to_vec())],
                };
                for item in items {
                    match item {
                        LineItem::ScanBytes(b) => {
                            for ev in framer.push(&b, now) {
                                events.push(from_frame(ev));
                            }
                        }
                        LineItem::Reply(Ok(r)) => events.push(LineEvent::MenuReply(r)),
                        LineItem::Reply(Err((e, raw))) => {
                            events.push(LineEvent::Error(LineError::Reply(e, raw)))
                        }
                    }
                }
            }
            Inner::Ssi(dec) => {
                for ev in dec.push(bytes) {
                    match ev {
                        SsiEvent::Packet(p) => {
                            // The scanner waits for an ACK on each of its packets (except ACK/NAK).
                            if p.source == ssi::Source::Decoder
                                && p.opcode != ssi::opcode::ACK
                                && p.opcode != ssi::opcode::NAK
                            {
                                reply.extend_from_slice(&ssi::ack());
                            }
                            if p.opcode != ssi::opcode::DECODE_DATA {
                                events.push(LineEvent::SsiPacket(p));
                            }
                        }
                        SsiEvent::Decoded(d) => events.push(LineEvent::Scan(LineScan {
                            symbology: Some(d.symbology()),
                            raw: d.data.clone(),
                            data: d.data,
                            aim: None,
                            aim_error: None,
                        })),
                        SsiEvent::Error(e) => {
                            // A damaged packet: ask the scanner to send it again (CMD_NAK,
                            // cause RESEND); it retransmits with the retransmit bit set.
                            if matches!(e, SsiError::BadChecksum { .. }) {
                                reply.extend_from_slice(&ssi::nak_resend());
                            }
                            events.push(LineEvent::Error(e.into()))
                        }
                    }
                }
            }
        }
        (events, reply)
    }

    /// When [`LineDecoder::poll`] should be called next, if a scan is pending.
    pub fn next_deadline(&self) -> Option<Instant> {
        match &self.inner {
            Inner::Text { framer, .. } => framer.next_deadline(),
            Inner::Ssi(_) => None,
        }
    }

    /// Flushes a pending scan whose idle timeout passed.
    pub fn poll(&mut self, now: Instant) -> Vec<LineEvent> {
        match &mut self.inner {
            Inner::Text { framer, .. } => framer
                .poll_timeout(now)
                .into_iter()
                .map(from_frame)
                .collect(),
            Inner::Ssi(_) => Vec::new(),
        }
    }

    /// Flushes everything pending (the port went away).
    pub fn finish(&mut self, now: Instant) -> Vec<LineEvent> {
        match &mut self.inner {
            Inner::Text { framer, demux } => {
                let mut events = Vec::new();
                if let Some(d) = demux {
                    for item in d.give_up() {
                        if let LineItem::ScanBytes(b) = item {
                            events.extend(framer.push(&b, now).into_iter().map(from_frame));
                        }
                    }
                }
                events.extend(framer.finish().into_iter().map(from_frame));
                events
            }
            Inner::Ssi(dec) => {
                *dec = SsiDecoder::new();
                Vec::new()
            }
        }
    }
}

fn from_frame(ev: FrameEvent) -> LineEvent {
    match ev {
        FrameEvent::Frame(f) => LineEvent::Scan(LineScan {
            symbology: f.aim.map(|a| a.symbology()),
            data: f.data().to_vec(),
            aim: f.aim,
            aim_error: f.aim_error,
            raw: f.raw,
        }),
        FrameEvent::Error(e) => LineEvent::Error(LineError::Frame(e)),
    }
}
