//! Paths as the file system sees them, for the checks that keep Sorot's
//! writes where they belong.
//!
//! Terms:
//! - **resolved path**: a path with symbolic links followed and `.` and `..`
//!   taken out, also for the parts that do not exist yet (a link to a file
//!   not made yet resolves to that file).

use std::io;
use std::path::{Component, Path, PathBuf};

/// `path` with symbolic links followed and `.` and `..` taken out: the
/// longest part that exists is resolved by the file system, and the missing
/// rest (which holds no links) is added to it name by name.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
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
