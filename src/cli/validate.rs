//! `sorot validate`: one problem per line on standard output, a count on
//! standard error; with `--repair`, what writes that never finished left is
//! dealt with first.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use sorot_core::counted;
use sorot_core::project::Project;
use sorot_core::project::validate::{repair, validate};

pub(crate) fn run_validate(root: &Path, repairing: bool) -> anyhow::Result<ExitCode> {
    let project = Project::open(root)?;
    if repairing {
        let repaired = repair(&project)?;
        if let Some(finished) = &repaired.finished {
            eprintln!("{finished}");
        }
        if repaired.removed > 0 {
            let what = match repaired.removed {
                1 => "1 temporary file or folder".to_owned(),
                n => format!("{n} temporary files and folders"),
            };
            eprintln!("removed {what} left by writes that never finished");
        }
        if repaired.finished.is_none() && repaired.removed == 0 {
            eprintln!("nothing to repair");
        }
    }
    let problems = validate(&project);
    let mut stdout = std::io::stdout().lock();
    for problem in &problems {
        writeln!(stdout, "{problem}")?;
    }
    let warnings = problems.iter().filter(|p| p.warning).count();
    let errors = problems.len() - warnings;
    let warned = match warnings {
        0 => String::new(),
        n => format!(", {}", counted(n, "warning")),
    };
    let documents = counted(project.docs().len(), "document");
    if errors == 0 {
        eprintln!("{documents} checked, no problems{warned}");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{} in {documents}{warned}", counted(errors, "problem"));
        Ok(ExitCode::from(1))
    }
}
