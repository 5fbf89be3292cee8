//! Custody labels on paper: Code 128 across the top, DataMatrix below left, the human-readable
//! code and a short description beside it. One layout (in millimetres) feeds every output:
//! PNG, SVG, PDF (single labels, A4 sheets, the command sheet) and ZPL for Zebra printers.

use std::sync::OnceLock;

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use rxing::{BarcodeFormat, EncodeHints, Writer};

use crate::label::{LabelCode, ScanCommand};

const MM_PER_INCH: f32 = 25.4;
const PT_PER_MM: f32 = 72.0 / MM_PER_INCH;
/// Quiet zone either side of the Code 128, in modules (ISO/IEC 15417 asks for 10).
const CODE128_QUIET_MODULES: usize = 10;
/// Narrowest Code 128 module we print: 0.17 mm (about 6.7 mil) still scans with handhelds.
const MIN_MODULE_MM: f32 = 0.16;
/// Wider modules than this buy nothing on a small label.
const MAX_MODULE_MM: f32 = 0.5;

/// What to print on one label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelSpec {
    pub code: LabelCode,
    /// One short line under the code: make and serial, shelf name, officer's name...
    pub description: String,
    pub width_mm: f32,
    pub height_mm: f32,
}

impl LabelSpec {
    /// A 50 x 25 mm label, the common size of thermal label rolls.
    pub fn new(code: LabelCode, description: impl Into<String>) -> LabelSpec {
        LabelSpec {
            code,
            description: description.into(),
            width_mm: 50.0,
            height_mm: 25.0,
        }
    }

    pub fn with_size(mut self, width_mm: f32, height_mm: f32) -> LabelSpec {
        self.width_mm = width_mm;
        self.height_mm = height_mm;
        self
    }
}

/// A grid of labels on A4 (or another page size) for office printers and label sheets.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetLayout {
    pub rows: u32,
    pub cols: u32,
    pub page_width_mm: f32,
    pub page_height_mm: f32,
    /// Page margin on every side.
    pub margin_mm: f32,
    /// Space between neighbouring labels.
    pub gap_mm: f32,
}

impl SheetLayout {
    /// A4 portrait, 10 mm margins, 2 mm gaps.
    pub fn a4(rows: u32, cols: u32) -> SheetLayout {
        SheetLayout {
            rows,
            cols,
            page_width_mm: 210.0,
            page_height_mm: 297.0,
            margin_mm: 10.0,
            gap_mm: 2.0,
        }
    }

    fn cell(&self) -> Result<(f32, f32), RenderError> {
        if self.rows == 0 || self.cols == 0 {
            return Err(RenderError::BadLayout(
                "rows and cols must be at least 1".into(),
            ));
        }
        let w = (self.page_width_mm - 2.0 * self.margin_mm - (self.cols - 1) as f32 * self.gap_mm)
            / self.cols as f32;
        let h = (self.page_height_mm - 2.0 * self.margin_mm - (self.rows - 1) as f32 * self.gap_mm)
            / self.rows as f32;
        if w < 20.0 || h < 10.0 {
            return Err(RenderError::BadLayout(format!(
                "each label would be {w:.1} x {h:.1} mm; use fewer rows/cols or smaller margins (labels need at least 20 x 10 mm)"
            )));
        }
        Ok((w, h))
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    #[error("the barcode encoder refused '{code}': {reason}")]
    Encode { code: String, reason: String },
    #[error(
        "a {width} x {height} mm label is too small for a Custody code; use at least 30 x 15 mm"
    )]
    TooSmall { width: f32, height: f32 },
    #[error("dpi {0} is out of range; use 100 to 1200 (150, 203, 300 and 600 are usual)")]
    BadDpi(u32),
    #[error("bad sheet layout: {0}")]
    BadLayout(String),
    #[error("no labels to put on the sheet")]
    NoLabels,
    #[error("the PDF writer failed: {0}")]
    Pdf(String),
    #[error("the PNG writer failed: {0}")]
    Png(String),
}

/// Something to draw, in millimetres from the label's top-left corner.
#[derive(Debug, Clone, PartialEq)]
enum Mark {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
}

fn font(bold: bool) -> &'static FontRef<'static> {
    static REGULAR: OnceLock<FontRef<'static>> = OnceLock::new();
    static BOLD: OnceLock<FontRef<'static>> = OnceLock::new();
    let (cell, bytes) = if bold {
        (&BOLD, dejavu::sans::bold())
    } else {
        (&REGULAR, dejavu::sans::regular())
    };
    cell.get_or_init(|| FontRef::try_from_slice(bytes).expect("DejaVu Sans ships with the crate"))
}

