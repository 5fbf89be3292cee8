//! custody-codes benchmarks: scan parsing throughput, label rendering time, and image decoding
//! time and detection rate on generated labels (clean and degraded), each against an anchor
//! measured in the same run (std splitting, rxing alone, zxing-cpp via Python).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use custody_codes::{classify, LabelCode, LabelKind, LabelSpec};
use serde_json::json;

fn emit(name: &str, unit: &str, ours: f64, anchor: Option<f64>, anchor_name: &str) {
    let line = match anchor {
        Some(a) => json!({"suite": "codes", "name": name, "unit": unit, "ours": ours,
            "anchor": a, "anchor_name": anchor_name, "ratio": ours / a}),
        None => json!({"suite": "codes", "name": name, "unit": unit, "ours": ours,
            "anchor": null, "anchor_name": anchor_name, "ratio": null}),
    };
    println!("{line}");
}

fn emit_error(name: &str, unit: &str, ours: f64, anchor_name: &str, error: &str) {
    println!(
        "{}",
        json!({"suite": "codes", "name": name, "unit": unit, "ours": ours, "anchor": null,
            "anchor_name": anchor_name, "ratio": null, "error": error})
    );
}

fn sample_scans() -> Vec<Vec<u8>> {
    let mut scans: Vec<Vec<u8>> = Vec::new();
    for i in 0..250u64 {
        scans.push(
            LabelCode::from_number(LabelKind::ALL[i as usize % 8], i * 7919)
                .as_str()
                .into(),
        );
        scans.push(format!("]C10109506000134352\x1d21SN{i:06}\x1d10LOT{}", i % 17).into_bytes());
        scans.push(
            format!(
                "[)>\x1e06\x1d17V1HLD9\x1d1P31-142\x1dS{:07}\x1e\x04",
                2044492 + i
            )
            .into_bytes(),
        );
        scans.push(format!("ZASTAVA M70 AB-{i:06}").into_bytes());
    }
    scans
}

fn bench_parse() {
    let scans = sample_scans();
    let bytes: usize = scans.iter().map(Vec::len).sum();
    let rounds = 40;
    let start = Instant::now();
    let mut ok = 0usize;
    for _ in 0..rounds {
        for s in &scans {
            ok += classify(None, std::hint::black_box(s)).is_ok() as usize;
        }
    }
    let ours = start.elapsed();
    assert_eq!(ok, rounds * scans.len(), "every sample scan must parse");
    // Anchor: the least any parser must do — UTF-8 check and split on GS/RS.
    let start = Instant::now();
    let mut fields = 0usize;
    for _ in 0..rounds {
        for s in &scans {
            let s = std::hint::black_box(s);
            if let Ok(t) = std::str::from_utf8(s) {
                fields += t.split(['\x1d', '\x1e']).filter(|f| !f.is_empty()).count();
            }
        }
    }
    let anchor = start.elapsed();
    std::hint::black_box(fields);
    let mbps = |d: Duration| (bytes * rounds) as f64 / d.as_secs_f64() / 1e6;
    emit(
        "parse_throughput",
        "MB/s",
        mbps(ours),
        Some(mbps(anchor)),
        "std from_utf8 + split on GS/RS",
    );
}

fn bench_render() {
    let specs: Vec<LabelSpec> = (0..20u64)
        .map(|i| {
            LabelSpec::new(
                LabelCode::from_number(LabelKind::Weapon, i * 104729),
                "Zastava M70 · сер. 123456",
            )
        })
        .collect();
    let time = |f: &dyn Fn(&LabelSpec)| {
        let start = Instant::now();
        for s in &specs {
            f(s);
        }
        start.elapsed().as_secs_f64() * 1000.0 / specs.len() as f64
    };
    // Anchor: rxing encoding both symbols alone, the floor under any label renderer.
    let anchor = time(&|s| {
        let _ = custody_codes::render::code128_modules(s.code.as_str());
        let _ = custody_codes::render::datamatrix_modules(s.code.as_str());
    });
    let png = time(&|s| {
        custody_codes::render_label_png(s, 300).expect("label renders");
    });
    emit(
        "render_png_300dpi",
        "ms/label",
        png,
        Some(anchor),
        "rxing encode Code 128 + DataMatrix only",
    );
    let pdf = time(&|s| {
        custody_codes::render_label_pdf(s).expect("label renders");
    });
    emit(
        "render_pdf",
        "ms/label",
        pdf,
        Some(anchor),
        "rxing encode Code 128 + DataMatrix only",
    );
}

