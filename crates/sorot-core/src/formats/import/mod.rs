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
//! that would land outside the project is an error naming the file and line.
//! Every error is found (each line of a JSONL file, each task, each document
//! on its own) and then nothing is written; or, with `skip_invalid`, what
//! has an error is left out and reported, and the rest is written. Texts the project lacks are added to its text
//! folder; an annotator's existing file for a document is kept unless `replace`.
//!
//! The rooms (private): one reader a format (`brat`, `doccano`,
//! `labelstudio`, `conll`) makes records (`record`); `check` checks them
//! against their texts and plans what to write; `write` writes the plan as
//! one batch.

mod brat;
mod check;
mod conll;
mod doccano;
mod labelstudio;
mod record;
mod write;

use std::path::PathBuf;

use crate::formats::export::{Loss, OffsetUnit};
use crate::model::text::TextError;
use crate::project::Project;
use crate::store;

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// brat standoff .ann files (with their .txt), or folders of them
    Brat,
    /// doccano JSONL: {"text", "label": [[start, end, label]]} or {"text", "entities", "relations"}
    Jsonl,
    /// Label Studio JSON export (tasks with annotations)
    Labelstudio,
    /// CoNLL: a token a line with its columns, the tags (IOB2 or IOB1) in the last column or in every one; tokens are matched onto the project's texts
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

/// How the tags of a CoNLL input mark where an entity starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagScheme {
    /// Every entity starts with `B-`; an `I-` that would open one is an error.
    Iob2,
    /// `I-` may open an entity, and `B-` starts one only right after another
    /// of the same label, as in the original CoNLL-2003.
    Iob1,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub format: ImportFormat,
    pub annotator: String,
    /// What the input's offsets count (doccano's UI: utf16).
    pub offsets: OffsetUnit,
    /// Whether the user said what the offsets count. When not, an input
    /// whose spans would fall differently counted in code points and in
    /// UTF-16 units (texts with emoji) is refused rather than guessed.
    pub offsets_given: bool,
    /// Overwrite an annotator's existing file for a document.
    pub replace: bool,
    /// Stop before writing if anything would be lost.
    pub strict: bool,
    /// Leave out what has an error (a document; a line, a task or a file
    /// that cannot be read), report it, and import the rest.
    pub skip_invalid: bool,
    /// Add to the schema in `sorot.ron` the labels, relation types and
    /// attributes imported that it lacks.
    pub add_to_schema: bool,
    /// Label Studio: which annotations of a task are imported, for whom.
    pub annotations: AnnotationsTaken,
    /// Label Studio: import the tasks' predictions, each model's under the
    /// annotator `model-<version>`; otherwise they are reported.
    pub predictions: bool,
    /// CoNLL: the one column to read the tags from, counting the token as
    /// column 1 (CoNLL-2003's named entities are column 4). When `None`,
    /// every column after the token is read as tags if all hold tags, and
    /// otherwise only the last; the columns not read are said in the report.
    pub tag_column: Option<usize>,
    /// CoNLL: the tag scheme. When `None`, an input in which an `I-` tag
    /// opens an entity is read as IOB1, and said; IOB2 inputs read the same
    /// either way.
    pub scheme: Option<TagScheme>,
    /// Counts documents written, for a progress bar in another thread.
    pub progress: Option<std::sync::Arc<crate::formats::export::Progress>>,
}

impl ImportOptions {
    /// Options to import `format` as `annotator`: offsets in code points,
    /// said; existing files kept; losses reported, not stopping the import;
    /// CoNLL's tag columns and scheme found from the input.
    pub fn new(format: ImportFormat, annotator: impl Into<String>) -> Self {
        ImportOptions {
            format,
            annotator: annotator.into(),
            offsets: OffsetUnit::CodePoint,
            offsets_given: true,
            replace: false,
            strict: false,
            skip_invalid: false,
            add_to_schema: false,
            annotations: AnnotationsTaken::Every,
            predictions: false,
            tag_column: None,
            scheme: None,
            progress: None,
        }
    }
}

/// Which annotations of a Label Studio task are imported, and for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnnotationsTaken {
    /// Every annotation not cancelled: each under the annotator who made it
    /// when an input's annotations come from more than one person or a task
    /// has several, all under the import's annotator otherwise.
    #[default]
    Every,
    /// Every annotation not cancelled, each under the annotator who made
    /// it, even when one person made them all.
    PerAnnotator,
    /// Each task's latest annotation, under the import's annotator; each of
    /// the others is reported.
    Latest,
}

