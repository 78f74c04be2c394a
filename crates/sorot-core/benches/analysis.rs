//! Speed and memory of agreement and adjudication on a generated corpus.
//!
//! Run with `cargo bench --bench analysis`. It generates 10,000 documents
//! (about 32 MB of text) annotated by three annotators, 50 spans and 6
//! relations each per document, who differ as annotators do: each leaves
//! out some spans, moves the edges of others by a token, and labels a few
//! otherwise. Then it times, with the peak memory (VmHWM, counted from the
//! step's start, on Linux):
//! - `agree` for two annotators, and for three;
//! - `adjudicate` of two annotators into an empty gold set (every agreed
//!   span and relation written), and the same again, which finds nothing
//!   left to take.
//!
//! It allocates with `mimalloc`, as the `sorot` binary does.
//!
//! SOROT_BENCH_DIR keeps the generated corpus there, for profiling with
//! the command line (`sorot agree DIR/corpus --annotators ayu,budi,citra`).

use std::fs;
use std::path::Path;
use std::time::Instant;

use sorot_core::analysis::adjudicate::{Strategy, adjudicate};
use sorot_core::analysis::agree::agree;
use sorot_core::model::{Relation, Span, Status};
use sorot_core::project::Project;
use sorot_core::store::{AnnotationFile, FORMAT_VERSION, OffsetUnit, fingerprint};

mod common;
use common::{peak_memory, reset_peak_memory, settle};

/// The `sorot` binary's allocator, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DOCUMENTS: usize = 10_000;
const SPANS: usize = 50;
const ANNOTATORS: [&str; 3] = ["ayu", "budi", "citra"];

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = std::env::var_os("SOROT_BENCH_DIR")
        .map_or_else(|| dir.path().to_owned(), std::path::PathBuf::from);
    let root = base.join("corpus-analysis");
    let _ = fs::remove_dir_all(&root);
    let start = Instant::now();
    let bytes = generate(&root);
    settle(&root);
    println!(
        "generated {DOCUMENTS} documents, {:.1} MB of text, 3 annotators, in {:.2} s",
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    let project = Project::open(&root).unwrap();
    for annotators in [&ANNOTATORS[..2], &ANNOTATORS[..]] {
        let names: Vec<String> = annotators.iter().map(|a| a.to_string()).collect();
        reset_peak_memory();
        let start = Instant::now();
        let report = agree(&project, &names);
        println!(
            "agree, {} annotators      {:.3} s  peak memory {}  ({} documents, micro span F1 of the first pair {:.3}, u-alpha micro {:.3})",
            names.len(),
            start.elapsed().as_secs_f64(),
            peak_memory(),
            report.corpus.documents,
            report.corpus.pairs[0]
                .micro
                .span_f1_exact
                .value()
                .unwrap_or(f64::NAN),
            report.corpus.u_alpha_micro.value().unwrap_or(f64::NAN),
        );
    }
    let pair: Vec<String> = ANNOTATORS[..2].iter().map(|a| a.to_string()).collect();
    for run in ["into an empty gold set", "again, nothing left"] {
        reset_peak_memory();
        let start = Instant::now();
        let done = adjudicate(&project, &pair, Strategy::Agreements, &[]);
        let spans: usize = done.iter().map(|d| d.spans_added).sum();
        let relations: usize = done.iter().map(|d| d.relations_added).sum();
        println!(
            "adjudicate {run:<24} {:.3} s  peak memory {}  ({spans} spans and {relations} relations taken)",
            start.elapsed().as_secs_f64(),
            peak_memory(),
        );
        settle(&root);
    }
}

/// Writes the corpus; returns the size of its text in bytes.
fn generate(root: &Path) -> usize {
    fs::create_dir_all(root.join("texts")).unwrap();
    fs::write(root.join("sorot.ron"), "(texts: \"texts\")").unwrap();
    let text = common::article();
    let chars: Vec<char> = text.chars().collect();
    // Spans on token edges: whole tokens of the shared tokenizer.
    let source = sorot_core::model::text::SourceText::new(text.clone()).unwrap();
    let tokens = sorot_core::formats::tokenize::tokens(&source);
    let step = tokens.len() / SPANS;
    let labels = ["actor", "location", "date", "claim"];
    let files: Vec<(Vec<Span>, Vec<Relation>)> = (0..ANNOTATORS.len())
        .map(|who| {
            let mut spans = Vec::new();
            let mut relations = Vec::new();
            for n in 0..SPANS {
                // Each annotator other than the first leaves out one span
                // in ten, moves the end of another by a token and labels
                // a third otherwise, each at their own place.
                let place = (n + 3 * who) % 10;
                if who > 0 && place == 0 {
                    continue;
                }
                let first = n * step;
                let last = first + (n % 2) + usize::from(who > 0 && place == 5);
                let mut label = labels[n % 4];
                if who > 0 && place == 7 {
                    label = labels[(n + 1) % 4];
                }
                let (start, end) = (tokens[first].start(), tokens[last].end());
                spans.push(Span {
                    id: n as u32 + 1,
                    start,
                    end,
                    label: label.into(),
                    text: chars[start..end].iter().collect(),
                    note: String::new(),
                    notes: Vec::new(),
                    value: String::new(),
                    resource: String::new(),
                    entry_name: String::new(),
                    attributes: Default::default(),
                });
            }
            // A claim's source: the actor three spans before it.
            let label_of = |id: u32| spans.iter().find(|s| s.id == id).map(|s| s.label.as_str());
            for n in (3..SPANS).step_by(8) {
                let (from, to) = (n as u32 + 1, n as u32 - 2);
                if label_of(from) == Some("claim") && label_of(to) == Some("actor") {
                    relations.push(Relation {
                        from,
                        to,
                        kind: "source".into(),
                    });
                }
            }
            (spans, relations)
        })
        .collect();
    let mut bytes = 0;
    for n in 0..DOCUMENTS {
        let id = format!("{:03}/article-{n:05}.txt", n / 100);
        let path = root.join("texts").join(&id);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &text).unwrap();
        bytes += text.len();
        for (annotator, (spans, relations)) in ANNOTATORS.iter().zip(&files) {
            let mut spans = spans.clone();
            spans.sort_by_key(|s| (s.start, s.end, s.label.clone(), s.id));
            let file = AnnotationFile {
                format_version: FORMAT_VERSION,
                source: format!("texts/{id}"),
                fingerprint: fingerprint(text.as_bytes()),
                offset_unit: OffsetUnit::CodePoint,
                annotator: (*annotator).into(),
                status: Status::Done,
                spans,
                rejected: Vec::new(),
                relations: relations.clone(),
                rejected_relations: Vec::new(),
                unknown: Default::default(),
            };
            let ann = root
                .join("annotations")
                .join(annotator)
                .join(format!("{id}.ron"));
            fs::create_dir_all(ann.parent().unwrap()).unwrap();
            fs::write(ann, file.to_ron()).unwrap();
        }
    }
    bytes
}
