//! Batch writes: many atomic writes whose waits for the disk are shared.
//!
//! Terms:
//! - **batch** ([`Batch`]): the files of one command (an import, say),
//!   written so that a failure changes none of them.
//! - **staged** ([`Staged`]): a file's content written where it waits, not
//!   yet in place. Each file is staged as soon as its content is made, from
//!   any thread.
//! - **commit** ([`Batch::commit`]): the staged content is flushed (all at
//!   once where whole file systems can be flushed),
//!   then the files are put in place and that flushed, in **waves**: a
//!   text goes in a wave before the annotation files that point into it.
//! - **new folder**: the outermost missing folder a batch writes into, with
//!   the folders below it. It is built under a temporary name
//!   (`.sorot-XXXXXX.tmp`) beside where it goes, its files under their own
//!   names. If all its files are in one wave it is renamed into place whole,
//!   one rename instead of one per file; otherwise it is made where it goes
//!   and its files are moved there one by one with their waves.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::StorageError;
use super::atomic::{
    TEMP_PREFIX, TEMP_SUFFIX, as_folder, flushed_temp_file, folder_of, sync_folder, temp_file,
};
use super::flush;
use super::journal::Journal;

/// Threads that stage a batch where each file is flushed on its own: most of
/// their time goes to waiting for the disk, and the file system commits the
/// flushes of waiting threads together.
const BATCH_THREADS: usize = 64;

