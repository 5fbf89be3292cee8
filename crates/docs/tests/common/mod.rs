//! Field-like fixtures shared by the document tests, and helpers that drive poppler and qpdf.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use custody_docs::*;
use ed25519_dalek::{SigningKey, VerifyingKey};

/// RFC 8032 section 7.1, test 1: a published key, so nobody mistakes it for a real site key.
pub const TEST_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
pub const TEST_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fn unhex32(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("fixture hex");
    }
    out
}

pub fn site_key() -> SigningKey {
    SigningKey::from_bytes(&unhex32(TEST_SECRET))
}

pub fn trusted() -> Vec<(KeyId, VerifyingKey)> {
    let public = VerifyingKey::from_bytes(&unhex32(TEST_PUBLIC)).expect("RFC 8032 public key");
    vec![(KeyId::of(&public), public)]
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("fixture date")
}

pub fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("fixture time")
        .with_timezone(&Utc)
}

const TYPES: [(&str, &str, &str, &str); 6] = [
    ("pistol", "Zastava", "M57", "7,62×25 mm"),
    ("rifle", "Zastava", "M70AB2", "7,62×39 mm"),
    ("revolver", "Smith & Wesson", "Model 10", ".38 Special"),
    ("shotgun", "Baikal", "IZh-43", "12/70"),
    ("submachine gun", "Zastava", "M56", "7,62×25 mm"),
    ("pistol", "Crvena Zastava", "M70 „Pčelica“", "7,65 mm"),
];

pub fn items(n: usize) -> Vec<ItemLine> {
    (0..n)
        .map(|i| {
            let (t, make, model, cal) = TYPES[i % TYPES.len()];
            ItemLine {
                custody_code: format!("CU-{:06}", i + 1),
                item_type: t.into(),
                make: make.into(),
                model: model.into(),
                calibre: cal.into(),
                serial: format!("SN{:07}K", (i * 7919) % 10_000_000),
            }
        })
        .collect()
}

pub fn checkpoint() -> CheckpointRef {
    CheckpointRef {
        seq: 184_467,
        head_hash: [0x5a; 32],
    }
}

pub fn person(name: &str, role: &str, org: &str) -> Signatory {
    Signatory {
        name: name.into(),
        role: role.into(),
        organisation: org.into(),
    }
}

pub fn certificate(n: usize) -> DestructionCertificate {
    DestructionCertificate {
        certificate_id: "DC-2025-0042".into(),
        site_name: "Skladište MUP Kragujevac".into(),
        site_id: "RS-KG-01".into(),
        authority: "Ministarstvo unutrašnjih poslova Republike Srbije".into(),
        decision_reference: "Rešenje br. 01-2345/25 od 03.03.2025".into(),
        issued_on: date(2025, 3, 14),
        destruction_started: date(2025, 3, 12),
        destruction_finished: date(2025, 3, 13),
        place: "Železara Smederevo, pogon za pretapanje".into(),
        method: DestructionMethod::Smelting,
        equipment: "Elektrolučna peć EAF-2, hidraulične makaze".into(),
        scrap: ScrapDisposal {
            weight_kg: 4123.5,
            delivered_to: "HBIS Group Serbia, Smederevo".into(),
        },
        operator: person("Marko Petrović", "Rukovalac peći", "HBIS Serbia"),
        responsible_official: person("Jelena Jovanović", "Načelnica odeljenja", "MUP RS"),
        witnesses: vec![
            person("Arben Krasniqi", "Posmatrač", "OSCE Mission to Serbia"),
            person("Ана Николић", "Члан комисије", "Тужилаштво Крагујевац"),
        ],
        items: items(n),
        photo_digests: vec![
            "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea".into(),
            "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c".into(),
        ],
        checkpoint: checkpoint(),
        amended: vec![],
        ammunition: None,
    }
}

pub fn manifest(n: usize) -> HandoverManifest {
    HandoverManifest {
        manifest_id: "HM-2025-0007".into(),
        site_name: "Magacini i Policisë, Prishtinë".into(),
        site_id: "XK-PR-02".into(),
        issued_on: date(2025, 4, 2),
        sender: Party {
            organisation: "Policia e Kosovës".into(),
            person: "Besnik Gashi".into(),
            role: "Kujdestar i provave".into(),
        },
        receiver: Party {
            organisation: "Instituti i Kosovës për Mjekësi Ligjore".into(),
            person: "Drita Berisha".into(),
            role: "Eksperte balistike".into(),
        },
        legal_basis: "Urdhëresa e prokurorit PP/II nr. 123/2025".into(),
        transport: "Automjet zyrtar 01-234-KP, shoqërim me 2 zyrtarë".into(),
        containers: vec![
            ContainerSeal {
                container_id: "BOX-A".into(),
                seal_numbers: vec!["PL-000981".into(), "PL-000982".into()],
                item_count: (n / 2) as u32,
            },
            ContainerSeal {
                container_id: "BOX-B".into(),
                seal_numbers: vec!["PL-000983".into()],
                item_count: (n - n / 2) as u32,
            },
        ],
        items: items(n),
        dispatched_at: time("2025-04-02T07:15:00Z"),
        received_at: Some(time("2025-04-02T09:40:00Z")),
        discrepancies: vec![Discrepancy {
            subject: "CU-000003".into(),
            description: "Plomba PL-000982 e dëmtuar gjatë transportit, kutia e paprekur".into(),
            resolution: "Vula e re PL-001100 në prani të të dy palëve".into(),
        }],
        checkpoint: checkpoint(),
        amended: vec![],
        ammunition: None,
    }
}

