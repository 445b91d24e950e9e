//! The throttle every request of a client goes through: the server's `Retry-After` held for
//! all of them, a request rate learned from the server's refusals, and the user's own
//! limit.
//!
//! # How the rate is learned
//!
//! A client starts unpaced, with at most 16 requests in flight until the server has
//! answered 64 (so that a limit's first burst reaches the server on connections already
//! open, in about the order sent). Each throttling answer (`429`, `503`) is part of an
//! *episode*: the refusals of requests sent before the client reacted to the last one
//! belong to it, so 32 requests refused at once teach one lesson, not 32 (without
//! `Retry-After` the client reacts when it judges the episode, and an unpaced client sends
//! on until then). An episode is judged once every request sent before its refusal arrived
//! has been answered:
//!
//! - If most of the requests sent while the refusal was on its way back (at least 3) went
//!   through, the refusal was isolated (a flaky proxy, another process spending the quota
//!   for a moment): nothing is learned. Only the requests sent at most a round trip (the
//!   shortest the client has seen) before the refusal arrived count: they certainly
//!   reached the server after the refused one. One slow to arrive (a connection being
//!   made) arrives after requests sent well after it, and those that took the bucket's
//!   last tokens first do not make its refusal isolated. Unpaced, a burst of refusals
//!   among the last 16 requests sent before it arrived is a limit all the same (those sent
//!   later may have reached the server first).
//!   During slow start (below) a refusal is isolated only when none of those requests was
//!   refused: slow start overshoots the server's rate by up to twice, so a bucket that has
//!   just run dry still takes about half of them.
//! - The first episode measures the burst the server allows (`B`, the successes of the
//!   requests sent before the refusal arrived) and starts pacing at `4B` per second (`B`
//!   over the first episode's length, if that was longer than a quarter of a second), then
//!   doubles the rate every 500 ms while requests go through ("slow start"): the next
//!   refusal comes within a second or so, and tells a window from a token bucket and finds
//!   the bucket's rate. That refusal measures a bucket's rate by how long the bucket took to
//!   run dry once the pace passed the rate, and the slower the pace rises through it, the
//!   longer that is: a doubling every 500 ms gives about a third of a second at a bucket
//!   that holds a tenth of a second of its rate (every 250 ms, a quarter), and estimates
//!   about twice as close; starting at `4B` rather than `2B` pays for the slower rise.
//! - Every later episode estimates the server's rate from what it took. When the requests
//!   taken among those sent in the second before the refused one equal `B` (counted by when
//!   they were sent, as a window counts arrivals, not by when their answers came), the
//!   limit is a window of `B` a second: the client then sends at most `B − 1` requests in
//!   any 1.005 s (the server counts arrivals, which jitter), evenly paced, and a request
//!   takes the place of the one `B − 1` before it only once that one has certainly left
//!   the server's window (a window after its answer came, less the shortest round trip: one
//!   delayed on its way would otherwise arrive bunched with those sent after it). It tries
//!   one more after a minute without refusal (two minutes after the next refusal, and so
//!   on) to notice a raised limit. Otherwise it is a token bucket of `B` tokens, empty at the
//!   previous refusal, and the rate is the one that empties it when the server refused
//!   though it held a token for every request it took before (the middle of the rates that
//!   do, solved by bisection over the admitted requests' send times). The burst and the
//!   rate are solved for together: the first episode's successes include what the bucket
//!   refilled while its requests went, so `B` is a bucket that, refilled at the rate, takes
//!   as many of them (in the order sent) as the server took: a whole number where one does
//!   (bursts are set in requests). Requests sent before the server first answered count as
//!   sent halfway between their sending and that answer: their connections were still being
//!   made. The client then paces at 99.5% of the rate, keeps it for a minute after the
//!   refusal (a rate 0.5% too fast empties a bucket of 20 at 200/s in 20 s, and only a
//!   refusal shows it; creeping meanwhile would bring that refusal on sooner), and then
//!   creeps up by 0.01% of it a second (to notice a raised limit; half as fast after each
//!   refusal at a settled rate), so that the next refusal is minutes away rather than one a
//!   second. A refusal at a settled rate never raises it, and lowers it to the estimate
//!   only when it shows the rate too fast: one the rate still explains, should the bucket
//!   have run dry a request later than the last refusal says (arrivals jitter, and requests
//!   in flight reach the server in any order), shows little (a few requests after the last
//!   refusal do not measure a rate), and slows the client by 0.5% only.
//!
//! A `Retry-After` holds every request of the client until it has passed (the server sees
//! nothing from the client meanwhile); a refusal without one holds them for 25 ms, doubling
//! while refusals go on without a success. Paced requests resume at the pace from the
//! pause's end (the slots it held are not caught up in a burst). Requests wait in order
//! (first come, first sent).

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::Clock;
use tokio::time::Instant;

/// The window a rate is counted over.
const WINDOW: Duration = Duration::from_secs(1);
/// The share of an estimated rate the client paces at.
const BETA: f64 = 0.995;
/// How fast the paced rate creeps up, as a share of the estimate per second (halved at each
/// refusal while settled).
const ALPHA: f64 = 0.0001;
/// How far back a recognised window's requests are counted beyond the window itself: the
/// server counts arrivals, which jitter around the send times.
const WINDOW_GUARD: Duration = Duration::from_millis(5);
/// How long a learned limit is kept before the client tries for more, to notice a raised
/// limit: a recognised window's quota before one request more (doubled at each refusal), a
/// bucket's rate before it creeps up (after each refusal).
const KEEP_LIMIT: Duration = Duration::from_secs(60);
/// How long the rate takes to double during slow start.
const DOUBLING: Duration = Duration::from_millis(500);
/// The shortest time the first episode's burst is taken to have lasted: slow start begins
/// at the burst over it (`4B` a second at the most).
const FIRST_SPAN: Duration = Duration::from_millis(250);
/// The pause after a refusal without `Retry-After`; it doubles while refusals go on.
const SHORT_PAUSE: Duration = Duration::from_millis(25);
/// The most doublings of [`SHORT_PAUSE`] (25 ms × 2⁶ = 1.6 s).
const SHORT_PAUSE_DOUBLINGS: u32 = 6;
/// How many requests a new client has in flight at most until the server has answered
/// [`INITIAL_ANSWERS`] of them: a limit's first burst then arrives on connections already
/// open, in about the order sent, and the burst is counted from the send times. (Cold
/// connections made all at once reach a busy server in no particular order, spread over
/// milliseconds, and blur the count by a token or two.)
const INITIAL_WINDOW: usize = 16;
/// How many answers end the initial window.
const INITIAL_ANSWERS: u64 = 4 * INITIAL_WINDOW as u64;
/// How many of the last requests sent show whether an unpaced client hit a limit.
const UNPACED_COHORT: usize = 16;
/// Successes needed before a first refusal teaches a rate.
const MIN_EVIDENCE: u64 = 4;
/// How long an episode waits for the answers it is judged on.
const SETTLE_MAX: Duration = Duration::from_secs(2);
/// How many send records are kept at most.
const MAX_RECORDS: usize = 1 << 16;
/// How old a send record may get while no episode needs it.
const RECORD_HORIZON: Duration = Duration::from_secs(10);
/// How late a paced request may be and still keep the pace (timers wake late).
const CATCH_UP: Duration = Duration::from_millis(25);
/// The slowest and fastest paced rates, in requests per second.
const MIN_RATE: f64 = 0.1;
const MAX_RATE: f64 = 1e7;
/// The longest pause kept (a `Retry-After` of years is held for a year).
const MAX_PAUSE: Duration = Duration::from_secs(365 * 24 * 3600);

/// What the client's shared throttle has seen and learned: see
/// [`Client::throttle_stats`](crate::Client::throttle_stats).
///
/// ```
/// let client = usercom_core::Client::new("my-app", &"k".repeat(64))?;
/// let stats = client.throttle_stats();
/// assert_eq!(stats.learned_rate, None, "a new client is not paced");
/// assert_eq!(stats.throttled_answers, 0);
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct ThrottleStats {
    /// The rate, in requests per second, at which the client paces its requests, learned
    /// from the server's refusals; `None` while it is not paced (no refusal yet, or too few
    /// successes to learn from). A limit set with
    /// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit) applies besides.
    pub learned_rate: Option<f64>,
    /// The throttling answers (`429`, `503`) the client has received.
    pub throttled_answers: u64,
    /// How long, in total, the client has held all its requests back on the server's word
    /// (`Retry-After`, or the short pause after a refusal without it).
    pub paused: Duration,
}

/// Why a request was not let through.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The call's time bound would pass before the request could be sent.
    Deadline,
    /// The server asked every request to wait longer than the retry policy's `max_backoff`.
    TooLong {
        /// The status of the answer that asked.
        status: u16,
        /// Its body.
        body: String,
        /// The wait it asked for (`Retry-After`), which may be longer than the pause.
        asked: Duration,
        /// How much of the wait is left.
        remaining: Duration,
    },
}

