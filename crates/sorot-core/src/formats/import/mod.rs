//! Imports of what other annotation tools write.
//!
//! Terms:
//! - **input**: a file (or, for brat, a folder of `.ann` and `.txt` files)
//!   written by another tool.
//! - **record**: one document of an input with its text (when the input has
//!   it) and its spans, read into code-point offsets.
//! - **loss**: something of the input the model cannot hold (a relation, an
//!   event, a discontinuous span, a region type other than labels), or a record
//!   that cannot be used. Losses are reported; with `strict` they stop the import.
//!
//! An import reads and checks every input first: a malformed line, a span
//! outside its text, a text that differs from the project's, or a document id
//! that would land outside the project is an error naming the file and line,
//! and then nothing is written. Texts the project lacks are added to its text
//! folder; an annotator's existing file for a document is kept unless `replace`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use crate::formats::export::{Loss, OffsetUnit};
use crate::model::text::SourceText;
use crate::model::{Span, Status};
use crate::project::{Project, is_safe_doc_id};
use crate::store::{self, AnnotationFile, FORMAT_VERSION};

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// brat standoff .ann files (with their .txt), or folders of them
    Brat,
    /// doccano JSONL: {"text", "label": [[start, end, label]]} or {"text", "entities", "relations"}
    Jsonl,
    /// Label Studio JSON export (tasks with annotations)
    Labelstudio,
    /// CoNLL IOB2: token and tag columns; tokens are matched onto the project's texts
    Conll,
}

impl ImportFormat {
    /// Every input format, in the order menus list them.
    pub const ALL: [ImportFormat; 4] = [
        ImportFormat::Brat,
        ImportFormat::Jsonl,
        ImportFormat::Labelstudio,
        ImportFormat::Conll,
    ];
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub format: ImportFormat,
    pub annotator: String,
    /// What the input's offsets count (doccano's UI: utf16).
    pub offsets: OffsetUnit,
    /// Overwrite an annotator's existing file for a document.
    pub replace: bool,
    /// Stop before writing if anything would be lost.
    pub strict: bool,
    /// Label Studio: one annotator per `completed_by` instead of the latest annotation.
    pub per_annotator: bool,
    /// Counts documents written, for a progress bar in another thread.
    pub progress: Option<std::sync::Arc<crate::formats::export::Progress>>,
}

/// Why an import did not run; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}:{line}: {message}", file.display())]
    Input {
        file: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: {message}", file.display())]
    File { file: PathBuf, message: String },
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Storage(#[from] store::StorageError),
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub documents: usize,
    pub spans: usize,
    pub texts_added: Vec<String>,
    pub files_written: Vec<PathBuf>,
    pub losses: Vec<Loss>,
    /// Labels imported that the project's schema does not list.
    pub unknown_labels: Vec<String>,
    /// With `strict`, whether losses stopped the import before anything was written.
    pub stopped: bool,
}

/// One span read from an input, in code points, with where it came from.
#[derive(Debug, Clone)]
struct NewSpan {
    start: usize,
    end: usize,
    label: String,
    note: String,
    line: usize,
    /// The normalized value and attributes, where the input carries them.
    value: String,
    attributes: BTreeMap<String, String>,
}

impl NewSpan {
    /// A span with neither note, value nor attributes.
    fn new(start: usize, end: usize, label: String, line: usize) -> Self {
        NewSpan {
            start,
            end,
            label,
            note: String::new(),
            line,
            value: String::new(),
            attributes: BTreeMap::new(),
        }
    }
}

/// One document read from an input.
#[derive(Debug)]
struct Record {
    id: String,
    file: PathBuf,
    line: usize,
    /// The text, when the input carries it.
    text: Option<String>,
    annotator: Option<String>,
    spans: Vec<NewSpan>,
    /// Relations between the record's spans, by their positions in `spans`.
    relations: Vec<(usize, usize, String)>,
    /// The same, by the spans' (start, end, label) once offsets are converted.
    relation_keys: Vec<(SpanKey, SpanKey, String)>,
    /// What the record's offsets count until they are converted.
    offsets: Counted,
}

/// A span's place and label: what identifies it across renumbering.
type SpanKey = (usize, usize, String);

/// What a record's offsets count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    /// Code points of the text: nothing to convert.
    CodePoints,
    /// The unit the user named with `--offsets`.
    AsOptions,
    /// brat: code points of the text read with LF line ends.
    CodePointsWithLf,
}

