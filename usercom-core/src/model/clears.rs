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
/// fields): sent as nothing, unless [`CreateUser::clear_unset`] makes them clears. Not part
/// of the payload's value: two payloads that send the same are equal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Unset<'a>(Clears<'a>);

impl PartialEq for Unset<'_> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<'a> Unset<'a> {
    pub(crate) fn retain(&mut self, keep: &mut impl FnMut(&str) -> bool) {
        self.0.retain(keep);
    }

    pub(crate) fn merge(&mut self, other: Unset<'a>) {
        self.0.merge(other.0);
    }

    pub(crate) fn reborrow(&self) -> Unset<'_> {
        Unset(self.0.reborrow())
    }
}

impl<'a> CreateUser<'a> {
    /// Notes that the value this payload was written from maps the attribute `name` and has
    /// no value for it; by itself it sends nothing. The value traits call it for a `None`
    /// field, so that [`CreateUser::clear_unset`] can clear what a struct maps and does not
    /// have. A hand-written [`IntoUserComUser`](crate::IntoUserComUser) may call it too.
    pub fn insert_unset(&mut self, name: impl Into<Cow<'a, str>>) {
        let name = name.into();
        if !self.unset.0.contains(&name) {
            self.unset.0.insert(name);
        }
    }

    /// Clears every attribute the value maps and has no value for (see
    /// [`CreateUser::insert_unset`]), so that an upsert leaves User.com with no value where
    /// the application has none, as a sync's first upsert of a user must. An attribute with
    /// a value, one already cleared, and `user_id` (which names the user) are left alone. A
    /// flattened `Option` that is `None` notes nothing: its struct's attributes are unknown.
    ///
    /// ```
    /// use usercom_core::{ApiVersion, CreateUser};
    /// let mut user = CreateUser::new().user_id("42").email("a@example.org");
    /// user.insert_unset("phone_number");
    /// user.insert_unset("plan");
    /// let mut body = Vec::new();
    /// user.body(ApiVersion::V1).write_json(&mut body)?;
    /// assert_eq!(body, br#"{"email":"a@example.org","user_id":"42"}"#);
    ///
    /// user.clear_unset();
    /// body.clear();
    /// user.body(ApiVersion::V1).write_json(&mut body)?;
    /// assert_eq!(body, br#"{"email":"a@example.org","phone_number":null,"user_id":"42"}"#);
    /// assert_eq!(serde_json::to_string(&user.custom_attributes_body())?, r#"{"plan":null}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn clear_unset(&mut self) {
        let unset = std::mem::take(&mut self.unset).0;
        for name in unset.into_names() {
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
