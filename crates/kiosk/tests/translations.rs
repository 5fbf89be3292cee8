//! Every word on the kiosk goes through `@tr`, and every language the kiosk offers must have all
//! of them. This test reads the screens (ui/*.slint) and the gettext catalogues
//! (ui/translations/<lang>/LC_MESSAGES/custody-kiosk.po) as text, without Slint, and fails with
//! the language and the msgid of every missing, stale or broken translation, so that a new
//! screen cannot ship half in English.
//!
//! Run with `-- --nocapture` to see the coverage per language.

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

/// The text of a quoted .po string (`"..."`), with \" \\ \n \t unescaped.
fn po_string(quoted: &str, at: &str) -> String {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{at}: expected a quoted string, found {quoted}"));
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            other => panic!("{at}: unknown escape \\{other:?}"),
        }
    }
    out
}

fn parse_po(name: &str, text: &str) -> Catalogue {
    #[derive(Clone, Copy)]
    enum Field {
        Ctxt,
        Id,
        Plural,
        Str(usize),
    }
    let mut entries: Vec<PoEntry> = Vec::new();
    let mut current: Option<PoEntry> = None;
    let mut field = Field::Id;
    let mut fuzzy_next = false;
    let append = |e: &mut PoEntry, f: Field, s: String| match f {
        Field::Ctxt => e.msgctxt.get_or_insert_with(String::new).push_str(&s),
        Field::Id => e.msgid.push_str(&s),
        Field::Plural => e.msgid_plural.get_or_insert_with(String::new).push_str(&s),
        Field::Str(n) => {
            if e.msgstr.len() <= n {
                e.msgstr.resize(n + 1, String::new());
            }
            e.msgstr[n].push_str(&s);
        }
    };
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let at = format!("{name}:{}", n + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(flags) = line.strip_prefix("#,") {
            fuzzy_next |= flags.split(',').any(|f| f.trim() == "fuzzy");
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (keyword, rest) = match line.split_once(' ') {
            Some((k, r)) if !line.starts_with('"') => (k, r.trim()),
            _ => ("", line),
        };
        // msgctxt starts an entry; msgid starts one unless it follows that entry's msgctxt.
        let starts_entry =
            keyword == "msgctxt" || (keyword == "msgid" && !matches!(field, Field::Ctxt));
        if starts_entry {
            if let Some(done) = current.take() {
                entries.push(done);
            }
            current = Some(PoEntry {
                line: n + 1,
                fuzzy: std::mem::take(&mut fuzzy_next),
                ..Default::default()
            });
        }
        let entry = current
            .as_mut()
            .unwrap_or_else(|| panic!("{at}: text before the first msgid"));
        field = match keyword {
            "msgctxt" => Field::Ctxt,
            "msgid" => Field::Id,
            "msgid_plural" => Field::Plural,
            "msgstr" => Field::Str(0),
            "" => field,
            k if k.starts_with("msgstr[") && k.ends_with(']') => Field::Str(
                k["msgstr[".len()..k.len() - 1]
                    .parse()
                    .unwrap_or_else(|_| panic!("{at}: bad plural index in {k}")),
            ),
            other => panic!("{at}: unknown keyword {other}"),
        };
        append(entry, field, po_string(rest, &at));
    }
    if let Some(done) = current.take() {
        entries.push(done);
    }

    let mut header = BTreeMap::new();
    if let Some(pos) = entries
        .iter()
        .position(|e| e.msgid.is_empty() && e.msgctxt.is_none())
    {
        let h = entries.remove(pos);
        for line in h.msgstr.first().map(String::as_str).unwrap_or("").lines() {
            if let Some((k, v)) = line.split_once(':') {
                header.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    Catalogue { header, entries }
}

/// Language folder -> catalogue, for every folder under ui/translations.
fn catalogues() -> BTreeMap<String, Catalogue> {
    let root = ui_dir().join("translations");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&root).expect("ui/translations") {
        let dir = entry.expect("translation folder").path();
        if !dir.is_dir() {
            continue;
        }
        let lang = dir.file_name().unwrap().to_string_lossy().to_string();
        let file = dir.join("LC_MESSAGES").join(DOMAIN);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{lang}: cannot read {}: {e}", file.display()));
        out.insert(lang.clone(), parse_po(&format!("{lang}/{DOMAIN}"), &text));
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

/// Serbian Cyrillic back to Latin, letter by letter; Latin letters (USB, Custody) stay.
fn serbian_to_latin(cyrillic: &str) -> String {
    let chars: Vec<char> = cyrillic.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let next_upper = chars.get(i + 1).is_some_and(|n| n.is_uppercase());
        let s = match c {
            'Љ' if next_upper => "LJ",
            'Њ' if next_upper => "NJ",
            'Џ' if next_upper => "DŽ",
            'Љ' => "Lj",
            'Њ' => "Nj",
            'Џ' => "Dž",
            'љ' => "lj",
            'њ' => "nj",
            'џ' => "dž",
            _ => {
                const PAIRS: &str = "аaбbвvгgдdђđеeжžзzиiјjкkлlмmнnоoпpрrсsтtћćуuфfхhцcчčшš";
                let lower = c.to_lowercase().next().unwrap_or(*c);
                let p: Vec<char> = PAIRS.chars().collect();
                match p.chunks(2).find(|pair| pair[0] == lower) {
                    Some(pair) if c.is_uppercase() => {
                        out.extend(pair[1].to_uppercase());
                        continue;
                    }
                    Some(pair) => {
                        out.push(pair[1]);
                        continue;
                    }
                    None => {
                        out.push(*c);
                        continue;
                    }
                }
            }
        };
        out.push_str(s);
    }
    out
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

    // The catalogue folders are exactly the languages the kiosk offers.
    let offered: BTreeSet<String> = custody_kiosk::LANGUAGES
        .iter()
        .map(|(code, _)| code.to_string())
        .filter(|c| c != "en")
        .collect();
    let folders: BTreeSet<String> = cats.keys().cloned().collect();
    for lang in offered.difference(&folders) {
        problems.push(format!(
            "{lang}: offered in custody_kiosk::LANGUAGES but ui/translations/{lang}/LC_MESSAGES/{DOMAIN} does not exist"
        ));
    }
    for lang in folders.difference(&offered) {
        problems.push(format!(
            "{lang}: ui/translations/{lang} exists but the language is not in custody_kiosk::LANGUAGES"
        ));
    }

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

        // Entries: no context, no fuzzy, no duplicates, nothing the UI does not use.
        let mut by_id: BTreeMap<&str, &PoEntry> = BTreeMap::new();
        for e in &cat.entries {
            let at = format!("{lang}/{DOMAIN}:{}", e.line);
            if e.msgctxt.is_some() {
                problems.push(format!(
                    "{at}: msgctxt on \"{}\" (the UI uses none)",
                    e.msgid
                ));
            }
            if e.fuzzy {
                problems.push(format!("{at}: \"{}\" is marked fuzzy", e.msgid));
            }
            if by_id.insert(&e.msgid, e).is_some() {
                problems.push(format!("{at}: \"{}\" appears twice", e.msgid));
            }
            if !ids.contains_key(&e.msgid) {
                problems.push(format!(
                    "{at}: stale entry \"{}\" is not used in ui/*.slint any more; delete it",
                    e.msgid
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

#[test]
fn serbian_cyrillic_is_the_transliteration_of_serbian_latin() {
    let cats = catalogues();
    let (Some(cyr), Some(lat)) = (cats.get("sr"), cats.get("sr@latin")) else {
        panic!("both sr and sr@latin catalogues are expected");
    };
    let latin: BTreeMap<&str, &str> = lat
        .entries
        .iter()
        .map(|e| {
            (
                e.msgid.as_str(),
                e.msgstr.first().map(String::as_str).unwrap_or(""),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for e in &cyr.entries {
        let c = e.msgstr.first().map(String::as_str).unwrap_or("");
        let Some(l) = latin.get(e.msgid.as_str()) else {
            continue; // reported as missing by the coverage test
        };
        if serbian_to_latin(c) != *l {
            problems.push(format!(
                "\"{}\": sr says \"{c}\" (= \"{}\"), sr@latin says \"{l}\"",
                e.msgid,
                serbian_to_latin(c)
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "sr and sr@latin differ:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_settings_screen_offers_every_language_by_its_own_name() {
    let settings = std::fs::read_to_string(ui_dir().join("settings.slint")).expect("settings");
    for (code, name) in custody_kiosk::LANGUAGES {
        assert!(
            settings.contains(&format!("\"{code}\"")) && settings.contains(&format!("\"{name}\"")),
            "ui/settings.slint does not offer {code} ({name}) from custody_kiosk::LANGUAGES"
        );
    }
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
fn the_po_reader_joins_continuation_lines_and_unescapes() {
    let po = r#"
# A comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: xx\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Scan \"done\""
msgstr "Skenirajte „done”"

msgid ""
"A long "
"sentence"
msgstr ""
"Eine lange "
"Zeile\\n"

#, fuzzy
msgid "{n} item"
msgid_plural "{n} items"
msgstr[0] "{n} Ding"
msgstr[1] "{n} Dinge"
"#;
    let cat = parse_po("test.po", po);
    assert_eq!(cat.header.get("Language").map(String::as_str), Some("xx"));
    assert_eq!(nplurals(&cat.header), Some(2));
    assert_eq!(cat.entries.len(), 3);
    assert_eq!(cat.entries[0].msgid, "Scan \"done\"");
    assert_eq!(cat.entries[1].msgid, "A long sentence");
    assert_eq!(cat.entries[1].msgstr, ["Eine lange Zeile\\n"]);
    assert!(cat.entries[2].fuzzy && !cat.entries[1].fuzzy);
    assert_eq!(cat.entries[2].msgid_plural.as_deref(), Some("{n} items"));
    assert_eq!(cat.entries[2].msgstr, ["{n} Ding", "{n} Dinge"]);
}

#[test]
fn placeholders_compare_by_argument_not_by_spelling() {
    assert_eq!(placeholders("{} of {}"), placeholders("{1} sur {0}"));
    assert_eq!(placeholders("{} of {}"), placeholders("od {} {}"));
    assert_ne!(placeholders("{} of {}"), placeholders("{} of"));
    assert_ne!(placeholders("{} of {}"), placeholders("{0} of {0}"));
    assert_eq!(placeholders("{{literal}} {}"), ["0"]);
    assert_eq!(
        serbian_to_latin("Љубљана ЊЕГОШ Џеп USB"),
        "Ljubljana NJEGOŠ Džep USB"
    );
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
