//! The gazetteer: known names of a project, `text<TAB>label` a line, in
//! `gazetteer.tsv` at the project's root; string suggestions draw on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::project::Project;

/// The file at a project's root that lists known names: `text<TAB>label` a line.
pub const GAZETTEER: &str = "gazetteer.tsv";

/// What is wrong with a line of a gazetteer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineProblem {
    #[error("expected a text, a tab and a label")]
    NotTextTabLabel,
    #[error("label {label:?} is not in the project's schema ({})", known.join(", "))]
    UnknownLabel {
        label: String,
        /// The schema's labels.
        known: Vec<String>,
    },
}

/// A line of a gazetteer that is not `text<TAB>label`, a blank line or a comment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct LineError {
    /// The line's number, from 1.
    pub line: usize,
    pub problem: LineProblem,
}

/// Reads a gazetteer: one `text<TAB>label` a line; blank lines and lines
/// starting with `#` are skipped, and a text listed twice takes its last
/// label. An error names the line.
pub fn read_gazetteer(content: &str) -> Result<BTreeMap<String, String>, LineError> {
    Ok(gazetteer_entries(content)?
        .into_iter()
        .map(|(_, text, label)| (text, label))
        .collect())
}

/// A gazetteer entry: its line number, text and label.
type Entry = (usize, String, String);

/// A gazetteer's entries in file order.
fn gazetteer_entries(content: &str) -> Result<Vec<Entry>, LineError> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let mut entries = Vec::new();
    for (n, line) in content.lines().enumerate() {
        match gazetteer_line(line) {
            Some(Ok((text, label))) => entries.push((n + 1, text.to_owned(), label.to_owned())),
            None => {}
            Some(Err(problem)) => {
                return Err(LineError {
                    line: n + 1,
                    problem,
                });
            }
        }
    }
    Ok(entries)
}

/// One line of a gazetteer: its text and label, or `None` for a blank line
/// or a comment.
fn gazetteer_line(line: &str) -> Option<Result<(&str, &str), LineProblem>> {
    let line = line.trim_end_matches('\r');
    if line.trim().is_empty() || line.starts_with('#') {
        return None;
    }
    Some(match line.split_once('\t') {
        Some((text, label)) if !text.trim().is_empty() && !label.trim().is_empty() => {
            Ok((text.trim(), label.trim()))
        }
        _ => Err(LineProblem::NotTextTabLabel),
    })
}

/// What adding gazetteer files to the project's gazetteer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GazetteerImport {
    /// Texts the project's gazetteer did not list.
    pub added: usize,
    /// Texts it listed with another label, now the files'.
    pub relabeled: usize,
    /// Entries of the project's gazetteer afterwards.
    pub total: usize,
}

/// Why a gazetteer could not be added; the project's gazetteer is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{}:{line}: {problem}", file.display())]
    Line {
        file: PathBuf,
        line: usize,
        problem: LineProblem,
    },
    #[error("{}: cannot read", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Write(#[from] crate::store::StorageError),
}