/// Why an import did not run; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Something at a line of an input that its format does not allow.
    #[error("{}:{line}: {message}", file.display())]
    Input {
        file: PathBuf,
        line: usize,
        message: String,
    },
    /// An input that is not, as a whole, what its format holds.
    #[error("{}: {message}", file.display())]
    File { file: PathBuf, message: String },
    /// JSON that the parser refuses, or that a JSON tree cannot hold (a
    /// number out of range, an escape that names no character); `line`
    /// counts lines of the whole input.
    #[error("{}:{line}: malformed JSON", file.display())]
    Json {
        file: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
    /// A document id that cannot name a text the project would list: it
    /// leaves the project, is hidden, or lands in the annotations folder or
    /// a version-control folder.
    #[error("{}:{line}: document id {id:?} {problem}; refused", file.display())]
    UnsafeId {
        file: PathBuf,
        line: usize,
        id: String,
        problem: crate::project::IdProblem,
    },
    /// Spans that fall differently counted in code points and in UTF-16
    /// units, with no `--offsets` said: the documents, and how many more.
    #[error(
        "{}: in {}{}, characters outside the Basic Multilingual Plane (emoji and the like) come before some spans' offsets, so the spans fall differently counted in code points and in UTF-16 units; say what the offsets count: --offsets utf16 (doccano's browser UI) or --offsets codepoint (Python, spaCy); in the workbench, choose Offsets in File > Import…",
        file.display(),
        documents.join(", "),
        if *more > 0 { format!(" and {more} more documents") } else { String::new() }
    )]
    AmbiguousOffsets {
        file: PathBuf,
        documents: Vec<String>,
        more: usize,
    },
    /// A document given twice for one annotator; `first_file` and
    /// `first_line` say where it was given first.
    #[error(
        "{}:{line}: document {id} appears twice (also at {}:{first_line})",
        file.display(),
        first_file.display()
    )]
    Twice {
        file: PathBuf,
        line: usize,
        id: String,
        first_file: PathBuf,
        first_line: usize,
    },
    /// Two records bring different texts for a document the project lacks;
    /// `first_file` and `first_line` say where the first text is.
    #[error(
        "{}:{line}: the text of {id} differs from the one at {}:{first_line}; a document has one text",
        file.display(),
        first_file.display()
    )]
    TextsDiffer {
        file: PathBuf,
        line: usize,
        id: String,
        first_file: PathBuf,
        first_line: usize,
    },
    /// A record brings a text that differs from the project's text
    /// `text_file` of the same document.
    #[error(
        "{}:{line}: the text of {id} differs from the project's {}; import into another project or fix the text",
        file.display(),
        text_file.display()
    )]
    DiffersFromProject {
        file: PathBuf,
        line: usize,
        id: String,
        text_file: PathBuf,
    },
    /// A record brings no text, and the project has none for its document.
    #[error("{}:{line}: the project has no text {id} and the input does not carry it", file.display())]
    NoText {
        file: PathBuf,
        line: usize,
        id: String,
    },
    /// The text a record brings cannot be a text (it is empty, say).
    #[error("{}:{line}", file.display())]
    Text {
        file: PathBuf,
        line: usize,
        #[source]
        source: TextError,
    },
    /// A text of the project cannot be read as a text.
    #[error("{}", file.display())]
    ProjectText {
        file: PathBuf,
        #[source]
        source: TextError,
    },
    /// A span whose offsets, counted in `unit` (or, when none, in code points
    /// as the format counts them), fall inside a character or past the end
    /// of the text.
    #[error(
        "{}:{line}: {label} [{start}, {end}) does not fall on character boundaries in {} units, or lies past the end of the text{}",
        file.display(),
        unit.map_or("code-point", OffsetUnit::name),
        if unit.is_some() { "; check --offsets" } else { "" }
    )]
    OffBoundary {
        file: PathBuf,
        line: usize,
        label: String,
        start: usize,
        end: usize,
        unit: Option<OffsetUnit>,
    },
    /// A span whose end is not after its start, as the input gives it.
    #[error(
        "{}:{line}: {label} [{start}, {end}) is {}; a span is [start, end) with its start before its end",
        file.display(),
        if start == end { "empty" } else { "reversed: its end is before its start" }
    )]
    EmptyOrReversed {
        file: PathBuf,
        line: usize,
        label: String,
        start: usize,
        end: usize,
    },
    /// A span, in code points, that goes past the end of the text of
    /// document `id`, which has `len` characters.
    #[error(
        "{}:{line}: {label} [{start}, {end}) lies outside the text of {id}, which has {len} characters",
        file.display()
    )]
    OutsideText {
        file: PathBuf,
        line: usize,
        label: String,
        start: usize,
        end: usize,
        id: String,
        len: usize,
    },
    /// A file or folder that cannot be read.
    #[error("{}: cannot read", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Storage(#[from] store::StorageError),
    /// The project's texts could not be listed again after an import cut
    /// short was finished.
    #[error(transparent)]
    Project(#[from] crate::project::ProjectError),
    /// Errors in more than one place of the inputs: up to
    /// [`LISTED_ERRORS`] of them in input order, and how many there are.
    #[error(
        "{count} errors in the inputs, listed below; fix them and import again, or import with --skip-invalid to leave out what has an error and import the rest{}{}",
        listed_errors(errors),
        if *count > errors.len() { format!("\n(and {} more errors)", count - errors.len()) } else { String::new() }
    )]
    Invalid {
        errors: Vec<ImportError>,
        count: usize,
    },
    /// A file the import was to make appeared while it ran (another program
    /// wrote it): nothing was written.
    #[error(
        "{}: this file appeared while the import ran, written by another program; nothing was imported, run the import again",
        path.display()
    )]
    Appeared { path: PathBuf },
}

