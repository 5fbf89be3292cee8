//! Stocktakes, destruction and handovers from the depot floor, against the ledger. Every
//! refusal is checked for its typed error and for leaving the ledger exactly as it was.

mod common;

use common::{event_count, person, site, weapon, Site};
use custody_core::scans::{IgnoredReason, ScanInput, ScanOutcome, UnknownReason};
use custody_core::stocktake::{DiscrepancyKind, ScanNote};
use custody_core::{
    Actor, CustodyError, DestructionMethod, DestructionRecord, EvidenceRecord, HandoverDetails,
    ItemStatus, Ledger, Resolution, Role,
};
use sha2::{Digest, Sha256};

/// Head and projection digests: what must not move when something is refused.
fn snapshot(l: &Ledger) -> (i64, Vec<(&'static str, String)>) {
    (event_count(l), l.projection_digests().unwrap())
}

fn assert_intact_and_rebuildable(l: &mut Ledger) {
    let report = l.verify().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    let before = l.projection_digests().unwrap();
    l.rebuild().unwrap();
    assert_eq!(l.projection_digests().unwrap(), before);
}

fn record() -> DestructionRecord {
    DestructionRecord {
        method: DestructionMethod::Cutting,
        equipment: "Hydraulic shear HS-400".into(),
        place: "Smederevo steel works".into(),
        date: "2026-03-02".into(),
        scrap_weight_kg: "11.4".into(),
        photo_digests: vec!["ab".repeat(32)],
    }
}

fn second_inspector(s: &mut Site) -> Actor {
    s.ledger
        .register_person(
            &s.admin,
            person("Vesna Witness", "WIT", Role::Inspector),
            "286451",
        )
        .unwrap();
    s.ledger.authenticate("WIT", "286451").unwrap()
}

#[test]
fn an_officer_counts_vault_a_blind_and_closes_only_after_every_discrepancy_is_resolved() {
    let mut s = site();
    let elsewhere = s
        .ledger
        .register_weapon(
            &s.officer,
            weapon("B200", "Crvena Zastava"),
            Some("Vault B"),
        )
        .unwrap()
        .code;
    let (w0, w1, w2) = (
        s.weapons[0].clone(),
        s.weapons[1].clone(),
        s.weapons[2].clone(),
    );
    let st = s
        .ledger
        .stocktake_open(&s.officer, &["Vault A".into()], "quarterly count")
        .unwrap();
    assert!(!st.whole_site);
    assert_eq!(st.locations, vec!["Vault A".to_string()]);

    // The officer scans: w0 twice, the weapon registered in Vault B, a code nobody knows, w2.
    // w1 is not on the shelf.
    let notes: Vec<ScanNote> = [w0.as_str(), &w0, &elsewhere, "GARBAGE-123", &w2]
        .iter()
        .map(|c| {
            s.ledger
                .stocktake_scan(&s.officer, &st.code, c, None)
                .unwrap()
                .last
        })
        .collect();
    assert_eq!(
        notes,
        vec![
            ScanNote::Counted,
            ScanNote::CountedAgain,
            ScanNote::Counted,
            ScanNote::Unknown,
            ScanNote::Counted
        ]
    );
    let status = s.ledger.stocktake(&st.code).unwrap();
    assert_eq!((status.scans, status.distinct_codes), (5, 4));

    // Blind: the counter cannot see the expected list.
    assert!(matches!(
        s.ledger.stocktake_reconcile(&s.officer, &st.code),
        Err(CustodyError::WrongRole { .. })
    ));

    // Closing with four open discrepancies is refused and changes nothing.
    let before = snapshot(&s.ledger);
    let err = s
        .ledger
        .stocktake_close(&s.officer, &s.inspector, &st.code)
        .unwrap_err();
    assert!(
        matches!(err, CustodyError::UnresolvedDiscrepancies { count: 4, .. }),
        "{err}"
    );
    assert_eq!(snapshot(&s.ledger), before);

    let rec = s
        .ledger
        .stocktake_reconcile(&s.inspector, &st.code)
        .unwrap();
    assert_eq!((rec.expected, rec.scans, rec.found), (3, 5, 2));
    let mut keys: Vec<String> = rec.discrepancies.iter().map(|d| d.key.clone()).collect();
    keys.sort();
    let mut want = vec![
        format!("duplicate:{w0}"),
        format!("misplaced:{elsewhere}"),
        "unknown:GARBAGE-123".to_string(),
        format!("missing:{w1}"),
    ];
    want.sort();
    assert_eq!(keys, want);

    // An officer may not resolve; a loss needs its report number.
    assert!(matches!(
        s.ledger.stocktake_resolve(
            &s.officer,
            &st.code,
            &format!("missing:{w1}"),
            Resolution::FoundLater,
            "",
            "",
            None
        ),
        Err(CustodyError::WrongRole { .. })
    ));
    assert!(matches!(
        s.ledger.stocktake_resolve(
            &s.inspector,
            &st.code,
            &format!("missing:{w1}"),
            Resolution::ReportedLost,
            "",
            "",
            None
        ),
        Err(CustodyError::Refused(
            custody_core::Refusal::ResolutionNeedsReference {
                resolution: Resolution::ReportedLost
            }
        ))
    ));
    let insp = s.inspector.clone();
    for (key, res, reference, to) in [
        (
            format!("missing:{w1}"),
            Resolution::ReportedLost,
            "Police report 17/2026",
            None,
        ),
        (
            format!("duplicate:{w0}"),
            Resolution::DataErrorCorrected,
            "same rifle scanned twice",
            None,
        ),
        (
            format!("misplaced:{elsewhere}"),
            Resolution::Moved,
            "",
            Some("Vault A"),
        ),
        (
            "unknown:GARBAGE-123".to_string(),
            Resolution::DataErrorCorrected,
            "torn delivery label",
            None,
        ),
    ] {
        s.ledger
            .stocktake_resolve(&insp, &st.code, &key, res, reference, "", to)
            .unwrap();
    }
    // The misplaced rifle was moved to where it was counted, by a move event.
    let moved = s.ledger.find_item(&elsewhere).unwrap();
    assert_eq!(moved.location_name.as_deref(), Some("Vault A"));
    // A discrepancy cannot be resolved twice.
    assert!(matches!(
        s.ledger.stocktake_resolve(
            &insp,
            &st.code,
            &format!("missing:{w1}"),
            Resolution::FoundLater,
            "",
            "",
            None
        ),
        Err(CustodyError::UnknownDiscrepancy { .. })
    ));

    // The counter cannot co-sign their own count.
    let before = snapshot(&s.ledger);
    assert!(matches!(
        s.ledger.stocktake_close(&s.officer, &s.officer, &st.code),
        Err(CustodyError::SamePerson(_))
    ));
    assert_eq!(snapshot(&s.ledger), before);

    let checkpoints_before = s.ledger.verify().unwrap().checkpoints;
    let (summary, _) = s
        .ledger
        .stocktake_close(&s.officer, &s.inspector, &st.code)
        .unwrap();
    assert_eq!(
        (
            summary.expected,
            summary.found,
            summary.missing,
            summary.misplaced
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(
        (summary.unknown, summary.duplicates, summary.resolved),
        (1, 1, 4)
    );
    // The closing event carries both signatures (actor and witness columns).
    let (actor, witness): (String, String) = rusqlite::Connection::open(s.ledger.path())
        .unwrap()
        .query_row(
            "SELECT actor, witness FROM events WHERE kind = 'stocktake.close'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (actor.as_str(), witness.as_str()),
        (s.officer.person_id(), s.inspector.person_id())
    );
    assert_eq!(
        s.ledger.verify().unwrap().checkpoints,
        checkpoints_before + 1
    );
    // Closed is closed.
    assert!(matches!(
        s.ledger.stocktake_scan(&s.officer, &st.code, &w1, None),
        Err(CustodyError::StocktakeClosed(_))
    ));
    assert_intact_and_rebuildable(&mut s.ledger);
}

#[test]
fn a_partial_stocktake_resumes_after_the_kiosk_restarts() {
    let mut s = site();
    let st = s.ledger.stocktake_open(&s.officer, &[], "").unwrap();
    assert!(st.whole_site);
    for (c, at) in s.weapons[..2].iter().zip(["Vault B", "Vault A"]) {
        s.ledger
            .stocktake_scan(&s.officer, &st.code, c, Some(at))
            .unwrap();
    }
    // An unknown code, scanned twice, counts as one unknown code.
    for _ in 0..2 {
        s.ledger
            .stocktake_scan(&s.officer, &st.code, "NO-SUCH-GUN", Some("Vault B"))
            .unwrap();
    }
    let path = s.ledger.path().to_path_buf();
    drop(s.ledger);
    let mut ledger = Ledger::open(&path).unwrap();
    let officer = ledger.authenticate("OFF", "642087").unwrap();
    let open = ledger.stocktakes().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].state.as_str(), open[0].scans), ("open", 4));
    // What the counter's screen showed before the restart comes back from the ledger.
    let p = ledger.stocktake_progress(&st.code).unwrap();
    assert_eq!(
        (p.scans, p.distinct_codes, p.unknown, p.alarms),
        (4, 3, 1, 0)
    );
    assert_eq!(p.places_counted, ["Vault B", "Vault A"]);
    let t = ledger
        .stocktake_scan(&officer, &st.code, &s.weapons[2], None)
        .unwrap();
    assert_eq!((t.scans, t.distinct_codes), (5, 4));
    let inspector = ledger.authenticate("INS", "464102").unwrap();
    let rec = ledger.stocktake_reconcile(&inspector, &st.code).unwrap();
    assert_eq!((rec.expected, rec.found), (3, 3));
    // The unknown code and the rifle counted in the wrong vault are settled before closing.
    for d in rec.discrepancies.iter().filter(|d| d.resolution.is_none()) {
        ledger
            .stocktake_resolve(
                &inspector,
                &st.code,
                &d.key,
                Resolution::DataErrorCorrected,
                "REF-1",
                "checked",
                None,
            )
            .unwrap();
    }
    ledger
        .stocktake_close(&officer, &inspector, &st.code)
        .unwrap();
    assert_intact_and_rebuildable(&mut ledger);
}

