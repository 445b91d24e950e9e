//! The API key never leaks: not in Debug, Display, errors, or tracing output; requests go
//! only where configured.

mod common;

use usercom::{Client, CreateUser, Error};
use usercom_mock::MockServer;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn the_key_is_sent_only_in_the_authorization_header() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.header("authorization"),
        Some(format!("Token {}", server.api_key()).as_str())
    );
    assert!(!request.path.contains(server.api_key()));
    assert!(!String::from_utf8_lossy(&request.body).contains(server.api_key()));
    assert!(!format!("{client:?}").contains(server.api_key()));
}

#[tokio::test]
async fn a_redirect_to_another_host_never_receives_the_key() {
    let elsewhere = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&elsewhere)
        .await;
    for status in [301, 302, 307, 308] {
        let origin = wiremock::MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", format!("{}/steal/", elsewhere.uri()).as_str()),
            )
            .mount(&origin)
            .await;
        let client = Client::builder()
            .base_url(&origin.uri())
            .api_key(&"s".repeat(64))
            .build()
            .unwrap();
        let err = client
            .create_user(&CreateUser::new().email("a@example.org"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[test]
fn no_configuration_can_send_the_key_to_another_host_or_in_clear_text() {
    let key = "k".repeat(64);
    for subdomain in [
        "evil.com#",
        "a.evil.com",
        "a/b",
        "a@evil.com",
        "a:80",
        "a b",
        "a?x=",
        "",
        "-a",
    ] {
        let err = Client::new(subdomain, &key).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{subdomain:?}");
    }
    for base_url in [
        "http://example.com",
        "http://192.168.1.10",
        "http://10.0.0.1:8080",
        "ftp://localhost",
    ] {
        let err = Client::builder()
            .base_url(base_url)
            .api_key(&key)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{base_url}");
        assert!(!err.to_string().contains(&key));
    }
}
