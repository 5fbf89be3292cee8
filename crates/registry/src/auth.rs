//! Who may read the national data: registry users (Argon2id passwords, HTTP Basic) and API
//! tokens for machines (HTTP Bearer; only their SHA-256 is stored). Roles: `inspector` reads,
//! `administrator` also creates tokens.

use crate::db::Pool;
use crate::error::{RegistryError, Result};
use crate::web::session::Checked;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use axum::http::HeaderMap;
use base64::Engine as _;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Inspector,
    Administrator,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "inspector" => Ok(Role::Inspector),
            "administrator" => Ok(Role::Administrator),
            other => Err(RegistryError::BadRequest(format!(
                "unknown role '{other}': use inspector or administrator"
            ))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Inspector => "inspector",
            Role::Administrator => "administrator",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub name: String,
    pub role: Role,
}

impl Principal {
    pub fn require_admin(&self) -> Result<()> {
        match self.role {
            Role::Administrator => Ok(()),
            Role::Inspector => Err(RegistryError::Forbidden("administrator")),
        }
    }
}

pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < 12 {
        return Err(RegistryError::BadRequest(
            "a registry password needs at least 12 characters".into(),
        ));
    }
    let salt = SaltString::generate(&mut rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| RegistryError::Internal(format!("cannot hash the password: {e}")))
}

pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random API token (shown once; only its digest is stored).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    format!("crt_{}", hex::encode(bytes))
}

/// Adds a user, or resets their password and role; a reset also lifts a web lock-out.
pub async fn add_user(
    client: &tokio_postgres::Client,
    name: &str,
    password: &str,
    role: Role,
) -> Result<()> {
    if name.trim().is_empty() {
        return Err(RegistryError::BadRequest("the user needs a name".into()));
    }
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| RegistryError::Internal(e.to_string()))??;
    client
        .execute(
            "INSERT INTO users (name, password_hash, role) VALUES ($1,$2,$3)
             ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role,
                 failed_logins = 0, last_failure = NULL",
            &[&name.trim(), &hash, &role.as_str()],
        )
        .await?;
    Ok(())
}

pub async fn create_token(
    client: &tokio_postgres::Client,
    name: &str,
    role: Role,
) -> Result<String> {
    let token = new_token();
    client
        .execute(
            "INSERT INTO api_tokens (token_sha256, name, role) VALUES ($1,$2,$3)",
            &[&token_digest(&token), &name, &role.as_str()],
        )
        .await?;
    Ok(token)
}

/// Authenticates a request from its Authorization header.
pub async fn authenticate(pool: &Pool, headers: &HeaderMap) -> Result<Principal> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(RegistryError::NoCredentials)?;
    let conn = pool.get().await?;
    if let Some(token) = value.strip_prefix("Bearer ") {
        let row = conn
            .query_opt(
                "SELECT name, role FROM api_tokens WHERE token_sha256 = $1",
                &[&token_digest(token.trim())],
            )
            .await?
            .ok_or(RegistryError::BadToken)?;
        return Ok(Principal {
            name: row.get(0),
            role: Role::parse(row.get(1))?,
        });
    }
    if let Some(basic) = value.strip_prefix("Basic ") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or(RegistryError::BadPassword)?;
        let (name, password) = decoded.split_once(':').ok_or(RegistryError::BadPassword)?;
        drop(conn);
        // The same check and lock-out as the web pages' sign-in.
        return match crate::web::session::check_password(pool, name, password, "api").await? {
            Checked::Ok(role) => Ok(Principal {
                name: name.trim().to_string(),
                role,
            }),
            Checked::Wrong => Err(RegistryError::BadPassword),
            Checked::Locked(minutes) => Err(RegistryError::Locked(minutes)),
        };
    }
    Err(RegistryError::NoCredentials)
}
