//! Handover to another site or agency. The sender dispatches a list (items go in transit) and
//! exports a signed bundle; the receiver imports it (signature by a trusted key, digests),
//! counts the items on arrival, logs every discrepancy, signs for what was counted (those items
//! are registered here, keeping their Custody codes) and exports a signed receipt; the sender
//! imports the receipt and the received items become transferred out.

use crate::ammo::SettledLot;
use crate::ammo_disposal::{
    bundle_lots, check_receipt_lots, dispatch_lines, receipt_lots, receive_lots, LotQuantity,
};
use crate::bundle::{
    compose, open_handover, open_receipt, public_key_file, sha256_hex, BundleCheckpoint,
    BundleKind, HandoverBundle, ReceiptBundle, BUNDLE_FORMAT,
};
use crate::destruction::list_digest;
use crate::domain::{
    BundleItem, EvidenceRecord, HandoverDetails, ItemKind, ItemStatus, Origin, ReceivedItem, Role,
    WeaponRecord,
};
use crate::error::{CustodyError, Result};
use crate::event::EventBody;
use crate::keys::{key_id, parse_public_key};
use crate::ledger::{new_id, new_label, Actor, Ledger};
use crate::refusal::{KeyProblem, Needed, Refusal, SamePerson};
use crate::workflows::{
    check_not_duplicate, find_item_in, location_id_of, refuse_terminal, HANDLERS,
};
use custody_codes::{LabelCode, LabelKind};
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A handover as the projections show it.
#[derive(Debug, Clone, Serialize)]
pub struct HandoverView {
    pub id: String,
    pub code: String,
    /// `out` (dispatched from here) or `in` (imported here).
    pub direction: String,
    /// out: dispatched, receipted; in: imported, accepted.
    pub state: String,
    pub peer_site_id: Option<String>,
    pub details: HandoverDetails,
    pub items: u64,
    pub items_digest: String,
    /// Items by state: dispatched, expected, received, missing.
    pub counts: Vec<(String, u64)>,
}

/// What the receiving officer hears after a scan on arrival.
#[derive(Debug, Clone, Serialize)]
pub struct ArrivalTally {
    pub seq: i64,
    pub on_list: bool,
    pub counted: u64,
    pub expected: u64,
}

/// The outcome of signing for a handover.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub received: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    pub seq: i64,
    pub checkpoint: i64,
}

/// A trusted key of another site.
#[derive(Debug, Clone, Serialize)]
pub struct TrustedKey {
    pub key_id: String,
    pub public_key: String,
    pub name: String,
}

struct ManifestRow {
    id: String,
    code: String,
    direction: String,
    state: String,
}

fn manifest_row(conn: &Connection, key: &str) -> Result<ManifestRow> {
    let key = key.trim();
    let code = crate::workflows::label_of_kind(key, LabelKind::Manifest);
    conn.prepare_cached(
        "SELECT id, code, direction, state FROM handovers WHERE code = ?1 OR id = ?2",
    )?
    .query_row(params![code, key], |r| {
        Ok(ManifestRow {
            id: r.get(0)?,
            code: r.get(1)?,
            direction: r.get(2)?,
            state: r.get(3)?,
        })
    })
    .optional()?
    .ok_or_else(|| CustodyError::UnknownManifest(key.to_string()))
}

fn require_state(
    m: &ManifestRow,
    direction: &str,
    state: &str,
    action: &'static str,
) -> Result<()> {
    if m.direction != direction || m.state != state {
        let side = if m.direction == "out" {
            "dispatched from this site"
        } else {
            "received at this site"
        };
        return Err(CustodyError::ManifestState {
            code: m.code.clone(),
            state: format!("{} ({side})", m.state),
            action,
        });
    }
    Ok(())
}

fn trusted_lookup(conn: &Connection) -> Result<HashMap<String, VerifyingKey>> {
    let mut stmt =
        conn.prepare("SELECT key_id, public_key FROM trusted_keys WHERE revoked_seq IS NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (kid, hex_key) = row?;
        if let Some(k) = parse_public_key(&hex_key) {
            out.insert(kid, k);
        }
    }
    Ok(out)
}

fn check_details(d: &HandoverDetails) -> Result<HandoverDetails> {
    let need = |what: Needed, v: &str| -> Result<String> {
        let v = v.trim();
        if v.is_empty() || v.chars().any(char::is_control) {
            return Err(what.into());
        }
        Ok(v.to_string())
    };
    Ok(HandoverDetails {
        sender: need(Needed::HandoverSender, &d.sender)?,
        receiver: need(Needed::HandoverReceiver, &d.receiver)?,
        legal_basis: need(Needed::HandoverLegalBasis, &d.legal_basis)?,
        transport: need(Needed::HandoverTransport, &d.transport)?,
        containers: d
            .containers
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        seals: d
            .seals
            .iter()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect(),
        note: d.note.trim().to_string(),
    })
}

