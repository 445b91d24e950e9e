//! The embedded server follows the documented API, checked with raw HTTP requests.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use usercom_mock::{Fault, MockServer, Route};

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

    /// An authorized request with `method` to `path`, with `body` as JSON.
    fn request(&self, method: &str, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", self.base),
            )
            .header("Authorization", format!("Token {}", self.key))
            .header("Content-Type", "application/json")
            .body(body.to_string())
    }

    /// Sends `request` and reads the whole answer as it is.
    async fn exchange(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.unwrap();
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

/// An answer as received.
#[derive(Debug, PartialEq)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    allow: Option<String>,
    text: String,
}

impl Answer {
    fn json(status: u16, text: String) -> Answer {
        Answer {
            status,
            content_type: Some("application/json".into()),
            allow: None,
            text,
        }
    }
}

/// The answer the server gives `user` (with no custom attributes) when it has no fault.
fn user_json(user: &usercom_mock::StoredUser) -> String {
    user.to_response(&BTreeMap::new()).to_string()
}

/// What [`Fault::WrongTypes`] documents it makes of an answer.
fn wrong_types(text: &str) -> String {
    let value: Value = serde_json::from_str(text).unwrap();
    let wrong = |value: &Value| match value {
        Value::String(_) => json!(12),
        Value::Number(_) => json!("not-a-number"),
        Value::Bool(_) => json!("yes"),
        Value::Null => json!(false),
        Value::Array(_) => json!({}),
        Value::Object(_) => json!([]),
    };
    let object = value.as_object().unwrap();
    Value::Object(object.iter().map(|(k, v)| (k.clone(), wrong(v))).collect()).to_string()
}

/// The first half of `text`, as [`Fault::TruncatedJson`] sends it.
fn first_half(text: &str) -> &str {
    &text[..text.len() / 2]
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
    let create = || raw.request("POST", "users/", &json!({"email": "a@b"}));

    server.push_fault(Fault::HtmlBody);
    let answer = raw.exchange(create()).await;
    assert_eq!(
        answer,
        Answer {
            status: 201,
            content_type: Some("text/html; charset=utf-8".into()),
            allow: None,
            text: Fault::HTML_PAGE.into(),
        }
    );
    assert_eq!(server.user_count(), 1, "processed");

    server.push_fault(Fault::EmptyBody);
    let answer = raw.exchange(create()).await;
    assert_eq!(answer, Answer::json(201, String::new()));
    assert_eq!(server.user_count(), 2);

    server.push_fault(Fault::WrongTypes);
    let answer = raw.exchange(create()).await;
    let user = user_json(&server.users()[2]);
    assert_eq!(answer, Answer::json(201, wrong_types(&user)));
    let wrong: Value = serde_json::from_str(&answer.text).unwrap();
    assert_eq!(
        (
            &wrong["id"],
            &wrong["key"],
            &wrong["created_at"],
            &wrong["attributes"]
        ),
        (&json!("not-a-number"), &json!(12), &json!(12), &json!({}))
    );

    server.push_fault(Fault::TruncatedJson);
    let answer = raw.exchange(create()).await;
    let user = user_json(&server.users()[3]);
    assert_eq!(answer, Answer::json(201, first_half(&user).to_owned()));
    assert_eq!(server.user_count(), 4);

    server.push_fault(Fault::DropBeforeProcessing);
    let err = create().send().await.unwrap_err();
    assert!(err.is_request() && !err.is_timeout(), "{err:?}");
    assert_eq!(server.user_count(), 4, "not processed");

    server.push_fault(Fault::DropAfterProcessing);
    let err = create().send().await.unwrap_err();
    assert!(err.is_request() && !err.is_timeout(), "{err:?}");
    assert_eq!(
        server.user_count(),
        5,
        "processed before the connection was closed"
    );

    server.push_fault(Fault::ResetMidBody);
    let response = create().send().await.unwrap();
    assert_eq!(response.status(), 201);
    let length = user_json(&server.users()[5]).len() as u64;
    assert_eq!(response.content_length(), Some(length), "the full length");
    // reqwest reports a body cut short as a decode error caused by hyper's incomplete body.
    let err = response.bytes().await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(server.user_count(), 6, "processed before the reset");
    assert_eq!((server.pending_faults(), server.request_count()), (0, 7));
}

