//! brat collections through Sorot: a collection with relations, attributes
//! (valued and binary), notes of two kinds and normalizations comes back
//! line for line; a folder's files given one by one (`dir/*`) read as the
//! folder does; and what a span takes once, or brat cannot name, is
//! reported.
//!
//! The collection is `tests/fixtures/brat-collection`: `pabrik` has LF line
//! ends, a curly quote, an emoji and a combining accent; `kota` has CRLF
//! line ends, curly quotes and an emoji.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sorot_core::formats::export::{self, Format};
use sorot_core::formats::import::{ImportError, ImportFormat, ImportOptions, import};
use sorot_core::model::Note;
use sorot_core::testing::TestProject;

/// The brat collection of the repository's fixtures.
fn collection() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/brat-collection")
}

/// The collection's labels, which the default schema lacks.
const LABELS: [&str; 3] = ["Person", "Organization", "Place"];

/// A project whose texts are kept in `texts/`, with none yet.
fn project() -> TestProject {
    let project = TestProject::new().config("(texts: \"texts\")");
    fs::create_dir(project.path("texts")).unwrap();
    project
}

fn brat_import(annotator: &str) -> ImportOptions {
    ImportOptions::new(ImportFormat::Brat, annotator)
}

/// Exports `annotator`'s spans of the collection's labels as brat into a
/// new folder outside the project; gives the folder and the report.
fn brat_export(
    project: &TestProject,
    annotator: &str,
    labels: &[&str],
) -> (tempfile::TempDir, export::Report) {
    let out = tempfile::tempdir().unwrap();
    let mut options = export::Options::new(Format::Brat, annotator);
    options.labels = labels.iter().map(|l| (*l).to_owned()).collect();
    let written = export::export_to(&project.open(), &options, out.path(), false).unwrap();
    (out, written.report)
}

