//! Page layout in points on A4, independent of the PDF library: text is measured with the
//! embedded DejaVu metrics, broken into lines and tables, and split into pages. Header, footer
//! and seal are added per page by the renderer, once the page count is known.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN: f32 = 42.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Below the header band (title block and the seal QR).
pub const BODY_TOP: f32 = 150.0;
/// Above the footer (page X / Y, id, initials).
pub const BODY_BOTTOM: f32 = PAGE_H - 52.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    Condensed,
    CondensedBold,
    Mono,
}

impl Face {
    pub const ALL: [Face; 5] = [
        Face::Regular,
        Face::Bold,
        Face::Condensed,
        Face::CondensedBold,
        Face::Mono,
    ];

    pub fn data(self) -> &'static [u8] {
        match self {
            Face::Regular => dejavu::sans::regular(),
            Face::Bold => dejavu::sans::bold(),
            Face::Condensed => dejavu::sans_condensed::regular(),
            Face::CondensedBold => dejavu::sans_condensed::bold(),
            Face::Mono => dejavu::sans_mono::regular(),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `y` is the text baseline, measured from the top of the page.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        text: String,
    },
    /// A filled rectangle; `gray` 0 is black, 255 white. Rules are thin rectangles.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: u8,
    },
}

/// Advance widths (per em) of the embedded faces, cached for Latin and Cyrillic; `None` where
/// the face has no glyph.
pub struct Metrics {
    cache: Vec<Vec<Option<f32>>>,
}

const CACHED: usize = 0x530;

impl Metrics {
    pub fn new() -> Metrics {
        let cache = Face::ALL
            .iter()
            .map(|face| {
                let font = FontRef::new(face.data()).ok();
                (0..CACHED)
                    .map(|cp| {
                        let ch = char::from_u32(cp as u32).unwrap_or(' ');
                        font.as_ref().and_then(|f| advance(f, ch))
                    })
                    .collect()
            })
            .collect();
        Metrics { cache }
    }

