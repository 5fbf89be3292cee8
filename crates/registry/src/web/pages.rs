//! The page handlers. Each one: the reader's language, the session (or the sign-in page), a
//! few indexed or aggregate queries with LIMIT/OFFSET, one template.

use super::i18n::{Lang, LANGS};
use super::session::{self, Login, WebUser};
use super::{
    cap, charts, html, language, page_param, param, query_pairs, render, report, role_name, Shown,
    WebError, WebResult, LANG_COOKIE, LOGIN_CSRF_COOKIE, PAGE_SIZE, SESSION_COOKIE,
};
use crate::auth::Role;
use crate::ingest::Registry;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use custody_codes::serial::{normalize_manufacturer, normalize_serial};
use custody_docs::Words;
use minijinja::{context, Value};
use serde::Serialize;

/// What every page knows: language, reader, where it is.
struct Page {
    lang: Lang,
    remember: Option<Lang>,
    user: WebUser,
    path: &'static str,
    query: Vec<(String, String)>,
}

type PageResult = std::result::Result<Response, Shown>;

async fn begin(
    reg: &Registry,
    headers: &HeaderMap,
    raw: Option<String>,
    path: &'static str,
) -> std::result::Result<Page, Shown> {
    let pairs = query_pairs(raw.as_deref()).map_err(|e| Shown(e, super::i18n::ENGLISH))?;
    let (lang, remember) = language(headers, &pairs);
    let user = session::current(&reg.pool, headers)
        .await
        .map_err(|e| Shown(e, lang))?;
    Ok(Page {
        lang,
        remember,
        user,
        path,
        query: pairs,
    })
}

impl Page {
    fn fail(&self, e: impl Into<WebError>) -> Shown {
        Shown(e.into(), self.lang)
    }

    /// This page's address with `changes` applied to its query (None removes a parameter).
    fn url(&self, changes: &[(&str, Option<String>)]) -> String {
        let mut pairs: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| k != "lang" && !changes.iter().any(|(c, _)| c == k))
            .cloned()
            .collect();
        for (k, v) in changes {
            if let Some(v) = v {
                pairs.push((k.to_string(), v.clone()));
            }
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("{}?{q}", self.path),
            _ => self.path.to_string(),
        }
    }

    fn pager(&self, name: &str, page: i64, total: i64) -> Value {
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let link = |p: i64| self.url(&[(name, Some(p.to_string()))]);
        context! {
            page => page, pages => pages, total => total,
            prev => (page > 1).then(|| link(page - 1)),
            next => (page < pages).then(|| link(page + 1)),
        }
    }

    fn base(&self, nav: &str) -> Value {
        let langs: Vec<Value> = LANGS
            .iter()
            .map(|l| {
                context! {
                    code => l.code, name => l.name, current => l.code == self.lang.code,
                    url => self.url(&[("lang", Some(l.code.to_string()))]),
                }
            })
            .collect();
        context! {
            lang => self.lang.code, langs => langs, nav => nav,
            user => self.user.name.clone(), role => self.lang.t(role_name(self.user.role)),
            admin => self.user.role == Role::Administrator, csrf => self.user.csrf.clone(),
        }
    }

    fn show(&self, template: &str, nav: &str, ctx: Value) -> PageResult {
        let body =
            render(template, context! { ..self.base(nav), ..ctx }).map_err(|e| self.fail(e))?;
        let mut r = html(StatusCode::OK, body);
        if let Some(l) = self.remember {
            set_cookie(&mut r, &lang_cookie(l));
        }
        Ok(r)
    }

    fn time(&self, t: Option<DateTime<Utc>>) -> String {
        t.map(|t| self.lang.time(t)).unwrap_or_else(|| "—".into())
    }
}

fn set_cookie(r: &mut Response, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
}

fn lang_cookie(l: Lang) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        l.code
    )
}

fn form_pairs(body: &Bytes, lang: Lang) -> std::result::Result<Vec<(String, String)>, Shown> {
    serde_urlencoded::from_bytes(body).map_err(|_| {
        Shown(
            WebError::Page(StatusCode::BAD_REQUEST, "The form is malformed."),
            lang,
        )
    })
}

const CSRF_REFUSED: &str =
    "This form is out of date or did not come from this registry's pages. Reload the page and try again.";

