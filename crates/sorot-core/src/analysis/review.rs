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

pub use crate::project::GOLD;

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

/// Compares two sides' spans; the result is sorted by position. Identical
/// spans and same-range pairs are found through an index; only what remains
/// unmatched is compared pairwise for overlaps.
pub fn differences(a: &[Span], b: &[Span]) -> Vec<Difference> {
    difference_indices(a, b)
        .into_iter()
        .map(|(kind, i, j)| Difference {
            kind,
            a: i.map(|i| a[i].clone()),
            b: j.map(|j| b[j].clone()),
        })
        .collect()
}

/// [`differences`] with each side's span as its index in `a` or `b`, for
/// readers that need no copy of the spans; the same items in the same
/// order.
pub fn difference_indices(a: &[Span], b: &[Span]) -> Vec<(Kind, Option<usize>, Option<usize>)> {
    use std::collections::HashMap;
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut result = Vec::new();
    let mut by_key: HashMap<(usize, usize, &str), Vec<usize>> = HashMap::new();
    let mut by_range: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (j, y) in b.iter().enumerate().rev() {
        by_key
            .entry((y.start, y.end, y.label.as_str()))
            .or_default()
            .push(j);
        by_range.entry((y.start, y.end)).or_default().push(j);
    }
    let mut pair = |i: usize, j: usize, kind: Kind, used_a: &mut [bool], used_b: &mut [bool]| {
        used_a[i] = true;
        used_b[j] = true;
        result.push((kind, Some(i), Some(j)));
    };
    for (i, x) in a.iter().enumerate() {
        if let Some(candidates) = by_key.get_mut(&(x.start, x.end, x.label.as_str()))
            && let Some(j) = candidates.pop()
        {
            pair(i, j, Kind::Agreement, &mut used_a, &mut used_b);
        }
    }
    for (i, x) in a.iter().enumerate() {
        if used_a[i] {
            continue;
        }
        if let Some(j) = by_range
            .get(&(x.start, x.end))
            .and_then(|c| c.iter().rev().copied().find(|&j| !used_b[j]))
        {
            pair(i, j, Kind::LabelDiffers, &mut used_a, &mut used_b);
        }
    }
    // Overlapping pairs among what is left: same label first, then most shared characters.
    let rest_a: Vec<usize> = (0..a.len()).filter(|&i| !used_a[i]).collect();
    let rest_b: Vec<usize> = (0..b.len()).filter(|&j| !used_b[j]).collect();
    let mut candidates = Vec::new();
    for &i in &rest_a {
        for &j in &rest_b {
            let (x, y) = (&a[i], &b[j]);
            let shared = x.end.min(y.end).saturating_sub(x.start.max(y.start));
            if shared > 0 {
                candidates.push((x.label != y.label, std::cmp::Reverse(shared), i, j));
            }
        }
    }
    candidates.sort();
    for (_, _, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            pair(i, j, Kind::BoundariesDiffer, &mut used_a, &mut used_b);
        }
    }
    for i in (0..a.len()).filter(|&i| !used_a[i]) {
        result.push((Kind::OnlyA, Some(i), None));
    }
    for j in (0..b.len()).filter(|&j| !used_b[j]) {
        result.push((Kind::OnlyB, None, Some(j)));
    }
    // By the range both sides' spans cover, as [`Difference::range`] gives it.
    let range = |&(_, i, j): &(Kind, Option<usize>, Option<usize>)| {
        let spans = i.map(|i| &a[i]).into_iter().chain(j.map(|j| &b[j]));
        let start = spans.clone().map(|s| s.start).min().unwrap_or(0);
        let end = spans.map(|s| s.end).max().unwrap_or(0);
        (start, end)
    };
    result.sort_by_key(|d| (range(d), d.0));
    result
}

/// The gold set's spans and rejections, indexed for [`Decided::is_decided`].
pub struct Decided<'a> {
    keys: std::collections::HashSet<(usize, usize, &'a str)>,
}

impl<'a> Decided<'a> {
    pub fn new(
        gold: &'a [Span],
        rejected: impl Iterator<Item = &'a crate::model::Rejected>,
    ) -> Self {
        let mut keys: std::collections::HashSet<(usize, usize, &'a str)> = gold
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        keys.extend(rejected.map(|r| (r.start, r.end, r.label.as_str())));
        Decided { keys }
    }

    /// Whether the gold set holds nothing and rejected nothing, so that it
    /// decides no difference.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether the gold set settles a difference: it holds A's or B's span,
    /// or one of them was rejected.
    pub fn is_decided(&self, difference: &Difference) -> bool {
        self.decides([&difference.a, &difference.b].into_iter().flatten())
    }

    /// [`Self::is_decided`] of a difference between `spans`.
    pub fn decides<'s>(&self, spans: impl IntoIterator<Item = &'s Span>) -> bool {
        spans
            .into_iter()
            .any(|s| self.keys.contains(&(s.start, s.end, s.label.as_str())))
    }
}

