//! The label schema: which labels a project uses, their colors and hotkeys.
//!
//! Terms:
//! - **schema**: the ordered list of a project's labels. The default schema has
//!   `actor`, `location`, `date` and `claim` on hotkeys 1 to 4; a project's
//!   `sorot.ron` may list its own labels instead (keeping or dropping those four).
//! - **hotkey**: a digit 1-9 that applies the label to the selection.
//! - **color**: `#RRGGBB`, painted translucent under the text, so the same color
//!   reads on light and dark backgrounds.
//! - **overlap**: two spans overlap when they share at least one character
//!   (nesting is overlapping). Spans of different labels always may (a claim
//!   holds an actor); whether two spans of one label may is the label's
//!   [`Overlap`] rule, by default not.

use serde::{Deserialize, Serialize};

/// One label of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelDef {
    pub name: String,
    /// `#RRGGBB`; when absent, a color from [`PALETTE`] by position.
    #[serde(default)]
    pub color: Option<String>,
    /// The digit 1-9 that applies this label; when absent, the label's
    /// position (1 for the first) if that is free and at most 9.
    #[serde(default)]
    pub hotkey: Option<u8>,
    /// A line of guidance shown as the label's tooltip.
    #[serde(default)]
    pub description: String,
    /// Whether spans of this label may overlap each other; when absent,
    /// they may not.
    #[serde(default, skip_serializing_if = "Overlap::is_default")]
    pub overlap: Overlap,
}

/// A label's overlap rule: `overlap: (same_label: true)` lets two spans of
/// the label overlap or nest (a claim inside a claim); by default they may
/// not, and a labeling action that would make them is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Overlap {
    #[serde(default)]
    pub same_label: bool,
}

impl Overlap {
    fn is_default(&self) -> bool {
        *self == Overlap::default()
    }
}

/// A project's labels, in display order, and the relations between spans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub labels: Vec<LabelDef>,
    /// Relation types; a schema without the field has the default ones.
    #[serde(default = "default_relations")]
    pub relations: Vec<RelationDef>,
    /// Attributes per label; a schema without the field has the default ones.
    /// Every span may also carry a normalized `value`.
    #[serde(default = "default_attributes")]
    pub attributes: Vec<AttributeDef>,
}

/// An attribute of the spans of one label, with its allowed values (any text when empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub label: String,
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// A claim's `stance` (asserted, denied, reported) and whether it is a direct `quote`.
pub fn default_attributes() -> Vec<AttributeDef> {
    let values = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
    vec![
        AttributeDef {
            label: "claim".into(),
            name: "stance".into(),
            values: values(&["asserted", "denied", "reported"]),
        },
        AttributeDef {
            label: "claim".into(),
            name: "quote".into(),
            values: values(&["yes", "no"]),
        },
    ]
}

/// A relation type: its name, and the labels its ends must have (any when empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationDef {
    pub name: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl RelationDef {
    /// Whether a relation of this type may go from a span labeled `from`
    /// to one labeled `to`.
    pub fn allows(&self, from: &str, to: &str) -> bool {
        (self.from.is_empty() || self.from == from) && (self.to.is_empty() || self.to == to)
    }
}

/// A claim's `source` (the actor who made it) and `target` (the actor it is about).
pub fn default_relations() -> Vec<RelationDef> {
    let relation = |name: &str| RelationDef {
        name: name.into(),
        from: "claim".into(),
        to: "actor".into(),
    };
    vec![relation("source"), relation("target")]
}

/// Mid-tone colors that keep contrast against both white and near-black when
/// painted at partial opacity. The first four are the default labels'.
pub const PALETTE: [[u8; 3]; 9] = [
    [0x3b, 0x82, 0xf6], // blue: actor
    [0x16, 0xa3, 0x4a], // green: location
    [0xe8, 0x9b, 0x0c], // amber: date
    [0xa8, 0x55, 0xf7], // violet: claim
    [0xe1, 0x1d, 0x48], // rose
    [0x06, 0xb6, 0xd4], // cyan
    [0x84, 0xcc, 0x16], // lime
    [0xdb, 0x27, 0x77], // pink
    [0x78, 0x71, 0x6c], // stone
];

