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
//!
//! Formats (each in its own module): `jsonl` (doccano), `spacy`, `conll`,
//! `hf` (Hugging Face datasets), `brat` (a folder), `labelstudio`, `csv`.

mod brat;
mod conll;
mod csv_rows;
mod json_lines;
mod labelstudio;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::schema::Schema;
use crate::model::text::SourceText;
use crate::model::{Relation, Span, SpanId, Status};
use crate::project::Project;
use crate::project::document::{Access, OpenDocument};
use rayon::prelude::*;

/// A target format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// doccano JSONL: {"id", "text", "label": [[start, end, label]]}
    Jsonl,
    /// doccano relation JSONL: {"id", "text", "entities": [...], "relations": [...]}
    JsonlRelations,
    /// spaCy JSONL: {"text", "spans": [{"start", "end", "label"}], "meta"}
    Spacy,
    /// CoNLL-2003 style: token and IOB2 tag columns, -DOCSTART- between documents
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

    /// Whether the format carries character offsets.
    pub fn has_offsets(self) -> bool {
        !matches!(self, Format::Conll | Format::Hf)
    }
}

pub use crate::model::text::OffsetUnit;

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
    /// Counts documents done, for a progress bar in another thread.
    pub progress: Option<Arc<Progress>>,
}

/// How far a long export or import is, readable from another thread.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
}

impl Progress {
    /// Done as a fraction of the total, 0 while the total is unknown.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            0.0
        } else {
            self.done.load(Ordering::Relaxed) as f32 / total as f32
        }
    }
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

/// Something the export could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub file: String,
    pub span: Option<SpanId>,
    pub reason: String,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(id) => write!(f, "{}: span {id}: {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// What an export wrote and what it could not.
#[derive(Debug, Default)]
pub struct Report {
    pub documents: usize,
    pub spans: usize,
    pub losses: Vec<Loss>,
}

/// Why an export could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("label {0:?} is in more than one layer; give each label one layer")]
    LabelInTwoLayers(String),
    #[error("{} cannot be written to standard output; give a folder with -o", .0)]
    NeedsFolder(&'static str),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Write(#[from] io::Error),
    #[error(transparent)]
    Storage(#[from] crate::store::StorageError),
}

/// One annotator's annotations of one document, as exporters see them: the
/// spans are already limited to the exported labels.
pub struct Item<'a> {
    pub id: &'a str,
    pub text: &'a SourceText,
    pub annotator: &'a str,
    pub status: Status,
    pub spans: Vec<&'a Span>,
    /// The annotation file, for loss reports.
    pub file: String,
    /// Relations whose two ends are among `spans`.
    pub relations: Vec<&'a Relation>,
}

/// Converts code-point offsets of one text to the chosen unit.
pub struct Offsets<'a> {
    text: &'a SourceText,
    unit: OffsetUnit,
    /// UTF-16 units before each code point, when the text has any character
    /// outside the Basic Multilingual Plane; otherwise the two counts agree.
    utf16: Option<Vec<usize>>,
}

impl<'a> Offsets<'a> {
    pub fn new(text: &'a SourceText, unit: OffsetUnit) -> Self {
        let utf16 = (unit == OffsetUnit::Utf16
            && text.as_str().chars().any(|c| c.len_utf16() == 2))
        .then(|| {
            let every: Vec<usize> = (0..=text.len_chars()).collect();
            crate::model::text::utf16_offsets(text.as_str(), &every)
        });
        Offsets { text, unit, utf16 }
    }

    pub fn map(&self, offset: usize) -> usize {
        match self.unit {
            OffsetUnit::CodePoint => offset,
            OffsetUnit::Byte => self.text.byte_of(offset),
            OffsetUnit::Utf16 => self.utf16.as_ref().map_or(offset, |u| u[offset]),
        }
    }
}

/// Where a folder format writes, and the stream of a stream format.
pub enum Output<'a> {
    Stream(&'a mut dyn Write),
    Folder(&'a Path),
}

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
    match (options.format, output) {
        (Format::Brat, Output::Folder(folder)) => plan.run(
            brat::Brat::new(folder, options, schema, &labels)?,
            &mut io::sink(),
        ),
        (Format::Brat, Output::Stream(_)) => Err(ExportError::NeedsFolder("brat")),
        (format, Output::Stream(out)) => match format {
            Format::Jsonl | Format::JsonlRelations | Format::Spacy => {
                plan.run(json_lines::JsonLines::new(options), out)
            }
            Format::Conll | Format::Hf => plan.run(conll::Tagged::new(options, columns), out),
            Format::Labelstudio => {
                plan.run(labelstudio::LabelStudio::new(options, schema, &labels), out)
            }
            Format::Csv => plan.run(csv_rows::CsvRows::new(options), out),
            Format::Brat => unreachable!("handled above"),
        },
        (_, Output::Folder(folder)) => Err(ExportError::Io {
            path: folder.to_owned(),
            source: io::Error::other("only brat writes a folder"),
        }),
    }
}

