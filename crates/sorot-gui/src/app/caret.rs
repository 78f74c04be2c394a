//! The caret and the keys that move through the text: words, rows, screens,
//! the ends of the text, the spans one after another, and the edges of the
//! selection or of the selected span.
//!
//! Terms:
//! - **word**: a token of the shared tokenizer (`formats::tokenize`); only
//!   the tokens near the caret are made, a stretch at a time.
//! - **caret**: the word the keys stand on. It starts on the first word of a
//!   document; a click, a selection, a span chosen or found moves it there.
//!   Each document keeps its caret's place for this run: a document opens at
//!   its top the first time and at the caret when opened again.
//! - **target**: what the edge keys change: the selected span (by a resize,
//!   one undo step however many keys move it), else the selection; with
//!   neither, the first edge key selects the caret's word.
//! - **unit**: an edge moves by a word, to the next or previous token's end
//!   (or start), by a character (a grapheme, so an emoji or an accented
//!   letter stays whole), or by a row, to the word nearest below or above.
//! - **waiting move**: a move that needs the view's layout (a row, a screen,
//!   a row's ends): asked of the view as a [`Reach`] and finished in the next
//!   frame, when the view has found the place.

use std::collections::HashMap;
use std::ops::Range;

use sorot_core::formats::tokenize;
use sorot_core::model::SpanId;
use sorot_core::model::text::SourceText;
use sorot_core::project::document::Command;

use super::SorotApp;
use super::apply::Change;
use crate::commands::UiCommand;
use crate::text_view::{Edge, Reach, Toward};

/// Tokens looked at on each side of the caret first; more only when none
/// of them answers.
const FIRST_REACH: usize = 256;

/// The caret's state.
#[derive(Debug, Default)]
pub(super) struct Caret {
    /// The document the caret is in, and its word there.
    at: Option<(String, Range<usize>)>,
    /// Where the caret was in each document left in this run, by id.
    places: HashMap<String, Range<usize>>,
    /// A move waiting for the view's layout, and what the place found is for.
    pub(super) waiting: Option<(Reach, Then)>,
}

/// What a place the view found is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The caret goes to the word there; `before` takes the word that ends
    /// there (a row's end) rather than the one that starts there.
    Caret { before: bool },
    /// The end edge of the target goes to the end of the word there.
    EndEdge,
}

impl Caret {
    /// Forgets every place (another project opened).
    pub(super) fn forget(&mut self) {
        *self = Caret::default();
    }

    /// Leaves the current document for `doc`: its place is kept and `doc`'s
    /// taken up; gives where to scroll to.
    pub(super) fn enter(&mut self, doc: &str, text: &SourceText) -> usize {
        if let Some((id, word)) = self.at.take() {
            self.places.insert(id, word);
        }
        let word = self
            .places
            .get(doc)
            .filter(|w| w.end <= text.len_chars())
            .cloned()
            .or_else(|| word_after(text, 0))
            .unwrap_or(0..0);
        let offset = word.start;
        self.at = Some((doc.to_owned(), word));
        self.waiting = None;
        offset
    }

    /// The caret's word in `doc`, if the caret is there.
    pub(super) fn word(&self, doc: &str) -> Option<Range<usize>> {
        self.at
            .as_ref()
            .filter(|(id, _)| id == doc)
            .map(|(_, word)| word.clone())
    }

    fn set(&mut self, doc: &str, word: Range<usize>) {
        self.at = Some((doc.to_owned(), word));
    }
}

/// The token that starts at or after `offset`.
pub(super) fn word_after(text: &SourceText, offset: usize) -> Option<Range<usize>> {
    find_word(text, offset, true, |w| w.start >= offset)
}

/// The token that ends at or before `offset`.
pub(super) fn word_before(text: &SourceText, offset: usize) -> Option<Range<usize>> {
    find_word(text, offset, false, |w| w.end <= offset)
}

/// The token that holds the character at `offset`, else the next one, else
/// the one before.
pub(super) fn word_at(text: &SourceText, offset: usize) -> Option<Range<usize>> {
    find_word(text, offset, true, |w| w.end > offset).or_else(|| word_before(text, offset))
}

