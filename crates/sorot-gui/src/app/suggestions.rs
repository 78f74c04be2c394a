//! Suggestions: dates found in the text, other mentions of the selected
//! span (in this document, or in the whole project through the mentions
//! window), and known names (what this annotator labeled elsewhere, and the
//! project's gazetteer), on demand from the Suggest menu, and when a
//! document not started yet opens if the project asks for it
//! (`suggest_on_open` in `sorot.ron`).
//!
//! Terms:
//! - **suggestion**: a span proposed for the current document and shown as a
//!   frame in the text; nothing is saved until it is accepted (a span with
//!   its value) or rejected (recorded in the annotation file so that it is
//!   not proposed again). Both answers are changes and go through `apply`.
//! - **offered**: what one search found; the **open** suggestions are those
//!   of them the document has not decided (see `suggest::Decided`), found
//!   again after every change, so that an undo brings an answered one back.
//! - **in view**: a suggestion whose first row the text view shows whole.
//! - **current suggestion**: the one Enter and Backspace answer, marked in
//!   the text: of the suggestions in view, the one at the caret, else the
//!   one picked in the list, else the first. With none in view there is
//!   none; the keys never answer one off screen, and answering one never
//!   scrolls the text.
//! - **context**: a few words on each side of a suggestion, on its line, as
//!   its row in the list shows it.

use std::collections::BTreeMap;
use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, RichText, Ui};

use sorot_core::analysis::suggest::{self, StringMatcher, Suggestion};
use sorot_core::model::Status;
use sorot_core::model::text::SourceText;
use sorot_core::project::document::{Command, OpenDocument};
use sorot_core::project::workspace::Workspace;

use super::Action;
use super::SorotApp;
use super::apply::Change;
use crate::commands::UiCommand;
use crate::ellipsize;
use crate::mentions::{MentionAction, Query};

/// How many characters of context a row shows on each side, at most.
const CONTEXT: usize = 36;

/// The suggestions of one document.
pub(super) struct Suggestions {
    pub(super) doc_id: String,
    /// What the search found, sorted.
    offered: Vec<Suggestion>,
    /// The open ones among them, sorted.
    pub(super) items: Vec<Suggestion>,
    /// The one last picked in the list.
    picked: Option<Suggestion>,
    /// Where they come from, as the list's heading says.
    source: String,
}

impl Suggestions {
    fn new(doc: &OpenDocument, mut offered: Vec<Suggestion>, source: &str) -> Self {
        offered.sort();
        offered.dedup();
        let mut list = Suggestions {
            doc_id: doc.id.clone(),
            items: Vec::new(),
            offered,
            picked: None,
            source: source.to_owned(),
        };
        list.refresh(doc);
        list
    }

    /// The open suggestions, from what was offered and what the document
    /// has decided now.
    fn refresh(&mut self, doc: &OpenDocument) {
        let decided = suggest::Decided::new(doc.annotations());
        self.items = self
            .offered
            .iter()
            .filter(|s| !decided.rules_out(s.start, s.end, &s.label))
            .cloned()
            .collect();
    }
}

/// The suggestions' state.
#[derive(Default)]
pub(super) struct SuggestionState {
    /// Suggestions shown for a document; nothing is saved until accepted.
    pub(super) list: Option<Suggestions>,
    /// The date suggestions of one document, by its id.
    dates_of: Option<(String, Vec<Suggestion>)>,
    /// The known names' lexicon last searched, with its automaton: built
    /// again only when the lexicon changes, not for every document opened.
    known_names: Option<(BTreeMap<String, String>, StringMatcher)>,
}

impl SuggestionState {
    /// Drops everything found for the workspace before.
    pub(super) fn clear(&mut self) {
        self.list = None;
        self.dates_of = None;
        self.known_names = None;
    }

    /// The matcher of `lexicon`, from the last search when it was of the
    /// same lexicon.
    fn known_names_matcher(
        &mut self,
        lexicon: BTreeMap<String, String>,
    ) -> Result<&StringMatcher, suggest::LexiconError> {
        let cached = self.known_names.take().filter(|(was, _)| *was == lexicon);
        let (lexicon, matcher) = match cached {
            Some(cached) => cached,
            None => {
                let matcher = StringMatcher::new(&lexicon)?;
                (lexicon, matcher)
            }
        };
        Ok(&self.known_names.insert((lexicon, matcher)).1)
    }
}

