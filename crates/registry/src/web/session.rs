//! Sign-in for the pages: registry users (Argon2id), a lock-out like the sites' (5 wrong
//! passwords in a row lock the user for 15 minutes; attempts while locked do not extend it),
//! sessions in a cookie whose SHA-256 alone is stored, a CSRF token per session.

use super::{cookie, WebError, WebResult, SESSION_COOKIE};
use crate::auth::{token_digest, Role};
use crate::db::Pool;
use crate::error::RegistryError;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use axum::http::HeaderMap;

/// Consecutive wrong passwords that lock a registry user, as at the sites.
pub const MAX_FAILURES: i32 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;
/// A session ends after this long without a page, and in any case after `SESSION_HOURS`.
pub const IDLE_MINUTES: i64 = 30;
pub const SESSION_HOURS: i64 = 12;
/// Longer fields are refused before any hashing (a password field is no upload channel).
const MAX_NAME: usize = 100;
const MAX_PASSWORD: usize = 1024;

#[derive(Debug, Clone)]
pub struct WebUser {
    pub name: String,
    pub role: Role,
    pub csrf: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Login {
    /// The new session's cookie value.
    Ok(String),
    Wrong,
    /// Locked for this many more minutes (at least 1).
    Locked(i64),
}

pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut b);
    hex::encode(b)
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The signed-in user of this request, if its session is live; touching it keeps it alive.
pub async fn current(pool: &Pool, headers: &HeaderMap) -> WebResult<WebUser> {
    let token = cookie(headers, SESSION_COOKIE).ok_or(WebError::SignIn)?;
    if token.len() != 64 {
        return Err(WebError::SignIn);
    }
    let conn = pool.get().await?;
    let row = conn
        .query_opt(
            "UPDATE web_sessions s SET last_seen = now() FROM users u
             WHERE s.token_sha256 = $1 AND u.name = s.user_name
               AND s.last_seen > now() - make_interval(mins => $2::int)
               AND s.created_at > now() - make_interval(hours => $3::int)
             RETURNING u.name, u.role, s.csrf",
            &[
                &token_digest(&token),
                &(IDLE_MINUTES as i32),
                &(SESSION_HOURS as i32),
            ],
        )
        .await?
        .ok_or(WebError::SignIn)?;
    Ok(WebUser {
        name: row.get(0),
        role: Role::parse(row.get(1))?,
        csrf: row.get(2),
    })
}

async fn record(
    conn: &tokio_postgres::Client,
    name: &str,
    channel: &str,
    outcome: &str,
) -> crate::Result<()> {
    conn.execute(
        "INSERT INTO web_logins (user_name, outcome) VALUES ($1, $2)",
        &[
            &name.chars().take(MAX_NAME).collect::<String>(),
            &format!("{channel}: {outcome}"),
        ],
    )
    .await?;
    Ok(())
}

/// What a name and password are worth.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    Ok(Role),
    Wrong,
    /// Locked for this many more minutes (at least 1).
    Locked(i64),
}

/// Checks a name and password for the pages and for the API's HTTP Basic alike, so both share
/// one lock-out. The attempt is counted and committed before Argon2 runs, so parallel guesses
/// see each other's failures; every attempt is kept in `web_logins` (`channel`: web or api).
pub async fn check_password(
    pool: &Pool,
    name: &str,
    password: &str,
    channel: &str,
) -> crate::Result<Checked> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || password.len() > MAX_PASSWORD {
        return Ok(Checked::Wrong);
    }
    let mut conn = pool.get().await?;
    let tx = conn.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT password_hash, failed_logins, role,
                    ceil(extract(epoch FROM (last_failure + make_interval(mins => $2::int) - now())) / 60)::bigint
             FROM users WHERE name = $1 FOR UPDATE",
            &[&name, &(LOCKOUT_MINUTES as i32)],
        )
        .await?;
    let Some(row) = row else {
        tx.commit().await?;
        record(&conn, name, channel, "unknown user").await?;
        // An unknown name costs the same hashing as a wrong password.
        verify(String::new(), password.to_string()).await?;
        return Ok(Checked::Wrong);
    };
    let stored: String = row.get(0);
    let failed: i32 = row.get(1);
    let role = Role::parse(row.get(2))?;
    let minutes_left: Option<i64> = row.get(3);
    let minutes_left = minutes_left.unwrap_or(0);
    if failed >= MAX_FAILURES && minutes_left > 0 {
        tx.commit().await?;
        record(&conn, name, channel, "attempt while locked").await?;
        return Ok(Checked::Locked(minutes_left));
    }
    // A lock that ran out starts a fresh count.
    let failures = if failed >= MAX_FAILURES {
        1
    } else {
        failed + 1
    };
    tx.execute(
        "UPDATE users SET failed_logins = $2, last_failure = now() WHERE name = $1",
        &[&name, &failures],
    )
    .await?;
    tx.commit().await?;
    if !verify(stored, password.to_string()).await? {
        record(&conn, name, channel, "wrong password").await?;
        return Ok(if failures >= MAX_FAILURES {
            Checked::Locked(LOCKOUT_MINUTES)
        } else {
            Checked::Wrong
        });
    }
    conn.execute(
        "UPDATE users SET failed_logins = 0, last_failure = NULL WHERE name = $1",
        &[&name],
    )
    .await?;
    record(&conn, name, channel, "signed in").await?;
    Ok(Checked::Ok(role))
}

/// Signs in to the pages: a new session when the password is right.
pub async fn login(pool: &Pool, name: &str, password: &str) -> WebResult<Login> {
    match check_password(pool, name, password, "web").await? {
        Checked::Wrong => Ok(Login::Wrong),
        Checked::Locked(m) => Ok(Login::Locked(m)),
        Checked::Ok(_) => {
            let conn = pool.get().await?;
            let token = random_hex(32);
            conn.execute(
                "INSERT INTO web_sessions (token_sha256, user_name, csrf) VALUES ($1, $2, $3)",
                &[&token_digest(&token), &name.trim(), &random_hex(32)],
            )
            .await?;
            // Sessions that ran out are cleared while we are here.
            conn.execute(
                "DELETE FROM web_sessions WHERE last_seen < now() - make_interval(hours => $1::int)",
                &[&(SESSION_HOURS as i32)],
            )
            .await?;
            Ok(Login::Ok(token))
        }
    }
}

/// A hash made once, to check unknown names against: one Argon2 run, as for a real user, so
/// the answer's timing does not tell which names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        crate::auth::hash_password("not-a-real-password-at-all").unwrap_or_default()
    })
}

async fn verify(stored: String, password: String) -> crate::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match PasswordHash::new(&stored) {
            Ok(_) => (stored.as_str(), true),
            Err(_) => (dummy_hash(), false),
        };
        let ok = PasswordHash::new(hash)
            .map(|p| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &p)
                    .is_ok()
            })
            .unwrap_or(false);
        real && ok
    })
    .await
    .map_err(|e| RegistryError::Internal(e.to_string()))
}

pub async fn logout(pool: &Pool, headers: &HeaderMap) -> WebResult<()> {
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        let conn = pool.get().await?;
        conn.execute(
            "DELETE FROM web_sessions WHERE token_sha256 = $1",
            &[&token_digest(&token)],
        )
        .await?;
    }
    Ok(())
}

/// Lifts a lock-out (administrators, from the users page).
pub async fn unlock(pool: &Pool, name: &str) -> WebResult<bool> {
    let conn = pool.get().await?;
    let n = conn
        .execute(
            "UPDATE users SET failed_logins = 0, last_failure = NULL WHERE name = $1",
            &[&name],
        )
        .await?;
    Ok(n == 1)
}
