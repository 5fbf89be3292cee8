//! The depot's nouns: weapons, evidence items, locations, people and their roles.
//!
//! These types travel inside event payloads, so their serde names are part of the ledger format
//! (docs/ledger-format.md): rename nothing without a migration.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a person may do. Each workflow function in core checks one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Depot storage officer: intake, labelling, moves, stocktakes, destruction batches.
    Officer,
    /// Evidence-room custodian: exhibits, transfers, check-out and check-in.
    Custodian,
    /// Inspector or commission member: counts, witnesses, signs and prints.
    Inspector,
    /// Site administrator: people, roles, keys, backups.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Officer,
        Role::Custodian,
        Role::Inspector,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Custodian => "custodian",
            Role::Inspector => "inspector",
            Role::Administrator => "administrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown role '{s}': use officer, custodian, inspector or administrator")
            })
    }
}

/// Weapon categories as used in ISACS 05.30 marking and record-keeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeaponType {
    Pistol,
    Revolver,
    Rifle,
    Carbine,
    Shotgun,
    SubmachineGun,
    MachineGun,
    GrenadeLauncher,
    Other,
}

impl WeaponType {
    pub const ALL: [WeaponType; 9] = [
        WeaponType::Pistol,
        WeaponType::Revolver,
        WeaponType::Rifle,
        WeaponType::Carbine,
        WeaponType::Shotgun,
        WeaponType::SubmachineGun,
        WeaponType::MachineGun,
        WeaponType::GrenadeLauncher,
        WeaponType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WeaponType::Pistol => "pistol",
            WeaponType::Revolver => "revolver",
            WeaponType::Rifle => "rifle",
            WeaponType::Carbine => "carbine",
            WeaponType::Shotgun => "shotgun",
            WeaponType::SubmachineGun => "submachine_gun",
            WeaponType::MachineGun => "machine_gun",
            WeaponType::GrenadeLauncher => "grenade_launcher",
            WeaponType::Other => "other",
        }
    }
}

impl fmt::Display for WeaponType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WeaponType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        let found = match key.as_str() {
            "smg" => Some(WeaponType::SubmachineGun),
            "mg" | "lmg" | "hmg" => Some(WeaponType::MachineGun),
            "handgun" => Some(WeaponType::Pistol),
            "assault_rifle" | "sniper_rifle" => Some(WeaponType::Rifle),
            _ => WeaponType::ALL.into_iter().find(|t| t.as_str() == key),
        };
        found.ok_or_else(|| {
            format!(
                "unknown weapon type '{s}': use one of pistol, revolver, rifle, carbine, shotgun, \
                 submachine_gun, machine_gun, grenade_launcher, other"
            )
        })
    }
}

/// How the item came into state hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    #[default]
    StateStock,
    Seized,
    VoluntarySurrender,
    Found,
    TransferredIn,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::StateStock => "state_stock",
            Origin::Seized => "seized",
            Origin::VoluntarySurrender => "voluntary_surrender",
            Origin::Found => "found",
            Origin::TransferredIn => "transferred_in",
        }
    }
}

impl FromStr for Origin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "state_stock" => Ok(Origin::StateStock),
            "seized" => Ok(Origin::Seized),
            "voluntary_surrender" => Ok(Origin::VoluntarySurrender),
            "found" => Ok(Origin::Found),
            "transferred_in" => Ok(Origin::TransferredIn),
            _ => Err(format!(
                "unknown origin '{s}': use state_stock, seized, voluntary_surrender, found or transferred_in"
            )),
        }
    }
}

