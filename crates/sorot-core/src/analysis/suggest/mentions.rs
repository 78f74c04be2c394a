//! Mentions: every occurrence of a span's text across the project that the
//! annotator has not decided yet, with its line around it, for "label all
//! identical mentions".

use std::collections::BTreeMap;
use std::ops::Range;

use rayon::prelude::*;

use super::{LexiconError, StringMatcher, dates, value_among};
use crate::error_chain;
use crate::model::Annotations;
use crate::model::text::SourceText;
use crate::project::Project;
use crate::project::document::{OpenDocument, OpenError};

/// An occurrence of a text in a document, with the text around it on its line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mention {
    pub doc_id: String,
    pub start: usize,
    pub end: usize,
    pub before: String,
    pub after: String,
    /// For a date, the normalized value of the date at this place (the same
    /// words may name another day in another article).
    pub date_value: Option<String>,
}

/// A document as the mentions search sees it: its text and annotations.
pub type Snapshot = (SourceText, Annotations);

/// Characters of context on each side of a mention.
const CONTEXT: usize = 40;

/// The matcher of one text with its label, for [`mentions_in`]; a text of
/// spaces alone has no mentions, as it has no place in a lexicon.
pub fn mention_matcher(needle: &str, label: &str) -> Result<StringMatcher, LexiconError> {
    let mut lexicon = BTreeMap::new();
    if !needle.trim().is_empty() {
        lexicon.insert(needle.to_owned(), label.to_owned());
    }
    StringMatcher::new(&lexicon)
}

/// The mentions in one document of the text `matcher` looks for (see
/// [`mention_matcher`]) that are not decided for its label.
pub fn mentions_in(
    doc_id: &str,
    text: &SourceText,
    annotations: &Annotations,
    matcher: &StringMatcher,
) -> Vec<Mention> {
    let found = matcher.find(text, annotations);
    let dates = if found.first().is_some_and(|s| s.label == "date") {
        dates(text)
    } else {
        Vec::new()
    };
    let line_part = |range: Range<usize>, keep_end: bool| {
        let part = text.slice(range);
        let part = if keep_end {
            part.rsplit(['\n', '\r']).next().unwrap_or(part)
        } else {
            part.split(['\n', '\r']).next().unwrap_or(part)
        };
        part.to_owned()
    };
    found
        .into_iter()
        .map(|s| Mention {
            doc_id: doc_id.to_owned(),
            start: s.start,
            end: s.end,
            before: line_part(s.start.saturating_sub(CONTEXT)..s.start, true),
            after: line_part(s.end..(s.end + CONTEXT).min(text.len_chars()), false),
            date_value: value_among(&dates, s.start..s.end),
        })
        .collect()
}

/// The mentions of `needle` across the project that `annotator` has not
/// decided for `label`, in document order. `open` holds, by document id, the
/// documents whose state in memory is newer than their files; the others are
/// read from disk. A document that cannot be read is named in the second
/// list, with why.
pub fn project_mentions(
    project: &Project,
    annotator: &str,
    open: &BTreeMap<String, Snapshot>,
    needle: &str,
    label: &str,
) -> (Vec<Mention>, Vec<String>) {
    let matcher = match mention_matcher(needle, label) {
        Ok(matcher) => matcher,
        Err(err) => return (Vec::new(), vec![error_chain(&err)]),
    };
    let matcher = &matcher;
    let find = || {
        project
            .docs()
            .par_iter()
            .map(|doc| match open.get(&doc.id) {
                Some((text, annotations)) => Ok(mentions_in(&doc.id, text, annotations, matcher)),
                None => OpenDocument::open_to_read(project, doc, annotator)
                    .map(|d| mentions_in(&doc.id, &d.text, d.annotations(), matcher)),
            })
            .collect::<Vec<Result<Vec<Mention>, OpenError>>>()
    };
    let found = crate::store::disk::run_on(crate::store::disk::pool().as_ref(), find);
    let mut mentions = Vec::new();
    let mut problems = Vec::new();
    for result in found {
        match result {
            Ok(found) => mentions.extend(found),
            Err(err) => problems.push(error_chain(&err)),
        }
    }
    (mentions, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_skip_decided_ones_and_carry_their_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.txt"),
            "“Kim” tiba 😊 di sini.\r\nKim bertemu Putin; Kimchi. Kim lagi.",
        )
        .unwrap();
        let project = Project::open(dir.path()).unwrap();
        let schema = project.schema();
        let mut doc = OpenDocument::open(&project, &project.docs()[0], "ayu").unwrap();
        use crate::project::document::Command;
        doc.execute(
            schema,
            Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            },
        )
        .unwrap();
        doc.execute(
            schema,
            Command::RejectSuggestion {
                range: 50..53,
                label: "actor".into(),
            },
        )
        .unwrap();
        let kim = mention_matcher("Kim", "actor").unwrap();
        let found = mentions_in("a.txt", &doc.text, doc.annotations(), &kim);
        assert_eq!(
            found,
            vec![Mention {
                doc_id: "a.txt".into(),
                start: 23,
                end: 26,
                before: String::new(),
                after: " bertemu Putin; Kimchi. Kim lagi.".into(),
                date_value: None,
            }]
        );
        // Across the project, from the file for a document not in memory.
        doc.save().unwrap();
        let (across, problems) =
            project_mentions(&project, "ayu", &BTreeMap::new(), "Kim", "actor");
        assert_eq!((across, problems), (found, vec![]));
    }

    #[test]
    fn a_dates_mentions_carry_the_value_of_the_date_where_they_are() {
        let text = SourceText::new(
            "Jakarta, Rabu (13/9/2023) – 😊 Kamis (14/9/2023) lalu hari Rabu lagi.".into(),
        )
        .unwrap();
        let rabu = mention_matcher("Rabu", "date").unwrap();
        let found = mentions_in("a.txt", &text, &Annotations::default(), &rabu);
        let values: Vec<Option<&str>> = found.iter().map(|m| m.date_value.as_deref()).collect();
        assert_eq!(values, [Some("2023-09-13"), Some("2023-09-13")]);
        let text = SourceText::new("Selasa (18/6/2024), lalu hari Rabu.".into()).unwrap();
        let found = mentions_in("b.txt", &text, &Annotations::default(), &rabu);
        assert_eq!(found[0].date_value.as_deref(), Some("2024-06-19"));
        // Spaces alone are no text to look for.
        let spaces = mention_matcher(" ", "date").unwrap();
        assert_eq!(
            mentions_in("b.txt", &text, &Annotations::default(), &spaces),
            []
        );
    }
}
