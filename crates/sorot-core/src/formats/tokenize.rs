//! Tokens and sentences: the one tokenizer that everything needing tokens
//! shares (CoNLL and Hugging Face exports, CoNLL import, token-level agreement).
//!
//! Terms:
//! - **token**: the text is cut at whitespace, and each run between
//!   whitespace is split at Unicode word boundaries (UAX #29): a token is a
//!   word, a number, a punctuation mark or an emoji, and never holds whitespace.
//!   `Jong-un` is three tokens (`Jong`, `-`, `un`) and `13/9/2023` five, so a
//!   span may end inside what a reader sees as one word only at such a mark.
//! - **sentence**: a run of tokens between Unicode sentence boundaries (UAX #29).
//!   A line end always ends a sentence too, since news texts put one paragraph
//!   per line and a headline has no full stop.
//! - **quiet piece**: a stretch of a line between two cuts, where a cut falls
//!   between two ASCII lowercase letters. The sentence rules decide every
//!   boundary from what lies between the last cut before it and the first cut
//!   after it, and a boundary needs a sentence terminator (`.`, `!`, `?` and
//!   their kin in other scripts) or a paragraph separator before it. So the
//!   rules run only on pieces that hold one of these or any non-ASCII
//!   character; an ASCII piece without them holds no boundary.
//!
//! - **stretch**: a part of a text that [`around`] tokenizes instead of the
//!   whole: from a line's start, or from a cut with whitespace after it, to
//!   a line's end or a cut with whitespace before it. Its tokens are those
//!   the whole text has there, less those of the runs that a cut splits.
//!
//! Positions are code-point ranges into the source text, like every offset in Sorot.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::text::SourceText;

/// A token: its range in the source text, in code points, and where it lies
/// in the text's bytes, for slicing. Positions are kept as `u32`, which holds
/// any position of a text ([`SourceText`] texts are under 4 GiB), so that a
/// token takes 16 bytes: the tokens of a long text cost about three times
/// its size rather than six.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    start: u32,
    end: u32,
    byte_start: u32,
    byte_end: u32,
}

impl Token {
    fn new(start: usize, end: usize, byte_start: usize, byte_end: usize) -> Token {
        // Positions of a `SourceText` fit in `u32`.
        Token {
            start: start as u32,
            end: end as u32,
            byte_start: byte_start as u32,
            byte_end: byte_end as u32,
        }
    }

    /// Where the token starts, in code points.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Where the token ends, in code points.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    pub fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }

    pub fn text<'a>(&self, source: &'a SourceText) -> &'a str {
        &source.as_str()[self.byte_start as usize..self.byte_end as usize]
    }
}

/// A text's tokens in order, and where its sentences end.
#[derive(Debug, Default)]
pub struct Tokenized {
    pub tokens: Vec<Token>,
    /// For each sentence, the index in `tokens` just past its last token;
    /// no sentence is empty.
    pub sentence_ends: Vec<usize>,
}

impl Tokenized {
    /// The sentences, as ranges of `tokens`.
    pub fn sentences(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let starts = std::iter::once(0).chain(self.sentence_ends.iter().copied());
        starts
            .zip(self.sentence_ends.iter().copied())
            .map(|(a, b)| a..b)
    }
}

/// The tokens of a text, in one list, with its sentence ends.
pub fn tokenize(text: &SourceText) -> Tokenized {
    let mut tokenized = Tokenized::default();
    let _ = each_sentence(text, |tokens| -> Result<(), ()> {
        tokenized.tokens.extend_from_slice(tokens);
        tokenized.sentence_ends.push(tokenized.tokens.len());
        Ok(())
    });
    tokenized.tokens.shrink_to_fit();
    tokenized
}

/// Calls `f` with the tokens of each sentence, in order, holding one
/// sentence's tokens at a time; no sentence is empty. Stops at `f`'s first
/// error.
pub fn each_sentence<E>(
    text: &SourceText,
    mut f: impl FnMut(&[Token]) -> Result<(), E>,
) -> Result<(), E> {
    let mut tokens = Vec::new();
    for line in text.lines() {
        let byte = text.byte_of(line.start);
        line_sentences(
            text.slice(line.clone()),
            line.start,
            byte,
            &mut tokens,
            &mut f,
        )?;
    }
    Ok(())
}

