//! CSV (RFC 4180) and JSON for every list a document carries. CSV columns keep stable English
//! keys unless a language is chosen for people opening the file in a spreadsheet.

use serde::Serialize;

use crate::lang::{Label, Language, Words};
use crate::model::{DispositionReport, HandoverManifest, ItemHistory, ItemLine, StocktakeReport};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte order mark, which Excel needs to read Cyrillic correctly.
    pub excel_bom: bool,
    /// Translated column headings; `None` keeps machine-stable English keys.
    pub language: Option<Language>,
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first:
/// `=HYPERLINK(...)`, `=cmd|...`) is written with a leading apostrophe, which spreadsheets show
/// as text and never evaluate (the OWASP guidance on CSV injection). Every CSV Custody writes
/// passes its cells through here.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// RFC 4180 through the `csv` crate (CRLF, quotes only where needed), every cell made
/// spreadsheet-safe first.
struct Csv {
    writer: csv::Writer<Vec<u8>>,
    opts: CsvOptions,
}

impl Csv {
    fn new(opts: CsvOptions) -> Csv {
        let mut start = Vec::new();
        if opts.excel_bom {
            start.extend_from_slice("\u{feff}".as_bytes());
        }
        let writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(start);
        Csv { writer, opts }
    }

    fn header(&mut self, cols: &[(&str, Label)]) {
        let names: Vec<String> = cols
            .iter()
            .map(|(key, label)| match self.opts.language {
                Some(l) => l.t(*label),
                None => key.to_string(),
            })
            .collect();
        self.row(names.iter().map(String::as_str));
    }

    fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) {
        let cells: Vec<std::borrow::Cow<'_, str>> =
            fields.into_iter().map(spreadsheet_safe).collect();
        // Writing into memory cannot fail.
        let _ = self.writer.write_record(cells.iter().map(|c| c.as_bytes()));
    }

    fn finish(self) -> String {
        let bytes = self.writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

const ITEM_COLS: [(&str, Label); 7] = [
    ("no", Label::ColNo),
    ("custody_code", Label::CustodyCode),
    ("type", Label::Type),
    ("make", Label::Make),
    ("model", Label::Model),
    ("calibre", Label::Calibre),
    ("serial", Label::Serial),
];

/// Items numbered in the annex order (sorted by custody code, then serial).
pub fn items_csv(items: &[ItemLine], opts: CsvOptions) -> String {
    let mut csv = Csv::new(opts);
    csv.header(&ITEM_COLS);
    for (n, i) in sorted(items).into_iter().enumerate() {
        let no = (n + 1).to_string();
        csv.row([
            no.as_str(),
            &i.custody_code,
            &i.item_type,
            &i.make,
            &i.model,
            &i.calibre,
            &i.serial,
        ]);
    }
    csv.finish()
}

pub fn discrepancies_csv(manifest: &HandoverManifest, opts: CsvOptions) -> String {
    let mut csv = Csv::new(opts);
    csv.header(&[
        ("subject", Label::CustodyCode),
        ("description", Label::Description),
        ("resolution", Label::Resolution),
    ]);
    for d in &manifest.discrepancies {
        csv.row([d.subject.as_str(), &d.description, &d.resolution]);
    }
    csv.finish()
}

pub fn containers_csv(manifest: &HandoverManifest, opts: CsvOptions) -> String {
    let mut csv = Csv::new(opts);
    csv.header(&[
        ("container", Label::Container),
        ("seal_numbers", Label::SealNumbers),
        ("item_count", Label::Count),
    ]);
    for c in &manifest.containers {
        let seals = c.seal_numbers.join(" ");
        let count = c.item_count.to_string();
        csv.row([c.container_id.as_str(), &seals, &count]);
    }
    csv.finish()
}

/// All five stocktake lists in one table; the `list` column says which.
pub fn stocktake_csv(report: &StocktakeReport, opts: CsvOptions) -> String {
    let mut csv = Csv::new(opts);
    csv.header(&[
        ("list", Label::Summary),
        ("custody_code", Label::CustodyCode),
        ("serial", Label::Serial),
        ("type", Label::Type),
        ("make", Label::Make),
        ("model", Label::Model),
        ("expected_location", Label::ExpectedLocation),
        ("found_location", Label::FoundLocation),
        ("times_scanned", Label::TimesScanned),
        ("resolution", Label::Resolution),
    ]);
    let name = |label: Label, key: &'static str| match opts.language {
        Some(l) => l.t(label),
        None => key.to_string(),
    };
    let found = name(Label::Found, "found");
    for i in sorted(&report.found) {
        csv.row([
            found.as_str(),
            &i.custody_code,
            &i.serial,
            &i.item_type,
            &i.make,
            &i.model,
            "",
            "",
            "",
            "",
        ]);
    }
    for (label, key, list) in [
        (Label::Missing, "missing", &report.missing),
        (Label::Misplaced, "misplaced", &report.misplaced),
    ] {
        let list_name = name(label, key);
        for f in list {
            let i = &f.item;
            csv.row([
                list_name.as_str(),
                &i.custody_code,
                &i.serial,
                &i.item_type,
                &i.make,
                &i.model,
                &f.expected_location,
                &f.found_location,
                "",
                &f.resolution,
            ]);
        }
    }
    let unknown = name(Label::Unknown, "unknown");
    for u in &report.unknown {
        csv.row([
            unknown.as_str(),
            &u.scanned_code,
            "",
            "",
            "",
            "",
            "",
            &u.location,
            "",
            &u.resolution,
        ]);
    }
    let dup = name(Label::Duplicates, "duplicate");
    for d in &report.duplicates {
        let times = d.times_scanned.to_string();
        let i = &d.item;
        csv.row([
            dup.as_str(),
            &i.custody_code,
            &i.serial,
            &i.item_type,
            &i.make,
            &i.model,
            "",
            "",
            &times,
            &d.resolution,
        ]);
    }
    csv.finish()
}

