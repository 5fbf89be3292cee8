//! `custody-kiosk --demo`: a throw-away site with a few hundred weapons, some exhibits,
//! locations and people whose PINs are shown on the login screen, plus a simulated serial
//! scanner on a pty that a real `ScannerSession` reads, so the whole scan path runs.

use custody_core::import::parse_weapon_csv;
use custody_core::{EvidenceRecord, Ledger, LocationRecord, PersonRecord, Role};
use std::path::{Path, PathBuf};

/// A person the demo login screen lists, with the PIN to type.
#[derive(Debug, Clone)]
pub struct DemoPersonInfo {
    pub name: String,
    pub badge: String,
    pub pin: String,
    pub role: Role,
}

/// What the demo site holds, for the demo panel's simulated scans.
#[derive(Debug, Clone)]
pub struct DemoSite {
    pub ledger_path: PathBuf,
    pub people: Vec<DemoPersonInfo>,
    pub weapon_codes: Vec<String>,
    pub location_codes: Vec<String>,
    /// Two weapons destroyed in an executed batch: scanning one raises the alarm.
    pub destroyed_codes: Vec<String>,
    /// The executed destruction batch.
    pub batch_code: String,
}

const LOCATIONS: [&str; 5] = [
    "Vault A / Rack 1",
    "Vault A / Rack 2",
    "Vault B / Rack 1",
    "Evidence room 1",
    "Armoury counter",
];

const PEOPLE: [(&str, &str, Role, &str); 6] = [
    ("Ana Marković", "ADM1", Role::Administrator, "731904"),
    ("Marko Petrović", "OFF1", Role::Officer, "642087"),
    ("Elena Popescu", "CUS1", Role::Custodian, "553719"),
    ("Arben Hoxha", "OFF2", Role::Officer, "464102"),
    ("Ivana Jovanović", "INS1", Role::Inspector, "375298"),
    ("Dritan Berisha", "INS2", Role::Inspector, "286451"),
];

fn campaign_csv(n: usize) -> String {
    custody_core::sample::campaign_csv(n, 200_000, 13, &LOCATIONS[..3])
}

/// Builds the demo site in `dir` (which must not hold a ledger yet) with `weapons` weapons,
/// marked as a demonstration ledger (`custody-kiosk --demo`): it says so on every screen and
/// issues no sealed documents.
pub fn seed_demo(dir: &Path, weapons: usize) -> custody_core::Result<DemoSite> {
    seed_with(dir, weapons, true)
}

/// The same people, places and weapons as an ordinary site ledger (the kiosk's tests issue
/// real documents from it).
pub fn seed(dir: &Path, weapons: usize) -> custody_core::Result<DemoSite> {
    seed_with(dir, weapons, false)
}

fn seed_with(dir: &Path, weapons: usize, demo: bool) -> custody_core::Result<DemoSite> {
    let db = dir.join("demo-site.db");
    let (admin_name, admin_badge, admin_role, admin_pin) = PEOPLE[0];
    let admin_record = PersonRecord {
        name: admin_name.into(),
        service_number: "A-001".into(),
        badge: admin_badge.into(),
        roles: vec![admin_role],
    };
    let create = if demo {
        Ledger::create_demo
    } else {
        Ledger::create
    };
    let (mut ledger, admin) = create(&db, "MoI Demo Depot", admin_record, admin_pin)?;
    for (name, badge, role, pin) in &PEOPLE[1..] {
        let p = PersonRecord {
            name: (*name).into(),
            service_number: String::new(),
            badge: (*badge).into(),
            roles: vec![*role],
        };
        ledger.register_person(&admin, p, pin)?;
    }
    let officer = ledger.authenticate("OFF1", "642087")?;
    let mut location_codes = Vec::new();
    for name in LOCATIONS {
        let r = ledger.register_location(
            &officer,
            LocationRecord {
                name: name.into(),
                ..Default::default()
            },
        )?;
        location_codes.push(r.code);
    }
    let rows = parse_weapon_csv(campaign_csv(weapons).as_bytes())?;
    let report = ledger.import_weapons(&officer, rows, 100, |_| {})?;
    let weapon_codes: Vec<String> = report.imported.iter().map(|i| i.code.clone()).collect();

    let custodian = ledger.authenticate("CUS1", "553719")?;
    // Exhibits of category "other" come up for review 30 days after intake; these were taken in
    // 45 days ago, so the home screen lists one as due for a decision.
    ledger.set_setting(&admin, "review_days.other", "30")?;
    let taken_in = chrono::Utc::now() - chrono::Duration::days(45);
    ledger.set_clock(Box::new(move || taken_in));
    for (n, (desc, seal)) in [
        ("Pistol in sealed bag", "SEAL-778812"),
        ("Ammunition, 9x19, 48 rounds", "SEAL-778813"),
        ("Mobile phone", "SEAL-778814"),
    ]
    .into_iter()
    .enumerate()
    {
        ledger.register_evidence(
            &custodian,
            EvidenceRecord {
                case_number: "KT-2026-0412".into(),
                exhibit_number: (n + 1).to_string(),
                description: desc.into(),
                category: if n == 1 { "ammunition" } else { "other" }.into(),
                seal_numbers: vec![seal.into()],
                ..Default::default()
            },
            Some("Evidence room 1"),
        )?;
    }
    ledger.set_clock(Box::new(chrono::Utc::now));
    // Two check-outs made three weeks ago, due back last week: the home screen's overdue list.
    let now = chrono::Utc::now();
    let then = now - chrono::Duration::days(21);
    ledger.set_clock(Box::new(move || then));
    for (code, whom) in weapon_codes.iter().skip(3).take(2).zip([
        "Ballistics lab, Dr. Ilić",
        "Basic Court Belgrade, Judge Savić",
    ]) {
        let due = (then + chrono::Duration::days(14)).date_naive();
        ledger.check_out(&custodian, code, whom, "examination", due)?;
    }
    ledger.set_clock(Box::new(chrono::Utc::now));
    let (batch_code, destroyed_codes) = destroyed_batch(&mut ledger, &officer)?;
    ammunition(&mut ledger, &admin, &officer)?;
    // One on time.
    if let Some(code) = weapon_codes.get(5) {
        let due = (now + chrono::Duration::days(10)).date_naive();
        ledger.check_out(&custodian, code, "Shooting range", "proficiency test", due)?;
    }
    Ok(DemoSite {
        ledger_path: db,
        people: PEOPLE
            .iter()
            .map(|(name, badge, role, pin)| DemoPersonInfo {
                name: (*name).into(),
                badge: (*badge).into(),
                pin: (*pin).into(),
                role: *role,
            })
            .collect(),
        weapon_codes,
        location_codes,
        destroyed_codes,
        batch_code,
    })
}

