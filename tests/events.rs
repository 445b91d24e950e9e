//! Events from the application's own structs (`#[derive(IntoUserComEvent)]`): the exact
//! request, the user named as the API version names them, the time in UNIX seconds, and an
//! event never sent twice.

mod common;

use std::time::{Duration, UNIX_EPOCH};

use futures_util::StreamExt;
use serde_json::json;
use usercom::{ApiVersion, Client, CreateEvent, CreateUser, Error, IntoUserComEvent};
use usercom_mock::{Fault, MockServer, Route};

#[derive(IntoUserComEvent)]
#[usercom(event = "order_placed")]
struct OrderPlaced {
    #[usercom(data)]
    order_id: u64,
    #[usercom(data = "total")]
    amount: f64,
    #[usercom(data)]
    coupon: Option<String>,
    #[usercom(timestamp)]
    at: chrono::DateTime<chrono::Utc>,
    #[allow(dead_code)]
    internal_note: String, // not mapped: never sent
}

#[derive(IntoUserComEvent)]
#[usercom(event = "plan_changed")]
struct PlanChanged<'a> {
    #[usercom(data)]
    r#plan: &'a str,
    #[usercom(timestamp)]
    at: std::time::SystemTime,
}

#[derive(IntoUserComEvent)]
#[usercom(event = "logged_in")]
struct LoggedIn {
    #[usercom(timestamp)]
    at: Option<u32>,
}

fn order() -> OrderPlaced {
    OrderPlaced {
        order_id: 1815,
        amount: 99.5,
        coupon: None,
        at: chrono::DateTime::from_timestamp(1_700_000_000, 750_000_000).unwrap(),
        internal_note: "secret".into(),
    }
}

/// The requests after the user's create, as `METHOD path body`.
fn sent(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.path != "/api/public/users/")
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.path,
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect()
}

async fn setup(version: ApiVersion) -> (MockServer, Client, u64) {
    let server = MockServer::start().await;
    let client = common::builder_for(&server)
        .api_version(version)
        .build()
        .unwrap();
    let user = client
        .create_user(&CreateUser::new().email("ada@example.org").user_id("c/1815"))
        .await
        .unwrap();
    (server, client, user.id)
}

#[tokio::test]
async fn an_event_is_sent_with_its_data_and_time_and_nothing_unmapped() {
    let (server, client, id) = setup(ApiVersion::V1).await;
    let created = client.create_event(id, &order()).await.unwrap();
    assert_eq!((created.id, created.new_name), (1, true));
    assert_eq!(
        sent(&server),
        [format!(
            "POST /api/public/events/ {{\"client\":{id},\"name\":\"order_placed\",\
             \"data\":{{\"order_id\":1815,\"total\":99.5}},\"timestamp\":1700000000}}"
        )]
    );
    let events = server.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].user, id);
    assert_eq!(events[0].name, "order_placed");
    assert_eq!(
        serde_json::Value::Object(events[0].data.clone()),
        json!({"order_id": 1815, "total": 99.5})
    );
    assert_eq!(events[0].timestamp, Some(1_700_000_000));

    // The same name again: a second event, whose name is not new.
    let again = client.create_event(id, &order()).await.unwrap();
    assert_eq!((again.id, again.new_name), (2, false));
    assert_eq!(server.events().len(), 2);
}

#[tokio::test]
async fn v2_names_the_user_user_id_and_by_user_id_names_them_in_the_path() {
    let (server, client, id) = setup(ApiVersion::V2).await;
    let changed = PlanChanged {
        plan: "pro",
        at: UNIX_EPOCH + Duration::from_secs(1_600_000_000),
    };
    client.create_event(id, &changed).await.unwrap();
    client
        .create_event_by_user_id("c/1815", &LoggedIn { at: None })
        .await
        .unwrap();
    client
        .create_event_by_user_id("c/1815", &LoggedIn { at: Some(7) })
        .await
        .unwrap();
    assert_eq!(
        sent(&server),
        [
            format!(
                "POST /api/public/events/ {{\"user_id\":{id},\"name\":\"plan_changed\",\
                 \"data\":{{\"plan\":\"pro\"}},\"timestamp\":1600000000}}"
            ),
            "POST /api/public/users-by-id/c%2F1815/events/ {\"name\":\"logged_in\"}".to_owned(),
            "POST /api/public/users-by-id/c%2F1815/events/ {\"name\":\"logged_in\",\"timestamp\":7}"
                .to_owned(),
        ]
    );
    assert!(server.events().iter().all(|event| event.user == id));

    let error = client
        .create_event_by_user_id("c-nobody", &LoggedIn { at: None })
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
    let error = client
        .create_event_by_user_id(" ", &LoggedIn { at: None })
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
}

#[tokio::test]
async fn an_event_whose_answer_was_lost_is_not_sent_twice() {
    let (server, client, id) = setup(ApiVersion::V1).await;
    server.fault_on(Route::CreateEvent, Fault::DropAfterProcessing);
    let error = client.create_event(id, &order()).await.unwrap_err();
    assert!(!error.safe_to_retry(), "{error:?}");
    assert_eq!(server.events().len(), 1, "processed once, not retried");
    assert_eq!(sent(&server).len(), 1);

    // Refused before processing: retried, and sent once.
    server.fault_on(Route::CreateEvent, Fault::status(503));
    client.create_event(id, &order()).await.unwrap();
    assert_eq!(server.events().len(), 2);
    assert_eq!(sent(&server).len(), 3);
}

#[tokio::test]
async fn bad_events_are_refused_before_anything_is_sent() {
    let (server, client, id) = setup(ApiVersion::V1).await;
    let not_a_number = OrderPlaced {
        amount: f64::NAN,
        ..order()
    };
    for error in [
        client.create_event(id, &not_a_number).await.unwrap_err(),
        client
            .create_event(id, &CreateEvent::new(""))
            .await
            .unwrap_err(),
        client
            .create_event(id, &CreateEvent::new("paid").data("a", 1).data("a", 2))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    }
    assert!(sent(&server).is_empty());
}

#[tokio::test]
async fn many_events_go_through_the_throttle_each_once() {
    let (server, client, id) = setup(ApiVersion::V1).await;
    let orders: Vec<(u64, OrderPlaced)> = (0..40)
        .map(|n| {
            (
                id,
                OrderPlaced {
                    order_id: n,
                    ..order()
                },
            )
        })
        .collect();
    // A few refusals on the way: each refused event is sent again, and none twice.
    for _ in 0..3 {
        server.fault_on(Route::CreateEvent, Fault::status(429).retry_after("0"));
    }
    let outcomes: Vec<_> = client.create_events(orders, 8).collect().await;
    assert_eq!(outcomes.len(), 40);
    assert!(
        outcomes.iter().all(|(_, result)| result.is_ok()),
        "{outcomes:?}"
    );
    let mut ids: Vec<u64> = server
        .events()
        .iter()
        .map(|event| event.data["order_id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..40).collect::<Vec<_>>());
}

#[test]
fn the_derived_event_is_the_hand_built_one() {
    let order = order();
    let derived = order.to_create_event().unwrap();
    let by_hand = CreateEvent::new("order_placed")
        .data("order_id", 1815u64)
        .data("total", 99.5)
        .timestamp(1_700_000_000);
    assert_eq!(derived, by_hand);
}
