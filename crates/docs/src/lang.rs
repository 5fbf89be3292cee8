//! Every word a document prints, as a msgid of the gettext catalogues the kiosk's screens read
//! too (`ui/translations/<code>/LC_MESSAGES/custody-kiosk.po`, through `custody-i18n`), so a
//! translator edits one file per language and a term is fixed once for screens and paper.
//! Serbian Cyrillic is derived from the Serbian Latin catalogue by the one transliteration.

pub use custody_i18n::Language;

/// Every printed label. Data (names, serials, free text) is never translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    TitleCertificate,
    TitleCertificateAmmunition,
    TitleCertificateWeaponsAndAmmunition,
    CertificateStatementAmmunition,
    CertificateStatementWeaponsAndAmmunition,
    TitleManifest,
    TitleStocktake,
    TitleHistory,
    DocumentNo,
    Site,
    SiteId,
    Issued,
    Authority,
    DecisionReference,
    DestructionDates,
    Place,
    Method,
    Equipment,
    ScrapDisposal,
    ScrapWeight,
    ScrapDestination,
    Operator,
    ResponsibleOfficial,
    Witness,
    /// Stocktake signatories: who counted, who co-signed the close, who issued the report.
    CountedBy,
    CoSignedBy,
    IssuedBy,
    /// Ledger roles of people, and stocktake resolutions, as printed on documents.
    RoleOfficer,
    RoleCustodian,
    RoleInspector,
    RoleAdministrator,
    ResolutionFoundLater,
    ResolutionMoved,
    ResolutionReportedLost,
    ResolutionDataErrorCorrected,
    Alarm,
    Name,
    Role,
    Organisation,
    Signature,
    Date,
    Signatures,
    Checkpoint,
    Sequence,
    HeadHash,
    TotalItems,
    TotalsByType,
    Annex,
    ColNo,
    CustodyCode,
    Type,
    Make,
    Model,
    Calibre,
    Serial,
    Count,
    Photos,
    Page,
    Initials,
    SealHeading,
    SealHowTo,
    CertificateStatement,
    MethodCutting,
    MethodCrushing,
    MethodShredding,
    MethodSmelting,
    MethodDetonation,
    Sender,
    Receiver,
    LegalBasis,
    Transport,
    Containers,
    Container,
    SealNumbers,
    ItemList,
    Dispatch,
    Receipt,
    DispatchedAt,
    ReceivedAt,
    Discrepancies,
    Description,
    Resolution,
    NoDiscrepancies,
    NotYetReceived,
    Scope,
    Opened,
    Closed,
    Summary,
    Expected,
    Found,
    Missing,
    Misplaced,
    Unknown,
    Duplicates,
    ExpectedLocation,
    FoundLocation,
    ScannedCode,
    TimesScanned,
    NoneRecorded,
    Events,
    Time,
    EventKind,
    Actor,
    From,
    To,
    Notes,
    Status,
    Location,
    Continued,
    Total,
    TitleReleaseReceipt,
    TitleDispositionReport,
    CaseNumber,
    ExhibitNumber,
    Owner,
    IdDocument,
    IdNationalId,
    IdPassport,
    IdDrivingLicence,
    IdResidencePermit,
    Order,
    AuthorityCourt,
    AuthorityProsecutor,
    AuthorityCaseOfficer,
    OrderReference,
    ReleasedBy,
    ReceivedByOwner,
    ReleasedAt,
    AmendedNote,
    AmendedItems,
    ReleaseStatement,
    Period,
    Category,
    Intake,
    Disposed,
    Ratio,
    /// The registry's national report.
    TitleNationalReport,
    Registry,
    Year,
    Country,
    DestroyedByCountry,
    DestroyedBySite,
    NationalStatement,
    /// A handover discrepancy and how it was recorded.
    MissingOnArrival,
    ExtraOnArrival,
    RecordedAtReceipt,
    /// Ammunition by lot and quantity.
    AmmunitionLots,
    Lot,
    HazardDivision,
    Quantity,
    NeqKg,
    Counted,
    Adjustment,
    TotalQuantity,
    TotalNeqKg,
    /// A handover's lots as the receiver counted them.
    CountedOnArrival,
    Difference,
}

