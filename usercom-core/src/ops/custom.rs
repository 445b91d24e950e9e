//! The second request of a create, an upsert or an update: `POST
//! users/<id>/set_multiple_attributes/` with the custom attributes, and what follows when
//! its answer is not the user.

use bytes::Bytes;
use reqwest::Method;

use crate::http::retry::Idempotency::Idempotent;
use crate::http::transport::{decode, CallBound};
use crate::{Client, CreateUser, Error, User};

impl Client {
    /// Sends the custom attributes of `payload` to the user `id`. Any 2xx is a success: the
    /// answer is the user when it decodes as one, `None` when it is anything else (no
    /// documentation shows its shape), or when it could not be read whole (cut short, over
    /// the size limit): the attributes are set all the same.
    pub(crate) async fn send_custom_attributes(
        &self,
        id: u64,
        payload: &CreateUser<'_>,
        bound: CallBound,
    ) -> Result<Option<User>, Error> {
        let path = format!("users/{id}/set_multiple_attributes/");
        let body = serde_json::to_vec(&payload.custom_attributes_body())
            .map_err(|e| Error::invalid_input("payload", e.to_string()))?;
        let answer = self
            .send_with(
                Method::POST,
                &path,
                Some(Bytes::from(body)),
                Idempotent,
                // The status decides: any 2xx sets the attributes, whatever its body.
                |status, body| Ok(body.and_then(|bytes| decode::<User>(status, bytes))),
                bound,
            )
            .await?;
        match answer {
            Ok(user) => Ok(Some(user)),
            Err(error) => {
                let error = self.redact_error(error);
                tracing::debug!(error = %error, "the answer is not a user");
                Ok(None)
            }
        }
    }

    /// Sets the custom attributes of `payload` on `user`, just created (`created`) or
    /// updated, and returns the final user. Nothing to set: `user` as it is. When the answer
    /// is not a user, the user is read back.
    pub(crate) async fn finish_custom_attributes(
        &self,
        user: User,
        created: bool,
        payload: &CreateUser<'_>,
        bound: CallBound,
    ) -> Result<User, Error> {
        if !payload.has_custom_attributes() {
            return Ok(user);
        }
        match self.send_custom_attributes(user.id, payload, bound).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => {
                self.get_user_in(user.id, bound)
                    .await
                    .map_err(|source| Error::ReadBackFailed {
                        id: user.id,
                        created,
                        custom_attributes_set: true,
                        source: Box::new(source),
                    })
            }
            Err(source) => Err(Error::AttributesNotSet {
                user: Box::new(user),
                created,
                source: Box::new(source),
            }),
        }
    }

    /// After a change of the user `id` (an upsert, or an update whose answer was not the
    /// user) whose read-back failed with `source`: the custom attributes are still set by
    /// id. The user when that request answers it; else [`Error::ReadBackFailed`], saying
    /// whether they were set.
    pub(crate) async fn after_failed_read_back(
        &self,
        id: u64,
        created: bool,
        payload: &CreateUser<'_>,
        bound: CallBound,
        source: Error,
    ) -> Result<User, Error> {
        let mut custom_attributes_set = true;
        if payload.has_custom_attributes() {
            match self.send_custom_attributes(id, payload, bound).await {
                Ok(Some(user)) => return Ok(user),
                Ok(None) => {}
                Err(error) => {
                    tracing::debug!(error = %error, "setting custom attributes failed");
                    custom_attributes_set = false;
                }
            }
        }
        Err(Error::ReadBackFailed {
            id,
            created,
            custom_attributes_set,
            source: Box::new(source),
        })
    }
}
