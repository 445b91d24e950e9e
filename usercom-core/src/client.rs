//! The async HTTP client.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use std::time::Instant;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{redirect, Method, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::{ApiVersion, CreateUser, Error, IntoUserComUser, MapsUserId, RetryPolicy, User};

/// Default limit for a whole request, from connecting to the last byte of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for a response body; a larger one is an error, not an out-of-memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

const API_KEY_LEN: usize = 64;

/// An async client of the User.com public REST API.
///
/// Cheap to clone: clones share one connection pool. Its `Debug` never shows the API key.
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
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    api_version: ApiVersion,
    retry: RetryPolicy,
    /// Only to redact it from the bodies errors keep; never shown.
    api_key: Box<str>,
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
        let payload = checked_payload(value)?;
        let user: User = self
            .post_json("users/", &payload.body(self.inner.api_version), false)
            .await?;
        self.finish_custom_attributes(user, true, &payload).await
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
        let payload = checked_payload(value)?;
        if payload.user_id.is_none() {
            return Err(Error::invalid_input(
                "user_id",
                "upsert matches users on `user_id`, and this value has none",
            ));
        }
        let answer: UpsertAnswer = self
            .post_json(
                "users/update_or_create/",
                &payload.body(self.inner.api_version),
                true,
            )
            .await?;
        let created = answer.created;
        let user = match self.get_user_by_id(answer.id).await {
            Ok(user) => user,
            Err(source) => {
                // The user exists; its attributes can still be set by id.
                let mut custom_attributes_set = true;
                if payload.has_custom_attributes() {
                    match self.send_custom_attributes(answer.id, &payload).await {
                        Ok(Some(user)) => return Ok(Upserted { created, user }),
                        Ok(None) => {}
                        Err(error) => {
                            tracing::debug!(error = %error, "setting custom attributes failed");
                            custom_attributes_set = false;
                        }
                    }
                }
                return Err(Error::ReadBackFailed {
                    id: answer.id,
                    created,
                    custom_attributes_set,
                    source: Box::new(source),
                });
            }
        };
        let user = self
            .finish_custom_attributes(user, created, &payload)
            .await?;
        Ok(Upserted { created, user })
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
        let payload = checked_payload(attributes)?;
        if !payload.has_custom_attributes() {
            return Err(Error::invalid_input(
                "attributes",
                "this value has no custom attributes to set",
            ));
        }
        match self.send_custom_attributes(user_id, &payload).await? {
            Some(user) => Ok(user),
            None => self.get_user_by_id(user_id).await,
        }
    }

    /// `GET users/<id>/`.
    async fn get_user_by_id(&self, id: u64) -> Result<User, Error> {
        self.get_json(&format!("users/{id}/")).await
    }

    /// Sends the custom attributes of `payload` to the user `id`. Any 2xx is a success: the
    /// answer is the user when it decodes as one, `None` when it is anything else (no
    /// documentation shows its shape).
    async fn send_custom_attributes(
        &self,
        id: u64,
        payload: &CreateUser<'_>,
    ) -> Result<Option<User>, Error> {
        let path = format!("users/{id}/set_multiple_attributes/");
        let body = serde_json::to_vec(&payload.custom_attributes_body())
            .map_err(|e| Error::invalid_input("payload", e.to_string()))?;
        self.send_with(
            Method::POST,
            &path,
            Some(Bytes::from(body)),
            true,
            |status, bytes| match decode::<User>(status, bytes) {
                Ok(user) => Ok(Some(user)),
                Err(error) => {
                    tracing::debug!(status, error = %error, "the answer is not a user");
                    Ok(None)
                }
            },
        )
        .await
    }

    /// Sets the custom attributes of `payload` on `user`, just created (`created`) or
    /// updated, and returns the final user. Nothing to set: `user` as it is. When the answer
    /// is not a user, the user is read back.
    async fn finish_custom_attributes(
        &self,
        user: User,
        created: bool,
        payload: &CreateUser<'_>,
    ) -> Result<User, Error> {
        if !payload.has_custom_attributes() {
            return Ok(user);
        }
        match self.send_custom_attributes(user.id, payload).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => {
                self.get_user_by_id(user.id)
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

    /// Upserts many values like [`Client::create_users`] creates them: at most `concurrency`
    /// in flight, inputs pulled lazily, one `(index, result)` per input.
    pub fn upsert_users<I>(
        &self,
        inputs: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<Upserted, Error>)> + Send + '_
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        I::Item: IntoUserComUser + MapsUserId + Send + Sync + 'static,
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
    /// length, and every input yields exactly one outcome. A `concurrency` of 0 is taken as
    /// 1. Each create behaves as [`Client::create_user`].
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
    pub fn create_users<I>(
        &self,
        inputs: I,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<User, Error>)> + Send + '_
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        I::Item: IntoUserComUser + Send + Sync + 'static,
    {
        self.create_users_from_stream(futures_util::stream::iter(inputs), concurrency)
    }

    /// [`Client::create_users`] for inputs that arrive as a [`Stream`] (read from a file or a
    /// database cursor, say).
    pub fn create_users_from_stream<S>(
        &self,
        inputs: S,
        concurrency: usize,
    ) -> impl Stream<Item = (usize, Result<User, Error>)> + Send + '_
    where
        S: Stream + Send + 'static,
        S::Item: IntoUserComUser + Send + Sync + 'static,
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
        let payload = checked_payload(value)?;
        serde_json::to_vec(&payload.body(self.inner.api_version))
            .map_err(|e| Error::invalid_input("payload", e.to_string()))
    }

    /// POSTs `body` to `path` and decodes the answer, retrying under the client's policy.
    /// `idempotent` says whether sending the request twice is harmless.
    pub(crate) async fn post_json<R: DeserializeOwned>(
        &self,
        path: &str,
        body: &(impl serde::Serialize + ?Sized),
        idempotent: bool,
    ) -> Result<R, Error> {
        let body =
            serde_json::to_vec(body).map_err(|e| Error::invalid_input("payload", e.to_string()))?;
        tracing::trace!(path, body = %String::from_utf8_lossy(&body), "usercom request body");
        self.send(Method::POST, path, Some(Bytes::from(body)), idempotent)
            .await
    }

    /// GETs `path` and decodes the answer (idempotent: retried under the whole policy).
    pub(crate) async fn get_json<R: DeserializeOwned>(&self, path: &str) -> Result<R, Error> {
        self.send(Method::GET, path, None, true).await
    }

    async fn send<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
        idempotent: bool,
    ) -> Result<R, Error> {
        self.send_with(method, path, body, idempotent, decode::<R>)
            .await
    }

    /// [`Client::send`] with the decoder of a success body given.
    async fn send_with<R>(
        &self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
        idempotent: bool,
        decoder: fn(u16, &[u8]) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let url = self
            .inner
            .base_url
            .join(path)
            .map_err(|e| Error::config(format!("cannot join `{path}` to the base URL: {e}")))?;
        let mut retries_done = 0;
        loop {
            let span = tracing::info_span!(
                "usercom.request",
                method = %method,
                path,
                attempt = retries_done + 1,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let result = self
                .attempt(method.clone(), url.clone(), body.clone(), decoder)
                .instrument(span.clone())
                .await;
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let status = match &result {
                Ok((status, _)) => Some(*status),
                Err(error) => error.status(),
            };
            if let Some(status) = status {
                span.record("status", status);
            }
            let error = match result {
                Ok((_, value)) => return Ok(value),
                Err(error) => error,
            };
            match self.inner.retry.delay(&error, idempotent, retries_done) {
                Some(delay) => {
                    span.in_scope(|| {
                        // The error's text may quote the server, which may quote the payload:
                        // only at debug level.
                        tracing::info!(
                            retry_in_ms = delay.as_millis() as u64,
                            status = error.status(),
                            "retrying"
                        );
                        tracing::debug!(error = %error, "retry cause");
                    });
                    tokio::time::sleep(delay).await;
                    retries_done += 1;
                }
                None => return Err(error),
            }
        }
    }

    /// One attempt: send, read the capped body, decode a success.
    ///
    /// Once a status has arrived, it decides the outcome: an error status is an
    /// [`Error::Api`] whatever happens to its body (read up to the size limit, and cut there
    /// or where the connection broke, with a note), so that a `503` stays retryable and a
    /// `429` keeps its `Retry-After`; a success whose body is cut short or over the limit
    /// is still a success ([`Error::Decode`], [`Error::ResponseTooLarge`]).
    async fn attempt<R>(
        &self,
        method: Method,
        url: Url,
        body: Option<Bytes>,
        decoder: fn(u16, &[u8]) -> Result<R, Error>,
    ) -> Result<(u16, R), Error> {
        let mut request = self.inner.http.request(method, url);
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.map_err(Error::from_reqwest)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::retry::parse_retry_after);
        let cap = self.inner.max_response_bytes;
        let success = (200..300).contains(&status);
        if success {
            if let Some(len) = response.content_length().filter(|len| *len > cap as u64) {
                return Err(Error::ResponseTooLarge {
                    status,
                    limit: cap,
                    received: len,
                });
            }
        }
        let (bytes, end) = read_capped(response, cap).await;
        if !success {
            let mut body = String::from_utf8_lossy(&bytes).into_owned();
            match end {
                BodyEnd::Complete => {}
                BodyEnd::OverLimit(_) => {
                    body.push_str(&format!("\n[usercom: body cut at the {cap}-byte limit]"));
                }
                BodyEnd::Broken(error) => {
                    body.push_str(&format!("\n[usercom: body cut short: {error}]"));
                }
            }
            return Err(Error::Api {
                status,
                body: self.redact(body),
                retry_after,
            });
        }
        let result = match end {
            BodyEnd::Complete => decoder(status, &bytes),
            BodyEnd::OverLimit(received) => Err(Error::ResponseTooLarge {
                status,
                limit: cap,
                received,
            }),
            BodyEnd::Broken(error) => Err(Error::Decode {
                status,
                path: ".".to_owned(),
                message: format!(
                    "the body was cut short after {} bytes: {}",
                    bytes.len(),
                    error.without_url()
                ),
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }),
        };
        result
            .map(|value| (status, value))
            .map_err(|error| match error {
                Error::Decode {
                    status,
                    path,
                    message,
                    body,
                } => Error::Decode {
                    status,
                    path,
                    message: self.redact(message),
                    body: self.redact(body),
                },
                other => other,
            })
    }

    /// `text` without the API key (some servers and proxies quote the token they refuse).
    fn redact(&self, text: String) -> String {
        if text.contains(&*self.inner.api_key) {
            text.replace(&*self.inner.api_key, "<redacted>")
        } else {
            text
        }
    }
}