impl Label {
    /// Every label, for the tests that walk them.
    pub const ALL: [Label; 157] = [
        Label::TitleCertificate,
        Label::TitleCertificateAmmunition,
        Label::TitleCertificateWeaponsAndAmmunition,
        Label::CertificateStatementAmmunition,
        Label::CertificateStatementWeaponsAndAmmunition,
        Label::TitleManifest,
        Label::TitleStocktake,
        Label::TitleHistory,
        Label::DocumentNo,
        Label::Site,
        Label::SiteId,
        Label::Issued,
        Label::Authority,
        Label::DecisionReference,
        Label::DestructionDates,
        Label::Place,
        Label::Method,
        Label::Equipment,
        Label::ScrapDisposal,
        Label::ScrapWeight,
        Label::ScrapDestination,
        Label::Operator,
        Label::ResponsibleOfficial,
        Label::Witness,
        Label::CountedBy,
        Label::CoSignedBy,
        Label::IssuedBy,
        Label::RoleOfficer,
        Label::RoleCustodian,
        Label::RoleInspector,
        Label::RoleAdministrator,
        Label::ResolutionFoundLater,
        Label::ResolutionMoved,
        Label::ResolutionReportedLost,
        Label::ResolutionDataErrorCorrected,
        Label::Alarm,
        Label::Name,
        Label::Role,
        Label::Organisation,
        Label::Signature,
        Label::Date,
        Label::Signatures,
        Label::Checkpoint,
        Label::Sequence,
        Label::HeadHash,
        Label::TotalItems,
        Label::TotalsByType,
        Label::Annex,
        Label::ColNo,
        Label::CustodyCode,
        Label::Type,
        Label::Make,
        Label::Model,
        Label::Calibre,
        Label::Serial,
        Label::Count,
        Label::Photos,
        Label::Page,
        Label::Initials,
        Label::SealHeading,
        Label::SealHowTo,
        Label::CertificateStatement,
        Label::MethodCutting,
        Label::MethodCrushing,
        Label::MethodShredding,
        Label::MethodSmelting,
        Label::MethodDetonation,
        Label::Sender,
        Label::Receiver,
        Label::LegalBasis,
        Label::Transport,
        Label::Containers,
        Label::Container,
        Label::SealNumbers,
        Label::ItemList,
        Label::Dispatch,
        Label::Receipt,
        Label::DispatchedAt,
        Label::ReceivedAt,
        Label::Discrepancies,
        Label::Description,
        Label::Resolution,
        Label::NoDiscrepancies,
        Label::NotYetReceived,
        Label::Scope,
        Label::Opened,
        Label::Closed,
        Label::Summary,
        Label::Expected,
        Label::Found,
        Label::Missing,
        Label::Misplaced,
        Label::Unknown,
        Label::Duplicates,
        Label::ExpectedLocation,
        Label::FoundLocation,
        Label::ScannedCode,
        Label::TimesScanned,
        Label::NoneRecorded,
        Label::Events,
        Label::Time,
        Label::EventKind,
        Label::Actor,
        Label::From,
        Label::To,
        Label::Notes,
        Label::Status,
        Label::Location,
        Label::Continued,
        Label::Total,
        Label::TitleReleaseReceipt,
        Label::TitleDispositionReport,
        Label::CaseNumber,
        Label::ExhibitNumber,
        Label::Owner,
        Label::IdDocument,
        Label::IdNationalId,
        Label::IdPassport,
        Label::IdDrivingLicence,
        Label::IdResidencePermit,
        Label::Order,
        Label::AuthorityCourt,
        Label::AuthorityProsecutor,
        Label::AuthorityCaseOfficer,
        Label::OrderReference,
        Label::ReleasedBy,
        Label::ReceivedByOwner,
        Label::ReleasedAt,
        Label::AmendedNote,
        Label::AmendedItems,
        Label::ReleaseStatement,
        Label::Period,
        Label::Category,
        Label::Intake,
        Label::Disposed,
        Label::Ratio,
        Label::TitleNationalReport,
        Label::Registry,
        Label::Year,
        Label::Country,
        Label::DestroyedByCountry,
        Label::DestroyedBySite,
        Label::NationalStatement,
        Label::MissingOnArrival,
        Label::ExtraOnArrival,
        Label::RecordedAtReceipt,
        Label::AmmunitionLots,
        Label::Lot,
        Label::HazardDivision,
        Label::Quantity,
        Label::NeqKg,
        Label::Counted,
        Label::Adjustment,
        Label::TotalQuantity,
        Label::TotalNeqKg,
        Label::CountedOnArrival,
        Label::Difference,
    ];

