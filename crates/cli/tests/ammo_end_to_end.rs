//! Ammunition from receipt to destruction and handover, through the `custody` binary as a depot
//! would run it: 1,000 lots received from a stock list, one by a maker's GS1 marking, a split,
//! an issue and a return, a count with a discrepancy settled by a co-signed adjustment,
//! 300,000 rounds destroyed across the 1,000 lots before two witnesses with the certificate
//! read back by pdftotext, and lots handed over to a second site with a signed bundle and
//! receipt. Every refusal leaves the ledger as it was.

mod common;

use common::{depot, ok, refused, run, verified_and_rebuildable, word_after};
use std::process::Command;

const OFF: &str = "375298";
const ADM: &str = "731904";
const LOTS: usize = 1_000;

fn lot_number(i: usize) -> String {
    format!("L-{i:04}")
}

fn ammo(db: &std::path::Path, who: &str, args: &[&str], witness: Option<&str>) -> String {
    let pin = if who == "ADM" { ADM } else { OFF };
    ok(run(
        db,
        &[&["--as", who, "ammo"][..], args].concat(),
        pin,
        witness,
    ))
}

fn show(db: &std::path::Path, lot: &str) -> serde_json::Value {
    let out = ok(run(db, &["ammo", "show", lot, "--json"], "", None));
    serde_json::from_str(out.trim_start_matches(|c| c != '{')).unwrap()
}

