//! Ammunition from receipt to destruction and handover, through the `custody` binary as a depot
//! would run it: 1,000 lots received from a stock list, one by a maker's GS1 marking, a split,
//! an issue and a return, a count with a discrepancy settled by a co-signed adjustment,
//! 300,000 rounds destroyed across the 1,000 lots before two witnesses with the certificate
//! read back by pdftotext, and lots handed over to a second site with a signed bundle and
//! receipt. Every refusal leaves the ledger as it was.

mod common;

use common::{
    depot, execute_args, new_batch, ok, record_destruction, refused, run, trust,
    verified_and_rebuildable, word_after, Site,
};
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

/// An `ammo` command by the officer that must be refused with `needle`, changing nothing.
fn ammo_refused(db: &std::path::Path, args: &[&str], needle: &str) {
    refused(
        db,
        &[&["--as", "OFF", "ammo"][..], args].concat(),
        OFF,
        None,
        needle,
    );
}

/// The inspector records how `batch` is destroyed: open detonation on Range 4.
fn record_detonation(db: &std::path::Path, batch: &str) {
    let pit = "Open detonation pit";
    record_destruction(
        db,
        batch,
        "detonation",
        pit,
        "Range 4",
        &["--scrap-weight", "0"],
    );
}

/// `from` dispatches `lots` (`LOT@LOCATION=QUANTITY`) to `to`, which `from` trusts as
/// `to_name`, and `to` imports the bundle. The manifest's code and the dispatch's output.
fn send_lots(from: &Site, to: &Site, to_name: &str, lots: &[&str]) -> (String, String) {
    let mut args = vec![
        "--as",
        "OFF",
        "handover",
        "dispatch",
        "--sender",
        "Sending depot",
        "--receiver",
        to_name,
        "--legal-basis",
        "Order 61/2026",
        "--transport",
        "Truck BG-771-KK",
    ];
    for l in lots {
        args.extend(["--lot", l]);
    }
    let out = ok(run(&from.db, &args, OFF, None));
    let manifest = word_after(&out, "Handover ");
    let bundle = to.file(&format!("{manifest}.cust"));
    let bundle = bundle.to_str().expect("path");
    ok(run(
        &from.db,
        &[
            "--as", "OFF", "handover", "export", &manifest, "--to", to_name, "-o", bundle,
        ],
        OFF,
        None,
    ));
    ok(run(
        &to.db,
        &["--as", "OFF", "handover", "import", bundle],
        OFF,
        None,
    ));
    (manifest, out)
}

/// `to` signs for `manifest`, storing in `location` what it counted of each lot
/// (`LOT=QUANTITY`). The output of `handover close`.
fn count_in(to: &Site, manifest: &str, location: &str, counted: &[&str]) -> String {
    let mut args = vec![
        "--as",
        "OFF",
        "handover",
        "close",
        manifest,
        "--location",
        location,
    ];
    for c in counted {
        args.extend(["--lot", c]);
    }
    ok(run(&to.db, &args, OFF, None))
}

