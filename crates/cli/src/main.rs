//! `custody`: the command line over custody-core. It parses arguments, asks for PINs, prints
//! results and maps errors to exit codes; every rule it enforces lives in custody-core.

mod cmd_ammo;
mod cmd_codes;
mod cmd_documents;
mod cmd_evidence;
mod cmd_labels;
mod cmd_ledger;
mod cmd_report;
mod cmd_scan;
mod cmd_scanner;
mod cmd_site;
mod cmd_sync;
mod cmd_verify_document;
mod cmd_workflows;
mod demo;
mod session;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "custody",
    version,
    about = "Barcode chain of custody for weapons depots and evidence rooms",
    long_about = "Barcode chain of custody for weapons depots and police evidence rooms.\n\
        Every action is recorded in a tamper-evident, signed ledger file.\n\n\
        PINs are never given on the command line: set CUSTODY_PIN (and CUSTODY_NEW_PIN,\n\
        CUSTODY_RECEIVER_PIN where asked) or type them when prompted. Witnesses and\n\
        co-signers (--witness BADGE) type their own PIN when the command asks for it."
)]
pub struct Cli {
    /// Ledger file (default: the per-user data folder, custody/custody.db)
    #[arg(long, global = true, env = "CUSTODY_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Badge of the person acting (their PIN comes from CUSTODY_PIN or a prompt)
    #[arg(long = "as", global = true, env = "CUSTODY_AS", value_name = "BADGE")]
    acting: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new site ledger, its signing key and the first administrator
    Init(cmd_ledger::InitArgs),
    /// Add people, change roles, unlock badges, change PINs
    #[command(subcommand)]
    User(cmd_ledger::UserCommand),
    /// Register and list storage locations (rooms, racks, shelves)
    #[command(subcommand)]
    Location(cmd_ledger::LocationCommand),
    /// Register one weapon at intake
    #[command(subcommand)]
    Weapon(cmd_ledger::WeaponCommand),
    /// Evidence exhibits: intake, review dates, disposition decisions, legal holds, release
    #[command(subcommand)]
    Evidence(cmd_evidence::EvidenceCommand),
    /// Ammunition and explosive ordnance by lot and quantity: receive, split, issue, return,
    /// expend, inspect, show, list
    #[command(subcommand)]
    Ammo(cmd_ammo::AmmoCommand),
    /// Bulk intake from a CSV file (collection campaigns)
    #[command(subcommand)]
    Import(cmd_ledger::ImportCommand),
    /// Move items to a location
    Move(cmd_ledger::MoveArgs),
    /// Hand custody of an item to another person (both give badge + PIN)
    Transfer(cmd_ledger::TransferArgs),
    /// Check an item out to a lab, court, range or repair shop
    Checkout(cmd_ledger::CheckoutArgs),
    /// Check a returned item back in
    Checkin(cmd_ledger::CheckinArgs),
    /// List items checked out and not back by their due date
    Overdue(cmd_ledger::OverdueArgs),
    /// Look up an item: status, location, holder and full history
    #[command(subcommand)]
    Item(cmd_ledger::ItemCommand),
    /// Check the whole ledger: hash chain, signatures and projections
    Verify(cmd_ledger::VerifyArgs),
    /// Rebuild the current-state tables from the events
    Rebuild,
    /// Write a signed checkpoint of the ledger head
    Checkpoint(cmd_ledger::CheckpointArgs),
    /// Recover administrator access with the site key file when no administrator can sign in
    BreakGlass(cmd_ledger::BreakGlassArgs),
    /// Write a verified backup of the ledger while it is in use (SQLite online backup)
    Backup(cmd_site::BackupArgs),
    /// Put a verified backup in place (the ledger there is kept aside, never overwritten)
    Restore(cmd_site::RestoreArgs),
    /// Check what this site needs and say what is wrong
    Doctor(cmd_site::DoctorArgs),
    /// The site and its checkpoint policy (how long a tail of events may stay unsigned)
    #[command(subcommand)]
    Site(cmd_site::SiteCommand),
    /// Export events or items (JSON lines, CSV)
    #[command(subcommand)]
    Export(cmd_ledger::ExportCommand),
    /// Count a location or the whole site (blind count), reconcile, resolve, close
    #[command(subcommand)]
    Stocktake(cmd_workflows::StocktakeCommand),
    /// Destruction batches: create, add, freeze, re-count, record, execute before witnesses
    #[command(subcommand)]
    Destruction(cmd_workflows::DestructionCommand),
    /// Hand items over to another site or agency with a signed bundle, and receive them
    #[command(subcommand)]
    Handover(cmd_workflows::HandoverCommand),
    /// This site's public key, and the keys of other sites it trusts
    #[command(subcommand)]
    Keys(cmd_workflows::KeysCommand),
    /// Build a demo ledger with sample weapons and walk through the main workflows
    Demo(demo::DemoArgs),
    /// Understand scanned codes and read codes from images
    Codes(cmd_codes::Args),
    /// Render Custody labels (PNG, SVG, PDF, ZPL)
    Labels(cmd_labels::Args),
    /// Find, configure and simulate handheld scanners
    Scanner(cmd_scanner::Args),
    /// Produce documents from the ledger: item histories (PDF, CSV, JSON)
    #[command(subcommand)]
    Report(cmd_report::ReportCommand),
    /// Check a certificate, manifest or report offline: from the PDF, a photo of a page, or the QR text
    VerifyDocument(cmd_verify_document::VerifyDocumentArgs),
    /// Read a scanner and record every scan in the ledger (a lookup unless a workflow is given)
    Scan(cmd_scan::ScanArgs),
    /// Send events to the national registry and store its cosignatures
    #[command(subcommand)]
    Sync(cmd_sync::SyncCommand),
    /// Write the manual pages (custody.1 and one per command) into a folder, for packaging
    #[command(hide = true)]
    ManualPages {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// custody.1, then custody-<command>.1 (and custody-<command>-<sub>.1) for every command.
fn manual_pages(out: &std::path::Path) -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    fn write(cmd: clap::Command, name: String, out: &std::path::Path) -> anyhow::Result<usize> {
        let cmd = cmd.name(name.clone());
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
        custody_core::files::save_in(out, &format!("{name}.1"), &page)?;
        let mut written = 1;
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let sub_name = format!("{name}-{}", sub.get_name());
            written += write(sub.clone(), sub_name, out)?;
        }
        Ok(written)
    }
    std::fs::create_dir_all(out)?;
    let mut cli = Cli::command();
    cli.build();
    let n = write(cli, "custody".into(), out)?;
    println!("{n} manual pages written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    // Everything this program creates (ledger, key, exports) is the custody user's alone.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    let cli = Cli::parse();
    let acting = cli.acting.is_some();
    let ctx = session::Context::new(cli.db, cli.acting);
    let result = match cli.command {
        Command::Init(args) => cmd_ledger::init(&ctx, args),
        Command::User(cmd) => cmd_ledger::user(&ctx, cmd),
        Command::Location(cmd) => cmd_ledger::location(&ctx, cmd),
        Command::Weapon(cmd) => cmd_ledger::weapon(&ctx, cmd),
        Command::Evidence(cmd) => cmd_evidence::evidence(&ctx, cmd),
        Command::Ammo(cmd) => cmd_ammo::ammo(&ctx, cmd),
        Command::Import(cmd) => cmd_ledger::import(&ctx, cmd),
        Command::Move(args) => cmd_ledger::move_items(&ctx, args),
        Command::Transfer(args) => cmd_ledger::transfer(&ctx, args),
        Command::Checkout(args) => cmd_ledger::checkout(&ctx, args),
        Command::Checkin(args) => cmd_ledger::checkin(&ctx, args),
        Command::Overdue(args) => cmd_ledger::overdue(&ctx, args),
        Command::Item(cmd) => cmd_ledger::item(&ctx, cmd),
        Command::Verify(args) => cmd_ledger::verify(&ctx, args),
        Command::Rebuild => cmd_ledger::rebuild(&ctx),
        Command::Checkpoint(args) => cmd_ledger::checkpoint(&ctx, args),
        Command::BreakGlass(args) => cmd_ledger::break_glass(&ctx, args),
        Command::Backup(args) => cmd_site::backup(&ctx, args),
        Command::Restore(args) => cmd_site::restore_cmd(&ctx, args),
        Command::Doctor(args) => cmd_site::doctor(&ctx, args),
        Command::Site(cmd) => cmd_site::site(&ctx, cmd),
        Command::Export(cmd) => cmd_ledger::export(&ctx, cmd),
        Command::Stocktake(cmd) => cmd_workflows::stocktake(&ctx, cmd),
        Command::Destruction(cmd) => cmd_workflows::destruction(&ctx, cmd),
        Command::Handover(cmd) => cmd_workflows::handover(&ctx, cmd),
        Command::Keys(cmd) => cmd_workflows::keys(&ctx, cmd),
        Command::Demo(args) => demo::run(args),
        Command::Codes(args) => cmd_codes::run(args),
        Command::Labels(args) => cmd_labels::run(&ctx, args),
        Command::Scanner(args) => cmd_scanner::run(args),
        Command::Report(cmd) => cmd_report::run(&ctx, cmd),
        Command::VerifyDocument(args) => cmd_verify_document::run(&ctx, args),
        Command::Scan(args) => cmd_scan::run(&ctx, args, acting),
        Command::Sync(cmd) => cmd_sync::run(&ctx, cmd),
        Command::ManualPages { out } => manual_pages(&out),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
