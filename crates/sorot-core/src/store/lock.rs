//! The project's write lock: Sorot's writers never interleave.
//!
//! Terms:
//! - **write lock** ([`WriteLock`]): an advisory lock on the file
//!   [`LOCK_FILE`] in the annotations folder. Every Sorot writer of a
//!   project holds it from the moment it looks at what is on disk to the
//!   moment its renames are done: a workbench save from its check that the
//!   file is still the one it read to its rename, an import from its first
//!   staged file to its last rename. So a save never renames over a file an
//!   import put in place after the save's check (the save finds the change
//!   and asks), and leftovers of a writer that was killed can be told from a
//!   writer at work: nobody holds the lock then.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on
//! Windows): it goes when its holder's process ends, however it ends. It
//! binds Sorot's writers only; a writer outside Sorot (git, an editor) is
//! found by the save's check instead.

use std::fs;
use std::path::{Path, PathBuf};

use super::StorageError;

/// The lock file's name in the annotations folder. It starts with `.`, so
/// the project never takes it for an annotator's folder or a text.
pub const LOCK_FILE: &str = ".sorot-lock";

/// A held write lock; released when dropped.
#[derive(Debug)]
pub struct WriteLock {
    file: fs::File,
    path: PathBuf,
}

impl WriteLock {
    /// Takes the write lock of the annotations folder `annotations`, waiting
    /// for another writer to finish. Makes the folder if it is missing.
    pub fn acquire(annotations: &Path) -> Result<WriteLock, StorageError> {
        let (file, path) = open(annotations)?;
        match file.lock() {
            Ok(()) => Ok(WriteLock { file, path }),
            Err(source) => Err(StorageError::Write { path, source }),
        }
    }

    /// Takes the write lock if no other writer holds it; `None` if one does.
    pub fn try_acquire(annotations: &Path) -> Result<Option<WriteLock>, StorageError> {
        let (file, path) = open(annotations)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(WriteLock { file, path })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(source)) => Err(StorageError::Write { path, source }),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Opens (or makes) the lock file of `annotations`, and the folder.
fn open(annotations: &Path) -> Result<(fs::File, PathBuf), StorageError> {
    let path = annotations.join(LOCK_FILE);
    let opened = fs::create_dir_all(annotations).and_then(|()| {
        fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
    });
    match opened {
        Ok(file) => Ok((file, path)),
        Err(source) => Err(StorageError::Write { path, source }),
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_at_a_time_and_the_lock_goes_with_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let annotations = dir.path().join("annotations");
        let held = WriteLock::acquire(&annotations).unwrap();
        assert!(annotations.join(LOCK_FILE).is_file());
        assert!(WriteLock::try_acquire(&annotations).unwrap().is_none());
        drop(held);
        let again = WriteLock::try_acquire(&annotations).unwrap();
        assert!(again.is_some());
    }
}
