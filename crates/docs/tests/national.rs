//! The registry's national destruction report: sealed over its item list, printed in every
//! document language, and checked by the same `verify_pdf` as a site's certificate.

mod common;

use common::*;
use custody_docs::*;

fn report(items: Vec<ItemLine>) -> NationalDestructionReport {
    NationalDestructionReport {
        report_id: "NR-2025-20260110".into(),
        registry_name: "Custody Registry".into(),
        year: 2025,
        issued_on: date(2026, 1, 10),
        by_country: vec![CountryTotal {
            country: "RS".into(),
            item_type: "rifle".into(),
            destroyed: items.len() as u64,
        }],
        by_site: vec![SiteTotal {
            site_name: "Depot Ниш".into(),
            site_id: "site-1".into(),
            destroyed: items.len() as u64,
        }],
        items,
        checkpoint: CheckpointRef {
            seq: 93,
            head_hash: [7; 32],
        },
    }
}

fn rifle(code: &str, serial: &str) -> ItemLine {
    ItemLine {
        custody_code: code.into(),
        item_type: "rifle".into(),
        make: "Zastava".into(),
        model: "M70".into(),
        calibre: String::new(),
        serial: serial.into(),
    }
}

#[test]
fn the_report_verifies_in_every_language_and_its_seal_fits_no_other_list() {
    let r = report(vec![
        rifle("WAAAAAAAAAAA", "AK-1"),
        rifle("WBBBBBBBBBBB", "AK-2"),
    ]);
    let seal = Seal::sign(r.seal_fields().unwrap(), &site_key()).unwrap();
    for language in Language::ALL {
        let pdf = r.to_pdf(&seal, &RenderOptions::new(language)).unwrap();
        let v = verify_pdf(&pdf, &trusted()).unwrap_or_else(|e| panic!("{language:?}: {e}"));
        assert_eq!(v.seal.fields.counts, vec![2]);
        assert_eq!(v.seal.fields.document_id, "NR-2025-20260110");
    }
    // A seal made for a different list cannot be printed on this report.
    let other = report(vec![rifle("WAAAAAAAAAAA", "AK-1")]);
    let other_seal = Seal::sign(other.seal_fields().unwrap(), &site_key()).unwrap();
    assert!(r
        .to_pdf(&other_seal, &RenderOptions::new(Language::English))
        .is_err());
}
