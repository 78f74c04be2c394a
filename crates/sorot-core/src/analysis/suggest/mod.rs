//! Suggestions: spans Sorot proposes for the annotator to accept or reject.
//!
//! Terms:
//! - **suggestion**: a range, a label and, for dates, a normalized value. It is
//!   not an annotation until accepted.
//! - **date suggestions** ([`dates`](dates())): what [`crate::analysis::dates`]
//!   recognizes, labeled `date`.
//! - **string suggestions** ([`strings`](strings())): every other whole-word
//!   occurrence of a text the annotator has already labeled anywhere in the
//!   project, or the project's gazetteer lists, with that label ("label all
//!   identical mentions").
//! - **lexicon**: the texts string suggestions look for, each with its label.
//! - **gazetteer**: the project's list of known names, `gazetteer.tsv`.
//! - **decided**: a suggestion the annotator's set already holds as a span or
//!   has rejected; it is not proposed again for that document.
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

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::Annotations;

pub use dates::{date_value, dates, value_among};
pub use evaluation::Evaluation;
pub use gazetteer::{
    GAZETTEER, GazetteerError, GazetteerImport, LineError, LineProblem, import_gazetteer,
    read_gazetteer,
};
pub use mentions::{Mention, Snapshot, mentions_in, project_mentions};
pub use names::{names_in, names_on_disk, rank_names};
pub use project::{ProjectSuggestions, SuggestError, SuggestKind, suggest_project};
pub use strings::{LexiconError, lexicon, project_lexicon, strings};

/// A proposed span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Suggestion {
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Drops the suggestions that `annotations` already holds as spans of the
/// same label or has rejected.
pub fn drop_decided(items: &mut Vec<Suggestion>, annotations: &Annotations) {
    let decided = decided(annotations);
    items.retain(|s| !decided.contains(&(s.start, s.end, s.label.as_str())));
}

/// What `annotations` has decided: its spans and its rejected suggestions,
/// as (start, end, label).
pub fn decided(annotations: &Annotations) -> BTreeSet<(usize, usize, &str)> {
    annotations
        .spans()
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str()))
        .chain(
            annotations
                .rejected()
                .map(|r| (r.start, r.end, r.label.as_str())),
        )
        .collect()
}
