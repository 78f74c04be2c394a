//! doccano JSONL: one JSON object a line, a document each.
//!
//! Terms:
//! - **line**: `{"text", "label": [[start, end, label]]}`, or with
//!   `"entities"` (objects with `start_offset`, `end_offset`, `label`, `id`)
//!   and `"relations"` between them; `"id"`, `"annotator"`, `"meta"` and
//!   Sorot's own `"span_details"` (note, typed notes, value with its
//!   resource and entry name, attributes per span) may come with either.
//!
//! Each line is parsed as a JSON tree. Offsets count what `--offsets` names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use super::ImportError;
use super::record::{Counted, NewSpan, Reading, Record, read_skipping_bom, stem_id};
use crate::formats::export::Loss;
use crate::model::Note;

/// Reads the doccano file `input`, its lines in parallel.
pub(super) fn read_input(input: &Path, reading: &mut Reading) -> Result<(), ImportError> {
    let content = read_skipping_bom(input, &mut reading.notes)?;
    let lines: Vec<(usize, &str)> = content
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| (n + 1, line))
        .collect();
    // Lines are read in parallel and taken in order.
    let read: Vec<Result<Reading, ImportError>> = lines
        .par_iter()
        .map(|&(line_number, line)| read_line(input, line_number, line))
        .collect();
    for result in read {
        match result {
            Ok(line) => reading.append(line),
            Err(error) => reading.errors.push(error),
        }
    }
    Ok(())
}

/// The document id of a doccano line: its `id`, or else made from the input's
/// name and the line number.
fn doccano_id(input: &Path, line_number: usize, id: Option<&Value>) -> String {
    match id {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(number)) => format!(
            "{}-{number}.txt",
            stem_id(input, "").trim_end_matches(".txt")
        ),
        _ => stem_id(input, &format!("-line{line_number}")),
    }
}

/// Reads one doccano line: its record, if it has one, and its losses.
fn read_line(input: &Path, line_number: usize, line: &str) -> Result<Reading, ImportError> {
    let mut losses = Vec::new();
    let error = |message: String| ImportError::Input {
        file: input.to_owned(),
        line: line_number,
        message,
    };
    let mut value: Value = serde_json::from_str(line).map_err(|source| ImportError::Json {
        file: input.to_owned(),
        line: line_number,
        source,
    })?;
    let Some(Value::String(text)) = value.get_mut("text").map(Value::take) else {
        losses.push(Loss {
            file: format!("{}:{line_number}", input.display()),
            span: None,
            reason: "the record has no \"text\"; skipped".into(),
        });
        return Ok(Reading {
            losses,
            ..Reading::default()
        });
    };
    let id = doccano_id(input, line_number, value.get("id"));
    let mut spans = Vec::new();
    let number = |v: &Value, what: &str| {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| error(offset_problem(v, what)))
    };
    if let Some(labels) = value.get("label").and_then(Value::as_array) {
        for triple in labels {
            let Some([start, end, label]) = triple.as_array().map(Vec::as_slice) else {
                return Err(error(format!(
                    "a label is [start, end, \"label\"], not {triple}"
                )));
            };
            let label = label
                .as_str()
                .ok_or_else(|| error(format!("label {label} is not a string")))?;
            spans.push(NewSpan::new(
                number(start, "start")?,
                number(end, "end")?,
                label.to_owned(),
                line_number,
            ));
        }
    }
    // Entity id -> position of its span, for the relations.
    let mut entity_spans: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(entities) = value.get("entities").and_then(Value::as_array) {
        for entity in entities {
            if let Some(entity_id) = entity.get("id") {
                entity_spans.insert(entity_id.to_string(), spans.len());
            }
            let field = |name: &str| {
                entity
                    .get(name)
                    .ok_or_else(|| error(format!("an entity lacks {name:?}")))
            };
            let label = field("label")?
                .as_str()
                .ok_or_else(|| error("an entity's label is not a string".into()))?;
            spans.push(NewSpan::new(
                number(field("start_offset")?, "start_offset")?,
                number(field("end_offset")?, "end_offset")?,
                label.to_owned(),
                line_number,
            ));
        }
    }
    let mut problems = Vec::new();
    match value.get("span_details") {
        None | Some(Value::Null) => {}
        Some(Value::Array(details)) => {
            let mut detailed = BTreeSet::new();
            for detail in details {
                attach_details(&mut spans, detail, &mut detailed, &mut problems);
            }
        }
        Some(other) => problems.push(format!(
            "\"span_details\" is not a list, so it was not imported: {other}"
        )),
    }
    losses.extend(problems.into_iter().map(|reason| Loss {
        file: format!("{}:{line_number}", input.display()),
        span: None,
        reason,
    }));
    let mut record_relations = Vec::new();
    for relation in value
        .get("relations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let end = |name: &str| {
            relation
                .get(name)
                .and_then(|id| entity_spans.get(&id.to_string()))
                .copied()
        };
        let kind = relation
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("related")
            .to_owned();
        match (end("from_id"), end("to_id")) {
            (Some(from), Some(to)) => record_relations.push((from, to, kind)),
            _ => losses.push(Loss {
                file: format!("{}:{line_number}", input.display()),
                span: None,
                reason: format!(
                    "relation {kind} names an entity the record does not have; not imported"
                ),
            }),
        }
    }
    if let Some(meta) = value.get("meta").and_then(Value::as_object)
        && !meta.is_empty()
    {
        losses.push(Loss {
            file: format!("{}:{line_number}", input.display()),
            span: None,
            reason: format!(
                "the record's meta ({}) was not imported: Sorot keeps no document metadata",
                Value::Object(meta.clone())
            ),
        });
    }
    let annotator = value
        .get("annotator")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(name) = &annotator
        && !crate::project::is_valid_annotator(name)
    {
        return Err(error(format!(
            "annotator {name:?} is not a valid annotator name (letters, digits, '_', '-', '.', starting with a letter or digit)"
        )));
    }
    let record = Record {
        id,
        file: input.to_owned(),
        line: line_number,
        text: Some(text),
        annotator,
        spans,
        relations: record_relations,
        relation_keys: Vec::new(),
        offsets: Counted::AsOptions,
    };
    Ok(Reading {
        records: vec![record],
        losses,
        ..Reading::default()
    })
}

