//! The `sorot` command: the workbench, and headless subcommands on the same core.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use sorot_core::counted;
use sorot_core::formats::export::{self, Format, HfUnit, OffsetUnit, Options};
use sorot_core::formats::import::{self, ImportFormat, ImportOptions};
use sorot_core::project::validate::validate;
use sorot_core::project::{Project, is_valid_annotator};
use sorot_core::store;

/// Sorot: highlight and tag text spans, offline, one readable file per annotator.
#[derive(Parser)]
#[command(name = "sorot", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Commands>,
    /// Project folder to open in the workbench (default: the last one used,
    /// else the bundled sample project).
    project: Option<PathBuf>,
    /// Annotate as NAME (remembered for next time).
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
}

#[derive(Subcommand)]
enum Commands {
    /// Check every annotation file against its text; one problem per line.
    /// Exit status: 0 clean, 1 problems found, 2 could not run.
    Validate {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
    },
    /// Write one annotator's annotations in another tool's format.
    /// Exit status: 0 done, 1 something could not be exported (listed on stderr), 2 could not run.
    Export(ExportArgs),
    /// Read annotations written by another tool into the project.
    /// Exit status: 0 done, 1 something could not be imported (listed on stderr), 2 nothing written.
    Import(ImportArgs),
    /// Propose spans: dates with their normalized values, or other mentions of
    /// texts an annotator has labeled. One JSON object per document.
    Suggest {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
        /// What to propose.
        #[arg(long, value_enum)]
        kind: SuggestKind,
        /// Whose annotations to learn from (strings) and leave out (both).
        #[arg(long, value_name = "NAME", required_if_eq("kind", "strings"))]
        annotator: Option<String>,
        /// Output file, or - for standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE", default_value = "-")]
        output: PathBuf,
        /// Compare the suggestions with NAME's spans and print precision and recall.
        #[arg(long, value_name = "NAME")]
        evaluate: Option<String>,
    },
    /// Add known names (a text, a tab and a label a line) to the project's
    /// gazetteer.tsv, which string suggestions draw on.
    /// Exit status: 0 done, 2 nothing written.
    Gazetteer {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
        /// Gazetteer files to add; a text already listed takes the file's label.
        #[arg(long = "add", value_name = "FILE", required = true, num_args = 1..)]
        files: Vec<PathBuf>,
    },
    /// Inter-annotator agreement: span F1, token kappa and Krippendorff's alpha.
    /// Exit status: 0 done, 2 could not run.
    Agree {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
        /// Annotators to compare (comma-separated; `_gold` is the gold set); default: all annotators.
        #[arg(long, value_delimiter = ',', value_name = "NAMES")]
        annotators: Vec<String>,
        /// Output: a table for people, JSON for scripts.
        #[arg(long, value_enum, default_value_t = AgreeFormat::Table)]
        format: AgreeFormat,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SuggestKind {
    /// Date expressions, with ISO 8601 values
    Dates,
    /// Other whole-word mentions of texts the annotator has labeled, or the
    /// project's gazetteer.tsv lists (text TAB label)
    Strings,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum AgreeFormat {
    Table,
    Json,
}

/// `--format` of `sorot export`: the core's [`Format`], as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormatArg {
    /// doccano JSONL: {"id", "text", "label": [[start, end, label]]}
    Jsonl,
    /// doccano relation JSONL: {"id", "text", "entities": [...], "relations": [...]}
    JsonlRelations,
    /// spaCy JSONL: {"text", "spans": [{"start", "end", "label"}], "meta"}
    Spacy,
    /// CoNLL-2003 style: token and IOB2 tag columns, -DOCSTART- between documents
    Conll,
    /// Hugging Face datasets JSONL: {"id", "tokens", "ner_tags"}, tag names beside it
    Hf,
    /// brat standoff: a folder of .txt and .ann files with annotation.conf
    Brat,
    /// Label Studio JSON tasks with annotations, labeling config beside it
    Labelstudio,
    /// One row per span, for spreadsheets and statistics
    Csv,
}

impl From<ExportFormatArg> for Format {
    fn from(arg: ExportFormatArg) -> Format {
        match arg {
            ExportFormatArg::Jsonl => Format::Jsonl,
            ExportFormatArg::JsonlRelations => Format::JsonlRelations,
            ExportFormatArg::Spacy => Format::Spacy,
            ExportFormatArg::Conll => Format::Conll,
            ExportFormatArg::Hf => Format::Hf,
            ExportFormatArg::Brat => Format::Brat,
            ExportFormatArg::Labelstudio => Format::Labelstudio,
            ExportFormatArg::Csv => Format::Csv,
        }
    }
}

/// `--format` of `sorot import`: the core's [`ImportFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ImportFormatArg {
    /// brat standoff .ann files (with their .txt), or folders of them
    Brat,
    /// doccano JSONL: {"text", "label": [[start, end, label]]} or {"text", "entities", "relations"}
    Jsonl,
    /// Label Studio JSON export (tasks with annotations)
    Labelstudio,
    /// CoNLL IOB2: token and tag columns; tokens are matched onto the project's texts
    Conll,
}

impl From<ImportFormatArg> for ImportFormat {
    fn from(arg: ImportFormatArg) -> ImportFormat {
        match arg {
            ImportFormatArg::Brat => ImportFormat::Brat,
            ImportFormatArg::Jsonl => ImportFormat::Jsonl,
            ImportFormatArg::Labelstudio => ImportFormat::Labelstudio,
            ImportFormatArg::Conll => ImportFormat::Conll,
        }
    }
}

/// `--offsets`: the core's [`OffsetUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OffsetsArg {
    /// Unicode code points (Python str, spaCy, brat, Label Studio)
    Codepoint,
    /// UTF-16 code units (doccano's and Label Studio's browser UIs, JavaScript)
    Utf16,
    /// UTF-8 bytes
    Byte,
}

