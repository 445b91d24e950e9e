//! The embedded server follows the documented API, checked with raw HTTP requests.

use std::time::Duration;

use serde_json::{json, Value};
use usercom_mock::{Fault, MockServer};

struct Raw {
    http: reqwest::Client,
    base: String,
    key: String,
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

    /// A POST of `{}` to `path` with the right token, to send and inspect by hand.
    fn authorized_post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("Token {}", self.key))
            .body("{}")
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value, Option<String>) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .body(body.to_string()),
            true,
        )
        .await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        auth: bool,
    ) -> (u16, Value, Option<String>) {
        let request = request.header("Content-Type", "application/json");
        let request = if auth {
            request.header("Authorization", format!("Token {}", self.key))
        } else {
            request
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
            retry_after,
        )
    }
}

#[tokio::test]
async fn token_auth_is_required() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let (status, body, _) = raw
        .send(
            raw.http.post(format!("{}users/", raw.base)).body("{}"),
            false,
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"detail": "Authentication credentials were not provided."})
    );
    let (status, body, _) = raw
        .send(
            raw.http
                .post(format!("{}users/", raw.base))
                .header("Authorization", format!("Token {}", "x".repeat(64)))
                .body("{}"),
            false,
        )
        .await;
    assert_eq!((status, body), (401, json!({"detail": "Invalid token."})));
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn paths_need_their_trailing_slash() {
    let server = MockServer::start().await;
    let (status, _, _) = Raw::new(&server)
        .post("users", json!({"email": "a@b"}))
        .await;
    assert_eq!(status, 401);
    assert_eq!(server.user_count(), 0);
}

#[tokio::test]
async fn create_validates_and_answers_in_the_seed_shape() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let (status, body, _) = raw
        .post("users/", json!({"first_name": "x".repeat(41), "status": 3}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"first_name": ["Ensure this field has no more than 40 characters."],
               "status": ["\"3\" is not a valid choice."]})
    );

    let (status, first, _) = raw
        .post(
            "users/",
            json!({"email": "a@example.org", "first_name": "John", "last_name": "Doe"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(first["name"], "John Doe");
    assert_eq!(first["email"], "a@example.org");
    assert_eq!(first["key"].as_str().unwrap().len(), 12);
    let (_, second, _) = raw.post("users/", json!({"email": "b@example.org"})).await;
    assert_eq!(
        second["id"].as_u64().unwrap(),
        first["id"].as_u64().unwrap() + 1
    );
    assert_eq!(server.user_count(), 2);
}

#[tokio::test]
async fn custom_attributes_get_and_update_or_create() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let (_, user, _) = raw.post("users/", json!({"email": "a@example.org"})).await;
    let id = user["id"].as_u64().unwrap();
    let (status, user, _) = raw
        .post(
            &format!("users/{id}/set_multiple_attributes/"),
            json!({"plan": "pro", "tags": ["a"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(user["attributes"][0]["name_std"], "plan");
    assert_eq!(user["attributes"][1]["value"], json!(["a"]));
    let (status, _, _) = raw
        .post(
            "users/999999/set_multiple_attributes/",
            json!({"plan": "x"}),
        )
        .await;
    assert_eq!(status, 404);

    let (status, got, _) = raw
        .send(raw.http.get(format!("{}users/{id}/", raw.base)), true)
        .await;
    assert_eq!(status, 200);
    assert_eq!(got["id"], id);

    let (status, answer, _) = raw
        .post("users/update_or_create/", json!({"user_id": "u1"}))
        .await;
    assert_eq!((status, answer["created"].clone()), (201, json!(true)));
    let (status, again, _) = raw
        .post(
            "users/update_or_create/",
            json!({"user_id": "u1", "city": "Oslo"}),
        )
        .await;
    assert_eq!((status, again["created"].clone()), (200, json!(false)));
    assert_eq!(again["id"], answer["id"]);
    assert_eq!(server.user_count(), 2);
}

#[tokio::test]
async fn status_faults_are_not_processed_unless_asked() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    server.fail_next_with_retry_after(1, 429, "3");
    server.fail_next(1, 503);
    server.push_fault(Fault::status(504).after_processing());
    let (status, _, retry_after) = raw.post("users/", json!({"email": "a@b"})).await;
    assert_eq!((status, retry_after.as_deref()), (429, Some("3")));
    let (status, _, _) = raw.post("users/", json!({"email": "a@b"})).await;
    assert_eq!(status, 503);
    assert_eq!(server.user_count(), 0);
    let (status, _, _) = raw.post("users/", json!({"email": "a@b"})).await;
    assert_eq!(status, 504);
    assert_eq!(server.user_count(), 1, "processed before the 504");
    let (status, _, _) = raw.post("users/", json!({"email": "a@b"})).await;
    assert_eq!(status, 201, "faults are used up");
}

#[tokio::test]
async fn body_faults_and_dropped_connections() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    for (fault, check) in [
        (Fault::HtmlBody, "<html>"),
        (Fault::EmptyBody, ""),
        (Fault::WrongTypes, "not-a-number"),
    ] {
        server.push_fault(fault);
        let (status, body, _) = raw.post("users/", json!({"email": "a@b"})).await;
        assert_eq!(status, 201);
        assert!(body.to_string().contains(check), "{body}");
    }
    server.push_fault(Fault::TruncatedJson);
    let text = raw
        .authorized_post("users/")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    server.push_fault(Fault::DropBeforeProcessing);
    let before = server.user_count();
    let result = raw.authorized_post("users/").send().await;
    assert!(result.is_err());
    assert_eq!(server.user_count(), before);

    server.push_fault(Fault::ResetMidBody);
    let response = raw.authorized_post("users/").send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.bytes().await.is_err());
    assert_eq!(
        server.user_count(),
        before + 1,
        "processed before the reset"
    );
}

#[tokio::test]
async fn latency_delays_answers() {
    let server = MockServer::start().await;
    server.set_latency(Duration::from_millis(300));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client
        .post(format!("{}users/", server.base_url()))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
}
