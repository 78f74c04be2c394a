//! Krippendorff's unitizing alpha (u-alpha): agreement on where the units of
//! one label are, over characters, as Krippendorff (1995, 2004) defines it
//! and as DKPro Statistics (and so INCEpTION) computes it.
//!
//! Terms:
//! - **continuum**: the characters compared, `L` of them. Over a corpus, the
//!   documents every annotator annotated, laid end to end in the project's
//!   order.
//! - **unit**: a span of the label, as a half-open range of code points.
//!   Where one annotator's spans of the label overlap, they are taken as one
//!   unit, their union (u-alpha has no place for overlapping units of one
//!   category); spans that only touch stay two units.
//! - **gap**: a stretch of the continuum between one annotator's units (or
//!   before the first, or after the last); gaps may run across documents.
//! - **observed disagreement** `D_o`: for every pair of annotators and every
//!   unit of one that shares characters with a unit of the other, the sum of
//!   the squared differences of their starts and of their ends; for every
//!   unit of one that lies in a gap of the other, its squared length. Then
//!   `D_o = 2 × sum / (R (R − 1) L²)` for `R` annotators.
//! - **expected disagreement** `D_e`: the same over every way of placing
//!   the units and gaps the annotators made anywhere on the continuum
//!   (Krippendorff 2004, p. 253, with the correction DKPro Statistics makes
//!   to the 1995 formula).
//! - **u-alpha** = `1 − D_o / D_e`; the label's figure is undefined when no
//!   annotator has a unit of it. **micro**: `1 − mean D_o / mean D_e` over
//!   the labels with units, DKPro Statistics' figure for a whole study.
//!
//! Sums are kept in integers and only the final ratios are floating point,
//! so the figures do not depend on the order in which documents are added.

use super::agree::Figure;

/// What one label's u-alpha is made from, over the documents added so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unitizing {
    /// The continuum's length so far.
    length: u64,
    /// Per annotator: the gap from the continuum's start to their first
    /// unit, and the gap after their last unit (`None` while they have none).
    open: Vec<(u64, Option<u64>)>,
    /// Every closed gap of every annotator.
    gaps: Vec<u64>,
    /// How many units there are of each length, over all annotators.
    units: std::collections::BTreeMap<u64, u64>,
    /// The sum of squared differences that makes up the observed
    /// disagreement.
    observed: u128,
}

/// One label's units of one annotator: half-open `[start, end)` ranges in
/// any order, overlapping or not.
pub type Units = [(usize, usize)];

impl Unitizing {
    /// One document of `length` characters, with the units of each
    /// annotator (every annotator of the measure, in a fixed order).
    pub fn of_document(length: usize, units: &[&Units]) -> Unitizing {
        let length = length as u64;
        let merged: Vec<Vec<(u64, u64)>> = units.iter().map(|u| merge(u)).collect();
        let mut counts = Unitizing {
            length,
            ..Unitizing::default()
        };
        for (i, mine) in merged.iter().enumerate() {
            for theirs in &merged[i + 1..] {
                counts.observed += observed(mine, theirs);
            }
            let mut at = 0;
            let mut lead = None;
            for &(start, end) in mine {
                let gap = start - at;
                if lead.is_none() {
                    lead = Some(gap);
                } else if gap > 0 {
                    counts.gaps.push(gap);
                }
                *counts.units.entry(end - start).or_default() += 1;
                at = end;
            }
            counts.open.push(match lead {
                Some(lead) => (lead, Some(length.saturating_sub(at))),
                None => (length, None),
            });
        }
        counts
    }

