//! What happens after an attempt that did not succeed: try again after a delay, or give up,
//! with which error. The one place for `max_retries`, `max_throttled_time` and
//! `max_throttled_retries`, `Retry-After` against the backoff cap, and whether another
//! request of the client has succeeded since. Time in, decisions out: no I/O, no runtime.

use std::time::Duration;

use tokio::time::Instant;

use crate::http::retry::{Idempotency, RetryPolicy};
use crate::Error;

/// What to do after a failed attempt.
#[derive(Debug, PartialEq)]
pub(crate) enum Next {
    /// Send the request again after this long (and after its turn at the throttle).
    Retry(Duration),
    /// Return the attempt's error as it is.
    GiveUp,
    /// Return [`Error::Throttled`] with the attempt's error as its source: the server kept
    /// refusing the request past a bound of the policy.
    Throttled {
        /// The bound reached, in words.
        bound: String,
        /// The throttling answers the request got.
        refusals: u32,
        /// How long since the first of them.
        waited: Duration,
    },
}

/// One request's attempts so far, as far as deciding what comes next needs them.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    /// Retries that used up one of the policy's `max_retries`.
    retries_done: u32,
    /// Throttling answers (`429`, `503`).
    refusals: u32,
    first_refusal: Option<Instant>,
    /// Whether the client made progress is judged from here: the request's first send, then
    /// each refusal it got. Successes while it waited out its backoff and its turn count,
    /// not only those inside the refused round trip (which, against a limiter that refuses
    /// at once, hardly any are).
    progress_from: Option<Instant>,
}

impl Attempts {
    /// The throttling answers so far.
    pub(crate) fn refusals(&self) -> u32 {
        self.refusals
    }

    /// How long the request has been refused at `now`: since its first refusal (zero
    /// before any).
    pub(crate) fn throttled_for(&self, now: Instant) -> Duration {
        self.first_refusal
            .map_or(Duration::ZERO, |first| now.saturating_duration_since(first))
    }

    /// The attempt sent at `sent` was refused (`429`, `503`) at `now`, the server asking
    /// to wait `retry_after`; the client's latest success came at `last_success`.
    ///
    /// A refusal uses up a retry only when it came without `Retry-After`, the request has
    /// been refused for at least the backoff cap (`max_backoff`), and no request of the
    /// client has succeeded since the request's previous refusal (at its first, since it
    /// was first sent): while the client makes progress, while the server says when to come
    /// back, or for the backoff cap, the refused request waits its turn again. It fails past
    /// `max_throttled_time` or `max_throttled_retries`, and at once when the server asks
    /// for longer than the backoff cap (the throttle then holds every request anyway).
    pub(crate) fn refused(
        &mut self,
        policy: &RetryPolicy,
        sent: Instant,
        now: Instant,
        retry_after: Option<Duration>,
        last_success: Option<Instant>,
    ) -> Next {
        let judged_from = *self.progress_from.get_or_insert(sent);
        self.refusals += 1;
        let since = *self.first_refusal.get_or_insert(now);
        let waited = now.saturating_duration_since(since);
        if let Some(bound) = policy.throttle_bound(self.refusals, waited) {
            return Next::Throttled {
                bound,
                refusals: self.refusals,
                waited,
            };
        }
        if policy.retries() == 0 || retry_after.is_some_and(|wait| wait > policy.backoff_cap()) {
            return Next::GiveUp;
        }
        // Other processes on the same API key may take every request the server allows for
        // seconds: a request refused without any success of its client is not yet a lost
        // cause. The server's `Retry-After` is its word that the request may go again then
        // (only the throttle's bounds above end the wait); without one, no progress counts
        // once the request has been refused for the longest wait the policy allows.
        let progressed = last_success.is_some_and(|at| at > judged_from)
            || retry_after.is_some()
            || waited < policy.backoff_cap();
        self.progress_from = Some(now);
        let delay = policy.backoff(self.retries_done);
        if !progressed {
            if self.retries_done >= policy.retries() {
                return Next::GiveUp;
            }
            self.retries_done += 1;
        }
        Next::Retry(delay)
    }

