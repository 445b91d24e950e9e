//! The path of every request, in one place: [`Client::send_with`] joins its URL and
//! [`Client::send_to`] tries it under the retry policy, [`Client::attempt`] sends it once and
//! reads the answer (its size capped, its status first), [`decode`] turns a success into the
//! caller's type. A create reads, from `Client::create_user` in `client` (which takes the call's
//! [`CallBound`]): `post_json` (its
//! URL joined once, [`Client::fixed_url`]) → `send_to` → `attempt` → `decode`.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use bytes::Bytes;
use futures_util::future::Either;
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::http::next_step::{Attempts, Next};
use crate::http::retry::Idempotency::{self, Idempotent};
use crate::http::throttle::learner::Held;
use crate::http::throttle::Refused;
use crate::{Client, Error, RequestState};

/// The paths of the client's operations whose URLs are joined once, when the client is
/// built (see [`Client::fixed_url`]): joining parses the whole URL again.
pub(crate) const FIXED_PATHS: [&str; 2] = ["users/", "users/update_or_create/"];

/// `path` joined to the base URL `base`.
pub(crate) fn join(base: &Url, path: &str) -> Result<Url, Error> {
    base.join(path)
        .map_err(|e| Error::config(format!("cannot join `{path}` to the base URL: {e}")))
}

/// The deadline of one call, and the bound it was set from: taken when an operation
/// starts ([`Client::call_bound`]) and handed to every request it makes, so that the
/// handle's call bound covers the operation as a whole (its retries, waits and further
/// requests).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallBound(Option<(Instant, Duration)>);

