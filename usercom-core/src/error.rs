//! The one error type of the crate.

use std::borrow::Cow;

/// Longest server message a `Display` shows; the whole body stays in [`Error::body`].
const DISPLAY_MESSAGE_CHARS: usize = 300;

/// Everything that can go wrong, one variant per kind of cause.
///
/// [`Error::status`] gives the HTTP status whenever the server answered. The API key never
/// appears in an error, neither in `Display` nor in `Debug`.
///
/// `Display` describes this error only; its cause, when it has one (the HTTP client's error
/// behind [`Error::Transport`], [`Error::Tls`] and [`Error::Timeout`]; the failed second
/// request behind [`Error::AttributesNotSet`] and [`Error::ReadBackFailed`]), is returned by
/// [`source`](std::error::Error::source) and not repeated. Print the whole chain to see it,
/// e.g. with anyhow's `{:#}`, or by walking `source()`:
///
/// ```
/// # let err = usercom_core::Client::new("my-app", "too-short").unwrap_err();
/// let mut message = err.to_string();
/// let mut cause = std::error::Error::source(&err);
/// while let Some(inner) = cause {
///     message = format!("{message}: {inner}");
///     cause = inner.source();
/// }
/// eprintln!("error: {message}");
/// ```
///
/// ```
/// use usercom_core::{Client, Error};
/// let err = Client::new("my-app", "too-short").unwrap_err();
/// assert!(matches!(err, Error::Config { .. }));
/// assert_eq!(err.status(), None);
/// assert!(!err.to_string().contains("too-short"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client's configuration is unusable (API key, subdomain, base URL). Nothing was
    /// sent.
    #[error("invalid client configuration: {what}")]
    Config {
        /// What is wrong, without the offending secret.
        what: String,
    },

    /// The payload breaks a documented rule of User.com. Nothing was sent.
    ///
    /// `Display` names the attribute and the rule, never the value (it may be personal data
    /// that an application's error log should not store); [`Error::invalid_value`] gives the
    /// value to callers who want it.
    #[error("invalid value for `{attribute}`: {reason} (nothing was sent)")]
    InvalidInput {
        /// The attribute (standard or custom) at fault.
        attribute: Cow<'static, str>,
        /// Why it was refused and what to do. It never quotes the value.
        reason: Cow<'static, str>,
        /// The refused value, when there is one to show (kept out of `Display`).
        value: Option<String>,
    },

    /// The server answered with a non-success status.
    #[error("User.com answered {status}: {}{}", summarize(.body), status_note(*.status))]
    Api {
        /// The HTTP status.
        status: u16,
        /// The response body, as received.
        body: String,
        /// How long the server asked to wait before trying again (`Retry-After`), if it did.
        retry_after: Option<std::time::Duration>,
    },

    /// The request did not complete: connection refused or reset, TLS, DNS, a body that
    /// could not be read.
    #[error("{}", transport_message(source))]
    Transport {
        /// The underlying HTTP client error (it carries no credentials).
        #[source]
        source: reqwest::Error,
    },

    /// A secure connection could not be established: the server's TLS certificate is not
    /// trusted (self-signed, expired, for another host; or a proxy intercepting TLS), or the
    /// handshake failed. Nothing was sent, and the client does not retry: the cause is
    /// permanent until the certificate or the trust store is fixed.
    #[error("could not connect to User.com securely: {reason} (nothing was sent; retrying will not help until this is fixed)")]
    Tls {
        /// What is wrong, e.g. "the server's TLS certificate is not trusted"; the TLS
        /// library's own words (`UnknownIssuer`, ...) are in the source chain.
        reason: String,
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },

    /// The request was sent, but the answer did not arrive within the configured timeout.
    /// (A connection that could not be opened in time is a [`Error::Transport`] that is safe
    /// to retry: nothing was sent.)
    #[error("User.com did not answer within the timeout{UNKNOWN_OUTCOME}")]
    Timeout {
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },

    /// A success (2xx) answer whose body was larger than the configured limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)). The
    /// request succeeded: do not send it again. (An error answer's body is cut at the limit
    /// instead, and kept in an [`Error::Api`].)
    #[error("User.com answered {status} with a body of at least {received} bytes, over the limit of {limit}")]
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
        /// How many bytes were announced or received when reading stopped.
        received: u64,
    },

    /// The user was created (or, by an upsert, updated), but setting its custom attributes
    /// (the set-multiple-attributes request) failed. The user exists:
    /// [`Error::created_user`] returns it. Do not create it again; set the attributes only,
    /// with [`Client::set_custom_attributes`](crate::Client::set_custom_attributes).
    #[error(
        "the user was {} (id {}), but the next step, setting its custom attributes, failed \
         (set them with `Client::set_custom_attributes`; do not create the user again)",
        if *.created { "created" } else { "updated" },
        user.id
    )]
    AttributesNotSet {
        /// The user as the create (or upsert) request left it.
        user: Box<crate::User>,
        /// `true` when the user was created by this call, `false` when an upsert or an
        /// update changed it.
        created: bool,
        /// Why the set-multiple-attributes request failed.
        #[source]
        source: Box<Error>,
    },

    /// An upsert succeeded (the user with this `id` was created or updated), or an update
    /// whose answer was not the user, but reading it back (`GET users/<id>/`) failed, for
    /// example with a key that may write but not read.
    /// The user exists: do not create it again. Whether its custom attributes were set is in
    /// `custom_attributes_set`; if not, set them with
    /// [`Client::set_custom_attributes`](crate::Client::set_custom_attributes).
    #[error(
        "the user was {} (id {id}), but reading it back failed{}",
        if *.created { "created" } else { "updated" },
        if *.custom_attributes_set { "" } else {
            "; its custom attributes were not set: send them with `Client::set_custom_attributes`"
        }
    )]
    ReadBackFailed {
        /// The User.com id of the user that was created or updated.
        id: u64,
        /// `true` when the user was created by this call, `false` when it was updated.
        created: bool,
        /// `true` when the payload's custom attributes were set (or it had none).
        custom_attributes_set: bool,
        /// Why reading the user back failed.
        #[source]
        source: Box<Error>,
    },

    /// A user's value could not be read into a field of your type
    /// ([`FromUserComUser`](crate::FromUserComUser)): the value has another JSON type, does
    /// not fit the field's type, or is missing for a field that is not an `Option`.
    #[error(
        "cannot read the User.com attribute `{attribute}` into the field `{field}`: {problem}"
    )]
    Read {
        /// The attribute (standard or custom `name_std`).
        attribute: String,
        /// The field of your type.
        field: &'static str,
        /// What is wrong, e.g. "expected an integer, found a JSON string".
        problem: String,
    },

    /// The server answered success, but the body is not the documented JSON, or could not
    /// be read whole. The request itself succeeded (a user was created).
    #[error("User.com answered {status} (success) with a body that does not decode: at `{path}`: {message}")]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// The JSON path at which decoding failed (`.` for the whole body).
        path: String,
        /// What the decoder expected.
        message: String,
        /// The response body, as received.
        body: String,
    },

    /// The call did not finish within its time bound
    /// ([`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout),
    /// [`Client::with_call_timeout`](crate::Client::with_call_timeout)), retries and waits
    /// included. `state` says what became of the request the call was making when the bound
    /// ran out. (For a create with custom attributes whose second step ran out of time, the
    /// error is [`Error::AttributesNotSet`] with this as its source: the user exists.)
    #[error("the call did not finish within its bound of {limit:?}: {}", state.describe())]
    CallTimeout {
        /// The bound.
        limit: std::time::Duration,
        /// What became of the request under way.
        state: RequestState,
    },

    /// The server kept refusing the request with throttling answers (`429`, `503`) past a
    /// bound of the [`RetryPolicy`](crate::RetryPolicy) (`max_throttled_time`,
    /// `max_throttled_retries`), or asked the client to wait longer than its `max_backoff`.
    /// Nothing was processed: the request is safe to send again later. `source` is the last
    /// refusal (its status, body and `Retry-After`).
    #[error(
        "User.com kept refusing the request ({} times over {waited:?}), past {bound}; it was \
         not processed (safe to send again later)",
        refusals
    )]
    Throttled {
        /// How many refusals this request received (0: it was never sent, the client being
        /// held back for all its requests).
        refusals: u32,
        /// How long the request was refused or held back.
        waited: std::time::Duration,
        /// The bound reached, in words (e.g. `RetryPolicy::max_throttled_time of 300s`).
        bound: String,
        /// The last throttling answer, an [`Error::Api`].
        #[source]
        source: Box<Error>,
    },
}

