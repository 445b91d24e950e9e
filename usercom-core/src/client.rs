//! The async client and its operations. The path every request takes (send, retry, read,
//! decode) is in `http`; the builder and its checks in `builder`; more operations in `ops`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use reqwest::Url;

use crate::http::retry::Idempotency::{Idempotent, NotIdempotent};
use crate::http::throttle::{Throttle, ThrottleStats};
use crate::{
    ApiVersion, ClientBuilder, CreateUser, Error, EventCreated, IntoUserComEvent, IntoUserComUser,
    MapsUserId, RetryPolicy, UpdatableByUserId, User,
};

/// Default limit for a whole request, from connecting to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for a response body; a larger one is an error, not an out-of-memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// An async client of the User.com public REST API.
///
/// Cheap to clone: clones share one connection pool and one throttle (a `429` answered to
/// one slows them all; see [`Client::throttle_stats`]). Its `Debug` never shows the API key.
///
/// ```no_run
/// # async fn run() -> Result<(), usercom_core::Error> {
/// use usercom_core::{Client, CreateUser};
/// let client = Client::new("my-app", &std::env::var("USERCOM_API_KEY").unwrap())?;
/// let user = client
///     .create_user(&CreateUser::new().email("john@example.org").first_name("John"))
///     .await?;
/// println!("created user {} ({})", user.id, user.key);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// The bound on each call of this handle ([`Client::with_call_timeout`]).
    pub(crate) call_timeout: Option<Duration>,
}

/// What every clone of a client shares.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    /// [`FIXED_PATHS`](crate::http::transport::FIXED_PATHS) joined to `base_url`, in that order:
    /// joining parses the whole URL, so it is done once, when the client is built.
    pub(crate) fixed_urls: Vec<Url>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) api_version: ApiVersion,
    pub(crate) retry: RetryPolicy,
    /// Only to redact it from the bodies errors keep; never shown.
    pub(crate) api_key: Box<str>,
    /// What every request waits for: the server's `Retry-After`, the learned rate, the
    /// user's limit.
    pub(crate) throttle: Arc<Throttle>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_key", &"<redacted>")
            .field("timeout", &self.inner.timeout)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("api_version", &self.inner.api_version)
            .field("retry", &self.inner.retry)
            .field("call_timeout", &self.call_timeout)
            .field("throttle", &self.inner.throttle.stats())
            .finish()
    }
}

impl Client {
    /// A client of `https://<subdomain>.user.com/api/public/` with the default settings.
    ///
    /// Fails with [`Error::Config`] when `subdomain` is not one DNS label or `api_key` is not
    /// 64 ASCII letters and digits.
    pub fn new(subdomain: &str, api_key: &str) -> Result<Client, Error> {
        Client::builder()
            .subdomain(subdomain)
            .api_key(api_key)
            .build()
    }

    /// A builder, for a base URL override (tests, proxies) or other timeouts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The URL every request path is joined to; it ends with `/`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Creates a user: `POST users/` with the standard attributes of `value`, then, when it
    /// has custom attributes, `POST users/<id>/set_multiple_attributes/` with those.
    ///
    /// The payload is checked first ([`CreateUser::validate`](crate::CreateUser::validate)); bad input is an
    /// [`Error::InvalidInput`] and nothing is sent. Any 2xx answer is a success and its body
    /// is decoded into a [`User`].
    ///
    /// When the user was created but setting its custom attributes failed, the error is
    /// [`Error::AttributesNotSet`]: the user exists, and [`Error::created_user`] hands it
    /// back.
    pub async fn create_user<T>(&self, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        let bound = self.call_bound();
        // The payload is kept for the second request only, on the heap: most creates
        // have no custom attributes, and keeping it in place would add its size to every
        // create's future (moved into a bulk stream's task, say).
        let (body, custom) = {
            let mut payload = CreateUser::new();
            let body = self.checked_body(value, &mut payload, Operation::Create)?;
            (
                body,
                payload.has_custom_attributes().then(|| Box::new(payload)),
            )
        };
        let user: User = self.post_json("users/", body, NotIdempotent, bound).await?;
        match custom {
            None => Ok(user),
            // Boxed: this second request would double the size of every create's future.
            Some(payload) => {
                Box::pin(self.finish_custom_attributes(user, true, &payload, bound)).await
            }
        }
    }

