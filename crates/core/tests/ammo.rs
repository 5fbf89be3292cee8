//! Ammunition by lot and quantity: the happy path, every refusal (typed, nothing recorded),
//! conservation checked by verify, a forged event and a tampered projection, the schema 6 → 7
//! and 7 → 8 migrations, a seeded random sequence of operations against an independent model,
//! and storage limits (licensed NEQ, compatibility groups) with each of their refusals.

mod common;

use common::{event_count, site, Site};
use custody_core::ammo::{AmmoCondition, AmmoIssue, AmmoUnit, LotRecord};
use custody_core::limits::{LimitWarning, Limits};
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

/// The site's officer receives `record` with `quantity` at `at`, serviceable; the lot's id.
fn receive(s: &mut Site, record: LotRecord, quantity: i64, at: &str) -> String {
    let o = s.officer.clone();
    s.ledger
        .ammo_receive(&o, record, quantity, at, AmmoCondition::Serviceable)
        .unwrap()
        .0
}

/// Runs a refused operation (as [`refused`]) and checks its error against `pattern`.
macro_rules! refuses {
    ($site:expr, $op:expr, $pattern:pat $(if $guard:expr)?) => {{
        let err = refused($site, $op);
        assert!(matches!(err, $pattern $(if $guard)?), "{err}");
    }};
}

/// A site with lot `23-01` of 1000 rounds in Vault A.
fn stocked() -> (Site, String) {
    let mut s = site();
    let id = receive(&mut s, lot("23-01"), 1000, "Vault A");
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
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_issue(&o, &id, &issue("Vault A", 1, "Sgt. Marko Petrović"))
        },
        CustodyError::LotNotServiceable {
            condition: "unserviceable",
            ..
        }
    );
}

#[test]
fn a_quantity_that_is_not_positive_is_refused() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    for q in [-5, 0] {
        refuses!(&mut s, |s| {
            s.ledger.ammo_split(&o, &id, "Vault A", "Vault B", q)
        }, CustodyError::BadQuantity { given, .. } if given == q);
    }
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_receive(&o, lot("24-09"), -1, "Vault A", AmmoCondition::Serviceable)
        },
        CustodyError::BadQuantity { given: -1, .. }
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
            (*wanted, *available, place),
            (
                1001,
                1000,
                &custody_core::refusal::StockPlace::At("Vault A".into())
            )
        ),
        other => panic!("wrong refusal: {other}"),
    }
    assert!(err.to_string().contains("only 1000 at Vault A"), "{err}");
    // Vault B holds none of it.
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_split(&o, &id, "Vault B", "Vault A", 1) },
        CustodyError::InsufficientQuantity { available: 0, .. }
    );
}

#[test]
fn returning_or_expending_more_than_is_issued_out_is_refused() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    s.ledger
        .ammo_issue(&o, &id, &issue("Vault A", 50, "Cpl. Ana Ilić"))
        .unwrap();
    refuses!(
        &mut s,
        |s| s.ledger.ammo_return(&o, &id, "Vault A", 51, ""),
        CustodyError::ReturnExceedsIssued {
            wanted: 51,
            issued_out: 50,
            ..
        }
    );
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_expend(&o, &id, None, 51, "Range 1") },
        CustodyError::InsufficientQuantity {
            wanted: 51,
            available: 50,
            ..
        }
    );
    refuses!(
        &mut s,
        |s| s.ledger.ammo_expend(&o, &id, None, 5, "  "),
        CustodyError::AmmoFieldRequired { .. }
    );
}

#[test]
fn an_issue_without_a_signer_is_refused() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_issue(&o, &id, &issue("Vault A", 10, " ")) },
        CustodyError::SignerRequired
    );
}

#[test]
fn a_bad_hazard_code_is_refused() {
    let mut s = site();
    let o = s.officer.clone();
    for bad in ["1.7C", "1.4I", "UN0012", ""] {
        refuses!(&mut s, |s| {
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
        }, CustodyError::BadHazardCode(ref t) if t == bad);
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
    refuses!(&mut s, |s| {
        s.ledger
            .ammo_receive(&o, again, 5, "Vault B", AmmoCondition::Serviceable)
    }, CustodyError::DuplicateLot { ref existing, .. } if *existing == id);
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
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_receive(&o, lot(" "), 5, "Vault B", AmmoCondition::Serviceable)
        },
        CustodyError::AmmoFieldRequired { .. }
    );
    assert_eq!(s.ledger.ammo_lots().unwrap().len(), 4);
}

#[test]
fn only_an_inspector_or_administrator_changes_a_lots_condition() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_inspect(&o, &id, AmmoCondition::ForDisposal, "dented")
        },
        CustodyError::WrongRole { .. }
    );
    let inspector = s.inspector.clone();
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_inspect(&inspector, &id, AmmoCondition::ForDisposal, "")
        },
        CustodyError::AmmoFieldRequired { .. }
    );
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_inspect(&inspector, &id, AmmoCondition::ForDisposal, "dented\x1b[2J")
        },
        CustodyError::ControlCharacters { .. }
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

/// Appends an event the program would never write, with a good hash chain (a forger with the
/// file in hand); returns its number.
fn append_forged(s: &Site, subject: &str, body: custody_core::event::EventBody) -> i64 {
    use custody_core::event::{canonical_bytes, chain_hash, EventFields};
    let conn = raw(&s.ledger);
    let (head_seq, head_hash): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (kind, payload) = body.to_columns();
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
            subject: Some(subject),
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
            subject,
            payload,
            &prev[..],
            &hash[..]
        ],
    )
    .unwrap();
    head_seq + 1
}

/// An intruder appends, with a valid hash, an issue larger than the location holds.
#[test]
fn a_forged_issue_that_breaks_conservation_is_named_by_verify() {
    let (s, id) = stocked();
    let vault_a = s.ledger.find_location("Vault A").unwrap().unwrap().id;
    let seq = append_forged(
        &s,
        &id,
        custody_core::event::EventBody::AmmoIssue {
            lot_id: id.clone(),
            from_location: vault_a,
            quantity: 5000,
            to_whom: "nobody".into(),
            purpose: "theft".into(),
            signer: "nobody".into(),
        },
    );
    forgery_named(&s, seq);
}

