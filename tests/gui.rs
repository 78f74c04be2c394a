//! The workbench driven headless, as a person would: drag over text, press
//! keys, click labels; then check the annotation files on disk.
#![cfg(feature = "gui")]

use std::fs;
use std::path::{Path, PathBuf};

use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sorot::gui::prefs::Preferences;
use sorot::gui::{SorotApp, StartOptions};

const FIRST: &str = "000_1625e3110a626786.txt";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample texts and settings, without anyone's annotations.
fn sample_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("seeds")).unwrap();
    for entry in fs::read_dir(repo().join("seeds")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(
            entry.path(),
            dir.path().join("seeds").join(entry.file_name()),
        )
        .unwrap();
    }
    fs::copy(repo().join("sorot.ron"), dir.path().join("sorot.ron")).unwrap();
    dir
}

fn harness(project: &Path) -> Harness<'static, SorotApp> {
    let app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(project.to_owned()),
            annotator: Some("tester".into()),
        },
    );
    let mut harness = Harness::builder()
        .with_max_steps(16)
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut SorotApp| app.show(ui), app);
    harness.run();
    harness
}

/// The annotation file of `doc`, once every autosave has reached the disk.
fn file_on_disk(harness: &mut Harness<'static, SorotApp>, project: &Path, doc: &str) -> String {
    harness.state_mut().wait_for_saves();
    fs::read_to_string(
        project
            .join("annotations/tester")
            .join(format!("{doc}.ron")),
    )
    .unwrap_or_default()
}

