//! The learner: what the client knows of the server's limit, as a plain state machine. It is
//! told "a request went at t" and "its answer came at t: taken, refused (with or without
//! `Retry-After`), or none", and answers "when may the next request go?". No I/O, no
//! runtime: time is an argument. [`super::Throttle`] is the async gate in front of it.
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
//!   refusal shows it; rising meanwhile would bring that refusal on sooner), and then
//!   rises by 0.01% of it a second (to notice a raised limit; half as fast after each
//!   refusal at a settled rate), so that the next refusal is minutes away rather than one a
//!   second. A refusal at a settled rate never raises it, and lowers it to the estimate
//!   only when it shows the rate too fast: one the rate still explains, should the bucket
//!   have run dry a request later than the last refusal says (arrivals jitter, and requests
//!   in flight reach the server in any order), shows little (a few requests after the last
//!   refusal do not measure a rate), and slows the client by 0.5% only.
//!
//! A client is rarely alone on its API key (replicas, a worker, a cron job): a refusal while
//! it keeps a settled rate (but for a first one that shows its estimate only a little high,
//! which lowers it as for a client alone), a refusal while it keeps a recognised
//! window (and not at the window's quota), or a slow start that ends with an estimate under
//! half the rate refused, shows that others take part of the limit. From then on the client
//! paces on a cubic from each refusal, and every refusal teaches ([`super::share`]).
//!
//! A client whose first episode had too few successes to count a burst (fewer than 4:
//! others took the bucket) sends all at once again after its pause; when that happens
//! twice, it paces from 16 a second in slow start instead, rather than send bursts into a
//! bucket others keep empty.
//!
//! A `Retry-After` holds every request of the client until it has passed (the server sees
//! nothing from the client meanwhile); a refusal without one holds them for 25 ms, doubling
//! while refusals go on without a success. Paced requests resume at the pace from the
//! pause's end (the slots it held are not caught up in a burst). Requests wait in order
//! (first come, first sent).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::episode::Episode;
use super::pacer::{Mode, Pacer, MAX_RATE, MIN_RATE, PACE_SHARE_OF_ESTIMATE};
use super::pause::Pause;
use super::send_log::{Outcome, SendLog};
use super::window::{WindowQuota, WINDOW};
use super::ThrottleStats;

mod lessons;

/// How many requests a new client has in flight at most until the server has answered
/// [`INITIAL_ANSWERS`] of them: a limit's first burst then arrives on connections already
/// open, in about the order sent, and the burst is counted from the send times. (Cold
/// connections made all at once reach a busy server in no particular order, spread over
/// milliseconds, and blur the count by a token or two.)
pub(super) const INITIAL_WINDOW: usize = 16;
/// How many answers end the initial window.
pub(super) const INITIAL_ANSWERS: u64 = 4 * INITIAL_WINDOW as u64;
/// How long an episode waits for the answers it is judged on.
const SETTLE_MAX: Duration = Duration::from_secs(2);
/// The shortest time the first episode's burst is taken to have lasted: slow start begins
/// at the burst over it (`4B` a second at the most).
const FIRST_SPAN: Duration = Duration::from_millis(250);

/// What the gate should do with the request at the head of its queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    /// Send it now.
    Go,
    /// Wait until then; `paused` when it is the server's pause that holds it, not the pace.
    Wait { until: Instant, paused: bool },
    /// Wait for an answer: the initial window is full.
    AwaitAnswer,
}

/// How a request sent was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Answered, and not with a throttling refusal: the server took it.
    Taken,
    /// A throttling refusal (`429`, `503`), and the wait it asked for.
    Refused {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// Never answered (abandoned, timed out, connection failed).
    Gone,
}

/// The server's pause holding every request: what asked for it, and how long is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Held {
    /// The status of the answer that asked (0 for the client's own short pause).
    pub(crate) status: u16,
    /// The wait it asked for, which may be longer than the pause.
    pub(crate) asked: Duration,
    /// How much of the pause is left.
    pub(crate) remaining: Duration,
}

/// What the first episode measured: the burst the server allows.
#[derive(Debug, Default)]
struct FirstEpisode {
    /// When its refused request was sent.
    at: Option<Instant>,
    /// The burst (`B`), fitted again with each rate estimated.
    burst: f64,
    /// Its successes, and how long from its start to the refusal.
    cycle: (f64, Duration),
    /// The send times of the requests answered in it (taken or refused).
    batch: Vec<Instant>,
}

