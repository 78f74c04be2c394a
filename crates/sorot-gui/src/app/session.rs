//! What is open: the project, the annotator, the current document, review
//! mode, and exports and imports.
//!
//! Terms:
//! - **workspace**: the project opened by one annotator, with its open
//!   documents and their undo histories. Opening another project or
//!   switching annotators makes a new one; an import does not (its files
//!   are taken in by `Change::Imported`).
//! - **review mode**: two sides of each document compared, with decisions
//!   written into the gold set's own workspace; leaving it returns to the
//!   annotator's workspace, or opens the gold set to edit it by hand.
//! - **saving everything**: before anything reads the files (agreement,
//!   export, import, review) every workspace's changes are written and
//!   waited for.

use std::path::PathBuf;
use std::sync::Arc;

use sorot_core::analysis::review::GOLD;
use sorot_core::model::Status;
use sorot_core::project::Project;
use sorot_core::project::document::Command;
use sorot_core::project::workspace::{Workspace, WorkspaceError};

use super::apply::Change;
use super::dialogs::Dialog;
use super::{SorotApp, os_user_name};
use crate::commands::UiCommand;
use crate::review::{Decision, ReviewMode};
use crate::transfer;
use sorot_core::error_chain;

impl SorotApp {
    /// Saves everything and waits for it; called when the window closes.
    pub fn save_all(&mut self) {
        self.commit_note();
        self.on_each_workspace(Workspace::save_all);
    }

    /// Runs a save step on the review's gold workspace and on the project's,
    /// and shows the first error it reports.
    pub(super) fn on_each_workspace(&mut self, step: fn(&mut Workspace) -> Vec<WorkspaceError>) {
        let review = self.review.as_mut().map(|review| review.gold_mut());
        for workspace in review.into_iter().chain(self.workspace.as_mut()) {
            if let Some(err) = step(workspace).into_iter().next() {
                self.status.show_error(error_chain(&err));
            }
        }
    }

    pub(super) fn open_project(&mut self, path: PathBuf) {
        self.save_all();
        let Some(annotator) = self.prefs.annotator.clone() else {
            self.waiting = Project::open(&path).ok();
            self.pending_project = Some(path);
            self.dialog = Some(Dialog::Annotator(os_user_name()));
            return;
        };
        match Project::open(&path) {
            Ok(mut project) => {
                // An import cut short is finished before anything is shown,
                // so the workbench never shows it half done.
                let finished = project.finish_cut_import();
                self.prefs.remember_project(path);
                let first = project.docs().first().map(|d| d.id.clone());
                let repaint = Arc::clone(&self.repaint);
                self.watcher = crate::watch::Watcher::new(project.root(), move || {
                    if let Some(ctx) = repaint.get() {
                        ctx.request_repaint();
                    }
                });
                self.workspace = Some(self.new_workspace(project, &annotator));
                self.caret.forget();
                self.documents.relist();
                self.selection = None;
                self.selected_span = None;
                self.selected_relation = None;
                if let Some(first) = first {
                    self.select_document(&first);
                }
                match finished {
                    Ok(Some(finished)) => self.status.show(sentence(&finished.to_string())),
                    Ok(None) => {}
                    Err(err) => self.status.show_error(err),
                }
            }
            Err(err) => self.status.show_error(error_chain(&err)),
        }
    }

    pub(super) fn set_annotator(&mut self, name: String) {
        self.save_all();
        self.prefs.annotator = Some(name.clone());
        if let Some(path) = self.pending_project.take() {
            self.waiting = None;
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
        self.selected_relation = None;
        if let Some(id) = current {
            self.select_document(&id);
        }
    }

    /// A workspace whose autosaves run on a writer thread that wakes the UI.
    /// What was found for the workspace before (names in use, suggestions,
    /// mentions) is dropped.
    pub(super) fn new_workspace(&mut self, project: Project, annotator: &str) -> Workspace {
        self.spans.forget_names();
        self.suggestions.clear();
        // Another annotator's documents have the same ids and revisions.
        self.text.forget();
        self.mentions.close();
        let repaint = Arc::clone(&self.repaint);
        Workspace::new(project, annotator).with_background_saves(Box::new(move || {
            if let Some(ctx) = repaint.get() {
                ctx.request_repaint();
            }
        }))
    }

    /// Makes `id` the current document (the one left is saved); a document
    /// not started yet opens with suggestions of known names when the
    /// project asks for it (`suggest_on_open`). It opens at
    /// its top the first time and at its caret after.
    pub(super) fn select_document(&mut self, id: &str) {
        self.commit_note();
        let Some(workspace) = &mut self.workspace else {
            return;
        };
        let result = workspace.select(id);
        self.selection = None;
        self.selected_span = None;
        self.selected_relation = None;
        self.spans.note_edit = None;
        self.spans.relating = None;
        self.offer = None;
        match result {
            Ok(()) => {
                self.status.clear();
                if let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) {
                    self.text.scroll_to = Some(self.caret.enter(&doc.id, &doc.text));
                }
                if self
                    .workspace
                    .as_ref()
                    .is_some_and(|w| w.project().config().suggest_on_open)
                {
                    self.suggest_known_names(true);
                }
            }
            Err(err) => self.status.show_error(error_chain(&err)),
        }
    }

