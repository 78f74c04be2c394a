//! brat standoff: `.ann` files with their `.txt`, or folders of them.
//!
//! Terms:
//! - **T line**: a text-bound annotation, `T1 <tab> label start end <tab>
//!   text`, whose place may be several fragments (`0 3;8 13`); one whose
//!   fragments are apart (not only whitespace between) is discontinuous and
//!   lost.
//! - **A line**: an attribute of a T line, `A1 <tab> name T1 value`; a
//!   **binary** one has no value (`A2 <tab> Individual T4`, or an old `M`
//!   line) and is imported with the value [`BINARY`](crate::formats::brat::BINARY).
//! - **N line**: a normalization, `N1 <tab> Reference T5 Wikipedia:64488
//!   <tab> name`: the span's value is the entry's id (`64488`), with its
//!   resource (`Wikipedia`) and the entry's name. One whose resource is
//!   `Sorot` carries Sorot's own value, written after the tab.
//! - **# line**: a note, `#1 <tab> AnnotatorNotes T1 <tab> text`. The first
//!   `AnnotatorNotes` note with text is the span's note; every other note
//!   keeps its kind as a typed note.
//! - **R line**: a relation between two T lines. Events (`E`) and
//!   equivalences (`*`) are lost.
//!
//! A span takes one normalization and one value of each attribute: a second
//! one is a loss. Inputs given one by one (`dir/*`) may name a `.txt` beside
//! its `.ann`: it is that file's text, not an input.
//!
//! brat counts offsets in code points of the text read with LF line ends; a
//! record keeps them so ([`Counted::CodePointsWithLf`]) until its text is
//! known.

