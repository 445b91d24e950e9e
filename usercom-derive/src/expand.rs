//! Code generation for a valid input.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, Type, WherePredicate};

use crate::ast::{Field, Input};
use crate::attr::Mapping;
pub(crate) use crate::crate_path::crate_path;
use crate::schema_check::SchemaChecks;
use crate::table::Family;

pub(crate) fn expand(input: &Input) -> TokenStream {
    let krate = crate_path(input.attrs.krate.as_ref());
    let ident = input.ident;
    let type_params: HashSet<String> = input
        .generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();

    let lifetimes: HashSet<String> = input
        .generics
        .lifetimes()
        .map(|param| param.lifetime.ident.to_string())
        .collect();
    let paths = Paths::new(krate.clone(), input);
    let mut generics = input.generics.clone();
    let mut statements = Vec::new();
    let mut schema_checks = SchemaChecks::default();
    for field in &input.fields {
        let Some(mapping) = &field.attrs.mapping else {
            continue;
        };
        let generic = mentions(field.ty, &type_params);
        // The trait a custom attribute's value is converted through: the schema's `Fits*`
        // trait when the schema knows the attribute (it extends `CustomValue<()>`, so the
        // conversion is the check, and an unfit type is an error there, in its words).
        let mut custom_trait = None;
        if let (Mapping::Custom { name }, Some(loaded)) = (mapping, &input.schema) {
            if let Some(attribute) = loaded.schema.get(&name.value()) {
                if generic {
                    // A where-clause predicate: the conversion stays generic.
                    let predicate = schema_checks.bound(&krate, field, attribute);
                    generics.make_where_clause().predicates.push(predicate);
                } else {
                    let convert = &paths.convert;
                    // With `with`, what is converted is the function's result, not the field.
                    let written = field.attrs.with.is_none().then_some(field.ty);
                    let fits = schema_checks.fits(&quote!(#convert), attribute, written);
                    // A `const` item outside the impl cannot name the struct's lifetimes.
                    if field.attrs.with.is_none() && !mentions_lifetime(field.ty, &lifetimes) {
                        schema_checks.choices(&krate, field, attribute, &fits);
                    }
                    custom_trait = Some(fits);
                }
            }
        }
        statements.push(field_statement(&paths, field, mapping, custom_trait));
        // Bounds only where needed: a field whose type involves a type parameter.
        if field.attrs.with.is_none() && generic {
            let predicate = bound(&paths, field.ty, mapping);
            generics.make_where_clause().predicates.push(predicate);
        }
    }
    let schema_items = schema_checks.items(input);
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
    let Paths {
        imports, private, ..
    } = &paths;

    quote! {
        const _: () = {
            #imports
            #[automatically_derived]
            impl #impl_generics #krate::IntoUserComUser for #ident #ty_generics #where_clause {
                fn write_user_com_user<'__usercom>(
                    &'__usercom self,
                    #user: &mut #krate::CreateUser<'__usercom>,
                ) -> #private::Result<(), #krate::Error> {
                    #(#statements)*
                    #private::Result::Ok(())
                }
            }
            #maps_user_id
            #schema_items
        };
    }
}

/// Short names, inside the generated `const _` block, for the modules of the usercom crate
/// that the generated code names in every field's statement: the compiler takes in (and the
/// derive writes) a few tokens per path instead of up to eleven. The names start with
/// `__usercom_`, like every item the derive adds; a field type could only meet them by
/// naming one.
struct Paths {
    /// The usercom crate (for the items named once per struct).
    krate: TokenStream,
    /// The `use` item (only the names used, so that no import is unused).
    imports: TokenStream,
    /// `__private` (`set`, `custom`, `integer`, `Result`).
    private: Ident,
    /// `convert` (the value traits).
    convert: Ident,
    /// `convert::attribute` (the standard attributes' marker types).
    attribute: Ident,
}

