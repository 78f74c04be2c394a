//! The workbench driven headless, as a person would: drag over text, press
//! keys, click labels; then check the annotation files on disk.

use std::fs;
use std::path::Path;

use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sorot_core::testing::TestProject;
use sorot_gui::prefs::Preferences;
use sorot_gui::{SorotApp, StartOptions};

const FIRST: &str = "000_1625e3110a626786.txt";

/// The sample texts and settings, without anyone's annotations.
fn sample_project() -> TestProject {
    TestProject::sample_without_annotations()
}

fn harness(project: &Path) -> Harness<'static, SorotApp> {
    harness_stepping(project, 0.25)
}

/// The workbench on `project` as tester, each frame `step` seconds after
/// the one before (every event is a frame of its own).
fn harness_stepping(project: &Path, step: f32) -> Harness<'static, SorotApp> {
    harness_on(project, step, egui::vec2(1400.0, 900.0))
}

/// The workbench on `project` as tester, frames `step` seconds apart, in a
/// window of `size`.
fn harness_on(project: &Path, step: f32, size: egui::Vec2) -> Harness<'static, SorotApp> {
    let app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(project.to_owned()),
            annotator: Some("tester".into()),
        },
    );
    let mut harness = Harness::builder()
        .with_max_steps(16)
        .with_step_dt(step)
        .with_size(size)
        .build_ui_state(|ui, app: &mut SorotApp| app.show(ui), app);
    harness.run();
    harness
}

/// The annotation file of `doc`, once every autosave has reached the disk.
fn file_on_disk(harness: &mut Harness<'static, SorotApp>, project: &Path, doc: &str) -> String {
    annotators_file(harness, project, "tester", doc)
}

/// `annotator`'s annotation file of `doc`, once every autosave has reached
/// the disk.
fn annotators_file(
    harness: &mut Harness<'static, SorotApp>,
    project: &Path,
    annotator: &str,
    doc: &str,
) -> String {
    harness.state_mut().wait_for_saves();
    fs::read_to_string(
        project
            .join("annotations")
            .join(annotator)
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

/// The document list's row of `id`: its status icon, title, name and count.
fn row_of<'h>(harness: &'h Harness<'static, SorotApp>, id: &'h str) -> egui_kittest::Node<'h> {
    use egui_kittest::kittest::NodeT;
    harness
        .query_all_by_label_contains(id)
        .find(|node| {
            node.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with(['○', '◑', '✔', '⚠']))
        })
        .unwrap_or_else(|| panic!("no row of {id} in the document list"))
}

/// The label of [`row_of`].
fn row_label(harness: &Harness<'static, SorotApp>, id: &str) -> String {
    use egui_kittest::kittest::NodeT;
    row_of(harness, id)
        .accesskit_node()
        .label()
        .unwrap_or_default()
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
    let mut harness = harness(project.root());
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
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("(id: 1, start: 84, end: 98, label: \"actor\", text: \"Vladimir Putin\")"),
        "{saved}"
    );
    assert!(saved.contains("status: InProgress"), "{saved}");
    assert_eq!(harness.state().selected_span(), Some(1));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(saved.contains("spans: [],"), "{saved}");
    assert!(saved.contains("status: NotStarted"), "{saved}");

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert!(file_on_disk(&mut harness, project.root(), FIRST).contains("text: \"Vladimir Putin\""));
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
    let mut harness = harness(project.root());
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
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("label: \"location\", text: \"Kre"),
        "{saved}"
    );
}

#[test]
fn click_a_span_relabel_it_delete_it_and_mark_the_document_done() {
    let project = sample_project();
    let mut harness = harness(project.root());
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
        file_on_disk(&mut harness, project.root(), FIRST)
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
        file_on_disk(&mut harness, project.root(), FIRST)
            .contains("label: \"actor\", text: \"Kim Jong Un\"")
    );

    harness.key_press(Key::Delete);
    harness.run();
    assert!(file_on_disk(&mut harness, project.root(), FIRST).contains("spans: [],"));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    assert!(file_on_disk(&mut harness, project.root(), FIRST).contains("status: Done"));
}

#[test]
fn alt_arrows_move_between_documents_and_the_list_shows_status() {
    let project = sample_project();
    let mut harness = harness(project.root());
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
    let row = row_label(&harness, "001_29c8b5c4ec59e6d1.txt");
    assert!(
        row.starts_with("✔  TEMPO.CO") && row.ends_with("001_29c8b5c4ec59e6d1.txt (0)"),
        "{row}"
    );
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some(FIRST)
    );
    assert!(row_label(&harness, "002_c27b010dec6c9a7a.txt").starts_with("○  Moskwa"));
    row_of(&harness, "002_c27b010dec6c9a7a.txt").click();
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some("002_c27b010dec6c9a7a.txt")
    );
}

#[test]
fn a_file_changed_on_disk_asks_before_it_is_overwritten() {
    let project = sample_project();
    let mut harness = harness(project.root());
    let range = find(&harness, "Kremlin");
    let rect = harness.state().text_rect(range).unwrap();
    drag(
        &mut harness,
        rect.left_center() + egui::vec2(2.0, 0.0),
        rect.right_center() - egui::vec2(2.0, 0.0),
        Modifiers::NONE,
    );
    harness.key_press(Key::Num1);
    let theirs = replaced_on_disk(&mut harness, project.root());

    harness.key_press(Key::Num2);
    harness.run();
    assert_eq!(
        file_on_disk(&mut harness, project.root(), FIRST),
        theirs,
        "overwritten without asking"
    );
    harness.run();
    harness.get_by_label("Keep mine").click();
    harness.run();
    let mine = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        mine.contains("label: \"location\", text: \"Kremlin\"")
            && mine.contains("status: InProgress"),
        "{mine}"
    );
}

/// Lets the edit just made reach the disk, then replaces the file of
/// [`FIRST`] as a git pull would (the status done); gives the new content.
fn replaced_on_disk(harness: &mut Harness<'static, SorotApp>, project: &Path) -> String {
    harness.run();
    file_on_disk(harness, project, FIRST);
    let path = project
        .join("annotations/tester")
        .join(format!("{FIRST}.ron"));
    let theirs = fs::read_to_string(&path)
        .unwrap()
        .replace("status: InProgress", "status: Done");
    fs::write(&path, &theirs).unwrap();
    theirs
}

/// Selects `needle` in the current document by dragging over it.
fn drag_over(harness: &mut Harness<'static, SorotApp>, needle: &str) -> std::ops::Range<usize> {
    let range = find(harness, needle);
    let first = harness
        .state()
        .text_rect(range.start..range.start + 1)
        .unwrap();
    let last = harness.state().text_rect(range.end - 1..range.end).unwrap();
    drag(harness, first.center(), last.center(), Modifiers::NONE);
    range
}

/// A note is saved once typing pauses, while the field keeps the focus;
/// until then the status bar says it is not saved.
#[test]
fn a_note_is_saved_when_typing_pauses() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Kremlin");
    harness.key_press(Key::Num1);
    harness.run();
    let note = harness.get_by_role(egui::accesskit::Role::MultilineTextInput);
    note.click();
    let typed = std::time::Instant::now();
    note.type_text("kantor “presiden” 😊");
    harness.run();
    let unsaved = harness.query_by_label("◑ unsaved").is_some();
    // Unless the machine was too slow to draw the frames within the pause.
    if typed.elapsed() < std::time::Duration::from_millis(500) {
        assert!(
            unsaved,
            "the status bar says unsaved while the note is typed"
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(700));
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("text: \"Kremlin\", note: \"kantor “presiden” 😊\")"),
        "{saved}"
    );
    harness.run();
    harness.get_by_label("✔ saved");
    assert!(
        harness
            .get_by_role(egui::accesskit::Role::MultilineTextInput)
            .is_focused(),
        "the note field keeps the focus"
    );
}

#[test]
fn a_note_typed_for_a_span_is_saved_when_the_field_is_left() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Kremlin");
    harness.key_press(Key::Num1);
    harness.run();
    let note = harness.get_by_role(egui::accesskit::Role::MultilineTextInput);
    note.click();
    note.type_text("kantor presiden");
    harness.run();
    // Clicking back into the text (away from any span) leaves the field.
    let elsewhere = harness
        .state()
        .text_rect(find(&harness, "pertemuan").start..find(&harness, "pertemuan").start + 1)
        .unwrap();
    click(&mut harness, elsewhere.center());
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("text: \"Kremlin\", note: \"kantor presiden\")"),
        "{saved}"
    );
    assert_eq!(harness.state().selected_span(), None);
    // The note is one undo step.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(saved.contains("text: \"Kremlin\")"), "{saved}");
}

#[test]
fn shift_click_extends_the_selection_to_whole_words() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Vladimir");
    assert_eq!(harness.state().selection(), Some(84..92));
    let putin = find(&harness, "Putin untuk");
    let rect = harness
        .state()
        .text_rect(putin.start + 2..putin.start + 3)
        .unwrap();
    harness.event(Event::ModifiersChanged(Modifiers::SHIFT));
    harness.event(Event::PointerMoved(rect.center()));
    harness.event(Event::PointerButton {
        pos: rect.center(),
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::SHIFT,
    });
    harness.step();
    harness.event(Event::PointerButton {
        pos: rect.center(),
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::SHIFT,
    });
    harness.step();
    harness.event(Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
    assert_eq!(harness.state().selection(), Some(84..98), "Vladimir Putin");
}

#[test]
fn clicking_a_span_in_the_list_selects_it_and_scrolls_the_text_to_it() {
    let project = sample_project();
    let dir = project.root();
    // Give the annotator one span at the very end of the longest article.
    let mut harness = harness(dir);
    harness
        .get_by_label_contains("003_c523628f00a85caf.txt")
        .click();
    harness.run();
    let last_word = {
        let doc = harness.state().workspace().unwrap().current().unwrap();
        let text = doc.text.as_str().trim_end();
        let start = text.rfind(' ').unwrap() + 1;
        doc.text.offset_of_byte(start)..doc.text.offset_of_byte(text.len())
    };
    harness
        .state_mut()
        .push(sorot_gui::app::Action::SelectText(last_word.clone()));
    harness
        .state_mut()
        .push(sorot_gui::app::Action::ApplyLabel("claim".into()));
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
    assert!(
        harness
            .state()
            .text_rect(last_word.clone())
            .is_none_or(|r| r.min.y > 900.0),
        "starts out of view"
    );

    let span_text: String = {
        let doc = harness.state().workspace().unwrap().current().unwrap();
        doc.spans()[0].text.clone()
    };
    harness.get_by_label(&format!("claim {span_text}")).click();
    harness.run();
    assert_eq!(harness.state().selected_span(), Some(1));
    let rect = harness
        .state()
        .text_rect(last_word)
        .expect("laid out after scrolling");
    assert!(
        rect.min.y > 0.0 && rect.max.y < 900.0,
        "{rect:?} is on screen"
    );
}

#[test]
fn the_first_start_asks_who_is_annotating() {
    let project = sample_project();
    let app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(project.root().to_owned()),
            annotator: None,
        },
    );
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(16)
        .build_ui_state(|ui, app: &mut SorotApp| app.show(ui), app);
    harness.run();
    assert!(
        harness.state().workspace().is_none(),
        "no project before a name"
    );
    harness.get_by_label("Who is annotating?");
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Annotator name:");
    field.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Annotator name:")
        .type_text("rina");
    harness.run();
    harness.get_by_label("OK").click();
    harness.run();
    assert_eq!(
        harness.state().preferences().annotator.as_deref(),
        Some("rina")
    );
    assert_eq!(harness.state().workspace().unwrap().annotator(), "rina");
    assert!(harness.state().preferences().recent_projects.len() == 1);
}