use std::collections::{HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use super::ImportError;
use super::record::{Counted, NewSpan, Reading, Record, read_to_string};
use crate::formats::brat::{BINARY, NORMALIZATION, SOROT};
use crate::formats::export::Loss;
use crate::model::{ANNOTATOR_NOTES, Note};

/// A `#` line: a note of `kind` about the annotation `target`.
struct Noted {
    id: String,
    target: String,
    kind: String,
    text: String,
    line: usize,
}

/// An `A` (or `M`) line: attribute `name` of `target` with `value`.
struct Given {
    id: String,
    target: String,
    name: String,
    value: String,
    line: usize,
}

/// What an `N` line gives its span.
struct Normalized {
    value: String,
    resource: String,
    entry_name: String,
}

/// Reads the brat inputs, as a shell gives a folder's files (`dir/*`):
/// `.ann` files and folders are read; a `.txt` whose `.ann` is also given
/// is that file's text; brat's configuration files (`annotation.conf`,
/// `visual.conf` and the other `.conf` files) are skipped, and said.
/// A `.txt` without its `.ann`, or any other file, is an error naming it.
/// Each input's errors (and in a folder, each file's) go into the reading's
/// errors, and the other inputs and files are read on.
pub(super) fn read_inputs(inputs: &[PathBuf], reading: &mut Reading) -> Result<(), ImportError> {
    // Files are known by their resolved path where they have one, so that
    // `a/x.txt` and `./a/x.ann` go together.
    let key = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let given: HashSet<PathBuf> = inputs.iter().map(|input| key(input)).collect();
    for input in inputs {
        // A missing input, a folder and an .ann file are read (and a
        // missing one is the error that it cannot be read).
        if !input.exists() || input.is_dir() || is_ann(input) {
            if let Err(error) = read_input(input, reading) {
                reading.errors.push(error);
            }
            continue;
        }
        if input.extension().is_some_and(|e| e == "txt") {
            let ann = input.with_extension("ann");
            if given.contains(&key(&ann)) {
                continue;
            }
            let missing = if ann.exists() {
                "is not among the inputs"
            } else {
                "does not exist"
            };
            reading.errors.push(ImportError::File {
                file: input.clone(),
                message: format!(
                    "a brat text whose annotation file {} {missing}; give the .ann files (their texts are read beside them) or the folder",
                    ann.display()
                ),
            });
            continue;
        }
        if input.extension().is_some_and(|e| e == "conf") {
            reading.notes.push(format!(
                "{}: brat's configuration, not annotations; skipped (the project's labels are in its sorot.ron)",
                input.display()
            ));
            continue;
        }
        reading.errors.push(ImportError::File {
            file: input.clone(),
            message: "not a brat file: brat inputs are .ann files (with their .txt beside them) or folders of them".into(),
        });
    }
    Ok(())
}

/// Reads the brat input `input`: one `.ann` file, or a folder searched for
/// them, each a document named by its path below the folder.
///
/// Symbolic links are followed only while they stay inside the input's
/// folder, and a folder already read is not read again (`ln -s . loop`);
/// each link not followed, and each document whose `.txt` is a link out of
/// the folder, is a loss.
pub(super) fn read_input(input: &Path, reading: &mut Reading) -> Result<(), ImportError> {
    let read_error = |path: &Path| {
        let path = path.to_owned();
        move |source| ImportError::Read { path, source }
    };
    if input.is_dir() {
        let mut walk = Walk {
            root: input.canonicalize().map_err(read_error(input))?,
            visited: HashSet::new(),
            files: Vec::new(),
            skipped: Vec::new(),
        };
        walk.visited.insert(walk.root.clone());
        walk.collect_ann(input).map_err(read_error(input))?;
        reading.losses.append(&mut walk.skipped);
        walk.files.sort();
        for file in walk.files {
            let id = file
                .strip_prefix(input)
                .unwrap_or(&file)
                .with_extension("txt");
            let id = id
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if let Some(loss) = text_out_of(&walk.root, &file) {
                reading.losses.push(loss);
                continue;
            }
            // A file that cannot be read is an error of its own; the
            // folder's other files are read on.
            match read_brat(&file, id, &mut reading.losses) {
                Ok(record) => reading.records.push(record),
                Err(error) => reading.errors.push(error),
            }
        }
        Ok(())
    } else {
        let id = input
            .with_extension("txt")
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let folder = match input.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let root = folder.canonicalize().map_err(read_error(folder))?;
        if let Some(loss) = text_out_of(&root, input) {
            reading.losses.push(loss);
            return Ok(());
        }
        let record = read_brat(input, id, &mut reading.losses)?;
        reading.records.push(record);
        Ok(())
    }
}

/// A search of an input folder for `.ann` files. The folders themselves
/// are read first, links after, so a folder reached both ways is read under
/// its own name.
struct Walk {
    /// The input folder, resolved.
    root: PathBuf,
    /// The folders read, resolved.
    visited: HashSet<PathBuf>,
    /// The `.ann` files found.
    files: Vec<PathBuf>,
    /// The links not followed, as losses.
    skipped: Vec<Loss>,
}

impl Walk {
    /// Adds the `.ann` files in `dir` and its folders, the links among them
    /// followed once no plain folder is left.
    fn collect_ann(&mut self, dir: &Path) -> std::io::Result<()> {
        let mut links = VecDeque::new();
        self.read_folder(dir, &mut links)?;
        while let Some(link) = links.pop_front() {
            let target = match link.canonicalize() {
                Ok(target) => target,
                Err(err) => {
                    self.skip(
                        &link,
                        format!("a link that cannot be followed ({err}); skipped"),
                    );
                    continue;
                }
            };
            let is_dir = target.is_dir();
            if !(is_dir || is_ann(&link)) {
                continue;
            }
            if !target.starts_with(&self.root) {
                self.skip(
                    &link,
                    format!(
                        "a link out of the input folder (to {}); not followed",
                        target.display()
                    ),
                );
            } else if !is_dir {
                self.files.push(link);
            } else if self.visited.insert(target) {
                self.read_folder(&link, &mut links)?;
            } else {
                self.skip(
                    &link,
                    "a link to a folder already read (under its own name, or a loop); not read again"
                        .into(),
                );
            }
        }
        Ok(())
    }

    /// Adds the `.ann` files of `dir` and of its folders, and the links
    /// found to `links`, in name order.
    fn read_folder(&mut self, dir: &Path, links: &mut VecDeque<PathBuf>) -> std::io::Result<()> {
        let mut entries = fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let path = entry.path();
            let file_type = entry.file_type()?;
            if file_type.is_symlink() {
                links.push_back(path);
            } else if file_type.is_dir() {
                self.visited.insert(path.canonicalize()?);
                self.read_folder(&path, links)?;
            } else if is_ann(&path) {
                self.files.push(path);
            }
        }
        Ok(())
    }

    fn skip(&mut self, path: &Path, reason: String) {
        self.skipped.push(Loss {
            file: path.display().to_string(),
            span: None,
            reason,
        });
    }
}

