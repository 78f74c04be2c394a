//! doccano JSONL: one JSON object per document (and annotator).
//!
//! - `jsonl`: `{"id", "text", "label": [[start, end, "label"], ...]}`, plus
//!   `"annotator"` when several annotators are exported.
//! - `jsonl-relations`: `{"id", "text", "entities": [{"id", "start_offset",
//!   "end_offset", "label"}], "relations": [{"id", "from_id", "to_id",
//!   "type"}]}`, entity ids being span ids.
//! - Both shapes add `"span_details": [{"start", "end", "label", "note",
//!   "notes", "value", "resource", "entry_name", "attributes"}]` for the
//!   spans that have a note, typed notes (`[{"kind", "text"}]`), a
//!   normalized value (with the resource it is an entry of, and that
//!   entry's name) or attributes (**details**), found again by their offsets
//!   and label. doccano keeps a record's other keys as its metadata and writes
//!   them back on export, so the details survive a trip through doccano.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::pipeline::{Item, Sink};
use super::{ExportError, Format, Loss, Offsets, Options, Sidecar};
use crate::model::{Note, Span};

pub struct Doccano {
    options: Options,
}

impl Doccano {
    pub fn new(options: &Options) -> Self {
        Doccano {
            options: options.clone(),
        }
    }
}

#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    span_details: Vec<Details<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotator: Option<&'a str>,
}

#[derive(Serialize)]
struct RelationsRecord<'a> {
    id: &'a str,
    text: &'a str,
    entities: Vec<Entity<'a>>,
    relations: Vec<RelationRecord<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    span_details: Vec<Details<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotator: Option<&'a str>,
}

/// A span with its note, value and attributes: an entry of a doccano
/// record's `span_details`, or a spaCy span.
#[derive(Serialize)]
pub(super) struct Details<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'a str,
    #[serde(skip_serializing_if = "<[Note]>::is_empty")]
    notes: &'a [Note],
    #[serde(skip_serializing_if = "str::is_empty")]
    value: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    resource: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    entry_name: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attributes: &'a BTreeMap<String, String>,
}

impl<'a> Details<'a> {
    pub(super) fn new(span: &'a Span, offsets: &Offsets<'_>) -> Self {
        Details {
            start: offsets.map(span.start),
            end: offsets.map(span.end),
            label: &span.label,
            note: &span.note,
            notes: &span.notes,
            value: &span.value,
            resource: &span.resource,
            entry_name: &span.entry_name,
            attributes: &span.attributes,
        }
    }
}

/// The details of the spans that have any.
fn details<'a>(item: &Item<'a>, offsets: &Offsets<'_>) -> Vec<Details<'a>> {
    item.spans
        .iter()
        .filter(|s| s.has_details())
        .map(|s| Details::new(s, offsets))
        .collect()
}

#[derive(Serialize)]
struct Entity<'a> {
    id: u32,
    start_offset: usize,
    end_offset: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct RelationRecord<'a> {
    id: usize,
    from_id: u32,
    to_id: u32,
    #[serde(rename = "type")]
    kind: &'a str,
}

impl Sink for Doccano {
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
        let text = item.text.as_str();
        let annotator = self.options.name_annotators.then_some(item.annotator);
        if self.options.format == Format::JsonlRelations {
            let record = RelationsRecord {
                id: item.id,
                text,
                entities: item
                    .spans
                    .iter()
                    .map(|s| Entity {
                        id: s.id,
                        start_offset: offsets.map(s.start),
                        end_offset: offsets.map(s.end),
                        label: &s.label,
                    })
                    .collect(),
                relations: item
                    .relations
                    .iter()
                    .enumerate()
                    .map(|(n, r)| RelationRecord {
                        id: n + 1,
                        from_id: r.from,
                        to_id: r.to,
                        kind: &r.kind,
                    })
                    .collect(),
                span_details: details(item, &offsets),
                annotator,
            };
            serde_json::to_writer(&mut out, &record)?;
        } else {
            let record = Record {
                id: item.id,
                text,
                label: item
                    .spans
                    .iter()
                    .map(|s| (offsets.map(s.start), offsets.map(s.end), s.label.as_str()))
                    .collect(),
                span_details: details(item, &offsets),
                annotator,
            };
            serde_json::to_writer(&mut out, &record)?;
        }
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
