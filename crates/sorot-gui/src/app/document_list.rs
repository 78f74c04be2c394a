//! The document list (left): every text of the project with the annotator's
//! status and span count, or, while reviewing, the gold set's review status;
//! a filter box narrows it.
//!
//! Terms:
//! - **filter**: text typed into the box; the list keeps the documents
//!   whose id holds it, ignoring case. The list as filtered is the order in
//!   which the next and previous document keys move.
//! - **status icon**: ○ not started, ◑ in progress (in review), ✔ done
//!   (reviewed), ⚠ an annotation file that cannot be read.

use egui::{RichText, Ui};

use sorot_core::model::Status;
use sorot_core::project::workspace::Workspace;

use super::status_bar::review_state;
use super::{Action, SorotApp};

/// The document list's state.
#[derive(Debug, Default)]
pub(super) struct DocumentList {
    filter: String,
    /// The ids the filter keeps, with the filter they were listed for.
    filtered: Option<(String, Vec<String>)>,
    /// Moves the keyboard into the filter box in the next frame.
    pub(super) focus: bool,
}

impl DocumentList {
    /// The ids of the documents the filter keeps, in the project's order.
    pub(super) fn ids(&mut self, workspace: Option<&Workspace>) -> Vec<String> {
        let Some(workspace) = workspace else {
            return Vec::new();
        };
        if let Some((filter, ids)) = &self.filtered
            && *filter == self.filter
        {
            return ids.clone();
        }
        let needle = self.filter.to_lowercase();
        let ids: Vec<String> = workspace
            .project()
            .docs()
            .iter()
            .filter(|d| needle.is_empty() || d.id.to_lowercase().contains(&needle))
            .map(|d| d.id.clone())
            .collect();
        self.filtered = Some((self.filter.clone(), ids.clone()));
        ids
    }

    /// Lists the documents afresh (the project's texts changed, or another
    /// project opened).
    pub(super) fn relist(&mut self) {
        self.filtered = None;
    }
}

impl SorotApp {
    pub(super) fn document_list_ui(&mut self, ui: &mut Ui) {
        ui.add_space(4.0);
        ui.heading("Documents");
        let filter = ui.add(
            egui::TextEdit::singleline(&mut self.documents.filter)
                .hint_text("Filter")
                .desired_width(f32::INFINITY),
        );
        if std::mem::take(&mut self.documents.focus) {
            filter.request_focus();
        }
        ui.add_space(4.0);
        let ids = self.documents.ids(self.workspace.as_ref());
        let Some(workspace) = &self.workspace else {
            match &self.waiting {
                // The project opens once the annotator is known.
                Some(project) => {
                    ui.label(RichText::new("Opens once you say who is annotating").weak());
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        for doc in project.docs() {
                            ui.label(RichText::new(&doc.id).weak());
                        }
                    });
                }
                None => {
                    ui.label("No project open. File > Open folder…");
                }
            }
            return;
        };
        if ids.is_empty() {
            ui.label(RichText::new("No texts match").weak());
        }
        if let Some(review) = &mut self.review {
            if review.poll_counts() {
                ui.ctx().request_repaint();
            } else if review.is_counting() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        let review = self.review.as_ref();
        let reviewing = review.map(|r| r.gold());
        let current = reviewing
            .unwrap_or(workspace)
            .current_id()
            .map(str::to_owned);
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut clicked = None;
        egui::ScrollArea::vertical().auto_shrink(false).show_rows(
            ui,
            row_height,
            ids.len(),
            |ui, rows| {
                for id in &ids[rows] {
                    let selected = current.as_deref() == Some(id.as_str());
                    let (text, right, tip) = match reviewing {
                        Some(gold) => {
                            let status = gold.summary(id).map_or(Status::NotStarted, |s| s.status);
                            let mut tip = review_state(status).to_owned();
                            // Until reviewed: how many disagreements are left.
                            let left = review
                                .and_then(|r| r.left(id))
                                .filter(|_| status != Status::Done);
                            if let Some(left) = left {
                                tip = format!("{tip}, {left} left to decide");
                            }
                            let right = left.map(|n| format!("({n} left)"));
                            (format!("{}  {id}", status_icon(status)), right, tip)
                        }
                        None => {
                            let summary = workspace.summary(id);
                            let (icon, tip) = match summary {
                                Some(s) if s.error.is_some() => {
                                    ("⚠", s.error.clone().unwrap_or_default())
                                }
                                Some(s) => (status_icon(s.status), s.status.describe().to_owned()),
                                None => (status_icon(Status::NotStarted), "not started".to_owned()),
                            };
                            let count = summary.map_or(0, |s| s.spans);
                            (format!("{icon}  {id}"), Some(format!("({count})")), tip)
                        }
                    };
                    if document_row(ui, selected, text, right)
                        .on_hover_text(format!("{id}: {tip}"))
                        .clicked()
                    {
                        clicked = Some(id.clone());
                    }
                }
            },
        );
        if let Some(id) = clicked {
            self.actions.push(Action::SelectDocument(id));
        }
    }
}

fn status_icon(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "○",
        Status::InProgress => "◑",
        Status::Done => "✔",
    }
}

/// One row of the document list: one line, the name cut short with "…"
/// where it does not fit and `right` (the span count) kept at the right end.
/// The list scrolls by rows of one line; the hover text names the whole id.
fn document_row(
    ui: &mut Ui,
    selected: bool,
    text: String,
    right: Option<String>,
) -> egui::Response {
    let mut row = egui::Button::selectable(selected, text).truncate();
    if let Some(right) = right {
        row = row.right_text(right);
    }
    ui.add(row)
}