/// What every document of one export shares.
struct Plan<'a> {
    project: &'a Project,
    options: &'a Options,
    /// The exported labels.
    labels: &'a [String],
    /// Whether every label is wanted, so that one missing from the schema is a loss.
    all_wanted: bool,
}

/// One document rendered, with what it carried and what it lost.
struct Rendered<T> {
    /// `None` when the document could not be read or trusted.
    output: Option<T>,
    spans: usize,
    losses: Vec<Loss>,
}

/// Documents per batch: rendered together, then written in order.
const BATCH: usize = 256;

impl Plan<'_> {
    /// Runs the export through `sink`. Documents are read, checked and
    /// rendered in parallel, a batch at a time; the rendered documents are
    /// then appended to `out` in document order. Memory holds one batch.
    fn run<S: Sink>(
        &self,
        mut sink: S,
        out: &mut dyn Write,
    ) -> Result<(Report, Vec<Sidecar>), ExportError> {
        let options = self.options;
        let pairs: Vec<(&crate::project::DocEntry, &String)> = self
            .project
            .docs()
            .iter()
            .flat_map(|doc| {
                options
                    .annotators
                    .iter()
                    .map(move |annotator| (doc, annotator))
            })
            .filter(|(doc, annotator)| {
                !options.annotated_only
                    || self.project.annotation_path(annotator, &doc.id).is_file()
            })
            .collect();
        if let Some(progress) = &options.progress {
            progress.total.store(pairs.len(), Ordering::Relaxed);
            progress.done.store(0, Ordering::Relaxed);
        }
        let mut report = Report::default();
        sink.begin(out)?;
        // Documents are read on a disk pool: reading may wait for the disk.
        let pool = crate::store::disk::pool();
        for batch in pairs.chunks(BATCH) {
            // The progress bar counts documents as they are rendered.
            let render_batch = || -> Vec<Result<Rendered<S::Output>, ExportError>> {
                batch
                    .par_iter()
                    .map(|(doc, annotator)| {
                        let rendered = self.render(&sink, doc, annotator);
                        if let Some(progress) = &options.progress {
                            progress.done.fetch_add(1, Ordering::Relaxed);
                        }
                        rendered
                    })
                    .collect()
            };
            let rendered = crate::store::disk::run_on(pool.as_ref(), render_batch);
            for result in rendered {
                let rendered = result?;
                report.losses.extend(rendered.losses);
                if let Some(output) = rendered.output {
                    sink.append(out, output)?;
                    report.documents += 1;
                    report.spans += rendered.spans;
                }
            }
        }
        let sidecars = sink.finish(out)?;
        Ok((report, sidecars))
    }

    /// Reads, checks and renders one annotator's annotations of one document.
    fn render<S: Sink>(
        &self,
        sink: &S,
        doc: &crate::project::DocEntry,
        annotator: &str,
    ) -> Result<Rendered<S::Output>, ExportError> {
        let skipped = |loss: Loss| Rendered {
            output: None,
            spans: 0,
            losses: vec![loss],
        };
        let document = match OpenDocument::open_to_read(self.project, doc, annotator) {
            Ok(document) => document,
            Err(err) => {
                return Ok(skipped(Loss {
                    file: doc.path.display().to_string(),
                    span: None,
                    reason: crate::project::error_chain(&err),
                }));
            }
        };
        if let Access::ReadOnly { reason } = document.access() {
            return Ok(skipped(Loss {
                file: document.path().display().to_string(),
                span: None,
                reason: format!("annotations not exported: {reason}"),
            }));
        }
        // A file holding only rejected suggestions is not annotated.
        if self.options.annotated_only && !document.is_started() {
            return Ok(Rendered {
                output: None,
                spans: 0,
                losses: Vec::new(),
            });
        }
        let mut losses = Vec::new();
        let labels = self.labels;
        if self.all_wanted {
            for span in document
                .spans()
                .iter()
                .filter(|s| !labels.contains(&s.label))
            {
                losses.push(Loss {
                    file: document.path().display().to_string(),
                    span: Some(span.id),
                    reason: format!(
                        "label {:?} is not in the project's schema; name it with --labels to export it",
                        span.label
                    ),
                });
            }
        }
        let spans: Vec<&Span> = document
            .spans()
            .iter()
            .filter(|s| labels.contains(&s.label))
            .collect();
        // A relation needs both of its ends, and a format with a place for it.
        let with_relations = self.options.format.carries_relations();
        let exported = |id: SpanId| spans.iter().any(|s| s.id == id);
        let relations: Vec<&Relation> = if with_relations {
            document
                .annotations()
                .relations()
                .filter(|r| exported(r.from) && exported(r.to))
                .collect()
        } else {
            Vec::new()
        };
        let carried = relations.len();
        let total = document.annotations().relations().count();
        if total > carried {
            losses.push(Loss {
                file: document.path().display().to_string(),
                span: None,
                reason: if with_relations {
                    format!("{} relations not exported: one of their ends is not", total - carried)
                } else {
                    format!("{} relations not exported: this format has no place for them (brat, Label Studio and jsonl-relations have)", total - carried)
                },
            });
        }
        if !self.options.format.carries_details() {
            let detailed = spans
                .iter()
                .filter(|s| !s.note.is_empty() || !s.value.is_empty() || !s.attributes.is_empty())
                .count();
            if detailed > 0 {
                losses.push(Loss {
                    file: document.path().display().to_string(),
                    span: None,
                    reason: format!("the notes, values and attributes of {detailed} spans not exported: this format has only tags (jsonl, spacy, brat, labelstudio and csv carry them)"),
                });
            }
        }
        let item = Item {
            id: &document.id,
            text: &document.text,
            annotator,
            status: document.status(),
            spans,
            file: document.path().display().to_string(),
            relations,
        };
        let (output, spans) = sink.render(&item, &mut losses)?;
        Ok(Rendered {
            output: Some(output),
            spans,
            losses,
        })
    }
}