    /// The msgid, and its gettext context where the English word means something else on a
    /// screen ("Dispatch" is a button there, a heading here).
    pub fn msgid(self) -> (Option<&'static str>, &'static str) {
        use Label::*;
        match self {
            TitleCertificate => (None, "Weapons destruction certificate"),
            TitleCertificateAmmunition => (None, "Ammunition destruction certificate"),
            TitleCertificateWeaponsAndAmmunition => {
                (None, "Weapons and ammunition destruction certificate")
            }
            CertificateStatementAmmunition => (None, "The undersigned certify that the ammunition listed in the annex was destroyed in their presence by the method stated above and can no longer be used."),
            CertificateStatementWeaponsAndAmmunition => (None, "The undersigned certify that the weapons and ammunition listed in the annex were destroyed in their presence by the method stated above and can no longer be used or restored."),
            TitleManifest => (None, "Handover manifest"),
            TitleStocktake => (None, "Stocktake report"),
            TitleHistory => (None, "Item custody history"),
            DocumentNo => (None, "No."),
            Site => (None, "Site"),
            SiteId => (None, "Site ID"),
            Issued => (None, "Issued"),
            Authority => (None, "Authority"),
            DecisionReference => (None, "Decision reference"),
            DestructionDates => (None, "Date(s) of destruction"),
            Place => (None, "Place"),
            Method => (None, "Method"),
            Equipment => (None, "Equipment"),
            ScrapDisposal => (None, "Scrap disposal"),
            ScrapWeight => (None, "weight"),
            ScrapDestination => (None, "delivered to"),
            Operator => (None, "Operator"),
            ResponsibleOfficial => (None, "Responsible official"),
            Witness => (None, "Witness"),
            CountedBy => (None, "Counted by"),
            CoSignedBy => (None, "Co-signed by"),
            IssuedBy => (None, "Issued by"),
            RoleOfficer => (None, "officer"),
            RoleCustodian => (None, "evidence custodian"),
            RoleInspector => (None, "inspector"),
            RoleAdministrator => (None, "administrator"),
            ResolutionFoundLater => (None, "found later"),
            ResolutionMoved => (None, "moved"),
            ResolutionReportedLost => (None, "reported lost"),
            ResolutionDataErrorCorrected => (None, "data error corrected"),
            Alarm => (None, "ALARM: destroyed or transferred item"),
            Name => (None, "Name"),
            Role => (None, "Role"),
            Organisation => (None, "Organisation"),
            Signature => (None, "Signature"),
            Date => (None, "Date"),
            Signatures => (None, "Signatures"),
            Checkpoint => (None, "Ledger checkpoint"),
            Sequence => (None, "sequence"),
            HeadHash => (None, "head hash"),
            TotalItems => (None, "Total items"),
            TotalsByType => (None, "Totals by type"),
            Annex => (None, "Annex – serial list"),
            ColNo => (Some("table column"), "No."),
            CustodyCode => (None, "Custody code"),
            Type => (None, "Type"),
            Make => (None, "Make"),
            Model => (None, "Model"),
            Calibre => (None, "Calibre"),
            Serial => (None, "Serial number"),
            Count => (None, "Count"),
            Photos => (None, "Photo references (SHA-256)"),
            Page => (None, "Page"),
            Initials => (None, "Initials"),
            SealHeading => (None, "Electronic seal"),
            SealHowTo => (None, "Scan the QR code or type the text below into Custody (verify-document) to check this document against the signed ledger of the site."),
            CertificateStatement => (None, "The undersigned certify that the weapons listed in the annex were destroyed in their presence by the method stated above and can no longer be used or restored."),
            MethodCutting => (None, "Cutting"),
            MethodCrushing => (None, "Crushing"),
            MethodShredding => (None, "Shredding"),
            MethodSmelting => (None, "Smelting"),
            MethodDetonation => (None, "Detonation"),
            Sender => (None, "Sender"),
            Receiver => (None, "Receiver"),
            LegalBasis => (None, "Legal basis"),
            Transport => (None, "Transport"),
            Containers => (None, "Containers and seals"),
            Container => (None, "Container"),
            SealNumbers => (None, "Seal numbers"),
            ItemList => (None, "Item list"),
            Dispatch => (Some("document"), "Dispatch"),
            Receipt => (None, "Receipt"),
            DispatchedAt => (None, "Dispatched at"),
            ReceivedAt => (None, "Received at"),
            // The manifest's section; the kiosk's stocktake screen says "Discrepancies" too, but
            // a stocktake's differences have their own word in several languages.
            Discrepancies => (Some("handover"), "Discrepancies"),
            Description => (None, "Description"),
            Resolution => (None, "Resolution"),
            NoDiscrepancies => (None, "No discrepancies recorded."),
            NotYetReceived => (None, "not yet received"),
            Scope => (None, "Scope (locations)"),
            Opened => (None, "Opened"),
            Closed => (None, "Closed"),
            Summary => (None, "Summary"),
            Expected => (None, "Expected"),
            Found => (None, "Found"),
            Missing => (None, "Missing"),
            Misplaced => (None, "Misplaced"),
            Unknown => (None, "Unknown codes"),
            Duplicates => (None, "Duplicate scans"),
            ExpectedLocation => (None, "Expected location"),
            FoundLocation => (None, "Found at"),
            ScannedCode => (None, "Scanned code"),
            TimesScanned => (None, "Times scanned"),
            NoneRecorded => (None, "none"),
            Events => (None, "Events"),
            Time => (None, "Time"),
            EventKind => (None, "Event"),
            Actor => (None, "Actor"),
            From => (None, "From"),
            To => (None, "To"),
            Notes => (None, "Purpose / notes"),
            Status => (None, "Status"),
            Location => (None, "Location"),
            Continued => (None, "(continued)"),
            Total => (None, "Total"),
            TitleReleaseReceipt => (None, "Receipt for an exhibit released to its owner"),
            TitleDispositionReport => (None, "Disposition report"),
            CaseNumber => (None, "Case number"),
            ExhibitNumber => (None, "Exhibit number"),
            Owner => (None, "Owner"),
            IdDocument => (None, "Identity document"),
            IdNationalId => (None, "national identity card"),
            IdPassport => (None, "passport"),
            IdDrivingLicence => (None, "driving licence"),
            IdResidencePermit => (None, "residence permit"),
            Order => (None, "Order"),
            AuthorityCourt => (None, "court"),
            AuthorityProsecutor => (None, "prosecutor"),
            AuthorityCaseOfficer => (None, "case officer"),
            OrderReference => (None, "Order reference"),
            ReleasedBy => (None, "Handed over by"),
            ReceivedByOwner => (None, "Received by (owner)"),
            ReleasedAt => (None, "Released at"),
            AmendedNote => (None, "This record was amended after intake: the values printed are the current ones, and the item's history lists every amendment."),
            AmendedItems => (None, "Records amended after intake (the values printed are the current ones; each item's history lists every amendment):"),
            ReleaseStatement => (None, "The owner named above received the item described above on the order named, and proved their identity with the document named."),
            Period => (None, "Period"),
            Category => (None, "Category"),
            Intake => (Some("document"), "Intake"),
            Disposed => (None, "Disposed of (total)"),
            Ratio => (None, "Disposed / intake"),
            TitleNationalReport => (None, "National report on destroyed weapons"),
            Registry => (None, "Registry"),
            Year => (None, "Year"),
            Country => (None, "Country of manufacture"),
            DestroyedByCountry => (None, "Destroyed by country of manufacture and type"),
            DestroyedBySite => (None, "Destroyed by site"),
            NationalStatement => (None, "Figures of the national registry: every item whose destruction the sites recorded in this year, as they pushed it and the registry checked it. The sealed list attached to this file names each item."),
            MissingOnArrival => (None, "missing: on the manifest, not received"),
            ExtraOnArrival => (None, "extra: received, not on the manifest"),
            RecordedAtReceipt => (None, "recorded at receipt (ledger event {})"),
            AmmunitionLots => (None, "Ammunition and explosive ordnance"),
            Lot => (None, "Lot"),
            HazardDivision => (None, "Hazard division"),
            Quantity => (None, "Quantity"),
            NeqKg => (None, "Net explosive quantity (kg)"),
            Counted => (None, "Counted"),
            Adjustment => (None, "Adjustment (co-signed reason)"),
            TotalQuantity => (None, "Total quantity"),
            TotalNeqKg => (None, "Total net explosive quantity (kg)"),
            CountedOnArrival => (None, "Counted on arrival"),
            Difference => (None, "Difference"),
        }
    }
}

