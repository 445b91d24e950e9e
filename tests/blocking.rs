//! The blocking client (feature `blocking`): every operation of the async client, callable
//! from any thread that may block, never panicking or deadlocking.
#![cfg(feature = "blocking")]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use usercom::{blocking, ApiVersion, CreateUser, Error, RetryPolicy};
use usercom_mock::MockServer;

/// The server runs on a runtime of its own, as a remote User.com would.
fn start_server() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    (runtime, server)
}

fn client_for(server: &MockServer) -> blocking::Client {
    usercom::Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
        .build_blocking()
        .unwrap()
}

fn email(n: usize) -> String {
    format!("user{n}@example.org")
}

/// The emails of the users stored by `server`.
fn stored_emails(server: &MockServer) -> BTreeSet<String> {
    server
        .users()
        .iter()
        .map(|u| u.attributes["email"].as_str().unwrap().to_owned())
        .collect()
}

/// Runs `f` on a thread of its own and fails the test if it has not returned within a
/// minute (a deadlock or livelock) or if it panicked.
fn within_a_minute<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no answer within a minute"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

#[test]
fn creates_a_user_without_an_async_runtime() {
    let (_runtime, server) = start_server();
    let client = blocking::Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
        .build()
        .unwrap();
    let user = client
        .create_user(
            &CreateUser::new()
                .email("b@example.org")
                .attribute("plan", "pro"),
        )
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("b@example.org"));
    assert_eq!(user.attribute("plan"), Some(&serde_json::json!("pro")));
    assert_eq!(server.user_count(), 1);
    // Clones share the client; both work.
    client
        .clone()
        .create_user(&CreateUser::new().email("c@example.org"))
        .unwrap();
    assert_eq!(server.user_count(), 2);
}

#[test]
fn bad_configuration_and_input_are_errors_not_panics() {
    assert!(matches!(
        blocking::Client::new("bad.host", &"k".repeat(64)),
        Err(Error::Config { .. })
    ));
    assert!(matches!(
        usercom::Client::builder().api_key("short").build_blocking(),
        Err(Error::Config { .. })
    ));
    let client = blocking::Client::new("app", &"k".repeat(64)).unwrap();
    let err = client
        .create_user(&CreateUser::new().email("nope"))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    let err = client
        .upsert_user(&CreateUser::new().email("a@example.org"))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");

    let key = "k".repeat(64);
    assert!(!format!("{client:?}").contains(&key));
    let builder = blocking::Client::builder().subdomain("app").api_key(&key);
    assert!(!format!("{builder:?}").contains(&key));
}

#[test]
fn works_inside_spawn_blocking_on_a_multi_thread_runtime() {
    let (runtime, server) = start_server();
    let client = client_for(&server);
    let user = within_a_minute("spawn_blocking", move || {
        runtime.block_on(async move {
            tokio::task::spawn_blocking(move || {
                client.create_user(&CreateUser::new().email("spawned@example.org"))
            })
            .await
            .unwrap()
        })
    })
    .unwrap();
    assert_eq!(user.email.as_deref(), Some("spawned@example.org"));
    assert_eq!(server.user_count(), 1);
}

#[test]
fn works_under_a_runtime_enter_guard() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let other = tokio::runtime::Runtime::new().unwrap();
    let _guard = other.enter();
    let user = client
        .create_user(&CreateUser::new().email("entered@example.org"))
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("entered@example.org"));
    let upserted = client
        .upsert_user(&CreateUser::new().user_id("u1").email("u1@example.org"))
        .unwrap();
    assert!(upserted.created);
    assert_eq!(server.user_count(), 2);
}