/// Behind the first question, the project's documents are listed and its
/// annotators offered; a name that differs from one of them only in case
/// is warned about; Enter confirms.
#[test]
fn the_first_start_lists_the_project_and_its_annotators() {
    let project = TestProject::sample();
    let app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(project.root().to_owned()),
            annotator: None,
        },
    );
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(16)
        .build_ui_state(|ui, app: &mut SorotApp| app.show(ui), app);
    harness.run();
    harness.get_by_label("Who is annotating?");
    harness.get_by_label(FIRST);
    harness.get_by_label("Opens once you say who is annotating");
    // The sample's annotators are offered.
    harness.get_by_role_and_label(egui::accesskit::Role::Button, "ayu");
    harness.get_by_role_and_label(egui::accesskit::Role::Button, "budi");
    let field = harness.get_by_role_and_label(egui::accesskit::Role::TextInput, "Annotator name:");
    field.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Annotator name:")
        .type_text("Ayu");
    harness.run();
    harness.get_by_label_contains("ayu already annotates this project");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().workspace().unwrap().annotator(), "Ayu");
}

/// A text added to the project folder by another program is listed
/// without opening the project again; the current document stays.
#[test]
fn a_text_added_on_disk_appears_in_the_list() {
    let project = sample_project();
    let mut harness = harness(project.root());
    let second = "001_29c8b5c4ec59e6d1.txt";
    harness.get_by_label_contains(second).click();
    harness.run();
    fs::write(
        project.root().join("seeds/zz_baru.txt"),
        "“Shoigu” 😊 tiba di Pyongyang.\r\n",
    )
    .unwrap();
    // The watch reports it within moments.
    let mut listed = false;
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        harness.run();
        if harness.query_by_label_contains("zz_baru.txt").is_some() {
            listed = true;
            break;
        }
    }
    assert!(listed, "the new text is listed");
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some(second)
    );
}

/// The characters of the document's text painted in the last frame.
fn painted_text(harness: &Harness<'static, SorotApp>, needle: &str) -> bool {
    fn holds(shape: &egui::Shape, needle: &str) -> bool {
        match shape {
            egui::Shape::Text(text) => {
                text.galley.text().contains(needle)
                    && text.galley.rows.iter().any(|row| !row.glyphs.is_empty())
            }
            egui::Shape::Vec(shapes) => shapes.iter().any(|s| holds(s, needle)),
            _ => false,
        }
    }
    harness
        .output()
        .shapes
        .iter()
        .any(|clipped| holds(&clipped.shape, needle))
}

/// Switching the theme leaves the document's text painted, with glyphs, in
/// both themes. (Whether the glyphs show on screen, which depends on egui's
/// font atlas, is seen under Xvfb, not here.)
#[test]
fn the_text_stays_painted_when_the_theme_changes() {
    let project = sample_project();
    let mut harness = harness(project.root());
    let needle = "Vladimir Putin";
    assert!(painted_text(&harness, needle));
    for theme in [egui::Theme::Light, egui::Theme::Dark, egui::Theme::Light] {
        harness.ctx.set_theme(theme);
        harness.run();
        assert!(painted_text(&harness, needle), "{theme:?}");
    }
}

#[test]
fn a_text_that_is_not_utf8_is_named_in_the_status_bar() {
    let project = sample_project();
    fs::write(
        project.root().join("seeds/zz_latin1.txt"),
        b"Caf\xe9 di Moskwa",
    )
    .unwrap();
    let mut harness = harness(project.root());
    harness.get_by_label_contains("zz_latin1.txt").click();
    harness.run();
    let (is_error, message) = harness.state().message().cloned().unwrap();
    assert!(is_error);
    assert!(
        message.contains("zz_latin1.txt")
            && message.contains("not UTF-8")
            && message.contains("line 1, column 4"),
        "{message}"
    );
    harness.get_by_label_contains("not UTF-8");
    // The rest of the project still works.
    harness
        .get_by_label_contains("001_29c8b5c4ec59e6d1.txt")
        .click();
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some("001_29c8b5c4ec59e6d1.txt")
    );
}

/// The sample project with ayu's annotations, opened as ayu.
fn annotated_sample() -> (TestProject, Harness<'static, SorotApp>) {
    let project = TestProject::sample();
    let harness = workbench_on(&project);
    (project, harness)
}

/// The workbench on `project`, as ayu.
fn workbench_on(project: &TestProject) -> Harness<'static, SorotApp> {
    let app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(project.root().to_owned()),
            annotator: Some("ayu".into()),
        },
    );
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(16)
        .build_ui_state(|ui, app: &mut SorotApp| app.show(ui), app);
    harness.run();
    harness
}

/// In the open export or import dialog: types `value` into the field
/// `field`, presses `button`, waits for the job and returns its report.
fn run_transfer(
    harness: &mut Harness<'static, SorotApp>,
    role: egui::accesskit::Role,
    field: &str,
    value: &str,
    button: &str,
) -> sorot_gui::transfer::Finished {
    harness.get_by_role_and_label(role, field).focus();
    harness.run();
    harness.get_by_role_and_label(role, field).type_text(value);
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::Button, button)
        .click();
    harness.run();
    harness.state_mut().wait_for_transfer();
    harness.run();
    harness
        .state()
        .transfer_report()
        .cloned()
        .expect("a report")
}

/// In the open import dialog: imports `input`, which holds one span.
fn imports_one_span(harness: &mut Harness<'static, SorotApp>, input: &Path) {
    let report = run_transfer(
        harness,
        egui::accesskit::Role::MultilineTextInput,
        "Files",
        input.to_str().unwrap(),
        "Import",
    );
    assert!(
        report
            .summary
            .contains(&"Imported 1 span in 1 document.".to_owned()),
        "{report:?}"
    );
}

#[test]
fn export_from_the_file_menu_writes_the_file_and_shows_the_report() {
    let (project, mut harness) = annotated_sample();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    let destination = project.root().join("out/ayu.jsonl");
    let report = run_transfer(
        &mut harness,
        egui::accesskit::Role::TextInput,
        "File",
        destination.to_str().unwrap(),
        "Export",
    );
    assert_eq!(report.error, None);
    assert!(
        report
            .summary
            .contains(&"Exported 511 spans in 5 documents.".to_owned()),
        "{:?}",
        report.summary
    );
    assert_eq!(fs::read_to_string(&destination).unwrap().lines().count(), 5);
    harness.get_by_label("Exported 511 spans in 5 documents.");
    harness.get_by_label("Close").click();
    harness.run();
    assert!(harness.state().transfer_report().is_none());
}

#[test]
fn import_from_the_file_menu_adds_spans_and_shows_them() {
    let project = sample_project();
    let text = fs::read_to_string(project.root().join("seeds").join(FIRST)).unwrap();
    let input = project.root().join("from-doccano.jsonl");
    let record = serde_json::json!({"id": FIRST, "text": text, "label": [[84, 98, "actor"]]});
    fs::write(&input, format!("{record}\n")).unwrap();
    let mut harness = harness(project.root());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    imports_one_span(&mut harness, &input);
    let doc = harness.state().workspace().unwrap().current().unwrap();
    assert_eq!(
        doc.spans().len(),
        1,
        "the open document shows the imported span"
    );
    assert_eq!(doc.spans()[0].text, "Vladimir Putin");
}

/// An import can write a colleague's spans under the colleague's name: the
/// form says whose files it writes, and the annotator at work keeps theirs.
#[test]
fn an_import_goes_to_the_annotator_the_form_names() {
    let project = sample_project();
    let text = fs::read_to_string(project.root().join("seeds").join(FIRST)).unwrap();
    let input = project.root().join("from-colleague.jsonl");
    let record = serde_json::json!({"id": FIRST, "text": text, "label": [[84, 98, "actor"]]});
    fs::write(&input, format!("{record}\n")).unwrap();
    let mut harness = harness(project.root());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    harness.get_by_label("The spans are written into your own annotations (annotations/tester/).");
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "the annotator")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "the annotator")
        .type_text("budi");
    harness.run();
    harness.get_by_label("The spans are written into budi's annotations (annotations/budi/).");
    imports_one_span(&mut harness, &input);
    let budi = fs::read_to_string(
        project
            .root()
            .join("annotations/budi")
            .join(format!("{FIRST}.ron")),
    )
    .unwrap();
    assert!(budi.contains("text: \"Vladimir Putin\""), "{budi}");
    assert!(
        !project.root().join("annotations/tester").exists(),
        "nothing written as the annotator at work"
    );
}

/// The export form takes the gold set or one's own, the documents marked
/// done only, and a choice of labels; the report names the file relative
/// to the project.
#[test]
fn export_takes_only_the_documents_marked_done_and_the_labels_ticked() {
    let (project, mut harness) = annotated_sample();
    // The sample's documents are all done: the first is marked not done.
    harness.state_mut().push(sorot_gui::app::Action::Ui(
        sorot_gui::commands::UiCommand::ToggleDone,
    ));
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "only those marked done")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "claim")
        .click();
    harness.run();
    let destination = project.root().join("out/done.jsonl");
    let report = run_transfer(
        &mut harness,
        egui::accesskit::Role::TextInput,
        "File",
        destination.to_str().unwrap(),
        "Export",
    );
    assert_eq!(report.error, None);
    let written = fs::read_to_string(&destination).unwrap();
    assert_eq!(written.lines().count(), 4);
    assert!(!written.contains(FIRST));
    assert!(written.contains("\"actor\"") && !written.contains("\"claim\""));
    assert!(
        report.summary.contains(&"Wrote out/done.jsonl.".to_owned()),
        "{:?}",
        report.summary
    );
}

/// What an import read other than as written (here the columns of a CoNLL
/// file it did not read as tags) is in the report the workbench shows.
#[test]
fn an_import_shows_what_it_read_other_than_as_written() {
    let project = sample_project();
    let input = project.root().join("from-label-studio.conll");
    fs::write(
        &input,
        "-DOCSTART- -X- O\r\n“Kim” -X- _ O\r\n😊 -X- _ O\r\nPutin -X- _ B-actor\r\n\r\n",
    )
    .unwrap();
    let mut harness = harness(project.root());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Format")
        .click();
    harness.run();
    harness.get_by_label("CoNLL (IOB2 or IOB1)").click();
    harness.run();
    let report = run_transfer(
        &mut harness,
        egui::accesskit::Role::MultilineTextInput,
        "Files",
        input.to_str().unwrap(),
        "Import",
    );
    assert!(
        report.summary.contains(&format!(
            "{}: 3 columns after the token; the tags are read from the last (column 4), columns 2 and 3 ignored (--tag-column N reads column N instead, the token being column 1)",
            input.display()
        )),
        "{report:?}"
    );
    assert!(
        report
            .summary
            .contains(&"Imported 1 span in 1 document.".to_owned()),
        "{report:?}"
    );
}

#[test]
fn an_import_into_another_document_keeps_the_undo_of_an_earlier_edit() {
    let project = sample_project();
    let second = "001_29c8b5c4ec59e6d1.txt";
    let text = fs::read_to_string(project.root().join("seeds").join(second)).unwrap();
    let kremlin = text[..text.find("Kremlin").unwrap()].chars().count();
    let input = project.root().join("from-doccano.jsonl");
    let record = serde_json::json!({
        "id": second,
        "text": text,
        "label": [[kremlin, kremlin + 7, "location"]],
    });
    fs::write(&input, format!("{record}\n")).unwrap();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Vladimir Putin");
    harness.key_press(Key::Num1);
    harness.run();
    assert!(file_on_disk(&mut harness, project.root(), FIRST).contains("text: \"Vladimir Putin\""));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    harness.run();
    imports_one_span(&mut harness, &input);
    assert!(
        file_on_disk(&mut harness, project.root(), second)
            .contains("label: \"location\", text: \"Kremlin\""),
    );
    harness.get_by_label("Close").click();
    harness.run();
    harness.get_by_label_contains(&format!("{second} (1)"));

    // The edit made before the import is still one Ctrl+Z away.
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some(FIRST)
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(saved.contains("spans: [],"), "{saved}");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert!(file_on_disk(&mut harness, project.root(), FIRST).contains("text: \"Vladimir Putin\""));
}

