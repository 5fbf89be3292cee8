//! Field scenarios for the counted, witnessed and signed workflows, driven through the real
//! screens with Slint's testing backend: a blind stocktake to its signed close, a destruction
//! batch from creation to execution before two witnesses, and a handover between two sites.

mod common;
use common::{
    depot, file_ending, fill_handover_head, head, on_screen, reads, scan, sign_in, tap, trust,
    type_into,
};
use custody_codes::ScanCommand;
use custody_core::ItemStatus;
use custody_kiosk::{AppWindow, Kiosk};
use custody_scan::Outcome;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;

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

fn lot(kiosk: &Rc<RefCell<Kiosk>>, number: &str) -> custody_core::ammo::LotView {
    kiosk.borrow().ledger().ammo_lot(number).unwrap()
}

/// Taps a button, checks the message says `words` and that the ledger did not change.
fn refused_unchanged(kiosk: &Rc<RefCell<Kiosk>>, app: &AppWindow, button: &str, words: &str) {
    let before = head(kiosk);
    tap(app, button);
    let said = reads(app, "Ammunition message");
    assert!(said.contains(words), "expected “{words}”, read “{said}”");
    assert_eq!(
        head(kiosk),
        before,
        "{button}: a refusal recorded something"
    );
}

/// The same for a refusal after a second person signed in on the spot (which the ledger
/// records): every lot, its quantities and places, and the count's lines are unchanged.
fn refused_lots_unchanged(kiosk: &Rc<RefCell<Kiosk>>, app: &AppWindow, button: &str, words: &str) {
    let lots = || format!("{:?}", kiosk.borrow().ledger().ammo_lots().unwrap());
    let before = lots();
    tap(app, button);
    let said = reads(app, "Ammunition message");
    assert!(said.contains(words), "expected “{words}”, read “{said}”");
    assert_eq!(lots(), before, "{button}: a refusal changed a lot");
}

fn receive_form(app: &AppWindow, lot_number: &str, hazard: &str, quantity: &str, place: &str) {
    type_into(app, "Ammunition type", "cartridge");
    type_into(app, "Calibre", "7.62x54R");
    type_into(app, "Manufacturer", "Prvi Partizan");
    type_into(app, "Lot number", lot_number);
    type_into(app, "Year of manufacture", "2020");
    type_into(app, "Hazard code", hazard);
    type_into(app, "NEQ per unit (kg)", "0.0031");
    type_into(app, "Units per package", "20");
    type_into(app, "Quantity", quantity);
    type_into(app, "Location", place);
}

