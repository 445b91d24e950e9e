//! Look-ups that return users (`get_user`, `find_user_by_email`, `find_user_by_user_id` and
//! their `_as` forms) against the embedded server.

mod common;

use usercom::{ApiVersion, Client, CreateUser, Error, FromUserComUser, User};
use usercom_mock::{Fault, MockServer, Route};

/// User.com's own published answer to `GET users/search/?email=` (API v2 page), verbatim.
const PUBLISHED_SAMPLE: &str = include_str!("fixtures/apidocs_v2_find_user_by_email.json");

/// A client of `server` that retries fast (3 retries).
fn client(server: &MockServer) -> Client {
    common::fast_retry_client(server)
}

/// The caller's own type, read by hand (not by the derive).
#[derive(Debug, Clone, PartialEq)]
struct Customer {
    usercom_id: u64,
    email: String,
    city: Option<String>,
    plan: Option<String>,
    /// Not from User.com: kept by `update_from_user`.
    local_note: String,
}

impl FromUserComUser for Customer {
    fn from_user(user: &User) -> Result<Self, Error> {
        let email = user.email.clone().ok_or_else(|| Error::Read {
            attribute: "email".into(),
            field: "email",
            problem: "the user has no value for it".into(),
        })?;
        let plan = match user.attributes.iter().find(|a| a.name_std == "plan") {
            None => None,
            Some(attribute) => Some(
                attribute
                    .value
                    .as_str()
                    .ok_or_else(|| Error::Read {
                        attribute: "plan".into(),
                        field: "plan",
                        problem: "expected a string".into(),
                    })?
                    .to_owned(),
            ),
        };
        Ok(Customer {
            usercom_id: user.id,
            email,
            city: user.city.clone(),
            plan,
            local_note: String::new(),
        })
    }

    fn update_from_user(&mut self, user: &User) -> Result<(), Error> {
        let read = Customer::from_user(user)?;
        *self = Customer {
            local_note: std::mem::take(&mut self.local_note),
            ..read
        };
        Ok(())
    }
}

fn ada() -> CreateUser<'static> {
    CreateUser::new()
        .email("ada@example.org")
        .first_name("Ada")
        .last_name("Lovelace")
        .city("London")
        .user_id("customer-1")
}

fn grace() -> CreateUser<'static> {
    CreateUser::new()
        .email("grace@example.org")
        .first_name("Grace")
        .user_id("customer-2")
}

