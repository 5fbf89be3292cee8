//! Every word on the kiosk goes through `@tr`, and every language the kiosk offers must have all
//! of them. This test reads the screens (ui/*.slint) and the gettext catalogues
//! (ui/translations/<lang>/LC_MESSAGES/custody-kiosk.po) as text, without Slint, and fails with
//! the language and the msgid of every missing, stale or broken translation, so that a new
//! screen cannot ship half in English.
//!
//! Run with `-- --nocapture` to see the coverage per language.

use custody_i18n::Language;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const DOMAIN: &str = "custody-kiosk.po";

fn ui_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui")
}

// ---------------------------------------------------------------------------------------------
// The msgids: every @tr("...") in ui/*.slint
// ---------------------------------------------------------------------------------------------

/// One `@tr(...)` call: its msgid, and the plural msgid for `@tr("one" | "many" % n)`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TrCall {
    msgid: String,
    plural: Option<String>,
    /// `file.slint:line`, for the failure message.
    at: String,
}

/// Reads a Slint string literal starting at the opening quote; returns the text and the index
/// after the closing quote.
fn slint_string(src: &[char], start: usize, at: &str) -> (String, usize) {
    assert_eq!(src[start], '"', "{at}: expected a string literal");
    let mut out = String::new();
    let mut i = start + 1;
    loop {
        match src.get(i) {
            None => panic!("{at}: unterminated string literal"),
            Some('"') => return (out, i + 1),
            Some('\\') => {
                let escaped = match src.get(i + 1) {
                    Some('"') => '"',
                    Some('\\') => '\\',
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('{') => {
                        panic!("{at}: string interpolation inside @tr is not translatable")
                    }
                    other => panic!("{at}: unknown escape \\{other:?} in a @tr string"),
                };
                out.push(escaped);
                i += 2;
            }
            Some(c) => {
                out.push(*c);
                i += 1;
            }
        }
    }
}

fn skip_space(src: &[char], mut i: usize) -> usize {
    while src.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// Every `@tr` call in one .slint source. Comments and ordinary strings are skipped, so a
/// commented-out `@tr("...")` or an "@tr" inside a string does not count.
fn tr_calls(file: &str, source: &str) -> Vec<TrCall> {
    let src: Vec<char> = source.chars().collect();
    let line_of = |i: usize| 1 + src[..i].iter().filter(|c| **c == '\n').count();
    let mut calls = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let rest = &src[i..];
        if rest.starts_with(&['/', '/']) {
            while i < src.len() && src[i] != '\n' {
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            i += 2;
            while i < src.len() && !src[i..].starts_with(&['*', '/']) {
                i += 1;
            }
            i += 2;
        } else if src[i] == '"' {
            let at = format!("{file}:{}", line_of(i));
            i = slint_string(&src, i, &at).1;
        } else if rest.starts_with(&['@', 't', 'r']) {
            let at = format!("{file}:{}", line_of(i));
            let open = skip_space(&src, i + 3);
            if src.get(open) != Some(&'(') {
                i += 3;
                continue;
            }
            let (msgid, mut j) = slint_string(&src, skip_space(&src, open + 1), &at);
            j = skip_space(&src, j);
            assert!(
                !src[j..].starts_with(&['=', '>']),
                "{at}: @tr with an explicit context; the catalogues have no msgctxt \
                 (build.rs uses DefaultTranslationContext::None)"
            );
            let plural = if src.get(j) == Some(&'|') {
                let (p, k) = slint_string(&src, skip_space(&src, j + 1), &at);
                j = k;
                Some(p)
            } else {
                None
            };
            calls.push(TrCall { msgid, plural, at });
            i = j;
        } else {
            i += 1;
        }
    }
    calls
}

/// msgid -> the call (first occurrence) over every ui/*.slint file.
fn ui_msgids() -> BTreeMap<String, TrCall> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(ui_dir())
        .expect("ui folder")
        .map(|e| e.expect("ui entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "slint"))
        .collect();
    files.sort();
    let mut ids = BTreeMap::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let source = std::fs::read_to_string(&path).expect("slint source");
        for call in tr_calls(&name, &source) {
            if let Some(first) = ids.get(&call.msgid) {
                let first: &TrCall = first;
                assert_eq!(
                    first.plural, call.plural,
                    "{} and {}: the same msgid with different plural forms",
                    first.at, call.at
                );
            } else {
                ids.insert(call.msgid.clone(), call);
            }
        }
    }
    ids
}

// ---------------------------------------------------------------------------------------------
// The catalogues: a small .po reader
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Clone)]
struct PoEntry {
    msgctxt: Option<String>,
    msgid: String,
    msgid_plural: Option<String>,
    /// `msgstr`, or `msgstr[0]`, `msgstr[1]`, ... for plural entries.
    msgstr: Vec<String>,
    fuzzy: bool,
    line: usize,
}

