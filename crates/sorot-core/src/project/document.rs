//! An open document: one annotator's work on one text, with undo, saving and
//! the checks that keep annotations from landing in the wrong place.
//!
//! Terms:
//! - **command** ([`Command`]): what a user asks for (add a span, relabel,
//!   undo...). It is turned into a group of [`Edit`](crate::model::Edit)s,
//!   applied through the [`History`], and the document becomes **dirty**
//!   until it is saved. This is the only way the annotations change; the GUI
//!   and tests go through it alike (`commands`).
//! - **read-only**: a document whose annotation file could not be trusted
//!   (unreadable, malformed, newer format, written for another version of
//!   the text, spans outside the text). It is shown but never written, so
//!   nothing is lost.
//! - **finding** ([`Finding`]): something wrong with an annotation file
//!   relative to its text (`checks`). A *blocking* finding makes the
//!   document read-only.
//! - **conflict**: the annotation file changed on disk since Sorot last read or
//!   wrote it (a `git pull`, another program). Saving then stops and asks.
//! - **save job** ([`SaveJob`]): one save, made from the document's state
//!   and run here or on a writer thread.

mod checks;
mod commands;
#[cfg(test)]
mod tests;

use std::fs;
use std::path::{Path, PathBuf};

use crate::error_chain;
use crate::model::schema::Schema;
use crate::model::text::{SourceText, TextError};
use crate::model::{Annotations, History, Span, SpanId, Status};
use crate::project::{DocEntry, Project};
use crate::store::{self, AnnotationFile, FORMAT_VERSION, OffsetUnit, StorageError};

pub use checks::{Finding, HeaderField, check_file, overlaps};
pub use commands::{Command, CommandError, Outcome};

/// Whether a document may be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Editable,
    ReadOnly { reason: String },
}

/// Why a document's text cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{}: cannot read", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is read but is not a text Sorot can annotate; the cause
    /// says why.
    #[error("{}", path.display())]
    Text {
        path: PathBuf,
        #[source]
        source: TextError,
    },
}

/// Why saving did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "{}: changed on disk since Sorot read it; choose Reload (take the file on disk) or Keep mine (overwrite it)",
        path.display()
    )]
    Conflict { path: PathBuf },
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The thread that saves in the background stopped (a bug) before it
    /// reported this save; `reason` is what it said when it stopped. The
    /// file holds the old content or the new, whole.
    #[error(
        "{}: not saved: the background writer stopped ({reason}); save again",
        path.display()
    )]
    WriterStopped { path: PathBuf, reason: String },
}

/// One annotator's open document.
#[derive(Debug)]
pub struct OpenDocument {
    pub id: String,
    pub text: SourceText,
    annotations: Annotations,
    history: History,
    access: Access,
    findings: Vec<Finding>,
    annotator: String,
    source: String,
    fingerprint: String,
    path: PathBuf,
    /// Fingerprint of the annotation file as last read or written; `None`
    /// when there was no file.
    disk_fingerprint: Option<String>,
    /// Whether the document may be saved: false when opened only to read,
    /// without `disk_fingerprint`.
    saves: bool,
    /// The revision last written (or read); the document is dirty when its
    /// revision has moved on.
    saved_revision: u64,
    /// Moves with each change to the annotations, for views that cache
    /// derived data: a number no other document, and no earlier opening of
    /// this one, has had in this process ([`next_revision`]), so that a
    /// document opened again (its text changed on disk, say) never passes
    /// for the one a view cached.
    revision: u64,
    /// The file's fields this build does not know, written back on save.
    unknown: store::Unknown,
    /// The project's annotations folder, whose write lock a save holds.
    annotations_dir: PathBuf,
}

/// A document's text, read and checked once, with its fingerprint: to open
/// several annotators' files of one document without reading it again.
#[derive(Debug, Clone)]
pub struct ReadText {
    text: SourceText,
    fingerprint: String,
}

