//! The scanner driver the kiosk and CLI use: a background thread reads the port, decodes and
//! debounces scans, delivers [`ScanEvent`]s on a channel, and reconnects after an unplug.
//! Feedback (beep/LED) is sent only when the caller acknowledges a scan after its commit.

use crate::decoder::{LineDecoder, LineError, LineEvent};
use crate::framer::FramingError;
use crate::ports::open_port;
use crate::profile::Profile;
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Identifies a scan within one session, for [`ScannerSession::acknowledge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScanId(pub u64);

/// A scan as delivered to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub id: ScanId,
    pub line: crate::decoder::LineScan,
    pub received_at: Instant,
}

/// What the caller did with a scan, which decides the feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Committed to the ledger: good-read feedback.
    Accepted,
    /// Refused by a rule or error: bad-read feedback.
    Refused,
}

/// Everything the session reports, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEvent {
    /// The port is open (first time).
    Connected { path: PathBuf },
    /// The port is not there yet; the session keeps trying.
    Waiting { path: PathBuf, reason: String },
    /// A new scan. Acknowledge it after committing.
    Scan(Scan),
    /// The same code again within the debounce window: not a new scan, but reported.
    Duplicate {
        id: ScanId,
        of: ScanId,
        data: Vec<u8>,
    },
    /// Bytes that did not form a good scan (kept inside the error).
    LineError(LineError),
    /// A Honeywell menu reply or SSI packet that arrived outside `configure`.
    DeviceReply(String),
    /// The port went away (unplugged); the session keeps trying to reopen it.
    Disconnected { reason: String },
    /// The port is back after a disconnect.
    Reconnected { path: PathBuf },
    /// Feedback for a scan could not be sent.
    FeedbackFailed { id: ScanId, reason: String },
    /// The session thread ended.
    Stopped,
}

/// Settings of a session.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub path: PathBuf,
    pub profile: Profile,
    /// Same code again within this window (since its last read) is a duplicate.
    pub debounce: Duration,
    /// How often to retry opening a missing port.
    pub reconnect_poll: Duration,
    /// How long one read waits; bounds shutdown and idle-flush latency.
    pub read_timeout: Duration,
    /// Send the profile's init commands each time the port opens (first time and after every
    /// replug), so a scanner that lost volatile settings at a power cycle gets them back. The
    /// answers arrive as [`ScanEvent::DeviceReply`]; `custody scanner configure` remains the
    /// way to check them.
    pub reinit_on_connect: bool,
}

impl SessionConfig {
    pub fn new(path: impl Into<PathBuf>, profile: Profile) -> SessionConfig {
        SessionConfig {
            path: path.into(),
            profile,
            debounce: Duration::from_millis(800),
            reconnect_poll: Duration::from_millis(250),
            read_timeout: Duration::from_millis(20),
            reinit_on_connect: false,
        }
    }
}

/// Why a session could not start or take a command.
#[derive(Debug, Error)]
pub enum SessionError {
    #[error("the profile's framing cannot work: {0}")]
    Framing(#[from] FramingError),
    #[error("could not start the scanner thread: {0}")]
    Thread(std::io::Error),
    #[error("the scanner session has stopped; start a new one")]
    Stopped,
}

/// Verdict of the debouncer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    New(ScanId),
    Duplicate { id: ScanId, of: ScanId },
}

/// Sans-IO debouncer: the same data again within the window (measured from its previous read,
/// so a held trigger stays one scan) is a duplicate of the first.
#[derive(Debug, Clone)]
pub struct Debouncer {
    window: Duration,
    last: Option<(Vec<u8>, Instant, ScanId)>,
    next: u64,
}

impl Debouncer {
    pub fn new(window: Duration) -> Debouncer {
        Debouncer {
            window,
            last: None,
            next: 1,
        }
    }

    pub fn check(&mut self, data: &[u8], now: Instant) -> Verdict {
        let id = ScanId(self.next);
        self.next += 1;
        if let Some((prev, at, of)) = &mut self.last {
            if prev.as_slice() == data && now.saturating_duration_since(*at) < self.window {
                *at = now;
                return Verdict::Duplicate { id, of: *of };
            }
        }
        self.last = Some((data.to_vec(), now, id));
        Verdict::New(id)
    }
}

enum Control {
    Feedback(ScanId, Outcome),
    Stop,
}

/// A running scanner session. Dropping it stops the thread.
pub struct ScannerSession {
    events: Receiver<ScanEvent>,
    control: Sender<Control>,
    thread: Option<JoinHandle<()>>,
}

impl ScannerSession {
    /// Starts the reader thread. A missing port is not an error: the session reports
    /// `Waiting` and opens it when it appears.
    pub fn start(config: SessionConfig) -> Result<ScannerSession, SessionError> {
        let decoder = LineDecoder::new(config.profile.protocol, config.profile.framing.clone())?;
        let (ev_tx, ev_rx) = mpsc::channel();
        let (ctl_tx, ctl_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("custody-scanner".into())
            .spawn(move || Reader::new(config, decoder, ev_tx, ctl_rx).run())
            .map_err(SessionError::Thread)?;
        Ok(ScannerSession {
            events: ev_rx,
            control: ctl_tx,
            thread: Some(thread),
        })
    }

    /// The event channel.
    pub fn events(&self) -> &Receiver<ScanEvent> {
        &self.events
    }

    /// Waits up to `timeout` for the next event.
    pub fn next_event(&self, timeout: Duration) -> Option<ScanEvent> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Sends the profile's good or bad feedback for a scan. Call it only after the scan's
    /// event is committed (or refused): the scanner's beep tells the officer it is recorded.
    pub fn acknowledge(&self, id: ScanId, outcome: Outcome) -> Result<(), SessionError> {
        self.control
            .send(Control::Feedback(id, outcome))
            .map_err(|_| SessionError::Stopped)
    }

    /// Stops the thread and waits for it; pending partial scans are reported before `Stopped`.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ScannerSession {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Scans waiting for acknowledgement; bounded so a caller that never acknowledges cannot grow it.
const MAX_PENDING_ACKS: usize = 1024;

struct Reader {
    config: SessionConfig,
    decoder: LineDecoder,
    debouncer: Debouncer,
    events: Sender<ScanEvent>,
    control: Receiver<Control>,
    port: Option<Box<dyn serialport::SerialPort>>,
    pending: VecDeque<ScanId>,
    connected_once: bool,
    waiting_reported: bool,
}

impl Reader {
    fn new(
        config: SessionConfig,
        decoder: LineDecoder,
        events: Sender<ScanEvent>,
        control: Receiver<Control>,
    ) -> Reader {
        Reader {
            debouncer: Debouncer::new(config.debounce),
            config,
            decoder,
            events,
            control,
            port: None,
            pending: VecDeque::new(),
            connected_once: false,
            waiting_reported: false,
        }
    }

    fn emit(&self, ev: ScanEvent) {
        // The receiver may be gone; the session then ends at the next Stop or drop.
        let _ = self.events.send(ev);
    }

    fn run(mut self) {
        let mut buf = vec![0u8; 4096];
        loop {
            if self.port.is_none() {
                self.try_open();
                if self.port.is_none() {
                    match self.control.recv_timeout(self.config.reconnect_poll) {
                        Ok(ctl) => {
                            if self.on_control(ctl) {
                                return;
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return self.finish(),
                    }
                    continue;
                }
            }
            loop {
                match self.control.try_recv() {
                    Ok(ctl) => {
                        if self.on_control(ctl) {
                            return;
                        }
                    }
                    Err(mpsc::TryRecvError::Empty) => break,
                    Err(mpsc::TryRecvError::Disconnected) => return self.finish(),
                }
            }
            let Some(port) = self.port.as_mut() else {
                continue;
            };
            match port.read(&mut buf) {
                Ok(0) => self.disconnect(
                    "the scanner stopped sending (end of file): probably unplugged".into(),
                ),
                Ok(n) => {
                    let now = Instant::now();
                    let (events, reply) = self.decoder.push(&buf[..n], now);
                    if !reply.is_empty() {
                        if let Some(port) = self.port.as_mut() {
                            let _ = port.write_all(&reply);
                        }
                    }
                    self.deliver(events, now);
                }
                Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => {
                    let now = Instant::now();
                    let events = self.decoder.poll(now);
                    self.deliver(events, now);
                }
                Err(e) => self.disconnect(format!("reading the scanner failed: {e}")),
            }
        }
    }

    fn try_open(&mut self) {
        match open_port(
            &self.config.path,
            &self.config.profile.line,
            self.config.read_timeout,
        ) {
            Ok(mut port) => {
                if self.config.reinit_on_connect {
                    for cmd in &self.config.profile.init {
                        if let crate::profile::CommandKind::Menu(m, _) = &cmd.kind {
                            self.decoder.expect_menu_reply(&m.tag);
                        }
                        // A failed write shows up as a read error (disconnect) next.
                        let _ = port.write_all(&cmd.bytes());
                    }
                }
                self.port = Some(port);
                self.waiting_reported = false;
                let path = self.config.path.clone();
                if self.connected_once {
                    self.emit(ScanEvent::Reconnected { path });
                } else {
                    self.connected_once = true;
                    self.emit(ScanEvent::Connected { path });
                }
            }
            Err(e) => {
                if !self.waiting_reported && !self.connected_once {
                    self.waiting_reported = true;
                    self.emit(ScanEvent::Waiting {
                        path: self.config.path.clone(),
                        reason: format!("{e}; plug the scanner in, or check the port name with `custody scanner list`"),
                    });
                }
            }
        }
    }

    fn disconnect(&mut self, reason: String) {
        self.port = None;
        let now = Instant::now();
        let events = self.decoder.finish(now);
        self.deliver(events, now);
        self.emit(ScanEvent::Disconnected { reason });
    }

    fn finish(&mut self) {
        let now = Instant::now();
        let events = self.decoder.finish(now);
        self.deliver(events, now);
        self.emit(ScanEvent::Stopped);
    }

    /// Returns true when the thread must end.
    fn on_control(&mut self, ctl: Control) -> bool {
        match ctl {
            Control::Stop => {
                self.finish();
                true
            }
            Control::Feedback(id, outcome) => {
                self.feedback(id, outcome);
                false
            }
        }
    }

    fn feedback(&mut self, id: ScanId, outcome: Outcome) {
        let Some(pos) = self.pending.iter().position(|p| *p == id) else {
            self.emit(ScanEvent::FeedbackFailed {
                id,
                reason: "this scan is unknown or was already acknowledged".into(),
            });
            return;
        };
        self.pending.remove(pos);
        let commands = match outcome {
            Outcome::Accepted => &self.config.profile.feedback_good,
            Outcome::Refused => &self.config.profile.feedback_bad,
        };
        let bytes: Vec<u8> = commands.iter().flat_map(|c| c.bytes()).collect();
        if bytes.is_empty() {
            return;
        }
        let result = match self.port.as_mut() {
            Some(port) => port.write_all(&bytes).map_err(|e| e.to_string()),
            None => Err("the scanner is not connected".to_string()),
        };
        if let Err(reason) = result {
            self.emit(ScanEvent::FeedbackFailed { id, reason });
        }
    }

    fn deliver(&mut self, events: Vec<LineEvent>, now: Instant) {
        for ev in events {
            match ev {
                LineEvent::Scan(line) => match self.debouncer.check(&line.raw, now) {
                    Verdict::New(id) => {
                        if self.pending.len() == MAX_PENDING_ACKS {
                            self.pending.pop_front();
                        }
                        self.pending.push_back(id);
                        self.emit(ScanEvent::Scan(Scan {
                            id,
                            line,
                            received_at: now,
                        }));
                    }
                    Verdict::Duplicate { id, of } => self.emit(ScanEvent::Duplicate {
                        id,
                        of,
                        data: line.raw,
                    }),
                },
                LineEvent::Error(e) => self.emit(ScanEvent::LineError(e)),
                LineEvent::MenuReply(r) => self.emit(ScanEvent::DeviceReply(format!("{r:?}"))),
                LineEvent::SsiPacket(p) => self.emit(ScanEvent::DeviceReply(format!(
                    "SSI {} {}",
                    crate::ssi::opcode_name(p.opcode),
                    crate::bytes::to_hex(&p.data)
                ))),
            }
        }
    }
}