fn sorted_codes_digest(codes: &[String]) -> String {
    let mut sorted = codes.to_vec();
    sorted.sort();
    let text: String = sorted.iter().map(|c| format!("{c}\n")).collect();
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[test]
fn a_batch_is_frozen_recounted_recorded_and_destroyed_before_two_witnesses() {
    let mut s = site();
    let witness2 = second_inspector(&mut s);
    let (w0, w1, w2) = (
        s.weapons[0].clone(),
        s.weapons[1].clone(),
        s.weapons[2].clone(),
    );
    let b = s
        .ledger
        .destruction_create(&s.officer, "Ministry of Interior", "DEC-2026/114", "")
        .unwrap();
    s.ledger
        .destruction_add(&s.officer, &b.code, &[w0.clone(), w1.clone()])
        .unwrap();
    // Executing an unfrozen batch is refused.
    let before = snapshot(&s.ledger);
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.officer, &[&s.inspector, &witness2], &b.code),
        Err(CustodyError::BatchNotFrozen(_))
    ));
    assert_eq!(snapshot(&s.ledger), before);

    let frozen = s.ledger.destruction_freeze(&s.officer, &b.code).unwrap();
    assert_eq!(frozen.items, 2);
    assert_eq!(
        frozen.digest.as_deref(),
        Some(sorted_codes_digest(&[w0.clone(), w1.clone()]).as_str())
    );
    assert_eq!(
        s.ledger.find_item(&w0).unwrap().status,
        ItemStatus::AwaitingDestruction
    );
    // Frozen means frozen.
    assert!(matches!(
        s.ledger
            .destruction_add(&s.officer, &b.code, std::slice::from_ref(&w2)),
        Err(CustodyError::BatchFrozen(_))
    ));
    // Not re-counted yet.
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.officer, &[&s.inspector, &witness2], &b.code),
        Err(CustodyError::BatchNotRecounted(_))
    ));

    // Re-count mismatches: one missing, then one extra. Nothing is recorded.
    let before = snapshot(&s.ledger);
    match s
        .ledger
        .destruction_recount(&s.inspector, &b.code, std::slice::from_ref(&w0))
    {
        Err(CustodyError::RecountMismatch { missing, extra, .. }) => {
            assert_eq!((missing, extra.len()), (vec![w1.clone()], 0));
        }
        other => panic!("expected a re-count mismatch, got {other:?}"),
    }
    match s
        .ledger
        .destruction_recount(&s.inspector, &b.code, &[w0.clone(), w1.clone(), w2.clone()])
    {
        Err(CustodyError::RecountMismatch { missing, extra, .. }) => {
            assert_eq!((missing.len(), extra), (0, vec![w2.clone()]));
        }
        other => panic!("expected a re-count mismatch, got {other:?}"),
    }
    assert_eq!(snapshot(&s.ledger), before);
    s.ledger
        .destruction_recount(&s.inspector, &b.code, &[w1.clone(), w0.clone(), w0.clone()])
        .unwrap();
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.officer, &[&s.inspector, &witness2], &b.code),
        Err(CustodyError::DestructionNotRecorded(_))
    ));
    s.ledger
        .destruction_record(&s.inspector, &b.code, record())
        .unwrap();

    // Witness rules: two at least, distinct from each other and from the operator, and
    // holding the inspector (commission) or administrator role.
    let before = snapshot(&s.ledger);
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.officer, &[&s.inspector], &b.code),
        Err(CustodyError::NotEnoughWitnesses { needed: 2, got: 1 })
    ));
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.admin, &[&s.inspector, &s.admin], &b.code),
        Err(CustodyError::SamePerson(_))
    ));
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.officer, &[&s.inspector, &s.inspector], &b.code),
        Err(CustodyError::SamePerson(_))
    ));
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.officer, &[&s.inspector, &s.custodian], &b.code),
        Err(CustodyError::WrongRole { .. })
    ));
    assert!(matches!(
        s.ledger
            .destruction_execute(&s.inspector, &[&s.admin, &witness2], &b.code),
        Err(CustodyError::WrongRole { .. })
    ));
    assert_eq!(snapshot(&s.ledger), before);

    let checkpoints = s.ledger.verify().unwrap().checkpoints;
    s.ledger
        .destruction_execute(&s.officer, &[&s.inspector, &witness2], &b.code)
        .unwrap();
    assert_eq!(s.ledger.verify().unwrap().checkpoints, checkpoints + 1);
    let shown = s.ledger.destruction_batch(&b.code).unwrap();
    assert_eq!(shown.state, "executed");
    assert_eq!(
        shown.witnesses,
        vec![
            s.inspector.person_id().to_string(),
            witness2.person_id().to_string()
        ]
    );
    for c in [&w0, &w1] {
        let item = s.ledger.find_item(c).unwrap();
        assert_eq!(
            (item.status, item.location_id),
            (ItemStatus::Destroyed, None)
        );
    }
    assert_eq!(s.ledger.find_item(&w2).unwrap().status, ItemStatus::InStore);
    assert_intact_and_rebuildable(&mut s.ledger);
}