/// `to` writes its receipt for `manifest` and `from` imports it. Both outputs.
fn receipt_back(from: &Site, to: &Site, manifest: &str) -> (String, String) {
    let receipt = from.file(&format!("{manifest}-receipt.cust"));
    let receipt = receipt.to_str().expect("path");
    let written = ok(run(
        &to.db,
        &[
            "--as", "OFF", "handover", "receipt", manifest, "-o", receipt,
        ],
        OFF,
        None,
    ));
    let imported = ok(run(
        &from.db,
        &["--as", "OFF", "handover", "import-receipt", receipt],
        OFF,
        None,
    ));
    (written, imported)
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
    ammo_refused(
        db,
        &[
            "split",
            "L-0004",
            "--from",
            "Vault A",
            "--to",
            "Vault B",
            "--quantity",
            "-5",
        ],
        "quantity -5 refused",
    );
    ammo_refused(
        db,
        &[
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
    ammo_refused(
        db,
        &[
            "split",
            "L-0004",
            "--from",
            "Vault A",
            "--to",
            "Vault B",
            "--quantity",
            "30",
        ],
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
    ammo_refused(
        db,
        &[
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
        "compatibility group B cannot be stored with group D",
    );
    ammo_refused(
        db,
        &[
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
    let held_batch = new_batch(db, "Ministry of Interior", "DEC-HOLD");
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
    let batch = new_batch(db, "Ministry of Interior", "DEC-2026-031");
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
    record_detonation(db, &batch);
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
    let out = ok(run(db, &execute_args(&batch), OFF, Some("375298,375298")));
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
    let text = read_and_render(std::path::Path::new(&cert), "certificate-300k-rounds");
    let missing: Vec<String> = (0..LOTS)
        .map(lot_number)
        .filter(|n| !text.contains(n.as_str()))
        .collect();
    assert!(missing.is_empty(), "not on the certificate: {missing:?}");
    assert!(text.contains("300000"), "no total of 300000 rounds");
    // 300,000 × 0.0016 kg.
    assert!(text.contains("480"), "no total NEQ of 480 kg");
    verified_and_rebuildable(db);

    // Lots handed over to Bravo: 100 of L-0002 and 50 of L-0003 go.
    trust(&a, &b, "Bravo");
    trust(&b, &a, "Alpha");
    let (manifest, out) = send_lots(
        &a,
        &b,
        "Bravo",
        &["L-0002@Vault A=100", "L-0003@Vault A=50"],
    );
    assert!(out.contains("2 lot lines, 150 units"), "{out}");
    count_in(&b, &manifest, "Vault A", &["L-0002=100", "L-0003=50"]);
    let arrived = show(&b.db, "L-0003");
    assert_eq!(
        (arrived["received"].as_u64(), arrived["origin"].as_str()),
        (Some(50), Some("transferred_in"))
    );
    let (_, out) = receipt_back(&a, &b, &manifest);
    assert!(out.contains("receipted"), "{out}");
    let sent = show(db, "L-0002");
    assert_eq!(
        (sent["transferred_out"].as_u64(), sent["in_store"].as_u64()),
        (Some(100), Some(0))
    );
    verified_and_rebuildable(db);
    verified_and_rebuildable(&b.db);
}

/// `db` receives `quantity` rounds of PPU 7.62x39 lot `number` into Vault A.
fn receive(db: &std::path::Path, number: &str, quantity: &str) {
    ammo(
        db,
        "OFF",
        &[
            "receive",
            "--type",
            "cartridge",
            "--calibre",
            "7.62x39",
            "--manufacturer",
            "PPU",
            "--lot",
            number,
            "--hazard",
            "1.4S",
            "--neq-kg",
            "0.0016",
            "--quantity",
            quantity,
            "--location",
            "Vault A",
        ],
        None,
    );
}

/// The text of a PDF, and its first page rendered to PNG under target/custody-previews for a
/// person to look at.
fn read_and_render(pdf: &std::path::Path, stem: &str) -> String {
    let text = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is needed (apt-get install poppler-utils)");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("custody-previews");
    std::fs::create_dir_all(&dir).unwrap();
    let png = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "2"])
        .arg(pdf)
        .arg(dir.join(stem))
        .status()
        .expect("pdftoppm is needed (apt-get install poppler-utils)");
    assert!(png.success());
    String::from_utf8_lossy(&text.stdout).into_owned()
}

/// `custody verify-document` passes for `pdf` at `site`, and fails, naming the list's digest,
/// once the first `from` after the sealed-list marker is replaced by `to` (the same length), as
/// a forger editing the file would.
fn verified_until_edited(site: &Site, pdf: &std::path::Path, from: &str, to: &str) {
    let verify = |pdf: &std::path::Path| {
        run(
            &site.db,
            &["verify-document", pdf.to_str().unwrap()],
            "",
            None,
        )
    };
    let verified = ok(verify(pdf));
    assert!(verified.contains("VERIFIED"), "{verified}");
    assert_eq!(from.len(), to.len());
    let mut bytes = std::fs::read(pdf).unwrap();
    let marker = b"CUSTODY-LIST:1:";
    let start = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the PDF carries its sealed list");
    let at = start
        + bytes[start..]
            .windows(from.len())
            .position(|w| w == from.as_bytes())
            .expect("the line is in the sealed list");
    bytes[at..at + to.len()].copy_from_slice(to.as_bytes());
    let edited = pdf.with_extension("edited.pdf");
    std::fs::write(&edited, bytes).unwrap();
    let o = verify(&edited);
    assert!(!o.status.success(), "{}", common::text(&o));
    assert!(common::text(&o).contains("hash to"), "{}", common::text(&o));
}

#[test]
fn a_lot_short_on_arrival_is_settled_a_lot_sent_back_continues_its_record_and_documents_seal_the_lots(
) {
    let a = depot("Depot Alpha", vec![]);
    let b = depot("Depot Bravo", vec![]);
    receive(&a.db, "23-01", "1000");
    receive(&a.db, "23-02", "400");
    trust(&a, &b, "Bravo");
    trust(&b, &a, "Alpha");
    let label = show(&a.db, "23-01")["label_code"]
        .as_str()
        .unwrap()
        .to_string();

    // 250 of 23-01 and all of 23-02 go; Bravo counts 248 of 23-01 on arrival.
    let (manifest, _) = send_lots(&a, &b, "Bravo", &["23-01@Vault A=250", "23-02@Vault A=400"]);
    let out = count_in(&b, &manifest, "Vault A", &["23-01=248", "23-02=400"]);
    assert!(
        out.contains("250 rounds, NEQ 0.4 kg; counted on arrival 248, SHORT by 2"),
        "{out}"
    );
    // At Bravo the lot keeps its label: the packages' labels scan there too.
    assert_eq!(show(&b.db, &label)["received"].as_u64(), Some(248));

    // The receiver's manifest (its receipt) lists the lots counted, their NEQ and the
    // difference, and is sealed in format 2.
    let receipt_pdf = b.file("receipt.pdf");
    let out = ok(run(
        &b.db,
        &[
            "--as",
            "OFF",
            "report",
            "manifest",
            &manifest,
            "-o",
            receipt_pdf.to_str().unwrap(),
        ],
        OFF,
        None,
    ));
    assert!(out.contains("Seal: CUSTODY-SEAL:2:H."), "{out}");
    let text = read_and_render(&receipt_pdf, "receiver-manifest-with-lots");
    for needle in [
        "Counted on arrival",
        "23-01",
        "23-02",
        "250 rounds",
        "248",
        "Difference −2",
        "0.4",
    ] {
        assert!(text.contains(needle), "no '{needle}' in:\n{text}");
    }
    // The counted quantity changed inside the file: verify-document fails.
    verified_until_edited(
        &b,
        &receipt_pdf,
        "\trounds\t0.4\t248\n",
        "\trounds\t0.4\t250\n",
    );

    // The receipt comes back: Alpha sees the shortfall.
    let (_, out) = receipt_back(&a, &b, &manifest);
    assert!(out.contains("SHORT by 2"), "{out}");

    // Settling it: refused for a lot that arrived whole, without a co-signer of its own, and
    // without a reference; then settled, co-signed by the inspector.
    let settle = |lot: &str, reference: &str, witness: &str| -> Vec<String> {
        [
            "--as",
            "OFF",
            "handover",
            "settle",
            &manifest,
            "--lot",
            lot,
            "--reference",
            reference,
            "--witness",
            witness,
        ]
        .iter()
        .map(|w| w.to_string())
        .collect()
    };
    let refuse = |args: Vec<String>, needle: &str| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&a.db, &args, OFF, Some(OFF), needle);
    };
    refuse(settle("23-02", "LR-7/26", "INS"), "did not arrive short");
    refuse(settle("23-01", "LR-7/26", "OFF"), "must be someone else");
    refuse(settle("23-01", " ", "INS"), "needs a reference");
    refuse(
        settle("23-77", "LR-7/26", "INS"),
        "no ammunition lot '23-77'",
    );
    let args = settle("23-01", "LR-7/26", "INS");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ok(run(&a.db, &args, OFF, Some(OFF)));
    assert!(out.contains("2 settled as lost in transit"), "{out}");
    let settled = show(&a.db, "23-01");
    assert_eq!(
        (
            settled["transferred_out"].as_u64(),
            settled["lost_in_transit"].as_u64(),
            settled["in_store"].as_u64()
        ),
        (Some(248), Some(2), Some(750))
    );
    refuse(settle("23-01", "LR-8/26", "INS"), "did not arrive short");
    verified_and_rebuildable(&a.db);

    // Bravo sends 100 back: Alpha's own record of 23-01 continues, no duplicate.
    let (back, _) = send_lots(&b, &a, "Alpha", &[&format!("{label}@Vault A=100")]);
    count_in(&a, &back, "Vault B", &["23-01=100"]);
    let home = show(&a.db, &label);
    assert_eq!(
        (
            home["received"].as_u64(),
            home["in_store"].as_u64(),
            home["origin"].as_str()
        ),
        (Some(1100), Some(850), Some("state_stock"))
    );
    let listed = ok(run(&a.db, &["ammo", "list", "--json"], "", None));
    let lots: serde_json::Value =
        serde_json::from_str(listed.trim_start_matches(|c| c != '[')).unwrap();
    assert_eq!(lots.as_array().unwrap().len(), 2, "{listed}");

    // 50 rounds of it destroyed: the certificate seals the lot line.
    let batch = new_batch(&a.db, "Ministry of Interior", "DEC-2026-044");
    for step in [
        vec![
            "--as",
            "OFF",
            "destruction",
            "add-lots",
            &batch,
            "--lot",
            "23-01@Vault B=50",
        ],
        vec!["--as", "OFF", "destruction", "freeze", &batch],
        vec![
            "--as",
            "INS",
            "destruction",
            "recount",
            &batch,
            "--lot",
            "23-01@Vault B=50",
        ],
    ] {
        ok(run(&a.db, &step, OFF, None));
    }
    record_detonation(&a.db, &batch);
    ok(run(
        &a.db,
        &execute_args(&batch),
        OFF,
        Some("375298,375298"),
    ));
    let cert = a.file("certificate.pdf");
    let out = ok(run(
        &a.db,
        &[
            "--as",
            "INS",
            "report",
            "certificate",
            &batch,
            "-o",
            cert.to_str().unwrap(),
        ],
        OFF,
        None,
    ));
    assert!(out.contains("Seal: CUSTODY-SEAL:2:D."), "{out}");
    let text = read_and_render(&cert, "certificate-with-lots");
    assert!(
        text.contains("23-01") && text.contains("50 rounds"),
        "{text}"
    );
    verified_until_edited(&a, &cert, "\tVault B\t50\t", "\tVault B\t90\t");
    verified_and_rebuildable(&a.db);
    verified_and_rebuildable(&b.db);
}
