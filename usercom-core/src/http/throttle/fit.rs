//! The arithmetic of a token bucket, fitted to what the server took and refused: no state,
//! no clock, numbers in and numbers out.

use std::time::Instant;

use super::pacer::MAX_RATE;

/// The burst with which a token bucket refilled at `rate`, full at the first of `sent` (send
/// times, sorted), takes `taken` of them: a whole number of requests where one fits (bursts
/// are configured in requests), else the middle of the bursts that would.
pub(super) fn first_burst(sent: &[Instant], taken: f64, rate: f64) -> f64 {
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
pub(super) struct BucketEvidence<'a> {
    pub(super) taken: &'a [Instant],
    pub(super) start: Instant,
    pub(super) end: Instant,
    pub(super) burst: f64,
    pub(super) initial: f64,
}

impl BucketEvidence<'_> {
    /// The rate that explains the evidence: the middle of the rates that would; the largest
    /// that holds less than one token at `end` if none would (arrivals jitter around the send
    /// times); `None` when no rate explains the refusal at `end`.
    pub(super) fn rate(&self) -> Option<f64> {
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
    pub(super) fn ceiling(&self) -> Option<f64> {
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
    use std::time::Duration;

    use super::*;

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