#[test]
fn threads_sharing_one_client_each_get_their_users() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 6;
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let client = &client;
            scope.spawn(move || {
                for i in 0..PER_THREAD {
                    let n = t * PER_THREAD + i;
                    let user = client
                        .create_user(&CreateUser::new().email(email(n)))
                        .unwrap();
                    assert_eq!(user.email, Some(email(n)));
                }
            });
        }
    });
    assert_eq!(server.user_count(), THREADS * PER_THREAD);
    let expected: BTreeSet<String> = (0..THREADS * PER_THREAD).map(email).collect();
    assert_eq!(stored_emails(&server), expected);

    // A bulk iterator may be consumed on another thread, while this one sends too.
    let total = THREADS * PER_THREAD;
    let outcomes = client.create_users(
        (total..total + 10).map(|n| CreateUser::new().email(email(n))),
        3,
    );
    let bulk = std::thread::scope(|scope| {
        let bulk = scope.spawn(move || outcomes.filter(|(_, result)| result.is_ok()).count());
        client
            .create_user(&CreateUser::new().email(email(total + 10)))
            .unwrap();
        bulk.join().unwrap()
    });
    assert_eq!(bulk, 10);
    assert_eq!(server.user_count(), total + 11);
    let expected: BTreeSet<String> = (0..total + 11).map(email).collect();
    assert_eq!(stored_emails(&server), expected);
}

#[test]
fn called_from_an_async_task_it_blocks_that_thread_but_completes() {
    // Not the place for it, but no panic, no deadlock: 300 calls in one poll of one task
    // spend Tokio's cooperative budget many times over.
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let ids = within_a_minute("inside a task", move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let ids = runtime
            .block_on(runtime.spawn(async move {
                (0..300)
                    .map(|n| client.create_user(&CreateUser::new().email(email(n))))
                    .map(|result| result.map(|user| user.id))
                    .collect::<Result<BTreeSet<u64>, Error>>()
            }))
            .unwrap();
        runtime.shutdown_background();
        ids
    })
    .unwrap();
    assert_eq!(ids.len(), 300);
    assert_eq!(server.user_count(), 300);
}

#[test]
fn called_inside_a_current_thread_runtime_it_completes() {
    // What `#[tokio::main(flavor = "current_thread")]` and `#[tokio::test]` run.
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let user = within_a_minute("inside block_on", move || {
        let current = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        current.block_on(async move {
            let user = client.create_user(&CreateUser::new().email("inside@example.org"));
            drop(client); // dropping inside a runtime is fine too
            user
        })
    })
    .unwrap();
    assert_eq!(user.email.as_deref(), Some("inside@example.org"));
    assert_eq!(server.user_count(), 1);
}

#[test]
fn dropped_inside_an_async_context_it_does_not_panic() {
    let (runtime, server) = start_server();
    let client = client_for(&server);
    client
        .create_user(&CreateUser::new().email("a@example.org"))
        .unwrap();
    // A half-consumed bulk iterator, then the client, each the last of its kind, dropped
    // inside a task of a multi-thread runtime.
    let remaining = runtime
        .block_on(runtime.spawn(async move {
            let mut outcomes =
                client.create_users((1..20).map(|n| CreateUser::new().email(email(n))), 2);
            let first = outcomes.next().map(|(_, result)| result.is_ok());
            drop(outcomes);
            drop(client);
            first
        }))
        .unwrap();
    assert_eq!(remaining, Some(true));
    // Built and dropped inside a current-thread runtime's block_on.
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    current.block_on(async {
        let client = client_for(&server);
        let clone = client.clone();
        drop(client);
        drop(clone);
    });
    // Requests abandoned by the dropped iterator were one or two; nothing more was sent.
    let count = server.user_count();
    assert!((2..=3).contains(&count), "{count} users");
}

#[test]
fn create_users_yields_one_outcome_per_input() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let inputs: Vec<CreateUser<'static>> = (0..10)
        .map(|n| {
            if n == 4 {
                CreateUser::new().email("not-an-email")
            } else {
                CreateUser::new().email(email(n))
            }
        })
        .collect();
    let mut outcomes: Vec<_> = client.create_users(inputs, 3).collect();
    outcomes.sort_by_key(|(index, _)| *index);
    assert_eq!(
        outcomes.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        (0..10).collect::<Vec<_>>()
    );
    for (index, result) in outcomes {
        match result {
            Ok(user) => {
                assert_ne!(index, 4);
                assert_eq!(user.email, Some(email(index)));
            }
            Err(err) => {
                assert_eq!(index, 4);
                assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
            }
        }
    }
    assert_eq!(server.user_count(), 9);
    assert!(server.max_in_flight() <= 3, "{}", server.max_in_flight());
    // A concurrency of 0 is taken as 1, as in the async client.
    let outcomes: Vec<_> = client
        .create_users((10..13).map(|n| CreateUser::new().email(email(n))), 0)
        .collect();
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes.iter().all(|(_, result)| result.is_ok()));
    assert_eq!(server.user_count(), 12);
}

