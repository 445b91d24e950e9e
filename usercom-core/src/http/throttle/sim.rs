//! The learner driven by a simulated client against a simulated server, in virtual time: a
//! discrete-event simulation with no runtime and no clock. Requests wait in order for
//! their turn as the gate makes them wait; each is on its way to the server and back for a
//! time of its own. The goals are loose on purpose: the benchmark measures the real client
//! against the real embedded server.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::{Duration, Instant};

use super::learner::{Answer, Learner, Turn};
use super::pacer::PACE_SHARE_OF_ESTIMATE;
use super::pause::MAX_PAUSE;
use super::window::WINDOW;
use super::ThrottleStats;

/// A server's limit.
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
    fn bucket(rate: f64, burst: f64, now: Instant) -> Server {
        Server::Bucket {
            rate,
            burst,
            tokens: burst,
            last: now,
        }
    }

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

/// What happens at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A task wants to send: a new row, or the same one again.
    Ready { task: usize, new_row: bool },
    /// The gate looks at its queue again.
    Wake,
    /// Request `id` reaches the server.
    Arrive { task: usize, id: u64 },
    /// Its answer reaches the client.
    Answer { task: usize, id: u64, taken: bool },
}

/// A task's time on the way, each way: 0.5 ms, or with a seed, 0.1 – 1.1 ms drawn for
/// every request (requests then reach the server out of order).
struct Way(Option<u64>);

