//! Adding to the schema in `sorot.ron` what annotations use and it lacks,
//! keeping the rest of the file as the user wrote it.
//!
//! Terms:
//! - **token**: a piece of RON that matters to the structure: a bracket, a
//!   comma, a colon, a name or a string; whitespace and comments are not
//!   tokens, and are kept where they are.
//! - **list**: the `[...]` of `labels`, `relations` or `attributes` in the
//!   schema. New entries go at its end, one a line when the list is written
//!   one entry a line, else on the list's line.
//! - **field**: a `name: value` of a struct. A list the schema does not
//!   write stands for its defaults; it is written as the defaults and the
//!   new entries, so that the defaults stay.
//!
//! The edited file is read back before it is written: if it does not give
//! the old schema with the additions, and everything else as before, nothing
//! is written.

use std::fs;
use std::ops::Range;
use std::path::Path;

use super::{CONFIG_FILE, ProjectConfig};
use crate::model::lacks::SchemaLacks;
use crate::model::schema::{
    AttributeDef, LabelDef, RelationDef, Schema, default_attributes, default_relations,
    is_valid_label_name,
};

/// Why the schema could not be added to; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum SchemaEditError {
    #[error("{}: cannot read", path.display())]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not what Sorot reads as its settings, or the edit would
    /// change more than the schema.
    #[error("{}: {message}; add to the schema by hand", path.display())]
    Edit {
        path: std::path::PathBuf,
        message: String,
    },
    #[error(transparent)]
    Storage(#[from] crate::store::StorageError),
}

/// What was added to the schema.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SchemaAdded {
    pub labels: Vec<String>,
    pub relations: Vec<RelationDef>,
    pub attributes: Vec<AttributeDef>,
    /// Labels that cannot be schema labels (they hold spaces, say): not
    /// added.
    pub refused: Vec<String>,
}

/// Adds to the schema in the `sorot.ron` of the project at `root` the
/// labels, relation types and attributes of `lacks`, writing the file when
/// there is none.
pub fn add_to_schema(root: &Path, lacks: &SchemaLacks) -> Result<SchemaAdded, SchemaEditError> {
    let path = root.join(CONFIG_FILE);
    let (labels, refused): (Vec<String>, Vec<String>) = lacks
        .labels
        .iter()
        .cloned()
        .partition(|l| is_valid_label_name(l));
    let added = SchemaAdded {
        labels,
        relations: lacks.relation_defs(),
        attributes: lacks.attribute_defs(),
        refused,
    };
    if added.labels.is_empty() && added.relations.is_empty() && added.attributes.is_empty() {
        return Ok(added);
    }
    let edit_error = |message: String| SchemaEditError::Edit {
        path: path.clone(),
        message,
    };
    let (content, old) = match fs::read_to_string(&path) {
        Ok(content) => {
            let old: ProjectConfig = ron::from_str(&content)
                .map_err(|err| edit_error(format!("cannot be read ({})", err.code)))?;
            (content, old)
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            (NEW_FILE.to_owned(), ProjectConfig::default())
        }
        Err(source) => {
            return Err(SchemaEditError::Read {
                path: path.clone(),
                source,
            });
        }
    };
    let edited = edit(&content, &old.schema, &added).map_err(edit_error)?;
    // Read back: the old settings with the schema's additions, nothing else.
    let mut expected = old;
    expected
        .schema
        .labels
        .extend(added.labels.iter().map(|name| new_label(name)));
    expected.schema.relations.extend(added.relations.clone());
    expected.schema.attributes.extend(added.attributes.clone());
    let read: ProjectConfig = ron::from_str(&edited)
        .map_err(|err| edit_error(format!("the edited file would not read ({})", err.code)))?;
    if read != expected {
        return Err(edit_error(
            "the edited file would not read as the old one with the additions".into(),
        ));
    }
    if let Err(problem) = read.schema.validate() {
        return Err(edit_error(format!(
            "the schema with the additions would not hold: {problem}"
        )));
    }
    crate::store::write_atomic(&path, edited.as_bytes())?;
    Ok(added)
}

/// A `sorot.ron` for a project that had none: the defaults, said.
const NEW_FILE: &str = "// Sorot project settings: the text folder, the annotations folder, the schema.\n(\n    texts: \".\",\n    annotations: \"annotations\",\n)\n";

/// A label added with neither color, hotkey nor description.
fn new_label(name: &str) -> LabelDef {
    LabelDef {
        name: name.to_owned(),
        color: None,
        hotkey: None,
        description: String::new(),
        overlap: Default::default(),
    }
}

