//! The one table of User.com's standard user attributes, shared by `usercom-core` (which
//! generates `CreateUser`, its setters, its wire names and its checks from it) and
//! `usercom-derive` (which checks `#[usercom(...)]` against it). Not meant to be used
//! directly: depend on `usercom`.
//!
//! Each row says, once: the attribute's name (the API v1 wire name and the Rust name), its
//! API v2 wire name, its value [`Family`] (which conversion trait a field mapped to it must
//! implement) and the [`Rule`] its value is checked against before sending.
//!
//! ```
//! use usercom_table::{standard, Family, Rule};
//! let user_id = standard("user_id").unwrap();
//! assert_eq!(user_id.wire_v2, "custom_id");
//! assert_eq!(user_id.family, Family::Id);
//! assert_eq!(user_id.rule, Rule::Id);
//! assert!(standard("plan").is_none());
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Longest `first_name` / `last_name` User.com accepts, in characters (documented).
pub const MAX_NAME_CHARS: usize = 40;

/// Longest custom attribute name User.com accepts, in characters (documented).
pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 255;

/// Which Rust types an attribute accepts: each family is one value trait of
/// `usercom::convert`, named by [`Family::trait_name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Strings: `TextValue`.
    Text,
    /// Strings or integers, sent as a string: `IdValue`.
    Id,
    /// Integers within `i64`: `IntegerValue`.
    Integer,
    /// `bool`: `BoolValue`.
    Bool,
    /// `usercom::Gender`: `GenderValue`.
    Gender,
    /// `usercom::Status`: `StatusValue`.
    Status,
}

impl Family {
    /// The conversion trait of `usercom::convert` a field of this family implements.
    pub const fn trait_name(self) -> &'static str {
        match self {
            Family::Text => "TextValue",
            Family::Id => "IdValue",
            Family::Integer => "IntegerValue",
            Family::Bool => "BoolValue",
            Family::Gender => "GenderValue",
            Family::Status => "StatusValue",
        }
    }

    /// The trait's method that gives the value to send.
    pub const fn method(self) -> &'static str {
        match self {
            Family::Text => "to_text",
            Family::Id => "to_id_text",
            Family::Integer => "to_integer",
            Family::Bool => "to_bool",
            Family::Gender => "to_gender",
            Family::Status => "to_status",
        }
    }
}

/// The documented rule a value is checked against before it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// No rule beyond the type.
    Free,
    /// A person's name: at most [`MAX_NAME_CHARS`] characters, sent exactly as given.
    Name,
    /// An email address: one `@` with text on both sides, sent exactly as given.
    Email,
    /// An absolute `http(s)` URL, sent exactly as given.
    Url,
    /// An identifier: never empty or only white space.
    Id,
    /// A known value of an enum (not one only responses produce).
    Known,
}

/// Whether a standard attribute comes back in User.com's user object, so that it can be read
/// into a field (`FromUserComUser`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// The user object has it, under the same name.
    Yes,
    /// The user object does not have it; the text says why (for messages).
    No(&'static str),
}

/// One standard attribute: a row of [`STANDARD`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The name in Rust and on the wire in API version 1 (`user_id`).
    pub name: &'static str,
    /// The name on the wire in API version 2 (`custom_id`).
    pub wire_v2: &'static str,
    /// Which Rust types it accepts.
    pub family: Family,
    /// What its value is checked against.
    pub rule: Rule,
    /// Whether it can be read back from a user.
    pub read: Read,
}

