//! The document list's filter: which documents a query keeps, and each
//! document's title.
//!
//! Terms:
//! - **query**: what is typed into the filter, words separated by spaces.
//!   A word `status:done` keeps the documents the annotator marked done,
//!   `status:todo` those not done, `status:new` those not started and
//!   `status:progress` those in progress; `has:LABEL` keeps the documents
//!   with at least one span of that label. Any other word keeps the
//!   documents whose id or text holds it, ignoring case. A document must
//!   answer every word.
//! - **title**: a text's first line that is not blank, trimmed; file names
//!   in real corpora are often ids, so the list shows it beside the name.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::model::Status;
use crate::project::{DocSummary, Project};

/// A parsed query; see the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFilter {
    /// Words the id or the text must hold, lowercase.
    words: Vec<String>,
    /// The statuses kept, when the query names some.
    statuses: Vec<Vec<Status>>,
    /// Labels the document must have spans of.
    labels: Vec<String>,
}

/// A word of a query that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{word:?}: status is one of done, todo, new, progress")]
pub struct FilterError {
    pub word: String,
}

impl DocFilter {
    /// Reads a query.
    pub fn parse(query: &str) -> Result<DocFilter, FilterError> {
        let mut filter = DocFilter::default();
        for word in query.split_whitespace() {
            if let Some(status) = word.strip_prefix("status:") {
                let statuses = match status.to_lowercase().as_str() {
                    "done" => vec![Status::Done],
                    "todo" => vec![Status::NotStarted, Status::InProgress],
                    "new" => vec![Status::NotStarted],
                    "progress" => vec![Status::InProgress],
                    _ => {
                        return Err(FilterError {
                            word: word.to_owned(),
                        });
                    }
                };
                filter.statuses.push(statuses);
            } else if let Some(label) = word.strip_prefix("has:") {
                filter.labels.push(label.to_owned());
            } else {
                filter.words.push(word.to_lowercase());
            }
        }
        Ok(filter)
    }

    /// Whether the filter keeps every document.
    pub fn is_empty(&self) -> bool {
        *self == DocFilter::default()
    }

    /// Whether the filter reads texts (it has words that are not an id's).
    pub fn reads_texts(&self) -> bool {
        !self.words.is_empty()
    }

    /// Whether the filter keeps document `id`, with the annotator's summary
    /// of it (none: not started) and, when the filter reads texts, the
    /// text (none: it could not be read).
    pub fn keeps(&self, id: &str, summary: Option<&DocSummary>, text: Option<&str>) -> bool {
        let status = summary.map_or(Status::NotStarted, |s| s.status);
        if !self.statuses.iter().all(|kept| kept.contains(&status)) {
            return false;
        }
        let has = |label: &String| summary.is_some_and(|s| s.labels.contains(label));
        if !self.labels.iter().all(has) {
            return false;
        }
        let id = id.to_lowercase();
        let text = text.map(str::to_lowercase);
        self.words.iter().all(|word| {
            id.contains(word.as_str()) || text.as_ref().is_some_and(|t| t.contains(word.as_str()))
        })
    }
}

/// The ids of the documents of `project` that `filter` keeps, in the
/// project's order; texts are read on the disk pool when the filter needs
/// them (the texts in `open` are taken from there).
pub fn filter_documents(
    project: &Project,
    summaries: &BTreeMap<String, DocSummary>,
    open: &BTreeMap<String, String>,
    filter: &DocFilter,
) -> Vec<String> {
    use rayon::prelude::*;
    let keep = |doc: &crate::project::DocEntry| {
        let summary = summaries.get(&doc.id);
        let text = if filter.reads_texts() {
            match open.get(&doc.id) {
                Some(text) => Some(text.clone()),
                None => std::fs::read_to_string(&doc.path).ok(),
            }
        } else {
            None
        };
        filter
            .keeps(&doc.id, summary, text.as_deref())
            .then(|| doc.id.clone())
    };
    crate::store::disk::run_on(crate::store::disk::pool().as_ref(), || {
        project.docs().par_iter().filter_map(keep).collect()
    })
}

/// The title of `text`: its first line that is not blank, trimmed.
pub fn title(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
}

/// The title of the text at `path`, from its first few kilobytes (a first
/// line longer than that is cut there); empty when it cannot be read.
pub fn title_of(path: &Path) -> String {
    let mut head = Vec::with_capacity(4_096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4_096).read_to_end(&mut head));
    if read.is_err() {
        return String::new();
    }
    // A character cut at the end is dropped.
    let text = match std::str::from_utf8(&head) {
        Ok(text) => text,
        Err(err) => std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or(""),
    };
    title(text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn summary(status: Status, labels: &[&str]) -> DocSummary {
        DocSummary {
            status,
            spans: labels.len(),
            labels: labels
                .iter()
                .map(|l| (*l).to_owned())
                .collect::<BTreeSet<_>>(),
            error: None,
        }
    }

    #[test]
    fn words_status_and_labels_each_narrow_the_list() {
        let text = "“Shoigu” 😊 tiba di Pyongyang\r\nKim menyambut";
        let done = summary(Status::Done, &["actor", "claim"]);
        let keeps = |query: &str, summary: Option<&DocSummary>| {
            DocFilter::parse(query)
                .unwrap()
                .keeps("004_abc.txt", summary, Some(text))
        };
        assert!(keeps("", None));
        assert!(keeps("shoigu", None), "a word of the text, in any case");
        assert!(keeps("PYONGYANG kim", None), "every word");
        assert!(!keeps("shoigu seoul", None));
        assert!(keeps("004_", None), "the id");
        assert!(keeps("status:done", Some(&done)));
        assert!(!keeps("status:todo", Some(&done)));
        assert!(keeps("status:todo", None), "no file: not started");
        assert!(keeps("status:new", None));
        assert!(keeps("has:claim status:done shoigu", Some(&done)));
        assert!(!keeps("has:location", Some(&done)));
        assert!(!keeps("has:actor", None));
        assert_eq!(
            DocFilter::parse("status:later"),
            Err(FilterError {
                word: "status:later".into()
            })
        );
        assert!(!DocFilter::parse("has:actor").unwrap().reads_texts());
    }

    #[test]
    fn the_title_is_the_first_line_that_is_not_blank() {
        assert_eq!(title("\r\n  “Kim” 😊 tiba  \r\nisi"), "“Kim” 😊 tiba");
        assert_eq!(title(""), "");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, format!("{}\nlalu", "é".repeat(3_000))).unwrap();
        // Cut at 4 KB, between the bytes of a character: the whole ones stay.
        assert_eq!(title_of(&path), "é".repeat(2_048));
        assert_eq!(title_of(&dir.path().join("none.txt")), "");
    }
}
