//! Exports of annotations to the formats other tools read.
//!
//! Terms:
//! - **export**: one annotator's annotations of every document of a project,
//!   written as one stream in a target format. Offsets are code points, as
//!   everywhere in Sorot, unless a format says otherwise.
//! - **loss**: something the export could not carry (an annotation file that
//!   cannot be trusted, say). Losses are reported, never dropped silently.
//!
//! Formats:
//! - `jsonl`: doccano's sequence-labeling import, one object per document:
//!   `{"id": "<document id>", "text": "...", "label": [[start, end, "label"], ...]}`.

use std::io::{self, Write};

use serde::Serialize;

use crate::document::{Access, OpenDocument};
use crate::project::Project;

/// A target format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// doccano JSONL: {"id", "text", "label": [[start, end, label]]}
    Jsonl,
}

/// Something the export could not carry, with the file it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub file: String,
    pub reason: String,
}

/// What an export wrote and what it could not.
#[derive(Debug, Default)]
pub struct Report {
    pub documents: usize,
    pub spans: usize,
    pub losses: Vec<Loss>,
}

#[derive(Serialize)]
struct DoccanoLine<'a> {
    id: &'a str,
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
}

/// Writes `annotator`'s annotations of every document to `out`, one document
/// at a time, so memory stays flat however large the project.
pub fn export(
    project: &Project,
    annotator: &str,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<Report> {
    let mut report = Report::default();
    for doc in project.docs() {
        let document = match OpenDocument::open(project, doc, annotator) {
            Ok(document) => document,
            Err(err) => {
                report.losses.push(Loss {
                    file: doc.path.display().to_string(),
                    reason: err.to_string(),
                });
                continue;
            }
        };
        if let Access::ReadOnly { reason } = document.access() {
            report.losses.push(Loss {
                file: document.path().display().to_string(),
                reason: format!("annotations not exported: {reason}"),
            });
            continue;
        }
        match format {
            Format::Jsonl => {
                let line = DoccanoLine {
                    id: &document.id,
                    text: document.text.as_str(),
                    label: document
                        .spans()
                        .iter()
                        .map(|s| (s.start, s.end, s.label.as_str()))
                        .collect(),
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")?;
            }
        }
        report.documents += 1;
        report.spans += document.spans().len();
    }
    out.flush()?;
    Ok(report)
}
