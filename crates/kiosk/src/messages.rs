//! Maps what core says (typed errors, scan outcomes) to message codes and arguments. The UI
//! (ui/messages.slint) turns each code into a translated sentence, so Rust formats no prose.

use crate::Msg;
use custody_core::CustodyError;
use std::sync::atomic::{AtomicU8, Ordering};

/// How the current language writes dates and large numbers. English keeps ISO yyyy-mm-dd
/// (unambiguous abroad); the regional languages write dd.mm.yyyy; Croatian writes the year as
/// an ordinal too, dd.mm.yyyy. (the trailing dot of Croatian orthography and of the hr locale).
/// Serbian, Bosnian and Montenegrin forms mostly omit that dot, and this kiosk does too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// English: 2026-03-07, 100,000.
    English,
    /// Serbian, Bosnian, Montenegrin, Macedonian, Romanian: 07.03.2026, 100.000.
    Dotted,
    /// Croatian: 07.03.2026., 100.000.
    DottedOrdinal,
    /// Albanian: 07.03.2026, 100 000 (a space between groups).
    Spaced,
}

static STYLE: AtomicU8 = AtomicU8::new(0);

fn style() -> Style {
    match STYLE.load(Ordering::Relaxed) {
        1 => Style::Dotted,
        2 => Style::DottedOrdinal,
        3 => Style::Spaced,
        _ => Style::English,
    }
}

/// Called when the language changes.
pub fn set_date_style(language: &str) {
    let style = match language {
        "" | "en" => 0,
        "hr" => 2,
        "sq" => 3,
        _ => 1,
    };
    STYLE.store(style, Ordering::Relaxed);
}

/// A date (`YYYY-MM-DD`, or an RFC 3339 time whose first ten characters are one) in the style
/// of the current language; the rest (a time of day) is kept. Anything else comes back as is.
pub fn date_text(iso: &str) -> String {
    let iso = iso.trim();
    let (day, rest) = iso.split_at(iso.len().min(10));
    let Ok(d) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
        return iso.to_string();
    };
    let day = match style() {
        Style::English => d.format("%Y-%m-%d").to_string(),
        Style::DottedOrdinal => d.format("%d.%m.%Y.").to_string(),
        Style::Dotted | Style::Spaced => d.format("%d.%m.%Y").to_string(),
    };
    format!("{day}{}", rest.replace('T', " "))
}

/// A ledger time (RFC 3339, kept in UTC) as this PC's local date and time to the minute, so
/// that it reads like the clock on the wall and like the scan strip's times.
pub fn time_text(rfc3339: &str) -> String {
    time_text_at(rfc3339, *chrono::Local::now().offset())
}

fn time_text_at(rfc3339: &str, offset: chrono::FixedOffset) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339.trim()) {
        Ok(t) => date_text(
            &t.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ),
        Err(_) => date_text(rfc3339),
    }
}

