//! Every refusal the registry gives: a typed error with an HTTP status, a stable code and a
//! message that names what was wrong.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use custody_core::sync::SegmentError;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{0}")]
    Segment(#[from] SegmentError),
    #[error("site {0} is not enrolled at this registry")]
    Unenrolled(String),
    #[error("segment is {size} bytes, more than the {limit} a segment may have; push more often or with --from")]
    TooLarge { size: usize, limit: usize },
    #[error("the registry holds site {site} up to event {held}; this segment starts at {first}: send the events from {next} on", next = held + 1)]
    Gap { site: String, held: i64, first: i64 },
    #[error("fork: site {site} event {seq} has hash {offered} in this segment but {held} in the history the registry already accepted; refused and recorded as alarm {alarm}")]
    Fork {
        site: String,
        seq: i64,
        held: String,
        offered: String,
        alarm: i64,
    },
    #[error("site {site}: {what}")]
    WrongSite { site: String, what: String },
    #[error("site {0} is already enrolled")]
    AlreadyEnrolled(String),
    #[error("authentication required: send an API token (Authorization: Bearer) or a registry user (Basic)")]
    NoCredentials,
    #[error("the API token is not valid")]
    BadToken,
    #[error("user name or password is wrong")]
    BadPassword,
    #[error("this user is locked after 5 wrong passwords in a row; try again in {0} minutes or ask an administrator")]
    Locked(i64),
    #[error("this needs the {0} role")]
    Forbidden(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error(
        "the database is unavailable or failed: {0}; nothing of this request was stored, try again"
    )]
    Database(String),
    #[error("{0}")]
    Internal(String),
}

impl From<tokio_postgres::Error> for RegistryError {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => RegistryError::Database(format!("{}: {}", db.code().code(), db.message())),
            None => RegistryError::Database(e.to_string()),
        }
    }
}

impl RegistryError {
    pub fn status(&self) -> StatusCode {
        use RegistryError::*;
        match self {
            Segment(_) => StatusCode::BAD_REQUEST,
            Unenrolled(_) => StatusCode::FORBIDDEN,
            TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Gap { .. } | Fork { .. } | AlreadyEnrolled(_) => StatusCode::CONFLICT,
            WrongSite { .. } => StatusCode::FORBIDDEN,
            NoCredentials | BadToken | BadPassword => StatusCode::UNAUTHORIZED,
            Locked(_) => StatusCode::FORBIDDEN,
            Forbidden(_) => StatusCode::FORBIDDEN,
            BadRequest(_) => StatusCode::BAD_REQUEST,
            NotFound(_) => StatusCode::NOT_FOUND,
            Database(_) => StatusCode::SERVICE_UNAVAILABLE,
            Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        use RegistryError::*;
        match self {
            Segment(SegmentError::Truncated(_)) => "segment_truncated",
            Segment(SegmentError::Malformed(_)) => "segment_malformed",
            Segment(SegmentError::BadEvent { .. }) => "segment_bad_event",
            Segment(SegmentError::NoCheckpoint) => "segment_no_checkpoint",
            Segment(SegmentError::BadSignature { .. }) => "segment_bad_signature",
            Segment(SegmentError::Empty) => "segment_empty",
            Unenrolled(_) => "site_not_enrolled",
            TooLarge { .. } => "segment_too_large",
            Gap { .. } => "segment_gap",
            Fork { .. } => "fork",
            WrongSite { .. } => "wrong_site",
            AlreadyEnrolled(_) => "already_enrolled",
            NoCredentials => "no_credentials",
            BadToken => "bad_token",
            BadPassword => "bad_password",
            Locked(_) => "locked",
            Forbidden(_) => "forbidden",
            BadRequest(_) => "bad_request",
            NotFound(_) => "not_found",
            Database(_) => "database_unavailable",
            Internal(_) => "internal",
        }
    }
}

impl IntoResponse for RegistryError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": self.code(), "message": self.to_string()});
        (self.status(), axum::Json(body)).into_response()
    }
}

pub type Result<T> = std::result::Result<T, RegistryError>;
