//! Syncing users against the embedded server with an SQLite store: only what changed is
//! sent, removals are cleared, failures are repaired by the next run.

mod common;

use common::{client, customers, held, sqlite, Customer};
use usercom_mock::{Fault, MockServer, Route};
use usercom_sync::{Error, Operation, Store, SyncOptions, SyncedUser};

#[tokio::test]
async fn a_second_run_over_unchanged_users_sends_nothing() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let inputs = customers(50);
    let first = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!((first.seen, first.created, first.updated), (50, 50, 0));
    assert!(first.is_clean(), "{:?}", first.failed);
    let held = held(&server);
    assert_eq!(held.len(), 50);
    assert_eq!(held["c7"].attributes["phone_number"], "+48 600 000 007");
    assert_eq!(held["c7"].custom["plan"], "free");
    let requests = server.request_count();
    let second = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!((second.seen, second.unchanged, second.created), (50, 50, 0));
    assert_eq!(
        server.request_count(),
        requests,
        "a run over unchanged users sent requests"
    );
}

#[tokio::test]
async fn a_removed_value_is_cleared_and_a_change_sends_only_itself() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let mut inputs = customers(3);
    store.sync_users(&client, &inputs).await.unwrap();
    inputs[1].phone = None;
    inputs[1].plan = None;
    inputs[2].email = "new@example.org".into();
    server.record_requests(true);
    let report = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!(
        (report.unchanged, report.updated, report.cleared),
        (1, 2, 2)
    );
    let held = held(&server);
    assert!(
        !held["c1"].attributes.contains_key("phone_number")
            || held["c1"].attributes["phone_number"].is_null(),
        "{:?}",
        held["c1"].attributes
    );
    assert!(
        !held["c1"].custom.contains_key("plan") || held["c1"].custom["plan"].is_null(),
        "{:?}",
        held["c1"].custom
    );
    assert_eq!(held["c2"].attributes["email"], "new@example.org");
    assert_eq!(held["c2"].attributes["phone_number"], "+48 600 000 002");
    // c2's update carried its email and its user_id, nothing else.
    let bodies: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert!(
        bodies.contains(&r#"{"email":"new@example.org","user_id":"c2"}"#.to_owned()),
        "{bodies:?}"
    );
    assert!(
        bodies.contains(&r#"{"phone_number":null,"user_id":"c1"}"#.to_owned()),
        "{bodies:?}"
    );
    let requests = server.request_count();
    let again = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!(again.unchanged, 3);
    assert_eq!(server.request_count(), requests);
}

#[tokio::test]
async fn a_user_new_to_the_store_is_upserted_with_null_for_what_it_has_no_value_for() {
    let server = MockServer::start().await;
    let client = client(&server);
    // User.com already has c0 with a phone and a plan (an earlier integration, or a store
    // that was reset); the application has neither any more, and c1 is new to both.
    let (earlier, _earlier_dir) = sqlite().await;
    earlier.sync_users(&client, &customers(1)).await.unwrap();
    let (store, _dir) = sqlite().await;
    let mut inputs = customers(2);
    for input in &mut inputs {
        input.phone = None;
        input.plan = None;
    }
    server.record_requests(true);
    let report = store.sync_users(&client, &inputs).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.failed);
    assert_eq!((report.created, report.updated, report.cleared), (1, 1, 0));
    let held = held(&server);
    for key in ["c0", "c1"] {
        let user = &held[key];
        assert!(
            user.attributes
                .get("phone_number")
                .is_none_or(|v| v.is_null()),
            "{key}: {:?}",
            user.attributes
        );
        assert!(
            user.custom.get("plan").is_none_or(|v| v.is_null()),
            "{key}: {:?}",
            user.custom
        );
    }
    assert_eq!(held["c0"].attributes["email"], "c0@example.org");
    let upserts: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/users/update_or_create/"))
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert!(
        upserts.contains(
            &r#"{"email":"c0@example.org","phone_number":null,"user_id":"c0"}"#.to_owned()
        ),
        "{upserts:?}"
    );
    let requests = server.request_count();
    let again = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!(again.unchanged, 2);
    assert_eq!(server.request_count(), requests);
}

