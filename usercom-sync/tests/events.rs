//! Syncing events: each key sent at most once, a lost answer recorded as unknown.

mod common;

use common::{client, held, sqlite};
use usercom_core::{CreateEvent, CreateUser};
use usercom_mock::{Fault, MockServer, Route};
use usercom_sync::{SyncOptions, SyncedEvent};

/// Three orders of two users, as `(key, user_id, event)`.
fn orders() -> Vec<(String, String, CreateEvent<'static>)> {
    [("o1", "u1", 10), ("o2", "u2", 20), ("o3", "u1", 30)]
        .into_iter()
        .map(|(key, user, total)| {
            let event = CreateEvent::new("order").data("total", total);
            (key.to_owned(), user.to_owned(), event)
        })
        .collect()
}

/// The totals of the events the server holds for the user `user_id`, in the order received.
fn totals_of(server: &MockServer, user_id: &str) -> Vec<i64> {
    let id = held(server)[user_id].id;
    server
        .events()
        .iter()
        .filter(|e| e.user == id)
        .map(|e| e.data["total"].as_i64().unwrap())
        .collect()
}

async fn server_with_users() -> MockServer {
    let server = MockServer::start().await;
    let client = client(&server);
    for id in ["u1", "u2"] {
        client
            .upsert_user(&CreateUser::new().user_id(id))
            .await
            .unwrap();
    }
    server
}

#[tokio::test]
async fn every_key_is_sent_once_in_the_order_given() {
    let server = server_with_users().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    // u1's first event is answered late: sent beside it, its second would arrive first.
    server.fault_when(
        |request| request.json().is_ok_and(|body| body["data"]["total"] == 10),
        Fault::Delay(std::time::Duration::from_millis(300)),
    );
    let first = store.sync_events(&client, orders()).await.unwrap();
    assert_eq!(server.pending_faults(), 0);
    assert_eq!((first.seen, first.updated), (3, 3));
    assert_eq!(
        totals_of(&server, "u1"),
        [10, 30],
        "u1's events in the order given"
    );
    assert_eq!(totals_of(&server, "u2"), [20]);
    let again = store.sync_events(&client, orders()).await.unwrap();
    assert_eq!((again.unchanged, again.updated), (3, 0));
    assert_eq!(server.events().len(), 3);
    let one = store
        .sync_event(&client, "o1", "u1", &CreateEvent::new("order"))
        .await
        .unwrap();
    assert_eq!(one, SyncedEvent::AlreadySent);
}

#[tokio::test]
async fn a_lost_answer_is_unknown_and_not_sent_again_unless_asked() {
    let server = server_with_users().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    server.fault_on(Route::CreateEventByUserId, Fault::DropAfterProcessing);
    let first = store.sync_events(&client, orders()).await.unwrap();
    assert_eq!(first.unknown, 1);
    assert_eq!(
        first.failed.len(),
        1 + usize::from(first.failed[0].key == "o1")
    );
    assert_eq!(server.events().len(), 3 - first.failed.len() + 1);
    let held = server.events().len();
    // At most once: the unknown one is not sent again.
    let second = store.sync_events(&client, orders()).await.unwrap();
    assert_eq!(server.events().len(), held + second.updated);
    assert_eq!(store.status().await.unwrap().events_unknown, 1);
    // At least once, when asked: sent again (User.com then has it twice).
    let third = store
        .sync_events_with(&client, orders(), SyncOptions::new().at_least_once(true))
        .await
        .unwrap();
    assert_eq!(third.updated, 1);
    assert_eq!(totals_of(&server, "u1"), [10, 30, 10]);
    assert_eq!(store.status().await.unwrap().events_unknown, 0);
}

#[tokio::test]
async fn an_event_refused_is_sent_by_the_next_run_and_holds_back_its_users_later_events() {
    let server = server_with_users().await;
    let client = client(&server);
    let (store, _dir) = sqlite().await;
    // The first event of u1 is refused (a 503: certainly not processed): its later event
    // waits for the next run.
    server.fail_next_on(Route::CreateEventByUserId, 1, 503);
    let first = store
        .sync_events_with(&client, orders(), SyncOptions::new().concurrency(1))
        .await
        .unwrap();
    let mut failed: Vec<_> = first.failed.iter().map(|f| f.key.as_str()).collect();
    failed.sort();
    assert_eq!(failed, ["o1", "o3"]);
    assert_eq!(first.unknown, 0);
    assert_eq!(server.events().len(), 1);
    let second = store.sync_events(&client, orders()).await.unwrap();
    assert_eq!(
        (second.updated, second.unchanged, second.retried),
        (2, 1, 2)
    );
    assert_eq!(totals_of(&server, "u1"), [10, 30]);
}
