//! String suggestions: whole-word occurrences of the texts of a lexicon.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;

use super::gazetteer::{GAZETTEER, LineProblem, read_gazetteer};
use super::{Decided, Suggestion};
use crate::model::text::SourceText;
use crate::model::{Annotations, Span};
use crate::project::Project;

/// The texts an annotator has labeled, with their labels (a text labeled two
/// ways is proposed with the label used most, ties by name).
pub fn lexicon<'a>(spans: impl Iterator<Item = &'a Span>) -> BTreeMap<String, String> {
    let mut counts = LabelCounts::default();
    counts.add(spans);
    counts.lexicon()
}

/// How often each text was labeled with each label.
#[derive(Default)]
struct LabelCounts(BTreeMap<String, BTreeMap<String, usize>>);

impl LabelCounts {
    fn add<'a>(&mut self, spans: impl Iterator<Item = &'a Span>) {
        for span in spans {
            if span.text.trim().is_empty() {
                continue;
            }
            *self
                .0
                .entry(span.text.clone())
                .or_default()
                .entry(span.label.clone())
                .or_default() += 1;
        }
    }

    fn merge(mut self, other: LabelCounts) -> LabelCounts {
        for (text, labels) in other.0 {
            let counts = self.0.entry(text).or_default();
            for (label, n) in labels {
                *counts.entry(label).or_default() += n;
            }
        }
        self
    }

    /// Each text with the label it was given most, ties by name.
    fn lexicon(self) -> BTreeMap<String, String> {
        self.0
            .into_iter()
            .filter_map(|(text, labels)| {
                let best = labels
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?
                    .0;
                Some((text, best))
            })
            .collect()
    }
}

/// Why the project's lexicon could not be made or searched: its gazetteer
/// could not be read or has a bad line, or it is too large for one automaton.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {problem}", file.display())]
    Line {
        file: PathBuf,
        line: usize,
        problem: LineProblem,
    },
    #[error("the {texts} texts to look for are too many to search at once")]
    TooLarge {
        texts: usize,
        #[source]
        source: aho_corasick::BuildError,
    },
}

/// The lexicon of an annotator across a project: their labeled texts, and the
/// project's gazetteer (whose entries give way to the annotator's own).
/// Annotation files that cannot be read are passed over.
pub fn project_lexicon(
    project: &Project,
    annotator: &str,
) -> Result<BTreeMap<String, String>, LexiconError> {
    // Read on the disk pool (a project may have thousands of files), each
    // file's spans counted and dropped at once.
    let count = || {
        project
            .docs()
            .par_iter()
            .fold(LabelCounts::default, |mut counts, doc| {
                let path = project.annotation_path(annotator, &doc.id);
                if let Ok((file, _)) = crate::store::AnnotationFile::read(&path) {
                    counts.add(file.spans.iter());
                }
                counts
            })
            .reduce(LabelCounts::default, LabelCounts::merge)
    };
    let counts = crate::store::disk::run_on(crate::store::disk::pool().as_ref(), count);
    let mut lexicon = BTreeMap::new();
    let gazetteer = project.root().join(GAZETTEER);
    if gazetteer.is_file() {
        let content = std::fs::read_to_string(&gazetteer).map_err(|source| LexiconError::Read {
            file: gazetteer.clone(),
            source,
        })?;
        lexicon = read_gazetteer(&content).map_err(|err| LexiconError::Line {
            file: gazetteer.clone(),
            line: err.line,
            problem: err.problem,
        })?;
    }
    lexicon.extend(counts.lexicon());
    Ok(lexicon)
}

/// A lexicon made ready to search texts: one automaton for all its texts,
/// built once and used for every document.
///
/// It offers the whole-word occurrences of the lexicon's texts (the
/// characters just before and after are not letters or digits), matched
/// case for case, each with its text's label, except where [`Decided`]
/// rules them out. Of two occurrences of one label that overlap, only one
/// is offered: the one that starts first, and of those the longest ("Kim
/// Jong Un" rather than "Kim" and "Jong Un"), so that accepting them all
/// makes no same-label overlap. Occurrences of different labels may overlap,
/// as spans may ("Putin" an actor inside a claim).
#[derive(Debug, Clone)]
pub struct StringMatcher {
    automaton: AhoCorasick,
    /// For each text of the lexicon, in the lexicon's order (the
    /// automaton's pattern ids): its length in characters and the index of
    /// its label in `labels`.
    patterns: Vec<(usize, usize)>,
    /// The labels, sorted.
    labels: Vec<String>,
}

