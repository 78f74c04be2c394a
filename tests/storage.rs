//! Storage over the bundled sample project: canonical files, round trips, and
//! bad input that never changes a file.

mod common;

use std::fs;

use sorot_core::project::Project;
use sorot_core::project::document::{Command, OpenDocument};
use sorot_core::store::AnnotationFile;
use sorot_core::testing::{TestProject, sample_dir};

#[test]
fn seeds_are_the_bundled_articles_byte_for_byte() {
    let project = Project::open(&sample_dir()).unwrap();
    assert_eq!(project.docs().len(), 5);
    let Some(shared) = common::shared("seeds", "seeds_are_the_bundled_articles_byte_for_byte")
    else {
        return;
    };
    for doc in project.docs() {
        assert_eq!(
            fs::read(&doc.path).unwrap(),
            fs::read(shared.join(&doc.id)).unwrap(),
            "{}",
            doc.id
        );
    }
}

#[test]
fn shipped_annotations_are_valid_and_canonical() {
    let project = Project::open(&sample_dir()).unwrap();
    assert_eq!(sorot_core::project::validate::validate(&project), vec![]);
    for annotator in project.annotators() {
        for doc in project.docs() {
            let path = project.annotation_path(&annotator, &doc.id);
            let on_disk = fs::read_to_string(&path).unwrap();
            let document = OpenDocument::open(&project, doc, &annotator).unwrap();
            assert!(document.is_editable(), "{}", path.display());
            let canonical = document.to_file().to_ron();
            if std::env::var_os("SOROT_BLESS").is_some() {
                fs::write(&path, &canonical).unwrap();
            } else if on_disk != canonical {
                let first_difference = on_disk
                    .lines()
                    .zip(canonical.lines())
                    .position(|(a, b)| a != b);
                panic!(
                    "{} is not in canonical form (first difference at line {:?}); rewrite it with SOROT_BLESS=1 cargo test --test storage",
                    path.display(),
                    first_difference.map(|i| i + 1)
                );
            }
        }
    }
}

#[test]
fn save_load_save_is_byte_identical_over_all_seeds() {
    let sample = TestProject::sample();
    let project = sample.open();
    for doc in project.docs() {
        let before = fs::read(project.annotation_path("ayu", &doc.id)).unwrap();
        let mut document = OpenDocument::open(&project, doc, "ayu").unwrap();
        // An edit and its undo leave the document dirty; saving must rewrite the same bytes.
        let schema = project.schema();
        let id = document.spans()[0].id;
        document
            .execute(
                schema,
                Command::SetNote {
                    id,
                    note: "x".into(),
                },
            )
            .unwrap();
        document.execute(schema, Command::Undo).unwrap();
        assert!(document.is_dirty());
        document.save().unwrap();
        assert!(
            fs::read(document.path()).unwrap() == before,
            "{} changed on a save without changes",
            doc.id
        );
        let (file, _) = AnnotationFile::read(document.path()).unwrap();
        assert!(
            file.to_ron().as_bytes() == before.as_slice(),
            "{} does not round-trip",
            doc.id
        );
    }
}

/// Fields Sorot does not know (a script's `reviewer_comment`, a span's
/// `confidence`) are kept through edits and saves, follow their span, and
/// go only with it.
#[test]
fn unknown_fields_survive_a_save_and_follow_their_span() {
    let dir =
        TestProject::new().annotated("ayu", "a.txt", "“[Kim|actor]” 😊\r\n[Putin|actor] tiba.");
    let path = dir.annotation_path("ayu", "a.txt");
    let written = fs::read_to_string(&path).unwrap();
    let edited = written
        .replacen(
            "    annotator:",
            "    reviewer_comment: \"cek “lagi” 😊\",\n    annotator:",
            1,
        )
        .replacen("text: \"Kim\")", "text: \"Kim\", confidence: 0.75)", 1)
        .replacen(
            "text: \"Putin\")",
            "text: \"Putin\", model: (name: \"ner-2\", tags: [\"a\"]))",
            1,
        );
    assert_ne!(edited, written);
    fs::write(&path, &edited).unwrap();
    let putin = dir.spans("ayu", "a.txt")[1].id;
    dir.edit(
        "ayu",
        "a.txt",
        [
            Command::RemoveSpan(putin),
            Command::AddSpan {
                range: 15..19,
                label: "date".into(),
            },
        ],
    );
    let saved = fs::read_to_string(&path).unwrap();
    assert!(
        saved.contains("    reviewer_comment: \"cek “lagi” 😊\",\n"),
        "{saved}"
    );
    assert!(
        saved.contains("text: \"Kim\", confidence: 0.75)"),
        "{saved}"
    );
    assert!(!saved.contains("ner-2"), "went with its span:\n{saved}");
    assert!(
        saved.contains("label: \"date\", text: \"tiba\")"),
        "{saved}"
    );
    // Read again, the file is the same file: written byte for byte alike.
    let file = dir.annotation_file("ayu", "a.txt");
    assert_eq!(
        file.unknown.describe(),
        "reviewer_comment, confidence of span 1"
    );
    assert_eq!(file.to_ron(), saved);
}
