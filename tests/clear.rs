//! Clearing a value: an `Option<Option<T>>` field that is `Some(None)` sends `null` in an
//! update or an upsert (which clears it in User.com) and nothing in a create; `None` still
//! leaves the attribute as it is; reading back gives `Some(None)` for a null value. And
//! `CreateUser::clear_unset`: what a struct maps and has no value for, cleared.

mod common;

use serde_json::json;
use usercom::{Client, CreateUser, Error, FromUserComUser, IntoUserComUser};
use usercom_mock::MockServer;

#[derive(IntoUserComUser, FromUserComUser, Debug, PartialEq)]
struct Customer {
    #[usercom(user_id, write_only)]
    id: String,
    #[usercom(email)]
    email: String,
    #[usercom(city)]
    city: Option<Option<String>>,
    #[usercom(score)]
    points: Option<Option<i64>>,
    #[usercom(first_name, write_only)]
    first_name: Option<Option<String>>,
    #[usercom(attribute = "plan")]
    plan: Option<Option<String>>,
}

fn ada(city: Option<Option<&str>>, plan: Option<Option<&str>>) -> Customer {
    Customer {
        id: "c-1".into(),
        email: "ada@example.org".into(),
        city: city.map(|c| c.map(str::to_owned)),
        points: None,
        first_name: None,
        plan: plan.map(|p| p.map(str::to_owned)),
    }
}

/// Each request as `METHOD path body`, and the log emptied.
fn sent(server: &MockServer) -> Vec<String> {
    let requests = server
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                r.path,
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect();
    server.record_requests(false);
    server.record_requests(true);
    requests
}

async fn setup() -> (MockServer, Client, u64) {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let user = client
        .create_user(&ada(Some(Some("London")), Some(Some("pro"))))
        .await
        .unwrap();
    sent(&server);
    (server, client, user.id)
}

#[tokio::test]
async fn some_none_clears_in_an_update_and_none_leaves_the_value() {
    let (server, client, id) = setup().await;

    let user = client
        .update_user(id, &ada(Some(None), None))
        .await
        .unwrap();
    assert_eq!(user.city, None);
    assert_eq!(user.attribute("plan"), Some(&json!("pro")), "None left it");
    assert_eq!(
        sent(&server),
        [format!(
            "PUT /api/public/users/{id}/ {{\"city\":null,\"email\":\"ada@example.org\",\"user_id\":\"c-1\"}}"
        )]
    );

    let user = client
        .update_user(id, &ada(None, Some(None)))
        .await
        .unwrap();
    assert_eq!(user.attribute("plan"), None);
    assert_eq!(
        sent(&server),
        [
            format!(
                "PUT /api/public/users/{id}/ {{\"email\":\"ada@example.org\",\"user_id\":\"c-1\"}}"
            ),
            format!("POST /api/public/users/{id}/set_multiple_attributes/ {{\"plan\":null}}"),
        ]
    );
    let stored = &server.users()[0];
    assert!(!stored.attributes.contains_key("city"));
    assert!(!stored.custom.contains_key("plan"));
}

#[tokio::test]
async fn some_none_clears_in_an_upsert() {
    let (server, client, _) = setup().await;
    let mut customer = ada(Some(None), Some(None));
    customer.points = Some(None);
    let upserted = client.upsert_user(&customer).await.unwrap();
    assert!(!upserted.created);
    assert_eq!(upserted.user.city, None);
    assert_eq!(upserted.user.attribute("plan"), None);
    let requests = sent(&server);
    assert_eq!(
        requests[0],
        "POST /api/public/users/update_or_create/ \
         {\"city\":null,\"email\":\"ada@example.org\",\"score\":null,\"user_id\":\"c-1\"}"
    );
    assert!(
        requests[2].ends_with("set_multiple_attributes/ {\"plan\":null}"),
        "{requests:?}"
    );
}

