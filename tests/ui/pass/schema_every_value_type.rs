//! Every value type of a schema, with the field types that fit it: plain, `Option`,
//! references, a `with` conversion, and enums for `fixed` attributes.
#![deny(warnings)]

use std::borrow::Cow;

use chrono::{NaiveDate, TimeZone, Utc};
use usercom::{AttributeValue, IntoUserComUser, UserComValue};

#[derive(Debug, Clone, Copy, PartialEq, UserComValue)]
#[usercom(attribute = "plan", rename_all = "lowercase")]
#[usercom(schema = "schemas/app.json")]
enum Plan {
    Free,
    Pro,
    #[usercom(rename = "enterprise")]
    Business,
}

#[derive(UserComValue)]
#[usercom(rename_all = "SCREAMING_SNAKE_CASE")]
enum Tier {
    GoldMember,
}

fn seats_of(text: &String) -> u16 {
    text.len() as u16
}

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer<'a> {
    #[usercom(email)]
    email: &'a str,
    #[usercom(attribute = "active")]
    active: bool,
    #[usercom(attribute = "seats", with = seats_of)]
    seats: String,
    #[usercom(attribute = "ratio")]
    ratio: Option<u32>,
    #[usercom(attribute = "nickname")]
    nickname: Cow<'a, str>,
    #[usercom(attribute = "birthday")]
    birthday: &'a NaiveDate,
    #[usercom(attribute = "last_order")]
    last_order: Option<chrono::DateTime<Utc>>,
    #[usercom(attribute = "settings")]
    settings: serde_json::Value,
    #[usercom(attribute = "plan")]
    plan: Option<Plan>,
    #[usercom(attribute = "tier")]
    tier: Tier,
}

/// A generic field checked through a where-clause bound.
#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Generic<P> {
    #[usercom(attribute = "plan")]
    plan: P,
}

/// No schema: any custom attribute name and value type, as before.
#[derive(IntoUserComUser)]
struct Unchecked {
    #[usercom(attribute = "anything at all")]
    whatever: f64,
}

fn main() {
    let birthday = NaiveDate::from_ymd_opt(1815, 12, 10).unwrap();
    let customer = Customer {
        email: "ada@example.org",
        active: true,
        seats: "four".into(),
        ratio: Some(3),
        nickname: Cow::Borrowed("Ada"),
        birthday: &birthday,
        last_order: Some(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()),
        settings: serde_json::json!({"theme": "dark"}),
        plan: Some(Plan::Business),
        tier: Tier::GoldMember,
    };
    let payload = customer.to_create_user().unwrap();
    let body = serde_json::to_value(payload.custom_attributes_body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "active": true, "seats": 4, "ratio": 3, "nickname": "Ada",
            "birthday": "1815-12-10", "last_order": "2024-01-02T03:04:05Z",
            "settings": {"theme": "dark"}, "plan": "enterprise", "tier": "GOLD_MEMBER",
        })
    );
    assert_eq!(Plan::WIRE_NAMES, ["free", "pro", "enterprise"]);
    assert_eq!(Plan::Pro.wire_name(), "pro");
    let generic = Generic { plan: "pro" };
    assert_eq!(
        generic.to_create_user().unwrap().custom_attributes()[0].1,
        AttributeValue::Text("pro".into())
    );
    let unchecked = Unchecked { whatever: 0.5 };
    assert_eq!(unchecked.to_create_user().unwrap().custom_attributes().len(), 1);
}
