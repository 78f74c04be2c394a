//! The one path from the workbench to the core.
//!
//! Terms:
//! - **change** ([`Change`]): anything the workbench changes in annotations
//!   or in the project's files: a document [`Command`] (label, relabel,
//!   delete, note, value, attribute, relation, marking done or reviewed,
//!   accepting or rejecting a suggestion or a mention, undo, redo) on the
//!   current document or on a named one; a review decision into the gold
//!   set; known names added to the gazetteer; the files an import wrote; and
//!   the settling of a conflict.
//! - **editing workspace**: where document commands go: the gold set's
//!   workspace while reviewing, the annotator's otherwise.
//!
//! Every change goes through `SorotApp::apply`. It carries the change out in
//! the core (a document command through `Workspace::execute_in`, which
//! records one undo step and autosaves the document; an import through
//! `Workspace::refresh`, which reads again only the open documents whose
//! files the import changed), then runs the one after-edit step,
//! `after_edit`, whatever the change was:
//! 1. **status message**: the error, with its causes, if there is one (a
//!    failed save leaves the edit standing; the next change saves it again),
//!    else the change's own message, else a previous error is cleared;
//! 2. **marks**: review's differences are compared with the gold set again
//!    (the text view asks for the marks in view every frame, and lays out
//!    the spans' lanes, tags and arcs again when the document's revision
//!    moves);
//! 3. **counts**: the document list's status marks and span counts are the
//!    workspace's summaries, which each landed autosave refreshes, and the
//!    label counts are read from the document as it is drawn;
//! 4. **suggestions and mentions pruned**: what the changed documents now
//!    hold as spans or as rejections is no longer proposed;
//! 5. **selection**: a selected span that the change removed is forgotten;
//! 6. **compare with gold**: an open comparison is marked stale, and runs
//!    again once the change is saved.

use std::path::{Path, PathBuf};

use sorot_core::analysis::suggest;
use sorot_core::project::document::{Command, Outcome};
use sorot_core::project::workspace::{Resolution, Workspace, WorkspaceError};

use super::SorotApp;
use crate::review::{Decision, ReviewMode};
use sorot_core::error_chain;

/// A change the workbench makes; see the module documentation.
#[derive(Debug)]
pub(crate) enum Change {
    /// A command on a document of the editing workspace: the current one
    /// (`doc: None`) or a named one (a mention in another document).
    Command {
        doc: Option<String>,
        command: Command,
    },
    /// A decision on review's current difference, written into the gold set.
    Decide(Decision),
    /// Adds a gazetteer file's names to the project's gazetteer.
    Gazetteer(PathBuf),
    /// An import wrote annotation files (and perhaps texts): the project's
    /// document list and the documents whose files changed are read again.
    Imported,
    /// Texts were added, removed or changed on disk by another program: the
    /// document list and the open documents whose text changed are read
    /// again.
    TextsOnDisk,
    /// Settles the editing workspace's conflict.
    Resolve(Resolution),
}

impl Change {
    /// A command on the current document.
    pub(crate) fn here(command: Command) -> Self {
        Change::Command { doc: None, command }
    }
}

/// A change carried out, for the after-edit step.
struct Carried {
    /// The documents whose annotations changed.
    docs: Vec<String>,
    result: Result<Outcome, Failure>,
    /// What the status bar says when all went well.
    message: Option<String>,
}

/// What went wrong with a change, as the status bar shows it.
struct Failure {
    text: String,
    /// Whether the change was made all the same (only a save failed).
    stands: bool,
}

impl Failure {
    /// A failure of the workspace; `doc` names a document that is not the
    /// current one.
    fn of(err: &WorkspaceError, doc: Option<&str>) -> Self {
        let text = error_chain(err);
        Failure {
            text: match doc {
                Some(doc) => format!("{doc}: {text}"),
                None => text,
            },
            stands: matches!(err, WorkspaceError::Save(_)),
        }
    }
}

impl SorotApp {
    /// The workspace that changes to documents go to: the gold set's while
    /// reviewing, the annotator's otherwise.
    pub(super) fn editing(&self) -> Option<&Workspace> {
        editing(&self.review, &self.workspace)
    }

    fn editing_mut(&mut self) -> Option<&mut Workspace> {
        match &mut self.review {
            Some(review) => Some(review.gold_mut()),
            None => self.workspace.as_mut(),
        }
    }

    /// Carries out a change, then the after-edit step. `None` when nothing
    /// was changed (the error, if any, is shown); a failed save gives
    /// `Some`, since the edit stands.
    pub(super) fn apply(&mut self, change: Change) -> Option<Outcome> {
        let mut decided = None;
        let carried = match change {
            Change::Command { doc, command } => self.carry_command(doc, command)?,
            Change::Decide(decision) => {
                let (difference, command) = self.review.as_ref()?.decision(decision)?;
                decided = Some(difference);
                self.carry_command(None, command)?
            }
            Change::Gazetteer(path) => self.carry_gazetteer(&path)?,
            Change::Imported => self.carry_import("The import changed")?,
            Change::TextsOnDisk => self.carry_import("Texts changed on disk")?,
            Change::Resolve(resolution) => {
                let workspace = self.editing_mut()?;
                let id = workspace.conflict()?.to_owned();
                let result = workspace
                    .resolve_conflict(resolution)
                    .map(|()| Outcome::Changed { select: None })
                    .map_err(|err| Failure::of(&err, None));
                Carried {
                    docs: vec![id],
                    result,
                    message: Some("Conflict settled".into()),
                }
            }
        };
        let outcome = self.after_edit(carried);
        if let Some(difference) = decided
            && outcome.is_some()
            && let Some(review) = &mut self.review
        {
            review.move_on(&difference);
        }
        outcome
    }

