//! Commands: the changes a user asks of an open document, each planned by
//! its own function and carried out through the document's history.
//!
//! Terms:
//! - **command** ([`Command`]): what a user asks for (add a span, relabel,
//!   undo...). The GUI and tests build them alike.
//! - **plan**: what a command comes to: nothing, or a group of [`Edit`]s
//!   that is one undo step, and the span to select afterwards. A command's
//!   function reads the document and the schema and gives the plan or the
//!   reason it is refused; it changes nothing.
//! - **starting work**: the first edit of spans in a document that was not
//!   started also sets its status to in progress, in the same undo step.
//!   Turning a suggestion down does not start a document.
//! - **same-label overlap**: a span that shares a character with another
//!   span of its label. Where the schema's rule for the label forbids it
//!   (the default), adding, relabeling and resizing refuse to make one
//!   ([`CommandError::Overlap`]); [`Command::Replace`] instead moves the
//!   overlapped span to the new range.
//! - **batch accept**: many suggestions accepted as spans in one undo step,
//!   checked against the spans held and each other in one sweep over them
//!   in text order ([`Command::AcceptSuggestions`]).
//! - **resize**: a span moved to another range, keeping its id, label, note,
//!   value, attributes and relations. Consecutive resizes of one span are
//!   one undo step.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::{Access, OpenDocument};
use crate::analysis::adjudicate::{Key, Proposal, Taken};
use crate::analysis::suggest::Suggestion;
use crate::model::schema::Schema;
use crate::model::{Edit, EditError, Extent, Rejected, Relation, Span, SpanId, Status};

/// A change a user asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddSpan {
        range: Range<usize>,
        label: String,
    },
    /// A span with a normalized value, as an accepted suggestion brings it.
    AddWithValue {
        range: Range<usize>,
        label: String,
        value: String,
    },
    /// Suggestions accepted at once, one undo step: each checked in one
    /// sweep against the spans held and those accepted before it.
    AcceptSuggestions(Vec<Suggestion>),
    RemoveSpan(SpanId),
    /// Moves a span to `range`, keeping its id and everything it holds.
    ResizeSpan {
        id: SpanId,
        range: Range<usize>,
    },
    /// Labels `range` with `label` where spans of that label overlap it and
    /// the schema forbids it: the first of them moves to `range`, keeping
    /// its id and details, and the others are removed with their relations,
    /// in one undo step. Without such spans, the same as [`Command::AddSpan`].
    Replace {
        range: Range<usize>,
        label: String,
    },
    Relabel {
        id: SpanId,
        label: String,
    },
    SetNote {
        id: SpanId,
        note: String,
    },
    SetStatus(Status),
    /// Sets an attribute of a span (`value`: its normalized value); empty clears it.
    SetAttribute {
        id: SpanId,
        name: String,
        value: String,
    },
    /// Records a suggestion the annotator turned down, so that it is not
    /// proposed again for this document.
    RejectSuggestion {
        range: Range<usize>,
        label: String,
    },
    /// Links two spans with a relation type of the schema.
    Link(Relation),
    /// Removes a relation.
    Unlink(Relation),
    /// Gives a relation another type of the schema, one undo step: the
    /// relation is unlinked and its ends linked again with `kind`. In the
    /// gold set the old type is recorded as decided against, as
    /// [`Command::Unlink`] does.
    RetypeRelation {
        relation: Relation,
        kind: String,
    },
    /// A review decision, one undo step: take the `accept` spans into this
    /// (gold) document with their details (note, value, attributes), and
    /// remove and record as rejected the `reject` ones.
    Decide {
        accept: Vec<Taken>,
        reject: Vec<(Range<usize>, String)>,
    },
    /// What adjudication takes into this (gold) document without a
    /// decision, one undo step: its spans, with their shared details, and
    /// its relations. What the document holds already is left as it is.
    TakeIntoGold(Proposal),
    Undo,
    Redo,
}

