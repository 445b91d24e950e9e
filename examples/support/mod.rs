//! What the examples share: where to send requests, and how to show an error.
//!
//! Without `USERCOM_SUBDOMAIN` and `USERCOM_API_KEY` an example runs against the embedded
//! User.com server. With both set it would write to that real User.com app (users created
//! or updated in your CRM), so it says so and goes ahead only when asked to: `--yes` on the
//! command line (`cargo quickstart -- --yes`) or `USERCOM_EXAMPLES_YES=1`.

use usercom::Client;
use usercom_mock::MockServer;

/// Where an example sends its requests.
pub enum Target {
    /// The real API of this app, confirmed with `--yes` or `USERCOM_EXAMPLES_YES=1`.
    Real { subdomain: String, api_key: String },
    /// The embedded User.com server.
    Embedded,
}

/// The command-line flag that allows writing to a real User.com app.
pub const YES_FLAG: &str = "--yes";
/// The environment variable that does the same (`1`, `true` or `yes`).
pub const YES_VARIABLE: &str = "USERCOM_EXAMPLES_YES";

/// Decides where to send requests, from `USERCOM_SUBDOMAIN` and `USERCOM_API_KEY`, and
/// refuses (with a message saying what would happen and how to go ahead) to write to a
/// real app without `--yes` or `USERCOM_EXAMPLES_YES`.
pub fn target() -> Result<Target, String> {
    let confirmed = std::env::args().skip(1).any(|arg| arg == YES_FLAG)
        || std::env::var(YES_VARIABLE)
            .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"));
    match (
        std::env::var("USERCOM_SUBDOMAIN").ok(),
        std::env::var("USERCOM_API_KEY").ok(),
    ) {
        (Some(subdomain), Some(api_key)) if confirmed => {
            println!(
                "USERCOM_SUBDOMAIN and USERCOM_API_KEY are set, and confirmed ({YES_FLAG} or \
                 {YES_VARIABLE}): writing to your real User.com app `{subdomain}`"
            );
            Ok(Target::Real { subdomain, api_key })
        }
        (Some(subdomain), Some(_)) => Err(format!(
            "USERCOM_SUBDOMAIN and USERCOM_API_KEY are set: this example would create or \
             update users in your real User.com app `{subdomain}`. To go ahead, run it again \
             with {YES_FLAG} (e.g. `cargo quickstart -- {YES_FLAG}`) or with \
             {YES_VARIABLE}=1; to use the embedded User.com server instead, unset both \
             variables."
        )),
        (None, None) => Ok(Target::Embedded),
        _ => Err(
            "set both USERCOM_SUBDOMAIN and USERCOM_API_KEY to use the real API, or neither to \
             use the embedded server"
                .into(),
        ),
    }
}

/// A client of the real API when [`target`] allows it; else the embedded User.com server,
/// started here (keep it alive as long as the client), with a line saying so.
#[allow(dead_code)] // the blocking example builds its own client
pub async fn connect() -> Result<(Client, Option<MockServer>), String> {
    if let Some(client) = local()? {
        return Ok((client, None));
    }
    match target()? {
        Target::Real { subdomain, api_key } => {
            let client = Client::new(&subdomain, &api_key).map_err(|e| chain(&e))?;
            println!("Using the real User.com API at {}", client.base_url());
            Ok((client, None))
        }
        Target::Embedded => {
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
                .map_err(|e| chain(&e))?;
            Ok((client, Some(server)))
        }
    }
}

/// A client of a User.com-compatible server on this machine, when `USERCOM_BASE_URL` names
/// one (`http://127.0.0.1:<port>/api/public/`, with `USERCOM_API_KEY`): an embedded server
/// that outlives the example (the import tests kill and restart `bulk_import` against one).
/// Only loopback addresses are taken, so it never reaches a real app.
fn local() -> Result<Option<Client>, String> {
    let Ok(base_url) = std::env::var("USERCOM_BASE_URL") else {
        return Ok(None);
    };
    let loopback = ["http://127.", "http://localhost:", "http://[::1]:"]
        .iter()
        .any(|prefix| base_url.starts_with(prefix));
    if !loopback {
        return Err(format!(
            "USERCOM_BASE_URL must be a loopback http URL (a local test server), not {base_url:?}; \
             use USERCOM_SUBDOMAIN for the real API"
        ));
    }
    let api_key = std::env::var("USERCOM_API_KEY")
        .map_err(|_| "USERCOM_BASE_URL is set: set USERCOM_API_KEY too".to_owned())?;
    let client = Client::builder()
        .base_url(&base_url)
        .api_key(&api_key)
        .build()
        .map_err(|e| chain(&e))?;
    println!("Using the local server at {}", client.base_url());
    Ok(Some(client))
}

pub use examples::chain;