/// Advance width of `text` at `size` (em size, mm) in DejaVu Sans.
fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let f = font(bold);
    let scaled = f.as_scaled(PxScale::from(1000.0));
    let units: f32 = text.chars().map(|c| scaled.h_advance(f.glyph_id(c))).sum();
    units / 1000.0 * size
}

/// Largest font size ≤ `size` at which `text` fits in `width`.
fn fit(text: &str, size: f32, bold: bool, width: f32) -> f32 {
    let w = text_width(text, size, bold);
    if w <= width || w == 0.0 {
        size
    } else {
        size * width / w
    }
}

/// Code 128 bars, one bool per module, no quiet zone.
pub fn code128_modules(data: &str) -> Result<Vec<bool>, RenderError> {
    use rxing::oned::OneDimensionalCodeWriter;
    rxing::oned::Code128Writer
        .encode_oned(data)
        .map_err(|e| RenderError::Encode {
            code: data.into(),
            reason: e.to_string(),
        })
}

/// DataMatrix (ECC 200) modules, rows of columns, no quiet zone.
pub fn datamatrix_modules(data: &str) -> Result<Vec<Vec<bool>>, RenderError> {
    let hints = EncodeHints {
        Margin: Some("0".into()),
        // Square symbols fit beside the text; rectangular ones eat the label's width.
        DataMatrixShape: Some(rxing::datamatrix::encoder::SymbolShapeHint::FORCE_SQUARE),
        ..Default::default()
    };
    let m = rxing::datamatrix::DataMatrixWriter
        .encode_with_hints(data, &BarcodeFormat::DATA_MATRIX, 0, 0, &hints)
        .map_err(|e| RenderError::Encode {
            code: data.into(),
            reason: e.to_string(),
        })?;
    Ok((0..m.height())
        .map(|y| (0..m.width()).map(|x| m.get(x, y)).collect())
        .collect())
}

/// Lays a label out. With `px_mm` (the size of one output pixel) every module lands on
/// whole pixels, so raster output stays sharp and decodable.
fn layout(spec: &LabelSpec, px_mm: Option<f32>) -> Result<Vec<Mark>, RenderError> {
    let (w, h) = (spec.width_mm, spec.height_mm);
    if !(w >= 30.0 && h >= 15.0 && w.is_finite() && h.is_finite()) {
        return Err(RenderError::TooSmall {
            width: w,
            height: h,
        });
    }
    let snap = |v: f32| match px_mm {
        Some(p) => (v / p).round() * p,
        None => v,
    };
    let margin = (h * 0.06).max(1.0);
    let mut marks = Vec::new();

    // Code 128 across the top, centred, with its quiet zones inside the label.
    let bars = code128_modules(spec.code.as_str())?;
    let total_modules = (bars.len() + 2 * CODE128_QUIET_MODULES) as f32;
    let mut module = ((w - 2.0 * margin) / total_modules).min(MAX_MODULE_MM);
    if let Some(p) = px_mm {
        module = (module / p).floor().max(1.0) * p;
    }
    if module < MIN_MODULE_MM * 0.99 && px_mm.is_none_or(|p| module > p) {
        return Err(RenderError::TooSmall {
            width: w,
            height: h,
        });
    }
    let bar_height = snap(h * 0.36);
    let x0 = snap((w - bars.len() as f32 * module) / 2.0);
    let y0 = snap(margin);
    let mut i = 0;
    while i < bars.len() {
        if bars[i] {
            let run = bars[i..].iter().take_while(|&&b| b).count();
            marks.push(Mark::Rect {
                x: x0 + i as f32 * module,
                y: y0,
                w: run as f32 * module,
                h: bar_height,
            });
            i += run;
        } else {
            i += 1;
        }
    }

    // DataMatrix below left, as large as the remaining height allows.
    let dm = datamatrix_modules(spec.code.as_str())?;
    let dm_top = y0 + bar_height + margin;
    let side = h - dm_top - margin;
    let mut dm_module = side / (dm.len() as f32 + 2.0);
    if let Some(p) = px_mm {
        dm_module = (dm_module / p).floor().max(1.0) * p;
    }
    let dm_x = snap(margin) + dm_module;
    let dm_y = snap(dm_top) + dm_module;
    for (row, cells) in dm.iter().enumerate() {
        let mut col = 0;
        while col < cells.len() {
            if cells[col] {
                let run = cells[col..].iter().take_while(|&&b| b).count();
                marks.push(Mark::Rect {
                    x: dm_x + col as f32 * dm_module,
                    y: dm_y + row as f32 * dm_module,
                    w: run as f32 * dm_module,
                    h: dm_module,
                });
                col += run;
            } else {
                col += 1;
            }
        }
    }

    // Human-readable code and description beside the DataMatrix.
    let text_x = dm_x + (dm[0].len() as f32 + 1.0) * dm_module + margin;
    let text_w = w - text_x - margin;
    let display = spec.code.display_form();
    let code_size = fit(&display, side * 0.42, true, text_w);
    marks.push(Mark::Text {
        x: text_x,
        y: dm_top + side * 0.45,
        size: code_size,
        bold: true,
        text: display,
    });
    if !spec.description.is_empty() {
        let desc_size = fit(&spec.description, side * 0.3, false, text_w);
        marks.push(Mark::Text {
            x: text_x,
            y: dm_top + side * 0.9,
            size: desc_size,
            bold: false,
            text: spec.description.clone(),
        });
    }
    Ok(marks)
}

