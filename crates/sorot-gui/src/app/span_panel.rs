//! The span panel (right): the labels with their hotkeys and counts, the
//! suggestions, the selected span (its note, value, attributes and
//! relations) and the list of the document's spans; while reviewing, the
//! review panel instead.
//!
//! Terms:
//! - **value**: a span's normalized value; for an actor, its canonical name,
//!   chosen from the **names in use**: the values given to actors anywhere in
//!   the project, by every annotator, most used first.
//! - **attribute**: a property the schema gives a label (a claim's stance),
//!   with its list of values; yes/no attributes show as a checkbox.
//! - **relating**: a relation being made: its first end (the selected span)
//!   and its type; the next span clicked, or the number of a listed
//!   **candidate**, is the other end.

use std::collections::BTreeMap;
use std::path::PathBuf;

use egui::{Color32, RichText, Ui};

use sorot_core::analysis::suggest;
use sorot_core::model::{Relation, Span, SpanId};
use sorot_core::project::document::{Command, OpenDocument};
use sorot_core::project::workspace::Workspace;

use super::apply::Change;
use super::{Action, SorotApp};
use crate::commands::UiCommand;
use crate::ellipsize;
use crate::review::{Decision, PanelAction};

/// How many names the canonical-name list offers, best first.
const MAX_NAMES: usize = 30;

/// What the ranked names were made for: document, span, and the sum of the
/// open documents' revisions.
type NamesKey = (String, SpanId, u64);

/// Names in use for actors in every annotator's files, by (annotator,
/// document), with the project folder they were read from.
type NamesOnDisk = Option<(PathBuf, BTreeMap<(String, String), BTreeMap<String, usize>>)>;

/// Each label of the schema with its number of spans, in the schema's order.
type LabelCounts = Vec<(String, usize)>;

/// How long typing in a note pauses before the note is saved.
pub(super) const NOTE_PAUSE: std::time::Duration = std::time::Duration::from_millis(600);

/// The span panel's state.
#[derive(Default)]
pub(super) struct SpanPanel {
    /// The note being edited, with the span it belongs to.
    pub(super) note_edit: Option<(SpanId, String)>,
    /// When the note being edited last changed: it is saved once typing
    /// pauses for [`NOTE_PAUSE`].
    pub(super) note_changed_at: Option<std::time::Instant>,
    /// The relation being made: its first end and its type.
    pub(super) relating: Option<(SpanId, String)>,
    /// The selected relation the relation list last scrolled to.
    listed_relation: Option<Relation>,
    /// Names in use for actors in the project's files, read when first needed.
    names_on_disk: NamesOnDisk,
    /// The names last offered: the list is ranked once, not every frame
    /// while it is open.
    names_ranked: Option<(NamesKey, Vec<(String, usize)>)>,
    /// How many spans each label of the schema has in the current
    /// document, counted once per change of its annotations, not every
    /// frame: by (document, revision).
    label_counts: Option<((String, u64), LabelCounts)>,
}

impl SpanPanel {
    /// Reads the names in use from the files afresh when next needed.
    pub(super) fn forget_names(&mut self) {
        self.names_on_disk = None;
        self.names_ranked = None;
    }
}

impl SorotApp {
    pub(super) fn span_panel_ui(&mut self, ui: &mut Ui) {
        if let Some(review) = &mut self.review {
            if let Some(action) = review.side_panel_ui(ui) {
                self.actions.push(review_action(action));
            }
            return;
        }
        if self.workspace.is_none() {
            return;
        }
        self.labels_ui(ui);
        if self
            .workspace
            .as_ref()
            .and_then(Workspace::current)
            .is_none()
        {
            return;
        }
        ui.separator();
        self.suggestions_ui(ui);
        self.selected_span_ui(ui);
        self.selected_relation_ui(ui);
        self.relation_list_ui(ui);
        self.span_list_ui(ui);
    }

