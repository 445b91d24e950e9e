//! What the integration tests share.

use usercom::{Client, ClientBuilder};
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
