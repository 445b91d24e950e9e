//! [`IdText`]: the value of `user_id` or `company_id` as it is sent.

use std::borrow::Cow;

/// The value of `user_id` or `company_id` as it is sent: text, borrowed or owned, or the
/// decimal digits of an integer, kept inline so that an integer id costs no allocation.
///
/// It reads as a `&str` (it dereferences to one), so `payload.user_id.as_deref()` is an
/// `Option<&str>`; it is sent as a JSON string. The setters
/// [`CreateUser::user_id`](crate::CreateUser::user_id) and
/// [`CreateUser::company_id`](crate::CreateUser::company_id) take anything that converts into
/// it: `&str`, `String`, `Cow<str>`, and the integer types.
///
/// ```
/// use usercom_core::convert::IdText;
/// use usercom_core::CreateUser;
/// let user = CreateUser::new().user_id(1815u64).company_id("acme-1");
/// assert_eq!(user.user_id.as_deref(), Some("1815"));
/// assert_eq!(user.company_id.as_deref(), Some("acme-1"));
/// assert_eq!(IdText::from(-42i8), "-42");
/// assert_eq!(
///     serde_json::to_string(&user).unwrap(),
///     r#"{"company_id":"acme-1","user_id":"1815"}"#
/// );
/// ```
#[derive(Clone)]
pub struct IdText<'a>(IdRepr<'a>);

#[derive(Clone)]
enum IdRepr<'a> {
    Text(Cow<'a, str>),
    /// ASCII text in `bytes[start..]`: an integer's digits (at most 40, with the sign).
    Inline {
        bytes: [u8; INLINE],
        start: u8,
    },
}

/// Room for the longest integer, `i128::MIN` (39 digits and a sign).
const INLINE: usize = 40;

impl<'a> IdText<'a> {
    /// The text that is sent.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            IdRepr::Text(text) => text,
            // Only ASCII is ever stored inline, so this never fails.
            IdRepr::Inline { bytes, start } => {
                std::str::from_utf8(&bytes[usize::from(*start)..]).unwrap_or_default()
            }
        }
    }

    /// A copy that borrows its text from `self`.
    #[inline]
    pub fn reborrow(&self) -> IdText<'_> {
        match &self.0 {
            IdRepr::Text(text) => IdText(IdRepr::Text(Cow::Borrowed(text))),
            IdRepr::Inline { bytes, start } => IdText(IdRepr::Inline {
                bytes: *bytes,
                start: *start,
            }),
        }
    }

    /// This value with a borrowed text turned into an owned copy.
    pub fn into_owned(self) -> IdText<'static> {
        match self.0 {
            IdRepr::Text(text) => IdText(IdRepr::Text(Cow::Owned(text.into_owned()))),
            IdRepr::Inline { bytes, start } => IdText(IdRepr::Inline { bytes, start }),
        }
    }

    /// `text` copied inline when it is ASCII and short enough, else owned.
    #[cfg_attr(not(feature = "uuid"), allow(dead_code))]
    pub(crate) fn copied(text: &str) -> IdText<'static> {
        if text.is_ascii() && text.len() <= INLINE {
            let mut bytes = [0; INLINE];
            let start = INLINE - text.len();
            bytes[start..].copy_from_slice(text.as_bytes());
            return IdText(IdRepr::Inline {
                bytes,
                start: start as u8,
            });
        }
        IdText(IdRepr::Text(Cow::Owned(text.to_owned())))
    }

    /// The decimal digits of `magnitude`, after a `-` when `negative`.
    #[inline]
    fn integer(negative: bool, magnitude: u128) -> IdText<'static> {
        let mut bytes = [0; INLINE];
        let mut start = INLINE;
        // Most ids fit in 64 bits, whose division is a multiplication.
        match u64::try_from(magnitude) {
            Ok(mut n) => loop {
                start -= 1;
                bytes[start] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            },
            Err(_) => {
                let mut n = magnitude;
                loop {
                    start -= 1;
                    bytes[start] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
            }
        }
        if negative {
            start -= 1;
            bytes[start] = b'-';
        }
        IdText(IdRepr::Inline {
            bytes,
            start: start as u8,
        })
    }
}

impl std::ops::Deref for IdText<'_> {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for IdText<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for IdText<'_> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for IdText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for IdText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for IdText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for IdText<'_> {}

