//! An open document: one annotator's work on one text, with undo, saving and
//! the checks that keep annotations from landing in the wrong place.
//!
//! Terms:
//! - **command**: what a user asks for (add a span, relabel, undo...). It is
//!   turned into a group of [`Edit`]s, applied through the [`History`], and the
//!   document becomes **dirty** until it is saved. This is the only way the
//!   annotations change; the GUI and tests go through it alike.
//! - **read-only**: a document whose annotation file could not be trusted
//!   (malformed, newer format, written for another version of the text, spans
//!   outside the text). It is shown but never written, so nothing is lost.
//! - **finding**: something wrong with an annotation file relative to its text.
//!   A *blocking* finding makes the document read-only.
//! - **conflict**: the annotation file changed on disk since Sorot last read or
//!   wrote it (a `git pull`, another program). Saving then stops and asks.

use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::model::schema::Schema;
use crate::model::text::{SourceText, TextError};
use crate::model::{
    Annotations, Edit, EditError, History, Rejected, Relation, Span, SpanId, Status,
};
use crate::project::{DocEntry, Project};
use crate::store::{self, AnnotationFile, FORMAT_VERSION, OffsetUnit, StorageError};

/// Whether a document may be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Editable,
    ReadOnly { reason: String },
}

/// One problem of an annotation file relative to its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub span: Option<SpanId>,
    pub message: String,
    /// Whether the document must open read-only because of it.
    pub blocking: bool,
}

/// A change a user asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddSpan {
        range: Range<usize>,
        label: String,
    },
    /// A span with a normalized value, as an accepted suggestion brings it.
    AddWithValue {
        range: Range<usize>,
        label: String,
        value: String,
    },
    RemoveSpan(SpanId),
    Relabel {
        id: SpanId,
        label: String,
    },
    SetNote {
        id: SpanId,
        note: String,
    },
    SetStatus(Status),
    /// Sets an attribute of a span (`value`: its normalized value); empty clears it.
    SetAttribute {
        id: SpanId,
        name: String,
        value: String,
    },
    /// Records a suggestion the annotator turned down, so that it is not
    /// proposed again for this document.
    RejectSuggestion {
        range: Range<usize>,
        label: String,
    },
    /// Links two spans with a relation type of the schema.
    Link(Relation),
    /// Removes a relation.
    Unlink(Relation),
    /// A review decision, one undo step: take the `accept` spans into this
    /// (gold) document, and remove and record as rejected the `reject` ones.
    Decide {
        accept: Vec<(Range<usize>, String)>,
        reject: Vec<(Range<usize>, String)>,
    },
    Undo,
    Redo,
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The annotations changed; `select` is the span to select (a new span).
    Changed { select: Option<SpanId> },
    /// Nothing to do (undo with an empty history, the same label again...).
    Unchanged,
}

