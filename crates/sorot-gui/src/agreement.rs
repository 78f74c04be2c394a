//! The agreement window (View > Agreement…): the figures of `sorot agree`
//! computed on a background thread, as a table, a bar chart per label, a heat
//! map of pairwise agreement, a table of the documents (those the annotators
//! disagree on most first) and the label counts of each annotator. Labels
//! are in the schema's order; annotators can be left out and the figures
//! computed again.

use std::sync::Arc;
use std::thread::JoinHandle;

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use sorot_core::analysis::agree::{self, Figure, Report};
use sorot_core::formats::export::Progress;
use sorot_core::model::schema::Schema;
use sorot_core::project::Project;

struct Job {
    progress: Arc<Progress>,
    handle: JoinHandle<Report>,
}

/// The agreement window's state.
#[derive(Default)]
pub struct AgreementWindow {
    open: bool,
    job: Option<Job>,
    report: Option<Report>,
    /// The project the figures are of, to compute them again.
    project: Option<Project>,
    /// Annotators left out of the figures.
    left_out: std::collections::BTreeSet<String>,
    /// How the document table is sorted.
    sort: DocumentSort,
}

/// The order of the document table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum DocumentSort {
    /// Lowest mean micro span F1 first: where annotators disagree most.
    #[default]
    DisagreementFirst,
    ById,
}

impl AgreementWindow {
    /// Opens the window and computes the figures afresh.
    pub fn open(&mut self, project: Project) {
        self.open = true;
        self.project = Some(project);
        self.compute();
    }

    /// Computes the figures of the annotators not left out, on a
    /// background thread.
    fn compute(&mut self) {
        if self.job.is_some() {
            return;
        }
        let Some(project) = self.project.clone() else {
            return;
        };
        let chosen: Vec<String> = project
            .annotators()
            .into_iter()
            .filter(|a| !self.left_out.contains(a))
            .collect();
        let progress = Arc::new(Progress::default());
        let job_progress = Arc::clone(&progress);
        let handle = std::thread::spawn(move || {
            agree::agree_with_progress(&project, &chosen, Some(&job_progress))
        });
        self.job = Some(Job { progress, handle });
    }