#[tokio::test]
async fn an_outage_fails_the_users_it_hits_and_the_next_run_repairs_them() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let inputs = customers(40);
    // User.com answers 503 to the next 10 requests (the client holds every request back
    // for longer after each: 25 ms, doubling).
    server.fail_next(10, 503);
    let first = store
        .sync_users_with(&client, &inputs, SyncOptions::new().concurrency(4))
        .await
        .unwrap();
    assert!(!first.failed.is_empty());
    assert_eq!(first.seen, 40);
    assert_eq!(first.created + first.updated + first.failed.len(), 40);
    let failures = store.failures().await.unwrap();
    assert_eq!(failures.len(), first.failed.len());
    assert!(failures.iter().all(|f| f.kind == "user" && f.attempts == 1));
    // The outage's refusals are not kept as the server's pace: a new client starts unpaced.
    let fresh = common::client(&server);
    let empty: [Customer; 0] = [];
    store.sync_users(&fresh, &empty).await.unwrap();
    assert_eq!(fresh.throttle_stats().learned_rate, None);
    let second = store.sync_users(&client, &inputs).await.unwrap();
    assert!(second.is_clean(), "{:?}", second.failed);
    assert_eq!(second.retried, first.failed.len());
    assert_eq!(second.unchanged + second.created + second.updated, 40);
    assert!(store.failures().await.unwrap().is_empty());
    let held = held(&server);
    assert_eq!(held.len(), 40, "every user once");
    for customer in &inputs {
        assert_eq!(
            held[&customer.id].attributes["email"],
            customer.email.as_str()
        );
        assert_eq!(held[&customer.id].custom["plan"], "free");
    }
    let third = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!(third.unchanged, 40);
}

#[tokio::test]
async fn the_server_taken_down_during_a_run_and_brought_back_is_repaired_by_the_next_run() {
    use futures_util::StreamExt;
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let inputs = customers(60);
    let (options, progress) = SyncOptions::new().concurrency(4).progress_channel();
    // The first 30 users go through; then User.com is down for the rest of the run (its
    // port closed: each connection is refused).
    let inputs_then_outage =
        futures_util::stream::iter(inputs.clone())
            .enumerate()
            .then(|(index, customer)| {
                let (mut progress, server) = (progress.clone(), &server);
                async move {
                    if index == 30 {
                        progress.wait_for(|p| p.sent == 30).await.unwrap();
                        server.take_down().await;
                    }
                    customer
                }
            });
    let first = store
        .sync_users_from_stream_with(&client, inputs_then_outage, options)
        .await
        .unwrap();
    assert_eq!((first.seen, first.created), (60, 30));
    assert_eq!(first.failed.len(), 30);
    for failure in &first.failed {
        assert!(
            matches!(&failure.error, Error::Usercom(err) if err.safe_to_retry()),
            "{}: {}",
            failure.key,
            failure.error
        );
    }
    assert_eq!(server.user_count(), 30);

    server.bring_back().await.unwrap();
    let second = store.sync_users(&client, &inputs).await.unwrap();
    assert!(second.is_clean(), "{:?}", second.failed);
    assert_eq!(
        (second.unchanged, second.created, second.retried),
        (30, 30, 30)
    );
    let held = held(&server);
    assert_eq!(held.len(), 60, "every user once");
    for customer in &inputs {
        assert_eq!(
            held[&customer.id].attributes["email"],
            customer.email.as_str()
        );
    }
    let requests = server.request_count();
    let third = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!(third.unchanged, 60);
    assert_eq!(server.request_count(), requests);
}

