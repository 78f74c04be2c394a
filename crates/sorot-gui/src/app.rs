//! The workbench window: document list, text view, labels and spans.
//!
//! Every user action becomes an [`Action`] pushed onto a queue while the
//! frame is drawn, and the queue is run once at the end of the frame; edits
//! go from there through [`Workspace::execute`] (command → edit with inverse →
//! autosave). Errors are shown once, in the status bar or a dialog.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use egui::{Color32, Key, Modifiers, RichText, Ui};

use super::StartOptions;
use super::commands::{UiCommand, digit_of};
use super::prefs::Preferences;
use super::review::{Decision, PanelAction, ReviewMode};
use super::text_view::{Highlight, Mark, TextView, ViewEvent};
use super::transfer;
use sorot_core::analysis::review::GOLD;
use sorot_core::analysis::suggest::{self, Suggestion};
use sorot_core::model::{SpanId, Status};
use sorot_core::project::document::{Access, Command, Outcome};
use sorot_core::project::workspace::{Resolution, SaveState, Workspace, WorkspaceError};
use sorot_core::project::{CONFIG_FILE, Project, is_valid_annotator, sanitize_annotator};
use std::collections::BTreeMap;

/// Something the user asked for, run at the end of the frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Ui(UiCommand),
    ApplyLabel(String),
    /// Selects text, as a drag would (already snapped).
    SelectText(Range<usize>),
    SelectDocument(String),
    /// Selects a span; `reveal` scrolls the text to it (from the span list).
    SelectSpan {
        id: SpanId,
        reveal: bool,
    },
    SetNote(SpanId, String),
    OpenProject(PathBuf),
    SetAnnotator(String),
    /// Sets a span's attribute (`value`: its normalized value).
    SetAttribute(SpanId, String, String),
    /// Moves the selected span's n-th attribute (1-based) to its next value.
    CycleAttribute(u8),
    /// Links the span being related to this one.
    LinkTo(SpanId),
    /// Links the span being related to its n-th listed candidate (1-based).
    LinkCandidate(u8),
    /// Removes a relation.
    Unlink(sorot_core::model::Relation),
    /// Ends review mode; `edit_gold` opens the gold set in the workbench.
    LeaveReview {
        edit_gold: bool,
    },
    Resolve(Resolution),
    /// Accepts a shown suggestion (a click on its frame).
    AcceptSuggestionAt(Suggestion),
    /// Adds a gazetteer file's names to the project's gazetteer.
    ImportGazetteer(PathBuf),
}

/// A dialog that waits for an answer.
#[derive(Debug, Clone, PartialEq)]
enum Dialog {
    /// Asks for the annotator's name; the field's current text.
    Annotator(String),
    /// Chooses the two sides of a review.
    StartReview {
        a: String,
        b: String,
        hide_names: bool,
    },
}

/// The workbench's state.
pub struct SorotApp {
    prefs: Preferences,
    workspace: Option<Workspace>,
    /// A project waiting for an annotator name before it opens.
    pending_project: Option<PathBuf>,
    view: TextView,
    /// Text selected in the view but not yet labeled.
    selection: Option<Range<usize>>,
    selected_span: Option<SpanId>,
    /// The note being edited, with the span it belongs to.
    note_edit: Option<(SpanId, String)>,
    filter: String,
    filtered: Option<(String, Vec<String>)>,
    scroll_to: Option<usize>,
    focus_filter: bool,
    dialog: Option<Dialog>,
    message: Option<(bool, String)>,
    actions: Vec<Action>,
    title: String,
    /// The egui context, once the first frame has run, for the autosave
    /// thread to wake the UI with.
    repaint: Arc<OnceLock<egui::Context>>,
    transfer: transfer::Transfer,
    agreement: super::agreement::AgreementWindow,
    review: Option<ReviewMode>,
    /// Suggestions shown for the current document; nothing is saved until accepted.
    suggestions: Option<Suggestions>,
    /// Mentions of a span's text across the project, waiting for answers.
    mentions: super::mentions::MentionsWindow,
    /// Names in use for actors in the project's files, read when first needed.
    names_on_disk: NamesOnDisk,
    /// The names last offered, for (document, span, edits so far): the list
    /// is ranked once, not every frame while it is open.
    names_ranked: Option<(NamesKey, Vec<(String, usize)>)>,
    /// The date suggestions of one document, by its id.
    dates_of: Option<(String, Vec<Suggestion>)>,
    /// Changes whenever the suggestions do, for the text view's lanes.
    suggestion_generation: u64,
    /// A relation being made: its first end and its type; the next span
    /// clicked, or the number of a listed candidate, is the other end.
    relating: Option<(SpanId, String)>,
}

/// The suggestions of one document and the one the keys act on.
struct Suggestions {
    doc_id: String,
    items: Vec<Suggestion>,
    current: usize,
}

impl SorotApp {
    /// Builds the app; opens the project named on the command line, or the
    /// current folder if it is a project, or the most recent one, or the
    /// bundled sample project.
    pub fn new(mut prefs: Preferences, options: StartOptions) -> Self {
        let mut message = None;
        if let Some(name) = &options.annotator {
            if is_valid_annotator(name) {
                prefs.annotator = Some(name.clone());
            } else {
                message = Some((
                    true,
                    format!(
                        "{name:?} is not a valid annotator name; letters, digits, '_', '-' and '.' only"
                    ),
                ));
            }
        }
        let project = options.project.clone().or_else(|| default_project(&prefs));
        let mut app = SorotApp {
            prefs,
            workspace: None,
            pending_project: None,
            view: TextView::default(),
            selection: None,
            selected_span: None,
            note_edit: None,
            filter: String::new(),
            filtered: None,
            scroll_to: None,
            focus_filter: false,
            dialog: None,
            message,
            actions: Vec::new(),
            title: String::new(),
            repaint: Arc::default(),
            transfer: transfer::Transfer::default(),
            agreement: super::agreement::AgreementWindow::default(),
            review: None,
            suggestions: None,
            mentions: super::mentions::MentionsWindow::default(),
            names_on_disk: None,
            names_ranked: None,
            dates_of: None,
            suggestion_generation: 0,
            relating: None,
        };
        if let Some(project) = project {
            app.open_project(project);
        }
        app
    }

    pub fn preferences(&self) -> &Preferences {
        &self.prefs
    }

    pub fn workspace(&self) -> Option<&Workspace> {
        self.workspace.as_ref()
    }

    /// The project mentions window's state.
    pub fn mentions(&self) -> &super::mentions::MentionsWindow {
        &self.mentions
    }

    pub fn selected_span(&self) -> Option<SpanId> {
        self.selected_span
    }

    pub fn selection(&self) -> Option<Range<usize>> {
        self.selection.clone()
    }

    /// The status-bar message, if any (`true` for an error).
    pub fn message(&self) -> Option<&(bool, String)> {
        self.message.as_ref()
    }

    /// Screen rectangle of the first row of `range` in the text view, as laid
    /// out in the last frame.
    pub fn text_rect(&self, range: Range<usize>) -> Option<egui::Rect> {
        self.view.screen_rect(range)
    }

