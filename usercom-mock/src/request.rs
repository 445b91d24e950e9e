//! A request as the server received it, for tests to inspect.

use serde_json::Value;

use crate::Route;

/// A request the server received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, from `/api/public/...`.
    pub path: String,
    /// The query string (without `?`), if the request had one.
    pub query: Option<String>,
    /// The request headers.
    pub headers: Vec<(String, String)>,
    /// The body, as received.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Result<Value> {
        serde_json::from_slice(&self.body)
    }

    /// The route the request is on, if any (see [`Route::of`]).
    pub fn route(&self) -> Option<Route> {
        Route::of(&self.method, &self.path)
    }
}
