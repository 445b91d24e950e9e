//! The fault-injection suite: each fault of the embedded server gives its documented outcome,
//! and a long run with injected faults loses no input and creates no duplicate.

mod common;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use usercom::{Client, CreateUser, Error, RetryPolicy};
use usercom_mock::{Fault, MockServer, RecordedRequest};

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
        let user = result.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(user.email.as_deref(), Some("f@example.org"), "{status}");
        assert_eq!((requests, users), (2, 1), "{status}");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let started = Instant::now();
    let (result, requests, users) = run(Fault::status(429).retry_after("1")).await;
    let user = result.unwrap();
    assert_eq!(user.email.as_deref(), Some("f@example.org"));
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
    server.fail_next(20, 429);
    let started = Instant::now();
    let err = client(&server).create_user(&payload()).await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err:?}");
    // Refused without any success: free for the backoff cap (2 s: seven attempts, the
    // client's pause doubling from 25 ms to 1.6 s), then 3 retries.
    assert_eq!(server.request_count(), 7 + 3 + 1, "{:?}", started.elapsed());
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn refusals_within_the_backoff_cap_use_no_retry() {
    // Other processes on the key may take every request the server allows for a moment:
    // five refusals in a row, with no success of this client, within its backoff cap (2 s),
    // use none of its three retries; the sixth attempt creates the user, once.
    let server = MockServer::start().await;
    server.fail_next(5, 429);
    let user = client(&server).create_user(&payload()).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("f@example.org"));
    assert_eq!(server.request_count(), 6);
    assert_eq!(server.user_count(), 1);
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
    let server = MockServer::start().await;
    server.push_fault(Fault::Delay(Duration::from_secs(3)));
    let err = client(&server).create_user(&payload()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.outcome_unknown() && !err.safe_to_retry());
    assert_eq!(server.request_count(), 1);
    // The client gave up after 800 ms; the server is still waiting out its 3 s delay.
    assert_eq!(server.user_count(), 0);
    // Then it processes the request: the user exists although the client saw a timeout,
    // which is why a timeout is an unknown outcome and is not retried.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.user_count() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!((server.request_count(), server.user_count()), (1, 1));
}

#[tokio::test]
async fn a_connection_reset_mid_body_after_a_201_is_a_decode_error_not_retried() {
    let (result, requests, users) = run(Fault::ResetMidBody).await;
    let err = result.unwrap_err();
    // The status arrived, so the outcome is known (created); only the user's body is lost.
    match &err {
        Error::Decode {
            status,
            path,
            message,
            ..
        } => {
            assert_eq!((*status, path.as_str()), (201, "."));
            assert!(
                message.starts_with("the body was cut short after "),
                "{message}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(!err.outcome_unknown() && !err.safe_to_retry());
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
    // The mock's answer to this create has the same length every time (a 4-digit id, a
    // 12-character key, timestamps with microseconds), so the first half of it always ends
    // inside `key`; the wrong-types body fails at its first field, `attributes` (`{}`).
    for (fault, path) in [
        (Fault::TruncatedJson, "key"),
        (Fault::HtmlBody, "."),
        (Fault::WrongTypes, "attributes"),
        (Fault::EmptyBody, "."),
    ] {
        let (result, requests, users) = run(fault.clone()).await;
        let err = result.unwrap_err();
        match &err {
            Error::Decode {
                path: got, status, ..
            } => assert_eq!((*status, got.as_str()), (201, path), "{fault:?}"),
            other => panic!("{fault:?}: expected a decode error, got {other:?}"),
        }
        assert!(!err.safe_to_retry() && !err.outcome_unknown(), "{fault:?}");
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
fn unprocessed_fault(n: usize) -> Fault {
    match n % 6 {
        0 => Fault::status(429),
        1 => Fault::status(503),
        2 => Fault::status(500),
        3 => Fault::status(502),
        4 => Fault::status(504),
        _ => Fault::DropBeforeProcessing,
    }
}

/// A predicate for the request that creates the user whose `user_id` is `user_id`: its
/// body holds `"<user_id>"` (quoted, so `bulk-3` is not `bulk-30`). A byte search, as the
/// server runs every queued predicate on every request.
fn creates(user_id: &str) -> impl Fn(&RecordedRequest) -> bool + Send + Sync + 'static {
    let needle = format!("\"{user_id}\"").into_bytes();
    move |request| {
        request
            .body
            .windows(needle.len())
            .any(|window| window == needle)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_creates_with_ten_percent_faults_account_for_every_input() {
    const USERS: usize = 2_000;
    let server = MockServer::start().await;
    server.record_requests(false);
    // 10% of the inputs meet a fault on their first request: every tenth, from input 3,
    // whenever its request comes in the concurrent run. Input 10k + 3 meets fault k.
    let fault_of = |i: usize| (i % 10 == 3).then(|| unprocessed_fault(i / 10));
    for i in 0..USERS {
        if let Some(fault) = fault_of(i) {
            server.fault_when(creates(&format!("bulk-{i}")), fault);
        }
    }
    // A timeout would be an outcome of its own; with no delay injected, a generous one keeps
    // a loaded machine from causing it.
    let client = common::builder_for(&server)
        .timeout(Duration::from_secs(10))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    let inputs = (0..USERS).map(|i| {
        CreateUser::new()
            .user_id(format!("bulk-{i}"))
            .email(format!("bulk{i}@example.org"))
    });
    let outcomes: Vec<(usize, Result<usercom::User, Error>)> =
        client.create_users(inputs, 32).collect().await;

    // Every input is accounted for, once, with the outcome its fault gives.
    assert_eq!(outcomes.len(), USERS);
    let mut seen = vec![false; USERS];
    let mut succeeded = Vec::new();
    for (index, result) in &outcomes {
        assert!(
            !std::mem::replace(&mut seen[*index], true),
            "index {index} twice"
        );
        match (fault_of(*index), result) {
            // 429 and 503 are retried once and succeed; so does every input without a fault.
            (
                None
                | Some(Fault::Status {
                    status: 429 | 503, ..
                }),
                Ok(user),
            ) => {
                assert_eq!(
                    user.email.as_deref(),
                    Some(format!("bulk{index}@example.org").as_str())
                );
                succeeded.push(format!("bulk-{index}"));
            }
            // The others leave the outcome unknown and are not retried.
            (Some(Fault::Status { status, .. }), Err(err)) => {
                assert!(matches!(err, Error::Api { .. }), "{index}: {err:?}");
                assert_eq!(err.status(), Some(status), "{index}");
                assert!(err.outcome_unknown(), "{index}: {err}");
            }
            (Some(Fault::DropBeforeProcessing), Err(err)) => {
                assert!(matches!(err, Error::Transport { .. }), "{index}: {err:?}");
                assert!(err.outcome_unknown(), "{index}: {err}");
            }
            (fault, result) => panic!("input {index} met {fault:?} and gave {result:?}"),
        }
    }
    // 200 faults: 34 of 429, 34 of 503, and 132 that fail their input (33 each of 500, 502,
    // 504 and a dropped connection).
    assert_eq!(succeeded.len(), USERS - 132);
    assert_eq!(server.request_count(), (USERS + 34 + 34) as u64);
    assert_eq!(server.pending_faults(), 0);

    // The server stored exactly the reported successes, each once.
    let mut stored: Vec<String> = server
        .users()
        .iter()
        .map(|user| user.attributes["user_id"].as_str().unwrap().to_owned())
        .collect();
    stored.sort_unstable();
    succeeded.sort_unstable();
    assert_eq!(stored, succeeded);
}
