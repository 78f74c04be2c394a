//! The status bar: whether everything is saved, the current document (or
//! the gold document under review) with its span count and status, the
//! count of its open suggestions, how selections snap, and the message of
//! the last action.
//!
//! Terms:
//! - **message**: one line the last action left, an error (shown in the
//!   error color, with its causes) or a piece of news; it stays until
//!   another replaces it or the user dismisses it.

use egui::{Color32, RichText, Ui};

use sorot_core::model::Status;
use sorot_core::project::workspace::SaveState;

use super::SorotApp;

/// The status bar's state: the message.
#[derive(Debug, Default)]
pub(super) struct StatusBar {
    /// `true` for an error.
    message: Option<(bool, String)>,
}

impl StatusBar {
    pub(super) fn message(&self) -> Option<&(bool, String)> {
        self.message.as_ref()
    }

    /// Shows an error, already put into words with its causes.
    pub(super) fn show_error(&mut self, text: String) {
        self.message = Some((true, text));
    }

    /// Shows news.
    pub(super) fn show(&mut self, text: String) {
        self.message = Some((false, text));
    }

    pub(super) fn clear(&mut self) {
        self.message = None;
    }

    /// Takes away the news `text`, if it is still shown.
    pub(super) fn clear_news(&mut self, text: &str) {
        if self
            .message
            .as_ref()
            .is_some_and(|(error, shown)| !error && shown == text)
        {
            self.message = None;
        }
    }

    /// Takes away an error, once what went wrong has gone right.
    pub(super) fn clear_error(&mut self) {
        if matches!(self.message, Some((true, _))) {
            self.message = None;
        }
    }
}

impl SorotApp {
    pub(super) fn status_bar_ui(&mut self, ui: &mut Ui) {
        let open_suggestions = self.current_suggestions().map(|s| s.items.len());
        ui.horizontal(|ui| {
            if let Some(workspace) = &self.workspace {
                // A note being typed is not saved yet.
                let typing = self.spans.note_edit.is_some();
                let (icon, color) = match workspace.save_state() {
                    // A note being typed is unsaved, whatever the saves
                    // already under way.
                    _ if typing => ("◑ unsaved", Color32::from_rgb(0xe8, 0x9b, 0x0c)),
                    SaveState::Saved => ("✔ saved", ui.visuals().weak_text_color()),
                    SaveState::Saving => ("saving…", ui.visuals().weak_text_color()),
                    SaveState::Unsaved => ("◑ unsaved", Color32::from_rgb(0xe8, 0x9b, 0x0c)),
                };
                ui.label(RichText::new(icon).color(color));
                ui.separator();
                if let Some(gold) = self.review.as_ref().and_then(|r| r.gold().current()) {
                    ui.label(format!(
                        "reviewing {} · {} · {}",
                        gold.id,
                        sorot_core::counted(gold.spans().len(), "gold span"),
                        review_state(gold.status())
                    ));
                    ui.separator();
                } else if let Some(doc) = workspace.current() {
                    ui.label(format!(
                        "{} · {} · {}",
                        doc.id,
                        sorot_core::counted(doc.spans().len(), "span"),
                        doc.status().describe()
                    ));
                    ui.separator();
                    if let Some(open) = open_suggestions {
                        ui.label(sorot_core::counted(open, "suggestion"))
                            .on_hover_text("Suggestions not yet accepted or rejected");
                        ui.separator();
                    }
                }
            }
            let snap = if self.prefs.snap_to_words {
                "selections snap to words (Alt: exact)"
            } else {
                "exact selections"
            };
            ui.label(RichText::new(snap).weak());
            if let Some((is_error, text)) = self.status.message.clone() {
                ui.separator();
                let color = if is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(&text).color(color))
                    .on_hover_text(&text);
                if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                    self.status.clear();
                }
            }
        });
    }
}

/// A gold document's status, as review calls it.
pub(super) fn review_state(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "not reviewed",
        Status::InProgress => "in review",
        Status::Done => "reviewed",
    }
}
