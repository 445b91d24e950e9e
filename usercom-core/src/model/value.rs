//! The value of a custom attribute, and the integers User.com cannot store.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::ser::Serializer;
use serde::Serialize;

use crate::error::Error;

/// The value of a custom attribute.
///
/// User.com's attribute types are boolean, integer, float, string, date, datetime, json and
/// fixed (a choice list, sent as its string). Convert with `From`/`Into`:
///
/// ```
/// use usercom_core::AttributeValue;
/// assert_eq!(AttributeValue::from(true), AttributeValue::Bool(true));
/// assert_eq!(AttributeValue::from("pro"), AttributeValue::Text("pro".into()));
/// let json = serde_json::json!({"seats": 3});
/// assert_eq!(serde_json::to_value(AttributeValue::from(json.clone())).unwrap(), json);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AttributeValue<'a> {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A float; NaN and infinities are refused by [`CreateUser::validate`](crate::CreateUser::validate).
    Float(f64),
    /// A string (also the value of a "fixed" choice attribute).
    Text(Cow<'a, str>),
    /// A date, sent as `YYYY-MM-DD`.
    Date(NaiveDate),
    /// A date and time with its offset, sent as RFC 3339.
    DateTime(DateTime<FixedOffset>),
    /// A date and time without an offset, sent as `YYYY-MM-DDTHH:MM:SS[.f]`.
    NaiveDateTime(NaiveDateTime),
    /// Any JSON value (for json attributes).
    Json(Cow<'a, serde_json::Value>),
    /// An integer outside the range User.com stores (`i64`), in decimal. It is never sent:
    /// [`CreateUser::validate`](crate::CreateUser::validate) refuses it, as it refuses the same value from the derive.
    OutOfRange(OutOfRange),
}

impl AttributeValue<'_> {
    /// A copy that borrows its string or JSON from `self`.
    pub fn reborrow(&self) -> AttributeValue<'_> {
        match self {
            AttributeValue::Text(t) => AttributeValue::Text(Cow::Borrowed(t)),
            AttributeValue::Json(j) => AttributeValue::Json(Cow::Borrowed(j)),
            AttributeValue::Bool(b) => AttributeValue::Bool(*b),
            AttributeValue::Integer(i) => AttributeValue::Integer(*i),
            AttributeValue::Float(f) => AttributeValue::Float(*f),
            AttributeValue::Date(d) => AttributeValue::Date(*d),
            AttributeValue::DateTime(d) => AttributeValue::DateTime(*d),
            AttributeValue::NaiveDateTime(d) => AttributeValue::NaiveDateTime(*d),
            AttributeValue::OutOfRange(n) => AttributeValue::OutOfRange(n.clone()),
        }
    }

    /// This value with every borrow turned into an owned copy.
    pub fn into_owned(self) -> AttributeValue<'static> {
        match self {
            AttributeValue::Text(t) => AttributeValue::Text(Cow::Owned(t.into_owned())),
            AttributeValue::Json(j) => AttributeValue::Json(Cow::Owned(j.into_owned())),
            AttributeValue::Bool(b) => AttributeValue::Bool(b),
            AttributeValue::Integer(i) => AttributeValue::Integer(i),
            AttributeValue::Float(f) => AttributeValue::Float(f),
            AttributeValue::Date(d) => AttributeValue::Date(d),
            AttributeValue::DateTime(d) => AttributeValue::DateTime(d),
            AttributeValue::NaiveDateTime(d) => AttributeValue::NaiveDateTime(d),
            AttributeValue::OutOfRange(n) => AttributeValue::OutOfRange(n),
        }
    }
}

impl Serialize for AttributeValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttributeValue::Bool(b) => serializer.serialize_bool(*b),
            AttributeValue::Integer(i) => serializer.serialize_i64(*i),
            AttributeValue::Float(f) if f.is_finite() => serializer.serialize_f64(*f),
            AttributeValue::Float(f) => Err(serde::ser::Error::custom(format_args!(
                "{f} cannot be sent: JSON has no NaN or infinity"
            ))),
            AttributeValue::Text(t) => serializer.serialize_str(t),
            AttributeValue::Date(d) => serializer.collect_str(&d.format("%Y-%m-%d")),
            AttributeValue::DateTime(d) => d.serialize(serializer),
            AttributeValue::NaiveDateTime(d) => d.serialize(serializer),
            AttributeValue::Json(j) => j.serialize(serializer),
            AttributeValue::OutOfRange(n) => Err(serde::ser::Error::custom(format_args!(
                "{} is outside the range User.com stores (a 64-bit signed integer)",
                n.0
            ))),
        }
    }
}

macro_rules! attribute_value_from {
    ($($ty:ty => |$v:ident| $e:expr;)+) => {
        $(impl<'a> From<$ty> for AttributeValue<'a> {
            fn from($v: $ty) -> Self { $e }
        })+
    };
}

attribute_value_from! {
    bool => |v| AttributeValue::Bool(v);
    // The shortest decimal that reads back as the same `f32`: widening the bits instead
    // would send `0.1f32` as 0.10000000149011612.
    f32 => |v| AttributeValue::Float(shortest_f64(v));
    f64 => |v| AttributeValue::Float(v);
    &'a str => |v| AttributeValue::Text(Cow::Borrowed(v));
    String => |v| AttributeValue::Text(Cow::Owned(v));
    Cow<'a, str> => |v| AttributeValue::Text(v);
    Box<str> => |v| AttributeValue::Text(Cow::Owned(v.into()));
    std::sync::Arc<str> => |v| AttributeValue::Text(Cow::Owned(v.as_ref().to_owned()));
    std::rc::Rc<str> => |v| AttributeValue::Text(Cow::Owned(v.as_ref().to_owned()));
    NaiveDate => |v| AttributeValue::Date(v);
    NaiveDateTime => |v| AttributeValue::NaiveDateTime(v);
    DateTime<FixedOffset> => |v| AttributeValue::DateTime(v);
    DateTime<chrono::Utc> => |v| AttributeValue::DateTime(v.fixed_offset());
    DateTime<chrono::Local> => |v| AttributeValue::DateTime(v.fixed_offset());
    serde_json::Value => |v| AttributeValue::Json(Cow::Owned(v));
    &'a serde_json::Value => |v| AttributeValue::Json(Cow::Borrowed(v));
}

/// `value` as the `f64` of its shortest decimal form (the one that reads back as `value`).
fn shortest_f64(value: f32) -> f64 {
    if !value.is_finite() {
        return f64::from(value);
    }
    let mut buffer = ryu::Buffer::new();
    buffer
        .format_finite(value)
        .parse()
        .unwrap_or(f64::from(value))
}

/// An integer outside the range User.com stores (`i64`), kept in its decimal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfRange(pub String);

impl OutOfRange {
    /// The invalid-input error for `attribute` holding this value.
    pub fn into_error(self, attribute: impl Into<Cow<'static, str>>) -> Error {
        let integer = self.0.strip_prefix('-').unwrap_or(&self.0);
        let reason = if !integer.is_empty() && integer.bytes().all(|b| b.is_ascii_digit()) {
            "the value is outside the range User.com stores (a 64-bit signed integer)"
        } else {
            "the value cannot be sent exactly: User.com stores it as a 64-bit float, which \
             cannot carry it (round it first, or send it as text)"
        };
        Error::invalid_value_of(attribute, reason, self.0)
    }
}
