//! CoNLL-2003 style columns: `token tag [tag ...]` per line, one tag column
//! per layer (see [`super::tagged`]), a blank line after each row,
//! `-DOCSTART-` and a blank line before each document. spaCy's
//! `spacy convert -c ner` reads the last column.

use std::io::Write;

use super::pipeline::{Item, Sink};
use super::tagged::{Tagger, tag_names};
use super::{ExportError, Loss, Sidecar};

pub struct Conll {
    tagger: Tagger,
    /// The tag names of each column, index = tag value.
    names: Vec<Vec<String>>,
}

impl Conll {
    pub fn new(columns: Vec<Vec<String>>) -> Self {
        let names = columns.iter().map(|c| tag_names(c)).collect();
        Conll {
            tagger: Tagger::new(columns),
            names,
        }
    }
}

impl Sink for Conll {
    /// The document's lines.
    type Output = Vec<u8>;

    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(Vec<u8>, usize), ExportError> {
        let tagging = self.tagger.tag(item, losses);
        let outside = vec!["O"; tagging.columns.len()].join(" ");
        // The document is built in memory and written at once: its exact
        // size is counted first, so that it is made without growing (a long
        // text's lines would otherwise be copied as they double).
        let header = format!("-DOCSTART- {outside}\n\n");
        let size = header.len()
            + tagging.rows.len()
            + tagging
                .rows
                .iter()
                .flat_map(Clone::clone)
                .map(|i| {
                    let token = tagging.tokens[i].text(item.text).len() + 1;
                    let tags: usize = tagging
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(c, column)| 1 + self.names[c][column[i] as usize].len())
                        .sum();
                    token + tags
                })
                .sum::<usize>();
        let mut text = String::with_capacity(size);
        text.push_str(&header);
        for row in &tagging.rows {
            for i in row.clone() {
                text.push_str(tagging.tokens[i].text(item.text));
                for (c, column) in tagging.columns.iter().enumerate() {
                    text.push(' ');
                    text.push_str(&self.names[c][column[i] as usize]);
                }
                text.push('\n');
            }
            text.push('\n');
        }
        Ok((text.into_bytes(), tagging.carried))
    }

    fn append(&mut self, out: &mut dyn Write, lines: Vec<u8>) -> Result<(), ExportError> {
        out.write_all(&lines)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<Vec<Sidecar>, ExportError> {
        out.flush()?;
        Ok(Vec::new())
    }
}
