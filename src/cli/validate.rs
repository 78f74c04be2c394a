//! `sorot validate`: one problem per line on standard output, a count on
//! standard error.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use sorot_core::counted;
use sorot_core::project::Project;
use sorot_core::project::validate::validate;

pub(crate) fn run_validate(root: &Path) -> anyhow::Result<ExitCode> {
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