/// A schema that cannot be used, with what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    #[error("the schema has no labels; list at least one")]
    Empty,
    #[error("label {0:?} is not a valid name: use letters, digits, '_' or '-', without spaces")]
    BadName(String),
    #[error("label {0:?} is listed twice")]
    Duplicate(String),
    #[error("label {label:?} has color {color:?}; write colors as #RRGGBB")]
    BadColor { label: String, color: String },
    #[error("label {label:?} has hotkey {hotkey}; hotkeys are the digits 1 to 9")]
    BadHotkey { label: String, hotkey: u8 },
    #[error("hotkey {hotkey} is given to both {first:?} and {second:?}")]
    HotkeyClash {
        hotkey: u8,
        first: String,
        second: String,
    },
}

impl SchemaError {
    /// The label the error is about, as `sorot.ron` names it, with which of
    /// its mentions (1 for the first) is at fault.
    pub fn label(&self) -> Option<(&str, usize)> {
        match self {
            SchemaError::Empty => None,
            SchemaError::BadName(label) => Some((label, 1)),
            SchemaError::Duplicate(label) => Some((label, 2)),
            SchemaError::BadColor { label, .. } | SchemaError::BadHotkey { label, .. } => {
                Some((label, 1))
            }
            SchemaError::HotkeyClash { second, .. } => Some((second, 1)),
        }
    }
}

impl Default for Schema {
    fn default() -> Self {
        let label = |name: &str, description: &str| LabelDef {
            name: name.into(),
            color: None,
            hotkey: None,
            description: description.into(),
            overlap: Overlap::default(),
        };
        Schema {
            labels: vec![
                label(
                    "actor",
                    "A person, organisation or state that acts or speaks",
                ),
                label("location", "A named place where something is or happens"),
                label(
                    "date",
                    "A time expression: a date, day, month, year or range",
                ),
                label("claim", "What a source states, quoted or reported"),
            ],
            relations: default_relations(),
            attributes: default_attributes(),
        }
    }
}

impl Schema {
    /// Checks names, colors and hotkeys.
    pub fn validate(&self) -> Result<(), SchemaError> {
        if self.labels.is_empty() {
            return Err(SchemaError::Empty);
        }
        for (i, label) in self.labels.iter().enumerate() {
            if !is_valid_label_name(&label.name) {
                return Err(SchemaError::BadName(label.name.clone()));
            }
            if self.labels[..i].iter().any(|l| l.name == label.name) {
                return Err(SchemaError::Duplicate(label.name.clone()));
            }
            if let Some(color) = &label.color
                && parse_color(color).is_none()
            {
                return Err(SchemaError::BadColor {
                    label: label.name.clone(),
                    color: color.clone(),
                });
            }
            if let Some(hotkey) = label.hotkey
                && !(1..=9).contains(&hotkey)
            {
                return Err(SchemaError::BadHotkey {
                    label: label.name.clone(),
                    hotkey,
                });
            }
        }
        let keys = self.hotkeys();
        for (i, (key, name)) in keys.iter().enumerate() {
            if let Some((_, first)) = keys[..i].iter().find(|(k, _)| k == key) {
                return Err(SchemaError::HotkeyClash {
                    hotkey: *key,
                    first: first.clone(),
                    second: name.clone(),
                });
            }
        }
        Ok(())
    }

    /// The attributes of spans labeled `label`.
    pub fn attributes_of(&self, label: &str) -> impl Iterator<Item = &AttributeDef> {
        self.attributes.iter().filter(move |a| a.label == label)
    }