/// Why a command was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("this document is read-only: {0}")]
    ReadOnly(String),
    #[error("select some text first")]
    EmptySelection,
    #[error("the selection [{start}, {end}) is outside the text")]
    OutsideText { start: usize, end: usize },
    #[error("label {0:?} is not in the project's schema")]
    UnknownLabel(String),
    #[error("that text already has a {0} span")]
    DuplicateSpan(String),
    #[error("{label} spans have no attribute {name:?} in the schema")]
    UnknownAttribute { label: String, name: String },
    #[error("{name} is one of: {allowed}")]
    AttributeValue { name: String, allowed: String },
    #[error("a {kind} relation goes from a {from} span to a {to} span")]
    RelationEnds {
        kind: String,
        from: String,
        to: String,
    },
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// Why a document's text cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Text { path: PathBuf, source: TextError },
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
    /// Counts changes to the annotations, for views that cache derived data.
    revision: u64,
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
        let bytes = fs::read(&doc.path).map_err(|source| OpenError::Read {
            path: doc.path.clone(),
            source,
        })?;
        let fingerprint = store::fingerprint(&bytes);
        let text = SourceText::from_bytes(bytes).map_err(|source| OpenError::Text {
            path: doc.path.clone(),
            source,
        })?;
        let mut document = OpenDocument {
            id: doc.id.clone(),
            text,
            annotations: Annotations::default(),
            history: History::default(),
            access: Access::Editable,
            findings: Vec::new(),
            annotator: annotator.to_owned(),
            source: project.source_path(doc),
            fingerprint,
            path: project.annotation_path(annotator, &doc.id),
            disk_fingerprint: None,
            saves,
            saved_revision: 0,
            revision: 0,
        };
        document.load_annotations(project.schema());
        Ok(document)
    }

    /// (Re)reads the annotation file, dropping unsaved changes and history.
    pub fn reload(&mut self, schema: &Schema) {
        self.load_annotations(schema);
    }

    fn load_annotations(&mut self, schema: &Schema) {
        self.revision += 1;
        self.saved_revision = self.revision;
        self.annotations = Annotations::default();
        self.history = History::default();
        self.access = Access::Editable;
        self.findings.clear();
        self.disk_fingerprint = None;
        match AnnotationFile::read(&self.path) {
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
                    reason: err.to_string(),
                };
            }
            Ok((file, bytes)) => {
                if self.saves {
                    self.disk_fingerprint = Some(store::fingerprint(&bytes));
                }
                self.findings =
                    check_file(&file, &self.text, &self.fingerprint, &self.source, schema);
                match Annotations::new(file.status, file.spans) {
                    Ok(annotations) => match annotations
                        .with_rejected(file.rejected)
                        .with_relations(file.relations)
                    {
                        Ok(annotations) => self.annotations = annotations,
                        Err(err) => self.findings.push(Finding {
                            span: None,
                            message: format!(
                                "a relation ends at a span that does not exist ({err})"
                            ),
                            blocking: true,
                        }),
                    },
                    Err(err) => self.findings.push(Finding {
                        span: None,
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

    /// A number that changes whenever the annotations change.
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

    /// Carries out a command. On error nothing changed.
    pub fn execute(&mut self, schema: &Schema, command: Command) -> Result<Outcome, CommandError> {
        if let Access::ReadOnly { reason } = &self.access {
            return Err(CommandError::ReadOnly(reason.clone()));
        }
        let mut select = None;
        // Turning suggestions down does not start a document.
        let starts_work = !matches!(command, Command::RejectSuggestion { .. });
        let group = match command {
            Command::Undo => {
                let changed = self.history.undo(&mut self.annotations)?;
                return self.finish(changed, None);
            }
            Command::Redo => {
                let changed = self.history.redo(&mut self.annotations)?;
                return self.finish(changed, None);
            }
            command @ (Command::AddSpan { .. } | Command::AddWithValue { .. }) => {
                let (range, label, value) = match command {
                    Command::AddSpan { range, label } => (range, label, String::new()),
                    Command::AddWithValue {
                        range,
                        label,
                        value,
                    } => (range, label, value),
                    _ => unreachable!("matched above"),
                };
                if !schema.contains(&label) {
                    return Err(CommandError::UnknownLabel(label));
                }
                if !self.text.contains_range(&range) {
                    return Err(CommandError::OutsideText {
                        start: range.start,
                        end: range.end,
                    });
                }
                if range.is_empty() {
                    return Err(CommandError::EmptySelection);
                }
                if self.span_with(&range, &label).is_some() {
                    return Err(CommandError::DuplicateSpan(label));
                }
                let id = self.annotations.next_id();
                select = Some(id);
                let key = Rejected {
                    start: range.start,
                    end: range.end,
                    label: label.clone(),
                };
                let mut group = vec![Edit::Add(self.new_span(id, range, label, value))];
                // A span made after all takes back an earlier rejection of it.
                if self.annotations.rejected().any(|r| *r == key) {
                    group.push(Edit::Unreject(key));
                }
                group
            }
            Command::RejectSuggestion { range, label } => {
                if !schema.contains(&label) {
                    return Err(CommandError::UnknownLabel(label));
                }
                if !self.text.contains_range(&range) || range.is_empty() {
                    return Err(CommandError::OutsideText {
                        start: range.start,
                        end: range.end,
                    });
                }
                // A span made meanwhile is a decision already.
                if self.span_with(&range, &label).is_some() {
                    return Ok(Outcome::Unchanged);
                }
                let key = Rejected {
                    start: range.start,
                    end: range.end,
                    label,
                };
                if self.annotations.rejected().any(|r| *r == key) {
                    return Ok(Outcome::Unchanged);
                }
                vec![Edit::Reject(key)]
            }
            Command::RemoveSpan(id) => {
                let span = self.annotations.get(id).ok_or(EditError::NoSuchSpan(id))?;
                // Its relations go with it, in the same undo step.
                let mut group: Vec<Edit> = self
                    .annotations
                    .relations_of(id)
                    .into_iter()
                    .cloned()
                    .map(Edit::Unlink)
                    .collect();
                group.push(Edit::Remove(span.clone()));
                group
            }
            Command::SetAttribute { id, name, value } => {
                let span = self.annotations.get(id).ok_or(EditError::NoSuchSpan(id))?;
                if name != "value" {
                    let def = schema
                        .attributes_of(&span.label)
                        .find(|a| a.name == name)
                        .ok_or_else(|| CommandError::UnknownAttribute {
                            label: span.label.clone(),
                            name: name.clone(),
                        })?;
                    if !value.is_empty() && !def.values.is_empty() && !def.values.contains(&value) {
                        return Err(CommandError::AttributeValue {
                            name,
                            allowed: def.values.join(", "),
                        });
                    }
                }
                if span.attribute(&name) == value {
                    return Ok(Outcome::Unchanged);
                }
                select = Some(id);
                vec![Edit::SetAttribute {
                    id,
                    from: span.attribute(&name).to_owned(),
                    name,
                    to: value,
                }]
            }
            Command::Link(relation) => {
                let def = schema
                    .relation(&relation.kind)
                    .ok_or_else(|| CommandError::UnknownLabel(relation.kind.clone()))?;
                let from = self
                    .annotations
                    .get(relation.from)
                    .ok_or(EditError::NoSuchSpan(relation.from))?;
                let to = self
                    .annotations
                    .get(relation.to)
                    .ok_or(EditError::NoSuchSpan(relation.to))?;
                if relation.from == relation.to
                    || (!def.from.is_empty() && from.label != def.from)
                    || (!def.to.is_empty() && to.label != def.to)
                {
                    return Err(CommandError::RelationEnds {
                        kind: def.name.clone(),
                        from: def.from.clone(),
                        to: def.to.clone(),
                    });
                }
                if self.annotations.relations().any(|r| *r == relation) {
                    return Ok(Outcome::Unchanged);
                }
                vec![Edit::Link(relation)]
            }
            Command::Unlink(relation) => {
                if !self.annotations.relations().any(|r| *r == relation) {
                    return Ok(Outcome::Unchanged);
                }
                vec![Edit::Unlink(relation)]
            }
            Command::Relabel { id, label } => {
                if !schema.contains(&label) {
                    return Err(CommandError::UnknownLabel(label));
                }
                let span = self.annotations.get(id).ok_or(EditError::NoSuchSpan(id))?;
                if span.label == label {
                    return Ok(Outcome::Unchanged);
                }
                if self.span_with(&span.range(), &label).is_some() {
                    return Err(CommandError::DuplicateSpan(label));
                }
                select = Some(id);
                vec![Edit::Relabel {
                    id,
                    from: span.label.clone(),
                    to: label,
                }]
            }
            Command::SetNote { id, note } => {
                let span = self.annotations.get(id).ok_or(EditError::NoSuchSpan(id))?;
                if span.note == note {
                    return Ok(Outcome::Unchanged);
                }
                vec![Edit::SetNote {
                    id,
                    from: span.note.clone(),
                    to: note,
                }]
            }
            Command::Decide { accept, reject } => {
                let mut group = Vec::new();
                let mut next_id = self.annotations.next_id();
                let rejected: Vec<Rejected> = self.annotations.rejected().cloned().collect();
                for (range, label) in accept {
                    if !self.text.contains_range(&range) || range.is_empty() {
                        return Err(CommandError::OutsideText {
                            start: range.start,
                            end: range.end,
                        });
                    }
                    if self.span_with(&range, &label).is_none() {
                        group.push(Edit::Add(self.new_span(
                            next_id,
                            range.clone(),
                            label.clone(),
                            String::new(),
                        )));
                        next_id += 1;
                    }
                    let key = Rejected {
                        start: range.start,
                        end: range.end,
                        label,
                    };
                    if rejected.contains(&key) {
                        group.push(Edit::Unreject(key));
                    }
                }
                for (range, label) in reject {
                    if let Some(span) = self.span_with(&range, &label) {
                        group.push(Edit::Remove(span.clone()));
                    }
                    let key = Rejected {
                        start: range.start,
                        end: range.end,
                        label,
                    };
                    if !rejected.contains(&key) {
                        group.push(Edit::Reject(key));
                    }
                }
                if group.is_empty() {
                    return Ok(Outcome::Unchanged);
                }
                group
            }
            Command::SetStatus(status) => {
                if self.status() == status {
                    return Ok(Outcome::Unchanged);
                }
                vec![Edit::SetStatus {
                    from: self.status(),
                    to: status,
                }]
            }
        };
        let mut group = group;
        let is_span_edit = !matches!(group[0], Edit::SetStatus { .. });
        if is_span_edit && starts_work && self.status() == Status::NotStarted {
            group.push(Edit::SetStatus {
                from: Status::NotStarted,
                to: Status::InProgress,
            });
        }
        self.history.apply(&mut self.annotations, group)?;
        self.finish(true, select)
    }

    fn finish(&mut self, changed: bool, select: Option<SpanId>) -> Result<Outcome, CommandError> {
        if changed {
            self.revision += 1;
            Ok(Outcome::Changed { select })
        } else {
            Ok(Outcome::Unchanged)
        }
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
        }
    }

    /// The span over exactly `range` with `label`, if there is one.
    fn span_with(&self, range: &Range<usize>, label: &str) -> Option<&Span> {
        self.spans()
            .iter()
            .find(|s| s.range() == *range && s.label == label)
    }

    /// A new span over `range` of this document's text, without a note or attributes.
    fn new_span(&self, id: SpanId, range: Range<usize>, label: String, value: String) -> Span {
        Span {
            id,
            start: range.start,
            end: range.end,
            text: self.text.slice(range).to_owned(),
            label,
            note: String::new(),
            value,
            attributes: Default::default(),
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
            file: self.to_file(),
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
    file: AnnotationFile,
    /// The fingerprint the file on disk must still have (`None`: no file);
    /// absent when overwriting.
    expected_on_disk: Option<Option<String>>,
    /// The document's revision when the job was made.
    pub revision: u64,
}

impl SaveJob {
    /// Checks for a conflict, serializes and writes atomically; returns the
    /// fingerprint of what was written.
    pub fn run(self) -> Result<String, SaveError> {
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
        let content = self.file.to_ron();
        store::write_atomic(&self.path, content.as_bytes())?;
        Ok(store::fingerprint(content.as_bytes()))
    }
}

/// Checks an annotation file against its text: fingerprint, offsets, span
/// texts, labels and header fields.
pub fn check_file(
    file: &AnnotationFile,
    text: &SourceText,
    fingerprint: &str,
    source: &str,
    schema: &Schema,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut add = |span: Option<SpanId>, blocking: bool, message: String| {
        findings.push(Finding {
            span,
            message,
            blocking,
        });
    };
    if file.fingerprint != fingerprint {
        add(
            None,
            true,
            format!(
                "the text {source} changed since these annotations were made (fingerprint {} expected, the text has {fingerprint}); its {} spans are listed but not shown. Restore that version of the text to edit them",
                file.fingerprint,
                file.spans.len()
            ),
        );
    }
    if file.source != source {
        add(
            None,
            false,
            format!("names source {:?}, but belongs to {source:?}", file.source),
        );
    }
    let len = text.len_chars();
    let mut ids = BTreeMap::new();
    for span in &file.spans {
        if let Some(first) = ids.insert(span.id, span.start) {
            add(
                Some(span.id),
                true,
                format!(
                    "span id {} is used twice (first at offset {first})",
                    span.id
                ),
            );
        }
        if span.start >= span.end || span.end > len {
            add(
                Some(span.id),
                true,
                format!(
                    "span {} [{}, {}) lies outside the text, which has {len} characters",
                    span.id, span.start, span.end
                ),
            );
            continue;
        }
        let actual = text.slice(span.range());
        if actual != span.text {
            add(
                Some(span.id),
                true,
                format!(
                    "span {} [{}, {}) says {:?} but the text there is {:?}",
                    span.id, span.start, span.end, span.text, actual
                ),
            );
        }
        if !schema.contains(&span.label) {
            add(
                Some(span.id),
                false,
                format!(
                    "span {} has label {:?}, which the schema does not list",
                    span.id, span.label
                ),
            );
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_with(text: &[u8]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), text).unwrap();
        let project = Project::open(dir.path()).unwrap();
        (dir, project)
    }

    fn open(project: &Project) -> OpenDocument {
        OpenDocument::open(project, &project.docs()[0], "ayu").unwrap()
    }

    #[test]
    fn a_rejected_suggestion_is_saved_undone_and_taken_back_by_labeling_it() {
        let (_dir, project) = project_with("“Kim” 😊 bertemu\r\nPutin".as_bytes());
        let schema = project.schema();
        let mut doc = open(&project);
        let reject = Command::RejectSuggestion {
            range: 17..22,
            label: "actor".into(),
        };
        doc.execute(schema, reject.clone()).unwrap();
        assert_eq!(doc.execute(schema, reject).unwrap(), Outcome::Unchanged);
        doc.save().unwrap();
        let saved = fs::read_to_string(doc.path()).unwrap();
        assert!(
            saved.contains("rejected: [\n        (start: 17, end: 22, label: \"actor\"),\n    ],"),
            "{saved}"
        );
        assert!(doc.spans().is_empty());
        assert_eq!(
            doc.status(),
            Status::NotStarted,
            "a rejection starts nothing"
        );
        assert!(!doc.is_started());
        doc.execute(schema, Command::Undo).unwrap();
        assert_eq!(doc.annotations().rejected().count(), 0);
        doc.execute(schema, Command::Redo).unwrap();
        // Labeling the same span after all takes the rejection back, in one step.
        doc.execute(
            schema,
            Command::AddSpan {
                range: 17..22,
                label: "actor".into(),
            },
        )
        .unwrap();
        assert_eq!(doc.annotations().rejected().count(), 0);
        doc.execute(schema, Command::Undo).unwrap();
        assert_eq!(doc.annotations().rejected().count(), 1);
        assert!(doc.spans().is_empty());
        // Rejecting what is labeled, outside the text or with a label the
        // schema lacks changes nothing.
        doc.execute(
            schema,
            Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            },
        )
        .unwrap();
        let reject = |range, label: &str| Command::RejectSuggestion {
            range,
            label: label.into(),
        };
        assert_eq!(
            doc.execute(schema, reject(1..4, "actor")).unwrap(),
            Outcome::Unchanged
        );
        assert!(doc.execute(schema, reject(20..99, "actor")).is_err());
        assert!(doc.execute(schema, reject(1..4, "media")).is_err());
        assert_eq!(doc.annotations().rejected().count(), 1);
    }

    #[test]
    fn commands_edit_save_and_undo_through_one_path() {
        let (_dir, project) = project_with("“Kim” 😊 bertemu\r\nPutin".as_bytes());
        let schema = project.schema();
        let mut doc = open(&project);
        let outcome = doc
            .execute(
                schema,
                Command::AddSpan {
                    range: 17..22,
                    label: "actor".into(),
                },
            )
            .unwrap();
        assert_eq!(outcome, Outcome::Changed { select: Some(1) });
        assert_eq!(doc.spans()[0].text, "Putin");
        assert_eq!(doc.status(), Status::InProgress);
        doc.save().unwrap();
        let saved = fs::read_to_string(doc.path()).unwrap();
        assert!(
            saved.contains("(id: 1, start: 17, end: 22, label: \"actor\", text: \"Putin\")"),
            "{saved}"
        );

        doc.execute(schema, Command::Undo).unwrap();
        doc.save().unwrap();
        let reopened = open(&project);
        assert!(reopened.spans().is_empty());
        assert_eq!(reopened.status(), Status::NotStarted);

        assert_eq!(
            doc.execute(
                schema,
                Command::AddSpan {
                    range: 0..3,
                    label: "person".into()
                }
            ),
            Err(CommandError::UnknownLabel("person".into()))
        );
        assert_eq!(
            doc.execute(
                schema,
                Command::AddSpan {
                    range: 20..40,
                    label: "actor".into()
                }
            ),
            Err(CommandError::OutsideText { start: 20, end: 40 })
        );
    }

    #[test]
    fn review_decisions_are_one_undo_step_and_persist_rejections() {
        let (_dir, project) = project_with(b"Kim tiba Rabu lalu");
        let schema = project.schema();
        let mut gold =
            OpenDocument::open(&project, &project.docs()[0], crate::analysis::review::GOLD)
                .unwrap();
        assert!(gold.path().ends_with("annotations/_gold/a.txt.ron"));
        // Accept A's "Rabu lalu", reject B's "Rabu".
        gold.execute(
            schema,
            Command::Decide {
                accept: vec![(9..18, "date".into())],
                reject: vec![(9..13, "date".into())],
            },
        )
        .unwrap();
        gold.save().unwrap();
        let saved = fs::read_to_string(gold.path()).unwrap();
        assert!(saved.contains("text: \"Rabu lalu\""), "{saved}");
        assert!(
            saved.contains("rejected: [\n        (start: 9, end: 13, label: \"date\"),\n    ],"),
            "{saved}"
        );
        let reopened =
            OpenDocument::open(&project, &project.docs()[0], crate::analysis::review::GOLD)
                .unwrap();
        assert_eq!(reopened.annotations().rejected().count(), 1);
        // Changing one's mind: accept B after all, then undo.
        gold.execute(
            schema,
            Command::Decide {
                accept: vec![(9..13, "date".into())],
                reject: vec![(9..18, "date".into())],
            },
        )
        .unwrap();
        assert_eq!(gold.spans().len(), 1);
        assert_eq!(gold.spans()[0].text, "Rabu");
        gold.execute(schema, Command::Undo).unwrap();
        assert_eq!(gold.spans()[0].text, "Rabu lalu");
        assert_eq!(
            gold.annotations().rejected().next().map(|r| r.end),
            Some(13)
        );
        gold.execute(schema, Command::Undo).unwrap();
        assert!(gold.spans().is_empty() && gold.annotations().rejected().count() == 0);
        assert_eq!(gold.status(), Status::NotStarted);
    }

    #[test]
    fn relations_link_claims_to_actors_and_go_with_a_deleted_span() {
        let (_dir, project) = project_with("“Kim” berkata 😊 Putin datang".as_bytes());
        let schema = project.schema();
        let mut doc = open(&project);
        doc.execute(
            schema,
            Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            },
        )
        .unwrap();
        doc.execute(
            schema,
            Command::AddSpan {
                range: 16..28,
                label: "claim".into(),
            },
        )
        .unwrap();
        doc.execute(
            schema,
            Command::AddSpan {
                range: 16..21,
                label: "actor".into(),
            },
        )
        .unwrap();
        let (kim, claim, putin) = (1, 2, 3);
        let source = Relation {
            from: claim,
            to: kim,
            kind: "source".into(),
        };
        doc.execute(schema, Command::Link(source.clone())).unwrap();
        doc.execute(
            schema,
            Command::Link(Relation {
                from: claim,
                to: putin,
                kind: "target".into(),
            }),
        )
        .unwrap();
        // A source goes from a claim to an actor, not the other way.
        assert!(matches!(
            doc.execute(
                schema,
                Command::Link(Relation {
                    from: kim,
                    to: claim,
                    kind: "source".into()
                })
            ),
            Err(CommandError::RelationEnds { .. })
        ));
        doc.save().unwrap();
        let saved = fs::read_to_string(doc.path()).unwrap();
        assert!(saved.contains("relations: [\n        (from: 2, to: 1, kind: \"source\"),\n        (from: 2, to: 3, kind: \"target\"),\n    ],"), "{saved}");
        assert_eq!(open(&project).annotations().relations().count(), 2);

        // Deleting Kim deletes the source relation; one undo brings both back.
        doc.execute(schema, Command::RemoveSpan(kim)).unwrap();
        assert_eq!(doc.annotations().relations().count(), 1);
        doc.execute(schema, Command::Undo).unwrap();
        assert!(doc.annotations().get(kim).is_some());
        assert!(doc.annotations().relations().any(|r| *r == source));

        // A file whose relation names a missing span opens read-only.
        let broken = saved.replace("(from: 2, to: 1,", "(from: 2, to: 9,");
        fs::write(doc.path(), broken).unwrap();
        assert!(!open(&project).is_editable());
    }

    #[test]
    fn attributes_are_set_checked_saved_and_undone() {
        let (_dir, project) = project_with("“Kami siap,” kata Kim.".as_bytes());
        let schema = project.schema();
        let mut doc = open(&project);
        doc.execute(
            schema,
            Command::AddSpan {
                range: 1..10,
                label: "claim".into(),
            },
        )
        .unwrap();
        doc.execute(
            schema,
            Command::AddSpan {
                range: 18..21,
                label: "actor".into(),
            },
        )
        .unwrap();
        let set = |name: &str, value: &str, id| Command::SetAttribute {
            id,
            name: name.into(),
            value: value.into(),
        };
        doc.execute(schema, set("stance", "asserted", 1)).unwrap();
        doc.execute(schema, set("quote", "yes", 1)).unwrap();
        doc.execute(schema, set("value", "Kim Jong Un", 2)).unwrap();
        assert!(matches!(
            doc.execute(schema, set("stance", "maybe", 1)),
            Err(CommandError::AttributeValue { .. })
        ));
        assert!(matches!(
            doc.execute(schema, set("stance", "asserted", 2)),
            Err(CommandError::UnknownAttribute { .. })
        ));
        doc.save().unwrap();
        let saved = fs::read_to_string(doc.path()).unwrap();
        assert!(
            saved.contains("attributes: {\"quote\": \"yes\", \"stance\": \"asserted\"}"),
            "{saved}"
        );
        assert!(
            saved.contains("text: \"Kim\", value: \"Kim Jong Un\")"),
            "{saved}"
        );
        assert_eq!(open(&project).spans()[0].attribute("stance"), "asserted");
        doc.execute(schema, Command::Undo).unwrap();
        assert_eq!(doc.spans()[1].value, "");
        doc.execute(schema, Command::Undo).unwrap();
        assert_eq!(doc.spans()[0].attribute("quote"), "");
    }

    #[test]
    fn a_file_changed_on_disk_is_not_overwritten_silently() {
        let (_dir, project) = project_with(b"Kim met Putin");
        let schema = project.schema();
        let mut doc = open(&project);
        doc.execute(
            schema,
            Command::AddSpan {
                range: 0..3,
                label: "actor".into(),
            },
        )
        .unwrap();
        doc.save().unwrap();
        // Someone else's version arrives (a git pull).
        let mut theirs = open(&project);
        theirs
            .execute(
                schema,
                Command::AddSpan {
                    range: 8..13,
                    label: "actor".into(),
                },
            )
            .unwrap();
        theirs.save().unwrap();
        let theirs_bytes = fs::read(doc.path()).unwrap();

        doc.execute(schema, Command::SetStatus(Status::Done))
            .unwrap();
        assert!(matches!(doc.save(), Err(SaveError::Conflict { .. })));
        assert_eq!(fs::read(doc.path()).unwrap(), theirs_bytes);

        doc.reload(schema);
        assert_eq!(doc.spans().len(), 2);
        doc.execute(schema, Command::SetStatus(Status::Done))
            .unwrap();
        doc.save().unwrap();
        assert_eq!(open(&project).status(), Status::Done);
    }

    #[test]
    fn a_document_opened_to_read_has_the_same_spans_and_never_saves() {
        let (_dir, project) = project_with("“Kim” 😊 met\r\nPutin".as_bytes());
        let schema = project.schema();
        let entry = &project.docs()[0];
        // No annotation file yet: nothing annotated, as for `open`.
        let unannotated = OpenDocument::open_to_read(&project, entry, "ayu").unwrap();
        assert!(unannotated.is_editable() && unannotated.spans().is_empty());

        let mut doc = open(&project);
        doc.execute(
            schema,
            Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            },
        )
        .unwrap();
        doc.save().unwrap();
        let saved = fs::read(doc.path()).unwrap();

        let mut read = OpenDocument::open_to_read(&project, entry, "ayu").unwrap();
        assert_eq!(read.spans(), open(&project).spans());
        assert_eq!(read.spans()[0].text, "Kim");
        read.execute(
            schema,
            Command::AddSpan {
                range: 11..16,
                label: "actor".into(),
            },
        )
        .unwrap();
        assert!(read.save_job(false).is_none() && read.save_job(true).is_none());
        read.save().unwrap();
        assert_eq!(fs::read(doc.path()).unwrap(), saved);
    }

    #[test]
    fn a_changed_text_opens_read_only_with_spans_flagged() {
        let (dir, project) = project_with(b"Kim met Putin");
        let schema = project.schema();
        let mut doc = open(&project);
        doc.execute(
            schema,
            Command::AddSpan {
                range: 8..13,
                label: "actor".into(),
            },
        )
        .unwrap();
        doc.save().unwrap();
        let before = fs::read(doc.path()).unwrap();
        fs::write(dir.path().join("a.txt"), b"Kim Jong Un met Putin").unwrap();

        let mut doc = open(&project);
        assert!(!doc.is_editable());
        assert!(doc.is_flagged(1));
        let Access::ReadOnly { reason } = doc.access() else {
            unreachable!()
        };
        assert!(
            reason.contains("changed since these annotations were made"),
            "{reason}"
        );
        assert!(matches!(
            doc.execute(schema, Command::RemoveSpan(1)),
            Err(CommandError::ReadOnly(_))
        ));
        doc.save_overwriting().unwrap();
        assert_eq!(fs::read(doc.path()).unwrap(), before);
    }

    #[test]
    fn bad_annotation_files_open_read_only_and_stay_untouched() {
        let (_dir, project) = project_with("“Kim” 😊\r\nPutin".as_bytes());
        let schema = project.schema();
        let mut doc = open(&project);
        doc.execute(
            schema,
            Command::AddSpan {
                range: 9..14,
                label: "actor".into(),
            },
        )
        .unwrap();
        doc.save().unwrap();
        let good = fs::read_to_string(doc.path()).unwrap();
        let cases = [
            (good.replace("end: 14", "end: 40"), "lies outside the text"),
            (
                good.replace("status: InProgress", "status: Sideways"),
                ":8:",
            ),
            (
                good.replace("format_version: 2", "format_version: 3"),
                "newer than this Sorot reads",
            ),
            (
                good.replace("text: \"Putin\"", "text: \"Putim\""),
                "but the text there is",
            ),
        ];
        for (content, expected) in cases {
            fs::write(doc.path(), &content).unwrap();
            let mut bad = open(&project);
            let Access::ReadOnly { reason } = bad.access() else {
                panic!("editable with {content}")
            };
            assert!(reason.contains(expected), "{reason}");
            assert!(reason.contains("a.txt.ron"), "{reason}");
            assert!(
                bad.execute(schema, Command::SetStatus(Status::Done))
                    .is_err()
            );
            bad.save().unwrap();
            bad.save_overwriting().unwrap();
            assert_eq!(fs::read_to_string(doc.path()).unwrap(), content);
        }
    }

    #[test]
    fn an_annotation_path_that_cannot_be_read_opens_read_only_and_is_listed() {
        let (_dir, project) = project_with("“Kim” 😊\r\nPutin".as_bytes());
        // A folder where the annotation file belongs.
        let path = project.annotation_path("ayu", "a.txt");
        fs::create_dir_all(&path).unwrap();
        for doc in [
            open(&project),
            OpenDocument::open_to_read(&project, &project.docs()[0], "ayu").unwrap(),
        ] {
            let Access::ReadOnly { reason } = doc.access() else {
                panic!("a folder opened as an empty annotation file")
            };
            assert!(reason.contains("a.txt.ron"), "{reason}");
        }
        let summaries = project.summaries("ayu");
        let error = summaries["a.txt"].error.as_deref().unwrap_or_default();
        assert!(error.contains("a.txt.ron"), "{error}");
        assert!(path.is_dir());
    }

    #[test]
    fn unreadable_texts_are_errors_that_name_the_file() {
        let (_dir, project) = project_with(b"ab\xffc");
        let err = OpenDocument::open(&project, &project.docs()[0], "ayu")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.txt") && err.contains("not UTF-8") && err.contains("line 1, column 3"),
            "{err}"
        );
        let (_dir, project) = project_with(b"");
        let err = OpenDocument::open(&project, &project.docs()[0], "ayu")
            .unwrap_err()
            .to_string();
        assert!(err.contains("a.txt") && err.contains("empty"), "{err}");
    }
}
