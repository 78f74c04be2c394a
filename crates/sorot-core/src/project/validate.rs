//! Checking a whole project: every annotation file against its text.
//!
//! Terms:
//! - **problem**: one thing wrong, with the file it is in, the line where
//!   there is one, and what is wrong. `sorot validate` prints one per line.
//! - **warning**: a problem that does not stop the file from being used
//!   (two spans of one label that overlap where the schema forbids it); its
//!   line says `warning:`, and warnings alone leave a project valid.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error_chain;
use crate::model::text::SourceText;
use crate::project::document::{check_file, overlaps};
use crate::project::{Project, is_valid_annotator};
use crate::store::{self, AnnotationFile};

/// One thing wrong in a project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line and column, where known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// A warning, not an error.
    pub warning: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        let warning = if self.warning { "warning: " } else { "" };
        write!(f, ": {warning}{}", self.message)
    }
}

/// Checks every text and every annotation file of the project. The result is
/// sorted by file and line.
pub fn validate(project: &Project) -> Vec<Problem> {
    let mut problems = Vec::new();
    let problem = |file: &Path, line: Option<usize>, message: String| Problem {
        file: file.to_owned(),
        line,
        column: None,
        message,
        warning: false,
    };
    // Texts that cannot be annotated at all.
    let mut texts = std::collections::BTreeMap::new();
    for doc in project.docs() {
        match fs::read(&doc.path) {
            Err(err) => problems.push(problem(&doc.path, None, format!("cannot read: {err}"))),
            Ok(bytes) => {
                let fingerprint = store::fingerprint(&bytes);
                match SourceText::from_bytes(bytes) {
                    Ok(text) => {
                        texts.insert(
                            doc.id.clone(),
                            (text, fingerprint, project.source_path(doc)),
                        );
                    }
                    Err(err) => {
                        let line = match err {
                            crate::model::text::TextError::NotUtf8 { line, .. } => Some(line),
                            _ => None,
                        };
                        problems.push(problem(&doc.path, line, err.to_string()));
                    }
                }
            }
        }
    }
    // What writes that never finished left: an import cut short, and
    // temporary files of saves and imports killed before they were done.
    let Leftovers { cut, temporary } = leftovers(project);
    if let Some(cut) = cut {
        problems.push(problem(
            &cut.journal,
            None,
            format!(
                "an import was cut short: {} of its {} are in place and the others wait, whole, under temporary names; run `sorot validate --repair` (or any import) to put them in place",
                cut.made,
                crate::counted(cut.renames, "file")
            ),
        ));
    }
    if temporary.len() > LEFTOVERS_LISTED {
        let first = temporary.first().cloned().unwrap_or_default();
        problems.push(problem(
            &first,
            None,
            format!(
                "this and {} more temporary files and folders were left by saves or imports that did not finish; nothing in them is in place and the files they were to replace are intact; run `sorot validate --repair` to remove them",
                temporary.len() - 1
            ),
        ));
    } else {
        for path in temporary {
            let message = if path.is_dir() {
                "left by an import that did not finish; nothing in it was put in place: delete the folder (or run `sorot validate --repair`)"
            } else {
                "left by a save or an import that did not finish; the file it was to replace is intact: delete it (or run `sorot validate --repair`)"
            };
            problems.push(problem(&path, None, message.into()));
        }
    }
    let annotation_dir = project.annotation_dir();
    let Ok(entries) = fs::read_dir(&annotation_dir) else {
        return problems;
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if !is_valid_annotator(&name) && name != crate::project::GOLD {
            problems.push(problem(&folder, None, format!("{name:?} is not a valid annotator name (letters, digits, '_', '-', '.'; starting with a letter or digit); rename the folder")));
            continue;
        }
        let mut files = Vec::new();
        collect_ron_files(&folder, &mut files);
        for path in files {
            let relative = path.strip_prefix(&folder).unwrap_or(&path);
            let doc_id = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let doc_id = doc_id.strip_suffix(".ron").unwrap_or(&doc_id).to_owned();
            let (file, content) = match AnnotationFile::read(&path) {
                Ok((file, bytes)) => (file, String::from_utf8(bytes).unwrap_or_default()),
                Err(err) => {
                    let (line, column) = err.position().unzip();
                    let mut message = err.problem();
                    if let Some(cause) = std::error::Error::source(&err) {
                        message.push_str(": ");
                        message.push_str(&error_chain(cause));
                    }
                    problems.push(Problem {
                        file: path.clone(),
                        line,
                        column,
                        message,
                        warning: false,
                    });
                    continue;
                }
            };
            if file.annotator != name {
                problems.push(problem(
                    &path,
                    line_of(&content, "annotator:"),
                    format!(
                        "names annotator {:?} but lies in the folder of {name:?}",
                        file.annotator
                    ),
                ));
            }
            let Some((text, fingerprint, source)) = texts.get(&doc_id) else {
                if project.doc(&doc_id).is_none() {
                    problems.push(problem(
                        &path,
                        None,
                        format!(
                            "there is no text {doc_id} in {}; restore the text or remove this file",
                            project.text_dir().display()
                        ),
                    ));
                }
                continue;
            };
            let findings = check_file(&file, text, fingerprint, source, project.schema());
            let warnings = overlaps(&file.spans, project.schema());
            let all = findings
                .into_iter()
                .map(|f| (f, false))
                .chain(warnings.into_iter().map(|f| (f, true)));
            for (finding, warning) in all {
                let line = match (finding.span, finding.field) {
                    (Some(id), _) => line_of(&content, &format!("(id: {id},")),
                    (None, Some(field)) => line_of(&content, &format!("{}:", field.name())),
                    (None, None) => None,
                };
                problems.push(Problem {
                    warning,
                    ..problem(&path, line, finding.message)
                });
            }
        }
    }
    problems.sort();
    problems
}

