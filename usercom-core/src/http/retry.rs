//! When a failed request is tried again, and after how long.

use std::time::Duration;

use crate::Error;

/// How the client retries requests that failed without effect.
///
/// Creating a user is not idempotent, so a create is retried only when the server certainly
/// did not process it: a `429` or `503` answer, or a connection that could not be opened.
/// A `500`, `502` or `504`, a timeout, or a connection lost after the request was sent leave
/// the outcome unknown (the user may exist) and are returned, never retried into a duplicate.
///
/// The wait before retry *n* is drawn at random between zero and
/// `min(max_backoff, initial_backoff × 2ⁿ⁻¹)` ("full jitter"), and is never shorter than the
/// server's `Retry-After`. When `Retry-After` asks for more than `max_backoff`, the client
/// does not wait: it returns the error, whose [`Error::retry_after`] says how long to wait.
///
/// # Throttling
///
/// A throttling answer (`429`, `503`) holds back every request of the client, not only the
/// one that got it (see [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit) and
/// [`Client::throttle_stats`](crate::Client::throttle_stats)). Such an answer uses up one of
/// the request's `max_retries` only when it came without `Retry-After`, the request has been
/// refused for at least [`max_backoff`](RetryPolicy::max_backoff), and no other request of
/// the client has succeeded since the request's previous refusal (at its first, since it was
/// sent): while the client makes progress, while the server says when to come back, or for a
/// moment (other processes on the same API key may take every request it allows for
/// seconds), a refused request simply waits its turn again. A `Retry-After`, however long,
/// holds the client's requests for at most [`max_throttled_time`]. It fails when the server has kept refusing it for [`max_throttled_time`] (5 minutes
/// by default) or, if set, [`max_throttled_retries`] times; the error is
/// [`Error::Throttled`], and says so.
///
/// [`max_throttled_time`]: RetryPolicy::max_throttled_time
/// [`max_throttled_retries`]: RetryPolicy::max_throttled_retries
///
/// ```
/// use std::time::Duration;
/// use usercom_core::{Client, RetryPolicy};
/// let client = Client::builder()
///     .subdomain("my-app")
///     .api_key(&"k".repeat(64))
///     .retry_policy(RetryPolicy::default().max_retries(5).max_backoff(Duration::from_secs(20)))
///     .build()?;
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_throttled_time: Duration,
    max_throttled_retries: Option<u32>,
}

/// Default number of retries.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Default longest wait before the first retry.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(250);
/// Default cap on any wait, `Retry-After` included.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Default bound on how long one request may keep being refused by throttling answers.
pub const DEFAULT_MAX_THROTTLED_TIME: Duration = Duration::from_secs(300);

impl Default for RetryPolicy {
    /// [`DEFAULT_MAX_RETRIES`] retries, waits from [`DEFAULT_INITIAL_BACKOFF`] up to
    /// [`DEFAULT_MAX_BACKOFF`].
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            max_throttled_time: DEFAULT_MAX_THROTTLED_TIME,
            max_throttled_retries: None,
        }
    }
}

impl RetryPolicy {
    /// No retries: every error is returned at once, but for throttling answers (`429`,
    /// `503`), which are waited out as [Throttling](RetryPolicy#throttling) says (with
    /// `Retry-After`, up to `max_throttled_time`; without it, for up to `max_backoff` while
    /// the client makes no progress). `.max_throttled_retries(0)` fails those at once too.
    ///
    /// ```
    /// use usercom_core::RetryPolicy;
    /// let fail_fast = RetryPolicy::none().max_throttled_retries(0);
    /// assert_eq!(fail_fast.retries(), 0);
    /// ```
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// At most `n` retries after the first attempt (0 turns retries off).
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The longest wait before the first retry; it doubles with each retry.
    #[must_use]
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The cap on any wait, `Retry-After` included.
    #[must_use]
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// How long one request may keep being refused by throttling answers (`429`, `503`),
    /// from its first refusal, while the client makes progress or the server sends
    /// `Retry-After` (default
    /// [`DEFAULT_MAX_THROTTLED_TIME`]); past it, the request fails with
    /// [`Error::Throttled`]. It is also the longest that a server's `Retry-After` holds back
    /// every request of the client. See [Throttling](RetryPolicy#throttling).
    ///
    /// ```
    /// use std::time::Duration;
    /// use usercom_core::RetryPolicy;
    /// // A nightly import may wait out a long throttle; a sign-up handler should not.
    /// let nightly = RetryPolicy::default().max_throttled_time(Duration::from_secs(3600));
    /// let signup = RetryPolicy::default().max_throttled_time(Duration::from_secs(5));
    /// # let _ = (nightly, signup);
    /// ```
    #[must_use]
    pub fn max_throttled_time(mut self, bound: Duration) -> Self {
        self.max_throttled_time = bound;
        self
    }

