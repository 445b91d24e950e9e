//! `#[usercom(...)]` on a struct's field: what it maps to, and how it is converted.

use proc_macro2::TokenStream;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr, Path, Token};

use super::{did_you_mean, lit_str_value, path_value, skip_value, usercom_lists};
use crate::ctxt::Ctxt;
use crate::table::{self, keyword, Family, MAX_ATTRIBUTE_NAME_CHARS};

/// What one field maps to.
pub(crate) enum Mapping {
    /// `#[usercom(email)]`: the ident is the token the user wrote.
    Standard { name: Ident, family: Family },
    /// `#[usercom(attribute = "plan")]`.
    Custom { name: LitStr },
    /// `#[usercom(flatten)]`.
    Flatten { token: Ident },
}

impl Mapping {
    /// The token that introduced the mapping, for error spans.
    fn token(&self) -> &dyn quote::ToTokens {
        match self {
            Mapping::Standard { name, .. } => name,
            Mapping::Custom { name } => name,
            Mapping::Flatten { token } => token,
        }
    }
}

/// `#[usercom(...)]` of one field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) mapping: Option<Mapping>,
    /// `with = path::to::function`, with the `with` keyword for spans.
    pub(crate) with: Option<(Ident, Path)>,
    /// `from = path::to::function` (reading back), with the keyword for spans.
    pub(crate) from: Option<(Ident, Path)>,
    /// `default` or `default = path`, with the keyword for spans.
    pub(crate) default: Option<(Ident, Option<Path>)>,
    /// `write_only`: the keyword.
    pub(crate) write_only: Option<Ident>,
    /// Whether the field has any `#[usercom]` attribute, even a malformed one.
    pub(crate) annotated: bool,
}

pub(crate) fn field_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs {
        annotated: attrs.iter().any(|a| a.path().is_ident("usercom")),
        ..FieldAttrs::default()
    };
    for attr in usercom_lists(cx, attrs) {
        let result = attr.parse_nested_meta(|meta| {
            let Some(ident) = meta.path.get_ident().cloned() else {
                cx.error_spanned_by(&meta.path, "expected a User.com attribute name, not a path");
                return skip_value(&meta);
            };
            let key = ident.to_string();
            match key.as_str() {
                keyword::WITH => parse_with(cx, &meta, ident, &mut out),
                keyword::FROM => {
                    if let Some(path) = parse_function(cx, &meta, &ident, out.from.is_some())? {
                        out.from = Some((ident, path));
                    }
                    Ok(())
                }
                keyword::DEFAULT => {
                    let path = if meta.input.peek(Token![=]) {
                        match parse_function(cx, &meta, &ident, out.default.is_some())? {
                            Some(path) => Some(path),
                            None => return Ok(()),
                        }
                    } else {
                        None
                    };
                    if out.default.is_some() {
                        cx.error_spanned_by(&ident, "`default` is given twice; give it once");
                    } else {
                        out.default = Some((ident, path));
                    }
                    Ok(())
                }
                keyword::WRITE_ONLY => {
                    if meta.input.peek(Token![=]) {
                        cx.error_spanned_by(
                            &ident,
                            "`write_only` takes no value: write `#[usercom(first_name, write_only)]`",
                        );
                        return skip_value(&meta);
                    }
                    if out.write_only.replace(ident.clone()).is_some() {
                        cx.error_spanned_by(&ident, "`write_only` is given twice; give it once");
                    }
                    Ok(())
                }
                keyword::ATTRIBUTE => {
                    if !meta.input.peek(Token![=]) {
                        cx.error_spanned_by(
                            &ident,
                            "`attribute` needs the custom attribute's name: \
                             `#[usercom(attribute = \"plan\")]`",
                        );
                        return Ok(());
                    }
                    if let Some(name) = parse_custom_name(cx, lit_str_value(meta.value()?)?) {
                        set_mapping(cx, &mut out, Mapping::Custom { name });
                    }
                    Ok(())
                }
                keyword::FLATTEN => {
                    if meta.input.peek(Token![=]) {
                        cx.error_spanned_by(
                            &ident,
                            "`flatten` takes no value: write `#[usercom(flatten)]`",
                        );
                        return skip_value(&meta);
                    }
                    set_mapping(cx, &mut out, Mapping::Flatten { token: ident });
                    Ok(())
                }
                keyword::CRATE => {
                    cx.error_spanned_by(
                        &ident,
                        "`crate = ...` applies to the whole struct: put `#[usercom(crate = path)]` \
                         above the struct, not on a field",
                    );
                    skip_value(&meta)
                }
                _ => match table::family(&key) {
                    Some(family) => {
                        if meta.input.peek(Token![=]) {
                            cx.error_spanned_by(
                                &ident,
                                format!("`{key}` takes no value: write `#[usercom({key})]`"),
                            );
                            return skip_value(&meta);
                        }
                        set_mapping(
                            cx,
                            &mut out,
                            Mapping::Standard {
                                name: ident,
                                family,
                            },
                        );
                        Ok(())
                    }
                    None => {
                        cx.error_spanned_by(&ident, unknown_field_key(&key));
                        skip_value(&meta)
                    }
                },
            }
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// The function path of `from = path` or `default = path`; `None` (with the error in `cx`)
/// when it is missing, not a path, or given twice.
fn parse_function(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    keyword: &Ident,
    given: bool,
) -> syn::Result<Option<Path>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(
            keyword,
            format!("`{keyword}` needs a function: `{keyword} = path::to::function`"),
        );
        return Ok(None);
    }
    match path_value(meta.value()?)? {
        Ok(_) if given => {
            cx.error_spanned_by(keyword, format!("`{keyword}` is given twice; give it once"));
            Ok(None)
        }
        Ok(path) => Ok(Some(path)),
        Err(value) => {
            cx.error_spanned_by(
                value,
                format!("`{keyword}` takes the path of a function, unquoted, e.g. `{keyword} = my_module::function`"),
            );
            Ok(None)
        }
    }
}

fn parse_with(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    keyword: Ident,
    out: &mut FieldAttrs,
) -> syn::Result<()> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(
            &keyword,
            "`with` needs a function: `#[usercom(user_id, with = path::to::function)]`",
        );
        return Ok(());
    }
    let path = match path_value(meta.value()?)? {
        Ok(path) => path,
        Err(value) => {
            cx.error_spanned_by(
                value,
                "`with` takes the path of a function, unquoted, e.g. `with = my_module::to_text`; \
             the function takes a reference to the field and returns a type the attribute accepts",
            );
            return Ok(());
        }
    };
    if out.with.is_some() {
        cx.error_spanned_by(
            &keyword,
            "`with` is given twice on this field; give it once",
        );
        return Ok(());
    }
    out.with = Some((keyword, path));
    Ok(())
}

