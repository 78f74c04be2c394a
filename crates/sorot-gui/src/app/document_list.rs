//! The document list (left): every text of the project with the annotator's
//! status and span count, or, while reviewing, the gold set's review status;
//! a filter box narrows it.
//!
//! Terms:
//! - **filter**: the query typed into the box (see
//!   `sorot_core::project::filter`): words the id or the text must hold,
//!   `status:` and `has:`. A query that reads texts runs on a thread of its
//!   own; the list shows the last answer meanwhile. The list as filtered is
//!   the order in which the next and previous document keys move.
//! - **title**: each text's first line, shown before its file name; read
//!   for the rows in view only, once.
//! - **status icon**: ○ not started, ◑ in progress (in review), ✔ done
//!   (reviewed), ⚠ an annotation file that cannot be read.

use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc;

use egui::{RichText, Ui};

use sorot_core::model::Status;
use sorot_core::project::filter::{DocFilter, filter_documents, title_of};
use sorot_core::project::workspace::Workspace;

use super::status_bar::review_state;
use super::{Action, SorotApp};

/// The document list's state.
#[derive(Debug, Default)]
pub(super) struct DocumentList {
    filter: String,
    /// The ids the filter keeps, with the filter they were listed for.
    filtered: Option<(String, Vec<String>)>,
    /// A filter being run on its own thread: its query, and where its ids
    /// come back.
    running: Option<(String, mpsc::Receiver<Vec<String>>)>,
    /// Why the filter does not read, if it does not.
    error: Option<String>,
    /// The titles read so far, by id.
    titles: HashMap<String, String>,
    /// Moves the keyboard into the filter box in the next frame.
    pub(super) focus: bool,
}

impl DocumentList {
    /// The ids of the documents the filter keeps, in the project's order:
    /// the last answer while a filter that reads texts is running.
    pub(super) fn ids(&mut self, workspace: Option<&Workspace>) -> Vec<String> {
        let Some(workspace) = workspace else {
            return Vec::new();
        };
        if let Some((query, receiver)) = &self.running
            && let Ok(ids) = receiver.try_recv()
        {
            self.filtered = Some((query.clone(), ids));
            self.running = None;
        }
        // A filter by status or label alone follows the summaries, which
        // each save changes; it reads no texts, so it runs again each time.
        let by_summaries =
            DocFilter::parse(&self.filter).is_ok_and(|f| !f.is_empty() && !f.reads_texts());
        let current = !by_summaries
            && self
                .filtered
                .as_ref()
                .is_some_and(|(query, _)| *query == self.filter);
        let running = self
            .running
            .as_ref()
            .is_some_and(|(query, _)| *query == self.filter);
        if !current && !running {
            self.start(workspace);
        }
        match &self.filtered {
            Some((_, ids)) => ids.clone(),
            None => Vec::new(),
        }
    }

    /// Runs the filter: at once when it reads no texts, else on a thread.
    fn start(&mut self, workspace: &Workspace) {
        let filter = match DocFilter::parse(&self.filter) {
            Ok(filter) => {
                self.error = None;
                filter
            }
            Err(err) => {
                self.error = Some(err.to_string());
                DocFilter::default()
            }
        };
        let project = workspace.project().clone();
        let summaries = workspace.summaries().clone();
        if !filter.reads_texts() {
            let ids = filter_documents(&project, &summaries, &BTreeMap::new(), &filter);
            self.filtered = Some((self.filter.clone(), ids));
            self.running = None;
            return;
        }
        // Documents open in memory are read from there.
        let open: BTreeMap<String, String> = workspace
            .open_documents()
            .map(|d| (d.id.clone(), d.text.as_str().to_owned()))
            .collect();
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("sorot-filter".into())
            .spawn(move || {
                let _ = sender.send(filter_documents(&project, &summaries, &open, &filter));
            })
            .ok();
        self.running = Some((self.filter.clone(), receiver));
    }

    /// Waits for a filter that is running (tests).
    pub(super) fn wait(&mut self) {
        if let Some((query, receiver)) = self.running.take()
            && let Ok(ids) = receiver.recv()
        {
            self.filtered = Some((query, ids));
        }
    }

    /// Lists the documents afresh (the project's texts changed, or another
    /// project opened).
    pub(super) fn relist(&mut self) {
        self.filtered = None;
        self.running = None;
        self.titles.clear();
    }

    /// The title of document `id` at `path`, read once.
    fn title(&mut self, id: &str, path: &std::path::Path) -> &str {
        self.titles
            .entry(id.to_owned())
            .or_insert_with(|| title_of(path))
    }
}

