//! Ledger events: what each kind carries, and the canonical bytes the hash chain covers.
//!
//! The canonical encoding is specified byte by byte in docs/ledger-format.md; the test vectors
//! there are checked by `tests/ledger_format_vectors.rs`. Change neither without the other.

use crate::domain::{
    AuthorityKind, BundleItem, DestructionRecord, Disposition, EvidenceRecord, FieldChange,
    HandoverDetails, IdDocumentType, ItemStatus, LocationRecord, PersonRecord, ReceivedItem,
    Resolution, Role, StocktakeSummary, WeaponRecord,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The 16 bytes every canonical event encoding starts with.
pub const CANONICAL_MAGIC: &[u8; 16] = b"CUSTODY-EVENT-1\n";

/// `prev_hash` of the first event.
pub const GENESIS_HASH: [u8; 32] = [0u8; 32];

/// One row of the `events` table, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: String,
    pub time: String,
    pub actor: Option<String>,
    pub witness: Option<String>,
    pub kind: String,
    pub subject: Option<String>,
    pub payload: String,
    #[serde(with = "hex_bytes")]
    pub prev_hash: [u8; 32],
    #[serde(with = "hex_bytes")]
    pub hash: [u8; 32],
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }
}

/// The fields the hash covers, borrowed so hashing never copies a payload.
pub struct EventFields<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub time: &'a str,
    pub actor: Option<&'a str>,
    pub witness: Option<&'a str>,
    pub kind: &'a str,
    pub subject: Option<&'a str>,
    pub payload: &'a str,
}

impl StoredEvent {
    pub fn fields(&self) -> EventFields<'_> {
        EventFields {
            seq: self.seq,
            id: &self.id,
            time: &self.time,
            actor: self.actor.as_deref(),
            witness: self.witness.as_deref(),
            kind: &self.kind,
            subject: self.subject.as_deref(),
            payload: &self.payload,
        }
    }
}

fn push_field(out: &mut Vec<u8>, value: Option<&str>) {
    // An absent value and an empty string are different facts, so absence has its own marker.
    match value {
        None => out.extend_from_slice(&u32::MAX.to_be_bytes()),
        Some(v) => {
            out.extend_from_slice(&(v.len() as u32).to_be_bytes());
            out.extend_from_slice(v.as_bytes());
        }
    }
}

/// Canonical bytes of an event (docs/ledger-format.md, "Canonical encoding").
pub fn canonical_bytes(e: &EventFields<'_>, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(CANONICAL_MAGIC);
    out.extend_from_slice(&e.seq.to_be_bytes());
    push_field(out, Some(e.id));
    push_field(out, Some(e.time));
    push_field(out, e.actor);
    push_field(out, e.witness);
    push_field(out, Some(e.kind));
    push_field(out, e.subject);
    push_field(out, Some(e.payload));
}

/// `hash = SHA-256(prev_hash || canonical_bytes(event))`.
pub fn chain_hash(prev_hash: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev_hash);
    h.update(canonical);
    h.finalize().into()
}

