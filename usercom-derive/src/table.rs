//! The standard attributes, from the one table in `usercom-table` that `usercom-core`
//! generates `CreateUser` from, and the derive's own keywords.

pub(crate) use usercom_table::{Family, MAX_ATTRIBUTE_NAME_CHARS};

/// Field-level keywords, besides the standard attribute names.
pub(crate) mod keyword {
    /// `#[usercom(attribute = "plan")]`: a custom attribute.
    pub(crate) const ATTRIBUTE: &str = "attribute";
    /// `#[usercom(flatten)]`: a field whose type maps its own fields.
    pub(crate) const FLATTEN: &str = "flatten";
    /// `#[usercom(email, with = path)]`: a conversion function.
    pub(crate) const WITH: &str = "with";
    /// `#[usercom(crate = path)]` on the struct: where the usercom crate is.
    pub(crate) const CRATE: &str = "crate";
    /// `#[usercom(schema = "path")]` on the struct: the app's schema file.
    pub(crate) const SCHEMA: &str = "schema";
    /// `#[usercom(email, from = path)]`: the inverse of `with`, for reading back.
    pub(crate) const FROM: &str = "from";
    /// `#[usercom(default)]` / `default = path`: a field's value when it is not read.
    pub(crate) const DEFAULT: &str = "default";
    /// `#[usercom(first_name, write_only)]`: sent, never read back.
    pub(crate) const WRITE_ONLY: &str = "write_only";
    /// `#[usercom(event = "order_placed")]` on an event's struct: the event's name.
    pub(crate) const EVENT: &str = "event";
    /// `#[usercom(data)]` / `data = "name"` on an event's field: a data value.
    pub(crate) const DATA: &str = "data";
    /// `#[usercom(timestamp)]` on an event's field: when the event happened.
    pub(crate) const TIMESTAMP: &str = "timestamp";
    /// The field-level keywords, for "did you mean" hints.
    pub(crate) const FIELD: &[&str] = &[ATTRIBUTE, FLATTEN, WITH, FROM, DEFAULT, WRITE_ONLY];
}

/// The family of the standard attribute `name`, if it is one.
pub(crate) fn family(name: &str) -> Option<Family> {
    usercom_table::standard(name).map(|attribute| attribute.family)
}

/// The standard attribute names, in the table's order.
pub(crate) fn standard_names() -> impl Iterator<Item = &'static str> {
    usercom_table::STANDARD
        .iter()
        .map(|attribute| attribute.name)
}

/// The standard attribute names, for messages.
pub(crate) fn names() -> String {
    standard_names()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
