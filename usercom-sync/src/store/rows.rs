//! The store's rows: users' states, events' marks, failures and runs, read and written with
//! SQL that SQLite and Postgres both take.

use std::collections::{HashMap, HashSet};

use sqlx::QueryBuilder;

use super::{now_ms, on_db, Store};
use crate::error::Error;
use crate::report::SyncReport;

/// Forgets the failure of `$key` inside the transaction `$tx` (a macro: the same SQL for
/// each database's transaction type).
macro_rules! forget_failure_in {
    ($tx:expr, $kind:expr, $key:expr) => {
        sqlx::query("DELETE FROM usercom_sync_failures WHERE kind = $1 AND item_key = $2")
            .bind($kind.as_str())
            .bind($key)
            .execute(&mut *$tx)
            .await
            .map(|_| ())
    };
}

/// Fetches the rows of `$select` (ending in `IN (`) whose column is one of `$keys`, as
/// tuples, on `$pool`: one query for a chunk of keys (a macro: the same SQL for each
/// database's pool).
macro_rules! fetch_in {
    ($pool:expr, $select:expr, $keys:expr, $failed:expr) => {{
        let mut query = QueryBuilder::new($select);
        let mut list = query.separated(", ");
        for key in $keys {
            list.push_bind(*key);
        }
        list.push_unseparated(")");
        query
            .build_query_as()
            .fetch_all($pool)
            .await
            .map_err($failed)?
    }};
}

/// What kind of item a failure or a run is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    Event,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Event => "event",
        }
    }
}

/// An event's mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Written before it is sent: found by a later run, its outcome is unknown (the run
    /// stopped before the answer was recorded).
    Sending,
    Delivered,
    Unknown,
}

impl Mark {
    fn as_str(self) -> &'static str {
        match self {
            Mark::Sending => "sending",
            Mark::Delivered => "delivered",
            Mark::Unknown => "unknown",
        }
    }

    fn parse(text: &str) -> Mark {
        match text {
            "delivered" => Mark::Delivered,
            "sending" => Mark::Sending,
            _ => Mark::Unknown,
        }
    }
}

/// A row of the failures table: an item that failed and is tried again by every later run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailureRecord {
    /// `"user"` or `"event"`.
    pub kind: String,
    /// The user's `user_id`, or the event's key.
    pub key: String,
    /// What was tried: `"upsert"`, `"update"`, `"delete"`, `"send"`, `"check"`.
    pub operation: String,
    /// The last error, as text.
    pub error: String,
    /// How many runs it failed in.
    pub attempts: i64,
    /// When it first failed, in milliseconds since the UNIX epoch.
    pub first_failure: i64,
    /// When it last failed.
    pub last_failure: i64,
}

/// The last run of one kind, as the store recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LastRun {
    /// `"users"` or `"events"`.
    pub kind: String,
    /// When it started and finished, in milliseconds since the UNIX epoch.
    pub started_at: i64,
    /// When it finished.
    pub finished_at: i64,
    /// Its counts, as in its [`SyncReport`].
    pub seen: i64,
    /// Unchanged items.
    pub unchanged: i64,
    /// Users created.
    pub created: i64,
    /// Users updated (events: sent).
    pub updated: i64,
    /// Attributes cleared.
    pub cleared: i64,
    /// Users deleted.
    pub deleted: i64,
    /// Items failed.
    pub failed: i64,
}

/// What a store holds: [`Store::status`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreStatus {
    /// Users whose state is kept.
    pub users: i64,
    /// Events delivered.
    pub events_delivered: i64,
    /// Events whose outcome is unknown (not sent again unless at-least-once is asked).
    pub events_unknown: i64,
    /// The last run of each kind.
    pub last_runs: Vec<LastRun>,
    /// Every failing item, oldest failure first.
    pub failures: Vec<FailureRecord>,
}

