//! Atomic writes of single files, and the temporary files they go through.
//!
//! Terms:
//! - **atomic write** ([`write_atomic`]): the new content goes to a
//!   **temporary file** in the same folder (named `.sorot-XXXXXX.tmp`, see
//!   [`TEMP_PREFIX`]), is flushed to disk, then renamed over the old file,
//!   and the folder is flushed so that the rename lasts. A crash leaves
//!   either the old file or the new one, never a mix; a leftover temporary
//!   file is all a crash can add.
//! - **folder of a path**: its parent folder, and the current folder (`.`)
//!   for a bare file name.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::StorageError;

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed to disk, renamed over `path`, and the folder flushed too. Creates
/// missing parent folders. On error the old file, if any, is unchanged.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// [`write_atomic`] with the content produced by `write`, for large outputs
/// that are streamed. If `write` fails, the temporary file is removed and the
/// old file is unchanged.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), StorageError> {
    write_atomic_named(path, TEMP_PREFIX, write)
}

/// [`write_atomic_with`] for an output that is not the project's (an
/// export, a suggestions file): its temporary file is named
/// `.sorot-output-XXXXXX.tmp` ([`OUTPUT_TEMP_PREFIX`]), so that
/// `validate --repair`, which removes the leftovers of the project's own
/// writes, never takes it for one, even in a project whose text folder is
/// where the output goes.
pub fn write_output_with(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), StorageError> {
    write_atomic_named(path, OUTPUT_TEMP_PREFIX, write)
}

/// [`write_output_with`] of `bytes`.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    write_output_with(path, |file| file.write_all(bytes))
}

fn write_atomic_named(
    path: &Path,
    prefix: &str,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> Result<(), StorageError> {
    let write_error = |source| StorageError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = folder_of(path);
    fs::create_dir_all(dir).map_err(write_error)?;
    let temp = temp_file_named(path, prefix, write).map_err(write_error)?;
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|err| write_error(err.error))?;
    sync_folder(dir);
    Ok(())
}

/// The folder a file goes in: its parent, or the current folder.
pub(super) fn folder_of(path: &Path) -> &Path {
    path.parent().map_or(Path::new("."), as_folder)
}

/// A folder's path as it is named: the current folder for an empty path.
pub(super) fn as_folder(folder: &Path) -> &Path {
    if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    }
}

/// How the temporary files of atomic writes and the temporary folders of
/// batch writes are named: `.sorot-XXXXXX.tmp`.
pub const TEMP_PREFIX: &str = ".sorot-";
pub const TEMP_SUFFIX: &str = ".tmp";
/// How the temporary files of outputs that are not the project's are named:
/// `.sorot-output-XXXXXX.tmp`.
pub const OUTPUT_TEMP_PREFIX: &str = ".sorot-output-";

/// A temporary file beside `path` (whose folder exists) holding what `write`
/// wrote, flushed to disk.
pub(super) fn flushed_temp_file(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let temp = temp_file(path, write)?;
    temp.as_file().sync_all()?;
    Ok(temp)
}

/// A temporary file beside `path` (whose folder exists) holding what `write`
/// wrote, not yet flushed.
pub(super) fn temp_file(
    path: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> std::io::Result<tempfile::NamedTempFile> {
    temp_file_named(path, TEMP_PREFIX, write)
}

/// [`temp_file`] named with `prefix`.
fn temp_file_named(
    path: &Path,
    prefix: &str,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(TEMP_SUFFIX);
    // The new file keeps the old one's permissions; a new file is readable
    // by all (the temporary file alone would be private to its owner).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let mut temp = builder.tempfile_in(folder_of(path))?;
    write(temp.as_file_mut())?;
    Ok(temp)
}

/// Makes renames in `folder` durable; a failure here leaves correct files.
pub(super) fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ayu/a.txt.ron");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("ayu"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_readable_by_all_or_keep_their_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt.ron");
        write_atomic(&path, b"one").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o644
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt.ron");
        write_atomic(&path, b"old content").unwrap();
        let result = write_atomic_with(&path, |file| {
            file.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(matches!(result, Err(StorageError::Write { .. })));
        assert_eq!(fs::read(&path).unwrap(), b"old content");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "the temporary file is gone"
        );
    }
}
