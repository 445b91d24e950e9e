//! Bulk creates against a rate-limited server: pace, losses and refusals.
//!
//! ```text
//! cargo bench --bench rate_limit                  # 10,000 creates, concurrency 32 and 64, every limit
//! cargo bench --bench rate_limit -- 2000          # another number of creates
//! cargo bench --bench rate_limit -- 2000 bucket   # only the limits whose name contains `bucket`
//! cargo bench --bench rate_limit -- events 2000   # events (`create_events`) instead of creates
//! cargo bench --bench rate_limit -- instances      # 1, 2, 4, 8 clients built apart, 4,000 creates
//! ```
//!
//! `instances` builds N = 1, 2, 4 and 8 clients apart (as N processes on one API key would
//! be: a throttle each, nothing shared), which import 4,000 users between them (or the
//! number given), 16 at a time each, against every limit at once; it prints the pace they
//! keep together, each one's share of the limit (times N: 1 is a fair share), the
//! throttling answers, the failed rows and the users created twice.
//!
//! The embedded server (`usercom-mock`) takes 200 requests a second, as a token bucket with
//! bursts of 20 (refusing with `429` and `Retry-After: 1`, `429` without it, or nginx's
//! `503`) or as a sliding window of 200 requests in any second (Django REST Framework's
//! throttle, `429` and `Retry-After: 1`). Two more limits are nginx's own `limit_req` (200 a
//! second, `burst=20`, refusing with `503`) in front of the embedded server, when `nginx` is
//! installed (Debian: `apt-get install nginx-light`; the bench says so when it is not):
//! with `nodelay`, and without it (nginx's default, which holds up to 20 requests over the
//! rate and passes them on at the rate). Each run creates the users through
//! `create_users(inputs, concurrency)` with the default settings, and reports: failed rows,
//! users created twice, the pace (users created per second, as a share of the limit), the
//! share of requests the server refused, the time the client held its requests back, and the
//! rate the client learned. Goals: 0 failed, 0 twice, pace at least 95%, refusals under 5%.
//! A last run sets the client-side limit (`ClientBuilder::rate_limit(200)`) as a user who
//! knows the quota would.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use usercom::{Client, CreateEvent, CreateUser};
use usercom_mock::{MockServer, RateLimit};

#[path = "support/instances.rs"]
mod instances;
#[path = "support/nginx.rs"]
mod nginx;

const LIMIT: f64 = 200.0;

/// What enforces the limit.
#[derive(Clone)]
enum Limit {
    /// The embedded server itself.
    Embedded(RateLimit),
    /// nginx's `limit_req` in front of the embedded server: `burst=20 nodelay` (refusing what
    /// the bucket does not take at once), or `burst=20` alone (nginx's default: holding up to
    /// 20 requests to pass them on at the rate, refusing beyond).
    Nginx { nodelay: bool },
}

/// The limits, and the client-side limit set with `ClientBuilder::rate_limit`, if any.
fn limits() -> Vec<(&'static str, Limit, Option<u32>)> {
    vec![
        (
            "token bucket, 429 + Retry-After: 1",
            Limit::Embedded(RateLimit::token_bucket(LIMIT, 20)),
            None,
        ),
        (
            "token bucket, 429 without Retry-After",
            Limit::Embedded(RateLimit::token_bucket(LIMIT, 20).without_retry_after()),
            None,
        ),
        (
            "token bucket, nginx 503",
            Limit::Embedded(RateLimit::token_bucket(LIMIT, 20).service_unavailable()),
            None,
        ),
        (
            "sliding window, 429 + Retry-After: 1",
            Limit::Embedded(RateLimit::sliding_window(
                LIMIT as u32,
                Duration::from_secs(1),
            )),
            None,
        ),
        (
            "nginx limit_req (burst=20 nodelay), 503",
            Limit::Nginx { nodelay: true },
            None,
        ),
        (
            "nginx limit_req (burst=20, delaying), 503",
            Limit::Nginx { nodelay: false },
            None,
        ),
        (
            "token bucket, 429 + Retry-After: 1, client rate_limit(200)",
            Limit::Embedded(RateLimit::token_bucket(LIMIT, 20)),
            Some(LIMIT as u32),
        ),
    ]
}

struct Outcome {
    failed: usize,
    twice: usize,
    pace: f64,
    refused: f64,
    held_back: Duration,
    learned: Option<f64>,
    elapsed: Duration,
}

