//! The pages' languages: the kiosk's nine, read from gettext catalogues beside the kiosk's
//! (`ui/translations/<lang>/LC_MESSAGES/custody-registry-web.po`, bundled at build time), with
//! each language's date and number formats (the kiosk's rules: ISO dates in English,
//! dd.mm.yyyy in the region, dd.mm.yyyy. in Croatian; digits grouped as each language writes).

use custody_docs::Language;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang {
    /// What the cookie and `?lang=` carry; also the HTML `lang` attribute.
    pub code: &'static str,
    /// The language's own name, for the language menu.
    pub name: &'static str,
    catalogue: Option<&'static str>,
    pub document: Language,
}

macro_rules! po {
    ($dir:literal) => {
        Some(include_str!(concat!(
            "../../../../ui/translations/",
            $dir,
            "/LC_MESSAGES/custody-registry-web.po"
        )))
    };
}

pub const LANGS: [Lang; 9] = [
    Lang {
        code: "en",
        name: "English",
        catalogue: None,
        document: Language::English,
    },
    Lang {
        code: "sr-Latn",
        name: "Srpski (latinica)",
        catalogue: po!("sr@latin"),
        document: Language::SerbianLatin,
    },
    Lang {
        code: "sr-Cyrl",
        name: "Српски (ћирилица)",
        catalogue: po!("sr"),
        document: Language::SerbianCyrillic,
    },
    Lang {
        code: "bs",
        name: "Bosanski",
        catalogue: po!("bs"),
        document: Language::Bosnian,
    },
    Lang {
        code: "hr",
        name: "Hrvatski",
        catalogue: po!("hr"),
        document: Language::Croatian,
    },
    Lang {
        code: "cnr",
        name: "Crnogorski",
        catalogue: po!("cnr"),
        document: Language::Montenegrin,
    },
    Lang {
        code: "sq",
        name: "Shqip",
        catalogue: po!("sq"),
        document: Language::Albanian,
    },
    Lang {
        code: "mk",
        name: "Македонски",
        catalogue: po!("mk"),
        document: Language::Macedonian,
    },
    Lang {
        code: "ro",
        name: "Română",
        catalogue: po!("ro"),
        document: Language::Romanian,
    },
];

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
        catalogue(self)
            .and_then(|c| c.get(msgid))
            .cloned()
            .unwrap_or_else(|| msgid.to_string())
    }

    /// `{}` placeholders filled in order, after translating.
    pub fn tf(self, msgid: &str, args: &[&str]) -> String {
        let mut out = String::new();
        let mut args = args.iter();
        let text = self.t(msgid);
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

    pub fn date(self, d: chrono::NaiveDate) -> String {
        match self.code {
            "en" => d.format("%Y-%m-%d").to_string(),
            "hr" => d.format("%d.%m.%Y.").to_string(),
            _ => d.format("%d.%m.%Y").to_string(),
        }
    }

    /// A UTC time to the minute, marked UTC (inspectors compare sites in several time zones).
    pub fn time(self, t: chrono::DateTime<chrono::Utc>) -> String {
        format!("{} {} UTC", self.date(t.date_naive()), t.format("%H:%M"))
    }

    pub fn number(self, n: i64) -> String {
        let separator = match self.code {
            "en" => ',',
            "sq" => '\u{a0}',
            _ => '.',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(c);
        }
        out
    }
}

type Catalogue = HashMap<String, String>;

fn catalogue(lang: Lang) -> Option<&'static Catalogue> {
    static ALL: OnceLock<Vec<(&'static str, Catalogue)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        LANGS
            .iter()
            .filter_map(|l| Some((l.code, parse(l.catalogue?))))
            .collect()
    });
    all.iter().find(|(c, _)| *c == lang.code).map(|(_, c)| c)
}

/// Translated, non-fuzzy entries of a catalogue; a broken catalogue reads as untranslated
/// (English) rather than stopping the server.
pub fn parse(text: &str) -> Catalogue {
    // Given as text: rspolib reads a `&str` holding newlines as the catalogue itself.
    match rspolib::pofile(text) {
        Ok(file) => file
            .entries
            .into_iter()
            .filter(|e| !e.fuzzy() && !e.msgid.is_empty())
            .filter_map(|e| Some((e.msgid, e.msgstr.filter(|s| !s.is_empty())?)))
            .collect(),
        Err(_) => Catalogue::new(),
    }
}

/// Every msgid the pages use, for the catalogue test.
pub fn catalogue_entries(lang: Lang) -> Option<&'static Catalogue> {
    catalogue(lang)
}