#[test]
fn a_lot_is_received_split_issued_returned_counted_blind_adjusted_and_put_in_a_destruction_batch() {
    init();
    let d = depot(6);
    let (app, kiosk) = (&d.app, &d.kiosk);
    sign_in(app, "OFF1", "642087");
    tap(app, "Ammunition");

    // The demo store Vault B / Rack 1 is licensed for 30 kg and holds 28.28 kg (12,000 x
    // 0.0016 + 4,000 x 0.00035 + 48 x 0.16): 4,000 rounds of 0.0031 kg (12.4 kg) would put it
    // 10.68 kg over. A mortar bomb (group D) cannot join the grenades (group F) there.
    receive_form(app, "PP-20-0311", "1.4S", "4000", "Vault B / Rack 1");
    refused_unchanged(kiosk, app, "Receive lot", "10.68 kg over the licence");
    receive_form(app, "MB-82-0007", "1.1D", "10", "Vault B / Rack 1");
    refused_unchanged(
        kiosk,
        app,
        "Receive lot",
        "group D cannot be stored with group F",
    );
    receive_form(app, "PP-20-0311", "1.4S", "-40", "Vault A / Rack 2");
    refused_unchanged(kiosk, app, "Receive lot", "Quantity -40 refused");
    receive_form(app, "PP-20-0311", "1.4S", "4000", "Vault A / Rack 2");
    tap(app, "Receive lot");
    let said = reads(app, "Ammunition message");
    assert!(
        said.contains("received at Vault A / Rack 2: quantity 4,000"),
        "{said}"
    );
    assert_eq!(lot(kiosk, "PP-20-0311").in_store, 4_000);
    // Lots are never merged: the same lot again is refused.
    receive_form(app, "PP-20-0311", "1.4S", "100", "Vault A / Rack 2");
    refused_unchanged(kiosk, app, "Receive lot", "lots are never merged");

    // Split: the armoury counter (1 kg, holding 800 x 0.00035 = 0.28 kg) has no room for
    // 1,000 x 0.0031 = 3.1 kg; a negative quantity is refused; then 1,000 go to Rack 1.
    tap(app, "Split / Move");
    type_into(app, "Lot", "PP-20-0311");
    type_into(app, "Quantity", "1000");
    type_into(app, "From location", "Vault A / Rack 2");
    type_into(app, "To location", "Armoury counter");
    refused_unchanged(kiosk, app, "Move quantity", "2.38 kg over the licence");
    type_into(app, "To location", "Vault A / Rack 1");
    type_into(app, "Quantity", "-5");
    refused_unchanged(kiosk, app, "Move quantity", "Quantity -5 refused");
    type_into(app, "Quantity", "5000");
    refused_unchanged(kiosk, app, "Move quantity", "only 4,000 available");
    type_into(app, "Quantity", "1000");
    tap(app, "Move quantity");
    assert!(reads(app, "Ammunition message").contains("moved to Vault A / Rack 1"));
    let stock = lot(kiosk, "PP-20-0311").stock;
    assert!(
        stock.contains(&("Vault A / Rack 2".to_string(), 3_000)),
        "{stock:?}"
    );
    assert!(
        stock.contains(&("Vault A / Rack 1".to_string(), 1_000)),
        "{stock:?}"
    );

    // Issue: nobody signed for it, refused; then signed for.
    tap(app, "Issue / Return");
    assert_eq!(reads(app, "Lot"), "PP-20-0311", "the lot stays selected");
    type_into(app, "Quantity", "500");
    type_into(app, "From location", "Vault A / Rack 2");
    type_into(app, "To whom", "Military police company");
    type_into(app, "Purpose", "range practice");
    refused_unchanged(
        kiosk,
        app,
        "Issue ammunition",
        "name of the person who signs",
    );
    type_into(app, "Signed for by", "Sgt. Jovan Perić");
    tap(app, "Issue ammunition");
    assert!(reads(app, "Ammunition message").contains("issued to Military police company"));
    assert_eq!(lot(kiosk, "PP-20-0311").issued_out, 500);
    // Return: more than is out is refused; 200 come back.
    type_into(app, "Quantity", "600");
    type_into(app, "Back to location", "Vault A / Rack 2");
    refused_unchanged(kiosk, app, "Take back", "only 500 are issued out");
    type_into(app, "Quantity", "200");
    tap(app, "Take back");
    let l = lot(kiosk, "PP-20-0311");
    assert_eq!((l.issued_out, l.in_store), (300, 3_700));
    // Only an inspector changes a lot's condition.
    tap(app, "Inspect / Expend");
    type_into(app, "What was found", "corrosion on 3 cases");
    tap(app, "Unserviceable");
    refused_unchanged(kiosk, app, "Record inspection", "may not");

    // A count of Vault A / Rack 2, opened on the Stocktake screen. Expected there: 2,700.
    tap(app, "Stocktake");
    type_into(app, "Location to count", "Vault A / Rack 2");
    tap(app, "Open count");
    tap(app, "Ammunition");
    tap(app, "Counting");
    type_into(app, "Lot", "PP-20-0311");
    type_into(app, "Location", "Vault A / Rack 2");
    type_into(app, "Packages", "133");
    type_into(app, "Loose units", "15");
    tap(app, "Record count");
    assert!(reads(app, "Ammunition message").contains("your count so far is 2,675"));
    // The lot's own label selects it; it counts nothing.
    type_into(app, "Lot", "");
    let label = lot(kiosk, "PP-20-0311").label_code;
    assert_eq!(scan(kiosk, app, &label), Outcome::Accepted);
    assert_eq!(reads(app, "Lot"), "PP-20-0311");
    assert!(reads(app, "Ammunition message").contains("selected"));
    // One more package, by its label: 20 more. The counter never sees the 2,700 expected.
    let package = lot(kiosk, "PP-20-0311").package_code;
    assert_eq!(scan(kiosk, app, &package), Outcome::Accepted);
    let said = reads(app, "Ammunition message");
    assert!(said.contains("your count so far is 2,695"), "{said}");
    assert!(!said.contains("2,700"));
    type_into(app, "Packages", "-1");
    refused_unchanged(kiosk, app, "Record count", "is not a count");
    refused_unchanged(kiosk, app, "Differences (inspector)", "may not");
    assert!(!on_screen(app, "Quantity differences"));

    // The inspector sees the difference (5 short) and settles it with a co-signer.
    tap(app, "Sign out");
    sign_in(app, "INS1", "375298");
    tap(app, "Ammunition");
    tap(app, "Counting");
    tap(app, "Differences (inspector)");
    assert_eq!(reads(app, "Quantity differences"), "1");
    assert!(reads(app, "Ammunition message").contains("1 lot differs"));
    type_into(
        app,
        "Reason for the adjustment",
        "5 rounds missing from an opened package",
    );
    refused_unchanged(kiosk, app, "Adjust selected", "co-sign");
    type_into(app, "Co-signer's badge", "INS1");
    type_into(app, "Co-signer's PIN", "375298");
    refused_lots_unchanged(kiosk, app, "Adjust selected", "second person");
    type_into(app, "Reason for the adjustment", "");
    type_into(app, "Co-signer's badge", "OFF1");
    type_into(app, "Co-signer's PIN", "642087");
    refused_lots_unchanged(kiosk, app, "Adjust selected", "required field");
    type_into(
        app,
        "Reason for the adjustment",
        "5 rounds missing from an opened package",
    );
    type_into(app, "Co-signer's badge", "OFF1");
    type_into(app, "Co-signer's PIN", "642087");
    tap(app, "Adjust selected");
    let said = reads(app, "Ammunition message");
    assert!(said.contains("set to the counted quantity 2,695"), "{said}");
    let l = lot(kiosk, "PP-20-0311");
    assert_eq!((l.lost, l.in_store), (5, 3_695));

    // Destruction: 2,000 of the lot into a batch; more than is there, and a held lot, refused.
    tap(app, "Sign out");
    sign_in(app, "OFF1", "642087");
    tap(app, "Destruction");
    type_into(
        app,
        "Authority",
        "Ministry of Interior, Weapons Directorate",
    );
    type_into(app, "Decision reference", "03-2000/26");
    tap(app, "Create batch");
    type_into(app, "Lot", "PP-20-0311");
    type_into(app, "Location", "Vault A / Rack 2");
    type_into(app, "Quantity", "9000");
    let before = head(kiosk);
    tap(app, "Add lot");
    assert!(reads(app, "Destruction message").contains("only 2,695 available"));
    assert_eq!(head(kiosk), before, "a refused lot line recorded nothing");
    {
        let path = kiosk.borrow().ledger().path().to_path_buf();
        let mut other = custody_core::Ledger::open(&path).unwrap();
        let custodian = other.authenticate("CUS1", "553719").unwrap();
        other
            .ammo_hold(&custodian, "PP-21-0457", true, "Court order K-55/26")
            .unwrap();
    }
    let before = head(kiosk);
    type_into(app, "Lot", "PP-21-0457");
    type_into(app, "Location", "Vault B / Rack 1");
    type_into(app, "Quantity", "100");
    tap(app, "Add lot");
    assert!(reads(app, "Destruction message").contains("legal hold (order Court order K-55/26)"));
    assert_eq!(head(kiosk), before, "a held lot's line recorded nothing");
    type_into(app, "Lot", "PP-20-0311");
    type_into(app, "Location", "Vault A / Rack 2");
    type_into(app, "Quantity", "2000");
    tap(app, "Add lot");
    assert!(reads(app, "Destruction message").contains("quantity 2,000 added to the batch"));
    assert_eq!(reads(app, "Lots in the batch"), "1");
    let code = app.global::<custody_kiosk::DestructionState>().get_code();
    let lines = kiosk.borrow().ledger().destruction_lots(&code).unwrap();
    assert_eq!((lines.len(), lines[0].quantity), (1, 2_000));
    // 2,000 x 0.0031 kg.
    assert_eq!(lines[0].line_neq_kg, "6.2");
    // Taking it off needs the lot and a reason: tapping its line fills the lot and the place.
    type_into(app, "Lot", "");
    tap(app, "Take lot off");
    assert!(reads(app, "Destruction message").contains("Scan the lot label"));
    tap(app, "PP-20-0311 · Vault A / Rack 2");
    assert_eq!(reads(app, "Lot"), "PP-20-0311");
    let before = head(kiosk);
    tap(app, "Take lot off");
    assert!(reads(app, "Destruction message").contains("required field"));
    assert_eq!(head(kiosk), before);
    type_into(
        app,
        "Reason (to take off, reopen or cancel)",
        "kept for ballistic testing",
    );
    tap(app, "Take lot off");
    assert!(reads(app, "Destruction message").contains("taken off the batch"));
    assert_eq!(reads(app, "Lots in the batch"), "0");
}

