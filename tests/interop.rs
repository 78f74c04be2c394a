//! Exports and imports through the `sorot` binary, in temporary projects:
//! round trips, offset units, the shared fixtures of other tools, losses and
//! bad input.

mod common;

use std::fs;
use std::process::Output;

use common::{fixture, shared, sorot, stderr};
use sorot_core::model::markup;
use sorot_core::project::document::Command;
use sorot_core::store::OffsetUnit;
use sorot_core::testing::{TestProject, render_offsets};

#[track_caller]
fn assert_status(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr:\n{}",
        stderr(output)
    );
}

/// ayu's annotations of berita.txt: a curly quote, an emoji (two UTF-16
/// units, four bytes), a combining accent and CRLF line ends, with a claim
/// that crosses a line end. Every edge is a token edge.
const TRICKY: &str = "“[[Kim Jong Un|actor]” 😊 tiba di [Vostochny|location]|claim], kata [[KCNA|actor].\r\n[Putin|actor]|claim] menyambut [cafe\u{301}|location] “kawan” [Rabu (13/9/2023)|date].\r\n";

/// The notes ayu gave spans of [`TRICKY`]: (the span's text, its note).
const TRICKY_NOTES: [(&str, &str); 2] = [
    ("Kim Jong Un", "nama lengkap"),
    ("KCNA.\r\nPutin", "melintasi baris"),
];

/// The plain text of [`TRICKY`].
fn tricky_text() -> String {
    markup::parse(TRICKY).unwrap().0
}

/// Settings that keep the texts in their own folder, `texts/`: a brat
/// export (which copies the texts) is then written beside them, never among
/// them, where Sorot refuses to write it.
const TEXTS_APART: &str = "(texts: \"texts\")";

/// A project with berita.txt annotated by ayu as [`TRICKY`], with [`TRICKY_NOTES`].
fn tricky_project() -> TestProject {
    let project = TestProject::new()
        .config(TEXTS_APART)
        .annotated("ayu", "berita.txt", TRICKY);
    let note = |id, note: &str| Command::SetNote {
        id,
        note: note.into(),
    };
    project.edit(
        "ayu",
        "berita.txt",
        [note(1, TRICKY_NOTES[0].1), note(5, TRICKY_NOTES[1].1)],
    );
    project
}

/// (text, note) of `annotator`'s spans of `doc` that have a note.
fn notes(project: &TestProject, annotator: &str, doc: &str) -> Vec<(String, String)> {
    project
        .spans(annotator, doc)
        .into_iter()
        .filter(|s| !s.note.is_empty())
        .map(|s| (s.text, s.note))
        .collect()
}

fn tricky_notes() -> Vec<(String, String)> {
    TRICKY_NOTES
        .iter()
        .map(|(text, note)| ((*text).to_owned(), (*note).to_owned()))
        .collect()
}

/// (start, end, label, note) of an annotator's spans, sorted: for the
/// fixtures of other tools, whose long texts are not written out here.
fn spans_of(
    project: &TestProject,
    annotator: &str,
    doc: &str,
) -> Vec<(usize, usize, String, String)> {
    let mut spans: Vec<_> = project
        .spans(annotator, doc)
        .into_iter()
        .map(|s| (s.start, s.end, s.label, s.note))
        .collect();
    spans.sort();
    spans
}

/// A token format's export of the tricky project: it loses only the two notes.
fn assert_only_notes_lost(output: &Output) {
    assert_status(output, 1);
    let lost: Vec<String> = stderr(output)
        .lines()
        .filter(|l| l.contains(": "))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        lost,
        [
            "./annotations/ayu/berita.txt.ron: the notes, values and attributes of 2 spans not exported: this format has only tags (jsonl, spacy, brat, labelstudio and csv carry them)"
        ],
    );
}

/// Exports ayu's annotations, imports them as "back" into the same project.
fn round_trip(
    format: &str,
    export_extra: &[&str],
    import_extra: &[&str],
    output: &str,
) -> TestProject {
    let dir = tricky_project();
    let mut args = vec![
        "export",
        "--format",
        format,
        "--annotator",
        "ayu",
        "-o",
        output,
    ];
    args.extend_from_slice(export_extra);
    let exported = sorot(&args, dir.root());
    if matches!(format, "conll" | "hf") {
        assert_only_notes_lost(&exported);
    } else {
        assert_status(&exported, 0);
    }
    let mut args = vec!["import", "--format", format, "--annotator", "back"];
    args.extend_from_slice(import_extra);
    args.push(output);
    assert_status(&sorot(&args, dir.root()), 0);
    dir
}

#[test]
fn brat_round_trip_keeps_everything_across_crlf() {
    let dir = round_trip("brat", &[], &[], "out");
    assert_eq!(dir.rendered("back", "berita.txt"), TRICKY);
    assert_eq!(notes(&dir, "back", "berita.txt"), tricky_notes());
    // brat's text has LF line ends and its offsets count code points over it.
    let text = dir.read("out/berita.txt");
    assert_eq!(text, tricky_text().replace("\r\n", "\n"));
    let chars: Vec<char> = text.chars().collect();
    let ann = dir.read("out/berita.ann");
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let fragments: Vec<String> = fields[1]
            .split_once(' ')
            .unwrap()
            .1
            .split(';')
            .map(|f| {
                let (s, e) = f.split_once(' ').unwrap();
                chars[s.parse::<usize>().unwrap()..e.parse::<usize>().unwrap()]
                    .iter()
                    .collect()
            })
            .collect();
        assert_eq!(fragments.join(" "), fields[2], "{line}");
    }
    assert!(
        ann.contains("T5\tclaim 40 45;46 51\tKCNA. Putin"),
        "the claim across the line end is two fragments:\n{ann}"
    );
    assert!(ann.contains("AnnotatorNotes T1\tnama lengkap"), "{ann}");
    let conf = dir.read("out/annotation.conf");
    assert!(
        conf.contains("[entities]\nactor\nlocation\ndate\nclaim\n"),
        "{conf}"
    );
}

