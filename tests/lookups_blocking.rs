//! The look-ups of the blocking client (feature `blocking`), against the embedded server.
#![cfg(feature = "blocking")]

use std::time::Duration;

use usercom::{blocking, CreateUser, Error, FromUserComUser, RetryPolicy, User};
use usercom_mock::{MockServer, Route};

/// The server runs on a runtime of its own, as a remote User.com would.
fn start_server() -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(MockServer::start());
    (runtime, server)
}

fn client_for(server: &MockServer) -> blocking::Client {
    usercom::Client::builder()
        .base_url(&server.base_url())
        .api_key(server.api_key())
        .retry_policy(
            RetryPolicy::default()
                .max_retries(3)
                .initial_backoff(Duration::from_millis(2)),
        )
        .build_blocking()
        .unwrap()
}

/// The caller's own type, read by hand (not by the derive).
#[derive(Debug, PartialEq)]
struct Contact {
    id: u64,
    email: Option<String>,
    city: Option<String>,
}

impl FromUserComUser for Contact {
    fn from_user(user: &User) -> Result<Self, Error> {
        Ok(Contact {
            id: user.id,
            email: user.email.clone(),
            city: user.city.clone(),
        })
    }

    fn update_from_user(&mut self, user: &User) -> Result<(), Error> {
        *self = Contact::from_user(user)?;
        Ok(())
    }
}

#[test]
fn every_lookup_works_without_an_async_runtime() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    client
        .create_user(
            &CreateUser::new()
                .email("a+b&c@example.org")
                .city("Oslo")
                .user_id("team/a b"),
        )
        .unwrap();
    let ada = Contact {
        id: 1000,
        email: Some("a+b&c@example.org".into()),
        city: Some("Oslo".into()),
    };

    let user = client.get_user(1000).unwrap();
    assert_eq!(
        (user.id, user.email.as_deref(), user.city.as_deref()),
        (1000, Some("a+b&c@example.org"), Some("Oslo"))
    );
    let by_email = client.find_user_by_email("a+b&c@example.org").unwrap();
    assert_eq!(by_email.as_ref(), Some(&user));
    let by_user_id = client.find_user_by_user_id("team/a b").unwrap();
    assert_eq!(by_user_id.as_ref(), Some(&user));
    assert_eq!(client.find_user_by_email("x@example.org").unwrap(), None);
    assert_eq!(client.find_user_by_user_id("team").unwrap(), None);

    assert_eq!(client.get_user_as::<Contact>(1000).unwrap(), ada);
    assert_eq!(
        client
            .find_user_by_email_as::<Contact>("a+b&c@example.org")
            .unwrap(),
        Some(ada)
    );
    assert_eq!(
        client
            .find_user_by_user_id_as::<Contact>("team/a b")
            .unwrap()
            .map(|c| c.id),
        Some(1000)
    );
    assert_eq!(
        client.find_user_by_user_id_as::<Contact>("nobody").unwrap(),
        None
    );
    assert_eq!(
        client.get_user_as::<Contact>(4242).unwrap_err().status(),
        Some(404)
    );
    assert_eq!(server.request_count(), 1 + 10, "one create, ten look-ups");
    let requests = server.requests();
    assert_eq!(
        requests[2].query.as_deref(),
        Some("email=a%2Bb%26c%40example.org")
    );
    assert_eq!(requests[3].path, "/api/public/users-by-id/team%2Fa%20b/");
}

#[test]
fn refused_input_sends_nothing_and_a_500_is_retried() {
    let (_runtime, server) = start_server();
    let client = client_for(&server);
    for error in [
        client.find_user_by_email("not an email").unwrap_err(),
        client.find_user_by_email_as::<Contact>("ada@").unwrap_err(),
        client.find_user_by_user_id(" ").unwrap_err(),
        client.find_user_by_user_id_as::<Contact>("..").unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    }
    assert_eq!(server.request_count(), 0);

    client
        .create_user(&CreateUser::new().email("ada@example.org"))
        .unwrap();
    server.fail_next_on(Route::FindUserByEmail, 2, 500);
    let found = client.find_user_by_email("ada@example.org").unwrap();
    assert_eq!(found.map(|u| u.id), Some(1000));
    assert_eq!(server.request_count(), 1 + 3);
}
