//! Tests of open documents: commands, undo, saving, conflicts and
//! read-only files, on texts with curly quotes, an emoji and CRLF.

use super::*;
use crate::analysis::adjudicate::Taken;
use crate::model::Relation;

fn project_with(text: &[u8]) -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), text).unwrap();
    let project = Project::open(dir.path()).unwrap();
    (dir, project)
}

fn open(project: &Project) -> OpenDocument {
    OpenDocument::open(project, &project.docs()[0], "ayu").unwrap()
}

#[test]
fn a_rejected_suggestion_is_saved_undone_and_taken_back_by_labeling_it() {
    let (_dir, project) = project_with("“Kim” 😊 bertemu\r\nPutin".as_bytes());
    let schema = project.schema();
    let mut doc = open(&project);
    let reject = Command::RejectSuggestion {
        range: 17..22,
        label: "actor".into(),
    };
    doc.execute(schema, reject.clone()).unwrap();
    assert_eq!(doc.execute(schema, reject).unwrap(), Outcome::Unchanged);
    doc.save().unwrap();
    let saved = fs::read_to_string(doc.path()).unwrap();
    assert!(
        saved.contains("rejected: [\n        (start: 17, end: 22, label: \"actor\"),\n    ],"),
        "{saved}"
    );
    assert!(doc.spans().is_empty());
    assert_eq!(
        doc.status(),
        Status::NotStarted,
        "a rejection starts nothing"
    );
    assert!(!doc.is_started());
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(doc.annotations().rejected().count(), 0);
    doc.execute(schema, Command::Redo).unwrap();
    // Labeling the same span after all takes the rejection back, in one step.
    doc.execute(
        schema,
        Command::AddSpan {
            range: 17..22,
            label: "actor".into(),
        },
    )
    .unwrap();
    assert_eq!(doc.annotations().rejected().count(), 0);
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(doc.annotations().rejected().count(), 1);
    assert!(doc.spans().is_empty());
    // Rejecting what is labeled, outside the text or with a label the
    // schema lacks changes nothing.
    doc.execute(
        schema,
        Command::AddSpan {
            range: 1..4,
            label: "actor".into(),
        },
    )
    .unwrap();
    let reject = |range, label: &str| Command::RejectSuggestion {
        range,
        label: label.into(),
    };
    assert_eq!(
        doc.execute(schema, reject(1..4, "actor")).unwrap(),
        Outcome::Unchanged
    );
    assert!(doc.execute(schema, reject(20..99, "actor")).is_err());
    assert!(doc.execute(schema, reject(1..4, "media")).is_err());
    assert_eq!(doc.annotations().rejected().count(), 1);
}

#[test]
fn commands_edit_save_and_undo_through_one_path() {
    let (_dir, project) = project_with("“Kim” 😊 bertemu\r\nPutin".as_bytes());
    let schema = project.schema();
    let mut doc = open(&project);
    let outcome = doc
        .execute(
            schema,
            Command::AddSpan {
                range: 17..22,
                label: "actor".into(),
            },
        )
        .unwrap();
    assert_eq!(outcome, Outcome::Changed { select: Some(1) });
    assert_eq!(doc.spans()[0].text, "Putin");
    assert_eq!(doc.status(), Status::InProgress);
    doc.save().unwrap();
    let saved = fs::read_to_string(doc.path()).unwrap();
    assert!(
        saved.contains("(id: 1, start: 17, end: 22, label: \"actor\", text: \"Putin\")"),
        "{saved}"
    );

    doc.execute(schema, Command::Undo).unwrap();
    doc.save().unwrap();
    let reopened = open(&project);
    assert!(reopened.spans().is_empty());
    assert_eq!(reopened.status(), Status::NotStarted);

    assert_eq!(
        doc.execute(
            schema,
            Command::AddSpan {
                range: 0..3,
                label: "person".into()
            }
        ),
        Err(CommandError::UnknownLabel("person".into()))
    );
    assert_eq!(
        doc.execute(
            schema,
            Command::AddSpan {
                range: 20..40,
                label: "actor".into()
            }
        ),
        Err(CommandError::OutsideText { start: 20, end: 40 })
    );
}

#[test]
fn review_decisions_are_one_undo_step_and_persist_rejections() {
    let (_dir, project) = project_with(b"Kim tiba Rabu lalu");
    let schema = project.schema();
    let mut gold =
        OpenDocument::open(&project, &project.docs()[0], crate::analysis::review::GOLD).unwrap();
    assert!(gold.path().ends_with("annotations/_gold/a.txt.ron"));
    // Accept A's "Rabu lalu", reject B's "Rabu".
    gold.execute(
        schema,
        Command::Decide {
            accept: vec![Taken::plain(9..18, "date")],
            reject: vec![(9..13, "date".into())],
        },
    )
    .unwrap();
    gold.save().unwrap();
    let saved = fs::read_to_string(gold.path()).unwrap();
    assert!(saved.contains("text: \"Rabu lalu\""), "{saved}");
    assert!(
        saved.contains("rejected: [\n        (start: 9, end: 13, label: \"date\"),\n    ],"),
        "{saved}"
    );
    let reopened =
        OpenDocument::open(&project, &project.docs()[0], crate::analysis::review::GOLD).unwrap();
    assert_eq!(reopened.annotations().rejected().count(), 1);
    // Changing one's mind: accept B after all, then undo.
    gold.execute(
        schema,
        Command::Decide {
            accept: vec![Taken::plain(9..13, "date")],
            reject: vec![(9..18, "date".into())],
        },
    )
    .unwrap();
    assert_eq!(gold.spans().len(), 1);
    assert_eq!(gold.spans()[0].text, "Rabu");
    gold.execute(schema, Command::Undo).unwrap();
    assert_eq!(gold.spans()[0].text, "Rabu lalu");
    assert_eq!(
        gold.annotations().rejected().next().map(|r| r.end),
        Some(13)
    );
    gold.execute(schema, Command::Undo).unwrap();
    assert!(gold.spans().is_empty() && gold.annotations().rejected().count() == 0);
    assert_eq!(gold.status(), Status::NotStarted);
}