fn destroy(s: &mut Site, codes: &[String]) -> Actor {
    let witness2 = second_inspector(s);
    let b = s
        .ledger
        .destruction_create(&s.officer, "Ministry of Interior", "DEC-1", "")
        .unwrap();
    s.ledger
        .destruction_add(&s.officer, &b.code, codes)
        .unwrap();
    s.ledger.destruction_freeze(&s.officer, &b.code).unwrap();
    s.ledger
        .destruction_recount(&s.inspector, &b.code, codes)
        .unwrap();
    s.ledger
        .destruction_record(&s.officer, &b.code, record())
        .unwrap();
    s.ledger
        .destruction_execute(&s.officer, &[&s.inspector, &witness2], &b.code)
        .unwrap();
    witness2
}

#[test]
fn an_officer_scans_a_destroyed_rifle_and_the_alarm_sounds_everywhere() {
    let mut s = site();
    let rifle = s.weapons[0].clone();
    destroy(&mut s, std::slice::from_ref(&rifle));
    // A plain scan raises the alarm (and is recorded as evidence).
    let scan = s
        .ledger
        .record_scan(
            Some(&s.officer),
            &ScanInput {
                device: "test".into(),
                data: rifle.as_bytes().to_vec(),
                ..ScanInput::default()
            },
        )
        .unwrap();
    assert!(matches!(scan.outcome, ScanOutcome::Alarm { .. }));
    // Putting it in another batch, moving it or dispatching it is refused with the alarm,
    // and nothing changes.
    let b2 = s
        .ledger
        .destruction_create(&s.officer, "Ministry of Interior", "DEC-2", "")
        .unwrap();
    let before = snapshot(&s.ledger);
    assert!(matches!(
        s.ledger
            .destruction_add(&s.officer, &b2.code, std::slice::from_ref(&rifle)),
        Err(CustodyError::TerminalItem {
            status: ItemStatus::Destroyed,
            ..
        })
    ));
    assert!(matches!(
        s.ledger.move_item(&s.officer, &rifle, "Vault B"),
        Err(CustodyError::TerminalItem { .. })
    ));
    assert!(matches!(
        s.ledger
            .handover_dispatch(&s.officer, &details(), std::slice::from_ref(&rifle)),
        Err(CustodyError::TerminalItem { .. })
    ));
    assert_eq!(snapshot(&s.ledger), before);
    // In a count it is recorded, flagged as an alarm, and blocks the close until resolved.
    let st = s.ledger.stocktake_open(&s.officer, &[], "").unwrap();
    let t = s
        .ledger
        .stocktake_scan(&s.officer, &st.code, &rifle, None)
        .unwrap();
    assert_eq!(t.last, ScanNote::Alarm);
    assert_eq!(s.ledger.stocktake_progress(&st.code).unwrap().alarms, 1);
    let rec = s
        .ledger
        .stocktake_reconcile(&s.inspector, &st.code)
        .unwrap();
    assert_eq!(rec.count(DiscrepancyKind::Alarm), 1);
    assert_intact_and_rebuildable(&mut s.ledger);
}

