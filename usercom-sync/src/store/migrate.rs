//! The store's tables, created and upgraded by versioned migrations, as sqlx's migrator does
//! them: each migration once, in order, in a transaction, recorded in a table of its own.
//! The table is the sync's own (`usercom_sync_migrations`), not sqlx's `_sqlx_migrations`:
//! the store may live in the application's database, beside the application's own
//! migrations.

use super::{on_db, Db};
use crate::error::Error;

/// The migrations, in order: version, description, SQL (valid in SQLite and Postgres).
pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "users, events, failures, runs, pace",
    include_str!("../../migrations/0001_initial.sql"),
)];

/// The newest migration this version knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The lock key for migrating: two replicas opening a new Postgres store at once migrate it
/// one after the other.
const MIGRATE_LOCK: i64 = 0x7573_6572_636f_6d01;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS usercom_sync_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// Brings the store's tables up to [`latest`]; a store with a newer migration is refused
/// before anything is changed.
pub(crate) async fn run(db: &Db, store: &str) -> Result<(), Error> {
    let failed = |source| Error::Store {
        store: store.to_owned(),
        action: "migrating its tables",
        source,
    };
    on_db!(db, pool => {
        let mut tx = pool.begin().await.map_err(failed)?;
        if let Some(lock) = db.cross_process_lock() {
            sqlx::query(lock).bind(MIGRATE_LOCK).execute(&mut *tx).await.map_err(failed)?;
        }
        sqlx::raw_sql(CREATE_TABLE).execute(&mut *tx).await.map_err(failed)?;
        let (found,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM usercom_sync_migrations")
                .fetch_one(&mut *tx)
                .await
                .map_err(failed)?;
        let found = found.unwrap_or(0);
        if found > latest() {
            return Err(Error::NewerStore {
                store: store.to_owned(),
                found,
                supported: latest(),
            });
        }
        for &(version, description, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
            sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(failed)?;
            sqlx::query(
                "INSERT INTO usercom_sync_migrations (version, description, applied_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(description)
            .bind(super::now_ms())
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        }
        tx.commit().await.map_err(failed)?;
        Ok(())
    })
}
