//! Draws laid-out pages with krilla as PDF/A-3b: embedded DejaVu fonts, a header with the
//! document id and the seal QR on every page, and a footer with page X / Y. PDF/A-3 (not -2)
//! because it allows the sealed item list to travel inside the file as an associated file.

use chrono::{Datelike, NaiveDate};
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};
use std::collections::HashMap;

use crate::error::DocumentError;
use crate::lang::{Label, Language, Words};
use crate::layout::{Face, Metrics, Op, CONTENT_W, MARGIN, PAGE_H, PAGE_W};
use crate::qr;
use crate::seal::Seal;

/// Embedded file names; `verify_pdf` looks for their content, see SEAL.md.
pub const SEAL_FILE: &str = "custody-seal.txt";
pub const LIST_FILE: &str = "custody-sealed-list.tsv";
pub const JSON_FILE: &str = "custody-document.json";

/// Side of the seal QR including its 4-module quiet zone.
const QR_BOX: f32 = 104.0;

pub struct Attachment {
    pub name: &'static str,
    pub mime: &'static str,
    pub description: String,
    pub data: Vec<u8>,
    pub compress: bool,
    pub kind: AssociationKind,
}

/// Everything the renderer needs besides the laid-out body.
pub struct Sheet<'a> {
    pub lang: Language,
    pub title: String,
    pub document_id: String,
    pub site_line: String,
    pub issued_on: NaiveDate,
    pub seal: Option<&'a Seal>,
    pub pages: Vec<Vec<Op>>,
    pub attachments: Vec<Attachment>,
}

struct Fonts(Vec<Font>);

impl Fonts {
    fn load() -> Result<Fonts, DocumentError> {
        Face::ALL
            .iter()
            .map(|f| {
                Font::new(f.data().into(), 0).ok_or_else(|| {
                    DocumentError::Pdf("an embedded DejaVu font did not load".into())
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Fonts)
    }

    fn get(&self, face: Face) -> Font {
        self.0[face as usize].clone()
    }
}

/// Shaped texts kept at most (the repeating ones are shaped again after a clear).
const SHAPED_KEPT: usize = 2048;

/// Shapes text with one parsed font per face for the whole document, and shapes a text that
/// repeats (a make, a calibre, a column header) once: shaping through `draw_text` parses the
/// font anew for every cell of a table.
struct Shaper {
    faces: Vec<rustybuzz::Face<'static>>,
    shaped: HashMap<(usize, String), Vec<KrillaGlyph>>,
}

impl Shaper {
    fn new() -> Result<Shaper, DocumentError> {
        let faces = Face::ALL
            .iter()
            .map(|f| {
                rustybuzz::Face::from_slice(f.data(), 0).ok_or_else(|| {
                    DocumentError::Pdf("an embedded DejaVu font did not parse".into())
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Shaper {
            faces,
            shaped: HashMap::new(),
        })
    }

    /// The glyphs of `text` in `face`, with advances and offsets in ems, each glyph naming the
    /// bytes of `text` it came from (its cluster up to the next cluster).
    fn glyphs(&mut self, face: Face, text: &str) -> &[KrillaGlyph] {
        // Unique texts (codes, serials) would only fill memory: start afresh now and then.
        if self.shaped.len() >= SHAPED_KEPT {
            self.shaped.clear();
        }
        let key = (face as usize, text.to_string());
        let font = &self.faces[face as usize];
        self.shaped.entry(key).or_insert_with(|| {
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(text);
            buffer.guess_segment_properties();
            let out = rustybuzz::shape(font, &[], buffer);
            let em = font.units_per_em() as f32;
            let mut starts: Vec<usize> = out
                .glyph_infos()
                .iter()
                .map(|g| g.cluster as usize)
                .collect();
            starts.sort_unstable();
            starts.dedup();
            let end_of = |start: usize| {
                let next = starts.partition_point(|&s| s <= start);
                starts.get(next).copied().unwrap_or(text.len())
            };
            out.glyph_infos()
                .iter()
                .zip(out.glyph_positions())
                .map(|(info, pos)| {
                    let start = info.cluster as usize;
                    KrillaGlyph::new(
                        GlyphId::new(info.glyph_id),
                        pos.x_advance as f32 / em,
                        pos.x_offset as f32 / em,
                        pos.y_offset as f32 / em,
                        pos.y_advance as f32 / em,
                        start..end_of(start),
                        None,
                    )
                })
                .collect()
        })
    }
}

pub fn render(sheet: Sheet<'_>, metrics: &Metrics) -> Result<Vec<u8>, DocumentError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("PDF/A-3b configuration: {e:?}")))?;
    let settings = SerializeSettings {
        configuration,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let fonts = Fonts::load()?;
    let mut shaper = Shaper::new()?;
    let date = pdf_date(sheet.issued_on);
    let qr = match sheet.seal {
        Some(seal) => Some(qr::encode(seal.text())?),
        None => None,
    };

    let total = sheet.pages.len();
    for (index, body) in sheet.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| DocumentError::Pdf("A4 page size rejected".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut ops = header_footer(&sheet, metrics, index + 1, total);
        ops.extend(body.iter().cloned());
        for op in &ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    face,
                    text,
                } => {
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        shaper.glyphs(*face, text),
                        fonts.get(*face),
                        text,
                        *size,
                        false,
                    );
                }
                Op::Rect { x, y, w, h, gray } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut pb = PathBuilder::new();
                        pb.push_rect(rect);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(Some(fill(*gray)));
                            surface.draw_path(&path);
                        }
                    }
                }
            }
        }
        if let Some(grid) = &qr {
            draw_qr(&mut surface, grid, PAGE_W - MARGIN - QR_BOX, 26.0, QR_BOX);
        }
        surface.finish();
        page.finish();
    }

