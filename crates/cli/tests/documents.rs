//! Sealed documents issued from a real ledger through the `custody` binary: a commission's
//! destruction certificate, a handover manifest on both sides of the road, and an inspector's
//! stocktake report; each checked the way a prosecutor's office or a second depot would:
//! from the PDF, from a scanned page, from the QR text, with poppler and qpdf.
//!
//! Pages are rendered to crates/cli/tests/out/ (gitignored) for a person to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::{
    execute_args, new_batch, ok, record_destruction, run, run_with_env, text, word_after, Site,
};

fn fails(o: Output, needle: &str) -> String {
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(needle),
        "expected '{needle}' in: {}",
        text(&o)
    );
    text(&o)
}

/// The poppler and qpdf tools the checks use; missing ones fail the test with what to install.
fn tool(name: &str) -> Command {
    let found = Command::new(name)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        found,
        "{name} is not installed: install poppler-utils and qpdf (apt-get install poppler-utils qpdf)"
    );
    Command::new(name)
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/out");
    std::fs::create_dir_all(&dir).expect("tests/out");
    dir
}

fn pages(pdf: &Path) -> usize {
    let info = tool("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo names the page count")
}

/// Renders page `page` to `<stem>-<page>.png` in tests/out and returns the path.
fn render(pdf: &Path, page: usize, stem: &str) -> PathBuf {
    let prefix = out_dir().join(format!("{stem}-p{page}"));
    let o = tool("pdftoppm")
        .args(["-png", "-r", "110", "-singlefile"])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm");
    assert!(o.status.success(), "{}", text(&o));
    prefix.with_extension("png")
}

fn first_and_last_pages(pdf: &Path, stem: &str) -> Vec<PathBuf> {
    let n = pages(pdf);
    let mut out = vec![render(pdf, 1, stem)];
    if n > 1 {
        out.push(render(pdf, n, stem));
    }
    out
}

