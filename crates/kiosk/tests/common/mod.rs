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

/// Presses Enter in the field with this label (its `accepted` action: search, show, add).
pub fn press_enter(app: &AppWindow, label: &str) {
    find(app, label, AccessibleRole::TextInput).invoke_accessible_default_action();
}

/// What a message box (or any text element with an accessible value) says now.
pub fn reads(app: &AppWindow, label: &str) -> String {
    ElementHandle::find_by_accessible_label(app, label)
        .find_map(|e| e.accessible_value())
        .unwrap_or_else(|| panic!("nothing labelled '{label}' with a value on screen"))
        .to_string()
}

/// Whether anything with this accessible label is on screen now.
pub fn on_screen(app: &AppWindow, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(app, label)
        .next()
        .is_some()
}

/// The handheld scanner reads a label while the current screen is showing.
pub fn scan(kiosk: &Rc<RefCell<Kiosk>>, app: &AppWindow, data: &str) -> custody_scan::Outcome {
    let input = custody_core::scans::ScanInput {
        device: "test scanner".into(),
        data: data.as_bytes().to_vec(),
        ..Default::default()
    };
    kiosk.borrow_mut().handle_scan(app, input)
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

/// Fills in the handover head on the Send page (the Handover screen must be showing).
pub fn fill_handover_head(app: &AppWindow) {
    type_into(app, "Sender", "MoI Demo Depot, Marko Petrović");
    type_into(app, "Receiver", "Forensic Centre, Dr. Ilić");
    type_into(app, "Legal basis", "Order 12-77/26");
    type_into(app, "Transport", "Van BG-123-AA, two escorts");
    type_into(app, "Seal numbers", "S-1001, S-1002");
}

/// The one file in `dir` whose name ends with `suffix` (a bundle, a receipt, a key file).
pub fn file_ending(dir: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no *{suffix} in {}", dir.display()))
}

/// The administrator of `site` trusts `other`'s public key, as `custody keys trust` does.
pub fn trust(site: &Depot, other: &Depot, name: &str) {
    let key = other.kiosk.borrow().ledger().public_key_hex().unwrap();
    let path = site.kiosk.borrow().ledger().path().to_path_buf();
    let mut admin_session = Ledger::open(&path).unwrap();
    let admin = admin_session.authenticate("ADM1", "731904").unwrap();
    admin_session.trust_key(&admin, &key, name).unwrap();
}

/// A USB thermal label printer as the kiosk sees one: a character device (a pseudo-terminal
/// stands in for /dev/usb/lp0). `printed` returns the first whole ZPL label it received.
pub struct FakeLabelPrinter {
    _device: custody_scan::sim::PtySimulator,
    pub path: std::path::PathBuf,
    received: std::sync::mpsc::Receiver<String>,
}

impl FakeLabelPrinter {
    pub fn new() -> FakeLabelPrinter {
        let device = custody_scan::sim::PtySimulator::create(None).unwrap();
        let mut out = device.host_output().unwrap();
        let (tx, received) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::Read;
            let mut all = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                all.extend_from_slice(&buf[..n]);
                if all.windows(3).any(|w| w == b"^XZ") {
                    let _ = tx.send(String::from_utf8_lossy(&all).into_owned());
                    break;
                }
            }
        });
        FakeLabelPrinter {
            path: device.device().to_path_buf(),
            _device: device,
            received,
        }
    }

    pub fn printed(&self) -> String {
        self.received
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("a label reached the printer device")
    }
}
