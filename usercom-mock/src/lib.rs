//! An embedded User.com API server, for testing User.com integrations offline (as stripe-mock
//! and wiremock serve their users).
//!
//! It follows the documented API: token authentication, trailing slashes, validation of every
//! standard attribute's wire type and limits (400 with per-field messages), created users
//! stored and answered in the shape of the documented sample (and found again: `GET
//! users/<id>/`, `GET users/search/?email=`, `GET users-by-id/<user_id>/`, a user none
//! matches being `404 {"detail": "Not found."}`), custom attributes (checked
//! against the app's attribute definitions, also listed at `GET attributes/`, once a test
//! gives them: [`MockServer::set_attribute_definitions`]), API versions 1 and 2, DRF-style
//! errors (`404 {"detail": "Not found."}` for an unknown path, `405` with
//! an `Allow` header for a known path asked with another method), and fault injection for
//! resilience tests.
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
//!
//! # Fault injection
//!
//! A [`Fault`] is queued for one request: the next request of any kind
//! ([`MockServer::push_fault`], [`MockServer::fail_next`]), the next request on a [`Route`]
//! ([`MockServer::fault_on`]), or the next request a predicate accepts
//! ([`MockServer::fault_when`]). A fault aimed at a route waits for a request on that route;
//! requests on other routes pass it by. What each fault does, and what it leaves the server
//! holding, is tabled at [`Fault`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use usercom_mock::{Fault, MockServer, Route};
//! let server = MockServer::start().await;
//! // The create goes through; the custom attributes are refused.
//! server.fault_on(
//!     Route::SetMultipleAttributes,
//!     Fault::status(400).with_body(r#"{"plan": ["Invalid value."]}"#),
//! );
//! let http = reqwest::Client::new();
//! let post = |path: String| {
//!     http.post(format!("{}{path}", server.base_url()))
//!         .header("Authorization", format!("Token {}", server.api_key()))
//!         .body(r#"{"plan": "pro"}"#)
//!         .send()
//! };
//! let created = post("users/".into()).await.unwrap();
//! assert_eq!(created.status(), 201);
//! let id = server.users()[0].id;
//! let refused = post(format!("users/{id}/set_multiple_attributes/")).await.unwrap();
//! assert_eq!(refused.status(), 400);
//! assert_eq!(server.pending_faults(), 0);
//! # }
//! ```
//!
//! # Robustness
//!
//! The server answers every request (a malformed one with a 4xx, never a crash); a failing
//! `accept` (too many open files, say) is retried after a short wait that doubles up to a
//! second, without a busy loop. It logs nothing.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod attributes;
mod fault;
mod rate_limit;
mod route;
mod store;

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode, Uri};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};

pub use attributes::AttributeDefinition;
pub use fault::Fault;
use rate_limit::Limiter;
pub use rate_limit::RateLimit;
pub use route::Route;
use route::{Endpoint, API_PREFIX};
pub use store::StoredUser;
use store::{FieldErrors, Store, Version};

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

/// A predicate choosing the request a fault is for.
type Predicate = Arc<dyn Fn(&RecordedRequest) -> bool + Send + Sync>;

/// Which request a queued fault is for.
enum Target {
    Route(Route),
    When(Predicate),
}

impl Target {
    /// Whether `request` takes the fault. A predicate that panics accepts nothing (its panic
    /// message is printed by the panic hook; the server answers on).
    fn accepts(&self, request: &RecordedRequest) -> bool {
        match self {
            Target::Route(route) => route.matches(&request.method, &request.path),
            Target::When(predicate) => {
                catch_unwind(AssertUnwindSafe(|| predicate(request))).unwrap_or(false)
            }
        }
    }
}

/// A queued fault and the request it waits for.
struct Queued {
    target: Target,
    fault: Fault,
}

struct Shared {
    api_key: String,
    /// The server's own API base URL, for the links of paginated lists.
    base_url: String,
    state: Mutex<State>,
}