/// The process's one pool for staging files that are each flushed on their
/// own, with threads named `sorot-flush-N`; built the first time a batch
/// needs it and kept for the life of the process. `None` where its threads
/// could not be started (staging then runs on the caller's pool).
fn flush_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(BATCH_THREADS)
            .thread_name(|n| format!("sorot-flush-{n}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// A batch of atomic writes: each file is **staged**, from any thread and
/// while other files' content is still being made, and then the batch is
/// **committed**: the staged content is flushed to disk, then put in place
/// and the change flushed, in waves (see [`Batch::commit`]).
///
/// A file whose folder exists is staged as a temporary file beside its path
/// and renamed over it at commit. A folder that does not exist yet is a
/// **new folder**: it is built as a temporary folder (`.sorot-XXXXXX.tmp`)
/// beside where it goes, its files are written there under their own names,
/// and at commit the whole folder is renamed into place (one rename for all
/// its files, and nobody sees it half written) unless its files are in
/// different waves (see [`Batch::commit`]).
///
/// Where the file systems can flush whole file systems with errors reported
/// (Linux 5.17 and later, local file systems), one `syncfs` per file system
/// flushes every staged file at once. Elsewhere each file is flushed as it is
/// staged, and the folders each wave changed after that wave; [`Batch::run`] then gives the
/// staging many threads, since most of their time is waiting for the disk.
///
/// If any content cannot be staged or flushed, nothing is changed: dropping
/// a staged file removes it, and dropping a batch that was not committed
/// removes its new folders with all that is in them. A later failure (a
/// rename) leaves each file either old or new.
pub struct Batch {
    /// The folders the batch writes to, each with the number of the new
    /// folder it is or is in, if any.
    folders: BTreeMap<PathBuf, Option<usize>>,
    /// The outermost folders the batch makes, built under temporary names.
    new: Vec<NewFolder>,
    /// Opened before anything is staged, so that a flush of the whole file
    /// system reports every write of the batch that fails.
    whole: Option<flush::FileSystems>,
    /// Where staging runs when each file is flushed on its own.
    pool: Option<&'static rayon::ThreadPool>,
    /// Where the commit writes its journal, if it keeps one.
    journal: Option<PathBuf>,
}

/// A folder that did not exist, with everything below it: built at `temp`,
/// in the same parent folder as `path`, and renamed to `path` at commit if
/// its files are all in one wave; otherwise its files are moved to their
/// paths one by one and it is removed.
struct NewFolder {
    path: PathBuf,
    temp: tempfile::TempDir,
}

/// A file's content, written and not yet in place.
pub struct Staged {
    path: PathBuf,
    place: Place,
}

/// Where a staged file waits for the commit.
enum Place {
    /// A temporary file beside its path, renamed over it.
    Beside(tempfile::TempPath),
    /// Under its own name in the batch's new folder number `folder`.
    New { folder: usize, file: NewFile },
}

/// A file written in a new folder; removed if dropped before the commit
/// takes it.
struct NewFile(Option<PathBuf>);

impl NewFile {
    /// Where the file is, no longer removed on drop.
    fn take(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for NewFile {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = fs::remove_file(path);
        }
    }
}

impl Batch {
    /// A batch that writes files into `folders`; those missing are made as,
    /// or inside, new folders.
    pub fn new<'a>(folders: impl IntoIterator<Item = &'a Path>) -> Result<Batch, StorageError> {
        Self::open(folders, true)
    }

    /// [`Batch::new`]; `whole` false flushes each file on its own even where
    /// whole file systems could be flushed.
    fn open<'a>(
        folders: impl IntoIterator<Item = &'a Path>,
        whole: bool,
    ) -> Result<Batch, StorageError> {
        let mut batch = Batch {
            // A bare file name's folder is the current folder.
            folders: folders
                .into_iter()
                .map(|f| (as_folder(f).to_owned(), None))
                .collect(),
            new: Vec::new(),
            whole: None,
            pool: None,
            journal: None,
        };
        let write_error = |path: &Path| {
            let path = path.to_owned();
            move |source| StorageError::Write { path, source }
        };
        for (folder, in_new) in &mut batch.folders {
            // The outermost missing folder on the way to `folder`, if any.
            let missing = folder
                .ancestors()
                .take_while(|f| !f.as_os_str().is_empty() && !f.exists())
                .last();
            let Some(top) = missing else {
                // It exists; it must be a folder.
                fs::create_dir_all(folder).map_err(write_error(folder))?;
                continue;
            };
            let n = match batch.new.iter().position(|new| new.path == top) {
                Some(n) => n,
                None => {
                    let mut builder = tempfile::Builder::new();
                    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
                    // As any folder made: open to all, as far as the umask lets.
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        builder.permissions(fs::Permissions::from_mode(0o777));
                    }
                    let temp = builder
                        .tempdir_in(folder_of(top))
                        .map_err(write_error(top))?;
                    batch.new.push(NewFolder {
                        path: top.to_owned(),
                        temp,
                    });
                    batch.new.len() - 1
                }
            };
            *in_new = Some(n);
            fs::create_dir_all(batch.new[n].located(folder)).map_err(write_error(folder))?;
        }
        if whole {
            let located = batch
                .folders
                .iter()
                .map(|(folder, in_new)| match in_new {
                    Some(n) => batch.new[*n].located(folder),
                    None => folder.clone(),
                })
                .collect();
            batch.whole = flush::open(&located);
        }
        if batch.whole.is_none() {
            batch.pool = flush_pool();
        }
        Ok(batch)
    }

    /// Makes the commit keep a journal at `path` (see [`super::journal`]):
    /// written before the first rename and removed after the last, so that
    /// a commit cut short is finished by the next writer.
    pub fn with_journal(mut self, path: &Path) -> Batch {
        self.journal = Some(std::path::absolute(path).unwrap_or_else(|_| path.to_owned()));
        self
    }

    /// Runs `work`, which stages files in parallel, where staging goes
    /// fastest: on many threads when each file is flushed as it is staged.
    pub fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }

    /// Writes `bytes` for `path`, whose folder is one of the batch's: to a
    /// temporary file beside it, or under its own name in a new folder;
    /// flushed to disk unless the whole file system is flushed at commit.
    pub fn stage(&self, path: &Path, bytes: &[u8]) -> Result<Staged, StorageError> {
        let in_new = self.folders.get(folder_of(path));
        debug_assert!(
            in_new.is_some(),
            "{} is in none of the batch's folders",
            path.display()
        );
        let flush = self.whole.is_none();
        let write_error = |source| StorageError::Write {
            path: path.to_owned(),
            source,
        };
        let place = match in_new.copied().flatten() {
            Some(folder) => {
                let at = self.new[folder].located(path);
                write_new(&at, bytes, flush).map_err(write_error)?;
                Place::New {
                    folder,
                    file: NewFile(Some(at)),
                }
            }
            None => {
                let content = |file: &mut fs::File| file.write_all(bytes);
                let temp = if flush {
                    flushed_temp_file(path, content)
                } else {
                    temp_file(path, content)
                };
                Place::Beside(temp.map_err(write_error)?.into_temp_path())
            }
        };
        Ok(Staged {
            path: path.to_owned(),
            place,
        })
    }

    /// Puts every staged file in place, a wave at a time. The staged content
    /// is flushed to disk; then for each wave, its files are put in place
    /// and the change is flushed. So no file of a wave is in place, even
    /// after a crash, before every file of the waves before it: an
    /// annotation file goes in a wave after its text's.
    ///
    /// Files beside their paths are renamed side by side (renames in one
    /// folder wait for each other, renames in different folders need not).
    /// A new folder whose files are all in one wave is renamed into place
    /// with that wave (with the last wave if it has none). One with files of
    /// several waves is made where it goes as its files need it, and they
    /// are moved there one by one with their waves; if the commit fails,
    /// what of it is still empty is removed again.
    ///
    /// Every staged file belongs in `waves`: a file in a new folder that is
    /// left out but still alive goes in place with its folder if that is
    /// renamed whole, and is lost if it is filled file by file. With no waves
    /// at all, nothing is put in place.
    pub fn commit(self, waves: Vec<Vec<Staged>>) -> Result<(), StorageError> {
        let Batch {
            new,
            whole,
            journal,
            ..
        } = self;
        if let Some(file_systems) = &whole {
            file_systems.flush()?;
        }
        let last = waves.len().saturating_sub(1);
        // The wave each new folder goes in place with, if it goes whole.
        let mut waves_of = vec![BTreeSet::new(); new.len()];
        for (n, wave) in waves.iter().enumerate() {
            for staged in wave {
                if let Place::New { folder, .. } = &staged.place {
                    waves_of[*folder].insert(n);
                }
            }
        }
        let whole_with: Vec<Option<usize>> = waves_of
            .iter()
            .map(|waves| match waves.len() {
                0 => Some(last),
                1 => waves.first().copied(),
                _ => None,
            })
            .collect();
        let split: Vec<PathBuf> = new
            .iter()
            .zip(&whole_with)
            .filter(|(_, with)| with.is_none())
            .map(|(new, _)| new.path.clone())
            .collect();
        let cut = cut::take(journal.is_some());
        if let Some(path) = &journal {
            if cut == Some(Cut::BeforeJournal) {
                return cut::leave(waves, new);
            }
            journal_of(&waves, &new, &whole_with).write(path)?;
        }
        let made = std::sync::atomic::AtomicUsize::new(0);
        // Whether the rename that would be the next may be made.
        let may_rename = || match cut {
            Some(Cut::AfterRenames(n)) => {
                made.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < n
            }
            _ => true,
        };
        let mut new: Vec<Option<NewFolder>> = new.into_iter().map(Some).collect();
        let mut waves = waves.into_iter().enumerate();
        let mut put = || -> Result<(), StorageError> {
            for (n, wave) in waves.by_ref() {
                let mut changed = match whole {
                    Some(_) => BTreeSet::new(),
                    None => changed_folders(&wave, &new, &whole_with),
                };
                wave.into_par_iter()
                    .try_for_each(|Staged { path, place }| {
                        if !may_rename() {
                            // Cut here: left as a killed process leaves it.
                            std::mem::forget(place);
                            return Ok(());
                        }
                        match place {
                            Place::Beside(temp) => {
                                temp.persist(&path).map(drop).map_err(|e| e.error)
                            }
                            // It goes with its folder.
                            Place::New { folder, file } if whole_with[folder].is_some() => {
                                file.take();
                                Ok(())
                            }
                            Place::New { file, .. } => fs::create_dir_all(folder_of(&path))
                                .and_then(|()| fs::rename(file.take(), &path)),
                        }
                        .map_err(|source| StorageError::Write { path, source })
                    })?;
                for (folder, with) in new.iter_mut().zip(&whole_with) {
                    if *with != Some(n) {
                        continue;
                    }
                    if !may_rename() {
                        continue;
                    }
                    let Some(NewFolder { path, temp }) = folder.take() else {
                        continue;
                    };
                    if whole.is_none() {
                        sync_folders_below(temp.path());
                        changed.insert(folder_of(&path).to_owned());
                    }
                    rename_new_folder(temp.path(), &path)
                        .map_err(|source| StorageError::Write { path, source })?;
                    // It is in place: nothing to remove any more.
                    let _ = temp.keep();
                }
                // The change is made durable. A failure before the last wave
                // stops the commit, so that no later file lands before them;
                // a failure after the last leaves correct files.
                match &whole {
                    Some(file_systems) if n < last => file_systems.flush()?,
                    Some(file_systems) => {
                        let _ = file_systems.flush();
                    }
                    None => {
                        for folder in &changed {
                            sync_folder(folder);
                        }
                    }
                }
            }
            Ok(())
        };
        let done = put();
        if cut.is_some() {
            let rest: Vec<Vec<Staged>> = waves.map(|(_, wave)| wave).collect();
            return cut::leave(rest, new.into_iter().flatten().collect());
        }
        if done.is_err() {
            for folder in &split {
                remove_empty_folders(folder);
            }
        }
        if let Some(path) = &journal {
            // Made or failed, the renames are over: nothing is left to finish.
            Journal::remove(path);
        }
        done
    }
}

