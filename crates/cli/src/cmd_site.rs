//! `custody backup`, `custody restore` and `custody doctor`: keeping a site's ledger safe for
//! the decades weapons records must be kept, and saying in words what a site PC lacks.

use crate::session::Context;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use custody_core::backup::{check_backup, restore, MANIFEST_MAGIC};
use custody_core::keys::key_path_for;
use custody_core::{CheckpointPolicy, Ledger};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// Folder to write the backup into (a second disk or a USB stick; not the ledger's disk)
    #[arg(long)]
    to: PathBuf,
    /// Keep only this many backups of this site in the folder (oldest removed first)
    #[arg(long)]
    keep: Option<usize>,
}

/// A consistent, verified copy while the kiosk keeps working (SQLite's online backup API).
pub fn backup(ctx: &Context, args: BackupArgs) -> Result<ExitCode> {
    let ledger = ctx.open()?;
    let b = ledger.backup_to(&args.to, args.keep)?;
    println!(
        "Backup verified and written to {}: {} events, head {}, SHA-256 {}",
        b.folder.display(),
        b.manifest.head_seq,
        b.manifest.head_hash,
        b.manifest.sha256
    );
    println!(
        "The site key is not in it: keep a copy of {} apart from this backup (see the guide).",
        key_path_for(ledger.path()).display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A backup folder written by `custody backup` (custody-backup-<site>-<time>)
    from: PathBuf,
    /// Refuse a backup that ends before this event (the registry's last cosigned checkpoint)
    #[arg(long)]
    not_before: Option<i64>,
}

/// Puts a verified backup in place; the ledger that was there is kept aside, never deleted.
pub fn restore_cmd(ctx: &Context, args: RestoreArgs) -> Result<ExitCode> {
    // The newest signed checkpoint the ledger in place holds, when it still opens: a restore
    // must never go back before history that was already signed.
    let signed = Ledger::open(&ctx.db)
        .ok()
        .filter(|l| l.verify().map(|r| r.is_intact()).unwrap_or(false))
        .and_then(|l| l.latest_checkpoint().ok())
        .map(|(seq, _)| seq);
    let floor = match (signed, args.not_before) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let r = restore(&args.from, &ctx.db, floor)?;
    if let Some(aside) = &r.set_aside {
        println!(
            "The ledger that was in place is kept as {}",
            aside.display()
        );
    }
    println!(
        "Restored {} ({} events, head {}); run `custody verify` and then check the site key is present",
        ctx.db.display(),
        r.manifest.head_seq,
        r.manifest.head_hash
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// The nightly backup folder, to check the age of the last backup
    #[arg(long)]
    backups: Option<PathBuf>,
    /// Warn when the last backup is older than this many hours
    #[arg(long, default_value_t = 36)]
    backup_max_hours: u64,
}

struct Findings {
    problems: usize,
    warnings: usize,
}

impl Findings {
    fn ok(&self, what: &str) {
        println!("ok       {what}");
    }
    fn warn(&mut self, what: &str) {
        self.warnings += 1;
        println!("WARNING  {what}");
    }
    fn problem(&mut self, what: &str) {
        self.problems += 1;
        println!("PROBLEM  {what}");
    }
}

fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: `c` is a valid NUL-terminated path and `st` a properly sized out-parameter.
        let rc = unsafe { libc::statvfs(c.as_ptr(), &mut st) };
        (rc == 0).then(|| st.f_bavail as u64 * st.f_frsize as u64)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Checks what a site needs and says what is wrong in words an administrator can act on.
/// Exit 0 when nothing is a problem (warnings allowed), 1 otherwise.
pub fn doctor(ctx: &Context, args: DoctorArgs) -> Result<ExitCode> {
    let mut f = Findings {
        problems: 0,
        warnings: 0,
    };
    let ledger = match Ledger::open(&ctx.db) {
        Ok(l) => l,
        Err(e) => {
            f.problem(&format!("the ledger cannot be opened: {e}"));
            println!("1 problem: fix it before anything else");
            return Ok(ExitCode::from(1));
        }
    };
    for w in ledger.warnings() {
        f.warn(&w.to_string());
    }
    match ledger.verify() {
        Ok(r) if r.is_intact() => f.ok(&format!(
            "ledger verifies: {} events, {} signed checkpoints, {} events not yet signed",
            r.events, r.checkpoints, r.unsigned_tail
        )),
        Ok(r) => {
            let p = r.problem.unwrap_or(custody_core::Problem {
                seq: None,
                what: "unknown".into(),
            });
            f.problem(&format!(
                "the ledger does NOT verify (event {:?}: {}); stop and call the administrator",
                p.seq, p.what
            ))
        }
        Err(e) => f.problem(&format!("verification could not run: {e}")),
    }
    let key = key_path_for(&ctx.db);
    if !key.exists() {
        f.problem(&format!(
            "the site key {} is missing: nothing can be signed; restore it from the key backup",
            key.display()
        ));
    } else {
        let mode = custody_core::files::mode_of(&key);
        if mode & 0o077 != 0 {
            f.problem(&format!(
                "the site key {} is readable by others (mode {mode:o}); run: chmod 600 {}",
                key.display(),
                key.display()
            ));
        } else {
            f.ok("site key present, matches the ledger, readable by its owner only");
        }
    }
    match free_bytes(&ctx.db) {
        Some(b) if b < 1 << 30 => f.problem(&format!(
            "only {} MiB free on the ledger's disk: free space before the disk fills (nothing is recorded on a full disk)",
            b >> 20
        )),
        Some(b) if b < 5 << 30 => f.warn(&format!("{} MiB free on the ledger's disk", b >> 20)),
        Some(b) => f.ok(&format!("{} GiB free on the ledger's disk", b >> 30)),
        None => f.warn("free disk space could not be read"),
    }
    match &args.backups {
        None => f.warn(
            "no backup folder given (--backups DIR): the age of the last backup is not checked",
        ),
        Some(dir) => {
            let newest = std::fs::read_dir(dir)
                .ok()
                .into_iter()
                .flatten()
                .filter_map(|e| e.ok())
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(&format!("custody-backup-{}-", ledger.site_id()))
                })
                .filter_map(|e| check_backup(&e.path()).ok())
                .max_by(|a, b| a.time.cmp(&b.time));
            match newest {
                None => f.problem(&format!(
                    "no verified backup of this site in {}: run custody backup --to {}",
                    dir.display(),
                    dir.display()
                )),
                Some(m) => {
                    let age = chrono::DateTime::parse_from_rfc3339(&m.time)
                        .map(|t| chrono::Utc::now() - t.with_timezone(&chrono::Utc))
                        .ok();
                    match age {
                        Some(a) if a.num_hours() as u64 > args.backup_max_hours => f.warn(
                            &format!("the last verified backup is {} hours old", a.num_hours()),
                        ),
                        _ => f.ok(&format!(
                            "last verified backup {} ({} events, {})",
                            m.time, m.head_seq, MANIFEST_MAGIC
                        )),
                    }
                }
            }
        }
    }
    let scanners: Vec<String> = std::fs::read_dir("/dev")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("custody-scanner-") || n.starts_with("ttyACM"))
        .collect();
    if scanners.is_empty() {
        f.warn("no USB serial scanner found (/dev/custody-scanner-*, /dev/ttyACM*); keyboard-mode scanners still work in the kiosk");
    } else {
        f.ok(&format!("scanners: {}", scanners.join(", ")));
    }
    match std::process::Command::new("lpstat").arg("-r").output() {
        Ok(o)
            if o.status.success() && String::from_utf8_lossy(&o.stdout).contains("is running") =>
        {
            f.ok("the print system is running")
        }
        Ok(_) => f.warn(
            "the print system (CUPS) is not running: documents are saved as PDF but not printed",
        ),
        Err(_) => {
            f.warn("no print system on this PC (lpstat not found): documents are saved as PDF only")
        }
    }
    // A clock that went backwards makes later events look earlier than those before them.
    let last_time = ledger.last_event_time()?;
    let now = chrono::Utc::now();
    match last_time.and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok()) {
        Some(t) if t.with_timezone(&chrono::Utc) > now + chrono::Duration::minutes(2) => f.problem(&format!(
            "the PC's clock ({}) is behind the newest event ({t}): set the clock right before recording anything",
            now.format("%Y-%m-%d %H:%M UTC")
        )),
        _ => f.ok(&format!("clock {} is not behind the ledger", now.format("%Y-%m-%d %H:%M UTC"))),
    }
    println!("{} problem(s), {} warning(s)", f.problems, f.warnings);
    Ok(if f.problems > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Subcommand, Debug)]