/// Two surrendered, unserviceable rifles destroyed last month by cutting, before the two
/// inspectors: the batch went through every step core requires.
fn destroyed_batch(
    ledger: &mut Ledger,
    officer: &custody_core::Actor,
) -> custody_core::Result<(String, Vec<String>)> {
    let mut codes = Vec::new();
    for serial in ["X-DEMO-901", "X-DEMO-902"] {
        let r = ledger.register_weapon(
            officer,
            custody_core::WeaponRecord {
                serial: serial.into(),
                manufacturer: "Zastava Arms".into(),
                model: "M48".into(),
                weapon_type: Some(custody_core::WeaponType::Rifle),
                calibre: "7.92x57".into(),
                country: "RS".into(),
                ..Default::default()
            },
            Some("Vault B / Rack 1"),
        )?;
        codes.push(r.code);
    }
    let batch = ledger.destruction_create(
        officer,
        "Ministry of Interior, Weapons Directorate",
        "03-0042/26",
        "demo",
    )?;
    ledger.destruction_add(officer, &batch.code, &codes)?;
    ledger.destruction_freeze(officer, &batch.code)?;
    ledger.destruction_recount(officer, &batch.code, &codes)?;
    ledger.destruction_record(
        officer,
        &batch.code,
        custody_core::DestructionRecord {
            method: custody_core::DestructionMethod::Cutting,
            equipment: "Hydraulic shear HS-40".into(),
            place: "Depot workshop".into(),
            date: chrono::Utc::now().date_naive().to_string(),
            scrap_weight_kg: "8.4".into(),
            photo_digests: Vec::new(),
        },
    )?;
    let w1 = ledger.authenticate("INS1", "375298")?;
    let w2 = ledger.authenticate("INS2", "286451")?;
    ledger.destruction_execute(officer, &[&w1, &w2], &batch.code)?;
    Ok((batch.code, codes))
}

/// Three lots of ammunition in the licensed store Vault B / Rack 1 (30 kg NEQ: near its
/// limit), part of one split to the armoury counter (1 kg, group S only) and issued from there.
fn ammunition(
    ledger: &mut Ledger,
    admin: &custody_core::Actor,
    officer: &custody_core::Actor,
) -> custody_core::Result<()> {
    use custody_core::ammo::{AmmoCondition, AmmoIssue, AmmoUnit, LotRecord};
    ledger.set_location_limits(admin, "Vault B / Rack 1", Some("30"), &[])?;
    ledger.set_location_limits(admin, "Armoury counter", Some("1"), &["S"])?;
    let lots = [
        (
            "cartridge",
            "M67, ball",
            "7.62x39",
            "Prvi Partizan",
            "PP-21-0457",
            2021,
            "1.4S",
            "0.0016",
            AmmoUnit::Rounds,
            20,
            12_000,
        ),
        (
            "cartridge",
            "FMJ",
            "9x19",
            "Prvi Partizan",
            "PP-23-0112",
            2023,
            "1.4S",
            "0.00035",
            AmmoUnit::Rounds,
            50,
            5_000,
        ),
        (
            "hand grenade",
            "M75, defensive",
            "",
            "Krušik",
            "KV-19-003",
            2019,
            "1.1F",
            "0.16",
            AmmoUnit::Pieces,
            12,
            48,
        ),
    ];
    for (ammo_type, description, calibre, maker, number, year, hazard, neq, unit, per, quantity) in
        lots
    {
        let lot = LotRecord {
            ammo_type: ammo_type.into(),
            description: description.into(),
            calibre: calibre.into(),
            manufacturer: maker.into(),
            lot_number: number.into(),
            year: Some(year),
            hazard: hazard.into(),
            neq_kg: neq.into(),
            unit,
            units_per_package: per,
            ..Default::default()
        };
        ledger.ammo_receive(
            officer,
            lot,
            quantity,
            "Vault B / Rack 1",
            AmmoCondition::Serviceable,
        )?;
    }
    ledger.ammo_split(
        officer,
        "PP-23-0112",
        "Vault B / Rack 1",
        "Armoury counter",
        1_000,
    )?;
    let issue = AmmoIssue {
        from_location: "Armoury counter".into(),
        quantity: 200,
        to_whom: "Traffic police unit 3".into(),
        purpose: "range practice".into(),
        signer: "Sgt. Nikola Ilić".into(),
    };
    ledger.ammo_issue(officer, "PP-23-0112", &issue)?;
    Ok(())
}
