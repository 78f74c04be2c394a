//! What the import reads of a Label Studio task.
//!
//! Terms:
//! - **task**: one document of an export: its `data` (the text, and
//!   Sorot's `document` id), its `id`, and its annotations (or, in older
//!   exports, completions).
//! - **annotation**: one person's work on a task: its results, who made it
//!   and when, and whether it was cancelled.
//! - **prediction**: a model's work on a task (`predictions`): results as
//!   an annotation's, and the model's version instead of a person.
//! - **region**: one result of an annotation: a labeled text range
//!   (`labels`), a relation between two regions (`relation`), or a
//!   per-region value of a control (`textarea`, `choices`).
//!
//! A [`Task`] is made either straight from the JSON by serde ([`RawTask`],
//! for tasks of the usual shape) or from a JSON tree ([`Task::from_value`],
//! for any other): both give the same for the same task, which a property
//! test checks.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug)]
pub(super) struct Task {
    /// `data`, when given (even as null).
    pub data: Option<Value>,
    /// `id`, when given (even as null).
    pub id: Option<Value>,
    /// The `annotations` list, or else the `completions` list; none when
    /// the one given is no list.
    pub annotations: Vec<Annotation>,
    /// The `predictions` list; empty when it is no list.
    pub predictions: Vec<Annotation>,
}

#[derive(Debug)]
pub(super) struct Annotation {
    /// `was_cancelled` is true.
    pub cancelled: bool,
    /// `sorot_annotator`, when a string.
    pub sorot_annotator: Option<String>,
    /// `completed_by`, when given (even as null).
    pub completed_by: Option<Value>,
    /// `updated_at`, or else `created_at`, when the one given is a
    /// string; else empty.
    pub when: String,
    /// The `result` list; empty when it is no list.
    pub result: Vec<Region>,
    /// `model_version` of a prediction, when a string or a number.
    pub model_version: Option<String>,
}

#[derive(Debug)]
pub(super) struct Region {
    /// `type`, when a string; else empty.
    pub kind: String,
    /// `value`, when given (even as null or not an object).
    pub value: Option<RegionValue>,
    /// `id`, when a string.
    pub id: Option<String>,
    /// `from_id`, when a string.
    pub from_id: Option<String>,
    /// `to_id`, when a string.
    pub to_id: Option<String>,
    /// `from_name`, when a string; else empty.
    pub from_name: String,
    /// The first of the region's own `labels` (where a relation keeps
    /// its kind), when a string; else "related".
    pub relation: String,
    /// The strings of `meta.text`, joined.
    pub note: String,
}

#[derive(Debug)]
pub(super) struct RegionValue {
    /// `start`, when a JSON integer from 0 to `u64::MAX`.
    pub start: Option<u64>,
    /// `end`, likewise.
    pub end: Option<u64>,
    /// The strings of `labels`, when it is a list.
    pub labels: Option<Vec<String>>,
    /// The strings of `choices`, joined.
    pub choices: String,
    /// The strings of `text`, joined (none when it is one string).
    pub text: String,
    /// `text` when it is one string, not empty: the text a `labels` region
    /// says it covers.
    pub quoted: Option<String>,
}

