//! `CreateUser`: the body of `POST /users/`, plus the custom attributes that follow it.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::error::Error;
use crate::{Gender, Status};

/// Longest `first_name` / `last_name` User.com accepts, in characters (documented).
pub const MAX_NAME_CHARS: usize = 40;

/// Longest custom attribute name User.com accepts, in characters (documented).
pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 255;

macro_rules! create_user {
    ($( $(#[$doc:meta])* $field:ident : $kind:ident, )+) => {
        /// The payload of a create-user request: the seed's 21 standard attributes, each
        /// optional, plus custom attributes.
        ///
        /// Build it by hand with the chaining setters (one per attribute, named like it), or
        /// get it from any type that implements [`IntoUserComUser`](crate::IntoUserComUser),
        /// such as a struct with `#[derive(IntoUserComUser)]`. Strings may borrow from the
        /// caller (`Cow<'a, str>`), so nothing is copied to build a request.
        ///
        /// Its `Serialize` output is exactly the body of `POST /users/`: only the standard
        /// attributes that are set (never `null`), `gender` and `status` as the documented
        /// integers. Custom attributes are not part of that body: User.com sets them with a
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
                $(#[$doc])*
                pub $field: Option<create_user!(@ty $kind 'a)>,
            )+
            custom: Vec<(Cow<'a, str>, AttributeValue<'a>)>,
        }

        impl CreateUser<'_> {
            /// Serializes the standard attributes that are set, under the wire names of
            /// `version`.
            fn serialize_standard<S: Serializer>(
                &self,
                serializer: S,
                version: ApiVersion,
            ) -> Result<S::Ok, S::Error> {
                let v2 = version == ApiVersion::V2;
                let mut map = serializer.serialize_map(None)?;
                $(
                    if let Some(value) = &self.$field {
                        map.serialize_entry(create_user!(@wire v2 $field), value)?;
                    }
                )+
                map.end()
            }
        }

        /// Marker types, one per standard attribute, naming it in compile-time messages
        /// (see [`crate::convert`]).
        pub mod attribute {
            $(
                #[doc = concat!("The standard attribute `", stringify!($field), "`.")]
                #[allow(non_camel_case_types)]
                #[derive(Debug)]
                pub enum $field {}
            )+
        }

        impl<'a> CreateUser<'a> {
            /// The names of the standard attributes, in the order they are serialized.
            pub const STANDARD_ATTRIBUTES: &'static [&'static str] = &[$(stringify!($field)),+];

            $(
                #[doc = concat!("Sets `", stringify!($field), "` (chaining).")]
                #[must_use]
                pub fn $field(mut self, value: create_user!(@arg $kind 'a)) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )+

            /// A copy of this payload that borrows every string from `self`.
            pub fn reborrow(&self) -> CreateUser<'_> {
                CreateUser {
                    $( $field: create_user!(@reborrow $kind self.$field), )+
                    custom: self
                        .custom
                        .iter()
                        .map(|(name, value)| (Cow::Borrowed(&**name), value.reborrow()))
                        .collect(),
                }
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
                $( crate::convert::__private::set(&mut self.$field, stringify!($field), other.$field)?; )+
                self.custom.extend(other.custom);
                Ok(())
            }

            /// Checks the standard attributes against the documented rules; see
            /// [`CreateUser::validate`].
            fn validate_standard(&self) -> Result<(), Error> {
                $( create_user!(@check $kind self.$field, stringify!($field)); )+
                Ok(())
            }
        }
    };
    // The wire name of a field, decided per field at compile time (see `ApiVersion`).
    (@wire $v2:ident user_id) => { if $v2 { "custom_id" } else { "user_id" } };
    (@wire $v2:ident company_id) => { if $v2 { "company_custom_id" } else { "company_id" } };
    (@wire $v2:ident $field:ident) => { stringify!($field) };
    // `name`, `email`, `url` and `id` are text with a rule, checked by `validate`.
    (@ty name $a:lifetime) => { Cow<$a, str> };
    (@ty email $a:lifetime) => { Cow<$a, str> };
    (@ty url $a:lifetime) => { Cow<$a, str> };
    (@ty text $a:lifetime) => { Cow<$a, str> };
    (@ty id $a:lifetime) => { Cow<$a, str> };
    (@ty integer $a:lifetime) => { i64 };
    (@ty bool $a:lifetime) => { bool };
    (@ty gender $a:lifetime) => { Gender };
    (@ty status $a:lifetime) => { Status };
    (@arg name $a:lifetime) => { impl Into<Cow<$a, str>> };
    (@arg email $a:lifetime) => { impl Into<Cow<$a, str>> };
    (@arg url $a:lifetime) => { impl Into<Cow<$a, str>> };
    (@arg text $a:lifetime) => { impl Into<Cow<$a, str>> };
    (@arg id $a:lifetime) => { impl Into<Cow<$a, str>> };
    (@arg $kind:ident $a:lifetime) => { create_user!(@ty $kind $a) };
    (@reborrow name $e:expr) => { $e.as_deref().map(Cow::Borrowed) };
    (@reborrow email $e:expr) => { $e.as_deref().map(Cow::Borrowed) };
    (@reborrow url $e:expr) => { $e.as_deref().map(Cow::Borrowed) };
    (@reborrow text $e:expr) => { $e.as_deref().map(Cow::Borrowed) };
    (@reborrow id $e:expr) => { $e.as_deref().map(Cow::Borrowed) };
    (@reborrow $kind:ident $e:expr) => { $e };
    (@check name $e:expr, $name:expr) => { if let Some(v) = &$e { check_name($name, v)?; } };
    (@check email $e:expr, $name:expr) => { if let Some(v) = &$e { check_email($name, v)?; } };
    (@check url $e:expr, $name:expr) => { if let Some(v) = &$e { check_url($name, v)?; } };
    (@check id $e:expr, $name:expr) => { if let Some(v) = &$e { check_id($name, v)?; } };
    (@check gender $e:expr, $name:expr) => {
        if $e == Some(Gender::Unrecognized) { return Err(unrecognized_enum($name)); }
    };
    (@check status $e:expr, $name:expr) => {
        if $e == Some(Status::Unrecognized) { return Err(unrecognized_enum($name)); }
    };
    (@check $kind:ident $e:expr, $name:expr) => {};
}

create_user! {
    /// Id of the agent the user is assigned to.
    assigned_to: integer,
    /// City.
    city: text,
    /// Adds the user as an employee of the company with this id; never blank.
    company_id: id,
    /// Country (free text; `"USA"` and ISO-2 codes are both seen).
    country: text,
    /// Email address: one `@` with text on both sides.
    email: email,
    /// Facebook profile: an absolute http(s) URL.
    facebook_url: url,
    /// First name: at most 40 characters.
    first_name: name,
    /// Gender (sent as 1, 2 or 3).
    gender: gender,
    /// Google profile: an absolute http(s) URL.
    google_url: url,
    /// Gravatar: an absolute http(s) URL.
    gravatar_url: url,
    /// Last name: at most 40 characters.
    last_name: name,
    /// LinkedIn profile: an absolute http(s) URL.
    linkedin_url: url,
    /// Whether the user receives notifications.
    notifications: bool,
    /// Phone number.
    phone_number: text,
    /// Region.
    region: text,
    /// Lead score.
    score: integer,
    /// Visitor or user (sent as 1 or 2).
    status: status,
    /// Time zone.
    timezone: text,
    /// Twitter profile: an absolute http(s) URL.
    twitter_url: url,
    /// Whether the user unsubscribed from emails.
    unsubscribed: bool,
    /// The application's own identifier for the user; never blank.
    user_id: id,
}

/// Serialized as the body of `POST /users/` in API version 1 (the seed's names); see
/// [`CreateUser::body`] for version 2.
impl Serialize for CreateUser<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_standard(serializer, ApiVersion::V1)
    }
}