struct Sample {
    condition: &'static str,
    path: PathBuf,
    luma: Vec<u8>,
    width: u32,
    height: u32,
    expected: String,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn blur(luma: &[u8], w: u32, h: u32, r: i64) -> Vec<u8> {
    let (w, h) = (w as i64, h as i64);
    let mut out = vec![0u8; luma.len()];
    for y in 0..h {
        for x in 0..w {
            let (mut sum, mut n) = (0u32, 0u32);
            for dy in -r..=r {
                for dx in -r..=r {
                    let (xx, yy) = (x + dx, y + dy);
                    if xx >= 0 && yy >= 0 && xx < w && yy < h {
                        sum += luma[(yy * w + xx) as usize] as u32;
                        n += 1;
                    }
                }
            }
            out[(y * w + x) as usize] = (sum / n) as u8;
        }
    }
    out
}

fn rotate(luma: &[u8], w: u32, h: u32, degrees: f64) -> (Vec<u8>, u32, u32) {
    let (s, c) = degrees.to_radians().sin_cos();
    let (wf, hf) = (w as f64, h as f64);
    let nw = (wf * c.abs() + hf * s.abs()).ceil() as u32 + 20;
    let nh = (wf * s.abs() + hf * c.abs()).ceil() as u32 + 20;
    let mut out = vec![255u8; (nw * nh) as usize];
    for y in 0..nh {
        for x in 0..nw {
            let (dx, dy) = (x as f64 - nw as f64 / 2.0, y as f64 - nh as f64 / 2.0);
            let sx = c * dx + s * dy + wf / 2.0;
            let sy = -s * dx + c * dy + hf / 2.0;
            if sx >= 0.0 && sy >= 0.0 && sx < wf - 1.0 && sy < hf - 1.0 {
                // Bilinear, like a camera's resampling.
                let (x0, y0) = (sx.floor() as usize, sy.floor() as usize);
                let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
                let p = |xx: usize, yy: usize| luma[yy * w as usize + xx] as f64;
                let v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
                    + p(x0 + 1, y0) * fx * (1.0 - fy)
                    + p(x0, y0 + 1) * (1.0 - fx) * fy
                    + p(x0 + 1, y0 + 1) * fx * fy;
                out[(y * nw + x) as usize] = v.round() as u8;
            }
        }
    }
    (out, nw, nh)
}

fn write_pgm(path: &Path, luma: &[u8], w: u32, h: u32) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    write!(f, "P5\n{w} {h}\n255\n")?;
    f.write_all(luma)?;
    f.flush()
}

fn make_samples(dir: &Path) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut rng = Rng(42);
    for i in 0..12u64 {
        let kind = LabelKind::ALL[i as usize % LabelKind::ALL.len()];
        let code = LabelCode::from_number(kind, (i + 1) * 0x1F_2E3D_4C5B);
        let spec = LabelSpec::new(code.clone(), "Zastava M70 · сер. 123456");
        let (luma, w, h) = custody_codes::render_label_luma(&spec, 200).expect("label renders");
        let variants: Vec<(&'static str, Vec<u8>, u32, u32)> = vec![
            ("clean", luma.clone(), w, h),
            ("blurred", blur(&luma, w, h, 1), w, h),
            {
                let (r, rw, rh) = rotate(&luma, w, h, 7.0 + i as f64);
                ("rotated", r, rw, rh)
            },
            (
                "low_contrast",
                luma.iter()
                    .map(|&p| 100 + (p as u32 * 60 / 255) as u8)
                    .collect(),
                w,
                h,
            ),
            (
                "noisy",
                luma.iter()
                    .map(|&p| {
                        let n = (rng.next() + rng.next() + rng.next() - 1.5) * 90.0;
                        (p as f64 + n).clamp(0.0, 255.0) as u8
                    })
                    .collect(),
                w,
                h,
            ),
        ];
        for (condition, luma, width, height) in variants {
            let path = dir.join(format!("{condition}-{i:02}.pgm"));
            write_pgm(&path, &luma, width, height).expect("bench images can be written");
            samples.push(Sample {
                condition,
                path,
                luma,
                width,
                height,
                expected: code.as_str().to_string(),
            });
        }
    }
    samples
}

