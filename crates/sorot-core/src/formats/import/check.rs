//! Checking records against their texts, and the plan of what to write.
//!
//! Terms:
//! - **prepared record**: a record with what it needs no other record for:
//!   its id made the name of a text file, its text read from the project or
//!   made from what it brings, its offsets converted into code points of that
//!   text and checked against it, its repeated spans taken out.
//! - **plan**: the records to write, in input order, each with the annotator
//!   it goes to and its text; what is found only across records (a document
//!   given twice, two texts for one new document) is checked while the plan
//!   is made.
//!
//! Records are prepared in parallel; errors are then taken in input order,
//! each record's first in the order of the checks, so an import names the
//! problems of its inputs in the same order whatever the threads did. A
//! record with an error is left out of the plan, and its error kept in it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::record::{Counted, NewSpan, Record, SpanKey};
use super::{ImportError, ImportOptions};
use crate::formats::LISTED_PER_KIND;
use crate::formats::export::{Loss, OffsetUnit};
use crate::model::text::{SourceText, unit_edges};
use crate::project::{IdChecker, IdProblem, Project};

/// What an import writes, once every record is checked.
pub(super) struct Plan {
    /// The records to write, in input order.
    pub documents: Vec<Planned>,
    /// Spans given twice by a record, which are imported once: the first
    /// few of each record, then a line that counts the rest.
    pub duplicates: Vec<Loss>,
    /// How many more spans given twice those counting lines stand for.
    pub unlisted: usize,
    /// What was read other than asked, and why: records whose spans' own
    /// texts show their offsets count another unit.
    pub notes: Vec<String>,
    /// The first error of each record left out, in input order.
    pub errors: Vec<ImportError>,
}

/// One record to write.
pub(super) struct Planned {
    /// The checked record: its id ends with `.txt`, its offsets count code
    /// points of `text`, and it gives each span once.
    pub record: Record,
    /// The annotator whose file it goes to: the record's own, or the one of
    /// the options.
    pub annotator: String,
    /// Its text: the project's, or else the one it brings.
    pub text: SourceText,
    /// Whether the text is added to the project with this record: it is new
    /// to the project and no earlier record of the plan adds it.
    pub adds_text: bool,
}

