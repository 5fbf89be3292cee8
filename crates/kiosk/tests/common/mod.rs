//! A small demo site for the kiosk tests, and helpers to drive the UI by accessible label.
#![allow(dead_code)]

use custody_core::Ledger;
use custody_kiosk::demo::{seed, DemoSite};
use custody_kiosk::{build_app, AppWindow, Kiosk, KioskOptions};
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use std::cell::RefCell;
use std::rc::Rc;

pub struct Depot {
    pub app: AppWindow,
    pub kiosk: Rc<RefCell<Kiosk>>,
    pub site: DemoSite,
    _dir: tempfile::TempDir,
}

/// A depot with `weapons` weapons, the kiosk open on the sign-in screen.
pub fn depot(weapons: usize) -> Depot {
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = seed(dir.path(), weapons).expect("demo site");
    let ledger = Ledger::open(&site.ledger_path).expect("ledger opens");
    let options = KioskOptions {
        demo_people: site.people.clone(),
        ..Default::default()
    };
    let (app, kiosk) = build_app(Kiosk::new(ledger, options)).expect("window");
    Depot {
        app,
        kiosk,
        site,
        _dir: dir,
    }
}

fn find(app: &AppWindow, label: &str, role: AccessibleRole) -> ElementHandle {
    ElementHandle::find_by_accessible_label(app, label)
        .find(|e| e.accessible_role() == Some(role))
        .unwrap_or_else(|| panic!("no {role:?} labelled '{label}' on screen"))
}

/// Taps the button with this label.
pub fn tap(app: &AppWindow, label: &str) {
    find(app, label, AccessibleRole::Button).invoke_accessible_default_action();
}

/// Types into the field with this label (replacing what was there).
pub fn type_into(app: &AppWindow, label: &str, text: &str) {
    find(app, label, AccessibleRole::TextInput).set_accessible_value(text);
}

/// What a message box (or any text element with an accessible value) says now.
pub fn reads(app: &AppWindow, label: &str) -> String {
    ElementHandle::find_by_accessible_label(app, label)
        .find_map(|e| e.accessible_value())
        .unwrap_or_else(|| panic!("nothing labelled '{label}' with a value on screen"))
        .to_string()
}

/// Enters a PIN on the touch keypad, digit by digit.
pub fn key_in(app: &AppWindow, pin: &str) {
    for d in pin.chars() {
        tap(app, &d.to_string());
    }
}

pub fn sign_in(app: &AppWindow, badge: &str, pin: &str) {
    type_into(app, "Badge", badge);
    key_in(app, pin);
    tap(app, "Sign in");
}