/// The User.com API version a client speaks.
///
/// Version 1 is the seed's contract. Version 2 (sent as `Accept: */*; version=2`) calls
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
    /// Version 1: the seed's names, no version header.
    #[default]
    V1,
    /// Version 2: `custom_id`, `company_custom_id`, and `Accept: */*; version=2`.
    V2,
}

impl ApiVersion {
    /// The name standard attribute `name` has on the wire in this version.
    pub fn wire_name(self, name: &'static str) -> &'static str {
        match (self, name) {
            (ApiVersion::V2, "user_id") => "custom_id",
            (ApiVersion::V2, "company_id") => "company_custom_id",
            _ => name,
        }
    }
}

impl<'a> CreateUser<'a> {
    /// The body of `POST /users/` in `version`: the standard attributes that are set, under
    /// that version's wire names.
    #[inline]
    pub fn body(&self, version: ApiVersion) -> CreateUserBody<'_, 'a> {
        CreateUserBody(self, version)
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
        CustomAttributesBody(&self.custom)
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
        for (index, (name, value)) in self.custom.iter().enumerate() {
            check_custom_name(name)?;
            if self.custom[..index]
                .iter()
                .any(|(earlier, _)| earlier == name)
            {
                return Err(Error::invalid_input(
                    name.to_string(),
                    "this custom attribute is given twice; each name may be set once",
                ));
            }
            match value {
                AttributeValue::Float(f) if !f.is_finite() => {
                    return Err(Error::invalid_value_of(
                        name.to_string(),
                        "NaN and infinities cannot be sent: JSON has no such numbers",
                        f.to_string(),
                    ));
                }
                AttributeValue::OutOfRange(n) => {
                    return Err(n.clone().into_error(name.to_string()))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the payload carries custom attributes (and so needs a second request).
    pub fn has_custom_attributes(&self) -> bool {
        !self.custom.is_empty()
    }
}

/// The exact string is what is sent: a rule never accepts text that the server would
/// trim, repair or reject. Control characters and leading or trailing white space are
/// refused for every attribute with a rule (a server trims them, so what it stores would
/// differ from what was sent).
fn check_exact_text(name: &'static str, value: &str) -> Result<(), Error> {
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_value_of(
            name,
            "it contains a control character (a line break, tab, ...); remove it",
            value,
        ));
    }
    if value.trim() != value {
        return Err(Error::invalid_value_of(
            name,
            "it starts or ends with white space, which User.com would trim; trim it first \
             (usercom sends exactly what it is given)",
            value,
        ));
    }
    Ok(())
}

fn check_name(name: &'static str, value: &str) -> Result<(), Error> {
    let chars = value.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(Error::invalid_value_of(
            name,
            format!(
                "{chars} characters, but User.com accepts at most {MAX_NAME_CHARS}; \
                 shorten it (usercom never truncates)"
            ),
            value,
        ));
    }
    check_exact_text(name, value)
}

/// `user_id` and `company_id` identify someone: a blank one identifies nobody, and would
/// merge every user that has it into one.
fn check_id(name: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_value_of(
            name,
            "it is empty or only white space, which identifies nobody (an upsert would merge \
             every such user into one); leave the attribute out instead",
            value,
        ));
    }
    Ok(())
}

