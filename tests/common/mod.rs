//! What the integration tests share.

use std::collections::HashSet;
use std::time::Duration;

use usercom::{Client, ClientBuilder, RetryPolicy};
use usercom_mock::MockServer;

/// A client builder aimed at `server`, with its API key.
pub fn builder_for(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
}

/// A client of `server` with the default settings.
#[allow(dead_code)] // not every test binary uses it
pub fn client_for(server: &MockServer) -> Client {
    builder_for(server)
        .build()
        .expect("the mock's settings are valid")
}

/// Each request `server` recorded, as `METHOD path body`.
#[allow(dead_code)] // not every test binary uses it
pub fn sent(server: &MockServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.path,
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect()
}

/// A client of `server` that retries fast: 3 retries, backoffs from 2 ms to 20 ms.
#[allow(dead_code)] // not every test binary uses it
pub fn fast_retry_client(server: &MockServer) -> Client {
    builder_for(server)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(3)
                .initial_backoff(Duration::from_millis(2))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .expect("the mock's settings are valid")
}

/// A client of `server` that gives up on a request after its third throttling refusal
/// (`RetryPolicy::max_throttled_retries(2)`), with 1 ms backoffs and retries to spare.
#[allow(dead_code)] // not every test binary uses it
pub fn throttle_bounded_client(server: &MockServer) -> Client {
    builder_for(server)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(10)
                .initial_backoff(Duration::from_millis(1))
                .max_throttled_retries(2),
        )
        .build()
        .expect("the mock's settings are valid")
}

/// Every input created once: `server` stores exactly `n` users, all with distinct emails.
#[allow(dead_code)] // not every test binary uses it
pub fn assert_each_created_once(server: &MockServer, n: usize) {
    let emails: HashSet<String> = server
        .users()
        .iter()
        .map(|user| user.attributes["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(server.user_count(), n, "users stored");
    assert_eq!(emails.len(), n, "distinct users");
}

/// The inputs of a bulk run that failed, as `index: error`: none, in a run that lost nothing.
#[allow(dead_code)] // not every test binary uses it
pub fn failures<T>(outcomes: &[(usize, Result<T, usercom::Error>)]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| format!("{i}: {e}")))
        .collect()
}
