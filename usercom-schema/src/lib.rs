//! `usercom.schema.json`: the custom user attributes of a User.com app, committed next to
//! a crate's `Cargo.toml` so that `#[derive(IntoUserComUser)]` can check
//! `#[usercom(attribute = "...")]` mappings against them at compile time, and written by
//! `usercom schema pull`.
//!
//! The file is a JSON object with one key, `attributes`: every `user` attribute of the app,
//! sorted by `name_std`, each with `name_std` (the key requests use), `name` (the display
//! name), `value_type` and, for `fixed` attributes, an optional `choices` list (User.com's
//! API does not expose choices: they are written by hand, and `pull` keeps them).
//!
//! ```
//! use usercom_schema::{Schema, ValueType};
//! let schema = Schema::parse(r#"{"attributes": [
//!     {"name_std": "plan", "name": "Plan", "value_type": "fixed", "choices": ["free", "pro"]},
//!     {"name_std": "seats", "name": "Seats", "value_type": "integer"}
//! ]}"#)?;
//! assert_eq!(schema.get("seats").unwrap().value_type, ValueType::Integer);
//! assert_eq!(schema.to_json(), Schema::parse(&schema.to_json())?.to_json());
//! # Ok::<(), usercom_schema::ParseError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::fmt;

use json::Value;

mod json;

/// The file name the derive looks for next to `Cargo.toml` when nothing else is configured.
pub const DEFAULT_FILE_NAME: &str = "usercom.schema.json";

/// The environment variable that names the schema file (relative to the crate's manifest
/// directory, or absolute).
pub const ENV_VAR: &str = "USERCOM_SCHEMA";

/// The value type of a custom attribute, as User.com defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueType {
    /// `boolean`.
    Boolean,
    /// `integer`.
    Integer,
    /// `float`.
    Float,
    /// `string`.
    String,
    /// `date`.
    Date,
    /// `datetime`.
    DateTime,
    /// `json`.
    Json,
    /// `fixed`: one of a list of choices.
    Fixed,
}

impl ValueType {
    /// Every value type, in User.com's order.
    pub const ALL: [ValueType; 8] = [
        ValueType::Boolean,
        ValueType::Integer,
        ValueType::Float,
        ValueType::String,
        ValueType::Date,
        ValueType::DateTime,
        ValueType::Json,
        ValueType::Fixed,
    ];

    /// The name User.com uses (`"datetime"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ValueType::Boolean => "boolean",
            ValueType::Integer => "integer",
            ValueType::Float => "float",
            ValueType::String => "string",
            ValueType::Date => "date",
            ValueType::DateTime => "datetime",
            ValueType::Json => "json",
            ValueType::Fixed => "fixed",
        }
    }

    /// The value type User.com calls `name`.
    pub fn from_name(name: &str) -> Option<ValueType> {
        ValueType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One custom attribute of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The key requests use (`"plan"`).
    pub name_std: String,
    /// The display name (`"Plan"`).
    pub name: String,
    /// Its value type.
    pub value_type: ValueType,
    /// For `fixed` attributes, the choices, when written by hand (`None`: not checked).
    pub choices: Option<Vec<String>>,
}

/// The app's custom user attributes, by `name_std`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    attributes: BTreeMap<String, Attribute>,
}

/// Why a schema file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Not JSON: what is wrong (in serde_json's words), with the 1-based line and column.
    Json {
        /// What the JSON parser said.
        message: String,
        /// The line of the error (1-based).
        line: usize,
        /// The column of the error (1-based).
        column: usize,
    },
    /// JSON, but not a schema: what is wrong, and where (`attributes[3].value_type`).
    Shape {
        /// The JSON path of the problem.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Json {
                message,
                line,
                column,
            } => write!(
                f,
                "not valid JSON at line {line}, column {column}: {message}"
            ),
            ParseError::Shape { path, message } => write!(f, "at `{path}`: {message}"),
        }
    }
}

impl std::error::Error for ParseError {}

