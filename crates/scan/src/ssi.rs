//! Zebra SSI (Simple Serial Interface) packets: encoding host commands and a streaming decoder
//! for the scanner's packets that resynchronises after a bad checksum. Sans-IO.
//!
//! Packet: Len | Opcode | Source | Status | Data | Checksum(2, high byte first). Len counts
//! every byte except the checksum; the checksum is 0x10000 minus the 16-bit sum of the rest.

use thiserror::Error;

/// Opcodes used by Custody.
pub mod opcode {
    pub const ACK: u8 = 0xD0;
    pub const NAK: u8 = 0xD1;
    pub const DECODE_DATA: u8 = 0xF3;
    pub const EVENT: u8 = 0xF6;
    pub const PARAM_SEND: u8 = 0xC6;
    pub const PARAM_REQUEST: u8 = 0xC7;
    pub const START_DECODE: u8 = 0xE4;
    pub const STOP_DECODE: u8 = 0xE5;
    pub const BEEP: u8 = 0xE6;
    pub const LED_ON: u8 = 0xE7;
    pub const LED_OFF: u8 = 0xE8;
    pub const SCAN_ENABLE: u8 = 0xE9;
    pub const SCAN_DISABLE: u8 = 0xEA;
    pub const REQUEST_REVISION: u8 = 0xA3;
}

/// Person-readable name of an opcode.
pub fn opcode_name(op: u8) -> &'static str {
    match op {
        opcode::ACK => "ACK",
        opcode::NAK => "NAK",
        opcode::DECODE_DATA => "DECODE_DATA",
        opcode::EVENT => "EVENT",
        opcode::PARAM_SEND => "PARAM_SEND",
        opcode::PARAM_REQUEST => "PARAM_REQUEST",
        opcode::START_DECODE => "START_DECODE",
        opcode::STOP_DECODE => "STOP_DECODE",
        opcode::BEEP => "BEEP",
        opcode::LED_ON => "LED_ON",
        opcode::LED_OFF => "LED_OFF",
        opcode::SCAN_ENABLE => "SCAN_ENABLE",
        opcode::SCAN_DISABLE => "SCAN_DISABLE",
        opcode::REQUEST_REVISION => "REQUEST_REVISION",
        _ => "unknown opcode",
    }
}

/// Who sent a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// 0x00: the scanner (decoder).
    Decoder,
    /// 0x04: the host (us).
    Host,
}

impl Source {
    pub fn byte(self) -> u8 {
        match self {
            Source::Decoder => 0x00,
            Source::Host => 0x04,
        }
    }
    fn from_byte(b: u8) -> Option<Source> {
        match b {
            0x00 => Some(Source::Decoder),
            0x04 => Some(Source::Host),
            _ => None,
        }
    }
}

/// Status bit: this packet is a retransmission.
pub const STATUS_RETRANSMIT: u8 = 0x01;
/// Status bit: more packets of the same message follow (long decode data).
pub const STATUS_CONTINUATION: u8 = 0x02;
/// Status bit on PARAM_SEND: 1 = permanent (kept across power cycles), 0 = temporary.
pub const STATUS_PERMANENT: u8 = 0x08;

/// Smallest packet: Len, Opcode, Source, Status.
const MIN_LEN: usize = 4;

/// One SSI packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub opcode: u8,
    pub source: Source,
    pub status: u8,
    pub data: Vec<u8>,
}

/// A packet that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    #[error("SSI packet data is {len} bytes; at most 251 fit in one packet. Split the parameters over several PARAM_SEND packets")]
    TooLong { len: usize },
}

/// The checksum of `bytes`: 0x10000 minus their 16-bit sum, high byte first.
pub fn checksum(bytes: &[u8]) -> [u8; 2] {
    let sum = bytes
        .iter()
        .fold(0u16, |acc, b| acc.wrapping_add(u16::from(*b)));
    0u16.wrapping_sub(sum).to_be_bytes()
}

impl Packet {
    /// A packet from the host.
    pub fn host(opcode: u8, data: &[u8]) -> Packet {
        Packet {
            opcode,
            source: Source::Host,
            status: 0,
            data: data.to_vec(),
        }
    }

    /// Bytes on the wire, checksum included.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let len = MIN_LEN + self.data.len();
        let len_byte = u8::try_from(len).map_err(|_| EncodeError::TooLong {
            len: self.data.len(),
        })?;
        let mut out = Vec::with_capacity(len + 2);
        out.extend_from_slice(&[len_byte, self.opcode, self.source.byte(), self.status]);
        out.extend_from_slice(&self.data);
        let sum = checksum(&out);
        out.extend_from_slice(&sum);
        Ok(out)
    }
}

/// Host ACK for a packet from the scanner.
pub fn ack() -> Vec<u8> {
    // Data-free packets of 4 bytes always fit.
    Packet::host(opcode::ACK, &[]).encode().unwrap_or_default()
}

/// NAK cause: the packet was damaged; send it again.
pub const NAK_RESEND: u8 = 0x01;

/// Host CMD_NAK asking the scanner to resend its last packet.
pub fn nak_resend() -> Vec<u8> {
    Packet::host(opcode::NAK, &[NAK_RESEND])
        .encode()
        .unwrap_or_default()
}

/// BEEP with one of the scanner's beep codes (0x00 = one short high beep).
pub fn beep(code: u8) -> Vec<u8> {
    Packet::host(opcode::BEEP, &[code])
        .encode()
        .unwrap_or_default()
}

