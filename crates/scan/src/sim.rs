//! A scanner simulator on a pseudo-terminal: creates a pty pair, keeps the scanner side, and
//! plays scans into it so a session (or another process) can open the device path. It can also
//! "unplug" and "replug" the device to test reconnection.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A simulated scanner behind a pty.
pub struct PtySimulator {
    master: Option<File>,
    // Held open so bytes written before the host opens the device are kept, and raw mode stays.
    slave: Option<OwnedFd>,
    path: PathBuf,
    link: Option<PathBuf>,
}

fn errno_check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn open_pty() -> io::Result<(File, OwnedFd, PathBuf)> {
    // SAFETY: plain libc calls on fds we own; every return value is checked.
    unsafe {
        let master = errno_check(libc::posix_openpt(
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        ))?;
        let master_file = File::from_raw_fd(master);
        errno_check(libc::grantpt(master))?;
        errno_check(libc::unlockpt(master))?;
        let mut name = [0 as libc::c_char; 128];
        let rc = libc::ptsname_r(master, name.as_mut_ptr(), name.len());
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        let path = std::ffi::CStr::from_ptr(name.as_ptr())
            .to_string_lossy()
            .into_owned();
        let cpath = std::ffi::CString::new(path.clone()).map_err(io::Error::other)?;
        let slave = errno_check(libc::open(
            cpath.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        ))?;
        let slave_fd = OwnedFd::from_raw_fd(slave);
        // Raw mode at once: no echo back to the scanner, no CR/LF translation of scan bytes.
        let mut tio: libc::termios = std::mem::zeroed();
        errno_check(libc::tcgetattr(slave, &mut tio))?;
        libc::cfmakeraw(&mut tio);
        errno_check(libc::tcsetattr(slave, libc::TCSANOW, &tio))?;
        Ok((master_file, slave_fd, PathBuf::from(path)))
    }
}

impl PtySimulator {
    /// Creates a pty; if `link` is given, a symlink there points at the device (replacing an
    /// old link), so hosts can use a stable path across replugs.
    pub fn create(link: Option<&Path>) -> io::Result<PtySimulator> {
        let (master, slave, path) = open_pty()?;
        let sim = PtySimulator {
            master: Some(master),
            slave: Some(slave),
            path,
            link: link.map(Path::to_path_buf),
        };
        sim.relink()?;
        Ok(sim)
    }

    fn relink(&self) -> io::Result<()> {
        if let Some(link) = &self.link {
            let tmp = link.with_extension("custody-tmp");
            let _ = std::fs::remove_file(&tmp);
            std::os::unix::fs::symlink(&self.path, &tmp)?;
            // rename is atomic: a host never sees the link missing or half-made.
            std::fs::rename(&tmp, link)?;
        }
        Ok(())
    }

    /// The pty device, e.g. /dev/pts/3.
    pub fn device(&self) -> &Path {
        &self.path
    }

    /// The path hosts should open: the link if one was asked for, else the device.
    pub fn host_path(&self) -> &Path {
        self.link.as_deref().unwrap_or(&self.path)
    }

    /// Writes bytes as the scanner would send them.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.master {
            Some(m) => m.write_all(bytes),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the simulated scanner is unplugged",
            )),
        }
    }

    /// Waits up to `timeout` for bytes the host wrote to the scanner and reads them; `Ok(0)`
    /// when none came in time.
    pub fn read_host(&mut self, buf: &mut [u8], timeout: std::time::Duration) -> io::Result<usize> {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        let Some(m) = &mut self.master else {
            return Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the simulated scanner is unplugged",
            ));
        };
        let mut pfd = libc::pollfd {
            fd: m.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one pollfd that lives across the call.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted {
                Ok(0)
            } else {
                Err(e)
            };
        }
        if rc == 0 || pfd.revents & libc::POLLIN == 0 {
            return Ok(0);
        }
        m.read(buf)
    }

    /// A second handle on the scanner side, to read what the host sent (commands, beeps).
    pub fn host_output(&self) -> io::Result<File> {
        match &self.master {
            Some(m) => m.try_clone(),
            None => Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the simulated scanner is unplugged",
            )),
        }
    }

    /// Simulates pulling the USB cable: the host's reads fail and the device path goes away.
    pub fn unplug(&mut self) {
        self.master = None;
        self.slave = None;
        if let Some(link) = &self.link {
            let _ = std::fs::remove_file(link);
        }
    }

    /// Simulates plugging back in: a new pty, and the link (if any) points at it.
    pub fn replug(&mut self) -> io::Result<()> {
        let (master, slave, path) = open_pty()?;
        self.master = Some(master);
        self.slave = Some(slave);
        self.path = path;
        self.relink()
    }
}

impl Drop for PtySimulator {
    fn drop(&mut self) {
        if let Some(link) = &self.link {
            let _ = std::fs::remove_file(link);
        }
    }
}

/// A script line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScriptError {
    #[error("script line {line}: {problem}")]
    BadLine { line: usize, problem: String },
    #[error(
        "the script has no scans: write one scan per line (lines starting with '#' are comments)"
    )]
    Empty,
}

/// Reads a scan script: one scan per line, escapes such as `\x1D` (GS) and `\\`, an optional
/// AIM prefix written as is (`]C1...`). Blank lines and lines starting with `#` are skipped.
pub fn parse_script(text: &str) -> Result<Vec<Vec<u8>>, ScriptError> {
    let mut scans = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bytes = crate::bytes::unescape(line).map_err(|e| ScriptError::BadLine {
            line: i + 1,
            problem: e.to_string(),
        })?;
        scans.push(bytes);
    }
    if scans.is_empty() {
        return Err(ScriptError::Empty);
    }
    Ok(scans)
}
