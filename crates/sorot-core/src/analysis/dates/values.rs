//! The normalized value of a match, from its groups and the dateline.
//!
//! Terms:
//! - **direction**: where a day, weekday or month without a year lies from
//!   the dateline: the latest one before it ("Jumat lalu", "last July"), the
//!   first one after it ("Senin mendatang", "next Monday"), or the one
//!   nearest to it (a weekday within three days either way, a day or a
//!   month within half a year).
//! - **period**: a day, an ISO week, a month or a year, counted from the
//!   dateline's ("kemarin" is the day before, "pekan lalu" the week before).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::patterns::Kind;

/// The groups of one match, by name.
pub(super) struct Groups(pub(super) Vec<(&'static str, String)>);

impl Groups {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Option<u32> {
        self.get(name)?.parse().ok()
    }

    fn month(&self, name: &str) -> Option<u32> {
        self.get(name).and_then(month_number)
    }

    /// The direction the `dir` group (or `pre`) gives.
    fn direction(&self) -> Direction {
        match self
            .get("dir")
            .or(self.get("pre"))
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("lalu" | "last") => Direction::Before,
            Some("mendatang" | "depan" | "next") => Direction::After,
            _ => Direction::Nearest,
        }
    }

    /// A complete date the match states by itself, for the dateline.
    pub(super) fn full_date(&self, kind: Kind) -> Option<NaiveDate> {
        if !matches!(kind, Kind::Date | Kind::Range) {
            return None;
        }
        let (month, day) = self.month_and_day()?;
        NaiveDate::from_ymd_opt(self.number("y")? as i32, month, day)
    }

    /// The month and day of a date: "13/9" is 13 September, and so is
    /// "9/13", where 13 cannot be a month.
    fn month_and_day(&self) -> Option<(u32, u32)> {
        let day = self
            .get("d")?
            .trim_end_matches(char::is_alphabetic)
            .parse()
            .ok()?;
        match (self.number("m"), self.month("month")) {
            (Some(m), _) if m > 12 && (1..=12).contains(&day) => Some((day, m)),
            (Some(m), _) => Some((m, day)),
            (None, month) => Some((month?, day)),
        }
    }

    /// The value, given the dateline; `Err` when the match is no date at all
    /// (a day the calendar lacks, a year out of range).
    pub(super) fn value(
        &self,
        kind: Kind,
        dateline: Option<NaiveDate>,
    ) -> Result<Option<String>, ()> {
        let year = self.number("y").map(|y| y as i32);
        match kind {
            Kind::Date => {
                let (month, day) = self.month_and_day().ok_or(())?;
                day_value(year, month, day, self.direction(), dateline)
            }
            Kind::Range => {
                let month = self.month("month").ok_or(())?;
                let month2 = self.month("month2").unwrap_or(month);
                let (d1, d2) = (self.number("d").ok_or(())?, self.number("d2").ok_or(())?);
                if (month2, d2) <= (month, d1) && month2 >= month {
                    return Err(());
                }
                // The year, if given, is the last day's.
                let first_year = year.map(|y| if month2 < month { y - 1 } else { y });
                let Some(first) = day_value(first_year, month, d1, Direction::Nearest, dateline)?
                else {
                    return Ok(None);
                };
                let start = NaiveDate::parse_from_str(&first, "%Y-%m-%d").map_err(|_| ())?;
                let end_year = if month2 < month {
                    start.year() + 1
                } else {
                    start.year()
                };
                let end = NaiveDate::from_ymd_opt(end_year, month2, d2).ok_or(())?;
                Ok(Some(format!("{first}/{}", iso(end))))
            }
            Kind::YearRange => {
                let (y1, y2) = (year.ok_or(())?, self.number("y2").ok_or(())? as i32);
                if y2 <= y1 || y2 - y1 > 100 {
                    return Err(());
                }
                Ok(Some(format!("{y1:04}/{y2:04}")))
            }
            Kind::Month => Ok(Some(format!(
                "{:04}-{:02}",
                year.ok_or(())?,
                self.month("month").ok_or(())?
            ))),
            Kind::MonthAlone => {
                let month = self.month("month").ok_or(())?;
                let Some(dateline) = dateline else {
                    return Ok(None);
                };
                let year = match self.get("yrel") {
                    // "tahun lalu", "last year", "tahun depan", "this year"...
                    Some(words) => {
                        let has = |w: &[&str]| words.split_whitespace().any(|x| w.contains(&x));
                        if has(&["lalu", "last"]) {
                            dateline.year() - 1
                        } else if has(&["depan", "next"]) {
                            dateline.year() + 1
                        } else {
                            dateline.year()
                        }
                    }
                    None => month_year(dateline, month, self.direction()),
                };
                Ok(Some(format!("{year:04}-{month:02}")))
            }
            Kind::Year => {
                let year = year.ok_or(())?;
                if !(1900..=2099).contains(&year) {
                    return Err(());
                }
                Ok(Some(format!("{year:04}")))
            }
            Kind::Weekday => {
                let day = weekday(self.get("day").ok_or(())?).ok_or(())?;
                let Some(dateline) = dateline else {
                    return Ok(None);
                };
                let offsets = match self.direction() {
                    Direction::Before => -7..=-1,
                    Direction::After => 1..=7,
                    Direction::Nearest => -3..=3,
                };
                Ok(offsets
                    .map(|offset| dateline + Duration::days(offset))
                    .find(|d| d.weekday() == day)
                    .map(iso))
            }
            Kind::DayWord => {
                let word = self.get("word").ok_or(())?.to_lowercase();
                let offset = match word.split_whitespace().next() {
                    Some("kemarin" | "yesterday") => -1,
                    Some("besok" | "tomorrow") => 1,
                    Some("lusa") => 2,
                    _ => 0,
                };
                Ok(dateline.map(|d| Period::Day.value(d, offset)))
            }
            Kind::Period => {
                let period = Period::named(self.get("unit").ok_or(())?).ok_or(())?;
                let offset = match self.direction() {
                    Direction::Before => -1,
                    Direction::After => 1,
                    Direction::Nearest => 0,
                };
                Ok(dateline.map(|d| period.value(d, offset)))
            }
            Kind::Ago => {
                let period = Period::named(self.get("unit").ok_or(())?).ok_or(())?;
                let count = count(self.get("n").ok_or(())?).ok_or(())?;
                Ok(dateline.map(|d| period.value(d, -count)))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Before,
    Nearest,
    After,
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A day's value: with its year, or placed by the dateline, or none.
fn day_value(
    year: Option<i32>,
    month: u32,
    day: u32,
    direction: Direction,
    dateline: Option<NaiveDate>,
) -> Result<Option<String>, ()> {
    if let Some(year) = year {
        return NaiveDate::from_ymd_opt(year, month, day)
            .map(|d| Some(iso(d)))
            .ok_or(());
    }
    // A day of some year (2000 was a leap year).
    NaiveDate::from_ymd_opt(2000, month, day).ok_or(())?;
    let Some(dateline) = dateline else {
        return Ok(None);
    };
    let candidates = (dateline.year() - 1..=dateline.year() + 1)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day));
    let placed = match direction {
        Direction::Before => candidates.filter(|d| *d < dateline).max(),
        Direction::After => candidates.filter(|d| *d > dateline).min(),
        Direction::Nearest => candidates.min_by_key(|d| (*d - dateline).num_days().abs()),
    };
    Ok(placed.map(iso))
}

/// The year of a month without one, placed by the dateline.
fn month_year(dateline: NaiveDate, month: u32, direction: Direction) -> i32 {
    let this = dateline.year();
    let (m, now) = (month as i32, dateline.month() as i32);
    match direction {
        Direction::Before if m < now => this,
        Direction::Before => this - 1,
        Direction::After if m > now => this,
        Direction::After => this + 1,
        // Within half a year, the earlier one on a tie.
        Direction::Nearest if m - now >= 6 => this - 1,
        Direction::Nearest if now - m > 6 => this + 1,
        Direction::Nearest => this,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Day,
    Week,
    Month,
    Year,
}

impl Period {
    fn named(unit: &str) -> Option<Self> {
        let unit = unit.to_lowercase();
        Some(match unit.trim_end_matches('s') {
            "hari" | "day" => Period::Day,
            "pekan" | "minggu" | "week" => Period::Week,
            "bulan" | "month" => Period::Month,
            "tahun" | "year" => Period::Year,
            _ => return None,
        })
    }

    /// The period `offset` periods from the dateline's.
    fn value(self, dateline: NaiveDate, offset: i64) -> String {
        match self {
            Period::Day => iso(dateline + Duration::days(offset)),
            Period::Week => {
                let week = (dateline + Duration::weeks(offset)).iso_week();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Period::Month => {
                let months = dateline.year() as i64 * 12 + dateline.month0() as i64 + offset;
                format!(
                    "{:04}-{:02}",
                    months.div_euclid(12),
                    months.rem_euclid(12) + 1
                )
            }
            Period::Year => format!("{:04}", dateline.year() as i64 + offset),
        }
    }
}

/// A count in digits or in a word ("dua", "four", "a", "se-").
fn count(word: &str) -> Option<i64> {
    if let Ok(n) = word.parse() {
        return Some(n);
    }
    let word = word.to_lowercase();
    let words = [
        ["se", "a"],
        ["dua", "two"],
        ["tiga", "three"],
        ["empat", "four"],
        ["lima", "five"],
        ["enam", "six"],
        ["tujuh", "seven"],
        ["delapan", "eight"],
        ["sembilan", "nine"],
        ["sepuluh", "ten"],
    ];
    match word.as_str() {
        "satu" | "one" | "an" => Some(1),
        w => words
            .iter()
            .position(|pair| pair.contains(&w))
            .map(|i| i as i64 + 1),
    }
}

/// A month's number from its name, full or short, Indonesian or English.
pub(super) fn month_number(name: &str) -> Option<u32> {
    let prefixes = [
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("mei", 5),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("agu", 8),
        ("agt", 8),
        ("ags", 8),
        ("aug", 8),
        ("sep", 9),
        ("okt", 10),
        ("oct", 10),
        ("nov", 11),
        ("des", 12),
        ("dec", 12),
    ];
    let lower = name.to_lowercase();
    prefixes
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map(|(_, n)| *n)
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