    /// The document's relations, one row each (type, source → target); a
    /// click selects the relation, × removes it.
    fn relation_list_ui(&mut self, ui: &mut Ui) {
        let Some(doc) = self.workspace.as_ref().and_then(Workspace::current) else {
            return;
        };
        let annotations = doc.annotations();
        let count = annotations.relations().count();
        if count == 0 {
            return;
        }
        ui.heading(format!("Relations ({count})"));
        let text_of = |id: SpanId| {
            annotations
                .get(id)
                .map_or_else(|| "?".to_owned(), |s| ellipsize(&s.text, 24))
        };
        let mut clicked = None;
        let mut removed = None;
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let chosen = self.selected_relation().cloned();
        // A relation selected elsewhere (on its arc) is scrolled into the
        // list once.
        let mut area = egui::ScrollArea::vertical()
            .id_salt("relation list")
            .max_height(6.0 * row_height);
        if chosen.is_none() {
            // Selected again later, it is scrolled to again.
            self.spans.listed_relation = None;
        } else if let Some(relation) = &chosen
            && self.spans.listed_relation.as_ref() != Some(relation)
        {
            self.spans.listed_relation = Some(relation.clone());
            if let Some(row) = annotations.relations().position(|r| r == relation) {
                let spacing = ui.spacing().item_spacing.y;
                area = area
                    .vertical_scroll_offset(((row as f32 - 2.0) * (row_height + spacing)).max(0.0));
            }
        }
        area.show_rows(ui, row_height, count, |ui, rows| {
            for relation in annotations.relations().skip(rows.start).take(rows.len()) {
                let selected = match &chosen {
                    Some(chosen) => chosen == relation,
                    None => self
                        .selected_span
                        .is_some_and(|id| id == relation.from || id == relation.to),
                };
                ui.horizontal(|ui| {
                    if doc.is_editable()
                        && ui
                            .small_button("×")
                            .on_hover_text("Remove this relation")
                            .clicked()
                    {
                        removed = Some(relation.clone());
                    }
                    let text = format!(
                        "{}  {} -> {}",
                        relation.kind,
                        text_of(relation.from),
                        text_of(relation.to)
                    );
                    if ui
                        .add(egui::Button::selectable(selected, text).truncate())
                        .on_hover_text("Select this relation")
                        .clicked()
                    {
                        clicked = Some(relation.clone());
                    }
                });
            }
        });
        if let Some(relation) = removed {
            self.actions.push(Action::Unlink(relation));
        }
        if let Some(relation) = clicked {
            self.actions.push(Action::SelectRelation {
                relation,
                reveal: true,
            });
        }
        ui.separator();
    }

    /// The selected relation: its type (changed from a list of the types
    /// its ends allow), its two ends (a click selects one), and removing it.
    fn selected_relation_ui(&mut self, ui: &mut Ui) {
        let Some(relation) = self.selected_relation().cloned() else {
            return;
        };
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(doc) = workspace.current() else {
            return;
        };
        let schema = workspace.project().schema();
        let annotations = doc.annotations();
        let (Some(from), Some(to)) = (annotations.get(relation.from), annotations.get(relation.to))
        else {
            return;
        };
        ui.heading("Selected relation");
        let mut kind = relation.kind.clone();
        let allowed: Vec<&str> = schema
            .relations
            .iter()
            .filter(|def| def.allows(&from.label, &to.label))
            .map(|def| def.name.as_str())
            .collect();
        ui.add_enabled_ui(doc.is_editable(), |ui| {
            egui::ComboBox::from_label("type")
                .selected_text(&kind)
                .show_ui(ui, |ui| {
                    for name in &allowed {
                        ui.selectable_value(&mut kind, (*name).to_owned(), *name);
                    }
                });
        });
        if kind != relation.kind {
            self.actions
                .push(Action::RetypeRelation(relation.clone(), kind));
        }
        for (role, span) in [("from", from), ("to", to)] {
            let [r, g, b] = schema.color(&span.label);
            ui.horizontal(|ui| {
                ui.label(format!("{role}:"));
                ui.label(
                    RichText::new(&span.label)
                        .color(Color32::from_rgb(r, g, b))
                        .strong(),
                );
                let text = format!("“{}”", ellipsize(&span.text, 60));
                if ui
                    .add(egui::Button::new(text).truncate())
                    .on_hover_text("Select this span")
                    .clicked()
                {
                    self.actions.push(Action::SelectSpan {
                        id: span.id,
                        reveal: true,
                    });
                }
            });
        }
        if doc.is_editable() {
            let key = ui
                .ctx()
                .format_shortcut(&UiCommand::DeleteSpan.shortcuts()[0]);
            if ui.button(format!("Remove relation ({key})")).clicked() {
                self.actions.push(Action::Unlink(relation));
            }
        }
        ui.separator();
    }

