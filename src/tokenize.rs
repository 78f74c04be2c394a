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
//! Positions are code-point ranges into the source text, like every offset in Sorot.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::text::SourceText;

/// A token: its range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The token's text in `source`, the text it was cut from.
    pub fn text<'a>(&self, source: &'a SourceText) -> &'a str {
        source.slice(self.range())
    }
}

/// The tokens of a text, grouped by sentence; empty sentences are dropped.
pub fn sentences(text: &SourceText) -> Vec<Vec<Token>> {
    let mut sentences = Vec::new();
    for line in text.lines() {
        let line_text = text.slice(line.clone());
        let mut offset = line.start;
        for sentence in split_sentences(line_text) {
            let tokens = tokens_of(sentence, offset);
            offset += sentence.chars().count();
            if !tokens.is_empty() {
                sentences.push(tokens);
            }
        }
    }
    sentences
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
    let mut piece_start = 0;
    let mut may_break = false;
    for (i, &byte) in bytes.iter().enumerate() {
        if i > 0 && byte.is_ascii_lowercase() && bytes[i - 1].is_ascii_lowercase() {
            if may_break {
                run_rules(piece_start..i, &mut starts);
            }
            piece_start = i;
            may_break = false;
        }
        may_break |= !byte.is_ascii() || matches!(byte, b'.' | b'!' | b'?' | b'\r' | b'\n');
    }
    if may_break {
        run_rules(piece_start..bytes.len(), &mut starts);
    }
    starts.push(text.len());
    starts.windows(2).map(|w| &text[w[0]..w[1]]).collect()
}

/// All tokens of a text, in order.
pub fn tokens(text: &SourceText) -> Vec<Token> {
    sentences(text).into_iter().flatten().collect()
}

/// The tokens of `piece`, which starts at code-point `offset`: the piece is
/// cut at whitespace, and each run without whitespace is split at Unicode word
/// boundaries. A run of ASCII letters and digits is one word under those
/// rules, so it is taken whole without running them.
fn tokens_of(piece: &str, offset: usize) -> Vec<Token> {
    // Room for a token every four bytes or so, rather than growing by doubling.
    let mut tokens = Vec::with_capacity(piece.len() / 4 + 1);
    let mut position = offset;
    let mut run_start: Option<(usize, usize)> = None;
    let push_run = |run: &str, start: usize, tokens: &mut Vec<Token>| {
        if run.bytes().all(|b| b.is_ascii_alphanumeric()) {
            tokens.push(Token {
                start,
                end: start + run.len(),
            });
            return;
        }
        let mut at = start;
        for word in run.split_word_bounds() {
            let len = word.chars().count();
            if !word.chars().all(char::is_whitespace) {
                tokens.push(Token {
                    start: at,
                    end: at + len,
                });
            }
            at += len;
        }
    };
    for (byte, c) in piece.char_indices() {
        if c.is_whitespace() {
            if let Some((run_byte, run_position)) = run_start.take() {
                push_run(&piece[run_byte..byte], run_position, &mut tokens);
            }
        } else if run_start.is_none() {
            run_start = Some((byte, position));
        }
        position += 1;
    }
    if let Some((run_byte, run_position)) = run_start {
        push_run(&piece[run_byte..], run_position, &mut tokens);
    }
    tokens
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

    mod properties {
        use super::*;
        use proptest::prelude::*;

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
            fn prose_splits_as_the_unicode_rules_do(text in prose()) {
                let expected: Vec<&str> = text.split_sentence_bounds().collect();
                prop_assert_eq!(split_sentences(&text), expected);
            }
        }
    }
}