    /// Lays `next` at the end of this continuum: a gap open at the end of
    /// this one joins the gap `next` opens with.
    pub fn append(&mut self, next: Unitizing) {
        // A part not compared (not every annotator annotated it) adds
        // nothing.
        if next.open.is_empty() {
            return;
        }
        if self.open.is_empty() {
            *self = next;
            return;
        }
        debug_assert_eq!(self.open.len(), next.open.len(), "the same annotators");
        for (mine, (next_lead, next_trail)) in self.open.iter_mut().zip(next.open) {
            *mine = match (*mine, next_trail) {
                // No unit of this annotator in either: one gap.
                ((lead, None), None) => (lead + next_lead, None),
                // Units only in the next part: this whole part leads.
                ((lead, None), Some(trail)) => (lead + next_lead, Some(trail)),
                // Units only here: the next part lengthens the trailing gap.
                ((lead, Some(trail)), None) => (lead, Some(trail + next_lead)),
                ((lead, Some(trail)), Some(next_trail)) => {
                    if trail + next_lead > 0 {
                        self.gaps.push(trail + next_lead);
                    }
                    (lead, Some(next_trail))
                }
            };
        }
        self.length += next.length;
        self.gaps.extend(next.gaps);
        for (length, n) in next.units {
            *self.units.entry(length).or_default() += n;
        }
        self.observed += next.observed;
    }

    /// The observed and expected disagreement, once there is a unit.
    fn disagreements(&self) -> Option<(f64, f64)> {
        let raters = self.open.len() as u128;
        let n_units: u128 = self.units.values().map(|&n| n as u128).sum();
        if n_units == 0 || raters < 2 {
            return None;
        }
        let length = self.length as u128;
        // Every gap, closed or still open at either end, sorted, with
        // suffix sums: for a unit of length l, the ways to place it in the
        // gaps at least as long are the sum over those gaps of (g − l + 1).
        let mut gaps = self.gaps.clone();
        for &(lead, trail) in &self.open {
            gaps.extend([lead, trail.unwrap_or(0)].into_iter().filter(|&g| g > 0));
        }
        gaps.sort_unstable();
        let mut suffix = vec![0u128; gaps.len() + 1];
        for i in (0..gaps.len()).rev() {
            suffix[i] = suffix[i + 1] + gaps[i] as u128;
        }
        let mut placements = 0u128;
        let mut same_unit = 0u128;
        for (&l, &n) in &self.units {
            let (l, n) = (l as u128, n as u128);
            let first = gaps.partition_point(|&g| (g as u128) < l);
            let fitting = (gaps.len() - first) as u128;
            let in_gaps = suffix[first] + fitting - fitting * l;
            // (N − 1)(2l³ − 3l² + l) / 3 is a whole number: l(l − 1)(2l − 1)
            // is six times the sum of the first l − 1 squares.
            let within =
                (n_units - 1) * (l * (l.saturating_sub(1)) * (2 * l).saturating_sub(1)) / 3;
            placements += n * (within + l * l * in_gaps);
            same_unit += n * l * l.saturating_sub(1);
        }
        let pairs = raters * length;
        let denominator = pairs * (pairs - 1) - same_unit;
        let expected = 2.0 * placements as f64 / length as f64 / denominator as f64;
        let observed =
            2.0 * self.observed as f64 / (raters * (raters - 1)) as f64 / (length * length) as f64;
        Some((observed, expected))
    }

    /// This label's u-alpha.
    pub fn alpha(&self) -> Figure {
        if self.open.len() < 2 {
            return Figure::Undefined(NOT_COMPARED);
        }
        match self.disagreements() {
            None => Figure::Undefined("no annotator marked a span of this label"),
            Some((observed, expected)) => ratio(observed, expected),
        }
    }

    /// u-alpha over labels: one minus the mean observed over the mean
    /// expected disagreement of the labels with units.
    pub fn micro(labels: &[Unitizing]) -> Figure {
        let figures: Vec<(f64, f64)> = labels.iter().filter_map(Self::disagreements).collect();
        if figures.is_empty() {
            return Figure::Undefined(if labels.iter().all(|l| l.open.len() < 2) {
                NOT_COMPARED
            } else {
                "no annotator marked a span"
            });
        }
        let n = figures.len() as f64;
        let observed = figures.iter().map(|f| f.0).sum::<f64>() / n;
        let expected = figures.iter().map(|f| f.1).sum::<f64>() / n;
        ratio(observed, expected)
    }
}

/// Why there is no figure when no continuum was compared.
const NOT_COMPARED: &str = "no document was annotated by every annotator (two or more) compared";

