//! Every profile in firmware-config/ loads, matches what is compiled in, and bad files are
//! refused with the file and field named.

use custody_scan::profile::{self, parse_profile, ProfileError, Protocol};
use std::path::Path;

fn config_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../firmware-config")
}

#[test]
fn every_profile_file_loads_and_is_compiled_in() {
    let from_disk = profile::load_dir(&config_dir()).unwrap();
    let builtin = profile::builtin_profiles().unwrap();
    assert_eq!(
        from_disk.len(),
        builtin.len(),
        "a firmware-config file is missing from profile::BUILTIN"
    );
    for p in &from_disk {
        let b = builtin
            .iter()
            .find(|b| b.name == p.name)
            .unwrap_or_else(|| panic!("{} not compiled in", p.name));
        assert_eq!(p.model, b.model);
        assert!(!p.sources.documented.is_empty() || !p.sources.assumed.is_empty());
    }
    for name in [
        "honeywell-xenon-1950g",
        "honeywell-xenon-1952g",
        "honeywell-granit-1911i",
        "honeywell-granit-1981i",
        "honeywell-voyager-1450g",
        "zebra-ds2208",
        "zebra-ds3678",
        "zebra-ds8178",
        "datalogic-gryphon-gd4500",
        "datalogic-quickscan-qd2500",
        "generic-cdc",
    ] {
        assert!(builtin.iter().any(|p| p.name == name), "{name}");
    }
}

#[test]
fn vendor_ids_are_the_documented_ones() {
    let all = profile::builtin_profiles().unwrap();
    for p in &all {
        let expected: &[u16] = match p.vendor.as_str() {
            "Honeywell" => &[0x0c2e, 0x0536],
            "Zebra" => &[0x05e0],
            "Datalogic" => &[0x05f9, 0x080c],
            _ => &[],
        };
        assert_eq!(p.vendor_ids, expected, "{}", p.name);
        let proto = match p.vendor.as_str() {
            "Honeywell" => Protocol::HoneywellMenu,
            "Zebra" => Protocol::ZebraSsi,
            _ => Protocol::Plain,
        };
        assert_eq!(p.protocol, proto, "{}", p.name);
    }
}

fn all_bytes(cmds: &[profile::DeviceCommand]) -> Vec<u8> {
    cmds.iter().flat_map(|c| c.bytes()).collect()
}

#[test]
fn honeywell_profiles_ask_for_the_aim_id_and_answer_in_host_ack_mode() {
    for name in [
        "honeywell-xenon-1950g",
        "honeywell-xenon-1952g",
        "honeywell-granit-1911i",
        "honeywell-granit-1981i",
        "honeywell-voyager-1450g",
    ] {
        let p = profile::builtin_profile(name).unwrap();
        let init = all_bytes(&p.init);
        // The manuals: "To add AIM I.D., scan 5, C, 8, 1" (5C80 is the one-letter Code ID).
        let text = String::from_utf8_lossy(&init).into_owned();
        assert!(text.contains("PREBK2995C81."), "{name}: {text}");
        assert!(!text.contains("5C80"), "{name}: {text}");
        assert!(text.contains("HSTACK1."), "{name}: {text}");
        // Host ACK responses: <ESC>7, good, <ESC>8, error; the comma is required.
        assert_eq!(all_bytes(&p.feedback_good), b"\x1b7,", "{name}");
        assert_eq!(all_bytes(&p.feedback_bad), b"\x1b8,", "{name}");
        assert_eq!(
            p.feedback_capability(),
            profile::FeedbackCapability::HostConfirmed,
            "{name}"
        );
    }
}

#[test]
fn cordless_honeywell_commands_go_to_the_linked_scanner_not_the_base() {
    for name in [
        "honeywell-xenon-1952g",
        "honeywell-granit-1911i",
        "honeywell-granit-1981i",
    ] {
        let p = profile::builtin_profile(name).unwrap();
        for cmd in p.init.iter().chain(p.readback.iter().map(|r| &r.command)) {
            assert!(
                cmd.bytes().starts_with(b"\x16M\r:*:"),
                "{name}: {:?}",
                String::from_utf8_lossy(&cmd.bytes())
            );
        }
    }
    let corded = profile::builtin_profile("honeywell-xenon-1950g").unwrap();
    assert!(corded.init[0].bytes().starts_with(b"\x16M\rPRE"));
}

