//! The gettext catalogues: `ui/translations/<code>/LC_MESSAGES/custody-kiosk.po`, one per
//! language, read by the kiosk's screens (Slint bundles them at build time) and by the documents
//! and the CLI through this module, so that a translator edits one file per language.
//!
//! They are compiled into the program. A translator can preview an edited catalogue without
//! building: point [`TRANSLATIONS_ENV`] at a folder laid out like `ui/translations` and the
//! documents take their words from there (the kiosk's screens keep their compiled-in words).

use crate::{serbian, Language};
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// A folder laid out like `ui/translations` whose catalogues replace the built-in ones.
pub const TRANSLATIONS_ENV: &str = "CUSTODY_TRANSLATIONS";

/// The catalogue's file name under `<code>/LC_MESSAGES/`.
const DOMAIN: &str = "custody-kiosk.po";

macro_rules! bundled {
    ($code:literal) => {
        include_str!(concat!(
            "../../../ui/translations/",
            $code,
            "/LC_MESSAGES/custody-kiosk.po"
        ))
    };
}

/// The catalogue text compiled in. Serbian Cyrillic has none: it is derived from Serbian Latin.
fn bundled_text(language: Language) -> Option<&'static str> {
    Some(match language {
        Language::English => return None,
        Language::SerbianLatin | Language::SerbianCyrillic => bundled!("sr@latin"),
        Language::Bosnian => bundled!("bs"),
        Language::Croatian => bundled!("hr"),
        Language::Montenegrin => bundled!("cnr"),
        Language::Albanian => bundled!("sq"),
        Language::Macedonian => bundled!("mk"),
        Language::Romanian => bundled!("ro"),
    })
}

/// The translated entries of one language's catalogue.
#[derive(Debug, Default)]
pub struct Catalogue {
    language: Option<Language>,
    /// (msgctxt, msgid) → msgstr, or the plural forms msgstr[0..] of a counted string.
    entries: HashMap<(Option<String>, String), Vec<String>>,
}

