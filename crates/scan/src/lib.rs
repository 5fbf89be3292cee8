//! Handheld scanners: sans-IO framing and vendor codecs, device profiles, and thin transports.
//!
//! The parsers ([`framer`], [`aim`], [`honeywell`], [`ssi`], [`wedge`], [`replay`]) take bytes
//! and time as arguments and never touch a port, thread or clock. The drivers ([`ports`],
//! [`session`], [`sim`], [`configure`]) are the only code that opens a serial port or pty.
//! This crate knows nothing about the ledger: a caller acknowledges a scan after its commit.

pub mod aim;
pub mod bytes;
pub mod framer;
pub mod honeywell;
pub mod profile;
pub mod ssi;

pub use aim::{Aim, AimError};
pub use framer::{Frame, FrameEnd, FrameError, FrameEvent, Framer, Framing, FramingError};
pub use profile::{Profile, ProfileError, Protocol};

pub mod configure;
pub mod decoder;
pub mod emulate;
pub mod fake;
pub mod ports;
pub mod replay;
pub mod session;
pub mod sim;
pub mod wedge;

pub use configure::{configure, ConfigureReport, StepOutcome};
pub use ports::{list_ports, PortInfo};
pub use session::{Outcome, ScanEvent, ScanId, ScannerSession, SessionConfig};