impl StringMatcher {
    /// Builds the automaton of `lexicon`'s texts.
    pub fn new(lexicon: &BTreeMap<String, String>) -> Result<Self, LexiconError> {
        let labels: Vec<String> = lexicon
            .values()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .cloned()
            .collect();
        let index: BTreeMap<&str, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, label)| (label.as_str(), i))
            .collect();
        let patterns = lexicon
            .iter()
            .map(|(text, label)| (text.chars().count(), index[label.as_str()]))
            .collect();
        // Overlapping matches (the standard kind) so that an occurrence that
        // is not a whole word does not hide a shorter one inside it.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(lexicon.keys())
            .map_err(|source| LexiconError::TooLarge {
                texts: lexicon.len(),
                source,
            })?;
        Ok(Self {
            automaton,
            patterns,
            labels,
        })
    }

    /// Whether the lexicon has no texts, so that nothing is ever offered.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The suggestions in `text` that `annotations` (the set they are for)
    /// has not decided, sorted.
    pub fn find(&self, text: &SourceText, annotations: &Annotations) -> Vec<Suggestion> {
        if self.is_empty() {
            return Vec::new();
        }
        let content = text.as_str();
        let is_word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        // Whole-word occurrences as (start byte, end byte, text), by start,
        // the longest first.
        let mut found: Vec<(usize, Reverse<usize>, usize)> = self
            .automaton
            .find_overlapping_iter(content)
            .filter(|m| {
                !is_word_char(content[..m.start()].chars().next_back())
                    && !is_word_char(content[m.end()..].chars().next())
            })
            .map(|m| (m.start(), Reverse(m.end()), m.pattern().as_usize()))
            .collect();
        found.sort_unstable();
        let decided = Decided::new(annotations);
        // For each label, where the last occurrence offered ends.
        let mut reached = vec![0; self.labels.len()];
        let mut offered = Vec::new();
        // The offset of a start is counted on from the one before it.
        let (mut counted_to, mut offset) = (0, 0);
        for (byte, _, pattern) in found {
            offset += content[counted_to..byte].chars().count();
            counted_to = byte;
            let (chars, label) = self.patterns[pattern];
            let (start, end) = (offset, offset + chars);
            if start < reached[label] || decided.rules_out(start, end, &self.labels[label]) {
                continue;
            }
            reached[label] = end;
            offered.push((start, end, label));
        }
        // Labels are indexed in their sorted order, so this is the order of
        // the suggestions.
        offered.sort_unstable();
        offered
            .into_iter()
            .map(|(start, end, label)| Suggestion {
                start,
                end,
                label: self.labels[label].clone(),
                value: None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::model::markup;
    use crate::store::OffsetUnit;
    use crate::testing::render_offsets;

    /// `markup`'s text and its spans as an annotation set.
    fn annotated(markup: &str) -> (SourceText, Annotations) {
        let (text, spans) = markup::parse(markup).unwrap();
        let annotations = Annotations::new(Status::InProgress, spans).unwrap();
        (SourceText::new(text).unwrap(), annotations)
    }

    fn lexicon_of(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|&(text, label)| (text.to_owned(), label.to_owned()))
            .collect()
    }

    /// The suggestions for the set written in `markup`, in markup.
    fn suggested(entries: &[(&str, &str)], markup: &str) -> String {
        let (text, annotations) = annotated(markup);
        let matcher = StringMatcher::new(&lexicon_of(entries)).unwrap();
        let found = matcher.find(&text, &annotations);
        render_offsets(
            text.as_str(),
            OffsetUnit::CodePoint,
            found.into_iter().map(|s| (s.start, s.end, s.label)),
        )
    }

    /// The suggestions as they are specified, found the slow way: every
    /// whole-word occurrence of every text at every character, less what
    /// `annotations` rules out, then for each label from left to right, the
    /// longest occurrence at each place that overlaps none kept before it.
    fn reference(
        text: &str,
        lexicon: &BTreeMap<String, String>,
        annotations: &Annotations,
    ) -> Vec<Suggestion> {
        let chars: Vec<char> = text.chars().collect();
        let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
        let needles: Vec<(Vec<char>, &String)> = lexicon
            .iter()
            .map(|(needle, label)| (needle.chars().collect(), label))
            .collect();
        let mut all = Vec::new();
        for start in 0..chars.len() {
            for (needle, label) in &needles {
                let end = start + needle.len();
                if chars.get(start..end) == Some(&needle[..])
                    && !(start > 0 && word(chars.get(start - 1)))
                    && !word(chars.get(end))
                {
                    all.push((start, end, (*label).clone()));
                }
            }
        }
        let decided = Decided::new(annotations);
        all.retain(|(start, end, label)| !decided.rules_out(*start, *end, label));
        all.sort_by_key(|(start, end, _)| (*start, Reverse(*end)));
        let mut kept: Vec<Suggestion> = Vec::new();
        for (start, end, label) in all {
            if !kept
                .iter()
                .any(|k| k.label == label && k.start < end && start < k.end)
            {
                kept.push(Suggestion {
                    start,
                    end,
                    label,
                    value: None,
                });
            }
        }
        kept.sort();
        kept
    }

    /// String suggestions as they were before overlaps were ruled out: every
    /// whole-word occurrence that is not exactly a span of its label.
    fn unfiltered(
        text: &SourceText,
        lexicon: &BTreeMap<String, String>,
        existing: &[Span],
    ) -> Vec<Suggestion> {
        let held: BTreeSet<(usize, usize, &str)> = existing
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        let content = text.as_str();
        let is_word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        let mut found = BTreeSet::new();
        for (needle, label) in lexicon {
            for (byte, _) in content.match_indices(needle.as_str()) {
                let before = content[..byte].chars().next_back();
                let after = content[byte + needle.len()..].chars().next();
                if is_word_char(before) || is_word_char(after) {
                    continue;
                }
                let start = text.offset_of_byte(byte);
                let end = start + needle.chars().count();
                if !held.contains(&(start, end, label.as_str())) {
                    found.insert(Suggestion {
                        start,
                        end,
                        label: label.clone(),
                        value: None,
                    });
                }
            }
        }
        found.into_iter().collect()
    }

    #[test]
    fn string_suggestions_label_other_whole_word_mentions() {
        let (_, spans) = markup::parse("[Kim|actor] bertemu [Putin|actor].").unwrap();
        let lexicon = lexicon(spans.iter());
        let entries: Vec<(&str, &str)> = lexicon
            .iter()
            .map(|(t, l)| (t.as_str(), l.as_str()))
            .collect();
        assert_eq!(
            suggested(
                &entries,
                "[Kim|actor] dan Putin. Kimchi bukan “Kim”; 😊Putin’\r\nlagi."
            ),
            "Kim dan [Putin|actor]. Kimchi bukan “[Kim|actor]”; 😊[Putin|actor]’\r\nlagi."
        );
    }

    #[test]
    fn of_overlapping_texts_of_one_label_the_leftmost_then_longest_is_offered() {
        let entries = [
            ("Kim", "actor"),
            ("Kim Jong Un", "actor"),
            ("Jong Un", "actor"),
            ("Un tiba", "actor"),
            ("Kim Jong Un tiba", "claim"),
        ];
        assert_eq!(
            suggested(
                &entries,
                "“Kim Jong Un” 😊 Kim Jong Un tiba.\r\nKim Jong Unyil; Jong Un tiba, ’Kim’."
            ),
            "“[Kim Jong Un|actor]” 😊 [[Kim Jong Un|actor] tiba|claim].\r\n\
             [Kim|actor] Jong Unyil; [Jong Un|actor] tiba, ’[Kim|actor]’."
        );
    }

    #[test]
    fn nothing_is_offered_across_a_span_of_its_label_or_where_rejected() {
        let entries = [
            ("Putin", "actor"),
            ("Vladimir Putin", "actor"),
            ("Vladimir", "actor"),
        ];
        let markup = "“[Vladimir Putin|actor]” 😊 [kata Putin|claim]\r\n\
                      [Vladimir Put|location]in; Vladimir Putin.";
        assert_eq!(
            suggested(&entries, markup),
            "“Vladimir Putin” 😊 kata [Putin|actor]\r\n\
             [Vladimir Putin|actor]; [Vladimir Putin|actor]."
        );
        // (A span of another label is no obstacle.) A span of the label over
        // part of it, or around it, rules it out, not what lies beside.
        assert_eq!(
            suggested(&entries, "[Vla|actor]dimir Putin 😊\r\nx [’Putin’|actor]"),
            "Vladimir [Putin|actor] 😊\r\nx ’Putin’"
        );
        // Once "Vladimir Putin" is rejected there, what lies inside is offered.
        let (text, annotations) = annotated("“Vladimir Putin’ 😊\r\n");
        let annotations = annotations.with_rejected(vec![crate::model::Rejected {
            start: 1,
            end: 15,
            label: "actor".into(),
        }]);
        let matcher = StringMatcher::new(&lexicon_of(&entries)).unwrap();
        let found: Vec<(usize, usize)> = matcher
            .find(&text, &annotations)
            .iter()
            .map(|s| (s.start, s.end))
            .collect();
        assert_eq!(found, [(1, 9), (10, 15)]);
    }

    #[test]
    fn whole_words_end_at_emoji_quotes_and_line_ends_not_at_letters() {
        let entries = [("Kim", "actor"), ("Seoul.", "location"), ("’s", "claim")];
        assert_eq!(
            suggested(
                &entries,
                "😊Kim😊 ’Kim’ “Kim”\r\nKim\r\nKimé éKim Kim2 Seoul. Seoul.x Kim’s “’s”"
            ),
            "😊[Kim|actor]😊 ’[Kim|actor]’ “[Kim|actor]”\r\n[Kim|actor]\r\n\
             Kimé éKim Kim2 [Seoul.|location] Seoul.x [Kim|actor]’s “[’s|claim]”"
        );
    }

    #[test]
    fn an_occurrence_that_is_not_a_whole_word_hides_no_other() {
        // "Kim Jong" is part of "Kim Jongil", so "Kim" alone is the word;
        // ". ." at the "a" follows a letter, the one after it does not.
        let entries = [("Kim", "actor"), ("Kim Jong", "actor"), (". .", "claim")];
        assert_eq!(
            suggested(&entries, "😊 ’Kim Jongil’\r\na. . ."),
            "😊 ’[Kim|actor] Jongil’\r\na. [. .|claim]"
        );
    }

    #[test]
    fn an_empty_lexicon_offers_nothing() {
        let matcher = StringMatcher::new(&BTreeMap::new()).unwrap();
        let (text, annotations) = annotated("’Kim’ 😊\r\n");
        assert!(matcher.is_empty());
        assert_eq!(matcher.find(&text, &annotations), []);
    }

    #[test]
    fn the_seed_articles_get_what_the_reference_finds_and_what_was_found_before() {
        let project = Project::open(&crate::testing::sample_dir()).unwrap();
        let lexicon = project_lexicon(&project, "ayu").unwrap();
        let matcher = StringMatcher::new(&lexicon).unwrap();
        let mut offered = 0;
        for doc in project.docs() {
            for annotator in ["budi", "nobody"] {
                let open =
                    crate::project::document::OpenDocument::open_to_read(&project, doc, annotator)
                        .unwrap();
                let annotations = open.annotations();
                let found = matcher.find(&open.text, annotations);
                assert_eq!(
                    found,
                    reference(open.text.as_str(), &lexicon, annotations),
                    "{}",
                    doc.id
                );
                // The same as before, less what overlaps a span of its label
                // or a longer suggestion of its label.
                let before = unfiltered(&open.text, &lexicon, annotations.spans());
                let decided = Decided::new(annotations);
                for s in &before {
                    if !found.contains(s) {
                        assert!(
                            decided.rules_out(s.start, s.end, &s.label)
                                || found.iter().any(|f| f.label == s.label
                                    && f.start < s.end
                                    && s.start < f.end
                                    && (f.start, Reverse(f.end)) < (s.start, Reverse(s.end))),
                            "{}: {s:?} is no longer offered",
                            doc.id
                        );
                    }
                }
                assert!(found.iter().all(|s| before.contains(s)), "{}", doc.id);
                offered += found.len();
            }
        }
        assert!(offered > 100, "{offered}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const PIECES: [&str; 12] = [
            "Kim", "Jong", "Un", " ", "’", "“", "😊", "\r\n", "é", "a", ".", "-",
        ];

        fn pieces(range: std::ops::Range<usize>) -> impl Strategy<Value = String> {
            proptest::collection::vec(proptest::sample::select(&PIECES[..]), range)
                .prop_map(|parts| parts.concat())
        }

        proptest! {
            #[test]
            fn the_matcher_finds_what_the_reference_finds(
                text in pieces(1..60),
                entries in proptest::collection::vec(
                    (pieces(1..4), proptest::sample::select(&["actor", "claim"][..])),
                    0..8,
                ),
                spans in proptest::collection::vec(
                    (0usize..80, 0usize..6, proptest::sample::select(&["actor", "claim"][..])),
                    0..4,
                ),
                rejected in proptest::collection::vec((0usize..80, 0usize..6), 0..3),
            ) {
                let lexicon: BTreeMap<String, String> = entries
                    .into_iter()
                    .filter(|(t, _)| !t.trim().is_empty())
                    .map(|(t, l)| (t, l.to_owned()))
                    .collect();
                let source = SourceText::new(text.clone()).unwrap();
                let len = source.len_chars();
                let spans: Vec<Span> = spans
                    .into_iter()
                    .enumerate()
                    .map(|(i, (start, width, label))| {
                        let start = start.min(len);
                        let end = (start + width).min(len);
                        let covered = source.slice(start..end).to_owned();
                        Span::new(i as u32 + 1, start..end, label.to_owned(), covered)
                    })
                    .collect();
                let rejected = rejected
                    .into_iter()
                    .map(|(start, width)| crate::model::Rejected {
                        start: start.min(len),
                        end: (start + width).min(len),
                        label: "actor".into(),
                    })
                    .collect();
                let annotations = Annotations::new(Status::InProgress, spans)
                    .unwrap()
                    .with_rejected(rejected);
                let matcher = StringMatcher::new(&lexicon).unwrap();
                prop_assert_eq!(
                    matcher.find(&source, &annotations),
                    reference(&text, &lexicon, &annotations)
                );
            }
        }
    }
}