/// Where an item stands in its life at this site. Destroyed, transferred-out, released and
/// lost-in-transit are terminal: scanning such an item raises an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    InStore,
    CheckedOut,
    InTransit,
    AwaitingDestruction,
    Destroyed,
    TransferredOut,
    /// An exhibit released to its owner on an order (terminal).
    Released,
    /// Dispatched, never counted at the receiving site, and settled as lost (terminal).
    LostInTransit,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 8] = [
        ItemStatus::InStore,
        ItemStatus::CheckedOut,
        ItemStatus::InTransit,
        ItemStatus::AwaitingDestruction,
        ItemStatus::Destroyed,
        ItemStatus::TransferredOut,
        ItemStatus::Released,
        ItemStatus::LostInTransit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::InStore => "in_store",
            ItemStatus::CheckedOut => "checked_out",
            ItemStatus::InTransit => "in_transit",
            ItemStatus::AwaitingDestruction => "awaiting_destruction",
            ItemStatus::Destroyed => "destroyed",
            ItemStatus::TransferredOut => "transferred_out",
            ItemStatus::Released => "released",
            ItemStatus::LostInTransit => "lost_in_transit",
        }
    }

    pub fn parse(s: &str) -> Option<ItemStatus> {
        ItemStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The terminal statuses' names as a JSON list, for SQL's `json_each`.
    pub(crate) fn terminal_json() -> String {
        let names: Vec<&str> = ItemStatus::ALL
            .iter()
            .filter(|s| s.is_terminal())
            .map(|s| s.as_str())
            .collect();
        serde_json::to_string(&names).expect("status names serialize")
    }

    /// Terminal states: the item has left this site's custody for good.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ItemStatus::Destroyed
                | ItemStatus::TransferredOut
                | ItemStatus::Released
                | ItemStatus::LostInTransit
        )
    }
}

impl fmt::Display for ItemStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Weapon or evidence item: one record can be both (a seized pistol is an exhibit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Weapon,
    Evidence,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Weapon => "weapon",
            ItemKind::Evidence => "evidence",
        }
    }
}

/// Where a marking sits and whether it can still be read (ISACS 05.30 / ITI record fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MarkingRecord {
    pub position: String,
    /// The marking was defaced (ground off, punched) when the weapon arrived.
    pub defaced: bool,
    /// A defaced marking was recovered (e.g. by etching); the serial came from that.
    pub restored: bool,
}

/// The fields an officer records for a weapon at intake (ISACS 05.30, ITI, EU 2021/555).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WeaponRecord {
    /// Frame or receiver serial number as marked.
    pub serial: String,
    pub manufacturer: String,
    pub model: String,
    pub weapon_type: Option<WeaponType>,
    pub calibre: String,
    /// Country of manufacture (ISO 3166 alpha-2 or as marked).
    pub country: String,
    pub year: Option<i32>,
    /// Serials of essential components (barrel, slide, bolt) where marked separately.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub component_serials: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub import_country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_year: Option<i32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub import_mark: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markings: Vec<MarkingRecord>,
    #[serde(default)]
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub legal_status: String,
    /// SHA-256 digests (hex) of intake photos; the photos themselves live outside the ledger.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photo_digests: Vec<String>,
    /// A manufacturer UII or GS1 string read from the weapon's own marking, if any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub marking_code: String,
}

/// The fields a custodian records for an exhibit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EvidenceRecord {
    pub case_number: String,
    /// Exhibit number; sub-items as "12.3".
    pub exhibit_number: String,
    pub description: String,
    /// weapon, ammunition, explosive, other.
    pub category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub seized_by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub seized_where: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub seized_when: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub package_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seal_numbers: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub condition: String,
    #[serde(default)]
    pub legal_hold: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub disposal_authority: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub retention_date: String,
    /// When the exhibit is itself a weapon, its weapon record (one item, both roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon: Option<WeaponRecord>,
}

/// A place things are kept: site, building, room, rack/shelf/bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LocationRecord {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub building: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub room: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub shelf: String,
}

/// A person as registered (no secrets: the PIN hash is kept outside the event log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub service_number: String,
    /// The badge code the person scans or types to log in.
    pub badge: String,
    pub roles: Vec<Role>,
}

