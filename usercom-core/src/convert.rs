//! How Rust values become User.com attributes.
//!
//! [`IntoUserComUser`] turns a whole value into a [`CreateUser`]; `#[derive(IntoUserComUser)]`
//! implements it for your structs. The other traits say which Rust types each family of
//! attributes accepts. The derive checks every mapped field against them at compile time, so
//! a field of the wrong type is an error on that field's type, in these words:
//!
//! ```text
//! error[E0277]: `String` cannot be sent as the User.com attribute `score`, which takes an integer
//! ```
//!
//! Their type parameter `A` is the attribute (a marker type from [`attribute`]); it only
//! serves the message. Implement a trait for your own type to make it accepted everywhere
//! that family is.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Utc};

use crate::value::AttributeValue;
pub use crate::value::OutOfRange;
use crate::{CreateUser, Error, Gender, Status};

pub use crate::payload::attribute;

/// A value that can be sent to User.com as a user: a struct with
/// `#[derive(IntoUserComUser)]`, or a [`CreateUser`] built by hand.
///
/// ```
/// use usercom_core::{CreateUser, IntoUserComUser};
/// let payload = CreateUser::new().email("a@example.org");
/// let again = payload.to_create_user()?;
/// assert_eq!(again.email.as_deref(), Some("a@example.org"));
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent to User.com as a user",
    label = "`{Self}` does not implement `IntoUserComUser`",
    note = "add `#[derive(IntoUserComUser)]` to `{Self}` and map its fields with `#[usercom(...)]`, or build a `usercom::CreateUser` by hand"
)]
pub trait IntoUserComUser {
    /// Writes this value's attributes into `user`, borrowing strings from `self`.
    ///
    /// An attribute that `user` already has is an [`Error::InvalidInput`], never
    /// overwritten.
    fn write_user_com_user<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error>;

    /// The create-user payload of this value, without sending it (to log it or test it).
    ///
    /// Fails with [`Error::InvalidInput`] when a value cannot be represented (an integer
    /// outside `i64`). The documented rules (name lengths, email, URLs) are checked by
    /// [`CreateUser::validate`], which the client runs before sending.
    fn to_create_user(&self) -> Result<CreateUser<'_>, Error> {
        let mut user = CreateUser::new();
        self.write_user_com_user(&mut user)?;
        Ok(user)
    }
}

impl IntoUserComUser for CreateUser<'_> {
    fn write_user_com_user<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error> {
        user.merge(self.reborrow())
    }

    fn to_create_user(&self) -> Result<CreateUser<'_>, Error> {
        Ok(self.reborrow())
    }
}

impl<T: IntoUserComUser + ?Sized> IntoUserComUser for &T {
    fn write_user_com_user<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error> {
        (**self).write_user_com_user(user)
    }
}

/// `None` writes nothing, so an optional part of a struct can be flattened.
impl<T: IntoUserComUser> IntoUserComUser for Option<T> {
    fn write_user_com_user<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error> {
        match self {
            Some(value) => value.write_user_com_user(user),
            None => Ok(()),
        }
    }
}

impl<T: IntoUserComUser + ?Sized> IntoUserComUser for Box<T> {
    fn write_user_com_user<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error> {
        (**self).write_user_com_user(user)
    }
}

/// A value that carries the application's `user_id`, so that User.com can match it to an
/// existing user: what [`Client::upsert_user`](crate::Client::upsert_user) requires.
///
/// `#[derive(IntoUserComUser)]` implements it exactly when a field of the struct maps
/// `#[usercom(user_id)]` (a `user_id` inside a flattened field does not count). A
/// [`CreateUser`] built by hand implements it too; one whose `user_id` is `None` is refused at
/// run time.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be upserted: it maps no `user_id`",
    label = "upsert needs a `#[usercom(user_id)]` field",
    note = "User.com matches upserts on your application's user id: add `#[usercom(user_id)]` to the field that holds it, or use `create_user`"
)]
pub trait MapsUserId: IntoUserComUser {}

impl MapsUserId for CreateUser<'_> {}

#[diagnostic::do_not_recommend]
impl<T: MapsUserId + ?Sized> MapsUserId for &T {}

#[diagnostic::do_not_recommend]
impl<T: MapsUserId + ?Sized> MapsUserId for Box<T> {}

