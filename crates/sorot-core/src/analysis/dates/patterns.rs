//! The words and patterns of date expressions, each pattern with the
//! [`Kind`] that says how its value is read.
//!
//! A pattern is written with placeholders for the word lists (`<DAY>`,
//! `<MONTH>`, ...), expanded by [`expand`]. Its named groups are read by
//! [`super::values`]: `d`, `d2` (days), `m` (a month's number), `month`,
//! `month2` (month names), `y`, `y2` (years), `day` (a day name), `dir` and
//! `pre` (a word after or before the expression that points before or after
//! the dateline: "lalu", "mendatang"; "last", "next"),
//! `yrel` ("tahun lalu", "next year"), `word` (a day said in a word: "kemarin"),
//! `n` and `unit` (a count of periods). A group named `span` is the part of
//! the match that is the date expression, when the match reaches further (a
//! preposition before a year, or the first year of "from 1950 to 1953").

use std::sync::LazyLock;

use regex::Regex;

/// How a pattern's groups are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A day: `d` with `m` or `month`, a year `y` or none.
    Date,
    /// Days from `d` to `d2` in `month` (or from `month` to `month2`).
    Range,
    /// Years from `y` to `y2`.
    YearRange,
    /// A month of a year: `month`, `y`.
    Month,
    /// A month without a year, placed by `dir` or `yrel` (or nearest).
    MonthAlone,
    /// A year `y`.
    Year,
    /// A weekday `day`, placed by `dir` or `pre` (or nearest).
    Weekday,
    /// A day said in a word (`word`: "kemarin", "today").
    DayWord,
    /// The period `unit` that holds the dateline, or the one before or after
    /// it (`dir`: "bulan ini", "last week", "tahun depan").
    Period,
    /// `n` periods `unit` before the dateline ("dua hari lalu", "24 years ago").
    Ago,
}

const DAYS: &str = r"Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";
/// Full month names, Indonesian and English.
const MONTHS: &str = r"Januari|January|Februari|February|Maret|March|April|Mei|May|Juni|June|Juli|July|Agustus|August|September|Oktober|October|November|Desember|December";
/// Short month names, Indonesian and English; only next to a day or a year.
const MONTHS_SHORT: &str = r"Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Ags|Aug|Sept|Sep|Okt|Oct|Nov|Des|Dec";
/// English month names, full and short: only these come before the day.
const MONTHS_EN: &str = r"January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";
/// A time of day, kept inside the expression.
const TIME_OF_DAY: &str = r"pagi|siang|sore|malam|dini\s+hari|morning|afternoon|evening|night";
/// Words before a year or a month that are left out of the span:
/// prepositions, and words for part of the period.
const BEFORE: &str = r"pada|sejak|hingga|sampai|sepanjang|selama|sebelum|setelah|sesudah|menjelang|mulai|di|awal|akhir|pertengahan|medio|in|since|by|until|till|before|after|during|through|throughout|for|early|late";
/// Words joining two years or two months.
const AND: &str = r"dan|atau|hingga|sampai|and|or|to|until";
/// Counts in words, Indonesian and English.
const COUNTS: &str = r"satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|one|two|three|four|five|six|seven|eight|nine|ten|an?";

/// Expands the placeholders of a pattern, in order: the first ones hold
/// placeholders that the later ones expand.
fn expand(pattern: &str) -> String {
    [
        // A day name before a date: "Kamis, ", "hari Rabu malam ".
        (
            "<DAYNAME>",
            r"(?:(?:[Hh]ari\s+)?(?P<day><DAY>)(?:\s+<TOD>)?,?\s+)?",
        ),
        // After a date: the time of day, then "lalu" or "mendatang".
        ("<AFTER>", r"(?:\s+<TOD>)?(?:\s+(?P<dir>lalu|mendatang)\b)?"),
        ("<DAYNUM>", r"\d{1,2}(?:st|nd|rd|th)?\b"),
        ("<YEAR>", r"\d{4}\b"),
        ("<DAY>", DAYS),
        // A full name, or a short one with its dot.
        (
            "<MONTH>",
            &format!(r"(?:{MONTHS})\b|(?:{MONTHS_SHORT})\b\.?"),
        ),
        ("<MONTHFULL>", &format!(r"(?:{MONTHS})\b")),
        ("<MONTHEN>", &format!(r"(?:{MONTHS_EN})\b\.?")),
        ("<TOD>", &format!(r"(?:{TIME_OF_DAY})\b")),
        ("<BEFORE>", &format!(r"(?i:{BEFORE})")),
        ("<AND>", &format!(r"(?i:{AND})")),
        ("<COUNT>", &format!(r"(?i:\d{{1,3}}|{COUNTS})")),
    ]
    .iter()
    .fold(pattern.to_owned(), |p, (from, to)| p.replace(from, to))
}

