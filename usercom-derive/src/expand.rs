//! Code generation for a valid input.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, Path, Type, WherePredicate};

use crate::ast::{Field, Input};
use crate::attr::Mapping;
use crate::table::Family;

/// The path of the crate that holds `IntoUserComUser`: `#[usercom(crate = ...)]`, else the
/// facade `usercom` (however the user renamed it), else `usercom-core`, else `::usercom`.
pub(crate) fn crate_path(krate: Option<&Path>) -> TokenStream {
    use proc_macro_crate::{crate_name, FoundCrate};
    if let Some(path) = krate {
        return quote!(#path);
    }
    let found = |name: &str| match crate_name(name) {
        Ok(FoundCrate::Itself) => Some(name.replace('-', "_")),
        Ok(FoundCrate::Name(renamed)) => Some(renamed),
        Err(_) => None,
    };
    let name = found("usercom")
        .or_else(|| found("usercom-core"))
        .unwrap_or_else(|| "usercom".to_owned());
    let ident = Ident::new(&name, Span::call_site());
    quote!(::#ident)
}

pub(crate) fn expand(input: &Input) -> TokenStream {
    let krate = crate_path(input.attrs.krate.as_ref());
    let ident = input.ident;
    let type_params: HashSet<String> = input
        .generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();

    let mut generics = input.generics.clone();
    let mut statements = Vec::new();
    for field in &input.fields {
        let Some(mapping) = &field.attrs.mapping else {
            continue;
        };
        statements.push(field_statement(&krate, field, mapping));
        // Bounds only where needed: a field whose type involves a type parameter.
        if field.attrs.with.is_none() && mentions(field.ty, &type_params) {
            let predicate = bound(&krate, field.ty, mapping);
            generics.make_where_clause().predicates.push(predicate);
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let user = user_binding();
    // Upsert matches on user_id: only a struct that maps it may be upserted.
    let maps_user_id = input.fields.iter().any(|field| {
        matches!(&field.attrs.mapping, Some(Mapping::Standard { name, .. }) if name == "user_id")
    });
    let maps_user_id = maps_user_id.then(|| {
        quote! {
            #[automatically_derived]
            impl #impl_generics #krate::MapsUserId for #ident #ty_generics #where_clause {}
        }
    });

    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::IntoUserComUser for #ident #ty_generics #where_clause {
                fn write_user_com_user<'__usercom>(
                    &'__usercom self,
                    #user: &mut #krate::CreateUser<'__usercom>,
                ) -> #krate::__private::Result<(), #krate::Error> {
                    #(#statements)*
                    #krate::__private::Result::Ok(())
                }
            }
            #maps_user_id
        };
    }
}

/// The value trait, its method and the marker type checked for a standard attribute, as the
/// one table names them.
fn family_trait(krate: &TokenStream, family: Family, name: &Ident) -> (TokenStream, Ident) {
    let trait_ident = Ident::new(family.trait_name(), Span::call_site());
    (
        quote!(#krate::convert::#trait_ident<#krate::convert::attribute::#name>),
        Ident::new(family.method(), Span::call_site()),
    )
}

/// `ty` as it may stand in `<... as Trait>` and before `:` in a where clause: a trait
/// object's `+` would otherwise be read as part of the surrounding syntax. (Such a field type
/// is an error of its own, which rustc reports; the expansion must still be valid Rust.)
fn ty_tokens(ty: &Type) -> TokenStream {
    match ty {
        Type::TraitObject(_) | Type::ImplTrait(_) => quote!((#ty)),
        _ => quote!(#ty),
    }
}

/// The name of the payload the generated method writes into. Names the derive invents are
/// mixed-site: they resolve where the derive is defined, so neither a user's item of the same
/// name nor a `macro_rules!` that generates the struct can capture them.
fn user_binding() -> Ident {
    Ident::new("__user", Span::mixed_site())
}

/// The statement that writes one mapped field into the payload.
///
/// Hygiene: only the user's own tokens (the field's type, the `with` path) carry the user's
/// spans, so that a type error lands on them; `self` and every invented name stay at
/// call-site or mixed-site spans. Giving `self` the span of a type that a `macro_rules!`
/// passed in would make it resolve with that macro's hygiene ("expected value, found module
/// `self`").
fn field_statement(krate: &TokenStream, field: &Field, mapping: &Mapping) -> TokenStream {
    let member = field.ident;
    let ty = &ty_tokens(field.ty);
    let span = field.ty.span();
    let user = user_binding();
    let converted = Ident::new("__value", Span::mixed_site());
    // Without `with`, the field's type is checked and the error lands on it; with `with`,
    // the function's return type is checked and the error lands on the function's path.
    // Only the trait-qualified path carries that span; its argument is the derive's own.
    let value = |trait_path: TokenStream, method: &Ident| match &field.attrs.with {
        None => {
            let function = quote_spanned!(span=> <#ty as #trait_path>::#method);
            quote!(#function(&self.#member))
        }
        Some((_, with)) => {
            let function = quote_spanned!(with.span()=> <_ as #trait_path>::#method);
            quote!(#function(&#converted))
        }
    };
    let with_binding = field
        .attrs
        .with
        .as_ref()
        .map(|(_, with)| quote!(let #converted = #with(&self.#member);));
    let owned = field.attrs.with.is_some();

    let statement = match mapping {
        Mapping::Standard { name, family } => {
            let (trait_path, method) = family_trait(krate, *family, name);
            let mut value = value(trait_path, &method);
            let text = name.to_string();
            if matches!(family, Family::Text | Family::Id) && owned {
                value = quote!(#krate::__private::owned(#value));
            }
            if *family == Family::Integer {
                value = quote!(#krate::__private::integer(#text, #value)?);
            }
            quote!(#krate::__private::set(&mut #user.#name, #text, #value)?;)
        }
        Mapping::Custom { name } => {
            let value = value(
                quote!(#krate::convert::CustomValue<()>),
                &format_ident!("to_attribute_value"),
            );
            let add = if owned {
                quote!(custom_owned)
            } else {
                quote!(custom)
            };
            quote!(#krate::__private::#add(#user, #name, #value)?;)
        }
        // Straight into the outer payload: `set` and the custom-attribute checks refuse an
        // attribute written twice, so no intermediate payload is needed.
        Mapping::Flatten { .. } => {
            let function =
                quote_spanned!(span=> <#ty as #krate::IntoUserComUser>::write_user_com_user);
            quote!(#function(&self.#member, #user)?;)
        }
    };
    match with_binding {
        Some(binding) => quote!({ #binding #statement }),
        None => statement,
    }
}

/// The where-clause predicate a generic field needs.
fn bound(krate: &TokenStream, ty: &Type, mapping: &Mapping) -> WherePredicate {
    let ty = ty_tokens(ty);
    match mapping {
        Mapping::Standard { name, family } => {
            let (trait_path, _) = family_trait(krate, *family, name);
            parse_quote!(#ty: #trait_path)
        }
        Mapping::Custom { .. } => parse_quote!(#ty: #krate::convert::CustomValue<()>),
        Mapping::Flatten { .. } => parse_quote!(#ty: #krate::IntoUserComUser),
    }
}

/// Whether `ty` names one of the struct's type parameters.
fn mentions(ty: &Type, params: &HashSet<String>) -> bool {
    fn walk(tokens: TokenStream, params: &HashSet<String>) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => params.contains(&ident.to_string()),
            TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(quote!(#ty), params)
}