/// Checks every record, in parallel where it needs no other, and plans what
/// to write: every record without an error. Offsets that fall differently
/// in two units, with no unit said, stop the whole plan.
pub(super) fn plan(
    project: &Project,
    options: &ImportOptions,
    records: Vec<Record>,
) -> Result<Plan, ImportError> {
    let ids = project.id_checker();
    let prepared: Vec<Prepared> = records
        .into_par_iter()
        .map(|record| prepare(project, &ids, options, record))
        .collect();
    let mut plan = Plan {
        documents: Vec::with_capacity(prepared.len()),
        duplicates: Vec::new(),
        unlisted: 0,
        notes: Vec::new(),
        errors: Vec::new(),
    };
    // Per input file, how many records were read in another unit than
    // asked, and in which.
    let mut read_as_counts: BTreeMap<(std::path::PathBuf, &'static str), usize> = BTreeMap::new();
    // Documents whose spans fall differently in the two counts.
    let mut ambiguous_documents: Vec<(std::path::PathBuf, String)> = Vec::new();
    // Where each (document, annotator) was first given.
    let mut seen = BTreeMap::new();
    // Texts that records add to the project, by id: two must not differ.
    // Each is known by the place in the plan of the record that brings it.
    let mut new_texts: BTreeMap<String, usize> = BTreeMap::new();
    for Prepared {
        record,
        text,
        checked,
        duplicates,
        unlisted,
        read_as,
        ambiguous,
    } in prepared
    {
        if ambiguous {
            ambiguous_documents.push((record.file.clone(), record.id.clone()));
        }
        if let Some(unit) = read_as {
            *read_as_counts
                .entry((record.file.clone(), unit.name()))
                .or_insert(0) += 1;
        }
        let text = match text {
            Ok(text) => text,
            Err(problem) => {
                plan.errors.push(ImportError::UnsafeId {
                    file: record.file,
                    line: record.line,
                    id: record.id,
                    problem,
                });
                continue;
            }
        };
        let annotator = record
            .annotator
            .clone()
            .unwrap_or_else(|| options.annotator.clone());
        if let Some((first_file, first_line)) = seen.get(&(record.id.clone(), annotator.clone())) {
            plan.errors.push(ImportError::Twice {
                first_file: std::path::PathBuf::clone(first_file),
                first_line: *first_line,
                file: record.file,
                line: record.line,
                id: record.id,
            });
            continue;
        }
        // A record with an error is not seen: a later one for the same
        // document is then no repeat.
        let key = (record.id.clone(), annotator.clone());
        let place = (record.file.clone(), record.line);
        // A text that cannot be read or made leaves its spans unchecked.
        if let Err(error) = checked {
            plan.errors.push(error);
            continue;
        }
        let (text, adds_text) = match text {
            PreparedText::Existing(Err(error)) => {
                plan.errors.push(error);
                continue;
            }
            PreparedText::Existing(Ok(existing)) => (existing, false),
            PreparedText::New(new) => {
                if let Some(&first) = new_texts.get(&record.id) {
                    let first = &plan.documents[first];
                    // A text that failed to be one (empty, too large)
                    // differs from the first, which did not.
                    if !new
                        .as_ref()
                        .is_ok_and(|text| text.as_str() == first.text.as_str())
                    {
                        plan.errors.push(ImportError::TextsDiffer {
                            file: record.file,
                            line: record.line,
                            id: record.id,
                            first_file: first.record.file.clone(),
                            first_line: first.record.line,
                        });
                        continue;
                    }
                }
                let new = match new {
                    Ok(new) => new,
                    Err(error) => {
                        plan.errors.push(error);
                        continue;
                    }
                };
                let adds_text = !new_texts.contains_key(&record.id);
                new_texts.insert(record.id.clone(), plan.documents.len());
                (new, adds_text)
            }
        };
        seen.insert(key, place);
        plan.duplicates.extend(duplicates);
        plan.unlisted += unlisted;
        plan.documents.push(Planned {
            record,
            annotator,
            text,
            adds_text,
        });
    }
    if let Some((file, _)) = ambiguous_documents.first() {
        const NAMED: usize = 10;
        let file = file.clone();
        let more = ambiguous_documents.len().saturating_sub(NAMED);
        return Err(ImportError::AmbiguousOffsets {
            file,
            documents: ambiguous_documents
                .into_iter()
                .take(NAMED)
                .map(|(_, id)| id)
                .collect(),
            more,
        });
    }
    for ((file, unit), records) in read_as_counts {
        plan.notes.push(format!(
            "{}: the offsets of {} count {unit} units, as the texts of their regions show, not {} units as asked; read so",
            file.display(),
            crate::counted(records, "task"),
            options.offsets.name()
        ));
    }
    Ok(plan)
}

/// A record with what was found for it on its own.
struct Prepared {
    /// Its id made the name of a text file, its offsets converted to code
    /// points of its text, its repeated spans taken out.
    record: Record,
    /// Why its id cannot name a text of the project, if it cannot; nothing
    /// else was done then.
    text: Result<PreparedText, IdProblem>,
    /// Whether its spans fit its text.
    checked: Result<(), ImportError>,
    /// The spans it gave twice (the first few, then a line counting the rest).
    duplicates: Vec<Loss>,
    /// How many more the counting line stands for.
    unlisted: usize,
    /// The unit its offsets were read in when its spans' own texts showed
    /// it is not the one asked for.
    read_as: Option<OffsetUnit>,
    /// Whether its spans fall differently counted in code points and in
    /// UTF-16 units, and nobody said which.
    ambiguous: bool,
}

/// A record's text, as [`prepare`] found it.
enum PreparedText {
    /// The project's text; or, when the project has none and the record
    /// brings none, why there is no text.
    Existing(Result<SourceText, ImportError>),
    /// The text the record brings.
    New(Result<SourceText, ImportError>),
}

/// Reads or makes `record`'s text and checks the record's spans against it.
fn prepare(
    project: &Project,
    ids: &IdChecker,
    options: &ImportOptions,
    mut record: Record,
) -> Prepared {
    let unit = options.offsets;
    let unchecked = |record, text| Prepared {
        record,
        text,
        checked: Ok(()),
        duplicates: Vec::new(),
        unlisted: 0,
        read_as: None,
        ambiguous: false,
    };
    if !record.id.ends_with(".txt") {
        record.id.push_str(".txt");
    }
    // A text the project lists is where it is; a new one must land where
    // the project would list it.
    if project.doc(&record.id).is_none()
        && let Some(problem) = ids.problem(&record.id)
    {
        return unchecked(record, Err(problem));
    }
    let text = match project.doc(&record.id) {
        Some(doc) => PreparedText::Existing(read_project_text(&doc.path, &record)),
        None => match record.text.take() {
            Some(given) => {
                PreparedText::New(SourceText::new(given).map_err(|source| ImportError::Text {
                    file: record.file.clone(),
                    line: record.line,
                    source,
                }))
            }
            None => PreparedText::Existing(Err(ImportError::NoText {
                file: record.file.clone(),
                line: record.line,
                id: record.id.clone(),
            })),
        },
    };
    let source = match &text {
        PreparedText::Existing(Ok(text)) | PreparedText::New(Ok(text)) => text,
        _ => return unchecked(record, Ok(text)),
    };
    // Spans that say which text they cover (Label Studio's regions) tell
    // which unit their offsets count; others, unless the user said, must
    // fall alike counted either way.
    let (unit, read_as, mut quote_losses) = settle_unit(&mut record, source, unit);
    let ambiguous = !options.offsets_given && falls_either_way(&record, source);
    let checked = convert_and_check(&mut record, source, unit);
    if checked.is_err() {
        return Prepared {
            record,
            text: Ok(text),
            checked,
            duplicates: Vec::new(),
            unlisted: 0,
            read_as: None,
            ambiguous: false,
        };
    }
    let key = |i: usize| -> SpanKey {
        (
            record.spans[i].start,
            record.spans[i].end,
            record.spans[i].label.clone(),
        )
    };
    record.relation_keys = record
        .relations
        .iter()
        .map(|(a, b, kind)| (key(*a), key(*b), kind.clone()))
        .collect();
    let mut keys = BTreeSet::new();
    let mut duplicates = Vec::new();
    // Past the first few, duplicates are counted, not kept: a record can
    // give millions.
    let mut more: usize = 0;
    record.spans.retain(|span| {
        let fresh = keys.insert((span.start, span.end, span.label.clone()));
        if !fresh && duplicates.len() >= LISTED_PER_KIND {
            more += 1;
        } else if !fresh {
            duplicates.push(Loss {
                file: format!("{}:{}", record.file.display(), span.line),
                span: None,
                reason: format!(
                    "{} [{}, {}) is there twice; imported once",
                    span.label, span.start, span.end
                ),
            });
        }
        fresh
    });
    if more > 0 {
        duplicates.push(Loss {
            file: record.file.display().to_string(),
            span: None,
            reason: format!("{more} more spans there twice, not listed; each was imported once"),
        });
    }
    quote_losses.append(&mut duplicates);
    Prepared {
        record,
        text: Ok(text),
        checked,
        duplicates: quote_losses,
        unlisted: more.saturating_sub(1),
        read_as,
        ambiguous,
    }
}

/// Whether the record's spans, offsets as the input counts them, fall
/// differently counted in code points and in UTF-16 units: some offset
/// lies past a character outside the Basic Multilingual Plane (where the
/// two counts part). Spans that say their text, and offsets of other
/// kinds, are settled otherwise.
fn falls_either_way(record: &Record, text: &SourceText) -> bool {
    if record.offsets != Counted::AsOptions || record.spans.iter().any(|s| s.quoted.is_some()) {
        return false;
    }
    let Some(first_wide) = text.as_str().chars().position(|c| c.len_utf16() == 2) else {
        return false;
    };
    record
        .spans
        .iter()
        .any(|s| s.start > first_wide || s.end > first_wide)
}

/// The unit `record`'s offsets count, as the texts its spans say they
/// cover show it: `unit` (asked for) if every such span holds its text so
/// read; else the other unit (code points and UTF-16 units, each the other's)
/// if every one holds its text so, which is then given as read; else
/// `unit`, and each span that does not hold its text so is taken out as a
/// loss. Records whose spans say nothing, or whose offsets are not the
/// asked-for unit's, are left as they are.
fn settle_unit(
    record: &mut Record,
    text: &SourceText,
    unit: OffsetUnit,
) -> (OffsetUnit, Option<OffsetUnit>, Vec<Loss>) {
    let quoted = record.spans.iter().filter(|s| s.quoted.is_some()).count();
    // Grapheme counts are asked for by name, for doccano, whose records
    // carry no texts of their spans.
    if record.offsets != Counted::AsOptions || quoted == 0 || unit == OffsetUnit::Grapheme {
        return (unit, None, Vec::new());
    }
    let other = match unit {
        OffsetUnit::Utf16 => OffsetUnit::CodePoint,
        _ => OffsetUnit::Utf16,
    };
    let chars: Vec<char> = text.as_str().chars().collect();
    let holds = |edges: &[(usize, usize)], span: &NewSpan| -> bool {
        let Some(quoted) = &span.quoted else {
            return true;
        };
        let code_point = |offset: usize| {
            edges
                .binary_search_by_key(&offset, |&(at, _)| at)
                .map(|i| edges[i].1)
        };
        match (code_point(span.start), code_point(span.end)) {
            (Ok(a), Ok(b)) if a <= b => chars[a..b].iter().copied().eq(quoted.chars()),
            _ => false,
        }
    };
    let asked = unit_edges(text.as_str(), unit);
    if record.spans.iter().all(|s| holds(&asked, s)) {
        return (unit, None, Vec::new());
    }
    let others = unit_edges(text.as_str(), other);
    if record.spans.iter().all(|s| holds(&others, s)) {
        return (other, Some(other), Vec::new());
    }
    // Neither unit fits every span: those that do not hold their text as
    // asked are taken out, with the relations that end at them.
    let keep: Vec<bool> = record.spans.iter().map(|s| holds(&asked, s)).collect();
    let mut losses = Vec::new();
    for (span, _) in record.spans.iter().zip(&keep).filter(|(_, keep)| !**keep) {
        // A Label Studio region is named by its task and its id.
        let (file, region) = match &span.region {
            Some(id) => (
                format!("{} task {}", record.file.display(), span.line),
                format!("region {id}: "),
            ),
            None => (
                format!("{}:{}", record.file.display(), span.line),
                String::new(),
            ),
        };
        losses.push(Loss {
            file,
            span: None,
            reason: format!(
                "{region}{} [{}, {}) does not hold its region's text {:?} in {} units or in {} units; not imported",
                span.label,
                span.start,
                span.end,
                span.quoted.as_deref().unwrap_or(""),
                unit.name(),
                other.name()
            ),
        });
    }
    let mut new_index = Vec::with_capacity(keep.len());
    let mut next = 0;
    for kept in &keep {
        new_index.push(kept.then_some(next));
        next += usize::from(*kept);
    }
    record.relations = std::mem::take(&mut record.relations)
        .into_iter()
        .filter_map(|(a, b, kind)| Some((new_index[a]?, new_index[b]?, kind)))
        .collect();
    let mut i = 0;
    record.spans.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    (unit, None, losses)
}

/// The project's text at `path`, checked against the one `record` carries.
fn read_project_text(path: &Path, record: &Record) -> Result<SourceText, ImportError> {
    let bytes = fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })?;
    let existing = SourceText::from_bytes(bytes).map_err(|source| ImportError::ProjectText {
        file: path.to_owned(),
        source,
    })?;
    let same = |given: &str| match record.offsets {
        Counted::CodePointsWithLf => {
            given.replace("\r\n", "\n") == existing.as_str().replace("\r\n", "\n")
        }
        _ => given == existing.as_str(),
    };
    if let Some(given) = &record.text
        && !same(given)
    {
        return Err(ImportError::DiffersFromProject {
            file: record.file.clone(),
            line: record.line,
            id: record.id.clone(),
            text_file: path.to_owned(),
        });
    }
    Ok(existing)
}

