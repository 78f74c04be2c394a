//! The annotation file format: what an annotation file holds, how it is
//! read with errors that name the file and the position, and its
//! fingerprint.
//!
//! Terms:
//! - **annotation file** ([`AnnotationFile`]): one RON file per (document,
//!   annotator), describing itself: format version, source path, the
//!   fingerprint of the source bytes, the offset unit, the annotator, the
//!   status, the spans, and the rejected suggestions and relations if any.
//! - **format version** ([`FORMAT_VERSION`]): the newest layout this build
//!   reads and the one it writes. A file's version is **probed** before the
//!   rest is read, so that a newer file is reported as newer rather than as
//!   malformed.
//! - **fingerprint** ([`fingerprint`]): `sha256:` and the SHA-256 of the
//!   source file's bytes.
//! - **storage error** ([`StorageError`]): a file that cannot be read,
//!   written or parsed, or is of a newer format. It names the file, and the
//!   line and column where parsing stopped; the operating system's error is
//!   its cause.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fast;
use crate::model::text::OffsetUnit;
use crate::model::{Rejected, RejectedRelation, Relation, Span, Status};

/// The newest annotation file format this build reads and the one it writes.
///
/// Version 2 added the spans' normalized `value` and the `relations` between
/// spans; version 1 files load as they are.
pub const FORMAT_VERSION: u32 = 2;

/// The comment line that opens every annotation file Sorot writes.
pub(super) const HEADER: &str = "// Sorot annotations. Offsets are Unicode code points into the source text, half-open [start, end).\n";

/// The content of an annotation file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationFile {
    pub format_version: u32,
    /// The text's path relative to the project folder, with `/` separators.
    pub source: String,
    pub fingerprint: String,
    /// The unit of every offset in the file: only code points are written
    /// or read; the field is there so that a reader never has to guess.
    #[serde(deserialize_with = "code_points_only")]
    pub offset_unit: OffsetUnit,
    pub annotator: String,
    pub status: Status,
    pub spans: Vec<Span>,
    /// Spans decided against: in a gold set, review decisions that took
    /// neither side; in an annotator's file, the suggestions they rejected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejected>,
    /// Links between spans, by span id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// In a gold set, relations the curator took out, by their ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected_relations: Vec<RejectedRelation>,
    /// Fields this build does not know, written back as they were read.
    #[serde(skip)]
    pub unknown: super::Unknown,
}

/// Reads an annotation file's offset unit, which must be code points: the
/// other units exist only in other tools' formats.
fn code_points_only<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<OffsetUnit, D::Error> {
    match OffsetUnit::deserialize(deserializer)? {
        OffsetUnit::CodePoint => Ok(OffsetUnit::CodePoint),
        other => Err(serde::de::Error::unknown_variant(
            &format!("{other:?}"),
            &["CodePoint"],
        )),
    }
}

/// Just the version, read before the rest so that a newer file is reported
/// as newer rather than as malformed.
#[derive(Deserialize)]
struct VersionProbe {
    format_version: u32,
}

/// What can go wrong reading or writing an annotation file. Every variant
/// names the file; the messages say what to do. The message is the file
/// (with the line and column for a parse error) and then [`Self::problem`].
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{}: {}", path.display(), self.problem())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {}", path.display(), self.problem())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The text is not an annotation file; `line` and `column` are 1-based
    /// and `message` says what the reader expected there.
    #[error("{}:{line}:{column}: {}", path.display(), self.problem())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {}", path.display(), self.problem())]
    UnknownVersion { path: PathBuf, found: u32 },
}

impl StorageError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Read { path, .. }
            | Self::Write { path, .. }
            | Self::Parse { path, .. }
            | Self::UnknownVersion { path, .. } => path,
        }
    }

    /// The 1-based line and column where parsing stopped, for a parse error.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Parse { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }

    /// What is wrong and what to do, without the file and the position
    /// (which the error carries in its fields) and without the cause.
    pub fn problem(&self) -> String {
        match self {
            Self::Read { .. } => "cannot read".into(),
            Self::Write { .. } => "cannot write".into(),
            Self::Parse { message, .. } => format!(
                "{message}; fix the file by hand or restore it from version control (Sorot leaves it untouched)"
            ),
            Self::UnknownVersion { found, .. } => format!(
                "format version {found} is newer than this Sorot reads (up to {FORMAT_VERSION}); update Sorot to open it (the file is left untouched)"
            ),
        }
    }
}