/// How a stocktake discrepancy was settled. Each needs its own event before the count closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The missing item turned up after the count (in a box, on a trolley, at the armourer).
    FoundLater,
    /// The item was moved to where it was counted (or to a named location): a move event follows.
    Moved,
    /// Reported lost or stolen; the reference is the report or case number.
    ReportedLost,
    /// The record was wrong and a compensating event corrected it; the reference names it.
    DataErrorCorrected,
}

impl Resolution {
    pub const ALL: [Resolution; 4] = [
        Resolution::FoundLater,
        Resolution::Moved,
        Resolution::ReportedLost,
        Resolution::DataErrorCorrected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::FoundLater => "found_later",
            Resolution::Moved => "moved",
            Resolution::ReportedLost => "reported_lost",
            Resolution::DataErrorCorrected => "data_error_corrected",
        }
    }
}

impl FromStr for Resolution {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Resolution::ALL
            .into_iter()
            .find(|r| r.as_str() == key)
            .ok_or_else(|| {
                format!(
                    "unknown resolution '{s}': use found_later, moved, reported_lost or data_error_corrected"
                )
            })
    }
}

/// The counts a closed stocktake was signed with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StocktakeSummary {
    pub expected: u64,
    pub scans: u64,
    pub found: u64,
    pub missing: u64,
    pub misplaced: u64,
    pub unknown: u64,
    pub duplicates: u64,
    pub alarms: u64,
    pub resolved: u64,
    /// SHA-256 (hex) over the sorted distinct counted codes, one per line.
    pub counted_digest: String,
    /// Lot lines (lot at a location) expected or counted, and of those the ones whose
    /// counted quantity differed (each settled by a co-signed adjustment before closing).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lot_lines: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub quantity_discrepancies: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How weapons are made unusable (ISACS 05.50 methods).
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
    pub const ALL: [DestructionMethod; 5] = [
        DestructionMethod::Cutting,
        DestructionMethod::Crushing,
        DestructionMethod::Shredding,
        DestructionMethod::Smelting,
        DestructionMethod::Detonation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DestructionMethod::Cutting => "cutting",
            DestructionMethod::Crushing => "crushing",
            DestructionMethod::Shredding => "shredding",
            DestructionMethod::Smelting => "smelting",
            DestructionMethod::Detonation => "detonation",
        }
    }
}

impl FromStr for DestructionMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        DestructionMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == key)
            .ok_or_else(|| {
                format!(
                    "unknown method '{s}': use cutting, crushing, shredding, smelting or detonation"
                )
            })
    }
}

/// What the destruction commission records at the site, before execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestructionRecord {
    pub method: DestructionMethod,
    pub equipment: String,
    pub place: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// Scrap weight in kilograms, as weighed (decimal text, e.g. "412.5").
    pub scrap_weight_kg: String,
    /// SHA-256 digests (hex) of photos taken at the site; the photos live outside the ledger.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photo_digests: Vec<String>,
}

/// Who sends, who receives, on what basis and how: the head of a handover manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverDetails {
    /// Sending organisation and person.
    pub sender: String,
    /// Receiving organisation and person.
    pub receiver: String,
    /// Law, order or decision the handover rests on.
    pub legal_basis: String,
    /// Vehicle, escort, route.
    pub transport: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seals: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One item as it travels in a handover bundle: its record and a digest of its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleItem {
    /// The item's id at the sending site.
    pub item_id: String,
    /// The Custody code on its label; the receiving site keeps it.
    pub code: String,
    pub kind: ItemKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weapon: Option<WeaponRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRecord>,
    /// SHA-256 (hex) over the hashes of the item's events at the sender, in order.
    pub history_digest: String,
}

/// An item that passed custody at the receiving site: its new local id and the sender's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedItem {
    pub code: String,
    pub item_id: String,
    pub origin_item_id: String,
}

/// One corrected field of a record: its name, the value before and the value after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// Who decided what happens to an exhibit (the order's issuer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityKind {
    CaseOfficer,
    Prosecutor,
    Court,
}

