//! Hugging Face datasets JSONL: `{"id", "document", "tokens", "ner_tags"}`
//! per row (a sentence, see [`super::tagged`]) or per document, with
//! `"annotator"` after `"document"` when several annotators are exported,
//! and `ner_tags_2`, `ner_tags_3`... for further layers. The tag names
//! (index = value) go to a `.tags.json` sidecar.

use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::pipeline::{Item, Sink};
use super::tagged::{Tagger, tag_names};
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

impl Sink for Hf {
    /// The document's lines.
    type Output = Vec<u8>;

    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(Vec<u8>, usize), ExportError> {
        let tagging = self.tagger.tag(item, losses);
        let whole = self.options.hf_unit == HfUnit::Document;
        // A token costs a few bytes more than its text, more so in JSON:
        // room for it at once rather than by doubling.
        let mut out = Vec::with_capacity(
            2 * tagging.counts.token_bytes
                + 8 * tagging.counts.tokens * (1 + self.keys.len())
                + 256,
        );
        let mut id = String::with_capacity(item.id.len() + 8);
        let mut n = 0;
        tagging.rows(
            item.text,
            whole,
            |row, columns| -> Result<(), ExportError> {
                n += 1;
                let tags: Vec<(&str, &[u16])> = self
                    .keys
                    .iter()
                    .map(|(key, c)| (key.as_str(), columns[*c].as_slice()))
                    .collect();
                id.clear();
                id.push_str(item.id);
                if !whole {
                    id.push('#');
                    id.push_str(itoa::Buffer::new().format(n));
                }
                let record = HfRow {
                    id: &id,
                    document: item.id,
                    annotator: self.options.name_annotators.then_some(item.annotator),
                    tokens: row,
                    text: item.text,
                    tags: &tags,
                };
                serde_json::to_writer(&mut out, &record)?;
                out.push(b'\n');
                Ok(())
            },
        )?;
        Ok((out, tagging.carried))
    }

    fn append(&mut self, out: &mut dyn Write, lines: Vec<u8>) -> Result<(), ExportError> {
        out.write_all(&lines)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<Vec<Sidecar>, ExportError> {
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
