//! Records that can be corrected and cases that can be closed, through the `custody` binary:
//! amendments with a second person, review dates and disposition orders, legal holds, release
//! to the owner with a sealed receipt, destruction batches changed before execution, items lost
//! in transit, and a weapon that goes to a lab and comes back to its old record. Every refusal
//! leaves the ledger as it was; every scenario ends verified and rebuilt identically.

use std::path::Path;
use std::process::Command;

mod common;
use common::{new_batch, ok, refused, run, verified_and_rebuildable, word_after, Site};

const PIN: &str = "375298";
const ADMIN_PIN: &str = "731904";

/// A depot with three rifles (serials `<prefix>1..3`) and an evidence custodian CUS.
fn depot(name: &str, serial_prefix: &str) -> Site {
    let s = common::depot(
        name,
        (1..=3).map(|i| format!("{serial_prefix}{i}")).collect(),
    );
    ok(run(
        &s.db,
        &[
            "--as",
            "ADM",
            "user",
            "add",
            "--name",
            "Cene Custodian",
            "--badge",
            "CUS",
            "--role",
            "custodian",
        ],
        ADMIN_PIN,
        None,
    ));
    s
}

/// The whole log leaves the site as every other log does: `custody verify` and an identical
/// rebuild, the JSON-lines export checked by the independent verifier (docs/tools), and a
/// registry segment that decodes and passes the registry's own checks. Returns the kinds
/// the log holds, so a scenario can show its new kinds went through.
fn audited(db: &Path) -> Vec<String> {
    verified_and_rebuildable(db);
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("events.jsonl");
    ok(run(
        db,
        &[
            "export",
            "events",
            "--format",
            "jsonl",
            "-o",
            export.to_str().unwrap(),
        ],
        "",
        None,
    ));
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/tools/verify_export.py"
    );
    let checked = Command::new("python3")
        .arg(script)
        .arg(&export)
        .output()
        .expect("python3 with the cryptography package is needed for this test");
    assert!(
        checked.status.success() && String::from_utf8_lossy(&checked.stdout).contains("OK:"),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let segment = dir.path().join("segment.bin");
    ok(run(
        db,
        &["sync", "export", "-o", segment.to_str().unwrap()],
        "",
        None,
    ));
    let ledger = custody_core::Ledger::open(db).unwrap();
    let key = custody_core::keys::parse_public_key(&ledger.public_key_hex().unwrap()).unwrap();
    let bytes = std::fs::read(&segment).unwrap();
    let decoded = custody_core::sync::decode_segment(&bytes, 1_000_000).unwrap();
    custody_core::sync::check_segment(&decoded, &key).unwrap();
    let mut kinds: Vec<String> = decoded.events.iter().map(|e| e.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

/// Asserts that each of `kinds` is in the audited log of `db`.
fn audited_with(db: &Path, kinds: &[&str]) {
    let found = audited(db);
    for k in kinds {
        assert!(
            found.iter().any(|f| f == k),
            "{k} not in the log: {found:?}"
        );
    }
}

fn show(db: &Path, item: &str) -> String {
    ok(run(db, &["item", "show", item], "", None))
}

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

/// Registers an exhibit as the custodian; returns its E-code.
fn exhibit(db: &Path, case: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "--as",
        "CUS",
        "evidence",
        "add",
        "--case",
        case,
        "--exhibit",
        "1",
        "--description",
        "Pistol in a sealed bag",
        "--location",
        "Vault A",
    ];
    args.extend_from_slice(extra);
    word_after(&ok(run(db, &args, PIN, None)), "Registered exhibit ")
}

#[test]
fn a_serial_is_corrected_by_two_people_and_a_duplicate_or_a_lone_correction_is_refused() {
    let s = depot("Depot North", "N");
    let db = &s.db;
    let w = &s.weapons;
    // An identity field alone: refused, nothing recorded.
    refused(
        db,
        &[
            "--as",
            "OFF",
            "item",
            "amend",
            &w[0],
            "--set",
            "serial=N9",
            "--reason",
            "typo at intake",
        ],
        PIN,
        None,
        "needs a second person",
    );
    // The new serial is another rifle's: the duplicate check runs again.
    refused(
        db,
        &[
            "--as",
            "OFF",
            "item",
            "amend",
            &w[0],
            "--set",
            "serial=N-2",
            "--reason",
            "typo at intake",
            "--witness",
            "INS",
        ],
        PIN,
        Some(PIN),
        &format!("already registered as {}", w[1]),
    );
    // The same person cannot confirm their own correction.
    refused(
        db,
        &[
            "--as",
            "OFF",
            "item",
            "amend",
            &w[0],
            "--set",
            "serial=N9",
            "--reason",
            "typo",
            "--witness",
            "OFF",
        ],
        PIN,
        Some(PIN),
        "must be someone else",
    );
    refused(
        db,
        &[
            "--as",
            "OFF",
            "item",
            "amend",
            &w[0],
            "--set",
            "colour=red",
            "--reason",
            "x",
        ],
        PIN,
        None,
        "'colour' cannot be amended",
    );
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "item",
            "amend",
            &w[0],
            "--set",
            "serial=N9",
            "--reason",
            "serial misread at intake",
            "--reference",
            "Memo 4/2026",
            "--witness",
            "INS",
        ],
        PIN,
        Some(PIN),
    ));
    assert!(out.contains("amended"), "{out}");
    // A descriptive field needs one person only.
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "item",
            "amend",
            &w[0],
            "--set",
            "model=M70AB2",
            "--reason",
            "model read from the receiver",
        ],
        PIN,
        None,
    ));
    let shown = show(db, &w[0]);
    assert!(shown.contains("serial N9"), "{shown}");
    assert!(shown.contains("Zastava M70AB2"), "{shown}");
    assert!(shown.contains("record amended after intake"), "{shown}");
    assert!(
        shown.contains("amended: serial 'N1' -> 'N9' (serial misread at intake; ref. Memo 4/2026)"),
        "{shown}"
    );
    assert!(
        shown.contains("Oleg Officer + Ivo Inspector"),
        "the second person is on the record: {shown}"
    );
    // The old serial no longer finds the rifle; the new one does.
    assert!(show(db, "N9").contains("Zastava M70AB2"));
    refused(
        db,
        &["item", "show", "N1"],
        "",
        None,
        "no item with code or serial 'N1'",
    );
    // The freed serial can be registered again (for the rifle it really belongs to).
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "weapon",
            "add",
            "--serial",
            "N1",
            "--manufacturer",
            "Zastava",
        ],
        PIN,
        None,
    ));
    // Locations and people are corrected the same way.
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "location",
            "amend",
            "Vault A",
            "--set",
            "name=Vault A1",
            "--set",
            "room=12",
            "--reason",
            "room renumbered",
        ],
        PIN,
        None,
    ));
    refused(
        db,
        &[
            "--as",
            "OFF",
            "location",
            "amend",
            "Vault B",
            "--set",
            "name=vault a1",
            "--reason",
            "x",
        ],
        PIN,
        None,
        "already registered",
    );
    assert!(show(db, &w[1]).contains("location: Vault A1"));
    refused(
        db,
        &[
            "--as",
            "OFF",
            "user",
            "amend",
            "INS",
            "--set",
            "name=Ivo Inspektor",
            "--reason",
            "spelling",
        ],
        PIN,
        None,
        "needs the role administrator",
    );
    ok(run(
        db,
        &[
            "--as",
            "ADM",
            "user",
            "amend",
            "INS",
            "--set",
            "name=Ivo Inspektor",
            "--set",
            "service_number=SN-77",
            "--reason",
            "spelling on the ID card",
        ],
        ADMIN_PIN,
        None,
    ));
    let users = ok(run(db, &["--as", "ADM", "user", "list"], ADMIN_PIN, None));
    assert!(users.contains("Ivo Inspektor"), "{users}");
    audited_with(db, &["item.amend", "location.amend", "person.amend"]);
}

