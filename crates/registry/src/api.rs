//! The HTTP API under `/api/v1/` (docs/registry-api.md). Segments authenticate themselves by
//! the site's signature; every national read needs a token or a registry user.

use crate::auth::{authenticate, create_token, Principal, Role};
use crate::error::{RegistryError, Result};
use crate::ingest::{ingest, Registry};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use custody_codes::serial::{normalize_manufacturer, normalize_serial};
use serde::Deserialize;
use tokio_postgres::types::ToSql;

pub fn router(reg: Registry) -> Router {
    Router::new()
        .route("/api/v1/segments", post(post_segment))
        .route("/api/v1/sites", get(sites))
        .route("/api/v1/sites/{site_id}/head", get(site_head))
        .route("/api/v1/items", get(items))
        .route("/api/v1/items/history", get(history))
        .route("/api/v1/alarms", get(alarms))
        .route("/api/v1/destructions", get(destructions))
        .route("/api/v1/handovers", get(handovers))
        .route("/api/v1/stock", get(stock))
        .route("/api/v1/intake", get(intake))
        .route("/api/v1/tokens", post(tokens))
        .layer(DefaultBodyLimit::disable())
        .with_state(reg.clone())
        .merge(crate::web::router(reg))
}

/// Runs `sql` (a SELECT) and answers its rows as one JSON array, built by PostgreSQL.
async fn json_rows(reg: &Registry, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Response> {
    let conn = reg.pool.get().await?;
    let wrapped = format!("SELECT coalesce(json_agg(t), '[]'::json)::text FROM ({sql}) t");
    let text: String = conn.query_one(&wrapped, params).await?.get(0);
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

async fn reader(reg: &Registry, headers: &HeaderMap) -> Result<Principal> {
    authenticate(&reg.pool, headers).await
}

async fn post_segment(
    State(reg): State<Registry>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let limit = reg.max_segment_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(size) = declared.filter(|&s| s > limit) {
        // A client sends the whole body before it reads the answer: refusing mid-upload would
        // reach it as a broken pipe, not as the typed 413. A body of moderate excess is read
        // and dropped first; a huge one is refused at once.
        let drain_cap = limit.saturating_mul(16).min(64 << 20);
        if size <= drain_cap {
            let _ = axum::body::to_bytes(body, drain_cap).await;
        }
        return Err(RegistryError::TooLarge { size, limit });
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| RegistryError::TooLarge {
            size: declared.unwrap_or(limit + 1),
            limit,
        })?;
    let cosignature = ingest(&reg, &bytes).await?;
    Ok((StatusCode::OK, Json(cosignature)).into_response())
}

async fn site_head(State(reg): State<Registry>, Path(site_id): Path<String>) -> Result<Response> {
    let conn = reg.pool.get().await?;
    let row = conn
        .query_opt(
            "SELECT head_seq, encode(head_hash, 'hex'), last_cosigned_seq FROM sites WHERE site_id = $1",
            &[&site_id],
        )
        .await?
        .ok_or_else(|| RegistryError::Unenrolled(site_id.clone()))?;
    let seq: i64 = row.get(0);
    let head: String = row.get(1);
    let cosigned: i64 = row.get(2);
    Ok(Json(serde_json::json!({"site_id": site_id, "seq": seq, "head": head, "last_cosigned_seq": cosigned})).into_response())
}

async fn sites(State(reg): State<Registry>, headers: HeaderMap) -> Result<Response> {
    reader(&reg, &headers).await?;
    json_rows(
        &reg,
        "SELECT s.site_id, s.name, s.key_id, s.enrolled_at, s.head_seq, s.last_push, s.last_cosigned_seq,
                (SELECT count(*) FROM alarms a WHERE a.site_id = s.site_id) AS alarms,
                (SELECT count(*) FROM items i WHERE i.site_id = s.site_id) AS items
         FROM sites s ORDER BY s.name, s.site_id",
        &[],
    )
    .await
}

#[derive(Deserialize)]
struct SerialQuery {
    serial: Option<String>,
    maker: Option<String>,
}

fn serial_of(q: &SerialQuery) -> Result<(String, Option<String>)> {
    let serial = q
        .serial
        .as_deref()
        .map(normalize_serial)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| RegistryError::BadRequest("give ?serial=".into()))?;
    let maker = q
        .maker
        .as_deref()
        .map(normalize_manufacturer)
        .filter(|m| !m.is_empty());
    Ok((serial, maker))
}

async fn items(
    State(reg): State<Registry>,
    headers: HeaderMap,
    Query(q): Query<SerialQuery>,
) -> Result<Response> {
    reader(&reg, &headers).await?;
    let (serial, maker) = serial_of(&q)?;
    json_rows(
        &reg,
        "SELECT i.site_id, s.name AS site_name, i.item_id, i.code, i.kind, i.serial, i.maker, i.model,
                i.weapon_type, i.country, i.origin, i.status, i.registered_time, i.status_time
         FROM items i JOIN sites s ON s.site_id = i.site_id
         WHERE i.serial_norm = $1 AND ($2::text IS NULL OR i.maker_norm = $2)
         ORDER BY i.registered_time, i.site_id, i.item_id",
        &[&serial, &maker],
    )
    .await
}

async fn history(
    State(reg): State<Registry>,
    headers: HeaderMap,
    Query(q): Query<SerialQuery>,
) -> Result<Response> {
    reader(&reg, &headers).await?;
    let (serial, maker) = serial_of(&q)?;
    json_rows(
        &reg,
        "WITH it AS (
             SELECT site_id, item_id, code, registered_seq FROM items
             WHERE serial_norm = $1 AND ($2::text IS NULL OR maker_norm = $2)),
         seqs AS (
             SELECT it.site_id, it.item_id, it.code, ie.seq FROM it
             JOIN item_events ie ON ie.site_id = it.site_id AND ie.item_id = it.item_id
             UNION ALL
             SELECT site_id, item_id, code, registered_seq FROM it)
         SELECT q.site_id, s.name AS site_name, q.item_id, q.code, e.seq, e.time, e.kind,
                e.payload::json AS payload
         FROM seqs q
         JOIN sites s ON s.site_id = q.site_id
         JOIN events e ON e.site_id = q.site_id AND e.seq = q.seq
         ORDER BY e.time, q.site_id, e.seq",
        &[&serial, &maker],
    )
    .await
}