fn check_csrf(user: &WebUser, form: &[(String, String)]) -> WebResult<()> {
    match param(form, "csrf") {
        Some(t) if session::same(t, &user.csrf) => Ok(()),
        _ => Err(WebError::Page(StatusCode::FORBIDDEN, CSRF_REFUSED)),
    }
}

// ---- sign-in ----

fn login_page(
    lang: Lang,
    remember: Option<Lang>,
    status: StatusCode,
    message: Option<String>,
    name: &str,
) -> PageResult {
    // Only refusals come with a 4xx; anything else is news, not an error.
    let notice = status.is_success();
    let token = session::random_hex(32);
    let langs: Vec<Value> = LANGS
        .iter()
        .map(|l| context! { code => l.code, name => l.name, current => l.code == lang.code, url => format!("/login?lang={}", l.code) })
        .collect();
    let body = render(
        "login.html",
        context! { lang => lang.code, langs => langs, csrf => token.clone(), message => message, notice => notice, name => name },
    )
    .map_err(|e| Shown(e, lang))?;
    let mut r = html(status, body);
    set_cookie(
        &mut r,
        &format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; Secure; SameSite=Strict"),
    );
    if let Some(l) = remember {
        set_cookie(&mut r, &lang_cookie(l));
    }
    Ok(r)
}

pub async fn login_form(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let pairs = query_pairs(raw.as_deref()).map_err(|e| Shown(e, super::i18n::ENGLISH))?;
    let (lang, remember) = language(&headers, &pairs);
    if session::current(&reg.pool, &headers).await.is_ok() {
        return Ok(Redirect::to("/overview").into_response());
    }
    let message = param(&pairs, "bye").map(|_| lang.t("You are signed out."));
    login_page(lang, remember, StatusCode::OK, message, "")
}

pub async fn login(State(reg): State<Registry>, headers: HeaderMap, body: Bytes) -> PageResult {
    let (lang, _) = language(&headers, &[]);
    let form = form_pairs(&body, lang)?;
    let expected = super::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    match param(&form, "csrf") {
        Some(t) if !expected.is_empty() && session::same(t, &expected) => {}
        _ => {
            return Err(Shown(
                WebError::Page(StatusCode::FORBIDDEN, CSRF_REFUSED),
                lang,
            ))
        }
    }
    let name = param(&form, "name").unwrap_or("");
    let password = param(&form, "password").unwrap_or("");
    match session::login(&reg.pool, name, password)
        .await
        .map_err(|e| Shown(e, lang))?
    {
        Login::Ok(token) => {
            let mut r = Redirect::to("/overview").into_response();
            set_cookie(
                &mut r,
                &format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict"),
            );
            set_cookie(&mut r, &format!("{LOGIN_CSRF_COOKIE}=; Path=/login; Max-Age=0"));
            Ok(r)
        }
        Login::Wrong => login_page(
            lang,
            None,
            StatusCode::UNAUTHORIZED,
            Some(lang.t("User name or password is wrong.")),
            name,
        ),
        Login::Locked(minutes) => login_page(
            lang,
            None,
            StatusCode::FORBIDDEN,
            Some(lang.tn(
                "This user is locked after 5 wrong passwords. Try again in {} minute, or ask an administrator to unlock it.",
                "This user is locked after 5 wrong passwords. Try again in {} minutes, or ask an administrator to unlock it.",
                minutes.unsigned_abs(),
                &[&lang.number(minutes)],
            )),
            name,
        ),
    }
}

pub async fn logout(State(reg): State<Registry>, headers: HeaderMap, body: Bytes) -> PageResult {
    let p = begin(&reg, &headers, None, "/logout").await?;
    let form = form_pairs(&body, p.lang)?;
    check_csrf(&p.user, &form).map_err(|e| p.fail(e))?;
    session::logout(&reg.pool, &headers)
        .await
        .map_err(|e| p.fail(e))?;
    let mut r = Redirect::to("/login?bye=1").into_response();
    set_cookie(
        &mut r,
        &format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"),
    );
    Ok(r)
}

// ---- overview ----

#[derive(Serialize)]
struct Row {
    cells: Vec<String>,
    link: Option<String>,
}

/// Stock: everything on record that is neither destroyed nor gone to another site.
const IN_STOCK: &str = "status NOT IN ('destroyed', 'transferred_out')";
/// Weeks the intake chart shows.
const INTAKE_WEEKS: i64 = 26;
/// Sites the stock chart shows (the largest); the sites page lists all.
const CHART_SITES: i64 = 20;

