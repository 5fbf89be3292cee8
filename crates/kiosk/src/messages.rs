//! Maps what core says (typed errors, scan outcomes) to message codes and arguments. The UI
//! (ui/messages.slint) turns each code into a translated sentence, so Rust formats no prose.

use crate::{Msg, MsgKind};
use custody_core::refusal::{CheckpointLimit, Needed, PinRule, Refusal, SamePerson};
use custody_core::scans::UnknownReason;
use custody_core::CustodyError;
use custody_i18n::Language;
use std::sync::atomic::{AtomicU8, Ordering};

/// The language of the screens, for the dates and counts Rust formats (index into
/// `Language::ALL`; process-wide like Slint's own translation).
static LANGUAGE: AtomicU8 = AtomicU8::new(0);

fn language() -> Language {
    Language::ALL[usize::from(LANGUAGE.load(Ordering::Relaxed)) % Language::ALL.len()]
}

/// Called when the language changes.
pub fn set_language(language: Language) {
    let i = Language::ALL
        .iter()
        .position(|l| *l == language)
        .unwrap_or(0);
    LANGUAGE.store(u8::try_from(i).unwrap_or(0), Ordering::Relaxed);
}

/// A date (`YYYY-MM-DD`, or an RFC 3339 time whose first ten characters are one) as the current
/// language writes it; the rest (a time of day) is kept. Anything else comes back as is.
pub fn date_text(iso: &str) -> String {
    let iso = iso.trim();
    let (day, rest) = iso.split_at(iso.len().min(10));
    let Ok(d) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
        return iso.to_string();
    };
    format!("{}{}", language().date(d), rest.replace('T', " "))
}

/// A ledger time (RFC 3339, kept in UTC) as this PC's local date and time to the minute, so
/// that it reads like the clock on the wall and like the scan strip's times.
pub fn time_text(rfc3339: &str) -> String {
    time_text_at(rfc3339, *chrono::Local::now().offset())
}

fn time_text_at(rfc3339: &str, offset: chrono::FixedOffset) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339.trim()) {
        Ok(t) => language().local_minute(t.to_utc(), offset),
        Err(_) => date_text(rfc3339),
    }
}

/// A count with its thousands grouped as the current language writes them.
pub fn number_text(n: u64) -> String {
    language().number(n)
}

