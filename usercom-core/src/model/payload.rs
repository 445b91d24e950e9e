//! `CreateUser`: the body of `POST /users/`, plus the custom attributes that follow it.
//!
//! Its fields, setters, wire names and checks are generated from the one table of standard
//! attributes, `usercom_table::for_each_standard_attribute!`. The wire forms live in
//! `wire`, the rules in `validate`, custom values in `value`.

use std::borrow::Cow;

use crate::error::Error;
use crate::mapping::convert::IdText;
use crate::mapping::validate;
use crate::model::clears::{standard_bit, Clears, Unset};
use crate::model::value::AttributeValue;
use crate::model::wire::{ApiVersion, CreateUserBody, CustomAttributesBody};
use crate::{Gender, Status};
use serde::ser::{SerializeMap, Serializer};

pub use usercom_table::{MAX_ATTRIBUTE_NAME_CHARS, MAX_NAME_CHARS};

macro_rules! create_user {
    ($( $(#[doc = $doc:literal])* $field:ident : $v2:literal, $family:ident, $rule:ident, $read:ident $(($why:literal))?; )+) => {
        /// The payload of a create-user request: User.com's 21 standard attributes, each
        /// optional, plus custom attributes.
        ///
        /// Build it by hand with the chaining setters (one per attribute, named like it), or
        /// get it from any type that implements [`IntoUserComUser`](crate::IntoUserComUser),
        /// such as a struct with `#[derive(IntoUserComUser)]`. Strings may borrow from the
        /// caller (`Cow<'a, str>`), so nothing is copied to build a request.
        ///
        /// Its `Serialize` output is exactly the body of `POST /users/`: only the standard
        /// attributes that are set (`null` only for one [cleared](CreateUser::clear), which a
        /// create leaves out), `gender` and `status` as the documented integers. Custom attributes are not part of that body: User.com sets them with a
        /// second request; they are reachable through [`CreateUser::custom_attributes`].
        ///
        /// ```
        /// use usercom_core::{CreateUser, Gender};
        /// let user = CreateUser::new()
        ///     .email("myemail@example.org")
        ///     .first_name("John")
        ///     .last_name("Doe")
        ///     .gender(Gender::Male)
        ///     .attribute("plan", "pro");
        /// assert_eq!(
        ///     serde_json::to_string(&user).unwrap(),
        ///     r#"{"email":"myemail@example.org","first_name":"John","gender":2,"last_name":"Doe"}"#
        /// );
        /// assert_eq!(user.custom_attributes().len(), 1);
        /// user.validate()?;
        /// # Ok::<(), usercom_core::Error>(())
        /// ```
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        pub struct CreateUser<'a> {
            $(
                $(#[doc = $doc])*
                pub $field: Option<create_user!(@ty $family 'a)>,
            )+
            custom: Vec<(Cow<'a, str>, AttributeValue<'a>)>,
            pub(in crate::model) clears: Clears<'a>,
            pub(in crate::model) unset: Unset<'a>,
        }

        impl CreateUser<'_> {
            /// Serializes the standard attributes that are set, under the wire names of
            /// `version`.
            pub(crate) fn serialize_standard<S: Serializer>(
                &self,
                serializer: S,
                version: ApiVersion,
            ) -> Result<S::Ok, S::Error> {
                let v2 = version == ApiVersion::V2;
                let mut map = serializer.serialize_map(None)?;
                $(
                    let name = if v2 { $v2 } else { stringify!($field) };
                    if let Some(value) = &self.$field {
                        map.serialize_entry(name, value)?;
                    } else if self.clears.has(const { standard_bit(stringify!($field)) }) {
                        map.serialize_entry(name, &())?;
                    }
                )+
                map.end()
            }

            /// Appends the JSON of [`CreateUser::serialize_standard`] to `out`, the keys
            /// written as they are (they need no escaping), the values through serde_json:
            /// the same bytes as `serde_json::to_writer`, without escaping the keys again
            /// for every request.
            pub(crate) fn write_standard(
                &self,
                out: &mut Vec<u8>,
                version: ApiVersion,
            ) -> serde_json::Result<()> {
                let v2 = version == ApiVersion::V2;
                let mut separator = b'{';
                $(
                    if let Some(value) = &self.$field {
                        out.push(separator);
                        separator = b',';
                        out.extend_from_slice(if v2 {
                            concat!("\"", $v2, "\":").as_bytes()
                        } else {
                            concat!("\"", stringify!($field), "\":").as_bytes()
                        });
                        serde_json::to_writer(&mut *out, value)?;
                    } else if self.clears.has(const { standard_bit(stringify!($field)) }) {
                        out.push(separator);
                        separator = b',';
                        out.extend_from_slice(if v2 {
                            concat!("\"", $v2, "\":null").as_bytes()
                        } else {
                            concat!("\"", stringify!($field), "\":null").as_bytes()
                        });
                    }
                )+
                if separator == b'{' {
                    out.push(b'{');
                }
                out.push(b'}');
                Ok(())
            }
        }

        /// Marker types, one per standard attribute, naming it in compile-time messages
        /// (see [`crate::mapping::convert`]).
        pub mod attribute {
            $(
                #[doc = concat!("The standard attribute `", stringify!($field), "`.")]
                #[allow(non_camel_case_types)]
                #[derive(Debug)]
                pub enum $field {}
            )+
        }

        $(
            impl<'a> crate::mapping::convert::__private::Slot<'a, create_user!(@ty $family 'a)> for attribute::$field {
                const NAME: &'static str = stringify!($field);
                #[inline]
                fn slot<'s>(user: &'s mut CreateUser<'a>) -> &'s mut Option<create_user!(@ty $family 'a)> {
                    &mut user.$field
                }
            }
        )+

        impl<'a> CreateUser<'a> {
            /// The names of the standard attributes, in the order they are serialized.
            pub const STANDARD_ATTRIBUTES: &'static [&'static str] = &[$(stringify!($field)),+];

            $(
                #[doc = concat!("Sets `", stringify!($field), "` (chaining).")]
                #[must_use]
                pub fn $field(mut self, value: create_user!(@arg $family 'a)) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )+

            /// A copy of this payload that borrows every string from `self`.
            pub fn reborrow(&self) -> CreateUser<'_> {
                CreateUser {
                    $( $field: create_user!(@reborrow $family self.$field), )+
                    custom: self
                        .custom
                        .iter()
                        .map(|(name, value)| (Cow::Borrowed(&**name), value.reborrow()))
                        .collect(),
                    clears: self.clears.reborrow(),
                    unset: self.unset.reborrow(),
                }
            }

            /// Keeps the attributes whose names `keep` accepts and leaves out the others:
            /// standard attributes by their API v1 names (`user_id`, not `custom_id`),
            /// custom attributes and clears by theirs. What a sync sends of a changed user:
            /// only what changed.
            ///
            /// ```
            /// use usercom_core::CreateUser;
            /// let mut user = CreateUser::new()
            ///     .user_id("42")
            ///     .city("Oslo")
            ///     .email("a@example.org")
            ///     .attribute("plan", "pro")
            ///     .clear("seats");
            /// user.retain_attributes(|name| name != "email" && name != "seats");
            /// assert_eq!(user.email, None);
            /// assert_eq!(user.city.as_deref(), Some("Oslo"));
            /// assert_eq!(
            ///     serde_json::to_string(&user.custom_attributes_body()).unwrap(),
            ///     r#"{"plan":"pro"}"#
            /// );
            /// ```
            pub fn retain_attributes(&mut self, mut keep: impl FnMut(&str) -> bool) {
                $(
                    if self.$field.is_some() && !keep(stringify!($field)) {
                        self.$field = None;
                    }
                )+
                self.custom.retain(|(name, _)| keep(name));
                self.clears.retain(&mut keep);
                self.unset.retain(&mut keep);
            }

            /// Moves every attribute of `other` into `self`: the standard attributes it sets
            /// and its custom attributes. A standard attribute set on both sides is an
            /// [`Error::InvalidInput`] (nothing is overwritten); a custom attribute on both
            /// sides is reported by [`CreateUser::validate`].
            ///
            /// ```
            /// use usercom_core::CreateUser;
            /// let mut user = CreateUser::new().email("a@example.org");
            /// user.merge(CreateUser::new().city("Oslo"))?;
            /// assert_eq!(user.city.as_deref(), Some("Oslo"));
            /// assert!(user.merge(CreateUser::new().email("b@example.org")).is_err());
            /// # Ok::<(), usercom_core::Error>(())
            /// ```
            pub fn merge(&mut self, other: CreateUser<'a>) -> Result<(), Error> {
                $( set(&mut self.$field, stringify!($field), other.$field)?; )+
                self.custom.extend(other.custom);
                self.clears.merge(other.clears);
                self.unset.merge(other.unset);
                Ok(())
            }

            /// Checks the standard attributes against the documented rules; see
            /// [`CreateUser::validate`].
            fn validate_standard(&self) -> Result<(), Error> {
                $( create_user!(@check $rule self.$field, stringify!($field)); )+
                Ok(())
            }

            /// Whether the standard attribute `name` has a value.
            pub(crate) fn is_set(&self, name: &str) -> bool {
                match name {
                    $( stringify!($field) => self.$field.is_some(), )+
                    _ => false,
                }
            }
        }
    };
    // The Rust type of each value family.
    (@ty Text $a:lifetime) => { Cow<$a, str> };
    (@ty Id $a:lifetime) => { IdText<$a> };
    (@ty Integer $a:lifetime) => { i64 };
    (@ty Bool $a:lifetime) => { bool };
    (@ty Gender $a:lifetime) => { Gender };
    (@ty Status $a:lifetime) => { Status };
    (@arg Text $a:lifetime) => { impl Into<Cow<$a, str>> };
    (@arg Id $a:lifetime) => { impl Into<IdText<$a>> };
    (@arg $family:ident $a:lifetime) => { create_user!(@ty $family $a) };
    (@reborrow Text $e:expr) => { $e.as_deref().map(Cow::Borrowed) };
    (@reborrow Id $e:expr) => { $e.as_ref().map(IdText::reborrow) };
    (@reborrow $family:ident $e:expr) => { $e };
    // The check of each rule (see `crate::mapping::validate`).
    (@check Free $e:expr, $name:expr) => {};
    (@check Name $e:expr, $name:expr) => { if let Some(v) = &$e { validate::name($name, v)?; } };
    (@check Email $e:expr, $name:expr) => { if let Some(v) = &$e { validate::email($name, v)?; } };
    (@check Url $e:expr, $name:expr) => { if let Some(v) = &$e { validate::url($name, v)?; } };
    (@check Id $e:expr, $name:expr) => { if let Some(v) = &$e { validate::id($name, v)?; } };
    (@check Known $e:expr, $name:expr) => {
        if let Some(v) = &$e { validate::known($name, v.code().is_some())?; }
    };
}

usercom_table::for_each_standard_attribute!(create_user);

impl<'a> CreateUser<'a> {
    /// The body of `POST /users/` in `version`: the standard attributes that are set, under
    /// that version's wire names.
    #[inline]
    pub fn body(&self, version: ApiVersion) -> CreateUserBody<'_, 'a> {
        CreateUserBody::new(self, version)
    }

    /// An empty payload.
    #[inline]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the custom attribute `name` (chaining). Custom attributes are sent after the user
    /// is created, with User.com's "set multiple attributes" request.
    ///
    /// ```
    /// use usercom_core::{AttributeValue, CreateUser};
    /// let user = CreateUser::new().attribute("plan", "pro").attribute("seats", 12);
    /// assert_eq!(user.custom_attributes()[1].1, AttributeValue::Integer(12));
    /// ```
    #[must_use]
    pub fn attribute(
        mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<AttributeValue<'a>>,
    ) -> Self {
        self.insert_attribute(name, value);
        self
    }

    /// Adds the custom attribute `name`. A name given twice is reported by
    /// [`CreateUser::validate`], never silently overwritten.
    pub fn insert_attribute(
        &mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<AttributeValue<'a>>,
    ) {
        self.custom.push((name.into(), value.into()));
    }

    /// Clears the attribute `name` (chaining): a standard attribute (`"city"`) or a custom
    /// one (`"plan"`). An update or an upsert sends it as `null`, which clears it in
    /// User.com; a create leaves it out, as if it were not set. A field of type
    /// `Option<Option<T>>` does the same when it is `Some(None)`.
    ///
    /// An attribute both given a value and cleared is refused by
    /// [`CreateUser::validate`].
    ///
    /// ```
    /// use usercom_core::CreateUser;
    /// let user = CreateUser::new().email("a@example.org").clear("city").clear("plan");
    /// let mut body = Vec::new();
    /// user.body(usercom_core::ApiVersion::V1).write_json(&mut body)?;
    /// assert_eq!(body, br#"{"city":null,"email":"a@example.org"}"#);
    /// assert_eq!(
    ///     serde_json::to_string(&user.custom_attributes_body())?,
    ///     r#"{"plan":null}"#
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn clear(mut self, name: impl Into<Cow<'a, str>>) -> Self {
        self.clears.insert(name.into());
        self
    }

    /// Clears the attribute `name` in place: see [`CreateUser::clear`]. The value traits
    /// call it for an `Option<Option<T>>` field that is `Some(None)`.
    pub fn insert_clear(&mut self, name: impl Into<Cow<'a, str>>) {
        self.clears.insert(name.into());
    }

    /// Forgets what the payload clears: a create sends no `null`s.
    pub(crate) fn forget_clears(&mut self) {
        if !self.clears.is_empty() {
            self.clears = Clears::default();
        }
    }

    /// The custom attributes, in the order they were added.
    pub fn custom_attributes(&self) -> &[(Cow<'a, str>, AttributeValue<'a>)] {
        &self.custom
    }

    /// The body of the "set multiple attributes" request: a flat JSON object of the custom
    /// attributes.
    ///
    /// ```
    /// use usercom_core::CreateUser;
    /// let user = CreateUser::new().attribute("plan", "pro").attribute("trial", false);
    /// assert_eq!(
    ///     serde_json::to_string(&user.custom_attributes_body()).unwrap(),
    ///     r#"{"plan":"pro","trial":false}"#
    /// );
    /// ```
    pub fn custom_attributes_body(&self) -> CustomAttributesBody<'_, 'a> {
        CustomAttributesBody::new(&self.custom, self.clears.custom())
    }

    /// Checks the payload against User.com's documented rules, so that bad input is refused
    /// before anything is sent. The client calls it before every request.
    ///
    /// - `first_name` and `last_name`: at most 40 characters (Unicode scalar values, as the
    ///   server counts them); never truncated;
    /// - `email`: exactly one `@`, with text on both sides;
    /// - the five `*_url` attributes: absolute `http` or `https` URLs;
    /// - `gender` / `status`: not `Unrecognized` (a value only responses produce);
    /// - custom attributes: names of 1 to 255 characters, each at most once, none named like
    ///   a standard attribute; floats finite (JSON has no NaN or infinity).
    ///
    /// ```
    /// use usercom_core::{CreateUser, Error};
    /// let err = CreateUser::new().email("not-an-address").validate().unwrap_err();
    /// assert!(matches!(err, Error::InvalidInput { .. }));
    /// assert!(err.to_string().contains("email"));
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_standard()?;
        self.clears.check(self)?;
        validate::named_values(
            &self.custom,
            "this custom attribute is given twice; each name may be set once",
        )
    }

    /// Whether the payload carries custom attributes (and so needs a second request).
    pub fn has_custom_attributes(&self) -> bool {
        !self.custom.is_empty() || !self.clears.custom().is_empty()
    }
}

/// Sets a standard attribute, refusing to overwrite one set before (by a flattened field,
/// or by the other side of a merge). Used by the derive's generated code, through
/// `convert::__private`.
#[doc(hidden)]
#[inline]
pub fn set<T>(
    slot: &mut Option<T>,
    attribute: &'static str,
    value: Option<T>,
) -> Result<(), Error> {
    if value.is_some() {
        if slot.is_some() {
            return Err(Error::invalid_input(
                attribute,
                "set twice (for example by a struct and by a field it flattens); map it once",
            ));
        }
        *slot = value;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn invalid(user: CreateUser<'_>) -> String {
        match user.validate() {
            Err(e @ Error::InvalidInput { .. }) => e.to_string(),
            other => panic!("expected an invalid-input error, got {other:?}"),
        }
    }

    #[test]
    fn the_written_body_is_the_serialized_body() {
        let every = CreateUser::new()
            .assigned_to(-7)
            .city("Zürich \"quoted\" \\ back\tslash\u{1}")
            .company_id(42u8)
            .country("CH")
            .email("a@example.org")
            .facebook_url("https://facebook.com/x")
            .first_name("Ada")
            .gender(Gender::Female)
            .google_url("https://google.com/x")
            .gravatar_url("https://gravatar.com/x")
            .last_name("Lovelace")
            .linkedin_url("https://linkedin.com/x")
            .notifications(true)
            .phone_number("+41 00")
            .region("ZH")
            .score(i64::MIN)
            .status(Status::User)
            .timezone("Europe/Zurich")
            .twitter_url("https://twitter.com/x")
            .unsubscribed(false)
            .user_id("u-\u{2028}-1")
            .attribute("plan", "pro");
        for user in [every, CreateUser::new(), CreateUser::new().user_id(0)] {
            for version in [ApiVersion::V1, ApiVersion::V2] {
                let mut written = b"prefix".to_vec();
                user.body(version).write_json(&mut written).unwrap();
                let serialized = serde_json::to_vec(&user.body(version)).unwrap();
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    format!("prefix{}", String::from_utf8(serialized).unwrap())
                );
            }
        }
    }

    #[test]
    fn absent_attributes_are_omitted_and_enums_are_integers() {
        let user = CreateUser::new()
            .status(Status::User)
            .gender(Gender::Female)
            .score(-3)
            .notifications(false);
        assert_eq!(
            serde_json::to_value(&user).unwrap(),
            serde_json::json!({"gender": 3, "notifications": false, "score": -3, "status": 2})
        );
        assert_eq!(serde_json::to_string(&CreateUser::new()).unwrap(), "{}");
    }

    #[test]
    fn names_are_limited_to_40_scalar_values_not_bytes() {
        let forty = "é".repeat(40);
        CreateUser::new()
            .first_name(forty.as_str())
            .validate()
            .unwrap();
        let msg = invalid(CreateUser::new().last_name("x".repeat(41)));
        assert!(
            msg.contains("last_name") && msg.contains("41 characters"),
            "{msg}"
        );
    }

    #[test]
    fn email_needs_one_at_sign_with_text_on_both_sides() {
        for bad in ["", "a", "@b", "a@", "a@b@c"] {
            let msg = invalid(CreateUser::new().email(bad));
            assert!(msg.contains("email"), "{msg}");
        }
        CreateUser::new().email("a@b").validate().unwrap();
    }

    #[test]
    fn urls_must_be_absolute_http() {
        for bad in [
            "example.com/x",
            "ftp://example.com",
            "/relative",
            "https://",
        ] {
            let msg = invalid(CreateUser::new().twitter_url(bad));
            assert!(msg.contains("twitter_url"), "{msg}");
        }
        CreateUser::new()
            .gravatar_url("https://gravatar.com/avatar/1")
            .linkedin_url("http://linkedin.com/in/x")
            .validate()
            .unwrap();
    }

    #[test]
    fn custom_attribute_names_are_checked() {
        assert!(invalid(CreateUser::new().attribute("", 1)).contains("1 to 255"));
        assert!(invalid(CreateUser::new().attribute("a".repeat(256), 1)).contains("256"));
        CreateUser::new()
            .attribute("a".repeat(255), 1)
            .validate()
            .unwrap();
        assert!(
            invalid(CreateUser::new().attribute("plan", 1).attribute("plan", 2)).contains("twice")
        );
        assert!(invalid(CreateUser::new().attribute("email", "x")).contains(".email("));
        assert!(invalid(CreateUser::new().attribute("ratio", f64::NAN)).contains("NaN"));
    }

    #[test]
    fn unrecognized_enums_are_refused() {
        assert!(invalid(CreateUser::new().gender(Gender::Unrecognized)).contains("gender"));
        assert!(invalid(CreateUser::new().status(Status::Unrecognized)).contains("status"));
    }

    #[test]
    fn custom_values_serialize_to_their_json_types() {
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let user = CreateUser::new()
            .attribute("d", date)
            .attribute("dt", date.and_hms_opt(1, 2, 3).unwrap().and_utc())
            .attribute("f", 1.5)
            .attribute("j", serde_json::json!([1, {"a": null}]));
        assert_eq!(
            serde_json::to_value(user.custom_attributes_body()).unwrap(),
            serde_json::json!({"d": "2024-02-29", "dt": "2024-02-29T01:02:03Z",
                               "f": 1.5, "j": [1, {"a": null}]})
        );
    }

    #[test]
    fn reborrow_keeps_every_value() {
        let user = CreateUser::new()
            .email(String::from("a@b"))
            .score(7)
            .attribute(String::from("plan"), String::from("pro"));
        assert_eq!(user.reborrow(), user);
    }

    /// The refused input, its attribute, and that `Display` does not quote the value.
    fn refused(user: CreateUser<'_>, attribute: &str, value: &str) -> String {
        let err = user.validate().unwrap_err();
        match &err {
            Error::InvalidInput { attribute: a, .. } => assert_eq!(a, attribute),
            other => panic!("expected an invalid-input error, got {other:?}"),
        }
        assert_eq!(err.invalid_value(), Some(value));
        let shown = err.to_string();
        if !value.trim().is_empty() {
            assert!(!shown.contains(value), "{shown}");
        }
        shown
    }

    #[test]
    fn blank_ids_are_refused_for_create_too() {
        for blank in ["", " ", "\t", "\u{a0}"] {
            let msg = refused(CreateUser::new().user_id(blank), "user_id", blank);
            assert!(msg.contains("identifies nobody"), "{msg}");
            refused(CreateUser::new().company_id(blank), "company_id", blank);
        }
        CreateUser::new()
            .user_id("0")
            .company_id("c 1")
            .validate()
            .unwrap();
    }

    #[test]
    fn urls_are_checked_exactly_as_they_are_sent() {
        // Each of these a lenient URL parser accepts (and repairs); the server would refuse
        // the raw string, so validation refuses it before sending.
        for bad in [
            " https://example.com",
            "https://example.com ",
            "https:/example.com",
            "http:example.com",
            "HTTPS://example.com",
            "Http://example.com",
            "https:\\\\example.com",
            "https://example.com\\x",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com/\n",
            "https:///path",
            "https://?q",
        ] {
            refused(CreateUser::new().facebook_url(bad), "facebook_url", bad);
        }
        for good in [
            "https://example.com",
            "http://example.com:8080/a/b?c=d#e",
            "https://xn--bcher-kva.example/",
            "https://bücher.example/ü",
        ] {
            CreateUser::new().google_url(good).validate().unwrap();
        }
    }

    #[test]
    fn emails_and_names_are_checked_exactly_as_they_are_sent() {
        for bad in [" a@b", "a@b ", "a b@c", "a@b\nc", "a\t@b"] {
            refused(CreateUser::new().email(bad), "email", bad);
        }
        for bad in [" Ada", "Ada ", "Ada\nLovelace"] {
            refused(CreateUser::new().first_name(bad), "first_name", bad);
        }
        CreateUser::new()
            .first_name("Ada Lovelace")
            .email("ada@example.org")
            .validate()
            .unwrap();
    }

    #[test]
    fn invalid_input_names_the_rule_not_the_value() {
        let err = CreateUser::new()
            .email("ada.lovelace.example.org")
            .validate()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value for `email`: not an email address: it needs exactly one `@` with \
             text on both sides, and no white space (nothing was sent)"
        );
        assert_eq!(err.invalid_value(), Some("ada.lovelace.example.org"));
    }

    #[test]
    fn f32_is_sent_as_its_shortest_decimal() {
        let user = CreateUser::new()
            .attribute("a", 0.1f32)
            .attribute("b", 3.3f32)
            .attribute("c", -1.0e-7f32);
        assert_eq!(
            serde_json::to_string(&user.custom_attributes_body()).unwrap(),
            r#"{"a":0.1,"b":3.3,"c":-1e-7}"#
        );
        // Every 4099th bit pattern (about a million values across the whole range): the
        // decimal sent reads back as the same f32.
        let mut bits = 0u32;
        while let Some(next) = bits.checked_add(4099) {
            let value = f32::from_bits(bits);
            if value.is_finite() {
                let AttributeValue::Float(sent) = AttributeValue::from(value) else {
                    panic!("a float")
                };
                let text = serde_json::to_string(&sent).unwrap();
                let back: f32 = text.parse().unwrap();
                assert_eq!(back.to_bits(), value.to_bits(), "{value:e} sent as {text}");
            }
            bits = next;
        }
    }

    #[test]
    fn the_builder_takes_the_integers_the_derive_takes() {
        let user = CreateUser::new()
            .attribute("seats", 12usize)
            .attribute("big", 7u64)
            .attribute("wide", -3i128)
            .attribute("boxed", Box::<str>::from("pro"));
        assert_eq!(
            serde_json::to_string(&user.custom_attributes_body()).unwrap(),
            r#"{"seats":12,"big":7,"wide":-3,"boxed":"pro"}"#
        );
        user.validate().unwrap();
        let err = CreateUser::new()
            .attribute("big", u64::MAX)
            .validate()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value for `big`: the value is outside the range User.com stores (a 64-bit \
             signed integer) (nothing was sent)"
        );
        assert_eq!(err.invalid_value(), Some("18446744073709551615"));
    }
}
