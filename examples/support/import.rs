//! The import behind `bulk_import`: CSV rows to User.com at the server's pace, resumable
//! through a journal.
//!
//! # The journal
//!
//! An append-only text file, one line per event, keyed by the row's `id` column:
//!
//! ```text
//! # usercom bulk_import journal 1
//! start 101                  the row is about to be sent (synced before it is)
//! done 101 1000 created      finished: its User.com id, created or updated
//! failed 101 not-sent ...    failed, nothing created (a refused value, a throttled request)
//! failed 101 unknown ...     failed after sending: it may have been processed
//! exists 101 1000 ...        created, but its custom attributes were not set
//! ```
//!
//! `start` lines are written and synced (`fsync`) a batch at a time, before the batch's rows
//! are handed to the client; the other lines are synced every batch of outcomes and at the
//! end. Run again with the same journal, the import skips the rows that are `done`; a row
//! that was started but has no outcome (the process died meanwhile) or failed with an
//! unknown outcome is, in create mode, listed and not sent again (the user may exist: look
//! it up first), and in upsert mode sent again (an upsert is safe to repeat). Rows that
//! failed without effect are sent again. A line cut short by a crash is ignored.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::Deserialize;
use usercom::{BulkOptions, Client, Error, IntoUserComUser, Progress};

/// One row of the CSV file: serde reads it, the derive maps it to User.com.
#[derive(Debug, Deserialize, IntoUserComUser)]
pub struct Row {
    /// The application's id, User.com's `user_id`: the journal's key, and what upserts match.
    #[usercom(user_id)]
    pub id: u64,
    #[usercom(email)]
    pub email: String,
    #[usercom(first_name)]
    pub first_name: String,
    #[usercom(last_name)]
    pub last_name: String,
    #[usercom(score)]
    pub score: i64,
    #[usercom(attribute = "plan")]
    pub plan: Option<String>,
    #[usercom(notifications)]
    pub newsletter: bool,
}

/// Plain creates, or upserts matched on `user_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `create_users`: not idempotent, so an unknown outcome is never sent again.
    Create,
    /// `upsert_users`: safe to repeat.
    Upsert,
}

/// What the progress callback sees.
#[derive(Debug)]
pub struct Status<'a> {
    /// Rows in the file.
    pub rows: usize,
    /// Rows skipped so far: finished in an earlier run, or listed as unknown.
    pub skipped: usize,
    /// The client's report for the rows sent in this run.
    pub progress: &'a Progress,
}

/// A progress callback.
pub type OnProgress = Arc<dyn Fn(&Status<'_>) + Send + Sync>;

/// How to import.
#[derive(Clone)]
pub struct Options {
    /// Creates or upserts.
    pub mode: Mode,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// The journal, if the import is to be resumable.
    pub journal: Option<PathBuf>,
    /// Rows started, and outcomes written, per `fsync` of the journal.
    pub batch: usize,
    /// Set it to stop: no row is sent after it, the rows in flight finish, the journal is
    /// synced (Ctrl-C).
    pub stop: Arc<AtomicBool>,
    /// For tests: die as if killed when the outcome of the `n`th row sent in this run has
    /// arrived, before it is written to the journal, abandoning the rows in flight.
    pub crash_after: Option<usize>,
    /// Called with the progress after each outcome (draw a bar).
    pub on_progress: Option<OnProgress>,
}

impl Options {
    /// `mode` at `concurrency`, without a journal; a batch is `concurrency` rows.
    pub fn new(mode: Mode, concurrency: usize) -> Options {
        Options {
            mode,
            concurrency: concurrency.max(1),
            journal: None,
            batch: concurrency.max(1),
            stop: Arc::default(),
            crash_after: None,
            on_progress: None,
        }
    }
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Rows in the file.
    pub rows: usize,
    /// Users created by this run.
    pub created: usize,
    /// Users updated by this run (upserts).
    pub updated: usize,
    /// Rows finished in an earlier run, skipped.
    pub skipped: usize,
    /// Rows that failed: (line, reason).
    pub failed: Vec<(u64, String)>,
    /// Create mode: rows whose outcome an earlier run did not learn, not sent again:
    /// (line, id). The user may exist; look it up before importing it again.
    pub unknown: Vec<(u64, u64)>,
    /// Upsert mode: rows with an unknown outcome in an earlier run, sent again.
    pub resent: usize,
    /// Whether the import was stopped before the end of the file.
    pub interrupted: bool,
    /// Throttling answers (429, 503) received.
    pub throttled: u64,
    /// Time all requests were held back on the server's word.
    pub throttled_time: Duration,
    /// How long the import took.
    pub elapsed: Duration,
}

/// Why an import stopped without a summary.
#[derive(Debug)]
pub enum ImportError {
    /// The file or the journal could not be read or written.
    Io(String),
    /// [`Options::crash_after`] fired.
    Crashed,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io(message) => f.write_str(message),
            ImportError::Crashed => f.write_str("crashed on purpose (test hook)"),
        }
    }
}

