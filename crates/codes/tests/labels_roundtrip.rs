//! A printed Custody label must scan back as the same code: render every kind of label,
//! decode the picture with rxing, classify what was read.

use std::time::Duration;

use custody_codes::render::{render_label_pdf, render_label_png, render_label_svg, render_zpl};
use custody_codes::{classify, decode_image, LabelCode, LabelKind, LabelSpec, Scanned};

fn label_for(kind: LabelKind, n: u64) -> LabelSpec {
    LabelSpec::new(
        LabelCode::from_number(kind, 0x2_3456_789A_u64.wrapping_mul(n + 7)),
        "Zastava M70 · сер. 123456",
    )
}

fn codes_in_png(png: &[u8]) -> Vec<(String, LabelCode)> {
    let found = decode_image(png, Duration::from_secs(60)).expect("decoding finishes in time");
    found
        .iter()
        .map(|d| match classify(d.aim(), &d.bytes) {
            Ok(Scanned::Custody { label, .. }) => (d.symbology.clone(), label),
            other => panic!("{} read {:?} as {other:?}", d.symbology, d.text),
        })
        .collect()
}

#[test]
fn every_kind_of_label_printed_at_150_and_300_dpi_scans_back() {
    for (i, kind) in LabelKind::ALL.into_iter().enumerate() {
        let spec = label_for(kind, i as u64);
        for dpi in [150, 300] {
            let png = render_label_png(&spec, dpi).unwrap();
            let found = codes_in_png(&png);
            let symbologies: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
            assert!(
                symbologies.contains(&"code128"),
                "{kind:?} at {dpi} dpi: {symbologies:?}"
            );
            assert!(
                symbologies.contains(&"datamatrix"),
                "{kind:?} at {dpi} dpi: {symbologies:?}"
            );
            for (symbology, code) in found {
                assert_eq!(code, spec.code, "{symbology} on {kind:?} at {dpi} dpi");
            }
        }
    }
}

#[test]
fn a_png_label_has_the_size_asked_for() {
    let png = render_label_png(&label_for(LabelKind::Location, 1), 300).unwrap();
    let img = image::load_from_memory(&png).unwrap();
    // 50 mm at 300 dpi is 590.55 px, 25 mm is 295.3 px.
    assert_eq!((img.width(), img.height()), (591, 295));
}

fn pdftoppm(pdf: &[u8], dpi: u32, name: &str) -> Vec<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("custody-codes-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png"])
        .arg(&input)
        .arg(dir.join("page"))
        .status()
        .unwrap_or_else(|e| {
            panic!("pdftoppm could not be started ({e}): install poppler-utils (apt-get install -y poppler-utils); CI installs it")
        });
    assert!(status.success(), "pdftoppm failed on the PDF");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    let out = pages.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn a_pdf_label_rasterised_by_poppler_scans_back() {
    for kind in [LabelKind::Weapon, LabelKind::Evidence, LabelKind::Person] {
        let spec = label_for(kind, 3);
        let pdf = render_label_pdf(&spec).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        for dpi in [200, 300] {
            let pages = pdftoppm(&pdf, dpi, &format!("{kind:?}{dpi}"));
            assert_eq!(pages.len(), 1);
            let found = codes_in_png(&pages[0]);
            assert!(found.len() >= 2, "{kind:?} at {dpi} dpi found {found:?}");
            assert!(found.iter().all(|(_, c)| *c == spec.code));
        }
    }
}

#[test]
fn an_a4_sheet_carries_every_label_on_it() {
    let labels: Vec<LabelSpec> = (0..6).map(|i| label_for(LabelKind::Evidence, i)).collect();
    let layout = custody_codes::SheetLayout::a4(4, 2);
    let pdf = custody_codes::render_sheet_pdf(&labels, &layout).unwrap();
    let pages = pdftoppm(&pdf, 150, "sheet");
    assert_eq!(pages.len(), 1);
    let found = codes_in_png(&pages[0]);
    for spec in &labels {
        assert!(
            found.iter().any(|(_, c)| *c == spec.code),
            "{} missing from the sheet; found {found:?}",
            spec.code
        );
    }
}

#[test]
fn the_command_sheet_holds_every_command() {
    let pdf = custody_codes::render_command_sheet_pdf().unwrap();
    let pages = pdftoppm(&pdf, 100, "commands");
    assert_eq!(pages.len(), 1, "the command sheet is one A4 page");
    let found = codes_in_png(&pages[0]);
    for command in custody_codes::ScanCommand::ALL {
        assert!(
            found.iter().any(|(_, c)| c.command() == Some(command)),
            "{command:?} missing; found {found:?}"
        );
    }
}

#[test]
fn svg_and_zpl_carry_the_code_and_its_printed_form() {
    let spec = label_for(LabelKind::Batch, 9);
    let svg = render_label_svg(&spec).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains(&spec.code.display_form()));
    assert!(svg.contains("сер. 123456"), "Cyrillic text is kept");
    let zpl = render_zpl(&spec, 203).unwrap();
    assert!(zpl.starts_with("^XA") && zpl.trim_end().ends_with("^XZ"));
    assert!(zpl.contains("^BCN"));
    assert!(zpl.contains(&format!("^FD{}^FS", spec.code.as_str())));
    assert!(zpl.contains("^BXN"));
    assert!(zpl.contains(&spec.code.display_form()));
}

#[test]
fn impossible_label_requests_are_refused() {
    let spec = label_for(LabelKind::Weapon, 1).with_size(10.0, 5.0);
    assert!(render_label_png(&spec, 300).is_err());
    assert!(render_label_png(&label_for(LabelKind::Weapon, 1), 5).is_err());
    let layout = custody_codes::SheetLayout::a4(40, 12);
    assert!(custody_codes::render_sheet_pdf(&[label_for(LabelKind::Weapon, 1)], &layout).is_err());
    assert!(custody_codes::render_sheet_pdf(&[], &custody_codes::SheetLayout::a4(2, 2)).is_err());
}

#[test]
fn a_blank_or_broken_image_is_not_a_crash() {
    let blank = image::GrayImage::from_pixel(200, 100, image::Luma([255]));
    let mut png = std::io::Cursor::new(Vec::new());
    blank.write_to(&mut png, image::ImageFormat::Png).unwrap();
    assert_eq!(
        decode_image(png.get_ref(), Duration::from_secs(20)).unwrap(),
        vec![]
    );
    assert!(decode_image(b"not a png", Duration::from_secs(1)).is_err());
}
