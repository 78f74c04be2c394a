//! The annotation model: spans, a document's annotations, and invertible edits.
//!
//! Terms:
//! - **span**: a labeled range of a source text (see [`crate::model::text`] for offsets),
//!   with a stable id, a copy of the text it covers, and optional details: a
//!   note, typed notes, a normalized value and attributes.
//! - **typed note**: a note of a kind other tools name (brat's `Lemma`,
//!   `AnnotatorNotes`), kept as it came so that it can go back out.
//! - **resource**: an outside catalogue (`Wikipedia`, `UniProt`) whose entry a
//!   span's normalized value names, as brat normalizations give it.
//! - **label**: the tag a span carries (`actor`, `location`, `date`, `claim`, or
//!   any label the project's schema adds).
//! - **annotator**: the person whose work an annotation file holds.
//! - **annotation set**: one annotator's spans over one document, kept sorted.
//! - **status**: how far the annotator is with a document.
//! - **edit**: one change to a document's annotations. Every edit has an exact
//!   inverse, which is what undo applies.
//! - **resize**: a span moved to another range of the same text, keeping its
//!   id, label, details and relations.
//!
//! Spans may nest and overlap: a claim can contain an actor and a date.
//! Whether two spans of one label may overlap is the schema's rule
//! ([`schema::Overlap`]), kept by the commands that add and change spans.

pub mod lacks;
pub mod markup;
pub mod schema;
pub mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A span's id, unique within its annotation set and never changed.
pub type SpanId = u32;

/// A labeled range of a source text.
///
/// Invariant (checked when loaded, kept by every edit): `start <= end`, both
/// are code-point offsets into the source text, and `text` is exactly the
/// source text's `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub id: SpanId,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
    /// Free text from the annotator; empty means no note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Notes of other kinds, and any annotator's note after the first, in
    /// the order they came (an import of brat's `#` lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// The normalized value: a date's ISO 8601 form, an actor's canonical
    /// name, or the id of an entry of `resource`; empty means none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// The resource whose entry `value` is (`Wikipedia` for `64488`); empty
    /// for Sorot's own values.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource: String,
    /// The name the resource gives that entry (`Carlos Salinas de
    /// Gortari`); empty when none was given.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub entry_name: String,
    /// Attributes the schema defines for the span's label (a claim's `stance`,
    /// whether it is a `quote`), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// A note of a named kind: brat's `#` line `AnnotatorNotes T1 <tab> text`
/// is the kind `AnnotatorNotes` with that text.
///
/// A note with a field other than these two is refused when read, rather
/// than the field dropped at the next save.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub kind: String,
    pub text: String,
}

/// The kind of note that an annotator writes, as brat names it: a span's
/// first such note is its [`Span::note`].
pub const ANNOTATOR_NOTES: &str = "AnnotatorNotes";

impl Span {
    /// A span of `label` over `range` covering `text`, with no details (no
    /// note, value or attributes).
    pub fn new(id: SpanId, range: Range<usize>, label: String, text: String) -> Self {
        Span {
            id,
            start: range.start,
            end: range.end,
            label,
            text,
            note: String::new(),
            notes: Vec::new(),
            value: String::new(),
            resource: String::new(),
            entry_name: String::new(),
            attributes: BTreeMap::new(),
        }
    }

    /// Whether the span has a note, a typed note, a normalized value (or
    /// where one came from) or attributes.
    pub fn has_details(&self) -> bool {
        !self.note.is_empty()
            || !self.notes.is_empty()
            || !self.value.is_empty()
            || !self.resource.is_empty()
            || !self.entry_name.is_empty()
            || !self.attributes.is_empty()
    }

    /// An attribute's value, `value` being the normalized value; "" when unset.
    pub fn attribute(&self, name: &str) -> &str {
        if name == "value" {
            &self.value
        } else {
            self.attributes.get(name).map_or("", String::as_str)
        }
    }

    /// Sets an attribute; an empty value removes it.
    pub fn set_attribute(&mut self, name: &str, value: &str) {
        if name == "value" {
            self.value = value.to_owned();
        } else if value.is_empty() {
            self.attributes.remove(name);
        } else {
            self.attributes.insert(name.to_owned(), value.to_owned());
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The order spans are kept and written in.
    fn sort_key(&self) -> (usize, usize, &str, SpanId) {
        (self.start, self.end, &self.label, self.id)
    }
}

/// How far an annotator is with a document.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub enum Status {
    #[default]
    NotStarted,
    InProgress,
    Done,
}

impl Status {
    pub fn describe(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::InProgress => "in progress",
            Status::Done => "done",
        }
    }
}

