//! Backups that verify, and restores that refuse what does not. A backup is taken with
//! SQLite's online backup API while kiosks keep writing (never a file copy, which could catch
//! a half-written page), checked with the same checks as `custody verify`, and described by a
//! small manifest. It is written under a temporary name and renamed only when complete and
//! verified, so an interrupted backup leaves nothing that `restore` accepts.
//!
//! Layout: `<dir>/custody-backup-<site id>-<UTC time>/ledger.db` and `MANIFEST`.

use crate::error::{CustodyError, Result};
use crate::ledger::{format_time, Ledger};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// First line of every backup manifest.
pub const MANIFEST_MAGIC: &str = "custody-backup/v1";
const LEDGER_FILE: &str = "ledger.db";
const MANIFEST_FILE: &str = "MANIFEST";

/// What a backup holds: enough to check the copy without opening the live ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: String,
    pub site_id: String,
    pub key_id: String,
    pub head_seq: i64,
    pub head_hash: String,
    pub time: String,
    /// SHA-256 (hex) of `ledger.db` as written.
    pub sha256: String,
    pub bytes: u64,
}

/// A finished backup: its folder and manifest.
#[derive(Debug, Clone)]
pub struct Backup {
    pub folder: PathBuf,
    pub manifest: BackupManifest,
}

fn sha256_file(path: &Path) -> Result<(String, u64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), total))
}

fn refused(path: &Path, why: impl Into<String>) -> CustodyError {
    CustodyError::BackupRefused {
        path: path.display().to_string(),
        why: why.into(),
    }
}

fn private_dir(path: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, crate::files::DIR_MODE);
    builder.create(path)?;
    Ok(())
}

/// Copies the open database `from` into a new private file `to` with SQLite's online backup
/// API (never a file copy, which could catch a half-written page), in steps of pages that
/// yield between them, so writers are not held up.
pub(crate) fn online_copy(from: &rusqlite::Connection, to: &Path) -> Result<()> {
    drop(crate::files::create_new_private(to)?);
    let mut dest = rusqlite::Connection::open(to)?;
    rusqlite::backup::Backup::new(from, &mut dest)?.run_to_completion(
        256,
        std::time::Duration::from_millis(5),
        None,
    )?;
    Ok(())
}

impl Ledger {
    /// Writes a verified backup into `dir` and returns it. `keep`, when given, removes this
    /// site's oldest backups in `dir` beyond that many (never the one just made).
    pub fn backup_to(&self, dir: &Path, keep: Option<usize>) -> Result<Backup> {
        std::fs::create_dir_all(dir)?;
        let time = format_time(self.now());
        let stamp = crate::ledger::file_stamp(&time);
        let name = format!("custody-backup-{}-{stamp}", self.site_id);
        crate::files::check_file_name(&name).map_err(|e| refused(dir, e.to_string()))?;
        let partial = dir.join(format!(".{name}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        private_dir(&partial)?;
        let result = self.backup_into(&partial, &time);
        let manifest = match result {
            Ok(m) => m,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&partial);
                return Err(e);
            }
        };
        let folder = dir.join(&name);
        std::fs::rename(&partial, &folder)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        if let Some(keep) = keep {
            prune(dir, &self.site_id, keep.max(1), &folder)?;
        }
        Ok(Backup { folder, manifest })
    }

    fn backup_into(&self, partial: &Path, time: &str) -> Result<BackupManifest> {
        let copy = partial.join(LEDGER_FILE);
        online_copy(&self.conn, &copy)?;
        // The copy is checked as `custody verify --full` checks a ledger: a copy has no
        // sidecar of its own to start from, and gets none.
        let (head_seq, head_hash) = {
            let copied = Ledger::open(&copy)?;
            let report = copied.verify_copy()?;
            if let Some(p) = report.problem {
                return Err(refused(
                    &copy,
                    format!(
                        "the copy does not verify (event {:?}: {}); the live ledger needs `custody verify`",
                        p.seq, p.what
                    ),
                ));
            }
            (report.events, report.head_hash)
        };
        let (sha256, bytes) = sha256_file(&copy)?;
        let manifest = BackupManifest {
            format: MANIFEST_MAGIC.into(),
            site_id: self.site_id.clone(),
            key_id: self.key_id()?,
            head_seq,
            head_hash,
            time: time.to_string(),
            sha256,
            bytes,
        };
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| CustodyError::Internal(format!("manifest encoding: {e}")))?;
        crate::files::save_in(partial, MANIFEST_FILE, text.as_bytes())?;
        Ok(manifest)
    }
}

