//! An episode: a throttling refusal, the refusals that belong with it, and the judgement of
//! whether it shows a limit or was isolated.

use std::time::Instant;

use super::pacer::Mode;
use super::send_log::{Outcome, SendLog};

/// How many of the last requests sent show whether an unpaced client hit a limit.
const UNPACED_COHORT: usize = 16;
/// Successes needed before a first refusal teaches a rate.
pub(super) const MIN_EVIDENCE: u64 = 4;

/// A refusal being judged.
#[derive(Debug, Clone, Copy)]
pub(super) struct Episode {
    /// The refused request.
    pub(super) id: u64,
    /// When it was sent.
    pub(super) sent: Instant,
    /// When its refusal arrived.
    pub(super) received: Instant,
    /// Whether it carried `Retry-After`.
    pub(super) retry_after: bool,
}

impl Episode {
    /// Whether this refusal was isolated (a flaky proxy, another process spending the
    /// quota for a moment): requests sent after it, before it came back, mostly went
    /// through. Requests sent from `certainly_after` on certainly reached the server after
    /// the refused one; `mode` is what the pacer knew when it was sent.
    pub(super) fn isolated(self, log: &SendLog, certainly_after: Instant, mode: Mode) -> bool {
        let episode = self;
        let records = &log.records;
        // The requests sent while the refusal was on its way back, and (unpaced) the last
        // requests sent before it arrived (those in flight together).
        let before_answer = records
            .iter()
            .take_while(|r| r.at < episode.received)
            .count();
        // Requests sent after the refused one may reach the server before it (its
        // connection still being made): only those sent from `certainly_after` on certainly
        // arrived after it.
        let after_refused = records
            .iter()
            .enumerate()
            .skip(log.index(episode.id).saturating_add(1))
            .find(|(_, record)| record.at >= certainly_after)
            .map_or(before_answer, |(index, _)| index);
        let count = |from: usize| {
            let (mut refused, mut cohort) = (0usize, 0usize);
            for record in records.iter().take(before_answer).skip(from) {
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
        match mode {
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
            // Sharing the limit, a refusal among successes is what others' requests cause:
            // the client's part of the limit is too large, not a passing fault.
            Mode::Share => false,
        }
    }
}
