//! A small site used by the scenario tests: an administrator, an officer, a custodian,
//! an inspector, two locations and three weapons.
#![allow(dead_code)]

use custody_core::{Actor, Ledger, LocationRecord, PersonRecord, Role, WeaponRecord, WeaponType};
use tempfile::TempDir;

pub struct Site {
    pub dir: TempDir,
    pub ledger: Ledger,
    pub admin: Actor,
    pub officer: Actor,
    pub custodian: Actor,
    pub inspector: Actor,
    pub weapons: Vec<String>,
}

pub fn person(name: &str, badge: &str, role: Role) -> PersonRecord {
    PersonRecord {
        name: name.into(),
        service_number: String::new(),
        badge: badge.into(),
        roles: vec![role],
    }
}

pub fn weapon(serial: &str, manufacturer: &str) -> WeaponRecord {
    WeaponRecord {
        serial: serial.into(),
        manufacturer: manufacturer.into(),
        model: "M70".into(),
        weapon_type: Some(WeaponType::Rifle),
        calibre: "7.62x39".into(),
        country: "RS".into(),
        year: Some(1984),
        ..WeaponRecord::default()
    }
}

pub fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let (mut ledger, admin) = Ledger::create(
        &dir.path().join("site.db"),
        "Test Depot",
        person("Ana Admin", "ADM", Role::Administrator),
        "731904",
    )
    .unwrap();
    ledger
        .register_person(
            &admin,
            person("Oleg Officer", "OFF", Role::Officer),
            "642087",
        )
        .unwrap();
    ledger
        .register_person(
            &admin,
            person("Cora Custodian", "CUS", Role::Custodian),
            "553719",
        )
        .unwrap();
    ledger
        .register_person(
            &admin,
            person("Ivo Inspector", "INS", Role::Inspector),
            "464102",
        )
        .unwrap();
    let officer = ledger.authenticate("OFF", "642087").unwrap();
    let custodian = ledger.authenticate("CUS", "553719").unwrap();
    let inspector = ledger.authenticate("INS", "464102").unwrap();
    for name in ["Vault A", "Vault B"] {
        ledger
            .register_location(
                &officer,
                LocationRecord {
                    name: name.into(),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    let weapons = ["A100", "A101", "A102"]
        .iter()
        .map(|s| {
            ledger
                .register_weapon(&officer, weapon(s, "Zastava"), Some("Vault A"))
                .unwrap()
                .code
        })
        .collect();
    Site {
        dir,
        ledger,
        admin,
        officer,
        custodian,
        inspector,
        weapons,
    }
}

pub fn event_count(ledger: &Ledger) -> i64 {
    ledger.head().unwrap().0
}