pub enum SiteCommand {
    /// The site, its key id, its checkpoint policy and the events no signature covers yet
    Show,
    /// How often the ledger signs its own head (administrator; recorded as site settings).
    /// A value left out stays as it is.
    CheckpointPolicy {
        /// Sign after at most this many unsigned events (1 to 10000)
        #[arg(long)]
        every_events: Option<u64>,
        /// Sign at the first write this many minutes after the last checkpoint (1 to 1440)
        #[arg(long)]
        every_minutes: Option<u64>,
    },
}

pub fn site(ctx: &Context, cmd: SiteCommand) -> Result<ExitCode> {
    match cmd {
        SiteCommand::Show => {
            let ledger = ctx.open()?;
            println!("site: {} ({})", ledger.site_name()?, ledger.site_id());
            println!("key id: {}", ledger.key_id()?);
            print_window(&ledger)?;
        }
        SiteCommand::CheckpointPolicy {
            every_events,
            every_minutes,
        } => {
            if every_events.is_none() && every_minutes.is_none() {
                bail!("give --every-events N, --every-minutes M or both");
            }
            let (mut ledger, admin) = ctx.login()?;
            let current = ledger.checkpoint_policy()?;
            let policy = CheckpointPolicy::new(
                every_events.unwrap_or(u64::from(current.every_events)),
                every_minutes.unwrap_or(u64::from(current.every_minutes)),
            )?;
            let written = ledger.set_checkpoint_policy(&admin, policy)?;
            match written.as_slice() {
                [] => println!("The checkpoint policy was already this; nothing recorded."),
                seqs => println!(
                    "Checkpoint policy recorded (event {}).",
                    seqs.iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
            print_window(&ledger)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The checkpoint policy, as `site show` and `verify` say it.
pub fn print_policy(ledger: &Ledger) -> Result<()> {
    let p = ledger.checkpoint_policy()?;
    println!(
        "checkpoint policy: the ledger signs its head after at most {} unsigned events, or at the first write {} minutes after the last checkpoint",
        p.every_events, p.every_minutes
    );
    Ok(())
}

/// The policy and the unsigned tail it bounds.
fn print_window(ledger: &Ledger) -> Result<()> {
    print_policy(ledger)?;
    let tail = ledger.unsigned_tail()?;
    match &tail.since {
        Some(since) if tail.events > 0 => println!(
            "not yet covered by a signature: {} events (since {since})",
            tail.events
        ),
        _ => println!("not yet covered by a signature: none"),
    }
    Ok(())
}