/// What a command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The annotations changed; `select` is the span to select (a new span).
    Changed { select: Option<SpanId> },
    /// Nothing to do (undo with an empty history, the same label again...).
    Unchanged,
}

/// Why a command was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("this document is read-only: {0}")]
    ReadOnly(String),
    #[error("select some text first")]
    EmptySelection,
    #[error("the selection [{start}, {end}) is outside the text")]
    OutsideText { start: usize, end: usize },
    #[error("label {0:?} is not in the project's schema")]
    UnknownLabel(String),
    #[error("that text already has a {0} span")]
    DuplicateSpan(String),
    #[error(
        "that would overlap the {label} span {id} “{text}”; {label} spans may not overlap each other"
    )]
    Overlap {
        label: String,
        id: SpanId,
        text: String,
    },
    #[error("{label} spans have no attribute {name:?} in the schema")]
    UnknownAttribute { label: String, name: String },
    #[error("{name} is one of: {allowed}")]
    AttributeValue { name: String, allowed: String },
    #[error("a {kind} relation goes from a {from} span to a {to} span")]
    RelationEnds {
        kind: String,
        from: String,
        to: String,
    },
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// What a command comes to.
enum Plan {
    /// Nothing to change.
    Nothing,
    /// One undo step, and the span to select after it.
    Edits {
        group: Vec<Edit>,
        select: Option<SpanId>,
    },
    /// A resize, which joins the undo step of a resize of the same span
    /// just before it.
    Resize {
        id: SpanId,
        from: Extent,
        to: Extent,
    },
}

impl Plan {
    fn edits(group: Vec<Edit>) -> Self {
        Plan::Edits {
            group,
            select: None,
        }
    }
}

impl OpenDocument {
    /// Carries out a command. On error nothing changed.
    pub fn execute(&mut self, schema: &Schema, command: Command) -> Result<Outcome, CommandError> {
        if let Access::ReadOnly { reason } = &self.access {
            return Err(CommandError::ReadOnly(reason.clone()));
        }
        let starts_work = !matches!(command, Command::RejectSuggestion { .. });
        let plan = match command {
            Command::Undo => {
                let changed = self.history.undo(&mut self.annotations)?;
                return Ok(self.finish(changed, None));
            }
            Command::Redo => {
                let changed = self.history.redo(&mut self.annotations)?;
                return Ok(self.finish(changed, None));
            }
            Command::AddSpan { range, label } => {
                add_span(self, schema, range, label, String::new())
            }
            Command::AddWithValue {
                range,
                label,
                value,
            } => add_span(self, schema, range, label, value),
            Command::AcceptSuggestions(items) => Ok(accept_suggestions(self, schema, items)),
            Command::RejectSuggestion { range, label } => {
                reject_suggestion(self, schema, range, label)
            }
            Command::RemoveSpan(id) => remove_span(self, id),
            Command::ResizeSpan { id, range } => resize_span(self, schema, id, range),
            Command::Replace { range, label } => replace(self, schema, range, label),
            Command::SetAttribute { id, name, value } => {
                set_attribute(self, schema, id, name, value)
            }
            Command::Link(relation) => link(self, schema, relation),
            Command::Unlink(relation) => Ok(unlink(self, relation)),
            Command::RetypeRelation { relation, kind } => retype(self, schema, relation, kind),
            Command::Relabel { id, label } => relabel(self, schema, id, label),
            Command::SetNote { id, note } => set_note(self, id, note),
            Command::Decide { accept, reject } => decide(self, accept, reject),
            Command::TakeIntoGold(proposal) => take_into_gold(self, proposal),
            Command::SetStatus(status) => Ok(set_status(self, status)),
        }?;
        let (mut group, select) = match plan {
            Plan::Nothing => return Ok(Outcome::Unchanged),
            Plan::Edits { group, select } => (group, select),
            Plan::Resize { id, from, to } if self.status() != Status::NotStarted => {
                self.history.resize(&mut self.annotations, id, from, to)?;
                return Ok(self.finish(true, Some(id)));
            }
            Plan::Resize { id, from, to } => (vec![Edit::Resize { id, from, to }], Some(id)),
        };
        let is_span_edit = !matches!(group.first(), Some(Edit::SetStatus { .. }));
        if is_span_edit && starts_work && self.status() == Status::NotStarted {
            group.push(Edit::SetStatus {
                from: Status::NotStarted,
                to: Status::InProgress,
            });
        }
        self.history.apply(&mut self.annotations, group)?;
        Ok(self.finish(true, select))
    }

