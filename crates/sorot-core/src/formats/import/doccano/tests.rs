//! Lines that are not JSON.

use super::*;

#[test]
fn a_malformed_line_is_named_by_its_place_with_the_parser_message_as_its_cause() {
    let err = read_line(Path::new("in.jsonl"), 2, r#"{"text": "Kim “tiba” 🚀"#).unwrap_err();
    assert_eq!(err.to_string(), "in.jsonl:2: malformed JSON");
    let cause = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(
        cause.as_deref(),
        Some("EOF while parsing a string at line 1 column 29")
    );
}
