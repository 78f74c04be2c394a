//! Adjudication: what the gold set takes from the annotators of a document
//! without a curator's decision.
//!
//! Terms:
//! - **side**: one annotator's spans and relations of the document.
//! - **key**: a span's (start, end, label); two sides have the same span
//!   when they have the same key.
//! - **taken**: a key that enough sides have: all of them
//!   ([`Strategy::Agreements`]), or more than half ([`Strategy::Majority`]).
//!   A taken span goes into the gold set with the note, value and attributes
//!   that every side having it gives alike; a field the sides give
//!   differently is left empty and named, for the curator to decide.
//! - **settled**: a key the curator has dealt with: the gold set holds or
//!   has rejected it, or it is a side of a disagreement between two of the
//!   sides, as review pairs them (another label over the same range, other
//!   boundaries, only on one side), that the gold set has decided. An
//!   agreement between two sides settles nothing. Adjudication never
//!   changes a decision: a settled key is left as it is.
//! - **open**: a key that some side has and that is not settled, and is not
//!   taken; also a taken key that overlaps a span of its label the gold set
//!   holds: the gold set gets two overlapping spans of a label only when the
//!   curator accepts both.
//! - A relation is taken when enough sides have it (its kind and both ends'
//!   keys) and both its ends are in the gold set, held or taken.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::model::{Annotations, Span};

/// Which spans the gold set takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// What every annotator of the document has.
    #[default]
    Agreements,
    /// What more than half of the annotators of the document have.
    Majority,
}

/// A span's place and label.
pub type Key = (usize, usize, String);

/// A [`Key`] borrowing its label.
type KeyRef<'a> = (usize, usize, &'a str);

/// A span for the gold set, with the details the sides share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub range: Range<usize>,
    pub label: String,
    pub note: String,
    /// Notes of other kinds (brat's `Lemma`, say), as every side gives them.
    pub notes: Vec<crate::model::Note>,
    pub value: String,
    /// Where the value comes from, and the name it gives it.
    pub resource: String,
    pub entry_name: String,
    pub attributes: BTreeMap<String, String>,
}

impl Taken {
    /// A span with no details: its range and label only.
    pub fn plain(range: Range<usize>, label: impl Into<String>) -> Taken {
        Taken {
            range,
            label: label.into(),
            note: String::new(),
            notes: Vec::new(),
            value: String::new(),
            resource: String::new(),
            entry_name: String::new(),
            attributes: BTreeMap::new(),
        }
    }

    /// A span as an annotator gave it, with its details.
    pub fn of(span: &Span) -> Taken {
        Taken {
            range: span.start..span.end,
            label: span.label.clone(),
            note: span.note.clone(),
            notes: span.notes.clone(),
            value: span.value.clone(),
            resource: span.resource.clone(),
            entry_name: span.entry_name.clone(),
            attributes: span.attributes.clone(),
        }
    }
}

/// A relation for the gold set, between two keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TakenRelation {
    pub from: Key,
    pub to: Key,
    pub kind: String,
}

/// What adjudication gives the gold set of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposal {
    /// Spans to add, in text order.
    pub spans: Vec<Taken>,
    /// Relations to add.
    pub relations: Vec<TakenRelation>,
    /// Keys left for the curator, in text order.
    pub open: Vec<Key>,
    /// Details of taken spans that the sides give differently, one line
    /// each ("actor [0, 3): the note differs").
    pub details: Vec<String>,
}

