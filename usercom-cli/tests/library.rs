//! The library steps behind the command, and `Client::list_attributes` (async and blocking)
//! at the edges of pagination: a `next` link answering 404, one pointing elsewhere, one
//! already followed.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use usercom_cli::{user_schema, CliError};
use usercom_core::{Client, Error};
use usercom_mock::{AttributeDefinition, Fault, MockServer};

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_key(MockServer::API_KEY)
        .build()
        .unwrap()
}

#[tokio::test]
async fn list_attributes_returns_every_definition_of_every_page_in_order() {
    let server = MockServer::start().await;
    let definitions: Vec<_> = (0..7)
        .map(|i| AttributeDefinition::new(&format!("a{i}"), "string", ["user", "company"][i % 2]))
        .collect();
    server.set_attribute_definitions(definitions);
    server.set_attributes_page_size(3);
    let listed = client(&server.base_url()).list_attributes().await.unwrap();
    let names: Vec<(u64, &str, bool)> = listed
        .iter()
        .map(|d| (d.id, d.name_std.as_str(), d.is_user_attribute()))
        .collect();
    assert_eq!(
        names,
        [
            (1, "a0", true),
            (2, "a1", false),
            (3, "a2", true),
            (4, "a3", false),
            (5, "a4", true),
            (6, "a5", false),
            (7, "a6", true),
        ]
    );
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_next_link_answering_404_ends_the_listing_but_a_first_page_404_is_an_error() {
    let server = MockServer::start().await;
    server.set_attribute_definitions(
        (0..5).map(|i| AttributeDefinition::user(&format!("a{i}"), "string")),
    );
    server.set_attributes_page_size(2);
    server.fault_when(
        |request| request.query.as_deref() == Some("cursor=4"),
        Fault::status(404).with_body(r#"{"detail": "Not found."}"#),
    );
    let listed = client(&server.base_url()).list_attributes().await.unwrap();
    assert_eq!(listed.len(), 4);

    server.fault_on(usercom_mock::Route::ListAttributes, Fault::status(404));
    let error = client(&server.base_url())
        .list_attributes()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
}

#[test]
fn the_blocking_client_lists_attributes_too() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    server.set_attribute_definitions([AttributeDefinition::user("seats", "integer")]);
    let blocking = Client::builder()
        .base_url(&server.base_url())
        .api_key(MockServer::API_KEY)
        .build_blocking()
        .unwrap();
    let listed = blocking.list_attributes().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].value_type, "integer");
}

/// A server on a loopback port that answers the n-th request (from 0) `200` with
/// `page(n, its base URL)`, one connection per request, and records the request lines.
fn scripted(page: fn(usize, &str) -> String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/api/public/", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let own = base.clone();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            log.lock().unwrap().push(line.trim_end().to_owned());
            // Skip the headers (GET requests have no body).
            let mut header = String::new();
            while reader.read_line(&mut header).unwrap() > 2 {
                header.clear();
            }
            let body = page(n, &own);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.flush();
        }
    });
    (base, seen)
}

#[tokio::test]
async fn a_next_link_outside_the_base_url_is_not_followed() {
    let (base, seen) = scripted(|_, _| {
        r#"{"count": 2, "next": "https://evil.example/api/public/attributes/?cursor=2",
            "previous": null, "results": [{"id": 1, "name": "A", "name_std": "a",
            "value_type": "string", "content_type": "user"}]}"#
            .to_owned()
    });
    let error = client(&base).list_attributes().await.unwrap_err();
    match &error {
        Error::Decode { path, status, .. } => assert_eq!((path.as_str(), *status), ("next", 200)),
        other => panic!("{other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains("\"https://evil.example/api/public/attributes/?cursor=2\" points outside"),
        "{text}"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        ["GET /api/public/attributes/ HTTP/1.1"]
    );
}

#[tokio::test]
async fn a_next_link_already_followed_stops_the_listing() {
    // Every page links to the second page, which thus links to itself.
    let (base, seen) = scripted(|_, base| {
        format!(
            r#"{{"count": 9, "next": "{base}attributes/?cursor=1", "previous": null,
                "results": []}}"#
        )
    });
    let error = client(&base).list_attributes().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { path, .. } if path == "next"),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("was already followed"),
        "{error}"
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "GET /api/public/attributes/ HTTP/1.1",
            "GET /api/public/attributes/?cursor=1 HTTP/1.1"
        ]
    );
}

fn definition(
    name_std: &str,
    value_type: &str,
    content_type: &str,
) -> usercom_core::AttributeDefinition {
    serde_json::from_value(serde_json::json!({
        "id": 1, "name": name_std.to_uppercase(), "name_std": name_std,
        "value_type": value_type, "content_type": content_type,
    }))
    .unwrap()
}

#[test]
fn user_schema_keeps_user_attributes_and_refuses_what_it_cannot_write() {
    let schema = user_schema(&[
        definition("seats", "integer", "user"),
        definition("seats", "integer", "user"),
        definition("area", "polygon", "company"),
    ])
    .unwrap();
    assert_eq!(schema.len(), 1, "identical duplicates are one attribute");

    let error = user_schema(&[definition("x", "Integer", "user")]).unwrap_err();
    assert!(
        matches!(&error, CliError::UnknownValueType { name_std, value_type }
            if name_std == "x" && value_type == "Integer"),
        "{error:?}"
    );
    let error = user_schema(&[
        definition("seats", "integer", "user"),
        definition("seats", "float", "user"),
    ])
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the app lists the user attribute `seats` twice, as \"SEATS\" (integer) and as \
         \"SEATS\" (float)"
    );
    let error = user_schema(&[definition("", "string", "user")]).unwrap_err();
    assert!(error.to_string().contains("empty name"), "{error}");
}
