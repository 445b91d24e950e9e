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
    #[inline]
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
        pub trait $trait:ident<$a:ident> { fn $method:ident(&self) -> Option<$out:ty>; $($provided:tt)* }
        $(writes $slot:ty $(, through $through:path)?;)?
    ) => {
        $(#[$meta])*
        pub trait $trait<$a> {
            /// The value to send; `None` leaves the attribute out.
            fn $method(&self) -> Option<$out>;
            $($provided)*
            $(
                /// Used by the derive: writes the value into the attribute's slot of `user`
                /// (through the marker `A`), refusing a slot already written.
                #[doc(hidden)]
                #[inline]
                fn __write<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error>
                where
                    $a: __private::Slot<'a, $slot>,
                {
                    let value = self.$method();
                    $(let value = $through($a::NAME, value)?;)?
                    __private::set($a::slot(user), $a::NAME, value)
                }
            )?
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
    writes Cow<'a, str>;
}

/// Types `user_id` and `company_id` accept: everything [`TextValue`] accepts, and
/// integers (sent as JSON strings).
///
/// A type of yours implements [`IdValue::to_id`]; the derive calls
/// [`IdValue::to_id_text`], which the integer types (and `Uuid`) override so that their
/// digits are kept inline instead of in a `String`.
///
/// ```
/// use std::borrow::Cow;
/// use usercom_core::convert::IdValue;
///
/// struct AccountId(u32);
///
/// impl<A> IdValue<A> for AccountId {
///     fn to_id(&self) -> Option<Cow<'_, str>> {
///         Some(Cow::Owned(format!("acct-{}", self.0)))
///     }
/// }
///
/// let id = <AccountId as IdValue<()>>::to_id_text(&AccountId(7)).unwrap();
/// assert_eq!(&*id, "acct-7");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes text or an integer",
    label = "not a string or integer type",
    note = "`user_id` and `company_id` take strings (`String`, `&str`, `Box<str>`, `Cow<str>`, `Arc<str>`) and integers, an `Option` of one, or a reference to one",
    note = "to send another type, convert it with `#[usercom(..., with = path::to::function)]`"
)]
pub trait IdValue<A> {
    /// The value to send; `None` leaves the attribute out.
    fn to_id(&self) -> Option<Cow<'_, str>>;

    /// The same value as an [`IdText`], which can hold an integer's digits without
    /// allocating. The default converts [`IdValue::to_id`]'s text (borrowed text stays
    /// borrowed).
    #[inline]
    fn to_id_text(&self) -> Option<IdText<'_>> {
        self.to_id().map(IdText::from)
    }

    /// Used by the derive: writes the value into the attribute's slot of `user`.
    #[doc(hidden)]
    #[inline]
    fn __write<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error>
    where
        A: __private::Slot<'a, IdText<'a>>,
    {
        __private::set(A::slot(user), A::NAME, self.to_id_text())
    }
}

/// `IdValue` for references, forwarding both methods (as `value_trait!` does for one).
macro_rules! id_value_for_references {
    ($($reference:ty),+) => {$(
        #[diagnostic::do_not_recommend]
        impl<A, T: IdValue<A> + ?Sized> IdValue<A> for $reference {
            fn to_id(&self) -> Option<Cow<'_, str>> {
                (**self).to_id()
            }
            #[inline]
            fn to_id_text(&self) -> Option<IdText<'_>> {
                (**self).to_id_text()
            }
        }
    )+};
}

id_value_for_references!(&T, &mut T);

#[diagnostic::do_not_recommend]
impl<A, T: IdValue<A>> IdValue<A> for Option<T> {
    fn to_id(&self) -> Option<Cow<'_, str>> {
        self.as_ref().and_then(T::to_id)
    }
    #[inline]
    fn to_id_text(&self) -> Option<IdText<'_>> {
        self.as_ref().and_then(T::to_id_text)
    }
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
    writes i64, through __private::integer;
}

