//! The server loop: connections accepted (with a backoff when `accept` fails), each served
//! by hyper; a request read whole, recorded, checked against the rate limit, met by its
//! fault, and answered after the server's latency.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::service::service_fn;
use hyper::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};

use crate::answer::{reset_mid_body, status_answer, wrong_types, Answer, Body};
use crate::endpoints::route;
use crate::shared::Shared;
use crate::{Fault, RecordedRequest};

/// Where connections come from: the TCP listener, or a stand-in in tests.
pub(crate) trait Acceptor: Send + 'static {
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
/// The largest request body read; a larger one is answered `413` (no request of the API
/// comes near it).
const MAX_REQUEST_BYTES: usize = 2 * 1024 * 1024;

/// Accepts connections until shutdown. Each connection is served by hyper with a handle that
/// lets a fault close it without answering.
///
/// A failed `accept` (too many open files, a connection aborted before it was accepted) is
/// retried after [`ACCEPT_BACKOFF_FIRST`], doubling up to [`ACCEPT_BACKOFF_MAX`] while the
/// failures go on: a failure that persists (file descriptors exhausted) costs a wake-up now
/// and then, not a core. The error itself is not logged.
pub(crate) async fn serve<A: Acceptor>(
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
            let service = service_fn({
                let shared = shared.clone();
                let kill = kill.clone();
                move |request| {
                    let (shared, kill) = (shared.clone(), kill.clone());
                    async move { Ok::<_, Infallible>(receive(shared, kill, request).await) }
                }
            });
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

/// Reads the request's body whole (up to [`MAX_REQUEST_BYTES`]), then handles it.
async fn receive(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    request: Request<Incoming>,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BYTES).collect().await {
        Ok(body) => body.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            return Answer::detail(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.")
                .into_response()
        }
        // The client stopped sending mid-body.
        Err(_) => {
            return Answer::detail(StatusCode::BAD_REQUEST, "The request body was cut short.")
                .into_response()
        }
    };
    handle(shared, kill, parts.method, parts.uri, parts.headers, body).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MockServer;
    use std::sync::Mutex;
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