struct State {
    store: Store,
    faults: VecDeque<Queued>,
    latency: Duration,
    record: bool,
    requests: Vec<RecordedRequest>,
    request_count: u64,
    in_flight: usize,
    max_in_flight: usize,
    /// The rate limit, if one is set.
    limiter: Option<Limiter>,
    /// Requests the rate limit refused.
    rate_limited: u64,
    /// The end of the latest `Retry-After` the server has sent.
    quiet_until: Option<tokio::time::Instant>,
    /// Requests that arrived before `quiet_until`.
    during_retry_after: u64,
}

impl State {
    /// Notes a `Retry-After` of `seconds` sent at `now`.
    fn note_retry_after(&mut self, now: tokio::time::Instant, seconds: u64) {
        // An absurd value (`u64::MAX` seconds) ends past any instant: about a century.
        let until = now
            .checked_add(Duration::from_secs(seconds))
            .unwrap_or_else(|| now + Duration::from_secs(u64::from(u32::MAX)));
        if self.quiet_until.is_none_or(|quiet| quiet < until) {
            self.quiet_until = Some(until);
        }
    }

    /// Removes and returns the first queued fault aimed at `request`.
    fn take_fault(&mut self, request: &RecordedRequest) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|queued| queued.target.accepts(request))?;
        self.faults.remove(index).map(|queued| queued.fault)
    }
}