/// `content` with the additions written into its schema.
fn edit(content: &str, old: &Schema, added: &SchemaAdded) -> Result<String, String> {
    let tokens = tokens(content)?;
    let top = Struct::find_top(&tokens).ok_or("no settings in parentheses")?;
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let lists: [(&str, Vec<String>, Vec<String>); 3] = [
        (
            "labels",
            old.labels.iter().map(label_entry).collect(),
            added
                .labels
                .iter()
                .map(|l| label_entry(&new_label(l)))
                .collect(),
        ),
        (
            "relations",
            default_relations().iter().map(relation_entry).collect(),
            added.relations.iter().map(relation_entry).collect(),
        ),
        (
            "attributes",
            default_attributes().iter().map(attribute_entry).collect(),
            added.attributes.iter().map(attribute_entry).collect(),
        ),
    ];
    match top.field(&tokens, "schema") {
        Some(value) => {
            let schema = Struct::at(&tokens, value).ok_or("`schema` is not in parentheses")?;
            // Fields the schema lacks go in together, with one comma before.
            let mut missing = Vec::new();
            for (name, defaults, new) in lists {
                if new.is_empty() {
                    continue;
                }
                match schema.field(&tokens, name) {
                    Some(value) => {
                        let list = Struct::at(&tokens, value)
                            .filter(|list| tokens[list.open].text == "[")
                            .ok_or(format!("`{name}` is not a list in brackets"))?;
                        inserts.extend(list.append(content, &tokens, &new));
                    }
                    None => {
                        let all: Vec<String> = defaults.into_iter().chain(new).collect();
                        missing.push(list_field(name, &all));
                    }
                }
            }
            if !missing.is_empty() {
                inserts.extend(schema.append(content, &tokens, &missing));
            }
        }
        None => {
            // No schema: the default one, with the additions.
            let fields: Vec<String> = lists
                .into_iter()
                .filter(|(name, _, new)| *name == "labels" || !new.is_empty())
                .map(|(name, defaults, new)| {
                    let all: Vec<String> = defaults.into_iter().chain(new).collect();
                    list_field(name, &all)
                })
                .collect();
            let schema = format!("schema: ({})", fields.join(", "));
            inserts.extend(top.append(content, &tokens, &[schema]));
        }
    }
    // Stable: two inserts at one place keep the order they were made in.
    inserts.sort_by_key(|(at, _)| *at);
    let mut edited = String::with_capacity(content.len() + 256);
    let mut from = 0;
    // New lines end as the file's do.
    let crlf = content.contains("\r\n");
    for (at, text) in inserts {
        edited.push_str(&content[from..at]);
        if crlf {
            edited.push_str(&text.replace('\n', "\r\n"));
        } else {
            edited.push_str(&text);
        }
        from = at;
    }
    edited.push_str(&content[from..]);
    Ok(edited)
}

/// `name: [entries]`, on one line.
fn list_field(name: &str, entries: &[String]) -> String {
    format!("{name}: [{}]", entries.join(", "))
}

/// A RON string literal.
fn quoted(text: &str) -> String {
    ron::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

fn label_entry(label: &LabelDef) -> String {
    let mut fields = vec![format!("name: {}", quoted(&label.name))];
    if let Some(color) = &label.color {
        fields.push(format!("color: Some({})", quoted(color)));
    }
    if let Some(hotkey) = label.hotkey {
        fields.push(format!("hotkey: Some({hotkey})"));
    }
    if !label.description.is_empty() {
        fields.push(format!("description: {}", quoted(&label.description)));
    }
    if label.overlap.same_label {
        fields.push("overlap: (same_label: true)".to_owned());
    }
    format!("({})", fields.join(", "))
}

fn relation_entry(relation: &RelationDef) -> String {
    let mut fields = vec![format!("name: {}", quoted(&relation.name))];
    if !relation.from.is_empty() {
        fields.push(format!("from: {}", quoted(&relation.from)));
    }
    if !relation.to.is_empty() {
        fields.push(format!("to: {}", quoted(&relation.to)));
    }
    format!("({})", fields.join(", "))
}

fn attribute_entry(attribute: &AttributeDef) -> String {
    let values: Vec<String> = attribute.values.iter().map(|v| quoted(v)).collect();
    format!(
        "(label: {}, name: {}, values: [{}])",
        quoted(&attribute.label),
        quoted(&attribute.name),
        values.join(", ")
    )
}

/// A token and where it is in the file.
#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    at: Range<usize>,
}