impl ReadText {
    /// Reads and checks the text of `doc`.
    pub fn read(doc: &DocEntry) -> Result<ReadText, OpenError> {
        let bytes = fs::read(&doc.path).map_err(|source| OpenError::Read {
            path: doc.path.clone(),
            source,
        })?;
        let fingerprint = store::fingerprint(&bytes);
        let text = SourceText::from_bytes(bytes).map_err(|source| OpenError::Text {
            path: doc.path.clone(),
            source,
        })?;
        Ok(ReadText { text, fingerprint })
    }
}

impl OpenDocument {
    /// Reads a document's text and `annotator`'s annotations of it. Only an
    /// unreadable text is an error; an untrustworthy annotation file opens the
    /// document read-only with the reason.
    pub fn open(project: &Project, doc: &DocEntry, annotator: &str) -> Result<Self, OpenError> {
        Self::open_with(project, doc, annotator, true)
    }

    /// [`Self::open`] for readers (export, agreement, review) that never save:
    /// it skips what only saving needs, the fingerprint of the annotation file
    /// on disk, and [`Self::save_job`] gives nothing for it.
    pub fn open_to_read(
        project: &Project,
        doc: &DocEntry,
        annotator: &str,
    ) -> Result<Self, OpenError> {
        Self::open_with(project, doc, annotator, false)
    }

    fn open_with(
        project: &Project,
        doc: &DocEntry,
        annotator: &str,
        saves: bool,
    ) -> Result<Self, OpenError> {
        Ok(Self::open_on(
            project,
            doc,
            annotator,
            ReadText::read(doc)?,
            saves,
        ))
    }

    /// [`OpenDocument::open_to_read`] on a text already read, so that
    /// several annotators' files of one document read it once.
    pub fn open_to_read_on(
        project: &Project,
        doc: &DocEntry,
        annotator: &str,
        text: &ReadText,
    ) -> Self {
        Self::open_on(project, doc, annotator, text.clone(), false)
    }

    /// [`OpenDocument::open_to_read_on`] for readers that want only the
    /// documents `annotator` has a file for: the annotation file is read
    /// first, and its absence (no file, or a folder in its place) gives
    /// `None` without a separate check that it exists. The text is read
    /// into `text` when it is not there yet; when it cannot be read, that
    /// error is given and `text` stays empty.
    pub fn open_existing_to_read(
        project: &Project,
        doc: &DocEntry,
        annotator: &str,
        text: &mut Option<ReadText>,
    ) -> Option<Result<Self, OpenError>> {
        let path = project.annotation_path(annotator, &doc.id);
        let read = AnnotationFile::read(&path);
        if let Err(StorageError::Read { source, .. }) = &read
            && matches!(
                source.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
            )
        {
            return None;
        }
        let text = match text {
            Some(text) => text.clone(),
            None => match ReadText::read(doc) {
                Ok(read) => text.insert(read).clone(),
                Err(err) => return Some(Err(err)),
            },
        };
        let mut document = Self::unloaded(project, doc, annotator, text, false, path);
        document.load_annotations_from(project.schema(), read);
        Some(Ok(document))
    }

    /// [`OpenDocument::open`] on a text already read.
    pub fn open_on_text(
        project: &Project,
        doc: &DocEntry,
        annotator: &str,
        text: ReadText,
    ) -> Self {
        Self::open_on(project, doc, annotator, text, true)
    }

    fn open_on(
        project: &Project,
        doc: &DocEntry,
        annotator: &str,
        text: ReadText,
        saves: bool,
    ) -> Self {
        let path = project.annotation_path(annotator, &doc.id);
        let mut document = Self::unloaded(project, doc, annotator, text, saves, path);
        document.load_annotations(project.schema());
        document
    }

    /// A document of `text` with no annotations loaded yet, its annotation
    /// file at `path`.
    fn unloaded(
        project: &Project,
        doc: &DocEntry,
        annotator: &str,
        ReadText { text, fingerprint }: ReadText,
        saves: bool,
        path: std::path::PathBuf,
    ) -> Self {
        OpenDocument {
            id: doc.id.clone(),
            text,
            annotations: Annotations::default(),
            history: History::default(),
            access: Access::Editable,
            findings: Vec::new(),
            annotator: annotator.to_owned(),
            source: project.source_path(doc),
            fingerprint,
            path,
            disk_fingerprint: None,
            saves,
            saved_revision: 0,
            revision: 0,
            unknown: store::Unknown::default(),
            annotations_dir: project.annotation_dir(),
        }
    }

