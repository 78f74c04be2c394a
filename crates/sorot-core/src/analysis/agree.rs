//! Inter-annotator agreement: span F1, token Cohen's kappa, Krippendorff's
//! alpha and gamma, per label and micro-averaged, per document and over the
//! corpus.
//!
//! Terms:
//! - **pair**: two annotators, compared over the documents both have an
//!   annotation file for.
//! - **exact match**: two spans with the same start, end and label.
//!   Exact span F1 = 2 × matches / (spans of A + spans of B).
//! - **overlap match**: two spans with the same label that share at least one
//!   character, matched one to one: pairs with the most shared characters are
//!   matched first (ties: earlier spans first).
//! - **token tags**: each token of the shared tokenizer ([`crate::formats::tokenize`])
//!   gets, for each label, B, I or O from each annotator's spans of that label
//!   (where two spans of one label overlap, the earlier one tags the tokens).
//!   A span edge inside a token tags that whole token.
//! - **Cohen's kappa**: over the token tags of one label, all tokens of the
//!   documents both annotated; undefined when chance agreement is 1 (both
//!   annotators used a single, identical category throughout).
//! - **Krippendorff's alpha** (nominal): over the token tags of one label, each
//!   token a unit valued by every annotator with a file for its document; an
//!   annotator without a file counts as missing, not as O. Undefined when only
//!   one category occurs or no token has two values.
//! - **micro**: span F1 from the matches and spans of all labels summed; kappa
//!   and alpha over the tags of all labels pooled (each token and label one item).
//! - **u-alpha**: Krippendorff's unitizing alpha per label over characters,
//!   across all annotators at once, over the documents every one of them
//!   annotated ([`super::unitizing`]).
//! - **gamma** (Mathet et al. 2015): per label and over all labels, for each
//!   pair, from the best alignment of the two annotators' spans; see
//!   [`super::gamma`].
//!
//! Undefined values are `None` with a reason, never NaN and never 1.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use super::gamma;
use crate::formats::tokenize;
use crate::model::Span;
use crate::model::text::SourceText;
use crate::project::Project;
use crate::project::document::{OpenDocument, ReadText};

use super::unitizing::Unitizing;

/// A figure, or why it has none.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Value(f64),
    Undefined(&'static str),
}

impl Figure {
    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(*v),
            Figure::Undefined(_) => None,
        }
    }

    pub fn reason(&self) -> Option<&'static str> {
        match self {
            Figure::Value(_) => None,
            Figure::Undefined(reason) => Some(reason),
        }
    }
}

/// Pairwise figures for one label (or micro over labels).
#[derive(Debug, Clone, PartialEq)]
pub struct PairFigures {
    pub span_f1_exact: Figure,
    pub span_f1_overlap: Figure,
    pub token_kappa: Figure,
    /// A label's gamma (positional dissimilarity); micro's is over all
    /// labels at once (combined dissimilarity).
    pub gamma: gamma::Gamma,
    pub a_spans: usize,
    pub b_spans: usize,
}

impl PairFigures {
    /// Figures from span counts and the two sides' token tags; kappa is
    /// undefined when the pair shares no document.
    fn new(counts: SpanCounts, shared_any: bool, tags: &KappaCounts, gamma: gamma::Gamma) -> Self {
        PairFigures {
            span_f1_exact: f1(counts.exact, counts.a, counts.b),
            span_f1_overlap: f1(counts.overlap, counts.a, counts.b),
            token_kappa: if shared_any {
                tags.kappa()
            } else {
                Figure::Undefined("no document annotated by both")
            },
            gamma,
            a_spans: counts.a,
            b_spans: counts.b,
        }
    }
}

/// One pair's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct PairAgreement {
    pub a: String,
    pub b: String,
    pub documents: usize,
    pub labels: BTreeMap<String, PairFigures>,
    pub micro: PairFigures,
    /// Among the spans both sides have (same start, end and label): F1 of
    /// the relations between them, and how many each side has.
    pub relations: RelationFigures,
    /// Per `label.attribute` (and `label.value` for normalized values):
    /// Cohen's kappa of the values the two sides give the spans both have,
    /// and over how many spans.
    pub attributes: BTreeMap<String, (Figure, usize)>,
}

/// F1 of one pair's relations between the spans both sides have.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationFigures {
    pub f1: Figure,
    pub a: usize,
    pub b: usize,
}

/// Agreement over a set of documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub annotators: Vec<String>,
    pub documents: usize,
    pub pairs: Vec<PairAgreement>,
    pub alpha: BTreeMap<String, Figure>,
    pub alpha_micro: Figure,
    /// Krippendorff's unitizing alpha per label, over the documents every
    /// annotator annotated.
    pub u_alpha: BTreeMap<String, Figure>,
    pub u_alpha_micro: Figure,
}

/// Corpus figures and the same per document.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub corpus: Agreement,
    pub per_document: Vec<(String, Agreement)>,
    /// Spans per label of each annotator, over every document they annotated.
    pub counts: BTreeMap<String, BTreeMap<String, usize>>,
    /// Annotation files that could not be read, with the reason.
    pub skipped: Vec<String>,
}

/// One annotator's spans of one document.
type Annotated = BTreeMap<String, Vec<Span>>;

/// One annotator's spans of one document sorted by label, as indices into
/// their spans, in order: those of each of the schema's labels, and those
/// of labels the schema does not list. Each span's label is compared with
/// the schema's once, and every count of the document uses these.
#[derive(Debug)]
struct ByLabel {
    /// By the labels' order.
    of_label: Vec<Vec<usize>>,
    unlisted: Vec<usize>,
}

impl ByLabel {
    fn of(spans: &[Span], labels: &[String]) -> ByLabel {
        let mut by_label = ByLabel {
            of_label: vec![Vec::new(); labels.len()],
            unlisted: Vec::new(),
        };
        for (i, span) in spans.iter().enumerate() {
            match labels.iter().position(|l| *l == span.label) {
                Some(l) => by_label.of_label[l].push(i),
                None => by_label.unlisted.push(i),
            }
        }
        by_label
    }

    /// Each annotator's, in the order of `annotators`; `None` for one who
    /// did not annotate the document.
    fn of_each(
        annotators: &[String],
        labels: &[String],
        annotated: &Annotated,
    ) -> Vec<Option<ByLabel>> {
        annotators
            .iter()
            .map(|a| annotated.get(a).map(|spans| ByLabel::of(spans, labels)))
            .collect()
    }
}

/// A document's tokens as agreement needs them: how many there are, and
/// for each annotator where each of their spans falls among them (first
/// token, end token), in the order of the spans. The tokens themselves are
/// not kept.
struct Tokens {
    count: usize,
    places: BTreeMap<String, Vec<Range<usize>>>,
}

impl Tokens {
    /// Tokenizes `text` once and places every annotator's spans in it.
    fn of(text: &SourceText, annotated: &Annotated) -> Tokens {
        let ranges: Vec<Range<usize>> = annotated
            .values()
            .flatten()
            .map(|s| s.start..s.end)
            .collect();
        let (placed, counts) = tokenize::place(text, &ranges);
        let mut placed = placed.into_iter().map(|p| p.first..p.end);
        let places = annotated
            .iter()
            .map(|(annotator, spans)| {
                (
                    annotator.clone(),
                    placed.by_ref().take(spans.len()).collect(),
                )
            })
            .collect();
        Tokens {
            count: counts.tokens,
            places,
        }
    }

    /// Tags of one label over the tokens, from `annotator`'s spans: 0 = O,
    /// 1 = B, 2 = I.
    #[cfg(test)]
    fn tags(&self, annotator: &str, spans: &[Span], label: &str) -> Vec<u8> {
        let of_label: Vec<usize> = (0..spans.len())
            .filter(|&i| spans[i].label == label)
            .collect();
        self.tags_of(annotator, &of_label)
    }

    /// Tags of one label over the tokens (0 = O, 1 = B, 2 = I), from the
    /// spans of `annotator` at `of_label` (indices into their spans, in
    /// order, all of that label).
    fn tags_of(&self, annotator: &str, of_label: &[usize]) -> Vec<u8> {
        let mut tags = vec![0u8; self.count];
        let places = self.places.get(annotator).map_or(&[][..], Vec::as_slice);
        for place in of_label.iter().filter_map(|&i| places.get(i)) {
            let (first, end) = (place.start, place.end);
            if first >= end || tags[first..end].iter().any(|t| *t != 0) {
                continue;
            }
            tags[first] = 1;
            for tag in &mut tags[first + 1..end] {
                *tag = 2;
            }
        }
        tags
    }
}

/// Counts for span F1 of one label over some documents.
#[derive(Debug, Default, Clone, Copy)]
struct SpanCounts {
    exact: usize,
    overlap: usize,
    a: usize,
    b: usize,
}

impl std::ops::AddAssign for SpanCounts {
    fn add_assign(&mut self, other: SpanCounts) {
        self.exact += other.exact;
        self.overlap += other.overlap;
        self.a += other.a;
        self.b += other.b;
    }
}

#[cfg(test)]
fn span_counts(a: &[Span], b: &[Span], label: &str) -> SpanCounts {
    let of_label = |spans: &[Span]| -> Vec<usize> {
        (0..spans.len())
            .filter(|&i| spans[i].label == label)
            .collect()
    };
    span_counts_of(a, &of_label(a), b, &of_label(b))
}

