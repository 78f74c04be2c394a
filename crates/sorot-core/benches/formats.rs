//! Speed and memory of exports and imports on a generated corpus.
//!
//! Run with `cargo bench --bench formats`. It generates 10,000 documents
//! (about 32 MB of text, 50 spans each) annotated by one annotator, exports
//! them in every format, imports the doccano and Label Studio exports into
//! fresh projects and the CoNLL export back onto the corpus (twice: as a new
//! annotator, then replacing that annotator's files), printing wall
//! time and the process's peak memory (VmHWM) after each step: an export that
//! streams leaves the peak where earlier steps put it (the allocator keeps
//! what the 50 MB text's step took, so time the command line for an
//! export's own peak); each import's peak is counted from its start, on top
//! of what the process already holds (on Linux).
//!
//! Writing many small files costs what the file system makes it cost, so
//! after brat and after the doccano import it also prints a **floor**: the time to
//! create the same files (same folders, same sizes) in a plain loop, and for
//! the import, to create them and flush them to disk with one `syncfs`, as
//! the import's batch write does. Before each step, what earlier steps wrote
//! is flushed (untimed), so that no step pays for another's writing.
//!
//! First, a single 50 MB text on one line with two annotators: its CoNLL and
//! Hugging Face exports and agreement, each with its peak memory, to set
//! against the text's size.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod common;

use common::{DOCUMENTS, SENTENCES, SPANS, generate, peak_memory, reset_peak_memory, settle};
use sorot_core::formats::export::{Format, Options, export_to};
use sorot_core::formats::import::{ImportFormat, ImportOptions, import};
use sorot_core::model::{Span, Status};
use sorot_core::project::Project;
use sorot_core::store::{AnnotationFile, FORMAT_VERSION, OffsetUnit, fingerprint};

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    // First, while the process is small: a step's peak memory is counted
    // from what the process holds when it starts.
    huge_text(&dir.path().join("huge"));
    // SOROT_BENCH_DIR keeps the generated corpus there, for profiling.
    let base = std::env::var_os("SOROT_BENCH_DIR")
        .map_or_else(|| dir.path().to_owned(), std::path::PathBuf::from);
    let root = base.join("corpus");
    // What an earlier run in SOROT_BENCH_DIR wrote goes first: the import
    // would keep its files and import nothing. On ext4 without a journal,
    // creating files soon after deleting many costs more (the allocator reads
    // and skips recently deleted inodes), so the run then waits a while.
    let mut removed = false;
    for earlier in [
        "out",
        "fresh",
        "fresh-ls",
        "floor-brat",
        "floor-import",
        "floor-import-flushed",
        "corpus/annotations/imported",
    ] {
        removed |= fs::remove_dir_all(base.join(earlier)).is_ok();
    }
    if removed {
        println!(
            "removed an earlier run's output; waiting 35 s so that no step pays for the deletion"
        );
        std::thread::sleep(std::time::Duration::from_secs(35));
    }
    let start = Instant::now();
    let bytes = generate(&root);
    println!(
        "generated {DOCUMENTS} documents, {:.1} MB of text, {} spans, in {:.2} s; peak memory {}",
        bytes as f64 / 1e6,
        DOCUMENTS * SPANS,
        start.elapsed().as_secs_f64(),
        peak_memory()
    );
    settle(&base);
    let project = Project::open(&root).unwrap();
    let out = base.join("out");
    fs::create_dir_all(&out).unwrap();
    for (format, name, layers) in [
        (Format::Jsonl, "jsonl", false),
        (Format::Spacy, "spacy", false),
        (Format::Conll, "conll", true),
        (Format::Hf, "hf", true),
        (Format::Brat, "brat", false),
        (Format::Labelstudio, "labelstudio", false),
        (Format::Csv, "csv", false),
    ] {
        let mut options = Options::new(format, "bench");
        if layers {
            options.layers = vec![
                vec!["actor".into(), "location".into(), "date".into()],
                vec!["claim".into()],
            ];
        }
        let target = out.join(name);
        settle(&base);
        let start = Instant::now();
        let written = export_to(&project, &options, &target, false).unwrap();
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(written.report.documents, DOCUMENTS);
        assert!(
            written.report.losses.is_empty(),
            "{:?}",
            written.report.losses.first()
        );
        println!(
            "export {name:<12} {seconds:.3} s  ({} spans)  peak memory {}",
            written.report.spans,
            peak_memory()
        );
        if format == Format::Brat {
            let files = files_under(&target);
            settle(&base);
            let plain = floor(&files, &base.join("floor-brat"), false);
            println!(
                "  floor: creating its {} files in a loop takes {plain:.3} s",
                files.len()
            );
        }
    }
    // The same export of a corpus the system has not cached, as after a
    // restart: reading waits for the disk.
    #[cfg(target_os = "linux")]
    {
        settle(&base);
        for (path, _) in files_under(&root) {
            let file = fs::File::open(root.join(path)).unwrap();
            rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
        }
        let start = Instant::now();
        let written = export_to(
            &project,
            &Options::new(Format::Jsonl, "bench"),
            &out.join("jsonl-uncached"),
            false,
        )
        .unwrap();
        assert_eq!(written.report.spans, DOCUMENTS * SPANS);
        println!(
            "export jsonl, corpus not cached  {:.3} s",
            start.elapsed().as_secs_f64()
        );
    }
    // Import the doccano and the Label Studio exports, each into a project
    // that has none of the texts. Peak memory is counted afresh for each.
    for (format, name, folder) in [
        (ImportFormat::Jsonl, "jsonl", "fresh"),
        (ImportFormat::Labelstudio, "labelstudio", "fresh-ls"),
    ] {
        let fresh = base.join(folder);
        fs::create_dir_all(&fresh).unwrap();
        let fresh_project = Project::open(&fresh).unwrap();
        timed_import(
            &base,
            &fresh_project,
            format,
            &out.join(name),
            "texts added",
        );
        if format == ImportFormat::Jsonl {
            let files = files_under(&fresh);
            settle(&base);
            let plain = floor(&files, &base.join("floor-import"), false);
            settle(&base);
            let flushed = floor(&files, &base.join("floor-import-flushed"), true);
            println!(
                "  floor: creating its {} files in a loop takes {plain:.3} s, and then flushing them to disk {flushed:.3} s",
                files.len()
            );
        }
    }
    // The CoNLL export matched back onto the corpus's own texts, as a new
    // annotator's files, then again over those files.
    for what in ["a new annotator", "replacing its files"] {
        let what = format!("matched onto the texts as {what}");
        timed_import(
            &base,
            &project,
            ImportFormat::Conll,
            &out.join("conll"),
            &what,
        );
    }
}

