//! Gamma (γ), the agreement measure of Mathet, Widlöcher and Métivier
//! ("The Unified and Holistic Method Gamma (γ) for Inter-Annotator Agreement
//! Measure and Alignment", Computational Linguistics 41(3), 2015), for each
//! pair of annotators, with the definitions and default parameters of the
//! `pygamma-agreement` package (0.5.9).
//!
//! Terms:
//! - **unit**: a span as gamma sees it: its start, its end (code points) and
//!   its label. An annotator's spans with the same start, end and label are
//!   one unit (a continuum holds a set of units). Only the schema's labels
//!   count.
//! - **continuum**: the units of two annotators over one stretch of text. A
//!   document's continuum is its text. The corpus's continuum lays the
//!   documents both annotated end to end, in the project's order (by id),
//!   the first starting at 0 and each followed by a gap one code point longer
//!   than the longest span of the two annotators in those documents: no unit
//!   can then be aligned with profit to one of another document.
//! - **dissimilarity** of two units x and y of different annotators:
//!   *positional*, ((|start x − start y| + |end x − end y|) / (length x +
//!   length y))²; *categorical*, 0 for the same label and 1 for another;
//!   *combined*, positional + categorical (alpha = beta = 1). A unit that is
//!   aligned with no unit of the other annotator is aligned with the *empty
//!   unit*, which costs 1 (delta-empty).
//! - **unitary alignment**: a unit of each annotator aligned together, or a
//!   unit with the empty unit; it costs the two units' dissimilarity, or 1.
//! - **alignment**: unitary alignments in which every unit of the continuum
//!   appears exactly once. Its **disorder** is the sum of its unitary
//!   alignments' costs over the mean number of units per annotator (half the
//!   units of the two).
//! - **best alignment**: an alignment of least disorder; that disorder is the
//!   **observed disorder**. Two units are worth aligning only when their
//!   dissimilarity is below 2, the cost of leaving both alone. Those possible
//!   pairs split the units into connected components, almost always of two
//!   units; each larger component is an assignment problem, solved exactly
//!   (Kuhn–Munkres).
//! - **chance disorder** (expected disorder): the mean observed disorder of
//!   [`SAMPLES`] random continua drawn from the continuum's statistics by
//!   pygamma-agreement's default sampler (its `StatisticalContinuumSampler`):
//!   from the number of units of each annotator (mean and standard deviation
//!   over the two), the gaps from the end of one unit of an annotator to the
//!   start of their next (with a 0, and the start of each annotator's first
//!   unit when above 0), the units' lengths (mean and standard deviation)
//!   and the labels' frequencies, each of the two annotators of a sample gets
//!   |N(mean, sd)| units (truncated; the first annotator at least one), laid
//!   one after the other from 0, each after a gap drawn from N(mean gap, sd),
//!   with a length drawn from |N(mean length, sd)| and a label drawn by
//!   frequency. The draws come from ChaCha8 seeded with [`SEED`] and the
//!   names of the pair and the label, so a figure is the same on every run,
//!   whichever other annotators are compared.
//! - **gamma** = 1 − observed disorder / chance disorder; 1 when the observed
//!   disorder is 0 (as pygamma-agreement has it).
//!
//! A sample is no larger than [`SAMPLE_UNITS`] units per annotator on
//! average: above that, the mean and the standard deviation of the number
//! of units are scaled down alike. The disorder is a cost per unit, and a
//! continuum drawn from the same statistics has the same expected disorder
//! per unit whatever its length, apart from its two ends; a longer sample
//! only spreads less. On the benchmark corpus, 30 samples of 1,000 units
//! per annotator have a standard error of 0.1 to 0.2 % of the chance
//! disorder (docs/BENCHMARKS.md), and the cost of chance does not grow with
//! the corpus. Continua of up to that size are sampled exactly as
//! pygamma-agreement samples them.
//!
//! What is computed, for each pair of annotators: per label, gamma with the
//! positional dissimilarity over that label's units; over all labels, gamma
//! with the combined dissimilarity over all units. Over the corpus, both come
//! from the corpus's continuum. Per document, the observed disorder is the
//! document's and the chance disorder is the corpus's: Mathet et al.
//! recommend estimating chance over the whole corpus, and one document's few
//! units would make a poor estimate. Gamma of three or more annotators at
//! once is not computed.

use pathfinding::prelude::{Matrix, kuhn_munkres};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use serde::Serialize;

use super::agree::{Agreement, Figure};
use crate::model::Span;

/// Random continua drawn to estimate the chance disorder
/// (pygamma-agreement's default `n_samples`).
pub const SAMPLES: usize = 30;

/// The seed of the chance samples, mixed with the names of the pair and the
/// label.
pub const SEED: u64 = 2015;

/// At most this many units per annotator, on average, in a chance sample.
pub const SAMPLE_UNITS: f64 = 1000.0;

/// The cost of a unit aligned with the empty unit (delta-empty).
const EMPTY: f64 = 1.0;

/// Two units are worth aligning only below this dissimilarity: the cost of
/// leaving both alone.
const WORTH_PAIRING: f64 = 2.0 * EMPTY;

/// The shortest unit a sample may hold (pyannote's segment precision).
const SHORTEST: f64 = 1e-6;

