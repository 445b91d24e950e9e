//! Bulk import: users read from a CSV file are created with bounded concurrency.
//!
//! ```text
//! cargo run -p examples --bin bulk_import [-- [--create] [--twice] [path/to/users.csv [concurrency]]]
//! cargo bulk-import [-- ...]     # the same, by its alias
//! ```
//!
//! The same struct derives serde's `Deserialize` (for the CSV) and `IntoUserComUser` (for
//! User.com). By default it reads `examples/data/users.csv`, which has a few deliberately bad
//! rows, and runs against the embedded User.com server; with USERCOM_SUBDOMAIN and
//! USERCOM_API_KEY set it talks to the real API. It ends with a summary: created, updated,
//! failed (with line numbers and reasons), elapsed.
//!
//! The rows carry the application's id, mapped to `user_id`, so the import upserts: running it
//! again updates the same users instead of creating duplicates (`--twice` shows this against
//! the embedded server). `--create` uses plain creates instead.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use usercom::{Client, IntoUserComUser};

#[path = "support/mod.rs"]
mod support;

#[derive(Debug, Deserialize, IntoUserComUser)]
struct Row {
    #[usercom(user_id)]
    id: u64,
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
    let all: Vec<String> = std::env::args().skip(1).collect();
    let create = all.iter().any(|a| a == "--create");
    let twice = all.iter().any(|a| a == "--twice");
    let mut args = all.into_iter().filter(|a| !a.starts_with("--"));
    // The sample file, found from any working directory.
    let path = args
        .next()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/data/users.csv").to_owned());
    let concurrency = match args.next().map(|c| c.parse::<usize>()) {
        None => 8,
        Some(Ok(c)) if c > 0 => c,
        Some(_) => {
            eprintln!("error: the concurrency must be a whole number above 0");
            return ExitCode::FAILURE;
        }
    };

    let (client, _embedded) = match support::connect().await {
        Ok(pair) => pair,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };

    let runs = if twice { 2 } else { 1 };
    for run in 1..=runs {
        if runs > 1 {
            println!("run {run} of {runs}:");
        }
        if let Err(message) = import(&client, &path, concurrency, create).await {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    }
    if let Some(server) = &_embedded {
        println!(
            "the embedded server now stores {} users",
            server.user_count()
        );
    }
    ExitCode::SUCCESS
}

/// Reads `path` and creates (or upserts) its rows, then prints the summary.
async fn import(
    client: &Client,
    path: &str,
    concurrency: usize,
    create: bool,
) -> Result<(), String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|err| format!("cannot read {path}: {err}"))?;
    let headers = reader
        .headers()
        .map_err(|err| format!("cannot read the header line of {path}: {err}"))?
        .clone();
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
                    failed.lock().unwrap().push((
                        line,
                        format!("unreadable row: {}", describe(&err, &headers)),
                    ));
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
    let (mut created, mut updated) = (0usize, 0usize);
    // Both modes yield `(index, Result<created?, Error>)`.
    let mut outcomes = if create {
        client
            .create_users(rows, concurrency)
            .map(|(i, r)| (i, r.map(|_| true)))
            .boxed()
    } else {
        client
            .upsert_users(rows, concurrency)
            .map(|(i, r)| (i, r.map(|u| u.created)))
            .boxed()
    };
    while let Some((index, result)) = outcomes.next().await {
        progress.inc(1);
        let line = in_flight.lock().unwrap().remove(&index).unwrap_or(0);
        match result {
            Ok(true) => created += 1,
            Ok(false) => updated += 1,
            Err(err) => failed.lock().unwrap().push((line, err.to_string())),
        }
    }
    progress.finish_and_clear();

    let mut failed = std::mem::take(&mut *failed.lock().unwrap());
    failed.sort();
    println!(
        "created {created}, updated {updated}, failed {}, elapsed {:.2?}",
        failed.len(),
        started.elapsed()
    );
    for (line, reason) in &failed {
        println!("  line {line}: {reason}");
    }
    Ok(())
}

/// A CSV error in a few words, naming the column.
fn describe(err: &csv::Error, headers: &csv::StringRecord) -> String {
    match err.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let column = err
                .field()
                .and_then(|i| headers.get(i as usize))
                .map(|name| format!("column `{name}`: "))
                .unwrap_or_default();
            format!("{column}{}", err.kind())
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields, expected {expected_len}"),
        _ => err.to_string(),
    }
}