/// Adds the entries of gazetteer files (`text<TAB>label` a line) to the
/// project's `gazetteer.tsv`. Every line of every file is checked first: a
/// malformed line or a label the schema lacks is an error naming the file and
/// line, and nothing is written. The project's file keeps its lines, comments
/// and line ends: a text it lists already takes the new label in place (a
/// later file wins over an earlier one), new texts are appended in the order
/// the files give them. The file is written atomically, once.
pub fn import_gazetteer(
    project: &Project,
    inputs: &[PathBuf],
) -> Result<GazetteerImport, GazetteerError> {
    let read = |file: &Path| {
        std::fs::read_to_string(file).map_err(|source| GazetteerError::Read {
            file: file.to_owned(),
            source,
        })
    };
    let line_error = |file: &Path, LineError { line, problem }| GazetteerError::Line {
        file: file.to_owned(),
        line,
        problem,
    };
    // The new entries in order of first appearance, each with its last label.
    let mut order: Vec<String> = Vec::new();
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for input in inputs {
        let content = read(input)?;
        for (line, text, label) in gazetteer_entries(&content).map_err(|e| line_error(input, e))? {
            if !project.schema().contains(&label) {
                let known = project
                    .schema()
                    .labels
                    .iter()
                    .map(|l| l.name.clone())
                    .collect();
                return Err(GazetteerError::Line {
                    file: input.to_owned(),
                    line,
                    problem: LineProblem::UnknownLabel { label, known },
                });
            }
            if labels.insert(text.clone(), label).is_none() {
                order.push(text);
            }
        }
    }
    let path = project.root().join(GAZETTEER);
    let existing = if path.is_file() {
        read(&path)?
    } else {
        String::from("# Known names: a text, a tab and a label a line.\n")
    };
    gazetteer_entries(&existing).map_err(|e| line_error(&path, e))?;
    let (bom, body) = match existing.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", existing.as_str()),
    };
    let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::from(bom);
    let mut listed = BTreeSet::new();
    let mut relabeled = BTreeSet::new();
    for raw in body.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let ending = &raw[line.len()..];
        if let Some(Ok((text, label))) = gazetteer_line(line)
            && let Some(new) = labels.get(text)
        {
            listed.insert(text.to_owned());
            if new != label {
                relabeled.insert(text.to_owned());
                out.push_str(&format!("{text}\t{new}{ending}"));
                continue;
            }
        }
        out.push_str(raw);
    }
    if !out.is_empty() && !out.ends_with('\n') && order.iter().any(|t| !listed.contains(t)) {
        out.push_str(newline);
    }
    let mut added = 0;
    for text in order.iter().filter(|t| !listed.contains(*t)) {
        out.push_str(&format!("{text}\t{}{newline}", labels[text]));
        added += 1;
    }
    let total = read_gazetteer(&out).map(|e| e.len()).unwrap_or_default();
    crate::store::write_atomic(&path, out.as_bytes())?;
    Ok(GazetteerImport {
        added,
        relabeled: relabeled.len(),
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imported_gazetteer_joins_the_projects_keeping_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Kim").unwrap();
        let project = Project::open(dir.path()).unwrap();
        // CRLF line ends, a byte-order mark, a comment and a text listed twice.
        std::fs::write(
            dir.path().join(GAZETTEER),
            "\u{feff}# tokoh\r\nKim Jong Un\tactor\r\nVostochny\tactor\r\nVostochny\tactor\r\n",
        )
        .unwrap();
        let first = dir.path().join("names.tsv");
        std::fs::write(
            &first,
            "\u{feff}Vostochny\tlocation\nKremlin\tactor\n😊 Café\tlocation\n",
        )
        .unwrap();
        let second = dir.path().join("more.tsv");
        std::fs::write(&second, "Shoigu\tactor\nKremlin\tlocation\n").unwrap();
        let done = import_gazetteer(&project, &[first.clone(), second]).unwrap();
        assert_eq!(
            done,
            GazetteerImport {
                added: 3,
                relabeled: 1,
                total: 5
            }
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(GAZETTEER)).unwrap(),
            "\u{feff}# tokoh\r\nKim Jong Un\tactor\r\nVostochny\tlocation\r\nVostochny\tlocation\r\nKremlin\tlocation\r\n😊 Café\tlocation\r\nShoigu\tactor\r\n"
        );
        // A label the schema lacks is refused with its line; nothing changes,
        // not even from the good file before it.
        let bad = dir.path().join("bad.tsv");
        std::fs::write(&bad, "Putin\tactor\nKCNA\tmedia\n").unwrap();
        std::fs::write(&first, "Peskov\tactor\n").unwrap();
        let err = import_gazetteer(&project, &[first, bad])
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("bad.tsv:2: label \"media\" is not in the project's schema (actor, location, date, claim)"), "{err}");
        let kept = std::fs::read_to_string(dir.path().join(GAZETTEER)).unwrap();
        assert!(!kept.contains("Putin") && !kept.contains("Peskov"));
    }

    #[test]
    fn gazetteers_are_text_tab_label_lines() {
        let entries =
            read_gazetteer("# names\nKim Jong Un\tactor\r\n\nPyongyang\tlocation\n").unwrap();
        assert_eq!(
            entries.get("Kim Jong Un").map(String::as_str),
            Some("actor")
        );
        assert_eq!(entries.len(), 2);
        let err = read_gazetteer("# names\r\nKim actor\n").unwrap_err();
        assert_eq!(
            err,
            LineError {
                line: 2,
                problem: LineProblem::NotTextTabLabel
            }
        );
        assert_eq!(
            err.to_string(),
            "line 2: expected a text, a tab and a label"
        );
    }
}
