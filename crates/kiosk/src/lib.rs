//! custody-kiosk: the touch-screen kiosk. It is the only crate that knows Slint.
//!
//! The .slint files under `ui/` are declarative screens whose only contract with Rust is the
//! properties and callbacks of their globals (`LoginState`, `MoveState`, ...). The view model
//! ([`kiosk::Kiosk`]) calls custody-core for every read and every rule and maps its typed errors
//! to message codes that the UI translates. No SQL and no workflow rule lives here.

slint::include_modules!();

pub mod demo;
pub mod headless;
pub mod kiosk;
pub mod local_settings;
pub mod messages;
pub mod output;
pub mod scanner;
pub mod sound;

pub use kiosk::{build_app, Kiosk, KioskOptions};

/// Switches every @tr string of the running UI. Unknown codes keep the current language.
pub fn select_language(code: &str) -> bool {
    let Some(language) = custody_i18n::Language::from_code(code) else {
        return false;
    };
    let bundle = match language {
        custody_i18n::Language::English => "",
        l => l.code(),
    };
    let ok = slint::select_bundled_translation(bundle).is_ok();
    if ok {
        messages::set_language(language);
    }
    ok
}
