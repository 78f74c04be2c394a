//! Projects for tests, built in a few lines and read back in the markup
//! notation of [`crate::model::markup`].
//!
//! Terms:
//! - **test project**: a [`TestProject`], a project folder in a temporary
//!   folder that is deleted when the value is dropped. It starts empty (no
//!   `sorot.ron`: texts in the folder itself, annotations under
//!   `annotations/`, the default schema) or as a copy of the sample project.
//! - **sample project**: the project bundled with the repository, its
//!   `seeds/` texts, its `annotations/` of ayu and budi and its `sorot.ron`
//!   ([`sample_dir`]).
//! - **markup**: a text with its spans in brackets, `“[Kim|actor]” 😊 tiba`;
//!   annotations are written from it ([`TestProject::annotated`]) and an
//!   annotator's spans are read back in it ([`TestProject::rendered`]), so
//!   that a test states spans the way a reader sees them, not as offsets.
//!
//! Paths of texts and annotation files follow the project's `sorot.ron`, as
//! [`Project`] does. Every method panics on a failure: it is for tests.
//!
//! Compiled for this crate's own tests and, with the `testing` feature, for
//! other crates' tests.

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::markup;
use crate::model::{Span, Status};
use crate::project::document::{Command, OpenDocument};
use crate::project::{CONFIG_FILE, Project, ProjectConfig};
use crate::store::{self, AnnotationFile, FORMAT_VERSION, OffsetUnit};

/// The sample project bundled with the repository. Tests that only read it
/// may use it in place; tests that write use [`TestProject::sample`].
pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .components()
        .collect()
}

/// Spans given as offsets in `unit` (as another tool's format holds them)
/// over `text`, in the markup notation: what a test asserts to say which
/// characters the offsets put each label on. Panics on an offset inside a
/// character or past the text.
///
/// ```
/// use sorot_core::store::OffsetUnit;
/// // After the emoji, a UTF-16 offset is one more than a code point.
/// let spans = [(1, 4, "actor"), (9, 13, "claim")];
/// assert_eq!(
///     sorot_core::testing::render_offsets("“Kim” 😊 tiba\r\n", OffsetUnit::Utf16, spans),
///     "“[Kim|actor]” 😊 [tiba|claim]\r\n"
/// );
/// ```
pub fn render_offsets<L: Into<String>>(
    text: &str,
    unit: OffsetUnit,
    spans: impl IntoIterator<Item = (usize, usize, L)>,
) -> String {
    // The code point at each offset of the unit, where a character starts.
    let code_point_at: std::collections::BTreeMap<usize, usize> =
        crate::model::text::unit_edges(text, unit)
            .into_iter()
            .collect();
    let spans: Vec<Span> = spans
        .into_iter()
        .enumerate()
        .map(|(i, (start, end, label))| {
            let code_point = |offset: usize| {
                *code_point_at.get(&offset).unwrap_or_else(|| {
                    panic!("{offset} is not at a character's edge in {unit:?} over {text:?}")
                })
            };
            let (start, end) = (code_point(start), code_point(end));
            let covered = text
                .chars()
                .skip(start)
                .take(end.saturating_sub(start))
                .collect();
            Span::new(i as u32 + 1, start..end, label.into(), covered)
        })
        .collect();
    markup::render(text, &spans)
}

/// A project folder in a temporary folder; see the [module](self) docs.
#[derive(Debug)]
pub struct TestProject {
    dir: tempfile::TempDir,
}

impl Default for TestProject {
    fn default() -> Self {
        Self::new()
    }
}

