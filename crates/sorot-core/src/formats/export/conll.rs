//! Token-tagged exports: CoNLL-2003 style columns and Hugging Face JSONL.
//!
//! Tokens and sentences come from [`crate::formats::tokenize`]. Each layer becomes one
//! IOB2 tag column (`B-label`, `I-label`, `O`). A span is carried when its
//! edges fall on token edges and no other span of its layer covers any of its
//! tokens; otherwise it is reported as a loss. A sentence boundary inside an
//! exported span is ignored, so that no entity is cut in two.
//!
//! - CoNLL: `token tag [tag ...]` per line, a blank line after each sentence,
//!   `-DOCSTART-` and a blank line before each document. spaCy's
//!   `spacy convert -c ner` reads the last column.
//! - Hugging Face: `{"id", "document", "tokens", "ner_tags"}` per sentence or
//!   per document, with `ner_tags_2`, `ner_tags_3`... for further layers; the
//!   tag names (index = value) go to a `.tags.json` file beside the output.

use std::io::Write;

use super::{ExportError, Format, HfUnit, Item, Loss, Options, Sidecar, Sink, quote};
use crate::formats::tokenize::{self, Token};

pub struct Tagged {
    options: Options,
    columns: Vec<Vec<String>>,
    /// The tag names of each column, index = tag value.
    names: Vec<Vec<String>>,
    /// Each column's key in a Hugging Face row, with the column, sorted by key.
    keys: Vec<(String, usize)>,
}

impl Tagged {
    pub fn new(options: &Options, columns: Vec<Vec<String>>) -> Self {
        let names = columns.iter().map(|c| Tagged::tag_names(c)).collect();
        let mut keys: Vec<(String, usize)> = (0..columns.len()).map(|c| (tag_key(c), c)).collect();
        keys.sort();
        Tagged {
            options: options.clone(),
            columns,
            names,
            keys,
        }
    }

    /// Tag names of a column, index = Hugging Face value: O, then B- and I- of each label.
    fn tag_names(column: &[String]) -> Vec<String> {
        let mut names = vec!["O".to_owned()];
        for label in column {
            names.push(format!("B-{label}"));
            names.push(format!("I-{label}"));
        }
        names
    }
}

/// One layer's tags: 0 for O, 1 + 2k for B of label k, 2 + 2k for I.
type Tags = Vec<u16>;

/// One Hugging Face row: `{"id", "document", "annotator" (when there is
/// one), "tokens", then each column's tags under its key}`.
struct HfRow<'a> {
    id: &'a str,
    document: &'a str,
    annotator: Option<&'a str>,
    tokens: &'a [&'a Token],
    text: &'a crate::model::text::SourceText,
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