/// Issues a report (`args` without `--lang` and `-o`) in each of the nine languages: each PDF
/// prints the given msgids as that language's catalogue words them, and its first page is
/// rendered to tests/out/<stem>-<tag>-p1.png to be looked at.
fn issue_in_every_language(s: &Site, args: &[&str], pin: &str, msgids: &[&str], stem: &str) {
    use custody_i18n::{Catalogue, Language};
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/translations");
    for language in Language::ALL {
        let catalogue = Catalogue::from_dir(&repo, language).expect("catalogue readable");
        let pdf = s.file(&format!("{stem}-{}.pdf", language.tag()));
        let mut all = args.to_vec();
        all.extend([
            "--lang",
            language.tag(),
            "-o",
            pdf.to_str().expect("utf-8 path"),
        ]);
        ok(run(&s.db, &all, pin, None));
        // pdftotext breaks lines where the layout does; compare words, not lines.
        let text = pdf_text(&pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for msgid in msgids {
            let words = catalogue.get(None, msgid);
            assert!(
                text.contains(&words),
                "{}: {words:?} not in the {stem}:\n{text}",
                language.tag()
            );
        }
        render(&pdf, 1, &format!("{stem}-{}", language.tag()));
    }
}

fn pdf_text(pdf: &Path) -> String {
    let o = tool("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn qpdf_check(pdf: &Path) {
    let o = tool("qpdf").arg("--check").arg(pdf).output().expect("qpdf");
    assert!(o.status.success(), "qpdf --check failed: {}", text(&o));
}

/// Three rifles with serials like ZS-7101, ZS-7202, ZS-7303.
fn depot(name: &str, serial_prefix: &str) -> Site {
    common::depot(
        name,
        (1..=3)
            .map(|i| format!("{serial_prefix}-7{i}0{i}"))
            .collect(),
    )
}

/// Creates, fills (first two rifles), freezes, re-counts and records a batch; returns its code.
fn prepared_batch(s: &Site) -> String {
    let db = &s.db;
    let batch = new_batch(db, "Ministry of Interior", "DEC-2026/7");
    ok(run(
        db,
        &[
            "--as",
            "OFF",
            "destruction",
            "add",
            &batch,
            &s.weapons[0],
            &s.weapons[1],
        ],
        "375298",
        None,
    ));
    ok(run(
        db,
        &["--as", "OFF", "destruction", "freeze", &batch],
        "375298",
        None,
    ));
    ok(run(
        db,
        &[
            "--as",
            "INS",
            "destruction",
            "recount",
            &batch,
            &s.weapons[1],
            &s.weapons[0],
        ],
        "375298",
        None,
    ));
    let photo = s.file("photo.jpg");
    std::fs::write(&photo, b"press photo").expect("photo");
    record_destruction(
        db,
        &batch,
        "crushing",
        "Press P-90",
        "Zenica steel plant",
        &[
            "--scrap-weight",
            "7,5",
            "--photo",
            photo.to_str().expect("utf-8 path"),
        ],
    );
    batch
}

fn seal_line(out: &str) -> String {
    word_after(out, "Seal: ")
}

#[test]
fn a_commission_destroys_two_rifles_and_the_prosecutor_verifies_the_certificate_every_way() {
    let s = depot("Depot South", "ZS");
    let db = &s.db;
    let batch = prepared_batch(&s);
    let cert = s.file("certificate.pdf");
    let cert_arg = cert.to_str().expect("utf-8 path");

    // Before the destruction is executed there is no certificate, and nothing is logged.
    fails(
        run(
            db,
            &[
                "--as",
                "INS",
                "report",
                "certificate",
                &batch,
                "-o",
                cert_arg,
            ],
            "375298",
            None,
        ),
        "not executed",
    );
    assert!(!cert.exists());

    ok(run(
        db,
        &execute_args(&batch),
        "375298",
        Some("375298,375298"),
    ));
    // The commission's inspector issues the certificate in Serbian Cyrillic.
    let out = ok(run(
        db,
        &[
            "--as",
            "INS",
            "report",
            "certificate",
            &batch,
            "--lang",
            "sr-Cyrl",
            "-o",
            cert_arg,
        ],
        "375298",
        None,
    ));
    let seal = seal_line(&out);
    assert!(seal.starts_with("CUSTODY-SEAL:1:D."), "{out}");

    // Issuing is itself in the log, signed, and the ledger still verifies.
    let ledger = custody_core::Ledger::open(db).expect("ledger");
    let (kind, actor, message): (String, String, String) =
        rusqlite::Connection::open(ledger.path())
            .expect("ledger file")
            .query_row(
                "SELECT e.kind, p.name, json_extract(e.payload, '$.message') FROM events e
             JOIN persons p ON p.id = e.actor WHERE e.kind = 'document.issued'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("one document.issued event");
    assert_eq!(
        (kind.as_str(), actor.as_str()),
        ("document.issued", "Ivo Inspector")
    );
    assert!(
        seal.starts_with(&message),
        "logged {message}, sealed {seal}"
    );
    assert!(ok(run(db, &["verify"], "", None)).starts_with("OK:"));

    // The PDF itself verifies, list included.
    let verified = ok(run(db, &["verify-document", cert_arg], "", None));
    assert!(
        verified.contains("VERIFIED") && verified.contains("(2 lines)"),
        "{verified}"
    );

    // A scanned first page verifies from its printed QR code, which reads back the seal.
    let rendered = first_and_last_pages(&cert, "certificate");
    let png = std::fs::read(&rendered[0]).expect("png");
    assert_eq!(custody_docs::read_qr(&png).expect("QR on page 1"), seal);
    ok(run(
        db,
        &["verify-document", rendered[0].to_str().expect("path")],
        "",
        None,
    ));

    // The archive copy is a sound PDF and its text layer holds every destroyed serial.
    qpdf_check(&cert);
    let body = pdf_text(&cert);
    for serial in &s.serials[..2] {
        assert!(
            body.contains(serial.as_str()),
            "{serial} not in the certificate text"
        );
    }
    // The issuing inspector witnessed the destruction, so the official's line is left blank
    // rather than naming one person in two roles.
    assert_eq!(body.matches("Ivo Inspector").count(), 1, "{body}");
    assert!(
        !body.contains(s.serials[2].as_str()),
        "the third rifle was not destroyed"
    );
    for name in [
        "Ivo Inspector",
        "Vesna Witness",
        "Oleg Officer",
        "DEC-2026/7",
    ] {
        assert!(body.contains(name), "{name} not on the certificate");
    }

    // One character changed in the seal text: refused with the reason.
    let mut forged = seal.clone().into_bytes();
    let at = forged.len() - 10;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    let out = fails(
        run(db, &["verify-document", "--qr", &forged], "", None),
        "NOT VERIFIED",
    );
    assert!(out.contains("signature") || out.contains("base32"), "{out}");

    // A registry re-keys the list from the JSON export with one serial mistyped: the recheck
    // against the seal fails, while the list as exported passes.
    let json_path = s.file("certificate.json");
    ok(run(
        db,
        &[
            "--as",
            "INS",
            "report",
            "certificate",
            &batch,
            "--format",
            "json",
            "-o",
            json_path.to_str().expect("path"),
        ],
        "375298",
        None,
    ));
    let exported: custody_docs::DestructionCertificate =
        serde_json::from_slice(&std::fs::read(&json_path).expect("json"))
            .expect("certificate json");
    let public = custody_core::keys::parse_public_key(&ledger.public_key_hex().expect("key"))
        .expect("site key");
    let keys = [(custody_docs::KeyId::of(&public), public)];
    let check = |items: &[custody_docs::ItemLine]| {
        custody_docs::verify_qr_text(&seal, &keys).and_then(|v| v.recheck_items(items))
    };
    check(&exported.items).expect("the exported list is the sealed list");
    let mut retyped = exported.items.clone();
    retyped[1].serial.push('8');
    let err = check(&retyped).expect_err("a changed serial must not pass");
    assert!(err.to_string().contains("hash"), "{err}");

    // A second depot that has not trusted Depot South refuses the certificate, then accepts it.
    let other = depot("Depot North", "ZN");
    fails(
        run(&other.db, &["verify-document", cert_arg], "", None),
        "NOT VERIFIED",
    );
    let public_file = s.file("south.pub");
    ok(run(
        db,
        &["keys", "export", "-o", public_file.to_str().expect("path")],
        "",
        None,
    ));
    ok(run(
        &other.db,
        &[
            "--as",
            "ADM",
            "keys",
            "trust",
            public_file.to_str().expect("path"),
        ],
        "731904",
        None,
    ));
    let verified = ok(run(&other.db, &["verify-document", cert_arg], "", None));
    assert!(verified.contains("VERIFIED"), "{verified}");
}

#[test]
fn a_manifest_travels_with_three_rifles_and_both_depots_issue_it() {
    let a = depot("Depot Alpha", "ZA");
    let b = depot("Depot Bravo", "ZB");
    let out = ok(run(
        &a.db,
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
            "Order 12/2026",
            "--transport",
            "Van BG-001, escort of two",
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
    let sent = a.file("manifest-sent.pdf");
    let out = ok(run(
        &a.db,
        &[
            "--as",
            "OFF",
            "report",
            "manifest",
            &manifest,
            "-o",
            sent.to_str().expect("path"),
        ],
        "375298",
        None,
    ));
    assert!(seal_line(&out).starts_with("CUSTODY-SEAL:1:H."), "{out}");
    let verified = ok(run(
        &a.db,
        &["verify-document", sent.to_str().expect("p")],
        "",
        None,
    ));
    assert!(verified.contains("(3 lines)"), "{verified}");
    qpdf_check(&sent);
    let body = pdf_text(&sent);
    for needle in
        a.serials
            .iter()
            .map(String::as_str)
            .chain(["Order 12/2026", "S-77", "Oleg Officer"])
    {
        assert!(
            body.contains(needle),
            "{needle} not on the dispatched manifest"
        );
    }
    first_and_last_pages(&sent, "manifest-sent");

    // The bundle goes to Bravo (addressed to Bravo's key, which Alpha trusts); two rifles arrive.
    let bundle = a.file("bundle.cust");
    let key = a.file("alpha.pub");
    let bravo_key = b.file("bravo.pub");
    ok(run(
        &b.db,
        &["keys", "export", "-o", bravo_key.to_str().expect("p")],
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
            bravo_key.to_str().expect("p"),
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
            bundle.to_str().expect("p"),
        ],
        "375298",
        None,
    ));
    ok(run(
        &a.db,
        &["keys", "export", "-o", key.to_str().expect("p")],
        "",
        None,
    ));
    ok(run(
        &b.db,
        &["--as", "ADM", "keys", "trust", key.to_str().expect("p")],
        "731904",
        None,
    ));
    ok(run(
        &b.db,
        &[
            "--as",
            "OFF",
            "handover",
            "import",
            bundle.to_str().expect("p"),
        ],
        "375298",
        None,
    ));
    ok(run(
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
    ok(run(
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
    let received = b.file("manifest-received.pdf");
    ok(run(
        &b.db,
        &[
            "--as",
            "OFF",
            "report",
            "manifest",
            &manifest,
            "--lang",
            "sq",
            "-o",
            received.to_str().expect("p"),
        ],
        "375298",
        None,
    ));
    let verified = ok(run(
        &b.db,
        &["verify-document", received.to_str().expect("p")],
        "",
        None,
    ));
    assert!(verified.contains("VERIFIED"), "{verified}");
    qpdf_check(&received);
    let body = pdf_text(&received);
    // The missing rifle is in the discrepancy section, described in the manifest's language.
    let missing = custody_i18n::Language::Albanian.tr("missing: on the manifest, not received");
    let words = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        missing.starts_with("mungon") && words.contains(&missing),
        "no discrepancy line {missing:?} in:\n{body}"
    );
    assert!(body.contains(a.weapons[2].as_str()));
    first_and_last_pages(&received, "manifest-received");
    issue_in_every_language(
        &b,
        &["--as", "OFF", "report", "manifest", &manifest],
        "375298",
        &["Handover manifest", "Sender", "Receiver"],
        "manifest",
    );
    // Alpha trusted Bravo's key while it was needed; once Alpha revokes it, Bravo's copy is
    // refused there.
    assert!(ok(run(
        &a.db,
        &["verify-document", received.to_str().expect("p")],
        "",
        None,
    ))
    .contains("VERIFIED"));
    ok(run(
        &a.db,
        &[
            "--as",
            "ADM",
            "keys",
            "revoke",
            "Bravo",
            "--reason",
            "exchange finished",
        ],
        "731904",
        None,
    ));
    fails(
        run(
            &a.db,
            &["verify-document", received.to_str().expect("p")],
            "",
            None,
        ),
        "NOT VERIFIED",
    );
}

#[test]
fn an_inspector_issues_the_stocktake_report_that_the_counter_may_not_see() {
    let s = depot("Depot East", "ZE");
    let db = &s.db;
    let w = &s.weapons;
    let out = ok(run(
        db,
        &["--as", "OFF", "stocktake", "open", "--location", "Vault A"],
        "375298",
        None,
    ));
    let st = word_after(&out, "Stocktake ");
    ok(run(
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
    let report = s.file("stocktake.pdf");
    let report_arg = report.to_str().expect("path");
    fails(
        run(
            db,
            &["--as", "INS", "report", "stocktake", &st, "-o", report_arg],
            "375298",
            None,
        ),
        "still open",
    );
    for (key, resolution, reference) in [
        (
            format!("missing:{}", w[2]),
            "reported_lost",
            "Police report 88/2026",
        ),
        (
            format!("duplicate:{}", w[0]),
            "data_error_corrected",
            "scanned twice",
        ),
        (
            "unknown:LOOSE-LABEL-7".to_string(),
            "data_error_corrected",
            "packaging label",
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
    ok(run(
        db,
        &["--as", "OFF", "stocktake", "close", &st, "--witness", "INS"],
        "375298",
        Some("375298"),
    ));
    // The counter may not issue the report (it shows the expected list).
    fails(
        run(
            db,
            &["--as", "OFF", "report", "stocktake", &st, "-o", report_arg],
            "375298",
            None,
        ),
        "inspector or administrator",
    );
    assert!(!report.exists());
    let out = ok(run(
        db,
        &[
            "--as",
            "WIT",
            "report",
            "stocktake",
            &st,
            "--lang",
            "mk",
            "-o",
            report_arg,
        ],
        "375298",
        None,
    ));
    assert!(seal_line(&out).starts_with("CUSTODY-SEAL:1:S."), "{out}");
    let verified = ok(run(db, &["verify-document", report_arg], "", None));
    assert!(verified.contains("VERIFIED"), "{verified}");
    qpdf_check(&report);
    let body = pdf_text(&report);
    for needle in [
        w[2].as_str(),
        "LOOSE-LABEL-7",
        // The resolution column is narrow: the reference wraps after "Police report".
        "88/2026",
        "Oleg Officer",
        "Ivo Inspector",
        "Vesna Witness",
    ] {
        assert!(
            body.contains(needle),
            "{needle} not in the stocktake report:\n{body}"
        );
    }
    let rendered = first_and_last_pages(&report, "stocktake");
    issue_in_every_language(
        &s,
        &["--as", "INS", "report", "stocktake", &st],
        "375298",
        &["Stocktake report", "Expected", "Found"],
        "stocktake",
    );
    ok(run(
        db,
        &["verify-document", rendered[0].to_str().expect("p")],
        "",
        None,
    ));
    // CSV for the registry carries the same findings.
    let csv = s.file("stocktake.csv");
    ok(run(
        db,
        &[
            "--as",
            "INS",
            "report",
            "stocktake",
            &st,
            "--format",
            "csv",
            "-o",
            csv.to_str().expect("p"),
        ],
        "375298",
        None,
    ));
    let csv = std::fs::read_to_string(&csv).expect("csv");
    assert!(
        csv.contains("LOOSE-LABEL-7") && csv.contains(w[2].as_str()),
        "{csv}"
    );
    assert!(ok(run(db, &["verify"], "", None)).starts_with("OK:"));
}

/// Copies ui/translations (the catalogues a translator edits) into `to`.
fn copy_catalogues(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/translations");
    for entry in std::fs::read_dir(&from).expect("ui/translations") {
        let code = entry.expect("folder").file_name();
        let dir = to.join(&code).join("LC_MESSAGES");
        std::fs::create_dir_all(&dir).expect("temp folder");
        let po = from.join(&code).join("LC_MESSAGES/custody-kiosk.po");
        std::fs::copy(&po, dir.join("custody-kiosk.po")).expect("catalogue copied");
    }
}

#[test]
fn the_certificate_takes_its_words_from_the_catalogue_a_translator_edits() {
    let s = depot("Depot West", "ZW");
    let db = &s.db;
    let batch = prepared_batch(&s);
    ok(run(
        db,
        &execute_args(&batch),
        "375298",
        Some("375298,375298"),
    ));
    let issue = |lang: &str, file: &str, env: &[(&str, &Path)]| {
        let pdf = s.file(file);
        let pdf_arg = pdf.to_str().expect("utf-8 path").to_string();
        let args = [
            "--as",
            "INS",
            "report",
            "certificate",
            &batch,
            "--lang",
            lang,
            "-o",
            &pdf_arg,
        ];
        ok(run_with_env(db, &args, "375298", None, env));
        // pdftotext breaks lines where the layout does; compare words, not lines.
        pdf_text(&pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };

    // Each language prints the title and the column headings its catalogue gives.
    issue_in_every_language(
        &s,
        &["--as", "INS", "report", "certificate", &batch],
        "375298",
        &[
            "Weapons destruction certificate",
            "Serial number",
            "Witness",
        ],
        "certificate",
    );

    // A translator changes one msgstr in a copy of the catalogues and sees it on paper, in
    // Croatian and, derived from the Serbian Latin file, in Serbian Cyrillic.
    let copy = s.file("translations");
    copy_catalogues(&copy);
    for (code, new) in [
        ("hr", "Zapisnik probnog uništenja"),
        ("sr@latin", "Zapisnik probnog uništenja"),
    ] {
        let po = copy.join(code).join("LC_MESSAGES/custody-kiosk.po");
        let text = std::fs::read_to_string(&po).expect("catalogue");
        let entry = "msgid \"Weapons destruction certificate\"\nmsgstr \"";
        let at = text.find(entry).expect("the title's entry") + entry.len();
        let end = at + text[at..].find('"').expect("end of msgstr");
        std::fs::write(&po, format!("{}{new}{}", &text[..at], &text[end..])).expect("edited");
    }
    let env = [("CUSTODY_TRANSLATIONS", copy.as_path())];
    let hr = issue("hr", "cert-hr-edited.pdf", &env);
    assert!(hr.contains("Zapisnik probnog uništenja"), "{hr}");
    let cyrillic = issue("sr-Cyrl", "cert-sr-edited.pdf", &env);
    assert!(cyrillic.contains("Записник пробног уништења"), "{cyrillic}");
    // Without the variable the built-in words are back.
    let built_in = issue("hr", "cert-hr-again.pdf", &[]);
    assert!(!built_in.contains("probnog"), "{built_in}");
}