    pub fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let em: f32 = text
            .chars()
            .map(|c| self.lookup(face, c).unwrap_or(0.6))
            .sum();
        em * size
    }

    fn lookup(&self, face: Face, c: char) -> Option<f32> {
        match self.cache[face.index()].get(c as usize) {
            Some(cached) => *cached,
            None => FontRef::new(face.data()).ok().and_then(|f| advance(&f, c)),
        }
    }

    /// Replaces characters the face cannot draw (and control characters) with '?': PDF/A
    /// forbids the .notdef glyph, and user text may hold anything.
    pub fn printable(&self, face: Face, text: &str) -> String {
        text.chars()
            .map(|c| {
                if c == ' ' || (!c.is_control() && self.lookup(face, c).is_some()) {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// Shrinks text to fit `width` down to 5 pt, then cuts it with an ellipsis as a last resort.
    /// Serials and codes fit at 5 pt for any realistic length; the CSV always has the full text.
    pub fn fit(&self, face: Face, size: f32, text: &str, width: f32) -> (f32, String) {
        let natural = self.width(face, size, text);
        if natural <= width {
            return (size, text.to_string());
        }
        let shrunk = size * width / natural;
        if shrunk >= 5.0 {
            return (shrunk, text.to_string());
        }
        // Start from the share of characters that can fit, so huge input stays linear.
        let keep = (text.chars().count() as f32 * width / (natural * 5.0 / size)).ceil() as usize;
        let mut cut: String = text.chars().take(keep + 1).collect();
        while !cut.is_empty() && self.width(face, 5.0, &format!("{cut}…")) > width {
            cut.pop();
        }
        (5.0, format!("{cut}…"))
    }

    /// Greedy word wrap; a word wider than the line is broken between characters.
    pub fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(face, size, &candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                let mut line_w = 0.0;
                for ch in word.chars() {
                    let w = self.width(face, size, ch.encode_utf8(&mut [0u8; 4]));
                    if line_w + w > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(ch);
                    line_w += w;
                }
            }
            lines.push(line);
        }
        lines
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn advance(font: &FontRef<'_>, ch: char) -> Option<f32> {
    let upem = font
        .metrics(Size::unscaled(), LocationRef::default())
        .units_per_em as f32;
    let gid = font.charmap().map(ch)?;
    if gid.to_u32() == 0 {
        return None;
    }
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    Some(metrics.advance_width(gid).unwrap_or(0.0) / upem.max(1.0))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub width: f32,
    pub align: Align,
    /// Free text (locations, remarks) wraps onto up to four lines; codes and serials never wrap.
    pub wrap: bool,
}

/// Lays body content out top to bottom and starts a new page when the next block would not fit.
pub struct Flow<'m> {
    pub metrics: &'m Metrics,
    pub pages: Vec<Vec<Op>>,
    pub y: f32,
}

const TABLE_FONT: f32 = 7.5;
const ROW_H: f32 = 11.0;
const WRAP_LINE: f32 = 8.5;
const MAX_WRAP: usize = 4;

impl<'m> Flow<'m> {
    pub fn new(metrics: &'m Metrics) -> Flow<'m> {
        Flow {
            metrics,
            pages: vec![Vec::new()],
            y: BODY_TOP,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `pages` always holds at least one page.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = BODY_TOP;
    }

    /// Keeps the next `h` points on one page.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > BODY_BOTTOM && self.y > BODY_TOP {
            self.new_page();
        }
    }

    pub fn space(&mut self, h: f32) {
        self.y += h;
    }

    pub fn text(&mut self, x: f32, y: f32, size: f32, face: Face, text: impl Into<String>) {
        let text = self.metrics.printable(face, &text.into());
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                y,
                size,
                face,
                text,
            });
        }
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, gray: u8) {
        self.ops().push(Op::Rect { x, y, w, h, gray });
    }

    pub fn heading(&mut self, text: &str) {
        self.ensure(60.0);
        self.space(6.0);
        self.text(MARGIN, self.y + 11.0, 11.0, Face::Bold, text);
        self.rect(MARGIN, self.y + 14.5, CONTENT_W, 0.6, 0);
        self.space(20.0);
    }

    pub fn paragraph(&mut self, text: &str, size: f32) {
        let lines = self.metrics.wrap(Face::Regular, size, text, CONTENT_W);
        for line in lines {
            self.ensure(size * 1.35);
            self.text(MARGIN, self.y + size, size, Face::Regular, line);
            self.space(size * 1.35);
        }
    }

    /// A label and its value side by side; the value wraps.
    pub fn field(&mut self, label: &str, value: &str) {
        const LABEL_W: f32 = 150.0;
        const SIZE: f32 = 9.0;
        let lines = self
            .metrics
            .wrap(Face::Regular, SIZE, value, CONTENT_W - LABEL_W);
        self.ensure(SIZE * 1.4 * lines.len().min(4) as f32);
        let (lsize, ltext) = self.metrics.fit(Face::Bold, SIZE, label, LABEL_W - 6.0);
        self.text(MARGIN, self.y + SIZE, lsize, Face::Bold, ltext);
        for line in lines {
            self.ensure(SIZE * 1.4);
            self.text(MARGIN + LABEL_W, self.y + SIZE, SIZE, Face::Regular, line);
            self.space(SIZE * 1.4);
        }
    }

    fn table_header(&mut self, columns: &[Column]) {
        let total: f32 = columns.iter().map(|c| c.width).sum();
        self.rect(MARGIN, self.y, total, ROW_H + 2.0, 215);
        let mut x = MARGIN;
        for col in columns {
            let (size, text) =
                self.metrics
                    .fit(Face::CondensedBold, TABLE_FONT, &col.title, col.width - 4.0);
            self.cell(x, col, size, Face::CondensedBold, text, self.y + 9.0);
            x += col.width;
        }
        self.space(ROW_H + 2.0);
    }

    fn cell(&mut self, x: f32, col: &Column, size: f32, face: Face, text: String, baseline: f32) {
        let tx = match col.align {
            Align::Left => x + 2.0,
            Align::Right => x + col.width - 2.0 - self.metrics.width(face, size, &text),
        };
        self.text(tx, baseline, size, face, text);
    }

    /// One cell's lines: wrapped for free text, else a single line shrunk to fit.
    fn cell_lines(&self, col: &Column, value: &str) -> Vec<(f32, String)> {
        let width = col.width - 4.0;
        if col.wrap && self.metrics.width(Face::Condensed, TABLE_FONT, value) > width {
            let mut lines = self.metrics.wrap(Face::Condensed, 7.0, value, width);
            if lines.len() > MAX_WRAP {
                let rest = lines.split_off(MAX_WRAP - 1).join(" ");
                lines.push(rest);
            }
            lines
                .into_iter()
                .map(|l| self.metrics.fit(Face::Condensed, 7.0, &l, width))
                .collect()
        } else {
            vec![self.metrics.fit(Face::Condensed, TABLE_FONT, value, width)]
        }
    }

    /// A table whose header row is repeated at the top of every page it runs onto, under the
    /// section title marked "(continued)". Columns are scaled down to the text width if needed.
    pub fn table<I>(&mut self, title: &str, continued: &str, columns: &[Column], rows: I)
    where
        I: IntoIterator<Item = Vec<String>>,
    {
        let total: f32 = columns.iter().map(|c| c.width).sum();
        let scale = if total > CONTENT_W {
            CONTENT_W / total
        } else {
            1.0
        };
        let columns: Vec<Column> = columns
            .iter()
            .map(|c| Column {
                width: c.width * scale,
                ..c.clone()
            })
            .collect();
        let width = total * scale;
        self.heading(title);
        self.table_header(&columns);
        for (n, row) in rows.into_iter().enumerate() {
            let cells: Vec<Vec<(f32, String)>> = columns
                .iter()
                .zip(row.iter().map(String::as_str).chain(std::iter::repeat("")))
                .map(|(col, value)| self.cell_lines(col, value))
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = ROW_H + (lines - 1) as f32 * WRAP_LINE;
            if self.y + h > BODY_BOTTOM {
                self.new_page();
                self.text(
                    MARGIN,
                    self.y + 10.0,
                    10.0,
                    Face::Bold,
                    format!("{title} {continued}"),
                );
                self.space(16.0);
                self.table_header(&columns);
            }
            if n % 2 == 1 {
                self.rect(MARGIN, self.y, width, h, 242);
            }
            let mut x = MARGIN;
            for (col, cell) in columns.iter().zip(cells) {
                for (i, (size, text)) in cell.into_iter().enumerate() {
                    let baseline = self.y + 8.0 + i as f32 * WRAP_LINE;
                    self.cell(x, col, size, Face::Condensed, text, baseline);
                }
                x += col.width;
            }
            self.space(h);
        }
        self.rect(MARGIN, self.y, width, 0.5, 0);
        self.space(6.0);
    }

    /// Signature rows: who signs, then blank name-checked lines for the signature and the date.
    pub fn signatures(
        &mut self,
        title: &str,
        labels: &SignatureLabels,
        rows: &[(String, Vec<String>)],
    ) {
        const H: f32 = 34.0;
        let widths = [105.0, 140.0, 140.0, 130.0];
        self.ensure(30.0 + H * rows.len().min(3) as f32);
        self.heading(title);
        let heads = [&labels.role, &labels.name, &labels.signature, &labels.date];
        let mut x = MARGIN;
        for (w, head) in widths.iter().zip(heads) {
            self.text(
                x + 2.0,
                self.y + 8.0,
                7.5,
                Face::CondensedBold,
                head.as_str(),
            );
            x += w;
        }
        self.space(12.0);
        for (role, who) in rows {
            self.ensure(H);
            let (size, text) = self.metrics.fit(Face::Bold, 8.5, role, widths[0] - 4.0);
            self.text(MARGIN + 2.0, self.y + 12.0, size, Face::Bold, text);
            for (i, line) in who.iter().take(3).enumerate() {
                let face = if i == 0 {
                    Face::Regular
                } else {
                    Face::Condensed
                };
                let base = if i == 0 { 8.5 } else { 7.0 };
                let (size, text) = self.metrics.fit(face, base, line, widths[1] - 4.0);
                self.text(
                    MARGIN + widths[0] + 2.0,
                    self.y + 12.0 + i as f32 * 9.0,
                    size,
                    face,
                    text,
                );
            }
            // Blank lines to sign and date by hand.
            let sig_x = MARGIN + widths[0] + widths[1] + 4.0;
            self.rect(sig_x, self.y + H - 8.0, widths[2] - 12.0, 0.5, 0);
            self.rect(
                sig_x + widths[2],
                self.y + H - 8.0,
                widths[3] - 12.0,
                0.5,
                0,
            );
            self.rect(MARGIN, self.y + H, CONTENT_W, 0.3, 160);
            self.space(H);
        }
        self.space(6.0);
    }
}

pub struct SignatureLabels {
    pub role: String,
    pub name: String,
    pub signature: String,
    pub date: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cyrillic_and_latin_text_is_measured_with_real_glyph_widths() {
        let m = Metrics::new();
        let narrow = m.width(Face::Regular, 10.0, "iiii");
        let wide = m.width(Face::Regular, 10.0, "ШШШШ");
        assert!(narrow > 0.0 && wide > narrow * 2.0, "{narrow} {wide}");
    }

    #[test]
    fn a_long_remark_wraps_inside_the_column() {
        let m = Metrics::new();
        let text = "Predato topionici Železara Smederevo radi pretapanja u prisustvu komisije";
        let lines = m.wrap(Face::Regular, 9.0, text, 120.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(m.width(Face::Regular, 9.0, line) <= 120.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_long_serial_shrinks_instead_of_being_cut() {
        let m = Metrics::new();
        let (size, text) = m.fit(Face::Condensed, 7.5, "SN-0000000000-ABCDEFGHIJ-KLMN", 96.0);
        assert_eq!(text, "SN-0000000000-ABCDEFGHIJ-KLMN");
        assert!((5.0..7.5).contains(&size));
    }
}
