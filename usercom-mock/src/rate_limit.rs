//! The server's optional rate limit: a token bucket (nginx `limit_req`, most API gateways) or
//! a sliding window (Django REST Framework's `SimpleRateThrottle`), refusing with `429` (with
//! or without `Retry-After`) or, like nginx, `503` without it.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// A rate limit for the embedded server: how many requests it takes, and how it refuses the
/// others. Set it with [`MockServer::set_rate_limit`](crate::MockServer::set_rate_limit).
///
/// The limit counts every request, whatever its route, as the throttles it models do. A
/// refused request is not processed (nothing is created) and takes no queued fault; it is
/// answered at once, without the server's latency, and counted by
/// [`MockServer::rate_limited_count`](crate::MockServer::rate_limited_count).
///
/// | constructor and setter | models | refusal |
/// |---|---|---|
/// | [`RateLimit::token_bucket`] | a bucket of `burst` tokens refilled at `per_second` (nginx `limit_req ... nodelay`, API gateways) | `429`, `Retry-After: 1` |
/// | [`RateLimit::sliding_window`] | at most `requests` in any `window` (Django REST Framework's throttles) | `429`, `Retry-After: 1` |
/// | `.retry_after(n)` | | `429`, `Retry-After: n` (whole seconds, as DRF sends them) |
/// | `.without_retry_after()` | | `429` without `Retry-After` |
/// | `.service_unavailable()` | nginx's default `limit_req_status` | `503` without `Retry-After`, an HTML body |
///
/// ```
/// use std::time::Duration;
/// use usercom_mock::RateLimit;
/// // User.com-like: 100 creates a second, bursts of 20, 429 with Retry-After: 1.
/// let api = RateLimit::token_bucket(100.0, 20);
/// // nginx in front: the same bucket, but 503 without Retry-After.
/// let nginx = RateLimit::token_bucket(100.0, 20).service_unavailable();
/// // DRF: 100 requests in any second.
/// let drf = RateLimit::sliding_window(100, Duration::from_secs(1));
/// # let _ = (api, nginx, drf);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    algorithm: Algorithm,
    refusal: Refusal,
}

#[derive(Debug, Clone, PartialEq)]
enum Algorithm {
    TokenBucket { per_second: f64, burst: f64 },
    SlidingWindow { requests: usize, window: Duration },
}

#[derive(Debug, Clone, PartialEq)]
enum Refusal {
    TooManyRequests { retry_after: Option<u64> },
    ServiceUnavailable,
}

impl RateLimit {
    /// A token bucket: it holds at most `burst` tokens (a `burst` of 0 is taken as 1), starts
    /// full, and gains `per_second` tokens a second; each request takes one, and a request
    /// that finds less than one is refused. A `per_second` of 0 or less (or NaN) never
    /// refills; an infinite one never refuses.
    pub fn token_bucket(per_second: f64, burst: u32) -> RateLimit {
        let per_second = if per_second.is_nan() {
            0.0
        } else {
            per_second.max(0.0)
        };
        RateLimit {
            algorithm: Algorithm::TokenBucket {
                per_second,
                burst: f64::from(burst.max(1)),
            },
            refusal: Refusal::TooManyRequests {
                retry_after: Some(1),
            },
        }
    }

    /// A sliding window: a request is taken when fewer than `requests` were taken in the
    /// `window` before it (as Django REST Framework's `SimpleRateThrottle` keeps the history
    /// of a user's requests); refused requests do not count. A `requests` of 0 refuses
    /// everything; a zero `window` refuses nothing.
    pub fn sliding_window(requests: u32, window: Duration) -> RateLimit {
        RateLimit {
            algorithm: Algorithm::SlidingWindow {
                requests: requests as usize,
                window,
            },
            refusal: Refusal::TooManyRequests {
                retry_after: Some(1),
            },
        }
    }

    /// Refuses with `429` and `Retry-After: <seconds>` (the default is 1).
    #[must_use]
    pub fn retry_after(mut self, seconds: u64) -> RateLimit {
        self.refusal = Refusal::TooManyRequests {
            retry_after: Some(seconds),
        };
        self
    }

    /// Refuses with `429` and no `Retry-After`.
    #[must_use]
    pub fn without_retry_after(mut self) -> RateLimit {
        self.refusal = Refusal::TooManyRequests { retry_after: None };
        self
    }

    /// Refuses with `503` and no `Retry-After`, as nginx's `limit_req` does by default, with
    /// nginx's HTML error page as the body.
    #[must_use]
    pub fn service_unavailable(mut self) -> RateLimit {
        self.refusal = Refusal::ServiceUnavailable;
        self
    }

    /// The status of a refusal.
    pub(crate) fn status(&self) -> u16 {
        match self.refusal {
            Refusal::TooManyRequests { .. } => 429,
            Refusal::ServiceUnavailable => 503,
        }
    }

    /// The `Retry-After` of a refusal, in seconds, if it has one.
    pub(crate) fn retry_after_seconds(&self) -> Option<u64> {
        match self.refusal {
            Refusal::TooManyRequests { retry_after } => retry_after,
            Refusal::ServiceUnavailable => None,
        }
    }

