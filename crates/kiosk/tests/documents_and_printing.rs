//! Paper out of the kiosk: sealed documents saved to a stick and printed, what happens when the
//! stick or the printer is not there, label printers, and the handover receipt going back to
//! the sender. Driven through the real screens with Slint's testing backend.

mod common;
use common::{
    depot, file_ending, fill_handover_head, reads, sign_in, tap, trust, type_into, FakeLabelPrinter,
};
use custody_core::ItemStatus;
use custody_docs::{verify_pdf, KeyId};
use custody_kiosk::local_settings::{LabelPrinter, LocalSettings};
use custody_kiosk::Kiosk;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

fn init() {
    i_slint_backend_testing::init_no_event_loop();
}

fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|x| x == "pdf"));
    found.sort();
    found
}

/// Checks a PDF's seal against the site's own public key, as an outside verifier would.
fn verify_with_site_key(kiosk: &Rc<RefCell<Kiosk>>, pdf: &Path) -> custody_docs::Verification {
    let hex = kiosk.borrow().ledger().public_key_hex().unwrap();
    let key = custody_core::keys::parse_public_key(&hex).unwrap();
    let bytes = std::fs::read(pdf).unwrap();
    verify_pdf(&bytes, &[(KeyId::of(&key), key)]).expect("the seal verifies")
}