#[test]
fn the_agreement_window_shows_the_figures_of_the_two_sample_annotators() {
    let (_project, mut harness) = annotated_sample();
    harness.state_mut().push(sorot_gui::app::Action::Ui(
        sorot_gui::commands::UiCommand::Agreement,
    ));
    harness.run();
    let report = harness
        .state_mut()
        .wait_for_agreement()
        .cloned()
        .expect("figures");
    assert_eq!(report.corpus.annotators, ["ayu", "budi"]);
    assert_eq!(report.corpus.pairs[0].documents, 5);
    harness.run();
    harness.get_by_label("ayu vs budi (5 documents both annotated)");
    harness.get_by_label("Krippendorff's alpha, all annotators at once");
    // u-alpha beside alpha, per label and micro.
    harness.get_by_label("u-alpha");
    let u_alpha = report.corpus.u_alpha_micro.value().expect("u-alpha micro");
    assert!(
        harness
            .get_all_by_label(&format!("{u_alpha:.3}"))
            .next()
            .is_some(),
        "{u_alpha}"
    );
    // Gamma beside F1 and kappa; on the micro row, over all labels.
    harness.get_by_label("gamma");
    let gamma = report.corpus.pairs[0].micro.gamma.gamma().value();
    let gamma = format!("{:.3}", gamma.expect("gamma over all labels"));
    assert!(harness.get_all_by_label(&gamma).next().is_some(), "{gamma}");
    // Relations and attribute values, over the spans both have.
    harness.get_by_label("relations between spans both have");
    assert!(
        report.corpus.pairs[0]
            .attributes
            .contains_key("claim.stance")
    );
    // The documents, those the annotators disagree on most first.
    let mut by_f1: Vec<(f64, &str)> = report
        .per_document
        .iter()
        .map(|(id, a)| (a.pairs[0].micro.span_f1_exact.value().unwrap(), id.as_str()))
        .collect();
    by_f1.sort_by(|x, y| x.0.total_cmp(&y.0));
    let listed: Vec<&str> = sorot_gui::agreement::document_order(&report, true)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let expected: Vec<&str> = by_f1.iter().map(|(_, id)| *id).collect();
    assert_eq!(listed, expected);
    harness.get_by_label("most disagreement first");
    // With budi left out, one annotator is too few for figures.
    harness
        .get_all_by_role_and_label(egui::accesskit::Role::CheckBox, "budi")
        .next()
        .unwrap()
        .click();
    harness.run();
    let report = harness.state_mut().wait_for_agreement().cloned().unwrap();
    assert_eq!(report.corpus.annotators, ["ayu"]);
    harness.run();
    harness.get_by_label(
        "Agreement needs at least two annotators: tick another one above (1 left out).",
    );
}

#[test]
fn review_accepting_a_writes_the_gold_file_and_undo_takes_it_back() {
    let (project, mut harness) = annotated_sample();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.run();
    harness.get_by_label("Start review").click();
    harness.run();
    let review = harness.state().review().expect("review mode");
    assert_eq!((review.a.as_str(), review.b.as_str()), ("ayu", "budi"));
    let current = review.current().expect("a first disagreement");
    let difference = review.differences()[current].clone();
    assert!(difference.kind.is_disagreement());
    let gold_path = project
        .root()
        .join("annotations/_gold")
        .join(format!("{FIRST}.ron"));

    // Side by side: the sentence around the difference, a row per side and
    // one for the gold set.
    let taken = difference.a.clone().or(difference.b.clone()).unwrap();
    // Each side's name starts its line of the difference and its row.
    for side in ["ayu: ", "budi: "] {
        assert!(
            harness.get_all_by_label_contains(side).count() >= 2,
            "{side}"
        );
    }
    harness.get_by_label_contains("gold: ");
    let key = if difference.a.is_some() {
        Key::A
    } else {
        Key::B
    };
    harness.key_press(key);
    harness.run();
    harness.state_mut().wait_for_saves();
    let gold = fs::read_to_string(&gold_path).unwrap();
    let line = format!(
        "start: {}, end: {}, label: \"{}\"",
        taken.start, taken.end, taken.label
    );
    assert!(gold.contains(&line), "{line} in\n{gold}");
    assert!(gold.contains("annotator: \"_gold\""));
    let review = harness.state().review().unwrap();
    assert!(review.is_decided(&difference));
    // The decided difference's sides: in their labels' colors, underlined as
    // its kind is; the side taken plain, the other faded and struck through.
    let schema = sorot_core::model::schema::Schema::clone(
        harness.state().review().unwrap().gold().project().schema(),
    );
    let marks = review.marks();
    for (side, accepted) in [
        (&difference.a, key == Key::A),
        (&difference.b, key == Key::B),
    ] {
        let Some(side) = side else { continue };
        let mark = marks
            .iter()
            .find(|m| {
                m.start == side.start && m.end == side.end && m.color == schema.color(&side.label)
            })
            .expect("a mark for each side");
        assert_eq!(mark.struck, !accepted, "{}", mark.title);
        assert_eq!(
            mark.underline,
            sorot_gui::review::kind_underline(difference.kind)
        );
        assert!(
            mark.title.ends_with(if accepted {
                "accepted into the gold set"
            } else {
                "rejected"
            }),
            "{}",
            mark.title
        );
    }
    assert_ne!(
        review.current(),
        Some(current),
        "moved on to the next undecided disagreement"
    );

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.state_mut().wait_for_saves();
    let gold = fs::read_to_string(&gold_path).unwrap();
    assert!(!gold.contains(&line), "{gold}");
    assert!(!harness.state().review().unwrap().is_decided(&difference));

    // Mark the document reviewed, confirming with disagreements open; the
    // list shows it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    harness.get_by_label("Mark reviewed").click();
    harness.run();
    harness.state_mut().wait_for_saves();
    harness.run();
    let row = row_label(&harness, FIRST);
    assert!(row.starts_with("✔  MOSKWA"), "{row}");
    // Hidden names: the sides are A and B.
    harness.get_by_label("Hide annotator names").click();
    harness.run();
    harness.get_by_label("A: A   B: B");
}

/// Lets the compare-with-gold window's comparison finish (the frame after
/// a saved change starts it again) and gives it.
fn comparison_made(
    harness: &mut Harness<'static, SorotApp>,
) -> sorot_core::analysis::review::GoldComparison {
    harness.run();
    harness.state_mut().compare_window().wait();
    harness.run();
    harness
        .state_mut()
        .compare_window()
        .compared()
        .cloned()
        .unwrap()
}

/// An annotator compares their work with the gold set: each difference is
/// listed with what the curator did, and Show opens it.
#[test]
fn compare_with_gold_lists_each_difference_with_the_curators_decision() {
    let project = TestProject::sample();
    // The gold set of the first document is budi's work.
    let budi =
        fs::read_to_string(project.root().join(format!("annotations/budi/{FIRST}.ron"))).unwrap();
    fs::create_dir_all(project.root().join("annotations/_gold")).unwrap();
    fs::write(
        project
            .root()
            .join(format!("annotations/_gold/{FIRST}.ron")),
        budi.replace("annotator: \"budi\"", "annotator: \"_gold\"")
            .replace("status: InProgress", "status: Done"),
    )
    .unwrap();
    let mut harness = workbench_on(&project);
    harness.state_mut().push(sorot_gui::app::Action::Ui(
        sorot_gui::commands::UiCommand::CompareWithGold,
    ));
    let compared = comparison_made(&mut harness);
    assert_eq!(compared.documents, 1);
    let ayu = project.spans("ayu", FIRST);
    let budi = project.spans("budi", FIRST);
    let expected = sorot_core::analysis::review::differences(&ayu, &budi)
        .into_iter()
        .filter(|d| d.kind.is_disagreement())
        .count();
    assert_eq!(compared.differences.len(), expected);
    assert!(
        harness
            .get_all_by_label("Compare with gold")
            .next()
            .is_some()
    );
    harness.get_by_label_contains(&format!("ayu against the gold set, {FIRST}"));
    assert_eq!(
        harness.get_all_by_label_contains("   gold: ").count(),
        expected.min(harness.get_all_by_label("Show").count())
    );
    harness.get_by_label("Whole project").click();
    harness.run();
    harness.get_by_label_contains(
        "ayu against the gold set, 1 document reviewed (0 in review left out)",
    );
    // Show opens the document with the difference selected: the annotator's
    // own span when they have one, else the gold span's range, to label.
    use sorot_core::analysis::review::Kind;
    let at = |kind: Kind| {
        let i = compared
            .differences
            .iter()
            .position(|(_, d)| d.kind == kind)
            .unwrap();
        assert!(i < 8, "row {i} of {kind:?} is out of view");
        i
    };
    let (only_yours, only_gold) = (at(Kind::OnlyA), at(Kind::OnlyB));
    harness
        .get_all_by_label("Show")
        .nth(only_gold)
        .unwrap()
        .click();
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some(FIRST)
    );
    let gold_only = &compared.differences[only_gold].1;
    assert_eq!(harness.state().selection(), Some(gold_only.range()));
    assert_eq!(harness.state().selected_span(), None);
    harness
        .get_all_by_label("Show")
        .nth(only_yours)
        .unwrap()
        .click();
    harness.run();
    let yours = compared.differences[only_yours].1.a.clone().unwrap();
    assert_eq!(harness.state().selected_span(), Some(yours.id));
    assert_eq!(harness.state().selection(), None);
    // Deleted there, it leaves the list once the deletion is saved.
    harness.key_press(Key::Delete);
    harness.run();
    harness.state_mut().wait_for_saves();
    // The comparison runs again (or has run) on the saved files.
    let again = comparison_made(&mut harness);
    assert_eq!(again.differences.len(), expected - 1);
    assert!(
        !again
            .differences
            .iter()
            .any(|(_, d)| d.a.as_ref() == Some(&yours))
    );
    assert!(!project.spans("ayu", FIRST).contains(&yours));
    harness.get_by_label_contains(&format!("{} differences", expected - 1));
}

/// Marking reviewed with a disagreement decided and others open asks first,
/// saying how many; then the gold set holds every span both sides agree on
/// and the decided one, and Ctrl+Z takes the status back, then the
/// agreements.
#[test]
fn marking_reviewed_asks_while_disagreements_are_open_and_takes_every_agreement() {
    // The sample has no gold set yet.
    let project = TestProject::sample();
    assert!(!project.root().join("annotations/_gold").exists());
    let mut harness = workbench_on(&project);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.run();
    harness.get_by_label("Start review").click();
    harness.run();
    let review = harness.state().review().expect("review mode");
    let agreed: Vec<_> = review
        .differences()
        .iter()
        .filter(|d| d.kind == sorot_core::analysis::review::Kind::Agreement)
        .filter_map(|d| d.a.clone())
        .collect();
    let open = review.open_disagreements();
    assert!(agreed.len() > 50 && open > 1, "{} {open}", agreed.len());
    let difference = review.differences()[review.current().unwrap()].clone();
    let taken = difference.a.clone().or(difference.b.clone()).unwrap();
    harness.key_press(if difference.a.is_some() {
        Key::A
    } else {
        Key::B
    });
    harness.run();

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    harness.run();
    harness.get_by_label(&format!(
        "{} disagreements of this document are still undecided; they stay out of the gold set.",
        open - 1
    ));
    harness.get_by_label("Mark reviewed").click();
    harness.run();
    harness.state_mut().wait_for_saves();
    let gold_path = project
        .root()
        .join("annotations/_gold")
        .join(format!("{FIRST}.ron"));
    let gold = fs::read_to_string(&gold_path).unwrap();
    let line = |span: &sorot_core::model::Span| {
        format!(
            "start: {}, end: {}, label: \"{}\"",
            span.start, span.end, span.label
        )
    };
    for span in agreed.iter().chain([&taken]) {
        assert!(
            gold.contains(&line(span)),
            "{} in
{gold}",
            line(span)
        );
    }
    assert!(gold.contains("status: Done"), "{gold}");
    harness.run();
    assert!(row_label(&harness, FIRST).starts_with("✔  MOSKWA"));

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.state_mut().wait_for_saves();
    let gold = fs::read_to_string(&gold_path).unwrap();
    assert!(!gold.contains("status: Done"), "{gold}");
    assert!(gold.contains(&line(&taken)), "the decision stays: {gold}");
    assert!(
        !gold.contains(&line(&agreed[0])) || agreed[0] == taken,
        "{gold}"
    );
}

