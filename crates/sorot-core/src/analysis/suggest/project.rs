//! Suggestions over a whole project, as `sorot suggest` writes them: one JSON
//! line per document, `{"id", "text", "suggestions": [{"start", "end",
//! "label", "value"}]}`, leaving out what the annotator has decided, and
//! optionally their evaluation against another annotator's spans.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use super::{
    Evaluation, LexiconError, StringMatcher, Suggestion, dates, drop_decided, project_lexicon,
};
use crate::model::Annotations;
use crate::model::text::SourceText;
use crate::project::document::{OpenDocument, OpenError};
use crate::project::{DocEntry, Project};

/// What to propose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestKind {
    /// Date expressions, with their normalized values.
    Dates,
    /// Other whole-word mentions of texts the annotator has labeled, or the
    /// project's gazetteer lists.
    Strings,
}

/// The suggestions of every document of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectSuggestions {
    /// One JSON line per document whose text could be read, in document
    /// order, each ending in a line feed.
    pub lines: String,
    /// Suggestions over all documents.
    pub suggestions: usize,
    /// Documents of the project, including those whose text could not be read.
    pub documents: usize,
    /// The evaluation, when one was asked for.
    pub evaluation: Option<Evaluation>,
    /// The documents whose text could not be read, each as a line naming
    /// the text and why.
    pub skipped: Vec<String>,
}

/// Why suggestions could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error(
        "no annotations by {name:?} in {}; annotators there: {}",
        folder.display(),
        known.join(", ")
    )]
    UnknownAnnotator {
        name: String,
        /// The project's annotations folder.
        folder: PathBuf,
        /// The annotators it has.
        known: Vec<String>,
    },
    #[error("reading {}", path.display())]
    ReadText {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// One document's line.
#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    text: &'a str,
    suggestions: &'a [Suggestion],
}

/// Proposes `kind` for every document of the project. String suggestions
/// learn from everything `annotator` labeled and the project's gazetteer;
/// `annotator`'s spans and rejected suggestions are not proposed again. With
/// `evaluate`, the suggestions are measured against that annotator's spans:
/// of the label `date` for dates, of each of the schema's labels for strings.
/// A document whose text is not valid (not UTF-8, empty) gets no line and
/// is named in [`ProjectSuggestions::skipped`].
pub fn suggest_project(
    project: &Project,
    kind: SuggestKind,
    annotator: Option<&str>,
    evaluate: Option<&str>,
) -> Result<ProjectSuggestions, SuggestError> {
    let known = project.annotators();
    for name in annotator.iter().chain(evaluate.iter()) {
        if !known.iter().any(|k| k == name) {
            return Err(SuggestError::UnknownAnnotator {
                name: (*name).to_owned(),
                folder: project.annotation_dir(),
                known,
            });
        }
    }
    let mut lexicon = BTreeMap::new();
    if kind == SuggestKind::Strings
        && let Some(name) = annotator
    {
        lexicon = project_lexicon(project, name)?;
    }
    let matcher = StringMatcher::new(&lexicon)?;
    let one = |doc: &DocEntry| -> Result<Outcome, SuggestError> {
        let (text, existing) = match read(project, doc, annotator)? {
            Ok(read) => read,
            Err(skipped) => return Ok(Outcome::Skipped(skipped)),
        };
        let suggestions = match kind {
            SuggestKind::Dates => {
                let mut found = dates(&text);
                drop_decided(&mut found, &existing);
                found
            }
            SuggestKind::Strings => matcher.find(&text, &existing),
        };
        let mut evaluation = Evaluation::default();
        if let Some(name) = evaluate {
            let gold = match read(project, doc, Some(name))? {
                Ok((_, gold)) => gold,
                Err(skipped) => return Ok(Outcome::Skipped(skipped)),
            };
            match kind {
                SuggestKind::Dates => evaluation.add(&suggestions, gold.spans(), "date"),
                SuggestKind::Strings => {
                    for label in &project.schema().labels {
                        evaluation.add(&suggestions, gold.spans(), &label.name);
                    }
                }
            }
        }
        let mut line = serde_json::to_string(&Line {
            id: &doc.id,
            text: text.as_str(),
            suggestions: &suggestions,
        })?;
        line.push('\n');
        Ok(Outcome::Line {
            line,
            suggestions: suggestions.len(),
            evaluation,
        })
    };
    let mut lines = String::new();
    let mut evaluation = evaluate.map(|_| Evaluation::default());
    let mut total = 0;
    let mut skipped = Vec::new();
    // A batch at a time on the disk pool, so that only one batch's lines
    // are held twice.
    let pool = crate::store::disk::pool();
    for batch in project.docs().chunks(BATCH) {
        let done = crate::store::disk::run_on(pool.as_ref(), || {
            batch.par_iter().map(one).collect::<Vec<_>>()
        });
        for outcome in done {
            match outcome? {
                Outcome::Line {
                    line,
                    suggestions,
                    evaluation: of_doc,
                } => {
                    lines.push_str(&line);
                    total += suggestions;
                    if let Some(evaluation) = &mut evaluation {
                        *evaluation += of_doc;
                    }
                }
                Outcome::Skipped(line) => skipped.push(line),
            }
        }
    }
    Ok(ProjectSuggestions {
        lines,
        suggestions: total,
        documents: project.docs().len(),
        evaluation,
        skipped,
    })
}

