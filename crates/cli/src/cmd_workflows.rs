//! Stocktake, destruction, handover and key commands. Each calls one custody-core function;
//! second persons (witnesses, co-signers) authenticate with their own badge and type their own
//! PIN when the command asks for it.

use crate::session::Context;
use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use custody_core::ammo_disposal::{totals, LotLineView, LotQuantity};
use custody_core::bundle::{read_public_key, sha256_hex};
use custody_core::stocktake::ScanNote;
use custody_core::{
    Actor, DestructionMethod, DestructionRecord, HandoverDetails, Ledger, Resolution,
};
use std::io::{BufRead, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

/// Codes from the command line, then from a file (one per line; `-` reads standard input,
/// which is where a scanner in keyboard mode types).
pub(crate) fn codes(args: &[String], file: Option<&PathBuf>) -> Result<Vec<String>> {
    let mut out: Vec<String> = args.to_vec();
    if let Some(path) = file {
        let mut text = String::new();
        if path.as_os_str() == "-" {
            std::io::stdin().read_to_string(&mut text)?;
        } else {
            text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
        }
        out.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string),
        );
    }
    Ok(out)
}

/// Lot lines `LOT@LOCATION=QUANTITY` from arguments and a file (one per line).
pub(crate) fn lot_lines(args: &[String], file: Option<&PathBuf>) -> Result<Vec<LotQuantity>> {
    Ok(codes(args, file)?
        .iter()
        .map(|l| LotQuantity::parse(l))
        .collect::<Result<_, _>>()?)
}

/// Authenticates each witness at the moment they witness: each types their own PIN when asked
/// (at the terminal without echo; without a terminal, one line each on standard input). No
/// PIN of a witness ever passes through the operator's environment or command line.
pub(crate) fn witnesses(ledger: &mut Ledger, badges: &[String]) -> Result<Vec<Actor>> {
    let mut out = Vec::new();
    let stdin = std::io::stdin();
    for badge in badges {
        let prompt = format!("Witness {badge}, enter your PIN: ");
        let pin = if stdin.is_terminal() {
            rpassword::prompt_password(prompt)?
        } else {
            eprint!("{prompt}");
            let mut line = String::new();
            if stdin.lock().read_line(&mut line)? == 0 {
                bail!("witness {badge} gave no PIN: each witness types their own PIN when asked");
            }
            eprintln!();
            line.trim().to_string()
        };
        out.push(ledger.authenticate(badge, &pin)?);
    }
    Ok(out)
}

/// A bundle or receipt from a stick: refused before reading when larger than a bundle may be.
fn read_bundle(path: &std::path::Path) -> Result<Vec<u8>> {
    Ok(custody_core::files::read_limited(
        path,
        custody_core::bundle::MAX_BUNDLE_BYTES as u64,
    )?)
}

