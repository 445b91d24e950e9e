//! The throttle every request of a client goes through: the server's `Retry-After` held for
//! all of them, a request rate learned from the server's refusals, and the user's own
//! limit.
//!
//! Two parts. [`learner`] decides, a plain state machine with time in and decisions out
//! (its parts: [`send_log`], [`pacer`], [`window`], [`pause`], [`episode`] and the bucket
//! arithmetic of [`fit`]); its module documentation says how the rate is learned. This
//! module is the async gate in front of it: the queue in which requests wait in order
//! (first come, first sent), the tickets that report each answer back, and the user's own
//! `rate_limit`. The gate keeps no response bodies: a refusal is its status, its
//! `Retry-After` and its time.

mod episode;
mod fit;
pub(crate) mod learner;
mod pacer;
mod pause;
mod send_log;
mod share;
#[cfg(test)]
mod sim;
mod window;

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::Clock;
use tokio::time::Instant;

use self::learner::{Answer, Held, Learner, Turn};

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
    /// The server asked every request to wait longer than the caller may wait: what asked,
    /// and how much of the pause is left.
    TooLong(Held),
}

/// The throttle shared by every clone of a client.
pub(crate) struct Throttle {
    gate: Mutex<Gate>,
    /// Requests that cannot go at once wait here, in order; the one holding it waits for
    /// its slot.
    queue: tokio::sync::Mutex<()>,
    /// Told of every answer, for a request waiting for the initial window.
    answered: tokio::sync::Notify,
    /// The user's own limit.
    limiter: Option<UserLimit>,
}

/// The learner, and how many requests wait in the queue.
struct Gate {
    learner: Learner,
    waiters: usize,
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

/// Now, on tokio's clock (which `tokio::time::pause` stops), as the learner counts time.
fn now() -> std::time::Instant {
    Instant::now().into_std()
}

impl Throttle {
    /// A throttle, with the user's limit of `per_second` requests, evenly spaced, if given;
    /// a server's `Retry-After` holds every request for at most `max_pause`.
    pub(crate) fn new(per_second: Option<NonZeroU32>, max_pause: Duration) -> Throttle {
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
            gate: Mutex::new(Gate {
                learner: Learner::new(now(), max_pause),
                waiters: 0,
            }),
            queue: tokio::sync::Mutex::new(()),
            answered: tokio::sync::Notify::new(),
            limiter,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Gate> {
        // The state is plain numbers; a panic elsewhere cannot leave it unusable.
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the throttle has seen and learned.
    pub(crate) fn stats(&self) -> ThrottleStats {
        self.lock().learner.stats(now())
    }

    /// Paces at `rate`, learned before, unless something is learned already.
    pub(crate) fn resume(&self, rate: f64) -> bool {
        self.lock().learner.resume(now(), rate)
    }

    /// When a successful answer last arrived.
    pub(crate) fn last_success(&self) -> Option<Instant> {
        self.lock().learner.last_success().map(Instant::from_std)
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
            let mut gate = self.lock();
            let now = now();
            if gate.waiters == 0 && gate.learner.turn(now) == Turn::Go && self.user_limit_allows() {
                return Ok(self.take(&mut gate, now, false));
            }
            gate.waiters += 1;
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
            let now = now();
            let (turn, answered) = {
                let gate = self.lock();
                if let Some(held) = gate.learner.held(now) {
                    if held.remaining > max_wait {
                        return Err(Refused::TooLong(held));
                    }
                }
                let turn = gate.learner.turn(now);
                // Registered before the lock is let go: an answer meanwhile is not missed.
                let answered = (turn == Turn::AwaitAnswer).then(|| self.answered.notified());
                (turn, answered)
            };
            match turn {
                Turn::Wait { until, paused } => {
                    let until = Instant::from_std(until);
                    if deadline.is_some_and(|deadline| until > deadline) {
                        return Err(Refused::Deadline);
                    }
                    waited_for_slot |= !paused;
                    tokio::time::sleep_until(until).await;
                    continue;
                }
                Turn::AwaitAnswer => {
                    if let Some(answered) = answered {
                        match deadline {
                            Some(deadline) => tokio::time::timeout_at(deadline, answered)
                                .await
                                .map_err(|_| Refused::Deadline)?,
                            None => answered.await,
                        }
                    }
                    continue;
                }
                Turn::Go => {}
            }
            if let Some(limiter) = &self.limiter {
                if let Err(not_until) = limiter.check() {
                    let wait = not_until.wait_time_from(TokioClock.now());
                    let at = Instant::from_std(now) + wait;
                    if deadline.is_some_and(|deadline| at > deadline) {
                        return Err(Refused::Deadline);
                    }
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            let mut gate = self.lock();
            return Ok(self.take(&mut gate, now, waited_for_slot));
        }
    }

    fn user_limit_allows(&self) -> bool {
        self.limiter
            .as_ref()
            .is_none_or(|limiter| limiter.check().is_ok())
    }

    /// Takes the slot at `now` for a request about to be sent.
    fn take(self: &Arc<Self>, gate: &mut Gate, now: std::time::Instant, waited: bool) -> Ticket {
        Ticket {
            throttle: self.clone(),
            id: gate.learner.sent(now, waited),
            sent_at: Instant::from_std(now),
            done: false,
        }
    }

    fn finish(&self, id: u64, answer: Answer) {
        let mut gate = self.lock();
        gate.learner.answered(now(), id, answer);
        // Answers only count up: past the initial window nobody waits for one.
        let window = gate.learner.initial_window_open();
        drop(gate);
        if window {
            self.answered.notify_one();
        }
    }
}

/// Counts a request as waiting until dropped.
struct Waiting<'a>(&'a Throttle);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut gate = self.0.lock();
        gate.waiters = gate.waiters.saturating_sub(1);
    }
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
        self.throttle.finish(self.id, Answer::Taken);
    }

