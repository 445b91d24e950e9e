//! API version 2: the same Rust names, the v2 wire names and header.

mod common;

use serde_json::json;
use usercom::{ApiVersion, Client, IntoUserComUser};
use usercom_mock::MockServer;

#[derive(IntoUserComUser)]
struct Account {
    #[usercom(user_id)]
    id: u64,
    #[usercom(company_id)]
    company: &'static str,
    #[usercom(email)]
    email: &'static str,
}

fn client(server: &MockServer, version: ApiVersion) -> Client {
    common::builder_for(server)
        .api_version(version)
        .build()
        .unwrap()
}

const ACCOUNT: Account = Account {
    id: 42,
    company: "acme",
    email: "a@example.org",
};

#[tokio::test]
async fn v1_is_the_default_and_sends_the_seed_names() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    assert_eq!(client.api_version(), ApiVersion::V1);
    client.create_user(&ACCOUNT).await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.json().unwrap(),
        json!({"user_id": "42", "company_id": "acme", "email": "a@example.org"})
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(server.users()[0].attributes["user_id"], "42");
}

#[tokio::test]
async fn v2_sends_the_v2_names_and_header_and_decodes_the_answer() {
    let server = MockServer::start().await;
    let user = client(&server, ApiVersion::V2)
        .create_user(&ACCOUNT)
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.json().unwrap(),
        json!({"custom_id": "42", "company_custom_id": "acme", "email": "a@example.org"})
    );
    assert_eq!(request.header("accept"), Some("*/*; version=2"));
    // The server understood the v2 names: the same stored user as with v1.
    let stored = &server.users()[0];
    assert_eq!(stored.attributes["user_id"], "42");
    assert_eq!(stored.attributes["company_id"], "acme");
    assert_eq!(user.email.as_deref(), Some("a@example.org"));
}

#[test]
fn the_body_can_be_had_without_sending() {
    let client = Client::new("app", &"k".repeat(64)).unwrap();
    assert_eq!(
        client.create_user_body(&ACCOUNT).unwrap(),
        br#"{"company_id":"acme","email":"a@example.org","user_id":"42"}"#
    );
}

#[test]
fn wire_names_agree_with_the_bodies_of_both_versions() {
    let payload = usercom::CreateUser::new()
        .user_id("u")
        .company_id("c")
        .email("e@example.org");
    for version in [ApiVersion::V1, ApiVersion::V2] {
        let body = serde_json::to_value(payload.body(version)).unwrap();
        let mut keys: Vec<&str> = body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected: Vec<&str> = ["user_id", "company_id", "email"]
            .into_iter()
            .map(|name| version.wire_name(name))
            .collect();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{version:?}");
    }
    for name in usercom::CreateUser::STANDARD_ATTRIBUTES {
        assert_eq!(ApiVersion::V1.wire_name(name), *name);
        let renamed = ApiVersion::V2.wire_name(name) != *name;
        assert_eq!(renamed, matches!(*name, "user_id" | "company_id"), "{name}");
    }
}
