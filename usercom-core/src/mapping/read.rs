//! How a [`User`] becomes your own type: [`FromUserComUser`], which
//! `#[derive(FromUserComUser)]` implements from the same `#[usercom(...)]` attributes as
//! `IntoUserComUser`, and the traits that say which field types each attribute can be read
//! into.
//!
//! Not every attribute a create request takes comes back: User.com's user object has no
//! `first_name` / `last_name` (only `name`), no `assigned_to`, no `user_id`, and
//! `company_id` comes back as a `companies` list. The derive refuses to read those (mark the
//! field `write_only`); it never guesses.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use crate::{Error, Gender, Status, User};

/// A type that can be read from a User.com [`User`]: a struct with
/// `#[derive(FromUserComUser)]`.
///
/// ```
/// use usercom_core::{Error, FromUserComUser, User};
/// struct Contact { email: Option<String> }
/// impl FromUserComUser for Contact {
///     fn from_user(user: &User) -> Result<Self, Error> {
///         Ok(Contact { email: user.email.clone() })
///     }
///     fn update_from_user(&mut self, user: &User) -> Result<(), Error> {
///         self.email = user.email.clone();
///         Ok(())
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a User.com user",
    label = "`{Self}` does not implement `FromUserComUser`",
    note = "add `#[derive(FromUserComUser)]` to `{Self}` (it reads the fields its `#[usercom(...)]` attributes map)"
)]
pub trait FromUserComUser: Sized {
    /// A new value from `user`: each mapped field read from the user, the others from
    /// their defaults.
    fn from_user(user: &User) -> Result<Self, Error>;

    /// Writes only the mapped fields of `self` from `user`, leaving the others (a password
    /// hash, a database id) as they are. On an error, `self`'s own fields are unchanged.
    fn update_from_user(&mut self, user: &User) -> Result<(), Error>;
}

/// A flattened part that may be absent: read, it is always `Some`.
impl<T: FromUserComUser> FromUserComUser for Option<T> {
    fn from_user(user: &User) -> Result<Self, Error> {
        T::from_user(user).map(Some)
    }

    fn update_from_user(&mut self, user: &User) -> Result<(), Error> {
        match self {
            Some(value) => value.update_from_user(user),
            None => {
                *self = Some(T::from_user(user)?);
                Ok(())
            }
        }
    }
}

impl<T: FromUserComUser> FromUserComUser for Box<T> {
    fn from_user(user: &User) -> Result<Self, Error> {
        T::from_user(user).map(Box::new)
    }

    fn update_from_user(&mut self, user: &User) -> Result<(), Error> {
        (**self).update_from_user(user)
    }
}

/// Why a value could not be read into a field, for [`Error::Read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadProblem(pub String);

impl ReadProblem {
    /// The value is absent (or `null`) but the field is not an `Option`.
    pub fn missing() -> Self {
        ReadProblem("the user has no value for it; make the field an `Option` to allow that".into())
    }

    /// The value has the wrong JSON type.
    pub fn expected(what: &str, found: &Value) -> Self {
        ReadProblem(format!("expected {what}, found {}", json_type(found)))
    }

    /// The error for `attribute` read into `field`.
    pub fn into_error(self, attribute: &str, field: &'static str) -> Error {
        Error::Read {
            attribute: attribute.to_owned(),
            field,
            problem: self.0,
        }
    }
}

/// The JSON type of `value`, in words, with the value for scalars that are not text
/// (`a JSON number (12.5)`).
pub fn json_type(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a JSON boolean ({b})"),
        Value::Number(n) => format!("a JSON number ({n})"),
        Value::String(_) => "a JSON string".into(),
        Value::Array(_) => "a JSON array".into(),
        Value::Object(_) => "a JSON object".into(),
    }
}

