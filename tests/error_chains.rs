//! Every kind of error, rendered through anyhow as an application would show it: each cause
//! reads once. `Display` says what happened at its own level, `source()` hands over the
//! cause, and no level repeats the text of the one below.

mod common;
#[path = "common/tls.rs"]
mod tls;

use std::error::Error as _;
use std::time::Duration;

use common::{builder_for, client_for};
use usercom::{Client, CreateUser, Error, IntoUserComUser, RetryPolicy};
use usercom_mock::{Fault, MockServer, Route};

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[derive(IntoUserComUser)]
struct Subscriber {
    #[usercom(user_id)]
    id: &'static str,
    #[usercom(email)]
    email: &'static str,
    #[usercom(attribute = "plan")]
    plan: &'static str,
}

fn subscriber() -> Subscriber {
    Subscriber {
        id: "u-1",
        email: "ada@example.org",
        plan: "pro",
    }
}

/// The messages of the chain, outermost first.
fn messages(err: &Error) -> Vec<String> {
    let mut out = vec![err.to_string()];
    let mut cause = err.source();
    while let Some(inner) = cause {
        out.push(inner.to_string());
        cause = inner.source();
    }
    out
}

/// Renders `err` with anyhow's `{:#}` and `{:?}`, checks that no level repeats the one below
/// and that each appears once in both renderings, and returns the `{:#}` line.
fn render(err: Error) -> String {
    render_checking(err, usize::MAX)
}

/// [`render`], checking only the first `ours` levels for repeats (the causes below them come
/// from other libraries).
fn render_checking(err: Error, ours: usize) -> String {
    let levels = messages(&err);
    for (i, outer) in levels.iter().enumerate().take(ours) {
        for inner in &levels[i + 1..] {
            assert!(
                !outer.contains(inner.as_str()),
                "`{outer}` repeats its cause `{inner}`"
            );
        }
    }
    let err = anyhow::Error::new(err);
    let alternate = format!("{err:#}");
    let debug = format!("{err:?}");
    assert_eq!(alternate, levels.join(": "));
    for level in levels.iter().take(ours) {
        assert_eq!(alternate.matches(level.as_str()).count(), 1, "{alternate}");
        assert_eq!(debug.matches(level.as_str()).count(), 1, "{debug}");
    }
    alternate
}

fn fast_retries(builder: usercom::ClientBuilder) -> usercom::ClientBuilder {
    builder.retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
}

#[test]
fn config() {
    let err = Client::new("my-app", "too-short").unwrap_err();
    assert!(err.source().is_none());
    assert_eq!(
        render(err),
        "invalid client configuration: the API key must be exactly 64 ASCII letters and digits \
         (the given one has 9 characters, some of them not letters or digits)"
    );
}

#[test]
fn invalid_input() {
    let err = CreateUser::new()
        .email("ada.example.org")
        .validate()
        .unwrap_err();
    let shown = render(err);
    assert!(shown.starts_with("invalid value for `email`: "), "{shown}");
    assert!(shown.ends_with("(nothing was sent)"), "{shown}");
}