/// The edge of the words up to `offset` (the end of the last token that
/// starts before it) or from it (the start of the first that ends after it).
pub(super) fn word_through(text: &SourceText, offset: usize, edge: Edge) -> Option<usize> {
    match edge {
        Edge::End => Some(find_word(text, offset, false, |w| w.start < offset)?.end),
        Edge::Start => Some(find_word(text, offset, true, |w| w.end > offset)?.start),
    }
}

/// The first token (`forward`) or the last token that `fits`, looking at
/// the tokens around `near`, then further when none of them fits, but never
/// further than `limit` characters from `near` (the tokens that can fit lie
/// within it) nor past the text's end (`forward`) or start. `fits` must hold
/// of a run of tokens that reaches the text's end (`forward`) or starts at
/// its start.
fn find_word_within(
    text: &SourceText,
    near: usize,
    forward: bool,
    limit: usize,
    fits: impl Fn(&Range<usize>) -> bool,
) -> Option<Range<usize>> {
    let mut reach = FIRST_REACH.min(limit.max(1));
    loop {
        let stretch = tokenize::around(text, near..near, reach);
        let mut words = stretch.tokens.iter().map(|t| t.range());
        let found = if forward {
            words.find(|w| fits(w))
        } else {
            words.rev().find(|w| fits(w))
        };
        let seen_all = if forward {
            near.saturating_add(reach) >= text.len_chars()
        } else {
            reach >= near
        };
        if found.is_some() || seen_all || reach >= limit {
            return found;
        }
        reach = reach.saturating_mul(16).min(limit);
    }
}

/// [`find_word_within`] with no limit but the text's ends.
fn find_word(
    text: &SourceText,
    near: usize,
    forward: bool,
    fits: impl Fn(&Range<usize>) -> bool,
) -> Option<Range<usize>> {
    find_word_within(text, near, forward, usize::MAX, fits)
}

/// The sentence that holds `offset`, as the shared tokenizer cuts sentences
/// (a sentence longer than a few thousand characters is cut short).
pub(super) fn sentence_at(text: &SourceText, offset: usize) -> Option<Range<usize>> {
    let stretch = tokenize::around(text, offset..offset, 4_096);
    let word = stretch
        .tokens
        .iter()
        .position(|t| t.end() > offset)
        .or_else(|| stretch.tokens.len().checked_sub(1))?;
    let sentence = stretch.sentences().find(|s| s.contains(&word))?;
    Some(stretch.tokens[sentence.start].start()..stretch.tokens[sentence.end - 1].end())
}

/// `range` with its `edge` moved by one unit: a word (`chars` false) or a
/// character, `forward` or back. `None` when it cannot move (at the text's
/// ends, or it would leave nothing).
fn moved_edge(
    text: &SourceText,
    range: &Range<usize>,
    edge: Edge,
    forward: bool,
    chars: bool,
) -> Option<Range<usize>> {
    let (start, end) = (range.start, range.end);
    let len = text.len_chars();
    let moved = match (edge, forward, chars) {
        (Edge::End, true, false) => start..find_word(text, end, true, |w| w.end > end)?.end,
        // Shrinking, the words looked for lie within the range.
        (Edge::End, false, false) => {
            let inside = |w: &Range<usize>| w.end < end && w.end > start;
            start..find_word_within(text, end, false, end - start, inside)?.end
        }
        (Edge::Start, false, false) => {
            find_word(text, start, false, |w| w.start < start)?.start..end
        }
        (Edge::Start, true, false) => {
            let inside = |w: &Range<usize>| w.start > start && w.start < end;
            find_word_within(text, start, true, end - start, inside)?.start..end
        }
        (Edge::End, true, true) if end < len => start..text.snap_to_graphemes(end..end + 1).end,
        (Edge::End, false, true) if end > 0 => start..text.snap_to_graphemes(end - 1..end).start,
        (Edge::Start, false, true) if start > 0 => {
            text.snap_to_graphemes(start - 1..start).start..end
        }
        (Edge::Start, true, true) if start < len => {
            text.snap_to_graphemes(start..start + 1).end..end
        }
        _ => return None,
    };
    (moved.start < moved.end && moved != *range).then_some(moved)
}