/// The episodes: which refusals belong together, and the one being judged.
#[derive(Debug, Default)]
struct Episodes {
    /// When the client last reacted to a refusal; refusals of requests sent before belong
    /// to that episode.
    last_reaction: Option<Instant>,
    /// Whether a request sent after the last reaction went through.
    progress_since_reaction: bool,
    /// Whether a first episode already had too few successes to learn from.
    starved: bool,
    pending: Option<Episode>,
}

/// What the server's answers have shown so far.
#[derive(Debug, Default)]
struct Traffic {
    /// Send times of taken requests, answered over the last two windows.
    successes: VecDeque<Instant>,
    last_success: Option<Instant>,
    first_send: Option<Instant>,
    /// When the server first answered.
    first_answer: Option<Instant>,
    /// The shortest round trip of a request answered (taken or refused).
    min_round_trip: Option<Duration>,
    /// Requests sent and not yet answered (nor abandoned).
    in_flight: usize,
    /// Requests answered (taken or refused).
    answers: u64,
    throttled_answers: u64,
}

/// The learner: one part per rule, and the episodes that teach them.
#[derive(Debug)]
pub(crate) struct Learner {
    pacer: Pacer,
    window: WindowQuota,
    pause: Pause,
    log: SendLog,
    first: FirstEpisode,
    episodes: Episodes,
    traffic: Traffic,
}

impl Learner {
    /// Nothing learned at `now`; a server's `Retry-After` holds every request for at most
    /// `max_pause`.
    pub(crate) fn new(now: Instant, max_pause: Duration) -> Learner {
        Learner {
            pacer: Pacer::new(now),
            window: WindowQuota::new(now),
            pause: Pause::new(max_pause),
            log: SendLog::default(),
            first: FirstEpisode::default(),
            episodes: Episodes::default(),
            traffic: Traffic::default(),
        }
    }

    /// May a request go at `now`?
    pub(crate) fn turn(&self, now: Instant) -> Turn {
        let until = self.free_at(now);
        if until > now {
            let paused = self.pause.running(now).is_some();
            Turn::Wait { until, paused }
        } else if self.initial_window_full() {
            Turn::AwaitAnswer
        } else {
            Turn::Go
        }
    }

    /// The pause running at `now`, if any: what asked for it and how long is left.
    pub(crate) fn held(&self, now: Instant) -> Option<Held> {
        let until = self.pause.running(now)?;
        let (status, asked) = self.pause.asked_by.unwrap_or_default();
        Some(Held {
            status,
            asked,
            remaining: until - now,
        })
    }

    /// Whether a request may be waiting for an answer to end the initial window.
    pub(crate) fn initial_window_open(&self) -> bool {
        self.traffic.answers <= INITIAL_ANSWERS
    }

    /// When a successful answer last arrived.
    pub(crate) fn last_success(&self) -> Option<Instant> {
        self.traffic.last_success
    }

    /// What the learner has seen and learned, at `now`.
    pub(crate) fn stats(&self, now: Instant) -> ThrottleStats {
        ThrottleStats {
            learned_rate: self.pacer.rate,
            throttled_answers: self.traffic.throttled_answers,
            paused: self.pause.total(now),
        }
    }

    /// Paces at `rate` from `now`, a rate learned before (by an earlier process, say),
    /// instead of learning it again: kept [`KEEP_PROBING`](super::pacer::KEEP_PROBING),
    /// then probing for more, so that a rate kept from a slower time (others sharing the
    /// limit then) does not hold the client under the limit for long. Only while nothing is
    /// learned yet; whether it was taken.
    pub(crate) fn resume(&mut self, now: Instant, rate: f64) -> bool {
        if self.pacer.mode != Mode::Unknown || !rate.is_finite() || rate < MIN_RATE {
            return false;
        }
        let rate = rate.min(MAX_RATE);
        self.pacer.settle(rate / PACE_SHARE_OF_ESTIMATE, now, true);
        self.pacer.rate = Some(rate);
        true
    }

    /// A request goes at `now` (`waited_for_slot`: it waited for the pace, so the rate may
    /// grow); its id, to report its answer with.
    pub(crate) fn sent(&mut self, now: Instant, waited_for_slot: bool) -> u64 {
        let held = self.window.quota.is_some();
        self.pacer
            .take(now, waited_for_slot, self.pause.until, held);
        if let Some(rate) = self.window.sent(self.log.next_id(), now) {
            self.pacer.rate = Some(rate);
        }
        self.traffic.first_send.get_or_insert(now);
        self.traffic.in_flight += 1;
        self.log.trim(now, self.episodes.pending.is_some());
        self.log.push(now)
    }

