//! Compiles ui/app.slint with the gettext catalogues under ui/translations bundled in, and with
//! debug info in non-release builds so that tests can find elements by accessible label.
//!
//! Serbian Cyrillic has no file of its own: it is derived here from the Serbian Latin catalogue by
//! the one transliteration (custody-i18n), so Slint bundles a copy of ui/translations with `sr`
//! added.
use custody_i18n::{serbian, Language};
use slint_build::{CompilerConfiguration, DefaultTranslationContext};
use std::path::{Path, PathBuf};

const DOMAIN: &str = "custody-kiosk.po";

fn main() {
    let debug = std::env::var("PROFILE")
        .map(|p| p != "release")
        .unwrap_or(true);
    let translations = catalogues_with_cyrillic();
    let config = CompilerConfiguration::new()
        .with_debug_info(debug)
        // One msgid translates the same everywhere; the few msgctxt entries are the documents'.
        .with_default_translation_context(DefaultTranslationContext::None)
        .with_bundled_translations(translations);
    slint_build::compile_with_config("../../ui/app.slint", config).expect("ui/app.slint compiles");
    println!("cargo:rerun-if-changed=../../ui");
}

/// ui/translations as Slint reads it (`<code>/LC_MESSAGES/custody-kiosk.po`), in OUT_DIR.
fn catalogues_with_cyrillic() -> PathBuf {
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("translations");
    let source = Path::new("../../ui/translations");
    for language in Language::ALL
        .into_iter()
        .filter(|l| *l != Language::English)
    {
        let (from, derive) = match language {
            Language::SerbianCyrillic => (Language::SerbianLatin.code(), true),
            l => (l.code(), false),
        };
        let text = std::fs::read_to_string(source.join(from).join("LC_MESSAGES").join(DOMAIN))
            .unwrap_or_else(|e| panic!("ui/translations/{from}/LC_MESSAGES/{DOMAIN}: {e}"));
        let text = if derive {
            serbian::cyrillic_po(&text)
        } else {
            text
        };
        let dir = out.join(language.code()).join("LC_MESSAGES");
        std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
        std::fs::write(dir.join(DOMAIN), text).expect("OUT_DIR is writable");
    }
    out
}