fn note_text(n: ScanNote) -> &'static str {
    match n {
        ScanNote::Counted => "counted",
        ScanNote::CountedAgain => "counted again (already scanned in this count)",
        ScanNote::Unknown => "UNKNOWN code: recorded; put the item aside for the supervisor",
        ScanNote::Alarm => {
            "ALARM: destroyed, released, transferred-out or lost item; put it aside and call the supervisor"
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Stocktake

#[derive(Subcommand, Debug)]
pub enum StocktakeCommand {
    /// Open a count for one or more locations (repeat --location), or the whole site if none
    Open {
        /// Location code or name to count (repeat for several)
        #[arg(long)]
        location: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record scans as they come (codes as arguments, or --file; '-' reads the scanner on stdin).
    /// You see only how many you have counted, never the expected list
    Scan {
        /// Stocktake code (S-...)
        stocktake: String,
        codes: Vec<String>,
        /// File with one scanned code per line ('-' for standard input)
        #[arg(long)]
        file: Option<PathBuf>,
        /// Location label scanned before these items (where you are counting)
        #[arg(long)]
        at: Option<String>,
    },
    /// How far a count is: scans and distinct codes (no expected list)
    Status {
        stocktake: String,
        #[arg(long)]
        json: bool,
    },
    /// Inspectors: found, missing, misplaced, unknown, duplicates and alarms, with resolutions
    Reconcile {
        stocktake: String,
        #[arg(long)]
        json: bool,
    },
    /// Inspectors: record how one discrepancy was settled
    Resolve {
        stocktake: String,
        /// The discrepancy as listed by reconcile, e.g. missing:W3K9...
        #[arg(long)]
        discrepancy: String,
        /// found_later, moved, reported_lost or data_error_corrected
        #[arg(long)]
        resolution: Resolution,
        /// Loss report number, decision, or the correcting event (needed for reported_lost and data_error_corrected)
        #[arg(long, default_value = "")]
        reference: String,
        #[arg(long, default_value = "")]
        note: String,
        /// For 'moved': where the item now is (default: where it was counted)
        #[arg(long)]
        to: Option<String>,
    },
    /// Close the count: you (--as) and a second person (--witness) sign; refused while any
    /// discrepancy is unresolved
    Close {
        stocktake: String,
        /// Badge of the co-signer (types their own PIN when asked)
        #[arg(long)]
        witness: String,
    },
    /// List counts, open and closed
    List,
}

pub fn stocktake(ctx: &Context, cmd: StocktakeCommand) -> Result<ExitCode> {
    match cmd {
        StocktakeCommand::Open { location, note } => {
            let (mut ledger, actor) = ctx.login()?;
            let s = ledger.stocktake_open(&actor, &location, &note)?;
            let scope = if s.whole_site {
                "the whole site".to_string()
            } else {
                s.locations.join(", ")
            };
            println!("Stocktake {} opened for {scope}", s.code);
        }
        StocktakeCommand::Scan {
            stocktake,
            codes: args,
            file,
            at,
        } => {
            let list = codes(&args, file.as_ref())?;
            if list.is_empty() {
                bail!("no codes: give them as arguments or with --file");
            }
            let (mut ledger, actor) = ctx.login()?;
            for code in &list {
                let t = ledger.stocktake_scan(&actor, &stocktake, code, at.as_deref())?;
                println!(
                    "{code}: {}  [{} scans, {} distinct]",
                    note_text(t.last),
                    t.scans,
                    t.distinct_codes
                );
            }
        }
        StocktakeCommand::Status { stocktake, json } => {
            let ledger = ctx.open()?;
            let s = ledger.stocktake(&stocktake)?;
            if json {
                println!("{}", serde_json::to_string(&s)?);
            } else {
                println!(
                    "Stocktake {} ({}): {} scans, {} distinct codes",
                    s.code, s.state, s.scans, s.distinct_codes
                );
                if let Some(sum) = s.summary {
                    println!(
                        "Closed: expected {}, found {}, missing {}, misplaced {}, unknown {}, duplicates {}, alarms {}, all resolved",
                        sum.expected, sum.found, sum.missing, sum.misplaced, sum.unknown, sum.duplicates, sum.alarms
                    );
                }
            }
        }
        StocktakeCommand::Reconcile { stocktake, json } => {
            let (ledger, actor) = ctx.login()?;
            let r = ledger.stocktake_reconcile(&actor, &stocktake)?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "Stocktake {}: expected {}, scans {}, found {}, {} discrepancies ({} unresolved)",
                    r.code,
                    r.expected,
                    r.scans,
                    r.found,
                    r.discrepancies.len(),
                    r.unresolved()
                );
                for d in &r.discrepancies {
                    println!(
                        "  {:<40} {:<50} {}",
                        d.key,
                        d.detail,
                        d.resolution.as_deref().unwrap_or("UNRESOLVED")
                    );
                }
            }
        }
        StocktakeCommand::Resolve {
            stocktake,
            discrepancy,
            resolution,
            reference,
            note,
            to,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.stocktake_resolve(
                &actor,
                &stocktake,
                &discrepancy,
                resolution,
                &reference,
                &note,
                to.as_deref(),
            )?;
            println!(
                "{discrepancy}: resolved as {} (event {seq})",
                resolution.as_str()
            );
        }
        StocktakeCommand::Close { stocktake, witness } => {
            let (mut ledger, counter) = ctx.login()?;
            let cosigner = witnesses(&mut ledger, std::slice::from_ref(&witness))?.remove(0);
            let (sum, checkpoint) = ledger.stocktake_close(&counter, &cosigner, &stocktake)?;
            println!(
                "Stocktake closed by {} and {}: expected {}, found {}, missing {}, misplaced {}, unknown {}, duplicates {}, alarms {}; signed checkpoint event {checkpoint}",
                counter.name, cosigner.name, sum.expected, sum.found, sum.missing, sum.misplaced, sum.unknown, sum.duplicates, sum.alarms
            );
        }
        StocktakeCommand::List => {
            let ledger = ctx.open()?;
            for s in ledger.stocktakes()? {
                let scope = if s.whole_site {
                    "whole site".to_string()
                } else {
                    s.locations.join(", ")
                };
                println!("{}  {:<7} {:>7} scans  {scope}", s.code, s.state, s.scans);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// Destruction

#[derive(Subcommand, Debug)]
pub enum DestructionCommand {
    /// Open a destruction batch under a legal authority and decision; prints its B-code
    Create {
        /// The body that ordered the destruction (e.g. "Ministry of Interior")
        #[arg(long)]
        authority: String,
        /// Number of the signed decision
        #[arg(long)]
        decision: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Add items by scan or list. Refused: destroyed/transferred, checked-out, in another
    /// batch, exhibits on legal hold or without a disposal authority
    Add {
        batch: String,
        codes: Vec<String>,
        /// File with one code per line ('-' for standard input)
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Add quantities of ammunition lots: LOT@LOCATION=QUANTITY (repeat --lot, or a file with
    /// one per line). All or none; refused: lots on legal hold, more than the location holds
    /// free of other batches, a lot already in the batch at that location
    AddLots {
        batch: String,
        #[arg(long = "lot")]
        lots: Vec<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Take a lot line off an open batch, with a reason
    RemoveLot {
        batch: String,
        lot: String,
        #[arg(long)]
        at: String,
        #[arg(long)]
        reason: String,
    },
    /// Freeze the list (digest over the sorted codes); items then await destruction
    Freeze { batch: String },
    /// At the destruction site, scan every item of the frozen batch and count every lot line
    /// (--lot LOT@LOCATION=QUANTITY); any missing or extra item or quantity refuses the
    /// re-count
    Recount {
        batch: String,
        codes: Vec<String>,
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long = "lot")]
        lots: Vec<String>,
        /// File of counted lot lines, one LOT@LOCATION=QUANTITY per line
        #[arg(long)]
        lots_file: Option<PathBuf>,
    },
    /// Record method, equipment, place, date, scrap weight and photos
    Record {
        batch: String,
        /// cutting, crushing, shredding, smelting or detonation
        #[arg(long)]
        method: DestructionMethod,
        #[arg(long)]
        equipment: String,
        #[arg(long)]
        place: String,
        /// YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// Scrap weight in kilograms
        #[arg(long)]
        scrap_weight: String,
        /// Photo file; its SHA-256 is recorded (repeat for several)
        #[arg(long)]
        photo: Vec<PathBuf>,
    },
    /// Execute: you (--as) operate; at least two witnesses (--witness, repeat), each a
    /// different person, give their PINs. Writes a signed checkpoint
    Execute {
        batch: String,
        /// Witness badge (repeat; each types their own PIN when asked)
        #[arg(long)]
        witness: Vec<String>,
    },
    /// Take items off an open batch, with a reason (a frozen batch must be unfrozen first)
    Remove {
        batch: String,
        codes: Vec<String>,
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long)]
        reason: String,
    },
    /// Open a frozen batch again, with a reason: its items are back in store until it is
    /// frozen and re-counted again
    Unfreeze {
        batch: String,
        #[arg(long)]
        reason: String,
    },
    /// Give up a batch that was not executed, with a reason: its items are back in store
    Cancel {
        batch: String,
        #[arg(long)]
        reason: String,
    },
    /// Show a batch: state, digest, record, witnesses and its item codes
    Show {
        batch: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn destruction(ctx: &Context, cmd: DestructionCommand) -> Result<ExitCode> {
    match cmd {
        DestructionCommand::Create {
            authority,
            decision,
            note,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let b = ledger.destruction_create(&actor, &authority, &decision, &note)?;
            println!(
                "Destruction batch {} created ({authority}, decision {decision})",
                b.code
            );
        }
        DestructionCommand::Add {
            batch,
            codes: args,
            file,
        } => {
            let list = codes(&args, file.as_ref())?;
            let (mut ledger, actor) = ctx.login()?;
            let seqs = ledger.destruction_add(&actor, &batch, &list)?;
            println!("{} items added to batch {batch}", seqs.len());
        }
        DestructionCommand::Freeze { batch } => {
            let (mut ledger, actor) = ctx.login()?;
            let b = ledger.destruction_freeze(&actor, &batch)?;
            println!(
                "Batch {} frozen: {} items, digest {}",
                b.code,
                b.items,
                b.digest.unwrap_or_default()
            );
        }
        DestructionCommand::AddLots { batch, lots, file } => {
            let lines = lot_lines(&lots, file.as_ref())?;
            let (mut ledger, actor) = ctx.login()?;
            let seqs = ledger.destruction_add_lots(&actor, &batch, &lines)?;
            let total: i64 = lines.iter().map(|l| l.quantity).sum();
            println!(
                "{} lot lines ({total} units) added to batch {batch}",
                seqs.len()
            );
        }
        DestructionCommand::RemoveLot {
            batch,
            lot,
            at,
            reason,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.destruction_remove_lot(&actor, &batch, &lot, &at, &reason)?;
            println!("Lot {lot} at {at} taken off batch {batch} (event {seq})");
        }
        DestructionCommand::Recount {
            batch,
            codes: args,
            file,
            lots,
            lots_file,
        } => {
            let list = codes(&args, file.as_ref())?;
            let counted = lot_lines(&lots, lots_file.as_ref())?;
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.destruction_recount_counted(&actor, &batch, &list, &counted)?;
            println!("Batch {batch} re-counted: matches the frozen list (event {seq})");
        }
        DestructionCommand::Record {
            batch,
            method,
            equipment,
            place,
            date,
            scrap_weight,
            photo,
        } => {
            let photo_digests = photo
                .iter()
                .map(|p| {
                    std::fs::read(p)
                        .map(|b| sha256_hex(&b))
                        .with_context(|| format!("cannot read photo {}", p.display()))
                })
                .collect::<Result<_>>()?;
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.destruction_record(
                &actor,
                &batch,
                DestructionRecord {
                    method,
                    equipment,
                    place,
                    date,
                    scrap_weight_kg: scrap_weight,
                    photo_digests,
                },
            )?;
            println!("Destruction details recorded for batch {batch} (event {seq})");
        }
        DestructionCommand::Execute { batch, witness } => {
            let (mut ledger, operator) = ctx.login()?;
            let ws = witnesses(&mut ledger, &witness)?;
            let refs: Vec<&Actor> = ws.iter().collect();
            let (seq, checkpoint) = ledger.destruction_execute(&operator, &refs, &batch)?;
            let names: Vec<&str> = ws.iter().map(|w| w.name.as_str()).collect();
            println!(
                "Batch {batch} DESTROYED (event {seq}); operator {}, witnesses {}; signed checkpoint event {checkpoint}",
                operator.name,
                names.join(", ")
            );
        }
        DestructionCommand::Remove {
            batch,
            codes: args,
            file,
            reason,
        } => {
            let list = codes(&args, file.as_ref())?;
            let (mut ledger, actor) = ctx.login()?;
            let seqs = ledger.destruction_remove(&actor, &batch, &list, &reason)?;
            println!("{} items removed from batch {batch}", seqs.len());
        }
        DestructionCommand::Unfreeze { batch, reason } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.destruction_unfreeze(&actor, &batch, &reason)?;
            println!("Batch {batch} unfrozen (event {seq}); its items are back in store");
        }
        DestructionCommand::Cancel { batch, reason } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.destruction_cancel(&actor, &batch, &reason)?;
            println!("Batch {batch} CANCELLED (event {seq}); its items are back in store");
        }
        DestructionCommand::Show { batch, json } => {
            let ledger = ctx.open()?;
            let b = ledger.destruction_batch(&batch)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&b)?);
            } else {
                println!("Batch {} ({})", b.code, b.state);
                println!(
                    "  authority {}, decision {}",
                    b.authority, b.decision_reference
                );
                println!(
                    "  {} items, digest {}",
                    b.items,
                    b.digest.as_deref().unwrap_or("(not frozen)")
                );
                if let Some(r) = &b.record {
                    println!(
                        "  {} with {} at {} on {}, scrap {} kg, {} photos",
                        r.method.as_str(),
                        r.equipment,
                        r.place,
                        r.date,
                        r.scrap_weight_kg,
                        r.photo_digests.len()
                    );
                }
                for c in &b.codes {
                    println!("  {c}");
                }
                print_lot_lines(&ledger.destruction_lots(&batch)?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Lot lines with their quantities and NEQ, and the totals.
/// A handover lot line's count on arrival and its difference from what was dispatched.
fn arrival(l: &LotLineView) -> String {
    let Some(counted) = l.received else {
        return String::new();
    };
    let difference = match counted.cmp(&l.quantity) {
        std::cmp::Ordering::Equal => String::new(),
        std::cmp::Ordering::Less => format!(", SHORT by {}", l.quantity - counted),
        std::cmp::Ordering::Greater => format!(", OVER by {}", counted - l.quantity),
    };
    let settled = if l.lost_in_transit > 0 {
        format!(", {} settled as lost in transit", l.lost_in_transit)
    } else {
        String::new()
    };
    format!("; counted on arrival {counted}{difference}{settled}")
}

pub(crate) fn print_lot_lines(lines: &[LotLineView]) {
    if lines.is_empty() {
        return;
    }
    for l in lines {
        println!(
            "  lot {} ({} {} {}) at {}: {} {}, NEQ {} kg{}",
            l.lot_number,
            l.ammo_type,
            l.calibre,
            l.hazard,
            l.location,
            l.quantity,
            l.unit,
            l.line_neq_kg,
            arrival(l)
        );
    }
    let (units, neq_kg) = totals(lines);
    println!(
        "  {} lot lines, {units} units, NEQ {neq_kg} kg",
        lines.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Handover

#[derive(Args, Debug)]
pub struct DispatchArgs {
    /// Sending organisation and person
    #[arg(long)]
    sender: String,
    /// Receiving organisation and person
    #[arg(long)]
    receiver: String,
    /// Law, order or decision the handover rests on
    #[arg(long)]
    legal_basis: String,
    /// Vehicle, escort, route
    #[arg(long)]
    transport: String,
    /// Container numbers (repeat or comma-separate)
    #[arg(long, value_delimiter = ',')]
    container: Vec<String>,
    /// Seal numbers (repeat or comma-separate)
    #[arg(long, value_delimiter = ',')]
    seal: Vec<String>,
    #[arg(long, default_value = "")]
    note: String,
    /// Item codes or serials
    codes: Vec<String>,
    /// File with one code per line ('-' for standard input)
    #[arg(long)]
    file: Option<PathBuf>,
    /// Ammunition: LOT@LOCATION=QUANTITY (repeat); the quantity leaves the location as
    /// transferred out. Lots on legal hold are refused
    #[arg(long = "lot")]
    lots: Vec<String>,
    /// File of lot lines, one LOT@LOCATION=QUANTITY per line
    #[arg(long)]
    lots_file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum HandoverCommand {
    /// Dispatch items to another site or agency; they are in transit from now on
    Dispatch(DispatchArgs),
    /// Write the signed bundle file that travels with the items (USB stick)
    Export {
        manifest: String,
        /// The receiving site: the name or key id of a trusted key (custody keys list); only
        /// that site can import the bundle and only its receipt is accepted back
        #[arg(long)]
        to: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Receiving site: import a bundle; its signature must be by a trusted key
    Import { file: PathBuf },
    /// Receiving site: scan each item on arrival
    Receive {
        manifest: String,
        codes: Vec<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Receiving site: sign for the counted items. Missing and extra items are logged first;
    /// only counted items pass into custody here
    Close {
        manifest: String,
        /// Where the received items are stored
        #[arg(long)]
        location: Option<String>,
        /// Optional witness badge (types their own PIN when asked)
        #[arg(long)]
        witness: Option<String>,
        /// Ammunition counted on arrival: LOT=QUANTITY (the sender's lot id or the lot
        /// number; repeat); a lot not named arrived with nothing
        #[arg(long = "lot")]
        lots: Vec<String>,
    },
    /// Receiving site: write the signed receipt to send back
    Receipt {
        manifest: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Sending site: import the receipt; received items become transferred out
    ImportReceipt { file: PathBuf },
    /// Sending site: settle items the receiver reported missing, and lots that arrived short,
    /// as lost in transit, on a reference, with a co-signer (--witness); every missing item and
    /// every lot shortfall when neither a code nor --lot is given
    Settle {
        manifest: String,
        codes: Vec<String>,
        /// A lot that arrived short (id, label or lot number; repeat): its whole open
        /// shortfall is settled
        #[arg(long = "lot")]
        lots: Vec<String>,
        /// Loss report or inquiry number
        #[arg(long)]
        reference: String,
        /// Co-signer's badge (types their own PIN when asked)
        #[arg(long)]
        witness: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List handovers, outgoing and incoming
    List,
}

fn print_handover(h: &custody_core::handover::HandoverView) {
    let counts: Vec<String> = h.counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    println!(
        "{}  {:<3} {:<10} {} items ({})  {} -> {}",
        h.code,
        h.direction,
        h.state,
        h.items,
        counts.join(", "),
        h.details.sender,
        h.details.receiver
    );
}

pub fn handover(ctx: &Context, cmd: HandoverCommand) -> Result<ExitCode> {
    match cmd {
        HandoverCommand::Dispatch(a) => {
            let list = codes(&a.codes, a.file.as_ref())?;
            let lots = lot_lines(&a.lots, a.lots_file.as_ref())?;
            let (mut ledger, actor) = ctx.login()?;
            let h = ledger.handover_dispatch_with_lots(
                &actor,
                &HandoverDetails {
                    sender: a.sender,
                    receiver: a.receiver,
                    legal_basis: a.legal_basis,
                    transport: a.transport,
                    containers: a.container,
                    seals: a.seal,
                    note: a.note,
                },
                &list,
                &lots,
            )?;
            println!(
                "Handover {} dispatched: {} items in transit, list digest {}",
                h.code, h.items, h.items_digest
            );
            print_lot_lines(&ledger.handover_lots(&h.code)?);
        }
        HandoverCommand::Export {
            manifest,
            to,
            output,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let bytes = ledger.handover_export(&actor, &manifest, &to)?;
            custody_core::files::write_atomically(&output, &bytes)?;
            println!(
                "Signed bundle written to {} ({} bytes, sha256 {})",
                output.display(),
                bytes.len(),
                sha256_hex(&bytes)
            );
        }
        HandoverCommand::Import { file } => {
            let bytes = read_bundle(&file)?;
            let (mut ledger, actor) = ctx.login()?;
            let h = ledger.handover_import(&actor, &bytes)?;
            println!(
                "Bundle verified and imported: handover {} with {} items expected; scan them on arrival",
                h.code, h.items
            );
        }
        HandoverCommand::Receive {
            manifest,
            codes: args,
            file,
        } => {
            let list = codes(&args, file.as_ref())?;
            if list.is_empty() {
                bail!("no codes: give them as arguments or with --file");
            }
            let (mut ledger, actor) = ctx.login()?;
            for code in &list {
                let t = ledger.handover_receive(&actor, &manifest, std::slice::from_ref(code))?;
                let what = if t.on_list {
                    "on the list"
                } else {
                    "NOT ON THE LIST: recorded as extra"
                };
                println!("{code}: {what}  [{} of {} counted]", t.counted, t.expected);
            }
        }
        HandoverCommand::Close {
            manifest,
            location,
            witness,
            lots,
        } => {
            let counted = lots
                .iter()
                .map(|l| {
                    l.rsplit_once('=')
                        .and_then(|(lot, q)| Some((lot.trim().to_string(), q.trim().parse().ok()?)))
                        .ok_or_else(|| custody_core::CustodyError::BadLotQuantity(l.clone()))
                })
                .collect::<Result<Vec<(String, i64)>, _>>()?;
            let (mut ledger, receiver) = ctx.login()?;
            let w = match witness {
                Some(b) => Some(witnesses(&mut ledger, &[b])?.remove(0)),
                None => None,
            };
            let a = ledger.handover_accept_with_lots(
                &receiver,
                w.as_ref(),
                &manifest,
                location.as_deref(),
                &counted,
            )?;
            println!(
                "Handover {manifest} signed by {}: {} received, {} missing, {} extra; signed checkpoint event {}",
                receiver.name,
                a.received.len(),
                a.missing.len(),
                a.extra.len(),
                a.checkpoint
            );
            for c in &a.missing {
                println!("  missing: {c}");
            }
            for c in &a.extra {
                println!("  extra:   {c}");
            }
            print_lot_lines(&ledger.handover_lots(&manifest)?);
        }
        HandoverCommand::Receipt { manifest, output } => {
            let (mut ledger, actor) = ctx.login()?;
            let bytes = ledger.handover_receipt(&actor, &manifest)?;
            custody_core::files::write_atomically(&output, &bytes)?;
            println!("Signed receipt written to {}", output.display());
            print_lot_lines(&ledger.handover_lots(&manifest)?);
        }
        HandoverCommand::ImportReceipt { file } => {
            let bytes = read_bundle(&file)?;
            let (mut ledger, actor) = ctx.login()?;
            let h = ledger.handover_import_receipt(&actor, &bytes)?;
            print_handover(&h);
            print_lot_lines(&ledger.handover_lots(&h.code)?);
        }
        HandoverCommand::Settle {
            manifest,
            codes,
            lots,
            reference,
            witness,
            note,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let cosigner = witnesses(&mut ledger, std::slice::from_ref(&witness))?.remove(0);
            let seq = ledger.handover_settle_with_lots(
                &actor, &cosigner, &manifest, &codes, &lots, &reference, &note,
            )?;
            println!(
                "Handover {manifest}: missing items and lot shortfalls settled as LOST IN TRANSIT by {} and {} (event {seq})",
                actor.name, cosigner.name
            );
            print_lot_lines(&ledger.handover_lots(&manifest)?);
        }
        HandoverCommand::List => {
            let ledger = ctx.open()?;
            for h in ledger.handovers()? {
                print_handover(&h);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// Keys

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Write this site's public key file, to give to the other site's administrator
    Export {
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Administrators: trust another site's public key (a key file or 64 hex digits)
    Trust {
        /// Key file from `custody keys export`, or the key as hex
        key: String,
        /// Name of the other site or agency
        #[arg(long)]
        name: Option<String>,
    },
    /// Administrators: withdraw trust from another site's key (by name or key id)
    Revoke {
        key: String,
        #[arg(long)]
        reason: String,
    },
    /// List trusted keys
    List,
}

pub fn keys(ctx: &Context, cmd: KeysCommand) -> Result<ExitCode> {
    match cmd {
        KeysCommand::Export { output } => {
            let ledger = ctx.open()?;
            let text = ledger.public_key_export()?;
            match output {
                Some(p) => {
                    custody_core::files::write_atomically(&p, text.as_bytes())?;
                    println!("Public key written to {}", p.display());
                }
                None => print!("{text}"),
            }
        }
        KeysCommand::Trust { key, name } => {
            let path = PathBuf::from(&key);
            let text = if path.is_file() {
                std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?
            } else {
                key.clone()
            };
            let (hex_key, file_name) = read_public_key(&text)?;
            let Some(name) = name.or(file_name) else {
                bail!("give the key a name with --name (the other site or agency)");
            };
            let (mut ledger, admin) = ctx.login()?;
            let seq = ledger.trust_key(&admin, &hex_key, &name)?;
            println!("Key of '{name}' is now trusted (event {seq})");
        }
        KeysCommand::Revoke { key, reason } => {
            let (mut ledger, admin) = ctx.login()?;
            let seq = ledger.revoke_key(&admin, &key, &reason)?;
            println!("Key {key} revoked (event {seq}); its bundles, receipts and seals are refused from now on");
        }
        KeysCommand::List => {
            let ledger = ctx.open()?;
            println!(
                "this site  {}  {}",
                ledger.key_id()?,
                ledger.public_key_hex()?
            );
            for k in ledger.trusted_keys()? {
                println!("{:<10} {}  {}", k.name, k.key_id, k.public_key);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
