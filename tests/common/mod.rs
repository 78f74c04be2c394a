//! What the command-line tests share: running the `sorot` binary in a folder
//! and reading what it printed.
// Each test file uses its own share of these.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `sorot` with `args` in `cwd`.
pub fn sorot(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sorot"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// A file in `tests/fixtures/`: other tools' files, written for these tests
/// in the shapes those tools write.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The environment variable that makes a missing `../shared` folder a test
/// failure instead of a skip; `.ci/run` sets it, so CI always runs the tests
/// that need the peers' fixtures and the original articles.
pub const REQUIRE_SHARED: &str = "SOROT_REQUIRE_SHARED";

/// `name` inside the `shared` folder beside the repository (the peers' real
/// fixture files, the original seed articles), if it is there.
///
/// A fresh clone has nothing beside it: then the test that asked prints one
/// line saying what it skipped and gets `None`, unless `SOROT_REQUIRE_SHARED`
/// is set, when the missing folder fails the test.
pub fn shared(name: &str, test: &str) -> Option<std::path::PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(name);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os(REQUIRE_SHARED).is_some_and(|v| !v.is_empty()) {
        panic!(
            "{test}: {} is missing and {REQUIRE_SHARED} is set; put the shared folder beside the repository",
            path.display()
        );
    }
    // Straight to stderr: the test harness captures `println!` of a passing test.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: {} is not there (set {REQUIRE_SHARED}=1 to make this a failure)",
        path.display()
    );
    None
}
