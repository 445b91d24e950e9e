//! `#[derive(IntoUserComEvent)]`: a struct as a User.com event. Its name comes from
//! `#[usercom(event = "...")]`, its data from the fields marked `data` (each value through
//! `convert::DataValue`, which every `CustomValue` type is, checked at the field's type), its time from the field marked
//! `timestamp` (`convert::TimestampValue`). Unmarked fields are never sent.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Generics, Ident, Type, WherePredicate};

use crate::ast;
use crate::attr::{event_attrs, event_field, EventAttrs, EventField};
use crate::ctxt::Ctxt;
use crate::expand::{crate_path, mentions, ty_tokens};
use crate::pipeline::Derive;

/// `#[derive(IntoUserComEvent)]`.
pub(crate) struct IntoUserComEvent;

/// The struct, its options read.
pub(crate) struct Input<'a> {
    ident: &'a Ident,
    generics: &'a Generics,
    attrs: EventAttrs,
    fields: Vec<Field<'a>>,
}

/// A field that is part of the event.
struct Field<'a> {
    member: &'a Ident,
    ty: &'a Type,
    mapping: EventField,
}

impl Derive for IntoUserComEvent {
    type Input<'a> = Input<'a>;

    fn parse<'a>(cx: &mut Ctxt, node: &'a DeriveInput) -> Option<Input<'a>> {
        let attrs = event_attrs(cx, &node.attrs, &node.ident);
        let named = ast::named_fields(cx, node, "IntoUserComEvent")?;
        let fields = named
            .named
            .iter()
            .filter_map(|field| {
                let member = field.ident.as_ref()?;
                let mapping = event_field(cx, &field.attrs, member)?;
                Some(Field {
                    member,
                    ty: &field.ty,
                    mapping,
                })
            })
            .collect();
        Some(Input {
            ident: &node.ident,
            generics: &node.generics,
            attrs,
            fields,
        })
    }

    fn check(cx: &mut Ctxt, input: &Input<'_>) {
        let mut names: HashMap<String, &Ident> = HashMap::new();
        let mut timestamp: Option<&Ident> = None;
        for field in &input.fields {
            match &field.mapping {
                EventField::Data { name } => {
                    if let Some(first) = names.insert(name.value(), field.member) {
                        cx.error_spanned_by(
                            name,
                            format!(
                                "the data name `{}` is mapped twice (also by the field `{first}`); \
                                 give one of them another name with `data = \"...\"`",
                                name.value()
                            ),
                        );
                    }
                }
                EventField::Timestamp { token } => {
                    if let Some(first) = timestamp.replace(field.member) {
                        cx.error_spanned_by(
                            token,
                            format!(
                                "an event has one time, and the field `{first}` is its \
                                 `timestamp` already; remove one"
                            ),
                        );
                    }
                }
            }
        }
    }

    fn expand(input: &Input<'_>) -> TokenStream {
        expand(input)
    }

    fn fallback(node: &DeriveInput, input: Option<&Input<'_>>) -> TokenStream {
        let krate = crate_path(input.and_then(|i| i.attrs.krate.as_ref()));
        let ident = &node.ident;
        let (impl_generics, ty_generics, where_clause) = node.generics.split_for_impl();
        quote! {
            const _: () = {
                #[automatically_derived]
                impl #impl_generics #krate::IntoUserComEvent for #ident #ty_generics #where_clause {
                    fn write_user_com_event<'__usercom>(
                        &'__usercom self,
                        _: &mut #krate::CreateEvent<'__usercom>,
                    ) -> #krate::__private::Result<(), #krate::Error> {
                        ::core::unreachable!("the derive reported an error at compile time")
                    }
                }
            };
        }
    }
}

/// The impl of `IntoUserComEvent`, for an input without errors.
///
/// Hygiene as in `expand`: only the field's type carries the user's span (so that a type
/// that cannot be sent is an error on it); `self` and the invented names stay at call-site
/// or mixed-site spans.
fn expand(input: &Input<'_>) -> TokenStream {
    let krate = crate_path(input.attrs.krate.as_ref());
    let ident = input.ident;
    let name = input
        .attrs
        .name
        .as_ref()
        .map(|n| n.value())
        .unwrap_or_default();
    let event = Ident::new("__event", Span::mixed_site());
    let type_params: HashSet<String> = input
        .generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();
    let mut generics = input.generics.clone();
    let mut statements = Vec::new();
    for field in &input.fields {
        let member = field.member;
        let ty = ty_tokens(field.ty);
        let span = field.ty.span();
        let trait_path = match &field.mapping {
            EventField::Data { .. } => quote!(#krate::convert::DataValue),
            EventField::Timestamp { .. } => quote!(#krate::convert::TimestampValue),
        };
        statements.push(match &field.mapping {
            EventField::Data { name } => {
                let function = quote_spanned!(span=> <#ty as #trait_path>::__add_data);
                quote!(#function(&self.#member, #event, #name)?;)
            }
            EventField::Timestamp { .. } => {
                let function = quote_spanned!(span=> <#ty as #trait_path>::__set_timestamp);
                quote!(#function(&self.#member, #event)?;)
            }
        });
        if mentions(field.ty, &type_params) {
            let predicate: WherePredicate = syn::parse_quote!(#ty: #trait_path);
            generics.make_where_clause().predicates.push(predicate);
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::IntoUserComEvent for #ident #ty_generics #where_clause {
                fn write_user_com_event<'__usercom>(
                    &'__usercom self,
                    #event: &mut #krate::CreateEvent<'__usercom>,
                ) -> #krate::__private::Result<(), #krate::Error> {
                    #event.set_name(#name);
                    #(#statements)*
                    #krate::__private::Result::Ok(())
                }
            }
        };
    }
}