/// One 50 MB text on one line, annotated by two annotators with 5,000 spans
/// each: the CoNLL and Hugging Face exports and agreement, each with its
/// peak memory against the text's size (target: under four times).
fn huge_text(root: &Path) {
    fs::create_dir_all(root.join("texts")).unwrap();
    fs::write(root.join("sorot.ron"), "(texts: \"texts\")").unwrap();
    let mut text = String::with_capacity(50_000_100);
    let mut i = 0;
    while text.len() < 50_000_000 {
        text.push_str(SENTENCES[i % SENTENCES.len()]);
        text.push(' ');
        i += 1;
    }
    fs::write(root.join("texts/huge.txt"), &text).unwrap();
    // Each annotator marks every n-th "Putin", the other every n-th "Kim".
    for (annotator, word) in [("ayu", "Putin"), ("budi", "Kim")] {
        let mut spans = Vec::new();
        let mut chars = 0;
        let mut from = 0;
        while spans.len() < 5_000 {
            let Some(at) = text[from..].find(word).map(|at| from + at) else {
                break;
            };
            chars += text[from..at].chars().count();
            spans.push(Span::new(
                spans.len() as u32 + 1,
                chars..chars + word.len(),
                "actor".into(),
                word.into(),
            ));
            // Skip ahead, so that the spans spread over the text.
            chars += word.len();
            from = at + word.len();
            let skip = text[from..]
                .char_indices()
                .nth(9_000)
                .map_or(text.len() - from, |(b, _)| b);
            chars += text[from..from + skip].chars().count();
            from += skip;
        }
        let file = AnnotationFile {
            format_version: FORMAT_VERSION,
            source: "texts/huge.txt".into(),
            fingerprint: fingerprint(text.as_bytes()),
            offset_unit: OffsetUnit::CodePoint,
            annotator: annotator.into(),
            status: Status::InProgress,
            spans,
            rejected: Vec::new(),
            relations: Vec::new(),
            rejected_relations: Vec::new(),
            unknown: Default::default(),
        };
        fs::create_dir_all(root.join("annotations").join(annotator)).unwrap();
        fs::write(
            root.join("annotations")
                .join(annotator)
                .join("huge.txt.ron"),
            file.to_ron(),
        )
        .unwrap();
    }
    let megabytes = text.len() as f64 / 1e6;
    drop(text);
    let project = Project::open(root).unwrap();
    println!("one text of {megabytes:.0} MB on one line, two annotators with 5,000 spans each:");
    for format in [Format::Conll, Format::Hf] {
        reset_peak_memory();
        let start = Instant::now();
        let written = export_to(
            &project,
            &Options::new(format, "ayu"),
            &root.join(format!("out.{format:?}")),
            false,
        )
        .unwrap();
        println!(
            "  export {:<6} {:.3} s  ({} spans)  peak memory {}",
            format!("{format:?}").to_lowercase(),
            start.elapsed().as_secs_f64(),
            written.report.spans,
            peak_memory()
        );
    }
    reset_peak_memory();
    let start = Instant::now();
    let report = sorot_core::analysis::agree::agree(&project, &["ayu".into(), "budi".into()]);
    println!(
        "  agree        {:.3} s  ({} documents)  peak memory {}",
        start.elapsed().as_secs_f64(),
        report.corpus.documents,
        peak_memory()
    );
}