/// In review, the document list says how many disagreements each document
/// has left to decide, and keeps the count of the open one up to date.
#[test]
fn the_document_list_says_how_many_disagreements_are_left() {
    let (project, mut harness) = annotated_sample();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.run();
    harness.get_by_label("Start review").click();
    harness.run();
    harness.state_mut().review_mut().unwrap().wait_for_counts();
    harness.run();
    let second = "001_29c8b5c4ec59e6d1.txt";
    let open = sorot_core::analysis::review::differences(
        &project.spans("ayu", second),
        &project.spans("budi", second),
    )
    .iter()
    .filter(|d| d.kind.is_disagreement())
    .count();
    harness.get_by_label_contains(&format!("{second} ({open} left)"));
    let first_open = harness.state().review().unwrap().open_disagreements();
    harness.get_by_label_contains(&format!("{FIRST} ({first_open} left)"));
    // One decision: one fewer.
    harness.key_press(Key::A);
    harness.run();
    harness.run();
    assert_eq!(
        harness.state().review().unwrap().left(FIRST),
        Some(first_open - 1)
    );
    harness.get_by_label_contains(&format!("{FIRST} ({} left)", first_open - 1));
}

/// A difference of boundaries between two spans of one label warns, before
/// any decision, that accepting both puts two overlapping spans of that
/// label in the gold set.
#[test]
fn accepting_both_of_two_overlapping_spans_of_a_label_is_warned_of() {
    let (_project, mut harness) = annotated_sample();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.run();
    harness.get_by_label("Start review").click();
    harness.run();
    let same_label_overlap = |harness: &Harness<'static, SorotApp>| {
        let review = harness.state().review().unwrap();
        let difference = &review.differences()[review.current()?];
        match (&difference.a, &difference.b) {
            (Some(a), Some(b)) if a.label == b.label && a.range() != b.range() => {
                Some(a.label.clone())
            }
            _ => None,
        }
    };
    let mut label = None;
    for _ in 0..200 {
        label = same_label_overlap(&harness);
        if label.is_some() {
            break;
        }
        harness.key_press(Key::N);
        harness.run();
    }
    let label = label.expect("the sample has two overlapping spans of a label");
    harness.get_by_label(&format!(
        "Accept both puts two overlapping {label} spans in the gold set."
    ));
}

#[test]
fn n_walks_through_disagreements_into_the_next_document() {
    let (_project, mut harness) = annotated_sample();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.run();
    harness.get_by_label("Start review").click();
    harness.run();
    let disagreements = harness
        .state()
        .review()
        .unwrap()
        .differences()
        .iter()
        .filter(|d| d.kind.is_disagreement())
        .count();
    assert!(disagreements > 1);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..disagreements {
        seen.insert(harness.state().review().unwrap().current());
        harness.key_press(Key::N);
        harness.run();
    }
    assert_eq!(seen.len(), disagreements, "each disagreement once");
    // Past the last one, N says where it goes before it goes there.
    assert_eq!(
        harness.state().review().unwrap().gold().current_id(),
        Some(FIRST)
    );
    harness.get_by_label_contains(
        "No further disagreement in this document: N again goes on to the next document",
    );
    harness.key_press(Key::N);
    harness.run();
    assert_eq!(
        harness.state().review().unwrap().gold().current_id(),
        Some("001_29c8b5c4ec59e6d1.txt")
    );
    // At the first disagreement, P says so once, then goes back.
    harness.key_press(Key::P);
    harness.run();
    harness.get_by_label_contains("No earlier disagreement in this document: P again goes back");
    harness.key_press(Key::P);
    harness.run();
    assert_eq!(
        harness.state().review().unwrap().gold().current_id(),
        Some(FIRST),
        "P goes back into the previous document"
    );
}

#[test]
fn a_date_suggestion_accepted_with_enter_lands_in_the_file_with_its_value() {
    let project = sample_project();
    let mut harness = harness(project.root());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    assert!(
        file_on_disk(&mut harness, project.root(), FIRST).is_empty(),
        "nothing saved before acceptance"
    );
    harness.key_press(Key::Enter);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("label: \"date\", text: \"2022\", value: \"2022\")"),
        "{saved}"
    );
    // Reject the next one; suggesting again does not bring it back.
    harness.key_press(Key::Backspace);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        !saved.contains("hari Rabu (13/9/2023)"),
        "the rejected suggestion came back: {saved}"
    );
    assert!(
        saved.contains("text: \"Juli\", value: \"2023-07\")"),
        "{saved}"
    );
    // One undo takes one acceptance back.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(!file_on_disk(&mut harness, project.root(), FIRST).contains("\"Juli\""));
}

#[test]
fn other_mentions_of_a_span_are_accepted_in_a_batch() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Kremlin");
    harness.key_press(Key::Num1);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::M);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Enter);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    let text = fs::read_to_string(project.root().join("seeds").join(FIRST)).unwrap();
    assert_eq!(
        saved.matches("label: \"actor\", text: \"Kremlin\"").count(),
        text.matches("Kremlin").count(),
        "{saved}"
    );
}

#[test]
fn r_then_a_number_links_a_claim_to_its_source_and_undo_unlinks() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Putin dikabarkan");
    let putin = find(&harness, "Putin dikabarkan");
    // "Putin" alone is the actor; the claim runs to "tersebut".
    let first = harness
        .state()
        .text_rect(putin.start..putin.start + 1)
        .unwrap();
    let last = harness
        .state()
        .text_rect(putin.start + 3..putin.start + 4)
        .unwrap();
    drag(&mut harness, first.center(), last.center(), Modifiers::NONE);
    harness.key_press(Key::Num1);
    harness.run();
    drag_over(&mut harness, "Putin dikabarkan menerima undangan tersebut");
    harness.key_press(Key::Num4);
    harness.run();
    let claim = harness
        .state()
        .selected_span()
        .expect("the new claim is selected");
    harness.key_press(Key::R);
    harness.run();
    harness.get_by_label_contains("Choose the source");
    harness.key_press(Key::Num1);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains(&format!("(from: {claim}, to: 1, kind: \"source\")")),
        "{saved}"
    );
    harness.get_by_label("source: “Putin”");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(!file_on_disk(&mut harness, project.root(), FIRST).contains("relations:"));
}

#[test]
fn a_claims_stance_and_quote_are_set_in_the_span_panel() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Putin dikabarkan menerima undangan tersebut");
    harness.key_press(Key::Num4);
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "stance")
        .click();
    harness.run();
    harness.get_by_label("reported").click();
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::CheckBox, "quote")
        .click();
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("attributes: {\"quote\": \"yes\", \"stance\": \"reported\"}"),
        "{saved}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert!(
        file_on_disk(&mut harness, project.root(), FIRST)
            .contains("attributes: {\"stance\": \"reported\"}")
    );
}

#[test]
fn a_new_document_opens_with_suggestions_from_earlier_spans_and_the_gazetteer() {
    let project = sample_project();
    fs::write(
        project.root().join("gazetteer.tsv"),
        "# known names\nVostochny\tlocation\n",
    )
    .unwrap();
    suggest_on_open(project.root());
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Kremlin");
    harness.key_press(Key::Num1);
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run();
    let message = harness.state().message().cloned().unwrap_or_default().1;
    assert!(
        message.contains("suggestions from earlier spans"),
        "{message}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Enter);
    harness.run();
    let second = "001_29c8b5c4ec59e6d1.txt";
    let saved = file_on_disk(&mut harness, project.root(), second);
    let text = fs::read_to_string(project.root().join("seeds").join(second)).unwrap();
    assert_eq!(
        saved.matches("label: \"actor\", text: \"Kremlin\"").count(),
        text.matches("Kremlin").count(),
        "{saved}"
    );
    assert!(
        saved.contains("label: \"location\", text: \"Vostochny\""),
        "{saved}"
    );
}

#[test]
fn alt_digits_cycle_the_selected_spans_attributes() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Putin dikabarkan menerima undangan tersebut");
    harness.key_press(Key::Num4);
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::Num1);
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::Num1);
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::Num2);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("attributes: {\"quote\": \"yes\", \"stance\": \"denied\"}"),
        "{saved}"
    );
}

#[test]
fn ctrl_dragging_from_a_claim_to_an_actor_links_them_and_draws_an_arc() {
    let project = sample_project();
    let mut harness = harness(project.root());
    let putin = find(&harness, "Putin dikabarkan");
    let first = harness
        .state()
        .text_rect(putin.start..putin.start + 1)
        .unwrap();
    let last = harness
        .state()
        .text_rect(putin.start + 3..putin.start + 4)
        .unwrap();
    drag(&mut harness, first.center(), last.center(), Modifiers::NONE);
    harness.key_press(Key::Num1);
    harness.run();
    drag_over(&mut harness, "Putin dikabarkan menerima undangan tersebut");
    harness.key_press(Key::Num4);
    harness.run();
    let tersebut = find(&harness, "undangan tersebut");
    let from = harness
        .state()
        .text_rect(tersebut.end - 2..tersebut.end - 1)
        .unwrap()
        .center();
    let to = harness
        .state()
        .text_rect(putin.start + 1..putin.start + 2)
        .unwrap()
        .center();
    drag(&mut harness, from, to, Modifiers::COMMAND);
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("(from: 2, to: 1, kind: \"source\")"),
        "{saved}"
    );
    assert_eq!(
        harness.state().selected_span(),
        Some(2),
        "the claim stays selected, its arc drawn"
    );
}

#[test]
fn a_rejected_suggestion_is_remembered_in_the_file_for_the_next_session() {
    let project = sample_project();
    let mut harness = harness(project.root());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    harness.key_press(Key::Backspace);
    harness.run();
    harness.state_mut().wait_for_saves();
    let path = project
        .root()
        .join("annotations/tester")
        .join(format!("{FIRST}.ron"));
    let (file, _) = sorot_core::store::AnnotationFile::read(&path).unwrap();
    assert!(file.spans.is_empty(), "a rejection adds no span");
    let [rejected] = file.rejected.as_slice() else {
        panic!("one rejected suggestion: {:?}", file.rejected);
    };
    assert_eq!(rejected.label, "date");
    drop(harness);

    // The next session suggests every other date, not the rejected one.
    let mut harness = self::harness(project.root());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Enter);
    harness.run();
    harness.state_mut().wait_for_saves();
    let (file, _) = sorot_core::store::AnnotationFile::read(&path).unwrap();
    assert!(file.spans.len() > 3, "{:?}", file.spans);
    assert!(
        !file
            .spans
            .iter()
            .any(|s| (s.start, s.end) == (rejected.start, rejected.end)),
        "the rejected suggestion came back"
    );
}

#[test]
fn mentions_across_the_project_are_listed_and_accepted_with_the_spans_value() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Kim Jong Un");
    harness.key_press(Key::Num1);
    harness.run();
    let id = harness.state().selected_span().unwrap();
    harness
        .state_mut()
        .push(sorot_gui::app::Action::SetAttribute(
            id,
            "value".into(),
            "Kim Jong Un".into(),
        ));
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::M);
    // One frame starts the search; its spinner repaints until it is done.
    harness.step();
    harness.state_mut().wait_for_mentions();
    harness.run();
    harness.get_by_label("Mentions in the project");
    let seeds: Vec<(String, usize)> = fs::read_dir(project.root().join("seeds"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let text = fs::read_to_string(e.path()).unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                text.matches("Kim Jong Un").count(),
            )
        })
        .collect();
    let total: usize = seeds.iter().map(|(_, n)| n).sum();
    let mentions = harness.state().mentions().items().to_vec();
    assert_eq!(mentions.len(), total - 1, "all but the span itself");
    assert!(mentions.iter().any(|m| m.doc_id != FIRST));

    // Reject the first listed mention of another document, accept the rest.
    let other = mentions.iter().position(|m| m.doc_id != FIRST).unwrap();
    let rejected = mentions[other].clone();
    harness
        .get_all_by_label("Reject")
        .nth(other)
        .unwrap()
        .click();
    harness.run();
    harness
        .get_by_label(&format!("Accept all {}", total - 2))
        .click();
    harness.run();
    assert!(harness.state().mentions().items().is_empty());
    harness.state_mut().wait_for_saves();
    let mut accepted = 0;
    for (doc, _) in &seeds {
        let saved = file_on_disk(&mut harness, project.root(), doc);
        accepted += saved
            .matches("label: \"actor\", text: \"Kim Jong Un\", value: \"Kim Jong Un\")")
            .count();
        if *doc == rejected.doc_id {
            assert!(
                saved.contains(&format!(
                    "(start: {}, end: {}, label: \"actor\")",
                    rejected.start, rejected.end
                )),
                "{saved}"
            );
        }
    }
    assert_eq!(accepted, total - 1, "the span and every accepted mention");
}

