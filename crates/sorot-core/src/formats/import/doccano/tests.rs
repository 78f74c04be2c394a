//! Plain doccano lines read straight against the same lines read as trees.

use super::*;
use proptest::prelude::*;

/// Values a doccano field may hold, the expected and the odd.
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

fn any_label() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0u64..40, 0u64..40, "[a-z]{1,6}")
            .prop_map(|(start, end, label)| serde_json::json!([start, end, label])),
        1 => proptest::collection::vec(any_value(), 0..4).prop_map(Value::from),
        1 => any_value(),
    ]
}

prop_compose! {
    fn any_line()(
        id in proptest::option::of(any_value()),
        text in proptest::option::of(prop_oneof![
            "[a-z “”‘’—🙂\u{301}\r\n\t\\\"]{0,20}".prop_map(Value::from),
            any_value(),
        ]),
        label in proptest::option::of(prop_oneof![
            3 => proptest::collection::vec(any_label(), 0..5).prop_map(Value::from),
            1 => any_value(),
        ]),
        other in proptest::option::of(prop_oneof![
            Just(("annotator", Value::from("budi"))),
            Just(("meta", serde_json::json!({"a": 1}))),
            Just(("entities", serde_json::json!([]))),
        ]),
        as_list in proptest::bool::weighted(0.1),
    ) -> String {
        // The same values as a list: serde reads a struct from a list too.
        if as_list {
            let values = [id, text, label].into_iter().flatten().collect();
            return Value::Array(values).to_string();
        }
        let mut line = serde_json::Map::new();
        for (key, value) in [("id", id), ("text", text), ("label", label)] {
            if let Some(value) = value {
                line.insert(key.into(), value);
            }
        }
        if let Some((key, value)) = other {
            line.insert(key.into(), value);
        }
        Value::Object(line).to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A line read straight gives what the tree gives: the same record,
    /// losses and errors.
    #[test]
    fn plain_doccano_lines_read_as_trees_do(line in any_line()) {
        let input = Path::new("in.jsonl");
        prop_assert_eq!(
            format!("{:?}", read_line(input, 3, &line)),
            format!("{:?}", read_tree(input, 3, &line)),
            "{}", line
        );
    }
}
