//! PostgreSQL is SIGKILLed while a large segment is being stored and started again: nothing of
//! that segment may be there, and pushing it again stores it whole. Its own test binary, so no
//! other test shares the cluster while it goes down.

mod common;

use common::*;
use custody_registry::db::connect;
use custody_registry::ingest::{enroll, ingest};
use custody_registry::synth::SynthSite;

fn pg_ctl(action: &str) {
    let script = std::env::var("CUSTODY_REGISTRY_TEST_PG_CTL")
        .expect("CUSTODY_REGISTRY_TEST_PG_CTL (set by scripts/pg-test-cluster.sh start) names the cluster script");
    let status = std::process::Command::new("bash")
        .arg(script)
        .arg(action)
        .status()
        .unwrap();
    assert!(status.success(), "pg-test-cluster.sh {action} failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_killed_mid_ingest_leaves_nothing_half_stored() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let s = SynthSite::new(900, 100_000, |i| format!("CRASH-{i}"));
    enroll(&connect(&db).await.unwrap(), "crash", &s.key_file)
        .await
        .unwrap();
    let bytes = s.segment(1);

    let reg = server.reg.clone();
    let seg = bytes.clone();
    let pushing = tokio::spawn(async move { ingest(&reg, &seg).await });
    // Wait until the server is busy with this segment's transaction, then pull the plug.
    let watch = connect(&cluster).await.unwrap();
    let mut busy = false;
    for _ in 0..600 {
        let n: i64 = watch
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY events%'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if n > 0 {
            busy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(busy, "the ingest never reached the events insert");
    pg_ctl("kill");
    let outcome = pushing.await.unwrap();
    assert!(
        outcome.is_err(),
        "the ingest finished before the kill; the test proved nothing"
    );
    pg_ctl("restart-after-kill");

    let site = s.site_id.clone();
    let c = connect(&db).await.unwrap();
    let one = |sql: &'static str| {
        let c = &c;
        let site = site.clone();
        async move { c.query_one(sql, &[&site]).await.unwrap().get::<_, i64>(0) }
    };
    assert_eq!(
        one("SELECT count(*) FROM events WHERE site_id = $1").await,
        0
    );
    assert_eq!(
        one("SELECT count(*) FROM items WHERE site_id = $1").await,
        0
    );
    assert_eq!(
        one("SELECT count(*) FROM cosignatures WHERE site_id = $1").await,
        0
    );
    assert_eq!(
        one("SELECT head_seq FROM sites WHERE site_id = $1").await,
        0
    );

    // The site simply pushes again.
    let c2 = ingest(&server.reg, &bytes).await.unwrap();
    assert_eq!(c2.size, s.events.len() as i64);
    assert_eq!(
        one("SELECT count(*) FROM events WHERE site_id = $1").await,
        s.events.len() as i64
    );
    assert_eq!(
        one("SELECT count(*) FROM items WHERE site_id = $1").await,
        100_000
    );
}
