//! What the sync's tests share: a client of an embedded server, and a store in a temporary
//! folder.

#![allow(dead_code)]

use usercom_core::{Client, RetryPolicy};
use usercom_derive::IntoUserComUser;
use usercom_mock::MockServer;
use usercom_sync::Store;

/// An application's user, as the examples map one.
#[derive(Debug, Clone, IntoUserComUser)]
#[usercom(crate = usercom_core)]
pub struct Customer {
    #[usercom(user_id)]
    pub id: String,
    #[usercom(email)]
    pub email: String,
    #[usercom(phone_number)]
    pub phone: Option<String>,
    #[usercom(attribute = "plan")]
    pub plan: Option<String>,
}

/// `n` customers, `c0` to `c{n-1}`, each with a phone and a plan.
pub fn customers(n: usize) -> Vec<Customer> {
    (0..n)
        .map(|i| Customer {
            id: format!("c{i}"),
            email: format!("c{i}@example.org"),
            phone: Some(format!("+48 600 000 {i:03}")),
            plan: Some("free".into()),
        })
        .collect()
}

/// A client of `server` that does not retry: a failure is the sync's to handle.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(&server.base_url())
        .api_key(MockServer::API_KEY)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A client of `server` with the default retry policy.
pub fn retrying_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(&server.base_url())
        .api_key(MockServer::API_KEY)
        .build()
        .unwrap()
}

/// An SQLite store in a new temporary folder (kept as long as the folder).
pub async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::sqlite(dir.path().join("sync.db")).await.unwrap();
    (store, dir)
}

/// The users the server holds by `user_id`: each one's attributes and custom attributes.
pub fn held(server: &MockServer) -> std::collections::BTreeMap<String, usercom_mock::StoredUser> {
    let mut held = std::collections::BTreeMap::new();
    for user in server.users() {
        let key = user.attributes["user_id"].as_str().unwrap().to_owned();
        assert!(
            held.insert(key.clone(), user).is_none(),
            "{key} is held twice"
        );
    }
    held
}
