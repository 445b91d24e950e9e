//! Operations beside those in `client`, one file for each thing they act on:
//! [`attributes`] (the app's custom attribute definitions), [`custom`] (setting a user's
//! custom attributes after a create, upsert or update), [`lookups`] (reading users
//! back), [`update`] and [`delete`] (changing and removing users), [`events`], [`tags`] and [`lists`] (a user's tags and list
//! memberships), and [`bulk`] (many at the server's pace, with options). [`paths`] names a
//! user in a path; [`pages`] reads cursor-paginated lists.

pub(crate) mod attributes;
pub(crate) mod bulk;
pub(crate) mod custom;
pub(crate) mod delete;
pub(crate) mod events;
pub(crate) mod lists;
pub(crate) mod lookups;
pub(crate) mod pages;
pub(crate) mod paths;
pub(crate) mod tags;
pub(crate) mod update;

use bytes::Bytes;
use reqwest::Method;

use crate::http::retry::Idempotency::Idempotent;
use crate::http::transport::Body;
use crate::{Client, Error};

impl Client {
    /// POSTs the JSON `body` to `path`, an action whose outcome is the same however often it
    /// is sent (adding a tag, leaving a list): retried under the client's whole policy, and
    /// done on any 2xx, whatever the answer's body (the status decides, and a body cut short
    /// does not undo the action).
    pub(crate) async fn act(&self, path: &str, body: serde_json::Value) -> Result<(), Error> {
        let body = Bytes::from(body.to_string());
        tracing::trace!(path, body = %String::from_utf8_lossy(&body), "usercom request body");
        self.send_with(
            Method::POST,
            path,
            Some(body),
            Idempotent,
            done,
            self.call_bound(),
        )
        .await
    }
}

/// The [`Decoder`](crate::http::transport::Decoder) of an operation that succeeds on any
/// 2xx, whatever its body.
pub(crate) fn done(_status: u16, _body: Body<'_>) -> Result<(), Error> {
    Ok(())
}
