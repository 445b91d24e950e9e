//! The bulk API: bounded concurrency, every input's outcome reported once.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use usercom::{Client, CreateUser, Error};
use usercom_mock::MockServer;

fn client(server: &MockServer) -> Client {
    common::client_for(server)
}

#[tokio::test]
async fn every_input_gets_exactly_one_outcome_within_the_concurrency_bound() {
    let server = MockServer::start().await;
    server.set_latency(Duration::from_millis(5));
    let client = client(&server);
    let inputs = (0..300).map(|i| {
        // Every 10th input is invalid and must fail without a request.
        let email = if i % 10 == 7 {
            format!("invalid-{i}")
        } else {
            format!("user{i}@example.org")
        };
        CreateUser::new().email(email)
    });
    let outcomes: Vec<_> = client.create_users(inputs, 8).collect().await;

    assert_eq!(outcomes.len(), 300);
    let indices: HashSet<usize> = outcomes.iter().map(|(i, _)| *i).collect();
    assert_eq!(indices, (0..300).collect());
    for (index, result) in &outcomes {
        match result {
            Ok(user) => assert_eq!(
                user.email.as_deref(),
                Some(format!("user{index}@example.org").as_str())
            ),
            Err(err) => {
                assert_eq!(index % 10, 7, "{err}");
                assert!(matches!(err, Error::InvalidInput { .. }));
            }
        }
    }
    assert_eq!(server.user_count(), 270);
    assert!(server.max_in_flight() <= 8, "{}", server.max_in_flight());
    assert!(
        server.max_in_flight() >= 2,
        "requests overlapped: {}",
        server.max_in_flight()
    );
}

#[tokio::test]
async fn inputs_are_pulled_lazily() {
    let server = MockServer::start().await;
    let client = client(&server);
    let pulled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = pulled.clone();
    let inputs = (0..1_000_000u64).map(move |i| {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        CreateUser::new().email(format!("u{i}@example.org"))
    });
    let first: Vec<_> = client.create_users(inputs, 4).take(10).collect().await;
    assert_eq!(first.len(), 10);
    // Only the inputs needed to keep 4 requests in flight were read, not the million: the
    // 10 done and the 3 still in flight when the 10th finished (the stream tops its 4
    // requests up before it yields each outcome).
    assert_eq!(pulled.load(std::sync::atomic::Ordering::SeqCst), 13);
}

#[tokio::test]
async fn zero_concurrency_means_one() {
    let server = MockServer::start().await;
    let outcomes: Vec<_> = client(&server)
        .create_users((0..3).map(|i| CreateUser::new().user_id(i.to_string())), 0)
        .collect()
        .await;
    assert_eq!(outcomes.len(), 3);
    assert_eq!(server.max_in_flight(), 1);
}
