//! `#[derive(FromUserComUser)]`: the same `#[usercom(...)]` mapping, read the other way,
//! from a User.com user into the struct.
//!
//! It shares `ast` (and so `attr`, the one table, the schema) and `valid` with
//! `IntoUserComUser`, then checks what reading needs: a default for every field that is not
//! read (unmapped, or `write_only`), no standard attribute the user object lacks, an
//! inverse (`from = path`) for every `with`.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, DeriveInput, WherePredicate};
use usercom_table::Read;

use crate::ast::{Field, Input};
use crate::attr::Mapping;
use crate::ctxt::Ctxt;
use crate::expand;
use crate::pipeline::{self, Derive};
use crate::schema_check::{FieldCheck, SchemaChecks};
use crate::valid;

const DERIVE: &str = "FromUserComUser";

/// `#[derive(FromUserComUser)]`: the struct's input as `IntoUserComUser` reads it, with the
/// checks reading needs.
pub(crate) struct FromUserComUser;

impl Derive for FromUserComUser {
    type Input<'a> = Input<'a>;

    fn parse<'a>(cx: &mut Ctxt, node: &'a DeriveInput) -> Option<Input<'a>> {
        Input::from_syn(cx, node, DERIVE)
    }

    fn check(cx: &mut Ctxt, input: &Input<'_>) {
        valid::check(cx, input);
        check(cx, input);
    }

    fn expand(input: &Input<'_>) -> TokenStream {
        expand(input)
    }

    fn fallback(node: &DeriveInput, input: Option<&Input<'_>>) -> TokenStream {
        pipeline::struct_fallback(node, input, fallback)
    }
}

/// How one field gets its value in `from_user`.
enum Source<'a> {
    /// Read from the user.
    Read(&'a Mapping),
    /// Its default (unmapped with `default`, or `write_only`).
    Default,
}

fn source<'a>(field: &'a Field) -> Source<'a> {
    match &field.attrs.mapping {
        Some(mapping) if field.attrs.write_only.is_none() => Source::Read(mapping),
        _ => Source::Default,
    }
}

/// What reading needs beyond what `valid` checks for both directions.
fn check(cx: &mut Ctxt, input: &Input) {
    for field in &input.fields {
        let attrs = &field.attrs;
        if attrs.mapping.is_none() {
            if let Some(keyword) = &attrs.write_only {
                cx.error_spanned_by(
                    keyword,
                    "`write_only` marks a mapped field that is sent but not read back: name \
                     the attribute too, e.g. `#[usercom(first_name, write_only)]`",
                );
            }
            if attrs.default.is_none() {
                cx.error_spanned_by(
                    field.ident,
                    format!(
                        "`{}` is not mapped to a User.com attribute, so `from_user` cannot fill \
                         it: add `#[usercom(default)]` (or `default = path::to::function`), or \
                         map it",
                        field.ident
                    ),
                );
            }
            continue;
        }
        if attrs.write_only.is_some() {
            continue;
        }
        match &attrs.mapping {
            Some(Mapping::Standard { name, .. }) => {
                let key = name.to_string();
                if let Some(Read::No(why)) = usercom_table::standard(&key).map(|a| a.read) {
                    cx.error_spanned_by(
                        name,
                        format!(
                            "`{key}` cannot be read back: {why}\nmark the field \
                             `#[usercom({key}, write_only)]` (it is sent, and `from_user` fills \
                             it with its default, or `default = path`)"
                        ),
                    );
                }
            }
            Some(Mapping::Flatten { .. }) | Some(Mapping::Custom { .. }) | None => {}
        }
        if let (Some((keyword, _)), None) = (&attrs.with, &attrs.from) {
            cx.error_spanned_by(
                keyword,
                "`with` converts the field for sending; reading it back needs the inverse: add \
                 `from = path::to::function` (it takes the value read from User.com and returns \
                 the field's type), e.g. `#[usercom(user_id, with = to_text, from = parse_id)]`, \
                 or mark the field `write_only`",
            );
        }
    }
}

