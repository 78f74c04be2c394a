//! Exports of annotations to the formats other tools read.
//!
//! Terms:
//! - **export**: the annotations of every document of a project, by one
//!   annotator or by all, written in a target format one document at a time,
//!   so memory stays flat however large the project.
//! - **offset unit**: what an exported offset counts. Sorot counts code points;
//!   `utf16` (doccano's and Label Studio's browser UIs) and `byte` (UTF-8) are
//!   available for formats that carry offsets.
//! - **layer**: a group of labels written to one tag column (CoNLL) or tag list
//!   (Hugging Face). One column cannot hold a claim that contains an actor, so
//!   such labels go in different layers.
//! - **loss**: something the export could not carry: a span that overlaps
//!   another in its layer, a span edge inside a token, an annotation file that
//!   cannot be trusted. Every loss is reported with its file, span and reason.
//! - **sidecar**: a file a stream format wants beside its output (Label
//!   Studio's labeling config, Hugging Face tag names).
//!
//! Formats, each in its own module: `jsonl` and `jsonl-relations` (doccano),
//! `spacy`, `conll`, `hf` (Hugging Face datasets; both token-tagged formats
//! share the tagging of `tagged`), `brat` (a folder), `labelstudio`, `csv`.
//! The run shared by all of them (documents read and rendered in batches,
//! written in order) is `pipeline`; the output file is written behind it by
//! `write_behind`.

mod brat;
mod conll;
mod csv;
mod destination;
mod doccano;
mod hf;
mod labelstudio;
mod pipeline;
mod spacy;
mod tagged;
mod write_behind;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::{Loss, Offsets, Progress};
pub use crate::model::text::OffsetUnit;
pub use pipeline::Item;

use crate::model::schema::Schema;
use crate::project::Project;
use destination::Destination;
use pipeline::Plan;

/// A target format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// doccano JSONL: {"id", "text", "label": [[start, end, label]]}
    Jsonl,
    /// doccano relation JSONL: {"id", "text", "entities": [...], "relations": [...]}
    JsonlRelations,
    /// spaCy JSONL: {"text", "spans": [{"start", "end", "label"}], "meta"}
    Spacy,
    /// CoNLL-2003 style: token and IOB2 tag columns, -DOCSTART- -X- O O before each document
    Conll,
    /// Hugging Face datasets JSONL: {"id", "tokens", "ner_tags"}, tag names beside it
    Hf,
    /// brat standoff: a folder of .txt and .ann files with annotation.conf
    Brat,
    /// Label Studio JSON tasks with annotations, labeling config beside it
    Labelstudio,
    /// One row per span, for spreadsheets and statistics
    Csv,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 8] = [
        Format::Jsonl,
        Format::JsonlRelations,
        Format::Spacy,
        Format::Conll,
        Format::Hf,
        Format::Brat,
        Format::Labelstudio,
        Format::Csv,
    ];

    /// Whether the format writes a folder rather than one stream.
    pub fn writes_folder(self) -> bool {
        self == Format::Brat
    }

    /// Whether the format has a place for relations between spans.
    pub fn carries_relations(self) -> bool {
        matches!(
            self,
            Format::Brat | Format::Labelstudio | Format::JsonlRelations
        )
    }

    /// Whether the format has a place for a span's note, value and attributes.
    pub fn carries_details(self) -> bool {
        !matches!(self, Format::Conll | Format::Hf)
    }

    /// The name endings of the files the format writes beside its output
    /// (`<output stem><suffix>`).
    pub fn sidecar_suffixes(self) -> &'static [&'static str] {
        match self {
            Format::Hf => &[HF_TAGS],
            Format::Labelstudio => &[LABEL_STUDIO_CONFIG],
            _ => &[],
        }
    }

    /// Whether the format carries character offsets.
    pub fn has_offsets(self) -> bool {
        !matches!(self, Format::Conll | Format::Hf)
    }
}

/// Hugging Face rows: one per sentence or one per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HfUnit {
    #[default]
    Sentence,
    Document,
}

/// How to export.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// Whose annotations, in order; several for `--all-annotators`.
    pub annotators: Vec<String>,
    /// Whether the output names the annotator of each record.
    pub name_annotators: bool,
    pub offsets: OffsetUnit,
    /// Labels to export; all of the schema's when empty.
    pub labels: Vec<String>,
    /// Tag columns for CoNLL and Hugging Face; one column of `labels` when empty.
    pub layers: Vec<Vec<String>>,
    pub hf_unit: HfUnit,
    /// Leave out documents the annotator has no annotation file for.
    pub annotated_only: bool,
    /// Only documents with this status (in the gold set, `Done` is
    /// reviewed); all when `None`.
    pub status: Option<crate::model::Status>,
    /// Counts documents done, for a progress bar in another thread.
    pub progress: Option<Arc<Progress>>,
}