/// Item statuses as the ledger keys them, and their msgids (the kiosk shows the same words).
const STATUSES: [(&str, &str); 8] = [
    ("in_store", "in store"),
    ("checked_out", "checked out"),
    ("in_transit", "in transit"),
    ("awaiting_destruction", "awaiting destruction"),
    ("destroyed", "destroyed"),
    ("transferred_out", "transferred out"),
    ("released", "released to owner"),
    ("lost_in_transit", "lost in transit"),
];

/// Ledger event kinds that can appear in an item's history, and their msgids (context
/// "ledger event": the same English word is also a status).
const EVENTS: [(&str, &str); 29] = [
    ("item.register_weapon", "registered (weapon)"),
    ("item.register_evidence", "registered (exhibit)"),
    ("item.move", "moved"),
    ("custody.transfer", "custody transferred"),
    ("item.check_out", "checked out"),
    ("item.check_in", "checked in"),
    ("item.status", "status changed"),
    ("scan.recorded", "scanned"),
    ("stocktake.scan", "counted in stocktake"),
    ("stocktake.resolve", "stocktake difference settled"),
    ("destruction.add", "added to destruction batch"),
    ("destruction.freeze", "destruction batch frozen"),
    ("destruction.recount", "re-counted for destruction"),
    ("destruction.execute", "destroyed"),
    ("handover.dispatch", "dispatched in handover"),
    ("handover.import", "received in handover bundle"),
    ("handover.receive_scan", "counted on arrival"),
    ("handover.discrepancy", "handover difference"),
    ("handover.accept", "signed for in handover"),
    ("handover.receipt", "receipt: transferred out"),
    ("item.amend", "record amended"),
    ("evidence.disposition", "disposition decided"),
    ("evidence.hold", "legal hold placed or lifted"),
    ("evidence.release", "released to owner"),
    ("destruction.remove", "removed from destruction batch"),
    ("destruction.unfreeze", "destruction batch reopened"),
    ("destruction.cancel", "destruction batch cancelled"),
    ("handover.settle", "settled as lost in transit"),
    ("item.return", "returned through a handover"),
];