/// What the gold set takes from `sides` (each annotator's annotations of
/// one document), given what it holds and has rejected (`gold`).
pub fn propose<'a>(
    sides: &[&'a Annotations],
    gold: &'a Annotations,
    strategy: Strategy,
) -> Proposal {
    let needed = match strategy {
        Strategy::Agreements => sides.len(),
        Strategy::Majority => sides.len() / 2 + 1,
    };
    // Keys borrow their labels from the spans: no copy of a label per span.
    let key = |span: &'a Span| (span.start, span.end, span.label.as_str());
    // Each key's spans, one per side that has it.
    let mut by_key: BTreeMap<KeyRef<'a>, Vec<&'a Span>> = BTreeMap::new();
    for side in sides {
        let mut seen = BTreeSet::new();
        for span in side.spans() {
            if seen.insert(key(span)) {
                by_key.entry(key(span)).or_default().push(span);
            }
        }
    }
    let held: BTreeSet<KeyRef<'a>> = gold.spans().iter().map(key).collect();
    // Every key the curator dealt with, held or rejected.
    let dealt: BTreeSet<KeyRef<'a>> = held
        .iter()
        .copied()
        .chain(gold.rejected().map(|r| (r.start, r.end, r.label.as_str())))
        .collect();
    // The keys of every disagreement between two sides that the gold set
    // has decided, as review pairs and decides them.
    let decided = crate::analysis::review::Decided::new(gold.spans(), gold.rejected());
    let mut paired: BTreeSet<KeyRef<'a>> = BTreeSet::new();
    // A gold set that holds and rejected nothing decides no difference.
    let pairs = if decided.is_empty() { &[][..] } else { sides };
    for (i, x) in pairs.iter().enumerate() {
        for y in &pairs[i + 1..] {
            let (x, y) = (x.spans(), y.spans());
            for (kind, i, j) in crate::analysis::review::difference_indices(x, y) {
                let spans = i.map(|i| &x[i]).into_iter().chain(j.map(|j| &y[j]));
                if kind.is_disagreement() && decided.decides(spans.clone()) {
                    paired.extend(spans.map(key));
                }
            }
        }
    }
    let settled = |k: &KeyRef<'a>| dealt.contains(k) || paired.contains(k);
    let overlaps_held = |k: &KeyRef<'a>| {
        held.iter()
            .any(|h| h.0 < k.1 && k.0 < h.1 && h.2 == k.2 && h != k)
    };
    let owned = |k: &KeyRef<'a>| -> Key { (k.0, k.1, k.2.to_owned()) };
    let mut proposal = Proposal::default();
    for (k, spans) in &by_key {
        if settled(k) {
            continue;
        }
        if spans.len() < needed {
            proposal.open.push(owned(k));
            continue;
        }
        if overlaps_held(k) {
            proposal.open.push(owned(k));
            continue;
        }
        let (taken, differing) = shared_details(spans);
        for field in differing {
            proposal.details.push(format!(
                "{} [{}, {}) {:?}: the sides give {field} differently; left empty",
                k.2, k.0, k.1, spans[0].text
            ));
        }
        proposal.spans.push(Taken {
            range: k.0..k.1,
            label: k.2.to_owned(),
            ..taken
        });
    }
    // Relations whose ends are in the gold set, held or taken.
    let in_gold: BTreeSet<KeyRef> = held
        .iter()
        .copied()
        .chain(
            proposal
                .spans
                .iter()
                .map(|t| (t.range.start, t.range.end, t.label.as_str())),
        )
        .collect();
    let in_gold = |k: &Key| in_gold.contains(&(k.0, k.1, k.2.as_str()));
    // Relations the gold set holds or the curator took out.
    let held_relations: BTreeSet<TakenRelation> = relations_of(gold)
        .chain(gold.rejected_relations().map(|r| TakenRelation {
            from: (r.from_start, r.from_end, r.from_label.clone()),
            to: (r.to_start, r.to_end, r.to_label.clone()),
            kind: r.kind.clone(),
        }))
        .collect();
    let mut relation_sides: BTreeMap<TakenRelation, usize> = BTreeMap::new();
    for side in sides {
        let distinct: BTreeSet<TakenRelation> = relations_of(side).collect();
        for relation in distinct {
            *relation_sides.entry(relation).or_default() += 1;
        }
    }
    proposal.relations = relation_sides
        .into_iter()
        .filter(|(relation, count)| {
            *count >= needed
                && in_gold(&relation.from)
                && in_gold(&relation.to)
                && !held_relations.contains(relation)
        })
        .map(|(relation, _)| relation)
        .collect();
    proposal
}

/// The relations of a side, by their ends' keys.
fn relations_of(side: &Annotations) -> impl Iterator<Item = TakenRelation> + '_ {
    side.relations().filter_map(|relation| {
        let end = |id| {
            side.get(id)
                .map(|s: &Span| (s.start, s.end, s.label.clone()))
        };
        Some(TakenRelation {
            from: end(relation.from)?,
            to: end(relation.to)?,
            kind: relation.kind.clone(),
        })
    })
}

