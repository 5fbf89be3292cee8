//! Stocktake, destruction and handover driven through the `custody` binary, as a depot
//! officer would at the kiosk's terminal. Refusals are checked for their message and exit
//! code, and for leaving the ledger as it was (events and projection digests).

use std::process::Command;

mod common;
use common::{
    execute_args, new_batch, ok, record_destruction, refused, run, state, text,
    verified_and_rebuildable, word_after, Site, BIN,
};

/// Three rifles with serials like N1, N2, N3.
fn depot(name: &str, serial_prefix: &str) -> Site {
    common::depot(
        name,
        (1..=3).map(|i| format!("{serial_prefix}{i}")).collect(),
    )
}

#[test]
fn an_officer_counts_vault_a_and_an_inspector_settles_every_discrepancy_before_both_sign() {
    let s = depot("Depot North", "N");
    let db = &s.db;
    let w = &s.weapons;
    let out = ok(run(
        db,
        &["--as", "OFF", "stocktake", "open", "--location", "Vault A"],
        "375298",
        None,
    ));
    let st = word_after(&out, "Stocktake ");
    // Scans as they come: one rifle twice, one unknown label; the third rifle is not there.
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "stocktake",
            "scan",
            &st,
            &w[0],
            &w[0],
            &w[1],
            "LOOSE-LABEL-7",
        ],
        "375298",
        None,
    ));
    assert!(out.contains("counted again"), "{out}");
    assert!(out.contains("UNKNOWN code"), "{out}");
    assert!(!out.contains(&w[2]), "the count is blind: {out}");
    let status = ok(run(db, &["stocktake", "status", &st], "", None));
    assert!(status.contains("4 scans, 3 distinct codes"), "{status}");
    // The counter may not see the expected list.
    refused(
        db,
        &["--as", "OFF", "stocktake", "reconcile", &st],
        "375298",
        None,
        "needs the role inspector or administrator",
    );
    refused(
        db,
        &["--as", "OFF", "stocktake", "close", &st, "--witness", "INS"],
        "375298",
        Some("375298"),
        "3 unresolved discrepancies",
    );
    let report = ok(run(
        db,
        &["--as", "INS", "stocktake", "reconcile", &st],
        "375298",
        None,
    ));
    for key in [
        format!("missing:{}", w[2]),
        format!("duplicate:{}", w[0]),
        "unknown:LOOSE-LABEL-7".into(),
    ] {
        assert!(report.contains(&key), "{key} not in {report}");
    }
    for (key, resolution, reference) in [
        (
            format!("missing:{}", w[2]),
            "reported_lost",
            "Police report 88/2026",
        ),
        (
            format!("duplicate:{}", w[0]),
            "data_error_corrected",
            "scanned twice by mistake",
        ),
        (
            "unknown:LOOSE-LABEL-7".to_string(),
            "data_error_corrected",
            "label from packaging",
        ),
    ] {
        ok(run(
            db,
            &[
                "--as",
                "INS",
                "stocktake",
                "resolve",
                &st,
                "--discrepancy",
                &key,
                "--resolution",
                resolution,
                "--reference",
                reference,
            ],
            "375298",
            None,
        ));
    }
    refused(
        db,
        &["--as", "OFF", "stocktake", "close", &st, "--witness", "OFF"],
        "375298",
        Some("375298"),
        "co-signer must be someone else",
    );
    let closed = ok(run(
        db,
        &["--as", "OFF", "stocktake", "close", &st, "--witness", "INS"],
        "375298",
        Some("375298"),
    ));
    assert!(
        closed.contains("expected 3, found 2, missing 1"),
        "{closed}"
    );
    assert!(ok(run(db, &["stocktake", "list"], "", None)).contains("closed"));
    verified_and_rebuildable(db);
}

