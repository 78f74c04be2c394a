//! `sorot agree`: agreement figures as a table or JSON on standard output,
//! the files left out on standard error.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use sorot_core::project::Project;

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum AgreeFormat {
    Table,
    Json,
}

pub(crate) fn run_agree(
    root: &Path,
    annotators: &[String],
    format: AgreeFormat,
) -> anyhow::Result<ExitCode> {
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
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        AgreeFormat::Table => out.write_all(report.to_table().as_bytes())?,
        // Written as it is made: a large corpus's JSON is tens of megabytes.
        AgreeFormat::Json => report.write_json(&mut out)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
