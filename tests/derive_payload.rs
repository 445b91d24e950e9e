//! What the derive produces: the exact payload for each accepted shape of field.

mod common;

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::json;
use usercom::{AttributeValue, CreateUser, Error, Gender, IntoUserComUser, Status};

fn body(value: &impl IntoUserComUser) -> serde_json::Value {
    serde_json::to_value(value.to_create_user().unwrap()).unwrap()
}

fn custom(value: &impl IntoUserComUser) -> serde_json::Value {
    serde_json::to_value(value.to_create_user().unwrap().custom_attributes_body()).unwrap()
}

#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    given_name: String,
    #[usercom(score)]
    loyalty_points: i32,
    #[allow(dead_code)]
    password_hash: String,
}

#[test]
fn maps_only_annotated_fields_under_their_attribute_names() {
    let customer = Customer {
        email: "ada@example.org".into(),
        given_name: "Ada".into(),
        loyalty_points: 42,
        password_hash: "secret-hash".into(),
    };
    let body = body(&customer);
    assert_eq!(
        body,
        json!({"email": "ada@example.org", "first_name": "Ada", "score": 42})
    );
    assert!(!body.to_string().contains("secret-hash"));
}

#[test]
fn the_payload_borrows_from_the_struct() {
    let customer = Customer {
        email: "ada@example.org".into(),
        given_name: "Ada".into(),
        loyalty_points: 1,
        password_hash: String::new(),
    };
    let payload = customer.to_create_user().unwrap();
    match &payload.email {
        Some(Cow::Borrowed(email)) => assert!(std::ptr::eq(*email, customer.email.as_str())),
        other => panic!("expected a borrowed email, got {other:?}"),
    }
}

#[derive(IntoUserComUser)]
struct Everything<'a> {
    #[usercom(assigned_to)]
    assigned_to: u8,
    #[usercom(city)]
    city: &'a str,
    #[usercom(company_id)]
    company_id: u64,
    #[usercom(country)]
    country: Box<str>,
    #[usercom(email)]
    email: Cow<'a, str>,
    #[usercom(facebook_url)]
    facebook_url: Arc<str>,
    #[usercom(first_name)]
    first_name: &'a String,
    #[usercom(gender)]
    gender: Gender,
    #[usercom(google_url)]
    google_url: Option<String>,
    #[usercom(gravatar_url)]
    gravatar_url: Option<&'a str>,
    #[usercom(last_name)]
    last_name: String,
    #[usercom(linkedin_url)]
    linkedin_url: String,
    #[usercom(notifications)]
    notifications: bool,
    #[usercom(phone_number)]
    phone_number: String,
    #[usercom(region)]
    region: String,
    #[usercom(score)]
    score: Option<i64>,
    #[usercom(status)]
    status: Option<Status>,
    #[usercom(timezone)]
    timezone: String,
    #[usercom(twitter_url)]
    twitter_url: String,
    #[usercom(unsubscribed)]
    unsubscribed: &'a bool,
    #[usercom(user_id)]
    user_id: String,
    #[usercom(attribute = "plan")]
    plan: &'a str,
    #[usercom(attribute = "seats")]
    seats: u32,
    #[usercom(attribute = "trial")]
    trial: Option<bool>,
    #[usercom(attribute = "ratio")]
    ratio: f64,
    #[usercom(attribute = "renews_on")]
    renews_on: chrono::NaiveDate,
    #[usercom(attribute = "meta")]
    meta: serde_json::Value,
}

/// A value of `Everything`, borrowing what it must.
fn everything<'a>(first: &'a String, yes: &'a bool) -> Everything<'a> {
    Everything {
        assigned_to: 7,
        city: "London",
        company_id: 99,
        country: "GB".into(),
        email: Cow::Borrowed("ada@example.org"),
        facebook_url: Arc::from("https://facebook.com/ada"),
        first_name: first,
        gender: Gender::Female,
        google_url: None,
        gravatar_url: Some("https://gravatar.com/avatar/ada"),
        last_name: "Lovelace".into(),
        linkedin_url: "https://linkedin.com/in/ada".into(),
        notifications: false,
        phone_number: "+44 20 0000 0000".into(),
        region: "Greater London".into(),
        score: Some(-5),
        status: Some(Status::User),
        timezone: "Europe/London".into(),
        twitter_url: "https://twitter.com/ada".into(),
        unsubscribed: yes,
        user_id: "u-1815".into(),
        plan: "pro",
        seats: 3,
        trial: None,
        ratio: 0.5,
        renews_on: chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        meta: json!({"tags": ["a", "b"]}),
    }
}

