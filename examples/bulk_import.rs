//! Bulk import: users read from a CSV file are created with bounded concurrency.
//!
//! ```text
//! cargo run --example bulk_import [-- path/to/users.csv [concurrency]]
//! ```
//!
//! The same struct derives serde's `Deserialize` (for the CSV) and `IntoUserComUser` (for
//! User.com). By default it reads `examples/data/users.csv`, which has a few deliberately bad
//! rows, and runs against the embedded User.com server; with USERCOM_SUBDOMAIN and
//! USERCOM_API_KEY set it talks to the real API. It ends with a summary: created, failed (with
//! line numbers and reasons), elapsed.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use usercom::{Client, IntoUserComUser};

#[derive(Debug, Deserialize, IntoUserComUser)]
struct Row {
    #[usercom(email)]
    email: String,
    #[usercom(first_name)]
    first_name: String,
    #[usercom(last_name)]
    last_name: String,
    #[usercom(score)]
    score: i64,
    #[usercom(attribute = "plan")]
    plan: Option<String>,
    #[usercom(notifications)]
    newsletter: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "examples/data/users.csv".to_owned());
    let concurrency = match args.next().map(|c| c.parse::<usize>()) {
        None => 8,
        Some(Ok(c)) if c > 0 => c,
        Some(_) => {
            eprintln!("error: the concurrency must be a whole number above 0");
            return ExitCode::FAILURE;
        }
    };

    let (client, _embedded) = match connect().await {
        Ok(pair) => pair,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };

    let mut reader = match csv::Reader::from_path(&path) {
        Ok(reader) => reader,
        Err(err) => {
            eprintln!("error: cannot read {path}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => {
            eprintln!("error: cannot read the header line of {path}: {err}");
            return ExitCode::FAILURE;
        }
    };

    let started = Instant::now();
    // Rows that do not parse are failures of their own; rows that do go to User.com. The
    // file is streamed: only the lines of the rows in flight are remembered.
    let failed = Arc::new(Mutex::new(Vec::<(u64, String)>::new()));
    let in_flight = Arc::new(Mutex::new(HashMap::<usize, u64>::new()));
    let rows = {
        let (failed, in_flight) = (failed.clone(), in_flight.clone());
        let mut sent = 0usize;
        reader.into_records().filter_map(move |record| {
            let parsed = record.and_then(|record| {
                let line = record.position().map_or(0, |p| p.line());
                record
                    .deserialize::<Row>(Some(&headers))
                    .map(|row| (line, row))
            });
            match parsed {
                Ok((line, row)) => {
                    in_flight.lock().unwrap().insert(sent, line);
                    sent += 1;
                    Some(row)
                }
                Err(err) => {
                    let line = err.position().map_or(0, |p| p.line());
                    failed
                        .lock()
                        .unwrap()
                        .push((line, format!("unreadable row: {}", describe(&err))));
                    None
                }
            }
        })
    };

    let progress = ProgressBar::new_spinner();
    progress.set_style(
        ProgressStyle::with_template("{spinner} {pos} rows sent to User.com ({elapsed})")
            .expect("a valid template"),
    );
    let mut created = 0usize;
    let mut outcomes = client.create_users(rows, concurrency);
    while let Some((index, result)) = outcomes.next().await {
        progress.inc(1);
        let line = in_flight.lock().unwrap().remove(&index).unwrap_or(0);
        match result {
            Ok(_) => created += 1,
            Err(err) => failed.lock().unwrap().push((line, err.to_string())),
        }
    }
    progress.finish_and_clear();

    let mut failed = std::mem::take(&mut *failed.lock().unwrap());
    failed.sort();
    println!(
        "created {created}, failed {}, elapsed {:.2?}",
        failed.len(),
        started.elapsed()
    );
    for (line, reason) in &failed {
        println!("  line {line}: {reason}");
    }
    ExitCode::SUCCESS
}

/// A CSV error in a few words.
fn describe(err: &csv::Error) -> String {
    match err.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields, expected {expected_len}"),
        _ => err.to_string(),
    }
}

async fn connect() -> Result<(Client, Option<usercom_mock::MockServer>), String> {
    match (
        std::env::var("USERCOM_SUBDOMAIN").ok(),
        std::env::var("USERCOM_API_KEY").ok(),
    ) {
        (Some(subdomain), Some(key)) => Client::new(&subdomain, &key)
            .map(|client| (client, None))
            .map_err(|e| e.to_string()),
        (None, None) => {
            let server = usercom_mock::MockServer::start().await;
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
        _ => Err("set both USERCOM_SUBDOMAIN and USERCOM_API_KEY, or neither".into()),
    }
}
