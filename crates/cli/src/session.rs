//! Where the ledger is, who is acting, and how PINs are obtained (environment or prompt, never
//! argv, so they do not end up in shell history or the process list).

use anyhow::{bail, Context as _, Result};
use custody_core::{Actor, Ledger};
use std::io::IsTerminal;
use std::path::PathBuf;

pub struct Context {
    pub db: PathBuf,
    acting: Option<String>,
}

/// The per-user default ledger: e.g. ~/.local/share/custody/custody.db on Linux.
pub fn default_db() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("custody")
        .join("custody.db")
}

/// A PIN from `var`, or typed at the terminal without echo.
pub fn read_pin(var: &str, prompt: &str) -> Result<String> {
    if let Ok(pin) = std::env::var(var) {
        return Ok(pin);
    }
    if !std::io::stdin().is_terminal() {
        bail!("{prompt}: set {var} in the environment (no terminal to ask on)");
    }
    rpassword::prompt_password(format!("{prompt}: ")).context("could not read the PIN")
}

impl Context {
    pub fn new(db: Option<PathBuf>, acting: Option<String>) -> Context {
        Context {
            db: db.unwrap_or_else(default_db),
            acting,
        }
    }

    /// Opens the ledger; what opening found (a loose key file) and a demo ledger are said on
    /// standard error every time, so no one mistakes a demo for a real site.
    pub fn open(&self) -> Result<Ledger> {
        let ledger = Ledger::open(&self.db)?;
        for w in ledger.warnings() {
            eprintln!("warning: {w}");
        }
        if ledger.is_demo()? {
            eprintln!(
                "DEMO LEDGER ({}): not a real site's records; it issues no sealed documents",
                self.db.display()
            );
        }
        Ok(ledger)
    }

    /// Opens the ledger and authenticates the `--as` person.
    pub fn login(&self) -> Result<(Ledger, Actor)> {
        let mut ledger = self.open()?;
        let Some(badge) = self.acting.as_deref() else {
            bail!("this command records who did it: add --as BADGE (or set CUSTODY_AS)");
        };
        let pin = read_pin("CUSTODY_PIN", &format!("PIN for badge {badge}"))?;
        let actor = ledger.authenticate(badge, &pin)?;
        Ok((ledger, actor))
    }
}
