//! Shared by the binary-driven scenario tests: run `custody` as a script would, read its output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_custody");

/// Runs `custody --db DB ARGS` with the acting PIN in the environment; witnesses' PINs are
/// typed on standard input when the command asks for them.
pub fn run(db: &Path, args: &[&str], pin: &str, witness_pins: Option<&str>) -> Output {
    run_with_env(db, args, pin, witness_pins, &[])
}

/// `destruction execute` of `batch` by OFF before the witnesses INS and WIT (their PINs are
/// `375298,375298`).
pub fn execute_args(batch: &str) -> [&str; 9] {
    [
        "--as",
        "OFF",
        "destruction",
        "execute",
        batch,
        "--witness",
        "INS",
        "--witness",
        "WIT",
    ]
}

/// [`run`] with extra environment variables.
pub fn run_with_env(
    db: &Path,
    args: &[&str],
    pin: &str,
    witness_pins: Option<&str>,
    env: &[(&str, &Path)],
) -> Output {
    let mut c = Command::new(BIN);
    c.envs(env.iter().copied());
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("CUSTODY_PIN", pin)
        .env("CUSTODY_NEW_PIN", "375298")
        .env_remove("CUSTODY_AS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("the custody binary runs");
    // Witnesses type their PINs when asked, one line each (comma-separated here).
    let lines: String = witness_pins
        .map(|p| p.split(',').map(|pin| format!("{pin}\n")).collect())
        .unwrap_or_default();
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(lines.as_bytes());
    }
    child.wait_with_output().expect("the custody binary runs")
}

/// Standard output and standard error together.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn ok(o: Output) -> String {
    assert!(o.status.success(), "command failed: {}", text(&o));
    text(&o)
}

/// The word after `prefix` in `out`.
pub fn word_after(out: &str, prefix: &str) -> String {
    let at = out
        .find(prefix)
        .unwrap_or_else(|| panic!("no '{prefix}' in {out}"))
        + prefix.len();
    out[at..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string()
}

pub struct Site {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    /// Custody codes of the rifles, in the order of `serials`.
    pub weapons: Vec<String>,
    pub serials: Vec<String>,
}

impl Site {
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// A depot with an administrator (ADM/731904), an officer (OFF/375298), two inspectors
/// (INS/375298, WIT/375298), two vaults and a Zastava M70 rifle in Vault A per serial.
pub fn depot(name: &str, serials: Vec<String>) -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("site.db");
    ok(run(
        &db,
        &[
            "init",
            "--site-name",
            name,
            "--admin-name",
            "Ana Admin",
            "--admin-badge",
            "ADM",
        ],
        "731904",
        None,
    ));
    for (person, badge, role) in [
        ("Oleg Officer", "OFF", "officer"),
        ("Ivo Inspector", "INS", "inspector"),
        ("Vesna Witness", "WIT", "inspector"),
    ] {
        ok(run(
            &db,
            &[
                "--as", "ADM", "user", "add", "--name", person, "--badge", badge, "--role", role,
            ],
            "731904",
            None,
        ));
    }
    for vault in ["Vault A", "Vault B"] {
        ok(run(
            &db,
            &["--as", "OFF", "location", "add", "--name", vault],
            "375298",
            None,
        ));
    }
    let weapons = serials
        .iter()
        .map(|serial| {
            let out = ok(run(
                &db,
                &[
                    "--as",
                    "OFF",
                    "weapon",
                    "add",
                    "--serial",
                    serial,
                    "--manufacturer",
                    "Zastava",
                    "--model",
                    "M70",
                    "--type",
                    "rifle",
                    "--location",
                    "Vault A",
                ],
                "375298",
                None,
            ));
            word_after(&out, "Registered weapon ")
        })
        .collect();
    Site {
        dir,
        db,
        weapons,
        serials,
    }
}

/// A refusal: exit code 1, the message names `needle`, and the ledger did not change.
pub fn refused(db: &Path, args: &[&str], pin: &str, witness_pins: Option<&str>, needle: &str) {
    let before = state(db);
    let o = run(db, args, pin, witness_pins);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(needle),
        "expected '{needle}' in: {}",
        text(&o)
    );
    assert_eq!(state(db), before, "a refused command changed the ledger");
}

/// Events other than sign-in bookkeeping, the ledger head, and the projection digests.
pub fn state(db: &Path) -> (i64, Vec<(&'static str, String)>) {
    let ledger = custody_core::Ledger::open(db).unwrap();
    let events: i64 = rusqlite::Connection::open(ledger.path())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM events WHERE kind NOT IN ('auth.failed', 'auth.attempt', 'auth.reset')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (events, ledger.projection_digests().unwrap())
}

/// `custody verify` passes and `custody rebuild` changes no projection.
pub fn verified_and_rebuildable(db: &Path) {
    assert!(ok(run(db, &["verify"], "", None)).starts_with("OK:"));
    let rebuilt = ok(run(db, &["--as", "ADM", "rebuild"], "731904", None));
    assert!(!rebuilt.contains("CHANGED"), "{rebuilt}");
}

/// `x`'s administrator trusts `y`'s site key under `name` (the key travels as a file).
pub fn trust(x: &Site, y: &Site, name: &str) {
    let key = y.file(&format!("{name}.pub"));
    let key = key.to_str().expect("path");
    ok(run(&y.db, &["keys", "export", "-o", key], "", None));
    ok(run(
        &x.db,
        &["--as", "ADM", "keys", "trust", key, "--name", name],
        "731904",
        None,
    ));
}

/// The officer creates a destruction batch on `authority`'s `decision`; its code.
pub fn new_batch(db: &Path, authority: &str, decision: &str) -> String {
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "create",
            "--authority",
            authority,
            "--decision",
            decision,
        ],
        "375298",
        None,
    ));
    word_after(&out, "Destruction batch ")
}

/// The inspector records how `batch` is destroyed on 2 March 2026: `method` with `equipment`
/// at `place`, then `more` (scrap weight, photos).
pub fn record_destruction(
    db: &Path,
    batch: &str,
    method: &str,
    equipment: &str,
    place: &str,
    more: &[&str],
) {
    let args = [
        "--as",
        "INS",
        "destruction",
        "record",
        batch,
        "--method",
        method,
        "--equipment",
        equipment,
        "--place",
        place,
        "--date",
        "2026-03-02",
    ];
    ok(run(db, &[&args[..], more].concat(), "375298", None));
}
