//! The value traits implemented for the standard library's types, chrono's and
//! `serde_json::Value` (the optional features' types are in `extra_types`).

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Utc};

use super::{
    BoolValue, CustomValue, GenderValue, IdText, IdValue, IntegerValue, OutOfRange, StatusValue,
    TextValue,
};
use crate::model::value::AttributeValue;
use crate::{Gender, Status};

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
