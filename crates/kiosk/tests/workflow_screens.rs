//! Field scenarios for the counted, witnessed and signed workflows, driven through the real
//! screens with Slint's testing backend: a blind stocktake to its signed close, a destruction
//! batch from creation to execution before two witnesses, and a handover between two sites.

mod common;
use common::{
    depot, file_ending, fill_handover_head, on_screen, reads, scan, sign_in, tap, trust, type_into,
};
use custody_codes::ScanCommand;
use custody_core::ItemStatus;
use custody_scan::Outcome;

fn init() {
    i_slint_backend_testing::init_no_event_loop();
}

#[test]
fn an_officer_counts_a_rack_blind_the_inspector_settles_every_difference_and_two_people_close_it() {
    init();
    let d = depot(6);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let codes = &d.site.weapon_codes;
    sign_in(app, "OFF1", "642087");
    tap(app, "Stocktake");
    type_into(app, "Location to count", "Vault A / Rack 1");
    tap(app, "Open count");
    assert!(reads(app, "Stocktake message").contains("opened"));

    // Weapon 0 lives on this rack; weapon 1 belongs on rack 2; one code is not registered.
    assert_eq!(
        scan(kiosk, app, &d.site.location_codes[0]),
        Outcome::Accepted
    );
    assert_eq!(scan(kiosk, app, &codes[0]), Outcome::Accepted);
    assert_eq!(
        scan(kiosk, app, &codes[0]),
        Outcome::Accepted,
        "a repeat is recorded, not refused"
    );
    assert_eq!(scan(kiosk, app, &codes[1]), Outcome::Accepted);
    assert_eq!(scan(kiosk, app, "W0000000000"), Outcome::Refused);
    assert_eq!(reads(app, "Scanned so far"), "4");
    assert_eq!(reads(app, "Different items"), "3");
    assert_eq!(reads(app, "Unexpected"), "1");
    assert_eq!(reads(app, "Alarms"), "0");
    assert_eq!(reads(app, "Places counted"), "1 / 1");
    // Blind: nothing on the counter's screen says how many are expected.
    assert!(!on_screen(app, "Expected"));

    // A destroyed rifle turns up on the rack: the alarm counter goes up.
    assert_eq!(
        scan(kiosk, app, &d.site.destroyed_codes[0]),
        Outcome::Refused
    );
    assert_eq!(reads(app, "Alarms"), "1");

    // The officer may not see the expected list.
    tap(app, "Reconcile (inspector)");
    assert!(
        reads(app, "Stocktake message").contains("may not"),
        "{}",
        reads(app, "Stocktake message")
    );
    assert!(!on_screen(app, "Expected"));

    // The inspector signs in; the open count is taken up from the ledger, with the figures
    // the officer saw (they come from the ledger, not from this kiosk's memory).
    tap(app, "Sign out");
    sign_in(app, "INS1", "375298");
    tap(app, "Stocktake");
    assert_eq!(reads(app, "Scanned so far"), "5");
    assert_eq!(reads(app, "Unexpected"), "1");
    assert_eq!(reads(app, "Alarms"), "1");
    assert_eq!(reads(app, "Places counted"), "1 / 1");
    tap(app, "Reconcile (inspector)");
    let open: i32 = reads(app, "Discrepancies").parse().unwrap();
    assert!(
        open >= 3,
        "missing rack items, the misplaced rifle, the unknown code: {open}"
    );
    assert_eq!(reads(app, "Misplaced"), "1");
    assert_eq!(reads(app, "Unknown"), "1");

    // Closing with discrepancies open is refused.
    type_into(app, "Co-signer's badge", "OFF1");
    type_into(app, "Co-signer's PIN", "642087");
    tap(app, "Close count");
    assert!(reads(app, "Stocktake message").contains("still open"));

    for _ in 0..20 {
        if reads(app, "Discrepancies") == "0" {
            break;
        }
        tap(app, "Found later");
        tap(app, "Resolve selected");
        assert!(
            reads(app, "Stocktake message").contains("resolved"),
            "{}",
            reads(app, "Stocktake message")
        );
    }
    assert_eq!(reads(app, "Discrepancies"), "0");

    // The co-signer must be someone else.
    type_into(app, "Co-signer's badge", "INS1");
    type_into(app, "Co-signer's PIN", "375298");
    tap(app, "Close count");
    assert!(reads(app, "Stocktake message").contains("different person"));
    type_into(app, "Co-signer's badge", "OFF1");
    type_into(app, "Co-signer's PIN", "642087");
    tap(app, "Close count");
    let said = reads(app, "Stocktake message");
    assert!(said.contains("closed and signed"), "{said}");
    let counts = kiosk.borrow().ledger().stocktakes().unwrap();
    assert_eq!(counts.last().unwrap().state, "closed");
}