fn expand(input: &Input) -> TokenStream {
    let krate = expand::crate_path(input.attrs.krate.as_ref());
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
    let user = expand::user_binding();
    let mut generics = input.generics.clone();
    let mut schema_checks = SchemaChecks::default();
    let mut inits = Vec::new();
    let mut reads = Vec::new();
    let mut assigns = Vec::new();
    let mut nested = Vec::new();
    for (index, field) in input.fields.iter().enumerate() {
        let member = field.ident;
        let generic = expand::mentions(field.ty, &type_params);
        match source(field) {
            Source::Default => {
                let value = match &field.attrs.default {
                    Some((_, Some(path))) => quote!(#path()),
                    _ => quote!(::core::default::Default::default()),
                };
                inits.push(quote!(#member: #value,));
            }
            Source::Read(Mapping::Flatten { .. }) => {
                let ty = expand::ty_tokens(field.ty);
                let from_user = quote_spanned!(field.ty.span()=>
                    <#ty as #krate::FromUserComUser>::from_user);
                inits.push(quote!(#member: #from_user(#user)?,));
                let update = quote_spanned!(field.ty.span()=>
                    <#ty as #krate::FromUserComUser>::update_from_user);
                nested.push(quote!(#update(&mut self.#member, #user)?;));
                if generic {
                    generics
                        .make_where_clause()
                        .predicates
                        .push(parse_quote!(#ty: #krate::FromUserComUser));
                }
            }
            Source::Read(mapping) => {
                let (value, bound) = read_value(&krate, field, mapping, &user);
                if let (Some(bound), true) = (bound, generic) {
                    generics.make_where_clause().predicates.push(bound);
                }
                // The schema's check of a custom attribute's type, read as written.
                if let (Mapping::Custom { name }, Some(loaded), None) =
                    (mapping, &input.schema, &field.attrs.with)
                {
                    if let Some(attribute) = loaded.schema.get(&name.value()) {
                        let outside = !generic && !expand::mentions_lifetime(field.ty, &lifetimes);
                        if let FieldCheck::Bound(predicate) =
                            schema_checks.check(&krate, field, attribute, !outside)
                        {
                            generics.make_where_clause().predicates.push(*predicate);
                        }
                    }
                }
                let local = Ident::new(&format!("__field{index}"), Span::mixed_site());
                inits.push(quote!(#member: #value,));
                reads.push(quote!(let #local = #value;));
                assigns.push(quote!(self.#member = #local;));
            }
        }
    }
    let schema_items = schema_checks.items(input);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::FromUserComUser for #ident #ty_generics #where_clause {
                fn from_user(
                    #user: &#krate::User,
                ) -> #krate::__private::Result<Self, #krate::Error> {
                    #krate::__private::Result::Ok(Self { #(#inits)* })
                }

                fn update_from_user(
                    &mut self,
                    #user: &#krate::User,
                ) -> #krate::__private::Result<(), #krate::Error> {
                    // Everything is read before anything is written: an error leaves this
                    // struct's own fields as they were.
                    #(#reads)*
                    #(#nested)*
                    #(#assigns)*
                    #krate::__private::Result::Ok(())
                }
            }
            #schema_items
        };
    }
}

/// The expression that reads `field` (with `?`), and the bound a generic field type needs.
fn read_value(
    krate: &TokenStream,
    field: &Field,
    mapping: &Mapping,
    user: &Ident,
) -> (TokenStream, Option<WherePredicate>) {
    let ty = expand::ty_tokens(field.ty);
    let field_name = field.ident.to_string();
    let field_name = field_name.trim_start_matches("r#");
    let (attribute, trait_path, method, argument) = match mapping {
        Mapping::Standard { name, family } => {
            let (trait_name, method) = family
                .read_trait()
                .expect("`check` refused attributes that are not read back");
            let trait_ident = Ident::new(trait_name, Span::call_site());
            let argument = match family {
                usercom_table::Family::Text => quote!(#user.#name.as_deref()),
                _ => quote!(#krate::__private::Option::Some(#user.#name)),
            };
            (
                name.to_string(),
                quote!(#krate::read::#trait_ident<#krate::convert::attribute::#name>),
                Ident::new(method, Span::call_site()),
                argument,
            )
        }
        Mapping::Custom { name } => (
            name.value(),
            quote!(#krate::read::ReadCustom<()>),
            Ident::new("read_custom", Span::call_site()),
            quote!(#krate::read::__private::custom_value(#user, #name)),
        ),
        Mapping::Flatten { .. } => unreachable!("flattened fields are read by `from_user`"),
    };
    let map_err = quote! {
        .map_err(|problem| problem.into_error(#attribute, #field_name))?
    };
    match &field.attrs.from {
        // The value is read into the type the `from` function takes (inferred), then
        // converted; a type the function cannot take is an error on its path.
        Some((_, from)) => {
            let read = quote_spanned!(from.span()=> <_ as #trait_path>::#method);
            (quote!(#from(#read(#argument) #map_err)), None)
        }
        None => {
            let read = quote_spanned!(field.ty.span()=> <#ty as #trait_path>::#method);
            let bound = parse_quote!(#ty: #trait_path);
            (quote!(#read(#argument) #map_err), Some(bound))
        }
    }
}

/// After an error: a stub impl, so that uses of the trait add no follow-on errors.
fn fallback(node: &DeriveInput, krate: &TokenStream) -> TokenStream {
    let ident = &node.ident;
    let (impl_generics, ty_generics, where_clause) = node.generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::FromUserComUser for #ident #ty_generics #where_clause {
                fn from_user(
                    _: &#krate::User,
                ) -> #krate::__private::Result<Self, #krate::Error> {
                    ::core::unreachable!("the derive reported an error at compile time")
                }
                fn update_from_user(
                    &mut self,
                    _: &#krate::User,
                ) -> #krate::__private::Result<(), #krate::Error> {
                    ::core::unreachable!("the derive reported an error at compile time")
                }
            }
        };
    }
}