/// The note, value and attributes that all `spans` give alike, and the
/// names of the fields they give differently.
fn shared_details(spans: &[&Span]) -> (Taken, Vec<String>) {
    let first = spans[0];
    let mut differing = Vec::new();
    let alike = |field: &dyn Fn(&Span) -> &str| spans.iter().all(|s| field(s) == field(first));
    let note = if alike(&|s| &s.note) {
        first.note.clone()
    } else {
        differing.push("the note".to_owned());
        String::new()
    };
    // The value goes with its resource and entry name, all or none.
    let (value, resource, entry_name) =
        if alike(&|s| &s.value) && alike(&|s| &s.resource) && alike(&|s| &s.entry_name) {
            (
                first.value.clone(),
                first.resource.clone(),
                first.entry_name.clone(),
            )
        } else {
            differing.push("the value".to_owned());
            (String::new(), String::new(), String::new())
        };
    let notes = if spans.iter().all(|s| s.notes == first.notes) {
        first.notes.clone()
    } else {
        differing.push("the other notes".to_owned());
        Vec::new()
    };
    let names: BTreeSet<&String> = spans.iter().flat_map(|s| s.attributes.keys()).collect();
    let mut attributes = BTreeMap::new();
    for name in names {
        let given = |s: &Span| s.attributes.get(name).cloned();
        if spans.iter().all(|s| given(s) == given(first)) {
            if let Some(value) = given(first) {
                attributes.insert(name.clone(), value);
            }
        } else {
            differing.push(format!("attribute {name}"));
        }
    }
    (
        Taken {
            range: first.start..first.end,
            label: first.label.clone(),
            note,
            notes,
            value,
            resource,
            entry_name,
            attributes,
        },
        differing,
    )
}

/// What adjudication did to one document's gold set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentAdjudicated {
    pub document: String,
    /// The annotators whose files it read.
    pub annotators: Vec<String>,
    /// Spans and relations added to the gold set.
    pub spans_added: usize,
    pub relations_added: usize,
    /// Keys left for the curator.
    pub open: usize,
    /// Details of added spans the annotators give differently.
    pub details: Vec<String>,
    /// Why the document was left alone, when it was.
    pub skipped: Option<String>,
}