fn check_dpi(dpi: u32) -> Result<f32, RenderError> {
    if (100..=1200).contains(&dpi) {
        Ok(MM_PER_INCH / dpi as f32)
    } else {
        Err(RenderError::BadDpi(dpi))
    }
}

/// The label as a greyscale PNG at `dpi`.
pub fn render_label_png(spec: &LabelSpec, dpi: u32) -> Result<Vec<u8>, RenderError> {
    let img = render_label_image(spec, dpi)?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| RenderError::Png(e.to_string()))?;
    Ok(out.into_inner())
}

/// The label as 8-bit grey pixels at `dpi`: (pixels row by row, width, height).
/// For callers that decode or degrade the picture without a PNG round trip.
pub fn render_label_luma(spec: &LabelSpec, dpi: u32) -> Result<(Vec<u8>, u32, u32), RenderError> {
    let img = render_label_image(spec, dpi)?;
    let (w, h) = img.dimensions();
    Ok((img.into_raw(), w, h))
}

fn render_label_image(spec: &LabelSpec, dpi: u32) -> Result<image::GrayImage, RenderError> {
    let px = check_dpi(dpi)?;
    let marks = layout(spec, Some(px))?;
    let width = (spec.width_mm / px).round() as u32;
    let height = (spec.height_mm / px).round() as u32;
    let mut img = image::GrayImage::from_pixel(width, height, image::Luma([255]));
    for mark in &marks {
        match mark {
            Mark::Rect { x, y, w, h } => {
                let (x0, y0) = ((x / px).round() as i64, (y / px).round() as i64);
                let (x1, y1) = (((x + w) / px).round() as i64, ((y + h) / px).round() as i64);
                for yy in y0.max(0)..y1.min(height as i64) {
                    for xx in x0.max(0)..x1.min(width as i64) {
                        img.put_pixel(xx as u32, yy as u32, image::Luma([0]));
                    }
                }
            }
            Mark::Text {
                x,
                y,
                size,
                bold,
                text,
            } => draw_text_px(&mut img, x / px, y / px, size / px, *bold, text),
        }
    }
    Ok(img)
}

fn draw_text_px(
    img: &mut image::GrayImage,
    x: f32,
    baseline: f32,
    size: f32,
    bold: bool,
    text: &str,
) {
    let f = font(bold);
    let scaled = f.as_scaled(PxScale::from(size));
    let mut pen = x;
    for c in text.chars() {
        let id = f.glyph_id(c);
        let glyph = id.with_scale_and_position(size, ab_glyph::point(pen, baseline));
        pen += scaled.h_advance(id);
        if let Some(outline) = f.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + gx as i64;
                let py = bounds.min.y as i64 + gy as i64;
                if px >= 0 && py >= 0 && (px as u32) < img.width() && (py as u32) < img.height() {
                    let p = img.get_pixel_mut(px as u32, py as u32);
                    let ink = (coverage.clamp(0.0, 1.0) * 255.0) as u8;
                    p.0[0] = p.0[0].saturating_sub(ink);
                }
            });
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The label as SVG, sized in millimetres.
pub fn render_label_svg(spec: &LabelSpec) -> Result<String, RenderError> {
    let marks = layout(spec, None)?;
    let (w, h) = (spec.width_mm, spec.height_mm);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\">\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\n<g fill=\"#000\" shape-rendering=\"crispEdges\">\n"
    );
    for mark in &marks {
        match mark {
            Mark::Rect { x, y, w, h } => {
                svg.push_str(&format!("<rect x=\"{x:.4}\" y=\"{y:.4}\" width=\"{w:.4}\" height=\"{h:.4}\"/>\n"))
            }
            Mark::Text {
                x,
                y,
                size,
                bold,
                text,
            } => svg.push_str(&format!(
                "<text x=\"{x:.3}\" y=\"{y:.3}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"{size:.3}\"{}>{}</text>\n",
                if *bold { " font-weight=\"bold\"" } else { "" },
                xml_escape(text)
            )),
        }
    }
    svg.push_str("</g>\n</svg>\n");
    Ok(svg)
}

