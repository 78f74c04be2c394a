//! CSV: one row per span, for spreadsheets and statistics. The columns:
//! document, annotator, label, start, end, text, left and right context (40
//! characters each), note, normalized value, attributes (`name=value; …`).
//! A span's typed notes and the resource of its value have no column: each
//! span's are one loss.
//! A cell that a spreadsheet would run as a formula gets a leading `'`, so it
//! shows as text: one starting with a tab or a carriage return, or whose
//! first character after any white space (spaces, no-break spaces, line
//! feeds) is `=`, `+`, `-`, `@` or their full-width forms `＝ ＋ － ＠`.

use std::io::Write;

use super::pipeline::{Item, Sink};
use super::{ExportError, Loss, Offsets, Options, Sidecar};

/// Characters of context on each side of a span.
const CONTEXT: usize = 40;

pub struct CsvRows {
    options: Options,
}

impl CsvRows {
    pub fn new(options: &Options) -> Self {
        CsvRows {
            options: options.clone(),
        }
    }
}

impl Sink for CsvRows {
    /// The document's rows.
    type Output = Vec<u8>;

    fn begin(&mut self, out: &mut dyn Write) -> Result<(), ExportError> {
        let mut out = ::csv::Writer::from_writer(out);
        out.write_record([
            "document",
            "annotator",
            "label",
            "start",
            "end",
            "text",
            "left_context",
            "right_context",
            "note",
            "value",
            "attributes",
        ])?;
        out.flush()?;
        Ok(())
    }

    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(Vec<u8>, usize), ExportError> {
        // A row per span, with its text and context.
        let mut out = ::csv::Writer::from_writer(Vec::with_capacity(256 * item.spans.len() + 256));
        let offsets = Offsets::new(item.text, self.options.offsets);
        let len = item.text.len_chars();
        for span in &item.spans {
            super::lose_typed_notes_and_resource(&item.file, span, losses);
            let left = item
                .text
                .slice(span.start.saturating_sub(CONTEXT)..span.start);
            let right = item.text.slice(span.end..(span.end + CONTEXT).min(len));
            out.write_record([
                inert(item.id).as_str(),
                inert(item.annotator).as_str(),
                inert(&span.label).as_str(),
                &offsets.map(span.start).to_string(),
                &offsets.map(span.end).to_string(),
                inert(&span.text).as_str(),
                inert(left).as_str(),
                inert(right).as_str(),
                inert(&span.note).as_str(),
                inert(&span.value).as_str(),
                inert(
                    &span
                        .attributes
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
                .as_str(),
            ])?;
        }
        let rows = out
            .into_inner()
            .map_err(|err| ExportError::Write(err.into_error()))?;
        Ok((rows, item.spans.len()))
    }

    fn append(&mut self, out: &mut dyn Write, rows: Vec<u8>) -> Result<(), ExportError> {
        out.write_all(&rows)?;
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

/// The characters that start a formula, in their ASCII and full-width forms.
const FORMULA: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Makes a cell that a spreadsheet would evaluate show as text.
pub fn inert(cell: &str) -> String {
    let formula = cell.starts_with(['\t', '\r'])
        || cell
            .trim_start_matches(char::is_whitespace)
            .starts_with(FORMULA);
    if formula {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_shown_as_text() {
        for cell in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            " =1+1",
            "\u{a0}=1+1",
            "＝1+1",
            "\n=1+1",
            " \n @x",
            "＠x",
        ] {
            assert_eq!(inert(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["“Kim” 😊", "Kim = Putin", "a\n=b", "", " ", "e-mail"] {
            assert_eq!(inert(cell), cell, "{cell:?}");
        }
    }
}