/// Declares a value trait with its impls for references and `Option` (None: omit).
macro_rules! value_trait {
    (
        $(#[$meta:meta])*
        pub trait $trait:ident<$a:ident> { fn $method:ident(&self) -> Option<$out:ty>; }
    ) => {
        $(#[$meta])*
        pub trait $trait<$a> {
            /// The value to send; `None` leaves the attribute out.
            fn $method(&self) -> Option<$out>;
        }

        #[diagnostic::do_not_recommend]
        impl<$a, T: $trait<$a> + ?Sized> $trait<$a> for &T {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
        }

        #[diagnostic::do_not_recommend]
        impl<$a, T: $trait<$a> + ?Sized> $trait<$a> for &mut T {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
        }

        #[diagnostic::do_not_recommend]
        impl<$a, T: $trait<$a>> $trait<$a> for Option<T> {
            fn $method(&self) -> Option<$out> {
                self.as_ref().and_then(T::$method)
            }
        }
    };
}

value_trait! {
    /// Types a text attribute (`email`, `first_name`, `city`, the `*_url`s, ...) accepts:
    /// `String`, `&str`, `Box<str>`, `Cow<str>`, `Arc<str>`, `Rc<str>`, references to them
    /// and `Option`s of them.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes text",
        label = "not a string type",
        note = "text attributes take `String`, `&str`, `Box<str>`, `Cow<str>` or `Arc<str>`, an `Option` of one, or a reference to one",
        note = "to send another type, convert it with `#[usercom(..., with = path::to::function)]`"
    )]
    pub trait TextValue<A> { fn to_text(&self) -> Option<Cow<'_, str>>; }
}

value_trait! {
    /// Types `user_id` and `company_id` accept: everything [`TextValue`] accepts, and
    /// integers (sent as JSON strings).
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes text or an integer",
        label = "not a string or integer type",
        note = "`user_id` and `company_id` take strings (`String`, `&str`, `Box<str>`, `Cow<str>`, `Arc<str>`) and integers, an `Option` of one, or a reference to one",
        note = "to send another type, convert it with `#[usercom(..., with = path::to::function)]`"
    )]
    pub trait IdValue<A> { fn to_id(&self) -> Option<Cow<'_, str>>; }
}

value_trait! {
    /// Types `score` and `assigned_to` accept: the integer types. A value outside `i64` is
    /// an [`Error::InvalidInput`] before anything is sent.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes an integer",
        label = "not an integer type",
        note = "`score` and `assigned_to` take `i8`..`i128`, `u8`..`u128`, `isize` or `usize`, an `Option` of one, or a reference to one",
        note = "to send another type, convert it with `#[usercom(..., with = path::to::function)]`"
    )]
    pub trait IntegerValue<A> { fn to_integer(&self) -> Option<Result<i64, OutOfRange>>; }
}

value_trait! {
    /// Types `notifications` and `unsubscribed` accept: `bool`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes a `bool`",
        label = "not `bool`",
        note = "`notifications` and `unsubscribed` take `bool`, `Option<bool>`, or a reference to one"
    )]
    pub trait BoolValue<A> { fn to_bool(&self) -> Option<bool>; }
}

value_trait! {
    /// Types `gender` accepts: [`Gender`].
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes a `usercom::Gender`",
        label = "not `usercom::Gender`",
        note = "`gender` takes `usercom::Gender`, `Option<usercom::Gender>`, or a reference to one",
        note = "to send another type, convert it with `#[usercom(gender, with = path::to::function)]`"
    )]
    pub trait GenderValue<A> { fn to_gender(&self) -> Option<Gender>; }
}

value_trait! {
    /// Types `status` accepts: [`Status`].
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes a `usercom::Status`",
        label = "not `usercom::Status`",
        note = "`status` takes `usercom::Status`, `Option<usercom::Status>`, or a reference to one",
        note = "to send another type, convert it with `#[usercom(status, with = path::to::function)]`"
    )]
    pub trait StatusValue<A> { fn to_status(&self) -> Option<Status>; }
}

value_trait! {
    /// Types a custom attribute (`#[usercom(attribute = "...")]`) accepts: `bool`, integers,
    /// floats, strings, chrono's `NaiveDate`, `NaiveDateTime` and `DateTime`, and
    /// `serde_json::Value`. `A` is unused (custom attributes have no marker type).
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as a User.com custom attribute",
        label = "not an accepted custom attribute type",
        note = "custom attributes take `bool`, integers, `f32`/`f64`, strings, `chrono::NaiveDate`, `chrono::NaiveDateTime`, `chrono::DateTime<Tz>` and `serde_json::Value`, an `Option` of one, or a reference to one",
        note = "to send another type, convert it with `#[usercom(attribute = \"...\", with = path::to::function)]`"
    )]
    pub trait CustomValue<A> {
        fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>>;
    }
}

