//! `sorot import`: its arguments, and the run that reads another tool's
//! annotations into the project and reports what it could not carry.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::OffsetsArg;
use sorot_core::counted;
use sorot_core::formats::import::{self, ImportFormat, ImportOptions};
use sorot_core::project::{Project, is_valid_annotator};

/// `--format` of `sorot import`: the core's [`ImportFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ImportFormatArg {
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

/// `sorot import`'s arguments.
// The help text's `[PROJECT]` is clap's notation for an optional argument.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(clap::Args)]
pub(crate) struct ImportArgs {
    /// [PROJECT] INPUT...: the first path is the project folder when it is a
    /// folder that is not an input (for brat: one with a sorot.ron or an
    /// annotations folder); otherwise the project is the current folder. brat
    /// inputs may be folders of .ann and .txt files, or their files (dir/*):
    /// a .txt given with its .ann is its text, .conf files are skipped.
    #[arg(required = true, value_name = "PATHS")]
    pub(crate) paths: Vec<PathBuf>,
    /// Input format.
    #[arg(long, value_enum)]
    pub(crate) format: ImportFormatArg,
    /// Whose annotations the imported spans become.
    #[arg(long, value_name = "NAME")]
    pub(crate) annotator: String,
    /// What the input's offsets count (default: code points); utf16 for doccano files made in its browser UI. Without it, a doccano file whose spans would fall differently counted either way (texts with emoji) is refused. Label Studio's regions carry their own text, which shows their unit: a file whose regions all hold their text in the other unit (code points or UTF-16) is read in it, and said.
    #[arg(long, value_enum)]
    pub(crate) offsets: Option<OffsetsArg>,
    /// Overwrite the annotator's existing files for the imported documents.
    #[arg(long)]
    pub(crate) replace: bool,
    /// Treat anything that cannot be imported as an error, before anything is written.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Label Studio: one annotator per completed_by instead of the latest annotation of each task.
    #[arg(long)]
    pub(crate) per_annotator: bool,
}

pub(crate) fn run_import(args: ImportArgs) -> anyhow::Result<ExitCode> {
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
        offsets: args.offsets.unwrap_or(OffsetsArg::Codepoint).into(),
        offsets_given: args.offsets.is_some(),
        replace: args.replace,
        strict: args.strict,
        per_annotator: args.per_annotator,
        ..ImportOptions::new(args.format.into(), args.annotator)
    };
    let report = import::import(&project, &options, &inputs).context("nothing was imported")?;
    if let Some(finished) = &report.finished_cut {
        eprintln!("{finished}");
    }
    for note in &report.notes {
        eprintln!("{note}");
    }
    for loss in &report.losses {
        eprintln!("{loss}");
    }
    if report.stopped {
        eprintln!(
            "{} could not be imported (listed above); nothing was written (--strict)",
            counted(report.lost, "thing")
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
            counted(report.lost, "thing")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