/// Verify stops at the forged event `seq`, naming lot 23-01 and the 5000 it takes.
fn forgery_named(s: &Site, seq: i64) {
    let problem = s
        .ledger
        .verify()
        .unwrap()
        .problem
        .expect("the forgery is found");
    assert_eq!(problem.seq, Some(seq), "{}", problem.what);
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
    conn.execute_batch(
        "DROP TABLE stocktake_ammo; DROP TABLE destruction_lots; DROP TABLE handover_lots; DROP TABLE location_limits; DROP TABLE ammo_lots; DROP TABLE ammo_stock;
         PRAGMA user_version = 6;",
    )
    .unwrap();
    drop(conn);
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(
        custody_core::schema::version(&rusqlite::Connection::open(ledger.path()).unwrap()).unwrap(),
        custody_core::schema::CURRENT_VERSION
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

/// The fixture site's two locations.
const VAULTS: [&str; 2] = ["Vault A", "Vault B"];

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
    found: u64,
    lost: u64,
    destroyed: u64,
    transferred: u64,
    lost_in_transit: u64,
    /// What the peer site holds of the lot (received from here, not yet sent back).
    at_peer: u64,
}

/// A quantity around `around`: sometimes zero or negative, sometimes too much.
fn quantity(rng: &mut Rng, around: u64) -> i64 {
    rng.below(around + 30) as i64 - 5
}

/// An open destruction batch for the random operations.
fn new_batch(s: &mut Site) -> String {
    let o = s.officer.clone();
    s.ledger
        .destruction_create(&o, "Ministry of Interior", "DEC-RANDOM", "")
        .unwrap()
        .code
}

/// One lot line destroyed through the open batch `b`: filled, frozen, re-counted, recorded and
/// executed before two witnesses, then a new open batch for the next. A refused line records
/// nothing.
fn destroy(
    s: &mut Site,
    b: &mut String,
    line: &custody_core::ammo_disposal::LotQuantity,
) -> custody_core::Result<()> {
    let (o, i, a) = (s.officer.clone(), s.inspector.clone(), s.admin.clone());
    s.ledger
        .destruction_add_lots(&o, b, std::slice::from_ref(line))?;
    s.ledger.destruction_freeze(&o, b)?;
    s.ledger
        .destruction_recount_counted(&i, b, &[], std::slice::from_ref(line))?;
    s.ledger.destruction_record(&i, b, demolition())?;
    s.ledger.destruction_execute(&o, &[&i, &a], b)?;
    *b = new_batch(s);
    Ok(())
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
    let mut s = site();
    // The site hands lots over to a peer, which counts them (sometimes short) and sends some
    // back; shortfalls are sometimes settled as lost in transit.
    let mut peer = site();
    trust(&mut s, &peer, "Peer");
    trust(&mut peer, &s, "Home");
    let o = s.officer.clone();
    let inspector = s.inspector.clone();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut model: Vec<(String, ModelLot)> = Vec::new();
    let mut refusals = 0;
    let mut returns = 0;
    let mut batch = new_batch(&mut s);
    for step in 0..300 {
        let head = event_count(&s.ledger);
        let digests = s.ledger.projection_digests().unwrap();
        let op = if model.is_empty() { 0 } else { rng.below(10) };
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
                        found: 0,
                        lost: 0,
                        destroyed: 0,
                        transferred: 0,
                        lost_in_transit: 0,
                        at_peer: 0,
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
            // A count of one vault finds some quantity of the lot, settled by an adjustment.
            6 => {
                let m = &mut model[pick].1;
                let at = rng.below(2) as usize;
                let counted = rng.below(m.store[at] + 10) + 1;
                let count = s
                    .ledger
                    .stocktake_open(&o, &[VAULTS[at].to_string()], "spot check")
                    .unwrap()
                    .code;
                s.ledger
                    .ammo_count(&o, &count, &m.id, VAULTS[at], 0, counted as i64)
                    .unwrap();
                if counted != m.store[at] {
                    s.ledger
                        .ammo_adjust(&inspector, &o, &count, &m.id, VAULTS[at], "counted")
                        .unwrap();
                    if counted > m.store[at] {
                        m.found += counted - m.store[at];
                    } else {
                        m.lost += m.store[at] - counted;
                    }
                    m.store[at] = counted;
                }
                (Expect::Ok, Expect::Ok)
            }
            // Part of a vault's stock destroyed, or handed over.
            7 | 8 => {
                let m = &mut model[pick].1;
                let from = rng.below(2) as usize;
                let q = quantity(&mut rng, m.store[from]);
                let expected = match q {
                    q if q <= 0 => Expect::BadQuantity,
                    q if q as u64 > m.store[from] => Expect::Insufficient,
                    _ => Expect::Ok,
                };
                let line = custody_core::ammo_disposal::LotQuantity {
                    lot: m.id.clone(),
                    location: VAULTS[from].into(),
                    quantity: q,
                };
                let r = if op == 7 {
                    destroy(&mut s, &mut batch, &line).map(|()| 0)
                } else {
                    send(&mut s, &mut peer, "Peer", &[line]).map(|code| {
                        let short = rng.below(4).min(q as u64);
                        let counted = q as u64 - short;
                        sign_for(&mut peer, &code, "Vault A", &[(&m.id, counted as i64)]);
                        receipt_home(&mut s, &mut peer, &code);
                        m.at_peer += counted;
                        if short > 0 && rng.below(2) == 0 {
                            let c = s.custodian.clone();
                            s.ledger
                                .handover_settle_with_lots(
                                    &o,
                                    &c,
                                    &code,
                                    &[],
                                    std::slice::from_ref(&m.id),
                                    &format!("LR-{step}"),
                                    "",
                                )
                                .unwrap();
                            return short;
                        }
                        0
                    })
                };
                if let Ok(settled) = r {
                    m.store[from] -= q as u64;
                    if op == 7 {
                        m.destroyed += q as u64;
                    } else {
                        m.transferred += q as u64 - settled;
                        m.lost_in_transit += settled;
                    }
                }
                (expected, outcome(&r))
            }
            // The peer sends part of what it holds of a lot back: the lot's record continues.
            9 => {
                let m = &mut model[pick].1;
                if m.at_peer > 0 {
                    let q = rng.below(m.at_peer) + 1;
                    let to = rng.below(2) as usize;
                    let line = custody_core::ammo_disposal::LotQuantity {
                        lot: m.id.clone(),
                        location: "Vault A".into(),
                        quantity: q as i64,
                    };
                    let code = send(&mut peer, &mut s, "Home", &[line]).unwrap();
                    sign_for(&mut s, &code, VAULTS[to], &[(&m.id, q as i64)]);
                    returns += 1;
                    m.at_peer -= q;
                    m.received += q;
                    m.store[to] += q;
                }
                (Expect::Ok, Expect::Ok)
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
                view.received + view.found,
                view.in_store
                    + view.issued_out
                    + view.expended
                    + view.destroyed
                    + view.transferred_out
                    + view.lost
                    + view.lost_in_transit,
                "step {step}"
            );
            assert_eq!(
                (view.received, view.issued_out, view.expended),
                (m.received, m.out, m.expended),
                "step {step}"
            );
            assert_eq!(
                (view.found, view.lost, view.destroyed, view.transferred_out),
                (m.found, m.lost, m.destroyed, m.transferred),
                "step {step}"
            );
            assert_eq!(view.lost_in_transit, m.lost_in_transit, "step {step}");
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
            let report = peer.ledger.verify().unwrap();
            assert!(report.is_intact(), "step {step}: {:?}", report.problem);
        }
    }
    // Handovers were counted short, settled, and came back.
    assert!(model.iter().any(|(_, m)| m.lost_in_transit > 0));
    assert!(returns >= 3, "{returns} lots came back from the peer");
    // The sequence exercised both sides: many lots, many refusals, many successes.
    assert!(model.len() >= 5, "{} lots", model.len());
    assert!((30..270).contains(&refusals), "{refusals} refusals");
}

#[test]
fn lot_text_goes_through_the_payload_limits() {
    let mut s = site();
    let o = s.officer.clone();
    refuses!(&mut s, |s| {
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
    }, CustodyError::FieldTooLong { ref field, max: 200, .. } if field == "lot_number");
    let id = receive(&mut s, lot("23-01"), 10, "Vault A");
    refuses!(&mut s, |s| {
        s.ledger
            .ammo_issue(&o, &id, &issue("Vault A", 1, "Sgt.\nPetrović"))
    }, CustodyError::ControlCharacters { ref field } if field == "signer");
}

// Storage limits. Lot `23-01` (fixture `lot`) is 1.4S at 0.0016 kg NEQ per round, so 1000
// rounds are 1.6 kg; the figures in the assertions below are worked out by hand from that.

fn lot_of(number: &str, hazard: &str, neq_kg: &str) -> LotRecord {
    LotRecord {
        hazard: hazard.into(),
        neq_kg: neq_kg.into(),
        unit: AmmoUnit::Pieces,
        ..lot(number)
    }
}

fn over_licence(err: &CustodyError) -> (&str, &str, &str, &str, &str) {
    match err {
        CustodyError::OverLicence {
            location,
            limit_kg,
            held_kg,
            adding_kg,
            excess_kg,
        } => (location, limit_kg, held_kg, adding_kg, excess_kg),
        other => panic!("wrong refusal: {other}"),
    }
}

#[test]
fn a_receive_is_allowed_up_to_the_licence_and_refused_one_unit_past_it() {
    let mut s = site();
    let (admin, o) = (s.admin.clone(), s.officer.clone());
    s.ledger
        .set_location_limits(&admin, "Vault B", Some("2"), &[])
        .unwrap();
    // 8 grenades of 0.25 kg: exactly the 2 kg licence.
    receive(&mut s, lot_of("G-1", "1.1D", "0.25"), 8, "Vault B");
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_receive(&o, lot("23-01"), 1, "Vault B", AmmoCondition::Serviceable)
    });
    assert_eq!(
        over_licence(&err),
        ("Vault B", "2", "2", "0.0016", "0.0016")
    );
    let said = err.to_string();
    assert!(said.contains("licensed for 2 kg NEQ"), "{said}");
    assert!(said.contains("0.0016 kg over the licence"), "{said}");
    // Vault A has no licence recorded: no NEQ limit there.
    receive(&mut s, lot("23-01"), 1000, "Vault A");
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn a_split_is_allowed_up_to_the_licence_and_refused_past_it_saying_by_how_much() {
    let (mut s, id) = stocked();
    let (admin, o) = (s.admin.clone(), s.officer.clone());
    s.ledger
        .set_location_limits(&admin, "Vault B", Some("0.48"), &[])
        .unwrap();
    // 300 × 0.0016 kg = 0.48 kg: exactly at the licence.
    s.ledger
        .ammo_split(&o, &id, "Vault A", "Vault B", 300)
        .unwrap();
    let err = refused(&mut s, |s| {
        s.ledger.ammo_split(&o, &id, "Vault A", "Vault B", 25)
    });
    // 25 × 0.0016 = 0.04 more, 0.52 in all.
    assert_eq!(
        over_licence(&err),
        ("Vault B", "0.48", "0.48", "0.04", "0.04")
    );
    // What is issued out comes back only where there is room.
    s.ledger
        .ammo_issue(&o, &id, &issue("Vault A", 10, "Cpl. Ana Ilić"))
        .unwrap();
    let err = refused(&mut s, |s| s.ledger.ammo_return(&o, &id, "Vault B", 10, ""));
    assert_eq!(
        over_licence(&err),
        ("Vault B", "0.48", "0.48", "0.016", "0.016")
    );
    s.ledger.ammo_return(&o, &id, "Vault A", 10, "").unwrap();
}