    let mut keywords = vec![sheet.document_id.clone(), "Custody".to_string()];
    if let Some(seal) = sheet.seal {
        keywords.push(seal.text().to_string());
    }
    let mut metadata = Metadata::new()
        .title(format!("{} {}", sheet.title, sheet.document_id))
        .keywords(keywords)
        .language(sheet.lang.tag().to_string())
        .creator("Custody".to_string())
        .creation_date(date)
        .document_id(sheet.document_id.clone());
    if let Some(seal) = sheet.seal {
        metadata = metadata.description(seal.text().to_string());
    }
    document.set_metadata(metadata);

    for a in sheet.attachments {
        let file = EmbeddedFile {
            path: a.name.to_string(),
            mime_type: MimeType::new(a.mime),
            description: Some(a.description),
            association_kind: a.kind,
            data: a.data.into(),
            modification_date: Some(date),
            compress: Some(a.compress),
            location: None,
        };
        document
            .embed_file(file)
            .ok_or_else(|| DocumentError::Pdf(format!("two attachments named {}", a.name)))?;
    }
    document
        .finish()
        .map_err(|e| DocumentError::Pdf(format!("{e:?}")))
}

fn fill(gray: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(gray, gray, gray).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn pdf_date(d: NaiveDate) -> DateTime {
    DateTime::new(d.year().clamp(0, 9999) as u16)
        .month(d.month() as u8)
        .day(d.day() as u8)
        .hour(0)
        .minute(0)
        .second(0)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

fn header_footer(sheet: &Sheet<'_>, m: &Metrics, page: usize, total: usize) -> Vec<Op> {
    let lang = sheet.lang;
    let text_w = CONTENT_W - QR_BOX - 12.0;
    let mut ops = Vec::new();
    let mut text = |x: f32, y: f32, size: f32, face: Face, s: String| {
        let s = m.printable(face, &s);
        ops.push(Op::Text {
            x,
            y,
            size,
            face,
            text: s,
        });
    };
    let (size, title) = m.fit(Face::Bold, 15.0, &sheet.title.to_uppercase(), text_w);
    text(MARGIN, 50.0, size, Face::Bold, title);
    let id_line = format!("{} {}", lang.t(Label::DocumentNo), sheet.document_id);
    let (size, id_line) = m.fit(Face::Bold, 12.0, &id_line, text_w);
    text(MARGIN, 70.0, size, Face::Bold, id_line);
    let (size, site) = m.fit(Face::Regular, 9.0, &sheet.site_line, text_w);
    text(MARGIN, 88.0, size, Face::Regular, site);
    let issued = format!("{}: {}", lang.t(Label::Issued), lang.date(sheet.issued_on));
    text(MARGIN, 101.0, 9.0, Face::Regular, issued);
    if sheet.seal.is_some() {
        let caption = lang.t(Label::SealHeading);
        let (size, caption) = m.fit(Face::Condensed, 7.0, &caption, text_w);
        text(MARGIN, 122.0, size, Face::Condensed, format!("{caption} →"));
    }

    // Footer: what a court clerk needs to put a loose page back: id, page X / Y, initials.
    let footer_y = PAGE_H - 30.0;
    let left = format!(
        "{} · {} {}",
        sheet.title,
        lang.t(Label::DocumentNo),
        sheet.document_id
    );
    let (size, left) = m.fit(Face::Condensed, 7.5, &left, 230.0);
    text(MARGIN, footer_y, size, Face::Condensed, left);
    let initials = format!("{}: ____________", lang.t(Label::Initials));
    text(MARGIN + 250.0, footer_y, 7.5, Face::Condensed, initials);
    let page_text = format!("{} {page} / {total}", lang.t(Label::Page));
    let w = m.width(Face::Bold, 9.0, &page_text);
    text(PAGE_W - MARGIN - w, footer_y, 9.0, Face::Bold, page_text);
    ops.push(Op::Rect {
        x: MARGIN,
        y: 138.0,
        w: CONTENT_W,
        h: 1.2,
        gray: 0,
    });
    ops.push(Op::Rect {
        x: MARGIN,
        y: PAGE_H - 44.0,
        w: CONTENT_W,
        h: 0.6,
        gray: 0,
    });
    ops
}

/// Dark modules as filled squares, merged along rows to keep the content stream small.
fn draw_qr(
    surface: &mut krilla::surface::Surface<'_>,
    grid: &qr::QrGrid,
    x0: f32,
    y0: f32,
    side: f32,
) {
    let module = side / (grid.size + 8) as f32;
    let origin_x = x0 + 4.0 * module;
    let origin_y = y0 + 4.0 * module;
    let mut pb = PathBuilder::new();
    for y in 0..grid.size {
        let mut x = 0;
        while x < grid.size {
            if grid.dark[y * grid.size + x] {
                let start = x;
                while x < grid.size && grid.dark[y * grid.size + x] {
                    x += 1;
                }
                if let Some(rect) = Rect::from_xywh(
                    origin_x + start as f32 * module,
                    origin_y + y as f32 * module,
                    (x - start) as f32 * module,
                    // A hair of overlap so anti-aliased viewers show no seams between rows.
                    module + 0.02,
                ) {
                    pb.push_rect(rect);
                }
            } else {
                x += 1;
            }
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill(0)));
        surface.draw_path(&path);
    }
}