#[test]
fn a_thousand_lots_are_counted_destroyed_and_handed_over_with_every_refusal_typed() {
    let a = depot("Depot Alpha", vec![]);
    let b = depot("Depot Bravo", vec![]);
    let db = &a.db;
    let file = |name: &str| a.file(name).to_string_lossy().into_owned();

    // 1,000 lots of 400 rounds each from the depot's stock list.
    let mut csv = String::from(
        "type,calibre,manufacturer,lot,year,hazard,neq_kg,per_package,quantity,location\n",
    );
    for i in 0..LOTS {
        csv.push_str(&format!(
            "cartridge,7.62x39,PPU,{},2019,1.4S,0.0016,20,400,Vault A\n",
            lot_number(i)
        ));
    }
    std::fs::write(file("lots.csv"), csv).unwrap();
    let out = ok(run(
        db,
        &["--as", "OFF", "import", "lots", &file("lots.csv")],
        OFF,
        None,
    ));
    assert!(
        out.contains("Imported 1000 of 1000 rows; 0 rejected"),
        "{out}"
    );
    // One more lot received by scanning the maker's GS1 marking: AI 10 gives the lot number,
    // AI 30 the rounds per box.
    let out = ammo(
        db,
        "OFF",
        &[
            "receive",
            "--type",
            "cartridge",
            "--calibre",
            "9x19",
            "--manufacturer",
            "PPU",
            "--hazard",
            "1.4S",
            "--neq-kg",
            "0.00035",
            "--scan",
            "(01)08600123000011(10)P9-2024-07(30)50",
            "--quantity",
            "1000",
            "--location",
            "Vault A",
        ],
        None,
    );
    assert!(out.contains("Received lot P9-2024-07"), "{out}");
    assert_eq!(show(db, "P9-2024-07")["units_per_package"], 50);

    // Split, issue, return.
    ammo(
        db,
        "OFF",
        &[
            "split",
            "L-0000",
            "--from",
            "Vault A",
            "--to",
            "Vault B",
            "--quantity",
            "100",
        ],
        None,
    );
    ammo(
        db,
        "OFF",
        &[
            "issue",
            "L-0001",
            "--from",
            "Vault A",
            "--quantity",
            "50",
            "--to",
            "2nd Company",
            "--purpose",
            "range training",
            "--signer",
            "Sgt. Marko Petrović",
        ],
        None,
    );
    ammo(
        db,
        "OFF",
        &["return", "L-0001", "--to", "Vault A", "--quantity", "20"],
        None,
    );
    let issued = show(db, "L-0001");
    assert_eq!(
        (issued["in_store"].as_u64(), issued["issued_out"].as_u64()),
        (Some(370), Some(30))
    );

    // A count of Vault B: four boxes of 20 and 18 loose, two rounds short of 100.
    let out = ok(run(
        db,
        &["--as", "OFF", "stocktake", "open", "--location", "Vault B"],
        OFF,
        None,
    ));
    let count = word_after(&out, "Stocktake ");
    let package = show(db, "L-0000")["package_code"]
        .as_str()
        .unwrap()
        .to_string();
    let out = ammo(
        db,
        "OFF",
        &[
            "count-scan",
            &count,
            "--at",
            "Vault B",
            &package,
            &package,
            &package,
            &package,
        ],
        None,
    );
    assert!(
        out.contains("4 packages and 0 loose so far (80 in all)"),
        "{out}"
    );
    let out = ammo(
        db,
        "OFF",
        &[
            "count", &count, "L-0000", "--at", "Vault B", "--loose", "18",
        ],
        None,
    );
    assert!(out.contains("98 in all so far"), "{out}");
    refused(
        db,
        &["--as", "OFF", "ammo", "count-lines", &count],
        OFF,
        None,
        "needs the role inspector or administrator",
    );
    let lines = ammo(db, "INS", &["count-lines", &count], None);
    let short: Vec<&str> = lines
        .lines()
        .filter(|l| l.contains("DISCREPANCY"))
        .collect();
    assert_eq!(short.len(), 1, "{lines}");
    let words: Vec<&str> = short[0].split_whitespace().collect();
    assert!(
        words
            .windows(4)
            .any(|w| w == ["expected", "100", "counted", "98"]),
        "{lines}"
    );
    refused(
        db,
        &[
            "--as",
            "OFF",
            "stocktake",
            "close",
            &count,
            "--witness",
            "INS",
        ],
        OFF,
        Some(OFF),
        "1 unresolved discrepancies",
    );
    ammo(
        db,
        "INS",
        &[
            "adjust",
            &count,
            "L-0000",
            "--at",
            "Vault B",
            "--reason",
            "two rounds short in box 3, loss report 17/26",
            "--witness",
            "WIT",
        ],
        Some(OFF),
    );
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "stocktake",
            "close",
            &count,
            "--witness",
            "INS",
        ],
        OFF,
        Some(OFF),
    ));
    let counted = show(db, "L-0000");
    assert_eq!(
        (counted["lost"].as_u64(), counted["in_store"].as_u64()),
        (Some(2), Some(398))
    );

    // The refusals, each typed and each leaving the ledger as it was.
    refused(
        db,
        &[
            "--as",
            "OFF",
            "ammo",
            "split",
            "L-0004",
            "--from",
            "Vault A",
            "--to",
            "Vault B",
            "--quantity",
            "-5",
        ],
        OFF,
        None,
        "quantity -5 refused",
    );
    refused(
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
            "L 0004",
            "--hazard",
            "1.4S",
            "--neq-kg",
            "0.0016",
            "--quantity",
            "10",
            "--location",
            "Vault B",
        ],
        OFF,
        None,
        "lots are never merged",
    );
    ok(run(
        db,
        &[
            "--as",
            "ADM",
            "location",
            "limits",
            "Vault B",
            "--max-neq",
            "0.2",
        ],
        ADM,
        None,
    ));
    refused(
        db,
        &[
            "--as",
            "OFF",
            "ammo",
            "split",
            "L-0004",
            "--from",
            "Vault A",
            "--to",
            "Vault B",
            "--quantity",
            "30",
        ],
        OFF,
        None,
        "0.0048 kg over the licence",
    );
    ok(run(
        db,
        &["--as", "OFF", "location", "add", "--name", "Magazine C"],
        OFF,
        None,
    ));
    ammo(
        db,
        "OFF",
        &[
            "receive",
            "--type",
            "demolition charge",
            "--manufacturer",
            "Trayal",
            "--lot",
            "TNT-9",
            "--hazard",
            "1.1D",
            "--neq-kg",
            "0.4",
            "--unit",
            "pieces",
            "--quantity",
            "10",
            "--location",
            "Magazine C",
        ],
        None,
    );
    refused(
        db,
        &[
            "--as",
            "OFF",
            "ammo",
            "receive",
            "--type",
            "detonator",
            "--manufacturer",
            "Trayal",
            "--lot",
            "DET-3",
            "--hazard",
            "1.1B",
            "--neq-kg",
            "0.001",
            "--unit",
            "pieces",
            "--quantity",
            "100",
            "--location",
            "Magazine C",
        ],
        OFF,
        None,
        "compatibility group B cannot be stored with group D",
    );
    refused(
        db,
        &[
            "--as",
            "OFF",
            "ammo",
            "issue",
            "L-0004",
            "--from",
            "Vault A",
            "--quantity",
            "10",
            "--to",
            "2nd Company",
            "--purpose",
            "training",
        ],
        OFF,
        None,
        "needs the name of the person who signs for it",
    );
    ok(run(
        db,
        &[
            "--as",
            "ADM",
            "ammo",
            "hold",
            "L-0999",
            "--order",
            "Court order K-112/26",
        ],
        ADM,
        None,
    ));
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "create",
            "--authority",
            "Ministry of Interior",
            "--decision",
            "DEC-HOLD",
        ],
        OFF,
        None,
    ));
    let held_batch = word_after(&out, "Destruction batch ");
    refused(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "add-lots",
            &held_batch,
            "--lot",
            "L-0999@Vault A=10",
        ],
        OFF,
        None,
        "is on legal hold (order Court order K-112/26)",
    );
    ok(run(
        db,
        &[
            "--as",
            "ADM",
            "ammo",
            "hold",
            "L-0999",
            "--order",
            "K-112/26 lifted",
            "--lift",
        ],
        ADM,
        None,
    ));

    // 300 rounds of each of the 1,000 lots destroyed: 300,000 rounds before two witnesses.
    let list: String = (0..LOTS)
        .map(|i| format!("{}@Vault A=300\n", lot_number(i)))
        .collect();
    std::fs::write(file("destroy.txt"), list).unwrap();
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "create",
            "--authority",
            "Ministry of Interior",
            "--decision",
            "DEC-2026-031",
        ],
        OFF,
        None,
    ));
    let batch = word_after(&out, "Destruction batch ");
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "add-lots",
            &batch,
            "--file",
            &file("destroy.txt"),
        ],
        OFF,
        None,
    ));
    assert!(out.contains("1000 lot lines (300000 units)"), "{out}");
    ok(run(
        db,
        &["--as", "OFF", "destruction", "freeze", &batch],
        OFF,
        None,
    ));
    refused(
        db,
        &[
            "--as",
            "INS",
            "destruction",
            "recount",
            &batch,
            "--lot",
            "L-0000@Vault A=300",
        ],
        OFF,
        None,
        "was frozen with 300 and 0 were counted",
    );
    ok(run(
        db,
        &[
            "--as",
            "INS",
            "destruction",
            "recount",
            &batch,
            "--lots-file",
            &file("destroy.txt"),
        ],
        OFF,
        None,
    ));
    ok(run(
        db,
        &[
            "--as",
            "INS",
            "destruction",
            "record",
            &batch,
            "--method",
            "detonation",
            "--equipment",
            "Open detonation pit",
            "--place",
            "Range 4",
            "--date",
            "2026-03-02",
            "--scrap-weight",
            "0",
        ],
        OFF,
        None,
    ));
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
        OFF,
        Some(OFF),
        "at least 2 witnesses",
    );
    let out = ok(run(
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
            "WIT",
        ],
        OFF,
        Some("375298\n375298"),
    ));
    assert!(out.contains("DESTROYED"), "{out}");
    let listed = ok(run(db, &["ammo", "list", "--json"], "", None));
    let lots: serde_json::Value =
        serde_json::from_str(listed.trim_start_matches(|c| c != '[')).unwrap();
    let destroyed: u64 = lots
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["destroyed"].as_u64().unwrap())
        .sum();
    assert_eq!(destroyed, 300_000);
    // The certificate lists every lot and the total.
    let cert = file("certificate.pdf");
    ok(run(
        db,
        &["--as", "INS", "report", "certificate", &batch, "-o", &cert],
        OFF,
        None,
    ));
    let text = Command::new("pdftotext")
        .args(["-layout", &cert, "-"])
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    let missing: Vec<String> = (0..LOTS)
        .map(lot_number)
        .filter(|n| !text.contains(n.as_str()))
        .collect();
    assert!(missing.is_empty(), "not on the certificate: {missing:?}");
    assert!(text.contains("300000"), "no total of 300000 rounds");
    // 300,000 × 0.0016 kg.
    assert!(text.contains("480"), "no total NEQ of 480 kg");
    verified_and_rebuildable(db);

    // Lots handed over to Bravo: 98 − 0 of L-0000 stay; 100 of L-0002 and 50 of L-0003 go.
    let bfile = |name: &str| b.file(name).to_string_lossy().into_owned();
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "handover",
            "dispatch",
            "--sender",
            "Depot Alpha",
            "--receiver",
            "Depot Bravo",
            "--legal-basis",
            "Order 61/2026",
            "--transport",
            "Truck BG-771-KK",
            "--lot",
            "L-0002@Vault A=100",
            "--lot",
            "L-0003@Vault A=50",
        ],
        OFF,
        None,
    ));
    let manifest = word_after(&out, "Handover ");
    assert!(out.contains("2 lot lines, 150 units"), "{out}");
    ok(run(
        &b.db,
        &["keys", "export", "-o", &bfile("bravo.pub")],
        "",
        None,
    ));
    ok(run(
        db,
        &[
            "--as",
            "ADM",
            "keys",
            "trust",
            &bfile("bravo.pub"),
            "--name",
            "Bravo",
        ],
        ADM,
        None,
    ));
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "handover",
            "export",
            &manifest,
            "--to",
            "Bravo",
            "-o",
            &bfile("bundle.cust"),
        ],
        OFF,
        None,
    ));
    ok(run(
        db,
        &["keys", "export", "-o", &file("alpha.pub")],
        "",
        None,
    ));
    ok(run(
        &b.db,
        &["--as", "ADM", "keys", "trust", &file("alpha.pub")],
        ADM,
        None,
    ));
    ok(run(
        &b.db,
        &["--as", "OFF", "handover", "import", &bfile("bundle.cust")],
        OFF,
        None,
    ));
    ok(run(
        &b.db,
        &[
            "--as",
            "OFF",
            "handover",
            "close",
            &manifest,
            "--location",
            "Vault A",
            "--lot",
            "L-0002=100",
            "--lot",
            "L-0003=50",
        ],
        OFF,
        None,
    ));
    let arrived = show(&b.db, "L-0003");
    assert_eq!(
        (arrived["received"].as_u64(), arrived["origin"].as_str()),
        (Some(50), Some("transferred_in"))
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
            &bfile("receipt.cust"),
        ],
        OFF,
        None,
    ));
    let out = ok(run(
        db,
        &[
            "--as",
            "OFF",
            "handover",
            "import-receipt",
            &bfile("receipt.cust"),
        ],
        OFF,
        None,
    ));
    assert!(out.contains("receipted"), "{out}");
    let sent = show(db, "L-0002");
    assert_eq!(
        (sent["transferred_out"].as_u64(), sent["in_store"].as_u64()),
        (Some(100), Some(0))
    );
    verified_and_rebuildable(db);
    verified_and_rebuildable(&b.db);
}
