//! Runs a [`crate::fake`] device on a pseudo-terminal in a thread, so a real
//! [`crate::session::ScannerSession`] (or another process) talks to it through a device path.
//! Tests and `custody scanner simulate --emulate` drive it: trigger a read, power-cycle,
//! unplug and replug; the timeline records every byte and tone.

use crate::fake::{FakeDevice, Symbol, Timeline};
use crate::sim::PtySimulator;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

enum Cmd {
    Trigger(Symbol),
    PowerCycle,
    Unplug,
    Replug,
    Stop,
}

/// A fake scanner behind a pty.
pub struct Emulator {
    control: Sender<Cmd>,
    timeline: Arc<Mutex<Timeline>>,
    host_path: PathBuf,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts `device` on a new pty; `link` (if given) is a stable symlink to it.
    pub fn start(device: Box<dyn FakeDevice>, link: Option<&Path>) -> io::Result<Emulator> {
        let sim = PtySimulator::create(link)?;
        let host_path = sim.host_path().to_path_buf();
        let timeline = Arc::new(Mutex::new(Timeline::default()));
        let (tx, rx) = mpsc::channel();
        let shared = Arc::clone(&timeline);
        let thread = std::thread::Builder::new()
            .name("custody-fake-scanner".into())
            .spawn(move || run(sim, device, rx, shared))?;
        Ok(Emulator {
            control: tx,
            timeline,
            host_path,
            thread: Some(thread),
        })
    }

    /// The path a host opens.
    pub fn host_path(&self) -> &Path {
        &self.host_path
    }

    /// The operator reads a code.
    pub fn trigger(&self, symbol: Symbol) {
        let _ = self.control.send(Cmd::Trigger(symbol));
    }

    pub fn power_cycle(&self) {
        let _ = self.control.send(Cmd::PowerCycle);
    }

    pub fn unplug(&self) {
        let _ = self.control.send(Cmd::Unplug);
    }

    pub fn replug(&self) {
        let _ = self.control.send(Cmd::Replug);
    }

    /// A copy of the timeline so far.
    pub fn timeline(&self) -> Timeline {
        self.timeline
            .lock()
            .map(|t| t.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Waits (at most `limit`) until the timeline satisfies `pred`; returns the last copy.
    pub fn wait_timeline(&self, limit: Duration, pred: impl Fn(&Timeline) -> bool) -> Timeline {
        let deadline = Instant::now() + limit;
        loop {
            let t = self.timeline();
            if pred(&t) || Instant::now() >= deadline {
                return t;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.control.send(Cmd::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    mut sim: PtySimulator,
    mut device: Box<dyn FakeDevice>,
    control: Receiver<Cmd>,
    timeline: Arc<Mutex<Timeline>>,
) {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    let mut plugged = true;
    loop {
        let mut changed = false;
        loop {
            match control.try_recv() {
                Ok(Cmd::Trigger(s)) => device.trigger(&s, start.elapsed()),
                Ok(Cmd::PowerCycle) => device.power_cycle(start.elapsed()),
                Ok(Cmd::Unplug) => {
                    sim.unplug();
                    plugged = false;
                }
                Ok(Cmd::Replug) => {
                    // A replug powers the device up again.
                    device.power_cycle(start.elapsed());
                    plugged = sim.replug().is_ok();
                }
                Ok(Cmd::Stop) | Err(mpsc::TryRecvError::Disconnected) => return,
                Err(mpsc::TryRecvError::Empty) => break,
            }
            changed = true;
        }
        if plugged {
            match sim.read_host(&mut buf, Duration::from_millis(2)) {
                Ok(n) if n > 0 => {
                    device.receive(&buf[..n], start.elapsed());
                    changed = true;
                }
                Ok(_) => {}
                Err(_) => std::thread::sleep(Duration::from_millis(2)),
            }
        } else {
            std::thread::sleep(Duration::from_millis(2));
        }
        device.poll(start.elapsed());
        let out = device.take_output();
        if !out.is_empty() && plugged {
            // A write to an unplugged port is lost, as on a real cable.
            let _ = sim.write(&out);
        }
        if changed || !out.is_empty() || device.timeline().entries.len() != timeline_len(&timeline)
        {
            if let Ok(mut t) = timeline.lock() {
                *t = device.timeline().clone();
            }
        }
    }
}

fn timeline_len(t: &Arc<Mutex<Timeline>>) -> usize {
    t.lock().map(|t| t.entries.len()).unwrap_or(0)
}
