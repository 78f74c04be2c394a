//! A workspace: one project opened by one annotator, with the documents that
//! have been opened so far and the document being worked on.
//!
//! Terms:
//! - **current document**: the one shown and edited.
//! - **autosave**: every command that changes the current document is followed
//!   by a save; switching documents, switching annotators and closing save too.
//!
//! Opened documents stay in memory with their undo history, so that coming
//! back to a document keeps its undo. A document that changed on disk while it
//! had no unsaved changes is simply read again when it becomes current.

use crate::document::{Command, CommandError, OpenDocument, OpenError, Outcome, SaveError};
use crate::model::Status;
use crate::project::{DocSummary, Project};
use std::collections::BTreeMap;

/// A failure of a workspace action; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("no document is open")]
    NoDocument,
    #[error("no document {0:?} in this project")]
    UnknownDocument(String),
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// How to settle a conflict between unsaved changes and a file changed on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Take the file on disk and drop the unsaved changes.
    Reload,
    /// Overwrite the file on disk with the unsaved changes.
    KeepMine,
}

pub struct Workspace {
    project: Project,
    annotator: String,
    summaries: BTreeMap<String, DocSummary>,
    docs: BTreeMap<String, OpenDocument>,
    current: Option<String>,
    conflict: Option<String>,
}

impl Workspace {
    pub fn new(project: Project, annotator: &str) -> Self {
        let summaries = project.summaries(annotator);
        Self {
            project,
            annotator: annotator.to_owned(),
            summaries,
            docs: BTreeMap::new(),
            current: None,
            conflict: None,
        }
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn annotator(&self) -> &str {
        &self.annotator
    }

    pub fn summary(&self, doc_id: &str) -> Option<&DocSummary> {
        self.summaries.get(doc_id)
    }

    pub fn current_id(&self) -> Option<&str> {
        self.current.as_deref()
    }

    pub fn current(&self) -> Option<&OpenDocument> {
        self.current.as_ref().and_then(|id| self.docs.get(id))
    }

    /// The document whose save ran into a file changed on disk, if any.
    pub fn conflict(&self) -> Option<&str> {
        self.conflict.as_deref()
    }

    /// Whether every change is on disk.
    pub fn all_saved(&self) -> bool {
        self.docs.values().all(|d| !d.is_dirty())
    }

    /// Makes `doc_id` the current document, saving the one before.
    pub fn select(&mut self, doc_id: &str) -> Result<(), WorkspaceError> {
        if self.current.as_deref() == Some(doc_id) {
            return Ok(());
        }
        let save_result = self.save_current();
        let entry = self
            .project
            .doc(doc_id)
            .ok_or_else(|| WorkspaceError::UnknownDocument(doc_id.to_owned()))?
            .clone();
        match self.docs.get_mut(doc_id) {
            Some(doc) if !doc.is_dirty() && doc.changed_on_disk() => {
                doc.reload(self.project.schema())
            }
            Some(_) => {}
            None => {
                let doc = OpenDocument::open(&self.project, &entry, &self.annotator)?;
                self.docs.insert(doc_id.to_owned(), doc);
            }
        }
        self.current = Some(doc_id.to_owned());
        save_result
    }

    /// The document `step` places after (or, negative, before) the current one
    /// in `order`, which is the list as the user sees it.
    pub fn neighbour<'a>(&self, order: &'a [String], step: isize) -> Option<&'a str> {
        let position = self
            .current
            .as_ref()
            .and_then(|c| order.iter().position(|id| id == c));
        let target = match position {
            Some(i) => i.checked_add_signed(step)?,
            None if step > 0 => 0,
            None => order.len().checked_sub(1)?,
        };
        order.get(target).map(String::as_str)
    }

    /// Carries out a command on the current document and saves it.
    pub fn execute(&mut self, command: Command) -> Result<Outcome, WorkspaceError> {
        let id = self.current.clone().ok_or(WorkspaceError::NoDocument)?;
        let doc = self.docs.get_mut(&id).ok_or(WorkspaceError::NoDocument)?;
        let outcome = doc.execute(self.project.schema(), command)?;
        self.save_current()?;
        Ok(outcome)
    }

    /// Marks the current document done (or back in progress if it was done).
    pub fn toggle_done(&mut self) -> Result<Outcome, WorkspaceError> {
        let status = self.current().ok_or(WorkspaceError::NoDocument)?.status();
        let next = if status == Status::Done {
            Status::InProgress
        } else {
            Status::Done
        };
        self.execute(Command::SetStatus(next))
    }

    /// Saves the current document if it has unsaved changes.
    pub fn save_current(&mut self) -> Result<(), WorkspaceError> {
        let Some(id) = self.current.clone() else {
            return Ok(());
        };
        self.save_doc(&id)
    }

    /// Saves every document with unsaved changes; returns the failures.
    pub fn save_all(&mut self) -> Vec<WorkspaceError> {
        let ids: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.is_dirty())
            .map(|(id, _)| id.clone())
            .collect();
        ids.iter()
            .filter_map(|id| self.save_doc(id).err())
            .collect()
    }

    fn save_doc(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let Some(doc) = self.docs.get_mut(id) else {
            return Ok(());
        };
        match doc.save() {
            Ok(()) => {
                self.refresh_summary(id);
                Ok(())
            }
            Err(err) => {
                if matches!(err, SaveError::Conflict { .. }) {
                    self.conflict = Some(id.to_owned());
                }
                Err(err.into())
            }
        }
    }

    /// Settles the conflict reported by [`Self::conflict`].
    pub fn resolve_conflict(&mut self, resolution: Resolution) -> Result<(), WorkspaceError> {
        let Some(id) = self.conflict.take() else {
            return Ok(());
        };
        let Some(doc) = self.docs.get_mut(&id) else {
            return Ok(());
        };
        match resolution {
            Resolution::Reload => doc.reload(self.project.schema()),
            Resolution::KeepMine => doc.save_overwriting()?,
        }
        self.refresh_summary(&id);
        Ok(())
    }

    fn refresh_summary(&mut self, id: &str) {
        if let Some(doc) = self.docs.get(id) {
            self.summaries.insert(
                id.to_owned(),
                DocSummary {
                    status: doc.status(),
                    spans: doc.spans().len(),
                    error: None,
                },
            );
        }
    }
}