/// The lines of a `.ann` file as brat means them, whatever their order and
/// numbering: each T line as its label, place and text, and every other
/// line with the T lines it names written so and its own id left out.
fn meaning(ann: &str) -> Vec<String> {
    let mut by_id: BTreeMap<&str, String> = BTreeMap::new();
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let (id, rest) = line.split_once('\t').unwrap();
        by_id.insert(id, format!("[{}]", rest.replace('\t', " | ")));
    }
    let mut lines: Vec<String> = ann
        .lines()
        .map(|line| {
            let (id, rest) = line.split_once('\t').unwrap();
            if id.starts_with('T') {
                return format!("T {}", by_id[id]);
            }
            let (data, tail) = rest.split_once('\t').unwrap_or((rest, ""));
            let data: Vec<String> = data
                .split(' ')
                .map(|word| {
                    let (role, target) = word.split_once(':').unwrap_or(("", word));
                    match by_id.get(target) {
                        Some(t) if role.is_empty() => t.clone(),
                        Some(t) => format!("{role}:{t}"),
                        None => word.to_owned(),
                    }
                })
                .collect();
            format!("{} {} | {tail}", &id[..1], data.join(" "))
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn a_brat_collection_comes_back_line_for_line() {
    let project = project();
    let report = import(&project.open(), &brat_import("b"), &[collection()]).unwrap();
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    assert_eq!((report.documents, report.spans), (2, 9));

    // Typed notes, the second annotator's note, values with their resource,
    // binary attributes.
    let spans = project.spans("b", "pabrik.txt");
    let kafe = spans.iter().find(|s| s.text == "kafe\u{301}").unwrap();
    assert_eq!(kafe.note, "ditulis dengan aksen “é”");
    assert_eq!(
        kafe.notes,
        [
            Note {
                kind: "Lemma".into(),
                text: "kafe".into()
            },
            Note {
                kind: "AnnotatorNotes".into(),
                text: "catatan kedua untuk kafe\u{301}".into()
            },
        ]
    );
    let budi = spans.iter().find(|s| s.text == "Budi Santoso").unwrap();
    assert_eq!(
        (&*budi.value, &*budi.resource, &*budi.entry_name),
        ("Q123456", "Wikidata", "Budi Santoso")
    );
    assert_eq!(budi.attribute("Individual"), "true");
    // The CRLF text is the project's as it is; brat's offsets land on it.
    assert_eq!(
        project.rendered("b", "kota.txt"),
        "[Ani Wijaya|Person] pindah ke [Jakarta|Place] pada 2019.\r\n“Kami senang di sini,” kata [Ani|Person] 🙂 kepada [Toko Kopi Nusa|Organization].\r\n"
    );

    let (out, report) = brat_export(&project, "b", &LABELS);
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    for doc in ["pabrik", "kota"] {
        let original = fs::read_to_string(collection().join(format!("{doc}.ann"))).unwrap();
        let exported = fs::read_to_string(out.path().join(format!("{doc}.ann"))).unwrap();
        assert_eq!(meaning(&exported), meaning(&original), "{doc}:\n{exported}");
        // The texts come back with LF line ends, over which the offsets count.
        let text = fs::read_to_string(collection().join(format!("{doc}.txt"))).unwrap();
        assert_eq!(
            fs::read_to_string(out.path().join(format!("{doc}.txt"))).unwrap(),
            text.replace("\r\n", "\n")
        );
    }
    // Binary attributes and normalizations are written as they came.
    let pabrik = fs::read_to_string(out.path().join("pabrik.ann")).unwrap();
    for line in [
        "\tIndividual T3\n",
        "\tReference T3 Wikidata:Q123456\tBudi Santoso\n",
    ] {
        assert!(pabrik.contains(line), "{line:?} in\n{pabrik}");
    }
    assert_eq!(
        fs::read_to_string(out.path().join("annotation.conf")).unwrap(),
        "# Written by Sorot: the exported labels, and the relation types and attributes that the files use or the project's schema defines.
[entities]
Person
Organization
Place

[relations]
# Spans may nest, overlap and share their place.
<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>
customerOf\tArg1:Person, Arg2:Organization
foundedBy\tArg1:Organization, Arg2:Person
livesIn\tArg1:Person, Arg2:Place
locatedIn\tArg1:Organization, Arg2:Place

[events]

[attributes]
Individual\tArg:Person
Mention\tArg:Organization|Person, Value:Name|Nominal
"
    );

    // Imported again, the export gives the same annotations.
    let back = import(
        &project.open(),
        &brat_import("again"),
        &[out.path().to_owned()],
    )
    .unwrap();
    assert!(back.losses.is_empty(), "{:?}", back.losses);
    for doc in ["pabrik.txt", "kota.txt"] {
        assert_eq!(
            project.spans("again", doc),
            project.spans("b", doc),
            "{doc}"
        );
    }
}

/// A folder's files given one by one, as a shell gives `dir/*`: each `.txt`
/// is the text of its `.ann`, and brat's configuration is skipped and said.
#[test]
fn a_brat_folders_files_given_one_by_one_read_as_the_folder() {
    let folder = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(collection()).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, folder.path().join(path.file_name().unwrap())).unwrap();
    }
    fs::write(
        folder.path().join("annotation.conf"),
        "[entities]\nPerson\n",
    )
    .unwrap();
    let mut files: Vec<PathBuf> = fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5);

    let project = project();
    let report = import(&project.open(), &brat_import("files"), &files).unwrap();
    assert!(report.losses.is_empty(), "{:?}", report.losses);
    assert_eq!((report.documents, report.spans), (2, 9));
    assert_eq!(
        report.notes,
        [format!(
            "{}: brat's configuration, not annotations; skipped (the project's labels are in its sorot.ron)",
            folder.path().join("annotation.conf").display()
        )]
    );
    import(&project.open(), &brat_import("folder"), &[collection()]).unwrap();
    for doc in ["pabrik.txt", "kota.txt"] {
        assert_eq!(project.spans("files", doc), project.spans("folder", doc));
    }

    // A text without its annotations is an error naming them; nothing is
    // written.
    let kota_txt = folder.path().join("kota.txt");
    let kota_ann = folder.path().join("kota.ann");
    for (inputs, missing) in [
        (vec![kota_txt.clone()], "is not among the inputs"),
        (
            vec![folder.path().join("pabrik.ann"), kota_txt.clone()],
            "is not among the inputs",
        ),
    ] {
        let err = import(&project.open(), &brat_import("alone"), &inputs).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: a brat text whose annotation file {} {missing}; give the .ann files (their texts are read beside them) or the folder",
                kota_txt.display(),
                kota_ann.display()
            )
        );
    }
    fs::remove_file(&kota_ann).unwrap();
    let err = import(
        &project.open(),
        &brat_import("alone"),
        std::slice::from_ref(&kota_txt),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::File { file, message } if *file == kota_txt && message.contains("does not exist")),
        "{err}"
    );
    // Any other file is not a brat input.
    let readme = folder.path().join("README.md");
    fs::write(&readme, "“Toko” 😊\r\n").unwrap();
    let err = import(
        &project.open(),
        &brat_import("alone"),
        &[folder.path().join("pabrik.ann"), readme.clone()],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a brat file: brat inputs are .ann files (with their .txt beside them) or folders of them",
            readme.display()
        )
    );
    assert!(!project.path("annotations/alone").exists());
}