#[test]
fn bulk_inputs_are_pulled_lazily() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let inputs = (0..6).map(move |n| {
        counter.fetch_add(1, Ordering::SeqCst);
        CreateUser::new().email(email(n))
    });
    let mut outcomes = client.create_users(inputs, 2);
    // Nothing is pulled or sent before the first `next`.
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert_eq!(server.request_count(), 0);
    let (_, first) = outcomes.next().unwrap();
    first.unwrap();
    // Exactly `concurrency` inputs were pulled to yield the first outcome.
    assert_eq!(pulled.load(Ordering::SeqCst), 2);
    let rest: Vec<_> = outcomes.by_ref().collect();
    assert_eq!(rest.len(), 5);
    assert!(rest.iter().all(|(_, result)| result.is_ok()));
    assert_eq!(pulled.load(Ordering::SeqCst), 6);
    // Fused: the end stays the end.
    assert!(outcomes.next().is_none());
    assert_eq!(server.user_count(), 6);
}

#[test]
fn upsert_users_creates_then_updates() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let accounts = |city: &'static str| {
        (0..5).map(move |n| {
            CreateUser::new()
                .user_id(format!("acct{n}"))
                .email(email(n))
                .city(city)
        })
    };
    let first: Vec<_> = client.upsert_users(accounts("Oslo"), 2).collect();
    assert_eq!(first.len(), 5);
    assert!(first.iter().all(|(_, r)| r.as_ref().unwrap().created));
    let mut second: Vec<_> = client.upsert_users(accounts("Bergen"), 4).collect();
    second.sort_by_key(|(index, _)| *index);
    for (index, result) in second {
        let upserted = result.unwrap();
        assert!(!upserted.created);
        assert_eq!(upserted.user.email, Some(email(index)));
        assert_eq!(upserted.user.city.as_deref(), Some("Bergen"));
    }
    assert_eq!(server.user_count(), 5);
}

#[test]
fn every_way_to_build_it_gives_the_same_client() {
    let (_runtime, server) = start_server();
    let key = server.api_key().to_owned();
    let async_builder = || {
        usercom::Client::builder()
            .base_url(&server.base_url())
            .api_key(&key)
            .api_version(ApiVersion::V2)
    };
    let from_builder = async_builder().build_blocking().unwrap();
    let from_async = blocking::Client::from_async(async_builder().build().unwrap()).unwrap();
    let converted = blocking::ClientBuilder::from(async_builder())
        .build()
        .unwrap();
    // Every setter of the blocking builder, as users' code calls them.
    let compat = blocking::Client::builder()
        .base_url(&server.base_url())
        .api_key(&key)
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(2))
        .max_response_bytes(1 << 20)
        .api_version(ApiVersion::V2)
        .retry_policy(RetryPolicy::none())
        .max_retries(1)
        .build()
        .unwrap();
    let payload = CreateUser::new().user_id("u7").email("v2@example.org");
    let expected = async_builder()
        .build()
        .unwrap()
        .create_user_body(&payload)
        .unwrap();
    assert!(String::from_utf8_lossy(&expected).contains("custom_id"));
    for client in [&from_builder, &from_async, &converted, &compat] {
        assert_eq!(client.api_version(), ApiVersion::V2);
        assert_eq!(client.base_url(), server.base_url());
        assert_eq!(client.create_user_body(&payload).unwrap(), expected);
        assert!(!format!("{client:?}").contains(&key));
    }
    let user = compat.create_user(&payload).unwrap();
    assert_eq!(user.email.as_deref(), Some("v2@example.org"));
    assert_eq!(server.user_count(), 1);
}