/// How many disagreements between `a` and `b` (an annotator, or the gold
/// set) the gold set has not decided, per document that either side
/// annotated; documents are read on the disk pool.
pub fn open_disagreements(
    project: &crate::project::Project,
    a: &str,
    b: &str,
) -> std::collections::BTreeMap<String, usize> {
    use crate::project::document::OpenDocument;
    use rayon::prelude::*;
    let spans = |who: &str, doc: &crate::project::DocEntry| -> Option<Vec<Span>> {
        if !project.annotation_path(who, &doc.id).is_file() {
            return None;
        }
        OpenDocument::open_to_read(project, doc, who)
            .ok()
            .map(|d| d.spans().to_vec())
    };
    let count = |doc: &crate::project::DocEntry| -> Option<(String, usize)> {
        let (side_a, side_b) = (spans(a, doc), spans(b, doc));
        if side_a.is_none() && side_b.is_none() {
            return None;
        }
        let gold = project
            .annotation_path(GOLD, &doc.id)
            .is_file()
            .then(|| OpenDocument::open_to_read(project, doc, GOLD).ok())
            .flatten();
        let (held, rejected) = match &gold {
            Some(gold) => (
                gold.spans().to_vec(),
                gold.annotations().rejected().cloned().collect(),
            ),
            None => (Vec::new(), Vec::<crate::model::Rejected>::new()),
        };
        let decided = Decided::new(&held, rejected.iter());
        let open = differences(&side_a.unwrap_or_default(), &side_b.unwrap_or_default())
            .iter()
            .filter(|d| d.kind.is_disagreement() && !decided.is_decided(d))
            .count();
        Some((doc.id.clone(), open))
    };
    crate::store::disk::run_on(crate::store::disk::pool().as_ref(), || {
        project.docs().par_iter().filter_map(count).collect()
    })
}

/// An annotator's work compared with the gold set, document by document:
/// what the curator did with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoldComparison {
    /// Documents that the annotator has and that are reviewed into the
    /// gold set (marked reviewed).
    pub documents: usize,
    /// Documents the annotator has that the gold set has, but not reviewed
    /// yet: left out, since the curator has not decided them.
    pub unreviewed: std::collections::BTreeSet<String>,
    /// Spans the annotator and the gold set share.
    pub agreements: usize,
    /// The same, per document.
    pub alike: std::collections::BTreeMap<String, usize>,
    /// Each difference, side A the annotator's and side B the gold set's,
    /// with its document, in document order then text order.
    pub differences: Vec<(String, Difference)>,
    /// The spans of the annotator the curator rejected, by document, as
    /// (start, end, label): an "only in A" among them was decided against,
    /// not overlooked.
    pub rejected: std::collections::BTreeSet<(String, usize, usize, String)>,
    /// Files that could not be read, with why.
    pub problems: Vec<String>,
}

impl GoldComparison {
    /// What the curator did with one difference, in the annotator's words.
    pub fn decision(&self, document: &str, difference: &Difference) -> &'static str {
        match difference.kind {
            Kind::Agreement => "the gold set has it too",
            Kind::OnlyA => match &difference.a {
                Some(a)
                    if self.rejected.contains(&(
                        document.to_owned(),
                        a.start,
                        a.end,
                        a.label.clone(),
                    )) =>
                {
                    "the curator rejected it"
                }
                _ => "not in the gold set",
            },
            Kind::OnlyB => "in the gold set, not yours",
            Kind::LabelDiffers => "the gold set has another label",
            Kind::BoundariesDiffer => "the gold set has other boundaries",
        }
    }
}

