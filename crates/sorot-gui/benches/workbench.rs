//! Speed of the annotation loop, measured on generated data.
//!
//! Run with `cargo bench --bench workbench` (followed by `-- accept`, say,
//! for the parts named big, article, accept or list alone). It prints,
//! for release builds:
//! - opening a 1 MB article with 5,000 spans (text read and indexed, RON
//!   parsed and checked against the text) and its first frame;
//! - the time of a workbench frame while scrolling that article, of the frame
//!   that adds a span (command, edit, the autosave handed to the writer
//!   thread, paint) and of the frame after it; then that every save landed;
//! - on the same article, every key of the keyboard workflow (the caret by
//!   words, lines, screens and to the ends, selecting by Shift+Right and
//!   labeling by a digit, Tab between spans, resizing a span, undo, find):
//!   the CPU time of the frame that takes the key and of the frame after it;
//! - on the same article with a gazetteer of places, accepting all of the
//!   more than 10,000 suggestions it brings (one command, one undo step):
//!   the frame that accepts them all, and the frame that undoes that;
//! - listing a project of 10,000 short annotated articles (texts found,
//!   every annotation file's status and span count read), from the cache
//!   and, on Linux, with nothing cached;
//! - three big documents, each opened in the workbench and scrolled: a 1 MB
//!   text in one paragraph with 5,000 spans, a 10 MB text with a million
//!   spans, and a 50 MB text on one line; for each, the time to open it with
//!   its first frame, a scrolling frame, and (Linux) the peak memory while
//!   it was open.
//!
//! `cargo bench --bench workbench -- article` (or `big`, `list`) runs only
//! the parts named.
//!
//! Medians over repeated runs of wall-clock time on the UI thread, an upper
//! bound of its CPU time; the machine's other load shows in the spread.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use egui::{Event, MouseWheelSource, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase, Vec2};
use sorot_core::model::Status;
use sorot_core::project::Project;
use sorot_core::project::document::OpenDocument;
use sorot_core::store::{AnnotationFile, FORMAT_VERSION, OffsetUnit, fingerprint};
use sorot_gui::app::Action;
use sorot_gui::prefs::Preferences;
use sorot_gui::{SorotApp, StartOptions};

const SENTENCES: [&str; 6] = [
    "Presiden Rusia Vladimir Putin dan pemimpin Korea Utara Kim Jong Un bertemu di Vostochny pada Rabu (13/9/2023).",
    "“Kami akan membantu mereka membangun satelit,” kata Putin kepada wartawan — sebuah janji yang memicu kekhawatiran AS.",
    "Kim Jong-un tiba di Pyongyang pada 18-19 Juni 2024 untuk menyambut Putin 😊 dalam kunjungan kenegaraan.",
    "Pejabat Korea Selatan mengatakan bahwa senjata dari Korea Utara telah dikirim ke Rusia sejak Juli lalu.",
    "Menurut KCNA, kedua pemimpin menandatangani perjanjian kemitraan strategis yang komprehensif.",
    "Para analis di Seoul memperkirakan kerja sama militer kedua negara akan terus meningkat.",
];

fn main() {
    // `cargo bench --bench workbench -- accept` runs only the parts named:
    // big, article, accept, list; none named, all.
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runs = |part: &str| parts.is_empty() || parts.iter().any(|p| p == part);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut report = String::new();
    if runs("big") {
        for (name, size, paragraph, spans) in [
            ("1 MB in one paragraph, 5,000 spans", 1_000_000, None, 5_000),
            ("10 MB, a million spans", 10_000_000, Some(5), 1_000_000),
            ("50 MB on one line, 5,000 spans", 50_000_000, None, 5_000),
        ] {
            let root = dir.path().join(format!("big-{size}"));
            fs::create_dir_all(&root).unwrap();
            big_document(&root, name, size, paragraph, spans, &mut report);
        }
    }
    if runs("article") {
        let article = dir.path().join("article");
        fs::create_dir_all(&article).unwrap();
        large_document(&article, &mut report);
    }
    if runs("accept") {
        let accepting = dir.path().join("accept-all");
        fs::create_dir_all(&accepting).unwrap();
        accept_all(&accepting, &mut report);
    }
    if runs("list") {
        large_project(&dir.path().join("many"), &mut report);
    }
    println!("{report}");
}

