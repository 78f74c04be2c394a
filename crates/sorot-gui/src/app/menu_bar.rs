//! The menu bar (top): File, Edit, Document, Text, Suggest, Review and View
//! menus, made from the command table, and at the right the project's name
//! and the annotator, who can be switched there.
//!
//! Terms:
//! - **command button**: a menu entry for a UI command, with the command's
//!   first shortcut beside it, greyed out while the command has nothing to
//!   act on.

use egui::{RichText, Ui};

use sorot_core::analysis::review::GOLD;
use sorot_core::project::workspace::Workspace;

use super::{Action, SorotApp};
use crate::commands::{Menu, UiCommand};

impl SorotApp {
    pub(super) fn menu_bar_ui(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::ALL {
                ui.menu_button(menu.title(), |ui| self.menu_ui(ui, menu));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let name = match (&self.review, &self.workspace) {
                    (Some(_), _) => "reviewer (gold set)".to_owned(),
                    (None, Some(w)) if w.annotator() == GOLD => "gold set".to_owned(),
                    _ => self
                        .prefs
                        .annotator
                        .clone()
                        .unwrap_or_else(|| "nobody".into()),
                };
                if ui
                    .button(format!("Annotator: {name}"))
                    .on_hover_text("Annotating as this person; click to switch")
                    .clicked()
                {
                    self.actions.push(Action::Ui(UiCommand::SwitchAnnotator));
                }
                if let Some(workspace) = &self.workspace {
                    ui.label(RichText::new(workspace.project().name()).strong())
                        .on_hover_text(workspace.project().root().display().to_string());
                }
            });
        });
    }

    /// One menu: its commands in the order of the command table, a line
    /// between groups, and the entries that are no commands (recent
    /// projects, quitting; the view's settings).
    fn menu_ui(&mut self, ui: &mut Ui, menu: Menu) {
        if menu == Menu::View {
            self.view_settings_ui(ui);
        }
        let mut group = None;
        for command in UiCommand::ALL.into_iter().filter(|c| c.menu().0 == menu) {
            let this = command.menu().1;
            if group.is_some_and(|g| g != this) {
                ui.separator();
            }
            group = Some(this);
            if matches!(
                command,
                UiCommand::ToggleSnapToWords
                    | UiCommand::ToggleLabelTags
                    | UiCommand::ToggleRelations
            ) {
                continue;
            }
            self.command_button(ui, command);
        }
        if menu == Menu::File {
            ui.menu_button("Open recent", |ui| {
                if self.prefs.recent_projects.is_empty() {
                    ui.label("No recent projects");
                }
                for path in self.prefs.recent_projects.clone() {
                    if ui.button(path.display().to_string()).clicked() {
                        self.actions.push(Action::OpenProject(path));
                    }
                }
            });
            ui.separator();
            if ui.button("Quit").clicked() {
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// The view's settings: word snapping, text size, theme and zoom.
    fn view_settings_ui(&mut self, ui: &mut Ui) {
        let mut snap = self.prefs.snap_to_words;
        let shortcut = ui
            .ctx()
            .format_shortcut(&UiCommand::ToggleSnapToWords.shortcuts()[0]);
        if ui
            .checkbox(&mut snap, UiCommand::ToggleSnapToWords.label())
            .on_hover_text(format!(
                "{shortcut}; hold Alt while dragging for exact characters"
            ))
            .changed()
        {
            self.actions.push(Action::Ui(UiCommand::ToggleSnapToWords));
        }
        let toggles = [
            (
                UiCommand::ToggleLabelTags,
                self.prefs.show_label_tags,
                "Each span's label above its start",
            ),
            (
                UiCommand::ToggleRelations,
                self.prefs.show_relations,
                "Every relation as an arc over the text, labeled with its type; off, only the selected span's",
            ),
        ];
        for (command, mut on, tip) in toggles {
            if ui
                .checkbox(&mut on, command.label())
                .on_hover_text(tip)
                .changed()
            {
                self.actions.push(Action::Ui(command));
            }
        }
        ui.add(egui::Slider::new(&mut self.prefs.text_size, 12.0..=28.0).text("Text size"));
        egui::widgets::global_theme_preference_buttons(ui);
        // Zoom in, out and back (Ctrl+Plus, Ctrl+Minus, Ctrl+0).
        egui::gui_zoom::zoom_menu_buttons(ui);
    }

    fn command_button(&mut self, ui: &mut Ui, command: UiCommand) {
        let mut button = egui::Button::new(command.label());
        if let Some(shortcut) = command.shortcuts().first() {
            button = button.shortcut_text(ui.ctx().format_shortcut(shortcut));
        }
        if ui
            .add_enabled(self.command_enabled(command), button)
            .clicked()
        {
            self.actions.push(Action::Ui(command));
            ui.close();
        }
    }

    /// Whether a command has something to act on; document commands look
    /// at the editing workspace (the gold set while reviewing).
    fn command_enabled(&self, command: UiCommand) -> bool {
        let doc = self.editing().and_then(Workspace::current);
        let editable = doc.is_some_and(|d| d.is_editable());
        match command {
            UiCommand::Undo => editable && doc.is_some_and(|d| d.can_undo()),
            UiCommand::Redo => editable && doc.is_some_and(|d| d.can_redo()),
            UiCommand::DeleteSpan => editable && self.selected_span.is_some(),
            UiCommand::ToggleDone => editable,
            UiCommand::Export | UiCommand::Import => {
                self.workspace.is_some() && !self.transfer.is_busy()
            }
            UiCommand::NextDocument | UiCommand::PreviousDocument | UiCommand::FocusFilter => {
                self.workspace.is_some()
            }
            UiCommand::Agreement | UiCommand::Review | UiCommand::ImportGazetteer => {
                self.workspace.is_some()
            }
            // An annotator's own work, against the gold set.
            UiCommand::CompareWithGold => self
                .workspace
                .as_ref()
                .is_some_and(|w| w.annotator() != GOLD && self.review.is_none()),
            UiCommand::NextDisagreement
            | UiCommand::PreviousDisagreement
            | UiCommand::AcceptA
            | UiCommand::AcceptB
            | UiCommand::AcceptBoth
            | UiCommand::RejectBoth => self.review.is_some(),
            UiCommand::SuggestDates | UiCommand::SuggestKnownNames => {
                editable && self.review.is_none()
            }
            UiCommand::LinkSource | UiCommand::LinkTarget => {
                editable && self.review.is_none() && self.selected_span.is_some()
            }
            UiCommand::FindMentions | UiCommand::FindMentionsInProject => {
                editable && self.review.is_none() && self.selected_span.is_some()
            }
            UiCommand::ReplaceOverlapped => editable && self.offer.is_some(),
            command if command.moves_in_text() => self.review.is_none() && doc.is_some(),
            UiCommand::FindInDocument | UiCommand::FindNext | UiCommand::FindPrevious => {
                self.review.is_none() && doc.is_some()
            }
            UiCommand::AcceptSuggestion
            | UiCommand::RejectSuggestion
            | UiCommand::AcceptAllSuggestions => {
                editable
                    && self
                        .current_suggestions()
                        .is_some_and(|s| !s.items.is_empty())
            }
            _ => true,
        }
    }
}
