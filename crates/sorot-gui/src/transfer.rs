//! File > Export… and File > Import…: a form, a background job with a
//! progress bar, and the report of what was written and what was lost.
//!
//! Terms:
//! - **form**: the options of one export or import, as the CLI takes them.
//! - **job**: the export or import running on its own thread; the window
//!   keeps drawing and shows its progress.
//! - **report**: counts, files written and every loss, shown when the job ends.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use egui::{RichText, Ui};

use sorot_core::formats::export::{self, Format, OffsetUnit, Options, Progress};
use sorot_core::formats::import::{self, ImportFormat, ImportOptions};
use sorot_core::project::Project;

/// Whose annotations an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    Mine,
    Everyone,
    Gold,
}

/// Which annotator an import's spans go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportAs {
    /// The annotator working in the workbench.
    Me,
    /// The name typed in the form (a colleague's, new or not).
    Named,
    /// Label Studio: each annotation under the person who made it, as the
    /// file names them.
    Authors,
}

/// The options of an export.
#[derive(Debug, Clone)]
pub struct ExportForm {
    pub format: Format,
    pub whose: Whose,
    /// Only documents with an annotation file.
    pub annotated_only: bool,
    /// Only documents marked done (in the gold set: reviewed).
    pub done_only: bool,
    /// The schema's labels, each with whether it is exported.
    pub labels: Vec<(String, bool)>,
    pub offsets: OffsetUnit,
    /// Tag columns for CoNLL and Hugging Face: groups separated by `;`.
    pub layers: String,
    pub strict: bool,
    /// A file, or a folder for brat.
    pub destination: String,
}

/// The options of an import.
#[derive(Debug, Clone)]
pub struct ImportForm {
    pub format: ImportFormat,
    pub offsets: OffsetUnit,
    /// Whether the user chose the offsets' unit (else the import refuses
    /// to guess between code points and UTF-16 units where they part).
    pub offsets_chosen: bool,
    pub import_as: ImportAs,
    /// The annotator's name when importing as [`ImportAs::Named`].
    pub name: String,
    /// Add the labels, relation types and attributes the schema lacks.
    pub add_to_schema: bool,
    pub replace: bool,
    pub strict: bool,
    /// Leave out what has an error and import the rest.
    pub skip_invalid: bool,
    /// Label Studio: import the tasks' predictions too.
    pub predictions: bool,
    /// Input paths, one per line.
    pub inputs: String,
}

#[derive(Debug, Clone)]
enum Form {
    Export(ExportForm),
    Import(ImportForm),
}

/// What the form asks the app to do.
#[derive(Debug, Clone)]
pub enum Request {
    /// Save everything, then [`Transfer::start_export`].
    Export(ExportForm),
    /// Save everything, then [`Transfer::start_import`].
    Import(ImportForm),
    /// An import wrote files: read the project again.
    Reload,
}

/// What a finished job reports.
#[derive(Debug, Clone)]
pub struct Finished {
    pub title: String,
    pub summary: Vec<String>,
    pub losses: Vec<String>,
    /// How many things could not be carried, listed in `losses` or not.
    pub lost: usize,
    pub error: Option<String>,
    pub wrote_annotations: bool,
}

impl Finished {
    fn new(title: String) -> Self {
        Finished {
            title,
            summary: Vec::new(),
            losses: Vec::new(),
            lost: 0,
            error: None,
            wrote_annotations: false,
        }
    }
}

struct Job {
    title: String,
    progress: Arc<Progress>,
    handle: JoinHandle<Finished>,
}

/// The export and import state of the window.
#[derive(Default)]
pub struct Transfer {
    form: Option<Form>,
    job: Option<Job>,
    report: Option<Finished>,
}

impl Transfer {
    /// Opens the export form; `labels` are the schema's.
    pub fn open_export(&mut self, labels: &[String]) {
        self.form = Some(Form::Export(ExportForm {
            format: Format::Jsonl,
            whose: Whose::Mine,
            annotated_only: false,
            done_only: false,
            labels: labels.iter().map(|l| (l.clone(), true)).collect(),
            offsets: OffsetUnit::CodePoint,
            layers: "actor,location,date; claim".into(),
            strict: false,
            destination: String::new(),
        }));
    }