/// Writes a ~1 MB article with `spans` spans and its annotation file.
fn write_large_document(root: &Path, spans: usize) -> String {
    write_document(root, 1_000_000, Some(5), spans)
}

/// Writes an article of about `size` bytes, a paragraph every `paragraph`
/// sentences (`None`: one paragraph), with `spans` spans and its annotation
/// file.
fn write_document(root: &Path, size: usize, paragraph: Option<usize>, spans: usize) -> String {
    let mut text = String::with_capacity(size + 200);
    let mut i = 0;
    while text.len() < size {
        text.push_str(SENTENCES[i % SENTENCES.len()]);
        let ends_paragraph = paragraph.is_some_and(|every| i % every == every - 1);
        text.push(if ends_paragraph { '\n' } else { ' ' });
        i += 1;
    }
    fs::write(root.join("big.txt"), &text).unwrap();
    let chars: Vec<char> = text.chars().collect();
    // Evenly spaced spans over whole words, some nested in longer ones.
    let step = chars.len() / spans;
    let mut list = Vec::new();
    for n in 0..spans {
        let start = n * step;
        let len = if n % 7 == 0 { step * 2 } else { 9.min(step) };
        let end = (start + len).min(chars.len());
        list.push(sorot_core::model::Span {
            id: n as u32 + 1,
            start,
            end,
            label: ["actor", "location", "date", "claim"][n % 4].into(),
            text: chars[start..end].iter().collect(),
            note: String::new(),
            notes: Vec::new(),
            value: String::new(),
            resource: String::new(),
            entry_name: String::new(),
            attributes: Default::default(),
        });
    }
    let file = AnnotationFile {
        format_version: FORMAT_VERSION,
        source: "big.txt".into(),
        fingerprint: fingerprint(text.as_bytes()),
        offset_unit: OffsetUnit::CodePoint,
        annotator: "bench".into(),
        status: Status::InProgress,
        spans: list,
        rejected: Vec::new(),
        relations: Vec::new(),
        rejected_relations: Vec::new(),
        unknown: Default::default(),
    };
    fs::create_dir_all(root.join("annotations/bench")).unwrap();
    fs::write(root.join("annotations/bench/big.txt.ron"), file.to_ron()).unwrap();
    text
}

