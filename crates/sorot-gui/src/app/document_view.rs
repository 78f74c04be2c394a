//! The text view panel (center): the current document with its spans and
//! suggestions painted as marks, or, while reviewing, the document with
//! both sides' differences; what the pointer does there becomes actions.
//!
//! Terms:
//! - **mark**: what the view paints for a span, a suggestion (a **ghost**:
//!   a frame without fill) or a side of a difference.
//! - **snapping**: a dragged range widens to whole words, unless Alt is
//!   held or snapping is off, in which case it widens to whole graphemes.
//! - **related**: the other ends of the selected span's relations, lit up;
//!   with a relation selected, its two ends.
//! - **span index**: for each span, the furthest end among it and the spans
//!   before it; with it the spans in the view's window are found by two
//!   binary searches, not a pass over all of them.
//! - **extending click**: Shift+click moves the selection's far end to the
//!   clicked word: from the selection's start (or the caret's word) when
//!   the word lies after it, else from its end; so it grows or shrinks.

use std::ops::Range;

use egui::{RichText, Ui};

use sorot_core::analysis::suggest::Suggestion;
use sorot_core::model::Span;
use sorot_core::project::document::Access;

use super::caret::{sentence_at, word_at};
use super::{Action, SorotApp};
use crate::commands::UiCommand;
use crate::text_view::{
    Edge, Highlight, Layer, Layers, Link, Mark, Scroll, Show, TextView, Underline, ViewEvent,
};

/// Mark ids of suggestions start here, clear of span ids.
const GHOST_IDS: u32 = 3_000_000_000;

/// The text view panel's state.
#[derive(Default)]
pub(super) struct DocumentView {
    pub(super) view: TextView,
    /// Offset to scroll the text to, once, into the middle of the view.
    pub(super) scroll_to: Option<usize>,
    /// A window over the text that `scroll_to` should keep clear of (see
    /// [`Scroll::clear_of`]), taken with it.
    pub(super) clear_of: Option<egui::Rect>,
    /// Offset to bring into view, once, scrolling only if it is not.
    pub(super) reveal: Option<usize>,
    /// Whether the text view was shown in the last frame (and so can hold
    /// the keyboard).
    pub(super) shown: bool,
    /// The index of the current document's spans by position.
    index: SpanIndex,
    /// What the text view showed in the last frame: the document, the
    /// window of characters it asked marks for, and the view's rectangle on
    /// the screen.
    seen: Option<(String, Range<usize>, egui::Rect)>,
}

impl DocumentView {
    /// Drops the view's layout and span index, for documents that may share
    /// an id and revision with the ones shown (another annotator's, the
    /// gold set's).
    pub(super) fn forget(&mut self) {
        let scroll_to = self.scroll_to.take();
        *self = DocumentView {
            scroll_to,
            ..DocumentView::default()
        };
    }

    /// Where the view lay on the screen in the last frame.
    pub(super) fn seen_rect(&self) -> Option<egui::Rect> {
        self.seen.as_ref().map(|(_, _, rect)| *rect)
    }

    /// The indices of the suggestions of `doc` (sorted by start) whose
    /// first row the view showed whole in the last frame, in order.
    pub(super) fn in_view<'a>(
        &'a self,
        doc: &str,
        items: &'a [Suggestion],
    ) -> impl Iterator<Item = usize> + Clone + 'a {
        let (window, rect) = match &self.seen {
            Some((id, window, rect)) if id == doc => (window.clone(), *rect),
            _ => (0..0, egui::Rect::NOTHING),
        };
        let first = items.partition_point(|s| s.start < window.start);
        let last = items.partition_point(|s| s.start < window.end);
        (first..last.max(first)).filter(move |&i| {
            let item = &items[i];
            self.view
                .screen_rect(item.start..item.end)
                .is_some_and(|r| rect.expand(1.0).contains_rect(r))
        })
    }

    /// Where to scroll to in this frame, taken once.
    fn take_scroll(&mut self) -> Option<Scroll> {
        let clear_of = self.clear_of.take();
        let center = self.scroll_to.take().map(|offset| Scroll {
            offset,
            center: true,
            clear_of,
        });
        let reveal = self.reveal.take().map(|offset| Scroll {
            offset,
            center: false,
            clear_of: None,
        });
        center.or(reveal)
    }
}

/// Where a document's spans lie, so that the spans overlapping a window are
/// found without a pass over all of them: for each span (sorted by start),
/// the furthest end of it and the spans before it. Made again when the
/// annotations change.
#[derive(Default)]
struct SpanIndex {
    /// The document, its revision, and where and how many its spans are.
    key: Option<(String, u64, usize, usize)>,
    furthest_end: Vec<usize>,
}