impl AuthorityKind {
    pub const ALL: [AuthorityKind; 3] = [
        AuthorityKind::CaseOfficer,
        AuthorityKind::Prosecutor,
        AuthorityKind::Court,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthorityKind::CaseOfficer => "case_officer",
            AuthorityKind::Prosecutor => "prosecutor",
            AuthorityKind::Court => "court",
        }
    }
}

impl FromStr for AuthorityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        AuthorityKind::ALL
            .into_iter()
            .find(|a| a.as_str() == key)
            .ok_or_else(|| {
                format!("unknown authority '{s}': use case_officer, prosecutor or court")
            })
    }
}

/// What is to become of an exhibit once its review date comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Keep it until a new review date.
    KeepUntil,
    ReleaseToOwner,
    ReturnToAgency,
    /// Destroy it: the order is the disposal authority a destruction batch needs.
    Destroy,
    RetainPermanently,
}

impl Disposition {
    pub const ALL: [Disposition; 5] = [
        Disposition::KeepUntil,
        Disposition::ReleaseToOwner,
        Disposition::ReturnToAgency,
        Disposition::Destroy,
        Disposition::RetainPermanently,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::KeepUntil => "keep_until",
            Disposition::ReleaseToOwner => "release_to_owner",
            Disposition::ReturnToAgency => "return_to_agency",
            Disposition::Destroy => "destroy",
            Disposition::RetainPermanently => "retain_permanently",
        }
    }
}

impl FromStr for Disposition {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Disposition::ALL
            .into_iter()
            .find(|d| d.as_str() == key)
            .ok_or_else(|| {
                format!(
                    "unknown decision '{s}': use keep_until, release_to_owner, return_to_agency, destroy or retain_permanently"
                )
            })
    }
}

/// The identity document an owner shows when an exhibit is released to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdDocumentType {
    NationalId,
    Passport,
    DrivingLicence,
    ResidencePermit,
}

impl IdDocumentType {
    pub const ALL: [IdDocumentType; 4] = [
        IdDocumentType::NationalId,
        IdDocumentType::Passport,
        IdDocumentType::DrivingLicence,
        IdDocumentType::ResidencePermit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdDocumentType::NationalId => "national_id",
            IdDocumentType::Passport => "passport",
            IdDocumentType::DrivingLicence => "driving_licence",
            IdDocumentType::ResidencePermit => "residence_permit",
        }
    }
}

impl FromStr for IdDocumentType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        IdDocumentType::ALL
            .into_iter()
            .find(|d| d.as_str() == key)
            .ok_or_else(|| {
                format!(
                    "unknown identity document '{s}': use national_id, passport, driving_licence or residence_permit"
                )
            })
    }
}

/// Matching keys for duplicate detection: one rule, owned by custody-codes, for typed serials,
/// scanned serials and imported ones (case, spacing, dashes and Cyrillic look-alikes fold).
pub use custody_codes::{
    normalize_manufacturer as manufacturer_key, normalize_serial as serial_key,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_keys_ignore_case_spacing_and_dashes() {
        assert_eq!(serial_key("ab-123 45"), "AB12345");
        // Cyrillic А and В typed on a Serbian keyboard match the Latin marking.
        assert_eq!(serial_key("\u{410}\u{412}12345"), "AB12345");
        assert_eq!(serial_key(" AB12345 "), "AB12345");
        assert_ne!(serial_key("AB12345"), serial_key("AB12346"));
    }

    #[test]
    fn manufacturer_keys_fold_case_and_spacing() {
        assert_eq!(manufacturer_key("  zastava   arms "), "ZASTAVA ARMS");
        assert_eq!(manufacturer_key("Zastava Arms d.o.o."), "ZASTAVA ARMS DOO");
    }

    #[test]
    fn weapon_types_accept_field_spellings() {
        assert_eq!(
            "Submachine Gun".parse::<WeaponType>(),
            Ok(WeaponType::SubmachineGun)
        );
        assert_eq!("SMG".parse::<WeaponType>(), Ok(WeaponType::SubmachineGun));
        assert!("bazooka".parse::<WeaponType>().is_err());
    }
}