#[test]
fn exhibits_on_legal_hold_or_without_disposal_authority_and_busy_items_stay_out_of_batches() {
    let mut s = site();
    let exhibit = |hold: bool, authority: &str, n: &str| EvidenceRecord {
        case_number: "KT-44/2025".into(),
        exhibit_number: n.into(),
        description: "pistol in sealed bag".into(),
        category: "weapon".into(),
        legal_hold: hold,
        disposal_authority: authority.into(),
        ..EvidenceRecord::default()
    };
    let held = s
        .ledger
        .register_evidence(&s.custodian, exhibit(true, "Court order 9/2026", "1"), None)
        .unwrap()
        .code;
    let no_authority = s
        .ledger
        .register_evidence(&s.custodian, exhibit(false, "", "2"), None)
        .unwrap()
        .code;
    let releasable = s
        .ledger
        .register_evidence(
            &s.custodian,
            exhibit(false, "Court order 9/2026", "3"),
            None,
        )
        .unwrap()
        .code;
    let out = s.weapons[1].clone();
    s.ledger
        .check_out(
            &s.officer,
            &out,
            "Ballistics lab",
            "examination",
            chrono::Utc::now().date_naive(),
        )
        .unwrap();
    let b1 = s
        .ledger
        .destruction_create(&s.custodian, "Basic Court Skopje", "K-12/26", "")
        .unwrap();
    let b2 = s
        .ledger
        .destruction_create(&s.custodian, "Basic Court Skopje", "K-13/26", "")
        .unwrap();
    s.ledger
        .destruction_add(&s.custodian, &b1.code, std::slice::from_ref(&releasable))
        .unwrap();
    let before = snapshot(&s.ledger);
    assert!(matches!(
        s.ledger
            .destruction_add(&s.custodian, &b2.code, std::slice::from_ref(&held)),
        Err(CustodyError::LegalHold { .. })
    ));
    assert!(matches!(
        s.ledger
            .destruction_add(&s.custodian, &b2.code, std::slice::from_ref(&no_authority)),
        Err(CustodyError::NoDisposalAuthority { .. })
    ));
    assert!(matches!(
        s.ledger
            .destruction_add(&s.custodian, &b2.code, std::slice::from_ref(&out)),
        Err(CustodyError::WrongStatus {
            status: ItemStatus::CheckedOut,
            ..
        })
    ));
    assert!(matches!(
        s.ledger
            .destruction_add(&s.custodian, &b2.code, std::slice::from_ref(&releasable)),
        Err(CustodyError::ItemInBatch { .. })
    ));
    // A list with one bad item adds none of them.
    assert!(s
        .ledger
        .destruction_add(
            &s.custodian,
            &b2.code,
            &[s.weapons[2].clone(), held.clone()]
        )
        .is_err());
    // An inspector does not prepare batches.
    assert!(matches!(
        s.ledger.destruction_create(&s.inspector, "MoI", "D-1", ""),
        Err(CustodyError::WrongRole { .. })
    ));
    assert_eq!(snapshot(&s.ledger), before);
}

fn details() -> HandoverDetails {
    HandoverDetails {
        sender: "MoI Depot Belgrade, Oleg Officer".into(),
        receiver: "Forensic Centre Novi Sad, Rada Receiver".into(),
        legal_basis: "Order 55/2026".into(),
        transport: "Van BG-123-AA, escort of two".into(),
        containers: vec!["C-1".into()],
        seals: vec!["S-0001".into(), "S-0002".into()],
        note: String::new(),
    }
}

