//! The one table of User.com's standard attributes (the seed's list) and what each accepts.

/// Which Rust types an attribute accepts; each family is one value trait of
/// `usercom::convert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// Strings: `TextValue`.
    Text,
    /// Strings or integers, sent as a string: `IdValue`.
    Id,
    /// Integers within i64: `IntegerValue`.
    Integer,
    /// `bool`: `BoolValue`.
    Bool,
    /// `usercom::Gender`: `GenderValue`.
    Gender,
    /// `usercom::Status`: `StatusValue`.
    Status,
}

use Family::*;

/// Every standard attribute a create request may carry, alphabetical as the seed lists them.
pub(crate) const STANDARD: &[(&str, Family)] = &[
    ("assigned_to", Integer),
    ("city", Text),
    ("company_id", Id),
    ("country", Text),
    ("email", Text),
    ("facebook_url", Text),
    ("first_name", Text),
    ("gender", Gender),
    ("google_url", Text),
    ("gravatar_url", Text),
    ("last_name", Text),
    ("linkedin_url", Text),
    ("notifications", Bool),
    ("phone_number", Text),
    ("region", Text),
    ("score", Integer),
    ("status", Status),
    ("timezone", Text),
    ("twitter_url", Text),
    ("unsubscribed", Bool),
    ("user_id", Id),
];

/// The family of the standard attribute `name`, if it is one.
pub(crate) fn family(name: &str) -> Option<Family> {
    STANDARD
        .iter()
        .find(|(standard, _)| *standard == name)
        .map(|(_, family)| *family)
}

/// The standard attribute names, for messages.
pub(crate) fn names() -> String {
    STANDARD
        .iter()
        .map(|(name, _)| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