/// Span counts of one label from the spans of `a` at `a_of_label` and of
/// `b` at `b_of_label` (indices, in order, of the spans of that label).
fn span_counts_of(
    a: &[Span],
    a_of_label: &[usize],
    b: &[Span],
    b_of_label: &[usize],
) -> SpanCounts {
    let a: Vec<&Span> = a_of_label.iter().map(|&i| &a[i]).collect();
    let b: Vec<&Span> = b_of_label.iter().map(|&i| &b[i]).collect();
    // Distinct places both sides have.
    let places = |spans: &[&Span]| {
        let mut places: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
        places.sort_unstable();
        places.dedup();
        places
    };
    let b_places = places(&b);
    let exact = places(&a)
        .iter()
        .filter(|p| b_places.binary_search(p).is_ok())
        .count();
    // Candidate pairs, most shared characters first.
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let shared = x.end.min(y.end).saturating_sub(x.start.max(y.start));
            if shared > 0 {
                candidates.push((shared, i, j));
            }
        }
    }
    candidates.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut overlap = 0;
    for (_, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            overlap += 1;
        }
    }
    SpanCounts {
        exact,
        overlap,
        a: a.len(),
        b: b.len(),
    }
}

fn f1(matches: usize, a: usize, b: usize) -> Figure {
    if a + b == 0 {
        Figure::Undefined("neither annotator has a span of this label")
    } else {
        Figure::Value(2.0 * matches as f64 / (a + b) as f64)
    }
}

/// Cohen's kappa over two annotators' token tags.
pub fn cohen_kappa(a: &[u8], b: &[u8]) -> Figure {
    let mut counts = KappaCounts::default();
    counts.add(a, b);
    counts.kappa()
}

/// What Cohen's kappa needs of two annotators' token tags, counted as they
/// come, so that no tags are kept: how many tokens, how many agree, and how
/// often each side used each tag.
#[derive(Debug, Clone, Default)]
struct KappaCounts {
    n: usize,
    agree: usize,
    /// How often each side used each tag, up to the highest tag used: a
    /// document's counts stay a few numbers.
    a: Vec<usize>,
    b: Vec<usize>,
}

impl KappaCounts {
    /// Adds another's counts.
    fn merge(&mut self, other: &KappaCounts) {
        self.n += other.n;
        self.agree += other.agree;
        add_into(&mut self.a, &other.a);
        add_into(&mut self.b, &other.b);
    }

    fn add(&mut self, a: &[u8], b: &[u8]) {
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let highest = a.iter().chain(b).fold(0, |m, t| m.max(*t));
        if highest <= 2 {
            // O, B and I (0 to 2): counted in one pass, in blocks whose
            // counts fit 32 bits, which the compiler makes many tags wide.
            let mut few = [[0usize; 3]; 2];
            for (a, b) in a.chunks(1 << 24).zip(b.chunks(1 << 24)) {
                let (mut agree, mut ones, mut twos) = (0u32, [0u32; 2], [0u32; 2]);
                for (x, y) in a.iter().zip(b) {
                    agree += u32::from(x == y);
                    ones[0] += u32::from(*x == 1);
                    twos[0] += u32::from(*x == 2);
                    ones[1] += u32::from(*y == 1);
                    twos[1] += u32::from(*y == 2);
                }
                self.agree += agree as usize;
                for side in 0..2 {
                    let (ones, twos) = (ones[side] as usize, twos[side] as usize);
                    few[side][0] += a.len() - ones - twos;
                    few[side][1] += ones;
                    few[side][2] += twos;
                }
            }
            self.n += n;
            for (side, counted) in [&mut self.a, &mut self.b].into_iter().zip(&few) {
                Self::count_into(side, counted);
            }
            return;
        }
        self.agree += a.iter().zip(b).filter(|(x, y)| x == y).count();
        self.n += n;
        for (side, tags) in [(&mut self.a, a), (&mut self.b, b)] {
            let mut counted = [0usize; 256];
            for tag in tags {
                counted[usize::from(*tag)] += 1;
            }
            Self::count_into(side, &counted);
        }
    }

    /// Whether either side gave any token a tag other than O (0): the
    /// label was used.
    fn tagged(&self) -> bool {
        [&self.a, &self.b]
            .into_iter()
            .any(|side| side.iter().skip(1).any(|&n| n > 0))
    }

    /// Adds how often each tag was used (`counted`, by tag) to a side's
    /// counts, which grow only to the highest tag used, as one by one.
    fn count_into(side: &mut Vec<usize>, counted: &[usize]) {
        for (tag, &n) in counted.iter().enumerate() {
            if n > 0 {
                if tag >= side.len() {
                    side.resize(tag + 1, 0);
                }
                side[tag] += n;
            }
        }
    }

    fn kappa(&self) -> Figure {
        let n = self.n;
        if n == 0 {
            return Figure::Undefined("no tokens to compare");
        }
        let observed = self.agree as f64 / n as f64;
        // Over the tags either side used, in ascending order.
        let count = |side: &[usize], c: usize| side.get(c).copied().unwrap_or(0);
        let expected: f64 = (0..self.a.len().max(self.b.len()))
            .filter(|&c| count(&self.a, c) > 0 || count(&self.b, c) > 0)
            .map(|c| {
                let pa = count(&self.a, c) as f64 / n as f64;
                let pb = count(&self.b, c) as f64 / n as f64;
                pa * pb
            })
            .sum();
        if (1.0 - expected).abs() < 1e-12 {
            return Figure::Undefined(
                "chance agreement is total: both annotators used one and the same category",
            );
        }
        Figure::Value((observed - expected) / (1.0 - expected))
    }
}

/// Adds `other` into `into`, cell by cell, growing `into` as needed.
fn add_into(into: &mut Vec<usize>, other: &[usize]) {
    if other.len() > into.len() {
        into.resize(other.len(), 0);
    }
    for (mine, theirs) in into.iter_mut().zip(other) {
        *mine += theirs;
    }
}

/// Krippendorff's alpha (nominal) over units, each a list of the values the
/// coders gave it (missing values left out).
pub fn krippendorff_alpha(units: &[Vec<u8>]) -> Figure {
    let mut coincidences = Coincidences::default();
    for values in units {
        coincidences.add(values);
    }
    coincidences.alpha()
}

/// The coincidence matrix of Krippendorff's alpha, added to unit by unit,
/// so that no unit is kept.
#[derive(Debug, Clone, Default)]
struct Coincidences {
    /// By (value, value), row-major, `size` by `size`: as many values as
    /// the highest one seen needs, so that an input with a few tags costs a
    /// few cells, not 256 by 256.
    matrix: Vec<f64>,
    size: usize,
}

impl Coincidences {
    /// Adds a unit: the values its coders gave it. A unit with fewer than
    /// two values adds nothing.
    fn add(&mut self, values: &[u8]) {
        if values.len() < 2 {
            return;
        }
        let highest = values.iter().copied().max().unwrap_or(0) as usize;
        if highest >= self.size {
            self.grow(highest + 1);
        }
        let size = self.size;
        let m = values.len() as f64;
        // Most units have one value from every coder: m (m - 1) pairs of
        // it, each 1 / (m - 1).
        if values.iter().all(|v| *v == values[0]) {
            let c = values[0] as usize;
            self.matrix[c * size + c] += m;
            return;
        }
        for (i, c) in values.iter().enumerate() {
            for (j, k) in values.iter().enumerate() {
                if i != j {
                    self.matrix[*c as usize * size + *k as usize] += 1.0 / (m - 1.0);
                }
            }
        }
    }

    /// Adds `units` units that each of `coders` (two or more) valued
    /// `value`: the sum of what [`Self::add`] adds for each.
    fn add_alike(&mut self, value: usize, coders: usize, units: usize) {
        if value >= self.size {
            self.grow(value + 1);
        }
        self.matrix[value * self.size + value] += (coders * units) as f64;
    }

    /// Adds another's coincidences.
    fn merge(&mut self, other: &Coincidences) {
        if other.size > self.size {
            self.grow(other.size);
        }
        for c in 0..other.size {
            for k in 0..other.size {
                self.matrix[c * self.size + k] += other.matrix[c * other.size + k];
            }
        }
    }

    /// Whether any coder gave any unit a value other than O (0): the label
    /// was used.
    fn valued(&self) -> bool {
        let size = self.size;
        (0..size).any(|c| (0..size).any(|k| (c > 0 || k > 0) && self.matrix[c * size + k] != 0.0))
    }

    /// Makes room for values below `size`, keeping what was counted.
    fn grow(&mut self, size: usize) {
        let mut matrix = vec![0.0; size * size];
        for c in 0..self.size {
            for k in 0..self.size {
                matrix[c * size + k] = self.matrix[c * self.size + k];
            }
        }
        self.matrix = matrix;
        self.size = size;
    }

    fn alpha(&self) -> Figure {
        let size = self.size;
        let at = |c: usize, k: usize| self.matrix[c * size + k];
        // The values that occur, in ascending order.
        let marginals: Vec<(usize, f64)> = (0..size)
            .map(|c| (c, (0..size).map(|k| at(c, k)).sum::<f64>()))
            .filter(|(c, _)| (0..size).any(|k| at(*c, k) != 0.0))
            .collect();
        let n: f64 = marginals.iter().map(|(_, m)| m).sum();
        if n == 0.0 {
            return Figure::Undefined("no token has values from two annotators");
        }
        let disagreement: f64 = (0..size)
            .flat_map(|c| (0..size).map(move |k| (c, k)))
            .filter(|(c, k)| c != k)
            .map(|(c, k)| at(c, k))
            .sum();
        let mut expected = 0.0;
        for (c, nc) in &marginals {
            for (k, nk) in &marginals {
                if c != k {
                    expected += nc * nk;
                }
            }
        }
        if expected == 0.0 {
            return Figure::Undefined(
                "only one category occurs, so agreement by chance cannot be told apart",
            );
        }
        Figure::Value(1.0 - (n - 1.0) * disagreement / expected)
    }
}

/// Documents counted in parallel before their counts are added to the
/// corpus's: enough to keep the disk pool busy, few enough that their
/// counts take little memory.
const CHUNK: usize = 512;