/// The checkpoint written at `seq`, as a bundle carries it.
fn checkpoint_at(conn: &Connection, seq: i64) -> Result<BundleCheckpoint> {
    let (kind, payload): (String, String) = conn.query_row(
        "SELECT kind, payload FROM events WHERE seq = ?1",
        [seq],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    match EventBody::from_columns(&kind, &payload) {
        Ok(EventBody::Checkpoint {
            covered_seq,
            head_hash,
            time,
            signature,
            ..
        }) => Ok(BundleCheckpoint {
            seq: covered_seq,
            head_hash,
            time,
            signature,
        }),
        _ => Err(CustodyError::Damaged(format!(
            "event {seq} is not a checkpoint; run custody verify"
        ))),
    }
}

/// SHA-256 over the hashes of each item's events, in order (one query for the whole list).
fn history_digests(conn: &Connection, manifest_id: &str) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare(
        "SELECT ie.item_id, e.hash FROM handover_items hi
         JOIN item_events ie ON ie.item_id = hi.item_id JOIN events e ON e.seq = ie.seq
         WHERE hi.manifest_id = ?1 ORDER BY ie.item_id, ie.seq",
    )?;
    let mut rows = stmt.query([manifest_id])?;
    let mut out = HashMap::new();
    let mut current: Option<(String, Sha256)> = None;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let hash = r.get_ref(1)?.as_blob().unwrap_or(&[]).to_vec();
        match &mut current {
            Some((cid, h)) if *cid == id => h.update(&hash),
            _ => {
                if let Some((cid, h)) = current.take() {
                    out.insert(cid, hex::encode(h.finalize()));
                }
                let mut h = Sha256::new();
                h.update(&hash);
                current = Some((id, h));
            }
        }
    }
    if let Some((cid, h)) = current {
        out.insert(cid, hex::encode(h.finalize()));
    }
    Ok(out)
}

fn normalise_code(text: &str) -> String {
    let t = text.trim_matches(|c: char| c.is_control() || c == ' ');
    LabelCode::parse(t)
        .map(|c| c.to_string())
        .unwrap_or_else(|_| crate::fields::visible(t))
}

impl Ledger {
    /// The text of this site's public key file, for the other site's administrator.
    pub fn public_key_export(&self) -> Result<String> {
        Ok(public_key_file(
            &self.site_id,
            &self.site_name()?,
            &self.public_key_hex()?,
            &self.key_id()?,
        ))
    }

