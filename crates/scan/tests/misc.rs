//! Keyboard-wedge timing, layout warnings, capture replay, scripts, AIM parsing and port detection.

use custody_scan::aim::{Aim, AimError};
use custody_scan::bytes::{escape, unescape};
use custody_scan::replay::{parse_capture, write_capture, CaptureError};
use custody_scan::sim::parse_script;
use custody_scan::wedge::{
    layout_warning, looks_garbled, BurstDetector, BurstThresholds, Key, Layout, WedgeEvent,
};
use std::time::{Duration, Instant};

fn type_keys(det: &mut BurstDetector, t0: Instant, text: &str, gap_ms: u64) -> Vec<WedgeEvent> {
    let mut out = Vec::new();
    let mut t = t0;
    for c in text.chars() {
        out.extend(det.push(Key::Char(c), t));
        t += Duration::from_millis(gap_ms);
    }
    out.extend(det.push(Key::Enter, t));
    out
}

#[test]
fn a_keyboard_mode_scan_is_told_from_an_officer_typing() {
    let mut det = BurstDetector::new(BurstThresholds::default());
    let t0 = Instant::now();
    assert_eq!(
        type_keys(&mut det, t0, "CUS-00042-7", 4),
        vec![WedgeEvent::Scan("CUS-00042-7".into())]
    );
    let typed = type_keys(&mut det, t0 + Duration::from_secs(5), "CUS-00042-7", 140);
    assert_eq!(
        typed,
        vec![WedgeEvent::Typed {
            text: "CUS-00042-7".into(),
            enter: true
        }]
    );
    // Too short to be a label, even if fast.
    assert!(matches!(
        type_keys(&mut det, t0 + Duration::from_secs(10), "ab", 2)[0],
        WedgeEvent::Typed { .. }
    ));
    // Typing without Enter is handed over after the pause.
    det.push(Key::Char('x'), t0 + Duration::from_secs(20));
    let ev = det.poll(t0 + Duration::from_secs(22));
    assert_eq!(
        ev,
        vec![WedgeEvent::Typed {
            text: "x".into(),
            enter: false
        }]
    );
}

#[test]
fn gs1_data_through_a_serbian_keyboard_gets_a_clear_warning() {
    let warning = layout_warning(
        Layout::from_code("rs-latin"),
        b"]C10104012345678901\x1d21XYZ",
    )
    .unwrap();
    assert!(warning.contains("GS1 separator"));
    assert!(warning.contains("swaps Y and Z"));
    assert!(warning.contains("USB serial mode"));
    assert!(layout_warning(Layout::Us, b"CUS-00042-7").is_none());
    assert!(layout_warning(Layout::Macedonian, b"CUS")
        .unwrap()
        .contains("Cyrillic"));
    assert!(looks_garbled("đC1010401234").is_some());
    assert!(looks_garbled("СУС-00042").is_some());
    assert!(looks_garbled("]C1010401234").is_none());
}

#[test]
fn a_capture_file_round_trips_and_bad_lines_say_where() {
    let text = "# test\n+0 41 42\n\n+15 0D 0A\n";
    let chunks = parse_capture(text).unwrap();
    assert_eq!(chunks[1].at, Duration::from_millis(15));
    assert_eq!(parse_capture(&write_capture(&chunks)).unwrap(), chunks);
    assert_eq!(
        parse_capture("41 42"),
        Err(CaptureError::MissingDelay { line: 1 })
    );
    assert!(matches!(
        parse_capture("+x 41"),
        Err(CaptureError::BadDelay { line: 1, .. })
    ));
    assert!(matches!(
        parse_capture("+1 4"),
        Err(CaptureError::BadBytes { line: 1, .. })
    ));
}

#[test]
fn a_simulator_script_turns_escapes_into_bytes() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/scans.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let scans = parse_script(&text).unwrap();
    assert_eq!(scans.len(), 3);
    assert_eq!(scans[0], b"]C10104012345678901\x1d21ABC123".to_vec());
    assert!(parse_script("ok\n\\q\n").is_err());
    assert!(parse_script("# only a comment\n").is_err());
    let raw = b"A\\\x00\x1d\xff";
    assert_eq!(unescape(&escape(raw)).unwrap(), raw.to_vec());
}

#[test]
fn aim_identifiers_are_read_or_refused_with_a_reason() {
    assert_eq!(
        Aim::parse(b"]d2010"),
        Ok(Aim {
            code: 'd',
            modifier: '2'
        })
    );
    assert_eq!(Aim::parse(b"]L0").unwrap().symbology(), "PDF417");
    assert_eq!(Aim::parse(b"]e0").unwrap().symbology(), "GS1 DataBar");
    assert!(Aim::parse(b"]Q3").unwrap().is_gs1());
    assert_eq!(Aim::parse(b"]C"), Err(AimError::TooShort { len: 2 }));
    assert_eq!(Aim::parse(b"X01"), Err(AimError::NoBracket { first: b'X' }));
    assert_eq!(Aim::parse(b"]1C"), Err(AimError::BadCode { byte: b'1' }));
    assert_eq!(
        Aim::parse(b"]C\x1d"),
        Err(AimError::BadModifier { byte: 0x1d })
    );
}