pub async fn overview(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/overview").await?;
    let l = p.lang;
    let conn = reg.pool.get().await.map_err(|e| p.fail(e))?;
    let totals = conn
        .query_one(
            &format!(
                "SELECT (SELECT coalesce(sum(items) FILTER (WHERE {IN_STOCK}), 0)::bigint FROM agg_stock),
                        (SELECT coalesce(sum(destroyed), 0)::bigint FROM agg_destroyed),
                        (SELECT count(*) FROM sites),
                        (SELECT count(*) FROM alarms)"
            ),
            &[],
        )
        .await
        .map_err(|e| p.fail(e))?;
    let (stock, destroyed, sites, forks): (i64, i64, i64, i64) =
        (totals.get(0), totals.get(1), totals.get(2), totals.get(3));

    // Destroyed per year, stacked by weapon type.
    let rows = conn
        .query(
            "SELECT year, weapon_type, sum(destroyed)::bigint FROM agg_destroyed
             GROUP BY 1, 2 ORDER BY 1, 2",
            &[],
        )
        .await
        .map_err(|e| p.fail(e))?;
    let mut years: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    years.dedup();
    let mut types: Vec<String> = rows.iter().map(|r| r.get(1)).collect();
    types.sort();
    types.dedup();
    let series: Vec<(String, Vec<i64>)> = types
        .iter()
        .map(|t| {
            let values = years
                .iter()
                .map(|y| {
                    rows.iter()
                        .find(|r| r.get::<_, i32>(0) == *y && r.get::<_, String>(1) == *t)
                        .map(|r| r.get::<_, i64>(2))
                        .unwrap_or(0)
                })
                .collect();
            (cap(l.document.item_type(t)), values)
        })
        .collect();
    let year_rows: Vec<Row> = years
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let mut cells = vec![y.to_string()];
            cells.extend(series.iter().map(|s| l.number(s.1[i])));
            cells.push(l.number(series.iter().map(|s| s.1[i]).sum()));
            Row {
                cells,
                link: Some(format!("/report?year={y}")),
            }
        })
        .collect();
    let year_heads: Vec<String> = series.iter().map(|s| s.0.clone()).collect();

    // Stock by site (the largest first).
    let site_rows = conn
        .query(
            &format!(
                "SELECT s.name, coalesce(sum(a.items) FILTER (WHERE a.{IN_STOCK}), 0)::bigint AS n
                 FROM sites s LEFT JOIN agg_stock a ON a.site_id = s.site_id
                 GROUP BY s.site_id, s.name ORDER BY n DESC, s.name LIMIT $1"
            ),
            &[&CHART_SITES],
        )
        .await
        .map_err(|e| p.fail(e))?;
    let by_site: Vec<(String, i64)> = site_rows.iter().map(|r| (r.get(0), r.get(1))).collect();

    // Intake per week: the last 26 weeks that end with the newest intake, gaps as zero.
    let week_rows = conn
        .query(
            "WITH last AS (SELECT max(week) AS w FROM agg_intake)
             SELECT week, sum(items)::bigint FROM agg_intake, last
             WHERE week > last.w - ($1::int * 7) GROUP BY week ORDER BY week",
            &[&(INTAKE_WEEKS as i32)],
        )
        .await
        .map_err(|e| p.fail(e))?;
    let mut weeks: Vec<(NaiveDate, i64)> = Vec::new();
    if let (Some(first), Some(last)) = (week_rows.first(), week_rows.last()) {
        let (mut d, end): (NaiveDate, NaiveDate) = (first.get(0), last.get(0));
        while d <= end {
            let n = week_rows
                .iter()
                .find(|r| r.get::<_, NaiveDate>(0) == d)
                .map(|r| r.get(1))
                .unwrap_or(0);
            weeks.push((d, n));
            d += chrono::Duration::days(7);
        }
    }
    let week_total: i64 = weeks.iter().map(|w| w.1).sum();

    let svg = |s: Option<String>| s.map(Value::from_safe_string);
    p.show(
        "overview.html",
        "overview",
        context! {
            stock => stock, destroyed => destroyed, sites => sites, forks => forks,
            years_chart => svg(charts::stacked_years(l, &years, &series)),
            year_heads => year_heads, year_rows => year_rows,
            sites_chart => svg(charts::site_bars(l, &by_site)),
            site_rows => by_site.iter().map(|(n, v)| Row { cells: vec![n.clone(), l.number(*v)], link: None }).collect::<Vec<_>>(),
            weeks_chart => svg(charts::weekly_bars(l, &weeks)),
            week_total => week_total, weeks => weeks.len(),
        },
    )
}

