//! The sync across processes: a run killed (SIGKILL) at random moments converges, and two
//! processes syncing one Postgres store at once send each user once. Each child process is
//! this test binary again, running the ignored test `worker` with its orders in the
//! environment.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{customers, draw, held};
use usercom_core::Client;
use usercom_mock::MockServer;
use usercom_sync::Store;

/// The worker's orders: `<server URL>|<store>|<users>`.
const ORDERS: &str = "USERCOM_SYNC_WORKER";

/// A child process that syncs `users` customers to `server` with the store at `store`.
fn spawn_worker(server: &MockServer, store: &str, users: usize) -> tokio::process::Child {
    tokio::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "worker",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ORDERS, format!("{}|{store}|{users}", server.base_url()))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// The child's side: one run, to its end (unless killed).
#[tokio::test]
#[ignore = "a child process of the tests in this file: run by them, with its orders"]
async fn worker() {
    let orders = std::env::var(ORDERS).expect("run by the tests in this file, with orders");
    let parts: Vec<&str> = orders.split('|').collect();
    let client = Client::builder()
        .base_url(parts[0])
        .api_key(MockServer::API_KEY)
        .build()
        .unwrap();
    let store = Store::open(parts[1]).await.unwrap();
    let report = store
        .sync_users(&client, customers(parts[2].parse().unwrap()))
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_at_three_random_moments_converges_with_none_created_twice() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("sync.db").display().to_string();
    let users = 5_000;
    for attempt in 1..=3 {
        let mut child = spawn_worker(&server, &store, users);
        let moment = Duration::from_millis(200 + draw(1_500));
        let finished = tokio::time::timeout(moment, child.wait()).await.is_ok();
        if !finished {
            child.kill().await.unwrap();
        }
        eprintln!(
            "run {attempt}: killed after {moment:?}: {} ({} users held)",
            if finished {
                "it had finished"
            } else {
                "SIGKILL"
            },
            server.user_count()
        );
    }
    let status = spawn_worker(&server, &store, users).wait().await.unwrap();
    assert!(status.success(), "the last run failed: {status}");
    let held = held(&server);
    assert_eq!(held.len(), users, "every user once");
    for customer in customers(users) {
        let user = &held[&customer.id];
        assert_eq!(user.attributes["email"], customer.email.as_str());
        assert_eq!(
            user.attributes["phone_number"],
            customer.phone.as_deref().unwrap()
        );
        assert_eq!(user.custom["plan"], "free");
    }
    // And the store agrees: a run in this process sends nothing.
    let store = Store::sqlite(&store).await.unwrap();
    let requests = server.request_count();
    let client = common::client(&server);
    let report = store.sync_users(&client, customers(users)).await.unwrap();
    assert_eq!(report.unchanged, users);
    assert_eq!(server.request_count(), requests);
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_store_send_each_user_once() {
    let server = MockServer::start().await;
    server.record_requests(true);
    let url = common::fresh_postgres().await;
    // Opened once first, so that both children find the tables made.
    drop(Store::postgres(&url).await.unwrap());
    let users = 500;
    let (mut a, mut b) = (
        spawn_worker(&server, &url, users),
        spawn_worker(&server, &url, users),
    );
    let (a, b) = (a.wait().await.unwrap(), b.wait().await.unwrap());
    assert!(a.success() && b.success(), "{a} {b}");
    let upserts = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("users/update_or_create/"))
        .count();
    assert_eq!(upserts, users, "each user sent once");
    assert_eq!(held(&server).len(), users);
    let store = Store::postgres(&url).await.unwrap();
    assert_eq!(store.status().await.unwrap().users, users as i64);
    drop(store);
    common::drop_postgres(&url).await;
}
