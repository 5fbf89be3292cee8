//! The overview's charts as SVG, drawn by plotters on the server. Text is measured with DejaVu
//! Sans (the `dejavu` crate, the font the documents embed) through ab_glyph, so no system font
//! or font-config library is needed; the SVG names the same family for the browser.

use super::i18n::Lang;
use plotters::prelude::*;
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

/// A bar per year, stacked by weapon type. `series` is (type label, count per year).
pub fn stacked_years(lang: Lang, years: &[i32], series: &[(String, Vec<i64>)]) -> Option<String> {
    if years.is_empty() || series.is_empty() {
        return None;
    }
    fonts();
    let mut svg = String::new();
    let drawn: Draw<()> = (|| {
        let root = SVGBackend::with_string(&mut svg, (760, 360)).into_drawing_area();
        root.fill(&WHITE)?;
        let top = (0..years.len())
            .map(|i| {
                series
                    .iter()
                    .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                    .sum::<i64>()
            })
            .max()
            .unwrap_or(0)
            .max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d((0..years.len()).into_segmented(), 0i64..(top + top / 8 + 1))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(years.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => {
                    years.get(*i).map(|y| y.to_string()).unwrap_or_default()
                }
                _ => String::new(),
            })
            .y_label_formatter(&|v| lang.number(*v))
            .y_desc(lang.t("Items destroyed"))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 14))
            .draw()?;
        let mut base = vec![0i64; years.len()];
        for (n, (name, values)) in series.iter().enumerate() {
            let color = PALETTE[n % PALETTE.len()];
            let bars: Vec<_> = (0..years.len())
                .map(|i| {
                    let v = values.get(i).copied().unwrap_or(0);
                    let r = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), base[i]),
                            (SegmentValue::Exact(i + 1), base[i] + v),
                        ],
                        color.filled(),
                    );
                    base[i] += v;
                    r
                })
                .map(|mut r| {
                    r.set_margin(0, 0, 18, 18);
                    r
                })
                .collect();
            chart
                .draw_series(bars)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 12, y + 6)], color.filled())
                });
        }
        // The total above each bar, so the figure can be read without the table.
        chart.draw_series(base.iter().enumerate().map(|(i, &total)| {
            Text::new(
                lang.number(total),
                (SegmentValue::CenterOf(i), total),
                (FONT, 14)
                    .into_font()
                    .color(&BLACK)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Center,
                        plotters::style::text_anchor::VPos::Bottom,
                    )),
            )
        }))?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 14))
            .draw()?;
        root.present()?;
        Ok(())
    })();
    drawn.ok().map(|_| svg)
}

/// One horizontal bar per site.
pub fn site_bars(lang: Lang, sites: &[(String, i64)]) -> Option<String> {
    if sites.is_empty() {
        return None;
    }
    fonts();
    let mut svg = String::new();
    let height = (60 + 34 * sites.len() as u32).min(900);
    let drawn: Draw<()> = (|| {
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let top = sites.iter().map(|s| s.1).max().unwrap_or(0).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(170)
            .build_cartesian_2d(0i64..(top + top / 6 + 1), (0..sites.len()).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(sites.len())
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => {
                    sites.get(*i).map(|s| short(&s.0, 22)).unwrap_or_default()
                }
                _ => String::new(),
            })
            .x_label_formatter(&|v| lang.number(*v))
            .label_style((FONT, 14))
            .draw()?;
        chart.draw_series(sites.iter().enumerate().map(|(i, (_, n))| {
            let mut r = Rectangle::new(
                [
                    (0, SegmentValue::Exact(i)),
                    (*n, SegmentValue::Exact(i + 1)),
                ],
                PALETTE[0].filled(),
            );
            r.set_margin(5, 5, 0, 0);
            r
        }))?;
        chart.draw_series(sites.iter().enumerate().map(|(i, (_, n))| {
            Text::new(
                format!(" {}", lang.number(*n)),
                (*n, SegmentValue::CenterOf(i)),
                (FONT, 14)
                    .into_font()
                    .color(&BLACK)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Center,
                    )),
            )
        }))?;
        root.present()?;
        Ok(())
    })();
    drawn.ok().map(|_| svg)
}

/// Items registered per ISO week (the Monday), as a line with its points.
pub fn weekly_line(lang: Lang, weeks: &[(chrono::NaiveDate, i64)]) -> Option<String> {
    if weeks.is_empty() {
        return None;
    }
    fonts();
    let mut svg = String::new();
    let drawn: Draw<()> = (|| {
        let root = SVGBackend::with_string(&mut svg, (760, 320)).into_drawing_area();
        root.fill(&WHITE)?;
        let top = weeks.iter().map(|w| w.1).max().unwrap_or(0).max(1);
        let last = weeks.len().saturating_sub(1).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(0usize..last, 0i64..(top + top / 8 + 1))?;
        chart
            .configure_mesh()
            .x_labels(6.min(weeks.len()))
            .x_label_formatter(&|i| weeks.get(*i).map(|w| lang.date(w.0)).unwrap_or_default())
            .y_label_formatter(&|v| lang.number(*v))
            .y_desc(lang.t("Items registered"))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 14))
            .draw()?;
        chart.draw_series(LineSeries::new(
            weeks.iter().enumerate().map(|(i, w)| (i, w.1)),
            PALETTE[2].stroke_width(2),
        ))?;
        chart.draw_series(
            weeks
                .iter()
                .enumerate()
                .map(|(i, w)| Circle::new((i, w.1), 3, PALETTE[2].filled())),
        )?;
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
