//! Other tools' formats: exports of annotations to them and imports from them.
//!
//! Terms:
//! - **format**: a file layout another tool reads or writes (brat standoff,
//!   doccano JSONL, spaCy, CoNLL, Hugging Face datasets, Label Studio, CSV).
//! - **loss**: something an export or import could not carry, reported with
//!   where it was and why; never dropped silently.
//! - **token** and **sentence**: the units of the one shared tokenizer
//!   ([`tokenize`]), used by every format that writes tokens.

pub mod export;
pub mod import;
pub mod tokenize;
