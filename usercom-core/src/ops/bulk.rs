//! Bulk operations with options: [`BulkOptions`] (concurrency, progress reports) and the
//! [`Progress`] they report.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::{Client, Error, IntoUserComUser, MapsUserId, Upserted, User};

/// A progress callback.
type Report = Arc<dyn Fn(&Progress) + Send + Sync>;

/// The window [`Progress::pace`] is measured over.
const PACE_WINDOW: Duration = Duration::from_secs(5);

/// How a bulk operation runs: how many requests at once, and where it reports its progress.
///
/// ```no_run
/// # async fn run(client: usercom_core::Client, customers: Vec<usercom_core::CreateUser<'static>>) {
/// use futures_util::StreamExt;
/// use usercom_core::BulkOptions;
/// let (options, mut progress) = BulkOptions::new(32).progress_channel();
/// tokio::spawn(async move {
///     while progress.changed().await.is_ok() {
///         let p = progress.borrow().clone();
///         eprint!("\r{} done, {} failed, {:.0}/s", p.done, p.failed, p.pace);
///     }
/// });
/// let outcomes: Vec<_> = client.create_users_with(&customers, options).collect().await;
/// # }
/// ```
#[derive(Clone)]
pub struct BulkOptions {
    concurrency: usize,
    on_progress: Option<Report>,
    channel: Option<watch::Sender<Progress>>,
}

impl fmt::Debug for BulkOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkOptions")
            .field("concurrency", &self.concurrency)
            .field("on_progress", &self.on_progress.is_some())
            .field("progress_channel", &self.channel.is_some())
            .finish()
    }
}

impl Default for BulkOptions {
    /// Concurrency 8, no progress reports.
    fn default() -> Self {
        BulkOptions::new(8)
    }
}

impl BulkOptions {
    /// At most `concurrency` requests in flight (0 is taken as 1), no progress reports.
    pub fn new(concurrency: usize) -> BulkOptions {
        BulkOptions {
            concurrency: concurrency.max(1),
            on_progress: None,
            channel: None,
        }
    }

    /// At most `concurrency` requests in flight (0 is taken as 1).
    #[must_use]
    pub fn concurrency(mut self, concurrency: usize) -> BulkOptions {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Calls `report` with the [`Progress`] after every input's outcome, and once more when
    /// the run is over ([`Progress::finished`]). It runs inside the stream's polling: keep
    /// it short (update a progress bar, store a number).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use std::sync::Arc;
    /// use usercom_core::BulkOptions;
    /// let done = Arc::new(AtomicU64::new(0));
    /// let seen = done.clone();
    /// let options = BulkOptions::new(16).on_progress(move |p| seen.store(p.done, Ordering::Relaxed));
    /// # let _ = options;
    /// ```
    #[must_use]
    pub fn on_progress<F>(mut self, report: F) -> BulkOptions
    where
        F: Fn(&Progress) + Send + Sync + 'static,
    {
        self.on_progress = Some(Arc::new(report));
        self
    }

    /// Reports the [`Progress`] to a `tokio` watch channel as well, whose receiver is
    /// returned: another task can draw it at its own pace.
    ///
    /// ```
    /// let (options, progress) = usercom_core::BulkOptions::new(8).progress_channel();
    /// assert_eq!(progress.borrow().done, 0);
    /// # let _ = options;
    /// ```
    pub fn progress_channel(mut self) -> (BulkOptions, watch::Receiver<Progress>) {
        let (sender, receiver) = watch::channel(Progress::default());
        self.channel = Some(sender);
        (self, receiver)
    }
}

/// How far a bulk operation has come: reported by [`BulkOptions::on_progress`] and
/// [`BulkOptions::progress_channel`].
///
/// `done + failed` counts the inputs whose outcome has been yielded; at the end
/// ([`finished`](Progress::finished)) it is the number of inputs.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// Inputs that succeeded.
    pub done: u64,
    /// Inputs that failed (their error is in the stream).
    pub failed: u64,
    /// Inputs under way (sent, waiting for the throttle, or being retried).
    pub in_flight: u64,
    /// Throttling answers (`429`, `503`) the client received during the run; their requests
    /// were retried unless their input failed.
    pub throttled: u64,
    /// How long the client held all its requests back during the run (`Retry-After`, or the
    /// short pause after a refusal without it).
    pub throttled_time: Duration,
    /// Time since the run started.
    pub elapsed: Duration,
    /// Inputs finished per second, over the last 5 seconds.
    pub pace: f64,
    /// The rate the client paces its requests at, learned from the server's refusals
    /// (`None`: not paced); see [`Client::throttle_stats`].
    pub learned_rate: Option<f64>,
    /// Whether the run is over: every input has its outcome.
    pub finished: bool,
}

/// The counts of one run.
struct Run {
    client: Client,
    options: BulkOptions,
    started: Instant,
    throttled_before: u64,
    paused_before: Duration,
    state: Mutex<RunState>,
}

#[derive(Default)]
struct RunState {
    started: u64,
    done: u64,
    failed: u64,
    recent: VecDeque<Instant>,
}