/// Imports `inputs` into the project.
pub fn import(
    project: &Project,
    options: &ImportOptions,
    inputs: &[PathBuf],
) -> Result<ImportReport, ImportError> {
    let mut losses = Vec::new();
    let mut records = Vec::new();
    // CoNLL documents are matched onto the project's texts, read once.
    let texts = match options.format {
        ImportFormat::Conll => project_texts(project),
        _ => Vec::new(),
    };
    for input in inputs {
        match options.format {
            ImportFormat::Brat => read_brat_input(input, &mut records, &mut losses)?,
            ImportFormat::Jsonl => read_doccano(input, &mut records, &mut losses)?,
            ImportFormat::Labelstudio => {
                read_label_studio(input, options, project.schema(), &mut records, &mut losses)?
            }
            ImportFormat::Conll => read_conll(&texts, input, &mut records)?,
        }
    }
    // Check every record against its text before writing anything. What a
    // record needs no other record for is done in parallel: its text read or
    // made, its spans checked against it. Errors are then taken in input
    // order, each record's in the order of the checks.
    let prepared: Vec<Prepared> = records
        .into_par_iter()
        .map(|record| prepare(project, options.offsets, record))
        .collect();
    // Each record with the annotator it goes to, its text, and whether that text is new.
    let mut plan: Vec<(Record, String, SourceText, bool)> = Vec::new();
    let mut seen = BTreeMap::new();
    // Texts that records add to the project, by id: two must not differ.
    // Each is known by the place in `plan` of the record that brings it.
    let mut new_texts: BTreeMap<String, usize> = BTreeMap::new();
    for Prepared {
        record,
        text,
        checked,
        duplicates,
    } in prepared
    {
        let text = match text {
            PreparedText::Unsafe => {
                return Err(ImportError::Input {
                    message: format!(
                        "document id {:?} would land outside the project; refused",
                        record.id
                    ),
                    file: record.file,
                    line: record.line,
                });
            }
            text => text,
        };
        let annotator = record
            .annotator
            .clone()
            .unwrap_or_else(|| options.annotator.clone());
        if let Some((file, line)) = seen.insert(
            (record.id.clone(), annotator.clone()),
            (record.file.clone(), record.line),
        ) {
            return Err(ImportError::Input {
                file: record.file,
                line: record.line,
                message: format!(
                    "document {} appears twice (also at {}:{line})",
                    record.id,
                    file.display()
                ),
            });
        }
        let (text, is_new) = match text {
            PreparedText::Unsafe => unreachable!("refused above"),
            PreparedText::Existing(text) => (text?, false),
            PreparedText::New(text) => {
                if let Some(&first) = new_texts.get(&record.id) {
                    let (other, _, other_text, _): &(Record, String, SourceText, bool) =
                        &plan[first];
                    // A text that failed to be one (empty, too large)
                    // differs from the first, which did not.
                    if !text
                        .as_ref()
                        .is_ok_and(|text| text.as_str() == other_text.as_str())
                    {
                        return Err(ImportError::Input {
                            file: record.file,
                            line: record.line,
                            message: format!(
                                "the text of {} differs from the one at {}:{}; a document has one text",
                                record.id,
                                other.file.display(),
                                other.line
                            ),
                        });
                    }
                }
                let is_new = !new_texts.contains_key(&record.id);
                new_texts.insert(record.id.clone(), plan.len());
                (text?, is_new)
            }
        };
        checked?;
        losses.extend(duplicates);
        plan.push((record, annotator, text, is_new));
    }
    let mut report = ImportReport {
        losses,
        ..ImportReport::default()
    };
    // Existing files are kept unless asked.
    plan.retain(|(record, annotator, _, _)| {
        let path = project.annotation_path(annotator, &record.id);
        if path.exists() && !options.replace {
            report.losses.push(Loss {
                file: path.display().to_string(),
                span: None,
                reason: "exists already and was kept; import with --replace to overwrite it".into(),
            });
            return false;
        }
        true
    });
    if options.strict && !report.losses.is_empty() {
        report.stopped = true;
        return Ok(report);
    }
    // A text the project lacks is written once, with the first of its records
    // that is still imported.
    let mut adding = BTreeSet::new();
    for (record, _, _, is_new) in &mut plan {
        *is_new = project.doc(&record.id).is_none() && adding.insert(record.id.clone());
    }
    // A document counts as written when its annotation file's content is
    // handed to the file system (it reaches the disk with the whole batch).
    if let Some(progress) = &options.progress {
        progress
            .total
            .store(plan.len(), std::sync::atomic::Ordering::Relaxed);
    }
    let flushed = || {
        if let Some(progress) = &options.progress {
            progress
                .done
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let schema = project.schema();
    let paths: Vec<PathBuf> = plan
        .iter()
        .map(|(record, annotator, _, _)| project.annotation_path(annotator, &record.id))
        .collect();
    let text_paths: Vec<Option<PathBuf>> = plan
        .iter()
        .map(|(record, _, _, is_new)| is_new.then(|| text_path(project, &record.id)))
        .collect();
    // New texts and annotation files are written as one batch: each file is
    // staged as soon as it is made, so no content need be kept; if any
    // fails, nothing is changed.
    let batch = store::Batch::new(
        paths
            .iter()
            .chain(text_paths.iter().flatten())
            .filter_map(|path| path.parent()),
    )?;
    let built = batch.run(|| {
        plan.par_iter()
            .zip(paths.par_iter().zip(&text_paths))
            .map(|((record, annotator, text, _), (path, text_path))| {
                let text_staged = match text_path {
                    Some(text_path) => Some(batch.stage(text_path, text.as_str().as_bytes())?),
                    None => None,
                };
                let file = build_file(project, record, annotator, text);
                let mut unknown: Vec<String> = file
                    .spans
                    .iter()
                    .filter(|s| !schema.contains(&s.label))
                    .map(|s| s.label.clone())
                    .collect();
                unknown.dedup();
                let staged = batch.stage(path, file.to_ron().as_bytes())?;
                flushed();
                Ok(Built {
                    text: text_staged,
                    staged,
                    spans: file.spans.len(),
                    unknown_labels: unknown,
                })
            })
            .collect::<Result<Vec<Built>, store::StorageError>>()
    })?;
    let mut texts = Vec::new();
    let mut annotation_files = Vec::with_capacity(plan.len());
    for ((record, _, _, is_new), built) in plan.iter().zip(built) {
        if *is_new {
            report.texts_added.push(record.id.clone());
        }
        for label in built.unknown_labels {
            if !report.unknown_labels.contains(&label) {
                report.unknown_labels.push(label);
            }
        }
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
    report.unknown_labels.sort();
    Ok(report)
}

/// A record with what was found for it on its own.
struct Prepared {
    /// Its id made the name of a text file, its offsets converted to code
    /// points of its text, its repeated spans taken out.
    record: Record,
    text: PreparedText,
    /// Whether its spans fit its text.
    checked: Result<(), ImportError>,
    /// The spans it gave twice.
    duplicates: Vec<Loss>,
}

/// A record's text, as [`prepare`] found it.
enum PreparedText {
    /// The id would land outside the project; nothing else was done.
    Unsafe,
    /// The project's text; or, when the project has none and the record
    /// brings none, why there is no text.
    Existing(Result<SourceText, ImportError>),
    /// The text the record brings.
    New(Result<SourceText, ImportError>),
}

/// Reads or makes `record`'s text and checks the record's spans against it.
fn prepare(project: &Project, unit: OffsetUnit, mut record: Record) -> Prepared {
    let unchecked = |record, text| Prepared {
        record,
        text,
        checked: Ok(()),
        duplicates: Vec::new(),
    };
    if !is_safe_doc_id(&record.id) {
        return unchecked(record, PreparedText::Unsafe);
    }
    if !record.id.ends_with(".txt") {
        record.id.push_str(".txt");
    }
    let text = match project.doc(&record.id) {
        Some(doc) => PreparedText::Existing(read_project_text(&doc.path, &record)),
        None => match record.text.take() {
            Some(given) => {
                PreparedText::New(SourceText::new(given).map_err(|err| ImportError::Input {
                    file: record.file.clone(),
                    line: record.line,
                    message: err.to_string(),
                }))
            }
            None => PreparedText::Existing(Err(ImportError::Input {
                file: record.file.clone(),
                line: record.line,
                message: format!(
                    "the project has no text {} and the input does not carry it",
                    record.id
                ),
            })),
        },
    };
    let source = match &text {
        PreparedText::Existing(Ok(text)) | PreparedText::New(Ok(text)) => text,
        _ => return unchecked(record, text),
    };
    let checked = convert_and_check(&mut record, source, unit);
    if checked.is_err() {
        return Prepared {
            record,
            text,
            checked,
            duplicates: Vec::new(),
        };
    }
    let key = |i: usize| -> SpanKey {
        (
            record.spans[i].start,
            record.spans[i].end,
            record.spans[i].label.clone(),
        )
    };
    record.relation_keys = record
        .relations
        .iter()
        .map(|(a, b, kind)| (key(*a), key(*b), kind.clone()))
        .collect();
    let mut keys = BTreeSet::new();
    let mut duplicates = Vec::new();
    record.spans.retain(|span| {
        let fresh = keys.insert((span.start, span.end, span.label.clone()));
        if !fresh {
            duplicates.push(Loss {
                file: format!("{}:{}", record.file.display(), span.line),
                span: None,
                reason: format!(
                    "{} [{}, {}) is there twice; imported once",
                    span.label, span.start, span.end
                ),
            });
        }
        fresh
    });
    Prepared {
        record,
        text,
        checked,
        duplicates,
    }
}

/// The project's text at `path`, checked against the one `record` carries.
fn read_project_text(path: &Path, record: &Record) -> Result<SourceText, ImportError> {
    let bytes = fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let existing = SourceText::from_bytes(bytes).map_err(|err| ImportError::File {
        file: path.to_owned(),
        message: err.to_string(),
    })?;
    let same = |given: &str| match record.offsets {
        Counted::CodePointsWithLf => {
            given.replace("\r\n", "\n") == existing.as_str().replace("\r\n", "\n")
        }
        _ => given == existing.as_str(),
    };
    if let Some(given) = &record.text
        && !same(given)
    {
        return Err(ImportError::Input {
            file: record.file.clone(),
            line: record.line,
            message: format!(
                "the text of {} differs from the project's {}; import into another project or fix the text",
                record.id,
                path.display()
            ),
        });
    }
    Ok(existing)
}

/// One record's files, staged.
struct Built {
    /// Its text, when the record adds it to the project.
    text: Option<store::Staged>,
    /// Its annotation file.
    staged: store::Staged,
    spans: usize,
    /// Labels of the file that the project's schema does not list.
    unknown_labels: Vec<String>,
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
            value: span.value.clone(),
            attributes: span.attributes.clone(),
        })
        .collect();
    spans.sort_by(|a, b| (a.start, a.end, &a.label).cmp(&(b.start, b.end, &b.label)));
    for (i, span) in spans.iter_mut().enumerate() {
        span.id = i as u32 + 1;
    }
    let entry = crate::project::DocEntry {
        id: record.id.clone(),
        path: text_path(project, &record.id),
    };
    let id_of = |key: &SpanKey| {
        spans
            .iter()
            .find(|s| (s.start, s.end, &s.label) == (key.0, key.1, &key.2))
            .map(|s| s.id)
    };
    let mut relations: Vec<crate::model::Relation> = record
        .relation_keys
        .iter()
        .filter_map(|(a, b, kind)| {
            Some(crate::model::Relation {
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
    }
}

/// Turns the record's offsets into code points and checks them against the text.
fn convert_and_check(
    record: &mut Record,
    text: &SourceText,
    unit: OffsetUnit,
) -> Result<(), ImportError> {
    let len = text.len_chars();
    // (offset as the input counts, code point) for every position of the
    // text, in order of both.
    let table: Option<Vec<(usize, usize)>> = match (record.offsets, unit) {
        (Counted::CodePoints, _) | (Counted::AsOptions, OffsetUnit::CodePoint) => None,
        (Counted::CodePointsWithLf, _) => {
            // brat counts a CRLF as one character: its position is the \r's,
            // and the next position is after the \n.
            let mut map = Vec::with_capacity(len + 1);
            let mut position = 0;
            let chars: Vec<char> = text.as_str().chars().collect();
            let mut i = 0;
            while i < chars.len() {
                map.push((position, i));
                position += 1;
                i += if chars[i] == '\r' && chars.get(i + 1) == Some(&'\n') {
                    2
                } else {
                    1
                };
            }
            map.push((position, len));
            Some(map)
        }
        (Counted::AsOptions, unit) => {
            let mut map = Vec::with_capacity(len + 1);
            let mut position = 0;
            for (i, c) in text.as_str().chars().enumerate() {
                map.push((position, i));
                position += if unit == OffsetUnit::Utf16 {
                    c.len_utf16()
                } else {
                    c.len_utf8()
                };
            }
            map.push((position, len));
            Some(map)
        }
    };
    for span in &mut record.spans {
        if let Some(table) = &table {
            let convert = |offset: usize| {
                table
                    .binary_search_by_key(&offset, |&(position, _)| position)
                    .ok()
                    .map(|i| table[i].1)
            };
            match (convert(span.start), convert(span.end)) {
                (Some(start), Some(end)) => {
                    span.start = start;
                    span.end = end;
                }
                _ => {
                    return Err(ImportError::Input {
                        file: record.file.clone(),
                        line: span.line,
                        message: format!(
                            "{} [{}, {}) does not fall on character boundaries in {} units, or lies past the end of the text{}",
                            span.label,
                            span.start,
                            span.end,
                            if record.offsets == Counted::AsOptions {
                                unit.name()
                            } else {
                                "code-point"
                            },
                            if record.offsets == Counted::AsOptions {
                                "; check --offsets"
                            } else {
                                ""
                            }
                        ),
                    });
                }
            }
        }
        if span.start >= span.end || span.end > len {
            return Err(ImportError::Input {
                file: record.file.clone(),
                line: span.line,
                message: format!(
                    "{} [{}, {}) lies outside the text of {}, which has {len} characters",
                    span.label, span.start, span.end, record.id
                ),
            });
        }
    }
    Ok(())
}

fn read_to_string(path: &Path) -> Result<String, ImportError> {
    let bytes = fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        ImportError::Input {
            file: path.to_owned(),
            line: valid.iter().filter(|b| **b == b'\n').count() + 1,
            message: "not UTF-8; save it as UTF-8".into(),
        }
    })
}

/// The input's file name with `.txt`, for records that carry no id.
fn stem_id(path: &Path, suffix: &str) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into());
    format!("{stem}{suffix}.txt")
}

