//! Several clients on one API key, as separate processes would be: each `Client` built on
//! its own (a throttle of its own, nothing shared), all importing at once against one
//! limit. Used by `cargo bench --bench rate_limit -- instances`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use usercom::{Client, CreateUser};
use usercom_mock::MockServer;

/// What one run of `n` clients did.
pub struct Together {
    /// Users created per second, from the start to the last client's end, over the limit.
    pub pace: f64,
    /// Each client's users per second over its own run, over the limit.
    pub shares: Vec<f64>,
    /// Throttling answers the clients received, together.
    pub refused: u64,
    /// Rows that failed.
    pub failed: usize,
    /// Users created twice.
    pub twice: usize,
    pub elapsed: Duration,
}

/// `n` clients, each built apart against `base_url` (the embedded `server`, or nginx in
/// front of it), importing `rows / n` users each with `create_users(.., concurrency)`.
pub async fn import_together(
    server: &MockServer,
    base_url: &str,
    n: usize,
    rows: usize,
    concurrency: usize,
    limit: f64,
) -> Together {
    let per_client = rows / n;
    let started = Instant::now();
    let runs = (0..n).map(|c| {
        let client = Client::builder()
            .base_url(base_url)
            .api_key(server.api_key())
            .build()
            .expect("valid settings");
        async move {
            let inputs = (0..per_client)
                .map(move |i| CreateUser::new().email(format!("c{c}-user{i}@example.org")));
            let mut outcomes = std::pin::pin!(client.create_users(inputs, concurrency));
            let mut failed = 0;
            while let Some((_, result)) = outcomes.next().await {
                if let Err(err) = result {
                    failed += 1;
                    eprintln!("client {c} failed: {err}");
                }
            }
            let own = started.elapsed();
            let stats = client.throttle_stats();
            // What each client learned, for reading a run's table (stderr).
            eprintln!(
                "  client {c}: done after {own:.1?}, learned {:?}, {} refused, held back {:.1?}",
                stats.learned_rate.map(|r| (r * 10.0).round() / 10.0),
                stats.throttled_answers,
                stats.paused
            );
            (failed, own, stats.throttled_answers)
        }
    });
    let results = futures_util::future::join_all(runs).await;
    let elapsed = started.elapsed();
    let failed: usize = results.iter().map(|r| r.0).sum();
    let shares = results
        .iter()
        .map(|(failed, own, _)| (per_client - failed) as f64 / own.as_secs_f64() / limit)
        .collect();
    let distinct: HashSet<String> = server
        .users()
        .iter()
        .map(|user| user.attributes["email"].as_str().unwrap_or("").to_owned())
        .collect();
    Together {
        pace: (per_client * n - failed) as f64 / elapsed.as_secs_f64() / limit,
        shares,
        refused: results.iter().map(|r| r.2).sum(),
        failed,
        twice: server.user_count() - distinct.len(),
        elapsed,
    }
}
