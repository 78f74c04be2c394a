//! Imports and exports at the edges of what each format holds: CRLF texts
//! against LF copies, spans and details a format has no place for, records
//! and names that must be refused without writing anything, and relations,
//! notes, values and attributes that come back in every offset unit.

use std::fs;

use sorot_core::formats::export::OffsetUnit;
use sorot_core::formats::import::{ImportFormat, ImportOptions, TagScheme, import};
use sorot_core::model::Relation;
use sorot_core::project::document::Command;
use sorot_core::testing::TestProject;

use sorot_core::error_chain as with_causes;

fn options(format: ImportFormat) -> ImportOptions {
    ImportOptions {
        ..ImportOptions::new(format, "ayu")
    }
}

/// A folder outside the project holding other tools' files, as (name, content).
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

/// brat counts offsets over its LF copy of a CRLF text: its spans land on
/// the same characters of the CRLF text, without a carriage return.
#[test]
fn brat_spans_land_on_the_same_characters_of_a_crlf_text() {
    let project = TestProject::new().text("a.txt", "“Kim” 😊\r\nPutin\r\n");
    let brat = folder(&[
        ("a.txt", "“Kim” 😊\nPutin\n"),
        ("a.ann", "T1\tactor 1 4\tKim\nT2\tactor 8 13\tPutin\n"),
    ]);
    import(
        &project.open(),
        &options(ImportFormat::Brat),
        &[brat.path().to_owned()],
    )
    .unwrap();
    assert_eq!(
        project.rendered("ayu", "a.txt"),
        "“[Kim|actor]” 😊\r\n[Putin|actor]\r\n"
    );
}

/// doccano: an "annotator" field is a folder name, checked like any
/// annotator name: one that leads out of the project writes nothing there.
#[test]
fn a_doccano_annotator_that_leads_out_of_the_project_writes_nothing_outside() {
    let outer = tempfile::tempdir().unwrap();
    let proj = outer.path().join("p");
    fs::create_dir_all(&proj).unwrap();
    fs::write(proj.join("a.txt"), "Kim").unwrap();
    let input = outer.path().join("in.jsonl");
    fs::write(
        &input,
        r#"{"id":"a.txt","text":"Kim","label":[[0,3,"actor"]],"annotator":"../../escaped"}"#,
    )
    .unwrap();
    let project = sorot_core::project::Project::open(&proj).unwrap();
    let result = import(&project, &options(ImportFormat::Jsonl), &[input]);
    let escaped = outer.path().join("escaped/a.txt.ron");
    assert!(
        !escaped.exists(),
        "wrote outside the project: {} ({result:?})",
        escaped.display()
    );
}

/// Two records of one new document with different texts are an error.
#[test]
fn two_records_of_one_new_document_with_different_texts_are_an_error() {
    let project = TestProject::new().text("other.txt", "x");
    let input = project.write(
        "in.jsonl",
        concat!(
            r#"{"id":"n.txt","text":"Kim met Putin","label":[[8,13,"actor"]],"annotator":"ayu"}"#,
            "\n",
            r#"{"id":"n.txt","text":"Putin met Kim","label":[[0,5,"actor"]],"annotator":"budi"}"#,
            "\n"
        ),
    );
    let result = import(&project.open(), &options(ImportFormat::Jsonl), &[input]);
    assert!(
        result.is_err(),
        "accepted two different texts for n.txt: {result:?}"
    );
}

/// brat: fragments out of order are an error, never a panic.
#[test]
fn brat_fragments_out_of_order_are_an_error() {
    let project = TestProject::new().text("a.txt", "Kim met Putin");
    let brat = folder(&[
        ("a.txt", "Kim met Putin"),
        ("a.ann", "T1\tactor 8 13;0 3\tPutin Kim\n"),
    ]);
    let project = project.open();
    let result = std::panic::catch_unwind(|| {
        import(
            &project,
            &options(ImportFormat::Brat),
            &[brat.path().to_owned()],
        )
        .map(|_| ())
    });
    assert!(matches!(result, Ok(Err(_))), "did not return an error");
}

/// Without --labels, spans whose label the schema lacks are not exported
/// and the export reports them.
#[test]
fn spans_with_labels_outside_the_schema_are_reported_when_not_named() {
    let project = TestProject::new().text("a.txt", "“Kim” 😊 met\r\nPutin");
    let input = project.write(
        "in.jsonl",
        r#"{"id":"a.txt","text":"“Kim” 😊 met\r\nPutin","label":[[1,4,"PER"],[13,18,"actor"]]}"#,
    );
    let report = import(&project.open(), &options(ImportFormat::Jsonl), &[input]).unwrap();
    assert_eq!(report.schema_lacks.labels, vec!["PER".to_string()]);
    assert_eq!(
        project.rendered("ayu", "a.txt"),
        "“[Kim|PER]” 😊 met\r\n[Putin|actor]"
    );
    let opts = sorot_core::formats::export::Options::new(
        sorot_core::formats::export::Format::Jsonl,
        "ayu",
    );
    let mut out = Vec::new();
    let (report, _) = sorot_core::formats::export::export(
        &project.open(),
        &opts,
        sorot_core::formats::export::Output::Stream(&mut out),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"id\":\"a.txt\",\"text\":\"“Kim” 😊 met\\r\\nPutin\",\"label\":[[13,18,\"actor\"]]}\n"
    );
    let reasons: Vec<&str> = report.losses.iter().map(|l| l.reason.as_str()).collect();
    assert_eq!(
        reasons,
        ["label \"PER\" is not in the project's schema; name it with --labels to export it"]
    );
}

/// CoNLL: a document whose tokens are only a prefix of a text does not land
/// on that text.
#[test]
fn a_conll_document_that_is_a_prefix_of_a_text_does_not_land_on_it() {
    let project = TestProject::new()
        .text("a.txt", "“Kim” 😊 met Putin in Vostochny.\r\n")
        .text("b.txt", "“Kim” 😊 met Putin\r\n");
    let input = project.write(
        "b.conll",
        "-DOCSTART- O\n\n“ O\nKim B-actor\n” O\n😊 O\nmet O\nPutin B-actor\n\n",
    );
    let report = import(&project.open(), &options(ImportFormat::Conll), &[input]).unwrap();
    assert!(
        !project.annotation_path("ayu", "a.txt").exists(),
        "b's annotations went to a.txt: {:?}",
        report.files_written
    );
    assert_eq!(
        project.rendered("ayu", "b.txt"),
        "“[Kim|actor]” 😊 met [Putin|actor]\r\n"
    );
}

