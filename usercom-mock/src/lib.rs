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
//! holding, is tabled at [`Fault`]. A whole outage is [`MockServer::take_down`]: the port
//! closed and every connection dropped, until [`MockServer::bring_back`] serves what the
//! server held on the same address.
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

// The public API (`MockServer`) is in this file; each of the server's jobs has a module.
mod answer;
mod attributes;
mod endpoints;
mod events;
mod fault;
mod rate_limit;
mod request;
mod route;
mod server;
mod shared;
mod store;
mod users_page;
mod validation;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use attributes::AttributeDefinition;
pub use events::StoredEvent;
pub use fault::Fault;
use rate_limit::Limiter;
pub use rate_limit::RateLimit;
pub use request::RecordedRequest;
pub use route::Route;
use shared::{Shared, Target};
pub use store::StoredUser;

/// A User.com API server on a random loopback port, running until dropped (and while
/// [taken down](MockServer::take_down), keeping what it holds).
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    serving: Mutex<Serving>,
}

/// The server's listening task, and the signal that stops it and its connections.
struct Serving {
    shutdown: watch::Sender<bool>,
    /// `None` while the server is taken down.
    task: Option<JoinHandle<()>>,
}

impl Serving {
    /// Serves `listener` with `shared`'s state, until told to stop.
    fn start(listener: TcpListener, shared: Arc<Shared>) -> Serving {
        let (shutdown, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared, stopped));
        Serving {
            shutdown,
            task: Some(task),
        }
    }
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
        let serving = self
            .serving
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let _ = serving.shutdown.send(true);
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
        let shared = Arc::new(Shared::new(
            api_key,
            format!("http://{addr}{}", route::API_PREFIX),
        ));
        let serving = Mutex::new(Serving::start(listener, shared.clone()));
        Ok(MockServer {
            addr,
            shared,
            serving,
        })
    }

    /// Takes the server down, as an outage would: its port is closed (a new connection is
    /// refused) and every open connection is dropped, a request in progress unanswered.
    /// What it holds (users, events, the requests recorded, faults) is kept for
    /// [`MockServer::bring_back`]. Returns once the port is closed; taking down a server
    /// that is down does nothing.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
    /// let server = usercom_mock::MockServer::start().await;
    /// server.take_down().await;
    /// assert!(tokio::net::TcpStream::connect(server.addr()).await.is_err());
    /// server.bring_back().await?;
    /// assert!(tokio::net::TcpStream::connect(server.addr()).await.is_ok());
    /// # Ok(()) }
    /// ```
    pub async fn take_down(&self) {
        let task = {
            let mut serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = serving.shutdown.send(true);
            serving.task.take()
        };
        if let Some(task) = task {
            // The listener is dropped when its task ends. A task that panicked has dropped
            // it too.
            let _ = task.await;
        }
    }

    /// Brings a server [taken down](MockServer::take_down) back on the same address, with
    /// everything it held. Fails when the address cannot be bound again (another process
    /// took the port meanwhile). A server that is up is left as it is.
    pub async fn bring_back(&self) -> io::Result<()> {
        let mut serving = self.serving.lock().unwrap_or_else(PoisonError::into_inner);
        if serving.task.is_some() {
            return Ok(());
        }
        // Bound without awaiting, so that the lock is never held across an await.
        let listener = std::net::TcpListener::bind(self.addr)?;
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        *serving = Serving::start(listener, self.shared.clone());
        Ok(())
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

    /// The events the server has received, in the order they came.
    pub fn events(&self) -> Vec<StoredEvent> {
        self.shared.lock().store.events.list.clone()
    }

    /// The most users one page of `GET users/` lists (default 100, as the API; 0 is taken
    /// as 1). Smaller pages make pagination testable with a few users.
    pub fn set_users_page_size(&self, page_size: usize) {
        self.shared.lock().users_page_size = page_size.max(1);
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