    /// Creates the user, or updates the one with the same `user_id`: `POST
    /// users/update_or_create/`, matched on `user_id` (API v1) / `custom_id` (v2).
    ///
    /// Unlike [`Client::create_user`] it is idempotent, so calling it again after any error is
    /// safe, and the client's retry policy covers `500`, `502`, `504`, timeouts and dropped
    /// connections too. User.com answers only `{"created": bool, "id": int}`, so the user is
    /// then read with `GET users/<id>/` (a second request); custom attributes follow with a
    /// third, as for `create_user`.
    ///
    /// Only values that map `user_id` can be upserted, checked at compile time through
    /// [`MapsUserId`]; a value whose `user_id` is `None`, empty or only white space at run
    /// time is an [`Error::InvalidInput`], and nothing is sent (a blank id would merge
    /// unrelated people into one user).
    ///
    /// When the upsert succeeded but the user cannot be read back (a key that may write but
    /// not read, say), the error is [`Error::ReadBackFailed`] with the user's id; custom
    /// attributes are still set by that id, and the error says whether they were.
    pub async fn upsert_user<T>(&self, value: &T) -> Result<Upserted, Error>
    where
        T: IntoUserComUser + MapsUserId + ?Sized,
    {
        let bound = self.call_bound();
        let mut payload = CreateUser::new();
        let body = self.checked_body(value, &mut payload, Operation::Change)?;
        if payload.user_id.is_none() {
            return Err(Error::invalid_input(
                "user_id",
                "upsert matches users on `user_id`, and this value has none",
            ));
        }
        let answer: UpsertAnswer = self
            .post_json("users/update_or_create/", body, Idempotent, bound)
            .await?;
        let created = answer.created;
        let user = match self.get_user_in(answer.id, bound).await {
            Ok(user) => user,
            Err(source) => {
                // The user exists; its attributes can still be set by id. Boxed, like every
                // branch most upserts never take (see `create_user`).
                let failed =
                    self.after_failed_read_back(answer.id, created, &payload, bound, source);
                let user = Box::pin(failed).await?;
                return Ok(Upserted { created, user });
            }
        };
        if !payload.has_custom_attributes() {
            return Ok(Upserted { created, user });
        }
        let user = Box::pin(self.finish_custom_attributes(user, created, &payload, bound)).await?;
        Ok(Upserted { created, user })
    }