/// Everything the ledger records, one variant per event kind. The serde tag is the `kind`
/// column and the content is the `payload` column.
// Bodies are built, appended and dropped one at a time; boxing the large variants would buy
// nothing but noise in every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum EventBody {
    #[serde(rename = "site.init")]
    SiteInit {
        site_id: String,
        site_name: String,
        /// Ed25519 public key, hex.
        public_key: String,
        key_id: String,
        format: u32,
        /// A demonstration ledger (`custody demo`, the kiosk's demo mode): every front end
        /// says so on every screen, and it issues no sealed documents.
        #[serde(default, skip_serializing_if = "is_false")]
        demo: bool,
    },
    #[serde(rename = "person.register")]
    PersonRegister {
        person_id: String,
        label_code: String,
        #[serde(flatten)]
        person: PersonRecord,
    },
    #[serde(rename = "person.roles")]
    PersonRoles { person_id: String, roles: Vec<Role> },
    #[serde(rename = "person.active")]
    PersonActive { person_id: String, active: bool },
    /// A PIN was set or changed. The hash itself lives in `credentials`, never in the log.
    #[serde(rename = "person.pin_set")]
    PersonPinSet {
        person_id: String,
        /// SHA-256 (hex) of the stored credential text, so that a hash copied from one person
        /// to another in `credentials` fails verify. Absent in ledgers written before it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        credential_digest: Option<String>,
    },
    /// A PIN was presented for a known, unlocked badge. Counted against the lock-out before
    /// the PIN is checked, so parallel attempts cannot outrun the limit; a following
    /// `auth.reset` ("successful login") shows that it was right.
    #[serde(rename = "auth.attempt")]
    AuthAttempt { person_id: String, badge: String },
    #[serde(rename = "auth.failed")]
    AuthFailed {
        /// Empty when the badge is unknown.
        person_id: String,
        badge: String,
        reason: String,
    },
    /// A successful login after failures, or an administrator unlocking: the counter restarts.
    #[serde(rename = "auth.reset")]
    AuthReset { person_id: String, by: String },
    #[serde(rename = "location.register")]
    LocationRegister {
        location_id: String,
        code: String,
        #[serde(flatten)]
        location: LocationRecord,
    },
    #[serde(rename = "item.register_weapon")]
    RegisterWeapon {
        item_id: String,
        code: String,
        location_id: Option<String>,
        weapon: WeaponRecord,
    },
    #[serde(rename = "item.register_evidence")]
    RegisterEvidence {
        item_id: String,
        code: String,
        location_id: Option<String>,
        evidence: EvidenceRecord,
    },
    #[serde(rename = "item.move")]
    Move {
        item_id: String,
        from_location: Option<String>,
        to_location: String,
    },
    /// Custody passes from one person to another; both authenticated (actor and witness).
    #[serde(rename = "custody.transfer")]
    Transfer {
        item_id: String,
        from_person: Option<String>,
        to_person: String,
        reason: String,
    },
    #[serde(rename = "item.check_out")]
    CheckOut {
        item_id: String,
        to_whom: String,
        purpose: String,
        /// YYYY-MM-DD.
        due: String,
    },
    #[serde(rename = "item.check_in")]
    CheckIn {
        item_id: String,
        location_id: Option<String>,
        note: String,
    },
    /// A terminal or batch status set by a later workflow (destruction, handover).
    #[serde(rename = "item.status")]
    Status {
        item_id: String,
        status: ItemStatus,
        reference: String,
    },
    /// A scan as it arrived, accepted or refused, so a disputed scan can be investigated.
    #[serde(rename = "scan.recorded")]
    ScanRecorded {
        device: String,
        port: String,
        profile: String,
        aim: String,
        data_hex: String,
        outcome: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item_id: Option<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        error: String,
    },
    /// An administrator trusts another site's public key (for handover bundles and receipts).
    #[serde(rename = "key.trust")]
    KeyTrust {
        key_id: String,
        public_key: String,
        name: String,
    },
    /// An administrator withdraws trust from another site's key: its bundles, receipts and
    /// document seals are refused from now on.
    /// The sender exported the signed bundle of a dispatched handover, addressed to one
    /// trusted site's key; only that site's receipt is accepted for it.
    #[serde(rename = "handover.export")]
    HandoverExport {
        manifest_id: String,
        recipient_key_id: String,
    },
    #[serde(rename = "key.revoke")]
    KeyRevoke { key_id: String, reason: String },
    /// Break-glass recovery: whoever holds the site key file made a person an active,
    /// unlocked administrator with a new PIN. `signature` is the site key's signature over
    /// the break-glass note (docs/SECURITY.md), proving the key file was present.
    #[serde(rename = "admin.break_glass")]
    AdminBreakGlass {
        person_id: String,
        reason: String,
        credential_digest: String,
        signature: String,
    },
    /// A count opens for some locations, or the whole site when `location_ids` is empty.
    #[serde(rename = "stocktake.open")]
    StocktakeOpen {
        stocktake_id: String,
        code: String,
        location_ids: Vec<String>,
        note: String,
    },
    /// One scan during a count, as it came (`scanned`), with the item it matched if any.
    #[serde(rename = "stocktake.scan")]
    StocktakeScan {
        stocktake_id: String,
        scanned: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item_id: Option<String>,
        /// The location label the counter scanned before this item, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_location: Option<String>,
    },
    /// How one discrepancy (`missing:<code>`, `misplaced:<code>`, ...) was settled.
    #[serde(rename = "stocktake.resolve")]
    StocktakeResolve {
        stocktake_id: String,
        discrepancy: String,
        resolution: Resolution,
        reference: String,
        note: String,
    },
    /// The count is closed: actor is the counter, witness the co-signer.
    #[serde(rename = "stocktake.close")]
    StocktakeClose {
        stocktake_id: String,
        summary: StocktakeSummary,
    },
    #[serde(rename = "destruction.create")]
    DestructionCreate {
        batch_id: String,
        code: String,
        authority: String,
        decision_reference: String,
        note: String,
    },
    #[serde(rename = "destruction.add")]
    DestructionAdd { batch_id: String, item_id: String },
    /// The batch list is fixed; its items await destruction. `digest` is over the sorted codes.
    #[serde(rename = "destruction.freeze")]
    DestructionFreeze {
        batch_id: String,
        items: u64,
        digest: String,
    },
    /// The frozen batch was counted again by scan at the destruction site and matched.
    #[serde(rename = "destruction.recount")]
    DestructionRecount {
        batch_id: String,
        counted: u64,
        digest: String,
    },
    #[serde(rename = "destruction.record")]
    DestructionRecordSet {
        batch_id: String,
        record: DestructionRecord,
    },
    /// Actor is the operator; `witnesses` lists every witness (the witness column the first).
    #[serde(rename = "destruction.execute")]
    DestructionExecute {
        batch_id: String,
        operator: String,
        items: u64,
        digest: String,
        witnesses: Vec<String>,
        /// The lot quantities destroyed (taken from their locations), absent when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lots: Vec<crate::ammo::LotLine>,
    },
    /// Items leave for another site or agency; they are in transit until a receipt returns.
    #[serde(rename = "handover.dispatch")]
    HandoverDispatch {
        manifest_id: String,
        code: String,
        details: HandoverDetails,
        item_ids: Vec<String>,
        items_digest: String,
        /// Lot quantities handed over (transferred out of their locations), absent when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lots: Vec<crate::ammo::LotLine>,
    },
    /// A verified bundle from another site was imported; its items are expected here.
    #[serde(rename = "handover.import")]
    HandoverImport {
        manifest_id: String,
        code: String,
        sender_site_id: String,
        sender_site_name: String,
        sender_key_id: String,
        bundle_sha256: String,
        details: HandoverDetails,
        checkpoint_seq: i64,
        checkpoint_head: String,
        items_digest: String,
        items: Vec<BundleItem>,
        /// The bundle's lots with their quantities, absent when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lots: Vec<crate::ammo::BundleLot>,
    },
    /// One scan on arrival; `item_id` is the sender's id of the matching bundle item.
    #[serde(rename = "handover.receive_scan")]
    HandoverReceiveScan {
        manifest_id: String,
        scanned: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        item_id: Option<String>,
    },
    /// A difference between bundle and count (`missing` or `extra`), logged before signing.
    #[serde(rename = "handover.discrepancy")]
    HandoverDiscrepancy {
        manifest_id: String,
        discrepancy: String,
        code: String,
    },
    /// The receiver signs for the counted items (actor receiver, witness optional).
    #[serde(rename = "handover.accept")]
    HandoverAccept {
        manifest_id: String,
        received: Vec<ReceivedItem>,
        missing: u64,
        extra: u64,
        received_digest: String,
        /// Lots received with the quantity counted on arrival (each an `ammo.receive` that
        /// follows), absent when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lots: Vec<crate::ammo::ReceivedLot>,
    },
    /// The receiving site's signed receipt came back: received items are transferred out.
    #[serde(rename = "handover.receipt")]
    HandoverReceipt {
        manifest_id: String,
        receiver_site_id: String,
        receiver_key_id: String,
        receipt_sha256: String,
        received: Vec<String>,
        missing: Vec<String>,
        extra: Vec<String>,
        /// The sender's lots with the quantity the receiver counted, absent when none.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lots: Vec<crate::ammo::ReceivedLot>,
    },
    /// A sealed document (certificate, manifest, stocktake report) was issued: the site key
    /// signed `message` (the seal text up to its signature, docs/ledger-format.md).
    #[serde(rename = "document.issued")]
    DocumentIssued {
        document_id: String,
        /// `destruction_certificate`, `handover_manifest` or `stocktake_report`.
        document_kind: String,
        /// The batch, manifest or stocktake id the document is about.
        subject_id: String,
        /// SHA-256 (hex) of `message`.
        message_sha256: String,
        message: String,
        /// Ed25519 signature over `message` by the site key, hex.
        signature: String,
    },
    /// The PC's clock read earlier than the newest event when this write began (written by
    /// the ledger itself, before the write's own events, once per backward jump).
    #[serde(rename = "clock.behind")]
    ClockBehind {
        clock: String,
        newest_event_time: String,
    },
    /// The national registry's cosignature of one of this site's checkpoints
    /// (crates/core/src/sync.rs, docs/segment-format.md).
    #[serde(rename = "registry.cosign")]
    RegistryCosign {
        cosignature: crate::sync::Cosignature,
    },
    /// Corrected fields of an item's record, each with its old and new value. Identity fields
    /// (serial, manufacturer, case and exhibit number, marking code) carry a second
    /// authenticated person in the witness column.
    /// The whole record after the amendment is carried too (`weapon` or `evidence`), so the
    /// projections are rebuilt from this event alone.
    #[serde(rename = "item.amend")]
    ItemAmend {
        item_id: String,
        changes: Vec<FieldChange>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weapon: Option<WeaponRecord>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence: Option<EvidenceRecord>,
        reason: String,
        reference: String,
    },
    /// Corrected fields of a location (name, building, room, shelf).
    #[serde(rename = "location.amend")]
    LocationAmend {
        location_id: String,
        changes: Vec<FieldChange>,
        reason: String,
        reference: String,
    },
    /// Corrected fields of a person (name, service number).
    #[serde(rename = "person.amend")]
    PersonAmend {
        person_id: String,
        changes: Vec<FieldChange>,
        reason: String,
        reference: String,
    },
    /// An administrator's site setting (crates/core/src/evidence.rs lists the names).
    #[serde(rename = "site.setting")]
    SiteSetting { name: String, value: String },
    /// What is to become of an exhibit, on whose order.
    #[serde(rename = "evidence.disposition")]
    EvidenceDisposition {
        item_id: String,
        decision: Disposition,
        authority_kind: AuthorityKind,
        authority: String,
        order_reference: String,
        /// YYYY-MM-DD for `keep_until`, else empty.
        review_date: String,
        note: String,
    },
    /// A legal hold placed or lifted, on whose order.
    #[serde(rename = "evidence.hold")]
    EvidenceHold {
        item_id: String,
        legal_hold: bool,
        authority_kind: AuthorityKind,
        authority: String,
        order_reference: String,
        note: String,
    },
    /// An exhibit handed to its owner (actor hands over, witness column the site's witness).
    #[serde(rename = "evidence.release")]
    EvidenceRelease {
        item_id: String,
        owner_name: String,
        id_document_type: IdDocumentType,
        id_document_number: String,
        order_reference: String,
        note: String,
    },
    /// An item taken off an open destruction batch.
    #[serde(rename = "destruction.remove")]
    DestructionRemove {
        batch_id: String,
        item_id: String,
        reason: String,
    },
    /// A frozen (or re-counted) batch opened again: its items are back in store.
    #[serde(rename = "destruction.unfreeze")]
    DestructionUnfreeze { batch_id: String, reason: String },
    /// A batch given up before execution: its items are back in store and free.
    #[serde(rename = "destruction.cancel")]
    DestructionCancel { batch_id: String, reason: String },
    /// Items dispatched but not counted at the receiving site, settled as lost in transit
    /// (actor and a co-signer in the witness column).
    #[serde(rename = "handover.settle")]
    HandoverSettle {
        manifest_id: String,
        item_ids: Vec<String>,
        reference: String,
        note: String,
        /// Lot shortfalls settled: the quantity of each lot dispatched but not counted on
        /// arrival, moved from transferred out to lost in transit.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        lots: Vec<crate::ammo::SettledLot>,
    },
    /// An item this site had transferred out came back through a handover: its old record
    /// continues (precedes the `handover.accept` that lists it).
    #[serde(rename = "item.return")]
    ItemReturn {
        item_id: String,
        manifest_id: String,
        origin_item_id: String,
        location_id: Option<String>,
    },
    /// A new lot of ammunition or explosive ordnance with its quantity at a location
    /// (crates/core/src/ammo.rs).
    #[serde(rename = "ammo.receive")]
    AmmoReceive {
        lot_id: String,
        location_id: String,
        quantity: u64,
        condition: crate::ammo::AmmoCondition,
        lot: crate::ammo::LotRecord,
    },
    /// Part of a lot moved from one location to another; it stays the same lot.
    #[serde(rename = "ammo.split")]
    AmmoSplit {
        lot_id: String,
        from_location: String,
        to_location: String,
        quantity: u64,
    },
    /// A quantity issued to a unit or person, signed for by `signer`.
    #[serde(rename = "ammo.issue")]
    AmmoIssue {
        lot_id: String,
        from_location: String,
        quantity: u64,
        to_whom: String,
        purpose: String,
        signer: String,
    },
    /// Part of what was issued came back into a location.
    #[serde(rename = "ammo.return")]
    AmmoReturn {
        lot_id: String,
        to_location: String,
        quantity: u64,
        note: String,
    },
    /// A quantity used, from a location or (`from_location` null) from what is issued out.
    #[serde(rename = "ammo.expend")]
    AmmoExpend {
        lot_id: String,
        from_location: Option<String>,
        quantity: u64,
        reference: String,
    },
    /// An inspection set the lot's condition.
    #[serde(rename = "ammo.inspect")]
    AmmoInspect {
        lot_id: String,
        previous: crate::ammo::AmmoCondition,
        condition: crate::ammo::AmmoCondition,
        note: String,
    },
    /// A count of one lot at one location during a stocktake: packages and loose units, and
    /// the quantity they make (`packages` × units per package + `loose`). Counts of the same
    /// lot and place add up; `scanned` is the package label read, when it was scanned.
    #[serde(rename = "ammo.count")]
    AmmoCount {
        stocktake_id: String,
        lot_id: String,
        location_id: String,
        packages: u64,
        loose: u64,
        quantity: u64,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        scanned: String,
    },
    /// A quantity discrepancy of a count settled: the location's stock of the lot goes from
    /// what was expected when the count opened to what was counted (the difference found or
    /// lost), with a reason, signed by a reconciler and co-signed (witness) by a second person.
    /// The only event that makes or removes a quantity.
    #[serde(rename = "ammo.adjust")]
    AmmoAdjust {
        stocktake_id: String,
        lot_id: String,
        location_id: String,
        expected: u64,
        counted: u64,
        reason: String,
    },
    /// A lot this site already knows (it once handed some of it over, or received it before)
    /// arrives through a handover: its record continues with the quantity counted on arrival
    /// (precedes the `handover.accept` that lists it).
    #[serde(rename = "ammo.transfer_in")]
    AmmoTransferIn {
        lot_id: String,
        manifest_id: String,
        /// The sender's id of the lot.
        origin_lot_id: String,
        location_id: String,
        quantity: u64,
        /// The condition the sender recorded.
        condition: crate::ammo::AmmoCondition,
    },
    /// A legal hold put on a lot (`held`) or lifted, on a recorded order.
    #[serde(rename = "ammo.hold")]
    AmmoHold {
        lot_id: String,
        held: bool,
        order: String,
    },
    /// A quantity of a lot at a location put in a destruction batch.
    #[serde(rename = "destruction.add_lot")]
    DestructionAddLot {
        batch_id: String,
        lot_id: String,
        location_id: String,
        quantity: u64,
    },
    /// A lot line taken off an open batch, with a reason.
    #[serde(rename = "destruction.remove_lot")]
    DestructionRemoveLot {
        batch_id: String,
        lot_id: String,
        location_id: String,
        reason: String,
    },
    /// A location's storage limits (crates/core/src/limits.rs): the licensed maximum NEQ in
    /// kilograms (empty: none) and the compatibility groups it may hold (empty: any).
    #[serde(rename = "location.limits")]
    LocationLimits {
        location_id: String,
        max_neq_kg: String,
        groups: Vec<String>,
    },
    /// A signed statement of the log head as it stood before this event.
    #[serde(rename = "checkpoint")]
    Checkpoint {
        site_id: String,
        /// Sequence number of the last event covered.
        covered_seq: i64,
        /// Hash of that event, hex.
        head_hash: String,
        time: String,
        key_id: String,
        reason: String,
        /// Ed25519 signature over the checkpoint note (docs/ledger-format.md), hex.
        signature: String,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl EventBody {
    /// Splits the body into the stored `kind` and `payload` columns.
    pub fn to_columns(&self) -> (String, String) {
        // Serialised once, straight to text: `{"kind":"<kind>","payload":{...}}`. Kinds are
        // plain ASCII names of ours, so the split below is exact.
        let text = serde_json::to_string(self).expect("event bodies always serialize");
        let split = text
            .strip_prefix("{\"kind\":\"")
            .and_then(|rest| rest.split_once("\",\"payload\":"))
            .and_then(|(kind, payload)| Some((kind, payload.strip_suffix('}')?)));
        let (kind, payload) = split.expect("adjacently tagged bodies have kind and payload");
        (kind.to_string(), payload.to_string())
    }

    /// Reads a stored `kind` + `payload` pair back; an unknown kind or bad payload is an error.
    pub fn from_columns(kind: &str, payload: &str) -> Result<EventBody, String> {
        // One parse of the stored text, without an intermediate JSON tree (verify reads
        // millions of these).
        let kind_json = serde_json::to_string(kind).map_err(|e| e.to_string())?;
        let wrapped = format!("{{\"kind\":{kind_json},\"payload\":{payload}}}");
        serde_json::from_str(&wrapped).map_err(|e| {
            if serde_json::from_str::<serde_json::Value>(payload).is_err() {
                format!("payload is not JSON: {e}")
            } else {
                format!("payload does not fit kind '{kind}': {e}")
            }
        })
    }

    /// The item this event concerns, if it concerns one (used for the item history index).
    pub fn item_id(&self) -> Option<&str> {
        match self {
            EventBody::RegisterWeapon { item_id, .. }
            | EventBody::RegisterEvidence { item_id, .. }
            | EventBody::Move { item_id, .. }
            | EventBody::Transfer { item_id, .. }
            | EventBody::CheckOut { item_id, .. }
            | EventBody::CheckIn { item_id, .. }
            | EventBody::Status { item_id, .. }
            | EventBody::DestructionAdd { item_id, .. }
            | EventBody::DestructionRemove { item_id, .. }
            | EventBody::ItemAmend { item_id, .. }
            | EventBody::EvidenceDisposition { item_id, .. }
            | EventBody::EvidenceHold { item_id, .. }
            | EventBody::EvidenceRelease { item_id, .. }
            | EventBody::ItemReturn { item_id, .. } => Some(item_id),
            EventBody::ScanRecorded { item_id, .. } | EventBody::StocktakeScan { item_id, .. } => {
                item_id.as_deref()
            }
            _ => None,
        }
    }

    /// The `subject` column: the main id the event is about.
    pub fn subject(&self) -> Option<String> {
        match self {
            EventBody::SiteInit { site_id, .. } | EventBody::Checkpoint { site_id, .. } => {
                Some(site_id.clone())
            }
            EventBody::PersonRegister { person_id, .. }
            | EventBody::PersonRoles { person_id, .. }
            | EventBody::PersonActive { person_id, .. }
            | EventBody::PersonPinSet { person_id, .. }
            | EventBody::AuthAttempt { person_id, .. }
            | EventBody::AdminBreakGlass { person_id, .. }
            | EventBody::AuthReset { person_id, .. }
            | EventBody::PersonAmend { person_id, .. } => Some(person_id.clone()),
            EventBody::AuthFailed { person_id, .. } if !person_id.is_empty() => {
                Some(person_id.clone())
            }
            EventBody::LocationRegister { location_id, .. }
            | EventBody::LocationAmend { location_id, .. }
            | EventBody::LocationLimits { location_id, .. } => Some(location_id.clone()),
            EventBody::KeyTrust { key_id, .. } | EventBody::KeyRevoke { key_id, .. } => {
                Some(key_id.clone())
            }
            EventBody::StocktakeOpen { stocktake_id, .. }
            | EventBody::StocktakeScan { stocktake_id, .. }
            | EventBody::StocktakeResolve { stocktake_id, .. }
            | EventBody::StocktakeClose { stocktake_id, .. } => Some(stocktake_id.clone()),
            EventBody::AmmoCount { lot_id, .. } | EventBody::AmmoAdjust { lot_id, .. } => {
                Some(lot_id.clone())
            }
            EventBody::DestructionCreate { batch_id, .. }
            | EventBody::DestructionAdd { batch_id, .. }
            | EventBody::DestructionFreeze { batch_id, .. }
            | EventBody::DestructionRecount { batch_id, .. }
            | EventBody::DestructionRecordSet { batch_id, .. }
            | EventBody::DestructionExecute { batch_id, .. }
            | EventBody::DestructionRemove { batch_id, .. }
            | EventBody::DestructionUnfreeze { batch_id, .. }
            | EventBody::DestructionCancel { batch_id, .. }
            | EventBody::DestructionAddLot { batch_id, .. }
            | EventBody::DestructionRemoveLot { batch_id, .. } => Some(batch_id.clone()),
            EventBody::HandoverDispatch { manifest_id, .. }
            | EventBody::HandoverImport { manifest_id, .. }
            | EventBody::HandoverReceiveScan { manifest_id, .. }
            | EventBody::HandoverDiscrepancy { manifest_id, .. }
            | EventBody::HandoverAccept { manifest_id, .. }
            | EventBody::HandoverExport { manifest_id, .. }
            | EventBody::HandoverReceipt { manifest_id, .. }
            | EventBody::HandoverSettle { manifest_id, .. } => Some(manifest_id.clone()),
            EventBody::DocumentIssued { subject_id, .. } => Some(subject_id.clone()),
            EventBody::AmmoReceive { lot_id, .. }
            | EventBody::AmmoSplit { lot_id, .. }
            | EventBody::AmmoIssue { lot_id, .. }
            | EventBody::AmmoReturn { lot_id, .. }
            | EventBody::AmmoExpend { lot_id, .. }
            | EventBody::AmmoInspect { lot_id, .. }
            | EventBody::AmmoHold { lot_id, .. }
            | EventBody::AmmoTransferIn { lot_id, .. } => Some(lot_id.clone()),
            other => other.item_id().map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_survive_the_column_round_trip() {
        let body = EventBody::Move {
            item_id: "i".into(),
            from_location: None,
            to_location: "l".into(),
        };
        let (kind, payload) = body.to_columns();
        assert_eq!(kind, "item.move");
        // Fields come out in declaration order, so equal events always store equal text.
        assert_eq!(
            payload,
            r#"{"item_id":"i","from_location":null,"to_location":"l"}"#
        );
        assert_eq!(EventBody::from_columns(&kind, &payload).unwrap(), body);
    }

    #[test]
    fn unknown_kinds_and_broken_payloads_are_errors() {
        assert!(EventBody::from_columns("item.teleport", "{}").is_err());
        assert!(EventBody::from_columns("item.move", "{not json").is_err());
        assert!(EventBody::from_columns("item.move", r#"{"item_id":1}"#).is_err());
    }

    #[test]
    fn absent_and_empty_fields_encode_differently() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let base = EventFields {
            seq: 1,
            id: "x",
            time: "t",
            actor: None,
            witness: None,
            kind: "k",
            subject: None,
            payload: "{}",
        };
        canonical_bytes(&base, &mut a);
        canonical_bytes(
            &EventFields {
                actor: Some(""),
                ..base
            },
            &mut b,
        );
        assert_ne!(a, b);
    }
}
