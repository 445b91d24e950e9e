//! What the server answers a request that met no fault: authentication, then the
//! documented endpoints, each on the store.

use hyper::{header, HeaderMap, Method, StatusCode, Uri};
use serde_json::{json, Value};

use crate::answer::Answer;
use crate::route::{self, Endpoint, API_PREFIX};
use crate::shared::Shared;
use crate::store::{FieldErrors, Version};

/// Authentication, then the documented routes: an unknown path is 404, a known path asked
/// with another method 405.
pub(crate) fn route(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Answer {
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