    /// Request `id` was answered at `now`.
    pub(crate) fn answered(&mut self, now: Instant, id: u64, answer: Answer) {
        let outcome = match answer {
            Answer::Taken => Outcome::Taken,
            Answer::Refused { .. } => Outcome::Refused,
            Answer::Gone => Outcome::Gone,
        };
        let sent_at = self.log.record(id).map(|record| {
            record.outcome = outcome;
            record.at
        });
        let traffic = &mut self.traffic;
        traffic.in_flight = traffic.in_flight.saturating_sub(1);
        if outcome != Outcome::Gone {
            self.window.answered(id, now);
            traffic.answers += 1;
            traffic.first_answer.get_or_insert(now);
            if let Some(sent) = sent_at {
                let round_trip = now.saturating_duration_since(sent);
                let least = traffic
                    .min_round_trip
                    .map_or(round_trip, |l| l.min(round_trip));
                traffic.min_round_trip = Some(least);
            }
        }
        match answer {
            Answer::Taken => self.taken(now, sent_at),
            Answer::Refused {
                status,
                retry_after,
            } => self.refused(now, id, sent_at, status, retry_after),
            Answer::Gone => {}
        }
        self.judge(now);
    }

    /// Whether a new client has as many requests in flight as it may before the server has
    /// answered enough of them (see [`INITIAL_WINDOW`]).
    fn initial_window_full(&self) -> bool {
        self.pacer.mode == Mode::Unknown
            && self.traffic.answers < INITIAL_ANSWERS
            && self.traffic.in_flight >= INITIAL_WINDOW
    }

    /// The earliest time a request may go.
    fn free_at(&self, now: Instant) -> Instant {
        let at = self.pause.running(now).map_or(now, |until| until.max(now));
        let at = self.pacer.free_at(at);
        self.window
            .free_at(at, |sent, answered| self.certainly_after(sent, answered))
    }

    /// From when a request sent certainly reaches the server after one sent at `sent` and
    /// answered at `answered`: the answer less the shortest round trip (that one reached
    /// the server at least half a round trip before its answer came, a request sent reaches
    /// it at least half one later), and never before `sent`. Not yet answered, it is taken
    /// to have arrived when sent.
    fn certainly_after(&self, sent: Instant, answered: Option<Instant>) -> Instant {
        answered
            .zip(self.traffic.min_round_trip)
            .and_then(|(answered, least)| answered.checked_sub(least))
            .map_or(sent, |at| at.max(sent))
    }

    /// Holds every request for the client's short pause.
    fn short_pause(&mut self, now: Instant) {
        if let Some(until) = self.pause.short(now) {
            self.pacer.resume_at(until);
        }
    }

    fn taken(&mut self, now: Instant, sent_at: Option<Instant>) {
        // A window counts arrivals: when they were sent, not when their answers came (those
        // in flight when a request is refused were counted before it).
        let successes = &mut self.traffic.successes;
        successes.push_back(sent_at.unwrap_or(now));
        while successes
            .front()
            .is_some_and(|&at| now.saturating_duration_since(at) > 2 * WINDOW)
        {
            successes.pop_front();
        }
        self.traffic.last_success = Some(now);
        let after_reaction = match (sent_at, self.episodes.last_reaction) {
            (Some(sent), Some(reaction)) => sent >= reaction,
            _ => true,
        };
        if after_reaction {
            self.episodes.progress_since_reaction = true;
            self.pause.progress();
        }
    }

    fn refused(
        &mut self,
        now: Instant,
        id: u64,
        sent_at: Option<Instant>,
        status: u16,
        retry_after: Option<Duration>,
    ) {
        self.traffic.throttled_answers += 1;
        if let Some(asked) = retry_after {
            if let Some(until) = self.pause.retry_after(now, status, asked) {
                self.pacer.resume_at(until);
            }
        }
        let Some(sent) = sent_at else { return };
        let episodes = &mut self.episodes;
        let new_episode = episodes
            .last_reaction
            .is_none_or(|reaction| sent >= reaction);
        if !new_episode || episodes.pending.is_some() {
            return;
        }
        episodes.last_reaction = Some(now);
        // Sharing the limit, a refusal after the client reacted to the last one shows that
        // its cut was not enough, success in between or not.
        let teaches = matches!(self.pacer.mode, Mode::Unknown | Mode::Share);
        if episodes.progress_since_reaction || teaches {
            episodes.progress_since_reaction = false;
            episodes.pending = Some(Episode {
                id,
                sent,
                received: now,
                retry_after: retry_after.is_some(),
            });
        } else if retry_after.is_none() {
            // Refused again without a success in between: hold everything, longer each time.
            self.short_pause(now);
        }
    }