/// CoNLL: documents whose texts the project lacks get a text rebuilt from
/// their tokens (a sentence a line), named after their input and their place
/// in it, counted per input file.
#[test]
fn conll_documents_without_a_text_are_numbered_per_input() {
    let project = TestProject::new().text("a.txt", "Kim tiba.\r\n");
    // An empty document first, then a new one, then one of the project.
    let first = project.write(
        "one.conll",
        "-DOCSTART- O\n\n-DOCSTART- O\n\n“ O\nPutin B-actor\n” O\n\nKCNA B-actor\nmenulis O\n\n-DOCSTART- O\n\nKim B-actor\ntiba O\n. O\n\n-DOCSTART- O\n\nSeoul B-location\n",
    );
    let second = project.write("two.conll", "-DOCSTART- O\n\n😊 O\nSeoul B-location\n");
    let report = import(
        &project.open(),
        &options(ImportFormat::Conll),
        &[first, second],
    )
    .unwrap();
    // The document matched onto a.txt counts too.
    assert_eq!(
        report.texts_added,
        ["one-doc1.txt", "one-doc3.txt", "two-doc1.txt"]
    );
    assert_eq!(
        project.rendered("ayu", "one-doc1.txt"),
        "“ [Putin|actor] ”\n[KCNA|actor] menulis\n"
    );
    assert_eq!(project.rendered("ayu", "a.txt"), "[Kim|actor] tiba.\r\n");
    // The input ends without the blank line after its last sentence.
    assert_eq!(
        project.rendered("ayu", "two-doc1.txt"),
        "😊 [Seoul|location] "
    );
    // The first error in the file is the one reported: a token not found in
    // the first document before a malformed line in the second.
    project.write_text("b.txt", "Kim tiba di Seoul.");
    let bad = project.write(
        "bad.conll",
        "-DOCSTART- O\n\nKim B-actor\ntiba O\ndi O\nBusan B-location\n\n-DOCSTART- O\n\nKim\n",
    );
    let err = import(&project.open(), &options(ImportFormat::Conll), &[bad]).unwrap_err();
    assert!(
        err.to_string()
            .contains("bad.conll:6: the token \"Busan\" cannot be found"),
        "{err}"
    );
}

/// A file in the repository's `tests/fixtures/`: other tools' files, written
/// for these tests in the shapes those tools write.
fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

/// (start, end, label, text) of an annotator's spans of a document, as its
/// file holds them.
fn spans_of(
    project: &TestProject,
    annotator: &str,
    doc: &str,
) -> Vec<(usize, usize, String, String)> {
    project
        .spans(annotator, doc)
        .into_iter()
        .map(|s| (s.start, s.end, s.label, s.text))
        .collect()
}

/// (start, end, label, text) spans written out.
fn expected(spans: &[(usize, usize, &str, &str)]) -> Vec<(usize, usize, String, String)> {
    spans
        .iter()
        .map(|&(start, end, label, text)| (start, end, label.to_owned(), text.to_owned()))
        .collect()
}

/// The texts of `conll2003.conll`, with a curly quote, an emoji and CRLF.
fn conll2003_project() -> TestProject {
    TestProject::new()
        .text(
            "en-1.txt",
            "UN praises Dutch plan to rebuild Greek ports.\r\n“We agree” 😊, Anna Smith Peter Jones told Reuters in Geneva.\r\n",
        )
        .text("en-2.txt", "GENEVA 2024-03-05\r\nThe Red Cross met in Bern.\r\n")
}

/// The note of an input read as IOB1, whose first `I-` opening an entity is
/// `tag` at `line`.
fn iob1_note(input: &std::path::Path, tag: &str, line: usize) -> String {
    format!(
        "{}: read as IOB1, as in the original CoNLL-2003: an I- tag may open an entity ({tag} opens one at line {line}); --scheme iob2 refuses such a file",
        input.display()
    )
}

/// CoNLL-2002's `token POS NER`: the part-of-speech column ("Pron") is not
/// read as tags; the last column is, and the note says so once for the file.
/// `-DOCSTART- -DOCSTART- O` lines split its two documents.
#[test]
fn conll_2002_columns_give_the_last_as_tags_and_say_so() {
    let project = TestProject::new()
        .text(
            "nl-1.txt",
            "“Wij” 😊 zien Jan de Vries in Amsterdam.\r\nHet Rode Kruis helpt.\r\n",
        )
        .text("nl-2.txt", "Ajax speelt zondag tegen PSV in Eindhoven.\r\n");
    let input = fixture("conll2002.conll");
    let report = import(
        &project.open(),
        &options(ImportFormat::Conll),
        std::slice::from_ref(&input),
    )
    .unwrap();
    assert_eq!(
        spans_of(&project, "ayu", "nl-1.txt"),
        expected(&[
            (13, 25, "PER", "Jan de Vries"),
            (29, 38, "LOC", "Amsterdam"),
            (41, 55, "ORG", "Het Rode Kruis"),
        ])
    );
    assert_eq!(
        spans_of(&project, "ayu", "nl-2.txt"),
        expected(&[
            (0, 4, "ORG", "Ajax"),
            (25, 28, "ORG", "PSV"),
            (32, 41, "LOC", "Eindhoven"),
        ])
    );
    assert_eq!(
        report.notes,
        [format!(
            "{}: 2 columns after the token; the tags are read from the last (column 3), column 2 ignored (--tag-column N reads column N instead, the token being column 1)",
            input.display()
        )]
    );
}

/// A CoNLL file that starts with a byte order mark: its first line is still
/// the document break, not a token, and the mark is said.
#[test]
fn conll_with_a_byte_order_mark_reads_as_without_it() {
    let project = TestProject::new().text("bom.txt", "“Kim” 😊 tiba\r\n");
    let input = project.write(
        "in/bom.conll",
        "\u{feff}-DOCSTART- -X- -X- O\n\n“ O\nKim B-actor\n” O\n😊 O\ntiba O\n",
    );
    let report = import(
        &project.open(),
        &options(ImportFormat::Conll),
        std::slice::from_ref(&input),
    )
    .unwrap();
    assert_eq!(
        spans_of(&project, "ayu", "bom.txt"),
        expected(&[(1, 4, "actor", "Kim")])
    );
    assert_eq!(
        report.notes,
        [format!(
            "{}: starts with a byte order mark (BOM, U+FEFF), which the format does not allow; read without it",
            input.display()
        )]
    );
}

/// CoNLL-2003's `token POS chunk NER` in IOB1: an I- opens an entity, a B-
/// separates two adjacent entities of one label. Found and said without
/// `--scheme`; read so and not said with `--scheme iob1`; refused, naming
/// the file and line, with `--scheme iob2`.
#[test]
fn conll_2003_in_iob1_is_read_so_and_said() {
    let project = conll2003_project();
    let input = fixture("conll2003.conll");
    let columns = format!(
        "{}: 3 columns after the token; the tags are read from the last (column 4), columns 2 and 3 ignored (--tag-column N reads column N instead, the token being column 1)",
        input.display()
    );
    let en1 = expected(&[
        (0, 2, "ORG", "UN"),
        (11, 16, "MISC", "Dutch"),
        (33, 38, "MISC", "Greek"),
        (61, 71, "PER", "Anna Smith"),
        (72, 83, "PER", "Peter Jones"),
        (89, 96, "ORG", "Reuters"),
        (100, 106, "LOC", "Geneva"),
    ]);
    let en2 = expected(&[
        (0, 6, "LOC", "GENEVA"),
        (23, 32, "ORG", "Red Cross"),
        (40, 44, "LOC", "Bern"),
    ]);
    let inputs = std::slice::from_ref(&input);

    let report = import(&project.open(), &options(ImportFormat::Conll), inputs).unwrap();
    assert_eq!(spans_of(&project, "ayu", "en-1.txt"), en1);
    assert_eq!(spans_of(&project, "ayu", "en-2.txt"), en2);
    assert_eq!(
        report.notes,
        [columns.clone(), iob1_note(&input, "I-ORG", 3)]
    );

    let iob1 = ImportOptions {
        scheme: Some(TagScheme::Iob1),
        ..ImportOptions::new(ImportFormat::Conll, "budi")
    };
    let report = import(&project.open(), &iob1, inputs).unwrap();
    assert_eq!(spans_of(&project, "budi", "en-1.txt"), en1);
    assert_eq!(spans_of(&project, "budi", "en-2.txt"), en2);
    assert_eq!(report.notes, [columns]);

    let iob2 = ImportOptions {
        scheme: Some(TagScheme::Iob2),
        ..ImportOptions::new(ImportFormat::Conll, "citra")
    };
    let err = import(&project.open(), &iob2, inputs).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3: I-ORG follows no B-ORG or I-ORG (IOB2 starts each entity with B-)",
            input.display()
        )
    );
    assert!(!project.path("annotations/citra").exists());
}

