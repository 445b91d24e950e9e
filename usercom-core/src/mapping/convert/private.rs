//! Support for the code `#[derive(IntoUserComUser)]` generates. Not a public API: it may
//! change in any release.

use super::*;

pub use crate::mapping::convert::attribute;
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

/// A mapped attribute without a value: cleared when the field says so (`Some(None)` of an
/// `Option<Option<T>>`), otherwise noted as unset ([`CreateUser::insert_unset`]).
#[inline]
pub fn no_value(user: &mut CreateUser<'_>, name: &'static str, clears: bool) {
    if clears {
        user.insert_clear(name);
    } else {
        user.insert_unset(name);
    }
}

/// Sets a standard attribute computed by a `with` function (through its marker `A`), or
/// notes it unset when the function gave `None`.
#[inline]
pub fn set_standard<'a, A: Slot<'a, T>, T>(
    user: &mut CreateUser<'a>,
    value: Option<T>,
) -> Result<(), Error> {
    match value {
        None => {
            user.insert_unset(A::NAME);
            Ok(())
        }
        value => set(A::slot(user), A::NAME, value),
    }
}

/// Adds a custom attribute, or notes it unset when the value is `None`.
#[inline]
pub fn custom<'a>(
    user: &mut CreateUser<'a>,
    name: &'static str,
    value: Option<Result<AttributeValue<'a>, OutOfRange>>,
) -> Result<(), Error> {
    match value {
        None => {
            user.insert_unset(name);
            Ok(())
        }
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

pub use crate::model::payload::set;

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

/// Whether `a` and `b` are the same text, at compile time.
pub(crate) const fn const_str_eq(a: &str, b: &str) -> bool {
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