/// Removes this site's backups in `dir` beyond the newest `keep` (names sort by time).
fn prune(dir: &Path, site_id: &str, keep: usize, just_made: &Path) -> Result<()> {
    let prefix = format!("custody-backup-{site_id}-");
    let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    for old in ours.into_iter().take(excess) {
        if old != just_made {
            std::fs::remove_dir_all(&old)?;
        }
    }
    Ok(())
}

/// Reads and checks a backup folder: manifest present and well formed, the ledger file's
/// SHA-256 as recorded, and the copy verifies with head as recorded.
pub fn check_backup(folder: &Path) -> Result<BackupManifest> {
    let manifest_path = folder.join(MANIFEST_FILE);
    let text = crate::files::read_limited(&manifest_path, 64 * 1024).map_err(|_| {
        refused(
            folder,
            "no MANIFEST: this is not a finished Custody backup (an interrupted one, or another folder)",
        )
    })?;
    let manifest: BackupManifest = serde_json::from_slice(&text)
        .map_err(|e| refused(folder, format!("the MANIFEST is damaged: {e}")))?;
    if manifest.format != MANIFEST_MAGIC {
        return Err(refused(
            folder,
            "the MANIFEST is not a custody-backup/v1 manifest",
        ));
    }
    let copy = folder.join(LEDGER_FILE);
    let (sha256, bytes) =
        sha256_file(&copy).map_err(|_| refused(folder, "the backup has no ledger.db"))?;
    if sha256 != manifest.sha256 || bytes != manifest.bytes {
        return Err(refused(
            folder,
            "ledger.db is not the file the backup wrote (its SHA-256 differs): it was changed or damaged",
        ));
    }
    // Open a scratch copy, so that checking never writes to the backup itself.
    let scratch = scratch_path();
    std::fs::copy(&copy, &scratch)?;
    let outcome = (|| {
        let l = Ledger::open(&scratch)?;
        let report = l.verify_copy()?;
        if let Some(p) = report.problem {
            return Err(refused(
                folder,
                format!("the copy does not verify: event {:?}: {}", p.seq, p.what),
            ));
        }
        if report.events != manifest.head_seq || report.head_hash != manifest.head_hash {
            return Err(refused(
                folder,
                "the copy's head is not the head in its MANIFEST",
            ));
        }
        if l.site_id() != manifest.site_id {
            return Err(refused(
                folder,
                "the copy belongs to another site than its MANIFEST says",
            ));
        }
        Ok(())
    })();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
    }
    outcome?;
    Ok(manifest)
}

/// A fresh scratch path in the system temporary folder (removed by the caller).
fn scratch_path() -> PathBuf {
    let mut nonce = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
    std::env::temp_dir().join(format!("custody-restore-check-{}.db", hex::encode(nonce)))
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub manifest: BackupManifest,
    /// Where the ledger that was in place went (kept aside, never deleted).
    pub set_aside: Option<PathBuf>,
}

/// Restores the backup in `folder` as the ledger at `db`. Refuses a backup that does not
/// check out, one of another site than the ledger in place, and one older than a signed
/// checkpoint the ledger in place holds (`newer_than_seq`, e.g. the registry's last cosigned
/// checkpoint, when one is known). The ledger in place is moved aside, never overwritten.
pub fn restore(folder: &Path, db: &Path, newer_than_seq: Option<i64>) -> Result<Restored> {
    let manifest = check_backup(folder)?;
    if let Some(seq) = newer_than_seq {
        if manifest.head_seq < seq {
            return Err(refused(
                folder,
                format!(
                    "the backup ends at event {}, before checkpoint {seq} that this site already signed and had witnessed; restoring it would erase history",
                    manifest.head_seq
                ),
            ));
        }
    }
    let mut set_aside = None;
    if db.exists() {
        if let Ok(live) = Ledger::open(db) {
            if live.site_id() != manifest.site_id {
                return Err(refused(
                    folder,
                    format!(
                        "the backup is of site {}, the ledger in place is site {}",
                        manifest.site_id,
                        live.site_id()
                    ),
                ));
            }
        }
        let stamp = crate::ledger::file_stamp(&format_time(chrono::Utc::now()));
        let aside = PathBuf::from(format!("{}.replaced-{stamp}", db.display()));
        std::fs::rename(db, &aside)?;
        // The verify sidecar is derived data of the ledger being replaced: dropped, not kept.
        let _ = std::fs::remove_file(crate::verified::path_for(db));
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", db.display()));
            if side.exists() {
                std::fs::rename(&side, format!("{}{suffix}", aside.display()))?;
            }
        }
        set_aside = Some(aside);
    }
    let bytes = std::fs::read(folder.join(LEDGER_FILE))?;
    crate::files::write_atomically(db, &bytes)?;
    Ok(Restored {
        manifest,
        set_aside,
    })
}
