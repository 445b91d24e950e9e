//! The typed `User` that User.com answers with, and its nested objects.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::enums::Reported;
use crate::{Gender, Status};

/// A company the user belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Company {
    /// User.com's id of the company.
    pub id: u64,
    /// The company's name.
    pub name: String,
    /// When the user joined the company, if known.
    #[serde(default)]
    pub member_since: Option<DateTime<Utc>>,
}

/// A tag on the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tag {
    /// User.com's id of the tag.
    pub id: u64,
    /// The tag's name.
    pub name: String,
}

/// A list the user is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct List {
    /// User.com's id of the list.
    pub id: u64,
    /// The list's name.
    pub name: String,
    /// The list's description, when it has one.
    #[serde(default)]
    pub description: Option<String>,
}

/// A custom attribute's value on the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserAttribute {
    /// User.com's id of the attribute.
    pub id: u64,
    /// The attribute's display name.
    pub name: String,
    /// The attribute's standardized name (the one requests use).
    pub name_std: String,
    /// The value, of whatever JSON type the attribute has (booleans, strings, numbers,
    /// arrays and objects all occur).
    pub value: serde_json::Value,
}

/// Defines `User` and the private wire struct it is decoded from, from one field list, so
/// that the two never drift apart. Only `gender` and `status` differ: on the wire they keep
/// the server's text, in `User` they are the enums (plus the text, kept privately).
macro_rules! user_struct {
    (
        $(#[$meta:meta])*
        pub struct User {
            $( $(#[doc = $doc:literal])* pub $field:ident : $ty:ty $(= $default:ident)?, )+
        }
    ) => {
        $(#[$meta])*
        pub struct User {
            $( $(#[doc = $doc])* pub $field: $ty, )+
            /// The user's status. A value this version does not know is
            /// [`Status::Unrecognized`]; [`User::status_text`] has the server's text.
            pub status: Status,
            /// The user's gender. A value this version does not know is
            /// [`Gender::Unrecognized`]; [`User::gender_text`] has the server's text.
            pub gender: Gender,
            reported_status: Reported<Status>,
            reported_gender: Reported<Gender>,
        }

        #[derive(Deserialize)]
        struct UserWire {
            $( $(#[serde($default)])? $field: $ty, )+
            #[serde(default = "Reported::not_set")]
            status: Reported<Status>,
            #[serde(default = "Reported::not_set")]
            gender: Reported<Gender>,
        }

        #[derive(Serialize)]
        struct UserView<'a> {
            $( $field: &'a $ty, )+
            status: &'a str,
            gender: &'a str,
        }

        impl From<UserWire> for User {
            fn from(wire: UserWire) -> User {
                User {
                    $( $field: wire.$field, )+
                    status: wire.status.value(),
                    gender: wire.gender.value(),
                    reported_status: wire.status,
                    reported_gender: wire.gender,
                }
            }
        }

        impl Serialize for User {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                UserView {
                    $( $field: &self.$field, )+
                    status: self.status_text(),
                    gender: self.gender_text(),
                }
                .serialize(serializer)
            }
        }
    };
}

user_struct! {
    /// A User.com user, as the API answers it.
    ///
    /// Every field of the documented sample response is here, typed. Keys the server adds
    /// later are ignored; a list key that is absent decodes as an empty list; a `gender` or
    /// `status` this version does not know is kept (see [`Gender::Unrecognized`]), never an
    /// error and never turned into a different value. Serializing a `User` writes the
    /// response shape back (`gender` and `status` as the server's strings).
    ///
    /// ```
    /// use usercom_core::{Status, User};
    /// let user: User = serde_json::from_str(r#"{
    ///     "id": 20901703, "key": "xSoYQG00fg9z", "name": "John Doe",
    ///     "email": "myemail@example.org", "status": "visitor", "gender": "unknown",
    ///     "created_at": "2017-06-13T12:22:38.748373Z",
    ///     "updated_at": "2017-06-13T12:22:38.748397Z"
    /// }"#)?;
    /// assert_eq!(user.id, 20901703);
    /// assert_eq!(user.status, Status::Visitor);
    /// assert!(user.companies.is_empty());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct User {
        /// User.com's numeric id of the user (used in later requests about this user).
        pub id: u64,
        /// User.com's 12-character key of the user.
        pub key: String,
        /// Full name, as User.com composes it.
        pub name: Option<String> = default,
        /// Email address.
        pub email: Option<String> = default,
        /// Lead score.
        pub score: i64 = default,
        /// Whether the user receives notifications.
        pub notifications: bool = default,
        /// Whether the user unsubscribed from emails.
        pub unsubscribed: bool = default,
        /// How many pages the user has viewed.
        pub page_views: u64 = default,
        /// When the user was created.
        pub created_at: DateTime<Utc>,
        /// When the user was last updated.
        pub updated_at: DateTime<Utc>,
        /// When the user was first seen on a tracked site.
        pub first_seen: Option<DateTime<Utc>> = default,
        /// When the user was last seen on a tracked site.
        pub last_seen: Option<DateTime<Utc>> = default,
        /// When the user was last contacted.
        pub last_contacted: Option<DateTime<Utc>> = default,
        /// City.
        pub city: Option<String> = default,
        /// Region.
        pub region: Option<String> = default,
        /// Country.
        pub country: Option<String> = default,
        /// Time zone.
        pub timezone: Option<String> = default,
        /// Phone number.
        pub phone_number: Option<String> = default,
        /// Facebook profile URL.
        pub facebook_url: Option<String> = default,
        /// Google profile URL.
        pub google_url: Option<String> = default,
        /// Gravatar URL.
        pub gravatar_url: Option<String> = default,
        /// LinkedIn profile URL.
        pub linkedin_url: Option<String> = default,
        /// Twitter profile URL.
        pub twitter_url: Option<String> = default,
        /// Operating system seen by the tracking script.
        pub os_type: Option<String> = default,
        /// Browser seen by the tracking script.
        pub browser: Option<String> = default,
        /// Browser language seen by the tracking script.
        pub browser_language: Option<String> = default,
        /// Screen resolution seen by the tracking script.
        pub resolution: Option<String> = default,
        /// Last IP address seen.
        pub last_ip: Option<String> = default,
        /// Deprecated by User.com (it answers a constant sentence); kept as sent.
        pub chat_id: Option<String> = default,
        /// Companies the user belongs to (empty when the key is absent).
        pub companies: Vec<Company> = default,
        /// Tags on the user (empty when the key is absent).
        pub tags: Vec<Tag> = default,
        /// Lists the user is on (empty when the key is absent).
        pub lists: Vec<List> = default,
        /// Custom attribute values (empty when the key is absent).
        pub attributes: Vec<UserAttribute> = default,
    }
}

impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        UserWire::deserialize(deserializer).map(User::from)
    }
}

impl<T: crate::enums::WireEnum> Reported<T> {
    /// A missing key means the same as `null`: not set.
    fn not_set() -> Self {
        Reported::Known(T::NOT_SET)
    }
}

impl User {
    /// The gender exactly as the server spelled it (`"male"`, or a value this version of the
    /// crate does not know).
    pub fn gender_text(&self) -> &str {
        reported_text(&self.reported_gender, self.gender)
    }

    /// The status exactly as the server spelled it (`"user"`, or a value this version of the
    /// crate does not know).
    pub fn status_text(&self) -> &str {
        reported_text(&self.reported_status, self.status)
    }

    /// The value of the custom attribute whose standardized name is `name_std`, if the user
    /// has it.
    pub fn attribute(&self, name_std: &str) -> Option<&serde_json::Value> {
        self.attributes
            .iter()
            .find(|a| a.name_std == name_std)
            .map(|a| &a.value)
    }
}

/// The server's text while the public field still holds what the server reported; the
/// field's own spelling once the caller has changed it.
fn reported_text<T: crate::enums::WireEnum + PartialEq>(
    reported: &Reported<T>,
    current: T,
) -> &str {
    if reported.value() == current {
        reported.as_str()
    } else {
        current.as_str()
    }
}