#[test]
fn a_review_date_comes_a_court_orders_release_and_the_owner_signs_a_sealed_receipt() {
    let s = depot("Evidence Room Nis", "E");
    let db = &s.db;
    refused(
        db,
        &["--as", "CUS", "evidence", "review-default", "other", "30"],
        PIN,
        None,
        "needs the role administrator",
    );
    ok(run(
        db,
        &["--as", "ADM", "evidence", "review-default", "other", "30"],
        ADMIN_PIN,
        None,
    ));
    ok(run(
        db,
        &["--as", "ADM", "evidence", "release-witness", "required"],
        ADMIN_PIN,
        None,
    ));
    let e = exhibit(db, "KT-311/2026", &[]);
    let review = day(30);
    assert!(show(db, &e).contains(&format!("review:   {review}")));
    // A case's review date: the prosecutor keeps both exhibits of another case a year longer.
    let kept = [
        exhibit(db, "KT-400/2026", &[]),
        exhibit(db, "KT-400/2026", &["--review-date", &day(10)]),
    ];
    let later = day(365);
    let out = ok(run(
        db,
        &[
            "--as",
            "CUS",
            "evidence",
            "dispose",
            "--case",
            "KT-400/2026",
            "--decision",
            "keep_until",
            "--until",
            &later,
            "--authority-kind",
            "prosecutor",
            "--authority",
            "Basic Prosecutor Nis",
            "--order",
            "KTR-40/2026",
        ],
        PIN,
        None,
    ));
    assert!(out.contains("case KT-400/2026 (2 exhibits)"), "{out}");
    for k in &kept {
        assert!(show(db, k).contains(&format!("review:   {later}")), "{k}");
    }
    refused(
        db,
        &[
            "--as",
            "CUS",
            "evidence",
            "dispose",
            "--case",
            "KT-999/2026",
            "--decision",
            "retain_permanently",
            "--authority-kind",
            "court",
            "--authority",
            "Court",
            "--order",
            "K-9",
        ],
        PIN,
        None,
        "no exhibit of case 'KT-999/2026'",
    );
    // The exhibit is not due the day before its review date, and is on the list that day.
    let before = ok(run(db, &["evidence", "due", "--on", &day(29)], "", None));
    assert!(!before.contains(&e), "{before}");
    let due = ok(run(db, &["evidence", "due", "--on", &review], "", None));
    assert!(due.contains(&e) && due.contains("KT-311/2026"), "{due}");
    // The case number was mistyped: an identity field, corrected by two people.
    refused(
        db,
        &[
            "--as",
            "CUS",
            "item",
            "amend",
            &e,
            "--set",
            "case_number=KT-311/2025",
            "--reason",
            "typo",
        ],
        PIN,
        None,
        "needs a second person",
    );
    ok(run(
        db,
        &[
            "--as",
            "CUS",
            "item",
            "amend",
            &e,
            "--set",
            "case_number=KT-311/2025",
            "--reason",
            "year mistyped",
            "--witness",
            "INS",
        ],
        PIN,
        Some(PIN),
    ));
    let release = |witness: Option<&str>, out: &str| {
        let mut args = vec![
            "--as",
            "CUS",
            "evidence",
            "release",
            e.as_str(),
            "--owner",
            "Petar Petrović",
            "--id-type",
            "national_id",
            "--id-number",
            "009876543",
            "-o",
            out,
        ];
        if let Some(w) = witness {
            args.extend(["--witness", w]);
        }
        args.iter().map(|a| a.to_string()).collect::<Vec<String>>()
    };
    let receipt = s.file("receipt.pdf");
    let receipt = receipt.to_str().unwrap();
    let args = release(Some("INS"), receipt);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // No order to release it yet.
    refused(db, &args, PIN, Some(PIN), "no recorded order to release it");
    let order = [
        "--authority-kind",
        "court",
        "--authority",
        "Basic Court Nis",
        "--order",
        "K-123/2026",
    ];
    let mut dispose = vec![
        "--as",
        "CUS",
        "evidence",
        "dispose",
        &e,
        "--decision",
        "release_to_owner",
    ];
    dispose.extend(order);
    ok(run(db, &dispose, PIN, None));
    // Decided: off the review list.
    let due = ok(run(db, &["evidence", "due", "--on", &review], "", None));
    assert!(!due.contains(&e), "{due}");
    // The site requires a witness at every release.
    let alone = release(None, receipt);
    let alone: Vec<&str> = alone.iter().map(String::as_str).collect();
    refused(db, &alone, PIN, None, "needs a second person");
    let mut bad_id = args.clone();
    let at = bad_id.iter().position(|a| *a == "009876543").unwrap();
    bad_id[at] = "12";
    refused(
        db,
        &bad_id,
        PIN,
        Some(PIN),
        "identity document number '12' is not valid",
    );
    // The receipt cannot be written (no such folder): the release stands and says how to get
    // the receipt; it is issued again from the ledger.
    let nowhere = s.file("no-such-folder/receipt.pdf");
    let mut to_nowhere = args.clone();
    let at = to_nowhere.iter().position(|a| *a == receipt).unwrap();
    to_nowhere[at] = nowhere.to_str().unwrap();
    let out = run(db, &to_nowhere, PIN, Some(PIN));
    let said = common::text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("RELEASED to Petar Petrović"), "{said}");
    assert!(said.contains("custody report release-receipt"), "{said}");
    assert!(show(db, &e).contains("status:   released"));
    ok(run(
        db,
        &[
            "--as",
            "CUS",
            "report",
            "release-receipt",
            &e,
            "-o",
            receipt,
        ],
        PIN,
        None,
    ));
    // The receipt: the owner's document number, the order, the corrected case number and
    // the note that the record was amended.
    let text = Command::new("pdftotext")
        .args(["-layout", receipt, "-"])
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "009876543",
        "Petar Petrović",
        "K-123/2026",
        "Basic Court Nis",
        "KT-311/2025",
        "was amended after intake",
        "Ivo Inspector",
    ] {
        assert!(
            text.contains(needle),
            "'{needle}' not on the receipt:\n{text}"
        );
    }
    let checked = ok(run(db, &["verify-document", receipt], "", None));
    assert!(checked.contains("VERIFIED"), "{checked}");
    assert!(checked.contains("release receipt"), "{checked}");
    // A released exhibit scanned afterwards raises the alarm, as a destroyed one does.
    let batch = word_after(
        &ok(run(
            db,
            &[
                "--as",
                "CUS",
                "destruction",
                "create",
                "--authority",
                "MoI",
                "--decision",
                "D-2/2026",
            ],
            PIN,
            None,
        )),
        "Destruction batch ",
    );
    refused(
        db,
        &["--as", "CUS", "destruction", "add", &batch, &e],
        PIN,
        None,
        "ALARM: item",
    );
    let moved = run(
        db,
        &["--as", "CUS", "move", "--to", "Vault B", &e],
        PIN,
        None,
    );
    assert!(
        common::text(&moved).contains("ALARM"),
        "{}",
        common::text(&moved)
    );
    let st = word_after(
        &ok(run(db, &["--as", "OFF", "stocktake", "open"], PIN, None)),
        "Stocktake ",
    );
    let scan = ok(run(
        db,
        &["--as", "OFF", "stocktake", "scan", &st, &e],
        PIN,
        None,
    ));
    assert!(scan.contains("ALARM"), "{scan}");
    audited_with(
        db,
        &[
            "site.setting",
            "item.amend",
            "evidence.disposition",
            "evidence.release",
            "document.issued",
        ],
    );
}

