//! Corrections, evidence disposition and the loose ends of batches, driven through the real
//! screens with Slint's testing backend: a mistyped serial corrected with a second person, an
//! exhibit held, its hold lifted on a court order and released to its owner, a destruction
//! batch with an item taken off, reopened and cancelled. Every refusal leaves the ledger as it
//! was.

mod common;
use common::{depot, on_screen, press_enter, reads, scan, sign_in, tap, type_into};
use custody_core::ItemStatus;
use custody_kiosk::Kiosk;
use custody_scan::Outcome;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;

fn init() {
    i_slint_backend_testing::init_no_event_loop();
}

fn head(kiosk: &Rc<RefCell<Kiosk>>) -> i64 {
    kiosk.borrow().ledger().head().unwrap().0
}

#[test]
fn a_mistyped_serial_is_corrected_only_with_a_second_person_and_never_onto_another_weapon() {
    init();
    let d = depot(4);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let ledger = |code: &str| kiosk.borrow().ledger().find_item(code).unwrap();
    let target = d.site.weapon_codes[0].clone();
    let other_serial = ledger(&d.site.weapon_codes[1]).serial;
    let old_serial = ledger(&target).serial;
    // A tall window shows every field of the form at once, as scrolling would one by one.
    app.window()
        .set_size(slint::LogicalSize::new(1280.0, 2400.0));
    sign_in(app, "OFF1", "642087");
    tap(app, "Search");
    type_into(app, "Code or serial", &target);
    press_enter(app, "Code or serial");
    tap(app, "Correct record");

    // No reason: refused, nothing written.
    type_into(app, "Serial number *", &other_serial);
    tap(app, "Save correction");
    assert!(
        reads(app, "Search message").contains("reason"),
        "{}",
        reads(app, "Search message")
    );
    // A reason, but an identity field and no second person: refused.
    type_into(
        app,
        "Reason for the correction",
        "serial mistyped at intake",
    );
    type_into(app, "Reference", "memo 12/26");
    tap(app, "Save correction");
    assert!(reads(app, "Search message").contains("second person"));
    // The second person signs, but the new serial is another weapon's: the duplicate check.
    type_into(app, "Second person badge", "OFF2");
    type_into(app, "Second person PIN", "464102");
    tap(app, "Save correction");
    let said = reads(app, "Search message");
    assert!(said.contains(&other_serial), "{said}");
    assert!(!ledger(&target).amended, "no refusal amended the record");
    assert_eq!(ledger(&target).serial, old_serial);

    // The right serial, with the second person: corrected, and the history says so.
    type_into(app, "Serial number *", "M7000123");
    type_into(app, "Second person PIN", "464102");
    tap(app, "Save correction");
    let said = reads(app, "Search message");
    assert!(said.contains("corrected: 1 field changed"), "{said}");
    let item = ledger(&target);
    assert_eq!(item.serial, "M7000123");
    assert!(item.amended);

    // A descriptive field needs no second person.
    tap(app, "Correct record");
    type_into(app, "Model", "M70 AB2");
    type_into(
        app,
        "Reason for the correction",
        "model read from the receiver",
    );
    tap(app, "Save correction");
    assert!(reads(app, "Search message").contains("corrected"));
    assert_eq!(ledger(&target).model, "M70 AB2");
    // The history lists both corrections after the registration.
    let (_, history) = kiosk.borrow().ledger().history(&target).unwrap();
    let amendments = history.iter().filter(|h| h.kind == "item.amend").count();
    assert_eq!(amendments, 2);
}

