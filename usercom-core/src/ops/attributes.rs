//! The app's custom attribute definitions: `GET attributes/`, every page.

use std::collections::HashSet;

use reqwest::{Method, Url};

use crate::http::retry::Idempotency::Idempotent;
use crate::http::transport::{decode, CallBound};
use crate::{Client, Error};

/// One custom attribute definition of the app, as `GET attributes/` lists it.
///
/// Keys the API adds beyond these are ignored.
///
/// ```
/// use usercom_core::AttributeDefinition;
/// let definition: AttributeDefinition = serde_json::from_str(
///     r#"{"id": 7, "name": "Plan", "name_std": "plan", "value_type": "fixed",
///         "content_type": "user", "created_at": "2024-01-01T00:00:00Z"}"#,
/// )?;
/// assert_eq!(definition.name_std, "plan");
/// assert!(definition.is_user_attribute());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[non_exhaustive]
pub struct AttributeDefinition {
    /// The definition's User.com id.
    pub id: u64,
    /// The display name (`"My Attribute"`).
    pub name: String,
    /// The key requests use (`"my_attribute"`).
    pub name_std: String,
    /// The value type as User.com names it: `boolean`, `integer`, `float`, `string`,
    /// `date`, `datetime`, `json` or `fixed` (kept as text: a type added later does not
    /// break the listing).
    pub value_type: String,
    /// What the attribute belongs to: `user`, `company`, `deal`, `product`, `ticket`...
    pub content_type: String,
}

impl AttributeDefinition {
    /// Whether the attribute belongs to users (`content_type` is `user`): the only ones a
    /// user's `set_multiple_attributes` takes.
    pub fn is_user_attribute(&self) -> bool {
        self.content_type == "user"
    }
}

/// One page of a cursor-paginated list.
#[derive(serde::Deserialize)]
struct Page {
    next: Option<String>,
    results: Vec<AttributeDefinition>,
}

impl Client {
    /// Every custom attribute definition of the app (of users, companies, deals...; filter
    /// with [`AttributeDefinition::is_user_attribute`]), in the order the API lists them:
    /// `GET attributes/`, then each page's `next` link until there is none.
    ///
    /// Each page is one request under the client's retry policy (a GET is safe to repeat);
    /// a handle's call bound ([`Client::with_call_timeout`]) covers the whole listing.
    /// A `next` link is followed only when it lies under the client's
    /// [`base_url`](Client::base_url): a link elsewhere is an error, and the API key is
    /// never sent there. A `next` link that answers `404` ends the listing (one client has
    /// seen User.com do that at the end of a list); a link already followed is an error
    /// rather than an endless loop. Both errors are [`Error::Decode`] at the path `next`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), usercom_core::Error> {
    /// use usercom_core::Client;
    /// let client = Client::new("my-app", &std::env::var("USERCOM_API_KEY").unwrap())?;
    /// for definition in client.list_attributes().await? {
    ///     if definition.is_user_attribute() {
    ///         println!("{} ({})", definition.name_std, definition.value_type);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_attributes(&self) -> Result<Vec<AttributeDefinition>, Error> {
        let base = &self.inner.base_url;
        let mut definitions = Vec::new();
        let mut path = "attributes/".to_owned();
        let mut seen = HashSet::new();
        seen.insert(join(base, &path)?);
        let mut first = true;
        let bound = self.call_bound();
        loop {
            let page = match self.get_page(&path, bound).await {
                Ok(page) => page,
                Err(Error::Api { status: 404, .. }) if !first => {
                    tracing::debug!(path, "a `next` link answered 404: the end of the list");
                    break;
                }
                Err(error) => return Err(error),
            };
            first = false;
            definitions.extend(page.results);
            let Some(next) = page.next else { break };
            path = self.next_path(&next, page.status, &page.body)?;
            if !seen.insert(join(base, &path)?) {
                return Err(Error::Decode {
                    status: page.status,
                    path: "next".to_owned(),
                    message: format!(
                        "the link {next:?} was already followed; stopping instead of looping"
                    ),
                    body: page.body,
                });
            }
        }
        Ok(definitions)
    }

    /// `GET path`, decoded as a page, with its status and body kept for errors.
    async fn get_page(&self, path: &str, bound: CallBound) -> Result<ReadPage, Error> {
        let page = self
            .send_with(
                Method::GET,
                path,
                None,
                Idempotent,
                |status, body| {
                    let bytes = body?;
                    let page: Page = decode(status, bytes)?;
                    Ok(ReadPage {
                        status,
                        body: String::from_utf8_lossy(bytes).into_owned(),
                        next: page.next,
                        results: page.results,
                    })
                },
                bound,
            )
            .await?;
        // Kept for the errors a page can still cause (a `next` link refused).
        Ok(ReadPage {
            body: self.redact(page.body),
            ..page
        })
    }

    /// The request path of a `next` link, which must lie under the base URL.
    fn next_path(&self, next: &str, status: u16, body: &str) -> Result<String, Error> {
        let base = &self.inner.base_url;
        let outside = || Error::Decode {
            status,
            path: "next".to_owned(),
            message: format!(
                "the link {next:?} points outside the client's base URL {:?}; it was not \
                 followed, so that the API key goes nowhere else (behind a proxy, make it \
                 rewrite the links)",
                base.as_str()
            ),
            body: body.to_owned(),
        };
        let url = base.join(next).map_err(|_| outside())?;
        let rest = url
            .as_str()
            .strip_prefix(base.as_str())
            .ok_or_else(outside)?;
        // `//host/x` or `/x` after the prefix would join to another place: the path must
        // lead back to exactly this URL.
        if base.join(rest).ok().as_ref() != Some(&url) {
            return Err(outside());
        }
        Ok(rest.to_owned())
    }
}

