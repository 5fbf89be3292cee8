//! Synthetic site logs for the concurrency and crash tests and the benchmark: a real chain
//! (canonical encoding, SHA-256 links, a checkpoint signed by the site key), built with
//! custody-core's pure functions, without a SQLite ledger behind it. Not used by the server.

use custody_core::event::{
    canonical_bytes, chain_hash, EventBody, EventFields, StoredEvent, GENESIS_HASH,
};
use custody_core::keys::{checkpoint_note, SiteKey};
use custody_core::{WeaponRecord, WeaponType};

pub struct SynthSite {
    pub site_id: String,
    pub key: SiteKey,
    pub key_file: String,
    pub events: Vec<StoredEvent>,
}

fn uuid_like(a: u64, b: u64) -> String {
    let h = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-7{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// The time of event `seq` (early 2026, a few thousand events a day).
fn time_for(seq: i64) -> String {
    format!(
        "2026-{:02}-{:02}T08:00:00.{:06}Z",
        1 + (seq / 100_000) % 12,
        1 + (seq / 4000) % 28,
        seq % 1_000_000
    )
}

impl SynthSite {
    /// A site whose seed is `n`: `site.init`, then weapons until `events` events, then a
    /// checkpoint. Serials are `SYN-<n>-<i>` unless `serial` overrides them.
    pub fn new(n: u64, weapons: usize, serial: impl Fn(usize) -> String) -> SynthSite {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&n.to_be_bytes());
        seed[8] = 0x5e;
        let key = SiteKey::from_seed(seed);
        let site_id = uuid_like(0x0190_0000_0000_0000 | n, 1);
        let key_file = custody_core::bundle::public_key_file(
            &site_id,
            &format!("Synthetic site {n}"),
            &hex::encode(key.public().as_bytes()),
            &key.key_id(),
        );
        let mut s = SynthSite {
            site_id: site_id.clone(),
            key,
            key_file,
            events: Vec::new(),
        };
        s.push(EventBody::SiteInit {
            site_id,
            site_name: format!("Synthetic site {n}"),
            public_key: hex::encode(s.key.public().as_bytes()),
            key_id: s.key.key_id(),
            format: 1,
            demo: false,
        });
        let types = [WeaponType::Rifle, WeaponType::Pistol, WeaponType::Shotgun];
        for i in 0..weapons {
            s.push(EventBody::RegisterWeapon {
                item_id: uuid_like(n, 1000 + i as u64),
                code: format!("W{n:04}X{i:07}"),
                location_id: None,
                weapon: WeaponRecord {
                    serial: serial(i),
                    manufacturer: "Zastava Arms".into(),
                    model: "M70".into(),
                    weapon_type: Some(types[i % 3]),
                    calibre: "7.62x39".into(),
                    country: "RS".into(),
                    year: Some(1984),
                    ..WeaponRecord::default()
                },
            });
        }
        s.checkpoint();
        s
    }

    fn head(&self) -> (i64, [u8; 32]) {
        self.events
            .last()
            .map(|e| (e.seq, e.hash))
            .unwrap_or((0, GENESIS_HASH))
    }

    /// Appends one event with the given body.
    pub fn push(&mut self, body: EventBody) {
        let (kind, payload) = body.to_columns();
        let (seq, prev) = self.head();
        let seq = seq + 1;
        let time = time_for(seq);
        let mut e = StoredEvent {
            seq,
            id: uuid_like(0x0190_1111_0000_0000 | seq as u64, seq as u64),
            time,
            actor: None,
            witness: None,
            kind,
            subject: body.subject(),
            payload,
            prev_hash: prev,
            hash: [0; 32],
        };
        let mut scratch = Vec::new();
        canonical_bytes(
            &EventFields {
                seq: e.seq,
                id: &e.id,
                time: &e.time,
                actor: None,
                witness: None,
                kind: &e.kind,
                subject: e.subject.as_deref(),
                payload: &e.payload,
            },
            &mut scratch,
        );
        e.hash = chain_hash(&prev, &scratch);
        self.events.push(e);
    }

    /// Appends a checkpoint signed by the site key over the current head.
    pub fn checkpoint(&mut self) {
        let (covered, head) = self.head();
        let head_hash = hex::encode(head);
        let time = time_for(covered + 1);
        let note = checkpoint_note(&self.site_id, covered, &head_hash, &time);
        let signature = hex::encode(self.key.sign(note.as_bytes()));
        self.push(EventBody::Checkpoint {
            site_id: self.site_id.clone(),
            covered_seq: covered,
            head_hash,
            time,
            key_id: self.key.key_id(),
            reason: "synthetic".into(),
            signature,
        });
    }

    /// The segment of events `from..` (docs/segment-format.md).
    pub fn segment(&self, from: i64) -> Vec<u8> {
        let events: Vec<StoredEvent> = self
            .events
            .iter()
            .filter(|e| e.seq >= from)
            .cloned()
            .collect();
        custody_core::sync::encode_segment(&self.site_id, &events)
    }
}
