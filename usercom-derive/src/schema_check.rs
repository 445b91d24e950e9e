//! The compile-time checks of custom attributes against the app's schema: one marker type
//! per attribute (it names the attribute in the compiler's message) and a `Fits*` check per
//! field, as a `const` item or a where-clause predicate.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, LitStr, Type, WherePredicate};

use crate::ast::{Field, Input};
use crate::expand::{respan, ty_tokens};
/// The compile-time checks of custom attributes against the app's schema.
#[derive(Default)]
pub(crate) struct SchemaChecks {
    /// One marker type per attribute checked (its name in messages): `(name_std, ident)`.
    markers: Vec<(String, Ident)>,
    /// `const _: () = schema_check::<...>(...);` items, for non-generic fields.
    consts: Vec<TokenStream>,
}

/// How one field is checked against the schema when it is read back (`FromUserComUser`).
pub(crate) enum FieldCheck {
    /// A where-clause predicate (a field whose type involves a type parameter).
    Bound(Box<WherePredicate>),
    /// A `const` item beside the impl (collected in [`SchemaChecks`]).
    Const,
}

impl SchemaChecks {
    /// The check that `field` fits `attribute`'s value type (and, for a `fixed` attribute
    /// with choices, that an enum's wire names are among them), as a `const` item or a
    /// where-clause predicate (`generic`). `IntoUserComUser` checks through the conversion
    /// itself instead ([`SchemaChecks::fits`]).
    pub(crate) fn check(
        &mut self,
        krate: &TokenStream,
        field: &Field,
        attribute: &usercom_schema::Attribute,
        generic: bool,
    ) -> FieldCheck {
        if generic {
            return FieldCheck::Bound(Box::new(self.bound(krate, field, attribute)));
        }
        let fits = self.fits(&quote!(#krate::convert), attribute, Some(field.ty));
        if !self.choices(krate, field, attribute, &fits) {
            // The trait-qualified path carries the field type's span: an unfit type is an
            // error there, in the trait's words.
            let ty = ty_tokens(field.ty);
            let fits_path = quote_spanned!(field.ty.span()=> <#ty as #fits>::FITS);
            self.consts.push(quote!(const _: () = #fits_path;));
        }
        FieldCheck::Const
    }

    /// The `Fits*` trait of `attribute`'s value type (in `convert`, the path of the
    /// usercom crate's `convert` module), with the marker that names the attribute in its
    /// messages: `convert::FitsInteger<__usercom_attributes::seats>`.
    ///
    /// When the field's type (`ty`) is written as one the value type surely takes (`u32`
    /// for an `integer` attribute, `Option<String>` for a `string` one: see [`surely_fits`]),
    /// no message will be printed, and the marker is the one `convert` shares
    /// (`convert::named_above`): the struct then declares no marker type for it. The
    /// compiler still checks the type through the trait, so a type that only looks like one
    /// of those (a user's own `u32`, shadowing the primitive) is still refused; its message
    /// then calls the attribute `named_above`.
    pub(crate) fn fits(
        &mut self,
        convert: &TokenStream,
        attribute: &usercom_schema::Attribute,
        ty: Option<&Type>,
    ) -> TokenStream {
        use usercom_schema::ValueType;
        let marker = if ty.is_some_and(|ty| surely_fits(ty, &attribute.value_type)) {
            quote!(#convert::named_above)
        } else {
            let marker = self.marker(&attribute.name_std);
            quote!(__usercom_attributes::#marker)
        };
        let fits = Ident::new(
            match attribute.value_type {
                ValueType::Boolean => "FitsBoolean",
                ValueType::Integer => "FitsInteger",
                ValueType::Float => "FitsFloat",
                ValueType::String => "FitsString",
                ValueType::Date => "FitsDate",
                ValueType::DateTime => "FitsDateTime",
                ValueType::Json => "FitsJson",
                ValueType::Fixed => "FitsFixed",
            },
            Span::call_site(),
        );
        quote!(#convert::#fits<#marker>)
    }

    /// The where-clause predicate that checks a generic field's type against `attribute`.
    pub(crate) fn bound(
        &mut self,
        krate: &TokenStream,
        field: &Field,
        attribute: &usercom_schema::Attribute,
    ) -> WherePredicate {
        let fits = self.fits(&quote!(#krate::convert), attribute, None);
        let ty = ty_tokens(field.ty);
        parse_quote!(#ty: #fits)
    }

    /// For a `fixed` attribute with choices in the schema: a `const` item checking that the
    /// wire names the field's type can send (an enum's) are among them. Whether there was one.
    pub(crate) fn choices(
        &mut self,
        krate: &TokenStream,
        field: &Field,
        attribute: &usercom_schema::Attribute,
        fits: &TokenStream,
    ) -> bool {
        let (usercom_schema::ValueType::Fixed, Some(choices)) =
            (&attribute.value_type, &attribute.choices)
        else {
            return false;
        };
        let ty = ty_tokens(field.ty);
        let names = quote_spanned!(field.ty.span()=> <#ty as #fits>::CHOICES);
        let message = format!(
            "a variant of the enum mapped to the fixed attribute `{}` has a wire name \
             that is not among its choices in the schema ({}): rename the variant \
             (`#[usercom(rename = \"...\")]`), or add the choice in User.com and to the \
             schema's `choices`",
            attribute.name_std,
            choices.join(", ")
        );
        // The whole call carries the field type's span (the crate path included), so that a
        // failed check is reported on the field.
        let span = field.ty.span();
        let krate = respan(krate.clone(), span);
        self.consts.push(quote_spanned!(span=>
            const _: () = #krate::__private::check_choices(#names, &[#(#choices),*], #message);
        ));
        true
    }

    /// The marker type naming `name_std` in messages: the name itself when it is an
    /// identifier, else the closest identifier, unique in this expansion.
    fn marker(&mut self, name_std: &str) -> Ident {
        if let Some((_, ident)) = self.markers.iter().find(|(name, _)| name == name_std) {
            return ident.clone();
        }
        // Characters an identifier may hold, others as `_`, and a `_` in front when the first
        // may not start one: `text` and `text_<n>` are then identifiers but for keywords.
        let mut text: String = name_std
            .chars()
            .map(|c| {
                if unicode_ident::is_xid_continue(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !text.starts_with(|c: char| c == '_' || unicode_ident::is_xid_start(c)) {
            text.insert(0, '_');
        }
        let taken = |candidate: &str| self.markers.iter().any(|(_, i)| i == candidate);
        let mut candidate = text.clone();
        let mut n = 1;
        while taken(&candidate) || !is_identifier(&candidate) {
            n += 1;
            candidate = format!("{text}_{n}");
        }
        let ident = Ident::new(&candidate, Span::call_site());
        self.markers.push((name_std.to_owned(), ident.clone()));
        ident
    }

    /// The marker module, the const checks, and what makes the build follow the schema
    /// (see [`crate::schema::tracking`]).
    pub(crate) fn items(self, input: &Input) -> TokenStream {
        let track =
            crate::schema::tracking(input.attrs.schema.as_ref().map(LitStr::value).as_deref());
        if self.markers.is_empty() {
            return track;
        }
        let markers = self.markers.iter().map(|(_, ident)| ident);
        let consts = &self.consts;
        quote! {
            #track
            #[allow(non_camel_case_types, dead_code)]
            mod __usercom_attributes {
                #(pub enum #markers {})*
            }
            #(#consts)*
        }
    }
}

/// Whether `ty` is written as a type that surely fits `value_type`: a primitive or `String`
/// (`str`) named by its bare name, possibly in `Option<..>`, behind references or in the
/// invisible group a `macro_rules!` puts around a `$ty`. A type that may not fit (an enum, a
/// newtype, anything named by a path) is `false`, and gets a marker that names its
/// attribute in the compiler's message. Only the bare names the prelude gives are
/// recognised: `std::string::String` is `false` (and still fits, through a marker).
pub(crate) fn surely_fits(ty: &Type, value_type: &usercom_schema::ValueType) -> bool {
    use usercom_schema::ValueType;
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    let ty = match ty {
        Type::Reference(reference) => return surely_fits(&reference.elem, value_type),
        Type::Group(group) => return surely_fits(&group.elem, value_type),
        Type::Paren(paren) => return surely_fits(&paren.elem, value_type),
        Type::Path(path) if path.qself.is_none() && path.path.leading_colon.is_none() => path,
        _ => return false,
    };
    let [segment] = ty.path.segments.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let name = segment.ident.to_string();
    match &segment.arguments {
        syn::PathArguments::None => {}
        syn::PathArguments::AngleBracketed(args) if name == "Option" && args.args.len() == 1 => {
            return match &args.args[0] {
                syn::GenericArgument::Type(inner) => surely_fits(inner, value_type),
                _ => false,
            };
        }
        _ => return false,
    }
    let name = name.as_str();
    match value_type {
        ValueType::Boolean => name == "bool",
        ValueType::Integer => INTEGERS.contains(&name),
        ValueType::Float => name == "f32" || name == "f64" || INTEGERS.contains(&name),
        ValueType::String | ValueType::Fixed => name == "String" || name == "str",
        ValueType::Date | ValueType::DateTime | ValueType::Json => false,
    }
}

/// Whether `text` (letters, digits and `_`, not starting with a digit) is an identifier,
/// that is, not a keyword. Plain ASCII is checked against syn's list of the words it refuses as
/// identifiers (parsing it with syn would lex it in the compiler, once per marker); other
/// text is parsed.
fn is_identifier(text: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
        "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if",
        "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
        "pub", "ref", "return", "Self", "self", "static", "struct", "super", "trait", "true",
        "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    if text.is_ascii() {
        !KEYWORDS.contains(&text)
    } else {
        syn::parse_str::<Ident>(text).is_ok()
    }
}

#[cfg(test)]
mod tests {
    /// Every `name_std` gets a marker that is an identifier, unique in the expansion, among
    /// them names of characters that are alphanumeric but may not stand in an identifier.
    #[test]
    fn every_name_gets_an_identifier() {
        let mut checks = super::SchemaChecks::default();
        let names = [
            "plan", "x²", "²", "½_off", "", "_", "type", "type_2", "9lives", "a-b", "a b", "plän",
            "\u{300}x", "日本", "x²", "x_",
        ];
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let ident = checks.marker(name).to_string();
            assert!(
                syn::parse_str::<syn::Ident>(&ident).is_ok(),
                "{name:?} -> {ident:?}"
            );
            seen.insert(ident);
        }
        // One marker per distinct name (`x²` appears twice).
        assert_eq!(seen.len(), names.len() - 1);
        assert_eq!(checks.marker("x²").to_string(), "x_");
        assert_eq!(checks.marker("x_").to_string(), "x__2");
        assert_eq!(checks.marker("plän").to_string(), "plän");
        assert_eq!(checks.marker("²").to_string(), "__2");
        assert_eq!(checks.marker("").to_string(), "__3");
        assert_eq!(checks.marker("9lives").to_string(), "_9lives");
        assert_eq!(checks.marker("type").to_string(), "type_2");
        assert_eq!(checks.marker("type_2").to_string(), "type_2_2");
    }

    /// The plain-ASCII check agrees with syn's parse on keywords, reserved words and names.
    #[test]
    fn is_identifier_agrees_with_syn() {
        let words = [
            "_",
            "__",
            "a",
            "plan",
            "seats",
            "type",
            "fn",
            "Self",
            "self",
            "union",
            "macro_rules",
            "raw",
            "safe",
            "gen",
            "async",
            "await",
            "dyn",
            "try",
            "yield",
            "abstract",
            "box",
            "_type",
            "type_2",
            "r",
            "default",
            "static",
            "crate",
            "super",
        ];
        for word in words {
            assert_eq!(
                super::is_identifier(word),
                syn::parse_str::<syn::Ident>(word).is_ok(),
                "{word}"
            );
        }
    }
}