#[test]
fn an_actors_canonical_name_is_chosen_from_names_used_in_other_documents() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Kim Jong Un");
    harness.key_press(Key::Num1);
    harness.run();
    harness.key_press(Key::Escape);
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run();
    let second = harness
        .state()
        .workspace()
        .unwrap()
        .current_id()
        .unwrap()
        .to_owned();
    assert_ne!(second, FIRST);
    drag_over(&mut harness, "Kim ");
    harness.key_press(Key::Num1);
    harness.run();
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Canonical name")
        .click();
    harness.run();
    harness.get_by_label("Kim Jong Un").click();
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), &second);
    assert!(
        saved.contains("text: \"Kim\", value: \"Kim Jong Un\")"),
        "{saved}"
    );
}

#[test]
fn a_click_on_a_suggestions_frame_accepts_it() {
    let project = sample_project();
    let mut harness = harness(project.root());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::D);
    harness.run();
    let range = find(&harness, "2022");
    let rect = harness.state().text_rect(range.clone()).unwrap();
    click(&mut harness, rect.center());
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains(&format!(
            "start: {}, end: {}, label: \"date\", text: \"2022\", value: \"2022\")",
            range.start, range.end
        )),
        "{saved}"
    );
    // A click on text without a suggestion accepts nothing.
    let plain = find(&harness, "MOSKWA");
    let rect = harness.state().text_rect(plain).unwrap();
    click(&mut harness, rect.center());
    let again = file_on_disk(&mut harness, project.root(), FIRST);
    assert_eq!(again.matches("label: \"date\"").count(), 1, "{again}");
}

#[test]
fn a_date_labeled_by_hand_gets_its_normalized_value() {
    let project = sample_project();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Rabu (13/9/2023)");
    harness.key_press(Key::Num3);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        saved.contains("label: \"date\", text: \"Rabu (13/9/2023)\", value: \"2023-09-13\")"),
        "{saved}"
    );
}

#[test]
fn known_names_added_from_a_gazetteer_become_suggestions_at_once() {
    let project = sample_project();
    let mut harness = harness(project.root());
    let names = project.root().join("names.tsv");
    fs::write(
        &names,
        "Vladimir Putin\tactor\nKremlin\tactor\nPutin\tactor\n",
    )
    .unwrap();
    harness
        .state_mut()
        .push(sorot_gui::app::Action::ImportGazetteer(names));
    harness.run();
    let message = harness.state().message().cloned().unwrap();
    assert!(
        !message.0 && message.1.contains("3 names added, 0 relabeled"),
        "{message:?}"
    );
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Enter);
    harness.run();
    let saved = file_on_disk(&mut harness, project.root(), FIRST);
    let text = fs::read_to_string(project.root().join("seeds").join(FIRST)).unwrap();
    assert_eq!(
        saved
            .matches("label: \"actor\", text: \"Kremlin\")")
            .count(),
        text.matches("Kremlin").count(),
        "{saved}"
    );
    assert!(saved.contains("text: \"Vladimir Putin\")"), "{saved}");
    // Accepting them all made no same-label overlap: "Putin" inside
    // "Vladimir Putin" was not offered.
    assert_eq!(
        saved.matches("label: \"actor\", text: \"Putin\")").count(),
        text.matches("Putin").count() - text.matches("Vladimir Putin").count(),
        "{saved}"
    );
    let (file, _) = sorot_core::store::AnnotationFile::read(
        &project
            .root()
            .join("annotations/tester")
            .join(format!("{FIRST}.ron")),
    )
    .unwrap();
    for pair in file.spans.windows(2) {
        assert!(
            pair[0].label != pair[1].label || pair[0].end <= pair[1].start,
            "{:?} overlaps {:?}",
            pair[0],
            pair[1]
        );
    }
}

/// A long document name stays on one line in the list, cut short, so that
/// every row has the height the scrolling list counts on.
#[test]
fn long_document_names_keep_one_line_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let long = "2024-06-19_kunjungan_kenegaraan_putin_ke_pyongyang_dan_perjanjian_kemitraan.txt";
    fs::write(
        dir.path().join(long),
        "Putin tiba di Pyongyang.\r\n“Kim” 😊\r\n",
    )
    .unwrap();
    fs::write(dir.path().join("a.txt"), "Kim tiba.").unwrap();
    let mut harness = harness(dir.path());
    harness.run();
    assert_eq!(row_label(&harness, "a.txt"), "○  Kim tiba.  a.txt (0)");
    // The list is narrow: the title takes the row, the name after it is
    // cut off on screen (and named on hover).
    let row = row_label(&harness, long);
    assert_eq!(row, format!("○  Putin tiba di Pyongyang.  {long} (0)"));
    let short = row_of(&harness, "a.txt").rect();
    let row = row_of(&harness, long).rect();
    assert_eq!(row.height(), short.height(), "{row:?} against {short:?}");
    assert!(row.width() < 300.0, "{row:?}");
    // The row is still one click away.
    row_of(&harness, "a.txt").click();
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some("a.txt")
    );
    row_of(&harness, long).click();
    harness.run();
    assert_eq!(
        harness.state().workspace().unwrap().current_id(),
        Some(long)
    );
}

/// Steps frame by frame, up to `frames`, until the app sends `command` to
/// the window; whether it did.
fn sends(
    harness: &mut Harness<'static, SorotApp>,
    command: &egui::ViewportCommand,
    frames: usize,
) -> bool {
    (0..frames).any(|_| {
        harness.step();
        harness
            .output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .is_some_and(|out| out.commands.contains(command))
    })
}

/// Asks the window to close, as the window's close button does.
fn request_close(harness: &mut Harness<'static, SorotApp>) {
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
}

#[test]
fn closing_with_a_conflict_asks_first_and_keeps_mine() {
    let project = sample_project();
    let mut harness = harness(project.root());
    // Without unsaved changes in conflict, the window closes at once.
    request_close(&mut harness);
    assert!(!sends(&mut harness, &egui::ViewportCommand::CancelClose, 3));

    drag_over(&mut harness, "Kremlin");
    harness.key_press(Key::Num1);
    let theirs = replaced_on_disk(&mut harness, project.root());
    let path = project
        .root()
        .join("annotations/tester")
        .join(format!("{FIRST}.ron"));
    // An edit then finds the conflict.
    harness.key_press(Key::Num2);
    harness.run();
    file_on_disk(&mut harness, project.root(), FIRST);
    harness.run();

    request_close(&mut harness);
    assert!(
        sends(&mut harness, &egui::ViewportCommand::CancelClose, 3),
        "the close is held back"
    );
    harness.run();
    harness.get_by_label("Close Sorot?");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        theirs,
        "nothing decided yet"
    );
    harness.get_by_label("Keep mine and close").click();
    assert!(
        sends(&mut harness, &egui::ViewportCommand::Close, 10),
        "the window closes once the conflict is settled"
    );
    let mine = file_on_disk(&mut harness, project.root(), FIRST);
    assert!(
        mine.contains("label: \"location\", text: \"Kremlin\"")
            && mine.contains("status: InProgress"),
        "{mine}"
    );
}

/// View > Zoom In makes everything larger, and the text is still drawn at
/// the new size (its layout follows the zoom).
#[test]
fn zoom_is_in_the_view_menu_and_the_text_follows_it() {
    let (_project, mut harness) = annotated_sample();
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label_contains("Zoom In").click();
    harness.run();
    harness.run();
    assert!((harness.ctx.zoom_factor() - 1.1).abs() < 1e-6);
    // The document's text is still there, and spans can still be picked.
    let before = harness
        .state()
        .workspace()
        .unwrap()
        .current_id()
        .map(str::to_owned);
    assert!(before.is_some());
    harness.get_by_label_contains("spans · done");
}

// ---------------------------------------------------------------------------
// The keyboard: the word caret, edges, spans one after another, overlaps,
// find, and moving through long texts and many documents.

/// A text with a curly quote, an emoji and CRLF line ends, for the keys.
const KEYS_TEXT: &str =
    "“Kim Jong Un” 😊 tiba di Vostochny.\r\nPresiden Rusia Vladimir Putin menyambut Kim.\r\n";

/// The current document.
fn current<'h>(
    harness: &'h Harness<'static, SorotApp>,
) -> &'h sorot_core::project::document::OpenDocument {
    harness.state().workspace().unwrap().current().unwrap()
}

/// The current document's spans in the markup notation.
fn rendered(harness: &Harness<'static, SorotApp>) -> String {
    let doc = current(harness);
    sorot_core::model::markup::render(doc.text.as_str(), doc.spans())
}

/// The text of the caret's word.
fn caret_text(harness: &Harness<'static, SorotApp>) -> String {
    let doc = current(harness);
    let caret = harness.state().caret().expect("a caret");
    doc.text.slice(caret).to_owned()
}

/// Presses `key` with `modifiers` and lets the frames run.
fn press(harness: &mut Harness<'static, SorotApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

/// A project whose one text is ayu's `markup`, opened as ayu.
fn annotated_keys(markup: &str) -> (TestProject, Harness<'static, SorotApp>) {
    let project = TestProject::new().annotated("ayu", "a.txt", markup);
    let harness = workbench_on(&project);
    (project, harness)
}

/// A project whose one text is `text`, opened as tester.
fn keys_project(text: &str) -> (TestProject, Harness<'static, SorotApp>) {
    let project = TestProject::new().text("a.txt", text);
    let harness = harness(project.root());
    (project, harness)
}

#[test]
fn the_caret_walks_words_and_shift_right_selects_what_a_digit_labels() {
    let (project, mut harness) = keys_project(KEYS_TEXT);
    assert_eq!(
        caret_text(&harness),
        "“",
        "the caret starts on the first word"
    );
    press(&mut harness, Modifiers::NONE, Key::ArrowRight);
    assert_eq!(caret_text(&harness), "Kim");
    // The first Shift+Right takes the caret's word, each next one a word more.
    for expected in ["Kim", "Kim Jong", "Kim Jong Un"] {
        press(&mut harness, Modifiers::SHIFT, Key::ArrowRight);
        let selection = harness.state().selection().unwrap();
        let doc = current(&harness);
        assert_eq!(doc.text.slice(selection), expected);
    }
    assert_eq!(caret_text(&harness), "Un", "the caret follows the end");
    press(&mut harness, Modifiers::NONE, Key::Num1);
    assert_eq!(
        rendered(&harness),
        "“[Kim Jong Un|actor]” 😊 tiba di Vostochny.\r\nPresiden Rusia Vladimir Putin menyambut Kim.\r\n"
    );
    assert!(
        file_on_disk(&mut harness, project.root(), "a.txt")
            .contains("(id: 1, start: 1, end: 12, label: \"actor\", text: \"Kim Jong Un\")")
    );
    // Left steps back over the emoji and the quote; Down goes to the next
    // line, End to its last word, Home to its first.
    for (key, expected) in [
        (Key::ArrowRight, "”"),
        (Key::ArrowRight, "😊"),
        (Key::ArrowLeft, "”"),
        (Key::End, "."),
        (Key::Home, "“"),
    ] {
        press(&mut harness, Modifiers::NONE, key);
        assert_eq!(caret_text(&harness), expected, "after {key:?}");
    }
    press(&mut harness, Modifiers::NONE, Key::ArrowDown);
    let caret = harness.state().caret().unwrap();
    assert!(caret.start >= 36, "{caret:?} is on the second line");
    press(&mut harness, Modifiers::NONE, Key::Home);
    assert_eq!(caret_text(&harness), "Presiden");
    press(&mut harness, Modifiers::NONE, Key::ArrowUp);
    assert_eq!(harness.state().caret().unwrap().start, 0);
    // Escape clears a selection; the keys never left the text for a button.
    press(&mut harness, Modifiers::SHIFT, Key::ArrowRight);
    assert!(harness.state().selection().is_some());
    press(&mut harness, Modifiers::NONE, Key::Escape);
    assert_eq!(harness.state().selection(), None);
    press(&mut harness, Modifiers::COMMAND, Key::End);
    assert_eq!(caret_text(&harness), ".");
    press(&mut harness, Modifiers::COMMAND, Key::Home);
    assert_eq!(caret_text(&harness), "“");
}

#[test]
fn tab_and_shift_tab_select_the_spans_in_text_order_and_the_caret_follows() {
    let (_project, mut harness) = annotated_keys(
        "“[Kim Jong Un|actor]” 😊 tiba di [Vostochny|location].\r\nPresiden Rusia [Vladimir Putin|actor] menyambut Kim.\r\n",
    );
    let text_of = |harness: &Harness<'static, SorotApp>| {
        let id = harness.state().selected_span().unwrap();
        let doc = current(harness);
        doc.annotations().get(id).unwrap().text.clone()
    };
    for expected in ["Kim Jong Un", "Vostochny", "Vladimir Putin", "Kim Jong Un"] {
        press(&mut harness, Modifiers::NONE, Key::Tab);
        assert_eq!(text_of(&harness), expected);
    }
    assert_eq!(caret_text(&harness), "Kim");
    press(&mut harness, Modifiers::SHIFT, Key::Tab);
    assert_eq!(text_of(&harness), "Vladimir Putin");
    assert_eq!(caret_text(&harness), "Vladimir");
    // A digit relabels the span Tab reached.
    press(&mut harness, Modifiers::NONE, Key::Num2);
    assert!(rendered(&harness).contains("[Vladimir Putin|location]"));
}