// ---- search ----

pub async fn search(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/search").await?;
    let l = p.lang;
    let serial_in = param(&p.query, "serial").unwrap_or("").trim().to_string();
    let maker_in = param(&p.query, "maker").unwrap_or("").trim().to_string();
    if serial_in.chars().count() > 200 || maker_in.chars().count() > 200 {
        return Err(p.fail(WebError::Page(
            StatusCode::BAD_REQUEST,
            "A serial or maker is at most 200 characters.",
        )));
    }
    let serial = normalize_serial(&serial_in);
    let maker = Some(normalize_manufacturer(&maker_in)).filter(|m| !m.is_empty());
    if serial.is_empty() {
        return p.show(
            "search.html",
            "search",
            context! { serial => serial_in, maker => maker_in, searched => false },
        );
    }
    let page = page_param(&p.query, "page").map_err(|e| p.fail(e))?;
    let hpage = page_param(&p.query, "hpage").map_err(|e| p.fail(e))?;
    let conn = reg.pool.get().await.map_err(|e| p.fail(e))?;
    let found: i64 = conn
        .query_one(
            "SELECT count(*) FROM items WHERE serial_norm = $1 AND ($2::text IS NULL OR maker_norm = $2)",
            &[&serial, &maker],
        )
        .await
        .map_err(|e| p.fail(e))?
        .get(0);
    let items: Vec<Row> = conn
        .query(
            "SELECT s.name, i.code, i.serial, i.maker, i.model, i.weapon_type, i.status,
                    i.registered_time, i.status_time
             FROM items i JOIN sites s ON s.site_id = i.site_id
             WHERE i.serial_norm = $1 AND ($2::text IS NULL OR i.maker_norm = $2)
             ORDER BY i.registered_time, i.site_id, i.item_id LIMIT $3 OFFSET $4",
            &[&serial, &maker, &PAGE_SIZE, &((page - 1) * PAGE_SIZE)],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| Row {
            cells: vec![
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                cap(l.document.item_type(r.get(5))),
                cap(l.document.status(r.get(6))),
                p.time(Some(r.get(7))),
                p.time(Some(r.get(8))),
            ],
            link: None,
        })
        .collect();
    // The events of those items at every site, in time order (the item-event index, no scan).
    let history_sql = "WITH it AS (
             SELECT site_id, item_id, code, registered_seq FROM items
             WHERE serial_norm = $1 AND ($2::text IS NULL OR maker_norm = $2)),
         seqs AS (
             SELECT it.site_id, it.code, ie.seq FROM it
             JOIN item_events ie ON ie.site_id = it.site_id AND ie.item_id = it.item_id
             UNION ALL
             SELECT site_id, code, registered_seq FROM it)";
    let events: i64 = conn
        .query_one(
            &format!("{history_sql} SELECT count(*) FROM seqs"),
            &[&serial, &maker],
        )
        .await
        .map_err(|e| p.fail(e))?
        .get(0);
    let history: Vec<Row> = conn
        .query(
            &format!(
                "{history_sql}
                 SELECT e.time, s.name, q.code, e.kind, e.seq, e.actor
                 FROM seqs q JOIN sites s ON s.site_id = q.site_id
                 JOIN events e ON e.site_id = q.site_id AND e.seq = q.seq
                 ORDER BY e.time, q.site_id, e.seq LIMIT $3 OFFSET $4"
            ),
            &[&serial, &maker, &PAGE_SIZE, &((hpage - 1) * PAGE_SIZE)],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| {
            let time: String = r.get(0);
            let shown = DateTime::parse_from_rfc3339(&time)
                .map(|t| l.time(t.with_timezone(&Utc)))
                .unwrap_or(time);
            Row {
                cells: vec![
                    shown,
                    r.get(1),
                    r.get(2),
                    cap(l.document.event(r.get(3))),
                    r.get::<_, i64>(4).to_string(),
                ],
                link: None,
            }
        })
        .collect();
    p.show(
        "search.html",
        "search",
        context! {
            serial => serial_in, maker => maker_in, searched => true,
            items => items, items_pager => p.pager("page", page, found), found => found,
            history => history, history_pager => p.pager("hpage", hpage, events), events => events,
        },
    )
}