/// How reading a body ended.
enum BodyEnd {
    /// Read whole.
    Complete,
    /// Stopped at the size limit; how many bytes were announced or had arrived.
    OverLimit(u64),
    /// The connection broke.
    Broken(reqwest::Error),
}

/// Reads at most `cap` bytes of the body; what was read, and how reading ended.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> (Vec<u8>, BodyEnd) {
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(None) => return (bytes, BodyEnd::Complete),
            Ok(Some(chunk)) => {
                let room = cap - bytes.len();
                if chunk.len() > room {
                    bytes.extend_from_slice(&chunk[..room]);
                    let received = (cap + chunk.len() - room) as u64;
                    return (bytes, BodyEnd::OverLimit(received));
                }
                bytes.extend_from_slice(&chunk);
            }
            Err(error) => return (bytes, BodyEnd::Broken(error)),
        }
    }
}

/// The payload of `value`, checked against the documented rules: what every request
/// method sends, or refuses before sending.
fn checked_payload<T: IntoUserComUser + ?Sized>(value: &T) -> Result<CreateUser<'_>, Error> {
    let payload = value.to_create_user()?;
    payload.validate()?;
    Ok(payload)
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

/// Decodes a success body, naming the JSON path where it failed.
pub(crate) fn decode<R: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<R, Error> {
    let fail = |path: String, message: String| Error::Decode {
        status,
        path,
        message,
        body: String::from_utf8_lossy(bytes).into_owned(),
    };
    // The fast path decodes without tracking the path; only a failure is decoded again,
    // with `serde_path_to_error`, to say where it failed.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, R>(&mut de)
        .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
    de.end().map_err(|e| fail(".".to_owned(), e.to_string()))?;
    // Unreachable in practice (the same bytes decoded differently), but an answer either way.
    Ok(value)
}

