//! The `registry` benchmark suite (run by `custody-bench registry` and by the
//! `custody-registry-bench` binary). Every figure is a ratio against an anchor measured in the
//! same run on the same data, printed as one JSON line like the other suites:
//!
//! - `ingest_<n>`: n events from 100 synthetic sites through the full ingest (decode, checks,
//!   one transaction per segment, projections, cosignature), against PostgreSQL `COPY` of the
//!   same event rows into a plain table.
//! - `serial_search_p99`: p99 of a serial search through the HTTP API (token auth, JSON)
//!   against the p99 of the same SQL query on one open connection.
//!
//! - `dashboard_render`: the web overview page (session check, the kept aggregates, three SVG
//!   charts, the template) over HTTP with `CUSTODY_REGISTRY_BENCH_ITEMS` items (default
//!   1,000,000) from 100 sites, median of 30, against the median of one SQL query reading the
//!   same aggregates on an open connection. `CUSTODY_REGISTRY_BENCH_ONLY=dashboard` (or
//!   `ingest`) runs one part alone.
//!
//! Needs a PostgreSQL: `CUSTODY_REGISTRY_BENCH_DATABASE_URL` or
//! `CUSTODY_REGISTRY_TEST_DATABASE_URL` (scripts/pg-test-cluster.sh start). The size is
//! `CUSTODY_REGISTRY_BENCH_EVENTS` (default 1,000,000).

use crate::db::{connect, migrate, Pool};
use crate::ingest::{ingest, Registry, DEFAULT_MAX_SEGMENT_BYTES};
use crate::synth::SynthSite;
use anyhow::{Context, Result};
use bytes::Bytes;
use futures_util::SinkExt;
use std::sync::Arc;
use std::time::Instant;

fn figure(name: &str, unit: &str, ours: f64, anchor: f64, anchor_name: &str) {
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let ratio = if anchor > 0.0 {
        ours / anchor
    } else {
        f64::NAN
    };
    println!(
        "{}",
        serde_json::json!({
            "suite": "registry", "name": name, "unit": unit,
            "ours": round(ours), "anchor": round(anchor), "anchor_name": anchor_name,
            "ratio": round(ratio),
        })
    );
}

fn p99(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((0.99 * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1));
    v.get(rank - 1).copied().unwrap_or(f64::NAN)
}

fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after = base.find("://").map(|i| i + 3).unwrap_or(0);
    let prefix = match base[after..].find('/') {
        Some(i) => &base[..after + i],
        None => base,
    };
    format!("{prefix}/{db}{query}")
}

fn escape_copy(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

pub fn run() -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_async())
}

