//! `#[derive(IntoUserComUser)]`: map a struct's fields to User.com user attributes, checked
//! at compile time. Use it through the facade crate `usercom`, which documents the
//! attributes; this crate holds only the macro.
//!
//! The derive is a pipeline:
//! [`ast`] (a borrowed view of the input that keeps syn's nodes for spans, with
//! [`attr`] parsing `#[usercom(...)]` against the one [`table`] of standard attributes) →
//! [`valid`] (checks across fields) → [`expand`] (code generation). Every error of a struct
//! is collected in a [`ctxt::Ctxt`] and reported in one build; after an error, [`fallback`]
//! still emits a stub impl so that the rest of the crate does not drown in follow-on errors.
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