struct PdfFonts {
    regular: krilla::text::Font,
    bold: krilla::text::Font,
}

impl PdfFonts {
    fn load() -> Result<PdfFonts, RenderError> {
        let load = |bytes: &'static [u8]| {
            krilla::text::Font::new(bytes.into(), 0)
                .ok_or_else(|| RenderError::Pdf("DejaVu Sans could not be loaded".into()))
        };
        Ok(PdfFonts {
            regular: load(dejavu::sans::regular())?,
            bold: load(dejavu::sans::bold())?,
        })
    }
}

/// Draws marks (mm, label-relative) at (`ox`, `oy`) mm on a PDF page.
fn draw_pdf(
    surface: &mut krilla::surface::Surface,
    fonts: &PdfFonts,
    marks: &[Mark],
    ox: f32,
    oy: f32,
) {
    use krilla::geom::{PathBuilder, Point, Rect};
    let mut pb = PathBuilder::new();
    for mark in marks {
        if let Mark::Rect { x, y, w, h } = mark {
            if let Some(r) = Rect::from_xywh(
                (ox + x) * PT_PER_MM,
                (oy + y) * PT_PER_MM,
                w * PT_PER_MM,
                h * PT_PER_MM,
            ) {
                pb.push_rect(r);
            }
        }
    }
    surface.set_fill(Some(krilla::paint::Fill::default()));
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
    for mark in marks {
        if let Mark::Text {
            x,
            y,
            size,
            bold,
            text,
        } = mark
        {
            let font = if *bold { &fonts.bold } else { &fonts.regular };
            surface.draw_text(
                Point::from_xy((ox + x) * PT_PER_MM, (oy + y) * PT_PER_MM),
                font.clone(),
                size * PT_PER_MM,
                text,
                false,
                krilla::text::TextDirection::Auto,
            );
        }
    }
}

fn pdf_document() -> krilla::Document {
    let mut doc = krilla::Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title("Custody labels".into())
            .creator("custody-codes".into()),
    );
    doc
}