/// Item types (weapon types, or an exhibit) as the ledger keys them, and their msgids.
const ITEM_TYPES: [(&str, &str); 11] = [
    ("pistol", "pistol"),
    ("revolver", "revolver"),
    ("rifle", "rifle"),
    ("carbine", "carbine"),
    ("shotgun", "shotgun"),
    ("submachine_gun", "submachine gun"),
    ("machine_gun", "machine gun"),
    ("grenade_launcher", "grenade launcher"),
    ("other", "other"),
    ("evidence", "evidence exhibit"),
    ("weapon", "weapon"),
];

/// Every msgid a document prints, with its context (the catalogue tests walk them).
pub fn msgids() -> Vec<(Option<&'static str>, &'static str)> {
    let mut all: Vec<_> = Label::ALL.iter().map(|l| l.msgid()).collect();
    all.extend(STATUSES.iter().map(|(_, m)| (None, *m)));
    all.extend(ITEM_TYPES.iter().map(|(_, m)| (None, *m)));
    all.extend(EVENTS.iter().map(|(_, m)| (Some("ledger event"), *m)));
    all
}

/// A document's words in a language.
pub trait Words {
    /// A label in this language.
    fn t(self, label: Label) -> String;
    /// An item status key (`in_store`) in words; an unknown key is printed as it is.
    fn status(self, key: &str) -> String;
    /// An item type key (`submachine_gun`) in words; anything else is printed as it is.
    fn item_type(self, key: &str) -> String;
    /// A ledger event kind (`item.check_out`) in words; an unknown kind is printed as it is.
    fn event(self, kind: &str) -> String;
}

