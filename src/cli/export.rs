//! `sorot export`: its arguments, and the run that writes the export and
//! reports what it could not carry.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;

use super::{OffsetsArg, project_or_cwd};
use sorot_core::counted;
use sorot_core::formats::export::{self, Format, HfUnit, Options};
use sorot_core::project::{Project, is_valid_annotator};

/// `--format` of `sorot export`: the core's [`Format`], as the command line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportFormatArg {
    /// doccano JSONL: {"id", "text", "label": [[start, end, label]]}
    Jsonl,
    /// doccano relation JSONL: {"id", "text", "entities": [...], "relations": [...]}
    JsonlRelations,
    /// spaCy JSONL: {"text", "spans": [{"start", "end", "label"}], "meta"}
    Spacy,
    /// CoNLL-2003 style: token and IOB2 tag columns, "-DOCSTART- -X- O O" before each document
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

/// `--status`: a document's status (in the gold set, done is reviewed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StatusArg {
    NotStarted,
    InProgress,
    Done,
}

impl From<StatusArg> for sorot_core::model::Status {
    fn from(arg: StatusArg) -> Self {
        match arg {
            StatusArg::NotStarted => Self::NotStarted,
            StatusArg::InProgress => Self::InProgress,
            StatusArg::Done => Self::Done,
        }
    }
}

/// `--hf-unit`: the core's [`HfUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum HfUnitArg {
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
pub(crate) struct ExportArgs {
    /// Project folder (default: the current folder).
    pub(crate) project: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    pub(crate) format: ExportFormatArg,
    /// Whose annotations to export.
    #[arg(long, value_name = "NAME", required_unless_present_any = ["all_annotators", "gold"])]
    pub(crate) annotator: Option<String>,
    /// Export every annotator's annotations, naming the annotator where the format has a place for it.
    #[arg(long, conflicts_with_all = ["annotator", "gold"])]
    pub(crate) all_annotators: bool,
    /// Export the gold set made in review (annotations/_gold).
    #[arg(long, conflicts_with = "annotator")]
    pub(crate) gold: bool,
    /// Output file (a folder for brat), or - for standard output.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub(crate) output: PathBuf,
    /// What offsets count.
    #[arg(long, value_enum, default_value_t = OffsetsArg::Codepoint)]
    pub(crate) offsets: OffsetsArg,
    /// Labels to export (comma-separated); default: all of the schema's.
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub(crate) labels: Vec<String>,
    /// One tag column per use (CoNLL, Hugging Face), with its labels comma-separated:
    /// --layers actor,location,date --layers claim
    #[arg(long, value_name = "LABELS")]
    pub(crate) layers: Vec<String>,
    /// Hugging Face rows: one per sentence or one per document.
    #[arg(long, value_enum, default_value_t = HfUnitArg::Sentence)]
    pub(crate) hf_unit: HfUnitArg,
    /// Leave out documents the annotator has no annotation file for.
    #[arg(long)]
    pub(crate) annotated_only: bool,
    /// Only documents with this status (with --gold, done means reviewed).
    #[arg(long, value_enum, value_name = "STATUS")]
    pub(crate) status: Option<StatusArg>,
    /// Treat anything that cannot be exported as an error, before anything is written.
    #[arg(long)]
    pub(crate) strict: bool,
}

pub(crate) fn run_export(args: ExportArgs) -> anyhow::Result<ExitCode> {
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
    options.status = args.status.map(Into::into);
    let written = match export::export_to(&project, &options, &args.output, args.strict) {
        Ok(written) => written,
        Err(err) if err.names_its_file() => return Err(err.into()),
        Err(err) => {
            return Err(
                anyhow::Error::from(err).context(format!("exporting to {}", args.output.display()))
            );
        }
    };
    let why = if args.output.as_os_str() == "-" {
        "the output is standard output"
    } else {
        "the output is not a regular file"
    };
    for (suffix, content) in &written.unwritten {
        eprintln!("--- {suffix} (not written: {why}) ---\n{content}");
    }
    let report = &written.report;
    for loss in &report.losses {
        eprintln!("{loss}");
    }
    if written.stopped {
        eprintln!(
            "{} could not be exported (listed above); nothing was written (--strict)",
            counted(report.lost, "thing")
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
            counted(report.lost, "thing")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
