//! Send your application's own user structs to [User.com](https://user.com) with
//! `#[derive(IntoUserComUser)]`: the mapping is compiled into your application and checked at
//! compile time.
//!
//! ```no_run
//! use usercom::{Client, IntoUserComUser};
//!
//! #[derive(IntoUserComUser)]
//! struct Customer {
//!     #[usercom(email)]
//!     email: String,
//!     #[usercom(first_name)]
//!     given_name: String,
//!     #[usercom(score)]
//!     loyalty_points: i32,
//!     #[usercom(attribute = "plan")]
//!     plan: Option<String>,
//!     password_hash: String, // not mapped: never sent
//! }
//!
//! # async fn run() -> Result<(), usercom::Error> {
//! let client = Client::new("my-app", &std::env::var("USERCOM_API_KEY").unwrap())?;
//! let customer = Customer {
//!     email: "ada@example.org".into(),
//!     given_name: "Ada".into(),
//!     loyalty_points: 42,
//!     plan: Some("pro".into()),
//!     password_hash: "…".into(),
//! };
//! let user: usercom::User = client.create_user(&customer).await?;
//! println!("created {} ({})", user.id, user.key);
//! # Ok(()) }
//! ```
//!
//! # The derive
//!
//! On each field, at most one of:
//! - `#[usercom(<standard attribute>)]`, one of the 21 standard attributes of User.com's
//!   create-user request: `assigned_to`, `city`, `company_id`, `country`, `email`,
//!   `facebook_url`, `first_name`, `gender`, `google_url`, `gravatar_url`, `last_name`,
//!   `linkedin_url`, `notifications`, `phone_number`, `region`, `score`, `status`, `timezone`,
//!   `twitter_url`, `unsubscribed`, `user_id`;
//! - `#[usercom(attribute = "plan")]`: the custom attribute `plan` (set after the user is
//!   created, with a second request);
//! - `#[usercom(flatten)]`: a field whose type derives `IntoUserComUser` too; its mappings
//!   merge in.
//!
//! Next to an attribute, `with = path::to::function` converts the field first: the function
//! takes a reference to the field and returns a type the attribute accepts (a plain path,
//! without generic arguments). Fields without
//! `#[usercom]` are never sent. On the struct, `#[usercom(crate = path)]` names the crate
//! when it is neither `usercom` nor `usercom-core` in your `Cargo.toml`.
//!
//! | attributes | accepted field types |
//! |---|---|
//! | text (`email`, names, `city`, `*_url`, ...) | `String`, `&str`, `Box<str>`, `Cow<str>`, `Arc<str>` |
//! | `user_id`, `company_id` | the text types and integers (sent as strings) |
//! | `score`, `assigned_to` | integers (a value outside `i64` is an error before sending) |
//! | `notifications`, `unsubscribed` | `bool` |
//! | `gender`, `status` | [`Gender`], [`Status`] |
//! | custom | `bool`, integers, floats, strings, chrono dates and datetimes, `serde_json::Value` |
//!
//! `Option<T>` of an accepted type leaves the attribute out when `None`, and references to
//! accepted types are accepted. Anything else is a compile error on the field's type:
//!
//! ```compile_fail
//! #[derive(usercom::IntoUserComUser)]
//! struct Customer {
//!     #[usercom(score)]
//!     points: String, // `String` cannot be sent as the User.com attribute `score`, which takes an integer
//! }
//! ```
//!
//! # Custom attributes checked against your app
//!
//! With the app's attribute list committed as `usercom.schema.json` next to `Cargo.toml`
//! (written by `usercom schema pull`), every `#[usercom(attribute = "...")]` is checked at
//! compile time: the attribute must exist, and the field's type must fit its value type
//! (see [`convert::FitsInteger`] and the other `Fits*` traits). `#[usercom(schema = "path")]` on the struct or the
//! `USERCOM_SCHEMA` environment variable name another file.
//!
//! # Reading users back
//!
//! `#[derive(FromUserComUser)]` reads a [`User`] into the same struct, with the same
//! attributes: `Customer::from_user(&user)?` builds a new value, and
//! `customer.update_from_user(&user)?` writes only the mapped fields of an existing one.
//! What the user object does not carry (`first_name`, `last_name`, `assigned_to`,
//! `company_id`, `user_id`) is a compile error unless the field is `write_only`; unmapped
//! fields need `#[usercom(default)]` or `default = path`; a `with` conversion needs its
//! inverse, `from = path`. A value that does not fit the field at run time is
//! [`Error::Read`], naming the attribute, the field and the JSON type found.
//!
//! ```
//! use usercom::{FromUserComUser, IntoUserComUser, User};
//!
//! #[derive(IntoUserComUser, FromUserComUser, Debug, PartialEq)]
//! struct Customer {
//!     #[usercom(email)]
//!     email: String,
//!     #[usercom(first_name, write_only)]
//!     first_name: String,
//!     #[usercom(attribute = "seats")]
//!     seats: Option<u32>,
//!     #[usercom(default)]
//!     password_hash: String,
//! }
//!
//! let user: User = serde_json::from_str(r#"{"id": 1, "key": "k", "email": "ada@example.org",
//!     "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
//!     "attributes": [{"id": 9, "name": "Seats", "name_std": "seats", "value": 3}]}"#)?;
//! let mut customer = Customer {
//!     email: "old@example.org".into(),
//!     first_name: "Ada".into(),
//!     seats: None,
//!     password_hash: "kept".into(),
//! };
//! customer.update_from_user(&user)?;
//! assert_eq!(customer.email, "ada@example.org");
//! assert_eq!(customer.seats, Some(3));
//! assert_eq!(customer.password_hash, "kept");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Choice attributes as enums
//!
//! `#[derive(UserComValue)]` on a fieldless enum sends each variant as its wire name: the
//! variant's name, `#[usercom(rename = "...")]`, or the enum's
//! `#[usercom(rename_all = "snake_case")]` (also `lowercase`, `UPPERCASE`, `PascalCase`,
//! `camelCase`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE`). With
//! `#[usercom(attribute = "plan")]` and a schema listing the attribute's `choices`, a
//! variant that is not a choice is a compile error on that variant.
//!
//! ```
//! use usercom::{IntoUserComUser, UserComValue};
//!
//! #[derive(UserComValue)]
//! #[usercom(rename_all = "snake_case")]
//! enum Plan { Free, ProAnnual }
//!
//! #[derive(IntoUserComUser)]
//! struct Customer {
//!     #[usercom(email)]
//!     email: String,
//!     #[usercom(attribute = "plan")]
//!     plan: Plan,
//! }
//!
//! let customer = Customer { email: "ada@example.org".into(), plan: Plan::ProAnnual };
//! let payload = customer.to_create_user()?;
//! assert_eq!(
//!     serde_json::to_string(&payload.custom_attributes_body()).unwrap(),
//!     r#"{"plan":"pro_annual"}"#
//! );
//! # Ok::<(), usercom::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets `::usercom::...` paths generated by the derive resolve inside this crate too.
extern crate self as usercom;