#[test]
fn a_group_the_location_may_not_hold_is_refused() {
    let (mut s, id) = stocked();
    let (admin, o) = (s.admin.clone(), s.officer.clone());
    s.ledger
        .set_location_limits(&admin, "Vault B", None, &["d", "C", "E"])
        .unwrap();
    assert_eq!(
        s.ledger.location_limits("Vault B").unwrap().groups,
        ["C", "D", "E"]
    );
    let err = refused(&mut s, |s| {
        s.ledger.ammo_split(&o, &id, "Vault A", "Vault B", 1)
    });
    match &err {
        CustodyError::GroupNotAllowed {
            location,
            group,
            allowed,
        } => assert_eq!(
            (location.as_str(), *group, allowed.as_str()),
            ("Vault B", 'S', "C, D, E")
        ),
        other => panic!("wrong refusal: {other}"),
    }
    refuses!(
        &mut s,
        |s| {
            s.ledger.ammo_receive(
                &o,
                lot_of("P-1", "1.3G", "0.1"),
                1,
                "Vault B",
                AmmoCondition::Serviceable,
            )
        },
        CustodyError::GroupNotAllowed { group: 'G', .. }
    );
    receive(&mut s, lot_of("M-1", "1.1E", "2.5"), 4, "Vault B");
}

#[test]
fn a_group_that_cannot_be_mixed_with_one_already_there_is_refused_naming_both() {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    // Vault A holds 1.4S; primary explosives (A) are stored only with A.
    let err = refused(&mut s, |s| {
        s.ledger.ammo_receive(
            &o,
            lot_of("DET-1", "1.1A", "0.001"),
            10,
            "Vault A",
            AmmoCondition::Serviceable,
        )
    });
    match &err {
        CustodyError::IncompatibleGroups {
            location,
            group,
            present,
        } => assert_eq!((location.as_str(), *group, *present), ("Vault A", 'A', 'S')),
        other => panic!("wrong refusal: {other}"),
    }
    assert!(
        err.to_string()
            .contains("group A cannot be stored with group S"),
        "{err}"
    );
    // Pyrotechnics (G) and extremely insensitive articles (N) are each mixed with C, D and E
    // in the table, but not with each other.
    receive(&mut s, lot_of("N-1", "1.6N", "1.5"), 2, "Vault B");
    let flares = s
        .ledger
        .ammo_receive(
            &o,
            lot_of("F-1", "1.3G", "0.05"),
            40,
            "Vault A",
            AmmoCondition::Serviceable,
        )
        .unwrap()
        .0;
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_split(&o, &flares, "Vault A", "Vault B", 1) },
        CustodyError::IncompatibleGroups {
            group: 'G',
            present: 'N',
            ..
        }
    );
    // S goes with N.
    s.ledger
        .ammo_split(&o, &id, "Vault A", "Vault B", 5)
        .unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn only_an_administrator_sets_limits_and_bad_ones_are_refused() {
    let mut s = site();
    let (admin, o) = (s.admin.clone(), s.officer.clone());
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .set_location_limits(&o, "Vault A", Some("100"), &[])
        },
        CustodyError::WrongRole { .. }
    );
    for (max, groups) in [
        (Some("-1"), vec![]),
        (Some("1.0000001"), vec![]),
        (Some("10000001"), vec![]),
        (Some("lots"), vec![]),
    ] {
        let err = refused(&mut s, |s| {
            s.ledger
                .set_location_limits(&admin, "Vault A", max, &groups)
        });
        assert!(
            matches!(
                err,
                CustodyError::Refused(custody_core::Refusal::BadLicence { .. })
            ),
            "{max:?}: {err}"
        );
    }
    for bad in ["I", "M", "CD", "1.4S"] {
        let err = refused(&mut s, |s| {
            s.ledger
                .set_location_limits(&admin, "Vault A", None, &[bad])
        });
        assert!(
            matches!(err, CustodyError::BadCompatibilityGroup(_)),
            "{bad}: {err}"
        );
    }
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .set_location_limits(&admin, "Vault Z", Some("1"), &[])
        },
        CustodyError::UnknownLocation(_)
    );
}

#[test]
fn a_licence_reduced_below_the_stock_is_recorded_with_a_warning_and_stops_additions() {
    let (mut s, id) = stocked();
    let (admin, o) = (s.admin.clone(), s.officer.clone());
    let (_, warnings) = s
        .ledger
        .set_location_limits(&admin, "Vault A", Some("1.5"), &["D"])
        .unwrap();
    // 1000 × 0.0016 = 1.6 kg held against 1.5; group S held, only D allowed now.
    assert_eq!(
        warnings,
        [
            LimitWarning::OverLicence {
                held_kg: "1.6".into(),
                limit_kg: "1.5".into()
            },
            LimitWarning::GroupNotAllowed { group: 'S' }
        ]
    );
    let stores = s.ledger.ammo_stores().unwrap();
    let a = stores.iter().find(|v| v.location == "Vault A").unwrap();
    assert_eq!(a.neq_kg, "1.6");
    assert_eq!(a.over_licence_kg.as_deref(), Some("0.1"));
    assert_eq!(a.headroom_kg, None);
    assert_eq!(a.groups_present, ["S"]);
    let (_, warnings) = s
        .ledger
        .set_location_limits(&admin, "Vault A", Some("1.5"), &[])
        .unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    // Nothing more comes in while the store is over its licence: 1.6 + 0.0016 is 0.1016 over.
    let err = refused(&mut s, |s| {
        s.ledger
            .ammo_receive(&o, lot("24-02"), 1, "Vault A", AmmoCondition::Serviceable)
    });
    assert_eq!(
        over_licence(&err),
        ("Vault A", "1.5", "1.6", "0.0016", "0.1016")
    );
    // Taking out is never limited: 900 × 0.0016 = 1.44 of 1.5 remain.
    s.ledger
        .ammo_split(&o, &id, "Vault A", "Vault B", 100)
        .unwrap();
    let stores = s.ledger.ammo_stores().unwrap();
    let a = stores.iter().find(|v| v.location == "Vault A").unwrap();
    assert_eq!(
        (a.neq_kg.as_str(), a.headroom_kg.as_deref()),
        ("1.44", Some("0.06"))
    );
    // 38 back would be 0.0608 more, 1.5008: 0.0008 over.
    let err = refused(&mut s, |s| {
        s.ledger.ammo_split(&o, &id, "Vault B", "Vault A", 38)
    });
    assert_eq!(
        over_licence(&err),
        ("Vault A", "1.5", "1.44", "0.0608", "0.0008")
    );
    // Limits are projections like any other: rebuilt identically, verified, cleared.
    let digests = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
    assert!(s.ledger.verify().unwrap().is_intact());
    let (_, warnings) = s
        .ledger
        .set_location_limits(&admin, "Vault A", None, &[])
        .unwrap();
    assert!(warnings.is_empty());
    assert_eq!(
        s.ledger.location_limits("Vault A").unwrap(),
        Limits::default()
    );
    s.ledger
        .ammo_split(&o, &id, "Vault B", "Vault A", 100)
        .unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn a_tampered_limit_row_is_found_by_verify() {
    let mut s = site();
    let admin = s.admin.clone();
    s.ledger
        .set_location_limits(&admin, "Vault A", Some("100"), &["S"])
        .unwrap();
    raw(&s.ledger)
        .execute("UPDATE location_limits SET max_neq_kg = '10000'", [])
        .unwrap();
    let problem = s
        .ledger
        .verify()
        .unwrap()
        .problem
        .expect("tampering is found");
    assert!(problem.what.contains("location_limits"), "{}", problem.what);
}

#[test]
fn a_schema_7_file_migrates_to_8_and_then_takes_limits() {
    let (s, _) = stocked();
    let digests = s.ledger.projection_digests().unwrap();
    let path = s.ledger.path().to_path_buf();
    let admin = s.admin.clone();
    drop(s.ledger);
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "{AMMO_QUANTITIES_STEP} DROP TABLE location_limits; PRAGMA user_version = 7;"
        ))
        .unwrap();
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(
        custody_core::schema::version(&rusqlite::Connection::open(ledger.path()).unwrap()).unwrap(),
        custody_core::schema::CURRENT_VERSION
    );
    assert_eq!(ledger.projection_digests().unwrap(), digests);
    assert!(ledger.verify().unwrap().is_intact());
    let (_, warnings) = ledger
        .set_location_limits(&admin, "Vault A", Some("1.6"), &["S"])
        .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(ledger.verify().unwrap().is_intact());
}