#[test]
fn the_builders_settings_reach_the_requests() {
    let (_runtime, server) = start_server();
    // Timeouts and retry back-offs run on the client's runtime thread.
    let client = blocking::Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .max_retries(2)
        .build()
        .unwrap();
    server.fail_next(2, 503);
    client
        .create_user(&CreateUser::new().email("retried@example.org"))
        .unwrap();
    assert_eq!(server.request_count(), 3);
    // An upsert's unknown outcome (502) is retried twice, then returned. (A throttling
    // answer would be waited out: refused for less than the backoff cap, it uses no retry.)
    server.fail_next(3, 502);
    let err = client
        .upsert_user(
            &CreateUser::new()
                .email("gave-up@example.org")
                .user_id("g-1"),
        )
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(server.request_count(), 6);

    let impatient = blocking::Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .unwrap();
    server.set_latency(Duration::from_millis(600));
    let err = impatient
        .create_user(&CreateUser::new().email("slow@example.org"))
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[test]
fn tags_lists_and_deletes_without_an_async_runtime() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let user = client
        .create_user(&CreateUser::new().email(email(1)).user_id("c-1"))
        .unwrap();
    client.add_tag(user.id, "vip").unwrap();
    client.add_tag_by_user_id("c-1", "beta").unwrap();
    client.remove_tag_by_user_id("c-1", "vip").unwrap();
    client.remove_tag(user.id, "gone").unwrap();
    client.add_to_list(user.id, 4).unwrap();
    client.add_to_list(user.id, 5).unwrap();
    client.remove_from_list(user.id, 4).unwrap();
    let stored = &server.users()[0];
    assert_eq!(stored.tags.keys().collect::<Vec<_>>(), ["beta"]);
    assert_eq!(stored.lists.iter().collect::<Vec<_>>(), [&5]);
    let error = client.add_tag(user.id, " ").unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");

    assert!(client.delete_user_by_user_id("c-1").unwrap());
    assert!(!client.delete_user(user.id).unwrap());
    assert_eq!(server.user_count(), 0);
}

#[test]
fn updates_and_lists_every_user_without_an_async_runtime() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    for n in 0..3 {
        let user_id = format!("c-{n}");
        client
            .create_user(&CreateUser::new().email(email(n)).user_id(user_id))
            .unwrap();
    }
    server.set_users_page_size(2);
    let first = server.users()[0].id;
    let user = client
        .update_user(first, &CreateUser::new().city("Oslo"))
        .unwrap();
    assert_eq!(user.city.as_deref(), Some("Oslo"));
    let user = client
        .update_user_by_user_id(&CreateUser::new().user_id("c-1").city("Rome"))
        .unwrap();
    assert_eq!(user.city.as_deref(), Some("Rome"));

    let mut users = client.users();
    let listed: Vec<String> = users
        .by_ref()
        .map(|user| user.unwrap().email.unwrap())
        .collect();
    assert_eq!(listed, [email(0), email(1), email(2)]);
    assert!(users.next().is_none(), "fused");
    let gets = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(gets, 2);
}

#[test]
fn events_without_an_async_runtime() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    let user = client
        .create_user(&CreateUser::new().email(email(1)).user_id("c-1"))
        .unwrap();
    let event = usercom::CreateEvent::new("paid").data("total", 12);
    let created = client.create_event(user.id, &event).unwrap();
    assert_eq!((created.id, created.new_name), (1, true));
    client.create_event_by_user_id("c-1", &event).unwrap();
    let outcomes: Vec<_> = client
        .create_events((0..5).map(|_| (user.id, event.clone())), 2)
        .collect();
    assert_eq!(outcomes.len(), 5);
    assert!(outcomes.iter().all(|(_, result)| result.is_ok()));
    let events = server.events();
    assert_eq!(events.len(), 7);
    assert!(events.iter().all(|e| e.user == user.id && e.name == "paid"));
}