    /// The labels: a button each, with its hotkey, color and count.
    fn labels_ui(&mut self, ui: &mut Ui) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        let schema = workspace.project().schema();
        let doc = workspace.current();
        ui.add_space(4.0);
        ui.heading("Labels");
        let can_apply = doc.is_some_and(|d| d.is_editable())
            && (self.selection.is_some() || self.selected_span.is_some());
        if let Some(doc) = doc {
            let key = (doc.id.clone(), doc.revision());
            if self.spans.label_counts.as_ref().is_none_or(|(k, counts)| {
                // Counted afresh for a change of the schema's labels too.
                *k != key
                    || counts.len() != schema.labels.len()
                    || counts
                        .iter()
                        .zip(&schema.labels)
                        .any(|((name, _), label)| *name != label.name)
            }) {
                // Each span's label found among the schema's once per run
                // of spans of one label; nothing copied.
                let mut counts: LabelCounts =
                    schema.labels.iter().map(|l| (l.name.clone(), 0)).collect();
                let mut last: Option<(&str, Option<usize>)> = None;
                for span in doc.spans() {
                    let at = match last {
                        Some((label, at)) if label == span.label => at,
                        _ => counts.iter().position(|(name, _)| *name == span.label),
                    };
                    last = Some((&span.label, at));
                    if let Some(at) = at {
                        counts[at].1 += 1;
                    }
                }
                self.spans.label_counts = Some((key, counts));
            }
        }
        for label in &schema.labels {
            let count = match (&self.spans.label_counts, doc) {
                (Some((_, counts)), Some(_)) => counts
                    .iter()
                    .find(|(name, _)| *name == label.name)
                    .map_or(0, |(_, count)| *count),
                _ => 0,
            };
            let key = schema
                .hotkey_of(&label.name)
                .map_or(String::new(), |k| k.to_string());
            let [r, g, b] = schema.color(&label.name);
            ui.horizontal(|ui| {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                ui.painter()
                    .rect_filled(rect, 3.0, Color32::from_rgb(r, g, b));
                let button = egui::Button::new(format!("{key}  {}", label.name))
                    .min_size(egui::vec2(120.0, 0.0));
                let response = ui.add_enabled(can_apply, button);
                let tip = if label.description.is_empty() {
                    "Apply to the selection".to_owned()
                } else {
                    label.description.clone()
                };
                if response
                    .on_hover_text(tip)
                    .on_disabled_hover_text("Select text or a span first")
                    .clicked()
                {
                    self.actions.push(Action::ApplyLabel(label.name.clone()));
                }
                ui.label(RichText::new(count.to_string()).weak());
            });
        }
    }

    /// The selected span: label, text, value, attributes, relations, note.
    fn selected_span_ui(&mut self, ui: &mut Ui) {
        let candidates = self.relation_candidates();
        let SorotApp {
            workspace: Some(workspace),
            selected_span: Some(id),
            spans: panel,
            actions,
            ..
        } = self
        else {
            return;
        };
        let id = *id;
        let Some(doc) = workspace.current() else {
            return;
        };
        let Some(span) = doc.annotations().get(id) else {
            return;
        };
        let schema = workspace.project().schema();
        ui.heading("Selected span");
        let [r, g, b] = schema.color(&span.label);
        ui.label(
            RichText::new(&span.label)
                .color(Color32::from_rgb(r, g, b))
                .strong(),
        );
        ui.label(format!("“{}”", ellipsize(&span.text, 200)));
        ui.label(RichText::new(format!("characters {}–{}", span.start, span.end)).weak());
        // Attributes: the normalized value, and those the schema gives the label.
        if doc.is_editable() {
            value_ui(ui, workspace, doc, span, panel, actions);
            attributes_ui(ui, workspace, span, actions);
        } else if !span.value.is_empty() {
            ui.label(format!("value: {}", span.value));
        }
        // Where the value comes from and the notes of other kinds, as an
        // import brought them: shown, not edited.
        if !span.resource.is_empty() || !span.entry_name.is_empty() {
            let name = if span.entry_name.is_empty() {
                String::new()
            } else {
                format!(": {}", ellipsize(&span.entry_name, 80))
            };
            ui.label(RichText::new(format!("an entry of {}{name}", span.resource)).weak());
        }
        for note in &span.notes {
            ui.label(format!("{}: {}", note.kind, ellipsize(&note.text, 200)));
        }
        for relation in doc.annotations().relations_of(id) {
            let other = if relation.from == id {
                relation.to
            } else {
                relation.from
            };
            let other_text = doc
                .annotations()
                .get(other)
                .map_or(String::new(), |s| ellipsize(&s.text, 40));
            ui.horizontal(|ui| {
                if ui
                    .add(egui::Button::selectable(
                        false,
                        format!("{}: “{other_text}”", relation.kind),
                    ))
                    .on_hover_text("Select this relation")
                    .clicked()
                {
                    actions.push(Action::SelectRelation {
                        relation: relation.clone(),
                        reveal: false,
                    });
                }
                if ui
                    .small_button("×")
                    .on_hover_text("Remove this relation")
                    .clicked()
                {
                    actions.push(Action::Unlink(relation.clone()));
                }
            });
        }
        if let Some((_, kind)) = &panel.relating {
            ui.label(
                RichText::new(format!(
                    "Choose the {kind}: click it in the text, or press its number"
                ))
                .strong(),
            );
            for (n, (_, text)) in candidates.iter().enumerate() {
                ui.label(format!("{}  {}", n + 1, ellipsize(text, 40)));
            }
        } else if doc.is_editable() {
            let attributes: Vec<String> = schema
                .attributes_of(&span.label)
                .take(9)
                .enumerate()
                .map(|(i, a)| format!("Alt+{}: {}", i + 1, a.name))
                .collect();
            let mut hint = "R: link a source · Shift+R: link a target".to_owned();
            if !attributes.is_empty() {
                hint = format!("{hint} · {}", attributes.join(" · "));
            }
            ui.label(RichText::new(hint).weak());
        }
        let mut text = match &panel.note_edit {
            Some((note_id, text)) if *note_id == id => text.clone(),
            _ => span.note.clone(),
        };
        let response = ui.add_enabled(
            doc.is_editable(),
            egui::TextEdit::multiline(&mut text)
                .hint_text("Note")
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        );
        if response.changed() {
            panel.note_edit = Some((id, text.clone()));
            panel.note_changed_at = Some(std::time::Instant::now());
            ui.ctx().request_repaint_after(NOTE_PAUSE);
        }
        if response.lost_focus() {
            actions.push(Action::SetNote(id, text));
            panel.note_edit = None;
            panel.note_changed_at = None;
        }
        if ui
            .add_enabled(doc.is_editable(), egui::Button::new("Delete span"))
            .clicked()
        {
            actions.push(Action::Ui(UiCommand::DeleteSpan));
        }
        ui.separator();
    }

    /// The document's spans, one row each; a click selects one.
    fn span_list_ui(&mut self, ui: &mut Ui) {
        let Some(workspace) = &self.workspace else {
            return;
        };
        let Some(doc) = workspace.current() else {
            return;
        };
        let schema = workspace.project().schema();
        ui.heading(format!("Spans ({})", doc.spans().len()));
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let spans = doc.spans();
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("span list")
            .auto_shrink(false)
            .show_rows(ui, row_height, spans.len(), |ui, rows| {
                for span in &spans[rows] {
                    let [r, g, b] = schema.color(&span.label);
                    let flagged = doc.is_flagged(span.id);
                    let mut text = egui::text::LayoutJob::default();
                    let prefix = if flagged { "⚠ " } else { "" };
                    text.append(
                        &format!("{prefix}{} ", span.label),
                        0.0,
                        egui::TextFormat {
                            color: Color32::from_rgb(r, g, b),
                            ..Default::default()
                        },
                    );
                    text.append(
                        &ellipsize(&span.text, 48),
                        0.0,
                        egui::TextFormat {
                            color: ui.visuals().text_color(),
                            ..Default::default()
                        },
                    );
                    let selected = self.selected_span == Some(span.id);
                    let response = ui.add(egui::Button::selectable(selected, text).truncate());
                    let note = if span.note.is_empty() {
                        String::new()
                    } else {
                        format!("\nnote: {}", span.note)
                    };
                    if response
                        .on_hover_text(format!(
                            "{} [{}, {}){note}",
                            span.label, span.start, span.end
                        ))
                        .clicked()
                    {
                        clicked = Some(span.id);
                    }
                }
            });
        if let Some(id) = clicked {
            self.actions.push(Action::SelectSpan { id, reveal: true });
        }
    }

    /// Starts a relation of type `kind` from the selected span.
    pub(super) fn start_relation(&mut self, kind: &str) {
        let Some(id) = self.selected_span else {
            return;
        };
        self.spans.relating = Some((id, kind.to_owned()));
        let listed = self.relation_candidates().len();
        self.status.show(format!(
            "{kind}: click the span, or press its number (1-{}); Esc cancels",
            listed.clamp(1, 9)
        ));
    }

    /// Spans that can be the other end of the relation being made: those
    /// with the right label, in the first span's line, nearest first (at most 9).
    pub(super) fn relation_candidates(&self) -> Vec<(SpanId, String)> {
        let Some((from, kind)) = &self.spans.relating else {
            return Vec::new();
        };
        let Some(workspace) = &self.workspace else {
            return Vec::new();
        };
        let Some(doc) = workspace.current() else {
            return Vec::new();
        };
        let Some(first) = doc.annotations().get(*from) else {
            return Vec::new();
        };
        let wanted = workspace
            .project()
            .schema()
            .relation(kind)
            .map(|d| d.to.clone())
            .unwrap_or_default();
        let line = doc
            .text
            .lines()
            .into_iter()
            .find(|l| l.start <= first.start && first.start <= l.end)
            .unwrap_or(0..0);
        let mut candidates: Vec<&Span> = doc
            .spans()
            .iter()
            .filter(|s| s.id != *from && (wanted.is_empty() || s.label == wanted))
            .filter(|s| s.start < line.end.max(first.end) && s.end > line.start)
            .collect();
        candidates.sort_by_key(|s| (s.start.abs_diff(first.start), s.start));
        candidates
            .into_iter()
            .take(9)
            .map(|s| (s.id, s.text.clone()))
            .collect()
    }

    /// Links the span being related to `to`; the first end stays selected.
    pub(super) fn link_to(&mut self, to: SpanId) {
        let Some((from, kind)) = self.spans.relating.take() else {
            return;
        };
        self.status.clear();
        self.apply(Change::here(Command::Link(Relation { from, to, kind })));
        self.selected_span = Some(from);
    }

    /// The selected span's n-th attribute (1-based) with its next value: the
    /// values in order, then unset, then round again.
    pub(super) fn next_attribute_value(&self, n: u8) -> Option<(SpanId, String, String)> {
        let id = self.selected_span?;
        let workspace = self.workspace.as_ref()?;
        let span = workspace.current()?.annotations().get(id)?;
        let def = workspace
            .project()
            .schema()
            .attributes_of(&span.label)
            .nth(usize::from(n).checked_sub(1)?)?;
        let mut cycle: Vec<&str> = def.values.iter().map(String::as_str).collect();
        cycle.push("");
        let at = cycle
            .iter()
            .position(|v| *v == span.attribute(&def.name))
            .unwrap_or(cycle.len() - 1);
        Some((
            id,
            def.name.clone(),
            cycle[(at + 1) % cycle.len()].to_owned(),
        ))
    }
}

