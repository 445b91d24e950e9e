//! How an operation names a user in a path: by User.com's id (`users/<id>/`) or by the
//! application's own id (`users-by-id/<user_id>/`), the id sent as exactly one segment.

use crate::mapping::validate;
use crate::Error;

/// `users-by-id/<user_id>/` followed by `action` (`""`, `"add_tag/"`, ...), `user_id` checked
/// and encoded by [`path_segment`].
pub(crate) fn by_user_id(user_id: &str, action: &str) -> Result<String, Error> {
    Ok(format!(
        "users-by-id/{}/{action}",
        path_segment("user_id", user_id)?
    ))
}

/// `value` as one path segment: checked like an id (never blank), `.` and `..` refused (a
/// URL resolves them instead of sending them), every byte but the unreserved characters of
/// RFC 3986 (`A-Z a-z 0-9 - . _ ~`) percent-encoded.
pub(crate) fn path_segment(name: &'static str, value: &str) -> Result<String, Error> {
    validate::id(name, value)?;
    if value == "." || value == ".." {
        return Err(Error::invalid_value_of(
            name,
            "`.` and `..` cannot be sent as a path segment (a URL resolves them as this and the \
             parent directory), so no user can be named by it",
            value,
        ));
    }
    let mut segment = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            segment.push(char::from(byte));
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_id_is_one_segment_with_every_reserved_byte_encoded() {
        let segment = |value| path_segment("user_id", value);
        assert_eq!(segment("customer-42").unwrap(), "customer-42");
        assert_eq!(segment("a/b c").unwrap(), "a%2Fb%20c");
        assert_eq!(
            segment("?#%+&;=@:~._").unwrap(),
            "%3F%23%25%2B%26%3B%3D%40%3A~._"
        );
        assert_eq!(segment("é|").unwrap(), "%C3%A9%7C");
        assert_eq!(segment("...").unwrap(), "...");
        // An id the client would not send in a create is not looked up either.
        for refused in ["", " ", "\t\n", ".", "..", "é\n", " 42", "4\u{200b}2"] {
            let error = segment(refused).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidInput { attribute, .. } if attribute == "user_id"),
                "{refused:?}: {error:?}"
            );
            assert_eq!(error.invalid_value(), Some(refused));
        }
    }

    #[test]
    fn the_encoded_segment_joins_to_the_base_url_as_one_segment() {
        let base = url::Url::parse("https://my-app.user.com/api/public/").unwrap();
        for value in ["a/b c", "../x", "%2e%2e", "x?y#z", "..%2F", "a\\b"] {
            let path = format!("users-by-id/{}/", path_segment("user_id", value).unwrap());
            let url = base.join(&path).unwrap();
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            assert_eq!(
                segments,
                [
                    "api",
                    "public",
                    "users-by-id",
                    &*path_segment("user_id", value).unwrap(),
                    ""
                ],
                "{value:?}"
            );
            assert_eq!((url.query(), url.fragment()), (None, None), "{value:?}");
        }
    }

    #[test]
    fn a_path_by_user_id_ends_with_its_action() {
        assert_eq!(by_user_id("c-1815", "").unwrap(), "users-by-id/c-1815/");
        assert_eq!(
            by_user_id("a/b", "add_tag/").unwrap(),
            "users-by-id/a%2Fb/add_tag/"
        );
        assert!(matches!(
            by_user_id(" ", "").unwrap_err(),
            Error::InvalidInput { .. }
        ));
    }
}
