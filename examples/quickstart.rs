//! Quick start: a domain struct derives `IntoUserComUser` and is created as a User.com user.
//!
//! ```text
//! cargo quickstart            # an alias of: cargo run -p examples --bin quickstart
//! ```
//!
//! Without USERCOM_SUBDOMAIN and USERCOM_API_KEY it starts the embedded User.com server
//! (usercom-mock) and says so: no account needed. With both set it creates a user in your
//! real User.com app, and asks you to confirm first: pass `--yes` (`cargo quickstart -- --yes`)
//! or set USERCOM_EXAMPLES_YES=1.

use std::process::ExitCode;

use usercom::{IntoUserComUser, Status};

#[path = "support/mod.rs"]
mod support;

/// The application's own model. Only the annotated fields are sent.
#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    given_name: String,
    #[usercom(last_name)]
    family_name: String,
    #[usercom(score)]
    loyalty_points: i32,
    #[usercom(status)]
    status: Status,
    #[usercom(user_id)]
    id: u64,
    #[usercom(attribute = "plan")]
    plan: Option<String>,
    #[allow(dead_code)]
    password_hash: String, // not mapped: never sent
}

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _embedded) = match support::connect().await {
        Ok(connected) => connected,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };

    let customer = Customer {
        email: "ada@example.org".into(),
        given_name: "Ada".into(),
        family_name: "Lovelace".into(),
        loyalty_points: 42,
        status: Status::User,
        id: 1815,
        plan: Some("pro".into()),
        password_hash: "$argon2id$...".into(),
    };

    match client.create_user_body(&customer) {
        Ok(body) => println!("POST users/ {}", String::from_utf8_lossy(&body)),
        Err(err) => {
            eprintln!("error: {}", support::chain(&err));
            return ExitCode::FAILURE;
        }
    }

    match client.create_user(&customer).await {
        Ok(user) => {
            println!(
                "Created user {} (key {}): {} <{}>, status {}, score {}, plan {}",
                user.id,
                user.key,
                user.name.as_deref().unwrap_or("-"),
                user.email.as_deref().unwrap_or("-"),
                user.status,
                user.score,
                user.attribute("plan")
                    .map_or("-".to_owned(), |v| v.to_string()),
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {}", support::chain(&err));
            if let Some(user) = err.created_user() {
                eprintln!("note: user {} exists; do not create it again", user.id);
            }
            ExitCode::FAILURE
        }
    }
}
