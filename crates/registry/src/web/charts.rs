//! The overview's charts as SVG, drawn by plotters on the server. Text is measured with DejaVu
//! Sans (the `dejavu` crate, the font the documents embed) through ab_glyph, so no system font
//! or font-config library is needed; the SVG names the same family for the browser.

use super::i18n::Lang;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

const FONT: &str = "sans-serif";
/// Colours that stay apart in grey print and for the common colour blindnesses.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(80, 80, 80),
];

fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Without the font every label would be missing; the charts then fail to draw and
        // the pages show their tables alone.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
}

type Draw<T> = Result<T, Box<dyn std::error::Error>>;

/// Label size: plotters draws 14 px for 18 requested (its text scale), legible at 100 %.
const LABEL: u32 = 18;

/// Category `i` of `n` sits at x = i, so its bar spans i ± 0.35 and its label is the only
/// key point plotters prints near it.
fn category(v: f64, n: usize) -> Option<usize> {
    let i = v.round();
    ((v - i).abs() < 0.01 && i >= 0.0 && (i as usize) < n).then_some(i as usize)
}

/// The x range for `n` categories: at least `MIN_SLOTS` wide, so one or two bars stay bars
/// (centred) rather than filling the chart.
const MIN_SLOTS: usize = 6;
fn slots(n: usize) -> std::ops::Range<f64> {
    let pad = MIN_SLOTS.saturating_sub(n) as f64 / 2.0;
    (-0.5 - pad)..(n as f64 - 0.5 + pad)
}