/// Computes agreement for `annotators` (all of the project's when empty).
pub fn agree(project: &Project, annotators: &[String]) -> Report {
    agree_with_progress(project, annotators, None)
}

/// [`agree`], counting documents read into `progress` for a progress bar.
pub fn agree_with_progress(
    project: &Project,
    annotators: &[String],
    progress: Option<&crate::formats::Progress>,
) -> Report {
    agree_in_chunks(project, annotators, progress, CHUNK)
}

/// [`agree_with_progress`], counting `chunk` documents at a time.
fn agree_in_chunks(
    project: &Project,
    annotators: &[String],
    progress: Option<&crate::formats::Progress>,
    chunk: usize,
) -> Report {
    use std::sync::atomic::Ordering;
    let annotators: Vec<String> = if annotators.is_empty() {
        project.annotators()
    } else {
        annotators.to_vec()
    };
    let labels: Vec<String> = project
        .schema()
        .labels
        .iter()
        .map(|l| l.name.clone())
        .collect();
    // The attributes the schema gives each label.
    let mut attribute_names = AttributeNames::new();
    for attribute in &project.schema().attributes {
        attribute_names
            .entry(attribute.label.clone())
            .or_default()
            .push((
                attribute.name.clone(),
                format!("{}.{}", attribute.label, attribute.name),
            ));
    }
    let mut skipped = Vec::new();
    if let Some(progress) = progress {
        progress
            .total
            .store(project.docs().len(), Ordering::Relaxed);
    }
    // Documents are read, tokenized and counted on a disk pool, one at a
    // time: a document's tokens and spans are dropped once counted, its
    // counts added into the corpus's, and its own figures kept.
    let read = |doc: &crate::project::DocEntry| {
        let mut skipped = Vec::new();
        let mut annotated = Annotated::new();
        let mut links = Links::new();
        let mut text = None;
        // The text is read once, when the first annotator's file is found.
        let mut read_text: Option<ReadText> = None;
        for annotator in &annotators {
            let Some(opened) =
                OpenDocument::open_existing_to_read(project, doc, annotator, &mut read_text)
            else {
                continue;
            };
            match opened {
                // A file holding only rejected suggestions is not annotated.
                Ok(document) if document.is_editable() && !document.is_started() => {}
                Ok(document) if document.is_editable() => {
                    links.insert(annotator.clone(), relation_keys(document.annotations()));
                    let (document_text, annotations) = document.into_parts();
                    annotated.insert(annotator.clone(), annotations.into_spans());
                    text.get_or_insert(document_text);
                }
                Ok(document) => skipped.push(format!(
                    "{}: not trusted, left out",
                    document.path().display()
                )),
                Err(err) => skipped.push(crate::error_chain(&err)),
            }
        }
        if let Some(progress) = progress {
            progress.done.fetch_add(1, Ordering::Relaxed);
        }
        let counted = text.filter(|_| !annotated.is_empty()).map(|text| {
            let tokens = Tokens::of(&text, &annotated);
            let by_label = ByLabel::of_each(&annotators, &labels, &annotated);
            let mut counts = Counts::of(&annotators, &labels, &tokens, &annotated, &by_label);
            counts.add_units(&annotators, text.len_chars(), &annotated, &by_label);
            counts.add_details(&annotators, &attribute_names, &annotated, &links);
            let sides: Vec<Option<gamma::Side>> = annotators
                .iter()
                .zip(&by_label)
                .map(|(a, by_label)| {
                    Some((
                        annotated.get(a)?.as_slice(),
                        by_label.as_ref()?.of_label.as_slice(),
                    ))
                })
                .collect();
            let (layout, observed) = gamma::Document::of(labels.len(), &sides, text.len_chars());
            for (pair, observed) in counts.pairs.iter_mut().zip(observed) {
                pair.gamma = observed;
            }
            let figures = counts.figures(&annotators, &labels);
            // Each annotator's spans per label: a string per label, not
            // per span.
            let spans: Vec<(String, BTreeMap<String, usize>)> = annotators
                .iter()
                .zip(&by_label)
                .filter_map(|(annotator, by_label)| {
                    let by_label = by_label.as_ref()?;
                    let mut per_label: BTreeMap<String, usize> = labels
                        .iter()
                        .zip(&by_label.of_label)
                        .filter(|(_, of)| !of.is_empty())
                        .map(|(label, of)| (label.clone(), of.len()))
                        .collect();
                    let spans = &annotated[annotator];
                    for &i in &by_label.unlisted {
                        let label = &spans[i].label;
                        match per_label.get_mut(label.as_str()) {
                            Some(n) => *n += 1,
                            None => {
                                per_label.insert(label.clone(), 1);
                            }
                        }
                    }
                    Some((annotator.clone(), per_label))
                })
                .collect();
            (doc.id.clone(), counts, figures, spans, layout)
        });
        (counted, skipped)
    };
    let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for annotator in &annotators {
        let per_label = counts.entry(annotator.clone()).or_default();
        for label in &labels {
            per_label.insert(label.clone(), 0);
        }
    }
    let mut corpus = Counts::new(&annotators, &labels);
    let mut per_document = Vec::new();
    let mut layouts = Vec::new();
    // Documents are counted a chunk at a time, in parallel, and each
    // chunk's counts are added in the project's order, then dropped: what
    // is held at once is two chunks' counts, not the corpus's. A chunk's
    // counts are added while the next chunk is counted, so that adding
    // them keeps no core waiting.
    let mut add = |read: Vec<_>| {
        for (counted, doc_skipped) in read {
            skipped.extend(doc_skipped);
            let Some((id, doc_counts, figures, spans, layout)) = counted else {
                continue;
            };
            corpus.merge(doc_counts);
            per_document.push((id, figures));
            layouts.push(layout);
            for (annotator, labels) in spans {
                let per_label = counts.entry(annotator).or_default();
                for (label, n) in labels {
                    *per_label.entry(label).or_insert(0) += n;
                }
            }
        }
    };
    let pool = crate::store::disk::pool();
    let mut counted: Option<Vec<_>> = None;
    for chunk in project.docs().chunks(chunk.max(1)) {
        let previous = counted.take();
        let ((), next) = crate::store::disk::run_on(pool.as_ref(), || {
            use rayon::prelude::*;
            rayon::join(
                || previous.map_or((), &mut add),
                || chunk.par_iter().map(read).collect::<Vec<_>>(),
            )
        });
        counted = Some(next);
    }
    if let Some(last) = counted {
        add(last);
    }
    // Gamma's chance disorder, from the corpus, for the corpus and for
    // every document.
    let chance = gamma::Chance::estimate(&annotators, &labels, &layouts);
    drop(layouts);
    let mut corpus = corpus.figures(&annotators, &labels);
    chance.settle(&mut corpus, &labels);
    crate::store::disk::run_on(pool.as_ref(), || {
        use rayon::prelude::*;
        per_document
            .par_iter_mut()
            .for_each(|(_, figures)| chance.settle(figures, &labels));
    });
    Report {
        corpus,
        per_document,
        counts,
        skipped,
    }
}

/// What the figures of some documents are made from, added document by
/// document: per pair of annotators, the documents both annotated and, per
/// label, span counts and token tag counts; per label, the coincidences of
/// every annotator's token tags.
#[derive(Debug, Clone)]
struct Counts {
    documents: usize,
    /// Per pair (a before b in the annotators' order).
    pairs: Vec<PairCounts>,
    /// Per label, in the labels' order.
    alpha: Vec<Coincidences>,
    alpha_all: Coincidences,
    /// Per label, in the labels' order: the units of the documents every
    /// annotator annotated, in the project's order.
    units: Vec<Unitizing>,
}

#[derive(Debug, Clone)]
struct PairCounts {
    documents: usize,
    /// Per label, in the labels' order.
    labels: Vec<(SpanCounts, KappaCounts)>,
    all: KappaCounts,
    relations: RelationCounts,
    /// Per `label.attribute` or `label.value`.
    attributes: BTreeMap<String, ValuePairs>,
    gamma: gamma::Observed,
}

/// Relations between spans both sides have: how many each side has, and
/// how many both.
#[derive(Debug, Clone, Default)]
struct RelationCounts {
    both: usize,
    a: usize,
    b: usize,
}

/// The values two sides give the same items, as (A's, B's) with how often;
/// an unset value is the empty one.
#[derive(Debug, Clone, Default)]
struct ValuePairs {
    /// By A's value, then B's: looked up by the values as they are, so that
    /// a pair already counted costs no copy of them.
    by_a: BTreeMap<String, BTreeMap<String, usize>>,
}

impl ValuePairs {
    fn add(&mut self, a: &str, b: &str) {
        let of_a = match self.by_a.get_mut(a) {
            Some(of_a) => of_a,
            None => self.by_a.entry(a.to_owned()).or_default(),
        };
        match of_a.get_mut(b) {
            Some(n) => *n += 1,
            None => {
                of_a.insert(b.to_owned(), 1);
            }
        }
    }

    fn merge(&mut self, other: ValuePairs) {
        for (a, of_a) in other.by_a {
            let mine = self.by_a.entry(a).or_default();
            for (b, n) in of_a {
                *mine.entry(b).or_default() += n;
            }
        }
    }

    /// Each (A's, B's) pair of values with how often, in the order of the
    /// values.
    fn pairs(&self) -> impl Iterator<Item = ((&str, &str), usize)> {
        self.by_a.iter().flat_map(|(a, of_a)| {
            of_a.iter()
                .map(move |(b, n)| ((a.as_str(), b.as_str()), *n))
        })
    }

    fn items(&self) -> usize {
        self.pairs().map(|(_, n)| n).sum()
    }

