//! Find in the document: a bar over the text with a search field; every
//! match is highlighted, and the keys step from one to the next, each
//! becoming the selection so that a label key labels it.
//!
//! Terms:
//! - **match**: a place where the text holds what was typed, ignoring case
//!   (each character compared by its lowercase form, so offsets stay code
//!   points of the text).
//! - **current match**: the one selected last; the next is the first match
//!   after the caret's word.

use std::ops::Range;
use std::sync::Arc;

use egui::{RichText, Ui};

use sorot_core::model::text::SourceText;

use super::SorotApp;
use super::caret::word_at;
use crate::commands::UiCommand;

/// The find bar's state.
#[derive(Default)]
pub(super) struct FindBar {
    pub(super) open: bool,
    query: String,
    /// The matches of a query in a document, found once per query.
    found: Option<Found>,
    /// The match selected last, by its place in the list.
    current: Option<usize>,
    /// Moves the keyboard into the field in the next frame.
    focus: bool,
}

/// The matches of a query in a document.
struct Found {
    doc: String,
    query: String,
    matches: Arc<Vec<Range<usize>>>,
}

impl FindBar {
    /// Opens the bar with the keyboard in its field.
    pub(super) fn open(&mut self) {
        self.open = true;
        self.focus = true;
    }

    /// The matches in document `doc` with text `text`, while the bar is
    /// open.
    pub(super) fn matches(&mut self, doc: &str, text: &SourceText) -> Arc<Vec<Range<usize>>> {
        if !self.open || self.query.is_empty() {
            return Arc::default();
        }
        let fresh = self
            .found
            .as_ref()
            .is_some_and(|f| f.doc == doc && f.query == self.query);
        if !fresh {
            self.found = Some(Found {
                doc: doc.to_owned(),
                query: self.query.clone(),
                matches: Arc::new(find_all(text.as_str(), &self.query)),
            });
            self.current = None;
        }
        self.found
            .as_ref()
            .map(|f| Arc::clone(&f.matches))
            .unwrap_or_default()
    }
}

/// Every place where `text` holds `needle`, ignoring case, as code-point
/// ranges; matches do not overlap.
pub(super) fn find_all(text: &str, needle: &str) -> Vec<Range<usize>> {
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    let needle: Vec<char> = needle.chars().map(lower).collect();
    let Some(&first) = needle.first() else {
        return Vec::new();
    };
    let hay: Vec<char> = text.chars().map(lower).collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at + needle.len() <= hay.len() {
        if hay[at] == first && hay[at..at + needle.len()] == needle[..] {
            found.push(at..at + needle.len());
            at += needle.len();
        } else {
            at += 1;
        }
    }
    found
}

impl SorotApp {
    /// The find bar over the text, while it is open.
    pub(super) fn find_bar_ui(&mut self, ui: &mut Ui) {
        if !self.find.open {
            return;
        }
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        let (id, text) = (doc.id.clone(), doc.text.clone());
        let mut step = None;
        let mut close = false;
        ui.horizontal(|ui| {
            let label = ui.label("Find:");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.find.query)
                        .hint_text("text in this document")
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut self.find.focus) {
                field.request_focus();
            }
            if field.lost_focus() {
                if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    let back = ui.input(|i| i.modifiers.shift);
                    step = Some(!back);
                } else if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    close = true;
                }
            }
            let found = self.find.matches(&id, &text);
            let count = match (found.len(), self.find.current) {
                (0, _) if self.find.query.is_empty() => String::new(),
                (0, _) => "no matches".to_owned(),
                (n, Some(i)) => format!("{} of {n}", i + 1),
                (1, None) => "1 match".to_owned(),
                (n, None) => format!("{n} matches"),
            };
            ui.label(RichText::new(count).weak());
            for (command, text) in [(UiCommand::FindPrevious, "⏶"), (UiCommand::FindNext, "⏷")]
            {
                let shortcut = ui.ctx().format_shortcut(&command.shortcuts()[0]);
                if ui
                    .small_button(text)
                    .on_hover_text(format!("{} ({shortcut})", command.label()))
                    .clicked()
                {
                    step = Some(command == UiCommand::FindNext);
                }
            }
            if ui
                .small_button("✖")
                .on_hover_text("Close (Escape)")
                .clicked()
            {
                close = true;
            }
        });
        if close {
            self.find.open = false;
        }
        if let Some(forward) = step {
            self.find_step(forward);
        }
    }

    /// Selects the next (or previous) match after (or before) the caret's
    /// word, round from the last to the first; the keyboard goes back to the
    /// text, so that a label key labels the match.
    pub(super) fn find_step(&mut self, forward: bool) {
        let Some(doc) = self.workspace.as_ref().and_then(|w| w.current()) else {
            return;
        };
        let (id, text) = (doc.id.clone(), doc.text.clone());
        if !self.find.open {
            self.find.open();
            return;
        }
        let found = self.find.matches(&id, &text);
        if found.is_empty() {
            return;
        }
        let here = self
            .selection
            .clone()
            .or_else(|| self.caret.word(&id))
            .unwrap_or(0..0);
        let next = match (self.find.current, forward) {
            (Some(i), true) if found.get(i) == Some(&here) => (i + 1) % found.len(),
            (Some(i), false) if found.get(i) == Some(&here) => (i + found.len() - 1) % found.len(),
            (_, true) => found
                .iter()
                .position(|f| f.start >= here.end.max(here.start + 1))
                .unwrap_or(0),
            (_, false) => found
                .iter()
                .rposition(|f| f.end <= here.start)
                .unwrap_or(found.len() - 1),
        };
        self.find.current = Some(next);
        let range = found[next].clone();
        self.commit_note();
        self.selected_span = None;
        self.selection = Some(range.clone());
        if let Some(word) = word_at(&text, range.start) {
            self.caret_to(word.start);
        }
        self.text.scroll_to = Some(range.start);
        self.keyboard_to_text = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ignore_case_and_count_code_points() {
        let text = "“Shoigu” 😊 bertemu\r\nSHOIGU dan shoigu";
        assert_eq!(find_all(text, "shoigu"), vec![1..7, 20..26, 31..37]);
        assert_eq!(find_all(text, "😊 b"), vec![9..12]);
        assert_eq!(find_all(text, "aa"), Vec::<Range<usize>>::new());
        assert_eq!(find_all("aaaa", "aa"), vec![0..2, 2..4]);
        assert!(find_all(text, "").is_empty());
    }
}
