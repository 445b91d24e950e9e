//! The typed `User` that User.com answers with, and its nested objects.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::enums::Reported;
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
    #[serde(default, deserialize_with = "datetime::optional")]
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
            $( $(#[doc = $doc:literal])* pub $field:ident : $ty:ty $(= [$($serde:tt)*])?, )+
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
            $( $(#[serde($($serde)*)])? $field: $ty, )+
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
        pub name: Option<String> = [default],
        /// Email address.
        pub email: Option<String> = [default],
        /// Lead score.
        pub score: i64 = [default],
        /// Whether the user receives notifications.
        pub notifications: bool = [default],
        /// Whether the user unsubscribed from emails.
        pub unsubscribed: bool = [default],
        /// How many pages the user has viewed.
        pub page_views: u64 = [default],
        /// When the user was created.
        pub created_at: DateTime<Utc> = [deserialize_with = "datetime::required"],
        /// When the user was last updated.
        pub updated_at: DateTime<Utc> = [deserialize_with = "datetime::required"],
        /// When the user was first seen on a tracked site.
        pub first_seen: Option<DateTime<Utc>> = [default, deserialize_with = "datetime::optional"],
        /// When the user was last seen on a tracked site.
        pub last_seen: Option<DateTime<Utc>> = [default, deserialize_with = "datetime::optional"],
        /// When the user was last contacted.
        pub last_contacted: Option<DateTime<Utc>> = [default, deserialize_with = "datetime::optional"],
        /// City.
        pub city: Option<String> = [default],
        /// Region.
        pub region: Option<String> = [default],
        /// Country.
        pub country: Option<String> = [default],
        /// Time zone.
        pub timezone: Option<String> = [default],
        /// Phone number.
        pub phone_number: Option<String> = [default],
        /// Facebook profile URL.
        pub facebook_url: Option<String> = [default],
        /// Google profile URL.
        pub google_url: Option<String> = [default],
        /// Gravatar URL.
        pub gravatar_url: Option<String> = [default],
        /// LinkedIn profile URL.
        pub linkedin_url: Option<String> = [default],
        /// Twitter profile URL.
        pub twitter_url: Option<String> = [default],
        /// Operating system seen by the tracking script.
        pub os_type: Option<String> = [default],
        /// Browser seen by the tracking script.
        pub browser: Option<String> = [default],
        /// Browser language seen by the tracking script.
        pub browser_language: Option<String> = [default],
        /// Screen resolution seen by the tracking script.
        pub resolution: Option<String> = [default],
        /// Last IP address seen.
        pub last_ip: Option<String> = [default],
        /// Deprecated by User.com (it answers a constant sentence); kept as sent.
        pub chat_id: Option<String> = [default],
        /// Companies the user belongs to (empty when the key is absent).
        pub companies: Vec<Company> = [default],
        /// Tags on the user (empty when the key is absent).
        pub tags: Vec<Tag> = [default],
        /// Lists the user is on (empty when the key is absent).
        pub lists: Vec<List> = [default],
        /// Custom attribute values (empty when the key is absent).
        pub attributes: Vec<UserAttribute> = [default],
    }
}

impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        UserWire::deserialize(deserializer).map(User::from)
    }
}

impl<T: crate::model::enums::WireEnum> Reported<T> {
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
fn reported_text<T: crate::model::enums::WireEnum + PartialEq>(
    reported: &Reported<T>,
    current: T,
) -> &str {
    if reported.value() == current {
        reported.as_str()
    } else {
        current.as_str()
    }
}

/// Dates and times as User.com writes them (`2017-06-13T12:22:38.748397Z`), read directly; any
/// other form is read by chrono, which decides what is accepted and how it is refused, as
/// when these fields were chrono's to read.
mod datetime {
    use std::fmt;

    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
    use serde::de::{self, Deserialize, Deserializer, IntoDeserializer};

    pub(super) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        d.deserialize_str(Text)
    }