impl From<OffsetsArg> for OffsetUnit {
    fn from(arg: OffsetsArg) -> OffsetUnit {
        match arg {
            OffsetsArg::Codepoint => OffsetUnit::CodePoint,
            OffsetsArg::Utf16 => OffsetUnit::Utf16,
            OffsetsArg::Byte => OffsetUnit::Byte,
        }
    }
}

/// `--hf-unit`: the core's [`HfUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum HfUnitArg {
    Sentence,
    Document,
}

impl From<HfUnitArg> for HfUnit {
    fn from(arg: HfUnitArg) -> HfUnit {
        match arg {
            HfUnitArg::Sentence => HfUnit::Sentence,
            HfUnitArg::Document => HfUnit::Document,
        }
    }
}

/// `sorot export`'s arguments.
#[derive(clap::Args)]
struct ExportArgs {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    format: ExportFormatArg,
    /// Whose annotations to export.
    #[arg(long, value_name = "NAME", required_unless_present_any = ["all_annotators", "gold"])]
    annotator: Option<String>,
    /// Export every annotator's annotations, naming the annotator where the format has a place for it.
    #[arg(long, conflicts_with_all = ["annotator", "gold"])]
    all_annotators: bool,
    /// Export the gold set made in review (annotations/_gold).
    #[arg(long, conflicts_with = "annotator")]
    gold: bool,
    /// Output file (a folder for brat), or - for standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    output: PathBuf,
    /// What offsets count.
    #[arg(long, value_enum, default_value_t = OffsetsArg::Codepoint)]
    offsets: OffsetsArg,
    /// Labels to export (comma-separated); default: all of the schema's.
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    labels: Vec<String>,
    /// One tag column per use (CoNLL, Hugging Face), with its labels comma-separated:
    /// --layers actor,location,date --layers claim
    #[arg(long, value_name = "LABELS")]
    layers: Vec<String>,
    /// Hugging Face rows: one per sentence or one per document.
    #[arg(long, value_enum, default_value_t = HfUnitArg::Sentence)]
    hf_unit: HfUnitArg,
    /// Leave out documents the annotator has no annotation file for.
    #[arg(long)]
    annotated_only: bool,
    /// Treat anything that cannot be exported as an error, before anything is written.
    #[arg(long)]
    strict: bool,
}