    /// At most `n` throttling answers for one request (default: no count, only
    /// [`max_throttled_time`](RetryPolicy::max_throttled_time)); the next one fails it with
    /// [`Error::Throttled`].
    ///
    /// ```
    /// use usercom_core::RetryPolicy;
    /// let policy = RetryPolicy::default().max_throttled_retries(20);
    /// # let _ = policy;
    /// ```
    #[must_use]
    pub fn max_throttled_retries(mut self, n: u32) -> Self {
        self.max_throttled_retries = Some(n);
        self
    }

    /// How many retries are allowed.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// How long one request may keep being refused: also the longest that a server's
    /// `Retry-After` holds every request of the client.
    pub(crate) fn throttled_time_bound(&self) -> Duration {
        self.max_throttled_time
    }

    /// The longest wait before a retry, and the longest `Retry-After` waited out.
    pub(crate) fn backoff_cap(&self) -> Duration {
        self.max_backoff
    }

    /// The bound, in words, that a request refused `refusals` times, the first refusal
    /// `throttled_for` ago, has reached, if any.
    pub(crate) fn throttle_bound(&self, refusals: u32, throttled_for: Duration) -> Option<String> {
        if let Some(n) = self.max_throttled_retries.filter(|&n| refusals > n) {
            return Some(format!("RetryPolicy::max_throttled_retries of {n}"));
        }
        (throttled_for >= self.max_throttled_time).then(|| {
            format!(
                "RetryPolicy::max_throttled_time of {:?}",
                self.max_throttled_time
            )
        })
    }

    /// The jittered wait before retry number `retries_done + 1`, before any `Retry-After`.
    pub(crate) fn backoff(&self, retries_done: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retries_done))
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }

    /// The wait before retrying after `error`, or `None` when it must not be retried.
    /// `retries_done` counts the retries already made; `idempotency` says whether sending the
    /// request twice is harmless.
    pub(crate) fn delay(
        &self,
        error: &Error,
        idempotency: Idempotency,
        retries_done: u32,
    ) -> Option<Duration> {
        if retries_done >= self.max_retries {
            return None;
        }
        let retryable = error.safe_to_retry()
            || (idempotency == Idempotency::Idempotent && error.outcome_unknown());
        if !retryable {
            return None;
        }
        let backoff = self.backoff(retries_done);
        match error.retry_after() {
            Some(wait) if wait > self.max_backoff => None,
            Some(wait) => Some(backoff.max(wait)),
            None => Some(backoff),
        }
    }
}

/// Whether sending a request twice is harmless, which decides what may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// Sending it twice is harmless (an upsert, setting attributes, a read): retried after
    /// an unknown outcome too.
    Idempotent,
    /// Sending it twice may duplicate (a create): retried only when the server certainly
    /// did not process it.
    NotIdempotent,
}

/// Parses a `Retry-After` value: delay seconds, or an HTTP date (a date in the past means
/// no wait).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Idempotency::{Idempotent, NotIdempotent};

    fn api(status: u16, retry_after: Option<Duration>) -> Error {
        Error::Api {
            status,
            body: String::new(),
            retry_after,
        }
    }

    #[test]
    fn only_errors_without_effect_are_retried_for_create() {
        let policy = RetryPolicy::default();
        for status in [429, 503] {
            assert!(
                policy.delay(&api(status, None), NotIdempotent, 0).is_some(),
                "{status}"
            );
        }
        for status in [400, 401, 404, 500, 502, 504] {
            assert!(
                policy.delay(&api(status, None), NotIdempotent, 0).is_none(),
                "{status}"
            );
        }
        // Idempotent requests may retry the unknown outcomes too, but never client errors.
        for status in [500, 502, 504] {
            assert!(
                policy.delay(&api(status, None), Idempotent, 0).is_some(),
                "{status}"
            );
        }
        assert!(policy.delay(&api(400, None), Idempotent, 0).is_none());
    }

    #[test]
    fn backoff_is_capped_jittered_and_bounded_in_count() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(300))
            .max_retries(4);
        for retries_done in 0..4 {
            for _ in 0..200 {
                let delay = policy
                    .delay(&api(503, None), NotIdempotent, retries_done)
                    .unwrap();
                let ceiling = Duration::from_millis(100 * 2u64.pow(retries_done))
                    .min(Duration::from_millis(300));
                assert!(delay <= ceiling, "{delay:?} > {ceiling:?}");
            }
        }
        assert!(policy.delay(&api(503, None), NotIdempotent, 4).is_none());
        assert!(RetryPolicy::none()
            .delay(&api(503, None), NotIdempotent, 0)
            .is_none());
    }

    #[test]
    fn retry_after_is_a_floor_up_to_the_cap() {
        let policy = RetryPolicy::default().max_backoff(Duration::from_secs(5));
        for _ in 0..100 {
            let delay = policy
                .delay(&api(429, Some(Duration::from_secs(2))), NotIdempotent, 0)
                .unwrap();
            assert!(delay >= Duration::from_secs(2));
        }
        assert!(policy
            .delay(&api(429, Some(Duration::from_secs(6))), NotIdempotent, 0)
            .is_none());
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO),
            "a past date means no wait"
        );
        let future =
            httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(120));
        let wait = parse_retry_after(&future).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-3"), None);
    }
}