    /// Updates the user whose User.com id is `id` with the attributes of `value`: `PUT
    /// users/<id>/` with its standard attributes, then, when it has custom attributes, `POST
    /// users/<id>/set_multiple_attributes/` with those, as [`Client::create_user`] sends them.
    ///
    /// Only the attributes `value` maps and has are sent: a field that is `None` leaves the
    /// attribute as it is, and unmapped fields are never sent. The value is checked as a
    /// create checks it; bad input is an [`Error::InvalidInput`], and nothing is sent. The
    /// attributes use the client's API version's names (`custom_id` in v2).
    ///
    /// Returns the user as it is afterwards. Any 2xx is a success: when its body is not the
    /// user, the user is read back with `GET users/<id>/`. When the update succeeded but
    /// setting the custom attributes failed, the error is [`Error::AttributesNotSet`] (with
    /// `created: false`), and [`Error::created_user`] hands back the updated user. When the
    /// answer is not the user and cannot be read back either, the error is
    /// [`Error::ReadBackFailed`] (the custom attributes still set by id). No user with that
    /// id is an [`Error::Api`] with status `404`.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// use usercom_core::CreateUser;
    /// let user = client
    ///     .update_user(19678376, &CreateUser::new().city("Paris").attribute("plan", "pro"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_user<T>(&self, id: u64, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        self.update_by_id(id, value).await
    }

    /// Updates the user whose `user_id` (API v1; `custom_id` in v2) is `value`'s own
    /// `#[usercom(user_id)]` field: `PUT users-by-id/<user_id>/`, the id percent-encoded as
    /// one path segment; otherwise as [`Client::update_user`].
    ///
    /// Only values that map `user_id` can be updated this way, checked at compile time
    /// through [`UpdatableByUserId`]. A value whose `user_id` is `None` at run time, or one
    /// that [`Client::find_user_by_user_id`] would refuse (blank, white space around it, a
    /// control or invisible character, `.` or `..`), is an [`Error::InvalidInput`], and
    /// nothing is sent. No user with that id is an [`Error::Api`] with status `404`. When
    /// the answer is not the user and reading it back fails too, the error is the
    /// read-back's, although the update was made (User.com's id, needed to say more, is
    /// unknown then).
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// use usercom_core::CreateUser;
    /// let user = client
    ///     .update_user_by_user_id(&CreateUser::new().user_id("customer-42").city("Paris"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_user_by_user_id<T>(&self, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + UpdatableByUserId + ?Sized,
    {
        self.update_by_user_id(value).await
    }

    /// Sends `event` as an event of the user whose User.com id is `user`: `POST events/`,
    /// the user named `client` (API v1) or `user_id` (v2) in the body. The event is checked
    /// first ([`CreateEvent::validate`](crate::CreateEvent::validate)); bad input is an
    /// [`Error::InvalidInput`], and nothing is sent.
    ///
    /// User.com does not de-duplicate events, so an event is retried only when it certainly
    /// was not processed, like a create: after a lost answer the error says the outcome is
    /// unknown ([`Error::safe_to_retry`] is `false`), and the event is not sent twice.
    pub async fn create_event<E>(&self, user: u64, event: &E) -> Result<EventCreated, Error>
    where
        E: IntoUserComEvent + ?Sized,
    {
        self.send_event(user, event).await
    }

    /// [`Client::create_event`] for the user whose `user_id` (`custom_id` in v2) is
    /// `user_id`: `POST users-by-id/<user_id>/events/` (the id percent-encoded, checked as
    /// [`Client::find_user_by_user_id`] checks it). No such user is an [`Error::Api`] `404`.
    pub async fn create_event_by_user_id<E>(
        &self,
        user_id: &str,
        event: &E,
    ) -> Result<EventCreated, Error>
    where
        E: IntoUserComEvent + ?Sized,
    {
        self.send_event_by_user_id(user_id, event).await
    }

    /// Sends many events as [`Client::create_event`] sends one, each `(user, event)` pair at
    /// the server's pace through the client's throttle, at most `concurrency` in flight, and
    /// yields one `(index, result)` per input, in completion order.
    pub fn create_events<'a, I, E>(
        &'a self,
        inputs: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<EventCreated, Error>)> + Send + 'a
    where
        I: IntoIterator<Item = (u64, E)>,
        I::IntoIter: Send + 'a,
        E: IntoUserComEvent + Send + Sync + 'a,
    {
        self.send_events(inputs, concurrency)
    }

    /// Sets the custom attributes of `attributes` (its standard attributes are ignored) on
    /// the user whose User.com id is `user_id`: `POST users/<id>/set_multiple_attributes/`.
    /// Setting the same values twice is harmless, so the whole retry policy applies.
    ///
    /// This is the call to make after an [`Error::AttributesNotSet`] or an
    /// [`Error::ReadBackFailed`] ([`Error::user_id`] gives the id): the user exists, only its
    /// attributes are missing.
    ///
    /// Returns the user as it is afterwards: the answer when User.com answers with the user,
    /// else the user read back with `GET users/<id>/`. A value without custom attributes is
    /// an [`Error::InvalidInput`], and nothing is sent.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// use usercom_core::CreateUser;
    /// let user = client
    ///     .set_custom_attributes(42, &CreateUser::new().attribute("plan", "pro"))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_custom_attributes<T>(
        &self,
        user_id: u64,
        attributes: &T,
    ) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        let bound = self.call_bound();
        let payload = checked_payload(attributes)?;
        if !payload.has_custom_attributes() {
            return Err(Error::invalid_input(
                "attributes",
                "this value has no custom attributes to set",
            ));
        }
        match self
            .send_custom_attributes(user_id, &payload, bound)
            .await?
        {
            Some(user) => Ok(user),
            None => self.get_user_in(user_id, bound).await,
        }
    }

    /// Upserts many values like [`Client::create_users`] creates them: at most `concurrency`
    /// in flight, inputs pulled lazily, one `(index, result)` per input.
    ///
    /// Inputs may be borrowed (`&customers`, `customers.iter()`): nothing is copied.
    /// [`Client::upsert_users_with`] takes [`BulkOptions`](crate::BulkOptions) (progress
    /// reports).
    pub fn upsert_users<'a, I>(
        &'a self,
        inputs: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<Upserted, Error>)> + Send + 'a
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + MapsUserId + Send + Sync + 'a,
    {
        futures_util::stream::iter(inputs)
            .enumerate()
            .map(move |(index, input)| async move { (index, self.upsert_user(&input).await) })
            .buffer_unordered(concurrency.max(1))
    }

    /// Creates many users with at most `concurrency` requests in flight over the client's
    /// connection pool, and yields each input's outcome as `(index, result)`, in completion
    /// order (`index` counts inputs from 0).
    ///
    /// `inputs` is pulled lazily, as requests complete: memory stays constant whatever its
    /// length, and every input yields exactly one outcome. A `concurrency` of 0 counts as
    /// one. Each create behaves as [`Client::create_user`], and waits its turn at the client's
    /// throttle: against a rate-limited server the run goes at the server's pace (see
    /// [`Client::throttle_stats`]). Inputs may be borrowed (`&customers`, `customers.iter()`):
    /// nothing is copied. [`Client::create_users_with`] takes
    /// [`BulkOptions`](crate::BulkOptions) (progress reports).
    ///
    /// Connections: over HTTP/1.1, the default, each request in flight has a connection of
    /// its own, so a run at concurrency 64 opens up to 64 connections (64 TLS handshakes)
    /// and keeps them in the pool. (A new client keeps at most 16 requests in flight until
    /// the server has answered 64, so the first connections open 16 at a time.) With the `http2` feature, HTTP/2 is offered by ALPN when
    /// connecting, and where User.com accepts it the requests in flight share one
    /// connection (requests beyond the server's limit of concurrent streams wait for a
    /// stream): one handshake and one socket, but one TCP stream for all, so a lost packet
    /// delays every request in flight, not one.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) {
    /// use futures_util::StreamExt;
    /// use usercom_core::CreateUser;
    /// let emails = ["a@example.org", "b@example.org", "c@example.org"];
    /// let inputs = emails.into_iter().map(|e| CreateUser::new().email(e));
    /// let mut outcomes = client.create_users(inputs, 8);
    /// while let Some((index, result)) = outcomes.next().await {
    ///     match result {
    ///         Ok(user) => println!("{}: created {}", emails[index], user.id),
    ///         Err(err) => eprintln!("{}: {err}", emails[index]),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn create_users<'a, I>(
        &'a self,
        inputs: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<User, Error>)> + Send + 'a
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + Send + Sync + 'a,
    {
        self.create_users_from_stream(futures_util::stream::iter(inputs), concurrency)
    }

    /// [`Client::create_users`] for inputs that arrive as a [`Stream`] (read from a file or a
    /// database cursor, say).
    pub fn create_users_from_stream<'a, S>(
        &'a self,
        inputs: S,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<User, Error>)> + Send + 'a
    where
        S: Stream + Send + 'a,
        S::Item: IntoUserComUser + Send + Sync + 'a,
    {
        inputs
            .enumerate()
            .map(move |(index, input)| async move { (index, self.create_user(&input).await) })
            .buffer_unordered(concurrency.max(1))
    }

    /// The API version this client speaks.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.api_version
    }

    /// A handle on the same client (connection pool, throttle, settings) whose every call
    /// is bounded by `bound` as a whole, waits and retries included: a sign-up handler's
    /// create that must answer within a few seconds. The call fails with
    /// [`Error::CallTimeout`] when the bound runs out, saying whether the request was sent
    /// and whether it may have been processed. It replaces any
    /// [`ClientBuilder::call_timeout`] for this handle.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client) -> Result<(), usercom_core::Error> {
    /// use std::time::Duration;
    /// use usercom_core::{CreateUser, Error, RequestState};
    /// let quick = client.with_call_timeout(Duration::from_secs(3));
    /// match quick.create_user(&CreateUser::new().email("ada@example.org")).await {
    ///     Ok(user) => println!("created {}", user.id),
    ///     Err(Error::CallTimeout { state: RequestState::OutcomeUnknown, .. }) => {
    ///         // The user may exist: look it up before creating it again.
    ///     }
    ///     Err(err) if err.safe_to_retry() => { /* nothing was created: try later */ }
    ///     Err(err) => return Err(err),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn with_call_timeout(&self, bound: Duration) -> Client {
        Client {
            inner: self.inner.clone(),
            call_timeout: Some(bound),
        }
    }

    /// What the client's throttle has seen and learned: the rate it paces requests at, the
    /// throttling answers received, the time spent held back. Shared by every clone.
    ///
    /// Every request of a client waits its turn there. A `Retry-After` (from a `429` or a
    /// `503`) holds back every request of the client until it has passed, not only the one
    /// that got it; a refusal without it holds them back briefly. From the refusals the
    /// client learns the rate the server allows (its burst from the first refusal, then its
    /// rate from the next, as a token bucket or a sliding window) and paces its requests
    /// just under it, so that refusals become rare instead of merely obeyed. A refusal
    /// among mostly successful requests teaches nothing. See also
    /// [`ClientBuilder::rate_limit`] and [`RetryPolicy`](crate::RetryPolicy#throttling).
    ///
    /// ```
    /// let client = usercom_core::Client::new("my-app", &"k".repeat(64))?;
    /// assert_eq!(client.throttle_stats().learned_rate, None);
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    pub fn throttle_stats(&self) -> ThrottleStats {
        self.inner.throttle.stats()
    }

    /// Starts pacing at `rate` requests a second, a rate this client's throttle learned
    /// before ([`ThrottleStats::learned_rate`], kept by the application between runs: the
    /// sync's store keeps it), instead of learning it again from the server's first
    /// refusals: a short run keeps the server's pace from its start. The rate is kept 10 s,
    /// then probes for more (a rate kept from a slower time, when other processes shared
    /// the limit, does not hold the client back for long), and is corrected by the
    /// server's refusals as usual.
    ///
    /// Taken only while the client has learned nothing yet (returns `false` otherwise, and
    /// for a rate that is not a positive number of requests a second). All clones share it.
    ///
    /// ```
    /// let client = usercom_core::Client::new("my-app", &"k".repeat(64))?;
    /// assert!(client.resume_learned_rate(198.5));
    /// assert_eq!(client.throttle_stats().learned_rate, Some(198.5));
    /// assert!(!client.resume_learned_rate(50.0), "learned already");
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    pub fn resume_learned_rate(&self, rate: f64) -> bool {
        self.inner.throttle.resume(rate)
    }

    /// Writes `value` into `payload`, checks it, and returns the body of its first
    /// request: what every create and upsert does before sending.
    pub(crate) fn checked_body<'a, T: IntoUserComUser + ?Sized>(
        &self,
        value: &'a T,
        payload: &mut CreateUser<'a>,
        operation: Operation,
    ) -> Result<Vec<u8>, Error> {
        value.write_user_com_user(payload)?;
        payload.validate()?;
        if operation == Operation::Create {
            // A create has nothing to clear: `Some(None)` means what `None` means.
            payload.forget_clears();
        }
        let mut body = Vec::with_capacity(256);
        payload
            .body(self.inner.api_version)
            .write_json(&mut body)
            .map_err(|e| Error::invalid_input("payload", e.to_string()))?;
        Ok(body)
    }

    /// The exact JSON body `create_user` would send first for `value`, after the same
    /// checks; nothing is sent.
    ///
    /// ```
    /// use usercom_core::{Client, CreateUser};
    /// let client = Client::new("my-app", &"k".repeat(64))?;
    /// let body = client.create_user_body(&CreateUser::new().email("a@example.org"))?;
    /// assert_eq!(body, br#"{"email":"a@example.org"}"#);
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    pub fn create_user_body<T>(&self, value: &T) -> Result<Vec<u8>, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        self.checked_body(value, &mut CreateUser::new(), Operation::Create)
    }
}

/// The payload of `value`, checked against the documented rules: what every request
/// method sends, or refuses before sending.
fn checked_payload<T: IntoUserComUser + ?Sized>(value: &T) -> Result<CreateUser<'_>, Error> {
    let payload = value.to_create_user()?;
    payload.validate()?;
    Ok(payload)
}

/// What a request body is for: a create, or a change of a user that may exist (an upsert, an
/// update), which sends what is cleared as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    /// `POST users/`.
    Create,
    /// An upsert or an update.
    Change,
}

/// What `update_or_create` answers.
#[derive(serde::Deserialize)]
struct UpsertAnswer {
    created: bool,
    id: u64,
}

/// The outcome of [`Client::upsert_user`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Upserted {
    /// Whether the user was created (`false`: an existing user was updated).
    pub created: bool,
    /// The user as it is now.
    pub user: User,
}