    pub fn open_import(&mut self) {
        self.form = Some(Form::Import(ImportForm {
            format: ImportFormat::Jsonl,
            offsets: OffsetUnit::CodePoint,
            offsets_chosen: false,
            import_as: ImportAs::Me,
            name: String::new(),
            add_to_schema: false,
            replace: false,
            strict: false,
            skip_invalid: false,
            predictions: false,
            inputs: String::new(),
        }));
    }

    /// Whether a form, a progress bar or a report is showing.
    pub fn is_open(&self) -> bool {
        self.form.is_some() || self.job.is_some() || self.report.is_some()
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// The report of the last job, while it is shown.
    pub fn report(&self) -> Option<&Finished> {
        self.report.as_ref()
    }

    /// Waits for a running job (tests, closing the window).
    pub fn wait(&mut self) -> Option<Request> {
        let job = self.job.take()?;
        let finished = job.handle.join().unwrap_or_else(|_| panicked(&job.title));
        let reload = finished.wrote_annotations;
        self.report = Some(finished);
        reload.then_some(Request::Reload)
    }

    /// Starts an export of `annotator`'s (or everyone's, or the gold set's)
    /// annotations.
    pub fn start_export(&mut self, project: Project, annotator: &str, form: ExportForm) {
        let progress = Arc::new(Progress::default());
        let annotators = match form.whose {
            Whose::Mine => vec![annotator.to_owned()],
            Whose::Everyone => project.annotators(),
            Whose::Gold => vec![sorot_core::analysis::review::GOLD.to_owned()],
        };
        let mut options = Options::new(form.format, annotator);
        options.annotators = annotators;
        options.name_annotators = form.whose == Whose::Everyone;
        options.annotated_only = form.annotated_only;
        options.status = form.done_only.then_some(sorot_core::model::Status::Done);
        if form.labels.iter().any(|(_, on)| !on) {
            options.labels = form
                .labels
                .iter()
                .filter(|(_, on)| *on)
                .map(|(l, _)| l.clone())
                .collect();
        }
        options.offsets = form.offsets;
        if matches!(form.format, Format::Conll | Format::Hf) {
            options.layers = form
                .layers
                .split(';')
                .map(|group| {
                    group
                        .split(',')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .filter(|group| !group.is_empty())
                .collect();
        }
        options.progress = Some(Arc::clone(&progress));
        let title = format!("Export to {}", format_name(form.format));
        let destination = PathBuf::from(form.destination.trim());
        let job_title = title.clone();
        let handle = std::thread::spawn(move || {
            let mut finished = Finished::new(job_title);
            if form.whose == Whose::Gold
                && !project
                    .annotation_dir()
                    .join(sorot_core::analysis::review::GOLD)
                    .is_dir()
            {
                finished.error = Some(
                    "There is no gold set yet: Review (Ctrl+R) makes one. Nothing was exported."
                        .into(),
                );
                return finished;
            }
            match export::export_to(&project, &options, &destination, form.strict) {
                Ok(written) => {
                    let report = &written.report;
                    finished.losses = report
                        .losses
                        .iter()
                        .map(|loss| in_workbench_words(&loss.to_string()))
                        .collect();
                    finished.lost = report.lost;
                    if written.stopped {
                        finished.summary.push(format!(
                            "Nothing was written: {} cannot be exported (strict).",
                            sorot_core::counted(report.lost, "thing")
                        ));
                    } else {
                        finished.summary.push(format!(
                            "Exported {} in {}.",
                            sorot_core::counted(report.spans, "span"),
                            sorot_core::counted(report.documents, "document")
                        ));
                        for path in &written.paths {
                            finished
                                .summary
                                .push(format!("Wrote {}.", shown_path(&project, path)));
                        }
                        for (suffix, _) in &written.unwritten {
                            finished.summary.push(format!(
                                "Not written: the {suffix} file, which has no place beside an output that is not a regular file."
                            ));
                        }
                        if form.format.has_offsets() {
                            finished
                                .summary
                                .push(format!("Offsets count {}.", offsets_name(options.offsets)));
                        }
                    }
                }
                Err(err) => {
                    finished.error = Some(format!(
                        "{}; nothing was exported",
                        sorot_core::error_chain(&err)
                    ))
                }
            }
            finished
        });
        self.form = None;
        self.job = Some(Job {
            title,
            progress,
            handle,
        });
    }

    /// Starts an import as `annotator`, another annotator, or the file's
    /// own, as the form says.
    pub fn start_import(&mut self, project: Project, annotator: &str, form: ImportForm) {
        let progress = Arc::new(Progress::default());
        let (annotator, annotations) = match form.import_as {
            ImportAs::Me => (annotator, Default::default()),
            ImportAs::Named => (form.name.trim(), Default::default()),
            ImportAs::Authors => (annotator, import::AnnotationsTaken::PerAnnotator),
        };
        let options = ImportOptions {
            annotations,
            add_to_schema: form.add_to_schema,
            offsets: form.offsets,
            offsets_given: form.offsets_chosen,
            replace: form.replace,
            strict: form.strict,
            skip_invalid: form.skip_invalid,
            predictions: form.predictions,
            progress: Some(Arc::clone(&progress)),
            ..ImportOptions::new(form.format, annotator)
        };
        let inputs: Vec<PathBuf> = form
            .inputs
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(PathBuf::from)
            .collect();
        let title = format!("Import from {}", import_format_name(form.format));
        let job_title = title.clone();
        let handle = std::thread::spawn(move || {
            let mut finished = Finished::new(job_title);
            match import::import(&project, &options, &inputs) {
                Ok(report) => {
                    finished.losses = report.losses.iter().map(ToString::to_string).collect();
                    finished.lost = report.lost;
                    if let Some(cut) = &report.finished_cut {
                        let said = cut.to_string();
                        finished.summary.push(format!(
                            "{}{}.",
                            said[..1].to_uppercase(),
                            &said[1..]
                        ));
                    }
                    // What was read other than as written: CoNLL columns
                    // ignored, an IOB1 file, offsets in another unit.
                    finished.summary.extend(report.notes.iter().cloned());
                    if report.stopped {
                        finished.summary.push(format!(
                            "Nothing was written: {} cannot be imported (strict).",
                            sorot_core::counted(report.lost, "thing")
                        ));
                    } else {
                        finished.summary.push(format!(
                            "Imported {} in {}.",
                            sorot_core::counted(report.spans, "span"),
                            sorot_core::counted(report.documents, "document")
                        ));
                        finished.wrote_annotations = report.documents > 0;
                        for text in &report.texts_added {
                            finished.summary.push(format!("Added the text {text}."));
                        }
                        if !report.schema_lacks.is_empty() {
                            finished.summary.push(format!(
                                "Not in the schema (kept; import again with \"Add what the schema lacks to sorot.ron\" ticked to add them):\n{}",
                                report.schema_lacks
                            ));
                        }
                        match &report.schema_added {
                            Some(Ok(added)) => finished.summary.push(schema_added(added)),
                            Some(Err(err)) => {
                                finished.error = Some(format!(
                                    "The spans were imported, but sorot.ron could not be changed: {}",
                                    sorot_core::error_chain(err)
                                ))
                            }
                            None => {}
                        }
                    }
                }
                Err(err) => {
                    finished.error = Some(format!(
                        "{}; nothing was imported",
                        sorot_core::error_chain(&err)
                    ))
                }
            }
            finished
        });
        self.form = None;
        self.job = Some(Job {
            title,
            progress,
            handle,
        });
    }

    /// Draws the form, the progress or the report; returns what the app
    /// must do. `me` is the annotator working in the workbench.
    pub fn ui(&mut self, ctx: &egui::Context, me: &str) -> Option<Request> {
        let mut request = None;
        if self
            .job
            .as_ref()
            .is_some_and(|job| job.handle.is_finished())
        {
            request = self.wait();
        }
        if let Some(job) = &self.job {
            egui::Modal::new(egui::Id::unique("transfer progress")).show(ctx, |ui| {
                ui.heading(&job.title);
                let done = job.progress.done.load(std::sync::atomic::Ordering::Relaxed);
                let total = job
                    .progress
                    .total
                    .load(std::sync::atomic::Ordering::Relaxed);
                ui.add(
                    egui::ProgressBar::new(job.progress.fraction())
                        .text(format!("{done} of {total} documents"))
                        .desired_width(320.0),
                );
            });
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        if let Some(report) = self.report.clone() {
            let mut open = true;
            egui::Modal::new(egui::Id::unique("transfer report")).show(ctx, |ui| {
                ui.heading(&report.title);
                if let Some(error) = &report.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                for line in &report.summary {
                    ui.label(line);
                }
                if !report.losses.is_empty() {
                    ui.label(
                        RichText::new(format!(
                            "{} could not be carried:",
                            sorot_core::counted(report.lost, "thing")
                        ))
                        .color(ui.visuals().warn_fg_color),
                    );
                    egui::ScrollArea::vertical()
                        .max_height(280.0)
                        .max_width(720.0)
                        .show(ui, |ui| {
                            for loss in &report.losses {
                                ui.label(RichText::new(loss).small());
                            }
                        });
                }
                if ui.button("Close").clicked() {
                    open = false;
                }
            });
            if !open {
                self.report = None;
            }
        }
        let mut close = false;
        match &mut self.form {
            Some(Form::Export(form)) => {
                egui::Modal::new(egui::Id::unique("export form")).show(ctx, |ui| {
                    ui.heading("Export");
                    egui::Grid::new("export options").num_columns(2).show(ui, |ui| {
                        let label = ui.label("Format");
                        egui::ComboBox::from_id_salt("export format")
                            .selected_text(format_name(form.format))
                            .show_ui(ui, |ui| {
                                for format in Format::ALL.iter() {
                                    ui.selectable_value(&mut form.format, *format, format_name(*format));
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        ui.end_row();
                        ui.label("Annotations");
                        ui.horizontal(|ui| {
                            ui.radio_value(&mut form.whose, Whose::Mine, "mine");
                            ui.radio_value(&mut form.whose, Whose::Everyone, "every annotator's");
                            ui.radio_value(&mut form.whose, Whose::Gold, "the gold set");
                        });
                        ui.end_row();
                        ui.label("Documents");
                        ui.vertical(|ui| {
                            ui.checkbox(&mut form.annotated_only, "only those with annotations");
                            let done = if form.whose == Whose::Gold {
                                "only those marked reviewed"
                            } else {
                                "only those marked done"
                            };
                            ui.checkbox(&mut form.done_only, done);
                        });
                        ui.end_row();
                        ui.label("Labels");
                        ui.horizontal_wrapped(|ui| {
                            for (label, on) in &mut form.labels {
                                ui.checkbox(on, label.as_str());
                            }
                        });
                        ui.end_row();
                        if form.format.has_offsets() {
                            let label = ui.label("Offsets");
                            offsets_ui(ui, "export offsets", &mut form.offsets).0.labelled_by(label.id);
                            ui.end_row();
                        }
                        if matches!(form.format, Format::Conll | Format::Hf) {
                            let label = ui.label("Tag columns");
                            ui.text_edit_singleline(&mut form.layers)
                                .labelled_by(label.id)
                                .on_hover_text("Labels of one column separated by commas, columns by semicolons");
                            ui.end_row();
                        }
                        let label = ui.label(if form.format.writes_folder() { "Folder" } else { "File" });
                        ui.horizontal(|ui| {
                            ui.add(egui::TextEdit::singleline(&mut form.destination).desired_width(320.0)).labelled_by(label.id);
                            if ui.button("Choose…").clicked() {
                                let dialog = rfd::FileDialog::new().set_title("Export to");
                                let chosen = if form.format.writes_folder() { dialog.pick_folder() } else { dialog.save_file() };
                                if let Some(path) = chosen {
                                    form.destination = path.display().to_string();
                                }
                            }
                        });
                        ui.end_row();
                    });
                    ui.checkbox(&mut form.strict, "Write nothing if anything cannot be exported");
                    ui.horizontal(|ui| {
                        let ready = !form.destination.trim().is_empty();
                        if ui.add_enabled(ready, egui::Button::new("Export")).clicked() {
                            request = Some(Request::Export(form.clone()));
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                });
            }
            Some(Form::Import(form)) => {
                egui::Modal::new(egui::Id::unique("import form")).show(ctx, |ui| {
                    ui.heading("Import");
                    egui::Grid::new("import options")
                        .num_columns(2)
                        .show(ui, |ui| {
                            let label = ui.label("Format");
                            egui::ComboBox::from_id_salt("import format")
                                .selected_text(import_format_name(form.format))
                                .show_ui(ui, |ui| {
                                    for format in ImportFormat::ALL.iter() {
                                        ui.selectable_value(
                                            &mut form.format,
                                            *format,
                                            import_format_name(*format),
                                        );
                                    }
                                })
                                .response
                                .labelled_by(label.id);
                            ui.end_row();
                            let label = ui.label("Offsets");
                            let (response, chosen) =
                                offsets_ui(ui, "import offsets", &mut form.offsets);
                            response.labelled_by(label.id);
                            form.offsets_chosen |= chosen;
                            ui.end_row();
                            let label = ui.label("Files");
                            ui.vertical(|ui| {
                                ui.add(
                                    egui::TextEdit::multiline(&mut form.inputs)
                                        .desired_rows(3)
                                        .desired_width(360.0),
                                )
                                .labelled_by(label.id);
                                if ui.button("Choose…").clicked() {
                                    let dialog = rfd::FileDialog::new().set_title("Import");
                                    let chosen = if form.format == ImportFormat::Brat {
                                        dialog.pick_folders()
                                    } else {
                                        dialog.pick_files()
                                    };
                                    for path in chosen.unwrap_or_default() {
                                        if !form.inputs.is_empty() && !form.inputs.ends_with('\n') {
                                            form.inputs.push('\n');
                                        }
                                        form.inputs.push_str(&path.display().to_string());
                                    }
                                }
                            });
                            ui.end_row();
                        });
                    ui.label("The spans go to");
                    ui.horizontal(|ui| {
                        ui.radio_value(&mut form.import_as, ImportAs::Me, format!("me ({me})"));
                        let named =
                            ui.radio_value(&mut form.import_as, ImportAs::Named, "the annotator");
                        let name = ui
                            .add(
                                egui::TextEdit::singleline(&mut form.name)
                                    .hint_text("name")
                                    .desired_width(120.0),
                            )
                            .labelled_by(named.id);
                        if name.gained_focus() || name.changed() {
                            form.import_as = ImportAs::Named;
                        }
                    });
                    if form.format == ImportFormat::Labelstudio {
                        ui.radio_value(
                            &mut form.import_as,
                            ImportAs::Authors,
                            "each annotation's author, as the file names them",
                        );
                    }
                    let whose = match form.import_as {
                        ImportAs::Me => format!("your own annotations (annotations/{me}/)"),
                        ImportAs::Named if form.name.trim().is_empty() => {
                            "the annotator you name".to_owned()
                        }
                        ImportAs::Named => format!(
                            "{}'s annotations (annotations/{}/)",
                            form.name.trim(),
                            form.name.trim()
                        ),
                        ImportAs::Authors => "each author's annotations".to_owned(),
                    };
                    ui.label(
                        RichText::new(format!("The spans are written into {whose}.")).color(
                            if form.import_as == ImportAs::Me {
                                ui.visuals().warn_fg_color
                            } else {
                                ui.visuals().text_color()
                            },
                        ),
                    );
                    let name_ok = form.import_as != ImportAs::Named
                        || sorot_core::project::is_valid_annotator(form.name.trim());
                    ui.checkbox(
                        &mut form.replace,
                        "Replace their existing annotations of these documents",
                    );
                    ui.checkbox(
                        &mut form.add_to_schema,
                        "Add what the schema lacks to sorot.ron",
                    );
                    ui.checkbox(
                        &mut form.strict,
                        "Write nothing if anything cannot be imported",
                    );
                    ui.checkbox(
                        &mut form.skip_invalid,
                        "Leave out documents with errors and import the rest",
                    );
                    if form.format == ImportFormat::Labelstudio {
                        ui.checkbox(
                            &mut form.predictions,
                            "Import the tasks' predictions too (as model-<version>)",
                        );
                    }
                    ui.horizontal(|ui| {
                        let ready = !form.inputs.trim().is_empty() && name_ok;
                        if ui.add_enabled(ready, egui::Button::new("Import")).clicked() {
                            request = Some(Request::Import(form.clone()));
                        }
                        if ui.button("Cancel").clicked() {
                            close = true;
                        }
                    });
                });
            }
            None => {}
        }
        if close {
            self.form = None;
        }
        request
    }
}

/// The offsets' unit as a choice; with whether the user chose one now.
fn offsets_ui(ui: &mut Ui, id: &str, offsets: &mut OffsetUnit) -> (egui::Response, bool) {
    let mut chosen = false;
    let response = egui::ComboBox::from_id_salt(id)
        .selected_text(offsets_name(*offsets))
        .show_ui(ui, |ui| {
            for unit in OffsetUnit::ALL.iter() {
                chosen |= ui
                    .selectable_value(offsets, *unit, offsets_name(*unit))
                    .clicked();
            }
        })
        .response;
    (response, chosen)
}

fn format_name(format: Format) -> String {
    match format {
        Format::Jsonl => "doccano JSONL",
        Format::JsonlRelations => "doccano JSONL with relations",
        Format::Spacy => "spaCy JSONL",
        Format::Conll => "CoNLL (IOB2)",
        Format::Hf => "Hugging Face JSONL",
        Format::Brat => "brat folder",
        Format::Labelstudio => "Label Studio JSON",
        Format::Csv => "CSV, a row per span",
    }
    .to_owned()
}

fn import_format_name(format: ImportFormat) -> String {
    match format {
        ImportFormat::Brat => "brat (.ann and .txt)",
        ImportFormat::Jsonl => "doccano JSONL",
        ImportFormat::Labelstudio => "Label Studio JSON",
        ImportFormat::Conll => "CoNLL (IOB2 or IOB1)",
    }
    .to_owned()
}

fn offsets_name(unit: OffsetUnit) -> &'static str {
    match unit {
        OffsetUnit::CodePoint => "code points",
        OffsetUnit::Utf16 => "UTF-16 units (browser tools)",
        OffsetUnit::Byte => "UTF-8 bytes",
        OffsetUnit::Grapheme => "grapheme clusters",
    }
}

/// What an import added to the schema, in one paragraph.
fn schema_added(added: &sorot_core::project::SchemaAdded) -> String {
    let mut said = Vec::new();
    if !added.labels.is_empty() {
        said.push(format!("labels {}", added.labels.join(", ")));
    }
    for relation in &added.relations {
        said.push(format!("relation type {}", relation.name));
    }
    for attribute in &added.attributes {
        said.push(format!(
            "attribute {} of {}",
            attribute.name, attribute.label
        ));
    }
    for label in &added.refused {
        said.push(format!("not {label:?}, which cannot be a label name"));
    }
    format!("Added to the schema in sorot.ron: {}.", said.join("; "))
}

/// `path` as the user knows it: relative to the project folder when it is
/// inside it.
fn shown_path(project: &Project, path: &std::path::Path) -> String {
    path.strip_prefix(project.root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A loss's advice in the workbench's words, for the few losses whose
/// advice names a command-line option.
fn in_workbench_words(loss: &str) -> String {
    const SAID: [(&str, &str); 2] = [
        (
            "name it with --labels to export it",
            "add it to the labels in sorot.ron to export it",
        ),
        (
            "put these labels in different --layers",
            "put these labels in different tag columns",
        ),
    ];
    SAID.iter().fold(loss.to_owned(), |loss, (cli, workbench)| {
        loss.replace(cli, workbench)
    })
}

fn panicked(title: &str) -> Finished {
    Finished {
        error: Some("the job stopped unexpectedly; nothing is known to be written".into()),
        ..Finished::new(title.to_owned())
    }
}