#[test]
fn two_sites_exchange_a_signed_handover_and_a_receipt() {
    let mut a = site();
    let mut b = site();
    let codes: Vec<String> = ["H1", "H2", "H3"]
        .iter()
        .map(|n| {
            a.ledger
                .register_weapon(&a.officer, weapon(n, "Kalashnikov"), Some("Vault A"))
                .unwrap()
                .code
        })
        .collect();
    // Only administrators trust keys.
    assert!(matches!(
        b.ledger
            .trust_key(&b.officer, &a.ledger.public_key_hex().unwrap(), "Depot A"),
        Err(CustodyError::WrongRole { .. })
    ));
    assert!(matches!(
        a.ledger.handover_dispatch(&a.inspector, &details(), &codes),
        Err(CustodyError::WrongRole { .. })
    ));
    let h = a
        .ledger
        .handover_dispatch(&a.officer, &details(), &codes)
        .unwrap();
    assert_eq!(h.items_digest, sorted_codes_digest(&codes));
    assert_eq!(
        a.ledger.find_item(&codes[0]).unwrap().status,
        ItemStatus::InTransit
    );
    // The bundle is addressed to one trusted site: A must trust B's key to export to it.
    assert!(matches!(
        a.ledger.handover_export(&a.officer, &h.code, "Depot B"),
        Err(CustodyError::UnknownTrustedKey(_))
    ));
    a.ledger
        .trust_key(&a.admin, &b.ledger.public_key_hex().unwrap(), "Depot B")
        .unwrap();
    let bundle = a
        .ledger
        .handover_export(&a.officer, &h.code, "Depot B")
        .unwrap();

    // B does not know A's key yet.
    let before = snapshot(&b.ledger);
    assert!(matches!(
        b.ledger.handover_import(&b.officer, &bundle),
        Err(CustodyError::BundleUntrustedKey { .. })
    ));
    assert_eq!(snapshot(&b.ledger), before);
    b.ledger
        .trust_key(&b.admin, &a.ledger.public_key_hex().unwrap(), "Depot A")
        .unwrap();
    // One byte changed anywhere in the body: refused.
    let at = bundle.windows(2).position(|w| w == b"H2").unwrap();
    let mut tampered = bundle.clone();
    tampered[at + 1] = b'9';
    let before = snapshot(&b.ledger);
    assert!(matches!(
        b.ledger.handover_import(&b.officer, &tampered),
        Err(CustodyError::BundleBadSignature)
    ));
    assert!(matches!(
        b.ledger
            .handover_import(&b.officer, &bundle[..bundle.len() / 2]),
        Err(CustodyError::BundleMalformed(_))
    ));
    assert_eq!(snapshot(&b.ledger), before);

    let imported = b.ledger.handover_import(&b.officer, &bundle).unwrap();
    assert_eq!((imported.direction.as_str(), imported.items), ("in", 3));
    let before = snapshot(&b.ledger);
    assert!(matches!(
        b.ledger.handover_import(&b.officer, &bundle),
        Err(CustodyError::BundleAlreadyImported { .. })
    ));
    assert_eq!(snapshot(&b.ledger), before);

    // On arrival H1 and H2 are scanned, H3 is not in the van, and a stray label turns up.
    let t = b
        .ledger
        .handover_receive(
            &b.officer,
            &h.code,
            &[codes[0].clone(), codes[1].clone(), "STRAY-9".into()],
        )
        .unwrap();
    assert_eq!((t.counted, t.expected, t.on_list), (2, 3, false));
    let accepted = b
        .ledger
        .handover_accept(&b.officer, Some(&b.inspector), &h.code, Some("Vault B"))
        .unwrap();
    let mut both = vec![codes[0].clone(), codes[1].clone()];
    both.sort();
    assert_eq!(accepted.received, both);
    assert_eq!(
        (accepted.missing.clone(), accepted.extra.clone()),
        (vec![codes[2].clone()], vec!["STRAY-9".to_string()])
    );
    let discrepancies: i64 = rusqlite::Connection::open(b.ledger.path())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'handover.discrepancy' AND seq < ?1",
            [accepted.seq],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        discrepancies, 2,
        "missing and extra are logged before the signature"
    );
    let arrived = b.ledger.find_item(&codes[0]).unwrap();
    assert_eq!(
        (
            arrived.code.as_str(),
            arrived.status,
            arrived.location_name.as_deref()
        ),
        (codes[0].as_str(), ItemStatus::InStore, Some("Vault B"))
    );
    assert!(arrived.record.contains("\"origin\":\"transferred_in\""));
    assert!(matches!(
        b.ledger.find_item(&codes[2]),
        Err(CustodyError::UnknownItem(_))
    ));
    let receipt = b.ledger.handover_receipt(&b.officer, &h.code).unwrap();

    let done = a
        .ledger
        .handover_import_receipt(&a.officer, &receipt)
        .unwrap();
    assert_eq!(done.state, "receipted");
    assert_eq!(
        a.ledger.find_item(&codes[0]).unwrap().status,
        ItemStatus::TransferredOut
    );
    assert_eq!(
        a.ledger.find_item(&codes[1]).unwrap().status,
        ItemStatus::TransferredOut
    );
    assert_eq!(
        a.ledger.find_item(&codes[2]).unwrap().status,
        ItemStatus::InTransit
    );
    let before = snapshot(&a.ledger);
    assert!(matches!(
        a.ledger.handover_import_receipt(&a.officer, &receipt),
        Err(CustodyError::BundleAlreadyImported { .. })
    ));
    assert_eq!(snapshot(&a.ledger), before);
    assert_intact_and_rebuildable(&mut a.ledger);
    assert_intact_and_rebuildable(&mut b.ledger);
}