/// `tag_column` reads the column it names (CoNLL-2003's chunks, in IOB1
/// too), the others ignored and said; a line without that column, a column
/// that holds no tags and the token's own column are errors.
#[test]
fn conll_tag_column_reads_the_column_it_names() {
    let project = conll2003_project();
    let input = fixture("conll2003.conll");
    let inputs = std::slice::from_ref(&input);
    let column = |n: usize, annotator: &str| ImportOptions {
        tag_column: Some(n),
        ..ImportOptions::new(ImportFormat::Conll, annotator)
    };
    let report = import(&project.open(), &column(3, "chunks"), inputs).unwrap();
    assert_eq!(
        spans_of(&project, "chunks", "en-1.txt"),
        expected(&[
            (0, 2, "NP", "UN"),
            (3, 10, "VP", "praises"),
            (11, 21, "NP", "Dutch plan"),
            (22, 32, "VP", "to rebuild"),
            (33, 44, "NP", "Greek ports"),
            (48, 50, "NP", "We"),
            (51, 56, "VP", "agree"),
            (61, 71, "NP", "Anna Smith"),
            (72, 83, "NP", "Peter Jones"),
            (84, 88, "VP", "told"),
            (89, 96, "NP", "Reuters"),
            (97, 99, "PP", "in"),
            (100, 106, "NP", "Geneva"),
        ])
    );
    // The dateline is a sentence of its own: its noun phrase ends with it.
    assert_eq!(
        spans_of(&project, "chunks", "en-2.txt"),
        expected(&[
            (0, 17, "NP", "GENEVA 2024-03-05"),
            (19, 32, "NP", "The Red Cross"),
            (33, 36, "VP", "met"),
            (37, 39, "PP", "in"),
            (40, 44, "NP", "Bern"),
        ])
    );
    assert_eq!(
        report.notes,
        [
            format!(
                "{}: the tags are read from column 3 (--tag-column 3), columns 2 and 4 ignored",
                input.display()
            ),
            iob1_note(&input, "I-NP", 3),
        ]
    );

    for (n, message) in [
        (
            5,
            ":3: this line has 4 columns, none for --tag-column 5 (the token is column 1)",
        ),
        (
            2,
            ":3: \"NNP\" in column 2 is not a tag (O, B-label or I-label)",
        ),
        (
            1,
            ": --tag-column 1: the token is column 1, so tags are in column 2 or after",
        ),
    ] {
        let err = import(&project.open(), &column(n, "x"), inputs).unwrap_err();
        assert_eq!(err.to_string(), format!("{}{message}", input.display()));
    }
    assert!(!project.path("annotations/x").exists());
}

/// Label Studio's CoNLL export, `token -X- _ tag` after `-DOCSTART- -X- O`,
/// with CRLF line ends as Python writes them on Windows; its tokens are the
/// text's whitespace-separated words, punctuation and curly quotes kept on.
#[test]
fn label_studio_conll_reads_its_last_column() {
    let project = TestProject::new().text(
        "ls.txt",
        "Kim Jong Un 😊 bertemu Putin di Vostochny hari Rabu.\r\nKCNA menyebutnya “pertemuan kawan”.\r\n",
    );
    let input = fixture("labelstudio.conll");
    assert!(fs::read_to_string(&input).unwrap().contains("B-actor\r\n"));
    let report = import(
        &project.open(),
        &options(ImportFormat::Conll),
        std::slice::from_ref(&input),
    )
    .unwrap();
    assert_eq!(
        spans_of(&project, "ayu", "ls.txt"),
        expected(&[
            (0, 11, "actor", "Kim Jong Un"),
            (22, 27, "actor", "Putin"),
            (31, 40, "location", "Vostochny"),
            (53, 57, "actor", "KCNA"),
        ])
    );
    assert_eq!(
        report.notes,
        [format!(
            "{}: 3 columns after the token; the tags are read from the last (column 4), columns 2 and 3 ignored (--tag-column N reads column N instead, the token being column 1)",
            input.display()
        )]
    );
}

/// When every column after the token holds tags, each is a layer of its
/// own, with nothing said; an I- that opens an entity in any of them makes
/// the file IOB1, said once with the first such line. A file whose columns
/// are not all tags reads the last of each line, and says so when lines
/// differ in their columns; a last column that holds no tag is an error.
#[test]
fn conll_tag_columns_are_layers_when_all_hold_tags() {
    let project = TestProject::new().text("a.txt", "“Kim” 😊 bertemu\r\nPutin di Vostochny.\r\n");
    // The tokens of a.txt with the columns of each line after the token.
    let file = |rows: [&str; 9]| -> String {
        let tokens = [
            "“",
            "Kim",
            "”",
            "😊",
            "bertemu",
            "Putin",
            "di",
            "Vostochny",
            ".",
        ];
        let mut out = String::from("-DOCSTART- -X- O O\n\n");
        for (token, columns) in tokens.iter().zip(rows) {
            out.push_str(&format!("{token} {columns}\n"));
        }
        out
    };
    let spans = expected(&[
        (0, 22, "claim", "“Kim” 😊 bertemu\r\nPutin"),
        (1, 4, "actor", "Kim"),
        (17, 22, "actor", "Putin"),
        (26, 35, "location", "Vostochny"),
    ]);
    let layers = project.write(
        "layers.conll",
        file([
            "O B-claim",
            "B-actor I-claim",
            "O I-claim",
            "O I-claim",
            "O I-claim",
            "B-actor I-claim",
            "O O",
            "B-location O",
            "O O",
        ]),
    );
    let report = import(&project.open(), &options(ImportFormat::Conll), &[layers]).unwrap();
    assert_eq!(report.notes, Vec::<String>::new());
    assert_eq!(spans_of(&project, "ayu", "a.txt"), spans);

    // The claim opens with I- at line 3, each actor at theirs.
    let iob1 = project.write(
        "iob1.conll",
        file([
            "O I-claim",
            "I-actor I-claim",
            "O I-claim",
            "O I-claim",
            "O I-claim",
            "I-actor I-claim",
            "O O",
            "I-location O",
            "O O",
        ]),
    );
    let budi = ImportOptions::new(ImportFormat::Conll, "budi");
    let report = import(&project.open(), &budi, std::slice::from_ref(&iob1)).unwrap();
    assert_eq!(report.notes, [iob1_note(&iob1, "I-claim", 3)]);
    assert_eq!(spans_of(&project, "budi", "a.txt"), spans);

    // Lines with one and with two columns after the token, the tags last.
    let ragged = project.write(
        "ragged.conll",
        file([
            "Punc O",
            "B-actor",
            "Punc O",
            "O",
            "V O",
            "N B-actor",
            "O",
            "N B-location",
            "Punc O",
        ]),
    );
    let citra = ImportOptions::new(ImportFormat::Conll, "citra");
    let report = import(&project.open(), &citra, std::slice::from_ref(&ragged)).unwrap();
    assert_eq!(
        report.notes,
        [format!(
            "{}: 1 to 2 columns after the token; the tags are read from the last of each line, the others ignored (--tag-column N reads column N instead, the token being column 1)",
            ragged.display()
        )]
    );
    assert_eq!(spans_of(&project, "citra", "a.txt"), spans[1..]);

    // The tags before another column.
    let before = project.write(
        "before.conll",
        file([
            "O Punc",
            "B-actor N",
            "O Punc",
            "O Misc",
            "O V",
            "B-actor N",
            "O Prep",
            "B-location N",
            "O Punc",
        ]),
    );
    let err = import(&project.open(), &citra, std::slice::from_ref(&before)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3: \"Punc\" in column 3 is not a tag (O, B-label or I-label); the tags are read from the last column unless --tag-column N names another",
            before.display()
        )
    );
}

