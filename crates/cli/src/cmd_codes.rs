//! `custody codes`: say what scanned data means (one JSON object per scan) and read codes
//! from images. All the understanding lives in custody-codes; this file only does I/O.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use custody_codes::{classify, decode_image, unescape, Aim};
use serde_json::{json, Value};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: CodesCommand,
}

#[derive(clap::Subcommand, Debug)]
enum CodesCommand {
    /// Parse scans given as arguments, or one per line on standard input.
    ///
    /// Type control characters as \x1D, <GS>, <RS>, <EOT> (also \\, \n, \r, \t). A leading
    /// AIM symbology identifier such as ]C1 or ]d2 is honoured. Prints one JSON object per
    /// scan; exits non-zero if any scan was invalid.
    Parse {
        /// Scans to parse; reads standard input when none are given.
        scans: Vec<String>,
    },
    /// Find every barcode in a PNG image and print each as a JSON line.
    Decode {
        image: PathBuf,
        /// Give up after this long (some images make the decoder search for minutes).
        #[arg(long, default_value_t = 15_000)]
        timeout_ms: u64,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        CodesCommand::Parse { scans } => parse(scans),
        CodesCommand::Decode { image, timeout_ms } => decode(image, timeout_ms),
    }
}

fn parse_one(input: &str) -> (Value, bool) {
    let bytes = match unescape(input) {
        Ok(b) => b,
        Err(e) => return (json!({ "input": input, "error": e.to_string() }), false),
    };
    let (aim, data) = Aim::split(&bytes);
    let symbology = aim.map(|a| a.symbology());
    match classify(aim, data) {
        Ok(scanned) => {
            let mut v = serde_json::to_value(&scanned)
                .unwrap_or_else(|e| json!({ "error": e.to_string() }));
            if let Value::Object(map) = &mut v {
                map.insert("input".into(), json!(input));
                map.insert("symbology".into(), json!(symbology));
            }
            (v, true)
        }
        Err(e) => (
            json!({ "input": input, "symbology": symbology, "error": e.to_string() }),
            false,
        ),
    }
}

fn parse(scans: Vec<String>) -> anyhow::Result<ExitCode> {
    let inputs: Vec<String> = if scans.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .map(|l| l.map(|l| l.trim_end_matches('\r').to_string()))
            .collect::<Result<_, _>>()?
    } else {
        scans
    };
    let mut out = std::io::stdout().lock();
    let mut all_ok = true;
    for input in inputs.iter().filter(|l| !l.is_empty()) {
        let (value, ok) = parse_one(input);
        all_ok &= ok;
        writeln!(out, "{value}")?;
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

fn decode(image: PathBuf, timeout_ms: u64) -> anyhow::Result<ExitCode> {
    let png = std::fs::read(&image)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", image.display()))?;
    let found = decode_image(&png, Duration::from_millis(timeout_ms))?;
    let mut out = std::io::stdout().lock();
    for d in &found {
        let parsed = match classify(d.aim(), &d.bytes) {
            Ok(s) => serde_json::to_value(&s)?,
            Err(e) => json!({ "error": e.to_string() }),
        };
        writeln!(
            out,
            "{}",
            json!({ "symbology": d.symbology, "aim": d.aim, "text": d.text, "parsed": parsed })
        )?;
    }
    if found.is_empty() {
        eprintln!("no barcode found in {}", image.display());
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