/// Calls `f` with the tokens of each sentence of `line` (a line's text
/// without its line end, at code point `offset` and byte `byte` of its
/// text), in order, in `tokens`; no sentence is empty.
fn line_sentences<E>(
    line: &str,
    mut offset: usize,
    mut byte: usize,
    tokens: &mut Vec<Token>,
    f: &mut impl FnMut(&[Token]) -> Result<(), E>,
) -> Result<(), E> {
    for sentence in split_sentences(line) {
        tokens.clear();
        tokens_of(sentence, offset, byte, tokens);
        offset += sentence.chars().count();
        byte += sentence.len();
        if !tokens.is_empty() {
            f(tokens)?;
        }
    }
    Ok(())
}

/// How many bytes before and after a stretch's wanted ends [`around`] looks
/// for a line's end before it ends the stretch at a cut instead.
const NEAR_LINE: usize = 4_096;
/// How many bytes [`around`] looks through for a cut before it takes the
/// whole line.
const CUT_SEARCH: usize = 65_536;

/// The tokens and sentences of a stretch of `text` around `range`: every
/// token that [`tokenize`] gives within `reach` characters of `range` (and
/// perhaps more), with the same positions, without tokenizing the whole text.
/// Sentence ends are the text's, but the stretch's first and last sentence
/// may be cut short where the stretch starts or ends inside them.
pub fn around(text: &SourceText, range: Range<usize>, reach: usize) -> Tokenized {
    around_within(text, range, reach, NEAR_LINE)
}

/// [`around`], looking for line ends `near` bytes far.
fn around_within(text: &SourceText, range: Range<usize>, reach: usize, near: usize) -> Tokenized {
    let all = text.as_str();
    let from = text.byte_of(range.start.saturating_sub(reach).min(text.len_chars()));
    let to = text.byte_of(range.end.saturating_add(reach).min(text.len_chars()));
    let (start, keep_from) = stretch_start(all, from, near);
    let (end, keep_to) = stretch_end(all, to, near);
    let mut tokenized = Tokenized::default();
    let mut offset = text.offset_of_byte(start);
    let mut byte = start;
    let mut tokens = Vec::new();
    for line in all[start..end].split_inclusive('\n') {
        let content = line
            .strip_suffix('\n')
            .map_or(line, |l| l.strip_suffix('\r').unwrap_or(l));
        let _ = line_sentences(content, offset, byte, &mut tokens, &mut |sentence| {
            let kept = sentence
                .iter()
                .filter(|t| t.byte_start as usize >= keep_from && t.byte_end as usize <= keep_to);
            let before = tokenized.tokens.len();
            tokenized.tokens.extend(kept);
            if tokenized.tokens.len() > before {
                tokenized.sentence_ends.push(tokenized.tokens.len());
            }
            Ok::<(), ()>(())
        });
        offset += line.chars().count();
        byte += line.len();
    }
    tokenized
}

/// Whether a sentence boundary can never fall at byte `j` of `text`, nor
/// can the rules look across it: between two ASCII lowercase letters (see
/// the module's quiet pieces).
fn is_cut(bytes: &[u8], j: usize) -> bool {
    j > 0 && j < bytes.len() && bytes[j - 1].is_ascii_lowercase() && bytes[j].is_ascii_lowercase()
}

