//! The nine languages Custody speaks, in one place: the list and each language's names, the
//! gettext catalogues that the kiosk's screens and the printed documents share
//! (`ui/translations/<code>/LC_MESSAGES/custody-kiosk.po`), plural forms, how dates, times and
//! counts are written, and the one Serbian Latin → Cyrillic transliteration (Serbian Cyrillic is
//! never written by hand: it is derived from the Latin catalogue, at build time for the kiosk and
//! at load time for documents and the registry's pages).
//!
//! Front ends word what core says; core itself speaks in codes and knows nothing of this crate.

mod catalogue;
mod format;
pub mod serbian;

pub use catalogue::{Catalogue, TRANSLATIONS_ENV};

use serde::{Deserialize, Serialize};

/// A language of the screens and the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    English,
    SerbianLatin,
    SerbianCyrillic,
    Bosnian,
    Croatian,
    /// Montenegrin in Latin script, the script of its official use.
    Montenegrin,
    Albanian,
    Macedonian,
    Romanian,
}

impl Language {
    /// Every language, in the order the kiosk's settings and the registry's menu list them.
    pub const ALL: [Language; 9] = [
        Language::English,
        Language::SerbianLatin,
        Language::SerbianCyrillic,
        Language::Bosnian,
        Language::Croatian,
        Language::Montenegrin,
        Language::Albanian,
        Language::Macedonian,
        Language::Romanian,
    ];

    /// The gettext name: the folder under `ui/translations`, and what the kiosk's `--language`
    /// and settings file carry. English is the msgid language and has no catalogue.
    pub const fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::SerbianLatin => "sr@latin",
            Language::SerbianCyrillic => "sr",
            Language::Bosnian => "bs",
            Language::Croatian => "hr",
            Language::Montenegrin => "cnr",
            Language::Albanian => "sq",
            Language::Macedonian => "mk",
            Language::Romanian => "ro",
        }
    }

    /// BCP 47 tag: PDF metadata, the HTML `lang` attribute and the registry's `?lang=`.
    pub const fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::SerbianLatin => "sr-Latn",
            Language::SerbianCyrillic => "sr-Cyrl",
            Language::Bosnian => "bs",
            Language::Croatian => "hr",
            Language::Montenegrin => "cnr",
            Language::Albanian => "sq",
            Language::Macedonian => "mk",
            Language::Romanian => "ro",
        }
    }

    /// The language's name in itself, never translated (a person looking for their language
    /// must recognise it whatever the screen shows now).
    pub const fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::SerbianLatin => "Srpski",
            Language::SerbianCyrillic => "Српски",
            Language::Bosnian => "Bosanski",
            Language::Croatian => "Hrvatski",
            Language::Montenegrin => "Crnogorski",
            Language::Albanian => "Shqip",
            Language::Macedonian => "Македонски",
            Language::Romanian => "Română",
        }
    }

    /// A language from its gettext code or its BCP 47 tag (`sr@latin` or `sr-Latn`).
    pub fn from_code(code: &str) -> Option<Language> {
        let code = code.trim();
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code) || l.tag().eq_ignore_ascii_case(code))
    }

    /// Whether this language writes in Cyrillic (what the script checks look at).
    pub fn is_cyrillic(self) -> bool {
        matches!(self, Language::SerbianCyrillic | Language::Macedonian)
    }

    /// Which plural form (index into a catalogue's `msgstr[i]`) a count takes. These are the
    /// rules each catalogue declares in its `Plural-Forms` header; a test holds the two together.
    pub fn plural_index(self, n: u64) -> usize {
        let (n10, n100) = (n % 10, n % 100);
        match self {
            Language::English | Language::Albanian => usize::from(n != 1),
            Language::SerbianLatin
            | Language::SerbianCyrillic
            | Language::Bosnian
            | Language::Croatian
            | Language::Montenegrin => {
                if n10 == 1 && n100 != 11 {
                    0
                } else if (2..=4).contains(&n10) && !(10..20).contains(&n100) {
                    1
                } else {
                    2
                }
            }
            Language::Macedonian => usize::from(!(n10 == 1 && n100 != 11)),
            Language::Romanian => {
                if n == 1 {
                    0
                } else if n == 0 || (1..20).contains(&n100) {
                    1
                } else {
                    2
                }
            }
        }
    }

    /// The `Plural-Forms` header line that goes with [`Language::plural_index`].
    pub fn plural_forms_header(self) -> &'static str {
        match self {
            Language::English | Language::Albanian => "nplurals=2; plural=(n != 1);",
            Language::Macedonian => "nplurals=2; plural=(n%10==1 && n%100!=11 ? 0 : 1);",
            Language::Romanian => {
                "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100>0 && n%100<20)) ? 1 : 2);"
            }
            _ => "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
        }
    }

    /// A msgid in this language; English, and anything a catalogue lacks, is the msgid itself.
    pub fn tr(self, msgid: &str) -> String {
        Catalogue::for_language(self).get(None, msgid)
    }

    /// A msgid with a gettext context, for the few English words that mean two things
    /// ("Dispatch" a button, "Dispatch" a heading).
    pub fn tr_ctx(self, context: &str, msgid: &str) -> String {
        Catalogue::for_language(self).get(Some(context), msgid)
    }

    /// A counted string in the plural form this count takes, with `{n}` replaced by the count
    /// written as this language writes numbers.
    pub fn tr_n(self, singular: &str, plural: &str, n: u64) -> String {
        Catalogue::for_language(self)
            .get_plural(singular, plural, n)
            .replace("{n}", &self.number(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_tags_find_their_language_and_nothing_else() {
        for l in Language::ALL {
            assert_eq!(Language::from_code(l.code()), Some(l));
            assert_eq!(Language::from_code(l.tag()), Some(l));
        }
        assert_eq!(Language::from_code("SR-latn"), Some(Language::SerbianLatin));
        assert_eq!(Language::from_code("de"), None);
        assert_eq!(Language::from_code(""), None);
    }

    #[test]
    fn plural_rules_pick_the_forms_grammars_ask_for() {
        use Language::*;
        // Serbian: 1 pištolj, 2 pištolja, 5 pištolja (genitive plural), 21 pištolj, 11 pištolja.
        let sr: Vec<usize> = [1, 2, 5, 21, 11, 12, 22, 25, 101, 111]
            .iter()
            .map(|n| SerbianLatin.plural_index(*n))
            .collect();
        assert_eq!(sr, [0, 1, 2, 0, 2, 2, 1, 2, 0, 2]);
        // Romanian: 1 armă, 2 arme, 19 arme, 20 de arme, 101 arme, 119 arme, 120 de arme.
        let ro: Vec<usize> = [1, 2, 0, 19, 20, 101, 119, 120]
            .iter()
            .map(|n| Romanian.plural_index(*n))
            .collect();
        assert_eq!(ro, [0, 1, 1, 1, 2, 1, 1, 2]);
        // Macedonian: 1, 21, 101 take the singular; 11 does not.
        let mk: Vec<usize> = [1, 21, 101, 11, 2, 5]
            .iter()
            .map(|n| Macedonian.plural_index(*n))
            .collect();
        assert_eq!(mk, [0, 0, 0, 1, 1, 1]);
        assert_eq!(Albanian.plural_index(1), 0);
        assert_eq!(Albanian.plural_index(21), 1);
        assert_eq!(English.plural_index(0), 1);
    }
}
