//! The web pages for national inspectors and SALW commission staff (docs/registry-web.md):
//! server-rendered HTML (minijinja, HTML-escaped), charts drawn here as SVG (plotters), no
//! script and nothing fetched from outside, so the pages work on a closed network.
//!
//! Every page is behind a sign-in (registry users, Argon2id, lock-out after 5 wrong passwords);
//! every POST carries the session's CSRF token; every list is paginated; every chart reads a
//! kept aggregate (`agg_*`), never the items or events.

pub mod charts;
pub mod i18n;
pub mod pages;
pub mod report;
pub mod session;

use crate::auth::Role;
use crate::error::RegistryError;
use crate::ingest::Registry;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use i18n::Lang;
use minijinja::{Environment, Value};
use std::sync::OnceLock;

pub const SESSION_COOKIE: &str = "custody_session";
pub const LOGIN_CSRF_COOKIE: &str = "custody_login_csrf";
pub const LANG_COOKIE: &str = "custody_lang";
/// Rows per page of every list.
pub const PAGE_SIZE: i64 = 50;

pub fn router(reg: Registry) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/overview") }))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/overview", get(pages::overview))
        .route("/search", get(pages::search))
        .route("/alarms", get(pages::alarms))
        .route("/alarms/forks/{id}", get(pages::fork))
        .route("/sites", get(pages::sites))
        .route("/report", get(pages::report))
        .route("/report.csv", get(pages::report_csv))
        .route("/report.pdf", get(pages::report_pdf))
        .route("/users", get(pages::users))
        .route("/users/unlock", post(pages::unlock))
        .route("/static/style.css", get(style))
        .with_state(reg)
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("templates/style.css"),
    )
        .into_response()
}

/// A refusal shown as a page in the reader's language.
#[derive(Debug)]
pub enum WebError {
    /// No valid session: to the sign-in page.
    SignIn,
    /// A status and an English msgid (translated when shown).
    Page(StatusCode, &'static str),
    /// Boxed: a registry error is large and rare; pages pass `WebError` around by value.
    Registry(Box<RegistryError>),
}

impl From<RegistryError> for WebError {
    fn from(e: RegistryError) -> Self {
        WebError::Registry(Box::new(e))
    }
}

impl From<tokio_postgres::Error> for WebError {
    fn from(e: tokio_postgres::Error) -> Self {
        WebError::Registry(Box::new(e.into()))
    }
}

pub type WebResult<T> = std::result::Result<T, WebError>;

/// An error page needs the language; handlers attach it with `.map_err(|e| e.shown(lang))`.
pub struct Shown(pub WebError, pub Lang);

impl IntoResponse for Shown {
    fn into_response(self) -> Response {
        let Shown(err, lang) = self;
        let (status, message) = match err {
            WebError::SignIn => return Redirect::to("/login").into_response(),
            WebError::Page(status, msgid) => (status, lang.t(msgid)),
            WebError::Registry(e) => (e.status(), e.to_string()),
        };
        let ctx = minijinja::context! {
            lang => lang.code, status => status.as_u16(), message => message,
        };
        let body = render("error.html", ctx).unwrap_or_else(|_| "error".into());
        html(status, body)
    }
}

pub fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Nothing is loaded from elsewhere and no script runs; the pages are never framed.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("base.html", include_str!("templates/base.html")),
            ("macros.html", include_str!("templates/macros.html")),
            ("login.html", include_str!("templates/login.html")),
            ("overview.html", include_str!("templates/overview.html")),
            ("search.html", include_str!("templates/search.html")),
            ("alarms.html", include_str!("templates/alarms.html")),
            ("fork.html", include_str!("templates/fork.html")),
            ("sites.html", include_str!("templates/sites.html")),
            ("report.html", include_str!("templates/report.html")),
            ("users.html", include_str!("templates/users.html")),
            ("error.html", include_str!("templates/error.html")),
        ] {
            // The templates ship inside the binary; one that does not parse is a build defect
            // that the web tests catch on their first page.
            if let Err(e) = env.add_template(name, source) {
                eprintln!("template {name}: {e}");
            }
        }
        env.add_function("t", |state: &minijinja::State, msgid: &str| {
            lang_of(state).t(msgid)
        });
        env.add_function(
            "tf",
            |state: &minijinja::State, msgid: &str, args: minijinja::value::Rest<Value>| {
                let args: Vec<String> = args.iter().map(|v| v.to_string()).collect();
                let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                lang_of(state).tf(msgid, &refs)
            },
        );
        env.add_function(
            "tn",
            |state: &minijinja::State,
             singular: &str,
             plural: &str,
             n: i64,
             args: minijinja::value::Rest<Value>| {
                let args: Vec<String> = args.iter().map(|v| v.to_string()).collect();
                let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                lang_of(state).tn(singular, plural, n.unsigned_abs(), &refs)
            },
        );
        env.add_filter("num", |state: &minijinja::State, n: i64| {
            lang_of(state).number(n)
        });
        env
    })
}

fn lang_of(state: &minijinja::State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::by_code))
        .unwrap_or(i18n::ENGLISH)
}

pub fn render(name: &str, ctx: Value) -> WebResult<String> {
    let env = environment();
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| {
            WebError::Registry(Box::new(RegistryError::Internal(format!(
                "page {name}: {e}"
            ))))
        })
}

/// The reader's language: `?lang=` (remembered in a cookie), the cookie, the browser's
/// preference, English.
pub fn language(headers: &HeaderMap, query: &[(String, String)]) -> (Lang, Option<Lang>) {
    let asked = query
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::by_code(v));
    if let Some(l) = asked {
        return (l, Some(l));
    }
    let from_cookie = cookie(headers, LANG_COOKIE).and_then(|v| Lang::by_code(&v));
    let from_header = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept);
    (from_cookie.or(from_header).unwrap_or(i18n::ENGLISH), None)
}

/// One cookie's value from the request; malformed cookie headers are ignored.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| cookie::Cookie::split_parse(v.to_string()))
        .filter_map(|c| c.ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The query string as pairs; a malformed one is a 400.
pub fn query_pairs(raw: Option<&str>) -> WebResult<Vec<(String, String)>> {
    match raw {
        None => Ok(Vec::new()),
        Some(q) => serde_urlencoded::from_str(q)
            .map_err(|_| WebError::Page(StatusCode::BAD_REQUEST, "The address is malformed.")),
    }
}

pub fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `?page=N` (1 when absent); anything but a page number is a 400.
pub fn page_param(pairs: &[(String, String)], name: &str) -> WebResult<i64> {
    match param(pairs, name) {
        None | Some("") => Ok(1),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|&p| (1..=1_000_000).contains(&p))
            .ok_or(WebError::Page(
                StatusCode::BAD_REQUEST,
                "The page number is not valid.",
            )),
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Inspector => "Inspector",
        Role::Administrator => "Administrator",
    }
}

/// The documents' vocabulary (types, statuses, events) is lower case for running text; a
/// table cell or legend starts with a capital.
pub fn cap(s: String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}