    /// Judges the pending episode once the requests sent before its refusal arrived have
    /// been answered (or [`SETTLE_MAX`] has passed), and learns from it unless it was an
    /// isolated refusal.
    fn judge(&mut self, now: Instant) {
        let Some(episode) = self.episodes.pending else {
            return;
        };
        if self.log.pending_before(episode.received)
            && now.saturating_duration_since(episode.received) < SETTLE_MAX
        {
            return;
        }
        self.episodes.pending = None;
        let certainly_after = self.certainly_after(episode.sent, Some(episode.received));
        if episode.isolated(&self.log, certainly_after, self.pacer.mode) {
            self.episodes.progress_since_reaction = true;
            return;
        }
        // The client reacts now: refusals of requests sent until now (an unpaced client
        // went on sending while the episode was judged) belong to this episode.
        self.episodes.last_reaction = Some(now);
        if !episode.retry_after {
            self.short_pause(now);
        }
        match self.pacer.mode {
            Mode::Unknown => self.learn_burst(episode),
            Mode::SlowStart | Mode::Avoid | Mode::Share => self.learn_limit(episode, now),
        }
        self.log.forget_before(episode.sent);
    }
}

#[cfg(test)]
mod tests {
    use super::super::episode::MIN_EVIDENCE;
    use super::super::pacer::{KEEP_LIMIT, KEEP_PROBING, PACE_SHARE_OF_ESTIMATE, RISE_PER_SECOND};
    use super::super::pause::{MAX_PAUSE, SHORT_PAUSE};
    use super::*;

    const TAKEN: Answer = Answer::Taken;
    const REFUSED: Answer = Answer::Refused {
        status: 429,
        retry_after: None,
    };

    /// A new learner, and the instant it starts at.
    fn learner() -> (Learner, Instant) {
        let start = Instant::now();
        (Learner::new(start, MAX_PAUSE), start)
    }

    /// A request sent at its turn, from `now` on, as the gate sends the one at the head of
    /// its queue: its id and when it went.
    fn send_from(learner: &mut Learner, mut now: Instant) -> (u64, Instant) {
        let mut waited = false;
        loop {
            match learner.turn(now) {
                Turn::Go => return (learner.sent(now, waited), now),
                Turn::Wait { until, paused } => {
                    waited |= !paused;
                    now = until;
                }
                Turn::AwaitAnswer => panic!("waits for an answer at {now:?}"),
            }
        }
    }

    /// `n` requests sent at `now`, each at once.
    fn sent_at(learner: &mut Learner, now: Instant, n: usize) -> Vec<u64> {
        (0..n)
            .map(|_| {
                assert_eq!(learner.turn(now), Turn::Go);
                learner.sent(now, false)
            })
            .collect()
    }

    /// A new learner that let 16 requests through at once, answered a millisecond later:
    /// the first 12 taken, the other four still to be answered.
    fn sixteen_sent_and_twelve_taken() -> (Learner, Instant, Vec<u64>) {
        let (mut learner, start) = learner();
        let ids = sent_at(&mut learner, start, 16);
        let now = start + Duration::from_millis(1);
        for &id in &ids[..12] {
            learner.answered(now, id, TAKEN);
        }
        (learner, now, ids[12..].to_vec())
    }

    #[test]
    fn a_new_client_has_at_most_16_requests_in_flight_until_64_answers() {
        let (mut learner, now) = learner();
        let mut ids = sent_at(&mut learner, now, INITIAL_WINDOW);
        assert_eq!(learner.turn(now), Turn::AwaitAnswer);
        learner.answered(now, ids.pop().unwrap(), TAKEN);
        ids.extend(sent_at(&mut learner, now, 1));
        assert_eq!(learner.turn(now), Turn::AwaitAnswer);
        while learner.traffic.answers < INITIAL_ANSWERS {
            learner.answered(now, ids.pop().unwrap(), TAKEN);
            ids.extend(sent_at(&mut learner, now, 1));
        }
        // 64 answers end the window.
        sent_at(&mut learner, now, 100);
        assert_eq!(learner.traffic.in_flight, 116);
    }

