//! The types an event's fields accept: a data value (`#[usercom(data)]`), any custom
//! attribute value type; its time (`#[usercom(timestamp)]`), sent as UNIX seconds.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, TimeZone};

use super::{CustomValue, OutOfRange};
use crate::model::event::CreateEvent;
use crate::Error;

/// Types an event's data value (`#[usercom(data)]`) accepts: the custom attribute value
/// types ([`CustomValue`]), an `Option` of one (`None`: left out), or a reference to one.
/// Implemented for every [`CustomValue`] type; a trait of its own so that the compiler's
/// message speaks of events.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as an event's data value",
    label = "not a type an event's data takes",
    note = "`#[usercom(data)]` takes what a custom attribute takes: `bool`, integers, `f32`/`f64`, strings, `chrono::NaiveDate`, `chrono::NaiveDateTime`, `chrono::DateTime<Tz>`, `serde_json::Value` or a `UserComValue` enum, an `Option` of one, or a reference to one",
    note = "implement `usercom::convert::CustomValue` for a type of yours, or send a field of one of these types"
)]
pub trait DataValue {
    /// Used by the derive: adds the value to `event` as the data value `name`, unless it is
    /// `None`.
    #[doc(hidden)]
    fn __add_data<'a>(
        &'a self,
        event: &mut CreateEvent<'a>,
        name: &'static str,
    ) -> Result<(), Error>;
}

#[diagnostic::do_not_recommend]
impl<T: CustomValue<()> + ?Sized> DataValue for T {
    #[inline]
    fn __add_data<'a>(
        &'a self,
        event: &mut CreateEvent<'a>,
        name: &'static str,
    ) -> Result<(), Error> {
        match self.to_attribute_value() {
            None => Ok(()),
            Some(Ok(value)) => {
                event.insert_data(name, value);
                Ok(())
            }
            Some(Err(out_of_range)) => Err(out_of_range.into_error(name)),
        }
    }
}

/// Types an event's time (`#[usercom(timestamp)]`) accepts: chrono's `DateTime<Tz>`,
/// `std::time::SystemTime`, and integers of UNIX seconds; an `Option` of one (`None`: the
/// server's time), or a reference to one. Sent as whole UNIX seconds (User.com's unit):
/// a fraction of a second is dropped, toward the past.
///
/// ```
/// use usercom_core::convert::TimestampValue;
/// let at = chrono::DateTime::from_timestamp(1_700_000_000, 500_000_000).unwrap();
/// assert_eq!(at.to_unix_seconds(), Some(Ok(1_700_000_000)));
/// assert_eq!(1_700_000_000u64.to_unix_seconds(), Some(Ok(1_700_000_000)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as an event's time",
    label = "not a time type",
    note = "`#[usercom(timestamp)]` takes `chrono::DateTime<Tz>`, `std::time::SystemTime` or an integer of UNIX seconds, an `Option` of one, or a reference to one"
)]
pub trait TimestampValue {
    /// The time in UNIX seconds; `None` leaves it to the server.
    fn to_unix_seconds(&self) -> Option<Result<i64, OutOfRange>>;

    /// Used by the derive: sets the event's time.
    #[doc(hidden)]
    #[inline]
    fn __set_timestamp(&self, event: &mut CreateEvent<'_>) -> Result<(), Error> {
        match self.to_unix_seconds() {
            None => Ok(()),
            Some(Ok(seconds)) => event.set_timestamp(seconds),
            Some(Err(out_of_range)) => Err(out_of_range.into_error("timestamp")),
        }
    }
}

impl<Tz: TimeZone> TimestampValue for DateTime<Tz> {
    fn to_unix_seconds(&self) -> Option<Result<i64, OutOfRange>> {
        Some(Ok(self.timestamp()))
    }
}

impl TimestampValue for SystemTime {
    fn to_unix_seconds(&self) -> Option<Result<i64, OutOfRange>> {
        let seconds = match self.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()),
            // Before 1970: toward the past, as for a `DateTime`.
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).map(|s| -s);
                whole.map(|s| if before.subsec_nanos() > 0 { s - 1 } else { s })
            }
        };
        Some(seconds.map_err(|_| OutOfRange(format!("{self:?}"))))
    }
}

macro_rules! integer_seconds {
    ($($ty:ty),+) => {$(
        impl TimestampValue for $ty {
            fn to_unix_seconds(&self) -> Option<Result<i64, OutOfRange>> {
                Some(i64::try_from(*self).map_err(|_| OutOfRange(self.to_string())))
            }
        }
    )+};
}

integer_seconds!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

#[diagnostic::do_not_recommend]
impl<T: TimestampValue + ?Sized> TimestampValue for &T {
    fn to_unix_seconds(&self) -> Option<Result<i64, OutOfRange>> {
        (**self).to_unix_seconds()
    }
}

#[diagnostic::do_not_recommend]
impl<T: TimestampValue> TimestampValue for Option<T> {
    fn to_unix_seconds(&self) -> Option<Result<i64, OutOfRange>> {
        self.as_ref().and_then(T::to_unix_seconds)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn times_are_whole_unix_seconds_toward_the_past() {
        let after = UNIX_EPOCH + Duration::from_millis(1_700_000_000_900);
        assert_eq!(after.to_unix_seconds(), Some(Ok(1_700_000_000)));
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(before.to_unix_seconds(), Some(Ok(-2)));
        let at = DateTime::from_timestamp(-2, 500_000_000).unwrap();
        assert_eq!(at.to_unix_seconds(), Some(Ok(-2)));
        assert_eq!(None::<u32>.to_unix_seconds(), None);
        assert!(matches!(u64::MAX.to_unix_seconds(), Some(Err(_))));
    }
}
