//! A blocking client, for applications without an async runtime (feature `blocking`).
//!
//! [`Client`] wraps the async [`crate::Client`] and offers every one of its operations as a
//! plain function call. Build it from the async builder, so that every setting is there:
//!
//! ```no_run
//! use usercom_core::CreateUser;
//! let client = usercom_core::Client::builder()
//!     .subdomain("my-app")
//!     .api_key(&std::env::var("USERCOM_API_KEY").unwrap())
//!     .max_retries(5)
//!     .build_blocking()?;
//! let user = client.create_user(&CreateUser::new().email("ada@example.org"))?;
//! println!("created {}", user.id);
//! # Ok::<(), usercom_core::Error>(())
//! ```
//!
//! [`Client::new`] and [`Client::builder`] remain as shorthands.
//!
//! # Where it may be called
//!
//! Anywhere a thread may block: plain synchronous code, threads sharing one client, a
//! [`tokio::task::spawn_blocking`] closure, code under a [`tokio::runtime::Runtime::enter`]
//! guard. Each call runs the async operation on the calling thread, in the context of the
//! client's own runtime, whose dedicated thread drives the connections, timers and DNS
//! look-ups meanwhile; the caller sleeps until its answer is complete. Nothing depends on
//! the caller's runtime, if any, so a call cannot deadlock on it.
//!
//! Called from an async task it still works, but it blocks that task's worker thread (and,
//! on a current-thread runtime, every other task) until the answer arrives: there, use the
//! async [`crate::Client`]. Dropping the client is fine anywhere, async contexts included.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_util::Stream;

mod iter;

use iter::Blocking;
pub use iter::{Outcomes, Users};

use crate::{
    ApiVersion, Error, EventCreated, FromUserComUser, IntoUserComEvent, IntoUserComUser,
    MapsUserId, UpdatableByUserId, Upserted, User,
};

/// A blocking User.com client: the async [`crate::Client`]'s operations as plain calls.
///
/// Cheap to clone: clones share one connection pool and one runtime thread, and may be used
/// from many threads at once. Its `Debug` never shows the API key. See the
/// [module documentation](self) for where it may be called.
///
/// ```no_run
/// use usercom_core::{blocking::Client, CreateUser};
/// let client = Client::new("my-app", &std::env::var("USERCOM_API_KEY").unwrap())?;
/// let user = client.create_user(&CreateUser::new().email("ada@example.org"))?;
/// println!("created {}", user.id);
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<Runtime>,
}