    /// Counts a change, if there was one, and says what happened.
    fn finish(&mut self, changed: bool, select: Option<SpanId>) -> Outcome {
        if changed {
            self.revision = super::next_revision();
            Outcome::Changed { select }
        } else {
            Outcome::Unchanged
        }
    }

    /// The span over exactly `range` with `label`, if there is one.
    fn span_with(&self, range: &Range<usize>, label: &str) -> Option<&Span> {
        self.spans()
            .iter()
            .find(|s| s.range() == *range && s.label == label)
    }

    /// A new span over `range` of this document's text, without a note or attributes.
    fn new_span(&self, id: SpanId, range: Range<usize>, label: String, value: String) -> Span {
        Span {
            id,
            start: range.start,
            end: range.end,
            text: self.text.slice(range).to_owned(),
            label,
            note: String::new(),
            notes: Vec::new(),
            value,
            resource: String::new(),
            entry_name: String::new(),
            attributes: Default::default(),
        }
    }

    /// `range` of this document's text, as a span there would lie.
    fn extent(&self, range: Range<usize>) -> Extent {
        Extent {
            start: range.start,
            end: range.end,
            text: self.text.slice(range).to_owned(),
        }
    }

    /// The edits that remove `span`: its relations first, then the span.
    fn removal(&self, span: &Span) -> Vec<Edit> {
        let mut edits: Vec<Edit> = self
            .annotations
            .relations_of(span.id)
            .into_iter()
            .cloned()
            .map(Edit::Unlink)
            .collect();
        edits.push(Edit::Remove(span.clone()));
        edits
    }

    /// A new span for what review or adjudication takes, with its details.
    fn taken_span(&self, id: SpanId, taken: Taken) -> Span {
        Span {
            note: taken.note,
            notes: taken.notes,
            resource: taken.resource,
            entry_name: taken.entry_name,
            attributes: taken.attributes,
            ..self.new_span(id, taken.range, taken.label, taken.value)
        }
    }

    /// The spans of `label` that a span of it over `range` would overlap
    /// against the schema's rule, in order, but the span `except`: none
    /// when the schema lets spans of the label overlap.
    pub fn overlap_conflicts<'a>(
        &'a self,
        schema: &Schema,
        range: Range<usize>,
        label: &'a str,
        except: Option<SpanId>,
    ) -> Vec<&'a Span> {
        if schema.same_label_may_overlap(label) {
            return Vec::new();
        }
        self.annotations
            .overlapping_of_label(range, label, except)
            .collect()
    }

    /// Refuses a span of `label` over `range` that would overlap another of
    /// its label against the schema's rule (`except` is the span itself,
    /// when it is one that moves or changes label).
    fn check_overlap(
        &self,
        schema: &Schema,
        range: &Range<usize>,
        label: &str,
        except: Option<SpanId>,
    ) -> Result<(), CommandError> {
        match self
            .overlap_conflicts(schema, range.clone(), label, except)
            .first()
        {
            Some(other) => Err(CommandError::Overlap {
                label: label.to_owned(),
                id: other.id,
                text: other.text.clone(),
            }),
            None => Ok(()),
        }
    }

    /// The span `id`, or the error that there is none.
    fn span(&self, id: SpanId) -> Result<&Span, EditError> {
        self.annotations.get(id).ok_or(EditError::NoSuchSpan(id))
    }

    /// Whether the document has already rejected `key`.
    fn has_rejected(&self, key: &Rejected) -> bool {
        self.annotations.is_rejected(key)
    }
}

