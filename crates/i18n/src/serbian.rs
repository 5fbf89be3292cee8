//! Serbian Latin → Serbian Cyrillic, the one transliteration the kiosk's build, the documents,
//! the registry's pages and the tests all use. The two alphabets map one to one (lj → љ,
//! nj → њ, dž → џ), so the Cyrillic catalogue is derived, never edited.
//!
//! What stays in Latin, as Serbian typesetting keeps it: codes and model names with digits
//! (AK-47, SHA-256, GS1), the acronyms in [`LATIN_ACRONYMS`], words with q, w, x or y (foreign
//! words, the product name Custody), placeholders (`{}`, `{n}`), paths, command-line options and
//! the commands in [`LATIN_PHRASES`]. Any other word in capitals is a Serbian word written in
//! capitals («ALARM» → «АЛАРМ») and is transliterated like the rest.

/// Latin acronyms that a Serbian Cyrillic text keeps as they are.
/// (Not UN or EU: in Serbian they abbreviate Serbian words, Ujedinjene nacije → УН.)
pub const LATIN_ACRONYMS: [&str; 19] = [
    "AIM", "CSV", "DEMO", "GS1", "ID", "IEC", "ISO", "IUID", "JSON", "NEQ", "PDF", "PIN", "QR",
    "SALW", "UID", "USB", "UTC", "ZPL", "HTML",
];

/// Words that are literal input a person types or scans, not Serbian words.
const LATIN_WORDS: [&str; 1] = [
    // The label of the scanned command that ends a list ("scan done").
    "done",
];

/// Commands quoted in the text, kept whole.
const LATIN_PHRASES: [&str; 2] = [
    "custody-registry user add NAME --role inspector|administrator",
    // The CLI command that checks a seal, also named alone ("Custody (verify-document)").
    "verify-document",
];

/// A Serbian Latin text in Cyrillic.
pub fn to_cyrillic(latin: &str) -> String {
    let mut out = String::with_capacity(latin.len() * 2);
    let mut rest = latin;
    while let Some(c) = rest.chars().next() {
        let kept = kept_verbatim(rest);
        if kept > 0 {
            out.push_str(&rest[..kept]);
            rest = &rest[kept..];
        } else if c.is_alphanumeric() {
            let end = rest
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '-'))
                .map_or(rest.len(), |(i, _)| i);
            push_word(&rest[..end], &mut out);
            rest = &rest[end..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// How many bytes at the start of `text` are a phrase, placeholder, path or option.
pub(crate) fn kept_verbatim(text: &str) -> usize {
    if let Some(p) = LATIN_PHRASES.iter().find(|p| text.starts_with(*p)) {
        return p.len();
    }
    let run = |from: usize, ok: fn(char) -> bool| {
        text[from..]
            .char_indices()
            .find(|(_, c)| !ok(*c))
            .map_or(text.len(), |(i, _)| from + i)
    };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('{'), _) => text.find('}').map_or(0, |i| i + 1),
        (Some('/'), Some(n)) if n.is_alphanumeric() => run(1, |c| {
            c.is_alphanumeric() || matches!(c, '_' | '.' | '/' | '-')
        }),
        (Some('-'), Some('-')) if text[2..].starts_with(|c: char| c.is_ascii_lowercase()) => {
            run(2, |c| c.is_ascii_lowercase() || c == '-')
        }
        _ => 0,
    }
}

/// Whether a word stays in Latin in a Cyrillic text: a code or model name (it has digits), a
/// foreign word or name (q, w, x, y), a listed acronym, or a literal a person types or scans.
pub fn stays_latin(word: &str) -> bool {
    let code = word.chars().any(|c| c.is_ascii_digit());
    let foreign = word
        .chars()
        .any(|c| matches!(c.to_ascii_lowercase(), 'q' | 'w' | 'x' | 'y'));
    code || foreign || LATIN_ACRONYMS.contains(&word) || LATIN_WORDS.contains(&word)
}

fn push_word(word: &str, out: &mut String) {
    if stays_latin(word) {
        out.push_str(word);
        return;
    }
    // A compound of an acronym and a word (USB-memorija): each part on its own.
    if let Some((first, rest)) = word.split_once('-') {
        push_word(first, out);
        out.push('-');
        push_word(rest, out);
        return;
    }
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let digraph = match (chars[i], chars.get(i + 1).copied()) {
            ('L', Some('j' | 'J')) => Some('Љ'),
            ('l', Some('j')) => Some('љ'),
            ('N', Some('j' | 'J')) => Some('Њ'),
            ('n', Some('j')) => Some('њ'),
            ('D', Some('ž' | 'Ž')) => Some('Џ'),
            ('d', Some('ž')) => Some('џ'),
            _ => None,
        };
        match digraph {
            Some(c) => {
                out.push(c);
                i += 2;
            }
            None => {
                out.push(letter(chars[i]));
                i += 1;
            }
        }
    }
}

fn letter(c: char) -> char {
    const LATIN: &str = "abcčćdđefghijklmnoprsštuvzž";
    const CYRILLIC: &str = "абцчћдђефгхијклмнопрсштувзж";
    let lower = c.to_lowercase().next().unwrap_or(c);
    match LATIN.chars().position(|l| l == lower) {
        Some(i) => {
            let cyr = CYRILLIC.chars().nth(i).unwrap_or(c);
            if c.is_uppercase() {
                cyr.to_uppercase().next().unwrap_or(cyr)
            } else {
                cyr
            }
        }
        // Letters outside the Serbian alphabet stay as they are.
        None => c,
    }
}