/// The 1-based line of the first line that starts with `prefix` (after indentation).
fn line_of(content: &str, prefix: &str) -> Option<usize> {
    content
        .lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .map(|i| i + 1)
}

/// Up to how many temporary leftovers are listed one per line; more are
/// counted in one line.
const LEFTOVERS_LISTED: usize = 5;

/// What writes that never finished left in a project.
#[derive(Debug, Default)]
pub struct Leftovers {
    /// An import cut short between its first and its last rename.
    pub cut: Option<store::journal::CutBatch>,
    /// Temporary files and folders (`.sorot-*.tmp`) of writes killed before
    /// they put anything in place; those the cut import will use are not
    /// among them.
    pub temporary: std::collections::BTreeSet<PathBuf>,
}

/// Finds what writes that never finished left in `project`.
pub fn leftovers(project: &Project) -> Leftovers {
    let annotations = project.annotation_dir();
    let cut = store::journal::cut_batch(&annotations).ok().flatten();
    let mut temporary = std::collections::BTreeSet::new();
    collect_leftovers(&project.text_dir(), &mut temporary);
    collect_leftovers(&annotations, &mut temporary);
    // An import that makes the annotations folder (and folders above it
    // that are missing) builds it in the nearest folder above that exists:
    // one of those between the annotations folder and the project folder.
    let above = annotations
        .ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(project.root()));
    for dir in above {
        let entries = fs::read_dir(dir).into_iter().flatten();
        temporary.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir() && is_temporary(p)),
        );
    }
    if cut.is_some() {
        let used = store::journal::named_by_cut_batch(&annotations);
        temporary.retain(|path| {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            !used.contains(&absolute)
        });
    }
    Leftovers { cut, temporary }
}

/// What [`repair`] did.
#[derive(Debug, Default)]
pub struct Repaired {
    /// The import cut short that it finished, if there was one.
    pub finished: Option<store::journal::Finished>,
    /// How many temporary files and folders it removed.
    pub removed: usize,
}

