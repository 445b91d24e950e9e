//! A user's state, as the store keeps it: the attributes it has a value for, by name, with
//! their JSON values; and what changed between two states.

use std::collections::BTreeMap;

use serde_json::Value;
use usercom_core::{CreateUser, Error as UsercomError, IntoUserComUser};

use crate::error::Error;

/// The attributes a user has a value for: standard ones by their API v1 names, custom ones
/// by theirs (never the same: a custom attribute named like a standard one is refused).
/// Sorted, so that one state has one text.
pub(crate) type State = BTreeMap<String, Value>;

/// An input checked as the client checks it, with its key and its state.
pub(crate) struct Checked {
    /// Its `user_id`.
    pub(crate) key: String,
    pub(crate) state: State,
}

/// Checks `value` as the client would before sending it, and reads its key and state.
pub(crate) fn check<T: IntoUserComUser + ?Sized>(value: &T) -> Result<Checked, Error> {
    let payload = value.to_create_user()?;
    payload.validate()?;
    let key = match payload.user_id.as_ref().map(|id| id.as_str()) {
        Some(id) if !id.trim().is_empty() => id.to_owned(),
        _ => {
            return Err(invalid(
                "user_id",
                "the sync keeps each user under its `user_id`, and this value has none".into(),
            ))
        }
    };
    Ok(Checked {
        key,
        state: state_of(&payload)?,
    })
}

/// The state of a checked payload: its attributes with a value (a clear is no value).
fn state_of(payload: &CreateUser<'_>) -> Result<State, Error> {
    let json = |result: serde_json::Result<Value>| {
        result.map_err(|err| invalid("attributes", format!("cannot be written as JSON: {err}")))
    };
    let mut state = State::new();
    for value in [
        json(serde_json::to_value(payload))?,
        json(serde_json::to_value(payload.custom_attributes_body()))?,
    ] {
        if let Value::Object(map) = value {
            state.extend(map.into_iter().filter(|(_, v)| !v.is_null()));
        }
    }
    Ok(state)
}

/// An input refused before anything is sent, as the client refuses one.
pub(crate) fn invalid(attribute: &'static str, reason: String) -> Error {
    Error::Usercom(UsercomError::InvalidInput {
        attribute: attribute.into(),
        reason: reason.into(),
        value: None,
    })
}

/// Reads a kept state.
pub(crate) fn parse(key: &str, text: &str) -> Result<State, Error> {
    serde_json::from_str(text).map_err(|source| Error::CorruptState {
        key: key.to_owned(),
        source,
    })
}

/// Writes a state to keep.
pub(crate) fn write(state: &State) -> String {
    // A map of strings to JSON values always serializes.
    serde_json::to_string(state).unwrap_or_default()
}

/// What changed from `old` to `new`: the attributes whose value is new or different, and
/// those that had a value and have none now.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) changed: Vec<String>,
    pub(crate) removed: Vec<String>,
}

impl Change {
    pub(crate) fn between(old: &State, new: &State) -> Change {
        Change {
            changed: new
                .iter()
                .filter(|(name, value)| old.get(*name) != Some(value))
                .map(|(name, _)| name.clone())
                .collect(),
            removed: old
                .keys()
                .filter(|name| !new.contains_key(*name))
                .cloned()
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }

    /// The update to send for this change of `payload`: its changed attributes, `null` for
    /// each removed one, and its `user_id` (which names the user).
    pub(crate) fn update<'a>(&self, payload: &CreateUser<'a>) -> CreateUser<'a> {
        let mut update = payload.clone();
        update.retain_attributes(|name| {
            name == "user_id" || self.changed.iter().any(|changed| changed == name)
        });
        for name in &self.removed {
            update.insert_clear(name.clone());
        }
        update
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use usercom_core::ApiVersion;

    fn state(payload: &CreateUser<'_>) -> State {
        check(payload).unwrap().state
    }

    #[test]
    fn a_state_holds_the_attributes_with_a_value_by_name() {
        let payload = CreateUser::new()
            .user_id("u1")
            .email("a@example.org")
            .attribute("plan", "pro")
            .clear("city");
        let checked = check(&payload).unwrap();
        assert_eq!(checked.key, "u1");
        assert_eq!(
            write(&checked.state),
            r#"{"email":"a@example.org","plan":"pro","user_id":"u1"}"#
        );
        assert_eq!(parse("u1", &write(&checked.state)).unwrap(), checked.state);
    }

    #[test]
    fn a_value_without_a_user_id_is_refused_with_the_reason() {
        let err = check(&CreateUser::new().email("a@example.org"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("user_id"), "{err}");
        let err = check(&CreateUser::new().user_id("  ")).err().unwrap();
        assert!(err.to_string().contains("user_id"), "{err}");
        let err = check(&CreateUser::new().user_id("u").email("no-at"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("email"), "{err}");
    }

    #[test]
    fn an_update_sends_what_changed_and_clears_what_was_removed() {
        let before = CreateUser::new()
            .user_id("u1")
            .email("a@example.org")
            .phone_number("+48 123")
            .attribute("plan", "free")
            .attribute("seats", 3);
        let after = CreateUser::new()
            .user_id("u1")
            .email("a@example.org")
            .attribute("plan", "pro");
        let change = Change::between(&state(&before), &state(&after));
        assert_eq!(change.changed, ["plan"]);
        assert_eq!(change.removed, ["phone_number", "seats"]);
        let update = change.update(&after);
        let mut body = Vec::new();
        update.body(ApiVersion::V1).write_json(&mut body).unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"phone_number":null,"user_id":"u1"}"#
        );
        assert_eq!(
            serde_json::to_string(&update.custom_attributes_body()).unwrap(),
            r#"{"plan":"pro","seats":null}"#
        );
        assert!(Change::between(&state(&after), &state(&after)).is_empty());
    }
}