macro_rules! read_trait {
    (
        $(#[$meta:meta])*
        pub trait $trait:ident { fn $method:ident(value: $input:ty) -> Result<Self, ReadProblem>; }
    ) => {
        $(#[$meta])*
        pub trait $trait<A>: Sized {
            /// The field's value from what the user has (`None`: absent or `null`).
            fn $method(value: Option<$input>) -> Result<Self, ReadProblem>;

            /// Used by `Option<Self>` for a value that is absent or `null`: `None`, except
            /// for an `Option` (so that `Option<Option<T>>` reads `null` as `Some(None)`).
            #[doc(hidden)]
            #[inline]
            fn __inside_none() -> Option<Self> {
                None
            }
        }

        /// `None` for a value absent or `null`; an `Option<Option<T>>` reads it as
        /// `Some(None)`.
        #[diagnostic::do_not_recommend]
        impl<A, T: $trait<A>> $trait<A> for Option<T> {
            fn $method(value: Option<$input>) -> Result<Self, ReadProblem> {
                match value {
                    None => Ok(T::__inside_none()),
                    Some(value) => T::$method(Some(value)).map(Some),
                }
            }
            fn __inside_none() -> Option<Self> {
                Some(None)
            }
        }

        #[diagnostic::do_not_recommend]
        impl<A, T: $trait<A>> $trait<A> for Box<T> {
            fn $method(value: Option<$input>) -> Result<Self, ReadProblem> {
                T::$method(value).map(Box::new)
            }
            fn __inside_none() -> Option<Self> {
                T::__inside_none().map(Box::new)
            }
        }
    };
}

read_trait! {
    /// Types a text attribute (`email`, `city`, the `*_url`s, ...) can be read into: the
    /// owned text types, and `Option`s of them.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be read back from the User.com attribute `{A}`",
        label = "not an owned string type",
        note = "text attributes are read into `String`, `Box<str>`, `Arc<str>`, `Rc<str>` or `Cow<str>` (owned), or an `Option` of one; a reference such as `&str` cannot hold a value read from User.com",
        note = "use an owned type, or convert with `#[usercom(..., with = to_text, from = from_text)]`, or mark the field `write_only`"
    )]
    pub trait ReadText { fn read_text(value: &str) -> Result<Self, ReadProblem>; }
}

read_trait! {
    /// Types `score` can be read into: the integer types (a value that does not fit is an
    /// error, never truncated).
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be read back from the User.com attribute `{A}`, which holds an integer",
        label = "not an integer type",
        note = "use an integer type, or convert with `#[usercom(..., with = to_number, from = from_number)]`, or mark the field `write_only`"
    )]
    pub trait ReadInteger { fn read_integer(value: i64) -> Result<Self, ReadProblem>; }
}

read_trait! {
    /// Types `notifications` and `unsubscribed` can be read into: `bool`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be read back from the User.com attribute `{A}`, which holds a `bool`",
        label = "not `bool`",
        note = "use `bool`, or mark the field `write_only`"
    )]
    pub trait ReadBool { fn read_bool(value: bool) -> Result<Self, ReadProblem>; }
}

read_trait! {
    /// Types `gender` can be read into: [`Gender`].
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be read back from the User.com attribute `{A}`, which holds a `usercom::Gender`",
        label = "not `usercom::Gender`",
        note = "use `usercom::Gender`, or convert with `#[usercom(gender, with = to_gender, from = from_gender)]`"
    )]
    pub trait ReadGender { fn read_gender(value: Gender) -> Result<Self, ReadProblem>; }
}

read_trait! {
    /// Types `status` can be read into: [`Status`].
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be read back from the User.com attribute `{A}`, which holds a `usercom::Status`",
        label = "not `usercom::Status`",
        note = "use `usercom::Status`, or convert with `#[usercom(status, with = to_status, from = from_status)]`"
    )]
    pub trait ReadStatus { fn read_status(value: Status) -> Result<Self, ReadProblem>; }
}

read_trait! {
    /// Types a custom attribute can be read into, from its JSON value: `bool`, the integer
    /// types, `f32`/`f64`, the owned text types, chrono's `NaiveDate`, `NaiveDateTime`,
    /// `DateTime<Utc>` and `DateTime<FixedOffset>`, `serde_json::Value`, and enums deriving
    /// `UserComValue`. `A` is unused.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be read back from a User.com custom attribute",
        label = "not a type a custom attribute can be read into",
        note = "custom attributes are read into `bool`, integers, `f32`/`f64`, owned strings, `chrono::NaiveDate`, `chrono::NaiveDateTime`, `chrono::DateTime<Utc>`/`<FixedOffset>`, `serde_json::Value` or a `UserComValue` enum, or an `Option` of one",
        note = "use such a type, or convert with `#[usercom(attribute = \"...\", with = to_value, from = from_value)]`, or mark the field `write_only`"
    )]
    pub trait ReadCustom { fn read_custom(value: &Value) -> Result<Self, ReadProblem>; }
}