fn large_document(root: &Path, report: &mut String) {
    let text = write_large_document(root, 5_000);
    let project = Project::open(root).unwrap();
    let doc = project.doc("big.txt").unwrap().clone();

    let open_times: Vec<Duration> = (0..9)
        .map(|_| {
            let start = Instant::now();
            let document = OpenDocument::open(&project, &doc, "bench").unwrap();
            assert_eq!(document.spans().len(), 5_000);
            assert!(document.is_editable());
            start.elapsed()
        })
        .collect();

    // The whole workbench, headless: open, first frame, scrolling frames, adding spans.
    let ctx = egui::Context::default();
    let input = |events: Vec<Event>| RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1400.0, 900.0))),
        events,
        ..RawInput::default()
    };
    let start = Instant::now();
    let mut app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(root.to_owned()),
            annotator: Some("bench".into()),
        },
    );
    let frame = |ctx: &egui::Context, app: &mut SorotApp, events: Vec<Event>| {
        let t = Instant::now();
        let output = ctx.run_ui(input(events), |ui| app.show(ui));
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        t.elapsed()
    };
    frame(&ctx, &mut app, Vec::new());
    let open_and_first_frame = start.elapsed();

    let wheel = |dy: f32| Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: Vec2::new(0.0, dy),
        phase: TouchPhase::Move,
        source: MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    };
    // Point at the text so the wheel scrolls it.
    frame(
        &ctx,
        &mut app,
        vec![Event::PointerMoved(Pos2::new(700.0, 450.0))],
    );
    let scroll: Vec<Duration> = (0..300)
        .map(|_| frame(&ctx, &mut app, vec![wheel(-120.0)]))
        .collect();

    let mut add: Vec<Duration> = Vec::new();
    let mut after_add: Vec<Duration> = Vec::new();
    let chars = text.chars().count();
    for n in 0..30 {
        // Clear of the dates there are: two dates may not overlap.
        let mut offset = 1_000 + n * 997;
        let doc = app.workspace().unwrap().current().unwrap();
        let schema = sorot_core::model::schema::Schema::default();
        while !doc
            .overlap_conflicts(&schema, offset..offset + 4, "date", None)
            .is_empty()
        {
            offset += 13;
        }
        app.push(Action::SelectText(offset..offset + 4));
        app.push(Action::ApplyLabel("date".into()));
        // The frame runs the actions: command, edit, autosave of 5,000 spans, and paints.
        add.push(frame(&ctx, &mut app, Vec::new()));
        after_add.push(frame(&ctx, &mut app, Vec::new()));
    }
    let spans = app.workspace().unwrap().current().unwrap().spans().len();
    assert_eq!(spans, 5_030, "every span was added");
    app.wait_for_saves();
    let (saved, _) = AnnotationFile::read(&root.join("annotations/bench/big.txt.ron")).unwrap();
    assert_eq!(saved.spans.len(), 5_030, "every span reached the disk");
    assert!(chars > 900_000);

    writeln!(report, "1 MB article ({} chars), 5,000 spans:", chars).unwrap();
    writeln!(
        report,
        "  open (read, index, parse, check):  median {}",
        ms(median(open_times))
    )
    .unwrap();
    writeln!(
        report,
        "  open in the workbench + first frame: {}",
        ms(open_and_first_frame)
    )
    .unwrap();
    writeln!(
        report,
        "  frame while scrolling:               median {}, 95th percentile {}",
        ms(median(scroll.clone())),
        ms(percentile(scroll, 0.95))
    )
    .unwrap();
    writeln!(
        report,
        "  frame that adds a span (command, edit, autosave handed to the writer thread, paint): median {}",
        ms(median(add))
    )
    .unwrap();
    writeln!(
        report,
        "  next frame after adding a span: median {}",
        ms(median(after_add))
    )
    .unwrap();
    keys(&ctx, &mut app, report);
}

