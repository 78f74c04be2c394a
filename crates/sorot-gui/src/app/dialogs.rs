//! The dialogs that wait for an answer before anything else: who is
//! annotating, which two sides to review, and how to settle a conflict
//! between unsaved changes and a file changed on disk.
//!
//! Terms:
//! - **dialog**: a modal window; while one is open, keys go to it, not to
//!   the workbench.
//! - **conflict**: the editing workspace's document whose save found its
//!   file changed on disk (a `git pull`, an import); Reload takes the file,
//!   Keep mine overwrites it.
//! - **mark reviewed with open disagreements**: marking a document reviewed
//!   while some of its disagreements are undecided asks first, saying how
//!   many.
//! - **close with a conflict**: closing the window while a conflict holds
//!   unsaved changes asks first, as an editor asks before it drops unsaved
//!   work: keep mine and close, reload and close, or cancel.

use egui::Key;

use sorot_core::analysis::review::GOLD;
use sorot_core::project::is_valid_annotator;
use sorot_core::project::workspace::Resolution;

use super::{Action, Closing, SorotApp};

/// A dialog that waits for an answer.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Dialog {
    /// Asks for the annotator's name; the field's current text.
    Annotator(String),
    /// Chooses the two sides of a review.
    StartReview {
        a: String,
        b: String,
        hide_names: bool,
    },
    /// Asks before closing the window would drop the unsaved changes of the
    /// document in conflict (its id).
    Close(String),
    /// Asks before marking the document reviewed with this many
    /// disagreements undecided.
    MarkReviewed(usize),
}

impl SorotApp {
    pub(super) fn dialogs_ui(&mut self, ctx: &egui::Context) {
        match self.dialog.clone() {
            Some(Dialog::StartReview { a, b, hide_names }) => {
                self.start_review_ui(ctx, a, b, hide_names)
            }
            Some(Dialog::Annotator(name)) => self.annotator_ui(ctx, name),
            Some(Dialog::MarkReviewed(open)) => self.mark_reviewed_ui(ctx, open),
            Some(Dialog::Close(doc)) => {
                self.close_ui(ctx, &doc);
                return;
            }
            None => {}
        }
        self.conflict_ui(ctx);
    }

    /// Handles a request to close the window: granted unless a conflict
    /// holds unsaved changes, which the user is asked about first; and
    /// closes the window once a conflict the user settled to close is
    /// settled.
    pub(super) fn handle_close(&mut self, ctx: &egui::Context) {
        let conflict = self.editing().and_then(|w| w.conflict()).map(str::to_owned);
        match (self.closing, conflict) {
            (Closing::WhenSettled, None) => {
                self.closing = Closing::Confirmed;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                return;
            }
            (Closing::Confirmed, _) => return,
            _ => {}
        }
        if !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        // What can be saved is saved now; a conflict cannot be.
        self.save_all();
        if let Some(doc) = self.editing().and_then(|w| w.conflict()).map(str::to_owned) {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.closing = Closing::Open;
            self.dialog = Some(Dialog::Close(doc));
        }
    }