/// The client's own runtime: one worker thread, which drives the I/O and timers of every
/// request while callers wait.
struct Runtime {
    handle: tokio::runtime::Handle,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Dropping a runtime inside an async context panics, and waiting for its blocking
        // tasks (DNS look-ups) would block the dropping thread: shut down in the background.
        if let Some(runtime) = self.runtime.take() {
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
    /// A client of `https://<subdomain>.user.com/api/public/` with the default settings; see
    /// [`crate::Client::new`].
    pub fn new(subdomain: &str, api_key: &str) -> Result<Client, Error> {
        crate::Client::builder()
            .subdomain(subdomain)
            .api_key(api_key)
            .build_blocking()
    }

    /// A builder with the settings of [`crate::ClientBuilder`]. Equivalent to
    /// [`crate::Client::builder`] followed by
    /// [`build_blocking`](crate::ClientBuilder::build_blocking).
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            inner: crate::Client::builder(),
        }
    }

    /// Wraps an async client: the blocking client shares its settings and connection pool,
    /// and starts the runtime thread that drives its requests.
    ///
    /// Fails with [`Error::Config`] only when that thread cannot be started.
    ///
    /// Connections opened by the blocking client belong to its runtime; if the async
    /// `client` is also used on another runtime, connections it opens there live as long
    /// as that runtime, and a pooled connection whose runtime has stopped is not reused.
    ///
    /// ```
    /// use usercom_core::{blocking, Client};
    /// let client = Client::new("my-app", &"k".repeat(64))?;
    /// let blocking = blocking::Client::from_async(client)?;
    /// assert_eq!(blocking.base_url(), "https://my-app.user.com/api/public/");
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    pub fn from_async(client: crate::Client) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("usercom-blocking")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::config(format!("cannot start the blocking client's runtime: {e}"))
            })?;
        Ok(Client {
            inner: client,
            runtime: Arc::new(Runtime {
                handle: runtime.handle().clone(),
                runtime: Some(runtime),
            }),
        })
    }

    /// The URL every request path is joined to; it ends with `/`.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The API version this client speaks.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.api_version()
    }

    /// The exact JSON body `create_user` would send first for `value`; see
    /// [`crate::Client::create_user_body`]. Nothing is sent.
    pub fn create_user_body<T>(&self, value: &T) -> Result<Vec<u8>, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        self.inner.create_user_body(value)
    }

    /// Creates a user; see [`crate::Client::create_user`].
    pub fn create_user<T>(&self, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        self.wait(self.inner.create_user(value))
    }

    /// Creates or updates the user with the same `user_id`; see
    /// [`crate::Client::upsert_user`].
    pub fn upsert_user<T>(&self, value: &T) -> Result<Upserted, Error>
    where
        T: IntoUserComUser + MapsUserId + ?Sized,
    {
        self.wait(self.inner.upsert_user(value))
    }

    /// Sets the custom attributes of `attributes` on the user with User.com id `user_id`;
    /// see [`crate::Client::set_custom_attributes`].
    pub fn set_custom_attributes<T>(&self, user_id: u64, attributes: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        self.wait(self.inner.set_custom_attributes(user_id, attributes))
    }

    /// The user whose User.com id is `id`; see [`crate::Client::get_user`].
    pub fn get_user(&self, id: u64) -> Result<User, Error> {
        self.wait(self.inner.get_user(id))
    }

    /// The user whose email is `email`, `None` when there is none; see
    /// [`crate::Client::find_user_by_email`].
    pub fn find_user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
        self.wait(self.inner.find_user_by_email(email))
    }

    /// The user whose `user_id` is `user_id`, `None` when there is none; see
    /// [`crate::Client::find_user_by_user_id`].
    pub fn find_user_by_user_id(&self, user_id: &str) -> Result<Option<User>, Error> {
        self.wait(self.inner.find_user_by_user_id(user_id))
    }

    /// [`Client::get_user`] read into your own type; see [`crate::Client::get_user_as`].
    pub fn get_user_as<T: FromUserComUser>(&self, id: u64) -> Result<T, Error> {
        self.wait(self.inner.get_user_as(id))
    }

    /// [`Client::find_user_by_email`] read into your own type; see
    /// [`crate::Client::find_user_by_email_as`].
    pub fn find_user_by_email_as<T: FromUserComUser>(
        &self,
        email: &str,
    ) -> Result<Option<T>, Error> {
        self.wait(self.inner.find_user_by_email_as(email))
    }

    /// [`Client::find_user_by_user_id`] read into your own type; see
    /// [`crate::Client::find_user_by_user_id_as`].
    pub fn find_user_by_user_id_as<T: FromUserComUser>(
        &self,
        user_id: &str,
    ) -> Result<Option<T>, Error> {
        self.wait(self.inner.find_user_by_user_id_as(user_id))
    }

    /// Every user of the app, read page by page as the iteration goes; see
    /// [`crate::Client::users`].
    ///
    /// ```no_run
    /// # fn run(client: usercom_core::blocking::Client) -> Result<(), usercom_core::Error> {
    /// for user in client.users() {
    ///     println!("{}", user?.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn users(&self) -> Users<'_> {
        Users(Blocking::new(self, self.inner.users()))
    }

    /// Updates the user whose User.com id is `id` with the attributes of `value`; see
    /// [`crate::Client::update_user`].
    pub fn update_user<T>(&self, id: u64, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + ?Sized,
    {
        self.wait(self.inner.update_user(id, value))
    }

    /// Updates the user whose `user_id` is `value`'s own; see
    /// [`crate::Client::update_user_by_user_id`].
    pub fn update_user_by_user_id<T>(&self, value: &T) -> Result<User, Error>
    where
        T: IntoUserComUser + UpdatableByUserId + ?Sized,
    {
        self.wait(self.inner.update_user_by_user_id(value))
    }

    /// Sends an event of the user whose User.com id is `user`; see
    /// [`crate::Client::create_event`].
    pub fn create_event<E>(&self, user: u64, event: &E) -> Result<EventCreated, Error>
    where
        E: IntoUserComEvent + ?Sized,
    {
        self.wait(self.inner.create_event(user, event))
    }

    /// Sends an event of the user whose `user_id` is `user_id`; see
    /// [`crate::Client::create_event_by_user_id`].
    pub fn create_event_by_user_id<E>(
        &self,
        user_id: &str,
        event: &E,
    ) -> Result<EventCreated, Error>
    where
        E: IntoUserComEvent + ?Sized,
    {
        self.wait(self.inner.create_event_by_user_id(user_id, event))
    }

    /// Sends many events; see [`crate::Client::create_events`]. Each `next` of the
    /// iterator blocks until the next one is answered.
    pub fn create_events<'a, I, E>(
        &'a self,
        inputs: I,
        concurrency: usize,
    ) -> Outcomes<'a, EventCreated>
    where
        I: IntoIterator<Item = (u64, E)>,
        I::IntoIter: Send + 'a,
        E: IntoUserComEvent + Send + Sync + 'a,
    {
        self.outcomes(self.inner.create_events(inputs, concurrency))
    }

    /// Deletes the user whose User.com id is `id`: `true` if this call deleted it, `false`
    /// if there was no such user; see [`crate::Client::delete_user`].
    pub fn delete_user(&self, id: u64) -> Result<bool, Error> {
        self.wait(self.inner.delete_user(id))
    }

    /// Deletes the user whose `user_id` is `user_id`; see
    /// [`crate::Client::delete_user_by_user_id`].
    pub fn delete_user_by_user_id(&self, user_id: &str) -> Result<bool, Error> {
        self.wait(self.inner.delete_user_by_user_id(user_id))
    }

    /// Tags the user whose User.com id is `id`; see [`crate::Client::add_tag`].
    pub fn add_tag(&self, id: u64, tag: &str) -> Result<(), Error> {
        self.wait(self.inner.add_tag(id, tag))
    }

    /// Removes a tag from the user whose User.com id is `id`; see
    /// [`crate::Client::remove_tag`].
    pub fn remove_tag(&self, id: u64, tag: &str) -> Result<(), Error> {
        self.wait(self.inner.remove_tag(id, tag))
    }

    /// Tags the user whose `user_id` is `user_id`; see
    /// [`crate::Client::add_tag_by_user_id`].
    pub fn add_tag_by_user_id(&self, user_id: &str, tag: &str) -> Result<(), Error> {
        self.wait(self.inner.add_tag_by_user_id(user_id, tag))
    }

    /// Removes a tag from the user whose `user_id` is `user_id`; see
    /// [`crate::Client::remove_tag_by_user_id`].
    pub fn remove_tag_by_user_id(&self, user_id: &str, tag: &str) -> Result<(), Error> {
        self.wait(self.inner.remove_tag_by_user_id(user_id, tag))
    }

    /// Puts the user whose User.com id is `id` on a list; see
    /// [`crate::Client::add_to_list`].
    pub fn add_to_list(&self, id: u64, list_id: u64) -> Result<(), Error> {
        self.wait(self.inner.add_to_list(id, list_id))
    }

    /// Takes the user whose User.com id is `id` off a list; see
    /// [`crate::Client::remove_from_list`].
    pub fn remove_from_list(&self, id: u64, list_id: u64) -> Result<(), Error> {
        self.wait(self.inner.remove_from_list(id, list_id))
    }

    /// Every custom attribute definition of the app, all pages; see
    /// [`crate::Client::list_attributes`].
    pub fn list_attributes(&self) -> Result<Vec<crate::AttributeDefinition>, Error> {
        self.wait(self.inner.list_attributes())
    }

    /// Creates many users with at most `concurrency` requests in flight, and yields each
    /// input's outcome as `(index, result)` in completion order; see
    /// [`crate::Client::create_users`].
    ///
    /// Nothing is sent until the first call of [`Iterator::next`]; each call waits for the
    /// next outcome. `inputs` is pulled lazily, as requests complete, and every input
    /// yields exactly one outcome. Dropping the iterator early abandons the requests in
    /// flight (their users may or may not be created) and sends no more.
    ///
    /// ```no_run
    /// # fn run(client: usercom_core::blocking::Client) {
    /// use usercom_core::CreateUser;
    /// let emails = ["a@example.org", "b@example.org", "c@example.org"];
    /// let inputs = emails.into_iter().map(|e| CreateUser::new().email(e));
    /// for (index, result) in client.create_users(inputs, 8) {
    ///     match result {
    ///         Ok(user) => println!("{}: created {}", emails[index], user.id),
    ///         Err(err) => eprintln!("{}: {err}", emails[index]),
    ///     }
    /// }
    /// # }
    /// ```
    pub fn create_users<'a, I>(&'a self, inputs: I, concurrency: usize) -> Outcomes<'a, User>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + Send + Sync + 'a,
    {
        self.outcomes(self.inner.create_users(inputs, concurrency))
    }

    /// [`Client::create_users`] with [`BulkOptions`](crate::BulkOptions) (concurrency,
    /// progress reports); see [`crate::Client::create_users_with`]. Inputs may be borrowed.
    pub fn create_users_with<'a, I>(
        &'a self,
        inputs: I,
        options: crate::BulkOptions,
    ) -> Outcomes<'a, User>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + Send + Sync + 'a,
    {
        self.outcomes(self.inner.create_users_with(inputs, options))
    }

    /// [`Client::upsert_users`] with [`BulkOptions`](crate::BulkOptions); see
    /// [`crate::Client::upsert_users_with`]. Inputs may be borrowed.
    pub fn upsert_users_with<'a, I>(
        &'a self,
        inputs: I,
        options: crate::BulkOptions,
    ) -> Outcomes<'a, Upserted>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + MapsUserId + Send + Sync + 'a,
    {
        self.outcomes(self.inner.upsert_users_with(inputs, options))
    }

    /// A handle on the same client whose every call is bounded as a whole; see
    /// [`crate::Client::with_call_timeout`].
    pub fn with_call_timeout(&self, bound: Duration) -> Client {
        Client {
            inner: self.inner.with_call_timeout(bound),
            runtime: self.runtime.clone(),
        }
    }

    /// What the client's throttle has seen and learned; see
    /// [`crate::Client::throttle_stats`].
    pub fn throttle_stats(&self) -> crate::ThrottleStats {
        self.inner.throttle_stats()
    }

    /// Upserts many values like [`Client::create_users`] creates them; see
    /// [`crate::Client::upsert_users`].
    pub fn upsert_users<'a, I>(&'a self, inputs: I, concurrency: usize) -> Outcomes<'a, Upserted>
    where
        I: IntoIterator,
        I::IntoIter: Send + 'a,
        I::Item: IntoUserComUser + MapsUserId + Send + Sync + 'a,
    {
        self.outcomes(self.inner.upsert_users(inputs, concurrency))
    }

    /// The one path of every async operation: runs `future` to completion on the calling
    /// thread, in the context of the client's runtime (whose thread drives its I/O and
    /// timers), and returns its output.
    ///
    /// The future is polled where it was made, so it may borrow the caller's values and
    /// need not be `Send`: wrapping an async operation takes one line. Tokio's cooperative
    /// budget is off for it: inside an async task, whose budget does not refill while this
    /// thread waits, a spent budget would otherwise make every poll pend forever.
    fn wait<F: Future>(&self, future: F) -> F::Output {
        let _context = self.runtime.handle.enter();
        park_until_ready(tokio::task::unconstrained(future))
    }

    /// The iterator of a bulk operation's outcome stream.
    fn outcomes<'a, T, S>(&'a self, stream: S) -> Outcomes<'a, T>
    where
        S: Stream<Item = (usize, Result<T, Error>)> + Send + 'a,
    {
        Outcomes(Blocking::new(self, stream))
    }
}

