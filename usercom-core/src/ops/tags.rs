//! A user's tags: `POST users/<id>/add_tag/` and `.../remove_tag/` with `{"name": <tag>}`,
//! and the same by the application's own id (`users-by-id/<user_id>/...`).
//!
//! User.com's pages name the endpoints and the body; that both take `POST` (clients differ
//! on `remove_tag`) and that adding a tag the user has, or removing one they do not have,
//! succeeds, are inferred: the client treats every 2xx as done, and never retries into a
//! different outcome (both actions are idempotent).

use serde_json::json;

use crate::mapping::validate;
use crate::ops::paths;
use crate::{Client, Error};

impl Client {
    /// Tags the user whose User.com id is `id` with `tag`: `POST users/<id>/add_tag/` with
    /// `{"name": "<tag>"}`. A tag the user has already is not an error; a tag the app does
    /// not have yet is created by User.com.
    ///
    /// `tag` is checked first: one that is empty or only white space, has white space around
    /// it, or holds a control or invisible character is an [`Error::InvalidInput`], and
    /// nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// client.add_tag(19678376, "vip").await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_tag(&self, id: u64, tag: &str) -> Result<(), Error> {
        self.tag(format!("users/{id}/add_tag/"), tag).await
    }

    /// Removes `tag` from the user whose User.com id is `id`: `POST users/<id>/remove_tag/`
    /// with `{"name": "<tag>"}`. A tag the user does not have is not an error. `tag` is
    /// checked as [`Client::add_tag`] checks it.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// client.remove_tag(19678376, "vip").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_tag(&self, id: u64, tag: &str) -> Result<(), Error> {
        self.tag(format!("users/{id}/remove_tag/"), tag).await
    }

    /// [`Client::add_tag`] for the user whose `user_id` (`custom_id` in v2) is `user_id`:
    /// `POST users-by-id/<user_id>/add_tag/`. `user_id` is checked as
    /// [`Client::find_user_by_user_id`] checks it.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// client.add_tag_by_user_id("customer-42", "vip").await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_tag_by_user_id(&self, user_id: &str, tag: &str) -> Result<(), Error> {
        self.tag(paths::by_user_id(user_id, "add_tag/")?, tag).await
    }

    /// [`Client::remove_tag`] for the user whose `user_id` (`custom_id` in v2) is
    /// `user_id`: `POST users-by-id/<user_id>/remove_tag/`.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// client.remove_tag_by_user_id("customer-42", "vip").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_tag_by_user_id(&self, user_id: &str, tag: &str) -> Result<(), Error> {
        self.tag(paths::by_user_id(user_id, "remove_tag/")?, tag)
            .await
    }

    /// Sends `{"name": tag}` to `path`, `tag` checked first.
    async fn tag(&self, path: String, tag: &str) -> Result<(), Error> {
        validate::label("tag", tag)?;
        self.act(&path, json!({ "name": tag })).await
    }
}
