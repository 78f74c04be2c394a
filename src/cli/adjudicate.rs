//! `sorot adjudicate`: what the annotators agree on (or what most of them
//! have) taken into the gold set, a line per document.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use sorot_core::analysis::adjudicate::{Strategy, adjudicate};
use sorot_core::analysis::review::GOLD;
use sorot_core::counted;
use sorot_core::project::Project;

/// `--strategy` of `sorot adjudicate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StrategyArg {
    /// What every annotator of a document has (the same start, end and label).
    Agreements,
    /// What more than half of the annotators of a document have.
    Majority,
}

pub(crate) fn run_adjudicate(
    root: &Path,
    annotators: &[String],
    strategy: StrategyArg,
    documents: &[String],
) -> anyhow::Result<ExitCode> {
    let project = Project::open(root)?;
    if annotators.len() < 2 {
        bail!("name at least two annotators: --annotators a,b");
    }
    if let Some(twice) = annotators
        .iter()
        .enumerate()
        .find(|(i, a)| annotators[..*i].contains(a))
        .map(|(_, a)| a)
    {
        bail!("{twice} is named twice; name each annotator once");
    }
    if annotators.iter().any(|a| a == GOLD) {
        bail!("{GOLD} is the gold set, not an annotator to adjudicate");
    }
    let known = project.annotators();
    if let Some(unknown) = annotators.iter().find(|a| !known.contains(a)) {
        bail!(
            "{unknown} has no annotations in this project (annotators: {})",
            known.join(", ")
        );
    }
    if let Some(unknown) = documents.iter().find(|d| project.doc(d).is_none()) {
        bail!("{unknown} is not a document of this project");
    }
    let strategy = match strategy {
        StrategyArg::Agreements => Strategy::Agreements,
        StrategyArg::Majority => Strategy::Majority,
    };
    let done = adjudicate(&project, annotators, strategy, documents);
    // A line per document: written in blocks, not a system call a line.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut spans, mut relations, mut open, mut skipped) = (0, 0, 0, 0);
    for document in &done {
        if let Some(why) = &document.skipped {
            writeln!(stdout, "{}: left alone: {why}", document.document)?;
            skipped += 1;
            continue;
        }
        writeln!(
            stdout,
            "{}: took {} and {} into the gold set; {} left to decide",
            document.document,
            counted(document.spans_added, "span"),
            counted(document.relations_added, "relation"),
            document.open
        )?;
        for detail in &document.details {
            writeln!(stdout, "{}:   {detail}", document.document)?;
        }
        spans += document.spans_added;
        relations += document.relations_added;
        open += document.open;
    }
    stdout.flush()?;
    eprintln!(
        "took {} and {} into {}; {} left to decide; {} left alone",
        counted(spans, "span"),
        counted(relations, "relation"),
        project.annotation_dir().join(GOLD).display(),
        counted(open, "span"),
        counted(skipped, "document")
    );
    Ok(ExitCode::SUCCESS)
}