#[derive(Debug)]
struct Catalogue {
    header: BTreeMap<String, String>,
    entries: Vec<PoEntry>,
}

/// A catalogue read by the ecosystem's .po reader, as the documents and the registry read it.
fn parse_po(name: &str, text: &str) -> Catalogue {
    let file = rspolib::pofile(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let header = file.metadata.into_iter().collect();
    let entries = file
        .entries
        .into_iter()
        .filter(|e| !e.obsolete)
        .map(|e| PoEntry {
            fuzzy: e.flags.iter().any(|f| f == "fuzzy"),
            line: e.linenum,
            msgstr: if e.msgid_plural.is_some() {
                e.msgstr_plural
            } else {
                vec![e.msgstr.unwrap_or_default()]
            },
            msgctxt: e.msgctxt,
            msgid: e.msgid,
            msgid_plural: e.msgid_plural,
        })
        .collect();
    Catalogue { header, entries }
}

/// Language code -> catalogue, for every language but English; Serbian Cyrillic is derived from
/// the Serbian Latin file, as the build derives it.
fn catalogues() -> BTreeMap<String, Catalogue> {
    let root = ui_dir().join("translations");
    let mut out = BTreeMap::new();
    for language in Language::ALL
        .into_iter()
        .filter(|l| *l != Language::English)
    {
        let lang = language.code();
        let source = match language {
            Language::SerbianCyrillic => Language::SerbianLatin.code(),
            other => other.code(),
        };
        let file = root.join(source).join("LC_MESSAGES").join(DOMAIN);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{lang}: cannot read {}: {e}", file.display()));
        let text = match language {
            Language::SerbianCyrillic => custody_i18n::serbian::cyrillic_po(&text),
            _ => text,
        };
        out.insert(
            lang.to_string(),
            parse_po(&format!("{lang}/{DOMAIN}"), &text),
        );
    }
    out
}

/// The arguments a format string refers to, sorted: `{}` counts up from 0, `{N}` is argument N,
/// `{{` and `}}` are literal braces. A translation may reorder the arguments (`{1} ... {0}`)
/// but must use each one the msgid uses, as often.
fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
            }
            '{' => {
                let mut name = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    name.push(d);
                }
                let name = name.trim().to_string();
                if name.is_empty() {
                    out.push(next.to_string());
                    next += 1;
                } else {
                    out.push(name);
                }
            }
            _ => {}
        }
    }
    out.sort();
    out
}

fn nplurals(header: &BTreeMap<String, String>) -> Option<usize> {
    let forms = header.get("Plural-Forms")?;
    let n = forms
        .split(';')
        .find_map(|p| p.trim().strip_prefix("nplurals="))?;
    n.trim().parse().ok()
}

// ---------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------

