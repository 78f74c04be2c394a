//! The way every export runs: documents are read, checked and rendered in
//! batches on the disk pool, and the rendered documents are written in
//! document order.
//!
//! Terms:
//! - **item** ([`Item`]): one annotator's annotations of one document, as a
//!   format sees them: the spans of the exported labels, and the relations
//!   between them when the format carries relations.
//! - **sink** ([`Sink`]): a format's writer, in two halves: rendering one item
//!   (many at once, on the pool) and appending rendered items to the output
//!   (one at a time, in order).
//! - **batch**: the documents rendered together before they are appended;
//!   memory holds one batch of rendered documents.

use std::io::Write;
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::{ExportError, Options, Report, Sidecar};
use crate::error_chain;
use crate::formats::Loss;
use crate::formats::OffsetUnit;
use crate::model::text::SourceText;
use crate::model::{Relation, Span, SpanId, Status};
use crate::project::document::{Access, OpenDocument};
use crate::project::{DocEntry, Project};

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

/// A format writer in two halves: [`Sink::render`] turns one document into
/// its output and runs on many documents at once; [`Sink::append`] adds
/// rendered documents to the output one at a time, in document order.
/// A stream output is written atomically (nothing on error); brat writes each
/// document's files as it renders them, so a failed export may leave the
/// documents of its batch in the folder.
pub(super) trait Sink: Sync {
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
    /// Ends the output; returns files to write beside it, and adds a loss
    /// for what the output as a whole could not carry.
    fn finish(
        &mut self,
        out: &mut dyn Write,
        losses: &mut Vec<Loss>,
    ) -> Result<Vec<Sidecar>, ExportError>;
}

/// What every document of one export shares.
pub(super) struct Plan<'a> {
    pub project: &'a Project,
    pub options: &'a Options,
    /// The exported labels.
    pub labels: &'a [String],
    /// Whether every label is wanted, so that one missing from the schema is a loss.
    pub all_wanted: bool,
}

/// One document rendered, with what it carried and what it lost.
struct Rendered<T> {
    /// `None` when the document could not be read or trusted.
    output: Option<T>,
    spans: usize,
    losses: Vec<Loss>,
}

impl<T> Rendered<T> {
    /// A document left out, with why if there is a reason to give.
    fn left_out(loss: Option<Loss>) -> Self {
        Rendered {
            output: None,
            spans: 0,
            losses: loss.into_iter().collect(),
        }
    }
}

/// Documents per batch: rendered together, then written in order.
const BATCH: usize = 256;

impl Plan<'_> {
    /// Runs the export through `sink`. Documents are read, checked and
    /// rendered in parallel, a batch at a time; the rendered documents are
    /// then appended to `out` in document order. Memory holds one batch.
    pub fn run<S: Sink>(
        &self,
        mut sink: S,
        out: &mut dyn Write,
    ) -> Result<(Report, Vec<Sidecar>), ExportError> {
        let options = self.options;
        let pairs: Vec<(&DocEntry, &String)> = self
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
                // A document without a file is not started.
                let needs_file = options.annotated_only
                    || options
                        .status
                        .is_some_and(|status| status != crate::model::Status::NotStarted);
                !needs_file || self.project.annotation_path(annotator, &doc.id).is_file()
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
        let sidecars = sink.finish(out, &mut report.losses)?;
        Ok((report, sidecars))
    }

    /// Reads, checks and renders one annotator's annotations of one document.
    fn render<S: Sink>(
        &self,
        sink: &S,
        doc: &DocEntry,
        annotator: &str,
    ) -> Result<Rendered<S::Output>, ExportError> {
        let document = match OpenDocument::open_to_read(self.project, doc, annotator) {
            Ok(document) => document,
            Err(err) => {
                return Ok(Rendered::left_out(Some(Loss {
                    file: doc.path.display().to_string(),
                    span: None,
                    reason: error_chain(&err),
                })));
            }
        };
        let file = document.path().display().to_string();
        if let Access::ReadOnly { reason } = document.access() {
            // The reason names the file (and where in it) first: the loss
            // names it once.
            let (file, reason) = match reason
                .strip_prefix(file.as_str())
                .and_then(|rest| rest.split_once(": "))
                .filter(|(at, _)| at.chars().all(|c| c == ':' || c.is_ascii_digit()))
            {
                Some((at, rest)) => (format!("{file}{at}"), rest.to_owned()),
                None => (file, reason.clone()),
            };
            return Ok(Rendered::left_out(Some(Loss {
                file,
                span: None,
                reason: format!("annotations not exported: {reason}"),
            })));
        }
        // A file holding only rejected suggestions is not annotated.
        if self.options.annotated_only && !document.is_started() {
            return Ok(Rendered::left_out(None));
        }
        if self
            .options
            .status
            .is_some_and(|status| status != document.status())
        {
            return Ok(Rendered::left_out(None));
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
                    file: file.clone(),
                    span: Some(span.id),
                    reason: format!(
                        "label {:?} is not in the project's schema; name it with --labels to export it",
                        span.label
                    ),
                });
            }
        }
        let mut spans: Vec<&Span> = document
            .spans()
            .iter()
            .filter(|s| labels.contains(&s.label))
            .collect();
        // Counted in grapheme clusters, a span must start and end where
        // clusters do (a selection of part of a family emoji cannot).
        if self.options.offsets == OffsetUnit::Grapheme && self.options.format.has_offsets() {
            let edges = crate::model::text::grapheme_offsets(document.text.as_str());
            let on_edge = |offset: usize| offset == 0 || edges[offset] != edges[offset - 1];
            spans.retain(|span| {
                let whole = on_edge(span.start) && on_edge(span.end);
                if !whole {
                    losses.push(Loss {
                        file: file.clone(),
                        span: Some(span.id),
                        reason: format!(
                            "{} [{}, {}) has an edge inside a grapheme cluster, which grapheme offsets cannot name",
                            span.label, span.start, span.end
                        ),
                    });
                }
                whole
            });
        }
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
                file: file.clone(),
                span: None,
                reason: if with_relations {
                    format!("{} relations not exported: one of their ends is not", total - carried)
                } else {
                    format!("{} relations not exported: this format has no place for them (brat, Label Studio and jsonl-relations have)", total - carried)
                },
            });
        }
        if !self.options.format.carries_details() {
            let detailed = spans.iter().filter(|s| s.has_details()).count();
            if detailed > 0 {
                losses.push(Loss {
                    file: file.clone(),
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
            file,
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