fn present<T>(value: Option<T>) -> Result<T, ReadProblem> {
    value.ok_or_else(ReadProblem::missing)
}

macro_rules! owned_text {
    ($($ty:ty => |$s:ident| $e:expr;)+) => {$(
        impl<A> ReadText<A> for $ty {
            fn read_text(value: Option<&str>) -> Result<Self, ReadProblem> {
                let $s = present(value)?;
                Ok($e)
            }
        }
        impl<A> ReadCustom<A> for $ty {
            fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
                match present(value)? {
                    Value::String($s) => Ok({ let $s: &str = $s; $e }),
                    other => Err(ReadProblem::expected("a string", other)),
                }
            }
        }
    )+};
}

owned_text! {
    String => |s| s.to_owned();
    Box<str> => |s| s.into();
    Arc<str> => |s| s.into();
    Rc<str> => |s| s.into();
    Cow<'_, str> => |s| Cow::Owned(s.to_owned());
}

macro_rules! integers {
    ($($ty:ty),+) => {$(
        impl<A> ReadInteger<A> for $ty {
            fn read_integer(value: Option<i64>) -> Result<Self, ReadProblem> {
                let value = present(value)?;
                <$ty>::try_from(value).map_err(|_| {
                    ReadProblem(format!("{value} does not fit in `{}`", stringify!($ty)))
                })
            }
        }
        impl<A> ReadCustom<A> for $ty {
            fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
                let value = present(value)?;
                let number = match value {
                    Value::Number(n) => n,
                    other => return Err(ReadProblem::expected("an integer", other)),
                };
                let fits = number
                    .as_i64()
                    .and_then(|n| <$ty>::try_from(n).ok())
                    .or_else(|| number.as_u64().and_then(|n| <$ty>::try_from(n).ok()));
                fits.ok_or_else(|| {
                    ReadProblem(format!(
                        "{number} is not an integer that fits in `{}`",
                        stringify!($ty)
                    ))
                })
            }
        }
    )+};
}

integers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl<A> ReadBool<A> for bool {
    fn read_bool(value: Option<bool>) -> Result<Self, ReadProblem> {
        present(value)
    }
}

impl<A> ReadGender<A> for Gender {
    fn read_gender(value: Option<Gender>) -> Result<Self, ReadProblem> {
        present(value)
    }
}

impl<A> ReadStatus<A> for Status {
    fn read_status(value: Option<Status>) -> Result<Self, ReadProblem> {
        present(value)
    }
}

impl<A> ReadCustom<A> for bool {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        match present(value)? {
            Value::Bool(b) => Ok(*b),
            other => Err(ReadProblem::expected("a boolean", other)),
        }
    }
}

impl<A> ReadCustom<A> for f64 {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        match present(value)? {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| ReadProblem(format!("{n} is not a finite number"))),
            other => Err(ReadProblem::expected("a number", other)),
        }
    }
}

impl<A> ReadCustom<A> for f32 {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        let wide = <f64 as ReadCustom<A>>::read_custom(value)?;
        let narrow = wide as f32;
        // The decimal User.com holds must be the one an `f32` writes (see
        // `AttributeValue::from(f32)`): anything else would be altered by narrowing.
        let back: f64 = ryu::Buffer::new()
            .format(narrow)
            .parse()
            .unwrap_or(f64::NAN);
        if narrow.is_finite() && back == wide {
            Ok(narrow)
        } else {
            Err(ReadProblem(format!(
                "{wide} cannot be held exactly by an `f32`; use `f64`"
            )))
        }
    }
}

impl<A> ReadCustom<A> for Value {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        present(value).cloned()
    }
}

