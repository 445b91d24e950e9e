//! The blocking client, for programs without an async runtime.
//!
//! ```text
//! cargo run -p examples --bin blocking     # or: cargo blocking-example
//! ```
//!
//! With USERCOM_SUBDOMAIN and USERCOM_API_KEY set it talks to the real API; without them it
//! starts the embedded User.com server (on a runtime of its own) and says so.

use std::process::ExitCode;

use usercom::{blocking::Client, Gender, IntoUserComUser};

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
    let (client, _embedded) = match (
        std::env::var("USERCOM_SUBDOMAIN"),
        std::env::var("USERCOM_API_KEY"),
    ) {
        (Ok(subdomain), Ok(key)) => match Client::new(&subdomain, &key) {
            Ok(client) => (client, None),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        },
        _ => {
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
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
