//! `custody sync`: send this site's events to the national registry (over HTTP or on a file)
//! and store the registry's cosignature; and the `--registry-key` part of `custody verify`.

use crate::session::Context;
use anyhow::{bail, Context as _, Result};
use clap::Subcommand;
use custody_core::sync::{read_registry_key, Cosignature};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Write a segment (events since the last cosigned checkpoint, ending with a fresh
    /// checkpoint) to a file for `custody-registry import`
    Export {
        #[arg(short, long)]
        output: PathBuf,
        /// First event to include (default: the one after the last cosigned checkpoint)
        #[arg(long)]
        from: Option<i64>,
    },
    /// Send the events the registry does not hold yet and store its cosignature
    Push {
        /// Registry base URL, e.g. http://registry.example:8080
        #[arg(long, env = "CUSTODY_REGISTRY_URL")]
        registry: String,
    },
    /// Store a cosignature file the registry gave back (`custody-registry import -o`)
    Cosign { file: PathBuf },
    /// The last cosigned checkpoint
    Status,
}

pub fn run(ctx: &Context, cmd: SyncCommand) -> Result<ExitCode> {
    match cmd {
        SyncCommand::Export { output, from } => {
            let mut ledger = ctx.open()?;
            let from = match from {
                Some(f) => f,
                None => ledger.last_cosigned_seq()? + 1,
            };
            let (bytes, first, last) = ledger.export_segment(from)?;
            custody_core::files::write_atomically(&output, &bytes)?;
            println!(
                "Segment of events {first}..{last} ({} bytes) written to {}",
                bytes.len(),
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        SyncCommand::Push { registry } => {
            let mut ledger = ctx.open()?;
            let base = registry.trim_end_matches('/');
            let site = ledger.site_id().to_string();
            let held = http_get(&format!("{base}/api/v1/sites/{site}/head"))?;
            let held: serde_json::Value =
                serde_json::from_str(&held).context("the registry's answer is not JSON")?;
            let held_seq = held["seq"].as_i64().unwrap_or(0);
            let held_head = held["head"].as_str().unwrap_or("").to_string();
            // Start after what the registry holds when that agrees with this ledger; otherwise
            // after the last cosignature, and the registry decides (overlap or fork).
            let ours = if held_seq > 0 {
                ledger
                    .events_from(held_seq)?
                    .first()
                    .filter(|e| e.seq == held_seq)
                    .map(|e| hex::encode(e.hash))
            } else {
                None
            };
            let from = if held_seq == 0 || ours.as_deref() == Some(held_head.as_str()) {
                held_seq + 1
            } else {
                ledger.last_cosigned_seq()? + 1
            };
            let (bytes, first, last) = ledger.export_segment(from)?;
            let answer = http_post(&format!("{base}/api/v1/segments"), &bytes)?;
            let cosignature: Cosignature = serde_json::from_str(&answer)
                .context("the registry's answer is not a cosignature")?;
            let seq = ledger.store_cosignature(&cosignature)?;
            println!(
                "Pushed events {first}..{last}; the registry cosigned checkpoint {} (stored as event {seq})",
                cosignature.size
            );
            Ok(ExitCode::SUCCESS)
        }
        SyncCommand::Cosign { file } => {
            let mut ledger = ctx.open()?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let cosignature: Cosignature =
                serde_json::from_str(&text).context("not a cosignature file")?;
            let seq = ledger.store_cosignature(&cosignature)?;
            println!(
                "Cosignature of checkpoint {} stored as event {seq}",
                cosignature.size
            );
            Ok(ExitCode::SUCCESS)
        }
        SyncCommand::Status => {
            let ledger = ctx.open()?;
            match ledger.registry_status()? {
                Some(st) => println!(
                    "Last sync: {}; last cosigned checkpoint: {} (head {}), registry key {}",
                    st.last_sync_time, st.cosigned_seq, st.cosigned_head, st.registry_key_id
                ),
                None => println!("No checkpoint of this site has been cosigned yet"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn answer_error(e: ureq::Error) -> anyhow::Error {
    match e {
        ureq::Error::Status(code, resp) => {
            let body = resp.into_string().unwrap_or_default();
            let message = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or(body);
            anyhow::anyhow!("the registry refused ({code}): {message}")
        }
        other => anyhow::anyhow!("cannot reach the registry: {other}"),
    }
}

fn http_get(url: &str) -> Result<String> {
    let resp = ureq::get(url).call().map_err(answer_error)?;
    Ok(resp.into_string()?)
}

fn http_post(url: &str, body: &[u8]) -> Result<String> {
    let resp = ureq::post(url)
        .set("Content-Type", "application/octet-stream")
        .send_bytes(body)
        .map_err(answer_error)?;
    Ok(resp.into_string()?)
}

/// `custody verify --registry-key FILE [--cosignature FILE]...`: every stored cosignature (and
/// each given file) must be by that key and name a checkpoint still in the ledger unchanged.
pub fn verify_registry(
    ctx: &Context,
    key_file: &PathBuf,
    external: &[PathBuf],
) -> Result<ExitCode> {
    let ledger = ctx.open()?;
    let text = std::fs::read_to_string(key_file)
        .with_context(|| format!("cannot read {}", key_file.display()))?;
    let key = read_registry_key(&text)?;
    let mut outside = Vec::new();
    for f in external {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        let c: Cosignature = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a cosignature file", f.display()))?;
        outside.push(c);
    }
    let (checked, problems) = ledger.verify_cosignatures(&key, &outside)?;
    if problems.is_empty() {
        if checked == 0 {
            bail!("no registry cosignature to check: push to the registry first (`custody sync push`)");
        }
        println!("OK: {checked} registry cosignatures hold");
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        println!("cosigned checkpoint {}: {}", p.checkpoint_seq, p.what);
    }
    Ok(ExitCode::from(1))
}