impl SorotApp {
    /// The current document's text and the caret's word there, set on the
    /// first word if the caret is elsewhere.
    fn caret_here(&mut self) -> Option<(String, Range<usize>)> {
        let doc = self.workspace.as_ref()?.current()?;
        // A text changed on disk may have become shorter.
        if let Some(word) = self.caret.word(&doc.id)
            && word.end <= doc.text.len_chars()
        {
            return Some((doc.id.clone(), word));
        }
        let word = word_after(&doc.text, 0)?;
        self.caret.set(&doc.id, word.clone());
        Some((doc.id.clone(), word))
    }

    /// Moves the caret to `word` and brings it into view.
    pub(super) fn put_caret(&mut self, word: Range<usize>) {
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        self.text.reveal = Some(word.start);
        self.caret.set(&doc.id.clone(), word);
    }

    /// Moves the caret to the word at `offset` (a click, a selection, a span
    /// chosen), without scrolling.
    pub(super) fn caret_to(&mut self, offset: usize) {
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        if let Some(word) = word_at(&doc.text, offset) {
            self.caret.set(&doc.id.clone(), word);
        }
    }

    /// A caret move by a plain key leaves what was selected: the selection,
    /// the selected span or relation.
    fn leave_selection(&mut self) {
        self.selected_relation = None;
        if self.selection.is_some() || self.selected_span.is_some() {
            self.commit_note();
            self.selection = None;
            self.selected_span = None;
            self.spans.note_edit = None;
        }
    }

    /// Carries out a key that moves in the text.
    pub(super) fn move_in_text(&mut self, command: UiCommand) {
        use UiCommand::*;
        let Some((_, caret)) = self.caret_here() else {
            return;
        };
        let wait = |to: Toward, then: Then| {
            Some((
                Reach {
                    from: caret.start,
                    to,
                },
                then,
            ))
        };
        let caret_then = Then::Caret { before: false };
        if command.moves_caret() {
            self.leave_selection();
        }
        self.caret.waiting = match command {
            CaretDown => wait(Toward::Rows(1), caret_then),
            CaretUp => wait(Toward::Rows(-1), caret_then),
            CaretLineStart => wait(Toward::RowStart, caret_then),
            CaretLineEnd => wait(Toward::RowEnd, Then::Caret { before: true }),
            PageDown => wait(Toward::Screens(1), caret_then),
            PageUp => wait(Toward::Screens(-1), caret_then),
            EndEdgeDown | EndEdgeUp => {
                let Some(target) = self.edge_target() else {
                    return;
                };
                let rows = if command == EndEdgeDown { 1 } else { -1 };
                let from = target.range().end.saturating_sub(1);
                Some((
                    Reach {
                        from,
                        to: Toward::Rows(rows),
                    },
                    Then::EndEdge,
                ))
            }
            _ => None,
        };
        if self.caret.waiting.is_some() {
            if let Some(ctx) = self.repaint.get() {
                ctx.request_repaint();
            }
            return;
        }
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        let text = &doc.text;
        match command {
            CaretRight => {
                if let Some(word) = word_after(text, caret.end) {
                    self.put_caret(word);
                }
            }
            CaretLeft => {
                if let Some(word) = word_before(text, caret.start) {
                    self.put_caret(word);
                }
            }
            TextStart => {
                if let Some(word) = word_after(text, 0) {
                    self.put_caret(word);
                }
            }
            TextEnd => {
                if let Some(word) = word_before(text, text.len_chars()) {
                    self.put_caret(word);
                }
            }
            NextSpan | PreviousSpan => self.step_span(command == NextSpan, caret.start),
            EndEdgeRight | EndEdgeLeft | StartEdgeLeft | StartEdgeRight | EndCharRight
            | EndCharLeft | StartCharLeft | StartCharRight => {
                let (edge, forward, chars) = match command {
                    EndEdgeRight => (Edge::End, true, false),
                    EndEdgeLeft => (Edge::End, false, false),
                    StartEdgeLeft => (Edge::Start, false, false),
                    StartEdgeRight => (Edge::Start, true, false),
                    EndCharRight => (Edge::End, true, true),
                    EndCharLeft => (Edge::End, false, true),
                    StartCharLeft => (Edge::Start, false, true),
                    _ => (Edge::Start, true, true),
                };
                self.move_edge(edge, forward, chars);
            }
            _ => {}
        }
    }

