//! Serial scanners on background threads (custody-scan's `ScannerSession`) and, in demo mode,
//! the pty simulator that feeds one of them. The UI thread polls the sessions' channels; each
//! scan is committed through core before `acknowledge` sends the beep.

use custody_core::scans::ScanInput;
use custody_scan::profile::{builtin_profile, builtin_profiles, Profile};
use custody_scan::session::{ScanEvent, ScannerSession, SessionConfig};
use custody_scan::sim::PtySimulator;
use custody_scan::Framing;
use std::path::{Path, PathBuf};

/// How a scanner is doing, as the settings screen and the scan strip show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    Connected,
    Waiting(String),
    Disconnected(String),
}

/// One scanner the kiosk listens to.
pub struct ScannerLink {
    pub path: PathBuf,
    pub profile: Profile,
    pub state: LinkState,
    pub simulated: bool,
    /// The same code again within this window is a repeat (recorded, counted once).
    pub debounce: std::time::Duration,
    session: ScannerSession,
}

impl ScannerLink {
    pub fn start(path: &Path, profile: Profile, simulated: bool) -> Result<ScannerLink, String> {
        let config = SessionConfig::new(path, profile.clone());
        let debounce = config.debounce;
        let session = ScannerSession::start(config).map_err(|e| e.to_string())?;
        Ok(ScannerLink {
            path: path.to_path_buf(),
            profile,
            state: LinkState::Waiting(String::new()),
            simulated,
            debounce,
            session,
        })
    }

    /// What the ledger records of one frame from this scanner (`ignored` says why a frame is
    /// recorded but not acted on: a repeat, unreadable bytes).
    pub fn input(
        &self,
        aim: String,
        data: Vec<u8>,
        ignored: Option<custody_core::scans::IgnoredReason>,
    ) -> ScanInput {
        ScanInput {
            device: if self.simulated {
                "demo simulator"
            } else {
                "serial"
            }
            .into(),
            port: self.path.display().to_string(),
            profile: self.profile.name.clone(),
            aim,
            data,
            ignored,
        }
    }

    /// Events waiting on the channel, without blocking the UI thread.
    pub fn drain(&mut self) -> Vec<ScanEvent> {
        let mut out = Vec::new();
        while let Ok(ev) = self.session.events().try_recv() {
            match &ev {
                ScanEvent::Connected { .. } | ScanEvent::Reconnected { .. } => {
                    self.state = LinkState::Connected
                }
                ScanEvent::Waiting { reason, .. } => {
                    self.state = LinkState::Waiting(reason.clone())
                }
                ScanEvent::Disconnected { reason } => {
                    self.state = LinkState::Disconnected(reason.clone())
                }
                ScanEvent::Stopped => {
                    self.state = LinkState::Disconnected("scanner thread stopped".into())
                }
                _ => {}
            }
            out.push(ev);
        }
        out
    }

    pub fn acknowledge(&self, id: custody_scan::ScanId, outcome: custody_scan::Outcome) {
        // A stopped session cannot beep; the screen already shows the outcome.
        let _ = self.session.acknowledge(id, outcome);
    }

    pub fn status_key(&self) -> &'static str {
        match (&self.state, self.simulated) {
            (LinkState::Connected, true) => "simulated",
            (LinkState::Connected, false) => "connected",
            (LinkState::Waiting(_), _) => "waiting",
            (LinkState::Disconnected(_), _) => "disconnected",
        }
    }
}

/// Serial scanners plugged in now, each with the built-in profile that fits it.
pub fn detect() -> Vec<(PathBuf, Profile)> {
    let profiles = builtin_profiles().unwrap_or_default();
    custody_scan::list_ports(&profiles)
        .into_iter()
        .filter_map(|p| {
            let name = p.matched_profile?;
            let profile = profiles.iter().find(|x| x.name == name)?.clone();
            Some((p.path, profile))
        })
        .collect()
}

/// Profile by name, falling back to the generic CDC profile.
pub fn profile_or_generic(name: Option<&str>) -> Option<Profile> {
    name.and_then(|n| builtin_profile(n).ok())
        .or_else(|| builtin_profile("generic-cdc").ok())
}

/// The demo's simulated scanner: a pty behind a stable link, so it can be unplugged and
/// replugged while the session keeps the same path.
pub struct DemoScanner {
    sim: PtySimulator,
    framing: Framing,
    plugged: bool,
}

impl DemoScanner {
    pub fn create(link: &Path) -> std::io::Result<DemoScanner> {
        Ok(DemoScanner {
            sim: PtySimulator::create(Some(link))?,
            framing: Framing::crlf(),
            plugged: true,
        })
    }

    pub fn host_path(&self) -> &Path {
        self.sim.host_path()
    }

    /// Sends one scan as a CR LF serial scanner would.
    pub fn scan(&mut self, data: &[u8]) -> std::io::Result<()> {
        let bytes = self.framing.wrap(data);
        self.sim.write(&bytes)
    }

    pub fn toggle_plug(&mut self) -> std::io::Result<()> {
        if self.plugged {
            self.sim.unplug();
            self.plugged = false;
        } else {
            self.sim.replug()?;
            self.plugged = true;
        }
        Ok(())
    }
}
