//! The simulated server's limits: a token bucket, a sliding window, and nginx's `limit_req`
//! without `nodelay` (a queue that holds what is over the rate, up to the burst).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::super::window::WINDOW;

/// What the server does with a request that arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admit {
    /// Taken, answered after this long (nginx holds what is over its rate).
    Taken(Duration),
    Refused,
}

/// A server's limit, shared by every client of the simulation.
pub(in super::super) enum Server {
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
    /// nginx's `limit_req` with `burst` and without `nodelay`: a request over the rate
    /// waits for its turn at the rate, refused only when more than `burst` wait.
    Queue {
        rate: f64,
        burst: f64,
        next_free: Instant,
    },
}

impl Server {
    /// A token bucket of `burst` tokens, full at `now`, refilled at `rate` a second.
    pub(in super::super) fn bucket(rate: f64, burst: f64, now: Instant) -> Server {
        Server::Bucket {
            rate,
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// At most `n` requests in any second.
    pub(in super::super) fn window(n: usize) -> Server {
        Server::Window {
            n,
            taken: VecDeque::new(),
        }
    }

    /// nginx's `limit_req` at `rate` a second with `burst`, delaying.
    pub(in super::super) fn queue(rate: f64, burst: f64, now: Instant) -> Server {
        Server::Queue {
            rate,
            burst,
            next_free: now,
        }
    }

    /// The limit's rate, in requests a second.
    pub(super) fn rate(&self) -> f64 {
        match self {
            Server::Bucket { rate, .. } | Server::Queue { rate, .. } => *rate,
            Server::Window { n, .. } => *n as f64 / WINDOW.as_secs_f64(),
        }
    }

    /// A request arrives at `now`.
    pub(super) fn admit(&mut self, now: Instant) -> Admit {
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
                    Admit::Taken(Duration::ZERO)
                } else {
                    Admit::Refused
                }
            }
            Server::Window { n, taken } => {
                while taken.front().is_some_and(|&at| now - at >= WINDOW) {
                    taken.pop_front();
                }
                if taken.len() < *n {
                    taken.push_back(now);
                    Admit::Taken(Duration::ZERO)
                } else {
                    Admit::Refused
                }
            }
            Server::Queue {
                rate,
                burst,
                next_free,
            } => {
                let slot = (*next_free).max(now);
                let waiting = (slot - now).as_secs_f64() * *rate;
                if waiting > *burst {
                    return Admit::Refused;
                }
                *next_free = slot + Duration::from_secs_f64(1.0 / *rate);
                Admit::Taken(slot - now)
            }
        }
    }
}
