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