/// A few words around `range` on its line: the text before it and after
/// it, each cut at a word and marked “…” where the line goes on.
pub(super) fn context(text: &SourceText, range: Range<usize>) -> (String, String) {
    let from = range.start.saturating_sub(CONTEXT);
    let mut before = text.slice(from..range.start);
    let mut cut_before = from > 0;
    if let Some(line) = before.rfind(['\n', '\r']) {
        before = &before[line + 1..];
        cut_before = false;
    } else if cut_before && let Some(space) = before.find(char::is_whitespace) {
        // The first word may be a piece of one.
        before = &before[space..];
    }
    let to = (range.end + CONTEXT).min(text.len_chars());
    let mut after = text.slice(range.end..to);
    let mut cut_after = to < text.len_chars();
    if let Some(line) = after.find(['\n', '\r']) {
        after = &after[..line];
        cut_after = false;
    } else if cut_after && let Some(space) = after.rfind(char::is_whitespace) {
        after = &after[..space];
    }
    let flat = |s: &str| s.replace(char::is_whitespace, " ");
    let mut before = flat(before.trim_start());
    let mut after = flat(after.trim_end());
    if cut_before {
        before.insert_str(0, "… ");
    }
    if cut_after {
        after.push_str(" …");
    }
    (before, after)
}