    /// (Re)reads the annotation file, dropping unsaved changes and history.
    pub fn reload(&mut self, schema: &Schema) {
        self.load_annotations(schema);
    }

    fn load_annotations(&mut self, schema: &Schema) {
        let read = AnnotationFile::read(&self.path);
        self.load_annotations_from(schema, read);
    }

    /// [`Self::load_annotations`] from the annotation file as read.
    fn load_annotations_from(
        &mut self,
        schema: &Schema,
        read: Result<(AnnotationFile, Vec<u8>), StorageError>,
    ) {
        self.revision = next_revision();
        self.saved_revision = self.revision;
        self.annotations = Annotations::default();
        self.history = History::default();
        self.access = Access::Editable;
        self.findings.clear();
        self.disk_fingerprint = None;
        self.unknown = store::Unknown::default();
        match read {
            // No file yet: nothing annotated.
            Err(StorageError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                // Remember what is on disk so that nothing overwrites it unasked.
                if self.saves {
                    self.disk_fingerprint =
                        fs::read(&self.path).ok().map(|b| store::fingerprint(&b));
                }
                self.access = Access::ReadOnly {
                    reason: error_chain(&err),
                };
            }
            Ok((file, bytes)) => {
                if self.saves {
                    self.disk_fingerprint = Some(store::fingerprint(&bytes));
                }
                self.findings =
                    check_file(&file, &self.text, &self.fingerprint, &self.source, schema);
                self.unknown = file.unknown;
                // A span's unknown fields are kept by its id: a new span never
                // takes the id of one that held some.
                let reserved = self.unknown.spans.keys().max().copied().unwrap_or(0);
                match Annotations::new(file.status, file.spans) {
                    Ok(mut annotations) => {
                        annotations.reserve_ids_through(reserved);
                        match annotations
                            .with_rejected(file.rejected)
                            .with_rejected_relations(file.rejected_relations)
                            .with_relations(file.relations)
                        {
                            Ok(annotations) => self.annotations = annotations,
                            Err(err) => self.findings.push(Finding {
                                span: None,
                                field: None,
                                message: format!(
                                    "a relation ends at a span that does not exist ({err})"
                                ),
                                blocking: true,
                            }),
                        }
                    }
                    Err(err) => self.findings.push(Finding {
                        span: None,
                        field: None,
                        message: err.to_string(),
                        blocking: true,
                    }),
                }
                if let Some(finding) = self.findings.iter().find(|f| f.blocking) {
                    self.access = Access::ReadOnly {
                        reason: format!("{}: {}", self.path.display(), finding.message),
                    };
                }
            }
        }
    }

    pub fn annotations(&self) -> &Annotations {
        &self.annotations
    }

    /// The text and the annotations, for readers that are done with the
    /// document: they take them without a copy.
    pub fn into_parts(self) -> (SourceText, Annotations) {
        (self.text, self.annotations)
    }

    pub fn spans(&self) -> &[Span] {
        self.annotations.spans()
    }

    /// Whether the annotator has begun this document: it has spans or a
    /// status past not started. A file holding only rejected suggestions has
    /// not begun, and agreement and `--annotated-only` leave it out.
    pub fn is_started(&self) -> bool {
        self.status() != Status::NotStarted || !self.spans().is_empty()
    }

    pub fn status(&self) -> Status {
        self.annotations.status
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    pub fn is_editable(&self) -> bool {
        self.access == Access::Editable
    }

    /// Problems found when the annotation file was read.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Spans that must not be painted because their offsets do not fit the text.
    pub fn is_flagged(&self, id: SpanId) -> bool {
        self.findings
            .iter()
            .any(|f| f.blocking && (f.span == Some(id) || f.span.is_none()))
    }

    /// A number that changes whenever the annotations change, and that no
    /// other document (nor an earlier opening of this one) has had.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    pub fn annotator(&self) -> &str {
        &self.annotator
    }

