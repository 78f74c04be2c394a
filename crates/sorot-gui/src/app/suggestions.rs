//! Suggestions: dates found in the text, other mentions of the selected
//! span (in this document, or in the whole project through the mentions
//! window), and known names (what this annotator labeled elsewhere, and the
//! project's gazetteer) offered when a document not started yet opens.
//!
//! Terms:
//! - **suggestion**: a span proposed for the current document and shown as a
//!   frame in the text; nothing is saved until it is accepted (a span with
//!   its value) or rejected (recorded in the annotation file so that it is
//!   not proposed again). Both answers are changes and go through `apply`.
//! - **current suggestion**: the one Enter and Backspace answer.
//! - **generation**: a number that moves whenever the suggestions do, so the
//!   text view repaints its marks.

use std::collections::BTreeMap;

use egui::{RichText, Ui};

use sorot_core::analysis::suggest::{self, StringMatcher, Suggestion};
use sorot_core::model::Status;
use sorot_core::model::schema::Schema;
use sorot_core::project::document::{Command, OpenDocument};
use sorot_core::project::workspace::Workspace;

use super::Action;
use super::SorotApp;
use super::apply::Change;
use crate::commands::UiCommand;
use crate::ellipsize;
use crate::mentions::{MentionAction, Query};

/// The suggestions of one document and the one the keys act on.
pub(super) struct Suggestions {
    pub(super) doc_id: String,
    pub(super) items: Vec<Suggestion>,
    pub(super) current: usize,
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
    pub(super) generation: u64,
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

/// Drops the suggestions that, accepted, would overlap a span of their
/// label against the schema's rule (a suggested “Putin” inside the actor
/// “Vladimir Putin”).
fn drop_overlapping(items: &mut Vec<Suggestion>, doc: &OpenDocument, schema: &Schema) {
    items.retain(|s| {
        doc.overlap_conflicts(schema, s.start..s.end, &s.label, None)
            .is_empty()
    });
}

impl SorotApp {
    /// The suggestion buttons, and the list of the current document's
    /// suggestions, in the span panel.
    pub(super) fn suggestions_ui(&mut self, ui: &mut Ui) {
        let Some(doc) = self.workspace.as_ref().and_then(Workspace::current) else {
            return;
        };
        let mut clicked = None;
        ui.horizontal(|ui| {
            for command in [
                UiCommand::SuggestDates,
                UiCommand::FindMentions,
                UiCommand::FindMentionsInProject,
            ] {
                let enabled = doc.is_editable()
                    && (command == UiCommand::SuggestDates || self.selected_span.is_some());
                let shortcut = ui.ctx().format_shortcut(&command.shortcuts()[0]);
                let label = match command {
                    UiCommand::SuggestDates => "Suggest dates",
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
        if let Some(list) = self
            .suggestions
            .list
            .as_ref()
            .filter(|s| s.doc_id == doc.id)
        {
            ui.label(RichText::new(format!("Suggestions ({})", list.items.len())).strong());
            egui::ScrollArea::vertical()
                .id_salt("suggestions")
                .max_height(160.0)
                .show(ui, |ui| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    for (i, item) in list.items.iter().enumerate() {
                        let text = doc.text.slice(item.start..item.end);
                        let value = item
                            .value
                            .as_deref()
                            .map_or(String::new(), |v| format!(" = {v}"));
                        let row = format!("{} “{}”{value}", item.label, ellipsize(text, 40));
                        if ui
                            .add(egui::Button::selectable(i == list.current, row).truncate())
                            .clicked()
                        {
                            clicked = Some(i);
                        }
                    }
                });
            if !list.items.is_empty() {
                ui.horizontal(|ui| {
                    for (command, text) in [
                        (UiCommand::AcceptSuggestion, "Accept"),
                        (UiCommand::RejectSuggestion, "Reject"),
                        (UiCommand::AcceptAllSuggestions, "Accept all"),
                    ] {
                        let shortcut = ui.ctx().format_shortcut(&command.shortcuts()[0]);
                        if ui
                            .add(egui::Button::new(text).shortcut_text(shortcut))
                            .clicked()
                        {
                            self.actions.push(Action::Ui(command));
                        }
                    }
                });
            }
            ui.separator();
        }
        if let Some(i) = clicked
            && let Some(list) = &mut self.suggestions.list
        {
            list.current = i;
            self.text.scroll_to = list.items.get(i).map(|s| s.start);
            self.suggestions.generation += 1;
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
        let mut items = if mentions {
            let Some(span) = self.selected_span.and_then(|id| doc.annotations().get(id)) else {
                return;
            };
            match StringMatcher::new(&suggest::lexicon(std::iter::once(span))) {
                Ok(matcher) => matcher.find(&doc.text, doc.annotations()),
                Err(err) => {
                    self.status.show_error(sorot_core::error_chain(&err));
                    return;
                }
            }
        } else {
            let mut dates = dates;
            suggest::drop_decided(&mut dates, doc.annotations());
            dates
        };
        drop_overlapping(&mut items, doc, workspace.project().schema());
        let what = if mentions {
            "other mentions"
        } else {
            "date suggestions"
        };
        self.status.show(format!(
            "{} {what}; Enter accepts, Backspace rejects",
            items.len()
        ));
        self.text.scroll_to = items.first().map(|s| s.start);
        self.suggestions.list = Some(Suggestions {
            doc_id: doc.id.clone(),
            items,
            current: 0,
        });
        self.suggestions.generation += 1;
    }

    /// A document not started yet opens with suggestions: other mentions of
    /// what this annotator has labeled elsewhere, and the project's gazetteer.
    pub(super) fn suggest_known_names(&mut self) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(doc) = workspace.current() else {
            return;
        };
        if !doc.spans().is_empty() || doc.status() == Status::Done || !doc.is_editable() {
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
        let mut items = match self.suggestions.known_names_matcher(lexicon) {
            Ok(matcher) => matcher.find(&doc.text, doc.annotations()),
            Err(err) => {
                self.status.show_error(sorot_core::error_chain(&err));
                return;
            }
        };
        drop_overlapping(&mut items, doc, workspace.project().schema());
        if items.is_empty() {
            return;
        }
        self.status.show(format!(
            "{} suggestions from earlier spans; Enter accepts, Backspace rejects",
            items.len()
        ));
        self.suggestions.list = Some(Suggestions {
            doc_id: doc.id.clone(),
            items,
            current: 0,
        });
        self.suggestions.generation += 1;
    }

    /// Accepts the current suggestion as a span (with its value); false when
    /// it could not be added.
    pub(super) fn accept_suggestion(&mut self) -> bool {
        let Some(list) = self.current_suggestions() else {
            return false;
        };
        let Some(item) = list.items.get(list.current).cloned() else {
            return false;
        };
        let command = Command::AddWithValue {
            range: item.start..item.end,
            label: item.label.clone(),
            value: item.value.clone().unwrap_or_default(),
        };
        let added = self.apply(Change::here(command)).is_some();
        self.drop_suggestion(&item);
        added
    }

    /// Accepts every suggestion of the current document, first to last.
    pub(super) fn accept_all_suggestions(&mut self) {
        while self
            .current_suggestions()
            .is_some_and(|s| !s.items.is_empty())
        {
            if let Some(list) = &mut self.suggestions.list {
                list.current = 0;
            }
            if !self.accept_suggestion() {
                break;
            }
        }
    }

    pub(super) fn reject_suggestion(&mut self) {
        let Some(list) = self.current_suggestions() else {
            return;
        };
        let Some(item) = list.items.get(list.current).cloned() else {
            return;
        };
        // Recorded in the annotation file, so it is not proposed again.
        self.apply(Change::here(Command::RejectSuggestion {
            range: item.start..item.end,
            label: item.label.clone(),
        }));
        self.drop_suggestion(&item);
    }

    /// Takes an answered suggestion off the list (the edit has done so already
    /// unless it failed) and moves on to the next.
    fn drop_suggestion(&mut self, item: &Suggestion) {
        if let Some(list) = &mut self.suggestions.list {
            list.items.retain(|s| s != item);
            list.current = list.current.min(list.items.len().saturating_sub(1));
            self.text.scroll_to = list.items.get(list.current).map(|s| s.start);
        }
        self.suggestions.generation += 1;
    }

    /// Drops the shown suggestions that have since been labeled or rejected
    /// (after any change, from the text view or the mentions window).
    pub(super) fn prune_suggestions(&mut self) {
        if let (Some(list), Some(workspace)) = (&mut self.suggestions.list, &self.workspace)
            && let Some(doc) = workspace.open_documents().find(|d| d.id == list.doc_id)
        {
            let Suggestions { items, current, .. } = list;
            suggest::drop_decided(items, doc.annotations());
            drop_overlapping(items, doc, workspace.project().schema());
            *current = (*current).min(items.len().saturating_sub(1));
        }
        self.suggestions.generation += 1;
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