/// `text` with its first letter in capitals.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl SorotApp {
    /// The suggestion buttons, and the list of the current document's
    /// suggestions, in the span panel.
    pub(super) fn suggestions_ui(&mut self, ui: &mut Ui) {
        let Some(workspace) = self.workspace.as_ref() else {
            return;
        };
        let Some(doc) = workspace.current() else {
            return;
        };
        let mut clicked = None;
        // Wrapped, so that the buttons never widen the panel.
        ui.horizontal_wrapped(|ui| {
            for command in [
                UiCommand::SuggestKnownNames,
                UiCommand::SuggestDates,
                UiCommand::FindMentions,
                UiCommand::FindMentionsInProject,
            ] {
                let enabled = doc.is_editable()
                    && (matches!(
                        command,
                        UiCommand::SuggestDates | UiCommand::SuggestKnownNames
                    ) || self.selected_span.is_some());
                let shortcut = ui.ctx().format_shortcut(&command.shortcuts()[0]);
                let label = match command {
                    UiCommand::SuggestKnownNames => "Known names",
                    UiCommand::SuggestDates => "Dates",
                    UiCommand::FindMentions => "Other mentions",
                    _ => "In the project…",
                };
                if ui
                    .add_enabled(enabled, egui::Button::new(label))
                    .on_hover_text(format!("{} ({shortcut})", command.label()))
                    .clicked()
                {
                    self.actions.push(Action::Ui(command));
                }
            }
        });
        let current = self.current_suggestion();
        if let Some(list) = self
            .suggestions
            .list
            .as_ref()
            .filter(|s| s.doc_id == doc.id)
        {
            ui.add(
                egui::Label::new(
                    RichText::new(format!(
                        "{} ({})",
                        capitalized(&list.source),
                        list.items.len()
                    ))
                    .strong(),
                )
                .truncate(),
            );
            let schema = workspace.project().schema();
            let font = egui::TextStyle::Button.resolve(ui.style());
            let row_height = (ui.fonts_mut(|f| f.row_height(&font))
                + 2.0 * ui.spacing().button_padding.y)
                .max(ui.spacing().interact_size.y);
            let weak = ui.visuals().weak_text_color();
            let strong = ui.visuals().strong_text_color();
            egui::ScrollArea::vertical()
                .id_salt("suggestions")
                .max_height(200.0)
                .auto_shrink([false, true])
                .show_rows(ui, row_height, list.items.len(), |ui, rows| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for i in rows {
                        let item = &list.items[i];
                        let [r, g, b] = schema.color(&item.label);
                        let color = Color32::from_rgb(r, g, b);
                        let (before, after) = context(&doc.text, item.start..item.end);
                        let format = |color: Color32| TextFormat {
                            font_id: font.clone(),
                            color,
                            ..TextFormat::default()
                        };
                        let mut job = LayoutJob::default();
                        job.append(&item.label, 0.0, format(color));
                        if let Some(value) = &item.value {
                            job.append(&format!(" = {value}"), 0.0, format(weak));
                        }
                        job.append(&before, 8.0, format(weak));
                        job.append(
                            &ellipsize(doc.text.slice(item.start..item.end), 40),
                            if before.is_empty() { 8.0 } else { 0.0 },
                            TextFormat {
                                background: color.gamma_multiply(0.25),
                                ..format(strong)
                            },
                        );
                        job.append(&after, 0.0, format(weak));
                        let response = ui
                            .add(egui::Button::selectable(current == Some(i), job).truncate())
                            .on_hover_text(format!(
                                "{} “{}”; click to show it in the text",
                                item.label,
                                ellipsize(doc.text.slice(item.start..item.end), 80)
                            ));
                        if response.clicked() {
                            clicked = Some(item.clone());
                        }
                    }
                });
            if !list.items.is_empty() {
                ui.horizontal_wrapped(|ui| {
                    for (command, text) in [
                        (UiCommand::AcceptSuggestion, "Accept"),
                        (UiCommand::RejectSuggestion, "Reject"),
                        (UiCommand::AcceptAllSuggestions, "Accept all"),
                    ] {
                        let shortcut = ui.ctx().format_shortcut(&command.shortcuts()[0]);
                        if ui
                            .add(egui::Button::new(text))
                            .on_hover_text(format!("{} ({shortcut})", command.label()))
                            .clicked()
                        {
                            self.actions.push(Action::Ui(command));
                        }
                    }
                });
            }
            ui.separator();
        }
        if let Some(item) = clicked
            && let Some(list) = &mut self.suggestions.list
        {
            self.text.scroll_to = Some(item.start);
            list.picked = Some(item);
        }
    }

    /// The suggestions, if they are for the current document.
    pub(super) fn current_suggestions(&self) -> Option<&Suggestions> {
        let current = self.workspace.as_ref()?.current_id()?;
        self.suggestions
            .list
            .as_ref()
            .filter(|s| s.doc_id == current)
    }

    /// The index of the current suggestion among the open ones (see the
    /// module's terms), from where the text view last stood.
    pub(super) fn current_suggestion(&self) -> Option<usize> {
        let list = self.current_suggestions()?;
        let shown = self.text.in_view(&list.doc_id, &list.items);
        let caret = self.caret.word(&list.doc_id);
        let at_caret = caret.and_then(|word| {
            shown.clone().find(|&i| {
                let item = &list.items[i];
                item.start < word.end && word.start < item.end
            })
        });
        let picked = list
            .picked
            .as_ref()
            .and_then(|picked| shown.clone().find(|&i| list.items[i] == *picked));
        at_caret.or(picked).or_else(|| shown.clone().next())
    }

    /// The date suggestions of the current document, found once per document
    /// (texts never change) for Ctrl+D and for the values of dates labeled by hand.
    pub(super) fn current_dates(&mut self) -> Option<&[Suggestion]> {
        let doc = self.workspace.as_ref().and_then(Workspace::current)?;
        let dates_of = &mut self.suggestions.dates_of;
        if dates_of.as_ref().is_none_or(|(id, _)| *id != doc.id) {
            *dates_of = Some((doc.id.clone(), suggest::dates(&doc.text)));
        }
        dates_of.as_ref().map(|(_, dates)| dates.as_slice())
    }

    /// Shows `items` as the current document's suggestions, from `source`,
    /// and says so; the text scrolls to the first unless one is in view.
    fn offer(&mut self, items: Vec<Suggestion>, source: &str) {
        let Some(doc) = self.workspace.as_ref().and_then(Workspace::current) else {
            return;
        };
        let list = Suggestions::new(doc, items, source);
        let message = match list.items.len() {
            0 => format!("No {source} here"),
            n => format!("{n} {source}; Enter accepts the one in view, Backspace rejects it"),
        };
        let first = list.items.first().map(|s| s.start);
        let none_in_view = self
            .text
            .in_view(&list.doc_id, &list.items)
            .next()
            .is_none();
        self.suggestions.list = Some(list);
        self.status.show(message);
        if none_in_view {
            self.text.scroll_to = first;
        }
    }

    /// Proposes dates, or other mentions of the selected span's text.
    pub(super) fn suggest(&mut self, mentions: bool) {
        let dates = if mentions {
            Vec::new()
        } else {
            self.current_dates()
                .map(<[Suggestion]>::to_vec)
                .unwrap_or_default()
        };
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(doc) = workspace.current() else {
            return;
        };
        if mentions {
            let Some(span) = self.selected_span.and_then(|id| doc.annotations().get(id)) else {
                return;
            };
            let source = format!("other mentions of “{}”", ellipsize(&span.text, 30));
            match StringMatcher::new(&suggest::lexicon(std::iter::once(span))) {
                Ok(matcher) => {
                    let items = matcher.find(&doc.text, doc.annotations());
                    self.offer(items, &source);
                }
                Err(err) => self.status.show_error(sorot_core::error_chain(&err)),
            }
        } else {
            self.offer(dates, "date suggestions");
        }
    }

    /// Suggests known names for the current document: other mentions of
    /// what this annotator has labeled elsewhere, and the project's
    /// gazetteer. `on_open`: only for a document not started yet, and
    /// silent when there are none.
    pub(super) fn suggest_known_names(&mut self, on_open: bool) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(doc) = workspace.current() else {
            return;
        };
        if !doc.is_editable()
            || on_open && (!doc.spans().is_empty() || doc.status() == Status::Done)
        {
            return;
        }
        let mut lexicon = match suggest::project_lexicon(workspace.project(), workspace.annotator())
        {
            Ok(lexicon) => lexicon,
            Err(err) => {
                self.status.show_error(sorot_core::error_chain(&err));
                return;
            }
        };
        // Documents open in memory may be ahead of their files.
        lexicon.extend(suggest::lexicon(
            workspace.open_documents().flat_map(|d| d.spans()),
        ));
        let items = match self.suggestions.known_names_matcher(lexicon) {
            Ok(matcher) => matcher.find(&doc.text, doc.annotations()),
            Err(err) => {
                self.status.show_error(sorot_core::error_chain(&err));
                return;
            }
        };
        if on_open && items.is_empty() {
            return;
        }
        self.offer(items, "suggestions from earlier spans and the gazetteer");
    }

    /// Accepts the current suggestion as a span (with its value); says so
    /// when no suggestion is in view.
    pub(super) fn accept_suggestion(&mut self) {
        let Some(list) = self.current_suggestions() else {
            return;
        };
        if list.items.is_empty() {
            return;
        }
        match self.current_suggestion() {
            Some(i) => {
                let item = list.items[i].clone();
                self.accept(item);
            }
            None => self.nothing_in_view("accept"),
        }
    }

    /// The text `item` covers in the current document, cut short for a
    /// message.
    fn shown_text(&self, item: &Suggestion) -> String {
        self.workspace
            .as_ref()
            .and_then(Workspace::current)
            .map(|doc| ellipsize(doc.text.slice(item.start..item.end), 40))
            .unwrap_or_default()
    }

    /// Accepts `item` as a span with its value.
    pub(super) fn accept(&mut self, item: Suggestion) {
        let text = self.shown_text(&item);
        let command = Command::AddWithValue {
            range: item.start..item.end,
            label: item.label.clone(),
            value: item.value.clone().unwrap_or_default(),
        };
        if self.apply(Change::here(command)).is_some() {
            self.status
                .show(format!("Accepted “{text}” as {}", item.label));
        }
    }

    /// Tells that no suggestion is in view to answer.
    fn nothing_in_view(&mut self, answer: &str) {
        let left = self.current_suggestions().map_or(0, |s| s.items.len());
        self.status.show(format!(
            "No suggestion in view to {answer}: scroll to one, or pick one of the {} in the list",
            left
        ));
    }

    /// Accepts every open suggestion of the current document at once, as
    /// one change and one undo step.
    pub(super) fn accept_all_suggestions(&mut self) {
        let Some(list) = self.current_suggestions() else {
            return;
        };
        let items = list.items.clone();
        if items.is_empty() {
            return;
        }
        let spans = |app: &SorotApp| {
            app.workspace
                .as_ref()
                .and_then(Workspace::current)
                .map_or(0, |d| d.spans().len())
        };
        let before = spans(self);
        let offered = items.len();
        if self
            .apply(Change::here(Command::AcceptSuggestions(items)))
            .is_some()
        {
            let added = spans(self) - before;
            let left_out = match offered - added {
                0 => String::new(),
                n => format!("; {} left out, as they would overlap or repeat a span", n),
            };
            self.status.show(format!(
                "Accepted {}{left_out}; one undo takes them back",
                sorot_core::counted(added, "suggestion")
            ));
        }
    }

    /// Rejects the current suggestion, recorded in the annotation file so
    /// that it is not proposed again.
    pub(super) fn reject_suggestion(&mut self) {
        let Some(list) = self.current_suggestions() else {
            return;
        };
        if list.items.is_empty() {
            return;
        }
        let Some(i) = self.current_suggestion() else {
            self.nothing_in_view("reject");
            return;
        };
        let item = list.items[i].clone();
        let text = self.shown_text(&item);
        if self
            .apply(Change::here(Command::RejectSuggestion {
                range: item.start..item.end,
                label: item.label.clone(),
            }))
            .is_some()
        {
            self.status.show(format!(
                "Rejected “{text}” as {}; it is not suggested again",
                item.label
            ));
        }
    }

    /// Finds the open suggestions again after any change (from the keys,
    /// the text view, the mentions window, an undo).
    pub(super) fn prune_suggestions(&mut self) {
        if let (Some(list), Some(workspace)) = (&mut self.suggestions.list, &self.workspace)
            && let Some(doc) = workspace.open_documents().find(|d| d.id == list.doc_id)
        {
            list.refresh(doc);
        }
    }

    /// Lists the selected span's text wherever else it occurs in the project.
    pub(super) fn find_project_mentions(&mut self) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(span) = workspace
            .current()
            .zip(self.selected_span)
            .and_then(|(doc, id)| doc.annotations().get(id))
        else {
            return;
        };
        // Everything in memory is searched as it is now, the rest from disk.
        let open: BTreeMap<String, suggest::Snapshot> = workspace
            .open_documents()
            .map(|d| (d.id.clone(), (d.text.clone(), d.annotations().clone())))
            .collect();
        let query = Query {
            text: span.text.clone(),
            label: span.label.clone(),
            value: span.value.clone(),
            color: workspace.project().schema().color(&span.label),
        };
        self.mentions.search(
            query,
            workspace.project().clone(),
            workspace.annotator().to_owned(),
            open,
        );
    }

    /// Waits for the project mentions search (tests).
    pub fn wait_for_mentions(&mut self) {
        self.mentions.wait();
        self.mentions_found();
    }

    /// Tells how many mentions the search found.
    pub(super) fn mentions_found(&mut self) {
        if let Some(query) = self.mentions.query() {
            self.status.show(format!(
                "{} mentions of “{}” in the project not labeled {} yet",
                self.mentions.items().len(),
                ellipsize(&query.text, 40),
                query.label
            ));
        }
    }

    /// Carries out an answer given in the mentions window, as a change of
    /// the mention's document.
    pub(super) fn mention_action(&mut self, action: MentionAction) {
        let Some(query) = self.mentions.query().cloned() else {
            return;
        };
        let answer = |mention: &suggest::Mention, accept: bool| {
            let range = mention.start..mention.end;
            let command = if accept {
                // A date takes the value of the date where it stands.
                let value = if query.label == "date" {
                    mention.date_value.clone().unwrap_or_default()
                } else {
                    query.value.clone()
                };
                Command::AddWithValue {
                    range,
                    label: query.label.clone(),
                    value,
                }
            } else {
                Command::RejectSuggestion {
                    range,
                    label: query.label.clone(),
                }
            };
            Change::Command {
                doc: Some(mention.doc_id.clone()),
                command,
            }
        };
        match action {
            MentionAction::Accept(i) | MentionAction::Reject(i) => {
                let Some(mention) = self.mentions.items().get(i).cloned() else {
                    return;
                };
                let accept = matches!(action, MentionAction::Accept(_));
                let done = self.apply(answer(&mention, accept)).is_some();
                self.mentions.answered(i, &mention, done);
            }
            MentionAction::AcceptAll => {
                let mut i = 0;
                while let Some(mention) = self.mentions.items().get(i).cloned() {
                    let done = self.apply(answer(&mention, true)).is_some();
                    if !self.mentions.answered(i, &mention, done) {
                        i += 1;
                    }
                }
            }
            MentionAction::Show(i) => {
                let Some(mention) = self.mentions.items().get(i).cloned() else {
                    return;
                };
                self.select_document(&mention.doc_id);
                self.selected_span = None;
                self.selection = Some(mention.start..mention.end);
                self.text.scroll_to = Some(mention.start);
            }
        }
    }
}
