//! The documented rules a value is checked against before anything is sent, one function
//! per `usercom_table::Rule`. Each checks the exact string that goes on the wire.

use crate::error::Error;
use crate::CreateUser;
use usercom_table::{MAX_ATTRIBUTE_NAME_CHARS, MAX_NAME_CHARS};

/// The exact string is what is sent: a rule never accepts text that the server would
/// trim, repair or reject. Control characters and leading or trailing white space are
/// refused for every attribute with a rule (a server trims them, so what it stores would
/// differ from what was sent).
fn exact_text(name: &'static str, value: &str) -> Result<(), Error> {
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_value_of(
            name,
            "it contains a control character (a line break, tab, ...); remove it",
            value,
        ));
    }
    if value.trim() != value {
        return Err(Error::invalid_value_of(
            name,
            "it starts or ends with white space, which User.com would trim; trim it first \
             (usercom sends exactly what it is given)",
            value,
        ));
    }
    Ok(())
}

pub(crate) fn name(name: &'static str, value: &str) -> Result<(), Error> {
    let chars = value.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(Error::invalid_value_of(
            name,
            format!(
                "{chars} characters, but User.com accepts at most {MAX_NAME_CHARS}; \
                 shorten it (usercom never truncates)"
            ),
            value,
        ));
    }
    exact_text(name, value)
}

/// `user_id` and `company_id` identify someone: a blank one identifies nobody, and would
/// merge every user that has it into one.
pub(crate) fn id(name: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_value_of(
            name,
            "it is empty or only white space, which identifies nobody (an upsert would merge \
             every such user into one); leave the attribute out instead",
            value,
        ));
    }
    Ok(())
}

pub(crate) fn email(name: &'static str, value: &str) -> Result<(), Error> {
    exact_text(name, value)?;
    let mut parts = value.split('@');
    let ok = matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty()
    ) && !value.chars().any(char::is_whitespace);
    if !ok {
        return Err(Error::invalid_value_of(
            name,
            "not an email address: it needs exactly one `@` with text on both sides, and no \
             white space",
            value,
        ));
    }
    Ok(())
}

/// An absolute `http` or `https` URL, exactly as written: the scheme in lower case followed
/// by `://` and a host, no white space, no backslash. (A lenient URL parser would repair
/// `HTTPS://x`, `https:/x`, `http:x` or `\\`, and the raw string would then be refused by
/// the server.)
pub(crate) fn url(name: &'static str, value: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Error::invalid_value_of(name, format!("not an absolute http(s) URL: {why}"), value)
    };
    exact_text(name, value)?;
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return Err(bad(
            "it must start with `https://` or `http://` (scheme in lower case)",
        ));
    };
    if value.chars().any(char::is_whitespace) {
        return Err(bad("it contains white space"));
    }
    if value.contains('\\') {
        return Err(bad("it contains a backslash"));
    }
    if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
        return Err(bad("it has no host"));
    }
    let url = reqwest::Url::parse(value).map_err(|e| bad(&e.to_string()))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    Ok(())
}

pub(crate) fn custom_name(name: &str) -> Result<(), Error> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_ATTRIBUTE_NAME_CHARS {
        return Err(Error::invalid_input(
            name.to_string(),
            format!(
                "a custom attribute name has 1 to {MAX_ATTRIBUTE_NAME_CHARS} characters, \
                 this one has {chars}"
            ),
        ));
    }
    if CreateUser::STANDARD_ATTRIBUTES.contains(&name) {
        return Err(Error::invalid_input(
            name.to_string(),
            format!("`{name}` is a standard attribute: set it with `.{name}(...)`, not as a custom attribute"),
        ));
    }
    Ok(())
}

/// `gender` and `status`: a value only responses produce (`Unrecognized`) cannot be sent.
pub(crate) fn known(name: &'static str, is_known: bool) -> Result<(), Error> {
    if is_known {
        return Ok(());
    }
    Err(Error::invalid_input(
        name,
        "`Unrecognized` is only read from responses and cannot be sent; choose a known value",
    ))
}