/// Kilograms as text from milligrams, written here apart from the code under test.
fn kg(mg: u64) -> String {
    let text = format!("{}.{:06}", mg / 1_000_000, mg % 1_000_000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Seeded receives, splits and licence changes between two vaults with lots of compatible
/// groups (C, D, S) and different NEQ per unit, against a model that counts NEQ in
/// milligrams: every over-licence refusal, and only those, happens; the stores figures equal
/// the model's; the ledger verifies and rebuilds to the same projections.
#[test]
fn random_moves_under_licences_refuse_exactly_what_the_model_says() {
    let mut s = site();
    let (admin, o) = (s.admin.clone(), s.officer.clone());
    // (hazard, NEQ per unit as text, the same in milligrams)
    let kinds = [
        ("1.4S", "0.0016", 1_600u64),
        ("1.1D", "0.25", 250_000),
        ("1.3C", "0.035", 35_000),
    ];
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    // Per lot: id, NEQ per unit in mg, quantity per vault.
    let mut lots: Vec<(String, u64, [u64; 2])> = Vec::new();
    let mut licence: [Option<u64>; 2] = [None, None];
    let (mut refusals, mut accepted) = (0, 0);
    let held = |lots: &Vec<(String, u64, [u64; 2])>, v: usize| -> u64 {
        lots.iter().map(|(_, mg, q)| mg * q[v]).sum()
    };
    for step in 0..200 {
        let head = s.ledger.head().unwrap();
        let digests = s.ledger.projection_digests().unwrap();
        let to = rng.below(2) as usize;
        match rng.below(5) {
            0 => {
                // A licence somewhere around what the vault holds, in whole grams.
                let grams = (held(&lots, to) / 1000 + rng.below(3000)).saturating_sub(1000);
                let text = kg(grams * 1000);
                s.ledger
                    .set_location_limits(&admin, VAULTS[to], Some(&text), &[])
                    .unwrap();
                licence[to] = Some(grams * 1000);
                continue;
            }
            1 | 2 if !lots.is_empty() => {
                let pick = rng.below(lots.len() as u64) as usize;
                let from = 1 - to;
                let have = lots[pick].2[from];
                if have == 0 {
                    continue;
                }
                let q = 1 + rng.below(have);
                let adding = lots[pick].1 * q;
                let over = licence[to].is_some_and(|l| held(&lots, to) + adding > l);
                let r = s
                    .ledger
                    .ammo_split(&o, &lots[pick].0, VAULTS[from], VAULTS[to], q as i64);
                if over {
                    let limit = licence[to].unwrap();
                    let excess = held(&lots, to) + adding - limit;
                    match r {
                        Err(CustodyError::OverLicence {
                            limit_kg,
                            held_kg,
                            adding_kg,
                            excess_kg,
                            ..
                        }) => assert_eq!(
                            (limit_kg, held_kg, adding_kg, excess_kg),
                            (kg(limit), kg(held(&lots, to)), kg(adding), kg(excess)),
                            "step {step}"
                        ),
                        other => panic!("step {step}: expected over licence, got {other:?}"),
                    }
                } else {
                    r.unwrap_or_else(|e| panic!("step {step}: {e}"));
                    lots[pick].2[from] -= q;
                    lots[pick].2[to] += q;
                }
            }
            _ => {
                let (hazard, neq, mg) = kinds[rng.below(3) as usize];
                let q = 1 + rng.below(200);
                let over = licence[to].is_some_and(|l| held(&lots, to) + mg * q > l);
                let number = format!("R-{step}");
                let r = s.ledger.ammo_receive(
                    &o,
                    LotRecord {
                        hazard: hazard.into(),
                        neq_kg: neq.into(),
                        ..lot(&number)
                    },
                    q as i64,
                    VAULTS[to],
                    AmmoCondition::Serviceable,
                );
                match (over, r) {
                    (true, Err(CustodyError::OverLicence { .. })) => {}
                    (false, Ok((id, _))) => {
                        let mut at = [0; 2];
                        at[to] = q;
                        lots.push((id, mg, at));
                    }
                    (_, other) => panic!("step {step}: over licence {over}, got {other:?}"),
                }
            }
        }
        if s.ledger.head().unwrap() == head {
            refusals += 1;
            assert_eq!(
                s.ledger.projection_digests().unwrap(),
                digests,
                "step {step}"
            );
        } else {
            accepted += 1;
        }
        let stores = s.ledger.ammo_stores().unwrap();
        for (v, name) in VAULTS.iter().enumerate() {
            let store = stores.iter().find(|x| x.location == *name).unwrap();
            assert_eq!(store.neq_kg, kg(held(&lots, v)), "step {step}, {name}");
            assert_eq!(store.limits.max_neq_kg, licence[v].map(kg), "step {step}");
        }
    }
    // The seed exercises both outcomes.
    assert!(
        refusals > 10 && accepted > 30,
        "{refusals} refused, {accepted} accepted"
    );
    assert!(s.ledger.verify().unwrap().is_intact());
    let digests = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
}

/// What the step for lot shortfalls settled as lost in transit adds (undone to make an older
/// file).
const LOST_IN_TRANSIT_STEP: &str = "ALTER TABLE ammo_lots DROP COLUMN lost_in_transit;
    ALTER TABLE handover_lots DROP COLUMN settled;";

/// What the steps for quantities counted, destroyed and handed over, and for shortfalls
/// settled, add (undone to make an older file).
const AMMO_QUANTITIES_STEP: &str = "ALTER TABLE ammo_lots DROP COLUMN lost_in_transit;
    DROP TABLE stocktake_ammo; DROP TABLE destruction_lots;
    DROP TABLE handover_lots; ALTER TABLE ammo_lots DROP COLUMN found;
    ALTER TABLE ammo_lots DROP COLUMN lost; ALTER TABLE ammo_lots DROP COLUMN destroyed;
    ALTER TABLE ammo_lots DROP COLUMN transferred_out; ALTER TABLE ammo_lots DROP COLUMN legal_hold;
    DROP INDEX ammo_lots_label; ALTER TABLE ammo_lots DROP COLUMN label_code;";

/// Lot 23-01 with 700 rounds in Vault A and 300 in Vault B, and a count of both vaults with
/// the three weapons of Vault A scanned.
fn counting() -> (Site, String, String) {
    let (mut s, id) = stocked();
    let o = s.officer.clone();
    s.ledger
        .ammo_split(&o, &id, "Vault A", "Vault B", 300)
        .unwrap();
    let count = s
        .ledger
        .stocktake_open(&o, &["Vault A".into(), "Vault B".into()], "quarterly")
        .unwrap()
        .code;
    for w in s.weapons.clone() {
        s.ledger
            .stocktake_scan(&o, &count, &w, Some("Vault A"))
            .unwrap();
    }
    (s, id, count)
}

#[test]
fn a_count_short_by_eight_rounds_is_settled_only_by_a_cosigned_adjustment() {
    let (mut s, id, count) = counting();
    let (o, c, i) = (s.officer.clone(), s.custodian.clone(), s.inspector.clone());
    // 35 boxes of 20 in Vault A; in Vault B 14 boxes and 12 loose rounds, in two entries.
    let a = s
        .ledger
        .ammo_count(&o, &count, "23-01", "Vault A", 35, 0)
        .unwrap();
    assert_eq!((a.packages, a.loose, a.counted), (35, 0, 700));
    s.ledger
        .ammo_count(&o, &count, &id, "Vault B", 10, 12)
        .unwrap();
    let b = s
        .ledger
        .ammo_count(&o, &count, &id, "Vault B", 4, 0)
        .unwrap();
    assert_eq!((b.packages, b.loose, b.counted), (14, 12, 292));
    // Blind: the counter does not see the expected quantities.
    let err = s.ledger.ammo_count_lines(&o, &count).unwrap_err();
    assert!(matches!(err, CustodyError::WrongRole { .. }), "{err}");
    let lines = s.ledger.ammo_count_lines(&i, &count).unwrap();
    let short: Vec<_> = lines.iter().filter(|l| l.differs()).collect();
    assert_eq!(short.len(), 1);
    assert_eq!(
        (
            short[0].location.as_str(),
            short[0].expected,
            short[0].counted
        ),
        ("Vault B", 300, 292)
    );
    // The count does not close while the line is open.
    refuses!(
        &mut s,
        |s| s.ledger.stocktake_close(&o, &c, &count),
        CustodyError::UnresolvedDiscrepancies { count: 1, .. }
    );
    // No co-signer, no reason, the wrong role, a line that matches: each refused.
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_adjust(&i, &i, &count, &id, "Vault B", "box 7 short")
        },
        CustodyError::SecondPersonRequired { .. }
    );
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_adjust(&i, &o, &count, &id, "Vault B", "  ") },
        CustodyError::AmmoFieldRequired { .. }
    );
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_adjust(&o, &i, &count, &id, "Vault B", "box 7 short")
        },
        CustodyError::WrongRole { .. }
    );
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_adjust(&i, &o, &count, &id, "Vault A", "nothing to settle")
        },
        CustodyError::NoQuantityDiscrepancy { .. }
    );
    let seq = s
        .ledger
        .ammo_adjust(
            &i,
            &o,
            &count,
            &id,
            "Vault B",
            "box 7 short, loss report 44/26",
        )
        .unwrap();
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .ammo_adjust(&i, &o, &count, &id, "Vault B", "twice")
        },
        CustodyError::NoQuantityDiscrepancy { .. }
    );
    let (summary, _) = s.ledger.stocktake_close(&o, &c, &count).unwrap();
    assert_eq!((summary.lot_lines, summary.quantity_discrepancies), (2, 1));
    let view = s.ledger.ammo_lot(&id).unwrap();
    assert_eq!(
        view.stock,
        [("Vault A".to_string(), 700), ("Vault B".to_string(), 292)]
    );
    assert_eq!((view.received, view.lost, view.found), (1000, 8, 0));
    let adjust = raw(&s.ledger)
        .query_row(
            "SELECT actor IS NOT NULL AND witness IS NOT NULL AND actor <> witness FROM events
             WHERE seq = ?1",
            [seq],
            |r| r.get::<_, bool>(0),
        )
        .unwrap();
    assert!(adjust, "the adjustment carries two signers");
    assert!(s.ledger.verify().unwrap().is_intact());
    let digests = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
}

