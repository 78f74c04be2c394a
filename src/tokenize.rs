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
//!
//! Positions are code-point ranges into the source text, like every offset in Sorot.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::text::SourceText;

/// A token: its range and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The tokens of a text, grouped by sentence; empty sentences are dropped.
pub fn sentences(text: &SourceText) -> Vec<Vec<Token>> {
    let mut sentences = Vec::new();
    for line in text.lines() {
        let line_text = text.slice(line.clone());
        let mut offset = line.start;
        for sentence in line_text.split_sentence_bounds() {
            let tokens = tokens_of(sentence, offset);
            offset += sentence.chars().count();
            if !tokens.is_empty() {
                sentences.push(tokens);
            }
        }
    }
    sentences
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
    let mut tokens = Vec::new();
    let mut position = offset;
    let mut run_start: Option<(usize, usize)> = None;
    let push_run = |run: &str, start: usize, tokens: &mut Vec<Token>| {
        if run.bytes().all(|b| b.is_ascii_alphanumeric()) {
            tokens.push(Token {
                start,
                end: start + run.len(),
                text: run.to_owned(),
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
                    text: word.to_owned(),
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

    fn texts(sentences: &[Vec<Token>]) -> Vec<Vec<&str>> {
        sentences
            .iter()
            .map(|s| s.iter().map(|t| t.text.as_str()).collect())
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
            texts(&sentences),
            vec![
                vec![
                    "“", "Kim", "Jong", "-", "un", "tiba", ",", "”", "kata", "KCNA", "."
                ],
                vec!["Putin", "😊", "senang", "."],
                vec!["Rabu", "(", "13", "/", "9", "/", "2023", ")"],
            ]
        );
        for token in sentences.iter().flatten() {
            assert_eq!(text.slice(token.range()), token.text);
        }
        let rabu = &sentences[2][0];
        assert_eq!(rabu.range(), 48..52);
    }
}
