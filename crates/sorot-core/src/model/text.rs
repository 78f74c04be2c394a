//! Source texts and the offsets that point into them.
//!
//! Terms used throughout Sorot:
//! - **source text**: the exact content of a document's `.txt` file. Sorot never
//!   modifies it: no newline conversion, no trimming, no normalization.
//! - **offset**: a count of Unicode code points (Rust `char`s) from the start of
//!   the source text. `"“Kim”"` has offsets 0..=5; a `\r\n` line end counts as two;
//!   an emoji such as 😊 counts as one; a combining accent counts as one of its own.
//! - **range**: a half-open pair of offsets `[start, end)` with
//!   `start <= end <= len_chars()`.
//!
//! - **offset unit** ([`OffsetUnit`]): what an offset counts. Sorot's own
//!   offsets, in memory and in annotation files, are always code points;
//!   UTF-16 code units and UTF-8 bytes exist only at the edges that ask for
//!   them (exports and imports of tools that count so).
//!
//! Bytes appear only inside [`SourceText`], where a range becomes a `&str`.
//! UTF-16 code units appear only in exporters and importers that ask for them.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use unicode_segmentation::UnicodeSegmentation;

/// What an offset counts.
///
/// Annotation files record their unit (always [`OffsetUnit::CodePoint`]) so
/// that a reader never has to guess; the other units are for other tools'
/// formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OffsetUnit {
    /// Unicode code points (Python `str`, spaCy, brat, Label Studio, Sorot)
    #[default]
    CodePoint,
    /// UTF-16 code units (doccano's and Label Studio's browser UIs, JavaScript)
    Utf16,
    /// UTF-8 bytes
    Byte,
    /// Grapheme clusters, what a reader sees as one character (doccano's
    /// setting that counts a family emoji or a flag as one)
    Grapheme,
}

impl OffsetUnit {
    /// Every unit, in the order menus list them.
    pub const ALL: [OffsetUnit; 4] = [
        OffsetUnit::CodePoint,
        OffsetUnit::Utf16,
        OffsetUnit::Byte,
        OffsetUnit::Grapheme,
    ];

    /// The unit's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            OffsetUnit::CodePoint => "codepoint",
            OffsetUnit::Utf16 => "utf16",
            OffsetUnit::Byte => "byte",
            OffsetUnit::Grapheme => "grapheme",
        }
    }
}

/// The places an offset counted in `unit` can name in `text`, as (offset in
/// the unit, code point), in order, the text's end last: every character's
/// start for code points, UTF-16 units and bytes; a cluster's start for
/// grapheme clusters.
pub fn unit_edges(text: &str, unit: OffsetUnit) -> Vec<(usize, usize)> {
    let mut edges = Vec::with_capacity(text.len() + 1);
    let mut code_point = 0;
    if unit == OffsetUnit::Grapheme {
        use unicode_segmentation::UnicodeSegmentation;
        for (g, cluster) in text.graphemes(true).enumerate() {
            edges.push((g, code_point));
            code_point += cluster.chars().count();
        }
        edges.push((edges.len(), code_point));
        return edges;
    }
    let mut at = 0;
    for c in text.chars() {
        edges.push((at, code_point));
        code_point += 1;
        at += match unit {
            OffsetUnit::Utf16 => c.len_utf16(),
            OffsetUnit::Byte => c.len_utf8(),
            OffsetUnit::CodePoint | OffsetUnit::Grapheme => 1,
        };
    }
    edges.push((at, code_point));
    edges
}

/// For every code point offset of `text` (0 to its length), the number of
/// grapheme clusters that start before it: a cluster's own offsets map to
/// its index, and an offset inside a cluster to the index of that cluster.
pub fn grapheme_offsets(text: &str) -> Vec<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    let mut offsets = Vec::with_capacity(text.len() + 1);
    for (g, cluster) in text.graphemes(true).enumerate() {
        for _ in cluster.chars() {
            offsets.push(g);
        }
    }
    offsets.push(text.graphemes(true).count());
    offsets
}

/// Why a file cannot be a source text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// The bytes are not UTF-8. Line and column are 1-based; the column counts
    /// the characters before the bad byte plus one.
    #[error(
        "not UTF-8 text (first invalid byte at line {line}, column {column}); save it as UTF-8 and reopen"
    )]
    NotUtf8 { line: usize, column: usize },
    /// The file has no characters at all.
    #[error("the text is empty; there is nothing to annotate")]
    Empty,
    /// Offsets are stored as `u32` byte positions internally.
    #[error("the text is larger than 4 GiB, which Sorot cannot index")]
    TooLarge,
}

