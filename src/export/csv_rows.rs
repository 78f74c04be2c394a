//! One CSV row per span: document, annotator, label, start, end, text, left
//! and right context (40 characters each), note, normalized value, attributes (`name=value; …`). A cell that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) gets a leading `'`, so it shows as text.

use std::io::Write;

use super::{ExportError, Item, Loss, Offsets, Options, Sidecar, Sink};

/// Characters of context on each side of a span.
const CONTEXT: usize = 40;

pub struct CsvRows<'a> {
    out: csv::Writer<&'a mut dyn Write>,
    options: Options,
}

impl<'a> CsvRows<'a> {
    pub fn new(out: &'a mut dyn Write, options: &Options) -> Result<Self, ExportError> {
        let mut out = csv::Writer::from_writer(out);
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
        ])
        .map_err(csv_error)?;
        Ok(CsvRows {
            out,
            options: options.clone(),
        })
    }
}

impl Sink for CsvRows<'_> {
    fn write(&mut self, item: &Item<'_>, _losses: &mut Vec<Loss>) -> Result<usize, ExportError> {
        let offsets = Offsets::new(item.text, self.options.offsets);
        let len = item.text.len_chars();
        for span in &item.spans {
            let left = item
                .text
                .slice(span.start.saturating_sub(CONTEXT)..span.start);
            let right = item.text.slice(span.end..(span.end + CONTEXT).min(len));
            self.out
                .write_record([
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
                ])
                .map_err(csv_error)?;
        }
        Ok(item.spans.len())
    }

    fn finish(&mut self) -> Result<Vec<Sidecar>, ExportError> {
        self.out.flush()?;
        Ok(Vec::new())
    }
}

/// Makes a cell that a spreadsheet would evaluate show as text.
pub fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn csv_error(err: csv::Error) -> ExportError {
    ExportError::Write(std::io::Error::other(err))
}
