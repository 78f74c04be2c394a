//! The workbench window: its state, the frame loop and the action path.
//!
//! Terms:
//! - **action**: something the user asked for ([`Action`]). Panels, keys,
//!   menus and tests push actions while a frame is drawn; the queue runs once
//!   at the end of the frame.
//! - **change**: an action that changes annotations or the project's files
//!   (a label, a note, a review decision, an accepted suggestion, an
//!   import...). Every change goes through one function, `SorotApp::apply`,
//!   and one after-edit step; the `apply` module describes that path.
//! - **editing workspace**: where changes to documents go: the gold set's
//!   workspace while reviewing, the annotator's otherwise.
//! - **panel**: one region of the window, drawn by its own `*_ui` function in
//!   its own child module, with its own state where it holds any: the menu
//!   bar (`menu_bar`), the document list (`document_list`), the span panel
//!   with labels, spans and the selected span (`span_panel`), the text view
//!   panel (`document_view`), the dialogs (`dialogs`), the suggestions of
//!   dates, mentions and known names (`suggestions`), the find bar over the
//!   text (`find`) and the status bar (`status_bar`). What is open (project,
//!   annotator, review, exports and imports) is managed in `session`; the
//!   caret and the keys that move through the text in `caret`.
//! - **keyboard home**: the text view holds the keyboard whenever no text
//!   field or dialog has it, so that Tab, the arrows and Escape act on the
//!   text and never wander through the buttons.
//! - **replace offer**: a label refused because it would overlap a span of
//!   the same label, which one key ([`UiCommand::ReplaceOverlapped`]) turns
//!   into a replacement of that span; any other action drops the offer.
//!
//! Errors are shown once, in the status bar or a dialog, with their causes.

mod apply;
mod caret;
mod dialogs;
mod document_list;
mod document_view;
mod find;
mod menu_bar;
mod session;
mod span_panel;
mod status_bar;
mod suggestions;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use egui::{Modifiers, Ui};

use super::StartOptions;
use super::agreement::AgreementWindow;
use super::commands::{UiCommand, digit_of};
use super::compare::CompareWindow;
use super::mentions::MentionsWindow;
use super::prefs::Preferences;
use super::review::ReviewMode;
use super::transfer::{self, Transfer};
use sorot_core::analysis::review::GOLD;
use sorot_core::analysis::suggest;
use sorot_core::analysis::suggest::Suggestion;
use sorot_core::model::{Relation, SpanId, Status};
use sorot_core::project::document::Command;
use sorot_core::project::workspace::{Resolution, SaveState, Workspace};
use sorot_core::project::{CONFIG_FILE, is_valid_annotator, sanitize_annotator};

use apply::Change;
use caret::Caret;
pub use caret::Then;
use dialogs::Dialog;
use document_list::DocumentList;
use document_view::DocumentView;
use find::FindBar;
use span_panel::SpanPanel;
use status_bar::StatusBar;
use suggestions::SuggestionState;

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
    Unlink(Relation),
    /// Selects a relation of the current document; `reveal` scrolls the
    /// text to its source span.
    SelectRelation {
        relation: Relation,
        reveal: bool,
    },
    /// Gives a relation another type.
    RetypeRelation(Relation, String),
    /// Ends review mode; `edit_gold` opens the gold set in the workbench.
    LeaveReview {
        edit_gold: bool,
    },
    Resolve(Resolution),
    /// Accepts a shown suggestion (a click on its frame).
    AcceptSuggestionAt(Suggestion),
    /// Adds a gazetteer file's names to the project's gazetteer.
    ImportGazetteer(PathBuf),
    /// Moves the caret to the word at an offset (a click in the text).
    CaretTo(usize),
    /// Finishes a key's move with the place the text view found for it.
    Reached(Then, usize),
    /// Gives the selected span a new range (a handle dragged).
    Resize(SpanId, Range<usize>),
}

impl Action {
    /// Whether the action edits the annotator's document from the span panel
    /// or the text view, which review mode does not show.
    fn edits_from_panels(&self) -> bool {
        matches!(
            self,
            Action::ApplyLabel(_)
                | Action::SetNote(..)
                | Action::SetAttribute(..)
                | Action::CycleAttribute(_)
                | Action::LinkTo(_)
                | Action::LinkCandidate(_)
                | Action::Unlink(_)
                | Action::SelectRelation { .. }
                | Action::RetypeRelation(..)
                | Action::AcceptSuggestionAt(_)
                | Action::Resize(..)
                | Action::CaretTo(_)
                | Action::Reached(..)
        )
    }
}

