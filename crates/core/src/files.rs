//! The only way Custody writes a file where a person or a bundle chose the place (a USB stick,
//! an `-o` path, a documents folder), and reads a file that came from outside.
//!
//! A courier's stick is hostile ground: a symlink planted there must never lead a write into
//! the site's own ledger or key, and a name taken from a bundle must never climb out of the
//! folder. So every write goes to a fresh temporary file opened create-new and no-follow with
//! mode 0600, is synced, and is renamed over the chosen name (a rename replaces a planted link
//! instead of following it); file names are built only from validated codes; reads of outside
//! files stop at a size limit before they take memory (docs/SECURITY.md).

use crate::error::CustodyError;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Mode of every file Custody writes: the owner (the custody user) only.
pub const FILE_MODE: u32 = 0o600;
/// Mode of a folder Custody creates for a ledger.
pub const DIR_MODE: u32 = 0o700;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is larger than the {limit} bytes such a file may have; refused before reading it"
    )]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("'{0}' cannot be a file name: names are built only from Custody codes and plain words (letters, digits, '-', '_', '.')")]
    BadName(String),
}

impl From<FileError> for CustodyError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Write { source, .. } | FileError::Read { source, .. }
                if source.raw_os_error() == Some(28) =>
            {
                CustodyError::DiskFull
            }
            other => CustodyError::File(other.to_string()),
        }
    }
}

/// Opens a new file for writing: never follows a symlink, never opens an existing file,
/// readable and writable by the owner only.
pub fn create_new_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// A file name is one path component of plain characters: no separators, no `..`, no leading
/// dot, no control characters. Names built from validated codes always pass.
pub fn check_file_name(name: &str) -> std::result::Result<(), FileError> {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if name.is_empty() || name.len() > 200 || !plain || name.starts_with('.') {
        return Err(FileError::BadName(name.escape_default().to_string()));
    }
    Ok(())
}

fn temporary_name(name: &str) -> String {
    let mut nonce = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
    format!(".{name}.{}.partial", hex::encode(nonce))
}

/// Writes `bytes` as `dir/name` so that the named file is either complete or absent (a full
/// stick, a stick pulled mid-write) and nothing already on the stick is ever written through:
/// a fresh temporary file (random name, create-new, no-follow, 0600), synced, then renamed.
pub fn save_in(dir: &Path, name: &str, bytes: &[u8]) -> std::result::Result<PathBuf, FileError> {
    check_file_name(name)?;
    write_atomically(&dir.join(name), bytes)
}

/// Like [`save_in`] for a full path a person typed (`-o FILE`): the final component is
/// replaced, never written through, and the file is 0600.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::result::Result<PathBuf, FileError> {
    let (dir, tmp) = temporary_beside(path)?;
    let written = create_new_private(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    finish(path, &dir, &tmp, written)
}

/// Like [`write_atomically`] for a file another library writes by name (SQLite copying a
/// database into a new file): `fill` gets the fresh private temporary file's path, then the
/// file is synced and renamed into place. Only for the site's own folders, not for a stick:
/// `fill` opens the temporary file by name.
pub fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::result::Result<PathBuf, FileError> {
    let (dir, tmp) = temporary_beside(path)?;
    let written = create_new_private(&tmp).and_then(|f| {
        drop(f);
        fill(&tmp)?;
        File::open(&tmp)?.sync_all()
    });
    finish(path, &dir, &tmp, written)
}

/// The folder of `path` and a fresh temporary name in it.
fn temporary_beside(path: &Path) -> std::result::Result<(PathBuf, PathBuf), FileError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| FileError::BadName(path.display().to_string()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(temporary_name(name));
    Ok((dir, tmp))
}

/// Renames a completely written temporary file into place, or removes it.
fn finish(
    path: &Path,
    dir: &Path,
    tmp: &Path,
    written: std::io::Result<()>,
) -> std::result::Result<PathBuf, FileError> {
    match written.and_then(|()| std::fs::rename(tmp, path)) {
        Ok(()) => {
            // The rename is durable only once the folder itself is synced.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(path.to_path_buf())
        }
        Err(source) => {
            let _ = std::fs::remove_file(tmp);
            Err(FileError::Write {
                path: path.to_path_buf(),
                source,
            })
        }
    }
}

/// A file written in pieces (a large export) that appears under its name only when complete:
/// the bytes go to a private temporary file, and the last `flush` renames it into place.
/// Dropped before the final flush, the temporary file is removed and the name is untouched.
pub struct AtomicFile {
    file: Option<File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl AtomicFile {
    pub fn create(path: &Path) -> std::result::Result<AtomicFile, FileError> {
        let (_, tmp) = temporary_beside(path)?;
        let file = create_new_private(&tmp).map_err(|source| FileError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(AtomicFile {
            file: Some(file),
            tmp,
            path: path.to_path_buf(),
        })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("the file was already completed")),
        }
    }

    /// Completes the file: synced and renamed into place (further flushes do nothing).
    fn flush(&mut self) -> std::io::Result<()> {
        if let Some(f) = self.file.take() {
            f.sync_all()?;
            std::fs::rename(&self.tmp, &self.path)?;
        }
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Reads a file that came from outside (a bundle, a receipt, a key file), refusing it before
/// reading when it is larger than `limit`, and stopping at `limit` + 1 bytes whatever its
/// metadata claims (a device such as /dev/zero reports size 0).
pub fn read_limited(path: &Path, limit: u64) -> std::result::Result<Vec<u8>, FileError> {
    let fail = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    let too_large = || FileError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut out = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut out).map_err(fail)?;
    if out.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(out)
}

/// Narrows an existing file to the owner (0600) when it is readable by others.
#[cfg(unix)]
pub fn tighten(path: &Path, mode: u32) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() || meta.file_type().is_dir() => {
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
                return Ok(true);
            }
            Ok(false)
        }
        Ok(_) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
pub fn tighten(_path: &Path, _mode: u32) -> std::io::Result<bool> {
    Ok(false)
}

/// The mode bits of a file (0 where the platform has none).
pub fn mode_of(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_or_hide_are_refused() {
        for bad in [
            "",
            "..",
            "../x",
            "a/b",
            ".hidden",
            "a\0b",
            "a b",
            "x\\y",
            "M-1/../../etc",
        ] {
            assert!(check_file_name(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["M-7K3M9QXD4T-receipt.custody", "certificate_B-1.pdf"] {
            assert!(check_file_name(good).is_ok(), "{good} refused");
        }
    }

    #[test]
    fn a_planted_symlink_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("ledger.db");
        std::fs::write(&victim, b"precious").unwrap();
        let stick = dir.path().join("stick");
        std::fs::create_dir(&stick).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, stick.join("receipt.custody")).unwrap();
        save_in(&stick, "receipt.custody", b"new receipt").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(
            std::fs::read(stick.join("receipt.custody")).unwrap(),
            b"new receipt"
        );
        assert_eq!(mode_of(&stick.join("receipt.custody")), 0o600);
    }

    #[test]
    fn reads_stop_at_the_limit_even_for_endless_devices() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 2000]).unwrap();
        assert!(matches!(
            read_limited(&big, 1000),
            Err(FileError::TooLarge { .. })
        ));
        assert_eq!(read_limited(&big, 2000).unwrap().len(), 2000);
        #[cfg(unix)]
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 4096),
            Err(FileError::TooLarge { .. })
        ));
    }
}