/// A format writer in two halves: [`Sink::render`] turns one document into
/// its output and runs on many documents at once; [`Sink::append`] adds
/// rendered documents to the output one at a time, in document order.
/// A stream output is written atomically (nothing on error); brat writes each
/// document's files as it renders them, so a failed export may leave the
/// documents of its batch in the folder.
trait Sink: Sync {
    /// One document as the format renders it.
    type Output: Send;
    /// Writes what comes before the first document.
    fn begin(&mut self, _out: &mut dyn Write) -> Result<(), ExportError> {
        Ok(())
    }
    /// Renders one document; returns it with how many spans it carries, and
    /// adds a loss for each span it could not carry.
    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(Self::Output, usize), ExportError>;
    /// Adds the next rendered document to the output.
    fn append(&mut self, out: &mut dyn Write, output: Self::Output) -> Result<(), ExportError>;
    /// Ends the output; returns files to write beside it.
    fn finish(&mut self, out: &mut dyn Write) -> Result<Vec<Sidecar>, ExportError>;
}

/// The text of a span for reports: short, on one line.
fn quote(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if flat.chars().count() > 40 {
        format!(
            "{:?}",
            format!("{}…", flat.chars().take(39).collect::<String>())
        )
    } else {
        format!("{flat:?}")
    }
}

/// What [`export_to`] did.
#[derive(Debug, Default)]
pub struct Written {
    pub report: Report,
    /// The files and folders written.
    pub paths: Vec<PathBuf>,
    /// With `strict`, whether losses stopped the export before anything was written.
    pub stopped: bool,
}

