//! Corrections and the evidence life cycle at the core API: each refusal is its typed error and
//! leaves the ledger head where it was; a schema 5 file opens as schema 6 with its review dates.

mod common;

use common::site;
use custody_core::evidence::{Order, Owner};
use custody_core::{
    AuthorityKind, CustodyError, Disposition, EvidenceRecord, IdDocumentType, ItemStatus, Ledger,
};
use rusqlite::Connection;

fn order(kind: AuthorityKind) -> Order {
    Order {
        authority_kind: kind,
        authority: "Basic Court Nis".into(),
        reference: "K-1/2026".into(),
    }
}

fn exhibit(case: &str) -> EvidenceRecord {
    EvidenceRecord {
        case_number: case.into(),
        exhibit_number: "1".into(),
        description: "knife".into(),
        category: "other".into(),
        ..EvidenceRecord::default()
    }
}

/// Runs `f`, which must fail, and checks that the ledger head did not move.
fn refused<T: std::fmt::Debug>(
    ledger: &mut Ledger,
    f: impl FnOnce(&mut Ledger) -> custody_core::Result<T>,
) -> CustodyError {
    let before = ledger.head().unwrap();
    let err = f(ledger).expect_err("the call must be refused");
    assert_eq!(ledger.head().unwrap(), before, "a refusal moved the head");
    err
}

#[test]
fn refusals_are_typed_and_leave_the_head_where_it_was() {
    let mut s = site();
    let (officer, custodian, inspector) =
        (s.officer.clone(), s.custodian.clone(), s.inspector.clone());
    let w0 = s.weapons[0].clone();
    let set = |f: &str, v: &str| vec![(f.to_string(), v.to_string())];
    let e = refused(&mut s.ledger, |l| {
        l.amend_item(&officer, None, &w0, &set("serial", "X1"), "typo", "")
    });
    assert!(
        matches!(e, CustodyError::SecondPersonRequired { .. }),
        "{e}"
    );
    let e = refused(&mut s.ledger, |l| {
        l.amend_item(
            &officer,
            Some(&inspector),
            &w0,
            &set("serial", "A-101"),
            "typo",
            "",
        )
    });
    assert!(
        matches!(&e, CustodyError::DuplicateSerial { existing_code, .. } if *existing_code == s.weapons[1]),
        "{e}"
    );
    let e = refused(&mut s.ledger, |l| {
        l.amend_item(&officer, None, &w0, &set("model", "M70"), "same value", "")
    });
    assert!(matches!(e, CustodyError::NothingAmended(_)), "{e}");
    let e = refused(&mut s.ledger, |l| {
        l.evidence_dispose(
            &custodian,
            &w0,
            Disposition::Destroy,
            &order(AuthorityKind::Court),
            None,
            "",
        )
    });
    assert!(matches!(e, CustodyError::NotAnExhibit(_)), "{e}");

    let held = s
        .ledger
        .register_evidence(
            &custodian,
            EvidenceRecord {
                legal_hold: true,
                ..exhibit("KT-1")
            },
            Some("Vault A"),
        )
        .unwrap()
        .code;
    let e = refused(&mut s.ledger, |l| {
        l.evidence_hold(
            &custodian,
            &held,
            false,
            &order(AuthorityKind::CaseOfficer),
            "",
        )
    });
    assert!(matches!(e, CustodyError::HoldLiftAuthority { .. }), "{e}");
    let e = refused(&mut s.ledger, |l| {
        l.evidence_dispose(
            &custodian,
            &held,
            Disposition::ReleaseToOwner,
            &order(AuthorityKind::Court),
            None,
            "",
        )
    });
    assert!(matches!(e, CustodyError::LegalHoldBlocks { .. }), "{e}");
    let owner = Owner {
        name: "Petar Petrovic".into(),
        id_document_type: IdDocumentType::Passport,
        id_document_number: "P1234567".into(),
    };
    let e = refused(&mut s.ledger, |l| {
        l.evidence_release(&custodian, Some(&inspector), &held, &owner, "")
    });
    assert!(matches!(e, CustodyError::LegalHoldBlocks { .. }), "{e}");
    s.ledger
        .evidence_hold(&custodian, &held, false, &order(AuthorityKind::Court), "")
        .unwrap();
    let e = refused(&mut s.ledger, |l| {
        l.evidence_release(&custodian, None, &held, &owner, "")
    });
    assert!(matches!(e, CustodyError::NoReleaseOrder { .. }), "{e}");
    s.ledger
        .evidence_dispose(
            &custodian,
            &held,
            Disposition::ReleaseToOwner,
            &order(AuthorityKind::Court),
            None,
            "",
        )
        .unwrap();
    let e = refused(&mut s.ledger, |l| {
        l.evidence_release(
            &custodian,
            None,
            &held,
            &Owner {
                id_document_number: "P\u{1b}[31m".into(),
                ..owner.clone()
            },
            "",
        )
    });
    assert!(matches!(e, CustodyError::BadIdDocument(_)), "{e}");
    s.ledger
        .evidence_release(&custodian, None, &held, &owner, "")
        .unwrap();
    assert_eq!(
        s.ledger.find_item(&held).unwrap().status,
        ItemStatus::Released
    );
    let e = refused(&mut s.ledger, |l| l.move_item(&custodian, &held, "Vault B"));
    assert!(
        matches!(
            e,
            CustodyError::TerminalItem {
                status: ItemStatus::Released,
                ..
            }
        ),
        "{e}"
    );

    let b = s
        .ledger
        .destruction_create(&officer, "MoI", "D-1", "")
        .unwrap();
    s.ledger
        .destruction_add(&officer, &b.code, std::slice::from_ref(&w0))
        .unwrap();
    s.ledger.destruction_freeze(&officer, &b.code).unwrap();
    let e = refused(&mut s.ledger, |l| {
        l.destruction_remove(&officer, &b.code, std::slice::from_ref(&w0), "doubt")
    });
    assert!(matches!(e, CustodyError::BatchFrozen(_)), "{e}");
    s.ledger
        .destruction_cancel(&officer, &b.code, "withdrawn")
        .unwrap();
    let e = refused(&mut s.ledger, |l| {
        l.destruction_unfreeze(&officer, &b.code, "x")
    });
    assert!(matches!(e, CustodyError::BatchCancelled(_)), "{e}");
    assert_eq!(s.ledger.find_item(&w0).unwrap().status, ItemStatus::InStore);
    assert!(s.ledger.verify().unwrap().is_intact());
}

