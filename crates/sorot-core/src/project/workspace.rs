//! A workspace: one project opened by one annotator, with the documents that
//! have been opened so far and the document being worked on.
//!
//! Terms:
//! - **current document**: the one shown and edited.
//! - **autosave**: every command that changes the current document is followed
//!   by a save; switching documents, switching annotators and closing save too.
//!
//! Saves run at once on the calling thread, or, with
//! [`Workspace::with_background_saves`], on a writer thread whose results
//! [`Workspace::poll_saves`] collects.
//!
//! Opened documents stay in memory with their undo history, so that coming
//! back to a document keeps its undo. A document that changed on disk while it
//! had no unsaved changes is simply read again when it becomes current.
//! [`Workspace::refresh`] takes in what another program (an import) wrote:
//! the texts are listed again, and only the open documents whose annotation
//! files changed are read again; the others keep their undo history.

use crate::model::Status;
use crate::project::document::{
    Command, CommandError, OpenDocument, OpenError, Outcome, SaveError,
};
use crate::project::saver::BackgroundSaver;
use crate::project::{DocSummary, Project, ProjectError};
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
    #[error(transparent)]
    Project(#[from] ProjectError),
}

/// What [`Workspace::refresh`] did.
#[derive(Debug, Default)]
pub struct Refreshed {
    /// The open documents read again because their annotation files changed
    /// on disk; their undo history starts afresh.
    pub reread: Vec<String>,
    /// What went wrong: saves that failed, the text folder that could not be
    /// listed, and the conflicts of documents with unsaved changes whose
    /// files changed.
    pub errors: Vec<WorkspaceError>,
}

