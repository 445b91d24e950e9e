//! The blocking client, for programs without an async runtime.
//!
//! ```text
//! cargo run -p examples --bin blocking     # or: cargo blocking-example
//! ```
//!
//! Without USERCOM_SUBDOMAIN and USERCOM_API_KEY it starts the embedded User.com server (on a
//! runtime of its own) and says so. With both set it creates a user in your real User.com
//! app, and asks you to confirm first: pass `--yes` or set USERCOM_EXAMPLES_YES=1.

use std::process::ExitCode;

use usercom::{blocking::Client, Gender, IntoUserComUser};

#[path = "support/mod.rs"]
mod support;

#[derive(IntoUserComUser)]
struct Employee {
    #[usercom(email)]
    work_email: String,
    #[usercom(first_name)]
    first: String,
    #[usercom(gender)]
    gender: Gender,
}

fn main() -> ExitCode {
    let target = match support::target() {
        Ok(target) => target,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let (client, _embedded) = match target {
        support::Target::Real { subdomain, api_key } => match Client::new(&subdomain, &api_key) {
            Ok(client) => (client, None),
            Err(err) => {
                eprintln!("error: {}", support::chain(&err));
                return ExitCode::FAILURE;
            }
        },
        support::Target::Embedded => {
            let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
            let server = runtime.block_on(usercom_mock::MockServer::start());
            println!(
                "USERCOM_SUBDOMAIN / USERCOM_API_KEY not set: using the embedded User.com server at {}",
                server.base_url()
            );
            let client = Client::builder()
                .base_url(&server.base_url())
                .api_key(server.api_key())
                .build()
                .expect("the embedded server's settings are valid");
            (client, Some((runtime, server)))
        }
    };

    let employee = Employee {
        work_email: "grace@example.org".into(),
        first: "Grace".into(),
        gender: Gender::Female,
    };
    match client.create_user(&employee) {
        Ok(user) => {
            println!(
                "created user {} (key {}), gender {}",
                user.id, user.key, user.gender
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {}", support::chain(&err));
            ExitCode::FAILURE
        }
    }
}
