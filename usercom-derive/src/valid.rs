//! Checks that need the whole struct: duplicates, `with` without a mapping, nothing mapped.

use std::collections::HashMap;

use crate::ast::Input;
use crate::attr::Mapping;
use crate::ctxt::Ctxt;

pub(crate) fn check(cx: &mut Ctxt, input: &Input) {
    // Attribute name -> the field that mapped it first. The second occurrence is the error.
    let mut standard: HashMap<String, &syn::Ident> = HashMap::new();
    let mut custom: HashMap<String, &syn::Ident> = HashMap::new();
    let mut mapped_any = false;

    for field in &input.fields {
        let attrs = &field.attrs;
        match (&attrs.mapping, &attrs.with) {
            (None, Some((keyword, _))) => cx.error_spanned_by(
                keyword,
                "`with` converts a mapped field: name the attribute too, e.g. \
                 `#[usercom(user_id, with = path::to::function)]`",
            ),
            (Some(Mapping::Flatten { .. }), Some((keyword, _))) => cx.error_spanned_by(
                keyword,
                "`with` cannot be combined with `flatten`: a flattened field's type maps its own \
                 fields",
            ),
            _ => {}
        }
        let Some(mapping) = &attrs.mapping else {
            continue;
        };
        mapped_any = true;
        if let (Mapping::Custom { name }, Some(loaded)) = (mapping, &input.schema) {
            check_in_schema(cx, name, loaded);
        }
        let (seen, key, token): (_, _, &dyn quote::ToTokens) = match mapping {
            Mapping::Standard { name, .. } => (&mut standard, name.to_string(), name),
            Mapping::Custom { name } => (&mut custom, name.value(), name),
            Mapping::Flatten { .. } => continue,
        };
        match seen.get(&key) {
            Some(first) => cx.error_spanned_by(
                token,
                format!(
                    "{} is already mapped by the field `{first}`; map each User.com attribute once",
                    crate::attr::describe(mapping)
                ),
            ),
            None => {
                seen.insert(key, field.ident);
            }
        }
    }

    // A struct whose `#[usercom]` attributes all had errors was reported already.
    if !mapped_any && !input.fields.iter().any(|field| field.attrs.annotated) {
        cx.error_spanned_by(
            input.ident,
            format!(
                "`{}` maps no field to User.com: mark the fields to send, e.g. \
                 `#[usercom(email)] email: String` (unmarked fields are never sent)",
                input.ident
            ),
        );
    }
}

/// A custom attribute the schema does not have is an error on its name, with the closest
/// name the schema has.
fn check_in_schema(cx: &mut Ctxt, name: &syn::LitStr, loaded: &crate::schema::Loaded) {
    let text = name.value();
    if loaded.schema.get(&text).is_some() {
        return;
    }
    let names = || loaded.schema.attributes().map(|a| a.name_std.as_str());
    let hint = crate::attr::did_you_mean(&text, names())
        .map(|best| format!("; did you mean `{best}`?"))
        .unwrap_or_default();
    cx.error_spanned_by(
        name,
        format!(
            "the app has no custom attribute `{text}` (per the schema `{}`){hint}\n\
             custom attributes are named by their `name_std`; if `{text}` is new, create it in \
             User.com, then run `usercom schema pull` to update the schema",
            loaded.shown
        ),
    );
}