/// Builds a [`Client`]. Either [`subdomain`](ClientBuilder::subdomain) or
/// [`base_url`](ClientBuilder::base_url) is required, and so is the API key.
///
/// ```
/// use std::time::Duration;
/// use usercom_core::Client;
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080/api/public")
///     .api_key(&"a".repeat(64))
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/api/public/");
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    subdomain: Option<String>,
    base_url: Option<String>,
    api_key: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    api_version: ApiVersion,
    retry: RetryPolicy,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            subdomain: None,
            base_url: None,
            api_key: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            api_version: ApiVersion::V1,
            retry: RetryPolicy::default(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("subdomain", &self.subdomain)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("api_version", &self.api_version)
            .field("retry", &self.retry)
            .finish()
    }
}

impl ClientBuilder {
    /// Your application's subdomain: requests go to `https://<subdomain>.user.com/api/public/`.
    /// It must be one DNS label (letters, digits, inner hyphens).
    pub fn subdomain(mut self, subdomain: &str) -> Self {
        self.subdomain = Some(subdomain.to_owned());
        self
    }

    /// Sends requests to this URL instead (tests, proxies). A missing trailing slash is
    /// added. It must be `https`, except on loopback hosts (`127.0.0.0/8`, `::1`,
    /// `localhost`), which may use `http`.
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.base_url = Some(base_url.to_owned());
        self
    }

    /// The 64-character API key (Settings → Public REST API keys in User.com).
    pub fn api_key(mut self, api_key: &str) -> Self {
        self.api_key = Some(api_key.to_owned());
        self
    }

    /// Limit for a whole request (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for opening a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The API version to speak (default [`ApiVersion::V1`], the seed's contract).
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::none`] turns
    /// retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shorthand for a retry policy with at most `n` retries (0: off).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry = self.retry.max_retries(n);
        self
    }

    /// Checks the settings and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match (&self.subdomain, &self.base_url) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    "both a subdomain and a base URL are set; set only one",
                ))
            }
            (Some(subdomain), None) => subdomain_url(subdomain)?,
            (None, Some(base_url)) => checked_base_url(base_url)?,
            (None, None) => {
                return Err(Error::config(
                    "no subdomain or base URL is set; call .subdomain(\"your-app\")",
                ))
            }
        };
        let api_key = self
            .api_key
            .as_deref()
            .ok_or_else(|| Error::config("no API key is set; call .api_key(...)"))?;
        check_api_key(api_key)?;

        let mut auth = HeaderValue::from_str(&format!("Token {api_key}"))
            .map_err(|_| Error::config("the API key is not a valid header value"))?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            ACCEPT,
            HeaderValue::from_static(match self.api_version {
                ApiVersion::V1 => "application/json",
                ApiVersion::V2 => "*/*; version=2",
            }),
        );

        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // A redirect could carry the key elsewhere; User.com does not redirect API calls.
            .redirect(redirect::Policy::none())
            .user_agent(concat!("usercom-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                max_response_bytes: self.max_response_bytes,
                api_version: self.api_version,
                retry: self.retry,
                api_key: api_key.into(),
            }),
        })
    }

    /// Checks the settings and builds a [`blocking::Client`](crate::blocking::Client) with
    /// them (feature `blocking`); see
    /// [`blocking::Client::from_async`](crate::blocking::Client::from_async). Nothing is sent.
    ///
    /// ```
    /// let client = usercom_core::Client::builder()
    ///     .subdomain("my-app")
    ///     .api_key(&"k".repeat(64))
    ///     .build_blocking()?;
    /// assert_eq!(client.base_url(), "https://my-app.user.com/api/public/");
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    #[cfg(feature = "blocking")]
    pub fn build_blocking(self) -> Result<crate::blocking::Client, Error> {
        crate::blocking::Client::from_async(self.build()?)
    }
}