macro_rules! text_types {
    ($($ty:ty),+) => {$(
        impl<A> TextValue<A> for $ty {
            fn to_text(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Borrowed(&**self))
            }
        }
        impl<A> IdValue<A> for $ty {
            fn to_id(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Borrowed(&**self))
            }
        }
        impl<A> CustomValue<A> for $ty {
            fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
                Some(Ok(AttributeValue::Text(Cow::Borrowed(&**self))))
            }
        }
    )+};
}

text_types!(String, Box<str>, Cow<'_, str>, Arc<str>, Rc<str>);

impl<A> TextValue<A> for str {
    fn to_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl<A> IdValue<A> for str {
    fn to_id(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl<A> CustomValue<A> for str {
    fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
        Some(Ok(AttributeValue::Text(Cow::Borrowed(self))))
    }
}

macro_rules! integer_types {
    ($($ty:ty),+) => {$(
        impl<A> IdValue<A> for $ty {
            fn to_id(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Owned(self.to_string()))
            }
        }
        impl<A> IntegerValue<A> for $ty {
            fn to_integer(&self) -> Option<Result<i64, OutOfRange>> {
                Some(i64::try_from(*self).map_err(|_| OutOfRange(self.to_string())))
            }
        }
        impl<A> CustomValue<A> for $ty {
            fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
                Some(
                    i64::try_from(*self)
                        .map(AttributeValue::Integer)
                        .map_err(|_| OutOfRange(self.to_string())),
                )
            }
        }
        /// The builder (`CreateUser::attribute`) takes the same integers as the derive; a
        /// value outside `i64` is kept so that `validate` refuses it.
        impl From<$ty> for AttributeValue<'_> {
            fn from(value: $ty) -> Self {
                match i64::try_from(value) {
                    Ok(value) => AttributeValue::Integer(value),
                    Err(_) => AttributeValue::OutOfRange(OutOfRange(value.to_string())),
                }
            }
        }
    )+};
}

integer_types!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl<A> BoolValue<A> for bool {
    fn to_bool(&self) -> Option<bool> {
        Some(*self)
    }
}

impl<A> GenderValue<A> for Gender {
    fn to_gender(&self) -> Option<Gender> {
        Some(*self)
    }
}

impl<A> StatusValue<A> for Status {
    fn to_status(&self) -> Option<Status> {
        Some(*self)
    }
}

macro_rules! custom_copy_types {
    ($($ty:ty),+) => {$(
        impl<A> CustomValue<A> for $ty {
            fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
                Some(Ok(AttributeValue::from(*self)))
            }
        }
    )+};
}

custom_copy_types!(
    bool,
    f32,
    f64,
    NaiveDate,
    NaiveDateTime,
    DateTime<Utc>,
    DateTime<FixedOffset>,
    DateTime<Local>
);

impl<A> CustomValue<A> for serde_json::Value {
    fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
        Some(Ok(AttributeValue::Json(Cow::Borrowed(self))))
    }
}

/// Support for the code `#[derive(IntoUserComUser)]` generates. Not a public API: it may
/// change in any release.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub use crate::convert::attribute;
    pub use ::core::option::Option;
    pub use ::core::result::Result;

    /// The result of a `with` function lives only in the generated function: keep an owned
    /// copy of its text.
    pub fn owned(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
        text.map(|t| Cow::Owned(t.into_owned()))
    }

    #[inline]
    pub fn integer(
        attribute: &'static str,
        value: Option<Result<i64, OutOfRange>>,
    ) -> Result<Option<i64>, Error> {
        value.transpose().map_err(|e| e.into_error(attribute))
    }

    /// Adds a custom attribute, unless the value is `None`.
    #[inline]
    pub fn custom<'a>(
        user: &mut CreateUser<'a>,
        name: &'static str,
        value: Option<Result<AttributeValue<'a>, OutOfRange>>,
    ) -> Result<(), Error> {
        match value {
            None => Ok(()),
            Some(Ok(value)) => {
                user.insert_attribute(name, value);
                Ok(())
            }
            Some(Err(out_of_range)) => Err(out_of_range.into_error(name)),
        }
    }

    /// Adds a custom attribute computed by a `with` function, keeping an owned copy.
    pub fn custom_owned(
        user: &mut CreateUser<'_>,
        name: &'static str,
        value: Option<Result<AttributeValue<'_>, OutOfRange>>,
    ) -> Result<(), Error> {
        custom(user, name, value.map(|v| v.map(AttributeValue::into_owned)))
    }

    pub use crate::payload::set;
}