// ---------------------------------------------------------------------------
// brat

fn read_brat_input(
    input: &Path,
    records: &mut Vec<Record>,
    losses: &mut Vec<Loss>,
) -> Result<(), ImportError> {
    if input.is_dir() {
        let mut files = Vec::new();
        collect_ann(input, &mut files).map_err(|source| ImportError::Read {
            path: input.to_owned(),
            source,
        })?;
        files.sort();
        for file in files {
            let id = file
                .strip_prefix(input)
                .unwrap_or(&file)
                .with_extension("txt");
            let id = id
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            records.push(read_brat(&file, id, losses)?);
        }
        Ok(())
    } else {
        let id = input
            .with_extension("txt")
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        records.push(read_brat(input, id, losses)?);
        Ok(())
    }
}

fn collect_ann(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_ann(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "ann") {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads one `.ann` file and its `.txt`. brat counts code points over the
/// text read with LF line ends; the offsets are moved onto the real text
/// (past the `\r` of each CRLF before them) once the text is known.
fn read_brat(ann_path: &Path, id: String, losses: &mut Vec<Loss>) -> Result<Record, ImportError> {
    let txt_path = ann_path.with_extension("txt");
    let text = read_to_string(&txt_path)?;
    let lf_text = text.replace("\r\n", "\n");
    let lf_chars: Vec<char> = lf_text.chars().collect();
    let content = read_to_string(ann_path)?;
    let mut spans: Vec<(String, NewSpan)> = Vec::new();
    let mut notes: Vec<(String, String, usize)> = Vec::new();
    let mut relations: Vec<(String, String, String, usize)> = Vec::new();
    let mut attributes: Vec<(String, String, String, usize)> = Vec::new();
    let error = |line: usize, message: String| ImportError::Input {
        file: ann_path.to_owned(),
        line,
        message,
    };
    let loss = |line: usize, reason: String| Loss {
        file: format!("{}:{line}", ann_path.display()),
        span: None,
        reason,
    };
    for (n, line) in content.lines().enumerate() {
        let line_number = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        // The text field of a T line may itself hold tabs.
        let fields: Vec<&str> = match line.chars().next() {
            Some('T' | '#' | 'N') => line.splitn(3, '\t').collect(),
            _ => line.split('\t').collect(),
        };
        let kind = line.chars().next().unwrap_or(' ');
        match kind {
            'T' => {
                if fields.len() != 3 {
                    return Err(error(
                        line_number,
                        format!(
                            "a T line has 3 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let (label, places) = fields[1].split_once(' ').ok_or_else(|| {
                    error(
                        line_number,
                        "expected `label start end` in the second field".into(),
                    )
                })?;
                let mut fragments = Vec::new();
                for place in places.split(';') {
                    let numbers: Vec<&str> = place.split_whitespace().collect();
                    let parse = |s: &str| {
                        s.parse::<usize>()
                            .map_err(|_| error(line_number, format!("{s:?} is not an offset")))
                    };
                    if numbers.len() != 2 {
                        return Err(error(
                            line_number,
                            format!("a fragment has a start and an end, not {place:?}"),
                        ));
                    }
                    fragments.push((parse(numbers[0])?, parse(numbers[1])?));
                }
                let in_order = fragments.iter().all(|f| f.0 < f.1)
                    && fragments.windows(2).all(|w| w[0].1 <= w[1].0);
                if !in_order {
                    return Err(error(
                        line_number,
                        format!(
                            "the fragments {places} are empty, reversed or out of order; each is start end, in text order"
                        ),
                    ));
                }
                let start = fragments.iter().map(|f| f.0).min().unwrap_or(0);
                let end = fragments.iter().map(|f| f.1).max().unwrap_or(0);
                if end > lf_chars.len() || start >= end {
                    return Err(error(
                        line_number,
                        format!(
                            "{label} [{start}, {end}) lies outside {}, which has {} characters",
                            txt_path.display(),
                            lf_chars.len()
                        ),
                    ));
                }
                let gaps_are_space = fragments
                    .windows(2)
                    .all(|w| lf_chars[w[0].1..w[1].0].iter().all(|c| c.is_whitespace()));
                if fragments.len() > 1 && !gaps_are_space {
                    losses.push(loss(
                        line_number,
                        format!("{} is discontinuous ({places}); Sorot spans are continuous, so it was not imported", fields[0]),
                    ));
                    continue;
                }
                let expected: String = fragments
                    .iter()
                    .map(|f| lf_chars[f.0..f.1].iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" ");
                if expected != fields[2] {
                    return Err(error(
                        line_number,
                        format!(
                            "{} says {:?} but the text at [{start}, {end}) is {:?}",
                            fields[0], fields[2], expected
                        ),
                    ));
                }
                let span = NewSpan::new(start, end, label.to_owned(), line_number);
                spans.push((fields[0].to_owned(), span));
            }
            '#' => {
                if fields.len() != 3 {
                    return Err(error(
                        line_number,
                        format!(
                            "a # line has 3 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let target = fields[1].split_whitespace().nth(1).unwrap_or("").to_owned();
                notes.push((target, fields[2].to_owned(), line_number));
            }
            'A' | 'M' => {
                if fields.len() != 2 {
                    return Err(error(
                        line_number,
                        format!(
                            "an A line has 2 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let parts: Vec<&str> = fields[1].split_whitespace().collect();
                match parts.as_slice() {
                    [name, target, value @ ..] if target.starts_with('T') => {
                        // A binary attribute (no value) is "yes".
                        let value = if value.is_empty() {
                            "yes".to_owned()
                        } else {
                            value.join(" ")
                        };
                        attributes.push((
                            (*target).to_owned(),
                            (*name).to_owned(),
                            value,
                            line_number,
                        ));
                    }
                    _ => losses.push(loss(
                        line_number,
                        format!(
                            "attribute {} of a relation or event was not imported",
                            fields[0]
                        ),
                    )),
                }
            }
            'N' => {
                if fields.len() != 3 && fields.len() != 2 {
                    return Err(error(
                        line_number,
                        format!(
                            "an N line has 3 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let parts: Vec<&str> = fields[1].split_whitespace().collect();
                match parts.as_slice() {
                    [_, target, reference]
                        if target.starts_with('T') && reference.starts_with("Sorot:") =>
                    {
                        // Sorot's own normalized value; the text after the tab is the value as written.
                        let value = fields.get(2).map_or_else(
                            || reference["Sorot:".len()..].replace('_', " "),
                            |v| (*v).to_owned(),
                        );
                        attributes.push((
                            (*target).to_owned(),
                            "value".to_owned(),
                            value,
                            line_number,
                        ));
                    }
                    [kind, target, reference] if target.starts_with('T') => {
                        let name = fields.get(2).map_or(String::new(), |n| format!(" ({n})"));
                        notes.push((
                            (*target).to_owned(),
                            format!("{kind}: {reference}{name}"),
                            line_number,
                        ));
                    }
                    _ => losses.push(loss(
                        line_number,
                        format!(
                            "normalization {} of a relation or event was not imported",
                            fields[0]
                        ),
                    )),
                }
            }
            'R' => {
                // R1 <tab> kind Arg1:T2 Arg2:T1 <tab>
                let parts: Vec<&str> = fields
                    .get(1)
                    .map(|f| f.split_whitespace().collect())
                    .unwrap_or_default();
                let arg = |name: &str| {
                    parts
                        .iter()
                        .find_map(|p| p.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')))
                        .map(str::to_owned)
                };
                match (parts.first(), arg("Arg1"), arg("Arg2")) {
                    (Some(kind), Some(from), Some(to)) => {
                        relations.push(((*kind).to_owned(), from, to, line_number))
                    }
                    _ => {
                        return Err(error(
                            line_number,
                            "an R line is `R1 <tab> type Arg1:T1 Arg2:T2`".into(),
                        ));
                    }
                }
            }
            'E' | '*' => {
                let what = if kind == 'E' { "event" } else { "equivalence" };
                losses.push(loss(
                    line_number,
                    format!(
                        "{what} {} was not imported: Sorot has no {what}s yet",
                        fields[0]
                    ),
                ));
            }
            _ => {
                return Err(error(
                    line_number,
                    format!("unknown brat line kind {kind:?}"),
                ));
            }
        }
    }
    let mut record_relations = Vec::new();
    for (kind, from, to, line) in relations {
        let position = |key: &str| spans.iter().position(|(id, _)| id == key);
        match (position(&from), position(&to)) {
            (Some(a), Some(b)) => record_relations.push((a, b, kind)),
            _ => losses.push(loss(line, format!("relation {kind} between {from} and {to}, whose ends are not both imported text spans, was not imported"))),
        }
    }
    for (target, name, value, line) in attributes {
        match spans.iter_mut().find(|(id, _)| *id == target) {
            Some((_, span)) if name == "value" => span.value = value,
            Some((_, span)) => {
                span.attributes.insert(name, value);
            }
            None => losses.push(loss(line, format!("attribute {name} of {target}, which is not an imported text span, was not imported"))),
        }
    }
    for (target, note, line) in notes {
        match spans.iter_mut().find(|(id, _)| *id == target) {
            Some((_, span)) => {
                if !span.note.is_empty() {
                    span.note.push_str("; ");
                }
                span.note.push_str(&note);
            }
            None => losses.push(loss(line, format!("note or attribute of {target}, which is not an imported text span, was not imported"))),
        }
    }
    Ok(Record {
        id,
        file: ann_path.to_owned(),
        line: 1,
        text: Some(text),
        annotator: None,
        spans: spans.into_iter().map(|(_, s)| s).collect(),
        relations: record_relations,
        relation_keys: Vec::new(),
        offsets: Counted::CodePointsWithLf,
    })
}

// ---------------------------------------------------------------------------
// doccano JSONL

fn read_doccano(
    input: &Path,
    records: &mut Vec<Record>,
    losses: &mut Vec<Loss>,
) -> Result<(), ImportError> {
    let content = read_to_string(input)?;
    let lines: Vec<(usize, &str)> = content
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| (n + 1, line))
        .collect();
    // Lines are read in parallel and taken in order.
    let read: Vec<Result<LineRead, ImportError>> = lines
        .par_iter()
        .map(|&(line_number, line)| read_doccano_line(input, line_number, line))
        .collect();
    for result in read {
        let (record, line_losses) = result?;
        losses.extend(line_losses);
        records.extend(record);
    }
    Ok(())
}

/// What one input line gave: its record, if it has one, and its losses.
type LineRead = (Option<Record>, Vec<Loss>);

/// The shape of most doccano lines, Sorot's own exports among them: an id,
/// the text and `label` triples, nothing else. Such a line is read straight
/// into its record; any other (more fields, other types) is read as a tree
/// by [`read_doccano_tree`], which gives the same record for this shape.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainLine {
    #[serde(default)]
    id: Option<Value>,
    text: String,
    #[serde(default)]
    label: Option<Vec<(u64, u64, String)>>,
}

/// Reads one doccano line.
fn read_doccano_line(
    input: &Path,
    line_number: usize,
    line: &str,
) -> Result<LineRead, ImportError> {
    // serde reads a struct from a list of its fields too; a record is an object.
    let object = line.trim_start().starts_with('{');
    let Some(plain) = object
        .then(|| serde_json::from_str::<PlainLine>(line).ok())
        .flatten()
    else {
        return read_doccano_tree(input, line_number, line);
    };
    let spans = plain
        .label
        .into_iter()
        .flatten()
        .map(|(start, end, label)| NewSpan::new(start as usize, end as usize, label, line_number))
        .collect();
    let record = Record {
        id: doccano_id(input, line_number, plain.id.as_ref()),
        file: input.to_owned(),
        line: line_number,
        text: Some(plain.text),
        annotator: None,
        spans,
        relations: Vec::new(),
        relation_keys: Vec::new(),
        offsets: Counted::AsOptions,
    };
    Ok((Some(record), Vec::new()))
}

/// The document id of a doccano line: its `id`, or else made from the input's
/// name and the line number.
fn doccano_id(input: &Path, line_number: usize, id: Option<&Value>) -> String {
    match id {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(number)) => format!(
            "{}-{number}.txt",
            stem_id(input, "").trim_end_matches(".txt")
        ),
        _ => stem_id(input, &format!("-line{line_number}")),
    }
}

/// Reads one doccano line of any shape, as a tree.
fn read_doccano_tree(
    input: &Path,
    line_number: usize,
    line: &str,
) -> Result<LineRead, ImportError> {
    let mut losses = Vec::new();
    let error = |message: String| ImportError::Input {
        file: input.to_owned(),
        line: line_number,
        message,
    };
    let mut value: Value =
        serde_json::from_str(line).map_err(|err| error(format!("malformed JSON: {err}")))?;
    let Some(Value::String(text)) = value.get_mut("text").map(Value::take) else {
        losses.push(Loss {
            file: format!("{}:{line_number}", input.display()),
            span: None,
            reason: "the record has no \"text\"; skipped".into(),
        });
        return Ok((None, losses));
    };
    let id = doccano_id(input, line_number, value.get("id"));
    let mut spans = Vec::new();
    let number = |v: &Value, what: &str| {
        v.as_u64()
            .map(|n| n as usize)
            .ok_or_else(|| error(format!("{what} is not a whole number: {v}")))
    };
    if let Some(labels) = value.get("label").and_then(Value::as_array) {
        for triple in labels {
            let Some([start, end, label]) = triple.as_array().map(Vec::as_slice) else {
                return Err(error(format!(
                    "a label is [start, end, \"label\"], not {triple}"
                )));
            };
            let label = label
                .as_str()
                .ok_or_else(|| error(format!("label {label} is not a string")))?;
            spans.push(NewSpan::new(
                number(start, "start")?,
                number(end, "end")?,
                label.to_owned(),
                line_number,
            ));
        }
    }
    // Entity id -> position of its span, for the relations.
    let mut entity_spans: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(entities) = value.get("entities").and_then(Value::as_array) {
        for entity in entities {
            if let Some(entity_id) = entity.get("id") {
                entity_spans.insert(entity_id.to_string(), spans.len());
            }
            let field = |name: &str| {
                entity
                    .get(name)
                    .ok_or_else(|| error(format!("an entity lacks {name:?}")))
            };
            let label = field("label")?
                .as_str()
                .ok_or_else(|| error("an entity's label is not a string".into()))?;
            spans.push(NewSpan::new(
                number(field("start_offset")?, "start_offset")?,
                number(field("end_offset")?, "end_offset")?,
                label.to_owned(),
                line_number,
            ));
        }
    }
    let mut problems = Vec::new();
    match value.get("span_details") {
        None | Some(Value::Null) => {}
        Some(Value::Array(details)) => {
            let mut detailed = BTreeSet::new();
            for detail in details {
                attach_details(&mut spans, detail, &mut detailed, &mut problems);
            }
        }
        Some(other) => problems.push(format!(
            "\"span_details\" is not a list, so it was not imported: {other}"
        )),
    }
    losses.extend(problems.into_iter().map(|reason| Loss {
        file: format!("{}:{line_number}", input.display()),
        span: None,
        reason,
    }));
    let mut record_relations = Vec::new();
    for relation in value
        .get("relations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let end = |name: &str| {
            relation
                .get(name)
                .and_then(|id| entity_spans.get(&id.to_string()))
                .copied()
        };
        let kind = relation
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("related")
            .to_owned();
        match (end("from_id"), end("to_id")) {
            (Some(from), Some(to)) => record_relations.push((from, to, kind)),
            _ => losses.push(Loss {
                file: format!("{}:{line_number}", input.display()),
                span: None,
                reason: format!(
                    "relation {kind} names an entity the record does not have; not imported"
                ),
            }),
        }
    }
    if let Some(meta) = value.get("meta").and_then(Value::as_object)
        && !meta.is_empty()
    {
        losses.push(Loss {
            file: format!("{}:{line_number}", input.display()),
            span: None,
            reason: format!(
                "the record's meta ({}) was not imported: Sorot keeps no document metadata",
                Value::Object(meta.clone())
            ),
        });
    }
    let annotator = value
        .get("annotator")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(name) = &annotator
        && !crate::project::is_valid_annotator(name)
    {
        return Err(error(format!(
            "annotator {name:?} is not a valid annotator name (letters, digits, '_', '-', '.', starting with a letter or digit)"
        )));
    }
    let record = Record {
        id,
        file: input.to_owned(),
        line: line_number,
        text: Some(text),
        annotator,
        spans,
        relations: record_relations,
        relation_keys: Vec::new(),
        offsets: Counted::AsOptions,
    };
    Ok((Some(record), losses))
}

/// Gives a doccano `span_details` entry's note, value and attributes to the
/// span it names by offsets and label. What cannot be given (no such span, a
/// second entry for it, a field that is not text) goes to `problems`.
fn attach_details(
    spans: &mut [NewSpan],
    detail: &Value,
    detailed: &mut BTreeSet<usize>,
    problems: &mut Vec<String>,
) {
    let offset = |name: &str| detail.get(name).and_then(Value::as_u64).map(|n| n as usize);
    let (Some(start), Some(end), Some(label)) = (
        offset("start"),
        offset("end"),
        detail.get("label").and_then(Value::as_str),
    ) else {
        problems.push(format!(
            "span details without start, end and label were not imported: {detail}"
        ));
        return;
    };
    let Some(n) = spans
        .iter()
        .position(|s| s.start == start && s.end == end && s.label == label)
    else {
        problems.push(format!(
            "details of a {label:?} span at {start}..{end}, which the record does not label, were not imported"
        ));
        return;
    };
    if !detailed.insert(n) {
        problems.push(format!(
            "a second set of details for the {label:?} span at {start}..{end} was not imported"
        ));
        return;
    }
    let span = &mut spans[n];
    let mut text = |name: &str, field: &mut String| {
        match detail.get(name) {
        None | Some(Value::Null) => {}
        Some(Value::String(value)) => *field = value.clone(),
        Some(other) => problems.push(format!(
            "the {name} of the {label:?} span at {start}..{end} is not text, so it was not imported: {other}"
        )),
    }
    };
    text("note", &mut span.note);
    text("value", &mut span.value);
    match detail.get("attributes") {
        None | Some(Value::Null) => {}
        Some(Value::Object(attributes)) => {
            for (name, value) in attributes {
                match value.as_str() {
                    Some(value) => {
                        span.attributes.insert(name.clone(), value.to_owned());
                    }
                    None => problems.push(format!(
                        "attribute {name} of the {label:?} span at {start}..{end} is not text, so it was not imported: {value}"
                    )),
                }
            }
        }
        Some(other) => problems.push(format!(
            "the attributes of the {label:?} span at {start}..{end} are not an object, so they were not imported: {other}"
        )),
    }
}

// ---------------------------------------------------------------------------
// Label Studio

/// What the import reads of a Label Studio task, made either straight from
/// the JSON by serde ([`ls::RawTask`], for tasks of the usual shape) or from
/// a JSON tree ([`ls::Task::from_value`], for any other): both give the same
/// for the same task, which a property test checks.
mod ls {
    use serde::Deserialize;
    use serde_json::Value;

    use super::{Obj, joined};

    #[derive(Debug)]
    pub(super) struct Task {
        /// `data`, when given (even as null).
        pub data: Option<Value>,
        /// `id`, when given (even as null).
        pub id: Option<Value>,
        /// The `annotations` list, or else the `completions` list; none when
        /// the one given is no list.
        pub annotations: Vec<Annotation>,
    }

    #[derive(Debug)]
    pub(super) struct Annotation {
        /// `was_cancelled` is true.
        pub cancelled: bool,
        /// `sorot_annotator`, when a string.
        pub sorot_annotator: Option<String>,
        /// `completed_by`, when given (even as null).
        pub completed_by: Option<Value>,
        /// `updated_at`, or else `created_at`, when the one given is a
        /// string; else empty.
        pub when: String,
        /// The `result` list; empty when it is no list.
        pub result: Vec<Region>,
    }

    #[derive(Debug)]
    pub(super) struct Region {
        /// `type`, when a string; else empty.
        pub kind: String,
        /// `value`, when given (even as null or not an object).
        pub value: Option<RegionValue>,
        /// `id`, when a string.
        pub id: Option<String>,
        /// `from_id`, when a string.
        pub from_id: Option<String>,
        /// `to_id`, when a string.
        pub to_id: Option<String>,
        /// `from_name`, when a string; else empty.
        pub from_name: String,
        /// The first of the region's own `labels` (where a relation keeps
        /// its kind), when a string; else "related".
        pub relation: String,
        /// The strings of `meta.text`, joined.
        pub note: String,
    }

    #[derive(Debug)]
    pub(super) struct RegionValue {
        /// `start`, when a JSON integer from 0 to `u64::MAX`.
        pub start: Option<u64>,
        /// `end`, likewise.
        pub end: Option<u64>,
        /// The strings of `labels`, when it is a list.
        pub labels: Option<Vec<String>>,
        /// The strings of `choices`, joined.
        pub choices: String,
        /// The strings of `text`, joined (none when it is one string).
        pub text: String,
    }

    impl Task {
        /// What is read of a task given as a tree.
        pub(super) fn from_value(task: &Value) -> Task {
            let annotations = task
                .get("annotations")
                .or_else(|| task.get("completions"))
                .and_then(Value::as_array);
            Task {
                data: task.get("data").cloned(),
                id: task.get("id").cloned(),
                annotations: annotations
                    .into_iter()
                    .flatten()
                    .map(Annotation::from_value)
                    .collect(),
            }
        }
    }

    impl Annotation {
        fn from_value(annotation: &Value) -> Annotation {
            let text = |name: &str| annotation.get(name).and_then(Value::as_str);
            Annotation {
                cancelled: annotation
                    .get("was_cancelled")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                sorot_annotator: text("sorot_annotator").map(str::to_owned),
                completed_by: annotation.get("completed_by").cloned(),
                when: annotation
                    .get("updated_at")
                    .or_else(|| annotation.get("created_at"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                result: annotation
                    .get("result")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(Region::from_value)
                    .collect(),
            }
        }
    }

    impl Region {
        fn from_value(region: &Value) -> Region {
            let text = |name: &str| region.get(name).and_then(Value::as_str).map(str::to_owned);
            Region {
                kind: text("type").unwrap_or_default(),
                value: region.get("value").map(RegionValue::from_value),
                id: text("id"),
                from_id: text("from_id"),
                to_id: text("to_id"),
                from_name: text("from_name").unwrap_or_default(),
                relation: relation(region.get("labels")),
                note: joined(region.get("meta").and_then(|m| m.get("text"))),
            }
        }
    }

    impl RegionValue {
        fn from_value(value: &Value) -> RegionValue {
            RegionValue {
                start: value.get("start").and_then(Value::as_u64),
                end: value.get("end").and_then(Value::as_u64),
                labels: value
                    .get("labels")
                    .and_then(Value::as_array)
                    .map(|labels| strings(labels)),
                choices: joined(value.get("choices")),
                text: joined(value.get("text")),
            }
        }
    }

    /// The strings of a list.
    fn strings(list: &[Value]) -> Vec<String> {
        list.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    }

    /// A relation's kind: its first label, or "related".
    fn relation(labels: Option<&Value>) -> String {
        labels
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .and_then(Value::as_str)
            .unwrap_or("related")
            .to_owned()
    }

    /// A task of the usual shape: every field the import reads has the type
    /// it expects, or is null where null reads as absent. Any other task
    /// fails here and is read as a tree.
    #[derive(Deserialize)]
    pub(super) struct RawTask {
        #[serde(default, deserialize_with = "given")]
        data: Option<Value>,
        #[serde(default, deserialize_with = "given")]
        id: Option<Value>,
        #[serde(default, deserialize_with = "given")]
        annotations: Option<Vec<Obj<RawAnnotation>>>,
        #[serde(default, deserialize_with = "given")]
        completions: Option<Vec<Obj<RawAnnotation>>>,
    }

    #[derive(Deserialize)]
    struct RawAnnotation {
        was_cancelled: Option<bool>,
        sorot_annotator: Option<String>,
        #[serde(default, deserialize_with = "given")]
        completed_by: Option<Value>,
        #[serde(default, deserialize_with = "given")]
        updated_at: Option<Value>,
        #[serde(default, deserialize_with = "given")]
        created_at: Option<Value>,
        result: Option<Vec<Obj<RawRegion>>>,
    }

    #[derive(Deserialize)]
    struct RawRegion {
        #[serde(rename = "type")]
        kind: Option<String>,
        #[serde(default, deserialize_with = "given")]
        value: Option<Obj<RawRegionValue>>,
        id: Option<String>,
        from_id: Option<String>,
        to_id: Option<String>,
        from_name: Option<String>,
        labels: Option<Value>,
        meta: Option<Value>,
    }

    #[derive(Deserialize)]
    struct RawRegionValue {
        start: Option<u64>,
        end: Option<u64>,
        labels: Option<Vec<Value>>,
        choices: Option<Value>,
        text: Option<Value>,
    }

    /// A field that is given, null included (serde reads null as absent).
    fn given<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: serde::Deserializer<'de>,
        T: Deserialize<'de>,
    {
        T::deserialize(deserializer).map(Some)
    }

    impl From<RawTask> for Task {
        fn from(task: RawTask) -> Task {
            // The tree reads `annotations` when given, else `completions`.
            let annotations = task.annotations.or(task.completions).unwrap_or_default();
            Task {
                data: task.data,
                id: task.id,
                annotations: annotations.into_iter().map(|Obj(a)| a.into()).collect(),
            }
        }
    }

    impl From<RawAnnotation> for Annotation {
        fn from(annotation: RawAnnotation) -> Annotation {
            let when = annotation.updated_at.or(annotation.created_at);
            Annotation {
                cancelled: annotation.was_cancelled.unwrap_or(false),
                sorot_annotator: annotation.sorot_annotator,
                completed_by: annotation.completed_by,
                when: when
                    .as_ref()
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                result: annotation
                    .result
                    .unwrap_or_default()
                    .into_iter()
                    .map(|Obj(r)| r.into())
                    .collect(),
            }
        }
    }

    impl From<RawRegion> for Region {
        fn from(region: RawRegion) -> Region {
            Region {
                kind: region.kind.unwrap_or_default(),
                value: region.value.map(|Obj(value)| RegionValue {
                    start: value.start,
                    end: value.end,
                    labels: value.labels.as_deref().map(strings),
                    choices: joined(value.choices.as_ref()),
                    text: joined(value.text.as_ref()),
                }),
                id: region.id,
                from_id: region.from_id,
                to_id: region.to_id,
                from_name: region.from_name.unwrap_or_default(),
                relation: relation(region.labels.as_ref()),
                note: joined(region.meta.as_ref().and_then(|m| m.get("text"))),
            }
        }
    }
}

/// Any JSON value, read as a tree would read it (numbers in range, escapes
/// valid, nesting within the limit) and not kept.
struct Checked;

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> serde::de::Visitor<'de> for Values {
            type Value = Checked;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Checked, A::Error> {
                while map.next_entry::<Checked, Checked>()?.is_some() {}
                Ok(Checked)
            }
        }
        deserializer.deserialize_any(Values)
    }
}

/// An object read as `T`. serde also reads a struct from a list of its
/// fields, where a tree would see a list; this reads objects only.
struct Obj<T>(T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Obj<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Objects<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Objects<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(Objects(std::marker::PhantomData))
            .map(Obj)
    }
}

fn read_label_studio(
    input: &Path,
    options: &ImportOptions,
    schema: &crate::model::schema::Schema,
    records: &mut Vec<Record>,
    losses: &mut Vec<Loss>,
) -> Result<(), ImportError> {
    let content = read_to_string(input)?;
    let malformed = |err: serde_json::Error| ImportError::Input {
        file: input.to_owned(),
        line: err.line(),
        message: format!("malformed JSON: {err}"),
    };
    // The tasks are kept as slices of the input and each is parsed on its
    // own, in parallel: a large export never becomes one tree in memory.
    let tasks: Vec<&serde_json::value::RawValue> = match content.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str(&content).map_err(malformed)?,
        Some(b'{') => vec![serde_json::from_str(&content).map_err(malformed)?],
        _ => {
            return Err(ImportError::File {
                file: input.to_owned(),
                message: "expected a list of Label Studio tasks".into(),
            });
        }
    };
    let read: Vec<Result<TaskRead, ImportError>> = tasks
        .par_iter()
        .enumerate()
        .map(|(n, raw)| {
            // Tasks of the usual shape are read straight into what is read
            // of them; any other is read as a tree first. A task read
            // straight is also checked as its tree would be, in the fields
            // it skips too (numbers in range, escapes, depth), so that both
            // ways fail alike.
            if let Ok(Obj(task)) = serde_json::from_str::<Obj<ls::RawTask>>(raw.get())
                && serde_json::from_str::<Checked>(raw.get()).is_ok()
            {
                let task = ls::Task::from(task);
                return Ok(read_label_studio_task(input, n, &task, options, schema));
            }
            // The syntax was checked above; what fails here (a number out of
            // range, say) is placed in the whole input, not in the task.
            let task: Value = serde_json::from_str(raw.get()).map_err(|err| {
                let start = raw.get().as_ptr() as usize - content.as_ptr() as usize;
                let line = content[..start].matches('\n').count() + err.line();
                let column = if err.line() == 1 {
                    let line_start = content[..start].rfind('\n').map_or(0, |b| b + 1);
                    content[line_start..start].chars().count() + err.column()
                } else {
                    err.column()
                };
                let message = err.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(message, _)| message);
                ImportError::Input {
                    file: input.to_owned(),
                    line,
                    message: format!("malformed JSON: {message} at line {line} column {column}"),
                }
            })?;
            let task = ls::Task::from_value(&task);
            Ok(read_label_studio_task(input, n, &task, options, schema))
        })
        .collect();
    for result in read {
        let (task_records, task_losses) = result?;
        records.extend(task_records);
        losses.extend(task_losses);
    }
    Ok(())
}

/// What one Label Studio task gave: its records and its losses.
type TaskRead = (Vec<Record>, Vec<Loss>);

/// Reads task `n` (from 0) of a Label Studio export: its records, one per
/// annotation taken, and what could not be imported.
fn read_label_studio_task(
    input: &Path,
    n: usize,
    task: &ls::Task,
    options: &ImportOptions,
    schema: &crate::model::schema::Schema,
) -> TaskRead {
    let mut records = Vec::new();
    let mut losses = Vec::new();
    let where_ = format!("{} task {}", input.display(), n + 1);
    let data = task.data.as_ref();
    let text = data.and_then(|d| {
        d.get("text")
            .and_then(Value::as_str)
            .or_else(|| d.as_object()?.values().find_map(Value::as_str))
    });
    let Some(text) = text else {
        losses.push(Loss {
            file: where_,
            span: None,
            reason: "the task has no text in its data; skipped".into(),
        });
        return (records, losses);
    };
    let id = data
        .and_then(|d| d.get("document"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            task.id
                .as_ref()
                .map(|id| format!("task-{}.txt", id.to_string().trim_matches('"')))
        })
        .unwrap_or_else(|| stem_id(input, &format!("-{}", n + 1)));
    let annotations: Vec<&ls::Annotation> =
        task.annotations.iter().filter(|a| !a.cancelled).collect();
    let chosen: Vec<(Option<String>, &ls::Annotation)> = if options.per_annotator {
        annotations
            .iter()
            .map(|a| {
                let by = a
                    .sorot_annotator
                    .clone()
                    .or_else(|| a.completed_by.as_ref().map(annotator_name));
                (by, *a)
            })
            .collect()
    } else {
        // The latest: by updated_at or created_at when given, else the last one.
        let latest = annotations.iter().max_by_key(|a| a.when.as_str());
        latest.map(|a| vec![(None, *a)]).unwrap_or_default()
    };
    for (annotator, annotation) in chosen {
        let mut spans = Vec::new();
        // Region id -> the positions of its spans (one per label);
        // relations between ids.
        let mut region_spans: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut relation_results: Vec<(String, String, String)> = Vec::new();
        // Per-region results: region id, control name, what it holds.
        let mut per_region: Vec<(String, String, String)> = Vec::new();
        for region in &annotation.result {
            let kind = region.kind.as_str();
            let value = region.value.as_ref();
            let labels = value.and_then(|v| v.labels.as_ref());
            match (kind, value, labels) {
                ("labels", Some(value), Some(labels)) => {
                    let (Some(start), Some(end)) = (value.start, value.end) else {
                        losses.push(Loss {
                            file: where_.clone(),
                            span: None,
                            reason: "a labels region without start and end was not imported"
                                .into(),
                        });
                        continue;
                    };
                    let (start, end) = (start as usize, end as usize);
                    let first = spans.len();
                    for label in labels {
                        spans.push(NewSpan {
                            note: region.note.clone(),
                            ..NewSpan::new(start, end, label.clone(), n + 1)
                        });
                    }
                    if spans.len() == first {
                        losses.push(Loss {
                            file: where_.clone(),
                            span: None,
                            reason: format!(
                                "a labels region at {start}..{end} without labels was not imported"
                            ),
                        });
                    } else if let Some(region_id) = &region.id {
                        region_spans
                            .entry(region_id.clone())
                            .or_default()
                            .extend(first..spans.len());
                    }
                }
                ("relation", _, _) => match (&region.from_id, &region.to_id) {
                    (Some(from), Some(to)) => relation_results.push((
                        from.clone(),
                        to.clone(),
                        region.relation.clone(),
                    )),
                    _ => losses.push(Loss {
                        file: where_.clone(),
                        span: None,
                        reason: "a relation without from_id and to_id was not imported".into(),
                    }),
                },
                ("textarea" | "choices", Some(value), _) if region.id.is_some() => {
                    let held = if kind == "choices" {
                        value.choices.clone()
                    } else {
                        value.text.clone()
                    };
                    let id = region.id.clone().unwrap_or_default();
                    per_region.push((id, region.from_name.clone(), held));
                }
                (kind, _, _) => losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!(
                        "a {kind:?} result was not imported: Sorot imports labeled text regions and their per-region values"
                    ),
                }),
            }
        }
        for (id, control, held) in per_region {
            let Some(positions) = region_spans.get(&id) else {
                losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!("a {control:?} result of region {id}, which is not an imported region, was not imported"),
                });
                continue;
            };
            if held.is_empty() {
                continue;
            }
            let mut taken = false;
            for &n in positions {
                let span = &mut spans[n];
                if control == "value" {
                    span.value = held.clone();
                    taken = true;
                    continue;
                }
                // Controls are named <label>_<attribute>, for attributes of the schema.
                if let Some(name) = control
                    .strip_prefix(span.label.as_str())
                    .and_then(|rest| rest.strip_prefix('_'))
                    && schema.attributes_of(&span.label).any(|a| a.name == name)
                {
                    span.attributes.insert(name.to_owned(), held.clone());
                    taken = true;
                }
            }
            if !taken {
                losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!("{control:?} ({held}) of region {id} was not imported: the schema has no such attribute for its labels"),
                });
            }
        }
        let mut relations = Vec::new();
        for (from, to, kind) in relation_results {
            let first = |id: &String| region_spans.get(id).and_then(|p| p.first()).copied();
            match (first(&from), first(&to)) {
                (Some(a), Some(b)) => relations.push((a, b, kind)),
                _ => losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!("relation {kind} between {from} and {to}, which are not both imported regions, was not imported"),
                }),
            }
        }
        let annotator = annotator.map(|a| crate::project::sanitize_annotator(&a));
        records.push(Record {
            id: id.clone(),
            file: input.to_owned(),
            line: n + 1,
            text: Some(text.to_owned()),
            annotator,
            spans,
            relations,
            relation_keys: Vec::new(),
            offsets: Counted::AsOptions,
        });
    }
    (records, losses)
}

/// The strings of a JSON list joined with "; " (Label Studio keeps notes,
/// texts and choices as lists); empty when there are none.
fn joined(list: Option<&Value>) -> String {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// An annotator name from Label Studio's `completed_by`: an id or a user object.
fn annotator_name(completed_by: &Value) -> String {
    match completed_by {
        Value::Object(user) => user
            .get("email")
            .and_then(Value::as_str)
            .map(|e| e.split('@').next().unwrap_or(e).to_owned())
            .or_else(|| user.get("id").map(|id| format!("user-{id}")))
            .unwrap_or_else(|| "user".into()),
        other => format!("user-{}", other.to_string().trim_matches('"')),
    }
}

// ---------------------------------------------------------------------------
// CoNLL

/// One CoNLL document: tokens with their line numbers and their tag columns
/// (the rest of the line, split when read), as slices of the input.
struct ConllDoc<'a> {
    tokens: Vec<(&'a str, usize, &'a str)>,
    /// Token indices after which a sentence ends.
    sentence_ends: Vec<usize>,
}

/// The project's texts that read, with their ids, in the project's order;
/// read on a disk pool.
fn project_texts(project: &Project) -> Vec<(&str, SourceText)> {
    let pool = crate::store::disk::pool();
    crate::store::disk::run_on(pool.as_ref(), || {
        project
            .docs()
            .par_iter()
            .filter_map(|doc| {
                let text = SourceText::from_bytes(fs::read(&doc.path).ok()?).ok()?;
                Some((doc.id.as_str(), text))
            })
            .collect()
    })
}

/// Reads the CoNLL file `input`, matching its documents onto `texts` (see
/// [`project_texts`]).
fn read_conll(
    texts: &[(&str, SourceText)],
    input: &Path,
    records: &mut Vec<Record>,
) -> Result<(), ImportError> {
    let content = read_to_string(input)?;
    let mut matcher = ConllMatcher {
        claimed: vec![false; texts.len()],
        texts,
        next: 0,
    };
    // Each document is matched as soon as it is read, so that only its own
    // tokens are held; `documents` counts those of this input before it.
    let mut documents = 0;
    let mut doc = ConllDoc {
        tokens: Vec::new(),
        sentence_ends: Vec::new(),
    };
    for (n, line) in content.lines().enumerate() {
        let mut fields = line.split_whitespace();
        let Some(token) = fields.next() else {
            if !doc.tokens.is_empty() && doc.sentence_ends.last() != Some(&(doc.tokens.len() - 1)) {
                doc.sentence_ends.push(doc.tokens.len() - 1);
            }
            continue;
        };
        if token == "-DOCSTART-" {
            if !doc.tokens.is_empty() {
                records.push(matcher.record(&doc, documents, input)?);
                documents += 1;
                doc.tokens.clear();
                doc.sentence_ends.clear();
            }
            continue;
        }
        if fields.next().is_none() {
            return Err(ImportError::Input {
                file: input.to_owned(),
                line: n + 1,
                message: "a token line has a token and at least one tag".into(),
            });
        }
        let tags_start = token.as_ptr() as usize - line.as_ptr() as usize + token.len();
        doc.tokens.push((token, n + 1, line[tags_start..].trim()));
    }
    if !doc.tokens.is_empty() {
        records.push(matcher.record(&doc, documents, input)?);
    }
    Ok(())
}

/// The project's texts that CoNLL documents are matched onto.
struct ConllMatcher<'a> {
    /// Each text's id and text.
    texts: &'a [(&'a str, SourceText)],
    /// Texts already matched by an earlier document.
    claimed: Vec<bool>,
    /// Where to look first: after the text the last document matched, since
    /// a CoNLL file lists its documents in the project's order.
    next: usize,
}

