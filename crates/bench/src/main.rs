//! `custody-bench`: every figure is a ratio against an anchor measured in the same process, on
//! the same data. One JSON line per figure on stdout; progress on stderr.
//!
//! Usage: `cargo run --release -p custody-bench -- <suite>...` where a suite is one of
//! `ledger`, `scan`, `codes`, `docs`, `workflows`, `kiosk`, `security`, `registry`, `all`.
//! `--no-default-features` leaves out the kiosk suite and so the Slint build (minutes saved).

mod codes;
mod docs;
#[cfg(feature = "kiosk")]
mod kiosk;
mod ledger;
mod registry;
mod report;
mod scan;
mod security;
mod workflows;

use std::process::ExitCode;

type Suite = (&'static str, fn() -> anyhow::Result<()>);

const SUITES: &[Suite] = &[
    ("ledger", ledger::run),
    ("scan", scan::run),
    ("codes", || {
        codes::run();
        Ok(())
    }),
    ("docs", || {
        docs::run();
        Ok(())
    }),
    ("workflows", workflows::run),
    #[cfg(feature = "kiosk")]
    ("kiosk", kiosk::run),
    ("security", security::run),
    ("registry", registry::run),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!(
            "usage: custody-bench <suite>... (suites: {}, all)",
            SUITES.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
        );
        return ExitCode::from(2);
    }
    let wanted: Vec<&Suite> = if args.iter().any(|a| a == "all") {
        SUITES.iter().collect()
    } else {
        let mut v = Vec::new();
        for a in &args {
            match SUITES.iter().find(|s| s.0 == a) {
                Some(s) => v.push(s),
                None => {
                    eprintln!("unknown suite '{a}'");
                    return ExitCode::from(2);
                }
            }
        }
        v
    };
    for (name, run) in wanted {
        eprintln!("== suite {name}");
        if let Err(e) = run() {
            eprintln!("suite {name} failed: {e:#}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
