//! The fault-injection suite: each fault of the embedded server gives its documented outcome,
//! and a long run with injected faults loses no input and creates no duplicate.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use usercom::{Client, CreateUser, Error, RetryPolicy};
use usercom_mock::{Fault, MockServer};

fn client(server: &MockServer) -> Client {
    common::builder_for(server)
        .timeout(Duration::from_millis(800))
        .retry_policy(
            RetryPolicy::default()
                .max_retries(3)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_secs(2)),
        )
        .build()
        .unwrap()
}

fn payload() -> CreateUser<'static> {
    CreateUser::new().email("f@example.org").user_id("f-1")
}

/// Runs one create against `fault`; returns the result, the requests sent and the users
/// stored.
async fn run(fault: Fault) -> (Result<usercom::User, Error>, u64, usize) {
    let server = MockServer::start().await;
    server.push_fault(fault);
    let result = client(&server).create_user(&payload()).await;
    (result, server.request_count(), server.user_count())
}

#[tokio::test]
async fn status_429_and_503_are_retried_and_succeed_once() {
    for status in [429, 503] {
        let (result, requests, users) = run(Fault::status(status)).await;
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!((requests, users), (2, 1), "{status}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let started = Instant::now();
    let (result, requests, users) = run(Fault::status(429).retry_after("1")).await;
    assert!(result.is_ok(), "{result:?}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!((requests, users), (2, 1));
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited() {
    let started = Instant::now();
    let (result, requests, _) = run(Fault::status(429).retry_after("3600")).await;
    let err = result.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(err.safe_to_retry());
    assert_eq!(requests, 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn persistent_429_gives_up_after_the_retry_budget() {
    let server = MockServer::start().await;
    server.fail_next(10, 429);
    let err = client(&server).create_user(&payload()).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.request_count(), 4, "1 attempt + 3 retries");
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn server_errors_with_unknown_outcome_are_not_retried() {
    for status in [500, 502, 504] {
        // Whether or not the server processed the request, the client cannot tell: it must
        // not send it again.
        for fault in [
            Fault::status(status),
            Fault::status(status).after_processing(),
        ] {
            let processed = fault != Fault::status(status);
            let (result, requests, users) = run(fault).await;
            let err = result.unwrap_err();
            assert_eq!(err.status(), Some(status));
            assert!(err.outcome_unknown() && !err.safe_to_retry());
            assert!(err.to_string().contains("outcome is unknown"), "{err}");
            assert_eq!(requests, 1, "{status} must not be retried");
            assert_eq!(users, usize::from(processed));
        }
    }
}

#[tokio::test]
async fn a_response_slower_than_the_timeout_is_a_timeout_not_retried() {
    let (result, requests, users) = run(Fault::Delay(Duration::from_secs(3))).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.outcome_unknown());
    assert_eq!(requests, 1);
    // The mock processes a delayed request once its delay is over; the client gave up first.
    assert!(users <= 1);
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_an_unknown_outcome() {
    let (result, requests, users) = run(Fault::ResetMidBody).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.outcome_unknown());
    assert_eq!(
        (requests, users),
        (1, 1),
        "processed once, never sent again"
    );
}

#[tokio::test]
async fn a_connection_dropped_after_sending_is_not_retried() {
    for (fault, processed) in [
        (Fault::DropBeforeProcessing, 0),
        (Fault::DropAfterProcessing, 1),
    ] {
        let (result, requests, users) = run(fault.clone()).await;
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{fault:?}: {err:?}");
        assert!(err.outcome_unknown(), "{fault:?}");
        assert_eq!((requests, users), (1, processed), "{fault:?}");
    }
}

#[tokio::test]
async fn bodies_that_are_not_a_user_are_decode_errors() {
    for (fault, path) in [
        (Fault::TruncatedJson, None),
        (Fault::HtmlBody, Some(".")),
        (Fault::WrongTypes, Some("created_at")),
        (Fault::EmptyBody, Some(".")),
    ] {
        let (result, requests, users) = run(fault.clone()).await;
        let err = result.unwrap_err();
        match &err {
            Error::Decode {
                path: got, status, ..
            } => {
                assert_eq!(*status, 201);
                if let Some(path) = path {
                    assert_eq!(got, path, "{fault:?}");
                }
            }
            other => panic!("{fault:?}: expected a decode error, got {other:?}"),
        }
        assert!(!err.safe_to_retry());
        assert_eq!((requests, users), (1, 1), "{fault:?}");
    }
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = MockServer::start().await;
    server.fail_next(1, 503);
    let client = common::builder_for(&server).max_retries(0).build().unwrap();
    let err = client.create_user(&payload()).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.request_count(), 1);
}

/// Faults that leave no trace on the server, so that every stored user is a reported success.
fn unprocessed_fault(n: u64) -> Fault {
    match n % 6 {
        0 => Fault::status(429),
        1 => Fault::status(503),
        2 => Fault::status(500),
        3 => Fault::status(502),
        4 => Fault::status(504),
        _ => Fault::DropBeforeProcessing,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_creates_with_ten_percent_faults_account_for_every_input() {
    const USERS: usize = 2_000;
    let server = MockServer::start().await;
    server.record_requests(false);
    // 10% of the requests meet a fault, spread through the run.
    let mut n = 0;
    for i in 0..USERS as u64 {
        if i % 10 == 3 {
            server.push_fault(unprocessed_fault(n));
            n += 1;
        } else {
            server.push_fault(Fault::Delay(Duration::ZERO));
        }
    }
    let client = client(&server);
    let inputs = (0..USERS).map(|i| {
        CreateUser::new()
            .user_id(format!("bulk-{i}"))
            .email(format!("bulk{i}@example.org"))
    });
    let outcomes: Vec<(usize, Result<usercom::User, Error>)> =
        client.create_users(inputs, 32).collect().await;

    // Every input is accounted for, once.
    assert_eq!(outcomes.len(), USERS);
    let mut seen = vec![false; USERS];
    for (index, _) in &outcomes {
        assert!(
            !std::mem::replace(&mut seen[*index], true),
            "index {index} twice"
        );
    }
    let successes = outcomes.iter().filter(|(_, r)| r.is_ok()).count();
    let failures: Vec<&Error> = outcomes
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    for err in &failures {
        // A reason for each, and only the faults that must not be retried.
        assert!(!err.to_string().is_empty());
        assert!(err.outcome_unknown(), "{err}");
    }
    assert_eq!(successes + failures.len(), USERS);
    assert!(successes >= USERS * 85 / 100, "{successes}");

    // The server stored exactly the reported successes, and no user twice.
    let users = server.users();
    assert_eq!(users.len(), successes);
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for user in &users {
        *per_id
            .entry(user.attributes["user_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        per_id.values().all(|&count| count == 1),
        "a duplicate was created"
    );
}
