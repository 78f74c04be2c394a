//! A small notation for annotated text, used by tests and examples.
//!
//! `[Kim|actor] met [Putin|actor]` is the text `Kim met Putin` with two actor
//! spans. Brackets nest: `[[Kim|actor] berkata|claim]` is a claim that contains
//! an actor. A literal `[`, `]`, `|` or `\` is written with a backslash before it.
//! Spans get ids 1, 2, ... in the order of their sorted position.

use crate::model::Span;

/// Why a markup string could not be read; `at` is a code-point offset into it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("markup error at character {at}: {message}")]
pub struct MarkupError {
    pub at: usize,
    pub message: &'static str,
}

/// Splits markup into its plain text and its spans.
///
/// ```
/// let (text, spans) = sorot_core::model::markup::parse("“[[Kim|actor] tiba|claim]” 😊").unwrap();
/// assert_eq!(text, "“Kim tiba” 😊");
/// assert_eq!((spans[0].start, spans[0].end, spans[0].label.as_str()), (1, 4, "actor"));
/// assert_eq!(spans[1].text, "Kim tiba");
/// ```
pub fn parse(markup: &str) -> Result<(String, Vec<Span>), MarkupError> {
    let mut text = String::new();
    let mut text_len = 0usize;
    // Open brackets: the offset where each started in the plain text.
    let mut open: Vec<usize> = Vec::new();
    // After a `|`: the span start, and the label collected so far.
    let mut label: Option<(usize, String)> = None;
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    let mut chars = markup.chars().enumerate();
    while let Some((at, c)) = chars.next() {
        let c = match c {
            '\\' => match chars.next() {
                Some((_, escaped)) => Literal(escaped),
                None => {
                    return Err(MarkupError {
                        at,
                        message: "a backslash ends the markup",
                    });
                }
            },
            '[' => Open,
            '|' => Bar,
            ']' => Close,
            other => Literal(other),
        };
        match (c, &mut label) {
            (Literal(ch), Some((_, name))) => name.push(ch),
            (Close, Some(_)) => {
                let (start, name) = label.take().unwrap_or_default();
                if name.is_empty() {
                    return Err(MarkupError {
                        at,
                        message: "a span has an empty label",
                    });
                }
                spans.push((start, text_len, name));
            }
            (Open | Bar, Some(_)) => {
                return Err(MarkupError {
                    at,
                    message: "a label holds [ or |",
                });
            }
            (Literal(ch), None) => {
                text.push(ch);
                text_len += 1;
            }
            (Open, None) => open.push(text_len),
            (Bar, None) => match open.pop() {
                Some(start) => label = Some((start, String::new())),
                None => {
                    return Err(MarkupError {
                        at,
                        message: "| outside a span",
                    });
                }
            },
            (Close, None) => {
                return Err(MarkupError {
                    at,
                    message: "] without a label",
                });
            }
        }
    }
    if !open.is_empty() || label.is_some() {
        return Err(MarkupError {
            at: markup.chars().count(),
            message: "a span is not closed",
        });
    }
    spans.sort();
    let spans = spans
        .into_iter()
        .enumerate()
        .map(|(i, (start, end, label))| Span {
            id: i as u32 + 1,
            start,
            end,
            text: text.chars().skip(start).take(end - start).collect(),
            label,
            note: String::new(),
            value: String::new(),
            attributes: Default::default(),
        })
        .collect();
    Ok((text, spans))
}

/// Writes text and spans back in the notation (notes are not represented).
/// Spans that cross each other's boundaries without nesting cannot be
/// written as brackets; they are left out and returned separately.
pub fn render(text: &str, spans: &[Span]) -> String {
    let mut sorted: Vec<&Span> = spans.iter().collect();
    // Outer spans open first: by start, then longest first.
    sorted.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end), s.label.clone()));
    let mut out = String::new();
    let mut stack: Vec<&Span> = Vec::new();
    let mut next = sorted.into_iter().peekable();
    let chars: Vec<char> = text.chars().collect();
    for offset in 0..=chars.len() {
        while let Some(top) = stack.last() {
            if top.end == offset {
                out.push('|');
                out.push_str(&top.label);
                out.push(']');
                stack.pop();
            } else {
                break;
            }
        }
        while let Some(span) = next.next_if(|s| s.start == offset) {
            out.push('[');
            stack.push(span);
        }
        if let Some(&c) = chars.get(offset) {
            if matches!(c, '[' | ']' | '|' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

enum Token {
    Literal(char),
    Open,
    Bar,
    Close,
}
use Token::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_spans_with_code_point_offsets() {
        let (text, spans) =
            parse("“[[Kim|actor] tiba [Rabu (13/9/2023)|date]|claim]” 😊 \\[x\\]").unwrap();
        assert_eq!(text, "“Kim tiba Rabu (13/9/2023)” 😊 [x]");
        let got: Vec<_> = spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 4, "actor", "Kim"),
                (1, 26, "claim", "Kim tiba Rabu (13/9/2023)"),
                (10, 26, "date", "Rabu (13/9/2023)")
            ]
        );
        assert_eq!(
            render(&text, &spans),
            "“[[Kim|actor] tiba [Rabu (13/9/2023)|date]|claim]” 😊 \\[x\\]"
        );
    }

    #[test]
    fn reports_unbalanced_markup() {
        assert!(parse("[Kim|actor").is_err());
        assert!(parse("Kim|actor]").is_err());
        assert!(parse("[Kim|]").is_err());
        assert!(parse("trailing \\").is_err());
    }
}
