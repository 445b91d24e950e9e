//! Every user as a stream (`Client::users`): pages read lazily, `next` links followed only
//! under the base URL, a `404` on a `next` link the end.

mod common;

use futures_util::{StreamExt, TryStreamExt};
use usercom::{Client, CreateUser, Error};
use usercom_mock::{Fault, MockServer};

/// Creates `n` users (user0@... to user<n-1>@...) and forgets the requests; their ids.
async fn users(server: &MockServer, client: &Client, n: usize) -> Vec<u64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let email = format!("user{i}@example.org");
        ids.push(
            client
                .create_user(&CreateUser::new().email(&email))
                .await
                .unwrap()
                .id,
        );
    }
    server.record_requests(false);
    server.record_requests(true);
    ids
}

/// The ids of every user the stream lists.
async fn listed_ids(client: &Client) -> Vec<u64> {
    client
        .users()
        .map_ok(|user| user.id)
        .try_collect()
        .await
        .unwrap()
}

/// Each request as `METHOD path?query`.
fn sent(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| match &r.query {
            Some(query) => format!("{} {}?{query}", r.method, r.path),
            None => format!("{} {}", r.method, r.path),
        })
        .collect()
}

#[tokio::test]
async fn every_user_once_in_order_following_each_next_link() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let ids = users(&server, &client, 5).await;
    server.set_users_page_size(2);

    let listed = listed_ids(&client).await;
    assert_eq!(listed, ids);
    assert_eq!(
        sent(&server),
        [
            "GET /api/public/users/".to_owned(),
            format!("GET /api/public/users/?cursor={}", ids[1]),
            format!("GET /api/public/users/?cursor={}", ids[3]),
        ]
    );
    // The users come whole, as a look-up answers them.
    // The stream is `Unpin`: no pinning needed.
    let first = client.users().next().await.unwrap().unwrap();
    assert_eq!(first.email.as_deref(), Some("user0@example.org"));
}

#[tokio::test]
async fn the_next_page_is_read_only_when_the_stream_is_polled_past_this_one() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    users(&server, &client, 5).await;
    server.set_users_page_size(2);

    let mut stream = std::pin::pin!(client.users());
    assert!(
        server.requests().is_empty(),
        "nothing is read before a poll"
    );
    stream.next().await.unwrap().unwrap();
    assert_eq!(server.requests().len(), 1);
    stream.next().await.unwrap().unwrap();
    assert_eq!(
        server.requests().len(),
        1,
        "the second user is on the first page"
    );
    stream.next().await.unwrap().unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_app_without_users_is_an_empty_stream() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let listed: Vec<_> = client.users().collect().await;
    assert!(listed.is_empty(), "{listed:?}");
    assert_eq!(sent(&server), ["GET /api/public/users/"]);
}

#[tokio::test]
async fn a_404_on_a_next_link_ends_the_stream_but_on_the_first_page_is_an_error() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let ids = users(&server, &client, 3).await;
    server.set_users_page_size(2);
    server.fault_when(|r| r.query.is_some(), Fault::status(404));
    let listed = listed_ids(&client).await;
    assert_eq!(listed, ids[..2]);

    server.fault_when(|r| r.query.is_none(), Fault::status(404));
    let listed: Vec<Result<_, Error>> = client.users().collect().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        matches!(listed[0], Err(Error::Api { status: 404, .. })),
        "{listed:?}"
    );
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_and_the_key_never_sent_there() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let client = common::client_for(&server);
    let foreign = format!("{}users/?cursor=1", elsewhere.base_url());
    let page = serde_json::json!({
        "count": 3, "next": foreign, "previous": null, "results": []
    });
    server.fault_when(
        |r| r.query.is_none(),
        Fault::status(200).with_body(&page.to_string()),
    );
    let listed: Vec<Result<_, Error>> = client.users().collect().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    match &listed[0] {
        Err(error @ Error::Decode { path, .. }) => {
            assert_eq!(path, "next");
            assert!(error.to_string().contains("outside"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(elsewhere.request_count(), 0);
}

#[tokio::test]
async fn a_link_followed_already_is_an_error_not_an_endless_loop() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let page = serde_json::json!({
        "count": 3, "next": format!("{}users/", server.base_url()), "previous": null,
        "results": []
    });
    server.fault_when(
        |r| r.query.is_none(),
        Fault::status(200).with_body(&page.to_string()),
    );
    let listed: Vec<Result<_, Error>> = client.users().collect().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        matches!(&listed[0], Err(Error::Decode { path, .. }) if path == "next"),
        "{listed:?}"
    );
    assert_eq!(server.requests().len(), 1);
}
