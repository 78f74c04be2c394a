//! Token tags: what CoNLL and Hugging Face exports write for each token.
//!
//! Terms:
//! - **tag column**: one layer's tags over the document's tokens, IOB2:
//!   `B-label` on a span's first token, `I-label` on the others, `O` outside.
//!   As numbers (Hugging Face's values): 0 for O, 1 + 2k for B of the
//!   column's label k, 2 + 2k for I.
//! - **carried**: a span whose edges fall on token edges and no other span of
//!   its layer covers any of its tokens; any other span is a loss.
//! - **row**: a run of tokens written together: a sentence, or several when
//!   an exported span goes on past a sentence boundary, so that no entity is
//!   cut in two.
//!
//! Tokens and sentences come from [`crate::formats::tokenize`].

use std::ops::Range;

use super::pipeline::Item;
use crate::formats::Loss;
use crate::formats::tokenize::{self, Token};

/// One layer's tags over a document's tokens.
pub(super) type Tags = Vec<u16>;

/// Tags tokens for the given layers.
pub(super) struct Tagger {
    columns: Vec<Vec<String>>,
}

/// One document tagged.
pub(super) struct Tagging {
    pub tokens: Vec<Token>,
    /// One per layer, each as long as `tokens`.
    pub columns: Vec<Tags>,
    /// The rows, as ranges of `tokens`.
    pub rows: Vec<Range<usize>>,
    /// How many spans the columns carry.
    pub carried: usize,
}

impl Tagger {
    pub fn new(columns: Vec<Vec<String>>) -> Self {
        Tagger { columns }
    }

    /// The labels of each layer.
    pub fn columns(&self) -> &[Vec<String>] {
        &self.columns
    }

    /// Tags the item's tokens, adding a loss for each span not carried.
    pub fn tag(&self, item: &Item<'_>, losses: &mut Vec<Loss>) -> Tagging {
        let tokenized = tokenize::tokenize(item.text);
        let tokens = &tokenized.tokens;
        // Whether a sentence ends after sentence i (false when a span goes on).
        let mut ends = vec![true; tokenized.sentence_ends.len()];
        let mut columns: Vec<Tags> = vec![vec![0; tokens.len()]; self.columns.len()];
        let mut carried = 0;
        for span in &item.spans {
            let Some(c) = self
                .columns
                .iter()
                .position(|col| col.contains(&span.label))
            else {
                continue;
            };
            let label_index = self.columns[c]
                .iter()
                .position(|l| *l == span.label)
                .unwrap_or(0) as u16;
            let first = tokens.partition_point(|t| t.end() <= span.start);
            let end = tokens.partition_point(|t| t.start() < span.end);
            let loss = |reason: String| Loss {
                file: item.file.clone(),
                span: Some(span.id),
                reason,
            };
            if first >= end {
                losses.push(loss(format!(
                    "{} {} covers no token",
                    span.label,
                    quote(&span.text)
                )));
                continue;
            }
            if tokens[first].start() != span.start || tokens[end - 1].end() != span.end {
                let inside = if tokens[first].start() != span.start {
                    tokens[first]
                } else {
                    tokens[end - 1]
                };
                losses.push(loss(format!(
                    "{} {} [{}, {}) has an edge inside the token {} [{}, {}); tokens follow Unicode word boundaries",
                    span.label,
                    quote(&span.text),
                    span.start,
                    span.end,
                    quote(inside.text(item.text)),
                    inside.start(),
                    inside.end()
                )));
                continue;
            }
            if let Some(taken) = columns[c][first..end].iter().position(|t| *t != 0) {
                let token = tokens[first + taken];
                losses.push(loss(format!(
                    "{} {} overlaps another span in its tag column ({}) at the token {}; put these labels in different --layers",
                    span.label,
                    quote(&span.text),
                    self.columns[c].join(","),
                    quote(token.text(item.text))
                )));
                continue;
            }
            columns[c][first] = 1 + 2 * label_index;
            for tag in &mut columns[c][first + 1..end] {
                *tag = 2 + 2 * label_index;
            }
            for flag in &mut ends[tokenized.sentence_of(first)..tokenized.sentence_of(end - 1)] {
                *flag = false;
            }
            carried += 1;
        }
        // Rows: runs of tokens between the sentence ends that remain.
        let mut rows: Vec<Range<usize>> = Vec::new();
        let mut start = 0;
        for (&end, &kept) in tokenized.sentence_ends.iter().zip(&ends) {
            if kept {
                rows.push(start..end);
                start = end;
            }
        }
        if start < tokens.len() {
            rows.push(start..tokens.len());
        }
        Tagging {
            tokens: tokenized.tokens,
            columns,
            rows,
            carried,
        }
    }
}

/// Tag names of a column, index = Hugging Face value: O, then B- and I- of each label.
pub(super) fn tag_names(column: &[String]) -> Vec<String> {
    let mut names = vec!["O".to_owned()];
    for label in column {
        names.push(format!("B-{label}"));
        names.push(format!("I-{label}"));
    }
    names
}

/// The text of a span for reports: short, on one line.
fn quote(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if flat.chars().count() > 40 {
        format!(
            "{:?}",
            format!("{}…", flat.chars().take(39).collect::<String>())
        )
    } else {
        format!("{flat:?}")
    }
}