/// A whole number that may be negative (a refused quantity as it was typed), grouped.
pub fn signed_text(n: i64) -> String {
    let digits = number_text(n.unsigned_abs());
    if n < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// Kilograms as core writes them (`1234.5`, exact decimal text) with the language's thousands
/// grouping and decimal sign (`1.234,5` in the regional languages). Anything else as it is.
pub fn kg_text(kg: &str) -> String {
    let (whole, frac) = kg.split_once('.').unwrap_or((kg, ""));
    let Ok(n) = whole.parse::<u64>() else {
        return kg.to_string();
    };
    let whole = number_text(n);
    match (frac.is_empty(), language()) {
        (true, _) => whole,
        (false, Language::English) => format!("{whole}.{frac}"),
        (false, _) => format!("{whole},{frac}"),
    }
}

pub fn msg(kind: MsgKind) -> Msg {
    Msg {
        kind,
        ..Default::default()
    }
}

/// A counted sentence: `n` picks its plural form in the screen's language (the numbers shown
/// are the arguments, written as the language groups digits).
pub fn counted(m: Msg, n: impl TryInto<i32>) -> Msg {
    Msg {
        n: n.try_into().unwrap_or(i32::MAX),
        ..m
    }
}

pub fn msg1(kind: MsgKind, a: impl std::fmt::Display) -> Msg {
    Msg {
        kind,
        a: a.to_string().into(),
        ..Default::default()
    }
}

pub fn msg2(kind: MsgKind, a: impl std::fmt::Display, b: impl std::fmt::Display) -> Msg {
    Msg {
        kind,
        a: a.to_string().into(),
        b: b.to_string().into(),
        ..Default::default()
    }
}

pub fn msg3(
    kind: MsgKind,
    a: impl std::fmt::Display,
    b: impl std::fmt::Display,
    c: impl std::fmt::Display,
) -> Msg {
    Msg {
        kind,
        a: a.to_string().into(),
        b: b.to_string().into(),
        c: c.to_string().into(),
        ..Default::default()
    }
}

/// Every message kind of ui/messages.slint, in its order (a test checks that this list and the
/// `.slint` enum agree, and that each kind is worded in every language).
pub const MSG_KINDS: [MsgKind; 288] = [
    MsgKind::None,
    MsgKind::EnterBadge,
    MsgKind::EnterPin,
    MsgKind::WrongPin,
    MsgKind::LockedOut,
    MsgKind::UnknownBadge,
    MsgKind::Inactive,
    MsgKind::LoggedOutIdle,
    MsgKind::WrongRole,
    MsgKind::Duplicate,
    MsgKind::Registered,
    MsgKind::SigninThrottled,
    MsgKind::ControlCharacters,
    MsgKind::FieldTooLong,
    MsgKind::BundleNotForUs,
    MsgKind::ReceiptWrongSigner,
    MsgKind::BadIdentifier,
    MsgKind::DemoLedger,
    MsgKind::NeedSerial,
    MsgKind::BadYear,
    MsgKind::UnknownItem,
    MsgKind::Ambiguous,
    MsgKind::UnknownLocation,
    MsgKind::Alarm,
    MsgKind::WrongStatus,
    MsgKind::NeedItems,
    MsgKind::NeedLocation,
    MsgKind::ItemAdded,
    MsgKind::Moved,
    MsgKind::Transferred,
    MsgKind::ReceiverAuth,
    MsgKind::SamePerson,
    MsgKind::NeedReason,
    MsgKind::CheckedOut,
    MsgKind::CheckedIn,
    MsgKind::BadDays,
    MsgKind::NeedCheckout,
    MsgKind::DiskFull,
    MsgKind::Busy,
    MsgKind::Storage,
    MsgKind::ScanFound,
    MsgKind::ScanUnknown,
    MsgKind::ScanGarbled,
    MsgKind::ScannerMissing,
    MsgKind::NoResults,
    MsgKind::BadCount,
    MsgKind::NothingCounted,
    MsgKind::LocationNotInCount,
    MsgKind::NoQuantityDiscrepancy,
    MsgKind::LotOnHold,
    MsgKind::LotNotOnHold,
    MsgKind::LotInBatch,
    MsgKind::LotNotInBatch,
    MsgKind::LotRecountMismatch,
    MsgKind::BadLotQuantity,
    MsgKind::LotNotInHandover,
    MsgKind::BadCsvHeader,
    MsgKind::NotAPackageLabel,
    MsgKind::NoLotInMarking,
    MsgKind::ReviewDue,
    MsgKind::Overdue,
    MsgKind::AlarmScan,
    MsgKind::ScannerStatus,
    MsgKind::ScannerBeepsOnRead,
    MsgKind::StocktakeOpened,
    MsgKind::Counted,
    MsgKind::CountedAgain,
    MsgKind::CountUnknown,
    MsgKind::CountingAt,
    MsgKind::NoOpenCount,
    MsgKind::Reconciled,
    MsgKind::Resolved,
    MsgKind::SelectDiscrepancy,
    MsgKind::Unresolved,
    MsgKind::CosignerAuth,
    MsgKind::CosignerDistinct,
    MsgKind::StocktakeClosed,
    MsgKind::BatchCreated,
    MsgKind::BatchAdded,
    MsgKind::BatchFrozen,
    MsgKind::RecountScan,
    MsgKind::RecountExtra,
    MsgKind::RecountUndone,
    MsgKind::RecountCleared,
    MsgKind::RecountMismatch,
    MsgKind::Recounted,
    MsgKind::DestructionRecorded,
    MsgKind::WitnessAuth,
    MsgKind::WitnessDistinct,
    MsgKind::Executed,
    MsgKind::NotInStage,
    MsgKind::Dispatched,
    MsgKind::Exported,
    MsgKind::ExportFailed,
    MsgKind::NothingDispatched,
    MsgKind::TrustNeeded,
    MsgKind::NameRecipient,
    MsgKind::Imported,
    MsgKind::ReadFailed,
    MsgKind::Arrived,
    MsgKind::ArrivedExtra,
    MsgKind::Accepted,
    MsgKind::NothingImported,
    MsgKind::Listed,
    MsgKind::ListUndone,
    MsgKind::ListCleared,
    MsgKind::DocumentSaved,
    MsgKind::HistorySaved,
    MsgKind::DocumentPrinted,
    MsgKind::NoSpooler,
    MsgKind::PrintRefused,
    MsgKind::FolderUnusable,
    MsgKind::SaveFailed,
    MsgKind::ChooseDocument,
    MsgKind::UsbFound,
    MsgKind::NoUsb,
    MsgKind::DocumentFailed,
    MsgKind::PrintingSaved,
    MsgKind::BadDpi,
    MsgKind::LabelPrinted,
    MsgKind::NoLabelPrinter,
    MsgKind::LabelFailed,
    MsgKind::NeedFolder,
    MsgKind::NeedBundleFile,
    MsgKind::NeedReceiptFile,
    MsgKind::ReceiptWritten,
    MsgKind::ReceiptImported,
    MsgKind::SerialTaken,
    MsgKind::SerialElsewhere,
    MsgKind::NeedExhibit,
    MsgKind::OpenCount,
    MsgKind::KeyWritten,
    MsgKind::KeyTrusted,
    MsgKind::NeedKeyFile,
    MsgKind::NeedSiteName,
    MsgKind::LocationScanned,
    MsgKind::NoLedger,
    MsgKind::LedgerExists,
    MsgKind::NotALedger,
    MsgKind::SchemaTooNew,
    MsgKind::SiteKey,
    MsgKind::WrongSiteKey,
    MsgKind::Damaged,
    MsgKind::Internal,
    MsgKind::FileError,
    MsgKind::BackupRefused,
    MsgKind::DuplicateBadge,
    MsgKind::DuplicateLocation,
    MsgKind::DuplicateItemCode,
    MsgKind::UnknownStocktake,
    MsgKind::StocktakeAlreadyClosed,
    MsgKind::UnknownDiscrepancy,
    MsgKind::UnknownBatch,
    MsgKind::BatchIsFrozen,
    MsgKind::BatchNotFrozen,
    MsgKind::BatchNotRecounted,
    MsgKind::DestructionNotRecorded,
    MsgKind::BatchExecuted,
    MsgKind::BatchNotExecuted,
    MsgKind::StocktakeNotClosed,
    MsgKind::DocumentRefused,
    MsgKind::ItemInBatch,
    MsgKind::LegalHold,
    MsgKind::NoDisposalAuthority,
    MsgKind::NotEnoughWitnesses,
    MsgKind::UnknownManifest,
    MsgKind::ManifestState,
    MsgKind::BundleMalformed,
    MsgKind::BundleBadSignature,
    MsgKind::BundleUntrusted,
    MsgKind::BundleDigestMismatch,
    MsgKind::BundleAlreadyImported,
    MsgKind::ReceiptWrongSite,
    MsgKind::BadPublicKey,
    MsgKind::KeyAlreadyTrusted,
    MsgKind::LastAdministrator,
    MsgKind::PinFormat,
    MsgKind::PinRepeated,
    MsgKind::PinSequence,
    MsgKind::PinContainsBadge,
    MsgKind::KeyRevoked,
    MsgKind::SecondPerson,
    MsgKind::UnknownAmendField,
    MsgKind::NothingAmended,
    MsgKind::NotAnExhibit,
    MsgKind::LegalHoldBlocks,
    MsgKind::NotOnHold,
    MsgKind::HoldLiftAuthority,
    MsgKind::NoReleaseOrder,
    MsgKind::BadIdDocument,
    MsgKind::ItemNotInBatch,
    MsgKind::BatchCancelled,
    MsgKind::NotMissingInTransit,
    MsgKind::UnknownCase,
    MsgKind::UnknownSetting,
    MsgKind::UnknownLot,
    MsgKind::AmbiguousLot,
    MsgKind::DuplicateLot,
    MsgKind::BadHazardCode,
    MsgKind::BadQuantity,
    MsgKind::InsufficientQuantity,
    MsgKind::ReturnExceedsIssued,
    MsgKind::SignerRequired,
    MsgKind::AmmoFieldRequired,
    MsgKind::BadCompatibilityGroup,
    MsgKind::OverLicence,
    MsgKind::GroupNotAllowed,
    MsgKind::IncompatibleGroups,
    MsgKind::LotNotServiceable,
    MsgKind::DemoScannerFailed,
    MsgKind::Missing,
    MsgKind::NotPrintable,
    MsgKind::YearOutOfRange,
    MsgKind::AlreadyActive,
    MsgKind::AlreadyDeactivated,
    MsgKind::DueInPast,
    MsgKind::NotAYear,
    MsgKind::FieldEmpty,
    MsgKind::FieldNamedTwice,
    MsgKind::UnknownWeaponType,
    MsgKind::NotADate,
    MsgKind::PeriodReversed,
    MsgKind::BadReviewDays,
    MsgKind::BadReleaseWitness,
    MsgKind::ReviewDateNotAfterToday,
    MsgKind::ReviewDateWithoutKeep,
    MsgKind::AlreadyOnHold,
    MsgKind::OwnKey,
    MsgKind::ListedTwice,
    MsgKind::NothingToSettle,
    MsgKind::LotNotShort,
    MsgKind::BatchEmpty,
    MsgKind::BadScrapWeight,
    MsgKind::BadPhotoDigest,
    MsgKind::ResolutionNeedsReference,
    MsgKind::EventNotInLedger,
    MsgKind::NoCheckpoint,
    MsgKind::NotACosignature,
    MsgKind::CosignatureOtherSite,
    MsgKind::CosignatureInvalid,
    MsgKind::CosignedEventDiffers,
    MsgKind::CosignedEventMissing,
    MsgKind::CsvHeaderUnreadable,
    MsgKind::CsvHeader,
    MsgKind::BadNeq,
    MsgKind::BadLicence,
    MsgKind::NoUnitsPerPackage,
    MsgKind::SplitSameLocation,
    MsgKind::BadCheckpointEvents,
    MsgKind::BadCheckpointMinutes,
    MsgKind::WitnessNotReceiver,
    MsgKind::ConfirmerDistinct,
    MsgKind::ReleaseWitnessDistinct,
    MsgKind::OperatorWitness,
    MsgKind::WitnessTwice,
    MsgKind::ScanNotText,
    MsgKind::ScanEmpty,
    MsgKind::LanguageUnavailable,
    MsgKind::BadKeepDays,
    MsgKind::DecisionRecorded,
    MsgKind::HoldPlaced,
    MsgKind::HoldLifted,
    MsgKind::ReleasedToOwner,
    MsgKind::RecordAmended,
    MsgKind::BatchItemRemoved,
    MsgKind::BatchUnfrozen,
    MsgKind::SettledLost,
    MsgKind::NeedManifest,
    MsgKind::RulesSaved,
    MsgKind::RulesUnchanged,
    MsgKind::LotReceived,
    MsgKind::LotIssued,
    MsgKind::LotReturned,
    MsgKind::LotMoved,
    MsgKind::LotInspected,
    MsgKind::LotExpended,
    MsgKind::LotTally,
    MsgKind::LotAdjusted,
    MsgKind::LotSelected,
    MsgKind::MarkingRead,
    MsgKind::MarkingReadCount,
    MsgKind::NeedLot,
    MsgKind::NotANumber,
    MsgKind::LotBatchAdded,
    MsgKind::LotBatchRemoved,
    MsgKind::LotRecounted,
    MsgKind::LocationFilled,
    MsgKind::LotDifferences,
];

/// A core error as the person at the kiosk should read it.
pub struct Problem {
    pub msg: Msg,
    /// The ledger itself is in trouble (disk full, busy, storage): show the banner too.
    pub banner: bool,
}

/// Every error core can give, as a message kind and its facts: no catch-all, so a new
/// variant in core does not compile here until the kiosk says it in words of its own.
pub fn problem(e: &CustodyError) -> Problem {
    use CustodyError as E;
    use MsgKind as K;
    let code = |c: &str| display_code(c);
    let (msg, banner) = match e {
        E::NoLedger(path) => (msg1(K::NoLedger, path), true),
        E::LedgerExists(path) => (msg1(K::LedgerExists, path), true),
        E::NotALedger(path, _) => (msg1(K::NotALedger, path), true),
        E::SchemaTooNew { found, .. } => (msg1(K::SchemaTooNew, found), true),
        E::DiskFull => (msg(K::DiskFull), true),
        E::Busy => (msg(K::Busy), true),
        E::SiteKey { path, .. } => (msg1(K::SiteKey, path), true),
        E::UnknownBadge(b) => (msg1(K::UnknownBadge, b), false),
        E::WrongPin { remaining, .. } => (counted(msg1(K::WrongPin, remaining), *remaining), false),
        E::LockedOut { minutes, .. } => (counted(msg1(K::LockedOut, minutes), *minutes), false),
        E::Inactive(b) => (msg1(K::Inactive, b), false),
        E::WrongRole { person, .. } => (msg1(K::WrongRole, person), false),
        E::Refused(r) => (refusal(r), false),
        E::Damaged(detail) => {
            // The diagnosis is for the administrator (custody verify names it too).
            eprintln!("ledger damaged: {detail}");
            (msg(K::Damaged), true)
        }
        E::Internal(detail) => {
            eprintln!("internal error: {detail}");
            (msg(K::Internal), true)
        }
        E::DuplicateSerial {
            manufacturer,
            serial,
            existing_code,
        } => (
            msg2(
                K::Duplicate,
                code(existing_code),
                format!("{manufacturer} {serial}"),
            ),
            false,
        ),
        E::DuplicateBadge(b) => (msg1(K::DuplicateBadge, b), false),
        E::DuplicateLocation(l) => (msg1(K::DuplicateLocation, l), false),
        E::UnknownItem(c) => (msg1(K::UnknownItem, c), false),
        E::AmbiguousItem(c, _) => (msg1(K::Ambiguous, c), false),
        E::UnknownLocation(l) => (msg1(K::UnknownLocation, l), false),
        E::TerminalItem {
            code: c, status, ..
        } => (msg2(K::Alarm, code(c), status.as_str()), false),
        E::WrongStatus {
            code: c, status, ..
        } => (msg2(K::WrongStatus, code(c), status.as_str()), false),
        E::ReceiverNotAuthenticated => (msg(K::ReceiverAuth), false),
        E::SamePerson(rule) => (same_person(rule), false),
        E::UnknownStocktake(c) => (msg1(K::UnknownStocktake, code(c)), false),
        E::StocktakeClosed(c) => (msg1(K::StocktakeAlreadyClosed, code(c)), false),
        E::UnresolvedDiscrepancies { count, .. } => (msg1(K::Unresolved, count), false),
        E::UnknownDiscrepancy {
            code: c,
            discrepancy,
        } => (msg2(K::UnknownDiscrepancy, code(c), discrepancy), false),
        E::UnknownBatch(c) => (msg1(K::UnknownBatch, code(c)), false),
        E::BatchFrozen(c) => (msg1(K::BatchIsFrozen, code(c)), false),
        E::BatchNotFrozen(c) => (msg1(K::BatchNotFrozen, code(c)), false),
        E::BatchNotRecounted(c) => (msg1(K::BatchNotRecounted, code(c)), false),
        E::DestructionNotRecorded(c) => (msg1(K::DestructionNotRecorded, code(c)), false),
        E::BatchExecuted(c) => (msg1(K::BatchExecuted, code(c)), false),
        E::BatchNotExecuted { code: c, .. } => (msg1(K::BatchNotExecuted, code(c)), false),
        E::StocktakeNotClosed(c) => (msg1(K::StocktakeNotClosed, code(c)), false),
        E::DocumentRefused(_) => (msg(K::DocumentRefused), false),
        E::ItemInBatch { code: c, batch } => (msg2(K::ItemInBatch, code(c), code(batch)), false),
        E::LegalHold { code: c } => (msg1(K::LegalHold, code(c)), false),
        E::NoDisposalAuthority { code: c } => (msg1(K::NoDisposalAuthority, code(c)), false),
        E::RecountMismatch { missing, extra, .. } => {
            (msg2(K::RecountMismatch, missing.len(), extra.len()), false)
        }
        E::NotEnoughWitnesses { needed, .. } => (msg1(K::NotEnoughWitnesses, needed), false),
        E::UnknownManifest(c) => (msg1(K::UnknownManifest, code(c)), false),
        E::ManifestState { code: c, .. } => (msg1(K::ManifestState, code(c)), false),
        E::BundleMalformed(_) => (msg(K::BundleMalformed), false),
        E::BundleBadSignature => (msg(K::BundleBadSignature), false),
        E::BundleUntrustedKey { key_id } => (msg1(K::BundleUntrusted, key_id), false),
        E::BundleDigestMismatch(_) => (msg(K::BundleDigestMismatch), false),
        E::BundleAlreadyImported { manifest } => {
            (msg1(K::BundleAlreadyImported, code(manifest)), false)
        }
        E::ReceiptWrongSite { manifest } => (msg1(K::ReceiptWrongSite, code(manifest)), false),
        E::BadPublicKey(_) => (msg(K::BadPublicKey), false),
        E::KeyAlreadyTrusted(k) => (msg1(K::KeyAlreadyTrusted, k), false),
        E::LastAdministrator(name) => (msg1(K::LastAdministrator, name), false),
        E::DuplicateItemCode(c) => (msg1(K::DuplicateItemCode, code(c)), false),
        E::Storage(err) => (msg1(K::Storage, err), true),
        E::Io(err) => (msg1(K::Storage, err), true),
        E::File(_) => (msg(K::FileError), false),
        E::BackupRefused { path, .. } => (msg1(K::BackupRefused, path), false),
        E::WeakPin(rule) => (
            msg(match rule {
                PinRule::Format => K::PinFormat,
                PinRule::RepeatedDigit => K::PinRepeated,
                PinRule::Sequence => K::PinSequence,
                PinRule::ContainsBadge => K::PinContainsBadge,
            }),
            false,
        ),
        E::WrongSiteKey { path, .. } => (msg1(K::WrongSiteKey, path), true),
        E::SignInThrottled => (msg(K::SigninThrottled), false),
        E::ControlCharacters { field } => (msg1(K::ControlCharacters, field), false),
        E::FieldTooLong { field, max, .. } => {
            (counted(msg2(K::FieldTooLong, field, max), *max), false)
        }
        E::BadIdentifier { value, .. } => (msg1(K::BadIdentifier, value), false),
        E::BundleNotForThisSite { .. } => (msg(K::BundleNotForUs), false),
        E::ReceiptWrongSigner { .. } => (msg(K::ReceiptWrongSigner), false),
        E::KeyRevoked(k) => (msg1(K::KeyRevoked, k), false),
        E::UnknownTrustedKey(_) => (msg(K::TrustNeeded), false),
        E::DemoLedger => (msg(K::DemoLedger), false),
        E::SecondPersonRequired { .. } => (msg(K::SecondPerson), false),
        E::UnknownAmendField { field, .. } => (msg1(K::UnknownAmendField, field), false),
        E::NothingAmended(_) => (msg(K::NothingAmended), false),
        E::NotAnExhibit(c) => (msg1(K::NotAnExhibit, code(c)), false),
        E::LegalHoldBlocks { code: c, .. } => (msg1(K::LegalHoldBlocks, code(c)), false),
        E::NotOnHold(c) => (msg1(K::NotOnHold, code(c)), false),
        E::HoldLiftAuthority { .. } => (msg(K::HoldLiftAuthority), false),
        E::NoReleaseOrder { code: c, .. } => (msg1(K::NoReleaseOrder, code(c)), false),
        E::BadIdDocument(n) => (msg1(K::BadIdDocument, n), false),
        E::ItemNotInBatch { code: c, batch } => {
            (msg2(K::ItemNotInBatch, code(c), code(batch)), false)
        }
        E::BatchCancelled(c) => (msg1(K::BatchCancelled, code(c)), false),
        E::NotMissingInTransit { code: c, manifest } => {
            (msg2(K::NotMissingInTransit, code(c), code(manifest)), false)
        }
        E::UnknownCase(c) => (msg1(K::UnknownCase, c), false),
        E::UnknownSetting(s) => (msg1(K::UnknownSetting, s), false),
        E::UnknownLot(l) => (msg1(K::UnknownLot, l), false),
        E::AmbiguousLot { key, .. } => (msg1(K::AmbiguousLot, key), false),
        E::DuplicateLot {
            manufacturer,
            lot_number,
            existing,
            ..
        } => (
            msg3(K::DuplicateLot, lot_number, manufacturer, existing),
            false,
        ),
        E::BadHazardCode(h) => (msg1(K::BadHazardCode, h), false),
        E::BadQuantity { given, max } => (
            msg2(
                K::BadQuantity,
                signed_text(*given),
                number_text(max.unsigned_abs()),
            ),
            false,
        ),
        E::InsufficientQuantity {
            lot,
            wanted,
            available,
            ..
        } => (
            msg3(
                K::InsufficientQuantity,
                lot,
                number_text(*wanted),
                number_text(*available),
            ),
            false,
        ),
        E::ReturnExceedsIssued {
            lot,
            wanted,
            issued_out,
        } => (
            msg3(
                K::ReturnExceedsIssued,
                lot,
                number_text(*wanted),
                number_text(*issued_out),
            ),
            false,
        ),
        E::SignerRequired => (msg(K::SignerRequired), false),
        E::AmmoFieldRequired { .. } => (msg(K::AmmoFieldRequired), false),
        E::BadCompatibilityGroup(g) => {
            // The letters are codes of the UN classification: passed as data, never translated.
            let letters: Vec<String> = custody_core::limits::GROUPS
                .iter()
                .map(char::to_string)
                .collect();
            (msg2(K::BadCompatibilityGroup, g, letters.join(", ")), false)
        }
        E::OverLicence {
            location,
            limit_kg,
            excess_kg,
            ..
        } => (
            msg3(
                K::OverLicence,
                location,
                kg_text(limit_kg),
                kg_text(excess_kg),
            ),
            false,
        ),
        E::GroupNotAllowed {
            location,
            group,
            allowed,
        } => (msg3(K::GroupNotAllowed, location, allowed, group), false),
        E::IncompatibleGroups {
            location,
            group,
            present,
        } => (msg3(K::IncompatibleGroups, group, present, location), false),
        E::LotNotServiceable { lot, .. } => (msg1(K::LotNotServiceable, lot), false),
        E::BadCount { given, max, .. } => {
            (msg2(K::BadCount, given, number_text(*max as u64)), false)
        }
        E::NothingCounted => (msg(K::NothingCounted), false),
        E::LocationNotInCount {
            stocktake,
            location,
        } => (
            msg2(K::LocationNotInCount, display_code(stocktake), location),
            false,
        ),
        E::NoQuantityDiscrepancy {
            stocktake,
            lot,
            location,
        } => (
            msg3(
                K::NoQuantityDiscrepancy,
                display_code(stocktake),
                lot,
                location,
            ),
            false,
        ),
        E::LotOnHold { lot, order, .. } => (msg2(K::LotOnHold, lot, order), false),
        E::LotNotOnHold { lot } => (msg1(K::LotNotOnHold, lot), false),
        E::LotInBatch {
            lot,
            location,
            batch,
        } => (
            msg3(K::LotInBatch, lot, location, display_code(batch)),
            false,
        ),
        E::LotNotInBatch {
            lot,
            location,
            batch,
        } => (
            msg3(K::LotNotInBatch, lot, location, display_code(batch)),
            false,
        ),
        E::LotRecountMismatch {
            lot,
            frozen,
            counted,
            ..
        } => (
            msg3(
                K::LotRecountMismatch,
                lot,
                number_text(*frozen),
                number_text(*counted),
            ),
            false,
        ),
        E::BadLotQuantity(text) => (msg1(K::BadLotQuantity, text), false),
        E::LotNotInHandover { manifest, lot } => (
            msg2(K::LotNotInHandover, display_code(manifest), lot),
            false,
        ),
        E::BadCsvHeader { missing, .. } => (msg1(K::BadCsvHeader, missing), false),
        E::NotAPackageLabel(code) => (msg1(K::NotAPackageLabel, code), false),
        E::NoLotInMarking(marking) => (msg1(K::NoLotInMarking, marking), false),
    };
    Problem { msg, banner }
}

fn same_person(rule: &SamePerson) -> Msg {
    use MsgKind as K;
    match rule {
        SamePerson::Transfer => msg(K::SamePerson),
        SamePerson::HandoverWitness => msg(K::WitnessNotReceiver),
        SamePerson::SettlementCosigner | SamePerson::StocktakeCosigner => msg(K::CosignerDistinct),
        SamePerson::AmendmentConfirmer => msg(K::ConfirmerDistinct),
        SamePerson::ReleaseWitness => msg(K::ReleaseWitnessDistinct),
        SamePerson::OperatorWitness { person } => msg1(K::OperatorWitness, person),
        SamePerson::WitnessTwice { person } => msg1(K::WitnessTwice, person),
    }
}

/// A refusal in the kiosk's words: each variant its own message kind with its facts.
pub fn refusal(r: &Refusal) -> Msg {
    use MsgKind as K;
    match r {
        Refusal::Missing(n) => msg1(K::Missing, needed_key(*n)),
        Refusal::WeaponNotPrintable => msg(K::NotPrintable),
        Refusal::YearOutOfRange { year, latest } => msg2(K::YearOutOfRange, year, latest),
        Refusal::AlreadyActive {
            person,
            active: true,
        } => msg1(K::AlreadyActive, person),
        Refusal::AlreadyActive {
            person,
            active: false,
        } => msg1(K::AlreadyDeactivated, person),
        Refusal::DueInPast { due } => msg1(K::DueInPast, date_text(&due.to_string())),
        Refusal::NotAYear { value, .. } => msg1(K::NotAYear, value),
        Refusal::FieldEmpty { field } => msg1(K::FieldEmpty, field),
        Refusal::UnknownWeaponType { value } => msg1(K::UnknownWeaponType, value),
        Refusal::FieldNamedTwice { field } => msg1(K::FieldNamedTwice, field),
        Refusal::NotADate { value, .. } => msg1(K::NotADate, value),
        Refusal::PeriodReversed { from, to } => msg2(
            K::PeriodReversed,
            date_text(&to.to_string()),
            date_text(&from.to_string()),
        ),
        Refusal::BadReviewDays { value, .. } => msg1(K::BadReviewDays, value),
        Refusal::BadReleaseWitness { value } => msg1(K::BadReleaseWitness, value),
        Refusal::ReviewDateNotAfterToday { date, .. } => {
            msg1(K::ReviewDateNotAfterToday, date_text(&date.to_string()))
        }
        Refusal::ReviewDateWithoutKeepUntil { .. } => msg(K::ReviewDateWithoutKeep),
        Refusal::AlreadyOnHold { code } => msg1(K::AlreadyOnHold, display_code(code)),
        Refusal::OwnKey => msg(K::OwnKey),
        Refusal::ListedTwice { code } => msg1(K::ListedTwice, display_code(code)),
        Refusal::NothingToSettle { manifest } => msg1(K::NothingToSettle, display_code(manifest)),
        Refusal::LotNotShort { lot, manifest } => msg2(K::LotNotShort, lot, display_code(manifest)),
        Refusal::BatchEmpty { batch } => msg1(K::BatchEmpty, display_code(batch)),
        Refusal::BadScrapWeight { value } => msg1(K::BadScrapWeight, value),
        Refusal::BadPhotoDigest { value } => msg1(K::BadPhotoDigest, value),
        Refusal::ResolutionNeedsReference { resolution } => {
            msg1(K::ResolutionNeedsReference, resolution.as_str())
        }
        Refusal::EventNotInLedger { seq } => msg1(K::EventNotInLedger, seq),
        Refusal::NoCheckpoint => msg(K::NoCheckpoint),
        Refusal::NotACosignature { .. } => msg(K::NotACosignature),
        Refusal::CosignatureForOtherSite { theirs, .. } => msg1(K::CosignatureOtherSite, theirs),
        Refusal::CosignatureInvalid => msg(K::CosignatureInvalid),
        Refusal::CosignedEventDiffers { seq, .. } => msg1(K::CosignedEventDiffers, seq),
        Refusal::CosignedEventMissing { seq } => msg1(K::CosignedEventMissing, seq),
        Refusal::CsvHeaderUnreadable { .. } => msg(K::CsvHeaderUnreadable),
        Refusal::CsvHeader { missing, unknown } => {
            msg2(K::CsvHeader, missing.join(", "), unknown.join(", "))
        }
        Refusal::BadNeq { value } => msg1(K::BadNeq, value),
        Refusal::BadLicence { value, max } => msg2(K::BadLicence, value, number_text(*max)),
        Refusal::NoUnitsPerPackage => msg(K::NoUnitsPerPackage),
        Refusal::SplitToSameLocation => msg(K::SplitSameLocation),
        Refusal::BadCheckpointPolicy {
            limit,
            value,
            min,
            max,
        } => msg3(
            match limit {
                CheckpointLimit::Events => K::BadCheckpointEvents,
                CheckpointLimit::Minutes => K::BadCheckpointMinutes,
            },
            number_text(*min),
            number_text(*max),
            number_text(*value),
        ),
    }
}

/// The key ui/messages.slint (`Messages.needed`) words a missing thing by.
pub fn needed_key(n: Needed) -> &'static str {
    match n {
        Needed::SiteName => "site-name",
        Needed::PersonName => "person-name",
        Needed::Role => "role",
        Needed::Badge => "badge",
        Needed::Serial => "serial",
        Needed::Manufacturer => "manufacturer",
        Needed::LocationName => "location-name",
        Needed::ExhibitNumbers => "exhibit-numbers",
        Needed::ItemsToMove => "items-to-move",
        Needed::TransferReason => "transfer-reason",
        Needed::CheckoutDetails => "checkout-details",
        Needed::RecoveryReason => "recovery-reason",
        Needed::AmendReason => "amend-reason",
        Needed::OrderDetails => "order-details",
        Needed::ReviewDate => "review-date",
        Needed::OwnerName => "owner-name",
        Needed::HandoverSender => "handover-sender",
        Needed::HandoverReceiver => "handover-receiver",
        Needed::HandoverLegalBasis => "handover-legal-basis",
        Needed::HandoverTransport => "handover-transport",
        Needed::HandoverItems => "handover-items",
        Needed::KeyName => "key-name",
        Needed::RevokeReason => "revoke-reason",
        Needed::SettlementReference => "settlement-reference",
        Needed::DestructionAuthority => "destruction-authority",
        Needed::DecisionReference => "decision-reference",
        Needed::DestructionEquipment => "destruction-equipment",
        Needed::DestructionPlace => "destruction-place",
        Needed::BatchReason => "batch-reason",
        Needed::ItemsToRemove => "items-to-remove",
        Needed::MoveDestination => "move-destination",
        Needed::ScannedCode => "scanned-code",
    }
}