    fn close_ui(&mut self, ctx: &egui::Context, doc: &str) {
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("close dialog")).show(ctx, |ui| {
            ui.heading("Close Sorot?");
            ui.label(format!(
                "Your annotations of {doc} changed on disk since Sorot read them, and you have unsaved changes. Closing now would lose them."
            ));
            ui.horizontal(|ui| {
                if ui
                    .button("Keep mine and close")
                    .on_hover_text("Overwrite the file on disk with your version, then close")
                    .clicked()
                {
                    answer = Some(Some(Resolution::KeepMine));
                }
                if ui
                    .button("Reload and close")
                    .on_hover_text("Keep the file on disk; drop your unsaved changes, then close")
                    .clicked()
                {
                    answer = Some(Some(Resolution::Reload));
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    answer = Some(None);
                }
            });
        });
        match answer {
            Some(Some(resolution)) => {
                self.actions.push(Action::Resolve(resolution));
                self.closing = Closing::WhenSettled;
                self.dialog = None;
            }
            Some(None) => self.dialog = None,
            None => {}
        }
    }

    fn mark_reviewed_ui(&mut self, ctx: &egui::Context, open: usize) {
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("mark reviewed dialog")).show(ctx, |ui| {
            ui.heading("Mark reviewed?");
            ui.label(if open == 1 {
                "1 disagreement of this document is still undecided; it stays out of the gold set.".to_owned()
            } else {
                format!("{open} disagreements of this document are still undecided; they stay out of the gold set.")
            });
            ui.label("What both sides agree on goes into the gold set either way.");
            ui.horizontal(|ui| {
                if ui.button("Mark reviewed").clicked() || ui.input(|i| i.key_pressed(Key::Enter)) {
                    answer = Some(true);
                }
                if ui.button("Keep reviewing").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                    answer = Some(false);
                }
            });
        });
        if let Some(confirmed) = answer {
            self.dialog = None;
            if confirmed {
                self.mark_reviewed();
            }
        }
    }

    fn start_review_ui(
        &mut self,
        ctx: &egui::Context,
        mut a: String,
        mut b: String,
        mut hide_names: bool,
    ) {
        let annotators = self
            .workspace
            .as_ref()
            .map(|w| w.project().annotators())
            .unwrap_or_default();
        let mut start = false;
        let mut cancel = false;
        egui::Modal::new(egui::Id::unique("review dialog")).show(ctx, |ui| {
            ui.heading("Review");
            ui.label("Compare two annotators, or one annotator with the gold set; decisions go to the gold set.");
            egui::Grid::new("review sides").num_columns(2).show(ui, |ui| {
                let label = ui.label("A");
                egui::ComboBox::from_id_salt("review a")
                    .selected_text(a.clone())
                    .show_ui(ui, |ui| {
                        for name in &annotators {
                            ui.selectable_value(&mut a, name.clone(), name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("B");
                let shown = if b == GOLD { "gold set".to_owned() } else { b.clone() };
                egui::ComboBox::from_id_salt("review b")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for name in &annotators {
                            ui.selectable_value(&mut b, name.clone(), name);
                        }
                        ui.selectable_value(&mut b, GOLD.to_owned(), "gold set");
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
            });
            ui.checkbox(&mut hide_names, "Hide annotator names");
            ui.horizontal(|ui| {
                if ui.add_enabled(!a.is_empty() && a != b, egui::Button::new("Start review")).clicked() {
                    start = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        self.dialog = if start || cancel {
            None
        } else {
            Some(Dialog::StartReview {
                a: a.clone(),
                b: b.clone(),
                hide_names,
            })
        };
        if start {
            self.start_review(&a, &b, hide_names);
        }
    }

    fn annotator_ui(&mut self, ctx: &egui::Context, mut name: String) {
        let known = self
            .workspace
            .as_ref()
            .map(|w| w.project())
            .or(self.waiting.as_ref())
            .map(|p| p.annotators())
            .unwrap_or_default();
        let mut confirmed = false;
        let mut cancelled = false;
        egui::Modal::new(egui::Id::unique("annotator dialog")).show(ctx, |ui| {
            ui.heading("Who is annotating?");
            ui.label("Your annotations are saved under annotations/<name>/.");
            let label = ui.label("Annotator name:");
            let response = ui.text_edit_singleline(&mut name).labelled_by(label.id);
            response.request_focus();
            // Enter confirms, wherever the focus is: the dialog is modal.
            if ui.input(|i| i.key_pressed(Key::Enter)) {
                confirmed = true;
            }
            if !known.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Existing:");
                    for annotator in &known {
                        if ui.button(annotator).clicked() {
                            name = annotator.clone();
                            confirmed = true;
                        }
                    }
                });
            }
            let valid = is_valid_annotator(&name);
            if let Some(other) = same_but_for_case(&name, &known) {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!(
                        "{other} already annotates this project; {name} would be another annotator, with files of its own"
                    ),
                );
            }
            if !valid {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    "Letters, digits, '_', '-' and '.', starting with a letter or digit",
                );
            }
            ui.horizontal(|ui| {
                if ui.add_enabled(valid, egui::Button::new("OK")).clicked() {
                    confirmed = true;
                }
                if self.prefs.annotator.is_some() && ui.button("Cancel").clicked() {
                    cancelled = true;
                }
            });
            confirmed &= valid;
        });
        self.dialog = if confirmed || cancelled {
            None
        } else {
            Some(Dialog::Annotator(name.clone()))
        };
        if confirmed {
            self.actions.push(Action::SetAnnotator(name));
        }
    }

    fn conflict_ui(&mut self, ctx: &egui::Context) {
        let Some(path) = self.editing().and_then(|w| w.conflict()).map(str::to_owned) else {
            return;
        };
        egui::Modal::new(egui::Id::unique("conflict dialog")).show(ctx, |ui| {
            ui.heading("Annotations changed on disk");
            ui.label(format!(
                "Your annotations of {path} changed on disk since Sorot read them (after a git pull, perhaps), and you have unsaved changes."
            ));
            ui.horizontal(|ui| {
                if ui.button("Reload").on_hover_text("Take the file on disk; drop your unsaved change").clicked() {
                    self.actions.push(Action::Resolve(Resolution::Reload));
                }
                if ui.button("Keep mine").on_hover_text("Overwrite the file on disk with your version").clicked() {
                    self.actions.push(Action::Resolve(Resolution::KeepMine));
                }
            });
        });
    }
}

/// An existing annotator whose name differs from `name` only in case.
fn same_but_for_case<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .find(|k| k.as_str() != name && k.to_lowercase() == name.to_lowercase())
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_only_in_case_are_told_apart() {
        let known = ["ayu".to_owned(), "budi".to_owned()];
        assert_eq!(same_but_for_case("Ayu", &known), Some("ayu"));
        assert_eq!(same_but_for_case("ayu", &known), None);
        assert_eq!(same_but_for_case("citra", &known), None);
    }
}
