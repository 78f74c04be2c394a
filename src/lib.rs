//! Sorot: a native workbench for annotating text spans.
//!
//! The core (everything but [`gui`]) knows nothing of any GUI toolkit: the
//! command line and the workbench call the same functions. Data flows
//! [`project`] (which texts exist) → [`document`] (one annotator's work on one
//! text, changed only through commands) → [`storage`] (one RON file per
//! document and annotator) → [`export`] and [`validate`].

pub mod agree;
pub mod dates;
pub mod disk;
pub mod document;
pub mod export;
pub mod import;
pub mod markup;
pub mod model;
pub mod project;
pub mod review;
pub mod saver;
pub mod schema;
pub mod storage;
pub mod suggest;
pub mod text;
pub mod tokenize;
pub mod validate;
pub mod workspace;

#[cfg(feature = "gui")]
pub mod gui;

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
    fn counts_take_the_plural_but_for_one() {
        assert_eq!(super::counted(1, "document"), "1 document");
        assert_eq!(super::counted(0, "span"), "0 spans");
        assert_eq!(super::counted(500_000, "span"), "500000 spans");
    }
}
