//! A fast reader and writer for annotation files in the layout Sorot writes.
//!
//! Terms:
//! - The **general reader** is the `ron` crate. It reads any RON, and it writes
//!   the error messages.
//! - The **fast reader** is this module's [`read`]. It reads a small subset of
//!   RON: the grammar below, which covers everything [`write`] writes and the
//!   hand edits people usually make (reordered fields, other whitespace, CRLF
//!   line ends, `//` comments). For any other text it gives up (`None`) and
//!   the caller hands the text to the general reader.
//! - The **layout** is what the `ron` crate writes for an [`AnnotationFile`]
//!   with a header comment, four-space indents, lists of spans one item per
//!   line, and everything deeper on that line. [`write`] writes it without
//!   going through `serde`; a property test checks that its output is byte
//!   for byte what `ron` writes, and golden files in `testdata/` pin it.
//!
//! - The **span head**: the five fields every span has (`id`, `start`, `end`,
//!   `label`, `text`), in that order, each after its name and one space, as
//!   [`write`] writes them. The fast reader reads a span's head without
//!   looking the names up, and any other span field by field.
//!
//! The invariant, checked by property tests on written files and on random
//! edits of them: **whenever the fast reader returns `Some(file)`, the general
//! reader returns `Ok(file)` for the same text.** So the fast reader changes
//! how quickly a file is read, never what is read or which errors are given.
//!
//! The grammar. Between any two tokens: ASCII spaces, tabs, CR, LF, and `//`
//! comments up to the end of the line. Every struct field at most once, in any
//! order, those marked `?` optional; a trailing comma is allowed in every
//! list, map and struct.
//!
//! ```text
//! file      = "(" fields of: format_version: int, source: string,
//!                  fingerprint: string, offset_unit: CodePoint,
//!                  annotator: string, status: NotStarted|InProgress|Done,
//!                  spans: [span], rejected?: [rejected],
//!                  relations?: [relation],
//!                  rejected_relations?: [rejected_relation] ")"
//! span      = "(" fields of: id: int, start: int, end: int, label: string,
//!                  text: string, note?: string, notes?: [note],
//!                  value?: string, resource?: string, entry_name?: string,
//!                  attributes?: {string: string} ")"
//! note      = "(" fields of: kind: string, text: string ")"
//! rejected  = "(" fields of: start: int, end: int, label: string ")"
//! relation  = "(" fields of: from: int, to: int, kind: string ")"
//! rejected_relation = "(" fields of: from_start: int, from_end: int,
//!                  from_label: string, to_start: int, to_end: int,
//!                  to_label: string, kind: string ")"
//! int       = ASCII digits without a leading zero (or just 0), in range
//! string    = '"' characters and the escapes \' \" \\ \n \r \t \0 \u{1-6 hex digits} '"'
//! ```
//!
//! Anything else (block comments, struct names, raw strings, `\x` escapes,
//! line continuations, unknown or repeated fields, repeated map keys, numbers
//! with `_` or a base prefix, non-ASCII whitespace) is left to the general
//! reader.

use std::collections::BTreeMap;

use super::file::HEADER;
use crate::model::{Note, Rejected, RejectedRelation, Relation, Span, Status};
use crate::store::unknown::Fields;
use crate::store::{AnnotationFile, OffsetUnit};

/// Reads `text` if it is in the grammar above; `None` if it is not.
pub(super) fn read(text: &str) -> Option<AnnotationFile> {
    let mut reader = Reader { src: text, pos: 0 };
    let file = reader.file()?;
    reader.skip_ws()?;
    (reader.pos == text.len()).then_some(file)
}

