//! Segments that must be refused with nothing stored, replays that must be harmless, and 50
//! sites pushing at once.

mod common;

use common::*;
use custody_registry::db::connect;
use custody_registry::ingest::{enroll, ingest};
use custody_registry::synth::SynthSite;

async fn enrol(db: &str, s: &SynthSite) {
    let c = connect(db).await.unwrap();
    enroll(&c, "synthetic", &s.key_file).await.unwrap();
}

async fn stored(db: &str) -> (i64, i64, i64, i64) {
    (
        count(db, "SELECT count(*) FROM events").await,
        count(db, "SELECT count(*) FROM cosignatures").await,
        count(db, "SELECT count(*) FROM alarms").await,
        count(db, "SELECT count(*) FROM items").await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_flipped_byte_anywhere_is_refused_and_nothing_is_stored() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let s = SynthSite::new(1, 3, |i| format!("FLIP-{i}"));
    enrol(&db, &s).await;
    let good = s.segment(1);
    for at in 0..good.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = good.clone();
            bad[at] ^= bit;
            let refused = ingest(&server.reg, &bad).await;
            assert!(refused.is_err(), "byte {at} ^ {bit:#x} was accepted");
        }
    }
    assert_eq!(stored(&db).await, (0, 0, 0, 0));
    // The same segment unflipped is stored, so the refusals above were about the flip.
    let c = ingest(&server.reg, &good).await.unwrap();
    assert_eq!(c.size, s.events.len() as i64);
    assert_eq!(stored(&db).await, (s.events.len() as i64, 1, 0, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unenrolled_truncated_oversized_gapped_and_wrongly_signed_segments_get_typed_refusals() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, Some(64 * 1024)).await;
    let seg_url = format!("{}/api/v1/segments", server.url);
    let post = |bytes: Vec<u8>| http("POST", &seg_url, None, Some(bytes));

    let s = SynthSite::new(2, 20, |i| format!("REF-{i}"));
    let a = post(s.segment(1)).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (403, "site_not_enrolled"),
        "{}",
        a.body
    );
    assert!(a.json()["message"].as_str().unwrap().contains(&s.site_id));
    enrol(&db, &s).await;

    let seg = s.segment(1);
    let a = post(seg[..seg.len() / 2].to_vec()).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "segment_truncated"),
        "{}",
        a.body
    );
    let a = post(b"GET / HTTP/1.1".to_vec()).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "segment_truncated"),
        "{}",
        a.body
    );
    let a = post(b"not a segment at all, but long enough".to_vec()).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "segment_malformed"),
        "{}",
        a.body
    );

    let big = SynthSite::new(3, 400, |i| format!("BIG-{i}"));
    enrol(&db, &big).await;
    let a = post(big.segment(1)).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (413, "segment_too_large"),
        "{}",
        a.body
    );

    // From event 5 when the registry holds nothing: a gap.
    let a = post(s.segment(5)).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (409, "segment_gap"),
        "{}",
        a.body
    );
    assert!(a.json()["message"].as_str().unwrap().contains("from 1"));

    // Signed by a key other than the enrolled one.
    // A log whose site.init names the enrolled site but whose checkpoint the wrong key signed.
    let mut evil = SynthSite::new(6, 2, |i| format!("EVIL-{i}"));
    evil.site_id = s.site_id.clone();
    evil.events.clear();
    let enrolled_key = s.key.public();
    evil.push(custody_core::event::EventBody::SiteInit {
        site_id: s.site_id.clone(),
        site_name: "x".into(),
        public_key: hex::encode(enrolled_key.as_bytes()),
        key_id: s.key.key_id(),
        format: 1,
        demo: false,
    });
    evil.checkpoint();
    let a = post(evil.segment(1)).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "segment_bad_signature"),
        "{}",
        a.body
    );
    // No checkpoint at the end.
    let mut open_end = s.events.clone();
    open_end.pop();
    let a = post(custody_core::sync::encode_segment(&s.site_id, &open_end)).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (400, "segment_no_checkpoint"),
        "{}",
        a.body
    );
    assert_eq!(stored(&db).await, (0, 0, 0, 0));

    // Replays: the same segment twice, then an overlapping one; stored once, same answer.
    let first = post(s.segment(1)).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let replay = post(s.segment(1)).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(first.json(), replay.json());
    let overlap = post(s.segment(10)).await;
    assert_eq!(overlap.status, 200, "{}", overlap.body);
    assert_eq!(overlap.json(), first.json());
    let n = s.events.len() as i64;
    assert_eq!(stored(&db).await, (n, 1, 0, 20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_sites_pushing_at_once_are_each_stored_exactly_once() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let sites: Vec<SynthSite> = (100..150)
        .map(|n| SynthSite::new(n, 100, move |i| format!("C{n}-{i}")))
        .collect();
    for s in &sites {
        enrol(&db, s).await;
    }
    // Every site sends its segment twice, all at the same time.
    let mut tasks = Vec::new();
    for s in &sites {
        for _ in 0..2 {
            let url = format!("{}/api/v1/segments", server.url);
            let bytes = s.segment(1);
            tasks.push(tokio::spawn(async move {
                http("POST", &url, None, Some(bytes)).await
            }));
        }
    }
    let mut answers = Vec::new();
    for t in tasks {
        let a = t.await.unwrap();
        assert_eq!(a.status, 200, "{}", a.body);
        answers.push(a.json());
    }
    for pair in answers.chunks(2) {
        assert_eq!(
            pair[0], pair[1],
            "both sends of one site get the same cosignature"
        );
    }
    let per_site = sites[0].events.len() as i64;
    assert_eq!(stored(&db).await, (50 * per_site, 50, 0, 50 * 100));
    let c = connect(&db).await.unwrap();
    let uneven = c
        .query(
            "SELECT s.site_id FROM sites s
             WHERE s.head_seq <> $1 OR (SELECT count(*) FROM events e WHERE e.site_id = s.site_id) <> $1",
            &[&per_site],
        )
        .await
        .unwrap();
    assert!(uneven.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_handover_in_transit_for_over_14_days_and_intake_per_week_show_in_the_national_view() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let token = {
        let c = connect(&db).await.unwrap();
        custody_registry::auth::create_token(&c, "t", custody_registry::auth::Role::Inspector)
            .await
            .unwrap()
    };
    // A site dispatches two of its five weapons (synthetic events dated early 2026, far more
    // than 14 days ago) and no receiving site ever reports the arrival.
    let mut s = SynthSite::new(7, 5, |i| format!("T-{i}"));
    s.events.pop();
    let items: Vec<String> = s
        .events
        .iter()
        .filter(|e| e.kind == "item.register_weapon")
        .take(2)
        .map(|e| {
            serde_json::from_str::<serde_json::Value>(&e.payload).unwrap()["item_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    s.push(custody_core::event::EventBody::HandoverDispatch {
        manifest_id: "m-1".into(),
        code: "M-TEST".into(),
        details: Default::default(),
        item_ids: items,
        items_digest: String::new(),
        lots: vec![],
    });
    s.checkpoint();
    enrol(&db, &s).await;
    let a = http(
        "POST",
        &format!("{}/api/v1/segments", server.url),
        None,
        Some(s.segment(1)),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let auth = format!("Bearer {token}");
    let alarms = http(
        "GET",
        &format!("{}/api/v1/alarms", server.url),
        Some(&auth),
        None,
    )
    .await
    .json();
    let overdue = alarms["overdue_handovers"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["code"], "M-TEST");
    assert_eq!(overdue[0]["receiver_site_id"], serde_json::Value::Null);
    let stock = http(
        "GET",
        &format!("{}/api/v1/stock", server.url),
        Some(&auth),
        None,
    )
    .await
    .json();
    let by_status = |st: &str| -> i64 {
        stock
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == st)
            .map(|r| r["items"].as_i64().unwrap())
            .sum()
    };
    assert_eq!((by_status("in_store"), by_status("in_transit")), (3, 2));
    // All five were registered within one week.
    let intake = http(
        "GET",
        &format!("{}/api/v1/intake", server.url),
        Some(&auth),
        None,
    )
    .await
    .json();
    let weeks = intake.as_array().unwrap();
    assert_eq!(weeks.len(), 1);
    assert_eq!(weeks[0]["items"].as_i64(), Some(5));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_refuses_a_second_enrolment_and_what_is_not_a_site_key_file() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let c = connect(&db).await.unwrap();
    let s = SynthSite::new(11, 0, |_| String::new());
    enroll(&c, "first", &s.key_file).await.unwrap();
    let again = enroll(&c, "again", &s.key_file).await.unwrap_err();
    assert_eq!(
        (again.status().as_u16(), again.code()),
        (409, "already_enrolled")
    );
    for bad in [
        String::new(),
        "custody-public-key/v1\nsite_id x\npublic_key 00\n".to_string(),
        s.key_file.replace("public_key ", "publickey "),
    ] {
        let e = enroll(&c, "bad", &bad).await.unwrap_err();
        assert_eq!(
            (e.status().as_u16(), e.code()),
            (400, "bad_request"),
            "{bad:?}"
        );
    }
    assert_eq!(count(&db, "SELECT count(*) FROM sites").await, 1);
}
