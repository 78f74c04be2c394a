//! The journal of a batch's renames: a batch cut short (the process killed,
//! the machine stopped) is finished by the next Sorot writer.
//!
//! Terms:
//! - **journal** ([`JOURNAL_FILE`] in the annotations folder): the renames a
//!   batch's commit is about to make, in order (a text's before the
//!   annotation files that point into it), and the emptied temporary folders
//!   to remove after them. It is written, flushed, once every staged file is
//!   on disk and before the first rename, and removed after the last. While
//!   it is there, its writer holds the write lock ([`super::lock`]).
//! - **cut batch**: a journal that is there while nobody holds the write
//!   lock: its writer stopped between its first and its last rename, so
//!   some of its files are in place and the others wait, whole and flushed,
//!   under their temporary names.
//! - **finishing** ([`finish`]): making the cut batch's remaining renames, in
//!   order, then removing the journal. A rename whose temporary file is gone
//!   was made before the cut. So a cut import ends as if it had not been cut:
//!   all of its files in place.
//!
//! Paths are written absolute, so that the journal is read the same from any
//! current folder.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic::{folder_of, sync_folder};
use super::lock::WriteLock;
use super::{StorageError, write_atomic};

/// The journal's name in the annotations folder.
pub const JOURNAL_FILE: &str = ".sorot-journal";

/// A batch's renames, written before the first of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Journal {
    /// (from, to), in the order they are made.
    pub renames: Vec<(PathBuf, PathBuf)>,
    /// Temporary folders that the renames empty, removed after them.
    pub emptied: Vec<PathBuf>,
}

impl Journal {
    /// Writes the journal at `path`, flushed, before the renames begin.
    pub(super) fn write(&self, path: &Path) -> Result<(), StorageError> {
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).map_err(|err| {
                StorageError::Write {
                    path: path.to_owned(),
                    source: std::io::Error::other(err),
                }
            })?;
        write_atomic(path, text.as_bytes())
    }

    /// Removes the journal once every rename is made.
    pub(super) fn remove(path: &Path) {
        if fs::remove_file(path).is_ok() {
            sync_folder(folder_of(path));
        }
    }
}

/// A cut batch found in a project, before it is finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutBatch {
    /// The journal.
    pub journal: PathBuf,
    /// How many of its renames were made before the cut.
    pub made: usize,
    /// How many it has in all.
    pub renames: usize,
}

/// What [`finish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// How many files (or folders) it put in place.
    pub put_in_place: usize,
    /// How many the cut batch had put in place itself.
    pub already: usize,
}

impl std::fmt::Display for Finished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an import that was cut short is now finished: {} of its {} were put in place now, the rest had been before it stopped",
            self.put_in_place,
            crate::counted(self.put_in_place + self.already, "file")
        )
    }
}

/// The cut batch of the annotations folder `annotations`, if there is one:
/// a journal whose writer no longer holds the write lock. A batch at work
/// (its writer holds the lock) is not cut and gives `None`.
pub fn cut_batch(annotations: &Path) -> Result<Option<CutBatch>, StorageError> {
    let path = annotations.join(JOURNAL_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let Some(_lock) = WriteLock::try_acquire(annotations)? else {
        return Ok(None);
    };
    let Some(journal) = read(&path)? else {
        return Ok(None);
    };
    let made = journal
        .renames
        .iter()
        .filter(|(from, _)| from.symlink_metadata().is_err())
        .count();
    Ok(Some(CutBatch {
        journal: path,
        made,
        renames: journal.renames.len(),
    }))
}

/// Finishes the cut batch of `annotations`, if there is one, under the
/// write lock (waiting for a writer at work, whose journal is then gone).
pub fn finish(annotations: &Path) -> Result<Option<Finished>, StorageError> {
    if !annotations.join(JOURNAL_FILE).exists() {
        return Ok(None);
    }
    let lock = WriteLock::acquire(annotations)?;
    finish_with(annotations, &lock)
}

/// [`finish`] for a caller that holds the write lock already.
pub fn finish_with(
    annotations: &Path,
    _held: &WriteLock,
) -> Result<Option<Finished>, StorageError> {
    let path = annotations.join(JOURNAL_FILE);
    let Some(journal) = read(&path)? else {
        return Ok(None);
    };
    finish_held(&path, &journal).map(Some)
}

/// The temporary files and folders that the cut batch of `annotations`
/// (if any) will put in place or remove: not leftovers of their own.
pub fn named_by_cut_batch(annotations: &Path) -> Vec<PathBuf> {
    match read(&annotations.join(JOURNAL_FILE)) {
        Ok(Some(journal)) => journal
            .renames
            .into_iter()
            .map(|(from, _)| from)
            .chain(journal.emptied)
            .collect(),
        _ => Vec::new(),
    }
}

/// Finishes `journal` (at `path`) while the write lock is held.
fn finish_held(path: &Path, journal: &Journal) -> Result<Finished, StorageError> {
    let mut finished = Finished {
        put_in_place: 0,
        already: 0,
    };
    let mut changed = std::collections::BTreeSet::new();
    for (from, to) in &journal.renames {
        if from.symlink_metadata().is_err() {
            finished.already += 1;
            continue;
        }
        let write_error = |source| StorageError::Write {
            path: to.clone(),
            source,
        };
        fs::create_dir_all(folder_of(to)).map_err(write_error)?;
        // A folder goes in place only where there is none: one made there
        // since the cut (by a save) is not replaced, and is reported.
        if from.is_dir() {
            super::batch::rename_new_folder(from, to).map_err(write_error)?;
        } else {
            fs::rename(from, to).map_err(write_error)?;
        }
        changed.insert(folder_of(to).to_owned());
        finished.put_in_place += 1;
    }
    for folder in &changed {
        sync_folder(folder);
    }
    for folder in &journal.emptied {
        super::batch::remove_empty_folders(folder);
    }
    Journal::remove(path);
    Ok(finished)
}

/// Reads the journal at `path`; `None` if it went meanwhile.
fn read(path: &Path) -> Result<Option<Journal>, StorageError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StorageError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    ron::from_str(&text)
        .map(Some)
        .map_err(|err| StorageError::Parse {
            path: path.to_owned(),
            line: err.span.start.line,
            column: err.span.start.col,
            message: err.code.to_string(),
        })
}
