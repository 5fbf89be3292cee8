//! Device profiles: one TOML file per scanner model in firmware-config/, checked against a
//! schema on load (errors name the file, the field and what is wrong). All files shipped in the
//! repository are compiled in, so the binary works from any directory.

use crate::bytes::{parse_hex, ByteTextError};
use crate::framer::Framing;
use crate::honeywell::{self, MenuCommand, Storage};
use crate::ssi::Packet;
use serde::Deserialize;
use std::path::Path;
use std::time::Duration;
use thiserror::Error;

macro_rules! builtin {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../firmware-config/", $name, ".toml")),
        )
    };
}

/// Profiles compiled into the crate: (name, TOML text). The name is the file stem.
pub const BUILTIN: &[(&str, &str)] = &[
    builtin!("honeywell-xenon-1950g"),
    builtin!("honeywell-xenon-1952g"),
    builtin!("honeywell-granit-1911i"),
    builtin!("honeywell-granit-1981i"),
    builtin!("honeywell-voyager-1450g"),
    builtin!("zebra-ds2208"),
    builtin!("zebra-ds3678"),
    builtin!("zebra-ds8178"),
    builtin!("datalogic-gryphon-gd4500"),
    builtin!("datalogic-quickscan-qd2500"),
    builtin!("generic-cdc"),
];

/// A profile that could not be loaded.
#[derive(Debug, Error)]
pub enum ProfileError {
    #[error("{file}: not valid TOML or not the profile schema: {message}. Compare with firmware-config/generic-cdc.toml")]
    Syntax { file: String, message: String },
    #[error("{file}: field `{field}`: {problem}")]
    Invalid {
        file: String,
        field: String,
        problem: String,
    },
    #[error("no scanner profile named '{name}'. Run `custody scanner profiles` to see the names")]
    NotFound { name: String },
    #[error("{file}: cannot read the file: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

/// How the host talks to the scanner beyond plain scan data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Honeywell `SYN M CR` menu commands; scans are framed text.
    HoneywellMenu,
    /// Zebra SSI packets for commands and scans.
    ZebraSsi,
    /// Scans are framed text; no commands.
    Plain,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::HoneywellMenu => "honeywell-menu",
            Protocol::ZebraSsi => "zebra-ssi",
            Protocol::Plain => "plain",
        }
    }
}

/// A USB mode of the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsbModeKind {
    Keyboard,
    Serial,
    HidPos,
}

/// USB identity in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbMode {
    pub kind: UsbModeKind,
    /// Product id, when documented; detection does not rely on it.
    pub product_id: Option<u16>,
    /// USB interface class in this mode: 0x03 HID, 0x02 CDC communications.
    pub interface_class: u8,
    /// How a person puts the scanner into this mode.
    pub how: String,
}

/// Serial line settings (ignored by USB CDC devices, but kept for RS-232 cables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSettings {
    pub baud: u32,
    pub data_bits: u8,
    pub parity: Parity,
    pub stop_bits: u8,
    pub flow_control: FlowControl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parity {
    None,
    Even,
    Odd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowControl {
    None,
    Hardware,
    Software,
}

/// What a command should get back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// A Honeywell ACK, or an SSI ACK packet.
    Ack,
    /// Nothing: the command has no reply (e.g. `SYN BEL CR`).
    Nothing,
}

/// A command's bytes, by protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandKind {
    Menu(MenuCommand, Storage),
    Ssi(Packet),
    Raw(Vec<u8>),
}

/// One command from a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCommand {
    /// What the command does, for the person reading the configure report.
    pub what: String,
    pub kind: CommandKind,
    pub expect: Expect,
    /// Honeywell cordless: the `:Name:` the menu command is addressed to (`*` = the linked
    /// scanner). None sends it to whatever is on the cable (the base, on a cordless set).
    pub address: Option<String>,
}

impl DeviceCommand {
    /// The bytes to write to the port.
    pub fn bytes(&self) -> Vec<u8> {
        match &self.kind {
            CommandKind::Menu(cmd, storage) => honeywell::encode_addressed(
                std::slice::from_ref(cmd),
                *storage,
                self.address.as_deref(),
            )
            .unwrap_or_default(),
            CommandKind::Ssi(packet) => packet.encode().unwrap_or_default(),
            CommandKind::Raw(bytes) => bytes.clone(),
        }
    }
}

