//! Updating a user from the same derived struct: `update_user` (`PUT users/<id>/`) and
//! `update_user_by_user_id` (`PUT users-by-id/<user_id>/`), against the embedded server.

mod common;

use common::sent;
use serde_json::json;
use usercom::{ApiVersion, Client, Error, IntoUserComUser};
use usercom_mock::{Fault, MockServer, Route};

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(user_id)]
    id: String,
    #[usercom(email)]
    email: String,
    #[usercom(city)]
    city: Option<String>,
    #[usercom(score)]
    points: Option<i32>,
    #[usercom(attribute = "plan")]
    plan: Option<String>,
    #[allow(dead_code)]
    password_hash: String, // not mapped: never sent
}

fn customer(id: &str) -> Customer {
    Customer {
        id: id.to_owned(),
        email: "ada@example.org".into(),
        city: Some("London".into()),
        points: Some(10),
        plan: Some("free".into()),
        password_hash: "$argon2id$secret".into(),
    }
}

/// A client of `server` that retries fast (3 retries).
fn client(server: &MockServer) -> Client {
    common::fast_retry_client(server)
}

/// Creates `customer(user_id)` and forgets its requests; the user's User.com id.
async fn created(server: &MockServer, client: &Client, user_id: &str) -> u64 {
    let user = client.create_user(&customer(user_id)).await.unwrap();
    server.record_requests(false);
    server.record_requests(true);
    user.id
}

#[tokio::test]
async fn an_update_sends_only_mapped_present_fields_and_leaves_the_rest() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = created(&server, &client, "c-1815").await;

    let change = Customer {
        city: None,
        points: Some(42),
        plan: Some("pro".into()),
        ..customer("c-1815")
    };
    let user = client.update_user(id, &change).await.unwrap();
    assert_eq!(user.id, id);
    assert_eq!(user.score, 42);
    // `None` left the city as it was.
    assert_eq!(user.city.as_deref(), Some("London"));
    assert_eq!(user.attribute("plan"), Some(&json!("pro")));
    assert_eq!(
        sent(&server),
        [
            format!(
                "PUT /api/public/users/{id}/ \
                 {{\"email\":\"ada@example.org\",\"score\":42,\"user_id\":\"c-1815\"}}"
            ),
            format!("POST /api/public/users/{id}/set_multiple_attributes/ {{\"plan\":\"pro\"}}"),
        ]
    );
    assert!(!sent(&server).concat().contains("argon2"));
    assert_eq!(server.user_count(), 1);
}

#[tokio::test]
async fn an_update_by_user_id_finds_the_user_by_the_structs_own_id() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = created(&server, &client, "c/1815").await;

    let change = Customer {
        city: Some("Paris".into()),
        plan: None,
        ..customer("c/1815")
    };
    let user = client.update_user_by_user_id(&change).await.unwrap();
    assert_eq!((user.id, user.city.as_deref()), (id, Some("Paris")));
    assert_eq!(
        sent(&server),
        ["PUT /api/public/users-by-id/c%2F1815/ \
          {\"city\":\"Paris\",\"email\":\"ada@example.org\",\"score\":10,\"user_id\":\"c/1815\"}"]
    );

    // Nobody has that id: the server's 404, not a silent success.
    let error = client
        .update_user_by_user_id(&customer("c-nobody"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
}

#[tokio::test]
async fn an_update_uses_the_api_versions_names() {
    let server = MockServer::start().await;
    let client = common::builder_for(&server)
        .api_version(ApiVersion::V2)
        .build()
        .unwrap();
    created(&server, &client, "c-1").await;
    let change = Customer {
        city: None,
        points: None,
        plan: None,
        ..customer("c-1")
    };
    client.update_user_by_user_id(&change).await.unwrap();
    assert_eq!(
        sent(&server),
        ["PUT /api/public/users-by-id/c-1/ {\"email\":\"ada@example.org\",\"custom_id\":\"c-1\"}"]
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = created(&server, &client, "c-1").await;
    for bad in ["", " ", " c-1", "c-1\t", "c\u{200B}1"] {
        let error = client
            .update_user_by_user_id(&customer(bad))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "user_id"),
            "{bad:?}: {error:?}"
        );
    }
    let bad_email = Customer {
        email: "ada at example.org".into(),
        ..customer("c-1")
    };
    let error = client.update_user(id, &bad_email).await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "email"),
        "{error:?}"
    );
    // `.` and `..` can be a user_id in a create, but not a path segment.
    let error = client
        .update_user_by_user_id(&customer(".."))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert!(server.requests().is_empty(), "{:?}", sent(&server));
    // A hand-built payload without a user_id is refused at run time.
    let error = client
        .update_user_by_user_id(&usercom::CreateUser::new().city("Oslo"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "user_id"),
        "{error:?}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_lost_answer_is_retried_and_the_user_updated_once() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = created(&server, &client, "c-1").await;
    server.fault_on(Route::UpdateUser, Fault::DropAfterProcessing);
    let change = Customer {
        plan: None,
        points: Some(7),
        ..customer("c-1")
    };
    let user = client.update_user(id, &change).await.unwrap();
    assert_eq!(user.score, 7);
    let puts = sent(&server)
        .iter()
        .filter(|r| r.starts_with("PUT"))
        .count();
    assert_eq!(puts, 2);
    assert_eq!(server.user_count(), 1);
}

