//! A borrowed view of the derive input that keeps the original syn nodes for spans.

use syn::{Data, DeriveInput, Fields, FieldsNamed, Generics, Ident, Type};

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;
use crate::schema::{self, Loaded};

/// A struct with named fields, its attributes parsed.
pub(crate) struct Input<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) fields: Vec<Field<'a>>,
    /// The app's schema, when one is configured or found next to Cargo.toml.
    pub(crate) schema: Option<Loaded>,
}

/// One named field.
pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
}

impl<'a> Input<'a> {
    /// The view of `node`, or `None` (with the error in `cx`) when it is not a struct with
    /// named fields. Attribute errors are collected in `cx`; the view is still returned so
    /// that later checks can report theirs too.
    pub(crate) fn from_syn(
        cx: &mut Ctxt,
        node: &'a DeriveInput,
        derive: &str,
    ) -> Option<Input<'a>> {
        let attrs = attr::container_attrs(cx, &node.attrs);
        let named = named_fields(cx, node, derive)?;
        let fields = named
            .named
            .iter()
            .map(|field| Field {
                ident: field.ident.as_ref().expect("named fields have idents"),
                ty: &field.ty,
                attrs: attr::field_attrs(cx, &field.attrs),
            })
            .collect();
        let schema = load_schema(cx, &attrs, &node.ident);
        Some(Input {
            ident: &node.ident,
            generics: &node.generics,
            attrs,
            fields,
            schema,
        })
    }
}

/// The schema, or `None` (with the error in `cx`, on `schema = "..."` or else on the struct's
/// name) when a configured one cannot be used.
pub(crate) fn load_schema(cx: &mut Ctxt, attrs: &ContainerAttrs, ident: &Ident) -> Option<Loaded> {
    let written = attrs.schema.as_ref().map(syn::LitStr::value);
    match schema::find(written.as_deref()) {
        Ok(found) => found.map(|(loaded, _)| loaded),
        Err(message) => {
            match &attrs.schema {
                Some(literal) => cx.error_spanned_by(literal, message),
                None => cx.error_spanned_by(ident, message),
            }
            None
        }
    }
}

/// The named fields of `node`, or `None` (with the error in `cx`, worded for `derive`) when
/// it is not a struct with named fields.
pub(crate) fn named_fields<'a>(
    cx: &mut Ctxt,
    node: &'a DeriveInput,
    derive: &str,
) -> Option<&'a FieldsNamed> {
    match &node.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Some(named),
            Fields::Unnamed(_) => {
                cx.error_spanned_by(
                    &node.ident,
                    format!(
                        "`#[derive({derive})]` needs named fields to map; this is a tuple \
                         struct: give its fields names"
                    ),
                );
                None
            }
            Fields::Unit => {
                cx.error_spanned_by(
                    &node.ident,
                    format!(
                        "`#[derive({derive})]` needs named fields to map; this is a unit \
                         struct: add fields with `#[usercom(...)]`"
                    ),
                );
                None
            }
        },
        Data::Enum(data) => {
            cx.error_spanned_by(
                data.enum_token,
                format!(
                    "`#[derive({derive})]` works on structs with named fields, not on \
                     enums: derive it on a struct, or implement `{derive}` by hand"
                ),
            );
            None
        }
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                format!("`#[derive({derive})]` works on structs with named fields, not on unions"),
            );
            None
        }
    }
}
