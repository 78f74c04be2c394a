//! Evaluation of suggestions against an annotator's spans: precision and
//! recall, exact (same range), with the same value (same range and the same
//! normalized value, none matching none) and overlapping (sharing a
//! character).

use super::Suggestion;
use crate::model::Span;

/// Precision and recall of suggestions against an annotator's spans.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub suggested: usize,
    pub annotated: usize,
    pub exact_suggestions: usize,
    pub exact_spans: usize,
    /// Suggestions with a span of the same range and the same value.
    pub valued_suggestions: usize,
    /// Spans with a suggestion of the same range and the same value.
    pub valued_spans: usize,
    pub overlap_suggestions: usize,
    pub overlap_spans: usize,
}

/// The counts of more documents.
impl std::ops::AddAssign for Evaluation {
    fn add_assign(&mut self, other: Evaluation) {
        self.suggested += other.suggested;
        self.annotated += other.annotated;
        self.exact_suggestions += other.exact_suggestions;
        self.exact_spans += other.exact_spans;
        self.overlap_suggestions += other.overlap_suggestions;
        self.overlap_spans += other.overlap_spans;
    }
}

impl Evaluation {
    /// Adds one document's suggestions and the annotator's spans of `label`.
    pub fn add(&mut self, suggestions: &[Suggestion], spans: &[Span], label: &str) {
        let spans: Vec<&Span> = spans.iter().filter(|s| s.label == label).collect();
        let suggestions: Vec<&Suggestion> =
            suggestions.iter().filter(|s| s.label == label).collect();
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        let same_value = |s: &Span, g: &Suggestion| {
            s.start == g.start && s.end == g.end && s.value == g.value.as_deref().unwrap_or("")
        };
        self.suggested += suggestions.len();
        self.annotated += spans.len();
        self.exact_suggestions += suggestions
            .iter()
            .filter(|g| spans.iter().any(|s| s.start == g.start && s.end == g.end))
            .count();
        self.exact_spans += spans
            .iter()
            .filter(|s| {
                suggestions
                    .iter()
                    .any(|g| s.start == g.start && s.end == g.end)
            })
            .count();
        self.valued_suggestions += suggestions
            .iter()
            .filter(|g| spans.iter().any(|s| same_value(s, g)))
            .count();
        self.valued_spans += spans
            .iter()
            .filter(|s| suggestions.iter().any(|g| same_value(s, g)))
            .count();
        self.overlap_suggestions += suggestions
            .iter()
            .filter(|g| {
                spans
                    .iter()
                    .any(|s| overlaps((s.start, s.end), (g.start, g.end)))
            })
            .count();
        self.overlap_spans += spans
            .iter()
            .filter(|s| {
                suggestions
                    .iter()
                    .any(|g| overlaps((s.start, s.end), (g.start, g.end)))
            })
            .count();
    }

    fn ratio(part: usize, whole: usize) -> String {
        if whole == 0 {
            "n/a".into()
        } else {
            format!("{:.3}", part as f64 / whole as f64)
        }
    }

    /// Four lines: the counts, then exact, same-value and overlapping
    /// precision and recall.
    pub fn describe(&self) -> String {
        format!(
            "{} suggested, {} annotated\nexact:       precision {} recall {}\nsame value:  precision {} recall {}\noverlapping: precision {} recall {}",
            self.suggested,
            self.annotated,
            Self::ratio(self.exact_suggestions, self.suggested),
            Self::ratio(self.exact_spans, self.annotated),
            Self::ratio(self.valued_suggestions, self.suggested),
            Self::ratio(self.valued_spans, self.annotated),
            Self::ratio(self.overlap_suggestions, self.suggested),
            Self::ratio(self.overlap_spans, self.annotated),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup;

    #[test]
    fn evaluation_counts_exact_and_overlapping_matches() {
        let (_, spans) =
            markup::parse("[hari Rabu|date] dan [2022|date] dan [Juli lalu|date]").unwrap();
        let suggestions = vec![
            Suggestion {
                start: 5,
                end: 9,
                label: "date".into(),
                value: None,
            },
            Suggestion {
                start: 14,
                end: 18,
                label: "date".into(),
                value: None,
            },
        ];
        let mut evaluation = Evaluation::default();
        evaluation.add(&suggestions, &spans, "date");
        assert_eq!(
            (evaluation.exact_suggestions, evaluation.exact_spans),
            (1, 1)
        );
        assert_eq!(
            (evaluation.overlap_suggestions, evaluation.overlap_spans),
            (2, 2)
        );
        assert!(
            evaluation
                .describe()
                .contains("exact:       precision 0.500 recall 0.333"),
            "{}",
            evaluation.describe()
        );
    }

    #[test]
    fn a_same_value_match_needs_the_same_range_and_value() {
        let (_, mut spans) = markup::parse("[Rabu|date] dan [2022|date] dan [Juli|date]").unwrap();
        spans[0].value = "2023-09-13".into();
        spans[1].value = "2022".into();
        let suggestion = |start, end, value: Option<&str>| Suggestion {
            start,
            end,
            label: "date".into(),
            value: value.map(str::to_owned),
        };
        let suggestions = vec![
            suggestion(0, 4, Some("2023-09-12")),
            suggestion(9, 13, Some("2022")),
            suggestion(18, 22, None),
        ];
        let mut evaluation = Evaluation::default();
        evaluation.add(&suggestions, &spans, "date");
        assert_eq!(
            (evaluation.exact_suggestions, evaluation.exact_spans),
            (3, 3)
        );
        assert_eq!(
            (evaluation.valued_suggestions, evaluation.valued_spans),
            (2, 2),
            "a wrong value is no match; no value matches none"
        );
        assert!(
            evaluation
                .describe()
                .contains("same value:  precision 0.667 recall 0.667"),
            "{}",
            evaluation.describe()
        );
    }
}