/// Label Studio: a value the import does not read still has to be JSON that
/// a tree can hold (a number in range, a valid escape), as in any task.
#[test]
fn label_studio_values_out_of_range_are_errors_where_they_are() {
    let dir = TestProject::new();
    let project = dir.open();
    let task = r#"{"data": {"text": "Kim tiba"}, "annotations": [{"result": [{"type": "labels", "value": {"start": 0, "end": 3, "labels": ["actor"]}}]"#;
    for (name, odd, expected) in [
        (
            "big.json",
            r#""lead_time": 1e400"#,
            "big.json:3: malformed JSON: number out of range at line 3 column 19",
        ),
        (
            "surrogate.json",
            r#""lead_time": "\ud800""#,
            "surrogate.json:3: malformed JSON: unexpected end of hex escape at line 3 column 22",
        ),
    ] {
        let input = dir.write(name, format!("[\n{task},\n {odd}}}]}}\n]\n"));
        let err = import(&project, &options(ImportFormat::Labelstudio), &[input]).unwrap_err();
        let err = with_causes(&err);
        assert!(err.contains(expected), "{err}");
    }
    assert!(!dir.path("annotations").exists());
}

/// --strict writes nothing when a duplicate span would be dropped.
#[test]
fn a_strict_import_writes_nothing_when_a_duplicate_span_would_be_dropped() {
    let project = TestProject::new().text("a.txt", "“Kim” 😊\r\n");
    let input = project.write(
        "in.jsonl",
        r#"{"id":"a.txt","text":"“Kim” 😊\r\n","label":[[1,4,"actor"],[1,4,"actor"]]}"#,
    );
    let mut strict = options(ImportFormat::Jsonl);
    strict.strict = true;
    let report = import(&project.open(), &strict, std::slice::from_ref(&input)).unwrap();
    assert!(report.stopped, "{report:?}");
    let reasons: Vec<&str> = report.losses.iter().map(|l| l.reason.as_str()).collect();
    assert_eq!(reasons, ["actor [1, 4) is there twice; imported once"]);
    assert!(
        report.files_written.is_empty(),
        "{:?}",
        report.files_written
    );
    assert!(!project.annotation_path("ayu", "a.txt").exists());
    // Without --strict the duplicate is dropped and the span imported once.
    import(&project.open(), &options(ImportFormat::Jsonl), &[input]).unwrap();
    assert_eq!(project.rendered("ayu", "a.txt"), "“[Kim|actor]” 😊\r\n");
}

/// A span named with --labels is exported even when the schema lacks its label.
#[test]
fn labels_outside_the_schema_export_when_named() {
    let project = TestProject::new().text("a.txt", "“Kim” 😊 met\r\nPutin");
    let input = project.write(
        "in.jsonl",
        r#"{"id":"a.txt","text":"“Kim” 😊 met\r\nPutin","label":[[1,4,"PER"],[13,18,"actor"]]}"#,
    );
    import(&project.open(), &options(ImportFormat::Jsonl), &[input]).unwrap();
    let mut opts = sorot_core::formats::export::Options::new(
        sorot_core::formats::export::Format::Jsonl,
        "ayu",
    );
    opts.labels = vec!["PER".into()];
    let mut out = Vec::new();
    let (report, _) = sorot_core::formats::export::export(
        &project.open(),
        &opts,
        sorot_core::formats::export::Output::Stream(&mut out),
    )
    .unwrap();
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains(r#""label":[[1,4,"PER"]]"#)
    );
}

/// A span holding a tab survives a brat round trip.
#[test]
fn a_span_with_a_tab_round_trips_through_brat() {
    let project = TestProject::new().annotated("ayu", "a.txt", "“[Kim\tJong Un|actor]” 😊\r\ntiba");
    let opts =
        sorot_core::formats::export::Options::new(sorot_core::formats::export::Format::Brat, "ayu");
    let out = tempfile::tempdir().unwrap();
    sorot_core::formats::export::export_to(&project.open(), &opts, out.path(), false).unwrap();
    let mut back = options(ImportFormat::Brat);
    back.annotator = "back".into();
    import(&project.open(), &back, &[out.path().to_owned()]).unwrap();
    assert_eq!(
        project.rendered("back", "a.txt"),
        "“[Kim\tJong Un|actor]” 😊\r\ntiba"
    );
}