#[test]
fn a_legal_hold_is_lifted_only_on_a_prosecutors_or_courts_order_then_destruction_may_proceed() {
    let s = depot("Evidence Room Kraljevo", "K");
    let db = &s.db;
    let e = exhibit(
        db,
        "KT-9/2026",
        &["--legal-hold", "--category", "ammunition"],
    );
    let batch = word_after(
        &ok(run(
            db,
            &[
                "--as",
                "CUS",
                "destruction",
                "create",
                "--authority",
                "Ministry of Interior",
                "--decision",
                "D-55/2026",
            ],
            PIN,
            None,
        )),
        "Destruction batch ",
    );
    refused(
        db,
        &["--as", "CUS", "destruction", "add", &batch, &e],
        PIN,
        None,
        "on legal hold",
    );
    let lift = |kind: &str| -> Vec<String> {
        [
            "--as",
            "CUS",
            "evidence",
            "hold-lift",
            &e,
            "--authority-kind",
            kind,
            "--authority",
            "Higher Prosecutor Kraljevo",
            "--order",
            "KTR-7/2026",
        ]
        .map(String::from)
        .to_vec()
    };
    let by_officer = lift("case_officer");
    let by_officer: Vec<&str> = by_officer.iter().map(String::as_str).collect();
    refused(
        db,
        &by_officer,
        PIN,
        None,
        "lifted only on the order of a prosecutor or a court",
    );
    // A destroy decision is refused while the hold stands.
    refused(
        db,
        &[
            "--as",
            "CUS",
            "evidence",
            "dispose",
            &e,
            "--decision",
            "destroy",
            "--authority-kind",
            "court",
            "--authority",
            "Basic Court",
            "--order",
            "K-1",
        ],
        PIN,
        None,
        "is on legal hold",
    );
    let by_prosecutor = lift("prosecutor");
    let by_prosecutor: Vec<&str> = by_prosecutor.iter().map(String::as_str).collect();
    ok(run(db, &by_prosecutor, PIN, None));
    refused(db, &by_prosecutor, PIN, None, "is not on legal hold");
    // No disposal authority yet: the destroy order supplies it.
    refused(
        db,
        &["--as", "CUS", "destruction", "add", &batch, &e],
        PIN,
        None,
        "no disposal authority",
    );
    ok(run(
        db,
        &[
            "--as",
            "CUS",
            "evidence",
            "dispose",
            &e,
            "--decision",
            "destroy",
            "--authority-kind",
            "court",
            "--authority",
            "Basic Court Kraljevo",
            "--order",
            "K-88/2026",
        ],
        PIN,
        None,
    ));
    ok(run(
        db,
        &["--as", "CUS", "destruction", "add", &batch, &e],
        PIN,
        None,
    ));
    let frozen = ok(run(
        db,
        &["--as", "CUS", "destruction", "freeze", &batch],
        PIN,
        None,
    ));
    assert!(frozen.contains("1 items"), "{frozen}");
    assert!(show(db, &e).contains("status:   awaiting_destruction"));
    let history = show(db, &e);
    assert!(
        history.contains(
            "legal hold lifted on the order of prosecutor Higher Prosecutor Kraljevo (KTR-7/2026)"
        ),
        "{history}"
    );
    audited_with(
        db,
        &[
            "evidence.hold",
            "evidence.disposition",
            "destruction.freeze",
        ],
    );
}

