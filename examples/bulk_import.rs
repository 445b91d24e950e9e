//! Bulk import: users read from a CSV file, sent at the server's pace, resumable.
//!
//! ```text
//! cargo run -p examples --bin bulk_import [-- [--create] [--twice] [--journal FILE] [path/to/users.csv [concurrency]]]
//! cargo bulk-import [-- ...]     # the same, by its alias
//! ```
//!
//! The same struct derives serde's `Deserialize` (for the CSV) and `IntoUserComUser` (for
//! User.com). By default it reads `examples/data/users.csv`, which has a few deliberately bad
//! rows, and runs against the embedded User.com server; with USERCOM_SUBDOMAIN and
//! USERCOM_API_KEY set it talks to the real API (after `--yes`). A progress bar shows the rows
//! done, failed and skipped, the pace, and the time the client was held back by the server's
//! rate limit; the summary lists what failed, with line numbers and reasons.
//!
//! The rows carry the application's id, mapped to `user_id`, so the import upserts: running it
//! again updates the same users instead of creating duplicates (`--twice` shows this against
//! the embedded server). `--create` uses plain creates instead.
//!
//! `--journal FILE` makes the import resumable: every finished row is written there with its
//! User.com id (synced a batch at a time), and a row's start before it is sent. Stopped
//! midway (Ctrl-C, a crash, a kill) and run again with the same journal, it skips the rows
//! it had finished; rows whose outcome it never learned are listed and not sent again with
//! `--create` (the user may exist: look it up first), and sent again when upserting. Ctrl-C
//! stops sending, lets the rows in flight finish and syncs the journal.
//!
//! `--server-limit N` limits the embedded server to N requests a second (bursts of 20,
//! `429` with `Retry-After: 1`), to watch the client learn the pace: the bar shows the rate
//! it settles on and the time it was held back.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use examples::import::{import, Mode, Options, Status, Summary};
use indicatif::{ProgressBar, ProgressStyle};

#[path = "support/mod.rs"]
mod support;

#[tokio::main]
async fn main() -> ExitCode {
    let mut create = false;
    let mut twice = false;
    let mut journal = None;
    let mut server_limit = None;
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--create" => create = true,
            "--twice" => twice = true,
            "--journal" => match args.next() {
                Some(path) => journal = Some(PathBuf::from(path)),
                None => {
                    eprintln!("error: --journal needs a file name");
                    return ExitCode::FAILURE;
                }
            },
            "--server-limit" => match args.next().and_then(|n| n.parse::<f64>().ok()) {
                Some(n) if n > 0.0 => server_limit = Some(n),
                _ => {
                    eprintln!("error: --server-limit needs a number of requests per second");
                    return ExitCode::FAILURE;
                }
            },
            flag if flag.starts_with("--") => {}
            _ => positional.push(arg),
        }
    }
    let mut positional = positional.into_iter();
    // The sample file, found from any working directory.
    let path = positional
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/data/users.csv").into());
    let concurrency = match positional.next().map(|c| c.parse::<usize>()) {
        None => 8,
        Some(Ok(c)) if c > 0 => c,
        Some(_) => {
            eprintln!("error: the concurrency must be a whole number above 0");
            return ExitCode::FAILURE;
        }
    };

    let (client, embedded) = match support::connect().await {
        Ok(pair) => pair,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };

    if let (Some(server), Some(limit)) = (&embedded, server_limit) {
        server.set_rate_limit(usercom_mock::RateLimit::token_bucket(limit, 20));
        println!("the embedded server takes {limit} requests a second (bursts of 20)");
    }

    let mut options = Options::new(
        if create { Mode::Create } else { Mode::Upsert },
        concurrency,
    );
    options.journal = journal;
    // Ctrl-C: no new rows, the rows in flight finish, the journal is synced.
    let stop = options.stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping: the rows in flight finish, then the journal is synced");
            stop.store(true, Ordering::SeqCst);
        }
    });

    let runs = if twice { 2 } else { 1 };
    for run in 1..=runs {
        if runs > 1 {
            println!("run {run} of {runs}:");
        }
        let bar = progress_bar();
        let drawn = bar.clone();
        options.on_progress = Some(Arc::new(move |status: &Status<'_>| draw(&drawn, status)));
        let result = import(&client, &path, &options).await;
        bar.finish_and_clear();
        match result {
            Ok(summary) => {
                print_summary(&summary, options.journal.is_some());
                if summary.interrupted {
                    return ExitCode::FAILURE;
                }
            }
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Some(server) = &embedded {
        println!(
            "the embedded server now stores {} users",
            server.user_count()
        );
    }
    ExitCode::SUCCESS
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} rows\n  {msg}",
        )
        .expect("a valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The bar: rows accounted for (finished, failed, skipped), pace, time held back.
fn draw(bar: &ProgressBar, status: &Status<'_>) {
    let p = status.progress;
    bar.set_length(status.rows as u64);
    bar.set_position(status.skipped as u64 + p.done + p.failed);
    bar.set_message(format!(
        "{} done, {} failed, {} skipped, {} in flight | {:.0} rows/s{} | throttled {} times, \
         held back {:.1?}",
        p.done,
        p.failed,
        status.skipped,
        p.in_flight,
        p.pace,
        p.learned_rate
            .map(|rate| format!(" (paced at {rate:.0} requests/s)"))
            .unwrap_or_default(),
        p.throttled,
        p.throttled_time,
    ));
}

fn print_summary(summary: &Summary, journal: bool) {
    println!(
        "created {}, updated {}, skipped {}, failed {}, unknown {}, elapsed {:.2?}; throttled {} \
         times, held back {:.1?}",
        summary.created,
        summary.updated,
        summary.skipped,
        summary.failed.len(),
        summary.unknown.len(),
        summary.elapsed,
        summary.throttled,
        summary.throttled_time,
    );
    for (line, reason) in &summary.failed {
        println!("  line {line}: {reason}");
    }
    if !summary.unknown.is_empty() {
        println!(
            "outcome unknown in an earlier run, not sent again (the user may exist: look it up \
             in User.com before importing it again):"
        );
        for (line, id) in &summary.unknown {
            println!("  line {line} (id {id})");
        }
    }
    if summary.resent > 0 {
        println!(
            "{} rows whose outcome an earlier run did not learn were upserted again",
            summary.resent
        );
    }
    if summary.interrupted {
        if journal {
            println!("interrupted: run again with the same --journal to resume");
        } else {
            println!("interrupted (without --journal, a new run starts from the first row)");
        }
    }
}
