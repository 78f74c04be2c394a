//! Other tools' formats: exports of annotations to them and imports from them.
//!
//! Terms:
//! - **format**: a file layout another tool reads or writes (brat standoff,
//!   doccano JSONL, spaCy, CoNLL, Hugging Face datasets, Label Studio, CSV).
//! - **loss** ([`Loss`]): something an export or import could not carry,
//!   reported with where it was and why; never dropped silently.
//! - **progress** ([`Progress`]): how many documents a long export or import
//!   has done, read by another thread for a progress bar.
//! - **offset unit** ([`OffsetUnit`]): what an offset in another tool's file
//!   counts. Sorot counts code points everywhere inside; [`Offsets`] converts
//!   at the edge, where a format writes them.
//! - **token** and **sentence**: the units of the one shared tokenizer
//!   ([`tokenize`]), used by every format that writes tokens.

mod brat;
pub mod export;
pub mod import;
pub mod tokenize;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::SpanId;
pub use crate::model::text::OffsetUnit;
use crate::model::text::SourceText;

/// Something an export or import could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// The file it was in, as the report names it.
    pub file: String,
    /// The span it concerns, when it concerns one.
    pub span: Option<SpanId>,
    pub reason: String,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(id) => write!(f, "{}: span {id}: {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// Up to how many losses of one kind in one file a report lists; the rest
/// of that kind are counted in one line.
pub const LISTED_PER_KIND: usize = 20;

/// Keeps a report readable however much is lost: lists the first
/// [`LISTED_PER_KIND`] losses of each kind in each file, and for each kind
/// with more, one line that counts the rest. Gives how many losses there
/// were in all.
///
/// A loss's **file** is its file without a line number (`in.jsonl:12` is
/// `in.jsonl`); its **kind** is its reason with the numbers and the quoted
/// texts taken out (`actor "Kim" [3, 6) is there twice` and `actor "Putin"
/// [9, 14) is there twice` are one kind).
pub fn summarise(losses: &mut Vec<Loss>) -> usize {
    let total = losses.len();
    if total <= LISTED_PER_KIND {
        return total;
    }
    let key = |loss: &Loss| (file_of(&loss.file).to_owned(), kind_of(&loss.reason));
    // Per (file, kind): how many there are, and the first left out.
    let mut kinds: std::collections::HashMap<(String, String), (usize, Option<Loss>)> =
        std::collections::HashMap::new();
    for loss in losses.iter() {
        let entry = kinds.entry(key(loss)).or_insert((0, None));
        entry.0 += 1;
        if entry.0 == LISTED_PER_KIND + 1 {
            entry.1 = Some(loss.clone());
        }
    }
    // The listed ones in their order, each kind's count line after its last.
    let mut listed: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    let mut kept = Vec::with_capacity(losses.len().min(kinds.len() * (LISTED_PER_KIND + 1)));
    for loss in losses.drain(..) {
        let key = key(&loss);
        let seen = listed.entry(key.clone()).or_insert(0);
        *seen += 1;
        if *seen > LISTED_PER_KIND {
            continue;
        }
        kept.push(loss);
        if *seen == LISTED_PER_KIND
            && let Some((count, Some(first))) = kinds.get(&key)
        {
            let first = match first.span {
                Some(id) => format!("span {id}: {}", first.reason),
                None => first.reason.clone(),
            };
            kept.push(Loss {
                file: key.0,
                span: None,
                reason: format!(
                    "{} more like those above, not listed; the first: {first}",
                    count - LISTED_PER_KIND
                ),
            });
        }
    }
    *losses = kept;
    total
}

/// A loss's file without its line (and column) numbers.
fn file_of(file: &str) -> &str {
    let mut file = file;
    for _ in 0..2 {
        match file.rsplit_once(':') {
            Some((before, number))
                if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
            {
                file = before;
            }
            _ => break,
        }
    }
    file
}

/// A reason with its numbers and quoted texts taken out.
fn kind_of(reason: &str) -> String {
    let mut kind = String::with_capacity(reason.len());
    let mut chars = reason.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                kind.push('#');
            }
            '"' => {
                // Up to the closing quote, past escaped quotes.
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                kind.push_str("\"…\"");
            }
            c => kind.push(c),
        }
    }
    kind
}