/// One annotator's work on one document: a status and spans sorted by
/// `(start, end, label, id)` with unique ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    pub status: Status,
    spans: Vec<Span>,
    /// Spans decided against: in a gold set, review decisions that took
    /// neither side; in an annotator's set, suggestions the annotator rejected.
    rejected: BTreeSet<Rejected>,
    /// Links between spans, sorted.
    relations: BTreeSet<Relation>,
    /// In a gold set, relations the curator took out: kept so that
    /// adjudication does not bring them back.
    rejected_relations: BTreeSet<RejectedRelation>,
    /// Ids up to this one are never given to a new span: they belonged to
    /// spans that may come back (their unknown fields are kept by id).
    reserved: SpanId,
}

/// A typed link from one span to another: a claim's `source` (the actor who
/// made it) or `target` (the actor it is about).
///
/// Invariant: both ends are spans of the same annotation set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Relation {
    pub from: SpanId,
    pub to: SpanId,
    pub kind: String,
}

/// A relation decided against in the gold set, by its ends' places and
/// labels (ids are not kept across files): kept so the decision is
/// remembered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RejectedRelation {
    pub from_start: usize,
    pub from_end: usize,
    pub from_label: String,
    pub to_start: usize,
    pub to_end: usize,
    pub to_label: String,
    pub kind: String,
}

impl RejectedRelation {
    /// The record of `relation` between `from` and `to`.
    pub fn of(from: &Span, to: &Span, kind: &str) -> Self {
        RejectedRelation {
            from_start: from.start,
            from_end: from.end,
            from_label: from.label.clone(),
            to_start: to.start,
            to_end: to.end,
            to_label: to.label.clone(),
            kind: kind.to_owned(),
        }
    }
}

/// A span decided against (in review, or a rejected suggestion): kept so the
/// decision is remembered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rejected {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// Why an edit could not be applied. Commands build edits that always apply,
/// so this signals a bug or an edit replayed against the wrong document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no span with id {0}")]
    NoSuchSpan(SpanId),
    #[error("a span with id {0} exists already")]
    DuplicateId(SpanId),
    #[error("the span or status is not in the state the edit expects")]
    Stale,
}

impl Annotations {
    /// Builds an annotation set from spans in any order.
    pub fn new(status: Status, mut spans: Vec<Span>) -> Result<Self, EditError> {
        // Files hold their spans in this order already: checking it costs
        // no scratch memory, as a sort does.
        if !spans.is_sorted_by(|a, b| a.sort_key() <= b.sort_key()) {
            spans.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        let mut ids: Vec<SpanId> = spans.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(EditError::DuplicateId(pair[0]));
        }
        Ok(Self {
            status,
            spans,
            rejected: BTreeSet::new(),
            relations: BTreeSet::new(),
            rejected_relations: BTreeSet::new(),
            reserved: 0,
        })
    }

    /// Keeps the ids up to `id` from new spans.
    pub fn reserve_ids_through(&mut self, id: SpanId) {
        self.reserved = self.reserved.max(id);
    }

    /// Adds the relations read from a file; ends that name no span are refused.
    pub fn with_relations(mut self, relations: Vec<Relation>) -> Result<Self, EditError> {
        for relation in relations {
            for end in [relation.from, relation.to] {
                if self.get(end).is_none() {
                    return Err(EditError::NoSuchSpan(end));
                }
            }
            self.relations.insert(relation);
        }
        Ok(self)
    }

    /// The relations, sorted by (from, to, kind).
    pub fn relations(&self) -> impl Iterator<Item = &Relation> {
        self.relations.iter()
    }

    /// Whether these annotations hold `relation`.
    pub fn has_relation(&self, relation: &Relation) -> bool {
        self.relations.contains(relation)
    }

    /// The relations that have `id` at either end.
    pub fn relations_of(&self, id: SpanId) -> Vec<&Relation> {
        self.relations
            .iter()
            .filter(|r| r.from == id || r.to == id)
            .collect()
    }