value_trait! {
    /// Types `notifications` and `unsubscribed` accept: `bool`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as the User.com attribute `{A}`, which takes a `bool`",
        label = "not `bool`",
        note = "`notifications` and `unsubscribed` take `bool`, `Option<bool>`, or a reference to one"
    )]
    pub trait BoolValue<A> { fn to_bool(&self) -> Option<bool>; }
    writes bool;
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
    writes Gender;
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
    writes Status;
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

        /// Used by the derive: adds the value to `user` as the custom attribute `name`.
        #[doc(hidden)]
        #[inline]
        fn __add<'a>(&'a self, user: &mut CreateUser<'a>, name: &'static str) -> Result<(), Error> {
            __private::custom(user, name, self.to_attribute_value())
        }
    }
}

/// The value of `user_id` or `company_id` as it is sent: text, borrowed or owned, or the
/// decimal digits of an integer, kept inline so that an integer id costs no allocation.
///
/// It reads as a `&str` (it dereferences to one), so `payload.user_id.as_deref()` is an
/// `Option<&str>`; it is sent as a JSON string. The setters
/// [`CreateUser::user_id`](crate::CreateUser::user_id) and
/// [`CreateUser::company_id`](crate::CreateUser::company_id) take anything that converts into
/// it: `&str`, `String`, `Cow<str>`, and the integer types.
///
/// ```
/// use usercom_core::convert::IdText;
/// use usercom_core::CreateUser;
/// let user = CreateUser::new().user_id(1815u64).company_id("acme-1");
/// assert_eq!(user.user_id.as_deref(), Some("1815"));
/// assert_eq!(user.company_id.as_deref(), Some("acme-1"));
/// assert_eq!(IdText::from(-42i8), "-42");
/// assert_eq!(
///     serde_json::to_string(&user).unwrap(),
///     r#"{"company_id":"acme-1","user_id":"1815"}"#
/// );
/// ```
#[derive(Clone)]
pub struct IdText<'a>(IdRepr<'a>);

#[derive(Clone)]
enum IdRepr<'a> {
    Text(Cow<'a, str>),
    /// ASCII text in `bytes[start..]`: an integer's digits (at most 40, with the sign).
    Inline {
        bytes: [u8; INLINE],
        start: u8,
    },
}

/// Room for the longest integer, `i128::MIN` (39 digits and a sign).
const INLINE: usize = 40;

impl<'a> IdText<'a> {
    /// The text that is sent.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            IdRepr::Text(text) => text,
            // Only ASCII is ever stored inline, so this never fails.
            IdRepr::Inline { bytes, start } => {
                std::str::from_utf8(&bytes[usize::from(*start)..]).unwrap_or_default()
            }
        }
    }

    /// A copy that borrows its text from `self`.
    #[inline]
    pub fn reborrow(&self) -> IdText<'_> {
        match &self.0 {
            IdRepr::Text(text) => IdText(IdRepr::Text(Cow::Borrowed(text))),
            IdRepr::Inline { bytes, start } => IdText(IdRepr::Inline {
                bytes: *bytes,
                start: *start,
            }),
        }
    }

    /// This value with a borrowed text turned into an owned copy.
    pub fn into_owned(self) -> IdText<'static> {
        match self.0 {
            IdRepr::Text(text) => IdText(IdRepr::Text(Cow::Owned(text.into_owned()))),
            IdRepr::Inline { bytes, start } => IdText(IdRepr::Inline { bytes, start }),
        }
    }

    /// `text` copied inline when it is ASCII and short enough, else owned.
    #[cfg_attr(not(feature = "uuid"), allow(dead_code))]
    pub(crate) fn copied(text: &str) -> IdText<'static> {
        if text.is_ascii() && text.len() <= INLINE {
            let mut bytes = [0; INLINE];
            let start = INLINE - text.len();
            bytes[start..].copy_from_slice(text.as_bytes());
            return IdText(IdRepr::Inline {
                bytes,
                start: start as u8,
            });
        }
        IdText(IdRepr::Text(Cow::Owned(text.to_owned())))
    }

    /// The decimal digits of `magnitude`, after a `-` when `negative`.
    #[inline]
    fn integer(negative: bool, magnitude: u128) -> IdText<'static> {
        let mut bytes = [0; INLINE];
        let mut start = INLINE;
        // Most ids fit in 64 bits, whose division is a multiplication.
        match u64::try_from(magnitude) {
            Ok(mut n) => loop {
                start -= 1;
                bytes[start] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            },
            Err(_) => {
                let mut n = magnitude;
                loop {
                    start -= 1;
                    bytes[start] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
            }
        }
        if negative {
            start -= 1;
            bytes[start] = b'-';
        }
        IdText(IdRepr::Inline {
            bytes,
            start: start as u8,
        })
    }
}

