//! What goes on the wire: the API versions and the two request bodies.

use std::borrow::Cow;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::model::value::AttributeValue;
use crate::CreateUser;

/// Serialized as the body of `POST /users/` in API version 1 (the documented names); see
/// [`CreateUser::body`] for version 2.
impl Serialize for CreateUser<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_standard(serializer, ApiVersion::V1)
    }
}

/// The User.com API version a client speaks.
///
/// Version 1 is the documented create-user contract. Version 2 (sent as `Accept: */*; version=2`) calls
/// `user_id` `custom_id` and `company_id` `company_custom_id` on the wire; the Rust names
/// (fields, setters, `#[usercom(user_id)]`) stay the same whatever the version.
///
/// ```
/// use usercom_core::{ApiVersion, CreateUser};
/// let user = CreateUser::new().user_id("u-1").company_id("c-9");
/// assert_eq!(
///     serde_json::to_string(&user.body(ApiVersion::V2)).unwrap(),
///     r#"{"company_custom_id":"c-9","custom_id":"u-1"}"#
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiVersion {
    /// Version 1: the documented create-user names, no version header.
    #[default]
    V1,
    /// Version 2: `custom_id`, `company_custom_id`, and `Accept: */*; version=2`.
    V2,
}

impl ApiVersion {
    /// The name standard attribute `name` has on the wire in this version.
    pub fn wire_name(self, name: &'static str) -> &'static str {
        match (self, usercom_table::standard(name)) {
            (ApiVersion::V2, Some(attribute)) => attribute.wire_v2,
            _ => name,
        }
    }

    /// The `Accept` header a request of this version carries.
    ///
    /// ```
    /// use usercom_core::ApiVersion;
    /// assert_eq!(ApiVersion::V2.accept(), "*/*; version=2");
    /// ```
    pub fn accept(self) -> &'static str {
        match self {
            ApiVersion::V1 => "application/json",
            ApiVersion::V2 => "*/*; version=2",
        }
    }
}

/// The body of `POST /users/` in one API version: see [`CreateUser::body`].
#[derive(Debug, Clone, Copy)]
pub struct CreateUserBody<'b, 'a>(&'b CreateUser<'a>, ApiVersion);

impl<'b, 'a> CreateUserBody<'b, 'a> {
    pub(crate) fn new(user: &'b CreateUser<'a>, version: ApiVersion) -> Self {
        CreateUserBody(user, version)
    }
}

impl CreateUserBody<'_, '_> {
    /// Appends this body's JSON to `out`: the same bytes as
    /// `serde_json::to_writer(out, &body)`, written faster (the attribute names, which need
    /// no escaping, are copied as they are). It is what the client sends.
    ///
    /// ```
    /// use usercom_core::{ApiVersion, CreateUser};
    /// let user = CreateUser::new().email("a@example.org").user_id(7);
    /// let mut out = Vec::new();
    /// user.body(ApiVersion::V2).write_json(&mut out)?;
    /// assert_eq!(out, br#"{"email":"a@example.org","custom_id":"7"}"#);
    /// assert_eq!(out, serde_json::to_vec(&user.body(ApiVersion::V2))?);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.0.write_standard(out, self.1)
    }
}

impl Serialize for CreateUserBody<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_standard(serializer, self.1)
    }
}

/// The body of "set multiple attributes": see [`CreateUser::custom_attributes_body`].
#[derive(Debug, Clone, Copy)]
pub struct CustomAttributesBody<'b, 'a>(
    &'b [(Cow<'a, str>, AttributeValue<'a>)],
    &'b [Cow<'a, str>],
);

impl<'b, 'a> CustomAttributesBody<'b, 'a> {
    /// The attributes `custom` with their values, then those `cleared` as `null`.
    pub(crate) fn new(
        custom: &'b [(Cow<'a, str>, AttributeValue<'a>)],
        cleared: &'b [Cow<'a, str>],
    ) -> Self {
        CustomAttributesBody(custom, cleared)
    }
}

impl Serialize for CustomAttributesBody<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len() + self.1.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        for name in self.1 {
            map.serialize_entry(name, &())?;
        }
        map.end()
    }
}