    pub(super) fn optional<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        d.deserialize_option(Optional)
    }

    struct Text;

    impl de::Visitor<'_> for Text {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // chrono's words, so that errors read the same.
            f.write_str("an RFC 3339 formatted date and time string")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            match parse(text) {
                Some(time) => Ok(time),
                None => DateTime::<Utc>::deserialize(text.into_deserializer()),
            }
        }
    }

    struct Optional;

    impl<'de> de::Visitor<'de> for Optional {
        type Value = Option<DateTime<Utc>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("option")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            required(d).map(Some)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1 to 9 digits, then `Z` or `±HH:MM`;
    /// `None` for anything else (chrono reads it then).
    pub(super) fn parse(text: &str) -> Option<DateTime<Utc>> {
        let b = text.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            b.get(range)?.iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let date = NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)?;
        let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let mut at = 19;
        let mut nanos = 0;
        if b[at] == b'.' {
            let start = at + 1;
            let end = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
            if end == start || end - start > 9 {
                return None;
            }
            nanos = digits(start..end)? * 10u32.pow((9 - (end - start)) as u32);
            at = end;
        }
        // A leap second (`:60`) is chrono's to read.
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
        let offset = match &b[at..] {
            [b'Z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (hours, minutes) = (digits(at + 1..at + 3)?, digits(at + 4..at + 6)?);
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let seconds = (hours * 3600 + minutes * 60) as i32;
                if *sign == b'-' {
                    -seconds
                } else {
                    seconds
                }
            }
            _ => return None,
        };
        let local = NaiveDateTime::new(date, time);
        let offset = FixedOffset::east_opt(offset)?;
        let utc =
            local.checked_sub_signed(TimeDelta::seconds(i64::from(offset.local_minus_utc())))?;
        Some(utc.and_utc())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::{SecondsFormat, TimeZone};

        /// What chrono reads, as the fields read it before.
        fn chrono(text: &str) -> Option<DateTime<Utc>> {
            text.parse::<DateTime<FixedOffset>>()
                .ok()
                .map(|t| t.with_timezone(&Utc))
        }

        #[test]
        fn the_direct_reading_agrees_with_chrono() {
            let mut texts: Vec<String> = [
                "2017-06-13T12:22:38.748397Z",
                "2018-06-14T08:49:56.515083Z",
                "2017-06-13T12:22:38Z",
                "2017-06-13T12:22:38.7Z",
                "2017-06-13T12:22:38.123456789Z",
                "2017-06-13T12:22:38.1234567891Z",
                "2017-06-13T12:22:38+02:00",
                "2017-06-13T12:22:38.5-05:30",
                "2017-06-13T12:22:38+23:59",
                "2017-06-13T12:22:38+24:00",
                "2017-06-13T12:22:38+00:60",
                "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z",
                "2017-06-13T24:00:00Z",
                "2016-12-31T23:59:60Z",
                "2017-06-13t12:22:38z",
                "2017-06-13 12:22:38Z",
                "2017-06-13T12:22:38",
                "2017-06-13T12:22:38.Z",
                "2017-06-13T12:22:38ZZ",
                "2017-6-13T12:22:38Z",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z",
                "",
                "not a date",
            ]
            .map(String::from)
            .to_vec();
            // Instants across the years, in every form chrono writes.
            let mut seconds: i64 = -62_135_596_800;
            while seconds < 253_402_300_799 {
                let time =
                    Utc.timestamp_opt(seconds, (seconds % 1_000_000_007) as u32 % 1_000_000_000);
                if let Some(time) = time.single() {
                    for format in [
                        SecondsFormat::Secs,
                        SecondsFormat::Millis,
                        SecondsFormat::Micros,
                        SecondsFormat::Nanos,
                        SecondsFormat::AutoSi,
                    ] {
                        for z in [true, false] {
                            texts.push(time.to_rfc3339_opts(format, z));
                            texts.push(
                                time.with_timezone(
                                    &FixedOffset::east_opt(-(9 * 3600 + 1800)).unwrap(),
                                )
                                .to_rfc3339_opts(format, z),
                            );
                        }
                    }
                }
                seconds += 77_777_777;
            }
            for text in &texts {
                let direct = parse(text);
                if let Some(direct) = direct {
                    assert_eq!(Some(direct), chrono(text), "{text}");
                }
            }
            // The forms User.com writes are read directly.
            for text in &texts[..5] {
                assert!(parse(text).is_some(), "{text}");
            }
        }
    }
}
