//! HTTP/2 is offered only with the `http2` feature, by ALPN in the TLS handshake, next to
//! HTTP/1.1: a TLS server on loopback reads the protocols the client's hello offers.

#![cfg(any(feature = "rustls", feature = "native-tls"))]

use std::sync::{Arc, Mutex};

use usercom::{Client, CreateUser};

const KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01";

/// The ALPN protocols offered by the first client hello a loopback TLS server receives.
async fn offered_protocols() -> Vec<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let offered = Arc::new(Mutex::new(None));
    let seen = offered.clone();
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let acceptor =
            tokio_rustls::LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream);
        let start = acceptor.await.unwrap();
        let protocols: Vec<String> = start
            .client_hello()
            .alpn()
            .into_iter()
            .flatten()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        *seen.lock().unwrap() = Some(protocols);
        // The handshake goes no further: the client's request fails, which is not the point.
    });
    let client = Client::builder()
        .base_url(&format!("https://localhost:{}/api/public/", addr.port()))
        .api_key(KEY)
        .max_retries(0)
        .build()
        .unwrap();
    let result = client
        .create_user(&CreateUser::new().email("a@example.org"))
        .await;
    assert!(result.is_err(), "the server never answers");
    server.await.unwrap();
    let protocols = offered.lock().unwrap().take();
    protocols.expect("a client hello")
}

#[tokio::test]
async fn http2_is_offered_by_alpn_only_with_the_feature() {
    let expected: &[&str] = if cfg!(feature = "http2") {
        &["h2", "http/1.1"]
    } else {
        &["http/1.1"]
    };
    assert_eq!(offered_protocols().await, expected);
}