impl SpanIndex {
    fn update(&mut self, doc_id: &str, revision: u64, spans: &[Span]) {
        let (at, len) = (spans.as_ptr() as usize, spans.len());
        if self
            .key
            .as_ref()
            .is_some_and(|(id, r, a, l)| id == doc_id && *r == revision && *a == at && *l == len)
        {
            return;
        }
        let mut furthest = 0;
        self.furthest_end = spans
            .iter()
            .map(|s| {
                furthest = furthest.max(s.end);
                furthest
            })
            .collect();
        self.key = Some((doc_id.to_owned(), revision, at, len));
    }

    /// The spans of `spans` (those the index was made of) that overlap
    /// `window`, in order.
    fn overlapping<'s>(&self, spans: &'s [Span], window: Range<usize>) -> &'s [Span] {
        let first = self
            .furthest_end
            .partition_point(|&end| end <= window.start);
        let last = spans.partition_point(|s| s.start < window.end);
        &spans[first.min(last)..last]
    }
}

impl SorotApp {
    pub(super) fn document_ui(&mut self, ui: &mut Ui) {
        self.text.shown = false;
        if self.review.is_some() {
            self.review_document_ui(ui);
            return;
        }
        self.find_bar_ui(ui);
        let Some(workspace) = &self.workspace else {
            ui.centered_and_justified(|ui| {
                ui.label("Open a folder of .txt files with File > Open folder… (Ctrl+O)");
            });
            return;
        };
        let Some(doc) = workspace.current() else {
            ui.centered_and_justified(|ui| {
                if workspace.project().docs().is_empty() {
                    ui.label(format!(
                        "No .txt files in {}",
                        workspace.project().text_dir().display()
                    ));
                } else {
                    ui.label("Choose a document on the left, or press Alt+Right");
                }
            });
            return;
        };
        if let Access::ReadOnly { reason } = doc.access() {
            egui::Frame::new()
                .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
                .inner_margin(6.0)
                .show(ui, |ui| {
                    ui.label(
                        RichText::new(format!("Read-only: {reason}"))
                            .color(ui.visuals().warn_fg_color),
                    );
                });
        }
        // The selected span's relations light up their other ends; a
        // selected relation, its two ends.
        let relation = self
            .selected_relation
            .as_ref()
            .filter(|(id, _)| *id == doc.id)
            .map(|(_, r)| r.clone());
        let related = match (&relation, self.selected_span) {
            (Some(r), _) => vec![r.from, r.to],
            (None, Some(id)) => doc
                .annotations()
                .relations_of(id)
                .iter()
                .map(|r| if r.from == id { r.to } else { r.from })
                .collect(),
            (None, None) => Vec::new(),
        };
        let scroll_to = self.text.take_scroll();
        let schema = workspace.project().schema();
        let mut highlighted = self.selected_span;
        let suggestions = self
            .suggestions
            .list
            .as_ref()
            .filter(|s| s.doc_id == doc.id);
        if highlighted.is_none()
            && let Some(current) = self.current_suggestion()
        {
            highlighted = Some(GHOST_IDS + current as u32);
        }
        self.text.index.update(&doc.id, doc.revision(), doc.spans());
        let index = &self.text.index;
        // Each label's color, looked up once rather than read for each span.
        let colors: Vec<(&str, [u8; 3])> = schema
            .labels
            .iter()
            .map(|l| (l.name.as_str(), schema.color(&l.name)))
            .collect();
        let color_of = |label: &str| {
            colors
                .iter()
                .find(|(name, _)| *name == label)
                .map_or_else(|| schema.color(label), |(_, color)| *color)
        };
        // Every span with its tag, and every relation between spans shown.
        let layers = || {
            let mut layers = Layers::default();
            layers.spans.reserve(doc.spans().len());
            // Each label's name and color, found once per run of spans of
            // one label rather than once per span.
            let mut last: Option<(&str, u32, [u8; 3])> = None;
            for s in doc.spans().iter().filter(|s| !doc.is_flagged(s.id)) {
                let (tag, color) = match last {
                    Some((label, tag, color)) if label == s.label => (tag, color),
                    _ => (layers.name(&s.label), color_of(&s.label)),
                };
                last = Some((&s.label, tag, color));
                layers.spans.push(Layer {
                    id: s.id,
                    start: s.start,
                    end: s.end,
                    color,
                    tag: Some(tag),
                });
            }
            for relation in doc.annotations().relations() {
                let kind = layers.name(&relation.kind);
                layers.relations.push(Link {
                    from: relation.from,
                    to: relation.to,
                    kind,
                });
            }
            layers
        };
        // The marks of the window: its spans, and the suggestions in it.
        let mut window_seen = None;
        let marks_in = |window: Range<usize>| {
            window_seen = Some(window.clone());
            let mut marks: Vec<Mark<'_>> = index
                .overlapping(doc.spans(), window.clone())
                .iter()
                .filter(|s| s.end > window.start && !doc.is_flagged(s.id))
                .map(|s| Mark {
                    id: s.id,
                    start: s.start,
                    end: s.end,
                    color: color_of(&s.label),
                    title: &s.label,
                    text: &s.text,
                    note: &s.note,
                    ghost: false,
                    underline: Underline::Solid,
                    struck: false,
                })
                .collect();
            if let Some(list) = suggestions {
                let ghosts = list
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(_, item)| item.start < window.end && item.end > window.start);
                for (i, item) in ghosts {
                    marks.push(Mark {
                        id: GHOST_IDS + i as u32,
                        start: item.start,
                        end: item.end,
                        color: schema.color(&item.label),
                        title: "suggestion",
                        text: &item.label,
                        note: item.value.as_deref().unwrap_or(""),
                        ghost: true,
                        underline: Underline::Solid,
                        struck: false,
                    });
                }
                marks.sort_by_key(|m| (m.start, m.end, m.id));
            }
            marks
        };
        let snap = |range| {
            if self.prefs.snap_to_words {
                doc.text.snap_to_words(range)
            } else {
                Some(doc.text.snap_to_graphemes(range))
            }
        };
        let selected = self
            .selected_span
            .filter(|_| doc.is_editable())
            .and_then(|id| doc.annotations().get(id));
        // Where a handle being dragged would put the span.
        let edge_drag = self.text.view.dragging_edge().and_then(|(edge, offset)| {
            let span = selected?;
            let exact = !self.prefs.snap_to_words || ui.input(|i| i.modifiers.alt);
            dragged_edge(&doc.text, span.range(), edge, offset, exact)
        });
        let found = self.find.matches(&doc.id, &doc.text);
        let highlight = Highlight {
            selection: self
                .text
                .view
                .dragging()
                .or_else(|| edge_drag.clone())
                .or_else(|| self.selection.clone()),
            span: highlighted,
            handles: selected.is_some(),
            related,
            relation,
            caret: self.caret.word(&doc.id),
            found,
        };
        let reach = self.caret.waiting.map(|(reach, _)| reach);
        let view_rect = ui.available_rect_before_wrap();
        let event = self.text.view.show(
            ui,
            &doc.id,
            &doc.text,
            doc.revision(),
            layers,
            marks_in,
            &highlight,
            self.prefs.text_size,
            Show {
                tags: self.prefs.show_label_tags,
                relations: self.prefs.show_relations,
            },
            scroll_to,
            reach,
        );
        self.text.shown = true;
        self.text.seen = window_seen.map(|window| (doc.id.clone(), window, view_rect));
        if let Some((_, then)) = self.caret.waiting.take()
            && let Some(offset) = self.text.view.reached()
        {
            self.actions.push(Action::Reached(then, offset));
        }
        match event {
            Some(ViewEvent::Dragged { range, exact }) => {
                let snapped = if exact {
                    Some(doc.text.snap_to_graphemes(range))
                } else {
                    snap(range)
                };
                self.actions.push(match snapped.filter(|r| !r.is_empty()) {
                    Some(range) => Action::SelectText(range),
                    None => Action::Ui(UiCommand::ClearSelection),
                });
            }
            Some(ViewEvent::Clicked {
                offset,
                extend: true,
            }) => {
                let base = self
                    .selection
                    .clone()
                    .or_else(|| self.caret.word(&doc.id))
                    .unwrap_or(offset..offset);
                let word = snap(offset..offset).unwrap_or(offset..offset);
                let range = if word.start >= base.start {
                    base.start..word.end.max(base.start + 1)
                } else {
                    word.start..base.end
                };
                if let Some(range) = snap(range).filter(|r| !r.is_empty()) {
                    self.actions.push(Action::SelectText(range));
                }
            }
            Some(ViewEvent::DoubleClicked { offset }) => {
                if let Some(word) = word_at(&doc.text, offset) {
                    self.actions.push(Action::SelectText(word));
                }
            }
            Some(ViewEvent::TripleClicked { offset }) => {
                if let Some(sentence) = sentence_at(&doc.text, offset) {
                    self.actions.push(Action::SelectText(sentence));
                }
            }
            Some(ViewEvent::EdgeDragged {
                edge,
                offset,
                exact,
            }) => {
                let exact = exact || !self.prefs.snap_to_words;
                if let Some(span) = selected
                    && let Some(range) = dragged_edge(&doc.text, span.range(), edge, offset, exact)
                {
                    self.actions.push(Action::Resize(span.id, range));
                }
            }
            Some(ViewEvent::Linked { from, to, second }) => {
                let innermost = |offset| {
                    doc.annotations()
                        .spans_at(offset)
                        .into_iter()
                        .find(|s| !doc.is_flagged(s.id))
                        .map(|s| s.id)
                };
                if let (Some(from), Some(to)) = (innermost(from), innermost(to))
                    && from != to
                {
                    let kind = schema
                        .relations
                        .get(usize::from(second))
                        .map_or("source", |r| r.name.as_str());
                    self.spans.relating = Some((from, kind.to_owned()));
                    self.actions.push(Action::LinkTo(to));
                }
            }
            Some(ViewEvent::RelationClicked(relation)) => {
                self.actions.push(Action::SelectRelation {
                    relation,
                    reveal: false,
                });
            }
            Some(ViewEvent::Clicked { offset, .. }) => {
                let hit = doc
                    .annotations()
                    .spans_at(offset)
                    .into_iter()
                    .find(|s| !doc.is_flagged(s.id));
                // A click on a suggestion's frame accepts it, unless a
                // narrower span lies under the pointer.
                let ghost = suggestions
                    .filter(|_| self.spans.relating.is_none())
                    .and_then(|list| {
                        list.items
                            .iter()
                            .filter(|g| g.start <= offset && offset < g.end)
                            .min_by_key(|g| g.end - g.start)
                    })
                    .filter(|g| hit.is_none_or(|s| g.end - g.start < s.end - s.start));
                if let Some(item) = ghost {
                    self.actions.push(Action::AcceptSuggestionAt(item.clone()));
                    return;
                }
                let hit = hit.map(|s| s.id);
                if self.spans.relating.is_none() {
                    self.actions.push(Action::CaretTo(offset));
                }
                self.actions.push(match (hit, &self.spans.relating) {
                    // Choosing the other end of a relation.
                    (Some(id), Some(_)) => Action::LinkTo(id),
                    (Some(id), None) => Action::SelectSpan { id, reveal: false },
                    (None, _) => Action::Ui(UiCommand::ClearSelection),
                });
            }
            None => {}
        }
    }

    /// The document under review, with the differences of its two sides.
    fn review_document_ui(&mut self, ui: &mut Ui) {
        let Some(review) = &mut self.review else {
            return;
        };
        let scroll_to = review.scroll_to.take().map(|offset| Scroll {
            offset,
            center: true,
            clear_of: None,
        });
        let highlight = Highlight {
            span: review.highlighted_mark(),
            ..Highlight::default()
        };
        let Some(gold) = review.gold().current() else {
            ui.centered_and_justified(|ui| {
                ui.label("Choose a document on the left to review it");
            });
            return;
        };
        let marks = review.marks();
        let revision = gold.revision() ^ (marks.len() as u64) << 32;
        let event = self.text.view.show(
            ui,
            &gold.id,
            &gold.text,
            revision,
            || Layers {
                spans: marks
                    .iter()
                    .map(|m| Layer {
                        id: m.id,
                        start: m.start,
                        end: m.end,
                        color: m.color,
                        tag: None,
                    })
                    .collect(),
                ..Layers::default()
            },
            |window| {
                marks
                    .iter()
                    .take_while(|m| m.start < window.end)
                    .filter(|m| m.end > window.start)
                    .copied()
                    .collect()
            },
            &highlight,
            self.prefs.text_size,
            Show {
                tags: false,
                relations: false,
            },
            scroll_to,
            None,
        );
        self.text.shown = true;
        drop(marks);
        if let Some(ViewEvent::Clicked { offset, .. }) = event {
            review.select_at(offset);
        }
    }
}

/// Where a span over `range` lies with its `edge` dragged to `offset` (a
/// place between two characters): the end at the end of the last word that
/// starts before it, the start at the start of the first word that ends
/// after it (so a word the pointer is in is taken whole), or either at the
/// grapheme there when `exact`. `None` when that would leave nothing.
fn dragged_edge(
    text: &sorot_core::model::text::SourceText,
    range: Range<usize>,
    edge: Edge,
    offset: usize,
    exact: bool,
) -> Option<Range<usize>> {
    let at = if exact {
        let grapheme = text.snap_to_graphemes(offset..offset);
        match edge {
            Edge::Start => grapheme.start,
            Edge::End => grapheme.end,
        }
    } else {
        super::caret::word_through(text, offset, edge)?
    };
    let moved = match edge {
        Edge::Start => at..range.end,
        Edge::End => range.start..at,
    };
    (moved.start < moved.end && moved != range).then_some(moved)
}
