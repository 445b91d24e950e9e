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

use crate::model::value::AttributeValue;
pub use crate::model::value::OutOfRange;
use crate::{CreateUser, Error, Gender, Status};

pub use crate::model::payload::attribute;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
mod event_values;
mod fits;
mod id_text;
mod impls;

pub use event_values::{DataValue, TimestampValue};
pub use fits::{
    named_above, FitsBoolean, FitsDate, FitsDateTime, FitsFixed, FitsFloat, FitsInteger, FitsJson,
    FitsString,
};
pub use id_text::IdText;

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

/// A value that carries the application's `user_id`, so that User.com can find the user to
/// update by it: what [`Client::update_user_by_user_id`](crate::Client::update_user_by_user_id)
/// requires. Every [`MapsUserId`] value is one (a struct with a `#[usercom(user_id)]` field,
/// a [`CreateUser`]); it is a trait of its own only so that the compiler's message names the
/// update.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be updated by its `user_id`: it maps no `user_id`",
    label = "update_user_by_user_id needs a `#[usercom(user_id)]` field",
    note = "User.com finds the user by your application's user id: add `#[usercom(user_id)]` to the field that holds it, or use `update_user` with User.com's id"
)]
pub trait UpdatableByUserId: IntoUserComUser {}

#[diagnostic::do_not_recommend]
impl<T: MapsUserId + ?Sized> UpdatableByUserId for T {}

/// The hidden methods by which an `Option<Option<T>>` field clears its attribute, in every
/// value trait: declared (`false` by default), forwarded by references, and answered by
/// `Option` (`Some(None)` clears).
macro_rules! clear_methods {
    () => {
        /// Used by the derive: whether the value is an `Option` that is `None`.
        #[doc(hidden)]
        #[inline]
        fn __is_none(&self) -> bool {
            false
        }

        /// Used by the derive: whether the value clears the attribute (an
        /// `Option<Option<T>>` that is `Some(None)`).
        #[doc(hidden)]
        #[inline]
        fn __clears(&self) -> bool {
            false
        }
    };
    (forward) => {
        fn __is_none(&self) -> bool {
            (**self).__is_none()
        }
        fn __clears(&self) -> bool {
            (**self).__clears()
        }
    };
    (option) => {
        fn __is_none(&self) -> bool {
            self.is_none()
        }
        fn __clears(&self) -> bool {
            self.as_ref().is_some_and(T::__is_none)
        }
    };
}

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

            clear_methods!();
            $(
                /// Used by the derive: writes the value into the attribute's slot of `user`
                /// (through the marker `A`), refusing a slot already written, or clears it.
                #[doc(hidden)]
                #[inline]
                fn __write<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error>
                where
                    $a: __private::Slot<'a, $slot>,
                {
                    let value = self.$method();
                    if value.is_none() {
                        __private::no_value(user, $a::NAME, self.__clears());
                        return Ok(());
                    }
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
            clear_methods!(forward);
        }

        #[diagnostic::do_not_recommend]
        impl<$a, T: $trait<$a> + ?Sized> $trait<$a> for &mut T {
            fn $method(&self) -> Option<$out> {
                (**self).$method()
            }
            clear_methods!(forward);
        }

        /// `None` leaves the attribute as it is; `Some(None)` of an `Option<Option<T>>`
        /// clears it in an update or an upsert.
        #[diagnostic::do_not_recommend]
        impl<$a, T: $trait<$a>> $trait<$a> for Option<T> {
            fn $method(&self) -> Option<$out> {
                self.as_ref().and_then(T::$method)
            }
            clear_methods!(option);
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

    clear_methods!();

    /// Used by the derive: writes the value into the attribute's slot of `user`, or clears
    /// it.
    #[doc(hidden)]
    #[inline]
    fn __write<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error>
    where
        A: __private::Slot<'a, IdText<'a>>,
    {
        let value = self.to_id_text();
        if value.is_none() {
            __private::no_value(user, A::NAME, self.__clears());
            return Ok(());
        }
        __private::set(A::slot(user), A::NAME, value)
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
            clear_methods!(forward);
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
    clear_methods!(option);
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
            let value = self.to_attribute_value();
            if value.is_none() {
                __private::no_value(user, name, self.__clears());
                return Ok(());
            }
            __private::custom(user, name, value)
        }
    }
}

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