    /// The annotation file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The annotation file for the current state.
    pub fn to_file(&self) -> AnnotationFile {
        AnnotationFile {
            format_version: FORMAT_VERSION,
            source: self.source.clone(),
            fingerprint: self.fingerprint.clone(),
            offset_unit: OffsetUnit::CodePoint,
            annotator: self.annotator.clone(),
            status: self.status(),
            spans: self.spans().to_vec(),
            rejected: self.annotations.rejected().cloned().collect(),
            relations: self.annotations.relations().cloned().collect(),
            rejected_relations: self.annotations.rejected_relations().cloned().collect(),
            unknown: self.unknown.clone(),
        }
    }

    /// Writes unsaved changes atomically. Refuses when the file changed on
    /// disk since it was read or written; see [`Self::save_overwriting`].
    /// Read-only documents are never written.
    pub fn save(&mut self) -> Result<(), SaveError> {
        self.save_here(false)
    }

    /// Runs the [`SaveJob`] on this thread.
    fn save_here(&mut self, overwrite: bool) -> Result<(), SaveError> {
        match self.save_job(overwrite) {
            Some(job) => {
                let revision = job.revision;
                let result = job.run();
                self.finish_save(revision, result)
            }
            None => Ok(()),
        }
    }

    /// The work of saving the current state, to be [run](SaveJob::run) here
    /// or on another thread and reported back with [`Self::finish_save`].
    /// `None` when there is nothing to save or the document is read-only.
    /// With `overwrite`, a file changed on disk is replaced ("keep mine").
    pub fn save_job(&self, overwrite: bool) -> Option<SaveJob> {
        if !self.saves || !self.is_editable() || (!overwrite && !self.is_dirty()) {
            return None;
        }
        Some(SaveJob {
            path: self.path.clone(),
            annotations_dir: self.annotations_dir.clone(),
            content: Content::File(Box::new(self.to_file())),
            expected_on_disk: (!overwrite).then(|| self.disk_fingerprint.clone()),
            revision: self.revision,
        })
    }

    /// Records the outcome of a [`SaveJob`] made at `revision`: on success the
    /// document is clean unless it changed since the job was made.
    pub fn finish_save(
        &mut self,
        revision: u64,
        result: Result<String, SaveError>,
    ) -> Result<(), SaveError> {
        let fingerprint = result?;
        self.disk_fingerprint = Some(fingerprint);
        self.saved_revision = self.saved_revision.max(revision);
        Ok(())
    }

    /// Whether the annotation file on disk differs from what Sorot last read
    /// or wrote; false for a document [opened to read](Self::open_to_read), which keeps
    /// no fingerprint and never saves.
    /// Whether the text at `path` (this document's) now has other bytes than
    /// the text it was opened with: edited, or restored to the version its
    /// annotations were made on.
    pub fn text_changed_on_disk(&self, path: &Path) -> bool {
        fs::read(path).is_ok_and(|bytes| store::fingerprint(&bytes) != self.fingerprint)
    }

    pub fn changed_on_disk(&self) -> bool {
        if !self.saves {
            return false;
        }
        let on_disk = fs::read(&self.path).ok().map(|b| store::fingerprint(&b));
        on_disk != self.disk_fingerprint
    }

    /// Writes the current state even though the file changed on disk ("keep mine").
    pub fn save_overwriting(&mut self) -> Result<(), SaveError> {
        self.save_here(true)
    }
}

/// One save of an annotation file, independent of the document it came from
/// so that it can run on a writer thread.
#[derive(Debug)]
pub struct SaveJob {
    pub path: PathBuf,
    /// The annotations folder, whose write lock is held from the check to
    /// the rename.
    annotations_dir: PathBuf,
    content: Content,
    /// The fingerprint the file on disk must still have (`None`: no file);
    /// absent when overwriting.
    expected_on_disk: Option<Option<String>>,
    /// The document's revision when the job was made.
    pub revision: u64,
}

/// What a [`SaveJob`] writes: the file, serialized when the job runs, or
/// already serialized by [`SaveJob::rendered`].
#[derive(Debug)]
enum Content {
    File(Box<AnnotationFile>),
    Ron(String),
}