/// A custom attribute whose JSON value is a string, parsed by `parse` (what it expects in
/// words for the error).
pub(crate) fn parsed_string<T, E: std::fmt::Display>(
    value: Option<&Value>,
    expected: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, ReadProblem> {
    match present(value)? {
        Value::String(text) => {
            parse(text).map_err(|e| ReadProblem(format!("expected {expected}: {e}")))
        }
        other => Err(ReadProblem::expected(expected, other)),
    }
}

impl<A> ReadCustom<A> for NaiveDate {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        parsed_string(value, "a date (YYYY-MM-DD)", |s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
        })
    }
}

impl<A> ReadCustom<A> for NaiveDateTime {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        parsed_string(value, "a date and time", |s| {
            s.parse::<NaiveDateTime>()
                .or_else(|_| DateTime::parse_from_rfc3339(s).map(|d| d.naive_utc()))
        })
    }
}

impl<A> ReadCustom<A> for DateTime<FixedOffset> {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        parsed_string(
            value,
            "an RFC 3339 date and time",
            DateTime::parse_from_rfc3339,
        )
    }
}

impl<A> ReadCustom<A> for DateTime<Utc> {
    fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
        <DateTime<FixedOffset> as ReadCustom<A>>::read_custom(value).map(|d| d.to_utc())
    }
}

/// Support for the code `#[derive(FromUserComUser)]` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    use super::*;

    /// Reads standard text attribute `attribute` into field `field`.
    #[inline]
    pub fn text<A, T: ReadText<A>>(
        attribute: &'static str,
        field: &'static str,
        value: Option<&str>,
    ) -> Result<T, Error> {
        T::read_text(value).map_err(|p| p.into_error(attribute, field))
    }

    /// Reads `score`.
    #[inline]
    pub fn integer<A, T: ReadInteger<A>>(
        attribute: &'static str,
        field: &'static str,
        value: i64,
    ) -> Result<T, Error> {
        T::read_integer(Some(value)).map_err(|p| p.into_error(attribute, field))
    }

    /// Reads a boolean standard attribute.
    #[inline]
    pub fn boolean<A, T: ReadBool<A>>(
        attribute: &'static str,
        field: &'static str,
        value: bool,
    ) -> Result<T, Error> {
        T::read_bool(Some(value)).map_err(|p| p.into_error(attribute, field))
    }

    /// Reads `gender`.
    #[inline]
    pub fn gender<A, T: ReadGender<A>>(
        attribute: &'static str,
        field: &'static str,
        value: Gender,
    ) -> Result<T, Error> {
        T::read_gender(Some(value)).map_err(|p| p.into_error(attribute, field))
    }

    /// Reads `status`.
    #[inline]
    pub fn status<A, T: ReadStatus<A>>(
        attribute: &'static str,
        field: &'static str,
        value: Status,
    ) -> Result<T, Error> {
        T::read_status(Some(value)).map_err(|p| p.into_error(attribute, field))
    }

    pub use serde_json::Value;

    /// For `#[derive(UserComValue)]`: the index among `names` (the enum's wire names) of the
    /// string `value` holds.
    pub fn wire_index(
        value: Option<&Value>,
        names: &[&str],
        enum_name: &str,
    ) -> Result<usize, ReadProblem> {
        match present(value)? {
            Value::String(text) => names.iter().position(|name| name == text).ok_or_else(|| {
                ReadProblem(format!(
                    "{text:?} is not one of the wire names of `{enum_name}` ({})",
                    names.join(", ")
                ))
            }),
            other => Err(ReadProblem::expected("a string", other)),
        }
    }

    /// The value of custom attribute `attribute`, `None` when absent or `null`.
    #[inline]
    pub fn custom_value<'u>(user: &'u User, attribute: &str) -> Option<&'u Value> {
        user.attribute(attribute).filter(|value| !value.is_null())
    }

    /// Reads the custom attribute `attribute` (absent or `null`: `None`).
    #[inline]
    pub fn custom<T: ReadCustom<()>>(
        user: &User,
        attribute: &'static str,
        field: &'static str,
    ) -> Result<T, Error> {
        let value = user.attribute(attribute).filter(|v| !v.is_null());
        T::read_custom(value).map_err(|p| p.into_error(attribute, field))
    }
}
