//! Syncing events: each event's key sent at most once, a user's events in the order given.

use std::collections::HashMap;

use futures_util::stream::{self, Stream, StreamExt};
use usercom_core::{Client, EventCreated, IntoUserComEvent};

use crate::error::Error;
use crate::report::{Failure, Operation, SyncOptions, SyncProgress, SyncReport};
use crate::store::rows::{Kind, Mark};
use crate::Store;

/// Events read at a time: one query for their marks; the users among them are sent
/// concurrently, each user's events in order.
const CHUNK: usize = 512;

/// What happened to one event: [`Store::sync_event`]'s answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SyncedEvent {
    /// Its key is recorded as delivered (or, without at-least-once, as unknown): nothing
    /// was sent.
    AlreadySent,
    /// Sent now, and User.com accepted it.
    Sent(EventCreated),
}

/// One event of a run.
struct Item<E> {
    index: usize,
    key: String,
    user_id: String,
    event: E,
}

impl Store {
    /// Sends every event of `inputs`, `(key, user_id, event)`, whose key User.com does not
    /// have yet, at concurrency 16: `key` is the event's stable id in the app (an order's
    /// id), `user_id` its user's. An event is sent at most once per key: its key is marked
    /// in the store before it is sent and recorded as delivered after; an event whose
    /// answer was lost is recorded as unknown, reported, and not sent again (unless
    /// [`SyncOptions::at_least_once`]). A user's events are sent in the order given; when
    /// one fails, the user's later events wait for the next run.
    pub async fn sync_events<I, K, U, E>(
        &self,
        client: &Client,
        inputs: I,
    ) -> Result<SyncReport, Error>
    where
        I: IntoIterator<Item = (K, U, E)>,
        I::IntoIter: Send,
        K: AsRef<str> + Send,
        U: AsRef<str> + Send,
        E: IntoUserComEvent + Send + Sync,
    {
        self.sync_events_with(client, inputs, SyncOptions::new())
            .await
    }

    /// [`Store::sync_events`] with [`SyncOptions`].
    pub async fn sync_events_with<I, K, U, E>(
        &self,
        client: &Client,
        inputs: I,
        options: SyncOptions,
    ) -> Result<SyncReport, Error>
    where
        I: IntoIterator<Item = (K, U, E)>,
        I::IntoIter: Send,
        K: AsRef<str> + Send,
        U: AsRef<str> + Send,
        E: IntoUserComEvent + Send + Sync,
    {
        let inputs = stream::iter(inputs);
        self.sync_events_from_stream_with(client, inputs, options)
            .await
    }

    /// [`Store::sync_events`] for inputs that arrive as a [`Stream`].
    pub async fn sync_events_from_stream<S, K, U, E>(
        &self,
        client: &Client,
        inputs: S,
    ) -> Result<SyncReport, Error>
    where
        S: Stream<Item = (K, U, E)> + Send,
        K: AsRef<str> + Send,
        U: AsRef<str> + Send,
        E: IntoUserComEvent + Send + Sync,
    {
        self.sync_events_from_stream_with(client, inputs, SyncOptions::new())
            .await
    }

    /// [`Store::sync_events_from_stream`] with [`SyncOptions`].
    pub async fn sync_events_from_stream_with<S, K, U, E>(
        &self,
        client: &Client,
        inputs: S,
        options: SyncOptions,
    ) -> Result<SyncReport, Error>
    where
        S: Stream<Item = (K, U, E)> + Send,
        K: AsRef<str> + Send,
        U: AsRef<str> + Send,
        E: IntoUserComEvent + Send + Sync,
    {
        let mut run = self.start_run(client, Kind::Event).await?;
        let mut seen: HashMap<String, usize> = HashMap::new();
        // Users with an event that failed in this run: their later events wait.
        let mut blocked: HashMap<String, String> = HashMap::new();
        let chunks = inputs.enumerate().ready_chunks(CHUNK);
        let mut chunks = std::pin::pin!(chunks);
        while let Some(chunk) = chunks.next().await {
            let items: Vec<Item<E>> = chunk
                .into_iter()
                .map(|(index, (key, user_id, event))| Item {
                    index,
                    key: key.as_ref().to_owned(),
                    user_id: user_id.as_ref().to_owned(),
                    event,
                })
                .collect();
            let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
            let marks = self.event_marks(&keys).await?;
            // Each user's events of this chunk, in order; users in the order first seen.
            let mut by_user: Vec<(String, Vec<Item<E>>)> = Vec::new();
            let mut slot: HashMap<String, usize> = HashMap::new();
            for item in items {
                run.seen(Some(&item.key));
                if let Some(&first) = seen.get(&item.key) {
                    let error = Error::DuplicateKey {
                        key: item.key.clone(),
                        first,
                    };
                    self.fail(
                        &mut run.report,
                        &mut run.progress,
                        item.key,
                        item.index,
                        Operation::Check,
                        error,
                    )
                    .await?;
                    continue;
                }
                seen.insert(item.key.clone(), item.index);
                let resend = options.at_least_once;
                match marks.get(&item.key) {
                    Some(Mark::Delivered) => {
                        run.report.unchanged += 1;
                        run.progress.unchanged += 1;
                        continue;
                    }
                    Some(Mark::Unknown | Mark::Sending) if !resend => {
                        run.report.unchanged += 1;
                        run.progress.unchanged += 1;
                        continue;
                    }
                    _ => {}
                }
                let at = *slot.entry(item.user_id.clone()).or_insert_with(|| {
                    by_user.push((item.user_id.clone(), Vec::new()));
                    by_user.len() - 1
                });
                by_user[at].1.push(item);
            }
            let outcomes = stream::iter(by_user)
                .map(|(user_id, items)| {
                    let earlier = blocked.get(&user_id).cloned();
                    self.send_user_events(client, items, earlier)
                })
                .buffer_unordered(options.concurrency);
            let outcomes: Vec<_> = outcomes.collect().await;
            for outcome in outcomes {
                for (item_key, user_id, index, result) in outcome? {
                    match result {
                        Ok(()) => {
                            run.report.updated += 1;
                            run.progress.sent += 1;
                        }
                        Err(error) => {
                            blocked.entry(user_id).or_insert_with(|| item_key.clone());
                            if error.outcome_unknown() {
                                run.report.unknown += 1;
                            }
                            self.fail(
                                &mut run.report,
                                &mut run.progress,
                                item_key,
                                index,
                                Operation::Send,
                                error,
                            )
                            .await?;
                        }
                    }
                }
            }
            options.report(&run.progress);
        }
        self.finish_run(client, run, &options).await
    }

