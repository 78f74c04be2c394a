//! Hugging Face datasets JSONL: `{"id", "document", "tokens", "ner_tags"}`
//! per row (a sentence, see [`super::tagged`]) or per document, with
//! `"annotator"` after `"document"` when several annotators are exported,
//! and `ner_tags_2`, `ner_tags_3`... for further layers. The tag names
//! (index = value) go to a `.tags.json` sidecar.

use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::pipeline::{Item, Sink};
use super::tagged::{Tagger, Tagging, tag_names};
use super::{ExportError, HfUnit, Loss, Options, Sidecar};
use crate::formats::tokenize::Token;
use crate::model::text::SourceText;

pub struct Hf {
    options: Options,
    tagger: Tagger,
    /// Each column's key in a row, with the column, sorted by key.
    keys: Vec<(String, usize)>,
}

impl Hf {
    pub fn new(options: &Options, columns: Vec<Vec<String>>) -> Self {
        let mut keys: Vec<(String, usize)> = (0..columns.len()).map(|c| (tag_key(c), c)).collect();
        keys.sort();
        Hf {
            options: options.clone(),
            tagger: Tagger::new(columns),
            keys,
        }
    }
}

/// One row: `{"id", "document", "annotator" (when there is one), "tokens",
/// then each column's tags under its key}`.
struct HfRow<'a> {
    id: &'a str,
    document: &'a str,
    annotator: Option<&'a str>,
    tokens: &'a [Token],
    text: &'a SourceText,
    /// Each column's key, in order, with the column's tags of the row.
    tags: &'a [(&'a str, &'a [u16])],
}

impl Serialize for HfRow<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", self.id)?;
        map.serialize_entry("document", self.document)?;
        if let Some(annotator) = self.annotator {
            map.serialize_entry("annotator", annotator)?;
        }
        map.serialize_entry(
            "tokens",
            &Tokens {
                tokens: self.tokens,
                text: self.text,
            },
        )?;
        for (key, tags) in self.tags {
            map.serialize_entry(key, tags)?;
        }
        map.end()
    }
}

/// A row's tokens, as a list of their texts.
struct Tokens<'a> {
    tokens: &'a [Token],
    text: &'a SourceText,
}

impl Serialize for Tokens<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.tokens.iter().map(|t| t.text(self.text)))
    }
}

/// A document as the Hugging Face sink renders it: its lines, or, for a long
/// text, what they are written from (a copy of the text and its tagging), so
/// that its rows go to the output one at a time instead of being built
/// whole: the JSON of a long text's rows is about three times the text.
pub enum HfOutput {
    Lines(Vec<u8>),
    Deferred(Box<Deferred>),
}

/// What a long document's rows are written from.
pub struct Deferred {
    id: String,
    annotator: String,
    text: SourceText,
    tagging: Tagging,
}

/// Texts longer than this many bytes are written row by row at append time.
const DEFER_OVER: usize = 1 << 22;

impl Hf {
    /// Writes the document's rows to `out`, one at a time.
    fn write_rows(
        &self,
        out: &mut dyn Write,
        id: &str,
        annotator: &str,
        text: &SourceText,
        tagging: &Tagging,
    ) -> Result<(), ExportError> {
        let whole = self.options.hf_unit == HfUnit::Document;
        let mut row_id = String::with_capacity(id.len() + 8);
        let mut n = 0;
        // Rows go out as they are serialized: one row can be a whole long
        // text (`--hf-unit document`).
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        tagging.rows(text, whole, |row, columns| -> Result<(), ExportError> {
            n += 1;
            let tags: Vec<(&str, &[u16])> = self
                .keys
                .iter()
                .map(|(key, c)| (key.as_str(), columns[*c].as_slice()))
                .collect();
            row_id.clear();
            row_id.push_str(id);
            if !whole {
                row_id.push('#');
                row_id.push_str(itoa::Buffer::new().format(n));
            }
            let record = HfRow {
                id: &row_id,
                document: id,
                annotator: self.options.name_annotators.then_some(annotator),
                tokens: row,
                text,
                tags: &tags,
            };
            serde_json::to_writer(&mut out, &record)?;
            out.write_all(b"\n")?;
            Ok(())
        })?;
        out.flush()?;
        Ok(())
    }
}

impl Sink for Hf {
    type Output = HfOutput;

    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(HfOutput, usize), ExportError> {
        let tagging = self.tagger.tag(item, losses);
        let carried = tagging.carried;
        if item.text.as_str().len() > DEFER_OVER {
            let deferred = Deferred {
                id: item.id.to_owned(),
                annotator: item.annotator.to_owned(),
                text: item.text.clone(),
                tagging,
            };
            return Ok((HfOutput::Deferred(Box::new(deferred)), carried));
        }
        // A token costs a few bytes more than its text, more so in JSON:
        // room for it at once rather than by doubling.
        let mut out = Vec::with_capacity(
            2 * tagging.counts.token_bytes
                + 8 * tagging.counts.tokens * (1 + self.keys.len())
                + 256,
        );
        self.write_rows(&mut out, item.id, item.annotator, item.text, &tagging)?;
        Ok((HfOutput::Lines(out), carried))
    }

    fn append(&mut self, out: &mut dyn Write, output: HfOutput) -> Result<(), ExportError> {
        match output {
            HfOutput::Lines(lines) => out.write_all(&lines)?,
            HfOutput::Deferred(deferred) => {
                let Deferred {
                    id,
                    annotator,
                    text,
                    tagging,
                } = *deferred;
                self.write_rows(out, &id, &annotator, &text, &tagging)?;
            }
        }
        Ok(())
    }

    fn finish(
        &mut self,
        out: &mut dyn Write,
        _losses: &mut Vec<Loss>,
    ) -> Result<Vec<Sidecar>, ExportError> {
        out.flush()?;
        let mut names = serde_json::Map::new();
        for (c, column) in self.tagger.columns().iter().enumerate() {
            names.insert(tag_key(c), serde_json::json!(tag_names(column)));
        }
        let json = serde_json::to_string_pretty(&names)?;
        Ok(vec![(super::HF_TAGS, json + "\n")])
    }
}

/// `ner_tags` for the first layer, `ner_tags_2`... for the others.
fn tag_key(column: usize) -> String {
    if column == 0 {
        "ner_tags".to_owned()
    } else {
        format!("ner_tags_{}", column + 1)
    }
}