/// A label refused for an overlap, which one key turns into a replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Offer {
    range: Range<usize>,
    label: String,
    /// What the status bar says of it.
    message: String,
}

/// The workbench's state.
pub struct SorotApp {
    prefs: Preferences,
    /// The project open for the annotator (or, edited by hand, the gold set).
    workspace: Option<Workspace>,
    /// A project waiting for an annotator name before it opens, and what
    /// it holds (its documents and annotators), shown behind the question.
    pending_project: Option<PathBuf>,
    waiting: Option<sorot_core::project::Project>,
    /// Text selected in the view but not yet labeled.
    selection: Option<Range<usize>>,
    selected_span: Option<SpanId>,
    /// The selected relation, with the document it is in. A relation and a
    /// span (or text) are never selected together.
    selected_relation: Option<(String, Relation)>,
    actions: Vec<Action>,
    title: String,
    /// The egui context, once the first frame has run, for the autosave
    /// thread to wake the UI with.
    repaint: Arc<OnceLock<egui::Context>>,
    /// The watch on the open project's folder, for texts added, removed or
    /// changed by another program.
    watcher: Option<crate::watch::Watcher>,
    review: Option<ReviewMode>,
    transfer: Transfer,
    agreement: AgreementWindow,
    /// Mentions of a span's text across the project, waiting for answers.
    mentions: MentionsWindow,
    /// The annotator's work against the gold set.
    compare: CompareWindow,
    documents: DocumentList,
    spans: SpanPanel,
    text: DocumentView,
    /// The dialog waiting for an answer, if any.
    dialog: Option<Dialog>,
    suggestions: SuggestionState,
    status: StatusBar,
    /// Where closing the window stands.
    closing: Closing,
    caret: Caret,
    find: FindBar,
    /// The replace offer standing, if any.
    offer: Option<Offer>,
    /// Gives the keyboard back to the text in the next frame, even from a
    /// text field (after a match is found).
    keyboard_to_text: bool,
    /// The side panels' widths in the last frame, left and right.
    side_panels: [f32; 2],
    /// The side panels' shares of the width they share with the text, as
    /// last set by hand or at the start; kept when the window is resized.
    panel_shares: [f32; 2],
    /// The width the panels were last set for: where the shares were taken,
    /// or the last rescaling. Small steps of a resize add up against it.
    shares_width: f32,
}

/// Where closing the window stands: the window closes at once unless a
/// conflict would lose unsaved changes; then the user is asked first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Closing {
    /// No close asked for, or the last one was cancelled.
    #[default]
    Open,
    /// The user settled the conflict and asked to close: the window closes
    /// once it is settled.
    WhenSettled,
    /// Nothing holds the close back any more.
    Confirmed,
}

