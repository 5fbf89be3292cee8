//! Plain input records for each document. The ledger side maps its data into these; this crate
//! never reads the ledger, so a document can be rendered from a JSON file as well.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::lang::Label;

/// One weapon or exhibit as it appears in an annex or item list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLine {
    pub custody_code: String,
    /// Weapon type as the ledger names it (pistol, rifle, ...). Printed as given.
    pub item_type: String,
    pub make: String,
    pub model: String,
    pub calibre: String,
    pub serial: String,
}

/// The signed ledger checkpoint a document was issued at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointRef {
    pub seq: u64,
    /// SHA-256 head hash of the ledger at `seq`.
    #[serde(with = "crate::hex::serde32")]
    pub head_hash: [u8; 32],
}

/// A person who signs a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    pub name: String,
    pub role: String,
    pub organisation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestructionMethod {
    Cutting,
    Crushing,
    Shredding,
    Smelting,
    Detonation,
}

impl DestructionMethod {
    pub(crate) fn label(self) -> Label {
        match self {
            DestructionMethod::Cutting => Label::MethodCutting,
            DestructionMethod::Crushing => Label::MethodCrushing,
            DestructionMethod::Shredding => Label::MethodShredding,
            DestructionMethod::Smelting => Label::MethodSmelting,
            DestructionMethod::Detonation => Label::MethodDetonation,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScrapDisposal {
    pub weight_kg: f64,
    /// Smelter, scrap yard or other place the remains went to.
    pub delivered_to: String,
}

/// A quantity of an ammunition lot as a certificate or manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotQuantityLine {
    /// The lot's Custody label code (`A-…`), the same at every site; sealed with the line.
    #[serde(default)]
    pub lot_code: String,
    pub lot_number: String,
    /// What it is (cartridge, hand grenade, ...). Printed as given.
    pub ammo_type: String,
    pub calibre: String,
    /// UN hazard division and compatibility group, e.g. `1.4S`.
    pub hazard: String,
    pub location: String,
    pub quantity: u64,
    /// rounds, pieces or kilograms. Printed as given.
    pub unit: String,
    /// Net explosive quantity of the line in kilograms, as decimal text.
    pub neq_kg: String,
    /// In a handover: the quantity the receiver counted on arrival; None until counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
    /// In a handover: the shortfall the sender settled as lost in transit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lost_in_transit: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The ammunition a document covers: its lot lines and their totals (worked out exactly by the
/// ledger, in milligrams).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmmunitionSection {
    pub lines: Vec<LotQuantityLine>,
    pub total_quantity: u64,
    pub total_neq_kg: String,
}

/// A lot at a location in a stocktake: expected, counted, and the co-signed reason of the
/// adjustment that settled a difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StocktakeLotLine {
    /// The lot's Custody label code (`A-…`); sealed with the line.
    #[serde(default)]
    pub lot_code: String,
    pub lot_number: String,
    pub location: String,
    pub expected: u64,
    pub counted: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub adjustment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestructionCertificate {
    pub certificate_id: String,
    pub site_name: String,
    pub site_id: String,
    pub authority: String,
    pub decision_reference: String,
    pub issued_on: NaiveDate,
    pub destruction_started: NaiveDate,
    pub destruction_finished: NaiveDate,
    pub place: String,
    pub method: DestructionMethod,
    pub equipment: String,
    pub scrap: ScrapDisposal,
    pub operator: Signatory,
    pub responsible_official: Signatory,
    /// Two or more witnesses or observers; rendering refuses fewer.
    pub witnesses: Vec<Signatory>,
    pub items: Vec<ItemLine>,
    /// SHA-256 digests (hex) of the photographs taken during destruction.
    pub photo_digests: Vec<String>,
    pub checkpoint: CheckpointRef,
    /// Codes of items whose records were amended after intake: the document says so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended: Vec<String>,
    /// Ammunition destroyed by quantity; absent when the batch held none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ammunition: Option<AmmunitionSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub organisation: String,
    pub person: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerSeal {
    pub container_id: String,
    pub seal_numbers: Vec<String>,
    pub item_count: u32,
}

/// A difference found at receipt: an item missing, extra, damaged or with a broken seal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discrepancy {
    /// Custody code or container id the discrepancy is about.
    pub subject: String,
    pub description: String,
    pub resolution: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverManifest {
    pub manifest_id: String,
    pub site_name: String,
    pub site_id: String,
    pub issued_on: NaiveDate,
    pub sender: Party,
    pub receiver: Party,
    pub legal_basis: String,
    pub transport: String,
    pub containers: Vec<ContainerSeal>,
    pub items: Vec<ItemLine>,
    pub dispatched_at: DateTime<Utc>,
    /// None while the consignment is on its way; the receipt section is then left to fill by hand.
    pub received_at: Option<DateTime<Utc>>,
    pub discrepancies: Vec<Discrepancy>,
    pub checkpoint: CheckpointRef,
    /// Codes of items whose records were amended after intake: the document says so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended: Vec<String>,
    /// Ammunition handed over by quantity; absent when the handover carried none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ammunition: Option<AmmunitionSection>,
}

/// An item whose stocktake outcome needs a line and a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StocktakeFinding {
    pub item: ItemLine,
    pub expected_location: String,
    /// Where it was actually scanned; empty for missing items.
    pub found_location: String,
    pub resolution: String,
}

/// A scanned code that is not in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownScan {
    pub scanned_code: String,
    pub location: String,
    pub resolution: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateScan {
    pub item: ItemLine,
    pub times_scanned: u32,
    pub resolution: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StocktakeCounters {
    pub expected: u32,
    pub found: u32,
    pub missing: u32,
    pub misplaced: u32,
    pub unknown: u32,
    pub duplicates: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StocktakeReport {
    pub stocktake_id: String,
    pub site_name: String,
    pub site_id: String,
    pub issued_on: NaiveDate,
    pub scope: Vec<String>,
    pub opened_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    pub counters: StocktakeCounters,
    pub found: Vec<ItemLine>,
    pub missing: Vec<StocktakeFinding>,
    pub misplaced: Vec<StocktakeFinding>,
    pub unknown: Vec<UnknownScan>,
    pub duplicates: Vec<DuplicateScan>,
    pub signatories: Vec<Signatory>,
    pub checkpoint: CheckpointRef,
    /// Ammunition counted by quantity; absent when the count covered none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<StocktakeLotLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub kind: String,
    pub actor: String,
    pub witness: String,
    pub from: String,
    pub to: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemHistory {
    pub history_id: String,
    pub site_name: String,
    pub site_id: String,
    pub issued_on: NaiveDate,
    pub item: ItemLine,
    pub status: String,
    pub location: String,
    pub events: Vec<HistoryEvent>,
    pub checkpoint: CheckpointRef,
}

/// The identity document an owner showed at a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdDocumentKind {
    NationalId,
    Passport,
    DrivingLicence,
    ResidencePermit,
}

impl IdDocumentKind {
    pub(crate) fn label(self) -> Label {
        match self {
            IdDocumentKind::NationalId => Label::IdNationalId,
            IdDocumentKind::Passport => Label::IdPassport,
            IdDocumentKind::DrivingLicence => Label::IdDrivingLicence,
            IdDocumentKind::ResidencePermit => Label::IdResidencePermit,
        }
    }
}

/// Who issued the order an exhibit is released on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderAuthority {
    CaseOfficer,
    Prosecutor,
    Court,
}

impl OrderAuthority {
    pub(crate) fn label(self) -> Label {
        match self {
            OrderAuthority::CaseOfficer => Label::AuthorityCaseOfficer,
            OrderAuthority::Prosecutor => Label::AuthorityProsecutor,
            OrderAuthority::Court => Label::AuthorityCourt,
        }
    }
}

/// The receipt an owner signs when an exhibit is released to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseReceipt {
    pub receipt_id: String,
    pub site_name: String,
    pub site_id: String,
    pub issued_on: NaiveDate,
    /// The exhibit with its current values.
    pub item: ItemLine,
    pub case_number: String,
    pub exhibit_number: String,
    pub description: String,
    /// The record was amended after intake; the receipt says so.
    pub amended: bool,
    pub owner_name: String,
    pub id_document: IdDocumentKind,
    pub id_document_number: String,
    pub order_authority: OrderAuthority,
    /// The court, prosecutor's office or officer by name.
    pub authority: String,
    pub order_reference: String,
    pub released_at: DateTime<Utc>,
    pub released_by: Signatory,
    pub witness: Option<Signatory>,
    pub checkpoint: CheckpointRef,
}

/// Intake against disposal for one category (or the total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionRow {
    pub category: String,
    pub intake: u64,
    pub destroyed: u64,
    pub released: u64,
    pub transferred_out: u64,
    pub lost_in_transit: u64,
    pub disposed: u64,
    /// disposed / intake, two decimals; empty without intake.
    pub ratio: String,
}

/// Intake against disposal per category over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionReport {
    pub report_id: String,
    pub site_name: String,
    pub site_id: String,
    pub issued_on: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<DispositionRow>,
    pub total: DispositionRow,
    pub checkpoint: CheckpointRef,
}

/// One line of a national destruction report: items destroyed in the year, by country of
/// manufacture and weapon type (the breakdown of SEESAC's regional figures).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryTotal {
    pub country: String,
    pub item_type: String,
    pub destroyed: u64,
}

/// Items destroyed in the year at one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTotal {
    pub site_name: String,
    pub site_id: String,
    pub destroyed: u64,
}

/// A registry's yearly report of destroyed weapons across every site. Sealed like a
/// destruction certificate (kind D: destroyed items, counted and listed) with the registry's
/// key; `checkpoint` is the registry's summary of the site heads the figures were read at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalDestructionReport {
    pub report_id: String,
    pub registry_name: String,
    pub year: i32,
    pub issued_on: NaiveDate,
    pub by_country: Vec<CountryTotal>,
    pub by_site: Vec<SiteTotal>,
    /// Every destroyed item the figures count; its canonical list is what the seal signs.
    pub items: Vec<ItemLine>,
    pub checkpoint: CheckpointRef,
}