    /// Adds the review decisions read from a gold file.
    pub fn with_rejected(mut self, rejected: Vec<Rejected>) -> Self {
        self.rejected = rejected.into_iter().collect();
        self
    }

    /// Review decisions that took neither side, sorted.
    pub fn rejected(&self) -> impl Iterator<Item = &Rejected> {
        self.rejected.iter()
    }

    /// Adds the relations a gold file records as taken out.
    pub fn with_rejected_relations(mut self, rejected: Vec<RejectedRelation>) -> Self {
        self.rejected_relations = rejected.into_iter().collect();
        self
    }

    /// Relations taken out of a gold set, sorted.
    pub fn rejected_relations(&self) -> impl Iterator<Item = &RejectedRelation> {
        self.rejected_relations.iter()
    }

    /// The record of `relation` taken out, while both its ends are here.
    pub fn rejection_of(&self, relation: &Relation) -> Option<RejectedRelation> {
        Some(RejectedRelation::of(
            self.get(relation.from)?,
            self.get(relation.to)?,
            &relation.kind,
        ))
    }

    /// The spans, sorted.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The spans, sorted, without a copy.
    pub fn into_spans(self) -> Vec<Span> {
        self.spans
    }

    pub fn get(&self, id: SpanId) -> Option<&Span> {
        self.spans.iter().find(|s| s.id == id)
    }

    /// The id a new span gets: one more than the largest in use or
    /// reserved.
    pub fn next_id(&self) -> SpanId {
        self.spans
            .iter()
            .map(|s| s.id)
            .max()
            .unwrap_or(0)
            .max(self.reserved)
            + 1
    }

    /// Spans that contain `offset`, innermost (shortest) first.
    pub fn spans_at(&self, offset: usize) -> Vec<&Span> {
        let mut hits: Vec<&Span> = self
            .spans
            .iter()
            .take_while(|s| s.start <= offset)
            .filter(|s| offset < s.end)
            .collect();
        hits.sort_by_key(|s| (s.end - s.start, s.start, s.id));
        hits
    }

    /// Spans that overlap `range` (for painting the visible part of a text).
    pub fn spans_overlapping(&self, range: Range<usize>) -> impl Iterator<Item = &Span> {
        self.spans
            .iter()
            .take_while(move |s| s.start < range.end)
            .filter(move |s| s.end > range.start)
    }