    #[test]
    fn a_client_refused_before_it_could_count_a_burst_twice_rises_from_a_few_a_second() {
        // Other clients on the key took the bucket: of 16 sent at once, 2 taken, twice.
        let (mut learner, start) = learner();
        for round in 0..2u64 {
            let now = start + Duration::from_secs(round);
            let ids = sent_at(&mut learner, now, 16);
            let answered = now + Duration::from_millis(1);
            for (i, &id) in ids.iter().enumerate() {
                learner.answered(answered, id, if i < 2 { TAKEN } else { REFUSED });
            }
            let expected = (round == 1).then_some(MIN_EVIDENCE as f64 / 0.25);
            assert_eq!(learner.stats(answered).learned_rate, expected, "{round}");
        }
        // Paced now: slow start from 16 a second, not another burst of 16 into an empty
        // bucket.
        assert_eq!(learner.pacer.mode, Mode::SlowStart);
    }

    #[test]
    fn isolated_refusals_teach_no_rate() {
        let (mut learner, now) = learner();
        let ids = sent_at(&mut learner, now, 10);
        learner.answered(now, ids[0], REFUSED);
        for &id in &ids[1..] {
            learner.answered(now, id, TAKEN);
        }
        let stats = learner.stats(now);
        assert_eq!(stats.learned_rate, None);
        assert_eq!(stats.throttled_answers, 1);
    }

    #[test]
    fn an_unpaced_refusal_followed_by_refusals_teaches_a_rate() {
        let (mut learner, now, rest) = sixteen_sent_and_twelve_taken();
        // The 13th refused, and two of the three sent after it: the last 16 requests hold
        // only 3 refusals (no burst), but those sent after the refused one were mostly
        // refused too: not an isolated refusal.
        for &id in &rest[..3] {
            learner.answered(now, id, REFUSED);
        }
        learner.answered(now, rest[3], TAKEN);
        // 13 taken, all at one instant: the burst over the shortest span counted, 0.25 s.
        assert_eq!(learner.stats(now).learned_rate, Some(52.0));
    }

    #[test]
    fn a_refusal_slow_to_arrive_is_judged_by_the_requests_sent_after_it_arrived() {
        let (mut learner, start) = learner();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let send = |learner: &mut Learner, ms: u64| {
            let (id, sent) = send_from(learner, at(ms));
            assert_eq!(sent, at(ms));
            id
        };
        // Four sent at once and taken a millisecond later: the shortest round trip.
        let first: Vec<u64> = (0..4).map(|_| send(&mut learner, 0)).collect();
        for id in first {
            learner.answered(at(1), id, TAKEN);
        }
        // One sent at 10 ms on a connection still being made: its refusal comes back at
        // 40 ms. The eight sent from 26 ms, each taken a millisecond later, reached the
        // server before it and took its last tokens; the two sent at 39 ms, after it, are
        // refused.
        let slow = send(&mut learner, 10);
        for ms in 26..34 {
            let id = send(&mut learner, ms);
            learner.answered(at(ms + 1), id, TAKEN);
        }
        let last = [send(&mut learner, 39), send(&mut learner, 39)];
        learner.answered(at(40), slow, REFUSED);
        for id in last {
            learner.answered(at(41), id, REFUSED);
        }
        // A limit, not an isolated refusal: judged by when the refused request arrived
        // halfway to its answer (25 ms), the eight taken after it, with two refused, made
        // it look like one. 12 taken in a burst, over the shortest span counted (0.25 s).
        assert_eq!(
            learner.traffic.min_round_trip,
            Some(Duration::from_millis(1))
        );
        assert_eq!(learner.pacer.mode, Mode::SlowStart);
        assert_eq!(learner.pacer.rate, Some(48.0));
    }

    #[test]
    fn refusals_of_requests_sent_while_an_episode_is_judged_belong_to_it() {
        let (mut learner, now, rest) = sixteen_sent_and_twelve_taken();
        // The 13th is refused (no `Retry-After`); the episode is judged once the three
        // sent with it are answered. Meanwhile the unpaced client sends four more.
        learner.answered(now, rest[0], REFUSED);
        let more = sent_at(&mut learner, now, 4);
        let now = now + Duration::from_millis(1);
        for &id in &rest[1..] {
            learner.answered(now, id, REFUSED);
        }
        // Judged: 12 taken at one instant, over the shortest span counted (0.25 s).
        assert_eq!(learner.pacer.mode, Mode::SlowStart);
        assert_eq!(learner.stats(now).learned_rate, Some(48.0));
        // Of the four sent before the client reacted, one takes a refilled token and three
        // are refused: the same episode, not a second one judged on a span of a
        // millisecond (which made a rate of thousands).
        let now = now + Duration::from_millis(1);
        learner.answered(now, more[0], TAKEN);
        for &id in &more[1..] {
            learner.answered(now, id, REFUSED);
        }
        assert_eq!(learner.pacer.mode, Mode::SlowStart);
        assert_eq!(learner.pacer.rate, Some(48.0));
        assert!(
            learner.episodes.pending.is_none(),
            "no episode left to judge"
        );
        assert_eq!(learner.traffic.throttled_answers, 7);
    }

