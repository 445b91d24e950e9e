//! The traits a custom attribute's field is checked against when the app's schema
//! (`usercom.schema.json`) gives its value type: one per value type.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Utc};

use super::{CustomValue, OutOfRange};
use crate::model::value::AttributeValue;
use crate::{CreateUser, Error};

/// The marker the derive gives a `Fits*` trait for a field whose type it reads as one that
/// surely fits (`u32` for an `integer` attribute): such a check prints no message, so the
/// struct declares no marker type of its own for it. Not for use outside the derive.
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub enum named_above {}

/// Declares the trait that says which types fit one value type of the schema, with its
/// impls for references and `Option` (which forward the items after `forward`), and for
/// the listed types.
macro_rules! fits_trait {
    (
        $(#[$meta:meta])*
        $trait:ident { $($item:item)* } $(forward { $($forward:item)* })? for [$($ty:ty),+ $(,)?]
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
        impl<N, V: $trait<N> + ?Sized> $trait<N> for &V { $($($forward)*)? }

        #[diagnostic::do_not_recommend]
        impl<N, V: $trait<N> + ?Sized> $trait<N> for &mut V { $($($forward)*)? }

        #[diagnostic::do_not_recommend]
        impl<N, V: $trait<N>> $trait<N> for Option<V> { $($($forward)*)? }

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

fits_trait! {
    /// Types that fit a `fixed` (choice list) custom attribute of the schema: the text
    /// types, and enums deriving [`UserComValue`](super::UserComValue).
    #[diagnostic::on_unimplemented(
        message = "`{Self}` does not fit the User.com custom attribute `{N}`, whose value type in the schema is `fixed` (a choice list)",
        label = "not a string type or a `UserComValue` enum",
        note = "a `fixed` attribute takes the text types (`String`, `&str`, ...) or an enum with `#[derive(UserComValue)]`, an `Option` of one, or a reference to one",
        note = "convert the field with `#[usercom(attribute = \"...\", with = path::to::function)]`; if the attribute's type changed in User.com, run `usercom schema pull`"
    )]
    FitsFixed {
        /// The wire names this type can send, when it can tell (an enum deriving
        /// [`UserComValue`](super::UserComValue)); `None` for free text.
        const CHOICES: Option<&'static [&'static str]> = None;
    } forward {
        const CHOICES: Option<&'static [&'static str]> = V::CHOICES;
    } for [String, str, Box<str>, Cow<'_, str>, Arc<str>, Rc<str>]
}
