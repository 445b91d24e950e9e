//! The look-ups the embedded server serves: `GET users/search/?email=` and
//! `GET users-by-id/<user_id>/`, checked with raw HTTP requests.

use std::time::Duration;

use serde_json::{json, Value};
use usercom_mock::{Fault, MockServer, Route};

struct Raw {
    http: reqwest::Client,
    base: String,
    key: String,
}

/// An answer as received: status, `Content-Type`, `Allow`, body text.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    allow: Option<String>,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap()
    }
}

impl Raw {
    fn new(server: &MockServer) -> Raw {
        Raw {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap(),
            base: server.base_url(),
            key: server.api_key().to_owned(),
        }
    }

    /// An authorized `method` request to `path_and_query` (appended to the base URL as is).
    async fn send(&self, method: reqwest::Method, path_and_query: &str, body: &str) -> Answer {
        let response = self
            .http
            .request(method, format!("{}{path_and_query}", self.base))
            .header("Authorization", format!("Token {}", self.key))
            .header("Content-Type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let (content_type, allow) = (header("content-type"), header("allow"));
        Answer {
            status: response.status().as_u16(),
            content_type,
            allow,
            text: response.text().await.unwrap(),
        }
    }

    async fn get(&self, path_and_query: &str) -> Answer {
        self.send(reqwest::Method::GET, path_and_query, "").await
    }

    /// Creates a user with `body` (v1 names unless `v2`); its id.
    async fn create(&self, body: Value, v2: bool) -> u64 {
        let mut request = self
            .http
            .post(format!("{}users/", self.base))
            .header("Authorization", format!("Token {}", self.key))
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if v2 {
            request = request.header("Accept", "*/*; version=2");
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["id"]
            .as_u64()
            .unwrap()
    }
}

fn not_found() -> Answer {
    Answer {
        status: 404,
        content_type: Some("application/json".into()),
        allow: None,
        text: r#"{"detail":"Not found."}"#.into(),
    }
}

#[tokio::test]
async fn search_by_email_answers_the_user_as_get_user_does() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let ada = raw
        .create(
            json!({"email": "ada@example.org", "first_name": "Ada"}),
            false,
        )
        .await;
    let odd = raw
        .create(
            json!({"email": "a+b&c@example.org", "city": "Paris"}),
            false,
        )
        .await;
    assert_eq!((ada, odd), (1000, 1001));

    let found = raw.get("users/search/?email=ada%40example.org").await;
    assert_eq!(found.status, 200);
    assert_eq!(found.content_type.as_deref(), Some("application/json"));
    assert_eq!(found.text, raw.get("users/1000/").await.text);
    assert_eq!(found.json()["id"], 1000);
    assert_eq!(found.json()["email"], "ada@example.org");
    assert_eq!(found.json()["name"], "Ada");

    // `+` and `&` percent-encoded: found intact.
    let found = raw.get("users/search/?email=a%2Bb%26c%40example.org").await;
    assert_eq!(found.status, 200);
    assert_eq!(found.text, raw.get("users/1001/").await.text);
    assert_eq!(found.json()["email"], "a+b&c@example.org");
    assert_eq!(found.json()["city"], "Paris");

    // Sent raw, `+` is a space and `&` ends the parameter: nobody has those emails.
    assert_eq!(
        raw.get("users/search/?email=a+b&c@example.org").await,
        not_found()
    );
    // Other parameters are ignored; the last `email` counts.
    let found = raw
        .get("users/search/?many=false&email=x%40y.org&email=ada%40example.org")
        .await;
    assert_eq!(found.json()["id"], 1000);
    // An `@` left unencoded is fine in a query.
    assert_eq!(
        raw.get("users/search/?email=ada@example.org").await.json()["id"],
        1000
    );
}

#[tokio::test]
async fn search_by_email_is_an_exact_match_and_404_when_none() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    raw.create(json!({"email": "ada@example.org"}), false).await;
    for query in [
        "email=nobody%40example.org",
        "email=ADA%40example.org",
        "email=ada%40example.or",
        "email=",
        "email",
    ] {
        assert_eq!(
            raw.get(&format!("users/search/?{query}")).await,
            not_found(),
            "{query}"
        );
    }
    assert_eq!(server.request_count(), 6);
}