/// Documents handed to the disk pool at once.
const BATCH: usize = 256;

/// What became of one document.
enum Outcome {
    /// Its line, how many suggestions it holds, and their evaluation.
    Line {
        line: String,
        suggestions: usize,
        evaluation: Evaluation,
    },
    /// Why its text was skipped.
    Skipped(String),
}

/// A document's text and `annotator`'s annotations of it (none without an
/// annotator or a file), each read once; or, when the text is not valid
/// (not UTF-8, empty), the line that says it was skipped.
fn read(
    project: &Project,
    doc: &DocEntry,
    annotator: Option<&str>,
) -> Result<Result<(SourceText, Annotations), String>, SuggestError> {
    let opened = match annotator {
        Some(name) if project.annotation_path(name, &doc.id).is_file() => {
            OpenDocument::open_to_read(project, doc, name).map(|open| {
                let annotations = open.annotations().clone();
                (open.text, annotations)
            })
        }
        _ => std::fs::read(&doc.path)
            .map_err(|source| OpenError::Read {
                path: doc.path.clone(),
                source,
            })
            .and_then(|bytes| {
                SourceText::from_bytes(bytes).map_err(|source| OpenError::Text {
                    path: doc.path.clone(),
                    source,
                })
            })
            .map(|text| (text, Annotations::default())),
    };
    match opened {
        Ok(read) => Ok(Ok(read)),
        Err(OpenError::Text { path, source }) => {
            Ok(Err(format!("{}: {source}; skipped", path.display())))
        }
        Err(OpenError::Read { path, source }) => Err(SuggestError::ReadText { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::document::Command;

    /// A project of one text with a curly quote, an emoji and CRLF, where
    /// ayu labeled one of its two dates and rejected nothing.
    fn project_with_a_labeled_date() -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.txt"),
            "“Kim” 😊 tiba Rabu (13/9/2023).\r\nLalu pada 2022 pergi.",
        )
        .unwrap();
        let project = Project::open(dir.path()).unwrap();
        let mut doc = OpenDocument::open(&project, &project.docs()[0], "ayu").unwrap();
        doc.execute(
            project.schema(),
            Command::AddSpan {
                range: 13..29,
                label: "date".into(),
            },
        )
        .unwrap();
        doc.save().unwrap();
        (dir, project)
    }

    #[test]
    fn date_suggestions_leave_out_decided_ones_and_are_evaluated() {
        let (_dir, project) = project_with_a_labeled_date();
        let all = suggest_project(&project, SuggestKind::Dates, None, Some("ayu")).unwrap();
        let line: serde_json::Value = serde_json::from_str(all.lines.trim_end()).unwrap();
        assert_eq!(line["id"], "a.txt");
        assert_eq!(
            line["suggestions"],
            serde_json::json!([
                {"start": 13, "end": 29, "label": "date", "value": "2023-09-13"},
                {"start": 42, "end": 46, "label": "date", "value": "2022"},
            ])
        );
        assert_eq!((all.suggestions, all.documents), (2, 1));
        let evaluation = all.evaluation.unwrap();
        assert_eq!((evaluation.suggested, evaluation.annotated), (2, 1));
        assert_eq!(
            (evaluation.exact_suggestions, evaluation.exact_spans),
            (1, 1)
        );
        // ayu's own span is not proposed to ayu again.
        let left = suggest_project(&project, SuggestKind::Dates, Some("ayu"), None).unwrap();
        assert_eq!(left.suggestions, 1);
        assert!(left.lines.contains(r#""start":42"#) && !left.lines.contains(r#""start":13"#));
        assert_eq!(left.evaluation, None);
    }

    #[test]
    fn an_unknown_annotator_is_named_with_those_there() {
        let (_dir, project) = project_with_a_labeled_date();
        let err = suggest_project(&project, SuggestKind::Strings, Some("budi"), None).unwrap_err();
        assert!(
            matches!(&err, SuggestError::UnknownAnnotator { name, known, .. } if name == "budi" && known == &["ayu"]),
            "{err:?}"
        );
        assert!(
            err.to_string().ends_with("; annotators there: ayu"),
            "{err}"
        );
    }
}