/// The renames `commit` makes, in order, with the temporary folders they
/// empty: a file beside its path, a file of a new folder filled file by
/// file, a new folder renamed whole after the files of its wave.
fn journal_of(waves: &[Vec<Staged>], new: &[NewFolder], whole_with: &[Option<usize>]) -> Journal {
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut journal = Journal::default();
    for (n, wave) in waves.iter().enumerate() {
        for Staged { path, place } in wave {
            let from = match place {
                Place::Beside(temp) => temp.to_path_buf(),
                Place::New { folder, file } if whole_with[*folder].is_none() => {
                    file.0.clone().unwrap_or_default()
                }
                Place::New { .. } => continue,
            };
            journal.renames.push((absolute(&from), absolute(path)));
        }
        for (folder, with) in new.iter().zip(whole_with) {
            if *with == Some(n) {
                journal
                    .renames
                    .push((absolute(folder.temp.path()), absolute(&folder.path)));
            }
        }
    }
    for (folder, with) in new.iter().zip(whole_with) {
        if with.is_none() {
            journal.emptied.push(absolute(folder.temp.path()));
        }
    }
    journal
}

/// Where a test cuts the next commit that keeps a journal, as if its process
/// were killed there (`testing::cut_next_commit`, with the `testing` feature).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Every file staged and flushed, before the journal is written.
    BeforeJournal,
    /// After this many renames (all of them: before the journal is removed).
    AfterRenames(usize),
}

