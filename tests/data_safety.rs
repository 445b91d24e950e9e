//! The edges of the request path where data could be lost, merged, altered or leaked, each
//! against a scripted loopback server that answers exactly what a test says.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use usercom::{Client, CreateUser, Error, RetryPolicy};

const KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01";
const USER: &str = include_str!("fixtures/seed_create_user_response.json");
const USER_ID: u64 = 20901703;

/// One request as the server read it.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    method: String,
    path: String,
    body: String,
}

/// A loopback server that answers each request with the next scripted raw response (status
/// line, headers and body as given, cut wherever the script cuts them) and then closes the
/// connection.
struct Scripted {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Scripted {
    async fn start(script: Vec<Vec<u8>>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/api/public/", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            for response in script {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let request = read_request(&mut stream).await;
                log.lock().unwrap().push(request);
                let _ = stream.write_all(&response).await;
                let _ = stream.shutdown().await;
            }
        });
        Scripted { base_url, seen }
    }

    fn client(&self, retry: RetryPolicy) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .api_key(KEY)
            .max_response_bytes(4096)
            .retry_policy(retry.initial_backoff(Duration::from_millis(1)))
            .build()
            .unwrap()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn paths(&self) -> Vec<String> {
        self.seen()
            .into_iter()
            .map(|s| format!("{} {}", s.method, s.path))
            .collect()
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Seen {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "the client closed before sending a request");
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .unwrap_or(0);
    while data.len() < header_end + length {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "the client closed mid-body");
        data.extend_from_slice(&buf[..n]);
    }
    let mut words = head.split_whitespace();
    Seen {
        method: words.next().unwrap().to_owned(),
        path: words.next().unwrap().to_owned(),
        body: String::from_utf8_lossy(&data[header_end..header_end + length]).into_owned(),
    }
}

/// A whole response with `body`.
fn response(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n{headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A response that announces `announced` bytes but sends only `body` before closing.
fn cut_response(status: &str, body: &str, announced: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {announced}\r\n\
         Connection: close\r\n\r\n{body}"
    )
    .into_bytes()
}

fn ada() -> CreateUser<'static> {
    CreateUser::new().email("ada@example.org")
}

#[tokio::test]
async fn a_blank_user_id_is_refused_before_anything_is_sent() {
    let server = Scripted::start(vec![]).await;
    let client = server.client(RetryPolicy::none());
    for blank in ["", " ", "\t \n"] {
        let err = client.upsert_user(&ada().user_id(blank)).await.unwrap_err();
        match &err {
            Error::InvalidInput { attribute, .. } => assert_eq!(attribute, "user_id"),
            other => panic!("{other:?}"),
        }
        let err = client
            .create_user(&ada().company_id(blank))
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::InvalidInput { attribute, .. } if attribute == "company_id"));
    }
    assert_eq!(server.seen(), vec![]);
}

#[tokio::test]
async fn values_that_identify_or_reach_people_are_checked_exactly() {
    let server = Scripted::start(vec![]).await;
    let client = server.client(RetryPolicy::none());
    let cases = [
        ("user_id", ada().user_id(" 42"), "white space"),
        ("user_id", ada().user_id("42 "), "white space"),
        ("user_id", ada().user_id("4\n2"), "control character"),
        ("company_id", ada().company_id("42\0"), "control character"),
        (
            "user_id",
            ada().user_id("42\u{200b}"),
            "invisible format character U+200B",
        ),
        ("company_id", ada().company_id("\u{feff}42"), "U+FEFF"),
        (
            "email",
            CreateUser::new().email("ada@example.org\u{200b}"),
            "invisible format character U+200B",
        ),
        (
            "email",
            CreateUser::new().email("ada\u{2060}@example.org"),
            "U+2060",
        ),
        (
            "twitter_url",
            ada().twitter_url("https://user:pass@example.org/ada"),
            "credentials",
        ),
        (
            "linkedin_url",
            ada().linkedin_url("https://ada@example.org/"),
            "credentials",
        ),
    ];
    for (attribute, payload, why) in cases {
        let err = client.create_user(&payload).await.unwrap_err();
        match &err {
            Error::InvalidInput { attribute: a, .. } => assert_eq!(a, attribute, "{err}"),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains(why), "{attribute}: {err}");
    }
    // Inner spaces, `@` in a path and non-ASCII letters are fine.
    for fine in [
        ada().user_id("c 1"),
        ada().company_id("zürich-1"),
        ada().twitter_url("https://example.org/@ada"),
    ] {
        fine.validate().unwrap();
    }
    assert_eq!(server.seen(), vec![]);
}

