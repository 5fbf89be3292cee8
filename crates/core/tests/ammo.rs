//! Ammunition by lot and quantity: the happy path, every refusal (typed, nothing recorded),
//! conservation checked by verify, a forged event and a tampered projection, the schema 6 → 7
//! migration, and a seeded random sequence of operations against an independent model.

mod common;

use common::{event_count, site, Site};
use custody_core::ammo::{AmmoCondition, AmmoIssue, AmmoUnit, LotRecord};
use custody_core::{CustodyError, Ledger, Origin};
use rusqlite::Connection;

fn lot(number: &str) -> LotRecord {
    LotRecord {
        ammo_type: "cartridge".into(),
        description: "ball, brass case".into(),
        calibre: "7.62x39".into(),
        manufacturer: "PPU".into(),
        lot_number: number.into(),
        year: Some(2019),
        hazard: "1.4S".into(),
        neq_kg: "0.0016".into(),
        unit: AmmoUnit::Rounds,
        units_per_package: 20,
        origin: Origin::StateStock,
        found_at: String::new(),
    }
}

fn issue(from: &str, quantity: i64, signer: &str) -> AmmoIssue {
    AmmoIssue {
        from_location: from.into(),
        quantity,
        to_whom: "2nd Company".into(),
        purpose: "range training".into(),
        signer: signer.into(),
    }
}

fn raw(ledger: &Ledger) -> Connection {
    Connection::open(ledger.path()).unwrap()
}

/// Runs a refused operation and checks that the ledger head and projections did not move.
fn refused<T: std::fmt::Debug>(
    s: &mut Site,
    op: impl FnOnce(&mut Site) -> custody_core::Result<T>,
) -> CustodyError {
    let head = s.ledger.head().unwrap();
    let digests = s.ledger.projection_digests().unwrap();
    let err = op(s).expect_err("the operation must be refused");
    assert_eq!(
        s.ledger.head().unwrap(),
        head,
        "refused, yet the head moved: {err}"
    );
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
    err
}

/// A site with lot `23-01` of 1000 rounds in Vault A.
fn stocked() -> (Site, String) {
    let mut s = site();
    let (id, _) = s
        .ledger
        .ammo_receive(
            &s.officer,
            lot("23-01"),
            1000,
            "Vault A",
            AmmoCondition::Serviceable,
        )
        .unwrap();
    (s, id)
}

#[test]
fn a_lot_is_received_split_issued_returned_expended_and_inspected() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    s.ledger
        .ammo_split(&o, "23-01", "Vault A", "Vault B", 300)
        .unwrap();
    s.ledger
        .ammo_issue(&o, &id, &issue("Vault B", 120, "Sgt. Marko Petrović"))
        .unwrap();
    s.ledger
        .ammo_return(&o, &id, "Vault A", 20, "unused")
        .unwrap();
    s.ledger
        .ammo_expend(&o, &id, None, 90, "Range order 7/26")
        .unwrap();
    s.ledger
        .ammo_expend(&o, &id, Some("Vault A"), 5, "Test firing 12/26")
        .unwrap();
    let inspector = s.inspector.clone();
    s.ledger
        .ammo_inspect(
            &inspector,
            &id,
            AmmoCondition::Unserviceable,
            "corroded cases in box 3",
        )
        .unwrap();
    let view = s.ledger.ammo_lot("23-01").unwrap();
    // 1000 in A; 300 to B; 120 out of B; 20 back to A; 90 of the 100 out fired; 5 fired from A.
    assert_eq!(
        view.stock,
        [("Vault A".to_string(), 715), ("Vault B".to_string(), 180)]
    );
    assert_eq!((view.received, view.in_store), (1000, 895));
    assert_eq!((view.issued_out, view.expended), (10, 95));
    assert_eq!(view.condition, AmmoCondition::Unserviceable);
    assert_eq!(view.lot.hazard, "1.4S");
    assert!(s.ledger.verify().unwrap().is_intact());
    let digests = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
    // Unserviceable ammunition is not issued.
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_issue(&o, &id, &issue("Vault A", 1, "Sgt. Marko Petrović"))
    });
    assert!(
        matches!(
            err,
            CustodyError::LotNotServiceable {
                condition: "unserviceable",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_quantity_that_is_not_positive_is_refused() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    for q in [-5, 0] {
        let err = refused(&mut s, |s| {
            s.ledger.ammo_split(&o, &id, "Vault A", "Vault B", q)
        });
        assert!(
            matches!(err, CustodyError::BadQuantity { given, .. } if given == q),
            "{err}"
        );
    }
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_receive(&o, lot("24-09"), -1, "Vault A", AmmoCondition::Serviceable)
    });
    assert!(
        matches!(err, CustodyError::BadQuantity { given: -1, .. }),
        "{err}"
    );
}