    /// Leaves `annotator` out of the figures (or takes them back in) and
    /// computes them again.
    pub fn leave_out(&mut self, annotator: &str, out: bool) {
        if out {
            self.left_out.insert(annotator.to_owned());
        } else {
            self.left_out.remove(annotator);
        }
        self.compute();
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The figures, once computed (tests).
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// Waits for the computation (tests).
    pub fn wait(&mut self) {
        if let Some(job) = self.job.take() {
            self.report = job.handle.join().ok();
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, schema: &Schema) {
        if self.job.as_ref().is_some_and(|j| j.handle.is_finished()) {
            self.wait();
        }
        let mut open = self.open;
        let mut toggled = None;
        let annotators = self
            .project
            .as_ref()
            .map(Project::annotators)
            .unwrap_or_default();
        egui::Window::new("Agreement").open(&mut open).default_size([760.0, 620.0]).vscroll(true).show(ctx, |ui| {
            // Each annotator can be left out; the figures are computed again.
            ui.horizontal_wrapped(|ui| {
                ui.label("Annotators:");
                for annotator in &annotators {
                    let mut included = !self.left_out.contains(annotator);
                    if ui.checkbox(&mut included, annotator).changed() {
                        toggled = Some((annotator.clone(), !included));
                    }
                }
            });
            if let Some(job) = &self.job {
                ui.label("Reading every annotator's files…");
                ui.add(egui::ProgressBar::new(job.progress.fraction()).show_percentage());
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
                return;
            }
            match &self.report {
                None => {
                    ui.label("No figures yet.");
                }
                Some(report) if report.corpus.annotators.len() < 2 => {
                    ui.label(if self.left_out.is_empty() {
                        "Agreement needs at least two annotators with annotation files in this project.".to_owned()
                    } else {
                        format!(
                            "Agreement needs at least two annotators: tick another one above ({} left out).",
                            self.left_out.len()
                        )
                    });
                }
                Some(report) => report_ui(ui, report, schema, &mut self.sort),
            }
        });
        self.open = open;
        if let Some((annotator, out)) = toggled {
            self.leave_out(&annotator, out);
        }
    }
}

fn show(figure: &Figure) -> String {
    figure
        .value()
        .map_or("n/a".to_owned(), |v| format!("{v:.3}"))
}

/// The labels of `figures`, the schema's first in its order, then any other.
fn in_schema_order<'a, T>(
    figures: &'a std::collections::BTreeMap<String, T>,
    schema: &Schema,
) -> Vec<(&'a str, &'a T)> {
    let mut ordered: Vec<(&str, &T)> = schema
        .labels
        .iter()
        .filter_map(|l| figures.get_key_value(&l.name))
        .map(|(l, f)| (l.as_str(), f))
        .collect();
    ordered.extend(
        figures
            .iter()
            .filter(|(l, _)| !schema.contains(l))
            .map(|(l, f)| (l.as_str(), f)),
    );
    ordered
}

fn report_ui(ui: &mut Ui, report: &Report, schema: &Schema, sort: &mut DocumentSort) {
    let corpus = &report.corpus;
    ui.label(format!(
        "{}, {}. Figures over the whole corpus.",
        sorot_core::counted(corpus.annotators.len(), "annotator"),
        sorot_core::counted(corpus.documents, "document")
    ));
    for skipped in &report.skipped {
        ui.colored_label(ui.visuals().warn_fg_color, skipped);
    }
    for pair in &corpus.pairs {
        ui.add_space(6.0);
        ui.label(
            RichText::new(format!(
                "{} vs {} ({} both annotated)",
                pair.a,
                pair.b,
                sorot_core::counted(pair.documents, "document")
            ))
            .strong(),
        );
        egui::Grid::new(("pair", &pair.a, &pair.b))
            .striped(true)
            .num_columns(7)
            .show(ui, |ui| {
                for heading in [
                    "label",
                    "span F1 exact",
                    "span F1 overlap",
                    "token kappa",
                    "gamma",
                    &pair.a,
                    &pair.b,
                ] {
                    let response = ui.label(RichText::new(heading).strong());
                    if heading == "gamma" {
                        response.on_hover_text(
                            "Mathet et al.'s gamma: per label from the spans' positions; \
                             on the micro row over all labels, positions and labels",
                        );
                    }
                }
                ui.end_row();
                let rows = in_schema_order(&pair.labels, schema)
                    .into_iter()
                    .chain(std::iter::once(("micro", &pair.micro)));
                for (label, f) in rows {
                    ui.label(label);
                    let gamma = f.gamma.gamma();
                    for figure in [&f.span_f1_exact, &f.span_f1_overlap, &f.token_kappa, &gamma] {
                        let response = ui.label(show(figure));
                        if let Some(reason) = figure.reason() {
                            response.on_hover_text(reason);
                        }
                    }
                    ui.label(f.a_spans.to_string());
                    ui.label(f.b_spans.to_string());
                    ui.end_row();
                }
            });
        // Relations and attributes, over the spans both have.
        egui::Grid::new(("details", &pair.a, &pair.b))
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                let relations = &pair.relations;
                ui.label("relations between spans both have");
                let response = ui.label(format!("F1 {}", show(&relations.f1)));
                if let Some(reason) = relations.f1.reason() {
                    response.on_hover_text(reason);
                }
                ui.label(format!(
                    "{} {}, {} {}",
                    pair.a, relations.a, pair.b, relations.b
                ));
                ui.end_row();
                for (name, (kappa, items)) in &pair.attributes {
                    ui.label(name);
                    let response = ui.label(format!("kappa {}", show(kappa)));
                    if let Some(reason) = kappa.reason() {
                        response.on_hover_text(reason);
                    }
                    ui.label(sorot_core::counted(*items, "span"));
                    ui.end_row();
                }
            });
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Krippendorff's alpha, all annotators at once").strong());
    egui::Grid::new("alpha").striped(true).show(ui, |ui| {
        ui.label("");
        ui.label("alpha")
            .on_hover_text("nominal, over each label's token tags");
        ui.label("u-alpha").on_hover_text(
            "unitizing, over characters, on the documents every annotator annotated",
        );
        ui.end_row();
        let rows = in_schema_order(&corpus.alpha, schema)
            .into_iter()
            .map(|(label, alpha)| (label, alpha, &corpus.u_alpha[label]))
            .chain(std::iter::once((
                "micro",
                &corpus.alpha_micro,
                &corpus.u_alpha_micro,
            )));
        for (label, alpha, u_alpha) in rows {
            ui.label(label);
            for figure in [alpha, u_alpha] {
                let response = ui.label(show(figure));
                if let Some(reason) = figure.reason() {
                    response.on_hover_text(reason);
                }
            }
            ui.end_row();
        }
    });

