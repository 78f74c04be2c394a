//! CoNLL-2003 style columns: `token tag [tag ...]` per line, one tag column
//! per layer (see [`super::tagged`]), a blank line after each row,
//! `-DOCSTART- -X- O O` and a blank line before each document, the line
//! that CoNLL-2003's files hold and that spaCy's `spacy convert -c ner`
//! splits documents at (it reads the last column as the tags).

use std::io::Write;

use super::pipeline::{Item, Sink};
use super::tagged::{Tagger, tag_names};
use super::{ExportError, Loss, Sidecar};

/// The line before each document, with the blank line after it.
const DOCSTART: &str = "-DOCSTART- -X- O O\n\n";

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
        // The document is built in memory and written at once: its exact
        // size is counted first, so that it is made without growing (a long
        // text's lines would otherwise be copied as they double).
        let header = DOCSTART;
        let tokens = tagging.counts.tokens;
        let size = header.len()
            + tagging.row_count()
            + tagging.counts.token_bytes
            + tokens * (1 + self.names.len())
            + (0..self.names.len())
                .map(|c| tagging.tag_bytes(c, &self.names[c]))
                .sum::<usize>();
        let mut text = String::with_capacity(size);
        text.push_str(header);
        tagging.rows(item.text, false, |row, tags| -> Result<(), ExportError> {
            for (i, token) in row.iter().enumerate() {
                text.push_str(token.text(item.text));
                for (c, column) in tags.iter().enumerate() {
                    text.push(' ');
                    text.push_str(&self.names[c][column[i] as usize]);
                }
                text.push('\n');
            }
            text.push('\n');
            Ok(())
        })?;
        debug_assert_eq!(text.len(), size, "the CoNLL document's size was counted");
        Ok((text.into_bytes(), tagging.carried))
    }

    fn append(&mut self, out: &mut dyn Write, lines: Vec<u8>) -> Result<(), ExportError> {
        out.write_all(&lines)?;
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