#[test]
fn splitting_more_than_a_location_holds_is_refused_saying_how_much_is_there() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    let err = refused(&mut s, |s| {
        s.ledger.ammo_split(&o, &id, "Vault A", "Vault B", 1001)
    });
    match &err {
        CustodyError::InsufficientQuantity {
            wanted,
            available,
            place,
            ..
        } => assert_eq!(
            (*wanted, *available, place.as_str()),
            (1001, 1000, "at Vault A")
        ),
        other => panic!("wrong refusal: {other}"),
    }
    assert!(err.to_string().contains("only 1000 at Vault A"), "{err}");
    // Vault B holds none of it.
    let err = refused(&mut s, |s| {
        s.ledger.ammo_split(&o, &id, "Vault B", "Vault A", 1)
    });
    assert!(
        matches!(err, CustodyError::InsufficientQuantity { available: 0, .. }),
        "{err}"
    );
}

#[test]
fn returning_or_expending_more_than_is_issued_out_is_refused() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    s.ledger
        .ammo_issue(&o, &id, &issue("Vault A", 50, "Cpl. Ana Ilić"))
        .unwrap();
    let err = refused(&mut s, |s| s.ledger.ammo_return(&o, &id, "Vault A", 51, ""));
    assert!(
        matches!(
            err,
            CustodyError::ReturnExceedsIssued {
                wanted: 51,
                issued_out: 50,
                ..
            }
        ),
        "{err}"
    );
    let err = refused(&mut s, |s| {
        s.ledger.ammo_expend(&o, &id, None, 51, "Range 1")
    });
    assert!(
        matches!(
            err,
            CustodyError::InsufficientQuantity {
                wanted: 51,
                available: 50,
                ..
            }
        ),
        "{err}"
    );
    let err = refused(&mut s, |s| s.ledger.ammo_expend(&o, &id, None, 5, "  "));
    assert!(
        matches!(err, CustodyError::AmmoFieldRequired { .. }),
        "{err}"
    );
}

#[test]
fn an_issue_without_a_signer_is_refused() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    let err = refused(&mut s, |s| {
        s.ledger.ammo_issue(&o, &id, &issue("Vault A", 10, " "))
    });
    assert!(matches!(err, CustodyError::SignerRequired), "{err}");
}

#[test]
fn a_bad_hazard_code_is_refused() {
    let mut s = site();
    let o = s.officer.clone();
    for bad in ["1.7C", "1.4I", "UN0012", ""] {
        let err = refused(&mut s, |s| {
            s.ledger.ammo_receive(
                &o,
                LotRecord {
                    hazard: bad.into(),
                    ..lot("23-01")
                },
                10,
                "Vault A",
                AmmoCondition::Serviceable,
            )
        });
        assert!(
            matches!(err, CustodyError::BadHazardCode(ref t) if t == bad),
            "{err}"
        );
    }
}