impl Catalogue {
    /// The catalogue documents and the CLI use for `language`: the compiled-in one, or the one
    /// under [`TRANSLATIONS_ENV`] when that is set (read once per process).
    pub fn for_language(language: Language) -> &'static Catalogue {
        static ALL: OnceLock<Vec<Catalogue>> = OnceLock::new();
        let all = ALL.get_or_init(|| {
            let dir = std::env::var_os(TRANSLATIONS_ENV);
            Language::ALL
                .iter()
                .map(|l| match &dir {
                    Some(dir) => Catalogue::from_dir(Path::new(dir), *l)
                        .unwrap_or_else(|_| Catalogue::bundled(*l)),
                    None => Catalogue::bundled(*l),
                })
                .collect()
        });
        let i = Language::ALL.iter().position(|l| *l == language);
        &all[i.unwrap_or(0)]
    }

    /// The compiled-in catalogue.
    pub fn bundled(language: Language) -> Catalogue {
        match bundled_text(language) {
            Some(text) => Catalogue::parse_for(language, text).unwrap_or_default(),
            None => Catalogue::default(),
        }
    }

    /// A language's catalogue from a folder laid out like `ui/translations` (Serbian Cyrillic is
    /// derived from the folder's Serbian Latin).
    pub fn from_dir(dir: &Path, language: Language) -> Result<Catalogue, String> {
        if language == Language::English {
            return Ok(Catalogue::default());
        }
        let code = match language {
            Language::SerbianCyrillic => Language::SerbianLatin.code(),
            l => l.code(),
        };
        let path = dir.join(code).join("LC_MESSAGES").join(DOMAIN);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Catalogue::parse_for(language, &text)
    }

    /// A catalogue from its `.po` text, as `language` reads it: Serbian Cyrillic transliterates
    /// a Serbian Latin text. Fuzzy and untranslated entries are left out (they read as English).
    pub fn parse_for(language: Language, po_text: &str) -> Result<Catalogue, String> {
        let derived;
        let text = if language == Language::SerbianCyrillic {
            derived = serbian::cyrillic_po(po_text);
            derived.as_str()
        } else {
            po_text
        };
        let mut catalogue = Catalogue::parse(text)?;
        catalogue.language = Some(language);
        Ok(catalogue)
    }

    /// A catalogue from `.po` text as it stands (any gettext domain, e.g. the registry's pages).
    pub fn parse(po_text: &str) -> Result<Catalogue, String> {
        // rspolib reads a `&str` holding a newline as the catalogue's text, otherwise as a path.
        let text = if po_text.contains('\n') {
            po_text.to_string()
        } else {
            format!("{po_text}\n")
        };
        let file = rspolib::pofile(text.as_str()).map_err(|e| e.to_string())?;
        let entries = file
            .entries
            .into_iter()
            .filter(|e| !e.fuzzy() && !e.msgid.is_empty() && !e.obsolete)
            .filter_map(|e| {
                let forms = if e.msgid_plural.is_some() {
                    e.msgstr_plural
                } else {
                    vec![e.msgstr.unwrap_or_default()]
                };
                if forms.is_empty() || forms.iter().any(|f| f.is_empty()) {
                    return None;
                }
                Some(((e.msgctxt, e.msgid), forms))
            })
            .collect();
        Ok(Catalogue {
            language: None,
            entries,
        })
    }

    /// The translation, or the msgid itself when the catalogue lacks it.
    pub fn get(&self, context: Option<&str>, msgid: &str) -> String {
        self.lookup(context, msgid)
            .and_then(|forms| forms.first())
            .cloned()
            .unwrap_or_else(|| msgid.to_string())
    }

    /// The plural form a count takes; English (the msgids) when the catalogue lacks it.
    pub fn get_plural(&self, singular: &str, plural: &str, n: u64) -> String {
        let language = self.language.unwrap_or(Language::English);
        let translated = self
            .lookup(None, singular)
            .and_then(|forms| forms.get(language.plural_index(n)));
        match translated {
            Some(form) => form.clone(),
            None if n == 1 => singular.to_string(),
            None => plural.to_string(),
        }
    }

    /// Whether the catalogue translates this msgid (tests walk every msgid in use).
    pub fn has(&self, context: Option<&str>, msgid: &str) -> bool {
        self.lookup(context, msgid).is_some()
    }

    /// Every (msgctxt, msgid) translated here.
    pub fn msgids(&self) -> impl Iterator<Item = (Option<&str>, &str)> {
        self.entries.keys().map(|(c, m)| (c.as_deref(), m.as_str()))
    }

    fn lookup(&self, context: Option<&str>, msgid: &str) -> Option<&Vec<String>> {
        self.entries
            .get(&(context.map(str::to_string), msgid.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogues in the repository, as a translator edits them.
    fn source_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/translations")
    }

    #[test]
    fn every_catalogue_declares_the_plural_rule_the_code_applies() {
        for language in Language::ALL.into_iter().skip(1) {
            let code = match language {
                Language::SerbianCyrillic => continue,
                l => l.code(),
            };
            let path = source_dir().join(code).join("LC_MESSAGES").join(DOMAIN);
            let text = std::fs::read_to_string(&path).expect("catalogue readable");
            let header = text
                .lines()
                .find_map(|l| l.strip_prefix("\"Plural-Forms: "))
                .map(|l| l.trim_end_matches("\\n\"").to_string());
            assert_eq!(
                header.as_deref(),
                Some(language.plural_forms_header()),
                "{code}: the header and Language::plural_index must say the same"
            );
        }
    }

    #[test]
    fn the_bundled_catalogues_are_the_files_in_the_repository() {
        for language in Language::ALL {
            let bundled = Catalogue::bundled(language);
            let from_files = Catalogue::from_dir(&source_dir(), language).expect("readable");
            assert_eq!(bundled.entries, from_files.entries, "{language:?}");
            if language != Language::English {
                assert!(bundled.entries.len() > 100, "{language:?} is nearly empty");
            }
        }
    }

    #[test]
    fn serbian_cyrillic_is_the_latin_catalogue_transliterated() {
        let latin = Catalogue::bundled(Language::SerbianLatin);
        let cyrillic = Catalogue::bundled(Language::SerbianCyrillic);
        assert_eq!(latin.entries.len(), cyrillic.entries.len());
        for ((ctx, msgid), forms) in &latin.entries {
            let cyr = cyrillic
                .lookup(ctx.as_deref(), msgid)
                .expect("every Latin entry has a Cyrillic one");
            let expected: Vec<String> = forms.iter().map(|f| serbian::to_cyrillic(f)).collect();
            assert_eq!(cyr, &expected, "{msgid}");
        }
    }

    #[test]
    fn a_missing_or_broken_catalogue_is_an_error_and_untranslated_reads_as_english() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(Catalogue::from_dir(dir.path(), Language::Croatian).is_err());
        let c = Catalogue::parse_for(
            Language::Croatian,
            "msgid \"Seal\"\nmsgstr \"\"\n\nmsgid \"Site\"\nmsgstr \"Objekt\"\n",
        )
        .expect("parses");
        assert_eq!(c.get(None, "Seal"), "Seal");
        assert_eq!(c.get(None, "Site"), "Objekt");
        assert_eq!(c.get(Some("document"), "Site"), "Site");
        assert_eq!(c.get_plural("{n} weapon", "{n} weapons", 1), "{n} weapon");
        assert_eq!(c.get_plural("{n} weapon", "{n} weapons", 3), "{n} weapons");
    }

    #[test]
    fn counted_strings_take_the_form_of_their_count() {
        let po = concat!(
            "msgid \"{n} weapon\"\n",
            "msgid_plural \"{n} weapons\"\n",
            "msgstr[0] \"{n} oružje\"\n",
            "msgstr[1] \"{n} oružja\"\n",
            "msgstr[2] \"{n} oružja (mn.)\"\n",
        );
        let c = Catalogue::parse_for(Language::Croatian, po).expect("parses");
        let forms: Vec<String> = [1, 2, 5, 21]
            .iter()
            .map(|n| c.get_plural("{n} weapon", "{n} weapons", *n))
            .collect();
        assert_eq!(
            forms,
            ["{n} oružje", "{n} oružja", "{n} oružja (mn.)", "{n} oružje"]
        );
    }
}