/// An accepted span comes into the gold set with its note, value and
/// attributes (a curly quote and an emoji before it).
#[test]
fn an_accepted_span_brings_its_details() {
    let (_dir, project) = project_with("“Kim” 😊 berkata Rabu".as_bytes());
    let schema = project.schema();
    let mut gold =
        OpenDocument::open(&project, &project.docs()[0], crate::analysis::review::GOLD).unwrap();
    let mut taken = Taken::plain(16..20, "date");
    taken.note = "the day of the talks".into();
    taken.value = "2023-09-13".into();
    let mut claim = Taken::plain(8..20, "claim");
    claim.attributes.insert("stance".into(), "reported".into());
    gold.execute(
        schema,
        Command::Decide {
            accept: vec![taken, claim],
            reject: Vec::new(),
        },
    )
    .unwrap();
    let date = gold.spans().iter().find(|s| s.label == "date").unwrap();
    assert_eq!(
        (date.text.as_str(), date.note.as_str(), date.value.as_str()),
        ("Rabu", "the day of the talks", "2023-09-13")
    );
    let claim = gold.spans().iter().find(|s| s.label == "claim").unwrap();
    assert_eq!(claim.attribute("stance"), "reported");
}

/// A span deleted from the gold set by hand is recorded as rejected, so
/// that adjudication does not bring it back; undo takes both back.
#[test]
fn a_span_deleted_from_the_gold_set_is_rejected() {
    let (_dir, project) = project_with("“Kim” 😊 berkata Rabu".as_bytes());
    let schema = project.schema();
    let mut gold =
        OpenDocument::open(&project, &project.docs()[0], crate::analysis::review::GOLD).unwrap();
    gold.execute(
        schema,
        Command::Decide {
            accept: vec![Taken::plain(1..4, "actor")],
            reject: Vec::new(),
        },
    )
    .unwrap();
    let id = gold.spans()[0].id;
    gold.execute(schema, Command::RemoveSpan(id)).unwrap();
    assert!(gold.spans().is_empty());
    assert_eq!(gold.annotations().rejected().count(), 1);
    gold.execute(schema, Command::Undo).unwrap();
    assert_eq!(gold.spans().len(), 1);
    assert_eq!(gold.annotations().rejected().count(), 0);
    // An annotator's deletion is only a deletion.
    let mut mine = open(&project);
    mine.execute(
        schema,
        Command::AddSpan {
            range: 1..4,
            label: "actor".into(),
        },
    )
    .unwrap();
    let id = mine.spans()[0].id;
    mine.execute(schema, Command::RemoveSpan(id)).unwrap();
    assert_eq!(mine.annotations().rejected().count(), 0);
}

/// The first document's gold set with an actor over 1..4 and a claim over
/// 8..20 accepted, and the claim's `source` relation to the actor (not yet
/// linked).
fn gold_claim_and_its_source(project: &Project) -> (OpenDocument, Relation) {
    let mut gold =
        OpenDocument::open(project, &project.docs()[0], crate::analysis::review::GOLD).unwrap();
    gold.execute(
        project.schema(),
        Command::Decide {
            accept: vec![Taken::plain(1..4, "actor"), Taken::plain(8..20, "claim")],
            reject: Vec::new(),
        },
    )
    .unwrap();
    let id = |label: &str| gold.spans().iter().find(|s| s.label == label).unwrap().id;
    let relation = Relation {
        from: id("claim"),
        to: id("actor"),
        kind: "source".into(),
    };
    (gold, relation)
}

/// Rejecting a gold span that has relations takes them away with it.
#[test]
fn rejecting_a_linked_span_unlinks_it() {
    let (_dir, project) = project_with("“Kim” 😊 berkata Rabu".as_bytes());
    let schema = project.schema();
    let (mut gold, relation) = gold_claim_and_its_source(&project);
    gold.execute(schema, Command::Link(relation)).unwrap();
    gold.execute(
        schema,
        Command::Decide {
            accept: Vec::new(),
            reject: vec![(1..4, "actor".into())],
        },
    )
    .unwrap();
    assert_eq!(gold.spans().len(), 1);
    assert_eq!(gold.annotations().relations().count(), 0);
    gold.execute(schema, Command::Undo).unwrap();
    assert_eq!(gold.annotations().relations().count(), 1);
}