#[test]
fn an_item_is_taken_off_a_batch_and_a_batch_is_cancelled_before_execution() {
    let s = depot("Depot South", "S");
    let db = &s.db;
    let w = &s.weapons;
    let create = || new_batch(db, "MoI", "D-1/2026");
    let batch = create();
    ok(run(
        db,
        &["--as", "OFF", "destruction", "add", &batch, &w[0], &w[1]],
        PIN,
        None,
    ));
    refused(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "remove",
            &batch,
            &w[2],
            "--reason",
            "x",
        ],
        PIN,
        None,
        "is not in destruction batch",
    );
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "remove",
            &batch,
            &w[1],
            "--reason",
            "needed as evidence in case 12/2026",
        ],
        PIN,
        None,
    ));
    let shown = ok(run(db, &["destruction", "show", &batch], "", None));
    assert!(shown.contains(&w[0]) && !shown.contains(&w[1]), "{shown}");
    // w1 is free again: it can go into another batch.
    let other = create();
    ok(run(
        db,
        &["--as", "OFF", "destruction", "add", &other, &w[1]],
        PIN,
        None,
    ));
    ok(run(
        db,
        &["--as", "OFF", "destruction", "freeze", &batch],
        PIN,
        None,
    ));
    assert!(show(db, &w[0]).contains("status:   awaiting_destruction"));
    refused(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "remove",
            &batch,
            &w[0],
            "--reason",
            "late doubt",
        ],
        PIN,
        None,
        "is frozen",
    );
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "unfreeze",
            &batch,
            "--reason",
            "list to be checked by the commission again",
        ],
        PIN,
        None,
    ));
    assert!(show(db, &w[0]).contains("status:   in_store"));
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "cancel",
            &batch,
            "--reason",
            "decision D-1/2026 withdrawn",
        ],
        PIN,
        None,
    ));
    let shown = ok(run(db, &["destruction", "show", &batch], "", None));
    assert!(shown.contains("(cancelled)"), "{shown}");
    refused(
        db,
        &["--as", "OFF", "destruction", "add", &batch, &w[2]],
        PIN,
        None,
        "was cancelled",
    );
    refused(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "cancel",
            &batch,
            "--reason",
            "again",
        ],
        PIN,
        None,
        "was cancelled",
    );
    // Its rifle is free for another batch, and its history tells the story.
    ok(run(
        db,
        &["--as", "OFF", "destruction", "add", &other, &w[0]],
        PIN,
        None,
    ));
    let history = show(db, &w[0]);
    for needle in [
        "destruction batch unfrozen: list to be checked",
        "destruction batch cancelled: decision D-1/2026 withdrawn",
    ] {
        assert!(history.contains(needle), "{needle} not in {history}");
    }
    assert!(show(db, &w[1]).contains("removed from destruction batch: needed as evidence"));
    audited_with(
        db,
        &[
            "destruction.remove",
            "destruction.unfreeze",
            "destruction.cancel",
        ],
    );
}

