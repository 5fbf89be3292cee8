//! Real site ledgers (custody-core, SQLite) for the registry tests.
#![allow(dead_code)]

use custody_core::{
    Actor, DestructionMethod, DestructionRecord, HandoverDetails, Ledger, LocationRecord,
    PersonRecord, Role, WeaponRecord, WeaponType,
};

pub struct Site {
    pub dir: tempfile::TempDir,
    pub ledger: Ledger,
    pub admin: Actor,
    pub officer: Actor,
    pub inspector: Actor,
    pub witness: Actor,
    /// Label codes of the weapons registered, in order.
    pub codes: Vec<String>,
}

fn person(name: &str, badge: &str, role: Role) -> PersonRecord {
    PersonRecord {
        name: name.into(),
        service_number: String::new(),
        badge: badge.into(),
        roles: vec![role],
    }
}

pub fn weapon(serial: &str, wt: WeaponType) -> WeaponRecord {
    WeaponRecord {
        serial: serial.into(),
        manufacturer: "Zastava Arms".into(),
        model: "M70".into(),
        weapon_type: Some(wt),
        calibre: "7.62x39".into(),
        country: "RS".into(),
        year: Some(1984),
        ..WeaponRecord::default()
    }
}

pub fn site(name: &str, weapons: &[(&str, WeaponType)]) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let (mut ledger, admin) = Ledger::create(
        &dir.path().join("site.db"),
        name,
        person("Ana Admin", "ADM", Role::Administrator),
        "731904",
    )
    .unwrap();
    for (n, b, r, pin) in [
        ("Oleg Officer", "OFF", Role::Officer, "642087"),
        ("Ivo Inspector", "INS", Role::Inspector, "464102"),
        ("Vesna Witness", "WIT", Role::Inspector, "286451"),
    ] {
        ledger
            .register_person(&admin, person(n, b, r), pin)
            .unwrap();
    }
    let officer = ledger.authenticate("OFF", "642087").unwrap();
    let inspector = ledger.authenticate("INS", "464102").unwrap();
    let witness = ledger.authenticate("WIT", "286451").unwrap();
    ledger
        .register_location(
            &officer,
            LocationRecord {
                name: "Vault A".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let codes = weapons
        .iter()
        .map(|(s, t)| {
            ledger
                .register_weapon(&officer, weapon(s, *t), Some("Vault A"))
                .unwrap()
                .code
        })
        .collect();
    Site {
        dir,
        ledger,
        admin,
        officer,
        inspector,
        witness,
        codes,
    }
}

/// Destroys `codes` at the site through the full destruction workflow; returns the batch code.
pub fn destroy(s: &mut Site, codes: &[String]) -> String {
    let b = s
        .ledger
        .destruction_create(&s.officer, "Ministry of Interior", "DEC-2026/1", "")
        .unwrap();
    s.ledger
        .destruction_add(&s.officer, &b.code, codes)
        .unwrap();
    s.ledger.destruction_freeze(&s.officer, &b.code).unwrap();
    s.ledger
        .destruction_recount(&s.inspector, &b.code, codes)
        .unwrap();
    s.ledger
        .destruction_record(
            &s.officer,
            &b.code,
            DestructionRecord {
                method: DestructionMethod::Cutting,
                equipment: "Hydraulic shear".into(),
                place: "Smederevo".into(),
                date: "2026-03-02".into(),
                scrap_weight_kg: "3.5".into(),
                photo_digests: vec![],
            },
        )
        .unwrap();
    s.ledger
        .destruction_execute(&s.officer, &[&s.inspector, &s.witness], &b.code)
        .unwrap();
    b.code
}

/// `by` trusts `whom`'s key under `name`, unless it already does.
fn trust(by: &mut Site, whom: &Site, name: &str) {
    let kid = whom.ledger.key_id().unwrap();
    if !by
        .ledger
        .trusted_keys()
        .unwrap()
        .iter()
        .any(|k| k.key_id == kid)
    {
        let key = whom.ledger.public_key_hex().unwrap();
        by.ledger.trust_key(&by.admin, &key, name).unwrap();
    }
}

/// Hands `codes` over from `a` to `b`, all the way to the receipt back at `a`. Returns the
/// manifest code.
pub fn hand_over(a: &mut Site, b: &mut Site, codes: &[String]) -> String {
    let details = HandoverDetails {
        sender: "Depot A".into(),
        receiver: "Depot B".into(),
        legal_basis: "Order 1/2026".into(),
        transport: "Van".into(),
        ..Default::default()
    };
    let h = a
        .ledger
        .handover_dispatch(&a.officer, &details, codes)
        .unwrap();
    // A bundle is addressed to one trusted site (each trusts the other once, whichever way
    // the items go).
    trust(a, b, "Depot B");
    let bundle = a
        .ledger
        .handover_export(&a.officer, &h.code, &b.ledger.key_id().unwrap())
        .unwrap();
    trust(b, a, "Depot A");
    b.ledger.handover_import(&b.officer, &bundle).unwrap();
    b.ledger
        .handover_receive(&b.officer, &h.code, codes)
        .unwrap();
    b.ledger
        .handover_accept(&b.officer, Some(&b.inspector), &h.code, Some("Vault A"))
        .unwrap();
    let receipt = b.ledger.handover_receipt(&b.officer, &h.code).unwrap();
    a.ledger
        .handover_import_receipt(&a.officer, &receipt)
        .unwrap();
    h.code
}
