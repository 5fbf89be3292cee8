//! The Custody core: domain types, workflow rules, and the append-only, hash-chained, signed
//! SQLite ledger with its projections.
//!
//! This is the only crate that runs SQL. It knows no UI, serial port or PDF: the CLI and the
//! kiosk call the same functions here and get the same typed errors ([`CustodyError`]).

pub mod amend;
pub mod ammo;
pub mod ammo_count;
pub mod ammo_disposal;
pub mod ammo_import;
pub mod ammo_labels;
pub mod auth;
pub mod backup;
pub mod bundle;
pub mod destruction;
pub mod documents;
pub mod domain;
pub mod error;
pub mod event;
pub mod evidence;
pub mod fields;
pub mod files;
pub mod handover;
pub mod history;
pub mod import;
pub mod keys;
pub mod ledger;
pub mod limits;
mod projection;
pub mod refusal;
pub mod sample;
pub mod scans;
pub mod schema;
pub mod stocktake;
pub mod sync;
mod verified;
pub mod verify;
pub mod workflows;

pub use domain::{
    AuthorityKind, DestructionMethod, DestructionRecord, Disposition, EvidenceRecord, FieldChange,
    HandoverDetails, IdDocumentType, ItemKind, ItemStatus, LocationRecord, Origin, PersonRecord,
    Resolution, Role, StocktakeSummary, WeaponRecord, WeaponType,
};
pub use error::{CustodyError, Result};
pub use ledger::{Actor, CheckpointPolicy, Ledger, UnsignedTail};
pub use refusal::{Needed, Refusal};
pub use verify::{Problem, VerifyReport};
pub use workflows::{HistoryEntry, ItemView, LocationView, PersonView, Registered, SerialMatch};
