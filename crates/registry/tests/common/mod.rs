//! Test support: a fresh PostgreSQL database per test (CREATE DATABASE on the throwaway cluster
//! of scripts/pg-test-cluster.sh), a registry server on loopback, and HTTP calls.
#![allow(dead_code)]

use custody_registry::db::{connect, migrate, Pool};
use custody_registry::ingest::{Registry, DEFAULT_MAX_SEGMENT_BYTES};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The cluster URL, or None outside CI when it is not set. In CI a missing URL fails the test.
pub fn cluster_url() -> Option<String> {
    match std::env::var("CUSTODY_REGISTRY_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let msg = "CUSTODY_REGISTRY_TEST_DATABASE_URL is not set: the registry tests need a real \
                       PostgreSQL. Start one with `eval \"$(bash scripts/pg-test-cluster.sh start)\"` \
                       (scripts/test.sh does this)";
            if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
                panic!("{msg}");
            }
            eprintln!("SKIPPED (not in CI): {msg}");
            None
        }
    }
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let prefix = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    format!("{prefix}/{db}{query}")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A new, migrated database for one test.
pub async fn fresh_database(cluster: &str) -> String {
    let name = format!(
        "reg_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let admin = connect(cluster).await.expect("connect to the test cluster");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create the test database");
    let url = with_database(cluster, &name);
    let mut client = connect(&url).await.unwrap();
    migrate(&mut client).await.unwrap();
    url
}

pub struct Server {
    pub url: String,
    pub db: String,
    pub reg: Registry,
    pub key_dir: tempfile::TempDir,
}

pub async fn start_server(db: &str, max_segment_bytes: Option<usize>) -> Server {
    let key_dir = tempfile::tempdir().unwrap();
    let key = custody_registry::keys::load_or_create(&key_dir.path().join("registry.key")).unwrap();
    let reg = Registry {
        pool: Pool::new(db, 64),
        key: Arc::new(key),
        max_segment_bytes: max_segment_bytes.unwrap_or(DEFAULT_MAX_SEGMENT_BYTES),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let serving = reg.clone();
    tokio::spawn(async move {
        let _ = custody_registry::api::serve(serving, listener, std::future::pending()).await;
    });
    Server {
        url,
        db: db.to_string(),
        reg,
        key_dir,
    }
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The typed error code of a refusal.
    pub fn code(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_string()
    }
}

/// One blocking HTTP request on a worker thread.
pub async fn http(method: &str, url: &str, auth: Option<&str>, body: Option<Vec<u8>>) -> Answer {
    let (method, url, auth) = (
        method.to_string(),
        url.to_string(),
        auth.map(str::to_string),
    );
    tokio::task::spawn_blocking(move || {
        let mut req = ureq::request(&method, &url);
        if let Some(a) = auth {
            req = req.set("Authorization", &a);
        }
        let result = match body {
            Some(b) => req.send_bytes(&b),
            None => req.call(),
        };
        match result {
            Ok(r) => Answer {
                status: r.status(),
                body: r.into_string().unwrap_or_default(),
            },
            Err(ureq::Error::Status(code, r)) => Answer {
                status: code,
                body: r.into_string().unwrap_or_default(),
            },
            Err(e) => panic!("HTTP {method} {url} failed: {e}"),
        }
    })
    .await
    .unwrap()
}

pub async fn count(db: &str, sql: &str) -> i64 {
    let c = connect(db).await.unwrap();
    c.query_one(sql, &[]).await.unwrap().get(0)
}
