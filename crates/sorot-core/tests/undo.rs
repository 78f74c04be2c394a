//! Undo and redo over random sequences of commands on an open document.
//!
//! An **op** is a command drawn at random with its spans and relations named
//! by position (the third span, the first relation) and resolved against the
//! document when it runs, so that most ops hit something that exists; ranges
//! may fall outside the text and labels outside the schema, so some are
//! refused. The text has a curly quote, an emoji and CRLF line ends.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sorot_core::analysis::adjudicate::Taken;
use sorot_core::model::{Annotations, Relation, Status};
use sorot_core::project::document::{Command, OpenDocument, Outcome};
use sorot_core::testing::TestProject;

/// ayu's annotations before any op: spans over the quote, the emoji and the
/// line ends, one with a note, a claim with its source and an attribute.
const START: &str =
    "“[[Kim Jong Un|actor]” 😊 tiba|claim]\r\ndi [Vostochny|location], kata [KCNA|actor].\r\n";

const LABELS: [&str; 5] = ["actor", "location", "date", "claim", "nolabel"];
const ATTRIBUTES: [(&str, &str); 6] = [
    ("value", "Kim Jong Un"),
    ("value", ""),
    ("stance", "reported"),
    ("stance", "unknown"),
    ("quote", "no"),
    ("quote", ""),
];
const KINDS: [&str; 3] = ["source", "target", "nokind"];
const NOTES: [&str; 3] = ["", "nama lengkap", "“dikutip” 😊\r\n"];

/// A command with spans and relations named by position; see the module docs.
#[derive(Debug, Clone)]
enum Op {
    Add {
        start: usize,
        len: usize,
        label: usize,
    },
    AddWithValue {
        start: usize,
        len: usize,
        label: usize,
    },
    Remove(usize),
    Relabel(usize, usize),
    SetNote(usize, usize),
    SetAttribute(usize, usize),
    SetStatus(usize),
    Reject {
        start: usize,
        len: usize,
        label: usize,
    },
    Link(usize, usize, usize),
    Unlink(usize),
    Decide {
        accept: (usize, usize, usize),
        reject: usize,
    },
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    // Ranges reach a little past the text, which has 48 characters; most are
    // a few fixed ones, so that ops meet the same range again (a suggestion
    // rejected, then the span made after all).
    const FIXED: [(usize, usize); 8] = [
        (1, 11),  // Kim Jong Un
        (1, 19),  // up to the first line end
        (15, 1),  // the emoji
        (20, 2),  // the first CRLF
        (25, 9),  // Vostochny
        (41, 4),  // KCNA
        (0, 48),  // all of it
        (45, 10), // past the end
    ];
    let range = move || {
        (
            prop_oneof![
                3 => proptest::sample::select(&FIXED[..]),
                1 => (0usize..50, 0usize..14),
            ],
            0usize..LABELS.len(),
        )
            .prop_map(|((start, len), label)| (start, len, label))
    };
    prop_oneof![
        3 => range().prop_map(|(start, len, label)| Op::Add { start, len, label }),
        1 => range().prop_map(|(start, len, label)| Op::AddWithValue { start, len, label }),
        2 => any::<usize>().prop_map(Op::Remove),
        2 => (any::<usize>(), 0..LABELS.len()).prop_map(|(s, l)| Op::Relabel(s, l)),
        1 => (any::<usize>(), 0..NOTES.len()).prop_map(|(s, n)| Op::SetNote(s, n)),
        2 => (any::<usize>(), 0..ATTRIBUTES.len()).prop_map(|(s, a)| Op::SetAttribute(s, a)),
        1 => (0usize..3).prop_map(Op::SetStatus),
        1 => range().prop_map(|(start, len, label)| Op::Reject { start, len, label }),
        2 => (any::<usize>(), any::<usize>(), 0..KINDS.len()).prop_map(|(f, t, k)| Op::Link(f, t, k)),
        1 => any::<usize>().prop_map(Op::Unlink),
        1 => (range(), any::<usize>()).prop_map(|(accept, reject)| Op::Decide { accept, reject }),
        2 => Just(Op::Undo),
        1 => Just(Op::Redo),
    ]
}

