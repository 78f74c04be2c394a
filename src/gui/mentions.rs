//! The project mentions window (Suggest > Find mentions of the span in the
//! project…): every other whole-word occurrence of the selected span's text in
//! any document, listed with its line of context, to accept (as a span with
//! the same label and value) or reject one by one, or to accept all at once.
//!
//! The window only lists and asks; the workbench carries out each answer as a
//! command on the mention's document, so it is undoable there and autosaved.

use egui::{Color32, RichText, Ui};

use crate::suggest::Mention;

/// What the mentions are of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub text: String,
    pub label: String,
    /// The span's normalized value, given to every accepted mention.
    pub value: String,
    pub color: [u8; 3],
}

/// An answer the user gave in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionAction {
    Accept(usize),
    Reject(usize),
    AcceptAll,
    /// Opens the mention's document with the mention selected.
    Show(usize),
}

/// The window's state: the query and the mentions not yet answered.
#[derive(Default)]
pub struct MentionsWindow {
    query: Option<Query>,
    items: Vec<Mention>,
    /// Documents that could not be searched, with why.
    problems: Vec<String>,
}

impl MentionsWindow {
    pub fn open(&mut self, query: Query, items: Vec<Mention>, problems: Vec<String>) {
        self.query = Some(query);
        self.items = items;
        self.problems = problems;
    }

    pub fn is_open(&self) -> bool {
        self.query.is_some()
    }

    pub fn query(&self) -> Option<&Query> {
        self.query.as_ref()
    }

    /// The mentions still waiting for an answer.
    pub fn items(&self) -> &[Mention] {
        &self.items
    }

    /// Takes an answered mention off the list.
    pub fn remove(&mut self, index: usize) -> Option<Mention> {
        (index < self.items.len()).then(|| self.items.remove(index))
    }

    pub fn close(&mut self) {
        self.query = None;
        self.items.clear();
        self.problems.clear();
    }

    /// Shows the window; returns what the user asked for this frame.
    pub fn ui(&mut self, ctx: &egui::Context) -> Vec<MentionAction> {
        let mut actions = Vec::new();
        let Some(query) = self.query.clone() else {
            return actions;
        };
        let mut open = true;
        let documents = {
            let mut ids: Vec<&str> = self.items.iter().map(|m| m.doc_id.as_str()).collect();
            ids.dedup();
            ids.len()
        };
        egui::Window::new("Mentions in the project")
            .open(&mut open)
            .pivot(egui::Align2::CENTER_BOTTOM)
            .default_pos(ctx.content_rect().center_bottom() - egui::vec2(0.0, 40.0))
            .default_width(560.0)
            .default_height(420.0)
            .show(ctx, |ui| {
                let [r, g, b] = query.color;
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("“{}”", query.text)).strong());
                    ui.label(RichText::new(&query.label).color(Color32::from_rgb(r, g, b)));
                    if !query.value.is_empty() {
                        ui.label(format!("= {}", query.value));
                    }
                });
                ui.label(format!(
                    "{} mentions not labeled yet, in {documents} documents",
                    self.items.len()
                ));
                for problem in &self.problems {
                    ui.label(
                        RichText::new(format!("not searched: {problem}"))
                            .color(ui.visuals().warn_fg_color),
                    );
                }
                if !self.items.is_empty()
                    && ui
                        .button(format!("Accept all {}", self.items.len()))
                        .on_hover_text(
                            "Label every listed mention; each document keeps its own undo",
                        )
                        .clicked()
                {
                    actions.push(MentionAction::AcceptAll);
                }
                ui.separator();
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        let mut last_doc = None;
                        for (i, mention) in self.items.iter().enumerate() {
                            if last_doc != Some(mention.doc_id.as_str()) {
                                ui.label(RichText::new(&mention.doc_id).weak());
                                last_doc = Some(mention.doc_id.as_str());
                            }
                            ui.horizontal(|ui| {
                                if ui.small_button("Accept").clicked() {
                                    actions.push(MentionAction::Accept(i));
                                }
                                if ui.small_button("Reject").clicked() {
                                    actions.push(MentionAction::Reject(i));
                                }
                                if context_line(ui, mention, &query.text)
                                    .on_hover_text("Open the document at this mention")
                                    .clicked()
                                {
                                    actions.push(MentionAction::Show(i));
                                }
                            });
                        }
                    });
            });
        if !open {
            self.close();
        }
        actions
    }
}

/// A mention in its context, the mention itself in bold, as a link.
fn context_line(ui: &mut Ui, mention: &Mention, text: &str) -> egui::Response {
    let mut job = egui::text::LayoutJob::default();
    let style = ui.style();
    let normal = egui::TextFormat {
        color: ui.visuals().text_color(),
        font_id: egui::TextStyle::Body.resolve(style),
        ..Default::default()
    };
    let strong = egui::TextFormat {
        color: ui.visuals().strong_text_color(),
        underline: egui::Stroke::new(1.0, ui.visuals().strong_text_color()),
        ..normal.clone()
    };
    job.append(&format!("…{}", mention.before), 0.0, normal.clone());
    job.append(text, 0.0, strong);
    job.append(&format!("{}…", mention.after), 0.0, normal);
    job.wrap.max_rows = 1;
    job.wrap.break_anywhere = true;
    ui.add(egui::Label::new(job).sense(egui::Sense::click()).truncate())
}