impl std::error::Error for ImportError {}

/// What the journal says about a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Sent (or about to be), no outcome written.
    Started,
    /// Finished.
    Done,
    /// Failed without effect: send it again.
    NotSent,
    /// Failed after sending: it may have been processed.
    Unknown,
    /// Created, its custom attributes not set.
    Exists,
}

/// The journal file, open for appending.
struct Journal {
    file: File,
    path: PathBuf,
    unsynced: usize,
    batch: usize,
}

const JOURNAL_HEADER: &str = "# usercom bulk_import journal 1";

impl Journal {
    /// Opens (or creates) the journal at `path`, and reads what it says, row by row (the
    /// last line about a row wins).
    fn open(path: &Path, batch: usize) -> io::Result<(Journal, HashMap<u64, Entry>)> {
        let entries = read_journal(path)?;
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        if file.metadata()?.len() == 0 {
            writeln!(file, "{JOURNAL_HEADER}")?;
            file.sync_data()?;
        } else {
            // A line cut short by a crash must not swallow the next one.
            writeln!(file)?;
        }
        Ok((
            Journal {
                file,
                path: path.to_owned(),
                unsynced: 0,
                batch: batch.max(1),
            },
            entries,
        ))
    }

    /// Writes `start` lines for `ids` and syncs them: only then are the rows sent.
    fn started(&mut self, ids: &[u64]) -> io::Result<()> {
        let mut lines = String::new();
        for id in ids {
            lines.push_str(&format!("start {id}\n"));
        }
        self.file.write_all(lines.as_bytes())?;
        self.sync()
    }

    /// Writes an outcome line; syncs every `batch` of them.
    fn outcome(&mut self, line: &str) -> io::Result<()> {
        // One write per line, no buffer: a crash loses at most the unsynced tail.
        self.file.write_all(format!("{line}\n").as_bytes())?;
        self.unsynced += 1;
        if self.unsynced >= self.batch {
            self.sync()?;
        }
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.unsynced = 0;
        self.file.sync_data()
    }

    fn error(&self, err: io::Error) -> ImportError {
        ImportError::Io(format!(
            "cannot write the journal {}: {err}",
            self.path.display()
        ))
    }
}

/// What the journal at `path` says, row by row (empty if there is none yet).
pub fn read_journal(path: &Path) -> io::Result<HashMap<u64, Entry>> {
    let mut entries = HashMap::new();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(entries),
        Err(err) => return Err(err),
    };
    for line in BufReader::new(file).lines() {
        let line = line?;
        let mut words = line.split_whitespace();
        let (Some(kind), Some(id)) = (words.next(), words.next().and_then(|w| w.parse().ok()))
        else {
            continue;
        };
        let entry = match (kind, words.next()) {
            ("start", _) => Entry::Started,
            // A `done` line needs its User.com id and what happened: a torn one is no outcome.
            ("done", Some(user)) if user.parse::<u64>().is_ok() && words.next().is_some() => {
                Entry::Done
            }
            ("failed", Some("not-sent")) => Entry::NotSent,
            ("failed", Some("unknown")) => Entry::Unknown,
            ("exists", Some(user)) if user.parse::<u64>().is_ok() => Entry::Exists,
            _ => continue,
        };
        entries.insert(id, entry);
    }
    Ok(entries)
}