/// The sample-like text of [`KEYS_TEXT`], with a claim whose source is the
/// actor “Kim Jong”, which stops short of “Un”; the actor has a note.
fn short_name_project() -> (TestProject, Harness<'static, SorotApp>) {
    let project = TestProject::new().annotated(
        "ayu",
        "a.txt",
        "“[[Kim Jong|actor] Un” 😊 tiba di Vostochny.|claim]\r\nPresiden Rusia Vladimir Putin menyambut Kim.\r\n",
    );
    project.edit(
        "ayu",
        "a.txt",
        [
            sorot_core::project::document::Command::SetNote {
                id: 1,
                note: "pemimpin".into(),
            },
            sorot_core::project::document::Command::Link(sorot_core::model::Relation {
                from: 2,
                to: 1,
                kind: "source".into(),
            }),
        ],
    );
    let harness = workbench_on(&project);
    (project, harness)
}

/// The actor span 1 as the file on disk holds it, and the file's relations.
fn kim_on_disk(harness: &mut Harness<'static, SorotApp>, project: &TestProject) -> String {
    harness.state_mut().wait_for_saves();
    let file = project.annotation_file("ayu", "a.txt");
    let kim = file.spans.iter().find(|s| s.id == 1).unwrap();
    format!(
        "{} {:?} note {:?} relations {:?}",
        kim.label,
        kim.text,
        kim.note,
        file.relations
            .iter()
            .map(|r| (r.from, r.to, r.kind.as_str()))
            .collect::<Vec<_>>()
    )
}

#[test]
fn a_span_grown_and_shrunk_by_keys_keeps_its_id_note_and_relation_and_undoes_in_one_step() {
    let (project, mut harness) = short_name_project();
    press(&mut harness, Modifiers::NONE, Key::Tab);
    assert_eq!(harness.state().selected_span(), Some(1));
    // Grown by two words, shrunk by one: “Kim Jong Un”.
    press(&mut harness, Modifiers::SHIFT, Key::ArrowRight);
    press(&mut harness, Modifiers::SHIFT, Key::ArrowRight);
    press(&mut harness, Modifiers::SHIFT, Key::ArrowLeft);
    assert_eq!(
        kim_on_disk(&mut harness, &project),
        "actor \"Kim Jong Un\" note \"pemimpin\" relations [(2, 1, \"source\")]"
    );
    assert_eq!(harness.state().selected_span(), Some(1));
    // The start edge takes the quote, a character at a time is Ctrl.
    press(
        &mut harness,
        Modifiers::ALT | Modifiers::SHIFT,
        Key::ArrowLeft,
    );
    press(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::ArrowRight,
    );
    assert!(
        kim_on_disk(&mut harness, &project).starts_with("actor \"“Kim Jong Un”\""),
        "{}",
        kim_on_disk(&mut harness, &project)
    );
    // One undo takes every move back.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        kim_on_disk(&mut harness, &project),
        "actor \"Kim Jong\" note \"pemimpin\" relations [(2, 1, \"source\")]"
    );
    assert!(rendered(&harness).starts_with("“[[Kim Jong|actor] Un” 😊"));
}

#[test]
fn dragging_a_spans_handle_moves_its_edge_and_undoes_in_one_step() {
    let (project, mut harness) = short_name_project();
    press(&mut harness, Modifiers::NONE, Key::Tab);
    let jong = harness.state().text_rect(5..9).unwrap();
    let un = harness.state().text_rect(10..12).unwrap();
    // The end handle stands at the right of “Jong”; dropped inside “Un”.
    drag(
        &mut harness,
        jong.right_center(),
        un.center() - egui::vec2(2.0, 0.0),
        Modifiers::NONE,
    );
    assert_eq!(
        kim_on_disk(&mut harness, &project),
        "actor \"Kim Jong Un\" note \"pemimpin\" relations [(2, 1, \"source\")]"
    );
    assert_eq!(harness.state().selection(), None, "no text was selected");
    // The start handle, dropped inside “Jong”, takes it whole; then undo.
    let kim = harness.state().text_rect(1..2).unwrap();
    let jong = harness.state().text_rect(6..7).unwrap();
    drag(
        &mut harness,
        kim.left_center(),
        jong.center(),
        Modifiers::NONE,
    );
    assert!(kim_on_disk(&mut harness, &project).starts_with("actor \"Jong Un\""));
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert!(kim_on_disk(&mut harness, &project).starts_with("actor \"Kim Jong\" "));
}

#[test]
fn a_second_actor_over_the_first_is_refused_and_one_key_replaces_it() {
    let (project, mut harness) = short_name_project();
    // Select “Kim Jong Un” by keys from the caret on “Kim”.
    press(&mut harness, Modifiers::NONE, Key::ArrowRight);
    for _ in 0..3 {
        press(&mut harness, Modifiers::SHIFT, Key::ArrowRight);
    }
    press(&mut harness, Modifiers::NONE, Key::Num1);
    assert_eq!(current(&harness).spans().len(), 2, "no second actor");
    let (is_error, message) = harness.state().message().cloned().unwrap();
    assert!(!is_error);
    assert!(
        message.contains("overlaps the actor span “Kim Jong”") && message.contains("Shift+Enter"),
        "{message}"
    );
    press(&mut harness, Modifiers::SHIFT, Key::Enter);
    assert_eq!(
        kim_on_disk(&mut harness, &project),
        "actor \"Kim Jong Un\" note \"pemimpin\" relations [(2, 1, \"source\")]"
    );
    assert_eq!(harness.state().selected_span(), Some(1));
    // Another label nests freely.
    drag_over(&mut harness, "Jong");
    press(&mut harness, Modifiers::NONE, Key::Num2);
    assert!(rendered(&harness).contains("[Kim [Jong|location] Un|actor]"));
}

#[test]
fn accepting_every_mention_adds_no_span_over_one_of_its_label() {
    let (project, mut harness) = annotated_keys(
        "“[Vladimir Putin|actor]” 😊 tiba.\r\n[Putin|actor] menyambut Kim; Putin tersenyum.\r\n",
    );
    // The actor “Putin”; its other mentions: the one inside “Vladimir
    // Putin” is not offered.
    press(&mut harness, Modifiers::NONE, Key::Tab);
    press(&mut harness, Modifiers::NONE, Key::Tab);
    assert_eq!(harness.state().selected_span(), Some(2));
    press(&mut harness, Modifiers::COMMAND, Key::M);
    let message = harness.state().message().cloned().unwrap().1;
    assert!(message.starts_with("1 other mentions"), "{message}");
    press(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::Enter,
    );
    assert_eq!(
        rendered(&harness),
        "“[Vladimir Putin|actor]” 😊 tiba.\r\n[Putin|actor] menyambut Kim; [Putin|actor] tersenyum.\r\n"
    );
    harness.state_mut().wait_for_saves();
    let project_schema = project.open();
    let file = project.annotation_file("ayu", "a.txt");
    assert!(
        sorot_core::project::document::overlaps(&file.spans, project_schema.schema()).is_empty()
    );
}

