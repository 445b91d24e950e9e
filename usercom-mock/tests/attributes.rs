//! Attribute definitions: `GET attributes/` pages, and `set_multiple_attributes` checked
//! against the definitions, with raw HTTP requests.

use std::time::Duration;

use serde_json::{json, Value};
use usercom_mock::{AttributeDefinition, MockServer, Route};

struct Raw {
    http: reqwest::Client,
    key: String,
}

impl Raw {
    fn new(server: &MockServer) -> Raw {
        Raw {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap(),
            key: server.api_key().to_owned(),
        }
    }

    /// An authorized GET of the absolute `url`: status and JSON body.
    async fn get(&self, url: &str) -> (u16, Value) {
        let response = self
            .http
            .get(url)
            .header("Authorization", format!("Token {}", self.key))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// An authorized POST of `body` to the absolute `url`: status and JSON body.
    async fn post(&self, url: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(url)
            .header("Authorization", format!("Token {}", self.key))
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

fn five_definitions() -> Vec<AttributeDefinition> {
    vec![
        AttributeDefinition::user("plan", "fixed").named("Plan"),
        AttributeDefinition::new("revenue", "float", "company"),
        AttributeDefinition::user("seats", "integer").named("Seats"),
        AttributeDefinition::user("trial_ends", "date"),
        AttributeDefinition::new("stage", "string", "deal"),
    ]
}

#[tokio::test]
async fn definitions_are_listed_page_by_page_with_absolute_links() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let base = server.base_url();
    server.set_attribute_definitions(five_definitions());
    server.set_attributes_page_size(2);

    let (status, first) = raw.get(&format!("{base}attributes/")).await;
    assert_eq!(status, 200);
    assert_eq!(
        first,
        json!({
            "count": 5,
            "next": format!("{base}attributes/?cursor=2"),
            "previous": null,
            "results": [
                {"id": 1, "name": "Plan", "name_std": "plan", "value_type": "fixed",
                 "content_type": "user"},
                {"id": 2, "name": "revenue", "name_std": "revenue", "value_type": "float",
                 "content_type": "company"},
            ]
        })
    );
    let (_, second) = raw.get(first["next"].as_str().unwrap()).await;
    assert_eq!(second["previous"], format!("{base}attributes/"));
    assert_eq!(second["results"][0]["id"], 3);
    assert_eq!(second["results"][1]["name_std"], "trial_ends");
    let (_, third) = raw.get(second["next"].as_str().unwrap()).await;
    assert_eq!(third["next"], Value::Null);
    assert_eq!(third["previous"], format!("{base}attributes/?cursor=2"));
    assert_eq!(
        third["results"],
        json!([{"id": 5, "name": "stage", "name_std": "stage", "value_type": "string",
                "content_type": "deal"}])
    );

    // Each page is on the route, with its query recorded.
    let requests = server.requests();
    assert!(requests
        .iter()
        .all(|r| r.route() == Some(Route::ListAttributes)));
    let queries: Vec<_> = requests.iter().map(|r| r.query.as_deref()).collect();
    assert_eq!(queries, [None, Some("cursor=2"), Some("cursor=4")]);

    // A cursor the server did not give out.
    for bad in ["cursor=abc", "cursor=6", "cursor=-2"] {
        let (status, body) = raw.get(&format!("{base}attributes/?{bad}")).await;
        assert_eq!(
            (status, body),
            (404, json!({"detail": "Invalid cursor"})),
            "{bad}"
        );
    }
    assert_eq!(server.attribute_definitions(), five_definitions());
}

#[tokio::test]
async fn pages_hold_100_definitions_by_default_and_an_empty_list_is_one_page() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let (status, empty) = raw.get(&format!("{}attributes/", server.base_url())).await;
    assert_eq!(
        (status, empty),
        (
            200,
            json!({"count": 0, "next": null, "previous": null, "results": []})
        )
    );

    server.set_attribute_definitions(
        (0..250).map(|i| AttributeDefinition::user(&format!("a{i:03}"), "string")),
    );
    let mut sizes = Vec::new();
    let mut url = Some(format!("{}attributes/", server.base_url()));
    while let Some(next) = url {
        let (status, page) = raw.get(&next).await;
        assert_eq!(status, 200);
        sizes.push(page["results"].as_array().unwrap().len());
        url = page["next"].as_str().map(str::to_owned);
    }
    assert_eq!(sizes, [100, 100, 50]);
}

#[tokio::test]
async fn the_listing_needs_the_key_and_a_get() {
    let server = MockServer::start().await;
    let url = format!("{}attributes/", server.base_url());
    let http = reqwest::Client::new();
    let answer = http
        .get(&url)
        .header("Authorization", "Token wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert_eq!(
        answer.json::<Value>().await.unwrap(),
        json!({"detail": "Invalid token."})
    );
    let answer = http
        .post(&url)
        .header("Authorization", format!("Token {}", server.api_key()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 405);
    assert_eq!(answer.headers()["allow"], "GET");
}

#[tokio::test]
async fn with_definitions_unknown_names_and_wrong_types_are_refused_per_field() {
    let server = MockServer::start().await;
    let raw = Raw::new(&server);
    let base = server.base_url();
    server.set_attribute_definitions([
        AttributeDefinition::user("plan", "fixed").choices(["free", "pro"]),
        AttributeDefinition::new("revenue", "float", "company"),
        AttributeDefinition::user("seats", "integer").named("Seats"),
        AttributeDefinition::user("trial_ends", "date"),
    ]);
    let (_, user) = raw
        .post(&format!("{base}users/"), json!({"email": "a@example.org"}))
        .await;
    let id = user["id"].as_u64().unwrap();
    let set = format!("{base}users/{id}/set_multiple_attributes/");

    let (status, body) = raw.post(&set, json!({"plna": "pro"})).await;
    assert_eq!(
        (status, body),
        (400, json!({"plna": ["Attribute does not exist."]}))
    );
    let (status, body) = raw.post(&set, json!({"seats": "3"})).await;
    assert_eq!(
        (status, body),
        (400, json!({"seats": ["Enter a whole number."]}))
    );
    // A company attribute is not a user attribute; every field is reported at once.
    let (status, body) = raw
        .post(
            &set,
            json!({"revenue": 1.5, "plan": "gold", "trial_ends": "2024-13-01", "seats": 3}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({
                "plan": ["Select a valid choice. \"gold\" is not one of the available choices."],
                "revenue": ["Attribute does not exist."],
                "trial_ends": ["Enter a valid date."],
            })
        )
    );
    assert!(
        server.users()[0].custom.is_empty(),
        "a refused request sets nothing"
    );

    let (status, body) = raw
        .post(
            &set,
            json!({"plan": "pro", "seats": 3, "trial_ends": "2024-02-29"}),
        )
        .await;
    assert_eq!(status, 200);
    // Each attribute answers with its definition's id.
    let ids: Vec<(Value, Value)> = body["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name_std"].clone(), a["id"].clone()))
        .collect();
    assert_eq!(
        ids,
        [
            (json!("plan"), json!(1)),
            (json!("seats"), json!(3)),
            (json!("trial_ends"), json!(4)),
        ]
    );
    let (status, _) = raw.post(&set, json!({"seats": null})).await;
    assert_eq!(status, 200, "null clears a value of any type");

    // Without definitions, any name is taken again (the default behaviour).
    server.set_attribute_definitions([]);
    let (status, _) = raw.post(&set, json!({"anything": [1, 2]})).await;
    assert_eq!(status, 200);
    assert_eq!(server.users()[0].custom["anything"], json!([1, 2]));
}
