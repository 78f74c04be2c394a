//! CoNLL IOB2: a token a line with its tag columns, sentences apart by
//! blank lines, documents by `-DOCSTART-` lines.
//!
//! Terms:
//! - **document**: the tokens between two `-DOCSTART-` lines; it carries no
//!   text, so it is matched onto the project's texts: the text whose tokens,
//!   in order with only whitespace between, are its tokens. A document no
//!   text starts with gets a text rebuilt from its tokens, a sentence a line.
//! - **tag column**: one column of tags; each is read on its own (`B-label`
//!   starts a span, `I-label` goes on with it, `O` is outside any), so nested
//!   layers come in as overlapping spans.
//!
//! Offsets are code points of the matched or rebuilt text.

use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::ImportError;
use super::record::{Counted, NewSpan, Reading, Record, read_to_string, stem_id};
use crate::model::text::SourceText;
use crate::project::Project;

/// One CoNLL document, as slices of the input.
struct ConllDoc<'a> {
    tokens: Vec<Token<'a>>,
    /// Token indices after which a sentence ends.
    sentence_ends: Vec<usize>,
}

/// One token line of a CoNLL document.
struct Token<'a> {
    /// The token: the line's first field.
    text: &'a str,
    /// The line's number, from 1.
    line: usize,
    /// Its tag columns: the rest of the line, split when read.
    tags: &'a str,
}

/// The project's texts that read, with their ids, in the project's order;
/// read on a disk pool.
pub(super) fn project_texts(project: &Project) -> Vec<(&str, SourceText)> {
    let pool = crate::store::disk::pool();
    crate::store::disk::run_on(pool.as_ref(), || {
        project
            .docs()
            .par_iter()
            .filter_map(|doc| {
                let text = SourceText::from_bytes(fs::read(&doc.path).ok()?).ok()?;
                Some((doc.id.as_str(), text))
            })
            .collect()
    })
}

/// Reads the CoNLL file `input`, matching its documents onto `texts` (see
/// [`project_texts`]).
pub(super) fn read_input(
    texts: &[(&str, SourceText)],
    input: &Path,
    reading: &mut Reading,
) -> Result<(), ImportError> {
    let content = read_to_string(input)?;
    let mut matcher = ConllMatcher {
        claimed: vec![false; texts.len()],
        texts,
        next: 0,
    };
    // Each document is matched as soon as it is read, so that only its own
    // tokens are held; `documents` counts those of this input before it.
    let mut documents = 0;
    let mut doc = ConllDoc {
        tokens: Vec::new(),
        sentence_ends: Vec::new(),
    };
    for (n, line) in content.lines().enumerate() {
        let mut fields = line.split_whitespace();
        let Some(token) = fields.next() else {
            if !doc.tokens.is_empty() && doc.sentence_ends.last() != Some(&(doc.tokens.len() - 1)) {
                doc.sentence_ends.push(doc.tokens.len() - 1);
            }
            continue;
        };
        if token == "-DOCSTART-" {
            if !doc.tokens.is_empty() {
                reading
                    .records
                    .push(matcher.record(&doc, documents, input)?);
                documents += 1;
                doc.tokens.clear();
                doc.sentence_ends.clear();
            }
            continue;
        }
        if fields.next().is_none() {
            return Err(ImportError::Input {
                file: input.to_owned(),
                line: n + 1,
                message: "a token line has a token and at least one tag".into(),
            });
        }
        let tags_start = token.as_ptr() as usize - line.as_ptr() as usize + token.len();
        doc.tokens.push(Token {
            text: token,
            line: n + 1,
            tags: line[tags_start..].trim(),
        });
    }
    if !doc.tokens.is_empty() {
        reading
            .records
            .push(matcher.record(&doc, documents, input)?);
    }
    Ok(())
}

/// The project's texts that CoNLL documents are matched onto.
struct ConllMatcher<'a> {
    /// Each text's id and text.
    texts: &'a [(&'a str, SourceText)],
    /// Texts already matched by an earlier document.
    claimed: Vec<bool>,
    /// Where to look first: after the text the last document matched, since
    /// a CoNLL file lists its documents in the project's order.
    next: usize,
}