pub(crate) mod cut {
    use super::{Cut, NewFolder, Staged, StorageError};
    use std::sync::Mutex;

    /// The cut of the next commit that keeps a journal.
    pub(crate) static NEXT: Mutex<Option<Cut>> = Mutex::new(None);

    /// The cut for this commit, taken so that it happens once.
    pub(super) fn take(journaled: bool) -> Option<Cut> {
        if !journaled {
            return None;
        }
        NEXT.lock().ok().and_then(|mut next| next.take())
    }

    /// Leaves the staged files and new folders where they are, as a killed
    /// process leaves them, and says the commit was cut.
    pub(super) fn leave(waves: Vec<Vec<Staged>>, new: Vec<NewFolder>) -> Result<(), StorageError> {
        std::mem::forget(waves);
        std::mem::forget(new);
        Err(StorageError::Write {
            path: std::path::PathBuf::new(),
            source: std::io::Error::other("cut by a test"),
        })
    }
}

/// The folders whose entries a wave changes, where each is flushed on its
/// own: the folder of each file renamed beside its path, and every folder
/// up to the one above its new folder for a file moved out of a new folder
/// that goes in place file by file. (For a new folder renamed whole,
/// `commit` flushes its folders just before the rename and the folder above
/// it after the wave.)
fn changed_folders(
    wave: &[Staged],
    new: &[Option<NewFolder>],
    whole_with: &[Option<usize>],
) -> BTreeSet<PathBuf> {
    let mut changed = BTreeSet::new();
    for Staged { path, place } in wave {
        let top = match place {
            Place::Beside(_) => None,
            Place::New { folder, .. } if whole_with[*folder].is_some() => continue,
            Place::New { folder, .. } => new[*folder].as_ref().map(|new| folder_of(&new.path)),
        };
        let mut folder = folder_of(path);
        loop {
            changed.insert(folder.to_owned());
            if top.is_none_or(|top| folder == top) {
                break;
            }
            match folder.parent().map(as_folder) {
                Some(parent) if parent != folder => folder = parent,
                _ => break,
            }
        }
    }
    changed
}

/// Removes `folder` and the folders below it, if they hold no file.
pub(super) fn remove_empty_folders(folder: &Path) {
    if let Ok(entries) = fs::read_dir(folder) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_folders(&entry.path());
            }
        }
    }
    let _ = fs::remove_dir(folder);
}

impl NewFolder {
    /// Where `path`, this folder or one below it, is until the commit.
    fn located(&self, path: &Path) -> PathBuf {
        let below = path.strip_prefix(&self.path).unwrap_or(Path::new(""));
        debug_assert!(
            path.starts_with(&self.path)
                && !below
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir)),
            "{} is not below {}",
            path.display(),
            self.path.display()
        );
        self.temp.path().join(below)
    }
}

