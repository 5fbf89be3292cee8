//! `custody ammo`: ammunition and explosive ordnance by lot and quantity. Each command calls one
//! custody-core function; the rules (quantities, duplicates, conservation) live there.

use crate::session::Context;
use anyhow::Result;
use clap::{Args, Subcommand};
use custody_core::ammo::{AmmoCondition, AmmoIssue, AmmoUnit, LotRecord, LotView};
use custody_core::limits::StoreView;
use custody_core::Origin;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct LotFields {
    /// What it is: cartridge, hand grenade, mortar bomb, ...
    #[arg(long = "type")]
    ammo_type: String,
    #[arg(long, default_value = "")]
    description: String,
    #[arg(long, default_value = "")]
    calibre: String,
    #[arg(long, default_value = "")]
    manufacturer: String,
    /// The lot number as marked (required for state stock)
    #[arg(long = "lot", default_value = "")]
    lot_number: String,
    /// Year of manufacture
    #[arg(long)]
    year: Option<i32>,
    /// UN hazard division and compatibility group, e.g. 1.4S or 1.2E
    #[arg(long)]
    hazard: String,
    /// Net explosive quantity per unit, in kilograms (e.g. 0.0016)
    #[arg(long = "neq-kg")]
    neq_kg: String,
    /// rounds, pieces or kilograms
    #[arg(long, default_value = "rounds")]
    unit: AmmoUnit,
    /// Units per package (default 1, or the count of a scanned maker's marking)
    #[arg(long)]
    per_package: Option<u32>,
    /// A maker's GS1 marking as scanned (e.g. (01)…(10)LOT(30)20): fills the lot number
    /// (AI 10) and the units per package (AI 30)
    #[arg(long)]
    scan: Option<String>,
    /// state_stock, seized, voluntary_surrender, found, transferred_in
    #[arg(long, default_value = "state_stock")]
    origin: Origin,
    /// Where collected ordnance was found or handed in
    #[arg(long, default_value = "")]
    found_at: String,
}

