//! Field scenarios for printed documents: print, scan the seal back from the rendered page,
//! verify, and try the edits a forger would make.

mod common;

use common::*;
use custody_docs::*;

fn sealed_certificate(n: usize) -> (DestructionCertificate, Seal) {
    let cert = certificate(n);
    let seal = Seal::sign(cert.seal_fields().expect("fields"), &site_key()).expect("sign");
    (cert, seal)
}

fn write(name: &str, pdf: &[u8]) -> std::path::PathBuf {
    let path = out_dir().join(name);
    std::fs::write(&path, pdf).expect("write PDF");
    path
}

/// Renders the first and last page at 80 dpi into tests/out for a person to look at.
fn previews(pdf: &std::path::Path, stem: &str) -> usize {
    let pages = page_count(pdf);
    render_page(pdf, 1, 80, &out_dir().join(format!("{stem}-first")));
    render_page(pdf, pages, 80, &out_dir().join(format!("{stem}-last")));
    pages
}

#[test]
fn an_inspector_scans_the_seal_off_a_printed_certificate_and_it_verifies() {
    let (cert, seal) = sealed_certificate(120);
    let pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::SerbianCyrillic))
        .expect("certificate renders");
    let path = write("certificate-sr-cyrl.pdf", &pdf);
    qpdf_check(&path);
    let pages = previews(&path, "certificate-sr-cyrl");
    assert!(
        pages >= 3,
        "120 items and the signatures need several pages, got {pages}"
    );

    for page in [1, pages] {
        let png = render_page(
            &path,
            page,
            150,
            &out_dir().join(format!("certificate-scan-{page}")),
        );
        let text = read_qr(&png).expect("the seal QR reads back from the rendered page");
        assert_eq!(text, seal.text());
        let verified = verify_image(&png, &trusted()).expect("seal verifies from the image");
        assert_eq!(verified.seal.fields.document_id, "DC-2025-0042");
        let rechecked = verified
            .recheck_items(&cert.items)
            .expect("the annex matches");
        assert_eq!(rechecked.annex, AnnexCheck::Rechecked { lines: 120 });
    }

    let from_pdf = verify_pdf(&pdf, &trusted()).expect("the PDF verifies on its own");
    assert_eq!(from_pdf.annex, AnnexCheck::Rechecked { lines: 120 });
    let report = from_pdf.to_string();
    assert!(report.contains("checkpoint 184467"), "{report}");
    assert!(report.contains("does NOT prove"), "{report}");
    assert!(
        report.contains("not that the weapons were destroyed"),
        "{report}"
    );
}

#[test]
fn a_serial_changed_in_the_data_after_sealing_is_caught() {
    let (cert, seal) = sealed_certificate(50);
    let mut altered = cert.items.clone();
    altered[17].serial.push('X');
    let verified = verify_qr_text(seal.text(), &trusted()).expect("the seal itself is fine");
    let err = verified
        .recheck_items(&altered)
        .expect_err("a changed serial must not verify");
    assert!(matches!(err, SealError::ItemListMismatch { .. }), "{err:?}");
    assert!(
        err.to_string().contains("changed, added or removed"),
        "{err}"
    );

    // Printing a document whose data no longer matches its seal is refused outright.
    let mut reprinted = cert.clone();
    reprinted.items = altered;
    let err = reprinted
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect_err("mismatched seal must not print");
    assert!(matches!(err, DocumentError::SealDoesNotMatch(_)), "{err:?}");
}

#[test]
fn a_serial_edited_inside_the_pdf_file_is_caught() {
    let (cert, seal) = sealed_certificate(30);
    let mut pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect("renders");
    let target = cert.items[5].serial.as_bytes().to_vec();
    let at = pdf
        .windows(target.len())
        .position(|w| w == target.as_slice())
        .expect("the serial is in the embedded sealed list");
    pdf[at + 2] = if pdf[at + 2] == b'9' { b'8' } else { b'9' };
    let err = verify_pdf(&pdf, &trusted()).expect_err("an edited serial must not verify");
    assert!(
        matches!(err, DocumentError::Seal(SealError::ItemListMismatch { .. })),
        "{err:?}"
    );
}

