//! The `sorot` command: the workbench, and headless subcommands on the same core.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use sorot::export::{self, Format};
use sorot::project::{Project, is_valid_annotator};
use sorot::storage;
use sorot::validate::validate;

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
    Export {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum)]
        format: Format,
        /// Whose annotations to export.
        #[arg(long, value_name = "NAME")]
        annotator: String,
        /// Output file, or - for standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Commands::Validate { project }) => run_validate(&project_or_cwd(project)),
        Some(Commands::Export {
            project,
            format,
            annotator,
            output,
        }) => run_export(&project_or_cwd(project), format, &annotator, &output),
        None => run_gui(cli.project, cli.annotator),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`sorot export -o - | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sorot: {err:#}");
            ExitCode::from(2)
        }
    }
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
        eprintln!("{} documents checked, no problems", project.docs().len());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} problems in {} documents",
            problems.len(),
            project.docs().len()
        );
        Ok(ExitCode::from(1))
    }
}

fn run_export(
    root: &Path,
    format: Format,
    annotator: &str,
    output: &Path,
) -> anyhow::Result<ExitCode> {
    if !is_valid_annotator(annotator) {
        bail!(
            "{annotator:?} is not a valid annotator name (letters, digits, '_', '-', '.', starting with a letter or digit)"
        );
    }
    let project = Project::open(root)?;
    if !project.annotation_dir().join(annotator).is_dir() {
        let known = project.annotators().join(", ");
        bail!(
            "no annotations by {annotator:?} in {}; annotators there: {known}",
            project.annotation_dir().display()
        );
    }
    let report = if output == Path::new("-") {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        export::export(&project, annotator, format, &mut stdout)?
    } else {
        let mut report = None;
        storage::write_atomic_with(output, |file| {
            let mut writer = std::io::BufWriter::new(file);
            report = Some(export::export(&project, annotator, format, &mut writer)?);
            writer.flush()
        })
        .with_context(|| format!("exporting to {}", output.display()))?;
        report.unwrap_or_default()
    };
    for loss in &report.losses {
        eprintln!("{}: {}", loss.file, loss.reason);
    }
    eprintln!(
        "exported {} spans in {} documents",
        report.spans, report.documents
    );
    Ok(if report.losses.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(feature = "gui")]
fn run_gui(project: Option<PathBuf>, annotator: Option<String>) -> anyhow::Result<ExitCode> {
    sorot::gui::run(sorot::gui::StartOptions { project, annotator })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn run_gui(_project: Option<PathBuf>, _annotator: Option<String>) -> anyhow::Result<ExitCode> {
    bail!(
        "this build of sorot has no workbench (built without the `gui` feature); use a subcommand: sorot --help"
    )
}
