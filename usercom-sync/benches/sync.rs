//! `cargo bench -p usercom-sync --features postgres --bench sync [-- users]`: a sync run
//! over `users` users (100,000 by default) of which 1% changed, against the embedded server
//! limited to 200 requests a second (bursts of 20, `429` with `Retry-After: 1`), with an
//! SQLite store and (with `USERCOM_SYNC_POSTGRES_URL` set, as `.ci/with-postgres` sets it) a
//! Postgres one; beside it, in the same run, the same changes synced alone (a store that
//! knows only the changed users), each by a new client. Prints the requests User.com took
//! (refusals left out), the two runs' times and their ratio,
//! the time per unchanged user (a run over the users with none changed), and the store's size
//! per user. Then the pace of a sync of new users against `create_users` of as many, on the
//! same limit.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use usercom_core::{Client, CreateUser};
use usercom_mock::{MockServer, RateLimit};
use usercom_sync::Store;

const LIMIT: f64 = 200.0;

/// The `i`th user, its phone number changed when `changed`.
fn user(i: usize, changed: bool) -> CreateUser<'static> {
    let phone = if changed {
        format!("+48 700 {i:06}")
    } else {
        format!("+48 600 {i:06}")
    };
    CreateUser::new()
        .user_id(format!("u{i}"))
        .email(format!("u{i}@example.org"))
        .phone_number(phone)
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(&server.base_url())
        .api_key(MockServer::API_KEY)
        .build()
        .expect("client")
}

/// What one store measured.
struct Measured {
    requests: u64,
    whole: Duration,
    alone: Duration,
    unchanged: Duration,
    bytes_per_user: Option<f64>,
}

