//! Sorot's core: everything the `sorot` command and the workbench share,
//! with no GUI toolkit and no command-line parser in it.
//!
//! Terms used across the crate:
//! - **project**: a folder of texts and the annotations made on them.
//! - **document**: one text of the project, named by its path relative to the
//!   text folder (its id).
//! - **span**: a labeled range `[start, end)` of a text, in Unicode code
//!   points.
//! - **annotator**: a person whose work is one annotation file per document,
//!   under `annotations/<annotator>/`; the gold set is the annotator `_gold`.
//!
//! The rooms, from the ground up:
//! - [`model`]: spans, texts and their offsets, the label schema, edits and
//!   their inverses, and the test notation;
//! - [`store`]: annotation files on disk, atomic and batch writes, the disk
//!   pool;
//! - [`project`]: a project folder, its documents opened for an annotator and
//!   changed only through commands, the workspace that autosaves them, and
//!   `validate`;
//! - [`analysis`]: agreement, review's differences and the gold set, date and
//!   string suggestions;
//! - [`formats`]: exports to other tools' formats and imports from them;
//! - `testing` (for tests only: this crate's, and other crates' with the
//!   `testing` feature): temporary projects written from and read back in
//!   the markup notation.
//!
//! Data flows [`project`] (which texts exist) → [`project::document`] (one
//! annotator's work on one text) → [`store`] (one RON file per document and
//! annotator) → [`formats::export`] and [`project::validate`].

pub mod analysis;
pub mod formats;
pub mod model;
pub mod project;
pub mod store;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

/// An error's message followed by the message of each of its causes, joined
/// by `: `, as the command line and the workbench print an error: no message
/// repeats its cause, so each cause appears once.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        message.push_str(": ");
        message.push_str(&err.to_string());
        cause = err.source();
    }
    message
}

/// `n` and a noun that takes an -s in the plural, for messages: "1 span",
/// "2 spans", "0 spans".
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_error_is_printed_with_each_cause_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("a.txt: cannot read")]
        struct Outer(#[source] std::io::Error);
        let err = Outer(std::io::Error::other("no space left"));
        assert_eq!(
            super::error_chain(&err),
            "a.txt: cannot read: no space left"
        );
    }

    #[test]
    fn counts_take_the_plural_but_for_one() {
        assert_eq!(super::counted(1, "document"), "1 document");
        assert_eq!(super::counted(0, "span"), "0 spans");
        assert_eq!(super::counted(500_000, "span"), "500000 spans");
    }
}
