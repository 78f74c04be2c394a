//! `sorot suggest` and `sorot gazetteer`: suggestions as JSON lines, with
//! their evaluation on standard error, and names added to the gazetteer.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sorot_core::analysis::suggest;
use sorot_core::counted;
use sorot_core::project::Project;
use sorot_core::store;

/// `--kind` of `sorot suggest`: the core's [`suggest::SuggestKind`].
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SuggestKind {
    /// Date expressions, with ISO 8601 values
    Dates,
    /// Other whole-word mentions of texts the annotator has labeled, or the
    /// project's gazetteer.tsv lists (text TAB label)
    Strings,
}

impl From<SuggestKind> for suggest::SuggestKind {
    fn from(kind: SuggestKind) -> suggest::SuggestKind {
        match kind {
            SuggestKind::Dates => suggest::SuggestKind::Dates,
            SuggestKind::Strings => suggest::SuggestKind::Strings,
        }
    }
}

pub(crate) fn run_gazetteer(root: &Path, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let project = Project::open(root)?;
    let done = suggest::import_gazetteer(&project, files)?;
    eprintln!(
        "{} names added, {} relabeled; {} has {} names",
        done.added,
        done.relabeled,
        project.root().join(suggest::GAZETTEER).display(),
        done.total
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn run_suggest(
    root: &Path,
    kind: SuggestKind,
    annotator: Option<&str>,
    output: &Path,
    evaluate: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let project = Project::open(root)?;
    let done = suggest::suggest_project(&project, kind.into(), annotator, evaluate)?;
    if output == Path::new("-") {
        std::io::stdout().lock().write_all(done.lines.as_bytes())?;
    } else {
        store::write_output(output, done.lines.as_bytes())?;
    }
    for skipped in &done.skipped {
        eprintln!("{skipped}");
    }
    eprintln!(
        "{} in {}",
        counted(done.suggestions, "suggestion"),
        counted(done.documents - done.skipped.len(), "document")
    );
    if let (Some(name), Some(evaluation)) = (evaluate, &done.evaluation) {
        eprintln!("against {name}'s spans:\n{}", evaluation.describe());
    }
    if !done.skipped.is_empty() {
        eprintln!(
            "{} skipped (listed above)",
            counted(done.skipped.len(), "document")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
