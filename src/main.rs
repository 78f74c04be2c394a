//! The `sorot` command: the workbench, and headless subcommands on the same core.

mod cli;

/// The allocator: reading and counting a large corpus (agreement,
/// adjudication) makes millions of small allocations on several threads,
/// which take 15 to 20 % less CPU time with this one than with the
/// system's (docs/BENCHMARKS.md, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

#[cfg(not(feature = "gui"))]
use anyhow::bail;
use clap::{Parser, Subcommand};

use cli::adjudicate::{StrategyArg, run_adjudicate};
use cli::agree::{AgreeFormat, run_agree};
use cli::export::{ExportArgs, run_export};
use cli::import::{ImportArgs, run_import};
use cli::project_or_cwd;
use cli::suggest::{SuggestKind, run_gazetteer, run_suggest};
use cli::validate::run_validate;

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
        /// First finish an import that was cut short and remove the temporary files of writes that never finished.
        #[arg(long)]
        repair: bool,
    },
    /// Write one annotator's annotations in another tool's format.
    /// Exit status: 0 done, 1 something could not be exported (listed on stderr), 2 could not run.
    Export(ExportArgs),
    /// Read annotations written by another tool into the project.
    /// Exit status: 0 done, 1 something could not be imported (listed on stderr), 2 nothing written.
    Import(ImportArgs),
    /// Propose spans: dates with their normalized values, or other mentions of
    /// texts an annotator has labeled. One JSON object per document.
    /// Exit status: 0 done, 1 a text could not be read (listed on stderr), 2 could not run.
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
    /// Inter-annotator agreement: span F1, token kappa, Krippendorff's alpha and gamma.
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
    /// Take into the gold set, without a decision, what the annotators agree
    /// on (or what most of them have): spans with the details they share,
    /// and relations between spans in the gold set. Decisions already in the
    /// gold set are never changed; running it again changes nothing.
    /// One line per document on stdout. Exit status: 0 done, 2 could not run.
    Adjudicate {
        /// Project folder (default: the current folder).
        project: Option<PathBuf>,
        /// The annotators to adjudicate, two or more (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "NAMES", required = true)]
        annotators: Vec<String>,
        /// What to take.
        #[arg(long, value_enum, default_value_t = StrategyArg::Agreements)]
        strategy: StrategyArg,
        /// Only these documents (comma-separated ids); default: all.
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        documents: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Commands::Validate { project, repair }) => {
            run_validate(&project_or_cwd(project), repair)
        }
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
        Some(Commands::Adjudicate {
            project,
            annotators,
            strategy,
            documents,
        }) => run_adjudicate(&project_or_cwd(project), &annotators, strategy, &documents),
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
            // The error and its causes, joined by ": "; no message repeats
            // its cause, so each is printed once.
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
