//! Types and async client of [`usercom`](https://docs.rs/usercom): the create-user payload
//! ([`CreateUser`]), the typed response ([`User`]), the [`Client`] and its [`Error`].
//!
//! Most applications depend on the facade crate `usercom`, which re-exports all of this
//! together with `#[derive(IntoUserComUser)]`.
//!
//! ```no_run
//! # async fn run() -> Result<(), usercom_core::Error> {
//! use usercom_core::{Client, CreateUser};
//! let client = Client::new("my-app", &std::env::var("USERCOM_API_KEY").unwrap())?;
//! let user = client
//!     .create_user(&CreateUser::new().email("john@example.org").first_name("John"))
//!     .await?;
//! assert_eq!(user.email.as_deref(), Some("john@example.org"));
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The folders show the architecture (ARCHITECTURE.md): `ops` the operations, by what they
// act on; `http` the path of every request (transport, retry, throttle); `model` the data
// (payload, user, values, enums, wire names); `mapping` between Rust values and User.com
// attributes (convert, read, validate). The client, its builder, the blocking client and
// the error are here at the top; the operations whose trait bounds a caller can miss
// (`create_user`, `upsert_user`, ...) are in `client`, beside `Client`, so that rustc names
// them `Client::upsert_user` in its errors (an impl elsewhere is named by its module's
// path).
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod builder;
mod client;
mod error;
mod http;
mod mapping;
mod model;
mod ops;

pub use builder::ClientBuilder;
pub use client::Upserted;
pub use client::{Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};
pub use error::{Error, RequestState};
pub use http::retry::{
    RetryPolicy, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_THROTTLED_TIME,
};
pub use http::throttle::ThrottleStats;
#[doc(hidden)]
pub use mapping::convert::__private;
pub use mapping::convert::{IntoUserComUser, MapsUserId, UpdatableByUserId, UserComValue};
pub use mapping::read::FromUserComUser;
pub use mapping::{convert, read};
pub use model::enums::{Gender, Status};
pub use model::event::{CreateEvent, IntoUserComEvent};
pub use model::payload::{CreateUser, MAX_ATTRIBUTE_NAME_CHARS, MAX_NAME_CHARS};
pub use model::user::{Company, List, Tag, User, UserAttribute};
pub use model::value::AttributeValue;
pub use model::wire::{ApiVersion, CreateUserBody, CustomAttributesBody};
pub use ops::attributes::AttributeDefinition;
pub use ops::bulk::{BulkOptions, Progress};
pub use ops::events::EventCreated;
