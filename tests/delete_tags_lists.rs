//! After sign-up: deleting a user, a user's tags and lists, against the embedded server,
//! each with the exact request sent (method, path, body) and what the server stored.

mod common;

use std::time::Duration;

use common::sent;
use usercom::{Client, CreateUser, Error};
use usercom_mock::{Fault, MockServer, Route};

/// A client of `server` that retries fast (3 retries).
fn client(server: &MockServer) -> Client {
    common::fast_retry_client(server)
}

/// Creates Ada (`user_id` `c/1815`) and forgets the create's request; her User.com id.
async fn ada(server: &MockServer, client: &Client) -> u64 {
    let user = client
        .create_user(&CreateUser::new().email("ada@example.org").user_id("c/1815"))
        .await
        .unwrap();
    server.record_requests(false);
    server.record_requests(true);
    user.id
}

/// The requests that change something (not the reads), as [`sent`] writes them.
fn changes(server: &MockServer) -> Vec<String> {
    sent(server)
        .into_iter()
        .filter(|r| !r.starts_with("GET"))
        .collect()
}

/// The names of the tags User.com answers for user `id`.
async fn tags(client: &Client, id: u64) -> Vec<String> {
    let user = client.get_user(id).await.unwrap();
    user.tags.iter().map(|tag| tag.name.clone()).collect()
}

#[tokio::test]
async fn a_delete_says_whether_it_deleted_and_a_second_finds_nobody() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;

    assert!(client.delete_user(id).await.unwrap());
    assert_eq!(server.user_count(), 0);
    assert!(!client.delete_user(id).await.unwrap());
    let path = format!("/api/public/users/{id}/");
    assert_eq!(
        sent(&server),
        [format!("DELETE {path} "), format!("DELETE {path} ")]
    );
    // The user is gone for reads too.
    let error = client.get_user(id).await.unwrap_err();
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
}

#[tokio::test]
async fn a_delete_by_user_id_sends_the_id_as_one_encoded_segment() {
    let server = MockServer::start().await;
    let client = client(&server);
    ada(&server, &client).await;

    assert!(client.delete_user_by_user_id("c/1815").await.unwrap());
    assert_eq!(server.user_count(), 0);
    assert!(!client.delete_user_by_user_id("c/1815").await.unwrap());
    assert_eq!(
        sent(&server),
        [
            "DELETE /api/public/users-by-id/c%2F1815/ ",
            "DELETE /api/public/users-by-id/c%2F1815/ "
        ]
    );
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_is_retried_and_still_succeeds() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;

    // The server deletes, then the connection drops before the answer.
    server.fault_on(Route::DeleteUser, Fault::DropAfterProcessing);
    // The retry finds nobody: the user is gone, which is what the caller asked for.
    assert!(!client.delete_user(id).await.unwrap());
    assert_eq!(server.user_count(), 0);
    let path = format!("/api/public/users/{id}/");
    assert_eq!(
        sent(&server),
        [format!("DELETE {path} "), format!("DELETE {path} ")]
    );

    // A timeout is retried too (a delete is idempotent): the first attempt is held past the
    // client's timeout, and the retry deletes.
    let id = ada(&server, &client).await;
    let client = common::builder_for(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    server.fault_on(Route::DeleteUser, Fault::Delay(Duration::from_millis(600)));
    assert!(client.delete_user(id).await.unwrap());
    assert_eq!(server.user_count(), 0);
    assert_eq!(server.requests().len(), 2, "{:?}", sent(&server));
}

#[tokio::test]
async fn a_bad_user_id_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    for bad in ["", "  ", " c-1", "c-1\n", "c\u{200B}1", ".", ".."] {
        for error in [
            client.delete_user_by_user_id(bad).await.unwrap_err(),
            client.add_tag_by_user_id(bad, "vip").await.unwrap_err(),
            client.remove_tag_by_user_id(bad, "vip").await.unwrap_err(),
        ] {
            assert!(
                matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "user_id"),
                "{bad:?}: {error:?}"
            );
            assert_eq!(error.invalid_value(), Some(bad));
        }
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn tags_are_added_once_and_removed_and_neither_repeats_as_an_error() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;

    client.add_tag(id, "vip").await.unwrap();
    client.add_tag(id, "vip").await.unwrap();
    client.add_tag(id, "newsletter").await.unwrap();
    assert_eq!(tags(&client, id).await, ["newsletter", "vip"]);
    client.remove_tag(id, "vip").await.unwrap();
    client.remove_tag(id, "vip").await.unwrap();
    assert_eq!(tags(&client, id).await, ["newsletter"]);

    let path = |action| format!("/api/public/users/{id}/{action}/");
    let requests = changes(&server);
    assert_eq!(
        requests,
        [
            format!("POST {} {{\"name\":\"vip\"}}", path("add_tag")),
            format!("POST {} {{\"name\":\"vip\"}}", path("add_tag")),
            format!("POST {} {{\"name\":\"newsletter\"}}", path("add_tag")),
            format!("POST {} {{\"name\":\"vip\"}}", path("remove_tag")),
            format!("POST {} {{\"name\":\"vip\"}}", path("remove_tag")),
        ]
    );
    let stored = &server.users()[0];
    assert_eq!(stored.tags.keys().collect::<Vec<_>>(), ["newsletter"]);
}