    /// The spans labeled `label` that share a character with `range`, in
    /// order, but the span `except`.
    pub fn overlapping_of_label<'a>(
        &'a self,
        range: Range<usize>,
        label: &'a str,
        except: Option<SpanId>,
    ) -> impl Iterator<Item = &'a Span> {
        self.spans_overlapping(range)
            .filter(move |s| s.label == label && Some(s.id) != except)
    }

    /// Applies one edit.
    pub fn apply(&mut self, edit: &Edit) -> Result<(), EditError> {
        match edit {
            Edit::Add(span) => {
                if self.get(span.id).is_some() {
                    return Err(EditError::DuplicateId(span.id));
                }
                let at = self
                    .spans
                    .partition_point(|s| s.sort_key() < span.sort_key());
                self.spans.insert(at, span.clone());
            }
            Edit::Remove(span) => {
                // Relations go first (the command that removes a span unlinks them).
                if self
                    .relations
                    .iter()
                    .any(|r| r.from == span.id || r.to == span.id)
                {
                    return Err(EditError::Stale);
                }
                let at = self.index_of(span.id)?;
                if &self.spans[at] != span {
                    return Err(EditError::Stale);
                }
                self.spans.remove(at);
            }
            Edit::Relabel { id, from, to } => {
                let at = self.index_of(*id)?;
                if &self.spans[at].label != from {
                    return Err(EditError::Stale);
                }
                let mut span = self.spans.remove(at);
                span.label = to.clone();
                self.reinsert(span);
            }
            Edit::Resize { id, from, to } => {
                let at = self.index_of(*id)?;
                if !from.is_of(&self.spans[at]) {
                    return Err(EditError::Stale);
                }
                let mut span = self.spans.remove(at);
                (span.start, span.end, span.text) = (to.start, to.end, to.text.clone());
                self.reinsert(span);
            }
            Edit::SetNote { id, from, to } => {
                let at = self.index_of(*id)?;
                if &self.spans[at].note != from {
                    return Err(EditError::Stale);
                }
                self.spans[at].note = to.clone();
            }
            Edit::SetAttribute { id, name, from, to } => {
                let at = self.index_of(*id)?;
                let span = &mut self.spans[at];
                if span.attribute(name) != from.as_str() {
                    return Err(EditError::Stale);
                }
                span.set_attribute(name, to);
            }
            Edit::Reject(key) => {
                if !self.rejected.insert(key.clone()) {
                    return Err(EditError::Stale);
                }
            }
            Edit::Unreject(key) => {
                if !self.rejected.remove(key) {
                    return Err(EditError::Stale);
                }
            }
            Edit::RejectRelation(key) => {
                if !self.rejected_relations.insert(key.clone()) {
                    return Err(EditError::Stale);
                }
            }
            Edit::UnrejectRelation(key) => {
                if !self.rejected_relations.remove(key) {
                    return Err(EditError::Stale);
                }
            }
            Edit::Link(relation) => {
                if self.get(relation.from).is_none() || self.get(relation.to).is_none() {
                    return Err(EditError::Stale);
                }
                if !self.relations.insert(relation.clone()) {
                    return Err(EditError::Stale);
                }
            }
            Edit::Unlink(relation) => {
                if !self.relations.remove(relation) {
                    return Err(EditError::Stale);
                }
            }
            Edit::SetStatus { from, to } => {
                if self.status != *from {
                    return Err(EditError::Stale);
                }
                self.status = *to;
            }
        }
        Ok(())
    }

    /// Applies a run of edits of one kind at once: adds merged into the
    /// sorted spans, removes taken out in one pass, instead of one search
    /// and one shift of the spans per edit. The same result as applying
    /// them one by one; on failure nothing of the run is applied. Any other
    /// kind of edit is applied one by one.
    fn apply_run(&mut self, run: &[Edit]) -> Result<(), EditError> {
        let adds: Vec<&Span> = run
            .iter()
            .filter_map(|e| match e {
                Edit::Add(span) => Some(span),
                _ => None,
            })
            .collect();
        if adds.len() == run.len() {
            return self.add_all(&adds);
        }
        let removes: Vec<&Span> = run
            .iter()
            .filter_map(|e| match e {
                Edit::Remove(span) => Some(span),
                _ => None,
            })
            .collect();
        if removes.len() == run.len() {
            return self.remove_all(&removes);
        }
        for (applied, edit) in run.iter().enumerate() {
            if let Err(err) = self.apply(edit) {
                for done in run[..applied].iter().rev() {
                    self.apply(&done.inverse())?;
                }
                return Err(err);
            }
        }
        Ok(())
    }

    /// Adds spans whose ids are all new, merging them into the sorted spans.
    fn add_all(&mut self, spans: &[&Span]) -> Result<(), EditError> {
        let mut ids: HashSet<SpanId> = self.spans.iter().map(|s| s.id).collect();
        for span in spans {
            if !ids.insert(span.id) {
                return Err(EditError::DuplicateId(span.id));
            }
        }
        let mut added: Vec<Span> = spans.iter().map(|&s| s.clone()).collect();
        added.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let held = std::mem::take(&mut self.spans);
        let mut merged = Vec::with_capacity(held.len() + added.len());
        let mut added = added.into_iter().peekable();
        for span in held {
            while let Some(new) = added.next_if(|new| new.sort_key() < span.sort_key()) {
                merged.push(new);
            }
            merged.push(span);
        }
        merged.extend(added);
        self.spans = merged;
        Ok(())
    }

    /// Removes spans, each of which must be held as it is and have no
    /// relations, in one pass over the spans.
    fn remove_all(&mut self, spans: &[&Span]) -> Result<(), EditError> {
        let mut removed: HashMap<SpanId, &Span> = HashMap::with_capacity(spans.len());
        for span in spans {
            if removed.insert(span.id, span).is_some() {
                return Err(EditError::NoSuchSpan(span.id));
            }
        }
        if self
            .relations
            .iter()
            .any(|r| removed.contains_key(&r.from) || removed.contains_key(&r.to))
        {
            return Err(EditError::Stale);
        }
        let mut found = 0;
        for span in &self.spans {
            if let Some(&gone) = removed.get(&span.id) {
                if gone != span {
                    return Err(EditError::Stale);
                }
                found += 1;
            }
        }
        if found != removed.len() {
            let held: HashSet<SpanId> = self.spans.iter().map(|s| s.id).collect();
            let missing = spans.iter().find(|s| !held.contains(&s.id));
            return Err(EditError::NoSuchSpan(missing.map_or(0, |s| s.id)));
        }
        self.spans.retain(|s| !removed.contains_key(&s.id));
        Ok(())
    }

    /// Whether the set records `key` as rejected.
    pub fn is_rejected(&self, key: &Rejected) -> bool {
        self.rejected.contains(key)
    }

    /// Puts a span taken out back in its sorted place.
    fn reinsert(&mut self, span: Span) {
        let at = self
            .spans
            .partition_point(|s| s.sort_key() < span.sort_key());
        self.spans.insert(at, span);
    }

    fn index_of(&self, id: SpanId) -> Result<usize, EditError> {
        self.spans
            .iter()
            .position(|s| s.id == id)
            .ok_or(EditError::NoSuchSpan(id))
    }
}

