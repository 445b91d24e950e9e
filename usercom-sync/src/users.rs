//! Syncing users: each input compared with what User.com last accepted, only what changed
//! sent, and what User.com accepts recorded.

use std::collections::HashMap;

use futures_util::stream::{FuturesUnordered, Stream, StreamExt};
use usercom_core::{Client, IntoUserComUser, User};

use crate::error::Error;
use crate::report::{Failure, Operation, SyncOptions, SyncProgress, SyncReport};
use crate::state::{self, Change, Checked, State};
use crate::store::rows::Kind;
use crate::Store;

/// Inputs read and compared at a time (one query for their states).
const CHUNK: usize = 512;

/// What happened to one user: [`Store::sync_user`]'s answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SyncedUser {
    /// Equal to what User.com last accepted: nothing was sent.
    Unchanged,
    /// Created in User.com (new to the store and to User.com).
    Created(User),
    /// Updated: its changed attributes were sent (new to the store but already in
    /// User.com: all of them), `cleared` of them as `null`.
    Updated {
        /// The user as User.com answered.
        user: User,
        /// Attributes cleared.
        cleared: usize,
    },
}

/// An input that needs sending.
struct Work<T> {
    index: usize,
    input: T,
    checked: Checked,
    /// What changed since the kept state; `None`: new to the store.
    change: Option<Change>,
}

/// An input compared: work to send, or its outcome already known.
enum Step<T> {
    Send(Work<T>),
    Done(Outcome),
}

/// One input's outcome in a run.
enum Outcome {
    Unchanged,
    /// Boxed: a user is large, and most outcomes are not one.
    Synced(Box<SyncedUser>),
    Failed(Failure),
}

impl Store {
    /// Makes User.com's users equal to `inputs`, sending only what changed since the last
    /// run (see the crate's documentation); at concurrency 16.
    ///
    /// Inputs may be owned or borrowed (`&users`, `users.iter()`), as
    /// [`Client::create_users`] takes them; every input needs a `user_id`, checked at
    /// compile time. The run fails as a whole only when the store fails; an input that
    /// fails is in [`SyncReport::failed`] and in the store's failures table, and is tried
    /// again by the next run.
    pub async fn sync_users<I>(&self, client: &Client, inputs: I) -> Result<SyncReport, Error>
    where
        I: IntoIterator,
        I::IntoIter: Send,
        I::Item: SyncableUser + Send + Sync,
    {
        self.sync_users_with(client, inputs, SyncOptions::new())
            .await
    }

    /// [`Store::sync_users`] with [`SyncOptions`]: concurrency, progress, deletions.
    pub async fn sync_users_with<I>(
        &self,
        client: &Client,
        inputs: I,
        options: SyncOptions,
    ) -> Result<SyncReport, Error>
    where
        I: IntoIterator,
        I::IntoIter: Send,
        I::Item: SyncableUser + Send + Sync,
    {
        let inputs = futures_util::stream::iter(inputs);
        self.sync_users_from_stream_with(client, inputs, options)
            .await
    }

    /// [`Store::sync_users`] for inputs that arrive as a [`Stream`] (a database cursor).
    pub async fn sync_users_from_stream<S>(
        &self,
        client: &Client,
        inputs: S,
    ) -> Result<SyncReport, Error>
    where
        S: Stream + Send,
        S::Item: SyncableUser + Send + Sync,
    {
        self.sync_users_from_stream_with(client, inputs, SyncOptions::new())
            .await
    }