#[test]
fn rounds_counted_beyond_the_register_are_found_and_counted_in_conservation() {
    let (mut s, id, count) = counting();
    let (o, c, i) = (s.officer.clone(), s.custodian.clone(), s.inspector.clone());
    s.ledger
        .ammo_count(&o, &count, &id, "Vault A", 35, 10)
        .unwrap();
    s.ledger
        .ammo_count(&o, &count, &id, "Vault B", 15, 0)
        .unwrap();
    s.ledger
        .ammo_adjust(
            &i,
            &c,
            &count,
            &id,
            "Vault A",
            "ten rounds in an unmarked bag",
        )
        .unwrap();
    s.ledger.stocktake_close(&o, &c, &count).unwrap();
    let view = s.ledger.ammo_lot(&id).unwrap();
    assert_eq!((view.in_store, view.found, view.lost), (1010, 10, 0));
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn bad_counts_are_refused_and_change_nothing() {
    let (mut s, id, count) = counting();
    let o = s.officer.clone();
    s.ledger
        .register_location(
            &o,
            custody_core::LocationRecord {
                name: "Vault C".into(),
                ..Default::default()
            },
        )
        .unwrap();
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_count(&o, &count, &id, "Vault A", -1, 0) },
        CustodyError::BadCount { given: -1, .. }
    );
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_count(&o, &count, &id, "Vault A", 0, 0) },
        CustodyError::NothingCounted
    );
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_count(&o, &count, &id, "Vault C", 1, 0) },
        CustodyError::LocationNotInCount { .. }
    );
    refuses!(
        &mut s,
        |s| { s.ledger.ammo_count(&o, &count, "99-99", "Vault A", 1, 0) },
        CustodyError::UnknownLot(_)
    );
}

#[test]
fn a_forged_adjustment_that_takes_more_than_is_there_is_named_by_verify() {
    let (mut s, id, count) = counting();
    let i = s.inspector.clone();
    let o = s.officer.clone();
    s.ledger
        .ammo_count(&o, &count, &id, "Vault B", 10, 0)
        .unwrap();
    s.ledger
        .ammo_adjust(&i, &o, &count, &id, "Vault B", "short")
        .unwrap();
    // A forged second adjustment taking 5000 more than the vault holds.
    let vault_b = s.ledger.find_location("Vault B").unwrap().unwrap().id;
    let seq = append_forged(
        &s,
        &id,
        custody_core::event::EventBody::AmmoAdjust {
            stocktake_id: s.ledger.stocktake(&count).unwrap().id,
            lot_id: id.clone(),
            location_id: vault_b,
            expected: 5200,
            counted: 200,
            reason: "forged".into(),
        },
    );
    forgery_named(&s, seq);
}

fn at_a(lot: &str, quantity: i64) -> custody_core::ammo_disposal::LotQuantity {
    custody_core::ammo_disposal::LotQuantity::parse(&format!("{lot}@Vault A={quantity}")).unwrap()
}

fn demolition() -> custody_core::DestructionRecord {
    custody_core::DestructionRecord {
        method: custody_core::DestructionMethod::Detonation,
        equipment: "Open detonation pit, donor charges".into(),
        place: "Range 4 demolition ground".into(),
        date: "2026-03-02".into(),
        scrap_weight_kg: "0".into(),
        photo_digests: vec![],
    }
}

#[test]
fn lots_are_destroyed_by_quantity_before_two_witnesses_and_held_lots_are_refused() {
    let (mut s, first) = stocked();
    let (o, c, i, a) = (
        s.officer.clone(),
        s.custodian.clone(),
        s.inspector.clone(),
        s.admin.clone(),
    );
    let (second, _) = s
        .ledger
        .ammo_receive(&o, lot("23-02"), 500, "Vault A", AmmoCondition::ForDisposal)
        .unwrap();
    let (held, _) = s
        .ledger
        .ammo_receive(&o, lot("23-03"), 80, "Vault A", AmmoCondition::ForDisposal)
        .unwrap();
    s.ledger
        .ammo_hold(&c, &held, true, "Court order K-112/26")
        .unwrap();
    let b = s
        .ledger
        .destruction_create(&o, "Ministry of Interior", "DEC-2026-031", "")
        .unwrap()
        .code;
    s.ledger
        .destruction_add_lots(&o, &b, &[at_a("23-01", 600), at_a("23-02", 500)])
        .unwrap();
    // A held lot, a line already there, a negative quantity: refused, nothing recorded — and
    // one bad line refuses the whole list.
    refuses!(&mut s, |s| {
        s.ledger.destruction_add_lots(&o, &b, &[at_a("23-03", 80)])
    }, CustodyError::LotOnHold { ref order, .. } if order == "Court order K-112/26");
    refuses!(
        &mut s,
        |s| { s.ledger.destruction_add_lots(&o, &b, &[at_a("23-01", 10)]) },
        CustodyError::LotInBatch { .. }
    );
    refuses!(
        &mut s,
        |s| { s.ledger.destruction_add_lots(&o, &b, &[at_a("23-01", -5)]) },
        CustodyError::BadQuantity { given: -5, .. }
    );
    // What this batch holds of 23-01 is not free for another batch: 400 of 1000 are.
    let other = s
        .ledger
        .destruction_create(&o, "Ministry of Interior", "DEC-2026-032", "")
        .unwrap()
        .code;
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .destruction_add_lots(&o, &other, &[at_a("23-01", 400), at_a("23-03", 1)])
        },
        CustodyError::LotOnHold { .. }
    );
    refuses!(
        &mut s,
        |s| {
            s.ledger
                .destruction_add_lots(&o, &other, &[at_a("23-01", 401)])
        },
        CustodyError::InsufficientQuantity {
            wanted: 401,
            available: 400,
            ..
        }
    );
    let frozen = s.ledger.destruction_freeze(&o, &b).unwrap();
    assert_eq!(frozen.items, 0);
    let lines = s.ledger.destruction_lots(&b).unwrap();
    assert_eq!(lines.len(), 2);
    // 600 × 0.0016 kg and 500 × 0.0016 kg.
    let neq: Vec<&str> = lines.iter().map(|l| l.line_neq_kg.as_str()).collect();
    assert!(neq.contains(&"0.96") && neq.contains(&"0.8"), "{neq:?}");
    refuses!(
        &mut s,
        |s| {
            s.ledger.destruction_recount_counted(
                &i,
                &b,
                &[],
                &[at_a("23-01", 600), at_a("23-02", 499)],
            )
        },
        CustodyError::LotRecountMismatch {
            frozen: 500,
            counted: 499,
            ..
        }
    );
    s.ledger
        .destruction_recount_counted(
            &i,
            &b,
            &[],
            &[at_a("23-01", 400), at_a("23-01", 200), at_a("23-02", 500)],
        )
        .unwrap();
    s.ledger.destruction_record(&i, &b, demolition()).unwrap();
    refuses!(
        &mut s,
        |s| s.ledger.destruction_execute(&o, &[&i], &b),
        CustodyError::NotEnoughWitnesses { .. }
    );
    s.ledger.destruction_execute(&o, &[&i, &a], &b).unwrap();
    let one = s.ledger.ammo_lot(&first).unwrap();
    assert_eq!((one.in_store, one.destroyed), (400, 600));
    let two = s.ledger.ammo_lot(&second).unwrap();
    assert_eq!((two.in_store, two.destroyed, two.stock.len()), (0, 500, 0));
    assert!(s.ledger.verify().unwrap().is_intact());
    let digests = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
}