/// `sha256:` followed by the lowercase hex SHA-256 of `bytes`.
pub fn fingerprint(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

impl AnnotationFile {
    /// The file's text: a comment line, then pretty RON with one span per line
    /// (the layout of `store::fast`).
    pub fn to_ron(&self) -> String {
        fast::write(self)
    }

    /// Reads an annotation file's text. `path` is used only in errors.
    pub fn parse(path: &Path, content: &str) -> Result<Self, StorageError> {
        let parse_error = |err: ron::error::SpannedError| StorageError::Parse {
            path: path.to_owned(),
            line: err.span.start.line,
            column: err.span.start.col,
            message: err.code.to_string(),
        };
        let unknown_version = |found| StorageError::UnknownVersion {
            path: path.to_owned(),
            found,
        };
        // The fast reader reads what Sorot writes and leaves the rest, and
        // every error, to the general one.
        let fast = fast::read(content);
        let fast_read = fast.is_some();
        let parsed = match fast {
            Some(file) => Ok(file),
            None => ron::from_str::<AnnotationFile>(content),
        };
        match parsed {
            Ok(file) if file.format_version == 0 || file.format_version > FORMAT_VERSION => {
                Err(unknown_version(file.format_version))
            }
            Ok(mut file) => {
                // Read by the general reader: fields this build does not know
                // are read too, to be written back. A file whose fields
                // cannot be kept so is not trusted with a save.
                if !fast_read {
                    file.unknown = super::unknown::read(content).ok_or_else(|| {
                        StorageError::Parse {
                            path: path.to_owned(),
                            line: 1,
                            column: 1,
                            message: "this file holds fields Sorot does not know, in a form it cannot keep through a save".into(),
                        }
                    })?;
                }
                Ok(file)
            }
            // A newer version is reported as such, even if its layout differs.
            Err(err) => match ron::from_str::<VersionProbe>(content) {
                Ok(probe) if probe.format_version == 0 || probe.format_version > FORMAT_VERSION => {
                    Err(unknown_version(probe.format_version))
                }
                _ => Err(parse_error(err)),
            },
        }
    }

    /// Reads and parses the file at `path`; also gives the bytes read.
    pub fn read(path: &Path) -> Result<(Self, Vec<u8>), StorageError> {
        let bytes = fs::read(path).map_err(|source| StorageError::Read {
            path: path.to_owned(),
            source,
        })?;
        let content = std::str::from_utf8(&bytes).map_err(|err| {
            let prefix = String::from_utf8_lossy(&bytes[..err.valid_up_to()]);
            StorageError::Parse {
                path: path.to_owned(),
                line: prefix.matches('\n').count() + 1,
                column: prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1,
                message: "the file is not UTF-8".into(),
            }
        })?;
        let file = Self::parse(path, content)?;
        Ok((file, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    use crate::model::markup;

    fn sample() -> AnnotationFile {
        let (_, mut spans) = markup::parse(
            "“[[Kim|actor] tiba \\| [Rabu (13/9/2023)|date]|claim]” [😊\r\n[Putin|actor]|claim]",
        )
        .unwrap();
        spans[1].note = "kutipan \"langsung\"".into();
        AnnotationFile {
            format_version: FORMAT_VERSION,
            source: "seeds/a.txt".into(),
            fingerprint: fingerprint(b"x"),
            offset_unit: OffsetUnit::CodePoint,
            annotator: "ayu".into(),
            status: Status::InProgress,
            spans,
            rejected: Vec::new(),
            relations: Vec::new(),
            rejected_relations: Vec::new(),
            unknown: Default::default(),
        }
    }

    #[test]
    fn writes_one_span_per_line_and_reads_it_back() {
        let file = sample();
        let ron = file.to_ron();
        let span_lines: Vec<&str> = ron
            .lines()
            .filter(|l| l.trim_start().starts_with("(id:"))
            .collect();
        assert_eq!(span_lines.len(), file.spans.len(), "{ron}");
        assert!(
            ron.contains("\\r\\n"),
            "line ends inside span texts are escaped: {ron}"
        );
        let back = AnnotationFile::parse(Path::new("a.ron"), &ron).unwrap();
        assert_eq!(back, file);
        assert_eq!(back.to_ron(), ron);
    }

    #[test]
    fn parse_errors_carry_line_and_column() {
        let ron = sample()
            .to_ron()
            .replacen("status: InProgress,", "status: Halfway,", 1);
        let err = AnnotationFile::parse(Path::new("ann/x.ron"), &ron).unwrap_err();
        let StorageError::Parse { line, column, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(*line, 8);
        assert!(*column > 1);
        assert!(err.to_string().starts_with("ann/x.ron:8:"), "{err}");
    }

    #[test]
    fn version_1_files_still_load_and_values_round_trip() {
        let mut file = sample();
        file.spans[2].value = "2023-09-13".into();
        let ron = file.to_ron();
        assert!(
            ron.contains("text: \"Rabu (13/9/2023)\", value: \"2023-09-13\")"),
            "{ron}"
        );
        assert_eq!(
            AnnotationFile::parse(Path::new("a.ron"), &ron).unwrap(),
            file
        );
        // A version 1 file has no values; it reads as it is.
        let old = sample()
            .to_ron()
            .replacen("format_version: 2,", "format_version: 1,", 1);
        let read = AnnotationFile::parse(Path::new("old.ron"), &old).unwrap();
        assert_eq!(read.format_version, 1);
        assert_eq!(read.spans, sample().spans);
    }

    #[test]
    fn newer_versions_are_named_as_such() {
        let ron = sample()
            .to_ron()
            .replacen("format_version: 2,", "format_version: 7,", 1);
        let err = AnnotationFile::parse(Path::new("x.ron"), &ron).unwrap_err();
        assert!(
            matches!(err, StorageError::UnknownVersion { found: 7, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("update Sorot"));
    }

    /// Annotation files that use every field, every status and every
    /// optional part present and absent, as the golden files hold them.
    fn golden() -> [(AnnotationFile, &'static str); 3] {
        let span = |id, start, end, label: &str, text: &str| {
            Span::new(id, start..end, label.into(), text.into())
        };
        let text = "“Kami akan membantu,” kata Putin 😊 Rabu\r\nlalu";
        let mut claim = span(1, 0, 21, "claim", "“Kami akan membantu,”");
        claim.note = "kutipan \"langsung\", 'tunggal' dan \\ garis\r\nbaris kedua\tlagi".into();
        claim.attributes.insert("stance".into(), "asserted".into());
        claim.attributes.insert("quote".into(), "yes".into());
        claim.notes = vec![
            crate::model::Note {
                kind: "Lemma".into(),
                text: "bantu".into(),
            },
            crate::model::Note {
                kind: "AnnotatorNotes".into(),
                text: "catatan kedua “kedua”".into(),
            },
        ];
        let mut putin = span(2, 27, 32, "actor", "Putin");
        putin.value = "Q7747".into();
        putin.resource = "Wikidata".into();
        putin.entry_name = "Vladimir Putin".into();
        let mut date = span(3, 35, 45, "date", "Rabu\r\nlalu");
        date.value = "2023-09-13".into();
        date.note = "😊 \u{0} \u{7f} \u{200b}".into();
        let header = |status, spans| AnnotationFile {
            format_version: FORMAT_VERSION,
            source: "texts/berita ke\u{301}dua.txt".into(),
            fingerprint: fingerprint(text.as_bytes()),
            offset_unit: OffsetUnit::CodePoint,
            annotator: "ayu".into(),
            status,
            spans,
            rejected: Vec::new(),
            relations: Vec::new(),
            rejected_relations: Vec::new(),
            unknown: Default::default(),
        };
        let mut full = header(Status::Done, vec![claim, putin, date]);
        full.rejected = vec![
            Rejected {
                start: 33,
                end: 34,
                label: "actor".into(),
            },
            Rejected {
                start: 35,
                end: 39,
                label: "date".into(),
            },
        ];
        full.relations = vec![Relation {
            from: 1,
            to: 2,
            kind: "source".into(),
        }];
        full.rejected_relations = vec![RejectedRelation {
            from_start: 0,
            from_end: 21,
            from_label: "claim".into(),
            to_start: 33,
            to_end: 34,
            to_label: "actor".into(),
            kind: "target “x”".into(),
        }];
        [
            (full, include_str!("testdata/full.ron")),
            (
                header(Status::InProgress, vec![span(1, 27, 32, "actor", "Putin")]),
                include_str!("testdata/started.ron"),
            ),
            (
                header(Status::NotStarted, Vec::new()),
                include_str!("testdata/not-started.ron"),
            ),
        ]
    }

    #[test]
    fn written_files_match_the_golden_files_byte_for_byte_and_read_back() {
        for (file, golden) in golden() {
            assert_eq!(file.to_ron(), golden);
            assert_eq!(
                AnnotationFile::parse(Path::new("g.ron"), golden).unwrap(),
                file
            );
            assert_eq!(ron::from_str::<AnnotationFile>(golden).unwrap(), file);
        }
    }

    #[test]
    fn errors_name_the_file_and_leave_the_cause_to_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.ron");
        let err = AnnotationFile::read(&missing).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: cannot read", missing.display())
        );
        assert_eq!(err.path(), missing);
        let cause = err.source().map(ToString::to_string).unwrap_or_default();
        assert!(
            !cause.is_empty() && !err.to_string().contains(&cause),
            "{cause}"
        );

        let ron = sample()
            .to_ron()
            .replacen("status: InProgress,", "status: Halfway,", 1);
        let err = AnnotationFile::parse(Path::new("ann/x.ron"), &ron).unwrap_err();
        let (line, column) = err.position().unwrap();
        assert_eq!(
            err.to_string(),
            format!("ann/x.ron:{line}:{column}: {}", err.problem())
        );
        assert!(err.problem().contains("fix the file by hand"), "{err}");
        assert!(err.source().is_none());
    }
}
