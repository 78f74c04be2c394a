//! `sorot import`: its arguments, and the run that reads another tool's
//! annotations into the project and reports what it could not carry.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::OffsetsArg;
use sorot_core::counted;
use sorot_core::formats::import::{self, AnnotationsTaken, ImportFormat, ImportOptions, TagScheme};
use sorot_core::project::{CONFIG_FILE, Project, is_valid_annotator};

/// `--format` of `sorot import`: the core's [`ImportFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ImportFormatArg {
    /// brat standoff .ann files (with their .txt), or folders of them
    Brat,
    /// doccano JSONL: {"text", "label": [[start, end, label]]} or {"text", "entities", "relations"}
    Jsonl,
    /// Label Studio JSON export (tasks with annotations)
    Labelstudio,
    /// CoNLL: a token a line with its columns, the tags (IOB2 or IOB1) in the last column or in every one; tokens are matched onto the project's texts
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

/// `--scheme` of `sorot import`: the core's [`TagScheme`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SchemeArg {
    /// Each entity starts with B-; an I- that would open one is an error
    Iob2,
    /// I- may open an entity, B- starts one right after another of the same label (the original CoNLL-2003)
    Iob1,
}

impl From<SchemeArg> for TagScheme {
    fn from(arg: SchemeArg) -> TagScheme {
        match arg {
            SchemeArg::Iob2 => TagScheme::Iob2,
            SchemeArg::Iob1 => TagScheme::Iob1,
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
    /// Leave out what has an error (a document; a JSONL line or a Label Studio task that cannot be read; a file that cannot be read at all), report each, and import the rest. Without it, every error is listed (up to 50, then counted) and nothing is imported.
    #[arg(long)]
    pub(crate) skip_invalid: bool,
    /// Add to the schema in sorot.ron the labels, relation types and attributes imported that it lacks (at the end of its lists; the rest of the file is kept as written). Uses the schema lists but does not allow (a relation between other labels, an attribute value outside its list) are named, not changed.
    #[arg(long)]
    pub(crate) add_to_schema: bool,
    /// Label Studio: every annotation under the annotator who made it (sorot_annotator, or completed_by: the email's part before @, or user-ID), even when one person made them all. Without it, that is done when the annotations come from more than one person or a task has several, and otherwise all go under --annotator.
    #[arg(long, conflicts_with = "latest")]
    pub(crate) per_annotator: bool,
    /// Label Studio: only each task's latest annotation, under --annotator; each of the others is reported as not imported.
    #[arg(long)]
    pub(crate) latest: bool,
    /// Label Studio: import the tasks' predictions too, each model's under the annotator model-VERSION. Without it, predictions are reported as not imported.
    #[arg(long)]
    pub(crate) predictions: bool,
    /// CoNLL: read the tags from column N alone, counting the token as column 1 (CoNLL-2003's named entities are column 4, CoNLL-2002's column 3). Without it, when every column after the token holds tags (O, B-label, I-label), each is read as a layer of its own; otherwise the tags are the last column. The columns not read are said.
    #[arg(long, value_name = "N", value_parser = tag_column)]
    pub(crate) tag_column: Option<usize>,
    /// CoNLL: the tag scheme. Without it, a file in which an I- tag opens an entity is read as IOB1, and said; IOB2 files read the same either way.
    #[arg(long, value_enum)]
    pub(crate) scheme: Option<SchemeArg>,
}

/// `--tag-column`'s value: a column after the token.
fn tag_column(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if n >= 2 => Ok(n),
        Ok(_) => Err("the token is column 1; the tags are in column 2 or after".into()),
        Err(err) => Err(err.to_string()),
    }
}

pub(crate) fn run_import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if !is_valid_annotator(&args.annotator) {
        bail!(
            "{:?} is not a valid annotator name (letters, digits, '_', '-', '.', starting with a letter or digit)",
            args.annotator
        );
    }
    if args.format != ImportFormatArg::Conll && (args.tag_column.is_some() || args.scheme.is_some())
    {
        bail!("--tag-column and --scheme apply to --format conll only");
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
        skip_invalid: args.skip_invalid,
        add_to_schema: args.add_to_schema,
        annotations: if args.per_annotator {
            AnnotationsTaken::PerAnnotator
        } else if args.latest {
            AnnotationsTaken::Latest
        } else {
            AnnotationsTaken::Every
        },
        predictions: args.predictions,
        tag_column: args.tag_column,
        scheme: args.scheme.map(Into::into),
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
    let mut failed = false;
    match &report.schema_added {
        Some(Ok(added)) => {
            eprintln!(
                "added to the schema in {}:",
                project.root().join(CONFIG_FILE).display()
            );
            if !added.labels.is_empty() {
                eprintln!("  labels: {}", added.labels.join(", "));
            }
            for relation in &added.relations {
                eprintln!(
                    "  relation type {} (from {} to {})",
                    relation.name,
                    or_any(&relation.from),
                    or_any(&relation.to)
                );
            }
            for attribute in &added.attributes {
                eprintln!(
                    "  attribute {} of {} ({})",
                    attribute.name,
                    attribute.label,
                    attribute.values.join("|")
                );
            }
            for label in &added.refused {
                eprintln!(
                    "  not label {label:?}, which cannot be a schema label (letters, digits, '_' and '-')"
                );
                failed = true;
            }
            for misfit in &report.schema_lacks.misfits {
                eprintln!("not added, for you to decide: {misfit}");
            }
        }
        Some(Err(err)) => {
            eprintln!(
                "the import was written; its labels were not added to the schema: {}",
                sorot_core::error_chain(err)
            );
            failed = true;
        }
        None if !report.schema_lacks.is_empty() => {
            eprintln!(
                "not in the project's schema (kept; import with --add-to-schema to add them to sorot.ron, or add them by hand):"
            );
            for line in report.schema_lacks.to_string().lines() {
                eprintln!("  {line}");
            }
        }
        None => {}
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
    if failed {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// A relation end's label, or "any label".
fn or_any(label: &str) -> &str {
    if label.is_empty() { "any label" } else { label }
}