impl Shared {
    fn new(api_key: &str, base_url: String) -> Shared {
        Shared {
            api_key: api_key.to_owned(),
            base_url,
            state: Mutex::new(State {
                store: Store::new(),
                faults: VecDeque::new(),
                latency: Duration::ZERO,
                record: true,
                requests: Vec::new(),
                request_count: 0,
                in_flight: 0,
                max_in_flight: 0,
                limiter: None,
                rate_limited: 0,
                quiet_until: None,
                during_retry_after: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the store half-written in a way that
        // matters to a test server; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn queue(&self, n: usize, target: Target, fault: Fault) {
        let mut state = self.lock();
        match target {
            Target::Route(route) => {
                state
                    .faults
                    .extend(std::iter::repeat_n(fault, n).map(|fault| Queued {
                        target: Target::Route(route),
                        fault,
                    }))
            }
            Target::When(predicate) => {
                state
                    .faults
                    .extend(std::iter::repeat_n(fault, n).map(|fault| Queued {
                        target: Target::When(predicate.clone()),
                        fault,
                    }))
            }
        }
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
        let shared = Arc::new(Shared::new(api_key, format!("http://{addr}{API_PREFIX}")));
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
        self.shared.base_url.clone()
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

    /// Gives the server these custom attribute definitions, replacing any it had; their ids
    /// are their positions, from 1.
    ///
    /// The server then lists them at `GET attributes/`, in this order, as the API does:
    /// `{"count", "next", "previous", "results"}`, at most 100 per page
    /// ([`MockServer::set_attributes_page_size`]), `next` and `previous` being absolute URLs
    /// of the server with a `cursor` query (a cursor it did not give out is a 404). And while
    /// it holds any definition, `POST users/<id>/set_multiple_attributes/` takes only names
    /// of `user` definitions, each with a value of its type (`null` clears a value of any
    /// type), and refuses anything else with a 400 and per-field messages like the API's:
    /// `{"plan": ["Attribute does not exist."]}`, `{"seats": ["Enter a whole number."]}`.
    /// Without definitions (the default, or after an empty list) any name is taken.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use usercom_mock::{AttributeDefinition, MockServer};
    /// let server = MockServer::start().await;
    /// server.set_attribute_definitions([
    ///     AttributeDefinition::user("seats", "integer").named("Seats"),
    ///     AttributeDefinition::new("revenue", "float", "company"),
    /// ]);
    /// let page: serde_json::Value = reqwest::Client::new()
    ///     .get(format!("{}attributes/", server.base_url()))
    ///     .header("Authorization", format!("Token {}", server.api_key()))
    ///     .send()
    ///     .await
    ///     .unwrap()
    ///     .json()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(page["count"], 2);
    /// assert_eq!(page["results"][0]["name"], "Seats");
    /// assert_eq!(page["results"][1]["content_type"], "company");
    /// # }
    /// ```
    pub fn set_attribute_definitions<I>(&self, definitions: I)
    where
        I: IntoIterator<Item = AttributeDefinition>,
    {
        self.shared
            .lock()
            .store
            .set_definitions(definitions.into_iter().collect());
    }

    /// The custom attribute definitions the server holds, in their order (ids from 1).
    pub fn attribute_definitions(&self) -> Vec<AttributeDefinition> {
        self.shared.lock().store.definitions()
    }

    /// The most definitions one page of `GET attributes/` lists (default 100, as the API;
    /// 0 is taken as 1). Smaller pages make pagination testable with a few definitions.
    pub fn set_attributes_page_size(&self, page_size: usize) {
        self.shared.lock().store.set_page_size(page_size);
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

    /// Answers the next `n` requests, whatever their route, with `status` (not processed).
    /// The same as `n` times [`MockServer::push_fault`]`(`[`Fault::status`]`(status))`.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.fail_next_on(Route::Any, n, status);
    }

    /// Answers the next `n` requests, whatever their route, with `status` and a
    /// `Retry-After` header (not processed).
    pub fn fail_next_with_retry_after(&self, n: usize, status: u16, retry_after: &str) {
        self.shared.queue(
            n,
            Target::Route(Route::Any),
            Fault::status(status).retry_after(retry_after),
        );
    }

    /// Queues `fault` for the next request, whatever its route, that no fault queued before
    /// takes. The same as [`MockServer::fault_on`]`(`[`Route::Any`]`, fault)`.
    pub fn push_fault(&self, fault: Fault) {
        self.fault_on(Route::Any, fault);
    }

    /// Queues `fault` for the next request on `route` that no fault queued before takes.
    /// Requests on other routes pass it by; [`Route::Any`] aims it at any request.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use usercom_mock::{Fault, MockServer, Route};
    /// let server = MockServer::start().await;
    /// server.fault_on(Route::UpdateOrCreate, Fault::status(502));
    /// let create = reqwest::Client::new()
    ///     .post(format!("{}users/", server.base_url()))
    ///     .header("Authorization", format!("Token {}", server.api_key()))
    ///     .body("{}")
    ///     .send()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(create.status(), 201, "a create is not an update_or_create");
    /// assert_eq!(server.pending_faults(), 1);
    /// # }
    /// ```
    pub fn fault_on(&self, route: Route, fault: Fault) {
        self.shared.queue(1, Target::Route(route), fault);
    }

    /// Answers the next `n` requests on `route` with `status` (not processed).
    pub fn fail_next_on(&self, route: Route, n: usize, status: u16) {
        self.shared
            .queue(n, Target::Route(route), Fault::status(status));
    }

    /// Queues `fault` for the next request for which `predicate` is true (and that no fault
    /// queued before takes). The predicate sees each request as it arrives, before any
    /// processing; it runs while the server's state is locked, so it must not call the
    /// server. A predicate that panics is taken as false for that request.
    ///
    /// ```
    /// use usercom_mock::{Fault, MockServer};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let server = MockServer::start().await;
    /// // Fail the create of one particular user, wherever it comes in a bulk run.
    /// server.fault_when(
    ///     |request| request.json().is_ok_and(|body| body["user_id"] == "u-42"),
    ///     Fault::status(500),
    /// );
    /// # }
    /// ```
    pub fn fault_when<F>(&self, predicate: F, fault: Fault)
    where
        F: Fn(&RecordedRequest) -> bool + Send + Sync + 'static,
    {
        self.shared
            .queue(1, Target::When(Arc::new(predicate)), fault);
    }

    /// How many queued faults no request has taken yet.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.len()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Adds `latency` before every answer (and before processing: a request is processed
    /// after the wait, even when the client has stopped waiting).
    pub fn set_latency(&self, latency: Duration) {
        self.shared.lock().latency = latency;
    }

    /// Limits the rate of requests the server takes, from now on (replacing any limit set
    /// before, with a fresh count); see [`RateLimit`] for the kinds and refusals.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use usercom_mock::{MockServer, RateLimit};
    /// let server = MockServer::start().await;
    /// server.set_rate_limit(RateLimit::token_bucket(10.0, 2));
    /// let http = reqwest::Client::new();
    /// let mut statuses = Vec::new();
    /// for _ in 0..3 {
    ///     let answer = http
    ///         .post(format!("{}users/", server.base_url()))
    ///         .header("Authorization", format!("Token {}", server.api_key()))
    ///         .body("{}")
    ///         .send()
    ///         .await
    ///         .unwrap();
    ///     statuses.push((answer.status().as_u16(), answer.headers().get("retry-after").cloned()));
    /// }
    /// assert_eq!(statuses[0].0, 201);
    /// assert_eq!(statuses[1].0, 201);
    /// assert_eq!(statuses[2].0, 429);
    /// assert_eq!(statuses[2].1.as_ref().unwrap(), "1");
    /// assert_eq!(server.rate_limited_count(), 1);
    /// assert_eq!(server.user_count(), 2);
    /// # }
    /// ```
    pub fn set_rate_limit(&self, limit: RateLimit) {
        self.shared.lock().limiter = Some(Limiter::new(limit, tokio::time::Instant::now()));
    }

    /// Removes the rate limit, if any (the counts stay).
    pub fn clear_rate_limit(&self) {
        self.shared.lock().limiter = None;
    }

    /// How many requests the rate limit has refused.
    pub fn rate_limited_count(&self) -> u64 {
        self.shared.lock().rate_limited
    }

    /// How many requests arrived while a `Retry-After` the server had already sent was still
    /// running (sent by the rate limit or by a [`Fault`] with
    /// [`retry_after`](Fault::retry_after) in whole seconds): requests a client that honours
    /// `Retry-After` should not have sent, unless they were already on their way when the
    /// answer went out.
    pub fn requests_during_retry_after(&self) -> u64 {
        self.shared.lock().during_retry_after
    }
}

/// Where connections come from: the TCP listener, or a stand-in in tests.
trait Acceptor: Send + 'static {
    /// A connection.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// The next connection.
    fn accept(&mut self) -> impl Future<Output = io::Result<Self::Io>> + Send;
}

impl Acceptor for TcpListener {
    type Io = TcpStream;

    async fn accept(&mut self) -> io::Result<TcpStream> {
        TcpListener::accept(self).await.map(|(stream, _)| stream)
    }
}

/// The wait after a failed `accept`; it doubles with each failure in a row.
const ACCEPT_BACKOFF_FIRST: Duration = Duration::from_millis(10);
/// The longest wait after failed `accept`s.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Accepts connections until shutdown. Each connection is served by hyper with a handle that
/// lets a fault close it without answering.
///
/// A failed `accept` (too many open files, a connection aborted before it was accepted) is
/// retried after [`ACCEPT_BACKOFF_FIRST`], doubling up to [`ACCEPT_BACKOFF_MAX`] while the
/// failures go on: a failure that persists (file descriptors exhausted) costs a wake-up now
/// and then, not a core. The error itself is not logged.
async fn serve<A: Acceptor>(
    mut listener: A,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut backoff = ACCEPT_BACKOFF_FIRST;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        let stream = match accepted {
            Ok(stream) => {
                backoff = ACCEPT_BACKOFF_FIRST;
                stream
            }
            Err(_) => {
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stopped.changed() => return,
                }
                backoff = backoff.saturating_mul(2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
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

/// Records the request, takes its fault, and answers it. The work runs in its own task, so
/// that a client hanging up during a delay does not stop the request being processed.
async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let _in_flight = InFlight::enter(&shared);
    let request = RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
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
    };
    let (fault, latency) = {
        let mut state = shared.lock();
        state.request_count += 1;
        let now = tokio::time::Instant::now();
        if state.quiet_until.is_some_and(|until| now < until) {
            state.during_retry_after += 1;
        }
        let refused = state
            .limiter
            .as_mut()
            .and_then(|limiter| (!limiter.admit(now)).then(|| limiter.limit.clone()));
        // A refused request takes no fault.
        let fault = match refused {
            Some(_) => None,
            None => state.take_fault(&request),
        };
        if state.record {
            state.requests.push(request);
        }
        if let Some(limit) = refused {
            state.rate_limited += 1;
            if let Some(seconds) = limit.retry_after_seconds() {
                state.note_retry_after(now, seconds);
            }
            let (content_type, body) = limit.body();
            return Answer {
                status: StatusCode::from_u16(limit.status())
                    .unwrap_or(StatusCode::TOO_MANY_REQUESTS),
                content_type,
                body: Bytes::from(body),
                allow: None,
                retry_after: limit.retry_after_seconds().map(HeaderValue::from),
            }
            .into_response();
        }
        (fault, state.latency)
    };
    let work = tokio::spawn(respond(
        shared.clone(),
        method,
        uri,
        headers,
        body,
        fault,
        latency,
    ));
    match work.await {
        Ok(Some(response)) => response,
        Ok(None) => drop_connection(&kill).await,
        Err(_) => Answer::detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "A server error occurred.",
        )
        .into_response(),
    }
}

/// The answer to a request that met `fault` (if any), after the wait; `None` to close the
/// connection without an answer.
async fn respond(
    shared: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    fault: Option<Fault>,
    latency: Duration,
) -> Option<Response<Body>> {
    let delay = match &fault {
        Some(Fault::Delay(delay)) => latency.saturating_add(*delay),
        _ => latency,
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let earned = || route(&shared, &method, &uri, &headers, &body);
    let Some(fault) = fault else {
        return Some(earned().into_response());
    };
    let answer = match fault {
        Fault::DropBeforeProcessing => return None,
        Fault::DropAfterProcessing => {
            earned();
            return None;
        }
        Fault::Status {
            processed,
            ref retry_after,
            ..
        } => {
            if processed {
                earned();
            }
            if let Some(seconds) = retry_after.as_deref().and_then(|v| v.trim().parse().ok()) {
                shared
                    .lock()
                    .note_retry_after(tokio::time::Instant::now(), seconds);
            }
            status_answer(&fault)
        }
        Fault::Delay(_) => earned(),
        Fault::HtmlBody => Answer {
            content_type: "text/html; charset=utf-8",
            body: Bytes::from_static(Fault::HTML_PAGE.as_bytes()),
            ..earned()
        },
        Fault::TruncatedJson => {
            let earned = earned();
            let body = earned.body.slice(..earned.body.len() / 2);
            Answer { body, ..earned }
        }
        Fault::WrongTypes => {
            let earned = earned();
            let body = match serde_json::from_slice::<Value>(&earned.body) {
                Ok(value) => Bytes::from(wrong_types(value).to_string()),
                // Every answer of the server is JSON; anything else is left as it is.
                Err(_) => earned.body.clone(),
            };
            Answer { body, ..earned }
        }
        Fault::EmptyBody => Answer {
            body: Bytes::new(),
            ..earned()
        },
        Fault::ResetMidBody => return Some(reset_mid_body(earned())),
    };
    Some(answer.into_response())
}

/// `value` with each top-level value (or `value` itself, if not an object) of another JSON
/// type, as [`Fault::WrongTypes`] documents.
fn wrong_types(value: Value) -> Value {
    fn wrong(value: Value) -> Value {
        match value {
            Value::String(_) => json!(12),
            Value::Number(_) => json!("not-a-number"),
            Value::Bool(_) => json!("yes"),
            Value::Null => json!(false),
            Value::Array(_) => json!({}),
            Value::Object(_) => json!([]),
        }
    }
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| (key, wrong(value)))
                .collect(),
        ),
        other => wrong(other),
    }
}

/// The earned status line and headers (with the full `Content-Length`) and the first half of
/// the earned body, then a connection reset.
fn reset_mid_body(earned: Answer) -> Response<Body> {
    let length = earned.body.len();
    let half = earned.body.slice(..length / 2);
    // The head and half of the body are flushed before the reset, so that the client sees
    // the status and then loses the connection mid-body.
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
    let mut response = Answer {
        body: Bytes::new(),
        ..earned
    }
    .into_response();
    *response.body_mut() = Body::from_stream(chunks);
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}

/// The answer of a [`Fault::Status`].
fn status_answer(fault: &Fault) -> Answer {
    let Fault::Status {
        status,
        retry_after,
        body,
        ..
    } = fault
    else {
        return Answer::detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "A server error occurred.",
        );
    };
    Answer {
        status: StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        content_type: "application/json",
        body: Bytes::from(body.clone()),
        allow: None,
        retry_after: retry_after
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok()),
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
        let mut state = self.0.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
    }
}