/// Where a stretch that must hold byte `from` on starts, and from where its
/// tokens are kept: a line's start within `near` bytes before `from`; else
/// a cut with whitespace between it and `from` (the tokens of the run the
/// cut splits are not kept); else the start of `from`'s line.
fn stretch_start(text: &str, from: usize, near: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let line_start = |limit: usize| text[limit..from].rfind('\n').map(|b| limit + b + 1);
    if let Some(start) = line_start(floor(text, from.saturating_sub(near))) {
        return (start, start);
    }
    let limit = from.saturating_sub(CUT_SEARCH);
    let space = (limit..=from).rev().find(|&j| bytes.get(j) == Some(&b' '));
    let cut = space.and_then(|space| (limit..space).rev().find(|&j| is_cut(bytes, j)));
    match cut {
        Some(cut) => {
            // The run the cut splits ends at the first whitespace after it.
            let keep = text[cut..]
                .find(char::is_whitespace)
                .map_or(from, |w| cut + w);
            (cut, keep)
        }
        None => {
            let start = line_start(0).unwrap_or(0);
            (start, start)
        }
    }
}

/// Where a stretch that must hold byte `to` ends, and up to where its
/// tokens are kept; the mirror of [`stretch_start`].
fn stretch_end(text: &str, to: usize, near: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    // After the line feed, so that a CRLF line end stays whole.
    let line_end = |limit: usize| text[to..limit].find('\n').map(|b| to + b + 1);
    if let Some(end) = line_end(ceil(text, to.saturating_add(near))) {
        return (end, end);
    }
    let limit = to.saturating_add(CUT_SEARCH).min(text.len());
    let space = (to..limit).find(|&j| bytes[j] == b' ');
    let cut = space.and_then(|space| (space + 1..limit).find(|&j| is_cut(bytes, j)));
    match cut {
        Some(cut) => {
            // The run the cut splits starts after the last whitespace before it.
            let keep = text[..cut].rfind(char::is_whitespace).unwrap_or(to);
            (cut, keep)
        }
        None => {
            let end = line_end(text.len()).unwrap_or(text.len());
            (end, end)
        }
    }
}

/// The character boundary at or before byte `at` of `text`.
fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The character boundary at or after byte `at` of `text` (its end at most).
fn ceil(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Where a range of a text falls among its tokens, as [`place`] finds it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placement {
    /// The first token that ends after the range's start (the token count
    /// when none does), with the token and the sentence it is in.
    pub first: usize,
    pub first_token: Option<Token>,
    pub first_sentence: usize,
    /// One past the last token that starts before the range's end, with
    /// that last token and the sentence it is in.
    pub end: usize,
    pub last_token: Option<Token>,
    pub last_sentence: usize,
}

/// A text's tokens counted, not kept: how many, how many sentences, and
/// how many bytes the tokens' texts take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tokens: usize,
    pub sentences: usize,
    pub token_bytes: usize,
}

/// Where each of `ranges` falls among the tokens of `text`, found in one
/// pass over the tokens without keeping them: what tagging needs of a long
/// text's tokens, in memory that grows with the ranges, not the text.
pub fn place(text: &SourceText, ranges: &[Range<usize>]) -> (Vec<Placement>, Counts) {
    let (placed, counts, _) = place_keeping(text, ranges, false);
    (placed, counts)
}

/// [`place`], also keeping the tokens when `keep`: for a short text, whose
/// tokens cost little, so that they need not be made again.
pub fn place_keeping(
    text: &SourceText,
    ranges: &[Range<usize>],
    keep: bool,
) -> (Vec<Placement>, Counts, Option<Tokenized>) {
    let mut kept = keep.then(Tokenized::default);
    let mut placed = vec![Placement::default(); ranges.len()];
    let mut by_start: Vec<usize> = (0..ranges.len()).collect();
    by_start.sort_by_key(|&i| ranges[i].start);
    let mut by_end: Vec<usize> = (0..ranges.len()).collect();
    by_end.sort_by_key(|&i| ranges[i].end);
    let (mut next_start, mut next_end) = (0, 0);
    let mut counts = Counts::default();
    let mut previous: Option<(Token, usize)> = None;
    let _ = each_sentence(text, |tokens| -> Result<(), ()> {
        for token in tokens {
            let g = counts.tokens;
            while let Some(&i) = by_start.get(next_start)
                && ranges[i].start < token.end()
            {
                placed[i].first = g;
                placed[i].first_token = Some(*token);
                placed[i].first_sentence = counts.sentences;
                next_start += 1;
            }
            while let Some(&i) = by_end.get(next_end)
                && ranges[i].end <= token.start()
            {
                placed[i].end = g;
                placed[i].last_token = previous.map(|(t, _)| t);
                placed[i].last_sentence = previous.map_or(0, |(_, s)| s);
                next_end += 1;
            }
            previous = Some((*token, counts.sentences));
            counts.tokens += 1;
            counts.token_bytes += (token.byte_end - token.byte_start) as usize;
        }
        counts.sentences += 1;
        if let Some(kept) = &mut kept {
            kept.tokens.extend_from_slice(tokens);
            kept.sentence_ends.push(kept.tokens.len());
        }
        Ok(())
    });
    for &i in &by_start[next_start..] {
        placed[i].first = counts.tokens;
    }
    for &i in &by_end[next_end..] {
        placed[i].end = counts.tokens;
        placed[i].last_token = previous.map(|(t, _)| t);
        placed[i].last_sentence = previous.map_or(0, |(_, s)| s);
    }
    (placed, counts, kept)
}