#[test]
fn the_same_manufacturer_lot_and_calibre_is_refused_as_a_duplicate_lot() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    // Case, spaces and dashes do not make another lot.
    let again = LotRecord {
        manufacturer: " ppu ".into(),
        lot_number: "2301".into(),
        calibre: "7.62 X 39".into(),
        ..lot("x")
    };
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_receive(&o, again, 5, "Vault B", AmmoCondition::Serviceable)
    });
    assert!(
        matches!(err, CustodyError::DuplicateLot { ref existing, .. } if *existing == id),
        "{err}"
    );
    // Another calibre with the same lot number is another lot; the lot number alone is then
    // ambiguous and the id is asked for.
    s.ledger
        .ammo_receive(
            &o,
            LotRecord {
                calibre: "9x19".into(),
                ..lot("23-01")
            },
            5,
            "Vault B",
            AmmoCondition::Serviceable,
        )
        .unwrap();
    let err = s.ledger.ammo_lot("23-01").unwrap_err();
    assert!(matches!(err, CustodyError::AmbiguousLot { .. }), "{err}");
    assert_eq!(s.ledger.ammo_lot(&id).unwrap().received, 1000);
    // Ordnance found at a collection may carry no lot number; two such lots are not duplicates.
    for _ in 0..2 {
        s.ledger
            .ammo_receive(
                &o,
                LotRecord {
                    ammo_type: "hand grenade".into(),
                    manufacturer: String::new(),
                    lot_number: String::new(),
                    hazard: "1.2G".into(),
                    unit: AmmoUnit::Pieces,
                    units_per_package: 1,
                    origin: Origin::Found,
                    found_at: "Collection point Novi Sad".into(),
                    ..lot("")
                },
                2,
                "Vault B",
                AmmoCondition::AwaitingInspection,
            )
            .unwrap();
    }
    // State stock needs its marked lot number.
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_receive(&o, lot(" "), 5, "Vault B", AmmoCondition::Serviceable)
    });
    assert!(
        matches!(err, CustodyError::AmmoFieldRequired { .. }),
        "{err}"
    );
    assert_eq!(s.ledger.ammo_lots().unwrap().len(), 4);
}

#[test]
fn only_an_inspector_or_administrator_changes_a_lots_condition() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_inspect(&o, &id, AmmoCondition::ForDisposal, "dented")
    });
    assert!(matches!(err, CustodyError::WrongRole { .. }), "{err}");
    let inspector = s.inspector.clone();
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_inspect(&inspector, &id, AmmoCondition::ForDisposal, "")
    });
    assert!(
        matches!(err, CustodyError::AmmoFieldRequired { .. }),
        "{err}"
    );
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_inspect(&inspector, &id, AmmoCondition::ForDisposal, "dented\x1b[2J")
    });
    assert!(
        matches!(err, CustodyError::ControlCharacters { .. }),
        "{err}"
    );
}

#[test]
fn a_tampered_stock_row_is_named_by_verify_with_its_lot() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    s.ledger
        .ammo_split(&o, &id, "Vault A", "Vault B", 400)
        .unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
    raw(&s.ledger)
        .execute(
            "UPDATE ammo_stock SET quantity = quantity + 100 WHERE lot_id = ?1 AND quantity = 400",
            [&id],
        )
        .unwrap();
    let problem = s
        .ledger
        .verify()
        .unwrap()
        .problem
        .expect("tampering is found");
    assert!(
        problem.what.contains("ammunition lot 23-01"),
        "{}",
        problem.what
    );
    assert!(
        problem.what.contains("account for 1100 of 1000"),
        "{}",
        problem.what
    );
    s.ledger.rebuild().unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
    assert_eq!(s.ledger.ammo_lot(&id).unwrap().in_store, 1000);
}

