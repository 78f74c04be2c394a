//! Label Studio: a JSON list of tasks, each with the text in `data.text` and
//! one annotation per exported annotator, whose `result` items are `labels`
//! regions (`value.start`, `value.end`, `value.text`, `value.labels`,
//! `from_name` "label", `to_name` "text"). A span's note becomes the region's
//! `meta.text`, as Label Studio stores region notes. Relations are `relation`
//! results between region ids, and the config lists their types.
//!
//! A span's normalized value and attributes are per-region results carrying
//! the region's id, as Label Studio writes them: the value a `textarea` result
//! from the `value` control, an attribute a `choices` result (or `textarea`,
//! when the schema allows any text) from a control named `<label>_<attribute>`,
//! shown for regions of that label. The labeling config to paste into the
//! project settings goes to a `.config.xml` file beside it. A span's typed
//! notes and the resource of its value have no place here: each span's are
//! one loss.

use std::io::Write;

use serde::Serialize;

use super::pipeline::{Item, Sink};
use super::{ExportError, Loss, Offsets, Options, Sidecar};
use crate::model::schema::{AttributeDef, Schema};

pub struct LabelStudio {
    options: Options,
    config: String,
    /// The schema's attributes, to tell choices from free text.
    attributes: Vec<AttributeDef>,
    tasks: usize,
    /// The document id of the task being written, whose list of annotations
    /// is still open.
    open_task: Option<String>,
}

impl LabelStudio {
    pub fn new(options: &Options, schema: &Schema, labels: &[String]) -> Self {
        LabelStudio {
            options: options.clone(),
            config: labeling_config(schema, labels),
            attributes: schema.attributes.clone(),
            tasks: 0,
            open_task: None,
        }
    }
}

/// One annotator's annotation of a document, rendered: the document id, the
/// task's `data` and the annotation, as JSON. A task is written as
/// `{"id":…,"data":…,"annotations":[…,…]}` (as serde_json writes a struct),
/// its annotations being those of consecutive documents with the same id.
pub struct Rendered {
    document: String,
    data: Vec<u8>,
    annotation: Vec<u8>,
}

impl Sink for LabelStudio {
    type Output = Rendered;

    fn render(
        &self,
        item: &Item<'_>,
        losses: &mut Vec<Loss>,
    ) -> Result<(Rendered, usize), ExportError> {
        let offsets = Offsets::new(item.text, self.options.offsets);
        let region_id = |id| format!("{}-{}", item.annotator, id);
        let mut result: Vec<ResultItem> = item
            .spans
            .iter()
            .map(|span| {
                ResultItem::Region(Region {
                    id: region_id(span.id),
                    from_name: "label",
                    to_name: "text",
                    kind: "labels",
                    origin: "manual",
                    value: RegionValue {
                        start: offsets.map(span.start),
                        end: offsets.map(span.end),
                        text: span.text.clone(),
                        labels: [span.label.clone()],
                    },
                    meta: (!span.note.is_empty()).then(|| RegionMeta {
                        text: [span.note.clone()],
                    }),
                })
            })
            .collect();
        for span in &item.spans {
            super::lose_typed_notes_and_resource(&item.file, span, losses);
            let (start, end) = (offsets.map(span.start), offsets.map(span.end));
            let per_region = |from_name: String, kind, text, choices| {
                ResultItem::PerRegion(PerRegion {
                    id: region_id(span.id),
                    from_name,
                    to_name: "text",
                    kind,
                    origin: "manual",
                    value: PerRegionValue {
                        start,
                        end,
                        text,
                        choices,
                    },
                })
            };
            if !span.value.is_empty() {
                result.push(per_region(
                    "value".into(),
                    "textarea",
                    Some([span.value.clone()]),
                    None,
                ));
            }
            for (name, value) in &span.attributes {
                let Some(def) = self
                    .attributes
                    .iter()
                    .find(|a| a.label == span.label && &a.name == name)
                else {
                    losses.push(Loss {
                        file: item.file.clone(),
                        span: Some(span.id),
                        reason: format!(
                            "attribute {name} ({value}) is not in the schema, so the labeling config has no control for it; not exported"
                        ),
                    });
                    continue;
                };
                let from_name = control_name(&span.label, name);
                result.push(if def.values.is_empty() {
                    per_region(from_name, "textarea", Some([value.clone()]), None)
                } else {
                    per_region(from_name, "choices", None, Some([value.clone()]))
                });
            }
        }
        result.extend(item.relations.iter().map(|relation| {
            ResultItem::Relation(RelationResult {
                from_id: region_id(relation.from),
                to_id: region_id(relation.to),
                kind: "relation",
                direction: "right",
                labels: [relation.kind.clone()],
            })
        }));
        let annotation = Annotation {
            result,
            was_cancelled: false,
            ground_truth: false,
            sorot_annotator: self
                .options
                .name_annotators
                .then(|| item.annotator.to_owned()),
        };
        let data = TaskData {
            text: item.text.as_str(),
            document: item.id,
        };
        let rendered = Rendered {
            document: item.id.to_owned(),
            data: serde_json::to_vec(&data)?,
            annotation: serde_json::to_vec(&annotation)?,
        };
        Ok((rendered, item.spans.len()))
    }

