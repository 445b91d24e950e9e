//! `CreateEvent`: the body of `POST events/` (and of `POST users-by-id/<user_id>/events/`),
//! built by hand or by `#[derive(IntoUserComEvent)]`.

use std::borrow::Cow;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::error::Error;
use crate::mapping::validate;
use crate::model::value::AttributeValue;
use crate::ApiVersion;

/// An event that happened to a user (an order placed, a plan changed): its name, its data
/// and, if it has one, when it happened.
///
/// Build it by hand with [`CreateEvent::new`] and the chaining setters, or get it from any
/// type that implements [`IntoUserComEvent`], such as a struct with
/// `#[derive(IntoUserComEvent)]`. Data values are the custom-attribute value types
/// ([`AttributeValue`]); strings may borrow from the caller.
///
/// ```
/// use usercom_core::CreateEvent;
/// let event = CreateEvent::new("order_placed").data("order_id", 1815).timestamp(1_700_000_000);
/// event.validate()?;
/// assert_eq!(event.name(), "order_placed");
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CreateEvent<'a> {
    name: Cow<'a, str>,
    data: Vec<(Cow<'a, str>, AttributeValue<'a>)>,
    timestamp: Option<i64>,
}

impl<'a> CreateEvent<'a> {
    /// An event named `name`, without data; the server's time is its time.
    pub fn new(name: impl Into<Cow<'a, str>>) -> Self {
        CreateEvent {
            name: name.into(),
            ..CreateEvent::default()
        }
    }

    /// Adds the data value `name` (chaining). A name given twice is refused by
    /// [`CreateEvent::validate`], never silently overwritten.
    #[must_use]
    pub fn data(
        mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<AttributeValue<'a>>,
    ) -> Self {
        self.insert_data(name, value);
        self
    }

    /// Adds the data value `name`.
    pub fn insert_data(
        &mut self,
        name: impl Into<Cow<'a, str>>,
        value: impl Into<AttributeValue<'a>>,
    ) {
        self.data.push((name.into(), value.into()));
    }

    /// Sets when the event happened, in UNIX seconds (chaining); without it, User.com uses
    /// the time it receives the event.
    #[must_use]
    pub fn timestamp(mut self, unix_seconds: i64) -> Self {
        self.timestamp = Some(unix_seconds);
        self
    }

    /// Sets the event's name. Used by the derive.
    pub fn set_name(&mut self, name: impl Into<Cow<'a, str>>) {
        self.name = name.into();
    }

    /// Sets when the event happened, in UNIX seconds. Used by the derive; a second time is
    /// an [`Error::InvalidInput`] (which of the two was meant is unknown).
    pub fn set_timestamp(&mut self, unix_seconds: i64) -> Result<(), Error> {
        if self.timestamp.replace(unix_seconds).is_some() {
            return Err(Error::invalid_input(
                "timestamp",
                "the event's time is given twice; give it once",
            ));
        }
        Ok(())
    }

    /// The event's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The data values, in the order they were added.
    pub fn data_values(&self) -> &[(Cow<'a, str>, AttributeValue<'a>)] {
        &self.data
    }

    /// When the event happened, in UNIX seconds, if it was given.
    pub fn unix_timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// Checks the event before anything is sent: a name that is not empty or only white
    /// space, has no white space around it and no control character (User.com would trim
    /// it, or keep two names that read the same); data names of 1 to 255 characters, each at
    /// most once; floats finite; integers within `i64`.
    ///
    /// ```
    /// use usercom_core::CreateEvent;
    /// assert!(CreateEvent::new(" ").validate().is_err());
    /// assert!(CreateEvent::new("paid").data("total", f64::NAN).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        validate::label("event", &self.name)?;
        validate::named_values(
            &self.data,
            "this data value is given twice; each name may be set once",
        )
    }

    /// The body naming the user `user` (`client` in API v1, `user_id` in v2), or no user
    /// (the path names them).
    pub(crate) fn body(&self, user: Option<u64>, version: ApiVersion) -> EventBody<'_, 'a> {
        EventBody {
            event: self,
            user,
            version,
        }
    }
}

/// The JSON body of an event request.
pub(crate) struct EventBody<'b, 'a> {
    event: &'b CreateEvent<'a>,
    user: Option<u64>,
    version: ApiVersion,
}

