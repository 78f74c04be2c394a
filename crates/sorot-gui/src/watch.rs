//! Watching the project's folder for texts added, removed or changed by
//! another program, so that the document list and the open documents are
//! never stale.
//!
//! Terms:
//! - **text event**: the file system saying that a `.txt` under the
//!   project folder was created, removed, renamed or written. Annotation
//!   files are not watched: Sorot writes them itself on every edit, and one
//!   changed by another program is found when its document is next opened
//!   or saved.
//! - **refresh**: the workspace reading the project's texts again
//!   ([`sorot_core::project::workspace::Workspace::refresh`]); the app runs
//!   it on the frame after a text event.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use notify::{EventKind, RecursiveMode, Watcher as _};

/// A watch on one project folder.
pub struct Watcher {
    /// Kept for as long as the folder is watched.
    _watcher: notify::RecommendedWatcher,
    changed: Arc<AtomicBool>,
}

impl Watcher {
    /// Watches `root` and everything under it; `wake` is called on each
    /// text event (to draw a frame). `None` when the system cannot watch it
    /// (the list is then read again only on request, as before).
    pub fn new(root: &Path, wake: impl Fn() + Send + 'static) -> Option<Watcher> {
        let changed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&changed);
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else {
                    return;
                };
                if is_text_event(&event) {
                    flag.store(true, Ordering::Release);
                    wake();
                }
            })
            .ok()?;
        watcher.watch(root, RecursiveMode::Recursive).ok()?;
        Some(Watcher {
            _watcher: watcher,
            changed,
        })
    }

    /// Whether a text event came since the last call.
    pub fn take_changed(&self) -> bool {
        self.changed.swap(false, Ordering::AcqRel)
    }
}

/// Whether `event` creates, removes, renames or writes a `.txt` file.
fn is_text_event(event: &notify::Event) -> bool {
    let kind = matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Modify(_)
    );
    kind && event
        .paths
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "txt"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind};

    #[test]
    fn only_texts_count() {
        let event = |kind, path: &str| notify::Event::new(kind).add_path(path.into());
        assert!(is_text_event(&event(
            EventKind::Create(CreateKind::File),
            "p/seeds/new.txt"
        )));
        assert!(is_text_event(&event(
            EventKind::Modify(ModifyKind::Any),
            "p/seeds/a.txt"
        )));
        assert!(!is_text_event(&event(
            EventKind::Modify(ModifyKind::Any),
            "p/annotations/ayu/a.txt.ron"
        )));
        assert!(!is_text_event(&event(
            EventKind::Access(notify::event::AccessKind::Any),
            "p/seeds/a.txt"
        )));
    }
}
