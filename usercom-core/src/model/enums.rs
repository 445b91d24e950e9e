//! `Gender` and `Status`: sent as the documented integers, read back from the strings that
//! responses use.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $text:literal), )+
        }
        what = $what:literal;
        not_set = $not_set:expr;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value the server reported that this version of the crate does not know.
            ///
            /// Only responses produce it: [`crate::User`] keeps the server's text (see
            /// [`crate::User::gender_text`] and [`crate::User::status_text`]), and a request
            /// carrying it is refused as invalid input instead of being sent.
            Unrecognized,
        }

        impl $name {
            /// Every value this version of the crate knows, in wire-code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The integer a create request sends for this value; `None` for
            #[doc = concat!("[`", stringify!($name), "::Unrecognized`], which cannot be sent.")]
            ///
            /// ```
            #[doc = concat!("# use usercom_core::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::ALL[0].code(), Some(1));")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::Unrecognized.code(), None);")]
            /// ```
            pub const fn code(self) -> Option<u8> {
                match self { $($name::$variant => Some($code),)+ $name::Unrecognized => None }
            }

            /// The string responses use for this value (`"unrecognized"` for
            #[doc = concat!("[`", stringify!($name), "::Unrecognized`]).")]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ $name::Unrecognized => "unrecognized" }
            }

            /// The value responses spell as `text`, if this version knows it.
            pub fn from_response_str(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The value a request sends as `code`, if this version knows it.
            pub fn from_code(code: i64) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Serialized as the documented request integer. `Unrecognized` cannot be sent and is
        /// a serialization error.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.code() {
                    Some(code) => serializer.serialize_u8(code),
                    None => Err(serde::ser::Error::custom(concat!(
                        "an unrecognized ", $what, " cannot be sent"
                    ))),
                }
            }
        }

        /// Deserialized from the response string (`"male"`, `"visitor"`, ...) or the request
        /// integer. An unknown value is an error here; [`crate::User`] keeps unknown values
        /// instead of failing.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                match Reported::<$name>::deserialize(deserializer)? {
                    Reported::Known(value) => Ok(value),
                    Reported::Unrecognized(raw) => Err(de::Error::custom(format_args!(
                        concat!("unknown ", $what, " {}"), raw
                    ))),
                }
            }
        }

        impl WireEnum for $name {
            const WHAT: &'static str = $what;
            const UNRECOGNIZED: Self = $name::Unrecognized;
            const NOT_SET: Self = $not_set;
            fn from_response_str(text: &str) -> Option<Self> { $name::from_response_str(text) }
            fn from_code(code: i64) -> Option<Self> { $name::from_code(code) }
            fn as_str(self) -> &'static str { $name::as_str(self) }
        }
    };
}

wire_enum! {
    /// A user's gender, as User.com knows it.
    ///
    /// Requests send it as an integer (1 = unknown, 2 = male, 3 = female); responses spell it as
    /// a string (`"unknown"`, `"male"`, `"female"`).
    ///
    /// ```
    /// use usercom_core::Gender;
    /// assert_eq!(serde_json::to_string(&Gender::Female).unwrap(), "3");
    /// assert_eq!(serde_json::from_str::<Gender>("\"male\"").unwrap(), Gender::Male);
    /// ```
    pub enum Gender {
        /// Not known (code 1).
        Unknown = (1, "unknown"),
        /// Male (code 2).
        Male = (2, "male"),
        /// Female (code 3).
        Female = (3, "female"),
    }
    what = "gender";
    not_set = Gender::Unknown;
}

wire_enum! {
    /// Whether a User.com contact is an anonymous visitor or a known user.
    ///
    /// Requests send it as an integer (1 = visitor, 2 = user); responses spell it as a string.
    ///
    /// ```
    /// use usercom_core::Status;
    /// assert_eq!(serde_json::to_string(&Status::User).unwrap(), "2");
    /// assert_eq!(serde_json::from_str::<Status>("\"visitor\"").unwrap(), Status::Visitor);
    /// ```
    pub enum Status {
        /// An anonymous visitor (code 1).
        Visitor = (1, "visitor"),
        /// A known user (code 2).
        User = (2, "user"),
    }
    what = "status";
    not_set = Status::Visitor;
}

/// What the two wire enums have in common, so one decoder serves both.
pub(crate) trait WireEnum: Copy + Sized {
    const WHAT: &'static str;
    const UNRECOGNIZED: Self;
    /// What `null` (or a missing key) in a response means.
    const NOT_SET: Self;
    fn from_response_str(text: &str) -> Option<Self>;
    fn from_code(code: i64) -> Option<Self>;
    fn as_str(self) -> &'static str;
}

