//! An embedded User.com API server, for testing User.com integrations offline (as stripe-mock
//! and wiremock serve their users).
//!
//! It follows the documented API: token authentication, trailing slashes, validation of every
//! standard attribute's wire type and limits (400 with per-field messages), created users
//! stored and answered in the shape of the documented sample, custom attributes, API versions
//! 1 and 2, and fault injection for resilience tests.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use usercom_mock::MockServer;
//! let server = MockServer::start().await;
//! let response = reqwest::Client::new()
//!     .post(format!("{}users/", server.base_url()))
//!     .header("Authorization", format!("Token {}", server.api_key()))
//!     .header("Content-Type", "application/json")
//!     .body(r#"{"email": "ada@example.org", "first_name": "Ada"}"#)
//!     .send()
//!     .await
//!     .unwrap();
//! assert_eq!(response.status(), 201);
//! assert_eq!(server.users()[0].attributes["email"], "ada@example.org");
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod fault;
mod store;

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode, Uri};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

pub use fault::Fault;
pub use store::StoredUser;
use store::{FieldErrors, Store, Version};

/// The path every API route starts with.
const API_PREFIX: &str = "/api/public/";

/// A request the server received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, from `/api/public/...`.
    pub path: String,
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
}

struct Shared {
    api_key: String,
    state: Mutex<State>,
}

struct State {
    store: Store,
    faults: VecDeque<Fault>,
    latency: Duration,
    record: bool,
    requests: Vec<RecordedRequest>,
    request_count: u64,
    in_flight: usize,
    max_in_flight: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the store half-written in a way that
        // matters to a test server; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A User.com API server on a random loopback port, running until dropped.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

impl MockServer {
    /// The API key the server accepts unless started with another: 64 ASCII alphanumerics.
    pub const API_KEY: &'static str =
        "m0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ckm0ck";

    /// Starts a server on `127.0.0.1` at a random port, accepting [`MockServer::API_KEY`].
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound (see [`MockServer::try_start`]).
    pub async fn start() -> MockServer {
        MockServer::try_start(MockServer::API_KEY)
            .await
            .expect("cannot bind a loopback port for the mock User.com server")
    }

    /// Starts a server on a random loopback port that accepts `api_key`.
    pub async fn try_start(api_key: &str) -> io::Result<MockServer> {
        MockServer::try_start_on(SocketAddr::from(([127, 0, 0, 1], 0)), api_key).await
    }

    /// Starts a server on `addr` (port 0: a random one) that accepts `api_key`. Binding to
    /// anything but a loopback address is refused: the server is for tests.
    pub async fn try_start_on(addr: SocketAddr, api_key: &str) -> io::Result<MockServer> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the mock User.com server listens on loopback addresses only",
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            api_key: api_key.to_owned(),
            state: Mutex::new(State {
                store: Store::new(),
                faults: VecDeque::new(),
                latency: Duration::ZERO,
                record: true,
                requests: Vec::new(),
                request_count: 0,
                in_flight: 0,
                max_in_flight: 0,
            }),
        });
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(serve(listener, shared.clone(), stopped));
        Ok(MockServer {
            addr,
            shared,
            shutdown,
        })
    }

    /// The base URL of the API, `http://127.0.0.1:<port>/api/public/`, for
    /// `ClientBuilder::base_url`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the server accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// The stored users, in creation order.
    pub fn users(&self) -> Vec<StoredUser> {
        self.shared.lock().store.users()
    }

    /// How many users are stored.
    pub fn user_count(&self) -> usize {
        self.shared.lock().store.user_count()
    }

    /// The requests received so far (while recording is on; see
    /// [`MockServer::record_requests`]).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// How many requests the server has received, recorded or not.
    pub fn request_count(&self) -> u64 {
        self.shared.lock().request_count
    }

    /// The most requests the server has been handling at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.lock().max_in_flight
    }

    /// Turns the request log on (the default) or off (for long runs).
    pub fn record_requests(&self, on: bool) {
        let mut state = self.shared.lock();
        state.record = on;
        if !on {
            state.requests = Vec::new();
        }
    }

    /// Answers the next `n` requests with `status` (not processed).
    pub fn fail_next(&self, n: usize, status: u16) {
        self.push_faults(n, Fault::status(status));
    }

    /// Answers the next `n` requests with `status` and a `Retry-After` header (not processed).
    pub fn fail_next_with_retry_after(&self, n: usize, status: u16, retry_after: &str) {
        self.push_faults(n, Fault::status(status).retry_after(retry_after));
    }

    /// Queues `fault` for the next request that has none queued before it.
    pub fn push_fault(&self, fault: Fault) {
        self.push_faults(1, fault);
    }

    fn push_faults(&self, n: usize, fault: Fault) {
        let mut state = self.shared.lock();
        state.faults.extend(std::iter::repeat_n(fault, n));
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Adds `latency` before every answer.
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().latency = latency;
    }
}