/// An intruder appends, with a valid hash, an issue larger than the location holds.
#[test]
fn a_forged_issue_that_breaks_conservation_is_named_by_verify() {
    use custody_core::event::{canonical_bytes, chain_hash, EventBody, EventFields};
    let (s, id) = stocked();
    let vault_a = s.ledger.find_location("Vault A").unwrap().unwrap().id;
    let conn = raw(&s.ledger);
    let (head_seq, head_hash): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (kind, payload) = EventBody::AmmoIssue {
        lot_id: id.clone(),
        from_location: vault_a,
        quantity: 5000,
        to_whom: "nobody".into(),
        purpose: "theft".into(),
        signer: "nobody".into(),
    }
    .to_columns();
    let event_id = "01890a5d-ac96-774b-bcce-b302099a9999";
    let time = "2026-03-03T10:00:00.000000Z";
    let mut bytes = Vec::new();
    canonical_bytes(
        &EventFields {
            seq: head_seq + 1,
            id: event_id,
            time,
            actor: Some(s.officer.person_id()),
            witness: None,
            kind: &kind,
            subject: Some(&id),
            payload: &payload,
        },
        &mut bytes,
    );
    let prev: [u8; 32] = head_hash.try_into().unwrap();
    let hash = chain_hash(&prev, &bytes);
    conn.execute(
        "INSERT INTO events (seq, id, time, actor, witness, kind, subject, payload, prev_hash, hash)
         VALUES (?1,?2,?3,?4,NULL,?5,?6,?7,?8,?9)",
        rusqlite::params![
            head_seq + 1,
            event_id,
            time,
            s.officer.person_id(),
            kind,
            id,
            payload,
            &prev[..],
            &hash[..]
        ],
    )
    .unwrap();
    let problem = s
        .ledger
        .verify()
        .unwrap()
        .problem
        .expect("the forgery is found");
    assert_eq!(problem.seq, Some(head_seq + 1), "{}", problem.what);
    assert!(
        problem.what.contains("ammunition lot 23-01"),
        "{}",
        problem.what
    );
    assert!(problem.what.contains("take 5000"), "{}", problem.what);
}

#[test]
fn a_schema_6_file_migrates_to_7_and_then_receives_ammunition() {
    let s = site();
    let digests = s.ledger.projection_digests().unwrap();
    let path = s.ledger.path().to_path_buf();
    let officer = s.officer.clone();
    drop(s.ledger);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE ammo_lots; DROP TABLE ammo_stock; PRAGMA user_version = 6;")
        .unwrap();
    drop(conn);
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(
        custody_core::schema::version(ledger.connection()).unwrap(),
        7
    );
    assert_eq!(ledger.projection_digests().unwrap(), digests);
    assert!(ledger.verify().unwrap().is_intact());
    ledger
        .ammo_receive(
            &officer,
            lot("23-01"),
            10,
            "Vault A",
            AmmoCondition::Serviceable,
        )
        .unwrap();
    assert!(ledger.verify().unwrap().is_intact());
}

/// xorshift64*: a small, seeded, reproducible generator (no crate needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What the test expects of one lot, kept apart from the ledger.
struct ModelLot {
    id: String,
    received: u64,
    store: [u64; 2],
    out: u64,
    expended: u64,
    serviceable: bool,
}

/// A quantity around `around`: sometimes zero or negative, sometimes too much.
fn quantity(rng: &mut Rng, around: u64) -> i64 {
    rng.below(around + 30) as i64 - 5
}

#[derive(Debug, PartialEq)]
enum Expect {
    Ok,
    BadQuantity,
    Duplicate,
    Insufficient,
    ReturnTooMuch,
    NoSigner,
    NotServiceable,
}

fn outcome<T>(r: &custody_core::Result<T>) -> Expect {
    match r {
        Ok(_) => Expect::Ok,
        Err(CustodyError::BadQuantity { .. }) => Expect::BadQuantity,
        Err(CustodyError::DuplicateLot { .. }) => Expect::Duplicate,
        Err(CustodyError::InsufficientQuantity { .. }) => Expect::Insufficient,
        Err(CustodyError::ReturnExceedsIssued { .. }) => Expect::ReturnTooMuch,
        Err(CustodyError::SignerRequired) => Expect::NoSigner,
        Err(CustodyError::LotNotServiceable { .. }) => Expect::NotServiceable,
        Err(other) => panic!("unexpected refusal: {other}"),
    }
}

