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

use std::collections::BTreeMap;
use std::ops::Range;

use super::pipeline::Item;
use crate::formats::Loss;
use crate::formats::tokenize::{self, Token};
use crate::model::text::SourceText;

/// Texts up to this many bytes keep their tokens from tagging to writing;
/// longer ones are tokenized again, a sentence at a time, so that their
/// tokens are never all kept (they take about three times the text).
const KEEP_TOKENS_UP_TO: usize = 1 << 20;

/// One layer's tags over a row's tokens.
pub(super) type Tags = Vec<u16>;

/// Tags tokens for the given layers.
pub(super) struct Tagger {
    columns: Vec<Vec<String>>,
}

/// One document tagged: the spans each column carries, and where rows end.
/// The tokens are not kept: [`Tagging::rows`] makes them again, a sentence
/// at a time, so a long text costs memory for its spans, not its tokens.
pub struct Tagging {
    /// Per column, the carried spans as (first token, end token, tag of B),
    /// sorted and apart.
    spans: Vec<Vec<(usize, usize, u16)>>,
    /// Whether a row ends after sentence i (false when a span goes on).
    ends: Vec<bool>,
    /// The tokens and their texts' bytes, counted.
    pub counts: tokenize::Counts,
    /// The tokens of a short text, kept from tagging so that the rows need
    /// not make them again.
    kept: Option<tokenize::Tokenized>,
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
        let ranges: Vec<Range<usize>> = item.spans.iter().map(|s| s.start..s.end).collect();
        let keep = item.text.as_str().len() <= KEEP_TOKENS_UP_TO;
        let (placed, counts, kept) = tokenize::place_keeping(item.text, &ranges, keep);
        let mut ends = vec![true; counts.sentences];
        // Per column: the carried spans by first token, with their end
        // token, tag of B and first token.
        let mut carried_by: Vec<BTreeMap<usize, (usize, u16, Token)>> =
            vec![BTreeMap::new(); self.columns.len()];
        let mut carried = 0;
        for (span, place) in item.spans.iter().zip(&placed) {
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
            let (first, end) = (place.first, place.end);
            let loss = |reason: String| Loss {
                file: item.file.clone(),
                span: Some(span.id),
                reason,
            };
            let (Some(first_token), Some(last_token)) = (place.first_token, place.last_token)
            else {
                losses.push(loss(format!(
                    "{} {} covers no token",
                    span.label,
                    quote(&span.text)
                )));
                continue;
            };
            if first >= end {
                losses.push(loss(format!(
                    "{} {} covers no token",
                    span.label,
                    quote(&span.text)
                )));
                continue;
            }
            if first_token.start() != span.start || last_token.end() != span.end {
                let inside = if first_token.start() != span.start {
                    first_token
                } else {
                    last_token
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
            // The first token of the span that a carried span of its column
            // already covers, if any.
            let column = &carried_by[c];
            let taken = match column.range(..=first).next_back() {
                Some((_, (other_end, _, _))) if *other_end > first => Some(first_token),
                _ => column
                    .range(first + 1..end)
                    .next()
                    .map(|(_, (_, _, token))| *token),
            };
            if let Some(token) = taken {
                losses.push(loss(format!(
                    "{} {} overlaps another span in its tag column ({}) at the token {}; put these labels in different --layers",
                    span.label,
                    quote(&span.text),
                    self.columns[c].join(","),
                    quote(token.text(item.text))
                )));
                continue;
            }
            carried_by[c].insert(first, (end, 1 + 2 * label_index, first_token));
            for flag in &mut ends[place.first_sentence..place.last_sentence] {
                *flag = false;
            }
            carried += 1;
        }
        Tagging {
            spans: carried_by
                .into_iter()
                .map(|column| {
                    column
                        .into_iter()
                        .map(|(first, (end, tag, _))| (first, end, tag))
                        .collect()
                })
                .collect(),
            ends,
            counts,
            kept,
            carried,
        }
    }
}

impl Tagging {
    /// How many rows there are: one per run of sentences between the ends
    /// that remain.
    pub fn row_count(&self) -> usize {
        let kept = self.ends.iter().filter(|e| **e).count();
        kept + usize::from(self.ends.last() == Some(&false))
    }

    /// How many bytes the tags of column `c` take when written by `names`
    /// (tag names, index = tag), one per token.
    pub fn tag_bytes(&self, c: usize, names: &[String]) -> usize {
        let outside = self.counts.tokens * names[0].len();
        self.spans[c]
            .iter()
            .fold(outside, |total, &(first, end, b)| {
                let b = b as usize;
                total - (end - first) * names[0].len()
                    + names[b].len()
                    + (end - first - 1) * names[b + 1].len()
            })
    }

    /// Calls `row` with each row's tokens and each column's tags over them,
    /// in order: the rows of [`super::tagged`]'s terms, or with `whole`, one
    /// row of every token. The text is tokenized again, a sentence at a
    /// time; only one row's tokens are kept.
    pub fn rows<E>(
        &self,
        text: &SourceText,
        whole: bool,
        mut row: impl FnMut(&[Token], &[Tags]) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut tokens: Vec<Token> = Vec::new();
        let mut tags: Vec<Tags> = vec![Vec::new(); self.spans.len()];
        // Per column, the first carried span not yet passed.
        let mut next = vec![0; self.spans.len()];
        let mut g = 0;
        let mut sentence = 0;
        let mut emitted = false;
        let mut each_sentence = |sentence_tokens: &[Token]| {
            for token in sentence_tokens {
                tokens.push(*token);
                for (c, column) in self.spans.iter().enumerate() {
                    while column.get(next[c]).is_some_and(|&(_, end, _)| end <= g) {
                        next[c] += 1;
                    }
                    let tag = match column.get(next[c]) {
                        Some(&(first, _, b)) if first == g => b,
                        Some(&(first, _, b)) if first < g => b + 1,
                        _ => 0,
                    };
                    tags[c].push(tag);
                }
                g += 1;
            }
            let ends_row = self.ends.get(sentence).copied().unwrap_or(true);
            sentence += 1;
            if ends_row && !whole {
                row(&tokens, &tags)?;
                emitted = true;
                tokens.clear();
                tags.iter_mut().for_each(Vec::clear);
            }
            Ok(())
        };
        match &self.kept {
            Some(kept) => {
                for range in kept.sentences() {
                    each_sentence(&kept.tokens[range])?;
                }
            }
            None => tokenize::each_sentence(text, each_sentence)?,
        }
        if !tokens.is_empty() || (whole && !emitted) {
            row(&tokens, &tags)?;
        }
        Ok(())
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
