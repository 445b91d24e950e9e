//! `#[derive(IntoUserComUser)]`: map a struct's fields to User.com user attributes, checked
//! at compile time. Use it through the facade crate `usercom`, which documents the
//! attributes; this crate holds only the macro.
//!
//! The derive is a pipeline:
//! `ast` (a borrowed view of the input that keeps syn's nodes for spans, with `attr` parsing
//! `#[usercom(...)]` against the one `table` of standard attributes) → `valid` (checks across
//! fields) → `expand` (code generation). Every error of a struct is collected in a
//! `ctxt::Ctxt` and reported in one build; after an error, `fallback` still emits a stub impl
//! so that the rest of the crate does not drown in follow-on errors.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod table;
mod valid;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Implements `usercom::IntoUserComUser` for a struct with named fields.
///
/// See the `usercom` crate for the attributes and the accepted field types.
#[proc_macro_derive(IntoUserComUser, attributes(usercom))]
pub fn derive_into_user_com_user(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input).into()
}

/// The whole pipeline, on proc-macro2 types (so tests can call it).
fn derive(node: &DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = ctxt::Ctxt::default();
    let input = ast::Input::from_syn(&mut cx, node);
    if let Some(input) = &input {
        valid::check(&mut cx, input);
    }
    match (cx.finish(), input) {
        (None, Some(input)) => expand::expand(&input),
        (error, input) => {
            let krate = expand::crate_path(input.as_ref().and_then(|i| i.attrs.krate.as_ref()));
            let mut tokens = error.map(|e| e.to_compile_error()).unwrap_or_default();
            tokens.extend(fallback::expand(node, &krate));
            tokens
        }
    }
}

/// Expansion snapshots: what the derive generates for representative structs, formatted, so
/// that a reviewer can read it. Review changes with `cargo insta review` (or accept them with
/// `INSTA_UPDATE=always`).
#[cfg(test)]
mod tests {
    fn expand(input: syn::DeriveInput) -> String {
        let tokens = super::derive(&input);
        let file: syn::File = syn::parse2(tokens).expect("the expansion parses as items");
        prettyplease::unparse(&file)
    }

    #[test]
    fn standard_custom_and_unmapped_fields() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            struct Customer {
                #[usercom(email)]
                email: String,
                #[usercom(first_name)]
                given_name: String,
                #[usercom(score)]
                loyalty_points: i32,
                #[usercom(attribute = "plan")]
                plan: Option<String>,
                password_hash: String,
            }
        }));
    }

    #[test]
    fn generics_flatten_and_with() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            #[usercom(crate = ::usercom)]
            struct Account<'a, Id, Extra: Clone> where Extra: Default {
                #[usercom(user_id)]
                id: Id,
                #[usercom(company_id, with = ids::company)]
                company: Company,
                #[usercom(flatten)]
                address: Extra,
                #[usercom(city)]
                city: &'a str,
            }
        }));
    }

    #[test]
    fn errors_and_fallback() {
        insta::assert_snapshot!(expand(syn::parse_quote! {
            struct Customer {
                #[usercom(emial)]
                email: String,
                #[usercom(city)]
                city: String,
                #[usercom(city)]
                town: String,
            }
        }));
    }
}