/// A `Gender` or `Status` as a response reported it: a value this version knows, or the
/// server's own text for one it does not.
///
/// New values can appear on the server before this crate learns them. Decoding a [`crate::User`]
/// never fails because of one, and never turns it into a different known value: the raw text
/// is kept here and serialized back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Reported<T> {
    /// A value this version of the crate knows.
    Known(T),
    /// A value this version does not know, exactly as the server sent it (a number is kept
    /// in its decimal form).
    Unrecognized(String),
}

impl<T: WireEnum> Reported<T> {
    /// The value, `Unrecognized` for one this version does not know.
    pub(crate) fn value(&self) -> T {
        match self {
            Reported::Known(value) => *value,
            Reported::Unrecognized(_) => T::UNRECOGNIZED,
        }
    }

    /// The text the server sent (for known values, their response spelling).
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Reported::Known(value) => value.as_str(),
            Reported::Unrecognized(raw) => raw,
        }
    }
}

impl<T: WireEnum> Serialize for Reported<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de, T: WireEnum> Deserialize<'de> for Reported<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ReportedVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: WireEnum> Visitor<'de> for ReportedVisitor<T> {
            type Value = Reported<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a {} as a string or an integer code", T::WHAT)
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(match T::from_response_str(text) {
                    Some(value) => Reported::Known(value),
                    None => Reported::Unrecognized(text.to_owned()),
                })
            }

            fn visit_i64<E: de::Error>(self, code: i64) -> Result<Self::Value, E> {
                Ok(match T::from_code(code) {
                    Some(value) => Reported::Known(value),
                    None => Reported::Unrecognized(code.to_string()),
                })
            }

            fn visit_u64<E: de::Error>(self, code: u64) -> Result<Self::Value, E> {
                match i64::try_from(code) {
                    Ok(code) => self.visit_i64(code),
                    Err(_) => Ok(Reported::Unrecognized(code.to_string())),
                }
            }

            // Anything else the server might send is kept as its JSON text: decoding a User
            // never fails because of this field. `null` means "not set".

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Reported::Known(T::NOT_SET))
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                self.visit_unit()
            }

            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
                Ok(Reported::Unrecognized(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
                Ok(Reported::Unrecognized(value.to_string()))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let value =
                    serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Reported::Unrecognized(value.to_string()))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let value =
                    serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Reported::Unrecognized(value.to_string()))
            }
        }

        deserializer.deserialize_any(ReportedVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_strings_match_the_documentation() {
        assert_eq!(
            Gender::ALL
                .iter()
                .map(|g| (g.code(), g.as_str()))
                .collect::<Vec<_>>(),
            [(Some(1), "unknown"), (Some(2), "male"), (Some(3), "female")]
        );
        assert_eq!(
            Status::ALL
                .iter()
                .map(|s| (s.code(), s.as_str()))
                .collect::<Vec<_>>(),
            [(Some(1), "visitor"), (Some(2), "user")]
        );
    }

    #[test]
    fn reported_keeps_unknown_text_and_round_trips_it() {
        let r: Reported<Gender> = serde_json::from_str("\"nonbinary\"").unwrap();
        assert_eq!(r, Reported::Unrecognized("nonbinary".into()));
        assert_eq!(r.value(), Gender::Unrecognized);
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"nonbinary\"");
        let r: Reported<Status> = serde_json::from_str("2").unwrap();
        assert_eq!(r, Reported::Known(Status::User));
        let r: Reported<Status> = serde_json::from_str("7").unwrap();
        assert_eq!(r.as_str(), "7");
    }

    #[test]
    fn values_of_any_json_type_are_kept_never_an_error() {
        for (json, text) in [
            ("true", "true"),
            ("1.5", "1.5"),
            ("[1,\"x\"]", "[1,\"x\"]"),
            ("{\"a\":null}", "{\"a\":null}"),
            ("18446744073709551615", "18446744073709551615"),
        ] {
            let r: Reported<Gender> = serde_json::from_str(json).unwrap();
            assert_eq!(r, Reported::Unrecognized(text.into()), "{json}");
        }
        let r: Reported<Gender> = serde_json::from_str("null").unwrap();
        assert_eq!(r, Reported::Known(Gender::Unknown));
        let r: Reported<Status> = serde_json::from_str("null").unwrap();
        assert_eq!(r, Reported::Known(Status::Visitor));
    }

    #[test]
    fn unrecognized_cannot_be_serialized() {
        let err = serde_json::to_string(&Gender::Unrecognized).unwrap_err();
        assert!(
            err.to_string()
                .contains("unrecognized gender cannot be sent"),
            "{err}"
        );
        assert_eq!(serde_json::to_string(&Status::Visitor).unwrap(), "1");
    }

    #[test]
    fn plain_enum_rejects_unknown_values_with_a_clear_message() {
        let err = serde_json::from_str::<Gender>("\"nonbinary\"").unwrap_err();
        assert!(
            err.to_string().contains("unknown gender nonbinary"),
            "{err}"
        );
        assert!(serde_json::from_str::<Status>("true").is_err());
    }
}
