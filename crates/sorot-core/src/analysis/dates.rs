//! A recognizer of Indonesian (and English) date expressions, with their
//! normalized ISO 8601 values.
//!
//! Terms:
//! - **date expression**: a span of text that names a time: a day name with a
//!   date ("Rabu (13/9/2023)", "Kamis, 14 September 2023"), a date or a range
//!   of days ("14 September 2023", "18-19 Juni 2024"), a month ("Juli 2000",
//!   "bulan Juli 2000"), a year ("tahun 1999", "pada 2022", where the span is
//!   the year alone), a numeric date ("13/9/2023", "2023-09-13"), or a relative
//!   expression ("Juli lalu", "hari Kamis", "Jumat lalu", "tahun lalu").
//! - **dateline**: the first complete date in the article, which relative
//!   expressions and dates without a year are resolved against.
//! - **value**: ISO 8601: `2023-09-13`, a range `2024-06-18/2024-06-19`, a
//!   month `2000-07`, a year `2022`. An expression that needs the dateline
//!   when the article has none gets no value.
//!
//! Numbers that only look like dates are not matched: a day/month pair needs a
//! year unless it follows a day name ("Minggu (10/9)"), so "3/4 warga" and
//! phone numbers stay unmatched, and every date must exist in the calendar.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, Weekday};
use regex::Regex;

/// A recognized date expression, in code points of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMatch {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The normalized value, when it could be worked out.
    pub value: Option<String>,
}

const DAYS: &str = r"Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";
const MONTHS: &str = r"Januari|January|Februari|February|Maret|March|April|Mei|May|Juni|June|Juli|July|Agustus|August|September|Oktober|October|November|Desember|December";

