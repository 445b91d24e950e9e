//! Bulk runs at the server's pace: the shared throttle against the embedded server's rate
//! limits, `Retry-After` held for every request, the throttle bounds, the call bound,
//! progress reports, borrowed inputs and the client-side rate limit. Exact outcomes only;
//! timing is the benchmark's (`cargo bench --bench rate_limit`).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use usercom::{BulkOptions, Client, CreateUser, Error, IntoUserComUser, Progress, RequestState};
use usercom_mock::{Fault, MockServer, RateLimit, Route};

fn inputs(n: usize) -> impl Iterator<Item = CreateUser<'static>> {
    (0..n).map(|i| CreateUser::new().email(format!("user{i}@example.org")))
}

/// 1,000 creates at concurrency 32 against `limit`: none fails, none is created twice, and
/// every request the server saw was either a create or a refusal that was retried.
async fn thousand_creates_against(limit: RateLimit) {
    const USERS: usize = 1_000;
    let server = MockServer::start().await;
    server.record_requests(false);
    server.set_rate_limit(limit.clone());
    let client = common::builder_for(&server)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let outcomes: Vec<_> = client.create_users(inputs(USERS), 32).collect().await;
    assert_eq!(
        common::failures(&outcomes),
        Vec::<String>::new(),
        "{limit:?}"
    );
    assert_eq!(outcomes.len(), USERS);
    common::assert_each_created_once(&server, USERS);
    let refused = server.rate_limited_count();
    assert_eq!(server.request_count(), USERS as u64 + refused, "{limit:?}");
    assert_eq!(
        client.throttle_stats().throttled_answers,
        refused,
        "{limit:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_bucket_with_retry_after_loses_nothing() {
    thousand_creates_against(RateLimit::token_bucket(2_000.0, 20)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_503_without_retry_after_loses_nothing() {
    thousand_creates_against(RateLimit::token_bucket(2_000.0, 20).service_unavailable()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_retry_after_loses_nothing() {
    thousand_creates_against(RateLimit::token_bucket(2_000.0, 20).without_retry_after()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sliding_window_loses_nothing() {
    thousand_creates_against(RateLimit::sliding_window(500, Duration::from_secs(1))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_once_for_every_request_in_flight() {
    let server = MockServer::start().await;
    // All eight requests are in before the first answer goes out, and each is refused with
    // Retry-After: 1.
    server.set_latency(Duration::from_millis(200));
    server.fail_next_with_retry_after(8, 429, "1");
    let client = common::client_for(&server);
    let outcomes: Vec<_> = client.create_users(inputs(8), 8).collect().await;
    assert!(outcomes.iter().all(|(_, r)| r.is_ok()), "{outcomes:?}");
    // Each request was refused once and sent once more, after the wait: the server saw
    // nothing from the client while its Retry-After ran.
    assert_eq!(server.request_count(), 16);
    assert_eq!(server.requests_during_retry_after(), 0);
    common::assert_each_created_once(&server, 8);
    let stats = client.throttle_stats();
    assert_eq!(stats.throttled_answers, 8);
    assert!(stats.paused >= Duration::from_secs(1), "{stats:?}");
    // Eight refusals, each in flight when the first arrived: no rate is learned from them.
    assert_eq!(stats.learned_rate, None);
}

#[tokio::test]
async fn a_retry_after_longer_than_max_backoff_stops_the_requests_not_yet_sent() {
    let server = MockServer::start().await;
    server.fail_next_with_retry_after(1, 429, "3600");
    let client = common::client_for(&server);
    let first = client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(first, Error::Api { status: 429, .. }), "{first:?}");
    // The next call is not sent at all: the server asked every request to wait an hour.
    let next = client
        .create_user(&CreateUser::new().email("b@example.org"))
        .await
        .unwrap_err();
    match &next {
        Error::Throttled { refusals, .. } => assert_eq!(*refusals, 0),
        other => panic!("{other:?}"),
    }
    assert_eq!(next.status(), Some(429));
    assert!(next.safe_to_retry() && !next.outcome_unknown());
    // The pause lasts at most the policy's max_throttled_time (5 minutes by default), and
    // the error names what the server asked.
    let left = next.retry_after().unwrap();
    assert!(
        left <= Duration::from_secs(300) && left > Duration::from_secs(290),
        "{left:?}"
    );
    let message = next.to_string();
    assert!(message.contains("max_backoff"), "{message}");
    assert!(message.contains("wait 3600s"), "{message}");
    assert!(message.contains("max_throttled_time of 300s"), "{message}");
    assert!(message.contains("not processed"), "{message}");
    assert_eq!(server.request_count(), 1);
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn an_absurd_retry_after_holds_the_client_no_longer_than_max_throttled_time() {
    for asked in [
        "1000000000000",
        "18446744073709551615",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let server = MockServer::start().await;
        server.fail_next_with_retry_after(1, 429, asked);
        let bound = Duration::from_millis(400);
        let client = common::builder_for(&server)
            .retry_policy(
                usercom::RetryPolicy::default()
                    .max_backoff(Duration::from_millis(100))
                    .max_throttled_time(bound),
            )
            .build()
            .unwrap();
        let first = client
            .create_user(&CreateUser::new().email("a@example.org"))
            .await
            .unwrap_err();
        assert_eq!(first.status(), Some(429), "{asked}: {first:?}");
        let said = first.retry_after().unwrap();
        assert!(
            said > Duration::from_secs(1_000_000_000),
            "{asked}: {said:?}"
        );
        // Held, with what the server asked and the bound that holds instead.
        let next = client
            .create_user(&CreateUser::new().email("b@example.org"))
            .await
            .unwrap_err();
        assert!(matches!(next, Error::Throttled { .. }), "{asked}: {next:?}");
        assert!(next.retry_after().unwrap() <= bound, "{asked}: {next:?}");
        let message = next.to_string();
        assert!(message.contains(&format!("wait {said:?}")), "{message}");
        assert!(message.contains("max_throttled_time of 400ms"), "{message}");
        // Once the bound has passed, the client sends again.
        tokio::time::sleep(bound).await;
        client
            .create_user(&CreateUser::new().email("b@example.org"))
            .await
            .unwrap();
        assert_eq!(server.request_count(), 2, "{asked}");
        assert_eq!(server.user_count(), 1, "{asked}");
    }
}

/// A row refused again and again while other rows go through is not failed on a retry
/// count: what counts as progress is any success since its previous refusal (while it
/// waited out its backoff and its turn), not only one inside the refused round trip, which
/// against a limiter that refuses at once is almost never.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_refused_at_once_waits_its_turn_while_other_rows_succeed() {
    let server = MockServer::start().await;
    for _ in 0..6 {
        server.fault_when(
            |request| {
                request
                    .json()
                    .is_ok_and(|body| body["email"] == "victim@example.org")
            },
            Fault::status(503).with_body(Fault::HTML_PAGE),
        );
    }
    // One request per 50 ms: a refusal comes back long before the next request goes, so
    // no other row succeeds inside the victim's round trip; one does between its refusals.
    let client = common::builder_for(&server)
        .rate_limit(20)
        .retry_policy(
            usercom::RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let rows = std::iter::once(CreateUser::new().email("victim@example.org")).chain(inputs(10));
    let outcomes: Vec<_> = client.create_users(rows, 2).collect().await;
    assert_eq!(common::failures(&outcomes), Vec::<String>::new());
    common::assert_each_created_once(&server, 11);
    assert_eq!(server.request_count(), 17);
}

#[tokio::test]
async fn a_request_refused_past_the_throttle_bound_fails_saying_so() {
    let server = MockServer::start().await;
    server.fail_next(10, 429);
    let client = common::throttle_bounded_client(&server);
    let err = client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .unwrap_err();
    match &err {
        Error::Throttled {
            refusals, source, ..
        } => {
            assert_eq!(*refusals, 3);
            assert!(matches!(**source, Error::Api { status: 429, .. }));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.safe_to_retry());
    assert!(
        err.to_string().contains("max_throttled_retries of 2"),
        "{err}"
    );
    assert_eq!(server.request_count(), 3);
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn the_call_bound_says_a_create_was_never_sent() {
    let server = MockServer::start().await;
    server.fail_next_with_retry_after(1, 429, "5");
    let client = common::client_for(&server);
    let quick = client.with_call_timeout(Duration::from_millis(300));
    // Refused, and the wait runs past the bound: refused, not processed.
    let err = quick
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::CallTimeout {
                state: RequestState::NotProcessed,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.safe_to_retry() && !err.outcome_unknown());
    // The next call would wait out the rest of the Retry-After: not sent at all.
    let err = quick
        .create_user(&CreateUser::new().email("b@example.org"))
        .await
        .unwrap_err();
    match &err {
        Error::CallTimeout { limit, state } => {
            assert_eq!(*limit, Duration::from_millis(300));
            assert_eq!(*state, RequestState::NotSent);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("never sent"), "{err}");
    assert_eq!(server.request_count(), 1);
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn the_call_bound_says_when_a_create_may_have_been_processed() {
    let server = MockServer::start().await;
    server.push_fault(Fault::Delay(Duration::from_millis(800)));
    let client = common::builder_for(&server)
        .call_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::CallTimeout {
                state: RequestState::OutcomeUnknown,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown() && !err.safe_to_retry());
    assert!(err.to_string().contains("outcome is unknown"), "{err}");
    // It was: the server processes what it received.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while server.user_count() == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.user_count(), 1);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_call_bound_covers_the_second_step_and_says_the_user_exists() {
    let server = MockServer::start().await;
    server.fault_on(
        Route::SetMultipleAttributes,
        Fault::Delay(Duration::from_millis(800)),
    );
    let client = common::client_for(&server).with_call_timeout(Duration::from_millis(300));
    let err = client
        .create_user(
            &CreateUser::new()
                .email("a@example.org")
                .attribute("plan", "pro"),
        )
        .await
        .unwrap_err();
    let user = err.created_user().expect("the user exists");
    assert_eq!(user.email.as_deref(), Some("a@example.org"));
    match &err {
        Error::AttributesNotSet { source, .. } => assert!(
            matches!(
                **source,
                Error::CallTimeout {
                    state: RequestState::OutcomeUnknown,
                    ..
                }
            ),
            "{source:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.user_count(), 1);
}

#[tokio::test]
async fn progress_counts_add_up_to_the_inputs() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let inputs = (0..300).map(|i| {
        // Every 10th input is invalid and fails without a request.
        let email = if i % 10 == 7 {
            format!("invalid-{i}")
        } else {
            format!("user{i}@example.org")
        };
        CreateUser::new().email(email)
    });
    let reports: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let seen = reports.clone();
    let (options, channel) = BulkOptions::new(8)
        .on_progress(move |p| seen.lock().unwrap().push(p.clone()))
        .progress_channel();
    let outcomes: Vec<_> = client.create_users_with(inputs, options).collect().await;
    assert_eq!(outcomes.len(), 300);

    let reports = reports.lock().unwrap();
    // One report per outcome, and a last one.
    assert_eq!(reports.len(), 301);
    for (n, report) in reports.iter().enumerate().take(300) {
        assert_eq!(report.done + report.failed, n as u64 + 1);
        assert!(!report.finished);
    }
    let last = reports.last().unwrap();
    assert!(last.finished);
    assert_eq!((last.done, last.failed, last.in_flight), (270, 30, 0));
    assert_eq!(last.done + last.failed, 300);
    assert_eq!(last.throttled, 0);
    assert_eq!(*channel.borrow(), *last);
    assert_eq!(server.user_count(), 270);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_counts_the_throttled_answers_of_the_run() {
    let server = MockServer::start().await;
    server.set_rate_limit(RateLimit::token_bucket(2_000.0, 10).without_retry_after());
    let client = common::client_for(&server);
    let (options, channel) = BulkOptions::new(16).progress_channel();
    let outcomes: Vec<_> = client
        .create_users_with(inputs(200), options)
        .collect()
        .await;
    assert!(outcomes.iter().all(|(_, r)| r.is_ok()));
    let last = channel.borrow().clone();
    assert!(last.finished);
    assert_eq!((last.done, last.failed, last.in_flight), (200, 0, 0));
    assert_eq!(last.throttled, server.rate_limited_count());
}

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(user_id)]
    id: u32,
}

#[tokio::test]
async fn bulk_operations_borrow_their_inputs() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let customers: Vec<Customer> = (0..5)
        .map(|i| Customer {
            email: format!("c{i}@example.org"),
            id: i,
        })
        .collect();
    let created: Vec<_> = client.create_users(&customers, 8).collect().await;
    assert!(created.iter().all(|(_, r)| r.is_ok()));
    let upserted: Vec<_> = client.upsert_users(customers.iter(), 8).collect().await;
    assert!(upserted.iter().all(|(_, r)| r.is_ok()));
    let again: Vec<_> = client
        .create_users_with(&customers[..2], BulkOptions::new(2))
        .collect()
        .await;
    assert_eq!(again.len(), 2);
    // Still ours after the runs: nothing was moved or copied out.
    assert_eq!(customers.len(), 5);
    assert_eq!(server.user_count(), 5 + 2);
}

#[tokio::test]
async fn the_client_side_limit_keeps_below_the_server_limit() {
    let server = MockServer::start().await;
    server.set_rate_limit(RateLimit::token_bucket(200.0, 2));
    let client = common::builder_for(&server)
        .rate_limit(100)
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let outcomes: Vec<_> = client.create_users(inputs(100), 16).collect().await;
    assert!(outcomes.iter().all(|(_, r)| r.is_ok()));
    assert_eq!(server.rate_limited_count(), 0);
    common::assert_each_created_once(&server, 100);
    // 100 requests at 100 a second (the first two together): the last leaves after 980 ms.
    assert!(started.elapsed() >= Duration::from_millis(980));
}

#[test]
fn a_rate_limit_of_zero_is_a_configuration_error() {
    let err = Client::builder()
        .subdomain("my-app")
        .api_key(&"k".repeat(64))
        .rate_limit(0)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_takes_borrowed_inputs_and_options() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    let client = common::builder_for(&server).build_blocking().unwrap();
    let customers: Vec<Customer> = (0..4)
        .map(|i| Customer {
            email: format!("b{i}@example.org"),
            id: i,
        })
        .collect();
    assert_eq!(client.create_users(&customers, 2).count(), 4);
    let (options, progress) = BulkOptions::new(2).progress_channel();
    let upserted = client.upsert_users_with(&customers, options).count();
    assert_eq!(upserted, 4);
    assert!(progress.borrow().finished);
    assert_eq!(server.user_count(), 4);
}