/// Imports `input` into `project` as the annotator "imported" (code-point
/// offsets, replacing that annotator's files), and prints the time and the
/// peak memory counted from the start; `what` says what the import did.
fn timed_import(base: &Path, project: &Project, format: ImportFormat, input: &Path, what: &str) {
    let options = ImportOptions {
        replace: true,
        ..ImportOptions::new(format, "imported")
    };
    settle(base);
    reset_peak_memory();
    let start = Instant::now();
    let report = import(project, &options, &[input.to_owned()]).unwrap();
    println!(
        "import {:<12} {:.3} s  ({} documents, {} spans, {what})  peak memory {}",
        format!("{format:?}").to_lowercase(),
        start.elapsed().as_secs_f64(),
        report.documents,
        report.spans,
        peak_memory()
    );
    assert_eq!(report.spans, DOCUMENTS * SPANS);
}

/// Every file under `dir`: its path relative to `dir` and its size.
fn files_under(dir: &Path) -> Vec<(PathBuf, usize)> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let size = fs::metadata(&path).unwrap().len() as usize;
                files.push((path.strip_prefix(dir).unwrap().to_owned(), size));
            }
        }
    }
    files.sort();
    files
}

/// Seconds to create `files` (folders first) under `root` with bytes of
/// their sizes; with `flush`, then to flush the file system once, as a batch
/// write does.
fn floor(files: &[(PathBuf, usize)], root: &Path, flush: bool) -> f64 {
    let bytes = vec![b'x'; files.iter().map(|f| f.1).max().unwrap_or(0)];
    let start = Instant::now();
    let folders: std::collections::BTreeSet<&Path> =
        files.iter().filter_map(|(path, _)| path.parent()).collect();
    for folder in folders {
        fs::create_dir_all(root.join(folder)).unwrap();
    }
    for (path, size) in files {
        let mut file = fs::File::create(root.join(path)).unwrap();
        file.write_all(&bytes[..*size]).unwrap();
    }
    if flush {
        #[cfg(target_os = "linux")]
        rustix::fs::syncfs(fs::File::open(root).unwrap()).unwrap();
        #[cfg(not(target_os = "linux"))]
        for (path, _) in files {
            fs::File::open(root.join(path)).unwrap().sync_all().unwrap();
        }
    }
    start.elapsed().as_secs_f64()
}