/// Two sites that trust each other's keys; bundles and receipts go through `usb`.
struct Pair {
    a: Site,
    b: Site,
    usb: tempfile::TempDir,
}

impl Pair {
    fn new(a: Site, b: Site, a_name: &str, b_name: &str) -> Pair {
        let usb = tempfile::tempdir().unwrap();
        let pair = Pair { a, b, usb };
        for (from, to, name) in [(&pair.a, &pair.b, a_name), (&pair.b, &pair.a, b_name)] {
            let key = pair.file(&format!("{name}.pub"));
            ok(run(&from.db, &["keys", "export", "-o", &key], "", None));
            ok(run(
                &to.db,
                &["--as", "ADM", "keys", "trust", &key, "--name", name],
                ADMIN_PIN,
                None,
            ));
        }
        pair
    }

    fn file(&self, name: &str) -> String {
        self.usb.path().join(name).to_str().unwrap().to_string()
    }

    /// Dispatches `items` from `from` to `to` (named `to_name` there), counts `arrived` at
    /// the receiver, signs, and brings the receipt back. Returns the manifest code.
    fn hand_over(
        &self,
        from: &Site,
        to: &Site,
        to_name: &str,
        items: &[&str],
        arrived: &[&str],
    ) -> String {
        let mut args = vec![
            "--as",
            "OFF",
            "handover",
            "dispatch",
            "--sender",
            "sender",
            "--receiver",
            "receiver",
            "--legal-basis",
            "Order 5/2026",
            "--transport",
            "Van",
        ];
        args.extend_from_slice(items);
        let manifest = word_after(&ok(run(&from.db, &args, PIN, None)), "Handover ");
        let bundle = self.file(&format!("{manifest}.cust"));
        ok(run(
            &from.db,
            &[
                "--as", "OFF", "handover", "export", &manifest, "--to", to_name, "-o", &bundle,
            ],
            PIN,
            None,
        ));
        ok(run(
            &to.db,
            &["--as", "OFF", "handover", "import", &bundle],
            PIN,
            None,
        ));
        let mut receive = vec!["--as", "OFF", "handover", "receive", manifest.as_str()];
        receive.extend_from_slice(arrived);
        ok(run(&to.db, &receive, PIN, None));
        ok(run(
            &to.db,
            &[
                "--as",
                "OFF",
                "handover",
                "close",
                &manifest,
                "--location",
                "Vault B",
            ],
            PIN,
            None,
        ));
        let receipt = self.file(&format!("{manifest}.receipt"));
        ok(run(
            &to.db,
            &[
                "--as", "OFF", "handover", "receipt", &manifest, "-o", &receipt,
            ],
            PIN,
            None,
        ));
        ok(run(
            &from.db,
            &["--as", "OFF", "handover", "import-receipt", &receipt],
            PIN,
            None,
        ));
        manifest
    }
}

