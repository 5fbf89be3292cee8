//! Refusals as facts. Core refuses with a typed value that carries what the person needs to
//! know (codes, names, numbers, which field); each front end words it: the CLI prints the
//! English `Display` below, the kiosk turns each variant into a message of its catalogue.
//! Nothing here is meant to be shown as it is by a front end that speaks another language.

use crate::domain::{Disposition, Resolution, Role};
use chrono::NaiveDate;

/// Something an action needs that was not given (empty, or not printable text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Needed {
    #[error("the site needs a name")]
    SiteName,
    #[error("a person needs a name")]
    PersonName,
    #[error("a person needs at least one role")]
    Role,
    #[error("a badge code must be printable text, not empty")]
    Badge,
    #[error("serial is empty: record the frame/receiver serial (write DEFACED-<n> if it cannot be read)")]
    Serial,
    #[error("manufacturer is empty: write UNKNOWN if it cannot be determined")]
    Manufacturer,
    #[error("a location needs a name")]
    LocationName,
    #[error("an exhibit needs its case number and exhibit number")]
    ExhibitNumbers,
    #[error("no items to move")]
    ItemsToMove,
    #[error("say why custody is transferred (e.g. 'to lab for examination')")]
    TransferReason,
    #[error("a check-out needs to whom and for what purpose")]
    CheckoutDetails,
    #[error("say why the break-glass recovery was needed (--reason)")]
    RecoveryReason,
    #[error("say why the record is amended (--reason)")]
    AmendReason,
    #[error("an order needs its authority (who issued it) and its reference number")]
    OrderDetails,
    #[error("keep_until needs the new review date (--until YYYY-MM-DD)")]
    ReviewDate,
    #[error("the owner's name, as on the identity document, is missing")]
    OwnerName,
    #[error("the handover needs the sender (organisation and person)")]
    HandoverSender,
    #[error("the handover needs the receiver (organisation and person)")]
    HandoverReceiver,
    #[error("the handover needs its legal basis")]
    HandoverLegalBasis,
    #[error("the handover needs the transport (vehicle, escort)")]
    HandoverTransport,
    #[error("a handover needs at least one item")]
    HandoverItems,
    #[error("give the key a name (the other site or agency)")]
    KeyName,
    #[error("say why the key is revoked (--reason)")]
    RevokeReason,
    #[error("a settlement needs a reference (loss report or inquiry number)")]
    SettlementReference,
    #[error("the legal authority is missing: write it as on the signed decision")]
    DestructionAuthority,
    #[error("the decision reference is missing: write it as on the signed decision")]
    DecisionReference,
    #[error("the equipment is missing: write it as on the signed decision")]
    DestructionEquipment,
    #[error("the place of destruction is missing: write it as on the signed decision")]
    DestructionPlace,
    #[error("the reason is missing: write it as on the signed decision")]
    BatchReason,
    #[error("name the items to remove")]
    ItemsToRemove,
    #[error("say where the item was moved to (--to LOCATION)")]
    MoveDestination,
    #[error("empty scan: scan the item's label again")]
    ScannedCode,
}

/// A date field that must be written YYYY-MM-DD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateField {
    #[error("the review date")]
    ReviewDate,
    #[error("date")]
    DestructionDate,
}

/// Which rule a PIN breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinRule {
    #[error("a PIN is 6 to 12 digits (0-9), nothing else")]
    Format,
    #[error("a PIN of one digit repeated is guessed first")]
    RepeatedDigit,
    #[error("a PIN of digits in a row (123456, 654321) is guessed first")]
    Sequence,
    #[error("a PIN must not contain the badge number")]
    ContainsBadge,
}

