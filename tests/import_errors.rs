//! Imports with errors in several places: every error listed before
//! anything is written, or with `--skip-invalid` the rest imported and each
//! left-out part reported.

mod common;

use std::process::Output;

use common::{sorot, stderr};
use sorot_core::testing::TestProject;

#[track_caller]
fn assert_status(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr:\n{}",
        stderr(output)
    );
}

/// A JSONL file with a line of bad JSON, a span past its text and a
/// reversed span among good lines (a curly quote, an emoji, a CRLF text).
const JSONL: &str = concat!(
    r#"{"id": "a.txt", "text": "“Kim” 😊 tiba\r\n", "label": [[1, 4, "actor"]]}"#,
    "\n",
    r#"{"id": "b.txt", "text": "Putin 😊", "label": [[0, 40, "actor"]]}"#,
    "\n",
    r#"{"id": "c.txt", "text": "Kim", "label": [[0, 3, "actor"]"#,
    "\n",
    r#"{"id": "d.txt", "text": "“Putin” tiba", "label": [[1, 6, "actor"]]}"#,
    "\n",
    r#"{"id": "e.txt", "text": "Moskwa", "label": [[6, 0, "location"]]}"#,
    "\n",
);

#[test]
fn every_error_of_a_jsonl_file_is_listed_and_nothing_is_written() {
    let dir = TestProject::new();
    dir.write("in/labels.jsonl", JSONL);
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "ayu",
            "--offsets",
            "codepoint",
            "in/labels.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 2);
    let said = stderr(&output);
    assert!(
        said.contains("nothing was imported: 3 errors in the inputs, listed below; fix them and import again, or import with --skip-invalid"),
        "{said}"
    );
    // Each error with its line, in input order.
    let lines: Vec<&str> = said.lines().collect();
    let at = |needle: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no line starting {needle:?} in\n{said}"))
    };
    let (b, c, e) = (
        at("in/labels.jsonl:2: actor [0, 40)"),
        at("in/labels.jsonl:3: malformed JSON"),
        at("in/labels.jsonl:5: location [6, 0) is reversed"),
    );
    assert!(b < c && c < e, "{said}");
    assert!(!dir.root().join("annotations").exists());
    assert!(!dir.root().join("a.txt").exists());
}

#[test]
fn skip_invalid_imports_the_rest_and_reports_each_part_left_out() {
    let dir = TestProject::new();
    dir.write("in/labels.jsonl", JSONL);
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "ayu",
            "--offsets",
            "codepoint",
            "--skip-invalid",
            "in/labels.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    let said = stderr(&output);
    for left_out in [
        "in/labels.jsonl:2: actor [0, 40) lies outside the text of b.txt, which has 7 characters; left out (--skip-invalid)",
        "in/labels.jsonl:3: malformed JSON: EOF while parsing a list at line 1 column 56; left out (--skip-invalid)",
        "in/labels.jsonl:5: location [6, 0) is reversed: its end is before its start; a span is [start, end) with its start before its end; left out (--skip-invalid)",
    ] {
        assert!(said.contains(left_out), "{left_out}\n{said}");
    }
    assert!(said.contains("imported 2 spans in 2 documents"), "{said}");
    assert_eq!(dir.rendered("ayu", "a.txt"), "“[Kim|actor]” 😊 tiba\r\n");
    assert_eq!(dir.rendered("ayu", "d.txt"), "“[Putin|actor]” tiba");
    for left_out in ["b.txt", "c.txt", "e.txt"] {
        assert!(!dir.root().join(left_out).exists(), "{left_out}");
    }
}

/// brat: every `.ann` file whose spans do not fit its text is named, not
/// only the first.
#[test]
fn every_brat_file_with_bad_offsets_is_named() {
    let dir = TestProject::new();
    let texts = ["“Kim” 😊 tiba\r\n", "Putin 😊 tiba\r\n", "“Moskwa”\r\n"];
    // The second and the third have a span past their text's end.
    let anns = [
        "T1\tactor 1 4\tKim\n",
        "T1\tactor 0 5\tPutin\nT2\tactor 20 25\tPutin\n",
        "T1\tlocation 30 36\tMoskwa\n",
    ];
    let mut inputs = Vec::new();
    for (n, (text, ann)) in texts.iter().zip(anns).enumerate() {
        dir.write(format!("in/{n}.txt"), text);
        dir.write(format!("in/{n}.ann"), ann);
        inputs.push(format!("in/{n}.ann"));
    }
    let import = |flags: &[&str]| {
        let mut args = vec!["import", "--format", "brat", "--annotator", "ayu"];
        args.extend(flags);
        args.extend(inputs.iter().map(String::as_str));
        sorot(&args, dir.root())
    };
    let output = import(&[]);
    assert_status(&output, 2);
    let said = stderr(&output);
    assert!(said.contains("2 errors in the inputs"), "{said}");
    assert!(said.contains("in/1.ann:2: actor [20, 25)"), "{said}");
    assert!(said.contains("in/2.ann:1: location [30, 36)"), "{said}");
    assert!(!dir.root().join("annotations").exists());

    let output = import(&["--skip-invalid"]);
    assert_status(&output, 1);
    assert_eq!(dir.rendered("ayu", "0.txt"), "“[Kim|actor]” 😊 tiba\r\n");
    assert!(!dir.root().join("1.txt").exists());
    assert!(!dir.root().join("2.txt").exists());
}

/// A brat folder whose files have malformed lines: each file's first error
/// is listed, and with `--skip-invalid` the folder's other files are read.
#[test]
fn every_malformed_brat_file_of_a_folder_is_named() {
    let dir = TestProject::new();
    dir.write("corpus/a.txt", "“Kim” 😊 tiba\r\n");
    dir.write("corpus/a.ann", "T1\tactor 1 4\tKim\n");
    dir.write("corpus/b.txt", "Putin tiba\r\n");
    dir.write("corpus/b.ann", "T1\tactor 0 5\tPutin\nT2 actor zero 5\n");
    dir.write("corpus/c.txt", "Moskwa\r\n");
    dir.write("corpus/c.ann", "X1\tthis is no brat line\n");
    let import = |flags: &[&str]| {
        let mut args = vec!["import", "--format", "brat", "--annotator", "ayu"];
        args.extend(flags);
        args.push("corpus");
        sorot(&args, dir.root())
    };
    let output = import(&[]);
    assert_status(&output, 2);
    let said = stderr(&output);
    assert!(
        said.contains("2 errors in the inputs, listed below"),
        "{said}"
    );
    let b = said.find("corpus/b.ann:2:").expect(&said);
    let c = said.find("corpus/c.ann:1:").expect(&said);
    assert!(b < c, "{said}");
    assert!(!dir.root().join("annotations").exists());

    let output = import(&["--skip-invalid"]);
    assert_status(&output, 1);
    assert_eq!(dir.rendered("ayu", "a.txt"), "“[Kim|actor]” 😊 tiba\r\n");
    assert!(!dir.root().join("annotations/ayu/b.txt.ron").exists());
}