    /// The attempt sent at `sent` failed with `error`, not a throttling answer: retried
    /// under [`RetryPolicy::delay`] (what may be sent twice, how often, how long to wait).
    pub(crate) fn failed(
        &mut self,
        policy: &RetryPolicy,
        error: &Error,
        idempotency: Idempotency,
        sent: Instant,
    ) -> Next {
        self.progress_from.get_or_insert(sent);
        match policy.delay(error, idempotency, self.retries_done) {
            Some(delay) => {
                self.retries_done += 1;
                Next::Retry(delay)
            }
            None => Next::GiveUp,
        }
    }
}

#[cfg(test)]
mod tests {
    //! Plain instants, no runtime: each test is a sequence of answers and the decisions.

    use super::*;
    use Idempotency::{Idempotent, NotIdempotent};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn quick() -> RetryPolicy {
        RetryPolicy::default().initial_backoff(ms(1))
    }

    fn is_retry(next: &Next) -> bool {
        matches!(next, Next::Retry(_))
    }

    #[test]
    fn a_refusal_uses_a_retry_only_without_progress_since_the_previous_one() {
        // No grace for the first refusals (a backoff cap of zero): see the test below.
        let policy = quick().max_retries(1).max_backoff(Duration::ZERO);
        let t0 = Instant::now();
        let mut tries = Attempts::default();
        // Sent at 0, refused at 1, no success yet: uses the one retry.
        assert!(is_retry(&tries.refused(
            &policy,
            t0,
            t0 + ms(1),
            None,
            None
        )));
        // Another request succeeded at 8, while this one waited its turn; sent again at 20,
        // refused at 21 (the success was not inside this round trip): progress, no retry used.
        let success = Some(t0 + ms(8));
        assert!(is_retry(&tries.refused(
            &policy,
            t0 + ms(20),
            t0 + ms(21),
            None,
            success
        )));
        // Nothing succeeded since the refusal at 21: out of retries.
        let next = tries.refused(&policy, t0 + ms(40), t0 + ms(41), None, success);
        assert_eq!(next, Next::GiveUp);
        assert_eq!(tries.refusals(), 3);
        assert_eq!(tries.throttled_for(t0 + ms(41)), ms(40));
    }

    #[test]
    fn without_progress_a_refusal_uses_a_retry_only_past_the_backoff_cap() {
        // Other processes take every token: no success of the client for a while.
        let policy = quick().max_retries(1).max_backoff(ms(10));
        let t0 = Instant::now();
        let mut tries = Attempts::default();
        for at in [0, 5] {
            let next = tries.refused(&policy, t0 + ms(at), t0 + ms(at + 1), None, None);
            assert!(is_retry(&next), "{at}: {next:?}");
        }
        // Refused for 10 ms (the cap) without progress: the one retry is used ...
        assert!(is_retry(&tries.refused(
            &policy,
            t0 + ms(10),
            t0 + ms(11),
            None,
            None
        )));
        // ... then a success at 15 is progress, and nothing after it is.
        let success = Some(t0 + ms(15));
        assert!(is_retry(&tries.refused(
            &policy,
            t0 + ms(20),
            t0 + ms(21),
            None,
            success
        )));
        let next = tries.refused(&policy, t0 + ms(30), t0 + ms(31), None, success);
        assert_eq!(next, Next::GiveUp);
        assert_eq!(tries.refusals(), 5);
    }

    #[test]
    fn a_refusal_with_retry_after_uses_no_retry() {
        // Other processes on the key take every token for a while: the client has no
        // success at all, and the server says each time when to come back.
        let policy = quick().max_retries(1);
        let t0 = Instant::now();
        let mut tries = Attempts::default();
        let second = Some(Duration::from_secs(1));
        for i in 0..20 {
            let sent = t0 + Duration::from_secs(i);
            let next = tries.refused(&policy, sent, sent + ms(1), second, None);
            assert!(is_retry(&next), "{i}: {next:?}");
        }
        // Only the throttle's bounds end it (here the default five minutes).
        let late = t0 + Duration::from_secs(301);
        assert!(matches!(
            tries.refused(&policy, late, late + ms(1), second, None),
            Next::Throttled { .. }
        ));
    }