/// Relations go out as brat R lines and come back between the same spans.
#[test]
fn relations_round_trip_through_brat() {
    let markup = "“[Kim|actor]” berkata\r\n[[Putin|actor] datang|claim] 😊";
    let dir = TestProject::new().annotated("ayu", "a.txt", markup);
    // Spans by id: 1 Kim, 2 Putin, 3 the claim.
    let link = |to, kind: &str| {
        Command::Link(Relation {
            from: 3,
            to,
            kind: kind.into(),
        })
    };
    let set = |name: &str, value: &str, id| Command::SetAttribute {
        id,
        name: name.into(),
        value: value.into(),
    };
    dir.edit(
        "ayu",
        "a.txt",
        [
            link(1, "source"),
            link(2, "target"),
            set("stance", "reported", 3),
            set("value", "Kim Jong Un", 1),
        ],
    );
    let project = dir.open();
    // Outside the project: its texts are its own folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("out");
    let written = sorot_core::formats::export::export_to(
        &project,
        &sorot_core::formats::export::Options::new(
            sorot_core::formats::export::Format::Brat,
            "ayu",
        ),
        &out,
        false,
    )
    .unwrap();
    assert!(
        written.report.losses.is_empty(),
        "{:?}",
        written.report.losses
    );
    let ann = fs::read_to_string(out.join("a.ann")).unwrap();
    assert!(
        ann.contains("R1\tsource Arg1:T3 Arg2:T1\t\nR2\ttarget Arg1:T3 Arg2:T2\t\n"),
        "{ann}"
    );
    assert!(
        fs::read_to_string(out.join("annotation.conf"))
            .unwrap()
            .contains("source\tArg1:claim, Arg2:actor")
    );

    let mut back = options(ImportFormat::Brat);
    back.annotator = "back".into();
    import(&project, &back, &[out]).unwrap();
    assert_eq!(dir.rendered("back", "a.txt"), markup);
    let file = dir.annotation_file("back", "a.txt");
    let text = |id: u32| {
        file.spans
            .iter()
            .find(|s| s.id == id)
            .map(|s| (s.text.clone(), s.label.clone()))
            .unwrap()
    };
    type End = (String, String);
    let relations: Vec<(String, End, End)> = file
        .relations
        .iter()
        .map(|r| (r.kind.clone(), text(r.from), text(r.to)))
        .collect();
    assert_eq!(
        relations,
        [
            (
                "source".into(),
                ("Putin datang".into(), "claim".into()),
                ("Kim".into(), "actor".into())
            ),
            (
                "target".into(),
                ("Putin datang".into(), "claim".into()),
                ("Putin".into(), "actor".into())
            ),
        ]
    );
    // Attributes and values come back from A and N lines.
    let claim = file.spans.iter().find(|s| s.label == "claim").unwrap();
    assert_eq!(claim.attribute("stance"), "reported");
    let kim = file.spans.iter().find(|s| s.text == "Kim").unwrap();
    assert_eq!(kim.value, "Kim Jong Un");
}

/// ayu's spans of a.txt in [`claim_with_its_source`].
const CLAIM: &str = "“[Kim|actor]” berkata 😊\r\n[Putin datang|claim]";

/// A project whose one text, after a curly quote, an emoji and a CRLF, holds
/// a claim (span 2) with an actor (span 1) as its source, annotated by ayu
/// as [`CLAIM`]. The actor has a canonical name as its value; the claim a
/// stance, a quote attribute and a note.
fn claim_with_its_source() -> (TestProject, sorot_core::project::Project) {
    let dir = TestProject::new().annotated("ayu", "a.txt", CLAIM);
    let set = |id, name: &str, value: &str| Command::SetAttribute {
        id,
        name: name.into(),
        value: value.into(),
    };
    dir.edit(
        "ayu",
        "a.txt",
        [
            Command::Link(Relation {
                from: 2,
                to: 1,
                kind: "source".into(),
            }),
            set(1, "value", "Kim Jong Un"),
            set(2, "stance", "reported"),
            set(2, "quote", "no"),
            Command::SetNote {
                id: 2,
                note: "dikutip dari KCNA".into(),
            },
        ],
    );
    let project = dir.open();
    (dir, project)
}

/// The imported spans of `annotator` are ayu's [`CLAIM`], with the same
/// notes, values and attributes.
fn assert_same_spans(project: &TestProject, annotator: &str) {
    assert_eq!(project.rendered(annotator, "a.txt"), CLAIM);
    let details = |name: &str| {
        project
            .spans(name, "a.txt")
            .into_iter()
            .map(|s| (s.note, s.value, s.attributes))
            .collect::<Vec<_>>()
    };
    let original = details("ayu");
    assert_eq!(original[1].2.len(), 2, "the claim has two attributes");
    assert_eq!(details(annotator), original);
}

/// Relations go out as Label Studio relation results and come back.
#[test]
fn relations_round_trip_through_label_studio() {
    use sorot_core::model::Relation;
    let (dir, project) = claim_with_its_source();
    let out = dir.path("tasks.json");
    let export_options = sorot_core::formats::export::Options::new(
        sorot_core::formats::export::Format::Labelstudio,
        "ayu",
    );
    let written =
        sorot_core::formats::export::export_to(&project, &export_options, &out, false).unwrap();
    assert!(
        written.report.losses.is_empty(),
        "{:?}",
        written.report.losses
    );
    let config = dir.read("tasks.config.xml");
    assert!(config.contains("<Relation value=\"source\"/>"), "{config}");
    assert!(
        config.contains("<Choices name=\"claim_stance\" toName=\"text\" perRegion=\"true\""),
        "{config}"
    );
    assert!(config.contains("<TextArea name=\"value\""), "{config}");
    // The value and the attributes are per-region results with the region's id.
    let tasks: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    let results = tasks[0]["annotations"][0]["result"].as_array().unwrap();
    assert!(
        results.contains(&serde_json::json!({
            "id": "ayu-2", "from_name": "claim_stance", "to_name": "text", "type": "choices",
            "origin": "manual", "value": {"start": 17, "end": 29, "choices": ["reported"]}
        })),
        "{results:?}"
    );
    assert!(
        results.contains(&serde_json::json!({
            "id": "ayu-1", "from_name": "value", "to_name": "text", "type": "textarea",
            "origin": "manual", "value": {"start": 1, "end": 4, "text": ["Kim Jong Un"]}
        })),
        "{results:?}"
    );
    let mut back = options(ImportFormat::Labelstudio);
    back.annotator = "back".into();
    let report = import(&project, &back, &[out]).unwrap();
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    assert_eq!(
        dir.annotation_file("back", "a.txt").relations,
        vec![Relation {
            from: 2,
            to: 1,
            kind: "source".into()
        }]
    );
    assert_same_spans(&dir, "back");
}

/// Relations go out as doccano's entities and relations and come back.
#[test]
fn relations_round_trip_through_doccano() {
    use sorot_core::model::Relation;
    let (dir, project) = claim_with_its_source();
    let out = dir.path("relations.jsonl");
    let mut export_options = sorot_core::formats::export::Options::new(
        sorot_core::formats::export::Format::JsonlRelations,
        "ayu",
    );
    export_options.offsets = OffsetUnit::Utf16;
    let written =
        sorot_core::formats::export::export_to(&project, &export_options, &out, false).unwrap();
    assert!(
        written.report.losses.is_empty(),
        "{:?}",
        written.report.losses
    );
    let line: serde_json::Value =
        serde_json::from_str(fs::read_to_string(&out).unwrap().trim()).unwrap();
    assert_eq!(
        line["relations"],
        serde_json::json!([{"id": 1, "from_id": 2, "to_id": 1, "type": "source"}])
    );
    assert_eq!(
        line["entities"][1]["start_offset"], 18,
        "UTF-16 units after the emoji"
    );
    let mut back = options(ImportFormat::Jsonl);
    back.annotator = "back".into();
    back.offsets = OffsetUnit::Utf16;
    import(&project, &back, &[out]).unwrap();
    assert_eq!(
        dir.annotation_file("back", "a.txt").relations,
        vec![Relation {
            from: 2,
            to: 1,
            kind: "source".into()
        }]
    );
    assert_same_spans(&dir, "back");
}

