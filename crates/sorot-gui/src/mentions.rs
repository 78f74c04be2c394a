//! The project mentions window (Suggest > Find mentions of the span in the
//! project…): every other whole-word occurrence of the selected span's text in
//! any document, listed with its line of context, to accept (as a span with
//! the same label and value) or reject one by one, or to accept all at once.
//!
//! The search runs on a background thread (it may read every document); the
//! list paints only its visible rows. The window only lists and asks; the
//! workbench carries out each answer as a command on the mention's document,
//! so it is undoable there and autosaved.

use std::collections::BTreeMap;
use std::thread::JoinHandle;

use egui::{Color32, RichText, Ui};

use sorot_core::analysis::suggest::{self, Mention, Snapshot};
use sorot_core::model::Annotations;
use sorot_core::project::Project;

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

/// What the search finds: the mentions, and the documents it could not read.
type Found = (Vec<Mention>, Vec<String>);

/// The window's state: the query and the mentions not yet answered.
#[derive(Default)]
pub struct MentionsWindow {
    query: Option<Query>,
    search: Option<JoinHandle<Found>>,
    items: Vec<Mention>,
    /// Documents that could not be searched, with why.
    problems: Vec<String>,
}

impl MentionsWindow {
    /// Opens the window and searches the project on a background thread.
    /// `open` holds the documents whose state in memory is newer than their
    /// files, by id.
    pub fn search(
        &mut self,
        query: Query,
        project: Project,
        annotator: String,
        open: BTreeMap<String, Snapshot>,
    ) {
        self.close();
        let (text, label) = (query.text.clone(), query.label.clone());
        self.search = Some(std::thread::spawn(move || {
            suggest::project_mentions(&project, &annotator, &open, &text, &label)
        }));
        self.query = Some(query);
    }

    /// Takes the search's results once it has finished; true when it did.
    pub fn poll(&mut self) -> bool {
        if self.search.as_ref().is_some_and(JoinHandle::is_finished) {
            self.wait();
            return true;
        }
        false
    }

    /// Waits for the search (tests).
    pub fn wait(&mut self) {
        if let Some(search) = self.search.take() {
            match search.join() {
                Ok((items, problems)) => {
                    self.items = items;
                    self.problems = problems;
                }
                Err(_) => self.problems = vec!["the search stopped unexpectedly".into()],
            }
        }
    }

    pub fn is_searching(&self) -> bool {
        self.search.is_some()
    }

    /// Drops the listed mentions of `doc_id` that `annotations` now rules out:
    /// rejected, or overlapping a span of the query's label.
    pub fn drop_decided(&mut self, doc_id: &str, annotations: &Annotations) {
        let Some(query) = &self.query else {
            return;
        };
        let decided = suggest::Decided::new(annotations);
        self.items
            .retain(|m| m.doc_id != doc_id || !decided.rules_out(m.start, m.end, &query.label));
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

    /// Settles the mention at `index` after its answer was carried out (`done`)
    /// or not: the edit usually took it off the list already; if it is still
    /// there, it goes when done and stays when not. Returns whether the list
    /// moved on past `index` (the mention is no longer there).
    pub fn answered(&mut self, index: usize, mention: &Mention, done: bool) -> bool {
        if self.items.get(index) != Some(mention) {
            return true;
        }
        if done {
            self.items.remove(index);
        }
        done
    }

    /// Closes the window; a search still running is left to finish unseen.
    pub fn close(&mut self) {
        self.query = None;
        self.search = None;
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
                    if query.label == "date" {
                        ui.label("(each takes the value of the date where it stands)");
                    } else if !query.value.is_empty() {
                        ui.label(format!("= {}", query.value));
                    }
                });
                if self.search.is_some() {
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_millis(100));
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Searching the project…");
                    });
                    return;
                }
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
                // One row per document heading and per mention; only the
                // visible ones are laid out.
                let mut rows: Vec<Result<usize, &str>> = Vec::new();
                for (i, mention) in self.items.iter().enumerate() {
                    if i == 0 || self.items[i - 1].doc_id != mention.doc_id {
                        rows.push(Err(&mention.doc_id));
                    }
                    rows.push(Ok(i));
                }
                let height = ui.spacing().interact_size.y;
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show_rows(ui, height, rows.len(), |ui, visible| {
                        for row in &rows[visible] {
                            match *row {
                                Err(doc_id) => {
                                    ui.horizontal(|ui| {
                                        ui.set_height(height);
                                        ui.add(
                                            egui::Label::new(RichText::new(doc_id).weak())
                                                .truncate(),
                                        );
                                    });
                                }
                                Ok(i) => {
                                    ui.horizontal(|ui| {
                                        ui.set_height(height);
                                        if ui.small_button("Accept").clicked() {
                                            actions.push(MentionAction::Accept(i));
                                        }
                                        if ui.small_button("Reject").clicked() {
                                            actions.push(MentionAction::Reject(i));
                                        }
                                        if context_line(ui, &self.items[i], &query.text)
                                            .on_hover_text("Open the document at this mention")
                                            .clicked()
                                        {
                                            actions.push(MentionAction::Show(i));
                                        }
                                    });
                                }
                            }
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
