//! The attributes a payload clears: sent as `null` by an update or an upsert (which clears
//! them in User.com), left out of a create (where clearing means nothing). And those its
//! value maps without a value, which `CreateUser::clear_unset` clears.

use std::borrow::Cow;

use crate::error::Error;
use crate::mapping::convert::__private::const_str_eq;
use crate::CreateUser;

/// Which attributes a payload clears: standard ones as bits (in the order of
/// [`CreateUser::STANDARD_ATTRIBUTES`]), custom ones by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Clears<'a> {
    standard: u32,
    custom: Vec<Cow<'a, str>>,
}

/// The bit of the standard attribute `name` (a compile-time constant where `name` is).
pub(crate) const fn standard_bit(name: &str) -> u32 {
    let names = CreateUser::STANDARD_ATTRIBUTES;
    let mut i = 0;
    while i < names.len() {
        if const_str_eq(names[i], name) {
            return 1 << i;
        }
        i += 1;
    }
    0
}

impl<'a> Clears<'a> {
    /// Whether the standard attribute whose bit is `bit` is cleared.
    #[inline]
    pub(crate) fn has(&self, bit: u32) -> bool {
        self.standard & bit != 0
    }

    /// Clears `name`: a standard attribute by its bit, any other name as a custom attribute.
    pub(crate) fn insert(&mut self, name: Cow<'a, str>) {
        match standard_bit(&name) {
            0 => self.custom.push(name),
            bit => self.standard |= bit,
        }
    }

    /// Keeps the clears whose names `keep` accepts.
    pub(crate) fn retain(&mut self, keep: &mut impl FnMut(&str) -> bool) {
        let names = CreateUser::STANDARD_ATTRIBUTES;
        for (i, name) in names.iter().enumerate() {
            if self.standard & (1 << i) != 0 && !keep(name) {
                self.standard &= !(1 << i);
            }
        }
        self.custom.retain(|name| keep(name));
    }

    /// The custom attributes cleared, in the order they were.
    pub(crate) fn custom(&self) -> &[Cow<'a, str>] {
        &self.custom
    }

    /// Whether nothing is cleared.
    pub(crate) fn is_empty(&self) -> bool {
        self.standard == 0 && self.custom.is_empty()
    }

    /// Both sides' clears.
    pub(crate) fn merge(&mut self, other: Clears<'a>) {
        self.standard |= other.standard;
        self.custom.extend(other.custom);
    }

    /// Whether `name` (standard or custom) is in the set.
    pub(crate) fn contains(&self, name: &str) -> bool {
        match standard_bit(name) {
            0 => self.custom.iter().any(|n| n == name),
            bit => self.has(bit),
        }
    }

    /// The names in the set: the standard ones in their order, then the custom ones.
    fn into_names(self) -> impl Iterator<Item = Cow<'a, str>> {
        let standard = self.standard;
        CreateUser::STANDARD_ATTRIBUTES
            .iter()
            .enumerate()
            .filter(move |(i, _)| standard & (1 << i) != 0)
            .map(|(_, name)| Cow::Borrowed(*name))
            .chain(self.custom)
    }

    /// A copy that borrows its names from `self`.
    pub(crate) fn reborrow(&self) -> Clears<'_> {
        Clears {
            standard: self.standard,
            custom: self.custom.iter().map(|n| Cow::Borrowed(&**n)).collect(),
        }
    }

    /// Refuses an attribute both given a value and cleared (by a struct and a field it
    /// flattens, or by the two sides of a merge): which of the two was meant is unknown.
    pub(crate) fn check(&self, user: &CreateUser<'_>) -> Result<(), Error> {
        if self.is_empty() {
            return Ok(());
        }
        let twice = |name: &str| {
            Error::invalid_input(
                name.to_owned(),
                "it is both given a value and cleared; map it once",
            )
        };
        for (i, name) in CreateUser::STANDARD_ATTRIBUTES.iter().enumerate() {
            if self.standard & (1 << i) != 0 && user.is_set(name) {
                return Err(twice(name));
            }
        }
        for (index, name) in self.custom.iter().enumerate() {
            crate::mapping::validate::custom_name(name)?;
            let given = user.custom_attributes().iter().any(|(n, _)| n == name);
            if given || self.custom[..index].contains(name) {
                return Err(twice(name));
            }
        }
        Ok(())
    }
}

/// The attributes a payload's value maps and holds no value for (a derived struct's `None`
/// fields), noted only once [`CreateUser::record_unset`] asked for them: sent as nothing,
/// unless [`CreateUser::clear_unset`] makes them clears. Not part of the payload's value:
/// two payloads that send the same are equal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unset<'a> {
    recording: bool,
    names: Clears<'a>,
}

