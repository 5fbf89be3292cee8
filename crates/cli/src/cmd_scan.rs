//! `custody scan`: read a scanner and record every frame in the ledger. Each scan is committed
//! first; only then does the scanner get its good or bad feedback (invariant 3).

use crate::session::Context;
use anyhow::{Context as _, Result};
use clap::Args;
use custody_core::scans::{IgnoredReason, RecordedScan, ScanInput, ScanOutcome};
use custody_core::{Actor, Ledger};
use custody_scan::profile::{builtin_profile, builtin_profiles, Profile};
use custody_scan::session::{Outcome, ScanEvent, ScannerSession, SessionConfig};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Serial port of the scanner, e.g. /dev/ttyACM0 (it may be unplugged; scanning resumes
    /// when it comes back)
    #[arg(long)]
    port: PathBuf,
    /// Scanner profile (see `custody scanner profiles`); default: detected from the USB ids,
    /// else generic-cdc
    #[arg(long)]
    profile: Option<String>,
    /// One JSON line per frame as soon as it is committed
    #[arg(long)]
    json: bool,
    /// The same code again within this many milliseconds counts as one scan (still logged)
    #[arg(long, default_value_t = 800)]
    debounce_ms: u64,
    /// Stop after this many frames (default: run until Ctrl-C / SIGTERM)
    #[arg(long)]
    count: Option<u64>,
    /// Send the profile's settings to the scanner every time it connects (for scanners that
    /// lose them at power off); off by default, as each Honeywell menu command writes flash
    #[arg(long)]
    reinit_on_connect: bool,
}

fn pick_profile(args: &ScanArgs) -> Result<Profile> {
    if let Some(name) = &args.profile {
        return builtin_profile(name).with_context(|| format!("profile '{name}'"));
    }
    let profiles = builtin_profiles().context("built-in profiles")?;
    let detected = custody_scan::ports::list_ports(&profiles)
        .into_iter()
        .find(|p| p.path == args.port)
        .and_then(|p| p.matched_profile);
    let name = detected.unwrap_or_else(|| "generic-cdc".to_string());
    builtin_profile(&name).with_context(|| format!("profile '{name}'"))
}

/// One printed line per frame, as the `--json` contract says.
fn report_line(
    out: &mut impl Write,
    json: bool,
    aim: &str,
    data: &[u8],
    recorded: &Result<RecordedScan, custody_core::CustodyError>,
) -> Result<()> {
    let text = std::str::from_utf8(data).ok();
    let (seq, outcome, error) = match recorded {
        Ok(r) => {
            let error = match &r.outcome {
                ScanOutcome::Found { .. } | ScanOutcome::Badge => None,
                ScanOutcome::Alarm { code, status } => {
                    Some(format!("ALARM: {code} is {status} at this site"))
                }
                ScanOutcome::Unknown { reason } => Some(reason.to_string()),
                ScanOutcome::Ignored { reason } => Some(reason.to_string()),
            };
            (Some(r.seq), r.outcome.label(), error)
        }
        Err(e) => (None, "not_recorded", Some(e.to_string())),
    };
    if json {
        let mut line = serde_json::json!({
            "seq": seq, "aim": aim, "data_hex": hex::encode(data), "text": text, "outcome": outcome,
        });
        if let Ok(RecordedScan {
            outcome: ScanOutcome::Found { code, .. } | ScanOutcome::Alarm { code, .. },
            ..
        }) = recorded
        {
            line["code"] = serde_json::Value::String(code.clone());
        }
        if let Some(e) = error {
            line["error"] = serde_json::Value::String(e);
        }
        writeln!(out, "{line}")?;
    } else {
        let shown = text
            .map(str::to_string)
            .unwrap_or_else(|| hex::encode(data));
        let seq = seq.map(|s| format!("#{s}")).unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{seq:>8}  {outcome:<12} {shown}  {}",
            error.unwrap_or_default()
        )?;
    }
    out.flush()?;
    Ok(())
}

struct Recorder<'a> {
    ledger: &'a mut Ledger,
    actor: Option<&'a Actor>,
    device: String,
    port: String,
    profile: String,
}

