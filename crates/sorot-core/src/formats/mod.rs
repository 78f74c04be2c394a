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
    /// UTF-16 units before each code point, when the text has any character
    /// outside the Basic Multilingual Plane; otherwise the two counts agree.
    utf16: Option<Vec<usize>>,
}

impl<'a> Offsets<'a> {
    pub fn new(text: &'a SourceText, unit: OffsetUnit) -> Self {
        let utf16 = (unit == OffsetUnit::Utf16
            && text.as_str().chars().any(|c| c.len_utf16() == 2))
        .then(|| {
            let every: Vec<usize> = (0..=text.len_chars()).collect();
            crate::model::text::utf16_offsets(text.as_str(), &every)
        });
        Offsets { text, unit, utf16 }
    }

    /// The code-point `offset` (at most the text's length) in the chosen unit.
    pub fn map(&self, offset: usize) -> usize {
        match self.unit {
            OffsetUnit::CodePoint => offset,
            OffsetUnit::Byte => self.text.byte_of(offset),
            OffsetUnit::Utf16 => self.utf16.as_ref().map_or(offset, |u| u[offset]),
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
}
