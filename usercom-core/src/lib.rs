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

mod attributes;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
mod builder;
mod bulk;
mod client;
pub mod convert;
mod enums;
mod error;
mod extra_types;
mod lookup;
mod payload;
pub mod read;
mod redact;
mod retry;
mod throttle;
mod transport;
mod user;
mod validate;
mod value;
mod wire;

pub use attributes::AttributeDefinition;
pub use builder::ClientBuilder;
pub use bulk::{BulkOptions, Progress};
pub use client::Upserted;
pub use client::{Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};
#[doc(hidden)]
pub use convert::__private;
pub use convert::{IntoUserComUser, MapsUserId, UserComValue};
pub use enums::{Gender, Status};
pub use error::{Error, RequestState};
pub use payload::{CreateUser, MAX_ATTRIBUTE_NAME_CHARS, MAX_NAME_CHARS};
pub use read::FromUserComUser;
pub use retry::{
    RetryPolicy, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_THROTTLED_TIME,
};
pub use throttle::ThrottleStats;
pub use user::{Company, List, Tag, User, UserAttribute};
pub use value::AttributeValue;
pub use wire::{ApiVersion, CreateUserBody, CustomAttributesBody};