/// Assignment weights are integers: the gain of a pair, scaled by this.
/// Rounding can only choose, among alignments, one within 2⁻⁴⁰ of the best
/// per unit; its disorder is then summed from the exact dissimilarities.
const SCALE: f64 = (1u64 << 40) as f64;

/// Gamma's two disorders, of which it is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Gamma {
    /// The best alignment's disorder.
    pub observed: Figure,
    /// The chance disorder, from the corpus.
    pub expected: Figure,
}

impl Gamma {
    /// 1 − observed / expected disorder; 1 when the observed disorder is 0.
    pub fn gamma(&self) -> Figure {
        match (&self.observed, &self.expected) {
            (Figure::Undefined(reason), _) => Figure::Undefined(reason),
            (Figure::Value(observed), _) if *observed == 0.0 => Figure::Value(1.0),
            (Figure::Value(_), Figure::Undefined(reason)) => Figure::Undefined(reason),
            (Figure::Value(_), Figure::Value(expected)) if *expected == 0.0 => {
                Figure::Undefined("the chance disorder is 0: chance aligns every unit exactly")
            }
            (Figure::Value(observed), Figure::Value(expected)) => {
                Figure::Value(1.0 - observed / expected)
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Units and the best alignment

/// A unit: where it lies and its label's index (its category).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Unit {
    start: f64,
    end: f64,
    category: u32,
}

impl Unit {
    fn length(&self) -> f64 {
        self.end - self.start
    }
}

/// Which dissimilarity a layer uses.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Dissimilarity {
    /// Positional only (one label's units).
    Positional,
    /// Positional plus categorical (all labels' units).
    Combined,
}

impl Dissimilarity {
    fn between(self, x: &Unit, y: &Unit) -> f64 {
        let shift = (x.start - y.start).abs() + (x.end - y.end).abs();
        let positional = shift / (x.length() + y.length());
        let positional = positional * positional * EMPTY;
        match self {
            Dissimilarity::Positional => positional,
            Dissimilarity::Combined if x.category == y.category => positional,
            Dissimilarity::Combined => positional + EMPTY,
        }
    }
}

/// Two units, one of each annotator, worth aligning.
#[derive(Debug, Clone, Copy)]
struct Edge {
    a: u32,
    b: u32,
    dissimilarity: f64,
}

/// What [`least_cost`] works in, kept from one call to the next.
#[derive(Debug, Default)]
struct Scratch {
    edges: Vec<Edge>,
    degree_a: Vec<u32>,
    degree_b: Vec<u32>,
}

/// The total cost of a best alignment of `a` and `b` (the observed disorder
/// times the mean number of units per annotator). `b` is sorted by start.
fn least_cost(a: &[Unit], b: &[Unit], dissimilarity: Dissimilarity, scratch: &mut Scratch) -> f64 {
    let Scratch {
        edges,
        degree_a,
        degree_b,
    } = scratch;
    // A pair is worth aligning only if its positional dissimilarity is
    // below 2, so only if |start x − start y| < √2 (length x + length y).
    let longest_b = b.iter().map(Unit::length).fold(0.0, f64::max);
    edges.clear();
    for (i, x) in a.iter().enumerate() {
        let reach = 1.5 * (x.length() + longest_b);
        let first = b.partition_point(|y| y.start <= x.start - reach);
        for (j, y) in b.iter().enumerate().skip(first) {
            if y.start >= x.start + reach {
                break;
            }
            let d = dissimilarity.between(x, y);
            if d < WORTH_PAIRING {
                edges.push(Edge {
                    a: i as u32,
                    b: j as u32,
                    dissimilarity: d,
                });
            }
        }
    }
    // Most components are one pair: two units with one edge between them.
    for (degrees, units) in [(&mut *degree_a, a.len()), (&mut *degree_b, b.len())] {
        degrees.clear();
        degrees.resize(units, 0);
    }
    for edge in edges.iter() {
        degree_a[edge.a as usize] += 1;
        degree_b[edge.b as usize] += 1;
    }
    let mut paired = 0;
    let mut cost = 0.0;
    let mut tangled = Vec::new();
    for &edge in edges.iter() {
        if degree_a[edge.a as usize] == 1 && degree_b[edge.b as usize] == 1 {
            paired += 1;
            cost += edge.dissimilarity;
        } else {
            tangled.push(edge);
        }
    }
    if !tangled.is_empty() {
        // The other components: units joined by edges (union-find), each an
        // assignment problem of its own.
        let mut parent: Vec<u32> = (0..(a.len() + b.len()) as u32).collect();
        let offset = a.len() as u32;
        for edge in &tangled {
            let (x, y) = (
                root(&mut parent, edge.a),
                root(&mut parent, offset + edge.b),
            );
            parent[x.max(y) as usize] = x.min(y);
        }
        let mut keyed: Vec<(u32, Edge)> = tangled
            .into_iter()
            .map(|edge| (root(&mut parent, edge.a), edge))
            .collect();
        keyed.sort_by_key(|(component, edge)| (*component, edge.a, edge.b));
        let mut component = Vec::new();
        for group in keyed.chunk_by(|x, y| x.0 == y.0) {
            component.clear();
            component.extend(group.iter().map(|(_, edge)| *edge));
            let (pairs, sum) = assign(&component);
            paired += pairs;
            cost += sum;
        }
    }
    cost + (a.len() + b.len() - 2 * paired) as f64 * EMPTY
}

/// The root of `node` in a union-find forest, halving paths on the way.
fn root(parent: &mut [u32], mut node: u32) -> u32 {
    while parent[node as usize] != node {
        let up = parent[parent[node as usize] as usize];
        parent[node as usize] = up;
        node = up;
    }
    node
}

/// A best assignment of one component: how many pairs, and the sum of their
/// dissimilarities.
fn assign(edges: &[Edge]) -> (usize, f64) {
    let index = |units: &[u32], unit: u32| match units.binary_search(&unit) {
        Ok(i) | Err(i) => i,
    };
    let mut rows: Vec<u32> = edges.iter().map(|e| e.a).collect();
    let mut columns: Vec<u32> = edges.iter().map(|e| e.b).collect();
    for units in [&mut rows, &mut columns] {
        units.sort_unstable();
        units.dedup();
    }
    // Kuhn–Munkres wants no more rows than columns.
    let transpose = rows.len() > columns.len();
    let (height, width) = if transpose {
        (columns.len(), rows.len())
    } else {
        (rows.len(), columns.len())
    };
    let mut gains = Matrix::new(height, width, 0i64);
    let mut dissimilarities = vec![f64::INFINITY; height * width];
    for edge in edges {
        let (r, c) = (index(&rows, edge.a), index(&columns, edge.b));
        let (r, c) = if transpose { (c, r) } else { (r, c) };
        gains[(r, c)] = ((WORTH_PAIRING - edge.dissimilarity) * SCALE).round() as i64;
        dissimilarities[r * width + c] = edge.dissimilarity;
    }
    let (_, assignment) = kuhn_munkres(&gains);
    let mut pairs = 0;
    let mut sum = 0.0;
    for (r, c) in assignment.into_iter().enumerate() {
        let d = dissimilarities[r * width + c];
        if d.is_finite() {
            pairs += 1;
            sum += d;
        }
    }
    (pairs, sum)
}

// ---------------------------------------------------------------------------
// Documents

/// How many values, their sum and the sum of their squares.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: u64,
    sum: i128,
    squares: f64,
}

impl Moments {
    fn push(&mut self, value: i128) {
        self.add(1, value, (value as f64) * (value as f64));
    }