/// Gives a doccano `span_details` entry's notes, value and attributes to the
/// span it names by offsets and label. What cannot be given (no such span, a
/// second entry for it, a field that is not text) goes to `problems`.
fn attach_details(
    spans: &mut [NewSpan],
    detail: &Value,
    detailed: &mut BTreeSet<usize>,
    problems: &mut Vec<String>,
) {
    let offset = |name: &str| detail.get(name).and_then(Value::as_u64).map(|n| n as usize);
    let (Some(start), Some(end), Some(label)) = (
        offset("start"),
        offset("end"),
        detail.get("label").and_then(Value::as_str),
    ) else {
        problems.push(format!(
            "span details without start, end and label were not imported: {detail}"
        ));
        return;
    };
    let Some(n) = spans
        .iter()
        .position(|s| s.start == start && s.end == end && s.label == label)
    else {
        problems.push(format!(
            "details of a {label:?} span at {start}..{end}, which the record does not label, were not imported"
        ));
        return;
    };
    if !detailed.insert(n) {
        problems.push(format!(
            "a second set of details for the {label:?} span at {start}..{end} was not imported"
        ));
        return;
    }
    let span = &mut spans[n];
    let mut text = |name: &str, field: &mut String| {
        match detail.get(name) {
        None | Some(Value::Null) => {}
        Some(Value::String(value)) => *field = value.clone(),
        Some(other) => problems.push(format!(
            "the {name} of the {label:?} span at {start}..{end} is not text, so it was not imported: {other}"
        )),
    }
    };
    text("note", &mut span.note);
    text("value", &mut span.value);
    text("resource", &mut span.resource);
    text("entry_name", &mut span.entry_name);
    match detail.get("notes") {
        None | Some(Value::Null) => {}
        Some(Value::Array(notes)) => {
            for note in notes {
                match serde_json::from_value::<Note>(note.clone()) {
                    Ok(note) => span.notes.push(note),
                    Err(_) => problems.push(format!(
                        "a note of the {label:?} span at {start}..{end} is not {{\"kind\", \"text\"}}, so it was not imported: {note}"
                    )),
                }
            }
        }
        Some(other) => problems.push(format!(
            "the notes of the {label:?} span at {start}..{end} are not a list, so they were not imported: {other}"
        )),
    }
    match detail.get("attributes") {
        None | Some(Value::Null) => {}
        Some(Value::Object(attributes)) => {
            for (name, value) in attributes {
                match value.as_str() {
                    Some(value) => {
                        span.attributes.insert(name.clone(), value.to_owned());
                    }
                    None => problems.push(format!(
                        "attribute {name} of the {label:?} span at {start}..{end} is not text, so it was not imported: {value}"
                    )),
                }
            }
        }
        Some(other) => problems.push(format!(
            "the attributes of the {label:?} span at {start}..{end} are not an object, so they were not imported: {other}"
        )),
    }
}

#[cfg(test)]
mod tests;

/// Why `v` is not an offset: too large, negative, or not a whole number.
fn offset_problem(v: &Value, what: &str) -> String {
    match v {
        Value::Number(n) if n.is_u64() || n.as_f64().is_some_and(|x| x >= u64::MAX as f64) => {
            format!("{what} {v} is too large to be an offset")
        }
        Value::Number(n) if n.is_i64() || n.as_f64().is_some_and(|x| x < 0.0) => {
            format!("{what} {v} is negative; offsets count from 0")
        }
        _ => format!("{what} is not a whole number: {v}"),
    }
}
