//! Tasks whose tree cannot be made, placed in the whole input.

use super::*;

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
