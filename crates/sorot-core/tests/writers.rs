//! Sorot's writers against each other: a save and an import never
//! interleave their check and their rename.
//!
//! Each test holds the project's write lock on the test's thread, as another
//! Sorot writer would, while a writer runs on a thread of its own; another
//! writer's file then lands while the lock is held. An unlocked writer would
//! have checked and renamed during the pause and lost that file.

use std::fs;
use std::thread;
use std::time::Duration;

use sorot_core::formats::import::{ImportError, ImportFormat, ImportOptions, import};
use sorot_core::project::document::{Command, OpenDocument, SaveError};
use sorot_core::store::{WriteLock, write_atomic};
use sorot_core::testing::TestProject;

/// Long enough for a writer that does not wait for the lock to check and
/// rename; a writer that waits is not affected by its length.
const PAUSE: Duration = Duration::from_millis(300);

#[test]
fn a_save_waits_for_another_writer_and_then_finds_its_file() {
    let dir = TestProject::new().annotated("ayu", "a.txt", "“[Kim|actor]” 😊\r\ntiba.");
    let project = dir.open();
    let mut doc = OpenDocument::open(&project, project.doc("a.txt").unwrap(), "ayu").unwrap();
    doc.execute(
        project.schema(),
        Command::AddSpan {
            range: 9..13,
            label: "date".into(),
        },
    )
    .unwrap();
    let job = doc.save_job(false).unwrap();
    let path = dir.annotation_path("ayu", "a.txt");

    let lock = WriteLock::acquire(&project.annotation_dir()).unwrap();
    let saving = thread::spawn(move || job.run());
    thread::sleep(PAUSE);
    // An import --replace puts its file in place while it holds the lock.
    let imported = dir
        .annotation_file("ayu", "a.txt")
        .to_ron()
        .replace("InProgress", "Done");
    write_atomic(&path, imported.as_bytes()).unwrap();
    drop(lock);

    let saved = saving.join().unwrap();
    assert!(
        matches!(saved, Err(SaveError::Conflict { .. })),
        "the save must find the imported file and ask: {saved:?}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), imported);
}

#[test]
fn an_import_waits_for_another_writer_and_then_keeps_its_file() {
    let dir = TestProject::new().text("a.txt", "“Kim” 😊\r\ntiba.");
    let input = dir.write(
        "in.jsonl",
        "{\"id\": \"a.txt\", \"text\": \"“Kim” 😊\\r\\ntiba.\", \"label\": [[1, 4, \"actor\"]]}\n",
    );
    let project = dir.open();
    let path = dir.annotation_path("ayu", "a.txt");

    let lock = WriteLock::acquire(&project.annotation_dir()).unwrap();
    let importing = {
        let project = project.clone();
        thread::spawn(move || {
            let options = ImportOptions {
                ..ImportOptions::new(ImportFormat::Jsonl, "ayu")
            };
            import(&project, &options, &[input])
        })
    };
    thread::sleep(PAUSE);
    // A workbench save makes ayu's file while it holds the lock.
    dir.write_annotations("ayu", "a.txt", "“Kim” 😊\r\n[tiba|date].");
    let saved = fs::read_to_string(&path).unwrap();
    drop(lock);

    let imported = importing.join().unwrap();
    assert!(
        matches!(imported, Err(ImportError::Appeared { .. })),
        "the import must not replace a file made after it planned: {imported:?}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), saved);
}