async fn run_async() -> Result<()> {
    let cluster = std::env::var("CUSTODY_REGISTRY_BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("CUSTODY_REGISTRY_TEST_DATABASE_URL"))
        .context("set CUSTODY_REGISTRY_BENCH_DATABASE_URL (or start scripts/pg-test-cluster.sh)")?;
    let only = std::env::var("CUSTODY_REGISTRY_BENCH_ONLY").unwrap_or_default();
    if only != "dashboard" {
        ingest_and_search(&cluster).await?;
    }
    if only != "ingest" {
        dashboard(&cluster).await?;
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The overview page at national size. Items are written straight into the projection with
/// one `INSERT ... generate_series` (the page reads only the kept aggregates, which are then
/// refreshed per site exactly as ingest does); the ingest path itself is `ingest_<n>`'s figure.
async fn dashboard(cluster: &str) -> Result<()> {
    let items: i64 = std::env::var("CUSTODY_REGISTRY_BENCH_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let sites_n = 100i64;
    let name = format!("registry_bench_web_{}", std::process::id());
    let admin = connect(cluster).await?;
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    let url = with_database(cluster, &name);
    let mut client = connect(&url).await?;
    migrate(&mut client).await?;
    eprintln!("dashboard: {items} items at {sites_n} sites");
    client
        .execute(
            "INSERT INTO sites (site_id, name, public_key, key_id, head_seq, last_push)
             SELECT 'site-' || lpad(s::text, 3, '0'), 'Depot ' || s, md5(s::text) || md5('k' || s), 'K' || s,
                    $1::bigint / $2::bigint, now() - (s % 9) * interval '1 day'
             FROM generate_series(0, $2::bigint - 1) s",
            &[&items, &sites_n],
        )
        .await?;
    client
        .execute(
            "INSERT INTO items (site_id, item_id, code, kind, serial, serial_norm, maker, maker_norm,
                                model, weapon_type, country, origin, status, registered_time,
                                registered_seq, status_time, last_seq)
             SELECT 'site-' || lpad((g % $2::bigint)::text, 3, '0'), 'item-' || g, 'C' || g, 'weapon',
                    'S-' || g, 'S' || g, 'Zastava', 'ZASTAVA', 'M70',
                    (ARRAY['pistol','rifle','revolver','shotgun','submachine_gun','machine_gun'])[1 + g % 6],
                    (ARRAY['RS','BA','HR','ME','AL','MK','RO'])[1 + g % 7],
                    'intake',
                    CASE WHEN g % 10 = 0 THEN 'destroyed' WHEN g % 20 = 1 THEN 'checked_out' ELSE 'in_store' END,
                    timestamptz '2019-01-01 00:00:00+00' + (g % 2500) * interval '1 day', g,
                    timestamptz '2019-06-01 00:00:00+00' + (g % 2400) * interval '1 day', g
             FROM generate_series(1, $1::bigint) g",
            &[&items, &sites_n],
        )
        .await?;
    {
        let tx = client.transaction().await?;
        for s in 0..sites_n {
            crate::projection::refresh_aggregates(&tx, &format!("site-{s:03}")).await?;
        }
        tx.commit().await?;
    }
    client.batch_execute("ANALYZE").await?;
    crate::auth::add_user(
        &client,
        "bench",
        "bench password 1",
        crate::auth::Role::Inspector,
    )
    .await?;

    let key_dir = std::env::temp_dir().join(format!("registry-bench-web-{}", std::process::id()));
    let key = crate::keys::load_or_create(&key_dir.join("registry.key"))?;
    let reg = Registry {
        pool: Pool::new(&url, 8),
        key: Arc::new(key),
        max_segment_bytes: DEFAULT_MAX_SEGMENT_BYTES,
    };
    let token = match crate::web::session::login(&reg.pool, "bench", "bench password 1").await {
        Ok(crate::web::session::Login::Ok(t)) => t,
        _ => anyhow::bail!("the bench user cannot sign in"),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let serving = reg.clone();
    tokio::spawn(async move {
        let _ = crate::api::serve(serving, listener, std::future::pending()).await;
    });

    // Anchor: the numbers the page shows, read with one query on an open connection.
    let anchor_sql = "SELECT
        (SELECT coalesce(sum(items) FILTER (WHERE status NOT IN ('destroyed', 'transferred_out')), 0)::bigint FROM agg_stock),
        (SELECT coalesce(sum(destroyed), 0)::bigint FROM agg_destroyed),
        (SELECT count(*) FROM sites), (SELECT count(*) FROM alarms),
        (SELECT json_agg(t) FROM (SELECT year, weapon_type, sum(destroyed) AS n FROM agg_destroyed GROUP BY 1, 2) t)::text,
        (SELECT json_agg(t) FROM (SELECT s.name, coalesce(sum(a.items) FILTER (WHERE a.status NOT IN ('destroyed', 'transferred_out')), 0) AS n
                                  FROM sites s LEFT JOIN agg_stock a ON a.site_id = s.site_id
                                  GROUP BY s.site_id, s.name ORDER BY n DESC, s.name LIMIT 20) t)::text,
        (SELECT json_agg(t) FROM (SELECT week, sum(items) AS n FROM agg_intake
                                  WHERE week > (SELECT max(week) FROM agg_intake) - 182 GROUP BY week) t)::text";
    let runs = 30usize;
    let mut anchor = Vec::with_capacity(runs);
    for i in 0..runs + 3 {
        let t = Instant::now();
        let row = client.query_one(anchor_sql, &[]).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i >= 3 {
            anchor.push(ms);
        }
        anyhow::ensure!(row.get::<_, i64>(0) > 0, "no stock in the aggregates");
    }
    let expected_destroyed: i64 = client.query_one(anchor_sql, &[]).await?.get(1);
    let page_url = format!("{base}/overview");
    let token_copy = token.clone();
    let ours = tokio::task::spawn_blocking(move || -> Result<Vec<f64>> {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let cookie = format!("custody_session={token}");
        let mut out = Vec::with_capacity(runs);
        for i in 0..runs + 3 {
            let t = Instant::now();
            let body = agent
                .get(&page_url)
                .set("Cookie", &cookie)
                .call()?
                .into_string()?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if i >= 3 {
                out.push(ms);
            }
            // The page really carries the national figures and its three charts.
            anyhow::ensure!(
                body.matches("<svg").count() == 3,
                "the overview lacks its charts"
            );
            let shown = format!(
                "id=\"total-destroyed\">{}<",
                crate::web::i18n::ENGLISH.number(expected_destroyed)
            );
            anyhow::ensure!(body.contains(&shown), "the overview does not show {shown}");
        }
        Ok(out)
    })
    .await??;
    // To look at the page at national size: CUSTODY_REGISTRY_BENCH_SAVE_OVERVIEW=FILE.html.
    if let Ok(path) = std::env::var("CUSTODY_REGISTRY_BENCH_SAVE_OVERVIEW") {
        let cookie = format!("custody_session={token_copy}");
        let url = format!("{base}/overview");
        let html = tokio::task::spawn_blocking(move || -> Result<String> {
            Ok(ureq::get(&url)
                .set("Cookie", &cookie)
                .call()?
                .into_string()?)
        })
        .await??;
        std::fs::write(&path, html)?;
    }
    let worst = ours.iter().copied().fold(0.0f64, f64::max);
    eprintln!("dashboard: slowest render {worst:.1} ms of {runs}");
    figure(
        "dashboard_render",
        "ms",
        median(ours),
        median(anchor),
        "same_aggregates_one_sql_query",
    );
    drop(client);
    drop(reg);
    let _ = admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
    let _ = std::fs::remove_dir_all(key_dir);
    Ok(())
}

async fn ingest_and_search(cluster: &str) -> Result<()> {
    let events: usize = std::env::var("CUSTODY_REGISTRY_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let sites_n = 100usize;
    let per_site = (events / sites_n).max(3);
    let name = format!("registry_bench_{}", std::process::id());
    let admin = connect(cluster).await?;
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    let url = with_database(cluster, &name);
    let mut client = connect(&url).await?;
    migrate(&mut client).await?;

    eprintln!("building {sites_n} synthetic sites of {per_site} events");
    let mut segments = Vec::with_capacity(sites_n);
    let mut copy_rows = Vec::with_capacity(sites_n);
    for n in 0..sites_n {
        let s = SynthSite::new(n as u64, per_site - 2, move |i| format!("B{n:03}-{i:07}"));
        crate::ingest::enroll(&client, &format!("bench {n}"), &s.key_file).await?;
        let mut text = String::with_capacity(s.events.len() * 500);
        for e in &s.events {
            let opt = |v: &Option<String>| {
                v.as_deref()
                    .map(escape_copy)
                    .unwrap_or_else(|| "\\N".into())
            };
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t\\\\x{}\t\\\\x{}\n",
                s.site_id,
                e.seq,
                e.id,
                e.time,
                opt(&e.actor),
                opt(&e.witness),
                e.kind,
                opt(&e.subject),
                escape_copy(&e.payload),
                hex::encode(e.prev_hash),
                hex::encode(e.hash)
            ));
        }
        copy_rows.push(text);
        segments.push(s.segment(1));
    }
    let total: usize = segments.len() * per_site;

    // Anchor: COPY of the same rows into a plain table.
    client
        .batch_execute(
            "CREATE TABLE copy_anchor (site_id text, seq bigint, id text, time text, actor text,
             witness text, kind text, subject text, payload text, prev_hash bytea, hash bytea)",
        )
        .await?;
    eprintln!("anchor: COPY {total} rows");
    let t = Instant::now();
    for rows in &copy_rows {
        let sink = client
            .copy_in::<_, Bytes>("COPY copy_anchor FROM STDIN")
            .await?;
        futures_util::pin_mut!(sink);
        sink.send(Bytes::from(rows.clone().into_bytes())).await?;
        sink.close().await?;
    }
    let copy_ms = t.elapsed().as_secs_f64() * 1000.0;
    drop(copy_rows);

    let key_dir = std::env::temp_dir().join(format!("registry-bench-{}", std::process::id()));
    let key = crate::keys::load_or_create(&key_dir.join("registry.key"))?;
    let reg = Registry {
        pool: Pool::new(&url, 8),
        key: Arc::new(key),
        max_segment_bytes: DEFAULT_MAX_SEGMENT_BYTES,
    };
    eprintln!("ours: ingest {total} events, 2 sites at a time");
    let t = Instant::now();
    let segments = Arc::new(segments);
    let mut workers = Vec::new();
    for w in 0..2 {
        let reg = reg.clone();
        let segments = segments.clone();
        workers.push(tokio::spawn(async move {
            for seg in segments.iter().skip(w).step_by(2) {
                ingest(&reg, seg).await?;
            }
            Ok::<(), crate::error::RegistryError>(())
        }));
    }
    for w in workers {
        w.await??;
    }
    let ingest_ms = t.elapsed().as_secs_f64() * 1000.0;
    let stored: i64 = client
        .query_one("SELECT count(*) FROM events", &[])
        .await?
        .get(0);
    anyhow::ensure!(
        stored as usize == total,
        "stored {stored} of {total} events"
    );
    let label = if total >= 1_000_000 && total.is_multiple_of(1_000_000) {
        format!("ingest_{}m", total / 1_000_000)
    } else {
        format!("ingest_{total}")
    };
    figure(
        &label,
        "ms",
        ingest_ms,
        copy_ms,
        "postgres_copy_plain_table",
    );

    // Search: the API on loopback against the same SQL on an open connection.
    client.batch_execute("ANALYZE").await?;
    let items: i64 = client
        .query_one("SELECT count(*) FROM items", &[])
        .await?
        .get(0);
    let token = crate::auth::create_token(&client, "bench", crate::auth::Role::Inspector).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let serving = reg.clone();
    tokio::spawn(async move {
        let _ = crate::api::serve(serving, listener, std::future::pending()).await;
    });
    let queries = 2000usize;
    let serial = move |q: usize| {
        let site = (q * 37) % sites_n;
        let i = (q * 7919) % (per_site - 2);
        format!("B{site:03}-{i:07}")
    };
    let mut anchor = Vec::with_capacity(queries);
    let stmt = client
        .prepare(
            "SELECT i.site_id, i.item_id, i.status FROM items i
             WHERE i.serial_norm = $1",
        )
        .await?;
    for q in 0..queries {
        let s = custody_codes::serial::normalize_serial(&serial(q));
        let t = Instant::now();
        let rows = client.query(&stmt, &[&s]).await?;
        anchor.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(rows.len() == 1, "serial {s} found {} times", rows.len());
    }
    let ours = tokio::task::spawn_blocking(move || -> Result<Vec<f64>> {
        let agent = ureq::AgentBuilder::new().build();
        let mut out = Vec::with_capacity(queries);
        for q in 0..queries {
            let t = Instant::now();
            let body = agent
                .get(&format!("{base}/api/v1/items?serial={}", serial(q)))
                .set("Authorization", &format!("Bearer {token}"))
                .call()?
                .into_string()?;
            out.push(t.elapsed().as_secs_f64() * 1000.0);
            anyhow::ensure!(body.starts_with("[{"), "no result for {}", serial(q));
        }
        Ok(out)
    })
    .await??;
    eprintln!("{items} items searched");
    figure(
        "serial_search_p99",
        "ms",
        p99(ours),
        p99(anchor),
        "same_sql_on_open_connection_p99",
    );
    drop(client);
    drop(reg);
    let _ = admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await;
    let _ = std::fs::remove_dir_all(key_dir);
    Ok(())
}
