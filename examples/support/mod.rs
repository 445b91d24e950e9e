//! What the examples share: where to send requests.

use usercom::Client;
use usercom_mock::MockServer;

/// A client of the real API when USERCOM_SUBDOMAIN and USERCOM_API_KEY are both set; else
/// the embedded User.com server, started here (keep it alive as long as the client), with a
/// line saying so.
pub async fn connect() -> Result<(Client, Option<MockServer>), String> {
    match (
        std::env::var("USERCOM_SUBDOMAIN").ok(),
        std::env::var("USERCOM_API_KEY").ok(),
    ) {
        (Some(subdomain), Some(key)) => {
            let client = Client::new(&subdomain, &key).map_err(|e| e.to_string())?;
            println!("Using the real User.com API at {}", client.base_url());
            Ok((client, None))
        }
        (None, None) => {
            let server = MockServer::start().await;
            println!(
                "USERCOM_SUBDOMAIN and USERCOM_API_KEY are not set: using the embedded User.com \
                 server at {}",
                server.base_url()
            );
            let client = Client::builder()
                .base_url(&server.base_url())
                .api_key(server.api_key())
                .build()
                .map_err(|e| e.to_string())?;
            Ok((client, Some(server)))
        }
        _ => Err(
            "set both USERCOM_SUBDOMAIN and USERCOM_API_KEY to use the real API, or neither to \
             use the embedded server"
                .into(),
        ),
    }
}
