//! The registry's web pages through a real headless Chromium (chromedriver, WebDriver) against
//! a real PostgreSQL holding real site ledgers: sign-in and lock-out, CSRF refusals, serial
//! search across sites, the overview's totals against the sites' own certificates, a fork and
//! a cross-site duplicate, the yearly report as CSV and as a sealed PDF. Screenshots of every
//! page in English and Serbian Cyrillic go to $CARGO_TARGET_DIR/tmp/registry-screens/.

mod common;
#[path = "common/sites.rs"]
mod sites;

use common::*;
use custody_core::{Ledger, WeaponType};
use custody_registry::auth::{add_user, Role};
use custody_registry::db::connect;
use fantoccini::{Client, Locator};
use sites::*;
use std::collections::BTreeMap;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN: (&str, &str) = ("ana.admin", "correct horse battery");
const INSPECTOR: (&str, &str) = ("ivo.inspector", "staple gun cartridge");
const SCREENS: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/registry-screens");

/// chromedriver on a free loopback port, ended when dropped. None outside CI when Chromium or
/// chromedriver is missing; in CI their absence fails the test.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver leads its own process group, and the browser it started is in it: a
        // test that fails before closing its session must not leave Chromium running.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_program(names: &[&str]) -> Option<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
            .map(|p| p.to_string_lossy().into_owned())
    })
}

fn chromium() -> Option<(String, String)> {
    let browser = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    match (browser, driver) {
        (Some(b), Some(d)) => Some((b, d)),
        _ => {
            let msg = "Chromium and chromedriver are needed for the registry web tests: \
                       apt-get install chromium chromium-driver (scripts/install-test-deps.sh)";
            if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
                panic!("{msg}");
            }
            eprintln!("SKIPPED (not in CI): {msg}");
            None
        }
    }
}

fn start_driver(program: &str) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Held in a Driver at once, so it is ended on every path, a panic below included.
    let driver = Driver {
        child: Command::new(program)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if ureq::get(&format!("{}/status", driver.url)).call().is_ok() {
            return driver;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("chromedriver did not answer on {}", driver.url);
}

async fn browser(driver: &Driver, binary: &str) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": binary,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=en", "--hide-scrollbars",
                     "--font-render-hinting=none",
                     // Its crash handler would outlive the browser in a process group of its own.
                     "--disable-crash-reporter", "--disable-breakpad"],
        }),
    );
    fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session through chromedriver")
}

async fn body_text(c: &Client) -> String {
    // A click that navigates may return before the new document has a body.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match c.find(Locator::Css("body")).await {
            Ok(b) => return b.text().await.unwrap(),
            Err(e) if Instant::now() > deadline => {
                panic!("no page: {e}; source: {:?}", c.source().await)
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Clicks and waits until the browser shows the next document in full.
async fn click(c: &Client, what: Locator<'_>) {
    c.execute("window.__custodyOld = true;", vec![])
        .await
        .unwrap();
    c.find(what).await.unwrap().click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let done = c
            .execute(
                "return window.__custodyOld === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if let Ok(serde_json::Value::Bool(true)) = done {
            return;
        }
        assert!(Instant::now() < deadline, "no new page after the click");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn sign_in(c: &Client, base: &str, (name, password): (&str, &str)) -> String {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=name]"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    click(c, Locator::Id("signin")).await;
    body_text(c).await
}

/// A PNG of the whole page: the window is made as tall as the page first.
async fn screenshot(c: &Client, name: &str) {
    let height = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900)
        .clamp(600, 4000) as u32;
    c.set_window_size(1280, height + 140).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(SCREENS).unwrap();
    std::fs::write(Path::new(SCREENS).join(format!("{name}.png")), png).unwrap();
    c.set_window_size(1280, 900).await.unwrap();
}

/// The `custody` binary beside this test's (built by `cargo test --workspace`, as CI runs).
/// Required in CI; outside it, the check through custody-docs above stands alone.
fn custody_cli() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let bin = exe.parent()?.parent()?.join("custody");
    if bin.is_file() {
        return Some(bin);
    }
    assert!(
        std::env::var("CI").map(|v| v != "true").unwrap_or(true),
        "{} is missing: CI runs cargo test --workspace, which builds it",
        bin.display()
    );
    eprintln!(
        "note: {} not built; custody verify-document not run",
        bin.display()
    );
    None
}

