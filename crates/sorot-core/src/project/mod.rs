//! Projects: a folder of texts and the annotations made on them.
//!
//! Terms:
//! - **project**: a folder. It holds texts (`*.txt`, UTF-8, found recursively
//!   under the text folder) and an annotations folder. An optional `sorot.ron`
//!   at its root names the text folder, the annotations folder and the schema;
//!   without it the text folder is the project folder itself, the annotations
//!   folder is `annotations/`, and the schema is the default one.
//! - **document**: one text file. Its **document id** is its path relative to
//!   the text folder with `/` separators (`000_1625e3110a626786.txt`).
//! - **annotator name**: the name of a folder under the annotations folder.
//!   It starts with a letter or digit, so names starting with `_` stay free for
//!   Sorot's own sets (such as a gold set).
//! - **error chain**: an error's message and its causes', joined by `: `
//!   ([`crate::error_chain`]); what a read-only document and the document list
//!   show.
//!
//! Hidden folders (starting with `.`), version-control folders and the
//! annotations folder are never searched for texts, and a document id that
//! would put a text in one of them is refused ([`Project::id_checker`]). The
//! text and annotations folders resolve inside the project folder, links
//! followed. Texts are listed without being read: a document's text
//! is loaded when it is opened.

pub mod document;
pub mod filter;
pub mod paths;
pub mod saver;
mod schema_edit;
pub mod validate;
pub mod workspace;

pub use schema_edit::{SchemaAdded, SchemaEditError, add_to_schema};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error_chain;
use crate::model::Status;
use crate::model::schema::{Schema, SchemaError};
use crate::store::{AnnotationFile, StorageError};

/// The file at a project's root that configures it.
pub const CONFIG_FILE: &str = "sorot.ron";

/// The content of `sorot.ron`. Every field may be left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectConfig {
    /// The folder of texts, relative to the project folder.
    pub texts: PathBuf,
    /// The folder of annotation files, relative to the project folder.
    pub annotations: PathBuf,
    pub schema: Schema,
    /// Whether the workbench shows suggestions of known names (spans
    /// labeled elsewhere, the gazetteer) when a document not started yet
    /// opens; without it they come on demand only (Suggest menu).
    pub suggest_on_open: bool,
}

impl Default for ProjectConfig {
    fn default() -> Self {
        Self {
            texts: PathBuf::from("."),
            annotations: PathBuf::from("annotations"),
            schema: Schema::default(),
            suggest_on_open: false,
        }
    }
}

/// A document of the project.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocEntry {
    /// Path relative to the text folder, `/`-separated.
    pub id: String,
    /// Path of the text file.
    pub path: PathBuf,
}

/// What the document list shows for one annotator's file, read without
/// loading the text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocSummary {
    pub status: Status,
    pub spans: usize,
    /// The labels of its spans.
    pub labels: std::collections::BTreeSet<String>,
    /// Why the annotation file could not be read, if it could not.
    pub error: Option<String>,
}

impl DocSummary {
    /// The summary of annotations with `status` and `spans`.
    pub fn of(status: Status, spans: &[crate::model::Span]) -> Self {
        // A document has a few labels and many spans: each label is copied
        // once.
        let mut labels = std::collections::BTreeSet::new();
        for span in spans {
            if !labels.contains(&span.label) {
                labels.insert(span.label.clone());
            }
        }
        DocSummary {
            status,
            spans: spans.len(),
            labels,
            error: None,
        }
    }
}

