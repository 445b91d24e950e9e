//! The sync's errors: the client's, the store's, and an input's.

use std::fmt;

/// What went wrong in a sync: a run's error (the store), or an item's (in
/// [`SyncReport::failed`](crate::SyncReport::failed)).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client's error: User.com refused the item, or its outcome is unknown
    /// ([`usercom_core::Error::outcome_unknown`]), or the item failed usercom's checks
    /// ([`usercom_core::Error::InvalidInput`]).
    Usercom(usercom_core::Error),
    /// The store's database failed.
    Store {
        /// The store, without its password.
        store: String,
        /// What the sync was doing.
        action: &'static str,
        /// The database's error.
        source: sqlx::Error,
    },
    /// Another process has the SQLite store open: one process at a time may use it (use
    /// Postgres for several replicas).
    InUse {
        /// The store's file.
        store: String,
    },
    /// The store was written by a newer version of usercom-sync, which this one does not
    /// know: nothing was changed in it.
    NewerStore {
        /// The store, without its password.
        store: String,
        /// The newest migration the store has.
        found: i64,
        /// The newest this version knows.
        supported: i64,
    },
    /// The store's URL names no database this build supports.
    UnsupportedStore {
        /// The URL given, without its password.
        store: String,
        /// Why.
        reason: &'static str,
    },
    /// Two inputs of one run have the same key: the later one was not sent.
    DuplicateKey {
        /// The key.
        key: String,
        /// The index of the first input with it.
        first: usize,
    },
    /// The state kept for a user is not a JSON object (the store was changed by hand).
    CorruptState {
        /// The user's `user_id`.
        key: String,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// An earlier event of the same user failed in this run: this one waits for the next
    /// run, so that a user's events reach User.com in the order given.
    EarlierEventFailed {
        /// The key of the event that failed.
        earlier: String,
    },
}

impl Error {
    /// The client's error, if it is one.
    pub fn usercom(&self) -> Option<&usercom_core::Error> {
        match self {
            Error::Usercom(err) => Some(err),
            _ => None,
        }
    }

    /// Whether User.com may have processed the request although it failed (its answer was
    /// lost): see [`usercom_core::Error::outcome_unknown`].
    pub fn outcome_unknown(&self) -> bool {
        self.usercom()
            .is_some_and(usercom_core::Error::outcome_unknown)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usercom(err) => err.fmt(f),
            Error::Store { store, action, .. } => {
                write!(f, "the sync store {store} failed while {action}")
            }
            Error::InUse { store } => write!(
                f,
                "the sync store {store} is in use by another process; an SQLite store serves \
                 one process at a time (several replicas: use Store::postgres)"
            ),
            Error::NewerStore {
                store,
                found,
                supported,
            } => write!(
                f,
                "the sync store {store} was written by a newer usercom-sync (migration {found}; \
                 this version knows up to {supported}); upgrade usercom-sync to use it"
            ),
            Error::UnsupportedStore { store, reason } => {
                write!(f, "cannot open the sync store {store}: {reason}")
            }
            Error::DuplicateKey { key, first } => write!(
                f,
                "the key {key:?} was given twice in this run (first by input {first}); \
                 the later input was not sent"
            ),
            Error::CorruptState { key, .. } => write!(
                f,
                "the state kept for {key:?} is not a JSON object of attributes; \
                 `usercom sync reset` forgets the state"
            ),
            Error::EarlierEventFailed { earlier } => write!(
                f,
                "an earlier event of this user ({earlier:?}) failed; this one is sent after \
                 it, by the next run"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Usercom(err) => Some(err),
            Error::Store { source, .. } => Some(source),
            Error::CorruptState { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<usercom_core::Error> for Error {
    fn from(err: usercom_core::Error) -> Self {
        Error::Usercom(err)
    }
}
