//! The documented rules a value is checked against before anything is sent, one function
//! per `usercom_table::Rule`. Each checks the exact string that goes on the wire.

use std::borrow::Cow;

use crate::error::Error;
use crate::model::value::AttributeValue;
use crate::CreateUser;
use usercom_table::{MAX_ATTRIBUTE_NAME_CHARS, MAX_NAME_CHARS};

/// The exact string is what is sent: a rule never accepts text that the server would
/// trim, repair or reject. Control characters and leading or trailing white space are
/// refused for every attribute with a rule (a server trims them, so what it stores would
/// differ from what was sent).
///
/// Each rule has a fast check, inlined, that accepts the common case (printable ASCII) in a
/// few instructions, and the full rule, out of line, for everything else: it decides, and
/// words the error. The fast checks accept nothing the full rules refuse (a test compares
/// them on every short string of the characters that matter).
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

/// Invisible format characters (Unicode's general category Cf: U+200B zero-width space,
/// U+FEFF, U+2060 word joiner, ...) in a value that identifies or reaches somebody: two
/// strings that look the same differ by one, and would name two people (or fail to name
/// the one meant).
fn visible(name: &'static str, value: &str) -> Result<(), Error> {
    use icu_properties::{props::GeneralCategory, CodePointMapData};
    let categories = CodePointMapData::<GeneralCategory>::new();
    match value
        .chars()
        .find(|&c| categories.get(c) == GeneralCategory::Format)
    {
        Some(c) => Err(Error::invalid_value_of(
            name,
            format!(
                "it contains the invisible format character U+{:04X}, which makes it differ \
                 from the text it looks like; remove it",
                u32::from(c)
            ),
            value,
        )),
        None => Ok(()),
    }
}

/// Whether `value` is printable ASCII (space to `~`) that neither starts nor ends with a
/// space: then it has no control character and nothing to trim. Without an early exit, the
/// loop is vectorized.
#[inline]
fn plain_text(value: &str) -> bool {
    value
        .bytes()
        .fold(true, |ok, b| ok & (b.wrapping_sub(b' ') <= b'~' - b' '))
        && !value.starts_with(' ')
        && !value.ends_with(' ')
}

/// Whether every byte of `value` is printable ASCII other than the space (`!` to `~`).
#[inline]
fn graphic_ascii(value: &str) -> bool {
    value
        .bytes()
        .fold(true, |ok, b| ok & (b.wrapping_sub(b'!') <= b'~' - b'!'))
}

#[inline]
pub(crate) fn name(name: &'static str, value: &str) -> Result<(), Error> {
    // A character takes at least one byte: a short text needs no counting.
    if value.len() <= MAX_NAME_CHARS && plain_text(value) {
        return Ok(());
    }
    name_rule(name, value)
}

#[cold]
#[inline(never)]
fn name_rule(name: &'static str, value: &str) -> Result<(), Error> {
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
/// merge every user that has it into one; one with white space around it, a control
/// character or an invisible one matches a different person than the one meant (an
/// upsert would then create a second).
#[inline]
pub(crate) fn id(name: &'static str, value: &str) -> Result<(), Error> {
    // Printable ASCII, not empty, no space at either end: nothing to refuse.
    if !value.is_empty() && plain_text(value) {
        return Ok(());
    }
    id_rule(name, value)
}

#[cold]
#[inline(never)]
fn id_rule(name: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_value_of(
            name,
            "it is empty or only white space, which identifies nobody (an upsert would merge \
             every such user into one); leave the attribute out instead",
            value,
        ));
    }
    exact_text(name, value)?;
    visible(name, value)
}

/// Named values (custom attributes, an event's data): each name a valid custom attribute
/// name, given once (`twice` says so otherwise); floats finite (JSON has no NaN or
/// infinity); integers within what User.com stores.
pub(crate) fn named_values(
    values: &[(Cow<'_, str>, AttributeValue<'_>)],
    twice: &'static str,
) -> Result<(), Error> {
    for (index, (name, value)) in values.iter().enumerate() {
        custom_name(name)?;
        if values[..index].iter().any(|(earlier, _)| earlier == name) {
            return Err(Error::invalid_input(name.to_string(), twice));
        }
        match value {
            AttributeValue::Float(f) if !f.is_finite() => {
                return Err(Error::invalid_value_of(
                    name.to_string(),
                    "NaN and infinities cannot be sent: JSON has no such numbers",
                    f.to_string(),
                ));
            }
            AttributeValue::OutOfRange(n) => return Err(n.clone().into_error(name.to_string())),
            _ => {}
        }
    }
    Ok(())
}