    fn add(&mut self, n: u64, sum: i128, squares: f64) {
        self.n += n;
        self.sum += sum;
        self.squares += squares;
    }

    /// Mean and population standard deviation; (0, 0) for no value.
    fn mean_sd(&self) -> (f64, f64) {
        if self.n == 0 {
            return (0.0, 0.0);
        }
        let n = self.n as f64;
        let mean = self.sum as f64 / n;
        (mean, (self.squares / n - mean * mean).max(0.0).sqrt())
    }
}

/// One annotator's units of one layer in one document, as the chance
/// sampler's statistics need them: a few numbers, whatever the units.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    units: u32,
    /// The start of the first unit and the end of the last, in order.
    first_start: u32,
    last_end: u32,
    /// Sums of the gaps between consecutive units within the document and
    /// of their squares, and the same of the units' lengths. The squares
    /// are summed in floating point, where no document can overflow them.
    gaps: i64,
    gap_squares: f64,
    lengths: u64,
    length_squares: f64,
}

/// What chance needs of one document: its length, each annotator's longest
/// span (`None` for an annotator without a file), and their [`Run`] of each
/// layer (each label, then all labels), annotator by annotator.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    length: u64,
    longest: Vec<Option<u32>>,
    runs: Vec<Run>,
}

/// The best alignments' costs and units of one pair, per layer (each label,
/// then all labels), added over documents.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Observed {
    layers: Vec<(f64, u64)>,
}

/// One annotator's spans of a document, and those of each label as
/// indices into them, in the labels' order.
pub(crate) type Side<'a> = (&'a [Span], &'a [Vec<usize>]);

impl Document {
    /// The document's layers for each annotator (`None` for one who did
    /// not annotate it), and each pair's best alignments (pairs in the
    /// order of the annotators, a before b).
    pub(crate) fn of(
        labels: usize,
        sides: &[Option<Side>],
        length: usize,
    ) -> (Document, Vec<Observed>) {
        let layers: Vec<Option<Vec<Vec<Unit>>>> = sides
            .iter()
            .map(|side| side.map(|(spans, of_label)| layers(spans, of_label)))
            .collect();
        let mut observed = Vec::new();
        let mut scratch = Scratch::default();
        for (i, a) in layers.iter().enumerate() {
            for b in &layers[i + 1..] {
                let mut pair = Observed::new(labels);
                if let (Some(a), Some(b)) = (a, b) {
                    for (layer, (x, y)) in a.iter().zip(b).enumerate() {
                        let dissimilarity = if layer < labels {
                            Dissimilarity::Positional
                        } else {
                            Dissimilarity::Combined
                        };
                        let cost = least_cost(x, y, dissimilarity, &mut scratch);
                        pair.layers[layer] = (cost, (x.len() + y.len()) as u64);
                    }
                }
                observed.push(pair);
            }
        }
        let longest = layers
            .iter()
            .map(|layers| {
                let longest = layers.as_ref()?.iter().flatten().map(Unit::length);
                Some(longest.fold(0.0, f64::max) as u32)
            })
            .collect();
        let runs = layers
            .iter()
            .flat_map(|layers| match layers {
                Some(layers) => layers.iter().map(|units| run(units)).collect(),
                None => vec![Run::default(); labels + 1],
            })
            .collect();
        let document = Document {
            length: length as u64,
            longest,
            runs,
        };
        (document, observed)
    }
}