/// Whether `err` leaves nothing created or changed, so that the row can be sent again.
fn nothing_done(err: &Error) -> bool {
    if err.user_id().is_some() || err.outcome_unknown() {
        return false;
    }
    err.safe_to_retry()
        || matches!(err, Error::InvalidInput { .. } | Error::Config { .. })
        || err.status().is_some_and(|s| (400..500).contains(&s))
}

/// The rows of the file still to send, with their lines, started in the journal a batch
/// at a time.
struct Rows {
    records: csv::StringRecordsIntoIter<File>,
    headers: csv::StringRecord,
    mode: Mode,
    entries: HashMap<u64, Entry>,
    journal: Option<Arc<Mutex<Journal>>>,
    batch: usize,
    ready: VecDeque<(u64, Row)>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
}

/// What the rows and the outcome loop share.
#[derive(Default)]
struct Shared {
    /// Line and id of each row handed to the client, by its index in the stream.
    sent: Mutex<Vec<(u64, u64)>>,
    skipped: AtomicUsize,
    summary: Mutex<Summary>,
    /// The first journal error, if any.
    error: Mutex<Option<String>>,
}

impl Rows {
    /// The next row to send, not yet started in the journal.
    fn next_candidate(&mut self) -> Option<(u64, Row)> {
        for record in self.records.by_ref() {
            let parsed = record.and_then(|record| {
                let line = record.position().map_or(0, |p| p.line());
                record
                    .deserialize::<Row>(Some(&self.headers))
                    .map(|row| (line, row))
            });
            let (line, row) = match parsed {
                Ok(parsed) => parsed,
                Err(err) => {
                    let line = err.position().map_or(0, |p| p.line());
                    let reason = format!("unreadable row: {}", describe(&err, &self.headers));
                    self.shared
                        .summary
                        .lock()
                        .unwrap()
                        .failed
                        .push((line, reason));
                    continue;
                }
            };
            match (self.entries.get(&row.id), self.mode) {
                (Some(Entry::Done), _) => {
                    self.shared.skipped.fetch_add(1, Ordering::Relaxed);
                    self.shared.summary.lock().unwrap().skipped += 1;
                }
                (Some(Entry::Started | Entry::Unknown), Mode::Create) => {
                    self.shared.skipped.fetch_add(1, Ordering::Relaxed);
                    self.shared
                        .summary
                        .lock()
                        .unwrap()
                        .unknown
                        .push((line, row.id));
                }
                (Some(Entry::Exists), Mode::Create) => {
                    self.shared.skipped.fetch_add(1, Ordering::Relaxed);
                    self.shared.summary.lock().unwrap().failed.push((
                        line,
                        "created in an earlier run, but its custom attributes were not set: \
                         set them with `set_custom_attributes`; not created again"
                            .to_owned(),
                    ));
                }
                (Some(Entry::Started | Entry::Unknown | Entry::Exists), Mode::Upsert) => {
                    self.shared.summary.lock().unwrap().resent += 1;
                    return Some((line, row));
                }
                (Some(Entry::NotSent) | None, _) => return Some((line, row)),
            }
        }
        None
    }
}

impl Iterator for Rows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if self.stop.load(Ordering::SeqCst) {
            return None;
        }
        if self.ready.is_empty() {
            while self.ready.len() < self.batch {
                match self.next_candidate() {
                    Some(candidate) => self.ready.push_back(candidate),
                    None => break,
                }
            }
            if let Some(journal) = &self.journal {
                let ids: Vec<u64> = self.ready.iter().map(|(_, row)| row.id).collect();
                let mut journal = journal.lock().unwrap();
                if let Err(err) = journal.started(&ids) {
                    // Nothing is sent that the journal does not know about.
                    *self.shared.error.lock().unwrap() = Some(journal.error(err).to_string());
                    self.ready.clear();
                    return None;
                }
            }
        }
        let (line, row) = self.ready.pop_front()?;
        self.shared.sent.lock().unwrap().push((line, row.id));
        Some(row)
    }
}

/// The number of records in the file (a quick first pass, for the progress bar).
fn count_rows(path: &Path) -> Result<usize, ImportError> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|err| ImportError::Io(format!("cannot read {}: {err}", path.display())))?;
    Ok(reader.records().count())
}

