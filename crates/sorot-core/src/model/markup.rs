//! A small notation for annotated text, used by tests and examples.
//!
//! `[Kim|actor] met [Putin|actor]` is the text `Kim met Putin` with two actor
//! spans. Brackets nest: `[[Kim|actor] berkata|claim]` is a claim that contains
//! an actor. A literal `[`, `]`, `|` or `\` is written with a backslash before it.
//! Spans get ids 1, 2, ... in the order of their sorted position.
//!
//! [`parse`] reads markup into a text and its spans; [`render`] writes a text
//! and spans back as markup, so that tests state expected annotations the way
//! a reader sees them. Spans over the same range nest in the order of their
//! labels, the first label outermost. A span that cannot nest (it crosses
//! another's edge) is rendered after the text as ` ⟨label start..end⟩`.

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
        .map(|(i, (start, end, label))| {
            let covered = text.chars().skip(start).take(end - start).collect();
            Span::new(i as u32 + 1, start..end, label, covered)
        })
        .collect();
    Ok((text, spans))
}

/// Writes text and spans back in the notation, the inverse of [`parse`]:
/// `render(&text, &spans)` gives the markup `parse` read them from, for spans
/// that nest. Notes, values and attributes are not represented; span ids are
/// not either, so two sets of spans that differ only in ids render alike.
///
/// A span that crosses the edge of a span opened before it, or that ends
/// past the text, cannot be written as brackets. It is written after the
/// text instead, as ` ⟨label start..end⟩` in code points (so is a span
/// whose start lies past its end), which [`parse`]
/// does not read back.
///
/// ```
/// use sorot_core::model::markup::{parse, render};
/// let (text, spans) = parse("“[[Kim|actor] tiba|claim]” 😊\r\n[Putin|actor]").unwrap();
/// assert_eq!(render(&text, &spans), "“[[Kim|actor] tiba|claim]” 😊\r\n[Putin|actor]");
/// let (text, mut spans) = parse("[Kim tiba|claim] di Seoul").unwrap();
/// spans.extend(parse("Kim [tiba di|location] Seoul").unwrap().1);
/// assert_eq!(render(&text, &spans), "[Kim tiba|claim] di Seoul ⟨location 4..11⟩");
/// ```
pub fn render(text: &str, spans: &[Span]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut sorted: Vec<&Span> = spans.iter().collect();
    // Outer spans open first: by start, then longest first.
    sorted.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end), &a.label).cmp(&(
            b.start,
            std::cmp::Reverse(b.end),
            &b.label,
        ))
    });
    // Spans that fit inside every span open where they start, in order;
    // the others are written after the text.
    let mut nested: Vec<&Span> = Vec::new();
    let mut crossing: Vec<&Span> = Vec::new();
    let mut open: Vec<&Span> = Vec::new();
    for span in sorted {
        while open.last().is_some_and(|top| top.end <= span.start) {
            open.pop();
        }
        if span.start > span.end
            || span.end > chars.len()
            || open.last().is_some_and(|top| span.end > top.end)
        {
            crossing.push(span);
        } else {
            open.push(span);
            nested.push(span);
        }
    }
    let mut out = String::new();
    let mut stack: Vec<&Span> = Vec::new();
    let mut next = nested.into_iter().peekable();
    for offset in 0..=chars.len() {
        while let Some(top) = stack.last() {
            if top.end == offset {
                close(&mut out, top);
                stack.pop();
            } else {
                break;
            }
        }
        while let Some(span) = next.next_if(|s| s.start == offset) {
            out.push('[');
            if span.end == offset {
                close(&mut out, span);
            } else {
                stack.push(span);
            }
        }
        if let Some(&c) = chars.get(offset) {
            if matches!(c, '[' | ']' | '|' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    for span in crossing {
        out.push_str(&format!(" ⟨{} {}..{}⟩", span.label, span.start, span.end));
    }
    out
}

/// Writes the `|label]` that ends a span, escaping the label's brackets and bars.
fn close(out: &mut String, span: &Span) {
    out.push('|');
    for c in span.label.chars() {
        if matches!(c, '[' | ']' | '|' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(']');
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
    fn renders_what_it_parses_over_crlf_emoji_and_escapes() {
        for markup in [
            "“[Kim Jong Un|actor]” 😊 tiba\r\n[[Putin|actor] menyambut|claim].\r\n",
            "[[[Kim|date]|claim]|actor] \\[x\\] [a\\|b|lab\\]el]",
            "“[|date]Kim[|actor]” 😊",
        ] {
            let (text, spans) = parse(markup).unwrap();
            assert_eq!(render(&text, &spans), markup);
        }
    }

    #[test]
    fn writes_crossing_spans_and_spans_past_the_text_after_it() {
        let (text, mut spans) = parse("“[Kim tiba|claim]” 😊\r\ndi Seoul").unwrap();
        let (_, more) = parse("“Kim [tiba” 😊\r\ndi|location] Seoul").unwrap();
        spans.extend(more);
        let mut past = spans[0].clone();
        past.end = 99;
        spans.push(past);
        assert_eq!(
            render(&text, &spans),
            "“[Kim tiba|claim]” 😊\r\ndi Seoul ⟨claim 1..99⟩ ⟨location 5..16⟩"
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