impl SorotApp {
    /// Builds the app; opens the project named on the command line, or the
    /// current folder if it is a project, or the most recent one, or the
    /// bundled sample project.
    pub fn new(mut prefs: Preferences, options: StartOptions) -> Self {
        let mut status = StatusBar::default();
        if let Some(name) = &options.annotator {
            if is_valid_annotator(name) {
                prefs.annotator = Some(name.clone());
            } else {
                status.show_error(format!(
                    "{name:?} is not a valid annotator name; letters, digits, '_', '-' and '.' only"
                ));
            }
        }
        let project = options.project.clone().or_else(|| default_project(&prefs));
        let mut app = SorotApp {
            prefs,
            workspace: None,
            pending_project: None,
            waiting: None,
            selection: None,
            selected_span: None,
            selected_relation: None,
            actions: Vec::new(),
            title: String::new(),
            repaint: Arc::default(),
            watcher: None,
            review: None,
            transfer: Transfer::default(),
            agreement: AgreementWindow::default(),
            mentions: MentionsWindow::default(),
            compare: CompareWindow::default(),
            documents: DocumentList::default(),
            spans: SpanPanel::default(),
            text: DocumentView::default(),
            dialog: None,
            suggestions: SuggestionState::default(),
            status,
            closing: Closing::default(),
            caret: Caret::default(),
            find: FindBar::default(),
            offer: None,
            keyboard_to_text: false,
            side_panels: [0.0; 2],
            panel_shares: [0.0; 2],
            shares_width: 0.0,
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

    /// The compare-with-gold window's state.
    pub fn compare_window(&mut self) -> &mut CompareWindow {
        &mut self.compare
    }

    /// The project mentions window's state.
    pub fn mentions(&self) -> &MentionsWindow {
        &self.mentions
    }

    pub fn selected_span(&self) -> Option<SpanId> {
        self.selected_span
    }

    /// The selected relation of the current document, if any.
    pub fn selected_relation(&self) -> Option<&Relation> {
        let (doc, relation) = self.selected_relation.as_ref()?;
        (self.workspace.as_ref()?.current_id()? == doc).then_some(relation)
    }

    pub fn selection(&self) -> Option<Range<usize>> {
        self.selection.clone()
    }

    /// The caret's word in the current document.
    pub fn caret(&self) -> Option<Range<usize>> {
        let doc = self.workspace.as_ref()?.current_id()?;
        self.caret.word(doc)
    }

    /// The status-bar message, if any (`true` for an error).
    pub fn message(&self) -> Option<&(bool, String)> {
        self.status.message()
    }

    /// Screen rectangle of the first row of `range` in the text view, as laid
    /// out in the last frame.
    pub fn text_rect(&self, range: Range<usize>) -> Option<egui::Rect> {
        self.text.view.screen_rect(range)
    }

    /// How many suggestions of the current document are open (not yet
    /// accepted or rejected), while it has some shown.
    pub fn open_suggestions(&self) -> Option<usize> {
        self.current_suggestions().map(|s| s.items.len())
    }

    /// Where the text view lay on the screen in the last frame.
    pub fn text_view_rect(&self) -> Option<egui::Rect> {
        self.text.seen_rect()
    }

    /// The widths of the document list (left) and the span panel (right)
    /// in the last frame.
    pub fn side_panel_widths(&self) -> [f32; 2] {
        self.side_panels
    }

    /// The window title as last set.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Review mode's state, while reviewing (tests).
    pub fn review(&self) -> Option<&ReviewMode> {
        self.review.as_ref()
    }

    /// Review mode, to wait for what it computes (tests).
    pub fn review_mut(&mut self) -> Option<&mut ReviewMode> {
        self.review.as_mut()
    }

    /// The report of the last export or import, while it is shown.
    pub fn transfer_report(&self) -> Option<&transfer::Finished> {
        self.transfer.report()
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

    /// Waits for a running export or import and handles its end (tests).
    pub fn wait_for_transfer(&mut self) {
        if let Some(request) = self.transfer.wait() {
            self.transfer_request(request);
        }
    }

    /// The documents the list shows, once the filter has run (tests).
    pub fn listed_documents(&mut self) -> Vec<String> {
        self.documents.ids(self.workspace.as_ref());
        self.documents.wait();
        self.documents.ids(self.workspace.as_ref())
    }

    /// Waits for the agreement figures and returns them (tests).
    pub fn wait_for_agreement(&mut self) -> Option<&sorot_core::analysis::agree::Report> {
        self.agreement.wait();
        self.agreement.report()
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        let _ = self.repaint.set(ui.ctx().clone());
        // A note is saved once typing in it pauses, the field keeping focus.
        if self
            .spans
            .note_changed_at
            .is_some_and(|at| at.elapsed() >= span_panel::NOTE_PAUSE)
        {
            self.spans.note_changed_at = None;
            self.commit_note();
        }
        self.on_each_workspace(Workspace::poll_saves);
        if self.watcher.as_ref().is_some_and(|w| w.take_changed()) {
            self.apply(Change::TextsOnDisk);
        }
        if let Some(review) = &mut self.review {
            review.refresh();
        }
        self.handle_close(ui.ctx());
        self.handle_keys(ui.ctx());
        egui::Panel::top("menu bar").show(ui, |ui| self.menu_bar_ui(ui));
        egui::Panel::bottom("status bar").show(ui, |ui| self.status_bar_ui(ui));
        // The text comes first: the side panels start at about a seventh
        // (less in a narrow window) and a quarter of the window, and never grow past a third and two
        // fifths of it for what they hold (long rows are cut short).
        // When the window is resized, they keep their shares of it.
        let width = ui.available_width();
        let rescaled = self.rescaled_panels(width);
        let mut left = egui::Panel::left("documents")
            .resizable(true)
            .default_size((width * 0.2 - 84.0).clamp(120.0, 240.0))
            .max_size((width * 0.33).max(120.0));
        let mut right = egui::Panel::right("labels and spans")
            .resizable(true)
            .default_size((width * 0.24).clamp(220.0, 420.0))
            .max_size((width * 0.4).max(220.0));
        if let Some([l, r]) = rescaled {
            left = left.exact_size(l);
            right = right.exact_size(r);
        }
        let left = left.show(ui, |ui| self.document_list_ui(ui));
        let right = right.show(ui, |ui| self.span_panel_ui(ui));
        let widths = [left.response.rect.width(), right.response.rect.width()];
        if rescaled.is_some() {
            self.shares_width = width;
        } else if widths != self.side_panels && width > 0.0 {
            // Resized by hand (or first shown): the shares to keep.
            self.panel_shares = widths.map(|w| w / width);
            self.shares_width = width;
        }
        self.side_panels = widths;
        egui::CentralPanel::default().show(ui, |ui| self.document_ui(ui));
        self.dialogs_ui(ui.ctx());
        if let Some(workspace) = &self.workspace {
            self.agreement.ui(ui.ctx(), workspace.project().schema());
        }
        let me = self
            .workspace
            .as_ref()
            .map(|w| w.annotator().to_owned())
            .unwrap_or_default();
        if let Some(request) = self.transfer.ui(ui.ctx(), &me) {
            self.transfer_request(request);
        }
        if self.mentions.poll() {
            self.mentions_found();
        }
        let (review, workspace) = (&self.review, &self.workspace);
        self.compare.refresh_when(|| {
            review.as_ref().is_none_or(|r| r.gold().all_saved())
                && workspace.as_ref().is_none_or(Workspace::all_saved)
        });
        self.compare.poll();
        let current = self
            .workspace
            .as_ref()
            .and_then(|w| w.current_id())
            .map(str::to_owned);
        if let Some(show) = self.compare.ui(ui.ctx(), current.as_deref())
            && self.review.is_none()
        {
            self.select_document(&show.document);
            // The annotator's own span is selected, to relabel, resize or
            // delete; else the gold span's range, to label.
            let yours = show.yours.and_then(|(start, end, label)| {
                let doc = self.workspace.as_ref()?.current()?;
                doc.spans()
                    .iter()
                    .find(|s| s.start == start && s.end == end && s.label == label)
                    .map(|s| s.id)
            });
            match yours {
                Some(id) => self.push(Action::SelectSpan { id, reveal: true }),
                None => {
                    self.selected_span = None;
                    self.selection = Some(show.start..show.end);
                    self.text.scroll_to = Some(show.start);
                }
            }
            // Where the window is, so that the text scrolls the difference
            // out from under it.
            self.text.clear_of = crate::compare::window_rect(ui.ctx());
        }
        for action in self.mentions.ui(ui.ctx()) {
            self.mention_action(action);
        }
        self.run_actions();
        self.keep_keyboard(ui.ctx());
        self.update_title(ui.ctx());
    }

    /// Keeps the keyboard home: with the text view, unless a text field or
    /// a dialog has it; Tab, the arrows and Escape stay with the view.
    fn keep_keyboard(&mut self, ctx: &egui::Context) {
        let blocked = self.dialog.is_some() || self.transfer.is_open() || !self.text.shown;
        let id = crate::text_view::text_view_id();
        let focused = ctx.memory(|m| m.focused());
        let take = std::mem::take(&mut self.keyboard_to_text)
            || (focused.is_none() || focused != Some(id) && !ctx.text_edit_focused());
        if !blocked && take && focused != Some(id) {
            ctx.memory_mut(|m| m.request_focus(id));
        }
        ctx.memory_mut(|m| {
            m.set_focus_lock_filter(
                id,
                egui::EventFilter {
                    tab: true,
                    horizontal_arrows: true,
                    vertical_arrows: true,
                    escape: true,
                },
            )
        });
    }

    /// Turns key presses into actions, before any panel sees them.
    fn handle_keys(&mut self, ctx: &egui::Context) {
        let typing = ctx.text_edit_focused() || self.dialog.is_some() || self.transfer.is_open();
        let schema = self.workspace.as_ref().map(|w| w.project().schema());
        let relating = self.spans.relating.is_some();
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

    // ----------------------------------------------------------------------
    // The action path

    fn run_actions(&mut self) {
        for action in std::mem::take(&mut self.actions) {
            self.run(action);
        }
        self.settle_relation();
    }

    /// Keeps the selected relation true: it goes when a span or text is
    /// selected, when another document is shown, and when the relation is
    /// no longer there (unlinked, undone, its span deleted).
    fn settle_relation(&mut self) {
        let Some((doc_id, relation)) = &self.selected_relation else {
            return;
        };
        let doc = self.workspace.as_ref().and_then(Workspace::current);
        let stands = self.selection.is_none()
            && self.selected_span.is_none()
            && doc.is_some_and(|d| d.id == *doc_id && d.annotations().has_relation(relation));
        if !stands {
            self.selected_relation = None;
        }
    }

    fn run(&mut self, action: Action) {
        if self.review.is_some() && action.edits_from_panels() {
            return;
        }
        if !matches!(
            action,
            Action::Ui(UiCommand::ReplaceOverlapped) | Action::Reached(..)
        ) && let Some(offer) = self.offer.take()
        {
            // Its message goes with it.
            self.status.clear_news(&offer.message);
        }
        match action {
            Action::Ui(command) => self.run_command(command),
            Action::ApplyLabel(label) => self.apply_label(label),
            Action::SelectText(range) => {
                self.commit_note();
                self.selection = Some(range.clone());
                self.selected_span = None;
                self.caret_to(range.end.saturating_sub(1).max(range.start));
            }
            Action::CaretTo(offset) => self.caret_to(offset),
            Action::Reached(then, offset) => self.reached(then, offset),
            Action::Resize(id, range) => {
                self.apply(Change::here(Command::ResizeSpan { id, range }));
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
                self.apply(Change::here(Command::SetAttribute { id, name, value }));
            }
            Action::CycleAttribute(n) => {
                if let Some((id, name, value)) = self.next_attribute_value(n) {
                    self.apply(Change::here(Command::SetAttribute { id, name, value }));
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
                self.apply(Change::here(Command::Unlink(relation)));
            }
            Action::SelectRelation { relation, reveal } => self.select_relation(relation, reveal),
            Action::RetypeRelation(relation, kind) => {
                let retyped = Relation {
                    kind: kind.clone(),
                    ..relation.clone()
                };
                let was_selected = self.selected_relation() == Some(&relation);
                self.apply(Change::here(Command::RetypeRelation { relation, kind }));
                // The relation stays selected under its new type (if the
                // change was refused, under its old one).
                let retyped_stands = self
                    .workspace
                    .as_ref()
                    .and_then(Workspace::current)
                    .is_some_and(|d| d.annotations().has_relation(&retyped));
                if was_selected
                    && retyped_stands
                    && let Some((_, selected)) = &mut self.selected_relation
                {
                    *selected = retyped;
                }
            }
            Action::SelectSpan { id, reveal } => {
                self.commit_note();
                self.selected_span = Some(id);
                self.selection = None;
                if let Some(start) = self.current_span_start(id) {
                    self.caret_to(start);
                    if reveal {
                        self.text.scroll_to = Some(start);
                    }
                }
            }
            Action::SetNote(id, note) => {
                self.apply(Change::here(Command::SetNote { id, note }));
            }
            Action::OpenProject(path) => self.open_project(path),
            Action::SetAnnotator(name) => self.set_annotator(name),
            Action::ImportGazetteer(path) => {
                self.apply(Change::Gazetteer(path));
            }
            Action::AcceptSuggestionAt(item) => self.accept(item),
            Action::Resolve(resolution) => {
                self.apply(Change::Resolve(resolution));
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
                    self.apply(Change::Gazetteer(path));
                }
            }
            UiCommand::Undo | UiCommand::Redo => {
                if command == UiCommand::Undo {
                    self.commit_note();
                }
                let step = if command == UiCommand::Undo {
                    Command::Undo
                } else {
                    Command::Redo
                };
                self.apply(Change::here(step));
                // The note field shows the note as undone or redone.
                self.spans.note_edit = None;
            }
            UiCommand::DeleteSpan => {
                if let Some(relation) = self.selected_relation().cloned() {
                    self.selected_relation = None;
                    self.apply(Change::here(Command::Unlink(relation)));
                } else if let Some(id) = self.selected_span.take() {
                    self.spans.note_edit = None;
                    self.apply(Change::here(Command::RemoveSpan(id)));
                }
            }
            UiCommand::ClearSelection => {
                self.spans.relating = None;
                self.commit_note();
                self.selection = None;
                self.selected_span = None;
                self.selected_relation = None;
            }
            UiCommand::CaretRight
            | UiCommand::CaretLeft
            | UiCommand::CaretDown
            | UiCommand::CaretUp
            | UiCommand::CaretLineStart
            | UiCommand::CaretLineEnd
            | UiCommand::TextStart
            | UiCommand::TextEnd
            | UiCommand::PageDown
            | UiCommand::PageUp
            | UiCommand::EndEdgeRight
            | UiCommand::EndEdgeLeft
            | UiCommand::EndEdgeDown
            | UiCommand::EndEdgeUp
            | UiCommand::StartEdgeLeft
            | UiCommand::StartEdgeRight
            | UiCommand::EndCharRight
            | UiCommand::EndCharLeft
            | UiCommand::StartCharLeft
            | UiCommand::StartCharRight
            | UiCommand::NextSpan
            | UiCommand::PreviousSpan => self.move_in_text(command),
            UiCommand::ReplaceOverlapped => self.replace_overlapped(),
            UiCommand::FindInDocument => self.find.open(),
            UiCommand::FindNext | UiCommand::FindPrevious => {
                self.find_step(command == UiCommand::FindNext);
            }
            UiCommand::ToggleDone => {
                let Some(status) = self.editing().and_then(Workspace::toggled_done) else {
                    return;
                };
                match &self.review {
                    // In review, marking reviewed takes the agreements into
                    // the gold set, and asks first while disagreements are open.
                    Some(review) if status == Status::Done => {
                        let open = review.open_disagreements();
                        if open > 0 {
                            self.dialog = Some(Dialog::MarkReviewed(open));
                        } else {
                            self.mark_reviewed();
                        }
                    }
                    _ => {
                        self.apply(Change::here(Command::SetStatus(status)));
                    }
                }
            }
            UiCommand::NextDocument | UiCommand::PreviousDocument => {
                let step = if command == UiCommand::NextDocument {
                    1
                } else {
                    -1
                };
                let ids = self.documents.ids(self.workspace.as_ref());
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
            UiCommand::ToggleLabelTags => self.prefs.show_label_tags = !self.prefs.show_label_tags,
            UiCommand::ToggleRelations => self.prefs.show_relations = !self.prefs.show_relations,
            UiCommand::SwitchAnnotator => {
                let current = self.prefs.annotator.clone().unwrap_or_else(os_user_name);
                self.dialog = Some(Dialog::Annotator(current));
            }
            UiCommand::FocusFilter => self.documents.focus = true,
            UiCommand::Export if self.workspace.is_some() => {
                let labels: Vec<String> = self
                    .workspace
                    .iter()
                    .flat_map(|w| w.project().schema().labels.iter())
                    .map(|l| l.name.clone())
                    .collect();
                self.transfer.open_export(&labels)
            }
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
                self.start_relation(kind);
            }
            UiCommand::SuggestDates => self.suggest(false),
            UiCommand::FindMentions => self.suggest(true),
            UiCommand::FindMentionsInProject => self.find_project_mentions(),
            UiCommand::AcceptSuggestion => self.accept_suggestion(),
            UiCommand::SuggestKnownNames => self.suggest_known_names(false),
            UiCommand::RejectSuggestion => self.reject_suggestion(),
            UiCommand::AcceptAllSuggestions => self.accept_all_suggestions(),
            UiCommand::CompareWithGold => {
                // The comparison reads the files: everything on disk first.
                self.save_all();
                if let Some(workspace) = &self.workspace {
                    self.compare.compare(
                        workspace.project().clone(),
                        workspace.annotator().to_owned(),
                    );
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

    /// Labels the selected text (a date gets the normalized value of the date
    /// it holds), or relabels the selected span.
    fn apply_label(&mut self, label: String) {
        if let Some(range) = self.selection.clone() {
            if self.offer_replacement(&range, &label) {
                return;
            }
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
            if let Some(sorot_core::project::document::Outcome::Changed { select }) =
                self.apply(Change::here(command))
            {
                self.selection = None;
                self.selected_span = select;
            }
        } else if let Some(id) = self.selected_span {
            self.apply(Change::here(Command::Relabel { id, label }));
        }
    }

    /// When labeling `range` with `label` would overlap a span of that label
    /// against the schema's rule, tells so and offers to replace it; true
    /// when it did.
    fn offer_replacement(&mut self, range: &Range<usize>, label: &str) -> bool {
        let Some(workspace) = &self.workspace else {
            return false;
        };
        let Some(doc) = workspace.current() else {
            return false;
        };
        let schema = workspace.project().schema();
        let conflicts = doc.overlap_conflicts(schema, range.clone(), label, None);
        // The same range again is refused as a duplicate, with nothing to replace.
        let Some(first) = conflicts.first().filter(|s| s.range() != *range) else {
            return false;
        };
        let key = UiCommand::ReplaceOverlapped.shortcuts()[0]
            .format(&egui::ModifierNames::NAMES, cfg!(target_os = "macos"));
        let others = match conflicts.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let message = format!(
            "“{}” overlaps the {label} span “{}”{others}, and {label} spans may not overlap: {key} replaces it, keeping its note, value, attributes and relations",
            crate::ellipsize(doc.text.slice(range.clone()), 40),
            crate::ellipsize(&first.text, 40),
        );
        self.status.show(message.clone());
        self.offer = Some(Offer {
            range: range.clone(),
            label: label.to_owned(),
            message,
        });
        true
    }

    /// Takes up the replace offer: the overlapped span takes the range.
    fn replace_overlapped(&mut self) {
        let Some(Offer { range, label, .. }) = self.offer.take() else {
            return;
        };
        let text = self
            .workspace
            .as_ref()
            .and_then(|w| w.current())
            .map(|doc| crate::ellipsize(doc.text.slice(range.clone()), 40))
            .unwrap_or_default();
        if let Some(sorot_core::project::document::Outcome::Changed { select }) =
            self.apply(Change::here(Command::Replace { range, label }))
        {
            self.selection = None;
            self.selected_span = select;
            self.status.show(format!(
                "The span now covers “{text}”, with its note, value, attributes and relations"
            ));
        }
    }

    /// When the window's width changed since the panels were last set (at
    /// the start, by hand, or by the last rescaling), the side panels'
    /// widths for the new one: each keeps its share of the window
    /// (within the bounds the panels start with), so that a window made
    /// narrower leaves the text its share too.
    fn rescaled_panels(&self, width: f32) -> Option<[f32; 2]> {
        let before = self.shares_width;
        if before <= 0.0 || (width - before).abs() < 0.5 || self.panel_shares.contains(&0.0) {
            return None;
        }
        let [left, right] = self.panel_shares;
        Some([
            (left * width).clamp(120.0_f32.min(width * 0.33), (width * 0.33).max(120.0)),
            (right * width).clamp(180.0_f32.min(width * 0.4), (width * 0.4).max(220.0)),
        ])
    }

    /// Selects a relation of the current document instead of any span or
    /// text; `reveal` scrolls to its source span.
    fn select_relation(&mut self, relation: Relation, reveal: bool) {
        let Some(doc) = self.workspace.as_ref().and_then(Workspace::current) else {
            return;
        };
        if !doc.annotations().has_relation(&relation) {
            return;
        }
        let doc_id = doc.id.clone();
        self.commit_note();
        self.spans.relating = None;
        self.selection = None;
        self.selected_span = None;
        if reveal && let Some(start) = self.current_span_start(relation.from) {
            self.text.scroll_to = Some(start);
        }
        self.selected_relation = Some((doc_id, relation));
    }

    fn current_span_start(&self, id: SpanId) -> Option<usize> {
        self.workspace
            .as_ref()?
            .current()?
            .annotations()
            .get(id)
            .map(|s| s.start)
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
        if let Some((true, message)) = self.status.message() {
            eprintln!("sorot: {message}");
        }
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
