//! The client against a real HTTP server on loopback (wiremock).

mod common;

use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::json;
use usercom::{Client, CreateUser, Error, Gender, IntoUserComUser, Status, User};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "Zx9YwVu8TsRq7PoNm6LkJi5HgFe4DcBa3zyXWvU2tSrQpOnM1lKjIhGf0EdCbA12";
const SEED: &str = include_str!("fixtures/seed_create_user_response.json");
const FIND_BY_EMAIL: &str = include_str!("fixtures/find_by_email_response.json");

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(&format!("{}/api/public", server.uri()))
        .api_key(KEY)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn created(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn all_standard_attributes() -> CreateUser<'static> {
    CreateUser::new()
        .assigned_to(3)
        .city("Berlin")
        .company_id("acme-1")
        .country("DE")
        .email("myemail@example.org")
        .facebook_url("https://facebook.com/john")
        .first_name("John")
        .gender(Gender::Male)
        .google_url("https://google.com/+john")
        .gravatar_url("https://gravatar.com/avatar/john")
        .last_name("Doe")
        .linkedin_url("https://linkedin.com/in/john")
        .notifications(true)
        .phone_number("+49 30 000000")
        .region("Berlin")
        .score(10)
        .status(Status::User)
        .timezone("Europe/Berlin")
        .twitter_url("https://twitter.com/john")
        .unsubscribed(false)
        .user_id("app-user-1")
}

#[tokio::test]
async fn sends_the_exact_request_for_all_21_standard_attributes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/public/users/"))
        .and(header("authorization", format!("Token {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "assigned_to": 3, "city": "Berlin", "company_id": "acme-1", "country": "DE",
            "email": "myemail@example.org", "facebook_url": "https://facebook.com/john",
            "first_name": "John", "gender": 2, "google_url": "https://google.com/+john",
            "gravatar_url": "https://gravatar.com/avatar/john", "last_name": "Doe",
            "linkedin_url": "https://linkedin.com/in/john", "notifications": true,
            "phone_number": "+49 30 000000", "region": "Berlin", "score": 10, "status": 2,
            "timezone": "Europe/Berlin", "twitter_url": "https://twitter.com/john",
            "unsubscribed": false, "user_id": "app-user-1"
        })))
        .respond_with(created(SEED))
        .expect(1)
        .mount(&server)
        .await;

    let user = client(&server)
        .create_user(&all_standard_attributes())
        .await
        .unwrap();
    assert_eq!(user.id, 20901703);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body.as_object().unwrap().len(), 21);
}

#[test]
fn the_seed_sample_decodes_with_every_field() {
    let user: User = serde_json::from_str(SEED).unwrap();
    assert_eq!(user.id, 20901703);
    assert_eq!(user.key, "xSoYQG00fg9z");
    assert_eq!(user.name.as_deref(), Some("John Doe"));
    assert_eq!(user.email.as_deref(), Some("myemail@example.org"));
    assert_eq!(user.status, Status::Visitor);
    assert_eq!(user.gender, Gender::Unknown);
    assert_eq!(user.score, 0);
    assert!(user.notifications);
    assert!(!user.unsubscribed);
    assert_eq!(user.page_views, 0);
    assert_eq!(
        user.created_at,
        Utc.with_ymd_and_hms(2017, 6, 13, 12, 22, 38).unwrap()
            + chrono::Duration::microseconds(748373)
    );
    assert_eq!(
        user.updated_at,
        Utc.with_ymd_and_hms(2017, 6, 13, 12, 22, 38).unwrap()
            + chrono::Duration::microseconds(748397)
    );
    assert_eq!(user.first_seen, None);
    assert_eq!(user.last_seen, None);
    assert_eq!(user.last_contacted, None);
    assert_eq!(user.companies.len(), 1);
    assert_eq!(user.companies[0].id, 14);
    assert_eq!(user.companies[0].name, "Company name");
    assert_eq!(
        user.companies[0].member_since,
        Some(
            Utc.with_ymd_and_hms(2018, 6, 14, 8, 49, 56).unwrap()
                + chrono::Duration::microseconds(515083)
        )
    );
    assert!(user.tags.is_empty() && user.lists.is_empty() && user.attributes.is_empty());
    for nullable in [
        &user.city,
        &user.region,
        &user.country,
        &user.timezone,
        &user.phone_number,
        &user.facebook_url,
        &user.google_url,
        &user.gravatar_url,
        &user.linkedin_url,
        &user.twitter_url,
        &user.os_type,
        &user.browser,
        &user.browser_language,
        &user.resolution,
        &user.last_ip,
    ] {
        assert_eq!(nullable, &None);
    }
    assert_eq!(
        user.chat_id.as_deref(),
        Some("Chat ID is deprecated and will be removed in future")
    );
    // Serializing writes the response shape back.
    let again: User = serde_json::from_value(serde_json::to_value(&user).unwrap()).unwrap();
    assert_eq!(again, user);
    assert_eq!(serde_json::to_value(&user).unwrap()["status"], "visitor");
}

