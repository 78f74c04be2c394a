//! What the readers of every format make of an input.
//!
//! Terms:
//! - **record**: one document of an input, with its text when the input
//!   carries it and its spans, by offsets as the input counts them until
//!   [`check`](super::check) converts them into code points of its text.
//! - **new span**: one span of a record, with the line of the input it was
//!   read from.
//! - **reading**: the records a part of an input gave, in input order, with
//!   its losses.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::ImportError;
use crate::formats::export::Loss;
use crate::model::Note;

/// One span read from an input, in code points, with where it came from.
#[derive(Debug, Clone)]
pub(super) struct NewSpan {
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub note: String,
    /// The line of the input the span was read from (for Label Studio, the
    /// number of its task).
    pub line: usize,
    /// Typed notes, the normalized value (with the resource it names an
    /// entry of, and that entry's name) and attributes, where the input
    /// carries them.
    pub notes: Vec<Note>,
    pub value: String,
    pub resource: String,
    pub entry_name: String,
    pub attributes: BTreeMap<String, String>,
    /// The text the input says the span covers, where it says (Label
    /// Studio's `value.text`): checked against the text at its offsets.
    pub quoted: Option<String>,
    /// The id of the region the span was read from, where the input names
    /// regions (Label Studio's `id`).
    pub region: Option<String>,
}

impl NewSpan {
    /// A span with neither note, value nor attributes.
    pub(super) fn new(start: usize, end: usize, label: String, line: usize) -> Self {
        NewSpan {
            start,
            end,
            label,
            note: String::new(),
            line,
            notes: Vec::new(),
            value: String::new(),
            resource: String::new(),
            entry_name: String::new(),
            attributes: BTreeMap::new(),
            quoted: None,
            region: None,
        }
    }
}

/// One document read from an input.
#[derive(Debug)]
pub(super) struct Record {
    pub id: String,
    pub file: PathBuf,
    pub line: usize,
    /// The text, when the input carries it.
    pub text: Option<String>,
    pub annotator: Option<String>,
    pub spans: Vec<NewSpan>,
    /// Relations between the record's spans, by their positions in `spans`.
    pub relations: Vec<(usize, usize, String)>,
    /// The same, by the spans' (start, end, label) once offsets are converted.
    pub relation_keys: Vec<(SpanKey, SpanKey, String)>,
    /// What the record's offsets count until they are converted.
    pub offsets: Counted,
}

/// A span's place and label: what identifies it across renumbering.
pub(super) type SpanKey = (usize, usize, String);

/// What a record's offsets count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counted {
    /// Code points of the text: nothing to convert.
    CodePoints,
    /// The unit the user named with `--offsets`.
    AsOptions,
    /// brat: code points of the text read with LF line ends.
    CodePointsWithLf,
}

/// What an input, or a part of it (a line, a task), gave.
#[derive(Debug, Default)]
pub(super) struct Reading {
    /// Its records, in input order.
    pub records: Vec<Record>,
    /// What of it cannot be imported, in input order.
    pub losses: Vec<Loss>,
    /// What was read other than as written, and said so (a byte order
    /// mark skipped).
    pub notes: Vec<String>,
    /// Errors of parts that could not be read (a line of a JSONL file, a
    /// task), in input order; the other parts are read on.
    pub errors: Vec<ImportError>,
}

impl Reading {
    /// Adds what a later part of the input gave.
    pub(super) fn append(&mut self, later: Reading) {
        self.records.extend(later.records);
        self.losses.extend(later.losses);
        self.notes.extend(later.notes);
        self.errors.extend(later.errors);
    }
}

/// The content of the input file at `path`, which must be UTF-8.
pub(super) fn read_to_string(path: &Path) -> Result<String, ImportError> {
    let bytes = fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|err| {
        let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        ImportError::Input {
            file: path.to_owned(),
            line: valid.iter().filter(|b| **b == b'\n').count() + 1,
            message: "not UTF-8; save it as UTF-8".into(),
        }
    })
}

/// Reads a JSON or CoNLL input as [`read_to_string`] does. A byte order
/// mark at its start, which JSON does not allow and which would make a
/// CoNLL file's first token another one, but which some programs write, is
/// skipped and said in `notes`, as Python's `utf-8-sig` reads it.
pub(super) fn read_skipping_bom(
    path: &Path,
    notes: &mut Vec<String>,
) -> Result<String, ImportError> {
    let mut content = read_to_string(path)?;
    if content.starts_with('\u{feff}') {
        content.drain(..'\u{feff}'.len_utf8());
        notes.push(format!(
            "{}: starts with a byte order mark (BOM, U+FEFF), which the format does not allow; read without it",
            path.display()
        ));
    }
    Ok(content)
}

/// The input's file name with `suffix` and `.txt`, for records that carry
/// no id.
pub(super) fn stem_id(path: &Path, suffix: &str) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into());
    format!("{stem}{suffix}.txt")
}
