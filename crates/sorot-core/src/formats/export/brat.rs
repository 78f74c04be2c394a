//! brat standoff: for each document a `.txt` and a `.ann` file in a folder,
//! and `annotation.conf` and `visual.conf` from the schema.
//!
//! brat reads texts with LF line ends and counts code points over them. A CRLF
//! source is therefore written with LF line ends, and every offset after a
//! CRLF moves back by one per line end before it, so spans keep their text.
//! A span that crosses a line end is written as brat's discontinuous span,
//! one fragment per line (`T1 <tab> claim 10 20;21 30 <tab> first line second line`).
//! Notes become `#` lines (`AnnotatorNotes`); a note's line breaks become spaces.
//! Relations become `R` lines (`R1 <tab> source Arg1:T2 Arg2:T1`).
//! With several annotators, each gets a subfolder.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::pipeline::{Item, Sink};
use super::{ExportError, Loss, Offsets, Options, Sidecar};
use crate::model::schema::Schema;
use crate::model::text::SourceText;
use crate::store::write_output;

pub struct Brat {
    folder: PathBuf,
    options: Options,
}

impl Brat {
    pub fn new(
        folder: &Path,
        options: &Options,
        schema: &Schema,
        labels: &[String],
    ) -> Result<Self, ExportError> {
        let mut conf = String::from("# Written by Sorot from the project's schema.\n[entities]\n");
        let mut visual = String::from("[labels]\n");
        let mut drawing = String::from("[drawing]\n");
        for label in labels {
            conf.push_str(label);
            conf.push('\n');
            visual.push_str(&format!("{label} | {label}\n"));
            let [r, g, b] = schema.color(label);
            drawing.push_str(&format!("{label}\tbgColor:#{r:02x}{g:02x}{b:02x}\n"));
        }
        conf.push_str("\n[relations]\n");
        for relation in &schema.relations {
            let end = |label: &str| {
                if label.is_empty() {
                    "<ENTITY>".to_owned()
                } else {
                    label.to_owned()
                }
            };
            conf.push_str(&format!(
                "{}\tArg1:{}, Arg2:{}\n",
                relation.name,
                end(&relation.from),
                end(&relation.to)
            ));
        }
        conf.push_str("\n[events]\n\n[attributes]\n");
        visual.push('\n');
        visual.push_str(&drawing);
        write_output(&folder.join("annotation.conf"), conf.as_bytes())?;
        write_output(&folder.join("visual.conf"), visual.as_bytes())?;
        Ok(Brat {
            folder: folder.to_owned(),
            options: options.clone(),
        })
    }
}

impl Sink for Brat {
    /// Nothing: rendering writes the document's two files.
    type Output = ();