impl Run {
    fn new(client: &Client, options: BulkOptions) -> Arc<Run> {
        let stats = client.throttle_stats();
        Arc::new(Run {
            client: client.clone(),
            options,
            started: Instant::now(),
            throttled_before: stats.throttled_answers,
            paused_before: stats.paused,
            state: Mutex::new(RunState::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RunState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn reports(&self) -> bool {
        self.options.on_progress.is_some() || self.options.channel.is_some()
    }

    fn input_started(&self) {
        self.lock().started += 1;
    }

    fn outcome(&self, ok: bool) {
        {
            let mut state = self.lock();
            if ok {
                state.done += 1;
            } else {
                state.failed += 1;
            }
            if self.reports() {
                let now = Instant::now();
                state.recent.push_back(now);
                while state
                    .recent
                    .front()
                    .is_some_and(|&at| now.saturating_duration_since(at) > PACE_WINDOW)
                {
                    state.recent.pop_front();
                }
            }
        }
        self.report(false);
    }

    fn report(&self, finished: bool) {
        if !self.reports() {
            return;
        }
        let stats = self.client.throttle_stats();
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(self.started);
        let progress = {
            let state = self.lock();
            let span = elapsed.min(PACE_WINDOW).as_secs_f64();
            Progress {
                done: state.done,
                failed: state.failed,
                in_flight: state.started - state.done - state.failed,
                throttled: stats.throttled_answers - self.throttled_before,
                throttled_time: stats.paused.saturating_sub(self.paused_before),
                elapsed,
                pace: if span > 0.0 {
                    state.recent.len() as f64 / span
                } else {
                    0.0
                },
                learned_rate: stats.learned_rate,
                finished,
            }
        };
        if let Some(report) = &self.options.on_progress {
            report(&progress);
        }
        if let Some(channel) = &self.options.channel {
            channel.send_replace(progress);
        }
    }
}

/// `outcomes`, counted and reported by `run`, with a last report when it ends.
fn reported<'a, T: 'a>(
    run: Arc<Run>,
    outcomes: impl Stream<Item = (usize, Result<T, Error>)> + Send + 'a,
) -> impl Stream<Item = (usize, Result<T, Error>)> + Send + 'a {
    futures_util::stream::unfold(
        (Box::pin(outcomes), run, false),
        |(mut outcomes, run, ended)| async move {
            if ended {
                return None;
            }
            match outcomes.next().await {
                Some(outcome) => {
                    run.outcome(outcome.1.is_ok());
                    Some((outcome, (outcomes, run, false)))
                }
                None => {
                    run.report(true);
                    None
                }
            }
        },
    )
}

impl Client {
    /// [`Client::create_users`] with [`BulkOptions`]: the concurrency, and progress reports
    /// (done, failed, throttled, pace) for a progress bar. Inputs may be borrowed
    /// (`&customers`, `customers.iter()`): nothing is copied.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client, customers: Vec<usercom_core::CreateUser<'static>>) {
    /// use futures_util::StreamExt;
    /// use usercom_core::BulkOptions;
    /// let options = BulkOptions::new(32)
    ///     .on_progress(|p| eprint!("\r{} of {}", p.done + p.failed, 1000));
    /// let failed = client
    ///     .create_users_with(&customers, options)
    ///     .filter(|(_, result)| std::future::ready(result.is_err()))
    ///     .count()
    ///     .await;
    /// # }
    /// ```
    pub fn create_users_with<'a, I>(
        &'a self,
        inputs: I,
        options: BulkOptions,
    ) -> impl Stream<Item = (usize, Result<User, Error>)> + Send + 'a
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + Send + Sync + 'a,
    {
        self.create_users_from_stream_with(futures_util::stream::iter(inputs), options)
    }

    /// [`Client::create_users_from_stream`] with [`BulkOptions`].
    pub fn create_users_from_stream_with<'a, S>(
        &'a self,
        inputs: S,
        options: BulkOptions,
    ) -> impl Stream<Item = (usize, Result<User, Error>)> + Send + 'a
    where
        S: Stream + Send + 'a,
        S::Item: IntoUserComUser + Send + Sync + 'a,
    {
        let concurrency = options.concurrency;
        let run = Run::new(self, options);
        let counting = run.clone();
        let outcomes = inputs
            .enumerate()
            .map(move |(index, input)| {
                counting.input_started();
                async move { (index, self.create_user(&input).await) }
            })
            .buffer_unordered(concurrency);
        reported(run, outcomes)
    }

    /// [`Client::upsert_users`] with [`BulkOptions`]: the concurrency, and progress reports.
    /// Inputs may be borrowed.
    ///
    /// ```no_run
    /// # async fn run(client: usercom_core::Client, rows: Vec<usercom_core::CreateUser<'static>>) {
    /// use futures_util::StreamExt;
    /// use usercom_core::BulkOptions;
    /// let (options, progress) = BulkOptions::new(16).progress_channel();
    /// let outcomes: Vec<_> = client.upsert_users_with(rows.iter(), options).collect().await;
    /// assert!(progress.borrow().finished);
    /// # }
    /// ```
    pub fn upsert_users_with<'a, I>(
        &'a self,
        inputs: I,
        options: BulkOptions,
    ) -> impl Stream<Item = (usize, Result<Upserted, Error>)> + Send + 'a
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + MapsUserId + Send + Sync + 'a,
    {
        let concurrency = options.concurrency;
        let run = Run::new(self, options);
        let counting = run.clone();
        let outcomes = futures_util::stream::iter(inputs)
            .enumerate()
            .map(move |(index, input)| {
                counting.input_started();
                async move { (index, self.upsert_user(&input).await) }
            })
            .buffer_unordered(concurrency);
        reported(run, outcomes)
    }
}