#[test]
fn an_item_missing_on_arrival_is_settled_as_lost_in_transit_with_a_co_signer() {
    let p = Pair::new(
        depot("Depot Alpha", "A"),
        depot("Depot Bravo", "B"),
        "Alpha",
        "Bravo",
    );
    let (a, w) = (&p.a, &p.a.weapons);
    let manifest = p.hand_over(a, &p.b, "Bravo", &[&w[0], &w[1]], &[&w[0]]);
    assert!(show(&a.db, &w[1]).contains("status:   in_transit"));
    refused(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "settle",
            &manifest,
            &w[0],
            "--reference",
            "Loss report 3/2026",
            "--witness",
            "INS",
        ],
        PIN,
        Some(PIN),
        "was not reported missing on arrival",
    );
    refused(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "settle",
            &manifest,
            "--reference",
            "Loss report 3/2026",
            "--witness",
            "OFF",
        ],
        PIN,
        Some(PIN),
        "co-signer of a settlement must be someone else",
    );
    let out = ok(run(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "settle",
            &manifest,
            &w[1],
            "--reference",
            "Loss report 3/2026",
            "--witness",
            "INS",
        ],
        PIN,
        Some(PIN),
    ));
    assert!(out.contains("LOST IN TRANSIT"), "{out}");
    let shown = show(&a.db, &w[1]);
    assert!(shown.contains("status:   lost_in_transit"), "{shown}");
    assert!(
        shown.contains("settled as lost in transit (Loss report 3/2026)"),
        "{shown}"
    );
    refused(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "settle",
            &manifest,
            "--reference",
            "again",
            "--witness",
            "INS",
        ],
        PIN,
        Some(PIN),
        "no item left to settle",
    );
    // The disposition report counts the loss and the transfer against the intake.
    let report = a.file("disposition.csv");
    ok(run(
        &a.db,
        &[
            "--as",
            "INS",
            "report",
            "disposition",
            "--from",
            &day(-1),
            "--to",
            &day(0),
            "--format",
            "csv",
            "-o",
            report.to_str().unwrap(),
        ],
        PIN,
        None,
    ));
    let csv = std::fs::read_to_string(&report).unwrap();
    // Three rifles in, one transferred out and one lost: 2 of 3 disposed.
    assert!(csv.contains("weapon,3,0,0,1,1,2,0.67"), "{csv}");
    let pdf = a.file("disposition.pdf");
    ok(run(
        &a.db,
        &[
            "--as",
            "INS",
            "report",
            "disposition",
            "--from",
            &day(-1),
            "--to",
            &day(0),
            "-o",
            pdf.to_str().unwrap(),
        ],
        PIN,
        None,
    ));
    let checked = ok(run(
        &a.db,
        &["verify-document", pdf.to_str().unwrap()],
        "",
        None,
    ));
    assert!(checked.contains("VERIFIED"), "{checked}");
    audited_with(&a.db, &["handover.settle", "document.issued"]);
    audited(&p.b.db);
}

