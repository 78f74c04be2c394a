//! Label Studio tasks read straight against the same tasks read as trees,
//! and tasks whose tree cannot be made, placed in the whole input.

use proptest::prelude::*;
use serde_json::Value;

use super::task::{Obj, RawTask, Task};
use super::*;

/// Values a field may hold, the expected and the odd.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<u64>().prop_map(Value::from),
        (-5i64..0).prop_map(Value::from),
        Just(Value::from(2.5)),
        Just(Value::from(3.0)),
        "[a-z “”🙂\r\n\\\"]{0,8}".prop_map(Value::from),
        Just(serde_json::json!({"x": 1})),
    ]
}

/// Mostly what `valid` gives, now and then an odd value.
fn or_odd(valid: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    // Null apart: where null and absent differ is where the ways may part.
    prop_oneof![12 => valid, 1 => Just(Value::Null), 1 => any_value()].boxed()
}

/// An object of some of `fields` (name and the values it may take), or
/// now and then a list of the same values, or an odd value.
fn any_object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let entries: Vec<_> = fields
        .into_iter()
        .map(|(name, value)| proptest::option::weighted(0.8, value).prop_map(move |v| (name, v)))
        .collect();
    let object = entries.prop_map(|entries| {
        let entries = entries.into_iter().filter_map(|(name, v)| Some((name, v?)));
        Value::Object(entries.map(|(name, v)| (name.to_owned(), v)).collect())
    });
    prop_oneof![
        24 => object.clone(),
        1 => object.prop_map(|o| Value::Array(o.as_object().unwrap().values().cloned().collect())),
        1 => any_value(),
    ]
    .boxed()
}

/// A list of what `item` gives, or now and then an odd value.
fn any_list(item: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    or_odd(proptest::collection::vec(item, 0..4).prop_map(Value::from))
}

fn texts() -> BoxedStrategy<Value> {
    any_list(or_odd("[a-z“ ]{0,6}".prop_map(Value::from)))
}

fn any_task() -> impl Strategy<Value = Value> {
    let number = || or_odd((0u64..40).prop_map(Value::from));
    let value = any_object(vec![
        ("start", number()),
        ("end", number()),
        ("labels", texts()),
        (
            "text",
            prop_oneof![Just(Value::from("Kim")), texts()].boxed(),
        ),
        ("choices", texts()),
    ]);
    let kinds = prop::sample::select(vec![
        "labels",
        "relation",
        "textarea",
        "choices",
        "rectangle",
    ]);
    let name = |names: Vec<&'static str>| or_odd(prop::sample::select(names).prop_map(Value::from));
    let region = any_object(vec![
        ("type", or_odd(kinds.prop_map(Value::from))),
        ("value", value),
        ("id", name(vec!["r1", "r2"])),
        ("from_id", name(vec!["r1", "r2"])),
        ("to_id", name(vec!["r1", "r2"])),
        ("from_name", name(vec!["value", "label", "actor_role"])),
        ("labels", texts()),
        ("meta", any_object(vec![("text", texts())])),
        ("origin", any_value().boxed()),
    ]);
    let annotation = any_object(vec![
        ("was_cancelled", or_odd(any::<bool>().prop_map(Value::from))),
        ("sorot_annotator", name(vec!["ayu", "budi"])),
        (
            "completed_by",
            prop_oneof![any_value(), Just(serde_json::json!({"email": "ayu@x.id"}))].boxed(),
        ),
        ("updated_at", name(vec!["2024-06-19", "2024-06-20"])),
        ("created_at", name(vec!["2024-06-18", "2024-06-21"])),
        ("result", any_list(region)),
        ("lead_time", any_value().boxed()),
        (
            "model_version",
            prop_oneof![any_value(), Just(Value::from("ner-v2"))].boxed(),
        ),
    ]);
    let annotations = any_list(annotation);
    let data = any_object(vec![
        ("text", "[a-z“ ]{1,12}".prop_map(Value::from).boxed()),
        ("document", any_value().boxed()),
        ("other", any_value().boxed()),
    ]);
    any_object(vec![
        ("data", data),
        ("id", any_value().boxed()),
        ("annotations", annotations.clone()),
        ("completions", annotations.clone()),
        (
            "predictions",
            prop_oneof![any_value(), annotations.clone()].boxed(),
        ),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A Label Studio task read straight gives what its tree gives.
    #[test]
    fn label_studio_tasks_read_straight_as_trees_do(task in any_task()) {
        let json = task.to_string();
        if let Ok(Obj(raw)) = serde_json::from_str::<Obj<RawTask>>(&json) {
            prop_assert_eq!(
                format!("{:?}", Task::from(raw)),
                format!("{:?}", Task::from_value(&task)),
                "{}", json
            );
        }
    }
}

/// The property test above compares something: a good share of its
/// tasks are read straight, with regions and relations among them.
#[test]
fn label_studio_tasks_made_for_the_test_are_often_read_straight() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut straight, mut with_regions, mut with_relations) = (0, 0, 0);
    for _ in 0..1000 {
        let task = any_task().new_tree(&mut runner).unwrap().current();
        let Ok(Obj(raw)) = serde_json::from_str::<Obj<RawTask>>(&task.to_string()) else {
            continue;
        };
        let task = Task::from(raw);
        let regions = task.annotations.iter().flat_map(|a| &a.result);
        straight += 1;
        with_regions += usize::from(regions.clone().next().is_some());
        with_relations += usize::from(regions.clone().any(|r| r.kind == "relation"));
    }
    assert!(
        straight > 200 && with_regions > 50 && with_relations > 10,
        "{straight} {with_regions} {with_relations}"
    );
}

