//! Keep User.com in line with your application: give the sync the users (and events) your
//! application has, and it makes User.com equal to them, sending only what changed since
//! User.com last accepted it.
//!
//! ```no_run
//! use usercom_core::Client;
//! use usercom_derive::IntoUserComUser;
//! use usercom_sync::Store;
//!
//! #[derive(IntoUserComUser)]
//! # #[usercom(crate = usercom_core)]
//! struct Customer {
//!     #[usercom(user_id)]
//!     id: String,
//!     #[usercom(email)]
//!     email: String,
//!     #[usercom(phone_number)]
//!     phone: Option<String>,
//! }
//!
//! # async fn run(client: Client, customers: Vec<Customer>) -> Result<(), usercom_sync::Error> {
//! let store = Store::sqlite("usercom-sync.db").await?;
//! let report = store.sync_users(&client, &customers).await?;
//! println!("{} unchanged, {} created, {} updated", report.unchanged, report.created, report.updated);
//! for failure in &report.failed {
//!     eprintln!("{}: {} ({})", failure.key, failure.error, failure.operation);
//! }
//! # Ok(()) }
//! ```
//!
//! # How it stays in line
//!
//! - **Only what changed is sent.** For each user (by its `user_id`) the store keeps the
//!   attributes User.com last accepted. An unchanged user sends nothing; a user new to the
//!   store is upserted by `user_id` (created, or updated when User.com has it already: never
//!   twice), with `null` for each attribute its struct maps and has no value for (User.com
//!   may hold one from before: [`CreateUser::clear_unset`](usercom_core::CreateUser::clear_unset));
//!   a changed one gets its changed attributes, and `null` for each attribute that had a
//!   value and has none now (a removed phone number is cleared). Under the sync, `None` is
//!   no value whatever the field's type (an `Option<Option<T>>` that is `None` too); a
//!   flattened `Option` that is `None` maps nothing, so nothing of it is cleared.
//! - **State only after success.** A user's new state is recorded only after User.com
//!   accepted it. A failure is in the run's [`SyncReport`] and in the store's failures table
//!   ([`Store::failures`]), and the next run tries the user again, until it succeeds.
//! - **Crash-safe.** A run stopped at any moment leaves every user either recorded as
//!   accepted or still different from its state, which the next run sends again: upserts
//!   and updates are idempotent, so nothing is created twice. An event's key is marked in
//!   the store before the event is sent: a key marked is never sent again (unless
//!   [`SyncOptions::at_least_once`]); one whose answer was lost is recorded as unknown.
//! - **Deletions are opt-in** ([`SyncOptions::delete_missing`]), and bounded.
//! - **At the server's pace.** Every request goes through the client's throttle and retry
//!   rules. The store keeps the pace the client learned from the server's refusals, and a
//!   later run's new client starts at it ([`Client::resume_learned_rate`]) instead of
//!   learning it again.
//! - **One run at a time.** A run holds a lock on its store: in one process, a mutex; in
//!   Postgres, an advisory lock as well, so replicas running at once take turns and the
//!   second finds the first's work recorded. An SQLite store is locked by the process that
//!   opened it ([`Error::InUse`] for another).
//!
//! Bad input fails the item, not the run: an input that fails usercom's checks, and the
//! later of two inputs with the same key, are reported as failed, and nothing is sent for
//! them.
//!
//! Through the facade: `usercom::sync`, with the feature `sync` (SQLite) or
//! `sync-postgres` (SQLite and Postgres).

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(doc)]
use usercom_core::Client;

mod error;
mod events;
mod pace;
mod report;
mod run;
mod state;
mod store;
mod users;

pub use error::Error;
pub use events::SyncedEvent;
pub use report::{Failure, Operation, SyncOptions, SyncProgress, SyncReport};
pub use store::rows::{FailureRecord, LastRun, StoreStatus};
pub use store::Store;
pub use users::{SyncableUser, SyncedUser};
