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

/// Declares the trait that says which types fit one value type of the schema, with its
/// impls for references and `Option`, and for the listed types.
macro_rules! fits_trait {
    (
        $(#[$meta:meta])*
        $trait:ident { $($item:item)* } for [$($ty:ty),+ $(,)?]
    ) => {
        $(#[$meta])*
        pub trait $trait<N>: CustomValue<()> {
            /// Used by the derive's compile-time check; nothing to implement.
            const FITS: () = ();
            /// Used by the derive's compile-time check of a `with` function's result.
            #[doc(hidden)]
            #[inline]
            fn __fits(&self) {}
            $($item)*
        }

        #[diagnostic::do_not_recommend]
        impl<N, V: $trait<N> + ?Sized> $trait<N> for &V {}

        #[diagnostic::do_not_recommend]
        impl<N, V: $trait<N> + ?Sized> $trait<N> for &mut V {}

        #[diagnostic::do_not_recommend]
        impl<N, V: $trait<N>> $trait<N> for Option<V> {}

        $(impl<N> $trait<N> for $ty {})+
    };
}

fits_trait! {
    /// Types that fit a custom attribute whose value type in the app's schema
    /// (`usercom.schema.json`) is `boolean`: `bool`. `N` names the attribute in messages.
    ///
    /// `#[derive(IntoUserComUser)]` checks each custom attribute the schema knows against
    /// the trait of its value type ([`FitsBoolean`], [`FitsInteger`], [`FitsFloat`],
    /// [`FitsString`], [`FitsDate`], [`FitsDateTime`], [`FitsJson`], [`FitsFixed`]).
    /// Implement one for a type of yours to make it accepted there.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `boolean`",
        label = "not `bool`",
        note = "a `boolean` attribute takes `bool`, an `Option` of it, or a reference to it",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsBoolean {} for [bool]
}

fits_trait! {
    /// Types that fit an `integer` custom attribute of the schema: the integer types.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `integer`",
        label = "not an integer type",
        note = "an `integer` attribute takes `i8`..`i128`, `u8`..`u128`, `isize` or `usize`, an `Option` of one, or a reference to one",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsInteger {} for [i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize]
}

fits_trait! {
    /// Types that fit a `float` custom attribute of the schema: `f32`, `f64` and the
    /// integer types.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `float`",
        label = "not a number type",
        note = "a `float` attribute takes `f32`, `f64` or an integer type, an `Option` of one, or a reference to one",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsFloat {} for [f32, f64, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize]
}

fits_trait! {
    /// Types that fit a `string` custom attribute of the schema: the text types.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `string`",
        label = "not a string type",
        note = "a `string` attribute takes `String`, `&str`, `Box<str>`, `Cow<str>`, `Arc<str>` or `Rc<str>`, an `Option` of one, or a reference to one",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsString {} for [String, str, Box<str>, Cow<'_, str>, Arc<str>, Rc<str>]
}

fits_trait! {
    /// Types that fit a `date` custom attribute of the schema: `chrono::NaiveDate`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `date`",
        label = "not `chrono::NaiveDate`",
        note = "a `date` attribute takes `chrono::NaiveDate`, an `Option` of it, or a reference to it",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsDate {} for [NaiveDate]
}

fits_trait! {
    /// Types that fit a `datetime` custom attribute of the schema: chrono's
    /// `NaiveDateTime` and `DateTime<Tz>`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `datetime`",
        label = "not a chrono date and time",
        note = "a `datetime` attribute takes `chrono::NaiveDateTime` or `chrono::DateTime<Tz>`, an `Option` of one, or a reference to one",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsDateTime {} for [NaiveDateTime, DateTime<Utc>, DateTime<FixedOffset>, DateTime<Local>]
}

fits_trait! {
    /// Types that fit a `json` custom attribute of the schema: `serde_json::Value`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `json`",
        label = "not `serde_json::Value`",
        note = "a `json` attribute takes `serde_json::Value`, an `Option` of it, or a reference to it",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsJson {} for [serde_json::Value]
}

/// Types that fit a `fixed` (choice list) custom attribute of the schema: the text types,
/// and enums deriving [`UserComValue`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `fixed` (a choice list)",
    label = "not a string type or a `UserComValue` enum",
    note = "a `fixed` attribute takes the text types (`String`, `&str`, ...) or an enum with `#[derive(UserComValue)]`, an `Option` of one, or a reference to one",
    note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
)]
pub trait FitsFixed<N>: CustomValue<()> {
    /// Used by the derive's compile-time check; nothing to implement.
    const FITS: () = ();
    /// Used by the derive's compile-time check of a `with` function's result.
    #[doc(hidden)]
    #[inline]
    fn __fits(&self) {}
    /// The wire names this type can send, when it can tell (an enum deriving
    /// [`UserComValue`]); `None` for free text.
    const CHOICES: Option<&'static [&'static str]> = None;
}

