//! A user who renamed the dependency (`uc = { package = "usercom", ... }`): the derive finds
//! the crate under that name in `Cargo.toml`, no `crate = ...` needed.

use uc::IntoUserComUser;

/// A domain struct mapped through the renamed crate.
#[derive(IntoUserComUser)]
pub struct Member {
    /// Sent as `email`.
    #[usercom(email)]
    pub email: String,
    /// Sent as `score`.
    #[usercom(score)]
    pub points: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_resolves_the_renamed_crate() {
        let member = Member {
            email: "m@example.org".into(),
            points: 7,
        };
        assert_eq!(
            serde_json::to_value(member.to_create_user().unwrap()).unwrap(),
            serde_json::json!({"email": "m@example.org", "score": 7})
        );
    }
}