    /// Cohen's kappa of the two sides' values.
    fn kappa(&self) -> Figure {
        let n = self.items() as f64;
        if n == 0.0 {
            return Figure::Undefined("no span both sides have carries this attribute");
        }
        let observed = self
            .pairs()
            .filter(|((a, b), _)| a == b)
            .map(|(_, k)| k as f64)
            .sum::<f64>()
            / n;
        let mut a_counts: BTreeMap<&str, f64> = BTreeMap::new();
        let mut b_counts: BTreeMap<&str, f64> = BTreeMap::new();
        for ((a, b), k) in self.pairs() {
            *a_counts.entry(a).or_default() += k as f64;
            *b_counts.entry(b).or_default() += k as f64;
        }
        let expected: f64 = a_counts
            .iter()
            .map(|(value, na)| na / n * b_counts.get(value).copied().unwrap_or(0.0) / n)
            .sum();
        if (1.0 - expected).abs() < 1e-12 {
            return Figure::Undefined(
                "chance agreement is total: both annotators gave one and the same value",
            );
        }
        Figure::Value((observed - expected) / (1.0 - expected))
    }
}

/// Per label, the attributes the schema gives it: each one's name and its
/// key in the figures (`label.name`).
type AttributeNames = BTreeMap<String, Vec<(String, String)>>;

/// Each annotator's relations of a document, by their ends' keys.
type Links = BTreeMap<String, Vec<(SpanKey, SpanKey, String)>>;

/// A span's place and label.
type SpanKey = (usize, usize, String);

/// A span's key, borrowing its label.
fn borrowed_key(span: &Span) -> (usize, usize, &str) {
    (span.start, span.end, span.label.as_str())
}

/// A key, borrowing its label.
fn borrowed(key: &SpanKey) -> (usize, usize, &str) {
    (key.0, key.1, key.2.as_str())
}

/// The relations of `annotations`, by their ends' keys.
fn relation_keys(annotations: &crate::model::Annotations) -> Vec<(SpanKey, SpanKey, String)> {
    let key = |id| {
        annotations
            .get(id)
            .map(|s: &Span| (s.start, s.end, s.label.clone()))
    };
    annotations
        .relations()
        .filter_map(|r| Some((key(r.from)?, key(r.to)?, r.kind.clone())))
        .collect()
}

impl Counts {
    /// Nothing counted yet.
    fn new(annotators: &[String], labels: &[String]) -> Counts {
        let n = annotators.len();
        let pair = PairCounts {
            documents: 0,
            labels: vec![(SpanCounts::default(), KappaCounts::default()); labels.len()],
            all: KappaCounts::default(),
            relations: RelationCounts::default(),
            attributes: BTreeMap::new(),
            gamma: gamma::Observed::new(labels.len()),
        };
        Counts {
            documents: 0,
            pairs: vec![pair; n * n.saturating_sub(1) / 2],
            alpha: vec![Coincidences::default(); labels.len()],
            alpha_all: Coincidences::default(),
            units: vec![Unitizing::default(); labels.len()],
        }
    }

    /// The counts of one document: each annotator's token tags are made
    /// once per label.
    fn of(
        annotators: &[String],
        labels: &[String],
        tokens: &Tokens,
        annotated: &Annotated,
        by_label: &[Option<ByLabel>],
    ) -> Counts {
        let mut counts = Counts::new(annotators, labels);
        counts.documents = 1;
        let mut pair = 0;
        for (i, a) in annotators.iter().enumerate() {
            for b in &annotators[i + 1..] {
                counts.pairs[pair].documents =
                    usize::from(annotated.contains_key(a) && annotated.contains_key(b));
                pair += 1;
            }
        }
        let of_label: Vec<Option<&[Vec<usize>]>> = by_label
            .iter()
            .map(|b| b.as_ref().map(|b| b.of_label.as_slice()))
            .collect();
        let mut values = Vec::with_capacity(annotators.len());
        for l in 0..labels.len() {
            let tags: Vec<Option<Vec<u8>>> = annotators
                .iter()
                .zip(&of_label)
                .map(|(a, of_label)| of_label.as_ref().map(|of| tokens.tags_of(a, &of[l])))
                .collect();
            let mut pair = 0;
            for i in 0..annotators.len() {
                for j in i + 1..annotators.len() {
                    if let (Some(tags_a), Some(tags_b), Some(of_a), Some(of_b)) =
                        (&tags[i], &tags[j], &of_label[i], &of_label[j])
                    {
                        let spans_a = &annotated[&annotators[i]];
                        let spans_b = &annotated[&annotators[j]];
                        let counted = &mut counts.pairs[pair];
                        counted.labels[l].0 += span_counts_of(spans_a, &of_a[l], spans_b, &of_b[l]);
                        let mut kappa = KappaCounts::default();
                        kappa.add(tags_a, tags_b);
                        counted.labels[l].1.merge(&kappa);
                        counted.all.merge(&kappa);
                    }
                    pair += 1;
                }
            }
            let given: Vec<&Vec<u8>> = tags.iter().flatten().collect();
            // Tokens every coder tags alike are counted by tag and added at
            // once, when that adds the same as adding them one by one: when
            // each unit adds a multiple of a power of two (1 / (m − 1) is
            // one), every sum is exact, in any order.
            let at_once = given.len() >= 2 && (given.len() - 1).is_power_of_two();
            let mut alike = [0usize; 3];
            for t in 0..tokens.count {
                if at_once {
                    let first = given[0][t];
                    if given[1..].iter().all(|tags| tags[t] == first) {
                        alike[usize::from(first)] += 1;
                        continue;
                    }
                }
                values.clear();
                values.extend(given.iter().map(|tags| tags[t]));
                counts.alpha[l].add(&values);
                counts.alpha_all.add(&values);
            }
            for (tag, units) in alike.into_iter().enumerate() {
                if units > 0 {
                    counts.alpha[l].add_alike(tag, given.len(), units);
                    counts.alpha_all.add_alike(tag, given.len(), units);
                }
            }
        }
        counts
    }

    /// Counts each label's units for u-alpha, when every annotator (two or
    /// more) annotated the document.
    fn add_units(
        &mut self,
        annotators: &[String],
        length: usize,
        annotated: &Annotated,
        by_label: &[Option<ByLabel>],
    ) {
        if annotators.len() < 2 || by_label.iter().any(Option::is_none) {
            return;
        }
        for (l, units) in self.units.iter_mut().enumerate() {
            let of_each: Vec<Vec<(usize, usize)>> = annotators
                .iter()
                .zip(by_label.iter().flatten())
                .map(|(a, by_label)| {
                    let spans = &annotated[a];
                    by_label.of_label[l]
                        .iter()
                        .map(|&i| (spans[i].start, spans[i].end))
                        .collect()
                })
                .collect();
            let slices: Vec<&[(usize, usize)]> = of_each.iter().map(Vec::as_slice).collect();
            *units = Unitizing::of_document(length, &slices);
        }
    }

    /// Counts, for each pair, the relations between the spans both sides
    /// have and the values they give those spans: every attribute the
    /// schema gives their label (unset being a value of its own), and the
    /// normalized value where either side gives one.
    fn add_details(
        &mut self,
        annotators: &[String],
        attribute_names: &AttributeNames,
        annotated: &Annotated,
        links: &Links,
    ) {
        let key = borrowed_key;
        // Each side's spans by key, in their order where keys are equal.
        let by_key = |spans: &[Span]| {
            let mut sorted: Vec<usize> = (0..spans.len()).collect();
            sorted.sort_by(|&x, &y| key(&spans[x]).cmp(&key(&spans[y])));
            sorted
        };
        let sorted: Vec<Option<Vec<usize>>> = annotators
            .iter()
            .map(|a| annotated.get(a).map(|spans| by_key(spans)))
            .collect();
        // `label.value` of each label met, made once.
        let mut value_keys: Vec<(&str, String)> = Vec::new();
        let mut pair = 0;
        for (i, a) in annotators.iter().enumerate() {
            for (j, b) in annotators.iter().enumerate().skip(i + 1) {
                let counted = &mut self.pairs[pair];
                pair += 1;
                let (Some(spans_a), Some(spans_b), Some(sorted_a), Some(sorted_b)) =
                    (annotated.get(a), annotated.get(b), &sorted[i], &sorted[j])
                else {
                    continue;
                };
                // The keys both sides have, in order; of one key twice, A's
                // first span and B's last are compared.
                let mut shared: Vec<(usize, usize, &str)> = Vec::new();
                for &x in sorted_a {
                    let span_a = &spans_a[x];
                    let k = key(span_a);
                    if shared.last() == Some(&k) {
                        continue;
                    }
                    let after = sorted_b.partition_point(|&y| key(&spans_b[y]) <= k);
                    let Some(span_b) = after
                        .checked_sub(1)
                        .map(|y| &spans_b[sorted_b[y]])
                        .filter(|span_b| key(span_b) == k)
                    else {
                        continue;
                    };
                    shared.push(k);
                    let mut add =
                        |name: &str, a: &str, b: &str| match counted.attributes.get_mut(name) {
                            Some(values) => values.add(a, b),
                            None => counted
                                .attributes
                                .entry(name.to_owned())
                                .or_default()
                                .add(a, b),
                        };
                    for (name, field) in attribute_names.get(&span_a.label).into_iter().flatten() {
                        add(field, span_a.attribute(name), span_b.attribute(name));
                    }
                    if !span_a.value.is_empty() || !span_b.value.is_empty() {
                        let label = span_a.label.as_str();
                        let at = match value_keys.iter().position(|(l, _)| *l == label) {
                            Some(at) => at,
                            None => {
                                value_keys.push((label, format!("{label}.value")));
                                value_keys.len() - 1
                            }
                        };
                        add(&value_keys[at].1, &span_a.value, &span_b.value);
                    }
                }
                let is_shared = |k: (usize, usize, &str)| shared.binary_search(&k).is_ok();
                let between_shared =
                    |who: &String| -> std::collections::BTreeSet<&(SpanKey, SpanKey, String)> {
                        links
                            .get(who)
                            .into_iter()
                            .flatten()
                            .filter(|(from, to, _)| {
                                is_shared(borrowed(from)) && is_shared(borrowed(to))
                            })
                            .collect()
                    };
                let (rel_a, rel_b) = (between_shared(a), between_shared(b));
                counted.relations.a += rel_a.len();
                counted.relations.b += rel_b.len();
                counted.relations.both += rel_a.intersection(&rel_b).count();
            }
        }
    }