#[test]
fn an_administrator_deactivates_a_departed_officer_but_never_the_last_administrator() {
    let mut s = site();
    assert!(matches!(
        s.ledger.set_person_active(&s.officer, "CUS", false),
        Err(CustodyError::WrongRole { .. })
    ));
    s.ledger.set_person_active(&s.admin, "OFF", false).unwrap();
    assert!(matches!(
        s.ledger.authenticate("OFF", "642087"),
        Err(CustodyError::Inactive(_))
    ));
    let before = snapshot(&s.ledger);
    assert!(matches!(
        s.ledger.set_person_active(&s.admin, "ADM", false),
        Err(CustodyError::LastAdministrator(_))
    ));
    assert_eq!(snapshot(&s.ledger), before);
    s.ledger.set_person_active(&s.admin, "OFF", true).unwrap();
    assert!(s.ledger.authenticate("OFF", "642087").is_ok());
    assert_intact_and_rebuildable(&mut s.ledger);
}

#[test]
fn the_documents_screen_lists_executed_batches_handovers_and_closed_counts_newest_first() {
    use custody_core::documents::DocumentKind;
    let mut s = site();
    assert!(s.ledger.documents_available().unwrap().is_empty());
    // An open count and a batch still being built are not documents yet.
    let open = s.ledger.stocktake_open(&s.officer, &[], "").unwrap();
    let pending = s
        .ledger
        .destruction_create(&s.officer, "Ministry of Interior", "DEC-2", "")
        .unwrap();
    let destroyed = s.weapons[0].clone();
    destroy(&mut s, std::slice::from_ref(&destroyed));
    let sent = s
        .ledger
        .handover_dispatch(&s.officer, &details(), std::slice::from_ref(&s.weapons[1]))
        .unwrap();
    let listed = s.ledger.documents_available().unwrap();
    let kinds: Vec<(DocumentKind, u64, &str)> = listed
        .iter()
        .map(|d| (d.kind, d.items, d.direction.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (DocumentKind::HandoverManifest, 1, "out"),
            (DocumentKind::DestructionCertificate, 1, ""),
        ]
    );
    assert_eq!(listed[0].code, sent.code);
    assert!(!listed
        .iter()
        .any(|d| d.code == pending.code || d.code == open.code));
    assert!(listed[0].time >= listed[1].time, "newest first");
    // Closing the count adds its report.
    let rec = s
        .ledger
        .stocktake_reconcile(&s.inspector, &open.code)
        .unwrap();
    for d in &rec.discrepancies {
        s.ledger
            .stocktake_resolve(
                &s.inspector,
                &open.code,
                &d.key,
                Resolution::DataErrorCorrected,
                "REF-2",
                "",
                None,
            )
            .unwrap();
    }
    s.ledger
        .stocktake_close(&s.officer, &s.inspector, &open.code)
        .unwrap();
    let listed = s.ledger.documents_available().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].kind, DocumentKind::StocktakeReport);
    assert_eq!(listed[0].code, open.code);
}

