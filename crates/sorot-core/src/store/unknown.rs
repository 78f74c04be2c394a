//! Fields of an annotation file that this build does not know, kept through
//! a save.
//!
//! Terms:
//! - **unknown field**: a field of the file, of a span, of a relation or of a
//!   rejected span that is not one of Sorot's (a `reviewer_comment` added by
//!   a script, a span's `confidence` written by a newer Sorot). The general
//!   reader ignores such fields; this module reads them again, as their
//!   exact RON text, so that the writer can put them back.
//! - **owner**: what an unknown field belongs to. Spans are known by their
//!   id, relations and rejected spans by their content (they have no id), so
//!   a field follows its span through edits and goes when its span goes.
//!
//! The fast reader gives up on any unknown field, so only texts read by the
//! general reader can have them: reading them costs nothing for the files
//! Sorot writes.

use std::collections::BTreeMap;
use std::fmt;

use ron::value::RawValue;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use crate::model::{Rejected, RejectedRelation, Relation, SpanId};

/// Unknown fields, as (name, RON text) in name order.
pub type Fields = Vec<(String, String)>;

/// The unknown fields of one annotation file, by owner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unknown {
    /// The file's own.
    pub file: Fields,
    /// Each span's, by span id.
    pub spans: BTreeMap<SpanId, Fields>,
    /// Each relation's.
    pub relations: BTreeMap<Relation, Fields>,
    /// Each rejected span's.
    pub rejected: BTreeMap<Rejected, Fields>,
    /// Each rejected relation's.
    pub rejected_relations: BTreeMap<RejectedRelation, Fields>,
}

impl Unknown {
    pub fn is_empty(&self) -> bool {
        self.file.is_empty()
            && self.spans.is_empty()
            && self.relations.is_empty()
            && self.rejected.is_empty()
            && self.rejected_relations.is_empty()
    }

    /// How many fields there are, and where, as a reader would say it:
    /// `reviewer_comment, confidence of span 4`.
    pub fn describe(&self) -> String {
        let mut said: Vec<String> = self.file.iter().map(|(name, _)| name.clone()).collect();
        for (id, fields) in &self.spans {
            for (name, _) in fields {
                said.push(format!("{name} of span {id}"));
            }
        }
        for (relation, fields) in &self.relations {
            for (name, _) in fields {
                said.push(format!(
                    "{name} of relation {} {} → {}",
                    relation.kind, relation.from, relation.to
                ));
            }
        }
        for (rejected, fields) in &self.rejected {
            for (name, _) in fields {
                said.push(format!(
                    "{name} of rejected {} [{}, {})",
                    rejected.label, rejected.start, rejected.end
                ));
            }
        }
        for (rejected, fields) in &self.rejected_relations {
            for (name, _) in fields {
                said.push(format!(
                    "{name} of rejected relation {} [{}, {}) → [{}, {})",
                    rejected.kind,
                    rejected.from_start,
                    rejected.from_end,
                    rejected.to_start,
                    rejected.to_end
                ));
            }
        }
        said.join(", ")
    }
}

/// The fields the file has, by name.
const FILE_FIELDS: &[&str] = &[
    "format_version",
    "source",
    "fingerprint",
    "offset_unit",
    "annotator",
    "status",
    "spans",
    "rejected",
    "relations",
    "rejected_relations",
];
/// A span's fields.
const SPAN_FIELDS: &[&str] = &[
    "id",
    "start",
    "end",
    "label",
    "text",
    "note",
    "notes",
    "value",
    "resource",
    "entry_name",
    "attributes",
];
/// A relation's fields.
const RELATION_FIELDS: &[&str] = &["from", "to", "kind"];
/// A rejected span's fields.
const REJECTED_FIELDS: &[&str] = &["start", "end", "label"];
/// A rejected relation's fields.
const REJECTED_RELATION_FIELDS: &[&str] = &[
    "from_start",
    "from_end",
    "from_label",
    "to_start",
    "to_end",
    "to_label",
    "kind",
];