/// A query whose answer must match after configuring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readback {
    pub command: DeviceCommand,
    /// Honeywell: the reply entry text (e.g. `TRMUSB130`). SSI: bytes the reply data must contain.
    pub expect: Vec<u8>,
}

/// Where the profile's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// Fields taken from vendor documentation.
    pub documented: Vec<String>,
    /// Fields that are assumptions, to be checked on a real device.
    pub assumed: Vec<String>,
    /// Documents referred to.
    pub references: Vec<String>,
}

/// A validated scanner profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The file stem, e.g. `honeywell-xenon-1950g`.
    pub name: String,
    pub vendor: String,
    pub model: String,
    pub protocol: Protocol,
    /// USB vendor ids; empty means "any vendor" (the generic profile).
    pub vendor_ids: Vec<u16>,
    pub usb_modes: Vec<UsbMode>,
    pub line: LineSettings,
    pub framing: Framing,
    pub init: Vec<DeviceCommand>,
    pub readback: Vec<Readback>,
    pub feedback_good: Vec<DeviceCommand>,
    pub feedback_bad: Vec<DeviceCommand>,
    /// The init turns off the device's own good-read beep and the host sends the good or error
    /// tone after the commit (`[feedback] host_confirmed = true`).
    pub host_confirmed: bool,
    /// Honeywell cordless: the `:Name:` every init and read-back menu command is sent to.
    pub menu_address: Option<String>,
    pub sources: Sources,
}

/// What the officer's scanner itself tells them, for `custody scanner list` and the kiosk's
/// scanner status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackCapability {
    /// The scanner stays silent at decode and sounds the good or the error tone only when
    /// Custody answers after the commit: its beep means "recorded".
    HostConfirmed,
    /// The scanner beeps on every good decode, before Custody has committed anything.
    BeepsOnRead,
}

/// The words shown for a scanner that beeps on its own at decode time.
pub const BEEPS_ON_READ_TEXT: &str = "this scanner beeps on read; the screen confirms the record";
/// The words shown for a scanner whose beep comes only after the commit.
pub const HOST_CONFIRMED_TEXT: &str =
    "this scanner beeps only after the record is committed (error tone when refused)";

impl FeedbackCapability {
    /// A plain sentence for the person at the scanner.
    pub fn text(self) -> &'static str {
        match self {
            FeedbackCapability::HostConfirmed => HOST_CONFIRMED_TEXT,
            FeedbackCapability::BeepsOnRead => BEEPS_ON_READ_TEXT,
        }
    }

    /// Whether the device's own beep keeps the promise "the beep means it is in the ledger".
    pub fn keeps_the_promise(self) -> bool {
        self == FeedbackCapability::HostConfirmed
    }
}

/// The capability of a keyboard-wedge scanner (USB HID keyboard mode): it always beeps on read.
pub fn keyboard_wedge_capability() -> FeedbackCapability {
    FeedbackCapability::BeepsOnRead
}

/// USB interface class of CDC communications (what a serial-mode scanner shows).
pub const CLASS_CDC: u8 = 0x02;
/// USB interface class of HID (keyboard and HID POS modes).
pub const CLASS_HID: u8 = 0x03;

impl Profile {
    /// Whether this scanner's own beep waits for Custody's commit, or sounds at decode time.
    pub fn feedback_capability(&self) -> FeedbackCapability {
        if self.host_confirmed {
            FeedbackCapability::HostConfirmed
        } else {
            FeedbackCapability::BeepsOnRead
        }
    }

    /// Whether a USB serial port with this vendor id and interface class fits this profile.
    pub fn matches_usb(&self, vendor_id: u16, interface_class: Option<u8>) -> bool {
        let vendor_ok = self.vendor_ids.is_empty() || self.vendor_ids.contains(&vendor_id);
        let class_ok = match interface_class {
            Some(class) => self
                .usb_modes
                .iter()
                .any(|m| m.kind == UsbModeKind::Serial && m.interface_class == class),
            None => true,
        };
        vendor_ok && class_ok
    }
}