    #[test]
    fn the_first_requests_count_as_sent_halfway_to_the_first_answer() {
        let (mut learner, start) = learner();
        let ms = |n| start + Duration::from_millis(n);
        // The first answers come 4 ms later, while 8 more go; of those, 4 are refused.
        for id in sent_at(&mut learner, start, 16) {
            learner.answered(ms(4), id, TAKEN);
        }
        let more = sent_at(&mut learner, ms(4), 8);
        for (i, &id) in more.iter().enumerate() {
            learner.answered(ms(5), id, if i < 4 { TAKEN } else { REFUSED });
        }
        assert_eq!(learner.pacer.mode, Mode::SlowStart);
        let expected: Vec<Instant> = [vec![ms(2); 16], vec![ms(4); 8]].concat();
        assert_eq!(learner.first.batch, expected);
    }

    #[test]
    fn a_window_is_recognised_while_answers_are_in_flight() {
        // A first episode showed a burst of 200; slow start has run for over a second.
        let (mut learner, started) = learner();
        learner.pacer.mode = Mode::SlowStart;
        learner.first = FirstEpisode {
            at: Some(started),
            burst: 200.0,
            cycle: (200.0, Duration::ZERO),
            batch: Vec::new(),
        };
        let ms = |n: u64| started + Duration::from_millis(n);
        // 200 requests, one every 5 ms from 300 ms on, each answered 30 ms after it went;
        // then the 201st, sent at 1,300 ms, refused at once: the window of 200 is full. Five
        // taken requests are still in flight when the refusal comes back.
        let mut in_flight: VecDeque<(u64, Instant)> = VecDeque::new();
        let answer_until = |learner: &mut Learner, in_flight: &mut VecDeque<_>, now| {
            while let Some(&(id, sent)) = in_flight.front() {
                if sent + Duration::from_millis(30) > now {
                    break;
                }
                in_flight.pop_front();
                learner.answered(sent + Duration::from_millis(30), id, TAKEN);
            }
        };
        for i in 0..200 {
            let now = ms(300 + 5 * i);
            answer_until(&mut learner, &mut in_flight, now);
            let (id, sent) = send_from(&mut learner, now);
            assert_eq!(sent, now);
            in_flight.push_back((id, sent));
        }
        answer_until(&mut learner, &mut in_flight, ms(1300));
        let (id, _) = send_from(&mut learner, ms(1300));
        learner.answered(ms(1300), id, REFUSED);
        assert_eq!(in_flight.len(), 5);
        answer_until(&mut learner, &mut in_flight, ms(1330));
        // Counted by when they were sent, the window held 200 (by when their answers came,
        // 195: a token bucket, whose rate the fit would have put far too low).
        assert_eq!(learner.window.quota, Some(199));
        assert_eq!(learner.pacer.rate, Some(199.0 / 1.005));
    }

    #[test]
    fn a_window_slot_frees_once_its_request_certainly_left_the_servers_window() {
        let (mut learner, started) = learner();
        let at = |ms: u64| started + Duration::from_millis(ms);
        learner.pacer.mode = Mode::Avoid;
        // Three requests in any 1.005 s: one every 335 ms.
        learner.pacer.rate = Some(learner.window.set(3));
        // Sent at the pace (or once a place frees), and answered: the first after a
        // millisecond (the shortest round trip), the second after 31 ms (it reached the
        // server 30 ms late at most, and its place frees that much later). The fourth takes
        // the first's place on time; the fifth waits for the second's.
        let mut now = started;
        for (sent, answered) in [(0, 1), (335, 366), (670, 671), (1005, 1006)] {
            let (id, went) = send_from(&mut learner, now);
            assert_eq!(went, at(sent));
            now = at(answered);
            learner.answered(now, id, TAKEN);
        }
        assert_eq!(send_from(&mut learner, now).1, at(365 + 1005));
    }

