//! `#[usercom(...)]` for `#[derive(UserComValue)]`: on an enum, on its variants, and on a
//! newtype.

use syn::{Attribute, DeriveInput, Ident, LitStr, Path, Token};

use super::{did_you_mean, parse_crate, parse_schema};
use crate::case::CASE_STYLES;
use crate::ctxt::Ctxt;
use crate::table::keyword;

/// The enum-level options.
#[derive(Default)]
pub(crate) struct EnumAttrs {
    pub(crate) krate: Option<Path>,
    pub(crate) rename_all: Option<LitStr>,
    pub(crate) attribute: Option<LitStr>,
    pub(crate) schema: Option<LitStr>,
}

/// The `#[usercom]` attributes among `attrs`.
fn usercom(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("usercom"))
}

/// The enum's options.
pub(crate) fn enum_attrs(cx: &mut Ctxt, node: &DeriveInput) -> EnumAttrs {
    let mut out = EnumAttrs::default();
    for attr in usercom(&node.attrs) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            let slot = match key.as_str() {
                "rename_all" => &mut out.rename_all,
                keyword::ATTRIBUTE => &mut out.attribute,
                keyword::SCHEMA => return parse_schema(cx, &meta, &mut out.schema),
                keyword::CRATE => return parse_crate(cx, &meta, &mut out.krate),
                _ => {
                    let options = [
                        "rename_all",
                        keyword::ATTRIBUTE,
                        keyword::SCHEMA,
                        keyword::CRATE,
                    ];
                    let hint = did_you_mean(&key, options.into_iter())
                        .map(|best| format!(" (did you mean `{best}`?)"))
                        .unwrap_or_default();
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown usercom option `{key}` for an enum{hint}: it accepts \
                             `rename_all = \"snake_case\"`, `attribute = \"name\"`, \
                             `schema = \"path\"` and `crate = path`, and variants accept \
                             `rename = \"...\"`"
                        ),
                    );
                    if meta.input.peek(Token![=]) {
                        meta.value()?.parse::<proc_macro2::TokenTree>()?;
                    }
                    return Ok(());
                }
            };
            let value: LitStr = meta.value()?.parse()?;
            if slot.replace(value).is_some() {
                cx.error_spanned_by(&meta.path, format!("`{key}` is given twice; give it once"));
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    if let Some(style) = &out.rename_all {
        if !CASE_STYLES.contains(&style.value().as_str()) {
            let hint = did_you_mean(&style.value(), CASE_STYLES.iter().copied())
                .map(|best| format!("; did you mean \"{best}\"?"))
                .unwrap_or_default();
            cx.error_spanned_by(
                style,
                format!(
                    "unknown case style {:?}{hint}\nthe styles are {}",
                    style.value(),
                    CASE_STYLES.join(", ")
                ),
            );
        }
    }
    out
}

/// A variant's `rename = "wire name"`, if given.
pub(crate) fn variant_rename(cx: &mut Ctxt, attrs: &[Attribute]) -> Option<LitStr> {
    let mut rename = None;
    for attr in usercom(attrs) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: LitStr = meta.value()?.parse()?;
                if value.value().is_empty() {
                    cx.error_spanned_by(&value, "a wire name cannot be empty");
                }
                if rename.replace(value).is_some() {
                    cx.error_spanned_by(&meta.path, "`rename` is given twice; give it once");
                }
            } else {
                cx.error_spanned_by(
                    &meta.path,
                    "a variant accepts only `rename = \"wire name\"`",
                );
                if meta.input.peek(Token![=]) {
                    meta.value()?.parse::<proc_macro2::TokenTree>()?;
                }
            }
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    rename
}

/// A newtype's only option, `crate = path`.
pub(crate) fn newtype_crate(cx: &mut Ctxt, attrs: &[Attribute]) -> Option<Path> {
    let mut krate = None;
    for attr in usercom(attrs) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(keyword::CRATE) {
                return parse_crate(cx, &meta, &mut krate);
            }
            cx.error_spanned_by(
                &meta.path,
                "a newtype accepts only `crate = path`: its field's type decides the rest",
            );
            Ok(())
        });
        if let Err(error) = result {
            cx.syn_error(error);
        }
    }
    krate
}
