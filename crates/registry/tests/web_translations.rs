//! Every string the registry's pages show has a translation in each of the eight catalogues
//! beside the kiosk's, with the same `{}` placeholders, none fuzzy, none left over; and the
//! pages pick them up.

use custody_registry::web::i18n::{catalogue_entries, Lang, LANGS};
use std::collections::BTreeSet;
use std::path::Path;

/// The string literal starting at `s` (just after its opening quote).
fn literal(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return out,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    panic!("unterminated literal: {s:.40}");
}

/// Every literal after one of `openers` (skipping whitespace before the quote).
fn after(text: &str, openers: &[&str], into: &mut BTreeSet<String>) {
    for opener in openers {
        for (i, _) in text.match_indices(opener) {
            let before = text[..i].chars().next_back();
            if opener.starts_with('t') && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = text[i + opener.len()..].trim_start();
            if let Some(s) = rest.strip_prefix('"') {
                into.insert(literal(s));
            }
        }
    }
}

fn used_msgids() -> BTreeSet<String> {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut ids = BTreeSet::new();
    for entry in std::fs::read_dir(web.join("templates")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            after(
                &std::fs::read_to_string(&path).unwrap(),
                &["t(", "tf(", "tn("],
                &mut ids,
            );
        }
    }
    for entry in std::fs::read_dir(&web).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            after(&text, &[".t(", ".tf(", ".tn("], &mut ids);
            for status in ["BAD_REQUEST,", "NOT_FOUND,", "FORBIDDEN,"] {
                after(&text, &[status], &mut ids);
            }
            after(
                &text,
                &["const CSRF_REFUSED: &str =", "const ADMINS_ONLY: &str ="],
                &mut ids,
            );
            after(
                &text,
                &["Role::Inspector =>", "Role::Administrator =>"],
                &mut ids,
            );
        }
    }
    ids
}

#[test]
fn every_page_string_is_translated_in_every_catalogue() {
    let used = used_msgids();
    // The scanner finds the strings at all (a broken scanner would pass every catalogue).
    for known in [
        "Overview",
        "Sign out",
        "The year is not valid.",
        "Administrator",
    ] {
        assert!(used.contains(known), "scanner missed {known:?}");
    }
    let mut problems = Vec::new();
    for lang in LANGS.iter().filter(|l| l.code != "en") {
        let catalogue =
            catalogue_entries(*lang).expect("a catalogue for every language but English");
        for id in &used {
            let t = catalogue.get(None, id);
            if !catalogue.has(None, id) {
                problems.push(format!("{}: no translation of {id:?}", lang.code))
            } else if t.matches("{}").count() != id.matches("{}").count() {
                problems.push(format!("{}: placeholders differ in {id:?}", lang.code))
            }
        }
        for (_, id) in catalogue.msgids() {
            if !used.contains(id) {
                problems.push(format!("{}: stale entry {id:?}", lang.code));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn serbian_cyrillic_is_cyrillic_and_dates_and_numbers_follow_each_language() {
    let sr = Lang::by_code("sr-Cyrl").unwrap();
    assert_eq!(sr.t("Overview"), "Преглед");
    assert_eq!(Lang::by_code("sr-Latn").unwrap().t("Overview"), "Pregled");
    assert_eq!(Lang::by_code("sq").unwrap().t("Sign out"), "Dil");
    let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
    let cases = [
        ("en", "2026-03-07", "1,234,567"),
        ("hr", "07.03.2026.", "1.234.567"),
        ("sr-Cyrl", "07.03.2026", "1.234.567"),
        ("sq", "07.03.2026", "1\u{a0}234\u{a0}567"),
        ("ro", "07.03.2026", "1.234.567"),
    ];
    for (code, date, number) in cases {
        let l = Lang::by_code(code).unwrap();
        assert_eq!(
            (l.date(d).as_str(), l.number(1_234_567).as_str()),
            (date, number),
            "{code}"
        );
    }
    assert_eq!(Lang::by_code("en").unwrap().number(-1000), "-1,000");
    assert_eq!(
        Lang::from_accept("de-DE,sr-Cyrl;q=0.8").map(|l| l.code),
        Some("sr-Cyrl")
    );
    assert_eq!(
        Lang::from_accept("mk-MK,en;q=0.5").map(|l| l.code),
        Some("mk")
    );
    assert_eq!(Lang::from_accept("de, fr").map(|l| l.code), None);
    // Placeholders are filled in order after translating.
    assert_eq!(sr.tf("Page {} of {}", &["2", "5"]), "Страна 2 од 5");
}