impl Way {
    fn new(jitter: Option<u64>, task: usize) -> Way {
        // xorshift64, seeded apart for every task (never zero).
        Way(jitter.map(|seed| {
            ((seed << 16) | task as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(1)
        }))
    }

    fn next(&mut self) -> Duration {
        match &mut self.0 {
            None => Duration::from_micros(500),
            Some(x) => {
                *x ^= *x << 13;
                *x ^= *x >> 7;
                *x ^= *x << 17;
                Duration::from_micros(100 + *x % 1000)
            }
        }
    }
}

/// The simulation's clock and its events, in order (ties in the order scheduled).
struct Timeline {
    events: BinaryHeap<Reverse<(Instant, u64, Event)>>,
    scheduled: u64,
}

impl Timeline {
    fn at(&mut self, at: Instant, event: Event) {
        self.scheduled += 1;
        self.events.push(Reverse((at, self.scheduled, event)));
    }
}

/// `rows` requests by `concurrency` tasks against `server`, each refused one sent again
/// (50 ms later without `Retry-After`, as the retry policy would). Returns the seconds
/// taken and what the learner saw.
fn simulate(
    mut server: Server,
    start: Instant,
    retry_after: Option<Duration>,
    rows: usize,
    concurrency: usize,
    jitter: Option<u64>,
) -> (f64, ThrottleStats) {
    let mut learner = Learner::new(start, MAX_PAUSE);
    let mut ways: Vec<Way> = (0..concurrency).map(|t| Way::new(jitter, t)).collect();
    let mut timeline = Timeline {
        events: BinaryHeap::new(),
        scheduled: 0,
    };
    for task in 0..concurrency {
        timeline.at(
            start,
            Event::Ready {
                task,
                new_row: true,
            },
        );
    }
    // The gate's queue: the tasks waiting, in order, and whether the head waited for the
    // pace (rather than for the server's pause).
    let mut queue: VecDeque<(usize, bool)> = VecDeque::new();
    let (mut started, mut end) = (0, start);
    while let Some(Reverse((now, _, event))) = timeline.events.pop() {
        match event {
            Event::Ready { task, new_row } => {
                if new_row {
                    if started == rows {
                        continue;
                    }
                    started += 1;
                }
                queue.push_back((task, false));
            }
            Event::Wake => {}
            Event::Arrive { task, id } => {
                let taken = server.admit(now);
                let back = now + ways[task].next();
                timeline.at(back, Event::Answer { task, id, taken });
            }
            Event::Answer { task, id, taken } => {
                if taken {
                    learner.answered(now, id, Answer::Taken);
                    end = now;
                    timeline.at(
                        now,
                        Event::Ready {
                            task,
                            new_row: true,
                        },
                    );
                } else {
                    let status = 429;
                    learner.answered(
                        now,
                        id,
                        Answer::Refused {
                            status,
                            retry_after,
                        },
                    );
                    let again =
                        now + retry_after.map_or(Duration::from_millis(50), |_| Duration::ZERO);
                    timeline.at(
                        again,
                        Event::Ready {
                            task,
                            new_row: false,
                        },
                    );
                }
            }
        }
        // The head of the queue takes its turn, as the gate lets it.
        while let Some(&(task, waited)) = queue.front() {
            match learner.turn(now) {
                Turn::Go => {
                    queue.pop_front();
                    let id = learner.sent(now, waited);
                    let there = now + ways[task].next();
                    timeline.at(there, Event::Arrive { task, id });
                }
                Turn::Wait { until, paused } => {
                    queue[0].1 |= !paused;
                    timeline.at(until, Event::Wake);
                    break;
                }
                Turn::AwaitAnswer => break,
            }
        }
    }
    assert_eq!(started, rows);
    ((end - start).as_secs_f64(), learner.stats(end))
}

#[test]
fn the_rate_of_a_token_bucket_is_learned_with_few_refusals() {
    // No jitter: each run is deterministic.
    for retry_after in [Some(Duration::from_secs(1)), None] {
        let start = Instant::now();
        let server = Server::bucket(200.0, 20.0, start);
        let (seconds, stats) = simulate(server, start, retry_after, 10_000, 32, None);
        let (refusals, rate) = (stats.throttled_answers, stats.learned_rate.unwrap());
        assert!((180.0..=210.0).contains(&rate), "{retry_after:?}: {rate}");
        let pace = 10_000.0 / seconds;
        assert!(pace > 0.9 * 200.0, "{retry_after:?}: {pace}/s");
        assert!(refusals < 200, "{retry_after:?}: {refusals}");
    }
}

#[test]
fn a_token_bucket_with_retry_after_is_learned_in_two_refusals_under_jitter() {
    // The benchmark's goal, 95% of a bucket's rate over 10,000 creates, where each
    // refusal holds the client for a second: two (the burst, then the rate) and pacing
    // just under the rate leave about 0.5% to spare; a third (the rate learned a little
    // high, or risen, or a first refusal taken for an isolated one) costs 2%.
    for (concurrency, seed) in [(32, 1), (32, 2), (64, 3), (64, 4)] {
        let start = Instant::now();
        let server = Server::bucket(200.0, 20.0, start);
        let retry_after = Some(Duration::from_secs(1));
        let (seconds, stats) =
            simulate(server, start, retry_after, 10_000, concurrency, Some(seed));
        // Two pauses of a second (the refusals of requests in flight with the refused
        // one extend a pause by the milliseconds between their answers), not three.
        let two_pauses = Duration::from_secs(2)..Duration::from_millis(2_100);
        assert!(two_pauses.contains(&stats.paused), "seed {seed}: {stats:?}");
        let pace = 10_000.0 / seconds / 200.0;
        assert!(pace >= 0.95, "seed {seed}: {pace}");
    }
}

#[test]
fn slow_start_rises_through_a_buckets_rate_slowly_enough_to_measure_it() {
    // The second refusal measures a bucket's rate by how long it took to run dry once the
    // pace passed the rate: one request more or less taken meanwhile (arrivals jitter)
    // moves the estimate by a request over that time. Pacing within 95% of the rate over
    // an import leaves the estimate about ±0.7% (below, the pace is lost; above, a third
    // refusal comes within the import). Doubling every 250 ms from `2B` a second, these
    // estimates were 0.38% off on average, and up to 1.08%.
    let mut errors = Vec::new();
    let rates = [
        190.0, 192.3, 193.0, 194.9, 196.2, 197.3, 198.7, 200.0, 201.6, 203.7, 205.4, 208.1,
    ];
    for (i, rate) in rates.into_iter().enumerate() {
        for seed in 1..=2 {
            let start = Instant::now();
            let server = Server::bucket(rate, 20.0, start);
            let retry_after = Some(Duration::from_secs(1));
            let jitter = Some(10 * i as u64 + seed);
            let (_, stats) = simulate(
                server,
                start,
                retry_after,
                1_000,
                32 * seed as usize,
                jitter,
            );
            // The burst, then the rate: two pauses of a second.
            assert_eq!(stats.paused.as_secs(), 2, "{rate}/s: {stats:?}");
            let estimate = stats.learned_rate.unwrap() / PACE_SHARE_OF_ESTIMATE;
            errors.push((estimate / rate - 1.0).abs());
        }
    }
    let worst = errors.iter().copied().fold(0.0, f64::max);
    let mean = errors.iter().sum::<f64>() / errors.len() as f64;
    assert!(worst < 0.006, "the worst is {:.2}% off", 100.0 * worst);
    assert!(mean < 0.0025, "on average {:.2}% off", 100.0 * mean);
}

#[test]
fn the_rate_of_a_sliding_window_is_learned() {
    let start = Instant::now();
    let window = Server::Window {
        n: 200,
        taken: VecDeque::new(),
    };
    let retry_after = Some(Duration::from_secs(1));
    let (seconds, stats) = simulate(window, start, retry_after, 10_000, 32, None);
    let (refusals, rate) = (stats.throttled_answers, stats.learned_rate);
    // Held one request under the window's 200, counted over 1.005 s.
    assert_eq!(rate, Some(199.0 / 1.005));
    assert!(10_000.0 / seconds > 0.95 * 200.0, "{seconds}");
    // The first burst's refusals (32 in flight), then a refusal at the end of slow start,
    // and none once the window is recognised.
    assert!(refusals <= 2 * 32, "{refusals}");
}
