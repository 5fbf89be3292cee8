//! Fake scanners that behave as the vendors' manuals describe, for tests and for
//! `custody scanner simulate --emulate`. Sans-IO: the host's bytes and the time go in, the
//! device's bytes come out, and every byte and every tone is written to a [`Timeline`].
//!
//! These models are written from the manuals (see firmware-config/README.md), not from
//! Custody's own codecs: the SSI packets are parsed here independently of [`crate::ssi`], and
//! Honeywell menu commands independently of [`crate::honeywell`].
//!
//! Time is a [`Duration`] since the fake was made; the caller supplies it, so tests can step
//! it without sleeping.

use std::collections::BTreeMap;
use std::time::Duration;

/// A sound (or its absence) from the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The good-read beep: Honeywell `<ESC>7` or its own decode beep, SSI BEEP / decode beep.
    Good,
    /// The error tone ("razz"): Honeywell `<ESC>8`, an SSI error beep code.
    Error,
    /// Honeywell Host ACK: no answer from the host within the timeout; the manual says this is
    /// indicated by an error tone.
    Timeout,
    /// Honeywell `SYN BEL CR`: one plain beep.
    Bell,
    /// An SSI BEEP with another beep code.
    SsiCode(u8),
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    HostToDevice(Vec<u8>),
    DeviceToHost(Vec<u8>),
    Tone(Tone),
    /// The operator pulled the trigger on a code; `sent` is false when the device refused to
    /// read (Honeywell Host ACK: suspended while waiting for the host).
    Trigger {
        data: Vec<u8>,
        sent: bool,
    },
    PowerCycle,
}

/// Everything that happened, with the time it happened at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub entries: Vec<(Duration, Entry)>,
}

impl Timeline {
    fn push(&mut self, at: Duration, e: Entry) {
        self.entries.push((at, e));
    }

    /// The tones, in order.
    pub fn tones(&self) -> Vec<Tone> {
        self.entries
            .iter()
            .filter_map(|(_, e)| match e {
                Entry::Tone(t) => Some(*t),
                _ => None,
            })
            .collect()
    }

    /// Index of the first entry matching `f`, if any.
    pub fn position(&self, f: impl Fn(&Entry) -> bool) -> Option<usize> {
        self.entries.iter().position(|(_, e)| f(e))
    }

    /// A person-readable dump, one line per entry.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (at, e) in &self.entries {
            let line = match e {
                Entry::HostToDevice(b) => format!("host -> device  {}", crate::bytes::escape(b)),
                Entry::DeviceToHost(b) => format!("device -> host  {}", crate::bytes::escape(b)),
                Entry::Tone(t) => format!("TONE {t:?}"),
                Entry::Trigger { data, sent } => format!(
                    "trigger {} ({})",
                    crate::bytes::escape(data),
                    if *sent { "read" } else { "refused: busy" }
                ),
                Entry::PowerCycle => "POWER CYCLE".to_string(),
            };
            out.push_str(&format!("{:>9.3}s  {line}\n", at.as_secs_f64()));
        }
        out
    }
}

/// Which manual the fake follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emulation {
    Honeywell,
    ZebraSsi,
    /// A scanner that only sends framed text: Datalogic in USB-COM, generic CDC.
    Plain,
}

impl Emulation {
    pub fn by_name(name: &str) -> Option<Emulation> {
        match name {
            "honeywell" => Some(Emulation::Honeywell),
            "zebra-ssi" | "zebra" => Some(Emulation::ZebraSsi),
            "datalogic" | "plain" | "cdc" => Some(Emulation::Plain),
            _ => None,
        }
    }
}

/// A code in front of the scanner: its AIM identifier (e.g. `]C0`), Honeywell's one-letter
/// Code ID (e.g. `j` for Code 128), the SSI code type (e.g. 0x03) and the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub aim: [u8; 3],
    pub code_id: u8,
    pub ssi_type: u8,
    pub data: Vec<u8>,
}

impl Symbol {
    /// A Code 128 label.
    pub fn code128(data: &[u8]) -> Symbol {
        Symbol {
            aim: *b"]C0",
            code_id: b'j',
            ssi_type: 0x03,
            data: data.to_vec(),
        }
    }
}