#[test]
fn a_batch_is_filled_frozen_recounted_and_destroyed_before_two_inspectors_never_the_operator() {
    init();
    let d = depot(6);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let (a, b, c) = (
        d.site.weapon_codes[0].clone(),
        d.site.weapon_codes[1].clone(),
        d.site.weapon_codes[2].clone(),
    );
    sign_in(app, "OFF1", "642087");
    tap(app, "Destruction");
    tap(app, "Create batch");
    assert!(reads(app, "Destruction message").contains("authority"));
    type_into(
        app,
        "Authority",
        "Ministry of Interior, Weapons Directorate",
    );
    type_into(app, "Decision reference", "03-1234/26");
    tap(app, "Create batch");
    assert!(reads(app, "Destruction message").contains("created"));

    assert_eq!(scan(kiosk, app, &a), Outcome::Accepted);
    type_into(app, "Item code or serial", &b);
    tap(app, "Add to batch");
    assert_eq!(reads(app, "Items in the batch"), "2");
    // A destroyed item cannot go into a batch.
    assert_eq!(
        scan(kiosk, app, &d.site.destroyed_codes[0]),
        Outcome::Refused
    );
    tap(app, "Freeze batch");
    assert!(reads(app, "Destruction message").contains("frozen with 2"));
    assert_eq!(
        kiosk.borrow().ledger().find_item(&a).unwrap().status,
        ItemStatus::AwaitingDestruction
    );

    // The re-count at the site: a wrong rifle on the pallet is shown as not on the list.
    assert_eq!(scan(kiosk, app, &a), Outcome::Accepted);
    assert_eq!(scan(kiosk, app, &c), Outcome::Refused);
    assert_eq!(reads(app, "Not on the list"), "1");
    assert_eq!(reads(app, "Not yet counted"), "1");
    let done = ScanCommand::Done.code().to_string();
    assert_eq!(scan(kiosk, app, &done), Outcome::Refused);
    assert!(reads(app, "Destruction message").contains("1 missing, 1 extra"));
    // "undo last" takes the wrong rifle back; then the last one is counted and "done" scanned.
    assert_eq!(
        scan(kiosk, app, &ScanCommand::UndoLast.code().to_string()),
        Outcome::Accepted
    );
    assert_eq!(reads(app, "Not on the list"), "0");
    scan(kiosk, app, &b);
    assert_eq!(reads(app, "Re-counted"), "2 / 2");
    assert_eq!(scan(kiosk, app, &done), Outcome::Accepted);
    assert!(reads(app, "Destruction message").contains("matches"));

    tap(app, "Crushing");
    type_into(app, "Equipment", "Hydraulic press HP-200");
    type_into(app, "Place", "Smederevo steelworks");
    type_into(app, "Scrap weight (kg)", "nine");
    tap(app, "Record details");
    assert!(reads(app, "Destruction message").contains("scrap weight"));
    type_into(app, "Scrap weight (kg)", "7,5");
    tap(app, "Record details");
    assert!(reads(app, "Destruction message").contains("recorded"));

    // The operator names himself as a witness: refused, nothing destroyed.
    type_into(app, "Witness 1 badge", "OFF1");
    type_into(app, "Witness 1 PIN", "642087");
    type_into(app, "Witness 2 badge", "INS2");
    type_into(app, "Witness 2 PIN", "286451");
    tap(app, "Execute destruction");
    assert!(reads(app, "Destruction message").contains("different people"));
    assert_eq!(
        kiosk.borrow().ledger().find_item(&a).unwrap().status,
        ItemStatus::AwaitingDestruction
    );
    // Only one witness: refused too.
    type_into(app, "Witness 1 badge", "INS1");
    type_into(app, "Witness 2 badge", "");
    type_into(app, "Witness 1 PIN", "375298");
    tap(app, "Execute destruction");
    assert!(reads(app, "Destruction message").contains("Both witnesses"));

    type_into(app, "Witness 1 badge", "INS1");
    type_into(app, "Witness 1 PIN", "375298");
    type_into(app, "Witness 2 badge", "INS2");
    type_into(app, "Witness 2 PIN", "286451");
    tap(app, "Execute destruction");
    let said = reads(app, "Destruction message");
    assert!(said.contains("2 items destroyed"), "{said}");
    for code in [&a, &b] {
        let item = kiosk.borrow().ledger().find_item(code).unwrap();
        assert_eq!(item.status, ItemStatus::Destroyed);
    }
    assert_eq!(reads(app, "Destroyed items"), "2");
}

