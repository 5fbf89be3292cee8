//! `custody ammo` through the binary: three lots received, split, issued, returned, expended,
//! inspected and shown; verify OK; refusals leave the ledger as it was; a tampered stock row is
//! named by verify with its lot; storage limits set by an administrator, a split over the
//! licence refused saying by how much, and `ammo stores --json` against figures worked by hand.

mod common;

use common::{depot, ok, refused, run, text, verified_and_rebuildable, word_after};

const OFF: &str = "375298";

fn receive(db: &std::path::Path, lot: &str, calibre: &str, quantity: &str) -> String {
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "ammo",
            "receive",
            "--type",
            "cartridge",
            "--calibre",
            calibre,
            "--manufacturer",
            "PPU",
            "--lot",
            lot,
            "--year",
            "2021",
            "--hazard",
            "1.4S",
            "--neq-kg",
            "0.0016",
            "--per-package",
            "20",
            "--quantity",
            quantity,
            "--location",
            "Vault A",
        ],
        OFF,
        None,
    ));
    word_after(&out, " as ").trim_end_matches(':').to_string()
}

fn ammo_events(db: &std::path::Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        // Sign-ins are events too; the refused operations must add no ammunition event.
        .query_row(
            "SELECT count(*) FROM events WHERE kind LIKE 'ammo.%'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn lots_are_received_moved_issued_and_shown_and_verify_names_a_tampered_row() {
    let s = depot("Ammo Depot", vec![]);
    let db = &s.db;
    let first = receive(db, "21-03", "7.62x39", "1200");
    let second = receive(db, "21-04", "7.62x39", "600");
    let third = receive(db, "19-11", "9x19", "5000");
    assert_eq!(first.len(), 36, "a lot id: {first}");
    assert_ne!(first, second);
    let o = |args: &[&str]| {
        ok(run(
            db,
            &[&["--as", "OFF", "ammo"][..], args].concat(),
            OFF,
            None,
        ))
    };
    o(&[
        "split",
        "21-03",
        "--from",
        "Vault A",
        "--to",
        "Vault B",
        "--quantity",
        "400",
    ]);
    o(&[
        "issue",
        &first,
        "--from",
        "Vault B",
        "--quantity",
        "150",
        "--to",
        "2nd Company",
        "--purpose",
        "range training",
        "--signer",
        "Sgt. Marko Petrović",
    ]);
    o(&[
        "return",
        "21-03",
        "--to",
        "Vault A",
        "--quantity",
        "30",
        "--note",
        "unused",
    ]);
    o(&[
        "expend",
        "21-03",
        "--quantity",
        "100",
        "--reference",
        "Range order 7/26",
    ]);
    o(&[
        "expend",
        &third,
        "--from",
        "Vault A",
        "--quantity",
        "48",
        "--reference",
        "Test 2/26",
    ]);
    ok(run(
        db,
        &[
            "--as",
            "INS",
            "ammo",
            "inspect",
            &second,
            "--condition",
            "unserviceable",
            "--note",
            "corrosion on cases",
        ],
        OFF,
        None,
    ));

    // Refusals: each says why and records nothing.
    let before = ammo_events(db);
    for (args, why) in [
        (
            vec![
                "split",
                "21-03",
                "--from",
                "Vault B",
                "--to",
                "Vault A",
                "--quantity",
                "251",
            ],
            "only 250 at Vault B",
        ),
        (
            vec![
                "issue",
                "21-03",
                "--from",
                "Vault A",
                "--quantity",
                "5",
                "--to",
                "X",
                "--purpose",
                "Y",
            ],
            "signs for it",
        ),
        (
            vec!["return", "21-03", "--to", "Vault A", "--quantity", "21"],
            "only 20 are issued out",
        ),
        (
            vec![
                "split",
                "21-03",
                "--from",
                "Vault A",
                "--to",
                "Vault B",
                "--quantity",
                "-3",
            ],
            "quantity -3 refused",
        ),
        (
            vec![
                "issue",
                "21-04",
                "--from",
                "Vault A",
                "--quantity",
                "5",
                "--to",
                "X",
                "--purpose",
                "Y",
                "--signer",
                "Z",
            ],
            "unserviceable",
        ),
    ] {
        let out = run(
            db,
            &[&["--as", "OFF", "ammo"][..], &args[..]].concat(),
            OFF,
            None,
        );
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(text(&out).contains(why), "{args:?}: {}", text(&out));
    }
    let dup = run(
        db,
        &[
            "--as",
            "OFF",
            "ammo",
            "receive",
            "--type",
            "cartridge",
            "--calibre",
            "7.62 x 39",
            "--manufacturer",
            "ppu",
            "--lot",
            "2103",
            "--hazard",
            "1.4S",
            "--neq-kg",
            "0.0016",
            "--quantity",
            "5",
            "--location",
            "Vault B",
        ],
        OFF,
        None,
    );
    assert!(text(&dup).contains("duplicate lot"), "{}", text(&dup));
    assert!(text(&dup).contains(&first), "{}", text(&dup));
    assert_eq!(ammo_events(db), before);

    // 1200 in A; 400 to B; 150 out of B; 30 back to A; 100 of the 120 out expended.
    let shown = ok(run(db, &["ammo", "show", "21-03"], "", None));
    for line in [
        "at Vault A: 830",
        "at Vault B: 250",
        "in store: 1080",
        "issued out: 20",
        "expended: 100",
        "received: 1200 rounds",
        "hazard 1.4S",
    ] {
        assert!(shown.contains(line), "no '{line}' in {shown}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(run(db, &["ammo", "show", &third, "--json"], "", None))).unwrap();
    assert_eq!(json["in_store"], 4952);
    assert_eq!(json["expended"], 48);
    let list = ok(run(db, &["ammo", "list"], "", None));
    assert!(list.contains("3 lots"), "{list}");
    assert!(list.contains("unserviceable"), "{list}");
    let verified = ok(run(db, &["verify"], "", None));
    assert!(verified.starts_with("OK:"), "{verified}");

    // Someone adds 100 rounds to Vault B's row behind the ledger's back.
    rusqlite::Connection::open(db)
        .unwrap()
        .execute(
            "UPDATE ammo_stock SET quantity = 350 WHERE lot_id = ?1 AND quantity = 250",
            [&first],
        )
        .unwrap();
    let out = run(db, &["verify"], "", None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("ammunition lot 21-03"), "{said}");
    assert!(said.contains("account for 1300 of 1200"), "{said}");
}

const ADM: &str = "731904";

fn split(from: &str, to: &str, quantity: &str) -> Vec<String> {
    [
        "--as",
        "OFF",
        "ammo",
        "split",
        "21-03",
        "--from",
        from,
        "--to",
        to,
        "--quantity",
        quantity,
    ]
    .map(String::from)
    .to_vec()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn store_limits_refuse_a_split_over_the_licence_and_stores_shows_neq_against_it() {
    let s = depot("Ammo Depot", vec![]);
    let db = &s.db;
    // 1200 rounds of 0.0016 kg: 1.92 kg NEQ in Vault A.
    receive(db, "21-03", "7.62x39", "1200");
    let limits = |extra: &[&str], who: &str, pin: &str| {
        run(
            db,
            &[&["--as", who, "location", "limits", "Vault B"][..], extra].concat(),
            pin,
            None,
        )
    };
    refused(
        db,
        &[
            "--as",
            "OFF",
            "location",
            "limits",
            "Vault B",
            "--max-neq",
            "1",
        ],
        OFF,
        None,
        "needs the role administrator",
    );
    let set = ok(limits(
        &["--max-neq", "0.5", "--groups", "s,C,D"],
        "ADM",
        ADM,
    ));
    assert!(
        set.contains("licensed NEQ 0.5 kg, compatibility groups C, D, S"),
        "{set}"
    );
    // 300 × 0.0016 = 0.48 kg; 13 more would add 0.0208, 0.5008 in all: 0.0008 over.
    ok(run(
        db,
        &args(&split("Vault A", "Vault B", "300")),
        OFF,
        None,
    ));
    refused(
        db,
        &args(&split("Vault A", "Vault B", "13")),
        OFF,
        None,
        "Vault B is licensed for 0.5 kg NEQ; it holds 0.48 kg and this would add 0.0208 kg, 0.0008 kg over the licence",
    );
    // Only the groups keep their value when the licence alone is changed; reduced below the
    // stock, it is recorded with a warning.
    let reduced = ok(limits(&["--max-neq", "0.4"], "ADM", ADM));
    assert!(reduced.contains("groups C, D, S"), "{reduced}");
    assert!(
        reduced
            .contains("Warning: it already holds 0.48 kg NEQ, more than the new licence of 0.4 kg"),
        "{reduced}"
    );

    let stores: serde_json::Value =
        serde_json::from_str(&ok(run(db, &["ammo", "stores", "--json"], "", None))).unwrap();
    let (a, b) = (&stores[0], &stores[1]);
    // Vault A: 900 × 0.0016 = 1.44 kg, no licence; Vault B: 0.48 kg against 0.4, 0.08 over.
    assert_eq!(a["location"], "Vault A");
    assert_eq!(a["neq_kg"], "1.44");
    assert_eq!(a["max_neq_kg"], serde_json::Value::Null);
    assert_eq!(a["groups_present"], serde_json::json!(["S"]));
    assert_eq!(b["location"], "Vault B");
    assert_eq!(b["neq_kg"], "0.48");
    assert_eq!(b["max_neq_kg"], "0.4");
    assert_eq!(b["over_licence_kg"], "0.08");
    assert_eq!(b["headroom_kg"], serde_json::Value::Null);
    assert_eq!(b["groups"], serde_json::json!(["C", "D", "S"]));
    let shown = ok(run(db, &["ammo", "stores"], "", None));
    assert!(
        shown.contains("NEQ 0.48 kg of 0.4 kg licensed, OVER by 0.08 kg"),
        "{shown}"
    );
    assert!(shown.contains("NEQ 1.44 kg no licence limit"), "{shown}");

    // Without options the limits are shown, and nothing is recorded.
    let before = common::state(db);
    let shown = ok(run(db, &["location", "limits", "Vault B"], "", None));
    assert!(
        shown.contains("licensed NEQ 0.4 kg, compatibility groups C, D, S"),
        "{shown}"
    );
    assert_eq!(common::state(db), before);
    // An empty group list means any group; the licence stays.
    let any = ok(limits(&["--groups", ""], "ADM", ADM));
    assert!(
        any.contains("licensed NEQ 0.4 kg, compatibility groups any"),
        "{any}"
    );
    ok(limits(&["--clear"], "ADM", ADM));
    let stores: serde_json::Value =
        serde_json::from_str(&ok(run(db, &["ammo", "stores", "--json"], "", None))).unwrap();
    assert_eq!(stores[1]["max_neq_kg"], serde_json::Value::Null);
    assert_eq!(stores[1]["groups"], serde_json::json!([]));
    ok(run(
        db,
        &args(&split("Vault A", "Vault B", "13")),
        OFF,
        None,
    ));
    verified_and_rebuildable(db);
}
