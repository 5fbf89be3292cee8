//! The seal of documents that list ammunition lots (format 2): lot lines are sealed with the
//! items, an edited quantity or NEQ is caught, and format 1 seals made before still verify.

mod common;

use common::*;
use custody_docs::seal::{canonical_items_and_lots, FORMAT_ITEMS, FORMAT_LOTS};
use custody_docs::*;

fn lot(code: &str, number: &str, quantity: u64, neq_kg: &str) -> LotQuantityLine {
    LotQuantityLine {
        lot_code: code.into(),
        lot_number: number.into(),
        ammo_type: "cartridge".into(),
        calibre: "7.62x39".into(),
        hazard: "1.4S".into(),
        location: "Vault A".into(),
        quantity,
        unit: "rounds".into(),
        neq_kg: neq_kg.into(),
        received: None,
        lost_in_transit: 0,
    }
}

fn with_lots(mut cert: DestructionCertificate) -> DestructionCertificate {
    cert.ammunition = Some(AmmunitionSection {
        lines: vec![
            lot("A7K3M9QXD4TC", "23-01", 1200, "3.84"),
            lot("A0000000001A", "23-02", 300, "0.96"),
        ],
        total_quantity: 1500,
        total_neq_kg: "4.8".into(),
    });
    cert
}

/// Finds `needle` in the PDF's raw bytes after the sealed list's marker.
fn in_sealed_list(pdf: &[u8], needle: &[u8]) -> usize {
    let marker = b"CUSTODY-LIST:1:";
    let start = pdf
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the PDF carries the sealed list");
    start
        + pdf[start..]
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("the lot line is in the sealed list")
}

#[test]
fn a_certificate_with_lots_is_sealed_in_format_2_counting_items_and_lots() {
    let cert = with_lots(certificate(3));
    let fields = cert.seal_fields().expect("fields");
    assert_eq!(fields.format, FORMAT_LOTS);
    assert_eq!(fields.counts, vec![3, 2]);
    let seal = Seal::sign(fields, &site_key()).expect("sign");
    assert!(
        seal.text().starts_with("CUSTODY-SEAL:2:D."),
        "{}",
        seal.text()
    );
    assert!(seal.text().contains(".3+2."), "{}", seal.text());
    let pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect("renders");
    let v = verify_pdf(&pdf, &trusted()).expect("verifies");
    assert_eq!(v.annex, AnnexCheck::Rechecked { lines: 5 });
    // Reparsed from its text, the seal is the same.
    assert_eq!(Seal::parse(seal.text()).expect("parses"), seal);
    let without = certificate(3).seal_fields().expect("fields");
    assert_eq!(without.format, FORMAT_ITEMS);
    assert_eq!(without.counts, vec![3]);
}

#[test]
fn a_lot_quantity_or_neq_edited_after_sealing_is_caught() {
    let cert = with_lots(certificate(3));
    let seal = Seal::sign(cert.seal_fields().expect("fields"), &site_key()).expect("sign");
    let verified = || {
        Seal::parse(seal.text())
            .unwrap()
            .verify(&trusted())
            .unwrap()
    };
    let lines = &cert.ammunition.as_ref().unwrap().lines;
    assert!(verified()
        .recheck_items_and_lots(&cert.items, lines)
        .is_ok());
    for edit in [
        |l: &mut LotQuantityLine| l.quantity = 1100,
        |l: &mut LotQuantityLine| l.neq_kg = "3.5".into(),
        |l: &mut LotQuantityLine| l.lot_number = "23-09".into(),
        |l: &mut LotQuantityLine| l.lot_code = "A0000000002B".into(),
    ] {
        let mut edited = lines.clone();
        edit(&mut edited[0]);
        let err = verified()
            .recheck_items_and_lots(&cert.items, &edited)
            .expect_err("an edited lot line must not verify");
        assert!(matches!(err, SealError::ItemListMismatch { .. }), "{err:?}");
    }
    // A lot line left out changes the count.
    let err = verified()
        .recheck_items_and_lots(&cert.items, &lines[..1])
        .expect_err("a missing lot line must not verify");
    assert!(err.to_string().contains("lists 3+1"), "{err}");
}

#[test]
fn a_lot_quantity_edited_inside_the_pdf_file_is_caught() {
    let cert = with_lots(certificate(3));
    let seal = Seal::sign(cert.seal_fields().expect("fields"), &site_key()).expect("sign");
    let mut pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect("renders");
    let at = in_sealed_list(&pdf, b"23-01\tVault A\t1200\t");
    // 1200 rounds become 1100: the same length, so only the digest can tell.
    pdf[at + "23-01\tVault A\t1".len()] = b'1';
    let err = verify_pdf(&pdf, &trusted()).expect_err("an edited quantity must not verify");
    assert!(
        matches!(err, DocumentError::Seal(SealError::ItemListMismatch { .. })),
        "{err:?}"
    );
}

#[test]
fn a_format_1_seal_of_a_certificate_with_lots_still_verifies_and_says_lots_are_not_covered() {
    // Issued before lot lines were sealed: the seal covers the items only.
    let cert = with_lots(certificate(3));
    let old = SealFields::for_items(
        DocumentKind::DestructionCertificate,
        &cert.certificate_id,
        cert.issued_on,
        &cert.items,
        cert.checkpoint,
    )
    .expect("fields");
    let seal = Seal::sign(old, &site_key()).expect("sign");
    assert!(seal.text().starts_with("CUSTODY-SEAL:1:D."));
    let v = verify_qr_text(seal.text(), &trusted())
        .expect("verifies")
        .recheck_items(&cert.items)
        .expect("the items are what was sealed");
    let caveats = v.does_not_prove().join("\n");
    assert!(caveats.contains("format 1"), "{caveats}");
    assert!(caveats.contains("ammunition lot lines"), "{caveats}");
    // A format 2 seal makes no such caveat.
    let new = Seal::sign(cert.seal_fields().unwrap(), &site_key()).unwrap();
    let v = verify_qr_text(new.text(), &trusted()).expect("verifies");
    assert!(!v.does_not_prove().join("\n").contains("format 1"));
}