/// Why a project cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{}: not a folder; give the path of a project folder", path.display())]
    NotAFolder { path: PathBuf },
    #[error("{}: cannot read", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `sorot.ron` is not valid RON for a configuration; `line` and
    /// `column` are 1-based and `message` says what the reader expected.
    #[error("{}:{line}:{column}: {message}; fix sorot.ron or remove it to use the defaults", path.display())]
    Config {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// `sorot.ron` reads, but its schema cannot be used; the cause says why,
    /// `line` (1-based) where the label at fault is named.
    #[error("{}{}", path.display(), at_line(line))]
    Schema {
        path: PathBuf,
        line: Option<usize>,
        #[source]
        source: SchemaError,
    },
    #[error("{}{}: the text folder {} does not exist; fix `texts` in sorot.ron", config.display(), at_line(line), texts.display())]
    NoTextFolder {
        config: PathBuf,
        line: Option<usize>,
        texts: PathBuf,
    },
    /// A folder setting of `sorot.ron` that leads out of the project
    /// folder (by `..`, an absolute path or a link); `line` is 1-based.
    #[error(
        "{}{}: `{setting}: {:?}` leads to {}, outside the project folder; the texts and annotations must be inside it",
        config.display(),
        at_line(line),
        value.display(),
        resolved.display()
    )]
    OutsideProject {
        config: PathBuf,
        line: Option<usize>,
        setting: &'static str,
        value: PathBuf,
        resolved: PathBuf,
    },
}

/// An open project: its configuration and the list of its documents.
#[derive(Debug, Clone)]
pub struct Project {
    root: PathBuf,
    config: ProjectConfig,
    docs: Vec<DocEntry>,
}

impl Project {
    /// Opens the project folder at `root` and lists its texts.
    pub fn open(root: &Path) -> Result<Self, ProjectError> {
        if !root.is_dir() {
            return Err(ProjectError::NotAFolder {
                path: root.to_owned(),
            });
        }
        let config_path = root.join(CONFIG_FILE);
        let config = if config_path.is_file() {
            let content =
                fs::read_to_string(&config_path).map_err(|source| ProjectError::Read {
                    path: config_path.clone(),
                    source,
                })?;
            let config: ProjectConfig =
                ron::from_str(&content).map_err(|err| ProjectError::Config {
                    path: config_path.clone(),
                    line: err.span.start.line,
                    column: err.span.start.col,
                    message: err.code.to_string(),
                })?;
            config
                .schema
                .validate()
                .map_err(|source| ProjectError::Schema {
                    path: config_path.clone(),
                    line: match source.label() {
                        Some((label, nth)) => mention_line(&content, label, nth),
                        None => setting_line(&content, "labels"),
                    },
                    source,
                })?;
            config
        } else {
            ProjectConfig::default()
        };
        let mut project = Project {
            root: root.to_owned(),
            config,
            docs: Vec::new(),
        };
        if !project.text_dir().is_dir() {
            let line = fs::read_to_string(&config_path)
                .ok()
                .and_then(|content| setting_line(&content, "texts"));
            return Err(ProjectError::NoTextFolder {
                config: config_path,
                line,
                texts: project.config.texts.clone(),
            });
        }
        project.check_inside(&config_path)?;
        project.rescan()?;
        Ok(project)
    }

    /// An error if the text or annotations folder leads out of the project
    /// folder, so that nothing Sorot writes can land outside it.
    fn check_inside(&self, config_path: &Path) -> Result<(), ProjectError> {
        let read = |path: &Path| {
            paths::resolve(path).map_err(|source| ProjectError::Read {
                path: path.to_owned(),
                source,
            })
        };
        let root = read(&self.root)?;
        for (setting, value, dir) in [
            ("texts", &self.config.texts, self.text_dir()),
            (
                "annotations",
                &self.config.annotations,
                self.annotation_dir(),
            ),
        ] {
            let resolved = read(&dir)?;
            if !resolved.starts_with(&root) {
                let line = fs::read_to_string(config_path)
                    .ok()
                    .and_then(|content| setting_line(&content, setting));
                return Err(ProjectError::OutsideProject {
                    config: config_path.to_owned(),
                    line,
                    setting,
                    value: value.clone(),
                    resolved,
                });
            }
        }
        Ok(())
    }

    /// Finishes an import into this project that was cut short (its process
    /// killed between its first and last rename), if there is one and no
    /// writer is at work, and lists the texts again; says what it did.
    pub fn finish_cut_import(&mut self) -> Result<Option<crate::store::journal::Finished>, String> {
        let annotations = self.annotation_dir();
        match crate::store::journal::cut_batch(&annotations) {
            Ok(Some(_)) => {}
            Ok(None) => return Ok(None),
            Err(err) => return Err(error_chain(&err)),
        }
        let finished = crate::store::journal::finish(&annotations).map_err(|e| error_chain(&e))?;
        self.rescan().map_err(|e| error_chain(&e))?;
        Ok(finished)
    }