/// A Serbian Latin gettext catalogue (`.po` text) as the Serbian Cyrillic one: every msgstr
/// transliterated, msgids and comments untouched, the header's `Language:` set to `sr`.
pub fn cyrillic_po(latin_po: &str) -> String {
    let mut out = String::with_capacity(latin_po.len() * 2);
    // Inside a msgstr (its first line or a continuation line); `header` while in the header's.
    let mut in_msgstr = false;
    let mut header = false;
    let mut last_msgid_empty = false;
    for line in latin_po.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("msgid ") {
            last_msgid_empty = rest.trim() == "\"\"";
            in_msgstr = false;
            out.push_str(line);
        } else if trimmed.starts_with("msgstr") {
            in_msgstr = true;
            header = last_msgid_empty;
            out.push_str(&rewrite_quoted(line, header));
        } else if in_msgstr && trimmed.starts_with('"') {
            out.push_str(&rewrite_quoted(line, header));
        } else {
            in_msgstr = false;
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The quoted part of a `.po` line, unescaped, transliterated (or, in the header, with the
/// language changed) and escaped again.
fn rewrite_quoted(line: &str, header: bool) -> String {
    let (Some(open), Some(close)) = (line.find('"'), line.rfind('"')) else {
        return line.to_string();
    };
    if close <= open {
        return line.to_string();
    }
    let text = unescape(&line[open + 1..close]);
    let new = if header {
        text.lines()
            .map(|l| {
                if l.starts_with("Language:") {
                    "Language: sr".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + if text.ends_with('\n') { "\n" } else { "" }
    } else {
        to_cyrillic(&text)
    };
    format!(
        "{}\"{}\"{}",
        &line[..open],
        escape(&new),
        &line[close + 1..]
    )
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digraphs_capitals_and_words_in_capitals_transliterate() {
        assert_eq!(to_cyrillic("Ljubljana Njegoš Džep"), "Љубљана Његош Џеп");
        assert_eq!(to_cyrillic("LJUBAV NJIVA DŽEP"), "ЉУБАВ ЊИВА ЏЕП");
        // A Serbian word in capitals is Serbian; only the listed acronyms stay Latin.
        assert_eq!(
            to_cyrillic("ALARM: oružje AK-47, ID osobe, PDF"),
            "АЛАРМ: оружје AK-47, ID особе, PDF"
        );
        assert_eq!(to_cyrillic("UNIŠTENO"), "УНИШТЕНО");
        assert_eq!(to_cyrillic("grupa po UN"), "група по УН");
        assert_eq!(to_cyrillic("USB-memorija, PDF-a"), "USB-меморија, PDF-а");
        assert_eq!(
            to_cyrillic("QR kod (SHA-256) u Custody"),
            "QR код (SHA-256) у Custody"
        );
    }

    #[test]
    fn placeholders_paths_options_and_commands_stay_as_typed() {
        assert_eq!(
            to_cyrillic("Sačuvano u /var/lib/custody-data: {} predmeta, {n} ukupno"),
            "Сачувано у /var/lib/custody-data: {} предмета, {n} укупно"
        );
        assert_eq!(
            to_cyrillic("Pokrenite sa --fullscreen ili skenirajte done"),
            "Покрените са --fullscreen или скенирајте done"
        );
        assert_eq!(
            to_cyrillic("Dodajte: custody-registry user add NAME --role inspector|administrator."),
            "Додајте: custody-registry user add NAME --role inspector|administrator."
        );
        // A lone slash or dash is punctuation, not a path or an option.
        assert_eq!(to_cyrillic("ulaz / izlaz - kraj"), "улаз / излаз - крај");
    }

    #[test]
    fn a_catalogue_changes_its_msgstrs_and_language_and_nothing_else() {
        let latin = concat!(
            "# komentar ostaje\n",
            "msgid \"\"\n",
            "msgstr \"\"\n",
            "\"Language: sr@latin\\n\"\n",
            "\"Plural-Forms: nplurals=3; plural=(n%10==1 ? 0 : 1);\\n\"\n",
            "\n",
            "msgid \"Serial number\"\n",
            "msgstr \"Fabrički broj \\\"{}\\\"\"\n",
            "\n",
            "msgctxt \"document\"\n",
            "msgid \"{n} weapon\"\n",
            "msgid_plural \"{n} weapons\"\n",
            "msgstr[0] \"{n} komad\"\n",
            "msgstr[1] \"{n} komada\"\n",
            "msgstr[2] \"\"\n",
            "\"{n} komada\"\n",
        );
        let cyr = cyrillic_po(latin);
        assert!(cyr.contains("# komentar ostaje\n"), "{cyr}");
        assert!(cyr.contains("\"Language: sr\\n\"\n"), "{cyr}");
        assert!(cyr.contains("plural=(n%10==1 ? 0 : 1);"), "{cyr}");
        assert!(cyr.contains("msgid \"Serial number\"\nmsgstr \"Фабрички број \\\"{}\\\"\"\n"));
        assert!(cyr.contains("msgctxt \"document\"\nmsgid \"{n} weapon\"\n"));
        assert!(cyr.contains("msgstr[1] \"{n} комада\"\nmsgstr[2] \"\"\n\"{n} комада\"\n"));
        // It still parses, with the same entries.
        let parsed = rspolib::pofile(cyr.as_str()).expect("the derived catalogue parses");
        assert_eq!(parsed.entries.len(), 2);
    }
}
