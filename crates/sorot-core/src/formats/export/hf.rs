//! Hugging Face datasets JSONL: `{"id", "document", "tokens", "ner_tags"}`
//! per row (a sentence, see [`super::tagged`]) or per document, with
//! `"annotator"` after `"document"` when several annotators are exported,
//! and `ner_tags_2`, `ner_tags_3`... for further layers. The tag names
//! (index = value) go to a `.tags.json` sidecar.

use std::io::Write;

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

impl HfRow<'_> {
    /// Writes the row as `serde_json` writes the same map, compact; a test
    /// checks it byte for byte. Strings that need escaping go through
    /// `serde_json`.
    fn write(&self, out: &mut Vec<u8>) -> std::io::Result<()> {
        out.extend_from_slice(b"{\"id\":");
        json_string(out, self.id)?;
        out.extend_from_slice(b",\"document\":");
        json_string(out, self.document)?;
        if let Some(annotator) = self.annotator {
            out.extend_from_slice(b",\"annotator\":");
            json_string(out, annotator)?;
        }
        out.extend_from_slice(b",\"tokens\":[");
        for (i, token) in self.tokens.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json_string(out, token.text(self.text))?;
        }
        out.push(b']');
        for (key, tags) in self.tags {
            out.push(b',');
            json_string(out, key)?;
            out.extend_from_slice(b":[");
            let mut digits = itoa::Buffer::new();
            for (i, tag) in tags.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(digits.format(*tag).as_bytes());
            }
            out.push(b']');
        }
        out.push(b'}');
        Ok(())
    }
}

/// `s` as a JSON string: as it is between quotes when JSON needs no escape
/// in it (no quote, backslash or control character), else as `serde_json`
/// writes it.
fn json_string(out: &mut Vec<u8>, s: &str) -> std::io::Result<()> {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        serde_json::to_writer(&mut *out, s).map_err(std::io::Error::from)
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
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
        let rows = match self.options.hf_unit {
            HfUnit::Sentence => tagging.rows,
            HfUnit::Document => std::iter::once(0..tagging.tokens.len()).collect(),
        };
        // A token costs a few bytes more than its text, more so in JSON:
        // room for it at once rather than by doubling.
        let mut out = Vec::with_capacity(4 * item.text.as_str().len() + 256);
        let mut id = String::with_capacity(item.id.len() + 8);
        let mut tags = Vec::with_capacity(self.keys.len());
        for (n, row) in rows.iter().enumerate() {
            tags.clear();
            tags.extend(
                self.keys
                    .iter()
                    .map(|(key, c)| (key.as_str(), &tagging.columns[*c][row.clone()])),
            );
            id.clear();
            id.push_str(item.id);
            if self.options.hf_unit == HfUnit::Sentence {
                id.push('#');
                id.push_str(itoa::Buffer::new().format(n + 1));
            }
            let record = HfRow {
                id: &id,
                document: item.id,
                annotator: self.options.name_annotators.then_some(item.annotator),
                tokens: &tagging.tokens[row.clone()],
                text: item.text,
                tags: &tags,
            };
            record.write(&mut out)?;
            out.push(b'\n');
        }
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
        Ok(vec![(".tags.json", json + "\n")])
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::ser::{SerializeMap, Serializer};

    use super::*;
    use crate::formats::tokenize;

    /// The row as `serde_json` writes it: a map in the order of the fields.
    fn through_serde(row: &HfRow<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::new(&mut out);
        let mut map = serializer.serialize_map(None).unwrap();
        map.serialize_entry("id", row.id).unwrap();
        map.serialize_entry("document", row.document).unwrap();
        if let Some(annotator) = row.annotator {
            map.serialize_entry("annotator", annotator).unwrap();
        }
        let tokens: Vec<&str> = row.tokens.iter().map(|t| t.text(row.text)).collect();
        map.serialize_entry("tokens", &tokens).unwrap();
        for (key, tags) in row.tags {
            map.serialize_entry(key, tags).unwrap();
        }
        map.end().unwrap();
        out
    }

    /// Characters that JSON escapes, or that are near those it escapes.
    fn any_char() -> impl Strategy<Value = char> {
        prop_oneof![
            4 => any::<char>(),
            1 => prop::sample::select(vec![
                '"', '\\', '\u{0}', '\u{1f}', '\n', '\r', '\t', '\u{7f}', '\u{2028}', '😊', '“',
                'a', ' ',
            ]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn rows_are_written_as_serde_json_writes_them(
            text in prop::collection::vec(any_char(), 1..80),
            id in prop::collection::vec(any_char(), 0..12),
            annotator in proptest::option::of(prop::collection::vec(any_char(), 0..6)),
            tags in prop::collection::vec(prop::collection::vec(0u16..300, 0..40), 0..3),
        ) {
            let text = SourceText::new(text.into_iter().collect()).unwrap();
            let tokens = tokenize::tokens(&text);
            let (id, annotator): (String, Option<String>) = (
                id.into_iter().collect(),
                annotator.map(|a| a.into_iter().collect()),
            );
            let keys: Vec<String> = (0..tags.len()).map(tag_key).collect();
            let tags: Vec<(&str, &[u16])> = keys
                .iter()
                .zip(&tags)
                .map(|(key, tags)| (key.as_str(), tags.as_slice()))
                .collect();
            let row = HfRow {
                id: &id,
                document: "a/b.txt",
                annotator: annotator.as_deref(),
                tokens: &tokens,
                text: &text,
                tags: &tags,
            };
            let mut written = Vec::new();
            row.write(&mut written).unwrap();
            prop_assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(through_serde(&row)).unwrap()
            );
        }
    }
}
