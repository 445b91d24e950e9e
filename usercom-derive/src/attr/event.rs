//! `#[usercom(...)]` of `#[derive(IntoUserComEvent)]`: the struct's `event = "name"` and
//! `crate = path`, and each field's `data`, `data = "name"` or `timestamp`.

use syn::{Attribute, Ident, LitStr, Path};

use super::{did_you_mean, lit_str_value, parse_crate, skip_value, usercom_lists};
use crate::ctxt::Ctxt;
use crate::table::{self, keyword, MAX_ATTRIBUTE_NAME_CHARS};

/// `#[usercom(...)]` of the event's struct.
#[derive(Default)]
pub(crate) struct EventAttrs {
    /// `crate = path`.
    pub(crate) krate: Option<Path>,
    /// `event = "name"`: the event's name, checked.
    pub(crate) name: Option<LitStr>,
}

/// What one field of an event is.
pub(crate) enum EventField {
    /// `data` (named after the field) or `data = "name"`: the name it is sent under (its
    /// span: the name given, or the field's name).
    Data { name: LitStr },
    /// `timestamp`: when the event happened.
    Timestamp { token: Ident },
}

/// The struct's options; `ident` is where a missing name is reported.
pub(crate) fn event_attrs(cx: &mut Ctxt, attrs: &[Attribute], ident: &Ident) -> EventAttrs {
    let mut out = EventAttrs::default();
    let mut named = false;
    for attr in usercom_lists(cx, attrs) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(keyword::CRATE) {
                return parse_crate(cx, &meta, &mut out.krate);
            }
            if meta.path.is_ident(keyword::EVENT) {
                named = true;
                match lit_str_value(meta.value()?)? {
                    Ok(_) if out.name.is_some() => {
                        cx.error_spanned_by(&meta.path, "`event` is given twice; give it once")
                    }
                    Ok(name) => out.name = check_event_name(cx, name),
                    Err(value) => cx.error_spanned_by(
                        value,
                        "`event` takes the event's name as a string literal: \
                         `#[usercom(event = \"order_placed\")]`",
                    ),
                }
                return Ok(());
            }
            let key = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            let best = did_you_mean(&key, [keyword::EVENT, keyword::CRATE].into_iter());
            // A misspelt `event` is reported as such, not also as a missing name.
            named |= best == Some(keyword::EVENT);
            let hint = best
                .map(|best| format!(" (did you mean `{best}`?)"))
                .unwrap_or_default();
            cx.error_spanned_by(
                &meta.path,
                format!(
                    "unknown event option `{key}`{hint}: an event's struct takes \
                     `event = \"name\"` and `crate = path`, and its fields `data`, \
                     `data = \"name\"` or `timestamp`"
                ),
            );
            skip_value(&meta)
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    if !named {
        cx.error_spanned_by(
            ident,
            "`#[derive(IntoUserComEvent)]` needs the event's name: add \
             `#[usercom(event = \"order_placed\")]` to the struct",
        );
    }
    out
}

/// The event's name, or `None` (with the error in `cx`) when User.com would not keep it as
/// written.
fn check_event_name(cx: &mut Ctxt, name: LitStr) -> Option<LitStr> {
    let text = name.value();
    if text.trim().is_empty() {
        cx.error_spanned_by(
            &name,
            "the event's name cannot be empty: `#[usercom(event = \"order_placed\")]`",
        );
        return None;
    }
    if text.trim() != text || text.chars().any(char::is_control) {
        cx.error_spanned_by(
            &name,
            "the event's name has white space around it or a control character, which \
             User.com would not keep as written; remove it",
        );
        return None;
    }
    Some(name)
}

/// The field's mapping, if it has one; `ident` names a `data` field's value by default.
pub(crate) fn event_field(cx: &mut Ctxt, attrs: &[Attribute], ident: &Ident) -> Option<EventField> {
    let mut out: Option<EventField> = None;
    for attr in usercom_lists(cx, attrs) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            let token = match meta.path.get_ident() {
                Some(token) if key == keyword::DATA || key == keyword::TIMESTAMP => token.clone(),
                _ => {
                    unknown_field_key(cx, &meta.path, &key);
                    return skip_value(&meta);
                }
            };
            let mapping = if key == keyword::TIMESTAMP {
                if meta.input.peek(syn::Token![=]) {
                    cx.error_spanned_by(
                        &token,
                        "`timestamp` takes no value: write `#[usercom(timestamp)]`",
                    );
                    skip_value(&meta)?;
                    return Ok(());
                }
                EventField::Timestamp { token }
            } else if meta.input.peek(syn::Token![=]) {
                match lit_str_value(meta.value()?)? {
                    Ok(name) => match check_data_name(cx, name) {
                        Some(name) => EventField::Data { name },
                        None => return Ok(()),
                    },
                    Err(value) => {
                        cx.error_spanned_by(
                            value,
                            "`data` takes the name to send the value under as a string \
                             literal: `#[usercom(data = \"total\")]`",
                        );
                        return Ok(());
                    }
                }
            } else {
                let text = ident.to_string();
                let text = text.strip_prefix("r#").unwrap_or(&text);
                EventField::Data {
                    name: LitStr::new(text, ident.span()),
                }
            };
            if out.is_some() {
                cx.error_spanned_by(
                    &meta.path,
                    "a field is one thing of the event: `data`, `data = \"name\"` or \
                     `timestamp`; remove the second",
                );
            } else {
                out = Some(mapping);
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// A data value's name, or `None` (with the error in `cx`) when it cannot be sent.
fn check_data_name(cx: &mut Ctxt, name: LitStr) -> Option<LitStr> {
    let chars = name.value().chars().count();
    if chars == 0 {
        cx.error_spanned_by(
            &name,
            "a data name cannot be empty: `#[usercom(data = \"total\")]`, or `data` alone to \
             send the value under the field's name",
        );
        return None;
    }
    if chars > MAX_ATTRIBUTE_NAME_CHARS {
        cx.error_spanned_by(
            &name,
            format!("a data name has at most {MAX_ATTRIBUTE_NAME_CHARS} characters; this one has {chars}"),
        );
        return None;
    }
    Some(name)
}

/// A field key the event derive does not know: a user's attribute, or a likely typo.
fn unknown_field_key(cx: &mut Ctxt, path: &Path, key: &str) {
    if table::family(key).is_some() || keyword::FIELD.contains(&key) {
        cx.error_spanned_by(
            path,
            format!(
                "`{key}` maps a user's attribute, and an event has none: a field of an event \
                 is `data`, `data = \"name\"` or `timestamp`"
            ),
        );
        return;
    }
    let hint = did_you_mean(key, [keyword::DATA, keyword::TIMESTAMP].into_iter())
        .map(|best| format!(" (did you mean `{best}`?)"))
        .unwrap_or_default();
    cx.error_spanned_by(
        path,
        format!(
            "unknown event field option `{key}`{hint}: a field of an event is `data`, \
             `data = \"name\"` or `timestamp`"
        ),
    );
}
