//! The `sorot` command run as a user would, in temporary project folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sorot(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sorot"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[track_caller]
fn assert_stderr_contains(output: &Output, needle: &str) {
    let stderr = stderr(output);
    assert!(
        stderr.contains(needle),
        "stderr lacks {needle:?}:\n{stderr}"
    );
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A project with one text full of offset traps and one annotation file.
fn tricky_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // A curly quote, an emoji, a combining accent and CRLF line ends.
    fs::write(
        dir.path().join("a.txt"),
        "“Kim” 😊 cafe\u{301}\r\nPutin tiba.\r\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("annotations/ayu")).unwrap();
    let ron = r#"(
    format_version: 1,
    source: "a.txt",
    fingerprint: "FINGERPRINT",
    offset_unit: CodePoint,
    annotator: "ayu",
    status: InProgress,
    spans: [
        (id: 1, start: 1, end: 4, label: "actor", text: "Kim"),
        (id: 2, start: 8, end: 13, label: "location", text: "cafe\u{301}"),
        (id: 3, start: 15, end: 20, label: "actor", text: "Putin"),
    ],
)
"#;
    let fingerprint = sorot::storage::fingerprint(&fs::read(dir.path().join("a.txt")).unwrap());
    fs::write(
        dir.path().join("annotations/ayu/a.txt.ron"),
        ron.replace("FINGERPRINT", &fingerprint),
    )
    .unwrap();
    dir
}

#[test]
fn validate_is_clean_on_the_sample_project() {
    let output = sorot(&["validate"], &repo());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
    assert_stderr_contains(&output, "5 documents checked, no problems");
}

#[test]
fn validate_reports_one_problem_per_line_with_file_and_line() {
    let dir = tricky_project();
    let path = dir.path().join("annotations/ayu/a.txt.ron");
    let good = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        good.replace("end: 20", "end: 99")
            .replace("text: \"Kim\"", "text: \"Kin\""),
    )
    .unwrap();
    fs::write(dir.path().join("empty.txt"), "").unwrap();
    fs::write(dir.path().join("latin1.txt"), b"caf\xe9").unwrap();
    fs::create_dir_all(dir.path().join("annotations/budi")).unwrap();
    fs::write(
        dir.path().join("annotations/budi/a.txt.ron"),
        "(format_version: 1,\n  source: ",
    )
    .unwrap();
    let before = fs::read(&path).unwrap();

    let output = sorot(&["validate", dir.path().to_str().unwrap()], Path::new("/"));
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert!(
        lines.iter().any(|l| l
            .contains("ayu/a.txt.ron:9: span 1 [1, 4) says \"Kin\" but the text there is \"Kim\"")),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.contains(
            "ayu/a.txt.ron:11: span 3 [15, 99) lies outside the text, which has 28 characters"
        )),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("budi/a.txt.ron:2:10: Expected string")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("empty.txt: the text is empty")),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.contains("latin1.txt:1: not UTF-8")),
        "{out}"
    );
    assert_eq!(fs::read(&path).unwrap(), before, "validate never writes");
}

#[test]
fn validate_exits_2_when_it_cannot_run() {
    let output = sorot(&["validate", "/nonexistent/project"], Path::new("/"));
    assert_eq!(output.status.code(), Some(2));
    assert_stderr_contains(&output, "/nonexistent/project: not a folder");
}

#[test]
fn export_jsonl_writes_code_point_offsets_that_slice_to_the_span_text() {
    let dir = tricky_project();
    let out_path = dir.path().join("out.jsonl");
    let output = sorot(
        &[
            "export",
            ".",
            "--format",
            "jsonl",
            "--annotator",
            "ayu",
            "-o",
            "out.jsonl",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let content = fs::read_to_string(&out_path).unwrap();
    let line: serde_json::Value = serde_json::from_str(content.lines().next().unwrap()).unwrap();
    assert_eq!(line["id"], "a.txt");
    let text: Vec<char> = line["text"].as_str().unwrap().chars().collect();
    assert!(
        line["text"].as_str().unwrap().contains("\r\n"),
        "the text is exported exactly"
    );
    let labels = line["label"].as_array().unwrap();
    let sliced: Vec<(String, String)> = labels
        .iter()
        .map(|l| {
            let (s, e) = (
                l[0].as_u64().unwrap() as usize,
                l[1].as_u64().unwrap() as usize,
            );
            (
                text[s..e].iter().collect(),
                l[2].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        sliced,
        vec![
            ("Kim".into(), "actor".into()),
            ("cafe\u{301}".into(), "location".into()),
            ("Putin".into(), "actor".into())
        ]
    );
}

#[test]
fn export_to_stdout_covers_every_document_of_the_sample() {
    let output = sorot(
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "ayu",
            "-o",
            "-",
        ],
        &repo(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ids: Vec<String> = stdout(&output)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "sorted: {ids:?}");
}

#[test]
fn export_reports_what_it_could_not_carry_and_exits_1() {
    let dir = tricky_project();
    fs::write(dir.path().join("a.txt"), "the text changed").unwrap();
    let output = sorot(
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "ayu",
            "-o",
            "-",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert_stderr_contains(&output, "a.txt.ron: annotations not exported");
    assert_stderr_contains(&output, "changed since these annotations were made");
}

#[test]
fn export_refuses_an_unknown_annotator_and_names_the_known_ones() {
    let dir = tricky_project();
    let output = sorot(
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "nobody",
            "-o",
            "x.jsonl",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_stderr_contains(&output, "annotators there: ayu");
    assert!(!dir.path().join("x.jsonl").exists());
}