/// The action a button of the review panel asks for.
fn review_action(action: PanelAction) -> Action {
    match action {
        PanelAction::Decide(decision) => Action::Ui(match decision {
            Decision::AcceptA => UiCommand::AcceptA,
            Decision::AcceptB => UiCommand::AcceptB,
            Decision::AcceptBoth => UiCommand::AcceptBoth,
            Decision::RejectBoth => UiCommand::RejectBoth,
        }),
        PanelAction::Step(forward) => Action::Ui(if forward {
            UiCommand::NextDisagreement
        } else {
            UiCommand::PreviousDisagreement
        }),
        PanelAction::Leave => Action::LeaveReview { edit_gold: false },
        PanelAction::EditGold => Action::LeaveReview { edit_gold: true },
    }
}

/// The selected span's value (for an actor, its canonical name, with the
/// names in use to choose from).
fn value_ui(
    ui: &mut Ui,
    workspace: &Workspace,
    doc: &OpenDocument,
    span: &Span,
    panel: &mut SpanPanel,
    actions: &mut Vec<Action>,
) {
    let id = span.id;
    let mut value = span.value.clone();
    ui.horizontal(|ui| {
        let label = ui.label(if span.label == "actor" {
            "Canonical name"
        } else {
            "Value"
        });
        let response = ui
            .add(egui::TextEdit::singleline(&mut value).desired_width(150.0))
            .labelled_by(label.id);
        if response.lost_focus() && value != span.value {
            actions.push(Action::SetAttribute(id, "value".into(), value.clone()));
        }
        if span.label != "actor" {
            return;
        }
        // Names already used for actors anywhere in the project, read
        // when the list opens.
        egui::ComboBox::from_id_salt("canonical names")
            .selected_text("…")
            .width(24.0)
            .show_ui(ui, |ui| {
                let edits = workspace.open_documents().map(|d| d.revision()).sum();
                let key = (doc.id.clone(), id, edits);
                if panel.names_ranked.as_ref().is_none_or(|(k, _)| *k != key) {
                    let names = actor_names(&mut panel.names_on_disk, workspace, &span.text);
                    panel.names_ranked = Some((key, names));
                }
                let names = panel.names_ranked.as_ref().map(|(_, n)| n.as_slice());
                for (name, count) in names.unwrap_or_default().iter().take(MAX_NAMES) {
                    if ui
                        .selectable_label(span.value == *name, name)
                        .on_hover_text(format!("used {count} times"))
                        .clicked()
                    {
                        actions.push(Action::SetAttribute(id, "value".into(), name.clone()));
                    }
                }
            })
            .response
            .on_hover_text("Names already used for actors in the project")
            .labelled_by(label.id);
    });
}