#[test]
fn a_depot_dispatches_two_rifles_another_site_signs_for_one_and_the_sender_settles_the_other_as_lost(
) {
    init();
    let sender = depot(8);
    let receiver = depot(3);
    let stick = tempfile::tempdir().unwrap();
    let (a, b) = (
        sender.site.weapon_codes[6].clone(),
        sender.site.weapon_codes[7].clone(),
    );

    let app = &sender.app;
    sign_in(app, "OFF1", "642087");
    tap(app, "Handover");
    fill_handover_head(app);
    assert_eq!(scan(&sender.kiosk, app, &a), Outcome::Accepted);
    assert_eq!(scan(&sender.kiosk, app, &b), Outcome::Accepted);
    assert_eq!(reads(app, "Items to hand over"), "2");
    tap(app, "Export bundle");
    assert!(reads(app, "Handover message").contains("Dispatch a handover first"));
    tap(app, "Dispatch");
    assert!(reads(app, "Handover message").contains("dispatched with 2"));
    assert_eq!(
        sender.kiosk.borrow().ledger().find_item(&a).unwrap().status,
        ItemStatus::InTransit
    );
    type_into(app, "Export folder", &stick.path().display().to_string());
    // A bundle is addressed to one trusted site: none is trusted yet, so nothing is written.
    tap(app, "Export bundle");
    assert!(reads(app, "Handover message").contains("Trust the receiving site's key first"));
    trust(&sender, &receiver, "Depot receiver");
    tap(app, "Export bundle");
    let said = reads(app, "Handover message");
    assert!(said.contains("written to"), "{said}");
    let bundle = file_ending(stick.path(), ".custody");

    // The receiving site: before its administrator trusts the sender's key, import is refused.
    let app = &receiver.app;
    sign_in(app, "OFF1", "642087");
    tap(app, "Handover");
    tap(app, "Receive");
    type_into(app, "Bundle file", &bundle.display().to_string());
    tap(app, "Import bundle");
    assert!(reads(app, "Handover message").contains("trust"));
    // The receiving site's administrator trusts the sender's public key (custody keys trust).
    trust(&receiver, &sender, "MoI Demo Depot (sender)");
    tap(app, "Import bundle");
    assert!(reads(app, "Handover message").contains("verified"));
    assert_eq!(reads(app, "Counted on arrival"), "0 / 2");
    assert_eq!(scan(&receiver.kiosk, app, &a), Outcome::Accepted);
    assert_eq!(reads(app, "Counted on arrival"), "1 / 2");
    tap(app, "Sign for the counted items");
    let said = reads(app, "Handover message");
    assert!(said.contains("Signed for 1 item (1 missing"), "{said}");
    let here = receiver.kiosk.borrow().ledger().find_item(&a).unwrap();
    assert_eq!(here.status, ItemStatus::InStore);
    assert!(receiver.kiosk.borrow().ledger().find_item(&b).is_err());

    // The signed receipt goes back to the sender, naming the second rifle missing.
    type_into(app, "Receipt folder", &stick.path().display().to_string());
    tap(app, "Write receipt");
    let receipt = file_ending(stick.path(), ".receipt");
    let app = &sender.app;
    type_into(
        app,
        "Receipt from the receiver",
        &receipt.display().to_string(),
    );
    tap(app, "Import receipt");
    assert!(reads(app, "Handover message").contains("verified"));
    let sender_ledger = |code: &str| sender.kiosk.borrow().ledger().find_item(code).unwrap();
    assert_eq!(sender_ledger(&b).status, ItemStatus::InTransit);

    // The sender settles it as lost in transit: a reference and a second person, or nothing.
    let manifest = sender.kiosk.borrow().ledger().handovers().unwrap()[0]
        .code
        .clone();
    tap(app, "Settle missing");
    type_into(app, "Manifest code", &manifest);
    tap(app, "Show");
    assert_eq!(reads(app, "Missing on arrival, not settled"), "1");
    tap(app, "Settle as lost in transit");
    assert!(reads(app, "Handover message").contains("second person"));
    type_into(app, "Second person badge", "OFF2");
    type_into(app, "Second person PIN", "464102");
    tap(app, "Settle as lost in transit");
    assert!(reads(app, "Handover message").contains("settlement reference"));
    assert_eq!(
        sender_ledger(&b).status,
        ItemStatus::InTransit,
        "refused: nothing settled"
    );
    type_into(
        app,
        "Loss report or inquiry reference",
        "Police report 44-1/26",
    );
    type_into(app, "Second person PIN", "464102");
    tap(app, "Settle as lost in transit");
    let said = reads(app, "Handover message");
    assert!(said.contains("1 item of handover"), "{said}");
    assert_eq!(sender_ledger(&b).status, ItemStatus::LostInTransit);
    assert_eq!(sender_ledger(&a).status, ItemStatus::TransferredOut);
    assert_eq!(reads(app, "Missing on arrival, not settled"), "0");
}