pub fn history_csv(history: &ItemHistory, opts: CsvOptions) -> String {
    let mut csv = Csv::new(opts);
    csv.header(&[
        ("seq", Label::ColNo),
        ("time_utc", Label::Time),
        ("kind", Label::EventKind),
        ("actor", Label::Actor),
        ("witness", Label::Witness),
        ("from", Label::From),
        ("to", Label::To),
        ("notes", Label::Notes),
    ]);
    for e in &history.events {
        let seq = e.seq.to_string();
        let time = e.time.to_rfc3339();
        csv.row([
            seq.as_str(),
            &time,
            &e.kind,
            &e.actor,
            &e.witness,
            &e.from,
            &e.to,
            &e.notes,
        ]);
    }
    csv.finish()
}

/// Pretty JSON of any list or whole document; serialisation of these plain records cannot fail.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn sorted(items: &[ItemLine]) -> Vec<&ItemLine> {
    let mut v: Vec<&ItemLine> = items.iter().collect();
    v.sort_by(|a, b| (&a.custody_code, &a.serial).cmp(&(&b.custody_code, &b.serial)));
    v
}

/// A disposition report as CSV: one line per category and the total, machine-stable keys.
pub fn disposition_csv(report: &DispositionReport, opts: CsvOptions) -> String {
    let mut csv = Csv::new(opts);
    csv.row([
        "category",
        "intake",
        "destroyed",
        "released",
        "transferred_out",
        "lost_in_transit",
        "disposed",
        "ratio",
    ]);
    for r in report.rows.iter().chain(std::iter::once(&report.total)) {
        let figures = [
            r.intake,
            r.destroyed,
            r.released,
            r.transferred_out,
            r.lost_in_transit,
            r.disposed,
        ]
        .map(|n| n.to_string());
        csv.row(
            std::iter::once(r.category.as_str())
                .chain(figures.iter().map(String::as_str))
                .chain(std::iter::once(r.ratio.as_str())),
        );
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, serial: &str, model: &str) -> ItemLine {
        ItemLine {
            custody_code: code.into(),
            item_type: "pistol".into(),
            make: "Zastava".into(),
            model: model.into(),
            calibre: "7,62 mm".into(),
            serial: serial.into(),
        }
    }

    #[test]
    fn fields_with_commas_quotes_and_line_breaks_are_quoted_per_rfc_4180() {
        let items = [item("C-2", "A\"1", "M70, \"Tetejac\"\nold")];
        let csv = items_csv(&items, CsvOptions::default());
        let mut lines = csv.split("\r\n");
        assert_eq!(
            lines.next(),
            Some("no,custody_code,type,make,model,calibre,serial")
        );
        assert_eq!(
            lines.next(),
            Some("1,C-2,pistol,Zastava,\"M70, \"\"Tetejac\"\"\nold\",\"7,62 mm\",\"A\"\"1\"")
        );
    }

    #[test]
    fn formulas_in_cells_are_written_as_text() {
        let items = vec![
            item("=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "+SUM(A1)"),
            item("C-2", "@x", "-2+3"),
            item("C-3", "\tTAB", "M70"),
        ];
        let csv = items_csv(&items, CsvOptions::default());
        for line in csv.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t']),
                    "cell {cell:?} would run as a formula in {line:?}"
                );
            }
        }
        assert!(csv.contains("'=cmd|' /C calc'!A0"));
        assert_eq!(spreadsheet_safe("M70 Zastava"), "M70 Zastava");
    }

    #[test]
    fn an_excel_user_gets_a_bom_and_cyrillic_headings() {
        let opts = CsvOptions {
            excel_bom: true,
            language: Some(Language::SerbianCyrillic),
        };
        let csv = items_csv(&[item("C-1", "1", "M57")], opts);
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("Фабрички број"), "{csv}");
    }

    #[test]
    fn csv_rows_follow_the_annex_order() {
        let items = [item("C-9", "9", "M"), item("C-1", "1", "M")];
        let csv = items_csv(&items, CsvOptions::default());
        let first = csv.find("C-1").expect("C-1 listed");
        let second = csv.find("C-9").expect("C-9 listed");
        assert!(first < second);
    }
}
