//! Manufacturer serial numbers and names as people type and scanners read them, folded to one
//! matching form so custody-core can spot the same rifle entered twice.
//!
//! Serial rule: trim; fold Cyrillic letters that look like Latin ones (А→A, В→B, ...) because
//! officers type on Latin and Cyrillic keyboards; upper-case; drop whitespace and every kind of
//! hyphen or dash. Nothing else is dropped: `O`/`0` and `/` or `.` can tell two serials apart.

/// Cyrillic capitals (and their small letters) that print like a Latin capital.
const LOOKALIKES: &[(char, char)] = &[
    ('А', 'A'),
    ('В', 'B'),
    ('Е', 'E'),
    ('К', 'K'),
    ('М', 'M'),
    ('Н', 'H'),
    ('О', 'O'),
    ('Р', 'P'),
    ('С', 'C'),
    ('Т', 'T'),
    ('Х', 'X'),
    ('У', 'Y'),
    ('І', 'I'),
    ('Ј', 'J'),
    ('Ѕ', 'S'),
];

/// Upper case with look-alike letters folded to Latin. No allocation: bulk import folds every
/// character of every serial and maker twice.
fn fold_char(c: char) -> impl Iterator<Item = char> {
    c.to_uppercase().map(|u| {
        if u.is_ascii() {
            return u;
        }
        LOOKALIKES
            .iter()
            .find(|(cyr, _)| *cyr == u)
            .map(|(_, lat)| *lat)
            .unwrap_or(u)
    })
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// The matching form of a manufacturer serial: `" ab-1234 "` and `"АВ 1234"` (Cyrillic) both
/// become `"AB1234"`.
pub fn normalize_serial(serial: &str) -> String {
    serial
        .trim()
        .chars()
        .filter(|&c| !c.is_whitespace() && !is_dash(c) && !c.is_control())
        .flat_map(fold_char)
        .collect()
}

/// The matching form of a manufacturer or make name: upper case, look-alike letters folded,
/// punctuation (`.`, `,`, `'`, `"`) dropped, runs of spaces and dashes turned into one space.
/// `"Zastava  Arms d.o.o."` becomes `"ZASTAVA ARMS DOO"`.
pub fn normalize_manufacturer(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.trim().chars() {
        if c.is_whitespace() || is_dash(c) || c == '_' {
            pending_space = !out.is_empty();
            continue;
        }
        if matches!(
            c,
            '.' | ',' | '\'' | '"' | '’' | '«' | '»' | '„' | '“' | '”'
        ) || c.is_control()
        {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(fold_char(c));
    }
    out
}