#[test]
fn a_honeywell_in_cdc_mode_is_found_in_sysfs_and_matched_to_its_profile() {
    use std::os::unix::fs::symlink;
    let root = std::env::temp_dir().join(format!("custody-sysfs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let usb = root.join("devices/usb1/1-1");
    let iface = usb.join("1-1:1.0");
    std::fs::create_dir_all(&iface).unwrap();
    for (f, v) in [
        ("idVendor", "0c2e\n"),
        ("idProduct", "0b07\n"),
        ("manufacturer", "Honeywell\n"),
        ("product", "Honeywell Xenon 1950g\n"),
        ("serial", "17123B4567\n"),
    ] {
        std::fs::write(usb.join(f), v).unwrap();
    }
    std::fs::write(iface.join("bInterfaceClass"), "02\n").unwrap();
    let tty = root.join("class/tty");
    std::fs::create_dir_all(tty.join("ttyACM0")).unwrap();
    symlink(&iface, tty.join("ttyACM0/device")).unwrap();
    std::fs::create_dir_all(tty.join("tty1")).unwrap(); // a console: no device link
    let profiles = custody_scan::profile::builtin_profiles().unwrap();
    let ports = custody_scan::ports::list_ports_in(&tty, std::path::Path::new("/dev"), &profiles);
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(ports.len(), 1);
    assert_eq!(ports[0].path, std::path::Path::new("/dev/ttyACM0"));
    assert_eq!(
        (ports[0].usb_vid, ports[0].usb_pid),
        (Some(0x0c2e), Some(0x0b07))
    );
    assert_eq!(ports[0].serial.as_deref(), Some("17123B4567"));
    assert_eq!(
        ports[0].matched_profile.as_deref(),
        Some("honeywell-xenon-1950g")
    );
}

#[test]
fn a_scanner_with_a_stable_udev_name_is_listed_under_that_name() {
    use std::os::unix::fs::symlink;
    let base = std::env::temp_dir().join(format!("custody-stable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let root = Root(base);
    let usb = root.path().join("devices/usb1/1-2");
    let iface = usb.join("1-2:1.0");
    std::fs::create_dir_all(&iface).unwrap();
    std::fs::write(usb.join("idVendor"), "05e0\n").unwrap();
    std::fs::write(usb.join("idProduct"), "1701\n").unwrap();
    std::fs::write(iface.join("bInterfaceClass"), "02\n").unwrap();
    let tty = root.path().join("class/tty");
    for name in ["ttyACM1", "ttyACM2"] {
        std::fs::create_dir_all(tty.join(name)).unwrap();
        symlink(&iface, tty.join(name).join("device")).unwrap();
    }
    // /dev as udev leaves it: the scanner replugged as ttyACM1 keeps its name; ttyACM2 has none.
    let dev = root.path().join("dev");
    std::fs::create_dir_all(&dev).unwrap();
    std::fs::write(dev.join("ttyACM1"), "").unwrap();
    std::fs::write(dev.join("ttyACM2"), "").unwrap();
    symlink("ttyACM1", dev.join("custody-scanner-S19283")).unwrap();
    let profiles = custody_scan::profile::builtin_profiles().unwrap();
    let ports = custody_scan::ports::list_ports_in(&tty, &dev, &profiles);
    let paths: Vec<_> = ports.iter().map(|p| p.path.clone()).collect();
    assert_eq!(
        paths,
        vec![dev.join("custody-scanner-S19283"), dev.join("ttyACM2")]
    );
}

/// The packaged udev rule gives the custody group every vendor the built-in profiles know.
#[test]
fn the_udev_rule_covers_every_vendor_in_the_scanner_profiles() {
    let rule = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../packaging/debian/60-custody-scanners.rules"),
    )
    .unwrap();
    let in_rule: std::collections::BTreeSet<u16> = rule
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split("ATTRS{idVendor}==\"").skip(1))
        .filter_map(|rest| u16::from_str_radix(rest.get(..4)?, 16).ok())
        .collect();
    let profiles = custody_scan::profile::builtin_profiles().unwrap();
    let known: std::collections::BTreeSet<u16> = profiles
        .iter()
        .flat_map(|p| p.vendor_ids.iter().copied())
        .collect();
    assert!(!known.is_empty());
    assert_eq!(
        in_rule, known,
        "packaging/debian/60-custody-scanners.rules vs firmware-config"
    );
}

/// A scratch folder removed when the test ends, passed or not.
struct Root(std::path::PathBuf);
impl Root {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
}
impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