impl std::ops::Deref for IdText<'_> {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for IdText<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for IdText<'_> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for IdText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for IdText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for IdText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdText<'_> {}

impl std::hash::Hash for IdText<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for IdText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for IdText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for IdText<'_> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Cow<'_, str>> for IdText<'_> {
    fn eq(&self, other: &Cow<'_, str>) -> bool {
        self.as_str() == other
    }
}

/// The text as a `Cow` (an integer's digits become an owned `String`), for code written
/// against the payload's `Option<Cow<str>>` ids of the first release.
impl<'a> From<IdText<'a>> for Cow<'a, str> {
    fn from(id: IdText<'a>) -> Self {
        match id.0 {
            IdRepr::Text(text) => text,
            IdRepr::Inline { .. } => Cow::Owned(id.as_str().to_owned()),
        }
    }
}

impl serde::Serialize for IdText<'_> {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'a> From<&'a str> for IdText<'a> {
    #[inline]
    fn from(text: &'a str) -> Self {
        IdText(IdRepr::Text(Cow::Borrowed(text)))
    }
}

impl<'a> From<&'a String> for IdText<'a> {
    fn from(text: &'a String) -> Self {
        IdText(IdRepr::Text(Cow::Borrowed(text)))
    }
}

impl From<String> for IdText<'_> {
    fn from(text: String) -> Self {
        IdText(IdRepr::Text(Cow::Owned(text)))
    }
}

impl<'a> From<Cow<'a, str>> for IdText<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        IdText(IdRepr::Text(text))
    }
}

macro_rules! id_text_from_integers {
    (signed: $($s:ty),+; unsigned: $($u:ty),+) => {
        $(impl From<$s> for IdText<'_> {
            #[inline]
            fn from(value: $s) -> Self {
                IdText::integer(value < 0, value.unsigned_abs() as u128)
            }
        })+
        $(impl From<$u> for IdText<'_> {
            #[inline]
            fn from(value: $u) -> Self {
                IdText::integer(false, value as u128)
            }
        })+
    };
}

id_text_from_integers!(signed: i8, i16, i32, i64, i128, isize; unsigned: u8, u16, u32, u64, u128, usize);

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
            /// The digits inline: no allocation.
            #[inline]
            fn to_id_text(&self) -> Option<IdText<'_>> {
                Some(IdText::from(*self))
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