/// Accepting all of the known names the gazetteer brings to the 1 MB
/// article with 5,000 spans, and undoing that, five times: the frame of
/// each.
fn accept_all(root: &Path, report: &mut String) {
    write_large_document(root, 5_000);
    fs::write(
        root.join("gazetteer.tsv"),
        "Vostochny\tlocation\nPyongyang\tlocation\nSeoul\tlocation\nKorea Selatan\tlocation\nKCNA\tactor\n",
    )
    .unwrap();
    let ctx = egui::Context::default();
    let input = |events: Vec<Event>| RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1400.0, 900.0))),
        events,
        ..RawInput::default()
    };
    let mut app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(root.to_owned()),
            annotator: Some("bench".into()),
        },
    );
    let frame = |app: &mut SorotApp| {
        let t = Instant::now();
        let mut output = ctx.run_ui(input(Vec::new()), |ui| app.show(ui));
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        // No renderer takes the textures; a debug build insists they are taken.
        output.textures_delta.clear();
        t.elapsed()
    };
    frame(&mut app);
    app.push(Action::Ui(
        sorot_gui::commands::UiCommand::SuggestKnownNames,
    ));
    frame(&mut app);
    frame(&mut app);
    let offered = app.open_suggestions().expect("suggestions shown");
    assert!(offered >= 10_000, "{offered} suggestions");
    let spans = |app: &SorotApp| app.workspace().unwrap().current().unwrap().spans().len();
    let before = spans(&app);
    let (mut accept, mut undo) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        app.push(Action::Ui(
            sorot_gui::commands::UiCommand::AcceptAllSuggestions,
        ));
        accept.push(frame(&mut app));
        assert_eq!(app.open_suggestions(), Some(0));
        assert_eq!(spans(&app), before + offered);
        frame(&mut app);
        app.push(Action::Ui(sorot_gui::commands::UiCommand::Undo));
        undo.push(frame(&mut app));
        assert_eq!(app.open_suggestions(), Some(offered));
        assert_eq!(spans(&app), before);
        frame(&mut app);
    }
    app.wait_for_saves();
    writeln!(
        report,
        "accept all on the 1 MB article: {offered} suggestions over 5,000 spans:"
    )
    .unwrap();
    writeln!(
        report,
        "  frame that accepts them all (one command, one undo step, autosave handed over, paint): median {}, max {}",
        ms(median(accept.clone())),
        ms(*accept.iter().max().unwrap())
    )
    .unwrap();
    writeln!(
        report,
        "  frame that undoes it: median {}",
        ms(median(undo))
    )
    .unwrap();
}

/// The CPU time this thread has used (Linux); the wall-clock time elsewhere.
fn cpu_now() -> Duration {
    #[cfg(target_os = "linux")]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    }
    #[cfg(not(target_os = "linux"))]
    {
        static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        START.get_or_init(Instant::now).elapsed()
    }
}

/// Each key of the keyboard workflow, pressed 30 times on the open article
/// (with what it needs first): the CPU time of the frame that takes the key
/// and of the frame after it (where a move that needs the layout ends).
fn keys(ctx: &egui::Context, app: &mut SorotApp, report: &mut String) {
    use egui::{Key, Modifiers};
    let input = |events: Vec<Event>| RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1400.0, 900.0))),
        events,
        ..RawInput::default()
    };
    let frame = |app: &mut SorotApp, events: Vec<Event>| {
        let t = cpu_now();
        let output = ctx.run_ui(input(events), |ui| app.show(ui));
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        cpu_now() - t
    };
    let press = |key: Key, modifiers: Modifiers| {
        [true, false]
            .map(|pressed| Event::Key {
                key,
                physical_key: None,
                pressed,
                repeat: false,
                modifiers,
            })
            .to_vec()
    };
    // The keyboard settles on the text view.
    for _ in 0..3 {
        frame(app, Vec::new());
    }
    let shift = Modifiers::SHIFT;
    let ctrl = Modifiers::COMMAND;
    type Step = (Key, Modifiers);
    // Each case: its name, the keys pressed before each measured key, the key.
    let cases: [(&str, Vec<Step>, Step); 13] = [
        (
            "Right (next word)",
            vec![],
            (Key::ArrowRight, Modifiers::NONE),
        ),
        (
            "Left (previous word)",
            vec![],
            (Key::ArrowLeft, Modifiers::NONE),
        ),
        ("Down (a line)", vec![], (Key::ArrowDown, Modifiers::NONE)),
        (
            "End (line's end)",
            vec![(Key::ArrowDown, Modifiers::NONE)],
            (Key::End, Modifiers::NONE),
        ),
        (
            "PageDown (a screen)",
            vec![],
            (Key::PageDown, Modifiers::NONE),
        ),
        (
            "Ctrl+End / Ctrl+Home",
            vec![(Key::End, ctrl)],
            (Key::Home, ctrl),
        ),
        (
            "Shift+Right (select a word more)",
            vec![],
            (Key::ArrowRight, shift),
        ),
        (
            "a digit (label the selection)",
            vec![
                (Key::Escape, Modifiers::NONE),
                (Key::ArrowRight, Modifiers::NONE),
                (Key::ArrowRight, shift),
            ],
            (Key::Num3, Modifiers::NONE),
        ),
        ("Tab (next span)", vec![], (Key::Tab, Modifiers::NONE)),
        ("Shift+Tab (previous span)", vec![], (Key::Tab, shift)),
        (
            "Shift+Right on a span (resize)",
            vec![(Key::Tab, Modifiers::NONE), (Key::ArrowRight, shift)],
            (Key::ArrowLeft, shift),
        ),
        (
            "Ctrl+Z (undo)",
            vec![(Key::ArrowRight, shift)],
            (Key::Z, ctrl),
        ),
        (
            "F3 (next match of \"Putin\")",
            vec![],
            (Key::F3, Modifiers::NONE),
        ),
    ];
    writeln!(
        report,
        "  keys, CPU time of the key's frame / of the frame after it (median, worst of 30):"
    )
    .unwrap();
    for (name, before, (key, modifiers)) in cases {
        if key == Key::F3 {
            // The find bar open on a name the article holds many times.
            frame(app, press(Key::F, ctrl | shift));
            frame(app, vec![Event::Text("Putin".into())]);
            frame(app, press(Key::Enter, Modifiers::NONE));
            frame(app, Vec::new());
        }
        frame(app, press(Key::Escape, Modifiers::NONE));
        let spans = |app: &SorotApp| app.workspace().unwrap().current().unwrap().spans().len();
        let spans_before = spans(app);
        let (mut first, mut second) = (Vec::new(), Vec::new());
        for _ in 0..30 {
            for &(key, modifiers) in &before {
                frame(app, press(key, modifiers));
                frame(app, Vec::new());
            }
            first.push(frame(app, press(key, modifiers)));
            second.push(frame(app, Vec::new()));
        }
        if key == Key::Num3 {
            assert!(spans(app) > spans_before, "the digit labeled spans");
        }
        let worst = |times: &[Duration]| times.iter().max().copied().unwrap_or_default();
        writeln!(
            report,
            "    {name:<34} {} / {} (worst {} / {})",
            ms(median(first.clone())),
            ms(median(second.clone())),
            ms(worst(&first)),
            ms(worst(&second)),
        )
        .unwrap();
    }
}