    ui.add_space(8.0);
    ui.label(RichText::new("Agreement per label").strong());
    let labels: Vec<&str> = in_schema_order(&corpus.alpha, schema)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    let mean_f1 = |label: &str| {
        let values: Vec<f64> = corpus
            .pairs
            .iter()
            .filter_map(|p| p.labels.get(label)?.span_f1_exact.value())
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let alpha_bars: Vec<Bar> = labels
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            corpus.alpha[*l]
                .value()
                .map(|v| Bar::new(i as f64 - 0.2, v).width(0.35).name(l))
        })
        .collect();
    let f1_bars: Vec<Bar> = labels
        .iter()
        .enumerate()
        .filter_map(|(i, l)| mean_f1(l).map(|v| Bar::new(i as f64 + 0.2, v).width(0.35).name(l)))
        .collect();
    let names: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
    label_plot("agreement per label", names)
        // Two entries: alpha and span F1.
        .include_y(above_legend(1.0, 2))
        .show(ui, |plot| {
            plot.bar_chart(
                BarChart::new("Krippendorff's alpha", alpha_bars)
                    .color(Color32::from_rgb(0x3b, 0x82, 0xf6)),
            );
            plot.bar_chart(
                BarChart::new("span F1 exact (mean of pairs)", f1_bars)
                    .color(Color32::from_rgb(0xe8, 0x9b, 0x0c)),
            );
        });

    ui.add_space(8.0);
    ui.label(RichText::new("Pairwise agreement (micro span F1, exact)").strong());
    heat_map_ui(ui, report);

    ui.add_space(8.0);
    ui.label(RichText::new("Documents").strong());
    documents_ui(ui, report, sort);

    ui.add_space(8.0);
    ui.label(RichText::new("Spans per label and annotator").strong());
    let annotators: Vec<&String> = report.counts.keys().collect();
    let label_names: Vec<String> = schema.labels.iter().map(|l| l.name.clone()).collect();
    let width = 0.8 / annotators.len().max(1) as f64;
    let charts: Vec<BarChart> = annotators
        .iter()
        .enumerate()
        .map(|(a, annotator)| {
            let bars = label_names
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let count = report.counts[*annotator].get(label).copied().unwrap_or(0);
                    Bar::new(i as f64 - 0.4 + width * (a as f64 + 0.5), count as f64)
                        .width(width * 0.9)
                        .name(label)
                })
                .collect();
            BarChart::new((*annotator).clone(), bars)
        })
        .collect();
    let names = label_names.clone();
    let most = report
        .counts
        .values()
        .flat_map(|counts| counts.values())
        .max()
        .copied()
        .unwrap_or(0);
    label_plot("label counts", names)
        .include_y(above_legend(most as f64, annotators.len()))
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}

/// The top of a plot's y axis that keeps bars up to `highest` below its
/// legend of `entries` lines (in the top right corner, over the last
/// label's bars otherwise).
fn above_legend(highest: f64, entries: usize) -> f64 {
    // The legend's share of the plot's height: a line each and a margin.
    let share = ((18.0 * entries as f64 + 14.0) / PLOT_HEIGHT).min(0.7);
    highest / (1.0 - share)
}

/// Height of the window's bar plots, in points.
const PLOT_HEIGHT: f64 = 200.0;

/// A fixed bar plot whose x axis names a label at each whole number.
fn label_plot(id: &str, names: Vec<String>) -> Plot<'static> {
    Plot::new(id)
        .height(PLOT_HEIGHT as f32)
        .legend(Legend::default())
        .include_y(0.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
}