fn shape(path: impl Into<String>, message: impl Into<String>) -> ParseError {
    ParseError::Shape {
        path: path.into(),
        message: message.into(),
    }
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Reads a schema file's text.
    pub fn parse(text: &str) -> Result<Schema, ParseError> {
        let value = json::parse(text).map_err(|e| ParseError::Json {
            message: e.message.to_owned(),
            line: e.line,
            column: e.column,
        })?;
        let Value::Object(mut root) = value else {
            return Err(shape(".", "expected an object with the key `attributes`"));
        };
        let attributes = match root.remove("attributes") {
            Some(Value::Array(items)) => items,
            Some(_) => return Err(shape("attributes", "expected an array")),
            None => return Err(shape(".", "the key `attributes` is missing")),
        };
        if let Some(key) = root.keys().next() {
            return Err(shape(
                key.as_str(),
                "unknown key; the file has only `attributes`",
            ));
        }
        let mut schema = Schema::new();
        for (index, item) in attributes.into_iter().enumerate() {
            let at = |field: &str| format!("attributes[{index}]{field}");
            let Value::Object(mut item) = item else {
                return Err(shape(at(""), "expected an object"));
            };
            let mut text = |field: &str| match item.remove(field) {
                Some(Value::String(s)) if !s.is_empty() => Ok(s),
                Some(_) => Err(shape(
                    at(&format!(".{field}")),
                    "expected a non-empty string",
                )),
                None => Err(shape(at(""), format!("the key `{field}` is missing"))),
            };
            let name_std = text("name_std")?;
            let name = text("name")?;
            let value_type = text("value_type")?;
            let value_type = ValueType::from_name(&value_type).ok_or_else(|| {
                shape(
                    at(".value_type"),
                    format!(
                        "unknown value type {value_type:?}; expected one of {}",
                        ValueType::ALL.map(ValueType::as_str).join(", ")
                    ),
                )
            })?;
            let choices = match item.remove("choices") {
                None | Some(Value::Null) => None,
                Some(Value::Array(items)) => Some(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, choice)| match choice {
                            Value::String(s) => Ok(s),
                            _ => Err(shape(at(&format!(".choices[{i}]")), "expected a string")),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                Some(_) => return Err(shape(at(".choices"), "expected an array of strings")),
            };
            if choices.is_some() && value_type != ValueType::Fixed {
                return Err(shape(
                    at(".choices"),
                    "only `fixed` attributes have choices",
                ));
            }
            if let Some(key) = item.keys().next() {
                return Err(shape(
                    at(&format!(".{key}")),
                    "unknown key; an attribute has `name_std`, `name`, `value_type` and `choices`",
                ));
            }
            if schema.attributes.contains_key(&name_std) {
                return Err(shape(
                    at(".name_std"),
                    format!("`{name_std}` is listed twice"),
                ));
            }
            schema.insert(Attribute {
                name_std,
                name,
                value_type,
                choices,
            });
        }
        Ok(schema)
    }

    /// The attribute whose `name_std` is `name`.
    pub fn get(&self, name: &str) -> Option<&Attribute> {
        self.attributes.get(name)
    }

    /// Adds or replaces an attribute.
    pub fn insert(&mut self, attribute: Attribute) {
        self.attributes
            .insert(attribute.name_std.clone(), attribute);
    }

    /// The attributes, sorted by `name_std`.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.values()
    }

    /// How many attributes there are.
    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// The file's text: sorted by `name_std`, two-space indentation, one key per line, a
    /// final newline, so that a change reads well in review.
    pub fn to_json(&self) -> String {
        // Written by hand so that each attribute's keys keep their reading order.
        let quote = json::quote;
        let mut out = String::from("{\n  \"attributes\": [");
        for (index, attribute) in self.attributes().enumerate() {
            out.push_str(if index == 0 { "\n" } else { ",\n" });
            out.push_str(&format!(
                "    {{\n      \"name_std\": {},\n      \"name\": {},\n      \"value_type\": {}",
                quote(&attribute.name_std),
                quote(&attribute.name),
                quote(attribute.value_type.as_str())
            ));
            if let Some(choices) = &attribute.choices {
                out.push_str(",\n      \"choices\": [");
                for (i, choice) in choices.iter().enumerate() {
                    out.push_str(if i == 0 { "\n        " } else { ",\n        " });
                    out.push_str(&quote(choice));
                }
                out.push_str(if choices.is_empty() { "]" } else { "\n      ]" });
            }
            out.push_str("\n    }");
        }
        out.push_str(if self.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    /// This schema updated from the app's current attribute list (`pulled`, which has no
    /// choices): everything as `pulled` says, but the hand-written `choices` of an attribute
    /// that is still `fixed` are kept.
    pub fn merged_with_pulled(&self, pulled: &Schema) -> Schema {
        let mut merged = pulled.clone();
        for attribute in merged.attributes.values_mut() {
            if attribute.value_type != ValueType::Fixed || attribute.choices.is_some() {
                continue;
            }
            if let Some(old) = self.get(&attribute.name_std) {
                if old.value_type == ValueType::Fixed {
                    attribute.choices.clone_from(&old.choices);
                }
            }
        }
        merged
    }

    /// What changed from `self` (the committed file) to `app` (the app now): added, removed
    /// and retyped attributes, and renamed display names. Choices are not compared (the app
    /// does not expose them).
    pub fn diff(&self, app: &Schema) -> Vec<Change> {
        let mut changes = Vec::new();
        for (name, attribute) in &app.attributes {
            match self.get(name) {
                None => changes.push(Change::Added(attribute.clone())),
                Some(old) if old.value_type != attribute.value_type => {
                    changes.push(Change::Retyped {
                        name_std: name.clone(),
                        from: old.value_type,
                        to: attribute.value_type,
                    })
                }
                Some(old) if old.name != attribute.name => changes.push(Change::Renamed {
                    name_std: name.clone(),
                    from: old.name.clone(),
                    to: attribute.name.clone(),
                }),
                Some(_) => {}
            }
        }
        for (name, attribute) in &self.attributes {
            if !app.attributes.contains_key(name) {
                changes.push(Change::Removed(attribute.clone()));
            }
        }
        changes.sort_by(|a, b| a.name_std().cmp(b.name_std()));
        changes
    }
}

/// One difference between the committed schema and the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The app has an attribute the file does not.
    Added(Attribute),
    /// The file has an attribute the app no longer has.
    Removed(Attribute),
    /// The attribute's value type changed.
    Retyped {
        /// The attribute.
        name_std: String,
        /// Its type in the file.
        from: ValueType,
        /// Its type in the app.
        to: ValueType,
    },
    /// The attribute's display name changed.
    Renamed {
        /// The attribute.
        name_std: String,
        /// Its display name in the file.
        from: String,
        /// Its display name in the app.
        to: String,
    },
}

impl Change {
    /// The attribute the change is about.
    pub fn name_std(&self) -> &str {
        match self {
            Change::Added(a) | Change::Removed(a) => &a.name_std,
            Change::Retyped { name_std, .. } | Change::Renamed { name_std, .. } => name_std,
        }
    }
}

impl fmt::Display for Change {
    /// One line of a readable diff: `+ plan (fixed)`, `- seats (integer)`,
    /// `~ score: integer -> float`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Added(a) => write!(f, "+ {} ({}) added in the app", a.name_std, a.value_type),
            Change::Removed(a) => {
                write!(
                    f,
                    "- {} ({}) removed from the app",
                    a.name_std, a.value_type
                )
            }
            Change::Retyped { name_std, from, to } => {
                write!(f, "~ {name_std}: value type {from} -> {to}")
            }
            Change::Renamed { name_std, from, to } => {
                write!(f, "~ {name_std}: display name {from:?} -> {to:?}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(name: &str, value_type: ValueType) -> Attribute {
        Attribute {
            name_std: name.into(),
            name: name.to_uppercase(),
            value_type,
            choices: None,
        }
    }

    #[test]
    fn round_trips_sorted_with_stable_formatting() {
        let text = r#"{"attributes": [
            {"name_std": "seats", "name": "Seats", "value_type": "integer"},
            {"name_std": "plan", "name": "Plan", "value_type": "fixed", "choices": ["free", "pro"]}
        ]}"#;
        let schema = Schema::parse(text).unwrap();
        assert_eq!(
            schema.to_json(),
            "{\n  \"attributes\": [\n    {\n      \"name_std\": \"plan\",\n      \"name\": \"Plan\",\n      \"value_type\": \"fixed\",\n      \"choices\": [\n        \"free\",\n        \"pro\"\n      ]\n    },\n    {\n      \"name_std\": \"seats\",\n      \"name\": \"Seats\",\n      \"value_type\": \"integer\"\n    }\n  ]\n}\n"
        );
        assert_eq!(Schema::parse(&schema.to_json()).unwrap(), schema);
        assert_eq!(Schema::new().to_json(), "{\n  \"attributes\": []\n}\n");
        assert_eq!(
            Schema::parse(&Schema::new().to_json()).unwrap(),
            Schema::new()
        );
    }

    #[test]
    fn malformed_files_say_where() {
        assert_eq!(
            Schema::parse("{\n  \"attributes\": [\n    {\"name_std\": \"plan\",}\n  ]\n}"),
            Err(ParseError::Json {
                message: "trailing comma".into(),
                line: 3,
                column: 25
            })
        );
        let err = Schema::parse(
            r#"{"attributes": [{"name_std": "a", "name": "A", "value_type": "number"}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "at `attributes[0].value_type`: unknown value type \"number\"; expected one of \
             boolean, integer, float, string, date, datetime, json, fixed"
        );
        for (text, expected) in [
            ("[]", "at `.`: expected an object with the key `attributes`"),
            ("{}", "at `.`: the key `attributes` is missing"),
            (
                r#"{"attributes": [], "x": 1}"#,
                "at `x`: unknown key; the file has only `attributes`",
            ),
            (
                r#"{"attributes": [{"name_std": "a", "name": "A", "value_type": "string", "choices": ["x"]}]}"#,
                "at `attributes[0].choices`: only `fixed` attributes have choices",
            ),
            (
                r#"{"attributes": [{"name_std": "a", "name": "A", "value_type": "string"}, {"name_std": "a", "name": "B", "value_type": "string"}]}"#,
                "at `attributes[1].name_std`: `a` is listed twice",
            ),
            (
                r#"{"attributes": [{"name": "A", "value_type": "string"}]}"#,
                "at `attributes[0]`: the key `name_std` is missing",
            ),
        ] {
            assert_eq!(
                Schema::parse(text).unwrap_err().to_string(),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn a_pull_keeps_hand_written_choices_while_the_attribute_stays_fixed() {
        let mut committed = Schema::new();
        committed.insert(Attribute {
            choices: Some(vec!["free".into(), "pro".into()]),
            ..attribute("plan", ValueType::Fixed)
        });
        committed.insert(Attribute {
            choices: Some(vec!["a".into()]),
            ..attribute("tier", ValueType::Fixed)
        });
        let mut pulled = Schema::new();
        pulled.insert(attribute("plan", ValueType::Fixed));
        pulled.insert(attribute("tier", ValueType::String));
        let merged = committed.merged_with_pulled(&pulled);
        assert_eq!(
            merged.get("plan").unwrap().choices,
            Some(vec!["free".into(), "pro".into()])
        );
        assert_eq!(merged.get("tier").unwrap().choices, None);
    }

    #[test]
    fn diff_reports_each_kind_of_drift() {
        let mut file = Schema::new();
        file.insert(attribute("gone", ValueType::Boolean));
        file.insert(attribute("score2", ValueType::Integer));
        file.insert(attribute("same", ValueType::String));
        file.insert(attribute("label", ValueType::String));
        let mut app = Schema::new();
        app.insert(attribute("new", ValueType::Date));
        app.insert(attribute("score2", ValueType::Float));
        app.insert(attribute("same", ValueType::String));
        app.insert(Attribute {
            name: "Label".into(),
            ..attribute("label", ValueType::String)
        });
        let lines: Vec<String> = file.diff(&app).iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "- gone (boolean) removed from the app",
                "~ label: display name \"LABEL\" -> \"Label\"",
                "+ new (date) added in the app",
                "~ score2: value type integer -> float",
            ]
        );
        assert_eq!(file.diff(&file), vec![]);
    }
}
