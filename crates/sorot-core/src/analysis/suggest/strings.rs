//! String suggestions: whole-word occurrences of the texts of a lexicon.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::Suggestion;
use super::gazetteer::{GAZETTEER, LineProblem, read_gazetteer};
use crate::model::Span;
use crate::model::text::SourceText;
use crate::project::Project;

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

/// Why the project's lexicon could not be made: its gazetteer could not be
/// read or has a bad line.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {problem}", file.display())]
    Line {
        file: PathBuf,
        line: usize,
        problem: LineProblem,
    },
}

/// The lexicon of an annotator across a project: their labeled texts, and the
/// project's gazetteer (whose entries give way to the annotator's own).
/// Annotation files that cannot be read are passed over.
pub fn project_lexicon(
    project: &Project,
    annotator: &str,
) -> Result<BTreeMap<String, String>, LexiconError> {
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
        let content = std::fs::read_to_string(&gazetteer).map_err(|source| LexiconError::Read {
            file: gazetteer.clone(),
            source,
        })?;
        lexicon = read_gazetteer(&content).map_err(|err| LexiconError::Line {
            file: gazetteer.clone(),
            line: err.line,
            problem: err.problem,
        })?;
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
}
