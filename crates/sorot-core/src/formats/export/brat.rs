//! brat standoff: for each document a `.txt` and a `.ann` file in a folder,
//! and `annotation.conf` and `visual.conf` that declare what they use.
//!
//! brat reads texts with LF line ends and counts code points over them. A CRLF
//! source is therefore written with LF line ends, and every offset after a
//! CRLF moves back by one per line end before it, so spans keep their text.
//! A span that crosses a line end is written as brat's discontinuous span,
//! one fragment per line (`T1 <tab> claim 10 20;21 30 <tab> first line second line`).
//!
//! Each span's details follow it:
//! - its note, then its typed notes, as `#` lines (`#1 <tab> AnnotatorNotes
//!   T1 <tab> text`, `#2 <tab> Lemma T1 <tab> text`); a note's line breaks
//!   and tabs become spaces;
//! - its attributes as `A` lines (`A1 <tab> stance T3 reported`); one whose
//!   value is `true` is brat's **binary** attribute, written without a
//!   value (`A2 <tab> Individual T4`), unless the schema gives that
//!   attribute other values;
//! - its normalized value as an `N` line: with its resource, the entry it
//!   names (`N1 <tab> Reference T5 Wikipedia:64488 <tab> name`); without,
//!   Sorot's own value (`N1 <tab> Reference T2 Sorot:Kim_Jong_Un <tab> Kim
//!   Jong Un`).
//!
//! Relations become `R` lines (`R1 <tab> source Arg1:T2 Arg2:T1`). With
//! several annotators, each gets a subfolder.
//!
//! `annotation.conf` is written last, so that it declares what the files
//! use (the **declarations**): every exported label; every relation type
//! with the labels of its ends, as used and as the schema gives them; every
//! attribute with the labels that carry it and its values (none for a
//! binary one); and that spans may nest, overlap and share their place, as
//! in Sorot. brat names types, relations and attributes with ASCII letters,
//! digits, `_` and `-` only, and lists an attribute's values without
//! spaces, `|`, `,`, `<` or `>`: a span, relation or attribute that brat
//! cannot name is a loss.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::pipeline::{Item, Sink};
use super::{ExportError, Loss, Offsets, Options, Sidecar};
use crate::formats::brat::{BINARY, NORMALIZATION, SOROT, is_brat_name};
use crate::model::schema::Schema;
use crate::model::text::SourceText;
use crate::model::{ANNOTATOR_NOTES, Span};
use crate::store::write_output;

pub struct Brat {
    folder: PathBuf,
    options: Options,
    schema: Schema,
    /// The exported labels, in schema order.
    labels: Vec<String>,
    /// What the documents written so far use.
    used: Declarations,
}

/// Relation types and attributes that documents use, to be declared in
/// `annotation.conf`.
#[derive(Debug, Default)]
pub(super) struct Declarations {
    /// Each relation type's labels at its first and at its second end.
    relations: BTreeMap<String, [BTreeSet<String>; 2]>,
    /// Each attribute's uses.
    attributes: BTreeMap<String, AttributeUse>,
}

/// How the exported spans use one attribute.
#[derive(Debug, Default)]
struct AttributeUse {
    /// The labels of the spans that carry it.
    labels: BTreeSet<String>,
    /// The values written.
    values: BTreeSet<String>,
    /// How many spans have it as a binary attribute (written without a value).
    binary: usize,
}

impl Declarations {
    fn add(&mut self, other: Declarations) {
        for (kind, [from, to]) in other.relations {
            let ends = self.relations.entry(kind).or_default();
            ends[0].extend(from);
            ends[1].extend(to);
        }
        for (name, used) in other.attributes {
            let mine = self.attributes.entry(name).or_default();
            mine.labels.extend(used.labels);
            mine.values.extend(used.values);
            mine.binary += used.binary;
        }
    }
}

impl Brat {
    pub fn new(folder: &Path, options: &Options, schema: &Schema, labels: &[String]) -> Self {
        Brat {
            folder: folder.to_owned(),
            options: options.clone(),
            schema: schema.clone(),
            labels: labels.to_vec(),
            used: Declarations::default(),
        }
    }