/// Documents in subfolders get the same subfolders in a brat export, under
/// each annotator's folder when there are several.
#[test]
fn brat_export_keeps_subfolders() {
    let dir = TestProject::new()
        .config(TEXTS_APART)
        .annotated("ayu", "2023/berita.txt", TRICKY);
    let root = dir.root();
    for (extra, folder) in [
        (&["--annotator", "ayu"][..], "one/2023"),
        (&["--all-annotators"][..], "all/ayu/2023"),
    ] {
        let out = folder.split('/').next().unwrap();
        let mut args = vec!["export", "--format", "brat", "-o", out];
        args.extend_from_slice(extra);
        assert_status(&sorot(&args, root), 0);
        let text = fs::read_to_string(root.join(folder).join("berita.txt")).unwrap();
        assert_eq!(text, tricky_text().replace("\r\n", "\n"));
        let ann = fs::read_to_string(root.join(folder).join("berita.ann")).unwrap();
        assert!(
            ann.contains("T5\tclaim 40 45;46 51\tKCNA. Putin"),
            "{folder}:\n{ann}"
        );
    }
}

/// A span that holds only a line end has no place in brat's LF text: it is
/// reported, and neither it nor its note, value, attributes or relations
/// become lines brat would refuse.
#[test]
fn brat_reports_a_span_of_only_a_line_end() {
    let dir = TestProject::new().config(TEXTS_APART).annotated(
        "ayu",
        "a.txt",
        "[“Kim”|actor] tiba 😊.[\r\n|date][Putin|actor]",
    );
    // The line end's span has a note, a value and an attribute, and a
    // relation ends at it: none of them may reach the export.
    let mut file = dir.annotation_file("ayu", "a.txt");
    let line_end = &mut file.spans[1];
    line_end.note = "only the line end".into();
    line_end.value = "2024".into();
    line_end.attributes.insert("stance".into(), "pro".into());
    let said = |from, to| sorot_core::model::Relation {
        from,
        to,
        kind: "said".into(),
    };
    file.relations = vec![said(3, 1), said(3, 2)];
    dir.write_annotation_file(&file);
    let output = sorot(
        &[
            "export",
            "--format",
            "brat",
            "--annotator",
            "ayu",
            "-o",
            "out",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    let report = stderr(&output);
    assert!(
        report.contains("the span holds only a line end")
            && report.contains("exported 2 spans in 1 document"),
        "{report}"
    );
    let ann = dir.read("out/a.ann");
    assert_eq!(
        ann,
        "T1\tactor 0 5\t“Kim”\nT3\tactor 14 19\tPutin\nR1\tsaid Arg1:T3 Arg2:T1\t\n"
    );
}

#[test]
fn label_studio_round_trip_keeps_everything() {
    let dir = round_trip("labelstudio", &[], &[], "tasks.json");
    assert_eq!(dir.rendered("back", "berita.txt"), TRICKY);
    assert_eq!(notes(&dir, "back", "berita.txt"), tricky_notes());
    let config = dir.read("tasks.config.xml");
    assert!(
        config.contains("<Label value=\"claim\" background=\"#a855f7\"/>"),
        "{config}"
    );
    let tasks: serde_json::Value = serde_json::from_str(&dir.read("tasks.json")).unwrap();
    let region = &tasks[0]["annotations"][0]["result"][0];
    assert_eq!(region["from_name"], "label");
    assert_eq!(region["to_name"], "text");
    assert_eq!(region["value"]["text"], "Kim Jong Un");
}

#[test]
fn doccano_round_trip_in_every_offset_unit() {
    for unit in ["codepoint", "utf16", "byte", "grapheme"] {
        let dir = round_trip(
            "jsonl",
            &["--offsets", unit],
            &["--offsets", unit],
            "out.jsonl",
        );
        assert_eq!(dir.rendered("back", "berita.txt"), TRICKY, "{unit}");
        assert_eq!(notes(&dir, "back", "berita.txt"), tricky_notes(), "{unit}");
        // The exported offsets, read in their own unit, put every label on its characters.
        let line: serde_json::Value =
            serde_json::from_str(dir.read("out.jsonl").lines().next().unwrap()).unwrap();
        let text = line["text"].as_str().unwrap();
        assert_eq!(text, tricky_text());
        let labels = line["label"].as_array().unwrap().iter().map(|l| {
            (
                l[0].as_u64().unwrap() as usize,
                l[1].as_u64().unwrap() as usize,
                l[2].as_str().unwrap(),
            )
        });
        let unit = match unit {
            "codepoint" => OffsetUnit::CodePoint,
            "utf16" => OffsetUnit::Utf16,
            "grapheme" => OffsetUnit::Grapheme,
            _ => OffsetUnit::Byte,
        };
        assert_eq!(render_offsets(text, unit, labels), TRICKY, "{unit:?}");
    }
}

#[test]
fn conll_round_trip_with_layers_keeps_every_span_but_not_notes() {
    let dir = round_trip(
        "conll",
        &["--layers", "actor,location,date", "--layers", "claim"],
        &[],
        "out.conll",
    );
    assert_eq!(dir.rendered("back", "berita.txt"), TRICKY);
    assert_eq!(notes(&dir, "back", "berita.txt"), [], "CoNLL has no notes");
    let conll = dir.read("out.conll");
    assert!(
        conll.starts_with(
            "-DOCSTART- -X- O O\n\n“ O O\nKim B-actor B-claim\nJong I-actor I-claim\n"
        ),
        "{conll}"
    );
    // The claim across the line end keeps its sentences together.
    assert!(
        conll.contains("KCNA B-actor B-claim\n. O I-claim\nPutin B-actor I-claim\n"),
        "{conll}"
    );
}

#[test]
fn conll_documents_with_the_same_text_go_to_the_texts_in_order() {
    let text = "“Kim” 😊 bertemu\r\nPutin.\r\n";
    let dir = TestProject::new().text("a.txt", text).text("b.txt", text);
    let document = |kim: &str, putin: &str| {
        format!("-DOCSTART- O\n\n“ O\nKim {kim}\n” O\n😊 O\nbertemu O\nPutin {putin}\n. O\n\n")
    };
    let conll = document("B-actor", "O") + &document("O", "B-actor");
    dir.write("in.conll", &conll);
    let output = sorot(
        &[
            "import",
            "--format",
            "conll",
            "--annotator",
            "x",
            "in.conll",
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    // “Kim” in the first, Putin in the second.
    assert_eq!(
        dir.rendered("x", "a.txt"),
        "“[Kim|actor]” 😊 bertemu\r\nPutin.\r\n"
    );
    assert_eq!(
        dir.rendered("x", "b.txt"),
        "“Kim” 😊 bertemu\r\n[Putin|actor].\r\n"
    );

    // With one such text, the second document has nowhere to go.
    fs::remove_file(dir.path("b.txt")).unwrap();
    let output = sorot(
        &[
            "import",
            "--format",
            "conll",
            "--annotator",
            "y",
            "in.conll",
        ],
        dir.root(),
    );
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("in.conll:13: document a.txt appears twice (also at in.conll:3)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_conll_names_the_line_and_writes_nothing() {
    let dir = TestProject::new().text("a.txt", "“Kim” bertemu Putin.\n");
    let good = [
        "“ O",
        "Kim B-actor",
        "” O",
        "bertemu O",
        "Putin B-actor",
        ". O",
    ];
    // (the line to put in place of the fourth token line, the options of
    // the import, what stderr says)
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "bertemu",
            &[],
            "bad.conll:6: a token line has a token and at least one tag",
        ),
        (
            "bertemu I-actor",
            &["--scheme", "iob2"],
            "bad.conll:6: I-actor follows no B-actor or I-actor",
        ),
        (
            "bertemu X-actor",
            &[],
            "bad.conll:6: \"X-actor\" in column 2 is not a tag (O, B-label or I-label)",
        ),
        (
            "bertemu O",
            &["--tag-column", "3"],
            "bad.conll:3: this line has 2 columns, none for --tag-column 3 (the token is column 1)",
        ),
        (
            "bertamu O",
            &[],
            "bad.conll:6: the token \"bertamu\" cannot be found at its place",
        ),
    ];
    for (line, extra, expected) in cases {
        let mut lines = vec!["-DOCSTART- O", ""];
        lines.extend(good);
        lines[5] = line;
        dir.write("bad.conll", lines.join("\n") + "\n");
        let mut args = vec!["import", "--format", "conll", "--annotator", "x"];
        args.extend(extra);
        args.push("bad.conll");
        let output = sorot(&args, dir.root());
        assert_status(&output, 2);
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
        assert!(!dir.path("annotations").exists());
    }
}

#[test]
fn one_tag_column_reports_each_span_it_cannot_hold() {
    let dir = tricky_project();
    let output = sorot(
        &[
            "export",
            "--format",
            "conll",
            "--annotator",
            "ayu",
            "-o",
            "one.conll",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("span 2: claim \"Kim Jong Un” 😊 tiba di Vostochny\" overlaps another span in its tag column"), "{err}");
    assert!(
        err.contains("put these labels in different --layers"),
        "{err}"
    );
    assert!(
        err.contains("notes, values and attributes of 2 spans not exported"),
        "{err}"
    );
    assert!(err.contains("3 things could not be exported"), "{err}");
    assert!(
        dir.path("one.conll").exists(),
        "written, with the losses reported"
    );

    let output = sorot(
        &[
            "export",
            "--format",
            "conll",
            "--annotator",
            "ayu",
            "--strict",
            "-o",
            "strict.conll",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    assert!(stderr(&output).contains("nothing was written (--strict)"));
    assert!(!dir.path("strict.conll").exists());
}

#[test]
fn a_span_edge_inside_a_token_is_reported() {
    let dir = tricky_project();
    let path = dir.path("annotations/ayu/berita.txt.ron");
    // "Vostochn" ends inside the token "Vostochny".
    let ron = fs::read_to_string(&path).unwrap().replace(
        "label: \"location\", text: \"Vostochny\")",
        "label: \"location\", text: \"Vostochny\"),\n        (id: 99, start: 24, end: 32, label: \"date\", text: \"Vostochn\")",
    );
    fs::write(&path, ron).unwrap();
    let output = sorot(
        &[
            "export",
            "--format",
            "hf",
            "--annotator",
            "ayu",
            "--labels",
            "date",
            "-o",
            "hf.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    assert!(stderr(&output).contains("span 99: date \"Vostochn\" [24, 32) has an edge inside the token \"Vostochny\" [24, 33)"), "{}", stderr(&output));
    let tags: serde_json::Value = serde_json::from_str(&dir.read("hf.tags.json")).unwrap();
    assert_eq!(
        tags["ner_tags"],
        serde_json::json!(["O", "B-date", "I-date"])
    );
    let first: serde_json::Value =
        serde_json::from_str(dir.read("hf.jsonl").lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "berita.txt#1");
    assert_eq!(first["tokens"][1], "Kim");
}

#[test]
fn spacy_carries_notes_and_csv_makes_formulas_inert() {
    let dir = tricky_project();
    assert_status(
        &sorot(
            &[
                "export",
                "--format",
                "spacy",
                "--annotator",
                "ayu",
                "-o",
                "s.jsonl",
            ],
            dir.root(),
        ),
        0,
    );
    let line: serde_json::Value = serde_json::from_str(dir.read("s.jsonl").trim()).unwrap();
    assert_eq!(line["meta"]["offsets"], "codepoint");
    let spans = line["spans"].as_array().unwrap();
    let labels = spans.iter().map(|s| {
        (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
            s["label"].as_str().unwrap(),
        )
    });
    assert_eq!(
        render_offsets(&tricky_text(), OffsetUnit::CodePoint, labels),
        TRICKY
    );
    assert_eq!(spans[0]["note"], "nama lengkap");

    let path = dir.path("annotations/ayu/berita.txt.ron");
    let ron = fs::read_to_string(&path)
        .unwrap()
        .replace("note: \"nama lengkap\"", "note: \"=HYPERLINK(\\\"x\\\")\"");
    fs::write(&path, ron).unwrap();
    assert_status(
        &sorot(
            &[
                "export",
                "--format",
                "csv",
                "--all-annotators",
                "-o",
                "spans.csv",
            ],
            dir.root(),
        ),
        0,
    );
    let csv = dir.read("spans.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "document",
            "annotator",
            "label",
            "start",
            "end",
            "text",
            "left_context",
            "right_context",
            "note",
            "value",
            "attributes"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(&rows[0][8], "'=HYPERLINK(\"x\")", "a formula is made inert");
    assert_eq!(&rows[0][6], "“", "left context");
}

#[test]
fn the_shared_brat_fixtures_import_with_their_notes_and_report_the_rest() {
    let Some(fixtures) = shared(
        "fixtures",
        "the_shared_brat_fixtures_import_with_their_notes_and_report_the_rest",
    ) else {
        return;
    };
    let dir = TestProject::new();
    let output = sorot(
        &[
            "import",
            "--format",
            "brat",
            "--annotator",
            "brat",
            fixtures.join("brat").to_str().unwrap(),
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("news-tutorial_000-introduction.ann:4: event E1 was not imported"),
        "{err}"
    );
    assert!(
        err.contains("news-tutorial_110-note_annotation.ann:12: note #3 (AnnotatorNotes) of R1"),
        "a note on a relation has no place: {err}"
    );
    // R lines become relations between the imported spans.
    let file = dir.annotation_file("brat", "news-tutorial_110-note_annotation.txt");
    let family: Vec<(String, String)> = file
        .relations
        .iter()
        .filter(|r| r.kind == "Family")
        .map(|r| {
            let text = |id| file.spans.iter().find(|s| s.id == id).unwrap().text.clone();
            (text(r.from), text(r.to))
        })
        .collect();
    assert_eq!(
        family,
        [
            ("Orville Wright".into(), "Wilbur Wright".into()),
            ("Orville Wright".into(), "Wilbur Wright".into())
        ]
    );
    let spans = spans_of(&dir, "brat", "news-tutorial_000-introduction.txt");
    assert_eq!(spans.len(), 7);
    assert!(spans.contains(&(456, 468, "Money".into(), "100000000 USD".into())));
    // A attributes become attributes, a binary one `true`; an N line the
    // span's value with its resource and the entry's name.
    assert!(spans.contains(&(511, 535, "Person".into(), String::new())));
    let file = dir.annotation_file("brat", "news-tutorial_000-introduction.txt");
    let former = file.spans.iter().find(|s| s.start == 511).unwrap();
    assert_eq!(
        (&*former.value, &*former.resource, &*former.entry_name),
        ("64488", "Wikipedia", "Carlos Salinas de Gortari")
    );
    assert_eq!(
        former.attributes,
        [
            ("Individual".to_owned(), "true".to_owned()),
            ("Mention".to_owned(), "Nominal".to_owned())
        ]
        .into_iter()
        .collect()
    );
    let text: Vec<char> = dir
        .read("news-tutorial_000-introduction.txt")
        .chars()
        .collect();
    assert_eq!(
        text[511..535].iter().collect::<String>(),
        "former Mexican president"
    );
    let notes = spans_of(&dir, "brat", "news-tutorial_110-note_annotation.txt");
    assert!(notes.contains(&(
        412,
        421,
        "GPE".into(),
        "Should fictional places be annotated?".into()
    )));

    // The folder's files one by one, as a shell gives `brat/*`: each .txt is
    // its .ann's text, the collection's .conf is skipped and said.
    let mut files: Vec<String> = fs::read_dir(fixtures.join("brat"))
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut args = vec!["import", "--format", "brat", "--annotator", "files"];
    args.extend(files.iter().map(String::as_str));
    let output = sorot(&args, dir.root());
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains(
            "news-tutorial_annotation.conf: brat's configuration, not annotations; skipped"
        ),
        "{}",
        stderr(&output)
    );
    for doc in [
        "news-tutorial_000-introduction.txt",
        "news-tutorial_110-note_annotation.txt",
    ] {
        assert_eq!(dir.spans("files", doc), dir.spans("brat", doc), "{doc}");
    }

    // Exported again, annotation.conf declares the relation types and
    // attributes the collection uses, a binary one without values.
    // Outside the project, whose texts are its own folder.
    let out = tempfile::tempdir().unwrap();
    let output = sorot(
        &[
            "export",
            "--format",
            "brat",
            "--annotator",
            "brat",
            "--labels",
            "GPE,Merge-org,Money,Organization,Person,Transfer-money",
            "-o",
            out.path().to_str().unwrap(),
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    let conf = fs::read_to_string(out.path().join("annotation.conf")).unwrap();
    for line in [
        "Family\tArg1:Person, Arg2:Person\n",
        "Individual\tArg:Person\n",
        "Mention\tArg:Person, Value:Name|Nominal\n",
    ] {
        assert!(conf.contains(line), "{line:?} in\n{conf}");
    }
    let ann = fs::read_to_string(out.path().join("news-tutorial_000-introduction.ann")).unwrap();
    assert!(
        ann.contains("\tIndividual T5\n")
            && ann.contains("\tReference T5 Wikipedia:64488\tCarlos Salinas de Gortari\n"),
        "{ann}"
    );
}

#[test]
fn the_shared_doccano_fixtures_import_in_both_shapes() {
    let Some(fixtures) = shared(
        "fixtures",
        "the_shared_doccano_fixtures_import_in_both_shapes",
    ) else {
        return;
    };
    let dir = TestProject::new();
    let seq = fixtures.join("doccano/import_sequence_labeling_example.jsonl");
    let rel = fixtures.join("doccano/import_relation_extraction_example.jsonl");
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "d",
            seq.to_str().unwrap(),
            rel.to_str().unwrap(),
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains(
            "import_sequence_labeling_example.jsonl:3: the record has no \"text\"; skipped"
        ),
        "{err}"
    );
    // The relations come along: Google founded at the date, founded by both.
    let file = dir.annotation_file("d", "import_relation_extraction_example-line1.txt");
    let text = |id: u32| file.spans.iter().find(|s| s.id == id).unwrap().text.clone();
    let relations: Vec<(String, String, String)> = file
        .relations
        .iter()
        .map(|r| (text(r.from), r.kind.clone(), text(r.to)))
        .collect();
    assert_eq!(
        relations,
        [
            (
                "Google".into(),
                "foundedAt".into(),
                "September 4, 1998".into()
            ),
            ("Google".into(), "foundedBy".into(), "Larry Page".into()),
            ("Google".into(), "foundedBy".into(), "Sergey Brin".into()),
        ]
    );
    assert_eq!(
        spans_of(&dir, "d", "import_sequence_labeling_example-line1.txt"),
        vec![(0, 1, "LOC".into(), String::new())]
    );
    let google = spans_of(&dir, "d", "import_relation_extraction_example-line1.txt");
    let text: Vec<char> = fs::read_to_string(
        dir.root()
            .join("import_relation_extraction_example-line1.txt"),
    )
    .unwrap()
    .chars()
    .collect();
    let sliced: Vec<String> = google
        .iter()
        .map(|(s, e, _, _)| text[*s..*e].iter().collect())
        .collect();
    assert_eq!(
        sliced,
        ["Google", "September 4, 1998", "Larry Page", "Sergey Brin"]
    );

    let conll = fixtures.join("doccano/import_sequence_labeling_example.conll");
    assert_status(
        &sorot(
            &[
                "import",
                "--format",
                "conll",
                "--annotator",
                "c",
                conll.to_str().unwrap(),
            ],
            dir.root(),
        ),
        0,
    );
    let doc = fs::read_dir(dir.path("annotations/c"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name();
    let doc = doc.to_string_lossy().trim_end_matches(".ron").to_owned();
    let text: Vec<char> = dir.read(&doc).chars().collect();
    let found: Vec<(String, String)> = spans_of(&dir, "c", &doc)
        .into_iter()
        .map(|(s, e, l, _)| (text[s..e].iter().collect(), l))
        .collect();
    assert_eq!(
        found,
        [
            ("JAPAN".to_owned(), "LOC".to_owned()),
            ("Nadim Ladki".to_owned(), "PER".to_owned())
        ]
    );
}

/// In a project whose texts are its own folder, an id into the annotations
/// folder would make a text there, where the project never looks.
#[test]
fn an_id_into_the_annotations_folder_is_refused() {
    let dir = TestProject::new().annotated("ayu", "a.txt", "[Kim|actor] tiba.");
    dir.write(
        "into.jsonl",
        "{\"id\": \"annotations/ayu/x.txt\", \"text\": \"x\", \"label\": []}\n",
    );
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "x",
            "into.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("into.jsonl:1: document id \"annotations/ayu/x.txt\" would land in the project's annotations folder; refused"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path("annotations/ayu/x.txt").exists());
    assert!(!dir.path("annotations/x").exists());
}

#[test]
fn bad_input_names_file_and_line_and_writes_nothing() {
    let dir = tricky_project();
    let before = dir.read("annotations/ayu/berita.txt.ron");
    let cases: [(&str, &str, &str, &str); 8] = [
        (
            "bad.jsonl",
            "jsonl",
            "{\"id\": \"a.txt\", \"text\": \"x\", \"label\": []}\n{\"text\": \"oops\",\n",
            "bad.jsonl:2: malformed JSON",
        ),
        (
            "past.jsonl",
            "jsonl",
            "{\"id\": \"p.txt\", \"text\": \"short\", \"label\": [[0, 40, \"actor\"]]}\n",
            "past.jsonl:1: actor [0, 40) lies outside the text of p.txt, which has 5 characters",
        ),
        (
            "escape.jsonl",
            "jsonl",
            "{\"id\": \"../outside.txt\", \"text\": \"x\", \"label\": []}\n",
            "escape.jsonl:1: document id \"../outside.txt\" would land outside the project",
        ),
        (
            "hidden.jsonl",
            "jsonl",
            "{\"id\": \".hidden/x.txt\", \"text\": \"x\", \"label\": []}\n",
            "hidden.jsonl:1: document id \".hidden/x.txt\" has a hidden part (starting with '.'), which the project never reads; refused",
        ),
        (
            "leftover.jsonl",
            "jsonl",
            "{\"id\": \".sorot-abc123.tmp/x.txt\", \"text\": \"x\", \"label\": []}\n",
            "document id \".sorot-abc123.tmp/x.txt\" has a hidden part",
        ),
        (
            "git.jsonl",
            "jsonl",
            "{\"id\": \".git/hooks/x.txt\", \"text\": \"x\", \"label\": []}\n",
            "document id \".git/hooks/x.txt\" has a hidden part",
        ),
        (
            "bad.ann",
            "brat",
            "T1\tactor 0 3\n",
            "bad.ann:1: a T line has 3 tab-separated fields, this one has 2",
        ),
        (
            "lone.txt",
            "brat",
            "“Kim” 😊\r\n",
            "lone.txt: a brat text whose annotation file lone.ann does not exist; give the .ann files (their texts are read beside them) or the folder",
        ),
    ];
    for (name, format, content, message) in cases {
        dir.write(name, content);
        if name.ends_with(".ann") {
            dir.write("bad.txt", "Kim");
        }
        let output = sorot(
            &["import", "--format", format, "--annotator", "x", name],
            dir.root(),
        );
        assert_status(&output, 2);
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
        assert!(
            !dir.path("annotations/x").exists(),
            "{name}: nothing written"
        );
        assert!(
            !dir.text_path("a.txt").exists() && !dir.text_path("p.txt").exists(),
            "{name}: no text added"
        );
    }
    // An existing file is kept without --replace.
    fs::write(
        dir.path("again.jsonl"),
        format!(
            "{{\"id\": \"berita.txt\", \"text\": {}, \"label\": []}}\n",
            serde_json::json!(tricky_text())
        ),
    )
    .unwrap();
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "ayu",
            "again.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains("exists already and was kept; import with --replace"),
        "{}",
        stderr(&output)
    );
    assert_eq!(dir.read("annotations/ayu/berita.txt.ron"), before);
    assert_status(
        &sorot(
            &[
                "import",
                "--format",
                "jsonl",
                "--annotator",
                "ayu",
                "--replace",
                "again.jsonl",
            ],
            dir.root(),
        ),
        0,
    );
    assert!(dir.spans("ayu", "berita.txt").is_empty());
}

/// A task annotated by several people: each annotation under its person
/// by default (said), or with `--latest` the latest alone, each other one
/// reported; predictions reported unless `--predictions` asks for them.
#[test]
fn label_studio_imports_every_annotation_under_its_person() {
    let dir = TestProject::new();
    let input = fixture("labelstudio-several.json");
    let import = |flags: &[&str]| {
        let mut args = vec!["import", "--format", "labelstudio", "--annotator", "ls"];
        args.extend(flags);
        args.push(&input);
        sorot(&args, dir.root())
    };
    let output = import(&[]);
    // The predictions are not imported, and said so.
    assert_status(&output, 1);
    let said = stderr(&output);
    assert!(
        said.contains("annotations by 2 people (rina, user-2), each imported under its annotator; --latest imports only each task's latest annotation"),
        "{said}"
    );
    assert!(
        said.contains("labelstudio-several.json task 2: 1 prediction (model ner-v2) was not imported; import with --predictions"),
        "{said}"
    );
    assert_eq!(
        dir.rendered("rina", "task-1.txt"),
        "“[Kim|actor]” 😊 bertemu Putin.\r\nDi 🇷🇺 [Moskwa|location]."
    );
    assert_eq!(
        dir.rendered("user-2", "task-1.txt"),
        "“[Kim|actor]” 😊 bertemu [Putin|actor].\r\nDi 🇷🇺 Moskwa."
    );
    assert_eq!(
        dir.annotation_file("user-2", "task-1.txt").relations.len(),
        1
    );
    assert_eq!(
        dir.rendered("rina", "task-2.txt"),
        "Pertemuan 🤝 di [Vladivostok|location],\r\n“[September 2023|date]”."
    );
    // The one cancelled annotation is no one's.
    assert!(!dir.root().join("annotations/user-3").exists());
    assert!(!dir.root().join("annotations/ls").exists());

    // Predictions, under their model.
    let output = import(&["--predictions"]);
    assert_status(&output, 1);
    assert_eq!(
        dir.rendered("model-ner-v2", "task-2.txt"),
        "Pertemuan 🤝 di [Vladivostok|location],\r\n“September 2023”."
    );

    // The latest annotation alone, the other reported.
    let output = import(&["--latest", "--replace"]);
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains("labelstudio-several.json task 1: the annotation by rina was not imported: --latest imports only each task's latest annotation"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        dir.rendered("ls", "task-1.txt"),
        "“[Kim|actor]” 😊 bertemu [Putin|actor].\r\nDi 🇷🇺 Moskwa."
    );
    assert_eq!(
        dir.rendered("ls", "task-2.txt"),
        "Pertemuan 🤝 di [Vladivostok|location],\r\n“[September 2023|date]”."
    );
    let output = import(&["--latest", "--per-annotator"]);
    assert_status(&output, 2);
}

/// One person's export goes under `--annotator`, or with `--per-annotator`
/// under the person.
#[test]
fn label_studio_imports_one_persons_work_under_the_annotator_asked() {
    let dir = TestProject::new();
    let input = fixture("labelstudio-utf16.json");
    let import = |flags: &[&str]| {
        let mut args = vec!["import", "--format", "labelstudio", "--annotator", "ls"];
        args.extend(flags);
        args.push(&input);
        sorot(&args, dir.root())
    };
    assert_status(&import(&[]), 0);
    let id = dir.open().docs()[0].id.clone();
    assert!(!dir.rendered("ls", &id).is_empty());
    assert!(!dir.root().join("annotations/user-1").exists());
    assert_status(&import(&["--per-annotator"]), 0);
    assert_eq!(dir.rendered("user-1", &id), dir.rendered("ls", &id));
}

/// A task with predictions and no annotation is never "0 spans imported"
/// in silence.
#[test]
fn label_studio_predictions_alone_are_reported_or_imported_under_their_model() {
    let dir = TestProject::new();
    let input = fixture("labelstudio-predictions.json");
    let import = |flags: &[&str]| {
        let mut args = vec!["import", "--format", "labelstudio", "--annotator", "ls"];
        args.extend(flags);
        args.push(&input);
        sorot(&args, dir.root())
    };
    let output = import(&[]);
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains("task 1: 1 prediction (model ner-v2) was not imported; import with --predictions to have them, each model's under the annotator model-<version>"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.root().join("annotations").join("ls").exists());
    let output = import(&["--predictions"]);
    assert_status(&output, 0);
    assert_eq!(
        dir.rendered("model-ner-v2", "task-3.txt"),
        "Pertemuan 🤝 di [Vladivostok|location],\r\n“[September 2023|date]”."
    );
}

/// Label Studio's JSON_MIN export: its regions under their annotators, and
/// what it cannot carry said.
#[test]
fn label_studio_json_min_exports_are_read() {
    let dir = TestProject::new();
    let input = fixture("labelstudio-min.json");
    let output = sorot(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "ls",
            &input,
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    let said = stderr(&output);
    assert!(
        said.contains("a JSON_MIN export, which keeps labeled regions but no relations, notes or per-region values; export as JSON to import those too; its fields sentiment were not read"),
        "{said}"
    );
    assert!(
        said.contains("annotations by 2 people (rina, user-2)"),
        "{said}"
    );
    assert_eq!(
        dir.rendered("rina", "task-1.txt"),
        "“[Kim|actor]” 😊 bertemu Putin.\r\nDi 🇷🇺 [Moskwa|location]."
    );
    assert_eq!(
        dir.rendered("user-2", "task-1.txt"),
        "“[Kim|actor]” 😊 bertemu [Putin|actor].\r\nDi 🇷🇺 Moskwa."
    );
    assert_eq!(
        dir.rendered("rina", "task-2.txt"),
        "Pertemuan 🤝 di [Vladivostok|location],\r\n“[September 2023|date]”."
    );
}

/// `--latest` on a JSON_MIN export keeps each task's latest object, and one
/// person's two annotations of a task keep the latest, the other reported:
/// never "appears twice".
#[test]
fn label_studio_keeps_one_annotation_per_annotator_and_document() {
    let dir = TestProject::new();
    let output = sorot(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "ls",
            "--latest",
            &fixture("labelstudio-min.json"),
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains("labelstudio-min.json item 1: the annotation by rina was not imported: --latest imports only each task's latest annotation"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        dir.rendered("ls", "task-1.txt"),
        "“[Kim|actor]” 😊 bertemu [Putin|actor].\r\nDi 🇷🇺 Moskwa."
    );

    let text = "“Kim” 😊 tiba\r\n";
    let region = |label: &str| {
        serde_json::json!({"id": "r", "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": 1, "end": 4, "text": "Kim", "labels": [label]}})
    };
    let tasks = serde_json::json!([{"id": 9, "data": {"text": text}, "annotations": [
        {"completed_by": 3, "updated_at": "2024-06-19T10:00:00Z", "result": [region("actor")]},
        {"completed_by": 3, "updated_at": "2024-06-18T10:00:00Z", "result": [region("location")]},
        {"completed_by": 4, "updated_at": "2024-06-18T10:00:00Z", "result": [region("actor")]}
    ]}]);
    dir.write("twice.json", tasks.to_string());
    let output = sorot(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "ls",
            "twice.json",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains("twice.json task 1: the annotation by user-3 was not imported: user-3 has a later one of task-9.txt"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        dir.rendered("user-3", "task-9.txt"),
        "“[Kim|actor]” 😊 tiba\r\n"
    );
    assert_eq!(
        dir.rendered("user-4", "task-9.txt"),
        "“[Kim|actor]” 😊 tiba\r\n"
    );
}

/// One annotation alone, as Label Studio's API gives it, holds no text: it
/// is named, with what to export instead.
#[test]
fn a_label_studio_annotation_alone_is_named_with_what_to_export_instead() {
    let dir = TestProject::new();
    let input = fixture("labelstudio-annotation.json");
    let output = sorot(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "ls",
            &input,
        ],
        dir.root(),
    );
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("labelstudio-annotation.json: item 1 is one Label Studio annotation (it has a `result`), without its task's text; export the project from Label Studio as JSON (Export > JSON)"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.root().join("annotations/ls").exists());
}

#[test]
fn label_studio_reads_one_task_alone_and_names_the_line_of_bad_json() {
    let dir = TestProject::new();
    let task = |id: usize| {
        serde_json::json!({"id": id, "data": {"text": "“Kim” 😊 tiba\r\n"},
            "annotations": [{"result": [{"type": "labels", "from_name": "label", "to_name": "text",
                "value": {"start": 1, "end": 4, "text": "Kim", "labels": ["actor"]}}]}]})
    };
    // Imports `file` and checks the exit status; gives stderr.
    let import = |file: &str, status: i32| {
        let output = sorot(
            &[
                "import",
                "--format",
                "labelstudio",
                "--annotator",
                "ls",
                file,
            ],
            dir.root(),
        );
        assert_status(&output, status);
        stderr(&output)
    };
    // A task on its own, not in a list.
    dir.write("one.json", task(1).to_string());
    import("one.json", 0);
    assert_eq!(
        dir.rendered("ls", "task-1.txt"),
        "“[Kim|actor]” 😊 tiba\r\n"
    );

    // A list whose second task breaks off on line 4: nothing is written.
    let bad = format!(
        "[\n{},\n{{\"id\": 3,\n \"data\": {{\"text\": \"x\"}} \"annotations\": []}}\n]\n",
        task(2)
    );
    dir.write("bad.json", bad);
    let errors = import("bad.json", 2);
    assert!(errors.contains("bad.json:4: malformed JSON"), "{errors}");
    assert!(!dir.path("task-2.txt").exists());

    // Well-formed, but a number no JSON reader holds: placed in the whole input.
    let huge = format!("[{},\n  {{\"id\": 1e400, \"data\": {{}}}}]", task(4));
    dir.write("huge.json", huge);
    let errors = import("huge.json", 2);
    assert!(
        errors.contains("huge.json:2: malformed JSON: number out of range at line 2 column 14"),
        "{errors}"
    );

    dir.write("number.json", "42\n");
    let errors = import("number.json", 2);
    assert!(
        errors.contains("expected a list of Label Studio tasks"),
        "{errors}"
    );
}

#[test]
fn hugging_face_rows_per_document_have_a_tag_list_per_layer() {
    let dir = tricky_project();
    let output = sorot(
        &[
            "export",
            "--format",
            "hf",
            "--annotator",
            "ayu",
            "--hf-unit",
            "document",
            "--layers",
            "actor,location,date",
            "--layers",
            "claim",
            "-o",
            "docs.jsonl",
        ],
        dir.root(),
    );
    assert_only_notes_lost(&output);
    let rows: Vec<serde_json::Value> = dir
        .read("docs.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], "berita.txt");
    let tokens = rows[0]["tokens"].as_array().unwrap().len();
    assert_eq!(rows[0]["ner_tags"].as_array().unwrap().len(), tokens);
    assert_eq!(rows[0]["ner_tags_2"].as_array().unwrap().len(), tokens);
    let names: serde_json::Value = serde_json::from_str(&dir.read("docs.tags.json")).unwrap();
    assert_eq!(
        names["ner_tags_2"],
        serde_json::json!(["O", "B-claim", "I-claim"])
    );
}

/// Label Studio regions carry their text: offsets that count UTF-16 units
/// (older Label Studio, its browser UI) are found so and read so, and said;
/// without the check every span after the emoji would land one further on.
#[test]
fn label_studio_offsets_in_utf16_are_found_from_the_regions_texts() {
    let dir = TestProject::new();
    let input = fixture("labelstudio-utf16.json");
    let output = sorot(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "ls",
            &input,
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    assert!(
        stderr(&output).contains("the offsets of 1 task count utf16 units, as the texts of their regions show, not codepoint units as asked; read so"),
        "{}",
        stderr(&output)
    );
    let id = dir.open().docs()[0].id.clone();
    assert_eq!(
        dir.rendered("ls", &id),
        "“[Kim|actor]” 😊 bertemu [Putin|actor].\r\nDi 🇷🇺 [Moskwa|location]."
    );
}

/// A region whose offsets hold its text in neither unit is a loss, named
/// with its task's place; the others are imported.
#[test]
fn a_label_studio_region_that_does_not_hold_its_text_is_a_loss() {
    let dir = TestProject::new();
    let input = fixture("labelstudio-wrong-text.json");
    let output = sorot(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "ls",
            &input,
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains("labelstudio-wrong-text.json task 1: region r2: actor [16, 21) does not hold its region's text \"Vladimir Putin\" in codepoint units or in utf16 units; not imported"),
        "{}",
        stderr(&output)
    );
    let id = dir.open().docs()[0].id.clone();
    assert_eq!(
        dir.rendered("ls", &id),
        "“[Kim|actor]” 😊 bertemu Putin.\r\nDi 🇷🇺 [Moskwa|location]."
    );
    // Under --strict, nothing is written.
    let strict = TestProject::new();
    let output = sorot(
        &[
            "import",
            "--format",
            "labelstudio",
            "--annotator",
            "ls",
            "--strict",
            &input,
        ],
        strict.root(),
    );
    assert_status(&output, 1);
    assert!(strict.open().docs().is_empty());
}

/// doccano's browser UI counts UTF-16 units, Python code points: where a
/// text's emoji come before spans, the two readings differ, and without
/// `--offsets` the import refuses to guess, naming the documents.
#[test]
fn doccano_offsets_that_could_be_either_unit_are_not_guessed() {
    let dir = TestProject::new();
    let input = fixture("doccano-utf16.jsonl");
    let output = sorot(
        &["import", "--format", "jsonl", "--annotator", "d", &input],
        dir.root(),
    );
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains(
            "doccano-utf16.jsonl: in doccano-utf16-1.txt, characters outside the Basic Multilingual Plane"
        ) && stderr(&output).contains("--offsets utf16"),
        "{}",
        stderr(&output)
    );
    assert!(dir.open().docs().is_empty(), "nothing written");
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "d",
            "--offsets",
            "utf16",
            &input,
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    assert_eq!(
        dir.rendered("d", "doccano-utf16-1.txt"),
        "“[Kim|actor]” 😊 bertemu [Putin|actor].\r\nDi Moskwa."
    );
    assert_eq!(
        dir.rendered("d", "doccano-utf16-2.txt"),
        "Tanpa emoji: [Putin|actor]."
    );
}

/// doccano's setting that counts a grapheme cluster as one character: a
/// family emoji, a flag, an accent over its letter and a CRLF each count
/// one, and an offset past the last cluster is refused.
#[test]
fn doccano_offsets_in_grapheme_clusters() {
    let text = "👨\u{200d}👩\u{200d}👧 🇷🇺 cafe\u{301}\r\n“Putin” tiba.";
    // Clusters: family 0, space 1, flag 2, space 3, c a f é 4..8, CRLF 8,
    // “ 9, Putin 10..15.
    let dir = TestProject::new().text("a.txt", text);
    dir.write(
        "in.jsonl",
        format!(
            "{}\n",
            serde_json::json!({"id": "a.txt", "text": text, "label": [[0, 1, "actor"], [2, 3, "location"], [4, 8, "claim"], [10, 15, "actor"]]})
        ),
    );
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "g",
            "--offsets",
            "grapheme",
            "in.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    assert_eq!(
        dir.rendered("g", "a.txt"),
        "[👨\u{200d}👩\u{200d}👧|actor] [🇷🇺|location] [cafe\u{301}|claim]\r\n“[Putin|actor]” tiba."
    );
    // Exported in the same unit, the offsets are the ones imported.
    let output = sorot(
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "g",
            "--offsets",
            "grapheme",
            "-o",
            "out.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 0);
    let line: serde_json::Value =
        serde_json::from_str(dir.read("out.jsonl").lines().next().unwrap()).unwrap();
    assert_eq!(
        line["label"],
        serde_json::json!([
            [0, 1, "actor"],
            [2, 3, "location"],
            [4, 8, "claim"],
            [10, 15, "actor"]
        ])
    );
    // Every offset names a cluster's edge; one past the last is refused.
    let past = format!(
        "{}\n",
        serde_json::json!({"id": "a.txt", "text": text, "label": [[2, 99, "actor"]]})
    );
    dir.write("past.jsonl", past);
    let output = sorot(
        &[
            "import",
            "--format",
            "jsonl",
            "--annotator",
            "h",
            "--offsets",
            "grapheme",
            "past.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 2);
}

/// Exported in grapheme clusters, a span that takes part of a cluster (one
/// person of a family emoji) is a loss, not a span that silently shrinks.
#[test]
fn a_span_inside_a_grapheme_cluster_is_not_exported_in_clusters() {
    let dir = TestProject::new().annotated(
        "g",
        "a.txt",
        "[👨|actor]\u{200d}👩\u{200d}👧 dan [Putin|actor]\r\n",
    );
    let output = sorot(
        &[
            "export",
            "--format",
            "jsonl",
            "--annotator",
            "g",
            "--offsets",
            "grapheme",
            "-o",
            "out.jsonl",
        ],
        dir.root(),
    );
    assert_status(&output, 1);
    assert!(
        stderr(&output).contains("actor [0, 1) has an edge inside a grapheme cluster"),
        "{}",
        stderr(&output)
    );
    let line: serde_json::Value =
        serde_json::from_str(dir.read("out.jsonl").lines().next().unwrap()).unwrap();
    assert_eq!(line["label"], serde_json::json!([[6, 11, "actor"]]));
}