#[tokio::test]
async fn get_user_returns_the_user_as_created() {
    let server = MockServer::start().await;
    let client = client(&server);
    let created = client.create_user(&ada()).await.unwrap();
    client.create_user(&grace()).await.unwrap();

    let user = client.get_user(1000).await.unwrap();
    assert_eq!(user, created);
    assert_eq!(user.id, 1000);
    assert_eq!(user.email.as_deref(), Some("ada@example.org"));
    assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(user.city.as_deref(), Some("London"));
    assert_eq!(user.key, server.users()[0].key);
    assert_eq!(
        client.get_user(1001).await.unwrap().name.as_deref(),
        Some("Grace")
    );
    assert_eq!(server.request_count(), 4);
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths[2..],
        ["/api/public/users/1000/", "/api/public/users/1001/"]
    );
    assert!(server.requests()[2..].iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn get_user_of_an_unknown_id_is_a_404_error_sent_once() {
    let server = MockServer::start().await;
    let error = client(&server).get_user(4242).await.unwrap_err();
    match &error {
        Error::Api { status, body, .. } => {
            assert_eq!(*status, 404);
            assert_eq!(body, r#"{"detail":"Not found."}"#);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn find_user_by_email_finds_the_user_or_none() {
    let server = MockServer::start().await;
    let client = client(&server);
    client.create_user(&ada()).await.unwrap();
    client.create_user(&grace()).await.unwrap();

    let user = client
        .find_user_by_email("grace@example.org")
        .await
        .unwrap()
        .expect("found");
    assert_eq!(user.id, 1001);
    assert_eq!(user.email.as_deref(), Some("grace@example.org"));
    assert_eq!(user.name.as_deref(), Some("Grace"));
    assert_eq!(user, client.get_user(1001).await.unwrap());

    assert_eq!(
        client
            .find_user_by_email("nobody@example.org")
            .await
            .unwrap(),
        None
    );
    // An exact match: another case is another address.
    assert_eq!(
        client.find_user_by_email("ADA@example.org").await.unwrap(),
        None
    );
    assert_eq!(server.request_count(), 2 + 4, "each look-up sent once");
    let search = &server.requests()[2];
    assert_eq!(
        (search.method.as_str(), search.path.as_str()),
        ("GET", "/api/public/users/search/")
    );
    assert_eq!(search.query.as_deref(), Some("email=grace%40example.org"));
    assert_eq!(search.body, b"");
}

#[tokio::test]
async fn find_user_by_user_id_finds_the_user_or_none() {
    let server = MockServer::start().await;
    let client = client(&server);
    client.create_user(&ada()).await.unwrap();
    client.create_user(&grace()).await.unwrap();

    let user = client
        .find_user_by_user_id("customer-1")
        .await
        .unwrap()
        .expect("found");
    assert_eq!(user.id, 1000);
    assert_eq!(user.email.as_deref(), Some("ada@example.org"));
    assert_eq!(user.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        client
            .find_user_by_user_id("customer-2")
            .await
            .unwrap()
            .map(|u| u.id),
        Some(1001)
    );
    assert_eq!(
        client.find_user_by_user_id("customer-3").await.unwrap(),
        None
    );
    // The User.com id is not the application's id.
    assert_eq!(client.find_user_by_user_id("1000").await.unwrap(), None);
    assert_eq!(server.request_count(), 2 + 4);
    assert_eq!(
        server.requests()[2].path,
        "/api/public/users-by-id/customer-1/"
    );
    assert_eq!(server.requests()[2].query, None);
}

#[tokio::test]
async fn an_email_with_plus_and_ampersand_is_sent_intact() {
    let server = MockServer::start().await;
    let client = client(&server);
    // Decoys: what a mangled query would find instead.
    client
        .create_user(&CreateUser::new().email("a b@example.org"))
        .await
        .unwrap_err();
    client
        .create_user(&CreateUser::new().email("a+b@example.org").city("Decoy"))
        .await
        .unwrap();
    client
        .create_user(
            &CreateUser::new()
                .email("a+b&c=d@example.org")
                .city("Target"),
        )
        .await
        .unwrap();
    assert_eq!(
        server.request_count(),
        2,
        "the bad decoy was refused unsent"
    );

    let user = client
        .find_user_by_email("a+b&c=d@example.org")
        .await
        .unwrap()
        .expect("found");
    assert_eq!(user.id, 1001);
    assert_eq!(user.email.as_deref(), Some("a+b&c=d@example.org"));
    assert_eq!(user.city.as_deref(), Some("Target"));
    assert_eq!(
        server.requests()[2].query.as_deref(),
        Some("email=a%2Bb%26c%3Dd%40example.org")
    );
    let decoy = client.find_user_by_email("a+b@example.org").await.unwrap();
    assert_eq!(decoy.map(|u| u.id), Some(1000));
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn a_user_id_with_slash_and_space_is_sent_as_one_segment() {
    let server = MockServer::start().await;
    let client = client(&server);
    for (user_id, city) in [
        ("team", "Decoy"),
        ("team/a b", "Target"),
        ("50%+x", "Percent"),
    ] {
        client
            .create_user(&CreateUser::new().user_id(user_id).city(city))
            .await
            .unwrap();
    }

    let user = client
        .find_user_by_user_id("team/a b")
        .await
        .unwrap()
        .expect("found");
    assert_eq!((user.id, user.city.as_deref()), (1001, Some("Target")));
    assert_eq!(
        server.requests()[3].path,
        "/api/public/users-by-id/team%2Fa%20b/"
    );

    let user = client
        .find_user_by_user_id("50%+x")
        .await
        .unwrap()
        .expect("found");
    assert_eq!((user.id, user.city.as_deref()), (1002, Some("Percent")));
    assert_eq!(
        server.requests()[4].path,
        "/api/public/users-by-id/50%25%2Bx/"
    );

    // Dots and slashes stay inside the segment: no path resolution reaches another user.
    assert_eq!(client.find_user_by_user_id("team/..").await.unwrap(), None);
    assert_eq!(client.find_user_by_user_id("../team").await.unwrap(), None);
    assert_eq!(
        server.requests()[6].path,
        "/api/public/users-by-id/..%2Fteam/"
    );
    assert_eq!(server.request_count(), 7);
}

#[tokio::test]
async fn a_bad_email_or_blank_user_id_is_refused_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    for email in [
        "",
        "ada",
        "@example.org",
        "ada@",
        "a@b@example.org",
        "ada @example.org",
        " ada@example.org",
        "ada@example.org\n",
    ] {
        for error in [
            client.find_user_by_email(email).await.unwrap_err(),
            client
                .find_user_by_email_as::<Customer>(email)
                .await
                .unwrap_err(),
        ] {
            assert!(
                matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "email"),
                "{email:?}: {error:?}"
            );
            assert_eq!(error.invalid_value(), Some(email), "{email:?}");
        }
    }
    for user_id in ["", " ", "\t\n", ".", ".."] {
        for error in [
            client.find_user_by_user_id(user_id).await.unwrap_err(),
            client
                .find_user_by_user_id_as::<Customer>(user_id)
                .await
                .unwrap_err(),
        ] {
            assert!(
                matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "user_id"),
                "{user_id:?}: {error:?}"
            );
            assert_eq!(error.invalid_value(), Some(user_id), "{user_id:?}");
        }
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_500_on_a_lookup_is_retried() {
    let server = MockServer::start().await;
    let client = client(&server);
    client.create_user(&ada()).await.unwrap();

    server.fail_next_on(Route::GetUser, 1, 500);
    assert_eq!(client.get_user(1000).await.unwrap().id, 1000);
    assert_eq!(server.request_count(), 1 + 2);

    server.fail_next_on(Route::FindUserByEmail, 2, 500);
    let found = client.find_user_by_email("ada@example.org").await.unwrap();
    assert_eq!(found.map(|u| u.id), Some(1000));
    assert_eq!(server.request_count(), 3 + 3);

    server.fail_next_on(Route::FindUserByUserId, 3, 502);
    let found = client.find_user_by_user_id("customer-1").await.unwrap();
    assert_eq!(found.map(|u| u.id), Some(1000));
    assert_eq!(server.request_count(), 6 + 4);

    // A 500 before the 404 of nobody found: still nobody found.
    server.fail_next_on(Route::FindUserByEmail, 1, 504);
    assert_eq!(
        client.find_user_by_email("x@example.org").await.unwrap(),
        None
    );
    assert_eq!(server.request_count(), 10 + 2);

    // Beyond the retry budget the error is returned: 1 attempt + 3 retries.
    server.fail_next_on(Route::FindUserByEmail, 10, 500);
    let error = client
        .find_user_by_email("ada@example.org")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(server.request_count(), 12 + 4);
    assert_eq!(server.pending_faults(), 6);
}

#[tokio::test]
async fn only_a_404_is_nobody_found() {
    let server = MockServer::start().await;
    let client = client(&server);
    for (status, route) in [
        (400, Route::FindUserByEmail),
        (401, Route::FindUserByEmail),
        (403, Route::FindUserByUserId),
        (410, Route::FindUserByUserId),
    ] {
        server.fail_next_on(route, 1, status);
        let error = match route {
            Route::FindUserByEmail => client.find_user_by_email("ada@example.org").await,
            _ => client.find_user_by_user_id("customer-1").await,
        }
        .unwrap_err();
        assert_eq!(error.status(), Some(status));
    }
    assert_eq!(server.request_count(), 4, "none of them retried");
}

#[tokio::test]
async fn the_published_sample_answer_is_read() {
    let server = MockServer::start().await;
    server.fault_on(
        Route::FindUserByEmail,
        Fault::status(200).with_body(PUBLISHED_SAMPLE),
    );
    let user = client(&server)
        .find_user_by_email("example@email.com")
        .await
        .unwrap()
        .expect("found");
    assert_eq!(user.id, 19678376);
    assert_eq!(user.key, "g3FaYocCy0U6");
    assert_eq!(user.name.as_deref(), Some("Jane Doe"));
    assert_eq!(user.email.as_deref(), Some("example@email.com"));
    assert_eq!(
        user.created_at.to_rfc3339(),
        "2017-06-07T09:41:13.466897+00:00"
    );
    assert_eq!(user.tags.len(), 1);
    assert_eq!((user.tags[0].id, user.tags[0].name.as_str()), (1441, "tag"));
    assert!(
        user.companies.is_empty(),
        "the sample has no `companies` key"
    );
    let attributes: Vec<(&str, &serde_json::Value)> = user
        .attributes
        .iter()
        .map(|a| (a.name_std.as_str(), &a.value))
        .collect();
    assert_eq!(
        attributes,
        [
            ("example_attr", &serde_json::json!(true)),
            ("my_string_attr", &serde_json::json!("attribute value")),
        ]
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn the_as_forms_read_into_the_callers_type() {
    let server = MockServer::start().await;
    let client = client(&server);
    client
        .create_user(&ada().attribute("plan", "pro"))
        .await
        .unwrap();
    client.create_user(&grace()).await.unwrap();
    let ada = Customer {
        usercom_id: 1000,
        email: "ada@example.org".into(),
        city: Some("London".into()),
        plan: Some("pro".into()),
        local_note: String::new(),
    };
    let grace = Customer {
        usercom_id: 1001,
        email: "grace@example.org".into(),
        city: None,
        plan: None,
        local_note: String::new(),
    };

    assert_eq!(client.get_user_as::<Customer>(1000).await.unwrap(), ada);
    assert_eq!(
        client
            .find_user_by_email_as::<Customer>("grace@example.org")
            .await
            .unwrap(),
        Some(grace.clone())
    );
    assert_eq!(
        client
            .find_user_by_user_id_as::<Customer>("customer-1")
            .await
            .unwrap(),
        Some(ada.clone())
    );
    assert_eq!(
        client
            .find_user_by_email_as::<Customer>("nobody@example.org")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        client
            .find_user_by_user_id_as::<Customer>("nobody")
            .await
            .unwrap(),
        None
    );
    let error = client.get_user_as::<Customer>(4242).await.unwrap_err();
    assert_eq!(error.status(), Some(404));

    // Read into an existing value: its own fields stay.
    let mut mine = Customer {
        local_note: "met at a conference".into(),
        ..grace
    };
    let user = client.get_user(1000).await.unwrap();
    mine.update_from_user(&user).unwrap();
    assert_eq!(
        mine,
        Customer {
            local_note: "met at a conference".into(),
            ..ada
        }
    );
}

#[tokio::test]
async fn a_user_that_does_not_fit_the_type_is_a_read_error() {
    let server = MockServer::start().await;
    let client = client(&server);
    client
        .create_user(&CreateUser::new().user_id("no-email").attribute("plan", 3))
        .await
        .unwrap();
    client
        .create_user(
            &CreateUser::new()
                .email("wrong-plan@example.org")
                .attribute("plan", 3),
        )
        .await
        .unwrap();
    let error = client
        .find_user_by_user_id_as::<Customer>("no-email")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Read { attribute, field: "email", .. } if attribute == "email"),
        "{error:?}"
    );
    let error = client
        .find_user_by_email_as::<Customer>("wrong-plan@example.org")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Read { attribute, field: "plan", .. } if attribute == "plan"),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn api_v2_finds_by_custom_id() {
    let server = MockServer::start().await;
    let client = common::builder_for(&server)
        .api_version(ApiVersion::V2)
        .build()
        .unwrap();
    client.create_user(&ada()).await.unwrap();
    assert_eq!(server.users()[0].attributes["user_id"], "customer-1");
    let user = client.find_user_by_user_id("customer-1").await.unwrap();
    assert_eq!(user.map(|u| u.id), Some(1000));
    let user = client.find_user_by_email("ada@example.org").await.unwrap();
    assert_eq!(user.map(|u| u.id), Some(1000));
    let accept = server.requests()[1].header("accept").map(str::to_owned);
    assert_eq!(accept.as_deref(), Some("*/*; version=2"));
}
