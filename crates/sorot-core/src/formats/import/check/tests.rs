//! Offsets as inputs count them, converted into code points and checked.

use std::path::PathBuf;

use super::*;
use crate::formats::import::record::NewSpan;

/// A curly quote (one UTF-16 unit, three bytes), an emoji (two units, four
/// bytes) and a CRLF (one character to brat).
const TEXT: &str = "Kim “tiba” 🚀\r\nPutin";

fn record(offsets: Counted, spans: &[(usize, usize)]) -> Record {
    Record {
        id: "a.txt".into(),
        file: PathBuf::from("in.jsonl"),
        line: 3,
        text: None,
        annotator: None,
        spans: spans
            .iter()
            .map(|&(start, end)| NewSpan::new(start, end, "actor".into(), 3))
            .collect(),
        relations: Vec::new(),
        relation_keys: Vec::new(),
        offsets,
    }
}

/// The spans of `record` once converted, with their text.
fn converted(
    offsets: Counted,
    unit: OffsetUnit,
    spans: &[(usize, usize)],
) -> Result<Vec<(usize, usize, String)>, String> {
    let text = SourceText::new(TEXT.into()).unwrap();
    let mut record = record(offsets, spans);
    convert_and_check(&mut record, &text, unit).map_err(|err| err.to_string())?;
    Ok(record
        .spans
        .iter()
        .map(|s| (s.start, s.end, text.slice(s.start..s.end).to_owned()))
        .collect())
}

#[test]
fn utf16_and_byte_offsets_become_code_points_past_quotes_and_emoji() {
    let expected = vec![
        (4, 10, "“tiba”".to_owned()),
        (11, 12, "🚀".to_owned()),
        (14, 19, "Putin".to_owned()),
    ];
    let utf16 = [(4, 10), (11, 13), (15, 20)];
    let bytes = [(4, 14), (15, 19), (21, 26)];
    let code_points = [(4, 10), (11, 12), (14, 19)];
    let as_options = Counted::AsOptions;
    assert_eq!(
        converted(as_options, OffsetUnit::Utf16, &utf16),
        Ok(expected.clone())
    );
    assert_eq!(
        converted(as_options, OffsetUnit::Byte, &bytes),
        Ok(expected.clone())
    );
    assert_eq!(
        converted(as_options, OffsetUnit::CodePoint, &code_points),
        Ok(expected.clone())
    );
    // CoNLL's offsets are code points whatever the options say.
    assert_eq!(
        converted(Counted::CodePoints, OffsetUnit::Utf16, &code_points),
        Ok(expected)
    );
}

#[test]
fn brat_offsets_count_a_crlf_as_one_character() {
    // brat reads the text with LF line ends: "Putin" starts at 13 there.
    assert_eq!(
        converted(
            Counted::CodePointsWithLf,
            OffsetUnit::Utf16,
            &[(4, 10), (11, 12), (13, 18), (12, 13)]
        ),
        Ok(vec![
            (4, 10, "“tiba”".to_owned()),
            (11, 12, "🚀".to_owned()),
            (14, 19, "Putin".to_owned()),
            (12, 14, "\r\n".to_owned()),
        ])
    );
    // The text has 18 characters read so.
    assert_eq!(
        converted(Counted::CodePointsWithLf, OffsetUnit::CodePoint, &[(13, 19)]),
        Err("in.jsonl:3: actor [13, 19) does not fall on character boundaries in code-point units, or lies past the end of the text".into())
    );
}

#[test]
fn an_offset_inside_a_character_names_the_unit_and_the_option() {
    // 12 is between the two UTF-16 units of the emoji.
    assert_eq!(
        converted(Counted::AsOptions, OffsetUnit::Utf16, &[(12, 13)]),
        Err("in.jsonl:3: actor [12, 13) does not fall on character boundaries in utf16 units, or lies past the end of the text; check --offsets".into())
    );
    // 5 is inside the curly quote's three bytes.
    assert_eq!(
        converted(Counted::AsOptions, OffsetUnit::Byte, &[(5, 14)]),
        Err("in.jsonl:3: actor [5, 14) does not fall on character boundaries in byte units, or lies past the end of the text; check --offsets".into())
    );
}

#[test]
fn spans_past_the_end_are_outside_the_text_and_others_empty_or_reversed() {
    assert_eq!(
        converted(Counted::AsOptions, OffsetUnit::CodePoint, &[(14, 20)]),
        Err(
            "in.jsonl:3: actor [14, 20) lies outside the text of a.txt, which has 19 characters"
                .into()
        )
    );
    assert_eq!(
        converted(Counted::AsOptions, OffsetUnit::CodePoint, &[(4, 4)]),
        Err("in.jsonl:3: actor [4, 4) is empty; a span is [start, end) with its start before its end".into())
    );
    // Named in the unit the input counts, before any conversion.
    assert_eq!(
        converted(Counted::AsOptions, OffsetUnit::Utf16, &[(10, 4)]),
        Err("in.jsonl:3: actor [10, 4) is reversed: its end is before its start; a span is [start, end) with its start before its end".into())
    );
}