/// The patterns, most specific first (the order breaks ties between matches
/// of the same length).
pub(super) static PATTERNS: LazyLock<Vec<(Kind, Regex)>> = LazyLock::new(|| {
    [
        // "Rabu (13/9/2023)", "hari Minggu malam (10/9)", "Senin (17/6) malam"
        (
            Kind::Date,
            r"\b(?:[Hh]ari\s+)?(?P<day><DAY>)(?:\s+<TOD>)?\s*\((?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}))?\)<AFTER>",
        ),
        // "Kamis, 14 September 2023", "tanggal 1 Maret 2024", "13th of September", "13 Sep 2023 lalu"
        (
            Kind::Date,
            r"\b<DAYNAME>(?:[Tt]anggal\s+)?(?P<d><DAYNUM>)(?:\s+of)?\s+(?P<month><MONTH>)(?:,?\s+(?P<y><YEAR>))?<AFTER>",
        ),
        // "Wednesday, Sept. 13, 2023", "June 19, 2024", "September 13th"
        (
            Kind::Date,
            r"\b<DAYNAME>(?P<month><MONTHEN>)\s+(?P<d><DAYNUM>)(?:,?\s+(?P<y><YEAR>))?<AFTER>",
        ),
        // "18-19 Juni 2024", "1 hingga 3 Maret"
        (
            Kind::Range,
            r"\b(?P<d>\d{1,2})(?:\s*[-–]\s*|\s+(?:hingga|sampai|to)\s+)(?P<d2>\d{1,2})\s+(?P<month><MONTH>)(?:\s+(?P<y><YEAR>))?",
        ),
        // "28 Februari-1 Maret 2024"
        (
            Kind::Range,
            r"\b(?P<d>\d{1,2})\s+(?P<month><MONTH>)(?:\s*[-–]\s*|\s+(?:hingga|sampai|to)\s+)(?P<d2>\d{1,2})\s+(?P<month2><MONTH>)(?:\s+(?P<y><YEAR>))?",
        ),
        // "June 18-19, 2024"
        (
            Kind::Range,
            r"\b(?P<month><MONTHEN>)\s+(?P<d>\d{1,2})\s*[-–]\s*(?P<d2>\d{1,2})\b(?:,?\s+(?P<y><YEAR>))?",
        ),
        // "1950-1953"
        (
            Kind::YearRange,
            r"\b(?P<y>(?:19|20)\d{2})\s*[-–]\s*(?P<y2>(?:19|20)\d{2})\b",
        ),
        // "bulan Juli 2000", "September 2023 lalu", "Jan 2024"
        (
            Kind::Month,
            r"\b(?:[Bb]ulan\s+)?(?P<month><MONTH>)\s+(?P<y><YEAR>)(?:\s+lalu\b)?",
        ),
        // "Juli lalu", "September tahun lalu", "July last year"
        (
            Kind::MonthAlone,
            r"\b(?:[Bb]ulan\s+)?(?P<month><MONTHFULL>)\s+(?:(?P<dir>lalu|mendatang)\b|(?P<yrel>tahun\s+(?:lalu|ini|depan)|(?:last|this|next)\s+year)\b)",
        ),
        // "last July", "next March"
        (
            Kind::MonthAlone,
            r"\b(?P<dir>[Ll]ast|[Nn]ext)\s+(?P<month><MONTHFULL>)",
        ),
        // "13/9/2023", "31-12-2023" (and "9/13/2023", where the day cannot be a month)
        (
            Kind::Date,
            r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b",
        ),
        (
            Kind::Date,
            r"\b(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})\b",
        ),
        // "2023-09-13"
        (
            Kind::Date,
            r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b",
        ),
        // "tahun 1999", "tahun 2019 lalu"
        (Kind::Year, r"\b[Tt]ahun\s+(?P<y><YEAR>)(?:\s+lalu\b)?"),
        // "from 1950 to 1953", "antara 2010 dan 2020": both years
        (
            Kind::Year,
            r"\b(?i:from|between|dari|antara)\s+(?P<span>(?P<y>(?:19|20)\d{2}))\s+<AND>\s+(?:19|20)\d{2}\b",
        ),
        (
            Kind::Year,
            r"\b(?i:from|between|dari|antara)\s+(?:19|20)\d{2}\s+<AND>\s+(?P<span>(?P<y>(?:19|20)\d{2})\b)",
        ),
        // "pada 2022", "In 2024", "akhir 2023", "mid-2022", "pada 2022 lalu": the year alone
        (
            Kind::Year,
            r"(?:\b<BEFORE>\s+|\b(?i:mid)-\s*)(?P<span>(?P<y>(?:19|20)\d{2})\b(?:\s+lalu\b)?)",
        ),
        // "pada Juli", "in May", "awal Januari": the month alone
        (
            Kind::MonthAlone,
            r"\b<BEFORE>\s+(?P<span>(?P<month><MONTHFULL>))",
        ),
        // "pada Mei dan Agustus": the second month
        (
            Kind::MonthAlone,
            r"\b<BEFORE>\s+(?:<MONTHFULL>)\s+<AND>\s+(?P<span>(?P<month><MONTHFULL>))",
        ),
        // "dua hari lalu", "setahun yang lalu", "24 years ago"
        (
            Kind::Ago,
            r"\b(?P<n><COUNT>)\s+(?P<unit>hari|pekan|minggu|bulan|tahun)\s+(?:yang\s+)?lalu\b",
        ),
        (
            Kind::Ago,
            r"\b(?P<n>[Ss]e)(?P<unit>hari|pekan|minggu|bulan|tahun)\s+(?:yang\s+)?lalu\b",
        ),
        (
            Kind::Ago,
            r"\b(?P<n><COUNT>)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
        ),
        // "hari ini", "kemarin sore", "Yesterday"
        (
            Kind::DayWord,
            r"\b(?P<word>[Hh]ari\s+ini|[Kk]emarin|[Bb]esok|[Ll]usa|[Tt]oday|[Yy]esterday|[Tt]omorrow)\b(?:\s+<TOD>)?",
        ),
        // "bulan ini", "Pekan lalu", "tahun depan" ("minggu" lowercase: "Minggu" is Sunday)
        (
            Kind::Period,
            r"\b(?P<unit>[Pp]ekan|minggu|[Bb]ulan|[Tt]ahun)\s+(?P<dir>ini|lalu|depan)\b",
        ),
        // "this month", "Last year", "next week"
        (
            Kind::Period,
            r"\b(?P<dir>[Tt]his|[Ll]ast|[Nn]ext)\s+(?P<unit>week|month|year)\b",
        ),
        // "hari Kamis", "Selasa pagi", "Jumat lalu", "Senin mendatang", "last Tuesday", "Tuesday night"
        (
            Kind::Weekday,
            r"\b(?:(?P<pre>[Ll]ast|[Nn]ext)\s+)?(?:[Hh]ari\s+)?(?P<day><DAY>)\b(?:\s+<TOD>)?(?:\s+(?P<dir>lalu|mendatang|depan)\b)?",
        ),
    ]
    .into_iter()
    .map(|(kind, pattern)| {
        let pattern = expand(pattern);
        let regex = Regex::new(&pattern)
            .unwrap_or_else(|e| panic!("the date pattern {pattern} compiles: {e}"));
        (kind, regex)
    })
    .collect()
});

/// Words right before a match that make it part of a name or a number:
/// "Universitas 17 Agustus 1945", "UU Nomor 7 Tahun 2017".
pub(super) static PART_OF_A_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\b(?:Universitas|University|Jalan|Jl|Jln|Stadion|Gelora|Gedung|Lapangan|Tugu|Monumen|Taman|Kampus|Simpang|Gang)\.?|\b(?i:nomor|nomer|no)\.?\s*\d+)\s+$",
    )
    .expect("the name pattern compiles")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert!(PATTERNS.len() > 20);
        assert!(PART_OF_A_NAME.is_match("UU Nomor 7 "));
    }
}
