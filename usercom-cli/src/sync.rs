//! `usercom sync status` and `usercom sync reset`: a usercom-sync store, looked at or
//! forgotten.

use std::io::Write;

use usercom_sync::{Store, StoreStatus};

use crate::args::SyncCommand;
use crate::{EXIT_ERROR, EXIT_OK};

/// Runs a `usercom sync` command; its exit status.
pub(crate) fn run(
    runtime: &tokio::runtime::Runtime,
    command: SyncCommand,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (url, reset) = match &command {
        SyncCommand::Status(args) => (&args.store, false),
        SyncCommand::Reset(args) => (&args.store, true),
    };
    // A reset reports what it forgot: the status before it.
    let done = runtime.block_on(async {
        let store = Store::open(url).await?;
        let status = store.status().await?;
        if reset {
            store.reset().await?;
        }
        Ok::<_, usercom_sync::Error>((store, status))
    });
    match done {
        Ok((store, before)) if reset => {
            let _ = writeln!(
                out,
                "{}: forgot {} users, {} events and {} failures; the next run sends everything",
                store.name(),
                before.users,
                before.events_delivered + before.events_unknown,
                before.failures.len()
            );
            EXIT_OK
        }
        Ok((store, status)) => {
            print_status(out, store.name(), &status);
            EXIT_OK
        }
        Err(error) => {
            let _ = writeln!(err, "error: {error}");
            if let Some(source) = std::error::Error::source(&error) {
                let _ = writeln!(err, "caused by: {source}");
            }
            EXIT_ERROR
        }
    }
}

/// Milliseconds since the UNIX epoch as an RFC 3339 time (UTC).
fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || format!("{ms} ms"),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

fn print_status(out: &mut dyn Write, name: &str, status: &StoreStatus) {
    let _ = writeln!(out, "store: {name}");
    let _ = writeln!(out, "users: {}", status.users);
    let _ = writeln!(
        out,
        "events: {} delivered, {} unknown (their answer was lost)",
        status.events_delivered, status.events_unknown
    );
    if status.last_runs.is_empty() {
        let _ = writeln!(out, "last run: none");
    }
    for run in &status.last_runs {
        let _ = writeln!(
            out,
            "last run ({}): {} to {}: {} seen, {} unchanged, {} created, {} updated, {} cleared, \
             {} deleted, {} failed",
            run.kind,
            time(run.started_at),
            time(run.finished_at),
            run.seen,
            run.unchanged,
            run.created,
            run.updated,
            run.cleared,
            run.deleted,
            run.failed
        );
    }
    let _ = writeln!(out, "failing: {}", status.failures.len());
    for failure in &status.failures {
        let _ = writeln!(
            out,
            "  {} {} ({}, {} attempts since {}): {}",
            failure.kind,
            failure.key,
            failure.operation,
            failure.attempts,
            time(failure.first_failure),
            failure.error
        );
    }
}