/// Opens a big document in the workbench, headless, and scrolls it.
fn big_document(
    root: &Path,
    name: &str,
    size: usize,
    paragraph: Option<usize>,
    spans: usize,
    report: &mut String,
) {
    write_document(root, size, paragraph, spans);
    let ctx = egui::Context::default();
    let input = |events: Vec<Event>| RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1400.0, 900.0))),
        events,
        ..RawInput::default()
    };
    let frame = |ctx: &egui::Context, app: &mut SorotApp, events: Vec<Event>| {
        let t = Instant::now();
        let output = ctx.run_ui(input(events), |ui| app.show(ui));
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        t.elapsed()
    };
    reset_peak_memory();
    let start = Instant::now();
    let mut app = SorotApp::new(
        Preferences::default(),
        StartOptions {
            project: Some(root.to_owned()),
            annotator: Some("bench".into()),
        },
    );
    frame(&ctx, &mut app, Vec::new());
    let open = start.elapsed();
    let opened = app
        .workspace()
        .and_then(|w| w.current())
        .map(|d| d.spans().len());
    assert_eq!(
        opened,
        Some(spans),
        "{name}: the document opened with its spans"
    );
    frame(
        &ctx,
        &mut app,
        vec![Event::PointerMoved(Pos2::new(700.0, 450.0))],
    );
    let wheel = Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: Vec2::new(0.0, -400.0),
        phase: TouchPhase::Move,
        source: MouseWheelSource::Wheel,
        modifiers: egui::Modifiers::NONE,
    };
    let scroll: Vec<Duration> = (0..100)
        .map(|_| frame(&ctx, &mut app, vec![wheel.clone()]))
        .collect();
    let peak = peak_memory();
    writeln!(report, "{name}:").unwrap();
    writeln!(
        report,
        "  open in the workbench + first frame: {}",
        ms(open)
    )
    .unwrap();
    writeln!(
        report,
        "  frame while scrolling:               median {}, 95th percentile {}",
        ms(median(scroll.clone())),
        ms(percentile(scroll, 0.95))
    )
    .unwrap();
    if let Some(peak) = peak {
        writeln!(
            report,
            "  peak memory while open:              {} MB",
            peak / 1024
        )
        .unwrap();
    }
}