/// Writes a new file at `path`, readable by all, flushed if `flush`; a file
/// half written is removed.
fn write_new(path: &Path, bytes: &[u8], flush: bool) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
    let mut file = options.open(path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| if flush { file.sync_all() } else { Ok(()) });
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

/// Renames the new folder `from` to `to`, which must not exist. A folder
/// made there meanwhile (by another program) is not replaced: refused
/// atomically on Linux file systems that take `RENAME_NOREPLACE`, elsewhere
/// checked just before the rename (which leaves a small race).
pub(super) fn rename_new_folder(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            // A file system without the flag goes the portable way.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            done => return done.map_err(Into::into),
        }
    }
    if to.symlink_metadata().is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    fs::rename(from, to)
}

/// Makes the entries of `folder` and of every folder below it durable.
fn sync_folders_below(folder: &Path) {
    if let Ok(entries) = fs::read_dir(folder) {
        for entry in entries.filter_map(Result::ok) {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                sync_folders_below(&entry.path());
            }
        }
    }
    sync_folder(folder);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::write_atomic;

    #[test]
    fn batches_that_flush_each_file_share_one_pool_of_named_threads() {
        let dir = tempfile::tempdir().unwrap();
        let first = Batch::open([dir.path()], false).unwrap();
        let second = Batch::open([dir.path()], false).unwrap();
        if let (Some(a), Some(b)) = (first.pool, second.pool) {
            assert!(std::ptr::eq(a, b), "one pool for the process");
            let name = first.run(|| std::thread::current().name().map(str::to_owned));
            assert!(name.unwrap_or_default().starts_with("sorot-flush-"));
        }
    }

    #[test]
    fn batch_writes_replace_files_keep_permissions_and_leave_no_temp_files() {
        // Flushing whole file systems where it can, and each file on its own.
        for whole in [true, false] {
            batch_writes_replace_files(whole);
        }
    }

    fn batch_writes_replace_files(whole: bool) {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("ayu/a.txt.ron");
        write_atomic(&old, b"old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&old, fs::Permissions::from_mode(0o600)).unwrap();
        }
        // Path, content and wave: `budi` is a new folder whose files are all
        // in one wave, `eko` one with files in both.
        let files = vec![
            (old.clone(), b"new".to_vec(), 0),
            (dir.path().join("ayu/b.txt.ron"), b"b".to_vec(), 1),
            (dir.path().join("budi/sub/c.txt.ron"), b"c".to_vec(), 1),
            (dir.path().join("eko/d.txt"), b"d".to_vec(), 0),
            (dir.path().join("eko/x/e.txt.ron"), b"e".to_vec(), 1),
        ];
        let batch = Batch::open(files.iter().filter_map(|(p, _, _)| p.parent()), whole).unwrap();
        let staged = batch.run(|| {
            files
                .par_iter()
                .map(|(path, bytes, _)| batch.stage(path, bytes))
                .collect::<Result<Vec<_>, _>>()
        });
        // Nothing is in place before the commit; the new folders wait under
        // temporary names.
        assert_eq!(fs::read(&old).unwrap(), b"old");
        assert!(!dir.path().join("budi").exists());
        assert!(!dir.path().join("eko").exists());
        assert_eq!(
            leftovers(dir.path()).len(),
            4,
            "two folders, and a temporary file beside each of ayu's files"
        );
        let mut waves = vec![Vec::new(), Vec::new()];
        for (staged, (_, _, wave)) in staged.unwrap().into_iter().zip(&files) {
            waves[*wave].push(staged);
        }
        batch.commit(waves).unwrap();
        for (path, bytes, _) in &files {
            assert_eq!(&fs::read(path).unwrap(), bytes);
        }
        assert_eq!(leftovers(dir.path()), Vec::<PathBuf>::new());
        assert_eq!(fs::read_dir(dir.path().join("ayu")).unwrap().count(), 2);
        assert_eq!(
            fs::read_dir(dir.path().join("budi/sub")).unwrap().count(),
            1
        );
        assert_eq!(fs::read_dir(dir.path().join("eko")).unwrap().count(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o7777;
            assert_eq!(mode(&old), 0o600);
            // New folders and files get what any folder made and any file
            // written atomically get.
            fs::create_dir(dir.path().join("made")).unwrap();
            write_atomic(&dir.path().join("written"), b"w").unwrap();
            for folder in ["budi", "budi/sub", "eko", "eko/x"] {
                assert_eq!(
                    mode(&dir.path().join(folder)),
                    mode(&dir.path().join("made"))
                );
            }
            for (path, _, _) in &files[1..] {
                assert_eq!(mode(path), mode(&dir.path().join("written")));
            }
        }
    }

    /// Everything named as a temporary file or folder below `dir`.
    fn leftovers(dir: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(TEMP_PREFIX)
            {
                found.push(path.clone());
            }
            if path.is_dir() {
                found.extend(leftovers(&path));
            }
        }
        found.sort();
        found
    }

    #[test]
    fn a_failed_commit_leaves_no_empty_folder_it_made() {
        let dir = tempfile::tempdir().unwrap();
        let (text, file) = (
            dir.path().join("eko/d.txt"),
            dir.path().join("eko/x/e.txt.ron"),
        );
        let batch = Batch::new([
            dir.path().join("eko").as_path(),
            dir.path().join("eko/x").as_path(),
        ])
        .unwrap();
        let waves = vec![
            vec![batch.stage(&text, b"d").unwrap()],
            vec![batch.stage(&file, b"e").unwrap()],
        ];
        // The second wave's file goes missing before the commit.
        let temp = leftovers(dir.path()).remove(0);
        fs::remove_file(temp.join("x/e.txt.ron")).unwrap();
        assert!(batch.commit(waves).is_err());
        assert_eq!(fs::read(&text).unwrap(), b"d", "the first wave is in place");
        assert!(!dir.path().join("eko/x").exists());
        assert_eq!(leftovers(dir.path()), Vec::<PathBuf>::new());
    }

    #[test]
    fn a_folder_made_meanwhile_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("annotations/ayu");
        let batch = Batch::new([new.as_path()]).unwrap();
        let staged = batch.stage(&new.join("a.txt.ron"), b"a").unwrap();
        // Another program makes the folder before the commit.
        fs::create_dir_all(&new).unwrap();
        fs::write(new.join("mine.txt.ron"), b"mine").unwrap();
        let failed = batch.commit(vec![vec![staged]]);
        assert!(
            matches!(failed, Err(StorageError::Write { .. })),
            "{failed:?}"
        );
        assert_eq!(fs::read(new.join("mine.txt.ron")).unwrap(), b"mine");
        assert!(!new.join("a.txt.ron").exists());
        assert_eq!(leftovers(dir.path()), Vec::<PathBuf>::new());
    }

    #[test]
    fn a_failed_batch_changes_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("a.txt.ron");
        write_atomic(&old, b"old").unwrap();
        // A folder that cannot be made: a file has its name.
        fs::write(dir.path().join("blocked"), b"").unwrap();
        let files = [
            (old.clone(), b"new".to_vec()),
            (dir.path().join("blocked/b.txt.ron"), b"b".to_vec()),
        ];
        // The folder is refused, or else the file in it.
        let failed = Batch::new(files.iter().filter_map(|(p, _)| p.parent())).and_then(|batch| {
            let staged = files
                .iter()
                .map(|(path, bytes)| batch.stage(path, bytes))
                .collect::<Result<Vec<_>, _>>()?;
            batch.commit(vec![staged])
        });
        assert!(matches!(failed, Err(StorageError::Write { .. })));
        // Folders the batch made go again: those made before one failed, and
        // those of a batch dropped without a commit.
        let (made, blocked) = (dir.path().join("a/made"), dir.path().join("blocked/b"));
        let failed = Batch::new([made.as_path(), blocked.as_path()]);
        assert!(matches!(failed, Err(StorageError::Write { .. })));
        let made = dir.path().join("c/made");
        let batch = Batch::new([made.as_path()]).unwrap();
        let staged = batch.stage(&dir.path().join("c/made/d.ron"), b"d").unwrap();
        let other = batch.stage(&dir.path().join("c/made/e.ron"), b"e").unwrap();
        assert!(!dir.path().join("c").exists());
        drop(staged);
        drop(batch);
        drop(other);
        // A file staged before another fails to stage is taken back.
        let gone = dir.path().join("gone");
        fs::create_dir(&gone).unwrap();
        let batch = Batch::new([dir.path(), gone.as_path()]).unwrap();
        fs::remove_dir(&gone).unwrap();
        let staged = batch.stage(&old, b"new").unwrap();
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
        assert!(batch.stage(&gone.join("b.txt.ron"), b"b").is_err());
        drop(staged);
        assert_eq!(fs::read(&old).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file and no folder left"
        );
    }
}
