//! Sharing a limit with clients the learner cannot see: other processes on the same API
//! key. Their requests empty the server's bucket too, so a client's own successes measure
//! only what is left to it, and a refusal may be another's doing. A client refused at a
//! rate it had settled at, before it meant to try for more, is not alone; from then on it
//! paces as TCP's CUBIC does (and the AWS SDKs' adaptive retry mode), a rule under which
//! senders that share nothing converge on a fair share of one bottleneck:
//!
//! - at each refusal, the rate it was refused at is `w_max`, and the rate drops to
//!   [`BETA`] of it (to less, when `w_max` is lower than the last: room for a newcomer);
//! - then it rises along a cubic: quickly back towards `w_max`, flat near it (where the
//!   clients together were refused last: refusals stay rare), then faster and faster beyond
//!   it, to take what others have left (a client whose neighbours finished takes the whole
//!   limit within seconds).
//!
//! The cubic's growth is the same for every client, whatever its rate (its scale is the
//! highest rate the client has known the server to allow, about the same for all): a
//! client with more than its share loses more at each refusal than it regains between
//! them, one with less regains more, and shares converge.

use std::time::{Duration, Instant};

/// The share of the rate refused at that a client keeps.
pub(super) const BETA: f64 = 0.8;
/// How long the cubic takes to come back to `w_max`.
pub(super) const RECOVERY: Duration = Duration::from_secs(5);

/// The cubic a contended client's rate follows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Cubic {
    /// The rate of the last refusal (lowered when it was lower than the one before).
    pub(super) w_max: f64,
    /// When the rate was cut.
    pub(super) epoch: Instant,
    /// Seconds from the cut to the plateau at `w_max`.
    k: f64,
    /// The cubic's coefficient, in requests a second per second cubed.
    c: f64,
}

impl Cubic {
    /// Refused at `now` at `rate`, after the last cut `last` (if any); `scale` is the
    /// highest rate the client has known the server to allow. Returns the cubic and the
    /// rate to pace at now.
    pub(super) fn cut(now: Instant, rate: f64, last: Option<&Cubic>, scale: f64) -> (Cubic, f64) {
        // Fast convergence: refused lower than last time, a newcomer takes part of the
        // limit; give up a little more of it.
        let w_max = match last {
            Some(last) if rate < last.w_max => rate * (1.0 + BETA) / 2.0,
            _ => rate,
        };
        let c = coefficient(scale, rate);
        let k = (w_max * (1.0 - BETA) / c).cbrt();
        let cubic = Cubic {
            w_max,
            epoch: now,
            k,
            c,
        };
        (cubic, BETA * w_max)
    }

    /// A client settled at `rate` from refusals that cost little (no `Retry-After`) probes
    /// for more from `from` on: flat at first, then rising ever faster, as the cubic beyond
    /// its plateau. `scale` as for [`Cubic::cut`].
    pub(super) fn probe(from: Instant, rate: f64, scale: f64) -> Cubic {
        Cubic {
            w_max: rate,
            epoch: from,
            k: 0.0,
            c: coefficient(scale, rate),
        }
    }

    /// The rate at `now`.
    pub(super) fn rate_at(&self, now: Instant) -> f64 {
        let t = now.saturating_duration_since(self.epoch).as_secs_f64();
        self.w_max + self.c * (t - self.k).powi(3)
    }
}

/// The cubic's coefficient, the same for every client of a server: from the scale (the
/// highest rate known allowed, `rate` if higher), so that the cubic comes back from `BETA`
/// of it in `RECOVERY`.
fn coefficient(scale: f64, rate: f64) -> f64 {
    scale.max(rate) * (1.0 - BETA) / RECOVERY.as_secs_f64().powi(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_comes_back_to_where_it_was_refused_and_then_rises() {
        let now = Instant::now();
        let (cubic, rate) = Cubic::cut(now, 100.0, None, 100.0);
        assert!((rate - 80.0).abs() < 1e-9);
        assert!((cubic.rate_at(now) - 80.0).abs() < 1e-9);
        let at = |s: f64| cubic.rate_at(now + Duration::from_secs_f64(s));
        // Back at 100 after `RECOVERY` (5 s), flat around it, then rising ever faster.
        assert!((at(5.0) - 100.0).abs() < 1e-9, "{}", at(5.0));
        assert!(at(4.0) > 99.8 && at(6.0) < 100.2, "{} {}", at(4.0), at(6.0));
        assert!((at(10.0) - 120.0).abs() < 1e-9, "{}", at(10.0));
    }

    #[test]
    fn a_client_with_less_than_its_share_comes_back_sooner_and_gains_as_much() {
        let now = Instant::now();
        // Two clients of one server (the same scale), refused at 150 and at 50 a second.
        let (big, _) = Cubic::cut(now, 150.0, None, 200.0);
        let (small, _) = Cubic::cut(now, 50.0, None, 200.0);
        assert!(small.k < big.k, "{} vs {}", small.k, big.k);
        // The same coefficient: past their plateaus, they gain alike.
        let gain = |cubic: &Cubic, s: f64| {
            let at = now + Duration::from_secs_f64(cubic.k + s);
            cubic.rate_at(at) - cubic.w_max
        };
        let (g1, g2) = (gain(&big, 3.0), gain(&small, 3.0));
        assert!((g1 - g2).abs() < 1e-6, "{g1} vs {g2}");
        // The big one lost 30, the small one 10: the gap between them narrows.
        assert!((big.rate_at(now) - 120.0).abs() < 1e-9);
        assert!((small.rate_at(now) - 40.0).abs() < 1e-9);
    }

    #[test]
    fn a_probe_stays_flat_until_it_starts_and_then_rises_as_the_cubic_beyond_its_plateau() {
        let now = Instant::now();
        let from = now + Duration::from_secs(5);
        let probe = Cubic::probe(from, 199.0, 200.0);
        assert_eq!(probe.rate_at(now), 199.0);
        assert_eq!(probe.rate_at(from), 199.0);
        // The coefficient of a cut from 200: 40/s more after `RECOVERY`, 5/s after half.
        let at = |s: f64| probe.rate_at(from + Duration::from_secs_f64(s));
        assert!((at(5.0) - 239.0).abs() < 1e-9, "{}", at(5.0));
        assert!((at(2.5) - 204.0).abs() < 1e-9, "{}", at(2.5));
    }

    #[test]
    fn refused_lower_than_last_time_a_client_gives_up_more() {
        let now = Instant::now();
        let (first, _) = Cubic::cut(now, 100.0, None, 100.0);
        let (second, rate) = Cubic::cut(now, 90.0, Some(&first), 100.0);
        assert!((second.w_max - 81.0).abs() < 1e-9, "{}", second.w_max);
        assert!((rate - 64.8).abs() < 1e-9, "{rate}");
        // Refused higher: the rate refused at is the new plateau.
        let (third, rate) = Cubic::cut(now, 95.0, Some(&second), 100.0);
        assert!((third.w_max - 95.0).abs() < 1e-9);
        assert!((rate - 76.0).abs() < 1e-9);
    }
}
