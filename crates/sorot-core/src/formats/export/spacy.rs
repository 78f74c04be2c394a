//! spaCy JSONL: `{"text", "spans": [{"start", "end", "label"}], "meta": {"id",
//! "annotator", "status", "offsets"}}` per document (and annotator); a span
//! with a note carries `"note"`, one with typed notes `"notes"` (`[{"kind",
//! "text"}]`), one with a normalized value `"value"` (and `"resource"` and
//! `"entry_name"` when it is an entry of a resource), one with attributes
//! `"attributes"`. With code-point offsets the spans are what
//! `doc.char_span` takes.

use std::io::Write;

use serde::Serialize;

use super::doccano::Details;
use super::pipeline::{Item, Sink};
use super::{ExportError, Loss, Offsets, Options, Sidecar};

pub struct Spacy {
    options: Options,
}

impl Spacy {
    pub fn new(options: &Options) -> Self {
        Spacy {
            options: options.clone(),
        }
    }
}

#[derive(Serialize)]
struct Record<'a> {
    text: &'a str,
    spans: Vec<Details<'a>>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct Meta<'a> {
    id: &'a str,
    annotator: &'a str,
    status: &'a str,
    offsets: &'a str,
}

impl Sink for Spacy {
    /// The document's line.
    type Output = Vec<u8>;

    fn render(
        &self,
        item: &Item<'_>,
        _losses: &mut Vec<Loss>,
    ) -> Result<(Vec<u8>, usize), ExportError> {
        // About the text and a line per span: grown once, not by doubling.
        let mut out = Vec::with_capacity(item.text.as_str().len() + 128 * item.spans.len() + 256);
        let offsets = Offsets::new(item.text, self.options.offsets);
        let record = Record {
            text: item.text.as_str(),
            spans: item
                .spans
                .iter()
                .map(|s| Details::new(s, &offsets))
                .collect(),
            meta: Meta {
                id: item.id,
                annotator: item.annotator,
                status: item.status.describe(),
                offsets: self.options.offsets.name(),
            },
        };
        serde_json::to_writer(&mut out, &record)?;
        out.push(b'\n');
        Ok((out, item.spans.len()))
    }

    fn append(&mut self, out: &mut dyn Write, line: Vec<u8>) -> Result<(), ExportError> {
        out.write_all(&line)?;
        Ok(())
    }

    fn finish(
        &mut self,
        out: &mut dyn Write,
        _losses: &mut Vec<Loss>,
    ) -> Result<Vec<Sidecar>, ExportError> {
        out.flush()?;
        Ok(Vec::new())
    }
}