/// The rejection record of a span over `range` with `label`.
fn rejection(range: &Range<usize>, label: String) -> Rejected {
    Rejected {
        start: range.start,
        end: range.end,
        label,
    }
}

/// Refuses a range that is empty or not in the text.
fn check_range(doc: &OpenDocument, range: &Range<usize>) -> Result<(), CommandError> {
    if !doc.text.contains_range(range) || range.is_empty() {
        return Err(CommandError::OutsideText {
            start: range.start,
            end: range.end,
        });
    }
    Ok(())
}

/// Refuses a label the schema does not list, and a range that is empty or
/// not in the text; gives the label.
fn check_label_and_range(
    doc: &OpenDocument,
    schema: &Schema,
    label: String,
    range: &Range<usize>,
) -> Result<String, CommandError> {
    let label = check_label(schema, label)?;
    check_range(doc, range)?;
    Ok(label)
}

/// Refuses a label the schema does not list.
fn check_label(schema: &Schema, label: String) -> Result<String, CommandError> {
    if schema.contains(&label) {
        Ok(label)
    } else {
        Err(CommandError::UnknownLabel(label))
    }
}

/// A new span, selected; it takes back an earlier rejection of itself.
fn add_span(
    doc: &OpenDocument,
    schema: &Schema,
    range: Range<usize>,
    label: String,
    value: String,
) -> Result<Plan, CommandError> {
    let label = check_label(schema, label)?;
    if !doc.text.contains_range(&range) {
        return Err(CommandError::OutsideText {
            start: range.start,
            end: range.end,
        });
    }
    if range.is_empty() {
        return Err(CommandError::EmptySelection);
    }
    if doc.span_with(&range, &label).is_some() {
        return Err(CommandError::DuplicateSpan(label));
    }
    doc.check_overlap(schema, &range, &label, None)?;
    let id = doc.annotations.next_id();
    let key = rejection(&range, label.clone());
    let mut group = vec![Edit::Add(doc.new_span(id, range, label, value))];
    if doc.has_rejected(&key) {
        group.push(Edit::Unreject(key));
    }
    Ok(Plan::Edits {
        group,
        select: Some(id),
    })
}

/// Accepts suggestions as spans with their values, in one undo step. In
/// text order (by start, then end, then label), each is added unless it is
/// outside the text or empty, its label is not in the schema, or it would
/// make a duplicate or a same-label overlap against the schema's rule, with
/// a span held or with one added before it; those are left out. An earlier
/// rejection of an added one is taken back. The spans held are swept once
/// per label, so the cost grows with the spans and suggestions, not with
/// their product.
fn accept_suggestions(doc: &OpenDocument, schema: &Schema, mut items: Vec<Suggestion>) -> Plan {
    items.sort();
    // For each label, its spans as (start, the furthest end of the spans up
    // to this one), by start; and every span's place and label.
    let mut held: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut places: HashSet<(usize, usize, &str)> = HashSet::new();
    for span in doc.spans() {
        let of_label = held.entry(span.label.as_str()).or_default();
        let furthest = of_label.last().map_or(0, |&(_, end)| end).max(span.end);
        of_label.push((span.start, furthest));
        places.insert((span.start, span.end, span.label.as_str()));
    }
    // The furthest end of the spans added, per label.
    let mut added_end: HashMap<String, usize> = HashMap::new();
    let mut group = Vec::new();
    // Rejections taken back, after the adds so that those stay one run.
    let mut taken_back = Vec::new();
    let mut last: Option<(Range<usize>, String)> = None;
    let mut next_id = doc.annotations.next_id();
    for item in items {
        let range = item.start..item.end;
        if range.is_empty() || !doc.text.contains_range(&range) || !schema.contains(&item.label) {
            continue;
        }
        if places.contains(&(item.start, item.end, item.label.as_str())) {
            continue;
        }
        let added = added_end.get(&item.label).copied();
        if !schema.same_label_may_overlap(&item.label) {
            // Of the held spans that start before the end, one reaches past
            // the start; the added ones start at or before this one.
            let overlaps_held = held.get(item.label.as_str()).is_some_and(|spans| {
                let before_end = spans.partition_point(|&(start, _)| start < item.end);
                before_end > 0 && spans[before_end - 1].1 > item.start
            });
            if overlaps_held || added.is_some_and(|end| end > item.start) {
                continue;
            }
        } else if last
            .as_ref()
            .is_some_and(|(r, label)| *r == range && *label == item.label)
        {
            // The same suggestion again (sorted, so next to the first).
            continue;
        }
        last = Some((range.clone(), item.label.clone()));
        added_end.insert(item.label.clone(), added.unwrap_or(0).max(item.end));
        let key = rejection(&range, item.label.clone());
        group.push(Edit::Add(doc.new_span(
            next_id,
            range,
            item.label,
            item.value.unwrap_or_default(),
        )));
        next_id += 1;
        if doc.has_rejected(&key) {
            taken_back.push(Edit::Unreject(key));
        }
    }
    if group.is_empty() {
        return Plan::Nothing;
    }
    group.extend(taken_back);
    Plan::edits(group)
}