#[cfg(test)]
mod script_tests {
    use super::*;

    fn cyrillic_letter(c: char) -> bool {
        ('\u{0400}'..='\u{04FF}').contains(&c)
    }

    fn latin_letter(c: char) -> bool {
        c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c)
    }

    /// The words of a msgstr, without what is never prose: placeholders, paths and options.
    fn words(text: &str) -> Vec<String> {
        let mut kept = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let skip = serbian::kept_verbatim(rest);
            if skip > 0 {
                kept.push(' ');
                rest = &rest[skip..];
            } else {
                kept.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        // A hyphen joins two words of their own (USB-меморија) unless digits make a code.
        kept.split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .flat_map(|w| {
                if w.chars().any(|c| c.is_ascii_digit()) {
                    vec![w]
                } else {
                    w.split('-').collect()
                }
            })
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn no_word_mixes_scripts_and_cyrillic_keeps_only_the_allowed_latin_tokens() {
        let mut problems = Vec::new();
        for language in Language::ALL.into_iter().skip(1) {
            let catalogue = Catalogue::bundled(language);
            for ((_, msgid), forms) in &catalogue.entries {
                for word in forms.iter().flat_map(|f| words(f)) {
                    let (cyr, lat) = (
                        word.chars().any(cyrillic_letter),
                        word.chars().any(latin_letter),
                    );
                    let bad = if cyr && lat {
                        Some("mixes Latin and Cyrillic letters")
                    } else if language.is_cyrillic() && lat && !serbian::stays_latin(&word) {
                        Some("is a Latin word in a Cyrillic text (not a code, acronym or name)")
                    } else if !language.is_cyrillic() && cyr {
                        Some("is a Cyrillic word in a Latin text")
                    } else {
                        None
                    };
                    if let Some(why) = bad {
                        problems.push(format!("{}: «{word}» {why}, in {msgid:?}", language.code()));
                    }
                }
            }
        }
        problems.sort();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_script_check_sees_a_latin_e_grave_in_macedonian() {
        // «сè» with U+00E8 (Latin è) inside a Cyrillic word.
        let w = words("Проверете сè на {}.");
        let mixed = w
            .iter()
            .find(|w| w.starts_with('с') && w.chars().count() == 2);
        assert!(
            mixed.is_some_and(|w| w.chars().any(latin_letter) && w.chars().any(cyrillic_letter))
        );
        assert!(serbian::stays_latin("USB") && serbian::stays_latin("AK-47"));
        assert!(!serbian::stays_latin("Potvrda"));
    }
}

#[cfg(test)]
mod plural_tests {
    use super::*;

    /// "{n} item" for 1, 2, 5 and 21 as each grammar has it (written from the grammars, not
    /// from the catalogues).
    #[test]
    fn a_count_of_items_reads_right_for_1_2_5_and_21_in_every_language() {
        let expected: [(Language, [&str; 4]); 9] = [
            (
                Language::English,
                ["1 item", "2 items", "5 items", "21 items"],
            ),
            (
                Language::SerbianLatin,
                ["1 predmet", "2 predmeta", "5 predmeta", "21 predmet"],
            ),
            (
                Language::SerbianCyrillic,
                ["1 предмет", "2 предмета", "5 предмета", "21 предмет"],
            ),
            (
                Language::Bosnian,
                ["1 predmet", "2 predmeta", "5 predmeta", "21 predmet"],
            ),
            (
                Language::Croatian,
                ["1 predmet", "2 predmeta", "5 predmeta", "21 predmet"],
            ),
            (
                Language::Montenegrin,
                ["1 predmet", "2 predmeta", "5 predmeta", "21 predmet"],
            ),
            (
                Language::Albanian,
                ["1 send", "2 sende", "5 sende", "21 sende"],
            ),
            (
                Language::Macedonian,
                ["1 предмет", "2 предмета", "5 предмета", "21 предмет"],
            ),
            (
                Language::Romanian,
                ["1 obiect", "2 obiecte", "5 obiecte", "21 de obiecte"],
            ),
        ];
        for (language, want) in expected {
            let got: Vec<String> = [1, 2, 5, 21]
                .iter()
                .map(|n| language.tr_n("{n} item", "{n} items", *n))
                .collect();
            assert_eq!(got, want, "{language:?}");
        }
        // The genitive plural of the South Slavic languages after 5 differs from the form after 2
        // in the sentence forms: «5 evidentiranih predmeta», «2 evidentirana predmeta».
        let sr = |n| {
            Language::SerbianLatin.tr_n(
                "{0} item registered at this site",
                "{0} items registered at this site",
                n,
            )
        };
        assert_eq!(sr(2), "{0} evidentirana predmeta na ovom objektu");
        assert_eq!(sr(5), "{0} evidentiranih predmeta na ovom objektu");
        assert_eq!(sr(101), "{0} evidentiran predmet na ovom objektu");
    }
}
