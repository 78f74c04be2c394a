//! Every export format on the bundled sample project, pinned byte for byte
//! by snapshots (`snapshots/exports__*.snap`).
//!
//! The **sample** is a copy of the bundled project with one more text of
//! ayu's, [`TRICKY`], so that offsets cross a curly quote, an emoji and CRLF
//! line ends. A **snapshot** here is everything one export writes, file by
//! file (the export and any file beside it: Hugging Face's tag names, Label
//! Studio's labeling config, brat's folder), followed by what it reports it
//! could not carry, with the project folder written as `<project>` and each
//! carriage return as `␍` (snapshots compare lines, not line ends). A change to an
//! export shows up as a difference to review; `INSTA_UPDATE=always cargo
//! test -p sorot-core --test exports` (or `cargo insta review`) accepts it.

use std::fs;
use std::path::Path;

use sorot_core::formats::export::{Format, OffsetUnit, Options, export_to};
use sorot_core::testing::TestProject;

/// ayu's annotations of `seeds/005_tricky.txt` in the sample.
const TRICKY: &str = "“[[Kim Jong Un|actor]” 😊 tiba di [Vostochny|location]|claim], kata [[KCNA|actor].\r\n[Putin|actor]|claim] menyambut [cafe\u{301}|location] “kawan” [Rabu (13/9/2023)|date].\r\n";

/// The sample; see the module docs.
fn sample() -> TestProject {
    TestProject::sample().annotated("ayu", "005_tricky.txt", TRICKY)
}

/// Exports the sample project with `options` into a new folder and gives
/// every file written, then the losses.
fn exported(options: &Options) -> String {
    let sample = sample();
    let out = tempfile::tempdir().unwrap();
    let destination = if options.format.writes_folder() {
        out.path().join("brat")
    } else {
        out.path().join("export")
    };
    let written = export_to(&sample.open(), options, &destination, false).unwrap();
    let mut files = Vec::new();
    collect(out.path(), out.path(), &mut files);
    files.sort();
    let mut snapshot = String::new();
    for (name, content) in files {
        snapshot.push_str(&format!("=== {name}\n{content}"));
        if !content.ends_with('\n') {
            snapshot.push_str("\n=== (no line end at the end of the file)\n");
        }
    }
    snapshot.push_str("=== losses\n");
    let root = sample.root().display().to_string();
    for loss in &written.report.losses {
        snapshot.push_str(&loss.to_string().replace(&root, "<project>"));
        snapshot.push('\n');
    }
    snapshot.push_str(&format!(
        "=== {} spans in {} documents\n",
        written.report.spans, written.report.documents
    ));
    snapshot
}

/// (path relative to `root`, content) of every file under `dir`.
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let name = path.strip_prefix(root).unwrap().display().to_string();
            let content = fs::read_to_string(&path).unwrap().replace('\r', "␍");
            files.push((name, content));
        }
    }
}

fn ayu(format: Format) -> Options {
    Options::new(format, "ayu")
}

#[test]
fn jsonl_of_ayu() {
    insta::assert_snapshot!(exported(&ayu(Format::Jsonl)));
}

#[test]
fn jsonl_relations_of_ayu() {
    insta::assert_snapshot!(exported(&ayu(Format::JsonlRelations)));
}

#[test]
fn spacy_of_ayu() {
    insta::assert_snapshot!(exported(&ayu(Format::Spacy)));
}

#[test]
fn conll_of_ayu() {
    insta::assert_snapshot!(exported(&ayu(Format::Conll)));
}

#[test]
fn hugging_face_of_ayu_with_its_tag_names() {
    insta::assert_snapshot!(exported(&ayu(Format::Hf)));
}

#[test]
fn brat_folder_of_ayu() {
    insta::assert_snapshot!(exported(&ayu(Format::Brat)));
}

#[test]
fn label_studio_of_ayu_with_its_labeling_config() {
    insta::assert_snapshot!(exported(&ayu(Format::Labelstudio)));
}

#[test]
fn csv_of_ayu() {
    insta::assert_snapshot!(exported(&ayu(Format::Csv)));
}

/// `--all-annotators`: every annotator's records, each naming its annotator.
#[test]
fn jsonl_of_all_annotators() {
    let mut options = ayu(Format::Jsonl);
    options.annotators = sample().open().annotators();
    options.name_annotators = true;
    assert_eq!(options.annotators, ["ayu", "budi"]);
    insta::assert_snapshot!(exported(&options));
}

/// `--offsets utf16`: offsets count UTF-16 code units, one more than code
/// points after the emoji.
#[test]
fn jsonl_of_ayu_in_utf16_offsets() {
    let mut options = ayu(Format::Jsonl);
    options.offsets = OffsetUnit::Utf16;
    insta::assert_snapshot!(exported(&options));
}