#[test]
fn a_hold_placed_after_a_lot_went_into_a_batch_stops_the_freeze_until_lifted() {
    let (mut s, id) = stocked();
    let (o, c) = (s.officer.clone(), s.custodian.clone());
    let b = s
        .ledger
        .destruction_create(&o, "Ministry of Interior", "DEC-2026-033", "")
        .unwrap()
        .code;
    s.ledger
        .destruction_add_lots(&o, &b, &[at_a("23-01", 100)])
        .unwrap();
    s.ledger
        .ammo_hold(&c, &id, true, "Prosecutor order 5/26")
        .unwrap();
    refuses!(
        &mut s,
        |s| s.ledger.destruction_freeze(&o, &b),
        CustodyError::LotOnHold { .. }
    );
    refuses!(
        &mut s,
        |s| s.ledger.ammo_hold(&o, &id, false, "x"),
        CustodyError::WrongRole { .. }
    );
    s.ledger
        .ammo_hold(&c, &id, false, "Prosecutor order 5/26 lifted")
        .unwrap();
    refuses!(
        &mut s,
        |s| s.ledger.ammo_hold(&c, &id, false, "again"),
        CustodyError::LotNotOnHold { .. }
    );
    s.ledger.destruction_freeze(&o, &b).unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
}

fn convoy() -> custody_core::HandoverDetails {
    custody_core::HandoverDetails {
        sender: "MoI Depot Belgrade".into(),
        receiver: "Central Ammunition Depot Kragujevac".into(),
        legal_basis: "Order 61/2026".into(),
        transport: "Truck BG-771-KK, ADR placards 1.4S".into(),
        containers: vec!["C-7".into()],
        seals: vec!["S-0301".into()],
        note: String::new(),
    }
}