/// Accepts connections until shutdown. Each connection is served by hyper with a handle that
/// lets a fault close it without answering.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = stopped.changed() => return,
        };
        let shared = shared.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let router = Router::new().fallback({
                let shared = shared.clone();
                let kill = kill.clone();
                move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                    handle(shared.clone(), kill.clone(), method, uri, headers, body)
                }
            });
            let service = TowerToHyperService::new(router);
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let _in_flight = InFlight::enter(&shared);
    let (fault, latency) = {
        let mut state = shared.lock();
        state.request_count += 1;
        if state.record {
            state.requests.push(RecordedRequest {
                method: method.to_string(),
                path: uri.path().to_owned(),
                headers: headers
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: body.to_vec(),
            });
        }
        (state.faults.pop_front(), state.latency)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(Fault::Delay(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    if let Some(fault) = &fault {
        if !fault.processes() {
            return match fault {
                Fault::DropBeforeProcessing => drop_connection(&kill).await,
                _ => fault_response(fault, None),
            };
        }
    }
    let answer = route(&shared, &method, uri.path(), &headers, &body);
    match &fault {
        None | Some(Fault::Delay(_)) => answer,
        Some(Fault::DropAfterProcessing) => drop_connection(&kill).await,
        Some(fault) => fault_response(fault, Some(answer)),
    }
}

/// Counts a request as in flight until dropped (also when its connection is dropped).
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> InFlight<'a> {
        let mut state = shared.lock();
        state.in_flight += 1;
        state.max_in_flight = state.max_in_flight.max(state.in_flight);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.lock().in_flight -= 1;
    }
}

/// Closes the connection without an answer.
async fn drop_connection(kill: &Notify) -> Response<Body> {
    kill.notify_one();
    std::future::pending().await
}

/// The answer a fault turns `answer` (the normal one, when the request was processed) into.
fn fault_response(fault: &Fault, answer: Option<Response<Body>>) -> Response<Body> {
    let status = answer
        .as_ref()
        .map(|a| a.status())
        .filter(|s| s.is_success())
        .unwrap_or(StatusCode::CREATED);
    let user = || {
        json!({"id": 1, "key": "k", "created_at": "2020-01-01T00:00:00.000000Z",
               "updated_at": "2020-01-01T00:00:00.000000Z"})
        .to_string()
    };
    match fault {
        Fault::Status {
            status,
            retry_after,
            body,
            ..
        } => {
            let mut response = raw(
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                "application/json",
                body.clone(),
            );
            if let Some(value) = retry_after
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Fault::HtmlBody => raw(
            status,
            "text/html",
            "<html><body><h1>Service Unavailable</h1></body></html>".into(),
        ),
        Fault::TruncatedJson => {
            let text = user();
            raw(
                status,
                "application/json",
                text[..text.len() / 2].to_owned(),
            )
        }
        Fault::WrongTypes => raw(
            status,
            "application/json",
            json!({"id": "not-a-number", "key": 12, "created_at": true,
                   "updated_at": "2020-01-01T00:00:00Z"})
            .to_string(),
        ),
        Fault::EmptyBody => raw(status, "application/json", String::new()),
        Fault::ResetMidBody => {
            let text = user();
            let half = Bytes::from(text[..text.len() / 2].to_owned());
            // The head and half of the body are flushed before the reset, so that the client
            // sees a success status and then loses the connection mid-body.
            let reset = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err::<Bytes, _>(io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "injected reset",
                ))
            });
            let chunks = futures_util::StreamExt::chain(
                futures_util::stream::iter([Ok::<_, io::Error>(half)]),
                reset,
            );
            let mut response = Response::new(Body::from_stream(chunks));
            *response.status_mut() = status;
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(text.len()));
            response
        }
        Fault::Delay(_) | Fault::DropBeforeProcessing | Fault::DropAfterProcessing => {
            answer.unwrap_or_else(|| raw(status, "application/json", user()))
        }
    }
}