// ---- file schema -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProfile {
    schema: u32,
    vendor: String,
    model: String,
    protocol: String,
    usb: FileUsb,
    line: FileLine,
    framing: FileFraming,
    #[serde(default)]
    init: Vec<FileCommand>,
    #[serde(default)]
    readback: Vec<FileReadback>,
    /// Honeywell cordless: `:Name:` for init and read-back commands (`*` = linked scanner).
    menu_address: Option<String>,
    feedback: FileFeedback,
    sources: FileSources,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUsb {
    vendor_ids: Vec<String>,
    keyboard: Option<FileUsbMode>,
    serial: Option<FileUsbMode>,
    hid_pos: Option<FileUsbMode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUsbMode {
    product_id: Option<String>,
    interface_class: String,
    how: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLine {
    baud: u32,
    data_bits: u8,
    parity: String,
    stop_bits: u8,
    flow_control: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFraming {
    prefix: String,
    suffix: String,
    aim: bool,
    idle_flush_ms: Option<u64>,
    max_len: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCommand {
    what: String,
    menu: Option<String>,
    ssi: Option<String>,
    raw: Option<String>,
    expect: Option<String>,
    /// SSI PARAM_SEND: status bit 3 set, the change survives a power cycle.
    permanent: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileReadback {
    what: String,
    menu: Option<String>,
    ssi: Option<String>,
    expect: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFeedback {
    good: Vec<FileCommand>,
    bad: Vec<FileCommand>,
    #[serde(default)]
    host_confirmed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSources {
    documented: Vec<String>,
    assumed: Vec<String>,
    references: Vec<String>,
}

/// Top-level fields that `[sources]` may name.
const KNOWN_FIELDS: &[&str] = &[
    "vendor",
    "model",
    "protocol",
    "usb.vendor_ids",
    "usb.keyboard",
    "usb.serial",
    "usb.hid_pos",
    "usb.keyboard.product_id",
    "usb.serial.product_id",
    "usb.hid_pos.product_id",
    "usb.keyboard.how",
    "usb.serial.how",
    "usb.hid_pos.how",
    "line",
    "framing",
    "framing.aim",
    "init",
    "readback",
    "feedback.good",
    "feedback.bad",
    "feedback.host_confirmed",
    "menu_address",
];

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(&self, field: impl Into<String>, problem: impl Into<String>) -> ProfileError {
        ProfileError::Invalid {
            file: self.file.to_string(),
            field: field.into(),
            problem: problem.into(),
        }
    }

    fn hex_u16(&self, field: &str, text: &str) -> Result<u16, ProfileError> {
        let t = text.trim_start_matches("0x");
        if t.len() != 4 {
            return Err(self.err(
                field,
                format!("'{text}' is not a 4-digit hex USB id such as \"0c2e\""),
            ));
        }
        u16::from_str_radix(t, 16).map_err(|_| {
            self.err(
                field,
                format!("'{text}' is not a 4-digit hex USB id such as \"0c2e\""),
            )
        })
    }

    fn bytes_text(&self, field: &str, text: &str) -> Result<Vec<u8>, ProfileError> {
        crate::bytes::unescape(text).map_err(|e: ByteTextError| self.err(field, e.to_string()))
    }
}

/// Parses and checks a profile. `file` is used in error messages; the profile's name is its stem.
pub fn parse_profile(file: &str, text: &str) -> Result<Profile, ProfileError> {
    let raw: FileProfile = toml::from_str(text).map_err(|e| ProfileError::Syntax {
        file: file.to_string(),
        message: e.message().to_string()
            + &e.span()
                .map(|s| format!(" (at byte {})", s.start))
                .unwrap_or_default(),
    })?;
    let cx = Ctx { file };
    if raw.schema != 1 {
        return Err(cx.err(
            "schema",
            format!(
                "version {} is not known; this build reads schema = 1",
                raw.schema
            ),
        ));
    }
    if raw.vendor.trim().is_empty() {
        return Err(cx.err("vendor", "must not be empty"));
    }
    if raw.model.trim().is_empty() {
        return Err(cx.err("model", "must not be empty"));
    }
    let protocol = match raw.protocol.as_str() {
        "honeywell-menu" => Protocol::HoneywellMenu,
        "zebra-ssi" => Protocol::ZebraSsi,
        "plain" => Protocol::Plain,
        other => {
            return Err(cx.err(
                "protocol",
                format!("'{other}' is not one of honeywell-menu, zebra-ssi, plain"),
            ))
        }
    };
    let vendor_ids = raw
        .usb
        .vendor_ids
        .iter()
        .map(|v| cx.hex_u16("usb.vendor_ids", v))
        .collect::<Result<Vec<_>, _>>()?;
    let mut usb_modes = Vec::new();
    for (kind, key, mode) in [
        (UsbModeKind::Keyboard, "usb.keyboard", &raw.usb.keyboard),
        (UsbModeKind::Serial, "usb.serial", &raw.usb.serial),
        (UsbModeKind::HidPos, "usb.hid_pos", &raw.usb.hid_pos),
    ] {
        let Some(mode) = mode else { continue };
        let product_id = match &mode.product_id {
            Some(p) => Some(cx.hex_u16(&format!("{key}.product_id"), p)?),
            None => None,
        };
        let interface_class = match mode.interface_class.as_str() {
            "hid" => CLASS_HID,
            "cdc" | "cdc-acm" => CLASS_CDC,
            "vendor" => 0xFF,
            other => {
                return Err(cx.err(
                    format!("{key}.interface_class"),
                    format!("'{other}' is not one of hid, cdc-acm, vendor"),
                ))
            }
        };
        usb_modes.push(UsbMode {
            kind,
            product_id,
            interface_class,
            how: mode.how.clone(),
        });
    }
    if !usb_modes.iter().any(|m| m.kind == UsbModeKind::Serial) {
        return Err(cx.err(
            "usb.serial",
            "is missing: every profile describes the USB serial mode Custody uses",
        ));
    }

    if let Some(name) = &raw.menu_address {
        if protocol != Protocol::HoneywellMenu {
            return Err(cx.err(
                "menu_address",
                "only Honeywell menu profiles address a device",
            ));
        }
        honeywell::check_address(name).map_err(|e| cx.err("menu_address", e.to_string()))?;
    }
    let with_address = |mut c: DeviceCommand| {
        if matches!(c.kind, CommandKind::Menu(..)) {
            c.address = raw.menu_address.clone();
        }
        c
    };
    let line = parse_line(&cx, &raw.line)?;
    let framing = parse_framing(&cx, &raw.framing)?;
    let init = raw
        .init
        .iter()
        .enumerate()
        .map(|(i, c)| {
            parse_command(&cx, &format!("init[{i}]"), c, protocol, Storage::Flash).map(with_address)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let readback = raw
        .readback
        .iter()
        .enumerate()
        .map(|(i, r)| {
            parse_readback(&cx, &format!("readback[{i}]"), r, protocol).map(|mut r| {
                r.command = with_address(r.command);
                r
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let feedback_good = raw
        .feedback
        .good
        .iter()
        .enumerate()
        .map(|(i, c)| {
            parse_command(
                &cx,
                &format!("feedback.good[{i}]"),
                c,
                protocol,
                Storage::Ram,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let feedback_bad = raw
        .feedback
        .bad
        .iter()
        .enumerate()
        .map(|(i, c)| {
            parse_command(
                &cx,
                &format!("feedback.bad[{i}]"),
                c,
                protocol,
                Storage::Ram,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;

    for (key, list) in [
        ("sources.documented", &raw.sources.documented),
        ("sources.assumed", &raw.sources.assumed),
    ] {
        for field in list {
            if !KNOWN_FIELDS.contains(&field.as_str()) {
                return Err(cx.err(
                    key,
                    format!(
                        "'{field}' is not a profile field; use one of: {}",
                        KNOWN_FIELDS.join(", ")
                    ),
                ));
            }
        }
    }
    if raw.feedback.host_confirmed && (feedback_good.is_empty() || feedback_bad.is_empty()) {
        return Err(cx.err(
            "feedback.host_confirmed",
            "is true but good or bad has no command: the host cannot sound a tone it has no command for",
        ));
    }
    if raw.sources.documented.is_empty() && raw.sources.assumed.is_empty() {
        return Err(cx.err("sources", "say which fields come from vendor documentation (documented) and which are assumptions (assumed)"));
    }

    let name = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    Ok(Profile {
        name,
        vendor: raw.vendor,
        model: raw.model,
        protocol,
        vendor_ids,
        usb_modes,
        line,
        framing,
        init,
        readback,
        feedback_good,
        feedback_bad,
        host_confirmed: raw.feedback.host_confirmed,
        menu_address: raw.menu_address,
        sources: Sources {
            documented: raw.sources.documented,
            assumed: raw.sources.assumed,
            references: raw.sources.references,
        },
    })
}

fn parse_line(cx: &Ctx, line: &FileLine) -> Result<LineSettings, ProfileError> {
    if !(300..=921_600).contains(&line.baud) {
        return Err(cx.err("line.baud", format!("{} is outside 300..921600", line.baud)));
    }
    if !(5..=8).contains(&line.data_bits) {
        return Err(cx.err("line.data_bits", "must be 5, 6, 7 or 8"));
    }
    if !(1..=2).contains(&line.stop_bits) {
        return Err(cx.err("line.stop_bits", "must be 1 or 2"));
    }
    let parity = match line.parity.as_str() {
        "none" => Parity::None,
        "even" => Parity::Even,
        "odd" => Parity::Odd,
        other => {
            return Err(cx.err(
                "line.parity",
                format!("'{other}' is not one of none, even, odd"),
            ))
        }
    };
    let flow_control = match line.flow_control.as_str() {
        "none" => FlowControl::None,
        "hardware" | "rts-cts" => FlowControl::Hardware,
        "software" | "xon-xoff" => FlowControl::Software,
        other => {
            return Err(cx.err(
                "line.flow_control",
                format!("'{other}' is not one of none, hardware, software"),
            ))
        }
    };
    Ok(LineSettings {
        baud: line.baud,
        data_bits: line.data_bits,
        parity,
        stop_bits: line.stop_bits,
        flow_control,
    })
}

fn parse_framing(cx: &Ctx, f: &FileFraming) -> Result<Framing, ProfileError> {
    let framing = Framing {
        prefix: cx.bytes_text("framing.prefix", &f.prefix)?,
        suffix: cx.bytes_text("framing.suffix", &f.suffix)?,
        idle_flush: f.idle_flush_ms.map(Duration::from_millis),
        max_len: f.max_len.unwrap_or(Framing::DEFAULT_MAX_LEN),
        aim: f.aim,
    };
    framing
        .validate()
        .map_err(|e| cx.err("framing", e.to_string()))?;
    Ok(framing)
}

fn parse_command(
    cx: &Ctx,
    field: &str,
    c: &FileCommand,
    protocol: Protocol,
    default_storage: Storage,
) -> Result<DeviceCommand, ProfileError> {
    let set = [c.menu.is_some(), c.ssi.is_some(), c.raw.is_some()]
        .iter()
        .filter(|x| **x)
        .count();
    if set != 1 {
        return Err(cx.err(
            field,
            "give exactly one of menu = \"...\", ssi = \"...\" or raw = \"...\"",
        ));
    }
    let kind = if let Some(menu) = &c.menu {
        if protocol != Protocol::HoneywellMenu {
            return Err(cx.err(
                format!("{field}.menu"),
                format!(
                    "menu commands need protocol honeywell-menu, not {}",
                    protocol.name()
                ),
            ));
        }
        let (text, storage) = match menu.strip_suffix('.') {
            Some(t) => (t, Storage::Flash),
            None => match menu.strip_suffix('!') {
                Some(t) => (t, Storage::Ram),
                None => (menu.as_str(), default_storage),
            },
        };
        let cmd =
            MenuCommand::parse(text).map_err(|e| cx.err(format!("{field}.menu"), e.to_string()))?;
        CommandKind::Menu(cmd, storage)
    } else if let Some(text) = &c.ssi {
        if protocol != Protocol::ZebraSsi {
            return Err(cx.err(
                format!("{field}.ssi"),
                format!(
                    "SSI packets need protocol zebra-ssi, not {}",
                    protocol.name()
                ),
            ));
        }
        let bytes = parse_hex(text).map_err(|e| cx.err(format!("{field}.ssi"), e.to_string()))?;
        let Some((&op, data)) = bytes.split_first() else {
            return Err(cx.err(
                format!("{field}.ssi"),
                "write the opcode then the data in hex, e.g. \"E6 00\"",
            ));
        };
        let mut packet = Packet::host(op, data);
        if c.permanent == Some(true) {
            if op != crate::ssi::opcode::PARAM_SEND {
                return Err(cx.err(
                    format!("{field}.permanent"),
                    "only PARAM_SEND (C6) changes can be permanent",
                ));
            }
            packet.status |= crate::ssi::STATUS_PERMANENT;
        }
        packet
            .encode()
            .map_err(|e| cx.err(format!("{field}.ssi"), e.to_string()))?;
        CommandKind::Ssi(packet)
    } else {
        let text = c.raw.as_deref().unwrap_or_default();
        let bytes = parse_hex(text).map_err(|e| cx.err(format!("{field}.raw"), e.to_string()))?;
        if bytes.is_empty() {
            return Err(cx.err(format!("{field}.raw"), "is empty"));
        }
        CommandKind::Raw(bytes)
    };
    let expect = match c.expect.as_deref() {
        Some("ack") => Expect::Ack,
        Some("nothing") | None => Expect::Nothing,
        Some(other) => {
            return Err(cx.err(
                format!("{field}.expect"),
                format!("'{other}' is not one of ack, nothing"),
            ))
        }
    };
    if expect == Expect::Ack && matches!(kind, CommandKind::Raw(_)) {
        return Err(cx.err(
            format!("{field}.expect"),
            "raw commands have no reply to check; use expect = \"nothing\"",
        ));
    }
    if c.permanent.is_some() && !matches!(kind, CommandKind::Ssi(_)) {
        return Err(cx.err(
            format!("{field}.permanent"),
            "only SSI PARAM_SEND commands take permanent; Honeywell menu commands end in . (non-volatile) or ! (volatile)",
        ));
    }
    Ok(DeviceCommand {
        what: c.what.clone(),
        kind,
        expect,
        address: None,
    })
}

fn parse_readback(
    cx: &Ctx,
    field: &str,
    r: &FileReadback,
    protocol: Protocol,
) -> Result<Readback, ProfileError> {
    let cmd = FileCommand {
        what: r.what.clone(),
        menu: r.menu.clone(),
        ssi: r.ssi.clone(),
        raw: None,
        expect: Some("ack".to_string()),
        permanent: None,
    };
    let command = parse_command(cx, field, &cmd, protocol, Storage::Flash)?;
    let expect = match protocol {
        Protocol::ZebraSsi => {
            parse_hex(&r.expect).map_err(|e| cx.err(format!("{field}.expect"), e.to_string()))?
        }
        _ => r.expect.as_bytes().to_vec(),
    };
    if expect.is_empty() {
        return Err(cx.err(format!("{field}.expect"), "is empty"));
    }
    Ok(Readback { command, expect })
}

/// Loads one profile file from disk.
pub fn load_file(path: &Path) -> Result<Profile, ProfileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
        file: file.clone(),
        source,
    })?;
    parse_profile(&file, &text)
}

/// Loads every `*.toml` in a folder, sorted by name.
pub fn load_dir(dir: &Path) -> Result<Vec<Profile>, ProfileError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ProfileError::Io {
        file: dir.display().to_string(),
        source,
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load_file(p)).collect()
}

/// The profiles compiled into this build.
pub fn builtin_profiles() -> Result<Vec<Profile>, ProfileError> {
    BUILTIN
        .iter()
        .map(|(name, text)| parse_profile(&format!("firmware-config/{name}.toml"), text))
        .collect()
}

/// A compiled-in profile by name (file stem), e.g. `honeywell-xenon-1950g`.
pub fn builtin_profile(name: &str) -> Result<Profile, ProfileError> {
    let Some((stem, text)) = BUILTIN.iter().find(|(n, _)| *n == name) else {
        return Err(ProfileError::NotFound {
            name: name.to_string(),
        });
    };
    parse_profile(&format!("firmware-config/{stem}.toml"), text)
}

/// Picks the profile for a detected port: vendor id and CDC class first, then the model name in
/// the USB product string, then the vendor's first profile, then `generic-cdc`.
pub fn match_profile<'a>(
    profiles: &'a [Profile],
    vendor_id: u16,
    interface_class: Option<u8>,
    product: Option<&str>,
) -> Option<&'a Profile> {
    let vendor: Vec<&Profile> = profiles
        .iter()
        .filter(|p| !p.vendor_ids.is_empty() && p.matches_usb(vendor_id, interface_class))
        .collect();
    if let Some(product) = product {
        let norm = |s: &str| s.to_ascii_lowercase().replace([' ', '-'], "");
        let product = norm(product);
        if let Some(p) = vendor.iter().find(|p| {
            let model = norm(&p.model);
            let short = norm(p.model.split_whitespace().last().unwrap_or(&p.model));
            product.contains(&model) || product.contains(&short)
        }) {
            return Some(p);
        }
    }
    if let Some(p) = vendor.first() {
        return Some(p);
    }
    profiles
        .iter()
        .find(|p| p.vendor_ids.is_empty() && p.matches_usb(vendor_id, interface_class))
}