    #[test]
    fn pacing_resumes_from_the_end_of_a_pause_without_a_burst() {
        let (mut learner, started) = learner();
        learner.pacer.mode = Mode::Avoid;
        learner.pacer.rate = Some(100.0);
        learner.pacer.estimate = 100.0;
        learner.pacer.rise_share = 0.0;
        let (id, _) = send_from(&mut learner, started);
        learner.answered(started, id, TAKEN);
        // Refused without `Retry-After` while paced at 100/s: held for 25 ms.
        learner.short_pause(started);
        let mut now = started;
        let mut sent = Vec::new();
        for _ in 0..3 {
            let (id, went) = send_from(&mut learner, now);
            learner.answered(went, id, TAKEN);
            sent.push(went - started);
            now = went;
        }
        // One every 10 ms from the pause's end; the slots the pause held (at 10 and 20 ms)
        // are not caught up at once when it ends.
        let ms = Duration::from_millis;
        assert_eq!(sent, [SHORT_PAUSE, ms(35), ms(45)]);
    }

    /// A learner settled at 50/s (a bucket of 10, empty at the last refusal) whose requests
    /// sent `taken_ms` after that refusal are taken and the one sent `refused_ms` after it
    /// refused; and when that refusal came.
    fn settled_at_50_and(taken_ms: &[u64], refused_ms: u64) -> (Learner, Instant) {
        settled_at_50_and_refused(taken_ms, refused_ms, REFUSED)
    }

    /// The same, refused with `refusal`.
    fn settled_at_50_and_refused(
        taken_ms: &[u64],
        refused_ms: u64,
        refusal: Answer,
    ) -> (Learner, Instant) {
        let (mut learner, last_refusal) = learner();
        learner.pacer.mode = Mode::Avoid;
        learner.pacer.rate = Some(50.0);
        learner.pacer.estimate = 50.0;
        learner.pacer.rise_share = 0.0;
        learner.first.burst = 10.0;
        learner.first.cycle = (10.0, Duration::ZERO);
        learner.log.last_refused = Some(last_refusal);
        let at = |ms| last_refusal + Duration::from_millis(ms);
        for &ms in taken_ms {
            let (id, sent) = send_from(&mut learner, at(ms));
            assert_eq!(sent, at(ms));
            learner.answered(sent, id, TAKEN);
        }
        let (id, sent) = send_from(&mut learner, at(refused_ms));
        assert_eq!(sent, at(refused_ms));
        learner.answered(sent, id, refusal);
        assert_eq!(learner.pacer.mode, Mode::Avoid);
        (learner, sent)
    }

    #[test]
    fn a_refusal_soon_after_the_last_one_slows_a_settled_rate_only_a_little() {
        // Taken at 30 and 60 ms, refused at 70 ms: taken alone, that says 33.3 – 42.9/s
        // (a token at 30 and at 60 ms, less than one at 70). But had the bucket run dry a
        // request later than the last refusal says, 50/s would explain it as well: the
        // client slows by 0.5%, not to 38/s.
        let rate = settled_at_50_and(&[30, 60], 70).0.pacer.rate;
        assert_eq!(rate, Some(PACE_SHARE_OF_ESTIMATE * 50.0));
        // Ten taken, every 30 ms, and refused at 320 ms: 33.3 – 34.4/s, and at most 37.5/s
        // with a request's slack. That is evidence: the client paces at the middle.
        let taken: Vec<u64> = (1..=10).map(|i| 30 * i).collect();
        let rate = settled_at_50_and(&taken, 320).0.pacer.rate.unwrap();
        let middle = (1.0 / 0.03 + 11.0 / 0.32) / 2.0;
        let expected = PACE_SHARE_OF_ESTIMATE * middle;
        assert!((rate - expected).abs() < 1e-6, "{rate} vs {expected}");
    }

    /// Sends from `last` on, each request taken, until `until`.
    fn send_taken_until(learner: &mut Learner, last: &mut Instant, until: Instant) {
        while *last + Duration::from_millis(100) < until {
            let (id, sent) = send_from(learner, *last);
            learner.answered(sent, id, TAKEN);
            *last = sent;
        }
    }

