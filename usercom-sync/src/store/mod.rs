//! The store: the sync's state in a database (SQLite, or Postgres with the `postgres`
//! feature), opened with its tables migrated, and the lock a run takes.

mod migrate;
pub(crate) mod rows;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};

use crate::error::Error;

/// The database behind a store.
#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

impl Db {
    /// The statement that takes a lock across processes until its transaction ends, its key
    /// bound as `$1`: Postgres's advisory lock. An SQLite store is one process's alone (its
    /// file is locked), so it needs none.
    pub(crate) fn cross_process_lock(&self) -> Option<&'static str> {
        match self {
            Db::Sqlite(_) => None,
            #[cfg(feature = "postgres")]
            Db::Postgres(_) => Some(ADVISORY_LOCK),
        }
    }
}

/// Runs `$body` with `$pool` bound to the store's pool, whichever database it is: the same
/// SQL (written for both) against each database's own types.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($pool) => $body,
            #[cfg(feature = "postgres")]
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// How long a second process waits for an SQLite store in use before it is told so.
const SQLITE_BUSY_WAIT: Duration = Duration::from_millis(500);

/// Postgres's advisory lock, held until the end of the transaction that takes it.
#[cfg(feature = "postgres")]
const ADVISORY_LOCK: &str = "SELECT pg_advisory_xact_lock($1)";

/// Postgres's advisory lock key a run holds: one run at a time per store.
#[cfg(feature = "postgres")]
const RUN_LOCK: i64 = 0x7573_6572_636f_6d02;

/// The sync's state: what User.com last accepted of each user, which events it has, what
/// failed; kept in a database. Cheap to clone (the clones share the connection pool).
///
/// - [`Store::sqlite`]: a file, created with its tables on first open. One process at a
///   time: the file is locked while the store is open, and another process opening it
///   gets [`Error::InUse`].
/// - [`Store::postgres`] (feature `sync-postgres`): shared by several replicas. A run
///   (`sync_users`, `sync_events`) holds a Postgres advisory lock until it ends, so two
///   runs at once take turns: the second finds what the first sent recorded, and sends
///   nothing twice.
///
/// Its tables are named `usercom_sync_*`, created and upgraded by versioned migrations
/// (recorded in `usercom_sync_migrations`); a store written by a newer version of
/// usercom-sync is refused with [`Error::NewerStore`].
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) db: Db,
    /// The store, as errors name it (never with a password).
    pub(crate) name: String,
    /// One run at a time in this process (and, in Postgres, the advisory lock across
    /// processes).
    pub(crate) run_lock: tokio::sync::Mutex<()>,
}

/// The lock a run holds until it ends.
pub(crate) struct RunGuard<'a> {
    _local: tokio::sync::MutexGuard<'a, ()>,
    #[cfg(feature = "postgres")]
    _postgres: Option<sqlx::Transaction<'static, sqlx::Postgres>>,
}

impl Store {
    /// Opens the SQLite store at `path`, creating the file and its tables when missing.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), usercom_sync::Error> {
    /// let store = usercom_sync::Store::sqlite("usercom-sync.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn sqlite(path: impl AsRef<Path>) -> Result<Store, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        // One connection, holding the file's lock in exclusive mode from its first write
        // on: another process cannot read or write it while this store is open.
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .locking_mode(SqliteLockingMode::Exclusive)
            .journal_mode(SqliteJournalMode::Wal)
            // An event's "sending" mark must be on disk before the event is sent.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(SQLITE_BUSY_WAIT);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(Duration::from_secs(600))
            .connect_with(options)
            .await
            .map_err(|source| sqlite_error(&name, "opening", source))?;
        let db = Db::Sqlite(pool);
        migrate::run(&db, &name).await.map_err(|err| match err {
            Error::Store { source, action, .. } => sqlite_error(&name, action, source),
            other => other,
        })?;
        Ok(Store::from_db(db, name))
    }

    /// Connects to the Postgres store at `url` (`postgres://user:password@host/database`),
    /// creating its tables when missing. Several processes may share it.
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str) -> Result<Store, Error> {
        let name = without_password(url);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect(url)
            .await
            .map_err(|source| Error::Store {
                store: name.clone(),
                action: "connecting",
                source,
            })?;
        let db = Db::Postgres(pool);
        migrate::run(&db, &name).await?;
        Ok(Store::from_db(db, name))
    }

    /// Opens the store a URL names: `postgres://…` / `postgresql://…` (feature
    /// `sync-postgres`), `sqlite://path` or a plain file path (SQLite). What the
    /// `usercom sync` command takes as `--store`.
    pub async fn open(url: &str) -> Result<Store, Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return Store::postgres(url).await;
            #[cfg(not(feature = "postgres"))]
            return Err(Error::UnsupportedStore {
                store: without_password(url),
                reason: "Postgres needs the feature `sync-postgres` (usercom-sync's `postgres`)",
            });
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if path.is_empty() || url.contains("://") && !url.starts_with("sqlite://") {
            return Err(Error::UnsupportedStore {
                store: without_password(url),
                reason: "give a file path, sqlite://path or postgres://user@host/database",
            });
        }
        Store::sqlite(path).await
    }

    fn from_db(db: Db, name: String) -> Store {
        Store {
            inner: Arc::new(Inner {
                db,
                name,
                run_lock: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The store, as errors and the command line name it (without a password).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The error of a failed query while `action`.
    pub(crate) fn failed(&self, action: &'static str) -> impl Fn(sqlx::Error) -> Error + '_ {
        move |source| Error::Store {
            store: self.inner.name.clone(),
            action,
            source,
        }
    }

    /// Takes the run lock: one run at a time in this process and, in Postgres, across
    /// every process using the store (an advisory lock, released when the run ends or its
    /// connection drops).
    pub(crate) async fn lock_run(&self) -> Result<RunGuard<'_>, Error> {
        let local = self.inner.run_lock.lock().await;
        #[cfg(feature = "postgres")]
        let postgres = match self.db() {
            Db::Postgres(pool) => {
                let failed = self.failed("taking the run lock");
                let mut tx = pool.begin().await.map_err(&failed)?;
                sqlx::query(ADVISORY_LOCK)
                    .bind(RUN_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(&failed)?;
                Some(tx)
            }
            Db::Sqlite(_) => None,
        };
        Ok(RunGuard {
            _local: local,
            #[cfg(feature = "postgres")]
            _postgres: postgres,
        })
    }
}

/// An SQLite error, told apart when the file is locked by another process.
fn sqlite_error(name: &str, action: &'static str, source: sqlx::Error) -> Error {
    let busy = source.as_database_error().is_some_and(|db| {
        matches!(db.code().as_deref(), Some("5" | "6" | "261" | "517"))
            || db.message().contains("database is locked")
    });
    if busy {
        Error::InUse {
            store: name.to_owned(),
        }
    } else {
        Error::Store {
            store: name.to_owned(),
            action,
            source,
        }
    }
}

/// `url` without its password, to name it in errors and output.
pub(crate) fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        // Not a URL: a file path.
        Err(_) => url.to_owned(),
    }
}

/// Now, in milliseconds since the UNIX epoch: how the store keeps times.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_names_a_store() {
        let name = without_password("postgres://sync:s3cret@db.internal:5432/app");
        assert_eq!(name, "postgres://sync:***@db.internal:5432/app");
        assert_eq!(
            without_password("/var/lib/app/sync.db"),
            "/var/lib/app/sync.db"
        );
    }
}
