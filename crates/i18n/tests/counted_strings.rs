//! Every counted string of the catalogues (the kiosk's screens and the documents in
//! `custody-kiosk.po`, the registry's pages in `custody-registry-web.po`) reads right for 1, 2, 5
//! and 21 in every language: the catalogue's plural form that the language's rule picks for the
//! count, with the count put in, holds the words a reviewer wrote down from each grammar in
//! `tests/data/counted-forms.txt` (never taken from the catalogues).

use custody_i18n::{Catalogue, Language};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const COUNTS: [u64; 4] = [1, 2, 5, 21];
/// Between two phrases of one expected cell that must both appear, in this order.
const THEN: &str = " … ";

/// Where the count goes in a text.
#[derive(Debug)]
enum Slot {
    /// A named placeholder: `{0}`, `{1}`, `{n}`.
    Named(String),
    /// The k-th `{}` (1-based), for the registry's positional placeholders.
    Nth(usize),
}

#[derive(Debug)]
struct Counted {
    domain: &'static str,
    slot: Slot,
    singular: String,
    /// Language code and the expected words for 1, 2, 5 and 21.
    rows: Vec<(String, [String; 4])>,
}

fn translations() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/translations")
}

fn domain_file(domain: &str) -> &'static str {
    match domain {
        "kiosk" => "custody-kiosk.po",
        "web" => "custody-registry-web.po",
        other => panic!("unknown catalogue [{other}] in the table"),
    }
}

/// The catalogue file a language reads (Serbian Cyrillic is derived from Serbian Latin).
fn po_text(language: Language, domain: &str) -> String {
    let code = match language {
        Language::SerbianCyrillic => Language::SerbianLatin.code(),
        l => l.code(),
    };
    let path = translations()
        .join(code)
        .join("LC_MESSAGES")
        .join(domain_file(domain));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_table() -> Vec<Counted> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/counted-forms.txt");
    let text = std::fs::read_to_string(&path).expect("the table of counted forms");
    let mut table: Vec<Counted> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("counted-forms.txt line {}", i + 1);
        if let Some(rest) = line.strip_prefix('[') {
            let (domain, rest) = rest.split_once("] ").expect(&at);
            let (slot, singular) = rest.split_once(" | ").expect(&at);
            let slot = match slot.strip_prefix("{}") {
                Some(k) => Slot::Nth(k.parse().expect(&at)),
                None => Slot::Named(slot.to_string()),
            };
            let domain = match domain {
                "kiosk" => "kiosk",
                "web" => "web",
                other => panic!("{at}: unknown catalogue [{other}]"),
            };
            table.push(Counted {
                domain,
                slot,
                singular: singular.to_string(),
                rows: Vec::new(),
            });
        } else {
            let cells: Vec<&str> = line.split(" | ").map(str::trim).collect();
            let [code, one, two, five, twenty_one] = cells[..] else {
                panic!("{at}: a row is a language code and four cells");
            };
            let entry = table.last_mut().expect(&at);
            let forms = [one, two, five, twenty_one].map(str::to_string);
            entry.rows.push((code.to_string(), forms));
        }
    }
    table
}

/// (singular, plural) msgids of every counted entry of a catalogue.
fn plural_msgids(po: &str) -> Vec<(String, String)> {
    let file = rspolib::pofile(po).expect("catalogue parses");
    file.entries
        .into_iter()
        .filter(|e| !e.obsolete)
        .filter_map(|e| Some((e.msgid, e.msgid_plural?)))
        .collect()
}

/// `text` with the count written where `slot` says.
fn put_count(text: &str, slot: &Slot, count: &str) -> String {
    match slot {
        Slot::Named(placeholder) => text.replace(placeholder.as_str(), count),
        Slot::Nth(k) => match text.match_indices("{}").nth(k.saturating_sub(1)) {
            Some((at, _)) => format!("{}{count}{}", &text[..at], &text[at + 2..]),
            None => text.to_string(),
        },
    }
}

/// Where `phrase` occurs in `text` at or after `from` as whole words, and where it ends.
fn find_words(text: &str, phrase: &str, from: usize) -> Option<usize> {
    text[from..].match_indices(phrase).find_map(|(at, _)| {
        let start = from + at;
        let end = start + phrase.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        (!word(before) && !word(after)).then_some(end)
    })
}

/// Whether every phrase of an expected cell occurs in `text`, in order.
fn reads(text: &str, expected: &str) -> bool {
    let mut from = 0;
    for phrase in expected.split(THEN) {
        match find_words(text, phrase, from) {
            Some(end) => from = end,
            None => return false,
        }
    }
    true
}