#[test]
fn zebra_profiles_set_packeted_decode_data_permanently_and_beep_only_when_told() {
    for name in ["zebra-ds2208", "zebra-ds3678", "zebra-ds8178"] {
        let p = profile::builtin_profile(name).unwrap();
        // Len 7 (all but the checksum), PARAM_SEND, host, status 08 (permanent), beep FF,
        // param EE = 1; checksum 0x10000 - 0x2C7 = FD39.
        let packeted = p.init[0].bytes();
        assert_eq!(
            packeted,
            [0x07, 0xC6, 0x04, 0x08, 0xFF, 0xEE, 0x01, 0xFD, 0x39],
            "{name}"
        );
        let beep_off = p.init[1].bytes();
        assert_eq!(
            beep_off,
            [0x07, 0xC6, 0x04, 0x08, 0xFF, 0x38, 0x00, 0xFD, 0xF0],
            "{name}"
        );
        assert_eq!(
            p.feedback_good[0].bytes()[1..5],
            [0xE6, 0x04, 0x00, 0x00],
            "{name}"
        );
        assert_eq!(
            p.feedback_bad[0].bytes()[1..5],
            [0xE6, 0x04, 0x00, 0x19],
            "{name}"
        );
        assert_eq!(
            p.feedback_capability(),
            profile::FeedbackCapability::HostConfirmed
        );
    }
}

#[test]
fn scanners_that_cannot_wait_for_the_commit_say_so_plainly() {
    for name in [
        "datalogic-gryphon-gd4500",
        "datalogic-quickscan-qd2500",
        "generic-cdc",
    ] {
        let p = profile::builtin_profile(name).unwrap();
        assert_eq!(
            p.feedback_capability().text(),
            "this scanner beeps on read; the screen confirms the record",
            "{name}"
        );
        assert!(!p.feedback_capability().keeps_the_promise());
    }
    assert_eq!(
        profile::keyboard_wedge_capability().text(),
        "this scanner beeps on read; the screen confirms the record"
    );
}

#[test]
fn a_cdc_scanner_is_matched_by_vendor_and_class_then_by_model_in_the_product_name() {
    let all = profile::builtin_profiles().unwrap();
    let m =
        profile::match_profile(&all, 0x0c2e, Some(0x02), Some("Honeywell Granit 1981i")).unwrap();
    assert_eq!(m.name, "honeywell-granit-1981i");
    let m =
        profile::match_profile(&all, 0x05e0, Some(0x02), Some("Symbol Bar Code Scanner")).unwrap();
    assert_eq!(m.vendor, "Zebra");
    let m = profile::match_profile(&all, 0x1234, Some(0x02), None).unwrap();
    assert_eq!(m.name, "generic-cdc");
    // A HID interface is not a serial scanner port.
    assert!(profile::match_profile(&all, 0x0c2e, Some(0x03), None).is_none());
}

fn base() -> String {
    std::fs::read_to_string(config_dir().join("generic-cdc.toml")).unwrap()
}

fn field_error(text: &str) -> (String, String) {
    match parse_profile("site/bad.toml", text) {
        Err(ProfileError::Invalid { file, field, .. }) => (file, field),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn a_mistyped_profile_names_the_file_and_the_field() {
    let (file, field) = field_error(&base().replace("baud = 115200", "baud = 12"));
    assert_eq!(
        (file.as_str(), field.as_str()),
        ("site/bad.toml", "line.baud")
    );
    let (_, field) =
        field_error(&base().replace("protocol = \"plain\"", "protocol = \"telepathy\""));
    assert_eq!(field, "protocol");
    let (_, field) = field_error(&base().replace("vendor_ids = []", "vendor_ids = [\"zebra\"]"));
    assert_eq!(field, "usb.vendor_ids");
    let (_, field) = field_error(&base().replace("suffix = \"\\r\\n\"", "suffix = \"\""));
    assert_eq!(field, "framing");
    let (_, field) = field_error(&(base() + "\n[[init]]\nwhat = \"x\"\nmenu = \"TRMUSB130\"\n"));
    assert_eq!(field, "init[0].menu");
    let err = parse_profile(
        "site/bad.toml",
        &base().replace("schema = 1", "schema = 1\ncolour = \"red\""),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("site/bad.toml") && err.to_string().contains("colour"),
        "{err}"
    );
    assert!(matches!(
        profile::builtin_profile("nonexistent"),
        Err(ProfileError::NotFound { .. })
    ));
}