/// Where two signatures or confirmations must come from two different people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SamePerson {
    #[error("custody cannot be transferred to the same person")]
    Transfer,
    #[error("the witness must be someone other than the receiver")]
    HandoverWitness,
    #[error("the co-signer of a settlement must be someone else")]
    SettlementCosigner,
    #[error("a stocktake is closed by the counter and a second person; the co-signer must be someone else")]
    StocktakeCosigner,
    #[error("the second person confirming an amendment must be someone else")]
    AmendmentConfirmer,
    #[error("the witness of a release must be someone other than the person handing over")]
    ReleaseWitness,
    #[error("{person} operates the destruction and cannot also witness it")]
    OperatorWitness { person: String },
    #[error("{person} is named twice as a witness; the witnesses must be different people")]
    WitnessTwice { person: String },
}

/// What needs a second person's badge and PIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecondPersonFor {
    #[error("amending {} of {code}", fields.join(", "))]
    IdentityAmendment { code: String, fields: Vec<String> },
    #[error("a release to the owner at this site")]
    Release,
    #[error("a quantity adjustment")]
    QuantityAdjustment,
}

/// What is wrong with a public key given to trust or check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    #[error("not an Ed25519 public key (64 hex digits)")]
    NotAKey,
    #[error("not an Ed25519 public key (64 hex digits, or a file from custody keys export)")]
    NotAKeyOrKeyFile,
    #[error("the key file has no public_key line")]
    NoPublicKeyLine,
    #[error("the key file's key_id does not match its public key: the file is damaged")]
    KeyIdMismatch,
    #[error(
        "not a registry key file (first line is not {})",
        crate::sync::REGISTRY_KEY_MAGIC
    )]
    NotARegistryKeyFile,
    #[error("registry key file has no public_key")]
    RegistryKeyMissing,
    #[error("registry public key is not Ed25519")]
    RegistryKeyNotEd25519,
}

/// Whose record an amendment concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Record {
    #[error("weapon")]
    Weapon,
    #[error("exhibit")]
    Exhibit,
    #[error("location")]
    Location,
    #[error("person")]
    Person,
}

impl Record {
    pub fn as_str(self) -> &'static str {
        match self {
            Record::Weapon => "weapon",
            Record::Exhibit => "exhibit",
            Record::Location => "location",
            Record::Person => "person",
        }
    }
}

/// Where ammunition was to be taken from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockPlace {
    #[error("at {0}")]
    At(String),
    #[error("issued out")]
    IssuedOut,
    /// At a location, not counting what destruction batches already hold there.
    #[error("at {0} free of other destruction batches")]
    FreeOfBatches(String),
}