/// doccano's label triples carry notes, values and attributes in `span_details`,
/// which doccano keeps as record metadata.
#[test]
fn span_details_round_trip_through_doccano_label_triples() {
    let (dir, project) = claim_with_its_source();
    let out = dir.path("labels.jsonl");
    let mut export_options = sorot_core::formats::export::Options::new(
        sorot_core::formats::export::Format::Jsonl,
        "ayu",
    );
    export_options.offsets = OffsetUnit::Utf16;
    let written =
        sorot_core::formats::export::export_to(&project, &export_options, &out, false).unwrap();
    let reasons: Vec<&str> = written
        .report
        .losses
        .iter()
        .map(|l| l.reason.as_str())
        .collect();
    assert_eq!(reasons, [RELATION_LOST], "only the relation has no place");
    let line: serde_json::Value =
        serde_json::from_str(fs::read_to_string(&out).unwrap().trim()).unwrap();
    assert_eq!(
        line["span_details"],
        serde_json::json!([
            {"start": 1, "end": 4, "label": "actor", "value": "Kim Jong Un"},
            {"start": 18, "end": 30, "label": "claim", "note": "dikutip dari KCNA",
             "attributes": {"quote": "no", "stance": "reported"}}
        ])
    );
    let mut back = options(ImportFormat::Jsonl);
    back.annotator = "back".into();
    back.offsets = OffsetUnit::Utf16;
    let report = import(&project, &back, &[out]).unwrap();
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    assert_same_spans(&dir, "back");
}

/// Typed notes and a value's resource, with the entry's name, go out and
/// come back through both doccano shapes in every offset unit; Label
/// Studio and CSV have no place for them and report them.
#[test]
fn typed_notes_and_resources_round_trip_through_doccano_and_are_reported_elsewhere() {
    use sorot_core::formats::export::{Format, Options, export_to};
    let (dir, _) = claim_with_its_source();
    let mut file = dir.annotation_file("ayu", "a.txt");
    let kim = &mut file.spans[0];
    kim.value = "Q56226".into();
    kim.resource = "Wikidata".into();
    kim.entry_name = "Kim Jong Un “KJU”".into();
    file.spans[1].notes = vec![
        sorot_core::model::Note {
            kind: "Lemma".into(),
            text: "datang 😊".into(),
        },
        sorot_core::model::Note {
            kind: "AnnotatorNotes".into(),
            text: "catatan kedua\r\nbaris".into(),
        },
    ];
    dir.write_annotation_file(&file);
    let project = dir.open();
    for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte] {
        for (n, format) in [Format::Jsonl, Format::JsonlRelations]
            .into_iter()
            .enumerate()
        {
            let out = dir.path(format!("out-{n}.jsonl"));
            let mut export_options = Options::new(format, "ayu");
            export_options.offsets = unit;
            export_to(&project, &export_options, &out, false).unwrap();
            let mut back = options(ImportFormat::Jsonl);
            back.annotator = "back".into();
            back.offsets = unit;
            back.replace = true;
            let report = import(&project, &back, &[out]).unwrap();
            assert!(
                report.losses.is_empty(),
                "{unit:?} {format:?}: {:?}",
                report.losses
            );
            assert_eq!(
                dir.spans("back", "a.txt"),
                dir.spans("ayu", "a.txt"),
                "{unit:?} {format:?}"
            );
        }
    }
    for (format, out) in [
        (Format::Labelstudio, "tasks.json"),
        (Format::Csv, "spans.csv"),
    ] {
        let written = export_to(
            &project,
            &Options::new(format, "ayu"),
            &dir.path(out),
            false,
        )
        .unwrap();
        let reasons: Vec<&str> = written
            .report
            .losses
            .iter()
            .map(|l| l.reason.as_str())
            .collect();
        let mut expected = vec![
            "the resource of its value (Wikidata) and the entry's name (Kim Jong Un “KJU”) not exported: this format has no place for them (brat, jsonl, jsonl-relations and spacy have)",
            "2 typed notes (Lemma, AnnotatorNotes) not exported: this format has no place for them (brat, jsonl, jsonl-relations and spacy have)",
        ];
        if format == Format::Csv {
            expected.insert(0, RELATION_LOST);
        }
        assert_eq!(reasons, expected, "{format:?}");
    }
}

/// Token formats have no place for notes, values and attributes: that is reported.
#[test]
fn token_formats_report_the_details_they_drop() {
    let (dir, project) = claim_with_its_source();
    for format in [
        sorot_core::formats::export::Format::Conll,
        sorot_core::formats::export::Format::Hf,
    ] {
        let options = sorot_core::formats::export::Options::new(format, "ayu");
        let written =
            sorot_core::formats::export::export_to(&project, &options, &dir.path("out"), false)
                .unwrap();
        let reasons: Vec<&str> = written
            .report
            .losses
            .iter()
            .map(|l| l.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                RELATION_LOST,
                "the notes, values and attributes of 2 spans not exported: this format has only tags (jsonl, spacy, brat, labelstudio and csv carry them)"
            ],
            "{format:?}"
        );
    }
}

const RELATION_LOST: &str = "1 relations not exported: this format has no place for them (brat, Label Studio and jsonl-relations have)";

/// Label Studio: a region without labels, per-region results for it or for
/// controls the schema lacks are reported, never a panic or a wrong span.
#[test]
fn label_studio_per_region_results_that_fit_no_span_are_reported() {
    let text = "“Kim” 😊 berkata\r\nPutin datang";
    let dir = TestProject::new().text("a.txt", text);
    let project = dir.open();
    let region = |id: &str, start: usize, end: usize, labels: serde_json::Value| {
        serde_json::json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "labels": labels}})
    };
    let per_region = |id: &str, control: &str, kind: &str, key: &str, held: &str| {
        serde_json::json!({"id": id, "from_name": control, "to_name": "text", "type": kind,
            "value": {"start": 0, "end": 1, key: [held]}})
    };
    let tasks = serde_json::json!([{"data": {"text": text, "document": "a.txt"}, "annotations": [{"result": [
        region("both", 17, 29, serde_json::json!(["actor", "claim"])),
        per_region("both", "claim_stance", "choices", "choices", "reported"),
        per_region("both", "value", "textarea", "text", "Vladimir Putin"),
        per_region("both", "sentiment", "choices", "choices", "neg"),
        region("none", 1, 4, serde_json::json!([])),
        per_region("none", "value", "textarea", "text", "X"),
    ]}]}]);
    let input = dir.path("tasks.json");
    fs::write(&input, tasks.to_string()).unwrap();
    let report = import(&project, &options(ImportFormat::Labelstudio), &[input]).unwrap();
    let reasons: Vec<&str> = report.losses.iter().map(|l| l.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "a labels region at 1..4 without labels was not imported",
            "\"sentiment\" (neg) of region both was not imported: the schema has no such attribute for its labels",
            "a \"value\" result of region none, which is not an imported region, was not imported",
        ]
    );
    assert_eq!(
        dir.rendered("ayu", "a.txt"),
        "“Kim” 😊 berkata\r\n[[Putin datang|claim]|actor]"
    );
    let spans = dir.spans("ayu", "a.txt");
    let spans: Vec<_> = spans
        .iter()
        .map(|s| {
            (
                s.label.as_str(),
                s.value.as_str(),
                format!("{:?}", s.attributes),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("actor", "Vladimir Putin", "{}".to_owned()),
            (
                "claim",
                "Vladimir Putin",
                "{\"stance\": \"reported\"}".to_owned()
            ),
        ]
    );
}

