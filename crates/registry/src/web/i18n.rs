//! The pages' languages: the kiosk's nine (`custody-i18n`), read from gettext catalogues beside
//! the kiosk's (`ui/translations/<lang>/LC_MESSAGES/custody-registry-web.po`, bundled at build
//! time), with the dates and numbers each language writes, as on the kiosk and the documents.

use custody_i18n::{Catalogue, Language};
use std::sync::OnceLock;

/// A language of the pages: the kiosk's nine, from the one list in `custody-i18n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    /// What the cookie and `?lang=` carry (the BCP 47 tag); also the HTML `lang` attribute.
    pub code: &'static str,
    /// The language's own name, for the language menu.
    pub name: &'static str,
    /// The language of documents (the national report) printed from the pages.
    pub document: Language,
}

impl Lang {
    const fn of(language: Language) -> Lang {
        Lang {
            code: language.tag(),
            name: language.native_name(),
            document: language,
        }
    }
}

pub const LANGS: [Lang; 9] = {
    let mut out = [Lang::of(Language::English); 9];
    let mut i = 0;
    while i < out.len() {
        out[i] = Lang::of(Language::ALL[i]);
        i += 1;
    }
    out
};

macro_rules! po {
    ($dir:literal) => {
        include_str!(concat!(
            "../../../../ui/translations/",
            $dir,
            "/LC_MESSAGES/custody-registry-web.po"
        ))
    };
}

/// The pages' own catalogue (`custody-registry-web.po`); Serbian Cyrillic is derived from the
/// Serbian Latin one by the shared transliteration.
fn web_po(language: Language) -> Option<&'static str> {
    Some(match language {
        Language::English => return None,
        Language::SerbianLatin | Language::SerbianCyrillic => po!("sr@latin"),
        Language::Bosnian => po!("bs"),
        Language::Croatian => po!("hr"),
        Language::Montenegrin => po!("cnr"),
        Language::Albanian => po!("sq"),
        Language::Macedonian => po!("mk"),
        Language::Romanian => po!("ro"),
    })
}

pub const ENGLISH: Lang = LANGS[0];

impl Lang {
    pub fn by_code(code: &str) -> Option<Lang> {
        LANGS
            .iter()
            .copied()
            .find(|l| l.code.eq_ignore_ascii_case(code.trim()))
    }

    /// The first language of an `Accept-Language` header that we have.
    pub fn from_accept(header: &str) -> Option<Lang> {
        header.split(',').find_map(|part| {
            let tag = part.split(';').next()?.trim().to_ascii_lowercase();
            match tag.as_str() {
                "sr-cyrl" | "sr-cyrl-rs" | "sr" | "sr-rs" => Lang::by_code("sr-Cyrl"),
                "sr-latn" | "sr-latn-rs" => Lang::by_code("sr-Latn"),
                "cnr" | "sr-me" | "sr-latn-me" => Lang::by_code("cnr"),
                t => Lang::by_code(t.split('-').next().unwrap_or(t)),
            }
        })
    }

    /// The translation of `msgid`, or `msgid` itself (English, or a string not translated).
    pub fn t(self, msgid: &str) -> String {
        match catalogue(self) {
            Some(c) => c.get(None, msgid),
            None => msgid.to_string(),
        }
    }

    /// `{}` placeholders filled in order, after translating.
    pub fn tf(self, msgid: &str, args: &[&str]) -> String {
        fill(&self.t(msgid), args)
    }

    /// A counted string: the plural form that `n` takes in this language (English: `singular`
    /// for 1, `plural` otherwise), then `{}` placeholders filled in order. The count is also
    /// one of `args`, written as the language writes numbers.
    pub fn tn(self, singular: &str, plural: &str, n: u64, args: &[&str]) -> String {
        let text = match catalogue(self) {
            Some(c) => c.get_plural(singular, plural, n),
            None if n == 1 => singular.to_string(),
            None => plural.to_string(),
        };
        fill(&text, args)
    }

    pub fn date(self, d: chrono::NaiveDate) -> String {
        self.document.date(d)
    }

    /// A UTC time to the minute, marked UTC (inspectors compare sites in several time zones).
    pub fn time(self, t: chrono::DateTime<chrono::Utc>) -> String {
        self.document.time(t, chrono::Offset::fix(&chrono::Utc))
    }

    pub fn number(self, n: i64) -> String {
        self.document.number(n)
    }
}

fn fill(text: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut parts = text.split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str(args.next().copied().unwrap_or(""));
        out.push_str(part);
    }
    out
}

fn catalogue(lang: Lang) -> Option<&'static Catalogue> {
    static ALL: OnceLock<Vec<(Language, Catalogue)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        Language::ALL
            .iter()
            .filter_map(|l| {
                // A broken catalogue reads as untranslated (English) rather than stopping the server.
                let c = Catalogue::parse_for(*l, web_po(*l)?).unwrap_or_default();
                Some((*l, c))
            })
            .collect()
    });
    all.iter()
        .find(|(l, _)| *l == lang.document)
        .map(|(_, c)| c)
}

/// Every msgid the pages use, for the catalogue test.
pub fn catalogue_entries(lang: Lang) -> Option<&'static Catalogue> {
    catalogue(lang)
}