#[tokio::test]
async fn a_lost_answer_on_an_update_is_repaired_by_the_next_run() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let mut inputs = customers(2);
    store.sync_users(&client, &inputs).await.unwrap();
    inputs[0].phone = Some("+48 999".into());
    server.fault_on(Route::UpdateUserByUserId, Fault::DropAfterProcessing);
    let first = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!(first.failed.len(), 1);
    assert_eq!(first.failed[0].key, "c0");
    assert_eq!(first.failed[0].operation, Operation::Update);
    let second = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!(
        (second.updated, second.unchanged, second.retried),
        (1, 1, 1)
    );
    assert_eq!(held(&server)["c0"].attributes["phone_number"], "+48 999");
    assert_eq!(
        store.sync_users(&client, &inputs).await.unwrap().unchanged,
        2
    );
}

#[tokio::test]
async fn bad_input_and_a_key_given_twice_fail_the_item_not_the_run() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let mut inputs = customers(3);
    inputs[1].email = "not-an-address".into();
    inputs.push(Customer {
        email: "other@example.org".into(),
        ..inputs[0].clone()
    });
    let report = store.sync_users(&client, &inputs).await.unwrap();
    assert_eq!((report.seen, report.created), (4, 2));
    let mut failed: Vec<_> = report
        .failed
        .iter()
        .map(|f| (f.key.as_str(), f.index, f.operation))
        .collect();
    failed.sort_by_key(|f| f.1);
    assert_eq!(
        failed,
        [
            ("c1", Some(1), Operation::Check),
            ("c0", Some(3), Operation::Check)
        ]
    );
    let twice = report.failed.iter().find(|f| f.index == Some(3)).unwrap();
    assert!(matches!(twice.error, Error::DuplicateKey { first: 0, .. }));
    assert!(
        twice.error.to_string().contains("given twice"),
        "{}",
        twice.error
    );
    let bad = report.failed.iter().find(|f| f.index == Some(1)).unwrap();
    assert!(bad.error.to_string().contains("email"), "{}", bad.error);
    let held = held(&server);
    assert_eq!(held.len(), 2);
    assert_eq!(held["c0"].attributes["email"], "c0@example.org");
}

#[tokio::test]
async fn sync_user_sends_a_change_once_and_records_it_for_the_next_run() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let mut customer = customers(1).remove(0);
    assert!(matches!(
        store.sync_user(&client, &customer).await.unwrap(),
        SyncedUser::Created(_)
    ));
    assert_eq!(
        store.sync_user(&client, &customer).await.unwrap(),
        SyncedUser::Unchanged
    );
    customer.phone = None;
    match store.sync_user(&client, &customer).await.unwrap() {
        SyncedUser::Updated { cleared, .. } => assert_eq!(cleared, 1),
        other => panic!("{other:?}"),
    }
    let requests = server.request_count();
    let report = store.sync_users(&client, [&customer]).await.unwrap();
    assert_eq!(report.unchanged, 1);
    assert_eq!(server.request_count(), requests);
    // A failure is returned, and recorded for the next run.
    customer.email = "changed@example.org".into();
    server.fail_next(1, 500);
    let err = store.sync_user(&client, &customer).await.unwrap_err();
    assert_eq!(err.usercom().and_then(|e| e.status()), Some(500));
    assert_eq!(store.failures().await.unwrap()[0].key, "c0");
    let report = store.sync_users(&client, [&customer]).await.unwrap();
    assert_eq!((report.updated, report.retried), (1, 1));
}

#[tokio::test]
async fn deletions_are_made_when_asked_and_withheld_over_the_bound() {
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let inputs = customers(20);
    store.sync_users(&client, &inputs).await.unwrap();
    // Off by default: a missing user stays.
    let report = store.sync_users(&client, &inputs[1..]).await.unwrap();
    assert_eq!(report.deleted, 0);
    assert_eq!(server.user_count(), 20);
    // Five of twenty missing is over the default 10%: nothing deleted, and said so.
    let on = SyncOptions::new().delete_missing(true);
    let report = store
        .sync_users_with(&client, &inputs[5..], on.clone())
        .await
        .unwrap();
    assert_eq!((report.deleted, report.deletions_withheld), (0, Some(5)));
    assert_eq!(server.user_count(), 20);
    // Two of twenty is within it.
    let report = store
        .sync_users_with(&client, &inputs[2..], on.clone())
        .await
        .unwrap();
    assert_eq!((report.deleted, report.deletions_withheld), (2, None));
    let held = held(&server);
    assert_eq!(held.len(), 18);
    assert!(!held.contains_key("c0") && !held.contains_key("c1"));
    // The bound raised: the rest may go.
    let report = store
        .sync_users_with(&client, &inputs[15..], on.max_deletions(1.0))
        .await
        .unwrap();
    assert_eq!(report.deleted, 13);
    assert_eq!(server.user_count(), 5);
}