/// What a run sends: users (`create_users`) or events of one user (`create_events`).
#[derive(Clone, Copy, PartialEq)]
enum Sent {
    Users,
    Events,
}

async fn run(
    limit: Limit,
    client_limit: Option<u32>,
    users: usize,
    concurrency: usize,
    sent: Sent,
) -> Outcome {
    let (server, base_url, _nginx) = serve(&limit).await;
    let mut builder = Client::builder()
        .base_url(&base_url)
        .api_key(server.api_key());
    if let Some(per_second) = client_limit {
        builder = builder.rate_limit(per_second);
    }
    let client = builder.build().expect("valid settings");
    let (started, failed) = match sent {
        Sent::Users => {
            let inputs =
                (0..users).map(|i| CreateUser::new().email(format!("user{i}@example.org")));
            let started = Instant::now();
            let failed = count_failed(client.create_users(inputs, concurrency)).await;
            (started, failed)
        }
        Sent::Events => {
            // The one user the events are of (before the clock starts: it is not paced).
            server.clear_rate_limit();
            let user = client
                .create_user(&CreateUser::new().email("events@example.org"))
                .await
                .expect("the events' user");
            if let Limit::Embedded(limit) = &limit {
                server.set_rate_limit(limit.clone());
            }
            let inputs = (0..users).map(|i| (user.id, CreateEvent::new("bench").data("n", i)));
            let started = Instant::now();
            let failed = count_failed(client.create_events(inputs, concurrency)).await;
            (started, failed)
        }
    };
    let elapsed = started.elapsed();
    let (sent_count, distinct) = match sent {
        Sent::Users => {
            let distinct: HashSet<String> = server
                .users()
                .iter()
                .map(|user| user.attributes["email"].as_str().unwrap_or("").to_owned())
                .collect();
            (server.user_count(), distinct.len())
        }
        Sent::Events => {
            let events = server.events();
            let distinct: HashSet<u64> = events
                .iter()
                .filter_map(|event| event.data.get("n").and_then(|n| n.as_u64()))
                .collect();
            (events.len(), distinct.len())
        }
    };
    let stats = client.throttle_stats();
    Outcome {
        failed,
        twice: sent_count - distinct,
        pace: (users - failed) as f64 / elapsed.as_secs_f64() / LIMIT,
        // nginx's refusals never reach the embedded server: counted by the client.
        refused: match server.rate_limited_count() {
            0 => {
                stats.throttled_answers as f64
                    / (stats.throttled_answers + server.request_count()) as f64
            }
            refused => refused as f64 / server.request_count() as f64,
        },
        held_back: stats.paused,
        learned: stats.learned_rate,
        elapsed,
    }
}

/// The embedded server behind `limit`, the base URL that reaches it through the limit, and
/// nginx when it enforces the limit (it stays up while kept).
async fn serve(limit: &Limit) -> (MockServer, String, Option<nginx::Nginx>) {
    let server = MockServer::start().await;
    server.record_requests(false);
    match limit {
        Limit::Embedded(limit) => {
            server.set_rate_limit(limit.clone());
            let url = server.base_url();
            (server, url, None)
        }
        Limit::Nginx { nodelay } => {
            let nginx = start_nginx(&server, *nodelay);
            let path = server.base_url();
            let path = path.splitn(4, '/').nth(3).unwrap_or("").to_owned();
            let url = format!("http://127.0.0.1:{}/{path}", nginx.port);
            (server, url, Some(nginx))
        }
    }
}

/// `cargo bench --bench rate_limit -- instances [rows] [filter]`: N = 1, 2, 4, 8 clients
/// built apart, importing `rows` users between them, 16 at a time each, against each limit.
fn instances(runtime: &tokio::runtime::Runtime, rows: usize, selected: impl Fn(&str) -> bool) {
    println!("| limit | clients | pace together | each client's share (× N) | refused | failed | created twice | elapsed |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, limit, client_limit) in limits() {
        if !selected(name) || client_limit.is_some() {
            continue;
        }
        if matches!(limit, Limit::Nginx { .. }) && nginx::find_program("nginx").is_none() {
            continue;
        }
        for n in [1, 2, 4, 8] {
            let o = runtime.block_on(async {
                let (server, base_url, _nginx) = serve(&limit).await;
                instances::import_together(&server, &base_url, n, rows, 16, LIMIT).await
            });
            let shares: Vec<String> = o
                .shares
                .iter()
                .map(|s| format!("{:.2}", s * n as f64))
                .collect();
            println!(
                "| {name} | {n} | {:.1}% | {} | {} | {} | {} | {:.1?} |",
                100.0 * o.pace,
                shares.join(", "),
                o.refused,
                o.failed,
                o.twice,
                o.elapsed,
            );
        }
    }
}

