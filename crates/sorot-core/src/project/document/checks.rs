//! Checking an annotation file against its text.
//!
//! Terms:
//! - **finding** ([`Finding`]): something wrong with an annotation file
//!   relative to its text, about one span or one header field of the file.
//!   A **blocking** finding makes the document read-only: the file was
//!   written for another version of the text, or a span's offsets or text
//!   do not fit the text. A source path that differs or a label the schema
//!   lacks is reported without blocking.
//! - **overlap warning**: two spans of one label that share a character
//!   where the schema's rule for the label forbids it ([`overlaps`]). The
//!   workbench makes none; a file written by hand or by another tool may
//!   hold them. They are warnings: the file opens and saves as it is.

use std::collections::BTreeMap;

use crate::model::schema::Schema;
use crate::model::text::SourceText;
use crate::model::{Span, SpanId};
use crate::store::AnnotationFile;

/// One problem of an annotation file relative to its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The span it is about, if it is about one.
    pub span: Option<SpanId>,
    /// The header field it is about, if it is about one.
    pub field: Option<HeaderField>,
    pub message: String,
    /// Whether the document must open read-only because of it.
    pub blocking: bool,
}

/// A field of an annotation file's header that a finding can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField {
    /// `source`: the text's path.
    Source,
    /// `fingerprint`: the text's fingerprint.
    Fingerprint,
}

impl HeaderField {
    /// The field's name as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            HeaderField::Source => "source",
            HeaderField::Fingerprint => "fingerprint",
        }
    }
}

/// Checks an annotation file against its text: fingerprint, offsets, span
/// texts, labels and header fields.
pub fn check_file(
    file: &AnnotationFile,
    text: &SourceText,
    fingerprint: &str,
    source: &str,
    schema: &Schema,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut about_field = |field: HeaderField, blocking: bool, message: String| {
        findings.push(Finding {
            span: None,
            field: Some(field),
            message,
            blocking,
        });
    };
    if file.fingerprint != fingerprint {
        about_field(
            HeaderField::Fingerprint,
            true,
            format!(
                "the text {source} changed since these annotations were made (fingerprint {} expected, the text has {fingerprint}); its {} spans are listed but not shown. Restore that version of the text to edit them",
                file.fingerprint,
                file.spans.len()
            ),
        );
    }
    if file.source != source {
        about_field(
            HeaderField::Source,
            false,
            format!("names source {:?}, but belongs to {source:?}", file.source),
        );
    }
    let mut about_span = |span: SpanId, blocking: bool, message: String| {
        findings.push(Finding {
            span: Some(span),
            field: None,
            message,
            blocking,
        });
    };
    let len = text.len_chars();
    let mut ids = BTreeMap::new();
    for span in &file.spans {
        if let Some(first) = ids.insert(span.id, span.start) {
            about_span(
                span.id,
                true,
                format!(
                    "span id {} is used twice (first at offset {first})",
                    span.id
                ),
            );
        }
        if span.start >= span.end || span.end > len {
            about_span(
                span.id,
                true,
                format!(
                    "span {} [{}, {}) lies outside the text, which has {len} characters",
                    span.id, span.start, span.end
                ),
            );
            continue;
        }
        let actual = text.slice(span.range());
        if actual != span.text {
            about_span(
                span.id,
                true,
                format!(
                    "span {} [{}, {}) says {:?} but the text there is {:?}",
                    span.id, span.start, span.end, span.text, actual
                ),
            );
        }
        if !schema.contains(&span.label) {
            about_span(
                span.id,
                false,
                format!(
                    "span {} has label {:?}, which the schema does not list",
                    span.id, span.label
                ),
            );
        }
    }
    findings
}

/// The spans of `spans` that overlap an earlier span of their label (by
/// start) where the schema forbids it: one finding each, naming both ids.
pub fn overlaps(spans: &[Span], schema: &Schema) -> Vec<Finding> {
    let mut order: Vec<&Span> = spans
        .iter()
        .filter(|s| !schema.same_label_may_overlap(&s.label))
        .collect();
    order.sort_by(|a, b| (&a.label, a.start, a.end, a.id).cmp(&(&b.label, b.start, b.end, b.id)));
    let mut findings = Vec::new();
    // The span of the current label that reaches furthest so far.
    let mut furthest: Option<&Span> = None;
    for span in order {
        match furthest {
            Some(before) if before.label == span.label && span.start < before.end => {
                findings.push(Finding {
                    span: Some(span.id),
                    field: None,
                    message: format!(
                        "span {} ({} “{}”) overlaps span {} ({} “{}”); the schema does not let {} spans overlap each other",
                        span.id, span.label, span.text, before.id, before.label, before.text, span.label
                    ),
                    blocking: false,
                });
                if span.end > before.end {
                    furthest = Some(span);
                }
            }
            _ => furthest = Some(span),
        }
    }
    findings
}
