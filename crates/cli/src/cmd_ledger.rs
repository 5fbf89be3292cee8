//! Ledger commands: init, people, locations, intake, moves, custody, check-out/in, lookups,
//! verify, rebuild and exports. Each one calls a single custody-core function.

use crate::session::{read_pin, Context};
use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use custody_core::import::{weapon_csv_rows, ImportProgress};
use custody_core::{LocationRecord, Origin, PersonRecord, Role, WeaponRecord, WeaponType};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Name of the site, as printed on certificates (e.g. "MoI Central Depot Belgrade")
    #[arg(long)]
    site_name: String,
    /// Full name of the first administrator
    #[arg(long)]
    admin_name: String,
    /// Badge code of the first administrator (their PIN from CUSTODY_PIN or a prompt)
    #[arg(long)]
    admin_badge: String,
    /// Service number of the first administrator
    #[arg(long, default_value = "")]
    admin_service_number: String,
}

pub fn init(ctx: &Context, args: InitArgs) -> Result<ExitCode> {
    let pin = read_pin(
        "CUSTODY_PIN",
        "Choose the administrator's PIN (4-12 digits)",
    )?;
    let admin = PersonRecord {
        name: args.admin_name,
        service_number: args.admin_service_number,
        badge: args.admin_badge,
        roles: vec![Role::Administrator],
    };
    let (ledger, actor) = custody_core::Ledger::create(&ctx.db, &args.site_name, admin, &pin)?;
    println!("Created ledger {}", ctx.db.display());
    println!(
        "Site key: {} (keep a backup of this file; it signs every certificate)",
        custody_core::keys::key_path_for(&ctx.db).display()
    );
    println!("Site id:  {}", ledger.site_id());
    println!("Administrator: {} (badge {})", actor.name, actor.badge);
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Register a person (administrators only). The new PIN comes from CUSTODY_NEW_PIN or a prompt
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        badge: String,
        /// officer, custodian, inspector or administrator (repeat or comma-separate for several)
        #[arg(long, value_delimiter = ',', required = true)]
        role: Vec<Role>,
        #[arg(long, default_value = "")]
        service_number: String,
    },
    /// List people, their roles and whether they are locked out
    List,
    /// Replace a person's roles (administrators only)
    Roles {
        badge: String,
        #[arg(long, value_delimiter = ',', required = true)]
        role: Vec<Role>,
    },
    /// Lift a lock-out after failed PIN attempts (administrators only)
    Unlock { badge: String },
    /// Set a new PIN (your own, or anyone's as administrator); from CUSTODY_NEW_PIN or a prompt
    Pin { badge: String },
    /// Deactivate a person who left or lost their badge (administrators only); their badge
    /// can no longer log in, their past records stay
    Deactivate { badge: String },
    /// Reactivate a deactivated person (administrators only)
    Reactivate { badge: String },
    /// Correct a person's name or service number (administrators only)
    Amend {
        badge: String,
        #[command(flatten)]
        amend: crate::cmd_evidence::AmendArgs,
    },
}

