//! Applying a profile to a scanner: send each init command, check its reply, then read settings
//! back and compare. The reply checking is sans-IO ([`StepCheck`]); [`configure_port`] drives it
//! over any port, [`configure`] opens the port by path.

use crate::honeywell::{self, LineItem, MenuStatus, ReplyDemux};
use crate::ports::open_port;
use crate::profile::{CommandKind, DeviceCommand, Expect, Profile, Protocol};
use crate::ssi::{self, SsiDecoder, SsiEvent};
use std::io::{ErrorKind, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use thiserror::Error;

/// The result of one command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// ACK (and, for a read-back, the expected value).
    Ok,
    /// Sent; the command has no reply to check.
    Sent,
    /// ENQ: this scanner does not know the command.
    Unknown,
    /// NAK: the scanner refused the value.
    BadValue,
    /// No reply in time.
    Timeout,
    /// A read-back answered something else.
    Mismatch { got: String },
    /// The reply could not be read.
    Garbled { detail: String },
    /// Writing to the port failed.
    WriteFailed { detail: String },
}

impl StepOutcome {
    /// Short label for reports: OK, SENT, ENQ, NAK, TIMEOUT, MISMATCH, GARBLED, WRITE FAILED.
    pub fn label(&self) -> &'static str {
        match self {
            StepOutcome::Ok => "OK",
            StepOutcome::Sent => "SENT",
            StepOutcome::Unknown => "ENQ",
            StepOutcome::BadValue => "NAK",
            StepOutcome::Timeout => "TIMEOUT",
            StepOutcome::Mismatch { .. } => "MISMATCH",
            StepOutcome::Garbled { .. } => "GARBLED",
            StepOutcome::WriteFailed { .. } => "WRITE FAILED",
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, StepOutcome::Ok | StepOutcome::Sent)
    }
}

/// One line of the configure report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub what: String,
    pub sent: Vec<u8>,
    pub readback: bool,
    pub outcome: StepOutcome,
}

/// Everything `configure` did, command by command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigureReport {
    pub profile: String,
    pub steps: Vec<StepReport>,
    /// Honeywell `REVINF` text, when the scanner answered it.
    pub revision: Option<String>,
}

impl ConfigureReport {
    pub fn all_ok(&self) -> bool {
        self.steps.iter().all(|s| s.outcome.is_ok())
    }
}

/// Why configuring could not start.
#[derive(Debug, Error)]
pub enum ConfigureError {
    #[error("cannot open {path}: {source}. Check the port with `custody scanner list` and that no other program uses it")]
    Open {
        path: String,
        #[source]
        source: serialport::Error,
    },
}

/// Sans-IO check of the reply to one command.
pub struct StepCheck {
    protocol: Protocol,
    expect_value: Option<Vec<u8>>,
    demux: ReplyDemux,
    ssi: SsiDecoder,
    /// SSI replies to a PARAM_REQUEST come after an ACK; remember we saw it.
    ssi_acked: bool,
}

impl StepCheck {
    /// `expect_value` is set for read-backs.
    pub fn new(
        profile: &Profile,
        command: &DeviceCommand,
        expect_value: Option<Vec<u8>>,
    ) -> StepCheck {
        let mut demux = ReplyDemux::new(&profile.framing.suffix);
        if let CommandKind::Menu(cmd, _) = &command.kind {
            demux.expect_reply(&cmd.tag);
        }
        StepCheck {
            protocol: profile.protocol,
            expect_value,
            demux,
            ssi: SsiDecoder::new(),
            ssi_acked: false,
        }
    }