fn check_email(name: &'static str, value: &str) -> Result<(), Error> {
    check_exact_text(name, value)?;
    let mut parts = value.split('@');
    let ok = matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty()
    ) && !value.chars().any(char::is_whitespace);
    if !ok {
        return Err(Error::invalid_value_of(
            name,
            "not an email address: it needs exactly one `@` with text on both sides, and no \
             white space",
            value,
        ));
    }
    Ok(())
}

/// An absolute `http` or `https` URL, exactly as written: the scheme in lower case followed
/// by `://` and a host, no white space, no backslash. (A lenient URL parser would repair
/// `HTTPS://x`, `https:/x`, `http:x` or `\\`, and the raw string would then be refused by
/// the server.)
fn check_url(name: &'static str, value: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Error::invalid_value_of(name, format!("not an absolute http(s) URL: {why}"), value)
    };
    check_exact_text(name, value)?;
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return Err(bad(
            "it must start with `https://` or `http://` (scheme in lower case)",
        ));
    };
    if value.chars().any(char::is_whitespace) {
        return Err(bad("it contains white space"));
    }
    if value.contains('\\') {
        return Err(bad("it contains a backslash"));
    }
    if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
        return Err(bad("it has no host"));
    }
    let url = reqwest::Url::parse(value).map_err(|e| bad(&e.to_string()))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    Ok(())
}

