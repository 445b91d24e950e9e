//! An answer as the server builds it, and how each body fault reshapes the answer a request
//! earned.

use std::io;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::{json, Value};

use crate::store::FieldErrors;
use crate::Fault;

/// The body of every answer: whole, or (for [`Fault::ResetMidBody`]) a stream that fails.
pub(crate) type Body = UnsyncBoxBody<Bytes, io::Error>;

/// A body of `bytes`, whole.
fn whole(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// `value` with each top-level value (or `value` itself, if not an object) of another JSON
/// type, as [`Fault::WrongTypes`] documents.
pub(crate) fn wrong_types(value: Value) -> Value {
    pub(crate) fn wrong(value: Value) -> Value {
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
pub(crate) fn reset_mid_body(earned: Answer) -> Response<Body> {
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
    let chunks = futures_util::stream::iter([Ok::<_, io::Error>(half)])
        .chain(reset)
        .map(|chunk| chunk.map(Frame::data));
    let mut response = Answer {
        body: Bytes::new(),
        ..earned
    }
    .into_response();
    *response.body_mut() = StreamBody::new(chunks).boxed_unsync();
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    response
}

/// The answer of a [`Fault::Status`].
pub(crate) fn status_answer(fault: &Fault) -> Answer {
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

/// An answer before faults: what the request earned.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: Bytes,
    /// The `Allow` header of a 405.
    pub(crate) allow: Option<&'static str>,
    pub(crate) retry_after: Option<HeaderValue>,
}

impl Answer {
    pub(crate) fn json(status: StatusCode, value: &Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: Bytes::from(value.to_string()),
            allow: None,
            retry_after: None,
        }
    }

    /// An answer with no body (a `204`).
    pub(crate) fn empty(status: StatusCode) -> Answer {
        Answer {
            body: Bytes::new(),
            ..Answer::json(status, &Value::Null)
        }
    }

    pub(crate) fn detail(status: StatusCode, message: &str) -> Answer {
        Answer::json(status, &json!({ "detail": message }))
    }

    pub(crate) fn not_found() -> Answer {
        Answer::detail(StatusCode::NOT_FOUND, "Not found.")
    }

    pub(crate) fn field_errors(errors: FieldErrors) -> Answer {
        Answer::json(StatusCode::BAD_REQUEST, &json!(errors))
    }

    pub(crate) fn into_response(self) -> Response<Body> {
        let mut response = Response::new(whole(self.body));
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