impl Sink for Tagged {
    /// The document's lines.
    type Output = Vec<u8>;

    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(Vec<u8>, usize), ExportError> {
        let sentences = &tokenize::sentences(item.text);
        let tokens: Vec<&Token> = sentences.iter().flatten().collect();
        let mut sentence_of = Vec::with_capacity(tokens.len());
        for (i, sentence) in sentences.iter().enumerate() {
            sentence_of.extend(std::iter::repeat_n(i, sentence.len()));
        }
        // Whether a sentence ends after sentence i (false when a span goes on).
        let mut ends = vec![true; sentences.len()];
        let mut columns: Vec<Tags> = vec![vec![0; tokens.len()]; self.columns.len()];
        let mut carried = 0;
        for span in &item.spans {
            let Some(c) = self
                .columns
                .iter()
                .position(|col| col.contains(&span.label))
            else {
                continue;
            };
            let label_index = self.columns[c]
                .iter()
                .position(|l| *l == span.label)
                .unwrap_or(0) as u16;
            let first = tokens.partition_point(|t| t.end <= span.start);
            let end = tokens.partition_point(|t| t.start < span.end);
            let loss = |reason: String| Loss {
                file: item.file.clone(),
                span: Some(span.id),
                reason,
            };
            if first >= end {
                losses.push(loss(format!(
                    "{} {} covers no token",
                    span.label,
                    quote(&span.text)
                )));
                continue;
            }
            if tokens[first].start != span.start || tokens[end - 1].end != span.end {
                let inside = if tokens[first].start != span.start {
                    tokens[first]
                } else {
                    tokens[end - 1]
                };
                losses.push(loss(format!(
                    "{} {} [{}, {}) has an edge inside the token {} [{}, {}); tokens follow Unicode word boundaries",
                    span.label,
                    quote(&span.text),
                    span.start,
                    span.end,
                    quote(inside.text(item.text)),
                    inside.start,
                    inside.end
                )));
                continue;
            }
            if let Some(taken) = columns[c][first..end].iter().position(|t| *t != 0) {
                let token = tokens[first + taken];
                losses.push(loss(format!(
                    "{} {} overlaps another span in its tag column ({}) at the token {}; put these labels in different --layers",
                    span.label,
                    quote(&span.text),
                    self.columns[c].join(","),
                    quote(token.text(item.text))
                )));
                continue;
            }
            columns[c][first] = 1 + 2 * label_index;
            for tag in &mut columns[c][first + 1..end] {
                *tag = 2 + 2 * label_index;
            }
            for flag in &mut ends[sentence_of[first]..sentence_of[end - 1]] {
                *flag = false;
            }
            carried += 1;
        }
        // Rows: runs of tokens between the sentence ends that remain.
        let mut rows: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = 0;
        let mut next = 0;
        for (i, sentence) in sentences.iter().enumerate() {
            next += sentence.len();
            if ends[i] {
                rows.push(start..next);
                start = next;
            }
        }
        if start < next {
            rows.push(start..next);
        }
        let names = &self.names;
        // A token costs a few bytes more than its text, more so in JSON:
        // room for it at once rather than by doubling.
        let mut out = Vec::with_capacity(4 * item.text.as_str().len() + 256);
        match self.options.format {
            Format::Hf => {
                if self.options.hf_unit == HfUnit::Document {
                    rows = std::iter::once(0..tokens.len()).collect();
                }
                let mut id = String::with_capacity(item.id.len() + 8);
                let mut tags = Vec::with_capacity(self.keys.len());
                for (n, row) in rows.iter().enumerate() {
                    tags.clear();
                    tags.extend(
                        self.keys
                            .iter()
                            .map(|(key, c)| (key.as_str(), &columns[*c][row.clone()])),
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
                        tokens: &tokens[row.clone()],
                        text: item.text,
                        tags: &tags,
                    };
                    record.write(&mut out)?;
                    out.push(b'\n');
                }
            }
            _ => {
                let outside = vec!["O"; columns.len()].join(" ");
                // The document is built in memory and written at once.
                let mut text = format!("-DOCSTART- {outside}\n\n");
                for row in &rows {
                    for i in row.clone() {
                        text.push_str(tokens[i].text(item.text));
                        for (c, column) in columns.iter().enumerate() {
                            text.push(' ');
                            text.push_str(&names[c][column[i] as usize]);
                        }
                        text.push('\n');
                    }
                    text.push('\n');
                }
                out = text.into_bytes();
            }
        }
        Ok((out, carried))
    }

    fn append(&mut self, out: &mut dyn Write, lines: Vec<u8>) -> Result<(), ExportError> {
        out.write_all(&lines)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<Vec<Sidecar>, ExportError> {
        out.flush()?;
        if self.options.format != Format::Hf {
            return Ok(Vec::new());
        }
        let mut names = serde_json::Map::new();
        for (c, column) in self.columns.iter().enumerate() {
            names.insert(tag_key(c), serde_json::json!(Tagged::tag_names(column)));
        }
        let json = serde_json::to_string_pretty(&names).map_err(std::io::Error::from)?;
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
    use crate::model::text::SourceText;

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
            let tokens: Vec<&Token> = tokens.iter().collect();
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
