//! A user of `usercom-core` + `usercom-derive` without the facade: the derive finds
//! `usercom_core` by itself (through `Cargo.toml`), no `crate = ...` needed.

use usercom_derive::IntoUserComUser;

/// A domain struct mapped without the facade crate.
#[derive(IntoUserComUser)]
pub struct Member {
    /// Sent as `email`.
    #[usercom(email)]
    pub email: String,
    /// Sent as `user_id`, as a string.
    #[usercom(user_id)]
    pub id: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use usercom_core::IntoUserComUser;

    #[test]
    fn derive_resolves_usercom_core() {
        let member = Member {
            email: "m@example.org".into(),
            id: 5,
        };
        assert_eq!(
            serde_json::to_value(member.to_create_user().unwrap()).unwrap(),
            serde_json::json!({"email": "m@example.org", "user_id": "5"})
        );
    }
}