/// The throttle shared by every clone of a client.
pub(crate) struct Throttle {
    state: Mutex<State>,
    /// Requests that cannot go at once wait here, in order; the one holding it waits for
    /// its slot.
    queue: tokio::sync::Mutex<()>,
    /// Told of every answer, for a request waiting for the initial window.
    answered: tokio::sync::Notify,
    /// The user's own limit.
    limiter: Option<UserLimit>,
}

type UserLimit = governor::RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    TokioClock,
    governor::middleware::NoOpMiddleware<std::time::Instant>,
>;

/// Tokio's clock, so that the user's limit follows `tokio::time::pause` like every other
/// wait of the client.
#[derive(Debug, Clone, Copy, Default)]
struct TokioClock;

impl Clock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> std::time::Instant {
        Instant::now().into_std()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No rate learned: unpaced.
    Unknown,
    /// Doubling from a first estimate.
    SlowStart,
    /// Near an estimate, creeping up.
    Avoid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pending,
    /// Answered, not a throttling refusal: the server took it.
    Taken,
    Refused,
    /// Never answered (abandoned, timed out, connection failed).
    Gone,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    at: Instant,
    outcome: Outcome,
}

/// A request sent under a recognised window.
#[derive(Debug, Clone, Copy)]
struct WindowSend {
    id: u64,
    sent: Instant,
    answered: Option<Instant>,
}

/// A refusal being judged.
#[derive(Debug, Clone, Copy)]
struct Episode {
    /// The refused request.
    id: u64,
    /// When it was sent.
    sent: Instant,
    /// When its refusal arrived.
    received: Instant,
    /// Whether it carried `Retry-After`.
    retry_after: bool,
}

struct State {
    rate: Option<f64>,
    mode: Mode,
    /// The estimate the rate creeps up from.
    ceiling: f64,
    /// The burst measured at the first episode.
    burst: f64,
    /// How fast the rate creeps up, as a share of [`ALPHA`].
    creep: f64,
    /// When the rate may start creeping up: [`KEEP_LIMIT`] after the last refusal.
    creep_from: Instant,
    /// A recognised window: at most this many requests in any [`WINDOW`] (plus
    /// [`WINDOW_GUARD`]).
    window_quota: Option<usize>,
    /// The last `window_quota` requests sent.
    window_sends: VecDeque<WindowSend>,
    /// When the window's quota was last set or raised, and how long it is kept.
    window_kept: (Instant, Duration),
    next_slot: Instant,
    pause_until: Option<Instant>,
    /// What asked for the current pause: status, body, and the wait it asked for.
    paused_by: Option<(u16, String, Duration)>,
    /// The longest pause a `Retry-After` may cause: the retry policy's
    /// `max_throttled_time`, so that one absurd header never holds the client longer than
    /// its user allowed.
    max_pause: Duration,
    last_grow: Instant,
    /// When the client last reacted to a refusal; refusals of requests sent before belong
    /// to that episode.
    last_reaction: Option<Instant>,
    /// Whether a request sent after the last reaction went through.
    progress_since_reaction: bool,
    /// Refusals without `Retry-After` in a row without a success in between.
    streak: u32,
    pending: Option<Episode>,
    records: VecDeque<Record>,
    /// The id of `records[0]`.
    first_id: u64,
    /// Requests taken whose records were dropped.
    dropped_taken: u64,
    /// Whether a record at or after `last_refused` has been dropped.
    dropped_since_refusal: bool,
    /// Send times of taken requests, answered over the last two windows.
    successes: VecDeque<Instant>,
    last_success: Option<Instant>,
    first_send: Option<Instant>,
    /// When the server first answered.
    first_answer: Option<Instant>,
    /// The shortest round trip of a request answered (taken or refused).
    min_round_trip: Option<Duration>,
    first_episode: Option<Instant>,
    /// The first episode's cycle: successes, and how long from its start to the refusal.
    first_cycle: (f64, Duration),
    /// The send times of the requests answered in the first episode (taken or refused).
    first_batch: Vec<Instant>,
    /// When the latest pauses ended (or will).
    pause_ends: VecDeque<Instant>,
    /// When the latest refused request was sent (the bucket was empty then).
    last_refused: Option<Instant>,
    /// Requests waiting in the queue.
    waiters: usize,
    /// Requests sent and not yet answered (nor abandoned).
    in_flight: usize,
    /// Requests answered (taken or refused).
    answers: u64,
    throttled_answers: u64,
    paused_total: Duration,
}

impl Throttle {
    /// A throttle, with the user's limit of `per_second` requests, evenly spaced, if given;
    /// a server's `Retry-After` holds every request for at most `max_pause`.
    pub(crate) fn new(per_second: Option<NonZeroU32>, max_pause: Duration) -> Throttle {
        let now = Instant::now();
        let limiter = per_second.map(|n| {
            // Timers wake up to a millisecond late; a burst of 5 ms worth of requests (at
            // least 2) lets a late request's successor make up for it, so that the pace
            // holds without exceeding the limit over any longer span.
            let burst = (n.get() / 200).max(2);
            let quota = governor::Quota::per_second(n)
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
            governor::RateLimiter::direct_with_clock(quota, TokioClock)
        });
        Throttle {
            state: Mutex::new(State {
                rate: None,
                mode: Mode::Unknown,
                ceiling: 0.0,
                burst: 0.0,
                creep: 1.0,
                creep_from: now,
                window_quota: None,
                window_sends: VecDeque::new(),
                window_kept: (now, KEEP_LIMIT),
                next_slot: now,
                pause_until: None,
                paused_by: None,
                max_pause: max_pause.min(MAX_PAUSE),
                last_grow: now,
                last_reaction: None,
                progress_since_reaction: false,
                streak: 0,
                pending: None,
                records: VecDeque::new(),
                first_id: 0,
                dropped_taken: 0,
                dropped_since_refusal: false,
                successes: VecDeque::new(),
                last_success: None,
                first_send: None,
                first_answer: None,
                min_round_trip: None,
                first_episode: None,
                first_cycle: (0.0, Duration::ZERO),
                first_batch: Vec::new(),
                pause_ends: VecDeque::new(),
                last_refused: None,
                waiters: 0,
                in_flight: 0,
                answers: 0,
                throttled_answers: 0,
                paused_total: Duration::ZERO,
            }),
            queue: tokio::sync::Mutex::new(()),
            answered: tokio::sync::Notify::new(),
            limiter,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is plain numbers; a panic elsewhere cannot leave it unusable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the throttle has seen and learned.
    pub(crate) fn stats(&self) -> ThrottleStats {
        let state = self.lock();
        let now = Instant::now();
        // The pause running now counts up to now.
        let ahead = state
            .pause_until
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        ThrottleStats {
            learned_rate: state.rate,
            throttled_answers: state.throttled_answers,
            paused: state.paused_total.saturating_sub(ahead),
        }
    }

    /// When a successful answer last arrived.
    pub(crate) fn last_success(&self) -> Option<Instant> {
        self.lock().last_success
    }

    /// Waits until a request may be sent, in order with the others; `Err` when it may not
    /// be sent before `deadline`, or when the server asked every request to wait longer
    /// than `max_wait`.
    pub(crate) async fn acquire(
        self: &Arc<Self>,
        deadline: Option<Instant>,
        max_wait: Duration,
    ) -> Result<Ticket, Refused> {
        {
            let mut state = self.lock();
            let now = Instant::now();
            if state.waiters == 0
                && state.free_at(now) <= now
                && !state.initial_window_full()
                && self.user_limit_allows()
            {
                return Ok(self.take(&mut state, now, false));
            }
            state.waiters += 1;
        }
        let _waiting = Waiting(self);
        let _turn = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, self.queue.lock())
                .await
                .map_err(|_| Refused::Deadline)?,
            None => self.queue.lock().await,
        };
        let mut waited_for_slot = false;
        loop {
            let now = Instant::now();
            let (at, paused, answered) = {
                let state = self.lock();
                let paused = state.pause_until.filter(|&until| until > now);
                if let Some(until) = paused {
                    let remaining = until - now;
                    if remaining > max_wait {
                        let (status, body, asked) = state.paused_by.clone().unwrap_or_default();
                        return Err(Refused::TooLong {
                            status,
                            body,
                            asked,
                            remaining,
                        });
                    }
                }
                // Registered before the lock is let go: an answer meanwhile is not missed.
                let answered = state
                    .initial_window_full()
                    .then(|| self.answered.notified());
                (state.free_at(now), paused.is_some(), answered)
            };
            if at > now {
                if deadline.is_some_and(|deadline| at > deadline) {
                    return Err(Refused::Deadline);
                }
                waited_for_slot |= !paused;
                tokio::time::sleep_until(at).await;
                continue;
            }
            if let Some(answered) = answered {
                match deadline {
                    Some(deadline) => tokio::time::timeout_at(deadline, answered)
                        .await
                        .map_err(|_| Refused::Deadline)?,
                    None => answered.await,
                }
                continue;
            }
            if let Some(limiter) = &self.limiter {
                if let Err(not_until) = limiter.check() {
                    let wait = not_until.wait_time_from(TokioClock.now());
                    if deadline.is_some_and(|deadline| now + wait > deadline) {
                        return Err(Refused::Deadline);
                    }
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            let mut state = self.lock();
            return Ok(self.take(&mut state, now, waited_for_slot));
        }
    }

    fn user_limit_allows(&self) -> bool {
        self.limiter
            .as_ref()
            .is_none_or(|limiter| limiter.check().is_ok())
    }

    /// Takes the slot at `now` for a request about to be sent.
    fn take(self: &Arc<Self>, state: &mut State, now: Instant, waited: bool) -> Ticket {
        if waited {
            let from = state
                .last_grow
                .max(state.pause_until.unwrap_or(state.last_grow));
            state.grow(from, now);
        }
        state.last_grow = now;
        if let Some(rate) = state.rate {
            // Timers wake late (by up to a millisecond): a slot missed by a little is caught
            // up, one missed by more is not saved up for a burst.
            let from = if now.saturating_duration_since(state.next_slot) <= CATCH_UP {
                state.next_slot
            } else {
                now
            };
            state.next_slot = from + Duration::from_secs_f64(1.0 / rate);
        }
        if let Some(quota) = state.window_quota {
            let (since, keep) = state.window_kept;
            let quota = if now.saturating_duration_since(since) >= keep {
                state.window_kept = (now, keep);
                state.set_window_quota(quota + 1);
                quota + 1
            } else {
                quota
            };
            let id = state.first_id + state.records.len() as u64;
            state.window_sends.push_back(WindowSend {
                id,
                sent: now,
                answered: None,
            });
            while state.window_sends.len() > quota {
                state.window_sends.pop_front();
            }
        }
        state.first_send.get_or_insert(now);
        state.in_flight += 1;
        state.trim(now);
        let id = state.first_id + state.records.len() as u64;
        state.records.push_back(Record {
            at: now,
            outcome: Outcome::Pending,
        });
        Ticket {
            throttle: self.clone(),
            id,
            sent_at: now,
            done: false,
        }
    }

    fn finish(&self, id: u64, outcome: Outcome, refusal: Option<Refusal>) {
        let mut state = self.lock();
        let now = Instant::now();
        let sent_at = match state.record(id) {
            Some(record) => {
                record.outcome = outcome;
                Some(record.at)
            }
            None => None,
        };
        state.in_flight = state.in_flight.saturating_sub(1);
        if matches!(outcome, Outcome::Taken | Outcome::Refused) {
            if let Ok(index) = state.window_sends.binary_search_by_key(&id, |send| send.id) {
                state.window_sends[index].answered = Some(now);
            }
            state.answers += 1;
            state.first_answer.get_or_insert(now);
            if let Some(sent) = sent_at {
                let round_trip = now.saturating_duration_since(sent);
                state.min_round_trip = Some(
                    state
                        .min_round_trip
                        .map_or(round_trip, |least| least.min(round_trip)),
                );
            }
        }
        match outcome {
            Outcome::Taken => state.taken(now, sent_at),
            Outcome::Refused => {
                if let Some(refusal) = refusal {
                    state.refused(now, id, sent_at, refusal);
                }
            }
            Outcome::Gone | Outcome::Pending => {}
        }
        state.settle(now);
        // Answers only count up: past the initial window nobody waits for one.
        let window = state.answers <= INITIAL_ANSWERS;
        drop(state);
        if window {
            self.answered.notify_one();
        }
    }
}

/// Counts a request as waiting until dropped.
struct Waiting<'a>(&'a Throttle);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.waiters = state.waiters.saturating_sub(1);
    }
}

