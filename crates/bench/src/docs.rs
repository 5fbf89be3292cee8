//! Document benchmarks: render a 5,000-item destruction certificate and a 10,000-item handover
//! manifest to PDF, and verify the certificate from its PDF. Each time is set against an anchor
//! measured in the same process on the same rows; peak memory comes from /proc/self/status.

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use custody_docs::{
    verify_pdf, CheckpointRef, ContainerSeal, DestructionCertificate, DestructionMethod,
    HandoverManifest, ItemLine, KeyId, Language, Party, RenderOptions, ScrapDisposal, Seal,
    Signatory,
};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

const RUNS: usize = 3;

pub fn run() {
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let trusted = vec![(KeyId::of(&key.verifying_key()), key.verifying_key())];
    let opts = RenderOptions::new(Language::SerbianLatin);

    let cert = certificate(5_000);
    let manifest = manifest(10_000);
    let data_peak = peak_mib();

    eprintln!("docs: rendering a 5,000-item certificate ({RUNS} runs)");
    let seal = match cert.seal_fields().and_then(|f| Seal::sign(f, &key)) {
        Ok(s) => s,
        Err(e) => return eprintln!("docs: cannot seal the certificate: {e}"),
    };
    let mut pdf = Vec::new();
    let ours = best_ms(|| match cert.to_pdf(&seal, &opts) {
        Ok(bytes) => pdf = bytes,
        Err(e) => eprintln!("docs: certificate failed: {e}"),
    });
    let anchor = best_ms(|| {
        black_box(plain_csv(&cert.items));
    });
    line(
        "certificate_5000",
        "ms",
        ours,
        anchor,
        "same 5,000 rows written as plain CSV with std::io::Write",
    );
    eprintln!("docs: certificate is {} KiB", pdf.len() / 1024);

    eprintln!("docs: verifying the certificate PDF");
    let ours = best_ms(|| {
        if let Err(e) = verify_pdf(black_box(&pdf), &trusted) {
            eprintln!("docs: verify failed: {e}");
        }
    });
    let anchor = best_ms(|| {
        black_box(Sha256::digest(&pdf));
    });
    line(
        "verify_pdf_5000",
        "ms",
        ours,
        anchor,
        "SHA-256 of the same PDF bytes",
    );

    eprintln!("docs: rendering a 10,000-item manifest ({RUNS} runs)");
    let seal = match manifest.seal_fields().and_then(|f| Seal::sign(f, &key)) {
        Ok(s) => s,
        Err(e) => return eprintln!("docs: cannot seal the manifest: {e}"),
    };
    let ours = best_ms(|| {
        if let Err(e) = manifest.to_pdf(&seal, &opts).map(black_box) {
            eprintln!("docs: manifest failed: {e}");
        }
    });
    let anchor = best_ms(|| {
        black_box(plain_csv(&manifest.items));
    });
    line(
        "manifest_10000",
        "ms",
        ours,
        anchor,
        "same 10,000 rows written as plain CSV with std::io::Write",
    );
    // A real PDF anchor: the same table in the same font, rendered by reportlab, best of
    // RUNS like ours.
    eprintln!("docs: rendering the same 10,000 rows with reportlab ({RUNS} runs)");
    match (0..RUNS)
        .map(|_| reportlab_ms(&manifest.items))
        .collect::<Result<Vec<f64>, String>>()
    {
        Ok(runs) => line(
            "manifest_10000_vs_pdf",
            "ms",
            ours,
            runs.into_iter().fold(f64::INFINITY, f64::min),
            "reportlab (Python) rendering the same 10,000-row table in DejaVu Sans to PDF",
        ),
        Err(e) => eprintln!("docs: reportlab anchor unavailable: {e}"),
    }

    line(
        "peak_memory",
        "MiB",
        peak_mib(),
        data_peak,
        "VmHWM after building the input data, before rendering",
    );
}

fn line(name: &str, unit: &str, ours: f64, anchor: f64, anchor_name: &str) {
    crate::report::figure("docs", name, unit, ours, anchor, anchor_name);
}

fn best_ms(mut f: impl FnMut()) -> f64 {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::INFINITY, f64::min)
}

