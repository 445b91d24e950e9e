//! Events: `POST events/` (the user named by User.com's id in the body) and `POST
//! users-by-id/<user_id>/events/`. The public methods are declared in `client`, so that the
//! compiler names them `Client::...` in messages about their bounds.
//!
//! An event is not idempotent (User.com does not de-duplicate events: the same one sent
//! twice is two events), so it is retried only when it certainly was not processed, like a
//! create.

use bytes::Bytes;
use futures_util::{stream, Stream, StreamExt};
use reqwest::Method;

use crate::http::retry::Idempotency::NotIdempotent;
use crate::http::transport::decode_whole;
use crate::model::event::{CreateEvent, IntoUserComEvent};
use crate::ops::paths;
use crate::{Client, Error};

/// What User.com answers a new event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct EventCreated {
    /// The event's id.
    pub id: u64,
    /// Whether the event's *name* is new in the app (User.com's `created`): it says nothing
    /// about this event, which is always new.
    #[serde(rename = "created")]
    pub new_name: bool,
}

impl Client {
    /// [`Client::create_event`]'s work.
    pub(crate) async fn send_event<E>(&self, user: u64, event: &E) -> Result<EventCreated, Error>
    where
        E: IntoUserComEvent + ?Sized,
    {
        let body = self.event_body(event, Some(user))?;
        self.post_event("events/", body).await
    }

    /// [`Client::create_event_by_user_id`]'s work.
    pub(crate) async fn send_event_by_user_id<E>(
        &self,
        user_id: &str,
        event: &E,
    ) -> Result<EventCreated, Error>
    where
        E: IntoUserComEvent + ?Sized,
    {
        let path = paths::by_user_id(user_id, "events/")?;
        let body = self.event_body(event, None)?;
        self.post_event(&path, body).await
    }

    /// [`Client::create_events`]' work: each `(user, event)` pair sent as
    /// [`Client::create_event`] sends it, at most `concurrency` in flight.
    pub(crate) fn send_events<'a, I, E>(
        &'a self,
        inputs: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<EventCreated, Error>)> + Send + 'a
    where
        I: IntoIterator<Item = (u64, E)>,
        I::IntoIter: Send + 'a,
        E: IntoUserComEvent + Send + Sync + 'a,
    {
        stream::iter(inputs.into_iter().enumerate())
            .map(move |(index, (user, event))| async move {
                (index, self.send_event(user, &event).await)
            })
            .buffer_unordered(concurrency.max(1))
    }

    /// The checked JSON body of `event`, naming `user` when the path does not.
    fn event_body<E>(&self, event: &E, user: Option<u64>) -> Result<Vec<u8>, Error>
    where
        E: IntoUserComEvent + ?Sized,
    {
        let event: CreateEvent<'_> = event.to_create_event()?;
        event.validate()?;
        serde_json::to_vec(&event.body(user, self.api_version()))
            .map_err(|e| Error::invalid_input("event", e.to_string()))
    }

    /// POSTs an event's `body` to `path`: retried only when it certainly was not processed.
    async fn post_event(&self, path: &str, body: Vec<u8>) -> Result<EventCreated, Error> {
        tracing::trace!(path, body = %String::from_utf8_lossy(&body), "usercom request body");
        self.send_with(
            Method::POST,
            path,
            Some(Bytes::from(body)),
            NotIdempotent,
            decode_whole::<EventCreated>,
            self.call_bound(),
        )
        .await
    }
}