impl Options {
    pub fn new(format: Format, annotator: &str) -> Self {
        Options {
            format,
            annotators: vec![annotator.to_owned()],
            name_annotators: false,
            offsets: OffsetUnit::CodePoint,
            labels: Vec::new(),
            layers: Vec::new(),
            hf_unit: HfUnit::Sentence,
            annotated_only: false,
            status: None,
            progress: None,
        }
    }

    /// The labels exported, in schema order.
    fn chosen_labels(&self, schema: &Schema) -> Vec<String> {
        let from_layers: Vec<String> = self.layers.iter().flatten().cloned().collect();
        let wanted = if !from_layers.is_empty() {
            from_layers
        } else {
            self.labels.clone()
        };
        if wanted.is_empty() {
            return schema.labels.iter().map(|l| l.name.clone()).collect();
        }
        let mut ordered: Vec<String> = schema
            .labels
            .iter()
            .map(|l| l.name.clone())
            .filter(|n| wanted.contains(n))
            .collect();
        ordered.extend(wanted.into_iter().filter(|n| !schema.contains(n)));
        ordered.dedup();
        ordered
    }

    /// The tag columns: the layers given, or one column of the chosen labels.
    fn columns(&self, schema: &Schema) -> Vec<Vec<String>> {
        if self.layers.is_empty() {
            vec![self.chosen_labels(schema)]
        } else {
            self.layers.clone()
        }
    }
}

/// What an export wrote and what it could not.
#[derive(Debug, Default)]
pub struct Report {
    pub documents: usize,
    pub spans: usize,
    /// What could not be exported: at most [`LISTED_PER_KIND`](super::LISTED_PER_KIND)
    /// of each kind in each file, then one line counting the rest.
    pub losses: Vec<Loss>,
    /// How many things could not be exported, listed or not.
    pub lost: usize,
}

/// Why an export could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("label {0:?} is in more than one layer; give each label one layer")]
    LabelInTwoLayers(String),
    #[error("{} cannot be written to standard output; give a folder with -o", .0)]
    NeedsFolder(&'static str),
    /// A folder given as the output of a format that writes one stream.
    #[error("{}: only brat writes a folder", path.display())]
    NotAFolderFormat { path: PathBuf },
    /// A file or folder of the output that could not be made or written.
    #[error("{}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    Write(#[from] io::Error),
    #[error(transparent)]
    Csv(#[from] ::csv::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Storage(#[from] crate::store::StorageError),
    /// The output would land in the project's annotations folder, which
    /// holds Sorot's own files only.
    #[error(
        "{}: this is inside the project's annotations folder {}; choose an output outside it",
        path.display(),
        annotations.display()
    )]
    IntoAnnotations { path: PathBuf, annotations: PathBuf },
    /// A `.txt` output in the project's text folder, which would become a
    /// text of the project.
    #[error(
        "{}: a .txt here, in the project's text folder {}, would become a text of the project; choose another name or folder",
        path.display(),
        texts.display()
    )]
    NewText { path: PathBuf, texts: PathBuf },
    /// The output would replace one of the project's texts.
    #[error("{}: this is the project's text {id}; choose another output", path.display())]
    OverText { path: PathBuf, id: String },
    /// brat's folder would put its copies of the texts among the project's
    /// texts.
    #[error(
        "{}: this is inside the project's text folder {}, where brat's copies of the texts would become texts of the project; choose a folder outside it",
        path.display(),
        texts.display()
    )]
    FolderAmongTexts { path: PathBuf, texts: PathBuf },
}

impl ExportError {
    /// Whether the message names the file it is about; the others are about
    /// the export's destination, for the caller to name.
    pub fn names_its_file(&self) -> bool {
        matches!(
            self,
            ExportError::NotAFolderFormat { .. }
                | ExportError::Io { .. }
                | ExportError::Storage(_)
                | ExportError::IntoAnnotations { .. }
                | ExportError::OverText { .. }
                | ExportError::NewText { .. }
                | ExportError::FolderAmongTexts { .. }
        )
    }
}

