//! What a judged episode teaches: the first one the burst, a later one a window recognised
//! or a bucket's rate estimated, or that the client shares the limit with others.

use std::time::Instant;

use super::super::episode::{Episode, MIN_EVIDENCE};
use super::super::fit::{first_burst, BucketEvidence};
use super::super::pacer::{Mode, MAX_RATE, MIN_RATE};
use super::super::send_log::Outcome;
use super::super::window::{MIN_WINDOW, WINDOW};
use super::{FirstEpisode, Learner, FIRST_SPAN};

impl Learner {
    /// The first episode: the successes since sending last resumed are the burst the server
    /// allows, plus what it refilled meanwhile. Slow start begins from them.
    pub(super) fn learn_burst(&mut self, episode: Episode) {
        let resumed = self.pause.last_end_by(episode.sent);
        let start = resumed.or(self.traffic.first_send).unwrap_or(episode.sent);
        let batch: Vec<(Instant, bool)> = self
            .log
            .records
            .iter()
            .filter(|r| r.at >= start && r.at < episode.received)
            .filter_map(|r| match r.outcome {
                Outcome::Taken => Some((r.at, true)),
                Outcome::Refused => Some((r.at, false)),
                Outcome::Pending | Outcome::Gone => None,
            })
            .collect();
        let dropped = if resumed.is_none() {
            self.log.dropped_taken
        } else {
            0
        };
        let taken = batch.iter().filter(|(_, taken)| *taken).count() as u64 + dropped;
        if taken < MIN_EVIDENCE {
            // Too few taken to measure a burst: others on the key took the rest. Sending
            // all at once again would be refused again; rise from a few a second instead.
            if self.episodes.starved {
                self.pacer
                    .start_slowly(MIN_EVIDENCE as f64 / FIRST_SPAN.as_secs_f64());
            }
            self.episodes.starved = true;
            return;
        }
        let cycle = episode.sent.saturating_duration_since(start);
        // Without dropped records, the burst is fitted to the send times; those sent before
        // the server first answered went on connections still being made, and are taken to
        // arrive halfway between their sending and that answer.
        let connected = match resumed {
            Some(_) => None,
            None => self.traffic.first_answer,
        };
        self.first = FirstEpisode {
            at: Some(episode.sent),
            burst: taken as f64,
            cycle: (taken as f64, cycle),
            batch: if dropped > 0 {
                Vec::new()
            } else {
                batch
                    .into_iter()
                    .map(|(at, _)| match connected {
                        Some(first) if at < first => at + (first - at) / 2,
                        _ => at,
                    })
                    .collect()
            },
        };
        let span = cycle.max(FIRST_SPAN);
        self.pacer.start_slowly(taken as f64 / span.as_secs_f64());
    }

    /// Others take part of the limit: the client shares it from now on, its cubic starting
    /// when the server's pause (if one runs) ends.
    fn share(&mut self, now: Instant) {
        self.window.forget();
        let from = self.pause.running(now).unwrap_or(now);
        self.pacer.share(from);
    }