/// A decoded page, with what an error about it quotes.
struct ReadPage {
    status: u16,
    body: String,
    next: Option<String>,
    results: Vec<AttributeDefinition>,
}

fn join(base: &Url, path: &str) -> Result<Url, Error> {
    base.join(path)
        .map_err(|e| Error::config(format!("cannot join `{path}` to the base URL: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::builder()
            .base_url(base)
            .api_key(&"k".repeat(64))
            .build()
            .unwrap()
    }

    #[test]
    fn next_links_are_followed_only_under_the_base_url() {
        let client = client("http://127.0.0.1:9/api/public");
        let path = |next: &str| client.next_path(next, 200, "{}");
        assert_eq!(
            path("http://127.0.0.1:9/api/public/attributes/?cursor=abc").unwrap(),
            "attributes/?cursor=abc"
        );
        assert_eq!(
            path("attributes/?cursor=abc").unwrap(),
            "attributes/?cursor=abc",
            "a relative link resolves against the base URL"
        );
        for outside in [
            "http://evil.example/api/public/attributes/?cursor=abc",
            "https://127.0.0.1:9/api/public/attributes/",
            "http://127.0.0.1:10/api/public/attributes/",
            "http://127.0.0.1:9/api/other/attributes/",
            "http://127.0.0.1:9/api/public//evil.example/x",
            "//evil.example/api/public/attributes/",
            "/attributes/",
            "http://127.0.0.1:9/api/public/../attributes/",
            "http://127.0.0.1:9@evil.example/api/public/attributes/",
            "http://[::1",
        ] {
            let error = path(outside).unwrap_err();
            assert!(
                matches!(&error, Error::Decode { path, .. } if path == "next"),
                "{outside}: {error:?}"
            );
            assert!(error.to_string().contains("outside"), "{error}");
        }
    }

    #[test]
    fn definitions_ignore_unknown_keys() {
        let page: Page = serde_json::from_str(
            r#"{"count": 1, "next": null, "previous": null, "results": [
                {"id": 1, "name": "Seats", "name_std": "seats", "value_type": "integer",
                 "content_type": "company", "extra": [1, 2]}
            ]}"#,
        )
        .unwrap();
        assert_eq!(page.next, None);
        assert_eq!(page.results[0].value_type, "integer");
        assert!(!page.results[0].is_user_attribute());
    }
}
