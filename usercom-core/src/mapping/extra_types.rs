//! The types real domain models hold, behind optional features: `uuid`, `url`, `time`,
//! `rust_decimal`. Each is accepted in both directions where it makes sense (the orphan rule
//! keeps applications from implementing these traits themselves).

#[cfg(any(
    feature = "uuid",
    feature = "url",
    feature = "time",
    feature = "rust_decimal"
))]
use std::borrow::Cow;

#[cfg(any(feature = "uuid", feature = "time", feature = "rust_decimal"))]
use crate::mapping::convert::{CustomValue, OutOfRange};
#[cfg(any(feature = "uuid", feature = "time", feature = "rust_decimal"))]
use crate::mapping::read::{parsed_string, ReadCustom, ReadProblem};
#[cfg(any(feature = "uuid", feature = "time", feature = "rust_decimal"))]
use crate::AttributeValue;
#[cfg(any(feature = "uuid", feature = "time", feature = "rust_decimal"))]
use serde_json::Value;

/// `uuid::Uuid`: `user_id`, `company_id` and text custom attributes, sent hyphenated.
#[cfg(feature = "uuid")]
mod uuid_impls {
    use super::*;
    use crate::mapping::convert::{FitsString, IdText, IdValue};
    use uuid::Uuid;

    impl<A> IdValue<A> for Uuid {
        /// Hyphenated.
        fn to_id(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Owned(self.hyphenated().to_string()))
        }

        /// Hyphenated, kept inline (no allocation).
        fn to_id_text(&self) -> Option<IdText<'_>> {
            let mut buffer = Uuid::encode_buffer();
            Some(IdText::copied(self.hyphenated().encode_lower(&mut buffer)))
        }
    }

    impl<A> CustomValue<A> for Uuid {
        fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
            Some(Ok(AttributeValue::from(*self)))
        }
    }

    impl<N> FitsString<N> for Uuid {}

    impl<A> ReadCustom<A> for Uuid {
        fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
            parsed_string(value, "a UUID", Uuid::parse_str)
        }
    }

    impl From<Uuid> for AttributeValue<'_> {
        fn from(value: Uuid) -> Self {
            AttributeValue::Text(Cow::Owned(value.hyphenated().to_string()))
        }
    }
}

/// `url::Url`: the five `*_url` attributes, sent as the URL's serialization.
#[cfg(feature = "url")]
mod url_impls {
    use super::*;
    use crate::mapping::convert::{attribute, TextValue};
    use crate::mapping::read::{ReadProblem, ReadText};
    use url::Url;

    macro_rules! url_attributes {
        ($($name:ident),+) => {$(
            impl TextValue<attribute::$name> for Url {
                fn to_text(&self) -> Option<Cow<'_, str>> {
                    Some(Cow::Borrowed(self.as_str()))
                }
            }
            impl ReadText<attribute::$name> for Url {
                fn read_text(value: Option<&str>) -> Result<Self, ReadProblem> {
                    let text = value.ok_or_else(ReadProblem::missing)?;
                    Url::parse(text).map_err(|e| ReadProblem(format!("expected a URL: {e}")))
                }
            }
        )+};
    }

    url_attributes!(
        facebook_url,
        google_url,
        gravatar_url,
        linkedin_url,
        twitter_url
    );
}