/// An annotator's units per layer: each label's, then all; sorted by start,
/// end and label, each once. `of_label` holds the indices of each label's
/// spans.
fn layers(spans: &[Span], of_label: &[Vec<usize>]) -> Vec<Vec<Unit>> {
    let all = of_label.iter().map(Vec::len).sum();
    let mut layers: Vec<Vec<Unit>> = of_label
        .iter()
        .map(|of| Vec::with_capacity(of.len()))
        .collect();
    layers.push(Vec::with_capacity(all));
    for (category, of) in of_label.iter().enumerate() {
        for &i in of {
            let unit = Unit {
                start: spans[i].start as f64,
                end: spans[i].end as f64,
                category: category as u32,
            };
            layers[category].push(unit);
            layers[of_label.len()].push(unit);
        }
    }
    for units in &mut layers {
        sort(units);
        units.dedup();
    }
    layers
}

fn sort(units: &mut [Unit]) {
    units.sort_by(|x, y| {
        x.start
            .total_cmp(&y.start)
            .then(x.end.total_cmp(&y.end))
            .then(x.category.cmp(&y.category))
    });
}

/// The statistics of sorted units at whole offsets.
fn run(units: &[Unit]) -> Run {
    let mut run = Run {
        units: units.len() as u32,
        first_start: units.first().map_or(0, |u| u.start as u32),
        last_end: units.last().map_or(0, |u| u.end as u32),
        ..Run::default()
    };
    for unit in units {
        let length = unit.length();
        run.lengths += length as u64;
        run.length_squares += length * length;
    }
    for pair in units.windows(2) {
        let gap = pair[1].start - pair[0].end;
        run.gaps += gap as i64;
        run.gap_squares += gap * gap;
    }
    run
}

impl Observed {
    pub(crate) fn new(labels: usize) -> Observed {
        Observed {
            layers: vec![(0.0, 0); labels + 1],
        }
    }

    pub(crate) fn merge(&mut self, other: &Observed) {
        for (mine, theirs) in self.layers.iter_mut().zip(&other.layers) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
    }

    /// The observed disorder of one layer (a label's index, or the number
    /// of labels for all labels), its chance not yet known (see
    /// [`Chance::settle`]).
    pub(crate) fn figure(&self, layer: usize, shared: bool) -> Gamma {
        let (cost, units) = self.layers[layer];
        Gamma {
            observed: if !shared {
                Figure::Undefined("no document annotated by both")
            } else if units == 0 {
                Figure::Undefined(no_unit(layer, self.layers.len() - 1))
            } else {
                Figure::Value(cost / (units as f64 / 2.0))
            },
            expected: Figure::Undefined("chance disorder not estimated"),
        }
    }
}

/// Why a layer without units has no gamma.
fn no_unit(layer: usize, labels: usize) -> &'static str {
    if layer < labels {
        "neither annotator has a span of this label"
    } else {
        "neither annotator has a span of the schema's labels"
    }
}

// ---------------------------------------------------------------------------
// Chance

/// The chance disorder of every pair (in the order of the annotators, a
/// before b) and layer (each label, then all labels), over the corpus.
#[derive(Debug, Clone)]
pub(crate) struct Chance {
    pairs: Vec<Vec<Figure>>,
}

impl Chance {
    /// Samples each pair's corpus continuum, from `documents` in the
    /// project's order.
    pub(crate) fn estimate(
        annotators: &[String],
        labels: &[String],
        documents: &[Document],
    ) -> Chance {
        use rayon::prelude::*;
        let mut jobs = Vec::new();
        for i in 0..annotators.len() {
            for j in i + 1..annotators.len() {
                for layer in 0..=labels.len() {
                    jobs.push((i, j, layer));
                }
            }
        }
        let figures: Vec<Figure> = jobs
            .par_iter()
            .map(|&(i, j, layer)| {
                let Some(sampler) = Sampler::of(documents, (i, j), layer, labels.len()) else {
                    return Figure::Undefined(no_unit(layer, labels.len()));
                };
                let name = labels.get(layer).map(String::as_str);
                let seed = seed(&annotators[i], &annotators[j], name);
                let dissimilarity = if layer < labels.len() {
                    Dissimilarity::Positional
                } else {
                    Dissimilarity::Combined
                };
                Figure::Value(sampler.expected(seed, dissimilarity))
            })
            .collect();
        Chance {
            pairs: figures
                .chunks(labels.len() + 1)
                .map(<[Figure]>::to_vec)
                .collect(),
        }
    }

    /// Sets the chance disorder, and so gamma, of every pair of
    /// `agreement` (the corpus's, or one document's).
    pub(crate) fn settle(&self, agreement: &mut Agreement, labels: &[String]) {
        for (pair, chance) in agreement.pairs.iter_mut().zip(&self.pairs) {
            for (label, expected) in labels.iter().zip(chance) {
                if let Some(figures) = pair.labels.get_mut(label) {
                    figures.gamma.expected = expected.clone();
                }
            }
            pair.micro.gamma.expected = chance[labels.len()].clone();
        }
    }
}