    #[test]
    fn a_success_before_the_first_send_is_no_progress() {
        let policy = quick().max_retries(0).max_backoff(Duration::ZERO);
        let t0 = Instant::now();
        let mut tries = Attempts::default();
        let earlier = Some(t0 - ms(5));
        // Retries off: a refusal is returned.
        assert_eq!(
            tries.refused(&policy, t0, t0 + ms(1), None, earlier),
            Next::GiveUp
        );
        let policy = quick().max_retries(1).max_backoff(Duration::ZERO);
        let mut tries = Attempts::default();
        assert!(is_retry(&tries.refused(
            &policy,
            t0,
            t0 + ms(1),
            None,
            earlier
        )));
        assert_eq!(
            tries.refused(&policy, t0 + ms(2), t0 + ms(3), None, earlier),
            Next::GiveUp
        );
    }

    #[test]
    fn progress_counts_from_the_first_send_whatever_failed_first() {
        let policy = quick().max_retries(1);
        let t0 = Instant::now();
        let mut tries = Attempts::default();
        let unknown = Error::Api {
            status: 500,
            body: String::new(),
            retry_after: None,
        };
        // An idempotent request's unknown outcome, retried: it uses the retry.
        assert!(is_retry(&tries.failed(&policy, &unknown, Idempotent, t0)));
        // A success at 3, after the first send: the refusal at 11 is progress.
        let success = Some(t0 + ms(3));
        assert!(is_retry(&tries.refused(
            &policy,
            t0 + ms(10),
            t0 + ms(11),
            None,
            success
        )));
    }

    #[test]
    fn the_throttle_bounds_end_the_request_saying_which() {
        let t0 = Instant::now();
        let success = |at| Some(t0 + ms(at));
        let policy = quick().max_throttled_retries(2);
        let mut tries = Attempts::default();
        for i in 0..2 {
            let next = tries.refused(
                &policy,
                t0 + ms(10 * i),
                t0 + ms(10 * i + 1),
                None,
                success(10 * i + 5),
            );
            assert!(is_retry(&next), "{next:?}");
        }
        match tries.refused(&policy, t0 + ms(20), t0 + ms(21), None, success(25)) {
            Next::Throttled {
                bound,
                refusals,
                waited,
            } => {
                assert_eq!(bound, "RetryPolicy::max_throttled_retries of 2");
                assert_eq!((refusals, waited), (3, ms(20)));
            }
            other => panic!("{other:?}"),
        }

        let policy = quick().max_throttled_time(ms(100));
        let mut tries = Attempts::default();
        assert!(is_retry(&tries.refused(
            &policy,
            t0,
            t0 + ms(1),
            None,
            None
        )));
        match tries.refused(&policy, t0 + ms(99), t0 + ms(101), None, success(50)) {
            Next::Throttled {
                bound,
                refusals,
                waited,
            } => {
                assert_eq!(bound, "RetryPolicy::max_throttled_time of 100ms");
                assert_eq!((refusals, waited), (2, ms(100)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_retry_after_past_the_backoff_cap_is_returned() {
        let policy = quick().max_backoff(Duration::from_secs(10));
        let t0 = Instant::now();
        let mut tries = Attempts::default();
        let long = Some(Duration::from_secs(11));
        assert_eq!(
            tries.refused(&policy, t0, t0 + ms(1), long, None),
            Next::GiveUp
        );
        let mut tries = Attempts::default();
        let short = Some(Duration::from_secs(10));
        assert!(is_retry(&tries.refused(
            &policy,
            t0,
            t0 + ms(1),
            short,
            None
        )));
    }

    #[test]
    fn other_failures_follow_the_policy_and_its_count() {
        let policy = quick().max_retries(2);
        let t0 = Instant::now();
        let unknown = Error::Api {
            status: 500,
            body: String::new(),
            retry_after: None,
        };
        // A create's unknown outcome is never retried; an idempotent request's is, twice.
        let mut tries = Attempts::default();
        assert_eq!(
            tries.failed(&policy, &unknown, NotIdempotent, t0),
            Next::GiveUp
        );
        let mut tries = Attempts::default();
        assert!(is_retry(&tries.failed(&policy, &unknown, Idempotent, t0)));
        assert!(is_retry(&tries.failed(
            &policy,
            &unknown,
            Idempotent,
            t0 + ms(5)
        )));
        assert_eq!(
            tries.failed(&policy, &unknown, Idempotent, t0 + ms(9)),
            Next::GiveUp
        );
        assert_eq!(tries.refusals(), 0);
        assert_eq!(tries.throttled_for(t0 + ms(9)), Duration::ZERO);
    }
}
