//! `custody`: the command line over custody-core. It holds no workflow rules of its own.

mod cmd_codes;
mod cmd_labels;
mod cmd_scanner;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "custody", version, about = "Barcode chain of custody for weapons depots and evidence rooms")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Understand scanned codes and read codes from images
    Codes(cmd_codes::Args),
    /// Render Custody labels (PNG, SVG, PDF, ZPL)
    Labels(cmd_labels::Args),
    /// Find, configure and simulate handheld scanners
    Scanner(cmd_scanner::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codes(args) => cmd_codes::run(args),
        Command::Labels(args) => cmd_labels::run(args),
        Command::Scanner(args) => cmd_scanner::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
