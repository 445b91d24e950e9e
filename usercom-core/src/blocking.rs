//! A blocking client, for applications without an async runtime (feature `blocking`).
//!
//! It has the same constructor, builder and `create_user` as the async [`crate::Client`],
//! which it drives on a private one-thread runtime.
//!
//! ```no_run
//! use usercom_core::{blocking::Client, CreateUser};
//! let client = Client::new("my-app", &std::env::var("USERCOM_API_KEY").unwrap())?;
//! let user = client.create_user(&CreateUser::new().email("ada@example.org"))?;
//! println!("created {}", user.id);
//! # Ok::<(), usercom_core::Error>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::{ApiVersion, Error, IntoUserComUser, User};

/// A blocking User.com client. Cheap to clone; clones share one connection pool and runtime.
///
/// Calling it from inside an async runtime is an [`Error::Config`] (it would block the
/// runtime's thread): use the async [`crate::Client`] there.
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<Runtime>,
}

/// The private runtime. Dropping a tokio runtime inside an async context panics, so it is
/// shut down in the background instead: dropping the client is safe anywhere.
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}

impl Client {
    /// A client of `https://<subdomain>.user.com/api/public/`; see [`crate::Client::new`].
    pub fn new(subdomain: &str, api_key: &str) -> Result<Client, Error> {
        Client::builder()
            .subdomain(subdomain)
            .api_key(api_key)
            .build()
    }

    /// A builder; see [`crate::ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            inner: crate::Client::builder(),
        }
    }

    /// The URL every request path is joined to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Creates a user; see [`crate::Client::create_user`].
    pub fn create_user<T>(&self, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        self.block_on(self.inner.create_user(value))?
    }

    /// Creates or updates a user matched on `user_id`; see [`crate::Client::upsert_user`].
    pub fn upsert_user<T>(&self, value: &T) -> Result<crate::Upserted, Error>
    where
        T: IntoUserComUser + crate::MapsUserId + ?Sized,
    {
        self.block_on(self.inner.upsert_user(value))?
    }

    fn block_on<F: std::future::Future>(&self, future: F) -> Result<F::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::config(
                "the blocking client was called inside an async runtime, where it would block \
                 a worker thread; use the async usercom::Client there",
            ));
        }
        let runtime = self
            .runtime
            .0
            .as_ref()
            .expect("the runtime lives as long as the client");
        Ok(runtime.block_on(future))
    }
}

/// Builds a blocking [`Client`]; the same settings as [`crate::ClientBuilder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    inner: crate::ClientBuilder,
}

impl ClientBuilder {
    /// See [`crate::ClientBuilder::subdomain`].
    pub fn subdomain(self, subdomain: &str) -> Self {
        ClientBuilder {
            inner: self.inner.subdomain(subdomain),
        }
    }

    /// See [`crate::ClientBuilder::base_url`].
    pub fn base_url(self, base_url: &str) -> Self {
        ClientBuilder {
            inner: self.inner.base_url(base_url),
        }
    }

    /// See [`crate::ClientBuilder::api_key`].
    pub fn api_key(self, api_key: &str) -> Self {
        ClientBuilder {
            inner: self.inner.api_key(api_key),
        }
    }

    /// See [`crate::ClientBuilder::timeout`].
    pub fn timeout(self, timeout: Duration) -> Self {
        ClientBuilder {
            inner: self.inner.timeout(timeout),
        }
    }

    /// See [`crate::ClientBuilder::connect_timeout`].
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        ClientBuilder {
            inner: self.inner.connect_timeout(timeout),
        }
    }

    /// See [`crate::ClientBuilder::max_response_bytes`].
    pub fn max_response_bytes(self, bytes: usize) -> Self {
        ClientBuilder {
            inner: self.inner.max_response_bytes(bytes),
        }
    }

    /// See [`crate::ClientBuilder::api_version`].
    pub fn api_version(self, version: ApiVersion) -> Self {
        ClientBuilder {
            inner: self.inner.api_version(version),
        }
    }

    /// See [`crate::ClientBuilder::retry_policy`].
    pub fn retry_policy(self, policy: crate::RetryPolicy) -> Self {
        ClientBuilder {
            inner: self.inner.retry_policy(policy),
        }
    }

    /// See [`crate::ClientBuilder::max_retries`].
    pub fn max_retries(self, n: u32) -> Self {
        ClientBuilder {
            inner: self.inner.max_retries(n),
        }
    }

    /// Checks the settings and builds the client and its runtime. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("usercom-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::config(format!("cannot start the blocking client's runtime: {e}"))
            })?;
        // reqwest's client must be built inside a runtime context to pick up its timers.
        let inner = {
            let _guard = runtime.enter();
            self.inner.build()?
        };
        Ok(Client {
            inner,
            runtime: Arc::new(Runtime(Some(runtime))),
        })
    }
}