    /// Whether an attribute `name` of a `label` span with `value` is written
    /// as binary: its value is `true`, and the schema gives it no other.
    fn is_binary(&self, label: &str, name: &str, value: &str) -> bool {
        value == BINARY
            && !self
                .schema
                .attributes_of(label)
                .filter(|a| a.name == name)
                .any(|a| a.values.iter().any(|v| v != BINARY))
    }

    /// `annotation.conf`: the exported labels, and every relation type and
    /// attribute that the files use or the schema gives the exported labels.
    fn annotation_conf(&self, losses: &mut Vec<Loss>) -> String {
        let exported = |label: &str| is_brat_name(label) && self.labels.iter().any(|l| l == label);
        let mut conf = String::from(
            "# Written by Sorot: the exported labels, and the relation types and attributes that the files use or the project's schema defines.\n[entities]\n",
        );
        // A label brat cannot name has no spans in the files (each is a loss).
        for label in self.labels.iter().filter(|l| is_brat_name(l)) {
            conf.push_str(label);
            conf.push('\n');
        }
        conf.push_str("\n[relations]\n");
        conf.push_str("# Spans may nest, overlap and share their place.\n");
        conf.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n");
        // The schema's relation types first, in its order, then the others
        // the files use, by name.
        let mut relations: Vec<(String, [BTreeSet<String>; 2])> = Vec::new();
        let mut add_relation = |kind: &str, ends: [BTreeSet<String>; 2]| match relations
            .iter_mut()
            .find(|(k, _)| k == kind)
        {
            Some((_, mine)) => {
                for (mine, more) in mine.iter_mut().zip(ends) {
                    mine.extend(more);
                }
            }
            None => relations.push((kind.to_owned(), ends)),
        };
        for relation in &self.schema.relations {
            let end = |label: &str| -> BTreeSet<String> {
                if label.is_empty() {
                    BTreeSet::from(["<ENTITY>".to_owned()])
                } else if exported(label) {
                    BTreeSet::from([label.to_owned()])
                } else {
                    BTreeSet::new()
                }
            };
            add_relation(&relation.name, [end(&relation.from), end(&relation.to)]);
        }
        for (kind, ends) in &self.used.relations {
            add_relation(kind, ends.clone());
        }
        for (kind, [from, to]) in &relations {
            // A type of the schema whose ends are not exported, or that
            // brat cannot name, has nothing to declare.
            if from.is_empty() || to.is_empty() || !is_brat_name(kind) {
                continue;
            }
            let ends = |labels: &BTreeSet<String>| {
                if labels.contains("<ENTITY>") {
                    "<ENTITY>".to_owned()
                } else {
                    labels.iter().cloned().collect::<Vec<_>>().join("|")
                }
            };
            writeln!(conf, "{kind}\tArg1:{}, Arg2:{}", ends(from), ends(to))
                .expect("writing to a String");
        }
        conf.push_str("\n[events]\n\n[attributes]\n");
        // The schema's attributes of the exported labels first, then the
        // others the files use; values as the schema orders them, then the
        // others used, sorted.
        // (name, labels, values, whether binary)
        let mut attributes: Vec<(String, BTreeSet<String>, Vec<String>, bool)> = Vec::new();
        let mut add_attribute =
            |name: &str, labels: Vec<&String>, values: Vec<&String>, binary: bool| {
                let at = match attributes.iter().position(|(n, ..)| n == name) {
                    Some(at) => at,
                    None => {
                        attributes.push((name.to_owned(), BTreeSet::new(), Vec::new(), false));
                        attributes.len() - 1
                    }
                };
                let (_, mine, known, is_binary) = &mut attributes[at];
                mine.extend(labels.into_iter().cloned());
                for value in values {
                    if !known.contains(value) {
                        known.push(value.clone());
                    }
                }
                *is_binary |= binary;
            };
        for attribute in self.schema.attributes.iter().filter(|a| exported(&a.label)) {
            // Values that are all `true` make a binary attribute; no values,
            // free text, which has none to declare until a span uses it.
            let binary =
                !attribute.values.is_empty() && attribute.values.iter().all(|v| v == BINARY);
            if attribute.values.is_empty() && !self.used.attributes.contains_key(&attribute.name) {
                continue;
            }
            let values = if binary {
                Vec::new()
            } else {
                attribute.values.iter().collect()
            };
            add_attribute(&attribute.name, vec![&attribute.label], values, binary);
        }
        for (name, used) in &self.used.attributes {
            add_attribute(
                name,
                used.labels.iter().collect(),
                used.values.iter().collect(),
                used.binary > 0,
            );
        }
        for (name, labels, values, binary) in &attributes {
            if !is_brat_name(name) {
                continue;
            }
            let labels = labels.iter().cloned().collect::<Vec<_>>().join("|");
            let values: Vec<&str> = values
                .iter()
                .map(String::as_str)
                .filter(|v| is_brat_value(v))
                .collect();
            if values.is_empty() {
                // Values brat cannot list (a schema's, with spaces) leave
                // nothing to declare but a binary attribute.
                if *binary {
                    writeln!(conf, "{name}\tArg:{labels}").expect("writing to a String");
                }
                continue;
            }
            writeln!(conf, "{name}\tArg:{labels}, Value:{}", values.join("|"))
                .expect("writing to a String");
            let binary = self.used.attributes.get(name).map_or(0, |u| u.binary);
            if binary > 0 {
                losses.push(Loss {
                    file: self.folder.join("annotation.conf").display().to_string(),
                    span: None,
                    reason: format!(
                        "attribute {name} is binary (written without a value, as its value is true) on {binary} spans and has the values {} elsewhere; brat reads an attribute as one or the other, so it was declared with those values",
                        values.join(", ")
                    ),
                });
            }
        }
        conf
    }
}