#[test]
fn a_commission_destroys_a_batch_and_a_later_scan_of_a_destroyed_rifle_raises_the_alarm() {
    let s = depot("Depot South", "S");
    let db = &s.db;
    let w = &s.weapons;
    refused(
        db,
        &[
            "--as",
            "INS",
            "destruction",
            "create",
            "--authority",
            "MoI",
            "--decision",
            "D-1",
        ],
        "375298",
        None,
        "needs the role officer or custodian or administrator",
    );
    let batch = new_batch(db, "Ministry of Interior", "DEC-2026/7");
    let list = db.with_file_name("batch.txt");
    std::fs::write(&list, format!("{}\n{}\n", w[0], w[1])).unwrap();
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "add",
            &batch,
            "--file",
            list.to_str().unwrap(),
        ],
        "375298",
        None,
    ));
    refused(
        db,
        &execute_args(&batch),
        "375298",
        Some("375298,375298"),
        "not frozen yet",
    );
    let frozen = ok(run(
        db,
        &["--as", "OFF", "destruction", "freeze", &batch],
        "375298",
        None,
    ));
    assert!(frozen.contains("2 items, digest"), "{frozen}");
    refused(
        db,
        &[
            "--as",
            "INS",
            "destruction",
            "recount",
            &batch,
            &w[0],
            &w[2],
        ],
        "375298",
        None,
        "does not match the frozen list: 1 missing",
    );
    ok(run(
        db,
        &[
            "--as",
            "INS",
            "destruction",
            "recount",
            &batch,
            &w[1],
            &w[0],
        ],
        "375298",
        None,
    ));
    let photo = db.with_file_name("photo.jpg");
    std::fs::write(&photo, b"not really a jpeg").unwrap();
    record_destruction(
        db,
        &batch,
        "crushing",
        "Press P-90",
        "Zenica steel plant",
        &["--scrap-weight", "7,5", "--photo", photo.to_str().unwrap()],
    );
    refused(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "execute",
            &batch,
            "--witness",
            "INS",
        ],
        "375298",
        Some("375298"),
        "at least 2 witnesses",
    );
    refused(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "execute",
            &batch,
            "--witness",
            "INS",
            "--witness",
            "OFF",
        ],
        "375298",
        Some("375298,375298"),
        "cannot also witness it",
    );
    let done = ok(run(
        db,
        &execute_args(&batch),
        "375298",
        Some("375298,375298"),
    ));
    assert!(
        done.contains("DESTROYED") && done.contains("signed checkpoint"),
        "{done}"
    );
    let shown = ok(run(db, &["destruction", "show", &batch], "", None));
    assert!(
        shown.contains("(executed)") && shown.contains("crushing with Press P-90"),
        "{shown}"
    );
    let item = ok(run(db, &["item", "show", &w[0]], "", None));
    assert!(item.contains("status:   destroyed"), "{item}");
    // A destroyed rifle turns up on a shelf and is scanned into a new batch: alarm, nothing recorded.
    let batch2 = new_batch(db, "MoI", "DEC-2026/8");
    refused(
        db,
        &["--as", "OFF", "destruction", "add", &batch2, &w[0]],
        "375298",
        None,
        "ALARM",
    );
    verified_and_rebuildable(db);
}