/// The tokens of a text, grouped by sentence; empty sentences are dropped.
pub fn sentences(text: &SourceText) -> Vec<Vec<Token>> {
    let tokenized = tokenize(text);
    tokenized
        .sentences()
        .map(|range| tokenized.tokens[range].to_vec())
        .collect()
}

/// The sentences of `text`, as [`UnicodeSegmentation::split_sentence_bounds`]
/// gives them, with the rules run only on the pieces that may hold a boundary
/// (see the module's terms).
fn split_sentences(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    // Byte positions where a sentence starts.
    let mut starts = vec![0];
    // The boundaries inside one piece: where its sentences start, but its own start.
    let run_rules = |piece: Range<usize>, starts: &mut Vec<usize>| {
        let mut at = piece.start;
        for sentence in text[piece.clone()].split_sentence_bounds() {
            if at > piece.start {
                starts.push(at);
            }
            at += sentence.len();
        }
    };
    let bytes = text.as_bytes();
    let cut = |j: usize| bytes[j - 1].is_ascii_lowercase() && bytes[j].is_ascii_lowercase();
    let may_break = |b: &u8| !b.is_ascii() || matches!(b, b'.' | b'!' | b'?' | b'\r' | b'\n');
    // Pieces before `from` are done; `from` is 0 or a cut.
    let mut from = 0;
    while let Some(k) = bytes[from..].iter().position(may_break).map(|k| from + k) {
        // The piece around k: from the last cut at or before it (no cut
        // falls on k itself, which is no lowercase letter) to the next cut.
        let start = (from + 1..=k).rev().find(|&j| cut(j)).unwrap_or(from);
        let end = (k + 1..bytes.len())
            .find(|&j| cut(j))
            .unwrap_or(bytes.len());
        run_rules(start..end, &mut starts);
        from = end;
    }
    starts.push(text.len());
    starts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

/// All tokens of a text, in order.
pub fn tokens(text: &SourceText) -> Vec<Token> {
    tokenize(text).tokens
}

/// The tokens of `piece`, which starts at code-point `offset` and byte
/// `byte_offset` of its text: the piece is
/// cut at whitespace, and each run without whitespace is split at Unicode word
/// boundaries. A run of ASCII is split by [`ascii_words`], which gives what
/// the rules give for ASCII without running them.
fn tokens_of(piece: &str, offset: usize, byte_offset: usize, tokens: &mut Vec<Token>) {
    let bytes = piece.as_bytes();
    let mut position = offset;
    let mut i = 0;
    while i < bytes.len() {
        // Whitespace before a run.
        let (c, len) = char_at(piece, i);
        if c.is_whitespace() {
            i += len;
            position += 1;
            continue;
        }
        // The run: up to the next whitespace.
        let (run_start, run_position) = (i, position);
        let mut ascii = true;
        while i < bytes.len() {
            let (c, len) = char_at(piece, i);
            if c.is_whitespace() {
                break;
            }
            ascii &= len == 1;
            i += len;
            position += 1;
        }
        let run = &piece[run_start..i];
        if ascii {
            ascii_words(
                run.as_bytes(),
                run_position,
                byte_offset + run_start,
                tokens,
            );
        } else {
            let mut at = run_position;
            let mut at_byte = byte_offset + run_start;
            for word in run.split_word_bounds() {
                let len = word.chars().count();
                tokens.push(Token::new(at, at + len, at_byte, at_byte + word.len()));
                at += len;
                at_byte += word.len();
            }
        }
    }
}

/// The character at byte `i` of `text` and its length in bytes, with ASCII
/// read without decoding.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let byte = text.as_bytes()[i];
    if byte.is_ascii() {
        return (byte as char, 1);
    }
    let c = text[i..].chars().next().unwrap_or_default();
    (c, c.len_utf8())
}

