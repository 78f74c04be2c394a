//! The text view panel (center): the current document with its spans and
//! suggestions painted as marks, or, while reviewing, the document with
//! both sides' differences; what the pointer does there becomes actions.
//!
//! Terms:
//! - **mark**: what the view paints for a span, a suggestion (a **ghost**:
//!   a frame without fill) or a side of a difference.
//! - **snapping**: a dragged range widens to whole words, unless Alt is
//!   held or snapping is off, in which case it widens to whole graphemes.
//! - **related**: the other ends of the selected span's relations, lit up.

use egui::{RichText, Ui};

use sorot_core::project::document::Access;

use super::{Action, SorotApp};
use crate::commands::UiCommand;
use crate::text_view::{Highlight, Mark, TextView, ViewEvent};

/// Mark ids of suggestions start here, clear of span ids.
const GHOST_IDS: u32 = 3_000_000_000;

/// The text view panel's state.
#[derive(Default)]
pub(super) struct DocumentView {
    pub(super) view: TextView,
    /// Offset to scroll the text to, once.
    pub(super) scroll_to: Option<usize>,
}

impl SorotApp {
    pub(super) fn document_ui(&mut self, ui: &mut Ui) {
        if self.review.is_some() {
            self.review_document_ui(ui);
            return;
        }
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
        // The selected span's relations light up their other ends.
        let related = self
            .selected_span
            .map(|id| {
                doc.annotations()
                    .relations_of(id)
                    .iter()
                    .map(|r| if r.from == id { r.to } else { r.from })
                    .collect()
            })
            .unwrap_or_default();
        let scroll_to = self.text.scroll_to.take();
        let schema = workspace.project().schema();
        let mut marks: Vec<Mark<'_>> = doc
            .spans()
            .iter()
            .filter(|s| !doc.is_flagged(s.id))
            .map(|s| Mark {
                id: s.id,
                start: s.start,
                end: s.end,
                color: schema.color(&s.label),
                title: &s.label,
                text: &s.text,
                note: &s.note,
                ghost: false,
            })
            .collect();
        let mut highlighted = self.selected_span;
        let suggestions = self
            .suggestions
            .list
            .as_ref()
            .filter(|s| s.doc_id == doc.id);
        if let Some(list) = suggestions {
            for (i, item) in list.items.iter().enumerate() {
                let id = GHOST_IDS + i as u32;
                if i == list.current && highlighted.is_none() {
                    highlighted = Some(id);
                }
                marks.push(Mark {
                    id,
                    start: item.start,
                    end: item.end,
                    color: schema.color(&item.label),
                    title: "suggestion",
                    text: &item.label,
                    note: item.value.as_deref().unwrap_or(""),
                    ghost: true,
                });
            }
            marks.sort_by_key(|m| (m.start, m.end, m.id));
        }
        let highlight = Highlight {
            selection: self.text.view.dragging().or_else(|| self.selection.clone()),
            span: highlighted,
            related,
        };
        let event = self.text.view.show(
            ui,
            &doc.id,
            &doc.text,
            &marks,
            doc.revision() ^ (self.suggestions.generation << 40),
            &highlight,
            self.prefs.text_size,
            scroll_to,
        );
        let snap = |range| {
            if self.prefs.snap_to_words {
                doc.text.snap_to_words(range)
            } else {
                Some(doc.text.snap_to_graphemes(range))
            }
        };
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
            }) if self.selection.is_some() => {
                let selection = self.selection.clone().unwrap_or(offset..offset);
                let range = selection.start.min(offset)..selection.end.max(offset);
                if let Some(range) = snap(range) {
                    self.actions.push(Action::SelectText(range));
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
        let scroll_to = review.scroll_to.take();
        let highlight = Highlight {
            selection: None,
            span: review.highlighted_mark(),
            related: Vec::new(),
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
            &marks,
            revision,
            &highlight,
            self.prefs.text_size,
            scroll_to,
        );
        drop(marks);
        if let Some(ViewEvent::Clicked { offset, .. }) = event {
            review.select_at(offset);
        }
    }
}
