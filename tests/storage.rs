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