#[test]
fn two_depots_exchange_a_signed_bundle_and_a_receipt_by_usb_stick() {
    let a = depot("Depot Alpha", "A");
    let b = depot("Depot Bravo", "B");
    let usb = tempfile::tempdir().unwrap();
    let file = |n: &str| usb.path().join(n).to_str().unwrap().to_string();
    let out = ok(run(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "dispatch",
            "--sender",
            "Depot Alpha, O. Officer",
            "--receiver",
            "Depot Bravo, duty officer",
            "--legal-basis",
            "Order 12/2026",
            "--transport",
            "Van BG-001",
            "--container",
            "C-1",
            "--seal",
            "S-77,S-78",
            &a.weapons[0],
            &a.weapons[1],
            &a.weapons[2],
        ],
        "375298",
        None,
    ));
    let manifest = word_after(&out, "Handover ");
    // The bundle is addressed to Bravo, so Alpha trusts Bravo's key first.
    ok(run(
        &b.db,
        &["keys", "export", "-o", &file("bravo.pub")],
        "",
        None,
    ));
    ok(run(
        &a.db,
        &[
            "--as",
            "ADM",
            "keys",
            "trust",
            &file("bravo.pub"),
            "--name",
            "Bravo",
        ],
        "731904",
        None,
    ));
    ok(run(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "export",
            &manifest,
            "--to",
            "Bravo",
            "-o",
            &file("bundle.cust"),
        ],
        "375298",
        None,
    ));
    // Bravo does not trust Alpha yet.
    refused(
        &b.db,
        &["--as", "OFF", "handover", "import", &file("bundle.cust")],
        "375298",
        None,
        "does not trust",
    );
    ok(run(
        &a.db,
        &["keys", "export", "-o", &file("alpha.pub")],
        "",
        None,
    ));
    refused(
        &b.db,
        &["--as", "OFF", "keys", "trust", &file("alpha.pub")],
        "375298",
        None,
        "needs the role administrator",
    );
    ok(run(
        &b.db,
        &["--as", "ADM", "keys", "trust", &file("alpha.pub")],
        "731904",
        None,
    ));
    assert!(ok(run(&b.db, &["keys", "list"], "", None)).contains("Depot Alpha"));
    // A bundle with one byte changed on the way.
    let mut bytes = std::fs::read(file("bundle.cust")).unwrap();
    let at = bytes.windows(5).position(|w| w == b"Order").unwrap();
    bytes[at] = b'0';
    std::fs::write(file("tampered.cust"), &bytes).unwrap();
    refused(
        &b.db,
        &["--as", "OFF", "handover", "import", &file("tampered.cust")],
        "375298",
        None,
        "signature does not match",
    );
    let out = ok(run(
        &b.db,
        &["--as", "OFF", "handover", "import", &file("bundle.cust")],
        "375298",
        None,
    ));
    assert!(out.contains("3 items expected"), "{out}");
    refused(
        &b.db,
        &["--as", "OFF", "handover", "import", &file("bundle.cust")],
        "375298",
        None,
        "already imported",
    );
    // Two rifles arrive; the third does not.
    let out = ok(run(
        &b.db,
        &[
            "--as",
            "OFF",
            "handover",
            "receive",
            &manifest,
            &a.weapons[0],
            &a.weapons[1],
        ],
        "375298",
        None,
    ));
    assert!(out.contains("[2 of 3 counted]"), "{out}");
    let out = ok(run(
        &b.db,
        &[
            "--as",
            "OFF",
            "handover",
            "close",
            &manifest,
            "--location",
            "Vault B",
            "--witness",
            "INS",
        ],
        "375298",
        Some("375298"),
    ));
    assert!(out.contains("2 received, 1 missing, 0 extra"), "{out}");
    assert!(out.contains(&format!("missing: {}", a.weapons[2])), "{out}");
    let arrived = ok(run(&b.db, &["item", "show", &a.weapons[0]], "", None));
    assert!(
        arrived.contains("status:   in_store") && arrived.contains("Vault B"),
        "{arrived}"
    );
    ok(run(
        &b.db,
        &[
            "--as",
            "OFF",
            "handover",
            "receipt",
            &manifest,
            "-o",
            &file("receipt.cust"),
        ],
        "375298",
        None,
    ));
    let out = ok(run(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "import-receipt",
            &file("receipt.cust"),
        ],
        "375298",
        None,
    ));
    assert!(out.contains("receipted"), "{out}");
    refused(
        &a.db,
        &[
            "--as",
            "OFF",
            "handover",
            "import-receipt",
            &file("receipt.cust"),
        ],
        "375298",
        None,
        "already imported",
    );
    let gone = ok(run(&a.db, &["item", "show", &a.weapons[0]], "", None));
    assert!(gone.contains("status:   transferred_out"), "{gone}");
    let lost = ok(run(&a.db, &["item", "show", &a.weapons[2]], "", None));
    assert!(lost.contains("status:   in_transit"), "{lost}");
    verified_and_rebuildable(&a.db);
    verified_and_rebuildable(&b.db);
}

#[test]
fn an_administrator_deactivates_a_departed_officer_whose_badge_then_fails() {
    let s = depot("Depot East", "E");
    refused(
        &s.db,
        &["--as", "OFF", "user", "deactivate", "INS"],
        "375298",
        None,
        "needs the role administrator",
    );
    ok(run(
        &s.db,
        &["--as", "ADM", "user", "deactivate", "OFF"],
        "731904",
        None,
    ));
    // The refused login is itself recorded (as a failed login), and nothing else is.
    let (events, _) = state(&s.db);
    let o = run(
        &s.db,
        &["--as", "OFF", "location", "add", "--name", "Vault C"],
        "375298",
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("deactivated person"), "{}", text(&o));
    assert_eq!(state(&s.db).0, events);
    assert!(ok(run(&s.db, &["user", "list"], "", None)).contains("inactive"));
}

#[test]
fn every_workflow_command_explains_itself() {
    for (args, needle) in [
        (vec!["stocktake", "--help"], "blind count"),
        (vec!["stocktake", "close", "--help"], "types their own PIN"),
        (
            vec!["destruction", "execute", "--help"],
            "at least two witnesses",
        ),
        (vec!["destruction", "add", "--help"], "legal hold"),
        (vec!["handover", "import", "--help"], "trusted key"),
        (vec!["keys", "trust", "--help"], "64 hex digits"),
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert!(out.status.success());
        let t = text(&out);
        assert!(t.contains(needle), "{args:?}: '{needle}' not in {t}");
    }
}