#[test]
fn one_changed_character_in_the_seal_fails_with_a_clear_reason() {
    let (_, seal) = sealed_certificate(10);
    let text = seal.text();
    let mut failures = 0;
    // Change every character in turn to another of the seal alphabet.
    for i in SEAL_PREFIX.len()..text.len() {
        let mut bytes = text.as_bytes().to_vec();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(bytes).expect("ascii");
        match verify_qr_text(&forged, &trusted()) {
            Ok(_) => panic!("a seal altered at position {i} verified: {forged}"),
            Err(e) => {
                failures += 1;
                let msg = e.to_string();
                assert!(
                    msg.contains("NOT verified")
                        || msg.contains("damaged")
                        || msg.contains("not in your list")
                        || msg.contains("cannot go into a seal"),
                    "unclear reason at {i}: {msg}"
                );
            }
        }
    }
    assert_eq!(failures, text.len() - SEAL_PREFIX.len());

    let mut signature_flip = text.to_string();
    let last = signature_flip.pop().expect("non-empty");
    signature_flip.push(if last == 'A' { 'Q' } else { 'A' });
    let err = verify_qr_text(&signature_flip, &trusted()).expect_err("flipped signature");
    assert!(
        matches!(
            err,
            SealError::BadSignature(_) | SealError::Malformed { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn a_seal_edited_in_one_place_inside_the_pdf_is_reported_as_conflicting() {
    let (cert, seal) = sealed_certificate(5);
    let mut pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect("renders");
    let prefix = b"CUSTODY-SEAL:1:D.";
    let at = pdf
        .windows(prefix.len())
        .position(|w| w == prefix)
        .expect("seal text embedded");
    pdf[at + prefix.len()] = b'E'; // "DC-..." becomes "EC-..."
    let err = verify_pdf(&pdf, &trusted()).expect_err("edited seal");
    assert!(matches!(err, DocumentError::ConflictingSeals), "{err:?}");
}

#[test]
fn a_seal_from_a_site_that_is_not_trusted_is_refused() {
    let (cert, _) = sealed_certificate(3);
    let rogue = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let seal = Seal::sign(cert.seal_fields().expect("fields"), &rogue).expect("sign");
    let err = verify_qr_text(seal.text(), &trusted()).expect_err("untrusted key");
    assert!(matches!(err, SealError::UnknownKey(_)), "{err:?}");
    assert!(err.to_string().contains("official channel"));
}

#[test]
fn pdftotext_finds_every_serial_of_a_5000_item_certificate() {
    let (cert, seal) = sealed_certificate(5000);
    let pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::SerbianLatin))
        .expect("renders");
    let path = write("certificate-5000-sr-latn.pdf", &pdf);
    qpdf_check(&path);
    let pages = previews(&path, "certificate-5000-sr-latn");
    let text = pdftotext(&path);
    let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
    for item in &cert.items {
        assert!(
            words.contains(item.serial.as_str()),
            "serial {} missing from the PDF text",
            item.serial
        );
        assert!(
            words.contains(item.custody_code.as_str()),
            "code {} missing",
            item.custody_code
        );
    }
    // Every page names the document and its place in it.
    let page_texts: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(page_texts.len(), pages);
    for (i, page) in page_texts.iter().enumerate() {
        assert!(page.contains("DC-2025-0042"), "page {} lacks the id", i + 1);
        assert!(
            page.contains(&format!("Strana {} / {pages}", i + 1)),
            "page {} lacks its page number",
            i + 1
        );
    }
    // Continuation pages repeat the table header.
    let headers = text.matches("Fabrički broj").count();
    assert!(
        headers >= pages - 2,
        "header repeated on {headers} of {pages} pages"
    );
    assert_eq!(
        verify_pdf(&pdf, &trusted()).expect("verifies").annex,
        AnnexCheck::Rechecked { lines: 5000 }
    );
}

#[test]
fn a_receiving_lab_finds_the_seal_id_and_page_number_on_every_manifest_page() {
    let manifest = manifest(150);
    let seal = Seal::sign(manifest.seal_fields().expect("fields"), &site_key()).expect("sign");
    let opts = RenderOptions {
        language: Language::Albanian,
        utc_offset_minutes: 60,
    };
    let pdf = manifest.to_pdf(&seal, &opts).expect("manifest renders");
    let path = write("manifest-sq.pdf", &pdf);
    qpdf_check(&path);
    let pages = previews(&path, "manifest-sq");
    assert!(pages >= 3);
    for page in 1..=pages {
        let png = render_page(
            &path,
            page,
            150,
            &out_dir().join(format!("manifest-scan-{page}")),
        );
        let text = read_qr(&png).unwrap_or_else(|e| panic!("page {page}: {e}"));
        assert_eq!(text, seal.text(), "page {page}");
    }
    let text = pdftotext(&path);
    assert!(text.contains("Faqja 1 / "), "Albanian page numbers");
    // 07:15 UTC is 08:15 at UTC+01:00.
    assert!(
        text.contains("02.04.2025 08:15 UTC+01:00"),
        "dispatch time printed locally"
    );
    assert!(text.contains("PL-000981"), "seal numbers printed");
    assert!(text.contains("Mospërputhjet"), "discrepancy section");
    verify_pdf(&pdf, &trusted()).expect("manifest verifies");
}

#[test]
fn a_manifest_still_on_the_road_leaves_receipt_lines_to_fill_in() {
    let mut manifest = manifest(8);
    manifest.received_at = None;
    manifest.discrepancies.clear();
    let seal = Seal::sign(manifest.seal_fields().expect("fields"), &site_key()).expect("sign");
    let pdf = manifest
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect("renders");
    let path = write("manifest-in-transit-en.pdf", &pdf);
    qpdf_check(&path);
    let text = pdftotext(&path);
    assert!(text.contains("not yet received"));
    assert!(text.contains("Discrepancies"));
}

#[test]
fn a_macedonian_stocktake_report_lists_every_finding_and_verifies() {
    let report = stocktake();
    let seal = Seal::sign(report.seal_fields().expect("fields"), &site_key()).expect("sign");
    let pdf = report
        .to_pdf(&seal, &RenderOptions::new(Language::Macedonian))
        .expect("stocktake renders");
    let path = write("stocktake-mk.pdf", &pdf);
    qpdf_check(&path);
    previews(&path, "stocktake-mk");
    let text = pdftotext(&path);
    for needle in [
        "ИЗВЕШТАЈ ОД ПОПИС",
        "Кусок",
        "0104006381333931",
        "Пријавено до началникот",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    let verified = verify_pdf(&pdf, &trusted()).expect("verifies");
    assert_eq!(verified.seal.fields.counts, vec![35, 2, 1, 1, 1]);
    assert!(verified.clone().recheck_stocktake(&report).is_ok());
    let mut edited = report.clone();
    edited.missing.pop();
    assert!(
        verified.recheck_stocktake(&edited).is_err(),
        "dropping a missing item is caught"
    );
}

#[test]
fn an_item_history_prints_in_albanian() {
    let history = history();
    let pdf = history
        .to_pdf(&RenderOptions::new(Language::Albanian))
        .expect("history renders");
    let path = write("history-sq.pdf", &pdf);
    qpdf_check(&path);
    previews(&path, "history-sq");
    let text = pdftotext(&path);
    assert!(text.contains("HISTORIKU I RUAJTJES"), "{text}");
    assert!(text.contains("Ekspertizë balistike"));
}

#[test]
fn every_language_prints_its_own_title_in_the_pdf() {
    let (cert, seal) = sealed_certificate(3);
    for lang in Language::ALL {
        let pdf = cert
            .to_pdf(&seal, &RenderOptions::new(lang))
            .expect("renders");
        let path = write(&format!("certificate-{}.pdf", lang.tag()), &pdf);
        let text = pdftotext(&path);
        let title = lang.t(Label::TitleCertificate).to_uppercase();
        assert!(text.contains(&title), "{lang:?}: {title} not found");
        // Labels with the language's own letters (ș ț ă, č ć đ š ž, ë, ќ ѓ) come out as text,
        // not as missing glyphs.
        for label in [Label::Signatures, Label::Make, Label::Checkpoint] {
            let word = lang.t(label);
            assert!(
                text.contains(&word),
                "{lang:?}: {word} not found in\n{text}"
            );
        }
        // The first page at 60 dpi, for a person to look at the language's layout.
        render_page(
            &path,
            1,
            60,
            &out_dir().join(format!("certificate-{}-page1", lang.tag())),
        );
    }
}

#[test]
fn a_certificate_with_one_witness_is_not_printed() {
    let (mut cert, seal) = sealed_certificate(3);
    cert.witnesses.truncate(1);
    let err = cert
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect_err("one witness");
    assert!(matches!(err, DocumentError::TooFewWitnesses(1)), "{err:?}");
}

#[test]
fn odd_characters_typed_into_names_do_not_break_the_archive_pdf() {
    let (mut cert, seal) = sealed_certificate(3);
    cert.place = "Depot \u{1F52B} \u{0007} 北京 ✓".into();
    cert.witnesses[0].name = "A\tB\r\nC".into();
    let pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::English))
        .expect("renders despite odd text");
    let path = write("certificate-odd-text.pdf", &pdf);
    qpdf_check(&path);
    assert!(pdftotext(&path).contains("Depot"));
}

#[test]
fn a_photo_without_a_seal_or_a_broken_file_gives_a_clear_error() {
    let err = verify_image(b"not a png", &trusted()).expect_err("garbage");
    assert!(matches!(err, DocumentError::Image(_)), "{err:?}");
    let blank = image::GrayImage::from_pixel(200, 200, image::Luma([255u8]));
    let mut png = Vec::new();
    blank
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode blank PNG");
    let err = verify_image(&png, &trusted()).expect_err("blank");
    assert!(matches!(err, DocumentError::NoQrCode), "{err:?}");
    assert!(err.to_string().contains("200 dpi"));
    let err = verify_pdf(b"%PDF-1.7 nothing here", &trusted()).expect_err("no seal");
    assert!(matches!(err, DocumentError::NoSealInPdf), "{err:?}");
}

#[test]
fn an_archivist_finds_pdf_a_3b_metadata_and_the_sealed_list_as_attachments() {
    let (cert, seal) = sealed_certificate(40);
    let pdf = cert
        .to_pdf(&seal, &RenderOptions::new(Language::Macedonian))
        .expect("renders");
    let path = write("certificate-archive-mk.pdf", &pdf);
    let p = path.to_str().expect("utf-8 path");

    let info = String::from_utf8_lossy(&tool("pdfinfo", &[p]).stdout).into_owned();
    assert!(
        info.contains(&format!("Subject:         {}", seal.text())),
        "{info}"
    );
    assert!(
        info.contains("Записник за уништување на оружје DC-2025-0042"),
        "{info}"
    );
    assert!(
        info.contains("Page size:       595.28 x 841.89 pts (A4)"),
        "{info}"
    );
    let meta = String::from_utf8_lossy(&tool("pdfinfo", &["-meta", p]).stdout).into_owned();
    assert!(
        meta.contains("<pdfaid:part>3</pdfaid:part>"),
        "PDF/A part missing"
    );
    assert!(meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"));
    let fonts = String::from_utf8_lossy(&tool("pdffonts", &[p]).stdout).into_owned();
    assert!(fonts.contains("DejaVuSans"));
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes yes yes ")),
        "every font embedded:\n{fonts}"
    );

    // poppler's own PDF parser extracts the same sealed list verify_pdf reads from raw bytes.
    let dir = out_dir().join("attachments-mk");
    std::fs::create_dir_all(&dir).expect("dir");
    let out = tool(
        "pdfdetach",
        &["-saveall", "-o", dir.to_str().expect("utf-8"), p],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = std::fs::read(dir.join(LIST_FILE)).expect("sealed list attached");
    let canonical = canonical_item_list(&cert.items).expect("canonical");
    let header = format!("CUSTODY-LIST:1:{}\n", canonical.len());
    assert_eq!(&list[..header.len()], header.as_bytes());
    assert_eq!(&list[header.len()..], canonical.as_slice());
    let seal_file = std::fs::read_to_string(dir.join(SEAL_FILE)).expect("seal attached");
    assert_eq!(seal_file.trim_end(), seal.text());
    let json = std::fs::read_to_string(dir.join(JSON_FILE)).expect("JSON attached");
    let back: DestructionCertificate = serde_json::from_str(&json).expect("JSON parses");
    assert_eq!(back, cert);
}

#[test]
fn absurdly_long_text_pasted_into_a_field_still_prints_quickly() {
    let mut cert = certificate(3);
    cert.place = "Kragujevac ".repeat(5_000);
    cert.items[0].serial = "9".repeat(20_000);
    cert.witnesses[1].name = "Ж".repeat(10_000);
    let seal = Seal::sign(cert.seal_fields().expect("fields"), &site_key()).expect("sign");
    let opts = RenderOptions {
        language: Language::English,
        utc_offset_minutes: i32::MAX,
    };
    let started = std::time::Instant::now();
    let pdf = cert.to_pdf(&seal, &opts).expect("renders");
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    let path = write("certificate-long-text.pdf", &pdf);
    qpdf_check(&path);
    verify_pdf(&pdf, &trusted()).expect("still verifies");
}

#[test]
fn manifests_stocktake_reports_and_histories_print_in_romanian_bosnian_croatian_and_montenegrin() {
    let manifest = manifest(12);
    let manifest_seal =
        Seal::sign(manifest.seal_fields().expect("fields"), &site_key()).expect("sign");
    let report = stocktake();
    let report_seal = Seal::sign(report.seal_fields().expect("fields"), &site_key()).expect("sign");
    let history = history();
    for lang in [
        Language::Romanian,
        Language::Bosnian,
        Language::Croatian,
        Language::Montenegrin,
    ] {
        let opts = RenderOptions::new(lang);
        let tag = lang.tag();
        let docs = [
            ("manifest", manifest.to_pdf(&manifest_seal, &opts), true),
            ("stocktake", report.to_pdf(&report_seal, &opts), true),
            ("history", history.to_pdf(&opts), false),
        ];
        for (kind, pdf, sealed) in docs {
            let pdf = pdf.unwrap_or_else(|e| panic!("{kind} in {tag}: {e}"));
            let path = write(&format!("{kind}-{tag}.pdf"), &pdf);
            qpdf_check(&path);
            render_page(&path, 1, 60, &out_dir().join(format!("{kind}-{tag}-page1")));
            let text = pdftotext(&path);
            assert!(
                text.contains(&format!("{} 1 / ", lang.t(Label::Page))),
                "{kind} in {tag}: page numbers in the language"
            );
            if sealed {
                verify_pdf(&pdf, &trusted()).unwrap_or_else(|e| panic!("{kind} in {tag}: {e}"));
            }
        }
    }
}
