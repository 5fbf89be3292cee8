//! `custody scanner`: find, configure, simulate and watch handheld scanners. Thin layer over
//! custody-scan: it parses arguments and prints; all scanner logic lives in the library.

use anyhow::{bail, Context};
use clap::{Args as ClapArgs, Subcommand};
use custody_scan::bytes::{escape, to_hex};
use custody_scan::decoder::{LineDecoder, LineEvent, LineScan};
use custody_scan::profile::{self, Profile};
use custody_scan::session::{Outcome, ScanEvent, ScannerSession, SessionConfig};
use custody_scan::{Framing, PortInfo};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(ClapArgs, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show the scanners plugged in as USB serial ports, and the profile that fits each
    List {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Show the scanner models Custody knows (from firmware-config)
    Profiles {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Set a scanner up for Custody (suffix, AIM ids...) and check every answer
    Configure {
        /// The scanner's port, e.g. /dev/ttyACM0 (see `custody scanner list`)
        port: PathBuf,
        /// Scanner model profile, e.g. honeywell-xenon-1950g, or a .toml file
        #[arg(long)]
        profile: String,
        /// How long to wait for each answer, in milliseconds
        #[arg(long, default_value_t = 2000)]
        timeout_ms: u64,
    },
    /// Pretend to be a scanner: make a virtual serial port and send the scans in a file
    Simulate {
        /// Text file with one scan per line (\x1D for GS; lines starting with # are skipped)
        #[arg(long)]
        script: PathBuf,
        /// Pause between scans, in milliseconds
        #[arg(long, default_value_t = 200)]
        interval_ms: u64,
        /// How each scan ends: crlf, cr, lf, tab, stx-etx or none
        #[arg(long, default_value = "crlf")]
        framing: String,
        /// Also make this path point at the virtual port (a stable name for other programs)
        #[arg(long)]
        link: Option<PathBuf>,
        /// Play the whole script this many times
        #[arg(long, default_value_t = 1)]
        repeat: u64,
        /// Stop after this many scans in total (cycling through the script), e.g. 10000
        #[arg(long)]
        count: Option<u64>,
        /// Wait this long for a program to open the port before sending, in milliseconds
        #[arg(long, default_value_t = 3000)]
        start_delay_ms: u64,
        /// Behave as a real scanner of this kind, as its manual says: honeywell (menu commands,
        /// Host ACK), zebra-ssi (SSI packets) or datalogic (plain text, beeps on read). The
        /// script's lines are the codes read; --framing is then the device's business.
        #[arg(long)]
        emulate: Option<String>,
        /// Honeywell Host ACK: how long the emulated scanner waits for Custody's answer
        /// before its timeout tone, in milliseconds (the manual's default is 10 s)
        #[arg(long, default_value_t = 10_000)]
        host_ack_timeout_ms: u64,
        /// Honeywell: emulate a cordless set (base + scanner) whose scanner has this name
        #[arg(long)]
        cordless_name: Option<String>,
        /// Print the emulated device's timeline (every byte and tone) at the end
        #[arg(long)]
        timeline: bool,
    },
    /// Read a capture file and show the scans in it, as a scanner would have delivered them
    Replay {
        /// Capture file: lines of `+<ms since previous> <hex bytes>`
        file: PathBuf,
        /// Scanner profile whose framing and protocol to use
        #[arg(long, default_value = "generic-cdc")]
        profile: String,
    },
    /// Watch a scanner and print every scan as a JSON line (nothing is recorded)
    Monitor {
        /// The scanner's port, e.g. /dev/ttyACM0
        port: PathBuf,
        /// Scanner model profile; by default the one matched to the port, else generic-cdc
        #[arg(long)]
        profile: Option<String>,
        /// Stop after this many scans
        #[arg(long)]
        count: Option<u64>,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::List { json } => list(json),
        Command::Profiles { json } => profiles(json),
        Command::Configure {
            port,
            profile,
            timeout_ms,
        } => configure(&port, &profile, timeout_ms),
        Command::Simulate {
            script,
            interval_ms,
            framing: _,
            link,
            repeat,
            count,
            start_delay_ms,
            emulate: Some(kind),
            host_ack_timeout_ms,
            cordless_name,
            timeline,
        } => emulate(
            &script,
            &kind,
            EmulateOptions {
                interval_ms,
                link,
                total: count,
                repeat,
                start_delay_ms,
                host_ack_timeout: Duration::from_millis(host_ack_timeout_ms),
                cordless_name,
                timeline,
            },
        ),
        Command::Simulate {
            script,
            interval_ms,
            framing,
            link,
            repeat,
            count,
            start_delay_ms,
            emulate: None,
            ..
        } => simulate(
            &script,
            interval_ms,
            &framing,
            link.as_deref(),
            repeat,
            count,
            start_delay_ms,
        ),
        Command::Replay { file, profile } => replay(&file, &profile),
        Command::Monitor {
            port,
            profile,
            count,
        } => monitor(&port, profile.as_deref(), count),
    }
}

fn load_profile(name: &str) -> anyhow::Result<Profile> {
    if name.ends_with(".toml") {
        Ok(profile::load_file(Path::new(name))?)
    } else {
        Ok(profile::builtin_profile(name)?)
    }
}

fn port_json(p: &PortInfo) -> serde_json::Value {
    json!({
        "path": p.path,
        "usb_vid": p.usb_vid.map(|v| format!("{v:04x}")),
        "usb_pid": p.usb_pid.map(|v| format!("{v:04x}")),
        "interface_class": p.interface_class,
        "manufacturer": p.manufacturer,
        "product": p.product,
        "serial": p.serial,
        "matched_profile": p.matched_profile,
        "feedback": feedback_of(p.matched_profile.as_deref()).text(),
        "beep_means_recorded": feedback_of(p.matched_profile.as_deref()).keeps_the_promise(),
    })
}

/// What the scanner on a port tells the officer by itself; an unknown scanner is taken to
/// beep on read.
fn feedback_of(profile_name: Option<&str>) -> profile::FeedbackCapability {
    profile_name
        .and_then(|n| profile::builtin_profile(n).ok())
        .map(|p| p.feedback_capability())
        .unwrap_or(profile::FeedbackCapability::BeepsOnRead)
}

fn list(as_json: bool) -> anyhow::Result<ExitCode> {
    let profiles = profile::builtin_profiles()?;
    let ports = custody_scan::list_ports(&profiles);
    if as_json {
        for p in &ports {
            emit(port_json(p));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if ports.is_empty() {
        println!("No USB serial scanners found.");
        println!("A scanner in keyboard mode does not show here: put it in USB serial mode (see firmware-config/README.md).");
        println!(
            "In keyboard mode: {}.",
            profile::keyboard_wedge_capability().text()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &ports {
        let id = match (p.usb_vid, p.usb_pid) {
            (Some(v), Some(d)) => format!("{v:04x}:{d:04x}"),
            _ => "-".into(),
        };
        println!(
            "{}  {}  {}  profile: {}",
            p.path.display(),
            id,
            p.product.as_deref().unwrap_or("(no product name)"),
            p.matched_profile
                .as_deref()
                .unwrap_or("none (not a known scanner)")
        );
        println!(
            "    feedback: {}",
            feedback_of(p.matched_profile.as_deref()).text()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn profiles(as_json: bool) -> anyhow::Result<ExitCode> {
    for p in profile::builtin_profiles()? {
        if as_json {
            println!(
                "{}",
                json!({"name": p.name, "vendor": p.vendor, "model": p.model, "protocol": p.protocol.name(),
                       "vendor_ids": p.vendor_ids.iter().map(|v| format!("{v:04x}")).collect::<Vec<_>>(),
                       "assumed": p.sources.assumed,
                       "feedback": p.feedback_capability().text(),
                       "beep_means_recorded": p.feedback_capability().keeps_the_promise()})
            );
        } else {
            println!(
                "{:<28} {:<10} {:<20} {:<15} {}",
                p.name,
                p.vendor,
                p.model,
                p.protocol.name(),
                p.feedback_capability().text()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn configure(port: &Path, name: &str, timeout_ms: u64) -> anyhow::Result<ExitCode> {
    let profile = load_profile(name)?;
    println!(
        "Configuring {} as {} {} ...",
        port.display(),
        profile.vendor,
        profile.model
    );
    let report = custody_scan::configure(port, &profile, Duration::from_millis(timeout_ms))?;
    for step in &report.steps {
        let kind = if step.readback { "check" } else { "set  " };
        let detail = match &step.outcome {
            custody_scan::StepOutcome::Mismatch { got } => format!(" (scanner says {got})"),
            custody_scan::StepOutcome::Garbled { detail }
            | custody_scan::StepOutcome::WriteFailed { detail } => {
                format!(" ({detail})")
            }
            _ => String::new(),
        };
        println!("{kind} {:<8} {}{detail}", step.outcome.label(), step.what);
    }
    if let Some(rev) = &report.revision {
        println!("Scanner reports: {rev}");
    }
    if report.all_ok() {
        println!("Done: the scanner is set up for Custody.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("Some settings did not take. ENQ: this model does not know the command (wrong profile?). NAK: value refused. TIMEOUT: no answer (is the scanner in USB serial mode?).");
        Ok(ExitCode::from(2))
    }
}

fn simulate(
    script: &Path,
    interval_ms: u64,
    framing: &str,
    link: Option<&Path>,
    repeat: u64,
    count: Option<u64>,
    start_delay_ms: u64,
) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(script)
        .with_context(|| format!("cannot read the script {}", script.display()))?;
    let scans = custody_scan::sim::parse_script(&text)?;
    let framing = Framing::by_name(framing)?;
    let total = count.unwrap_or(repeat.saturating_mul(scans.len() as u64));
    let mut sim = custody_scan::sim::PtySimulator::create(link)
        .context("cannot create a virtual serial port (pty)")?;
    println!("{}", sim.host_path().display());
    eprintln!(
        "Simulated scanner on {} (device {}); sending {total} scans every {interval_ms} ms. Press Ctrl+C to stop.",
        sim.host_path().display(),
        sim.device().display()
    );
    std::thread::sleep(Duration::from_millis(start_delay_ms));
    for (n, scan) in scans.iter().cycle().take(total as usize).enumerate() {
        sim.write(&framing.wrap(scan))
            .context("the virtual port was closed")?;
        if interval_ms > 0 {
            std::thread::sleep(Duration::from_millis(interval_ms));
        }
        if (n + 1) % 1000 == 0 {
            eprintln!("{} scans sent", n + 1);
        }
    }
    // Keep the port open briefly so the reader can drain the last scans.
    std::thread::sleep(Duration::from_millis(500));
    eprintln!("All {total} scans sent.");
    Ok(ExitCode::SUCCESS)
}

struct EmulateOptions {
    interval_ms: u64,
    link: Option<PathBuf>,
    total: Option<u64>,
    repeat: u64,
    start_delay_ms: u64,
    host_ack_timeout: Duration,
    cordless_name: Option<String>,
    timeline: bool,
}

fn emulate(script: &Path, kind: &str, o: EmulateOptions) -> anyhow::Result<ExitCode> {
    use custody_scan::emulate::Emulator;
    use custody_scan::fake::{Emulation, HoneywellFake, PlainFake, SsiFake, Symbol};
    let Some(emulation) = Emulation::by_name(kind) else {
        bail!("--emulate {kind}: use honeywell, zebra-ssi or datalogic");
    };
    let text = std::fs::read_to_string(script)
        .with_context(|| format!("cannot read the script {}", script.display()))?;
    let scans = custody_scan::sim::parse_script(&text)?;
    let device: Box<dyn custody_scan::fake::FakeDevice> = match emulation {
        Emulation::Honeywell => Box::new(HoneywellFake::new(
            o.cordless_name.as_deref(),
            o.host_ack_timeout,
        )),
        Emulation::ZebraSsi => Box::new(SsiFake::new()),
        Emulation::Plain => Box::new(PlainFake::new(b"\r\n", true)),
    };
    let emu = Emulator::start(device, o.link.as_deref())
        .context("cannot create a virtual serial port (pty)")?;
    let total = o
        .total
        .unwrap_or(o.repeat.saturating_mul(scans.len() as u64));
    println!("{}", emu.host_path().display());
    eprintln!(
        "Emulated {kind} scanner on {}; it starts with factory settings (run `custody scanner configure` on it first). Reading {total} codes every {} ms.",
        emu.host_path().display(),
        o.interval_ms
    );
    std::thread::sleep(Duration::from_millis(o.start_delay_ms));
    for scan in scans.iter().cycle().take(total as usize) {
        // A script line may carry an AIM id as written on the wire; the device adds its own.
        let data = scan.strip_prefix(b"]C0").unwrap_or(scan);
        emu.trigger(Symbol::code128(data));
        std::thread::sleep(Duration::from_millis(o.interval_ms.max(1)));
    }
    std::thread::sleep(Duration::from_millis(500));
    if o.timeline {
        eprint!("{}", emu.timeline().render());
    }
    eprintln!("All {total} codes read.");
    Ok(ExitCode::SUCCESS)
}

fn scan_json(id: Option<u64>, s: &LineScan) -> serde_json::Value {
    json!({
        "id": id,
        "data": escape(&s.data),
        "hex": to_hex(&s.raw),
        "aim": s.aim.map(|a| a.to_wire()),
        "symbology": s.symbology,
        "utf8": std::str::from_utf8(&s.data).is_ok(),
        "aim_problem": s.aim_error.as_ref().map(|e| e.to_string()),
    })
}

fn replay(file: &Path, name: &str) -> anyhow::Result<ExitCode> {
    let profile = load_profile(name)?;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the capture {}", file.display()))?;
    let chunks = custody_scan::replay::parse_capture(&text)?;
    let mut decoder = LineDecoder::new(profile.protocol, profile.framing.clone())?;
    let start = Instant::now();
    let mut events = Vec::new();
    for c in &chunks {
        events.extend(decoder.push(&c.bytes, start + c.at).0);
    }
    let end = start + chunks.last().map(|c| c.at).unwrap_or_default() + Duration::from_secs(3600);
    events.extend(decoder.poll(end));
    events.extend(decoder.finish(end));
    for ev in events {
        if !print_line_event(&ev) {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints one output line; false when stdout is closed (e.g. piped into `head`), so callers stop.
fn emit(line: impl std::fmt::Display) -> bool {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

fn print_line_event(ev: &LineEvent) -> bool {
    let v = match ev {
        LineEvent::Scan(s) => json!({"event": "scan", "scan": scan_json(None, s)}),
        LineEvent::Error(e) => json!({"event": "error", "message": e.to_string()}),
        LineEvent::MenuReply(r) => {
            json!({"event": "reply", "entries": r.entries.iter().map(|e| json!({"text": e.text, "status": format!("{:?}", e.status)})).collect::<Vec<_>>()})
        }
        LineEvent::SsiPacket(p) => {
            json!({"event": "ssi", "opcode": custody_scan::ssi::opcode_name(p.opcode), "data": to_hex(&p.data)})
        }
    };
    emit(v)
}

fn monitor(port: &Path, name: Option<&str>, count: Option<u64>) -> anyhow::Result<ExitCode> {
    let profiles = profile::builtin_profiles()?;
    let profile = match name {
        Some(n) => load_profile(n)?,
        None => {
            let matched = custody_scan::list_ports(&profiles)
                .into_iter()
                .find(|p| p.path == port)
                .and_then(|p| p.matched_profile);
            load_profile(matched.as_deref().unwrap_or("generic-cdc"))?
        }
    };
    eprintln!(
        "Watching {} as {} {}. Nothing is recorded. Press Ctrl+C to stop.",
        port.display(),
        profile.vendor,
        profile.model
    );
    let host_confirmed = profile.feedback_capability().keeps_the_promise();
    if host_confirmed {
        // The scanner waits for an answer after each read (Honeywell Host ACK suspends it for
        // up to its timeout); nothing is recorded here, so the honest answer is the error tone.
        eprintln!("This scanner beeps only when Custody answers; as nothing is recorded here, each scan gets the error tone.");
    }
    let session = ScannerSession::start(SessionConfig::new(port, profile))?;
    let mut seen = 0u64;
    loop {
        let Ok(ev) = session.events().recv() else {
            bail!("the scanner session stopped unexpectedly");
        };
        let v = match &ev {
            ScanEvent::Scan(s) => {
                seen += 1;
                if host_confirmed {
                    session.acknowledge(s.id, Outcome::Refused)?;
                }
                json!({"event": "scan", "scan": scan_json(Some(s.id.0), &s.line)})
            }
            ScanEvent::Duplicate { id, of, data } => {
                json!({"event": "duplicate", "id": id.0, "of": of.0, "data": escape(data)})
            }
            ScanEvent::Connected { path } => json!({"event": "connected", "path": path}),
            ScanEvent::Reconnected { path } => json!({"event": "reconnected", "path": path}),
            ScanEvent::Waiting { path, reason } => {
                json!({"event": "waiting", "path": path, "reason": reason})
            }
            ScanEvent::Disconnected { reason } => {
                json!({"event": "disconnected", "reason": reason})
            }
            ScanEvent::LineError(e) => json!({"event": "error", "message": e.to_string()}),
            ScanEvent::DeviceReply(r) => json!({"event": "device_reply", "text": r}),
            ScanEvent::FeedbackFailed { id, reason } => {
                json!({"event": "feedback_failed", "id": id.0, "reason": reason})
            }
            ScanEvent::Stopped => json!({"event": "stopped"}),
        };
        if !emit(v) {
            break;
        }
        if matches!(ev, ScanEvent::Stopped) || count.is_some_and(|c| seen >= c) {
            break;
        }
    }
    session.shutdown();
    Ok(ExitCode::SUCCESS)
}