/// The name of a tag or an event (`name` says which): one that is empty or only white space
/// names nothing; one with white space around it, a control character or an invisible one
/// names another than the one it looks like (User.com would trim it, or keep two that read
/// the same).
pub(crate) fn label(name: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_value_of(
            name,
            format!(
                "it is empty or only white space, which names no {name}; give the {name}'s name"
            ),
            value,
        ));
    }
    exact_text(name, value)?;
    visible(name, value)
}

#[inline]
pub(crate) fn email(name: &'static str, value: &str) -> Result<(), Error> {
    // Printable ASCII without a space (so no white space and no control character), and
    // exactly one `@`, neither first nor last.
    if graphic_ascii(value)
        && value.bytes().filter(|&b| b == b'@').count() == 1
        && !value.starts_with('@')
        && !value.ends_with('@')
    {
        return Ok(());
    }
    email_rule(name, value)
}

#[cold]
#[inline(never)]
fn email_rule(name: &'static str, value: &str) -> Result<(), Error> {
    exact_text(name, value)?;
    visible(name, value)?;
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
    // Shown to everyone who sees the profile, and stored by User.com: a password or a
    // user name before the host is never meant to go there.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_value_of(
            name,
            "the URL carries credentials (`user:password@` before the host); remove them",
            value,
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules as first written, one `char` at a time: the fast paths above must agree
    /// with them on every input.
    mod reference {
        pub(super) fn exact_text(value: &str) -> bool {
            !value.chars().any(char::is_control) && value.trim() == value
        }

        pub(super) fn name(value: &str) -> bool {
            value.chars().count() <= super::MAX_NAME_CHARS && exact_text(value)
        }

        pub(super) fn id(value: &str) -> bool {
            !value.trim().is_empty() && exact_text(value) && !value.chars().any(invisible)
        }

        /// The Cf characters of the test alphabet.
        pub(super) fn invisible(c: char) -> bool {
            matches!(c, '\u{200b}' | '\u{feff}' | '\u{2060}' | '\u{ad}')
        }

        pub(super) fn email(value: &str) -> bool {
            let mut parts = value.split('@');
            exact_text(value)
                && matches!(
                    (parts.next(), parts.next(), parts.next()),
                    (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty()
                )
                && !value.chars().any(char::is_whitespace)
                && !value.chars().any(invisible)
        }
    }

    /// Every string of up to `len` characters over an alphabet of the characters the rules
    /// care about: ASCII letters and punctuation, `@`, ASCII and Unicode white space, control
    /// characters, and non-ASCII letters.
    fn strings(len: usize) -> Vec<String> {
        const ALPHABET: &[char] = &[
            'a', '~', '!', '@', ' ', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{7f}', '\u{85}',
            '\u{a0}', '\u{2003}', 'é', '\0', '\u{200b}', '\u{feff}', '\u{2060}', '\u{ad}',
        ];
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s| ALPHABET.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn the_fast_paths_agree_with_the_rules_on_every_short_input() {
        for value in strings(4) {
            let shown = format!("{value:?}");
            if plain_text(&value) {
                assert!(reference::exact_text(&value), "{shown}");
            }
            assert_eq!(
                name("x", &value).is_ok(),
                reference::name(&value),
                "{shown}"
            );
            assert_eq!(id("x", &value).is_ok(), reference::id(&value), "{shown}");
            assert_eq!(
                email("x", &value).is_ok(),
                reference::email(&value),
                "{shown}"
            );
        }
    }

    #[test]
    fn names_are_counted_in_characters_around_the_limit() {
        for (text, ok) in [
            ("a".repeat(40), true),
            ("a".repeat(41), false),
            ("é".repeat(40), true),
            ("é".repeat(41), false),
            (format!("{} ", "a".repeat(39)), false),
        ] {
            assert_eq!(name("first_name", &text).is_ok(), ok, "{text:?}");
            assert_eq!(reference::name(&text), ok, "{text:?}");
        }
    }

    #[test]
    fn long_emails_take_the_same_way() {
        let local = "a".repeat(300);
        for (text, ok) in [
            (format!("{local}@example.org"), true),
            (format!("{local}@example.org@x"), false),
            (format!("{local} @example.org"), false),
            (format!("{local}@exämple.org"), true),
            (format!("{local}@exa\u{a0}mple.org"), false),
        ] {
            assert_eq!(email("email", &text).is_ok(), ok, "{text:?}");
            assert_eq!(reference::email(&text), ok, "{text:?}");
        }
    }
}