/// Why a scan named nothing, in the kiosk's words (core decided; the kiosk only words it).
pub fn unknown_scan(reason: &UnknownReason) -> Msg {
    match reason {
        UnknownReason::NotText => msg(MsgKind::ScanNotText),
        UnknownReason::Empty => msg(MsgKind::ScanEmpty),
        UnknownReason::NoSuchItem { scanned } => msg1(MsgKind::UnknownItem, scanned),
        UnknownReason::Ambiguous { scanned, .. } => msg1(MsgKind::Ambiguous, scanned),
    }
}

/// A Custody code in its printed form (W-XXXXX-XXXXX-X); anything else unchanged.
pub fn display_code(code: &str) -> String {
    custody_codes::LabelCode::parse(code)
        .map(|c| c.display_form())
        .unwrap_or_else(|_| code.to_string())
}

/// Scanned bytes as one line of text for the screen: control bytes and invalid UTF-8 escaped.
pub fn printable(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut out = String::new();
    for c in text.trim().chars().take(60) {
        if c.is_control() {
            out.push_str(&format!("\\x{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_counts_read_as_each_language_writes_them() {
        // One test: the style is process-wide, and tests run in parallel threads.
        set_language(Language::SerbianLatin);
        assert_eq!(date_text("2026-03-07"), "07.03.2026");
        assert_eq!(date_text("2026-03-07 14:05"), "07.03.2026 14:05");
        for lang in ["bs", "cnr", "mk", "sq", "ro"] {
            set_language(Language::from_code(lang).unwrap());
            assert_eq!(date_text("2026-03-07"), "07.03.2026");
        }
        // Croatian closes the year with the ordinal dot.
        set_language(Language::Croatian);
        assert_eq!(date_text("2026-03-07"), "07.03.2026.");
        assert_eq!(date_text("2026-03-07T14:05"), "07.03.2026. 14:05");
        set_language(Language::English);
        assert_eq!(date_text("2026-03-07"), "2026-03-07");
        assert_eq!(date_text("not a date"), "not a date");
        assert_eq!(date_text(""), "");
        let cet = chrono::FixedOffset::east_opt(3600).unwrap();
        set_language(Language::English);
        assert_eq!(
            time_text_at("2026-11-27T23:30:05.123Z", cet),
            "2026-11-28 00:30"
        );
        assert_eq!(time_text_at("garbage", cet), "garbage");
        assert_eq!(number_text(0), "0");
        assert_eq!(number_text(999), "999");
        assert_eq!(number_text(100_000), "100,000");
        assert_eq!(number_text(1_234_567), "1,234,567");
        set_language(Language::Croatian);
        assert_eq!(
            time_text_at("2026-11-27T23:30:05Z", cet),
            "28.11.2026. 00:30"
        );
        assert_eq!(number_text(100_000), "100.000");
        set_language(Language::Albanian);
        assert_eq!(number_text(1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(kg_text("1234.5"), "1\u{a0}234,5");
        set_language(Language::Croatian);
        assert_eq!(kg_text("0.0016"), "0,0016");
        assert_eq!(kg_text("30"), "30");
        set_language(Language::English);
        assert_eq!(kg_text("12500.25"), "12,500.25");
        assert_eq!(kg_text("not kg"), "not kg");
        assert_eq!(signed_text(-40), "-40");
        assert_eq!(signed_text(-1_000_000), "-1,000,000");
    }
}
