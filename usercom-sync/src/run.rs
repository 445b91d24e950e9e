//! What every run does around its work: the lock, the pace resumed and kept, the failures
//! of earlier runs, the report and the progress, the run recorded.

use std::collections::HashSet;
use std::time::Instant;

use usercom_core::Client;

use crate::error::Error;
use crate::report::{SyncOptions, SyncProgress, SyncReport};
use crate::store::now_ms;
use crate::store::rows::Kind;
use crate::store::RunGuard;
use crate::Store;

/// A run under way.
pub(crate) struct Run<'a> {
    _lock: RunGuard<'a>,
    kind: Kind,
    started: (Instant, i64),
    /// The keys that failed in an earlier run: an input among them is `retried`.
    pub(crate) earlier_failures: HashSet<String>,
    pub(crate) report: SyncReport,
    pub(crate) progress: SyncProgress,
}

impl Run<'_> {
    /// Counts an input read, tried again when it had failed before.
    pub(crate) fn seen(&mut self, key: Option<&str>) {
        self.report.seen += 1;
        self.progress.seen += 1;
        if key.is_some_and(|key| self.earlier_failures.contains(key)) {
            self.report.retried += 1;
        }
    }
}

impl Store {
    /// Starts a run of `kind` with `client`: takes the run lock, starts the client at the
    /// pace kept, reads the earlier failures.
    pub(crate) async fn start_run(&self, client: &Client, kind: Kind) -> Result<Run<'_>, Error> {
        let lock = self.lock_run().await?;
        let started = (Instant::now(), now_ms());
        self.resume_pace(client).await?;
        let earlier_failures = self.failed_keys(kind).await?;
        Ok(Run {
            _lock: lock,
            kind,
            started,
            earlier_failures,
            report: SyncReport::default(),
            progress: SyncProgress::default(),
        })
    }

    /// Ends `run`: records it and the pace the client paces at, reports the end.
    pub(crate) async fn finish_run(
        &self,
        client: &Client,
        mut run: Run<'_>,
        options: &SyncOptions,
    ) -> Result<SyncReport, Error> {
        run.report.duration = run.started.0.elapsed();
        let name = match run.kind {
            Kind::User => "users",
            Kind::Event => "events",
        };
        self.record_run(name, run.started.1, &run.report).await?;
        // Only a run without failures teaches a pace to keep: an outage's refusals
        // (`503`s) would be kept as a limit.
        if run.report.failed.is_empty() {
            self.keep_pace(client).await?;
        }
        run.progress.finished = true;
        options.report(&run.progress);
        Ok(run.report)
    }
}