/// What a throttling answer said.
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) retry_after: Option<Duration>,
}

/// A request let through the throttle: report its answer with [`Ticket::taken`] or
/// [`Ticket::refused`]; dropped without either, it counts as never answered.
pub(crate) struct Ticket {
    throttle: Arc<Throttle>,
    id: u64,
    sent_at: Instant,
    done: bool,
}

impl Ticket {
    /// When the request was let through.
    pub(crate) fn sent_at(&self) -> Instant {
        self.sent_at
    }

    /// The server answered, and not with a throttling refusal.
    pub(crate) fn taken(mut self) {
        self.done = true;
        self.throttle.finish(self.id, Outcome::Taken, None);
    }

    /// The server refused the request (`429`, `503`).
    pub(crate) fn refused(mut self, refusal: Refusal) {
        self.done = true;
        self.throttle
            .finish(self.id, Outcome::Refused, Some(refusal));
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.done {
            self.throttle.finish(self.id, Outcome::Gone, None);
        }
    }
}

impl State {
    /// Whether a new client has as many requests in flight as it may before the server has
    /// answered enough of them (see [`INITIAL_WINDOW`]).
    fn initial_window_full(&self) -> bool {
        self.mode == Mode::Unknown
            && self.answers < INITIAL_ANSWERS
            && self.in_flight >= INITIAL_WINDOW
    }

    /// The earliest time a request may go.
    fn free_at(&self, now: Instant) -> Instant {
        let mut at = now;
        if let Some(until) = self.pause_until {
            at = at.max(until);
        }
        if self.rate.is_some() {
            at = at.max(self.next_slot);
        }
        if let Some(quota) = self.window_quota {
            // The oldest of the last `quota` requests (and any kept before it, the quota
            // lowered) must have certainly left the server's window.
            if let Some(oldest) = self.window_sends.len().checked_sub(quota) {
                for send in self.window_sends.iter().take(oldest + 1) {
                    let after = self.certainly_after(send.sent, send.answered);
                    at = at.max(after + WINDOW + WINDOW_GUARD);
                }
            }
        }
        at
    }

    /// From when a request sent certainly reaches the server after one sent at `sent` and
    /// answered at `answered`: the answer less the shortest round trip (that one reached
    /// the server at least half a round trip before its answer came, a request sent reaches
    /// it at least half one later), and never before `sent`. Not yet answered, it is taken
    /// to have arrived when sent.
    fn certainly_after(&self, sent: Instant, answered: Option<Instant>) -> Instant {
        answered
            .zip(self.min_round_trip)
            .and_then(|(answered, least)| answered.checked_sub(least))
            .map_or(sent, |at| at.max(sent))
    }

    fn record(&mut self, id: u64) -> Option<&mut Record> {
        let index = id.checked_sub(self.first_id)?;
        self.records.get_mut(usize::try_from(index).ok()?)
    }

    /// Raises the rate for paced sending from `from` to `now`.
    fn grow(&mut self, from: Instant, now: Instant) {
        let Some(rate) = self.rate else { return };
        let seconds = |from: Instant| now.saturating_duration_since(from).as_secs_f64();
        let grown = match self.mode {
            Mode::SlowStart => rate * 2f64.powf(seconds(from) / DOUBLING.as_secs_f64()),
            Mode::Avoid if self.window_quota.is_some() => rate,
            Mode::Avoid => {
                rate + self.creep * ALPHA * self.ceiling * seconds(from.max(self.creep_from))
            }
            Mode::Unknown => rate,
        };
        self.rate = Some(grown.clamp(MIN_RATE, MAX_RATE));
    }

    /// Holds every request until `until`.
    fn pause(&mut self, now: Instant, wait: Duration, by: Option<(u16, String, Duration)>) {
        let until = now + wait.min(MAX_PAUSE);
        let from = self.pause_until.map_or(now, |current| current.max(now));
        if until > from {
            self.paused_total += until - from;
            // Extending the running pause moves its end; a new pause adds one.
            if self.pause_until.is_some_and(|current| current > now) {
                self.pause_ends.pop_back();
            }
            self.pause_ends.push_back(until);
            if self.pause_ends.len() > 8 {
                self.pause_ends.pop_front();
            }
            self.pause_until = Some(until);
            // Pacing resumes from the pause's end: the slots it held are not caught up in
            // a burst.
            self.next_slot = self.next_slot.max(until);
            if by.is_some() {
                self.paused_by = by;
            }
        }
    }

    fn taken(&mut self, now: Instant, sent_at: Option<Instant>) {
        // A window counts arrivals: when they were sent, not when their answers came (those
        // in flight when a request is refused were counted before it).
        self.successes.push_back(sent_at.unwrap_or(now));
        while self
            .successes
            .front()
            .is_some_and(|&at| now.saturating_duration_since(at) > 2 * WINDOW)
        {
            self.successes.pop_front();
        }
        self.last_success = Some(now);
        let after_reaction = match (sent_at, self.last_reaction) {
            (Some(sent), Some(reaction)) => sent >= reaction,
            _ => true,
        };
        if after_reaction {
            self.progress_since_reaction = true;
            self.streak = 0;
        }
    }