impl std::hash::Hash for IdText<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for IdText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for IdText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for IdText<'_> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Cow<'_, str>> for IdText<'_> {
    fn eq(&self, other: &Cow<'_, str>) -> bool {
        self.as_str() == other
    }
}

/// The text as a `Cow` (an integer's digits become an owned `String`), for code written
/// against the payload's `Option<Cow<str>>` ids of the first release.
impl<'a> From<IdText<'a>> for Cow<'a, str> {
    fn from(id: IdText<'a>) -> Self {
        match id.0 {
            IdRepr::Text(text) => text,
            IdRepr::Inline { .. } => Cow::Owned(id.as_str().to_owned()),
        }
    }
}

impl serde::Serialize for IdText<'_> {
    #[inline]
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'a> From<&'a str> for IdText<'a> {
    #[inline]
    fn from(text: &'a str) -> Self {
        IdText(IdRepr::Text(Cow::Borrowed(text)))
    }
}

impl<'a> From<&'a String> for IdText<'a> {
    fn from(text: &'a String) -> Self {
        IdText(IdRepr::Text(Cow::Borrowed(text)))
    }
}

impl From<String> for IdText<'_> {
    fn from(text: String) -> Self {
        IdText(IdRepr::Text(Cow::Owned(text)))
    }
}

impl<'a> From<Cow<'a, str>> for IdText<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        IdText(IdRepr::Text(text))
    }
}

macro_rules! id_text_from_integers {
    (signed: $($s:ty),+; unsigned: $($u:ty),+) => {
        $(impl From<$s> for IdText<'_> {
            #[inline]
            fn from(value: $s) -> Self {
                IdText::integer(value < 0, value.unsigned_abs() as u128)
            }
        })+
        $(impl From<$u> for IdText<'_> {
            #[inline]
            fn from(value: $u) -> Self {
                IdText::integer(false, value as u128)
            }
        })+
    };
}

id_text_from_integers!(signed: i8, i16, i32, i64, i128, isize; unsigned: u8, u16, u32, u64, u128, usize);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CreateUser;

    #[test]
    fn integer_ids_are_their_decimal_digits() {
        let cases: [(IdText<'static>, String); 10] = [
            (0u8.into(), "0".into()),
            (7u64.into(), "7".into()),
            ((-1i32).into(), "-1".into()),
            (i8::MIN.into(), i8::MIN.to_string()),
            (i64::MIN.into(), i64::MIN.to_string()),
            (u64::MAX.into(), u64::MAX.to_string()),
            (
                (u128::from(u64::MAX) + 1).into(),
                (u128::from(u64::MAX) + 1).to_string(),
            ),
            (i128::MIN.into(), i128::MIN.to_string()),
            (i128::MAX.into(), i128::MAX.to_string()),
            (u128::MAX.into(), u128::MAX.to_string()),
        ];
        for (id, expected) in cases {
            assert_eq!(id.as_str(), expected);
            assert_eq!(&*id, expected.as_str());
            assert_eq!(id.to_string(), expected);
            assert_eq!(format!("{id:?}"), format!("{expected:?}"));
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                format!("\"{expected}\"")
            );
            assert_eq!(id.reborrow(), id);
            assert_eq!(id.clone().into_owned(), id);
        }
    }

    #[test]
    fn text_ids_compare_and_hash_as_their_text() {
        use std::collections::HashSet;
        let owned = IdText::from(String::from("42"));
        let borrowed = IdText::from("42");
        let integer = IdText::from(42u16);
        assert_eq!(owned, borrowed);
        assert_eq!(borrowed, integer);
        assert_eq!(integer, "42");
        let set: HashSet<IdText<'_>> = [owned, borrowed, integer].into_iter().collect();
        assert_eq!(set.len(), 1);
        assert!(set.contains("42"));
        assert_eq!(IdText::copied("cus_1"), "cus_1");
        assert_eq!(IdText::copied(&"x".repeat(41)), "x".repeat(41).as_str());
        assert_eq!(IdText::copied("é"), "é");
    }

    #[test]
    fn integer_ids_are_sent_as_strings_without_allocating_a_string() {
        let payload = CreateUser::new().user_id(1815u64).company_id(-3i64);
        assert!(matches!(
            payload.user_id.as_ref().map(|id| &id.0),
            Some(IdRepr::Inline { .. })
        ));
        assert_eq!(
            serde_json::to_string(&payload).unwrap(),
            r#"{"company_id":"-3","user_id":"1815"}"#
        );
        payload.validate().unwrap();
    }
}