#[tokio::test]
async fn a_success_whose_body_is_cut_short_keeps_its_status() {
    let server = Scripted::start(vec![cut_response("201 Created", r#"{"id": 1, "ke"#, 900)]).await;
    let err = server
        .client(RetryPolicy::default())
        .create_user(&ada())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.status(), Some(201));
    assert!(!err.outcome_unknown() && !err.safe_to_retry(), "{err}");
    assert!(err.to_string().contains("cut short"), "{err}");
    assert_eq!(server.paths(), vec!["POST /api/public/users/"]);
}

#[tokio::test]
async fn a_503_whose_body_is_cut_short_is_still_retried() {
    let server = Scripted::start(vec![
        cut_response("503 Service Unavailable", "<html>busy", 2000),
        response("201 Created", "", USER),
    ])
    .await;
    let user = server
        .client(RetryPolicy::default())
        .create_user(&ada())
        .await
        .unwrap();
    assert_eq!(user.id, USER_ID);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_429_over_the_size_limit_keeps_its_retry_after_and_is_retried() {
    let big = "x".repeat(10_000);
    let server = Scripted::start(vec![
        response("429 Too Many Requests", "Retry-After: 0\r\n", &big),
        response("201 Created", "", USER),
    ])
    .await;
    let user = server
        .client(RetryPolicy::default())
        .create_user(&ada())
        .await
        .unwrap();
    assert_eq!(user.id, USER_ID);
    assert_eq!(server.seen().len(), 2);

    // Without retries, the error keeps the status, the Retry-After and the body up to the
    // limit, with a note where it was cut.
    let server = Scripted::start(vec![response(
        "429 Too Many Requests",
        "Retry-After: 7\r\n",
        &big,
    )])
    .await;
    let err = server
        .client(RetryPolicy::none())
        .create_user(&ada())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.safe_to_retry());
    let body = err.body().unwrap();
    assert_eq!(
        body,
        format!(
            "{}\n[usercom: body cut at the 4096-byte limit]",
            &big[..4096]
        )
    );
}

#[tokio::test]
async fn the_key_is_redacted_from_every_body_an_error_keeps() {
    let quoted = format!(r#"{{"detail": "Invalid token: Token {KEY}"}}"#);
    let server = Scripted::start(vec![
        response("401 Unauthorized", "", &quoted),
        response("200 OK", "", &format!(r#"{{"id": "{KEY}"}}"#)),
    ])
    .await;
    let client = server.client(RetryPolicy::none());
    let err = client.create_user(&ada()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.body(),
        Some(r#"{"detail": "Invalid token: Token <redacted>"}"#)
    );
    assert_eq!(
        err.to_string(),
        "User.com answered 401: Invalid token: Token <redacted>"
    );
    assert!(!format!("{err:?}").contains(KEY));

    let err = client.create_user(&ada()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY));
    assert_eq!(err.body(), Some(r#"{"id": "<redacted>"}"#));
}

#[tokio::test]
async fn any_success_answer_to_set_multiple_attributes_is_a_success() {
    let with_plan = USER.replacen(
        r#""attributes": []"#,
        r#""attributes": [{"id": 5, "name": "Plan", "name_std": "plan", "value": "pro"}]"#,
        1,
    );
    assert_ne!(with_plan, USER, "the fixture has an attributes list");
    // The status decides: an answer that is not the user, or whose body is cut short or
    // over the size limit, still set the attributes; the user is read back.
    for answer in [
        response("200 OK", "", r#"{"status": "ok"}"#),
        cut_response("200 OK", &with_plan[..40], with_plan.len()),
        response("200 OK", "", &"x".repeat(10_000)),
        cut_response("200 OK", "", 10_000),
    ] {
        let server = Scripted::start(vec![
            response("201 Created", "", USER),
            answer,
            response("200 OK", "", &with_plan),
        ])
        .await;
        let user = server
            .client(RetryPolicy::none())
            .create_user(&ada().attribute("plan", "pro"))
            .await
            .unwrap();
        assert_eq!(
            server.paths(),
            vec![
                "POST /api/public/users/".to_owned(),
                format!("POST /api/public/users/{USER_ID}/set_multiple_attributes/"),
                format!("GET /api/public/users/{USER_ID}/"),
            ]
        );
        assert_eq!(server.seen()[1].body, r#"{"plan":"pro"}"#);
        // The user as read back after the attributes were set.
        assert!(user.attributes.iter().any(|a| a.name_std == "plan"));
    }

    // The answer is the user: no read-back.
    let server = Scripted::start(vec![
        response("201 Created", "", USER),
        response("200 OK", "", &with_plan),
    ])
    .await;
    let user = server
        .client(RetryPolicy::none())
        .create_user(&ada().attribute("plan", "pro"))
        .await
        .unwrap();
    assert!(user.attributes.iter().any(|a| a.name_std == "plan"));
    assert_eq!(server.seen().len(), 2);
}

/// An error body cut at the size limit, or cut short, may end in the first part of the
/// key: that part is redacted too.
#[tokio::test]
async fn a_key_cut_in_two_where_a_body_was_cut_is_redacted() {
    let filler = "x".repeat(4096 - 26);
    let server = Scripted::start(vec![
        response(
            "500 Internal Server Error",
            "",
            &format!("{filler}{KEY} and more"),
        ),
        cut_response(
            "500 Internal Server Error",
            &format!("Token {}", &KEY[..20]),
            900,
        ),
    ])
    .await;
    let client = server.client(RetryPolicy::none());
    let err = client.create_user(&ada()).await.unwrap_err();
    assert_eq!(
        err.body(),
        Some(format!("{filler}<redacted>\n[usercom: body cut at the 4096-byte limit]").as_str())
    );
    let err = client.create_user(&ada()).await.unwrap_err();
    let body = err.body().unwrap();
    assert!(
        body.starts_with("Token <redacted>\n[usercom: body cut short: "),
        "{body}"
    );
    assert!(!format!("{err:?}").contains(&KEY[..8]), "{err:?}");
}

/// A success whose body stops arriving fails when the client's timeout runs out, as an
/// answer whose outcome is unknown, and says that the timeout ended the read.
#[tokio::test]
async fn a_timeout_while_reading_a_body_says_so() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/api/public/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        read_request(&mut stream).await;
        let head = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\
                    Content-Length: 900\r\n\r\n{\"id\": 1";
        stream.write_all(head.as_bytes()).await.unwrap();
        // The rest never comes while the client waits.
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let client = Client::builder()
        .base_url(&base_url)
        .api_key(KEY)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.create_user(&ada()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert_eq!(err.status(), Some(201));
    let message = err.to_string();
    assert!(message.contains("cut short after 8 bytes"), "{message}");
    assert!(
        message.contains("the client's timeout of 300ms (ClientBuilder::timeout) ran out"),
        "{message}"
    );
}

fn upserted(id: u64) -> Vec<u8> {
    response("200 OK", "", &format!(r#"{{"created": true, "id": {id}}}"#))
}

#[tokio::test]
async fn an_upsert_that_cannot_be_read_back_says_what_was_done() {
    let forbidden = || response("403 Forbidden", "", r#"{"detail": "Forbidden."}"#);

    // No custom attributes: the user exists, only the read-back failed.
    let server = Scripted::start(vec![upserted(9), forbidden()]).await;
    let err = server
        .client(RetryPolicy::none())
        .upsert_user(&ada().user_id("u-9"))
        .await
        .unwrap_err();
    match &err {
        Error::ReadBackFailed {
            id,
            created,
            custom_attributes_set,
            ..
        } => assert_eq!((*id, *created, *custom_attributes_set), (9, true, true)),
        other => panic!("expected ReadBackFailed, got {other:?}"),
    }
    assert_eq!(err.user_id(), Some(9));
    assert_eq!(err.status(), Some(403));
    assert!(!err.safe_to_retry() && !err.outcome_unknown());
    assert_eq!(
        err.to_string(),
        "the user was created (id 9), but reading it back failed"
    );

    // Custom attributes are still set by id; the answer is not a user.
    let server =
        Scripted::start(vec![upserted(9), forbidden(), response("200 OK", "", "{}")]).await;
    let err = server
        .client(RetryPolicy::none())
        .upsert_user(&ada().user_id("u-9").attribute("plan", "pro"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ReadBackFailed {
                id: 9,
                custom_attributes_set: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        server.paths()[2],
        "POST /api/public/users/9/set_multiple_attributes/"
    );

    // The attributes could not be set either: the error says how to set them.
    let server = Scripted::start(vec![
        upserted(9),
        forbidden(),
        response("400 Bad Request", "", r#"{"plan": ["Unknown attribute."]}"#),
    ])
    .await;
    let err = server
        .client(RetryPolicy::none())
        .upsert_user(&ada().user_id("u-9").attribute("plan", "pro"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ReadBackFailed {
                id: 9,
                custom_attributes_set: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the user was created (id 9), but reading it back failed; its custom attributes were \
         not set: send them with `Client::set_custom_attributes`"
    );

    // The answer to setting them is the user: the upsert succeeds after all.
    let server =
        Scripted::start(vec![upserted(9), forbidden(), response("200 OK", "", USER)]).await;
    let upserted = server
        .client(RetryPolicy::none())
        .upsert_user(&ada().user_id("u-9").attribute("plan", "pro"))
        .await
        .unwrap();
    assert!(upserted.created);
    assert_eq!(upserted.user.id, USER_ID);
}

#[tokio::test]
async fn set_custom_attributes_sets_only_the_custom_attributes() {
    let server = Scripted::start(vec![response("200 OK", "", USER)]).await;
    let client = server.client(RetryPolicy::none());
    let user = client
        .set_custom_attributes(
            USER_ID,
            &CreateUser::new()
                .email("ignored@example.org")
                .attribute("plan", "pro")
                .attribute("seats", 3u64),
        )
        .await
        .unwrap();
    assert_eq!(user.id, USER_ID);
    assert_eq!(
        server.seen(),
        vec![Seen {
            method: "POST".into(),
            path: format!("/api/public/users/{USER_ID}/set_multiple_attributes/"),
            body: r#"{"plan":"pro","seats":3}"#.into(),
        }]
    );
    let err = client
        .set_custom_attributes(USER_ID, &CreateUser::new().email("a@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(server.seen().len(), 1);
}

/// Values on each side of every rule: the client's `validate` and the embedded server
/// (which keeps its own list of rules, as an independent check) agree on each, so a test
/// against the mock cannot pass where production would refuse or alter the value.
#[tokio::test]
async fn the_embedded_server_agrees_with_the_client_on_every_rule() {
    let server = usercom_mock::MockServer::start().await;
    let client = Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
        .build()
        .unwrap();
    let cases: Vec<(&str, CreateUser<'static>)> = vec![
        ("blank user_id", ada().user_id(" ")),
        ("empty company_id", ada().company_id("")),
        ("padded name", ada().first_name(" Ada")),
        ("long name", ada().last_name("x".repeat(41))),
        ("spaced email", CreateUser::new().email("a b@example.org")),
        ("two @", CreateUser::new().email("a@b@c")),
        (
            "upper-case scheme",
            ada().twitter_url("HTTPS://example.com"),
        ),
        ("one slash", ada().twitter_url("https:/example.com")),
        ("no slashes", ada().twitter_url("http:example.com")),
        ("backslash", ada().twitter_url("https://example.com\\x")),
        ("space in URL", ada().twitter_url("https://exa mple.com")),
        ("no host", ada().twitter_url("https://?q")),
        ("padded user_id", ada().user_id(" 42")),
        ("user_id ending in a space", ada().user_id("42 ")),
        ("line break in user_id", ada().user_id("4\n2")),
        ("NUL in company_id", ada().company_id("42\0")),
        ("zero-width space in user_id", ada().user_id("4\u{200b}2")),
        (
            "zero-width space in email",
            CreateUser::new().email("ada@example.org\u{200b}"),
        ),
        (
            "BOM in email",
            CreateUser::new().email("\u{feff}ada@example.org"),
        ),
        ("word joiner in company_id", ada().company_id("c\u{2060}1")),
        (
            "credentials in URL",
            ada().twitter_url("https://user:pass@example.org/ada"),
        ),
        (
            "user name in URL",
            ada().linkedin_url("https://ada@example.org/"),
        ),
        (
            "@ in a URL's path",
            ada().twitter_url("https://example.org/@ada"),
        ),
        (
            "fine",
            ada()
                .user_id("u-1")
                .first_name("Ada")
                .twitter_url("https://x.example/a"),
        ),
        (
            "fine too",
            ada().company_id("c 1").email("a.b+c@example.org"),
        ),
    ];
    for (what, payload) in cases {
        let client_accepts = payload.validate().is_ok();
        // Send what the client would refuse anyway, bypassing its check, to ask the server.
        let body = serde_json::to_vec(&payload).unwrap();
        let answer = reqwest::Client::new()
            .post(format!("{}users/", server.base_url()))
            .header("Authorization", format!("Token {}", server.api_key()))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let server_accepts = answer.status().is_success();
        assert_eq!(client_accepts, server_accepts, "{what}: {payload:?}");
        if client_accepts {
            client.create_user(&payload).await.unwrap();
        }
    }
}