#[tokio::test]
async fn tags_by_user_id_reach_the_user_with_that_id() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;

    client.add_tag_by_user_id("c/1815", "vip").await.unwrap();
    assert_eq!(tags(&client, id).await, ["vip"]);
    client.remove_tag_by_user_id("c/1815", "vip").await.unwrap();
    assert!(tags(&client, id).await.is_empty());
    let requests = changes(&server);
    assert_eq!(
        requests,
        [
            "POST /api/public/users-by-id/c%2F1815/add_tag/ {\"name\":\"vip\"}",
            "POST /api/public/users-by-id/c%2F1815/remove_tag/ {\"name\":\"vip\"}",
        ]
    );
    // Nobody has that id: the server's 404 is an error, not a silent success.
    let error = client
        .add_tag_by_user_id("c-nobody", "vip")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
}

#[tokio::test]
async fn a_tag_name_that_names_no_tag_or_another_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;
    for bad in [
        "",
        " ",
        "\t",
        " vip",
        "vip ",
        "v\nip",
        "vi\u{200B}p",
        "\u{FEFF}vip",
    ] {
        for error in [
            client.add_tag(id, bad).await.unwrap_err(),
            client.remove_tag(id, bad).await.unwrap_err(),
            client.add_tag_by_user_id("c/1815", bad).await.unwrap_err(),
            client
                .remove_tag_by_user_id("c/1815", bad)
                .await
                .unwrap_err(),
        ] {
            assert!(
                matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "tag"),
                "{bad:?}: {error:?}"
            );
            assert_eq!(error.invalid_value(), Some(bad));
        }
    }
    assert!(server.requests().is_empty(), "{:?}", sent(&server));
    assert!(server.users()[0].tags.is_empty());
}

#[tokio::test]
async fn a_tag_whose_answer_was_lost_is_retried_and_added_once() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;
    server.fault_on(Route::AddTag, Fault::DropAfterProcessing);
    client.add_tag(id, "vip").await.unwrap();
    assert_eq!(server.requests().len(), 2, "{:?}", sent(&server));
    assert_eq!(tags(&client, id).await, ["vip"]);
}

#[tokio::test]
async fn lists_are_joined_and_left_and_neither_repeats_as_an_error() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;

    client.add_to_list(id, 7).await.unwrap();
    client.add_to_list(id, 7).await.unwrap();
    client.add_to_list(id, 9).await.unwrap();
    let lists = |user: usercom::User| user.lists.iter().map(|l| l.id).collect::<Vec<_>>();
    assert_eq!(lists(client.get_user(id).await.unwrap()), [7, 9]);
    client.remove_from_list(id, 7).await.unwrap();
    client.remove_from_list(id, 7).await.unwrap();
    assert_eq!(lists(client.get_user(id).await.unwrap()), [9]);

    let path = |action| format!("/api/public/users/{id}/{action}/");
    let requests = changes(&server);
    assert_eq!(
        requests,
        [
            format!("POST {} {{\"list\":7}}", path("add_to_list")),
            format!("POST {} {{\"list\":7}}", path("add_to_list")),
            format!("POST {} {{\"list\":9}}", path("add_to_list")),
            format!("POST {} {{\"list\":7}}", path("remove_from_list")),
            format!("POST {} {{\"list\":7}}", path("remove_from_list")),
        ]
    );
    // No such user: an error.
    let error = client.add_to_list(id + 1, 7).await.unwrap_err();
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
}

#[tokio::test]
async fn an_unreadable_2xx_still_means_the_action_was_done() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = ada(&server, &client).await;
    // The status decides: the tag was added, whatever the body says.
    server.fault_on(Route::AddTag, Fault::ResetMidBody);
    client.add_tag(id, "vip").await.unwrap();
    server.fault_on(Route::AddToList, Fault::TruncatedJson);
    client.add_to_list(id, 3).await.unwrap();
    // Done on the first answer: nothing was sent again.
    assert_eq!(changes(&server).len(), 2, "{:?}", sent(&server));
    let user = client.get_user(id).await.unwrap();
    assert_eq!(user.tags.len(), 1);
    assert_eq!(user.lists.len(), 1);
}