    fn refused(&mut self, now: Instant, id: u64, sent_at: Option<Instant>, refusal: Refusal) {
        self.throttled_answers += 1;
        if let Some(wait) = refusal.retry_after {
            let by = (refusal.status, refusal.body, wait);
            self.pause(now, wait.min(self.max_pause), Some(by));
        }
        let Some(sent) = sent_at else { return };
        let new_episode = self.last_reaction.is_none_or(|reaction| sent >= reaction);
        if !new_episode || self.pending.is_some() {
            return;
        }
        self.last_reaction = Some(now);
        if self.progress_since_reaction || self.mode == Mode::Unknown {
            self.progress_since_reaction = false;
            self.pending = Some(Episode {
                id,
                sent,
                received: now,
                retry_after: refusal.retry_after.is_some(),
            });
        } else if refusal.retry_after.is_none() {
            // Refused again without a success in between: hold everything, longer each time.
            self.short_pause(now);
        }
    }

    fn short_pause(&mut self, now: Instant) {
        let wait = SHORT_PAUSE * 2u32.pow(self.streak.min(SHORT_PAUSE_DOUBLINGS));
        self.streak = self.streak.saturating_add(1);
        self.pause(now, wait, None);
    }

    /// Judges the pending episode once the requests sent before its refusal arrived have
    /// been answered (or [`SETTLE_MAX`] has passed).
    fn settle(&mut self, now: Instant) {
        let Some(episode) = self.pending else { return };
        let unanswered = self
            .records
            .iter()
            .take_while(|record| record.at < episode.received)
            .any(|record| record.outcome == Outcome::Pending);
        if unanswered && now.saturating_duration_since(episode.received) < SETTLE_MAX {
            return;
        }
        self.pending = None;
        // The requests sent while the refusal was on its way back, and (unpaced) the last
        // requests sent before it arrived (those in flight together).
        let before_answer = self
            .records
            .iter()
            .take_while(|r| r.at < episode.received)
            .count();
        // Requests sent after the refused one may reach the server before it (its
        // connection still being made): only those sent at most the shortest round trip
        // before its refusal came back certainly arrived after it.
        let certainly_after = self.certainly_after(episode.sent, Some(episode.received));
        let after_refused = self
            .records
            .iter()
            .enumerate()
            .skip(
                usize::try_from(episode.id.saturating_sub(self.first_id).saturating_add(1))
                    .unwrap_or(usize::MAX),
            )
            .find(|(_, record)| record.at >= certainly_after)
            .map_or(before_answer, |(index, _)| index);
        let count = |from: usize| {
            let (mut refused, mut cohort) = (0usize, 0usize);
            for record in self.records.iter().take(before_answer).skip(from) {
                match record.outcome {
                    Outcome::Refused => {
                        refused += 1;
                        cohort += 1;
                    }
                    Outcome::Taken => cohort += 1,
                    Outcome::Pending | Outcome::Gone => {}
                }
            }
            (refused, cohort)
        };
        let (refused, cohort) = count(after_refused);
        // A refusal is isolated (a flaky proxy, another process spending the quota for a
        // moment) when requests sent after it, before it came back, mostly went through.
        let isolated = match self.mode {
            // Unpaced, a limit shows as a burst of refusals among the requests in flight
            // together, even where those sent after the refused one went through (they
            // may have reached the server first).
            Mode::Unknown => {
                let (last_refused, last) = count(before_answer.saturating_sub(UNPACED_COHORT));
                cohort >= 3
                    && 2 * refused < cohort
                    && !(last >= MIN_EVIDENCE as usize && 2 * last_refused >= last)
            }
            // During slow start the rate is raised until the server refuses, up to twice
            // what it allows: a bucket that has just run dry then still takes about half
            // the requests sent right after, so there only a refusal among successes alone
            // is isolated.
            Mode::SlowStart => cohort >= 3 && refused == 0,
            Mode::Avoid => cohort >= 3 && 2 * refused < cohort,
        };
        if isolated {
            self.progress_since_reaction = true;
            return;
        }
        // The client reacts now: refusals of requests sent until now (an unpaced client
        // went on sending while the episode was judged) belong to this episode.
        self.last_reaction = Some(now);
        if !episode.retry_after {
            self.short_pause(now);
        }
        match self.mode {
            Mode::Unknown => {
                // The successes since sending last resumed: the burst the server allows,
                // plus what it refilled meanwhile.
                let resumed = self
                    .pause_ends
                    .iter()
                    .copied()
                    .filter(|&end| end <= episode.sent)
                    .max();
                let start = resumed.or(self.first_send).unwrap_or(episode.sent);
                let batch: Vec<(Instant, bool)> = self
                    .records
                    .iter()
                    .filter(|r| r.at >= start && r.at < episode.received)
                    .filter_map(|r| match r.outcome {
                        Outcome::Taken => Some((r.at, true)),
                        Outcome::Refused => Some((r.at, false)),
                        Outcome::Pending | Outcome::Gone => None,
                    })
                    .collect();
                let taken = batch.iter().filter(|(_, taken)| *taken).count() as u64
                    + if resumed.is_none() {
                        self.dropped_taken
                    } else {
                        0
                    };
                if taken >= MIN_EVIDENCE {
                    let cycle = episode.sent.saturating_duration_since(start);
                    self.first_cycle = (taken as f64, cycle);
                    // Without dropped records, the burst is fitted to the send times; those
                    // sent before the server first answered went on connections still
                    // being made, and are taken to arrive halfway between their sending
                    // and that answer.
                    let connected = match resumed {
                        Some(_) => None,
                        None => self.first_answer,
                    };
                    self.first_batch = if resumed.is_none() && self.dropped_taken > 0 {
                        Vec::new()
                    } else {
                        batch
                            .into_iter()
                            .map(|(at, _)| match connected {
                                Some(first) if at < first => at + (first - at) / 2,
                                _ => at,
                            })
                            .collect()
                    };
                    let span = cycle.max(FIRST_SPAN);
                    self.burst = taken as f64;
                    self.rate = Some((taken as f64 / span.as_secs_f64()).clamp(MIN_RATE, MAX_RATE));
                    self.mode = Mode::SlowStart;
                    self.first_episode = Some(episode.sent);
                }
            }
            Mode::SlowStart | Mode::Avoid => {
                if self.mode == Mode::Avoid {
                    // Refused at a settled rate: creep more slowly from now on.
                    self.creep /= 2.0;
                }
                if self.is_window(episode) {
                    let quota = self.burst.floor() as usize;
                    let keep = if self.window_quota.is_some() {
                        self.window_kept.1 * 2
                    } else {
                        KEEP_LIMIT
                    };
                    self.window_kept = (now, keep);
                    // One request under the quota: the server counts arrivals.
                    self.set_window_quota(quota.saturating_sub(1).max(1));
                    self.ceiling = self.burst / WINDOW.as_secs_f64();
                    self.mode = Mode::Avoid;
                    return self.forget_before(episode);
                }
                self.window_quota = None;
                let (estimate, slack) = self.estimate(episode);
                let estimate = match (self.mode, self.rate) {
                    // A refusal at a settled rate that rate still explains, should the
                    // bucket have run dry a request later than the last refusal says, shows
                    // little (it came soon after that refusal, or among requests that reached
                    // the server out of order): the client only slows by `1 − BETA`.
                    (Mode::Avoid, Some(rate)) if slack.is_some_and(|slack| slack >= rate) => rate,
                    // A refusal never raises a settled rate.
                    (Mode::Avoid, Some(rate)) => estimate.min(rate),
                    _ => estimate,
                }
                .clamp(MIN_RATE, MAX_RATE);
                self.ceiling = estimate;
                self.rate = Some((BETA * estimate).max(MIN_RATE));
                self.creep_from = now + KEEP_LIMIT;
                self.mode = Mode::Avoid;
            }
        }
        self.forget_before(episode);
    }

    /// Paces at `quota` requests a window, and holds them to it.
    fn set_window_quota(&mut self, quota: usize) {
        self.window_quota = Some(quota);
        let per_window = WINDOW + WINDOW_GUARD;
        self.rate = Some((quota as f64 / per_window.as_secs_f64()).clamp(MIN_RATE, MAX_RATE));
    }

    /// The requests taken among those sent in the window (1 s) up to the refused request of
    /// `episode`.
    fn successes_in_window(&self, episode: Episode) -> f64 {
        let window_start = episode.sent.checked_sub(WINDOW);
        self.successes
            .iter()
            .filter(|&&at| window_start.is_none_or(|start| at >= start) && at <= episode.sent)
            .count() as f64
    }

    /// Whether the refusal of `episode` came when the successes of the last window equalled
    /// the first burst: a window of that many requests.
    fn is_window(&self, episode: Episode) -> bool {
        let in_window = self.successes_in_window(episode);
        self.first_episode
            .is_some_and(|first| episode.sent.saturating_duration_since(first) >= WINDOW)
            && (in_window - self.burst).abs() <= (0.02 * self.burst).max(2.0)
    }

