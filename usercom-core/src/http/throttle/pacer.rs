//! The pacer: the rate the client sends at once it has learned one, the slot of the next
//! request, and how the rate rises (doubling in slow start; slowly, once settled).

use std::time::{Duration, Instant};

use super::share::Cubic;

/// The share of an estimated rate the client paces at: a little under it, so that the
/// server's bucket never runs dry on the client's account.
pub(super) const PACE_SHARE_OF_ESTIMATE: f64 = 0.995;
/// How fast a settled rate rises, as a share of the estimate per second (to notice a
/// raised limit); halved at each refusal while settled.
pub(super) const RISE_PER_SECOND: f64 = 0.0001;
/// How long a learned limit is kept before the client tries for more: a bucket's rate
/// before it rises, a recognised window's quota before one request more.
pub(super) const KEEP_LIMIT: Duration = Duration::from_secs(60);
/// How long a rate learned from refusals without `Retry-After` is kept before the client
/// probes for more. Such a refusal costs a pause of milliseconds, and a client that keeps
/// a rate a minute cannot learn that clients sharing the limit have left it room (one
/// that settled at a small share, never refused again, stays there).
pub(super) const KEEP_PROBING: Duration = Duration::from_secs(10);
/// How long the rate takes to double during slow start.
const SLOW_START_DOUBLING: Duration = Duration::from_millis(500);
/// How late a paced request may be and still keep the pace (timers wake late).
const LATE_SLOT_KEPT: Duration = Duration::from_millis(25);
/// A refusal at a kept rate whose estimate is at least this share of the rate only shows
/// the estimate a little high.
const LITTLE_HIGH: f64 = 0.9;
/// The slowest and fastest paced rates, in requests per second.
pub(super) const MIN_RATE: f64 = 0.1;
pub(super) const MAX_RATE: f64 = 1e7;

/// What the pacer knows of the server's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// No rate learned: unpaced.
    Unknown,
    /// Doubling from a first estimate.
    SlowStart,
    /// Near an estimate, rising slowly.
    Avoid,
    /// Sharing the limit with other clients: on a cubic from the last refusal.
    Share,
}

/// The paced rate and the next request's slot.
#[derive(Debug)]
pub(super) struct Pacer {
    /// Requests a second; `None` while unpaced.
    pub(super) rate: Option<f64>,
    pub(super) mode: Mode,
    /// The estimate a settled rate rises from.
    pub(super) estimate: f64,
    /// How fast a settled rate rises, as a share of [`RISE_PER_SECOND`].
    pub(super) rise_share: f64,
    /// When a settled rate may start rising: [`KEEP_LIMIT`] after the last refusal.
    pub(super) rise_from: Instant,
    /// When the next paced request may go.
    pub(super) next_slot: Instant,
    /// Up to when the rate has been raised.
    last_grow: Instant,
    /// The cubic, once the client shares the limit.
    pub(super) cubic: Option<Cubic>,
    /// The highest rate the server has been known to allow the client.
    pub(super) ceiling: f64,
    /// Refusals in a row while a settled rate was kept.
    kept_refusals: u32,
    /// How a settled rate rises after [`KEEP_PROBING`], when refusals cost little.
    probe: Option<Cubic>,
}

impl Pacer {
    /// Unpaced, from `now`.
    pub(super) fn new(now: Instant) -> Pacer {
        Pacer {
            rate: None,
            mode: Mode::Unknown,
            estimate: 0.0,
            rise_share: 1.0,
            rise_from: now,
            next_slot: now,
            last_grow: now,
            cubic: None,
            ceiling: 0.0,
            kept_refusals: 0,
            probe: None,
        }
    }

    /// The earliest a paced request may go.
    pub(super) fn free_at(&self, now: Instant) -> Instant {
        match self.rate {
            Some(_) => now.max(self.next_slot),
            None => now,
        }
    }

    /// A request goes at `now`. When it waited for its slot, the rate has grown since the
    /// last one (or since the end of `paused_until`); a request that went at once is not
    /// evidence that the rate could be higher. `held` keeps a window's rate as it is.
    pub(super) fn take(
        &mut self,
        now: Instant,
        waited: bool,
        paused_until: Option<Instant>,
        held: bool,
    ) {
        if waited {
            let from = self.last_grow.max(paused_until.unwrap_or(self.last_grow));
            self.grow(from, now, held);
        }
        self.last_grow = now;
        if let Some(rate) = self.rate {
            // Timers wake late (by up to a millisecond): a slot missed by a little is caught
            // up, one missed by more is not saved up for a burst.
            let from = if now.saturating_duration_since(self.next_slot) <= LATE_SLOT_KEPT {
                self.next_slot
            } else {
                now
            };
            self.next_slot = from + Duration::from_secs_f64(1.0 / rate);
        }
    }

