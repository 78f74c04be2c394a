//! What the benches share: the generated corpus, the process's peak memory
//! and CPU time.

// Each bench uses only some of it.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use sorot_core::model::{Span, Status};
use sorot_core::store::{AnnotationFile, FORMAT_VERSION, OffsetUnit, fingerprint};

/// Documents of the corpus.
pub const DOCUMENTS: usize = 10_000;
/// Spans of each document.
pub const SPANS: usize = 50;

/// The sentences the texts are made of.
pub const SENTENCES: [&str; 5] = [
    "Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara Kim Jong Un di Vostochny pada Rabu (13/9/2023).",
    "“Kami akan membantu mereka membangun satelit,” kata Putin kepada wartawan — janji yang memicu kekhawatiran AS.",
    "Kim Jong-un tiba di Pyongyang pada 18-19 Juni 2024 untuk menyambut Putin dalam kunjungan kenegaraan.",
    "Pejabat Korea Selatan mengatakan senjata dari Korea Utara telah dikirim ke Rusia sejak Juli lalu.",
    "Menurut KCNA, kedua pemimpin menandatangani perjanjian kemitraan strategis yang komprehensif.",
];

/// A generated article: 30 sentences, a line end after every sixth.
pub fn article() -> String {
    let mut text = String::new();
    for i in 0..30 {
        text.push_str(SENTENCES[i % SENTENCES.len()]);
        text.push(if i % 6 == 5 { '\n' } else { ' ' });
    }
    text
}

/// Flushes what earlier steps wrote, untimed, so that the disk writing it
/// back does not slow the next step down.
pub fn settle(dir: &Path) {
    #[cfg(target_os = "linux")]
    rustix::fs::syncfs(fs::File::open(dir).unwrap()).unwrap();
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
}

/// Writes the corpus; returns its size in bytes.
pub fn generate(root: &Path) -> usize {
    fs::create_dir_all(root.join("texts")).unwrap();
    fs::write(root.join("sorot.ron"), "(texts: \"texts\")").unwrap();
    let text = article();
    let chars: Vec<char> = text.chars().collect();
    // Spans on token edges: whole tokens of the shared tokenizer.
    let source = sorot_core::model::text::SourceText::new(text.clone()).unwrap();
    let tokens = sorot_core::formats::tokenize::tokens(&source);
    let step = tokens.len() / SPANS;
    let labels = ["actor", "location", "date", "claim"];
    let spans: Vec<Span> = (0..SPANS)
        .map(|n| {
            let first = &tokens[n * step];
            let last = &tokens[n * step + (n % 2)];
            let range = first.start()..last.end();
            let text = chars[range.clone()].iter().collect();
            Span::new(n as u32 + 1, range, labels[n % 4].into(), text)
        })
        .collect();
    let annotations = sorot_core::model::Annotations::new(Status::InProgress, spans).unwrap();
    let mut bytes = 0;
    for n in 0..DOCUMENTS {
        let id = format!("{:03}/article-{n:05}.txt", n / 100);
        let path = root.join("texts").join(&id);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &text).unwrap();
        bytes += text.len();
        let file = AnnotationFile {
            format_version: FORMAT_VERSION,
            source: format!("texts/{id}"),
            fingerprint: fingerprint(text.as_bytes()),
            offset_unit: OffsetUnit::CodePoint,
            annotator: "bench".into(),
            status: Status::Done,
            spans: annotations.spans().to_vec(),
            rejected: Vec::new(),
            relations: Vec::new(),
            rejected_relations: Vec::new(),
            unknown: Default::default(),
        };
        let ann = root.join("annotations/bench").join(format!("{id}.ron"));
        fs::create_dir_all(ann.parent().unwrap()).unwrap();
        fs::write(ann, file.to_ron()).unwrap();
    }
    bytes
}

/// Starts counting the process's peak memory afresh, where the system can
/// (Linux: `/proc/self/clear_refs`).
pub fn reset_peak_memory() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory, from /proc (Linux).
pub fn peak_memory() -> String {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The process's CPU time so far (user and system, all threads), in
/// seconds, from /proc (Linux, counted in hundredths of a second); zero
/// elsewhere. On a shared machine it varies less than wall time.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command's name, which is in parentheses: utime
    // and stime are the 12th and 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}