    /// Records what the refusal of `episode` leaves to learn from.
    fn forget_before(&mut self, episode: Episode) {
        self.last_refused = self
            .records
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .map(|r| r.at)
            .max()
            .or(Some(episode.sent));
        self.dropped_since_refusal = false;
        // Records before the refusal are no longer needed.
        while self
            .records
            .front()
            .is_some_and(|r| r.at < episode.sent && r.outcome != Outcome::Pending)
        {
            self.drop_front();
        }
    }

    /// The server's rate, estimated at an episode after the first; and the largest rate that
    /// explains its refusal should the bucket have run dry a request later than the
    /// previous refusal says (arrivals jitter, and requests in flight reach the server in
    /// any order).
    fn estimate(&self, episode: Episode) -> (f64, Option<f64>) {
        let in_window = self.successes_in_window(episode);
        let (start, full) = match self.last_refused {
            Some(at) if !self.dropped_since_refusal => (at, false),
            // The bucket was refilled long ago, or its history is gone: full then.
            _ => (self.records.front().map_or(episode.sent, |r| r.at), true),
        };
        let taken: Vec<Instant> = self
            .records
            .iter()
            .filter(|r| r.outcome == Outcome::Taken && r.at > start && r.at < episode.sent)
            .map(|r| r.at)
            .collect();
        // The first cycle's successes were the burst plus what the bucket refilled while it
        // lasted: the burst and the rate are solved for together.
        let (first_taken, first_cycle) = self.first_cycle;
        let mut burst = self.burst;
        let evidence = |burst: f64, slack: f64| BucketEvidence {
            taken: &taken,
            start,
            end: episode.sent,
            burst,
            initial: (if full { burst } else { 0.0 }) - slack,
        };
        let mut rate = None;
        for _ in 0..4 {
            rate = evidence(burst, 0.0).rate();
            let Some(rate) = rate else { break };
            burst = if self.first_batch.is_empty() {
                (first_taken - rate * first_cycle.as_secs_f64()).max(1.0)
            } else {
                first_burst(&self.first_batch, first_taken, rate)
            };
        }
        // A request's slack: the bucket ran dry a request later than the last refusal says.
        let slack = evidence(burst, 1.0).ceiling();
        (rate.unwrap_or(in_window / WINDOW.as_secs_f64()), slack)
    }

    fn drop_front(&mut self) {
        if let Some(record) = self.records.pop_front() {
            self.first_id += 1;
            if record.outcome == Outcome::Taken {
                self.dropped_taken += 1;
            }
            if self.last_refused.is_some_and(|at| record.at >= at) {
                self.dropped_since_refusal = true;
            }
        }
    }

    /// Drops records no episode can need.
    fn trim(&mut self, now: Instant) {
        while self.records.len() >= MAX_RECORDS {
            self.drop_front();
        }
        if self.pending.is_none() {
            while self.records.front().is_some_and(|r| {
                r.outcome != Outcome::Pending
                    && now.saturating_duration_since(r.at) > RECORD_HORIZON
            }) {
                self.drop_front();
            }
        }
    }
}

/// The burst with which a token bucket refilled at `rate`, full at the first of `sent` (send
/// times, sorted), takes `taken` of them: a whole number of requests where one fits (bursts
/// are configured in requests), else the middle of the bursts that would.
fn first_burst(sent: &[Instant], taken: f64, rate: f64) -> f64 {
    let takes = |burst: f64| {
        let (mut level, mut count) = (burst, 0.0);
        let mut previous = sent.first().copied();
        for &at in sent {
            if let Some(previous) = previous {
                level = (level + rate * (at - previous).as_secs_f64()).min(burst);
            }
            previous = Some(at);
            if level >= 1.0 {
                level -= 1.0;
                count += 1.0;
            }
        }
        count
    };
    // The smallest burst that takes at least `count` of them (to a hair), if one up to
    // `most` does.
    let smallest = |count: f64, most: f64| -> Option<f64> {
        if takes(most) < count {
            None
        } else if takes(1.0) >= count {
            Some(1.0)
        } else {
            Some(bisect(1.0, most, |burst| takes(burst) < count))
        }
    };
    let taken = taken.max(1.0);
    let Some(low) = smallest(taken, taken) else {
        return taken;
    };
    // Bursts from `low` up to (not including) `high` take exactly `taken`.
    // The bisection ends a hair below a whole number it converges to.
    let whole = (low - 1e-6).ceil().max(1.0);
    let Some(high) = smallest(taken + 1.0, taken + 1.0) else {
        return whole;
    };
    if whole < high {
        whole
    } else {
        (low + high) / 2.0
    }
}

/// What the requests between two refusals show of a token bucket of `burst` tokens holding
/// `initial` at `start` (less than none: it runs dry later): it held a token for each request
/// taken at `taken` (sorted, after `start`), and less than one at `end`, when it refused.
#[derive(Debug, Clone, Copy)]
struct BucketEvidence<'a> {
    taken: &'a [Instant],
    start: Instant,
    end: Instant,
    burst: f64,
    initial: f64,
}

impl BucketEvidence<'_> {
    /// The rate that explains the evidence: the middle of the rates that would; the largest
    /// that holds less than one token at `end` if none would (arrivals jitter around the send
    /// times); `None` when no rate explains the refusal at `end`.
    fn rate(&self) -> Option<f64> {
        let highest = self.ceiling()?;
        if self.taken.is_empty() {
            return Some(highest);
        }
        // The smallest rate that gave every taken request its token.
        let lowest = bisect(0.0, highest, |rate| self.levels(rate).1 < 1.0);
        // Unbounded below (no taken request needed a refill): the largest.
        Some(if lowest > 0.0 && lowest < highest {
            (lowest + highest) / 2.0
        } else {
            highest
        })
    }

    /// The largest rate at which the bucket holds less than one token at `end`; `None` when no
    /// rate explains the refusal there.
    fn ceiling(&self) -> Option<f64> {
        if self.levels(0.0).0 >= 1.0 {
            return None;
        }
        let highest = bisect(0.0, MAX_RATE, |rate| self.levels(rate).0 < 1.0);
        (highest > 0.0).then_some(highest)
    }

    /// The bucket refilled at `rate`: its level at `end`, and the lowest level any taken
    /// request found.
    fn levels(&self, rate: f64) -> (f64, f64) {
        let mut level = self.initial;
        let mut lowest = f64::INFINITY;
        let mut previous = self.start;
        for &at in self.taken {
            level = (level + rate * (at - previous).as_secs_f64()).min(self.burst);
            lowest = lowest.min(level);
            level -= 1.0;
            previous = at;
        }
        let end = (level + rate * (self.end - previous).as_secs_f64()).min(self.burst);
        (end, lowest)
    }
}