    /// An administrator trusts another site's public key (hex), under a name.
    pub fn trust_key(&mut self, admin: &Actor, public_key_hex: &str, name: &str) -> Result<i64> {
        admin.require("trust other sites' keys", &[Role::Administrator])?;
        let hex_key = public_key_hex.trim().to_ascii_lowercase();
        let key = parse_public_key(&hex_key)
            .ok_or_else(|| CustodyError::BadPublicKey(KeyProblem::NotAKey))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(Needed::KeyName.into());
        }
        if hex_key == self.public_key_hex()? {
            return Err(Refusal::OwnKey.into());
        }
        let kid = key_id(&key);
        self.write(|w| {
            let known: bool = w.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM trusted_keys WHERE key_id = ?1)",
                [&kid],
                |r| r.get(0),
            )?;
            if known {
                return Err(CustodyError::KeyAlreadyTrusted(kid.clone()));
            }
            w.append(
                Some(admin.person_id()),
                None,
                &EventBody::KeyTrust {
                    key_id: kid.clone(),
                    public_key: hex_key,
                    name: name.to_string(),
                },
            )
        })
    }

    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>> {
        let mut stmt = self.conn.prepare(
            "SELECT key_id, public_key, name FROM trusted_keys WHERE revoked_seq IS NULL
                 ORDER BY trusted_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TrustedKey {
                key_id: r.get(0)?,
                public_key: r.get(1)?,
                name: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Dispatches items to another site or agency; they are in transit from now on.
    pub fn handover_dispatch(
        &mut self,
        actor: &Actor,
        details: &HandoverDetails,
        items: &[String],
    ) -> Result<HandoverView> {
        self.handover_dispatch_with_lots(actor, details, items, &[])
    }

    /// Dispatches items and quantities of ammunition lots: the items are in transit, the lot
    /// quantities leave their locations as transferred out. A lot on legal hold is refused.
    pub fn handover_dispatch_with_lots(
        &mut self,
        actor: &Actor,
        details: &HandoverDetails,
        items: &[String],
        lots: &[LotQuantity],
    ) -> Result<HandoverView> {
        actor.require("dispatch handovers", &HANDLERS)?;
        let details = check_details(details)?;
        if items.is_empty() && lots.is_empty() {
            return Err(Needed::HandoverItems.into());
        }
        let id = new_id();
        self.write(|w| {
            let mut ids = Vec::with_capacity(items.len());
            let mut codes = Vec::with_capacity(items.len());
            let mut seen = HashSet::new();
            for key in items {
                let item = find_item_in(w.conn, key)?;
                refuse_terminal(&item, "handed over")?;
                if !seen.insert(item.id.clone()) {
                    return Err(Refusal::ListedTwice { code: item.code }.into());
                }
                crate::workflows::refuse_unless_free_in_store(
                    w.conn,
                    &item,
                    "handed over (it must be in store)",
                )?;
                codes.push(item.code);
                ids.push(item.id);
            }
            let lots = dispatch_lines(w.conn, lots)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::HandoverDispatch {
                    manifest_id: id.clone(),
                    code: new_label(LabelKind::Manifest).to_string(),
                    details,
                    item_ids: ids,
                    items_digest: list_digest(codes.iter().map(String::as_str)),
                    lots,
                },
            )
        })?;
        self.handover(&id)
    }

    /// Finds a trusted (not revoked) key by key id or by the name it was trusted under.
    pub fn trusted_key(&self, key_id_or_name: &str) -> Result<TrustedKey> {
        let key = key_id_or_name.trim();
        self.trusted_keys()?
            .into_iter()
            .find(|k| k.key_id == key.to_ascii_lowercase() || k.name.eq_ignore_ascii_case(key))
            .ok_or_else(|| CustodyError::UnknownTrustedKey(key.to_string()))
    }

    /// An administrator withdraws trust from another site's key.
    pub fn revoke_key(&mut self, admin: &Actor, key_id_or_name: &str, reason: &str) -> Result<i64> {
        admin.require("revoke other sites' keys", &[Role::Administrator])?;
        let key = self.trusted_key(key_id_or_name)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Needed::RevokeReason.into());
        }
        self.write(|w| {
            w.append(
                Some(admin.person_id()),
                None,
                &EventBody::KeyRevoke {
                    key_id: key.key_id.clone(),
                    reason: reason.to_string(),
                },
            )
        })
    }

    /// Writes a signed checkpoint and returns the signed bundle for a dispatched handover,
    /// addressed to the trusted site `recipient` (key id or name): only that site can import
    /// it, and only its receipt is accepted back.
    pub fn handover_export(
        &mut self,
        actor: &Actor,
        manifest: &str,
        recipient: &str,
    ) -> Result<Vec<u8>> {
        actor.require("export handover bundles", &HANDLERS)?;
        let m = manifest_row(&self.conn, manifest)?;
        require_state(&m, "out", "dispatched", "exported")?;
        let recipient_key_id = self.trusted_key(recipient)?.key_id;
        let reason = format!("handover manifest {} exported", m.code);
        let ((), cp_seq) = self.write_checkpointed(&reason, |w| {
            require_state(
                &manifest_row(w.conn, &m.id)?,
                "out",
                "dispatched",
                "exported",
            )?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::HandoverExport {
                    manifest_id: m.id.clone(),
                    recipient_key_id: recipient_key_id.clone(),
                },
            )?;
            Ok(())
        })?;
        let checkpoint = checkpoint_at(&self.conn, cp_seq)?;
        let digests = history_digests(&self.conn, &m.id)?;
        let id_of_manifest = m.id.clone();
        let (details, items_digest): (String, String) = self.conn.query_row(
            "SELECT details, items_digest FROM handovers WHERE id = ?1",
            [&m.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut items = Vec::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT i.id, i.code, i.kind, reg.kind, reg.payload, i.current_record
                 FROM handover_items hi
                 JOIN items i ON i.id = hi.item_id JOIN events reg ON reg.seq = i.registered_seq
                 WHERE hi.manifest_id = ?1 ORDER BY i.code",
            )?;
            let mut rows = stmt.query([&m.id])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let kind: String = r.get(2)?;
                // The record travels as it is now: amended values, not the intake's.
                let record = match r.get::<_, Option<String>>(5)? {
                    Some(current) => current,
                    None => crate::projection::register_record(
                        &r.get::<_, String>(3)?,
                        &r.get::<_, String>(4)?,
                    )?,
                };
                let unreadable = |e: serde_json::Error| {
                    CustodyError::Damaged(format!(
                        "item record unreadable ({e}); run custody verify"
                    ))
                };
                let (kind, weapon, evidence) = if kind == "evidence" {
                    let e: EvidenceRecord = serde_json::from_str(&record).map_err(unreadable)?;
                    (ItemKind::Evidence, None, Some(e))
                } else {
                    let w: WeaponRecord = serde_json::from_str(&record).map_err(unreadable)?;
                    (ItemKind::Weapon, Some(w), None)
                };
                items.push(BundleItem {
                    history_digest: digests.get(&id).cloned().unwrap_or_default(),
                    item_id: id,
                    code: r.get(1)?,
                    kind,
                    weapon,
                    evidence,
                });
            }
        }
        let body = HandoverBundle {
            format: BUNDLE_FORMAT,
            manifest_id: m.id,
            manifest_code: m.code,
            sender_site_id: self.site_id.clone(),
            sender_site_name: self.site_name()?,
            public_key: self.public_key_hex()?,
            key_id: self.key_id()?,
            recipient_key_id,
            details: serde_json::from_str(&details)
                .map_err(|e| CustodyError::Damaged(format!("manifest details unreadable: {e}")))?,
            items_digest,
            items,
            checkpoint,
            lots: bundle_lots(&self.conn, &id_of_manifest)?,
        };
        let text = serde_json::to_string(&body)
            .map_err(|e| CustodyError::Internal(format!("bundle encoding failed: {e}")))?;
        compose(BundleKind::Handover, &body.key_id, &text, |m| self.sign(m))
    }

    /// Imports a handover bundle from another site after verifying it. Refuses a tampered
    /// bundle, one signed by a key this site does not trust, and one already imported.
    pub fn handover_import(&mut self, actor: &Actor, bytes: &[u8]) -> Result<HandoverView> {
        actor.require("import handover bundles", &HANDLERS)?;
        let trusted = trusted_lookup(&self.conn)?;
        let bundle = open_handover(bytes, &|kid| trusted.get(kid).copied())?;
        let ours = self.key_id()?;
        if bundle.recipient_key_id != ours {
            return Err(CustodyError::BundleNotForThisSite {
                addressed: bundle.recipient_key_id,
                ours,
            });
        }
        let bundle_sha256 = sha256_hex(bytes);
        let id = bundle.manifest_id.clone();
        self.write(|w| {
            let known: bool = w.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM handovers WHERE id = ?1)",
                [&bundle.manifest_id],
                |r| r.get(0),
            )?;
            if known {
                return Err(CustodyError::BundleAlreadyImported {
                    manifest: bundle.manifest_code.clone(),
                });
            }
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::HandoverImport {
                    manifest_id: bundle.manifest_id,
                    code: bundle.manifest_code,
                    sender_site_id: bundle.sender_site_id,
                    sender_site_name: bundle.sender_site_name,
                    sender_key_id: bundle.key_id,
                    bundle_sha256,
                    details: bundle.details,
                    checkpoint_seq: bundle.checkpoint.seq,
                    checkpoint_head: bundle.checkpoint.head_hash,
                    items_digest: bundle.items_digest,
                    items: bundle.items,
                    lots: bundle.lots,
                },
            )
        })?;
        self.handover(&id)
    }

    /// One scan on arrival. Every scan is recorded, on the list or not.
    pub fn handover_receive(
        &mut self,
        actor: &Actor,
        manifest: &str,
        scanned: &[String],
    ) -> Result<ArrivalTally> {
        actor.require("receive handovers", &HANDLERS)?;
        self.write(|w| {
            let m = manifest_row(w.conn, manifest)?;
            require_state(&m, "in", "imported", "counted")?;
            let mut last = (0, false);
            for s in scanned {
                let code = normalise_code(s);
                if code.is_empty() {
                    continue;
                }
                let item_id: Option<String> = w
                    .conn
                    .prepare_cached(
                        "SELECT item_id FROM handover_items WHERE manifest_id = ?1 AND code = ?2",
                    )?
                    .query_row(params![m.id, code], |r| r.get(0))
                    .optional()?;
                let on_list = item_id.is_some();
                let seq = w.append(
                    Some(actor.person_id()),
                    None,
                    &EventBody::HandoverReceiveScan {
                        manifest_id: m.id.clone(),
                        scanned: code,
                        item_id,
                    },
                )?;
                last = (seq, on_list);
            }
            let (counted, expected) = w.conn.query_row(
                "SELECT (SELECT count(DISTINCT item_id) FROM handover_scans WHERE manifest_id = ?1),
                        (SELECT count(*) FROM handover_items WHERE manifest_id = ?1)",
                [&m.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(ArrivalTally {
                seq: last.0,
                on_list: last.1,
                counted,
                expected,
            })
        })
    }

    /// The receiver signs for the counted items. Missing and extra items are logged first,
    /// then each counted item is registered here (same Custody code, origin transferred in)
    /// at `location`, then the acceptance and a signed checkpoint, in one transaction.
    pub fn handover_accept(
        &mut self,
        receiver: &Actor,
        witness: Option<&Actor>,
        manifest: &str,
        location: Option<&str>,
    ) -> Result<Accepted> {
        self.handover_accept_with_lots(receiver, witness, manifest, location, &[])
    }

    /// Signs for a handover with ammunition: `lots` names each lot counted on arrival (the
    /// sender's lot id or the lot number) with its quantity; each becomes a new lot here at
    /// `location`, of origin transferred in. A lot not named arrived with nothing.
    pub fn handover_accept_with_lots(
        &mut self,
        receiver: &Actor,
        witness: Option<&Actor>,
        manifest: &str,
        location: Option<&str>,
        lots: &[(String, i64)],
    ) -> Result<Accepted> {
        receiver.require("sign for handovers", &HANDLERS)?;
        if let Some(w) = witness {
            if w.person_id() == receiver.person_id() {
                return Err(CustodyError::SamePerson(SamePerson::HandoverWitness));
            }
        }
        let m = manifest_row(&self.conn, manifest)?;
        require_state(&m, "in", "imported", "signed for")?;
        let reason = format!("handover manifest {} received", m.code);
        let ((received, missing, extra, seq), checkpoint) =
            self.write_checkpointed(&reason, |w| {
                require_state(
                    &manifest_row(w.conn, &m.id)?,
                    "in",
                    "imported",
                    "signed for",
                )?;
                let location_id = location.map(|l| location_id_of(w.conn, l)).transpose()?;
                let mut items: Vec<(String, String, String)> = Vec::new();
                {
                    let mut stmt = w.conn.prepare(
                        "SELECT item_id, code, record FROM handover_items WHERE manifest_id = ?1
                         ORDER BY code",
                    )?;
                    let rows =
                        stmt.query_map([&m.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                    for row in rows {
                        items.push(row?);
                    }
                }
                let mut scanned: HashSet<String> = HashSet::new();
                let mut extra: BTreeSet<String> = BTreeSet::new();
                {
                    let mut stmt = w.conn.prepare(
                        "SELECT code, item_id FROM handover_scans WHERE manifest_id = ?1",
                    )?;
                    let mut rows = stmt.query([&m.id])?;
                    while let Some(r) = rows.next()? {
                        let code: String = r.get(0)?;
                        match r.get::<_, Option<String>>(1)? {
                            Some(id) => {
                                scanned.insert(id);
                            }
                            None => {
                                extra.insert(code);
                            }
                        }
                    }
                }
                let actor = Some(receiver.person_id());
                let mut missing = Vec::new();
                for (id, code, _) in &items {
                    if !scanned.contains(id) {
                        w.append(
                            actor,
                            None,
                            &EventBody::HandoverDiscrepancy {
                                manifest_id: m.id.clone(),
                                discrepancy: "missing".into(),
                                code: code.clone(),
                            },
                        )?;
                        missing.push(code.clone());
                    }
                }
                for code in &extra {
                    w.append(
                        actor,
                        None,
                        &EventBody::HandoverDiscrepancy {
                            manifest_id: m.id.clone(),
                            discrepancy: "extra".into(),
                            code: code.clone(),
                        },
                    )?;
                }
                let mut received = Vec::new();
                for (origin_id, code, record) in items.iter().filter(|i| scanned.contains(&i.0)) {
                    let item: BundleItem = serde_json::from_str(record).map_err(|e| {
                        CustodyError::Damaged(format!("bundle item {code} unreadable: {e}"))
                    })?;
                    let known: Option<(String, String)> = w
                        .conn
                        .prepare_cached("SELECT id, status FROM items WHERE code = ?1")?
                        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    match known {
                        // An item this site once sent away comes back: its old record and
                        // history continue under the same code.
                        Some((local_id, status))
                            if status == ItemStatus::TransferredOut.as_str() =>
                        {
                            w.append(
                                actor,
                                witness.map(|x| x.person_id()),
                                &EventBody::ItemReturn {
                                    item_id: local_id.clone(),
                                    manifest_id: m.id.clone(),
                                    origin_item_id: origin_id.clone(),
                                    location_id: location_id.clone(),
                                },
                            )?;
                            received.push(ReceivedItem {
                                code: code.clone(),
                                item_id: local_id,
                                origin_item_id: origin_id.clone(),
                            });
                            continue;
                        }
                        Some(_) => return Err(CustodyError::DuplicateItemCode(code.clone())),
                        None => {}
                    }
                    let local_id = new_id();
                    let body = match (item.kind, item.weapon, item.evidence) {
                        (ItemKind::Weapon, Some(mut weapon), _) => {
                            weapon.origin = Origin::TransferredIn;
                            check_not_duplicate(w.conn, &weapon)?;
                            EventBody::RegisterWeapon {
                                item_id: local_id.clone(),
                                code: code.clone(),
                                location_id: location_id.clone(),
                                weapon,
                            }
                        }
                        (_, _, Some(mut evidence)) => {
                            if let Some(weapon) = evidence.weapon.as_mut() {
                                weapon.origin = Origin::TransferredIn;
                                check_not_duplicate(w.conn, weapon)?;
                            }
                            EventBody::RegisterEvidence {
                                item_id: local_id.clone(),
                                code: code.clone(),
                                location_id: location_id.clone(),
                                evidence,
                            }
                        }
                        _ => {
                            return Err(CustodyError::Damaged(format!(
                                "bundle item {code} has no record"
                            )))
                        }
                    };
                    w.append(actor, witness.map(|x| x.person_id()), &body)?;
                    received.push(ReceivedItem {
                        code: code.clone(),
                        item_id: local_id,
                        origin_item_id: origin_id.clone(),
                    });
                }
                let lots = receive_lots(w, receiver, &m.id, &m.code, location, lots)?;
                let received_digest =
                    list_digest(received.iter().map(|r| r.origin_item_id.as_str()));
                let codes: Vec<String> = received.iter().map(|r| r.code.clone()).collect();
                let seq = w.append(
                    actor,
                    witness.map(|x| x.person_id()),
                    &EventBody::HandoverAccept {
                        manifest_id: m.id.clone(),
                        missing: missing.len() as u64,
                        extra: extra.len() as u64,
                        received,
                        received_digest,
                        lots,
                    },
                )?;
                Ok((codes, missing, extra.into_iter().collect(), seq))
            })?;
        Ok(Accepted {
            received,
            missing,
            extra,
            seq,
            checkpoint,
        })
    }

    /// The receiver's signed receipt for an accepted handover (with a fresh checkpoint).
    pub fn handover_receipt(&mut self, actor: &Actor, manifest: &str) -> Result<Vec<u8>> {
        actor.require("export handover receipts", &HANDLERS)?;
        let m = manifest_row(&self.conn, manifest)?;
        require_state(&m, "in", "accepted", "receipted")?;
        let reason = format!("receipt for handover manifest {}", m.code);
        let ((), cp_seq) = self.write_checkpointed(&reason, |_| Ok(()))?;
        let checkpoint = checkpoint_at(&self.conn, cp_seq)?;
        let sender_site_id: String = self.conn.query_row(
            "SELECT peer_site_id FROM handovers WHERE id = ?1",
            [&m.id],
            |r| r.get(0),
        )?;
        let list = |state: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare(
                "SELECT item_id FROM handover_items WHERE manifest_id = ?1 AND state = ?2
                 ORDER BY item_id",
            )?;
            let rows = stmt.query_map(params![m.id, state], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let received = list("received")?;
        let missing = list("missing")?;
        let id_of_manifest = m.id.clone();
        let extra: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT DISTINCT code FROM handover_scans WHERE manifest_id = ?1 AND item_id IS NULL
                 ORDER BY code",
            )?;
            let rows = stmt.query_map([&m.id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let body = ReceiptBundle {
            format: BUNDLE_FORMAT,
            manifest_id: m.id,
            manifest_code: m.code,
            sender_site_id,
            receiver_site_id: self.site_id.clone(),
            receiver_site_name: self.site_name()?,
            public_key: self.public_key_hex()?,
            key_id: self.key_id()?,
            received_digest: list_digest(received.iter().map(String::as_str)),
            received,
            missing,
            extra,
            checkpoint,
            lots: receipt_lots(&self.conn, &id_of_manifest)?,
        };
        let text = serde_json::to_string(&body)
            .map_err(|e| CustodyError::Internal(format!("receipt encoding failed: {e}")))?;
        compose(BundleKind::Receipt, &body.key_id, &text, |m| self.sign(m))
    }

    /// The sender imports the receiver's receipt: received items become transferred out
    /// (terminal here); items the receiver did not count stay in transit, named as missing.
    pub fn handover_import_receipt(&mut self, actor: &Actor, bytes: &[u8]) -> Result<HandoverView> {
        actor.require("import handover receipts", &HANDLERS)?;
        let trusted = trusted_lookup(&self.conn)?;
        let receipt = open_receipt(bytes, &|kid| trusted.get(kid).copied())?;
        if receipt.sender_site_id != self.site_id {
            return Err(CustodyError::ReceiptWrongSite {
                manifest: receipt.manifest_code,
            });
        }
        let receipt_sha256 = sha256_hex(bytes);
        let check = |m: &ManifestRow| -> Result<()> {
            if m.direction == "out" && m.state == "receipted" {
                return Err(CustodyError::BundleAlreadyImported {
                    manifest: m.code.clone(),
                });
            }
            require_state(m, "out", "dispatched", "receipted")
        };
        let m = manifest_row(&self.conn, &receipt.manifest_id)?;
        check(&m)?;
        let addressed: Option<String> = self.conn.query_row(
            "SELECT peer_key_id FROM handovers WHERE id = ?1",
            [&m.id],
            |r| r.get(0),
        )?;
        if addressed.as_deref() != Some(receipt.key_id.as_str()) {
            return Err(CustodyError::ReceiptWrongSigner {
                manifest: m.code.clone(),
                signer: receipt.key_id,
                addressed: addressed.unwrap_or_else(|| "(never exported)".into()),
            });
        }
        let id = m.id.clone();
        self.write(|w| {
            // Again inside the write: the same receipt may be imported twice at once.
            check(&manifest_row(w.conn, &m.id)?)?;
            let ours: HashSet<String> = {
                let mut stmt = w
                    .conn
                    .prepare("SELECT item_id FROM handover_items WHERE manifest_id = ?1")?;
                let rows = stmt.query_map([&m.id], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut seen = HashSet::new();
            for id in receipt.received.iter().chain(receipt.missing.iter()) {
                if !ours.contains(id) || !seen.insert(id.clone()) {
                    return Err(CustodyError::BundleDigestMismatch(format!(
                        "the receipt names item {id}, which is not (once) on manifest {}",
                        m.code
                    )));
                }
            }
            check_receipt_lots(w.conn, &m.id, &m.code, &receipt.lots)?;
            w.append(
                Some(actor.person_id()),
                None,
                &EventBody::HandoverReceipt {
                    manifest_id: m.id.clone(),
                    receiver_site_id: receipt.receiver_site_id,
                    receiver_key_id: receipt.key_id,
                    receipt_sha256,
                    received: receipt.received,
                    missing: receipt.missing,
                    extra: receipt.extra,
                    lots: receipt.lots,
                },
            )
        })?;
        self.handover(&id)
    }

    /// The sender settles items the receiver did not count (named missing in the receipt) as
    /// lost in transit, on a reference (loss report, inquiry) and with a co-signer. Every such
    /// item, and every lot shortfall, when `items` is empty. The items become
    /// `lost_in_transit`, a terminal status.
    pub fn handover_settle(
        &mut self,
        actor: &Actor,
        cosigner: &Actor,
        manifest: &str,
        items: &[String],
        reference: &str,
        note: &str,
    ) -> Result<i64> {
        let lots: &[String] = &[];
        self.handover_settle_with_lots(actor, cosigner, manifest, items, lots, reference, note)
    }

    /// Settles, as [`Ledger::handover_settle`], the named items and the whole open shortfall of
    /// each named lot (its id, label or lot number): what was dispatched and not counted on
    /// arrival moves from transferred out to lost in transit. With neither named, every
    /// missing item and every lot shortfall of the handover.
    #[allow(clippy::too_many_arguments)]
    pub fn handover_settle_with_lots(
        &mut self,
        actor: &Actor,
        cosigner: &Actor,
        manifest: &str,
        items: &[String],
        lots: &[String],
        reference: &str,
        note: &str,
    ) -> Result<i64> {
        actor.require("settle handovers", &HANDLERS)?;
        if cosigner.person_id() == actor.person_id() {
            return Err(CustodyError::SamePerson(SamePerson::SettlementCosigner));
        }
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(Needed::SettlementReference.into());
        }
        self.write(|w| {
            let m = manifest_row(w.conn, manifest)?;
            require_state(&m, "out", "receipted", "settled")?;
            let missing = unsettled(w.conn, &m.id)?;
            let short = crate::ammo_disposal::lot_shortfalls(w.conn, &m.id)?;
            let everything = items.is_empty() && lots.is_empty();
            let mut item_ids: Vec<String> = Vec::new();
            if everything {
                item_ids = missing.iter().map(|(id, _)| id.clone()).collect();
            }
            for key in items {
                let item = find_item_in(w.conn, key)?;
                if !missing.iter().any(|(id, _)| *id == item.id) {
                    return Err(CustodyError::NotMissingInTransit {
                        code: item.code,
                        manifest: m.code.clone(),
                    });
                }
                if !item_ids.contains(&item.id) {
                    item_ids.push(item.id);
                }
            }
            let mut settled: Vec<SettledLot> = Vec::new();
            if everything {
                settled = short.clone();
            }
            for key in lots {
                let lot = crate::ammo::lot_in(w.conn, key)?;
                let on_manifest: bool = w.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM handover_lots WHERE manifest_id = ?1 AND lot_id = ?2)",
                    params![m.id, lot.id],
                    |r| r.get(0),
                )?;
                if !on_manifest {
                    return Err(CustodyError::LotNotInHandover {
                        manifest: m.code.clone(),
                        lot: lot.label,
                    });
                }
                let Some(open) = short.iter().find(|s| s.lot_id == lot.id) else {
                    return Err(Refusal::LotNotShort {
                        lot: lot.label,
                        manifest: m.code.clone(),
                    }
                    .into());
                };
                if !settled.iter().any(|s| s.lot_id == lot.id) {
                    settled.push(open.clone());
                }
            }
            if item_ids.is_empty() && settled.is_empty() {
                return Err(Refusal::NothingToSettle { manifest: m.code }.into());
            }
            w.append(
                Some(actor.person_id()),
                Some(cosigner.person_id()),
                &EventBody::HandoverSettle {
                    manifest_id: m.id,
                    item_ids,
                    reference: reference.to_string(),
                    note: note.trim().to_string(),
                    lots: settled,
                },
            )
        })
    }

    pub fn handover(&self, manifest: &str) -> Result<HandoverView> {
        let m = manifest_row(&self.conn, manifest)?;
        let mut counts = Vec::new();
        {
            let mut stmt = self.conn.prepare(
                "SELECT state, count(*) FROM handover_items WHERE manifest_id = ?1
                 GROUP BY state ORDER BY state",
            )?;
            let rows = stmt.query_map([&m.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                counts.push(row?);
            }
        }
        self.conn
            .query_row(
                "SELECT id, code, direction, state, peer_site_id, details, items, items_digest
                 FROM handovers WHERE id = ?1",
                [&m.id],
                |r| {
                    let details: String = r.get(5)?;
                    Ok(HandoverView {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        direction: r.get(2)?,
                        state: r.get(3)?,
                        peer_site_id: r.get(4)?,
                        details: serde_json::from_str(&details).unwrap_or_default(),
                        items: r.get(6)?,
                        items_digest: r.get(7)?,
                        counts: vec![],
                    })
                },
            )
            .map(|v| HandoverView { counts, ..v })
            .map_err(Into::into)
    }

    /// The codes a receiver named missing on `manifest` that are still in transit here: what
    /// the sender can settle as lost in transit.
    pub fn handover_unsettled(&self, manifest: &str) -> Result<Vec<String>> {
        let m = manifest_row(&self.conn, manifest)?;
        Ok(unsettled(&self.conn, &m.id)?
            .into_iter()
            .map(|(_, code)| code)
            .collect())
    }

    pub fn handovers(&self) -> Result<Vec<HandoverView>> {
        let ids: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM handovers ORDER BY created_seq")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        ids.iter().map(|id| self.handover(id)).collect()
    }
}

/// Items (id, code) named missing on a manifest and still in transit here, by code.
fn unsettled(conn: &Connection, manifest_id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT hi.item_id, hi.code FROM handover_items hi JOIN items i ON i.id = hi.item_id
         WHERE hi.manifest_id = ?1 AND hi.state = 'missing' AND i.status = 'in_transit'
         ORDER BY hi.code",
    )?;
    let rows = stmt.query_map([manifest_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