#[test]
fn the_find_by_email_sample_decodes_without_companies() {
    let user: User = serde_json::from_str(FIND_BY_EMAIL).unwrap();
    assert!(user.companies.is_empty());
    assert_eq!(user.status, Status::User);
    assert_eq!(user.gender, Gender::Female);
    assert_eq!((user.score, user.page_views), (12, 31));
    assert!(!user.notifications && user.unsubscribed);
    assert_eq!(user.city.as_deref(), Some("Warsaw"));
    assert_eq!(user.last_ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(user.tags[0].name, "vip");
    assert_eq!(user.lists[0].description.as_deref(), Some("Weekly"));
    assert_eq!(user.lists[1].description, None);
    assert_eq!(user.attribute("plan"), Some(&json!("pro")));
    assert_eq!(user.attribute("seats"), Some(&json!(12)));
    assert_eq!(user.attribute("trial"), Some(&json!(false)));
    assert_eq!(user.attribute("modules"), Some(&json!(["crm", "chat"])));
    assert_eq!(user.attribute("meta"), Some(&json!({"source": "ads"})));
    assert_eq!(user.attribute("ratio"), Some(&json!(0.25)));
}

#[test]
fn unknown_gender_and_status_are_kept_not_failed_or_changed() {
    let mut sample: serde_json::Value = serde_json::from_str(SEED).unwrap();
    sample["gender"] = json!("nonbinary");
    sample["status"] = json!("lead");
    let user: User = serde_json::from_value(sample).unwrap();
    assert_eq!(user.gender, Gender::Unrecognized);
    assert_eq!(user.gender_text(), "nonbinary");
    assert_eq!(user.status, Status::Unrecognized);
    assert_eq!(user.status_text(), "lead");
    let back = serde_json::to_value(&user).unwrap();
    assert_eq!(
        (&back["gender"], &back["status"]),
        (&json!("nonbinary"), &json!("lead"))
    );
}

/// A server that fails the test if it receives any request.
async fn server_expecting_nothing() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(created(SEED))
        .expect(0)
        .mount(&server)
        .await;
    server
}

async fn assert_refused_without_sending(payload: CreateUser<'_>, attribute: &str) {
    let server = server_expecting_nothing().await;
    let err = client(&server).create_user(&payload).await.unwrap_err();
    match &err {
        Error::InvalidInput { attribute: a, .. } => assert_eq!(a, attribute),
        other => panic!("expected invalid input for {attribute}, got {other:?}"),
    }
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let long = "a".repeat(41);
    assert_refused_without_sending(CreateUser::new().first_name(long.as_str()), "first_name").await;
    assert_refused_without_sending(CreateUser::new().last_name(long.as_str()), "last_name").await;
    assert_refused_without_sending(CreateUser::new().email("no-at-sign"), "email").await;
    assert_refused_without_sending(
        CreateUser::new().facebook_url("facebook.com/x"),
        "facebook_url",
    )
    .await;
    assert_refused_without_sending(CreateUser::new().attribute("", 1), "").await;
    let long_name = "n".repeat(256);
    assert_refused_without_sending(
        CreateUser::new().attribute(long_name.as_str(), 1),
        &long_name,
    )
    .await;
}

#[derive(IntoUserComUser)]
struct Points {
    #[usercom(score)]
    score: u64,
}

#[tokio::test]
async fn a_score_outside_i64_is_refused_before_sending() {
    let server = server_expecting_nothing().await;
    let err = client(&server)
        .create_user(&Points { score: u64::MAX })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
}