    /// The server refused the request with `status` (`429`, `503`), asking every request
    /// to wait `retry_after`, if it said.
    pub(crate) fn refused(mut self, status: u16, retry_after: Option<Duration>) {
        self.done = true;
        let answer = Answer::Refused {
            status,
            retry_after,
        };
        self.throttle.finish(self.id, answer);
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !self.done {
            self.throttle.finish(self.id, Answer::Gone);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pause::MAX_PAUSE;
    use super::*;

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
    async fn a_request_waits_for_an_answer_while_the_initial_window_is_full() {
        let (throttle, mut tickets) = sent_at_once(16).await;
        // The 17th waits (virtual time runs on while it does) until an answer comes.
        let waiting = tokio::spawn({
            let throttle = throttle.clone();
            async move { throttle.acquire(None, MAX_PAUSE).await.unwrap().taken() }
        });
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert!(!waiting.is_finished());
        tickets.pop().unwrap().taken();
        waiting.await.unwrap();
        // Full again; a deadline before the next answer: refused when it passes.
        tickets.push(throttle.acquire(None, MAX_PAUSE).await.unwrap());
        let deadline = Instant::now() + Duration::from_secs(1);
        assert!(matches!(
            throttle.acquire(Some(deadline), MAX_PAUSE).await,
            Err(Refused::Deadline)
        ));
        assert_eq!(Instant::now(), deadline);
        // A ticket dropped unanswered frees its place all the same.
        drop(tickets.pop());
        drop(throttle.acquire(None, MAX_PAUSE).await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_every_request() {
        let throttle = Arc::new(Throttle::new(None, MAX_PAUSE));
        let first = throttle.acquire(None, MAX_PAUSE).await.unwrap();
        let started = Instant::now();
        first.refused(429, Some(Duration::from_secs(3)));
        let next = throttle.acquire(None, MAX_PAUSE).await.unwrap();
        assert_eq!(next.sent_at() - started, Duration::from_secs(3));
        assert_eq!(throttle.stats().paused, Duration::from_secs(3));
        // Longer than the caller may wait: refused at once, with what the server said.
        let first = throttle.acquire(None, MAX_PAUSE).await.unwrap();
        first.refused(429, Some(Duration::from_secs(60)));
        match throttle.acquire(None, Duration::from_secs(10)).await {
            Err(Refused::TooLong(Held {
                status, remaining, ..
            })) => assert_eq!((status, remaining), (429, Duration::from_secs(60))),
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
            first.refused(429, Some(asked));
            // Refused for what the server asked, with what is left of the bound.
            match throttle.acquire(None, Duration::from_secs(10)).await {
                Err(Refused::TooLong(Held {
                    asked: said,
                    remaining,
                    ..
                })) => assert_eq!((said, remaining), (asked, bound)),
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
}