/// Polls `future` on this thread, sleeping between polls until its waker is called.
fn park_until_ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        // A wake-up that came before this park makes it return at once; a spurious one only
        // costs a poll.
        std::thread::park();
    }
}

/// A waker that unparks the waiting thread.
struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Builds a blocking [`Client`] with the settings of [`crate::ClientBuilder`], to which
/// every setter forwards.
///
/// [`crate::Client::builder`] followed by
/// [`build_blocking`](crate::ClientBuilder::build_blocking) does the same, and has every
/// setting by construction; a builder made that way converts into this one with
/// [`From`].
///
/// ```
/// use std::time::Duration;
/// use usercom_core::blocking::Client;
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080/api/public")
///     .api_key(&"a".repeat(64))
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/api/public/");
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    inner: crate::ClientBuilder,
}

impl From<crate::ClientBuilder> for ClientBuilder {
    fn from(inner: crate::ClientBuilder) -> Self {
        ClientBuilder { inner }
    }
}

/// Setters that forward to the async builder's setter of the same name.
macro_rules! forward_setters {
    ($( $setter:ident($arg:ident: $ty:ty); )+) => {
        $(
            #[doc = concat!("See [`crate::ClientBuilder::", stringify!($setter), "`].")]
            pub fn $setter(self, $arg: $ty) -> Self {
                ClientBuilder {
                    inner: self.inner.$setter($arg),
                }
            }
        )+
    };
}

impl ClientBuilder {
    forward_setters! {
        subdomain(subdomain: &str);
        base_url(base_url: &str);
        api_key(api_key: &str);
        timeout(timeout: Duration);
        connect_timeout(timeout: Duration);
        max_response_bytes(bytes: usize);
        api_version(version: ApiVersion);
        retry_policy(policy: crate::RetryPolicy);
        max_retries(n: u32);
        rate_limit(per_second: u32);
        call_timeout(bound: Duration);
    }

    /// Checks the settings and builds the client and its runtime thread; see
    /// [`crate::ClientBuilder::build_blocking`]. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        self.inner.build_blocking()
    }
}
