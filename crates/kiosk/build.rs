//! Compiles ui/app.slint with the gettext catalogues under ui/translations bundled in, and with
//! debug info in non-release builds so that tests can find elements by accessible label.
use slint_build::{CompilerConfiguration, DefaultTranslationContext};

fn main() {
    let debug = std::env::var("PROFILE")
        .map(|p| p != "release")
        .unwrap_or(true);
    let config = CompilerConfiguration::new()
        .with_debug_info(debug)
        // One msgid translates the same everywhere; the .po files carry no msgctxt.
        .with_default_translation_context(DefaultTranslationContext::None)
        .with_bundled_translations("../../ui/translations");
    slint_build::compile_with_config("../../ui/app.slint", config).expect("ui/app.slint compiles");
    println!("cargo:rerun-if-changed=../../ui");
}