#[test]
fn an_exhibit_due_for_review_is_held_freed_on_a_court_order_and_released_to_its_owner() {
    init();
    let d = depot(2);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let today = chrono::Local::now().date_naive();
    let due = kiosk.borrow().ledger().evidence_due(today).unwrap();
    assert_eq!(
        due.len(),
        2,
        "the demo site has two exhibits past their review date"
    );
    let code = due[0].code.clone();
    let exhibit = |code: &str| kiosk.borrow().ledger().find_item(code).unwrap();

    sign_in(app, "CUS1", "553719");
    tap(app, "Evidence");
    assert_eq!(reads(app, "Exhibits due for review"), "2");
    type_into(app, "Exhibit code", &code);
    tap(app, "Show");

    // A court orders the exhibit held.
    tap(app, "Legal hold");
    type_into(app, "Authority", "Basic Court Belgrade");
    type_into(app, "Order reference", "K-412/26");
    tap(app, "Place legal hold");
    assert!(reads(app, "Evidence message").contains("now on legal hold"));
    assert!(exhibit(&code).legal_hold);

    // While held it cannot be given up for release.
    let before = head(kiosk);
    tap(app, "Decision");
    tap(app, "Release to the owner");
    type_into(app, "Authority", "Basic Court Belgrade");
    type_into(app, "Order reference", "K-412/26-1");
    tap(app, "Record decision");
    assert!(reads(app, "Evidence message").contains("legal hold"));
    // A case officer cannot lift the hold.
    tap(app, "Legal hold");
    tap(app, "Case officer");
    tap(app, "Lift legal hold");
    assert!(reads(app, "Evidence message").contains("prosecutor or a court"));
    assert_eq!(head(kiosk), before, "refusals write nothing");
    assert!(exhibit(&code).legal_hold);

    // The court lifts it; then the court's release order is recorded.
    tap(app, "Court");
    type_into(app, "Authority", "Basic Court Belgrade");
    type_into(app, "Order reference", "K-412/26-2");
    tap(app, "Lift legal hold");
    assert!(reads(app, "Evidence message").contains("is lifted"));
    assert!(!exhibit(&code).legal_hold);
    tap(app, "Decision");
    tap(app, "Release to the owner");
    type_into(app, "Authority", "Basic Court Belgrade");
    type_into(app, "Order reference", "K-412/26-3");
    tap(app, "Record decision");
    let said = reads(app, "Evidence message");
    assert!(said.contains("Release to the owner"), "{said}");
    assert_eq!(
        exhibit(&code).disposition.as_deref(),
        Some("release_to_owner")
    );

    // The owner comes: a document number that is no document number, then the custodian as
    // their own witness, are refused; a proper witness signs and the exhibit leaves.
    tap(app, "Return to the owner");
    tap(app, "Passport");
    type_into(app, "Owner (as on the document)", "Petar Nikolić");
    type_into(app, "Document number", "x");
    tap(app, "Release");
    assert!(
        reads(app, "Evidence message").contains("x"),
        "{}",
        reads(app, "Evidence message")
    );
    type_into(app, "Document number", "009876543");
    type_into(app, "Witness badge", "CUS1");
    type_into(app, "Witness PIN", "553719");
    tap(app, "Release");
    assert!(reads(app, "Evidence message").contains("someone other"));
    assert_eq!(exhibit(&code).status, ItemStatus::InStore);
    let (_, history) = kiosk.borrow().ledger().history(&code).unwrap();
    assert!(history.iter().all(|h| h.kind != "evidence.release"));
    type_into(app, "Owner (as on the document)", "Petar Nikolić");
    type_into(app, "Document number", "009876543");
    type_into(app, "Witness badge", "INS1");
    type_into(app, "Witness PIN", "375298");
    tap(app, "Release");
    let said = reads(app, "Evidence message");
    assert!(said.contains("released to Petar Nikolić"), "{said}");
    assert_eq!(exhibit(&code).status, ItemStatus::Released);

    // Scanned again later, the released exhibit raises the alarm.
    assert_eq!(scan(kiosk, app, &code), Outcome::Refused);

    // The other due exhibit is kept for 90 more days; nonsense days are refused first.
    tap(app, "Back to the list");
    assert_eq!(reads(app, "Exhibits due for review"), "1");
    let other = due[1].code.clone();
    type_into(app, "Exhibit code", &other);
    tap(app, "Show");
    tap(app, "Keep until a new review date");
    type_into(app, "Authority", "Public Prosecutor's Office Belgrade");
    type_into(app, "Order reference", "KT-412/26");
    type_into(app, "Review again in days", "99999");
    tap(app, "Record decision");
    assert!(reads(app, "Evidence message").contains("1 to 3650"));
    type_into(app, "Review again in days", "90");
    tap(app, "Record decision");
    assert!(reads(app, "Evidence message").contains("Decision recorded"));
    assert_eq!(
        exhibit(&other).review_date,
        Some((today + chrono::Duration::days(90)).to_string())
    );
    tap(app, "Back to the list");
    assert_eq!(reads(app, "Exhibits due for review"), "0");
}

#[test]
fn an_item_is_taken_off_an_open_batch_a_frozen_batch_is_reopened_and_a_batch_is_cancelled() {
    init();
    // Weapons 3 to 5 of the demo site are checked out; 0, 1, 2 and 6 are in store.
    let d = depot(8);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let status = |code: &str| kiosk.borrow().ledger().find_item(code).unwrap().status;
    let codes = &d.site.weapon_codes;
    sign_in(app, "OFF1", "642087");
    tap(app, "Destruction");
    type_into(
        app,
        "Authority",
        "Ministry of Interior, Weapons Directorate",
    );
    type_into(app, "Decision reference", "03-1234/26");
    tap(app, "Create batch");
    for code in &codes[..3] {
        assert_eq!(scan(kiosk, app, code), Outcome::Accepted);
    }
    assert_eq!(reads(app, "Items in the batch"), "3");

    // Taking one off needs a reason.
    let before = head(kiosk);
    type_into(app, "Item code or serial", &codes[1]);
    tap(app, "Take off batch");
    assert!(reads(app, "Destruction message").contains("reason"));
    assert_eq!(head(kiosk), before);
    type_into(
        app,
        "Reason (to take off, reopen or cancel)",
        "recalled by the court",
    );
    tap(app, "Take off batch");
    assert!(reads(app, "Destruction message").contains("taken off the batch"));
    assert_eq!(reads(app, "Items in the batch"), "2");
    assert_eq!(status(&codes[1]), ItemStatus::InStore);

    // Frozen, the list is fixed until the batch is reopened with a reason.
    tap(app, "Freeze batch");
    assert!(reads(app, "Destruction message").contains("frozen"));
    assert_eq!(status(&codes[0]), ItemStatus::AwaitingDestruction);
    type_into(app, "Reason (to take off, reopen or cancel)", "");
    tap(app, "Reopen batch");
    assert!(reads(app, "Destruction message").contains("reason"));
    type_into(
        app,
        "Reason (to take off, reopen or cancel)",
        "one more rifle to add",
    );
    tap(app, "Reopen batch");
    assert!(reads(app, "Destruction message").contains("open again"));
    assert_eq!(scan(kiosk, app, &codes[6]), Outcome::Accepted);
    assert_eq!(reads(app, "Items in the batch"), "3");

    // Given up altogether: every item is back in store.
    type_into(
        app,
        "Reason (to take off, reopen or cancel)",
        "smelter contract withdrawn",
    );
    tap(app, "Cancel batch");
    assert!(reads(app, "Destruction message").contains("cancelled"));
    for code in [&codes[0], &codes[2], &codes[6]] {
        assert_eq!(status(code), ItemStatus::InStore);
    }
    // The screen is back at creating a batch.
    assert!(on_screen(app, "Create batch"));
}