    /// Adds another set of documents' counts.
    fn merge(&mut self, other: Counts) {
        self.documents += other.documents;
        for (mine, theirs) in self.pairs.iter_mut().zip(other.pairs) {
            mine.documents += theirs.documents;
            for ((spans, kappa), (other_spans, other_kappa)) in
                mine.labels.iter_mut().zip(theirs.labels)
            {
                *spans += other_spans;
                kappa.merge(&other_kappa);
            }
            mine.all.merge(&theirs.all);
            mine.relations.both += theirs.relations.both;
            mine.relations.a += theirs.relations.a;
            mine.relations.b += theirs.relations.b;
            for (name, values) in theirs.attributes {
                mine.attributes.entry(name).or_default().merge(values);
            }
            mine.gamma.merge(&theirs.gamma);
        }
        for (mine, theirs) in self.alpha.iter_mut().zip(&other.alpha) {
            mine.merge(theirs);
        }
        self.alpha_all.merge(&other.alpha_all);
        for (mine, theirs) in self.units.iter_mut().zip(other.units) {
            mine.append(theirs);
        }
    }

    /// The figures of what was counted.
    fn figures(&self, annotators: &[String], labels: &[String]) -> Agreement {
        let mut pairs = Vec::new();
        let mut pair = 0;
        for (i, a) in annotators.iter().enumerate() {
            for b in &annotators[i + 1..] {
                let counted = &self.pairs[pair];
                pair += 1;
                let shared = counted.documents > 0;
                let mut total = SpanCounts::default();
                let mut label_figures = BTreeMap::new();
                for (l, (label, (spans, kappa))) in labels.iter().zip(&counted.labels).enumerate() {
                    total += *spans;
                    let gamma = counted.gamma.figure(l, shared);
                    let figures = PairFigures::new(*spans, shared, kappa, gamma);
                    label_figures.insert(label.clone(), figures);
                }
                let micro = micro(
                    &counted.all,
                    counted.labels.iter().map(|(_, kappa)| kappa),
                    KappaCounts::tagged,
                    KappaCounts::merge,
                );
                let relations = &counted.relations;
                pairs.push(PairAgreement {
                    a: a.clone(),
                    b: b.clone(),
                    documents: counted.documents,
                    labels: label_figures,
                    micro: PairFigures::new(
                        total,
                        shared,
                        &micro,
                        counted.gamma.figure(labels.len(), shared),
                    ),
                    relations: RelationFigures {
                        f1: if relations.a + relations.b == 0 {
                            Figure::Undefined("neither side links spans both have")
                        } else {
                            Figure::Value(
                                2.0 * relations.both as f64 / (relations.a + relations.b) as f64,
                            )
                        },
                        a: relations.a,
                        b: relations.b,
                    },
                    attributes: counted
                        .attributes
                        .iter()
                        .map(|(name, values)| (name.clone(), (values.kappa(), values.items())))
                        .collect(),
                });
            }
        }
        Agreement {
            annotators: annotators.to_vec(),
            documents: self.documents,
            pairs,
            alpha: labels
                .iter()
                .zip(&self.alpha)
                .map(|(label, units)| (label.clone(), units.alpha()))
                .collect(),
            alpha_micro: micro(
                &self.alpha_all,
                self.alpha.iter(),
                Coincidences::valued,
                Coincidences::merge,
            )
            .alpha(),
            u_alpha: labels
                .iter()
                .zip(&self.units)
                .map(|(label, units)| (label.clone(), units.alpha()))
                .collect(),
            u_alpha_micro: Unitizing::micro(&self.units),
        }
    }
}

/// What a micro figure counts, from `all` (every label's counts, added as
/// they were counted) and each label's: the labels someone `used`, since a
/// label nobody used adds only tokens everyone left O. When every label or
/// none was used, that is `all` itself: the same sums, added in the same
/// order.
fn micro<'a, T: Clone + Default>(
    all: &'a T,
    labels: impl Iterator<Item = &'a T> + Clone,
    used: fn(&T) -> bool,
    merge: fn(&mut T, &T),
) -> std::borrow::Cow<'a, T> {
    let used_count = labels.clone().filter(|label| used(label)).count();
    if used_count == 0 || used_count == labels.clone().count() {
        return std::borrow::Cow::Borrowed(all);
    }
    let mut pooled = T::default();
    for label in labels.filter(|label| used(label)) {
        merge(&mut pooled, label);
    }
    std::borrow::Cow::Owned(pooled)
}

// ---------------------------------------------------------------------------
// Output

#[derive(Serialize)]
struct JsonFigures {
    span_f1_exact: Option<f64>,
    span_f1_overlap: Option<f64>,
    token_kappa: Option<f64>,
    /// A label's (not micro's).
    #[serde(flatten)]
    gamma: Option<gamma::JsonGamma>,
    a_spans: usize,
    b_spans: usize,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    undefined: BTreeMap<&'static str, &'static str>,
}

impl JsonFigures {
    /// A label's figures with its gamma.
    fn with_gamma(f: &PairFigures) -> Self {
        let mut figures = JsonFigures::from(f);
        if let Some(reason) = f.gamma.gamma().reason() {
            figures.undefined.insert("gamma", reason);
        }
        figures.gamma = Some(gamma::JsonGamma::of(&f.gamma, false));
        figures
    }
}

impl From<&PairFigures> for JsonFigures {
    fn from(f: &PairFigures) -> Self {
        let mut undefined = BTreeMap::new();
        for (name, figure) in [
            ("span_f1_exact", &f.span_f1_exact),
            ("span_f1_overlap", &f.span_f1_overlap),
            ("token_kappa", &f.token_kappa),
        ] {
            if let Some(reason) = figure.reason() {
                undefined.insert(name, reason);
            }
        }
        JsonFigures {
            span_f1_exact: f.span_f1_exact.value(),
            span_f1_overlap: f.span_f1_overlap.value(),
            token_kappa: f.token_kappa.value(),
            gamma: None,
            a_spans: f.a_spans,
            b_spans: f.b_spans,
            undefined,
        }
    }
}

#[derive(Serialize)]
struct JsonPair<'a> {
    a: &'a str,
    b: &'a str,
    documents: usize,
    labels: BTreeMap<&'a str, JsonFigures>,
    micro: JsonFigures,
    relations: JsonRelations,
    attributes: BTreeMap<&'a str, JsonKappa>,
    /// Over all labels.
    #[serde(flatten)]
    gamma: gamma::JsonGamma,
}

#[derive(Serialize)]
struct JsonRelations {
    f1: Option<f64>,
    a: usize,
    b: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    undefined: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonKappa {
    kappa: Option<f64>,
    items: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    undefined: Option<&'static str>,
}

#[derive(Serialize)]
/// An agreement's JSON, borrowing its names from the figures: a large
/// corpus's documents make tens of thousands of these.
struct JsonAgreement<'a> {
    annotators: &'a [String],
    documents: usize,
    pairs: Vec<JsonPair<'a>>,
    alpha: BTreeMap<&'a str, Option<f64>>,
    alpha_micro: Option<f64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    alpha_undefined: BTreeMap<&'a str, &'static str>,
    u_alpha: BTreeMap<&'a str, Option<f64>>,
    u_alpha_micro: Option<f64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    u_alpha_undefined: BTreeMap<&'a str, &'static str>,
}

/// Each figure's value, and the reasons of those without one (the micro
/// figure's under `micro`).
fn values_and_reasons<'a>(
    figures: &'a BTreeMap<String, Figure>,
    micro: &Figure,
) -> (
    BTreeMap<&'a str, Option<f64>>,
    BTreeMap<&'a str, &'static str>,
) {
    let mut reasons: BTreeMap<&str, &'static str> = figures
        .iter()
        .filter_map(|(l, f)| f.reason().map(|r| (l.as_str(), r)))
        .collect();
    if let Some(reason) = micro.reason() {
        reasons.insert("micro", reason);
    }
    let values = figures
        .iter()
        .map(|(l, f)| (l.as_str(), f.value()))
        .collect();
    (values, reasons)
}

