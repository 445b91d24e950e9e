//! Keeping the API key out of every text the client builds from a server's answer: error
//! bodies, decode errors, log fields (some servers and proxies quote the token they refuse).

use crate::{Client, Error};

/// What stands where the key stood.
const REDACTED: &str = "<redacted>";

impl Client {
    /// `error` with every text that may quote a server's body redacted of the API key.
    pub(crate) fn redact_error(&self, error: Error) -> Error {
        match error {
            Error::Decode {
                status,
                path,
                message,
                body,
            } => Error::Decode {
                status,
                path,
                message: self.redact(message),
                body: self.redact(body),
            },
            Error::Api {
                status,
                body,
                retry_after,
            } => Error::Api {
                status,
                body: self.redact(body),
                retry_after,
            },
            other => other,
        }
    }

    /// `text`, a body cut short, without the API key: whole copies of it, and a tail that
    /// is the start of one (a key cut in two by the cut).
    pub(crate) fn redact_cut(&self, text: String) -> String {
        redact_cut(self.redact(text), &self.inner.api_key)
    }

    /// `text` without the API key (some servers and proxies quote the token they refuse).
    pub(crate) fn redact(&self, text: String) -> String {
        if text.contains(&*self.inner.api_key) {
            text.replace(&*self.inner.api_key, REDACTED)
        } else {
            text
        }
    }
}

/// `text` with a tail that is the start of `key` (at least one character of it) replaced
/// by `<redacted>`: where a body was cut, the key may have been cut in two.
fn redact_cut(mut text: String, key: &str) -> String {
    let longest = (1..key.len().min(text.len() + 1))
        .rev()
        .find(|&len| key.is_char_boundary(len) && text.ends_with(&key[..len]));
    if let Some(len) = longest {
        text.truncate(text.len() - len);
        text.push_str(REDACTED);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::redact_cut;

    #[test]
    fn a_tail_that_starts_the_key_is_redacted() {
        let key = "0123456789abcdef";
        for (text, redacted) in [
            ("body 0123", "body <redacted>"),
            ("body 0", "body <redacted>"),
            ("0123456789abcde", "<redacted>"),
            ("body 1234", "body 1234"),
            ("body", "body"),
            ("", ""),
        ] {
            assert_eq!(redact_cut(text.to_owned(), key), redacted, "{text:?}");
        }
    }
}