impl Task {
    /// What is read of a task given as a tree.
    pub(super) fn from_value(task: &Value) -> Task {
        let annotations = task
            .get("annotations")
            .or_else(|| task.get("completions"))
            .and_then(Value::as_array);
        Task {
            data: task.get("data").cloned(),
            id: task.get("id").cloned(),
            annotations: annotations
                .into_iter()
                .flatten()
                .map(Annotation::from_value)
                .collect(),
            predictions: task
                .get("predictions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(Annotation::from_value)
                .collect(),
        }
    }
}

impl Annotation {
    fn from_value(annotation: &Value) -> Annotation {
        let text = |name: &str| annotation.get(name).and_then(Value::as_str);
        Annotation {
            cancelled: annotation
                .get("was_cancelled")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            sorot_annotator: text("sorot_annotator").map(str::to_owned),
            completed_by: annotation.get("completed_by").cloned(),
            when: annotation
                .get("updated_at")
                .or_else(|| annotation.get("created_at"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            result: annotation
                .get("result")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(Region::from_value)
                .collect(),
            model_version: version(annotation.get("model_version")),
        }
    }
}

impl Region {
    fn from_value(region: &Value) -> Region {
        let text = |name: &str| region.get(name).and_then(Value::as_str).map(str::to_owned);
        Region {
            kind: text("type").unwrap_or_default(),
            value: region.get("value").map(RegionValue::from_value),
            id: text("id"),
            from_id: text("from_id"),
            to_id: text("to_id"),
            from_name: text("from_name").unwrap_or_default(),
            relation: relation(region.get("labels")),
            note: joined(region.get("meta").and_then(|m| m.get("text"))),
        }
    }
}

impl RegionValue {
    fn from_value(value: &Value) -> RegionValue {
        RegionValue {
            start: value.get("start").and_then(Value::as_u64),
            end: value.get("end").and_then(Value::as_u64),
            labels: value
                .get("labels")
                .and_then(Value::as_array)
                .map(|labels| strings(labels)),
            choices: joined(value.get("choices")),
            text: joined(value.get("text")),
            quoted: value
                .get("text")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        }
    }
}

/// A model's version, as Label Studio gives it: a string or a number.
fn version(given: Option<&Value>) -> Option<String> {
    match given? {
        Value::String(version) => Some(version.clone()),
        Value::Number(version) => Some(version.to_string()),
        _ => None,
    }
}

/// The strings of a list.
fn strings(list: &[Value]) -> Vec<String> {
    list.iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// A relation's kind: its first label, or "related".
fn relation(labels: Option<&Value>) -> String {
    labels
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .and_then(Value::as_str)
        .unwrap_or("related")
        .to_owned()
}

/// A task of the usual shape: every field the import reads has the type
/// it expects, or is null where null reads as absent. Any other task
/// fails here and is read as a tree.
#[derive(Deserialize)]
pub(super) struct RawTask {
    #[serde(default, deserialize_with = "given")]
    data: Option<Value>,
    #[serde(default, deserialize_with = "given")]
    id: Option<Value>,
    #[serde(default, deserialize_with = "given")]
    annotations: Option<Vec<Obj<RawAnnotation>>>,
    #[serde(default, deserialize_with = "given")]
    completions: Option<Vec<Obj<RawAnnotation>>>,
    #[serde(default, deserialize_with = "given")]
    predictions: Option<Value>,
}

impl RawTask {
    /// Whether the object is a task in full: it has `data`, annotations or
    /// predictions (a JSON_MIN object or one annotation alone has none).
    pub(super) fn is_full(&self) -> bool {
        self.data.is_some()
            || self.annotations.is_some()
            || self.completions.is_some()
            || self.predictions.is_some()
    }
}

#[derive(Deserialize)]
struct RawAnnotation {
    was_cancelled: Option<bool>,
    sorot_annotator: Option<String>,
    #[serde(default, deserialize_with = "given")]
    completed_by: Option<Value>,
    #[serde(default, deserialize_with = "given")]
    updated_at: Option<Value>,
    #[serde(default, deserialize_with = "given")]
    created_at: Option<Value>,
    result: Option<Vec<Obj<RawRegion>>>,
    #[serde(default, deserialize_with = "given")]
    model_version: Option<Value>,
}

#[derive(Deserialize)]
struct RawRegion {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "given")]
    value: Option<Obj<RawRegionValue>>,
    id: Option<String>,
    from_id: Option<String>,
    to_id: Option<String>,
    from_name: Option<String>,
    labels: Option<Value>,
    meta: Option<Value>,
}

#[derive(Deserialize)]
struct RawRegionValue {
    start: Option<u64>,
    end: Option<u64>,
    labels: Option<Vec<Value>>,
    choices: Option<Value>,
    text: Option<Value>,
}

/// A field that is given, null included (serde reads null as absent).
fn given<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl From<RawTask> for Task {
    fn from(task: RawTask) -> Task {
        // The tree reads `annotations` when given, else `completions`.
        let annotations = task.annotations.or(task.completions).unwrap_or_default();
        // Predictions are rare and of any shape: read as the tree reads them.
        let predictions = task
            .predictions
            .as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(Annotation::from_value)
            .collect();
        Task {
            data: task.data,
            id: task.id,
            annotations: annotations.into_iter().map(|Obj(a)| a.into()).collect(),
            predictions,
        }
    }
}

impl From<RawAnnotation> for Annotation {
    fn from(annotation: RawAnnotation) -> Annotation {
        let when = annotation.updated_at.or(annotation.created_at);
        Annotation {
            cancelled: annotation.was_cancelled.unwrap_or(false),
            sorot_annotator: annotation.sorot_annotator,
            completed_by: annotation.completed_by,
            when: when
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            result: annotation
                .result
                .unwrap_or_default()
                .into_iter()
                .map(|Obj(r)| r.into())
                .collect(),
            model_version: version(annotation.model_version.as_ref()),
        }
    }
}

impl From<RawRegion> for Region {
    fn from(region: RawRegion) -> Region {
        Region {
            kind: region.kind.unwrap_or_default(),
            value: region.value.map(|Obj(value)| RegionValue {
                start: value.start,
                end: value.end,
                labels: value.labels.as_deref().map(strings),
                choices: joined(value.choices.as_ref()),
                text: joined(value.text.as_ref()),
                quoted: value
                    .text
                    .as_ref()
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            }),
            id: region.id,
            from_id: region.from_id,
            to_id: region.to_id,
            from_name: region.from_name.unwrap_or_default(),
            relation: relation(region.labels.as_ref()),
            note: joined(region.meta.as_ref().and_then(|m| m.get("text"))),
        }
    }
}

/// Any JSON value, read as a tree would read it (numbers in range, escapes
/// valid, nesting within the limit) and not kept.
pub(super) struct Checked;

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> serde::de::Visitor<'de> for Values {
            type Value = Checked;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Checked, A::Error> {
                while map.next_entry::<Checked, Checked>()?.is_some() {}
                Ok(Checked)
            }
        }
        deserializer.deserialize_any(Values)
    }
}

/// An object read as `T`. serde also reads a struct from a list of its
/// fields, where a tree would see a list; this reads objects only.
pub(super) struct Obj<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Obj<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Objects<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Objects<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(Objects(std::marker::PhantomData))
            .map(Obj)
    }
}

/// The strings of a JSON list joined with "; " (Label Studio keeps notes,
/// texts and choices as lists); empty when there are none.
fn joined(list: Option<&Value>) -> String {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}
