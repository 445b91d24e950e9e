//! Upsert by user_id: idempotent, retried more widely than create, re-runnable imports.

mod common;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use usercom::{ApiVersion, Client, CreateUser, Error, IntoUserComUser, RetryPolicy};
use usercom_mock::{Fault, MockServer, Route};

#[derive(IntoUserComUser)]
struct Account {
    #[usercom(user_id)]
    id: u64,
    #[usercom(email)]
    email: String,
    #[usercom(city)]
    city: Option<&'static str>,
    #[usercom(attribute = "plan")]
    plan: &'static str,
}

fn client(server: &MockServer) -> Client {
    common::builder_for(server)
        .timeout(Duration::from_millis(800))
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

fn account(id: u64, city: Option<&'static str>) -> Account {
    Account {
        id,
        email: format!("acct{id}@example.org"),
        city,
        plan: "pro",
    }
}

#[tokio::test]
async fn creates_then_updates_the_same_user() {
    let server = MockServer::start().await;
    let client = client(&server);
    let first = client.upsert_user(&account(7, None)).await.unwrap();
    assert!(first.created);
    assert_eq!(first.user.email.as_deref(), Some("acct7@example.org"));
    assert_eq!(first.user.attribute("plan"), Some(&json!("pro")));

    let second = client.upsert_user(&account(7, Some("Oslo"))).await.unwrap();
    assert!(!second.created);
    assert_eq!(second.user.id, first.user.id);
    assert_eq!(second.user.city.as_deref(), Some("Oslo"));
    assert_eq!(server.user_count(), 1);

    // update_or_create, then GET users/<id>/, then set_multiple_attributes.
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let id = first.user.id;
    assert_eq!(
        &paths[..3],
        [
            "POST /api/public/users/update_or_create/".to_owned(),
            format!("GET /api/public/users/{id}/"),
            format!("POST /api/public/users/{id}/set_multiple_attributes/"),
        ]
    );
}

#[tokio::test]
async fn v2_matches_on_custom_id() {
    let server = MockServer::start().await;
    let client = common::builder_for(&server)
        .api_version(ApiVersion::V2)
        .build()
        .unwrap();
    client.upsert_user(&account(9, None)).await.unwrap();
    let again = client.upsert_user(&account(9, None)).await.unwrap();
    assert!(!again.created);
    assert_eq!(server.requests()[0].json().unwrap()["custom_id"], "9");
    assert_eq!(server.user_count(), 1);
}

#[tokio::test]
async fn a_missing_user_id_at_run_time_is_refused_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server)
        .upsert_user(&CreateUser::new().email("no-id@example.org"))
        .await
        .unwrap_err();
    match &err {
        Error::InvalidInput { attribute, .. } => assert_eq!(attribute, "user_id"),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 0);

    #[derive(IntoUserComUser)]
    struct Maybe {
        #[usercom(user_id)]
        id: Option<String>,
    }
    let err = client(&server)
        .upsert_user(&Maybe { id: None })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn unknown_outcomes_are_retried_because_upsert_is_idempotent() {
    for fault in [
        Fault::status(500).after_processing(),
        Fault::status(502),
        Fault::status(504).after_processing(),
        Fault::DropAfterProcessing,
        Fault::Delay(Duration::from_secs(2)),
    ] {
        let server = MockServer::start().await;
        server.fault_on(Route::UpdateOrCreate, fault.clone());
        let upserted = client(&server).upsert_user(&account(1, None)).await;
        let upserted = upserted.unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(upserted.user.email.as_deref(), Some("acct1@example.org"));
        assert_eq!(server.user_count(), 1, "{fault:?}: never a duplicate");
        // update_or_create, sent again, then GET and set_multiple_attributes.
        assert_eq!(server.request_count(), 4, "{fault:?}");
    }
}

#[tokio::test]
async fn a_body_cut_short_after_a_success_status_is_a_decode_error_not_retried() {
    // The 201 says the user was created: the outcome is known, only the answer is lost.
    let server = MockServer::start().await;
    server.fault_on(Route::UpdateOrCreate, Fault::ResetMidBody);
    let err = client(&server)
        .upsert_user(&account(1, None))
        .await
        .unwrap_err();
    match &err {
        Error::Decode { status, path, .. } => assert_eq!((*status, path.as_str()), (201, ".")),
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(!err.outcome_unknown() && !err.safe_to_retry());
    assert_eq!((server.request_count(), server.user_count()), (1, 1));
}

#[tokio::test]
async fn running_the_same_import_twice_leaves_one_user_per_row() {
    let server = MockServer::start().await;
    let client = client(&server);
    let rows = || (0..200u64).map(|i| account(i, None));

    let mut created = 0;
    let mut outcomes = client.upsert_users(rows(), 16);
    while let Some((_, result)) = outcomes.next().await {
        created += usize::from(result.unwrap().created);
    }
    assert_eq!(created, 200);

    assert_eq!(server.request_count(), 3 * 200);

    // Faults on the second run are retried; nothing is duplicated.
    server.fail_next_on(Route::UpdateOrCreate, 5, 502);
    let second: Vec<_> = client.upsert_users(rows(), 16).collect().await;
    assert_eq!(second.len(), 200);
    assert!(second.iter().all(|(_, r)| matches!(r, Ok(u) if !u.created)));
    assert_eq!(server.user_count(), 200);
    assert_eq!(server.request_count(), 2 * 3 * 200 + 5, "5 retries");
}

#[tokio::test]
async fn a_failed_attributes_step_after_an_update_says_updated_and_hands_the_user_back() {
    let server = MockServer::start().await;
    let client = client(&server);
    let first = client.upsert_user(&account(3, None)).await.unwrap();
    // update_or_create and GET go through; set_multiple_attributes is refused.
    server.fault_on(
        Route::SetMultipleAttributes,
        Fault::status(400).with_body(r#"{"plan": ["Invalid value."]}"#),
    );
    let err = client
        .upsert_user(&account(3, Some("Rome")))
        .await
        .unwrap_err();
    match &err {
        Error::AttributesNotSet { created, .. } => assert!(!created),
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("the user was updated"), "{message}");
    assert_eq!(err.created_user().map(|u| u.id), Some(first.user.id));
    assert_eq!(
        err.created_user().and_then(|u| u.city.as_deref()),
        Some("Rome")
    );
    assert_eq!(err.status(), Some(400));
    assert_eq!(server.user_count(), 1);
    // The refusal is not retried: 3 requests for the first upsert, 3 for this one.
    assert_eq!((server.request_count(), server.pending_faults()), (6, 0));
}
