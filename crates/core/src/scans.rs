//! Scans as evidence: every frame a scanner delivers is recorded with its device, port,
//! profile, AIM id and raw bytes, whether it was accepted or refused. With no workflow chosen a
//! scan is a lookup; workflows (move, stocktake, destruction re-count) build on the same record.

use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::ledger::{Actor, Ledger, Writer};
use crate::workflows::{find_item_in, ItemView};
use serde::Serialize;

/// Where a scan came from and what it carried, exactly as received.
#[derive(Debug, Clone, Default)]
pub struct ScanInput {
    pub device: String,
    pub port: String,
    pub profile: String,
    /// AIM symbology identifier as received, e.g. "]C0"; empty when the scanner sent none.
    pub aim: String,
    pub data: Vec<u8>,
    /// Set when the frame must not be acted on (a debounced repeat, an unreadable frame);
    /// it is still recorded, with this reason.
    pub ignored: Option<IgnoredReason>,
}

/// Why a scan names nothing at this site. The ledger records the English text (`Display`);
/// each front end words the reason itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownReason {
    #[error("not text: the scanner sent bytes that are not valid UTF-8")]
    NotText,
    #[error("empty scan")]
    Empty,
    #[error("no item with code or serial '{scanned}'")]
    NoSuchItem { scanned: String },
    /// A serial that several items carry (`matches`: their codes and manufacturers).
    #[error("'{scanned}' matches several items ({matches}); use the Custody code instead")]
    Ambiguous { scanned: String, matches: String },
}

/// Why a frame is recorded but not acted on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoredReason {
    /// The same code again within the scanner's debounce window: counted once.
    #[error("repeat within {within_ms} ms of the same code: counted once")]
    Repeat { within_ms: u64 },
    /// A frame the scanner driver could not read; `detail` is what the driver says of it,
    /// kept as evidence.
    #[error("{detail}")]
    Unreadable { detail: String },
}

// In JSON (the CLI's `--json` lines), a reason is its text, as before it was typed.
impl Serialize for UnknownReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for IgnoredReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What the ledger made of a scan. `Alarm` is for items that must not be on the shelf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ScanOutcome {
    Found {
        code: String,
        status: String,
    },
    Alarm {
        code: String,
        status: String,
    },
    Unknown {
        reason: UnknownReason,
    },
    /// Recorded but not acted on: a debounced repeat or an unreadable frame.
    Ignored {
        reason: IgnoredReason,
    },
    /// Read at the sign-in screen as a badge, not looked up as an item. Whether the badge is
    /// valid is decided when the PIN is entered (and that attempt is logged on its own).
    Badge,
}

impl ScanOutcome {
    pub fn label(&self) -> &'static str {
        match self {
            ScanOutcome::Found { .. } => "found",
            ScanOutcome::Alarm { .. } => "alarm",
            ScanOutcome::Unknown { .. } => "unknown",
            ScanOutcome::Ignored { .. } => "ignored",
            ScanOutcome::Badge => "badge",
        }
    }

    /// Whether the scanner should give its good-read feedback.
    pub fn is_good(&self) -> bool {
        matches!(self, ScanOutcome::Found { .. })
    }
}

/// A committed scan: its event and outcome. Only after this returns may the scanner beep.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedScan {
    pub seq: i64,
    #[serde(flatten)]
    pub outcome: ScanOutcome,
}

/// What a scan names. A failure of the ledger itself is an error (the scan is then not
/// recorded, and the front end says so); everything else is an outcome.
fn lookup(conn: &rusqlite::Connection, data: &[u8]) -> Result<(ScanOutcome, Option<ItemView>)> {
    let unknown = |reason| Ok((ScanOutcome::Unknown { reason }, None));
    let Ok(text) = std::str::from_utf8(data) else {
        return unknown(UnknownReason::NotText);
    };
    let text = text.trim_matches(|c: char| c.is_control() || c == ' ');
    if text.is_empty() {
        return unknown(UnknownReason::Empty);
    }
    Ok(match find_item_in(conn, text) {
        Ok(item) if item.status.is_terminal() => (
            ScanOutcome::Alarm {
                code: item.code.clone(),
                status: item.status.as_str().into(),
            },
            Some(item),
        ),
        Ok(item) => (
            ScanOutcome::Found {
                code: item.code.clone(),
                status: item.status.as_str().into(),
            },
            Some(item),
        ),
        Err(CustodyError::UnknownItem(scanned)) => (
            ScanOutcome::Unknown {
                reason: UnknownReason::NoSuchItem { scanned },
            },
            None,
        ),
        Err(CustodyError::AmbiguousItem(scanned, matches)) => (
            ScanOutcome::Unknown {
                reason: UnknownReason::Ambiguous { scanned, matches },
            },
            None,
        ),
        Err(e) => return Err(e),
    })
}

