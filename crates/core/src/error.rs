//! Typed errors shared by every front end. Each message says what happened and what to do.

use crate::domain::{ItemStatus, Role};

#[derive(Debug, thiserror::Error)]
pub enum CustodyError {
    #[error("no ledger at {0}: run `custody init` first, or pass --db with the right file")]
    NoLedger(String),
    #[error("a ledger already exists at {0}; refusing to overwrite it")]
    LedgerExists(String),
    #[error("{0} is not a Custody ledger (or it is damaged): {1}")]
    NotALedger(String, String),
    #[error("the ledger was written by a newer Custody (schema {found}, this program knows up to {known}); update the program")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the disk is full: nothing was recorded. Free space on the disk, then repeat the last action")]
    DiskFull,
    #[error("the ledger is busy in another program; try again in a moment")]
    Busy,
    #[error("site key file {path}: {reason}")]
    SiteKey { path: String, reason: String },
    #[error("unknown badge '{0}'")]
    UnknownBadge(String),
    #[error("wrong PIN for badge '{badge}' ({remaining} attempts left before lock-out)")]
    WrongPin { badge: String, remaining: u32 },
    #[error("badge '{badge}' is locked after {failures} failed PIN attempts; wait {minutes} minutes or ask an administrator to unlock it")]
    LockedOut {
        badge: String,
        failures: u32,
        minutes: i64,
    },
    #[error("badge '{0}' belongs to a deactivated person")]
    Inactive(String),
    #[error("{person} may not {action}: it needs the role {needed}")]
    WrongRole {
        person: String,
        action: &'static str,
        needed: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error("duplicate: {manufacturer} serial {serial} is already registered as {existing_code}")]
    DuplicateSerial {
        manufacturer: String,
        serial: String,
        existing_code: String,
    },
    #[error("badge '{0}' is already registered to another person")]
    DuplicateBadge(String),
    #[error("location code or name '{0}' is already registered")]
    DuplicateLocation(String),
    #[error("no item with code or serial '{0}'")]
    UnknownItem(String),
    #[error("'{0}' matches several items ({1}); use the Custody code instead")]
    AmbiguousItem(String, String),
    #[error("no location with code or name '{0}'")]
    UnknownLocation(String),
    #[error("ALARM: item {code} is {status} at this site; it cannot be {action}. Put it aside and call the supervisor")]
    TerminalItem {
        code: String,
        status: ItemStatus,
        action: &'static str,
    },
    #[error("item {code} is {status}; it cannot be {action}")]
    WrongStatus {
        code: String,
        status: ItemStatus,
        action: &'static str,
    },
    #[error("the receiving person must authenticate with their own badge and PIN")]
    ReceiverNotAuthenticated,
    #[error("{0}")]
    SamePerson(String),
    #[error("ledger storage error: {0}")]
    Storage(rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl CustodyError {
    pub(crate) fn wrong_role(person: &str, action: &'static str, needed: &[Role]) -> Self {
        CustodyError::WrongRole {
            person: person.to_string(),
            action,
            needed: needed
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }
}

impl From<rusqlite::Error> for CustodyError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => CustodyError::DiskFull,
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => CustodyError::Busy,
            _ => CustodyError::Storage(e),
        }
    }
}

pub type Result<T, E = CustodyError> = std::result::Result<T, E>;