#[tokio::test]
async fn api() {
    let server = MockServer::start().await;
    server.fault_on(
        Route::CreateUser,
        Fault::status(400).with_body(r#"{"email": ["Enter a valid email address."]}"#),
    );
    let err = client_for(&server)
        .create_user(&CreateUser::new().email("ada@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert!(err.source().is_none());
    assert_eq!(
        render(err),
        "User.com answered 400: email: Enter a valid email address."
    );
}

#[test]
fn read() {
    let err = Error::Read {
        attribute: "score".into(),
        field: "points",
        problem: "expected an integer, found a JSON string".into(),
    };
    assert_eq!(
        render(err),
        "cannot read the User.com attribute `score` into the field `points`: expected an \
         integer, found a JSON string"
    );
}

#[tokio::test]
async fn transport_while_connecting() {
    // A port nobody listens on: the connection is refused.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = fast_retries(Client::builder())
        .base_url(&format!("http://{addr}/api/public/"))
        .api_key(KEY)
        .build()
        .unwrap();
    let err = client
        .create_user(&CreateUser::new().email("ada@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.source().is_some());
    let shown = render(err);
    assert!(
        shown.starts_with("could not connect to User.com (nothing was sent; safe to retry): "),
        "{shown}"
    );
}

#[tokio::test]
async fn transport_after_sending() {
    let server = MockServer::start().await;
    server.fault_on(Route::CreateUser, Fault::DropAfterProcessing);
    let err = client_for(&server)
        .create_user(&CreateUser::new().email("ada@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let shown = render(err);
    assert!(
        shown.starts_with("the connection to User.com failed (the outcome is unknown: "),
        "{shown}"
    );
}

#[tokio::test]
async fn timeout() {
    let server = MockServer::start().await;
    server.fault_on(Route::CreateUser, Fault::Delay(Duration::from_secs(2)));
    let err = builder_for(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .create_user(&CreateUser::new().email("ada@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.source().is_some());
    let shown = render(err);
    assert!(
        shown.starts_with("User.com did not answer within the timeout (the outcome is unknown"),
        "{shown}"
    );
}

#[tokio::test]
async fn tls() {
    let (addr, _) = tls::self_signed_server().await;
    let err = fast_retries(Client::builder())
        .base_url(&format!("https://{addr}/api/public/"))
        .api_key(KEY)
        .build()
        .unwrap()
        .create_user(&CreateUser::new().email("ada@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
    if cfg!(feature = "rustls") {
        let shown = render(err);
        assert!(
            shown.starts_with(
                "could not connect to User.com securely: the server's TLS certificate is not \
                 trusted (nothing was sent; retrying will not help until this is fixed): "
            ),
            "{shown}"
        );
        assert_eq!(shown.matches("UnknownIssuer").count(), 1, "{shown}");
    } else {
        // native-tls: OpenSSL's error repeats its own cause; ours does not.
        let shown = render_checking(err, 1);
        assert!(
            shown.starts_with(
                "could not connect to User.com securely: the TLS handshake failed (nothing was \
                 sent; retrying will not help until this is fixed): "
            ),
            "{shown}"
        );
    }
}

#[tokio::test]
async fn response_too_large() {
    let server = MockServer::start().await;
    let err = builder_for(&server)
        .max_response_bytes(16)
        .build()
        .unwrap()
        .create_user(&CreateUser::new().email("ada@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    let shown = render(err);
    assert!(
        shown.starts_with("User.com answered 201 with a body of at least "),
        "{shown}"
    );
}

#[tokio::test]
async fn decode() {
    let server = MockServer::start().await;
    server.fault_on(Route::CreateUser, Fault::WrongTypes);
    let err = client_for(&server)
        .create_user(&CreateUser::new().email("ada@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let shown = render(err);
    assert!(
        shown.starts_with("User.com answered 201 (success) with a body that does not decode"),
        "{shown}"
    );
}

#[tokio::test]
async fn attributes_not_set() {
    let server = MockServer::start().await;
    server.fault_on(
        Route::SetMultipleAttributes,
        Fault::status(400).with_body(r#"{"plan": ["Invalid value."]}"#),
    );
    let err = client_for(&server)
        .create_user(&subscriber())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AttributesNotSet { .. }), "{err:?}");
    let id = err.user_id().unwrap();
    assert_eq!(
        render(err),
        format!(
            "the user was created (id {id}), but the next step, setting its custom attributes, \
             failed (set them with `Client::set_custom_attributes`; do not create the user \
             again): User.com answered 400: plan: Invalid value."
        )
    );
}

#[tokio::test]
async fn attributes_not_set_after_a_lost_connection() {
    // Three levels: ours, the transport's, and the HTTP client's own causes.
    let server = MockServer::start().await;
    // More drops than the client retries this idempotent request.
    for _ in 0..=usercom::DEFAULT_MAX_RETRIES {
        server.fault_on(Route::SetMultipleAttributes, Fault::DropBeforeProcessing);
    }
    let err = client_for(&server)
        .create_user(&subscriber())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AttributesNotSet { .. }), "{err:?}");
    assert!(messages(&err).len() >= 3, "{:?}", messages(&err));
    render(err);
}

#[tokio::test]
async fn read_back_failed() {
    let server = MockServer::start().await;
    server.fault_on(Route::GetUser, Fault::status(403));
    // Without custom attributes, the upsert's user is read back with `GET users/<id>/`.
    #[derive(IntoUserComUser)]
    struct Member {
        #[usercom(user_id)]
        id: &'static str,
    }
    let err = client_for(&server)
        .upsert_user(&Member { id: "u-1" })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ReadBackFailed { .. }), "{err:?}");
    let id = err.user_id().unwrap();
    let shown = render(err);
    assert!(
        shown.starts_with(&format!(
            "the user was created (id {id}), but reading it back failed: User.com answered 403: "
        )),
        "{shown}"
    );
}

#[tokio::test]
async fn throttled() {
    let server = MockServer::start().await;
    server.fail_next(10, 429);
    let client = common::throttle_bounded_client(&server);
    let err = client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled { .. }), "{err:?}");
    let levels = messages(&err);
    assert_eq!(levels.len(), 2, "{levels:?}");
    assert!(levels[1].starts_with("User.com answered 429"), "{levels:?}");
    let shown = render(err);
    assert!(
        shown.starts_with("User.com kept refusing the request (3 times over "),
        "{shown}"
    );
    assert!(
        shown.contains(
            "), past RetryPolicy::max_throttled_retries of 2; it was not processed (safe to \
             send again later): User.com answered 429"
        ),
        "{shown}"
    );
}

#[tokio::test]
async fn call_timeout() {
    let server = MockServer::start().await;
    server.fail_next_with_retry_after(1, 429, "5");
    let client = client_for(&server).with_call_timeout(Duration::from_millis(300));
    let err = client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CallTimeout { .. }), "{err:?}");
    assert!(err.source().is_none());
    assert_eq!(
        render(err),
        "the call did not finish within its bound of 300ms: every attempt was refused without \
         being processed (429, 503 or no connection); nothing was created or changed, safe to \
         send again"
    );
}
