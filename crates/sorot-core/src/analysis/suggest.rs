//! Suggestions: spans Sorot proposes for the annotator to accept or reject.
//!
//! Terms:
//! - **suggestion**: a range, a label and, for dates, a normalized value. It is
//!   not an annotation until accepted.
//! - **date suggestions**: what [`crate::analysis::dates`] recognizes, labeled `date`.
//! - **string suggestions**: every other whole-word occurrence of a text the
//!   annotator has already labeled anywhere in the project, with that label
//!   ("label all identical mentions").
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

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use rayon::prelude::*;

use crate::model::text::SourceText;
use crate::model::{Annotations, Span};
use crate::project::Project;
use crate::project::document::OpenDocument;

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
    crate::analysis::dates::recognize(text.as_str())
        .into_iter()
        .map(|m| Suggestion {
            start: m.start,
            end: m.end,
            label: "date".into(),
            value: m.value,
        })
        .collect()
}

/// The normalized value for a date labeled by hand over `range`: the value of
/// the one date expression the range shares text with, if there is exactly one
/// ("Rabu (13/9/2023)" takes the value of "hari Rabu (13/9/2023)").
pub fn date_value(text: &SourceText, range: std::ops::Range<usize>) -> Option<String> {
    value_among(&dates(text), range)
}

/// [`date_value`] among a text's date suggestions, found once for many ranges.
pub fn value_among(dates: &[Suggestion], range: std::ops::Range<usize>) -> Option<String> {
    let mut inside = dates
        .iter()
        .filter(|d| d.start < range.end && range.start < d.end);
    match (inside.next(), inside.next()) {
        (Some(only), None) => only.value.clone(),
        _ => None,
    }
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

/// The mentions of `needle` in one document that are not decided for `label`.
pub fn mentions_in(
    doc_id: &str,
    text: &SourceText,
    annotations: &Annotations,
    needle: &str,
    label: &str,
) -> Vec<Mention> {
    let lexicon = BTreeMap::from([(needle.to_owned(), label.to_owned())]);
    let mut found = strings(text, &lexicon, &[]);
    drop_decided(&mut found, annotations);
    let dates = if label == "date" && !found.is_empty() {
        dates(text)
    } else {
        Vec::new()
    };
    let line_part = |range: std::ops::Range<usize>, keep_end: bool| {
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
/// read from disk. A document that cannot be read is named in the second list.
pub fn project_mentions(
    project: &Project,
    annotator: &str,
    open: &BTreeMap<String, Snapshot>,
    needle: &str,
    label: &str,
) -> (Vec<Mention>, Vec<String>) {
    let find = || {
        project
            .docs()
            .par_iter()
            .map(|doc| match open.get(&doc.id) {
                Some((text, annotations)) => {
                    Ok(mentions_in(&doc.id, text, annotations, needle, label))
                }
                None => OpenDocument::open_to_read(project, doc, annotator)
                    .map(|d| mentions_in(&doc.id, &d.text, d.annotations(), needle, label))
                    .map_err(|err| crate::project::error_chain(&err)),
            })
            .collect::<Vec<Result<Vec<Mention>, String>>>()
    };
    let found = crate::store::disk::run_on(crate::store::disk::pool().as_ref(), find);
    let mut mentions = Vec::new();
    let mut problems = Vec::new();
    for result in found {
        match result {
            Ok(found) => mentions.extend(found),
            Err(problem) => problems.push(problem),
        }
    }
    (mentions, problems)
}

/// The names `spans` use for `label`: each span's value, or its text when it
/// has none, with how often.
pub fn names_in<'a>(spans: impl Iterator<Item = &'a Span>, label: &str) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for span in spans.filter(|s| s.label == label) {
        let name = if span.value.is_empty() {
            &span.text
        } else {
            &span.value
        };
        *names.entry(name.clone()).or_default() += 1;
    }
    names
}

/// The names in use for `label` in every annotator's files, by (annotator,
/// document), read from disk on a [disk pool](crate::store::disk). Files that cannot
/// be read are left out.
pub fn names_on_disk(
    project: &Project,
    label: &str,
) -> BTreeMap<(String, String), BTreeMap<String, usize>> {
    let files: Vec<(String, &str)> = project
        .annotators()
        .into_iter()
        .flat_map(|annotator| {
            project
                .docs()
                .iter()
                .map(move |doc| (annotator.clone(), doc.id.as_str()))
        })
        .collect();
    crate::store::disk::run_on(crate::store::disk::pool().as_ref(), || {
        files
            .into_par_iter()
            .filter_map(|(annotator, doc_id)| {
                let path = project.annotation_path(&annotator, doc_id);
                let (file, _) = crate::store::AnnotationFile::read(&path).ok()?;
                let names = names_in(file.spans.iter(), label);
                Some(((annotator, doc_id.to_owned()), names))
            })
            .collect()
    })
}

/// Names to offer for a span with `text`: those sharing the most words with it
/// first (ignoring case), then by use, most used first.
pub fn rank_names(names: &BTreeMap<String, usize>, text: &str) -> Vec<(String, usize)> {
    let words = |s: &str| -> BTreeSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let own = words(text);
    let mut ranked: Vec<(usize, String, usize)> = names
        .iter()
        .map(|(name, &count)| (own.intersection(&words(name)).count(), name.clone(), count))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .map(|(_, name, count)| (name, count))
        .collect()
}

/// The file at a project's root that lists known names: `text<TAB>label` a line.
pub const GAZETTEER: &str = "gazetteer.tsv";

/// Reads a gazetteer: one `text<TAB>label` a line; blank lines and lines
/// starting with `#` are skipped, and a text listed twice takes its last
/// label. An error names the line.
pub fn read_gazetteer(content: &str) -> Result<BTreeMap<String, String>, (usize, String)> {
    Ok(gazetteer_entries(content)?
        .into_iter()
        .map(|(_, text, label)| (text, label))
        .collect())
}

/// A gazetteer entry: its line number, text and label.
type Entry = (usize, String, String);

/// A gazetteer's entries in file order.
fn gazetteer_entries(content: &str) -> Result<Vec<Entry>, (usize, String)> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut entries = Vec::new();
    for (n, line) in content.lines().enumerate() {
        match gazetteer_line(line) {
            Ok(Some((text, label))) => entries.push((n + 1, text.to_owned(), label.to_owned())),
            Ok(None) => {}
            Err(message) => return Err((n + 1, message)),
        }
    }
    Ok(entries)
}