/// What became of a request when its call ran out of time ([`Error::CallTimeout`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestState {
    /// It was never sent: the call was still waiting (for the server's rate limit, or before
    /// a retry). Nothing was created or changed; safe to send again.
    NotSent,
    /// Every attempt was refused without being processed (`429`, `503`, a connection that
    /// could not be opened). Nothing was created or changed; safe to send again.
    NotProcessed,
    /// A request was on its way or awaiting its answer: the server may have processed it.
    /// After a create, the user may exist: look it up before creating it again, or send it
    /// with `upsert_user`, which is safe to repeat.
    OutcomeUnknown,
}

impl RequestState {
    fn describe(self) -> &'static str {
        match self {
            RequestState::NotSent => {
                "the request was never sent (the client was waiting for the server's rate limit \
                 or to retry); nothing was created or changed, safe to send again"
            }
            RequestState::NotProcessed => {
                "every attempt was refused without being processed (429, 503 or no connection); \
                 nothing was created or changed, safe to send again"
            }
            RequestState::OutcomeUnknown => {
                "a request was under way when the bound ran out, so the outcome is unknown: the \
                 server may have processed it; before creating the user again, look it up in \
                 User.com, e.g. by email, or send it with `upsert_user`, which is safe to repeat"
            }
        }
    }
}

