//! A recognizer of Indonesian and English date expressions, with their
//! normalized ISO 8601 values.
//!
//! Terms:
//! - **date expression**: a span of text that names a time:
//!   - a day: "Rabu (13/9/2023)", "Kamis, 14 September 2023", "13 September
//!     2023 lalu", "tanggal 1 Maret", "13/9/2023", "2023-09-13", "June 19,
//!     2024", "Sept. 13", "13th of September";
//!   - a range: "18-19 Juni 2024", "28 Februari-1 Maret 2024", "June
//!     18-19", "1950-1953";
//!   - a month ("Juli 2000", "bulan Juli 2000") or a year ("tahun 1999");
//!   - a year or month alone after a preposition or a word for part of the
//!     period ("pada 2022", "In 2024", "akhir 2023", "mid-2022", "pada
//!     Juli"): the span is the year or month alone;
//!   - a relative expression: a weekday ("hari Kamis", "Jumat lalu", "last
//!     Tuesday", "Tuesday night"), a month ("Juli lalu", "September tahun
//!     lalu"), a day in a word ("kemarin", "hari ini", "tomorrow"), a period
//!     ("bulan ini", "pekan lalu", "next year"), or a count of periods ago
//!     ("dua hari lalu", "24 years ago").
//! - **dateline**: the date that relative expressions and dates without a
//!   year are resolved against: the one [`recognize_at`] is given, else the
//!   first complete date in the text.
//! - **value**: ISO 8601: a day `2023-09-13`, a range `2024-06-18/2024-06-19`
//!   or `1950/1953`, a month `2000-07`, a year `2022`, an ISO week
//!   `2023-W37`. An expression that needs the dateline when there is none
//!   gets no value. Where relative expressions are placed is told in the
//!   `values` submodule.
//!
//! A span leaves out a preposition before it and a word for part of the
//! period ("awal", "early"); it keeps "hari", "tanggal", "bulan", "tahun",
//! the time of day ("pagi", "night") and the relative word ("lalu",
//! "mendatang", "last", "ago").
//!
//! Numbers that only look like dates are not matched: a day/month pair needs
//! a year unless it follows a day name ("Minggu (10/9)"), so "3/4 warga"
//! stays unmatched; a date whose numbers run on into other numbers
//! ("0811-1945-2023", "2000-an") is part of something else; a date right
//! after a word that starts a name or a document number ("Universitas 17
//! Agustus 1945", "UU Nomor 7 Tahun 2017", "the Sunday Times") is part of
//! it; and every date must exist in the calendar.

mod patterns;
mod values;

use std::ops::Range;

use chrono::NaiveDate;

use patterns::{Kind, PART_OF_A_NAME, PATTERNS};
use values::Groups;

/// A recognized date expression, in code points of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMatch {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The normalized value, when it could be worked out.
    pub value: Option<String>,
}

