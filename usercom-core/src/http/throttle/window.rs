//! A recognised window (at most so many requests in any second): the quota, the requests
//! that hold its places, and when a place frees.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::pacer::{KEEP_LIMIT, MAX_RATE, MIN_RATE};

/// The window a rate is counted over.
pub(super) const WINDOW: Duration = Duration::from_secs(1);
/// How far back a recognised window's requests are counted beyond the window itself: the
/// server counts arrivals, which jitter around the send times.
const WINDOW_GUARD: Duration = Duration::from_millis(5);

/// The smallest first burst a window is recognised by: with fewer, the two requests the
/// count may be off by are too large a part of it (a client that shares a bucket with
/// others sees a few requests of its first burst, and a second of them matched it).
pub(super) const MIN_WINDOW: f64 = 20.0;

/// A request sent under a recognised window.
#[derive(Debug, Clone, Copy)]
struct WindowSend {
    id: u64,
    sent: Instant,
    answered: Option<Instant>,
}

/// The window's quota once recognised, and the last requests sent under it.
#[derive(Debug)]
pub(super) struct WindowQuota {
    /// At most this many requests in any [`WINDOW`] (plus [`WINDOW_GUARD`]).
    pub(super) quota: Option<usize>,
    /// The last `quota` requests sent.
    sends: VecDeque<WindowSend>,
    /// When the quota was last set or raised, and how long it is kept.
    kept: (Instant, Duration),
}

impl WindowQuota {
    /// No window recognised.
    pub(super) fn new(now: Instant) -> WindowQuota {
        WindowQuota {
            quota: None,
            sends: VecDeque::new(),
            kept: (now, KEEP_LIMIT),
        }
    }

    /// Recognised at `now` with `quota` requests a window: kept for a minute, or twice as
    /// long as the last quota was when one was recognised before. Returns the rate that
    /// spreads the quota evenly.
    pub(super) fn recognise(&mut self, quota: usize, now: Instant) -> f64 {
        let keep = if self.quota.is_some() {
            self.kept.1 * 2
        } else {
            KEEP_LIMIT
        };
        self.kept = (now, keep);
        self.set(quota)
    }

    /// No window after all (a token bucket).
    pub(super) fn forget(&mut self) {
        self.quota = None;
    }

    /// Holds requests to `quota` a window; the rate that spreads them evenly.
    pub(super) fn set(&mut self, quota: usize) -> f64 {
        self.quota = Some(quota);
        let per_window = WINDOW + WINDOW_GUARD;
        (quota as f64 / per_window.as_secs_f64()).clamp(MIN_RATE, MAX_RATE)
    }

    /// Request `id` goes at `now`. Once the quota has been kept long enough it is raised by
    /// one (to notice a raised limit): the new rate, then.
    pub(super) fn sent(&mut self, id: u64, now: Instant) -> Option<f64> {
        let quota = self.quota?;
        let (since, keep) = self.kept;
        let raised = now.saturating_duration_since(since) >= keep;
        let rate = raised.then(|| {
            self.kept = (now, keep);
            self.set(quota + 1)
        });
        let quota = quota + usize::from(raised);
        self.sends.push_back(WindowSend {
            id,
            sent: now,
            answered: None,
        });
        while self.sends.len() > quota {
            self.sends.pop_front();
        }
        rate
    }

    /// Request `id` was answered at `now`.
    pub(super) fn answered(&mut self, id: u64, now: Instant) {
        if let Ok(index) = self.sends.binary_search_by_key(&id, |send| send.id) {
            self.sends[index].answered = Some(now);
        }
    }

    /// The earliest a request may go after `at`: once the oldest of the last `quota`
    /// requests (and any kept before it, the quota lowered) has certainly left the server's
    /// window. `certainly_after` says from when a request reaches the server after one sent
    /// and answered when given.
    pub(super) fn free_at(
        &self,
        at: Instant,
        certainly_after: impl Fn(Instant, Option<Instant>) -> Instant,
    ) -> Instant {
        let Some(quota) = self.quota else { return at };
        let Some(oldest) = self.sends.len().checked_sub(quota) else {
            return at;
        };
        self.sends.iter().take(oldest + 1).fold(at, |at, send| {
            at.max(certainly_after(send.sent, send.answered) + WINDOW + WINDOW_GUARD)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_frees_a_window_after_its_request_certainly_arrived() {
        let now = Instant::now();
        let ms = |n| now + Duration::from_millis(n);
        let mut window = WindowQuota::new(now);
        assert_eq!(window.set(2), 2.0 / 1.005);
        for id in 0..2 {
            assert_eq!(window.sent(id, ms(10 * id)), None);
        }
        window.answered(0, ms(4));
        // Reached the server a millisecond before its answer at the latest.
        let after = |_sent: Instant, answered: Option<Instant>| {
            answered.unwrap() - Duration::from_millis(1)
        };
        assert_eq!(window.free_at(ms(20), after), ms(3 + 1005));
        // Kept a minute: then one more a window.
        assert_eq!(window.sent(2, now + KEEP_LIMIT), Some(3.0 / 1.005));
        assert_eq!(window.quota, Some(3));
    }
}