/// Whether the annotations are on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    /// Being written by the writer thread.
    Saving,
    /// Changes that are not on disk and not being written (a save failed).
    Unsaved,
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
    saver: Option<BackgroundSaver>,
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
            saver: None,
        }
    }

    /// Saves from now on run on a writer thread; `wake` is called there after
    /// each save so that the caller can [poll](Self::poll_saves).
    pub fn with_background_saves(mut self, wake: Box<dyn Fn() + Send>) -> Self {
        self.saver = Some(BackgroundSaver::new(wake));
        self
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

    /// Every document's summary, by id.
    pub fn summaries(&self) -> &BTreeMap<String, DocSummary> {
        &self.summaries
    }

    /// The documents opened so far, with their state in memory (which may be
    /// newer than the files while a save is under way).
    pub fn open_documents(&self) -> impl Iterator<Item = &OpenDocument> {
        self.docs.values()
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
        self.save_state() == SaveState::Saved
    }

    pub fn save_state(&self) -> SaveState {
        if self.saver.as_ref().is_some_and(|s| !s.is_idle()) {
            SaveState::Saving
        } else if self.docs.values().any(OpenDocument::is_dirty) {
            SaveState::Unsaved
        } else {
            SaveState::Saved
        }
    }

    /// Makes `doc_id` the current document, saving the one before.
    pub fn select(&mut self, doc_id: &str) -> Result<(), WorkspaceError> {
        if self.current.as_deref() == Some(doc_id) {
            return Ok(());
        }
        let save_result = self.save_current();
        self.load(doc_id)?;
        self.current = Some(doc_id.to_owned());
        save_result
    }

    /// Opens `doc_id` in memory if it is not yet, or reloads it if its file
    /// changed and it has no unsaved edits.
    fn load(&mut self, doc_id: &str) -> Result<(), WorkspaceError> {
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
        Ok(())
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
        self.execute_in(&id, command)
    }

    /// Carries out a command on any document of the project (opening it in
    /// memory, where its undo history lives from then on) and saves it.
    pub fn execute_in(
        &mut self,
        doc_id: &str,
        command: Command,
    ) -> Result<Outcome, WorkspaceError> {
        if !self.docs.contains_key(doc_id) {
            self.load(doc_id)?;
        }
        let doc = self
            .docs
            .get_mut(doc_id)
            .ok_or(WorkspaceError::NoDocument)?;
        let outcome = doc.execute(self.project.schema(), command)?;
        self.save_doc(doc_id)?;
        Ok(outcome)
    }

    /// The status that marking the current document done gives it: done, or
    /// back in progress if it was done.
    pub fn toggled_done(&self) -> Option<Status> {
        let status = self.current()?.status();
        Some(if status == Status::Done {
            Status::InProgress
        } else {
            Status::Done
        })
    }

    /// Takes in annotation files and texts that another program (an import)
    /// wrote: waits for the saves under way, lists the texts again, reads
    /// the document list's summaries again, and reads again every open
    /// document whose annotation file changed on disk. Every other open
    /// document stays as it is, with its undo history. An open document
    /// with unsaved changes whose file changed is not read again: it is
    /// saved, which runs into the [conflict](Self::conflict) to settle.
    pub fn refresh(&mut self) -> Refreshed {
        let mut errors = self.wait_for_saves();
        if let Err(err) = self.project.rescan() {
            errors.push(err.into());
        }
        self.summaries = self.project.summaries(&self.annotator);
        // Texts gone from the project close; texts changed on disk open
        // again, so that a text restored to the version its annotations were
        // made on is no longer read-only (and one edited becomes so).
        let mut reread = Vec::new();
        let ids: Vec<String> = self.docs.keys().cloned().collect();
        for id in ids {
            let Some(entry) = self.project.doc(&id).cloned() else {
                if !self.docs[&id].is_dirty() {
                    self.docs.remove(&id);
                    if self.current.as_deref() == Some(id.as_str()) {
                        self.current = None;
                    }
                }
                continue;
            };
            let doc = &self.docs[&id];
            if doc.is_dirty() || !doc.text_changed_on_disk(&entry.path) {
                continue;
            }
            match OpenDocument::open(&self.project, &entry, &self.annotator) {
                Ok(opened) => {
                    self.docs.insert(id.clone(), opened);
                    reread.push(id);
                }
                Err(err) => errors.push(err.into()),
            }
        }
        let changed: Vec<String> = self
            .docs
            .iter()
            .filter(|(id, doc)| !reread.contains(id) && doc.changed_on_disk())
            .map(|(id, _)| id.clone())
            .collect();
        for id in changed {
            let Some(doc) = self.docs.get_mut(&id) else {
                continue;
            };
            if doc.is_dirty() {
                if let Err(err) = self.save_doc(&id) {
                    errors.push(err);
                }
                continue;
            }
            doc.reload(self.project.schema());
            reread.push(id);
        }
        errors.extend(self.wait_for_saves());
        Refreshed { reread, errors }
    }

    /// Saves the current document if it has unsaved changes.
    pub fn save_current(&mut self) -> Result<(), WorkspaceError> {
        let Some(id) = self.current.clone() else {
            return Ok(());
        };
        self.save_doc(&id)
    }

    /// Saves every document with unsaved changes and waits until they are
    /// on disk; returns the failures.
    pub fn save_all(&mut self) -> Vec<WorkspaceError> {
        let mut errors = self.wait_for_saves();
        let dirty: Vec<String> = self
            .docs
            .iter()
            .filter(|(_, d)| d.is_dirty())
            .map(|(id, _)| id.clone())
            .collect();
        for id in dirty {
            if let Err(err) = self.save_doc(&id) {
                errors.push(err);
            }
        }
        errors.extend(self.wait_for_saves());
        errors
    }

    fn save_doc(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let Some(doc) = self.docs.get_mut(id) else {
            return Ok(());
        };
        if let Some(saver) = &mut self.saver {
            if !saver.is_in_flight(id)
                && let Some(job) = doc.save_job(false)
            {
                saver.send(id, job);
            }
            return Ok(());
        }
        let result = doc.save();
        self.after_save(id, result)
    }

    /// Records a finished save: summary, or the conflict to settle.
    fn after_save(
        &mut self,
        id: &str,
        result: Result<(), SaveError>,
    ) -> Result<(), WorkspaceError> {
        match result {
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

    /// Collects the results of background saves and sends the next save of a
    /// document that changed while it was being written. Returns the failures.
    pub fn poll_saves(&mut self) -> Vec<WorkspaceError> {
        let finished = self
            .saver
            .as_mut()
            .map(BackgroundSaver::try_finished)
            .unwrap_or_default();
        self.record_finished(finished)
    }

    /// Waits until no background save is in flight; returns the failures.
    pub fn wait_for_saves(&mut self) -> Vec<WorkspaceError> {
        let mut errors = Vec::new();
        while let Some(finished) = self.saver.as_mut().and_then(BackgroundSaver::wait_finished) {
            errors.extend(self.record_finished(vec![finished]));
        }
        errors
    }

    fn record_finished(
        &mut self,
        finished: Vec<crate::project::saver::Finished>,
    ) -> Vec<WorkspaceError> {
        let mut errors = Vec::new();
        for (id, revision, result) in finished {
            let Some(doc) = self.docs.get_mut(&id) else {
                continue;
            };
            let failed = result.is_err();
            let result = doc.finish_save(revision, result);
            if let Err(err) = self.after_save(&id, result) {
                errors.push(err);
            }
            // Edits made while this save was in flight go out now.
            if !failed && let Err(err) = self.save_doc(&id) {
                errors.push(err);
            }
        }
        errors
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
            self.summaries
                .insert(id.to_owned(), DocSummary::of(doc.status(), doc.spans()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::AnnotationFile;
    use std::fs;
    use std::ops::Range;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn project() -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("a.txt"),
            "“Kim” 😊 bertemu\r\nPutin di Vostochny",
        )
        .unwrap();
        fs::write(dir.path().join("b.txt"), "Putin").unwrap();
        let project = Project::open(dir.path()).unwrap();
        (dir, project)
    }

    #[test]
    fn background_saves_land_every_edit_in_order_and_wake_the_caller() {
        let (_dir, project) = project();
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&wakes);
        let mut workspace =
            Workspace::new(project.clone(), "ayu").with_background_saves(Box::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }));
        workspace.select("a.txt").unwrap();
        // Edits faster than the writer: later ones wait for the one in flight.
        for (start, end) in [(1, 4), (17, 22), (26, 35)] {
            workspace
                .execute(Command::AddSpan {
                    range: start..end,
                    label: "actor".into(),
                })
                .unwrap();
        }
        workspace.execute(Command::Undo).unwrap();
        assert!(workspace.wait_for_saves().is_empty());
        assert_eq!(workspace.save_state(), SaveState::Saved);
        assert!(wakes.load(Ordering::SeqCst) >= 1);
        let (file, _) = AnnotationFile::read(&project.annotation_path("ayu", "a.txt")).unwrap();
        let texts: Vec<&str> = file.spans.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["Kim", "Putin"]);
        assert_eq!(workspace.summary("a.txt").map(|s| s.spans), Some(2));
    }

    #[test]
    fn a_background_save_detects_a_file_changed_on_disk() {
        let (_dir, project) = project();
        let mut workspace =
            Workspace::new(project.clone(), "ayu").with_background_saves(Box::new(|| {}));
        workspace.select("b.txt").unwrap();
        workspace
            .execute(Command::AddSpan {
                range: 0..5,
                label: "actor".into(),
            })
            .unwrap();
        assert!(workspace.wait_for_saves().is_empty());
        let path = project.annotation_path("ayu", "b.txt");
        let theirs = fs::read_to_string(&path)
            .unwrap()
            .replace("InProgress", "Done");
        fs::write(&path, &theirs).unwrap();

        workspace
            .execute(Command::SetNote {
                id: 1,
                note: "Presiden Rusia".into(),
            })
            .unwrap();
        let errors = workspace.wait_for_saves();
        assert!(
            matches!(
                errors.as_slice(),
                [WorkspaceError::Save(SaveError::Conflict { .. })]
            ),
            "{errors:?}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
        assert_eq!(workspace.conflict(), Some("b.txt"));
        assert_eq!(workspace.save_state(), SaveState::Unsaved);

        workspace.resolve_conflict(Resolution::KeepMine).unwrap();
        let mine = fs::read_to_string(&path).unwrap();
        assert!(
            mine.contains("note: \"Presiden Rusia\"") && mine.contains("InProgress"),
            "{mine}"
        );
        assert_eq!(workspace.save_state(), SaveState::Saved);
    }

    /// Writes `annotator`'s file of `doc_id` as another program would: one
    /// location span over `range`, the document done.
    fn write_elsewhere(project: &Project, annotator: &str, doc_id: &str, range: Range<usize>) {
        let entry = project.doc(doc_id).unwrap();
        let mut other = OpenDocument::open(project, entry, annotator).unwrap();
        other
            .execute(
                project.schema(),
                Command::AddSpan {
                    range,
                    label: "location".into(),
                },
            )
            .unwrap();
        let mut file = other.to_file();
        file.status = Status::Done;
        let path = project.annotation_path(annotator, doc_id);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, file.to_ron()).unwrap();
    }

    #[test]
    fn refreshing_rereads_only_changed_documents_and_keeps_the_others_undo() {
        let (dir, project) = project();
        let mut workspace = Workspace::new(project.clone(), "ayu");
        workspace.select("b.txt").unwrap();
        workspace.select("a.txt").unwrap();
        // “Kim” in a text with an emoji and a CRLF line end.
        workspace
            .execute(Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            })
            .unwrap();
        // An import writes b.txt's file and adds a text with its file.
        write_elsewhere(&project, "ayu", "b.txt", 0..5);
        fs::write(dir.path().join("c.txt"), "Vostochny\r\n").unwrap();
        let project_now = Project::open(dir.path()).unwrap();
        write_elsewhere(&project_now, "ayu", "c.txt", 0..9);

        let refreshed = workspace.refresh();
        assert!(refreshed.errors.is_empty(), "{:?}", refreshed.errors);
        assert_eq!(refreshed.reread, ["b.txt"]);
        assert!(workspace.project().doc("c.txt").is_some());
        assert_eq!(workspace.summary("c.txt").map(|s| s.spans), Some(1));
        assert_eq!(
            workspace.summary("b.txt").map(|s| s.status),
            Some(Status::Done)
        );
        let b = workspace
            .open_documents()
            .find(|d| d.id == "b.txt")
            .unwrap();
        assert_eq!(b.spans()[0].text, "Putin");
        assert!(!b.can_undo());

        // a.txt kept its history: the edit made before the import is undone.
        assert_eq!(workspace.current_id(), Some("a.txt"));
        workspace.execute(Command::Undo).unwrap();
        assert!(workspace.current().unwrap().spans().is_empty());
        let (file, _) = AnnotationFile::read(&project.annotation_path("ayu", "a.txt")).unwrap();
        assert!(file.spans.is_empty());
    }

    /// A text edited on disk makes its document read-only at the next
    /// refresh; restored to the version its annotations were made on, it is
    /// editable again. A text removed from the project closes.
    #[test]
    fn refreshing_follows_texts_changed_restored_and_removed_on_disk() {
        let (dir, project) = project();
        let mut workspace = Workspace::new(project.clone(), "ayu");
        workspace.select("b.txt").unwrap();
        workspace.select("a.txt").unwrap();
        workspace
            .execute(Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            })
            .unwrap();
        workspace.save_all();
        let original = fs::read(dir.path().join("a.txt")).unwrap();
        fs::write(dir.path().join("a.txt"), "“Kim” 😊 tiba\r\nPutin").unwrap();
        let refreshed = workspace.refresh();
        assert!(refreshed.errors.is_empty(), "{:?}", refreshed.errors);
        assert_eq!(refreshed.reread, ["a.txt"]);
        assert!(!workspace.current().unwrap().is_editable());
        fs::write(dir.path().join("a.txt"), &original).unwrap();
        assert_eq!(workspace.refresh().reread, ["a.txt"]);
        let a = workspace.current().unwrap();
        assert!(a.is_editable());
        assert_eq!(a.spans()[0].text, "Kim");
        // b.txt goes; the current document stays.
        fs::remove_file(dir.path().join("b.txt")).unwrap();
        workspace.refresh();
        assert!(workspace.project().doc("b.txt").is_none());
        assert!(workspace.open_documents().all(|d| d.id != "b.txt"));
        assert_eq!(workspace.current_id(), Some("a.txt"));
    }

    #[test]
    fn refreshing_leaves_unsaved_changes_of_a_changed_file_to_the_conflict() {
        let (_dir, project) = project();
        let mut workspace = Workspace::new(project.clone(), "ayu");
        workspace.select("a.txt").unwrap();
        write_elsewhere(&project, "ayu", "a.txt", 17..22);
        // The save of this edit finds the file changed: the edit is unsaved.
        let refused = workspace.execute(Command::AddSpan {
            range: 1..4,
            label: "actor".into(),
        });
        assert!(matches!(
            refused,
            Err(WorkspaceError::Save(SaveError::Conflict { .. }))
        ));
        let theirs = fs::read_to_string(project.annotation_path("ayu", "a.txt")).unwrap();

        let refreshed = workspace.refresh();
        assert!(refreshed.reread.is_empty());
        assert!(
            matches!(
                refreshed.errors.as_slice(),
                [WorkspaceError::Save(SaveError::Conflict { .. })]
            ),
            "{:?}",
            refreshed.errors
        );
        assert_eq!(workspace.conflict(), Some("a.txt"));
        let doc = workspace.current().unwrap();
        assert_eq!(doc.spans()[0].text, "Kim", "the unsaved edit is kept");
        assert!(doc.can_undo());
        assert_eq!(
            fs::read_to_string(project.annotation_path("ayu", "a.txt")).unwrap(),
            theirs
        );
        workspace.resolve_conflict(Resolution::Reload).unwrap();
        assert_eq!(workspace.current().unwrap().spans()[0].text, "Putin");
    }

    #[test]
    fn switching_documents_saves_the_one_left() {
        let (_dir, project) = project();
        let mut workspace = Workspace::new(project.clone(), "ayu");
        workspace.select("a.txt").unwrap();
        workspace
            .execute(Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            })
            .unwrap();
        workspace.select("b.txt").unwrap();
        assert!(project.annotation_path("ayu", "a.txt").is_file());
        assert_eq!(
            workspace.neighbour(&["a.txt".into(), "b.txt".into()], -1),
            Some("a.txt")
        );
        assert_eq!(
            workspace.neighbour(&["a.txt".into(), "b.txt".into()], 1),
            None
        );
    }
}