#[tokio::test]
async fn a_second_process_opening_an_sqlite_store_in_use_is_told_so() {
    let (store, dir) = sqlite().await;
    let path = dir.path().join("sync.db");
    // Another opener of the same file (as another process would be) is refused, clearly.
    let err = Store::sqlite(&path).await.unwrap_err();
    assert!(matches!(err, Error::InUse { .. }), "{err:?}");
    assert!(
        err.to_string().contains("in use by another process"),
        "{err}"
    );
    drop(store);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    // Closed, it opens again, with its state.
    Store::sqlite(&path).await.unwrap();
}

#[tokio::test]
async fn a_store_written_by_a_newer_version_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    drop(Store::sqlite(&path).await.unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    {
        // A migration this version does not know, as a newer version would leave.
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("INSERT INTO usercom_sync_migrations VALUES (99, 'future', 0)")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    let err = Store::sqlite(&path).await.unwrap_err();
    assert!(
        matches!(err, Error::NewerStore { found: 99, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer usercom-sync"), "{err}");
    let err = Store::open("mysql://db/app").await.unwrap_err();
    assert!(matches!(err, Error::UnsupportedStore { .. }), "{err:?}");
}

#[tokio::test]
async fn the_next_runs_client_starts_at_the_pace_the_store_kept() {
    let server = MockServer::start().await;
    server.set_rate_limit(usercom_mock::RateLimit::token_bucket(100.0, 10));
    let (store, _dir) = sqlite().await;
    let first_client = common::retrying_client(&server);
    let first = store
        .sync_users(&first_client, &customers(300))
        .await
        .unwrap();
    assert!(first.is_clean(), "{:?}", first.failed);
    let learned = first_client.throttle_stats().learned_rate.expect("learned");
    // A new client (a new process): the run starts at the pace kept.
    let client = common::retrying_client(&server);
    assert_eq!(client.throttle_stats().learned_rate, None);
    let mut changed = customers(300);
    changed[0].plan = Some("pro".into());
    let second = store.sync_users(&client, &changed).await.unwrap();
    assert_eq!(second.updated, 1);
    let resumed = client.throttle_stats().learned_rate.expect("resumed");
    assert!((resumed - learned).abs() < 1e-9, "{resumed} vs {learned}");
    assert_eq!(client.throttle_stats().throttled_answers, 0);
}

#[tokio::test]
async fn inputs_from_a_stream_are_synced_with_progress_reported() {
    use futures_util::StreamExt;
    let server = MockServer::start().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    let (options, progress) = SyncOptions::new().concurrency(3).progress_channel();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = seen.clone();
    let options = options.on_progress(move |p| {
        counted.store(p.seen, std::sync::atomic::Ordering::Relaxed);
    });
    // A stream that yields its rows one at a time, as a database cursor does.
    let rows = futures_util::stream::iter(customers(25)).then(|customer| async move {
        tokio::task::yield_now().await;
        customer
    });
    let report = store
        .sync_users_from_stream_with(&client, rows, options)
        .await
        .unwrap();
    assert_eq!((report.seen, report.created), (25, 25));
    let last = progress.borrow().clone();
    assert!(last.finished);
    assert_eq!((last.seen, last.sent, last.failed), (25, 25, 0));
    assert_eq!(seen.load(std::sync::atomic::Ordering::Relaxed), 25);
    let again = store
        .sync_users_from_stream(&client, futures_util::stream::iter(customers(25)))
        .await
        .unwrap();
    assert_eq!(again.unchanged, 25);
}
