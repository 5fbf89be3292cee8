//! Runs a [`crate::fake`] device on a pseudo-terminal in a thread, so a real
//! [`crate::session::ScannerSession`] (or another process) talks to it through a device path.
//! Tests and `custody scanner simulate --emulate` drive it: trigger a read, power-cycle,
//! unplug and replug; the timeline records every byte and tone.

use crate::fake::{FakeDevice, Symbol, Timeline};
use crate::sim::PtySimulator;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

enum Cmd {
    Trigger(Symbol),
    PowerCycle,
    Unplug,
    Replug,
    Snapshot(Sender<Timeline>),
    Stop,
}

/// A fake scanner behind a pty.
pub struct Emulator {
    control: Sender<Cmd>,
    host_path: PathBuf,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts `device` on a new pty; `link` (if given) is a stable symlink to it.
    pub fn start(device: Box<dyn FakeDevice>, link: Option<&Path>) -> io::Result<Emulator> {
        let sim = PtySimulator::create(link)?;
        let host_path = sim.host_path().to_path_buf();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("custody-fake-scanner".into())
            .spawn(move || run(sim, device, rx))?;
        Ok(Emulator {
            control: tx,
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
        let (tx, rx) = mpsc::channel();
        if self.control.send(Cmd::Snapshot(tx)).is_err() {
            return Timeline::default();
        }
        rx.recv_timeout(Duration::from_secs(5)).unwrap_or_default()
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

fn run(mut sim: PtySimulator, mut device: Box<dyn FakeDevice>, control: Receiver<Cmd>) {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    let mut plugged = true;
    loop {
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
                Ok(Cmd::Snapshot(reply)) => {
                    let _ = reply.send(device.timeline().clone());
                }
                Ok(Cmd::Stop) | Err(mpsc::TryRecvError::Disconnected) => return,
                Err(mpsc::TryRecvError::Empty) => break,
            }
        }
        if plugged {
            match sim.read_host(&mut buf, Duration::from_millis(2)) {
                Ok(n) if n > 0 => device.receive(&buf[..n], start.elapsed()),
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
    }
}