/// How far a long export or import is, readable from another thread.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
}

impl Progress {
    /// Done as a fraction of the total, 0 while the total is unknown.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            0.0
        } else {
            self.done.load(Ordering::Relaxed) as f32 / total as f32
        }
    }
}

/// Converts code-point offsets of one text to the chosen unit.
pub struct Offsets<'a> {
    text: &'a SourceText,
    unit: OffsetUnit,
    /// The unit's offset of each code point offset: UTF-16 units, when the
    /// text has any character outside the Basic Multilingual Plane
    /// (otherwise the two counts agree); grapheme clusters.
    table: Option<Vec<usize>>,
}

impl<'a> Offsets<'a> {
    pub fn new(text: &'a SourceText, unit: OffsetUnit) -> Self {
        let table = match unit {
            OffsetUnit::Utf16 if text.as_str().chars().any(|c| c.len_utf16() == 2) => {
                let every: Vec<usize> = (0..=text.len_chars()).collect();
                Some(crate::model::text::utf16_offsets(text.as_str(), &every))
            }
            OffsetUnit::Grapheme => Some(crate::model::text::grapheme_offsets(text.as_str())),
            _ => None,
        };
        Offsets { text, unit, table }
    }

    /// The code-point `offset` (at most the text's length) in the chosen unit.
    pub fn map(&self, offset: usize) -> usize {
        match self.unit {
            OffsetUnit::CodePoint => offset,
            OffsetUnit::Byte => self.text.byte_of(offset),
            OffsetUnit::Utf16 | OffsetUnit::Grapheme => {
                self.table.as_ref().map_or(offset, |t| t[offset])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_code_points_utf16_units_or_bytes() {
        // “ is one code point, one UTF-16 unit and three bytes; 😊 one code
        // point, two units and four bytes; CRLF two of each.
        let text = SourceText::new("“Kim” 😊\r\nRabu".into()).unwrap();
        let rabu = 9;
        assert_eq!(text.slice(rabu..rabu + 4), "Rabu");
        let at = |unit| Offsets::new(&text, unit).map(rabu);
        assert_eq!(at(OffsetUnit::CodePoint), 9);
        assert_eq!(at(OffsetUnit::Utf16), 10);
        assert_eq!(at(OffsetUnit::Byte), 16);
        // The end of the text.
        assert_eq!(Offsets::new(&text, OffsetUnit::Utf16).map(13), 14);
    }

    fn loss(file: &str, reason: &str) -> Loss {
        Loss {
            file: file.into(),
            span: None,
            reason: reason.into(),
        }
    }

    #[test]
    fn past_twenty_of_a_kind_in_a_file_the_rest_are_counted() {
        let mut losses: Vec<Loss> = (0..50)
            .map(|n| {
                loss(
                    &format!("in.jsonl:{}", n + 1),
                    &format!("actor \"“Kim” 😊 {n}\" [{n}, {}) is there twice", n + 3),
                )
            })
            .chain((0..3).map(|n| loss("in.jsonl:9", &format!("date [{n}, 9) lies outside"))))
            .chain((0..25).map(|n| {
                loss(
                    "other.jsonl",
                    &format!("actor \"x\" [{n}, 2) is there twice"),
                )
            }))
            .collect();
        assert_eq!(summarise(&mut losses), 78);
        let lines: Vec<String> = losses.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 20 + 1 + 3 + 20 + 1, "{lines:#?}");
        assert_eq!(
            lines[20],
            "in.jsonl: 30 more like those above, not listed; the first: actor \"“Kim” 😊 20\" [20, 23) is there twice"
        );
        assert!(
            lines[44].starts_with("other.jsonl: 5 more like those above"),
            "{}",
            lines[44]
        );
        // A short report is left as it is.
        let mut few = vec![loss("a", "x"), loss("a", "x")];
        assert_eq!(summarise(&mut few), 2);
        assert_eq!(few.len(), 2);
    }
}