/// One change to a document's annotations, carrying what it needs to be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Add(Span),
    Remove(Span),
    Reject(Rejected),
    Unreject(Rejected),
    RejectRelation(RejectedRelation),
    UnrejectRelation(RejectedRelation),
    Link(Relation),
    Unlink(Relation),
    Relabel {
        id: SpanId,
        from: String,
        to: String,
    },
    /// Sets an attribute (`value` is the span's normalized value); empty removes it.
    SetAttribute {
        id: SpanId,
        name: String,
        from: String,
        to: String,
    },
    SetNote {
        id: SpanId,
        from: String,
        to: String,
    },
    SetStatus {
        from: Status,
        to: Status,
    },
    /// Moves a span to another range, with the text there.
    Resize {
        id: SpanId,
        from: Extent,
        to: Extent,
    },
}

/// Where a span lies: its range and the text it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extent {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Extent {
    /// Where `span` lies.
    pub fn of(span: &Span) -> Self {
        Extent {
            start: span.start,
            end: span.end,
            text: span.text.clone(),
        }
    }

    /// Whether `span` lies here.
    fn is_of(&self, span: &Span) -> bool {
        span.start == self.start && span.end == self.end && span.text == self.text
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl Edit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        match self {
            Edit::Add(span) => Edit::Remove(span.clone()),
            Edit::Remove(span) => Edit::Add(span.clone()),
            Edit::Reject(key) => Edit::Unreject(key.clone()),
            Edit::Unreject(key) => Edit::Reject(key.clone()),
            Edit::RejectRelation(key) => Edit::UnrejectRelation(key.clone()),
            Edit::UnrejectRelation(key) => Edit::RejectRelation(key.clone()),
            Edit::Link(relation) => Edit::Unlink(relation.clone()),
            Edit::Unlink(relation) => Edit::Link(relation.clone()),
            Edit::Relabel { id, from, to } => Edit::Relabel {
                id: *id,
                from: to.clone(),
                to: from.clone(),
            },
            Edit::SetAttribute { id, name, from, to } => Edit::SetAttribute {
                id: *id,
                name: name.clone(),
                from: to.clone(),
                to: from.clone(),
            },
            Edit::SetNote { id, from, to } => Edit::SetNote {
                id: *id,
                from: to.clone(),
                to: from.clone(),
            },
            Edit::SetStatus { from, to } => Edit::SetStatus {
                from: *to,
                to: *from,
            },
            Edit::Resize { id, from, to } => Edit::Resize {
                id: *id,
                from: to.clone(),
                to: from.clone(),
            },
        }
    }
}

/// Undo and redo stacks of edit groups. A group is what one command did
/// (adding the first span also moves the status to "in progress"), and undo
/// takes back a whole group. Consecutive resizes of one span, with no other
/// edit, undo or redo between them, are one group (see [`History::resize`]).
#[derive(Debug, Clone, Default)]
pub struct History {
    undo: Vec<Vec<Edit>>,
    redo: Vec<Vec<Edit>>,
    /// The span that the last group resized, while nothing has happened
    /// since: the next resize of it joins that group.
    resizing: Option<SpanId>,
}