impl Error {
    /// The HTTP status, when the server answered. For [`Error::AttributesNotSet`] it is the
    /// status of the failed second request.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::AttributesNotSet { source, .. }
            | Error::ReadBackFailed { source, .. }
            | Error::Throttled { source, .. } => source.status(),
            Error::Transport { source } | Error::Timeout { source } | Error::Tls { source, .. } => {
                source.status().map(|s| s.as_u16())
            }
            Error::Config { .. }
            | Error::InvalidInput { .. }
            | Error::Read { .. }
            | Error::CallTimeout { .. } => None,
        }
    }

    /// Whether sending the same request again is safe: the server certainly did not process
    /// it (`429`, `503`, or a connection that could not be opened, in time or at all; not a
    /// TLS failure, [`Error::Tls`], which sending again cannot cure). The client already
    /// retries these under its [`RetryPolicy`](crate::RetryPolicy); this says whether a
    /// caller may too.
    pub fn safe_to_retry(&self) -> bool {
        match self {
            Error::Api { status, .. } => matches!(status, 429 | 503),
            Error::Transport { source } => source.is_connect(),
            Error::Throttled { .. } => true,
            Error::CallTimeout { state, .. } => *state != RequestState::OutcomeUnknown,
            _ => false,
        }
    }

    /// Whether the server may have processed the request although the call failed: a `500`,
    /// `502` or `504`, a timeout, or a connection lost after the request was sent. After a
    /// create, the user may exist: look it up in User.com (by email, say) before creating it
    /// again, or send it with [`Client::upsert_user`](crate::Client::upsert_user), which is
    /// safe to repeat.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Api { status, .. } => matches!(status, 500 | 502 | 504),
            Error::Timeout { .. } => true,
            Error::Transport { source } => !source.is_connect(),
            Error::CallTimeout { state, .. } => *state == RequestState::OutcomeUnknown,
            _ => false,
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            Error::Throttled { source, .. } => source.retry_after(),
            _ => None,
        }
    }

    /// The response body, when the server answered with one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. } | Error::Decode { body, .. } => Some(body),
            Error::AttributesNotSet { source, .. } | Error::Throttled { source, .. } => {
                source.body()
            }
            _ => None,
        }
    }

    /// The user that exists on User.com although the call failed ([`Error::AttributesNotSet`]).
    pub fn created_user(&self) -> Option<&crate::User> {
        match self {
            Error::AttributesNotSet { user, .. } => Some(user),
            _ => None,
        }
    }

    /// The User.com id of a user that exists although the call failed
    /// ([`Error::AttributesNotSet`], [`Error::ReadBackFailed`]): never create it again; look
    /// it up or set its attributes with
    /// [`Client::set_custom_attributes`](crate::Client::set_custom_attributes).
    pub fn user_id(&self) -> Option<u64> {
        match self {
            Error::AttributesNotSet { user, .. } => Some(user.id),
            Error::ReadBackFailed { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The value an [`Error::InvalidInput`] refused, kept out of `Display` because it may be
    /// personal data.
    ///
    /// ```
    /// use usercom_core::CreateUser;
    /// let err = CreateUser::new().email("ada.example.org").validate().unwrap_err();
    /// assert!(!err.to_string().contains("ada.example.org"));
    /// assert_eq!(err.invalid_value(), Some("ada.example.org"));
    /// ```
    pub fn invalid_value(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { value, .. } => value.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn invalid_input(
        attribute: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Error::InvalidInput {
            attribute: attribute.into(),
            reason: reason.into(),
            value: None,
        }
    }

    /// An [`Error::InvalidInput`] that keeps the refused value (out of `Display`).
    pub(crate) fn invalid_value_of(
        attribute: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        Error::InvalidInput {
            attribute: attribute.into(),
            reason: reason.into(),
            value: Some(value.into()),
        }
    }

    pub(crate) fn config(what: impl Into<String>) -> Self {
        Error::Config { what: what.into() }
    }

    pub(crate) fn from_reqwest(source: reqwest::Error) -> Self {
        // reqwest puts the URL in its errors; ours never carry credentials, but strip the
        // URL anyway so that an error is the same whatever the subdomain.
        let source = source.without_url();
        if let Some(reason) = tls_failure(&source) {
            return Error::Tls { reason, source };
        }
        // A connect timeout is both a timeout and a connect error: the connection was never
        // established, so nothing was sent. Only a timeout after connecting leaves the
        // outcome unknown.
        if source.is_timeout() && !source.is_connect() {
            Error::Timeout { source }
        } else {
            Error::Transport { source }
        }
    }
}

const UNKNOWN_OUTCOME: &str = " (the outcome is unknown: the server may have processed the \
    request; before creating the user again, look it up in User.com, e.g. by email, or send it \
    with `upsert_user`, which is safe to repeat)";

fn status_note(status: u16) -> &'static str {
    match status {
        500 | 502 | 504 => UNKNOWN_OUTCOME,
        429 | 503 => " (not processed; safe to retry later)",
        _ => "",
    }
}

/// The TLS failure behind `error`, in words, if the connection failed in the TLS handshake.
fn tls_failure(error: &reqwest::Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(mut current) = cause {
        // `io::Error::source` skips the error it wraps: look inside it.
        while let Some(inner) = current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            current = inner;
        }
        #[cfg(feature = "rustls")]
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(match tls {
                rustls::Error::InvalidCertificate(_) => {
                    "the server's TLS certificate is not trusted".to_owned()
                }
                _ => "the TLS handshake failed".to_owned(),
            });
        }
        // native-tls does not say portably whether the certificate was the cause.
        #[cfg(feature = "native-tls")]
        if current.downcast_ref::<native_tls::Error>().is_some() {
            return Some("the TLS handshake failed".to_owned());
        }
        cause = current.source();
    }
    None
}