/// A span takes one normalized value and one value of each attribute: a
/// second is a loss, and the first is kept. A normalization of another
/// type keeps its value and reports its type.
#[test]
fn what_a_span_takes_once_is_reported() {
    let folder = tempfile::tempdir().unwrap();
    fs::write(folder.path().join("a.txt"), "“Ani” 😊 di\r\nBandung\r\n").unwrap();
    fs::write(
        folder.path().join("a.ann"),
        "T1\tPerson 1 4\tAni\nT2\tPlace 11 18\tBandung\n\
         N1\tReference T1 Wikidata:Q1\tAni\nN2\tReference T1 Wikipedia:2\tAni W.\n\
         A1\tMention T1 Name\nA2\tMention T1 Nominal\n\
         N3\tNormalization T2 GeoNames:1650357\n",
    )
    .unwrap();
    let project = project();
    let report = import(
        &project.open(),
        &brat_import("b"),
        &[folder.path().to_owned()],
    )
    .unwrap();
    let ann = folder.path().join("a.ann").display().to_string();
    let reasons: Vec<String> = report.losses.iter().map(|l| l.to_string()).collect();
    assert_eq!(
        reasons,
        [
            format!(
                "{ann}:7: the type Normalization of normalization N3 was not kept: its value was imported, and goes back to brat as a Reference"
            ),
            format!(
                "{ann}:6: attribute A2 gives T1 a second Mention (Nominal); a span has one value of an attribute, so it keeps the first (Name)"
            ),
            format!(
                "{ann}:4: normalization N2 (Wikipedia:2) of T1 was not imported: a span has one normalized value, and T1 has one already"
            ),
        ]
    );
    let spans = project.spans("b", "a.txt");
    assert_eq!(
        (&*spans[0].value, &*spans[0].resource, &*spans[0].entry_name),
        ("Q1", "Wikidata", "Ani")
    );
    assert_eq!(spans[0].attribute("Mention"), "Name");
    // An N line without a name is one with an empty name.
    assert_eq!(
        (&*spans[1].value, &*spans[1].resource, &*spans[1].entry_name),
        ("1650357", "GeoNames", "")
    );
}

/// An attribute that is binary on some spans and has values on others
/// cannot be both in brat: it is declared with its values, and reported.
#[test]
fn an_attribute_both_binary_and_valued_is_reported() {
    let project = project().annotated("ayu", "a.txt", "“[Kim|actor]” 😊 dan\r\n[Putin|actor]");
    let mut file = project.annotation_file("ayu", "a.txt");
    file.spans[0]
        .attributes
        .insert("Certain".into(), "true".into());
    file.spans[1]
        .attributes
        .insert("Certain".into(), "low".into());
    project.write_annotation_file(&file);
    let (out, report) = brat_export(&project, "ayu", &[]);
    assert_eq!(
        report
            .losses
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>(),
        [format!(
            "{}: attribute Certain is binary (written without a value, as its value is true) on 1 spans and has the values low elsewhere; brat reads an attribute as one or the other, so it was declared with those values",
            out.path().join("annotation.conf").display()
        )]
    );
    let ann = fs::read_to_string(out.path().join("a.ann")).unwrap();
    assert_eq!(
        ann,
        "T1\tactor 1 4\tKim\nT2\tactor 12 17\tPutin\nA1\tCertain T1\nA2\tCertain T2 low\n"
    );
    let conf = fs::read_to_string(out.path().join("annotation.conf")).unwrap();
    assert!(
        conf.ends_with("[attributes]\nstance\tArg:claim, Value:asserted|denied|reported\nquote\tArg:claim, Value:yes|no\nCertain\tArg:actor, Value:low\n"),
        "{conf}"
    );
}