impl Client {
    /// POSTs the JSON `body`, already written, to `path` and decodes the answer, retrying
    /// under the client's policy. `idempotency` says whether sending the request twice is
    /// harmless.
    ///
    /// `path` is one of the client's fixed paths (`users/`): its URL was joined when the
    /// client was built, not per request (see [`Client::fixed_url`]).
    ///
    /// Not an `async fn`, like [`Client::get_json`] and [`Client::send_with`]: a wrapper
    /// `async fn` keeps its own copy of the arguments next to the future it awaits, and every
    /// create's future (moved into a bulk stream's task, say) would carry both.
    pub(crate) fn post_json<'a, R: DeserializeOwned>(
        &'a self,
        path: &'static str,
        body: Vec<u8>,
        idempotency: Idempotency,
        bound: CallBound,
    ) -> impl Future<Output = Result<R, Error>> + use<'a, R> {
        tracing::trace!(path, body = %String::from_utf8_lossy(&body), "usercom request body");
        let body = Some(Bytes::from(body));
        match self.fixed_url(path) {
            Ok(url) => Either::Left(self.send_to(
                Method::POST,
                url,
                path,
                body,
                idempotency,
                decode_whole::<R>,
                bound,
            )),
            // Not `future::ready(Err(error))`, which would have room for a decoded answer.
            Err(error) => Either::Right(async move { Err(error) }),
        }
    }

    /// GETs `path` and decodes the answer (idempotent: retried under the whole policy).
    pub(crate) fn get_json<'a, R: DeserializeOwned>(
        &'a self,
        path: &'a str,
        bound: CallBound,
    ) -> impl Future<Output = Result<R, Error>> + use<'a, R> {
        self.send_with(
            Method::GET,
            path,
            None,
            Idempotent,
            decode_whole::<R>,
            bound,
        )
    }

    /// Sends a request to `path` and decodes a success body with `decoder`.
    ///
    /// Each attempt first waits its turn at the client's throttle; the answer is reported
    /// back to it. A throttling answer (`429`, `503`) is retried without using up the retry
    /// budget while other requests of the client succeed, until the policy's throttle bounds;
    /// everything else follows [`RetryPolicy::delay`](crate::RetryPolicy). The call's bound,
    /// if any, covers the waits, the attempts and the backoff.
    pub(crate) fn send_with<'a, R>(
        &'a self,
        method: Method,
        path: &'a str,
        body: Option<Bytes>,
        idempotency: Idempotency,
        decoder: Decoder<R>,
        bound: CallBound,
    ) -> impl Future<Output = Result<R, Error>> + use<'a, R> {
        match self.url(path) {
            Ok(url) => {
                Either::Left(self.send_to(method, url, path, body, idempotency, decoder, bound))
            }
            Err(error) => Either::Right(async move { Err(error) }),
        }
    }

    /// [`Client::send_with`] with the URL of `path` joined already.
    ///
    /// Not an `async fn`: an `async fn` keeps its arguments twice in its state (as it was
    /// called, and as the locals its body uses), an `async` block once.
    #[allow(clippy::manual_async_fn)] // not the same future: see above
    #[allow(clippy::too_many_arguments)] // each is one fact of the request
    fn send_to<'a, R>(
        &'a self,
        method: Method,
        url: Url,
        path: &'a str,
        body: Option<Bytes>,
        idempotency: Idempotency,
        decoder: Decoder<R>,
        bound: CallBound,
    ) -> impl Future<Output = Result<R, Error>> + use<'a, R> {
        async move {
            let policy = &self.inner.retry;
            let CallBound(bound) = bound;
            let deadline = bound.map(|(deadline, _)| deadline);
            let timed_out = |state| Error::CallTimeout {
                limit: bound.map_or(Duration::ZERO, |(_, limit)| limit),
                state,
            };
            let mut attempts = 0u32;
            // What comes after a failed attempt is decided there.
            let mut tries = Attempts::default();
            loop {
                let ticket = match self
                    .inner
                    .throttle
                    .acquire(deadline, policy.backoff_cap())
                    .await
                {
                    Ok(ticket) => ticket,
                    Err(Refused::Deadline) => {
                        return Err(timed_out(if attempts == 0 {
                            RequestState::NotSent
                        } else {
                            RequestState::NotProcessed
                        }))
                    }
                    Err(Refused::TooLong(Held {
                        status,
                        asked,
                        remaining,
                    })) => {
                        return Err(Error::Throttled {
                            refusals: tries.refusals(),
                            waited: tries.throttled_for(Instant::now()),
                            bound: format!(
                                "the retry policy's max_backoff of {:?} (User.com asked every \
                                 request to wait {asked:?}, held for at most the policy's \
                                 max_throttled_time of {:?}: {remaining:?} more)",
                                policy.backoff_cap(),
                                policy.throttled_time_bound()
                            ),
                            // The answer that asked was to another request: its body is not
                            // kept (the throttle keeps no bodies).
                            source: Box::new(Error::Api {
                                status,
                                body: String::new(),
                                retry_after: Some(remaining),
                            }),
                        });
                    }
                };
                attempts += 1;
                // The path without its query: a look-up's query holds an email.
                let span = tracing::info_span!(
                    "usercom.request",
                    method = %method,
                    path = path.split_once('?').map_or(path, |(path, _)| path),
                    attempt = attempts,
                    status = tracing::field::Empty,
                    latency_ms = tracing::field::Empty,
                );
                // Timed only for a subscriber that listens: the clock costs more than the
                // span when none does.
                let started = (!span.is_disabled()).then(Instant::now);
                // In a block of its own, so that the answer (a decoded `User` is most of it) is
                // not kept in this future's state across the wait before a retry.
                let error = {
                    // Boxed: the attempt (reqwest's request and response) is most of a call's
                    // state, and every call's future is moved a few times before it first runs
                    // (into a bulk stream's task, say). One allocation costs less than copying it
                    // each time.
                    let attempt = Box::pin(
                        self.attempt(method.clone(), url.clone(), body.clone(), decoder)
                            .instrument(span.clone()),
                    );
                    let result = match deadline {
                        Some(deadline) => {
                            match tokio::time::timeout_at(deadline, attempt).await {
                                Ok(result) => result,
                                // The request may have reached the server: the ticket goes
                                // unanswered.
                                Err(_) => return Err(timed_out(RequestState::OutcomeUnknown)),
                            }
                        }
                        None => attempt.await,
                    };
                    if let Some(started) = started {
                        span.record("latency_ms", started.elapsed().as_millis() as u64);
                    }
                    match result {
                        Ok((status, value)) => {
                            span.record("status", status);
                            ticket.taken();
                            return Ok(value);
                        }
                        Err(error) => {
                            if let Some(status) = error.status() {
                                span.record("status", status);
                            }
                            error
                        }
                    }
                };
                let sent = ticket.sent_at();
                let next = if let Error::Api {
                    status: status @ (429 | 503),
                    retry_after,
                    ..
                } = &error
                {
                    ticket.refused(*status, *retry_after);
                    let last_success = self.inner.throttle.last_success();
                    tries.refused(policy, sent, Instant::now(), *retry_after, last_success)
                } else {
                    if error.status().is_some() {
                        ticket.taken();
                    } else {
                        drop(ticket);
                    }
                    tries.failed(policy, &error, idempotency, sent)
                };
                let delay = match next {
                    Next::Retry(delay) => delay,
                    Next::GiveUp => return Err(error),
                    Next::Throttled {
                        bound,
                        refusals,
                        waited,
                    } => {
                        return Err(Error::Throttled {
                            refusals,
                            waited,
                            bound,
                            source: Box::new(error),
                        })
                    }
                };
                span.in_scope(|| {
                    // The error's text may quote the server, which may quote the payload: only at
                    // debug level.
                    tracing::info!(
                        retry_in_ms = delay.as_millis() as u64,
                        status = error.status(),
                        "retrying"
                    );
                    tracing::debug!(error = %error, "retry cause");
                });
                if let Some(deadline) = deadline {
                    if Instant::now() + delay >= deadline {
                        return Err(timed_out(RequestState::NotProcessed));
                    }
                }
                tokio::time::sleep(delay).await;
            }
        }
    }

    /// The URL of `path`, joined to the base URL.
    fn url(&self, path: &str) -> Result<Url, Error> {
        join(&self.inner.base_url, path)
    }

    /// The URL of `path`: for one of [`FIXED_PATHS`], a copy of the one joined when the
    /// client was built (a clone copies it, a join parses it again); else joined now.
    fn fixed_url(&self, path: &'static str) -> Result<Url, Error> {
        match FIXED_PATHS.iter().position(|fixed| *fixed == path) {
            Some(i) => Ok(self.inner.fixed_urls[i].clone()),
            None => self.url(path),
        }
    }

    /// A call that starts now, under the handle's call bound
    /// ([`Client::with_call_timeout`]): its deadline, for every request the call makes.
    pub(crate) fn call_bound(&self) -> CallBound {
        CallBound(self.call_timeout.and_then(|limit| {
            // No deadline for a bound too far to count.
            Instant::now()
                .checked_add(limit)
                .map(|deadline| (deadline, limit))
        }))
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
        decoder: Decoder<R>,
    ) -> Result<(u16, R), Error> {
        let mut request = self.inner.http.request(method, url).header(
            ACCEPT,
            HeaderValue::from_static(self.inner.api_version.accept()),
        );
        // Only a request with a body says what its body is.
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        let response = request.send().await.map_err(Error::from_reqwest)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(crate::http::retry::parse_retry_after);
        let cap = self.inner.max_response_bytes;
        let success = (200..300).contains(&status);
        if success {
            if let Some(len) = response.content_length().filter(|len| *len > cap as u64) {
                let too_large = Error::ResponseTooLarge {
                    status,
                    limit: cap,
                    received: len,
                };
                return self.decoded(status, decoder(status, Err(too_large)));
            }
        }
        let (bytes, end) = read_capped(response, cap).await;
        if !success {
            let body = String::from_utf8_lossy(&bytes).into_owned();
            let body = match end {
                BodyEnd::Complete => self.redact(body),
                BodyEnd::OverLimit(_) => format!(
                    "{}\n[usercom: body cut at the {cap}-byte limit]",
                    self.redact_cut(body)
                ),
                BodyEnd::Broken(error) => format!(
                    "{}\n[usercom: body cut short: {}]",
                    self.redact_cut(body),
                    self.read_failure(error)
                ),
            };
            return Err(Error::Api {
                status,
                body,
                retry_after,
            });
        }
        // The status decides: a success whose body could not be read whole is still a
        // success, and the decoder says whether the operation needed that body.
        let result = match end {
            BodyEnd::Complete => decoder(status, Ok(&bytes)),
            BodyEnd::OverLimit(received) => decoder(
                status,
                Err(Error::ResponseTooLarge {
                    status,
                    limit: cap,
                    received,
                }),
            ),
            BodyEnd::Broken(error) => {
                let cut = Error::Decode {
                    status,
                    path: ".".to_owned(),
                    message: format!(
                        "the body was cut short after {} bytes: {}",
                        bytes.len(),
                        self.read_failure(error)
                    ),
                    body: self.redact_cut(String::from_utf8_lossy(&bytes).into_owned()),
                };
                decoder(status, Err(cut))
            }
        };
        self.decoded(status, result)
    }

    /// A decoder's result, with the status of its answer; the texts of a decode error
    /// redacted (its message may quote the body: `invalid type: string "..."`).
    fn decoded<R>(&self, status: u16, result: Result<R, Error>) -> Result<(u16, R), Error> {
        result
            .map(|value| (status, value))
            .map_err(|error| self.redact_error(error))
    }

    /// Why reading a body failed, in words: a timeout says that it fired, and which.
    fn read_failure(&self, error: reqwest::Error) -> String {
        if error.is_timeout() {
            format!(
                "the client's timeout of {:?} (ClientBuilder::timeout) ran out while the \
                 body was read ({})",
                self.inner.timeout,
                error.without_url()
            )
        } else {
            error.without_url().to_string()
        }
    }
}

