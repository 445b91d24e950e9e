//! Faults the server can be told to inject into its next answers.

use std::time::Duration;

/// A fault for one request.
///
/// Queue a fault for the next request whatever it is with [`MockServer::push_fault`] (or
/// [`MockServer::fail_next`]), for the next request on one route with
/// [`MockServer::fault_on`], or for the next request a predicate accepts with
/// [`MockServer::fault_when`]. Each request takes the first queued fault aimed at it (a
/// fault aimed at another route stays queued), and each fault is used once.
///
/// # What each fault does
///
/// *Processed* means the server handles the request as it would without the fault: a valid
/// create stores a user, an invalid one changes nothing. The *earned* status and body are
/// the answer the request gets without a fault: `201` and the user for a create, `200` for
/// an update, `400`, `401`, `404` or `405` and a DRF-style error for a request the server
/// refuses.
///
/// | Fault | Processed | Status | Body |
/// |---|---|---|---|
/// | [`Fault::status`] | no | the fault's | the fault's |
/// | [`Fault::status`]`(..).`[`after_processing`](Fault::after_processing)`()` | yes | the fault's | the fault's |
/// | [`Fault::Delay`] | yes, after the delay | earned | earned |
/// | [`Fault::HtmlBody`] | yes | earned | [`Fault::HTML_PAGE`] (`text/html`) |
/// | [`Fault::TruncatedJson`] | yes | earned | the first half of the earned body |
/// | [`Fault::WrongTypes`] | yes | earned | the earned JSON, each top-level value of another JSON type |
/// | [`Fault::EmptyBody`] | yes | earned | empty |
/// | [`Fault::ResetMidBody`] | yes | earned | half of the earned body, then a reset |
/// | [`Fault::DropBeforeProcessing`] | no | no answer: the connection is closed | |
/// | [`Fault::DropAfterProcessing`] | yes | no answer: the connection is closed | |
///
/// Only a status fault changes the status. The body faults mangle the body of whatever the
/// request earned, so a request that fails validation is still answered `400` (with a
/// mangled body), never a success.
///
/// A request the server has received is processed even when the client stops waiting
/// during a [`Fault::Delay`] or the server's latency (its timeout ran out), as a real server
/// would: the user then exists although the client saw a timeout.
///
/// [`MockServer::push_fault`]: crate::MockServer::push_fault
/// [`MockServer::fail_next`]: crate::MockServer::fail_next
/// [`MockServer::fault_on`]: crate::MockServer::fault_on
/// [`MockServer::fault_when`]: crate::MockServer::fault_when
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
        /// The HTTP status (one outside 100..=999 is sent as 500).
        status: u16,
        /// A `Retry-After` header value (seconds or an HTTP date), if any.
        retry_after: Option<String>,
        /// The response body.
        body: String,
        /// Whether the request is processed (the user created) before the error is sent.
        processed: bool,
    },
    /// Wait this long, then process the request and answer what it earned (also when the
    /// client has given up waiting meanwhile).
    Delay(Duration),
    /// Process the request, then answer its earned status with a body that is not JSON at
    /// all: [`Fault::HTML_PAGE`], as `text/html; charset=utf-8`.
    HtmlBody,
    /// Process the request, then answer its earned status with the first half of its earned
    /// JSON body (a complete HTTP response with a short body: never valid JSON).
    TruncatedJson,
    /// Process the request, then answer its earned status with its earned JSON body, each
    /// top-level value replaced by one of another JSON type: a string by the number `12`, a
    /// number by the string `"not-a-number"`, a boolean by the string `"yes"`, `null` by
    /// `false`, an array by `{}` and an object by `[]`.
    WrongTypes,
    /// Process the request, then answer its earned status with an empty body.
    EmptyBody,
    /// Close the connection without answering, before processing the request.
    DropBeforeProcessing,
    /// Process the request, then close the connection without answering.
    DropAfterProcessing,
    /// Process the request, send its earned status line, its headers (with the full
    /// `Content-Length`) and the first half of its earned body, then reset the connection.
    ResetMidBody,
}

impl Fault {
    /// The page [`Fault::HtmlBody`] answers (as `text/html; charset=utf-8`).
    pub const HTML_PAGE: &'static str = "<html><body><h1>User.com</h1></body></html>";

    /// An error answer with `status` and a DRF-style body (`{"detail": "..."}`); the request
    /// is not processed.
    ///
    /// ```
    /// use usercom_mock::Fault;
    /// assert!(matches!(
    ///     Fault::status(503),
    ///     Fault::Status { status: 503, processed: false, .. }
    /// ));
    /// ```
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

    /// The same status fault with a `Retry-After` header (`"2"`, or an HTTP date). A value
    /// that is not a valid header value is left out. Other faults are returned unchanged.
    pub fn retry_after(mut self, value: &str) -> Fault {
        if let Fault::Status { retry_after, .. } = &mut self {
            *retry_after = Some(value.to_owned());
        }
        self
    }

    /// The same status fault, but the request is processed before the error is sent (the
    /// user exists although the client sees an error). Other faults are returned unchanged.
    pub fn after_processing(mut self) -> Fault {
        if let Fault::Status { processed, .. } = &mut self {
            *processed = true;
        }
        self
    }

    /// The same status fault with this body (sent as `application/json`). Other faults are
    /// returned unchanged.
    pub fn with_body(mut self, text: &str) -> Fault {
        if let Fault::Status { body, .. } = &mut self {
            *body = text.to_owned();
        }
        self
    }
}