fn check_custom_name(name: &str) -> Result<(), Error> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_ATTRIBUTE_NAME_CHARS {
        return Err(Error::invalid_input(
            name.to_string(),
            format!(
                "a custom attribute name has 1 to {MAX_ATTRIBUTE_NAME_CHARS} characters, \
                 this one has {chars}"
            ),
        ));
    }
    if CreateUser::STANDARD_ATTRIBUTES.contains(&name) {
        return Err(Error::invalid_input(
            name.to_string(),
            format!("`{name}` is a standard attribute: set it with `.{name}(...)`, not as a custom attribute"),
        ));
    }
    Ok(())
}

fn unrecognized_enum(name: &'static str) -> Error {
    Error::invalid_input(
        name,
        "`Unrecognized` is only read from responses and cannot be sent; choose a known value",
    )
}

/// The body of `POST /users/` in one API version: see [`CreateUser::body`].
#[derive(Debug, Clone, Copy)]
pub struct CreateUserBody<'b, 'a>(&'b CreateUser<'a>, ApiVersion);

impl Serialize for CreateUserBody<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_standard(serializer, self.1)
    }
}

/// The body of "set multiple attributes": see [`CreateUser::custom_attributes_body`].
#[derive(Debug, Clone, Copy)]
pub struct CustomAttributesBody<'b, 'a>(&'b [(Cow<'a, str>, AttributeValue<'a>)]);

impl Serialize for CustomAttributesBody<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The value of a custom attribute.
///
/// User.com's attribute types are boolean, integer, float, string, date, datetime, json and
/// fixed (a choice list, sent as its string). Convert with `From`/`Into`:
///
/// ```
/// use usercom_core::AttributeValue;
/// assert_eq!(AttributeValue::from(true), AttributeValue::Bool(true));
/// assert_eq!(AttributeValue::from("pro"), AttributeValue::Text("pro".into()));
/// let json = serde_json::json!({"seats": 3});
/// assert_eq!(serde_json::to_value(AttributeValue::from(json.clone())).unwrap(), json);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AttributeValue<'a> {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A float; NaN and infinities are refused by [`CreateUser::validate`].
    Float(f64),
    /// A string (also the value of a "fixed" choice attribute).
    Text(Cow<'a, str>),
    /// A date, sent as `YYYY-MM-DD`.
    Date(NaiveDate),
    /// A date and time with its offset, sent as RFC 3339.
    DateTime(DateTime<FixedOffset>),
    /// A date and time without an offset, sent as `YYYY-MM-DDTHH:MM:SS[.f]`.
    NaiveDateTime(NaiveDateTime),
    /// Any JSON value (for json attributes).
    Json(Cow<'a, serde_json::Value>),
    /// An integer outside the range User.com stores (`i64`), in decimal. It is never sent:
    /// [`CreateUser::validate`] refuses it, as it refuses the same value from the derive.
    OutOfRange(crate::convert::OutOfRange),
}

impl AttributeValue<'_> {
    /// A copy that borrows its string or JSON from `self`.
    pub fn reborrow(&self) -> AttributeValue<'_> {
        match self {
            AttributeValue::Text(t) => AttributeValue::Text(Cow::Borrowed(t)),
            AttributeValue::Json(j) => AttributeValue::Json(Cow::Borrowed(j)),
            AttributeValue::Bool(b) => AttributeValue::Bool(*b),
            AttributeValue::Integer(i) => AttributeValue::Integer(*i),
            AttributeValue::Float(f) => AttributeValue::Float(*f),
            AttributeValue::Date(d) => AttributeValue::Date(*d),
            AttributeValue::DateTime(d) => AttributeValue::DateTime(*d),
            AttributeValue::NaiveDateTime(d) => AttributeValue::NaiveDateTime(*d),
            AttributeValue::OutOfRange(n) => AttributeValue::OutOfRange(n.clone()),
        }
    }

    /// This value with every borrow turned into an owned copy.
    pub fn into_owned(self) -> AttributeValue<'static> {
        match self {
            AttributeValue::Text(t) => AttributeValue::Text(Cow::Owned(t.into_owned())),
            AttributeValue::Json(j) => AttributeValue::Json(Cow::Owned(j.into_owned())),
            AttributeValue::Bool(b) => AttributeValue::Bool(b),
            AttributeValue::Integer(i) => AttributeValue::Integer(i),
            AttributeValue::Float(f) => AttributeValue::Float(f),
            AttributeValue::Date(d) => AttributeValue::Date(d),
            AttributeValue::DateTime(d) => AttributeValue::DateTime(d),
            AttributeValue::NaiveDateTime(d) => AttributeValue::NaiveDateTime(d),
            AttributeValue::OutOfRange(n) => AttributeValue::OutOfRange(n),
        }
    }
}

