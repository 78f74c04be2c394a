//! The compare-with-gold window (View > Compare with gold…): the annotator's
//! spans against the gold set, each difference listed by kind with what the
//! curator did, for the open document or the whole project.
//!
//! The comparison runs on a background thread (it reads every document the
//! annotator and the gold set both have); the list paints only its visible
//! rows. The window only shows: Show opens the document at the difference,
//! with the annotator's span selected when they have one (else the gold
//! span's range, to label), scrolled out from under the window.
//!
//! **Stale**: a change made while the window is open (an edit of the
//! annotator's, a review decision) makes the list stale; once the change is
//! saved, the comparison runs again, and the old list stays until the new
//! one is made.

use std::thread::JoinHandle;

use egui::{RichText, Ui};

use sorot_core::analysis::review::{self, GoldComparison, Kind};
use sorot_core::project::Project;

/// The window's state.
#[derive(Default)]
pub struct CompareWindow {
    /// Whose work is compared, while the window is open.
    annotator: Option<String>,
    running: Option<JoinHandle<GoldComparison>>,
    compared: Option<GoldComparison>,
    /// Whether the list shows the whole project, or the open document.
    whole_project: bool,
    /// The project compared, for running the comparison again.
    project: Option<Project>,
    /// Whether a change came after the comparison started.
    stale: bool,
}

/// Open the document at this range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowAt {
    pub document: String,
    pub start: usize,
    pub end: usize,
    /// The annotator's span there, as (start, end, label), when they have one.
    pub yours: Option<(usize, usize, String)>,
}

impl CompareWindow {
    /// Opens the window and compares on a background thread.
    pub fn compare(&mut self, project: Project, annotator: String) {
        self.annotator = Some(annotator);
        self.compared = None;
        self.project = Some(project);
        self.run();
    }

    /// Starts the comparison on a background thread.
    fn run(&mut self) {
        let (Some(project), Some(who)) = (self.project.clone(), self.annotator.clone()) else {
            return;
        };
        self.stale = false;
        self.running = Some(std::thread::spawn(move || {
            review::compare_with_gold(&project, &who)
        }));
    }

    /// Marks the list [stale](self) after a change, while the window is open.
    pub fn mark_stale(&mut self) {
        self.stale = self.is_open();
    }

    /// Runs the comparison again when the list is stale, no comparison is
    /// running and `saved` says every change is on disk (asked only then).
    pub fn refresh_when(&mut self, saved: impl FnOnce() -> bool) {
        if self.stale && self.running.is_none() && saved() {
            self.run();
        }
    }

    /// Takes the comparison once it has finished; true when it did.
    pub fn poll(&mut self) -> bool {
        if self.running.as_ref().is_some_and(JoinHandle::is_finished) {
            self.wait();
            return true;
        }
        false
    }

    /// Waits for the comparison (tests).
    pub fn wait(&mut self) {
        if let Some(running) = self.running.take() {
            self.compared = Some(running.join().unwrap_or_else(|_| GoldComparison {
                problems: vec!["the comparison stopped unexpectedly".into()],
                ..GoldComparison::default()
            }));
        }
    }

    pub fn is_open(&self) -> bool {
        self.annotator.is_some()
    }

    /// The comparison, once made.
    pub fn compared(&self) -> Option<&GoldComparison> {
        self.compared.as_ref()
    }

    pub fn close(&mut self) {
        self.annotator = None;
        self.running = None;
        self.compared = None;
        self.project = None;
        self.stale = false;
    }

