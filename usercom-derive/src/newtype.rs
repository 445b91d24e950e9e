//! `#[derive(UserComValue)]` on a single-field tuple struct (`struct Email(String);`):
//! every value trait, both directions, forwarded to the field, so the newtype is accepted
//! wherever its field's type is.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::{DataStruct, DeriveInput, Field, Fields};

use crate::ctxt::Ctxt;

/// The traits forwarded to the field: `(path under the crate, [(method, output type)])`;
/// the generic parameter is the attribute (or, for the `Fits*` traits, the name in
/// messages). Provided methods are forwarded too, so that the field's own (say, an
/// integer's allocation-free `to_id_text`) is used.
const VALUE_TRAITS: &[(&str, &[(&str, &str)])] = &[
    (
        "convert::TextValue",
        &[("to_text", "Option<::std::borrow::Cow<'_, str>>")],
    ),
    (
        "convert::IdValue",
        &[
            ("to_id", "Option<::std::borrow::Cow<'_, str>>"),
            ("to_id_text", "Option<$krate::convert::IdText<'_>>"),
        ],
    ),
    (
        "convert::IntegerValue",
        &[(
            "to_integer",
            "Option<Result<i64, $krate::convert::OutOfRange>>",
        )],
    ),
    ("convert::BoolValue", &[("to_bool", "Option<bool>")]),
    (
        "convert::GenderValue",
        &[("to_gender", "Option<$krate::Gender>")],
    ),
    (
        "convert::StatusValue",
        &[("to_status", "Option<$krate::Status>")],
    ),
    (
        "convert::CustomValue",
        &[(
            "to_attribute_value",
            "Option<Result<$krate::AttributeValue<'_>, $krate::convert::OutOfRange>>",
        )],
    ),
];

/// The read traits: `(path, method, argument type)`.
const READ_TRAITS: &[(&str, &str, &str)] = &[
    ("read::ReadText", "read_text", "Option<&str>"),
    ("read::ReadInteger", "read_integer", "Option<i64>"),
    ("read::ReadBool", "read_bool", "Option<bool>"),
    ("read::ReadGender", "read_gender", "Option<$krate::Gender>"),
    ("read::ReadStatus", "read_status", "Option<$krate::Status>"),
    (
        "read::ReadCustom",
        "read_custom",
        "Option<&$krate::read::__private::Value>",
    ),
];

const FITS: &[&str] = &[
    "FitsBoolean",
    "FitsInteger",
    "FitsFloat",
    "FitsString",
    "FitsDate",
    "FitsDateTime",
    "FitsJson",
    "FitsFixed",
];

/// A newtype, read: its one field and the crate's path, if given.
pub(crate) struct Newtype<'a> {
    field: &'a Field,
    krate: Option<syn::Path>,
}

/// Reads a newtype; `None` (the error in `cx`) when the struct is not one.
pub(crate) fn parse<'a>(
    cx: &mut Ctxt,
    node: &'a DeriveInput,
    data: &'a DataStruct,
) -> Option<Newtype<'a>> {
    let field = match &data.fields {
        Fields::Unnamed(fields) if fields.unnamed.len() == 1 => fields.unnamed.first(),
        _ => None,
    };
    let Some(field) = field else {
        cx.error_spanned_by(
            data.struct_token,
            "`#[derive(UserComValue)]` works on fieldless enums (one variant per choice) \
             and on single-field tuple structs (newtypes such as `struct Email(String);`)",
        );
        return None;
    };
    let krate = crate::attr::newtype_crate(cx, &node.attrs);
    Some(Newtype { field, krate })
}

/// Every value trait of `node`, forwarded to its field.
pub(crate) fn expand(node: &DeriveInput, newtype: &Newtype) -> TokenStream {
    let Newtype { field, krate } = newtype;
    let krate_path = krate;
    let krate = crate::expand::crate_path(krate_path.as_ref());
    let ident = &node.ident;
    let inner = &field.ty;
    let param = Ident::new("__A", Span::mixed_site());
    let with_param = |bound: TokenStream| {
        let mut generics = node.generics.clone();
        generics.params.insert(0, syn::parse_quote!(#param));
        generics
            .make_where_clause()
            .predicates
            .push(syn::parse_quote!(#inner: #bound));
        generics
    };
    let ty = |text: &str| -> TokenStream {
        text.replace("$krate", &krate.to_string())
            .parse()
            .expect("a type")
    };
    let (_, ty_generics, _) = node.generics.split_for_impl();
    let mut impls = Vec::new();
    for (path, methods) in VALUE_TRAITS {
        let trait_path: TokenStream = format!("{krate}::{path}<{param}>").parse().expect("a path");
        let methods = methods.iter().map(|(method, output)| {
            let method = Ident::new(method, Span::call_site());
            let output = ty(output);
            quote! {
                #[inline]
                fn #method(&self) -> #output {
                    <#inner as #trait_path>::#method(&self.0)
                }
            }
        });
        let generics = with_param(trait_path.clone());
        let (impl_generics, _, where_clause) = generics.split_for_impl();
        impls.push(quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
                #(#methods)*
            }
        });
    }
    for (path, method, argument) in READ_TRAITS {
        let trait_path: TokenStream = format!("{krate}::{path}<{param}>").parse().expect("a path");
        let method = Ident::new(method, Span::call_site());
        let argument = ty(argument);
        let generics = with_param(trait_path.clone());
        let (impl_generics, _, where_clause) = generics.split_for_impl();
        impls.push(quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
                #[inline]
                fn #method(
                    value: #argument,
                ) -> #krate::__private::Result<Self, #krate::read::ReadProblem> {
                    <#inner as #trait_path>::#method(value).map(Self)
                }
            }
        });
    }
    for fits in FITS {
        let trait_path: TokenStream = format!("{krate}::convert::{fits}<{param}>")
            .parse()
            .expect("a path");
        let generics = with_param(trait_path.clone());
        let (impl_generics, _, where_clause) = generics.split_for_impl();
        let choices = (*fits == "FitsFixed").then(|| {
            quote! {
                const CHOICES: #krate::__private::Option<&'static [&'static str]> =
                    <#inner as #trait_path>::CHOICES;
            }
        });
        impls.push(quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
                #choices
            }
        });
    }
    quote!(const _: () = { #(#impls)* };)
}