/// A grid of annotator pairs colored by their micro exact span F1.
fn heat_map_ui(ui: &mut Ui, report: &Report) {
    let annotators = &report.corpus.annotators;
    let value = |a: &str, b: &str| -> Option<f64> {
        report
            .corpus
            .pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))?
            .micro
            .span_f1_exact
            .value()
    };
    egui::Grid::new("heat map")
        .spacing([2.0, 2.0])
        .show(ui, |ui| {
            ui.label("");
            for b in annotators {
                ui.label(RichText::new(b).small());
            }
            ui.end_row();
            for a in annotators {
                ui.label(RichText::new(a).small());
                for b in annotators {
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(56.0, 24.0), egui::Sense::hover());
                    // An annotator against themselves says nothing.
                    if a == b {
                        continue;
                    }
                    let figure = value(a, b);
                    // From red (0) through amber to green (1).
                    let color = match figure {
                        Some(v) => {
                            let v = v.clamp(0.0, 1.0) as f32;
                            Color32::from_rgb(
                                (220.0 * (1.0 - v) + 30.0 * v) as u8,
                                (60.0 + 120.0 * v) as u8,
                                60,
                            )
                        }
                        None => ui.visuals().faint_bg_color,
                    };
                    ui.painter().rect_filled(rect, 3.0, color);
                    let text = figure.map_or("n/a".to_owned(), |v| format!("{v:.2}"));
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        &text,
                        egui::FontId::proportional(12.0),
                        Color32::WHITE,
                    );
                    response.on_hover_text(format!("{a} vs {b}: {text}"));
                }
                ui.end_row();
            }
        });
}

/// The mean over pairs of a document's micro exact span F1, when defined.
fn mean_micro_f1(agreement: &agree::Agreement) -> Option<f64> {
    let values: Vec<f64> = agreement
        .pairs
        .iter()
        .filter_map(|p| p.micro.span_f1_exact.value())
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The documents of a report with their mean micro span F1 over pairs:
/// the lowest first (where the annotators disagree most, undefined last),
/// or by id.
pub fn document_order(report: &Report, disagreement_first: bool) -> Vec<(&str, Option<f64>)> {
    let mut rows: Vec<(&str, Option<f64>)> = report
        .per_document
        .iter()
        .map(|(id, a)| (id.as_str(), mean_micro_f1(a)))
        .collect();
    if disagreement_first {
        let key = |v: Option<f64>| v.unwrap_or(f64::INFINITY);
        rows.sort_by(|x, y| key(x.1).total_cmp(&key(y.1)).then(x.0.cmp(y.0)));
    } else {
        rows.sort_by(|x, y| x.0.cmp(y.0));
    }
    rows
}

/// One row per document with its figures, in the order chosen.
fn documents_ui(ui: &mut Ui, report: &Report, sort: &mut DocumentSort) {
    ui.horizontal(|ui| {
        ui.label("Sort:");
        ui.selectable_value(
            sort,
            DocumentSort::DisagreementFirst,
            "most disagreement first",
        );
        ui.selectable_value(sort, DocumentSort::ById, "by document");
    });
    let figures: std::collections::BTreeMap<&str, &agree::Agreement> = report
        .per_document
        .iter()
        .map(|(id, a)| (id.as_str(), a))
        .collect();
    let rows = document_order(report, *sort == DocumentSort::DisagreementFirst);
    let height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical()
        .id_salt("documents")
        .max_height(240.0)
        .auto_shrink([false, true])
        .show_rows(ui, height, rows.len(), |ui, visible| {
            // Fixed columns, so that rows laid out a few at a time line up.
            for (id, f1) in &rows[visible] {
                let agreement = figures[id];
                let spans: usize = agreement
                    .pairs
                    .iter()
                    .map(|p| p.micro.a_spans + p.micro.b_spans)
                    .sum();
                ui.horizontal(|ui| {
                    ui.set_height(height);
                    ui.add_sized([300.0, height], egui::Label::new(*id).truncate());
                    ui.add_sized(
                        [80.0, height],
                        egui::Label::new(f1.map_or("F1 n/a".to_owned(), |v| format!("F1 {v:.3}"))),
                    );
                    ui.add_sized(
                        [100.0, height],
                        egui::Label::new(format!("alpha {}", show(&agreement.alpha_micro))),
                    );
                    ui.label(sorot_core::counted(spans, "span"));
                });
            }
        });
}