/// The common face of the fakes.
pub trait FakeDevice: Send {
    /// Bytes from the host at time `now`.
    fn receive(&mut self, bytes: &[u8], now: Duration);
    /// The operator reads `symbol`.
    fn trigger(&mut self, symbol: &Symbol, now: Duration);
    /// Timers (Honeywell Host ACK timeout).
    fn poll(&mut self, now: Duration);
    /// Power off and on: volatile settings are lost.
    fn power_cycle(&mut self, now: Duration);
    /// Bytes for the host, taken.
    fn take_output(&mut self) -> Vec<u8>;
    fn timeline(&self) -> &Timeline;
}

/// Builds a fake of the given kind with factory settings.
pub fn new_fake(kind: Emulation, host_ack_timeout: Duration) -> Box<dyn FakeDevice> {
    match kind {
        Emulation::Honeywell => Box::new(HoneywellFake::new(None, host_ack_timeout)),
        Emulation::ZebraSsi => Box::new(SsiFake::new()),
        Emulation::Plain => Box::new(PlainFake::new(b"\r\n", true)),
    }
}

// ---- Honeywell -------------------------------------------------------------------------

const SYN: u8 = 0x16;
const ESC: u8 = 0x1B;
const ACK: u8 = 0x06;
const ENQ: u8 = 0x05;
const NAK: u8 = 0x15;

/// A Honeywell Xenon/Granit/Voyager in USB serial mode, per the user guides' chapter "Serial
/// Programming Commands" and "Host Acknowledgment".
///
/// - `SYN M CR [:Name:] Tag SubTag Data [, SubTag Data] [; Tag SubTag Data] Storage`; `!` is
///   the volatile table, `.` the non-volatile one. Each entry is echoed with ACK, ENQ (tag or
///   subtag unknown) or NAK (value out of range). `?` asks the current value.
/// - Cordless (a base with a linked scanner): without `:Name:` the command goes to the base;
///   `:Name:` (the scanner's BT_NAM) or `:*:` goes to the scanner.
/// - Host ACK on (`HSTACK1`): after a read no tone, and the scanner refuses to read until the
///   host sends `<ESC>7,` (good), `<ESC>8,` (error), or the timeout passes (error tone).
pub struct HoneywellFake {
    /// Scanner settings: non-volatile, volatile overrides.
    flash: BTreeMap<String, String>,
    ram: BTreeMap<String, String>,
    /// The base's own table (cordless only).
    base: Option<BTreeMap<String, String>>,
    name: String,
    host_ack_timeout: Duration,
    awaiting_host: Option<Duration>,
    input: Vec<u8>,
    output: Vec<u8>,
    timeline: Timeline,
}

/// Checks the data of one menu setting.
type DataCheck = fn(&str) -> bool;

/// Menu settings this fake knows, with their factory value and a check of the data.
fn honeywell_setting(key: &str) -> Option<(&'static str, DataCheck)> {
    fn hex_pairs(d: &str) -> bool {
        d.len() >= 2 && d.len().is_multiple_of(2) && d.bytes().all(|b| b.is_ascii_hexdigit())
    }
    fn none(d: &str) -> bool {
        d.is_empty()
    }
    fn bit(d: &str) -> bool {
        d == "0" || d == "1"
    }
    fn usb(d: &str) -> bool {
        matches!(d, "124" | "130" | "131")
    }
    fn seconds(d: &str) -> bool {
        d.parse::<u32>().is_ok_and(|s| (1..=90).contains(&s))
    }
    Some(match key {
        "PRECA2" | "SUFCA2" => ("", none),
        "PREBK2" | "SUFBK2" => ("", hex_pairs),
        "BEPBEP" => ("1", bit),
        "HSTACK" => ("0", bit),
        "HSTCTO" => ("10", seconds),
        "TRMUSB" => ("130", usb),
        "REVINF" => ("", none),
        "BT_NAM" => ("", |d: &str| !d.is_empty()),
        _ => return None,
    })
}

