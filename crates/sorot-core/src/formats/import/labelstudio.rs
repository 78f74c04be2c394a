//! Label Studio JSON exports: a list of tasks, each with its annotations.
//!
//! Terms (see [`task`] for those of the export itself):
//! - **taken annotation**: an annotation of a task that is imported: every
//!   one not cancelled, or with [`AnnotationsTaken::Latest`] the latest of
//!   them alone (the others are reported).
//! - **person**: who made an annotation: its `sorot_annotator`, or else its
//!   `completed_by` (the part of an email before `@`, or `user-<id>`); an
//!   annotation that names nobody is the import's annotator's.
//! - **by person**: the taken annotations of an input go each under its
//!   person's annotator when they come from more than one person or a task
//!   has more than one of them (or always, with
//!   [`AnnotationsTaken::PerAnnotator`]); otherwise all go under the
//!   import's annotator.
//! - **JSON_MIN**: Label Studio's minimal export: one flat object per
//!   (task, annotation), with the task's data fields, its `id`, the
//!   `annotator`, and each control's results as a list of regions
//!   (`{"start", "end", "text", "labels"}`) under the control's name. It
//!   carries no region ids, so no relations and no per-region values.
//! - **per-region value**: a `textarea` or `choices` result of a region,
//!   which goes to its spans' value (control `value`) or to an attribute of
//!   the schema (control `<label>_<attribute>`).
//!
//! Offsets count what `--offsets` names; a task's number (from 1) stands for
//! its line in what is reported.

mod task;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use self::task::{Annotation, Checked, Obj, RawTask, Task};
use super::record::{Counted, NewSpan, Reading, Record, read_skipping_bom, stem_id};
use super::{AnnotationsTaken, ImportError, ImportOptions};
use crate::formats::export::Loss;
use crate::model::schema::Schema;

/// Reads the Label Studio export `input`: a list of tasks, or one task.
pub(super) fn read_input(
    input: &Path,
    options: &ImportOptions,
    schema: &Schema,
    reading: &mut Reading,
) -> Result<(), ImportError> {
    let content = read_skipping_bom(input, &mut reading.notes)?;
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
    let read: Vec<Result<TaskReading, ImportError>> = tasks
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
                && task.is_full()
            {
                let task = Task::from(task);
                return Ok(read_task(input, n, &task, options, schema));
            }
            let tree = task_tree(input, &content, raw)?;
            match Shape::of(&tree) {
                Shape::Task => Ok(read_task(
                    input,
                    n,
                    &Task::from_value(&tree),
                    options,
                    schema,
                )),
                Shape::Min => Ok(read_min(input, n, &tree)),
                Shape::Annotation => Err(ImportError::File {
                    file: input.to_owned(),
                    message: format!(
                        "item {} is one Label Studio annotation (it has a `result`), without its task's text; export the project from Label Studio as JSON (Export > JSON), whose tasks hold their text and their annotations, and import that",
                        n + 1
                    ),
                }),
            }
        })
        .collect();
    let mut annotated = Vec::new();
    let mut predicted = Vec::new();
    let mut minimal = false;
    let mut unread = BTreeSet::new();
    for result in read {
        let task = match result {
            Ok(task) => task,
            Err(error) => {
                reading.errors.push(error);
                continue;
            }
        };
        annotated.extend(task.annotated);
        predicted.extend(task.predicted);
        reading.losses.extend(task.losses);
        minimal |= task.minimal;
        unread.extend(task.unread);
    }
    if minimal {
        let fields = match unread.len() {
            0 => String::new(),
            _ => format!(
                "; its fields {} were not read (data, or results that JSON_MIN gives without their kind)",
                unread.into_iter().collect::<Vec<_>>().join(", ")
            ),
        };
        reading.notes.push(format!(
            "{}: a JSON_MIN export, which keeps labeled regions but no relations, notes or per-region values; export as JSON to import those too{fields}",
            input.display()
        ));
    }
    take_by_person(input, options, annotated, reading);
    one_each(options, predicted, reading);
    Ok(())
}