#[test]
fn intake_sees_a_serial_already_taken_before_registering_and_a_badge_scan_is_not_an_item_lookup() {
    let mut s = site();
    // Typed with other case, spacing and a dash: the same serial as A100 (Zastava).
    let m = s.ledger.serial_matches("zastava ", "a-1 00").unwrap();
    assert_eq!(m.len(), 1);
    assert!(m[0].same_manufacturer);
    assert_eq!(m[0].code, s.weapons[0]);
    // Another maker with the same serial is shown, but would not be refused.
    let other = s.ledger.serial_matches("Glock", "A100").unwrap();
    assert_eq!(other.len(), 1);
    assert!(!other[0].same_manufacturer);
    s.ledger
        .register_weapon(&s.officer, weapon("A100", "Glock"), None)
        .unwrap();
    let both = s.ledger.serial_matches("Glock", "A100").unwrap();
    assert_eq!(both.len(), 2);
    assert!(both[0].same_manufacturer && !both[1].same_manufacturer);
    assert!(s.ledger.serial_matches("Glock", " - ").unwrap().is_empty());
    assert!(s.ledger.serial_matches("", "Z999").unwrap().is_empty());

    // A badge read at the sign-in screen is recorded as a badge, with nobody signed in.
    let before = event_count(&s.ledger);
    let r = s
        .ledger
        .record_badge_scan(&ScanInput {
            device: "serial".into(),
            data: b"OFF".to_vec(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(r.outcome, ScanOutcome::Badge);
    assert_eq!(event_count(&s.ledger), before + 1);
    let (kind, actor, payload): (String, Option<String>, String) =
        rusqlite::Connection::open(s.ledger.path())
            .unwrap()
            .query_row(
                "SELECT kind, actor, payload FROM events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
    assert_eq!(kind, "scan.recorded");
    assert_eq!(actor, None);
    assert!(payload.contains("\"outcome\":\"badge\""), "{payload}");
    assert!(!payload.contains("item_id"), "{payload}");
    assert_intact_and_rebuildable(&mut s.ledger);
}

/// A scan that names nothing says why in a typed reason, which the ledger also records in
/// words; an ignored frame keeps its typed reason too.
#[test]
fn a_refused_scan_carries_a_typed_reason_and_the_ledger_records_it() {
    let mut s = site();
    let scan = |s: &mut Site, data: &[u8], ignored: Option<IgnoredReason>| {
        s.ledger
            .record_scan(
                Some(&s.officer),
                &ScanInput {
                    device: "test".into(),
                    data: data.to_vec(),
                    ignored,
                    ..ScanInput::default()
                },
            )
            .unwrap()
            .outcome
    };
    assert_eq!(
        scan(&mut s, b"NOPE-123", None),
        ScanOutcome::Unknown {
            reason: UnknownReason::NoSuchItem {
                scanned: "NOPE-123".into()
            }
        }
    );
    assert_eq!(
        scan(&mut s, &[0xff, 0xfe], None),
        ScanOutcome::Unknown {
            reason: UnknownReason::NotText
        }
    );
    assert_eq!(
        scan(&mut s, b"\r\n", None),
        ScanOutcome::Unknown {
            reason: UnknownReason::Empty
        }
    );
    // Two makers' items with one serial: the serial alone is ambiguous.
    s.ledger
        .register_weapon(&s.officer, weapon("AMB-77", "Glock"), None)
        .unwrap();
    s.ledger
        .register_weapon(&s.officer, weapon("AMB-77", "Zastava"), None)
        .unwrap();
    match scan(&mut s, b"AMB-77", None) {
        ScanOutcome::Unknown {
            reason: UnknownReason::Ambiguous { scanned, matches },
        } => {
            assert_eq!(scanned, "AMB-77");
            assert!(
                matches.contains("Glock") && matches.contains("Zastava"),
                "{matches}"
            );
        }
        other => panic!("{other:?}"),
    }
    let repeat = IgnoredReason::Repeat { within_ms: 800 };
    let rifle = s.weapons[0].clone();
    assert_eq!(
        scan(&mut s, rifle.as_bytes(), Some(repeat.clone())),
        ScanOutcome::Ignored { reason: repeat }
    );
    let payload: String = rusqlite::Connection::open(s.ledger.path())
        .unwrap()
        .query_row(
            "SELECT payload FROM events WHERE kind = 'scan.recorded' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        payload.contains("repeat within 800 ms of the same code: counted once"),
        "{payload}"
    );
}

/// Bulk import checks each batch as a whole before writing it: a serial already in the
/// register, a serial repeated inside the batch, an unknown location and a control character
/// are each refused by line, and every other row of the same batch goes in.
#[test]
fn a_checked_import_batch_refuses_its_bad_rows_by_line_and_keeps_the_good_ones() {
    let mut s = site();
    let officer = s.officer.clone();
    // A100 is already registered by `site()` (Zastava).
    let csv = "serial,manufacturer,model,type,calibre,country,year,location\n\
               N1,Zastava,M70,rifle,7.62x39,RS,1984,Vault A\n\
               A100,ZASTAVA,M70,rifle,7.62x39,RS,1984,\n\
               N2,Zastava,\"M70\tX\",rifle,7.62x39,RS,1984,\n\
               N3,Zastava,M70,rifle,7.62x39,RS,1984,Nowhere\n\
               N4,Zastava,M70,rifle,7.62x39,RS,1984,Vault B\n\
               n4,zastava,M70,rifle,7.62x39,RS,1984,\n\
               N5,Norinco,56,rifle,7.62x39,CN,1970,\n";
    let before = event_count(&s.ledger);
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes()).unwrap();
    let report = s
        .ledger
        .import_weapons(&officer, rows, 1000, |_| {})
        .unwrap();
    let imported: Vec<u64> = report.imported.iter().map(|i| i.line).collect();
    let rejected: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(imported, [2, 6, 8]);
    assert_eq!(rejected, [3, 4, 5, 7]);
    // The repeated serial names the code the batch's own earlier row was given.
    let n4 = &report.imported[1].code;
    assert!(
        report.rejected[3].reason.contains(n4.as_str()),
        "{}",
        report.rejected[3].reason
    );
    assert!(
        report.rejected[0].reason.contains(s.weapons[0].as_str()),
        "{}",
        report.rejected[0].reason
    );
    assert!(
        report.rejected[1].reason.contains("model"),
        "{}",
        report.rejected[1].reason
    );
    assert!(
        report.rejected[2].reason.contains("Nowhere"),
        "{}",
        report.rejected[2].reason
    );
    // Three events, one per good row, and the ledger verifies with them.
    assert_eq!(event_count(&s.ledger), before + 3);
    assert_eq!(
        s.ledger.find_item(n4).unwrap().location_name.as_deref(),
        Some("Vault B")
    );
    assert!(s.ledger.verify().unwrap().is_intact());
    // The same file again: every row is now either a duplicate or still bad.
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes()).unwrap();
    let again = s.ledger.import_weapons(&officer, rows, 2, |_| {}).unwrap();
    assert!(again.imported.is_empty());
    assert_eq!(again.rejected.len(), 7);
    assert_eq!(event_count(&s.ledger), before + 3);
}

/// A USB stick pulled out while its file is being imported: the rows read before are imported,
/// reading stops with one refusal naming the device's error, and nothing is half-written.
#[test]
fn a_file_that_cannot_be_read_further_imports_the_rows_before_and_says_reading_stopped() {
    /// Gives the first `left` bytes, then fails on every read, as a removed device does.
    struct PulledOut {
        data: std::io::Cursor<Vec<u8>>,
        left: usize,
    }
    impl std::io::Read for PulledOut {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.left == 0 {
                return Err(std::io::Error::other("device removed"));
            }
            let n = buf.len().min(self.left);
            let n = self.data.read(&mut buf[..n])?;
            self.left -= n;
            Ok(n)
        }
    }
    let mut s = site();
    let officer = s.officer.clone();
    let header = "serial,manufacturer,model,type,calibre,country,year\n";
    let mut csv = header.to_string();
    for i in 0..5 {
        csv.push_str(&format!("U{i},Zastava,M70,rifle,7.62x39,RS,1984\n"));
    }
    // Cut in the middle of the fourth row.
    let cut = csv.find("U3").unwrap() + 4;
    let before = event_count(&s.ledger);
    let pulled = |csv: &str| PulledOut {
        data: std::io::Cursor::new(csv.as_bytes().to_vec()),
        left: cut,
    };
    // Counting (as `custody import weapons` does first) stops where reading stops too.
    let counted = custody_core::import::weapon_csv_rows(pulled(&csv))
        .unwrap()
        .count();
    assert_eq!(counted, 4);
    let rows = custody_core::import::weapon_csv_rows(pulled(&csv)).unwrap();
    let report = s.ledger.import_weapons(&officer, rows, 2, |_| {}).unwrap();
    let imported: Vec<u64> = report.imported.iter().map(|i| i.line).collect();
    assert_eq!(imported, [2, 3, 4]);
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    assert!(
        report.rejected[0].reason.contains("device removed"),
        "{}",
        report.rejected[0].reason
    );
    assert_eq!(event_count(&s.ledger), before + 3);
    assert!(s.ledger.find_item("U3").is_err());
    assert!(s.ledger.verify().unwrap().is_intact());
}

/// A row that passes every check made before writing but still fails while it is appended (here
/// a fault injected by a trigger on the register, as a storage surprise would) sends its batch
/// down the careful path: the batch is rolled back and written again with a savepoint per row,
/// so only that row is refused and the good rows of the same batch, before and after it, go in.
#[test]
fn a_row_that_fails_only_while_being_appended_falls_back_to_the_per_row_path() {
    let mut s = site();
    let officer = s.officer.clone();
    {
        let conn = rusqlite::Connection::open(s.ledger.path()).unwrap();
        conn.execute_batch(
            "CREATE TRIGGER fault_on_p3 BEFORE INSERT ON items
             WHEN NEW.serial_key = 'P3' BEGIN SELECT RAISE(ABORT, 'injected fault'); END;",
        )
        .unwrap();
    }
    let csv = "serial,manufacturer,model,type,calibre,country,year,location\n\
               P1,Zastava,M70,rifle,7.62x39,RS,1984,\n\
               P2,Zastava,M70,rifle,7.62x39,RS,1984,Vault A\n\
               P3,Zastava,M70,rifle,7.62x39,RS,1984,\n\
               P4,Zastava,M70,rifle,7.62x39,RS,1984,\n";
    let before = event_count(&s.ledger);
    let rows = custody_core::import::parse_weapon_csv(csv.as_bytes()).unwrap();
    let report = s
        .ledger
        .import_weapons(&officer, rows, 1000, |_| {})
        .unwrap();
    let imported: Vec<u64> = report.imported.iter().map(|i| i.line).collect();
    let rejected: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(imported, [2, 3, 5]);
    assert_eq!(rejected, [4]);
    assert!(
        report.rejected[0].reason.contains("injected fault"),
        "{}",
        report.rejected[0].reason
    );
    // One event per imported row, numbered without a gap: the rolled-back first attempt left
    // nothing behind.
    assert_eq!(event_count(&s.ledger), before + 3);
    let seqs: Vec<i64> = report.imported.iter().map(|i| i.seq).collect();
    assert_eq!(seqs, [before + 1, before + 2, before + 3]);
    assert!(s.ledger.find_item("P3").is_err());
    {
        let conn = rusqlite::Connection::open(s.ledger.path()).unwrap();
        conn.execute_batch("DROP TRIGGER fault_on_p3;").unwrap();
    }
    assert_intact_and_rebuildable(&mut s.ledger);
}

/// A list of items moves in one transaction: when one of them may not move (checked out, or
/// destroyed), nothing moves, the refusal names that item, and the ledger is as it was.
#[test]
fn a_list_move_with_one_refused_item_moves_nothing_and_names_that_item() {
    let mut s = site();
    let officer = s.officer.clone();
    let custodian = s.custodian.clone();
    let (a, b, c) = (
        s.weapons[0].clone(),
        s.weapons[1].clone(),
        s.weapons[2].clone(),
    );
    s.ledger
        .check_out(
            &custodian,
            &b,
            "Ballistics lab",
            "test firing",
            chrono::Utc::now().date_naive() + chrono::Duration::days(7),
        )
        .unwrap();
    let before = snapshot(&s.ledger);
    let err = s
        .ledger
        .move_items(&officer, &[a.as_str(), b.as_str(), c.as_str()], "Vault B")
        .unwrap_err();
    match &err {
        CustodyError::WrongStatus { code, .. } => assert_eq!(code, &b),
        other => panic!("expected the checked-out item to be named, got {other:?}"),
    }
    assert_eq!(
        snapshot(&s.ledger),
        before,
        "a refused list moved something"
    );
    // Without it, the others move together, each once even if listed twice.
    let seqs = s
        .ledger
        .move_items(&officer, &[a.as_str(), c.as_str(), a.as_str()], "Vault B")
        .unwrap();
    assert_eq!(seqs.len(), 2);
    for code in [&a, &c] {
        assert_eq!(
            s.ledger.find_item(code).unwrap().location_name.as_deref(),
            Some("Vault B")
        );
    }
    assert_eq!(
        s.ledger
            .find_location("vault b")
            .unwrap()
            .map(|l| l.name)
            .as_deref(),
        Some("Vault B")
    );
    assert!(s.ledger.find_location("Vault Z").unwrap().is_none());
    assert_intact_and_rebuildable(&mut s.ledger);
}
