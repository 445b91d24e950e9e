//! [`ClientBuilder`]: the client's settings, checked when it is built.

use std::fmt;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{redirect, Url};

use crate::client::Inner;
use crate::http::throttle::Throttle;
use crate::{
    ApiVersion, Client, Error, RetryPolicy, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
};

const API_KEY_LEN: usize = 64;

/// Builds a [`Client`]. Either [`subdomain`](ClientBuilder::subdomain) or
/// [`base_url`](ClientBuilder::base_url) is required, and so is the API key.
///
/// ```
/// use std::time::Duration;
/// use usercom_core::Client;
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080/api/public")
///     .api_key(&"a".repeat(64))
///     .timeout(Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/api/public/");
/// # Ok::<(), usercom_core::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    subdomain: Option<String>,
    base_url: Option<String>,
    api_key: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    api_version: ApiVersion,
    retry: RetryPolicy,
    rate_limit: Option<u32>,
    call_timeout: Option<Duration>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            subdomain: None,
            base_url: None,
            api_key: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            api_version: ApiVersion::V1,
            retry: RetryPolicy::default(),
            rate_limit: None,
            call_timeout: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("subdomain", &self.subdomain)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("api_version", &self.api_version)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("call_timeout", &self.call_timeout)
            .finish()
    }
}

impl ClientBuilder {
    /// Your application's subdomain: requests go to `https://<subdomain>.user.com/api/public/`.
    /// It must be one DNS label (letters, digits, inner hyphens).
    pub fn subdomain(mut self, subdomain: &str) -> Self {
        self.subdomain = Some(subdomain.to_owned());
        self
    }

    /// Sends requests to this URL instead (tests, proxies). A missing trailing slash is
    /// added. It must be `https`, except on loopback hosts (`127.0.0.0/8`, `::1`,
    /// `localhost`), which may use `http`.
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.base_url = Some(base_url.to_owned());
        self
    }

    /// The 64-character API key (Settings → Public REST API keys in User.com).
    pub fn api_key(mut self, api_key: &str) -> Self {
        self.api_key = Some(api_key.to_owned());
        self
    }

    /// Limit for a whole request (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for opening a connection (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The API version to speak (default [`ApiVersion::V1`], the documented create-user
    /// contract).
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::none`] turns
    /// retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shorthand for a retry policy with at most `n` retries (0: off).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry = self.retry.max_retries(n);
        self
    }

    /// Sends at most `per_second` requests a second, evenly spaced, whatever the
    /// concurrency: for users who know their plan's quota and would rather never be
    /// throttled (measured in BENCHMARKS.md: no refusal, 99.7% of the limit). Without it the
    /// client learns the server's rate from its `429` and `503` answers (see
    /// [`Client::throttle_stats`]); with it, it does both. Every request counts (an upsert
    /// makes two, a create with custom attributes two). `0` is refused by
    /// [`build`](ClientBuilder::build).
    ///
    /// A request may follow the one before at once when that one was late, up to 5 ms worth
    /// of requests (at least 2): timers wake late, and the pace must hold.
    ///
    /// ```
    /// let client = usercom_core::Client::builder()
    ///     .subdomain("my-app")
    ///     .api_key(&"k".repeat(64))
    ///     .rate_limit(100)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Bounds every call (`create_user`, `upsert_user`, each input of a bulk operation...)
    /// as a whole: waits for the rate limit, retries and their backoff included, besides the
    /// per-request [`timeout`](ClientBuilder::timeout). A call still running when it is up
    /// fails with [`Error::CallTimeout`], which says whether its request was sent and
    /// whether it may have been processed. Off by default; set it per call with
    /// [`Client::with_call_timeout`].
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = usercom_core::Client::builder()
    ///     .subdomain("my-app")
    ///     .api_key(&"k".repeat(64))
    ///     .call_timeout(Duration::from_secs(5))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    pub fn call_timeout(mut self, bound: Duration) -> Self {
        self.call_timeout = Some(bound);
        self
    }

    /// Checks the settings and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match (&self.subdomain, &self.base_url) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    "both a subdomain and a base URL are set; set only one",
                ))
            }
            (Some(subdomain), None) => subdomain_url(subdomain)?,
            (None, Some(base_url)) => checked_base_url(base_url)?,
            (None, None) => {
                return Err(Error::config(
                    "no subdomain or base URL is set; call .subdomain(\"your-app\")",
                ))
            }
        };
        if base_url.scheme() == "https" && !cfg!(any(feature = "rustls", feature = "native-tls")) {
            return Err(Error::config(
                "usercom was built without TLS, so only http://localhost-style base URLs work: \
                 enable the `rustls` (default) or `native-tls` feature",
            ));
        }
        let api_key = self
            .api_key
            .as_deref()
            .ok_or_else(|| Error::config("no API key is set; call .api_key(...)"))?;
        check_api_key(api_key)?;
        let rate_limit = match self.rate_limit {
            None => None,
            Some(n) => Some(NonZeroU32::new(n).ok_or_else(|| {
                Error::config("the rate limit must be at least 1 request per second")
            })?),
        };

        let mut auth = HeaderValue::from_str(&format!("Token {api_key}"))
            .map_err(|_| Error::config("the API key is not a valid header value"))?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);

        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // A redirect could carry the key elsewhere; User.com does not redirect API calls.
            .redirect(redirect::Policy::none())
            .user_agent(concat!("usercom-rust/", env!("CARGO_PKG_VERSION")));
        // With both TLS features, rustls (the default) is used.
        #[cfg(feature = "rustls")]
        let http = http.tls_backend_rustls();
        let http = http
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        let fixed_urls = crate::http::transport::FIXED_PATHS
            .iter()
            .map(|path| crate::http::transport::join(&base_url, path))
            .collect::<Result<_, _>>()?;
        let throttle = Throttle::new(rate_limit, self.retry.throttled_time_bound());
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                fixed_urls,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                max_response_bytes: self.max_response_bytes,
                api_version: self.api_version,
                retry: self.retry,
                api_key: api_key.into(),
                throttle: Arc::new(throttle),
            }),
            call_timeout: self.call_timeout,
        })
    }

    /// Checks the settings and builds a [`blocking::Client`](crate::blocking::Client) with
    /// them (feature `blocking`); see
    /// [`blocking::Client::from_async`](crate::blocking::Client::from_async). Nothing is sent.
    ///
    /// ```
    /// let client = usercom_core::Client::builder()
    ///     .subdomain("my-app")
    ///     .api_key(&"k".repeat(64))
    ///     .build_blocking()?;
    /// assert_eq!(client.base_url(), "https://my-app.user.com/api/public/");
    /// # Ok::<(), usercom_core::Error>(())
    /// ```
    #[cfg(feature = "blocking")]
    #[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
    pub fn build_blocking(self) -> Result<crate::blocking::Client, Error> {
        crate::blocking::Client::from_async(self.build()?)
    }
}