/// The records of an input's taken annotations, each with its person when
/// named, go under their persons' annotators or all under the import's
/// (see **by person** above).
fn take_by_person(
    input: &Path,
    options: &ImportOptions,
    annotated: Vec<Taken>,
    reading: &mut Reading,
) {
    let people: BTreeSet<Option<&String>> = annotated.iter().map(|t| t.who.as_ref()).collect();
    let mut documents = HashSet::new();
    let several_on_a_task = !annotated
        .iter()
        .all(|t| documents.insert(t.record.id.as_str()));
    let by_person = match options.annotations {
        AnnotationsTaken::PerAnnotator => true,
        AnnotationsTaken::Latest => false,
        AnnotationsTaken::Every => people.len() > 1 || several_on_a_task,
    };
    if by_person && options.annotations == AnnotationsTaken::Every {
        let named: Vec<String> = people
            .iter()
            .map(|who| match who {
                Some(who) => crate::project::sanitize_annotator(who),
                None => format!("{} (named by none)", options.annotator),
            })
            .collect();
        let listed = if named.len() > 6 {
            format!("{} and {} more", named[..5].join(", "), named.len() - 5)
        } else {
            named.join(", ")
        };
        reading.notes.push(format!(
            "{}: annotations by {} people ({listed}), each imported under its annotator; --latest imports only each task's latest annotation, under --annotator",
            input.display(),
            named.len()
        ));
    }
    drop(people);
    let taken = annotated
        .into_iter()
        .map(|mut t| {
            t.record.annotator = t
                .who
                .take()
                .filter(|_| by_person)
                .map(|who| crate::project::sanitize_annotator(&who));
            t
        })
        .collect();
    one_each(options, taken, reading);
}

/// Keeps one record per (document, annotator): the latest (by `updated_at`,
/// or else `created_at`; else the last given), and reports each other one.
/// With `--latest` this is what keeps each task's latest annotation.
fn one_each(options: &ImportOptions, taken: Vec<Taken>, reading: &mut Reading) {
    let annotator_of = |t: &Taken| {
        t.record
            .annotator
            .clone()
            .unwrap_or_else(|| options.annotator.clone())
    };
    let mut latest: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for (n, t) in taken.iter().enumerate() {
        let key = (t.record.id.clone(), annotator_of(t));
        match latest.get(&key) {
            Some(&kept) if taken[kept].when > t.when => {}
            _ => {
                latest.insert(key, n);
            }
        }
    }
    for (n, t) in taken.into_iter().enumerate() {
        let annotator = annotator_of(&t);
        if latest.get(&(t.record.id.clone(), annotator.clone())) == Some(&n) {
            reading.records.push(t.record);
            continue;
        }
        let reason = if options.annotations == AnnotationsTaken::Latest {
            "was not imported: --latest imports only each task's latest annotation".to_owned()
        } else {
            format!(
                "was not imported: {annotator} has a later one of {}, and an annotator has one annotation of a document; the latest is imported",
                t.record.id
            )
        };
        reading.losses.push(Loss {
            file: t.place,
            span: None,
            reason: format!("the annotation by {} {reason}", t.by),
        });
    }
}

/// A record of an annotation or a prediction, before it is given its
/// annotator.
struct Taken {
    record: Record,
    /// The person who made it, when it names one.
    who: Option<String>,
    /// Who made it, in words: a person, a model, or "an unnamed annotator".
    by: String,
    /// `updated_at`, or else `created_at`; empty when neither is given.
    when: String,
    /// Where it is in the input ("tasks.json task 3").
    place: String,
}

/// What one task (or one JSON_MIN object) gave.
#[derive(Default)]
struct TaskReading {
    /// A record per taken annotation, with its person when it names one.
    annotated: Vec<Taken>,
    /// A record per prediction taken, each under its model's annotator.
    predicted: Vec<Taken>,
    losses: Vec<Loss>,
    /// Whether it was a JSON_MIN object.
    minimal: bool,
    /// The fields of a JSON_MIN object that were not read: neither its
    /// text, its id, who made it, nor a list of regions.
    unread: BTreeSet<String>,
}

/// What an item of a Label Studio export is.
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    /// A task: it has `data`, `annotations`, `completions` or
    /// `predictions`, or is no object at all (and is reported so).
    Task,
    /// One annotation alone, as Label Studio's API gives it: a `result`
    /// without the task.
    Annotation,
    /// An object of a JSON_MIN export.
    Min,
}