/// A bar per year, stacked by weapon type. `series` is (type label, count per year).
pub fn stacked_years(lang: Lang, years: &[i32], series: &[(String, Vec<i64>)]) -> Option<String> {
    if years.is_empty() || series.is_empty() {
        return None;
    }
    fonts();
    let n = years.len();
    let mut svg = String::new();
    let drawn: Draw<()> = (|| {
        let root = SVGBackend::with_string(&mut svg, (900, 380)).into_drawing_area();
        root.fill(&WHITE)?;
        // The legend has its own column, so it never covers a bar or its total.
        let (root, key) = root.split_horizontally(720);
        let totals: Vec<i64> = (0..n)
            .map(|i| {
                series
                    .iter()
                    .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                    .sum()
            })
            .collect();
        let top = totals.iter().copied().max().unwrap_or(0).max(1);
        for (k, (name, _)) in series.iter().enumerate() {
            let y = 30 + 26 * k as i32;
            let color = PALETTE[k % PALETTE.len()];
            key.draw(&Rectangle::new([(6, y - 7), (20, y + 7)], color.filled()))?;
            key.draw(&Text::new(
                short(name, 16),
                (28, y),
                (FONT, LABEL)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(slots(n), 0i64..(top + top / 6 + 1))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(n.max(MIN_SLOTS) * 2 + 1)
            .x_label_formatter(&|v| {
                category(*v, n)
                    .map(|i| years[i].to_string())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|v| lang.number(*v))
            .y_desc(lang.t("Items destroyed"))
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .draw()?;
        let mut base = vec![0i64; n];
        for (k, (_, values)) in series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let bars: Vec<_> = (0..n)
                .map(|i| {
                    let v = values.get(i).copied().unwrap_or(0);
                    let x = i as f64;
                    let r = Rectangle::new(
                        [(x - 0.35, base[i]), (x + 0.35, base[i] + v)],
                        color.filled(),
                    );
                    base[i] += v;
                    r
                })
                .collect();
            chart.draw_series(bars)?;
        }
        // The total above each bar, so the figure reads without the table.
        chart.draw_series(totals.iter().enumerate().map(|(i, &total)| {
            Text::new(
                lang.number(total),
                (i as f64, total),
                (FONT, LABEL)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))?;
        root.present()?;
        Ok(())
    })();
    drawn.ok().map(|_| svg)
}

/// One horizontal bar per site, the first of `sites` on top.
pub fn site_bars(lang: Lang, sites: &[(String, i64)]) -> Option<String> {
    if sites.is_empty() {
        return None;
    }
    fonts();
    let n = sites.len();
    let mut svg = String::new();
    let height = (70 + 36 * n as u32).min(900);
    let drawn: Draw<()> = (|| {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let top = sites.iter().map(|s| s.1).max().unwrap_or(0).max(1);
        let row = |i: usize| (n - 1 - i) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .margin_right(40)
            .x_label_area_size(34)
            .y_label_area_size(200)
            .build_cartesian_2d(0i64..(top + top / 5 + 1), -0.5f64..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .y_labels(n * 2 + 1)
            .y_label_formatter(&|v| {
                category(*v, n)
                    .map(|r| short(&sites[n - 1 - r].0, 24))
                    .unwrap_or_default()
            })
            .x_label_formatter(&|v| lang.number(*v))
            .label_style((FONT, LABEL))
            .draw()?;
        chart.draw_series(sites.iter().enumerate().map(|(i, (_, v))| {
            Rectangle::new(
                [(0, row(i) - 0.32), (*v, row(i) + 0.32)],
                PALETTE[0].filled(),
            )
        }))?;
        chart.draw_series(sites.iter().enumerate().map(|(i, (_, v))| {
            Text::new(
                format!(" {}", lang.number(*v)),
                (*v, row(i)),
                (FONT, LABEL)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            )
        }))?;
        root.present()?;
        Ok(())
    })();
    drawn.ok().map(|_| svg)
}

/// Items registered per ISO week (the Monday), a bar a week.
pub fn weekly_bars(lang: Lang, weeks: &[(chrono::NaiveDate, i64)]) -> Option<String> {
    if weeks.is_empty() {
        return None;
    }
    fonts();
    let n = weeks.len();
    // At most about seven dates under the axis.
    let every = n.div_ceil(7).max(1);
    let mut svg = String::new();
    let drawn: Draw<()> = (|| {
        let root = SVGBackend::with_string(&mut svg, (900, 340)).into_drawing_area();
        root.fill(&WHITE)?;
        let top = weeks.iter().map(|w| w.1).max().unwrap_or(0).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .margin_right(44)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(slots(n), 0i64..(top + top / 6 + 1))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(n.max(MIN_SLOTS) * 2 + 1)
            .x_label_formatter(&|v| {
                category(*v, n)
                    .filter(|i| (n - 1 - i).is_multiple_of(every))
                    .map(|i| lang.date(weeks[i].0))
                    .unwrap_or_default()
            })
            .y_label_formatter(&|v| lang.number(*v))
            .y_desc(lang.t("Items registered"))
            .label_style((FONT, LABEL))
            .axis_desc_style((FONT, LABEL))
            .draw()?;
        chart.draw_series(weeks.iter().enumerate().map(|(i, w)| {
            let x = i as f64;
            Rectangle::new([(x - 0.38, 0), (x + 0.38, w.1)], PALETTE[2].filled())
        }))?;
        root.present()?;
        Ok(())
    })();
    drawn.ok().map(|_| svg)
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::{Lang, ENGLISH};

    #[test]
    fn names_in_a_chart_are_text_not_markup() {
        let svg = site_bars(ENGLISH, &[("<script>x</script> & Co".into(), 3)]).unwrap();
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
    }

    #[test]
    fn each_bar_carries_its_total_in_the_reader_s_numbers() {
        let sr = Lang::by_code("sr-Cyrl").unwrap();
        let svg = stacked_years(
            sr,
            &[2024, 2025],
            &[
                ("Пушка".into(), vec![1200, 3]),
                ("Пиштољ".into(), vec![34, 0]),
            ],
        )
        .unwrap();
        let text: String = svg.split('\n').collect();
        assert!(text.contains(">1.234<") && text.contains(">3<"), "{text}");
        assert!(
            text.contains(">2024<") && text.contains(">2025<") && text.contains(">Пиштољ<"),
            "{text}"
        );
        // Nothing to draw: no chart rather than an empty frame.
        assert!(stacked_years(sr, &[], &[]).is_none());
        assert!(weekly_bars(sr, &[]).is_none());
    }
}