/// Reads the unknown fields of `text`, an annotation file the general reader
/// has read. `None` if its shape is not the one that reader accepted, which
/// cannot happen for a text it read.
pub(super) fn read(text: &str) -> Option<Unknown> {
    let RawFile(top) = ron::from_str(text).ok()?;
    let mut unknown = Unknown {
        file: top.unknown(FILE_FIELDS),
        ..Unknown::default()
    };
    if let Some(spans) = top.get("spans") {
        for RawSpan(span) in ron::from_str::<Vec<RawSpan>>(spans).ok()? {
            let fields = span.unknown(SPAN_FIELDS);
            if !fields.is_empty() {
                let id = ron::from_str(span.get("id")?).ok()?;
                unknown.spans.insert(id, fields);
            }
        }
    }
    if let Some(relations) = top.get("relations") {
        for RawRelation(relation) in ron::from_str::<Vec<RawRelation>>(relations).ok()? {
            let fields = relation.unknown(RELATION_FIELDS);
            if !fields.is_empty() {
                let key = Relation {
                    from: ron::from_str(relation.get("from")?).ok()?,
                    to: ron::from_str(relation.get("to")?).ok()?,
                    kind: ron::from_str(relation.get("kind")?).ok()?,
                };
                unknown.relations.insert(key, fields);
            }
        }
    }
    if let Some(rejected) = top.get("rejected") {
        for RawRejected(item) in ron::from_str::<Vec<RawRejected>>(rejected).ok()? {
            let fields = item.unknown(REJECTED_FIELDS);
            if !fields.is_empty() {
                let key = Rejected {
                    start: ron::from_str(item.get("start")?).ok()?,
                    end: ron::from_str(item.get("end")?).ok()?,
                    label: ron::from_str(item.get("label")?).ok()?,
                };
                unknown.rejected.insert(key, fields);
            }
        }
    }
    if let Some(rejected) = top.get("rejected_relations") {
        for RawRejectedRelation(item) in ron::from_str::<Vec<RawRejectedRelation>>(rejected).ok()? {
            let fields = item.unknown(REJECTED_RELATION_FIELDS);
            if !fields.is_empty() {
                let field = |name| item.get(name).and_then(|raw| ron::from_str(raw).ok());
                let text = |name| item.get(name).and_then(|raw| ron::from_str(raw).ok());
                let key = RejectedRelation {
                    from_start: field("from_start")?,
                    from_end: field("from_end")?,
                    from_label: text("from_label")?,
                    to_start: field("to_start")?,
                    to_end: field("to_end")?,
                    to_label: text("to_label")?,
                    kind: text("kind")?,
                };
                unknown.rejected_relations.insert(key, fields);
            }
        }
    }
    Some(unknown)
}

/// The struct a RON text holds, read as [`RawStruct`] under the name the
/// general reader accepts for it (written or left out).
macro_rules! named_raw_struct {
    ($type:ident, $name:literal) => {
        struct $type(RawStruct);

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer
                    .deserialize_struct($name, &[], FieldsOf)
                    .map($type)
            }
        }
    };
}

named_raw_struct!(RawFile, "AnnotationFile");
named_raw_struct!(RawSpan, "Span");
named_raw_struct!(RawRelation, "Relation");
named_raw_struct!(RawRejected, "Rejected");
named_raw_struct!(RawRejectedRelation, "RejectedRelation");

/// A RON struct's fields as (name, exact RON text), in the file's order.
struct RawStruct(Vec<(String, String)>);

impl RawStruct {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, raw)| raw.as_str())
    }

    /// The fields not in `known`, in name order; a repeated name keeps its
    /// last value, as the general reader does.
    fn unknown(&self, known: &[&str]) -> Fields {
        let fields: BTreeMap<&str, &str> = self
            .0
            .iter()
            .filter(|(name, _)| !known.contains(&name.as_str()))
            .map(|(name, raw)| (name.as_str(), raw.as_str()))
            .collect();
        fields
            .into_iter()
            .map(|(name, raw)| (name.to_owned(), raw.to_owned()))
            .collect()
    }
}

/// Reads a struct's fields as [`RawStruct`].
struct FieldsOf;