fn check_api_key(key: &str) -> Result<(), Error> {
    // The message describes the key, never repeats it.
    if key.len() != API_KEY_LEN || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::config(format!(
            "the API key must be exactly {API_KEY_LEN} ASCII letters and digits (the given one \
             has {} characters{})",
            key.chars().count(),
            if key.chars().all(|c| c.is_ascii_alphanumeric()) {
                ""
            } else {
                ", some of them not letters or digits"
            }
        )));
    }
    Ok(())
}

fn subdomain_url(subdomain: &str) -> Result<Url, Error> {
    let valid = !subdomain.is_empty()
        && subdomain.len() <= 63
        && subdomain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !subdomain.starts_with('-')
        && !subdomain.ends_with('-');
    if !valid {
        return Err(Error::config(format!(
            "the subdomain {subdomain:?} is not one DNS label: use 1 to 63 letters, digits and \
             inner hyphens (the part before .user.com)"
        )));
    }
    Url::parse(&format!("https://{subdomain}.user.com/api/public/")).map_err(|e| {
        Error::config(format!(
            "the subdomain {subdomain:?} gives no valid URL: {e}"
        ))
    })
}

fn checked_base_url(base_url: &str) -> Result<Url, Error> {
    let mut text = base_url.to_owned();
    if !text.ends_with('/') {
        text.push('/');
    }
    let url = Url::parse(&text)
        .map_err(|e| Error::config(format!("the base URL {base_url:?} is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("the base URL must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL {base_url:?} must not have a query or fragment"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "the base URL {base_url:?} uses http: only loopback hosts (127.0.0.0/8, ::1, \
                 localhost) may, anything else must use https"
            )))
        }
        other => {
            return Err(Error::config(format!(
                "the base URL {base_url:?} has the scheme `{other}`; use https"
            )))
        }
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01";

    fn config_error(result: Result<Client, Error>) -> String {
        match result {
            Err(e @ Error::Config { .. }) => e.to_string(),
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn new_targets_the_subdomain() {
        let client = Client::new("my-app", KEY).unwrap();
        assert_eq!(client.base_url(), "https://my-app.user.com/api/public/");
    }

    #[test]
    fn api_key_must_be_64_alphanumerics_and_is_never_echoed() {
        for bad in [
            "",
            "short",
            &KEY[..63],
            &format!("{KEY}x"),
            &format!("{}-", &KEY[..63]),
        ] {
            let msg = config_error(Client::new("app", bad));
            assert!(msg.contains("64"), "{msg}");
            if !bad.is_empty() {
                assert!(!msg.contains(bad), "{msg}");
            }
        }
    }

    #[test]
    fn subdomain_must_be_one_label() {
        for bad in [
            "",
            "a.b",
            "evil.com/",
            "a?b",
            "a b",
            "-a",
            "a-",
            "a/b",
            &"a".repeat(64),
        ] {
            let msg = config_error(Client::new(bad, KEY));
            assert!(msg.contains("DNS label"), "{bad}: {msg}");
        }
        Client::new("a-1", KEY).unwrap();
    }

    #[test]
    fn base_url_must_be_https_except_on_loopback() {
        let build = |url: &str| Client::builder().base_url(url).api_key(KEY).build();
        for ok in [
            "https://proxy.example.com/usercom",
            "http://127.0.0.1:1234",
            "http://127.8.9.10/x/",
            "http://[::1]:80",
            "http://localhost:9000/api/public/",
        ] {
            let client = build(ok).unwrap();
            assert!(client.base_url().ends_with('/'), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "ftp://example.com",
            "not a url",
            "https://user:pw@example.com",
            "https://example.com/?q=1",
        ] {
            config_error(build(bad));
        }
    }

    #[test]
    fn builder_needs_exactly_one_target_and_a_key() {
        assert!(config_error(Client::builder().api_key(KEY).build()).contains("subdomain"));
        assert!(config_error(
            Client::builder()
                .subdomain("a")
                .base_url("https://b.example")
                .api_key(KEY)
                .build()
        )
        .contains("only one"));
        assert!(config_error(Client::builder().subdomain("a").build()).contains("API key"));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let client = Client::new("app", KEY).unwrap();
        let builder = Client::builder().subdomain("app").api_key(KEY);
        for shown in [format!("{client:?}"), format!("{builder:?}")] {
            assert!(!shown.contains(KEY), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
        }
    }
}