    /// Starts an export or import the form asked for, or takes in the files
    /// an import wrote.
    pub(super) fn transfer_request(&mut self, request: transfer::Request) {
        if let transfer::Request::Reload = request {
            self.apply(Change::Imported);
            return;
        }
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
            transfer::Request::Reload => {}
        }
    }

    /// Starts review mode on the current document.
    pub(super) fn start_review(&mut self, a: &str, b: &str, hide_names: bool) {
        self.save_all();
        let Some(workspace) = &self.workspace else {
            return;
        };
        let project = workspace.project().clone();
        let current = workspace
            .current_id()
            .map(str::to_owned)
            .or_else(|| project.docs().first().map(|d| d.id.clone()));
        // Review does not show the annotator's spans: nothing stays selected.
        self.selection = None;
        self.selected_span = None;
        self.selected_relation = None;
        self.spans.relating = None;
        let gold = self.new_workspace(project, GOLD);
        let mut review = ReviewMode::new(gold, a, b, hide_names);
        review.count_left();
        self.review = Some(review);
        // The view's caches are keyed by document and revision, which the
        // gold set's documents share with the annotator's.
        self.text.forget();
        if let Some(id) = current {
            self.review_select(&id);
        }
    }

    pub(super) fn review_select(&mut self, id: &str) {
        let Some(review) = &mut self.review else {
            return;
        };
        let Some(workspace) = &self.workspace else {
            return;
        };
        if let Err(err) = review.select(workspace.project(), id) {
            self.status.show_error(error_chain(&err));
        }
    }

    /// Marks the reviewed document reviewed: what both sides agree on goes
    /// into the gold set first (one undo step), then the status (another).
    pub(super) fn mark_reviewed(&mut self) {
        if let Some(take) = self.review.as_ref().and_then(ReviewMode::agreements) {
            self.apply(Change::here(take));
        }
        self.apply(Change::here(Command::SetStatus(Status::Done)));
    }

    pub(super) fn leave_review(&mut self, edit_gold: bool) {
        self.save_all();
        self.text.forget();
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

    /// Runs a command in review mode; false when review mode leaves it to
    /// the workbench (undo, redo and marking reviewed then go to the gold
    /// set, the editing workspace).
    pub(super) fn run_review_command(&mut self, command: UiCommand) -> bool {
        let decision = match command {
            UiCommand::AcceptA => Some(Decision::AcceptA),
            UiCommand::AcceptB => Some(Decision::AcceptB),
            UiCommand::AcceptBoth => Some(Decision::AcceptBoth),
            UiCommand::RejectBoth => Some(Decision::RejectBoth),
            _ => None,
        };
        if let Some(decision) = decision {
            self.apply(Change::Decide(decision));
            return true;
        }
        match command {
            UiCommand::NextDisagreement | UiCommand::PreviousDisagreement => {
                let forward = command == UiCommand::NextDisagreement;
                if let Some(review) = &mut self.review {
                    if !review.step(forward) {
                        self.review_other_document(forward);
                    } else if let Some(forward) = review.at_edge() {
                        self.status.show(if forward {
                            "No further disagreement in this document: N again goes on to the next document".to_owned()
                        } else {
                            "No earlier disagreement in this document: P again goes back to the previous document".to_owned()
                        });
                    }
                }
            }
            UiCommand::NextDocument | UiCommand::PreviousDocument => {
                let ids = self.documents.ids(self.workspace.as_ref());
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
            }
            // The annotator's spans and suggestions are not shown in review,
            // nor is the caret.
            command if command.moves_in_text() => {}
            UiCommand::ReplaceOverlapped
            | UiCommand::FindInDocument
            | UiCommand::FindNext
            | UiCommand::FindPrevious
            | UiCommand::DeleteSpan
            | UiCommand::ToggleSnapToWords
            | UiCommand::LinkSource
            | UiCommand::LinkTarget
            | UiCommand::SuggestDates
            | UiCommand::SuggestKnownNames
            | UiCommand::FindMentions
            | UiCommand::FindMentionsInProject
            | UiCommand::AcceptSuggestion
            | UiCommand::RejectSuggestion
            | UiCommand::AcceptAllSuggestions => {}
            _ => return false,
        }
        true
    }

    /// Moves review on to the next (or previous) document with a disagreement.
    fn review_other_document(&mut self, forward: bool) {
        let ids = self.documents.ids(self.workspace.as_ref());
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
        self.status
            .show("No further disagreement in this direction".into());
    }
}

/// `text` with a capital first letter and a full stop, for the status bar.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}