fn ratio(observed: f64, expected: f64) -> Figure {
    if expected <= 0.0 {
        Figure::Undefined("no disagreement is expected by chance: units fill the continuum")
    } else {
        Figure::Value(1.0 - observed / expected)
    }
}

/// `units` sorted, with overlapping ones taken as their union.
fn merge(units: &Units) -> Vec<(u64, u64)> {
    let mut sorted: Vec<(u64, u64)> = units
        .iter()
        .filter(|(s, e)| s < e)
        .map(|&(s, e)| (s as u64, e as u64))
        .collect();
    sorted.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(sorted.len());
    for (start, end) in sorted {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The observed sum of two annotators' sorted, disjoint units: squared
/// start and end differences of units that share characters, squared
/// lengths of units in the other's gaps.
fn observed(a: &[(u64, u64)], b: &[(u64, u64)]) -> u128 {
    let square = |x: u64, y: u64| (x.abs_diff(y) as u128).pow(2);
    let mut sum = 0u128;
    let (mut a_met, mut b_met) = (vec![false; a.len()], vec![false; b.len()]);
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let ((sa, ea), (sb, eb)) = (a[i], b[j]);
        if ea <= sb {
            i += 1;
        } else if eb <= sa {
            j += 1;
        } else {
            sum += square(sa, sb) + square(ea, eb);
            a_met[i] = true;
            b_met[j] = true;
            if ea <= eb {
                i += 1;
            }
            if eb <= ea {
                j += 1;
            }
        }
    }
    for (units, met) in [(a, a_met), (b, b_met)] {
        for (&(s, e), met) in units.iter().zip(met) {
            if !met {
                sum += square(s, e);
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each coder's units of a category.
    type Coders = Vec<Vec<(usize, usize)>>;

    /// Krippendorff's (1995, p. 57) example of two coders on a continuum of
    /// 24, as DKPro Statistics' tests encode it: units as (start, length)
    /// per category, stretched by a factor.
    fn example(stretch: f64) -> (usize, Vec<(&'static str, Coders)>) {
        let at = |x: usize| (x as f64 * stretch) as usize;
        let units = |list: &[(usize, usize)]| -> Vec<(usize, usize)> {
            list.iter().map(|&(s, l)| (at(s), at(s) + at(l))).collect()
        };
        let categories = vec![
            (
                "A",
                vec![units(&[(2, 8), (14, 6)]), units(&[(4, 4), (15, 2)])],
            ),
            (
                "B",
                vec![
                    units(&[(0, 18)]),
                    units(&[(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
                ],
            ),
            (
                "C",
                vec![
                    units(&[(2, 6), (10, 2), (14, 4), (20, 2)]),
                    units(&[(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
                ],
            ),
            (
                "D",
                vec![
                    units(&[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)]),
                    units(&[(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]),
                ],
            ),
        ];
        (at(24), categories)
    }

    fn label(length: usize, coders: &[Vec<(usize, usize)>]) -> Unitizing {
        let units: Vec<&Units> = coders.iter().map(|c| c.as_slice()).collect();
        Unitizing::of_document(length, &units)
    }

    #[test]
    fn krippendorff_1995_observed_disagreement() {
        let (length, categories) = example(1.0);
        for ((name, coders), want) in categories.iter().zip([0.03125, 2.26736, 0.02777, 0.38715]) {
            let (observed, _) = label(length, coders).disagreements().unwrap();
            assert!(
                (observed - want).abs() < 1e-5,
                "{name}: {observed} ≠ {want}"
            );
        }
    }

    /// The expected disagreement and u-alpha of the example, stretched so
    /// that the continuum is long (as the published figures assume), to
    /// DKPro Statistics' tolerances.
    #[test]
    fn krippendorff_1995_alpha() {
        let (length, categories) = example(1_200_000.0 / 24.0);
        let wanted = [
            (0.06990, 0.553),
            (1.17731, -0.926),
            (0.08642, 0.679),
            (0.41445, 0.066),
        ];
        let mut labels = Vec::new();
        for ((name, coders), (want_expected, want_alpha)) in categories.iter().zip(wanted) {
            let counts = label(length, coders);
            let (observed, expected) = counts.disagreements().unwrap();
            assert!(
                (expected - want_expected).abs() < 0.005,
                "{name}: D_e {expected}"
            );
            let alpha = counts.alpha().value().unwrap();
            assert!((alpha - want_alpha).abs() < 0.02, "{name}: {alpha}");
            assert!((1.0 - observed / expected - alpha).abs() < 1e-12);
            labels.push(counts);
        }
        // The whole study: the mean disagreements' ratio.
        let observed = (0.03125 + 2.26736 + 0.02777 + 0.38715) / 4.0;
        let expected = (0.06990 + 1.17731 + 0.08642 + 0.41445) / 4.0;
        let micro = Unitizing::micro(&labels).value().unwrap();
        assert!(
            (micro - (1.0 - observed / expected)).abs() < 0.01,
            "{micro}"
        );
    }

    /// Category C's expected disagreement converges as the continuum grows,
    /// as in DKPro Statistics' test of varying lengths.
    #[test]
    fn krippendorff_1995_varying_lengths() {
        for (stretch, want_expected, want_alpha) in [
            (0.5, 0.05494, 0.494),
            (5.0, 0.08234, 0.663),
            (50.0, 0.08600, 0.677),
            (500.0, 0.08638, 0.678),
        ] {
            let (length, categories) = example(stretch);
            let counts = label(length, &categories[2].1);
            let (observed, expected) = counts.disagreements().unwrap();
            assert!(
                (observed - 0.02777).abs() < 1e-5,
                "{stretch}: D_o {observed}"
            );
            let tolerance = if stretch < 1.0 { 1e-5 } else { 0.005 };
            assert!(
                (expected - want_expected).abs() < tolerance,
                "{stretch}: D_e {expected}"
            );
            let alpha = counts.alpha().value().unwrap();
            assert!((alpha - want_alpha).abs() < 0.02, "{stretch}: {alpha}");
        }
    }

    /// Splitting a continuum into documents and appending them gives the
    /// figures of the whole, also where a gap runs across documents.
    #[test]
    fn appended_documents_equal_one_continuum() {
        let (length, categories) = example(10.0);
        let mut compared = 0;
        // Cuts between units (spans never cross documents), some through
        // gaps that then run across documents.
        for cuts in [[0, 100, 130, 140, length], [0, 100, 140, 230, length]] {
            for (name, coders) in &categories {
                let crosses = |c: usize| coders.iter().flatten().any(|&(s, e)| s < c && c < e);
                if cuts.iter().any(|&c| crosses(c)) {
                    continue;
                }
                let mut joined = Unitizing::default();
                for window in cuts.windows(2) {
                    let (from, to) = (window[0], window[1]);
                    let part: Vec<Vec<(usize, usize)>> = coders
                        .iter()
                        .map(|units| {
                            units
                                .iter()
                                .filter(|&&(s, _)| from <= s && s < to)
                                .map(|&(s, e)| (s - from, e - from))
                                .collect()
                        })
                        .collect();
                    joined.append(label(to - from, &part));
                }
                let mut whole = label(length, coders);
                whole.gaps.sort_unstable();
                joined.gaps.sort_unstable();
                assert_eq!(joined, whole, "{name} cut at {cuts:?}");
                compared += 1;
            }
        }
        assert!(compared >= 3, "only {compared} categories compared");
    }

    #[test]
    fn identical_units_agree_fully_and_no_units_is_undefined() {
        let same = vec![vec![(3, 9), (20, 24)], vec![(3, 9), (20, 24)]];
        assert_eq!(label(40, &same).alpha(), Figure::Value(1.0));
        let none: Vec<Vec<(usize, usize)>> = vec![vec![], vec![]];
        assert!(label(40, &none).alpha().reason().is_some());
        // Overlapping units of one annotator count as their union.
        let overlapping = vec![vec![(3, 7), (5, 9), (20, 24)], vec![(3, 9), (20, 24)]];
        assert_eq!(label(40, &overlapping).alpha(), Figure::Value(1.0));
        // A document not compared, before or after, adds nothing.
        let mut with_others = Unitizing::default();
        with_others.append(label(40, &same));
        with_others.append(Unitizing::default());
        assert_eq!(with_others, label(40, &same));
    }
}
