//! The one output format of every suite.

/// Prints `{"suite","name","unit","ours","anchor","anchor_name","ratio"}` on stdout.
pub fn figure(suite: &str, name: &str, unit: &str, ours: f64, anchor: f64, anchor_name: &str) {
    let ratio = if anchor > 0.0 {
        ours / anchor
    } else {
        f64::NAN
    };
    println!(
        "{}",
        serde_json::json!({
            "suite": suite, "name": name, "unit": unit,
            "ours": round(ours), "anchor": round(anchor), "anchor_name": anchor_name,
            "ratio": round(ratio),
        })
    );
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Percentile of a sorted sample (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