    fn append(&mut self, out: &mut dyn Write, rendered: Rendered) -> Result<(), ExportError> {
        if self.open_task.as_ref() == Some(&rendered.document) {
            out.write_all(b",")?;
        } else {
            if self.open_task.is_some() {
                out.write_all(b"]}")?;
            }
            self.tasks += 1;
            out.write_all(if self.tasks == 1 { b"[\n" } else { b",\n" })?;
            write!(out, "{{\"id\":{},\"data\":", self.tasks)?;
            out.write_all(&rendered.data)?;
            out.write_all(b",\"annotations\":[")?;
            self.open_task = Some(rendered.document);
        }
        out.write_all(&rendered.annotation)?;
        Ok(())
    }

    fn finish(
        &mut self,
        out: &mut dyn Write,
        _losses: &mut Vec<Loss>,
    ) -> Result<Vec<Sidecar>, ExportError> {
        if self.open_task.take().is_some() {
            out.write_all(b"]}")?;
        }
        out.write_all(if self.tasks == 0 { b"[]\n" } else { b"\n]\n" })?;
        out.flush()?;
        Ok(vec![(super::LABEL_STUDIO_CONFIG, self.config.clone())])
    }
}

/// A task's `data`; the task around it is `{"id", "data", "annotations"}`.
#[derive(Serialize)]
struct TaskData<'a> {
    text: &'a str,
    document: &'a str,
}

#[derive(Serialize)]
struct Annotation {
    result: Vec<ResultItem>,
    was_cancelled: bool,
    ground_truth: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    sorot_annotator: Option<String>,
}

/// A result item: a labeled region or a relation between two regions.
#[derive(Serialize)]
#[serde(untagged)]
enum ResultItem {
    Region(Region),
    PerRegion(PerRegion),
    Relation(RelationResult),
}

/// A value or an attribute of a region, from a per-region control.
#[derive(Serialize)]
struct PerRegion {
    id: String,
    from_name: String,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    origin: &'static str,
    value: PerRegionValue,
}

#[derive(Serialize)]
struct PerRegionValue {
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<[String; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choices: Option<[String; 1]>,
}

/// The name of the control that holds attribute `name` of `label` spans.
pub(crate) fn control_name(label: &str, name: &str) -> String {
    format!("{label}_{name}")
}

#[derive(Serialize)]
struct RelationResult {
    from_id: String,
    to_id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    direction: &'static str,
    labels: [String; 1],
}

#[derive(Serialize)]
struct Region {
    id: String,
    from_name: &'static str,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    origin: &'static str,
    value: RegionValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<RegionMeta>,
}

#[derive(Serialize)]
struct RegionValue {
    start: usize,
    end: usize,
    text: String,
    labels: [String; 1],
}

#[derive(Serialize)]
struct RegionMeta {
    text: [String; 1],
}

/// The labeling config for the exported labels, with the schema's colors.
fn labeling_config(schema: &Schema, labels: &[String]) -> String {
    let mut xml = String::from("<View>\n  <Labels name=\"label\" toName=\"text\">\n");
    for label in labels {
        let [r, g, b] = schema.color(label);
        xml.push_str(&format!(
            "    <Label value=\"{}\" background=\"#{r:02x}{g:02x}{b:02x}\"/>\n",
            escape_xml(label)
        ));
    }
    xml.push_str("  </Labels>\n");
    if !schema.relations.is_empty() {
        xml.push_str("  <Relations>\n");
        for relation in &schema.relations {
            xml.push_str(&format!(
                "    <Relation value=\"{}\"/>\n",
                escape_xml(&relation.name)
            ));
        }
        xml.push_str("  </Relations>\n");
    }
    xml.push_str("  <Text name=\"text\" value=\"$text\"/>\n");
    xml.push_str(
        "  <TextArea name=\"value\" toName=\"text\" perRegion=\"true\" visibleWhen=\"region-selected\" editable=\"true\" maxSubmissions=\"1\" placeholder=\"Normalized value\"/>\n",
    );
    for attribute in schema
        .attributes
        .iter()
        .filter(|a| labels.contains(&a.label))
    {
        let name = escape_xml(&control_name(&attribute.label, &attribute.name));
        let when = escape_xml(&attribute.label);
        if attribute.values.is_empty() {
            xml.push_str(&format!(
                "  <TextArea name=\"{name}\" toName=\"text\" perRegion=\"true\" visibleWhen=\"region-selected\" whenLabelValue=\"{when}\" editable=\"true\" maxSubmissions=\"1\" placeholder=\"{}\"/>\n",
                escape_xml(&attribute.name)
            ));
        } else {
            xml.push_str(&format!(
                "  <Choices name=\"{name}\" toName=\"text\" perRegion=\"true\" visibleWhen=\"region-selected\" whenLabelValue=\"{when}\" choice=\"single\">\n"
            ));
            for value in &attribute.values {
                xml.push_str(&format!("    <Choice value=\"{}\"/>\n", escape_xml(value)));
            }
            xml.push_str("  </Choices>\n");
        }
    }
    xml.push_str("</View>\n");
    xml
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