impl History {
    /// Applies a group of edits and records it. On failure nothing is applied.
    pub fn apply(
        &mut self,
        annotations: &mut Annotations,
        group: Vec<Edit>,
    ) -> Result<(), EditError> {
        apply_group(annotations, &group)?;
        self.undo.push(group);
        self.redo.clear();
        self.resizing = None;
        Ok(())
    }

    /// Applies a resize of span `id` from `from` to `to`. Right after
    /// another resize of the same span, it joins that one's group, which
    /// then goes from where the first started to `to` (and is dropped when
    /// that is where the span started: nothing is left to undo).
    pub fn resize(
        &mut self,
        annotations: &mut Annotations,
        id: SpanId,
        from: Extent,
        to: Extent,
    ) -> Result<(), EditError> {
        let joined = match self.undo.last() {
            Some(group) if self.resizing == Some(id) => match group.as_slice() {
                [Edit::Resize { from: first, .. }] => Some(first.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(first) = joined else {
            let resize = Edit::Resize { id, from, to };
            self.apply(annotations, vec![resize])?;
            self.resizing = Some(id);
            return Ok(());
        };
        annotations.apply(&Edit::Resize {
            id,
            from,
            to: to.clone(),
        })?;
        self.undo.pop();
        if first != to {
            self.undo.push(vec![Edit::Resize {
                id,
                from: first,
                to,
            }]);
        } else {
            self.resizing = None;
        }
        Ok(())
    }

    /// Undoes the last group; returns false when there is nothing to undo.
    pub fn undo(&mut self, annotations: &mut Annotations) -> Result<bool, EditError> {
        let Some(group) = self.undo.pop() else {
            return Ok(false);
        };
        let inverse: Vec<Edit> = group.iter().rev().map(Edit::inverse).collect();
        if let Err(err) = apply_group(annotations, &inverse) {
            self.undo.push(group);
            return Err(err);
        }
        self.resizing = None;
        self.redo.push(group);
        Ok(true)
    }

    /// Redoes the last undone group; returns false when there is nothing to redo.
    pub fn redo(&mut self, annotations: &mut Annotations) -> Result<bool, EditError> {
        let Some(group) = self.redo.pop() else {
            return Ok(false);
        };
        if let Err(err) = apply_group(annotations, &group) {
            self.redo.push(group);
            return Err(err);
        }
        self.resizing = None;
        self.undo.push(group);
        Ok(true)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

/// Applies all edits of a group or, if one fails, none of them: the edits
/// applied before the one that failed are taken back by their inverses, in
/// reverse order, which always apply to the state they left.
fn apply_group(annotations: &mut Annotations, group: &[Edit]) -> Result<(), EditError> {
    if let Err((applied, err)) = apply_in_order(annotations, group) {
        let back: Vec<Edit> = group[..applied].iter().rev().map(Edit::inverse).collect();
        apply_in_order(annotations, &back).map_err(|(_, err)| err)?;
        return Err(err);
    }
    Ok(())
}

/// How many edits of one kind a run must hold to be applied at once.
const RUN: usize = 8;

/// Applies edits in order, a run of at least [`RUN`] adds or removes at
/// once (see [`Annotations::apply_run`]). On failure, how many edits were
/// applied before the one that failed (a run fails whole), and its error.
fn apply_in_order(annotations: &mut Annotations, edits: &[Edit]) -> Result<(), (usize, EditError)> {
    let mut applied = 0;
    while let Some(edit) = edits.get(applied) {
        let same = |other: &Edit| {
            matches!(
                (edit, other),
                (Edit::Add(_), Edit::Add(_)) | (Edit::Remove(_), Edit::Remove(_))
            )
        };
        let run = edits[applied..].iter().take_while(|e| same(e)).count();
        let (result, step) = if run >= RUN {
            (annotations.apply_run(&edits[applied..applied + run]), run)
        } else {
            (annotations.apply(edit), 1)
        };
        result.map_err(|err| (applied, err))?;
        applied += step;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup;

    #[test]
    fn spans_stay_sorted_through_adds_and_relabels() {
        let (_, spans) =
            markup::parse("[[Kim|actor] said it on [Rabu|date]|claim] to [Putin|actor]").unwrap();
        let mut a =
            Annotations::new(Status::InProgress, spans.into_iter().rev().collect()).unwrap();
        let keys = |a: &Annotations| {
            a.spans()
                .iter()
                .map(|s| (s.start, s.end, s.label.clone()))
                .collect::<Vec<_>>()
        };
        let mut sorted = keys(&a);
        sorted.sort();
        assert_eq!(keys(&a), sorted);
        let kim = a.spans()[0].id;
        a.apply(&Edit::Relabel {
            id: kim,
            from: "actor".into(),
            to: "date".into(),
        })
        .unwrap();
        let mut sorted = keys(&a);
        sorted.sort();
        assert_eq!(keys(&a), sorted);
    }

    #[test]
    fn undo_then_redo_restores_exactly() {
        let (text, spans) = markup::parse("“[Kim|actor]” 😊 met\r\n[Putin|actor]").unwrap();
        let mut a = Annotations::new(Status::NotStarted, Vec::new()).unwrap();
        let mut history = History::default();
        let mut states = vec![a.clone()];
        for span in spans {
            history.apply(&mut a, vec![Edit::Add(span)]).unwrap();
            states.push(a.clone());
        }
        let id = a.spans()[1].id;
        history
            .apply(
                &mut a,
                vec![Edit::SetNote {
                    id,
                    from: String::new(),
                    to: "Presiden Rusia".into(),
                }],
            )
            .unwrap();
        states.push(a.clone());
        let first = a.spans()[0].clone();
        history
            .apply(
                &mut a,
                vec![
                    Edit::Remove(first),
                    Edit::SetStatus {
                        from: Status::NotStarted,
                        to: Status::Done,
                    },
                ],
            )
            .unwrap();
        states.push(a.clone());
        assert_eq!(a.spans()[0].text, "Putin");
        assert!(text.contains("\r\n"));

        for expected in states.iter().rev().skip(1) {
            assert!(history.undo(&mut a).unwrap());
            assert_eq!(&a, expected);
        }
        assert!(!history.undo(&mut a).unwrap());
        for expected in states.iter().skip(1) {
            assert!(history.redo(&mut a).unwrap());
            assert_eq!(&a, expected);
        }
        assert!(!history.redo(&mut a).unwrap());
    }

    #[test]
    fn a_failing_group_changes_nothing() {
        let (_, spans) = markup::parse("[Kim|actor]").unwrap();
        let mut a = Annotations::new(Status::NotStarted, spans.clone()).unwrap();
        let before = a.clone();
        let mut history = History::default();
        let group = vec![
            Edit::SetStatus {
                from: Status::NotStarted,
                to: Status::Done,
            },
            Edit::Add(spans[0].clone()),
        ];
        assert_eq!(history.apply(&mut a, group), Err(EditError::DuplicateId(1)));
        assert_eq!(a, before);
        assert!(!history.can_undo());
        // Edits that move a span in the order, change it and link it are
        // all taken back when a later one fails.
        let (_, spans) = markup::parse("“[Kim|actor]” 😊\r\n[[Putin|actor] tiba|claim]").unwrap();
        let mut a = Annotations::new(Status::InProgress, spans.clone()).unwrap();
        let before = a.clone();
        let group = vec![
            Edit::Relabel {
                id: 1,
                from: "actor".into(),
                to: "location".into(),
            },
            Edit::SetNote {
                id: 2,
                from: String::new(),
                to: "presiden".into(),
            },
            Edit::Link(Relation {
                from: 3,
                to: 2,
                kind: "source".into(),
            }),
            Edit::Resize {
                id: 2,
                from: Extent::of(&spans[1]),
                to: Extent {
                    start: 0,
                    end: 4,
                    text: "“Kim".into(),
                },
            },
            Edit::Remove(spans[0].clone()),
        ];
        assert_eq!(history.apply(&mut a, group), Err(EditError::Stale));
        assert_eq!(a, before);
    }

    #[test]
    fn spans_at_lists_innermost_first() {
        let (_, spans) = markup::parse("[[Kim|actor] berkata|claim]").unwrap();
        let a = Annotations::new(Status::NotStarted, spans).unwrap();
        let labels: Vec<&str> = a.spans_at(1).iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, vec!["actor", "claim"]);
        assert_eq!(a.spans_at(5).len(), 1);
        assert!(a.spans_at(12).is_empty());
    }
}