impl TestProject {
    /// An empty project: no texts, no `sorot.ron`, no annotations.
    pub fn new() -> Self {
        TestProject {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// A copy of the sample project: its texts, settings and annotations.
    pub fn sample() -> Self {
        let project = Self::sample_without_annotations();
        copy_dir(
            &sample_dir().join("annotations"),
            &project.path("annotations"),
        );
        project
    }

    /// A copy of the sample project's texts and settings, without annotations.
    pub fn sample_without_annotations() -> Self {
        let project = Self::new();
        copy_dir(&sample_dir().join("seeds"), &project.path("seeds"));
        fs::copy(sample_dir().join(CONFIG_FILE), project.path(CONFIG_FILE))
            .expect("the sample's sorot.ron");
        project
    }

    /// Writes `sorot.ron`.
    pub fn config(self, ron: &str) -> Self {
        self.write(CONFIG_FILE, ron);
        self
    }

    /// Adds the text `doc` (a document id) with `content`, written as given:
    /// CRLF stays CRLF.
    pub fn text(self, doc: &str, content: &str) -> Self {
        self.write_text(doc, content);
        self
    }

    /// Adds `annotator`'s annotations of `doc` from markup whose plain text is
    /// the document's text; the text is added when the project lacks it.
    /// The status is in progress.
    pub fn annotated(self, annotator: &str, doc: &str, markup: &str) -> Self {
        self.write_annotations(annotator, doc, markup);
        self
    }

    /// The project folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `relative` inside the project folder.
    pub fn path(&self, relative: impl AsRef<Path>) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes a file anywhere in the project folder (an input to import, a
    /// changed annotation file), creating its folders; gives its path.
    pub fn write(&self, relative: impl AsRef<Path>, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("the file's folder");
        }
        fs::write(&path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// A file of the project folder as text.
    pub fn read(&self, relative: impl AsRef<Path>) -> String {
        let path = self.path(relative);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Writes the text `doc` with `content`; gives its path.
    pub fn write_text(&self, doc: &str, content: &str) -> PathBuf {
        let path = self.text_path(doc);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("the text's folder");
        }
        fs::write(&path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Writes `annotator`'s annotation file of `doc` from markup, as
    /// [`Self::annotated`] does; gives its path.
    pub fn write_annotations(&self, annotator: &str, doc: &str, markup: &str) -> PathBuf {
        let (text, spans) = markup::parse(markup).unwrap_or_else(|e| panic!("{markup:?}: {e}"));
        let text_path = self.text_path(doc);
        if !text_path.exists() {
            self.write_text(doc, &text);
        }
        let on_disk = fs::read_to_string(&text_path).expect("the text");
        assert_eq!(on_disk, text, "the markup's text is not that of {doc}");
        self.write_annotation_file(&AnnotationFile {
            format_version: FORMAT_VERSION,
            source: self.source(doc),
            fingerprint: store::fingerprint(text.as_bytes()),
            offset_unit: OffsetUnit::CodePoint,
            annotator: annotator.into(),
            status: Status::InProgress,
            spans,
            rejected: Vec::new(),
            relations: Vec::new(),
            rejected_relations: Vec::new(),
            unknown: Default::default(),
        })
    }

    /// Writes an annotation file where the project keeps it (by its
    /// `annotator` and the document of its `source`); gives its path.
    pub fn write_annotation_file(&self, file: &AnnotationFile) -> PathBuf {
        let texts = self.layout().texts;
        let prefix = format!("{}/", texts.to_string_lossy().trim_end_matches('/'));
        let doc = file.source.strip_prefix(&prefix).unwrap_or(&file.source);
        let path = self.annotation_path(&file.annotator, doc);
        fs::create_dir_all(path.parent().expect("a folder")).expect("the annotator's folder");
        fs::write(&path, file.to_ron()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Opens `annotator`'s annotations of `doc`, carries out `commands` in
    /// order and saves: notes, values, attributes and relations, which the
    /// markup does not hold, are added this way.
    pub fn edit(&self, annotator: &str, doc: &str, commands: impl IntoIterator<Item = Command>) {
        let project = self.open();
        let entry = project
            .doc(doc)
            .unwrap_or_else(|| panic!("{doc} is not a text of the project"));
        let mut document = OpenDocument::open(&project, entry, annotator).expect("the document");
        for command in commands {
            let described = format!("{command:?}");
            document
                .execute(project.schema(), command)
                .unwrap_or_else(|e| panic!("{described}: {e}"));
        }
        document.save().expect("the annotations saved");
    }

    /// Opens the project.
    pub fn open(&self) -> Project {
        Project::open(self.root()).expect("the project opens")
    }

    /// Where the text `doc` is.
    pub fn text_path(&self, doc: &str) -> PathBuf {
        let mut path = self.path(self.layout().texts);
        path.extend(doc.split('/'));
        path.components().collect()
    }

    /// Where `annotator`'s annotations of `doc` are.
    pub fn annotation_path(&self, annotator: &str, doc: &str) -> PathBuf {
        let mut path = self.path(self.layout().annotations).join(annotator);
        path.extend(doc.split('/'));
        path.as_mut_os_string().push(".ron");
        path.components().collect()
    }

    /// `annotator`'s annotation file of `doc`.
    pub fn annotation_file(&self, annotator: &str, doc: &str) -> AnnotationFile {
        let path = self.annotation_path(annotator, doc);
        AnnotationFile::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .0
    }

    /// `annotator`'s spans of `doc`, as the file holds them.
    pub fn spans(&self, annotator: &str, doc: &str) -> Vec<Span> {
        self.annotation_file(annotator, doc).spans
    }

    /// `annotator`'s spans of `doc` in the markup notation over the text on
    /// disk: `“[Kim|actor]” 😊 tiba`.
    pub fn rendered(&self, annotator: &str, doc: &str) -> String {
        let text = fs::read_to_string(self.text_path(doc)).expect("the text");
        markup::render(&text, &self.spans(annotator, doc))
    }

    /// The text folder and annotations folder, relative to the project
    /// folder, from `sorot.ron` when there is one.
    fn layout(&self) -> ProjectConfig {
        match fs::read_to_string(self.path(CONFIG_FILE)) {
            Ok(ron) => ron::from_str(&ron).expect("sorot.ron"),
            Err(_) => ProjectConfig::default(),
        }
    }

    /// The text's path as annotation files name it, as
    /// [`Project::source_path`] writes it.
    fn source(&self, doc: &str) -> String {
        let texts = self.layout().texts;
        let texts = texts.to_string_lossy();
        let texts = texts.trim_start_matches("./").trim_end_matches('/');
        if texts.is_empty() || texts == "." {
            doc.to_owned()
        } else {
            format!("{texts}/{doc}")
        }
    }
}

/// Copies a folder and everything in it.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("the copy's folder");
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("a copied file");
        }
    }
}

/// Cuts the next batch commit of this process that keeps a journal (an
/// import's) at `cut`: its files are left as a killed process leaves them,
/// and the commit returns an error instead of going on. For tests of what
/// a cut import leaves and of its finishing; a test binary that cuts
/// commits should hold one test, so that no other commit takes the cut.
pub fn cut_next_commit(cut: store::batch::Cut) {
    if let Ok(mut next) = store::batch::cut::NEXT.lock() {
        *next = Some(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_written_from_markup_render_back_over_crlf_and_emoji() {
        let markup = "“[Kim Jong Un|actor]” 😊 tiba\r\ndi [Vostochny|location].\r\n";
        let project = TestProject::new().annotated("ayu", "a.txt", markup);
        assert_eq!(
            project.read("a.txt"),
            "“Kim Jong Un” 😊 tiba\r\ndi Vostochny.\r\n"
        );
        assert_eq!(project.rendered("ayu", "a.txt"), markup);
        let opened = project.open();
        assert_eq!(opened.annotators(), ["ayu"]);
        let document = OpenDocument::open(&opened, &opened.docs()[0], "ayu").unwrap();
        assert!(document.findings().is_empty(), "{:?}", document.findings());
    }

    #[test]
    fn paths_follow_the_text_folder_of_sorot_ron() {
        let project = TestProject::new()
            .config("(texts: \"texts\", annotations: \"notes\")")
            .annotated("ayu", "2023/a.txt", "“[Kim|actor]” 😊\r\n");
        assert_eq!(
            project.text_path("2023/a.txt"),
            project.path("texts/2023/a.txt")
        );
        assert_eq!(
            project.annotation_path("ayu", "2023/a.txt"),
            project.path("notes/ayu/2023/a.txt.ron")
        );
        assert_eq!(
            project.annotation_file("ayu", "2023/a.txt").source,
            "texts/2023/a.txt"
        );
        assert_eq!(project.open().docs()[0].id, "2023/a.txt");
    }

    #[test]
    fn edits_add_what_the_markup_cannot_hold() {
        let project = TestProject::new().annotated("ayu", "a.txt", "[[Kim|actor] tiba|claim] 😊");
        project.edit(
            "ayu",
            "a.txt",
            [
                Command::SetNote {
                    id: 1,
                    note: "nama".into(),
                },
                Command::SetStatus(Status::Done),
            ],
        );
        let file = project.annotation_file("ayu", "a.txt");
        assert_eq!(
            (file.spans[0].note.as_str(), file.status),
            ("nama", Status::Done)
        );
    }

    #[test]
    fn the_sample_copy_has_its_annotations_or_none() {
        let sample = TestProject::sample();
        assert_eq!(sample.open().annotators(), ["ayu", "budi"]);
        assert_eq!(sample.open().docs().len(), 5);
        let bare = TestProject::sample_without_annotations();
        assert!(bare.open().annotators().is_empty());
        assert_eq!(bare.open().docs().len(), 5);
    }
}
