//! How each language writes a date, a time and a count. English keeps ISO 8601 dates
//! (unambiguous abroad); the regional languages write dd.mm.yyyy; Croatian closes the year with
//! the ordinal dot (07.03.2025.), as its orthography and official documents do. Digits are
//! grouped by a comma in English, a dot in the region, and a no-break space in Albanian.

use crate::Language;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

impl Language {
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            Language::English => date.format("%Y-%m-%d").to_string(),
            Language::Croatian => date.format("%d.%m.%Y.").to_string(),
            _ => date.format("%d.%m.%Y").to_string(),
        }
    }

    /// A ledger time (kept in UTC) at a given offset, to the minute, without naming the zone:
    /// what a screen shows beside the clock on the wall.
    pub fn local_minute(self, time: DateTime<Utc>, offset: FixedOffset) -> String {
        let local = time.with_timezone(&offset);
        format!(
            "{} {}",
            self.date(local.date_naive()),
            local.format("%H:%M")
        )
    }

    /// A ledger time at a given offset with the offset printed (`UTC`, `UTC+01:00`): what a
    /// document prints, since it is read far from where it was made.
    pub fn time(self, time: DateTime<Utc>, offset: FixedOffset) -> String {
        let local = time.with_timezone(&offset);
        let zone = if offset.local_minus_utc() == 0 {
            "UTC".to_string()
        } else {
            format!("UTC{}", local.format("%:z"))
        };
        format!("{} {zone}", self.local_minute(time, offset))
    }

    /// A count with its thousands grouped as this language writes them.
    pub fn number(self, n: impl Into<i128>) -> String {
        let n: i128 = n.into();
        let separator = match self {
            Language::English => ',',
            Language::Albanian => '\u{a0}',
            _ => '.',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::Language::{self, *};
    use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

    #[test]
    fn regional_dates_are_day_month_year_and_croatian_ends_with_a_dot() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 7).expect("valid date");
        for l in [
            SerbianLatin,
            SerbianCyrillic,
            Bosnian,
            Montenegrin,
            Albanian,
            Macedonian,
            Romanian,
        ] {
            assert_eq!(l.date(d), "07.03.2025", "{l:?}");
        }
        assert_eq!(Croatian.date(d), "07.03.2025.");
        assert_eq!(English.date(d), "2025-03-07");
    }

    #[test]
    fn a_ledger_time_is_shown_in_local_time_and_printed_with_its_offset() {
        let t: DateTime<Utc> = DateTime::parse_from_rfc3339("2025-03-07T23:30:00Z")
            .expect("valid time")
            .into();
        let cet = FixedOffset::east_opt(3600).expect("valid offset");
        assert_eq!(Albanian.time(t, cet), "08.03.2025 00:30 UTC+01:00");
        assert_eq!(Croatian.local_minute(t, cet), "08.03.2025. 00:30");
        let utc = FixedOffset::east_opt(0).expect("valid offset");
        assert_eq!(English.time(t, utc), "2025-03-07 23:30 UTC");
    }

    #[test]
    fn counts_are_grouped_as_each_language_writes_them() {
        assert_eq!(English.number(0u64), "0");
        assert_eq!(English.number(999u64), "999");
        assert_eq!(English.number(100_000u64), "100,000");
        assert_eq!(Croatian.number(1_234_567u64), "1.234.567");
        assert_eq!(Albanian.number(1_234_567i64), "1\u{a0}234\u{a0}567");
        assert_eq!(Language::SerbianLatin.number(-4_500i64), "-4.500");
    }
}
