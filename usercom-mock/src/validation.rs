//! The documented validation of the standard attributes, as the server applies it, and the
//! API versions' names for them.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::store::{one_error, FieldErrors};

/// Standard attributes and their wire types (API v1 names), as documented.
///
/// This list is kept apart from `usercom-table` (the one the client compiles from) on
/// purpose: the embedded server is an independent check of the client, so a mistake in the
/// client's table shows up as a disagreement in tests instead of being copied here.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wire {
    Text,
    /// An identifier (`user_id`, `company_id`): never blank.
    Id,
    Email,
    Name,
    Url,
    Integer,
    Bool,
    Gender,
    Status,
}

const STANDARD: &[(&str, Wire)] = &[
    ("assigned_to", Wire::Integer),
    ("city", Wire::Text),
    ("company_id", Wire::Id),
    ("country", Wire::Text),
    ("email", Wire::Email),
    ("facebook_url", Wire::Url),
    ("first_name", Wire::Name),
    ("gender", Wire::Gender),
    ("google_url", Wire::Url),
    ("gravatar_url", Wire::Url),
    ("last_name", Wire::Name),
    ("linkedin_url", Wire::Url),
    ("notifications", Wire::Bool),
    ("phone_number", Wire::Text),
    ("region", Wire::Text),
    ("score", Wire::Integer),
    ("status", Wire::Status),
    ("timezone", Wire::Text),
    ("twitter_url", Wire::Url),
    ("unsubscribed", Wire::Bool),
    ("user_id", Wire::Id),
];

/// The API version a request speaks: v2 renames `user_id` and `company_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    V1,
    V2,
}

impl Version {
    /// The v1 name of a key this version sends.
    pub(crate) fn v1_name(self, key: &str) -> Option<&'static str> {
        let name = match (self, key) {
            (Version::V2, "custom_id") => "user_id",
            (Version::V2, "company_custom_id") => "company_id",
            (Version::V2, "user_id" | "company_id") => return None,
            _ => key,
        };
        STANDARD.iter().find(|(n, _)| *n == name).map(|(n, _)| *n)
    }
}

/// Checks every standard attribute's wire type and documented limits; unknown keys are
/// ignored, as the API does.
pub(crate) fn validate(
    body: &Value,
    version: Version,
) -> Result<BTreeMap<String, Value>, FieldErrors> {
    let Some(object) = body.as_object() else {
        return Err(one_error(
            "non_field_errors",
            "Invalid data. Expected a dictionary.",
        ));
    };
    let mut errors = FieldErrors::new();
    let mut accepted = BTreeMap::new();
    for (key, value) in object {
        let Some(name) = version.v1_name(key) else {
            continue;
        };
        let wire = STANDARD.iter().find(|(n, _)| *n == name).map(|(_, w)| *w);
        if value.is_null() && wire.is_some() {
            // Every standard attribute is nullable: `null` clears it.
            accepted.insert(name.to_owned(), Value::Null);
            continue;
        }
        match wire.map(|wire| check(wire, value)) {
            Some(Err(message)) => errors.entry(key.clone()).or_default().push(message),
            Some(Ok(())) => {
                accepted.insert(name.to_owned(), value.clone());
            }
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(accepted)
    } else {
        Err(errors)
    }
}

/// Refuses text with an invisible format character (Unicode's category Cf: a zero-width
/// space, a byte order mark, ...), which makes an id or an address differ from what it
/// looks like.
fn visible(text: &str, message: &str) -> Result<(), String> {
    use icu_properties::{props::GeneralCategory, CodePointMapData};
    let categories = CodePointMapData::<GeneralCategory>::new();
    if text
        .chars()
        .any(|c| categories.get(c) == GeneralCategory::Format)
    {
        return Err(message.to_owned());
    }
    Ok(())
}

fn check(wire: Wire, value: &Value) -> Result<(), String> {
    let text = || {
        value
            .as_str()
            .ok_or_else(|| "Not a valid string.".to_owned())
    };
    // Text with a rule is taken exactly as sent: the real server trims white space (so
    // what it stores would differ from what was sent), and the client refuses such values;
    // the mock refuses them too, so that a test cannot pass where production alters data.
    let exact = |text: &str, message: &str| {
        if text.trim() != text || text.chars().any(char::is_control) {
            Err(message.to_owned())
        } else {
            Ok(())
        }
    };
    match wire {
        Wire::Text => text().map(drop),
        Wire::Id => {
            let id = text()?;
            if id.trim().is_empty() {
                return Err("This field may not be blank.".into());
            }
            let inexact = "Enter an id without surrounding white space or hidden characters.";
            exact(id, inexact)?;
            visible(id, inexact)
        }
        Wire::Name => {
            let name = text()?;
            if name.chars().count() > 40 {
                return Err("Ensure this field has no more than 40 characters.".into());
            }
            exact(name, "Enter a name without surrounding white space.")
        }
        Wire::Email => {
            let email = text()?;
            let invalid = || "Enter a valid email address.".to_owned();
            exact(email, &invalid())?;
            visible(email, &invalid())?;
            let mut parts = email.split('@');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(l), Some(d), None)
                    if !l.is_empty() && !d.is_empty() && !email.contains(char::is_whitespace) =>
                {
                    Ok(())
                }
                _ => Err(invalid()),
            }
        }
        Wire::Url => {
            let url = text()?;
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            match rest {
                Some(host)
                    if !host.is_empty()
                        && !host.starts_with(['/', '?', '#'])
                        // No `user:password@` before the host.
                        && !host.split(['/', '?', '#']).next().unwrap_or("").contains('@')
                        && !url.contains(char::is_whitespace)
                        && !url.contains('\\')
                        && !url.contains(char::is_control) =>
                {
                    Ok(())
                }
                _ => Err("Enter a valid URL.".into()),
            }
        }
        Wire::Integer => match value {
            Value::Number(n) if n.is_i64() => Ok(()),
            _ => Err("A valid integer is required.".into()),
        },
        Wire::Bool => match value {
            Value::Bool(_) => Ok(()),
            _ => Err("Must be a valid boolean.".into()),
        },
        Wire::Gender | Wire::Status => {
            let max = if wire == Wire::Gender { 3 } else { 2 };
            match value.as_i64() {
                Some(code) if (1..=max).contains(&code) => Ok(()),
                _ => Err(format!("\"{value}\" is not a valid choice.")),
            }
        }
    }
}