async fn alarms(State(reg): State<Registry>, headers: HeaderMap) -> Result<Response> {
    reader(&reg, &headers).await?;
    let conn = reg.pool.get().await?;
    let text: String = conn
        .query_one(
            "SELECT json_build_object(
                'forks', (SELECT coalesce(json_agg(a ORDER BY a.id), '[]'::json) FROM alarms a),
                'overdue_handovers', (SELECT coalesce(json_agg(h ORDER BY h.dispatched_time), '[]'::json)
                                      FROM handovers_national h WHERE h.overdue),
                'diversions', (SELECT coalesce(json_agg(d ORDER BY d.serial_norm), '[]'::json)
                               FROM diversion_flags d))::text",
            &[],
        )
        .await?
        .get(0);
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn destructions(
    State(reg): State<Registry>,
    headers: HeaderMap,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    reader(&reg, &headers).await?;
    json_rows(
        &reg,
        "SELECT year, weapon_type, site_id, country, destroyed FROM destruction_totals
         WHERE $1::int IS NULL OR year = $1 ORDER BY year, site_id, weapon_type, country",
        &[&q.year],
    )
    .await
}

async fn handovers(State(reg): State<Registry>, headers: HeaderMap) -> Result<Response> {
    reader(&reg, &headers).await?;
    json_rows(
        &reg,
        "SELECT * FROM handovers_national ORDER BY dispatched_time, manifest_id",
        &[],
    )
    .await
}

async fn stock(State(reg): State<Registry>, headers: HeaderMap) -> Result<Response> {
    reader(&reg, &headers).await?;
    json_rows(
        &reg,
        "SELECT * FROM stock_per_site ORDER BY site_id, kind, weapon_type, status",
        &[],
    )
    .await
}

async fn intake(State(reg): State<Registry>, headers: HeaderMap) -> Result<Response> {
    reader(&reg, &headers).await?;
    json_rows(
        &reg,
        "SELECT * FROM intake_per_week ORDER BY week, site_id",
        &[],
    )
    .await
}

#[derive(Deserialize)]
struct TokenRequest {
    name: String,
    role: String,
}

async fn tokens(
    State(reg): State<Registry>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response> {
    let who = reader(&reg, &headers).await?;
    who.require_admin()?;
    let req: TokenRequest = serde_json::from_slice(&body).map_err(|e| {
        RegistryError::BadRequest(format!("expected {{\"name\":…,\"role\":…}}: {e}"))
    })?;
    let role = Role::parse(&req.role)?;
    let conn = reg.pool.get().await?;
    let token = create_token(&conn, &req.name, role).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({"token": token, "name": req.name, "role": role.as_str()})),
    )
        .into_response())
}

/// Serves until the future `shutdown` completes.
pub async fn serve(
    reg: Registry,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(reg))
        .with_graceful_shutdown(shutdown)
        .await
}
