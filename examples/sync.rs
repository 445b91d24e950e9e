//! Keeping User.com in line with the application's own database: the app's customers live in
//! SQLite; a first sync sends them all; the app then changes a plan and removes a phone
//! number; a second sync sends one update, with the phone number cleared (`null`); a third
//! sends nothing.
//!
//! ```text
//! cargo run -p examples --bin sync
//! ```
//!
//! Without USERCOM_SUBDOMAIN and USERCOM_API_KEY it runs against the embedded User.com server
//! (usercom-mock): no account needed. With both set it syncs three customers to your real
//! app, and asks you to confirm first: pass `--yes` or set USERCOM_EXAMPLES_YES=1. The app's
//! database and the sync's store are files in a temporary folder, removed at the end.

use std::path::Path;
use std::process::ExitCode;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use usercom::sync::{Store, SyncReport};
use usercom::{Client, IntoUserComUser};

#[path = "support/mod.rs"]
mod support;

/// The application's own model, read from its own table. Only the annotated fields are sent.
#[derive(IntoUserComUser)]
struct Customer {
    #[usercom(user_id)]
    id: String,
    #[usercom(email)]
    email: String,
    /// `None` (SQL `NULL`): no phone number. Once removed in the app, the sync clears it in
    /// User.com.
    #[usercom(phone_number)]
    phone: Option<String>,
    #[usercom(attribute = "plan")]
    plan: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let (client, embedded) = match support::connect().await {
        Ok(connected) => connected,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let dir = std::env::temp_dir().join(format!("usercom-sync-example-{}", std::process::id()));
    let result = run(&client, embedded.as_ref(), &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    client: &Client,
    embedded: Option<&usercom_mock::MockServer>,
    dir: &Path,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let app = app_database(&dir.join("app.db"))
        .await
        .map_err(|e| e.to_string())?;
    let store = Store::sqlite(dir.join("usercom-sync.db"))
        .await
        .map_err(|e| support::chain(&e))?;

    println!("\nFirst sync: every customer is new to the store.");
    let first = sync(&store, client, &app).await?;
    expect(&first, (3, 0, 0, 0))?;

    println!("\nThe app changes c2's plan and removes its phone number.");
    sqlx::query("UPDATE customers SET plan = 'pro', phone = NULL WHERE id = 'c2'")
        .execute(&app)
        .await
        .map_err(|e| e.to_string())?;
    let before = embedded.map(|server| {
        server.record_requests(true);
        server.requests().len()
    });
    let second = sync(&store, client, &app).await?;
    expect(&second, (0, 1, 2, 1))?;
    if let (Some(server), Some(before)) = (embedded, before) {
        for request in server.requests().iter().skip(before) {
            println!(
                "  sent: {} {} {}",
                request.method,
                request.path,
                String::from_utf8_lossy(&request.body)
            );
        }
    }

    println!("\nThird sync: nothing changed, nothing is sent.");
    let third = sync(&store, client, &app).await?;
    expect(&third, (0, 0, 3, 0))?;
    Ok(())
}

/// The application's database: a `customers` table with three customers.
async fn app_database(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let app = SqlitePool::connect_with(options).await?;
    sqlx::raw_sql(
        "CREATE TABLE customers (id TEXT PRIMARY KEY, email TEXT NOT NULL, phone TEXT, plan TEXT);
         INSERT INTO customers VALUES
           ('c1', 'ada@example.org', '+48 600 000 001', 'free'),
           ('c2', 'grace@example.org', '+48 600 000 002', 'free'),
           ('c3', 'edsger@example.org', NULL, 'pro');",
    )
    .execute(&app)
    .await?;
    Ok(app)
}

/// Reads the app's customers and syncs them; prints the report.
async fn sync(store: &Store, client: &Client, app: &SqlitePool) -> Result<SyncReport, String> {
    let rows: Vec<(String, String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT id, email, phone, plan FROM customers ORDER BY id")
            .fetch_all(app)
            .await
            .map_err(|e| e.to_string())?;
    let customers: Vec<Customer> = rows
        .into_iter()
        .map(|(id, email, phone, plan)| Customer {
            id,
            email,
            phone,
            plan,
        })
        .collect();
    let report = store
        .sync_users(client, &customers)
        .await
        .map_err(|e| support::chain(&e))?;
    println!(
        "  {} seen: {} created, {} updated, {} unchanged, {} cleared, {} failed ({:.0?})",
        report.seen,
        report.created,
        report.updated,
        report.unchanged,
        report.cleared,
        report.failed.len(),
        report.duration
    );
    for failure in &report.failed {
        println!(
            "  failed: {} ({}): {}",
            failure.key, failure.operation, failure.error
        );
    }
    Ok(report)
}

/// Checks the report's (created, updated, unchanged, cleared).
fn expect(report: &SyncReport, counts: (usize, usize, usize, usize)) -> Result<(), String> {
    let got = (
        report.created,
        report.updated,
        report.unchanged,
        report.cleared,
    );
    // Against a real app that already had these customers, a first sync updates them.
    let first_run_on_a_real_app = counts.0 == 3 && report.created + report.updated == 3;
    if (got == counts || first_run_on_a_real_app) && report.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "expected (created, updated, unchanged, cleared) = {counts:?}, got {got:?}"
        ))
    }
}
