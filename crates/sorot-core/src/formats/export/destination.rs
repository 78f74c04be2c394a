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

use std::io;
use std::path::{Component, Path, PathBuf};

use super::ExportError;
use crate::project::Project;

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

/// An error if `resolved`, inside the resolved text folder `texts`, is one
/// of the project's texts.
fn check_not_a_text(
    project: &Project,
    texts: &Path,
    path: &Path,
    resolved: &Path,
) -> Result<(), ExportError> {
    let Ok(relative) = resolved.strip_prefix(texts) else {
        return Ok(());
    };
    match project.docs().iter().find(|d| Path::new(&d.id) == relative) {
        Some(doc) => Err(ExportError::OverText {
            path: path.to_owned(),
            id: doc.id.clone(),
        }),
        None => Ok(()),
    }
}

/// `path` with symbolic links followed and `.` and `..` taken out: the
/// longest part that exists is resolved by the file system, and the missing
/// rest (which holds no links) is added to it name by name.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut existing = if path.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        path.to_owned()
    };
    let mut missing = Vec::new();
    // Links followed by hand, for a link whose target does not exist yet.
    let mut hops = 0;
    let base = loop {
        match existing.canonicalize() {
            Ok(base) => break base,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                let parent = match existing.parent() {
                    Some(parent) if parent.as_os_str().is_empty() => PathBuf::from("."),
                    Some(parent) => parent.to_owned(),
                    None => return Err(err),
                };
                // A dangling link: the export goes to where it points.
                if let Ok(target) = std::fs::read_link(&existing) {
                    hops += 1;
                    if hops > MAX_LINKS {
                        return Err(io::Error::other("too many levels of symbolic links"));
                    }
                    existing = parent.join(target);
                    continue;
                }
                // `None` stands for `..`, taken out once the rest is known.
                match existing.components().next_back() {
                    Some(Component::Normal(name)) => missing.push(Some(name.to_owned())),
                    Some(Component::ParentDir) => missing.push(None),
                    Some(Component::CurDir) => {}
                    _ => return Err(err),
                }
                existing = parent;
            }
            Err(err) => return Err(err),
        }
    };
    let mut resolved = base;
    for part in missing.into_iter().rev() {
        match part {
            Some(name) => resolved.push(name),
            None => {
                resolved.pop();
            }
        }
    }
    Ok(resolved)
}

/// How many dangling links `resolve` follows before it gives up, as the
/// operating systems do.
const MAX_LINKS: usize = 40;

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn missing_parts_are_added_to_what_exists_without_dot_dot() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        assert_eq!(
            resolve(&dir.path().join("link/new/../“😊”.jsonl")).unwrap(),
            root.join("real/“😊”.jsonl")
        );
        assert_eq!(
            resolve(&dir.path().join("new/../../x")).unwrap(),
            root.parent().unwrap().join("x")
        );
        // A link to a file that does not exist yet resolves to that file.
        std::os::unix::fs::symlink("real/“😊”.csv", root.join("dangling")).unwrap();
        assert_eq!(
            resolve(&dir.path().join("dangling")).unwrap(),
            root.join("real/“😊”.csv")
        );
        // A loop of links is an error, not a hang.
        std::os::unix::fs::symlink("loop-b", root.join("loop-a")).unwrap();
        std::os::unix::fs::symlink("loop-a", root.join("loop-b")).unwrap();
        assert!(resolve(&dir.path().join("loop-a")).is_err());
    }
}