impl Sink for Brat {
    /// What the document uses, to be declared.
    type Output = Declarations;

    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(Declarations, usize), ExportError> {
        let (lf_text, to_lf) = lf_text(item.text);
        let offsets = Offsets::new(&lf_text, self.options.offsets);
        let mut used = Declarations::default();
        let mut ann = String::new();
        let mut note_number = 0;
        let mut places = String::new();
        let mut texts = String::new();
        let lose = |losses: &mut Vec<Loss>, span: &Span, reason: String| {
            losses.push(Loss {
                file: item.file.clone(),
                span: Some(span.id),
                reason,
            })
        };
        // Spans with no place in brat (only a line end, a label brat
        // cannot name): they and what hangs on them are left out.
        let mut left_out = vec![false; item.spans.len()];
        for (n, span) in item.spans.iter().enumerate() {
            let t = n + 1;
            if !is_brat_name(&span.label) {
                left_out[n] = true;
                lose(
                    losses,
                    span,
                    format!(
                        "brat cannot name the label {:?} (its names are ASCII letters, digits, _ and -); not exported, nor its note, value, attributes and relations",
                        span.label
                    ),
                );
                continue;
            }
            let (start, end) = (to_lf(span.start), to_lf(span.end));
            // One fragment per line the span covers.
            let mut fragment_start = start;
            places.clear();
            texts.clear();
            let line_ends = lf_text.slice(start..end).chars().enumerate();
            for fragment_end in line_ends
                .filter(|(_, c)| *c == '\n')
                .map(|(i, _)| start + i)
                .chain([end])
            {
                if fragment_end > fragment_start {
                    if !places.is_empty() {
                        places.push(';');
                        texts.push(' ');
                    }
                    write!(
                        places,
                        "{} {}",
                        offsets.map(fragment_start),
                        offsets.map(fragment_end)
                    )
                    .expect("writing to a String");
                    texts.push_str(lf_text.slice(fragment_start..fragment_end));
                }
                fragment_start = fragment_end + 1;
            }
            if places.is_empty() {
                left_out[n] = true;
                lose(losses, span, "the span holds only a line end, which brat's text cannot hold as a span; not exported, nor its note, value, attributes and relations".into());
                continue;
            }
            writeln!(ann, "T{t}\t{} {places}\t{texts}", span.label).expect("writing to a String");
            let note = (!span.note.is_empty()).then_some((ANNOTATOR_NOTES, span.note.as_str()));
            let typed = span
                .notes
                .iter()
                .map(|n| (n.kind.as_str(), n.text.as_str()));
            for (kind, text) in note.into_iter().chain(typed) {
                if kind.is_empty() || kind.contains(char::is_whitespace) {
                    lose(
                        losses,
                        span,
                        format!(
                            "a note of the kind {kind:?}, which brat cannot name (a kind is one word), was not exported"
                        ),
                    );
                    continue;
                }
                let text = one_line(text);
                if let Cow::Owned(_) = text {
                    lose(
                        losses,
                        span,
                        format!(
                            "the {kind} note's line breaks or tabs became spaces (brat notes are one line)"
                        ),
                    );
                }
                note_number += 1;
                writeln!(ann, "#{note_number}\t{kind} T{t}\t{text}").expect("writing to a String");
            }
        }
        // Attributes as A lines, the normalized value as an N line.
        let mut attribute_number = 0;
        let mut normalization_number = 0;
        for (n, span) in item.spans.iter().enumerate() {
            if left_out[n] {
                continue;
            }
            let t = n + 1;
            for (name, value) in &span.attributes {
                if !is_brat_name(name) {
                    lose(
                        losses,
                        span,
                        format!(
                            "brat cannot name the attribute {name:?} (its names are ASCII letters, digits, _ and -); not exported"
                        ),
                    );
                    continue;
                }
                let binary = self.is_binary(&span.label, name, value);
                if !binary && !is_brat_value(value) {
                    lose(
                        losses,
                        span,
                        format!(
                            "attribute {name}'s value {value:?} cannot be listed in brat's annotation.conf (a value has no spaces, |, comma, < or >); not exported"
                        ),
                    );
                    continue;
                }
                let attribute = used.attributes.entry(name.clone()).or_default();
                attribute.labels.insert(span.label.clone());
                attribute_number += 1;
                if binary {
                    attribute.binary += 1;
                    writeln!(ann, "A{attribute_number}\t{name} T{t}").expect("writing to a String");
                } else {
                    attribute.values.insert(value.clone());
                    writeln!(ann, "A{attribute_number}\t{name} T{t} {value}")
                        .expect("writing to a String");
                }
            }
            if span.value.is_empty() {
                if !span.resource.is_empty() || !span.entry_name.is_empty() {
                    lose(
                        losses,
                        span,
                        format!(
                            "the span has a resource ({}) or entry name ({}) but no value; they were not exported",
                            span.resource, span.entry_name
                        ),
                    );
                }
                continue;
            }
            normalization_number += 1;
            let from_resource = !span.resource.is_empty()
                && !span
                    .resource
                    .contains(|c: char| c == ':' || c.is_whitespace())
                && !span.value.contains(char::is_whitespace);
            if from_resource {
                let name = one_line(&span.entry_name);
                if let Cow::Owned(_) = name {
                    lose(
                        losses,
                        span,
                        "the entry name's line breaks or tabs became spaces (brat normalizations are one line)".into(),
                    );
                }
                writeln!(
                    ann,
                    "N{normalization_number}\t{NORMALIZATION} T{t} {}:{}\t{name}",
                    span.resource, span.value
                )
                .expect("writing to a String");
                continue;
            }
            if !span.resource.is_empty() || !span.entry_name.is_empty() {
                lose(
                    losses,
                    span,
                    format!(
                        "brat names an entry of a resource as resource:id without spaces, which the value {:?} of {:?} is not; the value was written as Sorot's own, without its resource and entry name",
                        span.value, span.resource
                    ),
                );
            }
            let value = one_line(&span.value);
            if let Cow::Owned(_) = value {
                lose(
                    losses,
                    span,
                    "the value's line breaks or tabs became spaces (brat normalizations are one line)".into(),
                );
            }
            writeln!(
                ann,
                "N{normalization_number}\t{NORMALIZATION} T{t} {SOROT}:{}\t{value}",
                span.value.replace(char::is_whitespace, "_")
            )
            .expect("writing to a String");
        }
        for (n, relation) in item.relations.iter().enumerate() {
            let position = |id| item.spans.iter().position(|s| s.id == id);
            let (Some(from), Some(to)) = (position(relation.from), position(relation.to)) else {
                continue;
            };
            if left_out[from] || left_out[to] {
                continue;
            }
            if !is_brat_name(&relation.kind) {
                losses.push(Loss {
                    file: item.file.clone(),
                    span: Some(relation.from),
                    reason: format!("brat cannot name the relation type {:?} (its names are ASCII letters, digits, _ and -); its relation to span {} was not exported", relation.kind, relation.to),
                });
                continue;
            }
            let ends = used.relations.entry(relation.kind.clone()).or_default();
            ends[0].insert(item.spans[from].label.clone());
            ends[1].insert(item.spans[to].label.clone());
            writeln!(
                ann,
                "R{}\t{} Arg1:T{} Arg2:T{}\t",
                n + 1,
                relation.kind,
                from + 1,
                to + 1
            )
            .expect("writing to a String");
        }
        let mut base = self.folder.clone();
        if self.options.name_annotators {
            base.push(item.annotator);
        }
        for part in item.id.split('/') {
            base.push(part);
        }
        let txt = base.with_extension("txt");
        let ann_path = base.with_extension("ann");
        // An export folder can be made again: files are written in place,
        // without waiting for the disk.
        let write = |path: &Path, bytes: &[u8]| {
            std::fs::write(path, bytes).map_err(|source| ExportError::Io {
                path: path.to_owned(),
                source,
            })
        };
        // A document in a subfolder finds the folder missing on its first
        // write; the folder is made then.
        let text = lf_text.as_str().as_bytes();
        match std::fs::write(&txt, text) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = txt.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| ExportError::Io {
                        path: parent.to_owned(),
                        source,
                    })?;
                }
                write(&txt, text)?;
            }
            result => result.map_err(|source| ExportError::Io {
                path: txt.clone(),
                source,
            })?,
        }
        write(&ann_path, ann.as_bytes())?;
        let exported = left_out.iter().filter(|&&out| !out).count();
        Ok((used, exported))
    }

    fn append(
        &mut self,
        _out: &mut dyn std::io::Write,
        used: Declarations,
    ) -> Result<(), ExportError> {
        self.used.add(used);
        Ok(())
    }

    /// Writes `annotation.conf` and `visual.conf`, now that every document
    /// has said what it uses.
    fn finish(
        &mut self,
        _out: &mut dyn std::io::Write,
        losses: &mut Vec<Loss>,
    ) -> Result<Vec<Sidecar>, ExportError> {
        let mut visual = String::from("[labels]\n");
        let mut drawing = String::from("[drawing]\n");
        for label in self.labels.iter().filter(|l| is_brat_name(l)) {
            writeln!(visual, "{label} | {label}").expect("writing to a String");
            let [r, g, b] = self.schema.color(label);
            writeln!(drawing, "{label}\tbgColor:#{r:02x}{g:02x}{b:02x}")
                .expect("writing to a String");
        }
        visual.push('\n');
        visual.push_str(&drawing);
        let conf = self.annotation_conf(losses);
        write_output(&self.folder.join("annotation.conf"), conf.as_bytes())?;
        write_output(&self.folder.join("visual.conf"), visual.as_bytes())?;
        Ok(Vec::new())
    }
}