/// The marker the derive gives a `Fits*` trait for a field whose type it reads as one that
/// surely fits (`u32` for an `integer` attribute): such a check prints no message, so the
/// struct declares no marker type of its own for it. Not for use outside the derive.
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub enum named_above {}

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
            /// Used by the derive: the conversion, reached through this trait so that it is
            /// also the check (a supertrait's method cannot be named through this trait).
            #[doc(hidden)]
            #[inline]
            fn __to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
                <Self as CustomValue<()>>::to_attribute_value(self)
            }
            /// Used by the derive: adds the value to `user` as the custom attribute `name`,
            /// reached through this trait so that it is also the check.
            #[doc(hidden)]
            #[inline]
            fn __add<'a>(&'a self, user: &mut CreateUser<'a>, name: &'static str) -> Result<(), Error> {
                <Self as CustomValue<()>>::__add(self, user, name)
            }
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
    /// Used by the derive: the conversion, reached through this trait so that it is also
    /// the check (a supertrait's method cannot be named through this trait).
    #[doc(hidden)]
    #[inline]
    fn __to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
        <Self as CustomValue<()>>::to_attribute_value(self)
    }
    /// Used by the derive: adds the value to `user` as the custom attribute `name`, reached
    /// through this trait so that it is also the check.
    #[doc(hidden)]
    #[inline]
    fn __add<'a>(&'a self, user: &mut CreateUser<'a>, name: &'static str) -> Result<(), Error> {
        <Self as CustomValue<()>>::__add(self, user, name)
    }
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
    pub fn owned<T: IntoOwned>(text: T) -> T::Owned {
        text.into_owned()
    }

    /// The text of a standard attribute (`Option<Cow<str>>`, or `Option<IdText>` for the
    /// ids), owned.
    pub trait IntoOwned {
        /// The owned form.
        type Owned;
        /// The value with every borrow turned into an owned copy.
        fn into_owned(self) -> Self::Owned;
    }

    impl IntoOwned for Option<Cow<'_, str>> {
        type Owned = Option<Cow<'static, str>>;
        fn into_owned(self) -> Self::Owned {
            self.map(|t| Cow::Owned(t.into_owned()))
        }
    }

    impl IntoOwned for Option<IdText<'_>> {
        type Owned = Option<IdText<'static>>;
        fn into_owned(self) -> Self::Owned {
            self.map(IdText::into_owned)
        }
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

    /// A standard attribute's marker type (in [`attribute`]): the attribute's name, and
    /// where its value goes in a payload. Implemented for every marker by the table.
    pub trait Slot<'a, V> {
        /// The attribute's name.
        const NAME: &'static str;
        /// The attribute's field of `user`.
        fn slot<'s>(user: &'s mut CreateUser<'a>) -> &'s mut Option<V>;
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_ids_are_their_decimal_digits() {
        let cases: [(IdText<'static>, String); 10] = [
            (0u8.into(), "0".into()),
            (7u64.into(), "7".into()),
            ((-1i32).into(), "-1".into()),
            (i8::MIN.into(), i8::MIN.to_string()),
            (i64::MIN.into(), i64::MIN.to_string()),
            (u64::MAX.into(), u64::MAX.to_string()),
            (
                (u128::from(u64::MAX) + 1).into(),
                (u128::from(u64::MAX) + 1).to_string(),
            ),
            (i128::MIN.into(), i128::MIN.to_string()),
            (i128::MAX.into(), i128::MAX.to_string()),
            (u128::MAX.into(), u128::MAX.to_string()),
        ];
        for (id, expected) in cases {
            assert_eq!(id.as_str(), expected);
            assert_eq!(&*id, expected.as_str());
            assert_eq!(id.to_string(), expected);
            assert_eq!(format!("{id:?}"), format!("{expected:?}"));
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                format!("\"{expected}\"")
            );
            assert_eq!(id.reborrow(), id);
            assert_eq!(id.clone().into_owned(), id);
        }
    }

    #[test]
    fn text_ids_compare_and_hash_as_their_text() {
        use std::collections::HashSet;
        let owned = IdText::from(String::from("42"));
        let borrowed = IdText::from("42");
        let integer = IdText::from(42u16);
        assert_eq!(owned, borrowed);
        assert_eq!(borrowed, integer);
        assert_eq!(integer, "42");
        let set: HashSet<IdText<'_>> = [owned, borrowed, integer].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert!(set.contains("42"));
        assert_eq!(IdText::copied("cus_1"), "cus_1");
        assert_eq!(IdText::copied(&"x".repeat(41)), "x".repeat(41).as_str());
        assert_eq!(IdText::copied("é"), "é");
    }

    #[test]
    fn integer_ids_are_sent_as_strings_without_allocating_a_string() {
        let payload = CreateUser::new().user_id(1815u64).company_id(-3i64);
        assert!(matches!(
            payload.user_id.as_ref().map(|id| &id.0),
            Some(IdRepr::Inline { .. })
        ));
        assert_eq!(
            serde_json::to_string(&payload).unwrap(),
            r#"{"company_id":"-3","user_id":"1815"}"#
        );
        payload.validate().unwrap();
    }
}
