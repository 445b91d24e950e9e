//! Tracing output: one span per request with its fields, never the API key, payload contents
//! only at `trace` level, and never the email of a look-up (the span's path has no query).
//!
//! Its own test binary: `tracing` caches per-callsite interest process-wide, so tests running
//! in parallel without a subscriber would hide events from this one.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use usercom::{CreateUser, Error};
use usercom_mock::{Fault, MockServer, Route};

/// A `tracing` writer that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The address looked up with `find_user_by_email`.
const LOOKED_UP_EMAIL: &str = "looked-up.secret@example.org";

async fn exercise(server: &MockServer) -> Vec<Error> {
    let client = common::builder_for(server)
        .timeout(Duration::from_millis(300))
        .retry_policy(usercom::RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let payload = CreateUser::new()
        .email("secret-payload@example.org")
        .attribute("plan", "pro");
    let mut errors = Vec::new();
    client.create_user(&payload).await.unwrap();
    // A look-up sends the email in the query: nobody has it, and it must not be traced.
    assert_eq!(
        client
            .find_user_by_email(LOOKED_UP_EMAIL)
            .await
            .unwrap()
            .map(|user| user.id),
        None
    );
    // A success to set_multiple_attributes that quotes the key: not a user, so the user is
    // read back; the reason is logged at debug level, redacted.
    server.fault_on(
        Route::SetMultipleAttributes,
        Fault::status(200)
            .after_processing()
            .with_body(&format!(r#"{{"id": "{}"}}"#, server.api_key())),
    );
    client.create_user(&payload).await.unwrap();
    assert_eq!(server.pending_faults(), 0);
    for fault in [
        Fault::status(401).with_body(r#"{"detail": "Invalid token."}"#),
        Fault::status(503),
        Fault::status(500),
        Fault::HtmlBody,
        Fault::ResetMidBody,
        Fault::Delay(Duration::from_secs(1)),
    ] {
        server.clear_faults();
        server.push_fault(fault);
        if let Err(err) = client.create_user(&payload).await {
            errors.push(err);
        }
    }
    errors.push(
        client
            .create_user(&CreateUser::new().email("bad"))
            .await
            .unwrap_err(),
    );
    errors
}

#[test]
fn the_key_never_appears_in_tracing_output_and_payloads_only_at_trace_level() {
    for (level, payload_visible) in [
        (tracing::Level::TRACE, true),
        (tracing::Level::DEBUG, false),
        (tracing::Level::INFO, false),
    ] {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .finish();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (errors, key) = tracing::subscriber::with_default(subscriber, || {
            runtime.block_on(async {
                let server = MockServer::start().await;
                let errors = exercise(&server).await;
                (errors, server.api_key().to_owned())
            })
        });
        let output = captured.text();
        assert!(
            !output.contains(&key),
            "{level}: the key leaked into tracing output"
        );
        assert!(output.contains("usercom.request"), "{level}: {output}");
        assert_eq!(
            output.contains(r#"the answer is not a user error=User.com answered 200 (success) with a body that does not decode: at `id`: invalid type: string "<redacted>""#),
            level >= tracing::Level::DEBUG,
            "{level}: {output}"
        );
        assert!(output.contains("attempt="), "{level}: {output}");
        assert!(output.contains("status=201"), "{level}: {output}");
        assert!(output.contains("latency_ms="), "{level}: {output}");
        assert_eq!(
            output.contains("secret-payload@example.org"),
            payload_visible,
            "{level}"
        );
        // The look-up's span names its path without the query, at every level.
        assert!(
            output.contains(r#"path="users/search/""#),
            "{level}: {output}"
        );
        for secret in [
            "looked-up.secret",
            "looked-up%2Esecret",
            "example.org?",
            "email=",
        ] {
            assert!(
                !output.contains(secret),
                "{level}: `{secret}` in the tracing output"
            );
        }
        // 401, 500, an HTML body, a reset mid-body, a timeout and a bad email (the 503 is
        // retried and succeeds).
        assert_eq!(errors.len(), 6);
        for err in &errors {
            assert!(!err.to_string().contains(&key), "{err}");
            assert!(!format!("{err:?}").contains(&key), "{err:?}");
        }
    }
}
