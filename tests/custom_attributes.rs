//! Custom attributes end to end against the embedded server: create, then set them.

mod common;

use serde_json::json;
use usercom::{Client, Error, IntoUserComUser};
use usercom_mock::{Fault, MockServer, Route};

fn client(server: &MockServer) -> Client {
    common::client_for(server)
}

#[derive(IntoUserComUser)]
struct Subscriber {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    first_name: String,
    #[usercom(attribute = "plan")]
    plan: String,
    #[usercom(attribute = "seats")]
    seats: u32,
    #[usercom(attribute = "referrer")]
    referrer: Option<String>,
}

fn subscriber() -> Subscriber {
    Subscriber {
        email: "ada@example.org".into(),
        first_name: "Ada".into(),
        plan: "pro".into(),
        seats: 3,
        referrer: None,
    }
}

#[tokio::test]
async fn creates_the_user_then_sets_its_custom_attributes() {
    let server = MockServer::start().await;
    let user = client(&server).create_user(&subscriber()).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].path, "/api/public/users/");
    assert_eq!(
        requests[0].json().unwrap(),
        json!({"email": "ada@example.org", "first_name": "Ada"})
    );
    assert_eq!(
        requests[1].path,
        format!("/api/public/users/{}/set_multiple_attributes/", user.id)
    );
    // None values are left out.
    assert_eq!(
        requests[1].json().unwrap(),
        json!({"plan": "pro", "seats": 3})
    );

    // The final user carries the attributes.
    assert_eq!(user.attribute("plan"), Some(&json!("pro")));
    assert_eq!(user.attribute("seats"), Some(&json!(3)));
    assert_eq!(user.attribute("referrer"), None);
    let stored = server.users();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].custom.get("plan"), Some(&json!("pro")));
}

#[tokio::test]
async fn without_custom_attributes_there_is_one_request() {
    #[derive(IntoUserComUser)]
    struct Plain {
        #[usercom(email)]
        email: &'static str,
    }
    let server = MockServer::start().await;
    client(&server)
        .create_user(&Plain {
            email: "p@example.org",
        })
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_failed_second_step_hands_back_the_created_user_and_is_not_retried() {
    let server = MockServer::start().await;
    // The create goes through; the set-attributes request is refused.
    server.fault_on(
        Route::SetMultipleAttributes,
        Fault::status(400).with_body(r#"{"plan": ["Invalid value."]}"#),
    );
    let err = client(&server)
        .create_user(&subscriber())
        .await
        .unwrap_err();

    assert!(
        matches!(err, Error::AttributesNotSet { created: true, .. }),
        "{err:?}"
    );
    let created = err.created_user().expect("the created user is handed back");
    assert_eq!(created.email.as_deref(), Some("ada@example.org"));
    assert_eq!(err.status(), Some(400));
    // The server's answer is the cause, in `source()`, not repeated in `Display`.
    let cause = std::error::Error::source(&err).expect("the failed request is the source");
    assert!(
        cause.to_string().contains("plan: Invalid value."),
        "{cause}"
    );
    let message = err.to_string();
    assert!(!message.contains("plan: Invalid value."), "{message}");
    assert!(message.contains("the user was created"), "{message}");
    assert!(message.contains(&created.id.to_string()), "{message}");
    assert!(message.contains("custom attributes"), "{message}");

    // One user, two requests: nothing was created twice.
    assert_eq!(server.user_count(), 1);
    assert_eq!(server.request_count(), 2);
    assert_eq!(server.users()[0].id, created.id);
}

#[tokio::test]
async fn bad_input_never_reaches_the_server() {
    let server = MockServer::start().await;
    let client = client(&server);
    #[derive(IntoUserComUser)]
    struct Named {
        #[usercom(first_name)]
        first_name: String,
    }
    let err = client
        .create_user(&Named {
            first_name: "x".repeat(41),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert_eq!(
        server.request_count(),
        0,
        "the client refused before sending"
    );
}

#[tokio::test]
async fn a_second_step_the_server_did_not_process_is_retried_without_a_second_user() {
    let server = MockServer::start().await;
    server.fault_on(Route::SetMultipleAttributes, Fault::status(503));
    let user = client(&server).create_user(&subscriber()).await.unwrap();
    assert_eq!(user.attribute("plan"), Some(&json!("pro")));
    assert_eq!(server.request_count(), 3, "create, refused set, set again");
    assert_eq!(server.user_count(), 1);
}