pub fn user(ctx: &Context, cmd: UserCommand) -> Result<ExitCode> {
    match cmd {
        UserCommand::List => {
            let ledger = ctx.open()?;
            println!(
                "{:<28} {:<12} {:<14} {:<28} STATUS",
                "NAME", "BADGE", "LABEL", "ROLES"
            );
            for p in ledger.persons()? {
                let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
                let status = if !p.active {
                    "inactive".to_string()
                } else if p.failed_logins >= custody_core::auth::MAX_FAILURES {
                    format!("locked ({} failures)", p.failed_logins)
                } else {
                    "active".to_string()
                };
                println!(
                    "{:<28} {:<12} {:<14} {:<28} {status}",
                    p.name,
                    p.badge,
                    p.label_code,
                    roles.join(",")
                );
            }
        }
        UserCommand::Add {
            name,
            badge,
            role,
            service_number,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let pin = read_pin("CUSTODY_NEW_PIN", &format!("New PIN for {name}"))?;
            let r = ledger.register_person(
                &actor,
                PersonRecord {
                    name: name.clone(),
                    service_number,
                    badge: badge.clone(),
                    roles: role,
                },
                &pin,
            )?;
            println!(
                "Registered {name}, badge {badge}, badge label {} (event {})",
                r.code, r.seq
            );
        }
        UserCommand::Amend { badge, amend } => {
            let fields = crate::cmd_evidence::field_values(&amend.set)?;
            let (mut ledger, admin) = ctx.login()?;
            let seq =
                ledger.amend_person(&admin, &badge, &fields, &amend.reason, &amend.reference)?;
            println!("Person {badge} amended (event {seq})");
        }
        UserCommand::Roles { badge, role } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.set_roles(&actor, &badge, role)?;
            println!("Roles of {badge} changed (event {seq})");
        }
        UserCommand::Unlock { badge } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.unlock_person(&actor, &badge)?;
            println!("Badge {badge} unlocked (event {seq})");
        }
        UserCommand::Deactivate { badge } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.set_person_active(&actor, &badge, false)?;
            println!("Badge {badge} deactivated (event {seq})");
        }
        UserCommand::Reactivate { badge } => {
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.set_person_active(&actor, &badge, true)?;
            println!("Badge {badge} reactivated (event {seq})");
        }
        UserCommand::Pin { badge } => {
            let (mut ledger, actor) = ctx.login()?;
            let pin = read_pin("CUSTODY_NEW_PIN", &format!("New PIN for {badge}"))?;
            let seq = ledger.set_pin(&actor, &badge, &pin)?;
            println!("PIN of {badge} changed (event {seq})");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand, Debug)]
pub enum LocationCommand {
    /// Register a location; prints its Custody code for the shelf label
    Add {
        /// Unique name, e.g. "Vault A / Rack 3"
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        building: String,
        #[arg(long, default_value = "")]
        room: String,
        #[arg(long, default_value = "")]
        shelf: String,
    },
    /// List locations with their codes
    List,
    /// Correct a location's name, building, room or shelf (--set name=..., with --reason)
    Amend {
        /// Location code or name
        location: String,
        #[command(flatten)]
        amend: crate::cmd_evidence::AmendArgs,
    },
    /// Set a store's licensed maximum NEQ and the compatibility groups it may hold
    /// (administrator); an option left out keeps its current value. Without options, show them
    Limits {
        /// Location code or name
        location: String,
        /// Licensed maximum net explosive quantity in kilograms, e.g. 2500 or 12.5
        #[arg(long = "max-neq")]
        max_neq: Option<String>,
        /// UN compatibility groups it may hold, comma-separated, e.g. S,C,D ("" for any)
        #[arg(long, value_delimiter = ',')]
        groups: Option<Vec<String>>,
        /// Remove both limits (no NEQ limit, any group)
        #[arg(long, conflicts_with_all = ["max_neq", "groups"])]
        clear: bool,
    },
}