/// The create body of `everything()` with `google_url` set too: all 21 attributes.
fn everything_body() -> serde_json::Value {
    json!({
        "assigned_to": 7, "city": "London", "company_id": "99", "country": "GB",
        "email": "ada@example.org", "facebook_url": "https://facebook.com/ada",
        "first_name": "Ada", "gender": 3, "google_url": "https://google.com/+ada",
        "gravatar_url": "https://gravatar.com/avatar/ada",
        "last_name": "Lovelace", "linkedin_url": "https://linkedin.com/in/ada",
        "notifications": false, "phone_number": "+44 20 0000 0000",
        "region": "Greater London", "score": -5, "status": 2,
        "timezone": "Europe/London", "twitter_url": "https://twitter.com/ada",
        "unsubscribed": true, "user_id": "u-1815"
    })
}

#[test]
fn all_standard_attributes_and_custom_ones() {
    let (first, yes) = (String::from("Ada"), true);
    let mut value = everything(&first, &yes);
    let mut expected = everything_body();
    // `None` leaves an attribute out.
    expected.as_object_mut().unwrap().remove("google_url");
    assert_eq!(body(&value), expected);
    value.google_url = Some("https://google.com/+ada".into());
    assert_eq!(body(&value), everything_body());
    assert_eq!(
        custom(&value),
        json!({"plan": "pro", "seats": 3, "ratio": 0.5, "renews_on": "2027-01-31",
               "meta": {"tags": ["a", "b"]}})
    );
    value.to_create_user().unwrap().validate().unwrap();
}

#[tokio::test]
async fn all_standard_attributes_and_custom_ones_reach_a_loopback_server_exactly() {
    let server = usercom_mock::MockServer::start().await;
    let client = common::client_for(&server);
    let (first, yes) = (String::from("Ada"), true);
    let mut value = everything(&first, &yes);
    value.google_url = Some("https://google.com/+ada".into());
    value.trial = Some(false);
    let user = client.create_user(&value).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].json().unwrap(), everything_body());
    assert_eq!(
        requests[1].path,
        format!("/api/public/users/{}/set_multiple_attributes/", user.id)
    );
    assert_eq!(
        requests[1].json().unwrap(),
        json!({"plan": "pro", "seats": 3, "trial": false, "ratio": 0.5,
               "renews_on": "2027-01-31", "meta": {"tags": ["a", "b"]}})
    );
    assert_eq!(user.gender, Gender::Female);
    assert_eq!(user.attribute("renews_on"), Some(&json!("2027-01-31")));
}

#[derive(IntoUserComUser)]
struct BigScore {
    #[usercom(score)]
    score: u64,
    #[usercom(attribute = "visits")]
    visits: u128,
}

#[test]
fn integers_outside_i64_are_an_error_naming_the_attribute() {
    let err = BigScore {
        score: u64::MAX,
        visits: 1,
    }
    .to_create_user()
    .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    // The message names the attribute and the rule; the value is reachable, not displayed.
    assert_eq!(
        err.to_string(),
        "invalid value for `score`: the value is outside the range User.com stores (a 64-bit \
         signed integer) (nothing was sent)"
    );
    assert_eq!(err.invalid_value(), Some("18446744073709551615"));
    let err = BigScore {
        score: 1,
        visits: u128::MAX,
    }
    .to_create_user()
    .unwrap_err();
    assert!(err.to_string().contains("`visits`"), "{err}");
    assert_eq!(
        body(&BigScore {
            score: 5,
            visits: 1
        }),
        json!({"score": 5})
    );
}

mod ids {
    pub fn to_hex(id: &u32) -> String {
        format!("{id:x}")
    }
    pub fn tier_name(tier: &u8) -> &'static str {
        ["free", "pro"][usize::from(*tier)]
    }
    pub fn points(text: &str) -> i64 {
        text.len() as i64
    }
}

#[derive(IntoUserComUser)]
struct WithConversions {
    #[usercom(user_id, with = ids::to_hex)]
    id: u32,
    #[usercom(attribute = "tier", with = ids::tier_name)]
    tier: u8,
    #[usercom(score, with = ids::points)]
    motto: String,
}

#[test]
fn with_converts_the_field_first() {
    let value = WithConversions {
        id: 255,
        tier: 1,
        motto: "abc".into(),
    };
    assert_eq!(body(&value), json!({"user_id": "ff", "score": 3}));
    assert_eq!(custom(&value), json!({"tier": "pro"}));
}

#[derive(IntoUserComUser)]
struct Address {
    #[usercom(city)]
    city: String,
    #[usercom(country)]
    country: Option<String>,
    #[usercom(attribute = "street")]
    street: String,
}