/// What a transport failure means for the caller; the failure itself is the error's source.
fn transport_message(source: &reqwest::Error) -> String {
    if source.is_connect() && source.is_timeout() {
        "could not connect to User.com within the connect timeout (nothing was sent; safe to \
         retry)"
            .to_owned()
    } else if source.is_connect() {
        "could not connect to User.com (nothing was sent; safe to retry)".to_owned()
    } else {
        format!("the connection to User.com failed{UNKNOWN_OUTCOME}")
    }
}

/// The server's message in one bounded line: DRF-style bodies (`{"detail": "..."}`,
/// `{"field": ["msg", ...]}`) become `detail` / `field: msg; ...`; anything else is shown
/// as text. Long messages end with `…`; the whole body stays in the error.
fn summarize(body: &str) -> String {
    let mut out = String::new();
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) if !map.is_empty() => {
            for (key, value) in &map {
                if !out.is_empty() {
                    out.push_str("; ");
                }
                if key != "detail" {
                    out.push_str(key);
                    out.push_str(": ");
                }
                push_messages(&mut out, value);
            }
        }
        _ if body.trim().is_empty() => out.push_str("(empty body)"),
        _ => out.push_str(body.trim()),
    }
    bounded(out)
}

fn push_messages(out: &mut String, value: &serde_json::Value) {
    match value {
        serde_json::Value::String(s) => out.push_str(s),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                push_messages(out, item);
            }
        }
        other => out.push_str(&other.to_string()),
    }
}

fn bounded(text: String) -> String {
    match text.char_indices().nth(DISPLAY_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_show_the_server_message() {
        let err = Error::Api {
            status: 400,
            body: r#"{"email": ["Enter a valid email address."]}"#.into(),
            retry_after: None,
        };
        assert_eq!(
            err.to_string(),
            "User.com answered 400: email: Enter a valid email address."
        );
        assert_eq!(err.status(), Some(400));
        let err = Error::Api {
            status: 401,
            body: r#"{"detail": "Invalid token."}"#.into(),
            retry_after: None,
        };
        assert_eq!(err.to_string(), "User.com answered 401: Invalid token.");
    }

    #[test]
    fn long_messages_are_bounded_in_display_but_kept_in_full() {
        let body = "x".repeat(10_000);
        let err = Error::Api {
            status: 400,
            body: body.clone(),
            retry_after: None,
        };
        let shown = err.to_string();
        assert_eq!(
            shown,
            format!(
                "User.com answered 400: {}…",
                "x".repeat(DISPLAY_MESSAGE_CHARS)
            )
        );
        assert_eq!(err.body(), Some(body.as_str()));
    }

    #[test]
    fn html_and_empty_bodies_are_shown_as_text() {
        let err = Error::Api {
            status: 502,
            body: "<html>Bad Gateway</html>".into(),
            retry_after: None,
        };
        assert!(err.to_string().contains("<html>Bad Gateway</html>"));
        assert!(err.to_string().contains("outcome is unknown"));
        assert!(err.outcome_unknown() && !err.safe_to_retry());
        let err = Error::Api {
            status: 503,
            body: String::new(),
            retry_after: None,
        };
        assert!(err.to_string().contains("(empty body)"));
        assert!(err.safe_to_retry() && !err.outcome_unknown());
    }
}