impl<'a> From<&'a Agreement> for JsonAgreement<'a> {
    fn from(a: &'a Agreement) -> Self {
        let (alpha, alpha_undefined) = values_and_reasons(&a.alpha, &a.alpha_micro);
        let (u_alpha, u_alpha_undefined) = values_and_reasons(&a.u_alpha, &a.u_alpha_micro);
        JsonAgreement {
            annotators: &a.annotators,
            documents: a.documents,
            pairs: a
                .pairs
                .iter()
                .map(|p| JsonPair {
                    a: &p.a,
                    b: &p.b,
                    documents: p.documents,
                    labels: p
                        .labels
                        .iter()
                        .map(|(l, f)| (l.as_str(), JsonFigures::with_gamma(f)))
                        .collect(),
                    micro: (&p.micro).into(),
                    relations: JsonRelations {
                        f1: p.relations.f1.value(),
                        a: p.relations.a,
                        b: p.relations.b,
                        undefined: p.relations.f1.reason(),
                    },
                    attributes: p
                        .attributes
                        .iter()
                        .map(|(name, (kappa, items))| {
                            (
                                name.as_str(),
                                JsonKappa {
                                    kappa: kappa.value(),
                                    items: *items,
                                    undefined: kappa.reason(),
                                },
                            )
                        })
                        .collect(),
                    gamma: gamma::JsonGamma::of(&p.micro.gamma, true),
                })
                .collect(),
            alpha,
            alpha_micro: a.alpha_micro.value(),
            alpha_undefined,
            u_alpha,
            u_alpha_micro: a.u_alpha_micro.value(),
            u_alpha_undefined,
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    #[serde(flatten)]
    corpus: JsonAgreement<'a>,
    per_document: JsonPerDocument<'a>,
    label_counts: &'a BTreeMap<String, BTreeMap<String, usize>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    skipped: &'a [String],
}

/// The documents' figures as a map by id, each made into JSON as it is
/// written rather than all at once.
struct JsonPerDocument<'a>(&'a [(String, Agreement)]);

impl JsonPerDocument<'_> {
    /// The documents in the order of their map: by id, and of one id twice,
    /// the last.
    fn order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.0.len()).collect();
        order.sort_by(|&x, &y| self.0[x].0.cmp(&self.0[y].0));
        order.dedup_by(|later, earlier| {
            let same = self.0[*later].0 == self.0[*earlier].0;
            if same {
                *earlier = *later;
            }
            same
        });
        order
    }
}

impl Serialize for JsonPerDocument<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.order().into_iter().map(|i| {
            let (id, figures) = &self.0[i];
            (id, JsonAgreement::from(figures))
        }))
    }
}

/// Documents whose JSON is made at once, in parallel, before it is
/// written: a few megabytes of it.
const JSON_BATCH: usize = 256;

/// Documents one thread makes the JSON of at a time.
const JSON_PIECE: usize = 16;

