//! CSV and JSON exports as an analyst or a registry would consume them.

mod common;

use common::*;
use custody_docs::export::{self, CsvOptions};
use custody_docs::*;

/// A minimal RFC 4180 reader, written here so the export is checked against an independent parser.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn a_registry_reads_back_every_stocktake_finding_from_the_csv() {
    let report = stocktake();
    let rows = parse_csv(&export::stocktake_csv(&report, CsvOptions::default()));
    assert_eq!(rows[0][0], "list");
    let body = &rows[1..];
    let count = |list: &str| body.iter().filter(|r| r[0] == list).count();
    assert_eq!(count("found"), report.found.len());
    assert_eq!(count("missing"), report.missing.len());
    assert_eq!(count("misplaced"), report.misplaced.len());
    assert_eq!(count("unknown"), report.unknown.len());
    assert_eq!(count("duplicate"), report.duplicates.len());
    let missing = body
        .iter()
        .find(|r| r[0] == "missing")
        .expect("a missing row");
    assert_eq!(missing[9], report.missing[0].resolution);
    assert!(body.iter().all(|r| r.len() == rows[0].len()), "ragged rows");
}

#[test]
fn quoted_serials_and_remarks_survive_a_round_trip_through_csv() {
    let mut list = items(20);
    list[4].model = "M70, \"Pčelica\"\nsecond line".into();
    let rows = parse_csv(&export::items_csv(
        &list,
        CsvOptions {
            excel_bom: true,
            language: None,
        },
    ));
    assert_eq!(rows.len(), 21);
    let row = rows
        .iter()
        .find(|r| r[1] == list[4].custody_code)
        .expect("row");
    assert_eq!(row[4], list[4].model);
    assert_eq!(row[6], list[4].serial);
}

#[test]
fn history_csv_keeps_utc_times_and_manifest_lists_export() {
    let h = history();
    let rows = parse_csv(&export::history_csv(&h, CsvOptions::default()));
    assert_eq!(rows.len(), h.events.len() + 1);
    assert_eq!(rows[2][1], h.events[1].time.to_rfc3339());
    let m = manifest(10);
    let rows = parse_csv(&export::containers_csv(&m, CsvOptions::default()));
    assert_eq!(rows[1][0], "BOX-A");
    let rows = parse_csv(&export::discrepancies_csv(&m, CsvOptions::default()));
    assert_eq!(rows[1][1], m.discrepancies[0].description);
}

#[test]
fn a_certificate_exported_as_json_reads_back_identically() {
    let cert = certificate(25);
    let json = export::to_json(&cert);
    let back: DestructionCertificate = serde_json::from_str(&json).expect("JSON reads back");
    assert_eq!(back, cert);
    let items: Vec<ItemLine> =
        serde_json::from_str(&export::to_json(&cert.items)).expect("item list JSON");
    assert_eq!(items, cert.items);
    let bad = json.replace(&to_hex(&cert.checkpoint.head_hash), "not-hex");
    let err = serde_json::from_str::<DestructionCertificate>(&bad).expect_err("bad hash");
    assert!(err.to_string().contains("64 hex digits"), "{err}");
}
