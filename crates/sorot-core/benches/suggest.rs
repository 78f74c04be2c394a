//! Speed of string suggestions on the generated corpus.
//!
//! Run with `cargo bench -p sorot-core --bench suggest`. It generates the
//! corpus of the `formats` bench (10,000 documents, about 31 MB of text, 50
//! spans each, annotated by the annotator "bench") and times, five times
//! each, printing every run's wall and CPU time and the medians:
//!
//! 1. `sorot suggest --kind strings --annotator bench` as the command runs
//!    it, output aside: the lexicon read from every annotation file, every
//!    text and annotation file read, the suggestions found and each
//!    document's JSON line written to memory;
//! 2. the matching alone, on the texts and annotations already in memory:
//!    the automaton built from the lexicon, then every text searched with
//!    its annotations ruling suggestions out (what `tests/peers/
//!    time_phrasematcher.py` sets against spaCy's `PhraseMatcher`);
//! 3. the same search with no annotations, so that nothing is ruled out;
//! 4. the search of step 2 with a lexicon of 10,000 texts: the annotator's
//!    and made-up names ("Tokoh 17") that the texts do not hold, as a large
//!    gazetteer adds.
//!
//! With `SOROT_BENCH_DIR=/some/folder` the corpus is generated there and
//! kept (an earlier one there is used as it is).

use std::time::Instant;

mod common;

use common::{DOCUMENTS, cpu_seconds, generate, peak_memory, reset_peak_memory};
use sorot_core::analysis::suggest::{StringMatcher, SuggestKind, project_lexicon, suggest_project};
use sorot_core::model::Annotations;
use sorot_core::model::text::SourceText;
use sorot_core::project::Project;
use sorot_core::project::document::OpenDocument;

const RUNS: usize = 5;
/// Texts of the large lexicon.
const LARGE: usize = 10_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = std::env::var_os("SOROT_BENCH_DIR")
        .map_or_else(|| dir.path().to_owned(), std::path::PathBuf::from);
    let root = base.join("corpus");
    if !root.join("sorot.ron").is_file() {
        let start = Instant::now();
        let bytes = generate(&root);
        println!(
            "generated {DOCUMENTS} documents, {:.1} MB of text, in {:.2} s",
            bytes as f64 / 1e6,
            start.elapsed().as_secs_f64()
        );
    }
    let project = Project::open(&root).unwrap();
    assert_eq!(project.docs().len(), DOCUMENTS);

    reset_peak_memory();
    let mut lines = 0;
    timed("suggest --kind strings, reading and writing", || {
        let done = suggest_project(&project, SuggestKind::Strings, Some("bench"), None).unwrap();
        lines = done.lines.len();
        done.suggestions
    });
    println!(
        "  {:.0} MB of JSON lines; peak memory {}",
        lines as f64 / 1e6,
        peak_memory()
    );

    let docs: Vec<(SourceText, Annotations)> = project
        .docs()
        .iter()
        .map(|doc| {
            let open = OpenDocument::open_to_read(&project, doc, "bench").unwrap();
            let annotations = open.annotations().clone();
            (open.text, annotations)
        })
        .collect();
    let bytes: usize = docs.iter().map(|(text, _)| text.as_str().len()).sum();
    let lexicon = project_lexicon(&project, "bench").unwrap();
    println!(
        "in memory: {} texts, {:.1} MB, a lexicon of {} texts",
        docs.len(),
        bytes as f64 / 1e6,
        lexicon.len()
    );
    // A gazetteer's worth of names that the texts do not hold, besides.
    let mut large = lexicon.clone();
    let labels = ["actor", "location", "date", "claim"];
    for n in 0..LARGE - lexicon.len() {
        large.insert(format!("Tokoh {n}"), labels[n % labels.len()].to_owned());
    }
    let none = Annotations::default();
    for (what, lexicon, with_annotations) in [
        ("matching, the annotator's spans ruling out", &lexicon, true),
        ("matching, nothing ruled out", &lexicon, false),
        (
            "matching, a lexicon of 10,000 texts, the spans ruling out",
            &large,
            true,
        ),
    ] {
        let seconds = timed(what, || {
            let matcher = StringMatcher::new(lexicon).unwrap();
            // Each document's suggestions are dropped once counted, as the
            // command drops them once written.
            docs.iter()
                .map(|(text, annotations)| {
                    let found =
                        matcher.find(text, if with_annotations { annotations } else { &none });
                    found.len()
                })
                .sum()
        });
        println!("  {:.0} MB/s", bytes as f64 / 1e6 / seconds);
    }
}

/// Runs `work` [`RUNS`] times, printing each run's wall and CPU time and
/// what it counted, then the medians; returns the median wall time in
/// seconds.
fn timed(what: &str, mut work: impl FnMut() -> usize) -> f64 {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..RUNS {
        let (start, cpu) = (Instant::now(), cpu_seconds());
        let count = work();
        let (wall, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        println!("{what}: {wall:.3} s, CPU {cpu:.2} s ({count} suggestions)");
        walls.push(wall);
        cpus.push(cpu);
    }
    walls.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    let median = walls[RUNS / 2];
    println!(
        "{what}: median {median:.3} s ({:.3}–{:.3} s), CPU {:.2} s",
        walls[0],
        walls[RUNS - 1],
        cpus[RUNS / 2]
    );
    median
}