impl Store {
    /// The kept states of `keys` (those the store knows): the attributes User.com last
    /// accepted, as JSON.
    pub(crate) async fn states(&self, keys: &[&str]) -> Result<HashMap<String, String>, Error> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let failed = self.failed("reading users' states");
        let select = "SELECT user_id, state FROM usercom_sync_users WHERE user_id IN (";
        let rows: Vec<(String, String)> =
            on_db!(self.db(), pool => fetch_in!(pool, select, keys, &failed));
        Ok(rows.into_iter().collect())
    }

    /// Records what User.com accepted of `key`, and forgets its failure.
    pub(crate) async fn record_user(
        &self,
        key: &str,
        state: &str,
        usercom_id: u64,
    ) -> Result<(), Error> {
        let failed = self.failed("recording a user's state");
        let id = i64::try_from(usercom_id).ok();
        on_db!(self.db(), pool => {
            let mut tx = pool.begin().await.map_err(&failed)?;
            sqlx::query(
                "INSERT INTO usercom_sync_users (user_id, state, usercom_id, synced_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET \
                 state = excluded.state, usercom_id = excluded.usercom_id, \
                 synced_at = excluded.synced_at",
            )
            .bind(key)
            .bind(state)
            .bind(id)
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
            forget_failure_in!(tx, Kind::User, key).map_err(&failed)?;
            tx.commit().await.map_err(&failed)?;
        });
        Ok(())
    }

    /// Forgets the user `key` (deleted in User.com), and its failure.
    pub(crate) async fn forget_user(&self, key: &str) -> Result<(), Error> {
        let failed = self.failed("forgetting a deleted user");
        on_db!(self.db(), pool => {
            let mut tx = pool.begin().await.map_err(&failed)?;
            sqlx::query("DELETE FROM usercom_sync_users WHERE user_id = $1")
                .bind(key)
                .execute(&mut *tx)
                .await
                .map_err(&failed)?;
            forget_failure_in!(tx, Kind::User, key).map_err(&failed)?;
            tx.commit().await.map_err(&failed)?;
        });
        Ok(())
    }

    /// Every user the store knows: `user_id` and User.com's id.
    pub(crate) async fn known_users(&self) -> Result<Vec<(String, Option<i64>)>, Error> {
        let failed = self.failed("listing the users it knows");
        let sql = "SELECT user_id, usercom_id FROM usercom_sync_users ORDER BY user_id";
        Ok(on_db!(self.db(), pool => {
            sqlx::query_as(sql).fetch_all(pool).await.map_err(&failed)?
        }))
    }

    /// Records that `key` failed at `operation` with `error` (one attempt more).
    pub(crate) async fn record_failure(
        &self,
        kind: Kind,
        key: &str,
        operation: &str,
        error: &Error,
    ) -> Result<(), Error> {
        let failed = self.failed("recording a failure");
        let now = now_ms();
        let error = error.to_string();
        on_db!(self.db(), pool => {
            sqlx::query(
                "INSERT INTO usercom_sync_failures \
                 (kind, item_key, operation, error, attempts, first_failure, last_failure) \
                 VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT (kind, item_key) DO UPDATE SET \
                 operation = excluded.operation, error = excluded.error, \
                 attempts = usercom_sync_failures.attempts + 1, \
                 last_failure = excluded.last_failure",
            )
            .bind(kind.as_str())
            .bind(key)
            .bind(operation)
            .bind(error)
            .bind(now)
            .execute(pool)
            .await
            .map_err(&failed)?;
        });
        Ok(())
    }

    /// The keys of the items of `kind` that failed in an earlier run.
    pub(crate) async fn failed_keys(&self, kind: Kind) -> Result<HashSet<String>, Error> {
        let failed = self.failed("reading the failures");
        let sql = "SELECT item_key FROM usercom_sync_failures WHERE kind = $1";
        let rows: Vec<(String,)> = on_db!(self.db(), pool => {
            sqlx::query_as(sql).bind(kind.as_str()).fetch_all(pool).await.map_err(&failed)?
        });
        Ok(rows.into_iter().map(|(key,)| key).collect())
    }

    /// The marks of the events `keys` (those the store knows).
    pub(crate) async fn event_marks(&self, keys: &[&str]) -> Result<HashMap<String, Mark>, Error> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let failed = self.failed("reading events' marks");
        let select = "SELECT event_key, status FROM usercom_sync_events WHERE event_key IN (";
        let rows: Vec<(String, String)> =
            on_db!(self.db(), pool => fetch_in!(pool, select, keys, &failed));
        Ok(rows
            .into_iter()
            .map(|(key, mark)| (key, Mark::parse(&mark)))
            .collect())
    }

    /// Marks the event `key`; a delivered event's failure is forgotten.
    pub(crate) async fn mark_event(
        &self,
        key: &str,
        user_id: &str,
        mark: Mark,
    ) -> Result<(), Error> {
        let failed = self.failed("marking an event");
        on_db!(self.db(), pool => {
            let mut tx = pool.begin().await.map_err(&failed)?;
            sqlx::query(
                "INSERT INTO usercom_sync_events (event_key, user_id, status, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (event_key) DO UPDATE SET \
                 status = excluded.status, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(user_id)
            .bind(mark.as_str())
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(&failed)?;
            if mark == Mark::Delivered {
                forget_failure_in!(tx, Kind::Event, key).map_err(&failed)?;
            }
            tx.commit().await.map_err(&failed)?;
        });
        Ok(())
    }

    /// Forgets the mark of an event User.com certainly did not process: the next run sends
    /// it.
    pub(crate) async fn unmark_event(&self, key: &str) -> Result<(), Error> {
        let failed = self.failed("unmarking an event not sent");
        on_db!(self.db(), pool => {
            sqlx::query("DELETE FROM usercom_sync_events WHERE event_key = $1")
                .bind(key)
                .execute(pool)
                .await
                .map_err(&failed)?;
        });
        Ok(())
    }

    /// Records `report` as the last run of `kind`, started at `started` (ms).
    pub(crate) async fn record_run(
        &self,
        kind: &str,
        started: i64,
        report: &SyncReport,
    ) -> Result<(), Error> {
        let failed = self.failed("recording the run");
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        on_db!(self.db(), pool => {
            sqlx::query(
                "INSERT INTO usercom_sync_runs (kind, started_at, finished_at, seen, unchanged, \
                 created, updated, cleared, deleted, failed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (kind) DO UPDATE SET \
                 started_at = excluded.started_at, finished_at = excluded.finished_at, \
                 seen = excluded.seen, unchanged = excluded.unchanged, created = excluded.created, \
                 updated = excluded.updated, cleared = excluded.cleared, \
                 deleted = excluded.deleted, failed = excluded.failed",
            )
            .bind(kind)
            .bind(started)
            .bind(now_ms())
            .bind(count(report.seen))
            .bind(count(report.unchanged))
            .bind(count(report.created))
            .bind(count(report.updated))
            .bind(count(report.cleared))
            .bind(count(report.deleted))
            .bind(count(report.failed.len()))
            .execute(pool)
            .await
            .map_err(&failed)?;
        });
        Ok(())
    }

    /// Every failing item, oldest failure first: what the next run tries again.
    pub async fn failures(&self) -> Result<Vec<FailureRecord>, Error> {
        let failed = self.failed("reading the failures");
        let sql = "SELECT kind, item_key, operation, error, attempts, first_failure, last_failure \
                   FROM usercom_sync_failures ORDER BY first_failure, kind, item_key";
        let rows: Vec<(String, String, String, String, i64, i64, i64)> = on_db!(self.db(), pool => {
            sqlx::query_as(sql).fetch_all(pool).await.map_err(&failed)?
        });
        Ok(rows
            .into_iter()
            .map(|r| FailureRecord {
                kind: r.0,
                key: r.1,
                operation: r.2,
                error: r.3,
                attempts: r.4,
                first_failure: r.5,
                last_failure: r.6,
            })
            .collect())
    }

    /// What the store holds: counts, the last runs, the failing items.
    pub async fn status(&self) -> Result<StoreStatus, Error> {
        let failed = self.failed("reading its status");
        let count_sql = "SELECT \
            (SELECT COUNT(*) FROM usercom_sync_users), \
            (SELECT COUNT(*) FROM usercom_sync_events WHERE status = 'delivered'), \
            (SELECT COUNT(*) FROM usercom_sync_events WHERE status <> 'delivered')";
        let runs_sql = "SELECT kind, started_at, finished_at, seen, unchanged, created, \
                        updated, cleared, deleted, failed FROM usercom_sync_runs ORDER BY kind";
        type RunRow = (String, i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let ((users, delivered, unknown), runs): ((i64, i64, i64), Vec<RunRow>) = on_db!(self.db(), pool => {
            let counts = sqlx::query_as(count_sql).fetch_one(pool).await.map_err(&failed)?;
            let runs = sqlx::query_as(runs_sql).fetch_all(pool).await.map_err(&failed)?;
            (counts, runs)
        });
        let last_runs = runs
            .into_iter()
            .map(|r| LastRun {
                kind: r.0,
                started_at: r.1,
                finished_at: r.2,
                seen: r.3,
                unchanged: r.4,
                created: r.5,
                updated: r.6,
                cleared: r.7,
                deleted: r.8,
                failed: r.9,
            })
            .collect();
        Ok(StoreStatus {
            users,
            events_delivered: delivered,
            events_unknown: unknown,
            last_runs,
            failures: self.failures().await?,
        })
    }

    /// Forgets the whole state: the next run sends every user again (as upserts: none is
    /// created twice) and every event, since no key is known any more; the pace kept is
    /// forgotten too. The tables stay.
    pub async fn reset(&self) -> Result<(), Error> {
        let _run = self.lock_run().await?;
        let failed = self.failed("forgetting the state");
        on_db!(self.db(), pool => {
            let mut tx = pool.begin().await.map_err(&failed)?;
            for table in [
                "usercom_sync_users",
                "usercom_sync_events",
                "usercom_sync_failures",
                "usercom_sync_runs",
                "usercom_sync_pace",
            ] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(&mut *tx)
                    .await
                    .map_err(&failed)?;
            }
            tx.commit().await.map_err(&failed)?;
        });
        Ok(())
    }
}