impl PartialEq for Unset<'_> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<'a> Unset<'a> {
    pub(crate) fn retain(&mut self, keep: &mut impl FnMut(&str) -> bool) {
        self.names.retain(keep);
    }

    pub(crate) fn merge(&mut self, other: Unset<'a>) {
        self.names.merge(other.names);
    }

    pub(crate) fn reborrow(&self) -> Unset<'_> {
        Unset {
            recording: self.recording,
            names: self.names.reborrow(),
        }
    }
}

impl<'a> CreateUser<'a> {
    /// Notes from now on each attribute the value written into this payload maps and has no
    /// value for (a derived struct's `None` field), for [`CreateUser::clear_unset`]. Off by
    /// default, so that a payload that will not clear them pays nothing for it.
    #[must_use]
    pub fn record_unset(mut self) -> Self {
        self.unset.recording = true;
        self
    }

    /// Notes that the value written into this payload maps the attribute `name` and has no
    /// value for it, if the payload [records them](CreateUser::record_unset); by itself it
    /// sends nothing. The value traits call it for a `None` field; a hand-written
    /// [`IntoUserComUser`](crate::IntoUserComUser) may call it too.
    pub fn insert_unset(&mut self, name: impl Into<Cow<'a, str>>) {
        // A name noted twice is cleared once: `clear_unset` skips what is cleared already.
        if self.unset.recording {
            self.unset.names.insert(name.into());
        }
    }

    /// Clears every attribute noted unset (see [`CreateUser::record_unset`]), so that an
    /// upsert leaves User.com with no value where the application has none, as a sync's
    /// first upsert of a user must. An attribute with a value, one already cleared, and
    /// `user_id` (which names the user) are left alone. A flattened `Option` that is `None`
    /// notes nothing: its struct's attributes are unknown.
    ///
    /// ```
    /// use usercom_core::{ApiVersion, CreateUser, Error, IntoUserComUser};
    ///
    /// // What `#[derive(IntoUserComUser)]` writes for these two fields, by hand.
    /// struct Customer {
    ///     id: String,
    ///     phone: Option<String>,
    /// }
    ///
    /// impl IntoUserComUser for Customer {
    ///     fn write_user_com_user<'a>(&'a self, user: &mut CreateUser<'a>) -> Result<(), Error> {
    ///         user.user_id = Some(self.id.as_str().into());
    ///         match &self.phone {
    ///             Some(phone) => user.phone_number = Some(phone.as_str().into()),
    ///             None => user.insert_unset("phone_number"),
    ///         }
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let customer = Customer { id: "42".into(), phone: None };
    /// let mut user = CreateUser::new().record_unset();
    /// customer.write_user_com_user(&mut user)?;
    /// let mut body = Vec::new();
    /// user.body(ApiVersion::V1).write_json(&mut body)?;
    /// assert_eq!(body, br#"{"user_id":"42"}"#);
    ///
    /// user.clear_unset();
    /// body.clear();
    /// user.body(ApiVersion::V1).write_json(&mut body)?;
    /// assert_eq!(body, br#"{"phone_number":null,"user_id":"42"}"#);
    ///
    /// // Without `record_unset`, nothing is noted.
    /// let mut user = customer.to_create_user()?;
    /// user.clear_unset();
    /// assert_eq!(user, CreateUser::new().user_id("42"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear_unset(&mut self) {
        let names = std::mem::take(&mut self.unset.names);
        for name in names.into_names() {
            let given =
                self.is_set(&name) || self.custom_attributes().iter().any(|(n, _)| *n == name);
            if name != "user_id" && !given && !self.clears.contains(&name) {
                self.clears.insert(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_standard_attribute_has_a_bit_of_its_own() {
        let bits: Vec<u32> = CreateUser::STANDARD_ATTRIBUTES
            .iter()
            .map(|name| standard_bit(name))
            .collect();
        assert!(bits.len() <= 32);
        for (i, bit) in bits.iter().enumerate() {
            assert_eq!(*bit, 1 << i);
        }
        assert_eq!(standard_bit("plan"), 0);
    }

    #[test]
    fn a_name_noted_unset_twice_is_cleared_once() {
        let mut user = CreateUser::new().record_unset();
        for name in ["plan", "city", "plan", "city"] {
            user.insert_unset(name);
        }
        user.clear_unset();
        user.validate().unwrap();
        assert!(user.clears.has(standard_bit("city")));
        assert_eq!(user.clears.custom(), ["plan"]);
    }

    #[test]
    fn a_name_cleared_is_standard_or_custom() {
        let mut clears = Clears::default();
        clears.insert("city".into());
        clears.insert("plan".into());
        assert!(clears.has(standard_bit("city")));
        assert!(!clears.has(standard_bit("email")));
        assert_eq!(clears.custom(), ["plan"]);
        assert!(!clears.is_empty());
    }
}
