//! Faults the server can be told to inject into its next answers.

use std::time::Duration;

/// A fault for one request. Queue faults with [`MockServer::push_fault`] (or
/// [`MockServer::fail_next`]); each request takes the next queued fault, whatever its route.
///
/// Unless a fault says otherwise, the request is **not processed**: no user is created or
/// changed. The "after processing" faults model the ambiguous cases where the server did the
/// work but the client cannot learn it.
///
/// [`MockServer::push_fault`]: crate::MockServer::push_fault
/// [`MockServer::fail_next`]: crate::MockServer::fail_next
///
/// ```
/// use std::time::Duration;
/// use usercom_mock::Fault;
/// let rate_limited = Fault::status(429).retry_after("2");
/// let lost_answer = Fault::status(504).after_processing();
/// let slow = Fault::Delay(Duration::from_secs(2));
/// # let _ = (rate_limited, lost_answer, slow);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and body (by default `{"detail": "..."}`).
    Status {
        /// The HTTP status.
        status: u16,
        /// A `Retry-After` header value (seconds or an HTTP date), if any.
        retry_after: Option<String>,
        /// The response body.
        body: String,
        /// Whether the request is processed (the user created) before the error is sent.
        processed: bool,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Process the request, then answer 2xx with a body that is not JSON at all (an HTML
    /// page).
    HtmlBody,
    /// Process the request, then answer 2xx with JSON cut off in the middle (a complete HTTP
    /// response with a short body).
    TruncatedJson,
    /// Process the request, then answer 2xx with a user whose fields have the wrong JSON
    /// types.
    WrongTypes,
    /// Process the request, then answer 2xx with an empty body.
    EmptyBody,
    /// Close the connection without answering, before processing the request.
    DropBeforeProcessing,
    /// Process the request, then close the connection without answering.
    DropAfterProcessing,
    /// Process the request, send the status line, headers and half of the body, then reset
    /// the connection.
    ResetMidBody,
}

impl Fault {
    /// An error answer with `status` and a DRF-style body; not processed.
    pub fn status(status: u16) -> Fault {
        let detail = match status {
            429 => "Request was throttled. You have reached a rate limit.",
            500 => "A server error occurred.",
            502 => "Bad gateway.",
            503 => "Service temporarily unavailable.",
            504 => "Gateway timeout.",
            _ => "Injected error.",
        };
        Fault::Status {
            status,
            retry_after: None,
            body: format!(r#"{{"detail": "{detail}"}}"#),
            processed: false,
        }
    }

    /// The same fault with a `Retry-After` header (`"2"`, or an HTTP date).
    pub fn retry_after(mut self, value: &str) -> Fault {
        if let Fault::Status { retry_after, .. } = &mut self {
            *retry_after = Some(value.to_owned());
        }
        self
    }

    /// The same status fault, but the request is processed before the error is sent (the
    /// user exists although the client sees an error).
    pub fn after_processing(mut self) -> Fault {
        if let Fault::Status { processed, .. } = &mut self {
            *processed = true;
        }
        self
    }

    /// The same status fault with this body.
    pub fn with_body(mut self, text: &str) -> Fault {
        if let Fault::Status { body, .. } = &mut self {
            *body = text.to_owned();
        }
        self
    }

    /// Whether the server does the work of a request that meets this fault.
    pub(crate) fn processes(&self) -> bool {
        match self {
            Fault::Status { processed, .. } => *processed,
            Fault::DropBeforeProcessing => false,
            Fault::Delay(_)
            | Fault::HtmlBody
            | Fault::TruncatedJson
            | Fault::WrongTypes
            | Fault::EmptyBody
            | Fault::DropAfterProcessing
            | Fault::ResetMidBody => true,
        }
    }
}