#[diagnostic::do_not_recommend]
impl<N, V: FitsFixed<N> + ?Sized> FitsFixed<N> for &V {
    const CHOICES: Option<&'static [&'static str]> = V::CHOICES;
}

#[diagnostic::do_not_recommend]
impl<N, V: FitsFixed<N> + ?Sized> FitsFixed<N> for &mut V {
    const CHOICES: Option<&'static [&'static str]> = V::CHOICES;
}

#[diagnostic::do_not_recommend]
impl<N, V: FitsFixed<N>> FitsFixed<N> for Option<V> {
    const CHOICES: Option<&'static [&'static str]> = V::CHOICES;
}

macro_rules! fits_fixed_text {
    ($($ty:ty),+) => {$(impl<N> FitsFixed<N> for $ty {})+};
}

fits_fixed_text!(String, str, Box<str>, Cow<'_, str>, Arc<str>, Rc<str>);

/// The value of a `fixed` custom attribute (a choice list): a fieldless enum whose variants
/// are the choices. Derive it with `#[derive(UserComValue)]`, which also implements
/// [`CustomValue`] (the variant's wire name is sent as a string) and [`FitsFixed`].
///
/// ```
/// use usercom_core::UserComValue;
/// #[derive(Clone, Copy)]
/// enum Plan { Free, Pro }
/// impl UserComValue for Plan {
///     const WIRE_NAMES: &'static [&'static str] = &["free", "pro"];
///     fn wire_name(&self) -> &'static str {
///         Self::WIRE_NAMES[*self as usize]
///     }
/// }
/// assert_eq!(Plan::Pro.wire_name(), "pro");
/// ```
pub trait UserComValue {
    /// Every variant's wire name, in declaration order.
    const WIRE_NAMES: &'static [&'static str];

    /// The wire name of this value.
    fn wire_name(&self) -> &'static str;
}

/// Support for the code `#[derive(IntoUserComUser)]` generates. Not a public API: it may
/// change in any release.
#[doc(hidden)]
pub mod __private {
    use super::*;

    pub use crate::convert::attribute;
    pub use ::core::option::Option;
    pub use ::core::result::Result;
    pub use ::std::borrow::Cow;

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

    /// For a `fixed` attribute with `choices`: a compile error saying `message` when one of
    /// the wire names a type can send (`names`, from [`FitsFixed::CHOICES`]) is not a choice.
    pub const fn check_choices(names: Option<&[&str]>, choices: &[&str], message: &str) {
        if let Some(names) = names {
            if !all_among(names, choices) {
                panic!("{}", message);
            }
        }
    }

    /// Whether every one of `names` is among `choices`, at compile time.
    pub const fn all_among(names: &[&str], choices: &[&str]) -> bool {
        let mut i = 0;
        while i < names.len() {
            let mut found = false;
            let mut j = 0;
            while j < choices.len() {
                if const_str_eq(names[i], choices[j]) {
                    found = true;
                }
                j += 1;
            }
            if !found {
                return false;
            }
            i += 1;
        }
        true
    }

    const fn const_str_eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
}