    /// The body and content type of a refusal.
    pub(crate) fn body(&self) -> (&'static str, String) {
        match self.refusal {
            Refusal::TooManyRequests { retry_after } => (
                "application/json",
                match retry_after {
                    Some(1) => {
                        r#"{"detail": "Request was throttled. Expected available in 1 second."}"#
                            .to_owned()
                    }
                    Some(n) => format!(
                        r#"{{"detail": "Request was throttled. Expected available in {n} seconds."}}"#
                    ),
                    None => r#"{"detail": "Request was throttled."}"#.to_owned(),
                },
            ),
            Refusal::ServiceUnavailable => (
                "text/html",
                "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n\
                 <body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n\
                 <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                    .to_owned(),
            ),
        }
    }
}

/// A rate limit and what it has counted.
#[derive(Debug)]
pub(crate) struct Limiter {
    pub(crate) limit: RateLimit,
    tokens: f64,
    last: Instant,
    taken: VecDeque<Instant>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit, now: Instant) -> Limiter {
        let tokens = match limit.algorithm {
            Algorithm::TokenBucket { burst, .. } => burst,
            Algorithm::SlidingWindow { .. } => 0.0,
        };
        Limiter {
            limit,
            tokens,
            last: now,
            taken: VecDeque::new(),
        }
    }

    /// Whether a request arriving at `now` is taken (and counted) or refused.
    pub(crate) fn admit(&mut self, now: Instant) -> bool {
        match self.limit.algorithm {
            Algorithm::TokenBucket { per_second, burst } => {
                let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
                self.last = now;
                if per_second.is_infinite() {
                    return true;
                }
                self.tokens = (self.tokens + elapsed * per_second).min(burst);
                // A token that is whole but for rounding (0.9 + 0.1) counts.
                if self.tokens >= 1.0 - 1e-9 {
                    self.tokens = (self.tokens - 1.0).max(0.0);
                    true
                } else {
                    false
                }
            }
            Algorithm::SlidingWindow { requests, window } => {
                if window.is_zero() {
                    return true;
                }
                while self
                    .taken
                    .front()
                    .is_some_and(|&at| now.saturating_duration_since(at) >= window)
                {
                    self.taken.pop_front();
                }
                if self.taken.len() < requests {
                    self.taken.push_back(now);
                    true
                } else {
                    false
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn a_token_bucket_takes_its_burst_then_its_rate() {
        let start = Instant::now();
        let mut limiter = Limiter::new(RateLimit::token_bucket(100.0, 3), start);
        let taken: Vec<bool> = (0..5).map(|_| limiter.admit(start)).collect();
        assert_eq!(taken, [true, true, true, false, false]);
        // One token every 10 ms.
        assert!(!limiter.admit(at(start, 9)));
        assert!(limiter.admit(at(start, 10)));
        assert!(!limiter.admit(at(start, 15)));
        // Never more than the burst, however long the pause.
        let later = at(start, 10_000);
        let taken = (0..5).filter(|_| limiter.admit(later)).count();
        assert_eq!(taken, 3);
    }

    #[test]
    fn a_sliding_window_counts_taken_requests_only() {
        let start = Instant::now();
        let mut limiter = Limiter::new(RateLimit::sliding_window(2, Duration::from_secs(1)), start);
        assert!(limiter.admit(start));
        assert!(limiter.admit(at(start, 100)));
        assert!(!limiter.admit(at(start, 200)));
        assert!(!limiter.admit(at(start, 999)));
        // The first ages out at 1 s, the second at 1.1 s.
        assert!(limiter.admit(at(start, 1000)));
        assert!(!limiter.admit(at(start, 1050)));
        assert!(limiter.admit(at(start, 1100)));
    }

    #[test]
    fn odd_settings_do_not_panic() {
        let start = Instant::now();
        let mut nan = Limiter::new(RateLimit::token_bucket(f64::NAN, 0), start);
        assert!(nan.admit(start));
        assert!(!nan.admit(at(start, 1000)));
        let mut free = Limiter::new(RateLimit::token_bucket(f64::INFINITY, 1), start);
        assert!((0..100).all(|_| free.admit(start)));
        let mut none = Limiter::new(RateLimit::sliding_window(0, Duration::from_secs(1)), start);
        assert!(!none.admit(start));
        let mut open = Limiter::new(RateLimit::sliding_window(0, Duration::ZERO), start);
        assert!(open.admit(start));
    }

    #[test]
    fn refusals_say_what_they_are() {
        let limit = RateLimit::token_bucket(1.0, 1);
        assert_eq!(
            (limit.status(), limit.retry_after_seconds()),
            (429, Some(1))
        );
        let limit = limit.retry_after(3);
        assert_eq!(limit.retry_after_seconds(), Some(3));
        assert!(limit.body().1.contains("3 seconds"));
        let limit = limit.without_retry_after();
        assert_eq!((limit.status(), limit.retry_after_seconds()), (429, None));
        let limit = limit.service_unavailable();
        assert_eq!((limit.status(), limit.retry_after_seconds()), (503, None));
        assert_eq!(limit.body().0, "text/html");
    }
}