/// `sorot import`'s arguments.
// The help text's `[PROJECT]` is clap's notation for an optional argument.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(clap::Args)]
struct ImportArgs {
    /// [PROJECT] INPUT...: the first path is the project folder when it is a
    /// folder that is not an input (for brat: one with a sorot.ron or an
    /// annotations folder); otherwise the project is the current folder. brat
    /// inputs may be folders of .ann and .txt files.
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Input format.
    #[arg(long, value_enum)]
    format: ImportFormatArg,
    /// Whose annotations the imported spans become.
    #[arg(long, value_name = "NAME")]
    annotator: String,
    /// What the input's offsets count; utf16 for files made in doccano's or Label Studio's browser UI.
    #[arg(long, value_enum, default_value_t = OffsetsArg::Codepoint)]
    offsets: OffsetsArg,
    /// Overwrite the annotator's existing files for the imported documents.
    #[arg(long)]
    replace: bool,
    /// Treat anything that cannot be imported as an error, before anything is written.
    #[arg(long)]
    strict: bool,
    /// Label Studio: one annotator per completed_by instead of the latest annotation of each task.
    #[arg(long)]
    per_annotator: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Commands::Validate { project }) => run_validate(&project_or_cwd(project)),
        Some(Commands::Export(args)) => run_export(args),
        Some(Commands::Import(args)) => run_import(args),
        Some(Commands::Suggest {
            project,
            kind,
            annotator,
            output,
            evaluate,
        }) => run_suggest(
            &project_or_cwd(project),
            kind,
            annotator.as_deref(),
            &output,
            evaluate.as_deref(),
        ),
        Some(Commands::Agree {
            project,
            annotators,
            format,
        }) => run_agree(&project_or_cwd(project), &annotators, format),
        Some(Commands::Gazetteer { project, files }) => {
            run_gazetteer(&project_or_cwd(project), &files)
        }
        None => run_gui(cli.project, cli.annotator),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`sorot export -o - | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sorot: {}", message(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each cause once: a cause that a message
/// already quotes (`cannot write: No space left on device; ...`) is not
/// repeated after it.
fn message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
    }
    message
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn project_or_cwd(project: Option<PathBuf>) -> PathBuf {
    project.unwrap_or_else(|| PathBuf::from("."))
}

fn run_validate(root: &Path) -> anyhow::Result<ExitCode> {
    let project = Project::open(root)?;
    let problems = validate(&project);
    let mut stdout = std::io::stdout().lock();
    for problem in &problems {
        writeln!(stdout, "{problem}")?;
    }
    if problems.is_empty() {
        eprintln!(
            "{} checked, no problems",
            counted(project.docs().len(), "document")
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} in {}",
            counted(problems.len(), "problem"),
            counted(project.docs().len(), "document")
        );
        Ok(ExitCode::from(1))
    }
}

fn run_export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let project = Project::open(&project_or_cwd(args.project))?;
    let annotators = match &args.annotator {
        None if args.gold => {
            if !project
                .annotation_dir()
                .join(sorot_core::analysis::review::GOLD)
                .is_dir()
            {
                bail!(
                    "there is no gold set yet in {}; make one in review mode (Ctrl+R)",
                    project.annotation_dir().display()
                );
            }
            vec![sorot_core::analysis::review::GOLD.to_owned()]
        }
        Some(name) => {
            if !is_valid_annotator(name) {
                bail!(
                    "{name:?} is not a valid annotator name (letters, digits, '_', '-', '.', starting with a letter or digit)"
                );
            }
            if !project.annotation_dir().join(name).is_dir() {
                let known = project.annotators().join(", ");
                bail!(
                    "no annotations by {name:?} in {}; annotators there: {known}",
                    project.annotation_dir().display()
                );
            }
            vec![name.clone()]
        }
        None => project.annotators(),
    };
    if annotators.is_empty() {
        bail!("no annotators in {}", project.annotation_dir().display());
    }
    let format = Format::from(args.format);
    let mut options = Options::new(format, &annotators[0]);
    options.annotators = annotators;
    options.name_annotators = args.all_annotators;
    options.offsets = args.offsets.into();
    options.labels = args.labels;
    options.layers = args
        .layers
        .iter()
        .map(|group| {
            group
                .split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect();
    options.hf_unit = args.hf_unit.into();
    options.annotated_only = args.annotated_only;
    let written = export::export_to(&project, &options, &args.output, args.strict)
        .with_context(|| format!("exporting to {}", args.output.display()))?;
    let report = &written.report;
    for loss in &report.losses {
        eprintln!("{loss}");
    }
    if written.stopped {
        eprintln!(
            "{} could not be exported (listed above); nothing was written (--strict)",
            counted(report.losses.len(), "thing")
        );
        return Ok(ExitCode::from(1));
    }
    let files: Vec<String> = written
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let into = if files.is_empty() {
        String::new()
    } else {
        format!(" into {}", files.join(", "))
    };
    let unit = if format.has_offsets() {
        format!(", offsets in {}", options.offsets.name())
    } else {
        String::new()
    };
    eprintln!(
        "exported {} in {}{into}{unit}",
        counted(report.spans, "span"),
        counted(report.documents, "document")
    );
    if !report.losses.is_empty() {
        eprintln!(
            "{} could not be exported (listed above)",
            counted(report.losses.len(), "thing")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn run_agree(root: &Path, annotators: &[String], format: AgreeFormat) -> anyhow::Result<ExitCode> {
    let project = Project::open(root)?;
    let mut known = project.annotators();
    if project
        .annotation_dir()
        .join(sorot_core::analysis::review::GOLD)
        .is_dir()
    {
        known.push(sorot_core::analysis::review::GOLD.to_owned());
    }
    for name in annotators {
        if !known.contains(name) {
            bail!(
                "no annotations by {name:?} in {}; annotators there: {}",
                project.annotation_dir().display(),
                known.join(", ")
            );
        }
    }
    let report = sorot_core::analysis::agree::agree(&project, annotators);
    for skipped in &report.skipped {
        eprintln!("{skipped}");
    }
    let out = match format {
        AgreeFormat::Table => report.to_table(),
        AgreeFormat::Json => report.to_json(),
    };
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn run_gazetteer(root: &Path, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let project = Project::open(root)?;
    let done = sorot_core::analysis::suggest::import_gazetteer(&project, files)?;
    eprintln!(
        "{} names added, {} relabeled; {} has {} names",
        done.added,
        done.relabeled,
        project
            .root()
            .join(sorot_core::analysis::suggest::GAZETTEER)
            .display(),
        done.total
    );
    Ok(ExitCode::SUCCESS)
}

fn run_suggest(
    root: &Path,
    kind: SuggestKind,
    annotator: Option<&str>,
    output: &Path,
    evaluate: Option<&str>,
) -> anyhow::Result<ExitCode> {
    use sorot_core::analysis::suggest;
    use sorot_core::project::document::OpenDocument;
    let project = Project::open(root)?;
    let known = project.annotators();
    for name in annotator.iter().chain(evaluate.iter()) {
        if !known.iter().any(|k| k == name) {
            bail!(
                "no annotations by {name:?} in {}; annotators there: {}",
                project.annotation_dir().display(),
                known.join(", ")
            );
        }
    }
    let annotations_of = |name: &str,
                          doc: &sorot_core::project::DocEntry|
     -> anyhow::Result<sorot_core::model::Annotations> {
        if !project.annotation_path(name, &doc.id).is_file() {
            return Ok(sorot_core::model::Annotations::default());
        }
        Ok(OpenDocument::open_to_read(&project, doc, name)?
            .annotations()
            .clone())
    };
    // String suggestions learn from everything the annotator labeled, and the gazetteer.
    let mut lexicon = std::collections::BTreeMap::new();
    if kind == SuggestKind::Strings
        && let Some(name) = annotator
    {
        lexicon = suggest::project_lexicon(&project, name).map_err(anyhow::Error::msg)?;
    }
    #[derive(serde::Serialize)]
    struct Line<'a> {
        id: &'a str,
        text: &'a str,
        suggestions: Vec<suggest::Suggestion>,
    }
    let mut out = String::new();
    let mut evaluation = suggest::Evaluation::default();
    let mut total = 0;
    for doc in project.docs() {
        let bytes =
            std::fs::read(&doc.path).with_context(|| format!("reading {}", doc.path.display()))?;
        let Ok(text) = sorot_core::model::text::SourceText::from_bytes(bytes) else {
            continue;
        };
        // The annotator's spans and rejected suggestions are not proposed again.
        let existing = match annotator {
            Some(name) => annotations_of(name, doc)?,
            None => sorot_core::model::Annotations::default(),
        };
        let mut suggestions = match kind {
            SuggestKind::Dates => suggest::dates(&text),
            SuggestKind::Strings => suggest::strings(&text, &lexicon, existing.spans()),
        };
        suggest::drop_decided(&mut suggestions, &existing);
        if let Some(name) = evaluate {
            let label = if kind == SuggestKind::Dates {
                "date".to_owned()
            } else {
                String::new()
            };
            let gold = annotations_of(name, doc)?.spans().to_vec();
            if kind == SuggestKind::Dates {
                evaluation.add(&suggestions, &gold, &label);
            } else {
                for label in project.schema().labels.iter().map(|l| l.name.as_str()) {
                    evaluation.add(&suggestions, &gold, label);
                }
            }
        }
        total += suggestions.len();
        out.push_str(&serde_json::to_string(&Line {
            id: &doc.id,
            text: text.as_str(),
            suggestions,
        })?);
        out.push('\n');
    }
    if output == Path::new("-") {
        std::io::stdout().lock().write_all(out.as_bytes())?;
    } else {
        store::write_atomic(output, out.as_bytes())?;
    }
    eprintln!(
        "{} in {}",
        counted(total, "suggestion"),
        counted(project.docs().len(), "document")
    );
    if let Some(name) = evaluate {
        eprintln!("against {name}'s spans:\n{}", evaluation.describe());
    }
    Ok(ExitCode::SUCCESS)
}

fn run_import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if !is_valid_annotator(&args.annotator) {
        bail!(
            "{:?} is not a valid annotator name (letters, digits, '_', '-', '.', starting with a letter or digit)",
            args.annotator
        );
    }
    // The first of several paths is the project when it is a folder that
    // cannot be an input: any folder for formats read from files, and for
    // brat a folder with a sorot.ron or an annotations folder.
    let is_project = |path: &Path| {
        path.is_dir()
            && (args.format != ImportFormatArg::Brat
                || path.join(sorot_core::project::CONFIG_FILE).is_file()
                || path.join("annotations").is_dir())
    };
    let (root, inputs) = match args.paths.as_slice() {
        [first, rest @ ..] if !rest.is_empty() && is_project(first) => {
            (first.clone(), rest.to_vec())
        }
        paths => (PathBuf::from("."), paths.to_vec()),
    };
    let project = Project::open(&root)?;
    let options = ImportOptions {
        format: args.format.into(),
        annotator: args.annotator,
        offsets: args.offsets.into(),
        replace: args.replace,
        strict: args.strict,
        per_annotator: args.per_annotator,
        progress: None,
    };
    let report = import::import(&project, &options, &inputs).context("nothing was imported")?;
    for loss in &report.losses {
        eprintln!("{loss}");
    }
    if report.stopped {
        eprintln!(
            "{} could not be imported (listed above); nothing was written (--strict)",
            counted(report.losses.len(), "thing")
        );
        return Ok(ExitCode::from(1));
    }
    // A few added texts are named one per line; many are counted.
    let added = &report.texts_added;
    if added.len() <= 10 {
        for text in added {
            eprintln!("added the text {text} to {}", project.text_dir().display());
        }
    } else {
        eprintln!(
            "added {} texts to {}: {} and {} more",
            added.len(),
            project.text_dir().display(),
            added[..3].join(", "),
            added.len() - 3
        );
    }
    if !report.unknown_labels.is_empty() {
        eprintln!(
            "labels not in the project's schema (kept; add them to sorot.ron to give them colors and hotkeys): {}",
            report.unknown_labels.join(", ")
        );
    }
    eprintln!(
        "imported {} in {}",
        counted(report.spans, "span"),
        counted(report.documents, "document")
    );
    if !report.losses.is_empty() {
        eprintln!(
            "{} could not be imported (listed above)",
            counted(report.losses.len(), "thing")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "gui")]
fn run_gui(project: Option<PathBuf>, annotator: Option<String>) -> anyhow::Result<ExitCode> {
    sorot_gui::run(sorot_gui::StartOptions { project, annotator })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn run_gui(_project: Option<PathBuf>, _annotator: Option<String>) -> anyhow::Result<ExitCode> {
    bail!(
        "this build of sorot has no workbench (built without the `gui` feature); use a subcommand: sorot --help"
    )
}
