//! Suggestions: spans Sorot proposes for the annotator to accept or reject.
//!
//! Terms:
//! - **suggestion**: a range, a label and, for dates, a normalized value. It is
//!   not an annotation until accepted.
//! - **date suggestions** ([`dates`](dates())): what [`crate::analysis::dates`]
//!   recognizes, labeled `date`.
//! - **string suggestions** ([`StringMatcher`]): every other whole-word
//!   occurrence of a text the annotator has already labeled anywhere in the
//!   project, or the project's gazetteer lists, with that label ("label all
//!   identical mentions"); where two of one label overlap, the leftmost and
//!   then the longest.
//! - **lexicon**: the texts string suggestions look for, each with its label.
//! - **gazetteer**: the project's list of known names, `gazetteer.tsv`.
//! - **decided**: a suggestion the annotator's set has rejected, or that
//!   shares a character with one of its spans of the same label (the same
//!   span, or one around or across it); it is not proposed for that document
//!   ([`Decided`]).
//! - **mention**: an occurrence of a span's text in any document of the
//!   project, with a line of context, as "label all identical mentions" lists it.
//! - **names in use**: for a label (an actor's canonical name), the values the
//!   spans of that label carry, or their texts where they carry none, counted
//!   over every annotation file of the project.
//! - **evaluation**: suggestions compared with an annotator's spans of the same
//!   label: precision = suggestions that match / suggestions, recall = spans
//!   matched / spans; exact (same range) and overlapping (sharing a character).
//!
//! Each concept has its module; [`suggest_project`] runs suggestions (and
//! their evaluation) over a whole project.

mod dates;
mod evaluation;
mod gazetteer;
mod mentions;
mod names;
mod project;
mod strings;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Annotations;

pub use dates::{date_value, dates, value_among};
pub use evaluation::Evaluation;
pub use gazetteer::{
    GAZETTEER, GazetteerError, GazetteerImport, LineError, LineProblem, import_gazetteer,
    read_gazetteer,
};
pub use mentions::{Mention, Snapshot, mention_matcher, mentions_in, project_mentions};
pub use names::{names_in, names_on_disk, rank_names};
pub use project::{ProjectSuggestions, SuggestError, SuggestKind, suggest_project};
pub use strings::{LexiconError, StringMatcher, lexicon, project_lexicon};

/// A proposed span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Suggestion {
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Drops the suggestions that `annotations` rules out (see [`Decided`]).
pub fn drop_decided(items: &mut Vec<Suggestion>, annotations: &Annotations) {
    let decided = Decided::new(annotations);
    items.retain(|s| !decided.rules_out(s.start, s.end, &s.label));
}

/// What an annotator's set has decided, as suggestions see it: a suggestion
/// is not offered where the set has rejected it (same range and label), nor
/// where it would share a character with a span of the same label, so that
/// accepting it can never make a duplicate or a same-label overlap ("Putin"
/// is not offered inside a "Vladimir Putin" already labeled `actor`; it is
/// inside a `claim`).
#[derive(Debug, Default)]
pub struct Decided<'a> {
    rejected: BTreeSet<(usize, usize, &'a str)>,
    /// For each label, its spans of at least one character as (start, the
    /// furthest end of the spans up to this one), by start.
    spans: BTreeMap<&'a str, Vec<(usize, usize)>>,
}

impl<'a> Decided<'a> {
    pub fn new(annotations: &'a Annotations) -> Self {
        let mut spans: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
        // The set's spans are sorted by start already.
        for span in annotations.spans().iter().filter(|s| s.start < s.end) {
            let of_label = spans.entry(span.label.as_str()).or_default();
            let furthest = of_label.last().map_or(0, |&(_, end)| end).max(span.end);
            of_label.push((span.start, furthest));
        }
        let rejected = annotations
            .rejected()
            .map(|r| (r.start, r.end, r.label.as_str()))
            .collect();
        Self { rejected, spans }
    }

    /// Whether a suggestion of `label` over `[start, end)` is ruled out: it
    /// was rejected, or it shares a character with a span of `label`.
    pub fn rules_out(&self, start: usize, end: usize, label: &str) -> bool {
        if self.rejected.contains(&(start, end, label)) {
            return true;
        }
        let Some(spans) = self.spans.get(label) else {
            return false;
        };
        // Of the spans that start before `end`, one reaches past `start`.
        let before_end = spans.partition_point(|&(s, _)| s < end);
        before_end > 0 && spans[before_end - 1].1 > start
    }
}