/// A success's body as a decoder is handed it: whole, or the error that kept it from being
/// read whole (cut short, over the size limit), its texts redacted already.
pub(crate) type Body<'a> = Result<&'a [u8], Error>;

/// Turns a success's status and body into the operation's answer. An operation whose
/// success does not depend on the body (setting attributes, say) succeeds on a body that
/// could not be read; the others fail with the error they are handed.
pub(crate) type Decoder<R> = fn(u16, Body<'_>) -> Result<R, Error>;

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
///
/// A body that arrives in one chunk (most answers) is kept as it arrived, not copied.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> (Bytes, BodyEnd) {
    let mut first: Option<Bytes> = None;
    let mut bytes = Vec::new();
    let whole = |first: Option<Bytes>, bytes: Vec<u8>| match first {
        Some(first) => first,
        None => Bytes::from(bytes),
    };
    loop {
        match response.chunk().await {
            Ok(None) => return (whole(first, bytes), BodyEnd::Complete),
            Ok(Some(chunk)) => {
                if let Some(first) = first.take() {
                    bytes.extend_from_slice(&first);
                }
                let read = bytes.len();
                let room = cap - read;
                if chunk.len() > room {
                    bytes.extend_from_slice(&chunk[..room]);
                    let received = (read + chunk.len()) as u64;
                    return (Bytes::from(bytes), BodyEnd::OverLimit(received));
                }
                if read == 0 {
                    first = Some(chunk);
                } else {
                    bytes.extend_from_slice(&chunk);
                }
            }
            Err(error) => return (whole(first, bytes), BodyEnd::Broken(error)),
        }
    }
}

