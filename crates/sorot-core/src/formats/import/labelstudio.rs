//! Label Studio JSON exports: a list of tasks, each with its annotations.
//!
//! Terms (see [`task`] for those of the export itself):
//! - **taken annotation**: the annotation of a task that is imported: the
//!   latest one not cancelled, or with `per_annotator` every one not
//!   cancelled, each for the annotator who made it.
//! - **per-region value**: a `textarea` or `choices` result of a region,
//!   which goes to its spans' value (control `value`) or to an attribute of
//!   the schema (control `<label>_<attribute>`).
//!
//! Offsets count what `--offsets` names; a task's number (from 1) stands for
//! its line in what is reported.

mod task;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use self::task::{Annotation, Checked, Obj, RawTask, Task};
use super::record::{Counted, NewSpan, Reading, Record, read_json, stem_id};
use super::{ImportError, ImportOptions};
use crate::formats::export::Loss;
use crate::model::schema::Schema;

/// Reads the Label Studio export `input`: a list of tasks, or one task.
pub(super) fn read_input(
    input: &Path,
    options: &ImportOptions,
    schema: &Schema,
    reading: &mut Reading,
) -> Result<(), ImportError> {
    let content = read_json(input, &mut reading.notes)?;
    let malformed = |source: serde_json::Error| ImportError::Json {
        file: input.to_owned(),
        line: source.line(),
        source,
    };
    // The tasks are kept as slices of the input and each is parsed on its
    // own, in parallel: a large export never becomes one tree in memory.
    let tasks: Vec<&serde_json::value::RawValue> = match content.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str(&content).map_err(malformed)?,
        Some(b'{') => vec![serde_json::from_str(&content).map_err(malformed)?],
        _ => {
            return Err(ImportError::File {
                file: input.to_owned(),
                message: "expected a list of Label Studio tasks".into(),
            });
        }
    };
    let read: Vec<Result<Reading, ImportError>> = tasks
        .par_iter()
        .enumerate()
        .map(|(n, raw)| {
            // Tasks of the usual shape are read straight into what is read
            // of them; any other is read as a tree first. A task read
            // straight is also checked as its tree would be, in the fields
            // it skips too (numbers in range, escapes, depth), so that both
            // ways fail alike.
            if let Ok(Obj(task)) = serde_json::from_str::<Obj<RawTask>>(raw.get())
                && serde_json::from_str::<Checked>(raw.get()).is_ok()
            {
                let task = Task::from(task);
                return Ok(read_task(input, n, &task, options, schema));
            }
            let task = task_tree(input, &content, raw)?;
            Ok(read_task(
                input,
                n,
                &Task::from_value(&task),
                options,
                schema,
            ))
        })
        .collect();
    for result in read {
        reading.append(result?);
    }
    Ok(())
}

/// The task `raw`, a slice of `content`, read as a JSON tree. Its syntax was
/// checked with the whole input; what fails here (a number out of range, an
/// escape that names no character) is placed in the whole input, not in the
/// task.
fn task_tree(
    input: &Path,
    content: &str,
    raw: &serde_json::value::RawValue,
) -> Result<Value, ImportError> {
    serde_json::from_str(raw.get()).map_err(|in_task| {
        // The task is read again behind blanks that stand for what comes
        // before it in the input (as many line ends, then as many spaces as
        // characters before it on its line): the error then counts lines and
        // columns as the input's.
        let start = raw.get().as_ptr() as usize - content.as_ptr() as usize;
        let before = &content[..start];
        let line_start = before.rfind('\n').map_or(0, |b| b + 1);
        let mut placed = "\n".repeat(before.matches('\n').count());
        placed.extend(std::iter::repeat_n(
            ' ',
            before[line_start..].chars().count(),
        ));
        placed.push_str(raw.get());
        let source = serde_json::from_str::<Value>(&placed)
            .err()
            .unwrap_or(in_task);
        ImportError::Json {
            file: input.to_owned(),
            line: source.line(),
            source,
        }
    })
}