impl Shape {
    fn of(item: &Value) -> Shape {
        let Some(fields) = item.as_object() else {
            return Shape::Task;
        };
        let has = |name: &str| fields.contains_key(name);
        if ["data", "annotations", "completions", "predictions"]
            .iter()
            .any(|name| has(name))
        {
            Shape::Task
        } else if has("result") {
            Shape::Annotation
        } else {
            Shape::Min
        }
    }
}

/// The fields of a JSON_MIN object that are not its data or its results.
const MIN_META: [&str; 8] = [
    "id",
    "annotator",
    "annotation_id",
    "created_at",
    "updated_at",
    "lead_time",
    "agreement",
    "document",
];

/// Reads object `n` (from 0) of a JSON_MIN export: its labeled regions.
fn read_min(input: &Path, n: usize, item: &Value) -> TaskReading {
    let mut read = TaskReading {
        minimal: true,
        ..TaskReading::default()
    };
    let where_ = format!("{} item {}", input.display(), n + 1);
    let fields = item.as_object();
    let field = |name: &str| fields.and_then(|f| f.get(name));
    // The text is `text`, or else the longest string of the data fields.
    let text = field("text").and_then(Value::as_str).or_else(|| {
        fields?
            .iter()
            .filter(|(name, _)| !MIN_META.contains(&name.as_str()))
            .filter_map(|(_, value)| value.as_str())
            .max_by_key(|text| text.len())
    });
    let Some(text) = text else {
        read.losses.push(Loss {
            file: where_,
            span: None,
            reason: "the object has no text; skipped".into(),
        });
        return read;
    };
    let id = field("document")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| field("id").map(|id| format!("task-{}.txt", id.to_string().trim_matches('"'))))
        .unwrap_or_else(|| stem_id(input, &format!("-{}", n + 1)));
    let mut spans = Vec::new();
    for (control, results) in fields.into_iter().flatten() {
        let Some(results) = results.as_array() else {
            if results.as_str() != Some(text) && !MIN_META.contains(&control.as_str()) {
                read.unread.insert(control.clone());
            }
            continue;
        };
        let mut others = 0;
        for result in results {
            let number = |name: &str| result.get(name).and_then(Value::as_u64);
            let labels = result.get("labels").and_then(Value::as_array);
            let (Some(start), Some(end), Some(labels)) = (number("start"), number("end"), labels)
            else {
                others += 1;
                continue;
            };
            let quoted = result
                .get("text")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty());
            for label in labels.iter().filter_map(Value::as_str) {
                spans.push(NewSpan {
                    quoted: quoted.map(str::to_owned),
                    ..NewSpan::new(start as usize, end as usize, label.to_owned(), n + 1)
                });
            }
        }
        if others > 0 {
            read.losses.push(Loss {
                file: where_.clone(),
                span: None,
                reason: format!(
                    "{} of {control:?} that {} no labeled region (start, end, labels) not imported: JSON_MIN keeps no region ids, so per-region values cannot be placed; export as JSON to import them",
                    crate::counted(others, "result"),
                    if others == 1 { "is" } else { "are" }
                ),
            });
        }
    }
    let who = field("annotator")
        .filter(|by| !by.is_null())
        .map(annotator_name);
    let when = field("updated_at")
        .or_else(|| field("created_at"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    read.annotated.push(Taken {
        by: who.clone().unwrap_or_else(|| "an unnamed annotator".into()),
        who,
        when,
        place: where_,
        record: Record {
            id,
            file: input.to_owned(),
            line: n + 1,
            text: Some(text.to_owned()),
            annotator: None,
            spans,
            relations: Vec::new(),
            relation_keys: Vec::new(),
            offsets: Counted::AsOptions,
        },
    });
    read
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
/// annotation and prediction taken, and what could not be imported.
fn read_task(
    input: &Path,
    n: usize,
    task: &Task,
    options: &ImportOptions,
    schema: &Schema,
) -> TaskReading {
    let mut read = TaskReading::default();
    let losses = &mut read.losses;
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
        return read;
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
    let person = |a: &Annotation| {
        a.sorot_annotator.clone().or_else(|| {
            a.completed_by
                .as_ref()
                .filter(|by| !by.is_null())
                .map(annotator_name)
        })
    };
    let mut annotations: Vec<&Annotation> =
        task.annotations.iter().filter(|a| !a.cancelled).collect();
    if options.annotations == AnnotationsTaken::Latest {
        // The latest: by updated_at or created_at when given, else the last one.
        let latest = annotations
            .iter()
            .enumerate()
            .max_by_key(|(_, a)| a.when.as_str())
            .map(|(at, _)| at);
        if let Some(latest) = latest {
            let taken = annotations.swap_remove(latest);
            for other in annotations {
                let by = person(other).unwrap_or_else(|| "an unnamed annotator".into());
                losses.push(Loss {
                    file: where_.clone(),
                    span: None,
                    reason: format!(
                        "the annotation by {by} was not imported: --latest imports only each task's latest annotation"
                    ),
                });
            }
            annotations = vec![taken];
        }
    }
    // Each taken annotation with its person; each prediction with its model.
    let mut chosen: Vec<(Taker, &Annotation)> = annotations
        .into_iter()
        .map(|a| (Taker::Person(person(a)), a))
        .collect();
    if !task.predictions.is_empty() {
        if options.predictions {
            chosen.extend(task.predictions.iter().map(|p| {
                let model = match &p.model_version {
                    Some(version) => format!("model-{version}"),
                    None => "model".into(),
                };
                (Taker::Model(crate::project::sanitize_annotator(&model)), p)
            }));
        } else {
            let models: BTreeSet<&str> = task
                .predictions
                .iter()
                .filter_map(|p| p.model_version.as_deref())
                .collect();
            let models: Vec<&str> = models.into_iter().collect();
            losses.push(Loss {
                file: where_.clone(),
                span: None,
                reason: format!(
                    "{}{} not imported; import with --predictions to have them, each model's under the annotator model-<version>",
                    crate::counted(task.predictions.len(), "prediction"),
                    match (models.is_empty(), task.predictions.len()) {
                        (true, 1) => " was".to_owned(),
                        (true, _) => " were".to_owned(),
                        (false, 1) => format!(" (model {}) was", models.join(", ")),
                        (false, _) => format!(" (models {}) were", models.join(", ")),
                    }
                ),
            });
        }
    }
    for (taker, annotation) in chosen {
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
                            region: region.id.clone(),
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
        let record = Record {
            id: id.clone(),
            file: input.to_owned(),
            line: n + 1,
            text: Some(text.to_owned()),
            annotator: None,
            spans,
            relations,
            relation_keys: Vec::new(),
            offsets: Counted::AsOptions,
        };
        match taker {
            Taker::Person(who) => read.annotated.push(Taken {
                record,
                by: who.clone().unwrap_or_else(|| "an unnamed annotator".into()),
                who,
                when: annotation.when.clone(),
                place: where_.clone(),
            }),
            Taker::Model(model) => read.predicted.push(Taken {
                record: Record {
                    annotator: Some(model.clone()),
                    ..record
                },
                by: model,
                who: None,
                when: String::new(),
                place: where_.clone(),
            }),
        }
    }
    read
}

/// Whose a taken annotation or prediction is.
enum Taker {
    /// An annotation's person, when it names one.
    Person(Option<String>),
    /// A prediction's model's annotator.
    Model(String),
}

/// An annotator name from Label Studio's `completed_by` (a user id or a
/// user object) or JSON_MIN's `annotator` (an email or a user id): the
/// email's part before `@`, or `user-<id>`.
fn annotator_name(completed_by: &Value) -> String {
    let email = |e: &str| e.split('@').next().unwrap_or(e).to_owned();
    match completed_by {
        Value::Object(user) => user
            .get("email")
            .and_then(Value::as_str)
            .map(email)
            .or_else(|| user.get("id").map(|id| format!("user-{id}")))
            .unwrap_or_else(|| "user".into()),
        Value::String(named) if named.contains('@') => email(named),
        other => format!("user-{}", other.to_string().trim_matches('"')),
    }
}

#[cfg(test)]
mod tests;
