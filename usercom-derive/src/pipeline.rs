//! The whole derive, on proc-macro2 types, so that tests and the fuzzer can run it.
//!
//! This file and the modules it uses are also compiled into the fuzz targets (`fuzz/`), which
//! include them by path: they must not depend on the `proc_macro` crate.

use syn::DeriveInput;

use crate::{ast, ctxt, expand, fallback, schema, valid};

/// The whole pipeline, on proc-macro2 types (so tests can call it).
pub(crate) fn derive(node: &DeriveInput) -> proc_macro2::TokenStream {
    let mut cx = ctxt::Ctxt::default();
    let input = ast::Input::from_syn(&mut cx, node, "IntoUserComUser");
    if let Some(input) = &input {
        valid::check(&mut cx, input);
    }
    match (cx.finish(), input) {
        (None, Some(input)) => expand::expand(&input),
        (error, input) => {
            let krate = expand::crate_path(input.as_ref().and_then(|i| i.attrs.krate.as_ref()));
            let mut tokens = error.map(|e| e.to_compile_error()).unwrap_or_default();
            tokens.extend(fallback::expand(node, &krate));
            let schema = input.as_ref().and_then(|i| i.attrs.schema.as_ref());
            let track = schema::tracking(schema.map(syn::LitStr::value).as_deref());
            tokens.extend(quote::quote!(const _: () = { #track };));
            tokens
        }
    }
}
