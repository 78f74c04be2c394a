//! An import cut short at each stage of its commit, as a killed process
//! leaves it, and what the next Sorot command makes of it: the project ends
//! as it was before the import (cut before its first rename) or as the
//! whole import makes it (cut after), never half.
//!
//! One test: cutting a commit is process-wide, so nothing else may commit
//! in this test binary meanwhile.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use sorot_core::formats::import::{ImportFormat, ImportOptions, import};
use sorot_core::project::document::{Command, OpenDocument, SaveError};
use sorot_core::project::validate::{repair, validate};
use sorot_core::store::batch::Cut;
use sorot_core::testing::{TestProject, cut_next_commit};

/// Three texts that ayu annotated, with a curly quote, an emoji and CRLF.
fn project() -> TestProject {
    TestProject::new()
        .annotated("ayu", "a.txt", "“[Kim|actor]” 😊\r\ntiba.")
        .annotated("ayu", "b.txt", "[Putin|actor] 😊\r\n")
        .annotated("ayu", "news/c.txt", "“[Rusia|location]”\r\n")
}

/// Replaces ayu's three files, adds two texts with ayu's files, and makes
/// budi's folder: renames beside their paths, in two waves, and a new
/// folder renamed whole.
const INPUT: &str = concat!(
    r#"{"id": "a.txt", "text": "“Kim” 😊\r\ntiba.", "label": [[8, 12, "date"]]}"#,
    "\n",
    r#"{"id": "b.txt", "text": "Putin 😊\r\n", "label": []}"#,
    "\n",
    r#"{"id": "news/c.txt", "text": "“Rusia”\r\n", "label": [[0, 7, "claim"]]}"#,
    "\n",
    r#"{"id": "d.txt", "text": "Kim 😊 bertemu\r\nPutin.", "label": [[0, 3, "actor"]]}"#,
    "\n",
    r#"{"id": "news/e.txt", "text": "“Moskwa”", "label": [[1, 7, "location"]]}"#,
    "\n",
    r#"{"id": "a.txt", "annotator": "budi", "text": "“Kim” 😊\r\ntiba.", "label": [[1, 4, "actor"]]}"#,
    "\n",
);

fn run_import(project: &TestProject) -> Result<(), String> {
    let input = project.write("in.jsonl", INPUT);
    let options = ImportOptions {
        replace: true,
        ..ImportOptions::new(ImportFormat::Jsonl, "ayu")
    };
    let imported = import(&project.open(), &options, std::slice::from_ref(&input));
    fs::remove_file(&input).unwrap();
    imported.map(drop).map_err(|err| err.to_string())
}

/// Every file of the project but the lock file, by path, with its bytes.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, found: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, found);
            } else if !path.ends_with(".sorot-lock") {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                found.insert(name, fs::read(&path).unwrap());
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(root, root, &mut found);
    found
}

#[test]
fn an_import_cut_at_any_stage_ends_all_old_or_all_new() {
    let before = files(project().root());
    let whole = project();
    run_import(&whole).unwrap();
    let after = files(whole.root());
    assert_ne!(before, after);

    let cuts = [
        Cut::BeforeJournal,
        Cut::AfterRenames(0),
        Cut::AfterRenames(1),
        Cut::AfterRenames(4),
        Cut::AfterRenames(usize::MAX),
    ];
    for cut in cuts {
        for finish_by_import in [false, true] {
            let dir = project();
            cut_next_commit(cut);
            assert!(run_import(&dir).is_err(), "{cut:?}: the commit was cut");
            let problems: Vec<String> = validate(&dir.open())
                .iter()
                .map(ToString::to_string)
                .collect();
            if cut == Cut::BeforeJournal {
                // Nothing was put in place; only temporary files are left,
                // and nothing of the project changed.
                assert!(!problems.is_empty(), "{cut:?}: the leftovers are named");
                assert!(
                    problems.iter().all(|p| p.contains("did not finish")),
                    "{cut:?}: {problems:#?}"
                );
                let project = dir.open();
                let repaired = repair(&project).unwrap();
                assert!(repaired.finished.is_none() && repaired.removed > 0);
                assert_eq!(files(dir.root()), before, "{cut:?}: all old");
                break;
            }
            // The cut import is named in one line, its files not one by one.
            assert_eq!(problems.len(), 1, "{cut:?}: {problems:#?}");
            assert!(
                problems[0].contains("an import was cut short")
                    && problems[0].contains("run `sorot validate --repair`"),
                "{cut:?}: {}",
                problems[0]
            );
            if finish_by_import {
                // The next import finishes the cut one before its own work.
                run_import(&dir).unwrap();
            } else {
                let repaired = repair(&dir.open()).unwrap();
                let finished = repaired.finished.expect("the cut import is finished");
                assert_eq!(repaired.removed, 0, "{cut:?}: its files are not leftovers");
                if let Cut::AfterRenames(made) = cut {
                    assert_eq!(
                        finished.already,
                        made.min(finished.put_in_place + finished.already),
                        "{cut:?}"
                    );
                }
            }
            assert_eq!(files(dir.root()), after, "{cut:?}: all new");
            assert!(validate(&dir.open()).is_empty(), "{cut:?}");
        }
    }

    // A save that comes after a cut finishes it first, then finds the
    // import's file where it expected none, and asks instead of writing.
    let dir = project();
    let opened = dir.open();
    let mut doc = OpenDocument::open(&opened, opened.doc("a.txt").unwrap(), "budi").unwrap();
    doc.execute(
        opened.schema(),
        Command::AddSpan {
            range: 8..12,
            label: "date".into(),
        },
    )
    .unwrap();
    let job = doc.save_job(false).unwrap();
    cut_next_commit(Cut::AfterRenames(0));
    assert!(run_import(&dir).is_err());
    let saved = job.run();
    assert!(
        matches!(saved, Err(SaveError::Conflict { .. })),
        "the save finds the finished import's file: {saved:?}"
    );
    assert_eq!(
        files(dir.root()),
        after,
        "the import was finished, the save did not write"
    );
}
