//! doccano and spaCy JSONL: one JSON object per document (and annotator).
//!
//! - doccano: `{"id", "text", "label": [[start, end, "label"], ...]}`, plus
//!   `"annotator"` when several annotators are exported.
//! - doccano relations (`jsonl-relations`): `{"id", "text", "entities": [{"id",
//!   "start_offset", "end_offset", "label"}], "relations": [{"id", "from_id",
//!   "to_id", "type"}]}`, entity ids being span ids.
//! - spaCy: `{"text", "spans": [{"start", "end", "label"}], "meta": {"id",
//!   "annotator", "status", "offsets"}}`; a span with a note carries `"note"`,
//!   one with a normalized value `"value"`.
//!   With code-point offsets these are what `doc.char_span` takes.

use std::io::Write;

use serde::Serialize;

use super::{ExportError, Format, Item, Loss, Offsets, Options, Sidecar, Sink};

pub struct JsonLines {
    options: Options,
}

impl JsonLines {
    pub fn new(options: &Options) -> Self {
        JsonLines {
            options: options.clone(),
        }
    }
}

#[derive(Serialize)]
struct Doccano<'a> {
    id: &'a str,
    text: &'a str,
    label: Vec<(usize, usize, &'a str)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotator: Option<&'a str>,
}

#[derive(Serialize)]
struct DoccanoRelations<'a> {
    id: &'a str,
    text: &'a str,
    entities: Vec<Entity<'a>>,
    relations: Vec<RelationRecord<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotator: Option<&'a str>,
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

#[derive(Serialize)]
struct Spacy<'a> {
    text: &'a str,
    spans: Vec<SpacySpan<'a>>,
    meta: SpacyMeta<'a>,
}

#[derive(Serialize)]
struct SpacySpan<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    value: &'a str,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    attributes: &'a std::collections::BTreeMap<String, String>,
}

#[derive(Serialize)]
struct SpacyMeta<'a> {
    id: &'a str,
    annotator: &'a str,
    status: &'a str,
    offsets: &'a str,
}

impl Sink for JsonLines {
    /// The document's line.
    type Output = Vec<u8>;

    fn render(
        &self,
        item: &Item<'_>,
        _losses: &mut Vec<Loss>,
    ) -> Result<(Vec<u8>, usize), ExportError> {
        let mut out = Vec::new();
        let offsets = Offsets::new(item.text, self.options.offsets);
        let text = item.text.as_str();
        match self.options.format {
            Format::Spacy => {
                let spans = item
                    .spans
                    .iter()
                    .map(|s| SpacySpan {
                        start: offsets.map(s.start),
                        end: offsets.map(s.end),
                        label: &s.label,
                        note: &s.note,
                        value: &s.value,
                        attributes: &s.attributes,
                    })
                    .collect();
                let meta = SpacyMeta {
                    id: item.id,
                    annotator: item.annotator,
                    status: item.status.describe(),
                    offsets: self.options.offsets.name(),
                };
                serde_json::to_writer(&mut out, &Spacy { text, spans, meta })
                    .map_err(std::io::Error::from)?;
            }
            Format::JsonlRelations => {
                let record = DoccanoRelations {
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
                    annotator: self.options.name_annotators.then_some(item.annotator),
                };
                serde_json::to_writer(&mut out, &record).map_err(std::io::Error::from)?;
            }
            _ => {
                let label = item
                    .spans
                    .iter()
                    .map(|s| (offsets.map(s.start), offsets.map(s.end), s.label.as_str()))
                    .collect();
                let annotator = self.options.name_annotators.then_some(item.annotator);
                serde_json::to_writer(
                    &mut out,
                    &Doccano {
                        id: item.id,
                        text,
                        label,
                        annotator,
                    },
                )
                .map_err(std::io::Error::from)?;
            }
        }
        out.push(b'\n');
        Ok((out, item.spans.len()))
    }

    fn append(&mut self, out: &mut dyn Write, line: Vec<u8>) -> Result<(), ExportError> {
        out.write_all(&line)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<Vec<Sidecar>, ExportError> {
        out.flush()?;
        Ok(Vec::new())
    }
}