fn is_ann(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ann")
}

/// A loss if the `.txt` of `ann` is a link that leads out of `root`: its
/// content is not the input's to import.
fn text_out_of(root: &Path, ann: &Path) -> Option<Loss> {
    let txt = ann.with_extension("txt");
    let target = txt.canonicalize().ok()?;
    (!target.starts_with(root)).then(|| Loss {
        file: txt.display().to_string(),
        span: None,
        reason: format!(
            "a link out of the input folder (to {}); its document is not imported",
            target.display()
        ),
    })
}

/// Reads one `.ann` file and its `.txt`. brat counts code points over the
/// text read with LF line ends; the offsets are moved onto the real text
/// (past the `\r` of each CRLF before them) once the text is known.
fn read_brat(ann_path: &Path, id: String, losses: &mut Vec<Loss>) -> Result<Record, ImportError> {
    let txt_path = ann_path.with_extension("txt");
    let text = read_to_string(&txt_path)?;
    let lf_text = text.replace("\r\n", "\n");
    let lf_chars: Vec<char> = lf_text.chars().collect();
    let content = read_to_string(ann_path)?;
    let mut spans: Vec<(String, NewSpan)> = Vec::new();
    let mut notes: Vec<Noted> = Vec::new();
    let mut relations: Vec<(String, String, String, usize)> = Vec::new();
    let mut attributes: Vec<Given> = Vec::new();
    // (N id, target, reference, what it gives, line)
    let mut normalizations: Vec<(String, String, String, Normalized, usize)> = Vec::new();
    let error = |line: usize, message: String| ImportError::Input {
        file: ann_path.to_owned(),
        line,
        message,
    };
    let loss = |line: usize, reason: String| Loss {
        file: format!("{}:{line}", ann_path.display()),
        span: None,
        reason,
    };
    for (n, line) in content.lines().enumerate() {
        let line_number = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        // The text field of a T line may itself hold tabs.
        let fields: Vec<&str> = match line.chars().next() {
            Some('T' | '#' | 'N') => line.splitn(3, '\t').collect(),
            _ => line.split('\t').collect(),
        };
        let kind = line.chars().next().unwrap_or(' ');
        match kind {
            'T' => {
                if fields.len() != 3 {
                    return Err(error(
                        line_number,
                        format!(
                            "a T line has 3 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let (label, places) = fields[1].split_once(' ').ok_or_else(|| {
                    error(
                        line_number,
                        "expected `label start end` in the second field".into(),
                    )
                })?;
                let mut fragments = Vec::new();
                for place in places.split(';') {
                    let numbers: Vec<&str> = place.split_whitespace().collect();
                    let parse = |s: &str| {
                        s.parse::<usize>()
                            .map_err(|_| error(line_number, format!("{s:?} is not an offset")))
                    };
                    if numbers.len() != 2 {
                        return Err(error(
                            line_number,
                            format!("a fragment has a start and an end, not {place:?}"),
                        ));
                    }
                    fragments.push((parse(numbers[0])?, parse(numbers[1])?));
                }
                let in_order = fragments.iter().all(|f| f.0 < f.1)
                    && fragments.windows(2).all(|w| w[0].1 <= w[1].0);
                if !in_order {
                    return Err(error(
                        line_number,
                        format!(
                            "the fragments {places} are empty, reversed or out of order; each is start end, in text order"
                        ),
                    ));
                }
                let start = fragments.iter().map(|f| f.0).min().unwrap_or(0);
                let end = fragments.iter().map(|f| f.1).max().unwrap_or(0);
                if end > lf_chars.len() || start >= end {
                    return Err(error(
                        line_number,
                        format!(
                            "{label} [{start}, {end}) lies outside {}, which has {} characters",
                            txt_path.display(),
                            lf_chars.len()
                        ),
                    ));
                }
                let gaps_are_space = fragments
                    .windows(2)
                    .all(|w| lf_chars[w[0].1..w[1].0].iter().all(|c| c.is_whitespace()));
                if fragments.len() > 1 && !gaps_are_space {
                    losses.push(loss(
                        line_number,
                        format!("{} is discontinuous ({places}); Sorot spans are continuous, so it was not imported", fields[0]),
                    ));
                    continue;
                }
                let expected: String = fragments
                    .iter()
                    .map(|f| lf_chars[f.0..f.1].iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" ");
                if expected != fields[2] {
                    return Err(error(
                        line_number,
                        format!(
                            "{} says {:?} but the text at [{start}, {end}) is {:?}",
                            fields[0], fields[2], expected
                        ),
                    ));
                }
                let span = NewSpan::new(start, end, label.to_owned(), line_number);
                spans.push((fields[0].to_owned(), span));
            }
            '#' => {
                if fields.len() != 3 {
                    return Err(error(
                        line_number,
                        format!(
                            "a # line has 3 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let [kind, target] = fields[1].split_whitespace().collect::<Vec<_>>()[..] else {
                    return Err(error(
                        line_number,
                        "a # line is `#1 <tab> AnnotatorNotes T1 <tab> text`: a kind and the annotation it is about".into(),
                    ));
                };
                notes.push(Noted {
                    id: fields[0].to_owned(),
                    target: target.to_owned(),
                    kind: kind.to_owned(),
                    text: fields[2].to_owned(),
                    line: line_number,
                });
            }
            'A' | 'M' => {
                if fields.len() != 2 {
                    return Err(error(
                        line_number,
                        format!(
                            "an A line has 2 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let parts: Vec<&str> = fields[1].split_whitespace().collect();
                match parts.as_slice() {
                    [name, target, value @ ..] if target.starts_with('T') => {
                        // A binary attribute (no value, or an M line) is "true".
                        let value = if value.is_empty() {
                            BINARY.to_owned()
                        } else {
                            value.join(" ")
                        };
                        attributes.push(Given {
                            id: fields[0].to_owned(),
                            target: (*target).to_owned(),
                            name: (*name).to_owned(),
                            value,
                            line: line_number,
                        });
                    }
                    _ => losses.push(loss(
                        line_number,
                        format!(
                            "attribute {} of a relation or event was not imported",
                            fields[0]
                        ),
                    )),
                }
            }
            'N' => {
                if fields.len() != 3 && fields.len() != 2 {
                    return Err(error(
                        line_number,
                        format!(
                            "an N line has 3 tab-separated fields, this one has {}",
                            fields.len()
                        ),
                    ));
                }
                let parts: Vec<&str> = fields[1].split_whitespace().collect();
                let [kind, target, reference] = parts[..] else {
                    return Err(error(
                        line_number,
                        "an N line is `N1 <tab> Reference T1 resource:id <tab> name`".into(),
                    ));
                };
                let Some((resource, entry)) = reference
                    .split_once(':')
                    .filter(|(resource, entry)| !resource.is_empty() && !entry.is_empty())
                else {
                    return Err(error(
                        line_number,
                        format!(
                            "{reference:?} is not a reference: an N line names an entry as resource:id (Wikipedia:64488)"
                        ),
                    ));
                };
                if !target.starts_with('T') {
                    losses.push(loss(
                        line_number,
                        format!(
                            "normalization {} of a relation or event was not imported",
                            fields[0]
                        ),
                    ));
                    continue;
                }
                if kind != NORMALIZATION {
                    losses.push(loss(
                        line_number,
                        format!(
                            "the type {kind} of normalization {} was not kept: its value was imported, and goes back to brat as a {NORMALIZATION}",
                            fields[0]
                        ),
                    ));
                }
                let name = fields.get(2).copied();
                let normalized = if resource == SOROT {
                    // Sorot's own value; the text after the tab is the value as written.
                    Normalized {
                        value: name.map_or_else(|| entry.replace('_', " "), str::to_owned),
                        resource: String::new(),
                        entry_name: String::new(),
                    }
                } else {
                    Normalized {
                        value: entry.to_owned(),
                        resource: resource.to_owned(),
                        entry_name: name.unwrap_or("").to_owned(),
                    }
                };
                normalizations.push((
                    fields[0].to_owned(),
                    target.to_owned(),
                    reference.to_owned(),
                    normalized,
                    line_number,
                ));
            }
            'R' => {
                // R1 <tab> kind Arg1:T2 Arg2:T1 <tab>
                let parts: Vec<&str> = fields
                    .get(1)
                    .map(|f| f.split_whitespace().collect())
                    .unwrap_or_default();
                let arg = |name: &str| {
                    parts
                        .iter()
                        .find_map(|p| p.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')))
                        .map(str::to_owned)
                };
                match (parts.first(), arg("Arg1"), arg("Arg2")) {
                    (Some(kind), Some(from), Some(to)) => {
                        relations.push(((*kind).to_owned(), from, to, line_number))
                    }
                    _ => {
                        return Err(error(
                            line_number,
                            "an R line is `R1 <tab> type Arg1:T1 Arg2:T2`".into(),
                        ));
                    }
                }
            }
            'E' | '*' => {
                let what = if kind == 'E' { "event" } else { "equivalence" };
                losses.push(loss(
                    line_number,
                    format!(
                        "{what} {} was not imported: Sorot has no {what}s yet",
                        fields[0]
                    ),
                ));
            }
            _ => {
                return Err(error(
                    line_number,
                    format!("unknown brat line kind {kind:?}"),
                ));
            }
        }
    }
    let mut record_relations = Vec::new();
    for (kind, from, to, line) in relations {
        let position = |key: &str| spans.iter().position(|(id, _)| id == key);
        match (position(&from), position(&to)) {
            (Some(a), Some(b)) => record_relations.push((a, b, kind)),
            _ => losses.push(loss(line, format!("relation {kind} between {from} and {to}, whose ends are not both imported text spans, was not imported"))),
        }
    }
    let span_of =
        |spans: &[(String, NewSpan)], target: &str| spans.iter().position(|(id, _)| id == target);
    for Given {
        id,
        target,
        name,
        value,
        line,
    } in attributes
    {
        let Some(n) = span_of(&spans, &target) else {
            losses.push(loss(line, format!("attribute {id} ({name}) of {target}, which is not an imported text span, was not imported")));
            continue;
        };
        let span = &mut spans[n].1;
        match span.attributes.get(&name) {
            Some(first) => losses.push(loss(
                line,
                format!(
                    "attribute {id} gives {target} a second {name} ({value}); a span has one value of an attribute, so it keeps the first ({first})"
                ),
            )),
            None => {
                span.attributes.insert(name, value);
            }
        }
    }
    for (id, target, reference, normalized, line) in normalizations {
        let Some(n) = span_of(&spans, &target) else {
            losses.push(loss(line, format!("normalization {id} of {target}, which is not an imported text span, was not imported")));
            continue;
        };
        let span = &mut spans[n].1;
        if !span.value.is_empty() {
            losses.push(loss(
                line,
                format!(
                    "normalization {id} ({reference}) of {target} was not imported: a span has one normalized value, and {target} has one already"
                ),
            ));
            continue;
        }
        span.value = normalized.value;
        span.resource = normalized.resource;
        span.entry_name = normalized.entry_name;
    }
    for Noted {
        id,
        target,
        kind,
        text,
        line,
    } in notes
    {
        let Some(n) = span_of(&spans, &target) else {
            losses.push(loss(line, format!("note {id} ({kind}) of {target}, which is not an imported text span, was not imported")));
            continue;
        };
        let span = &mut spans[n].1;
        // The first annotator's note with text is the span's note; every
        // other note is kept as it came, in order.
        if kind == ANNOTATOR_NOTES && span.note.is_empty() && !text.is_empty() {
            span.note = text;
        } else {
            span.notes.push(Note { kind, text });
        }
    }
    Ok(Record {
        id,
        file: ann_path.to_owned(),
        line: 1,
        text: Some(text),
        annotator: None,
        spans: spans.into_iter().map(|(_, s)| s).collect(),
        relations: record_relations,
        relation_keys: Vec::new(),
        offsets: Counted::CodePointsWithLf,
    })
}
