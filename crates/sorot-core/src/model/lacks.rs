//! What annotations use that a schema does not declare.
//!
//! Terms:
//! - **lack**: a label, a relation type or a span attribute that annotations
//!   use and the schema does not list. A lack can be added to the schema
//!   (see [`crate::project::add_to_schema`]) without changing what the
//!   schema already says.
//! - **misfit**: a use that the schema lists but does not allow: a relation
//!   between labels other than the ones its type names, an attribute value
//!   outside its list. Adding would mean changing what the schema says, so a
//!   misfit is only named, for the user to decide.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::schema::{AttributeDef, RelationDef, Schema};

/// What annotations use beyond a schema, gathered one span and relation at
/// a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaLacks {
    /// Labels the schema lacks, in the order first used.
    pub labels: Vec<String>,
    /// Relation types the schema lacks, by name: the labels of their
    /// sources and of their targets.
    relations: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
    /// Attributes the schema lacks, by (label, name): the values used.
    attributes: BTreeMap<(String, String), BTreeSet<String>>,
    /// Uses the schema lists but does not allow, said once each.
    pub misfits: BTreeSet<String>,
}

impl SchemaLacks {
    /// Notes a span's label and its attributes.
    pub fn note_span<'a>(
        &mut self,
        schema: &Schema,
        label: &str,
        attributes: impl IntoIterator<Item = (&'a String, &'a String)>,
    ) {
        if !schema.contains(label) && !self.labels.iter().any(|l| l == label) {
            self.labels.push(label.to_owned());
        }
        for (name, value) in attributes {
            match schema.attributes_of(label).find(|a| &a.name == name) {
                None => {
                    self.attributes
                        .entry((label.to_owned(), name.clone()))
                        .or_default()
                        .insert(value.clone());
                }
                Some(def) if !def.values.is_empty() && !def.values.contains(value) => {
                    self.misfits.insert(format!(
                        "attribute {name} of {label} has the value {value:?}, which the schema does not list ({})",
                        def.values.join(", ")
                    ));
                }
                Some(_) => {}
            }
        }
    }

    /// Notes a relation of type `name` from a span labeled `from` to one
    /// labeled `to`.
    pub fn note_relation(&mut self, schema: &Schema, name: &str, from: &str, to: &str) {
        match schema.relation(name) {
            None => {
                let (sources, targets) = self.relations.entry(name.to_owned()).or_default();
                sources.insert(from.to_owned());
                targets.insert(to.to_owned());
            }
            Some(def) => {
                let fits = |allowed: &str, given: &str| allowed.is_empty() || allowed == given;
                if !fits(&def.from, from) || !fits(&def.to, to) {
                    self.misfits.insert(format!(
                        "relation {name} goes from {from} to {to}; the schema has it from {} to {}",
                        or_any(&def.from),
                        or_any(&def.to)
                    ));
                }
            }
        }
    }

    /// Adds what another gathering found.
    pub fn merge(&mut self, other: SchemaLacks) {
        for label in other.labels {
            if !self.labels.contains(&label) {
                self.labels.push(label);
            }
        }
        for (name, (sources, targets)) in other.relations {
            let (s, t) = self.relations.entry(name).or_default();
            s.extend(sources);
            t.extend(targets);
        }
        for (key, values) in other.attributes {
            self.attributes.entry(key).or_default().extend(values);
        }
        self.misfits.extend(other.misfits);
    }

    /// Whether nothing is lacking and nothing misfits.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
            && self.relations.is_empty()
            && self.attributes.is_empty()
            && self.misfits.is_empty()
    }

    /// Whether anything could be added to the schema.
    pub fn can_add(&self) -> bool {
        !self.labels.is_empty() || !self.relations.is_empty() || !self.attributes.is_empty()
    }

    /// The relation types to add: a type used between one source label and
    /// one target label names them; one used between several allows any.
    pub fn relation_defs(&self) -> Vec<RelationDef> {
        let only = |labels: &BTreeSet<String>| match labels.len() {
            1 => labels.iter().next().cloned().unwrap_or_default(),
            _ => String::new(),
        };
        self.relations
            .iter()
            .map(|(name, (sources, targets))| RelationDef {
                name: name.clone(),
                from: only(sources),
                to: only(targets),
            })
            .collect()
    }

    /// The attributes to add, each with the values used.
    pub fn attribute_defs(&self) -> Vec<AttributeDef> {
        self.attributes
            .iter()
            .map(|((label, name), values)| AttributeDef {
                label: label.clone(),
                name: name.clone(),
                values: values.iter().cloned().collect(),
            })
            .collect()
    }
}

/// A relation end's label, or "any label" when none is named.
fn or_any(label: &str) -> &str {
    if label.is_empty() { "any label" } else { label }
}

/// One line per kind: the labels, relation types and attributes lacking,
/// then each misfit.
impl fmt::Display for SchemaLacks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = Vec::new();
        if !self.labels.is_empty() {
            lines.push(format!("labels: {}", self.labels.join(", ")));
        }
        if !self.relations.is_empty() {
            let relations: Vec<String> = self
                .relation_defs()
                .iter()
                .map(|r| format!("{} (from {} to {})", r.name, or_any(&r.from), or_any(&r.to)))
                .collect();
            lines.push(format!("relation types: {}", relations.join(", ")));
        }
        if !self.attributes.is_empty() {
            let attributes: Vec<String> = self
                .attribute_defs()
                .iter()
                .map(|a| format!("{} of {} ({})", a.name, a.label, a.values.join("|")))
                .collect();
            lines.push(format!("attributes: {}", attributes.join(", ")));
        }
        lines.extend(self.misfits.iter().cloned());
        f.write_str(&lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lacks_are_gathered_and_misfits_named() {
        let schema = Schema::default();
        let mut lacks = SchemaLacks::default();
        let attributes = BTreeMap::from([
            ("stance".to_owned(), "hedged".to_owned()),
            ("Negated".to_owned(), "yes".to_owned()),
        ]);
        lacks.note_span(&schema, "claim", &attributes);
        lacks.note_span(&schema, "Disease", &BTreeMap::new());
        lacks.note_span(&schema, "actor", &BTreeMap::new());
        lacks.note_relation(&schema, "foundedBy", "Organization", "actor");
        lacks.note_relation(&schema, "foundedBy", "Organization", "Person");
        lacks.note_relation(&schema, "source", "claim", "actor");
        lacks.note_relation(&schema, "target", "actor", "actor");
        let mut later = SchemaLacks::default();
        later.note_span(&schema, "Disease", &BTreeMap::new());
        later.note_span(&schema, "Organization", &BTreeMap::new());
        lacks.merge(later);
        assert_eq!(lacks.labels, ["Disease", "Organization"]);
        assert_eq!(
            lacks.to_string(),
            "labels: Disease, Organization\n\
             relation types: foundedBy (from Organization to any label)\n\
             attributes: Negated of claim (yes)\n\
             attribute stance of claim has the value \"hedged\", which the schema does not list (asserted, denied, reported)\n\
             relation target goes from actor to actor; the schema has it from claim to actor"
        );
        assert!(lacks.can_add());
        let none = SchemaLacks::default();
        assert!(none.is_empty() && !none.can_add());
    }
}