    /// [`Store::sync_users_from_stream`] with [`SyncOptions`].
    pub async fn sync_users_from_stream_with<S>(
        &self,
        client: &Client,
        inputs: S,
        options: SyncOptions,
    ) -> Result<SyncReport, Error>
    where
        S: Stream + Send,
        S::Item: SyncableUser + Send + Sync,
    {
        let mut run = self.start_run(client, Kind::User).await?;
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut inputs = std::pin::pin!(inputs.enumerate().ready_chunks(CHUNK));
        let mut in_flight = FuturesUnordered::new();
        let mut waiting = std::collections::VecDeque::new();
        // The chunk being compared with the store: polled beside the requests in flight,
        // never awaited alone (a request may hold the store's one SQLite connection, and
        // would wait for ever if it were not polled).
        let mut comparing = None;
        let mut exhausted = false;
        loop {
            while in_flight.len() < options.concurrency {
                let Some(work) = waiting.pop_front() else {
                    break;
                };
                in_flight.push(self.send_user(client, work));
            }
            if exhausted && comparing.is_none() && in_flight.is_empty() && waiting.is_empty() {
                break;
            }
            let read_more =
                !exhausted && comparing.is_none() && waiting.len() < options.concurrency;
            tokio::select! {
                Some(outcome) = in_flight.next(), if !in_flight.is_empty() => {
                    tally(&mut run.report, &mut run.progress, outcome?);
                }
                chunk = inputs.next(), if read_more => match chunk {
                    Some(chunk) => {
                        let known = std::mem::take(&mut seen);
                        comparing = Some(Box::pin(self.compare_and_record(chunk, known)));
                    }
                    None => exhausted = true,
                },
                (known, steps) = async { comparing.as_mut().expect("checked").await },
                    if comparing.is_some() =>
                {
                    comparing = None;
                    seen = known;
                    for step in steps? {
                        let key = match &step {
                            Step::Send(work) => Some(work.checked.key.as_str()),
                            Step::Done(Outcome::Failed(failure)) => Some(failure.key.as_str()),
                            Step::Done(_) => None,
                        };
                        run.seen(key);
                        match step {
                            Step::Send(work) => waiting.push_back(work),
                            Step::Done(outcome) => {
                                tally(&mut run.report, &mut run.progress, outcome)
                            }
                        }
                    }
                }
                else => break,
            }
            options.report(&run.progress);
        }
        if options.delete_missing {
            self.delete_missing(client, &seen, &options, &mut run.report)
                .await?;
        }
        self.finish_run(client, run, &options).await
    }

    /// Syncs one user now (from a request handler, after the app's own write), by the
    /// rules of a run: nothing is sent when it is unchanged; what User.com accepts is
    /// recorded, so the next run has nothing to send for it; a failure is recorded, and
    /// the next run repairs it. Returns what was done, or the error.
    ///
    /// It does not wait for a run in progress: a run and `sync_user` on the same user at
    /// the same moment may both send its change (an idempotent update, never a second
    /// user).
    pub async fn sync_user<T>(&self, client: &Client, value: &T) -> Result<SyncedUser, Error>
    where
        T: SyncableUser + Sync + ?Sized,
    {
        let mut seen = HashMap::new();
        let step = self.compare(vec![(0, value)], &mut seen).await?.pop();
        let outcome = match step {
            Some(Step::Send(work)) => self.send_user(client, work).await?,
            Some(Step::Done(outcome)) => outcome,
            None => Outcome::Unchanged,
        };
        match outcome {
            Outcome::Unchanged => Ok(SyncedUser::Unchanged),
            Outcome::Synced(done) => Ok(*done),
            Outcome::Failed(failure) => {
                if failure.operation == Operation::Check {
                    self.record_failure(Kind::User, &failure.key, "check", &failure.error)
                        .await?;
                }
                Err(failure.error)
            }
        }
    }

    /// [`Store::compare`] for a run: `seen` moved in and handed back, and the inputs that
    /// failed their checks recorded in the failures table.
    async fn compare_and_record<T: IntoUserComUser>(
        &self,
        chunk: Vec<(usize, T)>,
        mut seen: HashMap<String, usize>,
    ) -> (HashMap<String, usize>, Result<Vec<Step<T>>, Error>) {
        let steps = match self.compare(chunk, &mut seen).await {
            Ok(steps) => steps,
            Err(err) => return (seen, Err(err)),
        };
        for step in &steps {
            if let Step::Done(Outcome::Failed(failure)) = step {
                let recorded = self
                    .record_failure(Kind::User, &failure.key, "check", &failure.error)
                    .await;
                if let Err(err) = recorded {
                    return (seen, Err(err));
                }
            }
        }
        (seen, Ok(steps))
    }

