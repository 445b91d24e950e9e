//! The one pipeline every derive runs through: its input is read (`parse`, with the one
//! attribute parser in `attr`), checked (`check`) and expanded (`expand`); every error of
//! the input is collected in one [`Ctxt`] and reported in one build, followed by the
//! derive's `fallback` (stub impls, so that the user's uses of the traits add no follow-on
//! errors). All on proc-macro2 types, so that tests and the fuzzer can run it.
//!
//! This file and the modules `IntoUserComUser` uses are also compiled into the fuzz targets
//! (`fuzz/`), which include them by path: they must not depend on the `proc_macro` crate.

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::ctxt::Ctxt;
use crate::{ast, expand, fallback, schema, valid};

/// One derive of the crate, as the stages of [`run`].
pub(crate) trait Derive {
    /// What the input is read into (borrowing the syn nodes, for spans).
    type Input<'a>;
    /// Reads `node`; `None` when it cannot be derived at all (the error is in `cx`). An
    /// input with errors is still returned, so that later stages report theirs too.
    fn parse<'a>(cx: &mut Ctxt, node: &'a DeriveInput) -> Option<Self::Input<'a>>;
    /// The checks across the whole input.
    fn check(cx: &mut Ctxt, input: &Self::Input<'_>);
    /// The code, for an input without errors.
    fn expand(input: &Self::Input<'_>) -> TokenStream;
    /// After errors: what keeps them from multiplying (stub impls), and the schema file
    /// still tracked, so that fixing it rebuilds.
    fn fallback(node: &DeriveInput, input: Option<&Self::Input<'_>>) -> TokenStream;
}

/// The whole derive `D` of `node`.
pub(crate) fn run<D: Derive>(node: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let input = D::parse(&mut cx, node);
    if let Some(input) = &input {
        D::check(&mut cx, input);
    }
    match (cx.finish(), input) {
        (None, Some(input)) => D::expand(&input),
        (error, input) => {
            let mut tokens = error.map(|e| e.to_compile_error()).unwrap_or_default();
            tokens.extend(D::fallback(node, input.as_ref()));
            tokens
        }
    }
}

/// `#[derive(IntoUserComUser)]`.
pub(crate) struct IntoUserComUser;

impl Derive for IntoUserComUser {
    type Input<'a> = ast::Input<'a>;

    fn parse<'a>(cx: &mut Ctxt, node: &'a DeriveInput) -> Option<ast::Input<'a>> {
        ast::Input::from_syn(cx, node, "IntoUserComUser")
    }

    fn check(cx: &mut Ctxt, input: &ast::Input<'_>) {
        valid::check(cx, input);
    }

    fn expand(input: &ast::Input<'_>) -> TokenStream {
        expand::expand(input)
    }

    fn fallback(node: &DeriveInput, input: Option<&ast::Input<'_>>) -> TokenStream {
        struct_fallback(node, input, fallback::expand)
    }
}

/// The fallback of a struct's derive: the `stubs` impls, at the crate's path, and the
/// schema file tracked.
pub(crate) fn struct_fallback(
    node: &DeriveInput,
    input: Option<&ast::Input<'_>>,
    stubs: fn(&DeriveInput, &TokenStream) -> TokenStream,
) -> TokenStream {
    let krate = expand::crate_path(input.and_then(|i| i.attrs.krate.as_ref()));
    let mut tokens = stubs(node, &krate);
    let schema = input.and_then(|i| i.attrs.schema.as_ref());
    let track = schema::tracking(schema.map(syn::LitStr::value).as_deref());
    tokens.extend(quote::quote!(const _: () = { #track };));
    tokens
}

/// `#[derive(IntoUserComUser)]` of `node`.
pub(crate) fn derive(node: &DeriveInput) -> TokenStream {
    run::<IntoUserComUser>(node)
}