#[test]
fn a_makers_gs1_marking_fills_the_lot_number_and_the_home_screen_marks_a_store_near_its_licence() {
    init();
    let d = depot(3);
    let (app, kiosk) = (&d.app, &d.kiosk);
    sign_in(app, "OFF1", "642087");
    // 28.28 kg of 30 kg: near the limit; the armoury counter holds 0.28 of 1 kg.
    assert_eq!(reads(app, "Vault B / Rack 1"), "near the licensed limit");
    assert_eq!(reads(app, "Armoury counter"), "within the licence");
    tap(app, "Ammunition");
    assert_eq!(scan(kiosk, app, "(10)KV-77-0042(30)24"), Outcome::Accepted);
    assert_eq!(reads(app, "Lot number"), "KV-77-0042");
    assert_eq!(reads(app, "Units per package"), "24");
    assert!(reads(app, "Ammunition message").contains("units per package: 24"));
    // A marking without a lot number is refused and fills nothing.
    assert_eq!(scan(kiosk, app, "(30)12"), Outcome::Refused);
    assert!(reads(app, "Ammunition message").contains("carries no lot number"));
    assert_eq!(reads(app, "Lot number"), "KV-77-0042");
    // A location label fills the place; a lot label on another page selects the lot.
    assert_eq!(
        scan(kiosk, app, &d.site.location_codes[2]),
        Outcome::Accepted
    );
    assert_eq!(reads(app, "Location"), "Vault B / Rack 1");
    tap(app, "Lots");
    assert_eq!(reads(app, "Ammunition lots"), "3");
    let label = lot(kiosk, "PP-23-0112").label_code;
    assert_eq!(scan(kiosk, app, &label), Outcome::Accepted);
    tap(app, "Issue / Return");
    assert_eq!(reads(app, "Lot"), "PP-23-0112");
    // A word where a number belongs is refused before core, nothing recorded.
    type_into(app, "Quantity", "ten");
    refused_unchanged(kiosk, app, "Issue ammunition", "ten is not a whole number");
}