// ---- alarms ----

/// A site that has not pushed for this long has stopped syncing.
pub const SILENT_DAYS: i32 = 7;

pub async fn alarms(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/alarms").await?;
    let l = p.lang;
    let fpage = page_param(&p.query, "fpage").map_err(|e| p.fail(e))?;
    let dpage = page_param(&p.query, "dpage").map_err(|e| p.fail(e))?;
    let opage = page_param(&p.query, "opage").map_err(|e| p.fail(e))?;
    let spage = page_param(&p.query, "spage").map_err(|e| p.fail(e))?;
    let off = |page: i64| (page - 1) * PAGE_SIZE;
    let conn = reg.pool.get().await.map_err(|e| p.fail(e))?;
    let counts = conn
        .query_one(
            "SELECT (SELECT count(*) FROM alarms),
                    (SELECT count(*) FROM dup_keys),
                    (SELECT count(*) FROM handovers_national WHERE overdue),
                    (SELECT count(*) FROM sites
                     WHERE last_push IS NULL OR last_push < now() - make_interval(days => $1::int))",
            &[&SILENT_DAYS],
        )
        .await
        .map_err(|e| p.fail(e))?;
    let forks: Vec<Row> = conn
        .query(
            "SELECT a.id, coalesce(s.name, a.site_id), a.seq, a.created_at FROM alarms a
             LEFT JOIN sites s ON s.site_id = a.site_id ORDER BY a.id DESC LIMIT $1 OFFSET $2",
            &[&PAGE_SIZE, &off(fpage)],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| {
            let id: i64 = r.get(0);
            Row {
                cells: vec![
                    r.get(1),
                    r.get::<_, Option<i64>>(2)
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    p.time(Some(r.get(3))),
                ],
                link: Some(format!("/alarms/forks/{id}")),
            }
        })
        .collect();
    let duplicates: Vec<Row> = conn
        .query(
            "SELECT d.serial_norm, d.maker_norm,
                    (SELECT string_agg(s.name, ', ' ORDER BY s.name) FROM sites s WHERE s.site_id = ANY (d.sites))
             FROM diversion_flags d ORDER BY d.serial_norm, d.maker_norm LIMIT $1 OFFSET $2",
            &[&PAGE_SIZE, &off(dpage)],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| {
            let serial: String = r.get(0);
            let q = serde_urlencoded::to_string([("serial", serial.as_str())]).unwrap_or_default();
            Row {
                cells: vec![serial.clone(), r.get(1), r.get::<_, Option<String>>(2).unwrap_or_default()],
                link: Some(format!("/search?{q}")),
            }
        })
        .collect();
    let overdue: Vec<Row> = conn
        .query(
            "SELECT h.code, coalesce(a.name, h.sender_site_id), coalesce(b.name, h.receiver_site_id, '—'),
                    h.dispatched_time, h.items
             FROM handovers_national h
             LEFT JOIN sites a ON a.site_id = h.sender_site_id
             LEFT JOIN sites b ON b.site_id = h.receiver_site_id
             WHERE h.overdue ORDER BY h.dispatched_time LIMIT $1 OFFSET $2",
            &[&PAGE_SIZE, &off(opage)],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| Row {
            cells: vec![
                r.get(0),
                r.get(1),
                r.get(2),
                p.time(Some(r.get(3))),
                l.number(r.get::<_, i32>(4).into()),
            ],
            link: None,
        })
        .collect();
    let silent: Vec<Row> = conn
        .query(
            "SELECT name, site_id, last_push FROM sites
             WHERE last_push IS NULL OR last_push < now() - make_interval(days => $3::int)
             ORDER BY last_push NULLS FIRST, name LIMIT $1 OFFSET $2",
            &[&PAGE_SIZE, &off(spage), &SILENT_DAYS],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| {
            let last: Option<DateTime<Utc>> = r.get(2);
            Row {
                cells: vec![
                    r.get(0),
                    r.get(1),
                    last.map(|t| l.time(t)).unwrap_or_else(|| l.t("never")),
                ],
                link: None,
            }
        })
        .collect();
    let c = |i: usize| counts.get::<_, i64>(i);
    p.show(
        "alarms.html",
        "alarms",
        context! {
            forks => forks, forks_pager => p.pager("fpage", fpage, c(0)),
            duplicates => duplicates, duplicates_pager => p.pager("dpage", dpage, c(1)),
            overdue => overdue, overdue_pager => p.pager("opage", opage, c(2)),
            silent => silent, silent_pager => p.pager("spage", spage, c(3)),
            silent_days => SILENT_DAYS,
        },
    )
}