/// Records a turned-down suggestion, unless it is labeled or rejected already.
fn reject_suggestion(
    doc: &OpenDocument,
    schema: &Schema,
    range: Range<usize>,
    label: String,
) -> Result<Plan, CommandError> {
    let label = check_label_and_range(doc, schema, label, &range)?;
    // A span made meanwhile is a decision already.
    if doc.span_with(&range, &label).is_some() {
        return Ok(Plan::Nothing);
    }
    let key = rejection(&range, label);
    if doc.has_rejected(&key) {
        return Ok(Plan::Nothing);
    }
    Ok(Plan::edits(vec![Edit::Reject(key)]))
}

/// Removes a span with its relations, in one undo step.
fn remove_span(doc: &OpenDocument, id: SpanId) -> Result<Plan, CommandError> {
    let span = doc.span(id)?;
    let mut group = doc.removal(span);
    // In the gold set, a span taken out is decided against: recorded as
    // rejected, so that adjudication does not bring it back.
    if doc.annotator == crate::analysis::review::GOLD {
        let key = rejection(&span.range(), span.label.clone());
        if !doc.has_rejected(&key) {
            group.push(Edit::Reject(key));
        }
    }
    Ok(Plan::edits(group))
}

/// Moves a span to `range` of the text, unless a span of its label lies
/// there already or the move would overlap one against the schema's rule.
fn resize_span(
    doc: &OpenDocument,
    schema: &Schema,
    id: SpanId,
    range: Range<usize>,
) -> Result<Plan, CommandError> {
    let span = doc.span(id)?;
    check_range(doc, &range)?;
    if span.range() == range {
        return Ok(Plan::Nothing);
    }
    if doc.span_with(&range, &span.label).is_some() {
        return Err(CommandError::DuplicateSpan(span.label.clone()));
    }
    doc.check_overlap(schema, &range, &span.label, Some(id))?;
    Ok(Plan::Resize {
        id,
        from: Extent::of(span),
        to: doc.extent(range),
    })
}

/// Labels `range`, taking the place of the spans of the label it overlaps
/// (see [`Command::Replace`]).
fn replace(
    doc: &OpenDocument,
    schema: &Schema,
    range: Range<usize>,
    label: String,
) -> Result<Plan, CommandError> {
    let label = check_label_and_range(doc, schema, label, &range)?;
    let overlapped = doc.overlap_conflicts(schema, range.clone(), &label, None);
    let Some((kept, removed)) = overlapped.split_first() else {
        return add_span(doc, schema, range, label, String::new());
    };
    let mut group = Vec::new();
    for span in removed {
        group.extend(doc.removal(span));
    }
    if kept.range() != range {
        group.push(Edit::Resize {
            id: kept.id,
            from: Extent::of(kept),
            to: doc.extent(range),
        });
    }
    if group.is_empty() {
        return Ok(Plan::Nothing);
    }
    Ok(Plan::Edits {
        group,
        select: Some(kept.id),
    })
}