fn check_api_key(key: &str) -> Result<(), Error> {
    // The message describes the key, never repeats it.
    if key.len() != API_KEY_LEN || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::config(format!(
            "the API key must be exactly {API_KEY_LEN} ASCII letters and digits (the given one \
             has {} characters{})",
            key.chars().count(),
            if key.chars().all(|c| c.is_ascii_alphanumeric()) {
                ""
            } else {
                ", some of them not letters or digits"
            }
        )));
    }
    Ok(())
}

fn subdomain_url(subdomain: &str) -> Result<Url, Error> {
    let valid = !subdomain.is_empty()
        && subdomain.len() <= 63
        && subdomain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !subdomain.starts_with('-')
        && !subdomain.ends_with('-');
    if !valid {
        return Err(Error::config(format!(
            "the subdomain {subdomain:?} is not one DNS label: use 1 to 63 letters, digits and \
             inner hyphens (the part before .user.com)"
        )));
    }
    Url::parse(&format!("https://{subdomain}.user.com/api/public/")).map_err(|e| {
        Error::config(format!(
            "the subdomain {subdomain:?} gives no valid URL: {e}"
        ))
    })
}

fn checked_base_url(base_url: &str) -> Result<Url, Error> {
    let mut text = base_url.to_owned();
    if !text.ends_with('/') {
        text.push('/');
    }
    let url = Url::parse(&text)
        .map_err(|e| Error::config(format!("the base URL {base_url:?} is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("the base URL must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL {base_url:?} must not have a query or fragment"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "the base URL {base_url:?} uses http: only loopback hosts (127.0.0.0/8, ::1, \
                 localhost) may, anything else must use https"
            )))
        }
        other => {
            return Err(Error::config(format!(
                "the base URL {base_url:?} has the scheme `{other}`; use https"
            )))
        }
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01";

    fn config_error(result: Result<Client, Error>) -> String {
        match result {
            Err(e @ Error::Config { .. }) => e.to_string(),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn new_targets_the_subdomain() {
        let client = Client::new("my-app", KEY).unwrap();
        assert_eq!(client.base_url(), "https://my-app.user.com/api/public/");
    }

    #[test]
    fn api_key_must_be_64_alphanumerics_and_is_never_echoed() {
        for bad in [
            "",
            "short",
            &KEY[..63],
            &format!("{KEY}x"),
            &format!("{}-", &KEY[..63]),
        ] {
            let msg = config_error(Client::new("app", bad));
            assert!(msg.contains("64"), "{msg}");
            if !bad.is_empty() {
                assert!(!msg.contains(bad), "{msg}");
            }
        }
    }

    #[test]
    fn subdomain_must_be_one_label() {
        for bad in [
            "",
            "a.b",
            "evil.com/",
            "a?b",
            "a b",
            "-a",
            "a-",
            "a/b",
            &"a".repeat(64),
        ] {
            let msg = config_error(Client::new(bad, KEY));
            assert!(msg.contains("DNS label"), "{bad}: {msg}");
        }
        Client::new("a-1", KEY).unwrap();
    }

    #[test]
    fn base_url_must_be_https_except_on_loopback() {
        let build = |url: &str| Client::builder().base_url(url).api_key(KEY).build();
        for ok in [
            "https://proxy.example.com/usercom",
            "http://127.0.0.1:1234",
            "http://127.8.9.10/x/",
            "http://[::1]:80",
            "http://localhost:9000/api/public/",
        ] {
            let client = build(ok).unwrap();
            assert!(client.base_url().ends_with('/'), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "ftp://example.com",
            "not a url",
            "https://user:pw@example.com",
            "https://example.com/?q=1",
        ] {
            config_error(build(bad));
        }
    }

    #[test]
    fn builder_needs_exactly_one_target_and_a_key() {
        assert!(config_error(Client::builder().api_key(KEY).build()).contains("subdomain"));
        assert!(config_error(
            Client::builder()
                .subdomain("a")
                .base_url("https://b.example")
                .api_key(KEY)
                .build()
        )
        .contains("only one"));
        assert!(config_error(Client::builder().subdomain("a").build()).contains("API key"));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let client = Client::new("app", KEY).unwrap();
        let builder = Client::builder().subdomain("app").api_key(KEY);
        for shown in [format!("{client:?}"), format!("{builder:?}")] {
            assert!(!shown.contains(KEY), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }
    }

    #[test]
    fn decode_names_the_failing_path() {
        let err = decode::<User>(201, br#"{"id": "x"}"#).unwrap_err();
        match &err {
            Error::Decode { path, status, .. } => {
                assert_eq!(path, "id");
                assert_eq!(*status, 201);
            }
            other => panic!("{other:?}"),
        }
        let err = decode::<User>(200, b"").unwrap_err();
        assert!(err.to_string().contains("EOF"), "{err}");
    }
}