/// Why [`repair`] did not run.
#[derive(Debug, thiserror::Error)]
pub enum RepairError {
    /// Another Sorot writer holds the project's write lock.
    #[error(
        "{}: a Sorot writer (a save or an import) is at work in this project; repair when it is done",
        lock.display()
    )]
    Busy { lock: PathBuf },
    #[error(transparent)]
    Storage(#[from] store::StorageError),
}

/// Finishes an import cut short and removes the temporary files and
/// folders of writes killed before they were done. Runs only when no Sorot
/// writer is at work (every writer makes its temporary files while it holds
/// the write lock), and holds the lock while it repairs.
pub fn repair(project: &Project) -> Result<Repaired, RepairError> {
    let annotations = project.annotation_dir();
    let Some(lock) = store::WriteLock::try_acquire(&annotations)? else {
        return Err(RepairError::Busy {
            lock: annotations.join(store::lock::LOCK_FILE),
        });
    };
    let mut repaired = Repaired {
        finished: store::journal::finish_with(&annotations, &lock)?,
        removed: 0,
    };
    for path in leftovers(project).temporary {
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(|source| store::StorageError::Write {
            path: path.clone(),
            source,
        })?;
        repaired.removed += 1;
    }
    Ok(repaired)
}

/// The temporary files of atomic writes and the temporary folders of batch
/// writes (`.sorot-*.tmp`) below `dir`, outside hidden folders.
fn collect_leftovers(dir: &Path, found: &mut std::collections::BTreeSet<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if is_temporary(&path) {
            found.insert(path);
        } else if path.is_dir()
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            collect_leftovers(&path, found);
        }
    }
}

/// Whether `path` is named as a temporary file or folder (`.sorot-*.tmp`).
fn is_temporary(path: &Path) -> bool {
    path.file_name().is_some_and(|name| {
        let name = name.to_string_lossy();
        name.starts_with(store::TEMP_PREFIX)
            && name.ends_with(store::TEMP_SUFFIX)
            && !name.starts_with(store::OUTPUT_TEMP_PREFIX)
    })
}

fn collect_ron_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if path.is_dir() {
            collect_ron_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "ron") {
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::document::{Command, OpenDocument};

    /// A project in a folder whose name has `: ` in it, with one saved span.
    fn saved_project() -> (tempfile::TempDir, Project, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("berita: 2023");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("a.txt"), "“Kim” 😊 tiba\r\nRabu").unwrap();
        let project = Project::open(&root).unwrap();
        let mut doc = OpenDocument::open(&project, &project.docs()[0], "ayu").unwrap();
        doc.execute(
            project.schema(),
            Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            },
        )
        .unwrap();
        doc.save().unwrap();
        let path = doc.path().to_owned();
        (dir, project, path)
    }

    #[test]
    fn a_file_that_does_not_parse_is_one_problem_with_its_line_and_column() {
        let (_dir, project, path) = saved_project();
        let good = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            good.replace("status: InProgress", "status: Sideways"),
        )
        .unwrap();
        let problems = validate(&project);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = &problems[0];
        assert_eq!((&problem.file, problem.line), (&path, Some(8)));
        assert!(problem.column.is_some_and(|c| c > 1), "{problem}");
        assert!(
            !problem.message.contains("berita") && problem.message.contains("fix the file by hand"),
            "{problem}"
        );
    }

    #[test]
    fn findings_about_a_header_field_or_a_span_point_at_its_line() {
        let (_dir, project, path) = saved_project();
        let good = fs::read_to_string(&path).unwrap();
        let edited = good
            .replace("source: \"a.txt\"", "source: \"b.txt\"")
            .replace("label: \"actor\"", "label: \"person\"");
        fs::write(&path, edited).unwrap();
        let lines: Vec<(Option<usize>, String)> = validate(&project)
            .into_iter()
            .map(|p| (p.line, p.message))
            .collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].0, Some(4), "source: {lines:?}");
        assert!(lines[0].1.starts_with("names source"), "{lines:?}");
        assert_eq!(lines[1].0, Some(10), "the span: {lines:?}");
        assert!(lines[1].1.contains("\"person\""), "{lines:?}");
    }
}