/// The same rows rendered to PDF by reportlab (reportlab_anchor.py), in milliseconds of
/// rendering as the script measures it.
fn reportlab_ms(items: &[ItemLine]) -> Result<f64, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/reportlab_anchor.py");
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("python3 could not be started: {e}"))?;
    {
        let mut stdin = child.stdin.take().ok_or("no stdin for python")?;
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        for (n, i) in items.iter().enumerate() {
            writeln!(
                stdin,
                "{},{},{},{},{},{},{}",
                n + 1,
                quote(&i.custody_code),
                quote(&i.item_type),
                quote(&i.make),
                quote(&i.model),
                quote(&i.calibre),
                quote(&i.serial)
            )
            .map_err(|e| e.to_string())?;
        }
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value =
        serde_json::from_str(text.trim()).map_err(|e| format!("{e}: {text}"))?;
    if let Some(err) = v.get("error") {
        return Err(err.to_string());
    }
    if v["rows"].as_u64() != Some(items.len() as u64) {
        return Err(format!("reportlab rendered {} rows", v["rows"]));
    }
    v["ms"]
        .as_f64()
        .ok_or_else(|| "no ms from python".to_string())
}

fn plain_csv(items: &[ItemLine]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.len() * 64);
    for (n, i) in items.iter().enumerate() {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            n + 1,
            i.custody_code,
            i.item_type,
            i.make,
            i.model,
            i.calibre,
            i.serial
        );
    }
    out
}

/// Peak resident set size (VmHWM) in MiB; 0 where /proc is not available.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn items(n: usize) -> Vec<ItemLine> {
    const TYPES: [(&str, &str, &str, &str); 4] = [
        ("pistol", "Zastava", "M57", "7,62×25 mm"),
        ("rifle", "Zastava", "M70AB2", "7,62×39 mm"),
        ("revolver", "Smith & Wesson", "Model 10", ".38 Special"),
        ("shotgun", "Baikal", "IZh-43", "12/70"),
    ];
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

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn person(name: &str, role: &str) -> Signatory {
    Signatory {
        name: name.into(),
        role: role.into(),
        organisation: "MUP RS".into(),
    }
}

fn checkpoint() -> CheckpointRef {
    CheckpointRef {
        seq: 1_000_000,
        head_hash: [7; 32],
    }
}

fn certificate(n: usize) -> DestructionCertificate {
    DestructionCertificate {
        certificate_id: "DC-2025-0001".into(),
        site_name: "Skladište Kragujevac".into(),
        site_id: "RS-KG-01".into(),
        authority: "Ministarstvo unutrašnjih poslova".into(),
        decision_reference: "01-2345/25".into(),
        issued_on: day(2025, 3, 14),
        destruction_started: day(2025, 3, 12),
        destruction_finished: day(2025, 3, 13),
        place: "Smederevo".into(),
        method: DestructionMethod::Smelting,
        equipment: "Elektrolučna peć".into(),
        scrap: ScrapDisposal {
            weight_kg: 9000.0,
            delivered_to: "Železara Smederevo".into(),
        },
        operator: person("Marko Petrović", "Operater"),
        responsible_official: person("Jelena Jovanović", "Načelnica"),
        witnesses: vec![
            person("Arben Krasniqi", "OSCE"),
            person("Ana Nikolić", "Tužilaštvo"),
        ],
        items: items(n),
        photo_digests: Vec::new(),
        checkpoint: checkpoint(),
        amended: vec![],
        ammunition: None,
    }
}

fn manifest(n: usize) -> HandoverManifest {
    let at = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    };
    let party = |org: &str, who: &str| Party {
        organisation: org.into(),
        person: who.into(),
        role: "Custodian".into(),
    };
    HandoverManifest {
        manifest_id: "HM-2025-0001".into(),
        site_name: "Skladište Kragujevac".into(),
        site_id: "RS-KG-01".into(),
        issued_on: day(2025, 4, 2),
        sender: party("MUP RS", "Besnik Gashi"),
        receiver: party("Forensic institute", "Drita Berisha"),
        legal_basis: "Order 123/2025".into(),
        transport: "Truck BG-123-AB".into(),
        containers: vec![ContainerSeal {
            container_id: "BOX-A".into(),
            seal_numbers: vec!["PL-1".into()],
            item_count: n as u32,
        }],
        items: items(n),
        dispatched_at: at("2025-04-02T07:15:00Z"),
        received_at: None,
        discrepancies: Vec::new(),
        checkpoint: checkpoint(),
        amended: vec![],
        ammunition: None,
    }
}