    /// Raises the rate for paced sending from `from` to `now`.
    fn grow(&mut self, from: Instant, now: Instant, held: bool) {
        let Some(rate) = self.rate else { return };
        let seconds = |from: Instant| now.saturating_duration_since(from).as_secs_f64();
        let grown = match self.mode {
            Mode::SlowStart => rate * 2f64.powf(seconds(from) / SLOW_START_DOUBLING.as_secs_f64()),
            Mode::Avoid if held => rate,
            Mode::Avoid => match self.probe {
                Some(probe) => probe.rate_at(now),
                None => {
                    let rising = seconds(from.max(self.rise_from));
                    rate + self.rise_share * RISE_PER_SECOND * self.estimate * rising
                }
            },
            Mode::Share => self.cubic.map_or(rate, |cubic| cubic.rate_at(now)),
            Mode::Unknown => rate,
        };
        self.rate = Some(grown.clamp(MIN_RATE, MAX_RATE));
    }

    /// Requests resume at the pace from the end of a pause: the slots it held are not caught
    /// up in a burst.
    pub(super) fn resume_at(&mut self, until: Instant) {
        self.next_slot = self.next_slot.max(until);
    }

    /// Slow start from `rate`, measured at the first episode.
    pub(super) fn start_slowly(&mut self, rate: f64) {
        self.rate = Some(rate.clamp(MIN_RATE, MAX_RATE));
        self.mode = Mode::SlowStart;
    }

    /// Settled at a limit of `estimate` requests a second: paced a little under it, kept for
    /// [`KEEP_LIMIT`] from `now` before it rises slowly; or, when refusals cost little
    /// (`probe`: no `Retry-After`), for [`KEEP_PROBING`] before it probes for more.
    pub(super) fn settle(&mut self, estimate: f64, now: Instant, probe: bool) {
        self.estimate = estimate;
        self.ceiling = self.ceiling.max(estimate);
        let rate = (PACE_SHARE_OF_ESTIMATE * estimate).max(MIN_RATE);
        self.rate = Some(rate);
        self.rise_from = now + if probe { KEEP_PROBING } else { KEEP_LIMIT };
        self.probe = probe.then(|| Cubic::probe(self.rise_from, rate, self.ceiling));
        self.mode = Mode::Avoid;
    }

    /// Whether the settled rate was probing for more at `now`.
    pub(super) fn probing(&self, now: Instant) -> bool {
        self.mode == Mode::Avoid && self.probe.is_some() && now >= self.rise_from
    }

    /// Refused at `now` while sharing the limit: the rate cut, and a new cubic from
    /// `from` (the end of the server's pause, if one runs).
    pub(super) fn share(&mut self, from: Instant) {
        let Some(rate) = self.rate else { return };
        self.ceiling = self.ceiling.max(rate);
        let (cubic, cut) = Cubic::cut(from, rate, self.cubic.as_ref(), self.ceiling);
        self.cubic = Some(cubic);
        self.probe = None;
        self.rate = Some(cut.clamp(MIN_RATE, MAX_RATE));
        self.mode = Mode::Share;
    }

    /// Whether a refusal at `now` shows another client taking part of the limit, the
    /// refusal estimating the server's rate at `estimate`: the client shares it already, or
    /// was refused while it kept a settled rate, unless that refusal only shows its estimate
    /// a little high (by under a tenth, the first time in a row: it is lowered as for a
    /// client alone; behind nginx's delaying queue, arrivals jitter into such refusals).
    pub(super) fn refusal_shows_sharing(&mut self, now: Instant, estimate: f64) -> bool {
        if self.mode == Mode::Share {
            return true;
        }
        if self.mode != Mode::Avoid || now >= self.rise_from {
            self.kept_refusals = 0;
            return false;
        }
        self.kept_refusals += 1;
        let a_little_high = self.rate.is_some_and(|rate| estimate >= LITTLE_HIGH * rate);
        self.kept_refusals >= 2 || !a_little_high
    }

    /// Settled at exactly `rate`, under a recognised window of `estimate` a second.
    pub(super) fn hold_at(&mut self, rate: f64, estimate: f64) {
        self.rate = Some(rate.clamp(MIN_RATE, MAX_RATE));
        self.estimate = estimate;
        self.probe = None;
        self.mode = Mode::Avoid;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_start_doubles_the_rate_every_half_second_of_waiting() {
        let now = Instant::now();
        let mut pacer = Pacer::new(now);
        pacer.start_slowly(100.0);
        pacer.take(now, false, None, false);
        assert_eq!(pacer.next_slot, now + Duration::from_millis(10));
        let later = now + Duration::from_millis(500);
        pacer.take(later, true, None, false);
        assert!((pacer.rate.unwrap() - 200.0).abs() < 1e-9);
        // A slot missed by more than a timer's lateness is not saved up for a burst.
        assert_eq!(pacer.next_slot, later + Duration::from_millis(5));
    }

    #[test]
    fn a_settled_rate_rises_only_after_the_limit_was_kept() {
        let now = Instant::now();
        let mut pacer = Pacer::new(now);
        pacer.settle(100.0, now, false);
        assert_eq!(pacer.rate, Some(99.5));
        pacer.take(now + KEEP_LIMIT, true, None, false);
        assert_eq!(pacer.rate, Some(99.5));
        pacer.take(
            now + KEEP_LIMIT + Duration::from_secs(10),
            true,
            None,
            false,
        );
        let risen = 99.5 + RISE_PER_SECOND * 100.0 * 10.0;
        assert!((pacer.rate.unwrap() - risen).abs() < 1e-9);
    }
}