#[tokio::test]
async fn a_2xx_that_is_not_the_user_is_read_back() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = created(&server, &client, "c-1").await;
    server.fault_on(Route::UpdateUser, Fault::TruncatedJson);
    let change = Customer {
        plan: None,
        city: Some("Rome".into()),
        ..customer("c-1")
    };
    let user = client.update_user(id, &change).await.unwrap();
    assert_eq!(user.city.as_deref(), Some("Rome"));
    let methods: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        methods,
        [
            format!("PUT /api/public/users/{id}/"),
            format!("GET /api/public/users/{id}/")
        ]
    );
}

#[tokio::test]
async fn custom_attributes_that_fail_hand_back_the_updated_user() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = created(&server, &client, "c-1").await;
    server.fault_on(Route::SetMultipleAttributes, Fault::status(400));
    let change = Customer {
        city: Some("Oslo".into()),
        plan: Some("pro".into()),
        ..customer("c-1")
    };
    let error = client.update_user(id, &change).await.unwrap_err();
    match &error {
        Error::AttributesNotSet { user, created, .. } => {
            assert!(!created);
            assert_eq!((user.id, user.city.as_deref()), (id, Some("Oslo")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.created_user().map(|u| u.id), Some(id));
    assert_eq!(
        server.users()[0].custom.get("plan"),
        Some(&json!("free")),
        "the plan is as the create set it"
    );
}

#[tokio::test]
async fn an_update_of_nobody_is_a_404() {
    let server = MockServer::start().await;
    let client = client(&server);
    let error = client
        .update_user(4242, &customer("c-1"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { status: 404, .. }), "{error:?}");
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn an_update_that_cannot_be_read_back_still_sets_the_attributes_and_says_so() {
    let server = MockServer::start().await;
    let client = client(&server);
    let id = created(&server, &client, "c-1").await;
    // The answer is not the user, and the read-back is refused (a key that may not read).
    server.fault_on(Route::UpdateUser, Fault::TruncatedJson);
    server.fault_on(Route::GetUser, Fault::status(403));
    server.fault_on(Route::SetMultipleAttributes, Fault::EmptyBody);
    let change = Customer {
        city: Some("Oslo".into()),
        plan: Some("pro".into()),
        ..customer("c-1")
    };
    let error = client.update_user(id, &change).await.unwrap_err();
    match &error {
        Error::ReadBackFailed {
            id: failed_id,
            created,
            custom_attributes_set,
            ..
        } => {
            assert_eq!(
                (*failed_id, *created, *custom_attributes_set),
                (id, false, true)
            );
        }
        other => panic!("{other:?}"),
    }
    let stored = &server.users()[0];
    assert_eq!(stored.attributes["city"], json!("Oslo"));
    assert_eq!(stored.custom["plan"], json!("pro"));
}
