//! Several clients built apart (a learner each, nothing shared but the server's limit), as
//! separate processes on one API key are, against every kind of limit the benchmark has.
//! Each run is deterministic (a seed draws every request's way to the server and back).

use std::time::{Duration, Instant};

use super::{simulate, Client, Refusal, Run, Server};

/// A limit: its name, the server (made at the simulation's start) and how it refuses.
type Limit = (&'static str, fn(Instant) -> Server, Refusal);

/// The limits: a token bucket of 20 at 200 a second (refusing with `429` and `Retry-After:
/// 1`, with a bare `429`, or with nginx's `503`), a sliding window of 200 in any second, and
/// nginx's `limit_req` without `nodelay` (which holds up to 20 requests over the rate).
fn limits() -> Vec<Limit> {
    vec![
        (
            "bucket, 429 + Retry-After: 1",
            |s| Server::bucket(200.0, 20.0, s),
            Refusal::RETRY_AFTER,
        ),
        (
            "bucket, bare 429",
            |s| Server::bucket(200.0, 20.0, s),
            Refusal::BARE_429,
        ),
        (
            "bucket, nginx 503",
            |s| Server::bucket(200.0, 20.0, s),
            Refusal::NGINX_503,
        ),
        (
            "window, 429 + Retry-After: 1",
            |_| Server::window(200),
            Refusal::RETRY_AFTER,
        ),
        (
            "nginx limit_req, delaying",
            |s| Server::queue(200.0, 20.0, s),
            Refusal::NGINX_503,
        ),
    ]
}

/// `n` clients importing 10,000 rows between them, 16 at a time each, against `limit`.
fn imports(limit: &Limit, n: usize, seed: u64) -> Run {
    let start = Instant::now();
    let clients: Vec<Client> = (0..n).map(|_| Client::bulk(10_000 / n, 16)).collect();
    simulate((limit.1)(start), start, limit.2, &clients, Some(seed))
}

/// The pace kept together and the smallest share, each as a share of the limit (the share
/// times `n`: 1 is a fair share).
fn measured(run: &Run, n: usize) -> (f64, f64) {
    let smallest = run.shares().into_iter().fold(f64::INFINITY, f64::min);
    (run.pace(), smallest * n as f64)
}

#[test]
fn separately_built_clients_share_every_kind_of_limit() {
    // The least pace kept together over three seeds, for N = 2, 4, 8. The goal is 90%
    // everywhere: met for the window at 2; the others are where the rules stand now
    // (BENCHMARKS.md, "Several clients on one key"), a little under the least of the three
    // seeds, so that a change that loses ground fails here. Before these rules, four
    // clients kept 3% of a bucket with `Retry-After` and eight 13%, one of them starved at
    // 0.8% of the limit.
    let floors: [(&str, [f64; 3]); 5] = [
        ("bucket, 429 + Retry-After: 1", [0.76, 0.74, 0.80]),
        ("bucket, bare 429", [0.87, 0.86, 0.82]),
        ("bucket, nginx 503", [0.87, 0.86, 0.82]),
        ("window, 429 + Retry-After: 1", [0.90, 0.87, 0.81]),
        ("nginx limit_req, delaying", [0.81, 0.86, 0.84]),
    ];
    let mut report = Vec::new();
    let mut missed = Vec::new();
    for limit in limits() {
        let (_, floor) = floors.iter().find(|(name, _)| *name == limit.0).unwrap();
        for (n, floor) in [2, 4, 8].into_iter().zip(floor) {
            for seed in 1..=3 {
                let run = imports(&limit, n, seed);
                let (pace, smallest) = measured(&run, n);
                report.push(format!(
                    "{} × {n} (seed {seed}): pace {pace:.3}, smallest share ×N {smallest:.2}, \
                     {} refused",
                    limit.0, run.refused
                ));
                if pace < *floor {
                    missed.push(report.last().cloned().unwrap());
                }
            }
        }
    }
    eprintln!("{report:#?}");
    assert!(missed.is_empty(), "{missed:#?}");
}

#[test]
fn no_client_starves() {
    // Each of N clients keeps at least 1/(2N) of the limit over its run.
    for limit in limits() {
        for n in [2, 4, 8] {
            for seed in 1..=3 {
                let run = imports(&limit, n, seed);
                let (_, smallest) = measured(&run, n);
                assert!(
                    smallest >= 0.5,
                    "{} × {n} (seed {seed}): {:?}",
                    limit.0,
                    run.shares()
                );
            }
        }
    }
}

#[test]
fn a_client_whose_neighbours_finished_takes_the_whole_limit() {
    // Two clients import; one has a tenth of the rows. Once it is done, the other is alone
    // and rises to the whole limit: its last 2,000 rows go at more than 90% of it.
    let start = Instant::now();
    let server = Server::bucket(200.0, 20.0, start);
    let clients = [Client::bulk(1_000, 16), Client::bulk(9_000, 16)];
    let run = simulate(server, start, Refusal::BARE_429, &clients, Some(1));
    let first_done = run.clients[0].end;
    let taken = &run.clients[1].taken_at;
    let tail = &taken[taken.len() - 2_000..];
    assert!(tail[0] > first_done, "{:?} vs {first_done:?}", tail[0]);
    let seconds = (tail[tail.len() - 1] - tail[0]).as_secs_f64();
    let pace = 2_000.0 / seconds / 200.0;
    assert!(pace > 0.9, "{pace}");
}

#[test]
fn a_client_that_joins_a_running_import_gets_its_share() {
    // One client imports alone for 10 s (settled at the whole limit); a second starts then.
    // Over the second one's run, each keeps at least a quarter of the limit; but under a
    // sliding window the first, which had recognised the window, keeps only about 15%, and
    // behind nginx's queue the newcomer about 17% (not solved yet: BENCHMARKS.md, "Several
    // clients on one key").
    for limit in limits() {
        let start = Instant::now();
        let clients = [
            Client::bulk(6_000, 16),
            Client::bulk(2_000, 16).after(Duration::from_secs(10)),
        ];
        let run = simulate((limit.1)(start), start, limit.2, &clients, Some(5));
        let joined = Duration::from_secs(10);
        let end = run.clients[1].end;
        let seconds = (end - joined).as_secs_f64();
        let first = run.clients[0]
            .taken_at
            .iter()
            .filter(|&&at| at > joined && at <= end)
            .count();
        let shares = [first as f64, 2_000.0].map(|rows| rows / seconds / run.limit);
        eprintln!("{}: shares after the join {shares:.3?}", limit.0);
        let least = if limit.0.starts_with("window") || limit.0.starts_with("nginx") {
            0.12
        } else {
            0.25
        };
        assert!(
            shares.iter().all(|&s| s >= least),
            "{}: {shares:?}",
            limit.0
        );
    }
}

#[test]
fn sign_ups_one_at_a_time_beside_three_imports() {
    // A request handler creating users at 10 a second while three imports run: every
    // create succeeds, 99% of them within 2 s, and the imports keep most of the rest.
    for (limit, seed) in limits().iter().zip(1..) {
        let start = Instant::now();
        let every = Duration::from_millis(100);
        let clients = [
            Client::interactive(300, every),
            Client::bulk(4_000, 16),
            Client::bulk(4_000, 16),
            Client::bulk(4_000, 16),
        ];
        let run = simulate((limit.1)(start), start, limit.2, &clients, Some(seed));
        let mut latencies = run.clients[0].latencies.clone();
        assert_eq!(latencies.len(), 300);
        latencies.sort();
        let p99 = latencies[latencies.len() * 99 / 100 - 1];
        assert!(p99 < Duration::from_secs(2), "{}: p99 {p99:?}", limit.0);
        // While the sign-ups came (30 s), the imports' rows a second, against the 190 a
        // second the sign-ups left.
        let window = run.clients[0].end;
        let imported: usize = run.clients[1..]
            .iter()
            .map(|c| c.taken_at.iter().filter(|&&at| at <= window).count())
            .sum();
        let share = imported as f64 / window.as_secs_f64() / (run.limit - 10.0);
        eprintln!(
            "{}: sign-ups p99 {p99:?}, imports {share:.3} of the rest",
            limit.0
        );
        // The goal is 85%: met without `Retry-After`; with it, each refusal holds an
        // importer for a second (BENCHMARKS.md).
        assert!(share > 0.74, "{}: {share:.3}", limit.0);
    }
}