/// `file` in the layout: the text `ron` writes for it, header included.
///
/// Every struct is taken apart field by field, so that a field added to an
/// annotation file, a span, a rejected span or a relation stops the build
/// here until it is written.
pub(super) fn write(file: &AnnotationFile) -> String {
    let AnnotationFile {
        format_version,
        source,
        fingerprint,
        offset_unit,
        annotator,
        status,
        spans,
        rejected,
        relations,
        rejected_relations,
        unknown,
    } = file;
    let span_bytes: usize = spans
        .iter()
        .map(|s| {
            64 + s.label.len()
                + s.text.len()
                + s.note.len()
                + s.notes.iter().map(|n| 24 + n.text.len()).sum::<usize>()
                + s.value.len()
        })
        .sum();
    let mut out = String::with_capacity(HEADER.len() + 512 + span_bytes);
    out.push_str(HEADER);
    out.push_str("(\n    format_version: ");
    int(&mut out, *format_version);
    out.push_str(",\n    source: ");
    string(&mut out, source);
    out.push_str(",\n    fingerprint: ");
    string(&mut out, fingerprint);
    out.push_str(",\n    offset_unit: ");
    out.push_str(match offset_unit {
        OffsetUnit::CodePoint => "CodePoint",
        OffsetUnit::Utf16 => "Utf16",
        OffsetUnit::Byte => "Byte",
        OffsetUnit::Grapheme => "Grapheme",
    });
    out.push_str(",\n    annotator: ");
    string(&mut out, annotator);
    out.push_str(",\n    status: ");
    out.push_str(match status {
        Status::NotStarted => "NotStarted",
        Status::InProgress => "InProgress",
        Status::Done => "Done",
    });
    out.push_str(",\n    spans: ");
    list(&mut out, spans, |out, each| {
        span(out, each, unknown.spans.get(&each.id));
    });
    if !rejected.is_empty() {
        out.push_str(",\n    rejected: ");
        list(&mut out, rejected, |out, rejected| {
            let Rejected { start, end, label } = rejected;
            let fields = unknown.rejected.get(rejected);
            two_ints_and_a_string(out, ["start", "end", "label"], *start, *end, label, fields);
        });
    }
    if !relations.is_empty() {
        out.push_str(",\n    relations: ");
        list(&mut out, relations, |out, relation| {
            let Relation { from, to, kind } = relation;
            let fields = unknown.relations.get(relation);
            two_ints_and_a_string(out, ["from", "to", "kind"], *from, *to, kind, fields);
        });
    }
    if !rejected_relations.is_empty() {
        out.push_str(",\n    rejected_relations: ");
        list(&mut out, rejected_relations, |out, rejected| {
            let RejectedRelation {
                from_start,
                from_end,
                from_label,
                to_start,
                to_end,
                to_label,
                kind,
            } = rejected;
            out.push('(');
            for (n, (name, value)) in [
                ("from_start", Value::Int(*from_start)),
                ("from_end", Value::Int(*from_end)),
                ("from_label", Value::Text(from_label)),
                ("to_start", Value::Int(*to_start)),
                ("to_end", Value::Int(*to_end)),
                ("to_label", Value::Text(to_label)),
                ("kind", Value::Text(kind)),
            ]
            .into_iter()
            .enumerate()
            {
                if n > 0 {
                    out.push_str(", ");
                }
                out.push_str(name);
                out.push_str(": ");
                match value {
                    Value::Int(i) => int(out, i),
                    Value::Text(t) => string(out, t),
                }
            }
            unknown_fields(out, unknown.rejected_relations.get(rejected));
            out.push(')');
        });
    }
    for (name, raw) in &unknown.file {
        out.push_str(",\n    ");
        out.push_str(name);
        out.push_str(": ");
        out.push_str(raw);
    }
    out.push_str(",\n)\n");
    out
}

/// A field's value in a rejected relation.
enum Value<'a> {
    Int(usize),
    Text(&'a str),
}

/// Unknown fields of a span, a relation or a rejected span, after its own:
/// `, name: value` each, as they were read.
fn unknown_fields(out: &mut String, fields: Option<&Fields>) {
    for (name, raw) in fields.into_iter().flatten() {
        out.push_str(", ");
        out.push_str(name);
        out.push_str(": ");
        out.push_str(raw);
    }
}

/// A list of the file's top level: one item per line.
fn list<T>(out: &mut String, items: &[T], item: impl Fn(&mut String, &T)) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push_str("[\n");
    for each in items {
        out.push_str("        ");
        item(out, each);
        out.push_str(",\n");
    }
    out.push_str("    ]");
}

