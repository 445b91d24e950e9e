//! The pause that holds every request of a client: the server's `Retry-After`, or a short
//! one after a refusal without it, doubling while refusals go on without a success.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The pause after a refusal without `Retry-After`; it doubles while refusals go on.
pub(super) const SHORT_PAUSE: Duration = Duration::from_millis(25);
/// The most doublings of [`SHORT_PAUSE`] (25 ms × 2⁶ = 1.6 s).
const SHORT_PAUSE_DOUBLINGS: u32 = 6;
/// The longest pause kept whatever the bound (a `Retry-After` of years is held for a year).
pub(crate) const MAX_PAUSE: Duration = Duration::from_secs(365 * 24 * 3600);
/// How many ends of the latest pauses are kept: the first episode looks for the last one
/// before its refusal.
const ENDS_KEPT: usize = 8;

/// The pause, and what the client has been held back in all.
#[derive(Debug)]
pub(super) struct Pause {
    /// Until when every request is held.
    pub(super) until: Option<Instant>,
    /// What asked for the current pause: the status, and the wait it asked for.
    pub(super) asked_by: Option<(u16, Duration)>,
    /// The longest pause a `Retry-After` may cause: the retry policy's `max_throttled_time`,
    /// so that one absurd header never holds the client longer than its user allowed.
    bound: Duration,
    /// When the latest pauses ended (or will).
    ends: VecDeque<Instant>,
    /// How long the client has been held, counting the running pause to its end.
    total: Duration,
    /// Refusals without `Retry-After` in a row without a success in between.
    streak: u32,
}

impl Pause {
    /// No pause yet; a `Retry-After` holds the client for at most `bound`.
    pub(super) fn new(bound: Duration) -> Pause {
        Pause {
            until: None,
            asked_by: None,
            bound: bound.min(MAX_PAUSE),
            ends: VecDeque::new(),
            total: Duration::ZERO,
            streak: 0,
        }
    }

    /// The end of the pause running at `now`, if one is.
    pub(super) fn running(&self, now: Instant) -> Option<Instant> {
        self.until.filter(|&until| until > now)
    }

    /// How long the client has been held until `now`.
    pub(super) fn total(&self, now: Instant) -> Duration {
        let ahead = self
            .until
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        self.total.saturating_sub(ahead)
    }

    /// The end of the latest pause that ended by `at`.
    pub(super) fn last_end_by(&self, at: Instant) -> Option<Instant> {
        self.ends.iter().copied().filter(|&end| end <= at).max()
    }

    /// A success after the client reacted: the next refusal without `Retry-After` starts
    /// the short pause over.
    pub(super) fn progress(&mut self) {
        self.streak = 0;
    }

    /// The server answered `status` and asked every request to wait `asked`: held for it,
    /// up to the bound. Returns the pause's new end when it moved.
    pub(super) fn retry_after(
        &mut self,
        now: Instant,
        status: u16,
        asked: Duration,
    ) -> Option<Instant> {
        let until = self.hold(now, asked.min(self.bound))?;
        self.asked_by = Some((status, asked));
        Some(until)
    }

    /// A refusal without `Retry-After`: held for a short pause, longer at each refusal in
    /// a row. Returns the pause's new end when it moved.
    pub(super) fn short(&mut self, now: Instant) -> Option<Instant> {
        let wait = SHORT_PAUSE * 2u32.pow(self.streak.min(SHORT_PAUSE_DOUBLINGS));
        self.streak = self.streak.saturating_add(1);
        self.hold(now, wait)
    }

    /// Holds every request until `now + wait`; the new end, when it moved.
    pub(super) fn hold(&mut self, now: Instant, wait: Duration) -> Option<Instant> {
        let until = now.checked_add(wait.min(MAX_PAUSE))?;
        let from = self.until.map_or(now, |current| current.max(now));
        if until <= from {
            return None;
        }
        self.total += until - from;
        // Extending the running pause moves its end; a new pause adds one.
        if self.running(now).is_some() {
            self.ends.pop_back();
        }
        self.ends.push_back(until);
        if self.ends.len() > ENDS_KEPT {
            self.ends.pop_front();
        }
        self.until = Some(until);
        Some(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_after_is_held_up_to_the_bound_and_names_what_was_asked() {
        let now = Instant::now();
        let mut pause = Pause::new(Duration::from_secs(300));
        let asked = Duration::from_secs(1_000_000_000_000);
        let until = pause.retry_after(now, 429, asked);
        assert_eq!(until, Some(now + Duration::from_secs(300)));
        assert_eq!(pause.asked_by, Some((429, asked)));
        assert_eq!(pause.running(now), until);
        assert_eq!(
            pause.total(now + Duration::from_secs(100)),
            Duration::from_secs(100)
        );
        // A shorter wait asked meanwhile does not shorten it.
        assert_eq!(pause.retry_after(now, 503, Duration::from_secs(1)), None);
        assert_eq!(pause.asked_by, Some((429, asked)));
    }

    #[test]
    fn short_pauses_double_while_refusals_go_on_and_start_over_after_progress() {
        let now = Instant::now();
        let mut pause = Pause::new(MAX_PAUSE);
        let mut waits = Vec::new();
        for i in 0..8u64 {
            let at = now + Duration::from_secs(10 * i);
            waits.push(pause.short(at).map(|until| until - at));
        }
        let ms = |n| Some(Duration::from_millis(n));
        let expected = [25, 50, 100, 200, 400, 800, 1600, 1600].map(ms);
        assert_eq!(waits, expected);
        pause.progress();
        let at = now + Duration::from_secs(100);
        assert_eq!(pause.short(at), Some(at + SHORT_PAUSE));
        assert_eq!(pause.last_end_by(at + SHORT_PAUSE), Some(at + SHORT_PAUSE));
    }
}