#[test]
fn a_stocktake_that_counted_lots_seals_them_as_a_sixth_list() {
    let mut report = stocktake();
    let five = report.seal_fields().expect("fields");
    assert_eq!(five.format, FORMAT_ITEMS);
    report.lots = vec![StocktakeLotLine {
        lot_code: "A7K3M9QXD4TC".into(),
        lot_number: "23-01".into(),
        location: "Vault A".into(),
        expected: 1200,
        counted: 1192,
        adjustment: "8 rounds short, co-signed".into(),
    }];
    let fields = report.seal_fields().expect("fields");
    assert_eq!(fields.format, FORMAT_LOTS);
    assert_eq!(&fields.counts[..5], &five.counts[..]);
    assert_eq!(fields.counts[5], 1);
    let seal = Seal::sign(fields, &site_key()).expect("sign");
    let verified = || {
        Seal::parse(seal.text())
            .unwrap()
            .verify(&trusted())
            .unwrap()
    };
    assert!(verified().recheck_stocktake(&report).is_ok());
    let mut edited = report.clone();
    edited.lots[0].counted = 1200;
    assert!(verified().recheck_stocktake(&edited).is_err());
    let pdf = report
        .to_pdf(&seal, &RenderOptions::new(Language::Croatian))
        .expect("renders");
    assert!(verify_pdf(&pdf, &trusted()).is_ok());
}

#[test]
fn a_release_receipt_or_disposition_report_has_no_format_2() {
    let fields = SealFields {
        format: FORMAT_LOTS,
        kind: DocumentKind::ReleaseReceipt,
        document_id: "RR-1".into(),
        date: date(2026, 1, 5),
        counts: vec![1],
        list_digest: [0; 32],
        checkpoint: checkpoint(),
    };
    let err = Seal::sign(fields, &site_key()).expect_err("no format 2 release receipt");
    assert!(matches!(err, SealError::UnsupportedVersion(_)), "{err:?}");
}

#[test]
fn an_outside_verifier_reproduces_the_published_format_2_list() {
    let spec =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/SEAL.md")).expect("SEAL.md");
    let published = spec
        .lines()
        .find_map(|l| l.strip_prefix("format 2 list sha256 "))
        .expect("SEAL.md publishes the format 2 list digest")
        .trim()
        .to_string();
    let items: Vec<ItemLine> = [("CU-000003", "SN0015838K"), ("CU-000001", "SN0000000K")]
        .iter()
        .map(|(code, serial)| ItemLine {
            custody_code: (*code).into(),
            item_type: String::new(),
            make: String::new(),
            model: String::new(),
            calibre: String::new(),
            serial: (*serial).into(),
        })
        .collect();
    let mut counted = lot("A0000000001A", "23-02", 300, "0.96");
    counted.received = Some(290);
    let lots = vec![lot("A7K3M9QXD4TC", "23-01", 1200, "3.84"), counted];
    let canonical = canonical_items_and_lots(&items, &lots).expect("canonical");
    use sha2::Digest;
    let digest = sha2::Sha256::digest(&canonical);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, published, "{}", String::from_utf8_lossy(&canonical));
}

/// A certificate names what was destroyed in its title: weapons, ammunition, or both, in the
/// language it is printed in (here English and Croatian, whose word for ammunition is its own).
#[test]
fn a_certificate_is_titled_by_what_it_lists() {
    let cases = [
        (
            certificate(2),
            Language::English,
            "Weapons destruction certificate",
        ),
        (
            with_lots(certificate(0)),
            Language::English,
            "Ammunition destruction certificate",
        ),
        (
            with_lots(certificate(2)),
            Language::English,
            "Weapons and ammunition destruction certificate",
        ),
        (
            with_lots(certificate(0)),
            Language::Croatian,
            "Zapisnik o uništenju streljiva",
        ),
    ];
    for (n, (cert, language, title)) in cases.into_iter().enumerate() {
        let seal = Seal::sign(cert.seal_fields().expect("fields"), &site_key()).expect("sign");
        let pdf = cert
            .to_pdf(&seal, &RenderOptions::new(language))
            .expect("renders");
        let path = out_dir().join(format!("certificate-title-{n}.pdf"));
        std::fs::write(&path, &pdf).expect("write");
        let text = pdftotext(&path);
        // The title is printed in capitals, on the first line.
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        assert!(
            first.contains(&title.to_uppercase()),
            "{title:?} in {first:?}"
        );
        if n > 0 {
            assert!(!text.contains("WEAPONS DESTRUCTION CERTIFICATE"), "{text}");
        }
        // What the signatories certify names the same things; a certificate of ammunition
        // alone has no weapons' totals and no serial list.
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let certified = [
            "that the weapons listed in the annex were",
            "that the ammunition listed in the annex was",
            "that the weapons and ammunition listed in the annex were",
            "streljivo navedeno u prilogu uništeno",
        ][n];
        assert!(words.contains(certified), "{certified:?} in {words}");
        let ammunition_alone = n == 1 || n == 3;
        assert_eq!(
            words.contains("Serial number") || words.contains("Tvornički broj"),
            !ammunition_alone,
            "{words}"
        );
        verify_pdf(&pdf, &trusted()).expect("verifies");
    }
}
