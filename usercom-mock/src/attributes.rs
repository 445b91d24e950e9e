//! Custom attribute definitions: what `GET attributes/` lists, and what
//! `set_multiple_attributes` checks names and values against.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{json, Value};

/// A custom attribute definition the server holds, given by a test with
/// [`MockServer::set_attribute_definitions`](crate::MockServer::set_attribute_definitions).
///
/// The server lists it at `GET attributes/` (with an id: its position in the list, from 1);
/// while the server holds any definition, `POST users/<id>/set_multiple_attributes/`
/// accepts only names of `user` definitions, with values of their type.
///
/// ```
/// use usercom_mock::AttributeDefinition;
/// let plan = AttributeDefinition::user("plan", "fixed").choices(["free", "pro"]);
/// assert_eq!(plan.name, "plan");
/// let seats = AttributeDefinition::user("seats", "integer").named("Seats");
/// let revenue = AttributeDefinition::new("revenue", "float", "company");
/// assert_eq!(revenue.content_type, "company");
/// # let _ = seats;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AttributeDefinition {
    /// The display name (`"My Attribute"`).
    pub name: String,
    /// The key requests use (`"my_attribute"`).
    pub name_std: String,
    /// The value type: `boolean`, `integer`, `float`, `string`, `date`, `datetime`, `json`
    /// or `fixed`. Any other text is served as it is, and its values are not checked.
    pub value_type: String,
    /// What it belongs to: `user`, `company`, `deal`, `product`, `ticket`...
    pub content_type: String,
    /// For a `fixed` attribute, the allowed values (`None`: any string). The API does not
    /// list choices, so `GET attributes/` does not show them; `set_multiple_attributes`
    /// checks them.
    pub choices: Option<Vec<String>>,
}

impl AttributeDefinition {
    /// A definition of `content_type`, whose display name is its `name_std`.
    pub fn new(name_std: &str, value_type: &str, content_type: &str) -> AttributeDefinition {
        AttributeDefinition {
            name: name_std.to_owned(),
            name_std: name_std.to_owned(),
            value_type: value_type.to_owned(),
            content_type: content_type.to_owned(),
            choices: None,
        }
    }

    /// A `user` definition, whose display name is its `name_std`.
    pub fn user(name_std: &str, value_type: &str) -> AttributeDefinition {
        AttributeDefinition::new(name_std, value_type, "user")
    }

    /// The same definition with this display name.
    pub fn named(mut self, name: &str) -> AttributeDefinition {
        self.name = name.to_owned();
        self
    }

    /// The same definition with these allowed values (for a `fixed` attribute).
    pub fn choices<I, S>(mut self, choices: I) -> AttributeDefinition
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.choices = Some(choices.into_iter().map(Into::into).collect());
        self
    }

    /// The object `GET attributes/` lists for it, with `id`.
    pub(crate) fn to_json(&self, id: u64) -> Value {
        json!({
            "id": id,
            "name": self.name,
            "name_std": self.name_std,
            "value_type": self.value_type,
            "content_type": self.content_type,
        })
    }

    /// Whether `value` may be set on this attribute; else the message a 400 gives. `null`
    /// (clearing the value) is taken for every type.
    pub(crate) fn check(&self, value: &Value) -> Result<(), String> {
        if value.is_null() {
            return Ok(());
        }
        let text = value.as_str();
        let ok = match self.value_type.as_str() {
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "float" => value.is_number(),
            "string" => text.is_some(),
            "date" => text.is_some_and(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok()),
            "datetime" => text.is_some_and(is_datetime),
            "fixed" => match (text, &self.choices) {
                (Some(text), Some(choices)) => choices.iter().any(|c| c == text),
                (Some(_), None) => true,
                (None, _) => false,
            },
            _ => true,
        };
        if ok {
            return Ok(());
        }
        Err(match self.value_type.as_str() {
            "boolean" => "Must be a valid boolean.".to_owned(),
            "integer" => "Enter a whole number.".to_owned(),
            "float" => "Enter a number.".to_owned(),
            "string" => "Not a valid string.".to_owned(),
            "date" => "Enter a valid date.".to_owned(),
            "datetime" => "Enter a valid date/time.".to_owned(),
            _ => format!("Select a valid choice. {value} is not one of the available choices."),
        })
    }
}

/// RFC 3339, or a date and time without an offset (`T` or a space between them).
fn is_datetime(text: &str) -> bool {
    DateTime::parse_from_rfc3339(text).is_ok()
        || ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .any(|format| NaiveDateTime::parse_from_str(text, format).is_ok())
}

