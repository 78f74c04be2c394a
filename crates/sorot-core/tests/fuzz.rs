//! Fuzzing in the project: mutated annotation files and mutated inputs of
//! every importer. Whatever the bytes, nothing panics, and a command that
//! stops with an error leaves every file of the project as it was.
//!
//! A **seed** is a valid input, written by Sorot's own export of a small
//! project whose text has a curly quote, an emoji and CRLF line ends. A
//! **mutation** deletes, inserts or replaces bytes of it at random places,
//! with bytes chosen to hit the grammar (digits, quotes, brackets, commas,
//! colons, tabs, line ends, a stray UTF-8 byte, part of an emoji).
//!
//! Each target runs [`cases`] cases: a few dozen by default, so that the
//! tests stay quick in CI; for a long run,
//! `SOROT_FUZZ_CASES=20000 cargo test --release -p sorot-core --test fuzz`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sorot_core::formats::export::{Format, Options, export_to};
use sorot_core::formats::import::{ImportFormat, ImportOptions, import};
use sorot_core::project::document::OpenDocument;
use sorot_core::project::validate::validate;
use sorot_core::store::AnnotationFile;
use sorot_core::testing::TestProject;

/// ayu's annotations of the seed project's one text.
const MARKUP: &str = "“[[Kim Jong Un|actor]” 😊 tiba di [Vostochny|location]|claim],\r\nkata [KCNA|actor] [Rabu (13/9/2023)|date].\r\n";

/// How many cases each target runs: `SOROT_FUZZ_CASES`, or 48.
fn cases() -> u32 {
    std::env::var("SOROT_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// One change to the bytes of a seed.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    /// Cuts the input off at this place.
    Truncate(usize),
}

/// Bytes that matter to the formats read here.
const TOKENS: &[u8] = b"0123456789\"'\\[](){}<>,:;.-+eE \t\r\n\xff\xf0\x9f\x98T#RNA*|";

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let byte = prop_oneof![proptest::sample::select(TOKENS.to_vec()), any::<u8>(),];
    let edit = prop_oneof![
        4 => any::<usize>().prop_map(Edit::Delete),
        4 => (any::<usize>(), byte.clone()).prop_map(|(at, b)| Edit::Insert(at, b)),
        4 => (any::<usize>(), byte).prop_map(|(at, b)| Edit::Replace(at, b)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ];
    proptest::collection::vec(edit, 1..8)
}

fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for edit in edits {
        let at = |n: usize, len: usize| if len == 0 { 0 } else { n % len };
        match *edit {
            Edit::Delete(n) if !bytes.is_empty() => {
                let i = at(n, bytes.len());
                bytes.remove(i);
            }
            Edit::Insert(n, b) => {
                let i = at(n, bytes.len() + 1);
                bytes.insert(i, b);
            }
            Edit::Replace(n, b) if !bytes.is_empty() => {
                let i = at(n, bytes.len());
                bytes[i] = b;
            }
            Edit::Truncate(n) => {
                let i = at(n, bytes.len() + 1);
                bytes.truncate(i);
            }
            _ => {}
        }
    }
    bytes
}

/// Every file below `root`, by path, with its bytes.
fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, found: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if !path.ends_with(".sorot-lock") {
                found.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    let mut found = BTreeMap::new();
    walk(root, &mut found);
    found
}

/// The seed project: one text, annotated by ayu.
fn seed_project() -> TestProject {
    TestProject::new().annotated("ayu", "berita.txt", MARKUP)
}

/// The seed project's export in `format`, as (file name, bytes) pairs: one
/// file, or brat's `.ann` and `.txt`.
fn exported(format: Format) -> Vec<(String, Vec<u8>)> {
    let project = seed_project();
    let out = tempfile::tempdir().unwrap();
    let destination = out.path().join("out");
    let options = Options::new(format, "ayu");
    export_to(&project.open(), &options, &destination, false).unwrap();
    if format.writes_folder() {
        vec![
            (
                "berita.ann".into(),
                fs::read(destination.join("berita.ann")).unwrap(),
            ),
            (
                "berita.txt".into(),
                fs::read(destination.join("berita.txt")).unwrap(),
            ),
        ]
    } else {
        vec![("in".into(), fs::read(&destination).unwrap())]
    }
}