#[test]
fn double_and_triple_clicks_select_a_word_and_a_sentence_and_shift_click_shrinks() {
    let project = TestProject::new().text("a.txt", KEYS_TEXT);
    // Frames a twentieth of a second apart, so that clicks come close
    // enough to count as one double or triple click.
    let mut harness = harness_stepping(project.root(), 0.05);
    let doc_text = |h: &Harness<'static, SorotApp>, r| current(h).text.slice(r).to_owned();
    let putin = find(&harness, "Putin");
    let at = harness
        .state()
        .text_rect(putin.start + 1..putin.start + 2)
        .unwrap()
        .center();
    harness.event(Event::PointerMoved(at));
    for clicks in 1..=3 {
        for pressed in [true, false] {
            harness.event(Event::PointerButton {
                pos: at,
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
        harness.step();
        let selection = harness.state().selection();
        match clicks {
            1 => assert_eq!(caret_text(&harness), "Putin"),
            2 => assert_eq!(doc_text(&harness, selection.unwrap()), "Putin"),
            _ => assert_eq!(
                doc_text(&harness, selection.unwrap()),
                "Presiden Rusia Vladimir Putin menyambut Kim."
            ),
        }
    }
    harness.run();
    // Shift+click on “Rusia” shrinks the sentence to end there.
    let rusia = find(&harness, "Rusia");
    let at = harness
        .state()
        .text_rect(rusia.start + 1..rusia.start + 2)
        .unwrap()
        .center();
    harness.event(Event::ModifiersChanged(Modifiers::SHIFT));
    harness.event(Event::PointerMoved(at));
    for pressed in [true, false] {
        harness.event(Event::PointerButton {
            pos: at,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::SHIFT,
        });
        harness.step();
    }
    harness.event(Event::ModifiersChanged(Modifiers::NONE));
    harness.run();
    let selection = harness.state().selection().unwrap();
    assert_eq!(doc_text(&harness, selection), "Presiden Rusia");
}

#[test]
fn a_document_opens_at_its_top_first_and_at_its_caret_when_opened_again() {
    let project = sample_project();
    let mut harness = harness(project.root());
    let longest = "004_3e4249adbc2fcf40.txt";
    harness.get_by_label_contains(longest).click();
    harness.run();
    assert_eq!(harness.state().caret().unwrap().start, 0);
    // Far down the text: the caret's place is kept when the document is left.
    press(&mut harness, Modifiers::COMMAND, Key::End);
    press(&mut harness, Modifiers::NONE, Key::PageUp);
    let caret = harness.state().caret().unwrap();
    assert!(caret.start > 1_000, "{caret:?}");
    let on_screen = |harness: &Harness<'static, SorotApp>, range: std::ops::Range<usize>| {
        harness
            .state()
            .text_rect(range)
            .is_some_and(|r| r.min.y > 0.0 && r.max.y < 900.0)
    };
    assert!(on_screen(&harness, caret.clone()));
    // Another document opens at its top, not where this one was scrolled.
    press(&mut harness, Modifiers::ALT, Key::ArrowLeft);
    assert_eq!(harness.state().caret().unwrap().start, 0);
    assert!(on_screen(&harness, 0..1), "the first line is in view");
    press(&mut harness, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(harness.state().caret(), Some(caret.clone()));
    assert!(on_screen(&harness, caret));
    assert!(!on_screen(&harness, 0..1));
}

#[test]
fn page_down_moves_a_screen_and_the_caret_with_it() {
    let project = sample_project();
    let mut harness = harness(project.root());
    harness
        .get_by_label_contains("004_3e4249adbc2fcf40.txt")
        .click();
    harness.run();
    press(&mut harness, Modifiers::NONE, Key::PageDown);
    let first = harness.state().caret().unwrap();
    assert!(first.start > 0);
    press(&mut harness, Modifiers::NONE, Key::PageDown);
    let second = harness.state().caret().unwrap();
    assert!(second.start > first.start, "{first:?} then {second:?}");
    let rect = harness.state().text_rect(second.clone()).unwrap();
    assert!(rect.min.y > 0.0 && rect.max.y < 900.0, "{rect:?}");
    press(&mut harness, Modifiers::NONE, Key::PageUp);
    assert!(harness.state().caret().unwrap().start < second.start);
}

#[test]
fn the_filter_finds_a_word_inside_the_texts_and_filters_by_status_and_label() {
    let project = TestProject::sample();
    let mut harness = workbench_on(&project);
    let filter = harness.get_by_role(egui::accesskit::Role::TextInput);
    filter.click();
    harness.run();
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text("Shoigu");
    harness.run();
    assert_eq!(
        harness.state_mut().listed_documents(),
        vec![
            "000_1625e3110a626786.txt",
            "001_29c8b5c4ec59e6d1.txt",
            "003_c523628f00a85caf.txt"
        ]
    );
    harness.run();
    // Each row shows the text's first line as its title, before its name.
    let row = row_label(&harness, FIRST);
    assert!(row.starts_with("✔  MOSKWA"), "{row}");
    // ayu marked every sample document done and labeled claims in each.
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text(" status:todo");
    harness.run();
    assert!(harness.state_mut().listed_documents().is_empty());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .type_text("has:claim status:done");
    harness.run();
    assert_eq!(harness.state_mut().listed_documents().len(), 5);
}

#[test]
fn find_in_the_document_selects_each_match_for_a_digit_to_label() {
    let (_project, mut harness) = keys_project(KEYS_TEXT);
    press(&mut harness, Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    harness
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Find:")
        .type_text("kim");
    harness.run();
    harness.get_by_label("2 matches");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(harness.state().selection(), Some(1..4));
    press(&mut harness, Modifiers::NONE, Key::F3);
    let second = harness.state().selection().unwrap();
    assert_eq!(current(&harness).text.slice(second), "Kim");
    // The keyboard is back in the text: the digit labels the match.
    press(&mut harness, Modifiers::NONE, Key::Num1);
    assert!(rendered(&harness).contains("menyambut [Kim|actor]."));
    harness.get_by_label("2 of 2");
}

// ---------------------------------------------------------------------------
// Suggestions on demand, answered where they are seen, and a layout that
// leaves the text its room.

/// Turns on suggestions when a document opens, in the project's sorot.ron.
fn suggest_on_open(root: &Path) {
    let path = root.join("sorot.ron");
    let ron = fs::read_to_string(&path).unwrap_or_else(|_| "()".into());
    let ron = ron.replacen('(', "(\n    suggest_on_open: true,", 1);
    fs::write(&path, ron).unwrap();
}

/// The count of open suggestions the status bar shows, if it shows one.
fn suggestions_shown(harness: &Harness<'static, SorotApp>) -> Option<usize> {
    use egui_kittest::kittest::NodeT;
    harness
        .query_all_by_label_contains("suggestion")
        .find_map(|node| {
            let node = node.accesskit_node();
            let label = node.label().or_else(|| node.value())?;
            let n = label
                .strip_suffix(" suggestions")
                .or_else(|| label.strip_suffix(" suggestion"))?;
            n.parse().ok()
        })
}

/// The labels of the rows of the suggestion list (each starts with its label).
fn suggestion_rows(harness: &Harness<'static, SorotApp>, needle: &str) -> Vec<String> {
    use egui_kittest::kittest::NodeT;
    harness
        .query_all_by_label_contains(needle)
        .filter_map(|node| node.accesskit_node().label())
        .filter(|label| label.starts_with("actor") || label.starts_with("location"))
        .collect()
}

/// The workbench on `project` in a window of `size`.
fn harness_sized(project: &Path, size: egui::Vec2) -> Harness<'static, SorotApp> {
    harness_on(project, 0.25, size)
}

#[test]
fn a_document_opens_without_suggestions_until_the_suggest_menu_asks_for_them() {
    let project = sample_project();
    fs::write(
        project.root().join("gazetteer.tsv"),
        "Vostochny\tlocation\nKremlin\tactor\n",
    )
    .unwrap();
    let mut harness = harness(project.root());
    assert_eq!(harness.state().open_suggestions(), None);
    assert_eq!(suggestions_shown(&harness), None);
    // Another document, not started either, opens without them too.
    press(&mut harness, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(suggestions_shown(&harness), None);
    press(&mut harness, Modifiers::ALT, Key::ArrowLeft);
    harness.get_by_label("Suggest").click();
    harness.run();
    harness.get_by_label_contains("Suggest known names").click();
    harness.run();
    let text = fs::read_to_string(project.root().join("seeds").join(FIRST)).unwrap();
    let n = text.matches("Kremlin").count() + text.matches("Vostochny").count();
    assert!(n > 0);
    assert_eq!(harness.state().open_suggestions(), Some(n));
    assert_eq!(suggestions_shown(&harness), Some(n));
    // The key does the same in the next document.
    press(&mut harness, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(suggestions_shown(&harness), None);
    press(&mut harness, Modifiers::COMMAND, Key::K);
    assert!(suggestions_shown(&harness).is_some_and(|n| n > 0));
}

/// Ten lines of a text, then many more, then a mention far below.
fn far_text() -> String {
    let filler =
        "Para analis di Seoul memperkirakan kerja sama militer akan terus meningkat.\n".repeat(200);
    format!("Kim Jong Un bertemu Putin. Kim Jong Un tersenyum.\n{filler}Kim Jong Un pulang.\n")
}

#[test]
fn enter_accepts_the_suggestion_in_view_and_never_one_off_screen() {
    let text = far_text();
    let (_project, mut harness) = keys_project(&text);
    drag_over(&mut harness, "Kim Jong Un");
    press(&mut harness, Modifiers::NONE, Key::Num1);
    press(&mut harness, Modifiers::COMMAND, Key::M);
    assert_eq!(harness.state().open_suggestions(), Some(2));
    let view = harness.state().text_view_rect().unwrap();
    let top = find(&harness, "Kim Jong Un");
    let before = harness.state().text_rect(top.clone()).unwrap();
    press(&mut harness, Modifiers::NONE, Key::Enter);
    assert!(
        rendered(&harness)
            .starts_with("[Kim Jong Un|actor] bertemu Putin. [Kim Jong Un|actor] tersenyum."),
        "{}",
        &rendered(&harness)[..80]
    );
    assert!(rendered(&harness).ends_with("Kim Jong Un pulang.\n"));
    assert_eq!(suggestions_shown(&harness), Some(1));
    // The view did not move.
    assert_eq!(harness.state().text_rect(top.clone()), Some(before));
    // The one left is off screen: Enter and Backspace leave it, and say so.
    press(&mut harness, Modifiers::NONE, Key::Enter);
    press(&mut harness, Modifiers::NONE, Key::Backspace);
    assert_eq!(current(&harness).spans().len(), 2);
    assert_eq!(current(&harness).annotations().rejected().count(), 0);
    assert_eq!(suggestions_shown(&harness), Some(1));
    let message = harness.state().message().cloned().unwrap().1;
    assert!(message.starts_with("No suggestion in view"), "{message}");
    assert_eq!(harness.state().text_rect(top), Some(before));
    assert!(view.contains_rect(before));
    // Picked in the list, it is shown, and Enter takes it.
    let rows = suggestion_rows(&harness, "pulang");
    assert_eq!(rows.len(), 1, "{rows:?}");
    harness.get_by_label(&rows[0]).click();
    harness.run();
    press(&mut harness, Modifiers::NONE, Key::Enter);
    assert!(rendered(&harness).ends_with("[Kim Jong Un|actor] pulang.\n"));
    assert_eq!(suggestions_shown(&harness), Some(0));
}

const NAMES_TEXT: &str = "Kim Jong Un bertemu Putin di Vostochny. Kim tiba, Putin pulang.\nPutin dan Kim Jong Un di Vostochny.\n";

#[test]
fn accept_all_adds_no_overlap_one_undo_takes_it_back_and_the_count_stays_true() {
    let project = TestProject::new().text("a.txt", NAMES_TEXT);
    fs::write(
        project.root().join("gazetteer.tsv"),
        "Kim Jong Un\tactor\nKim\tactor\nPutin\tactor\nVostochny\tlocation\n",
    )
    .unwrap();
    let mut harness = harness(project.root());
    drag_over(&mut harness, "Kim Jong Un");
    press(&mut harness, Modifiers::NONE, Key::Num1);
    press(&mut harness, Modifiers::NONE, Key::Escape);
    press(&mut harness, Modifiers::COMMAND, Key::K);
    // Not “Kim” inside the labeled “Kim Jong Un”, nor inside the other one.
    assert_eq!(suggestions_shown(&harness), Some(7));
    // Rows show the words around each match.
    let rows = suggestion_rows(&harness, "Putin");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("actor") && r.contains("Kim Jong Un bertemu Putin di Vostochny")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("actor") && r.contains("Kim tiba, Putin pulang")),
        "{rows:?}"
    );
    press(&mut harness, Modifiers::NONE, Key::Enter);
    assert_eq!(suggestions_shown(&harness), Some(6));
    assert_eq!(current(&harness).spans().len(), 2);
    press(&mut harness, Modifiers::NONE, Key::Backspace);
    assert_eq!(suggestions_shown(&harness), Some(5));
    assert_eq!(current(&harness).annotations().rejected().count(), 1);
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(suggestions_shown(&harness), Some(6));
    assert_eq!(current(&harness).annotations().rejected().count(), 0);
    press(
        &mut harness,
        Modifiers::COMMAND | Modifiers::SHIFT,
        Key::Enter,
    );
    assert_eq!(suggestions_shown(&harness), Some(0));
    assert_eq!(
        rendered(&harness),
        "[Kim Jong Un|actor] bertemu [Putin|actor] di [Vostochny|location]. [Kim|actor] tiba, [Putin|actor] pulang.\n[Putin|actor] dan [Kim Jong Un|actor] di [Vostochny|location].\n"
    );
    harness.state_mut().wait_for_saves();
    let schema = project.open();
    let file = project.annotation_file("tester", "a.txt");
    assert_eq!(file.spans.len(), 8);
    assert!(sorot_core::project::document::overlaps(&file.spans, schema.schema()).is_empty());
    // One undo takes every one of them back, and they are suggested again.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(current(&harness).spans().len(), 2);
    assert_eq!(suggestions_shown(&harness), Some(6));
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(current(&harness).spans().len(), 1);
    assert_eq!(suggestions_shown(&harness), Some(7));
}

#[test]
fn the_text_keeps_most_of_the_window_and_a_suggestion_list_does_not_widen_the_panel() {
    for (size, gazetteer) in [
        (egui::vec2(1000.0, 700.0), "Kremlin\tactor\n"),
        (egui::vec2(1400.0, 900.0), "Vladimir Putin\tactor\n"),
    ] {
        let project = sample_project();
        fs::write(project.root().join("gazetteer.tsv"), gazetteer).unwrap();
        let mut harness = harness_sized(project.root(), size);
        let [left, right] = harness.state().side_panel_widths();
        assert!(
            right > size.x * 0.2 && right < size.x * 0.3,
            "{right} of {size:?}"
        );
        assert!(left < size.x * 0.2, "{left} of {size:?}");
        let text = harness.state().text_view_rect().unwrap();
        assert!(text.width() >= size.x * 0.6, "{} of {size:?}", text.width());
        press(&mut harness, Modifiers::COMMAND, Key::K);
        assert!(suggestions_shown(&harness).is_some_and(|n| n > 0));
        assert_eq!(harness.state().side_panel_widths(), [left, right]);
        let text = harness.state().text_view_rect().unwrap();
        assert!(text.width() >= size.x * 0.6, "{} of {size:?}", text.width());
    }
}

/// A window made narrower keeps the panels' shares of it, so the text
/// keeps its share; made wider again, the panels come back to their widths.
#[test]
fn the_side_panels_keep_their_shares_when_the_window_is_resized() {
    let project = sample_project();
    let wide = egui::vec2(1280.0, 820.0);
    let mut harness = harness_sized(project.root(), wide);
    let [left, right] = harness.state().side_panel_widths();
    for size in [egui::vec2(1000.0, 700.0), egui::vec2(800.0, 600.0), wide] {
        harness.set_size(size);
        harness.run();
        let [l, r] = harness.state().side_panel_widths();
        // Each keeps its share, the list at least 120 px wide.
        let scale = size.x / wide.x;
        assert!(
            (l - (left * scale).max(120.0)).abs() < 3.0,
            "{l} for {left} at {size:?}"
        );
        assert!(
            (r - right * scale).abs() < 3.0,
            "{r} for {right} at {size:?}"
        );
        // At 800 px the list's least width takes some of the text's share.
        let share = if size.x >= 1000.0 { 0.6 } else { 0.55 };
        let text = harness.state().text_view_rect().unwrap();
        assert!(
            text.width() >= size.x * share,
            "{} of {size:?}",
            text.width()
        );
    }
}

// What the text view draws around the text: label tags, relations, and rows
// only as far apart as what they hold needs.

/// Every piece of text painted in the last frame whose whole text is
/// `text`, as the rectangle it covers on screen.
fn painted_exactly(harness: &Harness<'static, SorotApp>, text: &str) -> Vec<egui::Rect> {
    fn collect(shape: &egui::Shape, text: &str, found: &mut Vec<egui::Rect>) {
        match shape {
            egui::Shape::Text(shape) if shape.galley.text() == text => {
                found.push(shape.visual_bounding_rect());
            }
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, text, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for clipped in &harness.output().shapes {
        collect(&clipped.shape, text, &mut found);
    }
    found
}

/// The tag painted just above the start of `range`, if any.
fn tag_above(
    harness: &Harness<'static, SorotApp>,
    name: &str,
    range: std::ops::Range<usize>,
) -> Option<egui::Rect> {
    let start = harness.state().text_rect(range.start..range.start + 1)?;
    painted_exactly(harness, name).into_iter().find(|tag| {
        (tag.left() - start.left()).abs() < 3.0
            && tag.bottom() <= start.top() + 2.0
            && tag.bottom() > start.top() - 3.0 * start.height()
    })
}

/// Clicks the entry `label` of the View menu, which stays open.
fn toggle_in_view_menu(harness: &mut Harness<'static, SorotApp>, label: &str) {
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
    harness.key_press(Key::Escape);
    harness.run();
}

#[test]
fn label_tags_stand_above_each_spans_start_stacked_and_the_view_menu_hides_them() {
    let (_project, mut harness) =
        annotated_keys("Di Vostochny, [[Kim|actor] berkata ia datang pada [Rabu|date]|claim].\n");
    let kim = find(&harness, "Kim");
    let rabu = find(&harness, "Rabu");
    let actor = tag_above(&harness, "actor", kim.clone()).expect("the actor's tag");
    let claim = tag_above(&harness, "claim", kim.clone()).expect("the claim's tag");
    tag_above(&harness, "date", rabu.clone()).expect("the date's tag");
    // The claim and the actor start together: their tags stack, the
    // actor's (the inner span's) nearest the text.
    assert!(!actor.intersects(claim), "{actor:?} {claim:?}");
    assert!(claim.bottom() <= actor.top() + 1.0, "{actor:?} {claim:?}");
    assert!(harness.state().preferences().show_label_tags);

    toggle_in_view_menu(&mut harness, "Label tags");
    assert!(!harness.state().preferences().show_label_tags);
    assert_eq!(tag_above(&harness, "actor", kim.clone()), None);
    assert_eq!(tag_above(&harness, "claim", kim.clone()), None);
    assert_eq!(tag_above(&harness, "date", rabu), None);
    // The text is still where the clicks find it.
    let at = harness.state().text_rect(kim.start..kim.start + 1).unwrap();
    click(&mut harness, at.center());
    assert!(harness.state().selected_span().is_some());
}

/// Ayu's `a.txt` from `markup`, which holds a claim with Putin in it, and
/// a "target" relation from the claim to Putin.
fn claim_targeting_putin(markup: &str) -> (TestProject, sorot_core::model::Relation) {
    use sorot_core::project::document::Command;
    let project = TestProject::new().annotated("ayu", "a.txt", markup);
    let spans = project.spans("ayu", "a.txt");
    let id_of = |label: &str, text: &str| {
        spans
            .iter()
            .find(|s| s.label == label && s.text.contains(text))
            .unwrap()
            .id
    };
    let target = sorot_core::model::Relation {
        from: id_of("claim", "Putin"),
        to: id_of("actor", "Putin"),
        kind: "target".into(),
    };
    project.edit("ayu", "a.txt", [Command::Link(target.clone())]);
    (project, target)
}

#[test]
fn relations_are_drawn_with_their_type_and_listed_and_a_click_selects_one() {
    let (project, target) = claim_targeting_putin(
        "[[Kim|actor] berkata akan bertemu [Putin|actor]|claim] pekan depan.\n",
    );
    let mut harness = workbench_on(&project);
    assert!(harness.state().preferences().show_relations);
    // The arc's label stands over the text's row, not on it.
    let row = harness.state().text_rect(0..1).unwrap();
    let over_the_row = |harness: &Harness<'static, SorotApp>| {
        painted_exactly(harness, "target")
            .into_iter()
            .filter(|r| r.bottom() <= row.top() + 1.0 && r.bottom() > row.top() - 120.0)
            .count()
    };
    assert_eq!(over_the_row(&harness), 1);

    harness.get_by_label_contains("Relations (1)");
    harness.get_by_label_contains("-> Putin").click();
    harness.run();
    // The row selects the relation, not a span.
    assert_eq!(harness.state().selected_relation(), Some(&target));
    assert_eq!(harness.state().selected_span(), None);
    harness.get_by_label("Selected relation");

    toggle_in_view_menu(&mut harness, "Show relations");
    assert!(!harness.state().preferences().show_relations);
    assert_eq!(over_the_row(&harness), 0);
    toggle_in_view_menu(&mut harness, "Show relations");
    assert_eq!(over_the_row(&harness), 1);
}

/// Ayu's annotation file of `a.txt`, once every save is done.
fn ayu_file(harness: &mut Harness<'static, SorotApp>, project: &TestProject) -> String {
    annotators_file(harness, project.root(), "ayu", "a.txt")
}

/// What a selected relation offers: Escape leaves it, a click on its arc's
/// label selects it again, its type changes from the panel, Delete removes
/// it, and undo brings it back; each change reaches the file.
#[test]
fn a_relation_is_selected_on_its_arc_retyped_and_deleted() {
    use sorot_core::model::Relation;
    let (project, target) = claim_targeting_putin(
        "“[[Kim|actor] 😊 berkata akan bertemu [Putin|actor]|claim]” pekan depan.\r\n",
    );
    let (claim, putin) = (target.from, target.to);
    let mut harness = workbench_on(&project);
    let row = harness.state().text_rect(0..1).unwrap();
    let label = painted_exactly(&harness, "target")
        .into_iter()
        .find(|r| r.bottom() <= row.top() + 1.0)
        .expect("the arc's label over the row");
    click(&mut harness, label.center());
    assert_eq!(harness.state().selected_relation(), Some(&target));
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(harness.state().selected_relation(), None);
    click(&mut harness, label.center());
    assert_eq!(harness.state().selected_relation(), Some(&target));

    // Another type from the panel's list: one a claim-to-actor relation has.
    harness.get_by_label("type").click();
    harness.run();
    harness.get_by_label("source").click();
    harness.run();
    let source = Relation {
        kind: "source".into(),
        ..target.clone()
    };
    assert_eq!(harness.state().selected_relation(), Some(&source));
    let file = ayu_file(&mut harness, &project);
    assert!(
        file.contains(&format!("(from: {claim}, to: {putin}, kind: \"source\")")),
        "{file}"
    );
    assert!(!file.contains("\"target\""), "{file}");

    // Delete removes the selected relation, not a span.
    harness.key_press(Key::Delete);
    harness.run();
    assert_eq!(harness.state().selected_relation(), None);
    let file = ayu_file(&mut harness, &project);
    assert!(!file.contains("relations:"), "{file}");
    assert_eq!(
        harness
            .state()
            .workspace()
            .unwrap()
            .current()
            .unwrap()
            .spans()
            .len(),
        3
    );
    // Undo brings it back, then the old type.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let file = ayu_file(&mut harness, &project);
    assert!(
        file.contains(&format!("(from: {claim}, to: {putin}, kind: \"target\")")),
        "{file}"
    );
    // A click in the text selects a span and leaves the relation.
    click(&mut harness, label.center());
    assert!(harness.state().selected_relation().is_some());
    let kim = find(&harness, "Kim");
    let at = harness.state().text_rect(kim.start..kim.start + 1).unwrap();
    click(&mut harness, at.center());
    assert_eq!(harness.state().selected_relation(), None);
    assert!(harness.state().selected_span().is_some());
}

/// A text changed on disk (to one of the same length) opens again
/// read-only with its spans flagged: the view lays out the document anew,
/// and the flagged spans' tags go, though nothing was edited in between.
#[test]
fn a_text_changed_on_disk_is_laid_out_again_without_its_flagged_spans_tags() {
    let markup = "“Di Vostochny, [Kim|actor] 😊 berkata ia datang pada [Rabu|date].”\r\n";
    let project = TestProject::new().annotated("ayu", "a.txt", markup);
    let mut harness = workbench_on(&project);
    let kim = find(&harness, "Kim");
    assert!(tag_above(&harness, "actor", kim.clone()).is_some());
    // One letter changed: the same length, so only the fingerprint tells.
    project.write_text(
        "a.txt",
        "“Di Vostochny, Kim 😊 berkata ia dating pada Rabu.”\r\n",
    );
    let mut flagged = false;
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        harness.run();
        let doc = harness.state().workspace().unwrap().current().unwrap();
        if !doc.is_editable() {
            flagged = true;
            break;
        }
    }
    assert!(flagged, "the changed text opens read-only");
    harness.run();
    assert_eq!(tag_above(&harness, "actor", kim.clone()), None);
    assert_eq!(tag_above(&harness, "date", find(&harness, "Rabu")), None);
}

#[test]
fn plain_lines_are_as_close_as_ordinary_text_and_lines_with_spans_get_room() {
    let plain =
        "Presiden Rusia menyambut tamunya di kosmodrom Vostochny pada Rabu siang. ".repeat(6);
    let (_project, harness) = annotated_keys(&format!(
        "{plain}\n[[Kim|actor] berkata bahwa [Rusia|location] akan membantu|claim]. {plain}\n"
    ));
    // The tops of the rows of `range`, in order.
    let row_tops = |range: std::ops::Range<usize>| {
        let mut tops: Vec<f32> = Vec::new();
        for at in range {
            let rect = harness.state().text_rect(at..at + 1).unwrap();
            if tops.last().is_none_or(|top| rect.top() > top + 1.0) {
                tops.push(rect.top());
            }
        }
        tops
    };
    let row_height = harness.state().text_rect(0..1).unwrap().height();
    let first = row_tops(0..plain.chars().count());
    assert!(first.len() >= 3, "the plain paragraph wraps: {first:?}");
    let plain_pitch = first[1] - first[0];
    assert!((first[2] - first[1] - plain_pitch).abs() < 1.0);
    assert!(
        plain_pitch <= 1.3 * row_height,
        "{plain_pitch} for rows {row_height} high"
    );
    let second = find(&harness, "Kim berkata");
    let tops = row_tops(second.start..second.start + plain.chars().count());
    assert!(tops.len() >= 2, "{tops:?}");
    let spanned_pitch = tops[1] - tops[0];
    assert!(
        spanned_pitch > plain_pitch + 4.0,
        "a row with nested spans {spanned_pitch} apart, a plain one {plain_pitch}"
    );
    // The first row with spans has room above it for their tags.
    let gap_above = tops[0] - (first.last().unwrap() + row_height);
    assert!(gap_above > row_height, "{gap_above}");
}
