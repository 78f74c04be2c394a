//! Date suggestions, and the value a date labeled by hand takes from them.

use std::ops::Range;

use super::Suggestion;
use crate::analysis::dates::DateMatch;
use crate::model::text::SourceText;

/// Date suggestions for a text.
pub fn dates(text: &SourceText) -> Vec<Suggestion> {
    crate::analysis::dates::recognize(text.as_str())
        .into_iter()
        .map(Suggestion::from)
        .collect()
}

impl From<DateMatch> for Suggestion {
    /// The suggestion of a date expression: its range, labeled `date`, with
    /// its value.
    fn from(m: DateMatch) -> Self {
        Suggestion {
            start: m.start,
            end: m.end,
            label: "date".into(),
            value: m.value,
        }
    }
}

/// The normalized value for a date labeled by hand over `range`: the value of
/// the one date expression the range shares text with, if there is exactly one
/// ("Rabu (13/9/2023)" takes the value of "hari Rabu (13/9/2023)").
pub fn date_value(text: &SourceText, range: Range<usize>) -> Option<String> {
    value_among(&dates(text), range)
}

/// [`date_value`] among a text's date suggestions, found once for many ranges.
pub fn value_among(dates: &[Suggestion], range: Range<usize>) -> Option<String> {
    let mut inside = dates
        .iter()
        .filter(|d| d.start < range.end && range.start < d.end);
    match (inside.next(), inside.next()) {
        (Some(only), None) => only.value.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_labeled_by_hand_gets_the_value_of_the_one_date_it_holds() {
        let text = SourceText::new(
            "Jakarta, Rabu (13/9/2023) – “Kim” 😊 tiba pada 2022.\r\nLalu 18-19 Juni 2024 dan Juli lalu."
                .into(),
        )
        .unwrap();
        let range = |needle: &str| {
            let byte = text.as_str().find(needle).unwrap();
            let start = text.offset_of_byte(byte);
            start..start + needle.chars().count()
        };
        let value = |needle: &str| date_value(&text, range(needle));
        assert_eq!(value("Rabu (13/9/2023)").as_deref(), Some("2023-09-13"));
        assert_eq!(
            value("13/9/2023").as_deref(),
            Some("2023-09-13"),
            "part of it"
        );
        assert_eq!(
            value("pada 2022").as_deref(),
            Some("2022"),
            "the year inside"
        );
        assert_eq!(
            value("18-19 Juni 2024").as_deref(),
            Some("2024-06-18/2024-06-19")
        );
        assert_eq!(value("Juli lalu").as_deref(), Some("2023-07"));
        assert_eq!(value("2022.\r\nLalu 18-19 Juni 2024"), None, "two dates");
        assert_eq!(value("tiba"), None);
    }
}