/// Calls the macro `$callback` with every standard attribute, alphabetical as User.com's
/// create-user documentation lists them, one row each:
/// `/// doc` then `name: "v2 wire name", Family, Rule, Read;` where `Read` is `Yes` or
/// `No("why")`. This is the table itself; every
/// other list of the standard attributes (in this crate, in `usercom-core`, in
/// `usercom-derive`) is generated from it.
#[macro_export]
macro_rules! for_each_standard_attribute {
    ($callback:ident) => {
        $callback! {
            /// Id of the agent the user is assigned to.
            assigned_to: "assigned_to", Integer, Free, No("the user object has no `assigned_to`");
            /// City.
            city: "city", Text, Free, Yes;
            /// Adds the user as an employee of the company with this id; never blank.
            company_id: "company_custom_id", Id, Id, No("the user object has no `company_id`: companies come back as the `companies` list");
            /// Country (free text; `"USA"` and ISO-2 codes are both seen).
            country: "country", Text, Free, Yes;
            /// Email address: one `@` with text on both sides.
            email: "email", Text, Email, Yes;
            /// Facebook profile: an absolute http(s) URL.
            facebook_url: "facebook_url", Text, Url, Yes;
            /// First name: at most 40 characters.
            first_name: "first_name", Text, Name, No("the user object has no `first_name`, only the whole `name`");
            /// Gender (sent as 1, 2 or 3).
            gender: "gender", Gender, Known, Yes;
            /// Google profile: an absolute http(s) URL.
            google_url: "google_url", Text, Url, Yes;
            /// Gravatar: an absolute http(s) URL.
            gravatar_url: "gravatar_url", Text, Url, Yes;
            /// Last name: at most 40 characters.
            last_name: "last_name", Text, Name, No("the user object has no `last_name`, only the whole `name`");
            /// LinkedIn profile: an absolute http(s) URL.
            linkedin_url: "linkedin_url", Text, Url, Yes;
            /// Whether the user receives notifications.
            notifications: "notifications", Bool, Free, Yes;
            /// Phone number.
            phone_number: "phone_number", Text, Free, Yes;
            /// Region.
            region: "region", Text, Free, Yes;
            /// Lead score.
            score: "score", Integer, Free, Yes;
            /// Visitor or user (sent as 1 or 2).
            status: "status", Status, Known, Yes;
            /// Time zone.
            timezone: "timezone", Text, Free, Yes;
            /// Twitter profile: an absolute http(s) URL.
            twitter_url: "twitter_url", Text, Url, Yes;
            /// Whether the user unsubscribed from emails.
            unsubscribed: "unsubscribed", Bool, Free, Yes;
            /// The application's own identifier for the user; never blank.
            user_id: "custom_id", Id, Id, No("the user object has no `user_id` (look users up by it with `find_user_by_user_id`)");
        }
    };
}

macro_rules! standard_table {
    ($( $(#[doc = $doc:literal])* $name:ident: $v2:literal, $family:ident, $rule:ident, $read:ident $(($why:literal))?; )+) => {
        /// Every standard attribute a create request may carry, in the table's order.
        pub const STANDARD: &[Attribute] = &[$(
            Attribute {
                name: stringify!($name),
                wire_v2: $v2,
                family: Family::$family,
                rule: Rule::$rule,
                read: Read::$read $(($why))?,
            },
        )+];
    };
}

for_each_standard_attribute!(standard_table);

impl Family {
    /// The trait of `usercom::read` a field of this family is read through, and its
    /// method; `None` for a family that never comes back (ids).
    pub const fn read_trait(self) -> Option<(&'static str, &'static str)> {
        match self {
            Family::Text => Some(("ReadText", "read_text")),
            Family::Integer => Some(("ReadInteger", "read_integer")),
            Family::Bool => Some(("ReadBool", "read_bool")),
            Family::Gender => Some(("ReadGender", "read_gender")),
            Family::Status => Some(("ReadStatus", "read_status")),
            Family::Id => None,
        }
    }
}

/// The standard attribute `name`, if it is one.
pub fn standard(name: &str) -> Option<&'static Attribute> {
    STANDARD.iter().find(|attribute| attribute.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_21_documented_attributes_in_order() {
        assert_eq!(STANDARD.len(), 21);
        assert!(STANDARD.windows(2).all(|w| w[0].name < w[1].name));
        // What the user object carries: every readable attribute's family has a read trait.
        for attribute in STANDARD {
            if attribute.read == Read::Yes {
                assert!(
                    attribute.family.read_trait().is_some(),
                    "{}",
                    attribute.name
                );
            }
        }
        let unreadable: usize = STANDARD.iter().filter(|a| a.read != Read::Yes).count();
        assert_eq!(unreadable, 5);
        let renamed: [(&str, &str); 2] = [
            ("company_id", "company_custom_id"),
            ("user_id", "custom_id"),
        ];
        for attribute in STANDARD {
            let expected = renamed
                .iter()
                .find(|(name, _)| *name == attribute.name)
                .map_or(attribute.name, |(_, v2)| v2);
            assert_eq!(attribute.wire_v2, expected);
        }
    }
}