#[test]
fn random_operations_conserve_every_lot_and_projections_equal_a_rebuild() {
    const VAULTS: [&str; 2] = ["Vault A", "Vault B"];
    let mut s = site();
    let o = s.officer.clone();
    let inspector = s.inspector.clone();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut model: Vec<(String, ModelLot)> = Vec::new();
    let mut refusals = 0;
    for step in 0..300 {
        let head = event_count(&s.ledger);
        let digests = s.ledger.projection_digests().unwrap();
        let op = if model.is_empty() { 0 } else { rng.below(6) };
        let pick = rng.below(model.len() as u64) as usize;
        let (expected, got) = match op {
            0 => {
                let number = format!("L-{}", rng.below(12));
                let q = quantity(&mut rng, 400);
                let at = rng.below(2) as usize;
                let expected = if q <= 0 {
                    Expect::BadQuantity
                } else if model.iter().any(|(n, _)| *n == number) {
                    Expect::Duplicate
                } else {
                    Expect::Ok
                };
                let r = s.ledger.ammo_receive(
                    &o,
                    lot(&number),
                    q,
                    VAULTS[at],
                    AmmoCondition::Serviceable,
                );
                if let Ok((id, _)) = &r {
                    let mut store = [0; 2];
                    store[at] = q as u64;
                    let fresh = ModelLot {
                        id: id.clone(),
                        received: q as u64,
                        store,
                        out: 0,
                        expended: 0,
                        serviceable: true,
                    };
                    model.push((number, fresh));
                }
                (expected, outcome(&r))
            }
            1 => {
                let m = &mut model[pick].1;
                let from = rng.below(2) as usize;
                let q = quantity(&mut rng, m.store[from]);
                let expected = match q {
                    q if q <= 0 => Expect::BadQuantity,
                    q if q as u64 > m.store[from] => Expect::Insufficient,
                    _ => Expect::Ok,
                };
                let r = s
                    .ledger
                    .ammo_split(&o, &m.id, VAULTS[from], VAULTS[1 - from], q);
                if r.is_ok() {
                    m.store[from] -= q as u64;
                    m.store[1 - from] += q as u64;
                }
                (expected, outcome(&r))
            }
            2 => {
                let m = &mut model[pick].1;
                let from = rng.below(2) as usize;
                let q = quantity(&mut rng, m.store[from]);
                let signer = if rng.below(8) == 0 {
                    ""
                } else {
                    "Sgt. Petrović"
                };
                let expected = if q <= 0 {
                    Expect::BadQuantity
                } else if signer.is_empty() {
                    Expect::NoSigner
                } else if !m.serviceable {
                    Expect::NotServiceable
                } else if q as u64 > m.store[from] {
                    Expect::Insufficient
                } else {
                    Expect::Ok
                };
                let r = s
                    .ledger
                    .ammo_issue(&o, &m.id, &issue(VAULTS[from], q, signer));
                if r.is_ok() {
                    m.store[from] -= q as u64;
                    m.out += q as u64;
                }
                (expected, outcome(&r))
            }
            3 => {
                let m = &mut model[pick].1;
                let to = rng.below(2) as usize;
                let q = quantity(&mut rng, m.out);
                let expected = match q {
                    q if q <= 0 => Expect::BadQuantity,
                    q if q as u64 > m.out => Expect::ReturnTooMuch,
                    _ => Expect::Ok,
                };
                let r = s.ledger.ammo_return(&o, &m.id, VAULTS[to], q, "back");
                if r.is_ok() {
                    m.out -= q as u64;
                    m.store[to] += q as u64;
                }
                (expected, outcome(&r))
            }
            4 => {
                let m = &mut model[pick].1;
                let from = match rng.below(3) {
                    2 => None,
                    v => Some(v as usize),
                };
                let held = from.map_or(m.out, |f| m.store[f]);
                let q = quantity(&mut rng, held);
                let expected = match q {
                    q if q <= 0 => Expect::BadQuantity,
                    q if q as u64 > held => Expect::Insufficient,
                    _ => Expect::Ok,
                };
                let r = s.ledger.ammo_expend(
                    &o,
                    &m.id,
                    from.map(|f| VAULTS[f]),
                    q,
                    &format!("R-{step}"),
                );
                if r.is_ok() {
                    match from {
                        Some(f) => m.store[f] -= q as u64,
                        None => m.out -= q as u64,
                    }
                    m.expended += q as u64;
                }
                (expected, outcome(&r))
            }
            _ => {
                let m = &mut model[pick].1;
                let serviceable = rng.below(3) != 0;
                let condition = if serviceable {
                    AmmoCondition::Serviceable
                } else {
                    AmmoCondition::Unserviceable
                };
                let r = s
                    .ledger
                    .ammo_inspect(&inspector, &m.id, condition, "checked");
                if r.is_ok() {
                    m.serviceable = serviceable;
                }
                (Expect::Ok, outcome(&r))
            }
        };
        assert_eq!(got, expected, "step {step}, operation {op}");
        if expected != Expect::Ok {
            refusals += 1;
            assert_eq!(event_count(&s.ledger), head, "step {step}: a refusal wrote");
            assert_eq!(
                s.ledger.projection_digests().unwrap(),
                digests,
                "step {step}"
            );
        }
        // Conservation and the per-location quantities, against the model, after every step.
        let lots = s.ledger.ammo_lots().unwrap();
        assert_eq!(lots.len(), model.len());
        for (_, m) in &model {
            let view = lots.iter().find(|l| l.id == m.id).unwrap();
            assert_eq!(
                view.received,
                view.in_store + view.issued_out + view.expended,
                "step {step}"
            );
            assert_eq!(
                (view.received, view.issued_out, view.expended),
                (m.received, m.out, m.expended),
                "step {step}"
            );
            for (i, vault) in VAULTS.iter().enumerate() {
                let held = view
                    .stock
                    .iter()
                    .find(|(n, _)| n == vault)
                    .map_or(0, |x| x.1);
                assert_eq!(held, m.store[i], "step {step}, {vault}");
            }
        }
        if step % 25 == 24 {
            let digests = s.ledger.projection_digests().unwrap();
            s.ledger.rebuild().unwrap();
            assert_eq!(
                s.ledger.projection_digests().unwrap(),
                digests,
                "step {step}"
            );
            let report = s.ledger.verify().unwrap();
            assert!(report.is_intact(), "step {step}: {:?}", report.problem);
        }
    }
    // The sequence exercised both sides: many lots, many refusals, many successes.
    assert!(model.len() >= 5, "{} lots", model.len());
    assert!((30..270).contains(&refusals), "{refusals} refusals");
}

#[test]
fn lot_text_goes_through_the_payload_limits() {
    let mut s = site();
    let o = s.officer.clone();
    let err = refused(&mut s, |s| {
        s.ledger.ammo_receive(
            &o,
            LotRecord {
                lot_number: "7".repeat(201),
                ..lot("x")
            },
            1,
            "Vault A",
            AmmoCondition::Serviceable,
        )
    });
    assert!(
        matches!(err, CustodyError::FieldTooLong { ref field, max: 200, .. } if field == "lot_number"),
        "{err}"
    );
    let (id, _) = s
        .ledger
        .ammo_receive(&o, lot("23-01"), 10, "Vault A", AmmoCondition::Serviceable)
        .unwrap();
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_issue(&o, &id, &issue("Vault A", 1, "Sgt.\nPetrović"))
    });
    assert!(
        matches!(err, CustodyError::ControlCharacters { ref field } if field == "signer"),
        "{err}"
    );
}