/// `time`: `Date` as a `date` attribute; `PrimitiveDateTime` and `OffsetDateTime` as
/// `datetime` attributes. Sent and read through chrono's formats.
#[cfg(feature = "time")]
mod time_impls {
    use super::*;
    use crate::mapping::convert::{FitsDate, FitsDateTime};
    use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    fn to_chrono_date(date: Date) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            date.year(),
            u8::from(date.month()).into(),
            date.day().into(),
        )
    }

    fn to_chrono_datetime(value: PrimitiveDateTime) -> Option<NaiveDateTime> {
        to_chrono_date(value.date())?.and_hms_nano_opt(
            value.hour().into(),
            value.minute().into(),
            value.second().into(),
            value.nanosecond(),
        )
    }

    fn from_chrono_date(date: NaiveDate) -> Result<Date, ReadProblem> {
        let month = Month::try_from(date.month() as u8).map_err(|e| ReadProblem(e.to_string()))?;
        Date::from_calendar_date(date.year(), month, date.day() as u8)
            .map_err(|e| ReadProblem(format!("the date does not fit `time::Date`: {e}")))
    }

    fn from_chrono_datetime(value: NaiveDateTime) -> Result<PrimitiveDateTime, ReadProblem> {
        let time = Time::from_hms_nano(
            value.hour() as u8,
            value.minute() as u8,
            value.second() as u8,
            value.nanosecond(),
        )
        .map_err(|e| ReadProblem(format!("the time does not fit `time::Time`: {e}")))?;
        Ok(PrimitiveDateTime::new(
            from_chrono_date(value.date())?,
            time,
        ))
    }

    fn unrepresentable(what: impl std::fmt::Display) -> OutOfRange {
        OutOfRange(what.to_string())
    }

    impl<A> CustomValue<A> for Date {
        fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
            Some(
                to_chrono_date(*self)
                    .map(AttributeValue::Date)
                    .ok_or_else(|| unrepresentable(self)),
            )
        }
    }

    impl<A> CustomValue<A> for PrimitiveDateTime {
        fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
            Some(
                to_chrono_datetime(*self)
                    .map(AttributeValue::NaiveDateTime)
                    .ok_or_else(|| unrepresentable(self)),
            )
        }
    }

    impl<A> CustomValue<A> for OffsetDateTime {
        fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
            let offset = FixedOffset::east_opt(self.offset().whole_seconds());
            let local = to_chrono_datetime(PrimitiveDateTime::new(self.date(), self.time()));
            Some(
                offset
                    .zip(local)
                    .and_then(|(offset, local)| local.and_local_timezone(offset).single())
                    .map(AttributeValue::DateTime)
                    .ok_or_else(|| unrepresentable(self)),
            )
        }
    }

    impl<N> FitsDate<N> for Date {}
    impl<N> FitsDateTime<N> for PrimitiveDateTime {}
    impl<N> FitsDateTime<N> for OffsetDateTime {}

    impl<A> ReadCustom<A> for Date {
        fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
            from_chrono_date(<NaiveDate as ReadCustom<A>>::read_custom(value)?)
        }
    }

    impl<A> ReadCustom<A> for PrimitiveDateTime {
        fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
            from_chrono_datetime(<NaiveDateTime as ReadCustom<A>>::read_custom(value)?)
        }
    }

    impl<A> ReadCustom<A> for OffsetDateTime {
        fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
            let read = <DateTime<FixedOffset> as ReadCustom<A>>::read_custom(value)?;
            let offset = UtcOffset::from_whole_seconds(read.offset().local_minus_utc())
                .map_err(|e| ReadProblem(e.to_string()))?;
            Ok(from_chrono_datetime(read.naive_local())?.assume_offset(offset))
        }
    }
}

/// `rust_decimal::Decimal`: `float` attributes. A float carries a decimal exactly only when
/// its shortest form reads back as the same decimal; any other amount is refused (an
/// `InvalidInput` before sending), never rounded.
#[cfg(feature = "rust_decimal")]
mod decimal_impls {
    use super::*;
    use crate::mapping::convert::FitsFloat;
    use rust_decimal::prelude::ToPrimitive;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    /// `value` as the `f64` that carries it exactly, or the refusal.
    pub(super) fn exact_f64(value: &Decimal) -> Result<f64, OutOfRange> {
        let refused = || OutOfRange(value.to_string());
        let float = value
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(refused)?;
        let back = Decimal::from_str(ryu::Buffer::new().format_finite(float))
            .or_else(|_| Decimal::from_scientific(ryu::Buffer::new().format_finite(float)))
            .map_err(|_| refused())?;
        if back.normalize() == value.normalize() {
            Ok(float)
        } else {
            Err(refused())
        }
    }

    impl<A> CustomValue<A> for Decimal {
        fn to_attribute_value(&self) -> Option<Result<AttributeValue<'_>, OutOfRange>> {
            Some(exact_f64(self).map(AttributeValue::Float))
        }
    }

    impl<N> FitsFloat<N> for Decimal {}

    impl<A> ReadCustom<A> for Decimal {
        fn read_custom(value: Option<&Value>) -> Result<Self, ReadProblem> {
            match value.ok_or_else(ReadProblem::missing)? {
                Value::Number(number) => {
                    let text = number.to_string();
                    Decimal::from_str(&text)
                        .or_else(|_| Decimal::from_scientific(&text))
                        .map_err(|e| ReadProblem(format!("{text} does not fit a `Decimal`: {e}")))
                }
                other => Err(ReadProblem::expected("a number", other)),
            }
        }
    }

    impl From<Decimal> for AttributeValue<'_> {
        fn from(value: Decimal) -> Self {
            match exact_f64(&value) {
                Ok(float) => AttributeValue::Float(float),
                Err(refused) => AttributeValue::OutOfRange(refused),
            }
        }
    }
}
