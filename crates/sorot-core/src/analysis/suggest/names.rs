//! Names in use: the values (or texts) the spans of a label carry, counted,
//! and ranked for a new span.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::model::Span;
use crate::project::Project;

/// The names `spans` use for `label`: each span's value, or its text when it
/// has none, with how often.
pub fn names_in<'a>(spans: impl Iterator<Item = &'a Span>, label: &str) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for span in spans.filter(|s| s.label == label) {
        let name = if span.value.is_empty() {
            &span.text
        } else {
            &span.value
        };
        *names.entry(name.clone()).or_default() += 1;
    }
    names
}

/// The names in use for `label` in every annotator's files, by (annotator,
/// document), read from disk on a [disk pool](crate::store::disk). Files that cannot
/// be read are left out.
pub fn names_on_disk(
    project: &Project,
    label: &str,
) -> BTreeMap<(String, String), BTreeMap<String, usize>> {
    let files: Vec<(String, &str)> = project
        .annotators()
        .into_iter()
        .flat_map(|annotator| {
            project
                .docs()
                .iter()
                .map(move |doc| (annotator.clone(), doc.id.as_str()))
        })
        .collect();
    crate::store::disk::run_on(crate::store::disk::pool().as_ref(), || {
        files
            .into_par_iter()
            .filter_map(|(annotator, doc_id)| {
                let path = project.annotation_path(&annotator, doc_id);
                let (file, _) = crate::store::AnnotationFile::read(&path).ok()?;
                let names = names_in(file.spans.iter(), label);
                Some(((annotator, doc_id.to_owned()), names))
            })
            .collect()
    })
}

/// Names to offer for a span with `text`: those sharing the most words with it
/// first (ignoring case), then by use, most used first.
pub fn rank_names(names: &BTreeMap<String, usize>, text: &str) -> Vec<(String, usize)> {
    let words = |s: &str| -> BTreeSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let own = words(text);
    let mut ranked: Vec<(usize, String, usize)> = names
        .iter()
        .map(|(name, &count)| (own.intersection(&words(name)).count(), name.clone(), count))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .map(|(_, name, count)| (name, count))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::markup;

    #[test]
    fn names_are_values_or_texts_ranked_by_shared_words_then_use() {
        let (_, mut spans) = markup::parse(
            "[Kim|actor] dan [Kim Jong-un|actor] dan [Kim Jong Un|actor] dan [Putin|actor] [Putin|actor] [Rabu|date]",
        )
        .unwrap();
        spans[0].value = "Kim Jong Un".into();
        spans[1].value = "Kim Jong Un".into();
        let mut names = names_in(spans.iter(), "actor");
        assert_eq!(
            names,
            BTreeMap::from([("Kim Jong Un".into(), 3), ("Putin".into(), 2)])
        );
        // More shared words first, however often a shorter name is used.
        names.insert("Kim".into(), 70);
        assert_eq!(
            rank_names(&names, "kim jong-un"),
            vec![
                ("Kim Jong Un".into(), 3),
                ("Kim".into(), 70),
                ("Putin".into(), 2)
            ]
        );
        names.remove("Kim");
        assert_eq!(
            rank_names(&names, "Vladimir Putin"),
            vec![("Putin".into(), 2), ("Kim Jong Un".into(), 3)]
        );
    }
}