/// The page of `GET attributes/` that starts at `cursor` (from the query string), with
/// `page_size` definitions at most and absolute `next`/`previous` links under `base_url`;
/// `None` for a cursor the server did not give out.
pub(crate) fn page(
    definitions: &[AttributeDefinition],
    query: Option<&str>,
    page_size: usize,
    base_url: &str,
) -> Option<Value> {
    let cursor = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|pair| pair.strip_prefix("cursor="));
    let start = match cursor {
        None => 0,
        Some(c) if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) => c.parse().ok()?,
        Some(_) => return None,
    };
    if start > definitions.len() {
        return None;
    }
    let page_size = page_size.max(1);
    let end = start.saturating_add(page_size).min(definitions.len());
    let link = |at: usize| match at {
        0 => format!("{base_url}attributes/"),
        at => format!("{base_url}attributes/?cursor={at}"),
    };
    let results: Vec<Value> = definitions[start..end]
        .iter()
        .enumerate()
        .map(|(i, d)| d.to_json((start + i + 1) as u64))
        .collect();
    Some(json!({
        "count": definitions.len(),
        "next": (end < definitions.len()).then(|| link(end)),
        "previous": (start > 0).then(|| link(start.saturating_sub(page_size))),
        "results": results,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_against_the_type() {
        let check = |value_type: &str, value: Value| {
            AttributeDefinition::user("a", value_type).check(&value)
        };
        for (value_type, good, bad, message) in [
            (
                "boolean",
                json!(true),
                json!("true"),
                "Must be a valid boolean.",
            ),
            ("integer", json!(-3), json!(1.5), "Enter a whole number."),
            (
                "integer",
                json!(u64::MAX),
                json!("3"),
                "Enter a whole number.",
            ),
            ("float", json!(1.5), json!("1.5"), "Enter a number."),
            ("string", json!("x"), json!(1), "Not a valid string."),
            (
                "date",
                json!("2024-02-29"),
                json!("2023-02-29"),
                "Enter a valid date.",
            ),
            (
                "datetime",
                json!("2024-01-01T10:00:00+02:00"),
                json!("2024-01-01"),
                "Enter a valid date/time.",
            ),
            (
                "datetime",
                json!("2024-01-01T10:00:00.5"),
                json!(12),
                "Enter a valid date/time.",
            ),
            (
                "fixed",
                json!("pro"),
                json!(1),
                "Select a valid choice. 1 is not one of the available choices.",
            ),
        ] {
            assert_eq!(
                check(value_type, good.clone()),
                Ok(()),
                "{value_type} {good}"
            );
            assert_eq!(
                check(value_type, bad.clone()),
                Err(message.to_owned()),
                "{value_type} {bad}"
            );
            assert_eq!(check(value_type, Value::Null), Ok(()));
        }
        assert_eq!(check("json", json!({"a": [1]})), Ok(()));
        assert_eq!(
            check("money", json!([])),
            Ok(()),
            "unknown types are not checked"
        );
        let plan = AttributeDefinition::user("plan", "fixed").choices(["free", "pro"]);
        assert_eq!(plan.check(&json!("pro")), Ok(()));
        assert_eq!(
            plan.check(&json!("gold")),
            Err("Select a valid choice. \"gold\" is not one of the available choices.".into())
        );
    }

    #[test]
    fn pages_link_to_each_other() {
        let definitions: Vec<_> = (0..5)
            .map(|i| AttributeDefinition::user(&format!("a{i}"), "string"))
            .collect();
        let base = "http://127.0.0.1:1/api/public/";
        let first = page(&definitions, None, 2, base).unwrap();
        assert_eq!(first["count"], 5);
        assert_eq!(first["previous"], Value::Null);
        assert_eq!(first["next"], format!("{base}attributes/?cursor=2"));
        assert_eq!(first["results"][1]["id"], 2);
        let last = page(&definitions, Some("x=1&cursor=4"), 2, base).unwrap();
        assert_eq!(last["next"], Value::Null);
        assert_eq!(last["previous"], format!("{base}attributes/?cursor=2"));
        assert_eq!(last["results"].as_array().unwrap().len(), 1);
        assert_eq!(last["results"][0]["name_std"], "a4");
        let second = page(&definitions, Some("cursor=1"), 2, base).unwrap();
        assert_eq!(second["previous"], format!("{base}attributes/"));
        for bad in [
            "cursor=",
            "cursor=-1",
            "cursor=6",
            "cursor=99999999999999999999999",
        ] {
            assert_eq!(page(&definitions, Some(bad), 2, base), None, "{bad}");
        }
        let empty = page(&[], None, 100, base).unwrap();
        assert_eq!(
            empty,
            json!({"count": 0, "next": null, "previous": null, "results": []})
        );
        assert_eq!(
            page(&definitions, None, 0, base).unwrap()["results"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
