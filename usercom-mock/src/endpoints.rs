//! What the server answers a request that met no fault: authentication, then the
//! documented endpoints, each on the store.

use hyper::{header, HeaderMap, Method, StatusCode, Uri};
use serde_json::{json, Value};

use crate::answer::Answer;
use crate::events;
use crate::route::{self, Endpoint, API_PREFIX};
use crate::shared::Shared;
use crate::store::{one_error, Store, Version};
use crate::users_page;

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
    if endpoint.route(method.as_str()).is_none() {
        return Answer {
            allow: Some(endpoint.allowed_methods()),
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
    let users_page_size = state.users_page_size;
    let store = &mut state.store;
    match endpoint {
        Endpoint::Users if *method == Method::GET => {
            match users_page::page(store, uri.query(), users_page_size, &shared.base_url) {
                Some(page) => Answer::json(StatusCode::OK, &page),
                None => Answer::detail(StatusCode::NOT_FOUND, "Invalid cursor"),
            }
        }
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
        Endpoint::User(id) if *method == Method::DELETE => deleted(store.delete(id)),
        Endpoint::User(id) if *method == Method::PUT => match json_body() {
            Err(e) => parse_error(e),
            Ok(body) => updated(store, id, &body, version),
        },
        Endpoint::User(id) => match store.response(id) {
            Some(user) => Answer::json(StatusCode::OK, &user),
            None => Answer::not_found(),
        },
        Endpoint::Search => match route::query_value(uri.query(), "email") {
            None => Answer::field_errors(one_error("email", "This field is required.")),
            Some(email) => match store
                .find("email", &email)
                .and_then(|id| store.response(id))
            {
                Some(user) => Answer::json(StatusCode::OK, &user),
                None => Answer::not_found(),
            },
        },
        Endpoint::UserByUserId(segment) => {
            let found = store.find("user_id", &route::percent_decode(segment, false));
            match found {
                Some(id) if *method == Method::DELETE => deleted(store.delete(id)),
                Some(id) if *method == Method::PUT => match json_body() {
                    Err(e) => parse_error(e),
                    Ok(body) => updated(store, id, &body, version),
                },
                Some(id) => match store.response(id) {
                    Some(user) => Answer::json(StatusCode::OK, &user),
                    None => Answer::not_found(),
                },
                None => Answer::not_found(),
            }
        }
        Endpoint::Events => match json_body() {
            Err(e) => parse_error(e),
            Ok(body) => events::create(store, &body, None, version),
        },
        Endpoint::EventsByUserId(segment) => {
            match store.find("user_id", &route::percent_decode(segment, false)) {
                None => Answer::not_found(),
                Some(id) => match json_body() {
                    Err(e) => parse_error(e),
                    Ok(body) => events::create(store, &body, Some(id), version),
                },
            }
        }
        Endpoint::Tag(id, add) => tag(store, Some(id), add, body),
        Endpoint::TagByUserId(segment, add) => {
            let found = store.find("user_id", &route::percent_decode(segment, false));
            tag(store, found, add, body)
        }
        Endpoint::List(id, add) => match field(body, "list").map(|v| v.as_u64()) {
            Err(answer) => answer,
            Ok(Some(list)) if list > 0 => match store.list(id, list, add) {
                true => Answer::json(StatusCode::OK, &json!({})),
                false => Answer::not_found(),
            },
            Ok(_) => Answer::field_errors(one_error("list", "A valid integer is required.")),
        },
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

/// A delete's answer: `204` with no body, or `404` when there was nothing to delete.
fn deleted(found: bool) -> Answer {
    if found {
        Answer::empty(StatusCode::NO_CONTENT)
    } else {
        Answer::not_found()
    }
}

/// The value of `name` in a JSON object `body`, or the `400` DRF answers when the body is
/// not JSON or the field is missing.
fn field(body: &[u8], name: &str) -> Result<Value, Answer> {
    let value = serde_json::from_slice::<Value>(body)
        .map_err(|e| Answer::detail(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}")))?;
    match value.get(name) {
        Some(value) if !value.is_null() => Ok(value.clone()),
        _ => Err(Answer::field_errors(one_error(
            name,
            "This field is required.",
        ))),
    }
}

/// `add_tag/` or `remove_tag/` for the user `id` (`None`: nobody matched), with the tag's
/// name in the body's `name`. A blank name is refused as DRF refuses it; a name with white
/// space around it too, as the client refuses it (the real server would trim it).
fn tag(store: &mut Store, id: Option<u64>, add: bool, body: &[u8]) -> Answer {
    let name = match field(body, "name") {
        Err(answer) => return answer,
        Ok(Value::String(name)) => name,
        Ok(_) => return Answer::field_errors(one_error("name", "Not a valid string.")),
    };
    if name.trim().is_empty() {
        return Answer::field_errors(one_error("name", "This field may not be blank."));
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Answer::field_errors(one_error("name", "Enter a valid tag name."));
    }
    match id.and_then(|id| store.tag(id, &name, add)) {
        None => Answer::not_found(),
        Some((created, tag_id)) if add => Answer::json(
            StatusCode::OK,
            &json!({"created": created, "tag": {"id": tag_id, "name": name}}),
        ),
        Some(_) => Answer::json(StatusCode::OK, &json!({})),
    }
}

/// An update's answer: `200` with the user, `404` when there is none, `400` with the
/// per-field messages of what the body got wrong.
fn updated(store: &mut Store, id: u64, body: &Value, version: Version) -> Answer {
    match store.update(id, body, version) {
        Ok(true) => Answer::json(StatusCode::OK, &store.response(id).unwrap_or_default()),
        Ok(false) => Answer::not_found(),
        Err(errors) => Answer::field_errors(errors),
    }
}
