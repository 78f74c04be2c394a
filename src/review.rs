//! Review: comparing two annotators' spans of a document, and deciding each
//! difference into the gold set.
//!
//! Terms:
//! - **gold set**: the reviewed annotations, kept like an annotator's under
//!   `annotations/_gold/`. Annotator names start with a letter or digit, so
//!   the gold folder never collides with an annotator's.
//! - **difference**: one item of the comparison of sides A and B:
//!   - *agreement*: the same span (start, end, label) on both sides;
//!   - *only in A* / *only in B*: a span with nothing overlapping it on the other side;
//!   - *label differs*: the same range with another label;
//!   - *boundaries differ*: overlapping spans with other boundaries (the same
//!     label preferred when pairing).
//! - **decided**: a difference whose outcome is in the gold set: the gold has
//!   A's span or B's span (accepted), or neither and the difference is
//!   recorded as rejected.

use std::ops::Range;

use crate::model::Span;

/// The annotator name of the gold set.
pub const GOLD: &str = "_gold";

/// What kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Agreement,
    OnlyA,
    OnlyB,
    LabelDiffers,
    BoundariesDiffer,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Agreement,
        Kind::OnlyA,
        Kind::OnlyB,
        Kind::LabelDiffers,
        Kind::BoundariesDiffer,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Kind::Agreement => "agreement",
            Kind::OnlyA => "only in A",
            Kind::OnlyB => "only in B",
            Kind::LabelDiffers => "same span, another label",
            Kind::BoundariesDiffer => "overlapping, other boundaries",
        }
    }

    /// Whether the difference needs a decision.
    pub fn is_disagreement(self) -> bool {
        self != Kind::Agreement
    }
}

/// One item of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: Kind,
    pub a: Option<Span>,
    pub b: Option<Span>,
}

impl Difference {
    /// The text range the difference covers (both sides).
    pub fn range(&self) -> Range<usize> {
        let spans = self.a.iter().chain(&self.b);
        let start = spans.clone().map(|s| s.start).min().unwrap_or(0);
        let end = spans.map(|s| s.end).max().unwrap_or(0);
        start..end
    }
}

/// Compares two sides' spans; the result is sorted by position.
pub fn differences(a: &[Span], b: &[Span]) -> Vec<Difference> {
    let key = |s: &Span| (s.start, s.end, s.label.clone());
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut result = Vec::new();
    let pair = |i: usize,
                j: usize,
                kind: Kind,
                used_a: &mut Vec<bool>,
                used_b: &mut Vec<bool>,
                result: &mut Vec<Difference>| {
        used_a[i] = true;
        used_b[j] = true;
        result.push(Difference {
            kind,
            a: Some(a[i].clone()),
            b: Some(b[j].clone()),
        });
    };
    for (i, x) in a.iter().enumerate() {
        if let Some(j) = b
            .iter()
            .enumerate()
            .position(|(j, y)| !used_b[j] && key(x) == key(y))
        {
            pair(i, j, Kind::Agreement, &mut used_a, &mut used_b, &mut result);
        }
    }
    for (i, x) in a
        .iter()
        .enumerate()
        .filter(|(i, _)| !used_a[*i])
        .collect::<Vec<_>>()
    {
        if let Some(j) = b
            .iter()
            .enumerate()
            .position(|(j, y)| !used_b[j] && x.start == y.start && x.end == y.end)
        {
            pair(
                i,
                j,
                Kind::LabelDiffers,
                &mut used_a,
                &mut used_b,
                &mut result,
            );
        }
    }
    // Overlapping pairs: same label first, then most shared characters.
    let mut candidates = Vec::new();
    for (i, x) in a.iter().enumerate().filter(|(i, _)| !used_a[*i]) {
        for (j, y) in b.iter().enumerate().filter(|(j, _)| !used_b[*j]) {
            let shared = x.end.min(y.end).saturating_sub(x.start.max(y.start));
            if shared > 0 {
                candidates.push((x.label != y.label, std::cmp::Reverse(shared), i, j));
            }
        }
    }
    candidates.sort();
    for (_, _, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            pair(
                i,
                j,
                Kind::BoundariesDiffer,
                &mut used_a,
                &mut used_b,
                &mut result,
            );
        }
    }
    for (x, _) in a.iter().zip(&used_a).filter(|(_, used)| !**used) {
        result.push(Difference {
            kind: Kind::OnlyA,
            a: Some(x.clone()),
            b: None,
        });
    }
    for (y, _) in b.iter().zip(&used_b).filter(|(_, used)| !**used) {
        result.push(Difference {
            kind: Kind::OnlyB,
            a: None,
            b: Some(y.clone()),
        });
    }
    result.sort_by_key(|d| (d.range().start, d.range().end, d.kind));
    result
}

/// Whether `gold` settles a difference: it holds A's or B's span, or the
/// difference was rejected.
pub fn is_decided(
    difference: &Difference,
    gold: &[Span],
    rejected: &[(usize, usize, String)],
) -> bool {
    let holds = |side: &Option<Span>| {
        side.as_ref().is_some_and(|s| {
            gold.iter()
                .any(|g| g.start == s.start && g.end == s.end && g.label == s.label)
        })
    };
    let was_rejected = |side: &Option<Span>| {
        side.as_ref().is_some_and(|s| {
            rejected
                .iter()
                .any(|(start, end, label)| *start == s.start && *end == s.end && *label == s.label)
        })
    };
    holds(&difference.a)
        || holds(&difference.b)
        || was_rejected(&difference.a)
        || was_rejected(&difference.b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup;

    #[test]
    fn each_kind_of_difference_is_found() {
        let (text_a, a) = markup::parse("[Kim|actor] tiba di [Moskwa|location] [Rabu|date] lalu, [kata KCNA|claim] [hari ini|date].").unwrap();
        let (text_b, b) = markup::parse(
            "[Kim|actor] tiba di [Moskwa|actor] [Rabu lalu|date], kata [KCNA|actor] hari ini.",
        )
        .unwrap();
        assert_eq!(text_a, text_b);
        let differences = differences(&a, &b);
        let found: Vec<(Kind, Option<&str>, Option<&str>)> = differences
            .iter()
            .map(|d| {
                (
                    d.kind,
                    d.a.as_ref().map(|s| s.text.as_str()),
                    d.b.as_ref().map(|s| s.text.as_str()),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (Kind::Agreement, Some("Kim"), Some("Kim")),
                (Kind::LabelDiffers, Some("Moskwa"), Some("Moskwa")),
                (Kind::BoundariesDiffer, Some("Rabu"), Some("Rabu lalu")),
                (Kind::BoundariesDiffer, Some("kata KCNA"), Some("KCNA")),
                (Kind::OnlyA, Some("hari ini"), None),
            ]
        );
    }

    #[test]
    fn a_decision_is_read_from_the_gold_set() {
        let (_, a) = markup::parse("[Kim|actor] tiba").unwrap();
        let diff = &differences(&a, &[])[0];
        assert!(!is_decided(diff, &[], &[]));
        assert!(is_decided(diff, &a, &[]));
        assert!(is_decided(diff, &[], &[(0, 3, "actor".into())]));
    }
}