impl HoneywellFake {
    /// `cordless_name`: the scanner's name for a base-and-scanner model (e.g. "Xenon").
    pub fn new(cordless_name: Option<&str>, host_ack_timeout: Duration) -> HoneywellFake {
        HoneywellFake {
            flash: BTreeMap::new(),
            ram: BTreeMap::new(),
            base: cordless_name.map(|_| BTreeMap::new()),
            name: cordless_name.unwrap_or("").to_string(),
            host_ack_timeout,
            awaiting_host: None,
            input: Vec::new(),
            output: Vec::new(),
            timeline: Timeline::default(),
        }
    }

    /// The scanner's current value of `TAGSUB`.
    pub fn setting(&self, key: &str) -> Option<String> {
        self.ram
            .get(key)
            .or_else(|| self.flash.get(key))
            .cloned()
            .or_else(|| honeywell_setting(key).map(|(d, _)| d.to_string()))
    }

    fn send(&mut self, bytes: Vec<u8>, now: Duration) {
        self.timeline.push(now, Entry::DeviceToHost(bytes.clone()));
        self.output.extend_from_slice(&bytes);
    }

    fn tone(&mut self, t: Tone, now: Duration) {
        self.timeline.push(now, Entry::Tone(t));
    }

    /// The prefix or suffix bytes for all symbologies from `PREBK2`/`SUFBK2` data: `99` then
    /// hex pairs; `5C80` is the Code ID, `5C81` the AIM ID, `5C5C` a backslash.
    fn affix(&self, key: &str, symbol: &Symbol) -> Vec<u8> {
        let data = self.setting(key).unwrap_or_default();
        let Some(hex) = data.strip_prefix("99") else {
            return Vec::new();
        };
        let bytes: Vec<u8> = hex
            .as_bytes()
            .chunks(2)
            .filter_map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
            .collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == 0x5C && i + 1 < bytes.len() {
                match bytes[i + 1] {
                    0x80 => out.push(symbol.code_id),
                    0x81 => out.extend_from_slice(&symbol.aim),
                    other => out.push(other),
                }
                i += 2;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    fn host_ack_on(&self) -> bool {
        self.setting("HSTACK").as_deref() == Some("1")
    }

    fn handle_menu(&mut self, body: &[u8], now: Duration) {
        let Some((&storage, body)) = body.split_last() else {
            return;
        };
        let volatile = storage == b'!';
        let text = String::from_utf8_lossy(body).into_owned();
        // `:Name:` addresses the scanner of a cordless set; without it the base answers.
        let (to_scanner, rest) = match text.strip_prefix(':') {
            Some(after) => match after.split_once(':') {
                Some((name, rest)) => (name == "*" || name == self.name, rest.to_string()),
                None => (false, text.clone()),
            },
            None => (self.base.is_none(), text.clone()),
        };
        let mut reply = Vec::new();
        let mut tag = String::new();
        let mut first_in_tag = true;
        // Split on ';' (new tag) and ',' (same tag, new subtag).
        for (gi, group) in rest.split(';').enumerate() {
            if gi > 0 {
                reply.push(b';');
            }
            first_in_tag = true;
            for (ei, entry) in group.split(',').enumerate() {
                if ei > 0 {
                    reply.push(b',');
                }
                let (key, data) = if first_in_tag {
                    tag = entry.get(..3).unwrap_or(entry).to_uppercase();
                    (
                        format!("{tag}{}", entry.get(3..6).unwrap_or("").to_uppercase()),
                        entry.get(6..).unwrap_or(""),
                    )
                } else {
                    (
                        format!("{tag}{}", entry.get(..3).unwrap_or("").to_uppercase()),
                        entry.get(3..).unwrap_or(""),
                    )
                };
                first_in_tag = false;
                let status = match honeywell_setting(&key) {
                    Some(_) if key == "REVINF" => {
                        reply.extend_from_slice(b"REVINF Product Name: fake per user guide");
                        ACK
                    }
                    None => {
                        reply.extend_from_slice(entry.as_bytes());
                        ENQ
                    }
                    Some((factory, _)) if data == "^" => {
                        // "^": the default value (N3680 guide p. 144, query commands).
                        let echo = if ei == 0 {
                            format!("{key}{factory}")
                        } else {
                            format!("{}{factory}", &key[3..])
                        };
                        reply.extend_from_slice(echo.as_bytes());
                        ACK
                    }
                    Some(_) if data == "?" => {
                        let value = if to_scanner {
                            self.setting(&key).unwrap_or_default()
                        } else {
                            self.base
                                .as_ref()
                                .and_then(|b| b.get(&key).cloned())
                                .or_else(|| honeywell_setting(&key).map(|(d, _)| d.to_string()))
                                .unwrap_or_default()
                        };
                        let echo = if ei == 0 {
                            format!("{key}{value}")
                        } else {
                            format!("{}{value}", &key[3..])
                        };
                        reply.extend_from_slice(echo.as_bytes());
                        ACK
                    }
                    Some((_, ok)) => {
                        reply.extend_from_slice(entry.as_bytes());
                        if !ok(data) {
                            NAK
                        } else {
                            let table = if !to_scanner {
                                self.base.as_mut().unwrap_or(&mut self.flash)
                            } else if volatile {
                                &mut self.ram
                            } else {
                                // A non-volatile write also becomes the current value.
                                self.ram.remove(&key);
                                &mut self.flash
                            };
                            if key == "PRECA2" || key == "SUFCA2" {
                                table.remove(if key == "PRECA2" { "PREBK2" } else { "SUFBK2" });
                            } else if key != "REVINF" {
                                table.insert(key.clone(), data.to_string());
                            }
                            ACK
                        }
                    }
                };
                reply.push(status);
            }
        }
        let _ = first_in_tag;
        reply.push(storage);
        self.send(reply, now);
    }

    fn handle_escape(&mut self, code: u8, now: Duration) {
        match code {
            b'7' => {
                self.tone(Tone::Good, now);
                self.awaiting_host = None;
            }
            b'8' => {
                self.tone(Tone::Error, now);
                self.awaiting_host = None;
            }
            // Other escape commands (LEDs, pitches) are not used by Custody.
            _ => {}
        }
    }

    /// Takes complete commands off the input buffer.
    fn parse_input(&mut self, now: Duration) {
        loop {
            let Some(start) = self.input.iter().position(|b| *b == SYN || *b == ESC) else {
                self.input.clear();
                return;
            };
            self.input.drain(..start);
            if self.input[0] == ESC {
                // `<ESC> x ,`: the comma terminates and is required.
                if self.input.len() < 3 {
                    return;
                }
                if self.input[2] == b',' {
                    let code = self.input[1];
                    self.input.drain(..3);
                    self.handle_escape(code, now);
                } else {
                    self.input.drain(..1);
                }
                continue;
            }
            if self.input.len() < 3 {
                return;
            }
            match (self.input[1], self.input[2]) {
                (b'M', b'\r') => {
                    let Some(end) = self.input[3..]
                        .iter()
                        .position(|b| *b == b'.' || *b == b'!')
                    else {
                        return;
                    };
                    let body: Vec<u8> = self.input[3..3 + end + 1].to_vec();
                    self.input.drain(..3 + end + 1);
                    self.handle_menu(&body, now);
                }
                (0x07, b'\r') => {
                    self.input.drain(..3);
                    self.tone(Tone::Bell, now);
                }
                _ => {
                    self.input.drain(..1);
                }
            }
        }
    }
}

impl FakeDevice for HoneywellFake {
    fn receive(&mut self, bytes: &[u8], now: Duration) {
        self.timeline.push(now, Entry::HostToDevice(bytes.to_vec()));
        self.poll(now);
        self.input.extend_from_slice(bytes);
        self.parse_input(now);
    }

    fn trigger(&mut self, symbol: &Symbol, now: Duration) {
        self.poll(now);
        if self.awaiting_host.is_some() {
            self.timeline.push(
                now,
                Entry::Trigger {
                    data: symbol.data.clone(),
                    sent: false,
                },
            );
            return;
        }
        self.timeline.push(
            now,
            Entry::Trigger {
                data: symbol.data.clone(),
                sent: true,
            },
        );
        let mut out = self.affix("PREBK2", symbol);
        out.extend_from_slice(&symbol.data);
        out.extend(self.affix("SUFBK2", symbol));
        if self.host_ack_on() {
            self.awaiting_host = Some(now);
            self.send(out, now);
        } else {
            if self.setting("BEPBEP").as_deref() != Some("0") {
                self.tone(Tone::Good, now);
            }
            self.send(out, now);
        }
    }

    fn poll(&mut self, now: Duration) {
        if let Some(since) = self.awaiting_host {
            let timeout = match self.setting("HSTCTO").and_then(|s| s.parse::<u64>().ok()) {
                // At the factory value (10 s) the fake uses the timeout it was made with, so
                // tests can be quick; a value set with HSTCTO wins.
                Some(10) | None => self.host_ack_timeout,
                Some(s) => Duration::from_secs(s),
            };
            if now.saturating_sub(since) >= timeout {
                self.awaiting_host = None;
                self.tone(Tone::Timeout, now);
            }
        }
    }

    fn power_cycle(&mut self, now: Duration) {
        self.ram.clear();
        self.awaiting_host = None;
        self.input.clear();
        self.timeline.push(now, Entry::PowerCycle);
    }

    fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

// ---- Zebra SSI -------------------------------------------------------------------------

/// SSI opcodes, from the SSI programmer's guide's command table.
mod op {
    pub const CMD_ACK: u8 = 0xD0;
    pub const CMD_NAK: u8 = 0xD1;
    pub const DECODE_DATA: u8 = 0xF3;
    pub const PARAM_SEND: u8 = 0xC6;
    pub const PARAM_REQUEST: u8 = 0xC7;
    pub const BEEP: u8 = 0xE6;
    pub const SCAN_ENABLE: u8 = 0xE9;
    pub const SCAN_DISABLE: u8 = 0xEA;
}

/// NAK cause: the packet was damaged, send it again.
pub const SSI_NAK_RESEND: u8 = 0x01;
/// NAK cause: the opcode is not one this device takes.
pub const SSI_NAK_BAD_CONTEXT: u8 = 0x02;

/// Param 0xEE, Decode Data Packet Format: 0 raw (factory), 1 packeted.
pub const PARAM_DECODE_PACKET_FORMAT: u8 = 0xEE;
/// Param 0x38, Beep After Good Decode: 1 beep (factory), 0 do not beep.
pub const PARAM_BEEP_AFTER_GOOD_DECODE: u8 = 0x38;

/// A Zebra scanner in "SSI over USB CDC", per the SSI programmer's guide:
/// packets `Len Opcode Source Status Data Checksum(2)`; every packet is answered with
/// CMD_ACK, or CMD_NAK (cause RESEND) on a bad checksum; PARAM_SEND with status bit 3 set is
/// permanent, otherwise temporary and lost at power off; decode data is packeted only when
/// param 0xEE is 1, and a long code is split over several DECODE_DATA packets (status bit 1
/// on every packet but the last), each of which the host must ACK before the next is sent.
pub struct SsiFake {
    permanent: BTreeMap<u8, u8>,
    temporary: BTreeMap<u8, u8>,
    input: Vec<u8>,
    output: Vec<u8>,
    /// Decode packets not yet sent, and the one waiting for the host's ACK.
    queue: Vec<Vec<u8>>,
    in_flight: Option<Vec<u8>>,
    scanning: bool,
    /// Largest decode data per packet (the guide leaves this to the device; small in tests).
    pub max_chunk: usize,
    timeline: Timeline,
    /// How many decode packets the host acknowledged.
    pub decode_acks: usize,
}

fn ssi_checksum(bytes: &[u8]) -> [u8; 2] {
    let sum: u32 = bytes.iter().map(|b| u32::from(*b)).sum();
    ((0x10000 - (sum & 0xFFFF)) as u16).to_be_bytes()
}

fn ssi_packet(opcode: u8, status: u8, data: &[u8]) -> Vec<u8> {
    let mut out = vec![(4 + data.len()) as u8, opcode, 0x00, status];
    out.extend_from_slice(data);
    let c = ssi_checksum(&out);
    out.extend_from_slice(&c);
    out
}

impl Default for SsiFake {
    fn default() -> Self {
        SsiFake::new()
    }
}

impl SsiFake {
    pub fn new() -> SsiFake {
        SsiFake {
            permanent: BTreeMap::new(),
            temporary: BTreeMap::new(),
            input: Vec::new(),
            output: Vec::new(),
            queue: Vec::new(),
            in_flight: None,
            scanning: true,
            max_chunk: 240,
            timeline: Timeline::default(),
            decode_acks: 0,
        }
    }

    /// The current value of a parameter (temporary over permanent over factory).
    pub fn param(&self, p: u8) -> u8 {
        self.temporary
            .get(&p)
            .or_else(|| self.permanent.get(&p))
            .copied()
            .unwrap_or(match p {
                PARAM_BEEP_AFTER_GOOD_DECODE => 1,
                _ => 0,
            })
    }

    fn send(&mut self, bytes: Vec<u8>, now: Duration) {
        self.timeline.push(now, Entry::DeviceToHost(bytes.clone()));
        self.output.extend_from_slice(&bytes);
    }

    fn send_next_decode(&mut self, now: Duration) {
        if self.in_flight.is_none() && !self.queue.is_empty() {
            let p = self.queue.remove(0);
            self.in_flight = Some(p.clone());
            self.send(p, now);
        }
    }

    fn beep_code(&mut self, code: u8, now: Duration) {
        let t = match code {
            0x00 => Tone::Good,
            0x19 => Tone::Error,
            other => Tone::SsiCode(other),
        };
        self.timeline.push(now, Entry::Tone(t));
    }

    fn handle(&mut self, opcode: u8, status: u8, data: &[u8], now: Duration) {
        let ack = ssi_packet(op::CMD_ACK, 0, &[]);
        match opcode {
            op::CMD_ACK => {
                if self.in_flight.take().is_some() {
                    self.decode_acks += 1;
                }
                self.send_next_decode(now);
            }
            op::CMD_NAK => {
                // Resend the packet in flight, with the retransmit bit.
                if let Some(mut p) = self.in_flight.clone() {
                    p[3] |= 0x01;
                    let n = p.len();
                    let c = ssi_checksum(&p[..n - 2]);
                    p[n - 2..].copy_from_slice(&c);
                    self.in_flight = Some(p.clone());
                    self.send(p, now);
                }
            }
            op::PARAM_SEND => {
                let Some((&beep, pairs)) = data.split_first() else {
                    self.send(ssi_packet(op::CMD_NAK, 0, &[SSI_NAK_BAD_CONTEXT]), now);
                    return;
                };
                let permanent = status & 0x08 != 0;
                for pair in pairs.chunks(2) {
                    if let [p, v] = pair {
                        if permanent {
                            self.permanent.insert(*p, *v);
                            self.temporary.remove(p);
                        } else {
                            self.temporary.insert(*p, *v);
                        }
                    }
                }
                self.send(ack, now);
                if beep != 0xFF {
                    self.beep_code(beep, now);
                }
            }
            op::PARAM_REQUEST => {
                let mut reply = vec![0xFF];
                for p in data {
                    reply.push(*p);
                    reply.push(self.param(*p));
                }
                self.send(ssi_packet(op::PARAM_SEND, 0, &reply), now);
            }
            op::BEEP => {
                self.send(ack, now);
                if let Some(code) = data.first() {
                    self.beep_code(*code, now);
                }
            }
            op::SCAN_ENABLE => {
                self.scanning = true;
                self.send(ack, now);
            }
            op::SCAN_DISABLE => {
                self.scanning = false;
                self.send(ack, now);
            }
            _ => self.send(ssi_packet(op::CMD_NAK, 0, &[SSI_NAK_BAD_CONTEXT]), now),
        }
    }

    fn parse_input(&mut self, now: Duration) {
        loop {
            let Some(&len) = self.input.first() else {
                return;
            };
            let len = usize::from(len);
            if len < 4 {
                self.input.remove(0);
                continue;
            }
            if self.input.len() < len + 2 {
                return;
            }
            let packet: Vec<u8> = self.input.drain(..len + 2).collect();
            if ssi_checksum(&packet[..len]) != [packet[len], packet[len + 1]] {
                self.send(ssi_packet(op::CMD_NAK, 0, &[SSI_NAK_RESEND]), now);
                continue;
            }
            let (opcode, status) = (packet[1], packet[3]);
            self.handle(opcode, status, &packet[4..len], now);
        }
    }
}

impl FakeDevice for SsiFake {
    fn receive(&mut self, bytes: &[u8], now: Duration) {
        self.timeline.push(now, Entry::HostToDevice(bytes.to_vec()));
        self.input.extend_from_slice(bytes);
        self.parse_input(now);
    }

    fn trigger(&mut self, symbol: &Symbol, now: Duration) {
        self.timeline.push(
            now,
            Entry::Trigger {
                data: symbol.data.clone(),
                sent: self.scanning,
            },
        );
        if !self.scanning {
            return;
        }
        if self.param(PARAM_BEEP_AFTER_GOOD_DECODE) != 0 {
            self.timeline.push(now, Entry::Tone(Tone::Good));
        }
        if self.param(PARAM_DECODE_PACKET_FORMAT) == 1 {
            let chunks: Vec<&[u8]> = if symbol.data.is_empty() {
                vec![&[]]
            } else {
                symbol.data.chunks(self.max_chunk.max(1)).collect()
            };
            let n = chunks.len();
            for (i, chunk) in chunks.into_iter().enumerate() {
                let status = if i + 1 < n { 0x02 } else { 0x00 };
                let mut data = vec![symbol.ssi_type];
                data.extend_from_slice(chunk);
                self.queue.push(ssi_packet(op::DECODE_DATA, status, &data));
            }
            self.send_next_decode(now);
        } else {
            let mut raw = symbol.data.clone();
            raw.extend_from_slice(b"\r\n");
            self.send(raw, now);
        }
    }

    fn poll(&mut self, _now: Duration) {}

    fn power_cycle(&mut self, now: Duration) {
        self.temporary.clear();
        self.queue.clear();
        self.in_flight = None;
        self.input.clear();
        self.scanning = true;
        self.timeline.push(now, Entry::PowerCycle);
    }

    fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

// ---- Plain -----------------------------------------------------------------------------

/// A scanner that sends framed text and takes no commands (Datalogic USB-COM-STD, generic
/// CDC). It beeps at decode time: nothing the host sends changes that.
pub struct PlainFake {
    suffix: Vec<u8>,
    aim: bool,
    output: Vec<u8>,
    timeline: Timeline,
}

impl PlainFake {
    pub fn new(suffix: &[u8], aim: bool) -> PlainFake {
        PlainFake {
            suffix: suffix.to_vec(),
            aim,
            output: Vec::new(),
            timeline: Timeline::default(),
        }
    }
}

impl FakeDevice for PlainFake {
    fn receive(&mut self, bytes: &[u8], now: Duration) {
        self.timeline.push(now, Entry::HostToDevice(bytes.to_vec()));
    }

    fn trigger(&mut self, symbol: &Symbol, now: Duration) {
        self.timeline.push(
            now,
            Entry::Trigger {
                data: symbol.data.clone(),
                sent: true,
            },
        );
        self.timeline.push(now, Entry::Tone(Tone::Good));
        let mut out = Vec::new();
        if self.aim {
            out.extend_from_slice(&symbol.aim);
        }
        out.extend_from_slice(&symbol.data);
        out.extend_from_slice(&self.suffix);
        self.timeline.push(now, Entry::DeviceToHost(out.clone()));
        self.output.extend(out);
    }

    fn poll(&mut self, _now: Duration) {}

    fn power_cycle(&mut self, now: Duration) {
        self.timeline.push(now, Entry::PowerCycle);
    }

    fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    fn timeline(&self) -> &Timeline {
        &self.timeline
    }
}

// ---- an in-memory port -----------------------------------------------------------------

/// A fake device behind `Read + Write`, for [`crate::configure::configure_port`] without a
/// pty. A read with nothing to give returns `TimedOut`, as a serial port does.
pub struct FakePort<'a> {
    pub device: &'a mut dyn FakeDevice,
    start: std::time::Instant,
    pending: Vec<u8>,
}

impl<'a> FakePort<'a> {
    pub fn new(device: &'a mut dyn FakeDevice) -> FakePort<'a> {
        FakePort {
            device,
            start: std::time::Instant::now(),
            pending: Vec::new(),
        }
    }

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

impl std::io::Write for FakePort<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let now = self.now();
        self.device.receive(buf, now);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::io::Read for FakePort<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let now = self.now();
        self.device.poll(now);
        self.pending.extend(self.device.take_output());
        if self.pending.is_empty() {
            std::thread::sleep(Duration::from_millis(1));
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no bytes from the fake device",
            ));
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}