/// One line of a gazetteer: its text and label, or nothing for a blank line
/// or a comment.
fn gazetteer_line(line: &str) -> Result<Option<(&str, &str)>, String> {
    let line = line.trim_end_matches('\r');
    if line.trim().is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    match line.split_once('\t') {
        Some((text, label)) if !text.trim().is_empty() && !label.trim().is_empty() => {
            Ok(Some((text.trim(), label.trim())))
        }
        _ => Err("expected a text, a tab and a label".to_owned()),
    }
}

/// What adding gazetteer files to the project's gazetteer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GazetteerImport {
    /// Texts the project's gazetteer did not list.
    pub added: usize,
    /// Texts it listed with another label, now the files'.
    pub relabeled: usize,
    /// Entries of the project's gazetteer afterwards.
    pub total: usize,
}

/// Why a gazetteer could not be added; the project's gazetteer is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{}:{line}: {message}", file.display())]
    Line {
        file: std::path::PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] crate::store::StorageError),
}

/// Adds the entries of gazetteer files (`text<TAB>label` a line) to the
/// project's `gazetteer.tsv`. Every line of every file is checked first: a
/// malformed line or a label the schema lacks is an error naming the file and
/// line, and nothing is written. The project's file keeps its lines, comments
/// and line ends: a text it lists already takes the new label in place (a
/// later file wins over an earlier one), new texts are appended in the order
/// the files give them. The file is written atomically, once.
pub fn import_gazetteer(
    project: &Project,
    inputs: &[std::path::PathBuf],
) -> Result<GazetteerImport, GazetteerError> {
    let read = |file: &Path| {
        std::fs::read_to_string(file).map_err(|source| GazetteerError::Read {
            file: file.to_owned(),
            source,
        })
    };
    let line_error = |file: &Path, (line, message): (usize, String)| GazetteerError::Line {
        file: file.to_owned(),
        line,
        message,
    };
    // The new entries in order of first appearance, each with its last label.
    let mut order: Vec<String> = Vec::new();
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for input in inputs {
        let content = read(input)?;
        for (line, text, label) in gazetteer_entries(&content).map_err(|e| line_error(input, e))? {
            if !project.schema().contains(&label) {
                let known: Vec<&str> = project
                    .schema()
                    .labels
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect();
                return Err(line_error(
                    input,
                    (
                        line,
                        format!(
                            "label {label:?} is not in the project's schema ({})",
                            known.join(", ")
                        ),
                    ),
                ));
            }
            if labels.insert(text.clone(), label).is_none() {
                order.push(text);
            }
        }
    }
    let path = project.root().join(GAZETTEER);
    let existing = if path.is_file() {
        read(&path)?
    } else {
        String::from("# Known names: a text, a tab and a label a line.\n")
    };
    gazetteer_entries(&existing).map_err(|e| line_error(&path, e))?;
    let (bom, body) = match existing.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", existing.as_str()),
    };
    let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::from(bom);
    let mut listed = BTreeSet::new();
    let mut relabeled = BTreeSet::new();
    for raw in body.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let ending = &raw[line.len()..];
        if let Ok(Some((text, label))) = gazetteer_line(line)
            && let Some(new) = labels.get(text)
        {
            listed.insert(text.to_owned());
            if new != label {
                relabeled.insert(text.to_owned());
                out.push_str(&format!("{text}\t{new}{ending}"));
                continue;
            }
        }
        out.push_str(raw);
    }
    if !out.is_empty() && !out.ends_with('\n') && order.iter().any(|t| !listed.contains(t)) {
        out.push_str(newline);
    }
    let mut added = 0;
    for text in order.iter().filter(|t| !listed.contains(*t)) {
        out.push_str(&format!("{text}\t{}{newline}", labels[text]));
        added += 1;
    }
    let total = read_gazetteer(&out).map(|e| e.len()).unwrap_or_default();
    crate::store::write_atomic(&path, out.as_bytes())?;
    Ok(GazetteerImport {
        added,
        relabeled: relabeled.len(),
        total,
    })
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
            && let Ok((file, _)) = crate::store::AnnotationFile::read(&path)
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
    use crate::model::markup;

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
    fn names_are_values_or_texts_ranked_by_shared_words_then_use() {
        let (_, mut spans) = markup::parse(
            "[Kim|actor] dan [Kim Jong-un|actor] dan [Kim Jong Un|actor] dan [Putin|actor] [Putin|actor] [Rabu|date]",
        )
        .unwrap();
        spans[0].value = "Kim Jong Un".into();
        spans[1].value = "Kim Jong Un".into();
        let mut names = names_in(spans.iter(), "actor");
        assert_eq!(
            names,
            BTreeMap::from([("Kim Jong Un".into(), 3), ("Putin".into(), 2)])
        );
        // More shared words first, however often a shorter name is used.
        names.insert("Kim".into(), 70);
        assert_eq!(
            rank_names(&names, "kim jong-un"),
            vec![
                ("Kim Jong Un".into(), 3),
                ("Kim".into(), 70),
                ("Putin".into(), 2)
            ]
        );
        names.remove("Kim");
        assert_eq!(
            rank_names(&names, "Vladimir Putin"),
            vec![("Putin".into(), 2), ("Kim Jong Un".into(), 3)]
        );
    }

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
        let found = mentions_in("a.txt", &doc.text, doc.annotations(), "Kim", "actor");
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
        let found = mentions_in("a.txt", &text, &Annotations::default(), "Rabu", "date");
        let values: Vec<Option<&str>> = found.iter().map(|m| m.date_value.as_deref()).collect();
        assert_eq!(values, [Some("2023-09-13"), Some("2023-09-13")]);
        let text = SourceText::new("Selasa (18/6/2024), lalu hari Rabu.".into()).unwrap();
        let found = mentions_in("b.txt", &text, &Annotations::default(), "Rabu", "date");
        assert_eq!(found[0].date_value.as_deref(), Some("2024-06-19"));
    }

    #[test]
    fn a_date_labeled_by_hand_gets_the_value_of_the_one_date_it_holds() {
        let text = SourceText::new(
            "Jakarta, Rabu (13/9/2023) – “Kim” 😊 tiba pada 2022.\r\nLalu 18-19 Juni 2024 dan Juli lalu."
                .into(),
        )
        .unwrap();
        let range = |needle: &str| {
            let byte = text.as_str().find(needle).unwrap();
            let start = text.offset_of_byte(byte);
            start..start + needle.chars().count()
        };
        let value = |needle: &str| date_value(&text, range(needle));
        assert_eq!(value("Rabu (13/9/2023)").as_deref(), Some("2023-09-13"));
        assert_eq!(
            value("13/9/2023").as_deref(),
            Some("2023-09-13"),
            "part of it"
        );
        assert_eq!(
            value("pada 2022").as_deref(),
            Some("2022"),
            "the year inside"
        );
        assert_eq!(
            value("18-19 Juni 2024").as_deref(),
            Some("2024-06-18/2024-06-19")
        );
        assert_eq!(value("Juli lalu").as_deref(), Some("2023-07"));
        assert_eq!(value("2022.\r\nLalu 18-19 Juni 2024"), None, "two dates");
        assert_eq!(value("tiba"), None);
    }

    #[test]
    fn an_imported_gazetteer_joins_the_projects_keeping_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Kim").unwrap();
        let project = Project::open(dir.path()).unwrap();
        // CRLF line ends, a byte-order mark, a comment and a text listed twice.
        std::fs::write(
            dir.path().join(GAZETTEER),
            "\u{feff}# tokoh\r\nKim Jong Un\tactor\r\nVostochny\tactor\r\nVostochny\tactor\r\n",
        )
        .unwrap();
        let first = dir.path().join("names.tsv");
        std::fs::write(
            &first,
            "\u{feff}Vostochny\tlocation\nKremlin\tactor\n😊 Café\tlocation\n",
        )
        .unwrap();
        let second = dir.path().join("more.tsv");
        std::fs::write(&second, "Shoigu\tactor\nKremlin\tlocation\n").unwrap();
        let done = import_gazetteer(&project, &[first.clone(), second]).unwrap();
        assert_eq!(
            done,
            GazetteerImport {
                added: 3,
                relabeled: 1,
                total: 5
            }
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(GAZETTEER)).unwrap(),
            "\u{feff}# tokoh\r\nKim Jong Un\tactor\r\nVostochny\tlocation\r\nVostochny\tlocation\r\nKremlin\tlocation\r\n😊 Café\tlocation\r\nShoigu\tactor\r\n"
        );
        // A label the schema lacks is refused with its line; nothing changes,
        // not even from the good file before it.
        let bad = dir.path().join("bad.tsv");
        std::fs::write(&bad, "Putin\tactor\nKCNA\tmedia\n").unwrap();
        std::fs::write(&first, "Peskov\tactor\n").unwrap();
        let err = import_gazetteer(&project, &[first, bad])
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("bad.tsv:2: label \"media\" is not in the project's schema (actor, location, date, claim)"), "{err}");
        let kept = std::fs::read_to_string(dir.path().join(GAZETTEER)).unwrap();
        assert!(!kept.contains("Putin") && !kept.contains("Peskov"));
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