    fn carry_command(&mut self, doc: Option<String>, command: Command) -> Option<Carried> {
        let named = doc.is_some();
        let workspace = self.editing_mut()?;
        let id = match doc {
            Some(id) => id,
            None => workspace.current_id()?.to_owned(),
        };
        let result = workspace
            .execute_in(&id, command)
            .map_err(|err| Failure::of(&err, named.then_some(id.as_str())));
        Some(Carried {
            docs: vec![id],
            result,
            message: None,
        })
    }

    /// Adds a gazetteer file to the project's; the current document, if it
    /// has no spans yet, gets the suggestions the new names bring.
    fn carry_gazetteer(&mut self, path: &Path) -> Option<Carried> {
        let workspace = self.workspace.as_ref()?;
        let done = match suggest::import_gazetteer(workspace.project(), &[path.to_owned()]) {
            Ok(done) => done,
            Err(err) => {
                return Some(Carried {
                    docs: Vec::new(),
                    result: Err(Failure {
                        text: error_chain(&err),
                        stands: false,
                    }),
                    message: None,
                });
            }
        };
        self.suggest_known_names(false);
        let waiting = self.current_suggestions().map_or(0, |s| s.items.len());
        Some(Carried {
            docs: Vec::new(),
            result: Ok(Outcome::Unchanged),
            message: Some(format!(
                "{}: {} names added, {} relabeled; the gazetteer has {}; {waiting} suggestions here",
                path.display(),
                done.added,
                done.relabeled,
                done.total
            )),
        })
    }

    /// Takes in what an import wrote. Open documents whose files it did not
    /// change keep their undo history.
    /// Reads the project again after files changed on disk; `cause` opens
    /// the message that names the documents read again.
    fn carry_import(&mut self, cause: &str) -> Option<Carried> {
        let refreshed = self.workspace.as_mut()?.refresh();
        // Texts may have been added, and names in use read from the files changed.
        self.documents.relist();
        self.spans.forget_names();
        let message = (!refreshed.reread.is_empty()).then(|| {
            format!(
                "{cause}: {} read again, undo starts afresh there",
                refreshed.reread.join(", ")
            )
        });
        let result = match refreshed.errors.first() {
            Some(err) => Err(Failure {
                stands: true,
                ..Failure::of(err, None)
            }),
            None => Ok(Outcome::Changed { select: None }),
        };
        Some(Carried {
            docs: refreshed.reread,
            result,
            message,
        })
    }

    /// The one step after every change; see the module documentation.
    fn after_edit(&mut self, carried: Carried) -> Option<Outcome> {
        let Carried {
            docs,
            result,
            message,
        } = carried;
        // 1. Status message.
        let outcome = match result {
            Ok(outcome) => {
                match message {
                    Some(text) => self.status.show(text),
                    None => self.status.clear_error(),
                }
                Some(outcome)
            }
            Err(failure) => {
                self.status.show_error(failure.text);
                failure.stands.then_some(Outcome::Changed { select: None })
            }
        };
        // 2. Marks (3. counts follow the autosaves).
        if let Some(review) = &mut self.review {
            review.refresh();
        }
        // 4. Suggestions and mentions pruned.
        if let Some(workspace) = editing(&self.review, &self.workspace) {
            for doc in workspace.open_documents().filter(|d| docs.contains(&d.id)) {
                self.mentions.drop_decided(&doc.id, doc.annotations());
            }
        }
        self.prune_suggestions();
        // 5. Selection.
        self.forget_missing_span();
        // 6. Compare with gold.
        if !docs.is_empty() {
            self.compare.mark_stale();
        }
        outcome
    }

    /// Saves the note being typed, if it differs from the span's.
    pub(super) fn commit_note(&mut self) {
        let Some((id, note)) = self.spans.note_edit.take() else {
            return;
        };
        let unchanged = self
            .workspace
            .as_ref()
            .and_then(|w| w.current())
            .and_then(|d| d.annotations().get(id))
            .is_none_or(|s| s.note == note);
        if !unchanged {
            self.apply(Change::here(Command::SetNote { id, note }));
        }
    }

    /// Forgets the selected span, and the note typed for a span, when the
    /// span is no longer there.
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
        if self
            .spans
            .note_edit
            .as_ref()
            .is_some_and(|(id, _)| !exists(*id))
        {
            self.spans.note_edit = None;
        }
    }
}

/// The editing workspace, from the fields that hold it (so that other
/// fields stay free to change meanwhile).
fn editing<'a>(
    review: &'a Option<ReviewMode>,
    workspace: &'a Option<Workspace>,
) -> Option<&'a Workspace> {
    match review {
        Some(review) => Some(review.gold()),
        None => workspace.as_ref(),
    }
}
