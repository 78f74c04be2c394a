//! What Sorot computes over annotations: agreement between annotators, the
//! differences that review decides into the gold set, and suggestions (dates
//! and other mentions) for the annotator to accept or reject.

pub mod adjudicate;
pub mod agree;
pub mod dates;
pub mod gamma;
pub mod review;
pub mod suggest;
pub mod unitizing;