/// Compares `annotator`'s spans with the gold set in every document the
/// annotator has and the gold set marks reviewed; documents are read on the
/// disk pool.
pub fn compare_with_gold(project: &crate::project::Project, annotator: &str) -> GoldComparison {
    use crate::project::document::OpenDocument;
    use rayon::prelude::*;
    // A document's differences and the gold set's rejections, when both
    // have it.
    type Compared = Option<Result<(Vec<Difference>, Vec<(usize, usize, String)>), ()>>;
    let read = |doc: &crate::project::DocEntry| -> Result<Compared, String> {
        if !project.annotation_path(annotator, &doc.id).is_file()
            || !project.annotation_path(GOLD, &doc.id).is_file()
        {
            return Ok(None);
        }
        let open = |who: &str| {
            OpenDocument::open_to_read(project, doc, who).map_err(|err| crate::error_chain(&err))
        };
        let (mine, gold) = (open(annotator)?, open(GOLD)?);
        if gold.status() != crate::model::Status::Done {
            return Ok(Some(Err(())));
        }
        let rejected = gold
            .annotations()
            .rejected()
            .map(|r| (r.start, r.end, r.label.clone()))
            .collect();
        Ok(Some(Ok((
            differences(mine.spans(), gold.spans()),
            rejected,
        ))))
    };
    let read: Vec<_> = crate::store::disk::run_on(crate::store::disk::pool().as_ref(), || {
        project
            .docs()
            .par_iter()
            .map(|doc| (doc.id.clone(), read(doc)))
            .collect()
    });
    let mut comparison = GoldComparison::default();
    for (id, compared) in read {
        match compared {
            Ok(Some(Err(()))) => {
                comparison.unreviewed.insert(id);
            }
            Ok(Some(Ok((differences, rejected)))) => {
                comparison.documents += 1;
                for difference in differences {
                    if difference.kind == Kind::Agreement {
                        comparison.agreements += 1;
                        *comparison.alike.entry(id.clone()).or_default() += 1;
                    } else {
                        comparison.differences.push((id.clone(), difference));
                    }
                }
                comparison.rejected.extend(
                    rejected
                        .into_iter()
                        .map(|(start, end, label)| (id.clone(), start, end, label)),
                );
            }
            Ok(None) => {}
            Err(problem) => comparison.problems.push(problem),
        }
    }
    comparison
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup;

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
        assert!(!Decided::new(&[], std::iter::empty()).is_decided(diff));
        assert!(Decided::new(&a, std::iter::empty()).is_decided(diff));
        let rejected = [crate::model::Rejected {
            start: 0,
            end: 3,
            label: "actor".into(),
        }];
        assert!(Decided::new(&[], rejected.iter()).is_decided(diff));
    }

    #[test]
    fn an_annotator_sees_what_the_curator_did_with_each_span() {
        use crate::model::Status;
        use crate::project::document::{Command, OpenDocument};
        use crate::testing::TestProject;
        // A curly quote, an emoji and CRLF line ends.
        let dir = TestProject::new();
        dir.write_annotations(
            "ayu",
            "a.txt",
            "“[Kim|actor]” 😊 tiba di [Moskwa|actor],\r\n[kata|claim] KCNA.\r\n",
        );
        dir.write_annotations(
            "_gold",
            "a.txt",
            "“[Kim|actor]” 😊 tiba di [Moskwa|location],\r\nkata [KCNA|actor].\r\n",
        );
        dir.write_annotations("ayu", "b.txt", "[Putin|actor]\r\n");
        // Still in review: left out, and said.
        dir.write_annotations("_gold", "b.txt", "Putin\r\n");
        let project = dir.open();
        // The curator rejected ayu's claim.
        let mut gold = OpenDocument::open(&project, project.doc("a.txt").unwrap(), GOLD).unwrap();
        gold.execute(
            project.schema(),
            Command::Decide {
                accept: Vec::new(),
                reject: vec![(25..29, "claim".into())],
            },
        )
        .unwrap();
        gold.execute(project.schema(), Command::SetStatus(Status::Done))
            .unwrap();
        gold.save().unwrap();
        let compared = compare_with_gold(&project, "ayu");
        assert_eq!((compared.documents, compared.agreements), (1, 1));
        assert_eq!(compared.unreviewed.iter().collect::<Vec<_>>(), ["b.txt"]);
        let said: Vec<(&str, Kind, &str)> = compared
            .differences
            .iter()
            .map(|(doc, d)| (doc.as_str(), d.kind, compared.decision(doc, d)))
            .collect();
        assert_eq!(
            said,
            [
                (
                    "a.txt",
                    Kind::LabelDiffers,
                    "the gold set has another label"
                ),
                ("a.txt", Kind::OnlyA, "the curator rejected it"),
                ("a.txt", Kind::OnlyB, "in the gold set, not yours"),
            ]
        );
    }

    #[test]
    fn thousands_of_spans_compare_without_pairwise_scans() {
        let (_, one) = markup::parse("[Kim|actor] [tiba|date]").unwrap();
        let mut a = Vec::new();
        let mut b = Vec::new();
        for n in 0..5_000u32 {
            for (k, span) in one.iter().enumerate() {
                let mut span = span.clone();
                span.start += 10 * n as usize;
                span.end += 10 * n as usize;
                span.id = 2 * n + k as u32 + 1;
                a.push(span.clone());
                if k == 0 || n % 2 == 0 {
                    b.push(span);
                }
            }
        }
        let found = differences(&a, &b);
        assert_eq!(
            found.iter().filter(|d| d.kind == Kind::Agreement).count(),
            7_500
        );
        assert_eq!(
            found.iter().filter(|d| d.kind == Kind::OnlyA).count(),
            2_500
        );
    }
}
