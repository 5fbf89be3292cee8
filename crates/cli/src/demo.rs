//! `custody demo`: a newcomer's first look. Builds a throw-away site ledger with a few hundred
//! sample weapons and walks through intake, moves, custody transfer, check-out/in, history and
//! verification, printing each step as it commits.

use anyhow::Result;
use clap::Args;
use custody_core::import::parse_weapon_csv;
use custody_core::{EvidenceRecord, Ledger, LocationRecord, PersonRecord, Role};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Keep the demo ledger in this folder (default: a temporary folder, removed afterwards)
    #[arg(long)]
    dir: Option<PathBuf>,
    /// How many sample weapons to import
    #[arg(long, default_value_t = 300)]
    weapons: usize,
}

/// Sample campaign CSV: mostly good rows, plus the mistakes real lists contain.
pub fn sample_csv(n: usize) -> String {
    let mut csv = custody_core::sample::campaign_csv(
        n,
        100_000,
        7,
        &["Vault A / Rack 1", "Vault A / Rack 2", "Vault B / Rack 1"],
    );
    // A duplicate of the first row, a row without a serial and a typo'd type.
    csv.push_str("M100000,Zastava Arms,M70,rifle,7.62x39,RS,1960,Vault A / Rack 1\n");
    csv.push_str(",Zastava Arms,M70,rifle,7.62x39,RS,1975,Vault A / Rack 1\n");
    csv.push_str("X1,Zastava Arms,M70,rilfe,7.62x39,RS,1975,Vault A / Rack 1\n");
    csv
}

fn step(title: &str) {
    println!("\n== {title}");
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let temp = tempfile::tempdir()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("demo-site.db");
    step("Creating the site ledger and its signing key");
    let admin = PersonRecord {
        name: "Ana Marković".into(),
        service_number: "A-001".into(),
        badge: "ADM1".into(),
        roles: vec![Role::Administrator],
    };
    let (mut ledger, admin) = Ledger::create_demo(&db, "MoI Demo Depot", admin, "731904")?;
    println!("ledger {} (site {})", db.display(), ledger.site_id());
    step("Registering people (PINs stretched with Argon2id)");
    let people = [
        ("Marko Petrović", "OFF1", Role::Officer, "642087"),
        ("Elena Popescu", "CUS1", Role::Custodian, "553719"),
        ("Arben Hoxha", "INS1", Role::Inspector, "464102"),
    ];
    for (name, badge, role, pin) in people {
        let p = PersonRecord {
            name: name.into(),
            service_number: String::new(),
            badge: badge.into(),
            roles: vec![role],
        };
        let r = ledger.register_person(&admin, p, pin)?;
        println!(
            "{name:<16} {role:<10} badge {badge}, badge label {}",
            r.code
        );
    }
    step("Registering locations");
    let officer = ledger.authenticate("OFF1", "642087")?;
    for name in [
        "Vault A / Rack 1",
        "Vault A / Rack 2",
        "Vault B / Rack 1",
        "Evidence room 1",
    ] {
        let r = ledger.register_location(
            &officer,
            LocationRecord {
                name: name.into(),
                ..Default::default()
            },
        )?;
        println!("{name:<18} {}", r.code);
    }
    step(&format!(
        "Bulk intake: a collection campaign list of {} rows",
        args.weapons + 3
    ));
    let rows = parse_weapon_csv(sample_csv(args.weapons).as_bytes())?;
    let report = ledger.import_weapons(&officer, rows, 100, |_| {})?;
    println!(
        "imported {} weapons; {} rows rejected:",
        report.imported.len(),
        report.rejected.len()
    );
    for r in &report.rejected {
        println!("  line {}: {}", r.line, r.reason);
    }
    let first = report
        .imported
        .first()
        .map(|i| i.code.clone())
        .unwrap_or_default();
    let second = report
        .imported
        .get(1)
        .map(|i| i.code.clone())
        .unwrap_or_default();
    step("An officer types a serial that is already registered");
    let dup = custody_core::WeaponRecord {
        serial: "m-100000".into(),
        manufacturer: "ZASTAVA ARMS".into(),
        ..Default::default()
    };
    match ledger.register_weapon(&officer, dup, None) {
        Err(e) => println!("refused: {e}"),
        Ok(r) => println!("unexpectedly registered {}", r.code),
    }
    step("Moving items");
    let seq = ledger.move_item(&officer, &first, "Vault B / Rack 1")?;
    println!("{first} -> Vault B / Rack 1 (event {seq})");
    step("Exhibit intake and custody transfer between two authenticated people");
    let custodian = ledger.authenticate("CUS1", "553719")?;
    let exhibit = ledger.register_evidence(
        &custodian,
        EvidenceRecord {
            case_number: "KT-2026-0412".into(),
            exhibit_number: "3".into(),
            description: "Pistol in sealed bag".into(),
            category: "weapon".into(),
            seal_numbers: vec!["SEAL-778812".into()],
            ..Default::default()
        },
        Some("Evidence room 1"),
    )?;
    println!("exhibit {}", exhibit.code);
    let seq = ledger.transfer_custody(
        &officer,
        Some(&custodian),
        &second,
        "evidence for case KT-2026-0412",
    )?;
    println!("custody of {second}: Marko Petrović -> Elena Popescu (event {seq})");
    step("Check-out to the ballistics lab and check-in");
    let due = (chrono::Utc::now() + chrono::Duration::days(14)).date_naive();
    ledger.check_out(
        &custodian,
        &second,
        "Ballistics lab, Dr. Ilić",
        "test firing",
        due,
    )?;
    ledger.check_in(
        &custodian,
        &second,
        Some("Evidence room 1"),
        "returned sealed, seal SEAL-901",
    )?;
    println!("{second} out to the lab and back");
    step("A wrong PIN is recorded, and refused");
    if let Err(e) = ledger.authenticate("OFF1", "9999") {
        println!("refused: {e}");
    }
    step(&format!("History of {second}"));
    let (item, history) = ledger.history(&second)?;
    println!(
        "{} {} serial {}: {} at {}",
        item.manufacturer,
        item.model,
        item.serial,
        item.status,
        item.location_name.as_deref().unwrap_or("-")
    );
    for h in history {
        println!(
            "  #{:<5} {} {:<16} {}",
            h.seq,
            &h.time[..19],
            h.actor.unwrap_or_default(),
            h.summary
        );
    }
    step("Signed checkpoint and full verification");
    ledger.checkpoint_by(&admin, "demo")?;
    let v = ledger.verify_full()?;
    match &v.problem {
        None => println!(
            "OK: {} events, {} signed checkpoints, head {}",
            v.events, v.checkpoints, v.head_hash
        ),
        Some(p) => println!("PROBLEM at {:?}: {}", p.seq, p.what),
    }
    if args.dir.is_some() {
        println!("\nThe demo ledger stays at {}; try:\n  custody --db {} item show {second}\n  custody --db {} verify",
            db.display(), db.display(), db.display());
    }
    Ok(if v.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