    /// Feeds reply bytes; returns the outcome once it is known. Scan data in between is skipped.
    pub fn push(&mut self, bytes: &[u8]) -> Option<StepOutcome> {
        match self.protocol {
            Protocol::HoneywellMenu => {
                for item in self.demux.push(bytes) {
                    match item {
                        LineItem::ScanBytes(_) => {}
                        LineItem::Reply(Err((e, raw))) => {
                            return Some(StepOutcome::Garbled {
                                detail: format!("{e}: {}", crate::bytes::escape(&raw)),
                            })
                        }
                        LineItem::Reply(Ok(reply)) => {
                            let statuses: Vec<MenuStatus> =
                                reply.entries.iter().map(|e| e.status).collect();
                            if statuses.contains(&MenuStatus::BadValue) {
                                return Some(StepOutcome::BadValue);
                            }
                            if statuses.contains(&MenuStatus::Unknown) {
                                return Some(StepOutcome::Unknown);
                            }
                            if let Some(expect) = &self.expect_value {
                                let got: Vec<&str> =
                                    reply.entries.iter().map(|e| e.text.as_str()).collect();
                                if got.iter().any(|g| g.as_bytes() == expect.as_slice()) {
                                    return Some(StepOutcome::Ok);
                                }
                                return Some(StepOutcome::Mismatch { got: got.join(";") });
                            }
                            return Some(StepOutcome::Ok);
                        }
                    }
                }
                None
            }
            Protocol::ZebraSsi => {
                for ev in self.ssi.push(bytes) {
                    let SsiEvent::Packet(p) = ev else { continue };
                    match p.opcode {
                        ssi::opcode::NAK => return Some(StepOutcome::BadValue),
                        ssi::opcode::ACK if self.expect_value.is_none() => {
                            return Some(StepOutcome::Ok)
                        }
                        ssi::opcode::ACK => self.ssi_acked = true,
                        ssi::opcode::PARAM_SEND => {
                            if let Some(expect) = &self.expect_value {
                                let found =
                                    p.data.windows(expect.len()).any(|w| w == expect.as_slice());
                                return Some(if found {
                                    StepOutcome::Ok
                                } else {
                                    StepOutcome::Mismatch {
                                        got: crate::bytes::to_hex(&p.data),
                                    }
                                });
                            }
                        }
                        _ => {}
                    }
                }
                None
            }
            Protocol::Plain => Some(StepOutcome::Sent),
        }
    }
}

/// Applies `profile` over an open port. Each command waits at most `timeout` for its reply.
pub fn configure_port<P: Read + Write + ?Sized>(
    port: &mut P,
    profile: &Profile,
    timeout: Duration,
) -> ConfigureReport {
    let mut steps = Vec::new();
    for cmd in &profile.init {
        steps.push(run_step(port, profile, cmd, None, timeout));
    }
    for rb in &profile.readback {
        steps.push(run_step(
            port,
            profile,
            &rb.command,
            Some(rb.expect.clone()),
            timeout,
        ));
    }
    let revision = if profile.protocol == Protocol::HoneywellMenu {
        query_revision(port, timeout)
    } else {
        None
    };
    ConfigureReport {
        profile: profile.name.clone(),
        steps,
        revision,
    }
}

fn run_step<P: Read + Write + ?Sized>(
    port: &mut P,
    profile: &Profile,
    cmd: &DeviceCommand,
    expect_value: Option<Vec<u8>>,
    timeout: Duration,
) -> StepReport {
    let sent = cmd.bytes();
    let readback = expect_value.is_some();
    let mut report = StepReport {
        what: cmd.what.clone(),
        sent: sent.clone(),
        readback,
        outcome: StepOutcome::Sent,
    };
    if let Err(e) = port.write_all(&sent).and_then(|_| port.flush()) {
        report.outcome = StepOutcome::WriteFailed {
            detail: e.to_string(),
        };
        return report;
    }
    if cmd.expect == Expect::Nothing && !readback {
        return report;
    }
    let mut check = StepCheck::new(profile, cmd, expect_value);
    report.outcome =
        read_until(port, timeout, |bytes| check.push(bytes)).unwrap_or(StepOutcome::Timeout);
    report
}

fn read_until<P: Read + ?Sized, T>(
    port: &mut P,
    timeout: Duration,
    mut f: impl FnMut(&[u8]) -> Option<T>,
) -> Option<T> {
    let deadline = Instant::now() + timeout;
    let mut buf = [0u8; 512];
    while Instant::now() < deadline {
        match port.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => {
                if let Some(out) = f(&buf[..n]) {
                    return Some(out);
                }
            }
            Err(e)
                if e.kind() == ErrorKind::TimedOut
                    || e.kind() == ErrorKind::Interrupted
                    || e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => return None,
        }
    }
    None
}

fn query_revision<P: Read + Write + ?Sized>(port: &mut P, timeout: Duration) -> Option<String> {
    port.write_all(&honeywell::revinf()).ok()?;
    let mut demux = ReplyDemux::new(b"\r\n");
    demux.expect_reply("REV");
    read_until(port, timeout, |bytes| {
        demux.push(bytes).into_iter().find_map(|item| match item {
            LineItem::Reply(Ok(r)) => Some(
                r.entries
                    .iter()
                    .map(|e| e.text.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        })
    })
}

/// Opens `port_path` with the profile's line settings and applies the profile.
pub fn configure(
    port_path: &Path,
    profile: &Profile,
    timeout: Duration,
) -> Result<ConfigureReport, ConfigureError> {
    let mut port =
        open_port(port_path, &profile.line, Duration::from_millis(50)).map_err(|source| {
            ConfigureError::Open {
                path: port_path.display().to_string(),
                source,
            }
        })?;
    Ok(configure_port(&mut *port, profile, timeout))
}