fn finish_pdf(doc: krilla::Document) -> Result<Vec<u8>, RenderError> {
    doc.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

/// One label as a one-page PDF the size of the label, barcodes drawn as vector rectangles.
pub fn render_label_pdf(spec: &LabelSpec) -> Result<Vec<u8>, RenderError> {
    let marks = layout(spec, None)?;
    let fonts = PdfFonts::load()?;
    let mut doc = pdf_document();
    let settings =
        krilla::page::PageSettings::from_wh(spec.width_mm * PT_PER_MM, spec.height_mm * PT_PER_MM)
            .ok_or(RenderError::TooSmall {
                width: spec.width_mm,
                height: spec.height_mm,
            })?;
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    draw_pdf(&mut surface, &fonts, &marks, 0.0, 0.0);
    surface.finish();
    page.finish();
    finish_pdf(doc)
}

/// Labels on sheets: fills rows left to right, top to bottom, adding pages as needed.
/// Each label is resized to the grid cell.
pub fn render_sheet_pdf(labels: &[LabelSpec], sheet: &SheetLayout) -> Result<Vec<u8>, RenderError> {
    render_sheet_inner(labels, sheet, None)
}

fn render_sheet_inner(
    labels: &[LabelSpec],
    sheet: &SheetLayout,
    title: Option<&str>,
) -> Result<Vec<u8>, RenderError> {
    if labels.is_empty() {
        return Err(RenderError::NoLabels);
    }
    let (cw, ch) = sheet.cell()?;
    let per_page = (sheet.rows * sheet.cols) as usize;
    let fonts = PdfFonts::load()?;
    let mut doc = pdf_document();
    for chunk in labels.chunks(per_page) {
        let settings = krilla::page::PageSettings::from_wh(
            sheet.page_width_mm * PT_PER_MM,
            sheet.page_height_mm * PT_PER_MM,
        )
        .ok_or_else(|| RenderError::BadLayout("page size must be positive".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        if let Some(title) = title {
            draw_pdf(
                &mut surface,
                &fonts,
                &[Mark::Text {
                    x: 0.0,
                    y: 0.0,
                    size: 5.0,
                    bold: true,
                    text: title.to_string(),
                }],
                sheet.margin_mm,
                sheet.margin_mm - 2.5,
            );
        }
        for (i, spec) in chunk.iter().enumerate() {
            let (row, col) = (i as u32 / sheet.cols, i as u32 % sheet.cols);
            let cell = spec.clone().with_size(cw, ch);
            let marks = layout(&cell, None)?;
            draw_pdf(
                &mut surface,
                &fonts,
                &marks,
                sheet.margin_mm + col as f32 * (cw + sheet.gap_mm),
                sheet.margin_mm + row as f32 * (ch + sheet.gap_mm),
            );
        }
        surface.finish();
        page.finish();
    }
    finish_pdf(doc)
}

/// The command sheet: every [`ScanCommand`] as a large label on one A4 page, so an officer
/// can finish, cancel, undo or skip from the scanner alone.
pub fn render_command_sheet_pdf() -> Result<Vec<u8>, RenderError> {
    let labels: Vec<LabelSpec> = ScanCommand::ALL
        .iter()
        .map(|c| LabelSpec::new(c.code(), c.name().to_uppercase()))
        .collect();
    let sheet = SheetLayout {
        rows: labels.len() as u32,
        cols: 1,
        page_width_mm: 210.0,
        page_height_mm: 297.0,
        margin_mm: 15.0,
        gap_mm: 8.0,
    };
    render_sheet_inner(
        &labels,
        &sheet,
        Some("Custody — command sheet / командни лист"),
    )
}

/// ZPL field data escaped with ^FH (hex escapes start with `_`).
fn zpl_field(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '^' | '~' | '_' => out.push_str(&format!("_{:02X}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("_{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The label as ZPL II for a Zebra printer at `dpi` (203 or 300): the printer draws the
/// Code 128 (^BC) and DataMatrix (^BX) itself. Text uses UTF-8 (^CI28) and font 0, which
/// prints Latin only: Cyrillic descriptions need a downloaded font on the printer.
pub fn render_zpl(spec: &LabelSpec, dpi: u32) -> Result<String, RenderError> {
    check_dpi(dpi)?;
    layout(spec, None)?; // same size checks as the other outputs
    let dots = |mm: f32| (mm * dpi as f32 / MM_PER_INCH).round() as i64;
    let (w, h) = (spec.width_mm, spec.height_mm);
    let margin = (h * 0.06).max(1.0);
    let bars = code128_modules(spec.code.as_str())?.len() as f32;
    let module = (dots(w - 2.0 * margin) as f32 / (bars + 2.0 * CODE128_QUIET_MODULES as f32))
        .floor()
        .clamp(1.0, 10.0) as i64;
    let bar_h = dots(h * 0.36);
    let bar_x = (dots(w) - module * bars as i64) / 2;
    let dm = datamatrix_modules(spec.code.as_str())?.len() as i64;
    let dm_top = dots(margin) + bar_h + dots(margin);
    let side = dots(h) - dm_top - dots(margin);
    let dm_module = (side / (dm + 2)).max(1);
    let text_x = dots(margin) + (dm + 2) * dm_module + dots(margin);
    let code_h = (side as f32 * 0.32) as i64;
    let desc_h = (side as f32 * 0.22) as i64;
    let mut z = String::new();
    z.push_str("^XA\n^CI28\n");
    z.push_str(&format!("^PW{}\n^LL{}\n^LH0,0\n", dots(w), dots(h)));
    z.push_str(&format!(
        "^FO{bar_x},{}^BY{module}^BCN,{bar_h},N,N,N^FD{}^FS\n",
        dots(margin),
        zpl_field(spec.code.as_str())
    ));
    z.push_str(&format!(
        "^FO{},{}^BXN,{dm_module},200^FD{}^FS\n",
        dots(margin) + dm_module,
        dm_top + dm_module,
        zpl_field(spec.code.as_str())
    ));
    z.push_str(&format!(
        "^FO{text_x},{}^A0N,{code_h},{code_h}^FH_^FD{}^FS\n",
        dm_top + side / 8,
        zpl_field(&spec.code.display_form())
    ));
    if !spec.description.is_empty() {
        z.push_str(&format!(
            "^FO{text_x},{}^A0N,{desc_h},{desc_h}^FH_^FD{}^FS\n",
            dm_top + side * 5 / 8,
            zpl_field(&spec.description)
        ));
    }
    z.push_str("^XZ\n");
    Ok(z)
}