/// Exports to `destination`: a file for stream formats (written atomically,
/// with any sidecar beside it as `<stem><suffix>`), a folder for brat, or `-`
/// for standard output (sidecars then go to standard error). With `strict`,
/// a first pass looks for losses and nothing is written if there are any.
pub fn export_to(
    project: &Project,
    options: &Options,
    destination: &Path,
    strict: bool,
) -> Result<Written, ExportError> {
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
                paths: Vec::new(),
                stopped: true,
            });
        }
    }
    if options.format.writes_folder() {
        if destination == Path::new("-") {
            return Err(ExportError::NeedsFolder("brat"));
        }
        std::fs::create_dir_all(destination).map_err(|source| ExportError::Io {
            path: destination.to_owned(),
            source,
        })?;
        let (report, _) = export(project, options, Output::Folder(destination))?;
        return Ok(Written {
            report,
            paths: vec![destination.to_owned()],
            stopped: false,
        });
    }
    if destination == Path::new("-") {
        let mut stdout = io::BufWriter::new(io::stdout().lock());
        let (report, sidecars) = export(project, options, Output::Stream(&mut stdout))?;
        stdout.flush()?;
        for (suffix, content) in sidecars {
            eprintln!("--- {suffix} (not written: the output is standard output) ---\n{content}");
        }
        return Ok(Written {
            report,
            paths: Vec::new(),
            stopped: false,
        });
    }
    let mut result = None;
    crate::store::write_atomic_with(destination, |file| {
        let (exported, written) =
            write_behind(file, |out| export(project, options, Output::Stream(out)));
        // A failed write shows in the export as a stopped writer: name the
        // write's own error instead.
        written?;
        result = Some(exported);
        match &result {
            Some(Err(err)) => Err(io::Error::other(err.to_string())),
            _ => Ok(()),
        }
    })
    .map_err(|err| match result.take() {
        Some(Err(export_error)) => export_error,
        _ => ExportError::Storage(err),
    })?;
    let Some(Ok((report, sidecars))) = result else {
        unreachable!("the writer ran")
    };
    let mut paths = vec![destination.to_owned()];
    for (suffix, content) in sidecars {
        let path = sidecar_path(destination, suffix);
        crate::store::write_atomic(&path, content.as_bytes())?;
        paths.push(path);
    }
    Ok(Written {
        report,
        paths,
        stopped: false,
    })
}

/// Bytes handed to the output file's writer thread at a time.
const CHUNK: usize = 256 * 1024;

/// Runs `produce` with a writer whose bytes a second thread writes to `file`,
/// a chunk at a time, so that writing the output to the file overlaps
/// rendering the next batch. At most a few chunks wait, so memory stays
/// bounded. Returns what `produce` returned and how writing the file went.
fn write_behind<R>(
    file: &mut std::fs::File,
    produce: impl FnOnce(&mut dyn Write) -> R,
) -> (R, io::Result<()>) {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let writer = scope.spawn(move || -> io::Result<()> {
            for chunk in receiver {
                file.write_all(&chunk)?;
            }
            Ok(())
        });
        let mut out = WriteBehind {
            chunk: Vec::with_capacity(CHUNK),
            sender: Some(sender),
        };
        let produced = produce(&mut out);
        let handed_over = out.close();
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the output file's writer failed")));
        (produced, written.and(handed_over))
    })
}

/// The producing half of [`write_behind`].
struct WriteBehind {
    chunk: Vec<u8>,
    /// `None` once closed.
    sender: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
}

impl WriteBehind {
    fn send(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        let stopped = || {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the output file's writer stopped",
            )
        };
        self.sender
            .as_ref()
            .ok_or_else(stopped)?
            .send(full)
            .map_err(|_| stopped())
    }

    /// Hands over what is left and lets the writer thread finish.
    fn close(mut self) -> io::Result<()> {
        let sent = self.send();
        self.sender = None;
        sent
    }
}

impl Write for WriteBehind {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        // A chunk never grows past its capacity: it goes first.
        if self.chunk.len() + bytes.len() > CHUNK {
            self.send()?;
        }
        if bytes.len() >= CHUNK {
            self.chunk.extend_from_slice(bytes);
            self.send()?;
        } else {
            self.chunk.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// `out/train.jsonl` and `.tags.json` give `out/train.tags.json`.
fn sidecar_path(destination: &Path, suffix: &str) -> PathBuf {
    let stem = destination
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    destination.with_file_name(format!("{stem}{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_behind_writes_every_byte_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut file = std::fs::File::create(&path).unwrap();
        // Small writes, a write that fills a chunk exactly, and one larger
        // than a chunk.
        let pieces: Vec<Vec<u8>> = [10, CHUNK, 3, CHUNK * 2 + 7, 1]
            .iter()
            .enumerate()
            .map(|(i, len)| (0..*len).map(|n| (n * 7 + i) as u8).collect())
            .collect();
        let (produced, written) = write_behind(&mut file, |out| {
            for piece in &pieces {
                out.write_all(piece)?;
            }
            out.flush()?;
            out.write_all(b"end")
        });
        produced.unwrap();
        written.unwrap();
        let mut expected = pieces.concat();
        expected.extend_from_slice(b"end");
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }

    #[test]
    fn write_behind_reports_a_failed_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        std::fs::write(&path, "old").unwrap();
        // Opened for reading only: every write fails.
        let mut file = std::fs::File::open(&path).unwrap();
        let (_, written) = write_behind(&mut file, |out| {
            for _ in 0..16 {
                out.write_all(&vec![b'x'; CHUNK])?;
            }
            Ok::<(), io::Error>(())
        });
        assert!(written.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
    }
}
