//! Reading users back into the caller's struct (`#[derive(FromUserComUser)]`): a round trip
//! through the embedded server for every accepted type, run-time errors that say where, and
//! a property test that sending, the server's echo and reading back is the identity.

mod common;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use proptest::prelude::*;
use usercom::{Error, FromUserComUser, Gender, IntoUserComUser, Status, User, UserComValue};
use usercom_mock::MockServer;

#[derive(Debug, Clone, Copy, PartialEq, UserComValue)]
#[usercom(rename_all = "snake_case")]
enum Plan {
    Free,
    ProAnnual,
}

#[derive(Debug, Clone, PartialEq, UserComValue)]
struct Nickname(String);

#[derive(Debug, Clone, PartialEq, IntoUserComUser, FromUserComUser)]
struct Address {
    #[usercom(city)]
    city: Option<String>,
    #[usercom(region)]
    region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, IntoUserComUser, FromUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name, write_only)]
    first_name: String,
    #[usercom(user_id, write_only)]
    id: String,
    #[usercom(score)]
    score: i16,
    #[usercom(notifications)]
    notifications: bool,
    #[usercom(unsubscribed)]
    unsubscribed: Option<bool>,
    #[usercom(gender)]
    gender: Gender,
    #[usercom(status)]
    status: Status,
    #[usercom(phone_number)]
    phone: Option<Box<str>>,
    #[usercom(attribute = "active")]
    active: bool,
    #[usercom(attribute = "seats")]
    seats: u64,
    #[usercom(attribute = "delta")]
    delta: i8,
    #[usercom(attribute = "ratio")]
    ratio: f64,
    #[usercom(attribute = "share")]
    share: f32,
    #[usercom(attribute = "nickname")]
    nickname: Nickname,
    #[usercom(attribute = "birthday")]
    birthday: NaiveDate,
    #[usercom(attribute = "last_visit")]
    last_visit: NaiveDateTime,
    #[usercom(attribute = "last_order")]
    last_order: DateTime<Utc>,
    #[usercom(attribute = "settings")]
    settings: serde_json::Value,
    #[usercom(attribute = "plan")]
    plan: Plan,
    #[usercom(attribute = "referrer")]
    referrer: Option<String>,
    #[usercom(flatten)]
    address: Address,
    #[usercom(default)]
    password_hash: String,
}

fn customer() -> Customer {
    Customer {
        email: "ada@example.org".into(),
        first_name: "Ada".into(),
        id: "u-1".into(),
        score: -12,
        notifications: true,
        unsubscribed: Some(false),
        gender: Gender::Female,
        status: Status::User,
        phone: Some("+44 20".into()),
        active: true,
        seats: u64::from(u32::MAX) + 1,
        delta: -8,
        ratio: 0.1,
        share: 0.3,
        nickname: Nickname("ada".into()),
        birthday: NaiveDate::from_ymd_opt(1815, 12, 10).unwrap(),
        last_visit: NaiveDate::from_ymd_opt(2024, 2, 29)
            .unwrap()
            .and_hms_milli_opt(1, 2, 3, 456)
            .unwrap(),
        last_order: DateTime::parse_from_rfc3339("2024-03-01T10:11:12Z")
            .unwrap()
            .to_utc(),
        settings: serde_json::json!({"theme": "dark", "sizes": [1, 2]}),
        plan: Plan::ProAnnual,
        referrer: None,
        address: Address {
            city: Some("London".into()),
            region: None,
        },
        password_hash: "secret".into(),
    }
}

/// What reading back gives: the written value, with what is not read (write-only and
/// unmapped fields) at its default.
fn as_read(mut value: Customer) -> Customer {
    value.first_name = String::new();
    value.id = String::new();
    value.password_hash = String::new();
    value
}

#[tokio::test]
async fn every_accepted_type_round_trips_through_the_server() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let sent = customer();
    let user = client.create_user(&sent).await.unwrap();
    assert_eq!(Customer::from_user(&user).unwrap(), as_read(sent.clone()));
    // The look-up into the caller's type reads the same.
    let looked_up: Customer = client.get_user_as(user.id).await.unwrap();
    assert_eq!(looked_up, as_read(sent.clone()));

    // Update in place: only the mapped fields change.
    let mut mine = sent.clone();
    mine.score = 0;
    mine.seats = 1;
    mine.update_from_user(&user).unwrap();
    assert_eq!(mine, sent);
}

fn user_with(attributes: serde_json::Value) -> User {
    serde_json::from_value(serde_json::json!({
        "id": 1, "key": "k", "email": "ada@example.org", "score": 3,
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
        "attributes": attributes,
    }))
    .unwrap()
}

