//! `#[derive(UserComValue)]`: a fieldless enum as the value of a custom attribute (a
//! `fixed` choice list), each variant sent as its wire name.
//!
//! Options: `#[usercom(rename = "...")]` on a variant; on the enum, `rename_all = "..."`
//! (serde's case styles), `crate = path`, and `attribute = "name"` (with `schema = "path"`
//! as on structs), which checks every wire name against the choices the app's schema lists
//! for that attribute.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, LitStr};

use crate::attr::{self, did_you_mean, EnumAttrs};
use crate::case::apply_case;
use crate::ctxt::Ctxt;
use crate::newtype;
use crate::pipeline::Derive;
use crate::schema;

/// `#[derive(UserComValue)]`: a fieldless enum, or a newtype.
pub(crate) struct UserComValue;

/// What `UserComValue` reads.
pub(crate) enum ValueInput<'a> {
    /// An enum: its options, and its variants (`None` when it has none to derive, or is a
    /// union; the error is reported then).
    Enum {
        node: &'a DeriveInput,
        attrs: EnumAttrs,
        variants: Option<Vec<Variant<'a>>>,
    },
    Newtype(&'a DeriveInput, newtype::Newtype<'a>),
}

impl Derive for UserComValue {
    type Input<'a> = ValueInput<'a>;

    fn parse<'a>(cx: &mut Ctxt, node: &'a DeriveInput) -> Option<ValueInput<'a>> {
        if let Data::Struct(data) = &node.data {
            return newtype::parse(cx, node, data).map(|n| ValueInput::Newtype(node, n));
        }
        let attrs = attr::enum_attrs(cx, node);
        let variants = variants(cx, node, &attrs);
        Some(ValueInput::Enum {
            node,
            attrs,
            variants,
        })
    }

    fn check(cx: &mut Ctxt, input: &ValueInput<'_>) {
        if let ValueInput::Enum {
            node,
            attrs,
            variants: Some(variants),
        } = input
        {
            check_against_schema(cx, attrs, node, variants);
        }
    }

    fn expand(input: &ValueInput<'_>) -> TokenStream {
        match input {
            ValueInput::Enum {
                node,
                attrs,
                variants: Some(variants),
            } => {
                let krate = crate::expand::crate_path(attrs.krate.as_ref());
                expand(node, &krate, variants, track(attrs))
            }
            // Reported by `variants` already.
            ValueInput::Enum { variants: None, .. } => TokenStream::new(),
            ValueInput::Newtype(node, newtype) => newtype::expand(node, newtype),
        }
    }

    fn fallback(_: &DeriveInput, input: Option<&ValueInput<'_>>) -> TokenStream {
        match input {
            Some(ValueInput::Enum { attrs, .. }) => {
                let track = track(attrs);
                quote!(const _: () = { #track };)
            }
            // A newtype has no schema, and nothing to stub.
            Some(ValueInput::Newtype(..)) | None => TokenStream::new(),
        }
    }
}

/// The schema file tracked, so that changing it rebuilds.
fn track(attrs: &EnumAttrs) -> TokenStream {
    schema::tracking(attrs.schema.as_ref().map(LitStr::value).as_deref())
}

/// One variant: its name and its wire name, with the token that gave it (for errors).
pub(crate) struct Variant<'a> {
    ident: &'a Ident,
    wire: String,
    rename: Option<LitStr>,
}

impl Variant<'_> {
    /// The token an error about the wire name points at.
    fn token(&self) -> &dyn quote::ToTokens {
        match &self.rename {
            Some(rename) => rename,
            None => self.ident,
        }
    }
}

fn variants<'a>(
    cx: &mut Ctxt,
    node: &'a DeriveInput,
    attrs: &EnumAttrs,
) -> Option<Vec<Variant<'a>>> {
    let data = match &node.data {
        Data::Enum(data) => data,
        Data::Struct(_) => unreachable!("structs are derived by `newtype`"),
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "`#[derive(UserComValue)]` works on fieldless enums, not on unions",
            );
            return None;
        }
    };
    if data.variants.is_empty() {
        cx.error_spanned_by(
            &node.ident,
            "this enum has no variants, so it has no value to send: add one per choice",
        );
        return None;
    }
    let style = attrs.rename_all.as_ref().map(LitStr::value);
    let mut out: Vec<Variant> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            cx.error_spanned_by(
                &variant.fields,
                format!(
                    "`{}` carries data, but a `UserComValue` is one of fixed choices: remove \
                     the fields (each variant is sent as its name)",
                    variant.ident
                ),
            );
        }
        let rename = attr::variant_rename(cx, &variant.attrs);
        let wire = match (&rename, &style) {
            (Some(rename), _) => rename.value(),
            (None, Some(style)) => apply_case(style, &variant.ident.to_string()),
            (None, None) => variant.ident.to_string(),
        };
        let current = Variant {
            ident: &variant.ident,
            wire,
            rename,
        };
        if let Some(first) = out.iter().find(|v| v.wire == current.wire) {
            cx.error_spanned_by(
                current.token(),
                format!(
                    "the wire name \"{}\" is already used by `{}`; each choice is sent by a \
                     distinct name: rename one of them",
                    current.wire, first.ident
                ),
            );
        }
        out.push(current);
    }
    Some(out)
}