#[tokio::test]
async fn search_by_email_answers_the_first_user_created_with_it() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    raw.create(json!({"email": "twin@example.org", "city": "A"}), false)
        .await;
    raw.create(json!({"email": "twin@example.org", "city": "B"}), false)
        .await;
    let found = raw
        .get("users/search/?email=twin%40example.org")
        .await
        .json();
    assert_eq!(
        (found["id"].clone(), found["city"].clone()),
        (json!(1000), json!("A"))
    );
}

#[tokio::test]
async fn search_without_an_email_is_400_and_other_methods_405() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    for path in ["users/search/", "users/search/?key=g3FaYocCy0U6"] {
        assert_eq!(
            raw.get(path).await,
            Answer {
                status: 400,
                content_type: Some("application/json".into()),
                allow: None,
                text: r#"{"email":["This field is required."]}"#.into(),
            },
            "{path}"
        );
    }
    let post = raw
        .send(reqwest::Method::POST, "users/search/?email=a%40b.c", "{}")
        .await;
    assert_eq!(
        post,
        Answer {
            status: 405,
            content_type: Some("application/json".into()),
            allow: Some("GET".into()),
            text: r#"{"detail":"Method \"POST\" not allowed."}"#.into(),
        }
    );
    // Without the trailing slash, as every path: 401.
    assert_eq!(raw.get("users/search?email=a%40b.c").await.status, 401);
}

#[tokio::test]
async fn users_by_id_matches_the_user_id_decoded_from_one_segment() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    raw.create(
        json!({"email": "plain@example.org", "user_id": "u-1"}),
        false,
    )
    .await;
    raw.create(
        json!({"email": "odd@example.org", "user_id": "a/b c+d%"}),
        false,
    )
    .await;
    // v2 sends it as `custom_id`; it is the same attribute.
    raw.create(
        json!({"email": "v2@example.org", "custom_id": "v2-id"}),
        true,
    )
    .await;

    let found = raw.get("users-by-id/u-1/").await;
    assert_eq!(found.status, 200);
    assert_eq!(found.content_type.as_deref(), Some("application/json"));
    assert_eq!(found.text, raw.get("users/1000/").await.text);
    assert_eq!(found.json()["email"], "plain@example.org");

    let found = raw.get("users-by-id/a%2Fb%20c%2Bd%25/").await;
    assert_eq!(found.status, 200);
    assert_eq!(found.text, raw.get("users/1001/").await.text);
    // In a path, `+` is a plus.
    let found = raw.get("users-by-id/a%2Fb%20c+d%25/").await;
    assert_eq!(found.json()["id"], 1001);

    assert_eq!(raw.get("users-by-id/v2-id/").await.json()["id"], 1002);

    for path in [
        "users-by-id/u-2/",
        "users-by-id/U-1/",
        "users-by-id/%20u-1/",
        "users-by-id/1000/",
        "users-by-id/%20/",
        "users-by-id//",
        "users-by-id/",
        // Unencoded, the `/` makes it another path.
        "users-by-id/a/b%20c+d%25/",
    ] {
        assert_eq!(raw.get(path).await, not_found(), "{path}");
    }
    let post = raw
        .send(reqwest::Method::POST, "users-by-id/u-1/", "{}")
        .await;
    assert_eq!(
        (post.status, post.allow.as_deref()),
        (405, Some("GET, PUT, DELETE"))
    );
}

#[tokio::test]
async fn faults_can_be_aimed_at_the_lookups() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    raw.create(json!({"email": "ada@example.org", "user_id": "u-1"}), false)
        .await;
    server.fault_on(Route::FindUserByEmail, Fault::status(500));
    server.fault_on(Route::FindUserByUserId, Fault::status(503));
    assert_eq!(raw.get("users/1000/").await.status, 200, "passed by");
    assert_eq!(server.pending_faults(), 2);
    assert_eq!(raw.get("users-by-id/u-1/").await.status, 503);
    assert_eq!(raw.get("users/search/?email=x").await.status, 500);
    assert_eq!(server.pending_faults(), 0);
    assert_eq!(
        raw.get("users/search/?email=ada%40example.org")
            .await
            .json()["id"],
        1000
    );
    let routes: Vec<Option<Route>> = server.requests().iter().map(|r| r.route()).collect();
    assert_eq!(
        routes,
        [
            Some(Route::CreateUser),
            Some(Route::GetUser),
            Some(Route::FindUserByUserId),
            Some(Route::FindUserByEmail),
            Some(Route::FindUserByEmail),
        ]
    );
    assert_eq!(
        server.requests()[4].query.as_deref(),
        Some("email=ada%40example.org")
    );
}