/// Imports the rows of the CSV file at `path` with `client`, as `options` say.
pub async fn import(
    client: &Client,
    path: &Path,
    options: &Options,
) -> Result<Summary, ImportError> {
    let started = Instant::now();
    let rows = count_rows(path)?;
    let mut reader = csv::Reader::from_path(path)
        .map_err(|err| ImportError::Io(format!("cannot read {}: {err}", path.display())))?;
    let headers = reader
        .headers()
        .map_err(|err| {
            ImportError::Io(format!(
                "cannot read the header line of {}: {err}",
                path.display()
            ))
        })?
        .clone();
    let (journal, entries) = match &options.journal {
        Some(journal_path) => {
            let (journal, entries) = Journal::open(journal_path, options.batch).map_err(|err| {
                ImportError::Io(format!(
                    "cannot open the journal {}: {err}",
                    journal_path.display()
                ))
            })?;
            (Some(Arc::new(Mutex::new(journal))), entries)
        }
        None => (None, HashMap::new()),
    };
    let shared = Arc::new(Shared::default());
    let inputs = Rows {
        records: reader.into_records(),
        headers,
        mode: options.mode,
        entries,
        journal: journal.clone(),
        batch: options.batch.max(1),
        ready: VecDeque::new(),
        shared: shared.clone(),
        stop: options.stop.clone(),
    };

    let mut bulk = BulkOptions::new(options.concurrency);
    if let Some(report) = options.on_progress.clone() {
        let shared = shared.clone();
        bulk = bulk.on_progress(move |progress| {
            report(&Status {
                rows,
                skipped: shared.skipped.load(Ordering::Relaxed),
                progress,
            })
        });
    }
    let throttled_before = client.throttle_stats();
    // Both modes yield `(index, Result<(User.com id, created?), Error>)`.
    let mut outcomes = match options.mode {
        Mode::Create => client
            .create_users_with(inputs, bulk)
            .map(|(i, r)| (i, r.map(|user| (user.id, true))))
            .boxed(),
        Mode::Upsert => client
            .upsert_users_with(inputs, bulk)
            .map(|(i, r)| (i, r.map(|u| (u.user.id, u.created))))
            .boxed(),
    };
    let mut seen = 0usize;
    while let Some((index, result)) = outcomes.next().await {
        seen += 1;
        if options.crash_after == Some(seen) {
            return Err(ImportError::Crashed);
        }
        let (line, id) = shared.sent.lock().unwrap()[index];
        let (entry, failure) = match &result {
            Ok((user, created)) => (
                format!(
                    "done {id} {user} {}",
                    if *created { "created" } else { "updated" }
                ),
                None,
            ),
            Err(err) => {
                let reason = crate::chain(err).replace('\n', " ");
                let entry = match err.user_id() {
                    Some(user) => format!("exists {id} {user} {reason}"),
                    None if nothing_done(err) => format!("failed {id} not-sent {reason}"),
                    None => format!("failed {id} unknown {reason}"),
                };
                (entry, Some(reason))
            }
        };
        if let Some(journal) = &journal {
            let mut journal = journal.lock().unwrap();
            if let Err(err) = journal.outcome(&entry) {
                return Err(journal.error(err));
            }
        }
        let mut summary = shared.summary.lock().unwrap();
        match (result, failure) {
            (Ok((_, true)), _) => summary.created += 1,
            (Ok((_, false)), _) => summary.updated += 1,
            (Err(_), Some(reason)) => summary.failed.push((line, reason)),
            (Err(_), None) => {}
        }
    }
    drop(outcomes);
    if let Some(journal) = &journal {
        let mut journal = journal.lock().unwrap();
        if let Err(err) = journal.sync() {
            return Err(journal.error(err));
        }
    }
    if let Some(message) = shared.error.lock().unwrap().take() {
        return Err(ImportError::Io(message));
    }
    let throttled_after = client.throttle_stats();
    let mut summary = std::mem::take(&mut *shared.summary.lock().unwrap());
    summary.rows = rows;
    summary.interrupted = options.stop.load(Ordering::SeqCst);
    summary.throttled = throttled_after.throttled_answers - throttled_before.throttled_answers;
    summary.throttled_time = throttled_after
        .paused
        .saturating_sub(throttled_before.paused);
    summary.elapsed = started.elapsed();
    summary.failed.sort();
    summary.unknown.sort();
    Ok(summary)
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