/// A rejected span or a relation: `(name: a, name: b, name: "text")`.
fn two_ints_and_a_string(
    out: &mut String,
    [first, second, third]: [&str; 3],
    a: impl itoa::Integer,
    b: impl itoa::Integer,
    text: &str,
    unknown: Option<&Fields>,
) {
    out.push('(');
    out.push_str(first);
    out.push_str(": ");
    int(out, a);
    out.push_str(", ");
    out.push_str(second);
    out.push_str(": ");
    int(out, b);
    out.push_str(", ");
    out.push_str(third);
    out.push_str(": ");
    string(out, text);
    unknown_fields(out, unknown);
    out.push(')');
}

fn span(out: &mut String, span: &Span, unknown: Option<&Fields>) {
    let Span {
        id,
        start,
        end,
        label,
        text,
        note,
        notes,
        value,
        resource,
        entry_name,
        attributes,
    } = span;
    out.push_str("(id: ");
    int(out, *id);
    out.push_str(", start: ");
    int(out, *start);
    out.push_str(", end: ");
    int(out, *end);
    out.push_str(", label: ");
    string(out, label);
    out.push_str(", text: ");
    string(out, text);
    if !note.is_empty() {
        out.push_str(", note: ");
        string(out, note);
    }
    if !notes.is_empty() {
        out.push_str(", notes: [");
        for (n, Note { kind, text }) in notes.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            out.push_str("(kind: ");
            string(out, kind);
            out.push_str(", text: ");
            string(out, text);
            out.push(')');
        }
        out.push(']');
    }
    if !value.is_empty() {
        out.push_str(", value: ");
        string(out, value);
    }
    if !resource.is_empty() {
        out.push_str(", resource: ");
        string(out, resource);
    }
    if !entry_name.is_empty() {
        out.push_str(", entry_name: ");
        string(out, entry_name);
    }
    if !attributes.is_empty() {
        out.push_str(", attributes: {");
        for (n, (name, value)) in attributes.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            string(out, name);
            out.push_str(": ");
            string(out, value);
        }
        out.push('}');
    }
    unknown_fields(out, unknown);
    out.push(')');
}