/// An action refused because of what was asked: the facts, for each front end to word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Missing(Needed),
    #[error("serial and manufacturer must be printable text")]
    WeaponNotPrintable,
    #[error("year of manufacture {year} is not between 1800 and {latest}")]
    YearOutOfRange { year: i32, latest: i32 },
    #[error("{person} is already {}", if *active { "active" } else { "deactivated" })]
    AlreadyActive { person: String, active: bool },
    #[error("due date {due} is in the past")]
    DueInPast { due: NaiveDate },
    #[error("{field} '{value}' is not a year")]
    NotAYear { field: String, value: String },
    #[error("{field} cannot be empty{}", if matches!(field.as_str(), "serial" | "manufacturer") { ": write UNKNOWN (or DEFACED-<n> for a serial)" } else { "" })]
    FieldEmpty { field: String },
    #[error("unknown weapon type '{value}': use one of pistol, revolver, rifle, carbine, shotgun, submachine_gun, machine_gun, grenade_launcher, other")]
    UnknownWeaponType { value: String },
    #[error("{field} is named twice")]
    FieldNamedTwice { field: String },
    #[error("{field} '{value}' is not a date (YYYY-MM-DD)")]
    NotADate { field: DateField, value: String },
    #[error("the period ends ({to}) before it begins ({from})")]
    PeriodReversed { from: NaiveDate, to: NaiveDate },
    #[error("{setting} must be a number of days from 0 to 36500, not '{value}'")]
    BadReviewDays { setting: String, value: String },
    #[error(
        "{} is required or optional, not '{value}'",
        crate::evidence::RELEASE_WITNESS
    )]
    BadReleaseWitness { value: String },
    #[error("the new review date {date} is not after today ({today})")]
    ReviewDateNotAfterToday { date: NaiveDate, today: NaiveDate },
    #[error("a review date goes only with keep_until, not with {}", decision.as_str())]
    ReviewDateWithoutKeepUntil { decision: Disposition },
    #[error("exhibit {code} is already on legal hold")]
    AlreadyOnHold { code: String },
    #[error("this is this site's own key; trust the other site's key")]
    OwnKey,
    #[error("item {code} is listed twice")]
    ListedTwice { code: String },
    #[error("handover {manifest} has no item left to settle")]
    NothingToSettle { manifest: String },
    #[error("lot {lot} did not arrive short on handover {manifest}, or its shortfall is settled already; only a quantity dispatched and not counted on arrival can be settled as lost in transit")]
    LotNotShort { lot: String, manifest: String },
    #[error("batch {batch} is empty; add items before freezing it")]
    BatchEmpty { batch: String },
    #[error("scrap weight '{value}' is not a number of kilograms")]
    BadScrapWeight { value: String },
    #[error("photo digest '{value}' is not a SHA-256 (64 hex digits)")]
    BadPhotoDigest { value: String },
    #[error("resolution {} needs a reference (loss report number, or the correcting event)", resolution.as_str())]
    ResolutionNeedsReference { resolution: Resolution },
    #[error("event {seq} is not in this ledger; check the document's subject")]
    EventNotInLedger { seq: i64 },
    #[error("the ledger has no checkpoint yet; run `custody checkpoint`")]
    NoCheckpoint,
    #[error("not a cosignature (format '{format}')")]
    NotACosignature { format: String },
    #[error("the cosignature is for site {theirs}, this ledger is site {ours}")]
    CosignatureForOtherSite { theirs: String, ours: String },
    #[error("the cosignature's signature is not valid for the registry key it names")]
    CosignatureInvalid,
    #[error(
        "the registry cosigned event {seq} with head {head}, but this ledger's event {seq} differs"
    )]
    CosignedEventDiffers { seq: i64, head: String },
    #[error("the registry cosigned event {seq}, which this ledger does not have")]
    CosignedEventMissing { seq: i64 },
    #[error("cannot read the CSV header: {detail}")]
    CsvHeaderUnreadable { detail: String },
    #[error("CSV header must be serial,manufacturer,model,type,calibre,country,year[,location]; missing: [{}], unknown: [{}]", missing.join(", "), unknown.join(", "))]
    CsvHeader {
        missing: Vec<String>,
        unknown: Vec<String>,
    },
    #[error("NEQ '{value}' is not a weight in kilograms (e.g. 0.0032; at most 6 decimals)")]
    BadNeq { value: String },
    #[error("licensed NEQ '{value}' is not a weight in kilograms (e.g. 2500 or 12.5; at most 6 decimals, at most {max})")]
    BadLicence { value: String, max: u64 },
    #[error("units per package must be at least 1")]
    NoUnitsPerPackage,
    #[error("a split needs two different locations")]
    SplitToSameLocation,
    #[error("the checkpoint policy's {limit} must be from {min} to {max}, not {value}")]
    BadCheckpointPolicy {
        limit: CheckpointLimit,
        value: u64,
        min: u64,
        max: u64,
    },
}

/// The two halves of the checkpoint policy (`custody site checkpoint-policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointLimit {
    #[error("events between checkpoints")]
    Events,
    #[error("minutes between checkpoints")]
    Minutes,
}

impl From<Needed> for Refusal {
    fn from(n: Needed) -> Self {
        Refusal::Missing(n)
    }
}

/// Roles joined as the CLI says them: "custodian or administrator".
pub(crate) fn roles_or(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" or ")
}
