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
        .retry_policy(RetryPolicy::none().max_throttled_retries(0))
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

/// The Postgres server the tests use: `USERCOM_SYNC_POSTGRES_URL`, set by
/// `.ci/with-postgres` (README's test command). A test that needs it fails without it.
#[cfg(feature = "postgres")]
pub fn postgres_url() -> String {
    std::env::var("USERCOM_SYNC_POSTGRES_URL").expect(
        "USERCOM_SYNC_POSTGRES_URL is not set: run the tests through .ci/with-postgres \
         (README, \"Run every test\"), or point it at a Postgres server whose role may create \
         databases",
    )
}

/// A new, empty database on the tests' Postgres server, for one test: its URL.
#[cfg(feature = "postgres")]
pub async fn fresh_postgres() -> String {
    use sqlx::Connection;
    let base = postgres_url();
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|err| panic!("cannot reach the tests' Postgres server: {err}"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("usercom_sync_test_{}_{nanos}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// Drops a database [`fresh_postgres`] made, once its test is done with it (one that fails
/// first leaves its database, named by the process and the moment, to look at).
#[cfg(feature = "postgres")]
pub async fn drop_postgres(url: &str) {
    use sqlx::Connection;
    let name = url::Url::parse(url)
        .unwrap()
        .path()
        .trim_start_matches('/')
        .to_owned();
    assert!(name.starts_with("usercom_sync_test_"), "{name}");
    let mut conn = sqlx::PgConnection::connect(&postgres_url()).await.unwrap();
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}

/// A number drawn from the clock (the moments a crash test kills at), printed so that a
/// failure can be told apart from another.
pub fn draw(below: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    nanos.wrapping_mul(6364136223846793005).rotate_left(17) % below
}