/// The seed of one pair's and layer's samples: [`SEED`] mixed with the two
/// names, in sorted order, and the label's (FNV-1a).
fn seed(a: &str, b: &str, label: Option<&str>) -> u64 {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ SEED;
    // 0xff never occurs in UTF-8: it separates the names.
    let bytes = a.bytes().chain([0xff]).chain(b.bytes()).chain([0xff]);
    let bytes = bytes.chain(label.map_or(&[0xfe][..], str::as_bytes).iter().copied());
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The statistics random continua are drawn from.
#[derive(Debug, Clone)]
struct Sampler {
    /// Units per annotator: mean and standard deviation, scaled down to
    /// [`SAMPLE_UNITS`].
    units: (f64, f64),
    gaps: (f64, f64),
    lengths: (f64, f64),
    /// Each category with how many units have it, in running sums.
    categories: Vec<(u32, u64)>,
}

impl Sampler {
    /// The statistics of the corpus continuum of the pair's `sides`, in
    /// one layer; `None` when it has no unit.
    fn of(
        documents: &[Document],
        sides: (usize, usize),
        layer: usize,
        labels: usize,
    ) -> Option<Sampler> {
        let layers = labels + 1;
        // The documents both annotated, with each side's runs.
        let shared: Vec<(&Document, [&[Run]; 2])> = documents
            .iter()
            .filter(|d| d.longest[sides.0].is_some() && d.longest[sides.1].is_some())
            .map(|d| {
                let runs = |side: usize| &d.runs[side * layers..(side + 1) * layers];
                (d, [runs(sides.0), runs(sides.1)])
            })
            .collect();
        // One code point longer than the longest span of the pair.
        let longest = shared
            .iter()
            .flat_map(|(d, _)| [d.longest[sides.0], d.longest[sides.1]])
            .flatten()
            .max()?;
        let gap = 1 + u64::from(longest);
        let mut offset = 0;
        let mut counts = [0u64; 2];
        let mut lengths = Moments::default();
        let mut gaps = Moments::default();
        gaps.push(0);
        let mut last_end: [Option<u64>; 2] = [None, None];
        let mut categories = vec![0u64; labels];
        for (document, sides) in &shared {
            for (side, runs) in sides.iter().enumerate() {
                let run = &runs[layer];
                if run.units == 0 {
                    continue;
                }
                counts[side] += u64::from(run.units);
                lengths.add(
                    u64::from(run.units),
                    i128::from(run.lengths),
                    run.length_squares,
                );
                gaps.add(
                    u64::from(run.units - 1),
                    i128::from(run.gaps),
                    run.gap_squares,
                );
                let first = offset + u64::from(run.first_start);
                match last_end[side] {
                    Some(end) => gaps.push(first as i128 - end as i128),
                    // pygamma-agreement counts an annotator's first start
                    // as a gap, when above 0.
                    None if first > 0 => gaps.push(first as i128),
                    None => {}
                }
                last_end[side] = Some(offset + u64::from(run.last_end));
                for (category, count) in categories.iter_mut().enumerate() {
                    if layer == labels || layer == category {
                        *count += u64::from(runs[category].units);
                    }
                }
            }
            offset += document.length + gap;
        }
        if counts[0] + counts[1] == 0 {
            return None;
        }
        let mean = (counts[0] + counts[1]) as f64 / 2.0;
        let sd = counts[0].abs_diff(counts[1]) as f64 / 2.0;
        let scale = (SAMPLE_UNITS / mean).min(1.0);
        let mut total = 0;
        Some(Sampler {
            units: (mean * scale, sd * scale),
            gaps: gaps.mean_sd(),
            lengths: lengths.mean_sd(),
            categories: categories
                .into_iter()
                .enumerate()
                .filter(|(_, count)| *count > 0)
                .map(|(category, count)| {
                    total += count;
                    (category as u32, total)
                })
                .collect(),
        })
    }

    /// The mean disorder of the best alignments of [`SAMPLES`] random
    /// continua.
    fn expected(&self, seed: u64, dissimilarity: Dissimilarity) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut scratch = Scratch::default();
        let total: f64 = (0..SAMPLES)
            .map(|_| {
                let a = self.sample(&mut rng, true);
                let b = self.sample(&mut rng, a.is_empty());
                let mean_units = (a.len() + b.len()) as f64 / 2.0;
                least_cost(&a, &b, dissimilarity, &mut scratch) / mean_units
            })
            .sum();
        total / SAMPLES as f64
    }

    /// One annotator's units of a random continuum, sorted; at least one
    /// when `first` (no unit in the continuum yet).
    fn sample(&self, rng: &mut ChaCha8Rng, first: bool) -> Vec<Unit> {
        let mut normal = |(mean, sd): (f64, f64)| mean + sd * rng.sample::<f64, _>(StandardNormal);
        let count = normal(self.units).trunc().abs() as usize;
        let count = if first { count.max(1) } else { count };
        let mut units = Vec::with_capacity(count);
        let mut last = 0.0;
        for _ in 0..count {
            let start = last + normal(self.gaps);
            let mut end = start + normal(self.lengths).abs();
            while end - start < SHORTEST {
                end = start + normal(self.lengths).abs();
            }
            units.push(Unit {
                start,
                end,
                category: 0,
            });
            last = end;
        }
        let total = self.categories.last().map_or(0, |(_, n)| *n);
        for unit in &mut units {
            let drawn = rng.random_range(0..total.max(1));
            unit.category = self
                .categories
                .iter()
                .find(|(_, upto)| drawn < *upto)
                .map_or(0, |(category, _)| *category);
        }
        sort(&mut units);
        units
    }
}

