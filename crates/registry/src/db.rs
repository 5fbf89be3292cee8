//! PostgreSQL connections (a small pool of tokio-postgres clients) and versioned migrations.

use crate::error::{RegistryError, Result};
use std::sync::{Arc, Mutex};
use tokio_postgres::{Client, NoTls};

/// Opens one connection; its driver task runs on the current runtime.
pub async fn connect(url: &str) -> Result<Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// A pool of idle clients: a request takes one (or opens a new one) and gives it back when done.
/// A client whose connection broke (say the server restarted) is dropped, not reused.
#[derive(Clone)]
pub struct Pool {
    url: Arc<String>,
    idle: Arc<Mutex<Vec<Client>>>,
    max_idle: usize,
    /// At most this many connections are open at once; further requests wait their turn.
    open: Arc<tokio::sync::Semaphore>,
}

pub struct Conn {
    client: Option<Client>,
    pool: Pool,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client
            .as_ref()
            .expect("a pooled connection holds its client until dropped")
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        self.client
            .as_mut()
            .expect("a pooled connection holds its client until dropped")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(c) = self.client.take() {
            if !c.is_closed() {
                if let Ok(mut idle) = self.pool.idle.lock() {
                    if idle.len() < self.pool.max_idle {
                        idle.push(c);
                    }
                }
            }
        }
    }
}

impl Pool {
    /// A pool of at most `max` connections.
    pub fn new(url: &str, max: usize) -> Pool {
        Pool {
            url: Arc::new(url.to_string()),
            idle: Arc::new(Mutex::new(Vec::new())),
            max_idle: max.max(1),
            open: Arc::new(tokio::sync::Semaphore::new(max.max(1))),
        }
    }

    pub async fn get(&self) -> Result<Conn> {
        let permit = self
            .open
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| RegistryError::Internal("connection pool closed".into()))?;
        loop {
            let reused = self
                .idle
                .lock()
                .map_err(|_| RegistryError::Internal("connection pool poisoned".into()))?
                .pop();
            match reused {
                Some(c) if !c.is_closed() => {
                    return Ok(Conn {
                        client: Some(c),
                        pool: self.clone(),
                        _permit: permit,
                    })
                }
                Some(_) => continue,
                None => break,
            }
        }
        Ok(Conn {
            client: Some(connect(&self.url).await?),
            pool: self.clone(),
            _permit: permit,
        })
    }
}

/// Migrations in order; each runs once, in its own transaction, recorded in
/// `registry_migrations`. Never edit one that shipped: add the next.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "sites, events, cosignatures, alarms, users, tokens",
        include_str!("../migrations/0001_core.sql"),
    ),
    (
        2,
        "national projections",
        include_str!("../migrations/0002_projections.sql"),
    ),
    (
        3,
        "kept aggregates, web sessions and sign-in lock-out",
        include_str!("../migrations/0003_web.sql"),
    ),
];

/// Runs every migration not applied yet. Returns the versions applied now.
pub async fn migrate(client: &mut Client) -> Result<Vec<i32>> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS registry_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        let tx = client.transaction().await?;
        // One migrator at a time, even with two registries starting together.
        tx.execute("SELECT pg_advisory_xact_lock(7419001)", &[])
            .await?;
        let done = tx
            .query_opt(
                "SELECT 1 FROM registry_migrations WHERE version = $1",
                &[version],
            )
            .await?
            .is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO registry_migrations (version, name) VALUES ($1, $2)",
                &[version, name],
            )
            .await?;
            applied.push(*version);
        }
        tx.commit().await?;
    }
    Ok(applied)
}

/// The newest migration applied, 0 for an empty database.
pub async fn schema_version(client: &Client) -> Result<i32> {
    let exists = client
        .query_one("SELECT to_regclass('registry_migrations') IS NOT NULL", &[])
        .await?
        .get::<_, bool>(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM registry_migrations",
            &[],
        )
        .await?
        .get(0))
}
