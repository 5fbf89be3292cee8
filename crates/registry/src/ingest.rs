//! Accepting a segment: every check first, then one transaction that stores the new events,
//! updates the projections and the site's head, and records the cosignature, or nothing.

use crate::db::Pool;
use crate::error::{RegistryError, Result};
use crate::projection::Projector;
use custody_core::event::{EventBody, StoredEvent};
use custody_core::keys::{key_id, parse_public_key};
use custody_core::sync::{
    check_segment, cosignature_message, decode_segment, Cosignature, COSIGNATURE_FORMAT,
};
use ed25519_dalek::{Signer, SigningKey};
use std::sync::Arc;

/// Default largest segment accepted (bytes).
pub const DEFAULT_MAX_SEGMENT_BYTES: usize = 256 << 20;
/// Most events one segment may carry.
pub const MAX_SEGMENT_EVENTS: u32 = 2_000_000;

/// What every request handler shares.
#[derive(Clone)]
pub struct Registry {
    pub pool: Pool,
    pub key: Arc<SigningKey>,
    pub max_segment_bytes: usize,
}

pub fn event_from_row(r: &tokio_postgres::Row) -> Result<StoredEvent> {
    let h = |i: usize| -> Result<[u8; 32]> {
        let v: Vec<u8> = r.get(i);
        v.try_into()
            .map_err(|_| RegistryError::Internal("a stored hash is not 32 bytes".into()))
    };
    Ok(StoredEvent {
        seq: r.get(0),
        id: r.get(1),
        time: r.get(2),
        actor: r.get(3),
        witness: r.get(4),
        kind: r.get(5),
        subject: r.get(6),
        payload: r.get(7),
        prev_hash: h(8)?,
        hash: h(9)?,
    })
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Signs the statement that this registry holds `site`'s log at `size` with head `head`.
pub fn cosign(key: &SigningKey, site: &str, size: i64, head: &str, time: u64) -> Cosignature {
    let public = key.verifying_key();
    let message = cosignature_message(site, size, head, time);
    Cosignature {
        format: COSIGNATURE_FORMAT.into(),
        registry_key_id: key_id(&public),
        registry_public_key: hex::encode(public.as_bytes()),
        site_id: site.into(),
        size,
        head: head.into(),
        time,
        signature: hex::encode(key.sign(message.as_bytes()).to_bytes()),
    }
}

/// Checks and stores one segment; returns the cosignature of its final checkpoint.
pub async fn ingest(reg: &Registry, bytes: &[u8]) -> Result<Cosignature> {
    if bytes.len() > reg.max_segment_bytes {
        return Err(RegistryError::TooLarge {
            size: bytes.len(),
            limit: reg.max_segment_bytes,
        });
    }
    let segment = decode_segment(bytes, MAX_SEGMENT_EVENTS)?;
    let site = segment.site_id.clone();
    let mut conn = reg.pool.get().await?;
    let enrolled = conn
        .query_opt("SELECT public_key FROM sites WHERE site_id = $1", &[&site])
        .await?
        .ok_or_else(|| RegistryError::Unenrolled(site.clone()))?;
    let public_hex: String = enrolled.get(0);
    let public = parse_public_key(&public_hex)
        .ok_or_else(|| RegistryError::Internal(format!("enrolled key of {site} is damaged")))?;
    let summary = check_segment(&segment, &public)?;
    if let Some(first) = segment.events.first().filter(|e| e.seq == 1) {
        match EventBody::from_columns(&first.kind, &first.payload) {
            Ok(EventBody::SiteInit {
                site_id,
                public_key,
                ..
            }) if site_id == site && public_key == public_hex => {}
            _ => {
                return Err(RegistryError::WrongSite {
                    site,
                    what: "the ledger's first event does not name this site and its enrolled key"
                        .into(),
                })
            }
        }
    }

    let tx = conn.transaction().await?;
    let row = tx
        .query_one(
            "SELECT head_seq, head_hash FROM sites WHERE site_id = $1 FOR UPDATE",
            &[&site],
        )
        .await?;
    let held_seq: i64 = row.get(0);
    let held_hash: Vec<u8> = row.get(1);
    if summary.first_seq > held_seq + 1 {
        return Err(RegistryError::Gap {
            site,
            held: held_seq,
            first: summary.first_seq,
        });
    }
    // What the segment repeats must be exactly what was accepted; the link to the held head
    // must hold. Otherwise it is a fork.
    let mut fork: Option<(i64, String, String)> = None;
    if summary.first_seq <= held_seq {
        let upto = held_seq.min(summary.last_seq);
        let stored = tx
            .query(
                "SELECT seq, hash FROM events WHERE site_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq",
                &[&site, &summary.first_seq, &upto],
            )
            .await?;
        for r in &stored {
            let seq: i64 = r.get(0);
            let hash: Vec<u8> = r.get(1);
            let offered = &segment.events[(seq - summary.first_seq) as usize];
            if offered.hash[..] != hash[..] {
                fork = Some((seq, hex::encode(&hash), hex::encode(offered.hash)));
                break;
            }
        }
    } else if summary.first_prev_hash[..] != held_hash[..] {
        fork = Some((
            held_seq,
            hex::encode(&held_hash),
            hex::encode(summary.first_prev_hash),
        ));
    }
    if let Some((seq, held, offered)) = fork {
        drop(tx);
        let detail = format!(
            "registry head: event {held_seq} {}; segment head: event {} {}",
            hex::encode(&held_hash),
            summary.last_seq,
            hex::encode(summary.head_hash)
        );
        let alarm: i64 = conn
            .query_one(
                "INSERT INTO alarms (site_id, kind, seq, held_hash, offered_hash, detail)
                 VALUES ($1, 'fork', $2, $3, $4, $5) RETURNING id",
                &[&site, &seq, &held, &offered, &detail],
            )
            .await?
            .get(0);
        return Err(RegistryError::Fork {
            site,
            seq,
            held,
            offered,
            alarm,
        });
    }

    let new: Vec<&StoredEvent> = segment.events.iter().filter(|e| e.seq > held_seq).collect();
    if !new.is_empty() {
        insert_events(&tx, &site, &new).await?;
        let mut projector = Projector::new(&site);
        for e in &new {
            projector.apply(&tx, e).await?;
        }
        projector.flush(&tx).await?;
        crate::projection::refresh_aggregates(&tx, &site).await?;
        crate::projection::refresh_duplicates(&tx, &site, held_seq).await?;
        tx.execute(
            "UPDATE sites SET head_seq = $2, head_hash = $3, last_push = now() WHERE site_id = $1",
            &[&site, &summary.last_seq, &&summary.head_hash[..]],
        )
        .await?;
    } else {
        tx.execute(
            "UPDATE sites SET last_push = now() WHERE site_id = $1",
            &[&site],
        )
        .await?;
    }
    let head_hex = hex::encode(summary.head_hash);
    let existing = tx
        .query_opt(
            "SELECT time, signature FROM cosignatures WHERE site_id = $1 AND size = $2",
            &[&site, &summary.last_seq],
        )
        .await?;
    let cosignature = match existing {
        Some(r) => {
            let time: i64 = r.get(0);
            let mut c = cosign(&reg.key, &site, summary.last_seq, &head_hex, time as u64);
            c.signature = r.get(1);
            c
        }
        None => {
            let c = cosign(&reg.key, &site, summary.last_seq, &head_hex, unix_now());
            tx.execute(
                "INSERT INTO cosignatures (site_id, size, head, time, signature) VALUES ($1,$2,$3,$4,$5)",
                &[&site, &c.size, &c.head, &(c.time as i64), &c.signature],
            )
            .await?;
            tx.execute(
                "UPDATE sites SET last_cosigned_seq = greatest(last_cosigned_seq, $2) WHERE site_id = $1",
                &[&site, &c.size],
            )
            .await?;
            c
        }
    };
    tx.commit().await?;
    Ok(cosignature)
}

/// Stores events with one binary `COPY` (no round trip per event).
async fn insert_events(
    tx: &tokio_postgres::Transaction<'_>,
    site: &str,
    events: &[&StoredEvent],
) -> Result<()> {
    use tokio_postgres::binary_copy::BinaryCopyInWriter;
    use tokio_postgres::types::Type;
    let sink = tx
        .copy_in(
            "COPY events (site_id, seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash)
             FROM STDIN BINARY",
        )
        .await?;
    let types = [
        Type::TEXT,
        Type::INT8,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::BYTEA,
        Type::BYTEA,
    ];
    let writer = BinaryCopyInWriter::new(sink, &types);
    futures_util::pin_mut!(writer);
    for e in events {
        writer
            .as_mut()
            .write(&[
                &site,
                &e.seq,
                &e.id.as_str(),
                &e.time.as_str(),
                &e.actor.as_deref(),
                &e.witness.as_deref(),
                &e.kind.as_str(),
                &e.subject.as_deref(),
                &e.payload.as_str(),
                &&e.prev_hash[..],
                &&e.hash[..],
            ])
            .await?;
    }
    writer.finish().await?;
    Ok(())
}

/// Enrols a site from its public key file text (`custody keys export`).
pub async fn enroll(
    client: &tokio_postgres::Client,
    name: &str,
    key_file_text: &str,
) -> Result<(String, String)> {
    let (site_id, public_key, _) = custody_core::sync::read_site_key_file(key_file_text)
        .ok_or_else(|| {
            RegistryError::BadRequest(
                "not a site public key file (custody keys export writes one)".into(),
            )
        })?;
    if name.trim().is_empty() {
        return Err(RegistryError::BadRequest("the site needs a name".into()));
    }
    let kid = parse_public_key(&public_key)
        .map(|k| key_id(&k))
        .ok_or_else(|| RegistryError::BadRequest("the site key is not Ed25519".into()))?;
    let inserted = client
        .execute(
            "INSERT INTO sites (site_id, name, public_key, key_id) VALUES ($1,$2,$3,$4)
             ON CONFLICT DO NOTHING",
            &[&site_id, &name.trim(), &public_key, &kid],
        )
        .await?;
    if inserted == 0 {
        return Err(RegistryError::AlreadyEnrolled(site_id));
    }
    Ok((site_id, kid))
}