fn int(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// A string as `ron` writes it: each character escaped as
/// [`char::escape_debug`] escapes it, runs of printable ASCII other than
/// quotes and backslashes copied at once.
fn string(out: &mut String, text: &str) {
    out.push('"');
    let mut plain = 0;
    for (at, c) in text.char_indices() {
        if !matches!(c, ' '..='~') || matches!(c, '"' | '\'' | '\\') {
            out.push_str(&text[plain..at]);
            out.extend(c.escape_debug());
            plain = at + c.len_utf8();
        }
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

/// Stores a field's value, refusing a field given twice.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    match slot {
        Some(_) => None,
        None => {
            *slot = Some(value);
            Some(())
        }
    }
}

/// The most items [`Reader::lines_list`] makes room for before reading them:
/// a file of many other lines (relations, rejected spans) costs at most this
/// many spans' memory for a moment, and a longer list grows as any list.
const LINES_AHEAD: usize = 4096;

struct Reader<'a> {
    src: &'a str,
    /// Byte position in `src`, always on a character boundary.
    pos: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    /// Skips whitespace and `//` comments; `None` at a block comment.
    fn skip_ws(&mut self) -> Option<()> {
        let bytes = self.bytes();
        loop {
            match bytes.get(self.pos) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if bytes.get(self.pos + 1) == Some(&b'/') => {
                    match self.src[self.pos..].find('\n') {
                        Some(newline) => self.pos += newline + 1,
                        None => self.pos = bytes.len(),
                    }
                }
                Some(b'/') => return None,
                _ => return Some(()),
            }
        }
    }

    /// Whether the next token is `byte`; consumes it if so.
    fn take(&mut self, byte: u8) -> Option<bool> {
        self.skip_ws()?;
        let found = self.bytes().get(self.pos) == Some(&byte);
        if found {
            self.pos += 1;
        }
        Some(found)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.take(byte)?.then_some(())
    }

    fn ident(&mut self) -> Option<&'a str> {
        self.skip_ws()?;
        let bytes = self.bytes();
        let start = self.pos;
        if !bytes
            .get(start)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        {
            return None;
        }
        while bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.pos += 1;
        }
        // Raw identifiers (`r#name`) and non-ASCII identifiers are not ours.
        if bytes
            .get(self.pos)
            .is_some_and(|b| *b == b'#' || !b.is_ascii())
        {
            return None;
        }
        Some(&self.src[start..self.pos])
    }

    /// An unsigned integer that fits `T`.
    fn int<T: TryFrom<u64>>(&mut self) -> Option<T> {
        self.skip_ws()?;
        let bytes = self.bytes();
        let start = self.pos;
        // The value as its digits come; `None` once it passes `u64`.
        let mut value = Some(0u64);
        while let Some(digit) = bytes.get(self.pos).filter(|b| b.is_ascii_digit()) {
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(u64::from(digit - b'0')));
            self.pos += 1;
        }
        let digits = &bytes[start..self.pos];
        let glued = bytes.get(self.pos).is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.') || !b.is_ascii()
        });
        if digits.is_empty() || glued || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        T::try_from(value?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let bytes = self.bytes();
        // Most strings have no escape: they are copied at once.
        let stop = self.pos + memchr::memchr2(b'"', b'\\', &bytes[self.pos..])?;
        if bytes[stop] == b'"' {
            let plain = self.src[self.pos..stop].to_owned();
            self.pos = stop + 1;
            return Some(plain);
        }
        let mut out = String::new();
        loop {
            let rest = &self.src[self.pos..];
            let stop = memchr::memchr2(b'"', b'\\', rest.as_bytes())?;
            out.push_str(&rest[..stop]);
            self.pos += stop;
            if bytes[self.pos] == b'"' {
                self.pos += 1;
                return Some(out);
            }
            let escape = *bytes.get(self.pos + 1)?;
            self.pos += 2;
            match escape {
                b'\'' => out.push('\''),
                b'"' => out.push('"'),
                b'\\' => out.push('\\'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'0' => out.push('\0'),
                b'u' => {
                    if bytes.get(self.pos) != Some(&b'{') {
                        return None;
                    }
                    let digits_start = self.pos + 1;
                    let close = digits_start + self.src.get(digits_start..)?.find('}')?;
                    let digits = &self.src[digits_start..close];
                    if digits.is_empty()
                        || digits.len() > 6
                        || !digits.bytes().all(|b| b.is_ascii_hexdigit())
                    {
                        return None;
                    }
                    out.push(char::from_u32(u32::from_str_radix(digits, 16).ok()?)?);
                    self.pos = close + 1;
                }
                _ => return None,
            }
        }
    }

    /// `[item, ...]`, with an optional trailing comma.
    fn list<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.list_in(Vec::new(), item)
    }

    /// A list of the file's top level, whose items are written one per
    /// line: room is made for as many items as there are lines left, up to
    /// [`LINES_AHEAD`], so that a list is not moved as it grows.
    fn lines_list<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let lines = memchr::memchr_iter(b'\n', &self.bytes()[self.pos..]).count();
        let room = lines.min(LINES_AHEAD);
        let mut items = self.list_in(Vec::with_capacity(room), item)?;
        // Lines of other lists after it: room they took is given back.
        if items.capacity() > 2 * items.len() {
            items.shrink_to_fit();
        }
        Some(items)
    }

    fn list_in<T>(
        &mut self,
        mut items: Vec<T>,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.expect(b'[')?;
        loop {
            if self.take(b']')? {
                return Some(items);
            }
            items.push(item(self)?);
            if !self.take(b',')? {
                self.expect(b']')?;
                return Some(items);
            }
        }
    }

    /// `{"key": "value", ...}`, with an optional trailing comma; no key twice.
    fn map(&mut self) -> Option<BTreeMap<String, String>> {
        self.expect(b'{')?;
        let mut map = BTreeMap::new();
        loop {
            if self.take(b'}')? {
                return Some(map);
            }
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.string()?;
            if map.insert(key, value).is_some() {
                return None;
            }
            if !self.take(b',')? {
                self.expect(b'}')?;
                return Some(map);
            }
        }
    }

    /// `(name: value, ...)`: `field` reads the value of each named field and
    /// refuses names it does not know.
    fn fields(&mut self, field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.expect(b'(')?;
        self.more_fields(false, field)
    }

    /// The rest of `(name: value, ...)`, after its `(` and, when `after_one`,
    /// after a field's value.
    fn more_fields(
        &mut self,
        after_one: bool,
        mut field: impl FnMut(&mut Self, &'a str) -> Option<()>,
    ) -> Option<()> {
        if after_one && !self.take(b',')? {
            return self.expect(b')');
        }
        loop {
            if self.take(b')')? {
                return Some(());
            }
            let name = self.ident()?;
            self.expect(b':')?;
            field(self, name)?;
            if !self.take(b',')? {
                return self.expect(b')');
            }
        }
    }

    /// Whether `literal` comes next, as it is; consumes it if so.
    fn literal(&mut self, literal: &[u8]) -> bool {
        let found = self.bytes()[self.pos..].starts_with(literal);
        if found {
            self.pos += literal.len();
        }
        found
    }

    fn file(&mut self) -> Option<AnnotationFile> {
        let mut format_version = None;
        let mut source = None;
        let mut fingerprint = None;
        let mut offset_unit = None;
        let mut annotator = None;
        let mut status = None;
        let mut spans = None;
        let mut rejected = None;
        let mut relations = None;
        let mut rejected_relations = None;
        self.fields(|r, name| match name {
            "format_version" => once(&mut format_version, r.int()?),
            "source" => once(&mut source, r.string()?),
            "fingerprint" => once(&mut fingerprint, r.string()?),
            "offset_unit" => match r.ident()? {
                "CodePoint" => once(&mut offset_unit, OffsetUnit::CodePoint),
                _ => None,
            },
            "annotator" => once(&mut annotator, r.string()?),
            "status" => {
                let value = match r.ident()? {
                    "NotStarted" => Status::NotStarted,
                    "InProgress" => Status::InProgress,
                    "Done" => Status::Done,
                    _ => return None,
                };
                once(&mut status, value)
            }
            "spans" => once(&mut spans, r.lines_list(Self::span)?),
            "rejected" => once(&mut rejected, r.list(Self::rejected)?),
            "relations" => once(&mut relations, r.list(Self::relation)?),
            "rejected_relations" => once(&mut rejected_relations, r.list(Self::rejected_relation)?),
            _ => None,
        })?;
        Some(AnnotationFile {
            format_version: format_version?,
            source: source?,
            fingerprint: fingerprint?,
            offset_unit: offset_unit?,
            annotator: annotator?,
            status: status?,
            spans: spans?,
            rejected: rejected.unwrap_or_default(),
            relations: relations.unwrap_or_default(),
            rejected_relations: rejected_relations.unwrap_or_default(),
            unknown: Default::default(),
        })
    }

    fn span(&mut self) -> Option<Span> {
        self.expect(b'(')?;
        // The fields every span has, as Sorot writes them: in this order,
        // each after its name and one space, read without looking their
        // names up. Anything else is read field by field from the `(`.
        let first = self.pos;
        let head = (|| {
            let id = self.literal(b"id: ").then(|| self.int())??;
            let start = self.literal(b", start: ").then(|| self.int())??;
            let end = self.literal(b", end: ").then(|| self.int())??;
            let label = self.literal(b", label: ").then(|| self.string())??;
            let text = self.literal(b", text: ").then(|| self.string())??;
            Some((id, start, end, label, text))
        })();
        let (mut id, mut start, mut end, mut label, mut text) = match head {
            Some((id, start, end, label, text)) => {
                (Some(id), Some(start), Some(end), Some(label), Some(text))
            }
            None => {
                self.pos = first;
                (None, None, None, None, None)
            }
        };
        let mut note = None;
        let mut notes = None;
        let mut value = None;
        let mut resource = None;
        let mut entry_name = None;
        let mut attributes = None;
        self.more_fields(id.is_some(), |r, name| match name {
            "id" => once(&mut id, r.int()?),
            "start" => once(&mut start, r.int()?),
            "end" => once(&mut end, r.int()?),
            "label" => once(&mut label, r.string()?),
            "text" => once(&mut text, r.string()?),
            "note" => once(&mut note, r.string()?),
            "notes" => once(&mut notes, r.list(Self::note)?),
            "value" => once(&mut value, r.string()?),
            "resource" => once(&mut resource, r.string()?),
            "entry_name" => once(&mut entry_name, r.string()?),
            "attributes" => once(&mut attributes, r.map()?),
            _ => None,
        })?;
        Some(Span {
            id: id?,
            start: start?,
            end: end?,
            label: label?,
            text: text?,
            note: note.unwrap_or_default(),
            notes: notes.unwrap_or_default(),
            value: value.unwrap_or_default(),
            resource: resource.unwrap_or_default(),
            entry_name: entry_name.unwrap_or_default(),
            attributes: attributes.unwrap_or_default(),
        })
    }

    fn note(&mut self) -> Option<Note> {
        let mut kind = None;
        let mut text = None;
        self.fields(|r, name| match name {
            "kind" => once(&mut kind, r.string()?),
            "text" => once(&mut text, r.string()?),
            _ => None,
        })?;
        Some(Note {
            kind: kind?,
            text: text?,
        })
    }

    fn rejected(&mut self) -> Option<Rejected> {
        let mut start = None;
        let mut end = None;
        let mut label = None;
        self.fields(|r, name| match name {
            "start" => once(&mut start, r.int()?),
            "end" => once(&mut end, r.int()?),
            "label" => once(&mut label, r.string()?),
            _ => None,
        })?;
        Some(Rejected {
            start: start?,
            end: end?,
            label: label?,
        })
    }

    fn rejected_relation(&mut self) -> Option<RejectedRelation> {
        let (mut from_start, mut from_end, mut from_label) = (None, None, None);
        let (mut to_start, mut to_end, mut to_label) = (None, None, None);
        let mut kind = None;
        self.fields(|r, name| match name {
            "from_start" => once(&mut from_start, r.int()?),
            "from_end" => once(&mut from_end, r.int()?),
            "from_label" => once(&mut from_label, r.string()?),
            "to_start" => once(&mut to_start, r.int()?),
            "to_end" => once(&mut to_end, r.int()?),
            "to_label" => once(&mut to_label, r.string()?),
            "kind" => once(&mut kind, r.string()?),
            _ => None,
        })?;
        Some(RejectedRelation {
            from_start: from_start?,
            from_end: from_end?,
            from_label: from_label?,
            to_start: to_start?,
            to_end: to_end?,
            to_label: to_label?,
            kind: kind?,
        })
    }

    fn relation(&mut self) -> Option<Relation> {
        let mut from = None;
        let mut to = None;
        let mut kind = None;
        self.fields(|r, name| match name {
            "from" => once(&mut from, r.int()?),
            "to" => once(&mut to, r.int()?),
            "kind" => once(&mut kind, r.string()?),
            _ => None,
        })?;
        Some(Relation {
            from: from?,
            to: to?,
            kind: kind?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the `ron` crate writes for `file` in the layout.
    fn general_write(file: &AnnotationFile) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(2)
            .indentor("    ")
            .new_line("\n")
            .separator(" ");
        let body = ron::ser::to_string_pretty(file, config).unwrap();
        format!("{}{body}\n", HEADER)
    }

    fn general(text: &str) -> Option<AnnotationFile> {
        ron::from_str(text).ok()
    }

    fn sample() -> AnnotationFile {
        let span = |id, start, end, label: &str, text: &str| {
            Span::new(id, start..end, label.into(), text.into())
        };
        let mut claim = span(3, 0, 31, "claim", "“Kami akan membantu,” kata Putin 🙂");
        claim.note = "quote with \"inner\" and 'single' marks\\\r\n".into();
        claim.attributes.insert("stance".into(), "asserted".into());
        claim.attributes.insert("quote".into(), "yes".into());
        claim.notes = vec![
            Note {
                kind: "Lemma".into(),
                text: "membantu".into(),
            },
            Note {
                kind: "AnnotatorNotes".into(),
                text: "a second note, “curly”".into(),
            },
        ];
        let mut putin = span(1, 26, 31, "actor", "Putin");
        putin.value = "64488".into();
        putin.resource = "Wikipedia".into();
        putin.entry_name = "Vladimir Putin".into();
        AnnotationFile {
            format_version: crate::store::FORMAT_VERSION,
            source: "texts/ber\u{301}ita.txt".into(),
            fingerprint: "sha256:00".into(),
            offset_unit: OffsetUnit::CodePoint,
            annotator: "ayu".into(),
            status: Status::InProgress,
            spans: vec![claim, putin, span(2, 40, 44, "date", "\u{0}\t2023")],
            rejected: vec![Rejected {
                start: 5,
                end: 9,
                label: "date".into(),
            }],
            relations: vec![Relation {
                from: 3,
                to: 1,
                kind: "source".into(),
            }],
            rejected_relations: vec![RejectedRelation {
                from_start: 0,
                from_end: 20,
                from_label: "claim".into(),
                to_start: 40,
                to_end: 44,
                to_label: "date".into(),
                kind: "when".into(),
            }],
            unknown: Default::default(),
        }
    }

    #[test]
    fn reads_what_sorot_writes() {
        let file = sample();
        let text = file.to_ron();
        assert_eq!(read(&text), Some(file.clone()));
        assert_eq!(general(&text), Some(file));
    }

    #[test]
    fn reads_common_hand_edits_as_the_general_reader_does() {
        let text = sample().to_ron();
        let crlf = text.replace('\n', "\r\n");
        let commented = text.replace("    spans: [", "    // reviewed\n    spans: [ // spans\n");
        let reordered = text.replace("(id: 1, start: 26, end: 31,", "(end: 31, start: 26, id: 1,");
        let no_trailing = text.replace(",\n)", "\n)");
        // A span's head other than as written: read field by field.
        let spaced = text.replace("(id: 1, start: 26,", "(id:  1 , start: 26,");
        let head_cut = text.replace("(id: 1, start: 26, end: 31,", "(id: 1, end: 31, start: 26,");
        for edited in [crlf, commented, reordered, no_trailing, spaced, head_cut] {
            assert_ne!(edited, text);
            let fast = read(&edited);
            assert!(fast.is_some(), "{edited}");
            assert_eq!(fast, general(&edited), "{edited}");
        }
    }

    #[test]
    fn leaves_other_ron_to_the_general_reader() {
        let text = sample().to_ron();
        for edited in [
            text.replacen('(', "AnnotationFile(", 1),
            text.replace("// Sorot", "/* Sorot */ //"),
            text.replace("\"ayu\"", "r\"ayu\""),
            text.replace("start: 26", "start: 2_6"),
            text.replace("start: 26", "start: 0x1a"),
            text.replace("\"Putin\"", "\"\\x50utin\""),
            text.replace(
                "annotator: \"ayu\",",
                "annotator: \"ayu\", reviewer: \"budi\",",
            ),
        ] {
            assert_ne!(edited, text);
            assert_eq!(read(&edited), None, "{edited}");
            assert_eq!(general(&edited), Some(sample()), "{edited}");
        }
        // Errors are the general reader's to report.
        for broken in [
            text.replace("start: 26", "start: 026"),
            text.replace("source:", "source: \"x\", source:"),
            text.replace("stance", "quote"),
            text.replace("text: \"Putin\"", "text: \"Putin\", id: 9"),
            text.replace("\"Putin\"", "\"\\u{d800}\""),
            text.replace("Putin\"", "Putin"),
            format!("{text})"),
        ] {
            assert_eq!(read(&broken), None, "{broken}");
        }
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-z “”‘’'\"\\\\\r\n\t\u{0}\u{301}🙂—]{0,12}",
        ]
    }

    prop_compose! {
        fn any_span()(
            id in 0u32..1000, start in 0usize..100_000, len in 0usize..50,
            label in any_text(), text in any_text(), note in any_text(), value in any_text(),
            notes in proptest::collection::vec((any_text(), any_text()), 0..3),
            resource in any_text(), entry_name in any_text(),
            attributes in proptest::collection::btree_map(any_text(), any_text(), 0..3),
        ) -> Span {
            let notes = notes.into_iter().map(|(kind, text)| Note { kind, text }).collect();
            Span { id, start, end: start + len, label, text, note, notes, value, resource, entry_name, attributes }
        }
    }

    prop_compose! {
        fn any_file()(
            format_version in 0u32..5,
            source in any_text(), annotator in any_text(),
            status in prop_oneof![Just(Status::NotStarted), Just(Status::InProgress), Just(Status::Done)],
            spans in proptest::collection::vec(any_span(), 0..6),
            rejected in proptest::collection::vec((0usize..500, 0usize..20, any_text()), 0..3),
            relations in proptest::collection::vec((0u32..9, 0u32..9, any_text()), 0..3),
            rejected_relations in proptest::collection::vec(
                ((0usize..500, 0usize..20, any_text()), (0usize..500, 0usize..20, any_text())),
                0..3,
            ),
        ) -> AnnotationFile {
            AnnotationFile {
                format_version,
                source,
                fingerprint: "sha256:ab".into(),
                offset_unit: OffsetUnit::CodePoint,
                annotator,
                status,
                spans,
                rejected: rejected
                    .into_iter()
                    .map(|(start, len, label)| Rejected { start, end: start + len, label })
                    .collect(),
                relations: relations
                    .into_iter()
                    .map(|(from, to, kind)| Relation { from, to, kind })
                    .collect(),
                rejected_relations: rejected_relations
                    .into_iter()
                    .map(|((from_start, from_len, from_label), (to_start, to_len, kind))| {
                        RejectedRelation {
                            from_start,
                            from_end: from_start + from_len,
                            to_label: from_label.clone(),
                            from_label,
                            to_start,
                            to_end: to_start + to_len,
                            kind,
                        }
                    })
                    .collect(),
                    unknown: Default::default(),
            }
        }
    }

    /// Characters that matter to the grammar, for random edits.
    const EDIT_CHARS: &[char] = &[
        '"', '\\', '(', ')', '[', ']', '{', '}', ',', ':', '/', '*', '#', ' ', '\n', '\r', '0',
        '1', '_', 'x', 'u', 'r', 'n', '\'', '.', '-', '\u{85}', 'é',
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_layout_is_what_ron_writes(file in any_file()) {
            prop_assert_eq!(write(&file), general_write(&file));
        }

        #[test]
        fn written_files_read_back_exactly(file in any_file()) {
            let text = file.to_ron();
            prop_assert_eq!(read(&text), Some(file.clone()));
            prop_assert_eq!(general(&text), Some(file));
        }

        #[test]
        fn an_edited_file_reads_as_the_general_reader_reads_it_or_is_left_to_it(
            file in any_file(),
            edits in proptest::collection::vec(
                (any::<prop::sample::Index>(), 0usize..4, proptest::option::of(prop::sample::select(EDIT_CHARS))),
                1..4,
            ),
        ) {
            let mut chars: Vec<char> = file.to_ron().chars().collect();
            for (at, delete, insert) in edits {
                let at = at.index(chars.len() + 1);
                let end = (at + delete).min(chars.len());
                chars.splice(at..end, insert);
            }
            let text: String = chars.into_iter().collect();
            if let Some(fast) = read(&text) {
                prop_assert_eq!(Some(fast), general(&text), "{}", text);
            }
        }
    }
}