pub async fn fork(
    State(reg): State<Registry>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/alarms").await?;
    let not_found = || {
        p.fail(WebError::Page(
            StatusCode::NOT_FOUND,
            "There is no such alarm.",
        ))
    };
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let conn = reg.pool.get().await.map_err(|e| p.fail(e))?;
    let row = conn
        .query_opt(
            "SELECT a.site_id, coalesce(s.name, ''), a.kind, a.seq, a.held_hash, a.offered_hash,
                    a.detail, a.created_at
             FROM alarms a LEFT JOIN sites s ON s.site_id = a.site_id WHERE a.id = $1",
            &[&id],
        )
        .await
        .map_err(|e| p.fail(e))?
        .ok_or_else(not_found)?;
    p.show(
        "fork.html",
        "alarms",
        context! {
            id => id, site_id => row.get::<_, String>(0), site => row.get::<_, String>(1),
            kind => row.get::<_, String>(2), seq => row.get::<_, Option<i64>>(3),
            held => row.get::<_, Option<String>>(4), offered => row.get::<_, Option<String>>(5),
            detail => row.get::<_, String>(6), created => p.time(Some(row.get(7))),
        },
    )
}

// ---- sites ----

pub async fn sites(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/sites").await?;
    let l = p.lang;
    let page = page_param(&p.query, "page").map_err(|e| p.fail(e))?;
    let conn = reg.pool.get().await.map_err(|e| p.fail(e))?;
    let total: i64 = conn
        .query_one("SELECT count(*) FROM sites", &[])
        .await
        .map_err(|e| p.fail(e))?
        .get(0);
    let rows: Vec<Row> = conn
        .query(
            "SELECT s.name, s.site_id, s.key_id, s.last_push, s.head_seq, s.last_cosigned_seq,
                    c.head, floor(extract(epoch FROM now() - s.last_push) / 86400)::bigint
             FROM sites s
             LEFT JOIN LATERAL (SELECT head FROM cosignatures k WHERE k.site_id = s.site_id
                                ORDER BY size DESC LIMIT 1) c ON true
             ORDER BY s.name, s.site_id LIMIT $1 OFFSET $2",
            &[&PAGE_SIZE, &((page - 1) * PAGE_SIZE)],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| {
            let head: i64 = r.get(4);
            let cosigned: i64 = r.get(5);
            let days: Option<i64> = r.get(7);
            let cosigned_head: Option<String> = r.get(6);
            Row {
                cells: vec![
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    p.time(r.get(3)),
                    l.number(head),
                    l.number(cosigned),
                    cosigned_head
                        .map(|h| h.chars().take(16).collect())
                        .unwrap_or_else(|| "—".into()),
                    l.number(head - cosigned),
                    days.map(|d| l.number(d)).unwrap_or_else(|| l.t("never")),
                ],
                link: None,
            }
        })
        .collect();
    p.show(
        "sites.html",
        "sites",
        context! { rows => rows, pager => p.pager("page", page, total) },
    )
}

// ---- yearly report ----

fn year_param(p: &Page, years: &[i32]) -> WebResult<Option<i32>> {
    match param(&p.query, "year") {
        None | Some("") => Ok(years.first().copied()),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=9999).contains(y))
            .map(Some)
            .ok_or(WebError::Page(
                StatusCode::BAD_REQUEST,
                "The year is not valid.",
            )),
    }
}