/// The tokens of RON text: brackets, commas, colons, names, numbers and
/// strings, past whitespace and comments (line and nested block comments).
fn tokens(content: &str) -> Result<Vec<Token<'_>>, String> {
    let bytes = content.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b if b.is_ascii_whitespace() => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                loop {
                    if i + 1 >= bytes.len() {
                        return Err("a block comment is not closed".into());
                    }
                    match (bytes[i], bytes[i + 1]) {
                        (b'/', b'*') => {
                            depth += 1;
                            i += 2;
                        }
                        (b'*', b'/') => {
                            depth -= 1;
                            i += 2;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => i += 1,
                    }
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if i >= bytes.len() {
                    return Err("a string is not closed".into());
                }
                i += 1;
                tokens.push(Token {
                    text: &content[start..i],
                    at: start..i,
                });
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#')) => {
                // A raw string: r"..." or r#"..."#.
                let hashes = bytes[i + 1..].iter().take_while(|b| **b == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                let end = content[body..]
                    .find(&close)
                    .ok_or("a raw string is not closed")?;
                i = body + end + close.len();
                tokens.push(Token {
                    text: &content[start..i],
                    at: start..i,
                });
            }
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b':' => {
                i += 1;
                tokens.push(Token {
                    text: &content[start..i],
                    at: start..i,
                });
            }
            _ => {
                // A name, a number or another word: up to the next break.
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !b"()[]{},:\"/".contains(&bytes[i])
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                tokens.push(Token {
                    text: &content[start..i],
                    at: start..i,
                });
            }
        }
    }
    Ok(tokens)
}

/// A bracketed part of the tokens: a struct's `(...)` or a list's `[...]`.
struct Struct {
    /// The token index of the opening bracket.
    open: usize,
    /// The token index of the closing one.
    close: usize,
}

impl Struct {
    /// The settings' struct: the first `(` of the file, past attributes
    /// such as `#![enable(implicit_some)]`.
    fn find_top(tokens: &[Token]) -> Option<Struct> {
        let mut at = 0;
        while tokens.get(at)?.text.starts_with('#') {
            let attribute = Struct::at(tokens, at + 1)?;
            at = attribute.close + 1;
        }
        let open = at + tokens[at..].iter().position(|t| t.text == "(")?;
        Struct::at(tokens, open)
    }