/// With `attribute = "name"`: the attribute must be in the schema, `fixed`, and (when the
/// schema lists its choices) have every wire name among them; each error on its token.
fn check_against_schema(
    cx: &mut Ctxt,
    attrs: &EnumAttrs,
    node: &DeriveInput,
    variants: &[Variant],
) {
    let Some(attribute) = &attrs.attribute else {
        return;
    };
    let loaded = match schema::find(attrs.schema.as_ref().map(LitStr::value).as_deref()) {
        Ok(Some((loaded, _))) => loaded,
        Ok(None) => {
            cx.error_spanned_by(
                attribute,
                format!(
                    "`attribute = ...` checks the choices against the app's schema, but there \
                     is none: write `{}` next to Cargo.toml with `usercom schema pull`, or \
                     name it with `schema = \"path\"`",
                    usercom_schema::DEFAULT_FILE_NAME
                ),
            );
            return;
        }
        Err(message) => {
            match &attrs.schema {
                Some(path) => cx.error_spanned_by(path, message),
                None => cx.error_spanned_by(&node.ident, message),
            }
            return;
        }
    };
    let name = attribute.value();
    let Some(definition) = loaded.schema.get(&name) else {
        let hint = did_you_mean(
            &name,
            loaded.schema.attributes().map(|a| a.name_std.as_str()),
        )
        .map(|best| format!("; did you mean `{best}`?"))
        .unwrap_or_default();
        cx.error_spanned_by(
            attribute,
            format!(
                "the app has no custom attribute `{name}` (per the schema `{}`){hint}",
                loaded.shown
            ),
        );
        return;
    };
    if definition.value_type != usercom_schema::ValueType::Fixed {
        cx.error_spanned_by(
            attribute,
            format!(
                "`{name}` is a {} attribute in the schema, not `fixed`: an enum's variants are \
                 choices of a fixed attribute",
                definition.value_type
            ),
        );
        return;
    }
    let Some(choices) = &definition.choices else {
        return;
    };
    for variant in variants {
        if !choices.contains(&variant.wire) {
            cx.error_spanned_by(
                variant.token(),
                format!(
                    "\"{}\" is not a choice of the fixed attribute `{name}`; the schema lists {}\n\
                     rename the variant (`#[usercom(rename = \"...\")]`), or add the choice in \
                     User.com and to the schema's `choices`",
                    variant.wire,
                    choices
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
}

fn expand(
    node: &DeriveInput,
    krate: &TokenStream,
    variants: &[Variant],
    track: TokenStream,
) -> TokenStream {
    let ident = &node.ident;
    let (impl_generics, ty_generics, where_clause) = node.generics.split_for_impl();
    let extra = |param: &str| {
        let mut generics = node.generics.clone();
        let param = Ident::new(param, Span::mixed_site());
        generics.params.insert(0, syn::parse_quote!(#param));
        (generics, param)
    };
    let (custom_generics, a) = extra("__A");
    let (custom_impl_generics, _, _) = custom_generics.split_for_impl();
    let (schema_generics, n) = extra("__N");
    let (schema_impl_generics, _, _) = schema_generics.split_for_impl();
    let names = variants.iter().map(|v| &v.wire);
    let enum_name = ident.to_string();
    let last = variants.len() - 1;
    let by_index = variants.iter().enumerate().map(|(i, v)| {
        let variant = v.ident;
        if i == last {
            quote!(_ => Self::#variant,)
        } else {
            quote!(#i => Self::#variant,)
        }
    });
    let arms = variants.iter().map(|v| {
        let variant = v.ident;
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    quote! {
        const _: () = {
            #track
            #[automatically_derived]
            impl #impl_generics #krate::UserComValue for #ident #ty_generics #where_clause {
                const WIRE_NAMES: &'static [&'static str] = &[#(#names),*];
                fn wire_name(&self) -> &'static str {
                    match self { #(#arms)* }
                }
            }
            #[automatically_derived]
            impl #custom_impl_generics #krate::convert::CustomValue<#a> for #ident #ty_generics #where_clause {
                fn to_attribute_value(
                    &self,
                ) -> #krate::__private::Option<
                    #krate::__private::Result<#krate::AttributeValue<'_>, #krate::convert::OutOfRange>,
                > {
                    #krate::__private::Option::Some(#krate::__private::Result::Ok(
                        #krate::AttributeValue::Text(#krate::__private::Cow::Borrowed(
                            <Self as #krate::UserComValue>::wire_name(self),
                        )),
                    ))
                }
            }
            #[automatically_derived]
            impl #custom_impl_generics #krate::read::ReadCustom<#a> for #ident #ty_generics #where_clause {
                fn read_custom(
                    value: #krate::__private::Option<&#krate::read::__private::Value>,
                ) -> #krate::__private::Result<Self, #krate::read::ReadProblem> {
                    let index = #krate::read::__private::wire_index(
                        value,
                        <Self as #krate::UserComValue>::WIRE_NAMES,
                        #enum_name,
                    )?;
                    #krate::__private::Result::Ok(match index { #(#by_index)* })
                }
            }
            #[automatically_derived]
            impl #schema_impl_generics #krate::convert::FitsFixed<#n> for #ident #ty_generics #where_clause {
                const CHOICES: #krate::__private::Option<&'static [&'static str]> =
                    #krate::__private::Option::Some(<Self as #krate::UserComValue>::WIRE_NAMES);
            }
        };
    }
}