/// The boundary, between `low` and `high`, below which `below` holds (it must hold at `low`
/// and, once it stops, hold no more).
fn bisect(low: f64, high: f64, below: impl Fn(f64) -> bool) -> f64 {
    let (mut low, mut high) = (low, high);
    for _ in 0..64 {
        let middle = (low + high) / 2.0;
        if below(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server's limit, for the simulation.
    enum Server {
        Bucket {
            rate: f64,
            burst: f64,
            tokens: f64,
            last: Instant,
        },
        Window {
            n: usize,
            taken: VecDeque<Instant>,
        },
    }

    impl Server {
        fn admit(&mut self, now: Instant) -> bool {
            match self {
                Server::Bucket {
                    rate,
                    burst,
                    tokens,
                    last,
                } => {
                    *tokens = (*tokens + *rate * (now - *last).as_secs_f64()).min(*burst);
                    *last = now;
                    if *tokens >= 1.0 {
                        *tokens -= 1.0;
                        true
                    } else {
                        false
                    }
                }
                Server::Window { n, taken } => {
                    while taken.front().is_some_and(|&at| now - at >= WINDOW) {
                        taken.pop_front();
                    }
                    if taken.len() < *n {
                        taken.push_back(now);
                        true
                    } else {
                        false
                    }
                }
            }
        }
    }

    /// `rows` requests through the throttle by `concurrency` tasks against `server`, each on
    /// its way for 0.5 ms to the server and 0.5 ms back (virtual time), or, with a `jitter`
    /// seed, for 0.1 – 1.1 ms each way, drawn for every request: requests then reach the
    /// server out of order. Returns the seconds taken and what the throttle saw.
    async fn simulate(
        server: Server,
        retry_after: Option<Duration>,
        rows: usize,
        concurrency: usize,
        jitter: Option<u64>,
    ) -> (f64, ThrottleStats) {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let server = Arc::new(Mutex::new(server));
        let next = Arc::new(Mutex::new(0usize));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for task in 0..concurrency {
            let (throttle, server, next) = (throttle.clone(), server.clone(), next.clone());
            // xorshift64, seeded apart for every task (never zero).
            let mut state = jitter.map(|seed| {
                ((seed << 16) | task as u64)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .wrapping_add(1)
            });
            let mut way = move || match &mut state {
                None => Duration::from_micros(500),
                Some(x) => {
                    *x ^= *x << 13;
                    *x ^= *x >> 7;
                    *x ^= *x << 17;
                    Duration::from_micros(100 + *x % 1000)
                }
            };
            tasks.push(tokio::spawn(async move {
                loop {
                    {
                        let mut next = next.lock().unwrap();
                        if *next == rows {
                            return;
                        }
                        *next += 1;
                    }
                    loop {
                        let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
                        tokio::time::sleep(way()).await;
                        let ok = server.lock().unwrap().admit(Instant::now());
                        tokio::time::sleep(way()).await;
                        if ok {
                            ticket.taken();
                            break;
                        }
                        ticket.refused(Refusal {
                            status: 429,
                            body: String::new(),
                            retry_after,
                        });
                        if retry_after.is_none() {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        (started.elapsed().as_secs_f64(), throttle.stats())
    }

    fn bucket(rate: f64, burst: f64) -> Server {
        Server::Bucket {
            rate,
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }

    // Virtual time, no jitter: each run is deterministic. The goals are loose on purpose;
    // the benchmark measures the real client against the real embedded server.
    #[tokio::test(start_paused = true)]
    async fn the_rate_of_a_token_bucket_is_learned_with_few_refusals() {
        for retry_after in [Some(Duration::from_secs(1)), None] {
            let (seconds, stats) =
                simulate(bucket(200.0, 20.0), retry_after, 10_000, 32, None).await;
            let (refusals, rate) = (stats.throttled_answers, stats.learned_rate.unwrap());
            assert!((180.0..=210.0).contains(&rate), "{retry_after:?}: {rate}");
            let pace = 10_000.0 / seconds;
            assert!(pace > 0.9 * 200.0, "{retry_after:?}: {pace}/s");
            assert!(refusals < 200, "{retry_after:?}: {refusals}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_bucket_with_retry_after_is_learned_in_two_refusals_under_jitter() {
        // The benchmark's goal, 95% of a bucket's rate over 10,000 creates, where each
        // refusal holds the client for a second: two (the burst, then the rate) and pacing
        // just under the rate leave about 0.5% to spare; a third (the rate learned a little
        // high, or crept up, or a first refusal taken for an isolated one) costs 2%.
        for (concurrency, seed) in [(32, 1), (32, 2), (64, 3), (64, 4)] {
            let (seconds, stats) = simulate(
                bucket(200.0, 20.0),
                Some(Duration::from_secs(1)),
                10_000,
                concurrency,
                Some(seed),
            )
            .await;
            // Two pauses of a second (the refusals of requests in flight with the refused
            // one extend a pause by the milliseconds between their answers), not three.
            let two_pauses = Duration::from_secs(2)..Duration::from_millis(2_100);
            assert!(two_pauses.contains(&stats.paused), "seed {seed}: {stats:?}");
            let pace = 10_000.0 / seconds / 200.0;
            assert!(pace >= 0.95, "seed {seed}: {pace}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn slow_start_rises_through_a_buckets_rate_slowly_enough_to_measure_it() {
        // The second refusal measures a bucket's rate by how long it took to run dry once the
        // pace passed the rate: one request more or less taken meanwhile (arrivals jitter)
        // moves the estimate by a request over that time. Pacing within 95% of the rate
        // over an import leaves the estimate about ±0.7% (below, the pace is lost; above, a
        // third refusal comes within the import). Doubling every 250 ms from `2B` a second,
        // these estimates were 0.38% off on average, and up to 1.08%.
        let mut errors = Vec::new();
        let rates = [
            190.0, 192.3, 193.0, 194.9, 196.2, 197.3, 198.7, 200.0, 201.6, 203.7, 205.4, 208.1,
        ];
        for (i, rate) in rates.into_iter().enumerate() {
            for seed in 1..=2 {
                let (_, stats) = simulate(
                    bucket(rate, 20.0),
                    Some(Duration::from_secs(1)),
                    1_000,
                    32 * seed as usize,
                    Some(10 * i as u64 + seed),
                )
                .await;
                // The burst, then the rate: two pauses of a second.
                assert_eq!(stats.paused.as_secs(), 2, "{rate}/s: {stats:?}");
                let estimate = stats.learned_rate.unwrap() / BETA;
                errors.push((estimate / rate - 1.0).abs());
            }
        }
        let worst = errors.iter().copied().fold(0.0, f64::max);
        let mean = errors.iter().sum::<f64>() / errors.len() as f64;
        assert!(worst < 0.006, "the worst is {:.2}% off", 100.0 * worst);
        assert!(mean < 0.0025, "on average {:.2}% off", 100.0 * mean);
    }

    #[tokio::test(start_paused = true)]
    async fn the_rate_of_a_sliding_window_is_learned() {
        let window = Server::Window {
            n: 200,
            taken: VecDeque::new(),
        };
        let (seconds, stats) =
            simulate(window, Some(Duration::from_secs(1)), 10_000, 32, None).await;
        let (refusals, rate) = (stats.throttled_answers, stats.learned_rate);
        // Held one request under the window's 200, counted over 1.005 s.
        assert_eq!(rate, Some(199.0 / 1.005));
        assert!(10_000.0 / seconds > 0.95 * 200.0, "{seconds}");
        // The first burst's refusals (32 in flight), then a refusal at the end of slow
        // start, and none once the window is recognised.
        assert!(refusals <= 2 * 32, "{refusals}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_is_recognised_while_answers_are_in_flight() {
        // A first episode showed a burst of 200; slow start has run for over a second.
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let started = Instant::now();
        {
            let mut state = throttle.lock();
            state.mode = Mode::SlowStart;
            state.burst = 200.0;
            state.first_cycle = (200.0, Duration::ZERO);
            state.first_episode = Some(started);
        }
        let ms = |n: u64| started + Duration::from_millis(n);
        // 200 requests, one every 5 ms from 300 ms on, each answered 30 ms after it went;
        // then the 201st, sent at 1,300 ms, refused at once: the window of 200 is full. Five
        // taken requests are still in flight when the refusal comes back.
        let mut in_flight: VecDeque<Ticket> = VecDeque::new();
        let answer_until = |in_flight: &mut VecDeque<Ticket>, now: Instant| {
            while in_flight
                .front()
                .is_some_and(|t| t.sent_at() + Duration::from_millis(30) <= now)
            {
                in_flight.pop_front().unwrap().taken();
            }
        };
        for i in 0..200 {
            tokio::time::sleep_until(ms(300 + 5 * i)).await;
            answer_until(&mut in_flight, Instant::now());
            let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            assert_eq!(ticket.sent_at(), ms(300 + 5 * i));
            in_flight.push_back(ticket);
        }
        tokio::time::sleep_until(ms(1300)).await;
        answer_until(&mut in_flight, Instant::now());
        throttle
            .acquire(None, MAX_PAUSE)
            .await
            .unwrap()
            .refused(refusal());
        assert_eq!(in_flight.len(), 5);
        tokio::time::sleep_until(ms(1330)).await;
        answer_until(&mut in_flight, Instant::now());
        // Counted by when they were sent, the window held 200 (by when their answers came,
        // 195: a token bucket, whose rate the fit would have put far too low).
        let state = throttle.lock();
        assert_eq!(state.window_quota, Some(199));
        assert_eq!(state.rate, Some(199.0 / 1.005));
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_slot_frees_once_its_request_certainly_left_the_servers_window() {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let started = Instant::now();
        let at = |ms: u64| started + Duration::from_millis(ms);
        {
            let mut state = throttle.lock();
            state.mode = Mode::Avoid;
            // Three requests in any 1.005 s: one every 335 ms.
            state.set_window_quota(3);
        }
        let send = || async { throttle.acquire(None, MAX_PAUSE).await.unwrap() };
        // Sent at the pace (or once a place frees), and answered: the first after a
        // millisecond (the shortest round trip), the second after 31 ms (it reached the
        // server 30 ms late at most, and its place frees that much later). The fourth takes
        // the first's place on time; the fifth waits for the second's.
        for (sent, answered) in [(0, 1), (335, 366), (670, 671), (1005, 1006)] {
            let ticket = send().await;
            assert_eq!(ticket.sent_at(), at(sent));
            tokio::time::sleep_until(at(answered)).await;
            ticket.taken();
        }
        assert_eq!(send().await.sent_at(), at(365 + 1005));
    }

    /// A new throttle, and `n` requests let through it at once.
    async fn sent_at_once(n: usize) -> (Arc<Throttle>, Vec<Ticket>) {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let mut tickets = Vec::new();
        for _ in 0..n {
            tickets.push(throttle.acquire(None, MAX_PAUSE).await.unwrap());
        }
        (throttle, tickets)
    }

    #[tokio::test(start_paused = true)]
    async fn isolated_refusals_teach_no_rate() {
        let (throttle, tickets) = sent_at_once(10).await;
        let mut tickets = tickets.into_iter();
        tickets.next().unwrap().refused(refusal());
        for ticket in tickets {
            ticket.taken();
        }
        let stats = throttle.stats();
        assert_eq!(stats.learned_rate, None);
        assert_eq!(stats.throttled_answers, 1);
    }

    fn refusal() -> Refusal {
        Refusal {
            status: 429,
            body: String::new(),
            retry_after: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_client_has_at_most_16_requests_in_flight_until_64_answers() {
        let (throttle, mut tickets) = sent_at_once(INITIAL_WINDOW).await;
        // The 17th waits (virtual time runs on while it does) until an answer comes.
        let waiting = tokio::spawn({
            let throttle = throttle.clone();
            async move { throttle.acquire(None, MAX_PAUSE).await.unwrap().taken() }
        });
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert!(!waiting.is_finished());
        tickets.pop().unwrap().taken();
        waiting.await.unwrap();
        assert_eq!(throttle.lock().answers, 2);
        // Full again; a deadline before the next answer: refused when it passes.
        tickets.push(throttle.acquire(None, MAX_PAUSE).await.unwrap());
        let deadline = Instant::now() + Duration::from_secs(1);
        assert!(matches!(
            throttle.acquire(Some(deadline), MAX_PAUSE).await,
            Err(Refused::Deadline)
        ));
        assert_eq!(Instant::now(), deadline);
        // 64 answers end the window.
        for ticket in tickets.drain(..) {
            ticket.taken();
        }
        assert_eq!(throttle.lock().answers, 2 + INITIAL_WINDOW as u64);
        while throttle.lock().answers < INITIAL_ANSWERS {
            throttle.acquire(None, MAX_PAUSE).await.unwrap().taken();
        }
        let many: Vec<Ticket> =
            futures_util::future::join_all((0..100).map(|_| throttle.acquire(None, MAX_PAUSE)))
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect();
        assert_eq!(throttle.lock().in_flight, 100);
        drop(many);
        assert_eq!(throttle.lock().in_flight, 0);
    }

    /// A new throttle that let 16 requests through at once, answered a millisecond later:
    /// the first 12 taken, the other four still to be answered.
    async fn sixteen_sent_and_twelve_taken() -> (Arc<Throttle>, std::vec::IntoIter<Ticket>) {
        let (throttle, tickets) = sent_at_once(16).await;
        tokio::time::sleep(Duration::from_millis(1)).await;
        let mut tickets = tickets.into_iter();
        for ticket in tickets.by_ref().take(12) {
            ticket.taken();
        }
        (throttle, tickets)
    }

    #[tokio::test(start_paused = true)]
    async fn an_unpaced_refusal_followed_by_refusals_teaches_a_rate() {
        let (throttle, mut tickets) = sixteen_sent_and_twelve_taken().await;
        // The 13th refused, and two of the three sent after it: the last 16 requests hold
        // only 3 refusals (no burst), but those sent after the refused one were mostly
        // refused too: not an isolated refusal.
        for _ in 0..3 {
            tickets.next().unwrap().refused(refusal());
        }
        tickets.next().unwrap().taken();
        // 13 taken, all at one instant: the burst over the shortest span counted, 0.25 s.
        assert_eq!(throttle.stats().learned_rate, Some(52.0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_slow_to_arrive_is_judged_by_the_requests_sent_after_it_arrived() {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let started = Instant::now();
        let at = |ms: u64| started + Duration::from_millis(ms);
        let send = |ms: u64| {
            let throttle = throttle.clone();
            async move {
                tokio::time::sleep_until(at(ms)).await;
                let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
                assert_eq!(ticket.sent_at(), at(ms));
                ticket
            }
        };
        // Four sent at once and taken a millisecond later: the shortest round trip.
        let mut first = Vec::new();
        for _ in 0..4 {
            first.push(send(0).await);
        }
        tokio::time::sleep_until(at(1)).await;
        first.into_iter().for_each(Ticket::taken);
        // One sent at 10 ms on a connection still being made: its refusal comes back at
        // 40 ms. The eight sent from 26 ms, each taken a millisecond later, reached the
        // server before it and took its last tokens; the two sent at 39 ms, after it, are
        // refused.
        let slow = send(10).await;
        for ms in 26..34 {
            let ticket = send(ms).await;
            tokio::time::sleep_until(at(ms + 1)).await;
            ticket.taken();
        }
        let last = [send(39).await, send(39).await];
        tokio::time::sleep_until(at(40)).await;
        slow.refused(refusal());
        tokio::time::sleep_until(at(41)).await;
        for ticket in last {
            ticket.refused(refusal());
        }
        // A limit, not an isolated refusal: judged by when the refused request arrived
        // halfway to its answer (25 ms), the eight taken after it, with two refused, made
        // it look like one. 12 taken in a burst, over the shortest span counted (0.25 s).
        let state = throttle.lock();
        assert_eq!(state.min_round_trip, Some(Duration::from_millis(1)));
        assert_eq!(state.mode, Mode::SlowStart);
        assert_eq!(state.rate, Some(48.0));
    }

    #[tokio::test(start_paused = true)]
    async fn refusals_of_requests_sent_while_an_episode_is_judged_belong_to_it() {
        let (throttle, mut tickets) = sixteen_sent_and_twelve_taken().await;
        // The 13th is refused (no `Retry-After`); the episode is judged once the three
        // sent with it are answered. Meanwhile the unpaced client sends four more.
        tickets.next().unwrap().refused(refusal());
        let mut more = Vec::new();
        for _ in 0..4 {
            more.push(throttle.acquire(None, MAX_PAUSE).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
        for ticket in tickets {
            ticket.refused(refusal());
        }
        // Judged: 12 taken at one instant, over the shortest span counted (0.25 s).
        assert_eq!(throttle.lock().mode, Mode::SlowStart);
        assert_eq!(throttle.stats().learned_rate, Some(48.0));
        // Of the four sent before the client reacted, one takes a refilled token and three
        // are refused: the same episode, not a second one judged on a span of a
        // millisecond (which made a rate of thousands).
        tokio::time::sleep(Duration::from_millis(1)).await;
        let mut more = more.into_iter();
        more.next().unwrap().taken();
        for ticket in more {
            ticket.refused(refusal());
        }
        let state = throttle.lock();
        assert_eq!(state.mode, Mode::SlowStart);
        assert_eq!(state.rate, Some(48.0));
        assert!(state.pending.is_none(), "no episode left to judge");
        assert_eq!(state.throttled_answers, 7);
    }

    #[tokio::test(start_paused = true)]
    async fn pacing_resumes_from_the_end_of_a_pause_without_a_burst() {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        {
            let mut state = throttle.lock();
            state.mode = Mode::Avoid;
            state.rate = Some(100.0);
            state.ceiling = 100.0;
            state.creep = 0.0;
        }
        let started = Instant::now();
        throttle.acquire(None, MAX_PAUSE).await.unwrap().taken();
        // Refused without `Retry-After` while paced at 100/s: held for 25 ms.
        throttle.lock().pause(started, SHORT_PAUSE, None);
        let mut sent = Vec::new();
        for _ in 0..3 {
            let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            sent.push(ticket.sent_at() - started);
            ticket.taken();
        }
        // One every 10 ms from the pause's end; the slots the pause held (at 10 and 20 ms)
        // are not caught up at once when it ends.
        let ms = Duration::from_millis;
        assert_eq!(sent, [ms(25), ms(35), ms(45)]);
    }

    /// A client settled at 50/s (a bucket of 10, empty at the last refusal) whose requests
    /// sent `taken_ms` after that refusal are taken and the one sent `refused_ms` after it
    /// refused: the rate it then paces at.
    async fn settled_at_50_then(taken_ms: &[u64], refused_ms: u64) -> Option<f64> {
        settled_at_50_and(taken_ms, refused_ms).await.lock().rate
    }

    /// The client of [`settled_at_50_then`], after the refusal.
    async fn settled_at_50_and(taken_ms: &[u64], refused_ms: u64) -> Arc<Throttle> {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let last_refusal = Instant::now();
        {
            let mut state = throttle.lock();
            state.mode = Mode::Avoid;
            state.rate = Some(50.0);
            state.ceiling = 50.0;
            state.creep = 0.0;
            state.burst = 10.0;
            state.first_cycle = (10.0, Duration::ZERO);
            state.last_refused = Some(last_refusal);
        }
        let at = |ms| last_refusal + Duration::from_millis(ms);
        for &ms in taken_ms {
            tokio::time::sleep_until(at(ms)).await;
            let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            assert_eq!(ticket.sent_at(), at(ms));
            ticket.taken();
        }
        tokio::time::sleep_until(at(refused_ms)).await;
        let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
        assert_eq!(ticket.sent_at(), at(refused_ms));
        ticket.refused(refusal());
        assert_eq!(throttle.lock().mode, Mode::Avoid);
        throttle
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_soon_after_the_last_one_slows_a_settled_rate_only_a_little() {
        // Taken at 30 and 60 ms, refused at 70 ms: taken alone, that says 33.3 – 42.9/s
        // (a token at 30 and at 60 ms, less than one at 70). But had the bucket run dry a
        // request later than the last refusal says, 50/s would explain it as well: the
        // client slows by 0.5%, not to 38/s.
        assert_eq!(settled_at_50_then(&[30, 60], 70).await, Some(BETA * 50.0));
        // Ten taken, every 30 ms, and refused at 320 ms: 33.3 – 34.4/s, and at most 37.5/s
        // with a request's slack. That is evidence: the client paces at the middle.
        let taken: Vec<u64> = (1..=10).map(|i| 30 * i).collect();
        let rate = settled_at_50_then(&taken, 320).await.unwrap();
        let middle = (1.0 / 0.03 + 11.0 / 0.32) / 2.0;
        assert!((rate - BETA * middle).abs() < 1e-6, "{rate} vs {middle}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_learned_rate_is_kept_a_minute_before_it_creeps_up() {
        // Ten taken, every 30 ms, and refused at 320 ms: a rate learned from evidence.
        let taken: Vec<u64> = (1..=10).map(|i| 30 * i).collect();
        let throttle = settled_at_50_and(&taken, 320).await;
        let refused_at = Instant::now();
        let (learned, ceiling) = {
            let mut state = throttle.lock();
            // The helper's client does not creep; this one creeps at the full pace.
            state.creep = 1.0;
            (state.rate.unwrap(), state.ceiling)
        };
        // Paced for a minute after the refusal: the rate stays as learned. A rate 0.5% too
        // fast would empty a bucket of 10 in under a minute, and only a refusal shows it; a
        // rate creeping up meanwhile would bring that refusal on sooner.
        let mut last = refused_at;
        while last + Duration::from_millis(100) < refused_at + KEEP_LIMIT {
            let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            last = ticket.sent_at();
            ticket.taken();
        }
        assert_eq!(throttle.lock().rate, Some(learned));
        // Then it creeps up by 0.01% of the estimate a second.
        while last < refused_at + KEEP_LIMIT + Duration::from_secs(10) {
            let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            last = ticket.sent_at();
            ticket.taken();
        }
        let creeping = (last - (refused_at + KEEP_LIMIT)).as_secs_f64();
        let expected = learned + ALPHA * ceiling * creeping;
        let rate = throttle.lock().rate.unwrap();
        assert!((rate - expected).abs() < 1e-9, "{rate} vs {expected}");
        assert!(rate > learned + 0.99 * ALPHA * ceiling * 10.0, "{rate}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_requests_count_as_sent_halfway_to_the_first_answer() {
        let started = Instant::now();
        let (throttle, first) = sent_at_once(16).await;
        // The first answers come 4 ms later, while 8 more go; of those, 4 are refused.
        tokio::time::sleep(Duration::from_millis(4)).await;
        for ticket in first {
            ticket.taken();
        }
        let mut more = Vec::new();
        for _ in 0..8 {
            more.push(throttle.acquire(None, MAX_PAUSE).await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
        let mut more = more.into_iter();
        for ticket in more.by_ref().take(4) {
            ticket.taken();
        }
        for ticket in more {
            ticket.refused(refusal());
        }
        let state = throttle.lock();
        assert_eq!(state.mode, Mode::SlowStart);
        let ms = |n| started + Duration::from_millis(n);
        let expected: Vec<Instant> = [vec![ms(2); 16], vec![ms(4); 8]].concat();
        assert_eq!(state.first_batch, expected);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_every_request() {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let first = throttle.acquire(None, MAX_PAUSE).await.unwrap();
        let started = Instant::now();
        first.refused(Refusal {
            status: 429,
            body: String::new(),
            retry_after: Some(Duration::from_secs(3)),
        });
        let next = throttle.acquire(None, MAX_PAUSE).await.unwrap();
        assert_eq!(next.sent_at() - started, Duration::from_secs(3));
        assert_eq!(throttle.stats().paused, Duration::from_secs(3));
        // Longer than the caller may wait: refused at once, with what the server said.
        let first = throttle.acquire(None, MAX_PAUSE).await.unwrap();
        first.refused(Refusal {
            status: 429,
            body: "slow down".into(),
            retry_after: Some(Duration::from_secs(60)),
        });
        match throttle.acquire(None, Duration::from_secs(10)).await {
            Err(Refused::TooLong {
                status, remaining, ..
            }) => assert_eq!((status, remaining), (429, Duration::from_secs(60))),
            other => panic!("{:?}", other.map(|t| t.sent_at())),
        }
        // A deadline before the end of the pause: refused at once.
        let deadline = Instant::now() + Duration::from_secs(5);
        assert!(matches!(
            throttle.acquire(Some(deadline), MAX_PAUSE).await,
            Err(Refused::Deadline)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn an_absurd_retry_after_holds_requests_for_the_bound_only() {
        let bound = Duration::from_secs(300);
        for asked in [Duration::from_secs(1_000_000_000_000), Duration::MAX] {
            let throttle = Arc::new(Throttle::new(None, bound));
            let started = Instant::now();
            let first = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            first.refused(Refusal {
                status: 429,
                body: String::new(),
                retry_after: Some(asked),
            });
            // Refused for what the server asked, with what is left of the bound.
            match throttle.acquire(None, Duration::from_secs(10)).await {
                Err(Refused::TooLong {
                    asked: said,
                    remaining,
                    ..
                }) => assert_eq!((said, remaining), (asked, bound)),
                other => panic!("{:?}", other.map(|t| t.sent_at())),
            }
            // Waited out, the client sends again: the pause ended at the bound.
            let next = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            assert_eq!(next.sent_at() - started, bound);
            assert_eq!(throttle.stats().paused, bound);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_user_limit_spaces_requests() {
        let throttle = Arc::new(Throttle::new(NonZeroU32::new(4), MAX_PAUSE));
        let started = Instant::now();
        let mut times = Vec::new();
        for _ in 0..6 {
            let ticket = throttle.acquire(None, MAX_PAUSE).await.unwrap();
            times.push(ticket.sent_at() - started);
            ticket.taken();
        }
        // Two at once (the burst that makes up for late timers), then one every 250 ms.
        assert_eq!(
            times,
            [0, 0, 250, 500, 750, 1000].map(Duration::from_millis)
        );
    }

    #[test]
    fn the_bucket_fit_finds_the_rate_that_empties_it() {
        let start = Instant::now();
        // A bucket of 10, full, 20 requests at 100/s, refused at 205 ms.
        let taken: Vec<Instant> = (1..=20)
            .map(|i| start + Duration::from_millis(10 * i))
            .collect();
        let end = start + Duration::from_millis(205);
        // The 20th request found 10 − 19 + 19 × 10 ms × R tokens (the first 10 ms refill
        // nothing: the bucket is full), at least one: R ≥ 10 / 0.19 ≈ 52.63. Then 5 ms × R
        // more left less than one at the refusal: R < 11 / 0.195 ≈ 56.41. The middle:
        let evidence = BucketEvidence {
            taken: &taken,
            start,
            end,
            burst: 10.0,
            initial: 10.0,
        };
        let rate = evidence.rate().unwrap();
        let middle = (10.0 / 0.19 + 11.0 / 0.195) / 2.0;
        assert!((rate - middle).abs() < 1e-6, "{rate} vs {middle}");
        // A refusal no rate explains.
        let nothing_taken = BucketEvidence {
            taken: &[],
            ..evidence
        };
        assert_eq!(nothing_taken.rate(), None);
    }

    #[test]
    fn the_first_burst_is_fitted_to_the_send_times() {
        let start = Instant::now();
        // 32 requests at once, 20 taken: a bucket of 20, whatever its rate.
        let at_once = vec![start; 32];
        assert_eq!(first_burst(&at_once, 20.0, 200.0), 20.0);
        // 32 requests over 31 ms (one a millisecond), 23 taken, at 200/s: the bucket
        // refilled 6.2 tokens while they went (a token every 5 ms); bursts from 16.8 up to
        // 17.8 take 23 of them, and the whole number among them is the burst.
        let spread: Vec<Instant> = (0..32).map(|i| start + Duration::from_millis(i)).collect();
        assert_eq!(first_burst(&spread, 23.0, 200.0), 17.0);
        // Ten at once and ten 15 ms later (3 tokens refilled at 200/s): a bucket of 3 takes
        // six, a smaller one at most four, so no bucket takes five: the middle of the
        // bursts that take fewer and more, 3.
        let two_groups: Vec<Instant> = (0..20)
            .map(|i| start + Duration::from_millis(if i < 10 { 0 } else { 15 }))
            .collect();
        let burst = first_burst(&two_groups, 5.0, 200.0);
        assert!((burst - 3.0).abs() < 1e-6, "{burst}");
        // Every request taken: the burst is at least as many.
        assert_eq!(first_burst(&at_once[..5], 5.0, 200.0), 5.0);
    }
}