    /// The bracketed part that opens at token `at` (past a struct's name,
    /// as in `Schema(...)`).
    fn at(tokens: &[Token], at: usize) -> Option<Struct> {
        let open = if matches!(tokens.get(at)?.text, "(" | "[") {
            at
        } else if matches!(tokens.get(at + 1)?.text, "(") {
            at + 1
        } else {
            return None;
        };
        let mut depth = 0usize;
        for (i, token) in tokens.iter().enumerate().skip(open) {
            match token.text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(Struct { open, close: i });
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The token index where the value of field `name` begins, when the
    /// struct has it at its own level.
    fn field(&self, tokens: &[Token], name: &str) -> Option<usize> {
        let mut depth = 0usize;
        for i in self.open + 1..self.close {
            match tokens[i].text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                text if depth == 0 && text == name && tokens.get(i + 1)?.text == ":" => {
                    return Some(i + 2);
                }
                _ => {}
            }
        }
        None
    }

    /// Where and what to insert to add `entries` at the end: one a line
    /// when the closing bracket stands on its own line, else on its line.
    fn append(&self, content: &str, tokens: &[Token], entries: &[String]) -> Vec<(usize, String)> {
        let last = &tokens[self.close - 1];
        let empty = self.close == self.open + 1;
        let needs_comma = !empty && last.text != ",";
        let close_at = tokens[self.close].at.start;
        let line_start = content[..close_at].rfind('\n').map_or(0, |n| n + 1);
        let own_line = line_start > last.at.end && content[line_start..close_at].trim().is_empty();
        if own_line {
            // A comma right after the last entry if it lacks one (before any
            // comment after it); the new entries each on a line before the
            // closing bracket's, indented one step past it.
            let indent = &content[line_start..close_at];
            let mut text = String::new();
            for entry in entries {
                text.push_str(indent);
                text.push_str("    ");
                text.push_str(entry);
                text.push_str(",\n");
            }
            let mut inserts = Vec::new();
            if needs_comma {
                inserts.push((last.at.end, ",".to_owned()));
            }
            inserts.push((line_start, text));
            inserts
        } else {
            let joined = entries.join(", ");
            let text = if empty {
                joined
            } else if needs_comma {
                format!(", {joined}")
            } else {
                format!(" {joined}")
            };
            vec![(last.at.end, text)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Lacks of a brat corpus: two labels, a relation type, an attribute.
    fn lacks() -> SchemaLacks {
        let schema = Schema::default();
        let mut lacks = SchemaLacks::default();
        lacks.note_span(&schema, "Disease", &BTreeMap::new());
        let category = BTreeMap::from([("Category".to_owned(), "Modifier".to_owned())]);
        lacks.note_span(&schema, "Disease", &category);
        lacks.note_span(&schema, "Organization", &BTreeMap::new());
        lacks.note_relation(&schema, "foundedBy", "Organization", "actor");
        lacks
    }

    fn added_to(content: Option<&str>) -> (String, SchemaAdded) {
        let dir = tempfile::tempdir().unwrap();
        if let Some(content) = content {
            fs::write(dir.path().join(CONFIG_FILE), content).unwrap();
        }
        let added = add_to_schema(dir.path(), &lacks()).unwrap();
        let written = fs::read_to_string(dir.path().join(CONFIG_FILE)).unwrap();
        (written, added)
    }

    #[test]
    fn entries_go_at_the_end_of_lists_written_one_a_line_and_comments_stay() {
        let content = r##"// Settings of the sample corpus.
(
    texts: "seeds",
    schema: (
        labels: [
            (name: "actor", color: Some("#3b82f6"), hotkey: Some(1), description: "A person [or state], quoted \"so\""),
            (name: "location") // the last one, without a comma
        ],
        /* relations: left to their defaults */
    ),
)
"##;
        let (written, added) = added_to(Some(content));
        assert_eq!(
            written,
            r##"// Settings of the sample corpus.
(
    texts: "seeds",
    schema: (
        labels: [
            (name: "actor", color: Some("#3b82f6"), hotkey: Some(1), description: "A person [or state], quoted \"so\""),
            (name: "location"), // the last one, without a comma
            (name: "Disease"),
            (name: "Organization"),
        ],
        /* relations: left to their defaults */
        relations: [(name: "source", from: "claim", to: "actor"), (name: "target", from: "claim", to: "actor"), (name: "foundedBy", from: "Organization", to: "actor")],
        attributes: [(label: "claim", name: "stance", values: ["asserted", "denied", "reported"]), (label: "claim", name: "quote", values: ["yes", "no"]), (label: "Disease", name: "Category", values: ["Modifier"])],
    ),
)
"##
        );
        assert_eq!(added.labels, ["Disease", "Organization"]);
    }

    #[test]
    fn entries_go_on_the_line_of_lists_written_on_one() {
        let (written, _) = added_to(Some(
            r#"(schema: (labels: [(name: "actor")], relations: [], attributes: [(label: "actor", name: "role",),]))"#,
        ));
        assert_eq!(
            written,
            r#"(schema: (labels: [(name: "actor"), (name: "Disease"), (name: "Organization")], relations: [(name: "foundedBy", from: "Organization", to: "actor")], attributes: [(label: "actor", name: "role",), (label: "Disease", name: "Category", values: ["Modifier"])]))"#
        );
    }

    #[test]
    fn two_missing_lists_go_in_together_whatever_the_commas() {
        for content in [
            "(\n    schema: (\n        labels: [(name: \"actor\")]\n    ),\n)\n",
            "(schema: (labels: [(name: \"actor\")],))",
            "(schema: (labels: [(name: \"actor\")]))",
        ] {
            let (written, _) = added_to(Some(content));
            let config: ProjectConfig = ron::from_str(&written).unwrap();
            assert_eq!(config.schema.relations.len(), 3, "{written}");
            assert_eq!(config.schema.attributes.len(), 3, "{written}");
        }
    }

    #[test]
    fn crlf_files_and_attributes_at_the_top_are_kept() {
        let content = "#![enable(implicit_some)]\r\n(\r\n    schema: (\r\n        labels: [\r\n            (name: \"actor\"),\r\n        ],\r\n    ),\r\n)\r\n";
        let (written, _) = added_to(Some(content));
        assert!(
            written.starts_with("#![enable(implicit_some)]\r\n(\r\n"),
            "{written}"
        );
        assert!(!written.replace("\r\n", "").contains('\n'), "{written:?}");
        assert!(
            written.contains("            (name: \"Disease\"),\r\n"),
            "{written:?}"
        );
    }

    #[test]
    fn a_project_without_settings_or_schema_gets_the_default_schema_and_the_additions() {
        let (written, _) = added_to(None);
        let config: ProjectConfig = ron::from_str(&written).unwrap();
        let names: Vec<&str> = config
            .schema
            .labels
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "actor",
                "location",
                "date",
                "claim",
                "Disease",
                "Organization"
            ]
        );
        assert_eq!(config.schema.relations.len(), 3);
        assert_eq!(config.schema.attributes.len(), 3);
        let (written, _) = added_to(Some("(texts: \"seeds\")\n"));
        assert!(
            written.starts_with("(texts: \"seeds\", schema: (labels: [(name: \"actor\""),
            "{written}"
        );
    }

    #[test]
    fn what_cannot_be_edited_is_refused_and_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        fs::write(&path, "(texts: \"seeds\"").unwrap();
        let err = add_to_schema(dir.path(), &lacks()).unwrap_err();
        assert!(err.to_string().contains("cannot be read"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "(texts: \"seeds\"");
        // A label that cannot be a schema label is refused, the rest added.
        let mut lacks = lacks();
        lacks.labels.push("two words".into());
        fs::remove_file(&path).unwrap();
        let added = add_to_schema(dir.path(), &lacks).unwrap();
        assert_eq!(added.refused, ["two words"]);
    }
}