/// Against the old server a body fault turned any processed answer into a 201.
#[tokio::test]
async fn body_faults_keep_the_status_the_request_earned() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let invalid = || raw.request("POST", "users/", &json!({"first_name": "x".repeat(41)}));
    let refused =
        json!({"first_name": ["Ensure this field has no more than 40 characters."]}).to_string();

    server.push_fault(Fault::HtmlBody);
    assert_eq!(
        raw.exchange(invalid()).await,
        Answer {
            status: 400,
            content_type: Some("text/html; charset=utf-8".into()),
            allow: None,
            text: Fault::HTML_PAGE.into(),
        }
    );
    server.push_fault(Fault::TruncatedJson);
    assert_eq!(
        raw.exchange(invalid()).await,
        Answer::json(400, first_half(&refused).to_owned())
    );
    server.push_fault(Fault::WrongTypes);
    assert_eq!(
        raw.exchange(invalid()).await,
        Answer::json(400, json!({"first_name": {}}).to_string())
    );
    server.push_fault(Fault::EmptyBody);
    assert_eq!(
        raw.exchange(invalid()).await,
        Answer::json(400, String::new())
    );
    server.push_fault(Fault::ResetMidBody);
    let response = invalid().send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.bytes().await.unwrap_err().is_decode());
    server.push_fault(Fault::Delay(Duration::from_millis(10)));
    assert_eq!(raw.exchange(invalid()).await, Answer::json(400, refused));
    assert_eq!(server.user_count(), 0, "validation failed every time");

    // A 404 stays a 404, a 401 a 401, a 405 a 405 (with its Allow header).
    server.push_fault(Fault::WrongTypes);
    assert_eq!(
        raw.exchange(raw.request("GET", "users/999999/", &json!({})))
            .await,
        Answer::json(404, json!({"detail": 12}).to_string())
    );
    server.push_fault(Fault::EmptyBody);
    let unauthorized = raw
        .http
        .post(format!("{}users/", raw.base))
        .header("Authorization", "Token wrong")
        .body("{}");
    assert_eq!(
        raw.exchange(unauthorized).await,
        Answer::json(401, String::new())
    );
    server.push_fault(Fault::EmptyBody);
    assert_eq!(
        raw.exchange(raw.request("DELETE", "users/", &json!({})))
            .await,
        Answer {
            allow: Some("GET, POST".into()),
            ..Answer::json(405, String::new())
        }
    );

    // A 200 (an update) stays a 200, and the update is made.
    raw.post("users/update_or_create/", json!({"user_id": "u1"}))
        .await;
    server.push_fault(Fault::TruncatedJson);
    let update = raw.request(
        "POST",
        "users/update_or_create/",
        &json!({"user_id": "u1", "city": "Oslo"}),
    );
    let id = server.users()[0].id;
    let earned = json!({"created": false, "id": id}).to_string();
    assert_eq!(
        raw.exchange(update).await,
        Answer::json(200, first_half(&earned).to_owned())
    );
    assert_eq!(server.users()[0].attributes["city"], "Oslo");
    assert_eq!(server.pending_faults(), 0);
}

/// Against the old server an unknown path under `users/` was a 405.
#[tokio::test]
async fn unknown_paths_are_404_and_known_paths_asked_with_another_method_405() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let (_, user, _) = raw.post("users/", json!({"email": "a@b"})).await;
    let id = user["id"].as_u64().unwrap();
    for (method, path) in [
        ("POST", format!("users/{id}/unknown_action/")),
        ("GET", format!("users/{id}/unknown_action/")),
        (
            "DELETE",
            format!("users/{id}/set_multiple_attributes/extra/"),
        ),
        ("POST", "users/a/b/c/".to_owned()),
        ("PUT", "users/not-an-id/".to_owned()),
        (
            "POST",
            "users/not-an-id/set_multiple_attributes/".to_owned(),
        ),
        ("POST", "users//".to_owned()),
        ("GET", "companies/".to_owned()),
    ] {
        assert_eq!(
            raw.exchange(raw.request(method, &path, &json!({}))).await,
            Answer::json(404, json!({"detail": "Not found."}).to_string()),
            "{method} {path}"
        );
    }
    for (method, path, allow) in [
        ("DELETE", "users/".to_owned(), "GET, POST"),
        ("GET", "users/update_or_create/".to_owned(), "POST"),
        ("PATCH", format!("users/{id}/"), "GET, PUT, DELETE"),
        ("POST", format!("users/{id}/"), "GET, PUT, DELETE"),
        ("POST", "users-by-id/u-1/".to_owned(), "GET, PUT, DELETE"),
        ("GET", format!("users/{id}/add_tag/"), "POST"),
        ("DELETE", format!("users/{id}/remove_from_list/"), "POST"),
        (
            "GET",
            format!("users/{id}/set_multiple_attributes/"),
            "POST",
        ),
    ] {
        let detail = format!("Method \"{method}\" not allowed.");
        assert_eq!(
            raw.exchange(raw.request(method, &path, &json!({}))).await,
            Answer {
                allow: Some(allow.into()),
                ..Answer::json(405, json!({ "detail": detail }).to_string())
            },
            "{method} {path}"
        );
    }
    assert_eq!(server.user_count(), 1);
}