/// Up to how many errors an import that stops lists.
pub const LISTED_ERRORS: usize = 50;

/// Errors one a line, each with its causes.
fn listed_errors(errors: &[ImportError]) -> String {
    errors
        .iter()
        .map(|error| format!("\n{}", crate::error_chain(error)))
        .collect()
}

impl ImportError {
    /// The place in the inputs an error names, as its message begins with
    /// it: the file, with the line where there is one.
    fn place(&self) -> Option<String> {
        let (file, line) = self.position()?;
        Some(match line {
            Some(line) => format!("{}:{line}", file.display()),
            None => file.display().to_string(),
        })
    }

    /// The file an error names, and its line where it names one.
    fn position(&self) -> Option<(&std::path::Path, Option<usize>)> {
        use ImportError::*;
        fn at(file: &std::path::Path, line: usize) -> (&std::path::Path, Option<usize>) {
            (file, Some(line))
        }
        Some(match self {
            Input { file, line, .. }
            | Json { file, line, .. }
            | UnsafeId { file, line, .. }
            | Twice { file, line, .. }
            | TextsDiffer { file, line, .. }
            | DiffersFromProject { file, line, .. }
            | NoText { file, line, .. }
            | Text { file, line, .. }
            | OffBoundary { file, line, .. }
            | EmptyOrReversed { file, line, .. }
            | OutsideText { file, line, .. } => at(file, *line),
            File { file, .. } | AmbiguousOffsets { file, .. } | ProjectText { file, .. } => {
                (file.as_path(), None)
            }
            Read { path, .. } | Appeared { path } => (path.as_path(), None),
            Storage(_) | Project(_) | Invalid { .. } => return None,
        })
    }

    /// The error as a loss of an import that leaves out what has an error.
    fn into_loss(self) -> Loss {
        let message = crate::error_chain(&self);
        let (file, reason) = match self.place() {
            Some(place) => {
                let reason = message
                    .strip_prefix(&place)
                    .and_then(|rest| rest.strip_prefix(": "))
                    .unwrap_or(&message)
                    .to_owned();
                (place, reason)
            }
            None => (String::new(), message),
        };
        Loss {
            file,
            span: None,
            reason: format!("{reason}; left out (--skip-invalid)"),
        }
    }
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub documents: usize,
    pub spans: usize,
    pub texts_added: Vec<String>,
    pub files_written: Vec<PathBuf>,
    /// What could not be imported: at most [`LISTED_PER_KIND`](super::LISTED_PER_KIND)
    /// of each kind in each file, then one line counting the rest.
    pub losses: Vec<Loss>,
    /// How many things could not be imported, listed or not.
    pub lost: usize,
    /// What was read other than as written, and said (a byte order mark
    /// skipped); not a loss.
    pub notes: Vec<String>,
    /// Labels, relation types and attributes imported that the project's
    /// schema does not list, and uses it does not allow.
    pub schema_lacks: crate::model::lacks::SchemaLacks,
    /// With `add_to_schema`, what was added to the schema in `sorot.ron`,
    /// or why nothing could be (the import itself is written).
    pub schema_added: Option<Result<crate::project::SchemaAdded, crate::project::SchemaEditError>>,
    /// With `strict`, whether losses stopped the import before anything was written.
    pub stopped: bool,
    /// An earlier import that was cut short (its process killed) and that
    /// this one finished before it began.
    pub finished_cut: Option<store::journal::Finished>,
}