/// Imports a mutation of `seed`'s first file (the others as they are) into
/// a fresh seed project: no panic, and on an error no file changed.
fn import_survives(
    format: ImportFormat,
    seed: &[(String, Vec<u8>)],
    edits: &[Edit],
) -> Result<(), TestCaseError> {
    let project = seed_project();
    let input = tempfile::tempdir().unwrap();
    for (n, (name, bytes)) in seed.iter().enumerate() {
        let bytes = if n == 0 {
            mutate(bytes, edits)
        } else {
            bytes.clone()
        };
        fs::write(input.path().join(name), bytes).unwrap();
    }
    let given = match format {
        ImportFormat::Brat => input.path().to_owned(),
        _ => input.path().join(&seed[0].0),
    };
    let before = files(project.root());
    for replace in [false, true] {
        let options = ImportOptions {
            replace,
            ..ImportOptions::new(format, "imported")
        };
        if import(&project.open(), &options, std::slice::from_ref(&given)).is_err() {
            prop_assert_eq!(
                &files(project.root()),
                &before,
                "an import that failed changed a file"
            );
            return Ok(());
        }
    }
    // What was imported can be read back and checked.
    let _ = validate(&project.open());
    Ok(())
}

fn fuzz_importer(format: ImportFormat, export: Format) {
    let seed = exported(export);
    runner()
        .run(&edits(), |edits| import_survives(format, &seed, &edits))
        .unwrap();
}

#[test]
fn doccano_import_of_mutated_jsonl() {
    fuzz_importer(ImportFormat::Jsonl, Format::JsonlRelations);
}

#[test]
fn label_studio_import_of_mutated_tasks() {
    fuzz_importer(ImportFormat::Labelstudio, Format::Labelstudio);
}

#[test]
fn brat_import_of_mutated_ann_files() {
    fuzz_importer(ImportFormat::Brat, Format::Brat);
}

#[test]
fn conll_import_of_mutated_columns() {
    fuzz_importer(ImportFormat::Conll, Format::Conll);
}

/// A mutated annotation file: reading it never panics; opening its
/// document and saving never writes over it unless it read back whole; and
/// validate names it or finds it sound.
#[test]
fn mutated_annotation_files() {
    let seed = seed_project();
    let path = seed.annotation_path("ayu", "berita.txt");
    let original = fs::read(&path).unwrap();
    runner()
        .run(&edits(), |edits| {
            let project = seed_project();
            let path = project.annotation_path("ayu", "berita.txt");
            let mutated = mutate(&original, &edits);
            fs::write(&path, &mutated).unwrap();
            let text = String::from_utf8_lossy(&mutated);
            let parsed = AnnotationFile::parse(&path, &text);
            let opened = project.open();
            let entry = opened.doc("berita.txt").unwrap();
            let mut doc = OpenDocument::open(&opened, entry, "ayu").unwrap();
            if !doc.is_editable() {
                prop_assert!(
                    doc.save_job(true).is_none(),
                    "a read-only document offers a save"
                );
                let _ = doc.save();
                prop_assert_eq!(
                    fs::read(&path).unwrap(),
                    mutated.clone(),
                    "a read-only file was written"
                );
            } else {
                prop_assert!(parsed.is_ok() || std::str::from_utf8(&mutated).is_err());
            }
            let problems = validate(&opened);
            if parsed.is_err() {
                prop_assert!(
                    !problems.is_empty(),
                    "validate found nothing wrong with an unreadable file"
                );
            }
            Ok(())
        })
        .unwrap();
}