/// What brat cannot name or list is a loss, and the rest of the span goes
/// out: a label, a relation type, a note kind or an attribute value brat's
/// configuration cannot hold, and a resource's id with spaces (written as
/// Sorot's own value). A schema's values that brat cannot list are not
/// declared; a schema attribute whose only value is `true` is binary.
#[test]
fn what_brat_cannot_name_is_reported() {
    let project = project()
        .config(
            "(texts: \"texts\", schema: (labels: [(name: \"actor\"), (name: \"lokasi_é\")], attributes: [(label: \"actor\", name: \"role\", values: [\"head of state\", \"special envoy\"]), (label: \"actor\", name: \"Negated\", values: [\"true\"])]))",
        )
        .annotated(
            "ayu",
            "a.txt",
            "“[Kim|actor]” 😊 di\r\n[Moskwa|lokasi_é] dan [Putin|actor]",
        );
    let mut file = project.annotation_file("ayu", "a.txt");
    let kim = &mut file.spans[0];
    kim.attributes.insert("alias".into(), "Kim Jong Un".into());
    kim.notes.push(Note {
        kind: "Catatan lain".into(),
        text: "dua kata".into(),
    });
    kim.notes.push(Note {
        kind: "Lemma".into(),
        text: "Kim\r\nJong".into(),
    });
    let putin = &mut file.spans[2];
    putin.value = "Vladimir Putin".into();
    putin.resource = "Wikipedia".into();
    putin.entry_name = "Putin".into();
    file.relations = vec![sorot_core::model::Relation {
        from: 1,
        to: 3,
        kind: "said to".into(),
    }];
    project.write_annotation_file(&file);
    let (out, report) = brat_export(&project, "ayu", &[]);
    let reasons: Vec<String> = report.losses.iter().map(|l| l.to_string()).collect();
    let file = project
        .annotation_path("ayu", "a.txt")
        .display()
        .to_string();
    assert_eq!(
        reasons,
        [
            format!(
                "{file}: span 1: a note of the kind \"Catatan lain\", which brat cannot name (a kind is one word), was not exported"
            ),
            format!(
                "{file}: span 1: the Lemma note's line breaks or tabs became spaces (brat notes are one line)"
            ),
            format!(
                "{file}: span 2: brat cannot name the label \"lokasi_é\" (its names are ASCII letters, digits, _ and -); not exported, nor its note, value, attributes and relations"
            ),
            format!(
                "{file}: span 1: attribute alias's value \"Kim Jong Un\" cannot be listed in brat's annotation.conf (a value has no spaces, |, comma, < or >); not exported"
            ),
            format!(
                "{file}: span 3: brat names an entry of a resource as resource:id without spaces, which the value \"Vladimir Putin\" of \"Wikipedia\" is not; the value was written as Sorot's own, without its resource and entry name"
            ),
            format!(
                "{file}: span 1: brat cannot name the relation type \"said to\" (its names are ASCII letters, digits, _ and -); its relation to span 3 was not exported"
            ),
        ]
    );
    assert_eq!(
        fs::read_to_string(out.path().join("a.ann")).unwrap(),
        "T1\tactor 1 4\tKim\n#1\tLemma T1\tKim  Jong\nT3\tactor 22 27\tPutin\nN1\tReference T3 Sorot:Vladimir_Putin\tVladimir Putin\n"
    );
    let conf = fs::read_to_string(out.path().join("annotation.conf")).unwrap();
    assert!(
        conf.starts_with("# Written by Sorot: the exported labels, and the relation types and attributes that the files use or the project's schema defines.\n[entities]\nactor\n\n"),
        "{conf}"
    );
    assert!(
        conf.ends_with("[attributes]\nNegated\tArg:actor\n"),
        "{conf}"
    );
}