    #[test]
    fn a_rate_learned_from_retry_after_is_kept_a_minute_before_it_rises() {
        // Ten taken, every 30 ms, and refused at 320 ms: a rate learned from evidence.
        let taken: Vec<u64> = (1..=10).map(|i| 30 * i).collect();
        let retry_after = Answer::Refused {
            status: 429,
            retry_after: Some(Duration::from_millis(1)),
        };
        let (mut learner, refused_at) = settled_at_50_and_refused(&taken, 320, retry_after);
        // The helper's learner does not rise; this one rises at the full pace.
        learner.pacer.rise_share = 1.0;
        let (learned, estimate) = (learner.pacer.rate.unwrap(), learner.pacer.estimate);
        // Paced for a minute after the refusal: the rate stays as learned. A rate 0.5% too
        // fast would empty a bucket of 10 in under a minute, and only a refusal shows it; a
        // rate rising meanwhile would bring that refusal on sooner.
        let mut last = refused_at;
        send_taken_until(&mut learner, &mut last, refused_at + KEEP_LIMIT);
        assert_eq!(learner.pacer.rate, Some(learned));
        // Then it rises by 0.01% of the estimate a second.
        let until = refused_at + KEEP_LIMIT + Duration::from_secs(10);
        send_taken_until(&mut learner, &mut last, until);
        let rising = (last - (refused_at + KEEP_LIMIT)).as_secs_f64();
        let expected = learned + RISE_PER_SECOND * estimate * rising;
        let rate = learner.pacer.rate.unwrap();
        assert!((rate - expected).abs() < 1e-9, "{rate} vs {expected}");
        assert!(
            rate > learned + 0.99 * RISE_PER_SECOND * estimate * 10.0,
            "{rate}"
        );
    }

    #[test]
    fn a_rate_learned_from_cheap_refusals_is_kept_ten_seconds_then_probes_for_more() {
        let taken: Vec<u64> = (1..=10).map(|i| 30 * i).collect();
        let (mut learner, refused_at) = settled_at_50_and(&taken, 320);
        let learned = learner.pacer.rate.unwrap();
        let mut last = refused_at;
        send_taken_until(&mut learner, &mut last, refused_at + KEEP_PROBING);
        assert_eq!(learner.pacer.rate, Some(learned));
        // Then it rises as a cubic beyond its plateau: a fifth of the highest rate known
        // in `RECOVERY` (5 s), an eighth of that in half of it.
        let probing = (refused_at + KEEP_PROBING, Duration::from_secs_f64(2.5));
        send_taken_until(&mut learner, &mut last, probing.0 + probing.1);
        let t = (last - probing.0).as_secs_f64();
        let expected = learned + learner.pacer.ceiling * 0.2 * (t / 5.0).powi(3);
        let rate = learner.pacer.rate.unwrap();
        assert!((rate - expected).abs() < 1e-9, "{rate} vs {expected}");
        assert!(rate > learned + 0.02 * learned, "{rate} vs {learned}");
        // Refused while probing: the refusal measures the limit (a bucket of 10, empty at
        // the last refusal, that took every request since: under the rate probed at), and
        // the client settles at it (not at its probing rate) and keeps it ten seconds again.
        let (id, sent) = send_from(&mut learner, last);
        learner.answered(sent, id, REFUSED);
        let settled = learner.pacer.rate.unwrap();
        assert!(settled < learned, "{settled} vs {learned}");
        assert_eq!(learner.pacer.mode, Mode::Avoid);
        assert_eq!(learner.pacer.rise_from, sent + KEEP_PROBING);
    }

    #[test]
    fn a_rate_learned_before_is_resumed_only_while_nothing_is_learned() {
        let (mut learner, start) = learner();
        assert!(!learner.resume(start, f64::NAN));
        assert!(!learner.resume(start, 0.0));
        assert!(learner.resume(start, 120.0));
        assert_eq!(learner.pacer.rate, Some(120.0));
        assert_eq!(learner.pacer.mode, Mode::Avoid);
        // Paced at once: no initial window, no burst.
        learner.sent(start, false);
        let until = start + Duration::from_secs_f64(1.0 / 120.0);
        assert_eq!(
            learner.turn(start),
            Turn::Wait {
                until,
                paused: false
            }
        );
        // Kept 10 s, then probing for more.
        assert_eq!(learner.pacer.rise_from, start + KEEP_PROBING);
        assert!(!learner.resume(start, 50.0), "learned already");
    }

    #[test]
    fn a_retry_after_holds_every_request_and_says_what_asked() {
        let (mut learner, start) = learner();
        let id = learner.sent(start, false);
        let asked = Duration::from_secs(3);
        let refused = Answer::Refused {
            status: 503,
            retry_after: Some(asked),
        };
        learner.answered(start, id, refused);
        let until = start + asked;
        assert_eq!(
            learner.turn(start),
            Turn::Wait {
                until,
                paused: true
            }
        );
        let held = learner.held(start + Duration::from_secs(1));
        let remaining = Duration::from_secs(2);
        assert_eq!(
            held,
            Some(Held {
                status: 503,
                asked,
                remaining
            })
        );
        assert_eq!(learner.turn(until), Turn::Go);
        assert_eq!(learner.held(until), None);
        assert_eq!(learner.stats(until).paused, asked);
    }
}
