//! The `sorot` command run as a user would, in temporary project folders.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{fixture, sorot, stderr, stdout};
use sorot_core::store::OffsetUnit;
use sorot_core::testing::{TestProject, render_offsets, sample_dir};

#[track_caller]
fn assert_stderr_contains(output: &Output, needle: &str) {
    let stderr = stderr(output);
    assert!(
        stderr.contains(needle),
        "stderr lacks {needle:?}:\n{stderr}"
    );
}

/// ayu's annotations of a text full of offset traps: a curly quote, an
/// emoji, a combining accent and CRLF line ends.
const TRICKY: &str = "“[Kim|actor]” 😊 [cafe\u{301}|location]\r\n[Putin|actor] tiba.\r\n";

/// A project whose one text, a.txt, ayu annotated as [`TRICKY`].
fn tricky_project() -> TestProject {
    TestProject::new().annotated("ayu", "a.txt", TRICKY)
}

/// `sorot export --format FORMAT --annotator ayu -o OUTPUT` in the project.
fn export_ayu(dir: &TestProject, format: &str, output: &str) -> Output {
    sorot(
        &[
            "export",
            "--format",
            format,
            "--annotator",
            "ayu",
            "-o",
            output,
        ],
        dir.root(),
    )
}

/// `(start, end, label)` of each object of a JSON list, in code points.
fn triples(list: &serde_json::Value) -> Vec<(usize, usize, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
                s["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn validate_is_clean_on_the_sample_project() {
    let output = sorot(&["validate"], &sample_dir());
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
    let path = dir.annotation_path("ayu", "a.txt");
    let good = fs::read_to_string(&path).unwrap();
    dir.write(
        &path,
        good.replace("end: 20", "end: 99")
            .replace("text: \"Kim\"", "text: \"Kin\""),
    );
    dir.write_text("empty.txt", "");
    dir.write("latin1.txt", b"caf\xe9");
    dir.write(
        "annotations/budi/a.txt.ron",
        "(format_version: 1,\n  source: ",
    );
    let before = fs::read(&path).unwrap();

    let output = sorot(&["validate", dir.root().to_str().unwrap()], Path::new("/"));
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    assert!(
        lines.iter().any(|l| l.contains(
            "ayu/a.txt.ron:10: span 1 [1, 4) says \"Kin\" but the text there is \"Kim\""
        )),
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.contains(
            "ayu/a.txt.ron:12: span 3 [15, 99) lies outside the text, which has 28 characters"
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

/// Two spans of one label that overlap, which the workbench refuses to
/// make, are warned of with both ids when a file holds them; warnings
/// alone leave the project valid, and a label the schema lets overlap is
/// not warned of.
#[test]
fn validate_warns_of_spans_of_one_label_that_overlap() {
    let dir = TestProject::new().annotated(
        "ayu",
        "a.txt",
        "“[[Vladimir [Putin|actor]|actor] 😊 [tiba|claim]|claim]”\r\n[Kim|actor]",
    );
    let validate = || sorot(&["validate", dir.root().to_str().unwrap()], Path::new("/"));
    let output = validate();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    // Ids by start: “Vladimir Putin” 1, the claim 2, “Putin” 3, “tiba” 4.
    assert_eq!(
        lines,
        [
            "annotations/ayu/a.txt.ron:12: warning: span 3 (actor “Putin”) overlaps span 1 (actor “Vladimir Putin”); the schema does not let actor spans overlap each other",
            "annotations/ayu/a.txt.ron:13: warning: span 4 (claim “tiba”) overlaps span 2 (claim “Vladimir Putin 😊 tiba”); the schema does not let claim spans overlap each other",
        ]
        .map(|line| format!("{}/{line}", dir.root().display())),
        "{out}"
    );
    assert_stderr_contains(&output, "1 document checked, no problems, 2 warnings");

    // Claims may nest where the schema says so.
    dir.write(
        "sorot.ron",
        r#"(schema: (labels: [(name: "actor"), (name: "location"), (name: "date"), (name: "claim", overlap: (same_label: true))]))"#,
    );
    let output = validate();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    assert_stderr_contains(&output, "no problems, 1 warning");
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
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let content = dir.read("out.jsonl");
    let line: serde_json::Value = serde_json::from_str(content.lines().next().unwrap()).unwrap();
    assert_eq!(line["id"], "a.txt");
    let text = line["text"].as_str().unwrap();
    assert_eq!(
        text,
        dir.read("a.txt"),
        "the text is exported exactly, CRLF and all"
    );
    let labels = line["label"].as_array().unwrap().iter().map(|l| {
        (
            l[0].as_u64().unwrap() as usize,
            l[1].as_u64().unwrap() as usize,
            l[2].as_str().unwrap(),
        )
    });
    assert_eq!(render_offsets(text, OffsetUnit::CodePoint, labels), TRICKY);
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
        &sample_dir(),
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
    dir.write_text("a.txt", "the text changed");
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
        dir.root(),
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
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_stderr_contains(&output, "annotators there: ayu");
    assert!(!dir.path("x.jsonl").exists());
}

#[test]
fn agree_reports_hand_computed_figures_as_json_with_nulls_and_reasons() {
    let dir = TestProject::new()
        .annotated(
            "x",
            "a.txt",
            "[Kim|actor] bertemu [Putin|actor] di [Moskwa|location].",
        )
        .annotated(
            "y",
            "a.txt",
            "[Kim|actor] bertemu [Putin|location] di Moskwa.",
        )
        // Only x annotated b.txt: it counts for alpha (y missing), not for the pair.
        .annotated("x", "b.txt", "[Kim|actor] pulang.");
    let output = sorot(&["agree", "--format", "json"], dir.root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["annotators"], serde_json::json!(["x", "y"]));
    assert_eq!(report["documents"], 2);
    let pair = &report["pairs"][0];
    assert_eq!(
        (pair["a"].as_str(), pair["b"].as_str()),
        (Some("x"), Some("y"))
    );
    let actor = &pair["labels"]["actor"];
    // Exact: Kim matches; x has 2 actors, y has 1: F1 = 2*1/3.
    assert!(
        (actor["span_f1_exact"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12,
        "{actor}"
    );
    assert_eq!(
        (actor["a_spans"].as_u64(), actor["b_spans"].as_u64()),
        (Some(2), Some(1))
    );
    // Tokens of a.txt: Kim bertemu Putin di Moskwa . (6). actor tags x: B O B O O O, y: B O O O O O.
    // po = 5/6; pe = (4/6)(5/6) + (2/6)(1/6) = 22/36; kappa = (30/36 - 22/36) / (14/36) = 8/14.
    assert!(
        (actor["token_kappa"].as_f64().unwrap() - 8.0 / 14.0).abs() < 1e-12,
        "{actor}"
    );
    let date = &pair["labels"]["date"];
    assert!(
        date["span_f1_exact"].is_null() && date["token_kappa"].is_null(),
        "{date}"
    );
    assert_eq!(
        date["undefined"]["span_f1_exact"],
        "neither annotator has a span of this label"
    );
    // Gamma: null with its reason where nobody has a span, a figure for
    // actors and one over all labels beside the pair's other figures.
    assert!(date["gamma"].is_null(), "{date}");
    assert_eq!(
        date["undefined"]["gamma"],
        "neither annotator has a span of this label"
    );
    assert!(actor["gamma"].as_f64().is_some(), "{actor}");
    assert!(actor["gamma_disorder"]["observed"].as_f64().unwrap() > 0.0);
    assert!(pair["gamma"].as_f64().is_some(), "{pair}");
    assert!(pair["gamma_disorder"]["expected"].as_f64().is_some());
    assert!(report["alpha"]["date"].is_null());
    assert!(
        report["alpha_undefined"]["date"]
            .as_str()
            .unwrap()
            .contains("only one category")
    );
    assert!(report["alpha"]["actor"].as_f64().is_some());
    assert!(
        report["per_document"]["a.txt"]["pairs"][0]["labels"]["actor"]["token_kappa"]
            .as_f64()
            .is_some()
    );

    // An annotator with itself agrees fully.
    let output = sorot(
        &["agree", "--annotators", "x,x", "--format", "json"],
        dir.root(),
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["pairs"][0]["labels"]["actor"]["token_kappa"], 1.0);
    assert_eq!(report["pairs"][0]["micro"]["span_f1_exact"], 1.0);
    assert_eq!(report["pairs"][0]["labels"]["actor"]["gamma"], 1.0);
    assert_eq!(report["pairs"][0]["gamma"], 1.0);

    let output = sorot(&["agree"], dir.root());
    assert!(
        stdout(&output).contains("x vs y (1 document both annotated)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn export_gold_exports_the_review_decisions() {
    let dir =
        TestProject::new().annotated("x", "a.txt", "“[Kim|actor]” 😊 bertemu\r\n[Putin|actor].");
    let output = sorot(
        &["export", "--format", "jsonl", "--gold", "-o", "-"],
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("there is no gold set yet"),
        "{}",
        stderr(&output)
    );
    dir.write_annotations("_gold", "a.txt", "“[Kim|actor]” 😊 bertemu\r\nPutin.");
    let output = sorot(
        &["export", "--format", "jsonl", "--gold", "-o", "-"],
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        r#"{"id":"a.txt","text":"“Kim” 😊 bertemu\r\nPutin.","label":[[1,4,"actor"]]}"#
    );
    assert_eq!(
        sorot(&["validate"], dir.root()).status.code(),
        Some(0),
        "the gold folder is valid"
    );
}

#[test]
fn suggest_dates_writes_values_and_measures_against_an_annotator() {
    let annotated = "“Putin” tiba [Rabu (13/9/2023)|date] 😊; [Juli lalu|date] Shoigu datang, kata [KCNA|actor].\r\nNomor 0812-3456-7890, 3/4 warga.";
    let dir = TestProject::new().annotated("x", "a.txt", annotated);
    let output = sorot(
        &["suggest", "--kind", "dates", "--evaluate", "x", "-o", "-"],
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    let text = dir.read("a.txt");
    assert_eq!(
        render_offsets(&text, OffsetUnit::CodePoint, triples(&line["suggestions"])),
        "“Putin” tiba [Rabu (13/9/2023)|date] 😊; [Juli lalu|date] Shoigu datang, kata KCNA.\r\nNomor 0812-3456-7890, 3/4 warga."
    );
    let values: Vec<&str> = line["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["2023-09-13", "2023-07"]);
    assert!(
        stderr(&output).contains("exact:       precision 1.000 recall 1.000"),
        "{}",
        stderr(&output)
    );

    // Strings: other mentions of what the annotator labeled; what it holds is left out.
    dir.write_annotations("x", "b.txt", "“KCNA” melaporkan 😊,\r\nlalu KCNA diam.");
    let output = sorot(
        &["suggest", "--kind", "strings", "--annotator", "x"],
        dir.root(),
    );
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["suggestions"], serde_json::json!([]));
    assert_eq!(
        render_offsets(
            &dir.read("b.txt"),
            OffsetUnit::CodePoint,
            triples(&lines[1]["suggestions"])
        ),
        "“[KCNA|actor]” melaporkan 😊,\r\nlalu [KCNA|actor] diam."
    );
}

#[test]
fn a_gazetteer_added_to_the_project_feeds_string_suggestions() {
    let dir = tricky_project();
    dir.write(
        "names.tsv",
        "# names\ncafe\u{301}\tlocation\r\ntiba\tclaim\n",
    );
    let output = sorot(&["gazetteer", "--add", "names.tsv"], dir.root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_stderr_contains(&output, "2 names added, 0 relabeled;");
    let output = sorot(
        &["suggest", "--kind", "strings", "--annotator", "ayu"],
        dir.root(),
    );
    let line: serde_json::Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    // "café" is labeled already; "tiba" comes from the gazetteer, after the emoji and CRLF.
    assert_eq!(
        render_offsets(
            &dir.read("a.txt"),
            OffsetUnit::CodePoint,
            triples(&line["suggestions"])
        ),
        "“Kim” 😊 cafe\u{301}\r\nPutin [tiba|claim].\r\n"
    );

    // A bad line is an error with its line number, and nothing is written.
    dir.write("good.tsv", "Peskov\tactor\n");
    dir.write("bad.tsv", "Shoigu\tactor\nKCNA actor\n");
    let output = sorot(&["gazetteer", "--add", "good.tsv", "bad.tsv"], dir.root());
    assert_eq!(output.status.code(), Some(2));
    assert_stderr_contains(&output, "bad.tsv:2: expected a text, a tab and a label");
    assert!(!dir.read("gazetteer.tsv").contains("Shoigu"));
}

#[test]
fn a_file_holding_only_rejected_suggestions_is_not_annotated() {
    let dir = TestProject::new().annotated("ayu", "a.txt", "“[Kim|actor]” 😊 tiba.\r\n");
    // cici turned a suggestion down and did nothing else.
    dir.edit(
        "cici",
        "a.txt",
        [sorot_core::project::document::Command::RejectSuggestion {
            range: 1..4,
            label: "actor".into(),
        }],
    );
    let output = sorot(&["agree", "--format", "json"], dir.root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["pairs"][0]["documents"], 0, "{report}");
    let output = sorot(
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "cici",
            "--annotated-only",
            "-o",
            "-",
        ],
        dir.root(),
    );
    assert_eq!(stdout(&output), "", "{}", stderr(&output));
}

/// `--status done` exports only the documents marked done (with `--gold`,
/// the reviewed ones).
#[test]
fn export_status_done_takes_only_the_documents_marked_done() {
    let dir = TestProject::new()
        .annotated("ayu", "a.txt", "“[Kim|actor]” 😊 tiba.\r\n")
        .annotated("ayu", "b.txt", "[Putin|actor] menyambut.\r\n")
        .text("c.txt", "Belum dibaca.\r\n");
    dir.edit(
        "ayu",
        "b.txt",
        [sorot_core::project::document::Command::SetStatus(
            sorot_core::model::Status::Done,
        )],
    );
    let export = |status: &str| {
        let output = sorot(
            &[
                "export",
                "--format",
                "jsonl",
                "--annotator",
                "ayu",
                "--status",
                status,
                "-o",
                "-",
            ],
            dir.root(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|line| {
                let record: serde_json::Value = serde_json::from_str(line).unwrap();
                record["id"].as_str().unwrap().to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(export("done"), ["b.txt"]);
    assert_eq!(export("in-progress"), ["a.txt"]);
    assert_eq!(export("not-started"), ["c.txt"]);
}

#[test]
fn validate_names_temporary_files_left_by_an_unfinished_write() {
    let dir = tricky_project();
    dir.write("annotations/ayu/.sorot-AbC123.tmp", "(");
    // The folder an import builds an annotator's new folder in.
    dir.write("annotations/.sorot-XyZ789.tmp/a/b.txt.ron", "(");
    let output = sorot(&["validate"], dir.root());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        all.contains(".sorot-AbC123.tmp: left by a save or an import that did not finish; the file it was to replace is intact: delete it"),
        "{all}"
    );
    assert!(
        all.contains(".sorot-XyZ789.tmp: left by an import that did not finish; nothing in it was put in place: delete the folder"),
        "{all}"
    );
    assert!(!all.contains("b.txt.ron"), "{all}");
    // An import into a project without an annotations folder builds it in
    // the project folder, which is not the text folder here.
    let dir = TestProject::new()
        .config("(texts: \"texts\")")
        .text("a.txt", "Putin tiba.");
    dir.write(".sorot-Top456.tmp/ayu/a.txt.ron", "(");
    let output = sorot(&["validate"], dir.root());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let all = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        all.contains(".sorot-Top456.tmp: left by an import that did not finish"),
        "{all}"
    );
    // What lies beside the project folder is not the project's.
    let outer = TestProject::new();
    let inner = outer.write("p/a.txt", "Putin tiba.");
    fs::create_dir(outer.path(".sorot-Out789.tmp")).unwrap();
    let inner = inner.parent().unwrap();
    let output = sorot(&["validate", inner.to_str().unwrap()], outer.root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn an_import_names_a_few_added_texts_and_counts_many() {
    let dir = TestProject::new();
    let lines = |n: usize| -> String {
        (0..n)
            .map(|i| format!("{{\"id\": \"t{i:02}\", \"text\": \"“Kim” 😊 tiba\", \"label\": [[1, 4, \"actor\"]]}}\n"))
            .collect()
    };
    // Imports `n` records into a new project folder `name`.
    let import = |name: &str, n: usize| {
        let input = format!("{name}.jsonl");
        dir.write(&input, lines(n));
        fs::create_dir(dir.path(name)).unwrap();
        let output = sorot(
            &[
                "import",
                name,
                "--format",
                "jsonl",
                "--annotator",
                "ayu",
                &input,
            ],
            dir.root(),
        );
        assert!(output.status.success(), "{}", stderr(&output));
        output
    };
    let output = import("few", 2);
    assert_stderr_contains(&output, "added the text t00.txt to");
    assert_stderr_contains(&output, "added the text t01.txt to");

    let output = import("many", 12);
    let project = dir.path("many");
    assert_stderr_contains(&output, "added 12 texts to");
    assert_stderr_contains(&output, ": t00.txt, t01.txt, t02.txt and 9 more");
    assert!(!stderr(&output).contains("added the text"));
    assert_eq!(
        fs::read_to_string(project.join("t11.txt")).unwrap(),
        "“Kim” 😊 tiba"
    );
}

/// CoNLL-2003's `token POS chunk NER` in IOB1: the command says which
/// column it read and that it read IOB1, `--tag-column` picks the chunks,
/// `--scheme iob2` refuses the file where an I- opens an entity, and a
/// column that cannot hold tags, or either flag with another format, is
/// refused before anything is read.
#[test]
fn conll_import_says_its_columns_and_scheme_and_takes_them_as_flags() {
    let dir = TestProject::new()
        .text(
            "en-1.txt",
            "UN praises Dutch plan to rebuild Greek ports.\r\n“We agree” 😊, Anna Smith Peter Jones told Reuters in Geneva.\r\n",
        )
        .text("en-2.txt", "GENEVA 2024-03-05\r\nThe Red Cross met in Bern.\r\n");
    let input = fixture("conll2003.conll");
    let import = |annotator: &str, flags: &[&str]| {
        let mut args = vec!["import", "--format", "conll", "--annotator", annotator];
        args.extend(flags);
        args.push(&input);
        sorot(&args, dir.root())
    };
    let iob1 = format!(
        "{input}: read as IOB1, as in the original CoNLL-2003: an I- tag may open an entity (I-ORG opens one at line 3); --scheme iob2 refuses such a file\n"
    );

    let output = import("ner", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "{input}: 3 columns after the token; the tags are read from the last (column 4), columns 2 and 3 ignored (--tag-column N reads column N instead, the token being column 1)\n\
             {iob1}\
             not in the project's schema (kept; import with --add-to-schema to add them to sorot.ron, or add them by hand):\n  \
             labels: ORG, MISC, PER, LOC\n\
             imported 10 spans in 2 documents\n"
        )
    );
    assert_eq!(
        dir.rendered("ner", "en-2.txt"),
        "[GENEVA|LOC] 2024-03-05\r\nThe [Red Cross|ORG] met in [Bern|LOC].\r\n"
    );

    let output = import("chunks", &["--tag-column", "3", "--scheme", "iob1"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        format!(
            "{input}: the tags are read from column 3 (--tag-column 3), columns 2 and 4 ignored\n\
             not in the project's schema (kept; import with --add-to-schema to add them to sorot.ron, or add them by hand):\n  \
             labels: NP, VP, PP\n\
             imported 18 spans in 2 documents\n"
        )
    );
    assert_eq!(
        dir.rendered("chunks", "en-2.txt"),
        "[GENEVA 2024-03-05|NP]\r\n[The Red Cross|NP] [met|VP] [in|PP] [Bern|NP].\r\n"
    );

    let output = import("strict", &["--scheme", "iob2"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "sorot: nothing was imported: {input}:3: I-ORG follows no B-ORG or I-ORG (IOB2 starts each entity with B-)\n"
        )
    );
    assert!(!dir.path("annotations/strict").exists());

    let output = import("token", &["--tag-column", "1"]);
    assert_eq!(output.status.code(), Some(2));
    assert_stderr_contains(
        &output,
        "invalid value '1' for '--tag-column <N>': the token is column 1; the tags are in column 2 or after",
    );
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "x",
            "--scheme",
            "iob1",
            &input,
        ],
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_stderr_contains(
        &output,
        "--tag-column and --scheme apply to --format conll only",
    );
}

/// A failed write names the file, the cause once, and leaves nothing behind.
#[test]
fn a_failed_import_names_its_cause_once() {
    let dir = tricky_project();
    // A file where the annotator's folder should be.
    dir.write("annotations/budi", "not a folder");
    let line =
        "{\"id\": \"b.txt\", \"text\": \"“Kim” 😊 tiba\\r\\n\", \"label\": [[1, 4, \"actor\"]]}\n";
    dir.write("in.jsonl", line);
    let output = sorot(
        &[
            "import",
            ".",
            "--format",
            "jsonl",
            "--annotator",
            "budi",
            "in.jsonl",
        ],
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with("sorot: nothing was imported: ")
            && stderr.contains("budi: cannot write: "),
        "{stderr}"
    );
    let cause = stderr
        .split("cannot write: ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .unwrap();
    assert_eq!(stderr.matches(cause).count(), 1, "{stderr}");
    assert!(!dir.path("b.txt").exists());
}

/// An export never lands in the annotations folder, never replaces a text,
/// and brat (which copies the texts) never writes among the texts: each is
/// refused with exit 2 before anything is written.
#[test]
fn export_refuses_to_write_over_the_projects_own_files() {
    let dir = tricky_project();
    let annotations = dir.annotation_path("ayu", "a.txt");
    let ron_before = fs::read(&annotations).unwrap();
    let text_before = fs::read(dir.text_path("a.txt")).unwrap();
    let refused = [
        (
            "jsonl",
            "annotations/ayu/a.txt.ron",
            "inside the project's annotations folder",
        ),
        (
            "csv",
            "annotations/new.csv",
            "inside the project's annotations folder",
        ),
        ("jsonl", "a.txt", "this is the project's text a.txt"),
        (
            "spacy",
            "./sub/../a.txt",
            "this is the project's text a.txt",
        ),
        ("brat", "brat-out", "inside the project's text folder"),
    ];
    for (format, output, why) in refused {
        let result = export_ayu(&dir, format, output);
        assert_eq!(
            result.status.code(),
            Some(2),
            "{output}: {}",
            stderr(&result)
        );
        assert_stderr_contains(&result, why);
    }
    assert_eq!(fs::read(&annotations).unwrap(), ron_before);
    assert_eq!(
        fs::read(dir.text_path("a.txt")).unwrap(),
        text_before,
        "CRLF and all"
    );
    assert!(!dir.path("annotations/new.csv").exists());
    assert!(!dir.path("brat-out").exists());
}

/// A link to a text is the text: refused too.
#[cfg(unix)]
#[test]
fn export_refuses_a_link_to_a_text() {
    let dir = tricky_project();
    std::os::unix::fs::symlink(dir.text_path("a.txt"), dir.path("out.jsonl")).unwrap();
    let before = fs::read(dir.text_path("a.txt")).unwrap();
    let result = export_ayu(&dir, "jsonl", "out.jsonl");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert_stderr_contains(&result, "out.jsonl: this is the project's text a.txt");
    assert_eq!(fs::read(dir.text_path("a.txt")).unwrap(), before);
}

/// A link stays a link: the file it points to gets the export, whether it
/// exists yet or not, and the file beside it is named after the link.
#[cfg(unix)]
#[test]
fn export_through_a_link_writes_the_file_it_points_to() {
    let dir = tricky_project();
    let elsewhere = tempfile::tempdir().unwrap();
    for (existing, link) in [(false, "new.jsonl"), (true, "old.jsonl")] {
        let target = elsewhere.path().join(format!("target-{link}"));
        if existing {
            fs::write(&target, "old rows\n").unwrap();
        }
        std::os::unix::fs::symlink(&target, dir.path(link)).unwrap();
        let result = export_ayu(&dir, "hf", link);
        assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
        let meta = fs::symlink_metadata(dir.path(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
        let rows = fs::read_to_string(&target).unwrap();
        assert!(rows.starts_with("{\"id\":"), "{rows}");
        let stem = link.trim_end_matches(".jsonl");
        assert!(dir.path(format!("{stem}.tags.json")).is_file());
    }
}

/// A pipe stays a pipe: the export is written into it, and the labeling
/// config that would go beside it is shown instead.
#[cfg(unix)]
#[test]
fn export_into_a_fifo_writes_into_it() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;

    let dir = tricky_project();
    let fifo = dir.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut read = String::new();
            fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut read)
                .unwrap();
            read
        })
    };
    let result = export_ayu(&dir, "labelstudio", "pipe");
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    // Checked first: a pipe replaced by a file would leave the reader waiting.
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let read = reader.join().unwrap();
    let tasks: serde_json::Value = serde_json::from_str(&read).unwrap();
    assert_eq!(tasks[0]["data"]["text"], dir.read("a.txt"));
    assert_stderr_contains(
        &result,
        "--- .config.xml (not written: the output is not a regular file) ---",
    );
    assert!(!dir.path("pipe.config.xml").exists());
}

/// Many leftovers are counted in one line, and `--repair` removes them.
#[test]
fn validate_counts_many_leftovers_in_one_line_and_repair_removes_them() {
    let dir = tricky_project();
    for n in 0..7 {
        dir.write(format!("annotations/ayu/.sorot-Left{n}0.tmp"), "(");
    }
    let output = sorot(&["validate"], dir.root());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let listed = stdout(&output);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(
        lines[0].contains(
            ".sorot-Left00.tmp: this and 6 more temporary files and folders were left by saves or imports that did not finish"
        )
            && lines[0].contains("run `sorot validate --repair` to remove them"),
        "{}",
        lines[0]
    );
    let output = sorot(&["validate", "--repair"], dir.root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_stderr_contains(
        &output,
        "removed 7 temporary files and folders left by writes that never finished",
    );
    assert!(!dir.path("annotations/ayu/.sorot-Left00.tmp").exists());
    assert!(dir.annotation_path("ayu", "a.txt").exists());
}

/// A record that gives one span hundreds of times is reported in a few
/// lines, not one per duplicate; the count stays exact.
#[test]
fn a_flood_of_losses_is_counted_not_listed() {
    let dir = TestProject::new().text("a.txt", "“Kim” 😊\r\ntiba.");
    let labels: Vec<String> = (0..500).map(|_| "[1, 4, \"actor\"]".to_owned()).collect();
    dir.write(
        "in.jsonl",
        format!(
            "{{\"id\": \"a.txt\", \"text\": \"“Kim” 😊\\r\\ntiba.\", \"label\": [{}]}}\n",
            labels.join(", ")
        ),
    );
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "ayu",
            "in.jsonl",
        ],
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stderr(&output);
    assert!(report.lines().count() < 30, "{report}");
    assert_stderr_contains(&output, "in.jsonl: 479 more spans there twice, not listed");
    assert_stderr_contains(&output, "499 things could not be imported");
    assert_eq!(dir.spans("ayu", "a.txt").len(), 1);
}

/// `suggest` names each text it could not read and exits 1.
#[test]
fn suggest_names_the_texts_it_skips() {
    let dir = TestProject::new()
        .text("a.txt", "“Kim” 😊 tiba Rabu (13/9/2023).\r\n")
        .text("empty.txt", "");
    dir.write("latin1.txt", b"caf\xe9\r\n".as_slice());
    let output = sorot(&["suggest", "--kind", "dates", "-o", "-"], dir.root());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_stderr_contains(&output, "empty.txt: ");
    assert_stderr_contains(&output, "latin1.txt: ");
    assert_stderr_contains(&output, "2 documents skipped (listed above)");
    assert_eq!(stdout(&output).lines().count(), 1);
}

/// A file that cannot be read is named once in its message, with where in
/// it the reading stopped.
#[test]
fn an_unreadable_file_is_named_once() {
    let dir = tricky_project().annotated("budi", "a.txt", TRICKY);
    dir.write("annotations/budi/a.txt.ron", "(garbage");
    let output = sorot(
        &["export", "--format", "jsonl", "--all-annotators", "-o", "-"],
        dir.root(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = stderr(&output);
    let line = report
        .lines()
        .find(|l| l.contains("budi/a.txt.ron"))
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(line.matches("a.txt.ron").count(), 1, "{line}");
    assert!(line.contains("a.txt.ron:1:"), "{line}");
    assert!(line.contains("annotations not exported: "), "{line}");
}

/// A text that is a link to a file elsewhere is still the project's text,
/// and a new `.txt` among the texts would become one: both refused.
#[cfg(unix)]
#[test]
fn export_refuses_a_linked_text_and_a_new_text() {
    let dir = tricky_project();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("berita.txt");
    fs::write(&outside, "“Kim” 😊\r\ntiba.").unwrap();
    std::os::unix::fs::symlink(&outside, dir.path("linked.txt")).unwrap();
    let result = export_ayu(&dir, "jsonl", "linked.txt");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert_stderr_contains(&result, "linked.txt: this is the project's text linked.txt");
    assert_eq!(fs::read_to_string(&outside).unwrap(), "“Kim” 😊\r\ntiba.");
    let result = export_ayu(&dir, "conll", "train.txt");
    assert_eq!(result.status.code(), Some(2), "{}", stderr(&result));
    assert_stderr_contains(
        &result,
        "train.txt: a .txt here, in the project's text folder",
    );
    assert!(!dir.path("train.txt").exists());
    // Elsewhere, or under another name, it is written.
    let result = export_ayu(&dir, "conll", "train.conll");
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(dir.path("train.conll").is_file());
}