/// Per image: (ms, symbols found that carry the expected code).
fn run_anchor(samples: &[Sample]) -> Result<Vec<(f64, usize)>, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/zxing_anchor.py");
    let mut child = std::process::Command::new("python3")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("python3 could not be started: {e}"))?;
    {
        let mut stdin = child.stdin.take().ok_or("no stdin for python")?;
        for s in samples {
            writeln!(stdin, "{}", s.path.display()).map_err(|e| e.to_string())?;
        }
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut results = Vec::new();
    for (line, sample) in text.lines().zip(samples) {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        if let Some(err) = v.get("error") {
            return Err(err.to_string());
        }
        let ms = v["ms"].as_f64().ok_or("no ms from python")?;
        let hits = v["texts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|t| t.as_str() == Some(sample.expected.as_str()))
                    .count()
            })
            .unwrap_or(0);
        results.push((ms, hits));
    }
    if results.len() != samples.len() {
        return Err(format!(
            "python answered for {} of {} images",
            results.len(),
            samples.len()
        ));
    }
    Ok(results)
}

fn bench_decode() {
    let dir = std::env::temp_dir().join(format!("custody-bench-codes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let samples = make_samples(&dir);
    eprintln!(
        "codes: decoding {} generated label images with rxing",
        samples.len()
    );
    let ours: Vec<(f64, usize)> = samples
        .iter()
        .map(|s| {
            let start = Instant::now();
            let found = custody_codes::decode_luma(
                s.luma.clone(),
                s.width,
                s.height,
                Duration::from_secs(20),
            );
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            let hits = found
                .map(|f| f.iter().filter(|d| d.text == s.expected).count())
                .unwrap_or(0);
            (ms, hits)
        })
        .collect();
    eprintln!("codes: decoding the same images with zxing-cpp (python)");
    let anchor = run_anchor(&samples);
    let conditions = ["clean", "blurred", "rotated", "low_contrast", "noisy"];
    for condition in conditions {
        let idx: Vec<usize> = (0..samples.len())
            .filter(|&i| samples[i].condition == condition)
            .collect();
        let n = idx.len() as f64;
        let stats = |r: &[(f64, usize)]| {
            let ms = idx.iter().map(|&i| r[i].0).sum::<f64>() / n;
            let any = idx.iter().filter(|&&i| r[i].1 > 0).count() as f64 / n;
            // Two symbols per label: Code 128 and DataMatrix.
            let symbols = idx.iter().map(|&i| r[i].1.min(2)).sum::<usize>() as f64 / (2.0 * n);
            (ms, any, symbols)
        };
        let (ms, any, symbols) = stats(&ours);
        let name = |what: &str| format!("decode_{what}_{condition}");
        match &anchor {
            Ok(a) => {
                let (ams, aany, asym) = stats(a);
                emit(
                    &name("ms"),
                    "ms/image",
                    ms,
                    Some(ams),
                    "zxing-cpp (python, same files)",
                );
                emit(
                    &name("label_rate"),
                    "fraction",
                    any,
                    Some(aany),
                    "zxing-cpp (python, same files)",
                );
                emit(
                    &name("symbol_rate"),
                    "fraction",
                    symbols,
                    Some(asym),
                    "zxing-cpp (python, same files)",
                );
            }
            Err(e) => {
                emit_error(
                    &name("ms"),
                    "ms/image",
                    ms,
                    "zxing-cpp (python, same files)",
                    e,
                );
                emit_error(
                    &name("label_rate"),
                    "fraction",
                    any,
                    "zxing-cpp (python, same files)",
                    e,
                );
                emit_error(
                    &name("symbol_rate"),
                    "fraction",
                    symbols,
                    "zxing-cpp (python, same files)",
                    e,
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs every codes benchmark: JSON lines on stdout, progress on stderr.
pub fn run() {
    eprintln!("codes: parse throughput");
    bench_parse();
    eprintln!("codes: label rendering");
    bench_render();
    bench_decode();
}
