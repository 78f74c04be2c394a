//! Suggestions: spans Sorot proposes for the annotator to accept or reject.
//!
//! Terms:
//! - **suggestion**: a range, a label and, for dates, a normalized value. It is
//!   not an annotation until accepted.
//! - **date suggestions**: what [`crate::dates`] recognizes, labeled `date`.
//! - **string suggestions**: every other whole-word occurrence of a text the
//!   annotator has already labeled anywhere in the project, with that label
//!   ("label all identical mentions").
//! - **evaluation**: suggestions compared with an annotator's spans of the same
//!   label: precision = suggestions that match / suggestions, recall = spans
//!   matched / spans; exact (same range) and overlapping (sharing a character).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Span;
use crate::text::SourceText;

/// A proposed span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Suggestion {
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Date suggestions for a text.
pub fn dates(text: &SourceText) -> Vec<Suggestion> {
    crate::dates::recognize(text.as_str())
        .into_iter()
        .map(|m| Suggestion {
            start: m.start,
            end: m.end,
            label: "date".into(),
            value: m.value,
        })
        .collect()
}

/// The texts an annotator has labeled, with their labels (a text labeled two
/// ways is proposed with the label used most, ties by name).
pub fn lexicon<'a>(spans: impl Iterator<Item = &'a Span>) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for span in spans {
        if span.text.trim().is_empty() {
            continue;
        }
        *counts
            .entry(span.text.clone())
            .or_default()
            .entry(span.label.clone())
            .or_default() += 1;
    }
    counts
        .into_iter()
        .filter_map(|(text, labels)| {
            let best = labels
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?
                .0
                .clone();
            Some((text, best))
        })
        .collect()
}

/// The file at a project's root that lists known names: `text<TAB>label` a line.
pub const GAZETTEER: &str = "gazetteer.tsv";

/// Reads a gazetteer: one `text<TAB>label` a line; blank lines and lines
/// starting with `#` are skipped. An error names the line.
pub fn read_gazetteer(content: &str) -> Result<BTreeMap<String, String>, (usize, String)> {
    let mut entries = BTreeMap::new();
    for (n, line) in content.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('\t') {
            Some((text, label)) if !text.trim().is_empty() && !label.trim().is_empty() => {
                entries.insert(text.trim().to_owned(), label.trim().to_owned());
            }
            _ => return Err((n + 1, "expected a text, a tab and a label".to_owned())),
        }
    }
    Ok(entries)
}

/// The lexicon of an annotator across a project: their labeled texts, and the
/// project's gazetteer (whose entries give way to the annotator's own).
pub fn project_lexicon(
    project: &crate::project::Project,
    annotator: &str,
) -> Result<BTreeMap<String, String>, String> {
    let mut spans = Vec::new();
    for doc in project.docs() {
        let path = project.annotation_path(annotator, &doc.id);
        if path.is_file()
            && let Ok((file, _)) = crate::storage::AnnotationFile::read(&path)
        {
            spans.extend(file.spans);
        }
    }
    let mut lexicon = BTreeMap::new();
    let gazetteer = project.root().join(GAZETTEER);
    if gazetteer.is_file() {
        let content = std::fs::read_to_string(&gazetteer)
            .map_err(|err| format!("{}: {err}", gazetteer.display()))?;
        lexicon = read_gazetteer(&content)
            .map_err(|(line, message)| format!("{}:{line}: {message}", gazetteer.display()))?;
    }
    lexicon.extend(self::lexicon(spans.iter()));
    Ok(lexicon)
}

/// Whole-word occurrences of the lexicon's texts in `text` that `existing`
/// does not already hold with that label.
pub fn strings(
    text: &SourceText,
    lexicon: &BTreeMap<String, String>,
    existing: &[Span],
) -> Vec<Suggestion> {
    let held: BTreeSet<(usize, usize, &str)> = existing
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str()))
        .collect();
    let content = text.as_str();
    let is_word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let mut found = BTreeSet::new();
    for (needle, label) in lexicon {
        for (byte, _) in content.match_indices(needle.as_str()) {
            let before = content[..byte].chars().next_back();
            let after = content[byte + needle.len()..].chars().next();
            if is_word_char(before) || is_word_char(after) {
                continue;
            }
            let start = text.offset_of_byte(byte);
            let end = start + needle.chars().count();
            if !held.contains(&(start, end, label.as_str())) {
                found.insert(Suggestion {
                    start,
                    end,
                    label: label.clone(),
                    value: None,
                });
            }
        }
    }
    found.into_iter().collect()
}

/// Precision and recall of suggestions against an annotator's spans.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub suggested: usize,
    pub annotated: usize,
    pub exact_suggestions: usize,
    pub exact_spans: usize,
    pub overlap_suggestions: usize,
    pub overlap_spans: usize,
}

impl Evaluation {
    /// Adds one document's suggestions and the annotator's spans of `label`.
    pub fn add(&mut self, suggestions: &[Suggestion], spans: &[Span], label: &str) {
        let spans: Vec<&Span> = spans.iter().filter(|s| s.label == label).collect();
        let suggestions: Vec<&Suggestion> =
            suggestions.iter().filter(|s| s.label == label).collect();
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
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

    /// Two lines: exact and overlapping precision and recall.
    pub fn describe(&self) -> String {
        format!(
            "{} suggested, {} annotated\nexact:       precision {} recall {}\noverlapping: precision {} recall {}",
            self.suggested,
            self.annotated,
            Self::ratio(self.exact_suggestions, self.suggested),
            Self::ratio(self.exact_spans, self.annotated),
            Self::ratio(self.overlap_suggestions, self.suggested),
            Self::ratio(self.overlap_spans, self.annotated),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup;

    #[test]
    fn string_suggestions_label_other_whole_word_mentions() {
        let (_, spans) = markup::parse("[Kim|actor] bertemu [Putin|actor].").unwrap();
        let lexicon = lexicon(spans.iter());
        let text = SourceText::new("Kim dan Putin. Kimchi bukan Kim; Putin lagi.".into()).unwrap();
        let (_, existing) =
            markup::parse("[Kim|actor] dan Putin. Kimchi bukan Kim; Putin lagi.").unwrap();
        let found: Vec<(usize, usize, String)> = strings(&text, &lexicon, &existing)
            .into_iter()
            .map(|s| (s.start, s.end, s.label))
            .collect();
        assert_eq!(
            found,
            vec![
                (8, 13, "actor".into()),
                (28, 31, "actor".into()),
                (33, 38, "actor".into())
            ]
        );
    }

    #[test]
    fn gazetteers_are_text_tab_label_lines() {
        let entries =
            read_gazetteer("# names\nKim Jong Un\tactor\r\n\nPyongyang\tlocation\n").unwrap();
        assert_eq!(
            entries.get("Kim Jong Un").map(String::as_str),
            Some("actor")
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(
            read_gazetteer("Kim actor\n"),
            Err((1, "expected a text, a tab and a label".into()))
        );
    }

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
}
