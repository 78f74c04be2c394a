//! Annotation files on disk: their format, reading with clear errors, and
//! atomic writing, one file at a time or many in a batch.
//!
//! Terms:
//! - **annotation file**: one RON file per (document, annotator), at
//!   `<annotations folder>/<annotator>/<text path relative to the text folder>.ron`.
//!   It describes itself: format version, source path, a fingerprint of the
//!   source bytes, the offset unit, the annotator, the status and the spans
//!   ([`file`](mod@file)).
//! - **fingerprint**: `sha256:` and the SHA-256 of the source file's bytes. If the
//!   text changes after annotation, the fingerprint shows it.
//! - **atomic write**: the new content goes to a temporary file in the same
//!   folder, is flushed to disk, then renamed over the old file, so that a crash
//!   leaves either the old file or the new one, never a mix ([`atomic`]).
//! - **batch write** ([`Batch`]): many atomic writes whose waits for the disk
//!   are shared, put in place in waves ([`batch`]); where it can, a batch
//!   flushes whole file systems at once (`flush`).
//! - **layout**: how Sorot writes an annotation file, read and written by
//!   `fast` without going through `serde`.
//! - **disk pool**: the threads that read many files at once ([`disk`]).
//! - **write lock** ([`WriteLock`]): held by every Sorot writer from its
//!   check of what is on disk to its last rename ([`lock`]).
//! - **journal**: the renames of a batch's commit, written before the first,
//!   so that a commit cut short is finished by the next writer ([`journal`]).
//! - **unknown fields**: fields Sorot does not know (added by a script or a
//!   newer Sorot), kept through every save ([`unknown`]).
//!
//! The same content always gives byte-identical output: fields in a fixed
//! order, spans sorted, one span per line so a changed span is a one-line diff.

pub mod atomic;
pub mod batch;
pub mod disk;
mod fast;
pub mod file;
mod flush;
pub mod journal;
pub mod lock;
pub mod unknown;

pub use crate::model::text::OffsetUnit;
pub use atomic::{
    OUTPUT_TEMP_PREFIX, TEMP_PREFIX, TEMP_SUFFIX, write_atomic, write_atomic_with, write_output,
    write_output_with,
};
pub use batch::{Batch, Staged};
pub use file::{AnnotationFile, FORMAT_VERSION, StorageError, fingerprint};
pub use lock::WriteLock;
pub use unknown::Unknown;
