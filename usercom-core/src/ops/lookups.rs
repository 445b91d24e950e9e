//! Look-ups that return users: by User.com id (`GET users/<id>/`), by email (`GET
//! users/search/?email=`) and by the application's own `user_id` (`GET
//! users-by-id/<user_id>/`), each also as the caller's own type ([`FromUserComUser`]); and
//! every user as a stream ([`Client::users`]).
//!
//! Reads are idempotent: each is one GET under the client's whole retry policy.

use futures_util::{stream, Stream};
use url::form_urlencoded;

use crate::http::transport::CallBound;
use crate::mapping::validate;
use crate::ops::pages::Pager;
use crate::ops::paths;
use crate::{Client, Error, FromUserComUser, User};

impl Client {
    /// The user whose User.com id is `id`: `GET users/<id>/`.
    ///
    /// No user with that id is an [`Error::Api`] with status `404` (an id comes from
    /// User.com, so its absence is an error, unlike a search that finds nobody).
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// let user = client.get_user(19678376).await?;
    /// println!("{}: {}", user.id, user.email.as_deref().unwrap_or("no email"));
    /// # Ok(()) }
    /// ```
    pub async fn get_user(&self, id: u64) -> Result<User, Error> {
        self.get_user_in(id, self.call_bound()).await
    }

    /// [`Client::get_user`] as part of a call bound by `bound` (a read-back).
    pub(crate) async fn get_user_in(&self, id: u64, bound: CallBound) -> Result<User, Error> {
        self.get_json(&format!("users/{id}/"), bound).await
    }

    /// The user whose email is `email`: `GET users/search/?email=<email>`, the address
    /// percent-encoded (a `+` or `&` in it is sent intact). `Ok(None)` when User.com finds
    /// nobody (it answers `404`).
    ///
    /// `email` is checked first by the same rule as an email sent in a create (exactly one
    /// `@` with text on both sides, no white space, no control characters); a bad one is an
    /// [`Error::InvalidInput`], and nothing is sent. Which user User.com answers when several
    /// share an email is not documented.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// match client.find_user_by_email("ada+news@example.org").await? {
    ///     Some(user) => println!("found {}", user.id),
    ///     None => println!("no such user"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// A bad address is refused before anything is sent:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), usercom_core::Error> {
    /// use usercom_core::{Client, Error};
    /// let client = Client::new("my-app", &"k".repeat(64))?;
    /// let error = client.find_user_by_email("ada at example.org").await.unwrap_err();
    /// assert!(matches!(error, Error::InvalidInput { .. }));
    /// # Ok(()) }
    /// ```
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
        validate::email("email", email)?;
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("email", email)
            .finish();
        found(
            self.get_json(&format!("users/search/?{query}"), self.call_bound())
                .await,
        )
    }

    /// The user whose `user_id` (API v1; `custom_id` in v2), the application's own
    /// identifier, is `user_id`: `GET users-by-id/<user_id>/`, the id percent-encoded as one
    /// path segment (a `/`, space or `%` in it is sent intact). `Ok(None)` when User.com
    /// finds nobody (it answers `404`).
    ///
    /// A `user_id` is checked as a create checks it: one that is empty or only white space
    /// identifies nobody, one with white space around it, a control character or an
    /// invisible format character (U+200B, ...) could not have been sent, and `.` and `..`
    /// cannot be sent as a path segment (URLs resolve them as "this" and "parent"
    /// directory): each is an [`Error::InvalidInput`], and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// if let Some(user) = client.find_user_by_user_id("customer-42").await? {
    ///     println!("customer-42 is User.com user {}", user.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn find_user_by_user_id(&self, user_id: &str) -> Result<Option<User>, Error> {
        let path = paths::by_user_id(user_id, "")?;
        found(self.get_json(&path, self.call_bound()).await)
    }

    /// [`Client::get_user`], read into your own type `T` with
    /// [`FromUserComUser::from_user`].
    ///
    /// A user that cannot be read into `T` (a value of another type, a missing value for a
    /// field that is not an `Option`) is an [`Error::Read`]; to keep the user in that case,
    /// call [`Client::get_user`] and then `T::from_user`.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// use usercom_core::{Error, FromUserComUser, User};
    /// struct Customer { email: Option<String>, city: Option<String> }
    /// impl FromUserComUser for Customer {
    ///     fn from_user(user: &User) -> Result<Self, Error> {
    ///         Ok(Customer { email: user.email.clone(), city: user.city.clone() })
    ///     }
    ///     fn update_from_user(&mut self, user: &User) -> Result<(), Error> {
    ///         *self = Customer::from_user(user)?;
    ///         Ok(())
    ///     }
    /// }
    /// let customer = client.get_user_as::<Customer>(19678376).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_user_as<T: FromUserComUser>(&self, id: u64) -> Result<T, Error> {
        T::from_user(&self.get_user(id).await?)
    }

    /// [`Client::find_user_by_email`], read into your own type `T` with
    /// [`FromUserComUser::from_user`]; see [`Client::get_user_as`] for the errors reading
    /// adds.
    ///
    /// ```no_run
    /// # async fn run<Customer: usercom_core::FromUserComUser>(
    /// #     client: usercom_core::Client,
    /// # ) -> Result<(), usercom_core::Error> {
    /// let customer: Option<Customer> = client.find_user_by_email_as("ada@example.org").await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_user_by_email_as<T: FromUserComUser>(
        &self,
        email: &str,
    ) -> Result<Option<T>, Error> {
        read_into(self.find_user_by_email(email).await?)
    }

    /// [`Client::find_user_by_user_id`], read into your own type `T` with
    /// [`FromUserComUser::from_user`]; see [`Client::get_user_as`] for the errors reading
    /// adds.
    ///
    /// ```no_run
    /// # async fn run<Customer: usercom_core::FromUserComUser>(
    /// #     client: usercom_core::Client,
    /// # ) -> Result<(), usercom_core::Error> {
    /// let customer: Option<Customer> = client.find_user_by_user_id_as("customer-42").await?;
    /// # Ok(()) }
    /// ```
    pub async fn find_user_by_user_id_as<T: FromUserComUser>(
        &self,
        user_id: &str,
    ) -> Result<Option<T>, Error> {
        read_into(self.find_user_by_user_id(user_id).await?)
    }
}