/// Presses at `from`, moves to `to` in steps, releases there.
fn drag(harness: &mut Harness<'static, SorotApp>, from: Pos2, to: Pos2, modifiers: Modifiers) {
    harness.event(Event::ModifiersChanged(modifiers));
    harness.event(Event::PointerMoved(from));
    harness.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    harness.step();
    for i in 1..=4 {
        let t = i as f32 / 4.0;
        harness.event(Event::PointerMoved(from + (to - from) * t));
        harness.step();
    }
    harness.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    harness.step();
    harness.event(Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
}

fn click(harness: &mut Harness<'static, SorotApp>, at: Pos2) {
    harness.event(Event::PointerMoved(at));
    harness.event(Event::PointerButton {
        pos: at,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    harness.step();
    harness.event(Event::PointerButton {
        pos: at,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run();
}

/// Finds `needle` in the current document and returns its code-point range.
fn find(harness: &Harness<'static, SorotApp>, needle: &str) -> std::ops::Range<usize> {
    let doc = harness.state().workspace().unwrap().current().unwrap();
    let byte = doc.text.as_str().find(needle).unwrap();
    let start = doc.text.offset_of_byte(byte);
    start..start + needle.chars().count()
}

#[test]
fn drag_over_a_name_press_1_and_find_the_span_on_disk_then_undo_it() {
    let project = sample_project();
    let mut harness = harness(project.path());
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some(FIRST)
    );

    let range = find(&harness, "Vladimir Putin");
    assert_eq!(range, 84..98);
    // Drag from inside "Vladimir" to inside "Putin": word snapping takes both whole words.
    let start_rect = harness
        .state()
        .text_rect(range.start + 1..range.start + 2)
        .unwrap();
    let end_rect = harness
        .state()
        .text_rect(range.end - 2..range.end - 1)
        .unwrap();
    drag(
        &mut harness,
        start_rect.center(),
        end_rect.center(),
        Modifiers::NONE,
    );
    assert_eq!(harness.state().selection(), Some(84..98));

    harness.key_press(Key::Num1);
    harness.run();
    let saved = file_on_disk(&mut harness, project.path(), FIRST);
    assert!(
        saved.contains("(id: 1, start: 84, end: 98, label: \"actor\", text: \"Vladimir Putin\")"),
        "{saved}"
    );
    assert!(saved.contains("status: InProgress"), "{saved}");
    assert_eq!(harness.state().selected_span(), Some(1));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let saved = file_on_disk(&mut harness, project.path(), FIRST);
    assert!(saved.contains("spans: [],"), "{saved}");
    assert!(saved.contains("status: NotStarted"), "{saved}");

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert!(file_on_disk(&mut harness, project.path(), FIRST).contains("text: \"Vladimir Putin\""));
    assert!(
        harness.state().title().contains(FIRST),
        "{}",
        harness.state().title()
    );
    assert!(
        !harness.state().title().contains("unsaved"),
        "{}",
        harness.state().title()
    );
}

#[test]
fn alt_drag_takes_exact_characters_and_labels_apply_by_click() {
    let project = sample_project();
    let mut harness = harness(project.path());
    let range = find(&harness, "Kremlin");
    let from = harness
        .state()
        .text_rect(range.start..range.start + 1)
        .unwrap()
        .left_center();
    let to = harness
        .state()
        .text_rect(range.start + 3..range.start + 4)
        .unwrap()
        .center();
    drag(
        &mut harness,
        from + egui::vec2(1.0, 0.0),
        to,
        Modifiers::ALT,
    );
    let selection = harness.state().selection().unwrap();
    assert_eq!(selection.start, range.start);
    assert!(
        selection.end < range.end,
        "{selection:?} was snapped to the word"
    );

    harness.get_by_label("2  location").click();
    harness.run();
    let saved = file_on_disk(&mut harness, project.path(), FIRST);
    assert!(
        saved.contains("label: \"location\", text: \"Kre"),
        "{saved}"
    );
}

#[test]
fn click_a_span_relabel_it_delete_it_and_mark_the_document_done() {
    let project = sample_project();
    let mut harness = harness(project.path());
    let range = find(&harness, "Kim Jong Un");
    let rect = harness.state().text_rect(range.clone()).unwrap();
    drag(
        &mut harness,
        rect.left_center() + egui::vec2(2.0, 0.0),
        rect.right_center() - egui::vec2(2.0, 0.0),
        Modifiers::NONE,
    );
    harness.key_press(Key::Num4);
    harness.run();
    assert!(
        file_on_disk(&mut harness, project.path(), FIRST)
            .contains("label: \"claim\", text: \"Kim Jong Un\"")
    );

    // Click elsewhere, then on the span: it is selected; 1 relabels it.
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(harness.state().selected_span(), None);
    click(&mut harness, rect.center());
    assert_eq!(harness.state().selected_span(), Some(1));
    harness.key_press(Key::Num1);
    harness.run();
    assert!(
        file_on_disk(&mut harness, project.path(), FIRST)
            .contains("label: \"actor\", text: \"Kim Jong Un\"")
    );

    harness.key_press(Key::Delete);
    harness.run();
    assert!(file_on_disk(&mut harness, project.path(), FIRST).contains("spans: [],"));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert!(file_on_disk(&mut harness, project.path(), FIRST).contains("status: Done"));
}

#[test]
fn alt_arrows_move_between_documents_and_the_list_shows_status() {
    let project = sample_project();
    let mut harness = harness(project.path());
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some("001_29c8b5c4ec59e6d1.txt")
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    // The list shows the status once the autosave has landed.
    harness.state_mut().wait_for_saves();
    harness.run();
    harness.get_by_label("✔  001_29c8b5c4ec59e6d1.txt   (0)");
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some(FIRST)
    );
    harness
        .get_by_label("○  002_c27b010dec6c9a7a.txt   (0)")
        .click();
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some("002_c27b010dec6c9a7a.txt")
    );
}

#[test]
fn a_file_changed_on_disk_asks_before_it_is_overwritten() {
    let project = sample_project();
    let mut harness = harness(project.path());
    let range = find(&harness, "Kremlin");
    let rect = harness.state().text_rect(range).unwrap();
    drag(
        &mut harness,
        rect.left_center() + egui::vec2(2.0, 0.0),
        rect.right_center() - egui::vec2(2.0, 0.0),
        Modifiers::NONE,
    );
    harness.key_press(Key::Num1);
    harness.run();
    file_on_disk(&mut harness, project.path(), FIRST);
    // A git pull replaces the file.
    let path = project
        .path()
        .join("annotations/tester")
        .join(format!("{FIRST}.ron"));
    let theirs = fs::read_to_string(&path)
        .unwrap()
        .replace("status: InProgress", "status: Done");
    fs::write(&path, &theirs).unwrap();

    harness.key_press(Key::Num2);
    harness.run();
    assert_eq!(
        file_on_disk(&mut harness, project.path(), FIRST),
        theirs,
        "overwritten without asking"
    );
    harness.run();
    harness.get_by_label("Keep mine").click();
    harness.run();
    let mine = file_on_disk(&mut harness, project.path(), FIRST);
    assert!(
        mine.contains("label: \"location\", text: \"Kremlin\"")
            && mine.contains("status: InProgress"),
        "{mine}"
    );
}
