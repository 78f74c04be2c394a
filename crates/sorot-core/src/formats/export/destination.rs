//! Where an export writes, checked before anything is written.
//!
//! Terms:
//! - **destination**: what the export is asked to write to: `-` for standard
//!   output, a file for a stream format, a folder for brat.
//! - **resolved path**: the destination with symbolic links followed and
//!   `.` and `..` taken out, also for the parts that do not exist yet. A link
//!   stays a link: the file it points to gets the export.
//! - **special file**: an existing destination that is neither a regular file
//!   nor a folder: a FIFO, a device such as `/dev/null`, a socket. The export
//!   is written into it directly, because renaming a new file over it (as an
//!   atomic write does) would replace the pipe or device with a regular file.
//!
//! An export never writes into the project's annotations folder, never over
//! one of the project's texts, and brat (which writes a `.txt` copy of each
//! text) never into the project's text folder, where its copies would become
//! texts of the project.

use std::path::{Path, PathBuf};

use super::ExportError;
use crate::project::Project;
use crate::project::paths::resolve;

/// A checked destination.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Destination {
    /// Standard output.
    Stdout,
    /// A regular file, new or replaced atomically, at its resolved path.
    File(PathBuf),
    /// A special file, written into directly.
    Special(PathBuf),
    /// brat's folder, at its resolved path.
    Folder(PathBuf),
}

/// Checks `destination` for an export of `project` that writes a folder
/// (`folder`) or one stream.
pub(super) fn check(
    project: &Project,
    destination: &Path,
    folder: bool,
) -> Result<Destination, ExportError> {
    if destination == Path::new("-") {
        return if folder {
            Err(ExportError::NeedsFolder("brat"))
        } else {
            Ok(Destination::Stdout)
        };
    }
    let io_error = |source| ExportError::Io {
        path: destination.to_owned(),
        source,
    };
    let resolved = resolve(destination).map_err(io_error)?;
    let annotations = resolve(&project.annotation_dir()).map_err(io_error)?;
    if resolved.starts_with(&annotations) {
        return Err(ExportError::IntoAnnotations {
            path: destination.to_owned(),
            annotations: project.annotation_dir(),
        });
    }
    let texts = resolve(&project.text_dir()).map_err(io_error)?;
    if folder {
        if resolved.starts_with(&texts) {
            return Err(ExportError::FolderAmongTexts {
                path: destination.to_owned(),
                texts: project.text_dir(),
            });
        }
        return Ok(Destination::Folder(resolved));
    }
    check_not_a_text(project, &texts, destination, &resolved)?;
    match std::fs::metadata(&resolved) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => Ok(Destination::Special(resolved)),
        _ => Ok(Destination::File(resolved)),
    }
}

/// Checks a file written beside a stream output (a labeling config, tag
/// names): it must not be one of the project's texts or land in its
/// annotations folder either. Gives a [`Destination::File`] or a
/// [`Destination::Special`].
pub(super) fn check_beside(project: &Project, path: &Path) -> Result<Destination, ExportError> {
    check(project, path, false)
}

/// An error if `resolved` is one of the project's texts (also through a
/// link, either way), or a new `.txt` in the text folder `texts`, which
/// would become a text of the project.
fn check_not_a_text(
    project: &Project,
    texts: &Path,
    path: &Path,
    resolved: &Path,
) -> Result<(), ExportError> {
    let same = |doc: &crate::project::DocEntry| {
        resolved
            .strip_prefix(texts)
            .is_ok_and(|relative| Path::new(&doc.id) == relative)
            || resolve(&doc.path).is_ok_and(|text| text == resolved)
    };
    if let Some(doc) = project.docs().iter().find(|doc| same(doc)) {
        return Err(ExportError::OverText {
            path: path.to_owned(),
            id: doc.id.clone(),
        });
    }
    let listed = resolved.strip_prefix(texts).is_ok_and(|relative| {
        relative
            .components()
            .all(|c| !c.as_os_str().to_string_lossy().starts_with('.'))
            && !resolved.starts_with(resolve(&project.annotation_dir()).unwrap_or_default())
    });
    if listed && resolved.extension().is_some_and(|e| e == "txt") {
        return Err(ExportError::NewText {
            path: path.to_owned(),
            texts: project.text_dir(),
        });
    }
    Ok(())
}
