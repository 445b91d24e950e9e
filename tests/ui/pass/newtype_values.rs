//! `#[derive(UserComValue)]` on newtypes: accepted wherever the field's type is, both
//! ways, schema checks included.
#![deny(warnings)]

use usercom::{FromUserComUser, IntoUserComUser, User, UserComValue};

#[derive(Debug, Clone, PartialEq, UserComValue)]
struct Email(String);

#[derive(Debug, Clone, PartialEq, UserComValue)]
struct Seats(u32);

#[derive(Debug, Clone, PartialEq, UserComValue)]
struct AccountId(u64);

#[derive(Debug, PartialEq, IntoUserComUser, FromUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(email)]
    email: Email,
    #[usercom(user_id, write_only)]
    id: AccountId,
    #[usercom(attribute = "seats")]
    seats: Option<Seats>,
    #[usercom(attribute = "nickname")]
    nickname: Email,
}

fn main() {
    let customer = Customer {
        email: Email("ada@example.org".into()),
        id: AccountId(7),
        seats: Some(Seats(3)),
        nickname: Email("ada".into()),
    };
    let payload = customer.to_create_user().unwrap();
    assert_eq!(payload.email.as_deref(), Some("ada@example.org"));
    assert_eq!(payload.user_id.as_deref(), Some("7"));
    assert_eq!(
        serde_json::to_string(&payload.custom_attributes_body()).unwrap(),
        r#"{"seats":3,"nickname":"ada"}"#
    );
    let user: User = serde_json::from_str(
        r#"{"id": 1, "key": "k", "email": "ada@example.org",
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
            "attributes": [{"id": 1, "name": "Seats", "name_std": "seats", "value": 3},
                           {"id": 2, "name": "Nickname", "name_std": "nickname", "value": "ada"}]}"#,
    )
    .unwrap();
    let read = Customer::from_user(&user).unwrap();
    assert_eq!(read, Customer { id: AccountId(0), ..customer });
}

impl Default for AccountId {
    fn default() -> Self {
        AccountId(0)
    }
}