/// Starts counting the process's peak memory again (Linux).
fn reset_peak_memory() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory since the last reset, in KB (Linux).
fn peak_memory() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn large_project(root: &Path, report: &mut String) {
    fs::create_dir_all(root.join("texts")).unwrap();
    fs::create_dir_all(root.join("annotations/bench")).unwrap();
    fs::write(root.join("sorot.ron"), "(texts: \"texts\")").unwrap();
    for n in 0..10_000 {
        let text = format!("{} {}\n", SENTENCES[n % 6], SENTENCES[(n + 1) % 6]);
        let id = format!("{:03}/article-{n:05}.txt", n / 100);
        let path = root.join("texts").join(&id);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &text).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let spans = (0..5)
            .map(|k| sorot_core::model::Span {
                id: k + 1,
                start: k as usize * 10,
                end: k as usize * 10 + 6,
                label: "actor".into(),
                text: chars[k as usize * 10..k as usize * 10 + 6].iter().collect(),
                note: String::new(),
                notes: Vec::new(),
                value: String::new(),
                resource: String::new(),
                entry_name: String::new(),
                attributes: Default::default(),
            })
            .collect();
        let file = AnnotationFile {
            format_version: FORMAT_VERSION,
            source: format!("texts/{id}"),
            fingerprint: fingerprint(text.as_bytes()),
            offset_unit: OffsetUnit::CodePoint,
            annotator: "bench".into(),
            status: Status::Done,
            spans,
            rejected: Vec::new(),
            relations: Vec::new(),
            rejected_relations: Vec::new(),
            unknown: Default::default(),
        };
        let ann = root.join("annotations/bench").join(format!("{id}.ron"));
        fs::create_dir_all(ann.parent().unwrap()).unwrap();
        fs::write(ann, file.to_ron()).unwrap();
    }
    // One listing of the project, as the workbench makes when it opens it.
    let list = || {
        let start = Instant::now();
        let project = Project::open(root).unwrap();
        let summaries = project.summaries("bench");
        assert_eq!(summaries.len(), 10_000);
        start.elapsed()
    };
    let times: Vec<Duration> = (0..5).map(|_| list()).collect();
    writeln!(report, "project of 10,000 short annotated articles:").unwrap();
    writeln!(
        report,
        "  document list (find texts, read every status and span count): median {}",
        ms(median(times))
    )
    .unwrap();
    // The same with nothing cached, as when a project is opened after a
    // restart (Linux: the files are dropped from the cache first).
    #[cfg(target_os = "linux")]
    {
        let times: Vec<Duration> = (0..3)
            .map(|_| {
                uncache(root);
                list()
            })
            .collect();
        writeln!(
            report,
            "  the same, nothing cached: median {}",
            ms(median(times))
        )
        .unwrap();
    }
}

/// Flushes every file under `dir` and drops it from the system's cache.
#[cfg(target_os = "linux")]
fn uncache(dir: &Path) {
    rustix::fs::syncfs(fs::File::open(dir).unwrap()).unwrap();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let file = fs::File::open(&path).unwrap();
                rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
            }
        }
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    percentile_sorted(&mut times, 0.5)
}

fn percentile(mut times: Vec<Duration>, p: f64) -> Duration {
    percentile_sorted(&mut times, p)
}

fn percentile_sorted(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