impl ConllMatcher<'_> {
    /// The record of document `d` (from 0) of `input`: its tokens matched
    /// onto a project text, or a text rebuilt from them if no text starts
    /// with their first tokens; its spans from its tag columns.
    fn record(&mut self, doc: &ConllDoc, d: usize, input: &Path) -> Result<Record, ImportError> {
        let mut is_end = vec![false; doc.tokens.len()];
        for &end in &doc.sentence_ends {
            is_end[end] = true;
        }
        let (id, text, offsets) = match match_tokens(doc, self.texts, self.next, &self.claimed) {
            Ok((t, offsets)) => {
                self.claimed[t] = true;
                self.next = t + 1;
                (self.texts[t].0.to_owned(), None, offsets)
            }
            Err(Some((line, token))) => {
                return Err(ImportError::Input {
                    file: input.to_owned(),
                    line,
                    message: format!(
                        "the token {token:?} cannot be found at its place in the project's text"
                    ),
                });
            }
            Err(None) => {
                // No text starts with these tokens: rebuild one, a sentence a line.
                let mut text = String::new();
                let mut offsets = Vec::new();
                let mut position = 0;
                for (i, (token, _, _)) in doc.tokens.iter().enumerate() {
                    offsets.push((position, position + token.chars().count()));
                    text.push_str(token);
                    position += token.chars().count();
                    let separator = if is_end[i] { "\n" } else { " " };
                    text.push_str(separator);
                    position += 1;
                }
                (
                    stem_id(input, &format!("-doc{}", d + 1)),
                    Some(text),
                    offsets,
                )
            }
        };
        let mut spans = Vec::new();
        let columns = doc
            .tokens
            .iter()
            .map(|t| t.2.split_whitespace().count())
            .max()
            .unwrap_or(0);
        for column in 0..columns {
            let mut open: Option<(usize, String, usize)> = None;
            let close = |open: &mut Option<(usize, String, usize)>,
                         end: usize,
                         spans: &mut Vec<NewSpan>| {
                if let Some((start, label, line)) = open.take() {
                    spans.push(NewSpan::new(start, end, label, line));
                }
            };
            for (i, (_, line, tags)) in doc.tokens.iter().enumerate() {
                let tag = tags.split_whitespace().nth(column).unwrap_or("O");
                let (prefix, label) = tag.split_once('-').unwrap_or((tag, ""));
                let previous_end = if i == 0 { 0 } else { offsets[i - 1].1 };
                match prefix {
                    "B" => {
                        close(&mut open, previous_end, &mut spans);
                        open = Some((offsets[i].0, label.to_owned(), *line));
                    }
                    "I" if open.as_ref().is_some_and(|(_, l, _)| l == label) => {}
                    "I" => {
                        return Err(ImportError::Input {
                            file: input.to_owned(),
                            line: *line,
                            message: format!(
                                "{tag} follows no B-{label} or I-{label} (IOB2 starts each entity with B-)"
                            ),
                        });
                    }
                    "O" => close(&mut open, previous_end, &mut spans),
                    _ => {
                        return Err(ImportError::Input {
                            file: input.to_owned(),
                            line: *line,
                            message: format!("{tag:?} is not an IOB2 tag"),
                        });
                    }
                }
                if is_end[i] {
                    close(&mut open, offsets[i].1, &mut spans);
                }
            }
            close(&mut open, offsets.last().map_or(0, |o| o.1), &mut spans);
        }
        let line = doc.tokens[0].1;
        Ok(Record {
            id,
            file: input.to_owned(),
            line,
            text,
            annotator: None,
            spans,
            relations: Vec::new(),
            relation_keys: Vec::new(),
            offsets: Counted::CodePoints,
        })
    }
}