/// A count with its thousands grouped as the current language writes them.
pub fn number_text(n: u64) -> String {
    let digits = n.to_string();
    let separator = match style() {
        Style::English => ',',
        Style::Dotted | Style::DottedOrdinal => '.',
        Style::Spaced => '\u{a0}',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

pub fn msg(code: &str) -> Msg {
    Msg {
        code: code.into(),
        ..Default::default()
    }
}

pub fn msg1(code: &str, a: impl std::fmt::Display) -> Msg {
    Msg {
        code: code.into(),
        a: a.to_string().into(),
        ..Default::default()
    }
}

pub fn msg2(code: &str, a: impl std::fmt::Display, b: impl std::fmt::Display) -> Msg {
    Msg {
        code: code.into(),
        a: a.to_string().into(),
        b: b.to_string().into(),
        ..Default::default()
    }
}

pub fn msg3(
    code: &str,
    a: impl std::fmt::Display,
    b: impl std::fmt::Display,
    c: impl std::fmt::Display,
) -> Msg {
    Msg {
        code: code.into(),
        a: a.to_string().into(),
        b: b.to_string().into(),
        c: c.to_string().into(),
    }
}

/// A core error as the person at the kiosk should read it.
pub struct Problem {
    pub msg: Msg,
    /// The ledger itself is in trouble (disk full, busy, storage): show the banner too.
    pub banner: bool,
}

pub fn problem(e: &CustodyError) -> Problem {
    use CustodyError as E;
    let (msg, banner) = match e {
        E::WrongPin { remaining, .. } => (msg1("wrong-pin", remaining), false),
        E::LockedOut { minutes, .. } => (msg1("locked-out", minutes), false),
        E::UnknownBadge(b) => (msg1("unknown-badge", b), false),
        E::Inactive(b) => (msg1("inactive", b), false),
        E::WrongRole { person, action, .. } => (msg2("wrong-role", person, action), false),
        E::DuplicateSerial {
            manufacturer,
            serial,
            existing_code,
        } => (
            msg2(
                "duplicate",
                display_code(existing_code),
                format!("{manufacturer} {serial}"),
            ),
            false,
        ),
        E::UnknownItem(c) => (msg1("unknown-item", c), false),
        E::AmbiguousItem(c, _) => (msg1("ambiguous", c), false),
        E::UnknownLocation(l) => (msg1("unknown-location", l), false),
        E::TerminalItem { code, status, .. } => {
            (msg2("alarm", display_code(code), status.as_str()), false)
        }
        E::WrongStatus { code, status, .. } => (
            msg2("wrong-status", display_code(code), status.as_str()),
            false,
        ),
        E::ReceiverNotAuthenticated => (msg("receiver-auth"), false),
        E::SamePerson(_) => (msg("same-person"), false),
        E::DiskFull => (msg("disk-full"), true),
        E::Busy => (msg("busy"), true),
        E::Storage(err) => (msg1("storage", err), true),
        E::Io(err) => (msg1("storage", err), true),
        E::UnknownTrustedKey(_) => (msg("trust-needed"), false),
        E::SignInThrottled => (msg("signin-throttled"), false),
        E::ControlCharacters { field } => (msg1("control-characters", field), false),
        E::FieldTooLong { field, max, .. } => (msg2("field-too-long", field, max), false),
        E::BundleNotForThisSite { .. } => (msg("bundle-not-for-us"), false),
        E::ReceiptWrongSigner { .. } => (msg("receipt-wrong-signer"), false),
        E::BadIdentifier { value, .. } => (msg1("bad-identifier", value), false),
        E::DemoLedger => (msg("demo-ledger"), false),
        // Core's own sentence (English) for the rest: they are rare at a kiosk.
        E::Refused(r) => (msg1("invalid", r), false),
        other => (msg1("other", other), true),
    };
    Problem { msg, banner }
}

/// A Custody code in its printed form (W-XXXXX-XXXXX-X); anything else unchanged.
pub fn display_code(code: &str) -> String {
    custody_codes::LabelCode::parse(code)
        .map(|c| c.display_form())
        .unwrap_or_else(|_| code.to_string())
}

/// Scanned bytes as one line of text for the screen: control bytes and invalid UTF-8 escaped.
pub fn printable(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut out = String::new();
    for c in text.trim().chars().take(60) {
        if c.is_control() {
            out.push_str(&format!("\\x{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_times_and_counts_read_as_each_language_writes_them() {
        // One test: the style is process-wide, and tests run in parallel threads.
        set_date_style("sr@latin");
        assert_eq!(date_text("2026-03-07"), "07.03.2026");
        assert_eq!(date_text("2026-03-07 14:05"), "07.03.2026 14:05");
        for lang in ["bs", "cnr", "mk", "sq", "ro"] {
            set_date_style(lang);
            assert_eq!(date_text("2026-03-07"), "07.03.2026");
        }
        // Croatian closes the year with the ordinal dot.
        set_date_style("hr");
        assert_eq!(date_text("2026-03-07"), "07.03.2026.");
        assert_eq!(date_text("2026-03-07T14:05"), "07.03.2026. 14:05");
        set_date_style("en");
        assert_eq!(date_text("2026-03-07"), "2026-03-07");
        assert_eq!(date_text("not a date"), "not a date");
        assert_eq!(date_text(""), "");
        let cet = chrono::FixedOffset::east_opt(3600).unwrap();
        set_date_style("en");
        assert_eq!(
            time_text_at("2026-11-27T23:30:05.123Z", cet),
            "2026-11-28 00:30"
        );
        assert_eq!(time_text_at("garbage", cet), "garbage");
        assert_eq!(number_text(0), "0");
        assert_eq!(number_text(999), "999");
        assert_eq!(number_text(100_000), "100,000");
        assert_eq!(number_text(1_234_567), "1,234,567");
        set_date_style("hr");
        assert_eq!(
            time_text_at("2026-11-27T23:30:05Z", cet),
            "28.11.2026. 00:30"
        );
        assert_eq!(number_text(100_000), "100.000");
        set_date_style("sq");
        assert_eq!(number_text(1_234_567), "1\u{a0}234\u{a0}567");
        set_date_style("en");
    }
}