#[derive(Debug, PartialEq, FromUserComUser)]
struct Small {
    #[usercom(attribute = "seats")]
    seats: u8,
    #[usercom(attribute = "plan")]
    plan: Option<Plan>,
}

fn read_error(attributes: serde_json::Value) -> String {
    match Small::from_user(&user_with(attributes)) {
        Err(err @ Error::Read { .. }) => err.to_string(),
        other => panic!("expected a read error, got {other:?}"),
    }
}

#[test]
fn run_time_errors_name_the_attribute_the_field_and_the_json_type() {
    let attribute = |name: &str, value: serde_json::Value| serde_json::json!({"id": 1, "name": name, "name_std": name, "value": value});
    assert_eq!(
        read_error(serde_json::json!([attribute(
            "seats",
            serde_json::json!("3")
        )])),
        "cannot read the User.com attribute `seats` into the field `seats`: expected an \
         integer, found a JSON string"
    );
    assert_eq!(
        read_error(serde_json::json!([attribute(
            "seats",
            serde_json::json!([3])
        )])),
        "cannot read the User.com attribute `seats` into the field `seats`: expected an \
         integer, found a JSON array"
    );
    assert_eq!(
        read_error(serde_json::json!([attribute(
            "seats",
            serde_json::json!(300)
        )])),
        "cannot read the User.com attribute `seats` into the field `seats`: 300 is not an \
         integer that fits in `u8`"
    );
    // A required attribute the user does not have; `null` counts as absent.
    let missing = "cannot read the User.com attribute `seats` into the field `seats`: the user \
                   has no value for it; make the field an `Option` to allow that";
    assert_eq!(read_error(serde_json::json!([])), missing);
    assert_eq!(
        read_error(serde_json::json!([attribute(
            "seats",
            serde_json::Value::Null
        )])),
        missing
    );
    assert_eq!(
        read_error(serde_json::json!([
            attribute("seats", serde_json::json!(1)),
            attribute("plan", serde_json::json!("gold"))
        ])),
        "cannot read the User.com attribute `plan` into the field `plan`: \"gold\" is not one \
         of the wire names of `Plan` (free, pro_annual)"
    );
    // An optional attribute the user does not have is `None`.
    assert_eq!(
        Small::from_user(&user_with(serde_json::json!([attribute(
            "seats",
            serde_json::json!(2)
        )])))
        .unwrap(),
        Small {
            seats: 2,
            plan: None
        }
    );
}

#[test]
fn an_update_that_fails_changes_nothing() {
    let mut value = Small {
        seats: 9,
        plan: Some(Plan::Free),
    };
    let user = user_with(serde_json::json!([
        {"id": 1, "name": "p", "name_std": "plan", "value": "pro_annual"},
        {"id": 2, "name": "s", "name_std": "seats", "value": "many"}
    ]));
    value.update_from_user(&user).unwrap_err();
    assert_eq!(
        value,
        Small {
            seats: 9,
            plan: Some(Plan::Free)
        }
    );
}

#[derive(Debug, Clone, PartialEq, IntoUserComUser, FromUserComUser)]
struct Generated {
    #[usercom(email)]
    email: String,
    #[usercom(score)]
    score: i32,
    #[usercom(notifications)]
    notifications: bool,
    #[usercom(city)]
    city: Option<String>,
    #[usercom(attribute = "seats")]
    seats: Option<u32>,
    #[usercom(attribute = "ratio")]
    ratio: f64,
    #[usercom(attribute = "share")]
    share: f32,
    #[usercom(attribute = "nickname")]
    nickname: String,
    #[usercom(attribute = "plan")]
    plan: Plan,
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        "[a-z]{1,8}@[a-z]{1,8}\\.org",
        any::<i32>(),
        any::<bool>(),
        proptest::option::of(".{0,12}"),
        proptest::option::of(any::<u32>()),
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        any::<f32>().prop_filter("finite", |f| f.is_finite()),
        ".{0,12}",
        prop_oneof![Just(Plan::Free), Just(Plan::ProAnnual)],
    )
        .prop_map(
            |(email, score, notifications, city, seats, ratio, share, nickname, plan)| Generated {
                email,
                score,
                notifications,
                city,
                seats,
                ratio,
                share,
                nickname,
                plan,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// `to_create_user`, then the embedded server's echo, then `from_user`: the identity.
    #[test]
    fn sending_then_reading_back_is_the_identity(value in generated()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let read = runtime.block_on(async {
            let server = MockServer::start().await;
            let user = common::client_for(&server).create_user(&value).await.unwrap();
            Generated::from_user(&user).unwrap()
        });
        prop_assert_eq!(read, value);
    }
}