pub async fn report(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/report").await?;
    let l = p.lang;
    let years = report::years(&reg).await.map_err(|e| p.fail(e))?;
    let Some(year) = year_param(&p, &years).map_err(|e| p.fail(e))? else {
        return p.show(
            "report.html",
            "report",
            context! { year => Value::UNDEFINED, years => years },
        );
    };
    let f = report::figures(&reg, year).await.map_err(|e| p.fail(e))?;
    let by_country: Vec<Row> = f
        .by_country
        .iter()
        .map(|c| Row {
            cells: vec![
                c.country.clone(),
                cap(l.document.item_type(&c.item_type)),
                l.number(c.destroyed as i64),
            ],
            link: None,
        })
        .collect();
    let by_site: Vec<Row> = f
        .by_site
        .iter()
        .map(|s| Row {
            cells: vec![
                s.site_name.clone(),
                s.site_id.clone(),
                l.number(s.destroyed as i64),
            ],
            link: None,
        })
        .collect();
    let doc_langs: Vec<Value> = LANGS
        .iter()
        .map(|d| context! { code => d.code, name => d.name, current => d.code == l.code })
        .collect();
    p.show(
        "report.html",
        "report",
        context! {
            year => year, years => years, by_country => by_country, by_site => by_site,
            total => f.total, doc_langs => doc_langs,
        },
    )
}

async fn download_year(p: &Page, reg: &Registry) -> WebResult<i32> {
    let years = report::years(reg).await?;
    year_param(p, &years)?.ok_or(WebError::Page(
        StatusCode::NOT_FOUND,
        "No destruction is recorded yet.",
    ))
}

pub async fn report_csv(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/report.csv").await?;
    let year = download_year(&p, &reg).await.map_err(|e| p.fail(e))?;
    let text = report::csv(&reg, year).await.map_err(|e| p.fail(e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"destroyed-{year}.csv\""),
            ),
        ],
        text,
    )
        .into_response())
}

pub async fn report_pdf(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/report.pdf").await?;
    let year = download_year(&p, &reg).await.map_err(|e| p.fail(e))?;
    let doc_lang = match param(&p.query, "doc_lang") {
        None | Some("") => p.lang,
        Some(code) => Lang::by_code(code).ok_or_else(|| {
            p.fail(WebError::Page(
                StatusCode::BAD_REQUEST,
                "The document language is not one of the nine.",
            ))
        })?,
    };
    let bytes = report::pdf(&reg, year, doc_lang.document)
        .await
        .map_err(|e| p.fail(e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"destroyed-{year}-{}.pdf\"",
                    doc_lang.code
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---- users (administrators) ----

const ADMINS_ONLY: &str = "This page is for registry administrators.";

pub async fn users(
    State(reg): State<Registry>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let p = begin(&reg, &headers, raw, "/users").await?;
    if p.user.role != Role::Administrator {
        return Err(p.fail(WebError::Page(StatusCode::FORBIDDEN, ADMINS_ONLY)));
    }
    let page = page_param(&p.query, "page").map_err(|e| p.fail(e))?;
    let conn = reg.pool.get().await.map_err(|e| p.fail(e))?;
    let total: i64 = conn
        .query_one("SELECT count(*) FROM users", &[])
        .await
        .map_err(|e| p.fail(e))?
        .get(0);
    let rows: Vec<Value> = conn
        .query(
            "SELECT name, role, failed_logins,
                    failed_logins >= $3 AND last_failure > now() - make_interval(mins => $4::int)
             FROM users ORDER BY name LIMIT $1 OFFSET $2",
            &[
                &PAGE_SIZE,
                &((page - 1) * PAGE_SIZE),
                &session::MAX_FAILURES,
                &(session::LOCKOUT_MINUTES as i32),
            ],
        )
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|r| {
            let role = Role::parse(r.get(1)).map(role_name).unwrap_or("Inspector");
            context! {
                name => r.get::<_, String>(0), role => p.lang.t(role),
                failed => r.get::<_, i32>(2), locked => r.get::<_, Option<bool>>(3).unwrap_or(false),
            }
        })
        .collect();
    p.show(
        "users.html",
        "users",
        context! { rows => rows, pager => p.pager("page", page, total) },
    )
}

pub async fn unlock(State(reg): State<Registry>, headers: HeaderMap, body: Bytes) -> PageResult {
    let p = begin(&reg, &headers, None, "/users").await?;
    let form = form_pairs(&body, p.lang)?;
    check_csrf(&p.user, &form).map_err(|e| p.fail(e))?;
    if p.user.role != Role::Administrator {
        return Err(p.fail(WebError::Page(StatusCode::FORBIDDEN, ADMINS_ONLY)));
    }
    let name = param(&form, "name").unwrap_or("");
    if !session::unlock(&reg.pool, name)
        .await
        .map_err(|e| p.fail(e))?
    {
        return Err(p.fail(WebError::Page(
            StatusCode::NOT_FOUND,
            "There is no such user.",
        )));
    }
    Ok(Redirect::to("/users").into_response())
}
