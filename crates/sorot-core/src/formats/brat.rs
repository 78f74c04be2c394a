//! What brat's import and export share: the names brat gives things, and
//! the value a binary attribute has in Sorot.

/// The value a binary brat attribute (one without a value: `A1 <tab>
/// Negated T3`) has in Sorot; the export writes an attribute with this
/// value without one again.
pub(crate) const BINARY: &str = "true";

/// The type of brat's normalizations (`N1 <tab> Reference T1 ...`).
pub(crate) const NORMALIZATION: &str = "Reference";

/// The resource of the normalizations that carry Sorot's own values
/// (`Sorot:Vladimir_Putin`).
pub(crate) const SOROT: &str = "Sorot";

/// Whether brat can name a type, an attribute or a relation `name`:
/// brat's configuration stores names of ASCII letters, digits, `_` and `-`
/// only, and reads any other as another name.
pub(crate) fn is_brat_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