impl Recorder<'_> {
    fn record(
        &mut self,
        aim: &str,
        data: &[u8],
        ignored: Option<IgnoredReason>,
    ) -> Result<RecordedScan, custody_core::CustodyError> {
        let input = ScanInput {
            device: self.device.clone(),
            port: self.port.clone(),
            profile: self.profile.clone(),
            aim: aim.to_string(),
            data: data.to_vec(),
            ignored,
        };
        self.ledger.record_scan(self.actor, &input)
    }
}

pub fn run(ctx: &Context, args: ScanArgs, acting: bool) -> Result<std::process::ExitCode> {
    // Every scan is recorded as someone's: no scanning without signing in.
    if !acting {
        anyhow::bail!(
            "scans are recorded as the person scanning: add --as BADGE (or set CUSTODY_AS)"
        );
    }
    let (mut ledger, actor) = {
        let (l, a) = ctx.login()?;
        (l, Some(a))
    };
    let profile = pick_profile(&args)?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    let mut config = SessionConfig::new(&args.port, profile.clone());
    config.debounce = Duration::from_millis(args.debounce_ms);
    config.reinit_on_connect = args.reinit_on_connect;
    let session = ScannerSession::start(config)?;
    eprintln!(
        "scanning {} with profile {} ({} {}); Ctrl-C to stop",
        args.port.display(),
        profile.name,
        profile.vendor,
        profile.model
    );
    eprintln!("feedback: {}", profile.feedback_capability().text());
    let mut recorder = Recorder {
        ledger: &mut ledger,
        actor: actor.as_ref(),
        device: format!("{} {}", profile.vendor, profile.model),
        port: args.port.display().to_string(),
        profile: profile.name.clone(),
    };
    let mut out = std::io::stdout().lock();
    let mut frames = 0u64;
    // After a stop request, drain what already arrived (nothing unacknowledged is lost that the
    // scanner confirmed, but this records as much as possible).
    let mut draining = false;
    loop {
        if stop.load(Ordering::Relaxed) && !draining {
            draining = true;
        }
        if args.count.is_some_and(|c| frames >= c) {
            break;
        }
        let wait = if draining {
            Duration::ZERO
        } else {
            Duration::from_millis(100)
        };
        let Some(event) = session.next_event(wait) else {
            if draining {
                break;
            }
            continue;
        };
        match event {
            ScanEvent::Scan(scan) => {
                let aim = scan.line.aim.map(|a| a.to_string()).unwrap_or_default();
                let recorded = recorder.record(&aim, &scan.line.data, None);
                let feedback = match &recorded {
                    Ok(r) if r.outcome.is_good() => Outcome::Accepted,
                    _ => Outcome::Refused,
                };
                // The commit happened (or failed) above; only now may the scanner beep.
                if let Err(e) = session.acknowledge(scan.id, feedback) {
                    eprintln!("feedback not sent: {e}");
                }
                report_line(&mut out, args.json, &aim, &scan.line.data, &recorded)?;
                frames += 1;
            }
            ScanEvent::Duplicate { data, .. } => {
                let reason = IgnoredReason::Repeat {
                    within_ms: args.debounce_ms,
                };
                let recorded = recorder.record("", &data, Some(reason));
                report_line(&mut out, args.json, "", &data, &recorded)?;
                frames += 1;
            }
            ScanEvent::LineError(e) => {
                let reason = IgnoredReason::Unreadable {
                    detail: e.to_string(),
                };
                let recorded = recorder.record("", e.bytes(), Some(reason));
                report_line(&mut out, args.json, "", e.bytes(), &recorded)?;
                frames += 1;
            }
            ScanEvent::Connected { path } => eprintln!("connected: {}", path.display()),
            ScanEvent::Waiting { path, reason } => {
                eprintln!("waiting for {}: {reason}", path.display())
            }
            ScanEvent::Disconnected { reason } => {
                eprintln!("scanner disconnected ({reason}); waiting for it to come back")
            }
            ScanEvent::Reconnected { path } => eprintln!("scanner back on {}", path.display()),
            ScanEvent::DeviceReply(text) => eprintln!("scanner said: {text}"),
            ScanEvent::FeedbackFailed { reason, .. } => eprintln!("feedback failed: {reason}"),
            ScanEvent::Stopped => break,
        }
    }
    session.shutdown();
    eprintln!("stopped after {frames} frames; every acknowledged scan is committed");
    Ok(std::process::ExitCode::SUCCESS)
}