#[test]
fn lots_are_handed_over_to_another_site_with_a_signed_bundle_and_receipt() {
    let (mut a, first) = stocked();
    let mut b = site();
    let (o, c) = (a.officer.clone(), a.custodian.clone());
    let second = receive(&mut a, lot("23-02"), 400, "Vault B");
    let held = receive(&mut a, lot("23-03"), 50, "Vault A");
    a.ledger
        .ammo_hold(&c, &held, true, "Court order K-9/26")
        .unwrap();
    let line = |text: &str| custody_core::ammo_disposal::LotQuantity::parse(text).unwrap();
    // A held lot and more than a location holds: refused, nothing recorded.
    refuses!(
        &mut a,
        |s| {
            s.ledger
                .handover_dispatch_with_lots(&o, &convoy(), &[], &[line("23-03@Vault A=10")])
        },
        CustodyError::LotOnHold { .. }
    );
    refuses!(
        &mut a,
        |s| {
            s.ledger
                .handover_dispatch_with_lots(&o, &convoy(), &[], &[line("23-02@Vault B=401")])
        },
        CustodyError::InsufficientQuantity { available: 400, .. }
    );
    let h = a
        .ledger
        .handover_dispatch_with_lots(
            &o,
            &convoy(),
            &[],
            &[line("23-01@Vault A=250"), line("23-02@Vault B=400")],
        )
        .unwrap();
    // The quantities left the stock at dispatch, as transferred out.
    let one = a.ledger.ammo_lot(&first).unwrap();
    assert_eq!((one.in_store, one.transferred_out), (750, 250));
    assert!(a.ledger.verify().unwrap().is_intact());
    trust(&mut a, &b, "Depot B");
    trust(&mut b, &a, "Depot A");
    let bundle = a.ledger.handover_export(&o, &h.code, "Depot B").unwrap();
    // A quantity changed in the bundle breaks its signature.
    let text = String::from_utf8(bundle.clone()).unwrap();
    let tampered = text.replacen("\"quantity\":250", "\"quantity\":205", 1);
    assert_ne!(tampered, text);
    refuses!(
        &mut b,
        |s| {
            s.ledger
                .handover_import(&s.officer.clone(), tampered.as_bytes())
        },
        CustodyError::BundleBadSignature
    );
    let bo = b.officer.clone();
    b.ledger.handover_import(&bo, &bundle).unwrap();
    // On arrival: 23-01 counted 248 (two rounds short), 23-02 all 400.
    refuses!(
        &mut b,
        |s| {
            s.ledger.handover_accept_with_lots(
                &bo,
                None,
                &h.code,
                Some("Vault A"),
                &[("77-77".into(), 5)],
            )
        },
        CustodyError::LotNotInHandover { .. }
    );
    b.ledger
        .handover_accept_with_lots(
            &bo,
            None,
            &h.code,
            Some("Vault A"),
            &[("23-01".into(), 248), (second.clone(), 400)],
        )
        .unwrap();
    let here = b.ledger.ammo_lots().unwrap();
    assert_eq!(here.len(), 2);
    let got: Vec<(String, u64, Origin)> = here
        .iter()
        .map(|v| (v.lot.lot_number.clone(), v.received, v.lot.origin))
        .collect();
    assert!(got.contains(&("23-01".into(), 248, Origin::TransferredIn)));
    assert!(got.contains(&("23-02".into(), 400, Origin::TransferredIn)));
    assert!(b.ledger.verify().unwrap().is_intact());
    let receipt = b.ledger.handover_receipt(&bo, &h.code).unwrap();
    a.ledger.handover_import_receipt(&o, &receipt).unwrap();
    let lines = a.ledger.handover_lots(&h.code).unwrap();
    assert_eq!(lines.len(), 2);
    let received: i64 = raw(&a.ledger)
        .query_row(
            "SELECT sum(received) FROM handover_lots WHERE manifest_id = ?1",
            [&h.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(received, 648);
    intact_and_rebuilt(&mut a);
}

/// `x` trusts `y`'s site key under `name`.
fn trust(x: &mut Site, y: &Site, name: &str) {
    let admin = x.admin.clone();
    x.ledger
        .trust_key(&admin, &y.ledger.public_key_hex().unwrap(), name)
        .unwrap();
}

/// Verify finds the ledger intact and a rebuild gives the same projections.
fn intact_and_rebuilt(s: &mut Site) {
    let report = s.ledger.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    let digests = s.ledger.projection_digests().unwrap();
    s.ledger.rebuild().unwrap();
    assert_eq!(s.ledger.projection_digests().unwrap(), digests);
}

/// `from` dispatches `lines` to `to` (which `from` trusts as `to_name`): exported and imported
/// there. A refused dispatch records nothing. The manifest's code.
fn send(
    from: &mut Site,
    to: &mut Site,
    to_name: &str,
    lines: &[custody_core::ammo_disposal::LotQuantity],
) -> custody_core::Result<String> {
    let (fo, to_officer) = (from.officer.clone(), to.officer.clone());
    let h = from
        .ledger
        .handover_dispatch_with_lots(&fo, &convoy(), &[], lines)?;
    let bundle = from.ledger.handover_export(&fo, &h.code, to_name).unwrap();
    to.ledger.handover_import(&to_officer, &bundle).unwrap();
    Ok(h.code)
}

/// `to` signs for handover `code`, storing at `at` what it counted of each lot (a lot of which
/// nothing arrived is not named).
fn sign_for(to: &mut Site, code: &str, at: &str, counted: &[(&str, i64)]) {
    let o = to.officer.clone();
    let counted: Vec<(String, i64)> = counted
        .iter()
        .filter(|(_, q)| *q > 0)
        .map(|(l, q)| (l.to_string(), *q))
        .collect();
    to.ledger
        .handover_accept_with_lots(&o, None, code, Some(at), &counted)
        .unwrap();
}

/// `to`'s receipt for handover `code` is imported back at `from`.
fn receipt_home(from: &mut Site, to: &mut Site, code: &str) {
    let (fo, to_officer) = (from.officer.clone(), to.officer.clone());
    let receipt = to.ledger.handover_receipt(&to_officer, code).unwrap();
    from.ledger.handover_import_receipt(&fo, &receipt).unwrap();
}

/// Lot lines `LOT@LOCATION=QUANTITY` handed over from `from` to `to`: sent, counted on arrival
/// as `counted` into `to`'s Vault A, and the receipt imported back. The manifest's code.
fn hand_over(
    from: &mut Site,
    to: &mut Site,
    to_name: &str,
    lines: &[&str],
    counted: &[(&str, i64)],
) -> String {
    let lines: Vec<_> = lines
        .iter()
        .map(|l| custody_core::ammo_disposal::LotQuantity::parse(l).unwrap())
        .collect();
    let code = send(from, to, to_name, &lines).unwrap();
    sign_for(to, &code, "Vault A", counted);
    receipt_home(from, to, &code);
    code
}

/// Depot A with lots 23-01 (1000 rounds in Vault A) and 23-02 (400 in Vault B), and Depot B;
/// each trusts the other's key.
fn two_depots() -> (Site, Site, String, String) {
    let (mut a, first) = stocked();
    let mut b = site();
    let second = receive(&mut a, lot("23-02"), 400, "Vault B");
    trust(&mut a, &b, "Depot B");
    trust(&mut b, &a, "Depot A");
    (a, b, first, second)
}

#[test]
fn a_lot_short_on_arrival_is_settled_as_lost_in_transit_by_the_sender_with_a_cosigner() {
    let (mut a, mut b, first, second) = two_depots();
    // 250 of 23-01 sent, 248 counted on arrival; 23-02 arrives whole.
    let m = hand_over(
        &mut a,
        &mut b,
        "Depot B",
        &["23-01@Vault A=250", "23-02@Vault B=400"],
        &[("23-01", 248), ("23-02", 400)],
    );
    let lines = a.ledger.handover_lots(&m).unwrap();
    let line = |id: &str| lines.iter().find(|l| l.lot_id == id).unwrap().clone();
    assert_eq!(
        (line(&first).quantity, line(&first).received),
        (250, Some(248))
    );
    assert_eq!(line(&second).received, Some(400));
    // The receiver's manifest shows the same counts against what was sent.
    let theirs = b.ledger.handover_lots(&m).unwrap();
    let mut counted: Vec<(String, u64, Option<u64>)> = theirs
        .iter()
        .map(|l| (l.lot_number.clone(), l.quantity, l.received))
        .collect();
    counted.sort();
    assert_eq!(
        counted,
        vec![
            ("23-01".to_string(), 250, Some(248)),
            ("23-02".to_string(), 400, Some(400))
        ]
    );
    assert!(theirs.iter().all(|l| l.location == "Vault A"));
    let (o, c) = (a.officer.clone(), a.custodian.clone());
    let stray = receive(&mut a, lot("23-09"), 10, "Vault A");
    let settle = |s: &mut Site, who: &custody_core::Actor, lots: &[&str], reference: &str| {
        let lots: Vec<String> = lots.iter().map(|l| l.to_string()).collect();
        s.ledger
            .handover_settle_with_lots(&o, who, &m, &[], &lots, reference, "")
    };
    // Each refusal is typed and records nothing.
    refuses!(
        &mut a,
        |s| settle(s, &o, &["23-01"], "LR-7/26"),
        CustodyError::SamePerson(_)
    );
    refuses!(
        &mut a,
        |s| settle(s, &c, &["23-01"], "  "),
        CustodyError::Refused(custody_core::refusal::Refusal::Missing(
            custody_core::refusal::Needed::SettlementReference
        ))
    );
    refuses!(
        &mut a,
        |s| settle(s, &c, &[second.as_str()], "LR-7/26"),
        CustodyError::Refused(custody_core::refusal::Refusal::LotNotShort { .. })
    );
    refuses!(
        &mut a,
        |s| settle(s, &c, &[stray.as_str()], "LR-7/26"),
        CustodyError::LotNotInHandover { .. }
    );
    refuses!(
        &mut a,
        |s| settle(s, &c, &["77-77"], "LR-7/26"),
        CustodyError::UnknownLot(_)
    );
    // Settled: the two rounds move from transferred out to lost in transit.
    settle(&mut a, &c, &["23-01"], "LR-7/26").unwrap();
    let one = a.ledger.ammo_lot(&first).unwrap();
    assert_eq!(
        (one.in_store, one.transferred_out, one.lost_in_transit),
        (750, 248, 2)
    );
    assert_eq!(
        one.received,
        one.in_store + one.transferred_out + one.lost_in_transit
    );
    let settled = a.ledger.handover_lots(&m).unwrap();
    assert_eq!(
        settled
            .iter()
            .find(|l| l.lot_id == first)
            .unwrap()
            .lost_in_transit,
        2
    );
    // Settled once only; and nothing is left for a settlement of everything.
    refuses!(
        &mut a,
        |s| settle(s, &c, &["23-01"], "LR-8/26"),
        CustodyError::Refused(custody_core::refusal::Refusal::LotNotShort { .. })
    );
    refuses!(
        &mut a,
        |s| settle(s, &c, &[], "LR-8/26"),
        CustodyError::Refused(custody_core::refusal::Refusal::NothingToSettle { .. })
    );
    intact_and_rebuilt(&mut a);
    intact_and_rebuilt(&mut b);
}

#[test]
fn lots_import_from_csv_with_each_bad_row_named_by_its_line() {
    let mut s = site();
    let o = s.officer.clone();
    let rows = custody_core::ammo_import::parse_lot_csv(&include_bytes!("data/ammo_lots.csv")[..])
        .unwrap();
    let report = s.ledger.import_lots(&o, rows, 4).unwrap();
    let lines: Vec<u64> = report.imported.iter().map(|i| i.line).collect();
    assert_eq!(lines, [2, 3, 4, 11]);
    let rejected: Vec<(u64, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    let expect = [
        (5, "duplicate lot"),
        (6, "hazard code '1.7S'"),
        (7, "quantity -100 refused"),
        (8, "no location"),
        (9, "unknown unit 'boxes'"),
        (10, "needs an ammunition type"),
    ];
    assert_eq!(rejected.len(), expect.len(), "{rejected:?}");
    for ((line, reason), (want_line, want)) in rejected.iter().zip(expect) {
        assert_eq!(*line, want_line);
        assert!(reason.contains(want), "line {line}: {reason}");
    }
    let pistol = s.ledger.ammo_lot("19-11").unwrap();
    assert_eq!((pistol.received, pistol.lot.units_per_package), (5000, 50));
    let grenades = s.ledger.ammo_lot("KR-88-4").unwrap();
    assert_eq!(grenades.condition, AmmoCondition::AwaitingInspection);
    assert_eq!(s.ledger.ammo_lots().unwrap().len(), 4);
    assert!(s.ledger.verify().unwrap().is_intact());
    // A header without the required columns is refused as a whole.
    let err = custody_core::ammo_import::parse_lot_csv(&b"type,lot,colour\n"[..]).unwrap_err();
    assert!(
        matches!(err, CustodyError::BadCsvHeader { ref missing, ref unknown, .. }
            if missing.contains("hazard") && unknown == "colour"),
        "{err}"
    );
}

#[test]
fn scanned_package_labels_and_maker_markings_count_their_contents() {
    let (mut s, id, count) = counting();
    let (o, i) = (s.officer.clone(), s.inspector.clone());
    let view = s.ledger.ammo_lot(&id).unwrap();
    assert!(view.label_code.starts_with('A') && view.package_code.starts_with('K'));
    // The lot label and the package label find the lot like its id does.
    assert_eq!(s.ledger.ammo_lot(&view.label_code).unwrap().id, id);
    assert_eq!(s.ledger.ammo_lot(&view.package_code).unwrap().id, id);
    // Vault B: 14 package labels scanned, then a maker's marking of a part box of 12.
    for _ in 0..14 {
        s.ledger
            .ammo_count_scan(&o, &count, &view.package_code, "Vault B")
            .unwrap();
    }
    let t = s
        .ledger
        .ammo_count_scan(&o, &count, "(01)08600123000011(10)23-01(30)12", "Vault B")
        .unwrap();
    assert_eq!((t.packages, t.loose, t.counted), (14, 12, 292));
    // The same marking as a scanner sends it (FNC1 as GS, AI 10 ended by GS).
    let t = s
        .ledger
        .ammo_count_scan(&o, &count, "\u{1d}010860012300001110\u{1d}3020", "Vault A")
        .unwrap_err();
    // An empty AI 10 is no GS1 data at all.
    assert!(matches!(t, CustodyError::NotAPackageLabel(_)), "{t}");
    let t = s
        .ledger
        .ammo_count_scan(
            &o,
            &count,
            "\u{1d}01086001230000111023-01\u{1d}3020",
            "Vault A",
        )
        .unwrap();
    assert_eq!((t.packages, t.loose, t.counted), (0, 20, 20));
    // A lot label, a weapon's code, a marking without a lot: refused, nothing recorded.
    for bad in [
        view.label_code.as_str(),
        "(01)08600123000011(30)12",
        "hello",
    ] {
        let err = refused(&mut s, |s| {
            s.ledger.ammo_count_scan(&o, &count, bad, "Vault A")
        });
        assert!(
            matches!(
                err,
                CustodyError::NotAPackageLabel(_) | CustodyError::NoLotInMarking(_)
            ),
            "{bad}: {err}"
        );
    }
    let lines = s.ledger.ammo_count_lines(&i, &count).unwrap();
    let b = lines.iter().find(|l| l.location == "Vault B").unwrap();
    assert_eq!((b.expected, b.counted), (300, 292));
    let scanned: i64 = raw(&s.ledger)
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'ammo.count'
             AND json_extract(payload, '$.scanned') LIKE 'K%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(scanned, 14);
}

#[test]
fn a_makers_gs1_marking_gives_the_lot_number_and_package_count() {
    let m = custody_core::ammo_labels::read_maker_marking("(01)08600123000011(10)PPU-21-03(30)20")
        .unwrap();
    assert_eq!(
        (m.lot_number.as_str(), m.count, m.gtin.as_deref()),
        ("PPU-21-03", Some(20), Some("08600123000011"))
    );
    let m =
        custody_core::ammo_labels::read_maker_marking("\u{1d}10ABC-7\u{1d}3000000050\r\n").unwrap();
    assert_eq!((m.lot_number.as_str(), m.count), ("ABC-7", Some(50)));
    for bad in ["(01)08600123000011", "not gs1", "(10)"] {
        assert!(
            custody_core::ammo_labels::read_maker_marking(bad).is_err(),
            "{bad}"
        );
    }
}

/// The kinds of the events about a lot, oldest first.
fn lot_event_kinds(s: &Site, lot_id: &str) -> Vec<String> {
    raw(&s.ledger)
        .prepare("SELECT kind FROM events WHERE subject = ?1 ORDER BY seq")
        .unwrap()
        .query_map([lot_id], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_lot_that_comes_back_to_the_site_that_handed_it_over_continues_its_old_record() {
    let (mut a, mut b, first, _) = two_depots();
    hand_over(
        &mut a,
        &mut b,
        "Depot B",
        &["23-01@Vault A=250"],
        &[("23-01", 250)],
    );
    // At Depot B the lot keeps its id, so its lot and package labels read the same there.
    let there = b.ledger.ammo_lot(&first).unwrap();
    assert_eq!(
        (there.received, there.lot.origin),
        (250, Origin::TransferredIn)
    );
    assert_eq!(
        there.label_code,
        a.ledger.ammo_lot(&first).unwrap().label_code
    );
    // 100 rounds go back to Depot A, into Vault B.
    let back = custody_core::ammo_disposal::LotQuantity::parse(&format!("{first}@Vault A=100"));
    let code = send(&mut b, &mut a, "Depot A", &[back.unwrap()]).unwrap();
    sign_for(&mut a, &code, "Vault B", &[("23-01", 100)]);
    // One lot, its old record: received grows, the stock comes back, history continues.
    let lots = a.ledger.ammo_lots().unwrap();
    assert_eq!(lots.len(), 2, "23-01 and 23-02, no new lot");
    let home = a.ledger.ammo_lot(&first).unwrap();
    assert_eq!(
        (home.received, home.in_store, home.transferred_out),
        (1100, 850, 250)
    );
    assert_eq!(home.lot.origin, Origin::StateStock);
    assert!(home.stock.contains(&("Vault A".to_string(), 750)));
    assert!(home.stock.contains(&("Vault B".to_string(), 100)));
    let kinds = lot_event_kinds(&a, &first);
    assert_eq!(kinds.first().map(String::as_str), Some("ammo.receive"));
    assert_eq!(kinds.last().map(String::as_str), Some("ammo.transfer_in"));
    intact_and_rebuilt(&mut a);
    intact_and_rebuilt(&mut b);
    // And Depot B, sent it again, continues its record too.
    hand_over(
        &mut a,
        &mut b,
        "Depot B",
        &["23-01@Vault B=40"],
        &[("23-01", 40)],
    );
    let there = b.ledger.ammo_lot(&first).unwrap();
    assert_eq!(
        (there.received, there.in_store, there.transferred_out),
        (290, 190, 100)
    );
    intact_and_rebuilt(&mut b);
}

#[test]
fn a_lot_once_handed_over_that_returns_under_another_id_finds_its_record_and_a_stranger_is_a_duplicate(
) {
    let (mut a, mut b, first, _) = two_depots();
    // Depot C received the same maker's lot under its own id (as sites did before lots kept
    // their id across handovers).
    let mut c = site();
    receive(&mut c, lot("23-01"), 60, "Vault A");
    trust(&mut a, &c, "Depot C");
    trust(&mut c, &a, "Depot A");
    // Depot A has never handed 23-01 over: the lot from Depot C is a duplicate, refused.
    let line = custody_core::ammo_disposal::LotQuantity::parse("23-01@Vault A=60").unwrap();
    let code = send(&mut c, &mut a, "Depot A", &[line]).unwrap();
    let o = a.officer.clone();
    refuses!(
        &mut a,
        |s| {
            s.ledger.handover_accept_with_lots(
                &o,
                None,
                &code,
                Some("Vault A"),
                &[("23-01".into(), 60)],
            )
        },
        CustodyError::DuplicateLot { .. }
    );
    // Once Depot A has handed some of its 23-01 over, the same lot arriving is its own again.
    hand_over(
        &mut a,
        &mut b,
        "Depot B",
        &["23-01@Vault A=10"],
        &[("23-01", 10)],
    );
    sign_for(&mut a, &code, "Vault A", &[("23-01", 60)]);
    let home = a.ledger.ammo_lot(&first).unwrap();
    assert_eq!((home.received, home.in_store), (1060, 1050));
    assert_eq!(a.ledger.ammo_lots().unwrap().len(), 2);
    intact_and_rebuilt(&mut a);
}

#[test]
fn a_schema_9_file_migrates_to_10_and_then_settles_a_shortfall() {
    let (mut a, mut b, first, _) = two_depots();
    let m = hand_over(
        &mut a,
        &mut b,
        "Depot B",
        &["23-01@Vault A=100"],
        &[("23-01", 97)],
    );
    let digests = a.ledger.projection_digests().unwrap();
    let path = a.ledger.path().to_path_buf();
    let (o, c) = (a.officer.clone(), a.custodian.clone());
    drop(a.ledger);
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!("{LOST_IN_TRANSIT_STEP} PRAGMA user_version = 9;"))
        .unwrap();
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.projection_digests().unwrap(), digests);
    ledger
        .handover_settle_with_lots(&o, &c, &m, &[], &[], "LR-1/26", "")
        .unwrap();
    assert_eq!(ledger.ammo_lot(&first).unwrap().lost_in_transit, 3);
    assert!(ledger.verify().unwrap().is_intact());
}