    /// Finishes a waiting move with the place the view found.
    pub(super) fn reached(&mut self, then: Then, offset: usize) {
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        let text = &doc.text;
        match then {
            Then::Caret { before: false } => {
                if let Some(word) = word_at(text, offset) {
                    self.caret.set(&doc.id.clone(), word);
                }
            }
            Then::Caret { before: true } => {
                if let Some(word) = word_before(text, offset).or_else(|| word_at(text, offset)) {
                    self.caret.set(&doc.id.clone(), word);
                }
            }
            Then::EndEdge => {
                let word = word_at(text, offset);
                let Some(target) = self.edge_target() else {
                    return;
                };
                let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
                    return;
                };
                let range = target.range();
                let Some(word) = word else {
                    return;
                };
                // Never before the start: then the edge keeps the first word.
                let end = if word.end > range.start {
                    word.end
                } else {
                    match word_after(&doc.text, range.start) {
                        Some(first) => first.end,
                        None => return,
                    }
                };
                if end != range.end {
                    self.set_target(target, range.start..end, Edge::End);
                }
            }
        }
    }

    /// What the edge keys change: the selected span, else the selection,
    /// else the caret's word as a new selection.
    fn edge_target(&mut self) -> Option<Target> {
        let (_, caret) = self.caret_here()?;
        let doc = self.workspace.as_ref()?.current()?;
        if let Some(id) = self.selected_span
            && let Some(span) = doc.annotations().get(id)
        {
            return Some(Target::Span(id, span.range()));
        }
        match &self.selection {
            Some(range) => Some(Target::Selection(range.clone())),
            None => Some(Target::New(caret)),
        }
    }

    /// Moves an edge of the target by one unit; the caret follows the edge.
    fn move_edge(&mut self, edge: Edge, forward: bool, chars: bool) {
        let Some(target) = self.edge_target() else {
            return;
        };
        if let Target::New(word) = &target {
            // The first edge key selects the caret's word.
            self.commit_note();
            self.selection = Some(word.clone());
            return;
        }
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        let Some(moved) = moved_edge(&doc.text, &target.range(), edge, forward, chars) else {
            return;
        };
        self.set_target(target, moved, edge);
    }

    /// Gives the target the range `to`: a resize of the span, or the new
    /// selection; the caret goes to the word at the edge that moved.
    pub(super) fn set_target(&mut self, target: Target, to: Range<usize>, edge: Edge) {
        match target {
            Target::Span(id, _) => {
                self.apply(Change::here(Command::ResizeSpan {
                    id,
                    range: to.clone(),
                }));
            }
            Target::Selection(_) | Target::New(_) => self.selection = Some(to.clone()),
        }
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        let word = match edge {
            Edge::End => word_before(&doc.text, to.end),
            Edge::Start => word_after(&doc.text, to.start),
        };
        if let Some(word) = word {
            self.put_caret(word);
        }
    }

    /// Selects the next (or previous) span in text order after the selected
    /// one, or after the caret; round from the last to the first.
    fn step_span(&mut self, forward: bool, caret: usize) {
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        let spans: Vec<(SpanId, usize)> = doc
            .spans()
            .iter()
            .filter(|s| !doc.is_flagged(s.id))
            .map(|s| (s.id, s.start))
            .collect();
        if spans.is_empty() {
            self.status.show("No spans in this document yet".into());
            return;
        }
        let current = self
            .selected_span
            .and_then(|id| spans.iter().position(|(s, _)| *s == id));
        let next = match (current, forward) {
            (Some(i), true) => (i + 1) % spans.len(),
            (Some(i), false) => (i + spans.len() - 1) % spans.len(),
            (None, true) => spans
                .iter()
                .position(|(_, start)| *start >= caret)
                .unwrap_or(0),
            (None, false) => spans
                .iter()
                .rposition(|(_, start)| *start < caret)
                .unwrap_or(spans.len() - 1),
        };
        let (id, start) = spans[next];
        let word = word_at(&doc.text, start);
        self.commit_note();
        self.selection = None;
        self.selected_span = Some(id);
        self.spans.note_edit = None;
        if let Some(word) = word {
            self.put_caret(word);
        }
    }
}

