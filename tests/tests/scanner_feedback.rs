//! At the depot with a Honeywell in Host ACK mode (a fake that follows the user guide, on a
//! pseudo-terminal) and the real ledger: the scanner itself stays silent until the event is
//! committed or refused. A destroyed rifle scanned into a move gets the error tone; a scan
//! while the disk is full gets the error tone and is not in the ledger; a good move gets the
//! good tone. The front end's rule is the one `custody scan` and the kiosk follow: answer the
//! scanner with Accepted only after the ledger call returned Ok.

#[path = "../../crates/core/tests/common/mod.rs"]
mod common;

use common::{event_count, person, site, weapon, Site};
use custody_core::{Actor, CustodyError, DestructionMethod, DestructionRecord, ItemStatus, Role};
use custody_scan::configure::configure;
use custody_scan::emulate::Emulator;
use custody_scan::fake::{Entry, HoneywellFake, Symbol, Timeline, Tone};
use custody_scan::profile::builtin_profile;
use custody_scan::session::{Outcome, Scan, ScanEvent, ScannerSession, SessionConfig};
use std::time::{Duration, Instant};

fn destroy(s: &mut Site, code: &str) {
    s.ledger
        .register_person(
            &s.admin,
            person("Vesna Witness", "WIT", Role::Inspector),
            "286451",
        )
        .unwrap();
    let witness2: Actor = s.ledger.authenticate("WIT", "286451").unwrap();
    let codes = vec![code.to_string()];
    let b = s
        .ledger
        .destruction_create(&s.officer, "Ministry of Interior", "DEC-1", "")
        .unwrap();
    s.ledger
        .destruction_add(&s.officer, &b.code, &codes)
        .unwrap();
    s.ledger.destruction_freeze(&s.officer, &b.code).unwrap();
    s.ledger
        .destruction_recount(&s.inspector, &b.code, &codes)
        .unwrap();
    s.ledger
        .destruction_record(
            &s.officer,
            &b.code,
            DestructionRecord {
                method: DestructionMethod::Cutting,
                equipment: "Hydraulic shear HS-400".into(),
                place: "Smederevo steel works".into(),
                date: "2026-03-02".into(),
                scrap_weight_kg: "11.4".into(),
                photo_digests: vec!["ab".repeat(32)],
            },
        )
        .unwrap();
    s.ledger
        .destruction_execute(&s.officer, &[&s.inspector, &witness2], &b.code)
        .unwrap();
}

fn next_scan(session: &ScannerSession) -> Scan {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(ScanEvent::Scan(s)) = session.next_event(Duration::from_millis(100)) {
            return s;
        }
    }
    panic!("no scan arrived");
}

fn tones_since_last_trigger(t: &Timeline) -> Vec<Tone> {
    let from = t
        .entries
        .iter()
        .rposition(|(_, e)| matches!(e, Entry::Trigger { .. }))
        .unwrap_or(0);
    t.entries[from..]
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::Tone(tone) => Some(*tone),
            _ => None,
        })
        .collect()
}

struct Depot {
    emu: Emulator,
    session: ScannerSession,
}

impl Depot {
    fn new(tag: &str) -> Depot {
        let p = builtin_profile("honeywell-xenon-1950g").unwrap();
        let link =
            std::env::temp_dir().join(format!("custody-e2e-fb-{tag}-{}", std::process::id()));
        // A long Host ACK timeout: the ledger may be slow on a loaded machine.
        let emu = Emulator::start(
            Box::new(HoneywellFake::new(None, Duration::from_secs(30))),
            Some(&link),
        )
        .unwrap();
        assert!(configure(emu.host_path(), &p, Duration::from_secs(2))
            .unwrap()
            .all_ok());
        let session = ScannerSession::start(SessionConfig::new(emu.host_path(), p)).unwrap();
        Depot { emu, session }
    }

