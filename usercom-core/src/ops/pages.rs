//! Cursor-paginated lists (`GET attributes/`, `GET users/`): each page's `results`, then its
//! `next` link, followed only under the client's base URL, never twice, a `404` on a `next`
//! link taken as the end.

use std::collections::{HashSet, VecDeque};

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use crate::http::retry::Idempotency::Idempotent;
use crate::http::transport::{decode, join, CallBound};
use crate::{Client, Error};

/// One page of a cursor-paginated list, as the API answers it.
#[derive(serde::Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Page<T> {
    next: Option<String>,
    results: Vec<T>,
}

/// A decoded page, with what an error about it quotes.
struct ReadPage<T> {
    status: u16,
    body: String,
    next: Option<String>,
    results: Vec<T>,
}

/// Where a listing stands: the items of the page read and not yet handed out, and the
/// request path of the page to read next (`None`: the list is over).
pub(crate) struct Pager<T> {
    items: VecDeque<T>,
    next: Option<String>,
    seen: HashSet<Url>,
    first: bool,
}

impl<T: DeserializeOwned> Pager<T> {
    /// A listing that starts at `path` (`"users/"`).
    pub(crate) fn new(client: &Client, path: &str) -> Result<Pager<T>, Error> {
        let mut seen = HashSet::new();
        seen.insert(join(&client.inner.base_url, path)?);
        Ok(Pager {
            items: VecDeque::new(),
            next: Some(path.to_owned()),
            seen,
            first: true,
        })
    }

    /// The next item, reading the next page when the one read is used up (and only then);
    /// `Ok(None)` at the end of the list. After an error the listing is over.
    pub(crate) async fn next_item(
        &mut self,
        client: &Client,
        bound: CallBound,
    ) -> Result<Option<T>, Error> {
        loop {
            if let Some(item) = self.items.pop_front() {
                return Ok(Some(item));
            }
            let Some(path) = self.next.take() else {
                return Ok(None);
            };
            let page = match client.get_page::<T>(&path, bound).await {
                Ok(page) => page,
                Err(Error::Api { status: 404, .. }) if !self.first => {
                    tracing::debug!(path, "a `next` link answered 404: the end of the list");
                    return Ok(None);
                }
                Err(error) => return Err(error),
            };
            self.first = false;
            self.items.extend(page.results);
            if let Some(next) = page.next {
                let path = client.next_path(&next, page.status, &page.body)?;
                if !self.seen.insert(join(&client.inner.base_url, &path)?) {
                    return Err(Error::Decode {
                        status: page.status,
                        path: "next".to_owned(),
                        message: format!(
                            "the link {next:?} was already followed; stopping instead of looping"
                        ),
                        body: page.body,
                    });
                }
                self.next = Some(path);
            }
        }
    }
}

impl Client {
    /// `GET path`, decoded as a page, with its status and body kept for errors.
    async fn get_page<T: DeserializeOwned>(
        &self,
        path: &str,
        bound: CallBound,
    ) -> Result<ReadPage<T>, Error> {
        let page = self
            .send_with(
                Method::GET,
                path,
                None,
                Idempotent,
                |status, body| {
                    let bytes = body?;
                    let page: Page<T> = decode(status, bytes)?;
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
    fn a_page_ignores_the_keys_it_does_not_need() {
        let page: Page<u64> = serde_json::from_str(
            r#"{"count": 2, "next": null, "previous": "x", "results": [1, 2], "extra": {}}"#,
        )
        .unwrap();
        assert_eq!((page.next, page.results), (None, vec![1, 2]));
    }
}