/// doccano: span details that are not what they should be are reported.
#[test]
fn doccano_span_details_that_cannot_be_used_are_reported() {
    let text = "“Kim” 😊 berkata";
    let dir = TestProject::new().text("a.txt", text);
    let project = dir.open();
    let lines = [
        serde_json::json!({"id": "a.txt", "text": text, "label": [[1, 4, "actor"]],
            "span_details": {"start": 1, "end": 4, "label": "actor", "value": "Kim Jong Un"}}),
        serde_json::json!({"id": "b.txt", "text": "Putin datang", "label": [[0, 5, "actor"]],
        "span_details": [
            {"start": 0, "end": 5, "label": "actor", "value": 7, "note": "presiden", "attributes": {"rank": 1}},
            {"start": 0, "end": 5, "label": "actor", "value": "Vladimir Putin"},
        ]}),
    ];
    let input = dir.path("in.jsonl");
    fs::write(
        &input,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let report = import(&project, &options(ImportFormat::Jsonl), &[input]).unwrap();
    let reasons: Vec<&str> = report.losses.iter().map(|l| l.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "\"span_details\" is not a list, so it was not imported: {\"end\":4,\"label\":\"actor\",\"start\":1,\"value\":\"Kim Jong Un\"}",
            "the value of the \"actor\" span at 0..5 is not text, so it was not imported: 7",
            "attribute rank of the \"actor\" span at 0..5 is not text, so it was not imported: 1",
            "a second set of details for the \"actor\" span at 0..5 was not imported",
        ]
    );
    let file = dir.annotation_file("ayu", "b.txt");
    assert_eq!(
        (file.spans[0].note.as_str(), file.spans[0].value.as_str()),
        ("presiden", "")
    );
}

/// An attribute the schema lacks has no control in Label Studio's config: the
/// export reports it instead of writing a result the config cannot show.
#[test]
fn label_studio_export_reports_attributes_the_schema_lacks() {
    let dir = TestProject::new().text("a.txt", "Putin datang");
    let project = dir.open();
    let line = serde_json::json!({"id": "a.txt", "text": "Putin datang", "label": [[0, 5, "actor"]],
        "span_details": [{"start": 0, "end": 5, "label": "actor", "attributes": {"mood": "calm"}}]});
    let input = dir.path("in.jsonl");
    fs::write(&input, format!("{line}\n")).unwrap();
    import(&project, &options(ImportFormat::Jsonl), &[input]).unwrap();
    let options = sorot_core::formats::export::Options::new(
        sorot_core::formats::export::Format::Labelstudio,
        "ayu",
    );
    let written =
        sorot_core::formats::export::export_to(&project, &options, &dir.path("tasks.json"), false)
            .unwrap();
    let reasons: Vec<&str> = written
        .report
        .losses
        .iter()
        .map(|l| l.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "attribute mood (calm) is not in the schema, so the labeling config has no control for it; not exported"
        ]
    );
}

/// A new text is written with the first of its records still imported, even
/// when an earlier record for it is kept out because its file exists.
#[test]
fn a_new_text_comes_with_any_record_still_imported() {
    let dir = TestProject::new().text("a.txt", "lain");
    dir.write("annotations/ayu/x.txt.ron", "kept");
    let project = dir.open();
    let line = |who: &str| serde_json::json!({"id": "x.txt", "text": "“Kim” 😊 tiba", "label": [[1, 4, "actor"]], "annotator": who});
    let input = dir.path("in.jsonl");
    fs::write(&input, format!("{}\n{}\n", line("ayu"), line("budi"))).unwrap();
    let report = import(&project, &options(ImportFormat::Jsonl), &[input]).unwrap();
    assert_eq!(report.texts_added, ["x.txt"]);
    let project = dir.open();
    let doc = project.doc("x.txt").expect("the text was added");
    assert_eq!(fs::read_to_string(&doc.path).unwrap(), "“Kim” 😊 tiba");
    assert!(project.annotation_path("budi", "x.txt").is_file());
    assert_eq!(
        fs::read_to_string(dir.path("annotations/ayu/x.txt.ron")).unwrap(),
        "kept"
    );
}