    /// What checks document ids for this project, its folders resolved once.
    pub fn id_checker(&self) -> IdChecker {
        IdChecker {
            texts: paths::resolve(&self.text_dir()).unwrap_or_else(|_| self.text_dir()),
            annotations: paths::resolve(&self.annotation_dir())
                .unwrap_or_else(|_| self.annotation_dir()),
        }
    }

    /// Lists the texts again, for files added since the project was opened.
    pub fn rescan(&mut self) -> Result<(), ProjectError> {
        let text_dir = self.text_dir();
        let skip = normalize(&self.annotation_dir());
        let mut docs = Vec::new();
        collect_texts(&text_dir, &text_dir, &skip, &mut docs)?;
        docs.sort();
        self.docs = docs;
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A short name for window titles: the project folder's name.
    pub fn name(&self) -> String {
        let absolute = fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        absolute.file_name().map_or_else(
            || absolute.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    pub fn config(&self) -> &ProjectConfig {
        &self.config
    }

    pub fn schema(&self) -> &Schema {
        &self.config.schema
    }

    /// The folder of the texts, without `.` parts (`p` for `p` and `.`).
    pub fn text_dir(&self) -> PathBuf {
        self.root.join(&self.config.texts).components().collect()
    }

    /// The annotations folder, without `.` parts.
    pub fn annotation_dir(&self) -> PathBuf {
        self.root
            .join(&self.config.annotations)
            .components()
            .collect()
    }

    /// The documents, sorted by id.
    pub fn docs(&self) -> &[DocEntry] {
        &self.docs
    }

    pub fn doc(&self, id: &str) -> Option<&DocEntry> {
        self.docs
            .binary_search_by(|d| d.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.docs[i])
    }

    /// The text's path as written into annotation files: relative to the
    /// project folder, `/`-separated.
    pub fn source_path(&self, doc: &DocEntry) -> String {
        let texts = self.config.texts.to_string_lossy().replace('\\', "/");
        let texts = texts.trim_start_matches("./").trim_end_matches('/');
        if texts.is_empty() || texts == "." {
            doc.id.clone()
        } else {
            format!("{texts}/{}", doc.id)
        }
    }

    /// Where `annotator`'s annotations of `doc_id` live.
    pub fn annotation_path(&self, annotator: &str, doc_id: &str) -> PathBuf {
        let mut path = self.annotation_dir().join(annotator);
        for part in doc_id.split('/') {
            path.push(part);
        }
        path.as_mut_os_string().push(".ron");
        path
    }

    /// Annotators with a folder in the annotations folder, sorted.
    pub fn annotators(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.annotation_dir()) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| is_valid_annotator(n))
            .collect();
        names.sort();
        names
    }

    /// Status and span count of every document that `annotator` has a file
    /// for. The files are read on a [disk pool](crate::store::disk).
    pub fn summaries(&self, annotator: &str) -> BTreeMap<String, DocSummary> {
        use rayon::prelude::*;
        let read = |doc: &DocEntry| {
            let path = self.annotation_path(annotator, &doc.id);
            let summary = match AnnotationFile::read(&path) {
                Ok((file, _)) => DocSummary::of(file.status, &file.spans),
                // No file: nothing to summarize.
                Err(StorageError::Read { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    return None;
                }
                Err(err) => DocSummary {
                    error: Some(error_chain(&err)),
                    ..DocSummary::default()
                },
            };
            Some((doc.id.clone(), summary))
        };
        crate::store::disk::run_on(crate::store::disk::pool().as_ref(), || {
            self.docs.par_iter().filter_map(read).collect()
        })
    }
}

/// The annotator name of the gold set that review makes. It starts with `_`,
/// so it can never be an annotator's own name.
pub const GOLD: &str = "_gold";

/// Whether `name` can be an annotator's folder name: letters, digits, `_`,
/// `-` and `.`, starting with a letter or digit.
pub fn is_valid_annotator(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_alphanumeric)
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && name.len() <= 64
}

/// Turns any string (an OS user name, say) into a valid annotator name.
pub fn sanitize_annotator(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .skip_while(|c| !c.is_alphanumeric())
        .take(64)
        .collect();
    if cleaned.is_empty() {
        "annotator".into()
    } else {
        cleaned
    }
}

/// The 1-based line of `sorot.ron` where `setting` is given, if it is.
fn setting_line(content: &str, setting: &str) -> Option<usize> {
    content
        .lines()
        .position(|line| {
            // The part before a line comment.
            let line = line.split("//").next().unwrap_or("");
            line.match_indices(setting).any(|(at, _)| {
                let before = line[..at].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && line[at + setting.len()..].trim_start().starts_with(':')
            })
        })
        .map(|i| i + 1)
}

/// The 1-based line of the `nth` mention of the label `label` (as a quoted
/// string) in `sorot.ron`.
fn mention_line(content: &str, label: &str, nth: usize) -> Option<usize> {
    let quoted = format!("{label:?}");
    content
        .lines()
        .enumerate()
        .flat_map(|(i, line)| line.matches(quoted.as_str()).map(move |_| i + 1))
        .nth(nth.checked_sub(1)?)
}

/// `:LINE` when the line is known.
fn at_line(line: &Option<usize>) -> String {
    line.map(|line| format!(":{line}")).unwrap_or_default()
}

/// Folders of version-control systems whose names do not start with `.`
/// (those that do are hidden, and skipped as all hidden folders are).
const VERSION_CONTROL_FOLDERS: &[&str] = &["CVS", "_darcs"];

/// Why a document id cannot name a text of the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    /// It leaves the text folder (`..`, an absolute path, a backslash).
    Escapes,
    /// A part of it starts with `.`: the project never reads hidden folders
    /// or files, and Sorot's temporary files are named so.
    Hidden,
    /// It would land in the project's annotations folder.
    InAnnotations,
    /// It would land in a version-control folder.
    InVersionControl,
}