async fn api_error(status: u16, body: &str) -> Error {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/public/users/"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_raw(body.as_bytes().to_vec(), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    create_error(&client(&server)).await
}

#[tokio::test]
async fn error_statuses_keep_the_status_and_the_server_message() {
    let err = api_error(400, r#"{"email": ["Enter a valid email address."]}"#).await;
    assert_eq!(err.status(), Some(400));
    assert!(
        err.to_string()
            .contains("email: Enter a valid email address."),
        "{err}"
    );
    assert_eq!(
        err.body(),
        Some(r#"{"email": ["Enter a valid email address."]}"#)
    );

    let err = api_error(401, r#"{"detail": "Invalid token."}"#).await;
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("Invalid token."), "{err}");
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));

    let err = api_error(404, r#"{"detail": "Not found."}"#).await;
    assert_eq!(err.status(), Some(404));
    assert!(err.to_string().contains("Not found."), "{err}");

    let err = api_error(500, "<html><body>Server Error</body></html>").await;
    assert_eq!(err.status(), Some(500));
    assert!(matches!(err, Error::Api { .. }));
    assert!(err.to_string().contains("Server Error"), "{err}");
}

#[tokio::test]
async fn a_success_with_a_body_that_is_not_a_user_is_a_decode_error() {
    for (body, path_fragment) in [
        ("<html>oops</html>", "."),
        (r#"{"id": 1, "key": "k"#, "key"),
        (r#"{"id": "one", "key": "k"}"#, "id"),
        ("", "."),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(created(body))
            .mount(&server)
            .await;
        let err = create_error(&client(&server)).await;
        match &err {
            Error::Decode { path, status, .. } => {
                assert_eq!(path, path_fragment, "{body}");
                assert_eq!(*status, 201);
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_server_that_closes_the_connection_is_a_transport_error() {
    let server = usercom_mock::MockServer::start().await;
    server.push_fault(usercom_mock::Fault::DropBeforeProcessing);
    let client = common::client_for(&server);
    let err = create_error(&client).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(server.request_count(), 1, "sent once, not retried");
}

/// The error of creating a valid user with `client` (the test arranged for one).
async fn create_error(client: &Client) -> Error {
    client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await
        .expect_err("the request was arranged to fail")
}

/// A loopback address with nothing listening on it (yet).
fn free_loopback_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn a_refused_connection_is_retried_until_the_server_is_up() {
    let addr = free_loopback_addr();
    let client = Client::builder()
        .base_url(&format!("http://{addr}/api/public/"))
        .api_key(usercom_mock::MockServer::API_KEY)
        .retry_policy(
            usercom::RetryPolicy::default()
                .max_retries(10)
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_millis(200)),
        )
        .build()
        .unwrap();
    // The server comes up while the client is backing off.
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        usercom_mock::MockServer::try_start_on(addr, usercom_mock::MockServer::API_KEY)
            .await
            .unwrap()
    });
    let user = client
        .create_user(&CreateUser::new().email("late@example.org"))
        .await
        .unwrap();
    let server = server.await.unwrap();
    assert_eq!(user.email.as_deref(), Some("late@example.org"));
    assert_eq!(server.user_count(), 1);
}

#[tokio::test]
async fn a_refused_connection_without_retries_is_safe_to_retry() {
    let addr = free_loopback_addr();
    let client = Client::builder()
        .base_url(&format!("http://{addr}"))
        .api_key(KEY)
        .max_retries(0)
        .build()
        .unwrap();
    let err = create_error(&client).await;
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.safe_to_retry() && !err.outcome_unknown());
    assert!(err.to_string().contains("nothing was sent"), "{err}");
}

#[test]
fn client_and_error_are_thread_safe_and_static() {
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    fn assert_client<T: Clone + std::fmt::Debug + Send + Sync + 'static>() {}
    assert_error::<Error>();
    assert_client::<Client>();
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(created(SEED).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(&server.uri())
        .api_key(KEY)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = create_error(&client).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(created(&" ".repeat(10_000)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(&server.uri())
        .api_key(KEY)
        .max_response_bytes(1_000)
        .build()
        .unwrap();
    let err = create_error(&client).await;
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1_000, .. }),
        "{err:?}"
    );
}