/// When the annotation files cannot be written, nothing is imported: the
/// texts they would point into are not added either.
#[test]
fn a_failed_import_adds_no_text() {
    let dir = TestProject::new().text("a.txt", "lain");
    // A file where the annotator's folder should be.
    dir.write("annotations/ayu", "not a folder");
    let project = dir.open();
    let line = serde_json::json!({"id": "x.txt", "text": "Putin tiba", "label": [[0, 5, "actor"]]});
    let input = dir.path("in.jsonl");
    fs::write(&input, format!("{line}\n")).unwrap();
    assert!(import(&project, &options(ImportFormat::Jsonl), &[input]).is_err());
    let project = dir.open();
    assert!(project.doc("x.txt").is_none(), "the new text was not added");
    // Temporary files and folders (`.sorot-*.tmp`) or a journal.
    let leftovers: Vec<_> = walk(dir.root())
        .into_iter()
        .filter(|p| {
            let p = p.strip_prefix(dir.root()).unwrap().to_string_lossy();
            p.contains(".sorot-") && (p.contains(".tmp") || p.ends_with("journal"))
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Values, attributes and notes come back from Label Studio and doccano in
/// every offset unit, across the emoji.
#[test]
fn span_details_round_trip_in_every_offset_unit() {
    for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte] {
        for (format, import_format, file) in [
            (
                sorot_core::formats::export::Format::Labelstudio,
                ImportFormat::Labelstudio,
                "tasks.json",
            ),
            (
                sorot_core::formats::export::Format::Jsonl,
                ImportFormat::Jsonl,
                "out.jsonl",
            ),
            (
                sorot_core::formats::export::Format::JsonlRelations,
                ImportFormat::Jsonl,
                "rel.jsonl",
            ),
        ] {
            let (dir, project) = claim_with_its_source();
            let out = dir.path(file);
            let mut export_options = sorot_core::formats::export::Options::new(format, "ayu");
            export_options.offsets = unit;
            sorot_core::formats::export::export_to(&project, &export_options, &out, false).unwrap();
            let mut back = options(import_format);
            back.annotator = "back".into();
            back.offsets = unit;
            let report = import(&project, &back, &[out]).unwrap();
            assert!(
                report.losses.is_empty(),
                "{unit:?} {format:?}: {:?}",
                report.losses
            );
            assert_same_spans(&dir, "back");
        }
    }
}

/// Records are checked side by side, yet the error given is the first in
/// the input, and for one record the first in the order of the checks.
#[test]
fn import_errors_come_in_input_order() {
    let dir = TestProject::new().text("a.txt", "lain");
    let project = dir.open();
    let input = dir.path("in.jsonl");
    let run = |lines: &[serde_json::Value]| -> String {
        let lines: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
        fs::write(&input, lines.join("\n")).unwrap();
        let err = import(
            &project,
            &options(ImportFormat::Jsonl),
            std::slice::from_ref(&input),
        )
        .unwrap_err();
        with_causes(&err)
    };
    let text = "Kim “tiba” 🚀\r\nPutin";
    // A span past the end of line 1's text, before line 2's refused id.
    let err = run(&[
        serde_json::json!({"id": "x.txt", "text": text, "label": [[0, 99, "actor"]]}),
        serde_json::json!({"id": "../y.txt", "text": "y", "label": []}),
    ]);
    assert!(err.contains("in.jsonl:1: "), "{err}");
    // One document with two texts is named against the first.
    let err = run(&[
        serde_json::json!({"id": "x.txt", "text": text, "label": []}),
        serde_json::json!({"id": "x.txt", "annotator": "budi", "text": "Putin", "label": []}),
    ]);
    assert!(
        err.contains("in.jsonl:2: the text of x.txt differs from the one at")
            && err.ends_with("in.jsonl:1; a document has one text"),
        "{err}"
    );
    // So is an empty second text; alone it is named as empty.
    let err = run(&[
        serde_json::json!({"id": "x.txt", "text": text, "label": []}),
        serde_json::json!({"id": "x.txt", "annotator": "budi", "text": "", "label": []}),
    ]);
    assert!(
        err.contains("in.jsonl:2: the text of x.txt differs"),
        "{err}"
    );
    let err = run(&[serde_json::json!({"id": "z.txt", "text": "", "label": []})]);
    assert!(err.contains("in.jsonl:1: the text is empty"), "{err}");
    // Offsets that are not offsets are named for what they are.
    for (start, end, said) in [
        (
            serde_json::json!(18446744073709551616.0_f64),
            serde_json::json!(3),
            "start 1.8446744073709552e+19 is too large to be an offset",
        ),
        (
            serde_json::json!(-1),
            serde_json::json!(3),
            "start -1 is negative",
        ),
        (
            serde_json::json!(1.5),
            serde_json::json!(3),
            "start is not a whole number: 1.5",
        ),
        (
            serde_json::json!(6),
            serde_json::json!(1),
            "in.jsonl:1: actor [6, 1) is reversed: its end is before its start",
        ),
        (
            serde_json::json!(3),
            serde_json::json!(3),
            "in.jsonl:1: actor [3, 3) is empty",
        ),
    ] {
        let err = run(&[
            serde_json::json!({"id": "x.txt", "text": text, "label": [[start, end, "actor"]]}),
        ]);
        assert!(err.contains(said), "{said}: {err}");
    }
    // A document given twice for one annotator is named as such, before its
    // text is looked at.
    let err = run(&[
        serde_json::json!({"id": "x.txt", "text": text, "label": []}),
        serde_json::json!({"id": "x.txt", "text": "", "label": [[0, 99, "actor"]]}),
    ]);
    assert!(
        err.contains("in.jsonl:2: document x.txt appears twice (also at"),
        "{err}"
    );
    // Nothing was written by any of them.
    let project = dir.open();
    assert!(project.doc("x.txt").is_none());
    assert!(!dir.path("annotations").exists());
}

/// brat: links are followed only inside the input folder. A `.txt` linked
/// to a file outside is not copied into the project, a link to a folder
/// outside is not searched, and `ln -s . loop` is not read again; each is
/// reported.
#[cfg(unix)]
#[test]
fn brat_links_out_of_the_input_folder_or_in_a_loop_are_not_followed() {
    use std::os::unix::fs::symlink;

    let outside = folder(&[
        ("secret.txt", "kata sandi 😊\r\n"),
        ("b.ann", "T1\tactor 0 4\tkata\n"),
        ("b.txt", "kata sandi 😊\r\n"),
    ]);
    let brat = folder(&[
        ("a.txt", "“Kim” 😊\r\nPutin\r\n"),
        ("a.ann", "T1\tactor 1 4\tKim\n"),
        ("s.ann", "T1\tactor 0 4\tkata\n"),
    ]);
    symlink(outside.path().join("secret.txt"), brat.path().join("s.txt")).unwrap();
    symlink(outside.path(), brat.path().join("elsewhere")).unwrap();
    symlink(".", brat.path().join("loop")).unwrap();
    // A folder reached by a link and by its own name is read under its
    // own name; a link to an `.ann` file inside is followed.
    fs::create_dir(brat.path().join("real")).unwrap();
    fs::write(brat.path().join("real/c.txt"), "Putin").unwrap();
    fs::write(brat.path().join("real/c.ann"), "T1\tactor 0 5\tPutin\n").unwrap();
    symlink("real", brat.path().join("inside")).unwrap();
    fs::write(brat.path().join("d.txt"), "Putin").unwrap();
    symlink("real/c.ann", brat.path().join("d.ann")).unwrap();

    let project = TestProject::new().text("a.txt", "“Kim” 😊\r\nPutin\r\n");
    let report = import(
        &project.open(),
        &options(ImportFormat::Brat),
        &[brat.path().to_owned()],
    )
    .unwrap();
    let ids: Vec<String> = project.open().docs().iter().map(|d| d.id.clone()).collect();
    assert_eq!(ids, ["a.txt", "d.txt", "real/c.txt"]);
    assert_eq!(
        project.rendered("ayu", "a.txt"),
        "“[Kim|actor]” 😊\r\nPutin\r\n"
    );
    let losses: Vec<String> = report.losses.iter().map(ToString::to_string).collect();
    let said = |needle: &str| losses.iter().any(|l| l.contains(needle));
    assert!(
        said("s.txt: a link out of the input folder") && said("its document is not imported"),
        "{losses:#?}"
    );
    assert!(
        said("elsewhere: a link out of the input folder"),
        "{losses:#?}"
    );
    assert!(said("loop: a link to a folder already read"), "{losses:#?}");
    assert!(
        said("inside: a link to a folder already read"),
        "{losses:#?}"
    );
    assert_eq!(losses.len(), 4, "{losses:#?}");
}

/// A byte order mark at the start of a JSON input is skipped, and said, as
/// Python's `utf-8-sig` reads it.
#[test]
fn a_byte_order_mark_is_skipped_and_said() {
    let dir = TestProject::new();
    let input = dir.write(
        "in.jsonl",
        "\u{feff}{\"id\": \"x.txt\", \"text\": \"x 😊\\r\\ny\", \"label\": [[2, 3, \"actor\"]]}\n",
    );
    let report = import(
        &dir.open(),
        &options(ImportFormat::Jsonl),
        std::slice::from_ref(&input),
    )
    .unwrap();
    assert_eq!(report.spans, 1);
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.ends_with("in.jsonl: starts with a byte order mark (BOM, U+FEFF), which the format does not allow; read without it")),
        "{:?}",
        report.notes
    );
    assert_eq!(dir.rendered("ayu", "x.txt"), "x [😊|actor]\r\ny");
}