impl Content {
    fn ron(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Content::File(file) => file.to_ron().into(),
            Content::Ron(ron) => ron.as_str().into(),
        }
    }
}

impl SaveJob {
    /// The job with its file serialized now, on this thread: a command that
    /// makes many jobs on many threads, to run them as one batch, keeps
    /// each file's text (a few kilobytes) instead of its annotations until
    /// the batch runs.
    pub fn rendered(self) -> SaveJob {
        let content = match self.content {
            Content::File(file) => Content::Ron(file.to_ron()),
            ron @ Content::Ron(_) => ron,
        };
        SaveJob { content, ..self }
    }

    /// Runs save jobs of one annotations folder as one batch, for a command
    /// carried out over many documents at once: the write lock is taken
    /// once; each file is checked for a conflict as [`Self::run`] checks
    /// it; the others are staged and put in place together, journaled, so
    /// that a run cut short is finished by the next writer. Gives each
    /// job's outcome, in order: the fingerprint written, or the conflict.
    pub fn run_batch(jobs: Vec<SaveJob>) -> Result<Vec<Result<String, SaveError>>, SaveError> {
        use rayon::prelude::*;
        let Some(first) = jobs.first() else {
            return Ok(Vec::new());
        };
        let annotations_dir = first.annotations_dir.clone();
        let lock = store::WriteLock::acquire(&annotations_dir)?;
        store::journal::finish_with(&annotations_dir, &lock)?;
        let checked: Vec<Result<(&SaveJob, std::borrow::Cow<str>), SaveError>> = jobs
            .par_iter()
            .map(|job| {
                if let Some(expected) = &job.expected_on_disk {
                    let on_disk = match fs::read(&job.path) {
                        Ok(bytes) => Some(store::fingerprint(&bytes)),
                        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
                        Err(source) => {
                            return Err(StorageError::Read {
                                path: job.path.clone(),
                                source,
                            }
                            .into());
                        }
                    };
                    if &on_disk != expected {
                        return Err(SaveError::Conflict {
                            path: job.path.clone(),
                        });
                    }
                }
                Ok((job, job.content.ron()))
            })
            .collect();
        let batch = store::Batch::new(
            checked
                .iter()
                .filter_map(|c| c.as_ref().ok())
                .filter_map(|(job, _)| job.path.parent()),
        )?
        .with_journal(&annotations_dir.join(store::journal::JOURNAL_FILE));
        let staged = batch.run(|| {
            checked
                .par_iter()
                .filter_map(|c| c.as_ref().ok())
                .map(|(job, content)| batch.stage(&job.path, content.as_bytes()))
                .collect::<Result<Vec<_>, StorageError>>()
        })?;
        batch.commit(vec![staged])?;
        Ok(checked
            .into_iter()
            .map(|c| c.map(|(_, content)| store::fingerprint(content.as_bytes())))
            .collect())
    }

    /// Serializes (unless [rendered](Self::rendered) already), checks for a
    /// conflict and writes atomically; returns the
    /// fingerprint of what was written. The project's write lock is held
    /// from the check to the rename, so no other Sorot writer's file lands
    /// between them unseen.
    pub fn run(self) -> Result<String, SaveError> {
        let content = self.content.ron();
        let lock = store::WriteLock::acquire(&self.annotations_dir)?;
        // An import cut short is finished first, so that its files are the
        // ones this save checks against, and its renames never land over
        // this save.
        store::journal::finish_with(&self.annotations_dir, &lock)?;
        if let Some(expected) = &self.expected_on_disk {
            let on_disk = match fs::read(&self.path) {
                Ok(bytes) => Some(store::fingerprint(&bytes)),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
                Err(source) => {
                    return Err(StorageError::Read {
                        path: self.path.clone(),
                        source,
                    }
                    .into());
                }
            };
            if &on_disk != expected {
                return Err(SaveError::Conflict { path: self.path });
            }
        }
        store::write_atomic(&self.path, content.as_bytes())?;
        Ok(store::fingerprint(content.as_bytes()))
    }
}

/// The next revision of any document: counted over the whole process, so
/// that revisions only grow and are never shared.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