/// A relation taken out of the gold set is remembered (in the file too):
/// adjudication does not bring it back, undo and linking again take the
/// record back.
#[test]
fn a_relation_unlinked_in_the_gold_set_stays_out() {
    use crate::analysis::adjudicate::{Strategy, propose};
    let (_dir, project) = project_with("“Kim” 😊 berkata Rabu\r\n".as_bytes());
    let schema = project.schema();
    let entry = &project.docs()[0];
    let (mut gold, relation) = gold_claim_and_its_source(&project);
    gold.execute(schema, Command::Link(relation.clone()))
        .unwrap();
    // Both sides have the two spans and the relation.
    let side = gold.annotations().clone();
    gold.execute(schema, Command::Unlink(relation.clone()))
        .unwrap();
    assert_eq!(gold.annotations().relations().count(), 0);
    let rejected: Vec<_> = gold.annotations().rejected_relations().cloned().collect();
    assert_eq!(
        rejected,
        [crate::model::RejectedRelation {
            from_start: 8,
            from_end: 20,
            from_label: "claim".into(),
            to_start: 1,
            to_end: 4,
            to_label: "actor".into(),
            kind: "source".into(),
        }]
    );
    let proposal = propose(&[&side, &side], gold.annotations(), Strategy::Agreements);
    assert!(proposal.relations.is_empty(), "{:?}", proposal.relations);
    // Saved and read again.
    gold.save().unwrap();
    let mut gold = OpenDocument::open(&project, entry, crate::analysis::review::GOLD).unwrap();
    assert_eq!(
        gold.annotations()
            .rejected_relations()
            .cloned()
            .collect::<Vec<_>>(),
        rejected
    );
    let proposal = propose(&[&side, &side], gold.annotations(), Strategy::Agreements);
    assert!(proposal.relations.is_empty());
    // Linking again takes the record back, and undo puts it back.
    gold.execute(schema, Command::Link(relation)).unwrap();
    assert_eq!(gold.annotations().rejected_relations().count(), 0);
    assert_eq!(gold.annotations().relations().count(), 1);
    gold.execute(schema, Command::Undo).unwrap();
    assert_eq!(gold.annotations().rejected_relations().count(), 1);
    assert_eq!(gold.annotations().relations().count(), 0);
}

/// A relation given another type is one undo step; the type must allow
/// its ends; in the gold set the old type is recorded as decided against.
#[test]
fn a_relation_retyped_is_one_undo_step_and_checked_against_the_schema() {
    let (_dir, project) = project_with("“Kim” 😊 berkata Rabu\r\n".as_bytes());
    let mut schema = project.schema().clone();
    schema.relations.push(crate::model::schema::RelationDef {
        name: "mentions".into(),
        from: "claim".into(),
        to: String::new(),
    });
    schema.relations.push(crate::model::schema::RelationDef {
        name: "quoted_by".into(),
        from: "actor".into(),
        to: "claim".into(),
    });
    let (mut gold, relation) = gold_claim_and_its_source(&project);
    gold.execute(&schema, Command::Link(relation.clone()))
        .unwrap();
    let retype = |kind: &str| Command::RetypeRelation {
        relation: relation.clone(),
        kind: kind.into(),
    };
    // A type whose ends are other labels is refused, and nothing changes.
    assert!(matches!(
        gold.execute(&schema, retype("quoted_by")),
        Err(CommandError::RelationEnds { .. })
    ));
    assert!(matches!(
        gold.execute(&schema, retype("nonsense")),
        Err(CommandError::UnknownLabel(_))
    ));
    assert_eq!(
        gold.execute(&schema, retype("source")),
        Ok(Outcome::Unchanged)
    );
    let before = gold.annotations().clone();
    let kinds = |gold: &OpenDocument| -> Vec<String> {
        gold.annotations()
            .relations()
            .map(|r| r.kind.clone())
            .collect()
    };
    let rejected = |gold: &OpenDocument| -> Vec<String> {
        gold.annotations()
            .rejected_relations()
            .map(|r| r.kind.clone())
            .collect()
    };
    gold.execute(&schema, retype("mentions")).unwrap();
    assert_eq!(kinds(&gold), ["mentions"]);
    assert_eq!(rejected(&gold), ["source"]);
    // Back to the old type: the record of it goes, the new one is made.
    let mentions = gold.annotations().relations().next().unwrap().clone();
    gold.execute(
        &schema,
        Command::RetypeRelation {
            relation: mentions,
            kind: "source".into(),
        },
    )
    .unwrap();
    assert_eq!(rejected(&gold), ["mentions"]);
    gold.execute(&schema, Command::Undo).unwrap();
    gold.execute(&schema, Command::Undo).unwrap();
    assert_eq!(*gold.annotations(), before);
}