    /// Shows the window over `current` (the open document's id); returns
    /// the difference to show, when one is asked for.
    pub fn ui(&mut self, ctx: &egui::Context, current: Option<&str>) -> Option<ShowAt> {
        let annotator = self.annotator.clone()?;
        let mut open = true;
        let mut show = None;
        egui::Window::new(TITLE)
            .id(window_id())
            .open(&mut open)
            .default_width(620.0)
            .default_height(440.0)
            .show(ctx, |ui| {
                let Some(compared) = &self.compared else {
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_millis(100));
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Comparing with the gold set…");
                    });
                    return;
                };
                if compared.documents == 0 {
                    ui.label(format!(
                        "None of {annotator}'s documents is reviewed into the gold set yet ({} in review): a curator reviews them into it (Review > Review two annotators…) and marks them reviewed.",
                        compared.unreviewed.len()
                    ));
                    return;
                }
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.whole_project, false, "This document");
                    ui.selectable_value(&mut self.whole_project, true, "Whole project");
                });
                let rows: Vec<&(String, review::Difference)> = compared
                    .differences
                    .iter()
                    .filter(|(doc, _)| self.whole_project || Some(doc.as_str()) == current)
                    .collect();
                if !self.whole_project
                    && current.is_some_and(|c| compared.unreviewed.contains(c))
                {
                    ui.label(
                        "This document is not reviewed into the gold set yet; its differences show once the curator marks it reviewed.",
                    );
                    return;
                }
                ui.label(format!(
                    "{annotator} against the gold set, {}: {} alike, {}",
                    if self.whole_project {
                        format!(
                            "{} reviewed ({} in review left out)",
                            sorot_core::counted(compared.documents, "document"),
                            compared.unreviewed.len()
                        )
                    } else {
                        current.unwrap_or("no document").to_owned()
                    },
                    sorot_core::counted(
                        if self.whole_project {
                            compared.agreements
                        } else {
                            current.and_then(|c| compared.alike.get(c)).copied().unwrap_or(0)
                        },
                        "span"
                    ),
                    sorot_core::counted(rows.len(), "difference")
                ));
                ui.horizontal_wrapped(|ui| {
                    for kind in Kind::ALL.into_iter().filter(|k| k.is_disagreement()) {
                        let count = rows.iter().filter(|(_, d)| d.kind == kind).count();
                        ui.label(RichText::new(format!("{}: {count}", heading(kind))).weak());
                    }
                });
                for problem in &compared.problems {
                    ui.label(RichText::new(problem).color(ui.visuals().warn_fg_color));
                }
                ui.separator();
                let height = ui.spacing().interact_size.y;
                egui::ScrollArea::vertical()
                    .auto_shrink([false, true])
                    .show_rows(ui, height, rows.len(), |ui, visible| {
                        for (doc, difference) in &rows[visible] {
                            ui.horizontal(|ui| {
                                ui.set_height(height);
                                if ui.small_button("Show").clicked() {
                                    let range = difference.range();
                                    show = Some(ShowAt {
                                        document: doc.clone(),
                                        start: range.start,
                                        end: range.end,
                                        yours: difference
                                            .a
                                            .as_ref()
                                            .map(|s| (s.start, s.end, s.label.clone())),
                                    });
                                }
                                row_ui(ui, compared, doc, difference, self.whole_project);
                            });
                        }
                    });
            });
        if !open {
            self.close();
        }
        show
    }
}

/// The window's title.
const TITLE: &str = "Compare with gold";

/// The window's id, which names its area.
fn window_id() -> egui::Id {
    egui::Id::unique(TITLE)
}

/// Where the window lay on the screen in the last frame, if it is shown.
pub fn window_rect(ctx: &egui::Context) -> Option<egui::Rect> {
    ctx.memory(|m| m.area_rect(window_id()))
}

/// A kind of difference, from the annotator's side.
fn heading(kind: Kind) -> &'static str {
    match kind {
        Kind::Agreement => "alike",
        Kind::OnlyA => "only yours",
        Kind::OnlyB => "only in gold",
        Kind::LabelDiffers => "another label",
        Kind::BoundariesDiffer => "other boundaries",
    }
}

/// One difference: yours, the gold set's, and what the curator did.
fn row_ui(
    ui: &mut Ui,
    compared: &GoldComparison,
    doc: &str,
    difference: &review::Difference,
    with_document: bool,
) {
    let side = |span: &Option<sorot_core::model::Span>| match span {
        Some(span) => format!("{} “{}”", span.label, crate::ellipsize(&span.text, 40)),
        None => "—".to_owned(),
    };
    let mut text = format!(
        "yours: {}   gold: {}   ({})",
        side(&difference.a),
        side(&difference.b),
        compared.decision(doc, difference)
    );
    if with_document {
        text = format!("{doc}: {text}");
    }
    ui.add(egui::Label::new(text).truncate());
}