impl ConllMatcher<'_> {
    /// The record of document `d` (from 0) of `input`: its tokens matched
    /// onto a project text, or a text rebuilt from them if no text starts
    /// with their first tokens; its spans from its tag columns.
    fn record(&mut self, doc: &ConllDoc, d: usize, input: &Path) -> Result<Record, ImportError> {
        let mut is_end = vec![false; doc.tokens.len()];
        for &end in &doc.sentence_ends {
            is_end[end] = true;
        }
        let (id, text, offsets) = match match_tokens(doc, self.texts, self.next, &self.claimed) {
            Ok(Matched { text: t, offsets }) => {
                self.claimed[t] = true;
                self.next = t + 1;
                (self.texts[t].0.to_owned(), None, offsets)
            }
            Err(Some(Misfit { line, token, .. })) => {
                return Err(ImportError::Input {
                    file: input.to_owned(),
                    line,
                    message: format!(
                        "the token {token:?} cannot be found at its place in the project's text"
                    ),
                });
            }
            Err(None) => {
                // No text starts with these tokens: rebuild one, a sentence a line.
                let mut text = String::new();
                let mut offsets = Vec::new();
                let mut position = 0;
                for (i, token) in doc.tokens.iter().enumerate() {
                    let len = token.text.chars().count();
                    offsets.push((position, position + len));
                    text.push_str(token.text);
                    position += len;
                    let separator = if is_end[i] { "\n" } else { " " };
                    text.push_str(separator);
                    position += 1;
                }
                (
                    stem_id(input, &format!("-doc{}", d + 1)),
                    Some(text),
                    offsets,
                )
            }
        };
        let mut spans = Vec::new();
        let columns = doc
            .tokens
            .iter()
            .map(|t| t.tags.split_whitespace().count())
            .max()
            .unwrap_or(0);
        for column in 0..columns {
            let mut open: Option<(usize, String, usize)> = None;
            let close = |open: &mut Option<(usize, String, usize)>,
                         end: usize,
                         spans: &mut Vec<NewSpan>| {
                if let Some((start, label, line)) = open.take() {
                    spans.push(NewSpan::new(start, end, label, line));
                }
            };
            for (i, &Token { line, tags, .. }) in doc.tokens.iter().enumerate() {
                let tag = tags.split_whitespace().nth(column).unwrap_or("O");
                let (prefix, label) = tag.split_once('-').unwrap_or((tag, ""));
                let previous_end = if i == 0 { 0 } else { offsets[i - 1].1 };
                match prefix {
                    "B" => {
                        close(&mut open, previous_end, &mut spans);
                        open = Some((offsets[i].0, label.to_owned(), line));
                    }
                    "I" if open.as_ref().is_some_and(|(_, l, _)| l == label) => {}
                    "I" => {
                        return Err(ImportError::Input {
                            file: input.to_owned(),
                            line,
                            message: format!(
                                "{tag} follows no B-{label} or I-{label} (IOB2 starts each entity with B-)"
                            ),
                        });
                    }
                    "O" => close(&mut open, previous_end, &mut spans),
                    _ => {
                        return Err(ImportError::Input {
                            file: input.to_owned(),
                            line,
                            message: format!("{tag:?} is not an IOB2 tag"),
                        });
                    }
                }
                if is_end[i] {
                    close(&mut open, offsets[i].1, &mut spans);
                }
            }
            close(&mut open, offsets.last().map_or(0, |o| o.1), &mut spans);
        }
        let line = doc.tokens[0].line;
        Ok(Record {
            id,
            file: input.to_owned(),
            line,
            text,
            annotator: None,
            spans,
            relations: Vec::new(),
            relation_keys: Vec::new(),
            offsets: Counted::CodePoints,
        })
    }
}

/// The project text a CoNLL document was matched onto.
struct Matched {
    /// The text's place in the project's texts.
    text: usize,
    /// Each token's code-point range in the text.
    offsets: Vec<(usize, usize)>,
}

/// Where a CoNLL document stops fitting a project text.
struct Misfit {
    /// How many of the document's tokens fit, one after another.
    fitted: usize,
    /// The line of the token that does not fit.
    line: usize,
    /// That token, and, when the tokens all fit but the text goes on, which
    /// text it is.
    token: String,
}

/// Finds the project text whose tokens, in order with only whitespace between,
/// are the document's tokens.
/// Texts are tried from `first` on, those in `claimed` last, so that
/// documents with the same text go to the project's texts in order.
/// `Err(Some(misfit))` names the first token that does not fit in the text
/// whose start fitted best (at least its first three tokens); `Err(None)` when
/// no text starts with the document's first tokens.
fn match_tokens(
    doc: &ConllDoc,
    texts: &[(&str, SourceText)],
    first: usize,
    claimed: &[bool],
) -> Result<Matched, Option<Misfit>> {
    let mut best: Option<Misfit> = None;
    // Texts no earlier document matched, from `first` on and round; then the
    // others, so that a document given twice is still found (and refused).
    let first = first.min(texts.len());
    let round = (first..texts.len()).chain(0..first);
    let order = round
        .clone()
        .filter(|&t| !claimed[t])
        .chain(round.filter(|&t| claimed[t]));
    for t in order {
        let (id, text) = &texts[t];
        let text = text.as_str();
        // Where the next token may start: a byte of the text and its code point.
        let (mut byte, mut position) = (0, 0);
        let mut offsets = Vec::with_capacity(doc.tokens.len());
        let mut misfit = None;
        for (i, token) in doc.tokens.iter().enumerate() {
            for c in text[byte..].chars().take_while(|c| c.is_whitespace()) {
                byte += c.len_utf8();
                position += 1;
            }
            // UTF-8 text starts with a token's bytes exactly where it starts
            // with the token's characters.
            if text.as_bytes()[byte..].starts_with(token.text.as_bytes()) {
                let len = token.text.chars().count();
                offsets.push((position, position + len));
                byte += token.text.len();
                position += len;
            } else {
                misfit = Some(Misfit {
                    fitted: i,
                    line: token.line,
                    token: token.text.to_owned(),
                });
                break;
            }
        }
        // The tokens must use up the text: a document that is only the
        // beginning of a text is not that text.
        if misfit.is_none() && text[byte..].chars().any(|c| !c.is_whitespace()) {
            let last = &doc.tokens[doc.tokens.len() - 1];
            misfit = Some(Misfit {
                fitted: doc.tokens.len(),
                line: last.line,
                token: format!("{} (the text {id} goes on after it)", last.text),
            });
        }
        match misfit {
            None => return Ok(Matched { text: t, offsets }),
            Some(misfit) if misfit.fitted >= 3.min(doc.tokens.len()) => {
                if best.as_ref().is_none_or(|best| misfit.fitted > best.fitted) {
                    best = Some(misfit);
                }
            }
            Some(_) => {}
        }
    }
    Err(best)
}