/// The patterns, most specific first; each has a kind that says how to read
/// its groups.
static PATTERNS: LazyLock<Vec<(Kind, Regex)>> = LazyLock::new(|| {
    let p = |kind, pattern: String| {
        (
            kind,
            Regex::new(&pattern).expect("the date patterns compile"),
        )
    };
    vec![
        p(
            Kind::DayNumeric,
            format!(
                r"\b(?:[Hh]ari\s+)?(?P<day>{DAYS})(?:\s+(?:pagi|siang|sore|malam))?\s*\((?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:/(?P<y>\d{{4}}))?\)"
            ),
        ),
        p(
            Kind::DayDate,
            format!(
                r"\b(?:[Hh]ari\s+)?(?P<day>{DAYS}),?\s+(?P<d>\d{{1,2}})\s+(?P<month>{MONTHS})\s+(?P<y>\d{{4}})\b"
            ),
        ),
        p(
            Kind::Range,
            format!(
                r"\b(?P<d>\d{{1,2}})\s*[-–]\s*(?P<d2>\d{{1,2}})\s+(?P<month>{MONTHS})(?:\s+(?P<y>\d{{4}}))?\b"
            ),
        ),
        p(
            Kind::Date,
            format!(r"\b(?P<d>\d{{1,2}})\s+(?P<month>{MONTHS})(?:\s+(?P<y>\d{{4}}))?\b"),
        ),
        p(
            Kind::Month,
            format!(r"\b(?:[Bb]ulan\s+)?(?P<month>{MONTHS})\s+(?P<y>\d{{4}})(?:\s+lalu)?\b"),
        ),
        p(Kind::MonthAgo, format!(r"\b(?P<month>{MONTHS})\s+lalu\b")),
        p(
            Kind::Numeric,
            r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b".to_owned(),
        ),
        p(
            Kind::Iso,
            r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b".to_owned(),
        ),
        p(Kind::Year, r"\b[Tt]ahun\s+(?P<y>\d{4})\b".to_owned()),
        p(Kind::YearAgo, r"\b[Tt]ahun\s+lalu\b".to_owned()),
        p(
            Kind::Weekday,
            format!(
                r"\b(?:[Hh]ari\s+)?(?P<day>{DAYS})(?:\s+(?P<rel>pagi|siang|sore|malam|lalu))?\b"
            ),
        ),
        // The year or month alone after a preposition; the span leaves the preposition out.
        p(
            Kind::BareYear,
            r"\b(?:pada|sejak|hingga|sampai|awal|akhir|pertengahan)\s+(?P<y>(?:19|20)\d{2})\b"
                .to_owned(),
        ),
        p(
            Kind::BareMonth,
            format!(r"\b(?:pada|sejak|hingga|sampai|awal|akhir)\s+(?P<month>{MONTHS})\b"),
        ),
    ]
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    DayNumeric,
    DayDate,
    Range,
    Date,
    Month,
    MonthAgo,
    Numeric,
    Iso,
    Year,
    YearAgo,
    Weekday,
    BareYear,
    BareMonth,
}

fn month_number(name: &str) -> Option<u32> {
    let names = [
        ["januari", "january"],
        ["februari", "february"],
        ["maret", "march"],
        ["april", "april"],
        ["mei", "may"],
        ["juni", "june"],
        ["juli", "july"],
        ["agustus", "august"],
        ["september", "september"],
        ["oktober", "october"],
        ["november", "november"],
        ["desember", "december"],
    ];
    let lower = name.to_lowercase();
    names
        .iter()
        .position(|pair| pair.contains(&lower.as_str()))
        .map(|i| i as u32 + 1)
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name.to_lowercase().as_str() {
        "senin" | "monday" => Weekday::Mon,
        "selasa" | "tuesday" => Weekday::Tue,
        "rabu" | "wednesday" => Weekday::Wed,
        "kamis" | "thursday" => Weekday::Thu,
        "jumat" | "jum'at" | "friday" => Weekday::Fri,
        "sabtu" | "saturday" => Weekday::Sat,
        "minggu" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// One raw match before overlaps are settled.
struct Found {
    bytes: Range<usize>,
    kind: Kind,
    captures: Vec<(String, String)>,
}

impl Found {
    fn get(&self, name: &str) -> Option<&str> {
        self.captures
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Option<u32> {
        self.get(name)?.parse().ok()
    }

    /// A complete date this match states by itself, for the dateline.
    fn full_date(&self) -> Option<NaiveDate> {
        let y = self.number("y")? as i32;
        let m = self
            .number("m")
            .or_else(|| month_number(self.get("month")?))?;
        NaiveDate::from_ymd_opt(y, m, self.number("d")?)
    }

    /// The value, given the dateline; `Err` when the match is no date at all.
    fn value(&self, dateline: Option<NaiveDate>) -> Result<Option<String>, ()> {
        let year = self
            .number("y")
            .map(|y| y as i32)
            .or(dateline.map(|d| d.year()));
        let month = self
            .number("m")
            .or_else(|| self.get("month").and_then(month_number));
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        match self.kind {
            Kind::DayNumeric | Kind::DayDate | Kind::Date | Kind::Numeric | Kind::Iso => {
                let (Some(month), Some(day)) = (month, self.number("d")) else {
                    return Err(());
                };
                if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                    return Err(());
                }
                let Some(year) = year else { return Ok(None) };
                NaiveDate::from_ymd_opt(year, month, day)
                    .map(|d| Some(iso(d)))
                    .ok_or(())
            }
            Kind::Range => {
                let (Some(month), Some(d1), Some(d2)) =
                    (month, self.number("d"), self.number("d2"))
                else {
                    return Err(());
                };
                if d2 <= d1 {
                    return Err(());
                }
                let Some(year) = year else { return Ok(None) };
                match (
                    NaiveDate::from_ymd_opt(year, month, d1),
                    NaiveDate::from_ymd_opt(year, month, d2),
                ) {
                    (Some(a), Some(b)) => Ok(Some(format!("{}/{}", iso(a), iso(b)))),
                    _ => Err(()),
                }
            }
            Kind::Month => Ok(Some(format!(
                "{:04}-{:02}",
                self.number("y").ok_or(())?,
                month.ok_or(())?
            ))),
            Kind::MonthAgo => {
                let (Some(month), Some(dateline)) = (month, dateline) else {
                    return Ok(None);
                };
                let year = if month < dateline.month() {
                    dateline.year()
                } else {
                    dateline.year() - 1
                };
                Ok(Some(format!("{year:04}-{month:02}")))
            }
            Kind::BareMonth => Ok(match (month, dateline) {
                (Some(month), Some(dateline)) => Some(format!("{:04}-{month:02}", dateline.year())),
                _ => None,
            }),
            Kind::Year | Kind::BareYear => {
                let year = self.number("y").ok_or(())?;
                if !(1900..=2099).contains(&year) {
                    return Err(());
                }
                Ok(Some(format!("{year:04}")))
            }
            Kind::YearAgo => Ok(dateline.map(|d| format!("{:04}", d.year() - 1))),
            Kind::Weekday => {
                let day = weekday(self.get("day").ok_or(())?).ok_or(())?;
                let Some(dateline) = dateline else {
                    return Ok(None);
                };
                // "lalu": the last such day before the dateline; otherwise the
                // such day nearest to it, within three days either way.
                let candidates: Vec<i64> = if self.get("rel") == Some("lalu") {
                    (-7..=-1).collect()
                } else {
                    (-3..=3).collect()
                };
                Ok(candidates
                    .into_iter()
                    .map(|offset| dateline + chrono::Duration::days(offset))
                    .find(|d| d.weekday() == day)
                    .map(iso))
            }
        }
    }
}

/// Finds the date expressions of a text, in order, without overlaps,
/// resolving relative ones against the text's own dateline.
pub fn recognize(text: &str) -> Vec<DateMatch> {
    recognize_at(text, None)
}

/// [`recognize`], resolving relative expressions against `dateline` when it
/// is given (the article's date, known from outside a sentence taken from
/// it), and against the text's own dateline otherwise.
pub fn recognize_at(text: &str, dateline: Option<NaiveDate>) -> Vec<DateMatch> {
    let mut found: Vec<Found> = Vec::new();
    for (kind, regex) in PATTERNS.iter() {
        for captures in regex.captures_iter(text) {
            let whole = captures.get(0).expect("group 0 always matches");
            let mut bytes = whole.range();
            // The year or month alone after a preposition: the span is the name.
            if matches!(kind, Kind::BareYear | Kind::BareMonth) {
                let inner = captures
                    .name("y")
                    .or(captures.name("month"))
                    .expect("the pattern names it");
                bytes = inner.range();
            }
            let named = regex
                .capture_names()
                .flatten()
                .filter_map(|name| {
                    captures
                        .name(name)
                        .map(|m| (name.to_owned(), m.as_str().to_owned()))
                })
                .collect();
            found.push(Found {
                bytes,
                kind: *kind,
                captures: named,
            });
        }
    }
    // Longest first at each position, earlier patterns first on ties; then keep
    // what does not overlap anything kept.
    let order = |f: &Found| {
        PATTERNS
            .iter()
            .position(|(k, _)| *k == f.kind)
            .unwrap_or(usize::MAX)
    };
    found.sort_by_key(|f| {
        (
            std::cmp::Reverse(f.bytes.end - f.bytes.start),
            f.bytes.start,
            order(f),
        )
    });
    let mut kept: Vec<Found> = Vec::new();
    for candidate in found {
        if kept
            .iter()
            .all(|k| k.bytes.end <= candidate.bytes.start || candidate.bytes.end <= k.bytes.start)
        {
            kept.push(candidate);
        }
    }
    kept.sort_by_key(|f| f.bytes.start);
    let dateline = dateline.or_else(|| kept.iter().find_map(Found::full_date));
    // Code-point offsets, counted once from one match to the next.
    let (mut byte, mut offset) = (0, 0);
    kept.into_iter()
        .filter_map(|f| {
            let value = f.value(dateline).ok()?;
            offset += text[byte..f.bytes.start].chars().count();
            byte = f.bytes.start;
            let matched = &text[f.bytes.clone()];
            Some(DateMatch {
                start: offset,
                end: offset + matched.chars().count(),
                text: matched.to_owned(),
                value,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, expected matches as (text, value)).
    fn check(text: &str, expected: &[(&str, Option<&str>)]) {
        let found: Vec<(String, Option<String>)> = recognize(text)
            .into_iter()
            .map(|m| (m.text, m.value))
            .collect();
        let expected: Vec<(String, Option<String>)> = expected
            .iter()
            .map(|(t, v)| ((*t).to_owned(), v.map(str::to_owned)))
            .collect();
        assert_eq!(found, expected, "in {text:?}");
    }

    #[test]
    fn indonesian_expressions_and_their_values() {
        check(
            "pada hari Rabu (13/9/2023) dengan anggur",
            &[("hari Rabu (13/9/2023)", Some("2023-09-13"))],
        );
        check(
            "Kamis, 14 September 2023 pukul",
            &[("Kamis, 14 September 2023", Some("2023-09-14"))],
        );
        check(
            "pada 18-19 Juni 2024 di Pyongyang",
            &[("18-19 Juni 2024", Some("2024-06-18/2024-06-19"))],
        );
        check(
            "pada bulan Juli 2000",
            &[("bulan Juli 2000", Some("2000-07"))],
        );
        check("Juli 2000 lalu", &[("Juli 2000 lalu", Some("2000-07"))]);
        check("sejak invasi pada 2022, Putin", &[("2022", Some("2022"))]);
        check("pada tahun 1999 dan", &[("tahun 1999", Some("1999"))]);
        check(
            "tanggal 2023-09-13 dan 13/9/2023",
            &[
                ("2023-09-13", Some("2023-09-13")),
                ("13/9/2023", Some("2023-09-13")),
            ],
        );
        check(
            "on Wednesday, 13 September 2023",
            &[("Wednesday, 13 September 2023", Some("2023-09-13"))],
        );
    }

    #[test]
    fn relative_expressions_resolve_against_the_dateline() {
        // The dateline is Wednesday 13 September 2023.
        let text = "Rabu (13/9/2023): Juli lalu Shoigu datang; hari Kamis Kim pergi; Jumat lalu rapat; tahun lalu perang; Minggu (10/9) tiba; pada Juli ke sana.";
        check(
            text,
            &[
                ("Rabu (13/9/2023)", Some("2023-09-13")),
                ("Juli lalu", Some("2023-07")),
                ("hari Kamis", Some("2023-09-14")),
                ("Jumat lalu", Some("2023-09-08")),
                ("tahun lalu", Some("2022")),
                ("Minggu (10/9)", Some("2023-09-10")),
                ("Juli", Some("2023-07")),
            ],
        );
        // Without a dateline, relative expressions have no value.
        check(
            "Juli lalu dan hari Kamis",
            &[("Juli lalu", None), ("hari Kamis", None)],
        );
    }

    #[test]
    fn numbers_that_are_not_dates_stay_unmatched() {
        check("hubungi 0812-3456-7890 sekarang", &[]);
        check("3/4 warga setuju", &[]);
        check("31/2/2023 bukan tanggal", &[]);
        check("skor 2-1 pada babak", &[]);
        check("pada 1500 orang", &[]);
        check("ada 5 Mei", &[("5 Mei", None)]);
    }

    #[test]
    fn offsets_are_code_points() {
        let found = recognize("“Kim” 😊 tiba Rabu (13/9/2023)");
        assert_eq!((found[0].start, found[0].end), (13, 29));
    }
}
