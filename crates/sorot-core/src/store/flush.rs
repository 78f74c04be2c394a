//! Flushing whole file systems at once, for batch writes.
//!
//! Terms:
//! - **whole flush**: one `syncfs` per file system a batch writes to,
//!   instead of one flush per file.
//!
//! `syncfs` flushes every file of a file system and, since Linux 5.8,
//! reports a write that failed since the file it is called on was opened
//! (since 5.17 also a failed commit of the file system itself). It is used
//! only where that holds: Linux 5.17 or later, every folder readable, and no
//! FUSE file system (where `syncfs` may not reach the server). The report
//! covers the whole file system, so another program's failed write during
//! the batch also fails the batch, which then changes nothing; and the flush
//! waits for everything pending on the file system, not only the batch.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::StorageError;

/// One open folder on each file system a batch writes to.
#[cfg(target_os = "linux")]
pub(super) struct FileSystems(Vec<(std::fs::File, std::path::PathBuf)>);

/// Never made: there is no whole-file-system flush here.
#[cfg(not(target_os = "linux"))]
#[allow(dead_code)]
pub(super) struct FileSystems;

/// The file systems of `folders`, if they can be flushed whole.
#[cfg(target_os = "linux")]
pub(super) fn open(folders: &BTreeSet<PathBuf>) -> Option<FileSystems> {
    use std::os::unix::fs::MetadataExt;
    /// `f_type` of FUSE file systems.
    const FUSE_SUPER_MAGIC: u64 = 0x6573_5546;
    if !kernel_reports_errors() {
        return None;
    }
    let mut by_device = std::collections::BTreeMap::new();
    for folder in folders {
        let dir = std::fs::File::open(folder).ok()?;
        let device = dir.metadata().ok()?.dev();
        if let std::collections::btree_map::Entry::Vacant(entry) = by_device.entry(device) {
            let kind = rustix::fs::fstatfs(&dir).ok()?.f_type;
            #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
            if u64::try_from(kind).ok()? == FUSE_SUPER_MAGIC {
                return None;
            }
            entry.insert((dir, folder.to_path_buf()));
        }
    }
    Some(FileSystems(by_device.into_values().collect()))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn open(_folders: &BTreeSet<PathBuf>) -> Option<FileSystems> {
    None
}

/// Whether this kernel's `syncfs` reports failed writes: 5.17 or later.
#[cfg(target_os = "linux")]
fn kernel_reports_errors() -> bool {
    static REPORTS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *REPORTS.get_or_init(|| {
        let uname = rustix::system::uname();
        let release = uname.release().to_string_lossy();
        release_at_least(&release, (5, 17))
    })
}

/// Whether a kernel release such as `6.1.0-13-amd64` is `least` or later.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(super) fn release_at_least(release: &str, least: (u32, u32)) -> bool {
    let mut numbers = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<u32>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= least,
        _ => false,
    }
}

impl FileSystems {
    /// Flushes every file system to disk; an error names a folder on the
    /// file system that could not be flushed.
    #[cfg(target_os = "linux")]
    pub(super) fn flush(&self) -> Result<(), StorageError> {
        for (dir, folder) in &self.0 {
            rustix::fs::syncfs(dir).map_err(|err| StorageError::Write {
                path: folder.clone(),
                source: err.into(),
            })?;
        }
        Ok(())
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn flush(&self) -> Result<(), StorageError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::release_at_least;

    #[test]
    fn kernel_releases_compare_by_major_and_minor() {
        assert!(release_at_least("6.18.44-fc-v669", (5, 17)));
        assert!(release_at_least("5.17.0", (5, 17)));
        assert!(!release_at_least("5.10.0-26-amd64", (5, 17)));
        assert!(!release_at_least("4.18.0-513.el8.x86_64", (5, 17)));
        assert!(!release_at_least("unknown", (5, 17)));
    }
}