    /// Sends one event now, by the rules of a run: nothing when its key is recorded as
    /// sent; otherwise marked, sent and recorded. Returns what was done, or the error (a
    /// lost answer is recorded as unknown, and not sent again).
    pub async fn sync_event<E>(
        &self,
        client: &Client,
        key: &str,
        user_id: &str,
        event: &E,
    ) -> Result<SyncedEvent, Error>
    where
        E: IntoUserComEvent + Sync + ?Sized,
    {
        if self.event_marks(&[key]).await?.contains_key(key) {
            return Ok(SyncedEvent::AlreadySent);
        }
        match self.send_event(client, key, user_id, event).await? {
            Ok(created) => Ok(SyncedEvent::Sent(created)),
            Err(error) => {
                self.record_failure(Kind::Event, key, "send", &error)
                    .await?;
                Err(error)
            }
        }
    }

    /// Sends one user's events in order; after a failure, the rest wait for the next run.
    /// The outer error is the store's.
    #[allow(clippy::type_complexity)]
    async fn send_user_events<E: IntoUserComEvent + Sync>(
        &self,
        client: &Client,
        items: Vec<Item<E>>,
        mut earlier: Option<String>,
    ) -> Result<Vec<(String, String, usize, Result<(), Error>)>, Error> {
        let mut outcomes = Vec::with_capacity(items.len());
        for item in items {
            let result = match &earlier {
                Some(failed) => Err(Error::EarlierEventFailed {
                    earlier: failed.clone(),
                }),
                None => self
                    .send_event(client, &item.key, &item.user_id, &item.event)
                    .await?
                    .map(|_| ()),
            };
            if result.is_err() && earlier.is_none() {
                earlier = Some(item.key.clone());
            }
            outcomes.push((item.key, item.user_id, item.index, result));
        }
        Ok(outcomes)
    }

    /// Marks, sends and records one event. The outer error is the store's; the inner, the
    /// event's (recorded: not processed, the mark is removed and the next run sends it;
    /// outcome unknown, it is marked unknown).
    async fn send_event<E: IntoUserComEvent + ?Sized>(
        &self,
        client: &Client,
        key: &str,
        user_id: &str,
        event: &E,
    ) -> Result<Result<EventCreated, Error>, Error> {
        self.mark_event(key, user_id, Mark::Sending).await?;
        match client.create_event_by_user_id(user_id, event).await {
            Ok(created) => {
                self.mark_event(key, user_id, Mark::Delivered).await?;
                Ok(Ok(created))
            }
            Err(err) if err.outcome_unknown() => {
                self.mark_event(key, user_id, Mark::Unknown).await?;
                Ok(Err(Error::Usercom(err)))
            }
            Err(err) => {
                self.unmark_event(key).await?;
                Ok(Err(Error::Usercom(err)))
            }
        }
    }

    /// Records a failed item in the store and the report.
    async fn fail(
        &self,
        report: &mut SyncReport,
        progress: &mut SyncProgress,
        key: String,
        index: usize,
        operation: Operation,
        error: Error,
    ) -> Result<(), Error> {
        let kind = Kind::Event;
        self.record_failure(kind, &key, operation.as_str(), &error)
            .await?;
        progress.failed += 1;
        report.failed.push(Failure {
            key,
            index: Some(index),
            operation,
            error,
        });
        Ok(())
    }
}