impl Words for Language {
    fn t(self, label: Label) -> String {
        match label.msgid() {
            (Some(context), msgid) => self.tr_ctx(context, msgid),
            (None, msgid) => self.tr(msgid),
        }
    }

    fn status(self, key: &str) -> String {
        from_table(self, &STATUSES, None, key)
    }

    fn item_type(self, key: &str) -> String {
        from_table(self, &ITEM_TYPES, None, key)
    }

    fn event(self, kind: &str) -> String {
        from_table(self, &EVENTS, Some("ledger event"), kind)
    }
}

fn from_table(
    language: Language,
    table: &[(&str, &str)],
    context: Option<&str>,
    key: &str,
) -> String {
    match table.iter().find(|(k, _)| *k == key) {
        Some((_, msgid)) => match context {
            Some(context) => language.tr_ctx(context, msgid),
            None => language.tr(msgid),
        },
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use custody_i18n::Catalogue;

    #[test]
    fn every_word_a_document_prints_is_in_every_catalogue() {
        for language in Language::ALL.into_iter().skip(1) {
            let catalogue = Catalogue::for_language(language);
            for (context, msgid) in msgids() {
                assert!(
                    catalogue.has(context, msgid),
                    "{} lacks {context:?} {msgid:?}",
                    language.code()
                );
                let word = catalogue.get(context, msgid);
                // Romanian writes ș ț with a comma below; the cedilla look-alikes are wrong.
                assert!(!word.contains(['ş', 'ţ', 'Ş', 'Ţ']), "cedilla in {word}");
            }
        }
    }

    #[test]
    fn statuses_types_and_events_print_in_words_and_unknown_keys_as_they_are() {
        assert_eq!(Language::SerbianCyrillic.status("destroyed"), "уништено");
        assert_eq!(Language::English.event("item.check_out"), "checked out");
        assert_eq!(Language::SerbianCyrillic.item_type("rifle"), "пушка");
        assert_eq!(Language::Romanian.item_type("AK-47 style"), "AK-47 style");
        assert_eq!(Language::Albanian.status("quarantined"), "quarantined");
        assert_eq!(Language::Macedonian.event("site.init"), "site.init");
        for l in Language::ALL {
            for (key, _) in STATUSES
                .iter()
                .chain(EVENTS.iter())
                .chain(ITEM_TYPES.iter())
            {
                let words = if key.contains('.') {
                    l.event(key)
                } else {
                    l.status(key)
                };
                let words = if ITEM_TYPES.iter().any(|(k, _)| k == key) {
                    l.item_type(key)
                } else {
                    words
                };
                assert!(
                    !words.trim().is_empty() && !words.contains('_'),
                    "{l:?} {key}"
                );
            }
        }
    }

    #[test]
    fn a_title_reads_in_each_script_and_each_language_in_its_own_words() {
        let latin = Language::SerbianLatin.t(Label::TitleCertificate);
        let cyrillic = Language::SerbianCyrillic.t(Label::TitleCertificate);
        assert_eq!(cyrillic, custody_i18n::serbian::to_cyrillic(&latin));
        assert!(
            !cyrillic.chars().any(|c| c.is_ascii_alphabetic()),
            "{cyrillic}"
        );
        // Not Serbian with the script changed: ijekavian forms and each one's vocabulary.
        assert_eq!(Language::Croatian.t(Label::Receiver), "Primatelj");
        assert_eq!(Language::Montenegrin.t(Label::Place), "Mjesto");
        assert_eq!(Language::SerbianLatin.t(Label::Place), "Mesto");
        // The two English "No." are two labels: a document number and a table's row number.
        assert_ne!(
            Language::SerbianLatin.t(Label::DocumentNo),
            Language::SerbianLatin.t(Label::ColNo)
        );
    }
}
