//! What a run did ([`SyncReport`]) and how it runs ([`SyncOptions`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::error::Error;

/// What was tried for an item that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// Checking the input (usercom's checks, a key given twice): nothing was sent.
    Check,
    /// Creating or updating a user by its `user_id` (a user new to the store).
    Upsert,
    /// Sending a user's changed attributes.
    Update,
    /// Deleting a user the inputs no longer have.
    Delete,
    /// Sending an event.
    Send,
}

impl Operation {
    /// Its name, as the failures table keeps it.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Check => "check",
            Operation::Upsert => "upsert",
            Operation::Update => "update",
            Operation::Delete => "delete",
            Operation::Send => "send",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An item that failed in a run: its key, what was tried, and why. It stays in the store's
/// failures table and is tried again by every later run until it succeeds.
#[derive(Debug)]
#[non_exhaustive]
pub struct Failure {
    /// The user's `user_id`, or the event's key.
    pub key: String,
    /// The input's index in the run (counted from 0); `None` for a deletion, which no input
    /// asked for.
    pub index: Option<usize>,
    /// What was tried.
    pub operation: Operation,
    /// Why it failed.
    pub error: Error,
}

/// What a run did. Each input is counted once: `seen = unchanged + created + updated +
/// failed` (events: `updated` counts the events sent).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct SyncReport {
    /// Inputs read.
    pub seen: usize,
    /// Inputs equal to what User.com last accepted: nothing sent.
    pub unchanged: usize,
    /// Users created in User.com.
    pub created: usize,
    /// Users updated (their changed attributes sent); for events, events sent.
    pub updated: usize,
    /// Attributes cleared in users updated (sent as `null`: they had a value in the state
    /// User.com last accepted, and have none now). The `null`s of a user's first upsert are
    /// not counted: whether User.com had a value is not known.
    pub cleared: usize,
    /// Users deleted in User.com (deletion on: the inputs no longer have them).
    pub deleted: usize,
    /// The items that failed, each with its error.
    pub failed: Vec<Failure>,
    /// Items that had failed in an earlier run and were tried again.
    pub retried: usize,
    /// How long the run took.
    pub duration: Duration,
    /// Deletions that were due but not made, because there were more than
    /// [`SyncOptions::max_deletions`] allows: `Some(how many)`.
    pub deletions_withheld: Option<usize>,
    /// Events whose outcome is unknown (their answer was lost): in `failed` too; not sent
    /// again unless [`SyncOptions::at_least_once`].
    pub unknown: usize,
}

impl SyncReport {
    /// Whether every item succeeded (and no deletion was withheld).
    pub fn is_clean(&self) -> bool {
        self.failed.is_empty() && self.deletions_withheld.is_none()
    }
}

/// How far a run has come: reported by [`SyncOptions::on_progress`] and
/// [`SyncOptions::progress_channel`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncProgress {
    /// Inputs read.
    pub seen: usize,
    /// Inputs unchanged (nothing sent).
    pub unchanged: usize,
    /// Inputs sent and accepted.
    pub sent: usize,
    /// Inputs failed.
    pub failed: usize,
    /// Whether the run is over.
    pub finished: bool,
}

type Report = Arc<dyn Fn(&SyncProgress) + Send + Sync>;

/// How a run goes: requests in flight, progress reports, deletions, events' delivery.
///
/// ```
/// use usercom_sync::SyncOptions;
/// let (options, progress) = SyncOptions::new()
///     .concurrency(16)
///     .delete_missing(true)
///     .progress_channel();
/// assert_eq!(progress.borrow().seen, 0);
/// # let _ = options;
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct SyncOptions {
    pub(crate) concurrency: usize,
    pub(crate) on_progress: Option<Report>,
    pub(crate) channel: Option<watch::Sender<SyncProgress>>,
    pub(crate) delete_missing: bool,
    pub(crate) max_deletions: f64,
    pub(crate) at_least_once: bool,
}

impl fmt::Debug for SyncOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncOptions")
            .field("concurrency", &self.concurrency)
            .field("on_progress", &self.on_progress.is_some())
            .field("progress_channel", &self.channel.is_some())
            .field("delete_missing", &self.delete_missing)
            .field("max_deletions", &self.max_deletions)
            .field("at_least_once", &self.at_least_once)
            .finish()
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions::new()
    }
}

impl SyncOptions {
    /// Concurrency 16, no progress reports, no deletions, events at most once.
    pub fn new() -> SyncOptions {
        SyncOptions {
            concurrency: 16,
            on_progress: None,
            channel: None,
            delete_missing: false,
            max_deletions: 0.1,
            at_least_once: false,
        }
    }

    /// At most `concurrency` requests in flight (0 is taken as 1).
    #[must_use]
    pub fn concurrency(mut self, concurrency: usize) -> SyncOptions {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Calls `report` after every input's outcome, and once more at the end. It runs
    /// inside the run: keep it short.
    #[must_use]
    pub fn on_progress<F>(mut self, report: F) -> SyncOptions
    where
        F: Fn(&SyncProgress) + Send + Sync + 'static,
    {
        self.on_progress = Some(Arc::new(report));
        self
    }

    /// Reports the progress to a `tokio` watch channel as well, whose receiver is returned.
    pub fn progress_channel(mut self) -> (SyncOptions, watch::Receiver<SyncProgress>) {
        let (sender, receiver) = watch::channel(SyncProgress::default());
        self.channel = Some(sender);
        (self, receiver)
    }

    /// Deletes in User.com the users the store knows and the inputs no longer have (a
    /// person's erasure, say), once the run has read every input. Only for runs given
    /// every user: a run over part of them would delete the rest. Off by default.
    #[must_use]
    pub fn delete_missing(mut self, on: bool) -> SyncOptions {
        self.delete_missing = on;
        self
    }

    /// The most a run may delete, as a share of the users the store knows (0.1 by default):
    /// a run that would delete more deletes nothing and says so
    /// ([`SyncReport::deletions_withheld`]), since inputs missing so many users are more
    /// likely a broken query than so many erasures. `1.0` allows any number.
    #[must_use]
    pub fn max_deletions(mut self, share: f64) -> SyncOptions {
        self.max_deletions = if share.is_nan() {
            0.0
        } else {
            share.clamp(0.0, 1.0)
        };
        self
    }

    /// Sends an event again when its earlier answer was lost (its outcome unknown): User.com
    /// may then have it twice. Off by default: an event is sent at most once per key.
    #[must_use]
    pub fn at_least_once(mut self, on: bool) -> SyncOptions {
        self.at_least_once = on;
        self
    }

    pub(crate) fn report(&self, progress: &SyncProgress) {
        if let Some(report) = &self.on_progress {
            report(progress);
        }
        if let Some(channel) = &self.channel {
            channel.send_replace(progress.clone());
        }
    }
}