#[test]
fn relations_link_claims_to_actors_and_go_with_a_deleted_span() {
    let (_dir, project) = project_with("“Kim” berkata 😊 Putin datang".as_bytes());
    let schema = project.schema();
    let mut doc = open(&project);
    doc.execute(
        schema,
        Command::AddSpan {
            range: 1..4,
            label: "actor".into(),
        },
    )
    .unwrap();
    doc.execute(
        schema,
        Command::AddSpan {
            range: 16..28,
            label: "claim".into(),
        },
    )
    .unwrap();
    doc.execute(
        schema,
        Command::AddSpan {
            range: 16..21,
            label: "actor".into(),
        },
    )
    .unwrap();
    let (kim, claim, putin) = (1, 2, 3);
    let source = Relation {
        from: claim,
        to: kim,
        kind: "source".into(),
    };
    doc.execute(schema, Command::Link(source.clone())).unwrap();
    doc.execute(
        schema,
        Command::Link(Relation {
            from: claim,
            to: putin,
            kind: "target".into(),
        }),
    )
    .unwrap();
    // A source goes from a claim to an actor, not the other way.
    assert!(matches!(
        doc.execute(
            schema,
            Command::Link(Relation {
                from: kim,
                to: claim,
                kind: "source".into()
            })
        ),
        Err(CommandError::RelationEnds { .. })
    ));
    doc.save().unwrap();
    let saved = fs::read_to_string(doc.path()).unwrap();
    assert!(saved.contains("relations: [\n        (from: 2, to: 1, kind: \"source\"),\n        (from: 2, to: 3, kind: \"target\"),\n    ],"), "{saved}");
    assert_eq!(open(&project).annotations().relations().count(), 2);

    // Deleting Kim deletes the source relation; one undo brings both back.
    doc.execute(schema, Command::RemoveSpan(kim)).unwrap();
    assert_eq!(doc.annotations().relations().count(), 1);
    doc.execute(schema, Command::Undo).unwrap();
    assert!(doc.annotations().get(kim).is_some());
    assert!(doc.annotations().relations().any(|r| *r == source));

    // A file whose relation names a missing span opens read-only.
    let broken = saved.replace("(from: 2, to: 1,", "(from: 2, to: 9,");
    fs::write(doc.path(), broken).unwrap();
    assert!(!open(&project).is_editable());
}