pub fn location(ctx: &Context, cmd: LocationCommand) -> Result<ExitCode> {
    match cmd {
        LocationCommand::Add {
            name,
            building,
            room,
            shelf,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let r = ledger.register_location(
                &actor,
                LocationRecord {
                    name: name.clone(),
                    building,
                    room,
                    shelf,
                },
            )?;
            println!(
                "Location '{name}' registered with code {} (event {})",
                r.code, r.seq
            );
        }
        LocationCommand::List => {
            let ledger = ctx.open()?;
            for l in ledger.locations()? {
                println!("{}  {}", l.code, l.name);
            }
        }
        LocationCommand::Amend { location, amend } => {
            let fields = crate::cmd_evidence::field_values(&amend.set)?;
            let (mut ledger, actor) = ctx.login()?;
            let seq = ledger.amend_location(
                &actor,
                &location,
                &fields,
                &amend.reason,
                &amend.reference,
            )?;
            println!("Location {location} amended (event {seq})");
        }
        LocationCommand::Limits {
            location,
            max_neq,
            groups,
            clear,
        } if max_neq.is_none() && groups.is_none() && !clear => {
            print_limits(&location, &ctx.open()?.location_limits(&location)?, None);
        }
        LocationCommand::Limits {
            location,
            max_neq,
            groups,
            clear,
        } => {
            let (mut ledger, actor) = ctx.login()?;
            let current = if clear {
                custody_core::limits::Limits::default()
            } else {
                ledger.location_limits(&location)?
            };
            let max_neq = max_neq.or(current.max_neq_kg);
            let groups = groups.unwrap_or(current.groups);
            let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
            let (seq, warnings) =
                ledger.set_location_limits(&actor, &location, max_neq.as_deref(), &groups)?;
            print_limits(&location, &ledger.location_limits(&location)?, Some(seq));
            for w in warnings {
                println!("Warning: {w}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_limits(location: &str, limits: &custody_core::limits::Limits, seq: Option<i64>) {
    println!(
        "Location {location}: licensed NEQ {}, compatibility groups {}{}",
        limits
            .max_neq_kg
            .as_ref()
            .map_or("not limited".to_string(), |m| format!("{m} kg")),
        if limits.groups.is_empty() {
            "any".to_string()
        } else {
            limits.groups.join(", ")
        },
        seq.map_or(String::new(), |s| format!(" (event {s})"))
    );
}

#[derive(Args, Debug)]
pub struct WeaponFields {
    /// Frame/receiver serial number as marked
    #[arg(long)]
    serial: String,
    #[arg(long)]
    manufacturer: String,
    #[arg(long, default_value = "")]
    model: String,
    /// pistol, revolver, rifle, carbine, shotgun, submachine_gun, machine_gun, grenade_launcher, other
    #[arg(long = "type")]
    weapon_type: Option<WeaponType>,
    #[arg(long, default_value = "")]
    calibre: String,
    /// Country of manufacture
    #[arg(long, default_value = "")]
    country: String,
    /// Year of manufacture
    #[arg(long)]
    year: Option<i32>,
    /// state_stock, seized, voluntary_surrender, found, transferred_in
    #[arg(long, default_value = "state_stock")]
    origin: Origin,
}

impl WeaponFields {
    fn record(self) -> WeaponRecord {
        WeaponRecord {
            serial: self.serial,
            manufacturer: self.manufacturer,
            model: self.model,
            weapon_type: self.weapon_type,
            calibre: self.calibre,
            country: self.country,
            year: self.year,
            origin: self.origin,
            ..WeaponRecord::default()
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum WeaponCommand {
    /// Register a weapon; prints its new Custody code. A duplicate manufacturer+serial is refused
    Add {
        #[command(flatten)]
        fields: WeaponFields,
        /// Location code or name where it is stored
        #[arg(long)]
        location: Option<String>,
    },
}

pub fn weapon(ctx: &Context, cmd: WeaponCommand) -> Result<ExitCode> {
    let WeaponCommand::Add { fields, location } = cmd;
    let (mut ledger, actor) = ctx.login()?;
    let r = ledger.register_weapon(&actor, fields.record(), location.as_deref())?;
    println!("Registered weapon {} (event {})", r.code, r.seq);
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import weapons from CSV: serial,manufacturer,model,type,calibre,country,year[,location].
    /// Exit code 0 if every row went in, 2 if some rows were rejected (listed with line numbers)
    Weapons {
        file: PathBuf,
        /// Rows per transaction (1 to 2000); everything reported as committed is on disk
        #[arg(long, default_value_t = custody_core::import::DEFAULT_IMPORT_BATCH as u16,
              value_parser = clap::value_parser!(u16).range(1..=custody_core::import::MAX_IMPORT_BATCH as i64))]
        batch: u16,
        /// Write the rejected rows as CSV (line,reason) to this file
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// Receive ammunition lots from CSV: type,lot,hazard,neq_kg,quantity,location and
    /// optionally description,calibre,manufacturer,year,unit,per_package,origin,found_at,
    /// condition. Exit code 0 if every row went in, 2 if some rows were rejected
    Lots {
        file: PathBuf,
        /// Write the rejected rows as CSV (line,reason) to this file
        #[arg(long)]
        errors: Option<PathBuf>,
    },
}

/// Prints the rejected rows, writes them as CSV when asked, and says how many went in.
fn report_import(
    report: &custody_core::import::ImportReport,
    total: usize,
    errors: Option<PathBuf>,
) -> Result<ExitCode> {
    for r in &report.rejected {
        eprintln!("line {}: {}", r.line, r.reason);
    }
    if let Some(path) = errors {
        let mut out = String::from("line,reason\n");
        for r in &report.rejected {
            let reason = custody_docs::export::spreadsheet_safe(&r.reason).replace('"', "\"\"");
            out.push_str(&format!("{},\"{reason}\"\n", r.line));
        }
        custody_core::files::write_atomically(&path, out.as_bytes())?;
    }
    println!(
        "Imported {} of {} rows; {} rejected",
        report.imported.len(),
        total,
        report.rejected.len()
    );
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

pub fn import(ctx: &Context, cmd: ImportCommand) -> Result<ExitCode> {
    let (file, batch, errors) = match cmd {
        ImportCommand::Weapons {
            file,
            batch,
            errors,
        } => (file, batch, errors),
        ImportCommand::Lots { file, errors } => {
            let input = std::fs::File::open(&file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let rows = custody_core::ammo_import::parse_lot_csv(std::io::BufReader::new(input))?;
            let total = rows.len();
            let (mut ledger, actor) = ctx.login()?;
            let report =
                ledger.import_lots(&actor, rows, custody_core::import::MAX_IMPORT_BATCH)?;
            return report_import(&report, total, errors);
        }
    };
    let open = || {
        std::fs::File::open(&file)
            .map(std::io::BufReader::new)
            .with_context(|| format!("cannot open {}", file.display()))
    };
    // A first quick pass counts the rows (for the progress shown) and refuses a bad header
    // before anyone signs in; the import then reads the file again as it writes.
    let total = weapon_csv_rows(open()?)?.count();
    let rows = weapon_csv_rows(open()?)?;
    let (mut ledger, actor) = ctx.login()?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} rows  {elapsed} elapsed, {eta} left  {msg}",
            )
            .expect("template is valid"),
        );
        bar
    });
    let report =
        ledger.import_weapons(
            &actor,
            rows,
            usize::from(batch),
            |p: ImportProgress| match &bar {
                Some(bar) => {
                    bar.set_position(p.processed as u64);
                    bar.set_message(format!("{} committed", p.committed));
                }
                // Without a terminal, one durable-progress line per synced stretch of batches (scripts
                // and tests read it).
                None => eprintln!(
                    "committed {} of {} rows (through line {})",
                    p.committed, total, p.last_committed_line
                ),
            },
        )?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report_import(&report, total, errors)
}

#[derive(Args, Debug)]
pub struct MoveArgs {
    /// Custody codes or serials of the items (all move, or none if one is refused)
    #[arg(required = true)]
    items: Vec<String>,
    /// Destination location code or name
    #[arg(long)]
    to: String,
}

/// All the listed items move, or (when one is refused) none: the refusal names the item.
pub fn move_items(ctx: &Context, args: MoveArgs) -> Result<ExitCode> {
    let (mut ledger, actor) = ctx.login()?;
    let items: Vec<&str> = args.items.iter().map(String::as_str).collect();
    let seqs = ledger.move_items(&actor, &items, &args.to)?;
    for (item, seq) in args.items.iter().zip(&seqs) {
        println!("{item}: moved to {} (event {seq})", args.to);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct TransferArgs {
    /// Custody code or serial of the item
    item: String,
    /// Badge of the person receiving custody (their PIN from CUSTODY_RECEIVER_PIN or a prompt)
    #[arg(long)]
    to: String,
    /// Why custody passes (e.g. "to ballistics lab for examination")
    #[arg(long)]
    reason: String,
}

pub fn transfer(ctx: &Context, args: TransferArgs) -> Result<ExitCode> {
    let (mut ledger, giver) = ctx.login()?;
    let pin = read_pin(
        "CUSTODY_RECEIVER_PIN",
        &format!("PIN of receiver {}", args.to),
    )?;
    let receiver = ledger.authenticate(&args.to, &pin)?;
    let seq = ledger.transfer_custody(&giver, Some(&receiver), &args.item, &args.reason)?;
    println!(
        "Custody of {} passed from {} to {} (event {seq})",
        args.item, giver.name, receiver.name
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct CheckoutArgs {
    item: String,
    /// Who takes it (person and organisation)
    #[arg(long)]
    to: String,
    /// Why: lab, court, range, repair...
    #[arg(long)]
    purpose: String,
    /// Due back, YYYY-MM-DD
    #[arg(long)]
    due: chrono::NaiveDate,
}

pub fn checkout(ctx: &Context, args: CheckoutArgs) -> Result<ExitCode> {
    let (mut ledger, actor) = ctx.login()?;
    let seq = ledger.check_out(&actor, &args.item, &args.to, &args.purpose, args.due)?;
    println!(
        "{} checked out to {} until {} (event {seq})",
        args.item, args.to, args.due
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct CheckinArgs {
    item: String,
    /// Location it goes back to (default: where it was)
    #[arg(long)]
    location: Option<String>,
    /// Condition on return, seal numbers checked, etc.
    #[arg(long, default_value = "")]
    note: String,
}

pub fn checkin(ctx: &Context, args: CheckinArgs) -> Result<ExitCode> {
    let (mut ledger, actor) = ctx.login()?;
    let seq = ledger.check_in(&actor, &args.item, args.location.as_deref(), &args.note)?;
    println!("{} checked in (event {seq})", args.item);
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct OverdueArgs {
    /// Print JSON lines instead of a table
    #[arg(long)]
    json: bool,
}

pub fn overdue(ctx: &Context, args: OverdueArgs) -> Result<ExitCode> {
    let ledger = ctx.open()?;
    let today = chrono::Utc::now().date_naive();
    let items = ledger.overdue(today)?;
    for i in &items {
        if args.json {
            println!("{}", serde_json::to_string(i)?);
        } else {
            println!(
                "{}  {} {}  out to {} for {}, due {}",
                i.code,
                i.manufacturer,
                i.serial,
                i.checked_out_to.as_deref().unwrap_or("?"),
                i.checkout_purpose.as_deref().unwrap_or("?"),
                i.due.as_deref().unwrap_or("?")
            );
        }
    }
    if !args.json {
        println!("{} overdue", items.len());
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand, Debug)]
pub enum ItemCommand {
    /// Status, location, holder and the full custody history of one item
    Show {
        /// Custody code (W-.../E-...) or serial number
        code_or_serial: String,
        #[arg(long)]
        json: bool,
    },
    /// Correct fields of an item's record (--set serial=..., with --reason). Identity fields
    /// (serial, manufacturer, case_number, exhibit_number, marking_code) need a second person
    /// (--witness BADGE, who types their own PIN)
    Amend {
        /// Custody code (W-.../E-...) or serial number
        item: String,
        #[command(flatten)]
        amend: crate::cmd_evidence::AmendArgs,
        /// Second person confirming an identity correction
        #[arg(long)]
        witness: Option<String>,
    },
}

pub fn item(ctx: &Context, cmd: ItemCommand) -> Result<ExitCode> {
    let (code_or_serial, json) = match cmd {
        ItemCommand::Show {
            code_or_serial,
            json,
        } => (code_or_serial, json),
        ItemCommand::Amend {
            item,
            amend,
            witness,
        } => {
            let fields = crate::cmd_evidence::field_values(&amend.set)?;
            let (mut ledger, actor) = ctx.login()?;
            let second = match witness {
                Some(b) => Some(crate::cmd_workflows::witnesses(&mut ledger, &[b])?.remove(0)),
                None => None,
            };
            let seq = ledger.amend_item(
                &actor,
                second.as_ref(),
                &item,
                &fields,
                &amend.reason,
                &amend.reference,
            )?;
            println!("Item {item} amended (event {seq})");
            return Ok(ExitCode::SUCCESS);
        }
    };
    let ledger = ctx.open()?;
    let (item, history) = ledger.history(&code_or_serial)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "item": item, "history": history }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let code = custody_codes::LabelCode::parse(&item.code)
        .map(|c| c.display_form())
        .unwrap_or_else(|_| item.code.clone());
    println!("{code}  ({})", item.kind);
    if item.kind == "evidence" {
        println!(
            "  case {} exhibit {}: {}",
            item.case_number, item.exhibit_number, item.description
        );
    }
    if !item.serial.is_empty() {
        println!(
            "  {} {} {}  serial {}  calibre {}",
            item.manufacturer,
            item.model,
            item.weapon_type.as_deref().unwrap_or(""),
            item.serial,
            item.calibre
        );
    }
    println!("  status:   {}", item.status);
    if let Some(review) = &item.review_date {
        println!("  review:   {review}");
    }
    if let Some(decision) = &item.disposition {
        println!(
            "  decision: {decision} ({})",
            item.disposal_order.as_deref().unwrap_or("")
        );
    }
    if item.legal_hold {
        println!("  LEGAL HOLD");
    }
    if item.amended {
        println!("  (record amended after intake; see the history)");
    }
    println!(
        "  location: {}",
        item.location_name.as_deref().unwrap_or("(none)")
    );
    println!(
        "  holder:   {}",
        item.holder_name.as_deref().unwrap_or("(store)")
    );
    if let Some(to) = &item.checked_out_to {
        println!(
            "  out to:   {to} for {}, due {}",
            item.checkout_purpose.as_deref().unwrap_or("?"),
            item.due.as_deref().unwrap_or("?")
        );
    }
    println!("History:");
    for h in history {
        let who = match (&h.actor, &h.witness) {
            (Some(a), Some(w)) => format!("{a} + {w}"),
            (Some(a), None) => a.clone(),
            _ => "-".into(),
        };
        println!(
            "  #{:<6} {}  {:<24} {}",
            h.seq,
            &h.time[..19],
            who,
            h.summary
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[arg(long)]
    json: bool,
    /// Replay every event into the projections, not only those since the last clean verify
    #[arg(long)]
    full: bool,
    /// Also check every stored registry cosignature against this registry key file
    #[arg(long, value_name = "FILE")]
    registry_key: Option<PathBuf>,
    /// With --registry-key: a cosignature file kept outside the ledger (repeatable)
    #[arg(long, value_name = "FILE", requires = "registry_key")]
    cosignature: Vec<PathBuf>,
    /// The site's key id as obtained out of band (paper, the registry): a ledger whose first
    /// event certifies another key is refused, even if it is internally consistent
    #[arg(long, value_name = "ID")]
    key_id: Option<String>,
}

pub fn verify(ctx: &Context, args: VerifyArgs) -> Result<ExitCode> {
    let ledger = ctx.open()?;
    let report = if args.full {
        ledger.verify_full()?
    } else {
        ledger.verify()?
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    }
    if let Some(expected) = &args.key_id {
        let found = ledger.key_id()?;
        if !found.eq_ignore_ascii_case(expected.trim()) {
            println!("first bad event: 1");
            println!(
                "problem: the ledger's site key is {found}, not {} as given out of band: this is not that site's ledger (or its history was replaced whole)",
                expected.trim()
            );
            return Ok(ExitCode::from(1));
        }
    }
    match &report.problem {
        None => {
            if !args.json {
                println!(
                    "OK: {} events, {} signed checkpoints, head {}; {} events after the last checkpoint are not yet signed",
                    report.events, report.checkpoints, report.head_hash, report.unsigned_tail
                );
                crate::cmd_site::print_policy(&ledger)?;
                print_replay(&report);
            }
            match &args.registry_key {
                Some(key) => crate::cmd_sync::verify_registry(ctx, key, &args.cosignature),
                None => Ok(ExitCode::SUCCESS),
            }
        }
        Some(p) => {
            match p.seq {
                Some(seq) => println!("first bad event: {seq}"),
                None => println!("first bad event: none (the events are intact)"),
            }
            println!("problem: {}", p.what);
            Ok(ExitCode::from(1))
        }
    }
}

/// Says which replay ran and what became of the sidecar.
fn print_replay(report: &custody_core::verify::VerifyReport) {
    if report.replayed_from <= 1 {
        println!("projections: every event replayed (whole replay)");
    } else if report.replayed_from > report.events {
        println!(
            "projections: no new events since the last verify at event {}; the stored projections match that verify's replay",
            report.replayed_from - 1
        );
    } else {
        println!(
            "projections: replayed events {} to {} on top of the last verify's replay (run with --full to replay every event)",
            report.replayed_from, report.events
        );
    }
    if let Some(why) = &report.full_because {
        println!("  every event was replayed: {why}");
    }
    if let Some(e) = &report.sidecar_error {
        println!("  note: the verify sidecar could not be written ({e}); the next verify replays every event");
    }
}

pub fn rebuild(ctx: &Context) -> Result<ExitCode> {
    let (mut ledger, admin) = ctx.login()?;
    let before = ledger.projection_digests()?;
    ledger.rebuild_by(&admin)?;
    let after = ledger.projection_digests()?;
    for ((table, a), (_, b)) in before.iter().zip(after.iter()) {
        let note = if a == b {
            "unchanged"
        } else {
            "CHANGED (was out of step with the events)"
        };
        println!("{table:<12} {b}  {note}");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct CheckpointArgs {
    #[arg(long, default_value = "on demand")]
    reason: String,
}

pub fn checkpoint(ctx: &Context, args: CheckpointArgs) -> Result<ExitCode> {
    let (mut ledger, actor) = ctx.login()?;
    let seq = ledger.checkpoint_by(&actor, &args.reason)?;
    let (_, head) = ledger.head()?;
    println!(
        "Signed checkpoint written as event {seq} (head {})",
        hex::encode(head)
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct BreakGlassArgs {
    /// This site's key file (`<ledger>.key`, or the copy from the key backup)
    #[arg(long)]
    key_file: PathBuf,
    /// The person to make an active, unlocked administrator
    #[arg(long)]
    badge: String,
    /// Why recovery was needed (recorded in the ledger)
    #[arg(long)]
    reason: String,
}

/// Break-glass recovery: needs the site key file, sets a new PIN (CUSTODY_NEW_PIN or a
/// prompt) and is itself a signed event.
pub fn break_glass(ctx: &Context, args: BreakGlassArgs) -> Result<ExitCode> {
    let mut ledger = ctx.open()?;
    let pin = crate::session::read_pin(
        "CUSTODY_NEW_PIN",
        &format!("New PIN for badge {}", args.badge),
    )?;
    let seq = ledger.break_glass(&args.key_file, &args.badge, &pin, &args.reason)?;
    println!(
        "Break-glass recovery recorded as event {seq}: {} is an active administrator with a new PIN",
        args.badge
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ExportFormat {
    Jsonl,
    Csv,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Every event with its hashes, one JSON object per line
    Events {
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Current state of every item
    Items {
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// Where an export goes: standard output, or `-o FILE` written whole through a private
/// temporary file (no-follow, 0600) renamed into place when the export is complete.
fn output(path: Option<PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            custody_core::files::AtomicFile::create(&p)?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

pub fn export(ctx: &Context, cmd: ExportCommand) -> Result<ExitCode> {
    let ledger = ctx.open()?;
    match cmd {
        ExportCommand::Events { format, output: o } => {
            if !matches!(format, ExportFormat::Jsonl) {
                bail!("events export only as --format jsonl");
            }
            let mut out = output(o)?;
            let mut count = 0u64;
            let mut head = (0i64, String::from("0").repeat(64));
            ledger.for_each_event(|e| {
                serde_json::to_writer(&mut out, e)?;
                out.write_all(b"\n")?;
                count += 1;
                head = (e.seq, hex::encode(e.hash));
                Ok::<(), anyhow::Error>(())
            })?;
            // The closing record: an export cut short (a truncated file) has none, and an
            // auditor's verifier refuses it (docs/ledger-format.md, "Export").
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({
                    "end": "custody-export/v1",
                    "count": count,
                    "head_seq": head.0,
                    "head_hash": head.1,
                }),
            )?;
            out.write_all(b"\n")?;
            out.flush()?;
        }
        ExportCommand::Items { format, output: o } => {
            let mut out = output(o)?;
            let items = ledger.items()?;
            match format {
                ExportFormat::Jsonl => {
                    for i in items {
                        serde_json::to_writer(&mut out, &i)?;
                        out.write_all(b"\n")?;
                    }
                    out.flush()?;
                }
                ExportFormat::Csv => {
                    let mut w = csv::Writer::from_writer(out);
                    w.write_record([
                        "code",
                        "kind",
                        "serial",
                        "manufacturer",
                        "model",
                        "type",
                        "calibre",
                        "status",
                        "location",
                        "holder",
                        "checked_out_to",
                        "due",
                        "case_number",
                        "exhibit_number",
                    ])?;
                    for i in items {
                        let safe = custody_docs::export::spreadsheet_safe;
                        w.write_record([
                            i.code.as_str(),
                            i.kind.as_str(),
                            &safe(&i.serial),
                            &safe(&i.manufacturer),
                            &safe(&i.model),
                            i.weapon_type.as_deref().unwrap_or(""),
                            &safe(&i.calibre),
                            i.status.as_str(),
                            &safe(i.location_name.as_deref().unwrap_or("")),
                            &safe(i.holder_name.as_deref().unwrap_or("")),
                            &safe(i.checked_out_to.as_deref().unwrap_or("")),
                            i.due.as_deref().unwrap_or(""),
                            &safe(&i.case_number),
                            &safe(&i.exhibit_number),
                        ])?;
                    }
                    w.flush()?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