    /// The relation type called `name`.
    pub fn relation(&self, name: &str) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.name == name)
    }

    pub fn get(&self, name: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.name == name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Whether two spans of `label` may overlap; false for a label the
    /// schema does not list.
    pub fn same_label_may_overlap(&self, label: &str) -> bool {
        self.get(label).is_some_and(|l| l.overlap.same_label)
    }

    /// The color of a label as RGB; labels outside the schema are gray.
    pub fn color(&self, name: &str) -> [u8; 3] {
        match self.labels.iter().position(|l| l.name == name) {
            Some(i) => self.labels[i]
                .color
                .as_deref()
                .and_then(parse_color)
                .unwrap_or(PALETTE[i % PALETTE.len()]),
            None => [0x80, 0x80, 0x80],
        }
    }

    /// Every (hotkey, label) pair: explicit hotkeys, then positions 1-9 that
    /// no explicit hotkey took.
    pub fn hotkeys(&self) -> Vec<(u8, String)> {
        let explicit: Vec<(u8, String)> = self
            .labels
            .iter()
            .filter_map(|l| l.hotkey.map(|k| (k, l.name.clone())))
            .collect();
        let mut all = explicit.clone();
        for (i, label) in self.labels.iter().enumerate().take(9) {
            let key = i as u8 + 1;
            if label.hotkey.is_none() && !explicit.iter().any(|(k, _)| *k == key) {
                all.push((key, label.name.clone()));
            }
        }
        all.sort();
        all
    }

    /// The label a digit applies, if any.
    pub fn label_for_hotkey(&self, digit: u8) -> Option<String> {
        self.hotkeys()
            .into_iter()
            .find(|(k, _)| *k == digit)
            .map(|(_, name)| name)
    }

    /// The hotkey of a label, if any.
    pub fn hotkey_of(&self, name: &str) -> Option<u8> {
        self.hotkeys()
            .into_iter()
            .find(|(_, n)| n == name)
            .map(|(k, _)| k)
    }
}

/// Label names go into folder-free places such as CoNLL tag columns and brat
/// lines, so they hold no whitespace.
pub fn is_valid_label_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Parses `#RRGGBB`.
pub fn parse_color(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_has_four_labels_on_keys_one_to_four() {
        let schema = Schema::default();
        schema.validate().unwrap();
        let hotkeys = schema.hotkeys();
        let keys: Vec<(u8, &str)> = hotkeys.iter().map(|(k, n)| (*k, n.as_str())).collect();
        assert_eq!(
            keys,
            vec![(1, "actor"), (2, "location"), (3, "date"), (4, "claim")]
        );
        assert_eq!(schema.label_for_hotkey(3).as_deref(), Some("date"));
        assert_eq!(schema.color("claim"), PALETTE[3]);
    }

    #[test]
    fn schema_errors_name_the_label() {
        let mut schema = Schema::default();
        schema.labels[0].color = Some("blue".into());
        assert!(matches!(
            schema.validate(),
            Err(SchemaError::BadColor { .. })
        ));
        let mut schema = Schema::default();
        schema.labels[0].hotkey = Some(2);
        schema.labels[3].hotkey = Some(2);
        assert_eq!(
            schema.validate(),
            Err(SchemaError::HotkeyClash {
                hotkey: 2,
                first: "actor".into(),
                second: "claim".into()
            })
        );
        let mut schema = Schema::default();
        schema.labels[1].name = "two words".into();
        assert!(matches!(schema.validate(), Err(SchemaError::BadName(_))));
    }

    #[test]
    fn an_explicit_hotkey_moves_the_positional_one_aside() {
        let mut schema = Schema::default();
        schema.labels.push(LabelDef {
            name: "event".into(),
            color: Some("#112233".into()),
            hotkey: Some(9),
            description: String::new(),
            overlap: Overlap::default(),
        });
        schema.validate().unwrap();
        assert_eq!(schema.hotkey_of("event"), Some(9));
        assert_eq!(schema.color("event"), [0x11, 0x22, 0x33]);
    }

    #[test]
    fn a_label_without_an_overlap_rule_keeps_its_spans_apart() {
        let schema: Schema = ron::from_str(
            r#"(labels: [(name: "actor"), (name: "claim", overlap: (same_label: true))])"#,
        )
        .unwrap();
        assert!(!schema.same_label_may_overlap("actor"));
        assert!(schema.same_label_may_overlap("claim"));
        assert!(!schema.same_label_may_overlap("event"), "not in the schema");
        assert!(
            !Schema::default()
                .labels
                .iter()
                .any(|l| l.overlap.same_label)
        );
        // Written back only where it differs from the default.
        let written = ron::to_string(&schema).unwrap();
        assert_eq!(written.matches("overlap").count(), 1, "{written}");
        assert_eq!(ron::from_str::<Schema>(&written).unwrap(), schema);
    }
}