/// What the edge keys change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// The selected span, and where it lies.
    Span(SpanId, Range<usize>),
    /// The selection.
    Selection(Range<usize>),
    /// Nothing yet: the caret's word, which becomes the selection.
    New(Range<usize>),
}

impl Target {
    pub(super) fn range(&self) -> Range<usize> {
        match self {
            Target::Span(_, range) | Target::Selection(range) | Target::New(range) => range.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words, sentences and edges over a curly quote, an emoji and CRLF.
    #[test]
    fn words_and_edges_step_over_quotes_emoji_and_crlf() {
        let text = SourceText::new("“Kim Jong” 😊 tiba.\r\nPutin berkata".to_owned()).unwrap();
        let slice = |r: Range<usize>| text.slice(r).to_owned();
        assert_eq!(word_after(&text, 0).map(slice).as_deref(), Some("“"));
        assert_eq!(word_after(&text, 5).map(slice).as_deref(), Some("Jong"));
        assert_eq!(word_at(&text, 9).map(slice).as_deref(), Some("”"));
        assert_eq!(word_at(&text, 10).map(slice).as_deref(), Some("😊"));
        assert_eq!(word_before(&text, 21).map(slice).as_deref(), Some("."));
        assert_eq!(word_after(&text, 17).map(slice).as_deref(), Some("."));
        assert_eq!(word_after(&text, 18).map(slice).as_deref(), Some("Putin"));
        assert_eq!(word_after(&text, 33), None);
        let sentence = |at| sentence_at(&text, at).map(slice);
        assert_eq!(sentence(6).as_deref(), Some("“Kim Jong” 😊 tiba."));
        assert_eq!(sentence(24).as_deref(), Some("Putin berkata"));
        // “Kim” grows to “Kim Jong”, then takes the quote; shrinks back.
        let kim = 1..4;
        let grown = moved_edge(&text, &kim, Edge::End, true, false).unwrap();
        assert_eq!(slice(grown.clone()), "Kim Jong");
        let grown = moved_edge(&text, &grown, Edge::End, true, false).unwrap();
        assert_eq!(slice(grown.clone()), "Kim Jong”");
        assert_eq!(
            moved_edge(&text, &grown, Edge::End, false, false),
            Some(1..9)
        );
        // A word never shrinks to nothing; the start moves over the quote.
        assert_eq!(moved_edge(&text, &kim, Edge::End, false, false), None);
        assert_eq!(
            moved_edge(&text, &kim, Edge::Start, false, false),
            Some(0..4)
        );
        // By characters: the emoji is one, and so is a CRLF line end (one
        // grapheme).
        assert_eq!(
            moved_edge(&text, &(11..12), Edge::Start, false, true),
            Some(10..12)
        );
        assert_eq!(
            moved_edge(&text, &(13..18), Edge::End, true, true),
            Some(13..20)
        );
        assert_eq!(
            moved_edge(&text, &(1..4), Edge::Start, true, true),
            Some(2..4)
        );
        // By words, across the line end to the next line's first word.
        assert_eq!(
            moved_edge(&text, &(13..17), Edge::End, true, false)
                .map(slice)
                .as_deref(),
            Some("tiba.")
        );
        assert_eq!(
            moved_edge(&text, &(13..18), Edge::End, true, false)
                .map(slice)
                .as_deref(),
            Some("tiba.\r\nPutin")
        );
    }
}