/// Turns the record's offsets into code points and checks them against the text.
pub(super) fn convert_and_check(
    record: &mut Record,
    text: &SourceText,
    unit: OffsetUnit,
) -> Result<(), ImportError> {
    let len = text.len_chars();
    // (offset as the input counts, code point) for every position of the
    // text, in order of both.
    let table: Option<Vec<(usize, usize)>> = match (record.offsets, unit) {
        (Counted::CodePoints, _) | (Counted::AsOptions, OffsetUnit::CodePoint) => None,
        (Counted::CodePointsWithLf, _) => {
            // brat counts a CRLF as one character: its position is the \r's,
            // and the next position is after the \n.
            let mut map = Vec::with_capacity(len + 1);
            let mut position = 0;
            let chars: Vec<char> = text.as_str().chars().collect();
            let mut i = 0;
            while i < chars.len() {
                map.push((position, i));
                position += 1;
                i += if chars[i] == '\r' && chars.get(i + 1) == Some(&'\n') {
                    2
                } else {
                    1
                };
            }
            map.push((position, len));
            Some(map)
        }
        (Counted::AsOptions, unit) => Some(unit_edges(text.as_str(), unit)),
    };
    for span in &mut record.spans {
        if span.start >= span.end {
            return Err(ImportError::EmptyOrReversed {
                file: record.file.clone(),
                line: span.line,
                label: span.label.clone(),
                start: span.start,
                end: span.end,
            });
        }
        if let Some(table) = &table {
            let convert = |offset: usize| {
                table
                    .binary_search_by_key(&offset, |&(position, _)| position)
                    .ok()
                    .map(|i| table[i].1)
            };
            match (convert(span.start), convert(span.end)) {
                (Some(start), Some(end)) => {
                    span.start = start;
                    span.end = end;
                }
                _ => {
                    return Err(ImportError::OffBoundary {
                        file: record.file.clone(),
                        line: span.line,
                        label: span.label.clone(),
                        start: span.start,
                        end: span.end,
                        unit: (record.offsets == Counted::AsOptions).then_some(unit),
                    });
                }
            }
        }
        if span.start >= span.end || span.end > len {
            return Err(ImportError::OutsideText {
                file: record.file.clone(),
                line: span.line,
                label: span.label.clone(),
                start: span.start,
                end: span.end,
                id: record.id.clone(),
                len,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