/// Sets an attribute the schema gives the span's label (or its value, which
/// every span has), to one of the values the schema allows, if it lists any.
fn set_attribute(
    doc: &OpenDocument,
    schema: &Schema,
    id: SpanId,
    name: String,
    value: String,
) -> Result<Plan, CommandError> {
    let span = doc.span(id)?;
    if name != "value" {
        let def = schema
            .attributes_of(&span.label)
            .find(|a| a.name == name)
            .ok_or_else(|| CommandError::UnknownAttribute {
                label: span.label.clone(),
                name: name.clone(),
            })?;
        if !value.is_empty() && !def.values.is_empty() && !def.values.contains(&value) {
            return Err(CommandError::AttributeValue {
                name,
                allowed: def.values.join(", "),
            });
        }
    }
    if span.attribute(&name) == value {
        return Ok(Plan::Nothing);
    }
    Ok(Plan::Edits {
        group: vec![Edit::SetAttribute {
            id,
            from: span.attribute(&name).to_owned(),
            name,
            to: value,
        }],
        select: Some(id),
    })
}

/// Links two different spans whose labels the relation type allows.
fn link(doc: &OpenDocument, schema: &Schema, relation: Relation) -> Result<Plan, CommandError> {
    let def = schema
        .relation(&relation.kind)
        .ok_or_else(|| CommandError::UnknownLabel(relation.kind.clone()))?;
    let from = doc.span(relation.from)?;
    let to = doc.span(relation.to)?;
    if relation.from == relation.to || !def.allows(&from.label, &to.label) {
        return Err(CommandError::RelationEnds {
            kind: def.name.clone(),
            from: def.from.clone(),
            to: def.to.clone(),
        });
    }
    if doc.annotations.has_relation(&relation) {
        return Ok(Plan::Nothing);
    }
    // Linking again takes back an earlier rejection of the relation.
    let taken_back = doc
        .annotations
        .rejection_of(&relation)
        .filter(|key| doc.annotations.rejected_relations().any(|r| r == key))
        .map(Edit::UnrejectRelation);
    Ok(Plan::edits(
        std::iter::once(Edit::Link(relation))
            .chain(taken_back)
            .collect(),
    ))
}

/// Removes a relation, if the document has it. In the gold set, a relation
/// taken out is decided against: recorded, so that adjudication and
/// marking reviewed do not bring it back.
fn unlink(doc: &OpenDocument, relation: Relation) -> Plan {
    if !doc.annotations.has_relation(&relation) {
        return Plan::Nothing;
    }
    let rejection = (doc.annotator == crate::analysis::review::GOLD)
        .then(|| doc.annotations.rejection_of(&relation))
        .flatten()
        .filter(|key| !doc.annotations.rejected_relations().any(|r| r == key))
        .map(Edit::RejectRelation);
    Plan::edits(
        std::iter::once(Edit::Unlink(relation))
            .chain(rejection)
            .collect(),
    )
}

/// Gives a relation the document has another type, when the type allows
/// its ends; if the ends already have a relation of that type, the old one
/// just goes.
fn retype(
    doc: &OpenDocument,
    schema: &Schema,
    relation: Relation,
    kind: String,
) -> Result<Plan, CommandError> {
    if relation.kind == kind || !doc.annotations.has_relation(&relation) {
        return Ok(Plan::Nothing);
    }
    let retyped = Relation {
        kind,
        ..relation.clone()
    };
    let added = link(doc, schema, retyped)?;
    let mut group = match unlink(doc, relation) {
        Plan::Edits { group, .. } => group,
        Plan::Nothing | Plan::Resize { .. } => Vec::new(),
    };
    if let Plan::Edits { group: more, .. } = added {
        group.extend(more);
    }
    Ok(Plan::edits(group))
}