impl Serialize for AttributeValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttributeValue::Bool(b) => serializer.serialize_bool(*b),
            AttributeValue::Integer(i) => serializer.serialize_i64(*i),
            AttributeValue::Float(f) if f.is_finite() => serializer.serialize_f64(*f),
            AttributeValue::Float(f) => Err(serde::ser::Error::custom(format_args!(
                "{f} cannot be sent: JSON has no NaN or infinity"
            ))),
            AttributeValue::Text(t) => serializer.serialize_str(t),
            AttributeValue::Date(d) => serializer.collect_str(&d.format("%Y-%m-%d")),
            AttributeValue::DateTime(d) => d.serialize(serializer),
            AttributeValue::NaiveDateTime(d) => d.serialize(serializer),
            AttributeValue::Json(j) => j.serialize(serializer),
            AttributeValue::OutOfRange(n) => Err(serde::ser::Error::custom(format_args!(
                "{} is outside the range User.com stores (a 64-bit signed integer)",
                n.0
            ))),
        }
    }
}

macro_rules! attribute_value_from {
    ($($ty:ty => |$v:ident| $e:expr;)+) => {
        $(impl<'a> From<$ty> for AttributeValue<'a> {
            fn from($v: $ty) -> Self { $e }
        })+
    };
}

attribute_value_from! {
    bool => |v| AttributeValue::Bool(v);
    // The shortest decimal that reads back as the same `f32`: widening the bits instead
    // would send `0.1f32` as 0.10000000149011612.
    f32 => |v| AttributeValue::Float(shortest_f64(v));
    f64 => |v| AttributeValue::Float(v);
    &'a str => |v| AttributeValue::Text(Cow::Borrowed(v));
    String => |v| AttributeValue::Text(Cow::Owned(v));
    Cow<'a, str> => |v| AttributeValue::Text(v);
    Box<str> => |v| AttributeValue::Text(Cow::Owned(v.into()));
    std::sync::Arc<str> => |v| AttributeValue::Text(Cow::Owned(v.as_ref().to_owned()));
    std::rc::Rc<str> => |v| AttributeValue::Text(Cow::Owned(v.as_ref().to_owned()));
    NaiveDate => |v| AttributeValue::Date(v);
    NaiveDateTime => |v| AttributeValue::NaiveDateTime(v);
    DateTime<FixedOffset> => |v| AttributeValue::DateTime(v);
    DateTime<chrono::Utc> => |v| AttributeValue::DateTime(v.fixed_offset());
    DateTime<chrono::Local> => |v| AttributeValue::DateTime(v.fixed_offset());
    serde_json::Value => |v| AttributeValue::Json(Cow::Owned(v));
    &'a serde_json::Value => |v| AttributeValue::Json(Cow::Borrowed(v));
}

/// `value` as the `f64` of its shortest decimal form (the one that reads back as `value`).
fn shortest_f64(value: f32) -> f64 {
    if !value.is_finite() {
        return f64::from(value);
    }
    let mut buffer = ryu::Buffer::new();
    buffer
        .format_finite(value)
        .parse()
        .unwrap_or(f64::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(user: CreateUser<'_>) -> String {
        match user.validate() {
            Err(e @ Error::InvalidInput { .. }) => e.to_string(),
            other => panic!("expected an invalid-input error, got {other:?}"),
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
