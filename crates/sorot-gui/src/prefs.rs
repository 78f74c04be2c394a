//! Preferences persisted by eframe between runs. User data (annotations) is
//! never stored here: it lives in the project's annotation files.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How many recent projects the File menu lists.
pub const MAX_RECENT: usize = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// The annotator name last used; asked for on first start.
    pub annotator: Option<String>,
    /// Most recent first.
    pub recent_projects: Vec<PathBuf>,
    /// Widen selections to whole words (hold Alt while dragging for exact characters).
    pub snap_to_words: bool,
    /// Text size of the document view, in points.
    pub text_size: f32,
    /// Each span's label name shown above its start (View > Label tags).
    pub show_label_tags: bool,
    /// Every relation drawn as an arc over the text (View > Show relations).
    pub show_relations: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            annotator: None,
            recent_projects: Vec::new(),
            snap_to_words: true,
            text_size: 17.0,
            show_label_tags: true,
            show_relations: true,
        }
    }
}

impl Preferences {
    /// Puts `project` first in the recent list.
    pub fn remember_project(&mut self, project: PathBuf) {
        let project = std::fs::canonicalize(&project).unwrap_or(project);
        self.recent_projects.retain(|p| p != &project);
        self.recent_projects.insert(0, project);
        self.recent_projects.truncate(MAX_RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_projects_are_unique_and_bounded() {
        let mut prefs = Preferences::default();
        for i in 0..12 {
            prefs.remember_project(PathBuf::from(format!("/nonexistent/p{i}")));
        }
        prefs.remember_project(PathBuf::from("/nonexistent/p5"));
        assert_eq!(prefs.recent_projects.len(), MAX_RECENT);
        assert_eq!(prefs.recent_projects[0], PathBuf::from("/nonexistent/p5"));
        assert_eq!(
            prefs
                .recent_projects
                .iter()
                .filter(|p| p.ends_with("p5"))
                .count(),
            1
        );
    }
}
