//! What the benchmarks share: the generated article text, and the process's
//! peak memory.

use std::fs;
use std::path::Path;

/// The sentences a generated article is made of: curly quotes, a dash,
/// dates in several forms.
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

/// Starts counting the peak memory again from what the process holds now.
pub fn reset_peak_memory() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

/// Flushes what earlier steps wrote, untimed, so that the disk writing it
/// back does not slow the next step down.
pub fn settle(dir: &Path) {
    #[cfg(target_os = "linux")]
    rustix::fs::syncfs(fs::File::open(dir).unwrap()).unwrap();
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
}