/// Barcode type byte in DECODE_DATA to a symbology name (Zebra SSI programmer guide code types).
pub fn code_type_name(code_type: u8) -> &'static str {
    match code_type {
        0x01 => "Code 39",
        0x02 => "Codabar",
        0x03 => "Code 128",
        0x04 => "Discrete 2 of 5",
        0x06 => "Interleaved 2 of 5",
        0x07 => "Code 93",
        0x08 => "UPC-A",
        0x09 => "UPC-E",
        0x0A => "EAN-8",
        0x0B => "EAN-13",
        0x0C => "Code 11",
        0x0E => "MSI",
        0x0F => "GS1-128",
        0x11 => "PDF417",
        0x1A => "MicroPDF417",
        0x1B => "Data Matrix",
        0x1C => "QR Code",
        0x2D => "Aztec",
        0x30 => "GS1 DataBar",
        0x31 => "GS1 DataBar Limited",
        0x32 => "GS1 DataBar Expanded",
        0xC1 => "GS1 DataMatrix",
        0xC2 => "GS1 QR Code",
        _ => "unknown symbology",
    }
}

/// A decoded barcode from one or more DECODE_DATA packets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub code_type: u8,
    pub data: Vec<u8>,
}

impl Decoded {
    pub fn symbology(&self) -> &'static str {
        code_type_name(self.code_type)
    }
}

/// Bytes that did not form a valid packet. The bytes are kept.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SsiError {
    #[error("SSI packet checksum is wrong (got {got:02X?}, computed {computed:02X?}); the byte was skipped and the reader looked for the next packet. Check the cable, or that the scanner is in SSI mode")]
    BadChecksum {
        got: [u8; 2],
        computed: [u8; 2],
        bytes: Vec<u8>,
    },
    #[error("{} bytes that do not form SSI packets were skipped (kept in the log); the scanner may not be in SSI mode, or a packet was damaged", bytes.len())]
    Skipped { bytes: Vec<u8> },
    #[error("a DECODE_DATA packet has no barcode type byte; it was ignored")]
    EmptyDecode,
    #[error("a long barcode was cut off: its continuation packets stopped after {} bytes", partial.len())]
    BrokenContinuation { partial: Vec<u8> },
}

/// What the SSI decoder produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsiEvent {
    /// Any valid packet, in arrival order (DECODE_DATA too, for acknowledging it).
    Packet(Packet),
    /// A complete barcode, after the last DECODE_DATA packet of a message.
    Decoded(Decoded),
    Error(SsiError),
}

/// Streaming SSI decoder: feed any chunks; it finds packets, checks checksums, and joins long
/// barcodes sent as several DECODE_DATA packets.
#[derive(Debug, Clone, Default)]
pub struct SsiDecoder {
    buf: Vec<u8>,
    skipped: Vec<u8>,
    decode_acc: Option<Decoded>,
}

impl SsiDecoder {
    pub fn new() -> SsiDecoder {
        SsiDecoder::default()
    }

    /// Bytes waiting for the rest of their packet, or skipped and not yet reported.
    pub fn pending(&self) -> usize {
        self.buf.len() + self.skipped.len()
    }

    pub fn push(&mut self, bytes: &[u8]) -> Vec<SsiEvent> {
        self.buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut start = 0;
        loop {
            let avail = &self.buf[start..];
            let Some(&len_byte) = avail.first() else {
                break;
            };
            let len = usize::from(len_byte);
            // Reject a start position as soon as a header byte is impossible, so junk never
            // makes the decoder wait for a long "packet" that is not there.
            let plausible = len >= MIN_LEN
                && avail.get(1).is_none_or(|op| *op >= 0x80)
                && avail
                    .get(2)
                    .is_none_or(|src| Source::from_byte(*src).is_some());
            if !plausible {
                self.skipped.push(len_byte);
                start += 1;
                continue;
            }
            if avail.len() < len + 2 {
                break;
            }
            let computed = checksum(&avail[..len]);
            let got = [avail[len], avail[len + 1]];
            if got != computed {
                let bytes = avail[..len + 2].to_vec();
                self.flush_skipped(&mut events);
                events.push(SsiEvent::Error(SsiError::BadChecksum {
                    got,
                    computed,
                    bytes,
                }));
                start += 1;
                continue;
            }
            let packet = Packet {
                opcode: avail[1],
                source: Source::from_byte(avail[2]).unwrap_or(Source::Decoder),
                status: avail[3],
                data: avail[MIN_LEN..len].to_vec(),
            };
            start += len + 2;
            self.flush_skipped(&mut events);
            self.on_packet(packet, &mut events);
        }
        self.buf.drain(..start);
        events
    }

    fn flush_skipped(&mut self, events: &mut Vec<SsiEvent>) {
        if !self.skipped.is_empty() {
            events.push(SsiEvent::Error(SsiError::Skipped {
                bytes: std::mem::take(&mut self.skipped),
            }));
        }
    }

    fn on_packet(&mut self, packet: Packet, events: &mut Vec<SsiEvent>) {
        if packet.opcode != opcode::DECODE_DATA {
            if let Some(acc) = self.decode_acc.take() {
                events.push(SsiEvent::Error(SsiError::BrokenContinuation {
                    partial: acc.data,
                }));
            }
            events.push(SsiEvent::Packet(packet));
            return;
        }
        let more = packet.status & STATUS_CONTINUATION != 0;
        match packet.data.split_first() {
            None => events.push(SsiEvent::Error(SsiError::EmptyDecode)),
            Some((&code_type, data)) => {
                let acc = self.decode_acc.get_or_insert(Decoded {
                    code_type,
                    data: Vec::new(),
                });
                acc.data.extend_from_slice(data);
                if !more {
                    if let Some(done) = self.decode_acc.take() {
                        events.push(SsiEvent::Packet(packet));
                        events.push(SsiEvent::Decoded(done));
                        return;
                    }
                }
            }
        }
        events.push(SsiEvent::Packet(packet));
    }
}