impl std::fmt::Display for IdProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IdProblem::Escapes => "would land outside the project",
            IdProblem::Hidden => {
                "has a hidden part (starting with '.'), which the project never reads"
            }
            IdProblem::InAnnotations => "would land in the project's annotations folder",
            IdProblem::InVersionControl => "would land in a version-control folder",
        })
    }
}

/// Checks document ids against one project ([`Project::id_checker`]).
#[derive(Debug, Clone)]
pub struct IdChecker {
    /// The resolved text folder.
    texts: PathBuf,
    /// The resolved annotations folder.
    annotations: PathBuf,
}

impl IdChecker {
    /// Why `id` cannot name a text the project would list, if it cannot.
    pub fn problem(&self, id: &str) -> Option<IdProblem> {
        if !is_safe_doc_id(id) {
            return Some(IdProblem::Escapes);
        }
        let parts = || id.split('/');
        if parts().any(|part| part.starts_with('.')) {
            return Some(IdProblem::Hidden);
        }
        if parts().any(|part| VERSION_CONTROL_FOLDERS.contains(&part)) {
            return Some(IdProblem::InVersionControl);
        }
        let mut path = self.texts.clone();
        path.extend(parts());
        // Links inside the text folder are followed: a link to the
        // annotations folder leads there.
        let resolved = paths::resolve(&path).unwrap_or(path);
        if resolved.starts_with(&self.annotations) {
            return Some(IdProblem::InAnnotations);
        }
        if !resolved.starts_with(&self.texts) {
            return Some(IdProblem::Escapes);
        }
        None
    }
}