    /// Checks a chunk of inputs and compares each with its kept state: the work to send,
    /// or the outcome already known (unchanged, or failed its checks).
    async fn compare<T: IntoUserComUser>(
        &self,
        chunk: Vec<(usize, T)>,
        seen: &mut HashMap<String, usize>,
    ) -> Result<Vec<Step<T>>, Error> {
        let checked: Vec<(usize, T, Result<Checked, Error>)> = chunk
            .into_iter()
            .map(|(index, input)| {
                let checked = state::check(&input);
                (index, input, checked)
            })
            .collect();
        let keys: Vec<&str> = checked
            .iter()
            .filter_map(|(_, _, c)| c.as_ref().ok().map(|c| c.key.as_str()))
            .collect();
        let kept = self.states(&keys).await?;
        let mut steps = Vec::with_capacity(checked.len());
        for (index, input, checked) in checked {
            let failed = |key: String, error| {
                Step::Done(Outcome::Failed(Failure {
                    key,
                    index: Some(index),
                    operation: Operation::Check,
                    error,
                }))
            };
            let checked = match checked {
                Ok(checked) => checked,
                Err(error) => {
                    let key = input
                        .to_create_user()
                        .ok()
                        .and_then(|p| p.user_id.map(|id| id.as_str().to_owned()))
                        .unwrap_or_else(|| format!("#{index}"));
                    steps.push(failed(key, error));
                    continue;
                }
            };
            if let Some(&first) = seen.get(&checked.key) {
                let key = checked.key.clone();
                steps.push(failed(key.clone(), Error::DuplicateKey { key, first }));
                continue;
            }
            seen.insert(checked.key.clone(), index);
            let change = match kept.get(&checked.key) {
                None => None,
                Some(text) => {
                    let old: State = match state::parse(&checked.key, text) {
                        Ok(old) => old,
                        Err(error) => {
                            steps.push(failed(checked.key.clone(), error));
                            continue;
                        }
                    };
                    let change = Change::between(&old, &checked.state);
                    if change.is_empty() {
                        steps.push(Step::Done(Outcome::Unchanged));
                        continue;
                    }
                    Some(change)
                }
            };
            steps.push(Step::Send(Work {
                index,
                input,
                checked,
                change,
            }));
        }
        Ok(steps)
    }

    /// Sends one user's work, and records the outcome: its new state when User.com
    /// accepted it, its failure otherwise. An error is the store's.
    async fn send_user<T: IntoUserComUser>(
        &self,
        client: &Client,
        work: Work<T>,
    ) -> Result<Outcome, Error> {
        let Work {
            index,
            input,
            checked,
            change,
        } = work;
        let (operation, sent) = match &change {
            Some(change) => {
                // Checked before: writing the payload again cannot fail.
                let payload = input.to_create_user()?;
                let update = change.update(&payload);
                let cleared = change.removed.len();
                match client.update_user_by_user_id(&update).await {
                    Ok(user) => (Operation::Update, Ok(SyncedUser::Updated { user, cleared })),
                    // Deleted in User.com since: created again, whole.
                    Err(err) if err.status() == Some(404) => {
                        (Operation::Upsert, upsert(client, &input).await)
                    }
                    Err(err) => (Operation::Update, Err(err)),
                }
            }
            None => (Operation::Upsert, upsert(client, &input).await),
        };
        match sent {
            Ok(done) => {
                let id = match &done {
                    SyncedUser::Created(user) | SyncedUser::Updated { user, .. } => user.id,
                    SyncedUser::Unchanged => 0,
                };
                self.record_user(&checked.key, &state::write(&checked.state), id)
                    .await?;
                Ok(Outcome::Synced(Box::new(done)))
            }
            Err(err) => {
                let error = Error::Usercom(err);
                self.record_failure(Kind::User, &checked.key, operation.as_str(), &error)
                    .await?;
                Ok(Outcome::Failed(Failure {
                    key: checked.key,
                    index: Some(index),
                    operation,
                    error,
                }))
            }
        }
    }