/// The map entries of `documents` (ids and figures) as `serde_json`'s
/// pretty printer writes them inside `per_document`: each entry on a line
/// of its own, indented two levels, with the comma that follows the
/// previous one; `first` leaves the first entry's comma out.
fn json_entries(documents: &[&(String, Agreement)], first: bool) -> Vec<u8> {
    use serde_json::ser::{Formatter, PrettyFormatter};
    let mut out = Vec::new();
    for (n, (id, figures)) in documents.iter().enumerate() {
        out.extend_from_slice(if first && n == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        serde_json::to_writer(&mut out, id)
            .unwrap_or_else(|err| unreachable!("an id serializes: {err}"));
        out.extend_from_slice(b": ");
        // The pretty printer as it stands inside the report's object and
        // the `per_document` map: two levels deep.
        let mut formatter = PrettyFormatter::new();
        let mut sink = std::io::sink();
        for _ in 0..2 {
            formatter
                .begin_object(&mut sink)
                .unwrap_or_else(|err| unreachable!("nothing fails writing nowhere: {err}"));
        }
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        JsonAgreement::from(figures)
            .serialize(&mut serializer)
            .unwrap_or_else(|err| unreachable!("agreement serializes: {err}"));
    }
    out
}

impl Report {
    /// The JSON interface: the corpus figures at the top level, the same per
    /// document under `per_document`.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        self.write_json(&mut out)
            .unwrap_or_else(|err| unreachable!("agreement serializes: {err}"));
        String::from_utf8(out).unwrap_or_else(|err| unreachable!("JSON is UTF-8: {err}"))
    }

    /// [`Report::to_json`], written to `out` as it is made rather than held
    /// whole: a large corpus's is tens of megabytes.
    ///
    /// The report is made without its documents, and their entries are put
    /// in its empty `per_document` map: each batch of documents made into
    /// JSON in parallel on the disk pool, by `serde_json`'s pretty printer
    /// set two levels deep, so that the bytes are those of the whole report
    /// made at once (a unit test compares them).
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        use rayon::prelude::*;
        let report = JsonReport {
            corpus: (&self.corpus).into(),
            per_document: JsonPerDocument(&[]),
            label_counts: &self.counts,
            skipped: &self.skipped,
        };
        let mut head = Vec::new();
        serde_json::to_writer_pretty(&mut head, &report)?;
        // The top level's keys are indented by two spaces; deeper ones by
        // more, and a string's quotes inside another are escaped.
        const EMPTY: &[u8] = b"\n  \"per_document\": {}";
        let Some(at) = head.windows(EMPTY.len()).position(|w| w == EMPTY) else {
            unreachable!("the report has a per_document map")
        };
        // Up to the empty map's closing brace.
        let split = at + EMPTY.len() - 1;
        out.write_all(&head[..split])?;
        let documents = JsonPerDocument(&self.per_document);
        let order: Vec<&(String, Agreement)> = documents
            .order()
            .into_iter()
            .map(|i| &self.per_document[i])
            .collect();
        let pool = crate::store::disk::pool();
        for (b, batch) in order.chunks(JSON_BATCH).enumerate() {
            let pieces: Vec<Vec<u8>> = crate::store::disk::run_on(pool.as_ref(), || {
                batch
                    .par_chunks(JSON_PIECE)
                    .enumerate()
                    .map(|(p, piece)| json_entries(piece, b == 0 && p == 0))
                    .collect()
            });
            for piece in pieces {
                out.write_all(&piece)?;
            }
        }
        if !order.is_empty() {
            out.write_all(b"\n  ")?;
        }
        out.write_all(&head[split..])?;
        out.write_all(b"\n")
    }

    /// A plain-text table of the corpus figures.
    pub fn to_table(&self) -> String {
        let a = &self.corpus;
        let mut out = format!(
            "{}, {}\n",
            crate::counted(a.annotators.len(), "annotator"),
            crate::counted(a.documents, "document")
        );
        let show = |f: &Figure| f.value().map_or("n/a".to_owned(), |v| format!("{v:.3}"));
        for pair in &a.pairs {
            out.push_str(&format!(
                "\n{} vs {} ({} both annotated)\n",
                pair.a,
                pair.b,
                crate::counted(pair.documents, "document")
            ));
            out.push_str(&format!(
                "{:<12} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7}\n",
                "label", "F1 exact", "F1 overl", "kappa", "gamma", "A", "B"
            ));
            // On the micro row, gamma is over all labels at once.
            let rows = pair
                .labels
                .iter()
                .map(|(l, f)| (l.as_str(), f))
                .chain(std::iter::once(("micro", &pair.micro)));
            for (label, f) in rows {
                out.push_str(&format!(
                    "{:<12} {:>9} {:>9} {:>9} {:>9} {:>7} {:>7}\n",
                    label,
                    show(&f.span_f1_exact),
                    show(&f.span_f1_overlap),
                    show(&f.token_kappa),
                    show(&f.gamma.gamma()),
                    f.a_spans,
                    f.b_spans
                ));
            }
            // Relations and attributes, over the spans both have.
            let relations = &pair.relations;
            out.push_str(&format!(
                "relations between spans both have: F1 {} (A {}, B {})\n",
                show(&relations.f1),
                relations.a,
                relations.b
            ));
            for (name, (kappa, items)) in &pair.attributes {
                out.push_str(&format!(
                    "{name:<20} kappa {:>6} over {}\n",
                    show(kappa),
                    crate::counted(*items, "span")
                ));
            }
        }
        for (title, figures, micro) in [
            (
                "Krippendorff's alpha (nominal, token tags, all annotators)",
                &a.alpha,
                &a.alpha_micro,
            ),
            (
                "Krippendorff's u-alpha (characters, all annotators, documents all annotated)",
                &a.u_alpha,
                &a.u_alpha_micro,
            ),
        ] {
            out.push_str(&format!("\n{title}\n"));
            for (label, f) in figures
                .iter()
                .map(|(l, f)| (l.as_str(), f))
                .chain(std::iter::once(("micro", micro)))
            {
                let reason = f.reason().map_or(String::new(), |r| format!("  ({r})"));
                out.push_str(&format!("{label:<12} {:>9}{reason}\n", show(f)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relations and attribute values, over the spans both sides have:
    /// hand-counted figures (a curly quote, an emoji, CRLF line ends).
    #[test]
    fn relations_and_attributes_agree_over_the_spans_both_have() {
        use crate::model::Relation;
        use crate::testing::TestProject;
        let markup = "[“[A|actor]” 😊 satu|claim].\r\n[[B|actor] dua|claim].\r\n[C tiga|claim].\r\n[D empat|claim].\r\n";
        let dir = TestProject::new();
        for (who, stances, links) in [
            ("ayu", ["asserted", "asserted", "reported", "denied"], 1),
            ("budi", ["asserted", "reported", "reported", "denied"], 2),
        ] {
            dir.write_annotations(who, "a.txt", markup);
            let mut file = dir.annotation_file(who, "a.txt");
            let claims: Vec<u32> = file
                .spans
                .iter()
                .filter(|s| s.label == "claim")
                .map(|s| s.id)
                .collect();
            let actors: Vec<u32> = file
                .spans
                .iter()
                .filter(|s| s.label == "actor")
                .map(|s| s.id)
                .collect();
            for span in &mut file.spans {
                if let Some(n) = claims.iter().position(|id| *id == span.id) {
                    span.attributes.insert("stance".into(), stances[n].into());
                }
                if span.label == "actor" {
                    span.value = format!("{}-{who}", span.text);
                }
            }
            for n in 0..links {
                file.relations.push(Relation {
                    from: claims[n],
                    to: actors[n],
                    kind: "source".into(),
                });
            }
            dir.write_annotation_file(&file);
        }
        let report = agree(&dir.open(), &[]);
        let pair = &report.corpus.pairs[0];
        assert_eq!((pair.relations.a, pair.relations.b), (1, 2));
        assert!((pair.relations.f1.value().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // Observed 3/4; by chance 1/2·1/4 + 1/4·1/2 + 1/4·1/4 = 5/16.
        let (stance, items) = &pair.attributes["claim.stance"];
        assert_eq!(*items, 4);
        assert!((stance.value().unwrap() - (0.75 - 0.3125) / (1.0 - 0.3125)).abs() < 1e-12);
        // Never set on either side: one value, chance agreement total.
        assert_eq!(
            pair.attributes["claim.quote"].0.reason(),
            Some("chance agreement is total: both annotators gave one and the same value")
        );
        // The actors' values always differ: observed 0, chance 0.
        assert_eq!(pair.attributes["actor.value"], (Figure::Value(0.0), 2));
        let json = report.to_json();
        assert!(json.contains("\"relations\": {\n        \"f1\": 0.6666666666666666,\n        \"a\": 1,\n        \"b\": 2\n      }"), "{json}");
        assert!(json.contains("\"claim.stance\": {\n          \"kappa\": 0.6363636363636364,\n          \"items\": 4\n        }"), "{json}");
        let table = report.to_table();
        assert!(
            table.contains("relations between spans both have: F1 0.667 (A 1, B 2)"),
            "{table}"
        );
        assert!(
            table.contains("claim.stance         kappa  0.636 over 4 spans"),
            "{table}"
        );
    }

    /// Micro kappa and alpha count the labels someone used: a label of the
    /// schema that no annotator used, or two, change nothing.
    #[test]
    fn labels_nobody_used_leave_the_micro_figures_alone() {
        use crate::testing::TestProject;
        let label = |name: &str| format!("(name: \"{name}\")");
        let project = |labels: &[&str]| {
            let labels: Vec<String> = labels.iter().map(|l| label(l)).collect();
            TestProject::new()
                .config(&format!("(schema: (labels: [{}]))", labels.join(", ")))
                .annotated(
                    "ayu",
                    "a.txt",
                    "[“[Kim|actor]” 😊 bertemu [Putin|actor]|claim].\r\n[Rabu|date] lalu.\r\n",
                )
                .annotated(
                    "budi",
                    "a.txt",
                    "[“[Kim|actor]” 😊 bertemu|claim] [Putin|actor].\r\nRabu lalu.\r\n",
                )
        };
        let micro = |labels: &[&str]| {
            let report = agree(&project(labels).open(), &[]);
            let pair = &report.corpus.pairs[0];
            (
                pair.micro.token_kappa.value().unwrap(),
                report.corpus.alpha_micro.value().unwrap(),
                report.per_document[0].1.alpha_micro.value().unwrap(),
            )
        };
        let used = micro(&["actor", "date", "claim"]);
        assert_eq!(micro(&["actor", "location", "date", "claim"]), used);
        assert_eq!(
            micro(&["actor", "location", "date", "claim", "event"]),
            used
        );
        // And they are the figures of the used labels' (token, label)
        // items. Tokens: “ Kim ” 😊 bertemu Putin . | Rabu lalu .
        let ayu: [[u8; 10]; 3] = [
            [0, 1, 0, 0, 0, 1, 0, 0, 0, 0], // actor
            [0, 0, 0, 0, 0, 0, 0, 1, 0, 0], // date
            [1, 2, 2, 2, 2, 2, 0, 0, 0, 0], // claim
        ];
        let budi: [[u8; 10]; 3] = [
            [0, 1, 0, 0, 0, 1, 0, 0, 0, 0],
            [0; 10],
            [1, 2, 2, 2, 2, 0, 0, 0, 0, 0],
        ];
        let (a, b) = (ayu.concat(), budi.concat());
        assert_eq!(Figure::Value(used.0), cohen_kappa(&a, &b));
        let units: Vec<Vec<u8>> = a.iter().zip(&b).map(|(x, y)| vec![*x, *y]).collect();
        let alpha = krippendorff_alpha(&units).value().unwrap();
        assert!((used.1 - alpha).abs() < 1e-12, "{used:?} {alpha}");
        assert_eq!(used.1, used.2, "one document: the corpus's figure");
        let report = agree(&project(&["actor", "date", "claim", "event"]).open(), &[]);
        assert_eq!(
            report.corpus.pairs[0].labels["event"].token_kappa.reason(),
            Some("chance agreement is total: both annotators used one and the same category")
        );
    }

    fn close(figure: &Figure, expected: f64) {
        let value = figure
            .value()
            .unwrap_or_else(|| panic!("undefined: {figure:?}"));
        assert!((value - expected).abs() < 1e-9, "{value} != {expected}");
    }

    #[test]
    fn kappa_matches_a_hand_computed_table() {
        // 10 tokens. A: 6 O, 2 B, 2 I; B: 6 O, 3 B, 1 I.
        let a = [0, 0, 0, 0, 0, 0, 1, 2, 1, 2];
        let b = [0, 0, 0, 0, 0, 1, 1, 2, 1, 0];
        // po = 8/10 (positions 0-4, 6, 7, 8 agree); pe = .6*.6 + .2*.3 + .2*.1 = .44
        close(&cohen_kappa(&a, &b), (0.8 - 0.44) / (1.0 - 0.44));
        close(&cohen_kappa(&a, &a), 1.0);
        assert!(
            cohen_kappa(&[0, 0, 0], &[0, 0, 0]).value().is_none(),
            "one category: undefined, not 1"
        );
        // Symmetric.
        assert_eq!(cohen_kappa(&a, &b), cohen_kappa(&b, &a));
    }

    #[test]
    fn alpha_matches_a_hand_computed_example() {
        // Krippendorff (2011), nominal example reduced to two coders and 4 units:
        // units (a,a) (a,b) (b,b) (b,b): o_aa=2, o_ab=o_ba=1, o_bb=4; n_a=3, n_b=5, n=8
        // alpha = 1 - (n-1) * D_o / sum_{c!=k} n_c n_k = 1 - 7 * 2 / 30
        let units = vec![vec![0, 0], vec![0, 1], vec![1, 1], vec![1, 1], vec![1]];
        close(&krippendorff_alpha(&units), 1.0 - 7.0 * 2.0 / 30.0);
        assert!(
            krippendorff_alpha(&[vec![0, 0], vec![0, 0]])
                .value()
                .is_none()
        );
        assert!(
            krippendorff_alpha(&[vec![0], vec![1]]).value().is_none(),
            "no pairable unit"
        );
        close(&krippendorff_alpha(&[vec![0, 0], vec![1, 1]]), 1.0);
    }

    #[test]
    fn span_f1_exact_and_overlap() {
        let (_, a) =
            crate::model::markup::parse("[[Kim Jong Un|actor] tiba|claim] di [Moskwa|location]")
                .unwrap();
        let (_, b) =
            crate::model::markup::parse("[Kim|actor] Jong Un [tiba di|claim] [Moskwa|location]")
                .unwrap();
        let c = span_counts(&a, &b, "actor");
        assert_eq!((c.exact, c.overlap, c.a, c.b), (0, 1, 1, 1));
        let c = span_counts(&a, &b, "location");
        assert_eq!((c.exact, c.overlap), (1, 1));
        let c = span_counts(&a, &b, "claim");
        assert_eq!((c.exact, c.overlap), (0, 1));
        close(&f1(1, 3, 3), 1.0 / 3.0);
        assert!(f1(0, 0, 0).value().is_none());
    }

    #[test]
    fn pairwise_figures_are_symmetric() {
        let (_, a) = crate::model::markup::parse(
            "[[Kim Jong|actor] Un tiba|claim] di [Moskwa|location] [Rabu|date]",
        )
        .unwrap();
        let (_, b) = crate::model::markup::parse(
            "[Kim|actor] [Jong Un tiba di Moskwa|claim] [Rabu|location]",
        )
        .unwrap();
        let text =
            crate::model::text::SourceText::new("Kim Jong Un tiba di Moskwa Rabu".into()).unwrap();
        let annotated = Annotated::from([("a".to_owned(), a.clone()), ("b".to_owned(), b.clone())]);
        let tokens = Tokens::of(&text, &annotated);
        for label in ["actor", "location", "date", "claim"] {
            let ab = span_counts(&a, &b, label);
            let ba = span_counts(&b, &a, label);
            assert_eq!(
                (ab.exact, ab.overlap, ab.a, ab.b),
                (ba.exact, ba.overlap, ba.b, ba.a),
                "{label}"
            );
            assert_eq!(
                cohen_kappa(&tokens.tags("a", &a, label), &tokens.tags("b", &b, label)),
                cohen_kappa(&tokens.tags("b", &b, label), &tokens.tags("a", &a, label)),
                "{label}"
            );
        }
    }

    /// u-alpha through `agree`: the documents every annotator annotated,
    /// end to end, in code points (a curly quote, an emoji, CRLF line ends);
    /// a document one annotator lacks is left out of the corpus figure.
    #[test]
    fn u_alpha_lays_the_documents_all_annotated_end_to_end() {
        use crate::testing::TestProject;
        let dir = TestProject::new();
        // a.txt: 20 code points; b.txt: 18.
        dir.write_annotations("ayu", "a.txt", "“[Kim|actor]” 😊 tiba.\r\nIa.\r\n");
        dir.write_annotations("budi", "a.txt", "[“Kim”|actor] 😊 tiba.\r\nIa.\r\n");
        dir.write_annotations("ayu", "b.txt", "[Putin|actor] menyambut.\r\n");
        dir.write_annotations("budi", "b.txt", "Putin menyambut.\r\n");
        dir.write_annotations("citra", "b.txt", "[Putin|actor] menyambut.\r\n");
        let two = agree(&dir.open(), &["ayu".into(), "budi".into()]);
        // One continuum of 20 + 18: ayu [1, 4) and [20, 25), budi [0, 5).
        let whole = Unitizing::of_document(38, &[&[(1, 4), (20, 25)], &[(0, 5)]]);
        assert_eq!(two.corpus.u_alpha["actor"], whole.alpha());
        let value = whole.alpha().value().unwrap();
        assert!(value < 1.0 && value > -1.0, "{value}");
        assert!(two.corpus.u_alpha["date"].reason().is_some());
        let per_b = &two
            .per_document
            .iter()
            .find(|(id, _)| id == "b.txt")
            .unwrap()
            .1;
        assert_eq!(
            per_b.u_alpha["actor"],
            Unitizing::of_document(18, &[&[(0, 5)], &[]]).alpha()
        );
        // citra lacks a.txt: the corpus figure is b.txt's alone.
        let three = agree(&dir.open(), &["ayu".into(), "budi".into(), "citra".into()]);
        assert_eq!(
            three.corpus.u_alpha["actor"],
            Unitizing::of_document(18, &[&[(0, 5)], &[], &[(0, 5)]]).alpha()
        );
        let json = two.to_json();
        assert!(json.contains("\"u_alpha\": {"), "{json}");
        assert!(json.contains("\"u_alpha_micro\": "), "{json}");
        assert!(two.to_table().contains("u-alpha"));
    }

    /// The report made without its documents, their entries made in
    /// batches and put in: the bytes `serde_json` writes for the whole
    /// report at once, with ids to escape, an id twice, more documents than
    /// a batch holds, and none.
    #[test]
    fn json_made_in_batches_is_the_whole_report_made_at_once() {
        use crate::testing::TestProject;
        let dir = TestProject::new();
        dir.write_annotations("ayu", "a.txt", "[Kim|actor] tiba di [Moskwa|location].\n");
        dir.write_annotations("budi", "a.txt", "[Kim tiba|actor] di [Moskwa|actor].\n");
        dir.write_annotations("ayu", "b.txt", "“[Putin|actor]” 😊 [datang|claim].\r\n");
        let report = agree(&dir.open(), &[]);
        let whole = |report: &Report| {
            let json = JsonReport {
                corpus: (&report.corpus).into(),
                per_document: JsonPerDocument(&report.per_document),
                label_counts: &report.counts,
                skipped: &report.skipped,
            };
            let mut out = serde_json::to_vec_pretty(&json).unwrap();
            out.push(b'\n');
            String::from_utf8(out).unwrap()
        };
        assert_eq!(report.to_json(), whole(&report));
        let mut many = report.clone();
        many.per_document = (0..JSON_BATCH + 2 * JSON_PIECE + 3)
            .map(|n| {
                let id = match n % 3 {
                    0 => format!("d{n:05}.txt"),
                    1 => format!("q\"{n}\\é\t😊.txt"),
                    _ => "twice.txt".to_owned(),
                };
                (id, report.per_document[n % 2].1.clone())
            })
            .rev()
            .collect();
        many.skipped = vec!["x.json: \"per_document\": {}".into()];
        assert_eq!(many.to_json(), whole(&many));
        let mut none = report.clone();
        none.per_document.clear();
        assert_eq!(none.to_json(), whole(&none));
        assert!(none.to_json().contains("\"per_document\": {},"));
    }

    #[test]
    fn documents_counted_a_chunk_at_a_time_give_the_figures_of_all_at_once() {
        use crate::testing::TestProject;
        let dir = TestProject::new();
        // ayu, then budi (an edge moved, a label changed, a span left out),
        // then citra (one document left out).
        let texts = [
            (
                "a.txt",
                "[Kim|actor] tiba di [Moskwa|location] pada [Rabu|date].\n",
                "[Kim tiba|actor] di [Moskwa|actor] pada Rabu.\n",
                "[Kim|actor] tiba di [Moskwa|location] pada [Rabu|date].\n",
            ),
            (
                "b.txt",
                "“[Putin|actor]” 😊 berkata [ia datang|claim].\r\n",
                "“[Putin|actor]” 😊 berkata [ia datang|claim].\r\n",
                "[“Putin”|actor] 😊 berkata ia [datang|claim].\r\n",
            ),
            (
                "c.txt",
                "[Korea Utara|location] dan [Rusia|location] [bertemu|claim].\n",
                "[Korea|location] Utara dan [Rusia|actor] bertemu.\n",
                "",
            ),
            (
                "d.txt",
                "Pada [Juni 2024|date], [Kim Jong Un|actor] tiba.\n",
                "Pada [Juni|date] 2024, [Kim|actor] [Jong Un|actor] tiba.\n",
                "Pada [Juni 2024|date], [Kim Jong Un|actor] tiba.\n",
            ),
        ];
        for (id, ayu, budi, citra) in texts {
            dir.write_annotations("ayu", id, ayu);
            dir.write_annotations("budi", id, budi);
            if !citra.is_empty() {
                dir.write_annotations("citra", id, citra);
            }
        }
        let project = dir.open();
        for annotators in [vec!["ayu", "budi"], vec!["ayu", "budi", "citra"]] {
            let names: Vec<String> = annotators.iter().map(|a| a.to_string()).collect();
            let whole = agree_in_chunks(&project, &names, None, usize::MAX);
            assert_eq!(whole.per_document.len(), texts.len());
            for chunk in [1, 2, 3] {
                let chunked = agree_in_chunks(&project, &names, None, chunk);
                assert_eq!(chunked, whole, "chunks of {chunk}");
                assert_eq!(chunked.to_json(), whole.to_json());
            }
        }
    }

    #[test]
    fn units_alike_added_at_once_count_as_added_one_by_one() {
        // Two, three and five coders: 1 / (m − 1) is a power of two.
        for coders in [2usize, 3, 5] {
            let units: Vec<Vec<u8>> = (0..200u32)
                .map(|n| {
                    (0..coders)
                        .map(|c| {
                            if n % 7 == 0 && c == 1 {
                                2
                            } else {
                                (n % 3) as u8
                            }
                        })
                        .collect()
                })
                .collect();
            let mut one_by_one = Coincidences::default();
            let mut at_once = Coincidences::default();
            let mut alike = [0usize; 3];
            for values in &units {
                one_by_one.add(values);
                if values.iter().all(|v| *v == values[0]) {
                    alike[usize::from(values[0])] += 1;
                } else {
                    at_once.add(values);
                }
            }
            for (tag, n) in alike.into_iter().enumerate() {
                at_once.add_alike(tag, coders, n);
            }
            assert_eq!(at_once.size, one_by_one.size);
            let bits = |c: &Coincidences| c.matrix.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&at_once), bits(&one_by_one), "{coders} coders");
            assert_eq!(at_once.alpha(), krippendorff_alpha(&units));
        }
    }

    #[test]
    fn kappa_counts_any_tag() {
        // Tags beyond B, I and O: the counts grow to the highest used.
        let a = [0u8, 200, 200, 3, 0];
        let b = [0u8, 200, 3, 3, 1];
        let mut counts = KappaCounts::default();
        counts.add(&a, &b);
        assert_eq!((counts.n, counts.agree), (5, 3));
        assert_eq!(counts.a.len(), 201);
        assert_eq!((counts.a[0], counts.a[3], counts.a[200]), (2, 1, 2));
        assert_eq!(
            (counts.b[0], counts.b[1], counts.b[3], counts.b[200]),
            (1, 1, 2, 1)
        );
        assert_eq!(counts.b.len(), 201);
        // p_o = 3/5; p_e = (2·1 + 1·2 + 2·1) / 25 = 6/25.
        let kappa = cohen_kappa(&a, &b).value().unwrap();
        assert!((kappa - (0.6 - 0.24) / 0.76).abs() < 1e-12, "{kappa}");
    }

    #[test]
    fn o_b_i_tags_counted_in_one_pass_are_counted_as_one_by_one() {
        let one_by_one = |a: &[u8], b: &[u8]| {
            let mut counts = KappaCounts::default();
            for (x, y) in a.iter().zip(b) {
                counts.n += 1;
                counts.agree += usize::from(x == y);
                for (side, tag) in [(&mut counts.a, *x), (&mut counts.b, *y)] {
                    let tag = usize::from(tag);
                    if tag >= side.len() {
                        side.resize(tag + 1, 0);
                    }
                    side[tag] += 1;
                }
            }
            counts
        };
        // Tags from a fixed sequence; only O, or no I, on one side.
        let mut state = 7u32;
        let mut next = || {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            ((state >> 16) % 3) as u8
        };
        for len in [0, 1, 2, 31, 32, 33, 1000] {
            let a: Vec<u8> = (0..len).map(|_| next()).collect();
            let b: Vec<u8> = (0..len).map(|_| next()).collect();
            let zeros = vec![0u8; len];
            let no_i: Vec<u8> = b.iter().map(|t| t % 2).collect();
            for (a, b) in [(&a, &b), (&zeros, &b), (&a, &no_i), (&zeros, &zeros)] {
                let mut counts = KappaCounts::default();
                counts.add(a, b);
                let expected = one_by_one(a, b);
                assert_eq!((counts.n, counts.agree), (expected.n, expected.agree));
                assert_eq!((&counts.a, &counts.b), (&expected.a, &expected.b), "{len}");
            }
        }
    }

    #[test]
    fn overlap_matching_is_one_to_one() {
        let (_, a) = crate::model::markup::parse("[Kim Jong|actor] [Un|actor]").unwrap();
        let (_, b) = crate::model::markup::parse("[Kim Jong Un|actor]").unwrap();
        let c = span_counts(&a, &b, "actor");
        assert_eq!((c.overlap, c.a, c.b), (1, 2, 1));
    }
}