/// Imports `inputs` into the project.
pub fn import(
    project: &Project,
    options: &ImportOptions,
    inputs: &[PathBuf],
) -> Result<ImportReport, ImportError> {
    // An import cut short is finished first: this one plans on a whole
    // project.
    let finished_cut = store::journal::finish(&project.annotation_dir())?;
    // Its texts are the project's now.
    let rescanned;
    let project = match finished_cut {
        Some(_) => {
            let mut listed = project.clone();
            listed.rescan()?;
            rescanned = listed;
            &rescanned
        }
        None => project,
    };
    let mut reading = record::Reading::default();
    // CoNLL documents are matched onto the project's texts, read once.
    let texts = match options.format {
        ImportFormat::Conll => conll::project_texts(project),
        _ => Vec::new(),
    };
    if options.format == ImportFormat::Brat
        && let Err(error) = brat::read_inputs(inputs, &mut reading)
    {
        reading.errors.push(error);
    }
    for input in inputs {
        // An input that cannot be read is an error of its own; the others
        // are read on, so that every error is found.
        let mut part = record::Reading::default();
        let read = match options.format {
            ImportFormat::Brat => continue,
            ImportFormat::Jsonl => doccano::read_input(input, &mut part),
            ImportFormat::Labelstudio => {
                labelstudio::read_input(input, options, project.schema(), &mut part)
            }
            ImportFormat::Conll => conll::read_input(&texts, input, options, &mut part),
        };
        match read {
            Ok(()) => reading.append(part),
            Err(error) => reading.errors.push(error),
        }
    }
    // Every record is checked against its text before anything is written.
    let check::Plan {
        mut documents,
        duplicates,
        unlisted,
        notes,
        errors: unchecked,
    } = check::plan(project, options, reading.records)?;
    let mut errors = reading.errors;
    errors.extend(unchecked);
    // In input order: by the input each is in, then by file and line.
    errors.sort_by_cached_key(|error| {
        let (file, line) = error
            .position()
            .map_or((None, None), |(file, line)| (Some(file.to_owned()), line));
        let input = file
            .as_ref()
            .and_then(|file| inputs.iter().position(|input| file.starts_with(input)));
        (input.unwrap_or(usize::MAX), file, line)
    });
    let mut report = ImportReport {
        losses: reading.losses,
        notes: reading.notes,
        finished_cut,
        ..ImportReport::default()
    };
    if options.skip_invalid {
        report
            .losses
            .extend(errors.into_iter().map(ImportError::into_loss));
    } else if errors.len() == 1 {
        return Err(errors.remove(0));
    } else if !errors.is_empty() {
        let count = errors.len();
        errors.truncate(LISTED_ERRORS);
        return Err(ImportError::Invalid { errors, count });
    }
    report.losses.extend(duplicates);
    report.notes.extend(notes);
    // Existing files are kept unless asked.
    documents.retain(|planned| {
        let path = project.annotation_path(&planned.annotator, &planned.record.id);
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
    report.lost = super::summarise(&mut report.losses) + unlisted;
    if options.strict && !report.losses.is_empty() {
        report.stopped = true;
        return Ok(report);
    }
    // A text the project lacks is written once, with the first of its records
    // that is still imported.
    let mut adding = std::collections::BTreeSet::new();
    for planned in &mut documents {
        planned.adds_text =
            project.doc(&planned.record.id).is_none() && adding.insert(planned.record.id.clone());
    }
    write::write(project, options, &documents, &mut report)?;
    if options.add_to_schema && report.schema_lacks.can_add() {
        report.schema_added = Some(crate::project::add_to_schema(
            project.root(),
            &report.schema_lacks,
        ));
    }
    Ok(report)
}
