//! CoNLL: a token a line with its columns, sentences apart by blank lines,
//! documents by `-DOCSTART-` lines (whatever columns follow `-DOCSTART-`).
//!
//! Terms:
//! - **column**: a field of a token line, counted from 1: the token is
//!   column 1. CoNLL-2003 writes `token POS chunk NER`, CoNLL-2002
//!   `token POS NER`, Label Studio `token -X- _ NER`, Sorot one column of
//!   tags per layer.
//! - **tag**: `O` (outside any entity), `B-label` or `I-label`.
//! - **tag column**: a column read as tags, each on its own, so that nested
//!   layers come in as overlapping spans. When every column after the token
//!   holds tags on every token line of an input, each is a tag column;
//!   otherwise only the last is (where the named entities are by
//!   convention), or the one the options name. The columns not read are said
//!   once per input.
//! - **scheme**: how tags mark where an entity starts. In IOB2, every entity
//!   starts with `B-`; in IOB1 (the original CoNLL-2003), `I-` may open one
//!   and `B-` starts one only right after another of the same label. An IOB2
//!   input read as IOB1 gives the same spans, so unless the options name the
//!   scheme, an input in which an `I-` opens an entity is read as IOB1, and
//!   said.
//! - **document**: the tokens between two `-DOCSTART-` lines; it carries no
//!   text, so it is matched onto the project's texts: the text whose tokens,
//!   in order with only whitespace between, are its tokens. A document no
//!   text starts with gets a text rebuilt from its tokens, a sentence a line.
//!
//! Offsets are code points of the matched or rebuilt text.

use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::record::{Counted, NewSpan, Reading, Record, read_skipping_bom, stem_id};
use super::{ImportError, ImportOptions, TagScheme};
use crate::model::text::SourceText;
use crate::project::Project;

/// The first field of the line before each document.
const DOCSTART: &str = "-DOCSTART-";

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
    /// Its tags: the line's tag columns, split when read.
    tags: &'a str,
    /// The column of its first tag.
    column: usize,
}