#[test]
fn label_studio_tasks_of_the_usual_shape_are_read_straight() {
    let json = r#"{"id": 7, "data": {"text": "Kim tiba"}, "annotations": [{"id": 1, "completed_by": 2,
        "result": [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
        "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["actor"]}}],
        "was_cancelled": false, "ground_truth": false, "created_at": "2024-06-19T10:00:00Z",
        "updated_at": "2024-06-19T10:00:00Z", "lead_time": 3.5, "task": 7}], "predictions": []}"#;
    let Ok(Obj(raw)) = serde_json::from_str::<Obj<RawTask>>(json) else {
        panic!("not read straight")
    };
    let task = Task::from(raw);
    let value: Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        format!("{task:?}"),
        format!("{:?}", Task::from_value(&value))
    );
    assert_eq!(
        task.annotations[0].result[0].value.as_ref().unwrap().labels,
        Some(vec!["actor".to_owned()])
    );
    // A list where an object belongs is read as a tree.
    assert!(serde_json::from_str::<Obj<RawTask>>(r#"[{"text": "Kim"}, 7]"#).is_err());
}

/// The tasks of `content`, as the reader slices them.
fn tasks(content: &str) -> Vec<&serde_json::value::RawValue> {
    serde_json::from_str(content).unwrap()
}

#[test]
fn a_task_that_is_no_tree_is_placed_by_the_line_and_column_of_the_input() {
    // The second task sits on line 3, after a curly quote and an emoji on
    // line 2; a number out of range is only found once its tree is made.
    let content = "[\n{\"data\": {\"text\": \"“🚀”\"}},\n  {\"n\": 1e400}\r\n]";
    let tasks = tasks(content);
    assert!(task_tree(Path::new("in.json"), content, tasks[0]).is_ok());
    let err = task_tree(Path::new("in.json"), content, tasks[1]).unwrap_err();
    assert_eq!(err.to_string(), "in.json:3: malformed JSON");
    let cause = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(
        cause.as_deref(),
        Some("number out of range at line 3 column 13")
    );
}

#[test]
fn a_task_on_the_first_line_counts_columns_from_the_start_of_the_input() {
    // The characters before the task count one each, the quote too.
    let content = "[{\"x\": \"“\"}, {\"s\": \"\\ud800\"}]";
    let tasks = tasks(content);
    let err = task_tree(Path::new("in.json"), content, tasks[1]).unwrap_err();
    assert_eq!(err.to_string(), "in.json:1: malformed JSON");
    let cause = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(
        cause.as_deref(),
        Some("unexpected end of hex escape at line 1 column 27")
    );
}