/// The command `op` stands for in the current state of `document`.
fn command(document: &OpenDocument, op: &Op) -> Command {
    let spans = document.spans();
    // The span at a position, or an id no span has when there are none.
    let span = |i: usize| spans.get(i % spans.len().max(1)).map_or(999, |s| s.id);
    let relations: Vec<Relation> = document.annotations().relations().cloned().collect();
    let range = |start: usize, len: usize| start..start + len;
    match *op {
        Op::Add { start, len, label } => Command::AddSpan {
            range: range(start, len),
            label: LABELS[label].into(),
        },
        Op::AddWithValue { start, len, label } => Command::AddWithValue {
            range: range(start, len),
            label: LABELS[label].into(),
            value: "2023-09-13".into(),
        },
        Op::Remove(i) => Command::RemoveSpan(span(i)),
        Op::Relabel(i, label) => Command::Relabel {
            id: span(i),
            label: LABELS[label].into(),
        },
        Op::SetNote(i, note) => Command::SetNote {
            id: span(i),
            note: NOTES[note].into(),
        },
        Op::SetAttribute(i, attribute) => Command::SetAttribute {
            id: span(i),
            name: ATTRIBUTES[attribute].0.into(),
            value: ATTRIBUTES[attribute].1.into(),
        },
        Op::SetStatus(i) => {
            Command::SetStatus([Status::NotStarted, Status::InProgress, Status::Done][i])
        }
        Op::Reject { start, len, label } => Command::RejectSuggestion {
            range: range(start, len),
            label: LABELS[label].into(),
        },
        Op::Link(from, to, kind) => Command::Link(Relation {
            from: span(from),
            to: span(to),
            kind: KINDS[kind].into(),
        }),
        Op::Unlink(i) => match relations.get(i % relations.len().max(1)) {
            Some(relation) => Command::Unlink(relation.clone()),
            None => Command::Unlink(Relation {
                from: 1,
                to: 2,
                kind: "source".into(),
            }),
        },
        Op::Decide {
            accept: (start, len, label),
            reject,
        } => Command::Decide {
            accept: vec![Taken::plain(range(start, len), LABELS[label])],
            reject: spans
                .get(reject % spans.len().max(1))
                .map(|s| (s.range(), s.label.clone()))
                .into_iter()
                .collect(),
        },
        Op::Undo => Command::Undo,
        Op::Redo => Command::Redo,
    }
}

/// Runs a command until it changes nothing more; gives how many times it changed something.
fn repeat(
    document: &mut OpenDocument,
    schema: &sorot_core::model::schema::Schema,
    command: Command,
) -> Result<usize, TestCaseError> {
    let mut steps = 0;
    loop {
        let can = match command {
            Command::Undo => document.can_undo(),
            _ => document.can_redo(),
        };
        if !can {
            return Ok(steps);
        }
        document
            .execute(schema, command.clone())
            .map_err(|e| TestCaseError::fail(format!("{command:?}: {e}")))?;
        steps += 1;
        prop_assert!(steps < 10_000, "{command:?} never ends");
    }
}

#[test]
fn undoing_everything_restores_the_annotations_and_redoing_everything_replays_them() {
    let project = TestProject::new().annotated("ayu", "a.txt", START);
    // Span 2 is the claim, 1 Kim Jong Un.
    project.edit(
        "ayu",
        "a.txt",
        [
            Command::Link(Relation {
                from: 2,
                to: 1,
                kind: "source".into(),
            }),
            Command::SetNote {
                id: 1,
                note: "nama lengkap".into(),
            },
            Command::SetAttribute {
                id: 2,
                name: "stance".into(),
                value: "reported".into(),
            },
        ],
    );
    let opened = project.open();
    let schema = opened.schema();
    let initial: Annotations = OpenDocument::open(&opened, &opened.docs()[0], "ayu")
        .unwrap()
        .annotations()
        .clone();
    assert_eq!(initial.relations().count(), 1);

    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    // Commands that changed something, per kind, over all cases: the ops
    // must reach every kind of change, not only refusals.
    let changed = std::cell::RefCell::new(std::collections::BTreeSet::new());
    let result = runner.run(&proptest::collection::vec(op(), 0..40), |ops| {
        let mut document = OpenDocument::open(&opened, &opened.docs()[0], "ayu").unwrap();
        for op in &ops {
            let before = document.annotations().clone();
            let command = command(&document, op);
            let kind = format!("{command:?}");
            let kind = kind.split([' ', '(']).next().unwrap_or_default().to_owned();
            let outcome = document.execute(schema, command);
            if matches!(outcome, Ok(Outcome::Changed { .. })) {
                changed.borrow_mut().insert(kind);
            }
            if outcome.is_err() {
                prop_assert_eq!(
                    document.annotations(),
                    &before,
                    "a refused command changed nothing"
                );
            }
        }
        let last = document.annotations().clone();
        // Redo what the ops left undone, then undo and redo all of it.
        let left_undone = repeat(&mut document, schema, Command::Redo)?;
        let top = document.annotations().clone();
        repeat(&mut document, schema, Command::Undo)?;
        prop_assert_eq!(document.annotations(), &initial);
        repeat(&mut document, schema, Command::Redo)?;
        prop_assert_eq!(document.annotations(), &top);
        for _ in 0..left_undone {
            document.execute(schema, Command::Undo).unwrap();
        }
        prop_assert_eq!(document.annotations(), &last);
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let changed: Vec<String> = changed.into_inner().into_iter().collect();
    assert_eq!(
        changed,
        [
            "AddSpan",
            "AddWithValue",
            "Decide",
            "Link",
            "Redo",
            "RejectSuggestion",
            "Relabel",
            "RemoveSpan",
            "SetAttribute",
            "SetNote",
            "SetStatus",
            "Undo",
            "Unlink"
        ]
    );
}