    /// Asks for an action as if it came from a menu or a key.
    pub fn push(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Waits until every background save has reached the disk (as closing the
    /// window does); tests read the files after it.
    pub fn wait_for_saves(&mut self) {
        self.on_each_workspace(Workspace::wait_for_saves);
    }

    /// Saves everything and waits for it; called when the window closes.
    pub fn save_all(&mut self) {
        self.commit_note();
        self.on_each_workspace(Workspace::save_all);
    }

    /// Runs a save step on the review's gold workspace and on the project's,
    /// and shows the first error it reports.
    fn on_each_workspace(&mut self, step: fn(&mut Workspace) -> Vec<WorkspaceError>) {
        let review = self.review.as_mut().map(|review| review.gold_mut());
        for workspace in review.into_iter().chain(self.workspace.as_mut()) {
            if let Some(err) = step(workspace).into_iter().next() {
                self.message = Some((true, err.to_string()));
            }
        }
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        let _ = self.repaint.set(ui.ctx().clone());
        self.on_each_workspace(Workspace::poll_saves);
        if let Some(review) = &mut self.review {
            review.refresh();
        }
        self.handle_keys(ui.ctx());
        egui::Panel::top("menu bar").show(ui, |ui| self.top_bar_ui(ui));
        egui::Panel::bottom("status bar").show(ui, |ui| self.status_bar_ui(ui));
        egui::Panel::left("documents")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| self.document_list_ui(ui));
        egui::Panel::right("labels and spans")
            .resizable(true)
            .default_size(310.0)
            .show(ui, |ui| self.side_panel_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| self.document_ui(ui));
        self.dialogs_ui(ui.ctx());
        if let Some(workspace) = &self.workspace {
            self.agreement.ui(ui.ctx(), workspace.project().schema());
        }
        if let Some(request) = self.transfer.ui(ui.ctx()) {
            self.transfer_request(request);
        }
        if self.mentions.poll() {
            self.mentions_found();
        }
        for action in self.mentions.ui(ui.ctx()) {
            self.mention_action(action);
        }
        self.run_actions();
        self.update_title(ui.ctx());
    }

    // ----------------------------------------------------------------------
    // Keys

    fn handle_keys(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused() || self.dialog.is_some() || self.transfer.is_open();
        let schema = self.workspace.as_ref().map(|w| w.project().schema());
        let relating = self.relating.is_some();
        let actions = &mut self.actions;
        ctx.input_mut(|input| {
            input.events.retain(|event| {
                let egui::Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } = event
                else {
                    return true;
                };
                if let Some(command) = UiCommand::for_key(*key, *modifiers)
                    && (!typing || command.works_in_text_fields())
                {
                    actions.push(Action::Ui(command));
                    return false;
                }
                if !typing
                    && modifiers.alt
                    && !modifiers.command
                    && let Some(digit) = digit_of(*key, Modifiers::NONE)
                {
                    actions.push(Action::CycleAttribute(digit));
                    return false;
                }
                if !typing
                    && relating
                    && let Some(digit) = digit_of(*key, *modifiers)
                {
                    actions.push(Action::LinkCandidate(digit));
                    return false;
                }
                if !typing
                    && let Some(digit) = digit_of(*key, *modifiers)
                    && let Some(label) = schema.as_ref().and_then(|s| s.label_for_hotkey(digit))
                {
                    actions.push(Action::ApplyLabel(label));
                    return false;
                }
                true
            });
        });
    }

    // ----------------------------------------------------------------------
    // Panels

