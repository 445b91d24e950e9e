//! A whole outage: the server taken down (its port closed, its connections dropped) and
//! brought back on the same address with everything it held.

use std::time::Duration;

use usercom_mock::MockServer;

/// Creates a user with `email` through `http`: its status, or the transport error.
async fn create(
    http: &reqwest::Client,
    server: &MockServer,
    email: &str,
) -> Result<u16, reqwest::Error> {
    let response = http
        .post(format!("{}users/", server.base_url()))
        .header("Authorization", format!("Token {}", server.api_key()))
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"email": "{email}"}}"#))
        .send()
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn a_server_taken_down_refuses_connections_and_comes_back_with_what_it_held() {
    let server = MockServer::start().await;
    // One client throughout, so that its kept-alive connection must be dropped too.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_eq!(create(&http, &server, "a@example.org").await.unwrap(), 201);

    // A request in progress when the server goes down gets no answer.
    server.set_latency(Duration::from_secs(2));
    let in_progress = tokio::spawn({
        let (http, url, key) = (http.clone(), server.base_url(), server.api_key().to_owned());
        async move {
            http.get(format!("{url}users/"))
                .header("Authorization", format!("Token {key}"))
                .send()
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.take_down().await;
    let lost = in_progress.await.unwrap();
    assert!(lost.is_err(), "answered while down: {lost:?}");
    server.set_latency(Duration::ZERO);

    let refused = create(&http, &server, "b@example.org").await.unwrap_err();
    assert!(refused.is_connect(), "{refused:?}");
    assert!(tokio::net::TcpStream::connect(server.addr()).await.is_err());
    server.take_down().await; // down already: nothing to do

    server.bring_back().await.unwrap();
    server.bring_back().await.unwrap(); // up already: nothing to do
    assert_eq!(create(&http, &server, "c@example.org").await.unwrap(), 201);
    let emails: Vec<String> = server
        .users()
        .iter()
        .map(|user| user.attributes["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(emails, ["a@example.org", "c@example.org"]);
}