/// How many times a scan is tried against a busy ledger (each waits the busy timeout, 5 s).
pub const SCAN_ATTEMPTS: u32 = 3;

impl Ledger {
    /// Records one scan as a lookup and commits it. The outcome is known only after commit.
    pub fn record_scan(&mut self, actor: Option<&Actor>, scan: &ScanInput) -> Result<RecordedScan> {
        let mut recorded = self.record_scans(actor, std::slice::from_ref(scan))?;
        Ok(recorded.remove(0))
    }

    /// Records a scan taken at the sign-in screen as a badge read: no item lookup, and no one
    /// signed in yet. The attempt to sign in with it is a separate event.
    pub fn record_badge_scan(&mut self, scan: &ScanInput) -> Result<RecordedScan> {
        self.write(|w| {
            let seq = append_scan(w, None, scan, &ScanOutcome::Badge, None)?;
            Ok(RecordedScan {
                seq,
                outcome: ScanOutcome::Badge,
            })
        })
    }

    /// Records a batch of scans in one transaction: a scanner's stored batch (inventory mode)
    /// uploaded at the end of a round, or a replayed capture. All or none are committed.
    pub fn record_scans(
        &mut self,
        actor: Option<&Actor>,
        scans: &[ScanInput],
    ) -> Result<Vec<RecordedScan>> {
        let actor_id = actor.map(|a| a.person_id().to_string());
        // A scan is evidence: when another writer holds the lock past the busy timeout (an
        // import, a rebuild), it is tried again rather than lost. Nothing was committed by a
        // busy attempt, so a retry cannot record it twice.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = self.write(|w| {
                scans
                    .iter()
                    .map(|scan| record_one(w, actor_id.as_deref(), scan))
                    .collect()
            });
            match result {
                Err(CustodyError::Busy) if attempts < SCAN_ATTEMPTS => continue,
                other => return other,
            }
        }
    }
}

fn record_one(
    w: &mut Writer<'_>,
    actor_id: Option<&str>,
    scan: &ScanInput,
) -> Result<RecordedScan> {
    let (outcome, item) = match &scan.ignored {
        Some(reason) => (
            ScanOutcome::Ignored {
                reason: reason.clone(),
            },
            None,
        ),
        None => lookup(w.conn, &scan.data)?,
    };
    let seq = append_scan(w, actor_id, scan, &outcome, item.map(|i| i.id))?;
    Ok(RecordedScan { seq, outcome })
}

fn append_scan(
    w: &mut Writer<'_>,
    actor_id: Option<&str>,
    scan: &ScanInput,
    outcome: &ScanOutcome,
    item_id: Option<String>,
) -> Result<i64> {
    let error = match outcome {
        ScanOutcome::Unknown { reason } => reason.to_string(),
        ScanOutcome::Ignored { reason } => reason.to_string(),
        ScanOutcome::Alarm { code, status } => {
            format!("ALARM: {code} is {status} at this site")
        }
        ScanOutcome::Found { .. } | ScanOutcome::Badge => String::new(),
    };
    w.append(
        actor_id,
        None,
        &EventBody::ScanRecorded {
            device: crate::fields::visible(&scan.device),
            port: crate::fields::visible(&scan.port),
            profile: crate::fields::visible(&scan.profile),
            aim: crate::fields::visible(&scan.aim),
            data_hex: hex::encode(&scan.data),
            outcome: outcome.label().into(),
            item_id,
            error: crate::fields::visible(&error)
                .chars()
                .take(crate::fields::MAX_TEXT)
                .collect(),
        },
    )
}