/// The words of an ASCII run without whitespace that starts at code point
/// `start` and byte `byte_start`, as the Unicode word boundary rules (UAX #29) cut it. In ASCII the
/// rules only join, never force a cut:
/// - letters and digits join each other (WB5, WB8, WB9, WB10);
/// - `:`, `.` and `'` join two letters (WB6, WB7), and `.`, `'`, `,` and `;`
///   two digits (WB11, WB12), when the mark has one on each side;
/// - `_` joins letters, digits and `_` on either side (WB13a, WB13b);
/// - every other pair is cut (WB999).
fn ascii_words(run: &[u8], start: usize, byte_start: usize, tokens: &mut Vec<Token>) {
    let mut push = |from: usize, to: usize| {
        tokens.push(Token::new(
            start + from,
            start + to,
            byte_start + from,
            byte_start + to,
        ))
    };
    #[derive(Clone, Copy, PartialEq)]
    enum Class {
        Letter,
        Digit,
        Underscore,
        Other,
    }
    let class = |i: usize| match run[i] {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Underscore,
        _ => Class::Other,
    };
    // Whether the mark at `i` sits between two letters or two digits that it joins.
    let joins = |i: usize| {
        if i == 0 || i + 1 >= run.len() {
            return false;
        }
        let (before, after) = (class(i - 1), class(i + 1));
        match run[i] {
            b':' => before == Class::Letter && after == Class::Letter,
            b'.' | b'\'' => before == after && matches!(before, Class::Letter | Class::Digit),
            b',' | b';' => before == Class::Digit && after == Class::Digit,
            _ => false,
        }
    };
    // Most runs are one word of letters and digits.
    if run.iter().all(u8::is_ascii_alphanumeric) {
        push(0, run.len());
        return;
    }
    let mut word_start = 0;
    for i in 1..run.len() {
        let (before, after) = (class(i - 1), class(i));
        let joined = match (before, after) {
            (Class::Letter | Class::Digit, Class::Letter | Class::Digit) => true,
            (Class::Letter | Class::Digit | Class::Underscore, Class::Underscore)
            | (Class::Underscore, Class::Letter | Class::Digit) => true,
            (Class::Letter | Class::Digit, Class::Other) => joins(i),
            (Class::Other, Class::Letter | Class::Digit) => joins(i - 1),
            _ => false,
        };
        if !joined {
            push(word_start, i);
            word_start = i;
        }
    }
    if !run.is_empty() {
        push(word_start, run.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a SourceText, sentences: &[Vec<Token>]) -> Vec<Vec<&'a str>> {
        sentences
            .iter()
            .map(|s| s.iter().map(|t| t.text(text)).collect())
            .collect()
    }

    #[test]
    fn splits_words_punctuation_and_sentences_with_code_point_offsets() {
        let text = SourceText::new(
            "“Kim Jong-un tiba,” kata KCNA. Putin 😊 senang.\r\nRabu (13/9/2023)".into(),
        )
        .unwrap();
        let sentences = sentences(&text);
        assert_eq!(
            texts(&text, &sentences),
            vec![
                vec![
                    "“", "Kim", "Jong", "-", "un", "tiba", ",", "”", "kata", "KCNA", "."
                ],
                vec!["Putin", "😊", "senang", "."],
                vec!["Rabu", "(", "13", "/", "9", "/", "2023", ")"],
            ]
        );
        let rabu = &sentences[2][0];
        assert_eq!(rabu.range(), 48..52);
    }

    #[test]
    fn sentences_split_as_the_unicode_rules_do() {
        for text in [
            "",
            "tiba. Putin datang",
            "kata dia. “Kami akan.” Lalu pergi! Apa? ya",
            "Rabu (13/9/2023). di AS. Dia e.g. the U.S. Army. dia. lalu",
            "etc.) lalu. Dan",
            "satu\u{2029}dua\r tiga\u{85}empat。五",
        ] {
            let expected: Vec<&str> = text.split_sentence_bounds().collect();
            assert_eq!(split_sentences(text), expected, "{text:?}");
        }
    }

    #[test]
    fn ascii_runs_split_at_word_boundaries() {
        let text =
            SourceText::new("e.g. 3.5, 1,000;2 a:b a_1 __x a'b 13/9/2023. x.-y".into()).unwrap();
        let words: Vec<&str> = tokens(&text).iter().map(|t| t.text(&text)).collect();
        assert_eq!(
            words,
            vec![
                "e.g", ".", "3.5", ",", "1,000;2", "a:b", "a_1", "__x", "a'b", "13", "/", "9", "/",
                "2023", ".", "x", ".", "-", "y"
            ]
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// The tokens as the module defines them, by the rules alone: the
        /// runs between whitespace, each split at every Unicode word boundary.
        fn tokens_by_the_rules(piece: &str) -> Vec<Range<usize>> {
            let mut tokens = Vec::new();
            let mut position = 0;
            let mut run = String::new();
            let flush = |run: &mut String, end: usize, tokens: &mut Vec<Range<usize>>| {
                let mut at = end - run.chars().count();
                for word in run.split_word_bounds() {
                    let len = word.chars().count();
                    tokens.push(at..at + len);
                    at += len;
                }
                run.clear();
            };
            for c in piece.chars() {
                if c.is_whitespace() {
                    flush(&mut run, position, &mut tokens);
                } else {
                    run.push(c);
                }
                position += 1;
            }
            flush(&mut run, position, &mut tokens);
            tokens
        }

        /// Texts of everything the word rules look at: every ASCII character
        /// and whitespace beyond ASCII, quotes, combining marks, ZWJ, emoji,
        /// Hebrew, Katakana and regional indicators.
        fn word_text() -> impl Strategy<Value = String> {
            let mut chars: Vec<char> = (0u8..0x80).map(char::from).collect();
            chars.extend([
                '\u{85}',
                '\u{a0}',
                '\u{2003}',
                '\u{3000}',
                '“',
                '”',
                '’',
                '—',
                '–',
                '«',
                '»',
                '…',
                '\u{301}',
                '\u{200D}',
                '\u{AD}',
                '😊',
                '👍',
                '\u{1F3FD}',
                'é',
                'ß',
                'א',
                '״',
                'カ',
                'ー',
                '\u{1F1EE}',
                '\u{1F1E9}',
                '·',
                '٫',
                '١',
            ]);
            // ASCII letters, digits and marks often, so that they meet.
            chars.extend("aaxZ0099..,,;;::''__--".chars());
            proptest::collection::vec(proptest::sample::select(chars), 0..40)
                .prop_map(|chars| chars.into_iter().collect())
        }

        /// Texts rich in what the sentence rules look at: terminators,
        /// closing marks, spaces, separators, letters of each case, digits,
        /// combining marks and format characters, in ASCII and beyond.
        fn sentence_text() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                proptest::sample::select(vec![
                    'a', 'b', 'z', 'a', 'k', 'A', 'K', '0', '9', '.', '.', '!', '?', ' ', ' ',
                    '\t', '\r', '\n', '"', '\'', '(', ')', ',', ';', ':', '-', '“', '”', '—', '…',
                    '。', '\u{85}', '\u{2028}', '\u{2029}', '\u{301}', '\u{200D}', '\u{AD}', 'é',
                    'Ä', 'ß', '😊', '\u{FF0E}', '\u{2024}', '١', 'ا', '»',
                ]),
                0..48,
            )
            .prop_map(|chars| chars.into_iter().collect())
        }

        /// Prose-like texts: mostly lowercase words, so that long quiet
        /// pieces (skipped by the fast path) sit between the marks.
        fn prose() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                proptest::sample::select(vec![
                    "kata",
                    "dia",
                    "tiba",
                    "lalu",
                    "di",
                    "Putin",
                    "Kim",
                    "AS",
                    "U.S.",
                    "e.g.",
                    "dia.",
                    "pergi!",
                    "apa?",
                    "“Kami",
                    "akan.”",
                    "(13/9/2023).",
                    "—",
                    "…",
                    "ya.\r\n",
                    "\n\n",
                    "café",
                    "😊",
                    "Rabu,",
                    "3.5",
                    "etc.)",
                    "。",
                ]),
                0..40,
            )
            .prop_map(|words| words.join(" "))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4096))]
            #[test]
            fn quiet_pieces_change_no_sentence(text in sentence_text()) {
                let expected: Vec<&str> = text.split_sentence_bounds().collect();
                prop_assert_eq!(split_sentences(&text), expected);
            }

            #[test]
            fn tokens_are_the_word_rules_cut_at_whitespace(text in word_text(), offset in 0usize..5) {
                let expected: Vec<Range<usize>> = tokens_by_the_rules(&text)
                    .into_iter()
                    .map(|t| t.start + offset..t.end + offset)
                    .collect();
                // The piece as the end of a longer text, so that byte and
                // code-point positions differ before it too (and a text is never empty).
                let source = SourceText::new(format!("{}{text}.", "é".repeat(offset))).unwrap();
                let mut tokens = Vec::new();
                tokens_of(&text, offset, 2 * offset, &mut tokens);
                let ranges: Vec<Range<usize>> = tokens.iter().map(Token::range).collect();
                prop_assert_eq!(ranges, expected);
                for token in tokens {
                    prop_assert_eq!(token.text(&source), source.slice(token.range()));
                }
            }

            /// A stretch around a range has the whole text's tokens there,
            /// each sentence end inside it is the text's, and it holds every
            /// token within reach, whether it starts and ends at lines or
            /// at cuts.
            #[test]
            fn a_stretch_has_the_tokens_of_the_whole_text(
                text in prose(),
                a in 0usize..300,
                b in 0usize..300,
                reach in 0usize..40,
                near in 0usize..12,
            ) {
                let Ok(source) = SourceText::new(format!("“{text}” 😊\r\n")) else {
                    return Ok(());
                };
                let len = source.len_chars();
                let range = a.min(b).min(len)..a.max(b).min(len);
                let whole = tokenize(&source);
                let stretch = around_within(&source, range.clone(), reach, near);
                let Some(first) = stretch.tokens.first() else {
                    prop_assert!(whole.tokens.iter().all(|t| t.start() + reach < range.start || t.end() > range.end + reach));
                    return Ok(());
                };
                let at = whole.tokens.iter().position(|t| t == first).unwrap();
                prop_assert_eq!(&whole.tokens[at..at + stretch.tokens.len()], &stretch.tokens[..]);
                for t in &whole.tokens {
                    if t.start() + reach >= range.start && t.end() <= range.end + reach {
                        prop_assert!(stretch.tokens.contains(t), "{:?} is missing", t);
                    }
                }
                let ends = &stretch.sentence_ends[..stretch.sentence_ends.len() - 1];
                for end in ends {
                    prop_assert!(whole.sentence_ends.contains(&(at + end)));
                }
            }

            #[test]
            fn prose_splits_as_the_unicode_rules_do(text in prose()) {
                let expected: Vec<&str> = text.split_sentence_bounds().collect();
                prop_assert_eq!(split_sentences(&text), expected);
            }
        }
    }
}
