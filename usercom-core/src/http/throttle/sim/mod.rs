//! Learners driven by simulated clients against one simulated server, in virtual time: a
//! discrete-event simulation with no runtime and no clock. Each client is built on its own
//! (its own learner, nothing shared with the others but the server's limit), as separate
//! processes on one API key are. A client's requests wait in order for their turn as the
//! gate makes them wait; each is on its way to the server and back for a time of its own.
//! The goals are loose on purpose: the benchmark measures the real client against the real
//! embedded server.

mod instances;
mod server;
mod single;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::{Duration, Instant};

use super::learner::{Answer, Learner, Turn};
use super::pause::MAX_PAUSE;
use super::ThrottleStats;
use server::Admit;
pub(super) use server::Server;

/// One client of a simulation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Client {
    /// The rows it sends.
    pub(super) rows: usize,
    /// How it sends them.
    pub(super) kind: Kind,
    /// When it starts, after the simulation's start.
    pub(super) delay: Duration,
}

/// How a client sends its rows.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    /// A bulk run: `concurrency` tasks, each sending the next row once its last is taken.
    Bulk { concurrency: usize },
    /// One row every `every` (a request handler creating users as they sign up), each sent
    /// when it comes, whatever is in flight.
    Interactive { every: Duration },
}

impl Client {
    /// A bulk run of `rows` at `concurrency`, from the start.
    pub(super) fn bulk(rows: usize, concurrency: usize) -> Client {
        Client {
            rows,
            kind: Kind::Bulk { concurrency },
            delay: Duration::ZERO,
        }
    }

    /// `rows` created one at a time, one every `every`, from the start.
    pub(super) fn interactive(rows: usize, every: Duration) -> Client {
        Client {
            rows,
            kind: Kind::Interactive { every },
            delay: Duration::ZERO,
        }
    }

    /// The same, starting `delay` after the simulation.
    pub(super) fn after(self, delay: Duration) -> Client {
        Client { delay, ..self }
    }
}

/// How the server refuses: its status, and the `Retry-After` it sends, if any.
#[derive(Debug, Clone, Copy)]
pub(super) struct Refusal {
    pub(super) status: u16,
    pub(super) retry_after: Option<Duration>,
}

impl Refusal {
    /// `429` with `Retry-After: 1`.
    pub(super) const RETRY_AFTER: Refusal = Refusal {
        status: 429,
        retry_after: Some(Duration::from_secs(1)),
    };
    /// `429` without `Retry-After`.
    pub(super) const BARE_429: Refusal = Refusal {
        status: 429,
        retry_after: None,
    };
    /// nginx's `503`, without `Retry-After`.
    pub(super) const NGINX_503: Refusal = Refusal {
        status: 503,
        retry_after: None,
    };
}

/// What one client of a run did.
#[derive(Debug)]
pub(super) struct ClientRun {
    /// From its start to its last row taken.
    pub(super) seconds: f64,
    /// When its last row was taken, after the simulation's start.
    pub(super) end: Duration,
    /// What its learner saw.
    pub(super) stats: ThrottleStats,
    /// For each row, from when it came to when it was taken.
    pub(super) latencies: Vec<Duration>,
    /// When each of its rows was taken, after the simulation's start.
    pub(super) taken_at: Vec<Duration>,
}

/// What a simulation did.
#[derive(Debug)]
pub(super) struct Run {
    pub(super) clients: Vec<ClientRun>,
    /// The server's rate.
    pub(super) limit: f64,
    /// Requests the server refused.
    pub(super) refused: u64,
}

impl Run {
    /// The rows of every client taken per second, from the start to the last row taken, as
    /// a share of the limit.
    pub(super) fn pace(&self) -> f64 {
        let rows: usize = self.clients.iter().map(|c| c.taken_at.len()).sum();
        let end = self.clients.iter().map(|c| c.end).max().unwrap_or_default();
        rows as f64 / end.as_secs_f64() / self.limit
    }

    /// Each client's rows per second over its own run, as a share of the limit.
    pub(super) fn shares(&self) -> Vec<f64> {
        self.clients
            .iter()
            .map(|c| c.taken_at.len() as f64 / c.seconds / self.limit)
            .collect()
    }
}

/// What happens at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// A task of `client` wants to send: a new row, or the same one again.
    Ready {
        client: usize,
        task: usize,
        new_row: bool,
    },
    /// The gate of `client` looks at its queue again.
    Wake { client: usize },
    /// Request `id` of `client` reaches the server.
    Arrive { client: usize, task: usize, id: u64 },
    /// Its answer reaches the client.
    Answer {
        client: usize,
        task: usize,
        id: u64,
        taken: bool,
    },
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
#[derive(Default)]
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

/// A client while the simulation runs.
struct Running {
    spec: Client,
    learner: Learner,
    /// One way for each task (an interactive client's rows share one).
    ways: Vec<Way>,
    /// The tasks waiting at the gate, in order, and whether the head waited for the pace.
    queue: VecDeque<(usize, bool)>,
    /// When each task's row came.
    came: Vec<Instant>,
    started: usize,
    latencies: Vec<Duration>,
    taken_at: Vec<Duration>,
    /// The wake-up already scheduled, if any.
    wake: Option<Instant>,
}