// ---------------------------------------------------------------------------
// Output

/// Gamma in the JSON report, beside a pair's or a label's other figures.
#[derive(Serialize)]
pub(crate) struct JsonGamma {
    gamma: Option<f64>,
    gamma_disorder: JsonDisorder,
    #[serde(skip_serializing_if = "Option::is_none")]
    gamma_undefined: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonDisorder {
    observed: Option<f64>,
    expected: Option<f64>,
}

impl JsonGamma {
    /// `gamma` as JSON; the reason it is undefined is left for the caller
    /// when `with_reason` is false.
    pub(crate) fn of(gamma: &Gamma, with_reason: bool) -> JsonGamma {
        JsonGamma {
            gamma: gamma.gamma().value(),
            gamma_disorder: JsonDisorder {
                observed: gamma.observed.value(),
                expected: gamma.expected.value(),
            },
            gamma_undefined: gamma.gamma().reason().filter(|_| with_reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn unit(start: f64, end: f64, category: u32) -> Unit {
        Unit {
            start,
            end,
            category,
        }
    }

    fn least_cost(a: &[Unit], b: &[Unit], dissimilarity: Dissimilarity) -> f64 {
        super::least_cost(a, b, dissimilarity, &mut Scratch::default())
    }

    /// A sampler of the given statistics: means and standard deviations,
    /// and categories in running sums.
    fn sampler(
        units: (f64, f64),
        gaps: (f64, f64),
        lengths: (f64, f64),
        categories: &[(u32, u64)],
    ) -> Sampler {
        Sampler {
            units,
            gaps,
            lengths,
            categories: categories.to_vec(),
        }
    }

    fn disorders(observed: Figure, expected: Figure) -> Gamma {
        Gamma { observed, expected }
    }

    fn close(value: f64, expected: f64) {
        assert!((value - expected).abs() < 1e-12, "{value} != {expected}");
    }

    #[test]
    fn identical_annotations_have_no_disorder() {
        let units = [unit(0.0, 5.0, 0), unit(3.0, 9.0, 1), unit(20.0, 24.0, 0)];
        for dissimilarity in [Dissimilarity::Positional, Dissimilarity::Combined] {
            close(least_cost(&units, &units, dissimilarity), 0.0);
        }
        let gamma = disorders(Figure::Value(0.0), Figure::Value(1.3));
        assert_eq!(gamma.gamma(), Figure::Value(1.0));
    }

    #[test]
    fn a_unit_alone_costs_delta_empty() {
        // One unit, the other annotator none: cost 1 over 1/2 unit per
        // annotator, a disorder of 2.
        let a = [unit(4.0, 9.0, 0)];
        close(least_cost(&a, &[], Dissimilarity::Positional), 1.0);
        close(least_cost(&[], &a, Dissimilarity::Combined), 1.0);
        // Far apart, two units are each left alone: 2, not their
        // dissimilarity ((100 + 100) / 10)² = 400.
        let b = [unit(104.0, 109.0, 0)];
        close(least_cost(&a, &b, Dissimilarity::Positional), 2.0);
    }

    #[test]
    fn offset_units_cost_their_positional_dissimilarity() {
        // [0, 10) and [2, 12): ((2 + 2) / (10 + 10))² = 0.04.
        let a = [unit(0.0, 10.0, 0)];
        let b = [unit(2.0, 12.0, 0)];
        close(least_cost(&a, &b, Dissimilarity::Positional), 0.04);
        // Another label adds 1 to the combined dissimilarity: 1.04 < 2,
        // still worth aligning.
        let c = [unit(2.0, 12.0, 1)];
        close(least_cost(&a, &c, Dissimilarity::Combined), 1.04);
        close(least_cost(&a, &c, Dissimilarity::Positional), 0.04);
        // [0, 10) and [0, 4): (6 / 14)² alone; with another label, 1.18 < 2.
        let d = [unit(0.0, 4.0, 1)];
        close(
            least_cost(&a, &d, Dissimilarity::Combined),
            (6.0f64 / 14.0).powi(2) + 1.0,
        );
        // Symmetric.
        close(
            least_cost(&c, &a, Dissimilarity::Combined),
            least_cost(&a, &c, Dissimilarity::Combined),
        );
    }

    #[test]
    fn the_best_alignment_is_not_the_greedy_one() {
        // a1 = b1 exactly, but pairing them leaves a2 with b2 at
        // (20 / 24)² = 0.694; a1 with b2 and a2 with b1 cost (10 / 22)²
        // each, 0.413 in all.
        let a = [unit(10.0, 20.0, 0), unit(14.0, 26.0, 0)];
        let mut b = [unit(10.0, 20.0, 0), unit(4.0, 16.0, 0)];
        sort(&mut b);
        let best = 2.0 * (10.0f64 / 22.0).powi(2);
        close(least_cost(&a, &b, Dissimilarity::Positional), best);
        assert!(best < (20.0f64 / 24.0).powi(2));
        // A component of three with one unit left alone: b2 aligned with
        // a1 or a2 costs the same, and the third unit costs 1.
        let a = [unit(0.0, 10.0, 0), unit(40.0, 50.0, 0)];
        let b = [unit(0.0, 10.0, 0), unit(1.0, 11.0, 0), unit(40.0, 50.0, 1)];
        close(least_cost(&a, &b, Dissimilarity::Positional), 1.0);
        close(least_cost(&a, &b, Dissimilarity::Combined), 2.0);
    }

    #[test]
    fn components_far_apart_are_solved_alone() {
        // The same tangle of three units repeated along the continuum.
        let mut a = Vec::new();
        let mut b = Vec::new();
        for k in 0..50 {
            let at = 1000.0 * k as f64;
            a.extend([unit(at + 10.0, at + 20.0, 0), unit(at + 14.0, at + 26.0, 0)]);
            b.extend([unit(at + 4.0, at + 16.0, 0), unit(at + 10.0, at + 20.0, 0)]);
        }
        let best = 50.0 * 2.0 * (10.0f64 / 22.0).powi(2);
        assert!((least_cost(&a, &b, Dissimilarity::Positional) - best).abs() < 1e-9);
    }

    #[test]
    fn the_sampler_reads_the_corpus_continuum() {
        // Two documents of 30 and 20 code points. ayu: [2, 5) and [10, 14)
        // in the first, [3, 8) in the second; budi: [2, 6) in the first.
        // The longest span is 5, so documents are 6 apart: the second
        // starts at 36.
        let labels = ["actor".to_owned()];
        let annotators = ["ayu".to_owned(), "budi".to_owned()];
        let span = |start, end| Span {
            start,
            end,
            label: "actor".into(),
            ..crate::model::markup::parse("[x|actor]").unwrap().1[0].clone()
        };
        let first = BTreeMap::from([
            ("ayu".to_owned(), vec![span(2, 5), span(10, 14)]),
            ("budi".to_owned(), vec![span(2, 6), span(2, 6)]),
        ]);
        let second = BTreeMap::from([("ayu".to_owned(), vec![span(3, 8)])]);
        let second_both = BTreeMap::from([
            ("ayu".to_owned(), vec![span(3, 8)]),
            ("budi".to_owned(), vec![]),
        ]);
        // Every span is an actor.
        let document = |annotated: &BTreeMap<String, Vec<Span>>, length| {
            let of_label: Vec<Option<Vec<Vec<usize>>>> = annotators
                .iter()
                .map(|a| {
                    annotated
                        .get(a)
                        .map(|spans| vec![(0..spans.len()).collect()])
                })
                .collect();
            let sides: Vec<Option<Side>> = annotators
                .iter()
                .zip(&of_label)
                .map(|(a, of)| Some((annotated.get(a)?.as_slice(), of.as_ref()?.as_slice())))
                .collect();
            Document::of(labels.len(), &sides, length)
        };
        let (one, observed) = document(&first, 30);
        // ayu's [2, 5) with budi's [2, 6) (budi's twice is one unit):
        // (1 / 7)², and [10, 14) alone.
        assert_eq!(observed[0].layers[0].1, 3);
        close(observed[0].layers[0].0, 1.0 / 49.0 + 1.0);
        let (two, _) = document(&second, 20);
        // Only ayu annotated the second document: the pair's continuum is
        // the first alone.
        let sampler = Sampler::of(&[one.clone(), two], (0, 1), 0, 1).unwrap();
        // Gaps: 0, ayu's first start 2, 10 - 5 = 5, budi's first start 2.
        let gaps = [0.0, 2.0, 5.0, 2.0];
        let mean = gaps.iter().sum::<f64>() / 4.0;
        let sd = (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / 4.0).sqrt();
        close(sampler.gaps.0, mean);
        close(sampler.gaps.1, sd);
        // Units: 2 and 1; lengths 3, 4, 4.
        close(sampler.units.0, 1.5);
        close(sampler.units.1, 0.5);
        close(sampler.lengths.0, 11.0 / 3.0);
        // Both annotated the second: it follows the first after a gap of
        // 6, at 36, and ayu's gap across is 36 + 3 - 14 = 25.
        let (two, _) = document(&second_both, 20);
        let sampler = Sampler::of(&[one, two], (0, 1), 0, 1).unwrap();
        let gaps = [0.0, 2.0, 5.0, 25.0, 2.0];
        close(sampler.gaps.0, gaps.iter().sum::<f64>() / 5.0);
        close(sampler.units.0, 2.0);
        close(sampler.units.1, 1.0);
    }

    #[test]
    fn samples_follow_the_statistics() {
        let sampler = sampler((800.0, 100.0), (12.0, 6.0), (7.0, 3.0), &[(0, 3), (2, 4)]);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut units = Vec::new();
        for _ in 0..20 {
            let sample = sampler.sample(&mut rng, true);
            units.push(sample.len() as f64);
            let gaps: Vec<f64> = sample.windows(2).map(|p| p[1].start - p[0].end).collect();
            let mean_gap = gaps.iter().sum::<f64>() / gaps.len() as f64;
            assert!((mean_gap - 12.0).abs() < 1.0, "{mean_gap}");
            let mean_length = sample.iter().map(Unit::length).sum::<f64>() / sample.len() as f64;
            assert!((mean_length - 7.0).abs() < 0.5, "{mean_length}");
            let second = sample.iter().filter(|u| u.category == 2).count() as f64;
            assert!((second / sample.len() as f64 - 0.25).abs() < 0.06);
            assert!(sample.iter().all(|u| u.category != 1));
        }
        let mean_units = units.iter().sum::<f64>() / units.len() as f64;
        assert!((mean_units - 800.0).abs() < 60.0, "{mean_units}");
    }

    #[test]
    fn chance_per_unit_does_not_depend_on_the_sample_size() {
        // The reason samples may be smaller than the corpus: the same
        // statistics drawn 1,000 or 5,000 units long give the same chance
        // disorder, to well within the spread of 30 samples.
        let sized = |units: f64| {
            let categories = [(0, 5), (1, 8), (2, 10)];
            sampler((units, units / 10.0), (20.0, 25.0), (8.0, 5.0), &categories)
        };
        for dissimilarity in [Dissimilarity::Positional, Dissimilarity::Combined] {
            let small = sized(1000.0).expected(7, dissimilarity);
            let large = sized(5000.0).expected(7, dissimilarity);
            assert!((small / large - 1.0).abs() < 0.01, "{small} vs {large}");
        }
    }

    #[test]
    fn chance_is_seeded() {
        let sampler = sampler((40.0, 5.0), (20.0, 25.0), (8.0, 5.0), &[(0, 1)]);
        let one = sampler.expected(
            seed("ayu", "budi", Some("actor")),
            Dissimilarity::Positional,
        );
        let again = sampler.expected(
            seed("budi", "ayu", Some("actor")),
            Dissimilarity::Positional,
        );
        assert_eq!(one, again);
        assert_ne!(
            seed("ayu", "budi", Some("actor")),
            seed("ayu", "budi", None)
        );
        assert_ne!(seed("ayu", "budi", None), seed("ayub", "udi", None));
    }

    #[test]
    fn undefined_gamma_says_why() {
        let none = Figure::Undefined("neither annotator has a span of this label");
        assert_eq!(
            disorders(none.clone(), none).gamma().reason(),
            Some("neither annotator has a span of this label")
        );
        let no_chance = disorders(Figure::Value(0.5), Figure::Value(0.0));
        assert!(no_chance.gamma().value().is_none());
        let gamma = disorders(Figure::Value(0.5), Figure::Value(2.0));
        assert_eq!(gamma.gamma(), Figure::Value(0.75));
    }

    /// Through `agree`: texts with a curly quote, an emoji and CRLF line
    /// ends; the observed disorders by hand, and each document's gamma
    /// against the corpus's chance disorder.
    #[test]
    fn agree_reports_gamma_per_label_and_over_all_labels() {
        use crate::testing::TestProject;
        let dir = TestProject::new()
            .annotated(
                "ayu",
                "a.txt",
                "“[Kim Jong Un|actor]” 😊 tiba\r\ndi [Moskwa|location].\r\n",
            )
            .annotated(
                "budi",
                "a.txt",
                "“[Kim Jong|actor] Un” 😊 tiba\r\ndi [Moskwa|actor].\r\n",
            )
            .annotated("ayu", "b.txt", "[Rabu|date] 😊\r\n")
            .annotated("budi", "b.txt", "[Rabu|date] 😊\r\n");
        let report = super::super::agree::agree(&dir.open(), &[]);
        let pair = &report.corpus.pairs[0];
        // actor: [1, 12) against [1, 9) and budi's Moskwa [21, 27) alone:
        // (3 / 19)² + 1 over 1.5 units per annotator.
        let actor = &pair.labels["actor"].gamma;
        let expected_actor = ((3.0f64 / 19.0).powi(2) + 1.0) / 1.5;
        close(actor.observed.value().unwrap(), expected_actor);
        // location: ayu's Moskwa alone, 1 over 0.5.
        close(pair.labels["location"].gamma.observed.value().unwrap(), 2.0);
        // date: identical, gamma 1.
        assert_eq!(pair.labels["date"].gamma.gamma(), Figure::Value(1.0));
        // claim: nobody.
        assert_eq!(
            pair.labels["claim"].gamma.gamma().reason(),
            Some("neither annotator has a span of this label")
        );
        // All labels: Kim (3 / 19)², Moskwa as location against actor 0 + 1,
        // Rabu 0; 6 units.
        let all = &pair.micro.gamma;
        close(
            all.observed.value().unwrap(),
            ((3.0f64 / 19.0).powi(2) + 1.0) / 3.0,
        );
        let expected = all.expected.value().unwrap();
        close(
            all.gamma().value().unwrap(),
            1.0 - all.observed.value().unwrap() / expected,
        );
        // Per document: the document's disorder, the corpus's chance.
        let (id, a) = &report.per_document[0];
        assert_eq!(id, "a.txt");
        let document = &a.pairs[0].micro.gamma;
        assert_eq!(document.expected, all.expected);
        close(
            document.observed.value().unwrap(),
            ((3.0f64 / 19.0).powi(2) + 1.0) / 2.0,
        );
        let json = report.to_json();
        assert!(
            json.contains(
                "\"gamma\": 1.0,\n          \"gamma_disorder\": {\n            \"observed\": 0.0,"
            ),
            "{json}"
        );
        assert!(json.contains("\"undefined\": {\n            \"gamma\": \"neither annotator has a span of this label\""), "{json}");
        let table = report.to_table();
        for row in [
            "label         F1 exact  F1 overl     kappa     gamma       A       B",
            "date             1.000     1.000     1.000     1.000       1       1",
        ] {
            assert!(table.contains(row), "{table}");
        }
    }
}