#[derive(IntoUserComUser)]
struct Person {
    #[usercom(email)]
    email: String,
    #[usercom(flatten)]
    address: Address,
}

#[test]
fn flatten_merges_the_nested_mapping() {
    let person = Person {
        email: "a@example.org".into(),
        address: Address {
            city: "Oslo".into(),
            country: None,
            street: "Main St".into(),
        },
    };
    assert_eq!(
        body(&person),
        json!({"email": "a@example.org", "city": "Oslo"})
    );
    assert_eq!(custom(&person), json!({"street": "Main St"}));
}

#[derive(IntoUserComUser)]
struct Clash {
    #[usercom(city)]
    city: String,
    #[usercom(flatten)]
    address: Address,
}

#[test]
fn an_attribute_set_by_both_a_struct_and_its_flattened_field_is_an_error() {
    let clash = Clash {
        city: "Rome".into(),
        address: Address {
            city: "Oslo".into(),
            country: None,
            street: String::new(),
        },
    };
    let err = clash.to_create_user().unwrap_err();
    assert!(
        matches!(err, usercom::Error::InvalidInput { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "invalid value for `city`: set twice (for example by a struct and by a field it \
         flattens); map it once (nothing was sent)"
    );
}

#[derive(IntoUserComUser)]
struct Generic<'a, T, U: Clone>
where
    T: Copy,
{
    #[usercom(user_id)]
    id: T,
    #[usercom(email)]
    email: &'a str,
    #[usercom(attribute = "extra")]
    extra: U,
    #[allow(dead_code)]
    unmapped: std::marker::PhantomData<U>,
}

#[test]
fn generic_structs_get_bounds_only_for_mapped_generic_fields() {
    let value = Generic {
        id: 12u16,
        email: "g@example.org",
        extra: 2.5f32,
        unmapped: Default::default(),
    };
    assert_eq!(
        body(&value),
        json!({"user_id": "12", "email": "g@example.org"})
    );
    assert_eq!(custom(&value), json!({"extra": 2.5}));
}

#[test]
fn a_hand_built_payload_and_a_derived_one_are_interchangeable() {
    let derived = Customer {
        email: "ada@example.org".into(),
        given_name: "Ada".into(),
        loyalty_points: 42,
        password_hash: String::new(),
    };
    let by_hand = CreateUser::new()
        .email("ada@example.org")
        .first_name("Ada")
        .score(42);
    assert_eq!(derived.to_create_user().unwrap(), by_hand);
    assert_eq!(
        by_hand.to_create_user().unwrap().custom_attributes(),
        &[] as &[(Cow<'_, str>, AttributeValue<'_>)]
    );
}

/// An id type of the application's, made accepted by implementing `IdValue::to_id` (the
/// trait's one required method, as in the first release); the derive uses it.
struct AccountId(u32);

impl<A> usercom::convert::IdValue<A> for AccountId {
    fn to_id(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(std::borrow::Cow::Owned(format!("acct-{}", self.0)))
    }
}

/// A newtype deriving `UserComValue` forwards both of `IdValue`'s methods to its field.
#[derive(usercom::UserComValue)]
struct LegacyId(u64);

#[derive(IntoUserComUser)]
struct Account {
    #[usercom(email)]
    email: &'static str,
    #[usercom(user_id)]
    id: AccountId,
    #[usercom(company_id)]
    company: Option<LegacyId>,
}

#[test]
fn an_id_type_implementing_to_id_is_sent_as_its_text() {
    let account = Account {
        email: "a@example.org",
        id: AccountId(7),
        company: Some(LegacyId(18_446_744_073_709_551_615)),
    };
    assert_eq!(
        body(&account),
        json!({
            "email": "a@example.org",
            "user_id": "acct-7",
            "company_id": "18446744073709551615",
        })
    );
    use usercom::convert::IdValue;
    assert_eq!(
        <LegacyId as IdValue<()>>::to_id(&LegacyId(42)).as_deref(),
        Some("42")
    );
    assert_eq!(
        <u8 as IdValue<()>>::to_id_text(&255).as_deref(),
        Some("255")
    );
    // The payload's id reads as text, compares with the text types and converts into the
    // `Cow` of the first release.
    let payload = account.to_create_user().unwrap();
    let id = payload.user_id.clone().unwrap();
    let owned = String::from("acct-7");
    assert!(id == "acct-7" && id == *"acct-7" && id == owned);
    assert!(id == Cow::Borrowed("acct-7"));
    let company: Cow<'_, str> = payload.company_id.unwrap().into();
    assert_eq!(company, "18446744073709551615");
}
