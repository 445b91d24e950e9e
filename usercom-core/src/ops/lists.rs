//! A user's lists: `POST users/<id>/add_to_list/` and `.../remove_from_list/` with
//! `{"list": <list id>}`.
//!
//! No User.com page documents these two endpoints; their paths and body are what several
//! clients send. Both are idempotent, retried under the client's whole policy, and done on
//! any 2xx.

use serde_json::json;

use crate::{Client, Error};

impl Client {
    /// Puts the user whose User.com id is `id` on the list whose id is `list_id`: `POST
    /// users/<id>/add_to_list/` with `{"list": <list_id>}`. A user on the list already is
    /// not an error. The user's lists show in [`User::lists`](crate::User::lists).
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// client.add_to_list(19678376, 7).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_to_list(&self, id: u64, list_id: u64) -> Result<(), Error> {
        let path = format!("users/{id}/add_to_list/");
        self.act(&path, json!({ "list": list_id })).await
    }

    /// Takes the user whose User.com id is `id` off the list whose id is `list_id`: `POST
    /// users/<id>/remove_from_list/` with `{"list": <list_id>}`. A user not on the list is
    /// not an error.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// client.remove_from_list(19678376, 7).await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove_from_list(&self, id: u64, list_id: u64) -> Result<(), Error> {
        let path = format!("users/{id}/remove_from_list/");
        self.act(&path, json!({ "list": list_id })).await
    }
}