/// Takes into the gold set of each document what `annotators` agree on
/// (or what most of them have), as [`propose`] says, through the gold
/// document's commands; documents are read on the disk pool, and the gold
/// files that changed are written as one batch. `documents` limits the run
/// to those ids (all when empty).
pub fn adjudicate(
    project: &crate::project::Project,
    annotators: &[String],
    strategy: Strategy,
    documents: &[String],
) -> Vec<DocumentAdjudicated> {
    use crate::project::document::{Command, OpenDocument, ReadText, SaveError, SaveJob};
    use rayon::prelude::*;
    let run = |doc: &crate::project::DocEntry| -> (DocumentAdjudicated, Option<SaveJob>) {
        let mut done = DocumentAdjudicated {
            document: doc.id.clone(),
            ..DocumentAdjudicated::default()
        };
        let mut sides = Vec::new();
        // The text is read once, for the sides and the gold set.
        let mut read_text: Option<ReadText> = None;
        for annotator in annotators {
            let side = match OpenDocument::open_existing_to_read(
                project,
                doc,
                annotator,
                &mut read_text,
            ) {
                None => continue,
                Some(Ok(side)) => side,
                Some(Err(err)) => {
                    done.skipped = Some(format!("{}; nothing taken", crate::error_chain(&err)));
                    return (done, None);
                }
            };
            if !side.is_editable() {
                done.skipped = Some(format!(
                    "{} cannot be trusted (run sorot validate); nothing taken",
                    side.path().display()
                ));
                return (done, None);
            }
            sides.push(side.into_parts().1);
            done.annotators.push(annotator.clone());
        }
        if sides.len() < 2 {
            done.skipped = Some(match done.annotators.as_slice() {
                [] => "no annotator of the list has a file for it".to_owned(),
                [one] => format!("only {one} annotated it"),
                _ => unreachable!("two or more sides are adjudicated"),
            });
            return (done, None);
        }
        let Some(read) = read_text else {
            unreachable!("two or more sides were read")
        };
        let mut gold = OpenDocument::open_on_text(project, doc, super::review::GOLD, read);
        if !gold.is_editable() {
            done.skipped = Some(format!(
                "the gold file {} cannot be trusted (run sorot validate); nothing taken",
                gold.path().display()
            ));
            return (done, None);
        }
        let sides: Vec<&Annotations> = sides.iter().collect();
        let proposal = propose(&sides, gold.annotations(), strategy);
        done.open = proposal.open.len();
        done.details = proposal.details.clone();
        let (spans, relations) = (gold.spans().len(), gold.annotations().relations().count());
        match gold.execute(project.schema(), Command::TakeIntoGold(proposal)) {
            Ok(_) => {}
            Err(err) => {
                done.skipped = Some(format!("{err}; nothing taken"));
                return (done, None);
            }
        }
        done.spans_added = gold.spans().len() - spans;
        done.relations_added = gold.annotations().relations().count() - relations;
        // Serialized here, in parallel, so that what waits for the batch
        // is each gold file's text, not its annotations.
        (done, gold.save_job(false).map(SaveJob::rendered))
    };
    let chosen: Vec<&crate::project::DocEntry> = project
        .docs()
        .iter()
        .filter(|doc| documents.is_empty() || documents.contains(&doc.id))
        .collect();
    let ran: Vec<(DocumentAdjudicated, Option<SaveJob>)> =
        crate::store::disk::run_on(crate::store::disk::pool().as_ref(), || {
            chosen.par_iter().map(|doc| run(doc)).collect()
        });
    let (mut done, jobs): (Vec<DocumentAdjudicated>, Vec<Option<SaveJob>>) =
        ran.into_iter().unzip();
    let saving: Vec<usize> = (0..jobs.len()).filter(|&i| jobs[i].is_some()).collect();
    let outcomes = SaveJob::run_batch(jobs.into_iter().flatten().collect());
    for (n, &i) in saving.iter().enumerate() {
        let failed = match &outcomes {
            Ok(outcomes) => match &outcomes[n] {
                Ok(_) => None,
                Err(SaveError::Conflict { path }) => Some(format!(
                    "{} changed on disk while this ran; nothing taken, run it again",
                    path.display()
                )),
                Err(err) => Some(crate::error_chain(err)),
            },
            // The batch is journaled: what it left half done, the next
            // Sorot writer (or sorot validate --repair) finishes.
            Err(err) => Some(format!(
                "{}; the gold files may be partly written: run sorot validate --repair, then adjudicate again (it takes only what is still missing)",
                crate::error_chain(err)
            )),
        };
        if let Some(why) = failed {
            done[i].spans_added = 0;
            done[i].relations_added = 0;
            done[i].skipped = Some(why);
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Rejected, Relation, Status, markup};

    fn side(markup_text: &str) -> Annotations {
        let (_, spans) = markup::parse(markup_text).unwrap();
        Annotations::new(Status::InProgress, spans).unwrap()
    }

    fn keys(proposal: &Proposal) -> Vec<(usize, usize, &str)> {
        proposal
            .spans
            .iter()
            .map(|t| (t.range.start, t.range.end, t.label.as_str()))
            .collect()
    }

    // “Kim” 😊 tiba di Moskwa, kata KCNA.\r\n: a curly quote, an emoji, CRLF.
    const A: &str = "“[Kim|actor]” 😊 tiba di [Moskwa|location], kata [KCNA|actor].\r\n";
    const B: &str = "“[Kim|actor]” 😊 tiba di [Moskwa|actor], [kata KCNA|claim].\r\n";
    const C: &str = "“[Kim|actor]” 😊 tiba di [Moskwa|location], kata KCNA.\r\n";

    #[test]
    fn agreements_take_what_every_side_has_and_leave_the_rest_open() {
        let (a, b) = (side(A), side(B));
        let gold = side("“Kim” 😊 tiba di Moskwa, kata KCNA.\r\n");
        let proposal = propose(&[&a, &b], &gold, Strategy::Agreements);
        assert_eq!(keys(&proposal), [(1, 4, "actor")]);
        assert_eq!(
            proposal.open,
            [
                (16, 22, "actor".to_owned()),
                (16, 22, "location".to_owned()),
                (24, 33, "claim".to_owned()),
                (29, 33, "actor".to_owned()),
            ]
        );
    }

    #[test]
    fn majority_takes_what_more_than_half_have() {
        let (a, b, c) = (side(A), side(B), side(C));
        let gold = side("“Kim” 😊 tiba di Moskwa, kata KCNA.\r\n");
        let proposal = propose(&[&a, &b, &c], &gold, Strategy::Majority);
        assert_eq!(keys(&proposal), [(1, 4, "actor"), (16, 22, "location")]);
        // With two of three, half is not more than half.
        let proposal = propose(&[&a, &b], &gold, Strategy::Majority);
        assert_eq!(keys(&proposal), [(1, 4, "actor")]);
    }

    #[test]
    fn decisions_stay_and_same_label_overlaps_are_left_to_the_curator() {
        let (a, c) = (side(A), side(C));
        // The curator rejected Kim and accepted a longer location.
        let mut gold = side("“Kim” 😊 tiba di [Moskwa,|location] kata KCNA.\r\n");
        gold.apply(&crate::model::Edit::Reject(Rejected {
            start: 1,
            end: 4,
            label: "actor".into(),
        }))
        .unwrap();
        let proposal = propose(&[&a, &c], &gold, Strategy::Agreements);
        assert!(proposal.spans.is_empty(), "{proposal:?}");
        // The agreed Moskwa overlaps the longer one the curator took: left
        // open, not added beside it.
        assert_eq!(
            proposal.open,
            [
                (16, 22, "location".to_owned()),
                (29, 33, "actor".to_owned())
            ]
        );
    }

    /// A decision on a disagreement never keeps out an agreement over the
    /// same range or overlapping it.
    #[test]
    fn a_decision_beside_an_agreement_keeps_it_taken() {
        let a = side("“[[Kim|actor]|location]” 😊 tiba\r\n");
        let b = side("“[Kim|actor]” 😊 tiba\r\n");
        // The curator rejected A's location over Kim.
        let mut gold = side("“Kim” 😊 tiba\r\n");
        gold.apply(&crate::model::Edit::Reject(Rejected {
            start: 1,
            end: 4,
            label: "location".into(),
        }))
        .unwrap();
        let proposal = propose(&[&a, &b], &gold, Strategy::Agreements);
        assert_eq!(keys(&proposal), [(1, 4, "actor")]);
        assert!(proposal.open.is_empty(), "{proposal:?}");
    }

    #[test]
    fn details_alike_are_taken_and_others_named_and_relations_follow_their_ends() {
        let mut a = side(A);
        let mut c = side(C);
        for (side, stance) in [(&mut a, "asserted"), (&mut c, "reported")] {
            let kim = side.spans()[0].clone();
            let mut changed = kim.clone();
            changed.note = "the leader".into();
            changed.value = "Kim Jong Un".into();
            changed.attributes.insert("stance".into(), stance.into());
            side.apply(&crate::model::Edit::Remove(kim)).unwrap();
            side.apply(&crate::model::Edit::Add(changed)).unwrap();
            let (kim, moskwa) = (side.spans()[0].id, side.spans()[1].id);
            side.apply(&crate::model::Edit::Link(Relation {
                from: kim,
                to: moskwa,
                kind: "visits".into(),
            }))
            .unwrap();
        }
        let gold = side("“Kim” 😊 tiba di Moskwa, kata KCNA.\r\n");
        let proposal = propose(&[&a, &c], &gold, Strategy::Agreements);
        let kim = &proposal.spans[0];
        assert_eq!(
            (kim.note.as_str(), kim.value.as_str(), kim.attributes.len()),
            ("the leader", "Kim Jong Un", 0)
        );
        assert_eq!(
            proposal.details,
            ["actor [1, 4) \"Kim\": the sides give attribute stance differently; left empty"]
        );
        assert_eq!(
            proposal.relations,
            [TakenRelation {
                from: (1, 4, "actor".into()),
                to: (16, 22, "location".into()),
                kind: "visits".into()
            }]
        );
    }
}
