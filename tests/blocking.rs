//! The blocking client (feature `blocking`).
#![cfg(feature = "blocking")]

use usercom::{blocking, CreateUser, Error};
use usercom_mock::MockServer;

fn start_server() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    (runtime, server)
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
    let client = blocking::Client::new("app", &"k".repeat(64)).unwrap();
    let err = client
        .create_user(&CreateUser::new().email("nope"))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert!(!format!("{client:?}").contains(&"k".repeat(64)));
}

#[tokio::test]
async fn inside_an_async_runtime_it_refuses_instead_of_blocking() {
    let client = std::thread::spawn(|| blocking::Client::new("app", &"k".repeat(64)).unwrap())
        .join()
        .unwrap();
    let err = client
        .create_user(&CreateUser::new().email("a@example.org"))
        .unwrap_err();
    assert!(err.to_string().contains("async runtime"), "{err}");
    drop(client); // dropping inside a runtime is fine too
}
