//! `#[derive(FromUserComUser)]` next to `#[derive(IntoUserComUser)]` on the same struct:
//! every readable kind of field, `write_only`, defaults, `with`/`from`, flatten.
#![deny(warnings)]

use usercom::{FromUserComUser, Gender, IntoUserComUser, Status, User, UserComValue};

#[derive(Debug, Clone, Copy, PartialEq, UserComValue)]
#[usercom(rename_all = "lowercase")]
enum Plan {
    Free,
    Pro,
}

#[derive(Debug, PartialEq, IntoUserComUser, FromUserComUser)]
struct Address {
    #[usercom(city)]
    city: Option<String>,
    #[usercom(country)]
    country: Option<Box<str>>,
}

fn points_text(points: &u32) -> String {
    points.to_string()
}

fn points_from(text: Option<String>) -> u32 {
    text.and_then(|t| t.parse().ok()).unwrap_or(0)
}

fn unknown_id() -> u64 {
    7
}

#[derive(Debug, PartialEq, IntoUserComUser, FromUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name, write_only)]
    first_name: String,
    #[usercom(user_id, write_only, default = unknown_id)]
    id: u64,
    #[usercom(score)]
    loyalty: i32,
    #[usercom(notifications)]
    notifications: bool,
    #[usercom(gender)]
    gender: Gender,
    #[usercom(status)]
    status: Option<Status>,
    #[usercom(attribute = "plan")]
    plan: Option<Plan>,
    #[usercom(attribute = "seats")]
    seats: u16,
    #[usercom(attribute = "points", with = points_text, from = points_from)]
    points: u32,
    #[usercom(attribute = "settings")]
    settings: Option<serde_json::Value>,
    #[usercom(flatten)]
    address: Address,
    #[usercom(default)]
    password_hash: String,
}

fn main() {
    let user: User = serde_json::from_str(
        r#"{"id": 1, "key": "k", "email": "ada@example.org", "score": 12,
            "notifications": true, "gender": "female", "status": "user",
            "city": "London", "country": null,
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
            "attributes": [
                {"id": 1, "name": "Plan", "name_std": "plan", "value": "pro"},
                {"id": 2, "name": "Seats", "name_std": "seats", "value": 3},
                {"id": 3, "name": "Points", "name_std": "points", "value": "40"}
            ]}"#,
    )
    .unwrap();
    let read = Customer::from_user(&user).unwrap();
    assert_eq!(
        read,
        Customer {
            email: "ada@example.org".into(),
            first_name: String::new(),
            id: 7,
            loyalty: 12,
            notifications: true,
            gender: Gender::Female,
            status: Some(Status::User),
            plan: Some(Plan::Pro),
            seats: 3,
            points: 40,
            settings: None,
            address: Address { city: Some("London".into()), country: None },
            password_hash: String::new(),
        }
    );

    let mut mine = Customer { password_hash: "secret".into(), first_name: "Ada".into(), ..read };
    mine.seats = 1;
    mine.update_from_user(&user).unwrap();
    assert_eq!(mine.seats, 3);
    assert_eq!(mine.password_hash, "secret");
    assert_eq!(mine.first_name, "Ada");
}