impl SorotApp {
    pub(super) fn document_list_ui(&mut self, ui: &mut Ui) {
        ui.add_space(4.0);
        ui.heading("Documents");
        let filter = ui
            .add(
                egui::TextEdit::singleline(&mut self.documents.filter)
                    .hint_text("Filter: words, status:done, has:claim")
                    .desired_width(f32::INFINITY),
            )
            .on_hover_text(
            "Words of the name or the text; status:done, status:todo, status:new, status:progress; has:LABEL",
        );
        if std::mem::take(&mut self.documents.focus) {
            filter.request_focus();
        }
        ui.add_space(4.0);
        let ids = self.documents.ids(self.workspace.as_ref());
        let Some(workspace) = &self.workspace else {
            match &self.waiting {
                // The project opens once the annotator is known.
                Some(project) => {
                    ui.label(RichText::new("Opens once you say who is annotating").weak());
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        for doc in project.docs() {
                            ui.label(RichText::new(&doc.id).weak());
                        }
                    });
                }
                None => {
                    ui.label("No project open. File > Open folder…");
                }
            }
            return;
        };
        if let Some(error) = &self.documents.error {
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        }
        if self.documents.running.is_some() {
            ui.label(RichText::new("Searching the texts…").weak());
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        } else if ids.is_empty() {
            ui.label(RichText::new("No texts match").weak());
        }
        if let Some(review) = &mut self.review {
            if review.poll_counts() {
                ui.ctx().request_repaint();
            } else if review.is_counting() {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        let review = self.review.as_ref();
        let reviewing = review.map(|r| r.gold());
        let current = reviewing
            .unwrap_or(workspace)
            .current_id()
            .map(str::to_owned);
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut clicked = None;
        egui::ScrollArea::vertical().auto_shrink(false).show_rows(
            ui,
            row_height,
            ids.len(),
            |ui, rows| {
                for id in &ids[rows] {
                    let selected = current.as_deref() == Some(id.as_str());
                    let title = match workspace.project().doc(id) {
                        Some(doc) => self.documents.title(id, &doc.path).to_owned(),
                        None => String::new(),
                    };
                    let (text, right, tip) = match reviewing {
                        Some(gold) => {
                            let status = gold.summary(id).map_or(Status::NotStarted, |s| s.status);
                            let mut tip = review_state(status).to_owned();
                            // Until reviewed: how many disagreements are left.
                            let left = review
                                .and_then(|r| r.left(id))
                                .filter(|_| status != Status::Done);
                            if let Some(left) = left {
                                tip = format!("{tip}, {left} left to decide");
                            }
                            let right = left.map(|n| format!("({n} left)"));
                            (format!("{}  ", status_icon(status)), right, tip)
                        }
                        None => {
                            let summary = workspace.summary(id);
                            let (icon, tip) = match summary {
                                Some(s) if s.error.is_some() => {
                                    ("⚠", s.error.clone().unwrap_or_default())
                                }
                                Some(s) => (status_icon(s.status), s.status.describe().to_owned()),
                                None => (status_icon(Status::NotStarted), "not started".to_owned()),
                            };
                            let count = summary.map_or(0, |s| s.spans);
                            (format!("{icon}  "), Some(format!("({count})")), tip)
                        }
                    };
                    if document_row(ui, selected, &text, &title, id, right)
                        .on_hover_text(format!("{title}\n{id}: {tip}"))
                        .clicked()
                    {
                        clicked = Some(id.clone());
                    }
                }
            },
        );
        if let Some(id) = clicked {
            self.actions.push(Action::SelectDocument(id));
        }
    }
}

fn status_icon(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "○",
        Status::InProgress => "◑",
        Status::Done => "✔",
    }
}

/// Below this width (less the status icon and the span count) a row shows
/// the title alone.
const NARROW_ROW: f32 = 240.0;

/// One row of the document list: one line, the status icon, the title and
/// the file name (fainter) cut short with "…" where they do not fit, and
/// `right` (the span count) kept at the right end. The list scrolls by rows
/// of one line; the hover text names the whole title and id.
fn document_row(
    ui: &mut Ui,
    selected: bool,
    icon: &str,
    title: &str,
    id: &str,
    right: Option<String>,
) -> egui::Response {
    let mut job = egui::text::LayoutJob::default();
    let style = ui.style();
    let font = egui::TextStyle::Button.resolve(style);
    let color = style.visuals.text_color();
    let weak = style.visuals.weak_text_color();
    let format = |color| egui::TextFormat::simple(font.clone(), color);
    job.append(icon, 0.0, format(color));
    if !title.is_empty() {
        // In a wide list the title takes at most about three fifths of the
        // row, so that the name shows beside it; in a narrow one the title
        // takes the row, and the name shows on hover.
        let room = (ui.available_width() - 60.0).max(0.0);
        if room < NARROW_ROW {
            job.append(title, 0.0, format(color));
        } else {
            let chars = (room * 0.6 / (font.size * 0.5)) as usize;
            job.append(&crate::ellipsize(title, chars.max(8)), 0.0, format(color));
        }
        job.append("  ", 0.0, format(color));
    }
    job.append(id, 0.0, format(weak));
    let mut row = egui::Button::selectable(selected, job).truncate();
    if let Some(right) = right {
        row = row.right_text(right);
    }
    ui.add(row)
}