/// Reads task `n` (from 0) of a Label Studio export: its records, one per
/// annotation taken, and what could not be imported.
fn read_task(
    input: &Path,
    n: usize,
    task: &Task,
    options: &ImportOptions,
    schema: &Schema,
) -> Reading {
    let mut records = Vec::new();
    let mut losses = Vec::new();
    let where_ = format!("{} task {}", input.display(), n + 1);
    let data = task.data.as_ref();
    let text = data.and_then(|d| {
        d.get("text")
            .and_then(Value::as_str)
            .or_else(|| d.as_object()?.values().find_map(Value::as_str))
    });
    let Some(text) = text else {
        losses.push(Loss {
            file: where_,
            span: None,
            reason: "the task has no text in its data; skipped".into(),
        });
        return Reading {
            records,
            losses,
            notes: Vec::new(),
        };
    };
    let id = data
        .and_then(|d| d.get("document"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            task.id
                .as_ref()
                .map(|id| format!("task-{}.txt", id.to_string().trim_matches('"')))
        })
        .unwrap_or_else(|| stem_id(input, &format!("-{}", n + 1)));
    let annotations: Vec<&Annotation> = task.annotations.iter().filter(|a| !a.cancelled).collect();
    let chosen: Vec<(Option<String>, &Annotation)> = if options.per_annotator {
        annotations
            .iter()
            .map(|a| {
                let by = a
                    .sorot_annotator
                    .clone()
                    .or_else(|| a.completed_by.as_ref().map(annotator_name));
                (by, *a)
            })
            .collect()
    } else {
        // The latest: by updated_at or created_at when given, else the last one.
        let latest = annotations.iter().max_by_key(|a| a.when.as_str());
        latest.map(|a| vec![(None, *a)]).unwrap_or_default()
    };
    for (annotator, annotation) in chosen {
        let mut spans = Vec::new();
        // Region id -> the positions of its spans (one per label);
        // relations between ids.
        let mut region_spans: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut relation_results: Vec<(String, String, String)> = Vec::new();
        // Per-region results: region id, control name, what it holds.
        let mut per_region: Vec<(String, String, String)> = Vec::new();
        for region in &annotation.result {
            let kind = region.kind.as_str();
            let value = region.value.as_ref();
            let labels = value.and_then(|v| v.labels.as_ref());
            match (kind, value, labels) {
                ("labels", Some(value), Some(labels)) => {
                    let (Some(start), Some(end)) = (value.start, value.end) else {
                        losses.push(Loss {
                            file: where_.clone(),
                            span: None,
                            reason: "a labels region without whole-number start and end (counted from 0) was not imported"
                                .into(),
                        });
                        continue;
                    };
                    let (start, end) = (start as usize, end as usize);
                    let first = spans.len();
                    for label in labels {
                        spans.push(NewSpan {
                            note: region.note.clone(),
                            quoted: value.quoted.clone(),
                            ..NewSpan::new(start, end, label.clone(), n + 1)
                        });
                    }
                    if spans.len() == first {
                        losses.push(Loss {
                            file: where_.clone(),
                            span: None,
                            reason: format!(
                                "a labels region at {start}..{end} without labels was not imported"
                            ),
                        });
                    } else if let Some(region_id) = &region.id {
                        region_spans
                            .entry(region_id.clone())
                            .or_default()
                            .extend(first..spans.len());
                    }
                }
                ("relation", _, _) => match (&region.from_id, &region.to_id) {
                    (Some(from), Some(to)) => relation_results.push((
                        from.clone(),
                        to.clone(),
                        region.relation.clone(),
                    )),
                    _ => losses.push(Loss {
                        file: where_.clone(),
                        span: None,
                        reason: "a relation without from_id and to_id was not imported".into(),
                    }),
                },
                ("textarea" | "choices", Some(value), _) if region.id.is_some() => {
                    let held = if kind == "choices" {
                        value.choices.clone()
                    } else {
                        value.text.clone()
                    };
                    let id = region.id.clone().unwrap_or_default();
                    per_region.push((id, region.from_name.clone(), held));
                }
                (kind, _, _) => losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!(
                        "a {kind:?} result was not imported: Sorot imports labeled text regions and their per-region values"
                    ),
                }),
            }
        }
        for (id, control, held) in per_region {
            let Some(positions) = region_spans.get(&id) else {
                losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!("a {control:?} result of region {id}, which is not an imported region, was not imported"),
                });
                continue;
            };
            if held.is_empty() {
                continue;
            }
            let mut taken = false;
            for &n in positions {
                let span = &mut spans[n];
                if control == "value" {
                    span.value = held.clone();
                    taken = true;
                    continue;
                }
                // Controls are named <label>_<attribute>, for attributes of the schema.
                if let Some(name) = control
                    .strip_prefix(span.label.as_str())
                    .and_then(|rest| rest.strip_prefix('_'))
                    && schema.attributes_of(&span.label).any(|a| a.name == name)
                {
                    span.attributes.insert(name.to_owned(), held.clone());
                    taken = true;
                }
            }
            if !taken {
                losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!("{control:?} ({held}) of region {id} was not imported: the schema has no such attribute for its labels"),
                });
            }
        }
        let mut relations = Vec::new();
        for (from, to, kind) in relation_results {
            let first = |id: &String| region_spans.get(id).and_then(|p| p.first()).copied();
            match (first(&from), first(&to)) {
                (Some(a), Some(b)) => relations.push((a, b, kind)),
                _ => losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!("relation {kind} between {from} and {to}, which are not both imported regions, was not imported"),
                }),
            }
        }
        let annotator = annotator.map(|a| crate::project::sanitize_annotator(&a));
        records.push(Record {
            id: id.clone(),
            file: input.to_owned(),
            line: n + 1,
            text: Some(text.to_owned()),
            annotator,
            spans,
            relations,
            relation_keys: Vec::new(),
            offsets: Counted::AsOptions,
        });
    }
    Reading {
        records,
        losses,
        notes: Vec::new(),
    }
}

/// An annotator name from Label Studio's `completed_by`: an id or a user object.
fn annotator_name(completed_by: &Value) -> String {
    match completed_by {
        Value::Object(user) => user
            .get("email")
            .and_then(Value::as_str)
            .map(|e| e.split('@').next().unwrap_or(e).to_owned())
            .or_else(|| user.get("id").map(|id| format!("user-{id}")))
            .unwrap_or_else(|| "user".into()),
        other => format!("user-{}", other.to_string().trim_matches('"')),
    }
}

#[cfg(test)]
mod tests;