pub use usercom_core::*;

/// README.md's Rust blocks, compiled (and run, unless marked `no_run`) as doctests, so that
/// they cannot drift from the crate.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// `#[derive(IntoUserComUser)]`; see the [crate documentation](crate#the-derive).
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use usercom_derive::IntoUserComUser;

/// `#[derive(FromUserComUser)]`: read a User.com user back into your struct, with the same
/// `#[usercom(...)]` attributes; see the [crate documentation](crate#reading-users-back).
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use usercom_derive::FromUserComUser;

/// `#[derive(UserComValue)]`: a fieldless enum as the value of a `fixed` custom attribute;
/// see the [crate documentation](crate#choice-attributes-as-enums).
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use usercom_derive::UserComValue;

/// `#[derive(IntoUserComEvent)]`: a struct as a User.com event, sent with
/// [`Client::create_event`]; see README's "After sign-up".
#[cfg(feature = "derive")]
#[cfg_attr(docsrs, doc(cfg(feature = "derive")))]
pub use usercom_derive::IntoUserComEvent;

/// Keep User.com in line with your application's own rows (the `usercom-sync` crate): a
/// [`sync::Store`] in SQLite (feature `sync`) or Postgres (feature `sync-postgres`) keeps
/// what User.com last accepted, and each run sends only what changed. See README's "Keeping
/// User.com in line".
#[cfg(feature = "sync")]
#[cfg_attr(docsrs, doc(cfg(feature = "sync")))]
pub use usercom_sync as sync;
