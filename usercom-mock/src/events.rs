//! Events: `POST events/` (the user named in the body: `client` in API v1, `user_id` in v2)
//! and `POST users-by-id/<user_id>/events/`, each recorded as sent. Like User.com, the
//! server does not de-duplicate events: the same one sent twice is two events.

use std::collections::HashSet;

use hyper::StatusCode;
use serde_json::{json, Map, Value};

use crate::answer::Answer;
use crate::store::{one_error, Store, Version};

/// An event the server received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StoredEvent {
    /// The id the server gave it.
    pub id: u64,
    /// The User.com id of its user.
    pub user: u64,
    /// Its name.
    pub name: String,
    /// Its data, as received (an empty object when it had none).
    pub data: Map<String, Value>,
    /// When it happened, in UNIX seconds, if it was given.
    pub timestamp: Option<i64>,
}

/// The events received, and the names seen (User.com answers whether a name is new).
#[derive(Default)]
pub(crate) struct Events {
    pub(crate) list: Vec<StoredEvent>,
    names: HashSet<String>,
}

/// Records the event in `body` for `user` (`None`: the user is named in the body, by
/// `version`'s key). `201 {"id", "created"}`, or `400` with per-field messages.
pub(crate) fn create(
    store: &mut Store,
    body: &Value,
    user: Option<u64>,
    version: Version,
) -> Answer {
    let Some(object) = body.as_object() else {
        return Answer::field_errors(one_error(
            "non_field_errors",
            "Invalid data. Expected a dictionary.",
        ));
    };
    let user = match user {
        Some(user) => user,
        None => {
            let key = match version {
                Version::V1 => "client",
                Version::V2 => "user_id",
            };
            match object.get(key) {
                None | Some(Value::Null) => {
                    return Answer::field_errors(one_error(key, "This field is required."))
                }
                Some(value) => match value.as_u64().filter(|id| store.has_user(*id)) {
                    Some(user) => user,
                    None => {
                        return Answer::field_errors(one_error(
                            key,
                            &format!("Invalid pk \"{value}\" - object does not exist."),
                        ))
                    }
                },
            }
        }
    };
    let name = match object.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.clone(),
        Some(Value::String(_)) => {
            return Answer::field_errors(one_error("name", "This field may not be blank."))
        }
        None | Some(Value::Null) => {
            return Answer::field_errors(one_error("name", "This field is required."))
        }
        Some(_) => return Answer::field_errors(one_error("name", "Not a valid string.")),
    };
    let data = match object.get("data") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(data)) => data.clone(),
        Some(_) => {
            return Answer::field_errors(one_error("data", "Invalid data. Expected a dictionary."))
        }
    };
    let timestamp = match object.get("timestamp") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_i64() {
            Some(seconds) => Some(seconds),
            None => {
                return Answer::field_errors(one_error("timestamp", "A valid integer is required."))
            }
        },
    };
    let events = &mut store.events;
    let id = events.list.len() as u64 + 1;
    let created = events.names.insert(name.clone());
    events.list.push(StoredEvent {
        id,
        user,
        name,
        data,
        timestamp,
    });
    Answer::json(StatusCode::CREATED, &json!({"id": id, "created": created}))
}