/// One match of a pattern, before overlaps are settled.
struct Found {
    bytes: Range<usize>,
    kind: Kind,
    /// The pattern's place in [`PATTERNS`].
    order: usize,
    groups: Groups,
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
    let mut found = candidates(text);
    // Longest first, then the earliest, then the earlier pattern; then keep
    // what does not overlap anything kept.
    found.sort_by_key(|f| {
        (
            std::cmp::Reverse(f.bytes.end - f.bytes.start),
            f.bytes.start,
            f.order,
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
    let dateline = dateline.or_else(|| kept.iter().find_map(|f| f.groups.full_date(f.kind)));
    // Code-point offsets, counted once from one match to the next.
    let (mut byte, mut offset) = (0, 0);
    kept.into_iter()
        .filter_map(|f| {
            let value = f.groups.value(f.kind, dateline).ok()?;
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

/// Every match of every pattern that is a date of the calendar and not part
/// of a number or a name, nor overlapping a part of a name.
fn candidates(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut names = Vec::new();
    for (order, (kind, regex)) in PATTERNS.iter().enumerate() {
        for captures in regex.captures_iter(text) {
            let whole = captures.get(0).expect("group 0 always matches");
            let bytes = captures.name("span").unwrap_or(whole).range();
            let groups = Groups(
                regex
                    .capture_names()
                    .flatten()
                    .filter_map(|name| Some((name, captures.name(name)?.as_str().to_owned())))
                    .collect(),
            );
            if groups.value(*kind, None).is_err() || runs_into_a_number(text, &bytes) {
                continue;
            }
            if is_part_of_a_name(text, &bytes, *kind) {
                names.push(bytes);
                continue;
            }
            found.push(Found {
                bytes,
                kind: *kind,
                order,
                groups,
            });
        }
    }
    // A part of a name takes along whatever overlaps it ("Agustus 1945" in
    // "Universitas 17 Agustus 1945").
    found.retain(|f| {
        names
            .iter()
            .all(|n| n.end <= f.bytes.start || f.bytes.end <= n.start)
    });
    found
}

/// Whether the match's numbers run on into other numbers: a digit right
/// before or after it, or one past a joining sign ("0811-1945-2023",
/// "1.945"), or a decade's "-an" ("2000-an").
fn runs_into_a_number(text: &str, bytes: &Range<usize>) -> bool {
    let joins = |c: char| matches!(c, '-' | '–' | '/' | '.' | ',' | ':');
    let mut before = text[..bytes.start].chars().rev();
    let mut after = text[bytes.end..].chars();
    let digit_past = |first: Option<char>, second: Option<char>| match first {
        Some(c) if c.is_ascii_digit() => true,
        Some(c) if joins(c) => second.is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    digit_past(before.next(), before.next())
        || digit_past(after.next(), after.next())
        || text[bytes.end..].starts_with("-an")
}

/// Whether the match is part of a name or a document number: it follows a
/// word that starts one ("Universitas", "Nomor 7"), or it is a weekday
/// alone between "the" and a capitalised word ("the Sunday Times").
fn is_part_of_a_name(text: &str, bytes: &Range<usize>, kind: Kind) -> bool {
    let mut from = bytes.start.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..bytes.start];
    if PART_OF_A_NAME.is_match(before) {
        return true;
    }
    let after = &text[bytes.end..];
    kind == Kind::Weekday
        && (before.ends_with("the ") || before.ends_with("The "))
        && after.starts_with(' ')
        && after[1..].starts_with(|c: char| c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, expected matches as (text, value)).
    fn check(text: &str, expected: &[(&str, Option<&str>)]) {
        check_at(None, text, expected);
    }

    /// [`check`], against a dateline.
    fn check_at(dateline: Option<NaiveDate>, text: &str, expected: &[(&str, Option<&str>)]) {
        let found: Vec<(String, Option<String>)> = recognize_at(text, dateline)
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
    fn capitalised_prepositions_and_english_ones_before_a_year() {
        check(
            "Pada 2019, Kim datang. Sejak 2014 dan Di 2023 juga.",
            &[
                ("2019", Some("2019")),
                ("2014", Some("2014")),
                ("2023", Some("2023")),
            ],
        );
        check(
            "In 2024 and since 2014, by 2060, until mid-2022, from 1950 to 1953.",
            &[
                ("2024", Some("2024")),
                ("2014", Some("2014")),
                ("2060", Some("2060")),
                ("2022", Some("2022")),
                ("1950", Some("1950")),
                ("1953", Some("1953")),
            ],
        );
    }

    #[test]
    fn a_date_followed_by_a_relative_word_keeps_its_day() {
        check(
            "ditandatangani 13 September 2023 lalu dan Senin (11/9/2023) lalu",
            &[
                ("13 September 2023 lalu", Some("2023-09-13")),
                ("Senin (11/9/2023) lalu", Some("2023-09-11")),
            ],
        );
    }

    #[test]
    fn english_month_first_dates() {
        check(
            "On September 13, 2023 and Wednesday, Sept. 13, 2023 and 9/13/2023.",
            &[
                ("September 13, 2023", Some("2023-09-13")),
                ("Wednesday, Sept. 13, 2023", Some("2023-09-13")),
                ("9/13/2023", Some("2023-09-13")),
            ],
        );
        // A day without a year is the one nearest the dateline.
        check_at(
            NaiveDate::from_ymd_opt(2025, 1, 6),
            "sworn in on Oct. 20; in effect since Jan. 1; vote on June 18-19",
            &[
                ("Oct. 20", Some("2024-10-20")),
                ("Jan. 1", Some("2025-01-01")),
                ("June 18-19", Some("2025-06-18/2025-06-19")),
            ],
        );
        check("Theresa May, 67, spoke.", &[]);
    }

    #[test]
    fn relative_words_and_periods() {
        let text = "Kemarin sore, bulan lalu, pekan depan, Last Tuesday, two days ago, \
                    September tahun lalu, next year.";
        check_at(
            NaiveDate::from_ymd_opt(2023, 9, 18),
            text,
            &[
                ("Kemarin sore", Some("2023-09-17")),
                ("bulan lalu", Some("2023-08")),
                ("pekan depan", Some("2023-W39")),
                ("Last Tuesday", Some("2023-09-12")),
                ("two days ago", Some("2023-09-16")),
                ("September tahun lalu", Some("2022-09")),
                ("next year", Some("2024")),
            ],
        );
    }

    #[test]
    fn parts_of_names_and_numbers_are_not_dates() {
        check("Universitas 17 Agustus 1945 Surabaya", &[]);
        check("UU Nomor 7 Tahun 2017 tentang Pemilu", &[]);
        check("The Sunday Times reported", &[]);
        check("nomor 0811-1945-2023 dan pada 2000-an", &[]);
        check("skor 21-19, 18-21; selama 7-10 hari; 70 tahun", &[]);
        check(
            "periode 2017-2022 dan 2023-2019",
            &[("2017-2022", Some("2017/2022"))],
        );
    }

    #[test]
    fn offsets_are_code_points() {
        let found = recognize("“Kim” 😊 tiba Rabu (13/9/2023)");
        assert_eq!((found[0].start, found[0].end), (13, 29));
        // A curly apostrophe, emoji and CRLF line ends before and between.
        let text = "Kim’s 😊 visit:\r\nPada 13 September 2023 lalu, “Putin” tiba.\r\n\
                    On Sept. 13, 2023 😊 he left; in 2024 he’ll return.";
        let matches = recognize(text);
        let found: Vec<(usize, usize, &str)> = matches
            .iter()
            .map(|m| (m.start, m.end, m.value.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            found,
            [
                (21, 43, "2023-09-13"),
                (63, 77, "2023-09-13"),
                (92, 96, "2024")
            ]
        );
        for m in matches {
            let by_offsets: String = text.chars().skip(m.start).take(m.end - m.start).collect();
            assert_eq!(by_offsets, m.text);
        }
    }
}