impl Paths {
    fn new(krate: TokenStream, input: &Input) -> Paths {
        let private = Ident::new("__usercom_private", Span::call_site());
        let convert = Ident::new("__usercom_convert", Span::call_site());
        let attribute = Ident::new("__usercom_attribute", Span::call_site());
        let mapped = |wanted: fn(&Mapping) -> bool| {
            input
                .fields
                .iter()
                .any(|field| field.attrs.mapping.as_ref().is_some_and(wanted))
        };
        let standard = mapped(|m| matches!(m, Mapping::Standard { .. }));
        let valued = mapped(|m| matches!(m, Mapping::Standard { .. } | Mapping::Custom { .. }));
        let convert_import = valued.then(|| {
            let attribute_import = standard.then(|| quote!(attribute as #attribute));
            quote!(convert::{self as #convert, #attribute_import},)
        });
        let imports = quote! {
            use #krate::{#convert_import __private as #private};
        };
        Paths {
            krate,
            imports,
            private,
            convert,
            attribute,
        }
    }
}

/// The value trait, its method and the marker type checked for a standard attribute, as the
/// one table names them.
fn family_trait(paths: &Paths, family: Family, name: &Ident) -> (TokenStream, Ident) {
    let trait_ident = Ident::new(family.trait_name(), Span::call_site());
    let Paths {
        convert, attribute, ..
    } = paths;
    (
        quote!(#convert::#trait_ident<#attribute::#name>),
        Ident::new(family.method(), Span::call_site()),
    )
}

/// `ty` as it may stand in `<... as Trait>` and before `:` in a where clause: a trait
/// object's `+` would otherwise be read as part of the surrounding syntax. (Such a field type
/// is an error of its own, which rustc reports; the expansion must still be valid Rust.)
pub(crate) fn ty_tokens(ty: &Type) -> TokenStream {
    match ty {
        Type::TraitObject(_) | Type::ImplTrait(_) => quote!((#ty)),
        _ => quote!(#ty),
    }
}

/// The name of the payload the generated method writes into. Names the derive invents are
/// mixed-site: they resolve where the derive is defined, so neither a user's item of the same
/// name nor a `macro_rules!` that generates the struct can capture them.
pub(crate) fn user_binding() -> Ident {
    Ident::new("__user", Span::mixed_site())
}

/// The statement that writes one mapped field into the payload.
///
/// Hygiene: only the user's own tokens (the field's type, the `with` path) carry the user's
/// spans, so that a type error lands on them; `self` and every invented name stay at
/// call-site or mixed-site spans. Giving `self` the span of a type that a `macro_rules!`
/// passed in would make it resolve with that macro's hygiene ("expected value, found module
/// `self`").
fn field_statement(
    paths: &Paths,
    field: &Field,
    mapping: &Mapping,
    custom_trait: Option<TokenStream>,
) -> TokenStream {
    let Paths {
        krate,
        private,
        convert,
        ..
    } = paths;
    let member = field.ident;
    let ty = &ty_tokens(field.ty);
    let span = field.ty.span();
    let user = user_binding();

    // Without `with`: one call through the family's trait, on the field's type, which
    // converts the field and writes it into the payload (the trait's hidden provided method:
    // `__write` into a standard attribute's slot, `__add` for a custom attribute). Only the
    // trait-qualified path carries the type's span, so a type that does not fit is an error
    // on it; the arguments are the derive's own.
    let Some((_, with)) = &field.attrs.with else {
        return match mapping {
            Mapping::Standard { name, family } => {
                let (trait_path, _) = family_trait(paths, *family, name);
                let function = quote_spanned!(span=> <#ty as #trait_path>::__write);
                quote!(#function(&self.#member, #user)?;)
            }
            Mapping::Custom { name } => {
                // Through the schema's `Fits*` trait when there is one: its `__add` is also
                // the check.
                let trait_path = custom_trait.unwrap_or_else(|| quote!(#convert::CustomValue<()>));
                let function = quote_spanned!(span=> <#ty as #trait_path>::__add);
                quote!(#function(&self.#member, #user, #name)?;)
            }
            // Straight into the outer payload: `__write`, `set` and the custom-attribute
            // checks refuse an attribute written twice, so no intermediate payload is needed.
            Mapping::Flatten { .. } => {
                let function =
                    quote_spanned!(span=> <#ty as #krate::IntoUserComUser>::write_user_com_user);
                quote!(#function(&self.#member, #user)?;)
            }
        };
    };

    // With `with`: the function's result is a temporary of the generated method, so its text
    // is copied into the payload (`owned`, `custom_owned`). Its type is checked, and the
    // error lands on the function's path.
    let converted = converted_binding();
    let value = |trait_path: TokenStream, method: &Ident| {
        let function = quote_spanned!(with.span()=> <_ as #trait_path>::#method);
        quote!(#function(&#converted))
    };
    let statement = match mapping {
        Mapping::Standard { name, family } => {
            let (trait_path, method) = family_trait(paths, *family, name);
            let mut value = value(trait_path, &method);
            let text = name.to_string();
            if matches!(family, Family::Text | Family::Id) {
                value = quote!(#private::owned(#value));
            }
            if *family == Family::Integer {
                value = quote!(#private::integer(#text, #value)?);
            }
            let attribute = &paths.attribute;
            quote!(#private::set_standard::<#attribute::#name, _>(#user, #value)?;)
        }
        Mapping::Custom { name } => {
            // Through the schema's `Fits*` trait, its `__to_attribute_value` (which calls
            // `CustomValue`'s method: a supertrait's method cannot be named through it).
            let value = match custom_trait {
                Some(fits) => value(fits, &format_ident!("__to_attribute_value")),
                None => value(
                    quote!(#convert::CustomValue<()>),
                    &format_ident!("to_attribute_value"),
                ),
            };
            quote!(#private::custom_owned(#user, #name, #value)?;)
        }
        Mapping::Flatten { .. } => {
            let function =
                quote_spanned!(with.span()=> <_ as #krate::IntoUserComUser>::write_user_com_user);
            quote!(#function(&#converted, #user)?;)
        }
    };
    quote!({ let #converted = #with(&self.#member); #statement })
}

/// The binding of a `with` function's result (mixed-site, like every invented name).
fn converted_binding() -> Ident {
    Ident::new("__value", Span::mixed_site())
}

/// The where-clause predicate a generic field needs.
fn bound(paths: &Paths, ty: &Type, mapping: &Mapping) -> WherePredicate {
    let ty = ty_tokens(ty);
    let Paths { krate, convert, .. } = paths;
    match mapping {
        Mapping::Standard { name, family } => {
            let (trait_path, _) = family_trait(paths, *family, name);
            parse_quote!(#ty: #trait_path)
        }
        Mapping::Custom { .. } => parse_quote!(#ty: #convert::CustomValue<()>),
        Mapping::Flatten { .. } => parse_quote!(#ty: #krate::IntoUserComUser),
    }
}

/// Whether `ty` names one of the struct's type parameters.
pub(crate) fn mentions(ty: &Type, params: &HashSet<String>) -> bool {
    fn walk(tokens: TokenStream, params: &HashSet<String>) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => params.contains(&ident.to_string()),
            TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(quote!(#ty), params)
}

/// Whether `ty` names one of the struct's lifetime parameters.
pub(crate) fn mentions_lifetime(ty: &Type, lifetimes: &HashSet<String>) -> bool {
    fn walk(tokens: TokenStream, lifetimes: &HashSet<String>) -> bool {
        let mut after_quote = false;
        tokens.into_iter().any(|token| {
            let found = match &token {
                TokenTree::Ident(ident) => after_quote && lifetimes.contains(&ident.to_string()),
                TokenTree::Group(group) => walk(group.stream(), lifetimes),
                _ => false,
            };
            after_quote = matches!(&token, TokenTree::Punct(p) if p.as_char() == '\'');
            found
        })
    }
    !lifetimes.is_empty() && walk(quote!(#ty), lifetimes)
}

/// `tokens` with every span set to `span`.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}
