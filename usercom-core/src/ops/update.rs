//! Updating a user from the same value that created it: `PUT users/<id>/` and `PUT
//! users-by-id/<user_id>/`, then the custom attributes as a create sends them. The public
//! methods are declared in `client`, so that the compiler names them `Client::...` in
//! messages about their bounds.
//!
//! An update sends only the attributes that are mapped and present (`None` leaves an
//! attribute as it is), so sending it twice leaves the user as once: it is retried under the
//! client's whole policy.

use bytes::Bytes;
use reqwest::Method;

use crate::client::Operation;
use crate::http::retry::Idempotency::Idempotent;
use crate::http::transport::{decode, CallBound};
use crate::ops::paths;
use crate::{Client, CreateUser, Error, IntoUserComUser, User};

impl Client {
    /// [`Client::update_user`]'s work: `PUT users/<id>/`, then the custom attributes.
    pub(crate) async fn update_by_id<T>(&self, id: u64, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        let bound = self.call_bound();
        let mut payload = CreateUser::new();
        let body = self.checked_body(value, &mut payload, Operation::Change)?;
        let path = format!("users/{id}/");
        let user = match self.put_user(&path, body, bound).await? {
            Some(user) => user,
            None => match self.get_user_in(id, bound).await {
                Ok(user) => user,
                // Updated, but not readable: the attributes still set by id.
                Err(source) => {
                    let failed = self.after_failed_read_back(id, false, &payload, bound, source);
                    return Box::pin(failed).await;
                }
            },
        };
        self.finish_custom_attributes(user, false, &payload, bound)
            .await
    }

    /// [`Client::update_user_by_user_id`]'s work: `PUT users-by-id/<user_id>/`, then the
    /// custom attributes.
    pub(crate) async fn update_by_user_id<T>(&self, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        let bound = self.call_bound();
        let mut payload = CreateUser::new();
        let body = self.checked_body(value, &mut payload, Operation::Change)?;
        let Some(user_id) = &payload.user_id else {
            return Err(Error::invalid_input(
                "user_id",
                "update_user_by_user_id finds the user by `user_id`, and this value has none",
            ));
        };
        let path = paths::by_user_id(user_id.as_str(), "")?;
        let user = match self.put_user(&path, body, bound).await? {
            Some(user) => user,
            None => self.get_json(&path, bound).await?,
        };
        self.finish_custom_attributes(user, false, &payload, bound)
            .await
    }

    /// `PUT path` with `body`: the user answered, or `None` for a 2xx whose body is not a
    /// user (the update is done all the same: the status decides).
    async fn put_user(
        &self,
        path: &str,
        body: Vec<u8>,
        bound: CallBound,
    ) -> Result<Option<User>, Error> {
        tracing::trace!(path, body = %String::from_utf8_lossy(&body), "usercom request body");
        self.send_with(
            Method::PUT,
            path,
            Some(Bytes::from(body)),
            Idempotent,
            |status, body| Ok(body.and_then(|bytes| decode::<User>(status, bytes)).ok()),
            bound,
        )
        .await
    }
}
