//! The one parser of `#[usercom(...)]`, for every derive: the struct's options (here), its
//! fields' mappings ([`field`]), an enum's, its variants' and a newtype's options
//! ([`value`]), and an event's ([`event`]). Options that mean the same everywhere (`crate = path`, `schema = "path"`)
//! are read by the same function wherever they are written. Values are read with flat
//! grammars (string literals, `a::b` paths, token trees), never with syn's recursive
//! expression parser, so no input can exhaust the compiler's stack.

mod event;
mod field;
mod value;

use proc_macro2::TokenStream;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, LitStr, Meta, Path, Token};

use crate::ctxt::Ctxt;
use crate::table::{self, keyword};

pub(crate) use event::{event_attrs, event_field, EventAttrs, EventField};
pub(crate) use field::{describe, field_attrs, FieldAttrs, Mapping};
pub(crate) use value::{enum_attrs, newtype_crate, variant_rename, EnumAttrs};

/// `#[usercom(...)]` of the struct.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `crate = path`.
    pub(crate) krate: Option<Path>,
    /// `schema = "path"`: the app's schema file, relative to the manifest directory.
    pub(crate) schema: Option<LitStr>,
}

pub(crate) fn container_attrs(cx: &mut Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in usercom_lists(cx, attrs) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(keyword::CRATE) {
                return parse_crate(cx, &meta, &mut out.krate);
            }
            if meta.path.is_ident(keyword::SCHEMA) {
                return parse_schema(cx, &meta, &mut out.schema);
            }
            let key = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
            if table::family(&key).is_some() || keyword::FIELD.contains(&key.as_str()) {
                cx.error_spanned_by(
                    &meta.path,
                    format!("`{key}` maps a field: put it on the field, e.g. `#[usercom({key})] field: Type`"),
                );
            } else {
                let hint = did_you_mean(&key, [keyword::CRATE, keyword::SCHEMA].into_iter())
                    .map(|best| format!(" (did you mean `{best}`?)"))
                    .unwrap_or_default();
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown struct-level usercom option `{key}`{hint}: the struct accepts \
                         `crate = path` and `schema = \"path\"`, and the attribute names go on \
                         fields"
                    ),
                );
            }
            skip_value(&meta)
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    out
}

/// `crate = path` (or the path quoted, as serde accepts it), on a struct, an enum or a
/// newtype: the path of the usercom crate.
fn parse_crate(cx: &mut Ctxt, meta: &ParseNestedMeta, slot: &mut Option<Path>) -> syn::Result<()> {
    let input = meta.value()?;
    let value = if input.peek(LitStr) {
        lit_str_value(input)?.and_then(|text| {
            Parser::parse_str(Path::parse_mod_style, &text.value())
                .map_err(|_| quote::ToTokens::into_token_stream(text))
        })
    } else {
        path_value(input)?
    };
    match value {
        Ok(_) if slot.is_some() => {
            cx.error_spanned_by(&meta.path, "`crate` is given twice; give it once")
        }
        Ok(path) => *slot = Some(path),
        Err(value) => cx.error_spanned_by(
            value,
            "`crate` takes the path of the usercom crate, e.g. `crate = ::usercom`",
        ),
    }
    Ok(())
}

/// `schema = "path"`, on a struct or an enum: the app's schema file.
fn parse_schema(
    cx: &mut Ctxt,
    meta: &ParseNestedMeta,
    slot: &mut Option<LitStr>,
) -> syn::Result<()> {
    match lit_str_value(meta.value()?)? {
        Ok(_) if slot.is_some() => {
            cx.error_spanned_by(&meta.path, "`schema` is given twice; give it once")
        }
        Ok(path) if path.value().is_empty() => cx.error_spanned_by(
            &path,
            "`schema` takes the path of the schema file, relative to Cargo.toml: \
             `schema = \"usercom.schema.json\"`",
        ),
        Ok(path) => *slot = Some(path),
        Err(value) => cx.error_spanned_by(
            value,
            "`schema` takes the path of the schema file as a string literal, \
             relative to Cargo.toml: `schema = \"usercom.schema.json\"`",
        ),
    }
    Ok(())
}

/// The `#[usercom]` attributes among `attrs`, each checked to be a list; a malformed one is
/// reported and skipped.
fn usercom_lists<'a>(cx: &mut Ctxt, attrs: &'a [Attribute]) -> Vec<&'a Attribute> {
    let mut lists = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("usercom")) {
        match &attr.meta {
            Meta::List(list) if !list.tokens.is_empty() => lists.push(attr),
            _ => cx.error_spanned_by(
                attr,
                "expected `#[usercom(...)]` with what the field maps to, e.g. \
                 `#[usercom(email)]`, `#[usercom(attribute = \"plan\")]` or `#[usercom(flatten)]`",
            ),
        }
    }
    lists
}

/// Consumes `= value` after a keyword that takes none, so parsing can go on.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        rest_of_value(meta.value()?)?;
    }
    Ok(())
}

/// The tokens of a value up to the next `,`, consumed one token tree at a time. Values are
/// read with flat grammars (string literals, `a::b` paths) and this, never with syn's
/// recursive expression parser, so no input can exhaust the compiler's stack.
fn rest_of_value(input: ParseStream) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        tokens.extend([input.parse::<proc_macro2::TokenTree>()?]);
    }
    Ok(tokens)
}

/// A string literal value, or the tokens that stand where it should.
fn lit_str_value(input: ParseStream) -> syn::Result<Result<LitStr, TokenStream>> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        if input.is_empty() || input.peek(Token![,]) {
            return Ok(Ok(lit));
        }
        let mut tokens = quote::ToTokens::into_token_stream(lit);
        tokens.extend(rest_of_value(input)?);
        return Ok(Err(tokens));
    }
    rest_of_value(input).map(Err)
}

/// A path value without generic arguments (`a::b::c`, `::a`), or the tokens that stand
/// where it should.
fn path_value(input: ParseStream) -> syn::Result<Result<Path, TokenStream>> {
    let fork = input.fork();
    if fork.call(Path::parse_mod_style).is_ok() && (fork.is_empty() || fork.peek(Token![,])) {
        return input.call(Path::parse_mod_style).map(Ok);
    }
    rest_of_value(input).map(Err)
}

/// The candidate most like `key`, if one is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    key: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|candidate| (strsim::jaro_winkler(key, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}