/// Characters between two entries of a text's index.
const STRIDE: usize = 16;

/// A document's text with an index from offsets to byte positions.
///
/// Invariant: `checkpoints`, when present, holds the byte position of every
/// `STRIDE`th character (offsets 0, 16, 32...), and `chars` is the number
/// of characters. It is absent for ASCII texts, where offsets and bytes
/// coincide. A position between checkpoints is found by stepping over at most
/// `STRIDE - 1` characters: a text costs an eighth of a byte per character
/// of index rather than four, which matters when an import holds thousands.
#[derive(Debug, Clone)]
pub struct SourceText {
    text: String,
    checkpoints: Option<Vec<u32>>,
    chars: usize,
}

impl SourceText {
    /// Checks that `bytes` are non-empty UTF-8 and indexes them.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, TextError> {
        match String::from_utf8(bytes) {
            Ok(text) => Self::new(text),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let prefix = std::str::from_utf8(&err.as_bytes()[..valid]).unwrap_or_default();
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                Err(TextError::NotUtf8 { line, column })
            }
        }
    }

    /// Indexes an already decoded text.
    pub fn new(text: String) -> Result<Self, TextError> {
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        if u32::try_from(text.len()).is_err() {
            return Err(TextError::TooLarge);
        }
        if text.is_ascii() {
            let chars = text.len();
            return Ok(Self {
                text,
                checkpoints: None,
                chars,
            });
        }
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut chars = 0;
        for (byte, &b) in text.as_bytes().iter().enumerate() {
            if is_char_start(b) {
                if chars % STRIDE == 0 {
                    checkpoints.push(byte as u32);
                }
                chars += 1;
            }
        }
        Ok(Self {
            text,
            checkpoints: Some(checkpoints),
            chars,
        })
    }

    /// The exact source text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Number of code points.
    pub fn len_chars(&self) -> usize {
        self.chars
    }

    /// Byte position of an offset. Panics if `offset > len_chars()`.
    pub fn byte_of(&self, offset: usize) -> usize {
        assert!(offset <= self.chars, "offset {offset} out of range");
        let Some(checkpoints) = &self.checkpoints else {
            return offset;
        };
        if offset == self.chars {
            return self.text.len();
        }
        let mut byte = checkpoints[offset / STRIDE] as usize;
        let bytes = self.text.as_bytes();
        for _ in 0..offset % STRIDE {
            byte += 1;
            while !is_char_start(bytes[byte]) {
                byte += 1;
            }
        }
        byte
    }

    /// Offset of the character that contains byte position `byte`.
    pub fn offset_of_byte(&self, byte: usize) -> usize {
        let Some(checkpoints) = &self.checkpoints else {
            return byte.min(self.text.len());
        };
        if byte >= self.text.len() {
            return self.chars;
        }
        // The last checkpoint at or before `byte` (the first is at 0).
        let k = checkpoints.partition_point(|&c| c as usize <= byte) - 1;
        let starts = self.text.as_bytes()[checkpoints[k] as usize + 1..=byte]
            .iter()
            .filter(|&&b| is_char_start(b))
            .count();
        k * STRIDE + starts
    }

    /// Whether `range` is a valid range of this text.
    pub fn contains_range(&self, range: &Range<usize>) -> bool {
        range.start <= range.end && range.end <= self.len_chars()
    }

    /// The text of a range. Panics if the range is not valid; check with
    /// [`Self::contains_range`] first when it comes from outside.
    pub fn slice(&self, range: Range<usize>) -> &str {
        &self.text[self.byte_of(range.start)..self.byte_of(range.end)]
    }

    /// The lines of the text as ranges that exclude their line end
    /// (`\n`, or `\r\n`). A final line end yields no empty last line.
    pub fn lines(&self) -> Vec<Range<usize>> {
        let mut lines = Vec::new();
        let mut line_start_byte = 0;
        for (byte, _) in self.text.match_indices('\n') {
            let content_end = if self.text[..byte].ends_with('\r') {
                byte - 1
            } else {
                byte
            };
            lines.push(self.offset_of_byte(line_start_byte)..self.offset_of_byte(content_end));
            line_start_byte = byte + 1;
        }
        if line_start_byte < self.text.len() {
            lines.push(self.offset_of_byte(line_start_byte)..self.len_chars());
        }
        lines
    }

    /// Widens `range` to whole grapheme clusters, so that a selection never
    /// separates a letter from its combining accent or splits an emoji sequence.
    pub fn snap_to_graphemes(&self, range: Range<usize>) -> Range<usize> {
        let (context, base) = self.context_around(&range);
        let mut start = range.start;
        let mut end = range.end;
        let mut g_start = base;
        for grapheme in self.slice(context).graphemes(true) {
            let g_end = g_start + grapheme.chars().count();
            if g_start < range.start && range.start < g_end {
                start = g_start;
            }
            if g_start < range.end && range.end < g_end {
                end = g_end;
            }
            g_start = g_end;
        }
        start..end
    }

    /// Widens `range` to whole words and drops whitespace at its edges.
    /// Punctuation counts as a word of its own, so dragging over `Putin,`
    /// keeps the comma but dragging over `Puti` gives `Putin`.
    /// Returns `None` when the range holds only whitespace.
    pub fn snap_to_words(&self, range: Range<usize>) -> Option<Range<usize>> {
        let (context, base) = self.context_around(&range);
        let context_text = self.slice(context.clone());
        let mut snapped: Option<Range<usize>> = None;
        let mut offset = base;
        for word in context_text.split_word_bounds() {
            let len = word.chars().count();
            let word_range = offset..offset + len;
            offset += len;
            let overlaps = word_range.start < range.end && range.start < word_range.end;
            let touches_empty = range.is_empty() && word_range.contains(&range.start);
            if (overlaps || touches_empty) && !word.chars().all(char::is_whitespace) {
                snapped = Some(match snapped {
                    Some(s) => s.start..word_range.end,
                    None => word_range,
                });
            }
        }
        snapped
    }

    /// The lines that hold `range` with their line ends, as a range of offsets, and its start.
    fn context_around(&self, range: &Range<usize>) -> (Range<usize>, usize) {
        let start_byte = self.byte_of(range.start);
        let end_byte = self.byte_of(range.end);
        let line_start = self.text[..start_byte].rfind('\n').map_or(0, |b| b + 1);
        // Up to and including the next line feed, so a `\r\n` pair stays whole.
        let line_end = self.text[end_byte..]
            .find('\n')
            .map_or(self.text.len(), |b| end_byte + b + 1);
        let context = self.offset_of_byte(line_start)..self.offset_of_byte(line_end);
        let base = context.start;
        (context, base)
    }
}