#[test]
fn every_ui_string_is_translated_in_every_offered_language() {
    let ids = ui_msgids();
    assert!(
        ids.len() > 100,
        "only {} @tr strings found in ui/*.slint: is the extractor broken?",
        ids.len()
    );
    let cats = catalogues();
    let mut problems: Vec<String> = Vec::new();

    // Every folder under ui/translations is a language of the one list (Serbian Cyrillic has
    // none: it is derived).
    for entry in std::fs::read_dir(ui_dir().join("translations")).expect("ui/translations") {
        let folder = entry
            .expect("folder")
            .file_name()
            .to_string_lossy()
            .to_string();
        if Language::from_code(&folder).is_none() || folder == "sr" {
            problems.push(format!(
                "ui/translations/{folder} is not a catalogue of custody_i18n::Language"
            ));
        }
    }
    // Documents print from the same catalogues: their msgids are in use too.
    let document_ids: BTreeSet<(Option<String>, String)> = custody_docs::lang::msgids()
        .into_iter()
        .map(|(c, m)| (c.map(str::to_string), m.to_string()))
        .collect();

    for (lang, cat) in &cats {
        // Header.
        match cat.header.get("Language") {
            Some(l) if l == lang => {}
            Some(l) => problems.push(format!(
                "{lang}: header says Language: {l}, the folder is {lang}"
            )),
            None => problems.push(format!("{lang}: header has no Language")),
        }
        let plurals = nplurals(&cat.header);
        if plurals.is_none() {
            problems.push(format!(
                "{lang}: header has no Plural-Forms with nplurals=N"
            ));
        }
        if !cat
            .header
            .get("Content-Type")
            .is_some_and(|c| c.to_ascii_lowercase().contains("charset=utf-8"))
        {
            problems.push(format!(
                "{lang}: header must declare Content-Type ... charset=UTF-8"
            ));
        }

        // Entries: no fuzzy, no duplicates, nothing the UI or the documents do not use.
        let mut by_id: BTreeMap<&str, &PoEntry> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for e in &cat.entries {
            let at = format!("{lang}/{DOMAIN}:{}", e.line);
            if e.fuzzy {
                problems.push(format!("{at}: \"{}\" is marked fuzzy", e.msgid));
            }
            let key = (e.msgctxt.clone(), e.msgid.clone());
            if !seen.insert(key.clone()) {
                problems.push(format!("{at}: \"{}\" appears twice", e.msgid));
            }
            if e.msgctxt.is_none() {
                by_id.insert(&e.msgid, e);
            }
            let in_ui = e.msgctxt.is_none() && ids.contains_key(&e.msgid);
            if !in_ui && !document_ids.contains(&key) {
                problems.push(format!(
                    "{at}: stale entry {:?} \"{}\" is used neither in ui/*.slint nor by the documents; delete it",
                    e.msgctxt, e.msgid
                ));
            }
        }

        // Every UI string: present, non-empty, same placeholders.
        for (id, call) in &ids {
            let Some(e) = by_id.get(id.as_str()) else {
                problems.push(format!(
                    "{lang}: missing translation for \"{id}\" ({})",
                    call.at
                ));
                continue;
            };
            let at = format!("{lang}/{DOMAIN}:{}", e.line);
            let wanted = if call.plural.is_some() {
                plurals.unwrap_or(1)
            } else {
                1
            };
            if call.plural != e.msgid_plural {
                problems.push(format!(
                    "{at}: \"{id}\" has msgid_plural {:?}, the UI has {:?}",
                    e.msgid_plural, call.plural
                ));
            }
            for n in 0..wanted {
                let s = e.msgstr.get(n).map(String::as_str).unwrap_or("");
                if s.trim().is_empty() {
                    problems.push(format!("{at}: empty translation for \"{id}\""));
                    continue;
                }
                let source = if n == 0 {
                    id.as_str()
                } else {
                    call.plural.as_deref().unwrap_or(id)
                };
                let (want, got) = (placeholders(source), placeholders(s));
                // A singular form may leave out the count ("one item" for "{n} item").
                let ok =
                    want == got || (call.plural.is_some() && got.iter().all(|g| want.contains(g)));
                if !ok {
                    problems.push(format!(
                        "{at}: placeholders differ for \"{id}\": msgid has {want:?}, \"{s}\" has {got:?}"
                    ));
                }
            }
        }
        let done = ids
            .keys()
            .filter(|id| {
                by_id
                    .get(id.as_str())
                    .is_some_and(|e| e.msgstr.iter().any(|s| !s.trim().is_empty()))
            })
            .count();
        println!("{lang:>9}: {done}/{} msgids translated", ids.len());
    }

    assert!(
        problems.is_empty(),
        "{} translation problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// The readers themselves, on the awkward cases
// ---------------------------------------------------------------------------------------------

#[test]
fn the_extractor_handles_escapes_multiline_calls_plurals_and_comments() {
    let src = r#"
        // Text { text: @tr("commented out"); }
        /* @tr("in a block comment") */
        Text { text: "@tr(\"inside a plain string\")"; }
        Label { text: @tr("Scan \"done\" when finished."); }
        Label {
            text: @tr(
                "{} of {}",
                a, b);
        }
        Label { text: @tr("{n} item" | "{n} items" % count); }
    "#;
    let calls = tr_calls("test.slint", src);
    let ids: Vec<&str> = calls.iter().map(|c| c.msgid.as_str()).collect();
    assert_eq!(
        ids,
        ["Scan \"done\" when finished.", "{} of {}", "{n} item"]
    );
    assert_eq!(calls[2].plural.as_deref(), Some("{n} items"));
    assert_eq!(calls[1].at, "test.slint:7");
}

#[test]
fn placeholders_compare_by_argument_not_by_spelling() {
    assert_eq!(placeholders("{} of {}"), placeholders("{1} sur {0}"));
    assert_eq!(placeholders("{} of {}"), placeholders("od {} {}"));
    assert_ne!(placeholders("{} of {}"), placeholders("{} of"));
    assert_ne!(placeholders("{} of {}"), placeholders("{0} of {0}"));
    assert_eq!(placeholders("{{literal}} {}"), ["0"]);
}

/// Macedonian writes «сѐ» ("all, everything") with U+0450, never the Latin «è» (U+00E8): a
/// Latin letter inside a Cyrillic word breaks search and looks wrong in print.
#[test]
fn no_macedonian_word_mixes_a_latin_letter_into_cyrillic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ui/translations/mk/LC_MESSAGES/custody-kiosk.po"
    );
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines().filter(|l| l.starts_with("msgstr")) {
        for word in line.split(|c: char| !c.is_alphabetic()) {
            let cyrillic = word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
            let latin = word
                .chars()
                .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c));
            assert!(!(cyrillic && latin), "mixed scripts in «{word}»: {line}");
        }
    }
}

/// A number followed by a counted noun needs the plural forms of each language («1 predmet»,
/// «2 predmeta», «5 predmeta», «21 predmet»), not one sentence for every count.
#[test]
fn every_counted_string_on_the_screens_uses_plural_forms() {
    const COUNTED: [&str; 12] = [
        "item",
        "scan",
        "minute",
        "attempt",
        "discrepanc",
        "character",
        "lot",
        "round",
        "weapon",
        "package",
        "day",
        "event",
    ];
    let mut problems = Vec::new();
    let mut plural = 0;
    for (id, call) in ui_msgids() {
        if call.plural.is_some() {
            plural += 1;
            continue;
        }
        for (i, _) in id.match_indices('}') {
            let before = &id[..i];
            let after = id[i + 1..].trim_start_matches(' ');
            let placeholder = before.ends_with('{')
                || before
                    .rsplit('{')
                    .next()
                    .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit() || c == 'n'));
            if placeholder && COUNTED.iter().any(|noun| after.starts_with(noun)) {
                problems.push(format!(
                    "{} ({}): a count without plural forms",
                    id, call.at
                ));
            }
        }
    }
    assert!(
        plural >= 18,
        "only {plural} plural strings found: is the extractor broken?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