impl<'de> Visitor<'de> for FieldsOf {
    type Value = RawStruct;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a struct")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawStruct, A::Error> {
        let mut fields = Vec::new();
        while let Some(Name(name)) = map.next_key()? {
            // A name that is not a plain identifier (`r#a-b`) could not be
            // written back as it was read: such a file is not kept.
            let plain = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !plain {
                return Err(de::Error::custom(
                    "a field name that cannot be written back",
                ));
            }
            let raw: Box<RawValue> = map.next_value()?;
            fields.push((name, value_text(raw.get_ron())));
        }
        Ok(RawStruct(fields))
    }
}

/// A value's RON text as it is written back: without the white space
/// around it, but with a line end after a line comment, which would
/// otherwise take in what follows it on the line.
fn value_text(raw: &str) -> String {
    let text = raw.trim();
    if text.contains("//") {
        format!("{text}\n")
    } else {
        text.to_owned()
    }
}

/// A field name, read as the identifier it is.
struct Name(String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Identifier;
        impl Visitor<'_> for Identifier {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Name, E> {
                Ok(Name(name.to_owned()))
            }
        }
        deserializer.deserialize_identifier(Identifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_read_as_their_exact_text_by_owner() {
        let text = r#"// a comment
(
    format_version: 2,
    reviewer_comment: "cek “lagi” 😊",
    source: "a.txt",
    fingerprint: "sha256:0",
    offset_unit: CodePoint,
    annotator: "ayu",
    status: InProgress,
    spans: [
        (id: 1, start: 0, end: 3, label: "actor", text: "Kim", confidence: 0.75),
        (id: 2, start: 4, end: 9, label: "actor", text: "Putin"),
        (id: 3, start: 4, end: 9, label: "date", text: "Putin", model: (name: "x", tags: ["a", "b"])),
    ],
    relations: [(from: 1, to: 2, kind: "source", by: Some("rule"))],
    rejected: [(start: 0, end: 3, label: "date", why: "no\r\nline")],
)
"#;
        let unknown = read(text).unwrap();
        assert_eq!(
            unknown.file,
            [(
                "reviewer_comment".to_owned(),
                "\"cek “lagi” 😊\"".to_owned()
            )]
        );
        assert_eq!(
            unknown.spans,
            BTreeMap::from([
                (1, vec![("confidence".to_owned(), "0.75".to_owned())]),
                (
                    3,
                    vec![(
                        "model".to_owned(),
                        "(name: \"x\", tags: [\"a\", \"b\"])".to_owned()
                    )]
                ),
            ])
        );
        let relation = Relation {
            from: 1,
            to: 2,
            kind: "source".into(),
        };
        assert_eq!(
            unknown.relations[&relation],
            [("by".to_owned(), "Some(\"rule\")".to_owned())]
        );
        assert_eq!(unknown.rejected.len(), 1);
        assert_eq!(
            unknown.describe(),
            "reviewer_comment, confidence of span 1, model of span 3, by of relation source 1 → 2, why of rejected date [0, 3)"
        );
    }

    /// Struct names (as `ron` writes them with `struct_names`) and a line
    /// comment after a value: the fields are kept, and the file written
    /// back reads back the same, byte for byte on a second save.
    #[test]
    fn named_structs_and_comments_are_kept_through_saves() {
        let text = "AnnotationFile(\n    format_version: 2,\n    source: \"a.txt\",\n    fingerprint: \"sha256:0\",\n    offset_unit: CodePoint,\n    annotator: \"ayu\",\n    status: InProgress,\n    spans: [\n        Span(\n            id: 1, start: 0, end: 3, label: \"actor\", text: \"Kim\",\n            confidence: 0.75 // from the model\n        ),\n    ],\n    checked_by: Some(\"budi\"),\n)\n";
        let path = std::path::Path::new("a.txt.ron");
        let file = crate::store::AnnotationFile::parse(path, text).unwrap();
        assert_eq!(
            file.unknown.describe(),
            "checked_by, confidence of span 1",
            "{:?}",
            file.unknown
        );
        let written = file.to_ron();
        let again = crate::store::AnnotationFile::parse(path, &written).unwrap();
        assert_eq!(again, file, "{written}");
        assert_eq!(again.to_ron(), written);
    }
}
