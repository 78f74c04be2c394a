//! The subcommands of `sorot`, one module each: their arguments where they
//! are more than a few, and the run that calls the core and reports on
//! standard error.

pub(crate) mod adjudicate;
pub(crate) mod agree;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod suggest;
pub(crate) mod validate;

use std::path::PathBuf;

use sorot_core::formats::OffsetUnit;

/// The project folder given, or the current folder.
pub(crate) fn project_or_cwd(project: Option<PathBuf>) -> PathBuf {
    project.unwrap_or_else(|| PathBuf::from("."))
}

/// `--offsets`: the core's [`OffsetUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OffsetsArg {
    /// Unicode code points (Python str, spaCy, brat, Label Studio)
    Codepoint,
    /// UTF-16 code units (doccano's browser UI, JavaScript)
    Utf16,
    /// UTF-8 bytes
    Byte,
    /// Grapheme clusters, a family emoji or a flag counted as one (doccano's setting for it)
    Grapheme,
}

impl From<OffsetsArg> for OffsetUnit {
    fn from(arg: OffsetsArg) -> OffsetUnit {
        match arg {
            OffsetsArg::Codepoint => OffsetUnit::CodePoint,
            OffsetsArg::Utf16 => OffsetUnit::Utf16,
            OffsetsArg::Byte => OffsetUnit::Byte,
            OffsetsArg::Grapheme => OffsetUnit::Grapheme,
        }
    }
}