/// Whether brat's `annotation.conf` can list `value` among an attribute's
/// values: one word, without the characters that part its lists (`|`,
/// `,`) or name its macros (`<`, `>`).
fn is_brat_value(value: &str) -> bool {
    !value.is_empty()
        && !value.contains(|c: char| c.is_whitespace() || matches!(c, '|' | ',' | '<' | '>'))
}

/// `text` on one line: line breaks and tabs become spaces.
fn one_line(text: &str) -> Cow<'_, str> {
    if text.contains(['\n', '\r', '\t']) {
        Cow::Owned(
            text.chars()
                .map(|c| {
                    if matches!(c, '\n' | '\r' | '\t') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// The text with CRLF line ends made LF, and the map of offsets into it.
fn lf_text(text: &SourceText) -> (Cow<'_, SourceText>, impl Fn(usize) -> usize) {
    let mut removed = Vec::new();
    let mut previous_cr = None;
    for (i, c) in text.as_str().chars().enumerate() {
        if c == '\n'
            && let Some(cr) = previous_cr
            && cr + 1 == i
        {
            removed.push(cr);
        }
        previous_cr = (c == '\r').then_some(i);
    }
    let lf = if removed.is_empty() {
        Cow::Borrowed(text)
    } else {
        SourceText::new(text.as_str().replace("\r\n", "\n")).map_or(Cow::Borrowed(text), Cow::Owned)
    };
    let map = move |offset: usize| offset - removed.partition_point(|&r| r < offset);
    (lf, map)
}
