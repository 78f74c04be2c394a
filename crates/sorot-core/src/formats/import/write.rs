//! Writing a plan: each record's annotation file, and the texts it adds, as
//! one batch.
//!
//! Terms:
//! - **built file**: the annotation file of one planned record, its spans
//!   numbered in text order, staged in the batch with the record's new text.
//! - **batch**: see [`store::Batch`]; if any file fails, nothing is changed.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::check::Planned;
use super::record::{Record, SpanKey};
use super::{ImportError, ImportOptions, ImportReport};
use crate::formats::export::OffsetUnit;
use crate::model::lacks::SchemaLacks;
use crate::model::text::SourceText;
use crate::model::{Relation, Span, Status};
use crate::project::{DocEntry, Project};
use crate::store::{self, AnnotationFile, FORMAT_VERSION};

/// Writes the files of `documents` as one batch and counts them in `report`.
pub(super) fn write(
    project: &Project,
    options: &ImportOptions,
    documents: &[Planned],
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    // A document counts as written when its annotation file's content is
    // handed to the file system (it reaches the disk with the whole batch).
    if let Some(progress) = &options.progress {
        progress.total.store(documents.len(), Ordering::Relaxed);
    }
    let flushed = || {
        if let Some(progress) = &options.progress {
            progress.done.fetch_add(1, Ordering::Relaxed);
        }
    };
    // No other Sorot writer runs from here to the last rename; a file this
    // import makes new must still be missing once the lock is held.
    let lock = store::WriteLock::acquire(&project.annotation_dir())?;
    // An import cut short since this one began is finished before this
    // one's journal can take its place; a file it made is then found below.
    store::journal::finish_with(&project.annotation_dir(), &lock)?;
    let schema = project.schema();
    let paths: Vec<PathBuf> = documents
        .iter()
        .map(|planned| project.annotation_path(&planned.annotator, &planned.record.id))
        .collect();
    let text_paths: Vec<Option<PathBuf>> = documents
        .iter()
        .map(|planned| {
            planned
                .adds_text
                .then(|| text_path(project, &planned.record.id))
        })
        .collect();
    let must_be_missing = paths
        .iter()
        .filter(|_| !options.replace)
        .chain(text_paths.iter().flatten());
    for path in must_be_missing {
        if path.exists() {
            return Err(ImportError::Appeared {
                path: path.to_owned(),
            });
        }
    }
    // New texts and annotation files are written as one batch: each file is
    // staged as soon as it is made, so no content need be kept; if any
    // fails, nothing is changed.
    // Its renames are journaled: an import cut short is finished by the
    // next Sorot writer, so it ends all in place, never half.
    let batch = store::Batch::new(
        paths
            .iter()
            .chain(text_paths.iter().flatten())
            .filter_map(|path| path.parent()),
    )?
    .with_journal(&project.annotation_dir().join(store::journal::JOURNAL_FILE));
    let built = batch.run(|| {
        documents
            .par_iter()
            .zip(paths.par_iter().zip(&text_paths))
            .map(|(planned, (path, text_path))| {
                let text_staged = match text_path {
                    Some(text_path) => {
                        Some(batch.stage(text_path, planned.text.as_str().as_bytes())?)
                    }
                    None => None,
                };
                let file = build_file(project, &planned.record, &planned.annotator, &planned.text);
                let mut lacks = SchemaLacks::default();
                for span in &file.spans {
                    lacks.note_span(schema, &span.label, &span.attributes);
                }
                let label_of = |id| {
                    file.spans
                        .iter()
                        .find(|s| s.id == id)
                        .map(|s| s.label.as_str())
                };
                for relation in &file.relations {
                    if let (Some(from), Some(to)) = (label_of(relation.from), label_of(relation.to))
                    {
                        lacks.note_relation(schema, &relation.kind, from, to);
                    }
                }
                let staged = batch.stage(path, file.to_ron().as_bytes())?;
                flushed();
                Ok(Built {
                    text: text_staged,
                    staged,
                    spans: file.spans.len(),
                    lacks,
                })
            })
            .collect::<Result<Vec<Built>, store::StorageError>>()
    })?;
    let mut texts = Vec::new();
    let mut annotation_files = Vec::with_capacity(documents.len());
    for (planned, built) in documents.iter().zip(built) {
        if planned.adds_text {
            report.texts_added.push(planned.record.id.clone());
        }
        report.schema_lacks.merge(built.lacks);
        report.documents += 1;
        report.spans += built.spans;
        texts.extend(built.text);
        annotation_files.push(built.staged);
    }
    // The texts go in place first: no annotation file is on disk before the
    // text it points into. A failure from here on leaves each file old or
    // new; a text already in place holds exactly the imported text, so
    // importing again finds it.
    batch.commit(vec![texts, annotation_files])?;
    report.files_written = paths;
    Ok(())
}

/// One record's files, staged.
struct Built {
    /// Its text, when the record adds it to the project.
    text: Option<store::Staged>,
    /// Its annotation file.
    staged: store::Staged,
    spans: usize,
    /// What the file uses that the project's schema does not list.
    lacks: SchemaLacks,
}

/// Where the text of document `id` is, or goes when it is new.
fn text_path(project: &Project, id: &str) -> PathBuf {
    let mut path = project.text_dir();
    for part in id.split('/') {
        path.push(part);
    }
    path
}

/// The annotation file of one checked record.
/// Spans are numbered in text order.
fn build_file(
    project: &Project,
    record: &Record,
    annotator: &str,
    text: &SourceText,
) -> AnnotationFile {
    let mut spans: Vec<Span> = record
        .spans
        .iter()
        .map(|span| Span {
            id: 0,
            start: span.start,
            end: span.end,
            label: span.label.clone(),
            text: text.slice(span.start..span.end).to_owned(),
            note: span.note.clone(),
            notes: span.notes.clone(),
            value: span.value.clone(),
            resource: span.resource.clone(),
            entry_name: span.entry_name.clone(),
            attributes: span.attributes.clone(),
        })
        .collect();
    spans.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
    for (i, span) in spans.iter_mut().enumerate() {
        span.id = i as u32 + 1;
    }
    let entry = DocEntry {
        id: record.id.clone(),
        path: text_path(project, &record.id),
    };
    let id_of = |key: &SpanKey| {
        spans
            .iter()
            .find(|s| (s.start, s.end, &s.label) == (key.0, key.1, &key.2))
            .map(|s| s.id)
    };
    let mut relations: Vec<Relation> = record
        .relation_keys
        .iter()
        .filter_map(|(a, b, kind)| {
            Some(Relation {
                from: id_of(a)?,
                to: id_of(b)?,
                kind: kind.clone(),
            })
        })
        .collect();
    relations.sort();
    relations.dedup();
    AnnotationFile {
        format_version: FORMAT_VERSION,
        source: project.source_path(&entry),
        fingerprint: store::fingerprint(text.as_str().as_bytes()),
        offset_unit: OffsetUnit::CodePoint,
        annotator: annotator.to_owned(),
        status: Status::InProgress,
        spans,
        rejected: Vec::new(),
        relations,
        rejected_relations: Vec::new(),
        unknown: Default::default(),
    }
}