/// Whether a `/`-separated document id stays inside its folder.
pub fn is_safe_doc_id(id: &str) -> bool {
    !id.contains('\\')
        && !Path::new(id).has_root()
        && id
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && Path::new(id)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn normalize(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

fn collect_texts(
    dir: &Path,
    text_dir: &Path,
    skip: &Path,
    docs: &mut Vec<DocEntry>,
) -> Result<(), ProjectError> {
    let entries = fs::read_dir(dir).map_err(|source| ProjectError::Read {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| ProjectError::Read {
            path: dir.to_owned(),
            source,
        })?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || VERSION_CONTROL_FOLDERS.contains(&name.as_ref()) {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| ProjectError::Read {
            path: path.clone(),
            source,
        })?;
        if file_type.is_dir() {
            if normalize(&path) != skip {
                collect_texts(&path, text_dir, skip, docs)?;
            }
        } else if path.extension().is_some_and(|e| e == "txt")
            // The entry's type, as the folder gives it, is a file's; only a
            // link needs a look at what it leads to.
            && (file_type.is_file() || (file_type.is_symlink() && path.is_file()))
        {
            let relative = path.strip_prefix(text_dir).unwrap_or(&path);
            let id = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            docs.push(DocEntry { id, path });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_config_lists_texts_recursively_but_not_annotations() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("news/2023")).unwrap();
        fs::create_dir_all(dir.path().join("annotations/ayu")).unwrap();
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join("b.txt"), "b").unwrap();
        fs::write(dir.path().join("news/2023/a.txt"), "a").unwrap();
        fs::write(dir.path().join("news/notes.md"), "x").unwrap();
        fs::write(dir.path().join("annotations/ayu/c.txt"), "c").unwrap();
        fs::write(dir.path().join(".git/d.txt"), "d").unwrap();
        let project = Project::open(dir.path()).unwrap();
        let ids: Vec<&str> = project.docs().iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, vec!["b.txt", "news/2023/a.txt"]);
        let doc = project.doc("news/2023/a.txt").unwrap();
        assert_eq!(project.source_path(doc), "news/2023/a.txt");
        assert_eq!(
            project.annotation_path("ayu", "news/2023/a.txt"),
            dir.path().join("annotations/ayu/news/2023/a.txt.ron")
        );
        assert_eq!(project.annotators(), vec!["ayu"]);
    }

    #[test]
    fn config_names_folders_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("corpus")).unwrap();
        fs::write(dir.path().join("corpus/a.txt"), "a").unwrap();
        fs::write(
            dir.path().join(CONFIG_FILE),
            r##"(texts: "corpus", annotations: "labels", schema: (labels: [(name: "actor"), (name: "event", color: Some("#aa0000"))]))"##,
        )
        .unwrap();
        let project = Project::open(dir.path()).unwrap();
        assert_eq!(project.docs()[0].id, "a.txt");
        assert_eq!(project.source_path(&project.docs()[0]), "corpus/a.txt");
        assert_eq!(
            project.schema().label_for_hotkey(2).as_deref(),
            Some("event")
        );
        assert_eq!(
            project.annotation_path("x", "a.txt"),
            dir.path().join("labels/x/a.txt.ron")
        );
        // A file without `suggest_on_open` leaves it off; one with it turns it on.
        assert!(!project.config().suggest_on_open);
        fs::write(
            dir.path().join(CONFIG_FILE),
            r##"(texts: "corpus", suggest_on_open: true)"##,
        )
        .unwrap();
        assert!(Project::open(dir.path()).unwrap().config().suggest_on_open);
    }

    /// A schema that reads but cannot be used, and a missing text folder,
    /// are named with the line of `sorot.ron` at fault.
    #[test]
    fn config_errors_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let open = |ron: &str| {
            fs::write(dir.path().join(CONFIG_FILE), ron).unwrap();
            crate::error_chain(&Project::open(dir.path()).unwrap_err())
        };
        let err = open(
            "(\n  schema: (labels: [\n    (name: \"actor\"),\n    (name: \"actor\"),\n  ]),\n)",
        );
        assert!(
            err.contains("sorot.ron:4: label \"actor\" is listed twice"),
            "{err}"
        );
        let err =
            open("(\n  schema: (labels: [\n    (name: \"actor\", color: Some(\"red\")),\n  ]),\n)");
        assert!(
            err.contains("sorot.ron:3: label \"actor\" has color"),
            "{err}"
        );
        let err = open("(\n  texts: \"missing\",\n)");
        assert!(
            err.contains("sorot.ron:2: the text folder missing does not exist"),
            "{err}"
        );
    }

    #[test]
    fn a_broken_config_names_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(CONFIG_FILE),
            "(texts: \"x\",\n  schema: (labels: [(nam: \"a\")]))",
        )
        .unwrap();
        let err = Project::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("sorot.ron:2:"), "{err}");
    }

    /// `texts` or `annotations` leading out of the project, by `..`, an
    /// absolute path or a link, is refused, naming the setting and its line.
    #[test]
    fn folder_settings_that_lead_out_of_the_project_are_refused() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("p");
        fs::create_dir_all(root.join("texts")).unwrap();
        fs::create_dir_all(outer.path().join("x")).unwrap();
        let absolute = outer.path().join("x").display().to_string();
        let mut cases = vec![
            ("annotations", "../../../x".to_owned()),
            ("texts", "../x".to_owned()),
            ("texts", absolute),
            ("annotations", "texts/../../x".to_owned()),
        ];
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("x"), root.join("link")).unwrap();
            cases.push(("annotations", "link/labels".to_owned()));
        }
        for (setting, value) in cases {
            let other = if setting == "texts" {
                "annotations"
            } else {
                "texts"
            };
            let other_value = if setting == "texts" {
                "annotations"
            } else {
                "texts"
            };
            fs::write(
                root.join(CONFIG_FILE),
                format!("(\n  {other}: {other_value:?},\n  {setting}: {value:?},\n)"),
            )
            .unwrap();
            let err = Project::open(&root).unwrap_err();
            assert!(
                matches!(err, ProjectError::OutsideProject { line: Some(3), setting: s, .. } if s == setting),
                "{setting}: {value}: {err}"
            );
            assert!(
                err.to_string().contains("outside the project folder"),
                "{err}"
            );
        }
        // Inside, through `..` that comes back, is fine.
        fs::write(
            root.join(CONFIG_FILE),
            "(texts: \"texts/../texts\", annotations: \"texts/../labels\")",
        )
        .unwrap();
        Project::open(&root).unwrap();
    }

    /// Ids that the project would not list, or that land in its own folders,
    /// are named with the reason.
    #[test]
    fn ids_the_project_cannot_see_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join(".git/hooks")).unwrap();
        fs::write(dir.path().join("a.txt"), "a").unwrap();
        let ids = Project::open(dir.path()).unwrap().id_checker();
        for (id, problem) in [
            ("../a.txt", IdProblem::Escapes),
            ("/etc/a.txt", IdProblem::Escapes),
            (".hidden/x.txt", IdProblem::Hidden),
            ("news/.x.txt", IdProblem::Hidden),
            (".sorot-abc123.tmp/x.txt", IdProblem::Hidden),
            (".git/hooks/x.txt", IdProblem::Hidden),
            ("CVS/x.txt", IdProblem::InVersionControl),
            ("annotations/x.txt", IdProblem::InAnnotations),
            ("annotations/ayu/x.txt", IdProblem::InAnnotations),
        ] {
            assert_eq!(ids.problem(id), Some(problem), "{id}");
        }
        for id in [
            "x.txt",
            "news/2023/“😊”.txt",
            "annotations.txt",
            "notes/annotations/x.txt",
        ] {
            assert_eq!(ids.problem(id), None, "{id}");
        }
        #[cfg(unix)]
        {
            fs::create_dir_all(dir.path().join("annotations")).unwrap();
            std::os::unix::fs::symlink(dir.path().join("annotations"), dir.path().join("in"))
                .unwrap();
            assert_eq!(ids.problem("in/x.txt"), Some(IdProblem::InAnnotations));
        }
    }

    #[test]
    fn annotator_names_and_doc_ids_are_checked() {
        assert!(is_valid_annotator("ayu"));
        assert!(is_valid_annotator("budi.s-2"));
        assert!(!is_valid_annotator("_gold"));
        assert!(!is_valid_annotator("a/b"));
        assert!(!is_valid_annotator(""));
        assert_eq!(sanitize_annotator(" Ayu Lestari "), "Ayu_Lestari");
        assert_eq!(sanitize_annotator("__"), "annotator");
        assert!(is_safe_doc_id("news/a.txt"));
        assert!(!is_safe_doc_id("../a.txt"));
        assert!(!is_safe_doc_id("/etc/a.txt"));
        assert!(!is_safe_doc_id("a/./b.txt"));
    }
}