/// Against the old server a fault went to the next request whatever its route.
#[tokio::test]
async fn a_fault_aimed_at_a_route_waits_for_a_request_on_it() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let refusal = r#"{"plan": ["Invalid value."]}"#;
    server.fault_on(
        Route::SetMultipleAttributes,
        Fault::status(400).with_body(refusal),
    );
    server.fail_next_on(Route::GetUser, 2, 503);
    assert_eq!(server.pending_faults(), 3);

    let (status, user, _) = raw.post("users/", json!({"user_id": "u1"})).await;
    assert_eq!(status, 201);
    let (status, _, _) = raw
        .post("users/update_or_create/", json!({"user_id": "u1"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(server.pending_faults(), 3, "no fault for those routes");

    let id = user["id"].as_u64().unwrap();
    let get = || raw.request("GET", &format!("users/{id}/"), &json!({}));
    assert_eq!(raw.exchange(get()).await.status, 503);
    assert_eq!(raw.exchange(get()).await.status, 503);
    assert_eq!(raw.exchange(get()).await.status, 200);
    assert_eq!(server.pending_faults(), 1);

    let set = format!("users/{id}/set_multiple_attributes/");
    assert_eq!(
        raw.exchange(raw.request("POST", &set, &json!({"plan": "pro"})))
            .await,
        Answer::json(400, refusal.to_owned())
    );
    assert_eq!(server.users()[0].custom, BTreeMap::new(), "not processed");
    let (status, _, _) = raw.post(&set, json!({"plan": "pro"})).await;
    assert_eq!(status, 200);
    assert_eq!(server.users()[0].custom["plan"], "pro");
    assert_eq!(server.pending_faults(), 0);

    let routes: Vec<Option<Route>> = server.requests().iter().map(|r| r.route()).collect();
    assert_eq!(
        routes,
        [
            Some(Route::CreateUser),
            Some(Route::UpdateOrCreate),
            Some(Route::GetUser),
            Some(Route::GetUser),
            Some(Route::GetUser),
            Some(Route::SetMultipleAttributes),
            Some(Route::SetMultipleAttributes),
        ]
    );
}

#[tokio::test]
async fn each_request_takes_the_first_queued_fault_aimed_at_it() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    server.fault_on(Route::CreateUser, Fault::status(500));
    server.push_fault(Fault::status(503));
    server.fault_on(Route::Any, Fault::status(502));
    // The update passes the create's fault by and takes the first one for any request.
    let (status, _, _) = raw
        .post("users/update_or_create/", json!({"user_id": "u1"}))
        .await;
    assert_eq!(status, 503);
    let (status, _, _) = raw.post("users/", json!({})).await;
    assert_eq!(status, 500);
    let (status, _, _) = raw.post("users/", json!({})).await;
    assert_eq!(status, 502);
    let (status, _, _) = raw.post("users/", json!({})).await;
    assert_eq!(status, 201);
    assert_eq!((server.user_count(), server.pending_faults()), (1, 0));
}

#[tokio::test]
async fn a_predicate_picks_the_request_a_fault_is_for() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    server.fault_when(
        |request| {
            request
                .json()
                .is_ok_and(|body| body["email"] == "b@example.org")
        },
        Fault::status(502).after_processing(),
    );
    let (status, _, _) = raw.post("users/", json!({"email": "a@example.org"})).await;
    assert_eq!((status, server.pending_faults()), (201, 1));
    let (status, _, _) = raw.post("users/", json!({"email": "b@example.org"})).await;
    assert_eq!((status, server.pending_faults()), (502, 0));
    let (status, _, _) = raw.post("users/", json!({"email": "b@example.org"})).await;
    assert_eq!(status, 201);
    let emails: Vec<Value> = server
        .users()
        .iter()
        .map(|u| u.attributes["email"].clone())
        .collect();
    assert_eq!(
        emails,
        [
            json!("a@example.org"),
            json!("b@example.org"),
            json!("b@example.org")
        ]
    );
}

#[tokio::test]
async fn a_panicking_predicate_matches_nothing_and_the_server_answers() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    server.fault_when(|_| panic!("a broken predicate"), Fault::status(500));
    let (status, _, _) = raw.post("users/", json!({})).await;
    assert_eq!(status, 201);
    assert_eq!((server.user_count(), server.pending_faults()), (1, 1));
    server.clear_faults();
    assert_eq!(server.pending_faults(), 0);
}

#[tokio::test]
async fn a_delayed_request_is_processed_after_the_client_gave_up() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    server.push_fault(Fault::Delay(Duration::from_secs(1)));
    let err = raw
        .request("POST", "users/", &json!({"email": "slow@example.org"}))
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.user_count(), 0, "still waiting");
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.user_count() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.user_count(), 1, "processed once the delay was over");
    assert_eq!(server.request_count(), 1);
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
