//! Every message kind the kiosk can show is worded in every language it offers, as the screen
//! words it (through `Messages.text` of the running UI, with the bundled catalogues): none is
//! left in English, and Serbian Cyrillic carries no Latin word but codes and names. A refused
//! scan says why in each of the nine languages.
//!
//! One test function: the chosen language is process-wide, so the checks must not interleave.

mod common;
use common::{depot, sign_in};
use custody_core::scans::ScanInput;
use custody_i18n::Language;
use custody_kiosk::messages::MSG_KINDS;
use custody_kiosk::{select_language, AppWindow, Messages, Msg, MsgKind};
use slint::{ComponentHandle, Model};
use std::collections::BTreeMap;

/// Latin words a Serbian Cyrillic message may keep besides the arguments' own words: the
/// product name, and formats and devices written in Latin everywhere.
const LATIN_ALLOWED: &[&str] = &["Custody", "PIN", "USB", "PDF", "ZPL", "DEMO", "done"];

const SAMPLE_CODE: &str = "W-7K3QX-9PLM2-4";

/// Arguments that a message kind reads as a key (a status, a resolution, a missing thing) get
/// a key; every other argument a code, a number or a name that stays as it is.
fn sample(kind: MsgKind) -> Msg {
    let code = SAMPLE_CODE;
    let (a, b, c) = match kind {
        MsgKind::Missing => ("serial", "", ""),
        MsgKind::ResolutionNeedsReference => ("reported_lost", "", ""),
        MsgKind::Alarm | MsgKind::WrongStatus | MsgKind::ScanFound | MsgKind::AlarmScan => {
            (code, "destroyed", "")
        }
        _ => (code, "42", "17"),
    };
    Msg {
        kind,
        a: a.into(),
        b: b.into(),
        c: c.into(),
        // A count that takes a plural form other than the singular in every language.
        n: 5,
    }
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn has_latin_letter(word: &str) -> bool {
    word.chars()
        .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
}

/// The `MsgKind` enum of ui/messages.slint, as the Rust names of its values.
fn slint_kinds() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/messages.slint");
    let source = std::fs::read_to_string(path).expect("ui/messages.slint");
    let start = source.find("export enum MsgKind {").expect("MsgKind enum");
    let body = &source[start + "export enum MsgKind {".len()..];
    let body = &body[..body.find('}').expect("end of MsgKind")];
    body.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            k.split('-')
                .map(|p| {
                    let mut cs = p.chars();
                    cs.next()
                        .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

fn text(app: &AppWindow, m: &Msg) -> String {
    app.global::<Messages>().invoke_text(m.clone()).to_string()
}

fn scan(d: &common::Depot, data: &[u8]) -> Msg {
    let input = ScanInput {
        device: "test scanner".into(),
        data: data.to_vec(),
        ..Default::default()
    };
    d.kiosk.borrow_mut().handle_scan(&d.app, input);
    let row = d
        .app
        .global::<custody_kiosk::ScanState>()
        .get_recent()
        .row_data(0)
        .expect("the scan is on the strip");
    row.message
}

#[test]
fn every_message_kind_and_a_refused_scans_reason_read_in_each_of_the_nine_languages() {
    i_slint_backend_testing::init_no_event_loop();

    // The Rust list is the .slint enum, kind for kind.
    let listed: Vec<String> = MSG_KINDS.iter().map(|k| format!("{k:?}")).collect();
    assert_eq!(
        listed,
        slint_kinds(),
        "MSG_KINDS and ui/messages.slint differ"
    );

    let d = depot(4);
    sign_in(&d.app, "OFF1", "642087");
    // A refused scan: a code nobody registered. Core says why; the kiosk words it.
    let unknown = scan(&d, b"ZZ-404-NOPE");
    assert_eq!(unknown.kind, MsgKind::UnknownItem);
    let garbled = scan(&d, &[0xff, 0xfe, 0x41]);
    assert_eq!(garbled.kind, MsgKind::ScanNotText);

    select_language("en");
    let english: BTreeMap<String, String> = MSG_KINDS
        .iter()
        .filter(|k| **k != MsgKind::None)
        .map(|k| (format!("{k:?}"), text(&d.app, &sample(*k))))
        .collect();
    for (kind, said) in &english {
        assert!(!said.trim().is_empty(), "{kind} says nothing in English");
    }
    let english_unknown = text(&d.app, &unknown);
    assert!(english_unknown.contains("ZZ-404-NOPE"), "{english_unknown}");

    let mut problems = Vec::new();
    for language in Language::ALL.into_iter().skip(1) {
        let (lang, name) = (language.code(), language.native_name());
        assert!(select_language(lang), "{lang} ({name}) is bundled");
        for kind in MSG_KINDS.iter().filter(|k| **k != MsgKind::None) {
            let key = format!("{kind:?}");
            let said = text(&d.app, &sample(*kind));
            if said == english[&key] {
                problems.push(format!("{lang}: {key} is still English: {said}"));
            }
            if language == Language::SerbianCyrillic {
                // Only the arguments that stay as they are (a code, numbers), never a key
                // that the message must translate (a status, a missing thing).
                let args = format!("{SAMPLE_CODE} 42 17");
                for w in words(&said).filter(|w| has_latin_letter(w)) {
                    if !LATIN_ALLOWED.contains(&w) && !words(&args).any(|a| a == w) {
                        problems.push(format!("sr: {key} keeps the Latin word «{w}»: {said}"));
                    }
                }
            }
        }
        // The refused scans' reasons, in this language, with the scanned code kept.
        let said = text(&d.app, &unknown);
        if said == english_unknown || !said.contains("ZZ-404-NOPE") {
            problems.push(format!("{lang}: the unknown scan reads «{said}»"));
        }
        let said = text(&d.app, &garbled);
        if said == text_in_english(&d.app, &garbled, lang) {
            problems.push(format!("{lang}: the unreadable scan reads «{said}»"));
        }
    }
    select_language("en");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The English wording of `m`, then back to `lang`.
fn text_in_english(app: &AppWindow, m: &Msg, lang: &str) -> String {
    select_language("en");
    let said = text(app, m);
    select_language(lang);
    said
}