impl Serialize for EventBody<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(user) = self.user {
            let key = match self.version {
                ApiVersion::V2 => "user_id",
                _ => "client",
            };
            map.serialize_entry(key, &user)?;
        }
        map.serialize_entry("name", &self.event.name)?;
        if !self.event.data.is_empty() {
            map.serialize_entry("data", &Data(&self.event.data))?;
        }
        if let Some(timestamp) = self.event.timestamp {
            map.serialize_entry("timestamp", &timestamp)?;
        }
        map.end()
    }
}

/// The data values as a JSON object.
struct Data<'b, 'a>(&'b [(Cow<'a, str>, AttributeValue<'a>)]);

impl Serialize for Data<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A value that is sent as a User.com event: implemented by `#[derive(IntoUserComEvent)]`,
/// and by [`CreateEvent`] itself.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a User.com event",
    label = "does not implement `IntoUserComEvent`",
    note = "derive it: `#[derive(IntoUserComEvent)]` with `#[usercom(event = \"name\")]` on the struct, or build a `usercom::CreateEvent`"
)]
pub trait IntoUserComEvent {
    /// Writes the event's name, data and time into `event` (which starts empty).
    fn write_user_com_event<'a>(&'a self, event: &mut CreateEvent<'a>) -> Result<(), Error>;

    /// The event as a [`CreateEvent`], borrowing from `self`.
    fn to_create_event(&self) -> Result<CreateEvent<'_>, Error> {
        let mut event = CreateEvent::default();
        self.write_user_com_event(&mut event)?;
        Ok(event)
    }
}

impl IntoUserComEvent for CreateEvent<'_> {
    fn write_user_com_event<'a>(&'a self, event: &mut CreateEvent<'a>) -> Result<(), Error> {
        *event = CreateEvent {
            name: Cow::Borrowed(&self.name),
            data: self
                .data
                .iter()
                .map(|(name, value)| (Cow::Borrowed(&**name), value.reborrow()))
                .collect(),
            timestamp: self.timestamp,
        };
        Ok(())
    }
}

#[diagnostic::do_not_recommend]
impl<T: IntoUserComEvent + ?Sized> IntoUserComEvent for &T {
    fn write_user_com_event<'a>(&'a self, event: &mut CreateEvent<'a>) -> Result<(), Error> {
        (**self).write_user_com_event(event)
    }
}

#[diagnostic::do_not_recommend]
impl<T: IntoUserComEvent + ?Sized> IntoUserComEvent for Box<T> {
    fn write_user_com_event<'a>(&'a self, event: &mut CreateEvent<'a>) -> Result<(), Error> {
        (**self).write_user_com_event(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_names_the_user_as_the_version_does() {
        let event = CreateEvent::new("order_placed")
            .data("order_id", 7)
            .data("total", 12.5)
            .timestamp(1_700_000_000);
        let body = |user, version| serde_json::to_string(&event.body(user, version)).unwrap();
        assert_eq!(
            body(Some(42), ApiVersion::V1),
            r#"{"client":42,"name":"order_placed","data":{"order_id":7,"total":12.5},"timestamp":1700000000}"#
        );
        assert_eq!(
            body(Some(42), ApiVersion::V2),
            r#"{"user_id":42,"name":"order_placed","data":{"order_id":7,"total":12.5},"timestamp":1700000000}"#
        );
        assert_eq!(
            serde_json::to_string(&CreateEvent::new("x").body(None, ApiVersion::V1)).unwrap(),
            r#"{"name":"x"}"#
        );
    }

    #[test]
    fn bad_events_are_refused() {
        for bad in [
            CreateEvent::new(""),
            CreateEvent::new(" paid"),
            CreateEvent::new("pa\nid"),
            CreateEvent::new("paid").data("", 1),
            CreateEvent::new("paid").data("a", 1).data("a", 2),
            CreateEvent::new("paid").data("a", f64::INFINITY),
        ] {
            let error = bad.validate().unwrap_err();
            assert!(
                matches!(error, Error::InvalidInput { .. }),
                "{bad:?}: {error:?}"
            );
        }
        let mut event = CreateEvent::new("paid");
        event.set_timestamp(1).unwrap();
        assert!(event.set_timestamp(2).is_err());
    }
}