/// The name of `#[usercom(attribute = "...")]`, when it is a valid one.
fn parse_custom_name(cx: &mut Ctxt, value: Result<LitStr, TokenStream>) -> Option<LitStr> {
    let name = match value {
        Ok(name) => name,
        Err(value) => {
            cx.error_spanned_by(
                value,
                "the custom attribute's name is a string literal: `attribute = \"plan\"`",
            );
            return None;
        }
    };
    let text = name.value();
    let chars = text.chars().count();
    if chars == 0 {
        cx.error_spanned_by(&name, "a custom attribute name cannot be empty");
        return None;
    }
    if chars > MAX_ATTRIBUTE_NAME_CHARS {
        cx.error_spanned_by(
            &name,
            format!(
                "a custom attribute name has at most {MAX_ATTRIBUTE_NAME_CHARS} characters; \
                 this one has {chars}"
            ),
        );
        return None;
    }
    if table::family(&text).is_some() {
        cx.error_spanned_by(
            &name,
            format!(
                "`{text}` is a standard User.com attribute, not a custom one: \
                 use `#[usercom({text})]`"
            ),
        );
        return None;
    }
    Some(name)
}

fn set_mapping(cx: &mut Ctxt, out: &mut FieldAttrs, mapping: Mapping) {
    match &out.mapping {
        Some(first) => cx.error_spanned_by(
            mapping.token(),
            format!(
                "this field already maps {}; a field maps at most one User.com attribute",
                describe(first)
            ),
        ),
        None => out.mapping = Some(mapping),
    }
}

/// A mapping in words, for messages.
pub(crate) fn describe(mapping: &Mapping) -> String {
    match mapping {
        Mapping::Standard { name, .. } => format!("`{name}`"),
        Mapping::Custom { name } => format!("the custom attribute \"{}\"", name.value()),
        Mapping::Flatten { .. } => "`flatten`".to_owned(),
    }
}

fn unknown_field_key(key: &str) -> String {
    let candidates = table::standard_names().chain(keyword::FIELD.iter().copied());
    let hint = did_you_mean(key, candidates)
        .map(|best| format!("; did you mean `{best}`?"))
        .unwrap_or_default();
    format!(
        "unknown User.com attribute `{key}`{hint}\n\
         the standard attributes are {}; a custom attribute is \
         `attribute = \"name\"`, and `flatten`, `with = path`, `from = path`, `default` and \
         `write_only` are also accepted",
        table::names()
    )
}
