//! The send log: when each request went and how it was answered, kept as long as an
//! episode may need it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How many send records are kept at most.
const MAX_RECORDS: usize = 1 << 16;
/// How old a send record may get while no episode needs it.
const RECORD_HORIZON: Duration = Duration::from_secs(10);

/// How a request sent was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Pending,
    /// Answered, not a throttling refusal: the server took it.
    Taken,
    Refused,
    /// Never answered (abandoned, timed out, connection failed).
    Gone,
}

/// One request sent.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record {
    pub(super) at: Instant,
    pub(super) outcome: Outcome,
}

/// The requests sent, in order, from id `first_id` on.
#[derive(Debug, Default)]
pub(super) struct SendLog {
    pub(super) records: VecDeque<Record>,
    /// The id of `records[0]`.
    pub(super) first_id: u64,
    /// Requests taken whose records were dropped.
    pub(super) dropped_taken: u64,
    /// Whether a record at or after `last_refused` has been dropped.
    pub(super) dropped_since_refusal: bool,
    /// When the latest refused request was sent (the bucket was empty then).
    pub(super) last_refused: Option<Instant>,
}

impl SendLog {
    /// The id the next request sent gets.
    pub(super) fn next_id(&self) -> u64 {
        self.first_id + self.records.len() as u64
    }

    /// A request sent at `now`, pending; its id.
    pub(super) fn push(&mut self, now: Instant) -> u64 {
        let id = self.next_id();
        self.records.push_back(Record {
            at: now,
            outcome: Outcome::Pending,
        });
        id
    }

    /// The record of request `id`, if still kept.
    pub(super) fn record(&mut self, id: u64) -> Option<&mut Record> {
        let index = id.checked_sub(self.first_id)?;
        self.records.get_mut(usize::try_from(index).ok()?)
    }

    /// The index of request `id` in `records` (past the end when dropped long ago, or
    /// before the first kept when dropped).
    pub(super) fn index(&self, id: u64) -> usize {
        usize::try_from(id.saturating_sub(self.first_id)).unwrap_or(usize::MAX)
    }

    /// Whether a request sent before `at` is still to be answered.
    pub(super) fn pending_before(&self, at: Instant) -> bool {
        self.records
            .iter()
            .take_while(|record| record.at < at)
            .any(|record| record.outcome == Outcome::Pending)
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

    /// Drops records no episode can need (none is being judged unless `judging`).
    pub(super) fn trim(&mut self, now: Instant, judging: bool) {
        while self.records.len() >= MAX_RECORDS {
            self.drop_front();
        }
        if !judging {
            while self.records.front().is_some_and(|r| {
                r.outcome != Outcome::Pending
                    && now.saturating_duration_since(r.at) > RECORD_HORIZON
            }) {
                self.drop_front();
            }
        }
    }

    /// A refusal of a request sent at `sent` was learned from: notes when the bucket was
    /// last empty, and drops the answered records before it.
    pub(super) fn forget_before(&mut self, sent: Instant) {
        self.last_refused = self
            .records
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .map(|r| r.at)
            .max()
            .or(Some(sent));
        self.dropped_since_refusal = false;
        while self
            .records
            .front()
            .is_some_and(|r| r.at < sent && r.outcome != Outcome::Pending)
        {
            self.drop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_dropped_once_old_unless_an_episode_needs_them() {
        let now = Instant::now();
        let mut log = SendLog::default();
        for _ in 0..3 {
            let id = log.push(now);
            log.record(id).unwrap().outcome = Outcome::Taken;
        }
        let later = now + RECORD_HORIZON + Duration::from_millis(1);
        log.trim(later, true);
        assert_eq!(log.records.len(), 3);
        log.trim(later, false);
        assert_eq!(
            (log.records.len(), log.first_id, log.dropped_taken),
            (0, 3, 3)
        );
        assert_eq!(log.push(later), 3);
        assert!(log.pending_before(later + Duration::from_millis(1)));
        assert!(log.record(2).is_none());
    }
}