/// The [`Decoder`] of an operation whose answer is the body: [`decode`]d whole, or the
/// error that kept it from being read.
pub(crate) fn decode_whole<R: DeserializeOwned>(status: u16, body: Body<'_>) -> Result<R, Error> {
    decode(status, body?)
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
    // with `serde_path_to_error`, to say where it failed. The body's UTF-8 is checked once,
    // whole, rather than string by string (from bytes, serde_json checks every string).
    let fast = std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| serde_json::from_str(text).ok());
    if let Some(value) = fast {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, R>(&mut de)
        .map_err(|e| fail(e.path().to_string(), e.inner().to_string()))?;
    de.end().map_err(|e| fail(".".to_owned(), e.to_string()))?;
    // Unreachable in practice (the same bytes decoded differently), but an answer either way.
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::User;

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

    #[test]
    fn fixed_urls_are_joined_for_each_base_url() {
        let key = "k".repeat(64);
        let client = |base: &str| {
            Client::builder()
                .base_url(base)
                .api_key(&key)
                .build()
                .unwrap()
        };
        let a = client("http://127.0.0.1:8001/api/public/");
        let b = client("http://127.0.0.1:8002/v2");
        for (client, base) in [
            (&a, "http://127.0.0.1:8001/api/public/"),
            (&b, "http://127.0.0.1:8002/v2/"),
        ] {
            for path in FIXED_PATHS.into_iter().chain(["users/search/"]) {
                let url = client.fixed_url(path).unwrap();
                assert_eq!(url.as_str(), format!("{base}{path}"));
                assert_eq!(url, client.url(path).unwrap());
            }
        }
    }
}