/// The attributes the schema gives the selected span's label.
fn attributes_ui(ui: &mut Ui, workspace: &Workspace, span: &Span, actions: &mut Vec<Action>) {
    let id = span.id;
    for def in workspace.project().schema().attributes_of(&span.label) {
        let current = span.attribute(&def.name).to_owned();
        ui.horizontal(|ui| {
            let label = ui.label(&def.name);
            if def.values == ["yes", "no"] {
                let mut on = current == "yes";
                if ui.checkbox(&mut on, "").labelled_by(label.id).changed() {
                    let value = if on { "yes" } else { "no" };
                    actions.push(Action::SetAttribute(id, def.name.clone(), value.into()));
                }
                return;
            }
            let shown = if current.is_empty() {
                "not set".to_owned()
            } else {
                current.clone()
            };
            egui::ComboBox::from_id_salt(("attribute", &def.name))
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for value in def.values.iter().chain(std::iter::once(&String::new())) {
                        let text = if value.is_empty() {
                            "not set"
                        } else {
                            value.as_str()
                        };
                        if ui.selectable_label(current == *value, text).clicked() {
                            actions.push(Action::SetAttribute(id, def.name.clone(), value.clone()));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
    }
}

/// The names in use for actors across the project (everyone's), most used
/// first among those sharing a word with `text`. The files are read once per
/// project (into `cache`); this annotator's documents open in memory are read
/// from memory instead.
fn actor_names(cache: &mut NamesOnDisk, workspace: &Workspace, text: &str) -> Vec<(String, usize)> {
    let root = workspace.project().root();
    if cache.as_ref().is_none_or(|(r, _)| r != root) {
        let names = suggest::names_on_disk(workspace.project(), "actor");
        *cache = Some((root.to_owned(), names));
    }
    let Some((_, on_disk)) = cache.as_ref() else {
        return Vec::new();
    };
    let open: BTreeMap<&str, &OpenDocument> = workspace
        .open_documents()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let counts = on_disk
        .iter()
        .filter(|((annotator, doc), _)| {
            annotator != workspace.annotator() || !open.contains_key(doc.as_str())
        })
        .flat_map(|(_, names)| names.iter().map(|(n, c)| (n.clone(), *c)))
        .chain(
            open.values()
                .flat_map(|d| suggest::names_in(d.spans().iter(), "actor")),
        );
    for (name, count) in counts {
        *names.entry(name).or_default() += count;
    }
    suggest::rank_names(&names, text)
}