fn raw(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    raw(status, "application/json", value.to_string())
}

fn detail(status: StatusCode, message: &str) -> Response<Body> {
    json_response(status, &json!({ "detail": message }))
}

fn field_errors(errors: FieldErrors) -> Response<Body> {
    json_response(StatusCode::BAD_REQUEST, &json!(errors))
}

/// Authentication, then the documented routes.
fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response<Body> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match token.and_then(|t| t.strip_prefix("Token ")) {
        None => {
            return detail(
                StatusCode::UNAUTHORIZED,
                "Authentication credentials were not provided.",
            )
        }
        Some(key) if key != shared.api_key => {
            return detail(StatusCode::UNAUTHORIZED, "Invalid token.")
        }
        Some(_) => {}
    }
    let Some(rest) = path.strip_prefix(API_PREFIX) else {
        return detail(StatusCode::NOT_FOUND, "Not found.");
    };
    if !rest.ends_with('/') {
        // User.com has been seen to answer 401 to a path without its trailing slash.
        return detail(StatusCode::UNAUTHORIZED, "Invalid token.");
    }
    let version = match headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) {
        Some(accept) if accept.replace(' ', "").contains("version=2") => Version::V2,
        _ => Version::V1,
    };
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let json_body = || serde_json::from_slice::<Value>(body);
    let mut state = shared.lock();
    let store = &mut state.store;
    match (method, segments.as_slice()) {
        (&Method::POST, ["users"]) => match json_body() {
            Err(e) => detail(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}")),
            Ok(body) => match store.create(&body, version) {
                Ok(id) => {
                    json_response(StatusCode::CREATED, &store.response(id).unwrap_or_default())
                }
                Err(errors) => field_errors(errors),
            },
        },
        (&Method::POST, ["users", "update_or_create"]) => match json_body() {
            Err(e) => detail(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}")),
            Ok(body) => match store.update_or_create(&body, version) {
                Ok((id, created)) => {
                    let status = if created {
                        StatusCode::CREATED
                    } else {
                        StatusCode::OK
                    };
                    json_response(status, &json!({"created": created, "id": id}))
                }
                Err(errors) => field_errors(errors),
            },
        },
        (&Method::GET, ["users", id]) => match id.parse().ok().and_then(|id| store.response(id)) {
            Some(user) => json_response(StatusCode::OK, &user),
            None => detail(StatusCode::NOT_FOUND, "Not found."),
        },
        (&Method::POST, ["users", id, "set_multiple_attributes"]) => {
            let Some(id) = id.parse::<u64>().ok() else {
                return detail(StatusCode::NOT_FOUND, "Not found.");
            };
            match json_body() {
                Err(e) => detail(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}")),
                Ok(body) => match store.set_attributes(id, &body) {
                    Ok(true) => {
                        json_response(StatusCode::OK, &store.response(id).unwrap_or_default())
                    }
                    Ok(false) => detail(StatusCode::NOT_FOUND, "Not found."),
                    Err(errors) => field_errors(errors),
                },
            }
        }
        (_, ["users", ..]) => detail(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("Method \"{method}\" not allowed."),
        ),
        _ => detail(StatusCode::NOT_FOUND, "Not found."),
    }
}