impl LotFields {
    fn record(self) -> Result<LotRecord> {
        let mut lot_number = self.lot_number;
        let mut per_package = self.per_package;
        if let Some(scan) = &self.scan {
            let marking = custody_core::ammo_labels::read_maker_marking(scan)?;
            if !lot_number.trim().is_empty() && lot_number.trim() != marking.lot_number {
                anyhow::bail!(
                    "--lot {lot_number} differs from the scanned marking's lot {}; give one of them",
                    marking.lot_number
                );
            }
            lot_number = marking.lot_number;
            per_package = per_package.or(marking.count);
        }
        Ok(LotRecord {
            ammo_type: self.ammo_type,
            description: self.description,
            calibre: self.calibre,
            manufacturer: self.manufacturer,
            lot_number,
            year: self.year,
            hazard: self.hazard,
            neq_kg: self.neq_kg,
            unit: self.unit,
            units_per_package: per_package.unwrap_or(1),
            origin: self.origin,
            found_at: self.found_at,
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum AmmoCommand {
    /// Receive a new lot with its quantity at a location; prints the lot's id. A second lot
    /// with the same manufacturer, lot number and calibre is refused
    Receive {
        #[command(flatten)]
        fields: LotFields,
        // Signed, so that core refuses a negative quantity by name rather than the parser.
        #[arg(long, allow_negative_numbers = true)]
        quantity: i64,
        /// Location code or name where it is stored
        #[arg(long)]
        location: String,
        /// serviceable, unserviceable, awaiting_inspection, for_disposal
        #[arg(long, default_value = "serviceable")]
        condition: AmmoCondition,
    },
    /// Move part of a lot from one location to another (it stays the same lot)
    Split {
        /// Lot id, or its lot number when only one lot has it
        lot: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, allow_negative_numbers = true)]
        quantity: i64,
    },
    /// Issue a quantity to a unit or person; the person who signs for it is named
    Issue {
        lot: String,
        /// Location it is taken from
        #[arg(long)]
        from: String,
        #[arg(long, allow_negative_numbers = true)]
        quantity: i64,
        /// The unit or person it goes to
        #[arg(long)]
        to: String,
        #[arg(long)]
        purpose: String,
        /// Name of the person who signs for it on receipt
        #[arg(long, default_value = "")]
        signer: String,
    },
    /// Take back part of what was issued (never more than is out)
    Return {
        lot: String,
        /// Location it goes back to
        #[arg(long)]
        to: String,
        #[arg(long, allow_negative_numbers = true)]
        quantity: i64,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a quantity used: from a location, or from what is issued out without --from
    Expend {
        lot: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long, allow_negative_numbers = true)]
        quantity: i64,
        /// Range order, exercise or test report
        #[arg(long, default_value = "")]
        reference: String,
    },
    /// Set a lot's condition after an inspection (inspector or administrator)
    Inspect {
        lot: String,
        /// serviceable, unserviceable, awaiting_inspection, for_disposal
        #[arg(long)]
        condition: AmmoCondition,
        /// What was found
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A lot: what it is, its quantity per location, issued out and expended
    Show {
        lot: String,
        #[arg(long)]
        json: bool,
    },
    /// Every lot with its quantities
    List {
        #[arg(long)]
        json: bool,
    },
    /// Every location: NEQ held against its licence and the compatibility groups present
    Stores {
        #[arg(long)]
        json: bool,
    },
    /// Count a lot at a location in an open stocktake: packages and loose units (blind: you
    /// hear back only what you counted). Entries for the same lot and place add up
    Count {
        /// Stocktake code (S-...)
        stocktake: String,
        lot: String,
        /// Where it was counted
        #[arg(long)]
        at: String,
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        packages: i64,
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        loose: i64,
    },
    /// Put a lot on legal hold on a recorded order, or lift the hold (--lift): a held lot is
    /// not destroyed or handed over (custodian or administrator)
    Hold {
        lot: String,
        /// The court's or prosecutor's order
        #[arg(long)]
        order: String,
        #[arg(long)]
        lift: bool,
    },
    /// Count scanned packages at a location in an open stocktake: each Custody package label
    /// counts one package of its lot, each maker's GS1 marking the units of its AI 30
    /// (codes as arguments, or one per line from --file, '-' for a scanner on standard input)
    CountScan {
        stocktake: String,
        #[arg(long)]
        at: String,
        codes: Vec<String>,
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// A count's lot lines, expected against counted (inspector or administrator)
    CountLines {
        stocktake: String,
        #[arg(long)]
        json: bool,
    },
    /// Settle a quantity discrepancy: the stock goes to what was counted, with a reason; you
    /// (--as, inspector or administrator) and a second person (--witness) sign
    Adjust {
        stocktake: String,
        lot: String,
        #[arg(long)]
        at: String,
        #[arg(long, default_value = "")]
        reason: String,
        /// The co-signer's badge (types their own PIN when asked)
        #[arg(long)]
        witness: String,
    },
}

fn print_lot(v: &LotView) {
    let l = &v.lot;
    println!("Lot {} ({})", v.id, l.lot_number);
    let what: Vec<&str> = [&l.ammo_type, &l.calibre, &l.description]
        .into_iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty())
        .collect();
    let maker = if l.manufacturer.is_empty() {
        "unknown maker"
    } else {
        &l.manufacturer
    };
    let year = l.year.map_or("year unknown".to_string(), |y| y.to_string());
    println!("  {} by {maker}, {year}", what.join(" "));
    println!(
        "  hazard {}, NEQ {} kg per unit, {} {} per package; origin {}{}",
        l.hazard,
        l.neq_kg,
        l.units_per_package,
        l.unit,
        l.origin.as_str(),
        if l.found_at.is_empty() {
            String::new()
        } else {
            format!(", found at {}", l.found_at)
        }
    );
    println!("  condition: {}", v.condition);
    println!("  received: {} {}", v.received, l.unit);
    for (place, q) in &v.stock {
        println!("  at {place}: {q}");
    }
    println!("  in store: {}", v.in_store);
    println!("  issued out: {}", v.issued_out);
    println!("  expended: {}", v.expended);
    for (what, q) in [
        ("destroyed", v.destroyed),
        ("transferred out", v.transferred_out),
        ("found in counts", v.found),
        ("lost in counts", v.lost),
        ("lost in transit", v.lost_in_transit),
    ] {
        if q > 0 {
            println!("  {what}: {q}");
        }
    }
    if !v.legal_hold.is_empty() {
        println!("  ON LEGAL HOLD: {}", v.legal_hold);
    }
}

fn print_store(v: &StoreView) {
    let licence = match (&v.limits.max_neq_kg, &v.headroom_kg, &v.over_licence_kg) {
        (None, ..) => "no licence limit".to_string(),
        (Some(max), Some(room), _) => format!("of {max} kg licensed, {room} kg free"),
        (Some(max), _, over) => format!(
            "of {max} kg licensed, OVER by {} kg",
            over.as_deref().unwrap_or("?")
        ),
    };
    let allowed = if v.limits.groups.is_empty() {
        "any".to_string()
    } else {
        v.limits.groups.join(",")
    };
    let present = if v.groups_present.is_empty() {
        "none".to_string()
    } else {
        v.groups_present.join(",")
    };
    println!(
        "{:<24} NEQ {} kg {licence}; groups present {present}, allowed {allowed}",
        v.location, v.neq_kg
    );
}

pub fn ammo(ctx: &Context, cmd: AmmoCommand) -> Result<ExitCode> {
    match cmd {
        AmmoCommand::Show { lot, json } => {
            let view = ctx.open()?.ammo_lot(&lot)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                print_lot(&view);
            }
        }
        AmmoCommand::List { json } => {
            let lots = ctx.open()?.ammo_lots()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&lots)?);
            } else {
                for v in &lots {
                    println!(
                        "{}  {:<12} {:<10} {:<10} {:<5} {:<19} received {} in store {} issued out {} expended {}",
                        v.id, v.lot.lot_number, v.lot.calibre, v.lot.ammo_type, v.lot.hazard,
                        v.condition, v.received, v.in_store, v.issued_out, v.expended
                    );
                }
                println!("{} lots", lots.len());
            }
        }
        AmmoCommand::Stores { json } => {
            let stores = ctx.open()?.ammo_stores()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&stores)?);
            } else {
                for v in &stores {
                    print_store(v);
                }
            }
        }
        AmmoCommand::Receive {
            fields,
            quantity,
            location,
            condition,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let record = fields.record()?;
            let number = record.lot_number.clone();
            let (id, seq) = ledger.ammo_receive(&actor, record, quantity, &location, condition)?;
            println!("Received lot {number} as {id}: {quantity} at {location} (event {seq})");
        }
        AmmoCommand::Split {
            lot,
            from,
            to,
            quantity,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.ammo_split(&actor, &lot, &from, &to, quantity)?;
            println!("Lot {lot}: {quantity} moved from {from} to {to} (event {seq})");
        }
        AmmoCommand::Issue {
            lot,
            from,
            quantity,
            to,
            purpose,
            signer,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let issue = AmmoIssue {
                from_location: from,
                quantity,
                to_whom: to.clone(),
                purpose,
                signer,
            };
            let seq = ledger.ammo_issue(&actor, &lot, &issue)?;
            println!("Lot {lot}: {quantity} issued to {to} (event {seq})");
        }
        AmmoCommand::Return {
            lot,
            to,
            quantity,
            note,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.ammo_return(&actor, &lot, &to, quantity, &note)?;
            println!("Lot {lot}: {quantity} returned to {to} (event {seq})");
        }
        AmmoCommand::Expend {
            lot,
            from,
            quantity,
            reference,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.ammo_expend(&actor, &lot, from.as_deref(), quantity, &reference)?;
            println!("Lot {lot}: {quantity} expended, {reference} (event {seq})");
        }
        AmmoCommand::Count {
            stocktake,
            lot,
            at,
            packages,
            loose,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let t = ledger.ammo_count(&actor, &stocktake, &lot, &at, packages, loose)?;
            println!(
                "Lot {} at {}: counted {} packages and {} loose, {} in all so far (event {})",
                t.lot, t.location, t.packages, t.loose, t.counted, t.seq
            );
        }
        AmmoCommand::Hold { lot, order, lift } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.ammo_hold(&actor, &lot, !lift, &order)?;
            let what = if lift { "hold lifted" } else { "ON LEGAL HOLD" };
            println!("Lot {lot}: {what}, order {order} (event {seq})");
        }
        AmmoCommand::CountScan {
            stocktake,
            at,
            codes,
            file,
        } => {
            let list = crate::cmd_workflows::codes(&codes, file.as_ref())?;
            let (mut ledger, actor) = ctx.login()?;
            for code in &list {
                let t = ledger.ammo_count_scan(&actor, &stocktake, code, &at)?;
                println!(
                    "{code}: lot {} at {}, {} packages and {} loose so far ({} in all)",
                    t.lot, t.location, t.packages, t.loose, t.counted
                );
            }
        }
        AmmoCommand::CountLines { stocktake, json } => {
            let (ledger, actor) = ctx.login()?;
            let lines = ledger.ammo_count_lines(&actor, &stocktake)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&lines)?);
            } else {
                for l in &lines {
                    let state = match (&l.reason, l.differs()) {
                        (Some(r), _) => format!("adjusted: {r}"),
                        (None, true) => "DISCREPANCY: settle with custody ammo adjust".into(),
                        (None, false) => "matches".into(),
                    };
                    println!(
                        "{:<40} {:<20} expected {:>9} counted {:>9} ({} packages + {} loose)  {state}",
                        l.lot, l.location, l.expected, l.counted, l.packages, l.loose
                    );
                }
                println!("{} lot lines", lines.len());
            }
        }
        AmmoCommand::Adjust {
            stocktake,
            lot,
            at,
            reason,
            witness,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let cosigner =
                crate::cmd_workflows::witnesses(&mut ledger, std::slice::from_ref(&witness))?
                    .remove(0);
            let seq = ledger.ammo_adjust(&actor, &cosigner, &stocktake, &lot, &at, &reason)?;
            println!(
                "Lot {lot} at {at}: stock set to the count, co-signed by {} (event {seq})",
                cosigner.name
            );
        }
        AmmoCommand::Inspect {
            lot,
            condition,
            note,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.ammo_inspect(&actor, &lot, condition, &note)?;
            println!("Lot {lot}: condition {condition} (event {seq})");
        }
    }
    Ok(ExitCode::SUCCESS)
}