    fn top_bar_ui(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                self.command_button(ui, UiCommand::OpenFolder);
                self.command_button(ui, UiCommand::Export);
                self.command_button(ui, UiCommand::Import);
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
            });
            ui.menu_button("Edit", |ui| {
                for command in [
                    UiCommand::Undo,
                    UiCommand::Redo,
                    UiCommand::DeleteSpan,
                    UiCommand::ClearSelection,
                ] {
                    self.command_button(ui, command);
                }
            });
            ui.menu_button("Document", |ui| {
                for command in [
                    UiCommand::ToggleDone,
                    UiCommand::NextDocument,
                    UiCommand::PreviousDocument,
                    UiCommand::FocusFilter,
                ] {
                    self.command_button(ui, command);
                }
            });
            ui.menu_button("Suggest", |ui| {
                for command in [
                    UiCommand::SuggestDates,
                    UiCommand::FindMentions,
                    UiCommand::FindMentionsInProject,
                    UiCommand::AcceptSuggestion,
                    UiCommand::RejectSuggestion,
                    UiCommand::AcceptAllSuggestions,
                ] {
                    self.command_button(ui, command);
                }
                ui.separator();
                self.command_button(ui, UiCommand::ImportGazetteer);
            });
            ui.menu_button("Review", |ui| {
                for command in [
                    UiCommand::Review,
                    UiCommand::NextDisagreement,
                    UiCommand::PreviousDisagreement,
                    UiCommand::AcceptA,
                    UiCommand::AcceptB,
                    UiCommand::AcceptBoth,
                    UiCommand::RejectBoth,
                ] {
                    self.command_button(ui, command);
                }
            });
            ui.menu_button("View", |ui| {
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
                ui.add(egui::Slider::new(&mut self.prefs.text_size, 12.0..=28.0).text("Text size"));
                egui::widgets::global_theme_preference_buttons(ui);
                ui.separator();
                self.command_button(ui, UiCommand::Agreement);
            });
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

    fn command_enabled(&self, command: UiCommand) -> bool {
        let doc = self.workspace.as_ref().and_then(Workspace::current);
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
            UiCommand::NextDisagreement
            | UiCommand::PreviousDisagreement
            | UiCommand::AcceptA
            | UiCommand::AcceptB
            | UiCommand::AcceptBoth
            | UiCommand::RejectBoth => self.review.is_some(),
            UiCommand::SuggestDates => editable && self.review.is_none(),
            UiCommand::LinkSource | UiCommand::LinkTarget => {
                editable && self.review.is_none() && self.selected_span.is_some()
            }
            UiCommand::FindMentions | UiCommand::FindMentionsInProject => {
                editable && self.review.is_none() && self.selected_span.is_some()
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

    fn status_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if let Some(workspace) = &self.workspace {
                let (icon, color) = match workspace.save_state() {
                    SaveState::Saved => ("✔ saved", ui.visuals().weak_text_color()),
                    SaveState::Saving => ("saving…", ui.visuals().weak_text_color()),
                    SaveState::Unsaved => ("◑ unsaved", Color32::from_rgb(0xe8, 0x9b, 0x0c)),
                };
                ui.label(RichText::new(icon).color(color));
                ui.separator();
                if let Some(gold) = self.review.as_ref().and_then(|r| r.gold().current()) {
                    let state = match gold.status() {
                        Status::NotStarted => "not reviewed",
                        Status::InProgress => "in review",
                        Status::Done => "reviewed",
                    };
                    ui.label(format!(
                        "reviewing {} · {} gold spans · {state}",
                        gold.id,
                        gold.spans().len()
                    ));
                    ui.separator();
                } else if let Some(doc) = workspace.current() {
                    ui.label(format!(
                        "{} · {} spans · {}",
                        doc.id,
                        doc.spans().len(),
                        doc.status().describe()
                    ));
                    ui.separator();
                }
            }
            let snap = if self.prefs.snap_to_words {
                "selections snap to words (Alt: exact)"
            } else {
                "exact selections"
            };
            ui.label(RichText::new(snap).weak());
            if let Some((is_error, text)) = self.message.clone() {
                ui.separator();
                let color = if is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(&text).color(color))
                    .on_hover_text(&text);
                if ui.small_button("✖").on_hover_text("Dismiss").clicked() {
                    self.message = None;
                }
            }
        });
    }

    fn filtered_ids(&mut self) -> Vec<String> {
        let Some(workspace) = &self.workspace else {
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

    fn document_list_ui(&mut self, ui: &mut Ui) {
        ui.add_space(4.0);
        ui.heading("Documents");
        let filter = ui.add(
            egui::TextEdit::singleline(&mut self.filter)
                .hint_text("Filter")
                .desired_width(f32::INFINITY),
        );
        if std::mem::take(&mut self.focus_filter) {
            filter.request_focus();
        }
        ui.add_space(4.0);
        let ids = self.filtered_ids();
        let Some(workspace) = &self.workspace else {
            ui.label("No project open. File > Open folder…");
            return;
        };
        if ids.is_empty() {
            ui.label(RichText::new("No texts match").weak());
        }
        let reviewing = self.review.as_ref().map(ReviewMode::gold);
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
                    if let Some(gold) = reviewing {
                        let status = gold.summary(id).map_or(Status::NotStarted, |s| s.status);
                        let tip = match status {
                            Status::NotStarted => "not reviewed",
                            Status::InProgress => "in review",
                            Status::Done => "reviewed",
                        };
                        let selected = current.as_deref() == Some(id.as_str());
                        let row = format!("{}  {id}", status_icon(status));
                        if document_row(ui, selected, row, None)
                            .on_hover_text(format!("{id}: {tip}"))
                            .clicked()
                        {
                            clicked = Some(id.clone());
                        }
                        continue;
                    }
                    let summary = workspace.summary(id);
                    let (icon, tip) = match summary {
                        Some(s) if s.error.is_some() => ("⚠", s.error.clone().unwrap_or_default()),
                        Some(s) => (status_icon(s.status), s.status.describe().to_owned()),
                        None => (status_icon(Status::NotStarted), "not started".to_owned()),
                    };
                    let count = summary.map_or(0, |s| s.spans);
                    let text = format!("{icon}  {id}");
                    let selected = current.as_deref() == Some(id.as_str());
                    if document_row(ui, selected, text, Some(format!("({count})")))
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

    fn side_panel_ui(&mut self, ui: &mut Ui) {
        if let Some(review) = &mut self.review {
            match review.side_panel_ui(ui) {
                Some(PanelAction::Decide(decision)) => {
                    self.actions.push(Action::Ui(match decision {
                        Decision::AcceptA => UiCommand::AcceptA,
                        Decision::AcceptB => UiCommand::AcceptB,
                        Decision::AcceptBoth => UiCommand::AcceptBoth,
                        Decision::RejectBoth => UiCommand::RejectBoth,
                    }))
                }
                Some(PanelAction::Step(forward)) => self.actions.push(Action::Ui(if forward {
                    UiCommand::NextDisagreement
                } else {
                    UiCommand::PreviousDisagreement
                })),
                Some(PanelAction::Leave) => {
                    self.actions.push(Action::LeaveReview { edit_gold: false })
                }
                Some(PanelAction::EditGold) => {
                    self.actions.push(Action::LeaveReview { edit_gold: true })
                }
                None => {}
            }
            return;
        }
        let Some(workspace) = &self.workspace else {
            return;
        };
        let schema = workspace.project().schema();
        let doc = workspace.current();
        ui.add_space(4.0);
        ui.heading("Labels");
        let can_apply = doc.is_some_and(|d| d.is_editable())
            && (self.selection.is_some() || self.selected_span.is_some());
        for label in &schema.labels {
            let count = doc.map_or(0, |d| {
                d.spans().iter().filter(|s| s.label == label.name).count()
            });
            let key = schema
                .hotkey_of(&label.name)
                .map_or(String::new(), |k| k.to_string());
            let [r, g, b] = schema.color(&label.name);
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                ui.painter()
                    .rect_filled(rect, 3.0, Color32::from_rgb(r, g, b));
                let button = egui::Button::new(format!("{key}  {}", label.name))
                    .min_size(egui::vec2(120.0, 0.0));
                let response = ui.add_enabled(can_apply, button);
                let tip = if label.description.is_empty() {
                    "Apply to the selection".to_owned()
                } else {
                    label.description.clone()
                };
                if response
                    .on_hover_text(tip)
                    .on_disabled_hover_text("Select text or a span first")
                    .clicked()
                {
                    self.actions.push(Action::ApplyLabel(label.name.clone()));
                }
                ui.label(RichText::new(count.to_string()).weak());
            });
        }
        let Some(doc) = doc else { return };
        ui.separator();
        let mut suggestion_clicked = None;
        let mut suggestion_commands = Vec::new();
        ui.horizontal(|ui| {
            for command in [
                UiCommand::SuggestDates,
                UiCommand::FindMentions,
                UiCommand::FindMentionsInProject,
            ] {
                let enabled = doc.is_editable()
                    && (command == UiCommand::SuggestDates || self.selected_span.is_some());
                let shortcut = ui.ctx().format_shortcut(&command.shortcuts()[0]);
                let label = match command {
                    UiCommand::SuggestDates => "Suggest dates",
                    UiCommand::FindMentions => "Other mentions",
                    _ => "In the project…",
                };
                if ui
                    .add_enabled(enabled, egui::Button::new(label))
                    .on_hover_text(format!("{} ({shortcut})", command.label()))
                    .clicked()
                {
                    suggestion_commands.push(command);
                }
            }
        });
        if let Some(list) = self.suggestions.as_ref().filter(|s| s.doc_id == doc.id) {
            ui.label(RichText::new(format!("Suggestions ({})", list.items.len())).strong());
            egui::ScrollArea::vertical()
                .id_salt("suggestions")
                .max_height(160.0)
                .show(ui, |ui| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for (i, item) in list.items.iter().enumerate() {
                        let text = doc.text.slice(item.start..item.end);
                        let value = item
                            .value
                            .as_deref()
                            .map_or(String::new(), |v| format!(" = {v}"));
                        let row = format!("{} “{}”{value}", item.label, ellipsize(text, 40));
                        if ui
                            .add(egui::Button::selectable(i == list.current, row).truncate())
                            .clicked()
                        {
                            suggestion_clicked = Some(i);
                        }
                    }
                });
            if !list.items.is_empty() {
                ui.horizontal(|ui| {
                    for (command, text) in [
                        (UiCommand::AcceptSuggestion, "Accept"),
                        (UiCommand::RejectSuggestion, "Reject"),
                        (UiCommand::AcceptAllSuggestions, "Accept all"),
                    ] {
                        let shortcut = ui.ctx().format_shortcut(&command.shortcuts()[0]);
                        if ui
                            .add(egui::Button::new(text).shortcut_text(shortcut))
                            .clicked()
                        {
                            suggestion_commands.push(command);
                        }
                    }
                });
            }
            ui.separator();
        }
        if let Some(i) = suggestion_clicked
            && let Some(list) = &mut self.suggestions
        {
            list.current = i;
            self.scroll_to = list.items.get(i).map(|s| s.start);
            self.suggestion_generation += 1;
        }
        for command in suggestion_commands {
            self.actions.push(Action::Ui(command));
        }
        let Some(doc) = self.workspace.as_ref().and_then(Workspace::current) else {
            return;
        };
        let schema = self
            .workspace
            .as_ref()
            .map(|w| w.project().schema())
            .expect("a workspace");
        if let Some(id) = self.selected_span
            && let Some(span) = doc.annotations().get(id)
        {
            ui.heading("Selected span");
            let [r, g, b] = schema.color(&span.label);
            ui.label(
                RichText::new(&span.label)
                    .color(Color32::from_rgb(r, g, b))
                    .strong(),
            );
            ui.label(format!("“{}”", ellipsize(&span.text, 200)));
            ui.label(RichText::new(format!("characters {}–{}", span.start, span.end)).weak());
            // Attributes: the normalized value, and those the schema gives the label.
            if doc.is_editable() {
                let mut value = span.value.clone();
                ui.horizontal(|ui| {
                    let label = ui.label(if span.label == "actor" {
                        "Canonical name"
                    } else {
                        "Value"
                    });
                    let response = ui
                        .add(egui::TextEdit::singleline(&mut value).desired_width(150.0))
                        .labelled_by(label.id);
                    if response.lost_focus() && value != span.value {
                        self.actions
                            .push(Action::SetAttribute(id, "value".into(), value.clone()));
                    }
                    if span.label == "actor"
                        && let Some(workspace) = &self.workspace
                    {
                        // Names already used for actors anywhere in the
                        // project, read when the list opens.
                        let names_on_disk = &mut self.names_on_disk;
                        let names_ranked = &mut self.names_ranked;
                        let actions = &mut self.actions;
                        egui::ComboBox::from_id_salt("canonical names")
                            .selected_text("…")
                            .width(24.0)
                            .show_ui(ui, |ui| {
                                let edits = workspace.open_documents().map(|d| d.revision()).sum();
                                let key = (doc.id.clone(), id, edits);
                                if names_ranked.as_ref().is_none_or(|(k, _)| *k != key) {
                                    let names = actor_names(names_on_disk, workspace, &span.text);
                                    *names_ranked = Some((key, names));
                                }
                                let names = names_ranked.as_ref().map(|(_, n)| n.as_slice());
                                for (name, count) in
                                    names.unwrap_or_default().iter().take(MAX_NAMES)
                                {
                                    if ui
                                        .selectable_label(span.value == *name, name)
                                        .on_hover_text(format!("used {count} times"))
                                        .clicked()
                                    {
                                        actions.push(Action::SetAttribute(
                                            id,
                                            "value".into(),
                                            name.clone(),
                                        ));
                                    }
                                }
                            })
                            .response
                            .on_hover_text("Names already used for actors in the project")
                            .labelled_by(label.id);
                    }
                });
                for def in schema.attributes_of(&span.label) {
                    let current = span.attribute(&def.name).to_owned();
                    ui.horizontal(|ui| {
                        let label = ui.label(&def.name);
                        if def.values == ["yes", "no"] {
                            let mut on = current == "yes";
                            if ui.checkbox(&mut on, "").labelled_by(label.id).changed() {
                                let value = if on { "yes" } else { "no" };
                                self.actions.push(Action::SetAttribute(
                                    id,
                                    def.name.clone(),
                                    value.into(),
                                ));
                            }
                        } else {
                            let shown = if current.is_empty() {
                                "not set".to_owned()
                            } else {
                                current.clone()
                            };
                            egui::ComboBox::from_id_salt(("attribute", &def.name))
                                .selected_text(shown)
                                .show_ui(ui, |ui| {
                                    for value in
                                        def.values.iter().chain(std::iter::once(&String::new()))
                                    {
                                        let text = if value.is_empty() {
                                            "not set"
                                        } else {
                                            value.as_str()
                                        };
                                        if ui.selectable_label(current == *value, text).clicked() {
                                            self.actions.push(Action::SetAttribute(
                                                id,
                                                def.name.clone(),
                                                value.clone(),
                                            ));
                                        }
                                    }
                                })
                                .response
                                .labelled_by(label.id);
                        }
                    });
                }
            } else if !span.value.is_empty() {
                ui.label(format!("value: {}", span.value));
            }
            for relation in doc.annotations().relations_of(id) {
                let other = if relation.from == id {
                    relation.to
                } else {
                    relation.from
                };
                let other_text = doc
                    .annotations()
                    .get(other)
                    .map_or(String::new(), |s| ellipsize(&s.text, 40));
                ui.horizontal(|ui| {
                    ui.label(format!("{}: “{other_text}”", relation.kind));
                    if ui
                        .small_button("×")
                        .on_hover_text("Remove this relation")
                        .clicked()
                    {
                        self.actions.push(Action::Unlink(relation.clone()));
                    }
                });
            }
            if let Some((_, kind)) = &self.relating {
                ui.label(
                    RichText::new(format!(
                        "Choose the {kind}: click it in the text, or press its number"
                    ))
                    .strong(),
                );
                for (n, (_, text)) in self.relation_candidates().iter().enumerate() {
                    ui.label(format!("{}  {}", n + 1, ellipsize(text, 40)));
                }
            } else if doc.is_editable() {
                let attributes: Vec<String> = schema
                    .attributes_of(&span.label)
                    .take(9)
                    .enumerate()
                    .map(|(i, a)| format!("Alt+{}: {}", i + 1, a.name))
                    .collect();
                let mut hint = "R: link a source · Shift+R: link a target".to_owned();
                if !attributes.is_empty() {
                    hint = format!("{hint} · {}", attributes.join(" · "));
                }
                ui.label(RichText::new(hint).weak());
            }
            let mut text = match &self.note_edit {
                Some((note_id, text)) if *note_id == id => text.clone(),
                _ => span.note.clone(),
            };
            let response = ui.add_enabled(
                doc.is_editable(),
                egui::TextEdit::multiline(&mut text)
                    .hint_text("Note")
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            );
            if response.changed() {
                self.note_edit = Some((id, text.clone()));
            }
            if response.lost_focus() {
                self.actions.push(Action::SetNote(id, text));
                self.note_edit = None;
            }
            if ui
                .add_enabled(doc.is_editable(), egui::Button::new("Delete span"))
                .clicked()
            {
                self.actions.push(Action::Ui(UiCommand::DeleteSpan));
            }
            ui.separator();
        }
        ui.heading(format!("Spans ({})", doc.spans().len()));
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let spans = doc.spans();
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("span list")
            .auto_shrink(false)
            .show_rows(ui, row_height, spans.len(), |ui, rows| {
                for span in &spans[rows] {
                    let [r, g, b] = schema.color(&span.label);
                    let flagged = doc.is_flagged(span.id);
                    let mut text = egui::text::LayoutJob::default();
                    let prefix = if flagged { "⚠ " } else { "" };
                    text.append(
                        &format!("{prefix}{} ", span.label),
                        0.0,
                        egui::TextFormat {
                            color: Color32::from_rgb(r, g, b),
                            ..Default::default()
                        },
                    );
                    text.append(
                        &ellipsize(&span.text, 48),
                        0.0,
                        egui::TextFormat {
                            color: ui.visuals().text_color(),
                            ..Default::default()
                        },
                    );
                    let selected = self.selected_span == Some(span.id);
                    let response = ui.add(egui::Button::selectable(selected, text).truncate());
                    let note = if span.note.is_empty() {
                        String::new()
                    } else {
                        format!("\nnote: {}", span.note)
                    };
                    if response
                        .on_hover_text(format!(
                            "{} [{}, {}){note}",
                            span.label, span.start, span.end
                        ))
                        .clicked()
                    {
                        clicked = Some(span.id);
                    }
                }
            });
        if let Some(id) = clicked {
            self.actions.push(Action::SelectSpan { id, reveal: true });
        }
    }

    fn document_ui(&mut self, ui: &mut Ui) {
        if let Some(review) = &mut self.review {
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
            let event = self.view.show(
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
        let scroll_to = self.scroll_to.take();
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
        if let Some(list) = self.suggestions.as_ref().filter(|s| s.doc_id == doc.id) {
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
            selection: self.view.dragging().or_else(|| self.selection.clone()),
            span: highlighted,
            related,
        };
        let event = self.view.show(
            ui,
            &doc.id,
            &doc.text,
            &marks,
            doc.revision() ^ (self.suggestion_generation << 40),
            &highlight,
            self.prefs.text_size,
            scroll_to,
        );
        match event {
            Some(ViewEvent::Dragged { range, exact }) => {
                let snapped = if self.prefs.snap_to_words && !exact {
                    doc.text.snap_to_words(range)
                } else {
                    Some(doc.text.snap_to_graphemes(range))
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
                let snapped = if self.prefs.snap_to_words {
                    doc.text.snap_to_words(range)
                } else {
                    Some(doc.text.snap_to_graphemes(range))
                };
                if let Some(range) = snapped {
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
                    self.relating = Some((from, kind.to_owned()));
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
                let ghost = self
                    .suggestions
                    .as_ref()
                    .filter(|list| list.doc_id == doc.id && self.relating.is_none())
                    .and_then(|list| {
                        list.items
                            .iter()
                            .enumerate()
                            .filter(|(_, g)| g.start <= offset && offset < g.end)
                            .min_by_key(|(_, g)| g.end - g.start)
                    })
                    .filter(|(_, g)| hit.is_none_or(|s| g.end - g.start < s.end - s.start));
                if let Some((_, item)) = ghost {
                    self.actions.push(Action::AcceptSuggestionAt(item.clone()));
                    return;
                }
                let hit = hit.map(|s| s.id);
                self.actions.push(match (hit, &self.relating) {
                    // Choosing the other end of a relation.
                    (Some(id), Some(_)) => Action::LinkTo(id),
                    (Some(id), None) => Action::SelectSpan { id, reveal: false },
                    (None, _) => Action::Ui(UiCommand::ClearSelection),
                });
            }
            None => {}
        }
    }

    fn dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(Dialog::StartReview {
            mut a,
            mut b,
            mut hide_names,
        }) = self.dialog.clone()
        {
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
        if let Some(Dialog::Annotator(mut name)) = self.dialog.clone() {
            let known = self
                .workspace
                .as_ref()
                .map(|w| w.project().annotators())
                .unwrap_or_default();
            let mut confirmed = false;
            let mut cancelled = false;
            egui::Modal::new(egui::Id::unique("annotator dialog")).show(ctx, |ui| {
                ui.heading("Who is annotating?");
                ui.label("Your annotations are saved under annotations/<name>/.");
                let label = ui.label("Annotator name:");
                let response = ui.text_edit_singleline(&mut name).labelled_by(label.id);
                response.request_focus();
                if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
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
        if let Some(path) = self
            .workspace
            .as_ref()
            .and_then(|w| w.conflict())
            .map(str::to_owned)
        {
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

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.workspace {
            None => "Sorot".to_owned(),
            Some(workspace) => {
                let saved = if workspace.save_state() == SaveState::Unsaved {
                    " (unsaved)"
                } else {
                    ""
                };
                match workspace.current_id() {
                    Some(doc) => format!("{doc} — {} — Sorot{saved}", workspace.project().name()),
                    None => format!("{} — Sorot{saved}", workspace.project().name()),
                }
            }
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The window title as last set.
    pub fn title(&self) -> &str {
        &self.title
    }

    // ----------------------------------------------------------------------
    // Actions

    fn run_actions(&mut self) {
        for action in std::mem::take(&mut self.actions) {
            self.run(action);
        }
    }

    fn run(&mut self, action: Action) {
        match action {
            Action::Ui(command) => self.run_command(command),
            Action::ApplyLabel(label) => {
                if let Some(range) = self.selection.clone() {
                    // A date gets the normalized value of the date it holds.
                    let value = if label == "date" {
                        self.current_dates()
                            .and_then(|dates| suggest::value_among(dates, range.clone()))
                    } else {
                        None
                    };
                    let command = match value {
                        Some(value) => Command::AddWithValue {
                            range,
                            label,
                            value,
                        },
                        None => Command::AddSpan { range, label },
                    };
                    if let Some(Outcome::Changed { select }) = self.execute(command) {
                        self.selection = None;
                        self.selected_span = select;
                    }
                } else if let Some(id) = self.selected_span {
                    self.execute(Command::Relabel { id, label });
                }
            }
            Action::SelectText(range) => {
                self.commit_note();
                self.selection = Some(range);
                self.selected_span = None;
            }
            Action::SelectDocument(id) => {
                if self.review.is_some() {
                    self.review_select(&id);
                } else {
                    self.select_document(&id);
                }
            }
            Action::LeaveReview { edit_gold } => self.leave_review(edit_gold),
            Action::LinkTo(to) => self.link_to(to),
            Action::SetAttribute(id, name, value) => {
                self.execute(Command::SetAttribute { id, name, value });
            }
            Action::CycleAttribute(n) => {
                let next = (|| {
                    let id = self.selected_span?;
                    let workspace = self.workspace.as_ref()?;
                    let span = workspace.current()?.annotations().get(id)?;
                    let def = workspace
                        .project()
                        .schema()
                        .attributes_of(&span.label)
                        .nth(usize::from(n).checked_sub(1)?)?;
                    // The values in order, then unset, then round again.
                    let mut cycle: Vec<&str> = def.values.iter().map(String::as_str).collect();
                    cycle.push("");
                    let at = cycle
                        .iter()
                        .position(|v| *v == span.attribute(&def.name))
                        .unwrap_or(cycle.len() - 1);
                    Some((
                        id,
                        def.name.clone(),
                        cycle[(at + 1) % cycle.len()].to_owned(),
                    ))
                })();
                if let Some((id, name, value)) = next {
                    self.execute(Command::SetAttribute { id, name, value });
                }
            }
            Action::LinkCandidate(n) => {
                if let Some(to) = self
                    .relation_candidates()
                    .get(usize::from(n).saturating_sub(1))
                    .map(|(id, _)| *id)
                {
                    self.link_to(to);
                }
            }
            Action::Unlink(relation) => {
                self.execute(Command::Unlink(relation));
            }
            Action::SelectSpan { id, reveal } => {
                self.commit_note();
                self.selected_span = Some(id);
                self.selection = None;
                if reveal {
                    self.scroll_to = self.current_span_start(id);
                }
            }
            Action::SetNote(id, note) => {
                self.execute(Command::SetNote { id, note });
            }
            Action::OpenProject(path) => self.open_project(path),
            Action::SetAnnotator(name) => self.set_annotator(name),
            Action::ImportGazetteer(path) => self.import_gazetteer(&path),
            Action::AcceptSuggestionAt(item) => {
                if let Some(list) = &mut self.suggestions
                    && let Some(i) = list.items.iter().position(|s| *s == item)
                {
                    list.current = i;
                    self.accept_suggestion();
                }
            }
            Action::Resolve(resolution) => {
                if let Some(workspace) = &mut self.workspace {
                    match workspace.resolve_conflict(resolution) {
                        Ok(()) => self.message = Some((false, "Conflict settled".into())),
                        Err(err) => self.message = Some((true, err.to_string())),
                    }
                }
            }
        }
    }

    fn run_command(&mut self, command: UiCommand) {
        if self.review.is_some() && self.run_review_command(command) {
            return;
        }
        match command {
            UiCommand::OpenFolder => {
                if let Some(path) = rfd::FileDialog::new()
                    .set_title("Open a project folder")
                    .pick_folder()
                {
                    self.open_project(path);
                }
            }
            UiCommand::ImportGazetteer => {
                if let Some(path) = rfd::FileDialog::new()
                    .set_title("Add known names: a text, a tab and a label a line")
                    .add_filter("Gazetteer", &["tsv", "txt"])
                    .pick_file()
                {
                    self.import_gazetteer(&path);
                }
            }
            UiCommand::Undo => {
                self.commit_note();
                self.execute(Command::Undo);
                self.forget_missing_span();
            }
            UiCommand::Redo => {
                self.execute(Command::Redo);
                self.forget_missing_span();
            }
            UiCommand::DeleteSpan => {
                if let Some(id) = self.selected_span.take() {
                    self.note_edit = None;
                    self.execute(Command::RemoveSpan(id));
                }
            }
            UiCommand::ClearSelection => {
                self.relating = None;
                self.commit_note();
                self.selection = None;
                self.selected_span = None;
            }
            UiCommand::ToggleDone => {
                if let Some(workspace) = &mut self.workspace {
                    match workspace.toggle_done() {
                        Ok(_) => {}
                        Err(err) => self.message = Some((true, err.to_string())),
                    }
                }
            }
            UiCommand::NextDocument | UiCommand::PreviousDocument => {
                let step = if command == UiCommand::NextDocument {
                    1
                } else {
                    -1
                };
                let ids = self.filtered_ids();
                let target = self
                    .workspace
                    .as_ref()
                    .and_then(|w| w.neighbour(&ids, step))
                    .map(str::to_owned);
                if let Some(id) = target {
                    self.select_document(&id);
                }
            }
            UiCommand::ToggleSnapToWords => self.prefs.snap_to_words = !self.prefs.snap_to_words,
            UiCommand::SwitchAnnotator => {
                let current = self.prefs.annotator.clone().unwrap_or_else(os_user_name);
                self.dialog = Some(Dialog::Annotator(current));
            }
            UiCommand::FocusFilter => self.focus_filter = true,
            UiCommand::Export if self.workspace.is_some() => self.transfer.open_export(),
            UiCommand::Import if self.workspace.is_some() => self.transfer.open_import(),
            UiCommand::Export | UiCommand::Import => {}
            UiCommand::Review => {
                if let Some(workspace) = &self.workspace {
                    let annotators = workspace.project().annotators();
                    let a = annotators.first().cloned().unwrap_or_default();
                    let b = annotators
                        .get(1)
                        .cloned()
                        .unwrap_or_else(|| GOLD.to_owned());
                    self.dialog = Some(Dialog::StartReview {
                        a,
                        b,
                        hide_names: false,
                    });
                }
            }
            UiCommand::NextDisagreement
            | UiCommand::PreviousDisagreement
            | UiCommand::AcceptA
            | UiCommand::AcceptB
            | UiCommand::AcceptBoth
            | UiCommand::RejectBoth => {}
            UiCommand::LinkSource | UiCommand::LinkTarget => {
                let kind = if command == UiCommand::LinkSource {
                    "source"
                } else {
                    "target"
                };
                if let Some(id) = self.selected_span {
                    self.relating = Some((id, kind.to_owned()));
                    let listed = self.relation_candidates().len();
                    self.message = Some((
                        false,
                        format!(
                            "{kind}: click the span, or press its number (1-{}); Esc cancels",
                            listed.clamp(1, 9)
                        ),
                    ));
                }
            }
            UiCommand::SuggestDates => self.suggest(false),
            UiCommand::FindMentions => self.suggest(true),
            UiCommand::FindMentionsInProject => self.find_project_mentions(),
            UiCommand::AcceptSuggestion => {
                self.accept_suggestion();
            }
            UiCommand::RejectSuggestion => self.reject_suggestion(),
            UiCommand::AcceptAllSuggestions => {
                while self
                    .current_suggestions()
                    .is_some_and(|s| !s.items.is_empty())
                {
                    if let Some(list) = &mut self.suggestions {
                        list.current = 0;
                    }
                    if !self.accept_suggestion() {
                        break;
                    }
                }
            }
            UiCommand::Agreement => {
                // The figures read the files: everything must be on disk first.
                self.save_all();
                if let Some(workspace) = &self.workspace {
                    self.agreement.open(workspace.project().clone());
                }
            }
        }
    }

    /// Runs a document command; shows its error, if any, once.
    fn execute(&mut self, command: Command) -> Option<Outcome> {
        let workspace = self.workspace.as_mut()?;
        let doc_id = workspace.current_id()?.to_owned();
        match workspace.execute(command) {
            Ok(outcome) => {
                if matches!(self.message, Some((true, _))) {
                    self.message = None;
                }
                self.after_edit(&doc_id);
                Some(outcome)
            }
            Err(WorkspaceError::Save(err)) => {
                self.message = Some((true, err.to_string()));
                self.after_edit(&doc_id);
                Some(Outcome::Changed { select: None })
            }
            Err(err) => {
                self.message = Some((true, err.to_string()));
                None
            }
        }
    }

    fn commit_note(&mut self) {
        let Some((id, note)) = self.note_edit.take() else {
            return;
        };
        let unchanged = self
            .workspace
            .as_ref()
            .and_then(|w| w.current())
            .and_then(|d| d.annotations().get(id))
            .is_none_or(|s| s.note == note);
        if !unchanged {
            self.execute(Command::SetNote { id, note });
        }
    }

    fn forget_missing_span(&mut self) {
        let exists = |id| {
            self.workspace
                .as_ref()
                .and_then(|w| w.current())
                .is_some_and(|d| d.annotations().get(id).is_some())
        };
        if self.selected_span.is_some_and(|id| !exists(id)) {
            self.selected_span = None;
        }
        self.note_edit = None;
    }

    fn current_span_start(&self, id: SpanId) -> Option<usize> {
        self.workspace
            .as_ref()?
            .current()?
            .annotations()
            .get(id)
            .map(|s| s.start)
    }

    fn select_document(&mut self, id: &str) {
        self.commit_note();
        let Some(workspace) = &mut self.workspace else {
            return;
        };
        let result = workspace.select(id);
        self.selection = None;
        self.selected_span = None;
        self.note_edit = None;
        self.relating = None;
        self.message = result
            .err()
            .map(|err| (true, sorot_core::project::error_chain(&err)));
        if self.message.is_none() {
            self.suggest_known_names();
        }
    }

    /// A document not started yet opens with suggestions: other mentions of
    /// what this annotator has labeled elsewhere, and the project's gazetteer.
    fn suggest_known_names(&mut self) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(doc) = workspace.current() else {
            return;
        };
        if !doc.spans().is_empty() || doc.status() == Status::Done || !doc.is_editable() {
            return;
        }
        let mut lexicon = match suggest::project_lexicon(workspace.project(), workspace.annotator())
        {
            Ok(lexicon) => lexicon,
            Err(err) => {
                self.message = Some((true, sorot_core::formats::with_causes(&err)));
                return;
            }
        };
        // Documents open in memory may be ahead of their files.
        lexicon.extend(suggest::lexicon(
            workspace.open_documents().flat_map(|d| d.spans()),
        ));
        let mut items: Vec<Suggestion> = suggest::strings(&doc.text, &lexicon, doc.spans());
        suggest::drop_decided(&mut items, doc.annotations());
        if items.is_empty() {
            return;
        }
        self.message = Some((
            false,
            format!(
                "{} suggestions from earlier spans; Enter accepts, Backspace rejects",
                items.len()
            ),
        ));
        self.suggestions = Some(Suggestions {
            doc_id: doc.id.clone(),
            items,
            current: 0,
        });
        self.suggestion_generation += 1;
    }

    fn open_project(&mut self, path: PathBuf) {
        self.save_all();
        let Some(annotator) = self.prefs.annotator.clone() else {
            self.pending_project = Some(path);
            self.dialog = Some(Dialog::Annotator(os_user_name()));
            return;
        };
        match Project::open(&path) {
            Ok(project) => {
                self.prefs.remember_project(path);
                let first = project.docs().first().map(|d| d.id.clone());
                self.workspace = Some(self.new_workspace(project, &annotator));
                self.filtered = None;
                self.selection = None;
                self.selected_span = None;
                if let Some(first) = first {
                    self.select_document(&first);
                }
            }
            Err(err) => self.message = Some((true, err.to_string())),
        }
    }

    /// Spans that can be the other end of the relation being made: those
    /// with the right label, in the first span's line, nearest first (at most 9).
    fn relation_candidates(&self) -> Vec<(SpanId, String)> {
        let Some((from, kind)) = &self.relating else {
            return Vec::new();
        };
        let Some(workspace) = &self.workspace else {
            return Vec::new();
        };
        let Some(doc) = workspace.current() else {
            return Vec::new();
        };
        let Some(first) = doc.annotations().get(*from) else {
            return Vec::new();
        };
        let wanted = workspace
            .project()
            .schema()
            .relation(kind)
            .map(|d| d.to.clone())
            .unwrap_or_default();
        let line = doc
            .text
            .lines()
            .into_iter()
            .find(|l| l.start <= first.start && first.start <= l.end)
            .unwrap_or(0..0);
        let mut candidates: Vec<&sorot_core::model::Span> = doc
            .spans()
            .iter()
            .filter(|s| s.id != *from && (wanted.is_empty() || s.label == wanted))
            .filter(|s| s.start < line.end.max(first.end) && s.end > line.start)
            .collect();
        candidates.sort_by_key(|s| (s.start.abs_diff(first.start), s.start));
        candidates
            .into_iter()
            .take(9)
            .map(|s| (s.id, s.text.clone()))
            .collect()
    }

    fn link_to(&mut self, to: SpanId) {
        let Some((from, kind)) = self.relating.take() else {
            return;
        };
        self.message = None;
        let relation = sorot_core::model::Relation { from, to, kind };
        self.execute(Command::Link(relation));
        self.selected_span = Some(from);
    }

    /// The suggestions, if they are for the current document.
    fn current_suggestions(&self) -> Option<&Suggestions> {
        let current = self.workspace.as_ref()?.current_id()?;
        self.suggestions.as_ref().filter(|s| s.doc_id == current)
    }

    /// The date suggestions of the current document, found once per document
    /// (texts never change) for Ctrl+D and for the values of dates labeled by hand.
    fn current_dates(&mut self) -> Option<&[Suggestion]> {
        let doc = self.workspace.as_ref().and_then(Workspace::current)?;
        if self.dates_of.as_ref().is_none_or(|(id, _)| *id != doc.id) {
            self.dates_of = Some((doc.id.clone(), suggest::dates(&doc.text)));
        }
        self.dates_of.as_ref().map(|(_, dates)| dates.as_slice())
    }

    /// Proposes dates, or other mentions of the selected span's text.
    fn suggest(&mut self, mentions: bool) {
        let dates = if mentions {
            Vec::new()
        } else {
            self.current_dates()
                .map(<[Suggestion]>::to_vec)
                .unwrap_or_default()
        };
        let Some(doc) = self.workspace.as_ref().and_then(Workspace::current) else {
            return;
        };
        let mut items = if mentions {
            let Some(span) = self.selected_span.and_then(|id| doc.annotations().get(id)) else {
                return;
            };
            let lexicon = suggest::lexicon(std::iter::once(span));
            suggest::strings(&doc.text, &lexicon, doc.spans())
        } else {
            dates
        };
        suggest::drop_decided(&mut items, doc.annotations());
        let what = if mentions {
            "other mentions"
        } else {
            "date suggestions"
        };
        self.message = Some((
            false,
            format!("{} {what}; Enter accepts, Backspace rejects", items.len()),
        ));
        self.scroll_to = items.first().map(|s| s.start);
        self.suggestions = Some(Suggestions {
            doc_id: doc.id.clone(),
            items,
            current: 0,
        });
        self.suggestion_generation += 1;
    }

    /// Accepts the current suggestion as a span (with its value); false when
    /// it could not be added.
    fn accept_suggestion(&mut self) -> bool {
        let Some(list) = self.current_suggestions() else {
            return false;
        };
        let Some(item) = list.items.get(list.current).cloned() else {
            return false;
        };
        let command = Command::AddWithValue {
            range: item.start..item.end,
            label: item.label.clone(),
            value: item.value.clone().unwrap_or_default(),
        };
        let added = self.execute(command).is_some();
        self.drop_suggestion(&item);
        added
    }

    fn reject_suggestion(&mut self) {
        let Some(list) = self.current_suggestions() else {
            return;
        };
        let Some(item) = list.items.get(list.current).cloned() else {
            return;
        };
        // Recorded in the annotation file, so it is not proposed again.
        self.execute(Command::RejectSuggestion {
            range: item.start..item.end,
            label: item.label.clone(),
        });
        self.drop_suggestion(&item);
    }

    /// Lists the selected span's text wherever else it occurs in the project.
    fn find_project_mentions(&mut self) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(span) = workspace
            .current()
            .zip(self.selected_span)
            .and_then(|(doc, id)| doc.annotations().get(id))
        else {
            return;
        };
        // Everything in memory is searched as it is now, the rest from disk.
        let open: BTreeMap<String, suggest::Snapshot> = workspace
            .open_documents()
            .map(|d| (d.id.clone(), (d.text.clone(), d.annotations().clone())))
            .collect();
        let query = super::mentions::Query {
            text: span.text.clone(),
            label: span.label.clone(),
            value: span.value.clone(),
            color: workspace.project().schema().color(&span.label),
        };
        self.mentions.search(
            query,
            workspace.project().clone(),
            workspace.annotator().to_owned(),
            open,
        );
    }

    /// Waits for the project mentions search (tests).
    pub fn wait_for_mentions(&mut self) {
        self.mentions.wait();
        self.mentions_found();
    }

    /// Tells how many mentions the search found.
    fn mentions_found(&mut self) {
        if let Some(query) = self.mentions.query() {
            self.message = Some((
                false,
                format!(
                    "{} mentions of “{}” in the project not labeled {} yet",
                    self.mentions.items().len(),
                    ellipsize(&query.text, 40),
                    query.label
                ),
            ));
        }
    }

    /// Carries out an answer given in the mentions window.
    fn mention_action(&mut self, action: super::mentions::MentionAction) {
        use super::mentions::MentionAction;
        let Some(query) = self.mentions.query().cloned() else {
            return;
        };
        let answer = |mention: &suggest::Mention, accept: bool| {
            let range = mention.start..mention.end;
            if accept {
                // A date takes the value of the date where it stands.
                let value = if query.label == "date" {
                    mention.date_value.clone().unwrap_or_default()
                } else {
                    query.value.clone()
                };
                Command::AddWithValue {
                    range,
                    label: query.label.clone(),
                    value,
                }
            } else {
                Command::RejectSuggestion {
                    range,
                    label: query.label.clone(),
                }
            }
        };
        match action {
            MentionAction::Accept(i) | MentionAction::Reject(i) => {
                let Some(mention) = self.mentions.items().get(i).cloned() else {
                    return;
                };
                let accept = matches!(action, MentionAction::Accept(_));
                let done = self.execute_in(&mention.doc_id, answer(&mention, accept));
                self.mentions.answered(i, &mention, done);
            }
            MentionAction::AcceptAll => {
                let mut i = 0;
                while let Some(mention) = self.mentions.items().get(i).cloned() {
                    let done = self.execute_in(&mention.doc_id, answer(&mention, true));
                    if !self.mentions.answered(i, &mention, done) {
                        i += 1;
                    }
                }
            }
            MentionAction::Show(i) => {
                let Some(mention) = self.mentions.items().get(i).cloned() else {
                    return;
                };
                self.select_document(&mention.doc_id);
                self.selected_span = None;
                self.selection = Some(mention.start..mention.end);
                self.scroll_to = Some(mention.start);
            }
        }
    }

    /// Drops the shown suggestions that have since been labeled or rejected
    /// (after any edit, from the text view or the mentions window).
    fn prune_suggestions(&mut self) {
        if let (Some(list), Some(workspace)) = (&mut self.suggestions, &self.workspace)
            && let Some(doc) = workspace.open_documents().find(|d| d.id == list.doc_id)
        {
            let Suggestions { items, current, .. } = list;
            suggest::drop_decided(items, doc.annotations());
            *current = (*current).min(items.len().saturating_sub(1));
        }
        self.suggestion_generation += 1;
    }

    /// Adds a gazetteer file to the project's; the current document, if it
    /// has no spans yet, gets the suggestions the new names bring.
    fn import_gazetteer(&mut self, path: &Path) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        match suggest::import_gazetteer(workspace.project(), &[path.to_owned()]) {
            Ok(done) => {
                self.suggest_known_names();
                let waiting = self.current_suggestions().map_or(0, |s| s.items.len());
                self.message = Some((
                    false,
                    format!(
                        "{}: {} names added, {} relabeled; the gazetteer has {}; {waiting} suggestions here",
                        path.display(),
                        done.added,
                        done.relabeled,
                        done.total
                    ),
                ));
            }
            Err(err) => self.message = Some((true, sorot_core::formats::with_causes(&err))),
        }
    }

    /// Runs a command on any document; false (with the error shown) if it
    /// was not carried out. A failed save is shown, but the edit stands (it is
    /// saved again with the next one).
    fn execute_in(&mut self, doc_id: &str, command: Command) -> bool {
        let Some(workspace) = self.workspace.as_mut() else {
            return false;
        };
        let done = match workspace.execute_in(doc_id, command) {
            Ok(_) => true,
            Err(err) => {
                let saved_failed = matches!(err, WorkspaceError::Save(_));
                self.message = Some((true, format!("{doc_id}: {err}")));
                saved_failed
            }
        };
        if done {
            self.after_edit(doc_id);
        }
        done
    }

    /// Keeps the suggestions and the mentions list in step with an edit of
    /// `doc_id`: what is labeled or rejected now is no longer proposed.
    fn after_edit(&mut self, doc_id: &str) {
        if let Some(doc) = self
            .workspace
            .as_ref()
            .and_then(|w| w.open_documents().find(|d| d.id == doc_id))
        {
            self.mentions.drop_decided(doc_id, doc.annotations());
        }
        self.prune_suggestions();
    }

    /// Takes an answered suggestion off the list (the edit has done so already
    /// unless it failed) and moves on to the next.
    fn drop_suggestion(&mut self, item: &Suggestion) {
        if let Some(list) = &mut self.suggestions {
            list.items.retain(|s| s != item);
            list.current = list.current.min(list.items.len().saturating_sub(1));
            self.scroll_to = list.items.get(list.current).map(|s| s.start);
        }
        self.suggestion_generation += 1;
    }

    /// Starts review mode on the current document.
    fn start_review(&mut self, a: &str, b: &str, hide_names: bool) {
        self.save_all();
        let Some(workspace) = &self.workspace else {
            return;
        };
        let project = workspace.project().clone();
        let current = workspace
            .current_id()
            .map(str::to_owned)
            .or_else(|| project.docs().first().map(|d| d.id.clone()));
        let gold = self.new_workspace(project, GOLD);
        self.review = Some(ReviewMode::new(gold, a, b, hide_names));
        if let Some(id) = current {
            self.review_select(&id);
        }
    }

    fn review_select(&mut self, id: &str) {
        let Some(review) = &mut self.review else {
            return;
        };
        let Some(workspace) = &self.workspace else {
            return;
        };
        if let Err(err) = review.select(workspace.project(), id) {
            self.message = Some((true, err.to_string()));
        }
    }

    fn leave_review(&mut self, edit_gold: bool) {
        self.save_all();
        let Some(review) = self.review.take() else {
            return;
        };
        let current = review.gold().current_id().map(str::to_owned);
        if edit_gold && let Some(workspace) = &self.workspace {
            let project = workspace.project().clone();
            self.workspace = Some(self.new_workspace(project, GOLD));
        }
        if let Some(id) = current {
            self.select_document(&id);
        }
    }

    /// Runs a command in review mode; false when review mode has no use for it.
    fn run_review_command(&mut self, command: UiCommand) -> bool {
        let decision = match command {
            UiCommand::AcceptA => Some(Decision::AcceptA),
            UiCommand::AcceptB => Some(Decision::AcceptB),
            UiCommand::AcceptBoth => Some(Decision::AcceptBoth),
            UiCommand::RejectBoth => Some(Decision::RejectBoth),
            _ => None,
        };
        let Some(review) = &mut self.review else {
            return false;
        };
        let result = match (command, decision) {
            (_, Some(decision)) => review.decide(decision),
            (UiCommand::Undo, _) => review.gold_mut().execute(Command::Undo).map(|_| ()),
            (UiCommand::Redo, _) => review.gold_mut().execute(Command::Redo).map(|_| ()),
            (UiCommand::ToggleDone, _) => review.gold_mut().toggle_done().map(|_| ()),
            (UiCommand::NextDisagreement | UiCommand::PreviousDisagreement, _) => {
                let forward = command == UiCommand::NextDisagreement;
                if !review.step(forward) {
                    self.review_other_document(forward);
                }
                Ok(())
            }
            (UiCommand::NextDocument | UiCommand::PreviousDocument, _) => {
                let ids = self.filtered_ids();
                let step = if command == UiCommand::NextDocument {
                    1
                } else {
                    -1
                };
                let target = self
                    .review
                    .as_ref()
                    .and_then(|r| r.gold().neighbour(&ids, step))
                    .map(str::to_owned);
                if let Some(id) = target {
                    self.review_select(&id);
                }
                Ok(())
            }
            (UiCommand::DeleteSpan | UiCommand::ToggleSnapToWords, _) => Ok(()),
            _ => return false,
        };
        if let Err(err) = result {
            self.message = Some((true, err.to_string()));
        }
        true
    }

    /// Moves review on to the next (or previous) document with a disagreement.
    fn review_other_document(&mut self, forward: bool) {
        let ids = self.filtered_ids();
        let Some(review) = &self.review else { return };
        let Some(current) = review.gold().current_id() else {
            return;
        };
        let Some(position) = ids.iter().position(|id| id == current) else {
            return;
        };
        let order: Vec<String> = if forward {
            ids[position + 1..].to_vec()
        } else {
            ids[..position].iter().rev().cloned().collect()
        };
        for id in order {
            self.review_select(&id);
            let Some(review) = &mut self.review else {
                return;
            };
            if review.has_disagreements() {
                if !forward {
                    review.go_to_last();
                }
                return;
            }
        }
        self.message = Some((false, "No further disagreement in this direction".into()));
    }

    /// Review mode's state, while reviewing (tests).
    pub fn review(&self) -> Option<&ReviewMode> {
        self.review.as_ref()
    }

    /// Starts an export or import the form asked for, or reads the project
    /// again after an import.
    fn transfer_request(&mut self, request: transfer::Request) {
        // Exports and imports read the files: everything must be on disk first.
        self.save_all();
        let Some(workspace) = &self.workspace else {
            return;
        };
        let project = workspace.project().clone();
        let annotator = workspace.annotator().to_owned();
        match request {
            transfer::Request::Export(form) => {
                self.transfer.start_export(project, &annotator, form)
            }
            transfer::Request::Import(form) => {
                self.transfer.start_import(project, &annotator, form)
            }
            transfer::Request::Reload => self.reload_project(),
        }
    }

    /// Reads the project again (texts added, files written by an import),
    /// keeping the current document.
    fn reload_project(&mut self) {
        let Some(workspace) = self.workspace.take() else {
            return;
        };
        let current = workspace.current_id().map(str::to_owned);
        let annotator = workspace.annotator().to_owned();
        let root = workspace.project().root().to_owned();
        drop(workspace);
        match Project::open(&root) {
            Ok(project) => {
                self.workspace = Some(self.new_workspace(project, &annotator));
                self.filtered = None;
                self.selection = None;
                self.selected_span = None;
                if let Some(id) = current {
                    self.select_document(&id);
                }
            }
            Err(err) => self.message = Some((true, err.to_string())),
        }
    }

    /// Waits for a running export or import and handles its end (tests).
    pub fn wait_for_transfer(&mut self) {
        if let Some(request) = self.transfer.wait() {
            self.transfer_request(request);
        }
    }

    /// Waits for the agreement figures and returns them (tests).
    pub fn wait_for_agreement(&mut self) -> Option<&sorot_core::analysis::agree::Report> {
        self.agreement.wait();
        self.agreement.report()
    }

    /// The report of the last export or import, while it is shown.
    pub fn transfer_report(&self) -> Option<&transfer::Finished> {
        self.transfer.report()
    }

    /// A workspace whose autosaves run on a writer thread that wakes the UI.
    /// What was read from the files before (names in use) is read afresh.
    fn new_workspace(&mut self, project: Project, annotator: &str) -> Workspace {
        self.names_on_disk = None;
        self.names_ranked = None;
        self.dates_of = None;
        // Suggestions and mentions were found for the workspace before.
        self.mentions.close();
        self.suggestions = None;
        let repaint = Arc::clone(&self.repaint);
        Workspace::new(project, annotator).with_background_saves(Box::new(move || {
            if let Some(ctx) = repaint.get() {
                ctx.request_repaint();
            }
        }))
    }

    fn set_annotator(&mut self, name: String) {
        self.save_all();
        self.prefs.annotator = Some(name.clone());
        if let Some(path) = self.pending_project.take() {
            self.open_project(path);
            return;
        }
        let Some(workspace) = self.workspace.take() else {
            return;
        };
        let current = workspace.current_id().map(str::to_owned);
        let project = workspace.project().clone();
        self.workspace = Some(self.new_workspace(project, &name));
        self.selection = None;
        self.selected_span = None;
        if let Some(id) = current {
            self.select_document(&id);
        }
    }
}

impl eframe::App for SorotApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_all();
        if let Some((true, message)) = &self.message {
            eprintln!("sorot: {message}");
        }
    }
}

/// How many names the canonical-name list offers, best first.
const MAX_NAMES: usize = 30;

/// Mark ids of suggestions start here, clear of span ids.
const GHOST_IDS: u32 = 3_000_000_000;

fn status_icon(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "○",
        Status::InProgress => "◑",
        Status::Done => "✔",
    }
}

fn ellipsize(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The OS user name, as an annotator name.
fn os_user_name() -> String {
    let name = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    sanitize_annotator(&name)
}

/// The project to open when none is named: the current folder if it has a
/// `sorot.ron`, else the most recent project that still exists, else the
/// sample project this program was built from.
fn default_project(prefs: &Preferences) -> Option<PathBuf> {
    if Path::new(CONFIG_FILE).is_file() {
        return Some(PathBuf::from("."));
    }
    if let Some(recent) = prefs.recent_projects.iter().find(|p| p.is_dir()) {
        return Some(recent.clone());
    }
    // The repository this crate was built in, two folders up, holds it.
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .ok()?;
    bundled.join(CONFIG_FILE).is_file().then_some(bundled)
}

/// What the ranked names were made for: document, span, and the sum of the
/// open documents' revisions.
type NamesKey = (String, SpanId, u64);

/// Names in use for actors in every annotator's files, by (annotator,
/// document), with the project folder they were read from.
type NamesOnDisk = Option<(PathBuf, BTreeMap<(String, String), BTreeMap<String, usize>>)>;

/// The names in use for actors across the project (everyone's), most used
/// first among those sharing a word with `text`. The files are read once per
/// project (into `cache`); this annotator's documents open in memory are read
/// from memory instead.
fn actor_names(cache: &mut NamesOnDisk, workspace: &Workspace, text: &str) -> Vec<(String, usize)> {
    let root = workspace.project().root();
    if cache.as_ref().is_none_or(|(r, _)| r != root) {
        let names = suggest::names_on_disk(workspace.project(), "actor");
        *cache = Some((root.to_owned(), names));
    }
    let Some((_, on_disk)) = cache.as_ref() else {
        return Vec::new();
    };
    let open: BTreeMap<&str, &sorot_core::project::document::OpenDocument> = workspace
        .open_documents()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let counts = on_disk
        .iter()
        .filter(|((annotator, doc), _)| {
            annotator != workspace.annotator() || !open.contains_key(doc.as_str())
        })
        .flat_map(|(_, names)| names.iter().map(|(n, c)| (n.clone(), *c)))
        .chain(
            open.values()
                .flat_map(|d| suggest::names_in(d.spans().iter(), "actor")),
        );
    for (name, count) in counts {
        *names.entry(name).or_default() += count;
    }
    suggest::rank_names(&names, text)
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