#[test]
fn every_counted_string_reads_right_for_1_2_5_and_21_in_every_language() {
    let table = read_table();
    let mut problems = Vec::new();

    // The table covers every counted string of both catalogues, and nothing else.
    for domain in ["kiosk", "web"] {
        let in_catalogue: BTreeSet<String> =
            plural_msgids(&po_text(Language::SerbianLatin, domain))
                .into_iter()
                .map(|(singular, _)| singular)
                .collect();
        let in_table: BTreeSet<String> = table
            .iter()
            .filter(|c| c.domain == domain)
            .map(|c| c.singular.clone())
            .collect();
        for missing in in_catalogue.difference(&in_table) {
            problems.push(format!(
                "[{domain}] {missing:?} is counted but not in the table"
            ));
        }
        for stale in in_table.difference(&in_catalogue) {
            problems.push(format!(
                "[{domain}] {stale:?} is in the table but not counted"
            ));
        }
    }
    assert!(
        table.len() >= 27,
        "only {} counted strings in the table: is the table reader broken?",
        table.len()
    );

    for counted in &table {
        let po_latin = po_text(Language::SerbianLatin, counted.domain);
        let plural = plural_msgids(&po_latin)
            .into_iter()
            .find(|(singular, _)| *singular == counted.singular)
            .map(|(_, plural)| plural);
        let Some(plural) = plural else { continue };
        let codes: BTreeSet<&str> = counted.rows.iter().map(|(c, _)| c.as_str()).collect();
        for language in Language::ALL {
            if !codes.contains(language.code()) {
                problems.push(format!(
                    "{:?}: no row for {}",
                    counted.singular,
                    language.code()
                ));
            }
        }
        for (code, forms) in &counted.rows {
            let Some(language) = Language::from_code(code) else {
                problems.push(format!("{:?}: unknown language {code}", counted.singular));
                continue;
            };
            let catalogue = match language {
                Language::English => Catalogue::default(),
                l => Catalogue::parse_for(l, &po_text(l, counted.domain)).expect("parses"),
            };
            for (n, expected) in COUNTS.iter().zip(forms) {
                let number = language.number(*n);
                let form = catalogue.get_plural(&counted.singular, &plural, *n);
                let text = put_count(&form, &counted.slot, &number);
                let expected = expected.replace('#', &number);
                if !reads(&text, &expected) {
                    problems.push(format!(
                        "{code}, n = {n}: «{text}» should read «{expected}»"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// English nouns that a number counts (stems, so that plurals match too).
const COUNTED_NOUNS: &str =
    "item scan minute attempt discrepanc character site day event weapon lot round package witness";

/// Counted sentences without plural forms, and why that is right.
const NOT_COUNTED: [(&str, &str); 1] = [(
    "Destruction needs at least {} witnesses, each with their own badge and PIN.",
    "the number is core's MIN_WITNESSES, always 2: every catalogue writes the form for 2",
)];

#[test]
fn no_number_counts_a_noun_without_plural_forms() {
    let mut problems = Vec::new();
    let mut looked_at = 0;
    for domain in ["kiosk", "web"] {
        let file = rspolib::pofile(po_text(Language::SerbianLatin, domain).as_str())
            .expect("catalogue parses");
        for entry in file.entries.iter().filter(|e| e.msgid_plural.is_none()) {
            looked_at += 1;
            let id = &entry.msgid;
            if NOT_COUNTED.iter().any(|(m, _)| m == id) {
                continue;
            }
            if counts_a_noun(id) {
                problems.push(format!("[{domain}] {id:?}: a count without plural forms"));
            }
        }
    }
    assert!(
        looked_at > 500,
        "only {looked_at} msgids read: is the reader broken?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whether a placeholder (`{}`, `{0}`, `{n}`) stands right before a counted noun.
fn counts_a_noun(msgid: &str) -> bool {
    msgid.match_indices('}').any(|(at, _)| {
        let placeholder = msgid[..at]
            .rsplit('{')
            .next()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit() || c == 'n'));
        let next_word = msgid[at + 1..]
            .trim_start_matches(' ')
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("")
            .to_lowercase();
        placeholder && COUNTED_NOUNS.split(' ').any(|n| next_word.starts_with(n))
    })
}

#[test]
fn the_count_detector_sees_a_number_before_a_noun_and_nothing_else() {
    assert!(counts_a_noun("{0} item moved to {1}."));
    assert!(counts_a_noun("Try again in {} minutes, or ask"));
    assert!(counts_a_noun("History across sites: {} events"));
    assert!(!counts_a_noun("Lot {} is on legal hold."));
    assert!(!counts_a_noun("Items found: {}"));
    assert!(!counts_a_noun("{} is licensed for {} kg of explosive"));
}

#[test]
fn an_expected_phrase_matches_whole_words_in_order_only() {
    assert!(reads(
        "Premešten je 1 predmet na lokaciju A.",
        "je 1 predmet"
    ));
    assert!(!reads("Potpisan prijem 1 predmeta.", "prijem 1 predmet"));
    assert!(!reads("Ukupno 21 predmet.", "1 predmet"));
    assert!(reads(
        "sa 2 predmeta. Ponovo prebrojte seriju.",
        "sa 2 predmeta … prebrojte seriju"
    ));
    assert!(!reads(
        "Prebrojte seriju sa 2 predmeta.",
        "sa 2 predmeta … prebrojte seriju"
    ));
    assert_eq!(put_count("{}: {} items", &Slot::Nth(2), "5"), "{}: 5 items");
    assert_eq!(
        put_count("{0} · {n} item", &Slot::Named("{n}".into()), "1"),
        "{0} · 1 item"
    );
}
