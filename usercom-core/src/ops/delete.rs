//! Deleting a user: `DELETE users/<id>/` and `DELETE users-by-id/<user_id>/`.
//!
//! A delete is idempotent (deleting a deleted user changes nothing), so it is retried like
//! a read, after timeouts and lost connections too; its answer tells "deleted now" from
//! "there was no such user", so a retry whose first attempt did delete is not an error.

use reqwest::Method;

use crate::http::retry::Idempotency::Idempotent;
use crate::ops::{done, paths};
use crate::{Client, Error};

impl Client {
    /// Deletes the user whose User.com id is `id`: `DELETE users/<id>/`.
    ///
    /// `Ok(true)`: the user was deleted by this call. `Ok(false)`: there was no such user
    /// (User.com answered `404`), which is also what a retry finds when an earlier attempt
    /// of this call deleted the user and its answer was lost: either way, the user is gone.
    /// Any 2xx is a deletion, whatever its body (User.com does not document the answer;
    /// `204 No Content` is inferred).
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// if client.delete_user(19678376).await? {
    ///     println!("deleted");
    /// } else {
    ///     println!("there was no such user");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn delete_user(&self, id: u64) -> Result<bool, Error> {
        self.delete(&format!("users/{id}/")).await
    }

    /// Deletes the user whose `user_id` (API v1; `custom_id` in v2), the application's own
    /// identifier, is `user_id`: `DELETE users-by-id/<user_id>/`, the id percent-encoded as
    /// one path segment. The answer means what [`Client::delete_user`]'s does.
    ///
    /// `user_id` is checked as [`Client::find_user_by_user_id`] checks it: a blank one, one
    /// with white space around it, a control or invisible character, `.` or `..` is an
    /// [`Error::InvalidInput`], and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// let deleted: bool = client.delete_user_by_user_id("customer-42").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_user_by_user_id(&self, user_id: &str) -> Result<bool, Error> {
        self.delete(&paths::by_user_id(user_id, "")?).await
    }

    /// `DELETE path`: `true` on a 2xx, `false` on a `404`.
    async fn delete(&self, path: &str) -> Result<bool, Error> {
        let answer = self
            .send_with(
                Method::DELETE,
                path,
                None,
                Idempotent,
                done,
                self.call_bound(),
            )
            .await;
        match answer {
            Ok(()) => Ok(true),
            Err(Error::Api { status: 404, .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }
}