    /// The officer scans `code`; the front end runs `commit` on what arrived and answers the
    /// scanner from its result. Returns what the ledger said and the tones the device made.
    fn scan<T>(
        &self,
        code: &str,
        commit: impl FnOnce(&str) -> Result<T, CustodyError>,
    ) -> (Result<T, CustodyError>, Vec<Tone>) {
        self.emu.trigger(Symbol::code128(code.as_bytes()));
        let scan = next_scan(&self.session);
        let text = String::from_utf8(scan.line.data.clone()).unwrap();
        assert_eq!(text, code);
        let result = commit(&text);
        // Committed or refused, but not yet answered: the device has made no sound.
        let t = self.emu.timeline();
        assert!(tones_since_last_trigger(&t).is_empty(), "{}", t.render());
        let outcome = if result.is_ok() {
            Outcome::Accepted
        } else {
            Outcome::Refused
        };
        self.session.acknowledge(scan.id, outcome).unwrap();
        let t = self.emu.wait_timeline(Duration::from_secs(20), |t| {
            !tones_since_last_trigger(t).is_empty()
        });
        (result, tones_since_last_trigger(&t))
    }
}

#[test]
fn a_destroyed_rifle_scanned_into_a_move_gets_the_error_tone_and_a_good_move_the_good_tone() {
    let mut s = site();
    let (destroyed, good) = (s.weapons[0].clone(), s.weapons[1].clone());
    destroy(&mut s, &destroyed);
    let depot = Depot::new("move");

    let before = event_count(&s.ledger);
    let officer = s.officer.clone();
    let (result, tones) = depot.scan(&destroyed, |c| s.ledger.move_item(&officer, c, "Vault B"));
    assert!(
        matches!(result, Err(CustodyError::TerminalItem { .. })),
        "{result:?}"
    );
    assert_eq!(tones, vec![Tone::Error]);
    assert_eq!(event_count(&s.ledger), before);
    assert_eq!(
        s.ledger.find_item(&destroyed).unwrap().status,
        ItemStatus::Destroyed
    );

    let (result, tones) = depot.scan(&good, |c| s.ledger.move_item(&officer, c, "Vault B"));
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(tones, vec![Tone::Good]);
    assert!(event_count(&s.ledger) > before);
    depot.session.shutdown();
}

#[test]
fn a_scan_while_the_disk_is_full_gets_the_error_tone_and_is_not_recorded() {
    let mut s = site();
    let officer = s.officer.clone();
    let pages: u32 = rusqlite::Connection::open(s.ledger.path())
        .unwrap()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    s.ledger.limit_file_size_pages(pages).unwrap();
    let depot = Depot::new("disk");
    let mut refused = None;
    for i in 0..300 {
        let serial = format!("FULL{i:04}");
        let before = event_count(&s.ledger);
        let (result, tones) = depot.scan(&serial, |_| {
            s.ledger
                .register_weapon(&officer, weapon(&serial, "Zastava"), Some("Vault A"))
        });
        match result {
            Ok(_) => assert_eq!(tones, vec![Tone::Good], "scan {i}"),
            Err(CustodyError::DiskFull) => {
                assert_eq!(tones, vec![Tone::Error]);
                assert_eq!(event_count(&s.ledger), before, "nothing was recorded");
                refused = Some(serial);
                break;
            }
            Err(other) => panic!("expected a full disk, got {other}"),
        }
    }
    let refused = refused.expect("the disk never filled up");
    s.ledger.limit_file_size_pages(1_073_741_823).unwrap();
    assert!(s.ledger.verify().unwrap().is_intact());
    // The refused weapon is not in the ledger; every one that got the good tone is.
    let items = s.ledger.items().unwrap();
    let serial_count = |serial: &str| items.iter().filter(|it| it.serial == serial).count();
    assert_eq!(serial_count(&refused), 0);
    assert_eq!(serial_count("FULL0000"), usize::from(refused != "FULL0000"));
    depot.session.shutdown();
}