pub fn stocktake() -> StocktakeReport {
    let all = items(40);
    let finding = |i: &ItemLine, found: &str, res: &str| StocktakeFinding {
        item: i.clone(),
        expected_location: "Зграда Б / Соба 2 / Полица 4".into(),
        found_location: found.into(),
        resolution: res.into(),
    };
    StocktakeReport {
        stocktake_id: "ST-2025-0003".into(),
        site_name: "Магацин МВР Скопје".into(),
        site_id: "MK-SK-01".into(),
        issued_on: date(2025, 5, 20),
        scope: vec!["Зграда Б / Соба 2".into(), "Зграда Б / Соба 3".into()],
        opened_at: time("2025-05-19T06:00:00Z"),
        closed_at: time("2025-05-20T13:30:00Z"),
        counters: StocktakeCounters {
            expected: 38,
            found: 35,
            missing: 2,
            misplaced: 1,
            unknown: 1,
            duplicates: 1,
        },
        found: all[..35].to_vec(),
        missing: vec![
            finding(&all[35], "", "Пријавено до началникот, рапорт 12/25"),
            finding(&all[36], "", "Во лабораторија, ревер 44/25"),
        ],
        misplaced: vec![finding(
            &all[37],
            "Зграда Б / Соба 3 / Полица 1",
            "Вратено на место",
        )],
        unknown: vec![UnknownScan {
            scanned_code: "0104006381333931".into(),
            location: "Зграда Б / Соба 3".into(),
            resolution: "Етикета од производител, не е во регистарот".into(),
        }],
        duplicates: vec![DuplicateScan {
            item: all[3].clone(),
            times_scanned: 2,
            resolution: "Двојно скенирање, без последици".into(),
        }],
        signatories: vec![
            person("Горан Стојановски", "Раководител на попис", "МВР"),
            person("Елена Трајковска", "Член на комисија", "МВР"),
        ],
        checkpoint: checkpoint(),
        lots: vec![],
    }
}

pub fn history() -> ItemHistory {
    let item = items(1).remove(0);
    let ev = |seq: u64,
              t: &str,
              kind: &str,
              actor: &str,
              witness: &str,
              from: &str,
              to: &str,
              notes: &str| HistoryEvent {
        seq,
        time: time(t),
        kind: kind.into(),
        actor: actor.into(),
        witness: witness.into(),
        from: from.into(),
        to: to.into(),
        notes: notes.into(),
    };
    ItemHistory {
        history_id: "IH-2025-0101".into(),
        site_name: "Depozita e provave, Durrës".into(),
        site_id: "AL-DR-01".into(),
        issued_on: date(2025, 6, 1),
        item,
        status: "destroyed".into(),
        location: "—".into(),
        events: vec![
            ev(
                101,
                "2025-01-10T08:00:00Z",
                "register",
                "E. Hoxha",
                "",
                "",
                "Rafti 3",
                "Dorëzim vullnetar",
            ),
            ev(
                205,
                "2025-02-01T10:30:00Z",
                "check out",
                "E. Hoxha",
                "A. Leka",
                "Rafti 3",
                "Laboratori",
                "Ekspertizë balistike",
            ),
            ev(
                260,
                "2025-02-08T12:00:00Z",
                "check in",
                "A. Leka",
                "E. Hoxha",
                "Laboratori",
                "Rafti 3",
                "",
            ),
            ev(
                900,
                "2025-03-12T09:00:00Z",
                "destruction execute",
                "M. Petrović",
                "OSCE",
                "Rafti 3",
                "",
                "Shkrirje",
            ),
        ],
        checkpoint: checkpoint(),
    }
}

pub fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/out");
    std::fs::create_dir_all(&dir).expect("create tests/out");
    dir
}

/// Runs a poppler or qpdf tool; a missing tool fails the test with what to install.
pub fn tool(name: &str, args: &[&str]) -> std::process::Output {
    match Command::new(name).args(args).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "{name} is needed by this test but could not be run ({e}); install it with `apt-get install -y poppler-utils qpdf`"
        ),
    }
}

/// Renders one page (1-based) to PNG at `dpi` and returns the PNG bytes.
pub fn render_page(pdf: &Path, page: usize, dpi: u32, stem: &Path) -> Vec<u8> {
    let p = page.to_string();
    let r = dpi.to_string();
    let out = tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            &r,
            "-f",
            &p,
            "-l",
            &p,
            "-singlefile",
            pdf.to_str().expect("utf-8 path"),
            stem.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(stem.with_extension("png")).expect("pdftoppm wrote the PNG")
}

pub fn page_count(pdf: &Path) -> usize {
    let out = tool("pdfinfo", &[pdf.to_str().expect("utf-8 path")]);
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports the page count")
}

pub fn pdftotext(pdf: &Path) -> String {
    let out = tool(
        "pdftotext",
        &["-layout", pdf.to_str().expect("utf-8 path"), "-"],
    );
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn qpdf_check(pdf: &Path) {
    let out = tool("qpdf", &["--check", pdf.to_str().expect("utf-8 path")]);
    assert!(
        out.status.success(),
        "qpdf --check failed for {}:\n{}{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
