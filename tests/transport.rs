//! How connection failures are classified: a connection that never opened is safe to retry
//! (and is retried), a TLS certificate that is not trusted is permanent (and is not).

#[path = "common/tls.rs"]
mod tls;

use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tls::self_signed_server;
use usercom::{Client, CreateUser, Error, RetryPolicy};

const KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01";
const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);

fn payload() -> CreateUser<'static> {
    CreateUser::new().email("ada@example.org")
}

/// A loopback listener that never accepts and whose accept queue is full: a new
/// connection's SYN is dropped, so connecting stalls until the client's connect timeout.
/// Returns the listener's address and the connections that fill its queue (kept open).
async fn stalled_listener() -> (tokio::net::TcpListener, SocketAddr, Vec<TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => fillers.push(stream),
            Err(err) if err.kind() == std::io::ErrorKind::TimedOut => break,
            Err(err) => panic!("unexpected error while filling the accept queue: {err}"),
        }
        assert!(fillers.len() < 64, "the accept queue never filled");
    }
    (listener, addr, fillers)
}

fn client_of(addr: SocketAddr, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(&format!("http://{addr}/api/public/"))
        .api_key(KEY)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(Duration::from_secs(20))
        .retry_policy(retry.initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_connect_timeout_is_safe_to_retry_and_retried() {
    let (_listener, addr, _fillers) = stalled_listener().await;

    // Without retries: one connect timeout, classified as "nothing was sent".
    let err = client_of(addr, RetryPolicy::none())
        .create_user(&payload())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.safe_to_retry(), "{err}");
    assert!(!err.outcome_unknown(), "{err}");
    let message = err.to_string();
    assert!(message.contains("within the connect timeout"), "{message}");
    assert!(
        message.contains("nothing was sent; safe to retry"),
        "{message}"
    );
    assert!(!message.contains("outcome is unknown"), "{message}");

    // With two retries, the create is attempted three times: each attempt waits out the
    // whole connect timeout, so the call cannot return sooner than three of them.
    let started = Instant::now();
    let err = client_of(addr, RetryPolicy::default().max_retries(2))
        .create_user(&payload())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(err.safe_to_retry(), "{err}");
    assert!(
        elapsed >= CONNECT_TIMEOUT * 3,
        "3 attempts of {CONNECT_TIMEOUT:?} each took only {elapsed:?}"
    );
}

#[tokio::test]
async fn an_untrusted_certificate_is_permanent_and_not_retried() {
    let (addr, connections) = self_signed_server().await;
    let client = Client::builder()
        .base_url(&format!("https://{addr}/api/public/"))
        .api_key(KEY)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.create_user(&payload()).await.unwrap_err();
    // native-tls (used when rustls is off) does not say whether the certificate was the cause.
    let reason = if cfg!(feature = "rustls") {
        "the server's TLS certificate is not trusted"
    } else {
        "the TLS handshake failed"
    };
    match &err {
        Error::Tls { reason: actual, .. } => assert_eq!(actual, reason),
        other => panic!("expected Error::Tls, got {other:?}"),
    }
    assert!(!err.safe_to_retry(), "{err}");
    assert!(!err.outcome_unknown(), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "could not connect to User.com securely: {reason} (nothing was sent; retrying will \
             not help until this is fixed)"
        )
    );
    assert!(!err.to_string().contains(KEY));
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "a TLS failure is not retried"
    );
    // rustls's own words are further down the chain, once.
    let chain = format!("{:#}", anyhow::Error::new(err));
    if cfg!(feature = "rustls") {
        assert_eq!(chain.matches("UnknownIssuer").count(), 1, "{chain}");
    }
}