#[test]
fn attributes_are_set_checked_saved_and_undone() {
    let (_dir, project) = project_with("“Kami siap,” kata Kim.".as_bytes());
    let schema = project.schema();
    let mut doc = open(&project);
    doc.execute(
        schema,
        Command::AddSpan {
            range: 1..10,
            label: "claim".into(),
        },
    )
    .unwrap();
    doc.execute(
        schema,
        Command::AddSpan {
            range: 18..21,
            label: "actor".into(),
        },
    )
    .unwrap();
    let set = |name: &str, value: &str, id| Command::SetAttribute {
        id,
        name: name.into(),
        value: value.into(),
    };
    doc.execute(schema, set("stance", "asserted", 1)).unwrap();
    doc.execute(schema, set("quote", "yes", 1)).unwrap();
    doc.execute(schema, set("value", "Kim Jong Un", 2)).unwrap();
    assert!(matches!(
        doc.execute(schema, set("stance", "maybe", 1)),
        Err(CommandError::AttributeValue { .. })
    ));
    assert!(matches!(
        doc.execute(schema, set("stance", "asserted", 2)),
        Err(CommandError::UnknownAttribute { .. })
    ));
    doc.save().unwrap();
    let saved = fs::read_to_string(doc.path()).unwrap();
    assert!(
        saved.contains("attributes: {\"quote\": \"yes\", \"stance\": \"asserted\"}"),
        "{saved}"
    );
    assert!(
        saved.contains("text: \"Kim\", value: \"Kim Jong Un\")"),
        "{saved}"
    );
    assert_eq!(open(&project).spans()[0].attribute("stance"), "asserted");
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(doc.spans()[1].value, "");
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(doc.spans()[0].attribute("quote"), "");
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_silently() {
    let (_dir, project) = project_with(b"Kim met Putin");
    let schema = project.schema();
    let mut doc = open(&project);
    doc.execute(
        schema,
        Command::AddSpan {
            range: 0..3,
            label: "actor".into(),
        },
    )
    .unwrap();
    doc.save().unwrap();
    // Someone else's version arrives (a git pull).
    let mut theirs = open(&project);
    theirs
        .execute(
            schema,
            Command::AddSpan {
                range: 8..13,
                label: "actor".into(),
            },
        )
        .unwrap();
    theirs.save().unwrap();
    let theirs_bytes = fs::read(doc.path()).unwrap();

    doc.execute(schema, Command::SetStatus(Status::Done))
        .unwrap();
    assert!(matches!(doc.save(), Err(SaveError::Conflict { .. })));
    assert_eq!(fs::read(doc.path()).unwrap(), theirs_bytes);

    doc.reload(schema);
    assert_eq!(doc.spans().len(), 2);
    doc.execute(schema, Command::SetStatus(Status::Done))
        .unwrap();
    doc.save().unwrap();
    assert_eq!(open(&project).status(), Status::Done);
}

#[test]
fn a_document_opened_to_read_has_the_same_spans_and_never_saves() {
    let (_dir, project) = project_with("“Kim” 😊 met\r\nPutin".as_bytes());
    let schema = project.schema();
    let entry = &project.docs()[0];
    // No annotation file yet: nothing annotated, as for `open`.
    let unannotated = OpenDocument::open_to_read(&project, entry, "ayu").unwrap();
    assert!(unannotated.is_editable() && unannotated.spans().is_empty());

    let mut doc = open(&project);
    doc.execute(
        schema,
        Command::AddSpan {
            range: 1..4,
            label: "actor".into(),
        },
    )
    .unwrap();
    doc.save().unwrap();
    let saved = fs::read(doc.path()).unwrap();

    let mut read = OpenDocument::open_to_read(&project, entry, "ayu").unwrap();
    assert_eq!(read.spans(), open(&project).spans());
    assert_eq!(read.spans()[0].text, "Kim");
    read.execute(
        schema,
        Command::AddSpan {
            range: 11..16,
            label: "actor".into(),
        },
    )
    .unwrap();
    assert!(read.save_job(false).is_none() && read.save_job(true).is_none());
    read.save().unwrap();
    assert_eq!(fs::read(doc.path()).unwrap(), saved);
}

#[test]
fn a_changed_text_opens_read_only_with_spans_flagged() {
    let (dir, project) = project_with(b"Kim met Putin");
    let schema = project.schema();
    let mut doc = open(&project);
    doc.execute(
        schema,
        Command::AddSpan {
            range: 8..13,
            label: "actor".into(),
        },
    )
    .unwrap();
    doc.save().unwrap();
    let before = fs::read(doc.path()).unwrap();
    fs::write(dir.path().join("a.txt"), b"Kim Jong Un met Putin").unwrap();

    let mut doc = open(&project);
    assert!(!doc.is_editable());
    assert!(doc.is_flagged(1));
    let Access::ReadOnly { reason } = doc.access() else {
        unreachable!()
    };
    assert!(
        reason.contains("changed since these annotations were made"),
        "{reason}"
    );
    assert!(matches!(
        doc.execute(schema, Command::RemoveSpan(1)),
        Err(CommandError::ReadOnly(_))
    ));
    doc.save_overwriting().unwrap();
    assert_eq!(fs::read(doc.path()).unwrap(), before);
}

#[test]
fn bad_annotation_files_open_read_only_and_stay_untouched() {
    let (_dir, project) = project_with("“Kim” 😊\r\nPutin".as_bytes());
    let schema = project.schema();
    let mut doc = open(&project);
    doc.execute(
        schema,
        Command::AddSpan {
            range: 9..14,
            label: "actor".into(),
        },
    )
    .unwrap();
    doc.save().unwrap();
    let good = fs::read_to_string(doc.path()).unwrap();
    let cases = [
        (good.replace("end: 14", "end: 40"), "lies outside the text"),
        (
            good.replace("status: InProgress", "status: Sideways"),
            ":8:",
        ),
        (
            good.replace("format_version: 2", "format_version: 3"),
            "newer than this Sorot reads",
        ),
        (
            good.replace("text: \"Putin\"", "text: \"Putim\""),
            "but the text there is",
        ),
    ];
    for (content, expected) in cases {
        fs::write(doc.path(), &content).unwrap();
        let mut bad = open(&project);
        let Access::ReadOnly { reason } = bad.access() else {
            panic!("editable with {content}")
        };
        assert!(reason.contains(expected), "{reason}");
        assert!(reason.contains("a.txt.ron"), "{reason}");
        assert!(
            bad.execute(schema, Command::SetStatus(Status::Done))
                .is_err()
        );
        bad.save().unwrap();
        bad.save_overwriting().unwrap();
        assert_eq!(fs::read_to_string(doc.path()).unwrap(), content);
    }
}

#[test]
fn an_annotation_path_that_cannot_be_read_opens_read_only_and_is_listed() {
    let (_dir, project) = project_with("“Kim” 😊\r\nPutin".as_bytes());
    // A folder where the annotation file belongs.
    let path = project.annotation_path("ayu", "a.txt");
    fs::create_dir_all(&path).unwrap();
    for doc in [
        open(&project),
        OpenDocument::open_to_read(&project, &project.docs()[0], "ayu").unwrap(),
    ] {
        let Access::ReadOnly { reason } = doc.access() else {
            panic!("a folder opened as an empty annotation file")
        };
        assert!(reason.contains("a.txt.ron"), "{reason}");
    }
    let summaries = project.summaries("ayu");
    let error = summaries["a.txt"].error.as_deref().unwrap_or_default();
    assert!(error.contains("a.txt.ron"), "{error}");
    assert!(path.is_dir());
}

#[test]
fn unreadable_texts_are_errors_that_name_the_file_with_the_reason_as_cause() {
    let (dir, project) = project_with(b"ab\xffc");
    let err = OpenDocument::open(&project, &project.docs()[0], "ayu").unwrap_err();
    assert_eq!(
        err.to_string(),
        dir.path().join("a.txt").display().to_string()
    );
    let chain = error_chain(&err);
    assert!(
        chain.contains("a.txt: not UTF-8") && chain.contains("line 1, column 3"),
        "{chain}"
    );
    let (_dir, project) = project_with(b"");
    let err = OpenDocument::open(&project, &project.docs()[0], "ayu").unwrap_err();
    let chain = error_chain(&err);
    assert!(chain.contains("a.txt: the text is empty"), "{chain}");
}

/// The document `a.txt` of `project`, as ayu annotated it.
fn open_a(project: &crate::testing::TestProject) -> (Project, OpenDocument) {
    let opened = project.open();
    let doc = OpenDocument::open(&opened, opened.doc("a.txt").unwrap(), "ayu").unwrap();
    (opened, doc)
}

/// The document's spans in the markup notation.
fn rendered(doc: &OpenDocument) -> String {
    crate::model::markup::render(doc.text.as_str(), doc.spans())
}

/// A claim about Kim, linked to him, whose actor span stops short of “Un”.
const SHORT_NAME: &str = "“[[Kim Jong|actor] Un” 😊 tiba|claim]\r\n[Putin|actor] berkata";

#[test]
fn a_resized_span_keeps_its_id_details_and_relations_and_undoes_in_one_step() {
    let project = crate::testing::TestProject::new().annotated("ayu", "a.txt", SHORT_NAME);
    let (opened, mut doc) = open_a(&project);
    let schema = opened.schema();
    let kim = doc.spans()[0].clone();
    assert_eq!((kim.id, kim.text.as_str()), (1, "Kim Jong"));
    let claim = doc.spans()[1].id;
    for command in [
        Command::SetNote {
            id: kim.id,
            note: "pemimpin Korea Utara".into(),
        },
        Command::SetAttribute {
            id: kim.id,
            name: "value".into(),
            value: "Kim Jong Un".into(),
        },
        Command::Link(Relation {
            from: claim,
            to: kim.id,
            kind: "source".into(),
        }),
    ] {
        doc.execute(schema, command).unwrap();
    }
    let before = doc.annotations().clone();
    // Grown by a word, shrunk by one, grown again: three moves, one step.
    let resize = |range| Command::ResizeSpan { id: kim.id, range };
    for range in [1..12, 1..9, 1..12] {
        assert_eq!(
            doc.execute(schema, resize(range)).unwrap(),
            Outcome::Changed { select: Some(1) }
        );
    }
    assert_eq!(
        rendered(&doc),
        "“[[Kim Jong Un|actor]” 😊 tiba|claim]\r\n[Putin|actor] berkata"
    );
    let grown = doc.annotations().get(kim.id).unwrap();
    assert_eq!(grown.note, "pemimpin Korea Utara");
    assert_eq!(grown.value, "Kim Jong Un");
    assert_eq!(doc.annotations().relations_of(kim.id).len(), 1);
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(doc.annotations(), &before, "one undo takes all three back");
    doc.execute(schema, Command::Redo).unwrap();
    assert_eq!(doc.annotations().get(kim.id).unwrap().text, "Kim Jong Un");
    // After a redo a move is a step of its own; moving back to where the
    // step started leaves nothing to undo for it.
    doc.execute(schema, resize(2..12)).unwrap();
    doc.execute(schema, resize(1..12)).unwrap();
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(doc.annotations(), &before);
    doc.save().unwrap();
    assert_eq!(
        project.rendered("ayu", "a.txt"),
        "“[[Kim Jong|actor] Un” 😊 tiba|claim]\r\n[Putin|actor] berkata"
    );

    // Onto another actor, outside the text, or empty: refused, unchanged.
    assert_eq!(
        doc.execute(schema, resize(1..30)),
        Err(CommandError::Overlap {
            label: "actor".into(),
            id: 3,
            text: "Putin".into()
        })
    );
    assert!(doc.execute(schema, resize(1..99)).is_err());
    assert!(doc.execute(schema, resize(4..4)).is_err());
    assert_eq!(doc.annotations(), &before);
}

#[test]
fn a_second_span_of_a_label_over_the_first_is_refused_or_replaces_it() {
    let project = crate::testing::TestProject::new().annotated("ayu", "a.txt", SHORT_NAME);
    let (opened, mut doc) = open_a(&project);
    let schema = opened.schema();
    doc.execute(
        schema,
        Command::SetNote {
            id: 1,
            note: "pemimpin".into(),
        },
    )
    .unwrap();
    let add = |range: std::ops::Range<usize>, label: &str| Command::AddSpan {
        range,
        label: label.into(),
    };
    // “Kim Jong Un” over the actor “Kim Jong”, and “Jong” inside it.
    for range in [1..12, 5..9] {
        assert_eq!(
            doc.execute(schema, add(range, "actor")),
            Err(CommandError::Overlap {
                label: "actor".into(),
                id: 1,
                text: "Kim Jong".into()
            })
        );
    }
    // Another label nests freely; relabeling onto an actor's place is refused.
    doc.execute(schema, add(5..9, "location")).unwrap();
    let location = doc
        .spans()
        .iter()
        .find(|s| s.label == "location")
        .unwrap()
        .id;
    assert!(matches!(
        doc.execute(
            schema,
            Command::Relabel {
                id: location,
                label: "actor".into()
            }
        ),
        Err(CommandError::Overlap { .. })
    ));
    doc.execute(schema, Command::RemoveSpan(location)).unwrap();
    // Replacing keeps the old span's id and note.
    let outcome = doc
        .execute(
            schema,
            Command::Replace {
                range: 1..12,
                label: "actor".into(),
            },
        )
        .unwrap();
    assert_eq!(outcome, Outcome::Changed { select: Some(1) });
    assert_eq!(
        rendered(&doc),
        "“[[Kim Jong Un|actor]” 😊 tiba|claim]\r\n[Putin|actor] berkata"
    );
    assert_eq!(doc.annotations().get(1).unwrap().note, "pemimpin");
    // Over two actors: the first takes the range, the second goes.
    doc.execute(
        schema,
        Command::Replace {
            range: 1..27,
            label: "actor".into(),
        },
    )
    .unwrap();
    assert_eq!(
        rendered(&doc),
        "“[[Kim Jong Un” 😊 tiba|claim]\r\nPutin|actor] berkata"
    );
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(doc.spans().len(), 3);

    // Where the schema lets actors overlap, nothing is refused.
    project.write(
        "sorot.ron",
        r#"(schema: (labels: [(name: "actor", overlap: (same_label: true)), (name: "claim")]))"#,
    );
    let (opened, mut doc) = open_a(&project);
    doc.execute(opened.schema(), add(5..9, "actor")).unwrap();
    assert_eq!(doc.spans().len(), 4);
}

/// The code-point range of the `nth` occurrence of `needle` in `text`.
fn occurrence(text: &str, needle: &str, nth: usize) -> std::ops::Range<usize> {
    let (byte, _) = text.match_indices(needle).nth(nth).unwrap();
    let start = text[..byte].chars().count();
    start..start + needle.chars().count()
}

fn suggestion(range: std::ops::Range<usize>, label: &str) -> crate::analysis::suggest::Suggestion {
    crate::analysis::suggest::Suggestion {
        start: range.start,
        end: range.end,
        label: label.into(),
        value: None,
    }
}

#[test]
fn accepting_suggestions_at_once_adds_no_duplicate_or_overlap_and_undoes_exactly() {
    let text = "“Kim” 😊 bertemu\r\nPutin di Vostochny; Kim Jong Un lagi, Putin.";
    let (_dir, project) = project_with(text.as_bytes());
    let schema = project.schema();
    let mut doc = open(&project);
    let kim = occurrence(text, "Kim", 0);
    doc.execute(
        schema,
        Command::AddSpan {
            range: kim.clone(),
            label: "actor".into(),
        },
    )
    .unwrap();
    let putin = occurrence(text, "Putin", 1);
    doc.execute(
        schema,
        Command::RejectSuggestion {
            range: putin.clone(),
            label: "actor".into(),
        },
    )
    .unwrap();
    let before = doc.annotations().clone();
    let quoted = occurrence(text, "“Kim”", 0);
    let first_putin = occurrence(text, "Putin", 0);
    let putin_di = occurrence(text, "Putin di", 0);
    let vostochny = occurrence(text, "Vostochny", 0);
    let kim_jong_un = occurrence(text, "Kim Jong Un", 0);
    let jong = occurrence(text, "Jong", 0);
    let mut date = suggestion(occurrence(text, "lagi", 0), "date");
    date.value = Some("2024".into());
    let items = vec![
        suggestion(kim.clone(), "actor"),         // held already
        suggestion(quoted, "actor"),              // overlaps the held Kim
        suggestion(putin_di, "actor"),            // overlaps Putin, added before it
        suggestion(first_putin.clone(), "actor"), // added
        suggestion(vostochny.clone(), "location"),
        suggestion(vostochny.clone(), "location"), // the same again
        suggestion(kim_jong_un.clone(), "actor"),
        suggestion(jong, "actor"), // inside Kim Jong Un, added before it
        suggestion(putin.clone(), "actor"), // rejected before: taken back
        date,
        suggestion(vostochny.clone(), "nope"), // not in the schema
        suggestion(1000..1005, "actor"),       // outside the text
        suggestion(3..3, "actor"),             // empty
    ];
    let outcome = doc
        .execute(schema, Command::AcceptSuggestions(items))
        .unwrap();
    assert_eq!(outcome, Outcome::Changed { select: None });
    let placed: Vec<(std::ops::Range<usize>, &str, &str)> = doc
        .spans()
        .iter()
        .map(|s| (s.range(), s.label.as_str(), s.value.as_str()))
        .collect();
    assert_eq!(
        placed,
        vec![
            (kim.clone(), "actor", ""),
            (first_putin, "actor", ""),
            (vostochny, "location", ""),
            (kim_jong_un, "actor", ""),
            (occurrence(text, "lagi", 0), "date", "2024"),
            (putin, "actor", ""),
        ]
    );
    assert_eq!(doc.annotations().rejected().count(), 0);
    for pair in doc.spans().windows(2) {
        assert!(pair[0].range() != pair[1].range() || pair[0].label != pair[1].label);
    }
    assert!(super::checks::overlaps(doc.spans(), schema).is_empty());
    let after = doc.annotations().clone();
    // One undo takes every one of them back, and the rejection with them.
    doc.execute(schema, Command::Undo).unwrap();
    assert_eq!(*doc.annotations(), before);
    doc.execute(schema, Command::Redo).unwrap();
    assert_eq!(*doc.annotations(), after);
    // Nothing left to accept changes nothing.
    let again = vec![suggestion(kim, "actor")];
    assert_eq!(
        doc.execute(schema, Command::AcceptSuggestions(again))
            .unwrap(),
        Outcome::Unchanged
    );
}

#[test]
fn many_suggestions_accepted_at_once_are_what_accepting_each_in_turn_gives() {
    let text = "Kim bertemu Putin di Vostochny. ".repeat(60);
    let (_dir, project) = project_with(text.as_bytes());
    let schema = project.schema();
    let mut one_by_one = open(&project);
    let mut at_once = open(&project);
    // Spans held among the suggestions: every third Putin.
    for nth in (0..60).step_by(3) {
        for doc in [&mut one_by_one, &mut at_once] {
            doc.execute(
                schema,
                Command::AddSpan {
                    range: occurrence(&text, "Putin", nth),
                    label: "actor".into(),
                },
            )
            .unwrap();
        }
    }
    let mut items = Vec::new();
    for nth in 0..60 {
        items.push(suggestion(occurrence(&text, "Kim", nth), "actor"));
        items.push(suggestion(occurrence(&text, "Putin", nth), "actor"));
        items.push(suggestion(occurrence(&text, "Vostochny", nth), "location"));
    }
    items.reverse();
    let before = at_once.annotations().clone();
    at_once
        .execute(schema, Command::AcceptSuggestions(items.clone()))
        .unwrap();
    items.sort();
    for item in items {
        let _ = one_by_one.execute(
            schema,
            Command::AddWithValue {
                range: item.start..item.end,
                label: item.label,
                value: String::new(),
            },
        );
    }
    assert_eq!(at_once.spans(), one_by_one.spans());
    assert_eq!(at_once.spans().len(), 180);
    at_once.execute(schema, Command::Undo).unwrap();
    assert_eq!(*at_once.annotations(), before);
}

/// A document opened again never has a revision it or another document had:
/// views that cache by revision lay it out anew. Revisions only grow.
#[test]
fn revisions_are_never_shared_and_only_grow() {
    let (_dir, project) = project_with("“Kim” 😊 berkata Rabu\r\n".as_bytes());
    let mut first = open(&project);
    let second = open(&project);
    assert_ne!(first.revision(), second.revision());
    let before = first.revision();
    first
        .execute(
            project.schema(),
            Command::AddSpan {
                range: 1..4,
                label: "actor".into(),
            },
        )
        .unwrap();
    assert!(first.revision() > before);
    assert_ne!(first.revision(), second.revision());
    assert!(first.is_dirty());
    assert!(!second.is_dirty());
}

#[test]
fn a_job_rendered_early_writes_what_it_would_have_and_still_sees_a_conflict() {
    let (_dir, project) = project_with("“Kim” 😊 bertemu\r\nPutin".as_bytes());
    let schema = project.schema();
    let mut doc = open(&project);
    let add = |doc: &mut OpenDocument, range: std::ops::Range<usize>| {
        doc.execute(
            schema,
            Command::AddSpan {
                range,
                label: "actor".into(),
            },
        )
        .unwrap();
    };
    add(&mut doc, 1..4);
    let rendered = doc.save_job(false).unwrap().rendered();
    assert!(matches!(rendered.content, Content::Ron(_)));
    let revision = rendered.revision;
    let expected = doc.save_job(false).unwrap().content.ron().into_owned();
    assert!(expected.contains("text: \"Kim\""), "{expected}");
    let written = SaveJob::run_batch(vec![rendered]).unwrap();
    assert_eq!(fs::read_to_string(doc.path()).unwrap(), expected);
    let fingerprint = store::fingerprint(expected.as_bytes());
    assert!(
        matches!(written.as_slice(), [Ok(f)] if *f == fingerprint),
        "{written:?}"
    );
    // Taken as saved, then changed here and on disk: the rendered job
    // checks the disk as the job would have.
    doc.finish_save(revision, written.into_iter().next().unwrap())
        .unwrap();
    add(&mut doc, 17..22);
    let rendered = doc.save_job(false).unwrap().rendered();
    fs::write(doc.path(), "changed elsewhere").unwrap();
    let outcome = SaveJob::run_batch(vec![rendered]).unwrap();
    assert!(
        matches!(outcome.as_slice(), [Err(SaveError::Conflict { .. })]),
        "{outcome:?}"
    );
    assert_eq!(fs::read_to_string(doc.path()).unwrap(), "changed elsewhere");
    // Run alone, and rendered to overwrite ("keep mine"), it writes what
    // the document holds.
    let expected = doc.save_job(true).unwrap().content.ron().into_owned();
    let fingerprint = doc.save_job(true).unwrap().rendered().run().unwrap();
    assert_eq!(fs::read_to_string(doc.path()).unwrap(), expected);
    assert_eq!(fingerprint, store::fingerprint(expected.as_bytes()));
    assert!(expected.contains("text: \"Putin\""), "{expected}");
}