    /// A later episode: a window recognised, or a bucket's rate estimated.
    pub(super) fn learn_limit(&mut self, episode: Episode, now: Instant) {
        // Refused while sharing, while a recognised window was kept (and not at a window's
        // quota), or again while a settled rate was kept: others take part of the limit.
        let (estimate, slack) = self.estimate(episode);
        let window_kept = self.window.quota.is_some() && !self.is_window(episode);
        if self.pacer.refusal_shows_sharing(episode.sent, estimate) || window_kept {
            self.share(now);
            return;
        }
        if self.pacer.mode == Mode::Avoid {
            // Refused at a settled rate: rise more slowly from now on.
            self.pacer.rise_share /= 2.0;
        }
        if self.is_window(episode) {
            let quota = self.first.burst.floor() as usize;
            // One request under the quota: the server counts arrivals.
            let rate = self.window.recognise(quota.saturating_sub(1).max(1), now);
            self.pacer
                .hold_at(rate, self.first.burst / WINDOW.as_secs_f64());
            return;
        }
        self.window.forget();
        // Slow start passes a bucket's rate by at most twice: an estimate under half the
        // rate refused shows others taking most of the limit.
        if self.pacer.mode == Mode::SlowStart
            && self.pacer.rate.is_some_and(|rate| estimate < 0.5 * rate)
        {
            // It shares from where the pace passed the limit: half the rate refused.
            if let Some(rate) = self.pacer.rate.as_mut() {
                *rate /= 2.0;
            }
            self.share(now);
            return;
        }
        let probing = self.pacer.probing(episode.sent);
        let estimate = match (self.pacer.mode, self.pacer.rate) {
            // Refused while probing for more: the refusal measures the limit.
            (Mode::Avoid, Some(rate)) if probing => estimate.min(rate),
            // A refusal at a settled rate that rate still explains, should the bucket have
            // run dry a request later than the last refusal says, shows little (it came
            // soon after that refusal, or among requests that reached the server out of
            // order): the client only slows to its pace's share of that rate.
            (Mode::Avoid, Some(rate)) if slack.is_some_and(|slack| slack >= rate) => rate,
            // A refusal never raises a settled rate.
            (Mode::Avoid, Some(rate)) => estimate.min(rate),
            _ => estimate,
        }
        .clamp(MIN_RATE, MAX_RATE);
        self.pacer.settle(estimate, now, !episode.retry_after);
    }

    /// The requests taken among those sent in the window (1 s) up to the refused request of
    /// `episode`.
    pub(super) fn successes_in_window(&self, episode: Episode) -> f64 {
        let window_start = episode.sent.checked_sub(WINDOW);
        self.traffic
            .successes
            .iter()
            .filter(|&&at| window_start.is_none_or(|start| at >= start) && at <= episode.sent)
            .count() as f64
    }

    /// Whether the refusal of `episode` came when the successes of the last window equalled
    /// the first burst: a window of that many requests.
    pub(super) fn is_window(&self, episode: Episode) -> bool {
        let in_window = self.successes_in_window(episode);
        let burst = self.first.burst;
        self.first
            .at
            .is_some_and(|first| episode.sent.saturating_duration_since(first) >= WINDOW)
            && burst >= MIN_WINDOW
            && (in_window - burst).abs() <= (0.02 * burst).max(2.0)
    }

    /// The server's rate, estimated at an episode after the first; and the largest rate that
    /// explains its refusal should the bucket have run dry a request later than the
    /// previous refusal says (arrivals jitter, and requests in flight reach the server in
    /// any order).
    pub(super) fn estimate(&self, episode: Episode) -> (f64, Option<f64>) {
        let in_window = self.successes_in_window(episode);
        let log = &self.log;
        let (start, full) = match log.last_refused {
            Some(at) if !log.dropped_since_refusal => (at, false),
            // The bucket was refilled long ago, or its history is gone: full then.
            _ => (log.records.front().map_or(episode.sent, |r| r.at), true),
        };
        let taken: Vec<Instant> = log
            .records
            .iter()
            .filter(|r| r.outcome == Outcome::Taken && r.at > start && r.at < episode.sent)
            .map(|r| r.at)
            .collect();
        // The first cycle's successes were the burst plus what the bucket refilled while it
        // lasted: the burst and the rate are solved for together.
        let (first_taken, first_cycle) = self.first.cycle;
        let mut burst = self.first.burst;
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
            burst = if self.first.batch.is_empty() {
                (first_taken - rate * first_cycle.as_secs_f64()).max(1.0)
            } else {
                first_burst(&self.first.batch, first_taken, rate)
            };
        }
        // A request's slack: the bucket ran dry a request later than the last refusal says.
        let slack = evidence(burst, 1.0).ceiling();
        (rate.unwrap_or(in_window / WINDOW.as_secs_f64()), slack)
    }
}