fn enroll(server: &Server, site: &Site, name: &str) {
    let key_file = site.dir.path().join("site.pub");
    std::fs::write(&key_file, site.ledger.public_key_export().unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_custody-registry"))
        .args(["site", "enroll", "--name", name, "--key-file"])
        .arg(&key_file)
        .env("DATABASE_URL", &server.db)
        .env(
            "CUSTODY_REGISTRY_KEY_FILE",
            server.key_dir.path().join("registry.key"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What `custody sync push` does.
async fn push(url: &str, ledger: &mut Ledger) -> Answer {
    let head = http(
        "GET",
        &format!("{url}/api/v1/sites/{}/head", ledger.site_id()),
        None,
        None,
    )
    .await;
    let held = head.json()["seq"].as_i64().unwrap();
    let (bytes, _, _) = ledger.export_segment(held + 1).unwrap();
    let answer = http("POST", &format!("{url}/api/v1/segments"), None, Some(bytes)).await;
    if answer.status == 200 {
        ledger
            .store_cosignature(&serde_json::from_str(&answer.body).unwrap())
            .unwrap();
    }
    answer
}

fn hash_at(ledger: &Ledger, seq: i64) -> String {
    let h: Vec<u8> = rusqlite::Connection::open(ledger.path())
        .unwrap()
        .query_row("SELECT hash FROM events WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();
    hex::encode(h)
}

/// One GET or POST with the browser's session cookie, redirects not followed.
fn fetch(url: &str, cookie: &str, form: Option<&[(&str, &str)]>) -> (u16, Vec<u8>, String) {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let result = match form {
        None => agent.get(url).set("Cookie", cookie).call(),
        Some(f) => agent.post(url).set("Cookie", cookie).send_form(f),
    };
    let r = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: {e}"),
    };
    let status = r.status();
    let ctype = r.header("content-type").unwrap_or("").to_string();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
    (status, body, ctype)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn inspectors_sign_in_search_see_alarms_and_download_the_sealed_yearly_report() {
    let Some(cluster) = cluster_url() else { return };
    let Some((chrome, chromedriver)) = chromium() else {
        return;
    };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    // Chromium keeps Secure cookies on http://localhost only (a secure context).
    let base = server.url.replace("127.0.0.1", "localhost");
    {
        let c = connect(&db).await.unwrap();
        add_user(&c, ADMIN.0, ADMIN.1, Role::Administrator)
            .await
            .unwrap();
        add_user(&c, INSPECTOR.0, INSPECTOR.1, Role::Inspector)
            .await
            .unwrap();
    }

    // Two depots: A destroys two rifles and a pistol and hands H-1 over to B; B destroys a
    // pistol; SHARED-9 is in store at both.
    let mut a = site(
        "Depot A",
        &[
            ("AK-1001", WeaponType::Rifle),
            ("AK-1002", WeaponType::Rifle),
            ("P-77", WeaponType::Pistol),
            ("SHARED-9", WeaponType::Rifle),
            ("H-1", WeaponType::Rifle),
            ("T-1", WeaponType::Pistol),
        ],
    );
    let mut b = site(
        "Depot B",
        &[("shared 9", WeaponType::Rifle), ("B-5", WeaponType::Pistol)],
    );
    let (codes_a, codes_b) = (a.codes.clone(), b.codes.clone());
    let batch_a = destroy(&mut a, &codes_a[0..3]);
    let batch_b = destroy(&mut b, &codes_b[1..2]);
    let manifest_h1 = hand_over(&mut a, &mut b, &codes_a[4..5]);
    // T-1 leaves A for B and B never signs for it.
    let stuck = a
        .ledger
        .handover_dispatch(
            &a.officer,
            &custody_core::HandoverDetails {
                sender: "Depot A".into(),
                receiver: "Depot B".into(),
                legal_basis: "Order 2/2026".into(),
                transport: "Van".into(),
                ..Default::default()
            },
            &codes_a[5..6],
        )
        .unwrap()
        .code;
    // What the sites' own certificates say, by type.
    let mut certified: BTreeMap<String, usize> = BTreeMap::new();
    for (s, batch) in [(&a, &batch_a), (&b, &batch_b)] {
        for i in s
            .ledger
            .destruction_document(&s.inspector, batch)
            .unwrap()
            .items
        {
            *certified.entry(i.item_type).or_default() += 1;
        }
    }
    let certified_total: usize = certified.values().sum();
    assert_eq!(certified_total, 4);

    // C pushes, then its ledger is copied: the copy writes a different next event and offers
    // it, which contradicts what the registry accepted from C (a fork).
    let mut c = site("Depot C", &[("C-1", WeaponType::Pistol)]);
    // D is enrolled and never pushes: a site that stopped syncing.
    let d = site("Depot D", &[]);
    for (s, n) in [
        (&a, "Depot A"),
        (&b, "Depot B"),
        (&c, "Depot C"),
        (&d, "Depot D"),
    ] {
        enroll(&server, s, n);
    }
    for s in [&mut a.ledger, &mut b.ledger, &mut c.ledger] {
        let answer = push(&server.url, s).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let fork_from = c.ledger.head().unwrap().0 + 1;
    let path_c = c.ledger.path().to_path_buf();
    drop(std::mem::replace(
        &mut c.ledger,
        Ledger::open(&path_c).unwrap(),
    ));
    let copy_dir = tempfile::tempdir().unwrap();
    let copy = copy_dir.path().join("site.db");
    rusqlite::Connection::open(c.ledger.path())
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    std::fs::copy(&path_c, &copy).unwrap();
    std::fs::copy(
        custody_core::keys::key_path_for(&path_c),
        custody_core::keys::key_path_for(&copy),
    )
    .unwrap();
    let mut c2 = Ledger::open(&copy).unwrap();
    c.ledger
        .register_weapon(
            &c.officer,
            weapon("C-2", WeaponType::Pistol),
            Some("Vault A"),
        )
        .unwrap();
    assert_eq!(push(&server.url, &mut c.ledger).await.status, 200);
    let officer2 = c2.authenticate("OFF", "642087").unwrap();
    c2.register_weapon(
        &officer2,
        weapon("C-OTHER", WeaponType::Rifle),
        Some("Vault A"),
    )
    .unwrap();
    let (bytes, _, _) = c2.export_segment(fork_from).unwrap();
    let refused = http(
        "POST",
        &format!("{}/api/v1/segments", server.url),
        None,
        Some(bytes),
    )
    .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (409, "fork"),
        "{}",
        refused.body
    );
    let (held, offered) = (hash_at(&c.ledger, fork_from), hash_at(&c2, fork_from));
    assert_ne!(held, offered);

    // Three weeks pass for that dispatch (the registry's copy of its time is moved back).
    connect(&db)
        .await
        .unwrap()
        .execute(
            "UPDATE handovers_out SET dispatched_time = now() - interval '21 days' WHERE code = $1",
            &[&stuck],
        )
        .await
        .unwrap();

    let driver = start_driver(&chromedriver);
    let web = browser(&driver, &chrome).await;
    let _ = std::fs::remove_dir_all(SCREENS);

    // Sign-in page, then five wrong passwords lock the inspector; the right one is refused too.
    web.goto(&format!("{base}/login?lang=en")).await.unwrap();
    screenshot(&web, "en-login").await;
    for n in 1..=5 {
        let text = sign_in(&web, &base, (INSPECTOR.0, "not the password!")).await;
        if n < 5 {
            assert!(
                text.contains("User name or password is wrong."),
                "{n}: {text}"
            );
        } else {
            assert!(text.contains("locked after 5 wrong passwords"), "{text}");
        }
    }
    let text = sign_in(&web, &base, INSPECTOR).await;
    assert!(text.contains("locked after 5 wrong passwords"), "{text}");
    screenshot(&web, "en-login-locked").await;

    // The administrator signs in, sees the lock and lifts it.
    let text = sign_in(&web, &base, ADMIN).await;
    assert!(text.contains("Overview"), "{text}");
    let session = web.get_named_cookie("custody_session").await.unwrap();
    let cookie = format!("custody_session={}", session.value());
    web.goto(&format!("{base}/users")).await.unwrap();
    let users = body_text(&web).await;
    assert!(
        users.contains(INSPECTOR.0) && users.contains("Unlock"),
        "{users}"
    );
    // Without its CSRF token the same form is refused (both from the page and from outside).
    let (status, body, _) = fetch(
        &format!("{base}/users/unlock"),
        &cookie,
        Some(&[("name", INSPECTOR.0)]),
    );
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("did not come from this registry"));
    let (status, _, _) = fetch(
        &format!("{base}/users/unlock"),
        &cookie,
        Some(&[("name", INSPECTOR.0), ("csrf", "0000")]),
    );
    assert_eq!(status, 403);
    web.execute(
        "document.querySelector('form[action=\"/users/unlock\"] input[name=csrf]').remove();",
        vec![],
    )
    .await
    .unwrap();
    click(&web, Locator::Css("form[action=\"/users/unlock\"] button")).await;
    let refused = body_text(&web).await;
    assert!(
        refused.contains("403") && refused.contains("did not come from this registry"),
        "{refused}"
    );
    screenshot(&web, "en-csrf-refused").await;
    web.goto(&format!("{base}/users")).await.unwrap();
    click(&web, Locator::Css("form[action=\"/users/unlock\"] button")).await;
    let users = body_text(&web).await;
    assert!(!users.contains("Unlock"), "{users}");
    screenshot(&web, "en-users").await;

    // Overview: the totals and the chart figures are what the certificates say.
    web.goto(&format!("{base}/overview")).await.unwrap();
    let destroyed = web
        .find(Locator::Id("total-destroyed"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(destroyed, certified_total.to_string());
    let table = web
        .find(Locator::Id("table-destroyed"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected_row = format!(
        "{year} {} {certified_total}",
        certified
            .values()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert!(
        table.contains(&expected_row),
        "{table} lacks {expected_row}"
    );
    for id in ["chart-destroyed", "chart-stock", "chart-intake"] {
        let svg = web.find(Locator::Css(&format!("#{id} svg"))).await.unwrap();
        let markup = svg.html(false).await.unwrap();
        assert!(
            markup.contains("<rect") || markup.contains("<polyline") || markup.contains("<path"),
            "{id}"
        );
    }
    // The destroyed chart labels each bar with its total and has a legend per type.
    let chart = web
        .find(Locator::Css("#chart-destroyed svg"))
        .await
        .unwrap()
        .html(false)
        .await
        .unwrap()
        .replace('\n', "");
    assert!(chart.contains(&format!(">{certified_total}<")), "{chart}");
    assert!(
        chart.contains(">Rifle<") && chart.contains(">Pistol<"),
        "{chart}"
    );
    // Stock: A holds SHARED-9 and T-1 (in transit; H-1 went to B); B holds shared 9 and H-1;
    // C holds C-1, C-2.
    let stock = web
        .find(Locator::Id("table-stock"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in ["Depot A 2", "Depot B 2", "Depot C 2", "Depot D 0"] {
        assert!(stock.contains(line), "{stock} lacks {line}");
    }
    screenshot(&web, "en-overview").await;

    // Serial search: H-1's whole history, at A and then at B.
    web.goto(&format!("{base}/search")).await.unwrap();
    web.find(Locator::Css("input[name=serial]"))
        .await
        .unwrap()
        .send_keys("h 1")
        .await
        .unwrap();
    click(&web, Locator::Id("search")).await;
    let items = web
        .find(Locator::Id("items"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        items.contains("Depot A") && items.contains("Depot B"),
        "{items}"
    );
    assert!(
        items.contains("Transferred out") || items.contains("transferred"),
        "{items}"
    );
    let history = web
        .find(Locator::Id("history"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at_a = history.find("Depot A").expect("events at A");
    let at_b = history.find("Depot B").expect("events at B");
    assert!(at_a < at_b, "registered at A before B saw it: {history}");
    assert!(history.lines().count() >= 5, "{history}");
    screenshot(&web, "en-search").await;

    // Alarms: the fork (opened: both hashes), the duplicate (opened: both sites), silent D.
    web.goto(&format!("{base}/alarms")).await.unwrap();
    let alarms = body_text(&web).await;
    assert!(
        alarms.contains("Forks: 1")
            && alarms.contains("Cross-site duplicates: 1")
            && alarms.contains("Overdue handovers: 1"),
        "{alarms}"
    );
    let overdue = web
        .find(Locator::Id("overdue"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        overdue.contains(&stuck) && overdue.contains("Depot A"),
        "{overdue}"
    );
    assert!(
        !overdue.contains(&manifest_h1),
        "an accepted handover is not overdue: {overdue}"
    );
    let silent = web
        .find(Locator::Id("silent"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        silent.contains("Depot D") && silent.contains("never"),
        "{silent}"
    );
    assert!(!silent.contains("Depot A"), "{silent}");
    screenshot(&web, "en-alarms").await;
    click(&web, Locator::Css("#forks a")).await;
    let fork = web
        .find(Locator::Id("fork"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        fork.contains("Depot C") && fork.contains(&held) && fork.contains(&offered),
        "{fork}"
    );
    assert!(fork.contains(&fork_from.to_string()), "{fork}");
    screenshot(&web, "en-fork").await;
    web.goto(&format!("{base}/alarms")).await.unwrap();
    click(&web, Locator::Css("#duplicates a")).await;
    let dup = web
        .find(Locator::Id("items"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dup.contains("Depot A") && dup.contains("Depot B"), "{dup}");
    assert!(
        dup.contains("SHARED-9") && dup.contains("shared 9"),
        "{dup}"
    );

    web.goto(&format!("{base}/sites")).await.unwrap();
    let sites_text = web
        .find(Locator::Id("sites"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for n in ["Depot A", "Depot B", "Depot C", "Depot D"] {
        assert!(sites_text.contains(n), "{sites_text}");
    }
    screenshot(&web, "en-sites").await;

    // The yearly report, its CSV and its sealed PDF.
    web.goto(&format!("{base}/report")).await.unwrap();
    let by_country = web
        .find(Locator::Id("by-country"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        by_country.contains(&format!("RS Rifle {}", certified["rifle"])),
        "{by_country}"
    );
    screenshot(&web, "en-report").await;
    let href = web
        .find(Locator::Id("csv"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let (status, csv, ctype) = fetch(&format!("{base}{href}"), &cookie, None);
    assert_eq!((status, ctype.as_str()), (200, "text/csv; charset=utf-8"));
    let csv = String::from_utf8(csv).unwrap();
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], year, "{line}");
        *by_type.entry(cells[2].to_string()).or_default() += cells[5].parse::<usize>().unwrap();
    }
    assert_eq!(by_type, certified, "{csv}");
    // A site that trusts the registry's key checks the PDF as `custody verify-document` does:
    // the ledger's trusted keys, then custody-docs' verify_pdf.
    let registry_pub = server.reg.key.verifying_key();
    a.ledger
        .trust_key(
            &a.admin,
            &hex::encode(registry_pub.as_bytes()),
            "Custody Registry",
        )
        .unwrap();
    let trusted: Vec<_> = a
        .ledger
        .trusted_public_keys()
        .unwrap()
        .iter()
        .map(|h| {
            let k = custody_core::keys::parse_public_key(h).unwrap();
            (custody_docs::KeyId::of(&k), k)
        })
        .collect();
    for lang in ["en", "sr-Cyrl", "sq", "mk", "hr"] {
        let (status, pdf, ctype) = fetch(
            &format!("{base}/report.pdf?year={year}&doc_lang={lang}"),
            &cookie,
            None,
        );
        assert_eq!((status, ctype.as_str()), (200, "application/pdf"), "{lang}");
        let v = custody_docs::verify_pdf(&pdf, &trusted)
            .unwrap_or_else(|e| panic!("{lang}: the registry's seal does not verify: {e}"));
        assert_eq!(v.seal.fields.counts, vec![certified_total as u64]);
        // Not accepted by a site that does not trust the registry.
        let own_only: Vec<_> = trusted.iter().take(1).cloned().collect();
        assert!(custody_docs::verify_pdf(&pdf, &own_only).is_err());
        std::fs::create_dir_all(SCREENS).unwrap();
        let file = Path::new(SCREENS).join(format!("report-{lang}.pdf"));
        std::fs::write(&file, &pdf).unwrap();
        // And the `custody` command itself, where the workspace's build put it.
        if let Some(custody) = custody_cli() {
            let run = |ledger: &Path| {
                Command::new(&custody)
                    .arg("verify-document")
                    .arg(&file)
                    .env("CUSTODY_DB", ledger)
                    .output()
                    .unwrap()
            };
            let ok = run(a.ledger.path());
            let said = String::from_utf8_lossy(&ok.stdout);
            assert!(
                ok.status.success() && said.starts_with("VERIFIED"),
                "{lang}: {said}{}",
                String::from_utf8_lossy(&ok.stderr)
            );
            let refused = run(b.ledger.path());
            assert_eq!(
                refused.status.code(),
                Some(1),
                "{lang}: B does not trust the registry"
            );
        }
    }

    // The same pages in Serbian Cyrillic, remembered from ?lang= in a cookie.
    web.goto(&format!("{base}/overview?lang=sr-Cyrl"))
        .await
        .unwrap();
    let text = body_text(&web).await;
    assert!(
        text.contains("Преглед") && text.contains("Уништено по годинама"),
        "{text}"
    );
    screenshot(&web, "sr-Cyrl-overview").await;
    for (path, name) in [
        ("/search?serial=H-1", "search"),
        ("/alarms", "alarms"),
        ("/alarms/forks/1", "fork"),
        ("/sites", "sites"),
        ("/report", "report"),
        ("/users", "users"),
    ] {
        web.goto(&format!("{base}{path}")).await.unwrap();
        let text = body_text(&web).await;
        assert!(
            text.contains("Одјава"),
            "{path} is not in Serbian Cyrillic: {text}"
        );
        screenshot(&web, &format!("sr-Cyrl-{name}")).await;
    }
    // Signing out ends the session: the old cookie no longer opens a page.
    click(&web, Locator::Id("logout")).await;
    screenshot(&web, "sr-Cyrl-login").await;
    let (status, _, _) = fetch(&format!("{base}/overview"), &cookie, None);
    assert_eq!(status, 303);
    web.close().await.unwrap();

    // The kept duplicate keys follow the sites: SHARED-9 destroyed at A clears the alarm, and
    // they always equal a grouping over the items themselves.
    let kept_equals_items = |db: String| async move {
        let c = connect(&db).await.unwrap();
        let differ: i64 = c
            .query_one(
                "SELECT count(*) FROM (
                   (SELECT serial_norm, maker_norm FROM dup_keys
                    EXCEPT SELECT serial_norm, maker_norm FROM items
                    WHERE status = 'in_store' AND kind = 'weapon' GROUP BY 1, 2
                    HAVING count(DISTINCT site_id) > 1)
                   UNION ALL
                   (SELECT serial_norm, maker_norm FROM items
                    WHERE status = 'in_store' AND kind = 'weapon' GROUP BY 1, 2
                    HAVING count(DISTINCT site_id) > 1
                    EXCEPT SELECT serial_norm, maker_norm FROM dup_keys)) d",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        let kept: i64 = c
            .query_one("SELECT count(*) FROM dup_keys", &[])
            .await
            .unwrap()
            .get(0);
        (differ, kept)
    };
    assert_eq!(kept_equals_items(db.clone()).await, (0, 1));
    destroy(&mut a, &codes_a[3..4]);
    assert_eq!(push(&server.url, &mut a.ledger).await.status, 200);
    assert_eq!(kept_equals_items(db.clone()).await, (0, 0));
}

/// Outside input that is not what a page expects gets a clear 4xx, never a crash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_cookies_fields_and_addresses_are_refused_plainly() {
    let Some(cluster) = cluster_url() else { return };
    let db = fresh_database(&cluster).await;
    let server = start_server(&db, None).await;
    let base = &server.url;
    {
        let c = connect(&db).await.unwrap();
        add_user(&c, ADMIN.0, ADMIN.1, Role::Administrator)
            .await
            .unwrap();
        add_user(&c, INSPECTOR.0, INSPECTOR.1, Role::Inspector)
            .await
            .unwrap();
    }
    let get = |path: &str, cookie: &str| {
        let url = format!("{base}{path}");
        let cookie = cookie.to_string();
        tokio::task::spawn_blocking(move || fetch(&url, &cookie, None))
    };
    // No session, a forged one, a malformed cookie header: to the sign-in page.
    for cookie in [
        "",
        "custody_session=00ff",
        "custody_session=zz;;;=",
        "custody_session=\"q\"; x",
    ] {
        let (status, _, _) = get("/overview", cookie).await.unwrap();
        assert_eq!(status, 303, "{cookie:?}");
    }
    // Sign in without a browser: the login CSRF cookie and field must match.
    let login = |form: Vec<(&'static str, String)>, cookie: String| {
        let url = format!("{base}/login");
        tokio::task::spawn_blocking(move || {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let agent = ureq::AgentBuilder::new().redirects(0).build();
            match agent.post(&url).set("Cookie", &cookie).send_form(&f) {
                Ok(r) => (r.status(), r.header("set-cookie").unwrap_or("").to_string()),
                Err(ureq::Error::Status(s, r)) => {
                    (s, r.header("set-cookie").unwrap_or("").to_string())
                }
                Err(e) => panic!("{e}"),
            }
        })
    };
    let no_csrf = login(
        vec![("name", ADMIN.0.into()), ("password", ADMIN.1.into())],
        String::new(),
    )
    .await
    .unwrap();
    assert_eq!(no_csrf.0, 403);
    let (status, cookie) = login(
        vec![
            ("name", ADMIN.0.into()),
            ("password", ADMIN.1.into()),
            ("csrf", "abc".into()),
        ],
        "custody_login_csrf=abc".into(),
    )
    .await
    .unwrap();
    assert_eq!(status, 303);
    let session = cookie.split(';').next().unwrap().to_string();
    assert!(
        session.starts_with("custody_session=") && session.len() > 60,
        "{cookie}"
    );
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("Secure")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    for (path, status) in [
        ("/overview", 200),
        ("/search?page=0&serial=x", 400),
        ("/search?serial=x&page=abc", 400),
        ("/alarms?fpage=-1", 400),
        ("/sites?page=99999999999", 400),
        ("/alarms/forks/notanumber", 404),
        ("/alarms/forks/424242", 404),
        ("/report?year=twenty", 400),
        ("/report.csv?year=2024", 200),
        ("/report.pdf?doc_lang=xx", 404),
        ("/users", 200),
    ] {
        let (got, body, _) = get(path, &session).await.unwrap();
        assert_eq!(got, status, "{path}: {}", String::from_utf8_lossy(&body));
    }
    let long = format!("/search?serial={}", "9".repeat(500));
    assert_eq!(get(&long, &session).await.unwrap().0, 400);
    // An inspector may not open the users page.
    let (_, cookie) = login(
        vec![
            ("name", INSPECTOR.0.into()),
            ("password", INSPECTOR.1.into()),
            ("csrf", "abc".into()),
        ],
        "custody_login_csrf=abc".into(),
    )
    .await
    .unwrap();
    let inspector = cookie.split(';').next().unwrap().to_string();
    assert_eq!(get("/users", &inspector).await.unwrap().0, 403);
    // A wrong password, an unknown user, an over-long one: the same 401 and nothing else.
    for (name, password) in [
        (ADMIN.0, "wrong wrong wrong"),
        ("nobody", "whatever at all"),
        (ADMIN.0, &"x".repeat(5000)[..]),
    ] {
        let (status, _) = login(
            vec![
                ("name", name.into()),
                ("password", password.to_string()),
                ("csrf", "abc".into()),
            ],
            "custody_login_csrf=abc".into(),
        )
        .await
        .unwrap();
        assert_eq!(status, 401, "{name}");
    }
    // The API's HTTP Basic shares the lock-out: five wrong there lock the pages' sign-in too.
    let basic = |password: &str| {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{password}", INSPECTOR.0))
        )
    };
    for n in 1..=5 {
        let a = http(
            "GET",
            &format!("{base}/api/v1/sites"),
            Some(&basic("wrong wrong wrong")),
            None,
        )
        .await;
        // The fifth wrong one is the one that locks, and says so.
        let expected = if n < 5 {
            (401, "bad_password")
        } else {
            (403, "locked")
        };
        assert_eq!((a.status, a.code().as_str()), expected, "attempt {n}");
    }
    let a = http(
        "GET",
        &format!("{base}/api/v1/sites"),
        Some(&basic(INSPECTOR.1)),
        None,
    )
    .await;
    assert_eq!((a.status, a.code().as_str()), (403, "locked"), "{}", a.body);
    let (status, _) = login(
        vec![
            ("name", INSPECTOR.0.into()),
            ("password", INSPECTOR.1.into()),
            ("csrf", "abc".into()),
        ],
        "custody_login_csrf=abc".into(),
    )
    .await
    .unwrap();
    assert_eq!(status, 403);
    // The administrator unlocks through the users page's form (its CSRF token read from it).
    let (_, page, _) = get("/users", &session).await.unwrap();
    let page = String::from_utf8(page).unwrap();
    let needle = "name=\"csrf\" value=\"";
    let at = page.find(needle).expect("a CSRF field") + needle.len();
    let csrf = page[at..at + 64].to_string();
    let unlock = {
        let url = format!("{base}/users/unlock");
        let session = session.clone();
        tokio::task::spawn_blocking(move || {
            fetch(
                &url,
                &session,
                Some(&[("name", INSPECTOR.0), ("csrf", csrf.as_str())]),
            )
        })
    };
    assert_eq!(unlock.await.unwrap().0, 303);
    let a = http(
        "GET",
        &format!("{base}/api/v1/sites"),
        Some(&basic(INSPECTOR.1)),
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);

    // The kept aggregates agree with a count over the items themselves.
    let c = connect(&db).await.unwrap();
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM (SELECT site_id, kind, weapon_type, status, count(*) AS n FROM items GROUP BY 1,2,3,4
               EXCEPT SELECT site_id, kind, weapon_type, status, items FROM agg_stock) d",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
}