/// Gives a span another label of the schema, unless a span over the same
/// text has it already.
fn relabel(
    doc: &OpenDocument,
    schema: &Schema,
    id: SpanId,
    label: String,
) -> Result<Plan, CommandError> {
    let label = check_label(schema, label)?;
    let span = doc.span(id)?;
    if span.label == label {
        return Ok(Plan::Nothing);
    }
    if doc.span_with(&span.range(), &label).is_some() {
        return Err(CommandError::DuplicateSpan(label));
    }
    doc.check_overlap(schema, &span.range(), &label, Some(id))?;
    Ok(Plan::Edits {
        group: vec![Edit::Relabel {
            id,
            from: span.label.clone(),
            to: label,
        }],
        select: Some(id),
    })
}

/// Replaces a span's note.
fn set_note(doc: &OpenDocument, id: SpanId, note: String) -> Result<Plan, CommandError> {
    let span = doc.span(id)?;
    if span.note == note {
        return Ok(Plan::Nothing);
    }
    Ok(Plan::edits(vec![Edit::SetNote {
        id,
        from: span.note.clone(),
        to: note,
    }]))
}

/// A review decision: each accepted span is added unless present and no
/// longer rejected; each rejected one is removed if present and recorded
/// as rejected.
fn decide(
    doc: &OpenDocument,
    accept: Vec<Taken>,
    reject: Vec<(Range<usize>, String)>,
) -> Result<Plan, CommandError> {
    let mut group = Vec::new();
    let mut next_id = doc.annotations.next_id();
    let rejected: Vec<Rejected> = doc.annotations.rejected().cloned().collect();
    for taken in accept {
        let (range, label) = (taken.range.clone(), taken.label.clone());
        check_range(doc, &range)?;
        if doc.span_with(&range, &label).is_none() {
            group.push(Edit::Add(doc.taken_span(next_id, taken)));
            next_id += 1;
        }
        let key = rejection(&range, label);
        if rejected.contains(&key) {
            group.push(Edit::Unreject(key));
        }
    }
    for (range, label) in reject {
        if let Some(span) = doc.span_with(&range, &label) {
            // Its relations go with it.
            group.extend(doc.removal(span));
        }
        let key = rejection(&range, label);
        if !rejected.contains(&key) {
            group.push(Edit::Reject(key));
        }
    }
    if group.is_empty() {
        return Ok(Plan::Nothing);
    }
    Ok(Plan::edits(group))
}

/// Adds the spans and relations adjudication takes that the document does
/// not hold.
fn take_into_gold(doc: &OpenDocument, proposal: Proposal) -> Result<Plan, CommandError> {
    let mut group = Vec::new();
    let mut next_id = doc.annotations.next_id();
    // The id of each key, held or added.
    let mut ids: std::collections::BTreeMap<Key, SpanId> = doc
        .spans()
        .iter()
        .map(|s| ((s.start, s.end, s.label.clone()), s.id))
        .collect();
    for taken in proposal.spans {
        check_range(doc, &taken.range)?;
        let key = (taken.range.start, taken.range.end, taken.label.clone());
        if ids.contains_key(&key) {
            continue;
        }
        let span = doc.taken_span(next_id, taken);
        ids.insert(key, next_id);
        next_id += 1;
        group.push(Edit::Add(span));
    }
    let held: Vec<&Relation> = doc.annotations.relations().collect();
    for relation in proposal.relations {
        let (Some(&from), Some(&to)) = (ids.get(&relation.from), ids.get(&relation.to)) else {
            continue;
        };
        let relation = Relation {
            from,
            to,
            kind: relation.kind,
        };
        if !held.contains(&&relation) {
            group.push(Edit::Link(relation));
        }
    }
    if group.is_empty() {
        return Ok(Plan::Nothing);
    }
    Ok(Plan::edits(group))
}

/// Sets the document's status.
fn set_status(doc: &OpenDocument, status: Status) -> Plan {
    if doc.status() == status {
        return Plan::Nothing;
    }
    Plan::edits(vec![Edit::SetStatus {
        from: doc.status(),
        to: status,
    }])
}