/// A tag, read.
enum Tag<'a> {
    /// `O`: outside any entity.
    Outside,
    /// `B-label`.
    Begin(&'a str),
    /// `I-label`.
    Inside(&'a str),
}

impl<'a> Tag<'a> {
    /// `field` read as a tag, if it is one.
    fn read(field: &'a str) -> Option<Tag<'a>> {
        match field.split_once('-') {
            None if field == "O" => Some(Tag::Outside),
            Some(("B", label)) if !label.is_empty() => Some(Tag::Begin(label)),
            Some(("I", label)) if !label.is_empty() => Some(Tag::Inside(label)),
            _ => None,
        }
    }
}

/// Which columns of an input's token lines are its tag columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Columns {
    /// Every column after the token.
    Every,
    /// The last column of each line.
    Last,
    /// This column alone.
    Only(usize),
}

/// What an input's token lines hold after their token, found before its
/// documents are read.
struct Shape {
    /// Whether every column after the token, on every token line, holds a tag.
    all_tags: bool,
    /// The fewest and the most columns after the token, over the token lines
    /// that have any.
    fewest: usize,
    most: usize,
}

impl Shape {
    fn of(content: &str) -> Shape {
        let mut shape = Shape {
            all_tags: true,
            fewest: usize::MAX,
            most: 0,
        };
        for line in content.lines() {
            let mut fields = line.split_whitespace();
            if fields.next().is_none_or(|token| token == DOCSTART) {
                continue;
            }
            let mut count = 0;
            for field in fields {
                count += 1;
                shape.all_tags &= Tag::read(field).is_some();
            }
            if count > 0 {
                shape.fewest = shape.fewest.min(count);
                shape.most = shape.most.max(count);
            }
        }
        shape
    }

    /// What reading `columns` of such an input leaves out, said once for the
    /// input; `None` when it leaves nothing.
    fn note(&self, columns: Columns) -> Option<String> {
        let choose = "--tag-column N reads column N instead, the token being column 1";
        match columns {
            Columns::Every => None,
            Columns::Last if self.most < 2 => None,
            Columns::Last if self.fewest == self.most => Some(format!(
                "{} columns after the token; the tags are read from the last (column {}), {} ignored ({choose})",
                self.most,
                self.most + 1,
                column_list(&(2..=self.most).collect::<Vec<_>>())
            )),
            Columns::Last => Some(format!(
                "{} to {} columns after the token; the tags are read from the last of each line, the others ignored ({choose})",
                self.fewest, self.most
            )),
            Columns::Only(n) => {
                let ignored: Vec<usize> = (2..=self.most + 1).filter(|&c| c != n).collect();
                (!ignored.is_empty()).then(|| {
                    format!(
                        "the tags are read from column {n} (--tag-column {n}), {} ignored",
                        column_list(&ignored)
                    )
                })
            }
        }
    }
}

/// Column numbers as words: "column 2", "columns 2 and 3", "columns 2–4
/// and 6".
fn column_list(columns: &[usize]) -> String {
    // Runs of consecutive columns; a run of three or more is written as a
    // range.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &c in columns {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == c => *last = c,
            _ => runs.push((c, c)),
        }
    }
    let mut parts = Vec::new();
    for (first, last) in runs {
        match last - first {
            0 => parts.push(first.to_string()),
            1 => parts.extend([first.to_string(), last.to_string()]),
            _ => parts.push(format!("{first}–{last}")),
        }
    }
    let word = if columns.len() == 1 {
        "column"
    } else {
        "columns"
    };
    match parts.split_last() {
        Some((last, [])) => format!("{word} {last}"),
        Some((last, rest)) => format!("{word} {} and {last}", rest.join(", ")),
        None => String::new(),
    }
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
/// [`project_texts`]), its tag columns and scheme as `options` say.
pub(super) fn read_input(
    texts: &[(&str, SourceText)],
    input: &Path,
    options: &ImportOptions,
    reading: &mut Reading,
) -> Result<(), ImportError> {
    if let Some(n @ 0..=1) = options.tag_column {
        return Err(ImportError::File {
            file: input.to_owned(),
            message: format!(
                "--tag-column {n}: the token is column 1, so tags are in column 2 or after"
            ),
        });
    }
    let content = read_skipping_bom(input, &mut reading.notes)?;
    let shape = Shape::of(&content);
    let columns = match options.tag_column {
        Some(n) => Columns::Only(n),
        None if shape.all_tags => Columns::Every,
        None => Columns::Last,
    };
    if let Some(note) = shape.note(columns) {
        reading.notes.push(format!("{}: {note}", input.display()));
    }
    let mut matcher = ConllMatcher {
        claimed: vec![false; texts.len()],
        texts,
        next: 0,
        columns,
        scheme: options.scheme,
        opened_by_inside: None,
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
        if token == DOCSTART {
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
        let error = |message: String| ImportError::Input {
            file: input.to_owned(),
            line: n + 1,
            message,
        };
        let (tags, column) = match columns {
            Columns::Every => {
                let tags_start = token.as_ptr() as usize - line.as_ptr() as usize + token.len();
                (line[tags_start..].trim(), 2)
            }
            Columns::Last => {
                let count = fields.clone().count();
                (fields.next_back().unwrap_or(""), count + 1)
            }
            Columns::Only(c) => match fields.nth(c - 2) {
                Some(tag) => (tag, c),
                None => {
                    return Err(error(format!(
                        "this line has {}, none for --tag-column {c} (the token is column 1)",
                        crate::counted(line.split_whitespace().count(), "column")
                    )));
                }
            },
        };
        if tags.is_empty() {
            return Err(error(
                "a token line has a token and at least one tag".into(),
            ));
        }
        doc.tokens.push(Token {
            text: token,
            line: n + 1,
            tags,
            column,
        });
    }
    if !doc.tokens.is_empty() {
        reading
            .records
            .push(matcher.record(&doc, documents, input)?);
    }
    if let Some((line, tag)) = matcher.opened_by_inside {
        reading.notes.push(format!(
            "{}: read as IOB1, as in the original CoNLL-2003: an I- tag may open an entity ({tag} opens one at line {line}); --scheme iob2 refuses such a file",
            input.display()
        ));
    }
    Ok(())
}

/// The project's texts that CoNLL documents are matched onto, and how the
/// documents' tags are read.
struct ConllMatcher<'a> {
    /// Each text's id and text.
    texts: &'a [(&'a str, SourceText)],
    /// Texts already matched by an earlier document.
    claimed: Vec<bool>,
    /// Where to look first: after the text the last document matched, since
    /// a CoNLL file lists its documents in the project's order.
    next: usize,
    /// The input's tag columns.
    columns: Columns,
    /// The scheme the options name, if any.
    scheme: Option<TagScheme>,
    /// The line and tag of the first `I-` that opened an entity, by line, if
    /// one did (then the input is read as IOB1).
    opened_by_inside: Option<(usize, String)>,
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
            for (i, token) in doc.tokens.iter().enumerate() {
                let line = token.line;
                // A line with fewer tag columns than others is outside any
                // entity in the columns it lacks.
                let tag = token.tags.split_whitespace().nth(column).unwrap_or("O");
                let previous_end = if i == 0 { 0 } else { offsets[i - 1].1 };
                let Some(read) = Tag::read(tag) else {
                    return Err(self.not_a_tag(input, token, tag, token.column + column));
                };
                match read {
                    Tag::Begin(label) => {
                        close(&mut open, previous_end, &mut spans);
                        open = Some((offsets[i].0, label.to_owned(), line));
                    }
                    Tag::Inside(label) if open.as_ref().is_some_and(|(_, l, _)| l == label) => {}
                    Tag::Inside(label) if self.scheme == Some(TagScheme::Iob2) => {
                        return Err(ImportError::Input {
                            file: input.to_owned(),
                            line,
                            message: format!(
                                "{tag} follows no B-{label} or I-{label} (IOB2 starts each entity with B-)"
                            ),
                        });
                    }
                    Tag::Inside(label) => {
                        // IOB1: the I- opens an entity. The one said is the
                        // first by line, whichever column it is in.
                        if self.scheme.is_none()
                            && self
                                .opened_by_inside
                                .as_ref()
                                .is_none_or(|(l, _)| line < *l)
                        {
                            self.opened_by_inside = Some((line, tag.to_owned()));
                        }
                        close(&mut open, previous_end, &mut spans);
                        open = Some((offsets[i].0, label.to_owned(), line));
                    }
                    Tag::Outside => close(&mut open, previous_end, &mut spans),
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

    /// The error for `field`, in `column` of `token`'s line, which is not a
    /// tag.
    fn not_a_tag(&self, input: &Path, token: &Token, field: &str, column: usize) -> ImportError {
        let hint = match self.columns {
            Columns::Last if column > 2 => {
                "; the tags are read from the last column unless --tag-column N names another"
            }
            _ => "",
        };
        ImportError::Input {
            file: input.to_owned(),
            line: token.line,
            message: format!(
                "{field:?} in column {column} is not a tag (O, B-label or I-label){hint}"
            ),
        }
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
