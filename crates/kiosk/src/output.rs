//! Getting paper and files out of the kiosk PC: documents and bundles saved to a folder (often
//! a USB stick) so that a pulled stick never holds half a file, PDFs sent to the system print
//! spooler, and ZPL sent to a label printer's device. The kiosk decides what to print; this
//! module only moves bytes and says clearly what went wrong.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no printing system on this PC ('{command}' not found)")]
    NoSpooler { command: String },
    #[error("the printer refused the job: {0}")]
    Refused(String),
    #[error("cannot reach the label printer at {path}: {source}")]
    LabelPrinter {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes `bytes` as `dir/name` so that the named file is either complete or absent (a full
/// stick, a stick pulled mid-write) and nothing already on the stick is ever written through
/// (a planted symlink is replaced, not followed): custody-core's one safe writer.
pub fn save_durably(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    custody_core::files::save_in(dir, name, bytes).map_err(|e| match e {
        custody_core::files::FileError::Write { path, source } => {
            OutputError::Write { path, source }
        }
        other => OutputError::Write {
            path: dir.join(name),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, other.to_string()),
        },
    })
}

/// Mounted removable media (USB sticks): mount points under /media and /run/media, as the
/// desktop mounts them. Read from /proc/mounts; empty when there are none.
pub fn removable_media() -> Vec<PathBuf> {
    std::fs::read_to_string("/proc/mounts")
        .map(|mounts| removable_in(&mounts))
        .unwrap_or_default()
}

fn removable_in(mounts: &str) -> Vec<PathBuf> {
    mounts
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        // /proc/mounts escapes spaces in paths as \040.
        .map(|p| p.replace("\\040", " "))
        .filter(|p| p.starts_with("/media/") || p.starts_with("/run/media/"))
        .map(PathBuf::from)
        .collect()
}

/// Sends a file to the system spooler (`command`, normally CUPS's `lp`), to `printer` or the
/// default printer when empty. Returns what the spooler said (the job id line).
pub fn print_file(
    command: &str,
    path: &Path,
    printer: &str,
    title: &str,
) -> Result<String, OutputError> {
    let command = command.to_string();
    let mut cmd = Command::new(&command);
    if !printer.trim().is_empty() {
        cmd.arg("-d").arg(printer.trim());
    }
    cmd.arg("-t").arg(title).arg(path);
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => OutputError::NoSpooler {
            command: command.clone(),
        },
        _ => OutputError::Refused(e.to_string()),
    })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(OutputError::Refused(if said.is_empty() {
            format!("{command} exited with {}", out.status)
        } else {
            said
        }))
    }
}

/// Writes ZPL to a label printer's device (e.g. /dev/usb/lp0). The device must already exist
/// and be a character device: a path is never created or truncated, so a wrong setting can
/// never overwrite a file (the ledger, the site key).
pub fn send_to_label_printer(device: &Path, zpl: &[u8]) -> Result<(), OutputError> {
    let fail = |source| OutputError::LabelPrinter {
        path: device.to_path_buf(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(device)
        .map_err(fail)?;
    if !is_character_device(&file).map_err(fail)? {
        return Err(fail(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a printer device (a character device such as /dev/usb/lp0)",
        )));
    }
    file.write_all(zpl)
        .and_then(|()| file.flush())
        .map_err(fail)
}

#[cfg(unix)]
fn is_character_device(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::unix::fs::FileTypeExt;
    Ok(file.metadata()?.file_type().is_char_device())
}

#[cfg(not(unix))]
fn is_character_device(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usb_sticks_are_found_among_the_mounts_and_system_mounts_are_not() {
        let mounts = "/dev/sda1 / ext4 rw 0 0\n\
                      proc /proc proc rw 0 0\n\
                      /dev/sdb1 /media/officer/EVIDENCE\\0401 vfat rw 0 0\n\
                      /dev/sdc1 /run/media/ana/STICK vfat rw 0 0\n";
        assert_eq!(
            removable_in(mounts),
            [
                PathBuf::from("/media/officer/EVIDENCE 1"),
                PathBuf::from("/run/media/ana/STICK")
            ]
        );
        assert!(removable_in("garbage without fields\n\n").is_empty());
    }

    #[test]
    fn a_saved_file_is_complete_or_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = save_durably(dir.path(), "doc.pdf", b"%PDF-1.7 body").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.7 body");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["doc.pdf"], "no temporary file is left behind");
        std::fs::remove_file(&path).unwrap();
        // A link planted on the stick under the file's name is replaced, never written through.
        let ledger = dir.path().join("site.db");
        std::fs::write(&ledger, b"ledger").unwrap();
        std::os::unix::fs::symlink(&ledger, dir.path().join("M-1.custody")).unwrap();
        save_durably(dir.path(), "M-1.custody", b"bundle").unwrap();
        assert_eq!(std::fs::read(&ledger).unwrap(), b"ledger");
        // A name from outside that climbs out of the folder is refused.
        assert!(save_durably(dir.path(), "../site.db", b"x").is_err());
        assert_eq!(std::fs::read(&ledger).unwrap(), b"ledger");
        // A folder that is not there (the stick was pulled): an error naming the file.
        let gone = dir.path().join("pulled-stick");
        let err = save_durably(&gone, "doc.pdf", b"x").unwrap_err();
        assert!(err.to_string().contains("doc.pdf"), "{err}");
        assert!(!gone.join("doc.pdf").exists());
    }
}

#[cfg(test)]
mod label_printer_tests {
    use super::*;

    #[test]
    fn a_label_printer_set_to_a_file_never_overwrites_it() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("site.db.key");
        std::fs::write(&key, b"custody-site-key-v1\nsecret\n").unwrap();
        assert!(send_to_label_printer(&key, b"^XA^XZ").is_err());
        assert_eq!(
            std::fs::read(&key).unwrap(),
            b"custody-site-key-v1\nsecret\n"
        );
        let absent = dir.path().join("new-file");
        assert!(send_to_label_printer(&absent, b"^XA^XZ").is_err());
        assert!(!absent.exists(), "a path is never created");
        // A character device takes the bytes.
        send_to_label_printer(Path::new("/dev/null"), b"^XA^XZ").unwrap();
    }
}