/// Each token's code-point range in the text it was matched onto.
type TokenOffsets = Vec<(usize, usize)>;

/// Finds the project text whose tokens, in order with only whitespace between,
/// are the document's tokens: its place in `texts` and the tokens' offsets.
/// Texts are tried from `first` on, those in `claimed` last, so that
/// documents with the same text go to the project's texts in order.
/// `Err(Some(line, token))` names the first token that does not fit in the
/// text whose start matched; `Err(None)` when no text starts with the
/// document's first tokens.
fn match_tokens(
    doc: &ConllDoc,
    texts: &[(&str, SourceText)],
    first: usize,
    claimed: &[bool],
) -> Result<(usize, TokenOffsets), Option<(usize, String)>> {
    let mut best_failure: Option<(usize, usize, String)> = None;
    // Texts no earlier document matched, from `first` on and round; then the
    // others, so that a document given twice is still found (and refused).
    let first = first.min(texts.len());
    let round = (first..texts.len()).chain(0..first);
    let order = round
        .clone()
        .filter(|&t| !claimed[t])
        .chain(round.filter(|&t| claimed[t]));
    for t in order {
        let (id, text) = &texts[t];
        let text = text.as_str();
        // Where the next token may start: a byte of the text and its code point.
        let (mut byte, mut position) = (0, 0);
        let mut offsets = Vec::with_capacity(doc.tokens.len());
        let mut failed_at = None;
        for (i, (token, line, _)) in doc.tokens.iter().enumerate() {
            for c in text[byte..].chars().take_while(|c| c.is_whitespace()) {
                byte += c.len_utf8();
                position += 1;
            }
            // UTF-8 text starts with a token's bytes exactly where it starts
            // with the token's characters.
            if text.as_bytes()[byte..].starts_with(token.as_bytes()) {
                let len = token.chars().count();
                offsets.push((position, position + len));
                byte += token.len();
                position += len;
            } else {
                failed_at = Some((i, *line, (*token).to_owned()));
                break;
            }
        }
        // The tokens must use up the text: a document that is only the
        // beginning of a text is not that text.
        if failed_at.is_none() && text[byte..].chars().any(|c| !c.is_whitespace()) {
            let (last, line, _) = &doc.tokens[doc.tokens.len() - 1];
            failed_at = Some((
                doc.tokens.len(),
                *line,
                format!("{last} (the text {id} goes on after it)"),
            ));
        }
        match failed_at {
            None => return Ok((t, offsets)),
            Some((i, line, token)) if i >= 3.min(doc.tokens.len()) => {
                if best_failure.as_ref().is_none_or(|(best, _, _)| i > *best) {
                    best_failure = Some((i, line, token));
                }
            }
            Some(_) => {}
        }
    }
    Err(best_failure.map(|(_, line, token)| (line, token)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Values a doccano field may hold, the expected and the odd.
    fn any_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<u64>().prop_map(Value::from),
            (-5i64..0).prop_map(Value::from),
            Just(Value::from(2.5)),
            Just(Value::from(3.0)),
            "[a-z “”🙂\r\n\\\"]{0,8}".prop_map(Value::from),
            Just(serde_json::json!({"x": 1})),
        ]
    }

    fn any_label() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => (0u64..40, 0u64..40, "[a-z]{1,6}")
                .prop_map(|(start, end, label)| serde_json::json!([start, end, label])),
            1 => proptest::collection::vec(any_value(), 0..4).prop_map(Value::from),
            1 => any_value(),
        ]
    }

    prop_compose! {
        fn any_line()(
            id in proptest::option::of(any_value()),
            text in proptest::option::of(prop_oneof![
                "[a-z “”‘’—🙂\u{301}\r\n\t\\\"]{0,20}".prop_map(Value::from),
                any_value(),
            ]),
            label in proptest::option::of(prop_oneof![
                3 => proptest::collection::vec(any_label(), 0..5).prop_map(Value::from),
                1 => any_value(),
            ]),
            other in proptest::option::of(prop_oneof![
                Just(("annotator", Value::from("budi"))),
                Just(("meta", serde_json::json!({"a": 1}))),
                Just(("entities", serde_json::json!([]))),
            ]),
            as_list in proptest::bool::weighted(0.1),
        ) -> String {
            // The same values as a list: serde reads a struct from a list too.
            if as_list {
                let values = [id, text, label].into_iter().flatten().collect();
                return Value::Array(values).to_string();
            }
            let mut line = serde_json::Map::new();
            for (key, value) in [("id", id), ("text", text), ("label", label)] {
                if let Some(value) = value {
                    line.insert(key.into(), value);
                }
            }
            if let Some((key, value)) = other {
                line.insert(key.into(), value);
            }
            Value::Object(line).to_string()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// A line read straight gives what the tree gives: the same record,
        /// losses and errors.
        #[test]
        fn plain_doccano_lines_read_as_trees_do(line in any_line()) {
            let input = Path::new("in.jsonl");
            prop_assert_eq!(
                format!("{:?}", read_doccano_line(input, 3, &line)),
                format!("{:?}", read_doccano_tree(input, 3, &line)),
                "{}", line
            );
        }
    }

    /// Mostly what `valid` gives, now and then an odd value.
    fn or_odd(valid: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
        // Null apart: where null and absent differ is where the ways may part.
        prop_oneof![12 => valid, 1 => Just(Value::Null), 1 => any_value()].boxed()
    }

    /// An object of some of `fields` (name and the values it may take), or
    /// now and then a list of the same values, or an odd value.
    fn any_object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
        let entries: Vec<_> = fields
            .into_iter()
            .map(|(name, value)| {
                proptest::option::weighted(0.8, value).prop_map(move |v| (name, v))
            })
            .collect();
        let object = entries.prop_map(|entries| {
            let entries = entries.into_iter().filter_map(|(name, v)| Some((name, v?)));
            Value::Object(entries.map(|(name, v)| (name.to_owned(), v)).collect())
        });
        prop_oneof![
            24 => object.clone(),
            1 => object.prop_map(|o| Value::Array(o.as_object().unwrap().values().cloned().collect())),
            1 => any_value(),
        ]
        .boxed()
    }

    /// A list of what `item` gives, or now and then an odd value.
    fn any_list(item: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
        or_odd(proptest::collection::vec(item, 0..4).prop_map(Value::from))
    }

    fn texts() -> BoxedStrategy<Value> {
        any_list(or_odd("[a-z“ ]{0,6}".prop_map(Value::from)))
    }

    fn any_task() -> impl Strategy<Value = Value> {
        let number = || or_odd((0u64..40).prop_map(Value::from));
        let value = any_object(vec![
            ("start", number()),
            ("end", number()),
            ("labels", texts()),
            (
                "text",
                prop_oneof![Just(Value::from("Kim")), texts()].boxed(),
            ),
            ("choices", texts()),
        ]);
        let kinds = prop::sample::select(vec![
            "labels",
            "relation",
            "textarea",
            "choices",
            "rectangle",
        ]);
        let name =
            |names: Vec<&'static str>| or_odd(prop::sample::select(names).prop_map(Value::from));
        let region = any_object(vec![
            ("type", or_odd(kinds.prop_map(Value::from))),
            ("value", value),
            ("id", name(vec!["r1", "r2"])),
            ("from_id", name(vec!["r1", "r2"])),
            ("to_id", name(vec!["r1", "r2"])),
            ("from_name", name(vec!["value", "label", "actor_role"])),
            ("labels", texts()),
            ("meta", any_object(vec![("text", texts())])),
            ("origin", any_value().boxed()),
        ]);
        let annotation = any_object(vec![
            ("was_cancelled", or_odd(any::<bool>().prop_map(Value::from))),
            ("sorot_annotator", name(vec!["ayu", "budi"])),
            (
                "completed_by",
                prop_oneof![any_value(), Just(serde_json::json!({"email": "ayu@x.id"}))].boxed(),
            ),
            ("updated_at", name(vec!["2024-06-19", "2024-06-20"])),
            ("created_at", name(vec!["2024-06-18", "2024-06-21"])),
            ("result", any_list(region)),
            ("lead_time", any_value().boxed()),
        ]);
        let annotations = any_list(annotation);
        let data = any_object(vec![
            ("text", "[a-z“ ]{1,12}".prop_map(Value::from).boxed()),
            ("document", any_value().boxed()),
            ("other", any_value().boxed()),
        ]);
        any_object(vec![
            ("data", data),
            ("id", any_value().boxed()),
            ("annotations", annotations.clone()),
            ("completions", annotations),
            ("predictions", any_value().boxed()),
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// A Label Studio task read straight gives what its tree gives.
        #[test]
        fn label_studio_tasks_read_straight_as_trees_do(task in any_task()) {
            let json = task.to_string();
            if let Ok(Obj(raw)) = serde_json::from_str::<Obj<ls::RawTask>>(&json) {
                prop_assert_eq!(
                    format!("{:?}", ls::Task::from(raw)),
                    format!("{:?}", ls::Task::from_value(&task)),
                    "{}", json
                );
            }
        }
    }

    /// The property test above compares something: a good share of its
    /// tasks are read straight, with regions and relations among them.
    #[test]
    fn label_studio_tasks_made_for_the_test_are_often_read_straight() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut straight, mut with_regions, mut with_relations) = (0, 0, 0);
        for _ in 0..1000 {
            let task = any_task().new_tree(&mut runner).unwrap().current();
            let Ok(Obj(raw)) = serde_json::from_str::<Obj<ls::RawTask>>(&task.to_string()) else {
                continue;
            };
            let task = ls::Task::from(raw);
            let regions = task.annotations.iter().flat_map(|a| &a.result);
            straight += 1;
            with_regions += usize::from(regions.clone().next().is_some());
            with_relations += usize::from(regions.clone().any(|r| r.kind == "relation"));
        }
        assert!(
            straight > 200 && with_regions > 50 && with_relations > 10,
            "{straight} {with_regions} {with_relations}"
        );
    }

    #[test]
    fn label_studio_tasks_of_the_usual_shape_are_read_straight() {
        let json = r#"{"id": 7, "data": {"text": "Kim tiba"}, "annotations": [{"id": 1, "completed_by": 2,
            "result": [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["actor"]}}],
            "was_cancelled": false, "ground_truth": false, "created_at": "2024-06-19T10:00:00Z",
            "updated_at": "2024-06-19T10:00:00Z", "lead_time": 3.5, "task": 7}], "predictions": []}"#;
        let Ok(Obj(raw)) = serde_json::from_str::<Obj<ls::RawTask>>(json) else {
            panic!("not read straight")
        };
        let task = ls::Task::from(raw);
        let value: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            format!("{task:?}"),
            format!("{:?}", ls::Task::from_value(&value))
        );
        assert_eq!(
            task.annotations[0].result[0].value.as_ref().unwrap().labels,
            Some(vec!["actor".to_owned()])
        );
        // A list where an object belongs is read as a tree.
        assert!(serde_json::from_str::<Obj<ls::RawTask>>(r#"[{"text": "Kim"}, 7]"#).is_err());
    }
}