impl Client {
    /// Every user of the app, as a stream: `GET users/`, then each page's `next` link.
    ///
    /// Pages are read lazily: the next one is requested only when the stream is polled past
    /// the users of the page before, so a consumer that stops early reads no more. Each page
    /// is one request under the client's whole retry policy (a GET is safe to repeat), and
    /// under the handle's call bound ([`Client::with_call_timeout`]) on its own: a long
    /// listing is not cut short by it.
    ///
    /// A `next` link is followed only when it lies under the client's
    /// [`base_url`](Client::base_url): a link to another host is an [`Error::Decode`] at the
    /// path `next`, and the API key is never sent there. A `next` link that answers `404`
    /// ends the stream (other clients found User.com doing that at the end of a list); a link
    /// followed already is an error rather than an endless loop. After an error the stream
    /// ends.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// use futures_util::TryStreamExt;
    /// let mut users = client.users();
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{}: {}", user.id, user.email.as_deref().unwrap_or("no email"));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn users(&self) -> impl Stream<Item = Result<User, Error>> + Send + Unpin + '_ {
        let start = Pager::new(self, "users/");
        // Boxed once, so that the stream is `Unpin`: `users().next().await` needs no pin.
        Box::pin(stream::unfold(Some(start), move |pager| async move {
            let mut pager = match pager? {
                Ok(pager) => pager,
                Err(error) => return Some((Err(error), None)),
            };
            match pager.next_item(self, self.call_bound()).await {
                Ok(Some(user)) => Some((Ok(user), Some(Ok(pager)))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        }))
    }
}

/// A search's answer: a `404` is nobody found, every other error stays an error.
fn found(answer: Result<User, Error>) -> Result<Option<User>, Error> {
    match answer {
        Ok(user) => Ok(Some(user)),
        Err(Error::Api { status: 404, .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The user found, if any, read into `T`.
fn read_into<T: FromUserComUser>(user: Option<User>) -> Result<Option<T>, Error> {
    user.as_ref().map(T::from_user).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_form_encoded_intact() {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("email", "a+b&c=d@example.org")
            .finish();
        assert_eq!(query, "email=a%2Bb%26c%3Dd%40example.org");
    }
}
