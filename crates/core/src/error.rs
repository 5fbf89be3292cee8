//! Typed errors shared by every front end. Each message says what happened and what to do.

use crate::domain::{ItemStatus, Role};
use crate::refusal::{
    KeyProblem, PinRule, Record, Refusal, SamePerson, SecondPersonFor, StockPlace,
};

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
    #[error(
        "{person} may not {action}: it needs the role {}",
        crate::refusal::roles_or(needed)
    )]
    WrongRole {
        person: String,
        action: &'static str,
        needed: Vec<Role>,
    },
    /// What was asked cannot be done as asked; the refusal carries the facts.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The ledger's own records cannot be read or disagree with each other. The text is a
    /// diagnosis for the administrator (it names the event or record and says to verify).
    #[error("{0}")]
    Damaged(String),
    /// A step inside Custody failed that no input can cause (encoding, hashing set-up). The
    /// text is a diagnosis for the administrator.
    #[error("internal error: {0}")]
    Internal(String),
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
    SamePerson(SamePerson),
    #[error("no stocktake '{0}': check the stocktake code (custody stocktake list)")]
    UnknownStocktake(String),
    #[error("stocktake {0} is already closed; open a new one to count again")]
    StocktakeClosed(String),
    #[error("stocktake {code} has {count} unresolved discrepancies; an inspector records a resolution for each (custody stocktake reconcile / resolve) before the count can be closed")]
    UnresolvedDiscrepancies { code: String, count: usize },
    #[error("stocktake {code} has no open discrepancy '{discrepancy}'; list them with custody stocktake reconcile")]
    UnknownDiscrepancy { code: String, discrepancy: String },
    #[error("no destruction batch '{0}': check the batch code (custody destruction show)")]
    UnknownBatch(String),
    #[error("destruction batch {0} is frozen; its list can no longer change (unless it is unfrozen with a reason: custody destruction unfreeze)")]
    BatchFrozen(String),
    #[error(
        "destruction batch {0} is not frozen yet; freeze it first (custody destruction freeze)"
    )]
    BatchNotFrozen(String),
    #[error("destruction batch {0} has not been re-counted at the destruction site; scan every item (custody destruction recount) first")]
    BatchNotRecounted(String),
    #[error("destruction batch {0} has no method, equipment and place recorded; record them first (custody destruction record)")]
    DestructionNotRecorded(String),
    #[error("destruction batch {0} was already executed")]
    BatchExecuted(String),
    #[error("destruction batch {code} is {state}, not executed: a destruction certificate is issued only after the destruction was executed before witnesses (custody destruction execute)")]
    BatchNotExecuted { code: String, state: String },
    #[error("stocktake {0} is still open: its report is issued once the counter and a co-signer have closed it (custody stocktake close)")]
    StocktakeNotClosed(String),
    #[error("the site key signs only document seals it can log; refused: {0}")]
    DocumentRefused(String),
    #[error("item {code} is already in destruction batch {batch}")]
    ItemInBatch { code: String, batch: String },
    #[error("exhibit {code} is on legal hold and cannot be destroyed; the hold must be lifted by the court or prosecutor first")]
    LegalHold { code: String },
    #[error(
        "exhibit {code} has no disposal authority recorded; it cannot be destroyed without one"
    )]
    NoDisposalAuthority { code: String },
    #[error("re-count of batch {batch} does not match the frozen list: {} missing ({}), {} extra ({}); find the missing items, put the extra ones aside, and count again", missing.len(), missing.join(", "), extra.len(), extra.join(", "))]
    RecountMismatch {
        batch: String,
        missing: Vec<String>,
        extra: Vec<String>,
    },
    #[error("destruction needs at least {needed} witnesses, each with their own badge and PIN; {got} given")]
    NotEnoughWitnesses { needed: usize, got: usize },
    #[error("no handover manifest '{0}': check the manifest code (custody handover list)")]
    UnknownManifest(String),
    #[error("handover {code} is {state}; it cannot be {action}")]
    ManifestState {
        code: String,
        state: String,
        action: &'static str,
    },
    #[error("the bundle file is not a readable Custody bundle: {0}")]
    BundleMalformed(String),
    #[error("the bundle's signature does not match its contents: the file was changed after it was signed. Do not accept it; ask the sender for a new copy")]
    BundleBadSignature,
    #[error("the bundle is signed by key {key_id}, which this site does not trust; an administrator must first import the sender's public key (custody keys trust)")]
    BundleUntrustedKey { key_id: String },
    #[error("the bundle's contents do not match its digests: {0}")]
    BundleDigestMismatch(String),
    #[error("handover {manifest} was already imported here; nothing was changed")]
    BundleAlreadyImported { manifest: String },
    #[error("the receipt is for handover {manifest} of another site, not this one")]
    ReceiptWrongSite { manifest: String },
    #[error("public key: {0}")]
    BadPublicKey(KeyProblem),
    #[error("key {0} is already trusted")]
    KeyAlreadyTrusted(String),
    #[error(
        "{0} is the last active administrator; register or reactivate another administrator first"
    )]
    LastAdministrator(String),
    #[error("item code {0} is already registered at this site; the item cannot be received twice")]
    DuplicateItemCode(String),
    #[error("ledger storage error: {0}")]
    Storage(rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    File(String),
    #[error("backup {path} refused: {why}")]
    BackupRefused { path: String, why: String },
    #[error("PIN refused: {0}")]
    WeakPin(PinRule),
    #[error("the site key file {path} belongs to another ledger (key {found}, this ledger's key is {expected}); put this site's own key back (from its key backup) before signing anything")]
    WrongSiteKey {
        path: String,
        found: String,
        expected: String,
    },
    #[error("too many failed sign-ins in the last minute; wait a minute and try again")]
    SignInThrottled,
    #[error("{field} must be printable text without control characters")]
    ControlCharacters { field: String },
    #[error("{field} is {len} characters long; at most {max} are allowed")]
    FieldTooLong {
        field: String,
        len: usize,
        max: usize,
    },
    #[error("'{value}' is not {expected}; the bundle or file is refused")]
    BadIdentifier { value: String, expected: String },
    #[error("the handover bundle is addressed to key {addressed}, not to this site (key {ours}); it is refused")]
    BundleNotForThisSite { addressed: String, ours: String },
    #[error("the receipt is signed by key {signer}, but handover {manifest} was addressed to key {addressed}; it is refused")]
    ReceiptWrongSigner {
        manifest: String,
        signer: String,
        addressed: String,
    },
    #[error("key {0} was revoked; it is no longer trusted")]
    KeyRevoked(String),
    #[error("no trusted key '{0}': list them with custody keys list")]
    UnknownTrustedKey(String),
    #[error("this is a demo ledger: it issues no sealed documents. Create a real site with custody init")]
    DemoLedger,
    #[error("{action} needs a second person, who confirms with their own badge and PIN (--witness BADGE)")]
    SecondPersonRequired { action: SecondPersonFor },
    #[error("'{field}' cannot be amended on {what}; amendable fields: {allowed}")]
    UnknownAmendField {
        field: String,
        what: &'static str,
        allowed: String,
    },
    #[error("nothing to amend: the {0}'s record already holds these values")]
    NothingAmended(Record),
    #[error("item {0} is not an exhibit; dispositions, holds and releases concern evidence items")]
    NotAnExhibit(String),
    #[error("exhibit {code} is on legal hold; it cannot be {action} until the hold is lifted on a recorded order (custody evidence hold-lift)")]
    LegalHoldBlocks { code: String, action: &'static str },
    #[error("exhibit {0} is not on legal hold")]
    NotOnHold(String),
    #[error(
        "a legal hold is lifted only on the order of a prosecutor or a court, not of a {given}"
    )]
    HoldLiftAuthority { given: String },
    #[error("exhibit {code} has no recorded order to release it to its owner (the current decision is {decision}); record one first (custody evidence dispose --decision release_to_owner)")]
    NoReleaseOrder { code: String, decision: String },
    #[error("identity document number '{0}' is not valid: letters, digits, spaces, '-' and '/' only, 4 to 40 characters")]
    BadIdDocument(String),
    #[error("item {code} is not in destruction batch {batch}")]
    ItemNotInBatch { code: String, batch: String },
    #[error("destruction batch {0} was cancelled; create a new batch")]
    BatchCancelled(String),
    #[error("item {code} was not reported missing on arrival of handover {manifest}; only such items can be settled as lost in transit")]
    NotMissingInTransit { code: String, manifest: String },
    #[error("no exhibit of case '{0}' is at this site")]
    UnknownCase(String),
    #[error("unknown setting '{0}': use review_days.<category> (days, 0 to remove) or release_witness (required or optional)")]
    UnknownSetting(String),
    #[error("no ammunition lot '{0}': give the lot's id or its lot number (custody ammo list)")]
    UnknownLot(String),
    #[error("lot number '{key}' belongs to several lots ({ids}); use the lot's id instead")]
    AmbiguousLot { key: String, ids: String },
    #[error("duplicate lot: {manufacturer} lot {lot_number} ({calibre}) was already received as lot {existing}; lots are never merged — move quantities of the existing lot instead (custody ammo split)")]
    DuplicateLot {
        manufacturer: String,
        lot_number: String,
        calibre: String,
        existing: String,
    },
    #[error("hazard code '{0}' is not a UN hazard division and compatibility group: write 1.1 to 1.6 followed by a letter A-L (not I), N or S, e.g. 1.4S or 1.2E")]
    BadHazardCode(String),
    #[error("quantity {given} refused: a quantity is a whole number from 1 to {max}")]
    BadQuantity { given: i64, max: i64 },
    #[error("lot {lot}: {wanted} wanted, but only {available} {place}; nothing was recorded")]
    InsufficientQuantity {
        lot: String,
        place: StockPlace,
        wanted: u64,
        available: u64,
    },
    #[error("lot {lot}: {wanted} cannot come back, only {issued_out} are issued out")]
    ReturnExceedsIssued {
        lot: String,
        wanted: u64,
        issued_out: u64,
    },
    #[error("an issue of ammunition needs the name of the person who signs for it (--signer)")]
    SignerRequired,
    #[error("{action} needs {field}")]
    AmmoFieldRequired {
        field: &'static str,
        action: &'static str,
    },
    #[error("'{0}' is not a UN compatibility group: use one letter A-L (not I), N or S")]
    BadCompatibilityGroup(String),
    #[error("{location} is licensed for {limit_kg} kg NEQ; it holds {held_kg} kg and this would add {adding_kg} kg, {excess_kg} kg over the licence; nothing was recorded")]
    OverLicence {
        location: String,
        limit_kg: String,
        held_kg: String,
        adding_kg: String,
        excess_kg: String,
    },
    #[error("{location} may hold compatibility groups {allowed} only, not group {group}; nothing was recorded")]
    GroupNotAllowed {
        location: String,
        group: char,
        allowed: String,
    },
    #[error("compatibility group {group} cannot be stored with group {present}, which {location} already holds; nothing was recorded")]
    IncompatibleGroups {
        location: String,
        group: char,
        present: char,
    },
    #[error("lot {lot} is {condition}; only serviceable ammunition is issued (an inspector changes the condition: custody ammo inspect)")]
    LotNotServiceable {
        lot: String,
        condition: &'static str,
    },
    #[error("{what} {given} refused: count whole numbers from 0 to {max}")]
    BadCount {
        what: &'static str,
        given: i64,
        max: i64,
    },
    #[error("nothing counted: give the packages and loose units found (at least one)")]
    NothingCounted,
    #[error("stocktake {stocktake} does not count {location}; count there in another stocktake, or open one for the whole site")]
    LocationNotInCount { stocktake: String, location: String },
    #[error("stocktake {stocktake} has no open quantity discrepancy for lot {lot} at {location}; list them with custody ammo count-lines")]
    NoQuantityDiscrepancy {
        stocktake: String,
        lot: String,
        location: String,
    },
    #[error("lot {lot} is on legal hold (order {order}); it cannot be {action} until the hold is lifted (custody ammo hold --lift)")]
    LotOnHold {
        lot: String,
        order: String,
        action: &'static str,
    },
    #[error("lot {lot} is not on legal hold")]
    LotNotOnHold { lot: String },
    #[error("lot {lot} at {location} is already in destruction batch {batch}")]
    LotInBatch {
        lot: String,
        location: String,
        batch: String,
    },
    #[error("lot {lot} at {location} is not in destruction batch {batch}")]
    LotNotInBatch {
        lot: String,
        location: String,
        batch: String,
    },
    #[error("re-count of batch {batch}: lot {lot} at {location} was frozen with {frozen} and {counted} were counted; count it again")]
    LotRecountMismatch {
        batch: String,
        lot: String,
        location: String,
        frozen: u64,
        counted: u64,
    },
    #[error("'{0}' is not a lot=quantity pair (e.g. 7f3c...=1200 or LOT-42=1200)")]
    BadLotQuantity(String),
    #[error("handover {manifest} carries no lot '{lot}'")]
    LotNotInHandover { manifest: String, lot: String },
    #[error("the CSV header must name the columns {expected}; missing: [{missing}], unknown: [{unknown}]")]
    BadCsvHeader {
        expected: String,
        missing: String,
        unknown: String,
    },
    #[error("'{0}' is no package label of a lot here")]
    NotAPackageLabel(String),
    #[error("the GS1 marking '{0}' carries no lot number (AI 10)")]
    NoLotInMarking(String),
}

impl CustodyError {
    pub(crate) fn wrong_role(person: &str, action: &'static str, needed: &[Role]) -> Self {
        CustodyError::WrongRole {
            person: person.to_string(),
            action,
            needed: needed.to_vec(),
        }
    }
}

impl From<crate::refusal::Needed> for CustodyError {
    fn from(n: crate::refusal::Needed) -> Self {
        CustodyError::Refused(Refusal::Missing(n))
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
