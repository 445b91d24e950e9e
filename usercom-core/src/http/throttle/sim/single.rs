//! One client alone: the rate of each kind of limit learned, and the pace kept.

use std::time::{Duration, Instant};

use super::super::pacer::PACE_SHARE_OF_ESTIMATE;
use super::super::ThrottleStats;
use super::{simulate as simulate_all, Client, Refusal, Server};

/// `rows` requests by `concurrency` tasks of one client against `server`, refusing with
/// `429` (and `retry_after`, if any). Returns the seconds taken and what the learner saw.
fn simulate(
    server: Server,
    start: Instant,
    retry_after: Option<Duration>,
    rows: usize,
    concurrency: usize,
    jitter: Option<u64>,
) -> (f64, ThrottleStats) {
    let refusal = Refusal {
        status: 429,
        retry_after,
    };
    let clients = [Client::bulk(rows, concurrency)];
    let mut run = simulate_all(server, start, refusal, &clients, jitter);
    let client = run.clients.remove(0);
    (client.seconds, client.stats)
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
    let window = Server::window(200);
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

#[test]
fn a_bucket_with_a_large_burst_keeps_the_pace() {
    // A burst of a whole second of the rate: slow start begins at four times the rate, and
    // its refusal comes far above it, which the learner may take for a limit shared with
    // others. Alone, the client keeps the pace all the same: the burst absorbs its pauses.
    let start = Instant::now();
    let server = Server::bucket(200.0, 200.0, start);
    let retry_after = Some(Duration::from_secs(1));
    let (seconds, _) = simulate(server, start, retry_after, 10_000, 32, Some(9));
    let pace = 10_000.0 / seconds / 200.0;
    assert!(pace >= 0.97, "{pace}");
}

#[test]
fn a_lone_client_behind_nginx_delaying_queue_keeps_its_rate() {
    // nginx's `limit_req` without `nodelay` holds what is over the rate, and refuses (503,
    // no `Retry-After`) what is over its burst: refusals come in clusters, from jitter, at a
    // rate the client has right. Alone, they are not another client's doing.
    let start = Instant::now();
    let server = Server::queue(200.0, 20.0, start);
    let refusal = super::Refusal::NGINX_503;
    let clients = [super::Client::bulk(10_000, 32)];
    let run = simulate_all(server, start, refusal, &clients, Some(4));
    let client = &run.clients[0];
    let pace = 10_000.0 / client.seconds / 200.0;
    let rate = client.stats.learned_rate.unwrap();
    eprintln!(
        "lone queue: pace {pace:.3}, rate {rate:.1}, {:?}",
        client.stats
    );
    assert!(pace >= 0.98, "{pace}");
    assert!(rate >= 0.98 * 200.0, "{rate}");
}