    /// Deletes the users the store knows and `seen` does not, unless there are more than
    /// the options allow.
    async fn delete_missing(
        &self,
        client: &Client,
        seen: &HashMap<String, usize>,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<(), Error> {
        let known = self.known_users().await?;
        let missing: Vec<String> = known
            .iter()
            .filter(|(key, _)| !seen.contains_key(key))
            .map(|(key, _)| key.clone())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        if missing.len() as f64 > options.max_deletions * known.len() as f64 {
            report.deletions_withheld = Some(missing.len());
            return Ok(());
        }
        let deletions = futures_util::stream::iter(missing)
            .map(|key| async move {
                let result = client.delete_user_by_user_id(&key).await;
                (key, result)
            })
            .buffer_unordered(options.concurrency);
        let mut deletions = std::pin::pin!(deletions);
        while let Some((key, result)) = deletions.next().await {
            match result {
                // Deleted, or already gone: either way not in User.com any more.
                Ok(_) => {
                    self.forget_user(&key).await?;
                    report.deleted += 1;
                }
                Err(err) => {
                    let error = Error::Usercom(err);
                    self.record_failure(Kind::User, &key, "delete", &error)
                        .await?;
                    report.failed.push(Failure {
                        key,
                        index: None,
                        operation: Operation::Delete,
                        error,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Upserts a whole user: created, or (already in User.com) updated. Every attribute the
/// value maps and has no value for is sent as `null`: the store has no earlier state to
/// compare with, and User.com may hold a value the application no longer has.
async fn upsert<T: IntoUserComUser>(
    client: &Client,
    input: &T,
) -> Result<SyncedUser, usercom_core::Error> {
    let mut whole = usercom_core::CreateUser::new().record_unset();
    input.write_user_com_user(&mut whole)?;
    whole.clear_unset();
    let upserted = client.upsert_user(&whole).await?;
    Ok(if upserted.created {
        SyncedUser::Created(upserted.user)
    } else {
        SyncedUser::Updated {
            user: upserted.user,
            cleared: 0,
        }
    })
}

/// Counts an outcome in the report and the progress.
fn tally(report: &mut SyncReport, progress: &mut SyncProgress, outcome: Outcome) {
    match outcome {
        Outcome::Unchanged => {
            report.unchanged += 1;
            progress.unchanged += 1;
        }
        Outcome::Synced(done) => {
            progress.sent += 1;
            match *done {
                SyncedUser::Created(_) => report.created += 1,
                SyncedUser::Updated { cleared, .. } => {
                    report.updated += 1;
                    report.cleared += cleared;
                }
                SyncedUser::Unchanged => report.unchanged += 1,
            }
        }
        Outcome::Failed(failure) => {
            progress.failed += 1;
            report.failed.push(failure);
        }
    }
}

/// A value the sync can keep in line: it maps a `user_id`, under which the store keeps
/// its state. Implemented for every [`MapsUserId`](usercom_core::MapsUserId) value; a
/// struct without `#[usercom(user_id)]` is a compile error naming the sync.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be synced: it maps no `user_id`",
    label = "the sync needs a `#[usercom(user_id)]` field",
    note = "the sync keeps each user's state under your application's user id: add `#[usercom(user_id)]` to the field that holds it"
)]
pub trait SyncableUser: IntoUserComUser {}

#[diagnostic::do_not_recommend]
impl<T: usercom_core::MapsUserId + ?Sized> SyncableUser for T {}