#[test]
fn a_schema_5_file_opens_as_schema_6_with_categories_and_review_dates_from_its_events() {
    let mut s = site();
    let custodian = s.custodian.clone();
    let code = s
        .ledger
        .register_evidence(
            &custodian,
            EvidenceRecord {
                retention_date: "2027-03-01".into(),
                category: "ammunition".into(),
                ..exhibit("KT-2")
            },
            None,
        )
        .unwrap()
        .code;
    let digests = s.ledger.projection_digests().unwrap();
    let path = s.ledger.path().to_path_buf();
    drop(s.ledger);
    // What schema 5 had: none of schema 6's (nor 7's or 8's) columns and tables.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE stocktake_ammo; DROP TABLE destruction_lots; DROP TABLE handover_lots; DROP TABLE location_limits; DROP TABLE ammo_lots; DROP TABLE ammo_stock;
         DROP INDEX items_review; ALTER TABLE items DROP COLUMN category;
         ALTER TABLE items DROP COLUMN current_record; ALTER TABLE items DROP COLUMN amended_seq;
         ALTER TABLE items DROP COLUMN review_date; ALTER TABLE items DROP COLUMN disposition;
         ALTER TABLE items DROP COLUMN disposal_order; ALTER TABLE persons DROP COLUMN amended_seq;
         ALTER TABLE locations DROP COLUMN amended_seq; DROP TABLE site_settings;
         PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);
    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(
        custody_core::schema::version(&rusqlite::Connection::open(ledger.path()).unwrap()).unwrap(),
        custody_core::schema::CURRENT_VERSION
    );
    assert_eq!(ledger.projection_digests().unwrap(), digests);
    let item = ledger.find_item(&code).unwrap();
    assert_eq!(item.review_date.as_deref(), Some("2027-03-01"));
    assert_eq!(item.category, "ammunition");
    let due = ledger
        .evidence_due(chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap())
        .unwrap();
    assert_eq!(due.len(), 1);
    assert!(ledger.verify().unwrap().is_intact());
}