    fn render(&self, item: &Item<'_>, losses: &mut Vec<Loss>) -> Result<((), usize), ExportError> {
        let (lf_text, to_lf) = lf_text(item.text);
        let offsets = Offsets::new(&lf_text, self.options.offsets);
        let mut ann = String::new();
        let mut note_number = 0;
        let mut places = String::new();
        let mut texts = String::new();
        // Spans with no character in brat's text (only a line end): brat has
        // no place for them, so they and what hangs on them are left out.
        let mut left_out = vec![false; item.spans.len()];
        for (n, span) in item.spans.iter().enumerate() {
            let t = n + 1;
            let (start, end) = (to_lf(span.start), to_lf(span.end));
            // One fragment per line the span covers.
            let mut fragment_start = start;
            places.clear();
            texts.clear();
            let line_ends = lf_text.slice(start..end).chars().enumerate();
            for fragment_end in line_ends
                .filter(|(_, c)| *c == '\n')
                .map(|(i, _)| start + i)
                .chain([end])
            {
                if fragment_end > fragment_start {
                    if !places.is_empty() {
                        places.push(';');
                        texts.push(' ');
                    }
                    write!(
                        places,
                        "{} {}",
                        offsets.map(fragment_start),
                        offsets.map(fragment_end)
                    )
                    .expect("writing to a String");
                    texts.push_str(lf_text.slice(fragment_start..fragment_end));
                }
                fragment_start = fragment_end + 1;
            }
            if places.is_empty() {
                left_out[n] = true;
                losses.push(Loss {
                    file: item.file.clone(),
                    span: Some(span.id),
                    reason: "the span holds only a line end, which brat's text cannot hold as a span; not exported, nor its note, value, attributes and relations".into(),
                });
                continue;
            }
            writeln!(ann, "T{t}\t{} {places}\t{texts}", span.label).expect("writing to a String");
            if !span.note.is_empty() {
                note_number += 1;
                let note: String = span
                    .note
                    .chars()
                    .map(|c| {
                        if c == '\n' || c == '\r' || c == '\t' {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect();
                if note != span.note {
                    losses.push(Loss {
                        file: item.file.clone(),
                        span: Some(span.id),
                        reason:
                            "the note's line breaks or tabs became spaces (brat notes are one line)"
                                .into(),
                    });
                }
                ann.push_str(&format!("#{note_number}\tAnnotatorNotes T{t}\t{note}\n"));
            }
        }
        // Attributes as A lines, the normalized value as an N line.
        let mut attribute_number = 0;
        let mut normalization_number = 0;
        for (n, span) in item.spans.iter().enumerate() {
            if left_out[n] {
                continue;
            }
            for (name, value) in &span.attributes {
                attribute_number += 1;
                ann.push_str(&format!("A{attribute_number}\t{name} T{} {value}\n", n + 1));
            }
            if !span.value.is_empty() {
                normalization_number += 1;
                ann.push_str(&format!(
                    "N{normalization_number}\tReference T{} Sorot:{}\t{}\n",
                    n + 1,
                    span.value.replace(' ', "_"),
                    span.value
                ));
            }
        }
        for (n, relation) in item.relations.iter().enumerate() {
            let position = |id| item.spans.iter().position(|s| s.id == id);
            let (Some(from), Some(to)) = (position(relation.from), position(relation.to)) else {
                continue;
            };
            if left_out[from] || left_out[to] {
                continue;
            }
            ann.push_str(&format!(
                "R{}\t{} Arg1:T{} Arg2:T{}\t\n",
                n + 1,
                relation.kind,
                from + 1,
                to + 1
            ));
        }
        let mut base = self.folder.clone();
        if self.options.name_annotators {
            base.push(item.annotator);
        }
        for part in item.id.split('/') {
            base.push(part);
        }
        let txt = base.with_extension("txt");
        let ann_path = base.with_extension("ann");
        // An export folder can be made again: files are written in place,
        // without waiting for the disk.
        let write = |path: &Path, bytes: &[u8]| {
            std::fs::write(path, bytes).map_err(|source| ExportError::Io {
                path: path.to_owned(),
                source,
            })
        };
        // A document in a subfolder finds the folder missing on its first
        // write; the folder is made then.
        let text = lf_text.as_str().as_bytes();
        match std::fs::write(&txt, text) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = txt.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| ExportError::Io {
                        path: parent.to_owned(),
                        source,
                    })?;
                }
                write(&txt, text)?;
            }
            result => result.map_err(|source| ExportError::Io {
                path: txt.clone(),
                source,
            })?,
        }
        write(&ann_path, ann.as_bytes())?;
        let exported = left_out.iter().filter(|&&out| !out).count();
        Ok(((), exported))
    }

    fn append(&mut self, _out: &mut dyn std::io::Write, _written: ()) -> Result<(), ExportError> {
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn std::io::Write) -> Result<Vec<Sidecar>, ExportError> {
        Ok(Vec::new())
    }
}

/// The text with CRLF line ends made LF, and the map of offsets into it.
fn lf_text(text: &SourceText) -> (Cow<'_, SourceText>, impl Fn(usize) -> usize) {
    let mut removed = Vec::new();
    let mut previous_cr = None;
    for (i, c) in text.as_str().chars().enumerate() {
        if c == '\n'
            && let Some(cr) = previous_cr
            && cr + 1 == i
        {
            removed.push(cr);
        }
        previous_cr = (c == '\r').then_some(i);
    }
    let lf = if removed.is_empty() {
        Cow::Borrowed(text)
    } else {
        SourceText::new(text.as_str().replace("\r\n", "\n")).map_or(Cow::Borrowed(text), Cow::Owned)
    };
    let map = move |offset: usize| offset - removed.partition_point(|&r| r < offset);
    (lf, map)
}