/// Where a folder format writes, and the stream of a stream format.
pub enum Output<'a> {
    Stream(&'a mut dyn Write),
    Folder(&'a Path),
}

/// The ending of the Hugging Face tag names' file beside the rows.
const HF_TAGS: &str = ".tags.json";
/// The ending of the Label Studio labeling config's file beside the tasks.
const LABEL_STUDIO_CONFIG: &str = ".config.xml";

/// Files written beside a stream output: (file name suffix, content).
pub type Sidecar = (&'static str, String);

/// Exports the project. Stream formats write to `Output::Stream`, brat to
/// `Output::Folder`. Returns the report and the sidecar files the format
/// wants beside its output (Label Studio's labeling config, Hugging Face tag
/// names), which the caller writes where it writes the output.
pub fn export(
    project: &Project,
    options: &Options,
    output: Output<'_>,
) -> Result<(Report, Vec<Sidecar>), ExportError> {
    let schema = project.schema();
    let labels = options.chosen_labels(schema);
    let columns = options.columns(schema);
    for (i, column) in columns.iter().enumerate() {
        for label in column {
            if columns[..i].iter().any(|c| c.contains(label)) {
                return Err(ExportError::LabelInTwoLayers(label.clone()));
            }
        }
    }
    let plan = Plan {
        project,
        options,
        // Without an explicit choice every label is wanted: spans whose label
        // the schema lacks are reported rather than left out silently.
        all_wanted: options.labels.is_empty() && options.layers.is_empty(),
        labels: &labels,
    };
    let exported = match (options.format, output) {
        (Format::Brat, Output::Folder(folder)) => plan.run(
            brat::Brat::new(folder, options, schema, &labels),
            &mut io::sink(),
        ),
        (Format::Brat, Output::Stream(_)) => Err(ExportError::NeedsFolder("brat")),
        (_, Output::Folder(folder)) => Err(ExportError::NotAFolderFormat {
            path: folder.to_owned(),
        }),
        (Format::Jsonl | Format::JsonlRelations, Output::Stream(out)) => {
            plan.run(doccano::Doccano::new(options), out)
        }
        (Format::Spacy, Output::Stream(out)) => plan.run(spacy::Spacy::new(options), out),
        (Format::Conll, Output::Stream(out)) => plan.run(conll::Conll::new(columns), out),
        (Format::Hf, Output::Stream(out)) => plan.run(hf::Hf::new(options, columns), out),
        (Format::Labelstudio, Output::Stream(out)) => {
            plan.run(labelstudio::LabelStudio::new(options, schema, &labels), out)
        }
        (Format::Csv, Output::Stream(out)) => plan.run(csv::CsvRows::new(options), out),
    };
    exported.map(|(mut report, sidecars)| {
        report.lost = super::summarise(&mut report.losses);
        (report, sidecars)
    })
}

/// What [`export_to`] did.
#[derive(Debug, Default)]
pub struct Written {
    pub report: Report,
    /// The files and folders written.
    pub paths: Vec<PathBuf>,
    /// With `strict`, whether losses stopped the export before anything was written.
    pub stopped: bool,
    /// The sidecars not written because the output is standard output or a
    /// special file (a pipe, a device), for the caller to show.
    pub unwritten: Vec<Sidecar>,
}

/// Exports to `destination`: a file for stream formats (written atomically,
/// with any sidecar beside it as `<stem><suffix>`), a folder for brat, or `-`
/// for standard output. A pipe or a device is written into directly, never
/// replaced; a symbolic link stays a link and the file it points to gets the
/// export. Sidecars of standard output or of a special file are returned in
/// [`Written::unwritten`]. An output in the project's annotations folder or
/// over one of its texts (brat: in its text folder) is refused before
/// anything is written. With `strict`, a first pass looks for losses and
/// nothing is written if there are any.
pub fn export_to(
    project: &Project,
    options: &Options,
    destination: &Path,
    strict: bool,
) -> Result<Written, ExportError> {
    let target = destination::check(project, destination, options.format.writes_folder())?;
    if strict {
        let (report, _) = if options.format.writes_folder() {
            let scratch = tempfile::tempdir().map_err(|source| ExportError::Io {
                path: std::env::temp_dir(),
                source,
            })?;
            export(project, options, Output::Folder(scratch.path()))?
        } else {
            export(project, options, Output::Stream(&mut io::sink()))?
        };
        if !report.losses.is_empty() {
            return Ok(Written {
                report,
                stopped: true,
                ..Written::default()
            });
        }
    }
    // The files beside a regular output: as named, and as checked.
    let mut beside = Vec::new();
    let stream_to = |out: &mut std::fs::File| {
        let (exported, written) =
            write_behind::write_behind(out, |out| export(project, options, Output::Stream(out)));
        (exported, written)
    };
    let (report, sidecars) = match &target {
        Destination::Folder(folder) => {
            std::fs::create_dir_all(folder).map_err(|source| ExportError::Io {
                path: destination.to_owned(),
                source,
            })?;
            let (report, _) = export(project, options, Output::Folder(folder))?;
            return Ok(Written {
                report,
                paths: vec![destination.to_owned()],
                ..Written::default()
            });
        }
        Destination::Stdout => {
            let mut stdout = io::BufWriter::new(io::stdout().lock());
            let (report, sidecars) = export(project, options, Output::Stream(&mut stdout))?;
            stdout.flush()?;
            return Ok(Written {
                report,
                unwritten: sidecars,
                ..Written::default()
            });
        }
        // A pipe or a device is written into as it is; its sidecars have no
        // place beside it.
        Destination::Special(path) => {
            let mut file =
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|source| ExportError::Io {
                        path: destination.to_owned(),
                        source,
                    })?;
            let (exported, written) = stream_to(&mut file);
            written.map_err(|source| ExportError::Io {
                path: destination.to_owned(),
                source,
            })?;
            let (report, sidecars) = exported?;
            return Ok(Written {
                report,
                paths: vec![destination.to_owned()],
                unwritten: sidecars,
                ..Written::default()
            });
        }
        Destination::File(path) => {
            for suffix in options.format.sidecar_suffixes() {
                let path = sidecar_path(destination, suffix);
                let checked = destination::check_beside(project, &path)?;
                beside.push((*suffix, path, checked));
            }
            let mut result = None;
            crate::store::write_output_with(path, |file| {
                let (exported, written) = stream_to(file);
                // A failed write shows in the export as a stopped writer:
                // name the write's own error instead.
                written?;
                result = Some(exported);
                match &result {
                    // The file is not kept; the export's own error is returned below.
                    Some(Err(_)) => Err(io::Error::other("the export stopped")),
                    _ => Ok(()),
                }
            })
            .map_err(|err| match result.take() {
                Some(Err(export_error)) => export_error,
                _ => ExportError::Storage(err),
            })?;
            let Some(Ok(exported)) = result else {
                unreachable!("the writer ran")
            };
            exported
        }
    };
    let mut paths = vec![destination.to_owned()];
    for (suffix, content) in sidecars {
        let Some((_, path, checked)) = beside.iter().find(|(s, _, _)| *s == suffix) else {
            unreachable!("every suffix the format writes is checked")
        };
        match checked {
            Destination::Special(resolved) => {
                write_into(resolved, content.as_bytes()).map_err(|source| ExportError::Io {
                    path: path.clone(),
                    source,
                })?
            }
            Destination::File(resolved) => {
                crate::store::write_output(resolved, content.as_bytes())?
            }
            _ => unreachable!("a file beside the output is a file"),
        }
        paths.push(path.clone());
    }
    Ok(Written {
        report,
        paths,
        ..Written::default()
    })
}

/// Adds a loss for what of `span` a format that carries notes, values and
/// attributes but not typed notes or resources has no place for: its typed
/// notes, and the resource of its value with the entry's name.
fn lose_typed_notes_and_resource(file: &str, span: &crate::model::Span, losses: &mut Vec<Loss>) {
    let mut lost = Vec::new();
    if !span.notes.is_empty() {
        let kinds: Vec<&str> = span.notes.iter().map(|n| n.kind.as_str()).collect();
        lost.push(format!(
            "{} ({})",
            crate::counted(span.notes.len(), "typed note"),
            kinds.join(", ")
        ));
    }
    if !span.resource.is_empty() || !span.entry_name.is_empty() {
        lost.push(format!(
            "the resource of its value ({}) and the entry's name ({})",
            span.resource, span.entry_name
        ));
    }
    if !lost.is_empty() {
        losses.push(Loss {
            file: file.to_owned(),
            span: Some(span.id),
            reason: format!(
                "{} not exported: this format has no place for them (brat, jsonl, jsonl-relations and spacy have)",
                lost.join(" and ")
            ),
        });
    }
}

/// Writes `bytes` into an existing special file (a pipe, a device) as it is.
fn write_into(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// `out/train.jsonl` and `.tags.json` give `out/train.tags.json`.
fn sidecar_path(destination: &Path, suffix: &str) -> PathBuf {
    let stem = destination
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    destination.with_file_name(format!("{stem}{suffix}"))
}