/// Drains a bulk run's outcomes; how many failed (each printed).
async fn count_failed<T>(
    outcomes: impl futures_util::Stream<Item = (usize, Result<T, usercom::Error>)>,
) -> usize {
    let mut outcomes = std::pin::pin!(outcomes);
    let mut failed = 0;
    while let Some((_, result)) = outcomes.next().await {
        if let Err(err) = result {
            failed += 1;
            eprintln!("failed: {err}");
        }
    }
    failed
}

/// nginx with `limit_req` at [`LIMIT`] a second and bursts of 20, passing what it lets
/// through on to `server` over kept-alive connections.
fn start_nginx(server: &MockServer, nodelay: bool) -> nginx::Nginx {
    let program = nginx::find_program("nginx").expect("checked by main");
    let http = format!(
        "  limit_req_zone $binary_remote_addr zone=usercom:1m rate={LIMIT}r/s;\n\
         upstream mock {{ server {}; keepalive 128; }}",
        server.addr()
    );
    let server_block = format!(
        "    location / {{\n      limit_req zone=usercom burst=20{};\n\
         proxy_pass http://mock;\n      proxy_http_version 1.1;\n\
         proxy_set_header Connection \"\";\n    }}",
        if nodelay { " nodelay" } else { "" }
    );
    nginx::Nginx::start(&program, &http, &server_block).expect("nginx starts")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: do nothing then.
    if !args.iter().any(|a| a == "--bench") {
        println!("run with `cargo bench --bench rate_limit`");
        return;
    }
    let together = args.iter().any(|a| a == "instances");
    let sent = if args.iter().any(|a| a == "events") {
        Sent::Events
    } else {
        Sent::Users
    };
    let mut words = args
        .iter()
        .filter(|a| !a.starts_with("--") && a.as_str() != "events" && a.as_str() != "instances");
    let default_users = if together { 4_000 } else { 10_000 };
    let users: usize = words
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default_users);
    let only = words.next().cloned().unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    if together {
        println!("{users} creates between N clients built apart, against the embedded server limited to {LIMIT}/s (bursts of 20)");
        println!();
        instances(&runtime, users, |name: &str| name.contains(only.as_str()));
        return;
    }
    let what = match sent {
        Sent::Users => "creates",
        Sent::Events => "events (`create_events`)",
    };
    println!("{users} {what} against the embedded server limited to {LIMIT}/s (bursts of 20)");
    let selected = |name: &str| name.contains(only.as_str());
    let nginx = nginx::find_program("nginx");
    if limits()
        .iter()
        .any(|(name, limit, _)| selected(name) && matches!(limit, Limit::Nginx { .. }))
    {
        match &nginx {
            Some(program) => println!(
                "(nginx rows: {} with `limit_req` in front of it, one worker process)",
                nginx::version(program)
            ),
            None => println!(
                "(nginx rows: not run, nginx is not installed; Debian: apt-get install nginx-light)"
            ),
        }
    }
    println!();
    println!("| limit | concurrency | failed | created twice | pace (of the limit) | refused (of requests) | held back | learned rate | elapsed |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, limit, client_limit) in limits() {
        if !selected(name) || (matches!(limit, Limit::Nginx { .. }) && nginx.is_none()) {
            continue;
        }
        for concurrency in [32, 64] {
            let o = runtime.block_on(run(limit.clone(), client_limit, users, concurrency, sent));
            println!(
                "| {name} | {concurrency} | {} | {} | {:.1}% | {:.2}% | {:.1?} | {} | {:.1?} |",
                o.failed,
                o.twice,
                100.0 * o.pace,
                100.0 * o.refused,
                o.held_back,
                o.learned
                    .map(|r| format!("{r:.1}/s"))
                    .unwrap_or_else(|| "none".into()),
                o.elapsed,
            );
        }
    }
}