#[tokio::test]
async fn in_a_create_some_none_is_none() {
    let server = MockServer::start().await;
    let client = common::client_for(&server);
    let mut customer = ada(Some(None), Some(None));
    customer.first_name = Some(None);
    let body = client.create_user_body(&customer).unwrap();
    assert_eq!(body, br#"{"email":"ada@example.org","user_id":"c-1"}"#);
    client.create_user(&customer).await.unwrap();
    // No set_multiple_attributes request: clearing the plan means nothing in a create.
    assert_eq!(
        sent(&server),
        ["POST /api/public/users/ {\"email\":\"ada@example.org\",\"user_id\":\"c-1\"}"]
    );
}

#[tokio::test]
async fn reading_back_a_null_gives_some_none() {
    let (server, client, id) = setup().await;
    let read: Customer = client.get_user_as(id).await.unwrap();
    assert_eq!(read.city, Some(Some("London".to_owned())));
    assert_eq!(read.plan, Some(Some("pro".to_owned())));
    assert_eq!(read.first_name, None, "write_only: its default");

    client
        .update_user(id, &ada(Some(None), Some(None)))
        .await
        .unwrap();
    let read: Customer = client.get_user_as(id).await.unwrap();
    assert_eq!(read.city, Some(None));
    assert_eq!(read.plan, Some(None));
    assert_eq!(read.points, Some(Some(0)), "User.com's default score");
    drop(server);
}

#[tokio::test]
async fn a_payload_clears_by_hand_and_refuses_a_value_cleared_too() {
    let (server, client, id) = setup().await;
    let user = client
        .update_user(id, &CreateUser::new().clear("city").clear("plan"))
        .await
        .unwrap();
    assert_eq!((user.city.as_deref(), user.attribute("plan")), (None, None));
    assert_eq!(
        sent(&server),
        [
            format!("PUT /api/public/users/{id}/ {{\"city\":null}}"),
            format!("POST /api/public/users/{id}/set_multiple_attributes/ {{\"plan\":null}}"),
        ]
    );

    for conflict in [
        CreateUser::new().city("Oslo").clear("city"),
        CreateUser::new().attribute("plan", "pro").clear("plan"),
        CreateUser::new().clear("plan").clear("plan"),
    ] {
        let error = client.update_user(id, &conflict).await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    }
    let error = client
        .update_user(id, &CreateUser::new().clear(""))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert!(sent(&server).is_empty());
}

/// A struct's fields without a value, noted as unset and cleared by `clear_unset` (what the
/// sync's first upsert of a user sends): standard and custom, through `with` and through a
/// flattened struct. A value, a clear, `user_id` and a flattened `None` are left alone.
mod unset {
    use super::*;

    fn none_text(_: &u8) -> Option<String> {
        None
    }

    fn no_seats(_: &u8) -> Option<i64> {
        None
    }

    #[derive(IntoUserComUser)]
    struct Address {
        #[usercom(city)]
        city: Option<String>,
        #[usercom(country)]
        country: Option<String>,
    }

    #[derive(IntoUserComUser)]
    struct Extra {
        #[usercom(attribute = "extra")]
        extra: Option<String>,
    }

    #[derive(IntoUserComUser)]
    struct Profile {
        #[usercom(user_id)]
        id: Option<String>,
        #[usercom(email)]
        email: String,
        #[usercom(phone_number)]
        phone: Option<String>,
        #[usercom(first_name, with = none_text)]
        first_name: u8,
        #[usercom(last_name)]
        last_name: Option<Option<String>>,
        #[usercom(attribute = "plan")]
        plan: Option<String>,
        #[usercom(attribute = "seats", with = no_seats)]
        seats: u8,
        #[usercom(flatten)]
        address: Address,
        #[usercom(flatten)]
        extra: Option<Extra>,
    }

    fn body(user: &CreateUser<'_>) -> (String, String) {
        let mut standard = Vec::new();
        user.body(usercom::ApiVersion::V1)
            .write_json(&mut standard)
            .unwrap();
        let custom = serde_json::to_string(&user.custom_attributes_body()).unwrap();
        (String::from_utf8(standard).unwrap(), custom)
    }

    #[test]
    fn clear_unset_clears_what_a_struct_maps_and_has_no_value_for() {
        let profile = Profile {
            id: Some("c-1".into()),
            email: "ada@example.org".into(),
            phone: None,
            first_name: 0,
            last_name: Some(None),
            plan: None,
            seats: 0,
            address: Address {
                city: Some("Oslo".into()),
                country: None,
            },
            extra: None,
        };
        let mut user = CreateUser::new().record_unset();
        profile.write_user_com_user(&mut user).unwrap();
        // Noted, not sent: the payload equals one built by hand, and sends the same.
        let by_hand = CreateUser::new()
            .user_id("c-1")
            .email("ada@example.org")
            .city("Oslo")
            .clear("last_name");
        assert_eq!(user, by_hand);
        assert_eq!(body(&user), body(&by_hand));

        // Without `record_unset`, nothing is noted, and nothing cleared.
        let mut plain = profile.to_create_user().unwrap();
        plain.clear_unset();
        assert_eq!(body(&plain), body(&by_hand));

        user.clear_unset();
        user.validate().unwrap();
        assert_eq!(
            body(&user),
            (
                r#"{"city":"Oslo","country":null,"email":"ada@example.org","first_name":null,"last_name":null,"phone_number":null,"user_id":"c-1"}"#.to_owned(),
                r#"{"plan":null,"seats":null}"#.to_owned()
            )
        );
        // Twice is once.
        user.clear_unset();
        assert_eq!(body(&user).1, r#"{"plan":null,"seats":null}"#);
    }

    #[test]
    fn user_id_is_never_cleared() {
        let profile = Profile {
            id: None,
            email: "ada@example.org".into(),
            phone: Some("+48 600".into()),
            first_name: 0,
            last_name: None,
            plan: Some("pro".into()),
            seats: 0,
            address: Address {
                city: None,
                country: None,
            },
            extra: Some(Extra { extra: None }),
        };
        let mut user = CreateUser::new().record_unset();
        profile.write_user_com_user(&mut user).unwrap();
        user.clear_unset();
        assert_eq!(
            body(&user),
            (
                r#"{"city":null,"country":null,"email":"ada@example.org","first_name":null,"last_name":null,"phone_number":"+48 600"}"#.to_owned(),
                r#"{"plan":"pro","seats":null,"extra":null}"#.to_owned()
            )
        );
    }
}