impl Running {
    fn way(&mut self, task: usize) -> &mut Way {
        let index = task.min(self.ways.len() - 1);
        &mut self.ways[index]
    }
}

/// `clients` against `server`, which refuses with `refusal`; each refused row sent again
/// (50 ms later without `Retry-After`, as the retry policy would). Every client is built
/// apart, with a learner of its own.
pub(super) fn simulate(
    mut server: Server,
    start: Instant,
    refusal: Refusal,
    clients: &[Client],
    jitter: Option<u64>,
) -> Run {
    let limit = server.rate();
    let mut timeline = Timeline::default();
    let mut running: Vec<Running> = clients
        .iter()
        .enumerate()
        .map(|(c, &spec)| {
            let first = start + spec.delay;
            let tasks = match spec.kind {
                Kind::Bulk { concurrency } => concurrency,
                Kind::Interactive { .. } => 1,
            };
            for task in 0..tasks {
                let client = c;
                timeline.at(
                    first,
                    Event::Ready {
                        client,
                        task,
                        new_row: true,
                    },
                );
            }
            // Client 0's ways are seeded as a lone client's always were.
            let ways = (0..tasks).map(|t| Way::new(jitter, (c << 8) | t)).collect();
            Running {
                spec,
                learner: Learner::new(first, MAX_PAUSE),
                ways,
                queue: VecDeque::new(),
                came: vec![first; tasks],
                started: 0,
                latencies: Vec::new(),
                taken_at: Vec::new(),
                wake: None,
            }
        })
        .collect();
    let mut refused = 0;
    while let Some(Reverse((now, _, event))) = timeline.events.pop() {
        let c = match event {
            Event::Ready {
                client,
                task,
                new_row,
            } => {
                let me = &mut running[client];
                if new_row {
                    if me.started == me.spec.rows {
                        continue;
                    }
                    me.started += 1;
                    if let Kind::Interactive { every } = me.spec.kind {
                        // The next row comes on its own time, as a new task.
                        if me.started < me.spec.rows {
                            let next = me.came.len();
                            timeline.at(
                                now + every,
                                Event::Ready {
                                    client,
                                    task: next,
                                    new_row: true,
                                },
                            );
                            me.came.push(now + every);
                        }
                    }
                    me.came[task] = now;
                }
                me.queue.push_back((task, false));
                client
            }
            Event::Wake { client } => {
                running[client].wake = None;
                client
            }
            Event::Arrive { client, task, id } => {
                let admitted = server.admit(now);
                let me = &mut running[client];
                let (taken, delay) = match admitted {
                    Admit::Taken(delay) => (true, delay),
                    Admit::Refused => {
                        refused += 1;
                        (false, Duration::ZERO)
                    }
                };
                let back = now + delay + me.way(task).next();
                timeline.at(
                    back,
                    Event::Answer {
                        client,
                        task,
                        id,
                        taken,
                    },
                );
                continue;
            }
            Event::Answer {
                client,
                task,
                id,
                taken,
            } => {
                let me = &mut running[client];
                if taken {
                    me.learner.answered(now, id, Answer::Taken);
                    me.latencies.push(now - me.came[task]);
                    me.taken_at.push(now - start);
                    if let Kind::Bulk { .. } = me.spec.kind {
                        let new_row = true;
                        timeline.at(
                            now,
                            Event::Ready {
                                client,
                                task,
                                new_row,
                            },
                        );
                    }
                } else {
                    let Refusal {
                        status,
                        retry_after,
                    } = refusal;
                    let answer = Answer::Refused {
                        status,
                        retry_after,
                    };
                    me.learner.answered(now, id, answer);
                    let again =
                        now + retry_after.map_or(Duration::from_millis(50), |_| Duration::ZERO);
                    let new_row = false;
                    timeline.at(
                        again,
                        Event::Ready {
                            client,
                            task,
                            new_row,
                        },
                    );
                }
                client
            }
        };
        // The head of the client's queue takes its turn, as its gate lets it.
        let me = &mut running[c];
        while let Some(&(task, waited)) = me.queue.front() {
            match me.learner.turn(now) {
                Turn::Go => {
                    me.queue.pop_front();
                    let id = me.learner.sent(now, waited);
                    let there = now + me.way(task).next();
                    timeline.at(
                        there,
                        Event::Arrive {
                            client: c,
                            task,
                            id,
                        },
                    );
                }
                Turn::Wait { until, paused } => {
                    me.queue[0].1 |= !paused;
                    if me.wake.is_none_or(|at| at > until) {
                        me.wake = Some(until);
                        timeline.at(until, Event::Wake { client: c });
                    }
                    break;
                }
                Turn::AwaitAnswer => break,
            }
        }
    }
    let clients = running
        .into_iter()
        .map(|me| {
            assert_eq!(me.started, me.spec.rows);
            assert_eq!(me.taken_at.len(), me.spec.rows);
            let end = me.taken_at.last().copied().unwrap_or_default();
            ClientRun {
                seconds: (end.saturating_sub(me.spec.delay)).as_secs_f64(),
                end,
                stats: me.learner.stats(start + end),
                latencies: me.latencies,
                taken_at: me.taken_at,
            }
        })
        .collect();
    Run {
        clients,
        limit,
        refused,
    }
}