/// A stand-in for CUPS's `lp`: copies the file it is given into `tray` and answers like lp.
fn fake_spooler(dir: &Path, tray: &Path) -> PathBuf {
    let script = dir.join("fake-lp");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nfor a; do f=\"$a\"; done\ncp \"$f\" '{}'/ && echo 'request id is Office-7 (1 file(s))'\n",
            tray.display()
        ),
    )
    .unwrap();
    make_executable(&script);
    script
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn an_inspector_saves_the_destruction_certificate_to_a_stick_and_its_seal_verifies() {
    init();
    let d = depot(6);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let stick = tempfile::tempdir().unwrap();
    sign_in(app, "INS1", "375298");
    tap(app, "Documents");
    // The demo site destroyed one batch; it is offered, newest first.
    let listed = kiosk.borrow().ledger().documents_available().unwrap();
    assert!(!listed.is_empty());
    let batch = custody_codes::LabelCode::parse(&listed[0].code)
        .unwrap()
        .display_form();

    // Nothing chosen yet: a clear request, nothing issued.
    let head = kiosk.borrow().ledger().head().unwrap().0;
    tap(app, "Save PDF");
    assert!(reads(app, "Documents message").contains("Choose a document"));
    tap(app, &batch);

    // A folder that cannot be written (the path runs through a file): refused before sealing.
    let blocker = stick.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    type_into(
        app,
        "Save to folder",
        &blocker.join("docs").display().to_string(),
    );
    tap(app, "Save PDF");
    let said = reads(app, "Documents message");
    assert!(said.contains("Nothing was issued"), "{said}");
    assert_eq!(kiosk.borrow().ledger().head().unwrap().0, head);

    type_into(app, "Save to folder", &stick.path().display().to_string());
    tap(app, "Save PDF");
    let said = reads(app, "Documents message");
    assert!(
        said.contains("saved to") && said.contains("ledger event"),
        "{said}"
    );
    let saved = pdfs_in(stick.path());
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(saved[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("destruction-certificate-"));
    let checked = verify_with_site_key(kiosk, &saved[0]);
    assert_eq!(
        checked.seal.fields.document_id,
        listed[0].code.to_ascii_uppercase()
    );
    // The issue is in the ledger: the sealing event and its checkpoint.
    assert!(kiosk.borrow().ledger().head().unwrap().0 > head);

    // An item's history, by code; an unknown item is named and leaves nothing behind.
    let weapon = d.site.weapon_codes[0].clone();
    type_into(app, "Item history: code or serial", "NO-SUCH-SERIAL");
    let head = kiosk.borrow().ledger().head().unwrap().0;
    tap(app, "Save PDF");
    assert!(reads(app, "Documents message").contains("No item"));
    assert_eq!(kiosk.borrow().ledger().head().unwrap().0, head);
    type_into(app, "Item history: code or serial", &weapon);
    tap(app, "Save PDF");
    let said = reads(app, "Documents message");
    assert!(said.starts_with("History of"), "{said}");
    assert_eq!(pdfs_in(stick.path()).len(), 2);
}

#[test]
fn documents_go_to_the_printer_and_without_a_printer_the_pdf_is_still_kept() {
    init();
    let d = depot(6);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let work = tempfile::tempdir().unwrap();
    let tray = work.path().join("tray");
    std::fs::create_dir(&tray).unwrap();
    kiosk.borrow_mut().settings.print_command =
        fake_spooler(work.path(), &tray).display().to_string();
    let folder = kiosk.borrow().settings.documents_folder.clone();
    sign_in(app, "INS1", "375298");
    tap(app, "Documents");
    let batch = kiosk.borrow().ledger().documents_available().unwrap()[0]
        .code
        .clone();
    tap(
        app,
        &custody_codes::LabelCode::parse(&batch)
            .unwrap()
            .display_form(),
    );
    tap(app, "Save and print");
    let said = reads(app, "Documents message");
    assert!(said.contains("sent to the printer"), "{said}");
    let printed = pdfs_in(&tray);
    assert_eq!(printed.len(), 1);
    verify_with_site_key(kiosk, &printed[0]);
    assert_eq!(
        pdfs_in(&folder).len(),
        1,
        "a copy stays in the documents folder"
    );

    // A PC without CUPS: the officer is told, and the PDF is there to print elsewhere.
    kiosk.borrow_mut().settings.print_command = "/nonexistent/lp".into();
    tap(app, "Save and print");
    let said = reads(app, "Documents message");
    assert!(said.contains("no printing system"), "{said}");
    assert!(said.contains(&folder.display().to_string()), "{said}");

    // The spooler refuses (no such printer): its own words are shown.
    let refusing = work.path().join("refusing-lp");
    std::fs::write(
        &refusing,
        "#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n",
    )
    .unwrap();
    make_executable(&refusing);
    kiosk.borrow_mut().settings.print_command = refusing.display().to_string();
    tap(app, "Save and print");
    let said = reads(app, "Documents message");
    assert!(said.contains("does not exist"), "{said}");
    assert_eq!(pdfs_in(&tray).len(), 1, "nothing more reached the tray");
}

#[test]
fn an_officer_cannot_point_the_label_printer_at_the_site_key() {
    init();
    let d = depot(3);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let key = custody_core::keys::key_path_for(kiosk.borrow().ledger().path());
    let key_before = std::fs::read(&key).unwrap();
    sign_in(app, "OFF1", "642087");
    tap(app, "Settings");
    tap(app, "Printing");
    tap(app, "Thermal (ZPL)");
    type_into(app, "Printer device", &key.display().to_string());
    tap(app, "Save printing settings");
    let said = reads(app, "Printing message");
    assert!(said.contains("may not"), "{said}");
    assert_ne!(kiosk.borrow().settings.label_device, key);
    let kept = LocalSettings::load(kiosk.borrow().ledger().path());
    assert_ne!(kept.label_device, key);
    // Even set by hand, the label printer never writes into a file.
    kiosk.borrow_mut().settings.label_printer = LabelPrinter::Zpl;
    kiosk.borrow_mut().settings.label_device = key.clone();
    tap(app, "Print a test label");
    assert!(!reads(app, "Printing message").contains("sent to the label printer"));
    assert_eq!(std::fs::read(&key).unwrap(), key_before);
}

#[test]
fn a_thermal_label_printer_is_set_up_tested_and_remembered_after_a_restart() {
    init();
    let d = depot(4);
    let (app, kiosk) = (&d.app, &d.kiosk);
    // A USB thermal printer is a character device; a pseudo-terminal stands in for it.
    let printer = FakeLabelPrinter::new();
    let device = printer.path.clone();
    sign_in(app, "ADM1", "731904");
    tap(app, "Settings");
    tap(app, "Printing");
    tap(app, "Print a test label");
    assert!(reads(app, "Printing message").contains("No label printer"));
    tap(app, "Thermal (ZPL)");
    type_into(app, "Printer device", &device.display().to_string());
    type_into(app, "Dots per inch", "150");
    tap(app, "Save printing settings");
    assert!(reads(app, "Printing message").contains("203, 300 or 600"));
    type_into(app, "Dots per inch", "300");
    tap(app, "Print a test label");
    let said = reads(app, "Printing message");
    assert!(said.contains("sent to the label printer"), "{said}");
    let zpl = printer.printed();
    let location = &kiosk.borrow().ledger().locations().unwrap()[0];
    assert!(
        zpl.starts_with("^XA") && zpl.trim_end().ends_with("^XZ"),
        "{zpl}"
    );
    assert!(zpl.contains(&location.code), "{zpl}");
    // Remembered beside the ledger for the next start.
    let kept = LocalSettings::load(kiosk.borrow().ledger().path());
    assert_eq!(kept.label_printer, LabelPrinter::Zpl);
    assert_eq!(kept.label_dpi, 300);
    assert_eq!(kept.label_device, device);
}

#[test]
fn the_receiver_signs_for_a_handover_with_a_witness_and_the_receipt_closes_it_at_the_sender() {
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
    // A bundle is addressed to one trusted site, so the two sites exchange keys first.
    // The receiving site writes its key file to the stick from Settings.
    let rapp = &receiver.app;
    sign_in(rapp, "OFF1", "642087");
    tap(rapp, "Settings");
    tap(rapp, "Other sites");
    type_into(
        rapp,
        "Folder for the key file",
        &stick.path().display().to_string(),
    );
    tap(rapp, "Write key file");
    let said = reads(rapp, "Settings message");
    assert!(said.contains("key written"), "{said}");
    let key_file = file_ending(stick.path(), ".custody-key");
    tap(rapp, "Sign out");
    // At the sender, an officer may not trust keys; the administrator does, from Settings.
    let trust_from_settings = || {
        tap(app, "Settings");
        tap(app, "Other sites");
        type_into(app, "Key file", &key_file.display().to_string());
        tap(app, "Trust key");
    };
    trust_from_settings();
    assert!(reads(app, "Settings message").contains("may not"));
    assert_eq!(reads(app, "Trusted sites"), "0");
    tap(app, "Sign out");
    sign_in(app, "ADM1", "731904");
    trust_from_settings();
    let said = reads(app, "Settings message");
    assert!(said.contains("now trusted"), "{said}");
    assert_eq!(reads(app, "Trusted sites"), "1");
    tap(app, "Sign out");
    sign_in(app, "OFF1", "642087");
    tap(app, "Handover");
    fill_handover_head(app);
    for code in [&a, &b] {
        type_into(app, "Item code or serial", code);
        tap(app, "Add item");
    }
    tap(app, "Dispatch");
    type_into(app, "Export folder", &stick.path().display().to_string());
    tap(app, "Export bundle");
    let bundle = file_ending(stick.path(), ".custody");

    // The receiving site trusts the sender, imports, counts one rifle of two.
    trust(&receiver, &sender, "MoI Demo Depot");
    let app = &receiver.app;
    sign_in(app, "OFF1", "642087");
    tap(app, "Handover");
    tap(app, "Receive");
    type_into(app, "Bundle file", &bundle.display().to_string());
    tap(app, "Import bundle");
    type_into(app, "Item code", &a);
    tap(app, "Count item");
    assert_eq!(reads(app, "Counted on arrival"), "1 / 2");

    // A witness with a wrong PIN: nothing is signed.
    type_into(app, "Witness badge (optional)", "INS1");
    type_into(app, "Witness PIN", "0000");
    tap(app, "Sign for the counted items");
    assert!(reads(app, "Handover message").contains("Wrong PIN"));
    assert!(receiver.kiosk.borrow().ledger().find_item(&a).is_err());
    // The officer cannot witness his own signature.
    type_into(app, "Witness badge (optional)", "OFF1");
    type_into(app, "Witness PIN", "642087");
    tap(app, "Sign for the counted items");
    let said = reads(app, "Handover message");
    assert!(said.contains("different people"), "{said}");
    type_into(app, "Witness badge (optional)", "INS1");
    type_into(app, "Witness PIN", "375298");
    tap(app, "Sign for the counted items");
    let said = reads(app, "Handover message");
    assert!(said.contains("Signed for 1 item (1 missing"), "{said}");
    // The sign-for is witnessed in the ledger.
    let history = receiver.kiosk.borrow().ledger().history(&a).unwrap().1;
    assert!(
        history
            .iter()
            .any(|h| h.witness.as_deref() == Some("Ivana Jovanović")),
        "{history:?}"
    );

    // The receipt goes back on the stick.
    type_into(app, "Receipt folder", &stick.path().display().to_string());
    tap(app, "Write receipt");
    let said = reads(app, "Handover message");
    assert!(said.contains("receipt written"), "{said}");
    let receipt = file_ending(stick.path(), ".receipt");

    // At the sender: a missing file is named; the real receipt closes the handover.
    let app = &sender.app;
    let import_receipt = |path: &str| {
        type_into(app, "Receipt from the receiver", path);
        tap(app, "Import receipt");
    };
    import_receipt("/nonexistent/M.receipt");
    assert!(reads(app, "Handover message").contains("could not be read"));
    assert_eq!(
        sender.kiosk.borrow().ledger().find_item(&a).unwrap().status,
        ItemStatus::InTransit
    );
    tap(app, "Handover");
    import_receipt(&receipt.display().to_string());
    let said = reads(app, "Handover message");
    assert!(said.contains("verified: 1 item received"), "{said}");
    let ledger = sender.kiosk.borrow();
    assert_eq!(
        ledger.ledger().find_item(&a).unwrap().status,
        ItemStatus::TransferredOut
    );
    assert_ne!(
        ledger.ledger().find_item(&b).unwrap().status,
        ItemStatus::TransferredOut,
        "the rifle that never arrived is not signed away"
    );
}

#[test]
fn a_torn_label_is_printed_again_from_the_search_screen_on_an_a4_sheet() {
    init();
    let d = depot(3);
    let (app, kiosk) = (&d.app, &d.kiosk);
    let work = tempfile::tempdir().unwrap();
    let tray = work.path().join("tray");
    std::fs::create_dir(&tray).unwrap();
    {
        let mut k = kiosk.borrow_mut();
        k.settings.print_command = fake_spooler(work.path(), &tray).display().to_string();
        k.settings.label_printer = LabelPrinter::Sheet;
    }
    // The navigation button and the screen's own button are both called "Search".
    let search_button = || {
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(app, "Search")
            .filter(|e| {
                e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button)
            })
            .last()
            .expect("the Search button")
            .invoke_accessible_default_action()
    };
    sign_in(app, "OFF1", "642087");
    tap(app, "Search");
    let code = d.site.weapon_codes[1].clone();
    type_into(app, "Code or serial", &code);
    search_button();
    tap(app, "Print label");
    let said = reads(app, "Search message");
    assert!(said.contains("sent to the label printer"), "{said}");
    let sheets = pdfs_in(&tray);
    assert_eq!(sheets.len(), 1);
    let pdf = std::fs::read(&sheets[0]).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // An unknown item leaves nothing to print.
    type_into(app, "Code or serial", "NO-SUCH-ITEM");
    search_button();
    assert!(reads(app, "Search message").contains("Nothing found"));
    tap(app, "Print label");
    assert_eq!(pdfs_in(&tray).len(), 1);
}