#[test]
fn a_weapon_goes_to_the_lab_and_comes_back_to_its_own_record_with_its_whole_history() {
    let p = Pair::new(
        depot("Central Depot", "C"),
        depot("Forensic Lab", "L"),
        "Depot",
        "Lab",
    );
    let (depot_site, lab) = (&p.a, &p.b);
    let rifle = depot_site.weapons[0].clone();
    // The serial was corrected before it left: the bundle carries the corrected record.
    ok(run(
        &depot_site.db,
        &[
            "--as",
            "OFF",
            "item",
            "amend",
            &rifle,
            "--set",
            "serial=C1X",
            "--reason",
            "suffix missed at intake",
            "--witness",
            "INS",
        ],
        PIN,
        Some(PIN),
    ));
    let out_manifest = p.hand_over(depot_site, lab, "Lab", &[&rifle], &[&rifle]);
    assert!(show(&depot_site.db, &rifle).contains("status:   transferred_out"));
    // The manifest prints the current serial and says which record was amended.
    let pdf = depot_site.file("manifest.pdf");
    ok(run(
        &depot_site.db,
        &[
            "--as",
            "OFF",
            "report",
            "manifest",
            &out_manifest,
            "-o",
            pdf.to_str().unwrap(),
        ],
        PIN,
        None,
    ));
    let text = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout).replace('\n', " ");
    assert!(text.contains("C1X"), "{text}");
    assert!(
        text.contains(&format!("lists every amendment): {rifle}")),
        "{text}"
    );
    let at_lab = show(&lab.db, &rifle);
    assert!(
        at_lab.contains("status:   in_store") && at_lab.contains("serial C1X"),
        "{at_lab}"
    );
    // The lab sends it back; the depot knows the code and continues its record.
    p.hand_over(lab, depot_site, "Depot", &[&rifle], &[&rifle]);
    assert!(show(&lab.db, &rifle).contains("status:   transferred_out"));
    let json = ok(run(
        &depot_site.db,
        &["item", "show", &rifle, "--json"],
        "",
        None,
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["item"]["status"], "in_store");
    assert_eq!(v["item"]["serial"], "C1X");
    let kinds: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "item.register_weapon",
            "item.amend",
            "handover.dispatch",
            "handover.receipt",
            "item.return",
            "handover.accept"
        ],
        "{json}"
    );
    // One record: the depot holds exactly one item with that code and that serial.
    let items = ok(run(
        &depot_site.db,
        &["export", "items", "--format", "csv"],
        "",
        None,
    ));
    assert_eq!(items.matches(&rifle).count(), 1, "{items}");
    // Back in store, it can be moved and handled like any other.
    ok(run(
        &depot_site.db,
        &["--as", "OFF", "move", "--to", "Vault A", &rifle],
        PIN,
        None,
    ));
    audited_with(&depot_site.db, &["item.return", "item.amend"]);
    audited(&lab.db);
}