/// Closes the connection without an answer.
async fn drop_connection(kill: &Notify) -> Response<Body> {
    kill.notify_one();
    std::future::pending().await
}

/// An answer before faults: what the request earned.
struct Answer {
    status: StatusCode,
    content_type: &'static str,
    body: Bytes,
    /// The `Allow` header of a 405.
    allow: Option<&'static str>,
    retry_after: Option<HeaderValue>,
}

impl Answer {
    fn json(status: StatusCode, value: &Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: Bytes::from(value.to_string()),
            allow: None,
            retry_after: None,
        }
    }

    fn detail(status: StatusCode, message: &str) -> Answer {
        Answer::json(status, &json!({ "detail": message }))
    }

    fn not_found() -> Answer {
        Answer::detail(StatusCode::NOT_FOUND, "Not found.")
    }

    fn field_errors(errors: FieldErrors) -> Answer {
        Answer::json(StatusCode::BAD_REQUEST, &json!(errors))
    }

    fn into_response(self) -> Response<Body> {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Some(allow) = self.allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if let Some(retry_after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, retry_after);
        }
        response
    }
}

/// Authentication, then the documented routes: an unknown path is 404, a known path asked
/// with another method 405.
fn route(shared: &Shared, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Answer {
    let path = uri.path();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match token.and_then(|t| t.strip_prefix("Token ")) {
        None => {
            return Answer::detail(
                StatusCode::UNAUTHORIZED,
                "Authentication credentials were not provided.",
            )
        }
        Some(key) if key != shared.api_key => {
            return Answer::detail(StatusCode::UNAUTHORIZED, "Invalid token.")
        }
        Some(_) => {}
    }
    let Some(rest) = path.strip_prefix(API_PREFIX) else {
        return Answer::not_found();
    };
    if !rest.ends_with('/') {
        // User.com has been seen to answer 401 to a path without its trailing slash.
        return Answer::detail(StatusCode::UNAUTHORIZED, "Invalid token.");
    }
    let Some(endpoint) = Endpoint::of(path) else {
        return Answer::not_found();
    };
    if method.as_str() != endpoint.allowed_method() {
        return Answer {
            allow: Some(endpoint.allowed_method()),
            ..Answer::detail(
                StatusCode::METHOD_NOT_ALLOWED,
                &format!("Method \"{method}\" not allowed."),
            )
        };
    }
    let version = match headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) {
        Some(accept) if accept.replace(' ', "").contains("version=2") => Version::V2,
        _ => Version::V1,
    };
    let json_body = || serde_json::from_slice::<Value>(body);
    let parse_error = |e: serde_json::Error| {
        Answer::detail(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}"))
    };
    let mut state = shared.lock();
    let store = &mut state.store;
    match endpoint {
        Endpoint::Users => match json_body() {
            Err(e) => parse_error(e),
            Ok(body) => match store.create(&body, version) {
                Ok(id) => {
                    Answer::json(StatusCode::CREATED, &store.response(id).unwrap_or_default())
                }
                Err(errors) => Answer::field_errors(errors),
            },
        },
        Endpoint::UpdateOrCreate => match json_body() {
            Err(e) => parse_error(e),
            Ok(body) => match store.update_or_create(&body, version) {
                Ok((id, created)) => {
                    let status = if created {
                        StatusCode::CREATED
                    } else {
                        StatusCode::OK
                    };
                    Answer::json(status, &json!({"created": created, "id": id}))
                }
                Err(errors) => Answer::field_errors(errors),
            },
        },
        Endpoint::User(id) => match store.response(id) {
            Some(user) => Answer::json(StatusCode::OK, &user),
            None => Answer::not_found(),
        },
        Endpoint::Search => match route::query_value(uri.query(), "email") {
            None => Answer::field_errors(FieldErrors::from([(
                "email".to_owned(),
                vec!["This field is required.".to_owned()],
            )])),
            Some(email) => match store
                .find("email", &email)
                .and_then(|id| store.response(id))
            {
                Some(user) => Answer::json(StatusCode::OK, &user),
                None => Answer::not_found(),
            },
        },
        Endpoint::UserByUserId(segment) => {
            let user_id = route::percent_decode(segment, false);
            match store
                .find("user_id", &user_id)
                .and_then(|id| store.response(id))
            {
                Some(user) => Answer::json(StatusCode::OK, &user),
                None => Answer::not_found(),
            }
        }
        Endpoint::Attributes => match store.attributes_page(uri.query(), &shared.base_url) {
            Some(page) => Answer::json(StatusCode::OK, &page),
            None => Answer::detail(StatusCode::NOT_FOUND, "Invalid cursor"),
        },
        Endpoint::SetMultipleAttributes(id) => match json_body() {
            Err(e) => parse_error(e),
            Ok(body) => match store.set_attributes(id, &body) {
                Ok(true) => Answer::json(StatusCode::OK, &store.response(id).unwrap_or_default()),
                Ok(false) => Answer::not_found(),
                Err(errors) => Answer::field_errors(errors),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
    use tokio::time::Instant;

    /// An acceptor whose first `failures` accepts fail as when the process is out of file
    /// descriptors, then hands out one in-memory connection, then waits forever.
    struct Exhausted {
        failures: usize,
        connection: Option<DuplexStream>,
        calls: Arc<Mutex<Vec<Instant>>>,
    }

    impl Acceptor for Exhausted {
        type Io = DuplexStream;

        async fn accept(&mut self) -> io::Result<DuplexStream> {
            self.calls.lock().unwrap().push(Instant::now());
            if self.failures > 0 {
                self.failures -= 1;
                return Err(io::Error::other("Too many open files (os error 24)"));
            }
            match self.connection.take() {
                Some(connection) => Ok(connection),
                None => std::future::pending().await,
            }
        }
    }

    /// Against the old loop (`Err(_) => continue`) the six accepts all happen at once.
    #[tokio::test(start_paused = true)]
    async fn failed_accepts_back_off_then_the_server_serves() {
        let (server_end, mut client_end) = tokio::io::duplex(64 * 1024);
        let calls = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new(Shared::new(MockServer::API_KEY, String::new()));
        let (_shutdown, stopped) = watch::channel(false);
        tokio::spawn(serve(
            Exhausted {
                failures: 5,
                connection: Some(server_end),
                calls: calls.clone(),
            },
            shared.clone(),
            stopped,
        ));

        let request = format!(
            "POST /api/public/users/ HTTP/1.1\r\nhost: mock\r\nauthorization: Token {}\r\n\
             content-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}",
            MockServer::API_KEY
        );
        client_end.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        client_end.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 201 Created\r\n"), "{answer}");
        assert_eq!(shared.lock().store.user_count(), 1);

        let calls = calls.lock().unwrap().clone();
        let waits: Vec<Duration> = calls.windows(2).map(|w| w[1] - w[0]).collect();
        // Each failure waits twice as long as the one before; a connection is followed by the
        // next accept at once.
        assert_eq!(waits, [10, 20, 40, 80, 160, 0].map(Duration::from_millis));
    }

    #[tokio::test(start_paused = true)]
    async fn the_accept_backoff_is_capped_and_stops_with_the_server() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let (shutdown, stopped) = watch::channel(false);
        let server = tokio::spawn(serve(
            Exhausted {
                failures: usize::MAX,
                connection: None,
                calls: calls.clone(),
            },
            Arc::new(Shared::new(MockServer::API_KEY, String::new())),
            stopped,
        ));
        // 10 + 20 + ... + 640 = 1270 ms for the first 7 failures, then one a second.
        tokio::time::sleep(Duration::from_millis(1270 + 3 * 1000 + 500)).await;
        assert_eq!(calls.lock().unwrap().len(), 8 + 3);
        shutdown.send(true).unwrap();
        server.await.unwrap();
    }
}