/// Runs the measurement on stores made by `open` (the whole set's store, and the store of the
/// changed users alone); `size` reads a store's size in bytes.
async fn measure<F, Fut>(users: usize, open: F) -> Measured
where
    F: Fn(&'static str) -> Fut,
    Fut: std::future::Future<Output = (Store, Box<dyn Fn() -> Option<u64>>)>,
{
    let changed = |i: usize| i.is_multiple_of(100);
    let server = MockServer::start().await;
    let client = client(&server);
    let (whole, size) = open("whole").await;
    let (alone, _) = open("alone").await;
    // The state before: every user synced once, without a limit.
    let before: Vec<_> = (0..users).map(|i| user(i, false)).collect();
    let seeded = whole
        .sync_users_with(&client, &before, options())
        .await
        .unwrap();
    assert!(seeded.is_clean(), "{:?}", seeded.failed.first());
    let changed_before: Vec<_> = (0..users)
        .filter(|&i| changed(i))
        .map(|i| user(i, false))
        .collect();
    alone
        .sync_users_with(&client, &changed_before, options())
        .await
        .unwrap();
    drop((before, changed_before));
    let unchanged_run = {
        let inputs: Vec<_> = (0..users).map(|i| user(i, false)).collect();
        let start = Instant::now();
        let report = whole.sync_users(&client, &inputs).await.unwrap();
        assert_eq!(report.unchanged, users);
        start.elapsed()
    };
    server.set_rate_limit(RateLimit::token_bucket(LIMIT, 20));
    // The changes alone, then the whole set with the same changes; each by a new client
    // (neither store has kept a pace yet: both learn the limit).
    let alone_run = {
        let client = self::client(&server);
        let inputs: Vec<_> = (0..users)
            .filter(|&i| changed(i))
            .map(|i| user(i, true))
            .collect();
        let start = Instant::now();
        let report = alone
            .sync_users_with(&client, &inputs, options())
            .await
            .unwrap();
        assert_eq!((report.updated, report.failed.len()), (inputs.len(), 0));
        start.elapsed()
    };
    let requests_before = (server.request_count(), server.rate_limited_count());
    let whole_run = {
        let client = self::client(&server);
        let inputs: Vec<_> = (0..users).map(|i| user(i, changed(i))).collect();
        let start = Instant::now();
        let report = whole
            .sync_users_with(&client, &inputs, options())
            .await
            .unwrap();
        assert_eq!(report.updated, users.div_ceil(100));
        assert!(report.failed.is_empty());
        start.elapsed()
    };
    Measured {
        requests: (server.request_count() - requests_before.0)
            - (server.rate_limited_count() - requests_before.1),
        whole: whole_run,
        alone: alone_run,
        unchanged: unchanged_run,
        bytes_per_user: size().map(|bytes| bytes as f64 / users as f64),
    }
}

fn options() -> usercom_sync::SyncOptions {
    usercom_sync::SyncOptions::new().concurrency(32)
}

fn print(store: &str, users: usize, m: &Measured) {
    println!(
        "| {store} | {users} | {} | {} | {:.2?} | {:.2?} | {:.2} | {:.1} µs | {} |",
        users.div_ceil(100),
        m.requests,
        m.whole,
        m.alone,
        m.whole.as_secs_f64() / m.alone.as_secs_f64(),
        m.unchanged.as_secs_f64() * 1e6 / users as f64,
        m.bytes_per_user
            .map_or_else(|| "n/a".to_owned(), |b| format!("{b:.0} B")),
    );
}

/// A sync of `n` new users against `create_users` of as many, on the same limit: the pace of
/// each, in requests and in users a second (an upsert is read back: two requests a user).
async fn pace(n: usize) {
    println!();
    println!("| run ({n} users, fresh client and server each) | requests/s (of the limit) | users/s | failed | twice |");
    println!("|---|---|---|---|---|");
    for sync in [false, true] {
        let server = MockServer::start().await;
        server.set_rate_limit(RateLimit::token_bucket(LIMIT, 20));
        let client = client(&server);
        let inputs: Vec<_> = (0..n).map(|i| user(i, false)).collect();
        let start = Instant::now();
        let failed = if sync {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::sqlite(dir.path().join("s.db")).await.unwrap();
            let report = store
                .sync_users_with(&client, &inputs, options())
                .await
                .unwrap();
            report.failed.len()
        } else {
            let outcomes: Vec<_> = client.create_users(&inputs, 32).collect().await;
            outcomes.iter().filter(|(_, r)| r.is_err()).count()
        };
        let elapsed = start.elapsed().as_secs_f64();
        let taken = server.request_count() - server.rate_limited_count();
        let users = server.user_count();
        println!(
            "| {} | {:.1}% | {:.1} | {failed} | {} |",
            if sync {
                "sync_users (upsert + read-back)"
            } else {
                "create_users"
            },
            100.0 * taken as f64 / elapsed / LIMIT,
            users as f64 / elapsed,
            users.saturating_sub(n),
        );
    }
}

/// A short run (2,000 changed users: one request each, 10 s at the limit) by a new client,
/// without a pace kept and with the pace the store kept from the run before, against the
/// token bucket with `Retry-After: 1`: the share of the limit each keeps.
async fn short_runs() {
    let n = 2_000;
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(dir.path().join("s.db")).await.unwrap();
    let seed: Vec<_> = (0..n).map(|i| user(i, false)).collect();
    store
        .sync_users_with(&client(&server), &seed, options())
        .await
        .unwrap();
    server.set_rate_limit(RateLimit::token_bucket(LIMIT, 20));
    println!();
    println!("| short run ({n} changed users, a new client) | pace (of the limit) | refused | held back |");
    println!("|---|---|---|---|");
    for (label, changed) in [
        ("no pace kept (a fresh store)", true),
        ("the pace the store kept", false),
    ] {
        let client = client(&server);
        let inputs: Vec<_> = (0..n).map(|i| user(i, changed)).collect();
        let requests = (server.request_count(), server.rate_limited_count());
        let start = Instant::now();
        let report = store
            .sync_users_with(&client, &inputs, options())
            .await
            .unwrap();
        let elapsed = start.elapsed().as_secs_f64();
        assert_eq!((report.updated, report.failed.len()), (n, 0));
        let refused = server.rate_limited_count() - requests.1;
        let taken = server.request_count() - requests.0 - refused;
        let stats = client.throttle_stats();
        println!(
            "| {label} | {:.1}% | {refused} | {:.1?} |",
            100.0 * taken as f64 / elapsed / LIMIT,
            stats.paused
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("run with `cargo bench -p usercom-sync --bench sync`");
        return;
    }
    let users: usize = args
        .iter()
        .filter(|a| !a.starts_with("--"))
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("{users} users, 1% changed (a phone number), against the embedded server limited to {LIMIT}/s (bursts of 20)");
    println!();
    println!("| store | users | changed | requests sent | run over all | changed alone | ratio | per unchanged user | store per user |");
    println!("|---|---|---|---|---|---|---|---|---|");
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        let sqlite = measure(users, |name| {
            let path = root.join(format!("{name}.db"));
            async move {
                let store = Store::sqlite(&path).await.unwrap();
                let size: Box<dyn Fn() -> Option<u64>> = Box::new(move || {
                    let wal = path.with_extension("db-wal");
                    let bytes = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
                    Some(bytes(&path) + bytes(&wal))
                });
                (store, size)
            }
        })
        .await;
        print("SQLite", users, &sqlite);
        postgres(users).await;
        short_runs().await;
        pace(2_000).await;
    });
}

#[cfg(feature = "postgres")]
async fn postgres(users: usize) {
    let Ok(base) = std::env::var("USERCOM_SYNC_POSTGRES_URL") else {
        println!("| Postgres | not run: USERCOM_SYNC_POSTGRES_URL is not set (.ci/with-postgres sets it) |");
        return;
    };
    let measured = measure(users, |name| {
        let base = base.clone();
        async move {
            use sqlx::Connection;
            let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
            let db = format!("usercom_sync_bench_{name}_{}", std::process::id());
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db}"))
                .execute(&mut admin)
                .await
                .unwrap();
            sqlx::query(&format!("CREATE DATABASE {db}"))
                .execute(&mut admin)
                .await
                .unwrap();
            let mut url = url::Url::parse(&base).unwrap();
            url.set_path(&db);
            let store = Store::postgres(url.as_str()).await.unwrap();
            let url = url.to_string();
            let size: Box<dyn Fn() -> Option<u64>> = Box::new(move || {
                let url = url.clone();
                std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let mut conn = sqlx::PgConnection::connect(&url).await.ok()?;
                        let (bytes,): (i64,) =
                            sqlx::query_as("SELECT pg_total_relation_size('usercom_sync_users')")
                                .fetch_one(&mut conn)
                                .await
                                .ok()?;
                        u64::try_from(bytes).ok()
                    })
                })
                .join()
                .ok()
                .flatten()
            });
            (store, size)
        }
    })
    .await;
    print("Postgres", users, &measured);
}

#[cfg(not(feature = "postgres"))]
async fn postgres(_users: usize) {
    println!("| Postgres | not run: build with `--features postgres` |");
}
