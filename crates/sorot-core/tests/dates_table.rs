//! The date recognizer measured on `fixtures/dates.tsv`, a table of
//! Indonesian and English news sentences with their date expressions and
//! values (the file's header describes it), and on `fixtures/dates_fresh.tsv`.
//!
//! Terms:
//! - **tune part** and **test part**: the table's rows; every third row is
//!   in the test part. The recognizer is tuned on the tune part only.
//! - **fresh set**: `dates_fresh.tsv`, written after the recognizer was
//!   tuned, and never tuned on.
//! - **with the right value**: a suggestion matches a date expression of the
//!   table when it has the same range and the same normalized value (none
//!   matching none); **span only**: the same range, whatever the value.
//!
//! `cargo test -p sorot-core --test dates_table -- --nocapture` prints the
//! figures; with `SOROT_TUNE_MISSES=1` it also prints, for the tune part
//! only, each row where the recognizer and the table differ.

use chrono::NaiveDate;
use sorot_core::analysis::dates::recognize_at;
use sorot_core::analysis::suggest::{Evaluation, Suggestion};
use sorot_core::model::{Span, markup};

const TABLE: &str = include_str!("fixtures/dates.tsv");
const FRESH: &str = include_str!("fixtures/dates_fresh.tsv");

/// The figures the test part is held to, as reported in docs/GUIDE.md:
/// precision and recall with the right value, then span only.
const FLOORS: Figures = Figures {
    value_precision: 1.0,
    value_recall: 1.0,
    span_precision: 1.0,
    span_recall: 1.0,
};

/// The figures the fresh set is held to, likewise.
const FRESH_FLOORS: Figures = Figures {
    value_precision: 1.0,
    value_recall: 0.907,
    span_precision: 1.0,
    span_recall: 0.907,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Tune,
    Test,
    Fresh,
}

struct Row {
    /// The row's line in the file, counted from 1.
    line: usize,
    part: Part,
    language: String,
    dateline: Option<NaiveDate>,
    text: String,
    /// The date expressions, labeled `date`, each with its value.
    dates: Vec<Span>,
}

fn rows(table: &str) -> Vec<Row> {
    table
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(i, line)| {
            let line_no = i + 1;
            let columns: Vec<&str> = line.split('\t').collect();
            let [part, language, dateline, sentence] = columns[..] else {
                panic!("line {line_no}: four columns expected");
            };
            let dateline = match dateline {
                "-" => None,
                date => Some(
                    NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .unwrap_or_else(|e| panic!("line {line_no}: dateline {date}: {e}")),
                ),
            };
            let (text, mut dates) =
                markup::parse(sentence).unwrap_or_else(|e| panic!("line {line_no}: {e}"));
            for span in &mut dates {
                span.value = match span.label.as_str() {
                    "-" => String::new(),
                    value => value.to_owned(),
                };
                span.label = "date".into();
            }
            Row {
                line: line_no,
                part: match part {
                    "tune" => Part::Tune,
                    "test" => Part::Test,
                    "fresh" => Part::Fresh,
                    other => panic!("line {line_no}: part {other:?}"),
                },
                language: language.to_owned(),
                dateline,
                text,
                dates,
            }
        })
        .collect()
}

fn suggestions(row: &Row) -> Vec<Suggestion> {
    recognize_at(&row.text, row.dateline)
        .into_iter()
        .map(Suggestion::from)
        .collect()
}

fn measure<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for row in rows {
        evaluation.add(&suggestions(row), &row.dates, "date");
    }
    evaluation
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Figures {
    value_precision: f64,
    value_recall: f64,
    span_precision: f64,
    span_recall: f64,
}

impl Figures {
    fn of(e: &Evaluation) -> Self {
        let ratio = |part: usize, whole: usize| {
            if whole == 0 {
                1.0
            } else {
                part as f64 / whole as f64
            }
        };
        Figures {
            value_precision: ratio(e.valued_suggestions, e.suggested),
            value_recall: ratio(e.valued_spans, e.annotated),
            span_precision: ratio(e.exact_suggestions, e.suggested),
            span_recall: ratio(e.exact_spans, e.annotated),
        }
    }

    fn line(name: &str, e: &Evaluation) -> String {
        let f = Self::of(e);
        format!(
            "{name:<10} {:>4} {:>4} | {:.3} {:.3} | {:.3} {:.3}",
            e.annotated,
            e.suggested,
            f.value_precision,
            f.value_recall,
            f.span_precision,
            f.span_recall
        )
    }
}

#[test]
fn the_table_is_split_every_third_row_and_holds_enough_expressions() {
    let rows = rows(TABLE);
    for (i, row) in rows.iter().enumerate() {
        let test = (i + 1) % 3 == 0;
        assert_eq!(
            row.part,
            if test { Part::Test } else { Part::Tune },
            "line {}: every third row is test, and no other",
            row.line
        );
        assert!(
            ["id", "en"].contains(&row.language.as_str()),
            "line {}",
            row.line
        );
    }
    let expressions: usize = rows.iter().map(|r| r.dates.len()).sum();
    let without: usize = rows.iter().filter(|r| r.dates.is_empty()).count();
    assert!(expressions >= 150, "{expressions} date expressions");
    assert!(without >= 40, "{without} rows without a date");
}

#[test]
fn the_test_part_and_the_fresh_set_keep_their_precision_and_recall() {
    let rows: Vec<Row> = rows(TABLE).into_iter().chain(rows(FRESH)).collect();
    let part = |part: Part, language: Option<&str>| {
        measure(
            rows.iter()
                .filter(|r| r.part == part && language.is_none_or(|l| r.language == l)),
        )
    };
    println!("part       expr sugg | value: P     R     | span: P     R");
    for (name, evaluation) in [
        ("tune", part(Part::Tune, None)),
        ("test", part(Part::Test, None)),
        ("test id", part(Part::Test, Some("id"))),
        ("test en", part(Part::Test, Some("en"))),
        ("fresh", part(Part::Fresh, None)),
        ("fresh id", part(Part::Fresh, Some("id"))),
        ("fresh en", part(Part::Fresh, Some("en"))),
    ] {
        println!("{}", Figures::line(name, &evaluation));
    }
    if std::env::var_os("SOROT_TUNE_MISSES").is_some() {
        for row in rows.iter().filter(|r| r.part == Part::Tune) {
            let found: Vec<(String, Option<String>)> = recognize_at(&row.text, row.dateline)
                .into_iter()
                .map(|m| (m.text, m.value))
                .collect();
            let expected: Vec<(String, Option<String>)> = row
                .dates
                .iter()
                .map(|s| {
                    (
                        s.text.clone(),
                        (!s.value.is_empty()).then(|| s.value.clone()),
                    )
                })
                .collect();
            if found != expected {
                println!(
                    "line {}: {}\n  table: {expected:?}\n  found: {found:?}",
                    row.line, row.text
                );
            }
        }
    }
    for (part, floors) in [(Part::Test, FLOORS), (Part::Fresh, FRESH_FLOORS)] {
        let figures = Figures::of(&measure(rows.iter().filter(|r| r.part == part)));
        for (name, got, floor) in [
            (
                "precision with the right value",
                figures.value_precision,
                floors.value_precision,
            ),
            (
                "recall with the right value",
                figures.value_recall,
                floors.value_recall,
            ),
            (
                "span-only precision",
                figures.span_precision,
                floors.span_precision,
            ),
            ("span-only recall", figures.span_recall, floors.span_recall),
        ] {
            assert!(
                got + 1e-9 >= floor,
                "the {part:?} part's {name} fell to {got:.3}, below {floor:.3}"
            );
        }
    }
}