/// Whether a byte of UTF-8 starts a character (is not a continuation byte).
#[inline]
fn is_char_start(byte: u8) -> bool {
    (byte as i8) >= -0x40
}

/// Converts code-point offsets of `text` into UTF-16 code units, for exporters
/// whose consumers count that way. `offsets` must be sorted ascending.
pub fn utf16_offsets(text: &str, offsets: &[usize]) -> Vec<usize> {
    let mut result = Vec::with_capacity(offsets.len());
    let mut chars = text.chars();
    let mut chars_seen = 0;
    let mut units = 0;
    for &offset in offsets {
        while chars_seen < offset {
            match chars.next() {
                Some(c) => units += c.len_utf16(),
                None => break,
            }
            chars_seen += 1;
        }
        result.push(units);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> SourceText {
        SourceText::new(s.to_owned()).unwrap()
    }

    #[test]
    fn offsets_count_code_points_across_quotes_emoji_combining_and_crlf() {
        // “ is 3 bytes, 😊 is 4 bytes and 2 UTF-16 units, e + U+0301 is two code points.
        let t = text("“Kim” 😊 cafe\u{301}\r\nPutin");
        assert_eq!(t.len_chars(), 20);
        assert_eq!(t.slice(1..4), "Kim");
        assert_eq!(t.slice(6..7), "😊");
        assert_eq!(t.slice(8..13), "cafe\u{301}");
        assert_eq!(t.slice(13..15), "\r\n");
        assert_eq!(t.slice(15..18), "Put");
        assert_eq!(t.offset_of_byte(t.byte_of(15)), 15);
        assert_eq!(utf16_offsets(t.as_str(), &[6, 7, 15]), vec![6, 8, 16]);
    }

    #[test]
    fn lines_exclude_line_ends_and_keep_offsets_of_the_whole_text() {
        let t = text("a “b”\r\n😊 c\n\nd\n");
        let lines = t.lines();
        assert_eq!(lines, vec![0..5, 7..10, 11..11, 12..13]);
        assert_eq!(t.slice(lines[1].clone()), "😊 c");
    }

    #[test]
    fn word_snapping_widens_to_words_and_trims_whitespace() {
        let t = text("Presiden “Vladimir Putin” 😊 tiba.\r\nKim");
        let snapped = |r| t.snap_to_words(r).map(|r| t.slice(r).to_owned());
        // "ladimir Pu" -> "Vladimir Putin"
        assert_eq!(snapped(11..20).as_deref(), Some("Vladimir Putin"));
        // leading space and quote-less drag
        assert_eq!(snapped(8..13).as_deref(), Some("“Vladimir"));
        assert_eq!(t.snap_to_words(8..9), None);
        // a click inside a word without dragging selects the word
        assert_eq!(snapped(37..37).as_deref(), Some("Kim"));
        // the emoji is a word of its own
        assert_eq!(snapped(26..27).as_deref(), Some("😊"));
    }

    #[test]
    fn grapheme_snapping_keeps_combining_marks_with_their_letter() {
        let t = text("cafe\u{301} 😊");
        assert_eq!(t.snap_to_graphemes(0..4), 0..5);
        assert_eq!(t.snap_to_graphemes(4..5), 3..5);
        assert_eq!(t.snap_to_graphemes(6..7), 6..7);
    }

    #[test]
    fn not_utf8_and_empty_texts_are_refused_with_a_position() {
        let err = SourceText::from_bytes(b"ok\nab\xffc".to_vec()).unwrap_err();
        assert_eq!(err, TextError::NotUtf8 { line: 2, column: 3 });
        assert_eq!(
            SourceText::from_bytes(Vec::new()).unwrap_err(),
            TextError::Empty
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Texts mixing ASCII, curly quotes, an emoji, a combining mark and CRLF.
        fn tricky_text() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop_oneof![
                    Just("Kim".to_owned()),
                    Just(" ".to_owned()),
                    Just("“".to_owned()),
                    Just("”".to_owned()),
                    Just("😊".to_owned()),
                    Just("e\u{301}".to_owned()),
                    Just("\r\n".to_owned()),
                    Just(",".to_owned()),
                ],
                1..80,
            )
            .prop_map(|parts| parts.concat())
        }

        proptest! {
            #[test]
            fn offsets_and_bytes_agree(text in tricky_text()) {
                let t = SourceText::new(text.clone()).unwrap();
                prop_assert_eq!(t.len_chars(), text.chars().count());
                for (offset, (byte, c)) in text.char_indices().enumerate() {
                    prop_assert_eq!(t.byte_of(offset), byte);
                    // Every byte of a character belongs to its offset.
                    for inside in byte..byte + c.len_utf8() {
                        prop_assert_eq!(t.offset_of_byte(inside), offset);
                    }
                }
                prop_assert_eq!(t.byte_of(t.len_chars()), text.len());
                prop_assert_eq!(t.offset_of_byte(text.len()), t.len_chars());
                let all: Vec<usize> = (0..=t.len_chars()).collect();
                let units = utf16_offsets(&text, &all);
                prop_assert_eq!(*units.last().unwrap(), text.encode_utf16().count());
            }

            #[test]
            fn snapping_widens_and_never_splits_a_grapheme(text in tricky_text(), a in 0usize..200, b in 0usize..200) {
                let t = SourceText::new(text).unwrap();
                let len = t.len_chars();
                let range = a.min(b).min(len)..a.max(b).min(len);
                let graphemes = t.snap_to_graphemes(range.clone());
                prop_assert!(graphemes.start <= range.start && range.end <= graphemes.end);
                let boundaries: Vec<usize> = {
                    let mut offset = 0;
                    let mut all = vec![0];
                    for g in t.as_str().graphemes(true) {
                        offset += g.chars().count();
                        all.push(offset);
                    }
                    all
                };
                prop_assert!(boundaries.contains(&graphemes.start) && boundaries.contains(&graphemes.end));
                if let Some(words) = t.snap_to_words(range.clone()) {
                    prop_assert!(!t.slice(words.clone()).starts_with(char::is_whitespace));
                    prop_assert!(!t.slice(words.clone()).ends_with(char::is_whitespace));
                    prop_assert!(boundaries.contains(&words.start) && boundaries.contains(&words.end));
                }
            }
        }
    }
}
